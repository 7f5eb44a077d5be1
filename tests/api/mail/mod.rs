//! The email channel, through its real doors: `parley mail ingest` (the
//! binary), the embedded SMTP receiver (a real SMTP dialog), the file
//! transport's `.eml` files and a real relay (aiosmtpd).

mod crash;
mod imap;
mod inbound;
mod outbound;
mod smtp;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;

use crate::helpers::{eventually, TestApp};

/// A fixture mail, its `{{NAME}}` placeholders filled in.
pub fn fixture(name: &str, fill: &[(&str, &str)]) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/api/mail/fixtures").join(name);
    let mut raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (key, value) in fill {
        let needle = format!("{{{{{key}}}}}");
        let text = String::from_utf8_lossy(&raw).into_owned();
        if text.contains(&needle) {
            raw = text.replace(&needle, value).into_bytes();
        }
    }
    raw
}

/// Runs `parley mail ingest` on the app's data directory with `raw` on
/// standard input; its exit code and standard error.
pub fn ingest_cli(app: &TestApp, raw: &[u8]) -> (i32, String) {
    let mut child = std::process::Command::new(crate::process::PARLEY)
        .args(["mail", "ingest", "--data-dir"])
        .arg(app.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("parley mail ingest");
    // A refused mail may be left unread: the pipe then breaks, as an MTA's would.
    let _ = child.stdin.take().expect("stdin").write_all(raw);
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The `mails` row of a Message-ID once the server took it: (status,
/// suspension code, conversation, message).
pub fn taken(app: &TestApp, message_id: &str) -> (String, Option<String>, Option<i64>, Option<i64>) {
    let mut row = None;
    eventually(&format!("the mail {message_id} is taken"), || {
        row = app
            .db()
            .query_row(
                "SELECT status, suspension_code, conversation_id, post_id FROM mails WHERE message_id = ?1",
                [message_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .ok();
        row.is_some()
    });
    row.expect("the row")
}

/// Takes a mail through the pipe door and waits for the server to import it.
pub fn pipe(app: &TestApp, raw: &[u8], message_id: &str) -> (String, Option<String>, Option<i64>, Option<i64>) {
    let (code, err) = ingest_cli(app, raw);
    assert_eq!(code, 0, "parley mail ingest: {err}");
    taken(app, message_id)
}

/// The mails the file transport wrote, oldest first.
pub fn sent(app: &TestApp) -> Vec<Vec<u8>> {
    let dir = app.dir.path().join("mail").join("sent");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).expect("read a sent mail")).collect()
}

/// Waits until the file transport wrote `n` mails; returns them.
pub fn sent_count(app: &TestApp, n: usize) -> Vec<Vec<u8>> {
    eventually(&format!("{n} mails are sent"), || sent(app).len() >= n);
    let all = sent(app);
    assert_eq!(all.len(), n, "more mail was sent than expected");
    all
}

/// A header of a raw mail, unfolded.
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let parsed = mail_parser::MessageParser::default().parse(raw)?;
    parsed.header_raw(name).map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A Message-ID header's value without brackets.
pub fn id_of(raw: &[u8]) -> String {
    header(raw, "Message-ID").expect("Message-ID").trim_matches(|c| c == '<' || c == '>').to_owned()
}

/// A plain SMTP client: one dialog, each command's reply.
pub struct Smtp {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Smtp {
    /// Connects and reads the greeting.
    pub fn connect(port: u16) -> (Smtp, String) {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the SMTP receiver");
        stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).expect("timeout");
        let writer = stream.try_clone().expect("clone");
        let mut smtp = Smtp { reader: BufReader::new(stream), writer };
        let greeting = smtp.reply();
        (smtp, greeting)
    }

    /// The next reply (all its lines).
    pub fn reply(&mut self) -> String {
        let mut all = String::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                return all;
            }
            all.push_str(&line);
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                return all;
            }
        }
    }

    /// Sends a command line; its reply.
    pub fn cmd(&mut self, line: &str) -> String {
        self.writer.write_all(format!("{line}\r\n").as_bytes()).expect("write");
        self.reply()
    }

    /// Sends raw bytes (no reply read).
    pub fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// A whole mail transaction: MAIL, RCPT (each), DATA, the mail, `.`.
    /// Returns the reply to the mail's end (or the first refusal).
    pub fn send(&mut self, from: &str, to: &[&str], raw: &[u8]) -> String {
        let r = self.cmd(&format!("MAIL FROM:<{from}>"));
        if !r.starts_with("250") {
            return r;
        }
        for rcpt in to {
            let r = self.cmd(&format!("RCPT TO:<{rcpt}>"));
            if !r.starts_with("250") {
                return r;
            }
        }
        let r = self.cmd("DATA");
        if !r.starts_with("354") {
            return r;
        }
        let mut body = Vec::new();
        for line in raw.split_inclusive(|b| *b == b'\n') {
            if line.starts_with(b".") {
                body.push(b'.');
            }
            body.extend_from_slice(line);
        }
        if !body.ends_with(b"\r\n") {
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b".\r\n");
        self.raw(&body).expect("write the mail");
        self.reply()
    }
}

/// A free loopback port (free when asked).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

/// A real SMTP relay: aiosmtpd, keeping what it receives in a Maildir.
pub struct Relay {
    child: std::process::Child,
    maildir: tempfile::TempDir,
    pub port: u16,
}

impl Relay {
    pub fn start(port: u16) -> Relay {
        let maildir = tempfile::tempdir().expect("maildir");
        let child = std::process::Command::new("aiosmtpd")
            .args(["-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("box"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("aiosmtpd (Debian's python3-aiosmtpd) must be installed");
        eventually("the relay listens", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        Relay { child, maildir, port }
    }

    pub fn received(&self) -> Vec<Vec<u8>> {
        let new = self.maildir.path().join("box").join("new");
        std::fs::read_dir(new)
            .map(|d| d.filter_map(|e| e.ok()).filter_map(|e| std::fs::read(e.path()).ok()).collect())
            .unwrap_or_default()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server with the demo data and the SMTP receiver on a free port;
/// returns it and the receiver's port.
pub fn with_receiver(adjust: impl FnOnce(&mut parley::config::ServeConfig)) -> (TestApp, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let app = crate::helpers::spawn_with(true, |c| {
        c.mail.smtp_listen = Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        adjust(c);
    });
    (app, port)
}
