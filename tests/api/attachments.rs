//! Attachments: streamed uploads, the files API, serving, images, zips, limits.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::json;

use crate::helpers::*;

/// Rows in `files`.
fn file_rows(app: &TestApp) -> i64 {
    app.db().query_row("SELECT COUNT(*) FROM files", [], |r| r.get(0)).expect("count")
}

fn message_with(app: &TestApp, session: &str, parts: &[Part]) -> Resp {
    app.post("/api/v1/conversations/1/messages").session(session).parts(parts).send()
}

/// The path of an absolute URL the server handed out.
#[test]
fn files_and_text_in_mixed_order_become_attachments() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let image = png(640, 480);
    let notes = b"Pressure drops to 6 bar after ten shots.\n".to_vec();
    let r = app
        .post("/api/v1/conversations")
        .session(&caryn)
        .parts(&[
            Part::file("files[]", "notes.txt", "text/plain", &notes),
            Part::text("subject", "Pressure drop"),
            Part::file("files[]", "gauge.png", "image/png", &image),
            Part::text("contents", "Photos attached"),
            Part::text("metadata[user_agent]", "Firefox"),
        ])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["data"]["id"].as_i64().expect("id");
    let messages = app.get(&format!("/api/v1/conversations/{id}/messages")).session(&caryn).send();
    let m = &messages.body["data"][0];
    let atts = m["attachments"].as_array().expect("attachments");
    assert_eq!(atts.len(), 2);
    assert_eq!(atts[0]["name"], "notes.txt");
    assert_eq!(atts[0]["size"], notes.len());
    assert_eq!(atts[0]["type"], "text/plain");
    assert_eq!((atts[0]["width"].clone(), atts[0]["height"].clone()), (json!(0), json!(0)));
    assert_eq!(atts[0]["thumbnails"], json!([]));
    assert_eq!(atts[1]["name"], "gauge.png");
    assert_eq!(atts[1]["type"], "image/png");
    for key in [
        "id",
        "name",
        "size",
        "width",
        "height",
        "type",
        "content_id",
        "alt",
        "url",
        "url_download",
        "thumbnails",
        "created_at",
    ] {
        assert!(atts[1].get(key).is_some(), "attachment field {key}");
    }
    assert!(m["download_all"].as_str().is_some_and(|u| u.ends_with("/download_all")));
    let (status, headers, body) = app.get(&path_of(&atts[0]["url"])).session(&caryn).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(body, notes, "byte for byte");
    assert_eq!(headers.get("content-type").map(String::as_str), Some("text/plain; charset=utf-8"));
    assert_eq!(headers.get("x-content-type-options").map(String::as_str), Some("nosniff"));
    let (_, _, body) = app.get(&path_of(&atts[1]["url_download"])).session(&caryn).send_bytes();
    assert_eq!(body, image);
}

#[test]
fn images_get_dimensions_and_a_thumbnail() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let r = message_with(
        &app,
        &caryn,
        &[Part::text("contents", "pic"), Part::file("files", "wide.png", "image/png", &png(640, 480))],
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = &r.body["data"]["attachments"][0];
    assert_eq!((a["width"].as_i64(), a["height"].as_i64()), (Some(640), Some(480)));
    let t = &a["thumbnails"][0];
    assert_eq!((t["width"].as_i64(), t["height"].as_i64()), (Some(200), Some(150)), "longest side 200");
    assert_eq!(t["type"], "image/png");
    for key in ["name", "size", "width", "height", "type", "url", "created_at"] {
        assert!(t.get(key).is_some(), "thumbnail field {key}");
    }
    let (status, headers, bytes) = app.get(&path_of(&t["url"])).session(&caryn).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").map(String::as_str), Some("image/png"));
    assert_eq!(bytes.len() as i64, t["size"].as_i64().expect("size"));
    let decoded = image::load_from_memory(&bytes).expect("a real PNG");
    assert_eq!((decoded.width(), decoded.height()), (200, 150));
    assert_eq!(app.stored_files().len(), 2 + 4, "original and thumbnail beside it (plus the demo's)");
}

