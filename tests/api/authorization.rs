//! The authorization matrix: every endpoint × every kind of identity, each
//! cell asserting the exact status and error code. The expectations come from
//! the rules below (conventions §6 and the reference's "Allowed for" lines),
//! written independently of the server's code; every mismatch is reported at
//! once as a table.
//!
//! The subject is demo conversation 1 (requester Caryn, Atmosphere Coffee),
//! with an image Simon attached at set-up, a file Caryn uploaded, and rating 1.

use serde_json::json;

use crate::helpers::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    RandomDevice,
    /// A device bound to another customer, with its own conversation.
    OtherDevice,
    /// A device verified (HMAC identity) for Caryn.
    VerifiedDevice,
    ForgedToken,
    ExpiredToken,
    /// A valid request token of another conversation.
    OtherToken,
    /// A valid request token of conversation 1.
    OwnToken,
    Caryn,
    /// Caryn's colleague, without `filters=MY_ORGANIZATION`.
    Mark,
    /// Caryn's colleague, with `filters=MY_ORGANIZATION`.
    MarkFiltered,
    /// A customer of another organization.
    Dana,
    Collaborator,
    Agent,
    Admin,
    Owner,
    ExpiredSession,
    /// Caryn's session created with CSRF on, writing without the token.
    NoCsrf,
}

const EVERYONE: [Who; 18] = [
    Who::Public,
    Who::RandomDevice,
    Who::OtherDevice,
    Who::VerifiedDevice,
    Who::ForgedToken,
    Who::ExpiredToken,
    Who::OtherToken,
    Who::OwnToken,
    Who::Caryn,
    Who::Mark,
    Who::MarkFiltered,
    Who::Dana,
    Who::Collaborator,
    Who::Agent,
    Who::Admin,
    Who::Owner,
    Who::ExpiredSession,
    Who::NoCsrf,
];

impl Who {
    fn staff(self) -> bool {
        matches!(self, Who::Collaborator | Who::Agent | Who::Admin | Who::Owner)
    }
    fn device(self) -> bool {
        matches!(self, Who::RandomDevice | Who::OtherDevice | Who::VerifiedDevice)
    }
    fn user(self) -> bool {
        self.staff() || matches!(self, Who::Caryn | Who::Mark | Who::MarkFiltered | Who::Dana | Who::NoCsrf)
    }
    /// Credentials that are wrong: refused on every API request.
    fn broken(self) -> bool {
        matches!(self, Who::ForgedToken | Who::ExpiredToken | Who::ExpiredSession)
    }
    /// Who may read conversation 1.
    fn reads_1(self) -> bool {
        self.staff() || matches!(self, Who::Caryn | Who::NoCsrf | Who::VerifiedDevice | Who::MarkFiltered)
    }
    /// Who may write to conversation 1 (the organization filter widens reads only).
    fn writes_1(self) -> bool {
        self.staff() || matches!(self, Who::Caryn | Who::NoCsrf | Who::VerifiedDevice)
    }
    /// Who is Caryn, proven (a session or a verified device).
    fn is_caryn(self) -> bool {
        matches!(self, Who::Caryn | Who::NoCsrf | Who::VerifiedDevice)
    }
}

