//! `parley mail ingest`: one mail from a file or standard input, checked and
//! left in the spool for the server.

use std::io::Read;
use std::path::Path;

use crate::mail::{parse, spool};

/// Why a mail was not taken, with the exit code an MTA understands.
#[derive(Debug)]
pub struct NotTaken {
    /// 65 (`EX_DATAERR`): the mail is refused; 75 (`EX_TEMPFAIL`): try again.
    pub code: u8,
    /// In words.
    pub message: String,
}

/// Reads a mail (`-` for standard input), checks it, and spools it.
pub fn ingest(file: &Path, data_dir: &Path, max_bytes: usize) -> Result<std::path::PathBuf, NotTaken> {
    let temp = |message: String| NotTaken { code: 75, message };
    let refuse = |message: String| NotTaken { code: 65, message };
    let mut raw = Vec::new();
    let limit = max_bytes as u64 + 1;
    let read = if file == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut raw)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut raw))
    };
    read.map_err(|e| temp(format!("reading {}: {e}", file.display())))?;
    if raw.len() > max_bytes {
        return Err(refuse(format!("the mail is larger than {max_bytes} bytes (--max-mail-bytes)")));
    }
    if parse::header_bomb(&raw) {
        return Err(refuse(format!("the mail has more than {} header lines", parse::MAX_HEADERS)));
    }
    if parse::parse(&raw).is_none() {
        return Err(refuse("this is not a mail (no header could be read)".into()));
    }
    if !data_dir.is_dir() {
        return Err(temp(format!("{} is not a data directory", data_dir.display())));
    }
    spool::put(data_dir, &raw).map_err(|e| temp(format!("spooling the mail: {e}")))
}
