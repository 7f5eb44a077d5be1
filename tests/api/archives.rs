//! Archives made to hurt, given to `parley import` and `parley restore`:
//! a merge plants no credential on the target's own users and
//! conversations; an archive with duplicate names, without the tables an
//! instance needs, that expands like a bomb, lies about its sizes or holds
//! a row too long to read is refused before anything is written, and a
//! failed import into nothing leaves no instance behind.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::{json, Value};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::helpers::*;
use crate::process::PARLEY;

/// Runs the binary; its exit status, stdout and stderr.
fn parley(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(PARLEY).args(args).output().expect("run parley");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("path")
}

/// Every entry of the archive at `p`, in order.
fn entries(p: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(p).expect("open")).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("read");
            (entry.name().to_owned(), bytes)
        })
        .collect()
}

/// Writes `entries` as an archive at `p`, each entry deflated or stored.
fn write(p: &Path, entries: &[(String, Vec<u8>)], method: CompressionMethod) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(p).expect("create"));
    for (name, bytes) in entries {
        let options =
            SimpleFileOptions::default().compression_method(method).large_file(bytes.len() > u32::MAX as usize);
        zip.start_file(name.as_str(), options).expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish");
}

/// `entries` with JSON lines added to the table `name`.
fn with_rows(mut entries: Vec<(String, Vec<u8>)>, name: &str, rows: &[Value]) -> Vec<(String, Vec<u8>)> {
    let entry = format!("tables/{name}.jsonl");
    let (_, bytes) = entries.iter_mut().find(|(n, _)| *n == entry).expect("table in the export");
    for row in rows {
        bytes.extend_from_slice(format!("{row}\n").as_bytes());
    }
    entries
}

/// Replaces every occurrence of `from` in the file at `p` with `to` (as long).
fn patch(p: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(p).expect("read");
    let mut found = 0;
    for i in 0..=bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            found += 1;
        }
    }
    assert!(found >= 2, "in the local header and the central directory");
    std::fs::write(p, bytes).expect("write");
}

/// Sets the uncompressed size the central directory declares for `name`.
fn declare_size(p: &Path, name: &str, size: u32) {
    let mut bytes = std::fs::read(p).expect("read");
    let at = (0..bytes.len() - 46)
        .find(|&i| bytes[i..i + 4] == *b"PK\x01\x02" && bytes[i + 46..].starts_with(name.as_bytes()))
        .expect("central header");
    bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
    std::fs::write(p, bytes).expect("write");
}

/// A demo instance exported, and its export imported into a new data directory.
struct Exported {
    demo: TestApp,
    work: tempfile::TempDir,
    archive: std::path::PathBuf,
}

fn exported() -> Exported {
    let demo = spawn_demo();
    let work = tempfile::tempdir().expect("dir");
    let archive = work.path().join("demo.zip");
    let (ok, _, stderr) = parley(&["export", path(&archive), "--data-dir", path(demo.dir.path())]);
    assert!(ok, "{stderr}");
    Exported { demo, work, archive }
}

#[test]
fn a_merge_brings_no_device_or_membership_onto_what_the_target_already_had() {
    let Exported { demo, work, archive } = exported();
    let owner = demo.session(MORGAN);
    let id_of = |email: &str| {
        let r = demo.get(&format!("/api/v1/users?query={email}")).session(&owner).send();
        r.ids()[0]
    };
    let (caryn, morgan) = (id_of(CARYN), id_of(MORGAN));
    let carys = demo.get("/api/v1/conversations?limit=100").session(&demo.session(CARYN)).send().ids();
    assert!(carys.len() > 1);
    let conversation = carys[0];

    // The target: the same export, imported; every user and conversation of the archive is one it has.
    let target = Arc::new(tempfile::tempdir().expect("dir"));
    let (ok, _, stderr) = parley(&["import", path(&archive), "--data-dir", path(target.path())]);
    assert!(ok, "{stderr}");

    // The archive, with a verified device on Caryn, a device on the owner, and a device on one of Caryn's conversations.
    let (on_caryn, on_owner, on_conversation) = (new_fingerprint(), new_fingerprint(), new_fingerprint());
    let far = 4_000_000_000i64;
    let device = |fp: &str, user: i64| json!({"fingerprint": fp, "user_id": user, "is_verified": 1, "created_at": 1, "last_used_at": far, "verified_until": far});
    let planted = with_rows(entries(&archive), "fingerprints", &[device(&on_caryn, caryn), device(&on_owner, morgan)]);
    let planted = with_rows(
        planted,
        "conversation_devices",
        &[json!({"fingerprint": on_conversation, "conversation_id": conversation, "created_at": 1})],
    );
    let crafted = work.path().join("crafted.zip");
    write(&crafted, &planted, CompressionMethod::Deflated);
    let (ok, stdout, stderr) = parley(&["import", path(&crafted), "--data-dir", path(target.path()), "--merge"]);
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("imported 0 rows"), "nothing was new: {stdout}");

    let b = spawn_at(target);
    let seen = b.get("/api/v1/conversations?limit=100").fingerprint(&on_caryn).send();
    assert_eq!(seen.status, 200, "{}", seen.text);
    assert!(seen.ids().is_empty(), "a planted device reads none of Caryn's conversations: {:?}", seen.ids());
    for fp in [&on_owner, &on_conversation, &on_caryn] {
        let r = b.get(&format!("/api/v1/conversations/{conversation}")).fingerprint(fp).send();
        assert!(matches!(r.status, 403 | 404), "a planted device opens nothing: {} {}", r.status, r.text);
    }
    // The target's own people are as they were.
    assert_eq!(b.get("/api/v1/conversations").basic(MORGAN, PASSWORD).send().status, 200);
}

