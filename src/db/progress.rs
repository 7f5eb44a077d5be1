//! The progress of a long migration step: a bar redrawn in place when
//! stderr is a terminal, otherwise a log line at every tenth, so that an
//! operator upgrading a large database sees it move either way.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// One step's progress over `total` rows.
pub struct Progress {
    what: &'static str,
    total: u64,
    done: u64,
    tenths: u64,
    terminal: bool,
    started: Instant,
}

impl Progress {
    /// Starts reporting; nothing is shown for steps too small to notice.
    pub fn new(what: &'static str, total: u64) -> Progress {
        let terminal = total >= 50_000 && std::io::stderr().is_terminal();
        Progress { what, total, done: 0, tenths: 0, terminal, started: Instant::now() }
    }

    /// `rows` more are done.
    pub fn advance(&mut self, rows: u64) {
        self.done = (self.done + rows).min(self.total);
        let share = self.done * 100 / self.total.max(1);
        if self.terminal {
            let filled = (share / 4) as usize;
            eprint!(
                "\r{} [{}{}] {share:>3}% {}/{}",
                self.what,
                "#".repeat(filled),
                " ".repeat(25 - filled),
                self.done,
                self.total
            );
            let _ = std::io::stderr().flush();
        } else if self.total >= 50_000 && share / 10 > self.tenths {
            self.tenths = share / 10;
            tracing::info!(step = self.what, done = self.done, total = self.total, "migrating: {share}%");
        }
    }

    /// The step is over.
    pub fn finish(self) {
        if self.terminal {
            eprintln!();
        }
        if self.total >= 50_000 {
            tracing::info!(
                step = self.what,
                rows = self.total,
                seconds = self.started.elapsed().as_secs_f64(),
                "migrated"
            );
        }
    }
}