#[test]
fn a_file_pretending_to_be_an_image_is_stored_as_a_plain_file() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let fake = b"\x89PNG\r\n\x1a\nthis is not really a png".to_vec();
    let r = message_with(
        &app,
        &caryn,
        &[Part::text("contents", "x"), Part::file("files", "photo.png", "image/png", &fake)],
    );
    let a = &r.body["data"]["attachments"][0];
    assert_eq!(a["type"], "application/octet-stream");
    assert_eq!(a["width"], 0);
    assert_eq!(a["thumbnails"], json!([]));
}

#[test]
fn html_and_svg_uploads_are_never_served_inline() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    let r = message_with(
        &app,
        &caryn,
        &[
            Part::text("contents", "x"),
            Part::file("files", "cat.png", "image/png", &html),
            Part::file("files", "logo.svg", "image/svg+xml", &svg),
        ],
    );
    assert_eq!(r.status, 201, "{}", r.text);
    for a in r.body["data"]["attachments"].as_array().expect("attachments") {
        let (status, headers, body) = app.get(&path_of(&a["url"])).session(&caryn).send_bytes();
        assert_eq!(status, 200);
        let ct = headers.get("content-type").cloned().unwrap_or_default();
        assert!(!ct.contains("html") && !ct.contains("svg"), "served as {ct}");
        let cd = headers.get("content-disposition").cloned().unwrap_or_default();
        assert!(cd.starts_with("attachment"), "{cd}");
        assert_eq!(headers.get("x-content-type-options").map(String::as_str), Some("nosniff"));
        assert!(body == html || body == svg);
    }
}

#[test]
fn uploads_can_be_attached_later_once_and_only_by_their_uploader() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let up = app
        .post("/api/v1/files")
        .session(&caryn)
        .parts(&[
            Part::file("content", "raw.bin", "application/octet-stream", b"\x00\x01\x02"),
            Part::text("name", "invoice.pdf"),
        ])
        .send();
    assert_eq!(up.status, 201, "{}", up.text);
    assert_eq!(up.body["resource"], "file");
    let fid = up.body["data"]["id"].as_i64().expect("id");
    assert_eq!(up.body["data"]["name"], "invoice.pdf");
    assert_eq!(up.body["data"]["type"], "application/octet-stream", "sniffed, not taken from the name");
    assert_eq!(app.get(&format!("/api/v1/files/{fid}")).session(&caryn).send().status, 200);

    let dana = app.session(DANA);
    let dana_conv = app.get("/api/v1/conversations?limit=1").session(&dana).send().ids()[0];
    assert_eq!(app.get(&format!("/api/v1/files/{fid}")).session(&dana).send().status, 404);
    let stolen = app
        .post(&format!("/api/v1/conversations/{dana_conv}/messages"))
        .session(&dana)
        .json(&json!({"contents": "mine now", "file_ids": fid.to_string()}))
        .send();
    assert_eq!(stolen.errors(), [("FIELD_INVALID".to_owned(), "file_ids".to_owned())]);

    let attached = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .form(&[("contents", "see invoice"), ("file_ids", &fid.to_string())])
        .send();
    assert_eq!(attached.status, 201, "{}", attached.text);
    assert_eq!(attached.body["data"]["attachments"][0]["id"], fid);
    assert_eq!(attached.body["data"]["attachments"][0]["name"], "invoice.pdf");
    let twice = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "again", "file_ids": fid.to_string()}))
        .send();
    assert_eq!(twice.errors(), [("FIELD_INVALID".to_owned(), "file_ids".to_owned())]);
    let missing = app.post("/api/v1/files").session(&caryn).parts(&[Part::text("name", "x")]).send();
    assert_eq!(missing.errors(), [("FIELD_REQUIRED".to_owned(), "content".to_owned())]);
    assert_eq!(app.post("/api/v1/files").parts(&[Part::file("content", "a", "text/plain", b"a")]).send().status, 401);
}

