//! A full disk: writes answer `507 INSUFFICIENT_STORAGE` and change nothing,
//! reads go on, and writes work again once there is room, without a restart.
//! The data directory is a small tmpfs in a private mount namespace
//! (`unshare -Urm`), so the test needs neither root nor a real disk to fill.

use std::io::Write;
use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::process;

struct Client {
    base: String,
    session: String,
}

impl Client {
    fn send(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
        let r = ureq::request(method, &format!("{}{path}", self.base))
            .set("X-Session-ID", &self.session)
            .set("Content-Type", content_type);
        let r = if method == "GET" { r.call() } else { r.send_bytes(body) };
        match r {
            Ok(r) => (r.status(), r.into_json().unwrap_or(Value::Null)),
            Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap_or(Value::Null)),
            Err(e) => panic!("transport error: {e}"),
        }
    }

    fn messages(&self) -> i64 {
        let (status, body) = self.send("GET", "/api/v1/conversations/1/messages", "", b"");
        assert_eq!(status, 200, "reads go on: {body}");
        body["total_count"].as_i64().expect("count")
    }
}

/// Opens the FIFO for writing without blocking (fails if nobody reads it any more).
fn release(fifo: &std::path::Path) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).custom_flags(O_NONBLOCK).open(fifo) {
        let _ = f.write_all(b"go\n");
    }
}

/// Frees the space when dropped, so a failing test leaves no process waiting on the FIFO.
struct FreeOnDrop(std::path::PathBuf);

impl Drop for FreeOnDrop {
    fn drop(&mut self) {
        release(&self.0);
    }
}

#[test]
fn a_full_disk_answers_507_keeps_reading_and_recovers_by_itself() {
    let host = tempfile::tempdir().expect("dir");
    let fifo = host.path().join("free-space");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let data = host.path().join("data");
    std::fs::create_dir(&data).expect("mount point");
    // 12 MiB of tmpfs, 7 MiB of it ballast that is removed when the test says so.
    let script = format!(
        "mount -t tmpfs -o size=12m none '{d}' && head -c 7340032 /dev/zero > '{d}/ballast' || exit 1
         (read _ < '{f}'; rm -f '{d}/ballast') &
         exec \"$0\" \"$@\"",
        d = data.display(),
        f = fifo.display()
    );
    let mut command = Command::new("unshare");
    command.args(["-Urm", "sh", "-c", &script, process::PARLEY]);
    command.args(process::serve_args(&data, &["--demo", "--messages-per-hour", "0", "--upload-bytes-per-hour", "0"]));
    let server = process::start(command, &data);
    let _free = FreeOnDrop(fifo.clone());
    let client = Client { base: server.base.clone(), session: server.session(SIMON) };
    let upload = |n: usize| {
        let (ct, body) = multipart_body(&[
            Part::text("contents", &format!("upload {n}")),
            Part::file("files[]", "blob.bin", "application/octet-stream", &vec![n as u8; 512 * 1024]),
        ]);
        client.send("POST", "/api/v1/conversations/1/messages", &ct, &body)
    };
    // Fill the disk.
    let mut full = None;
    for n in 0..40 {
        let before = client.messages();
        let (status, body) = upload(n);
        if status == 507 {
            full = Some((before, body));
            break;
        }
        assert_eq!(status, 201, "{body}");
    }
    let (before, body) = full.unwrap_or_else(|| panic!("the disk never filled: {}", server.logged()));
    assert_eq!(body["errors"][0]["code"], "INSUFFICIENT_STORAGE", "{body}");
    assert_eq!(client.messages(), before, "the refused upload changed nothing");
    // Text too, once the last bytes are gone.
    let text = json!({"contents": "x".repeat(4000)}).to_string();
    let mut refused = false;
    for _ in 0..200 {
        let (status, body) =
            client.send("POST", "/api/v1/conversations/1/messages", "application/json", text.as_bytes());
        if status == 507 {
            assert_eq!(body["errors"][0]["code"], "INSUFFICIENT_STORAGE");
            refused = true;
            break;
        }
        assert_eq!(status, 201, "{body}");
    }
    assert!(refused, "text writes are refused on a full disk");
    // Failed work holds no memory: many more refusals leave the server's size alone.
    let rss = || process::rss_kib(server.child.id());
    let before = rss();
    // A WAL restart trims the WAL file (`journal_size_limit`), and the space
    // it gives back takes a few writes before the disk is full again.
    let mut refused = 0;
    for n in 0..150 {
        let (upload, _) = upload(n);
        let (text, _) = client.send("POST", "/api/v1/conversations/1/messages", "application/json", text.as_bytes());
        for status in [upload, text] {
            assert!(matches!(status, 201 | 507), "{status}");
            refused += usize::from(status == 507);
        }
    }
    assert!(refused >= 250, "only {refused} of 300 writes were refused on a full disk");
    let grown = rss().saturating_sub(before);
    println!("300 refused writes on a full disk: resident memory {before} KiB before, grew by {grown} KiB");
    assert!(grown < 16 * 1024, "failed writes held {grown} KiB");
    let count = client.messages();
    let (status, _) = client.send("GET", "/api/v1/conversations?limit=100", "", b"");
    assert_eq!(status, 200, "lists are read on a full disk");
    // Free space: writes work again, without a restart.
    release(&fifo);
    eventually("writes succeed again", || upload(99).0 == 201);
    assert_eq!(client.messages(), count + 1);
    assert!(server.logged().contains("the disk is full"), "{}", server.logged());
}
