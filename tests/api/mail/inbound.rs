//! Mail becomes conversations: who, what, where it threads, what is kept
//! aside, through `parley mail ingest`.

use serde_json::{json, Value};

use super::*;
use crate::helpers::*;

/// A demo server with the new mail imported: (app, agent session, conversation id).
fn with_new_mail() -> (TestApp, String, i64) {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let (status, code, conversation, _) = pipe(&app, &fixture("new_mail.eml", &[]), "a1b2c3d4.new@mail.example.net");
    assert_eq!((status.as_str(), code), ("PROCESSED", None));
    (app, simon, conversation.expect("a conversation"))
}

fn requester(app: &TestApp, session: &str, conversation: &Value) -> Value {
    let r = app.get(&format!("/api/v1/users/{}", conversation["requester"]["id"])).session(session).send();
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].clone()
}

fn messages(app: &TestApp, session: &str, id: i64) -> Vec<Value> {
    let r = app.get(&format!("/api/v1/conversations/{id}/messages?limit=100")).session(session).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let mut all = r.body["data"].as_array().expect("messages").clone();
    all.reverse();
    all
}

/// The agent's reply, mailed: its Message-ID and Reply-To.
fn agent_reply(app: &TestApp, session: &str, id: i64, already_sent: usize) -> (String, String) {
    let r = app
        .post(&format!("/api/v1/conversations/{id}/messages"))
        .session(session)
        .json(&json!({"contents": "Please try descaling the burrs first.\nAna"}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let mails = sent_count(app, already_sent + 1);
    let last = mails.last().expect("the reply");
    (id_of(last), header(last, "Reply-To").expect("Reply-To"))
}

#[test]
fn a_mail_starts_a_mail_conversation_from_its_sender() {
    let (app, simon, id) = with_new_mail();
    let c = app.get(&format!("/api/v1/conversations/{id}")).session(&simon).send();
    assert_eq!(c.status, 200, "{}", c.text);
    let c = &c.body["data"];
    assert_eq!(c["channel"], "MAIL");
    assert_eq!(c["subject"], "Grinder makes a rattling noise", "Fwd: is cleaned off");
    let requester = requester(&app, &simon, c);
    assert_eq!(requester["email"], "joe.bloggs@example.net");
    assert_eq!(requester["full_name"], "José Bloggs");
    assert_eq!(requester["role_type"], "CUSTOMER");
    let all = messages(&app, &simon, id);
    assert_eq!(all.len(), 1);
    let m = &all[0];
    assert_eq!(m["source"], "MAIL");
    assert_eq!(m["channel"], "MAIL");
    assert!(m["content_text"].as_str().expect("text").contains("rattling since Tuesday"), "{m}");
    assert_eq!(m["mail"]["from"], "joe.bloggs@example.net");
    assert_eq!(m["mail"]["cc"], json!(["kim.lee@example.net"]));
    assert_eq!(m["mail"]["message_id"], "a1b2c3d4.new@mail.example.net");
    let original = m["attachments"].as_array().expect("attachments").iter().find(|a| a["name"] == "original.eml");
    let original = original.expect("the original mail is an attachment");
    assert_eq!(m["mail"]["original"]["id"], original["id"]);
    let (status, _, bytes) = app.get(&path_of(&original["url_download"])).session(&simon).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(bytes, fixture("new_mail.eml", &[]), "the original is kept byte for byte");

    // Customers see the message, not its mail headers.
    let customer =
        app.db().query_row("SELECT id FROM users WHERE email = 'joe.bloggs@example.net'", [], |r| r.get::<_, i64>(0));
    assert!(customer.is_ok());
    let r = app.get("/api/v1/mails").session(&app.session(ALEX)).send();
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"][0]["status"], "PROCESSED");
    assert_eq!(r.body["data"][0]["case"]["id"], id);
    assert_eq!(r.body["data"][0]["source"], "PIPE");
    assert_eq!(app.get("/api/v1/mails").session(&simon).send().status, 403, "agents do not read the mail log");
}

#[test]
fn replies_thread_by_token_in_reply_to_or_references_never_by_subject_alone() {
    let (app, simon, id) = with_new_mail();
    let (ours, reply_to) = agent_reply(&app, &simon, id, 0);
    assert!(ours.starts_with("m.") && ours.ends_with("@brewfictus.com"), "{ours}");
    let token_address = reply_to.trim_matches(|c| c == '<' || c == '>').to_owned();
    assert!(token_address.starts_with("support+") && token_address.ends_with("@brewfictus.com"), "{token_address}");

    // In-Reply-To (Gmail): the reply alone, its history kept aside.
    let fill = [("TO", "support@brewfictus.com"), ("IN_REPLY_TO", ours.as_str())];
    let (_, _, c, post) = pipe(&app, &fixture("gmail_reply.eml", &fill), "CAF=gmail.reply.1@mail.gmail.com");
    assert_eq!(c, Some(id));
    let all = messages(&app, &simon, id);
    let gmail = all.iter().find(|m| Some(m["id"].as_i64().unwrap_or(0)) == post).expect("the reply");
    assert_eq!(gmail["content_text"], "Descaling fixed it, thank you!");
    assert!(!gmail["content_html"].as_str().expect("html").contains("descaling the burrs"), "{gmail}");
    assert!(gmail["mail"]["quoted_text"].as_str().expect("history").contains("descaling the burrs first"));
    assert!(gmail["mail"]["quoted_html"].as_str().expect("history").contains("descaling the burrs first"));

    // References only (Outlook), with its header block of history.
    let fill = [("TO", "support@brewfictus.com"), ("IN_REPLY_TO", ours.as_str())];
    let (_, _, c, post) =
        pipe(&app, &fixture("outlook_reply.eml", &fill), "DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.outlook.com");
    assert_eq!(c, Some(id));
    let outlook = messages(&app, &simon, id).into_iter().find(|m| m["id"].as_i64() == post).expect("the reply");
    assert_eq!(outlook["content_text"], "It still rattles after descaling.");

    // The token alone (Apple Mail, answering an id Parley never saw).
    let fill = [("TO", token_address.as_str()), ("IN_REPLY_TO", "unknown@elsewhere.example")];
    let (_, _, c, post) =
        pipe(&app, &fixture("apple_reply.eml", &fill), "5A7B8C9D-AAAA-BBBB-CCCC-DDDDEEEEFFFF@example.net");
    assert_eq!(c, Some(id));
    let apple = messages(&app, &simon, id).into_iter().find(|m| m["id"].as_i64() == post).expect("the reply");
    assert_eq!(apple["content_text"], "Sent you a photo of the burrs.");

    // A `Re:` subject alone starts a new conversation.
    let re_only = b"From: joe.bloggs@example.net\r\nTo: support@brewfictus.com\r\nSubject: Re: Grinder makes a rattling noise\r\nMessage-ID: <re.only@example.net>\r\n\r\nAnother thing.\r\n";
    let (_, _, c, _) = pipe(&app, re_only, "re.only@example.net");
    assert!(c.is_some() && c != Some(id), "a subject alone never threads");

    // Someone who takes no part, answering Parley's mail, starts their own.
    let stranger = format!("From: eve@example.org\r\nTo: support@brewfictus.com\r\nSubject: Re: Grinder\r\nIn-Reply-To: <{ours}>\r\nMessage-ID: <eve.1@example.org>\r\n\r\nMe too.\r\n");
    let (_, _, c, _) = pipe(&app, stranger.as_bytes(), "eve.1@example.org");
    assert!(c.is_some() && c != Some(id), "a stranger's reply is not merged");

    // The one copied on the first mail may answer into it.
    let kim = format!("From: Kim Lee <kim.lee@example.net>\r\nTo: support@brewfictus.com\r\nSubject: Re: Grinder\r\nIn-Reply-To: <{ours}>\r\nMessage-ID: <kim.1@example.net>\r\n\r\nSame grinder here.\r\n");
    let (_, _, c, _) = pipe(&app, kim.as_bytes(), "kim.1@example.net");
    assert_eq!(c, Some(id));
}

#[test]
fn charsets_come_out_as_utf8() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    for (file, id) in [
        ("iso2022jp.eml", "20261207190000.jp1@example.jp"),
        ("iso2022jp_no_charset.eml", "20261207190500.jp2@example.jp"),
    ] {
        let (_, _, c, _) = pipe(&app, &fixture(file, &[]), id);
        let c = c.expect("a conversation");
        let conv = app.get(&format!("/api/v1/conversations/{c}")).session(&simon).send();
        assert_eq!(conv.body["data"]["subject"], "グラインダーの音について", "{file}");
        let text = messages(&app, &simon, c)[0]["content_text"].as_str().expect("text").to_owned();
        assert_eq!(text, "こんにちは。\nグラインダーから異音がします。\nよろしくお願いします。", "{file}");
    }
    let name: String = app
        .db()
        .query_row("SELECT full_name FROM users WHERE email = 'taro@example.jp'", [], |r| r.get(0))
        .expect("taro");
    assert_eq!(name, "山田太郎");

    let (_, _, c, _) = pipe(&app, &fixture("windows1252.eml", &[]), "cp1252.1@example.fr");
    let c = c.expect("a conversation");
    let conv = app.get(&format!("/api/v1/conversations/{c}")).session(&simon).send();
    assert_eq!(conv.body["data"]["subject"], "Café crème – question");
    assert_eq!(requester(&app, &simon, &conv.body["data"])["full_name"], "Renée Dupré");
    assert_eq!(messages(&app, &simon, c)[0]["content_text"], "Le café est à 5 € – «parfait»");
}

#[test]
fn html_only_mail_is_sanitised_and_read_as_text() {
    let app = spawn_demo();
    let simon = app.session(SIMON);
    let (_, _, c, _) = pipe(&app, &fixture("html_only.eml", &[]), "html.only.1@example.org");
    let m = &messages(&app, &simon, c.expect("a conversation"))[0];
    let html = m["content_html"].as_str().expect("html");
    for bad in ["<script", "alert(", "onload", "onerror", "onclick", "<iframe", "tracker.example.org", "<style"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<b>wholesale</b>") && html.contains("https://example.org/catalog"), "{html}");
    let text = m["content_text"].as_str().expect("text");
    assert!(text.contains("Do you sell wholesale beans?") && !text.contains("alert"), "{text}");
}

#[test]
fn files_and_inline_images_become_attachments_and_an_oversize_one_is_flagged() {
    let app = spawn_with(true, |c| c.max_file_bytes = 5_000);
    let simon = app.session(SIMON);
    let (status, _, c, _) = pipe(&app, &fixture("attachments.eml", &[]), "attach.1@mail.example.net");
    assert_eq!(status, "PROCESSED", "the mail is kept");
    let m = &messages(&app, &simon, c.expect("a conversation"))[0];
    let files = m["attachments"].as_array().expect("attachments");
    let names: Vec<&str> = files.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["burr.png", "receipt.txt", "original.eml"], "manual.bin is over the limit");
    let burr = &files[0];
    assert_eq!(burr["content_id"], "burr.png@example.net");
    assert_eq!(burr["type"], "image/png");
    let html = m["content_html"].as_str().expect("html");
    assert!(
        html.contains(&format!("src=\"{}\"", burr["url"].as_str().expect("url"))),
        "the inline image points at its attachment: {html}"
    );
    assert!(!html.contains("cid:"), "{html}");
    assert!(m["content_text"].as_str().expect("text").contains("[Not kept: manual.bin (10240 bytes)"), "{m}");
    let (_, _, receipt) = app.get(&path_of(&files[1]["url_download"])).session(&simon).send_bytes();
    assert_eq!(receipt, b"Receipt 2026-114: Brewfictus Pro 2, 1 unit.\r\n");
    let reason: String = app.db().query_row("SELECT reason FROM mails", [], |r| r.get(0)).expect("reason");
    assert!(reason.contains("manual.bin"), "{reason}");
}

#[test]
fn own_mail_auto_replies_and_bounces_post_nothing_and_send_nothing() {
    let (app, simon, id) = with_new_mail();
    let (ours, _) = agent_reply(&app, &simon, id, 0);
    let statuses = app.get("/api/v1/cases/statuses").session(&simon).send();
    let pending =
        statuses.body["data"].as_array().expect("statuses").iter().find(|s| s["type"] == "PENDING").expect("PENDING")
            ["id"]
            .clone();
    let r = app.put(&format!("/api/v1/conversations/{id}")).session(&simon).json(&json!({"status_id": pending})).send();
    assert_eq!(r.status, 200, "{}", r.text);
    let count = |app: &TestApp| {
        app.db()
            .query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = ?1", [id], |r| r.get::<_, i64>(0))
            .expect("count")
    };
    let before = count(&app);

    // Parley's own mail, coming back.
    let own = sent(&app).pop().expect("the reply");
    let (status, code, _, _) = pipe(&app, &own, &ours);
    assert_eq!((status.as_str(), code.as_deref()), ("SUSPENDED", Some("LOOP_DETECTED")));
    assert_eq!(count(&app), before);

    // An out-of-office answer is recorded on the conversation, reopens nothing, sends nothing.
    let (status, code, c, post) =
        pipe(&app, &fixture("out_of_office.eml", &[("IN_REPLY_TO", &ours)]), "ooo.1@mail.example.net");
    assert_eq!((status.as_str(), code.as_deref(), c), ("PROCESSED", Some("AUTOMATED_EMAIL"), Some(id)));
    let ooo = messages(&app, &simon, id).into_iter().find(|m| m["id"].as_i64() == post).expect("recorded");
    assert_eq!(ooo["mail"]["automated"], "AUTO_SUBMITTED");
    let conv = app.get(&format!("/api/v1/conversations/{id}")).session(&simon).send();
    assert_eq!(conv.body["data"]["status"]["id"], pending, "an auto-reply never reopens");
    // Automated mail that answers nothing is kept aside.
    let list = fixture("out_of_office.eml", &[("IN_REPLY_TO", "nothing@nowhere.example")]);
    let list = String::from_utf8_lossy(&list).replace("ooo.1@mail.example.net", "ooo.2@mail.example.net");
    let (status, code, c, _) = pipe(&app, list.as_bytes(), "ooo.2@mail.example.net");
    assert_eq!((status.as_str(), code.as_deref(), c), ("SUSPENDED", Some("AUTOMATED_EMAIL"), None));

    // A bounce of the reply marks it REJECTED and starts nothing.
    let conversations = |app: &TestApp| {
        app.db().query_row("SELECT COUNT(*) FROM conversations", [], |r| r.get::<_, i64>(0)).expect("count")
    };
    let before = conversations(&app);
    let (status, code, c, post) =
        pipe(&app, &fixture("dsn_bounce.eml", &[("BOUNCED_ID", &ours)]), "20261207100300.DSN.1@mx.example.net");
    assert_eq!((status.as_str(), code.as_deref(), c), ("SUSPENDED", Some("MAILER_DAEMON"), Some(id)));
    assert_eq!(conversations(&app), before);
    let reply = messages(&app, &simon, id).into_iter().find(|m| m["id"].as_i64() == post).expect("the bounced reply");
    assert_eq!(reply["message_status"], "REJECTED");
    assert_eq!(reply["message_status_reject_type"], "BOUNCE");
    assert!(reply["message_status_reject_reason"].as_str().expect("reason").contains("5.1.1"), "{reply}");
    assert_eq!(reply["mail"]["delivery"], "BOUNCED");
    assert_eq!(sent(&app).len(), 1, "none of it sent mail");
}

#[test]
fn what_is_not_a_mail_is_refused_at_the_door() {
    let app = spawn_demo();
    let (code, err) = ingest_cli(&app, b"");
    assert_eq!(code, 65, "{err}");
    let mut bomb = String::new();
    for i in 0..1_500 {
        bomb.push_str(&format!("X-Header-{i}: x\r\n"));
    }
    bomb.push_str("\r\nbody\r\n");
    let (code, err) = ingest_cli(&app, bomb.as_bytes());
    assert_eq!(code, 65);
    assert!(err.contains("header lines"), "{err}");
    let huge = vec![b'a'; 26 * 1024 * 1024];
    let (code, err) = ingest_cli(&app, &huge);
    assert_eq!(code, 65);
    assert!(err.contains("larger than"), "{err}");
    let spooled = std::fs::read_dir(app.dir.path().join("mail/spool")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(spooled, 0, "nothing refused is spooled");
}

#[test]
fn mail_shows_up_live_in_the_inbox_and_on_the_conversations_channel() {
    let (app, simon, id) = with_new_mail();
    let inbox = crate::realtime::sse(&app, "inbox", &[("X-Session-ID", simon.as_str())]).expect("the inbox stream");
    let channel = app.get(&format!("/api/v1/conversations/{id}")).session(&simon).send().body["data"]
        ["realtime_channel"]
        .as_str()
        .expect("channel")
        .to_owned();
    let conversation =
        crate::realtime::sse(&app, &channel, &[("X-Session-ID", simon.as_str())]).expect("the conversation's stream");
    let second = b"From: Nadia Ilves <nadia@example.ee>\r\nTo: support@brewfictus.com\r\nSubject: Beans\r\nMessage-ID: <nadia.1@example.ee>\r\n\r\nDo you ship to Tallinn?\r\n";
    let (_, _, new, _) = pipe(&app, second, "nadia.1@example.ee");
    let created = inbox.next_of("conversation.created");
    assert_eq!(created.data["conversation_id"], new.expect("new"));
    let (ours, _) = agent_reply(&app, &simon, id, 0);
    let fill = [("TO", "support@brewfictus.com"), ("IN_REPLY_TO", ours.as_str())];
    pipe(&app, &fixture("gmail_reply.eml", &fill), "CAF=gmail.reply.1@mail.gmail.com");
    let mut event = conversation.next_of("message.created");
    while event.data["message"]["source"] != "MAIL" {
        event = conversation.next_of("message.created");
    }
    assert_eq!(event.data["message"]["content_text"], "Descaling fixed it, thank you!");
    assert!(event.data["message"].get("mail").is_none(), "events carry no mail headers");
    assert_eq!(inbox.next_of("message.delivery").data["delivery"], "SENT");
}
