//! Replies go out by mail: the headers that thread them, the parts they
//! carry, messenger customers who left, a real relay, retries and caps.

use serde_json::{json, Value};

use super::*;
use crate::helpers::*;

fn new_mail_conversation(app: &TestApp) -> i64 {
    pipe(app, &fixture("new_mail.eml", &[]), "a1b2c3d4.new@mail.example.net").2.expect("a conversation")
}

fn reply(app: &TestApp, session: &str, id: i64, text: &str) -> Value {
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(session)
        .json(&json!({"contents": text}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["data"].clone()
}

fn message(app: &TestApp, session: &str, id: i64, mid: &Value) -> Value {
    let r = app.get(&format!("/api/v1/conversations/{id}/messages/{mid}")).session(session).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].clone()
}

#[test]
fn an_agent_reply_is_mailed_with_its_threading_headers_parts_and_files() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    let file = app
        .post("/api/v1/files")
        .session(&simon)
        .multipart(&[])
        .parts(&[Part::file("content", "steps.txt", "text/plain", b"1. Unplug\n2. Descale\n")])
        .send();
    assert_eq!(file.status, 201, "{}", file.text);
    let file_id = file.body["data"]["id"].to_string();
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(&simon)
        .json(&json!({"contents": "Please try descaling <the burrs> first.", "file_ids": file_id}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let m = r.body["data"].clone();
    let raw = sent_count(&app, 1).remove(0);
    let uuid = m["uuid"].as_str().expect("uuid");
    assert_eq!(header(&raw, "Message-ID").as_deref(), Some(format!("<m.{uuid}@brewfictus.com>").as_str()));
    assert_eq!(header(&raw, "In-Reply-To").as_deref(), Some("<a1b2c3d4.new@mail.example.net>"));
    assert!(header(&raw, "References").expect("References").contains("<a1b2c3d4.new@mail.example.net>"));
    let reply_to = header(&raw, "Reply-To").expect("Reply-To");
    let token: String = app
        .db()
        .query_row("SELECT token FROM conversation_mail WHERE conversation_id = ?1", [id], |r| r.get(0))
        .expect("token");
    assert_eq!(reply_to, format!("support+{token}@brewfictus.com"));
    assert_eq!(header(&raw, "X-Auto-Response-Suppress").as_deref(), Some("All"));
    assert_eq!(header(&raw, "Auto-Submitted"), None, "a human reply is never marked automatic");
    assert_eq!(header(&raw, "Subject").as_deref(), Some("Re: Grinder makes a rattling noise"));
    assert!(header(&raw, "From").expect("From").contains("support@brewfictus.com"));
    assert!(header(&raw, "To").expect("To").contains("joe.bloggs@example.net"));
    assert!(header(&raw, "Cc").expect("Cc").contains("kim.lee@example.net"), "copied participants get it too");
    let parsed = mail_parser::MessageParser::default().parse(&raw).expect("a mail");
    assert!(parsed.body_text(0).expect("text").contains("Please try descaling <the burrs> first."));
    let html = parsed.body_html(0).expect("html");
    assert!(html.contains("Please try descaling &lt;the burrs&gt; first."), "{html}");
    let attachment = parsed.attachments().next().expect("the file");
    assert_eq!(mail_parser::MimeHeaders::attachment_name(attachment), Some("steps.txt"));
    assert_eq!(attachment.contents(), b"1. Unplug\n2. Descale\n");

    eventually("the reply shows as sent", || message(&app, &simon, id, &m["id"])["mail"]["delivery"] == "SENT");
    assert_eq!(message(&app, &simon, id, &m["id"])["message_status"], "SENT");
}

#[test]
fn messenger_customers_who_left_get_replies_by_mail_once_and_those_who_saw_them_none() {
    let app = spawn_with(true, |c| c.mail.mail_offline_delay_seconds = 1);
    let simon = app.session(SIMON);
    let fp = new_fingerprint();
    let c = app.device_conversation(&fp, "Lena Park", "lena@example.com", "Milk frother");
    let id = c.body["data"]["id"].as_i64().expect("id");
    reply(&app, &simon, id, "Which model is it?");
    reply(&app, &simon, id, "And since when?");
    let raw = sent_count(&app, 1).remove(0);
    assert!(header(&raw, "To").expect("To").contains("lena@example.com"));
    let text =
        mail_parser::MessageParser::default().parse(&raw).expect("mail").body_text(0).expect("text").into_owned();
    assert!(text.contains("Which model is it?") && text.contains("And since when?"), "one mail for both: {text}");

    // Her answer to that mail lands in the same conversation.
    let answer = format!(
        "From: Lena Park <lena@example.com>\r\nTo: {}\r\nSubject: Re: Milk frother\r\nIn-Reply-To: {}\r\nMessage-ID: <lena.1@example.com>\r\n\r\nThe FR-2, since Monday.\r\n",
        header(&raw, "Reply-To").expect("Reply-To"),
        header(&raw, "Message-ID").expect("Message-ID")
    );
    assert_eq!(pipe(&app, answer.as_bytes(), "lena.1@example.com").2, Some(id));

    // A reply seen in the messenger first sends nothing.
    let fp = new_fingerprint();
    let c = app.device_conversation(&fp, "Omar Haddad", "omar@example.com", "Descaler");
    let other = c.body["data"]["id"].as_i64().expect("id");
    let m = reply(&app, &simon, other, "Use one sachet per litre.");
    let seen = app
        .put(&format!("/api/v1/conversations/{other}/messages/{}", m["id"]))
        .fingerprint(&fp)
        .json(&json!({"message_status": "SEEN"}))
        .send();
    assert_eq!(seen.status, 200, "{}", seen.text);
    eventually("the mail is dropped", || {
        app.db()
            .query_row("SELECT state FROM outbox WHERE conversation_id = ?1", [other], |r| r.get::<_, String>(0))
            .ok()
            .as_deref()
            == Some("CANCELLED")
    });
    assert_eq!(sent(&app).len(), 1);
}

/// [`eventually`], telling the outbox's state when it times out.
fn eventually_or(app: &TestApp, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !done() {
        if std::time::Instant::now() > deadline {
            let rows: Vec<(String, i64, Option<String>)> = app
                .db()
                .prepare("SELECT state, attempts, last_error FROM outbox")
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
                .unwrap_or_default();
            panic!("timed out waiting for: {what}; the outbox: {rows:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn through(port: u16) -> impl FnOnce(&mut parley::config::ServeConfig) {
    move |c| {
        c.mail.mail_transport = parley::config::MailTransport::Smtp;
        c.mail.smtp_relay = Some(format!("smtp://127.0.0.1:{port}"));
    }
}

#[test]
fn a_relay_receives_replies_and_one_that_is_down_gets_them_when_it_is_back() {
    let relay = Relay::start(free_port());
    let app = spawn_with(true, through(relay.port));
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    let m = reply(&app, &simon, id, "Through the relay.");
    eventually_or(&app, "the relay has it", || relay.received().len() == 1);
    let got = relay.received().remove(0);
    assert_eq!(id_of(&got), format!("m.{}@brewfictus.com", m["uuid"].as_str().expect("uuid")));
    eventually("sent", || message(&app, &simon, id, &m["id"])["mail"]["delivery"] == "SENT");

    // The relay goes away: the mail waits, queued, with why.
    let down = free_port();
    let app = spawn_with(true, through(down));
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    let m = reply(&app, &simon, id, "Waiting for the relay.");
    eventually("a try failed", || {
        app.db()
            .query_row("SELECT attempts FROM outbox WHERE conversation_id = ?1", [id], |r| r.get::<_, i64>(0))
            .unwrap_or(0)
            >= 1
    });
    let (state, error): (String, Option<String>) = app
        .db()
        .query_row("SELECT state, last_error FROM outbox WHERE conversation_id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row");
    assert_eq!(state, "QUEUED");
    assert!(error.is_some());
    let (_, _, metrics) = app.get("/metrics").send_bytes();
    let metrics = String::from_utf8_lossy(&metrics).into_owned();
    assert!(metrics.contains("\nparley_mail_queued 1\n"), "{metrics}");
    assert!(metrics.contains("\nparley_mail_oldest_queued_seconds "), "{metrics}");
    assert_eq!(message(&app, &simon, id, &m["id"])["mail"]["delivery"], "QUEUED");
    // Back up, and a restart tries again at once.
    let relay = Relay::start(down);
    let app = app.restart_with(through(down));
    eventually_or(&app, "the relay has it", || relay.received().len() == 1);
    let simon = app.session(SIMON);
    eventually("sent", || message(&app, &simon, id, &m["id"])["mail"]["delivery"] == "SENT");
}

#[test]
fn mail_given_up_on_or_refused_marks_its_message_rejected() {
    let app = spawn_with(true, |c| {
        through(free_port())(c);
        c.mail.mail_retry_hours = 0;
    });
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    let m = reply(&app, &simon, id, "Nobody will get this.");
    eventually("given up", || message(&app, &simon, id, &m["id"])["message_status"] == "REJECTED");
    let m = message(&app, &simon, id, &m["id"]);
    assert_eq!(m["message_status_reject_type"], "EXPIRED");
    assert!(m["message_status_reject_reason"].as_str().expect("reason").starts_with("Gave up after 0 hours"), "{m}");
    assert_eq!(m["mail"]["delivery"], "FAILED");
}

#[test]
fn mail_to_one_address_is_capped_per_conversation_and_the_rest_waits() {
    let app = spawn_with(true, |c| c.mail.mail_per_conversation_per_hour = 2);
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    for n in 0..3 {
        reply(&app, &simon, id, &format!("Reply {n}"));
    }
    sent_count(&app, 2);
    eventually("the third waits", || {
        app.db()
            .query_row(
                "SELECT due_at > unixepoch() FROM outbox WHERE conversation_id = ?1 AND state = 'QUEUED'",
                [id],
                |r| r.get::<_, bool>(0),
            )
            .unwrap_or(false)
    });
    assert_eq!(sent(&app).len(), 2);
}

#[test]
fn agents_copy_others_on_a_mail_conversation_and_customers_may_not() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let id = new_mail_conversation(&app);
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(&simon)
        .json(&json!({"contents": "Copying our technician.", "cc": "Tech@Brewfictus-Partners.example, bad address"}))
        .send();
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.errors()[0].1, "cc");
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(&simon)
        .json(&json!({"contents": "Copying our technician.", "cc": "Tech@Brewfictus-Partners.example"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let raw = sent_count(&app, 1).remove(0);
    let cc = header(&raw, "Cc").expect("Cc");
    assert!(cc.contains("kim.lee@example.net") && cc.contains("tech@brewfictus-partners.example"), "{cc}");
    // The technician's answer joins the conversation.
    let answer = format!("From: tech@brewfictus-partners.example\r\nTo: support@brewfictus.com\r\nSubject: Re: Grinder\r\nIn-Reply-To: {}\r\nMessage-ID: <tech.1@example>\r\n\r\nI can come on Thursday.\r\n", header(&raw, "Message-ID").expect("id"));
    assert_eq!(pipe(&app, answer.as_bytes(), "tech.1@example").2, Some(id));

    let caryn = app.session(CARYN);
    let r = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "Hi", "cc": "friend@example.com"}))
        .send();
    assert_eq!(r.status, 403, "{}", r.text);
}

#[test]
fn the_file_transports_mails_are_kept_for_their_days_then_swept() {
    let dir = tempfile::tempdir().expect("dir");
    let sent = dir.path().join("mail").join("sent");
    std::fs::create_dir_all(&sent).expect("mkdir");
    std::fs::write(sent.join("old.eml"), b"Subject: old\r\n\r\nold\r\n").expect("old");
    std::fs::write(sent.join("new.eml"), b"Subject: new\r\n\r\nnew\r\n").expect("new");
    let aged = std::process::Command::new("touch")
        .args(["-d", "40 days ago"])
        .arg(sent.join("old.eml"))
        .status()
        .expect("touch");
    assert!(aged.success());
    let app = spawn_in_dir(dir, |c| c.mail.mail_files_keep_days = 30);
    eventually("the old mail is swept", || !app.dir.path().join("mail/sent/old.eml").exists());
    assert!(app.dir.path().join("mail/sent/new.eml").exists(), "a recent one stays");
}
