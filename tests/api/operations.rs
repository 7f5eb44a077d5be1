//! The operator's side of the binary: start-up failures say what failed, and
//! the command-line tools do not make a new instance where none was meant.

use std::process::Command;

use crate::process::PARLEY;

/// Runs `parley` with `args`; returns (success, stdout, stderr).
fn run(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(PARLEY)
        .args(args)
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run parley");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("parley output");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn start_up_failures_name_the_address_or_path() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let (ok, _, err) = run(&["serve", "--data-dir", data.to_str().expect("utf-8"), "--bind", &addr], None);
    assert!(!ok);
    assert!(err.contains(&format!("cannot listen on {addr}")), "{err}");
    assert!(err.contains("another server listens there: stop it"), "the cause's own hint: {err}");
    let (ok, _, err) = run(&["serve", "--data-dir", data.to_str().expect("utf-8"), "--bind", "192.0.2.1:8080"], None);
    assert!(!ok && err.contains("this machine has no such address"), "{err}");

    // A data directory that is a file.
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a directory").expect("file");
    let (ok, _, err) = run(&["serve", "--data-dir", file.to_str().expect("utf-8"), "--bind", "127.0.0.1:0"], None);
    assert!(!ok);
    assert!(err.contains(&format!("{}/attachments", file.display())) && err.contains("Not a directory"), "{err}");
    assert!(err.contains("a file stands where a directory should be"), "{err}");

    // As a user without privileges (root drops them for this): a privileged
    // port, and a data directory that user may not write.
    use std::os::unix::fs::PermissionsExt;
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    // A copy of the binary where that user may run it, whoever owns the checkout.
    let shared = tempfile::tempdir().expect("dir");
    std::fs::set_permissions(shared.path(), std::fs::Permissions::from_mode(0o755)).expect("mode");
    let binary = shared.path().join("parley");
    std::fs::copy(PARLEY, &binary).expect("copy");
    let binary = binary.to_str().expect("utf-8").to_owned();
    let unprivileged = |args: &[&str]| {
        let mut command = if root { Command::new("setpriv") } else { Command::new(&binary) };
        if root {
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups", &binary]);
        }
        let out = command.args(args).output().expect("run parley unprivileged");
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = unprivileged(&["serve", "--data-dir", data.to_str().expect("utf-8"), "--bind", "127.0.0.1:80"]);
    assert!(err.contains("ports below 1024 need root or CAP_NET_BIND_SERVICE"), "{err}");
    // A directory it may enter but not write.
    let closed = shared.path().join("closed");
    std::fs::create_dir(&closed).expect("dir");
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(if root { 0o755 } else { 0o555 })).expect("mode");
    let inside = closed.join("data");
    let err = unprivileged(&["serve", "--data-dir", inside.to_str().expect("utf-8"), "--bind", "127.0.0.1:0"]);
    assert!(err.contains("Permission denied") && err.contains("choose a --data-dir it can write to"), "{err}");
}

#[test]
fn command_line_tools_refuse_a_directory_without_an_instance_unless_told_to_init() {
    let dir = tempfile::tempdir().expect("dir");
    let wrong = dir.path().join("typo");
    let wrong_str = wrong.to_str().expect("utf-8");
    let (ok, out, err) = run(&["messenger-token", "--data-dir", wrong_str], None);
    assert!(!ok, "{out}");
    assert!(err.contains("holds no Parley database") && err.contains("--init"), "{err}");
    let add = [
        "user",
        "add",
        "--data-dir",
        wrong_str,
        "--name",
        "Olive Owner",
        "--email",
        "olive@example.org",
        "--role",
        "OWNER",
    ];
    let (ok, _, err) = run(&add, Some("a long passphrase\n"));
    assert!(!ok);
    assert!(err.contains("holds no Parley database"), "{err}");
    assert!(!wrong.exists(), "nothing was created");

    // Told to, they make the instance, and it is the one a server then opens.
    let mut init = add.to_vec();
    init.push("--init");
    let (ok, out, err) = run(&init, Some("a long passphrase\n"));
    assert!(ok, "{err}");
    assert!(out.contains("created user"), "{out}");
    let (ok, token, err) = run(&["messenger-token", "--data-dir", wrong_str], None);
    assert!(ok, "{err}");
    assert_eq!(token.trim().len(), 64, "{token}");
}