#[test]
fn a_device_attaches_what_it_uploaded() {
    let app = spawn_demo();
    let phone = new_fingerprint();
    let up = app
        .post("/api/v1/files")
        .fingerprint(&phone)
        .parts(&[Part::file("content", "a.txt", "text/plain", b"hi")])
        .send();
    assert_eq!(up.status, 201, "{}", up.text);
    let fid = up.body["data"]["id"].as_i64().expect("id");
    let r = app
        .post("/api/v1/conversations")
        .fingerprint(&phone)
        .json(&json!({"name": "Pat", "email": "pat@example.org", "subject": "s", "contents": "c", "file_ids": fid.to_string()}))
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn another_customer_gets_404_on_every_attachment_url() {
    let app = spawn_demo();
    let mark = app.session(MARK);
    // Demo message 2 (Mark's conversation 2) carries a photo with a thumbnail.
    let m = app.get("/api/v1/conversations/2/messages/2").session(&mark).send();
    let a = m.body["data"]["attachments"][0].clone();
    assert_eq!(a["type"], "image/png");
    let urls = vec![
        path_of(&a["resource_url"]),
        path_of(&a["url"]),
        path_of(&a["url_download"]),
        path_of(&a["thumbnails"][0]["url"]),
        path_of(&m.body["data"]["download_all"]),
    ];
    for url in &urls {
        assert_eq!(app.get(url).session(&mark).send_bytes().0, 200, "{url}");
    }
    let dana = app.session(DANA);
    let caryn = app.session(CARYN);
    for url in &urls {
        for (who, s) in [("dana", &dana), ("caryn", &caryn)] {
            let r = app.get(url).session(s).send();
            assert_eq!(r.status, 404, "{who} {url}");
            assert_eq!(r.error_codes(), ["RESOURCE_NOT_FOUND"]);
        }
        assert_eq!(app.get(url).send().status, 401, "public {url}");
    }
    // An attachment id reached through another message is not found either.
    let wrong = app.get(&format!("/api/v1/conversations/1/messages/1/attachments/{}", a["id"])).session(&caryn).send();
    assert_eq!(wrong.status, 404);
}

#[test]
fn download_all_zips_exactly_the_uploaded_files() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", b"first".to_vec()),
        ("a.txt", b"second, same name".to_vec()),
        ("pic.png", png(32, 16)),
        ("blob.bin", (0..=255u8).cycle().take(70_000).collect()),
    ];
    let mut parts = vec![Part::text("contents", "zip me")];
    parts.extend(files.iter().map(|(n, b)| Part::file("files[]", n, "application/octet-stream", b)));
    let r = message_with(&app, &caryn, &parts);
    assert_eq!(r.status, 201, "{}", r.text);
    let (status, headers, zip_bytes) = app.get(&path_of(&r.body["data"]["download_all"])).session(&caryn).send_bytes();
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").map(String::as_str), Some("application/zip"));
    assert!(headers.get("content-disposition").is_some_and(|d| d.starts_with("attachment")));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a valid zip");
    assert_eq!(archive.len(), files.len());
    let mut got = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        got.push((entry.name().to_owned(), bytes));
    }
    let expected_names = ["a.txt", "a (2).txt", "pic.png", "blob.bin"];
    for (i, (name, bytes)) in got.iter().enumerate() {
        assert_eq!(name, expected_names[i]);
        assert_eq!(bytes, &files[i].1, "{name} byte for byte");
    }
    let no_files = app.get("/api/v1/conversations/1/messages/1/download_all").session(&caryn).send();
    assert_eq!(no_files.status, 404);
}

#[test]
fn file_bodies_support_ranges_and_etags() {
    let app = spawn_demo();
    let mark = app.session(MARK);
    let url = "/api/v1/conversations/8/messages/31/attachments/3/url";
    let (status, headers, full) = app.get(url).session(&mark).send_bytes();
    assert_eq!(status, 200, "demo checklist");
    let etag = headers.get("etag").expect("ETag").clone();
    let (status, headers, part) = app.get(url).session(&mark).header("Range", "bytes=0-9").send_bytes();
    assert_eq!(status, 206);
    assert_eq!(part, full[..10].to_vec());
    assert!(headers.get("content-range").is_some_and(|r| r.starts_with("bytes 0-9/")));
    let (status, _, body) = app.get(url).session(&mark).header("If-None-Match", &etag).send_bytes();
    assert_eq!(status, 304);
    assert!(body.is_empty());
}

