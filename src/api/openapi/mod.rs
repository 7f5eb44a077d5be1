//! The OpenAPI 3.1 document of everything Parley serves, at
//! `/api/v1/openapi.json` (and browsable at `/docs`). It is built from the
//! table of operations in [`operations`]; a test holds that table against the
//! route table (`server::routes::API_ROUTES`) in both directions, so a route cannot
//! exist undocumented, nor a documented one not exist.
//!
//! Resource schemas list their keys with types but require only `id`: with
//! `fields` a client keeps just some keys, and with `_case=camel` every key
//! is camelCased, so no other key is on every response. Related resources are
//! stubs (`{id, resource_type}`) that `include` replaces with the whole
//! resource, so they are open objects.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use crate::state::AppState;

/// `GET /api/v1/openapi.json`.
pub async fn serve(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(state.openapi.clone())
}

/// Who may call an operation, which says its security alternatives.
#[derive(Clone, Copy, PartialEq)]
enum Access {
    /// Anyone; credentials are optional and change what is seen.
    Public,
    /// A signed-in user (session or Basic) or a fingerprint device.
    Device,
    /// A signed-in user (session or Basic).
    User,
    /// An agent, admin or owner (session or Basic).
    Staff,
    /// An admin or owner (session or Basic).
    Admin,
    /// An owner (session or Basic).
    Owner,
    /// Outside the API's identities (health, metrics, avatars).
    Open,
}

