//! The catalog on the wire: statuses, priorities and types, custom fields
//! with their options and translations, and forms. What customers may not
//! see is decided here, from the [`View`].

use serde_json::{json, Value};

use super::{locale_stubs, stub, View};
use crate::db::fields::{Field, FieldOption, Form, LocaleField};
use crate::db::lookups::{CaseType, Priority, Status};
use crate::wire::ts;

/// A case status.
pub fn status(view: &View, s: &Status) -> Value {
    json!({
        "id": s.id,
        "label": s.label,
        "type": s.kind,
        "sort_order": s.sort_order,
        // Service-level clocks run while a conversation waits on the team
        // (NEW, OPEN and custom statuses), not on the customer or when done.
        "is_sla_active": !matches!(s.kind.as_str(), "PENDING" | "COMPLETED" | "CLOSED"),
        // Parley deletes no statuses: every one it lists is live.
        "is_deleted": false,
        "created_at": ts(Some(s.created_at)),
        "updated_at": ts(Some(s.updated_at)),
        "resource_type": "case_status",
        "resource_url": view.url(&format!("cases/statuses/{}", s.id)),
    })
}

/// A case priority.
pub fn priority(view: &View, p: &Priority) -> Value {
    json!({
        "id": p.id,
        "label": p.label,
        "level": p.level,
        "created_at": ts(Some(p.created_at)),
        "updated_at": ts(Some(p.updated_at)),
        "resource_type": "case_priority",
        "resource_url": view.url(&format!("cases/priorities/{}", p.id)),
    })
}

/// A case type.
pub fn case_type(view: &View, t: &CaseType) -> Value {
    json!({
        "id": t.id,
        "label": t.label,
        "type": t.kind,
        "created_at": ts(Some(t.created_at)),
        "updated_at": ts(Some(t.updated_at)),
        "resource_type": "case_type",
        "resource_url": view.url(&format!("cases/types/{}", t.id)),
    })
}

/// A custom field.
pub fn field(view: &View, f: &Field) -> Value {
    json!({
        "id": f.id,
        "fielduuid": f.fielduuid,
        "titles": locale_stubs(&f.title_ids),
        "type": f.kind,
        "key": f.key,
        "descriptions": locale_stubs(&f.description_ids),
        "is_required": f.is_required,
        "is_editable": f.is_editable,
        "is_system": f.is_system,
        "regular_expression": f.regular_expression,
        "options": f.option_ids.iter().map(|id| stub("field_option", *id)).collect::<Vec<_>>(),
        "created_at": ts(Some(f.created_at)),
        "updated_at": ts(Some(f.updated_at)),
        "resource_type": "conversation_field",
        "resource_url": view.url(&format!("conversations/fields/{}", f.id)),
    })
}

/// An option of a field.
pub fn field_option(o: &FieldOption) -> Value {
    json!({
        "id": o.id,
        "values": locale_stubs(&o.value_ids),
        "parent": o.parent_id.map(|id| stub("field_option", id)),
        "sort_order": o.sort_order,
        "created_at": ts(Some(o.created_at)),
        "updated_at": ts(Some(o.updated_at)),
        "resource_type": "field_option",
    })
}

/// A translation.
pub fn locale_field(view: &View, l: &LocaleField) -> Value {
    json!({
        "id": l.id,
        "locale": l.locale,
        "translation": l.translation,
        "created_at": ts(Some(l.created_at)),
        "updated_at": ts(Some(l.updated_at)),
        "resource_type": "locale_field",
        "resource_url": view.url(&format!("locales/fields/{}", l.id)),
    })
}

/// A conversation form.
pub fn form(view: &View, f: &Form) -> Value {
    json!({
        "id": f.id,
        "title": f.title,
        "titles": locale_stubs(&f.title_ids),
        "description": f.description,
        "descriptions": locale_stubs(&f.description_ids),
        // A disabled field takes no values: customers are not offered it.
        "fields": f
            .field_ids
            .iter()
            .filter(|id| view.staff || view.catalog.fields.get(id).is_none_or(|field| field.is_enabled))
            .map(|id| stub("conversation_field", *id))
            .collect::<Vec<_>>(),
        "brand": null,
        "created_at": ts(Some(f.created_at)),
        "updated_at": ts(Some(f.updated_at)),
        "resource_type": "conversation_form",
        "resource_url": view.url(&format!("conversations/forms/{}", f.id)),
    })
}

/// A field as admins see it: its customer view plus its switches.
pub fn case_field(view: &View, f: &Field) -> Value {
    let mut data = field(view, f);
    data["is_visible_to_customers"] = json!(f.is_visible_to_customers);
    data["is_enabled"] = json!(f.is_enabled);
    data["sort_order"] = json!(f.sort_order);
    data["resource_type"] = json!("case_field");
    data["resource_url"] = json!(view.url(&format!("cases/fields/{}", f.id)));
    data
}

/// A form as admins see it.
pub fn case_form(view: &View, f: &Form) -> Value {
    let mut data = form(view, f);
    data["sort_order"] = json!(f.sort_order);
    data["is_default"] = json!(f.is_default);
    data["resource_type"] = json!("case_form");
    data["resource_url"] = json!(view.url(&format!("cases/forms/{}", f.id)));
    data
}

/// The catalog's resource of type `kind` with this id, as `view` may see
/// it: `Some(None)` when the catalog has no such row (or hides it from this
/// reader), `None` when `kind` is not a catalog resource.
pub fn from_catalog(view: &View, kind: &str, id: i64) -> Option<Option<Value>> {
    let catalog = &view.catalog;
    Some(match kind {
        "team" | "team_minimal" => catalog.teams.get(&id).map(|t| super::team(view, t, kind)),
        "case_status" => catalog.statuses.get(&id).map(|s| status(view, s)),
        "case_priority" => catalog.priorities.get(&id).map(|p| priority(view, p)),
        "case_type" => catalog.types.get(&id).map(|t| case_type(view, t)),
        "role" => catalog.roles.get(&id).map(|r| super::role(view, r)),
        "conversation_field" => {
            catalog.fields.get(&id).filter(|f| view.staff || f.is_visible_to_customers).map(|f| field(view, f))
        }
        "field_option" => catalog.options.get(&id).map(field_option),
        "locale_field" => catalog.locales.get(&id).map(|l| locale_field(view, l)),
        "conversation_form" => catalog.forms.get(&id).map(|f| form(view, f)),
        _ => return None,
    })
}
