//! The search benchmark, on `parley gen --conversations 100000 --messages
//! 1000000` (generated once into `target/bench-search/`, then reused).
//!
//! `cargo bench --bench search` prints:
//!
//! 1. latency of `GET /search` (newest first, 20 hits), p50 and p95 over
//!    `--queries` requests of each kind: a one-word query, a rare word, a
//!    common word, a prefix, a phrase, a relevance-sorted word and a common
//!    word narrowed to one author (the slowest shape: the filter rejects
//!    most matches), the kinds interleaved, the server pinned to core 0
//!    with one worker (`taskset`) and the client on core 1;
//! 2. what the index costs `POST /messages`: 10 clients posting `--posts`
//!    messages to a copy of the database with the index and to one whose
//!    search triggers are dropped, alternated over `--rounds` rounds,
//!    medians with their spread and the ratio;
//! 3. the index's size as a share of the database (`dbstat`);
//! 4. the rebuild an existing database gets when it is migrated: a copy
//!    taken back to schema 9 (no desk tables), timed from start to
//!    `/healthz`, which answers once the migration is done.
//!
//! Needs `taskset` (util-linux). Everything stays on 127.0.0.1 and stops by
//! itself. `PARLEY_BENCH_BIN` measures another build.

use std::path::PathBuf;

use std::time::Instant;

use serde_json::Value;

#[path = "support/instance.rs"]
mod instance;
#[path = "support/mod.rs"]
#[allow(dead_code)] // only the server handle is used here
mod support;
use instance::{alternated, copy_instance, generated, median_spread, option, percentile, posting, start, Parley};

