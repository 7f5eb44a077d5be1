//! Validation of `field_values` against each field's type (conventions §7).
//! Values are normalised to the text stored in `field_values.value`.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::params::scalar_text;
use crate::db::fields::{self, Field};
use crate::db::Conn;
use crate::error::{ApiError, FieldProblem, Problems};

/// What the caller may do with fields.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// Staff see and set every field.
    pub staff: bool,
    /// On update, customers may only change editable fields.
    pub updating: bool,
}

/// Validates `values`; returns the `(field_id, stored text)` pairs to write
/// (empty text clears a value on update). With `required_by_form`, the form's
/// required fields must be present. Problems are added to `problems`.
pub fn validate(
    conn: &Conn,
    values: &Map<String, Value>,
    access: Access,
    required_by_form: Option<i64>,
    problems: &mut Problems,
) -> Result<Vec<(i64, String)>, ApiError> {
    if values.is_empty() && required_by_form.is_none() {
        return Ok(Vec::new()); // nothing to check, and no form requiring anything
    }
    let all = fields::all(conn)?;
    let usable = |f: &&Field| f.is_enabled && (access.staff || f.is_visible_to_customers);
    let mut out = Vec::new();
    // Fields that were sent with a value, valid or not: their problem, if any, is already reported.
    let mut sent = HashSet::new();
    for (key, raw) in values {
        let parameter = format!("field_values.{key}");
        let Some(field) = all.iter().filter(usable).find(|f| &f.key == key) else {
            problems.push(FieldProblem::invalid(&parameter, "There is no such field"));
            continue;
        };
        if access.updating && !access.staff && !field.is_editable {
            return Err(ApiError::denied_parameter(&parameter));
        }
        let outcome = normalise(conn, field, raw);
        if !matches!(outcome, Ok(None)) {
            sent.insert(field.id);
        }
        match outcome {
            Ok(Some(text)) => out.push((field.id, text)),
            Ok(None) if access.updating && !field.is_required => out.push((field.id, String::new())),
            Ok(None) if access.updating => problems.push(FieldProblem::required(&parameter)),
            Ok(None) => {}
            Err(message) => problems.push(FieldProblem::invalid(&parameter, message)),
        }
    }
    if let Some(form_id) = required_by_form {
        if let Some(form) = fields::form_by_id(conn, form_id)? {
            for field in all.iter().filter(usable).filter(|f| f.is_required && form.field_ids.contains(&f.id)) {
                if !sent.contains(&field.id) {
                    problems.push(FieldProblem::required(&format!("field_values.{}", field.key)));
                }
            }
        }
    }
    Ok(out)
}

/// The stored text for `raw`, `None` when it is empty, or why it is invalid.
fn normalise(conn: &Conn, field: &Field, raw: &Value) -> Result<Option<String>, String> {
    if field.kind == "CHECKBOX" {
        return checkbox(conn, field, raw);
    }
    let typed = matches!(
        (field.kind.as_str(), raw),
        (_, Value::String(_))
            | ("NUMERIC" | "DECIMAL" | "SELECT" | "RADIO" | "CASCADINGSELECT", Value::Number(_))
            | ("YESNO", Value::Bool(_) | Value::Number(_))
    );
    let Some(text) = scalar_text(raw).filter(|_| typed) else {
        return Err(match raw {
            Value::Array(_) | Value::Object(_) => "Must be a single value".into(),
            _ => "Must be text".into(),
        });
    };
    if text.is_empty() {
        return Ok(None);
    }
    let ok = match field.kind.as_str() {
        "NUMERIC" => text.parse::<i64>().map(|n| n.to_string()).map_err(|_| "Must be an integer".to_owned()),
        "DECIMAL" => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(text),
            _ => Err("Must be a number".to_owned()),
        },
        "YESNO" => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok("true".to_owned()),
            "false" | "0" | "no" => Ok("false".to_owned()),
            _ => Err("Must be true or false".to_owned()),
        },
        "DATE" => {
            let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().or_else(|| {
                chrono::DateTime::parse_from_rfc3339(&text).ok().map(|d| d.with_timezone(&chrono::Utc).date_naive())
            });
            date.map(|d| d.format("%Y-%m-%d").to_string())
                .ok_or_else(|| "Must be an ISO-8601 date (YYYY-MM-DD)".to_owned())
        }
        "REGEX" => {
            let pattern = field.regular_expression.as_deref().unwrap_or("");
            match regex::Regex::new(pattern) {
                Ok(re) if re.is_match(&text) => Ok(text),
                Ok(_) => Err(format!("Must match {pattern}")),
                Err(_) => Err("The field's regular expression is invalid; ask an administrator".to_owned()),
            }
        }
        "SELECT" | "RADIO" | "CASCADINGSELECT" => {
            let id = text.parse::<i64>().map_err(|_| "Must be an option id".to_owned())?;
            let options = fields::options_of(conn, field.id).map_err(|_| "Options could not be read".to_owned())?;
            if options.iter().any(|(o, _)| *o == id) {
                Ok(id.to_string())
            } else {
                Err("Must be one of the field's option ids".to_owned())
            }
        }
        _ => Ok(text),
    };
    ok.map(Some)
}

fn checkbox(conn: &Conn, field: &Field, raw: &Value) -> Result<Option<String>, String> {
    let parts: Vec<String> = match raw {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(_) | Value::Number(_) => {
                    scalar_text(v).ok_or_else(|| "Must be a list of option ids".to_owned())
                }
                _ => Err("Must be a list of option ids".to_owned()),
            })
            .collect::<Result<_, _>>()?,
        Value::Bool(_) | Value::Object(_) => return Err("Must be a list of option ids".to_owned()),
        other => scalar_text(other)
            .ok_or_else(|| "Must be a list of option ids".to_owned())?
            .split(',')
            .map(|s| s.trim().to_owned())
            .collect(),
    };
    let parts: Vec<String> = parts.into_iter().filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        return Ok(None);
    }
    let options = fields::options_of(conn, field.id).map_err(|_| "Options could not be read".to_owned())?;
    let mut ids = Vec::new();
    for p in parts {
        match p.parse::<i64>() {
            Ok(id) if options.iter().any(|(o, _)| *o == id) => ids.push(id),
            _ => return Err("Must be a list of the field's option ids".to_owned()),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")))
}
