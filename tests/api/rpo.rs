//! What a crash of the machine can lose under Litestream: rounds of mixed
//! writes (staff replies, customers' new conversations), each acknowledgment
//! noted with its time, then Litestream and Parley SIGKILLed together and the
//! replica restored into an empty directory. Every write acknowledged more
//! than the RPO (the sync interval + 1 s) before the kill must be there, and
//! the file whole; the loss per round is printed.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{MARK, SIMON};
use crate::process::start;
use crate::replication::{config, demo_database, litestream_command};

/// The replication config's `sync-interval`, and the RPO it promises.
const SYNC: Duration = Duration::from_secs(1);
const RPO: Duration = Duration::from_secs(2);
const ROUNDS: usize = 10;

/// One acknowledged write: what identifies it in the database, and when it was answered.
struct Acked {
    text: String,
    at: Instant,
}

/// SIGKILLs `pid`'s children (Parley under Litestream's exec), then `pid`.
fn kill_with_children(pid: u32) {
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
    let status = Command::new("kill").arg("-KILL").arg(pid.to_string()).args(children.split_whitespace()).status();
    assert!(status.is_ok_and(|s| s.success()));
}

/// Sends write `n` (its text, then the request) for n = 0, 1, … until `run`
/// is over; the writes answered `201`, with when they were.
fn acked_until(run: Duration, send: impl Fn(usize) -> (String, ureq::Request, Value)) -> Vec<Acked> {
    let mut acked = Vec::new();
    let until = Instant::now() + run;
    for n in 0.. {
        if Instant::now() >= until {
            break;
        }
        let (text, request, body) = send(n);
        if request.send_json(body).is_ok_and(|r| r.status() == 201) {
            acked.push(Acked { text, at: Instant::now() });
        }
    }
    acked
}

/// Writes for `run`, from three staff writers and a customer starting conversations.
fn write_for(base: &str, staff: &str, customer: &str, run: Duration, round: usize) -> Vec<Acked> {
    std::thread::scope(|s| {
        let staff_writers: Vec<_> = [1, 3, 12]
            .into_iter()
            .map(|conversation| {
                s.spawn(move || {
                    acked_until(run, |n| {
                        let text = format!("rpo {round} c{conversation} {n}");
                        let request = ureq::post(&format!("{base}/api/v1/conversations/{conversation}/messages"))
                            .set("X-Session-ID", staff);
                        (text.clone(), request, json!({ "contents": text }))
                    })
                })
            })
            .collect();
        let starter = s.spawn(move || {
            acked_until(run, |n| {
                let text = format!("rpo {round} new {n}");
                let request = ureq::post(&format!("{base}/api/v1/conversations")).set("X-Session-ID", customer);
                (text.clone(), request, json!({ "subject": format!("Round {round}"), "contents": text }))
            })
        });
        let mut all: Vec<Acked> = staff_writers.into_iter().flat_map(|w| w.join().expect("writer")).collect();
        all.extend(starter.join().expect("starter"));
        all
    })
}

#[test]
fn a_crash_under_litestream_loses_only_writes_younger_than_the_rpo() {
    let base_dir = tempfile::tempdir().expect("dir");
    demo_database(base_dir.path());
    let template = base_dir.path().join("data/parley.db");
    let mut lost_per_round = Vec::new();
    let mut oldest_lost = Duration::ZERO;
    let mut acked_total = 0;
    for round in 0..ROUNDS {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("data")).expect("data");
        std::fs::copy(&template, dir.path().join("data/parley.db")).expect("copy the instance");
        let config = config(dir.path(), "--wal-checkpoints external --messages-per-hour 0 --workers 2");
        let mut command = litestream_command();
        command.args(["replicate", "-config"]).arg(&config);
        let mut server = start(command, &dir.path().join("data"));
        let (staff, customer) = (server.session(SIMON), server.session(MARK));
        // Writes for 2–3.5 s, so the kill falls anywhere in a sync interval.
        let run = Duration::from_millis(2000 + 150 * round as u64);
        let acked = write_for(&server.base, &staff, &customer, run, round);
        let killed = Instant::now();
        kill_with_children(server.child.id());
        server.kill();
        assert!(acked.len() > 20, "round {round}: only {} writes acknowledged", acked.len());

        let restored = dir.path().join("restored.db");
        let out = litestream_command()
            .args(["restore", "-o"])
            .arg(&restored)
            .arg(format!("file://{}", dir.path().join("replica").display()))
            .output()
            .expect("litestream restore");
        assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        let db = rusqlite::Connection::open(&restored).expect("open the restored file");
        let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
        assert_eq!(check, "ok", "round {round}");
        let mut stmt = db.prepare("SELECT content_text FROM messages WHERE content_text LIKE 'rpo %'").expect("query");
        let present: std::collections::HashSet<String> =
            stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("texts");
        let lost: Vec<&Acked> = acked.iter().filter(|a| !present.contains(&a.text)).collect();
        for write in &lost {
            let age = killed.duration_since(write.at);
            oldest_lost = oldest_lost.max(age);
            assert!(age <= RPO, "round {round}: `{}`, acknowledged {age:?} before the kill, is lost", write.text);
        }
        acked_total += acked.len();
        lost_per_round.push(lost.len());
        check_conversations(&db, round, &acked);
    }
    let mut sorted = lost_per_round.clone();
    sorted.sort_unstable();
    eprintln!(
        "RPO over {ROUNDS} rounds (sync {SYNC:?}): {acked_total} writes acknowledged; lost per round {lost_per_round:?} \
         (median {}, max {}); the oldest lost write was acknowledged {oldest_lost:?} before the kill",
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
    );
}

/// A conversation restored is whole: its first message is there with it.
fn check_conversations(db: &rusqlite::Connection, round: usize, acked: &[Acked]) {
    let orphans: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(orphans, 0, "round {round}: a conversation without its message ({} acknowledged)", acked.len());
}
