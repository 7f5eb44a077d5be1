//! The agents' desk in the document: search, notes, saved replies,
//! notifications and viewers (staff only).

use serde_json::{json, Map, Value};

use super::op::{op, Access, Answer, Op};
use super::schemas::resource;
use crate::db::notifications::KINDS;

/// The desk's operations.
pub(super) fn operations() -> Vec<Op> {
    use Access::*;
    use Answer::*;
    let desk = "Desk";
    vec![
        op("get", "/api/v1/search", desk, "Search", Staff)
            .describe(
                "Conversations (by their messages, notes, subject and requester), users and \
                 organizations. Words must all match, diacritics ignored; `\"a phrase\"`, `refun*`, \
                 `-word`, and the filters `status:`, `assignee:me|none|email`, `channel:`, \
                 `from:me|email` (who wrote the matching message or note; the requester for subject \
                 matches), `before:`/`after:` (`YYYY-MM-DD`) and `in:users|conversations|organizations`. \
                 Any text is a valid query. Newest first; `sort=relevance` ranks when at most 10,000 \
                 documents match, and stays newest first beyond. At most 1,000 hits per resource type \
                 are counted and paged. A search still running after `--search-timeout-ms` is stopped: `400` on `query`.",
            )
            .paged()
            .query("query", json!({"type": "string"}), "What to find (`q` also works).")
            .query(
                "resources",
                json!({"type": "string", "pattern": "^(conversations|users|organizations|cases)(,(conversations|users|organizations|cases))*$"}),
                "Comma-separated types to search; all by default.",
            )
            .query("sort", json!({"type": "string", "enum": ["newest", "relevance"]}), "Newest first (default) or by relevance.")
            .answers(Page("SearchResult")),
        op("get", "/api/v1/conversations/{id}/notes", desk, "List a conversation's notes", Staff)
            .describe("Private notes between agents, newest first. Never shown to customers or devices.")
            .paged()
            .answers(Page("Note")),
        op("post", "/api/v1/conversations/{id}/notes", desk, "Write a note", Staff)
            .describe(
                "`@Full Name` or `@emailname` mentions an agent. Files come as multipart `files[]` or \
                 earlier uploads in `file_ids`. A retry with the same `client_id` answers 200 with the first note.",
            )
            .body("NewNote")
            .answers(One(201, "Note"))
            .replays()
            .opens("getApiV1ConversationsIdNotesNid", "nid")
            .opens("putApiV1ConversationsIdNotesNid", "nid"),
        op("get", "/api/v1/conversations/{id}/notes/{nid}", desk, "Get a note", Staff).answers(One(200, "Note")),
        op("put", "/api/v1/conversations/{id}/notes/{nid}", desk, "Change a note", Staff)
            .describe("Its author or an admin rewrites it (mentions follow the new text).")
            .body("NoteUpdate")
            .answers(One(200, "Note")),
        op("get", "/api/v1/conversations/{id}/notes/{nid}/attachments/{aid}/url", desk, "A note's file, inline where safe", Staff)
            .describe("Served inline where the type is safe to show (images, PDF, plain text); otherwise as a download.")
            .answers(Raw(200, "*/*", "The file"))
            .unshaped(),
        op("get", "/api/v1/conversations/{id}/notes/{nid}/attachments/{aid}/download", desk, "Download a note's file", Staff)
            .answers(Raw(200, "*/*", "The file, as an attachment"))
            .unshaped(),
        op("get", "/api/v1/macros", desk, "List saved replies", Staff)
            .describe("The shared macros and the caller's own, by title.")
            .paged()
            .answers(Page("Macro")),
        op("post", "/api/v1/macros", desk, "Save a reply", Staff)
            .describe(
                "Placeholders `{{customer.name}}`, `{{customer.first_name}}`, `{{agent.name}}`, \
                 `{{agent.first_name}}` and `{{conversation.id}}` are filled in when used. `is_shared` \
                 (admins and owners) makes it the whole team's; otherwise it is the caller's own. \
                 Changes to status, priority and assignment are applied when a reply names it in \
                 `macro_id`, in the reply's own write. Audited.",
            )
            .body("NewMacro")
            .answers(One(201, "Macro"))
            .opens("getApiV1MacrosId", "id")
            .opens("putApiV1MacrosId", "id")
            .opens("deleteApiV1MacrosId", "id"),
        op("get", "/api/v1/macros/{id}", desk, "Get a saved reply", Staff)
            .query("conversation_id", json!({"type": "integer", "minimum": 1}), "Fill the reply in for this conversation (`reply_filled`).")
            .answers(One(200, "Macro")),
        op("put", "/api/v1/macros/{id}", desk, "Change a saved reply", Staff)
            .describe("Its owner changes a personal one; admins and owners a shared one. Audited.")
            .body("MacroUpdate")
            .answers(One(200, "Macro")),
        op("delete", "/api/v1/macros/{id}", desk, "Delete a saved reply", Staff).answers(Empty),
        op("get", "/api/v1/notifications", desk, "The caller's notifications", Staff)
            .describe(
                "Newest first: new conversations (unassigned, of the agent's team or of none), customer \
                 replies and ratings on conversations assigned to them, assignments to them and mentions \
                 in notes, never of their own doing. Live on the realtime channel `notifications` (each \
                 agent's own) as `notification.created`.",
            )
            .paged()
            .query("unread", json!({"type": "boolean"}), "Only those not read (`total_count` is then the unread count).")
            .answers(Page("Notification")),
        op("put", "/api/v1/notifications", desk, "Mark notifications read", Staff)
            .describe("All of them, those up to `up_to_id`, or those about `conversation_id`.")
            .body("NotificationsRead")
            .answers(Empty),
        op("put", "/api/v1/notifications/{id}", desk, "Mark a notification read", Staff)
            .body("NotificationRead")
            .answers(One(200, "Notification")),
        op("get", "/api/v1/notification_preferences", desk, "What the caller hears of, and where", Staff)
            .answers(All("NotificationPreference")),
        op("put", "/api/v1/notification_preferences", desk, "Change what the caller hears of", Staff)
            .describe("As `values[kind][channel_desktop|channel_email|channel_mobile]=true|false`; channels not named keep their value.")
            .body("NotificationPreferencesUpdate")
            .answers(All("NotificationPreference")),
        op("get", "/api/v1/conversations/{id}/viewers", desk, "Who of the team is in a conversation", Staff)
            .describe("The agents with it open now, and whether they are writing a reply or a note.")
            .answers(All("Viewer")),
        op("post", "/api/v1/conversations/{id}/viewers", desk, "Say what the caller is doing in a conversation", Staff)
            .describe(
                "`VIEWING` (the default), `REPLYING`, `NOTING` or `LEFT`. An open inbox says it again every \
                 few seconds; one that stops counts as gone after 45 s. Changes are told on the staff \
                 `inbox` channel as `viewers.changed` (never to the customer). Answers with the viewers now.",
            )
            .body("ViewerActivity")
            .answers(All("Viewer")),
    ]
}

