//! The agents' desk in the document: search and notes (staff only).

use serde_json::{json, Map, Value};

use super::op::{op, Access, Answer, Op};

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
                 Any text is a valid query. Newest first; `sort=relevance` ranks when at most 2,000 \
                 documents match, and stays newest first beyond. At most 1,000 hits per resource type \
                 are counted and paged.",
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
            .answers(Raw(200, "application/octet-stream", "The file")),
        op("get", "/api/v1/conversations/{id}/notes/{nid}/attachments/{aid}/download", desk, "Download a note's file", Staff)
            .answers(Raw(200, "application/octet-stream", "The file")),
    ]
}

/// The desk's schemas.
pub(super) fn schemas() -> Map<String, Value> {
    let text = json!({"type": "string"});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let stub = json!({"$ref": "#/components/schemas/Related"});
    let stubs = json!({"type": "array", "items": {"$ref": "#/components/schemas/Related"}});
    let resource = |properties: Value| {
        let mut properties = properties;
        properties["id"] = json!({"type": "integer"});
        properties["resource_type"] = json!({"type": "string"});
        properties["resource_url"] = json!({"type": "string", "format": "uri"});
        json!({"type": "object", "required": ["id"], "properties": properties})
    };
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
        "NoteUpdate": {"type": "object", "required": ["contents"], "properties": {"contents": {"type": "string", "maxLength": 20000}}},
    });
    match out {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
