//! The insights benchmark, on `parley gen --conversations 100000 --messages
//! 1000000` (the instance the search benchmark makes, shared).
//!
//! `cargo bench --bench insights` prints:
//!
//! 1. latency of `GET /insights/summary` over the last 90 days, p50 and p95
//!    over `--queries` requests of each shape (unfiltered; by the busiest
//!    agent; by team; by channel; by week; a whole year, which is every
//!    generated conversation; the CSV export), interleaved with
//!    `GET /conversations/1` as the ceiling of a read, the server pinned to
//!    core 0 with one worker (`taskset`), the client beside it;
//! 2. what keeping the facts costs `POST /messages`: 10 clients posting
//!    `--posts` replies to a copy of the database with migration 12's
//!    triggers and to one without them, alternated over `--rounds` rounds,
//!    medians with their spread and the ratio;
//! 3. the migration an existing database gets: a copy taken back to schema
//!    11, timed from start to `/healthz`.
//!
//! Everything stays on 127.0.0.1 and stops by itself. `PARLEY_BENCH_BIN`
//! measures another build.

use std::path::PathBuf;
use std::time::Instant;

#[path = "support/instance.rs"]
#[allow(dead_code)] // not every helper is used here
mod instance;
#[path = "support/mod.rs"]
#[allow(dead_code)] // only the server handle is used here
mod support;
use instance::{alternated, copy_instance, generated, option, percentile, posting, start, Parley};

fn latencies(parley: &Parley, queries: usize, agent: i64, team: i64) {
    let now = chrono::Utc::now();
    let from = (now - chrono::Duration::days(90)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let range = format!("from={from}");
    let year = format!("from={}", (now - chrono::Duration::days(365)).format("%Y-%m-%dT%H:%M:%SZ"));
    let shapes: Vec<(&str, String)> = vec![
        ("ceiling: GET /conversations/1", "/api/v1/conversations/1".into()),
        ("summary, 90 days", format!("/api/v1/insights/summary?{range}")),
        ("summary, one agent", format!("/api/v1/insights/summary?{range}&agent_id={agent}")),
        ("summary, one team", format!("/api/v1/insights/summary?{range}&team_id={team}")),
        ("summary, one channel", format!("/api/v1/insights/summary?{range}&channel=MAIL")),
        ("summary, by week", format!("/api/v1/insights/summary?{range}&interval=week")),
        ("summary, 365 days (all)", format!("/api/v1/insights/summary?{year}")),
        ("export.csv, conversations", format!("/api/v1/insights/export.csv?{range}")),
    ];
    let http = ureq::agent();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); shapes.len()];
    let mut created = vec![0i64; shapes.len()];
    for round in 0..queries + 5 {
        for (i, (_, path)) in shapes.iter().enumerate() {
            let started = Instant::now();
            let body = http
                .get(&format!("{}{path}", parley.base))
                .set("X-Session-ID", &parley.session)
                .call()
                .expect("request")
                .into_string()
                .expect("body");
            if round >= 5 {
                times[i].push(started.elapsed().as_secs_f64() * 1000.0);
            }
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) {
                created[i] = v["data"]["conversations_created"].as_i64().unwrap_or(-1);
            } else {
                created[i] = body.lines().count() as i64 - 1;
            }
        }
    }
    let ceiling = {
        let mut t = times[0].clone();
        t.sort_by(f64::total_cmp);
        percentile(&t, 0.95)
    };
    println!("\nGET /insights, last 90 days, one core, {queries} requests of each shape, interleaved:");
    println!("{:<30} {:>9} {:>9} {:>12} {:>12}", "shape", "p50 ms", "p95 ms", "p95/ceiling", "rows");
    for (i, (name, _)) in shapes.iter().enumerate() {
        let mut t = times[i].clone();
        t.sort_by(f64::total_cmp);
        let p95 = percentile(&t, 0.95);
        println!("{:<30} {:>9.2} {:>9.2} {:>12.1} {:>12}", name, percentile(&t, 0.5), p95, p95 / ceiling, created[i]);
    }
}

fn main() {
    let queries = option("--queries", 200);
    let posts = option("--posts", 2000);
    let rounds = option("--rounds", 5);
    let data = generated();
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-insights-work");
    let (agent, team): (i64, i64) = {
        let c = rusqlite::Connection::open(data.join("parley.db")).expect("open");
        let agent = c
            .query_row(
                "SELECT assigned_agent_id FROM conversations WHERE assigned_agent_id IS NOT NULL
                  GROUP BY assigned_agent_id ORDER BY COUNT(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("an agent");
        let team = c.query_row("SELECT MIN(id) FROM teams", [], |r| r.get(0)).expect("a team");
        (agent, team)
    };
    {
        let (parley, _) = start(&data);
        latencies(&parley, queries, agent, team);
    }

    let (with, without) = (work.join("with"), work.join("without"));
    copy_instance(&data, &with);
    copy_instance(&data, &without);
    rusqlite::Connection::open(without.join("parley.db"))
        .expect("open")
        .execute_batch("DROP TRIGGER messages_answered; DROP TRIGGER conversations_completed;")
        .expect("drop triggers");
    let [(am, alo, ahi), (bm, blo, bhi), (rm, rlo, rhi)] =
        alternated(rounds, || posting(&with, posts), || posting(&without, posts));
    println!("\nPOST /messages, 10 clients, {posts} per run, {rounds} rounds alternated:");
    println!("  with the insight triggers     {am:>7.0} msg/s ({alo:.0}–{ahi:.0})");
    println!("  without them                  {bm:>7.0} msg/s ({blo:.0}–{bhi:.0})");
    println!("  ratio                         {rm:>7.2} ({rlo:.2}–{rhi:.2})");

    // 3. The migration an existing database gets.
    let old = work.join("old");
    copy_instance(&data, &old);
    rusqlite::Connection::open(old.join("parley.db"))
        .expect("open")
        .execute_batch(
            "DROP TRIGGER messages_answered; DROP TRIGGER conversations_completed;
             DROP TRIGGER conversations_born_completed; DROP INDEX conversations_by_completed;
             DROP INDEX conversations_by_agent_completed; DROP INDEX conversations_by_team_completed;
             DROP INDEX ratings_by_created; ALTER TABLE conversations DROP COLUMN first_response_at;
             ALTER TABLE conversations DROP COLUMN staff_replies; ALTER TABLE conversations DROP COLUMN completed_at;
             PRAGMA user_version = 11; VACUUM;",
        )
        .expect("back to schema 11");
    let (_, took) = start(&old);
    println!(
        "\nmigration 12 on 100,000 conversations and 1,000,000 messages (start to /healthz): {:.1} s",
        took.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&work);
}