/// `(status, error code)`; `""` for success.
type Expect = (u16, &'static str);
const OK: Expect = (200, "");
const CREATED: Expect = (201, "");
const NOT_FOUND: Expect = (404, "RESOURCE_NOT_FOUND");
const REQUIRED: Expect = (401, "AUTHENTICATION_REQUIRED");
const FAILED: Expect = (401, "AUTHENTICATION_FAILED");
const DENIED: Expect = (403, "PERMISSION_DENIED");
const CSRF: Expect = (403, "CSRF_FAILED");

#[derive(Debug, Clone, Copy)]
enum Rule {
    /// "Allowed for Public".
    Public,
    /// Any member (user, or device where `devices`).
    Member { devices: bool },
    /// Reading conversation 1 or something in it.
    Read1,
    /// `GET /conversations/1`, which a request token of it also opens.
    Get1,
    /// Writing to conversation 1 (fingerprints where `devices`), then `ok`.
    Write1 { devices: bool, ok: Expect, requester_only: bool },
    /// `POST /conversations` naming a new customer's email: anyone, but a
    /// device verified as someone else.
    Create,
    /// `POST /files`: any member, devices included.
    Upload,
    /// `GET /files/:id` of Caryn's session upload: its uploader and staff.
    OwnFile,
    /// `GET /users/2`: Caryn herself, staff, and whoever reads a conversation
    /// she takes part in.
    UserCaryn,
    /// Caryn's presence channel: Caryn proven, and staff.
    PresenceCaryn,
    /// Signed-in users only (`GET /session`): devices are no session.
    SignedIn,
    /// Staff only: members who are not staff are refused.
    StaffOnly,
    /// A staff write (notes), then `ok`; other members are refused.
    StaffWrite { ok: Expect },
    /// Changing Simon's note: Simon, admins and owners; other members are refused.
    SimonsNote,
    /// The admin API's writes: admins and owners, then `ok`; other members are refused.
    AdminOnly { ok: Expect },
    /// The audit log: owners only.
    OwnerOnly,
    /// Insights: agents, admins and owners; collaborators and other members are refused.
    Reports,
    /// The staff `inbox` stream: members who are not staff do not find it.
    Inbox,
    /// Outside the API: no identity at all.
    Outside,
}

fn expect(rule: Rule, who: Who) -> Expect {
    if who.broken() && !matches!(rule, Rule::Outside) {
        return FAILED;
    }
    let member = |devices: bool| who.user() || (devices && who.device());
    let unsafe_method = matches!(
        rule,
        Rule::Write1 { .. }
            | Rule::Create
            | Rule::Upload
            | Rule::AdminOnly { .. }
            | Rule::StaffWrite { .. }
            | Rule::SimonsNote
    );
    if unsafe_method && who == Who::NoCsrf {
        return CSRF;
    }
    match rule {
        Rule::Outside | Rule::Public => OK,
        Rule::Member { devices } => {
            if member(devices) {
                OK
            } else {
                REQUIRED
            }
        }
        Rule::Read1 => match (member(true), who.reads_1()) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => NOT_FOUND,
        },
        Rule::Get1 => match who {
            Who::OwnToken => OK,
            Who::OtherToken => FAILED,
            _ => expect(Rule::Read1, who),
        },
        Rule::Write1 { devices, ok, requester_only } => match (member(devices), who.writes_1()) {
            (false, _) => REQUIRED,
            (true, false) => NOT_FOUND,
            (true, true) if requester_only && !who.is_caryn() => DENIED,
            (true, true) => ok,
        },
        Rule::Create if who == Who::VerifiedDevice => DENIED,
        Rule::Create => CREATED,
        Rule::Upload => {
            if member(true) {
                CREATED
            } else {
                REQUIRED
            }
        }
        Rule::OwnFile => match (member(true), who.staff() || matches!(who, Who::Caryn | Who::NoCsrf)) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            // A verified device is Caryn, but the upload was not made from it.
            (true, false) => NOT_FOUND,
        },
        // Caryn also takes part in Mark's demo conversation 6.
        Rule::UserCaryn => match (member(true), who.reads_1() || who.is_caryn() || who == Who::Mark) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => NOT_FOUND,
        },
        Rule::SignedIn => {
            if who.user() {
                OK
            } else {
                REQUIRED
            }
        }
        Rule::StaffOnly => match (member(true), who.staff()) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => DENIED,
        },
        Rule::Reports => match (member(true), matches!(who, Who::Agent | Who::Admin | Who::Owner)) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => DENIED,
        },
        Rule::StaffWrite { ok } => match (member(true), who.staff()) {
            (false, _) => REQUIRED,
            (true, true) => ok,
            (true, false) => DENIED,
        },
        Rule::SimonsNote => match (member(true), matches!(who, Who::Agent | Who::Admin | Who::Owner)) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => DENIED,
        },
        Rule::AdminOnly { ok } => match (member(true), matches!(who, Who::Admin | Who::Owner)) {
            (false, _) => REQUIRED,
            (true, true) => ok,
            (true, false) => DENIED,
        },
        Rule::OwnerOnly => match (member(true), who == Who::Owner) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => DENIED,
        },
        Rule::Inbox => match (member(true), who.staff()) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => NOT_FOUND,
        },
        Rule::PresenceCaryn => match (member(true), who.staff() || who.is_caryn()) {
            (false, _) => REQUIRED,
            (true, true) => OK,
            (true, false) => NOT_FOUND,
        },
    }
}

/// One request of the matrix.
struct Endpoint {
    method: &'static str,
    path: String,
    body: Option<Body>,
    rule: Rule,
}