/// A CORS preflight from `origin` asking for `headers`: (status, allowed origin, allowed headers).
fn preflight(app: &crate::helpers::TestApp, origin: &str, headers: &str) -> (u16, Option<String>, String) {
    let (status, h, _) = app
        .req("OPTIONS", "/api/v1/conversations")
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", headers)
        .send_bytes();
    (
        status,
        h.get("access-control-allow-origin").cloned(),
        h.get("access-control-allow-headers").cloned().unwrap_or_default(),
    )
}

#[test]
fn cors_allows_common_headers_and_can_be_narrowed_and_widened() {
    // By default: any origin, and the headers browser libraries add.
    let open = crate::helpers::spawn_demo();
    let (status, origin, headers) = preflight(&open, "https://shop.example", "x-requested-with,x-session-id");
    assert_eq!(status, 200);
    assert_eq!(origin.as_deref(), Some("https://shop.example"));
    assert!(headers.contains("x-requested-with"), "{headers}");
    let (status, ..) = preflight(&open, "https://shop.example", "x-client-version");
    assert_ne!(status, 200, "a header nobody allowed");

    // Narrowed to one origin, widened by one header.
    let narrow = crate::helpers::spawn_with(true, |c| {
        c.cors_origins = vec!["https://shop.example".into()];
        c.cors_headers = vec!["x-client-version".into()];
    });
    let (status, origin, headers) = preflight(&narrow, "https://shop.example", "x-client-version");
    assert_eq!((status, origin.as_deref()), (200, Some("https://shop.example")));
    assert!(headers.contains("x-client-version"), "{headers}");
    let (status, origin, _) = preflight(&narrow, "https://evil.example", "x-session-id");
    assert_ne!(status, 200);
    assert_eq!(origin, None);
    // Parley's own pages still call their API.
    let (status, origin, _) = preflight(&narrow, &narrow.base, "x-session-id");
    assert_eq!((status, origin), (200, Some(narrow.base.clone())));

    // A bad origin is refused at start-up, naming it.
    let (ok, _, err) = run(&["serve", "--data-dir", "/nonexistent-parley", "--cors-origins", "shop.example"], None);
    assert!(!ok);
    assert!(err.contains("\"shop.example\" is not an origin"), "{err}");
}

#[test]
fn every_request_has_an_id_and_one_json_log_line_without_secrets_or_contents() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let mut child = Command::new(PARLEY)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--log-format", "json", "--data-dir"])
        .arg(dir.path())
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start parley");
    let (tx, rx) = std::sync::mpsc::channel::<serde_json::Value>();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    let next = |what: &str, pred: &dyn Fn(&serde_json::Value) -> bool| -> serde_json::Value {
        loop {
            let v = rx.recv_timeout(std::time::Duration::from_secs(15)).unwrap_or_else(|_| panic!("no {what}"));
            if pred(&v) {
                return v;
            }
        }
    };
    let started = next("listening", &|v| v["fields"]["message"] == "listening");
    let base = started["fields"]["public_url"].as_str().expect("public_url").to_owned();
    let agent = ureq::AgentBuilder::new().build();

    // A client's own id is kept; the query's secrets and the body stay out of the log.
    let r = agent
        .post(&format!("{base}/api/v1/conversations?token=secret-token-in-url"))
        .set("X-Request-ID", "client-chosen.42")
        .set("X-Fingerprint-ID", "0d1e5b5c-9a4f-4f6e-8a55-3c1f2b7d9e10")
        .send_json(serde_json::json!({"name": "Pat", "email": "pat@example.org", "subject": "s", "contents": "my card is 4111"}))
        .expect("created");
    assert_eq!(r.header("x-request-id"), Some("client-chosen.42"));
    let line = next("the request line", &|v| v["target"] == "parley::request");
    let f = &line["fields"];
    assert_eq!(f["request_id"], "client-chosen.42");
    assert_eq!(
        (f["method"].as_str(), f["route"].as_str(), f["status"].as_u64()),
        (Some("POST"), Some("/api/v1/conversations"), Some(201))
    );
    assert_eq!(f["identity"], "device");
    assert!(f["ms"].as_f64().is_some_and(|ms| ms > 0.0));
    let text = line.to_string();
    assert!(!text.contains("secret-token-in-url") && !text.contains("4111"), "{text}");

    // Otherwise the server makes one up, and unmatched paths are not echoed.
    let r = agent.get(&format!("{base}/no/such/path-with-secret")).call();
    let r = match r {
        Err(ureq::Error::Status(_, r)) => r,
        other => panic!("expected 404, got {other:?}"),
    };
    let id = r.header("x-request-id").expect("an id").to_owned();
    assert_eq!(id.len(), 16);
    let line = next("the 404 line", &|v| v["target"] == "parley::request" && v["fields"]["status"] == 404);
    assert_eq!(line["fields"]["request_id"], id.as_str());
    assert_eq!(line["fields"]["route"], "unmatched");
    assert!(!line.to_string().contains("path-with-secret"));
    let _ = child.kill();
    let _ = child.wait();
}

