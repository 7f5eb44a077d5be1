//! The embedded SMTP receiver, spoken to as any MTA would.

use super::*;

#[test]
fn the_receiver_takes_mail_for_its_mailboxes_only_and_within_its_limits() {
    let (app, port) = with_receiver(|c| c.mail.max_mail_bytes = 64 * 1024);
    let (mut smtp, greeting) = Smtp::connect(port);
    assert!(greeting.starts_with("220"), "{greeting}");
    assert!(smtp.cmd("EHLO client.example.net").starts_with("250"));
    assert!(smtp.cmd("MAIL FROM:<joe.bloggs@example.net>").starts_with("250"));
    let r = smtp.cmd("RCPT TO:<someone@elsewhere.example>");
    assert!(r.starts_with("550"), "never an open relay: {r}");
    let r = smtp.cmd("RCPT TO:<sales@brewfictus.com>");
    assert!(r.starts_with("550"), "only the mailboxes: {r}");
    assert!(smtp.cmd("RCPT TO:<Support+Anything@Brewfictus.com>").starts_with("250"));
    assert!(smtp.cmd("RSET").starts_with("250"));

    let r = smtp.send("joe.bloggs@example.net", &["support@brewfictus.com"], &fixture("new_mail.eml", &[]));
    assert!(r.starts_with("250"), "{r}");
    let (status, _, c, _) = taken(&app, "a1b2c3d4.new@mail.example.net");
    assert_eq!(status, "PROCESSED");
    assert!(r.contains(&format!("conversation {}", c.expect("conversation"))), "answered after the import: {r}");

    // The same mail again, through the pipe: one message.
    let (code, _) = ingest_cli(&app, &fixture("new_mail.eml", &[]));
    assert_eq!(code, 0);
    let r = smtp.send("joe.bloggs@example.net", &["support@brewfictus.com"], &fixture("new_mail.eml", &[]));
    assert!(r.starts_with("250") && r.contains("already received"), "{r}");
    eventually("the spool is drained", || {
        std::fs::read_dir(app.dir.path().join("mail/spool"))
            .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().is_file()).count() == 0)
            .unwrap_or(true)
    });
    let n: i64 = app
        .db()
        .query_row("SELECT COUNT(*) FROM messages WHERE conversation_id = ?1", [c], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 1);

    // Too big: 552, and the session goes on.
    let big = format!(
        "From: a@example.net\r\nSubject: big\r\nMessage-ID: <big@example.net>\r\n\r\n{}\r\n",
        "x".repeat(100)
            .repeat(1000)
            .chars()
            .collect::<Vec<_>>()
            .chunks(99)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\r\n")
    );
    let r = smtp.send("a@example.net", &["support@brewfictus.com"], big.as_bytes());
    assert!(r.starts_with("552"), "{r}");
    // A line of 2 MiB: 552 too.
    let long = format!(
        "From: a@example.net\r\nSubject: long\r\nMessage-ID: <long@example.net>\r\n\r\n{}\r\n",
        "y".repeat(2 * 1024 * 1024)
    );
    let r = smtp.send("a@example.net", &["support@brewfictus.com"], long.as_bytes());
    assert!(r.starts_with("552"), "{r}");
    // Not a mail at all: 554 with why.
    let r = smtp.send("a@example.net", &["support@brewfictus.com"], b"just some words without any header\r\n");
    assert!(r.starts_with("554"), "{r}");
    assert!(smtp.cmd("QUIT").starts_with("221"));
    let kept: i64 = app
        .db()
        .query_row("SELECT COUNT(*) FROM mails WHERE message_id IN ('big@example.net', 'long@example.net')", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(kept, 0, "nothing of a refused mail is kept");
}

#[test]
fn sessions_are_bounded_in_all_and_per_address() {
    let (_app, port) = with_receiver(|c| {
        c.mail.smtp_max_sessions = 3;
        c.mail.smtp_sessions_per_address = 2;
    });
    let (_a, g) = Smtp::connect(port);
    assert!(g.starts_with("220"));
    let (_b, g) = Smtp::connect(port);
    assert!(g.starts_with("220"));
    let (_c, g) = Smtp::connect(port);
    assert!(g.starts_with("421"), "a third session from one address: {g}");
}