enum Body {
    Json(serde_json::Value),
    Multipart(Vec<Part>),
}

struct Fixture {
    app: TestApp,
    sessions: std::collections::HashMap<&'static str, String>,
    no_csrf: String,
    random_device: String,
    other_device: String,
    verified_device: String,
    other_token: String,
    own_token: String,
    channel: String,
    presence: String,
}

/// Credentials of `who` on a request to `path`.
fn dress<'a>(f: &'a Fixture, who: Who, method: &'a str, path: &str) -> Req<'a> {
    let with_query = |extra: &str| {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}{extra}")
    };
    let session = |name: &str| f.sessions[name].clone();
    match who {
        Who::Public => f.app.req(method, path),
        Who::RandomDevice => f.app.req(method, path).fingerprint(&f.random_device),
        Who::OtherDevice => f.app.req(method, path).fingerprint(&f.other_device),
        Who::VerifiedDevice => f.app.req(method, path).fingerprint(&f.verified_device),
        Who::ForgedToken => f.app.req(method, &with_query("token=0f0f0f0f0f0f0f0f")),
        Who::ExpiredToken => f.app.req(method, &with_query("token=expired-request-token")),
        Who::OtherToken => f.app.req(method, &with_query(&format!("token={}", f.other_token))),
        Who::OwnToken => f.app.req(method, &with_query(&format!("token={}", f.own_token))),
        Who::Caryn => f.app.req(method, path).session(&session("caryn")),
        Who::Mark => f.app.req(method, path).session(&session("mark")),
        Who::MarkFiltered => f.app.req(method, &with_query("filters=MY_ORGANIZATION")).session(&session("mark")),
        Who::Dana => f.app.req(method, path).session(&session("dana")),
        Who::Collaborator => f.app.req(method, path).session(&session("jordan")),
        Who::Agent => f.app.req(method, path).session(&session("simon")),
        Who::Admin => f.app.req(method, path).session(&session("alex")),
        Who::Owner => f.app.req(method, path).session(&session("morgan")),
        Who::ExpiredSession => f.app.req(method, path).session("expired-session-id"),
        Who::NoCsrf => f.app.req(method, path).session(&f.no_csrf),
    }
}

