//! The table of operations: every route Parley serves, in the order the
//! reference shows them (the document keeps this order).

use serde_json::json;

use super::op::{op, Access, Answer, Op};

/// Every operation Parley serves, in the order the reference shows them.
pub(super) fn operations() -> Vec<Op> {
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
            .query(
                "ids",
                json!({"type": "string", "pattern": "^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,99}$"}),
                "Only these (1 to 100 ids, comma-separated): which of a few conversations a view shows.",
            )
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
            .answers(One(200, "Message")),
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
        op("get", "/api/v1/mailboxes", admin, "List mailboxes", Staff).paged().answers(Page("Mailbox")),
        op("post", "/api/v1/mailboxes", admin, "Add a mailbox", Admin)
            .describe("Mail to this address (and its `+token` forms) is taken; replies leave from it. The first mailbox is the default.")
            .body("NewMailbox")
            .answers(One(201, "Mailbox"))
            .opens("getApiV1MailboxesId", "id")
            .opens("putApiV1MailboxesId", "id")
            .opens("deleteApiV1MailboxesId", "id"),
        op("get", "/api/v1/mailboxes/{id}", admin, "Get a mailbox", Staff).answers(One(200, "Mailbox")),
        op("put", "/api/v1/mailboxes/{id}", admin, "Change a mailbox", Admin).body("MailboxUpdate").answers(One(200, "Mailbox")),
        op("delete", "/api/v1/mailboxes/{id}", admin, "Delete a mailbox", Admin)
            .describe("Not the default while other mailboxes remain.")
            .answers(Empty),
        op("get", "/api/v1/mails", admin, "List the mail received", Admin)
            .describe("Every mail received, newest first, and what became of it: processed into a message, or suspended with Kayako's code (LOOP_DETECTED, AUTOMATED_EMAIL, MAILER_DAEMON, ...).")
            .paged()
            .answers(Page("Mail")),
        op("get", "/api/v1/mails/{id}", admin, "Get a mail received", Admin).answers(One(200, "Mail")),
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