#[test]
fn path_like_and_hostile_file_names_are_harmless() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let long = "n".repeat(10 * 1024) + ".txt";
    for (given, expected) in [
        ("../../etc/passwd", "passwd".to_owned()),
        ("..\\\\..\\\\boot.ini", "boot.ini".to_owned()),
        (long.as_str(), "n".repeat(255)),
    ] {
        let r =
            app.post("/api/v1/files").session(&caryn).parts(&[Part::file("content", given, "text/plain", b"x")]).send();
        assert_eq!(r.status, 201, "{given}: {}", r.text);
        assert_eq!(r.body["data"]["name"], expected.as_str());
    }
    // NUL is refused outright, and nothing is stored.
    let before = app.stored_files();
    let r = app
        .post("/api/v1/files")
        .session(&caryn)
        .parts(&[Part::file("content", "ok.txt", "text/plain", b"x"), Part::text("name", "nul\u{0}.txt")])
        .send();
    assert_eq!((r.status, r.errors()), (400, vec![("FIELD_INVALID".to_owned(), "name".to_owned())]), "{}", r.text);
    assert_eq!(app.stored_files(), before);
    // CR, LF and quotes through the `name` parameter.
    let evil = "evil\r\nSet-Cookie: owned=1\".txt";
    let r = app
        .post("/api/v1/files")
        .session(&caryn)
        .parts(&[Part::file("content", "ok.txt", "text/plain", b"x"), Part::text("name", evil)])
        .send();
    assert_eq!(r.status, 201, "{}", r.text);
    let fid = r.body["data"]["id"].as_i64().expect("id");
    assert_eq!(r.body["data"]["name"], "evilSet-Cookie: owned=1.txt");
    let m = app
        .post("/api/v1/conversations/1/messages")
        .session(&caryn)
        .json(&json!({"contents": "x", "file_ids": fid.to_string()}))
        .send();
    let (_, headers, _) =
        app.get(&path_of(&m.body["data"]["attachments"][0]["url_download"])).session(&caryn).send_bytes();
    assert!(!headers.contains_key("set-cookie"));
    let cd = headers.get("content-disposition").expect("disposition");
    assert!(!cd.contains(['\r', '\n']), "{cd}");
    let encoded = cd.split("filename*=UTF-8''").nth(1).expect("an RFC 6266 filename*");
    assert_eq!(percent_decode(encoded), "evilSet-Cookie: owned=1.txt");
    // A raw CR/LF inside the multipart header is a broken body, refused whole.
    let before = app.stored_files();
    let r = app
        .post("/api/v1/files")
        .session(&caryn)
        .parts(&[Part::file("content", "a\r\nb.txt", "text/plain", b"x")])
        .send();
    assert!(r.status == 400 || r.status == 201, "{}", r.text);
    if r.status == 201 {
        assert!(!r.body["data"]["name"].as_str().unwrap_or("").contains(['\r', '\n']));
    } else {
        assert_eq!(app.stored_files(), before);
    }
    for name in app.stored_files() {
        assert!(name.chars().all(|c| c.is_ascii_hexdigit() || c == '.' || c.is_ascii_lowercase()), "{name}");
    }
}

#[test]
fn ten_thousand_empty_parts_are_refused() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = (app.stored_files(), file_rows(&app));
    let parts: Vec<Part> = (0..10_000).map(|_| Part::file("files[]", "e.txt", "text/plain", b"")).collect();
    let r = message_with(&app, &caryn, &parts);
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.error_codes(), ["PAYLOAD_TOO_LARGE"]);
    eventually("no partial files", || app.stored_files() == before.0);
    assert_eq!(file_rows(&app), before.1);
}

#[test]
fn a_60_mib_upload_is_refused_and_leaves_nothing() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = (app.stored_files(), file_rows(&app));
    let big = vec![7u8; 60 * 1024 * 1024];
    let r = message_with(
        &app,
        &caryn,
        &[Part::text("contents", "big"), Part::file("files", "big.bin", "application/octet-stream", &big)],
    );
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.error_codes(), ["PAYLOAD_TOO_LARGE"]);
    assert_eq!(app.stored_files(), before.0);
    assert_eq!(file_rows(&app), before.1);
    let listed = app.get("/api/v1/conversations/1/messages").session(&caryn).send();
    assert_eq!(listed.body["total_count"], 1, "no message either");
}

