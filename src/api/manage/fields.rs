//! Custom fields with their options and translations: `/cases/fields`.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::{admin, answer, audited, staff, text};
use crate::api::params::{Form, Params};
use crate::api::{path_id, Ctx, Reply};
use crate::db::manage::{self, FieldChange, OptionSpec, Translation};
use crate::db::{self, fields};
use crate::error::{ApiError, FieldProblem, Problems};
use crate::wire::render;

/// Translations: a list of `{locale, translation}`, or one text (`en-us`).
pub(super) fn translations(params: &Params, name: &str) -> Result<Option<Vec<Translation>>, ApiError> {
    params.value(name).map(|v| translations_of(v, name)).transpose()
}

fn translations_of(value: &Value, name: &str) -> Result<Vec<Translation>, ApiError> {
    let invalid = || ApiError::invalid(name, "Must be a list of {locale, translation}");
    let one = |v: &Value| -> Result<Translation, ApiError> {
        let locale = v.get("locale").and_then(Value::as_str).map(str::trim).unwrap_or("en-us");
        let text = v.get("translation").and_then(Value::as_str).map(str::trim).ok_or_else(invalid)?;
        if locale.is_empty() || locale.len() > 16 || text.is_empty() || text.chars().count() > 1000 {
            return Err(invalid());
        }
        Ok(Translation { locale: locale.to_ascii_lowercase(), translation: text.to_owned() })
    };
    let list = match value {
        Value::String(s) if s.trim().is_empty() => Vec::new(),
        Value::String(s) => vec![Translation { locale: "en-us".into(), translation: s.trim().to_owned() }],
        Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>()?,
        // urlencoded and multipart lists arrive as maps keyed 0, 1, ...
        Value::Object(m) => m.values().map(one).collect::<Result<_, _>>()?,
        _ => return Err(invalid()),
    };
    Ok(list)
}

/// Options: a list of `{id?, values: [{locale, translation}] | "text", options: [...]}`.
fn options(params: &Params) -> Result<Option<Vec<OptionSpec>>, ApiError> {
    fn list(v: &Value, depth: usize) -> Result<Vec<OptionSpec>, ApiError> {
        let invalid = || ApiError::invalid("options", "Must be a list of {id, values, options}, at most 3 deep");
        if depth > 3 {
            return Err(invalid());
        }
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => return Err(invalid()),
        };
        items
            .into_iter()
            .map(|item| {
                let Value::Object(m) = item else {
                    let text = item.as_str().map(str::trim).filter(|t| !t.is_empty()).ok_or_else(invalid)?;
                    let values = vec![Translation { locale: "en-us".into(), translation: text.to_owned() }];
                    return Ok(OptionSpec { id: None, values, children: Vec::new() });
                };
                let values = match m.get("values") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) => translations_of(v, "options")?,
                };
                if values.is_empty() {
                    return Err(ApiError::invalid("options", "Every option needs a value"));
                }
                let id = match m.get("id") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()).ok_or_else(invalid)?),
                };
                let children = match m.get("options") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(v) => list(v, depth + 1)?,
                };
                Ok(OptionSpec { id, values, children })
            })
            .collect()
    }
    params.value("options").map(|v| list(v, 1)).transpose()
}

/// Field types that take options.
const WITH_OPTIONS: [&str; 4] = ["CHECKBOX", "RADIO", "SELECT", "CASCADINGSELECT"];
/// Every custom field type.
const FIELD_TYPES: [&str; 12] = [
    "TEXT",
    "TEXTAREA",
    "CHECKBOX",
    "RADIO",
    "SELECT",
    "DATE",
    "FILE",
    "NUMERIC",
    "DECIMAL",
    "YESNO",
    "REGEX",
    "CASCADINGSELECT",
];

fn field_change(params: &Params, creating: bool) -> Result<FieldChange, ApiError> {
    let mut problems = Problems::default();
    let kind = if creating {
        let kind = text(params, "type", true, 32, &mut problems).map(|k| k.to_ascii_uppercase());
        if kind.as_deref().is_some_and(|k| !FIELD_TYPES.contains(&k)) {
            problems.push(FieldProblem::invalid("type", format!("Must be one of {}", FIELD_TYPES.join(", "))));
        }
        kind
    } else {
        None
    };
    let key = if creating { text(params, "key", true, 64, &mut problems) } else { None };
    if key.as_deref().is_some_and(|k| !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
        problems.push(FieldProblem::invalid("key", "Must be letters, digits and underscores"));
    }
    let mut titles = problems.absorb(translations(params, "titles"))?.flatten();
    if titles.is_none() {
        titles = text(params, "title", false, 255, &mut problems)
            .map(|t| vec![Translation { locale: "en-us".into(), translation: t }]);
    }
    if creating && titles.as_ref().is_none_or(Vec::is_empty) {
        problems.push(FieldProblem::required("title"));
    }
    let descriptions = problems.absorb(translations(params, "descriptions"))?.flatten();
    let flag = |name: &str, problems: &mut Problems| problems.absorb(params.flag(name)).ok().flatten().flatten();
    let is_required = flag("is_required", &mut problems);
    let is_editable = flag("is_editable", &mut problems);
    let is_visible_to_customers = flag("is_visible_to_customers", &mut problems);
    let is_enabled = flag("is_enabled", &mut problems);
    let regular_expression = if params.has("regular_expression") {
        let re = text(params, "regular_expression", false, 500, &mut problems);
        if let Some(re) = &re {
            if regex::Regex::new(re).is_err() {
                problems.push(FieldProblem::invalid("regular_expression", "Must be a valid regular expression"));
            }
        }
        Some(re)
    } else {
        None
    };
    let sort_order = problems.absorb(params.int("sort_order"))?.flatten();
    let options = problems.absorb(options(params))?.flatten();
    if let (Some(kind), Some(options)) = (&kind, &options) {
        if !WITH_OPTIONS.contains(&kind.as_str()) && !options.is_empty() {
            problems.push(FieldProblem::invalid("options", format!("{kind} fields take no options")));
        }
        if kind != "CASCADINGSELECT" && options.iter().any(|o| !o.children.is_empty()) {
            problems.push(FieldProblem::invalid("options", "Only CASCADINGSELECT options nest"));
        }
    }
    if creating && kind.as_deref() == Some("REGEX") && regular_expression.as_ref().is_none_or(Option::is_none) {
        problems.push(FieldProblem::required("regular_expression"));
    }
    problems.finish()?;
    Ok(FieldChange {
        kind,
        key,
        titles,
        descriptions,
        is_required,
        is_editable,
        is_visible_to_customers,
        is_enabled,
        regular_expression,
        sort_order,
        options,
    })
}