/// What an operation answers on success.
enum Answer {
    /// One resource of this schema, with this status.
    One(u16, &'static str),
    /// A page of them (`offset`, `limit`, `total_count`).
    Page(&'static str),
    /// A whole collection (`total_count` only).
    All(&'static str),
    /// `{"status": 200}`.
    Empty,
    /// Not the envelope: a content type and what it is.
    Raw(u16, &'static str, &'static str),
}

/// One operation: a method on a path.
struct Op {
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    description: &'static str,
    access: Access,
    params: Vec<Value>,
    body: Option<&'static str>,
    answer: Answer,
    shaped: bool,
    /// What the created resource's id opens: operation ids and the
    /// parameters it fills (OpenAPI links).
    links: Vec<(&'static str, Value)>,
    /// A retry with the same `client_id` answers `200` with the first resource.
    replays: bool,
}

fn op(method: &'static str, path: &'static str, tag: &'static str, summary: &'static str, access: Access) -> Op {
    Op {
        method,
        path,
        tag,
        summary,
        description: "",
        access,
        params: Vec::new(),
        body: None,
        answer: Answer::Empty,
        shaped: true,
        links: Vec::new(),
        replays: false,
    }
}

impl Op {
    fn describe(mut self, text: &'static str) -> Op {
        self.description = text;
        self
    }

    fn query(mut self, name: &'static str, schema: Value, description: &'static str) -> Op {
        self.params.push(json!({"name": name, "in": "query", "schema": schema, "description": description}));
        self
    }

    fn paged(self) -> Op {
        self.query("offset", json!({"type": "integer", "minimum": 0, "default": 0}), "Resources to skip.").query(
            "limit",
            json!({"type": "integer", "minimum": 0, "default": 10}),
            "Page size; more than 100 is taken as 100.",
        )
    }

    fn body(mut self, schema: &'static str) -> Op {
        self.body = Some(schema);
        self
    }

    fn answers(mut self, answer: Answer) -> Op {
        self.answer = answer;
        self
    }

    /// The created resource's `id` fills `parameter` of `operation`, whose
    /// other path parameters come from this request's.
    fn opens(mut self, operation: &'static str, parameter: &'static str) -> Op {
        let mut parameters = json!({});
        for name in path_names(self.path) {
            parameters[name] = json!(format!("$request.path.{name}"));
        }
        parameters[parameter] = json!("$response.body#/data/id");
        self.links.push((operation, parameters));
        self
    }

    /// Answers `200` with the first resource to a retry with its `client_id`.
    fn replays(mut self) -> Op {
        self.replays = true;
        self
    }

    /// Not shaped by `include`, `fields` and `_case` (files, streams, pages).
    fn unshaped(mut self) -> Op {
        self.shaped = false;
        self
    }
}

/// Every operation Parley serves, in the order the reference shows them.
fn operations() -> Vec<Op> {
    use Access::*;
    use Answer::*;
    let conv = "Conversations";
    let msgs = "Messages";
    let att = "Attachments";
    let forms = "Forms and fields";
    let rt = "Realtime";
    let people = "Users and teams";
    let lookups = "Statuses, priorities and types";
    let ops = "Operations";
    let admin = "Administration";
    vec![
        op("get", "/api/v1/conversations", conv, "List conversations", Device)
            .describe(
                "Newest first. Customers see the conversations they requested (with \
                 `filters=MY_ORGANIZATION`, their organization's too); a fingerprint sees those \
                 started or joined from it; staff see all.",
            )
            .paged()
            .query("filters", json!({"type": "string", "enum": ["MY_ORGANIZATION"]}), "Widen a customer's list to their organization.")
            .query(
                "status",
                json!({"type": "string", "enum": ["NEW", "OPEN", "PENDING", "COMPLETED", "CLOSED", "CUSTOM"]}),
                "Only conversations whose status is of this type.",
            )
            .query("priority", json!({"type": "integer"}), "Only conversations whose priority level is at most this.")
            .query("priority_id", json!({"type": "integer", "minimum": 1}), "Only conversations with this priority.")
            .query("requester_id", json!({"type": "integer", "minimum": 1}), "Only conversations this user requested.")
            .query("assigned_agent_id", json!({"type": "string", "pattern": "^([1-9][0-9]*|none)$"}), "An agent's id, or `none` for unassigned.")
            .query("assigned_team_id", json!({"type": "string", "pattern": "^([1-9][0-9]*|none)$"}), "A team's id, or `none` for unassigned.")
            .answers(Page("Conversation")),
        op("post", "/api/v1/conversations", conv, "Start a conversation", Public)
            .describe(
                "Without a session, `name` and `email` say who writes: that customer is found or \
                 created. With a fingerprint the device becomes theirs; with neither, the answer \
                 carries `X-Request-Token`, which opens this one conversation for 120 seconds. A \
                 retry with the same `client_id` answers 200 with the first conversation.",
            )
            .body("NewConversation")
            .answers(One(201, "Conversation"))
            .replays()
            .opens("getApiV1ConversationsId", "id")
            .opens("putApiV1ConversationsId", "id")
            .opens("getApiV1ConversationsIdMessages", "id")
            .opens("postApiV1ConversationsIdMessages", "id")
            .opens("getApiV1ConversationsIdParticipants", "id")
            .opens("getApiV1ConversationsIdRatings", "id")
            .opens("postApiV1ConversationsIdRatings", "id")
            .opens("postApiV1ConversationsIdTyping", "id"),
        op("get", "/api/v1/conversations/{id}", conv, "Get a conversation", Public)
            .describe("With `token`, the request token a `POST /conversations` answered, no other credentials are needed.")
            .query("token", json!({"type": "string"}), "A request token (see `POST /conversations`).")
            .query("filters", json!({"type": "string", "enum": ["MY_ORGANIZATION"]}), "Let a customer read their organization's conversations.")
            .answers(One(200, "Conversation")),
        op("put", "/api/v1/conversations/{id}", conv, "Update a conversation", Device)
            .describe(
                "Staff change anything here (collaborators not status, priority or type); a \
                 customer changes the subject, editable field values, the priority where the \
                 instance allows it, and the status only to a completed one.",
            )
            .body("ConversationUpdate")
            .answers(One(200, "Conversation")),
        op("get", "/api/v1/conversations/{id}/participants", conv, "List a conversation's participants", Device)
            .paged()
            .answers(Page("User")),
        op("get", "/api/v1/conversations/starter", conv, "The Messenger's starter", Public)
            .describe("Recently active agents, the average reply time, the caller's open conversations and where realtime lives.")
            .answers(One(200, "Starter")),
        op("post", "/api/v1/conversations/{id}/typing", conv, "Say the caller is typing", Device)
            .body("Typing")
            .answers(Empty),
        op("get", "/api/v1/conversations/{id}/messages", msgs, "List a conversation's messages", Device)
            .describe("Newest first.")
            .paged()
            .answers(Page("Message")),
        op("post", "/api/v1/conversations/{id}/messages", msgs, "Add a message", Device)
            .describe(
                "Files come as multipart parts named `files` or `files[]`, or as ids of files \
                 uploaded before (`file_ids`). A retry with the same `client_id` answers 200 with \
                 the first message.",
            )
            .body("NewMessage")
            .answers(One(201, "Message"))
            .replays()
            .opens("getApiV1ConversationsIdMessagesMid", "mid")
            .opens("putApiV1ConversationsIdMessagesMid", "mid")
            .opens("getApiV1ConversationsIdMessagesMidDownloadAll", "mid"),
        op("get", "/api/v1/conversations/{id}/messages/{mid}", msgs, "Get a message", Device).answers(One(200, "Message")),
        op("put", "/api/v1/conversations/{id}/messages/{mid}", msgs, "Mark a message delivered or seen", Device)
            .body("MessageStatus")
            .answers(Empty),
        op("get", "/api/v1/conversations/{id}/ratings", conv, "List a conversation's ratings", Device)
            .paged()
            .answers(Page("Rating")),
        op("post", "/api/v1/conversations/{id}/ratings", conv, "Rate a conversation", Device)
            .describe("Only the conversation's requester may rate it.")
            .body("NewRating")
            .answers(One(201, "Rating"))
            .opens("putApiV1ConversationsIdRatingsRid", "rid")
            .opens("getApiV1CasesRatingsId", "id"),
        op("put", "/api/v1/conversations/{id}/ratings/{rid}", conv, "Change a rating", Device)
            .body("RatingUpdate")
            .answers(One(200, "Rating")),
        op("get", "/api/v1/cases/ratings/{id}", conv, "Get a rating", Device).answers(One(200, "Rating")),
        op("get", "/api/v1/conversations/{id}/messages/{mid}/attachments/{aid}", att, "Get an attachment", Device)
            .answers(One(200, "Attachment")),
        op("get", "/api/v1/conversations/{id}/messages/{mid}/attachments/{aid}/url", att, "An attachment's bytes, to view", Device)
            .describe("Served inline where the type is safe to show (images, PDF, plain text); otherwise as a download.")
            .answers(Raw(200, "*/*", "The file"))
            .unshaped(),
        op("get", "/api/v1/conversations/{id}/messages/{mid}/attachments/{aid}/download", att, "Download an attachment", Device)
            .answers(Raw(200, "*/*", "The file, as an attachment"))
            .unshaped(),
        op(
            "get",
            "/api/v1/conversations/{id}/messages/{mid}/attachments/{aid}/thumbnails/{tid}",
            att,
            "An image attachment's thumbnail",
            Device,
        )
        .answers(Raw(200, "image/*", "The thumbnail"))
        .unshaped(),
        op("get", "/api/v1/conversations/{id}/messages/{mid}/download_all", att, "Download a message's files as one zip", Device)
            .answers(Raw(200, "application/zip", "A zip of every attachment"))
            .unshaped(),
        op("post", "/api/v1/files", att, "Upload a file to attach later", Device)
            .describe("One multipart part named `content`; pass the answer's id in a message's `file_ids`.")
            .body("NewFile")
            .answers(One(201, "File"))
            .opens("getApiV1FilesId", "id"),
        op("get", "/api/v1/files/{id}", att, "Get an uploaded file", Device).answers(One(200, "File")),
        op("get", "/api/v1/conversations/forms", forms, "List forms", Public).answers(All("Form")),
        op("get", "/api/v1/conversations/forms/{id}", forms, "Get a form", Public).answers(One(200, "Form")),
        op("get", "/api/v1/conversations/fields", forms, "List conversation fields", Public)
            .describe("For customers, only fields visible to customers.")
            .paged()
            .answers(Page("Field")),
        op("get", "/api/v1/conversations/fields/{id}", forms, "Get a conversation field", Public).answers(One(200, "Field")),
        op("get", "/api/v1/locales/fields/{id}", forms, "Get a localized title or description", Public)
            .answers(One(200, "LocaleField")),
        op("get", "/api/v1/realtime", rt, "Stream events (Server-Sent Events)", Device)
            .describe(
                "Subscribe to conversations' `realtime_channel`s and users' `presence_channel`s \
                 (`channel`, repeatable). Resume with `Last-Event-ID` or `since`.",
            )
            .query("channel", json!({"type": "array", "items": {"type": "string"}}), "Channels to follow.")
            .query("since", json!({"type": "integer", "minimum": 0}), "Replay events after this id.")
            .answers(Raw(200, "text/event-stream", "An event stream that stays open"))
            .unshaped(),
        op("get", "/api/v1/realtime/ws", rt, "Stream events (WebSocket)", Device)
            .describe("The same events as the stream, as JSON frames; subscribe with `{\"subscribe\": [channels]}`.")
            .answers(Raw(101, "application/json", "Switching to the WebSocket protocol"))
            .unshaped(),
        op("get", "/api/v1/realtime/websocket", rt, "Kayako's Phoenix channels socket", Public)
            .describe(
                "What Kayako's apps and SDKs speak (Phoenix serializers 1.0.0 and 2.0.0): join a \
                 conversation's `realtime_channel` or a user's `presence_channel` with \
                 `fingerprint_id`, or `session_id` and `user_agent`, as query arguments.",
            )
            .query("vsn", json!({"type": "string", "enum": ["1.0.0", "2.0.0"]}), "Serializer version.")
            .query("fingerprint_id", json!({"type": "string", "format": "uuid"}), "A device's fingerprint.")
            .query("session_id", json!({"type": "string"}), "A session id.")
            .answers(Raw(101, "application/json", "Switching to the WebSocket protocol"))
            .unshaped(),
        op("get", "/api/v1/session", people, "Who is signed in", User)
            .describe("Basic credentials create a session: its id comes back as `session_id`, with `X-CSRF-Token`.")
            .answers(One(200, "Session")),
        op("delete", "/api/v1/session", people, "Sign out", User).answers(Empty),
        op("get", "/api/v1/users", people, "List users", Staff)
            .paged()
            .query("role", json!({"type": "string"}), "Role types, comma-separated (e.g. `AGENT,ADMIN,OWNER`).")
            .query("query", json!({"type": "string"}), "Text the name or email contains.")
            .query("is_enabled", json!({"type": "boolean", "default": true}), "`false` lists disabled users.")
            .answers(Page("User")),
        op("post", "/api/v1/users", admin, "Create a user", Admin)
            .describe("Agents, admins, collaborators and customers; only owners create owners.")
            .body("NewUser")
            .answers(One(201, "User"))
            .opens("getApiV1UsersId", "id")
            .opens("putApiV1UsersId", "id")
            .opens("putApiV1UsersIdPassword", "id"),
        op("get", "/api/v1/users/{id}", people, "Get a user", User).answers(One(200, "User")),
        op("put", "/api/v1/users/{id}", admin, "Update, disable or enable a user", Admin)
            .describe(
                "`is_enabled=false` refuses their sign-ins and ends their sessions; their history \
                 stays. The last enabled owner can be neither disabled nor given another role.",
            )
            .body("UserUpdate")
            .answers(One(200, "User")),
        op("put", "/api/v1/users/{id}/password", admin, "Set a user's password", Admin)
            .describe("Ends every session of theirs.")
            .body("Password")
            .answers(One(200, "User")),
        op("get", "/api/v1/teams", people, "List teams", User).answers(All("Team")),
        op("post", "/api/v1/teams", admin, "Create a team", Admin)
            .body("NewTeam")
            .answers(One(201, "Team"))
            .opens("getApiV1TeamsId", "id")
            .opens("putApiV1TeamsId", "id")
            .opens("getApiV1TeamsIdMembers", "id")
            .opens("postApiV1TeamsIdMembers", "id"),
        op("get", "/api/v1/teams/{id}", people, "Get a team", User).answers(One(200, "Team")),
        op("put", "/api/v1/teams/{id}", admin, "Rename a team", Admin).body("TeamUpdate").answers(One(200, "Team")),
        op("delete", "/api/v1/teams/{id}", admin, "Delete a team", Admin)
            .describe("Its conversations are left with no team.")
            .answers(Empty),
        op("get", "/api/v1/teams/{id}/members", admin, "List a team's members", Staff).paged().answers(Page("User")),
        op("post", "/api/v1/teams/{id}/members", admin, "Add members to a team", Admin)
            .body("Members")
            .paged()
            .answers(Page("User")),
        op("delete", "/api/v1/teams/{id}/members", admin, "Remove members from a team", Admin)
            .query("agent_ids", json!({"type": "string", "pattern": "^[0-9]+(,[0-9]+)*$"}), "Ids, comma-separated.")
            .paged()
            .answers(Page("User")),
        op("get", "/api/v1/organizations", admin, "List organizations", Staff).paged().answers(Page("Organization")),
        op("post", "/api/v1/organizations", admin, "Create an organization", Admin)
            .body("NewOrganization")
            .answers(One(201, "Organization"))
            .opens("getApiV1OrganizationsId", "id")
            .opens("putApiV1OrganizationsId", "id")
            .opens("getApiV1OrganizationsIdMembers", "id"),
        op("get", "/api/v1/organizations/{id}", admin, "Get an organization", Staff).answers(One(200, "Organization")),
        op("put", "/api/v1/organizations/{id}", admin, "Rename an organization", Admin)
            .body("NewOrganization")
            .answers(One(200, "Organization")),
        op("delete", "/api/v1/organizations/{id}", admin, "Delete an organization", Admin)
            .describe("Its users stay, in no organization.")
            .answers(Empty),
        op("get", "/api/v1/organizations/{id}/members", admin, "List an organization's users", Staff)
            .paged()
            .answers(Page("User")),
        op("get", "/api/v1/roles", people, "List roles", Staff).answers(All("Role")),
        op("get", "/api/v1/roles/{id}", people, "Get a role", User).answers(One(200, "Role")),
        op("get", "/api/v1/cases/statuses", lookups, "List statuses", Public).answers(All("Status")),
        op("post", "/api/v1/cases/statuses", lookups, "Create a status", Admin)
            .body("NewStatus")
            .answers(One(201, "Status"))
            .opens("putApiV1CasesStatusesId", "id")
            .opens("deleteApiV1CasesStatusesId", "id"),
        op("get", "/api/v1/cases/statuses/{id}", lookups, "Get a status", Public).answers(One(200, "Status")),
        op("put", "/api/v1/cases/statuses/{id}", lookups, "Change a status", Admin)
            .body("StatusUpdate")
            .answers(One(200, "Status")),
        op("delete", "/api/v1/cases/statuses/{id}", lookups, "Delete a status", Admin)
            .describe("Only one no conversation has, and never the last of its type.")
            .answers(Empty),
        op("get", "/api/v1/cases/priorities", lookups, "List priorities", Public).answers(All("Priority")),
        op("post", "/api/v1/cases/priorities", lookups, "Create a priority", Admin)
            .body("NewPriority")
            .answers(One(201, "Priority"))
            .opens("putApiV1CasesPrioritiesId", "id")
            .opens("deleteApiV1CasesPrioritiesId", "id"),
        op("get", "/api/v1/cases/priorities/{id}", lookups, "Get a priority", Public).answers(One(200, "Priority")),
        op("put", "/api/v1/cases/priorities/{id}", lookups, "Change a priority", Admin)
            .body("PriorityUpdate")
            .answers(One(200, "Priority")),
        op("delete", "/api/v1/cases/priorities/{id}", lookups, "Delete a priority", Admin)
            .describe("Only one no conversation has.")
            .answers(Empty),
        op("get", "/api/v1/cases/types", lookups, "List types", Public).answers(All("Type")),
        op("post", "/api/v1/cases/types", lookups, "Create a type", Admin)
            .body("NewType")
            .answers(One(201, "Type"))
            .opens("putApiV1CasesTypesId", "id")
            .opens("deleteApiV1CasesTypesId", "id"),
        op("get", "/api/v1/cases/types/{id}", lookups, "Get a type", Public).answers(One(200, "Type")),
        op("put", "/api/v1/cases/types/{id}", lookups, "Rename a type", Admin).body("TypeUpdate").answers(One(200, "Type")),
        op("delete", "/api/v1/cases/types/{id}", lookups, "Delete a type", Admin)
            .describe("Only one no conversation has.")
            .answers(Empty),
        op("get", "/api/v1/cases/fields", admin, "List fields, disabled ones too", Staff).paged().answers(Page("CaseField")),
        op("post", "/api/v1/cases/fields", admin, "Create a custom field", Admin)
            .describe("Options nest (`options` inside an option) for CASCADINGSELECT fields.")
            .body("NewField")
            .answers(One(201, "CaseField"))
            .opens("getApiV1CasesFieldsId", "id")
            .opens("putApiV1CasesFieldsId", "id")
            .opens("deleteApiV1CasesFieldsId", "id"),
        op("get", "/api/v1/cases/fields/{id}", admin, "Get a field as admins see it", Staff).answers(One(200, "CaseField")),
        op("put", "/api/v1/cases/fields/{id}", admin, "Change a custom field", Admin)
            .describe("Options named by `id` are kept; one a conversation's value names cannot be left out.")
            .body("FieldUpdate")
            .answers(One(200, "CaseField")),
        op("delete", "/api/v1/cases/fields/{id}", admin, "Delete a custom field", Admin)
            .describe("Only one no conversation holds a value for; disable one in use (`is_enabled=false`).")
            .answers(Empty),
        op("get", "/api/v1/cases/forms", admin, "List forms as admins see them", Staff).answers(All("CaseForm")),
        op("post", "/api/v1/cases/forms", admin, "Create a form", Admin)
            .body("NewForm")
            .answers(One(201, "CaseForm"))
            .opens("getApiV1CasesFormsId", "id")
            .opens("putApiV1CasesFormsId", "id")
            .opens("deleteApiV1CasesFormsId", "id"),
        op("get", "/api/v1/cases/forms/{id}", admin, "Get a form as admins see it", Staff).answers(One(200, "CaseForm")),
        op("put", "/api/v1/cases/forms/{id}", admin, "Change a form", Admin).body("FormUpdate").answers(One(200, "CaseForm")),
        op("delete", "/api/v1/cases/forms/{id}", admin, "Delete a form", Admin)
            .describe("Conversations started through it keep their values.")
            .answers(Empty),
        op("get", "/api/v1/settings", admin, "Instance settings", Staff).answers(All("Setting")),
        op("put", "/api/v1/settings", admin, "Change instance settings", Admin)
            .describe("As `values[name]=value`, or the names themselves.")
            .body("SettingsUpdate")
            .answers(All("Setting")),
        op("post", "/api/v1/messenger/token", admin, "Rotate the messenger token", Admin)
            .describe("Answers the new token once; identity signatures made with the old one stop verifying.")
            .answers(One(200, "MessengerToken")),
        op("get", "/api/v1/audit", admin, "The audit log", Owner)
            .describe("Every change made through the admin API, newest first: who, what, when, before and after.")
            .paged()
            .query("resource_type", json!({"type": "string"}), "Only changes to this kind of resource (`user`, `team`, ...).")
            .answers(Page("AuditEntry")),
        op("get", "/api/v1/openapi.json", ops, "This document", Open)
            .answers(Raw(200, "application/json", "The OpenAPI 3.1 document"))
            .unshaped(),
        op("get", "/healthz", ops, "Health", Open)
            .answers(Raw(200, "application/json", "`{\"status\":\"ok\"}` while the server accepts requests"))
            .unshaped(),
        op("get", "/metrics", ops, "Prometheus metrics", Open)
            .describe("From loopback clients, or with the bearer token set by `--metrics-token`.")
            .answers(Raw(200, "text/plain", "Prometheus text format 0.0.4"))
            .unshaped(),
        op("get", "/avatar/get/{uuid}", ops, "A user's avatar", Open)
            .answers(Raw(200, "image/svg+xml", "An SVG with the user's initials"))
            .unshaped(),
    ]
}

/// The document, for the server at `public_url`.
pub fn document(public_url: &str) -> Value {
    let mut paths = Map::new();
    for o in operations() {
        let entry = paths.entry(o.path).or_insert_with(|| json!({})).as_object_mut().expect("path items are objects");
        entry.insert(o.method.to_owned(), operation(&o));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Parley",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Kayako's customer Conversations API, self-hosted.",
            "description": DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": public_url}],
        "tags": [
            {"name": "Conversations"}, {"name": "Messages"}, {"name": "Attachments"},
            {"name": "Forms and fields"}, {"name": "Realtime"}, {"name": "Users and teams"},
            {"name": "Statuses, priorities and types"}, {"name": "Administration"}, {"name": "Operations"},
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "header", "name": "X-Session-ID",
                    "description": "A session id, from a request with Basic credentials (`session_id` in its answer)."},
                "basic": {"type": "http", "scheme": "basic",
                    "description": "Email and password; the answer starts a session."},
                "fingerprint": {"type": "apiKey", "in": "header", "name": "X-Fingerprint-ID",
                    "description": "A UUID a device generates once and keeps (the Messenger and the SDKs)."},
                "requestToken": {"type": "apiKey", "in": "query", "name": "token",
                    "description": "The `X-Request-Token` of an anonymous `POST /conversations`: opens that conversation for 120 seconds."},
            },
            "schemas": schemas(),
            "responses": error_responses(),
        },
    })
}

const DESCRIPTION: &str = "Every response is the Kayako envelope: `{\"status\", \"data\", \"resource\"}`, \
with `offset`, `limit` and `total_count` on collections. Related resources are stubs \
(`{\"id\", \"resource_type\"}`) unless named in `include` (`include=*` expands all). `fields` keeps \
only the named keys; `_case=camel` camelCases every key. POST and PUT take JSON, \
urlencoded (nested maps as `field_values[key]=value`) or multipart bodies. Errors are \
`{\"status\", \"errors\": [{\"code\", \"parameter\", \"message\", \"more_info\"}]}`, one per problem.";

fn operation(o: &Op) -> Value {
    let mut params: Vec<Value> = path_params(o.path);
    if o.shaped {
        params.push(json!({"name": "include", "in": "query", "schema": {"type": "string"},
            "description": "Related resource types to expand, comma-separated, or `*`."}));
        params.push(json!({"name": "fields", "in": "query", "schema": {"type": "string"},
            "description": "Keys to keep, comma-separated (`id`, `resource_type` and `resource_url` always stay)."}));
        params.push(json!({"name": "_case", "in": "query", "schema": {"type": "string", "enum": ["camel"]},
            "description": "camelCase every key."}));
    }
    params.extend(o.params.iter().cloned());
    let mut responses = Map::new();
    let (status, mut ok) = success(&o.answer);
    if !o.links.is_empty() {
        let links: Map<String, Value> = o
            .links
            .iter()
            .map(|(operation, parameters)| {
                (operation.to_string(), json!({"operationId": operation, "parameters": parameters}))
            })
            .collect();
        ok["links"] = Value::Object(links);
    }
    responses.insert(status.to_string(), ok);
    if o.replays {
        if let Answer::One(_, schema) = o.answer {
            let (_, mut first) = success(&Answer::One(200, schema));
            first["description"] = json!("A retry: the resource first created with this `client_id`");
            responses.insert("200".into(), first);
        }
    }
    for code in errors(o) {
        responses.insert(code.to_string(), json!({"$ref": format!("#/components/responses/E{code}")}));
    }
    let mut out = json!({
        "tags": [o.tag],
        "summary": o.summary,
        "operationId": operation_id(o),
        "parameters": params,
        "responses": responses,
    });
    if !o.description.is_empty() {
        out["description"] = json!(o.description);
    }
    let schemes: &[&str] = match o.access {
        Access::Public => &["", "session", "basic", "fingerprint"],
        Access::Device => &["session", "basic", "fingerprint"],
        Access::User | Access::Staff | Access::Admin | Access::Owner => &["session", "basic"],
        Access::Open => &[""],
    };
    let mut security: Vec<Value> =
        schemes.iter().map(|s| if s.is_empty() { json!({}) } else { json!({ *s: [] }) }).collect();
    if o.path == "/api/v1/conversations/{id}" && o.method == "get" {
        security.push(json!({"requestToken": []}));
    }
    out["security"] = Value::Array(security);
    if let Some(schema) = o.body {
        let schema = json!({"$ref": format!("#/components/schemas/{schema}")});
        out["requestBody"] = json!({
            "required": true,
            "content": {
                "application/json": {"schema": schema},
                "application/x-www-form-urlencoded": {"schema": schema},
                "multipart/form-data": {"schema": schema},
            },
        });
    }
    out
}

/// `getApiV1ConversationsIdMessages` and the like.
fn operation_id(o: &Op) -> String {
    let mut id = o.method.to_owned();
    for word in o.path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

/// The names of a path's parameters, in order.
fn path_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
}

fn path_params(path: &str) -> Vec<Value> {
    path_names(path)
        .map(|name| {
            let schema =
                if name == "uuid" { json!({"type": "string"}) } else { json!({"type": "integer", "minimum": 1}) };
            json!({"name": name, "in": "path", "required": true, "schema": schema})
        })
        .collect()
}

/// The error statuses an operation may answer.
fn errors(o: &Op) -> Vec<u16> {
    if o.access == Access::Open {
        return match o.path {
            "/metrics" => vec![401],
            "/avatar/get/{uuid}" => vec![404],
            _ => vec![],
        };
    }
    // Any API request may carry bad credentials (401), be throttled (429) or
    // meet a server too busy to take it (503); query arguments are checked (400).
    let mut codes = vec![400, 401, 403, 404, 429, 503];
    if o.body.is_some() {
        codes.extend([413, 507]);
    }
    codes.sort_unstable();
    codes
}

fn success(answer: &Answer) -> (u16, Value) {
    let envelope = |data: Value, paging: &[&str]| {
        let mut properties = json!({
            "status": {"type": "integer"},
            "data": data,
            "resource": {"type": "string"},
            "session_id": {"type": "string", "description": "Only when Basic credentials started a session."},
        });
        for name in paging {
            properties[*name] = json!({"type": "integer", "minimum": 0});
        }
        json!({"content": {"application/json": {"schema": {
            "type": "object", "required": ["status"], "properties": properties,
        }}}})
    };
    let reference = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let (status, mut response) = match answer {
        Answer::One(status, schema) => (*status, envelope(reference(schema), &[])),
        Answer::Page(schema) => {
            (200, envelope(json!({"type": "array", "items": reference(schema)}), &["offset", "limit", "total_count"]))
        }
        Answer::All(schema) => (200, envelope(json!({"type": "array", "items": reference(schema)}), &["total_count"])),
        Answer::Empty => (200, envelope(json!({}), &[])),
        Answer::Raw(status, content_type, what) => {
            return (*status, json!({"description": what, "content": {*content_type: {}}}));
        }
    };
    response["description"] = json!(match answer {
        Answer::One(201, _) => "Created",
        Answer::Empty => "Done",
        _ => "OK",
    });
    (status, response)
}

fn error_responses() -> Value {
    let codes: &[(u16, &str)] = &[
        (400, "FIELD_REQUIRED, FIELD_INVALID or INVALID_REQUEST_BODY: one error per problem"),
        (401, "AUTHENTICATION_REQUIRED, or AUTHENTICATION_FAILED for wrong or expired credentials"),
        (403, "PERMISSION_DENIED, or CSRF_FAILED for a session without its X-CSRF-Token"),
        (404, "RESOURCE_NOT_FOUND: no such resource, or one the caller may not see"),
        (413, "PAYLOAD_TOO_LARGE: the body or a file is over the configured limits"),
        (429, "TOO_MANY_REQUESTS: rate limited; Retry-After says when to come back"),
        (503, "SERVICE_UNAVAILABLE: too busy right now; Retry-After says when to come back"),
        (507, "INSUFFICIENT_STORAGE: the server's disk is full; nothing was stored"),
    ];
    let mut out = Map::new();
    for (code, description) in codes {
        out.insert(
            format!("E{code}"),
            json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(out)
}

/// The members of a JSON object (nothing for anything else).
fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn schemas() -> Value {
    let int = json!({"type": "integer"});
    let text = json!({"type": "string"});
    let maybe_text = json!({"type": ["string", "null"]});
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    let flag = json!({"type": "boolean"});
    let stub = json!({"$ref": "#/components/schemas/Related"});
    let maybe_stub = json!({"anyOf": [{"$ref": "#/components/schemas/Related"}, {"type": "null"}]});
    let stubs = json!({"type": "array", "items": {"$ref": "#/components/schemas/Related"}});
    let map = json!({"type": "object", "additionalProperties": true});
    let resource = |properties: Value| {
        let mut properties = properties;
        properties["id"] = json!({"type": "integer"});
        properties["resource_type"] = json!({"type": "string"});
        properties["resource_url"] = json!({"type": "string", "format": "uri"});
        json!({"type": "object", "required": ["id"], "properties": properties})
    };
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
        })),
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
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves() {
        let doc = document("http://127.0.0.1:8080");
        fn walk(v: &Value, doc: &Value) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        let pointer = r.strip_prefix('#').expect("local references only");
                        assert!(doc.pointer(pointer).is_some(), "{r} resolves to nothing");
                    }
                    m.values().for_each(|v| walk(v, doc));
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, doc)),
                _ => {}
            }
        }
        walk(&doc, &doc);
        let ids: Vec<&Value> = doc["paths"]
            .as_object()
            .expect("an object")
            .values()
            .flat_map(|item| item.as_object().expect("objects").values().map(|o| &o["operationId"]))
            .collect();
        let mut links = 0;
        for item in doc["paths"].as_object().expect("objects").values() {
            for operation in item.as_object().expect("objects").values() {
                for response in operation["responses"].as_object().expect("objects").values() {
                    for link in response["links"].as_object().into_iter().flat_map(|l| l.values()) {
                        assert!(ids.contains(&&link["operationId"]), "{link} names no operation");
                        links += 1;
                    }
                }
            }
        }
        assert!(links > 10);
    }
}