/// The desk's schemas.
pub(super) fn schemas() -> Map<String, Value> {
    let text = json!({"type": "string"});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let stub = json!({"$ref": "#/components/schemas/Related"});
    let stubs = json!({"type": "array", "items": {"$ref": "#/components/schemas/Related"}});
    let out = json!({
        "SearchResult": resource(json!({
            "resource": {"type": "string", "enum": ["conversation", "user", "organization"]},
            "title": text,
            "snippet": {"type": ["string", "null"], "description": "HTML: the matched text, escaped, matches in `<em>`."},
            "relevance": {"type": ["number", "null"], "description": "With `sort=relevance`: higher is better."},
            "data": stub,
        })),
        "Note": resource(json!({
            "uuid": text, "conversation": stub, "creator": stub, "client_id": {"type": ["string", "null"]},
            "body_text": text, "body_html": text, "mentions": stubs,
            "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
            "created_at": time, "updated_at": time,
        })),
        "NewNote": {"type": "object", "required": ["contents"], "properties": {
            "contents": {"type": "string", "maxLength": 20000},
            "client_id": {"type": "string", "maxLength": 255},
            "file_ids": {"type": "string", "description": "Ids of uploaded files, comma-separated."},
            "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}},
        }},
        "Macro": resource(json!({
            "title": text, "reply_text": text, "reply_filled": text, "is_shared": {"type": "boolean"},
            "owner": {"anyOf": [stub, {"type": "null"}]},
            "changes": {"type": "object", "properties": {
                "status": {"anyOf": [stub, {"type": "null"}]}, "priority": {"anyOf": [stub, {"type": "null"}]},
                "assigned_agent": {"anyOf": [stub, {"type": "null"}]}, "assigned_team": {"anyOf": [stub, {"type": "null"}]},
            }},
            "usage_count": {"type": "integer"}, "last_used_at": time, "created_at": time, "updated_at": time,
        })),
        "NewMacro": {"type": "object", "required": ["title"], "properties": macro_fields(true)},
        "MacroUpdate": {"type": "object", "properties": macro_fields(false)},
        "Notification": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "notification_type": {"type": "string", "enum": KINDS}, "conversation": {"anyOf": [stub, {"type": "null"}]},
            "actor": {"anyOf": [stub, {"type": "null"}]}, "summary": text, "is_read": {"type": "boolean"},
            "read_at": time, "created_at": time, "resource_type": text,
        }},
        "NotificationPreference": {"type": "object", "properties": {
            "notification_type": {"type": "string", "enum": KINDS}, "channel_desktop": {"type": "boolean"},
            "channel_email": {"type": "boolean"}, "channel_mobile": {"type": "boolean"}, "resource_type": text,
        }},
        "NotificationsRead": {"type": "object", "required": ["is_read"], "properties": {
            "is_read": {"type": "boolean", "enum": [true]}, "up_to_id": {"type": "integer", "minimum": 1},
            "conversation_id": {"type": "integer", "minimum": 1},
        }},
        "NotificationRead": {"type": "object", "required": ["is_read"], "properties": {"is_read": {"type": "boolean", "enum": [true]}}},
        "NotificationPreferencesUpdate": {"type": "object", "required": ["values"], "properties": {
            "values": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "channel_desktop": {"type": "boolean"}, "channel_email": {"type": "boolean"}, "channel_mobile": {"type": "boolean"},
            }}},
        }},
        "Viewer": {"type": "object", "properties": {
            "user": stub, "activity": {"type": "string", "enum": ["VIEWING", "REPLYING", "NOTING"]},
            "since": time, "seen_at": time, "resource_type": text,
        }},
        "ViewerActivity": {"type": "object", "properties": {
            "activity": {"type": "string", "enum": ["VIEWING", "REPLYING", "NOTING", "LEFT"]},
        }},
        "NoteUpdate": {"type": "object", "required": ["contents"], "properties": {"contents": {"type": "string", "maxLength": 20000}}},
    });
    match out {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn macro_fields(creating: bool) -> Value {
    let id = json!({"type": ["integer", "null"], "minimum": 1});
    let mut fields = json!({
        "title": {"type": "string", "maxLength": 255}, "reply_text": {"type": "string", "maxLength": 20000},
        "status_id": id, "priority_id": id, "assigned_agent_id": id, "assigned_team_id": id,
    });
    if creating {
        fields["is_shared"] = json!({"type": "boolean"});
    }
    fields
}
