//! The real `parley` binary as a child process, for what only a process can
//! show: signals, crashes, exit codes, the files left behind.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// A process's resident memory in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("/proc status")
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS")
}

/// A running `parley serve`.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    pub log: Arc<Mutex<Vec<String>>>,
}

/// The `parley` binary under test.
pub const PARLEY: &str = env!("CARGO_BIN_EXE_parley");

/// The arguments of `parley serve` on a free loopback port, plus `extra`.
pub fn serve_args(data_dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["serve".into(), "--data-dir".into(), data_dir.display().to_string()];
    args.extend(["--bind", "127.0.0.1:0", "--workers", "2"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Starts `parley serve` on a free loopback port with `extra` arguments, and
/// waits for its "listening" line.
pub fn serve(data_dir: &Path, extra: &[&str]) -> Server {
    let mut command = Command::new(PARLEY);
    command.args(serve_args(data_dir, extra));
    start(command, data_dir)
}

/// Starts a command that ends up running `parley serve` (perhaps through a
/// wrapper), and waits for its "listening" line.
pub fn start(mut command: Command, data_dir: &Path) -> Server {
    let mut child =
        command.env("RUST_LOG", "info").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start parley");
    let stderr = child.stderr.take().expect("stderr");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let lines = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.split("public_url=").nth(1) {
                let _ = tx.send(url.split_whitespace().next().unwrap_or("").to_owned());
            }
            lines.lock().expect("log").push(line);
        }
    });
    let base = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(base) => base,
        Err(_) => {
            let _ = child.kill();
            panic!("parley did not start: {:?}", log.lock().expect("log"));
        }
    };
    Server { child, base, data_dir: data_dir.to_path_buf(), log }
}

impl Server {
    /// Signs in with Basic (CSRF off) and returns the session id.
    pub fn session(&self, email: &str) -> String {
        let token = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{email}:{}", crate::helpers::PASSWORD),
        );
        let r: serde_json::Value = ureq::get(&format!("{}/api/v1/conversations", self.base))
            .set("Authorization", &format!("Basic {token}"))
            .set("X-CSRF", "false")
            .call()
            .expect("sign in")
            .into_json()
            .expect("json");
        r["session_id"].as_str().expect("session").to_owned()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id();
        let status = Command::new("sh").arg("-c").arg(format!("kill -TERM {pid}")).status().expect("kill");
        assert!(status.success());
    }

    /// SIGKILL, and reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The exit status, if the process ends within `limit`.
    pub fn exits_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// What the server logged so far.
    pub fn logged(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