/// Starts `parley serve` with `args` and `env`, JSON logs on a pipe; returns
/// the child, the "listening" line's fields, and the rest of its log lines.
fn serve_json(
    args: &[&str],
    env: &[(&str, &str)],
) -> (std::process::Child, serde_json::Value, std::sync::mpsc::Receiver<serde_json::Value>) {
    use std::io::{BufRead, BufReader};
    let mut command = Command::new(PARLEY);
    command.arg("serve").args(args).env("RUST_LOG", "info").env_remove("PARLEY_PUBLIC_URL");
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child =
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped()).spawn().expect("start parley");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<serde_json::Value>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str(&line) else { continue };
            if tx.send(v).is_err() {
                return; // the test is done with the log: the pipe closes
            }
        }
    });
    loop {
        match rx.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(v) if v["fields"]["message"] == "listening" => return (child, v["fields"].clone(), rx),
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("parley never said it was listening");
            }
        }
    }
}

#[test]
fn a_configuration_file_gives_defaults_that_the_environment_and_flags_override() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("from-file");
    let file = dir.path().join("parley.toml");
    std::fs::write(
        &file,
        format!(
            "data_dir = {:?}\nbind = \"127.0.0.1:0\"\npublic_url = \"http://file.example\"\nlog_format = \"json\"\n\
             session_ttl = 3600\ntrusted_proxies = [\"127.0.0.1\", \"::1\"]\n",
            data.display().to_string()
        ),
    )
    .expect("config");
    let config = file.to_str().expect("utf-8");
    let mut seen = Vec::new();
    for (env, flags) in [
        (vec![], vec![]),
        (vec![("PARLEY_PUBLIC_URL", "http://env.example")], vec![]),
        (vec![("PARLEY_PUBLIC_URL", "http://env.example")], vec!["--public-url", "http://flag.example"]),
    ] {
        let mut args = vec!["--config", config];
        args.extend(flags);
        let (mut child, listening, _) = serve_json(&args, &env);
        seen.push((listening["public_url"].as_str().unwrap_or("").to_owned(), listening["data_dir"].clone()));
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(
        seen.iter().map(|(url, _)| url.as_str()).collect::<Vec<_>>(),
        ["http://file.example", "http://env.example", "http://flag.example"]
    );
    assert!(seen.iter().all(|(_, d)| d == &serde_json::json!(data.display().to_string())));
    assert!(data.join("parley.db").exists(), "the file's data directory was used");

    let (ok, out, err) = run(&["config", "check", "--config", config], None);
    assert!(ok, "{err}");
    assert!(out.starts_with("ok:") && out.contains("6 settings"), "{out}");
}

