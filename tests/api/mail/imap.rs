//! IMAP polling against a real IMAP server: Debian's dovecot on a loopback
//! port, with its own configuration in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use super::*;

struct Dovecot {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

const USER: &str = "support@brewfictus.com";

fn owner() -> (u32, u32) {
    let id = |flag: &str| {
        let out = Command::new("id").args([flag, "dovecot"]).output().expect("id (dovecot-imapd must be installed)");
        String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().expect("the dovecot user")
    };
    (id("-u"), id("-g"))
}

impl Dovecot {
    fn new() -> Dovecot {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
        let (uid, gid) = owner();
        let root = dir.path();
        for sub in [
            "run",
            "state",
            "home/support@brewfictus.com/Maildir/new",
            "home/support@brewfictus.com/Maildir/cur",
            "home/support@brewfictus.com/Maildir/tmp",
        ] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {r}/run\nstate_dir = {r}/state\nlog_path = {r}/dovecot.log\n\
             ssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n\
             default_internal_user = dovecot\ndefault_internal_group = dovecot\ndefault_login_user = dovenull\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {r}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={r}/home/%u\n}}\n\
             mail_location = maildir:{r}/home/%u/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service pop3-login {{\n  inet_listener pop3 {{\n    port = 0\n  }}\n}}\n",
            r = root.display()
        );
        std::fs::write(root.join("dovecot.conf"), conf).expect("conf");
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}secret\n")).expect("passwd");
        chown_all(root, uid, gid);
        Dovecot { dir, port, child: None }
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("home").join(USER).join("Maildir")
    }

    /// Delivers a mail into the folder, as an MDA would.
    fn deliver(&self, n: usize, raw: &[u8]) {
        let (uid, gid) = owner();
        let path = self.maildir().join("new").join(format!("17966480{n:02}.M1P1.test"));
        std::fs::write(&path, raw).expect("deliver");
        std::os::unix::fs::chown(&path, Some(uid), Some(gid)).expect("chown");
    }

    fn start(&mut self) {
        let conf = self.dir.path().join("dovecot.conf");
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&conf)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dovecot");
        self.child = Some(child);
        let port = self.port;
        eventually("dovecot listens", || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    }

    fn stop(&mut self) {
        let conf = self.dir.path().join("dovecot.conf");
        let _ = Command::new("dovecot").arg("-c").arg(&conf).arg("stop").status();
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("imap://support%40brewfictus.com:secret@127.0.0.1:{}/INBOX", self.port)
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

fn chown_all(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("dir").flatten() {
            chown_all(&entry.path(), uid, gid);
        }
    }
}

fn mail(n: usize) -> Vec<u8> {
    format!("From: Customer {n} <customer{n}@example.net>\r\nTo: {USER}\r\nSubject: Question {n}\r\nMessage-ID: <imap.{n}@example.net>\r\n\r\nQuestion number {n}.\r\n").into_bytes()
}

fn counts(app: &TestApp) -> (i64, i64) {
    let db = app.db();
    let mails = db.query_row("SELECT COUNT(*) FROM mails WHERE door = 'IMAP'", [], |r| r.get(0)).expect("mails");
    let messages = db
        .query_row("SELECT COUNT(*) FROM messages WHERE source = 'MAIL' AND subject LIKE 'Question %'", [], |r| {
            r.get(0)
        })
        .expect("messages");
    (mails, messages)
}

#[test]
fn polling_takes_each_mail_once_across_restarts_and_uidvalidity_changes() {
    let mut dovecot = Dovecot::new();
    dovecot.start();
    let url = dovecot.url();
    let poll = |c: &mut parley::config::ServeConfig| {
        c.mail.imap_url = Some(url.clone());
        c.mail.imap_poll_seconds = 1;
    };
    let app = crate::helpers::spawn_with(true, poll);
    // An empty folder is read without a fault, and its place remembered.
    eventually("the empty folder is polled", || {
        app.db().query_row("SELECT last_uid FROM imap_watermarks", [], |r| r.get::<_, i64>(0)).is_ok_and(|uid| uid == 0)
    });
    for n in 1..=3 {
        dovecot.deliver(n, &mail(n));
    }
    eventually("three mails are taken", || counts(&app) == (3, 3));
    eventually("they are flagged seen", || {
        std::fs::read_dir(dovecot.maildir().join("cur"))
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(",S")).count() == 3)
            .unwrap_or(false)
    });

    // A restart reads on from where it was.
    let app = app.restart_with(poll);
    dovecot.deliver(4, &mail(4));
    eventually("the fourth is taken", || counts(&app).0 == 4);
    assert_eq!(counts(&app), (4, 4), "nothing twice");

    // The folder is rebuilt: a new UIDVALIDITY, every mail again under new UIDs.
    dovecot.stop();
    for entry in std::fs::read_dir(dovecot.maildir()).expect("maildir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("dovecot") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    dovecot.deliver(5, &mail(5));
    dovecot.start();
    eventually("the fifth is taken", || counts(&app).0 == 5);
    let validity: i64 = app
        .db()
        .query_row("SELECT COUNT(DISTINCT uid_validity) FROM imap_watermarks", [], |r| r.get(0))
        .expect("watermark");
    assert_eq!(validity, 1);
    eventually("the rebuilt folder is read to its end", || {
        app.db().query_row("SELECT last_uid FROM imap_watermarks", [], |r| r.get::<_, i64>(0)).unwrap_or(0) == 5
    });
    assert_eq!(counts(&app), (5, 5), "the old mails under new UIDs are duplicates");
}