#[test]
fn hostile_mime_is_refused_or_flagged_and_the_receiver_keeps_serving() {
    let (app, port) = with_receiver(|_| {});
    let (mut smtp, _) = Smtp::connect(port);
    smtp.cmd("EHLO x");
    // 5,000 nested multiparts.
    let mut nested = String::from("From: deep@example.net\r\nTo: support@brewfictus.com\r\nSubject: deep\r\nMessage-ID: <deep@example.net>\r\nMIME-Version: 1.0\r\n");
    for i in 0..5_000 {
        nested.push_str(&format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
    }
    nested.push_str("Content-Type: text/plain\r\n\r\ninnermost\r\n");
    let r = smtp.send("deep@example.net", &["support@brewfictus.com"], nested.as_bytes());
    assert!(r.starts_with("250") || r.starts_with("554"), "{r}");
    // Malformed MIME and an unknown charset.
    let broken = b"From: odd@example.net\r\nTo: support@brewfictus.com\r\nSubject: =?x-unknown?B?////?=\r\nMessage-ID: <odd@example.net>\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\nContent-Type: text/plain; charset=no-such-charset\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n";
    let r = smtp.send("odd@example.net", &["support@brewfictus.com"], broken);
    assert!(r.starts_with("250") || r.starts_with("554"), "{r}");
    let r = smtp.send("joe.bloggs@example.net", &["support@brewfictus.com"], &fixture("new_mail.eml", &[]));
    assert!(r.starts_with("250"), "still serving: {r}");
    assert_eq!(taken(&app, "a1b2c3d4.new@mail.example.net").0, "PROCESSED");
    assert_eq!(app.get("/healthz").send().status, 200);
}

#[test]
fn the_receiver_speaks_starttls_when_given_a_certificate() {
    let certs = tempfile::tempdir().expect("dir");
    let (cert, key) = (certs.path().join("smtp.crt"), certs.path().join("smtp.key"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl");
    assert!(made.success());
    let (app, port) = with_receiver(|c| {
        c.mail.smtp_tls_cert = Some(cert.clone());
        c.mail.smtp_tls_key = Some(key.clone());
    });
    let (mut smtp, _) = Smtp::connect(port);
    assert!(smtp.cmd("EHLO client.example").contains("STARTTLS"), "offered");
    // lettre, a real client, upgrades and sends.
    use lettre::transport::smtp::client::{Tls, TlsParameters};
    let tls = TlsParameters::builder("localhost".into()).dangerous_accept_invalid_certs(true).build().expect("tls");
    let client = lettre::SmtpTransport::builder_dangerous("127.0.0.1").port(port).tls(Tls::Required(tls)).build();
    let envelope = lettre::address::Envelope::new(
        Some("joe.bloggs@example.net".parse().expect("from")),
        vec!["support@brewfictus.com".parse().expect("to")],
    )
    .expect("envelope");
    lettre::Transport::send_raw(&client, &envelope, &fixture("new_mail.eml", &[])).expect("sent over TLS");
    assert_eq!(taken(&app, "a1b2c3d4.new@mail.example.net").0, "PROCESSED");
}

#[test]
fn pythons_smtplib_delivers_like_any_mta() {
    let (app, port) = with_receiver(|_| {});
    let raw = fixture("windows1252.eml", &[]);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("mail.eml");
    std::fs::write(&path, &raw).expect("write");
    let script = format!(
        "import smtplib\nwith smtplib.SMTP('127.0.0.1', {port}) as s:\n    s.ehlo('python.example')\n    \
         s.sendmail('renee@example.fr', ['support+anything@brewfictus.com'], open({:?}, 'rb').read())\n",
        path.display().to_string()
    );
    let out = std::process::Command::new("python3").args(["-c", &script]).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(taken(&app, "cp1252.1@example.fr").0, "PROCESSED");
    let refused = std::process::Command::new("python3")
        .args(["-c", &format!("import smtplib\ntry:\n    smtplib.SMTP('127.0.0.1', {port}).sendmail('x@example.org', ['y@elsewhere.example'], b'Subject: x\\r\\n\\r\\nx')\nexcept smtplib.SMTPRecipientsRefused as e:\n    print(list(e.recipients.values())[0][0])\n")])
        .output()
        .expect("python3");
    assert_eq!(String::from_utf8_lossy(&refused.stdout).trim(), "550");
}