/// An import of `archive` into a new data directory fails with `expected`
/// in its error, and leaves no instance there.
fn refused(archive: &Path, expected: &str) {
    let target = tempfile::tempdir().expect("dir");
    let data = target.path().join("instance");
    let (ok, _, stderr) = parley(&["import", path(archive), "--data-dir", path(&data)]);
    assert!(!ok, "refused");
    assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    assert!(!data.join("parley.db").exists(), "no instance is left behind: {stderr}");
}

#[test]
fn an_export_missing_what_an_instance_needs_or_with_a_bad_row_leaves_nothing() {
    let Exported { work, archive, .. } = exported();
    let all = entries(&archive);
    let manifest_only: Vec<_> = all.iter().filter(|(n, _)| n == "manifest.json").cloned().collect();
    let bare = work.path().join("manifest-only.zip");
    write(&bare, &manifest_only, CompressionMethod::Deflated);
    refused(&bare, "it has no roles");

    // Every table there, but one of its last rows is bad: the transaction's failure removes the new database.
    let bad = with_rows(all, "audit_log", &[json!({"id": 999_999, "no_such_column": 1})]);
    let late = work.path().join("late-failure.zip");
    write(&late, &bad, CompressionMethod::Deflated);
    refused(&late, "no column no_such_column");
}

#[test]
fn duplicate_entry_names_are_refused_by_import_and_restore() {
    let Exported { demo, work, archive } = exported();
    // A second users table, its name made the first's after writing (no zip writer makes duplicates).
    let mut twice = entries(&archive);
    let owner = json!({"id": 900, "email": "eve@example.org", "full_name": "Eve", "role_id": 1});
    twice.push(("tables/users.jsonz".into(), format!("{owner}\n").into_bytes()));
    let dup = work.path().join("duplicate.zip");
    write(&dup, &twice, CompressionMethod::Deflated);
    patch(&dup, b"tables/users.jsonz", b"tables/users.jsonl");
    refused(&dup, "two entries have the same name");

    let backup = work.path().join("backup.zip");
    let (ok, _, stderr) = parley(&["backup", path(&backup), "--data-dir", path(demo.dir.path())]);
    assert!(ok, "{stderr}");
    let mut twice = entries(&backup);
    let db = twice.iter().find(|(n, _)| n == "parley.db").expect("database").1.clone();
    twice.push(("parley.dc".into(), db));
    write(&dup, &twice, CompressionMethod::Deflated);
    patch(&dup, b"parley.dc", b"parley.db");
    let data = work.path().join("restored");
    let (ok, _, stderr) = parley(&["restore", path(&dup), "--data-dir", path(&data)]);
    assert!(!ok && stderr.contains("two entries have the same name"), "{stderr}");
    assert!(!data.join("parley.db").exists());
}

#[test]
fn an_archive_that_expands_like_a_bomb_or_beyond_what_it_declares_is_refused() {
    let Exported { demo, work, archive } = exported();
    // 64 MiB of zeros deflate to 64 KiB: a thousand times.
    let mut bomb = entries(&archive);
    bomb.push(("attachments/zeros".into(), vec![0u8; 64 << 20]));
    let file = work.path().join("bomb.zip");
    write(&file, &bomb, CompressionMethod::Deflated);
    assert!(std::fs::metadata(&file).expect("size").len() < 2 << 20);
    refused(&file, "times (from");

    // A backup whose database declares 4 KiB and holds 64 MiB: reading stops at what was declared.
    let backup = work.path().join("backup.zip");
    let (ok, _, stderr) = parley(&["backup", path(&backup), "--data-dir", path(demo.dir.path())]);
    assert!(ok, "{stderr}");
    let mut lying = entries(&backup);
    lying.iter_mut().find(|(n, _)| n == "parley.db").expect("database").1 = vec![0u8; 64 << 20];
    write(&file, &lying, CompressionMethod::Deflated);
    declare_size(&file, "parley.db", 4096);
    let data = work.path().join("restored");
    let (ok, _, stderr) = parley(&["restore", path(&file), "--data-dir", path(&data)]);
    assert!(!ok && stderr.contains("more than its declared size"), "{stderr}");
    assert!(!data.join("parley.db").exists());
    let left: u64 = walk(&data);
    assert!(left < 1 << 20, "what was written is gone: {left} bytes left");
}

/// The bytes of every file under `dir`.
fn walk(dir: &Path) -> u64 {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { e.metadata().map_or(0, |m| m.len()) }).sum()
    })
}

#[test]
fn a_row_longer_than_any_parley_writes_is_refused_unread() {
    let Exported { work, archive, .. } = exported();
    // 17 MiB of hex on one line, stored: it neither compresses like a bomb nor ends.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let long: Vec<u8> = (0..17 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b"0123456789abcdef"[(state & 15) as usize]
        })
        .collect();
    let mut huge = entries(&archive);
    let (_, users) = huge.iter_mut().find(|(n, _)| n == "tables/users.jsonl").expect("users");
    users.extend_from_slice(b"{\"full_name\":\"");
    users.extend_from_slice(&long);
    let file = work.path().join("long-row.zip");
    write(&file, &huge, CompressionMethod::Stored);
    refused(&file, "a row over 16 MiB");
}