fn fixture() -> (Fixture, Vec<Endpoint>) {
    let app = spawn_with(true, |c| {
        c.conversations_per_hour_per_address = 0;
        c.conversations_per_hour_per_device = 0;
        c.messages_per_hour = 0;
        c.upload_bytes_per_hour = 0;
    });
    let mut sessions = std::collections::HashMap::new();
    for (name, email) in [
        ("caryn", CARYN),
        ("mark", MARK),
        ("dana", DANA),
        ("jordan", JORDAN),
        ("simon", SIMON),
        ("alex", ALEX),
        ("morgan", MORGAN),
    ] {
        sessions.insert(name, app.session(email));
    }
    let login = app.get("/api/v1/conversations").basic(CARYN, PASSWORD).send();
    let no_csrf = login.body["session_id"].as_str().expect("session").to_owned();
    // Devices: one that started its own conversation (with a token), one verified for Caryn.
    let other_device = new_fingerprint();
    let started = app.device_conversation(&other_device, "Pat Doe", "pat@example.org", "Elsewhere");
    let other_token = started.header("x-request-token").expect("token").to_owned();
    let verified_device = new_fingerprint();
    let key = parley::commands::user::messenger_token(app.dir.path(), false).expect("messenger token");
    let now = chrono::Utc::now().timestamp().to_string();
    let verified = app
        .get("/api/v1/conversations")
        .fingerprint(&verified_device)
        .header("X-Identity-Name", "Caryn Pryor")
        .header("X-Identity-Email", CARYN)
        .header("X-Identity-Timestamp", &now)
        .header("X-Identity-Signature", &parley::auth::verify::sign(&key, "Caryn Pryor", CARYN, &now))
        .send();
    assert_eq!(verified.status, 200, "{}", verified.text);
    // Tokens and a session written as an older client would have left them.
    let own_token = "own-request-token-of-conversation-1".to_owned();
    app.db()
        .execute_batch(&format!(
            "INSERT INTO request_tokens (token, conversation_id, expires_at) VALUES
                 ('{}', 1, unixepoch() + 3600), ('{}', 1, unixepoch() - 1);
             INSERT INTO sessions (id, user_id, csrf_token, created_at, last_used_at)
                 VALUES ('{}', 2, NULL, 0, 0);",
            parley::secret::digest(&own_token),
            parley::secret::digest("expired-request-token"),
            parley::secret::digest("expired-session-id"),
        ))
        .expect("tokens");
    // An image on conversation 1, and a file Caryn uploaded.
    let simon = sessions["simon"].clone();
    let posted = app
        .post("/api/v1/conversations/1/messages")
        .session(&simon)
        .parts(&[Part::text("contents", "Photo"), Part::file("files[]", "photo.png", "image/png", &png(300, 200))])
        .send();
    assert_eq!(posted.status, 201, "{}", posted.text);
    let mid = posted.body["data"]["id"].as_i64().expect("message");
    let aid = posted.body["data"]["attachments"][0]["id"].as_i64().expect("attachment");
    let tid = posted.body["data"]["attachments"][0]["thumbnails"][0]["id"].as_i64().expect("thumbnail");
    let upload = app
        .post("/api/v1/files")
        .session(&sessions["caryn"])
        .parts(&[Part::file("content", "notes.txt", "text/plain", b"notes")])
        .send();
    let fid = upload.body["data"]["id"].as_i64().expect("file");
    // A note on conversation 1 with a file, by Simon.
    let noted = app
        .post("/api/v1/conversations/1/notes")
        .session(&simon)
        .parts(&[Part::text("contents", "Private"), Part::file("files[]", "n.txt", "text/plain", b"note file")])
        .send();
    assert_eq!(noted.status, 201, "{}", noted.text);
    let nid = noted.body["data"]["id"].as_i64().expect("note");
    let naid = noted.body["data"]["attachments"][0]["id"].as_i64().expect("note file");
    let one = app.get("/api/v1/conversations/1").session(&simon).send();
    let channel = one.body["data"]["realtime_channel"].as_str().expect("channel").to_owned();
    let caryn_user = app.get("/api/v1/users/2").session(&simon).send();
    let presence = caryn_user.body["data"]["presence_channel"].as_str().expect("presence").to_owned();
    let avatar =
        caryn_user.body["data"]["avatar"].as_str().expect("avatar").rsplit('/').next().expect("uuid").to_owned();

    let get = |path: String, rule: Rule| Endpoint { method: "GET", path, body: None, rule };
    let attachment = format!("/api/v1/conversations/1/messages/{mid}/attachments/{aid}");
    let endpoints = vec![
        get("/api/v1/conversations".into(), Rule::Member { devices: true }),
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations".into(),
            body: Some(Body::Json(
                json!({"name": "Matrix Visitor", "email": "matrix@example.org", "subject": "Matrix", "contents": "Hello"}),
            )),
            rule: Rule::Create,
        },
        get("/api/v1/conversations/starter".into(), Rule::Public),
        get("/api/v1/conversations/1".into(), Rule::Get1),
        Endpoint {
            method: "PUT",
            path: "/api/v1/conversations/1".into(),
            body: Some(Body::Json(json!({"subject": "Atmosphere Coffee, Inc annual maintenance"}))),
            rule: Rule::Write1 { devices: false, ok: OK, requester_only: false },
        },
        get("/api/v1/conversations/1/participants".into(), Rule::Read1),
        get("/api/v1/conversations/1/messages".into(), Rule::Read1),
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations/1/messages".into(),
            body: Some(Body::Json(json!({"contents": "From the matrix"}))),
            rule: Rule::Write1 { devices: true, ok: CREATED, requester_only: false },
        },
        get("/api/v1/conversations/1/messages/1".into(), Rule::Read1),
        Endpoint {
            method: "PUT",
            path: "/api/v1/conversations/1/messages/1".into(),
            body: Some(Body::Multipart(vec![Part::text("message_status", "DELIVERED")])),
            rule: Rule::Write1 { devices: true, ok: OK, requester_only: false },
        },
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations/1/typing".into(),
            body: Some(Body::Json(json!({}))),
            rule: Rule::Write1 { devices: true, ok: OK, requester_only: false },
        },
        get("/api/v1/conversations/1/ratings".into(), Rule::Read1),
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations/1/ratings".into(),
            body: Some(Body::Json(json!({"score": "GOOD"}))),
            rule: Rule::Write1 { devices: true, ok: CREATED, requester_only: true },
        },
        Endpoint {
            method: "PUT",
            path: "/api/v1/conversations/1/ratings/1".into(),
            body: Some(Body::Json(json!({"comment": "Excellent service!"}))),
            rule: Rule::Write1 { devices: true, ok: OK, requester_only: true },
        },
        get("/api/v1/cases/ratings/1".into(), Rule::Read1),
        get(attachment.clone(), Rule::Read1),
        get(format!("{attachment}/url"), Rule::Read1),
        get(format!("{attachment}/download"), Rule::Read1),
        get(format!("{attachment}/thumbnails/{tid}"), Rule::Read1),
        get(format!("/api/v1/conversations/1/messages/{mid}/download_all"), Rule::Read1),
        Endpoint {
            method: "POST",
            path: "/api/v1/files".into(),
            body: Some(Body::Multipart(vec![Part::file("content", "m.txt", "text/plain", b"matrix")])),
            rule: Rule::Upload,
        },
        get(format!("/api/v1/files/{fid}"), Rule::OwnFile),
        get("/api/v1/users/2".into(), Rule::UserCaryn),
        get("/api/v1/session".into(), Rule::SignedIn),
        get("/api/v1/users?role=AGENT".into(), Rule::StaffOnly),
        get("/api/v1/teams".into(), Rule::Member { devices: true }),
        get("/api/v1/teams/1".into(), Rule::Member { devices: true }),
        get("/api/v1/roles/1".into(), Rule::Member { devices: true }),
        // The admin API: staff read, admins and owners write, owners audit.
        get("/api/v1/roles".into(), Rule::StaffOnly),
        get("/api/v1/organizations".into(), Rule::StaffOnly),
        get("/api/v1/organizations/1".into(), Rule::StaffOnly),
        get("/api/v1/organizations/1/members".into(), Rule::StaffOnly),
        get("/api/v1/teams/1/members".into(), Rule::StaffOnly),
        get("/api/v1/cases/fields".into(), Rule::StaffOnly),
        get("/api/v1/cases/fields/10".into(), Rule::StaffOnly),
        get("/api/v1/cases/forms".into(), Rule::StaffOnly),
        get("/api/v1/cases/forms/1".into(), Rule::StaffOnly),
        get("/api/v1/settings".into(), Rule::StaffOnly),
        get("/api/v1/audit".into(), Rule::OwnerOnly),
        Endpoint {
            method: "POST",
            path: "/api/v1/teams".into(),
            body: Some(Body::Json(json!({"title": "Matrix"}))),
            rule: Rule::AdminOnly { ok: CREATED },
        },
        Endpoint {
            method: "PUT",
            path: "/api/v1/cases/types/1".into(),
            body: Some(Body::Json(json!({"label": "Question"}))),
            rule: Rule::AdminOnly { ok: OK },
        },
        get("/api/v1/conversations/forms".into(), Rule::Public),
        get("/api/v1/conversations/forms/1".into(), Rule::Public),
        get("/api/v1/conversations/fields".into(), Rule::Public),
        get("/api/v1/conversations/fields/10".into(), Rule::Public),
        get("/api/v1/locales/fields/1".into(), Rule::Public),
        get("/api/v1/cases/statuses".into(), Rule::Public),
        get("/api/v1/cases/statuses/1".into(), Rule::Public),
        get("/api/v1/cases/priorities".into(), Rule::Public),
        get("/api/v1/cases/priorities/3".into(), Rule::Public),
        get("/api/v1/cases/types".into(), Rule::Public),
        get("/api/v1/cases/types/1".into(), Rule::Public),
        // The agents' desk: staff only, whoever else asks.
        get("/api/v1/search?query=coffee".into(), Rule::StaffOnly),
        get("/api/v1/insights/summary".into(), Rule::Reports),
        get("/api/v1/insights/export.csv?rows=agent".into(), Rule::Reports),
        get("/api/v1/conversations/1/notes".into(), Rule::StaffOnly),
        get(format!("/api/v1/conversations/1/notes/{nid}"), Rule::StaffOnly),
        get(format!("/api/v1/conversations/1/notes/{nid}/attachments/{naid}/url"), Rule::StaffOnly),
        get(format!("/api/v1/conversations/1/notes/{nid}/attachments/{naid}/download"), Rule::StaffOnly),
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations/1/notes".into(),
            body: Some(Body::Json(json!({"contents": "From the matrix"}))),
            rule: Rule::StaffWrite { ok: CREATED },
        },
        Endpoint {
            method: "PUT",
            path: format!("/api/v1/conversations/1/notes/{nid}"),
            body: Some(Body::Json(json!({"contents": "Private, still"}))),
            rule: Rule::SimonsNote,
        },
        get("/api/v1/conversations/1/viewers".into(), Rule::StaffOnly),
        Endpoint {
            method: "POST",
            path: "/api/v1/conversations/1/viewers".into(),
            body: Some(Body::Json(json!({"activity": "REPLYING"}))),
            rule: Rule::StaffWrite { ok: OK },
        },
        get("/api/v1/notifications".into(), Rule::StaffOnly),
        get("/api/v1/notification_preferences".into(), Rule::StaffOnly),
        Endpoint {
            method: "PUT",
            path: "/api/v1/notifications".into(),
            body: Some(Body::Json(json!({"is_read": true}))),
            rule: Rule::StaffWrite { ok: OK },
        },
        Endpoint {
            method: "PUT",
            path: "/api/v1/notification_preferences".into(),
            body: Some(Body::Json(json!({"values": {"case_rated": {"channel_email": false}}}))),
            rule: Rule::StaffWrite { ok: OK },
        },
        get("/api/v1/macros".into(), Rule::StaffOnly),
        get("/api/v1/macros/1".into(), Rule::StaffOnly),
        Endpoint {
            method: "POST",
            path: "/api/v1/macros".into(),
            body: Some(Body::Json(json!({"title": "Matrix", "reply_text": "From the matrix"}))),
            rule: Rule::StaffWrite { ok: CREATED },
        },
        Endpoint {
            method: "PUT",
            path: "/api/v1/macros/1".into(),
            body: Some(Body::Json(json!({"title": "Ask for the serial number"}))),
            rule: Rule::AdminOnly { ok: OK },
        },
        get("/healthz".into(), Rule::Outside),
        get(format!("/avatar/get/{avatar}"), Rule::Outside),
    ];
    let fixture = Fixture {
        app,
        sessions,
        no_csrf,
        random_device: new_fingerprint(),
        other_device,
        verified_device,
        other_token,
        own_token,
        channel,
        presence,
    };
    (fixture, endpoints)
}