#[test]
fn a_file_over_the_per_file_limit_is_refused_mid_stream() {
    let app = spawn_with(true, |c| c.max_file_bytes = 1024 * 1024);
    let caryn = app.session(CARYN);
    let before = (app.stored_files(), file_rows(&app));
    let r = message_with(
        &app,
        &caryn,
        &[
            Part::text("contents", "two files"),
            Part::file("files", "ok.bin", "application/octet-stream", &[1u8; 1000]),
            Part::file("files", "big.bin", "application/octet-stream", &vec![2u8; 2 * 1024 * 1024]),
        ],
    );
    assert_eq!(r.status, 413, "{}", r.text);
    eventually("the first, accepted part is deleted too", || app.stored_files() == before.0);
    assert_eq!(file_rows(&app), before.1);
}

#[test]
fn more_files_than_a_message_may_carry_are_refused() {
    let app = spawn_with(true, |c| c.max_files_per_message = 2);
    let caryn = app.session(CARYN);
    let before = app.stored_files();
    let parts: Vec<Part> = std::iter::once(Part::text("contents", "x"))
        .chain((0..3).map(|i| Part::file("files[]", &format!("{i}.txt"), "text/plain", b"x")))
        .collect();
    let r = message_with(&app, &caryn, &parts);
    assert_eq!(r.status, 413, "{}", r.text);
    eventually("nothing kept", || app.stored_files() == before);
}

#[test]
fn a_client_that_disconnects_mid_upload_leaves_nothing_behind() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let before = (app.stored_files(), file_rows(&app));
    let (content_type, body) = multipart_body(&[
        Part::text("contents", "cut off"),
        Part::file("files", "half.bin", "application/octet-stream", &vec![9u8; 4 * 1024 * 1024]),
    ]);
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&addr).expect("connect");
    let head = format!(
        "POST /api/v1/conversations/1/messages HTTP/1.1\r\nHost: {addr}\r\nX-Session-ID: {caryn}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream.write_all(&body[..body.len() / 2]).expect("half the body");
    stream.flush().expect("flush");
    // Wait until the server has started writing the part, then vanish.
    eventually("the upload to start", || app.stored_files().iter().any(|n| n.ends_with(".part")));
    drop(stream);
    eventually("the partial upload to be removed", || app.stored_files() == before.0);
    assert_eq!(file_rows(&app), before.1);
    let listed = app.get("/api/v1/conversations/1/messages").session(&caryn).send();
    assert_eq!(listed.body["total_count"], 1);
}

#[test]
fn stale_uploads_and_orphaned_files_are_swept_at_start_up() {
    let app = spawn_demo();
    let caryn = app.session(CARYN);
    let up = app
        .post("/api/v1/files")
        .session(&caryn)
        .parts(&[Part::file("content", "old.txt", "text/plain", b"old")])
        .send();
    let fid = up.body["data"]["id"].as_i64().expect("id");
    let db = app.db();
    db.execute("UPDATE files SET created_at = created_at - 2 * 86400 WHERE id = ?1", [fid]).expect("age upload");
    let stale_name: String =
        db.query_row("SELECT storage_name FROM files WHERE id = ?1", [fid], |r| r.get(0)).expect("name");
    let dir = app.dir.path().join("attachments");
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for orphan in ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210.part"] {
        let f = std::fs::File::create(dir.join(orphan)).expect("orphan");
        f.set_modified(two_hours_ago).expect("age orphan");
    }
    let fresh = "00000000000000000000000000000000.part";
    std::fs::write(dir.join(fresh), b"in flight").expect("fresh part");
    let demo_files = file_rows(&app) - 1;

    let _restarted = app.restart();
    eventually("the sweep to run", || !app.stored_files().iter().any(|n| n.starts_with("0123456789abcdef")));
    eventually("the stale upload to go", || !app.stored_files().contains(&stale_name));
    let names = app.stored_files();
    assert!(!names.iter().any(|n| n.starts_with("fedcba")), "old .part removed");
    assert!(names.contains(&fresh.to_owned()), "a young .part may still be in flight");
    assert_eq!(file_rows(&app), demo_files, "the stale row is gone, attached files stay");
    let mark = app.session(MARK);
    assert_eq!(app.get("/api/v1/conversations/2/messages/2/attachments/1/url").session(&mark).send_bytes().0, 200);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}