async fn field_reply(ctx: Ctx, id: i64, created: bool) -> Result<HttpResponse, ApiError> {
    answer(ctx, "case_field", created, move |conn, view| {
        Ok(fields::by_id(conn, id)?.map(|f| render::case_field(view, &f)))
    })
    .await
}

/// `GET /cases/fields`: every field, disabled ones too.
pub async fn list_fields(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    staff(&ctx)?;
    let (offset, limit) = ctx.paging()?;
    let view = ctx.view()?;
    let (items, total) = ctx
        .read(move |conn| {
            let (rows, total) = fields::list(conn, false, offset, limit)?;
            Ok((rows.iter().map(|f| render::case_field(&view, f)).collect::<Vec<_>>(), total))
        })
        .await?;
    ctx.finish(Reply::page("case_field", items, offset, limit, total)).await
}

/// `GET /cases/fields/:id`.
pub async fn get_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    staff(&ctx)?;
    field_reply(ctx, id, false).await
}

/// `POST /cases/fields`: `type`, `key`, `title` or `titles`, and optionally
/// `descriptions`, `is_required`, `is_editable`, `is_visible_to_customers`,
/// `is_enabled`, `regular_expression`, `sort_order`, `options`.
pub async fn create_field(ctx: Ctx, form: Form) -> Result<HttpResponse, ApiError> {
    let (actor, _) = admin(&ctx)?;
    let change = field_change(&form.params, true)?;
    let id = ctx
        .write(move |tx| {
            if manage::field_key_taken(tx, change.key.as_deref().unwrap_or_default())? {
                return Err(ApiError::invalid("key", "Another field has this key"));
            }
            audited(tx, actor, "field.create", "conversation_fields", "case_field", None, |tx| {
                Ok(manage::create_field(tx, &change, db::now())?)
            })
        })
        .await?;
    field_reply(ctx, id, true).await
}

/// `PUT /cases/fields/:id`: what `POST` takes but `type` and `key`. Options
/// named by `id` are kept; one a conversation's value names cannot go.
pub async fn update_field(ctx: Ctx, path: web::Path<String>, form: Form) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    let mut change = field_change(&form.params, false)?;
    ctx.write(move |tx| {
        let field = fields::by_id(tx, id)?.ok_or(ApiError::NotFound)?;
        if let Some(options) = &change.options {
            if !WITH_OPTIONS.contains(&field.kind.as_str()) && !options.is_empty() {
                return Err(ApiError::invalid("options", format!("{} fields take no options", field.kind)));
            }
            if field.kind != "CASCADINGSELECT" && options.iter().any(|o| !o.children.is_empty()) {
                return Err(ApiError::invalid("options", "Only CASCADINGSELECT options nest"));
            }
            let mut named = Vec::new();
            collect_ids(options, &mut named);
            let own: Vec<i64> = fields::options_of(tx, id)?.into_iter().map(|(o, _)| o).collect();
            if let Some(stranger) = named.iter().find(|o| !own.contains(o)) {
                return Err(ApiError::invalid("options", format!("Option {stranger} is not this field's")));
            }
            let dropped: Vec<i64> = own.into_iter().filter(|o| !named.contains(o)).collect();
            if manage::options_in_use(tx, id, &dropped)? {
                return Err(ApiError::invalid(
                    "options",
                    "Conversations hold options this leaves out: keep them (by id), or disable the field",
                ));
            }
        }
        if field.kind == "REGEX" && matches!(change.regular_expression, Some(None)) {
            return Err(ApiError::required("regular_expression"));
        }
        change.kind = Some(field.kind);
        audited(tx, actor, "field.update", "conversation_fields", "case_field", Some(id), |tx| {
            manage::update_field(tx, id, &change, db::now())?;
            Ok(id)
        })
    })
    .await?;
    field_reply(ctx, id, false).await
}

fn collect_ids(options: &[OptionSpec], out: &mut Vec<i64>) {
    for o in options {
        out.extend(o.id);
        collect_ids(&o.children, out);
    }
}

/// `DELETE /cases/fields/:id`: only a field no conversation holds a value
/// for; one in use can be disabled (`is_enabled=false`) instead.
pub async fn delete_field(ctx: Ctx, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path)?;
    let (actor, _) = admin(&ctx)?;
    ctx.write(move |tx| {
        audited(tx, actor, "field.delete", "conversation_fields", "case_field", Some(id), |tx| {
            if manage::field_in_use(tx, id)? {
                return Err(ApiError::denied(
                    "Conversations hold values for this field: disable it (is_enabled=false) instead",
                ));
            }
            manage::delete_field(tx, id)?;
            Ok(id)
        })
    })
    .await?;
    ctx.finish(Reply::ok()).await
}