fn latencies(parley: &Parley, queries: usize) {
    let kinds: [(&str, &str, &str); 8] = [
        ("one word", "gasket", ""),
        ("rare word", "48213", ""),
        ("common word", "machine", ""),
        ("prefix", "descal*", ""),
        ("phrase", "\"grinding noise\"", ""),
        ("relevance, a few hundred", "482*", "&sort=relevance"),
        ("relevance, a few thousand", "48*", "&sort=relevance"),
        ("common word, one author", "machine from:simon@brewfictus.com", ""),
    ];
    let http = ureq::agent();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    let mut totals = vec![0; kinds.len()];
    for round in 0..queries + 5 {
        for (i, (_, q, extra)) in kinds.iter().enumerate() {
            let query: String = url_encode(q);
            let url = format!("{}/api/v1/search?query={query}&resources=conversations&limit=20{extra}", parley.base);
            let started = Instant::now();
            let body: Value =
                http.get(&url).set("X-Session-ID", &parley.session).call().expect("search").into_json().expect("json");
            // The first rounds warm the page cache.
            if round >= 5 {
                times[i].push(started.elapsed().as_secs_f64() * 1000.0);
            }
            totals[i] = body["total_count"].as_i64().unwrap_or(-1);
        }
    }
    println!("\nGET /search, newest first, 20 hits, one core, {queries} requests of each kind:");
    println!("{:<26} {:>9} {:>9} {:>9}", "query", "p50 ms", "p95 ms", "hits");
    for (i, (name, q, _)) in kinds.iter().enumerate() {
        let mut t = times[i].clone();
        t.sort_by(f64::total_cmp);
        let hits = if totals[i] >= 1000 { "1000+".to_owned() } else { totals[i].to_string() };
        println!("{:<26} {:>9.2} {:>9.2} {:>9}   {q}", name, percentile(&t, 0.5), percentile(&t, 0.95), hits);
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn main() {
    let queries = option("--queries", 200);
    let posts = option("--posts", 2000);
    let rounds = option("--rounds", 5);
    let data = generated();
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-search-work");

    // 1. Latency.
    {
        let (parley, _) = start(&data);
        latencies(&parley, queries);
    }

    // Where relevance stops paying: ranking every hit of a common word, by hit count.
    let c = rusqlite::Connection::open(data.join("parley.db")).expect("open");
    println!("\nranking n hits with bm25 (the relevance sort's work), median of 5:");
    for n in [500, 1000, 2000, 5000, 10000, 50000] {
        let sql = "SELECT bm25(message_search), c.id, t.created_at FROM message_search s
                     CROSS JOIN messages t ON t.id = s.rowid CROSS JOIN conversations c ON c.id = t.conversation_id
                    WHERE message_search MATCH '\"machine\"' LIMIT ?1";
        let mut runs = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let mut stmt = c.prepare_cached(sql).expect("bm25");
            let rows = stmt.query_map([n], |r| r.get::<_, f64>(0)).expect("rows").count();
            assert_eq!(rows, n as usize);
            runs.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let (m, lo, hi) = median_spread(runs);
        println!("  {n:>6} hits  {m:>8.1} ms ({lo:.1}–{hi:.1})");
    }
    drop(c);

    // 3. Size.
    let c = rusqlite::Connection::open(data.join("parley.db")).expect("open");
    let total: f64 = c.query_row("SELECT SUM(pgsize) FROM dbstat", [], |r| r.get(0)).expect("dbstat");
    let index: f64 =
        c.query_row("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%search%'", [], |r| r.get(0)).expect("dbstat");
    println!(
        "\nindex size: {:.0} MiB of {:.0} MiB ({:.1} %)",
        index / 1048576.0,
        total / 1048576.0,
        index / total * 100.0
    );
    drop(c);

    // 2. Write cost, alternating.
    let (with, without) = (work.join("with"), work.join("without"));
    copy_instance(&data, &with);
    copy_instance(&data, &without);
    rusqlite::Connection::open(without.join("parley.db"))
        .expect("open")
        .execute_batch(
            "DROP TRIGGER message_search_insert; DROP TRIGGER message_search_delete; DROP TRIGGER message_search_update;
             DROP TRIGGER conversation_search_insert; DROP TRIGGER conversation_search_update;",
        )
        .expect("drop triggers");
    let [(am, alo, ahi), (bm, blo, bhi), (rm, rlo, rhi)] =
        alternated(rounds, || posting(&with, posts), || posting(&without, posts));
    println!("\nPOST /messages, 10 clients, {posts} per run, {rounds} rounds alternated:");
    println!("  with the index      {am:>7.0} msg/s ({alo:.0}–{ahi:.0})");
    println!("  without (no index)  {bm:>7.0} msg/s ({blo:.0}–{bhi:.0})");
    println!("  ratio               {rm:>7.2} ({rlo:.2}–{rhi:.2})");

    // 4. Rebuild on migration.
    let old = work.join("old");
    copy_instance(&data, &old);
    let c = rusqlite::Connection::open(old.join("parley.db")).expect("open");
    c.execute_batch(
        "DROP TRIGGER message_search_insert; DROP TRIGGER message_search_delete; DROP TRIGGER message_search_update;
         DROP TRIGGER note_search_insert; DROP TRIGGER note_search_delete; DROP TRIGGER note_search_update;
         DROP TRIGGER user_search_insert; DROP TRIGGER user_search_delete; DROP TRIGGER user_search_update;
         DROP TRIGGER organization_search_insert; DROP TRIGGER organization_search_delete;
         DROP TRIGGER organization_search_update; DROP TRIGGER conversation_search_insert;
         DROP TRIGGER conversation_search_delete; DROP TRIGGER conversation_search_update;
         DROP TABLE message_search; DROP TABLE note_search; DROP TABLE user_search; DROP TABLE organization_search;
         DROP TABLE conversation_search; DROP TABLE note_mentions; DROP TABLE notification_preferences;
         DROP TABLE notifications; DROP TABLE macros; DROP INDEX files_by_note; ALTER TABLE files DROP COLUMN note_id;
         DROP TABLE notes; PRAGMA user_version = 9; VACUUM;",
    )
    .expect("back to schema 9");
    drop(c);
    let (_, took) = start(&old);
    println!("\nrebuild on migration (start to /healthz, 1,000,000 messages): {:.1} s", took.as_secs_f64());
    let _ = std::fs::remove_dir_all(&work);
}
