//! The resource and request-body schemas (`components.schemas`).

use serde_json::{json, Map, Value};

pub(super) fn schemas() -> Value {
    let int = json!({"type": "integer"});
    let text = json!({"type": "string"});
    let maybe_text = json!({"type": ["string", "null"]});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let flag = json!({"type": "boolean"});
    let stub = json!({"$ref": "#/components/schemas/Related"});
    let maybe_stub = json!({"anyOf": [{"$ref": "#/components/schemas/Related"}, {"type": "null"}]});
    let stubs = json!({"type": "array", "items": {"$ref": "#/components/schemas/Related"}});
    let map = json!({"type": "object", "additionalProperties": true});
    let body = |required: &[&str], properties: Value| json!({"type": "object", "required": required, "properties": properties});
    // In several pieces: one `json!` this big exceeds the macro recursion limit.
    let mut out = Map::new();
    out.extend(object(json!({
        "Related": {
            "type": "object", "required": ["id"], "additionalProperties": true,
            "description": "A related resource: a stub `{id, resource_type}`, or the whole resource when its type is in `include`.",
            "properties": {"id": {"type": ["integer", "string"]}, "resource_type": text},
        },
        "Error": {
            "type": "object", "required": ["status", "errors"],
            "properties": {
                "status": int,
                "errors": {"type": "array", "items": {"type": "object", "required": ["code", "message"], "properties": {
                    "code": text, "parameter": text, "message": text, "more_info": text,
                }}},
            },
        },
    })));
    out.extend(object(json!({
        "Conversation": resource(json!({
            "uuid": text, "legacy_id": maybe_text, "subject": text,
            "channel": {"type": "string", "enum": ["MAIL", "MESSENGER", "HELPCENTER", "FACEBOOK", "TWITTER", "NOTE", "CHAT"]},
            "requester": stub, "creator": stub, "last_replier": maybe_stub, "last_agent_replier": maybe_stub,
            "assigned_team": maybe_stub, "assigned_agent": maybe_stub, "status": maybe_stub, "is_closed": flag,
            "priority": maybe_stub, "type": maybe_stub, "read_marker": maybe_stub,
            "custom_fields": {"type": "array", "items": {"type": "object", "properties": {
                "field": stub, "value": {"type": ["string", "null"]}, "resource_type": text}}},
            "last_message_status": {"type": ["string", "null"]}, "last_message_preview": maybe_text,
            "realtime_channel": text, "last_replied_at": time, "created_at": time, "updated_at": time,
        })),
        "Message": resource(json!({
            "uuid": text, "client_id": maybe_text, "subject": maybe_text, "channel": text,
            "content_text": text, "content_html": text, "creator": stub,
            "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
            "download_all": {"type": ["string", "null"], "format": "uri"},
            "source": text, "metadata": map,
            "message_status": {"type": "string", "enum": ["SENT", "DELIVERED", "SEEN", "REJECTED"]},
            "message_status_reject_type": maybe_text, "message_status_reject_reason": maybe_text,
            "message_status_updated_at": time, "created_at": time, "updated_at": time,
            "mail": {"$ref": "#/components/schemas/MessageMail"},
        })),
        "MessageMail": {"type": "object", "description": "To staff, on messages that came or went by mail.", "properties": {
            "message_id": text, "from": text,
            "to": {"type": "array", "items": text}, "cc": {"type": "array", "items": text},
            "quoted_text": maybe_text, "quoted_html": maybe_text, "automated": maybe_text,
            "delivery": {"type": ["string", "null"], "enum": ["QUEUED", "SENT", "BOUNCED", "FAILED", null]},
            "original": maybe_stub,
        }},
        "Attachment": resource(json!({
            "name": text, "size": int, "width": int, "height": int, "type": text,
            "content_id": maybe_text, "alt": maybe_text, "url": text, "url_download": text,
            "thumbnails": {"type": "array", "items": map}, "created_at": time,
        })),
        "File": resource(json!({
            "name": text, "size": int, "width": int, "height": int, "type": text, "is_attached": flag, "created_at": time,
        })),
        "Rating": resource(json!({
            "score": {"type": "string", "enum": ["GOOD", "BAD"]}, "comment": maybe_text,
            "conversation": stub, "creator": stub, "created_at": time, "updated_at": time,
        })),
    })));
    out.extend(object(json!({
        "User": resource(json!({
            "uuid": text, "full_name": text, "role": stub, "teams": stubs, "avatar": text,
            "email": {"type": "string", "description": "To staff, and to the user themselves."},
            "last_activity_at": time, "last_active_at": time, "last_seen_at": time,
            "presence_channel": text, "is_online": flag,
            "role_type": {"type": "string", "description": "To staff."},
            "is_enabled": {"type": "boolean", "description": "To staff."},
            "organization": maybe_stub, "created_at": time, "updated_at": time,
        })),
    })));
    out.extend(object(json!({
        "Organization": resource(json!({"name": text, "member_count": int, "created_at": time, "updated_at": time})),
        "CaseField": {"allOf": [{"$ref": "#/components/schemas/Field"}, {"type": "object", "properties": {
            "is_visible_to_customers": flag, "is_enabled": flag, "sort_order": int,
        }}]},
        "CaseForm": {"allOf": [{"$ref": "#/components/schemas/Form"}, {"type": "object", "properties": {
            "sort_order": int, "is_default": flag,
        }}]},
        "Setting": {"type": "object", "required": ["id"], "properties": {
            "id": text, "name": text, "value": {"type": ["boolean", "string"]}, "resource_type": text,
        }},
        "MessengerToken": {"type": "object", "properties": {"token": text, "resource_type": text}},
        "Mailbox": resource(json!({
            "uuid": text, "service": text, "encryption": text, "address": text, "prefix": maybe_text,
            "smtp_type": maybe_text, "host": maybe_text, "port": {"type": ["integer", "null"]}, "username": maybe_text,
            "preserve_mails": flag, "brand": maybe_stub, "is_default": flag, "is_enabled": flag,
            "created_at": time, "updated_at": time,
        })),
        "Mail": resource(json!({
            "from": text, "from_name": maybe_text, "to": maybe_text, "recipients": map, "subject": text,
            "source": {"type": "string", "enum": ["SMTP", "IMAP", "PIPE"]}, "is_suspended": flag,
            "status": {"type": "string", "enum": ["PROCESSED", "SUSPENDED", "REJECTED"]},
            "suspension_code": maybe_text, "reason": maybe_text, "message_id": text, "size": int,
            "mailbox": maybe_stub, "case": maybe_stub, "case_post": maybe_stub, "created_at": time,
        })),
        "AuditEntry": resource(json!({
            "actor": maybe_stub, "action": text, "object_type": text, "object_id": {"type": ["integer", "null"]},
            "before": {"type": ["object", "null"]}, "after": {"type": ["object", "null"]}, "created_at": time,
        })),
        "Session": {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"}, "resource_type": text}},
        "Starter": {"type": "object", "properties": {
            "last_active_agents": {"type": "array", "items": {"$ref": "#/components/schemas/User"}},
            "average_reply_time": {"type": ["integer", "null"]},
            "active_conversations": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}},
            "realtime_url": text, "resource_type": text,
            "team_name": maybe_text, "greeting": maybe_text, "reply_time_text": maybe_text,
            "replies_by_mail": {"type": "boolean", "description": "Whether customers who gave an email get the replies they miss by mail."},
        }},
    })));
    out.extend(object(json!({
        "Team": resource(json!({"legacy_id": maybe_text, "title": text, "member_count": int, "created_at": time, "updated_at": time})),
        "Role": resource(json!({"title": text, "type": text, "created_at": time, "updated_at": time})),
        "Status": resource(json!({
            "label": text, "type": {"type": "string", "enum": ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"]},
            "sort_order": int, "is_sla_active": flag, "is_deleted": flag, "created_at": time, "updated_at": time,
        })),
        "Priority": resource(json!({"label": text, "level": int, "created_at": time, "updated_at": time})),
        "Type": resource(json!({"label": text, "type": text, "created_at": time, "updated_at": time})),
        "LocaleField": resource(json!({"locale": text, "translation": text, "created_at": time, "updated_at": time})),
        "Field": resource(json!({
            "fielduuid": text, "titles": stubs, "descriptions": stubs,
            "type": {"type": "string", "enum": ["TEXT", "TEXTAREA", "CHECKBOX", "SELECT", "RADIO", "NUMERIC", "DECIMAL", "DATE", "YESNO", "CASCADINGSELECT", "REGEX", "FILE"]},
            "key": text, "is_required": flag, "is_editable": flag, "is_system": flag,
            "regular_expression": maybe_text, "options": stubs, "created_at": time, "updated_at": time,
        })),
        "Form": resource(json!({
            "title": text, "titles": stubs, "description": maybe_text, "descriptions": stubs,
            "fields": stubs, "brand": maybe_stub, "created_at": time, "updated_at": time,
        })),
    })));
    out.extend(object(json!({
        "NewConversation": body(&["subject", "contents"], json!({
            "subject": text, "contents": text,
            "name": {"type": "string", "description": "Who writes, without a session."},
            "email": {"type": "string", "format": "email", "description": "Who writes, without a session (staff: on whose behalf)."},
            "source": {"type": "string", "enum": ["HELPCENTER", "MESSENGER", "API"]},
            "priority_id": int, "form_id": int,
            "field_values": {"type": "object", "additionalProperties": {"type": "string"}},
            "metadata": {"type": "object", "properties": {"user_agent": text, "page_url": text}},
            "client_id": {"type": "string", "maxLength": 255},
            "file_ids": {"type": "string", "description": "Ids of uploaded files, comma-separated."},
            "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
        })),
        "ConversationUpdate": body(&[], json!({
            "subject": text, "status_id": int, "priority_id": int, "type_id": int,
            "assigned_agent_id": {"type": ["integer", "string"]}, "assigned_team_id": {"type": ["integer", "string"]},
            "field_values": {"type": "object", "additionalProperties": {"type": "string"}},
        })),
        "NewMessage": body(&["contents"], json!({
            "contents": text,
            "metadata": {"type": "object", "properties": {"user_agent": text, "page_url": text}},
            "client_id": {"type": "string", "maxLength": 255},
            "file_ids": {"type": "string", "description": "Ids of uploaded files, comma-separated."},
            "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
            "cc": {"type": "string", "description": "Staff: addresses (comma-separated) to copy on the conversation's mail from this message on."},
            "macro_id": {"type": "integer", "minimum": 1, "description": "Staff: the saved reply used; its changes are applied with the message."},
        })),
        "MessageStatus": body(&["message_status"], json!({"message_status": {"type": "string", "enum": ["DELIVERED", "SEEN"]}})),
        "NewRating": body(&["score"], json!({"score": {"type": "string", "enum": ["GOOD", "BAD"]}, "comment": text})),
        "RatingUpdate": body(&[], json!({"score": {"type": "string", "enum": ["GOOD", "BAD"]}, "comment": text})),
        "Typing": body(&[], json!({"is_typing": {"type": "boolean", "default": true}})),
    })));
    out.extend(object(json!({
        "NewUser": body(&["full_name", "email"], json!({
            "full_name": text, "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": ["OWNER", "ADMIN", "AGENT", "COLLABORATOR", "CUSTOMER"]},
            "role_id": int, "password": {"type": "string", "minLength": 8},
            "team_ids": {"type": "string", "description": "Ids, comma-separated."},
            "organization_id": int, "is_enabled": flag,
        })),
        "UserUpdate": body(&[], json!({
            "full_name": text, "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": ["OWNER", "ADMIN", "AGENT", "COLLABORATOR", "CUSTOMER"]},
            "role_id": int, "team_ids": {"type": "string", "description": "Ids, comma-separated."},
            "organization_id": {"type": ["integer", "null"]}, "is_enabled": flag,
        })),
        "Password": body(&["password"], json!({"password": {"type": "string", "minLength": 8}})),
        "NewTeam": body(&["title"], json!({"title": text, "agent_ids": {"type": "string", "description": "Ids, comma-separated."}})),
        "TeamUpdate": body(&["title"], json!({"title": text})),
        "Members": body(&["agent_ids"], json!({"agent_ids": {"type": "string", "description": "Ids, comma-separated."}})),
        "NewOrganization": body(&["name"], json!({"name": text})),
        "NewMailbox": body(&["address"], json!({"address": {"type": "string", "format": "email"}, "is_enabled": flag, "is_default": flag})),
        "MailboxUpdate": body(&[], json!({
            "address": {"type": "string", "format": "email"}, "is_enabled": flag,
            "is_default": {"type": "boolean", "description": "Only `true`: make another mailbox the default instead."},
        })),
        "NewStatus": body(&["label"], json!({
            "label": text, "type": {"type": "string", "enum": ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"]}, "sort_order": int,
        })),
        "StatusUpdate": body(&[], json!({
            "label": text, "type": {"type": "string", "enum": ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"]}, "sort_order": int,
        })),
        "NewPriority": body(&["label"], json!({"label": text, "level": int})),
        "PriorityUpdate": body(&[], json!({"label": text, "level": int})),
        "NewType": body(&["label"], json!({"label": text})),
        "TypeUpdate": body(&[], json!({"label": text})),
    })));
    out.extend(object(json!({
        "Translation": {"type": "object", "required": ["translation"], "properties": {"locale": text, "translation": text}},
        "Option": {"type": "object", "properties": {
            "id": {"type": "integer", "description": "An existing option, to keep."},
            "values": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
        }},
        "NewField": body(&["type", "key", "title"], json!({
            "type": {"type": "string", "enum": ["TEXT", "TEXTAREA", "CHECKBOX", "SELECT", "RADIO", "NUMERIC", "DECIMAL", "DATE", "YESNO", "CASCADINGSELECT", "REGEX", "FILE"]},
            "key": {"type": "string", "pattern": "^[A-Za-z0-9_]+$"}, "title": text,
            "titles": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "descriptions": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "is_required": flag, "is_editable": flag, "is_visible_to_customers": flag, "is_enabled": flag,
            "regular_expression": text, "sort_order": int,
            "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
        })),
        "FieldUpdate": body(&[], json!({
            "title": text,
            "titles": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "descriptions": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "is_required": flag, "is_editable": flag, "is_visible_to_customers": flag, "is_enabled": flag,
            "regular_expression": text, "sort_order": int,
            "options": {"type": "array", "items": {"$ref": "#/components/schemas/Option"}},
        })),
    })));
    out.extend(object(json!({
        "NewForm": body(&["title"], json!({
            "title": text, "description": text,
            "titles": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "descriptions": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "field_ids": {"type": "string", "description": "Field ids in order, comma-separated."},
            "sort_order": int, "is_default": flag,
        })),
        "FormUpdate": body(&[], json!({
            "title": text, "description": text,
            "titles": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "descriptions": {"type": "array", "items": {"$ref": "#/components/schemas/Translation"}},
            "field_ids": {"type": "string", "description": "Field ids in order, comma-separated."},
            "sort_order": int, "is_default": flag,
        })),
        "SettingsUpdate": body(&[], json!({
            "values": {"type": "object", "properties": {
                "customers_see_status": flag, "customers_see_priority": flag, "customers_see_type": flag,
                "customers_edit_priority": flag, "messenger_team_name": text, "messenger_greeting": text,
                "messenger_reply_time": text,
            }},
        })),
        "NewFile": body(&["content"], json!({
            "content": {"type": "string", "contentMediaType": "application/octet-stream"}, "name": text,
        })),
    })));
    out.extend(super::desk::schemas());
    out.extend(super::insights::schemas());
    Value::Object(out)
}

/// A resource's schema: `properties` with its `id`, `resource_type` and `resource_url`.
pub(super) fn resource(properties: Value) -> Value {
    let mut properties = properties;
    properties["id"] = json!({"type": "integer"});
    properties["resource_type"] = json!({"type": "string"});
    properties["resource_url"] = json!({"type": "string", "format": "uri"});
    json!({"type": "object", "required": ["id"], "properties": properties})
}

/// The members of a JSON object (nothing for anything else).
fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