#[test]
fn config_check_names_unknown_keys_and_bad_values() {
    let dir = tempfile::tempdir().expect("dir");
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "bnd = \"0.0.0.0:80\"\n").expect("write");
    let (ok, _, err) = run(&["config", "check", "--config", unknown.to_str().expect("utf-8")], None);
    assert!(!ok);
    assert!(err.contains("unknown key `bnd`") && err.contains("bind"), "{err}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "session_ttl = \"soon\"\n").expect("write");
    let (ok, _, err) = run(&["config", "check", "--config", bad.to_str().expect("utf-8")], None);
    assert!(!ok);
    assert!(err.contains("'soon'") && err.contains("--session-ttl"), "{err}");
    // Every problem, each with the file and the key that holds it; exit 1, as the help says.
    let many = dir.path().join("many.toml");
    std::fs::write(&many, "log_format = \"loud\"\nsession_ttl = \"soon\"\ncors_origins = [\"ftp://x\"]\nbnd = 1\n")
        .expect("write");
    let out = Command::new(PARLEY)
        .args(["config", "check", "--config", many.to_str().expect("utf-8")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for key in
        ["`log_format` = \"loud\"", "`session_ttl` = \"soon\"", "`cors_origins` = [\"ftp://x\"]", "unknown key `bnd`"]
    {
        let line = err.lines().find(|l| l.contains(key)).unwrap_or_else(|| panic!("{key} in {err}"));
        assert!(line.contains(many.to_str().expect("utf-8")), "the file is named: {line}");
    }
    // The server refuses to start on the same file rather than guess.
    let (ok, _, err) = run(&["serve", "--config", unknown.to_str().expect("utf-8")], None);
    assert!(!ok);
    assert!(err.contains("unknown key `bnd`"), "{err}");
}

#[test]
fn the_documented_config_file_names_every_key_and_checks_clean() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/parley.toml");
    let (ok, out, err) = run(&["config", "check", "--config", sample], None);
    assert!(ok && out.starts_with("ok:"), "{out}{err}");
    // The server's own list of keys, from its refusal of one it does not know.
    let dir = tempfile::tempdir().expect("dir");
    let probe = dir.path().join("probe.toml");
    std::fs::write(&probe, "no_such_key = 1\n").expect("write");
    let (_, _, err) = run(&["config", "check", "--config", probe.to_str().expect("utf-8")], None);
    let known = err.split("known keys: ").nth(1).map(str::trim).expect("the known keys");
    let text = std::fs::read_to_string(sample).expect("sample");
    let documented: Vec<&str> =
        text.lines().map(|l| l.trim_start_matches("# ")).filter_map(|l| l.split(" = ").next()).collect();
    for key in known.split(", ") {
        assert!(documented.contains(&key), "docs/parley.toml does not document `{key}`");
    }
}

#[test]
fn the_documented_rust_log_gives_the_documented_lines_and_help_reads_clean() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().to_str().expect("utf-8").to_owned();
    let mut child = Command::new(PARLEY)
        .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json", "--data-dir", &data])
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start parley");
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(child.stderr.take().expect("stderr")));
    let mut targets = Vec::new();
    for line in lines.by_ref().map_while(Result::ok) {
        let v: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        targets.push(v["target"].as_str().unwrap_or_default().to_owned());
        if v["fields"]["message"] == "listening" {
            break;
        }
    }
    // A clean stop: actix-server would log its accept thread and workers stopping.
    let stopped = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(stopped.success());
    targets.extend(
        lines
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok()?["target"].as_str().map(str::to_owned)),
    );
    assert!(child.wait().expect("exit").success());
    assert!(targets.iter().any(|t| t == "parley::server"), "{targets:?}");
    assert!(!targets.iter().any(|t| t.starts_with("actix_server")), "RUST_LOG=info shows Parley's lines: {targets:?}");
    for args in [&["--help"][..], &["serve", "--help"], &["import", "--help"]] {
        let (ok, out, _) = run(args, None);
        assert!(ok && !out.contains("[`"), "no rustdoc links in {args:?}: {out}");
    }
}

#[test]
fn a_closed_log_pipe_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().to_str().expect("utf-8").to_owned();
    let (mut child, listening, log) =
        serve_json(&["--demo", "--bind", "127.0.0.1:0", "--log-format", "json", "--data-dir", &data], &[]);
    drop(log); // whoever read the log has gone: the next line hits a closed pipe
    let base = listening["public_url"].as_str().expect("public_url").to_owned();
    let agent = ureq::AgentBuilder::new().build();
    for _ in 0..20 {
        let status = match agent.get(&format!("{base}/api/v1/conversations/1")).call() {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(e) => panic!("the server is gone: {e}"),
        };
        assert_eq!(status, 401);
    }
    assert_eq!(agent.get(&format!("{base}/healthz")).call().expect("healthz").status(), 200);
    assert!(child.try_wait().expect("status").is_none(), "still running");
    let _ = child.kill();
    let _ = child.wait();
}