/// `(status, first error code)` of a realtime subscription attempt.
fn subscribe(f: &Fixture, who: Who, channel: &str) -> (u16, String) {
    let query = serde_urlencoded::to_string([("channel", channel)]).expect("query");
    let (url, headers) = dress(f, who, "GET", &format!("/api/v1/realtime?{query}")).into_parts();
    let head: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match crate::realtime::sse_url(&url, &head) {
        Ok(client) => {
            client.close();
            (200, String::new())
        }
        Err((status, body)) => {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            (status, v["errors"][0]["code"].as_str().unwrap_or("").to_owned())
        }
    }
}

#[test]
fn every_endpoint_answers_every_identity_exactly_as_the_rules_say() {
    let (f, endpoints) = fixture();
    let mut mismatches = Vec::new();
    let mut cells = 0;
    for endpoint in &endpoints {
        for who in EVERYONE {
            let mut req = dress(&f, who, endpoint.method, &endpoint.path);
            req = match &endpoint.body {
                Some(Body::Json(v)) => req.json(v),
                Some(Body::Multipart(parts)) => req.parts(parts),
                None => req,
            };
            let (status, _, bytes) = req.send_bytes();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let got = (status, body["errors"][0]["code"].as_str().unwrap_or("").to_owned());
            let want = expect(endpoint.rule, who);
            cells += 1;
            if got.0 != want.0 || got.1 != want.1 {
                mismatches
                    .push(format!("{} {} as {who:?}: got {got:?}, want {want:?}", endpoint.method, endpoint.path));
            }
        }
    }
    let inbox = "inbox".to_owned();
    for (channel, rule) in [(&f.channel, Rule::Read1), (&f.presence, Rule::PresenceCaryn), (&inbox, Rule::Inbox)] {
        for who in EVERYONE {
            let got = subscribe(&f, who, channel);
            let want = expect(rule, who);
            cells += 1;
            if got.0 != want.0 || got.1 != want.1 {
                mismatches.push(format!("subscribe {channel} as {who:?}: got {got:?}, want {want:?}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {cells} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
    assert_eq!(cells, (endpoints.len() + 3) * EVERYONE.len());
}
