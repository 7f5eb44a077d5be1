//! The database file as the command-line tools open it, without the server's
//! writer: `parley backup`, `restore`, `export`, `import` and `gen` (and the
//! benchmark's storage ceiling). Each holds one connection of its own and
//! reaches SQLite through [`Offline::transaction`] or
//! [`Offline::snapshot`], with this module's functions.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{Conn, Error, Result};
use crate::config::Durability;

/// One connection to a database file, outside any server.
pub struct Offline {
    conn: Connection,
}

impl Offline {
    /// Opens `path` (creating it if needed) to read and write, with foreign
    /// keys on and commits synced as `durability` says.
    pub fn open(path: &Path, durability: Durability) -> Result<Offline> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let synchronous = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous}; PRAGMA temp_store = MEMORY;"
        ))?;
        Ok(Offline { conn })
    }

    /// Opens `path` to read only; waits up to `busy` for a writer that holds it.
    pub fn open_read_only(path: &Path, busy: Duration) -> Result<Offline> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(busy)?;
        Ok(Offline { conn })
    }

    /// Lets the page cache grow to `kib` KiB, for one large transaction.
    pub fn cache_kib(&self, kib: u32) -> Result<()> {
        Ok(self.conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE … COMMIT`; a failure rolls it all back.
    pub fn transaction<T, E: From<Error>>(&self, f: impl FnOnce(&Conn) -> Result<T, E>) -> Result<T, E> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(Error::from)?;
        match f(&Conn::new(&self.conn)) {
            Ok(value) => {
                if let Err(e) = self.conn.execute_batch("COMMIT") {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(Error::from(e).into());
                }
                Ok(value)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Runs `f` in one read transaction: everything it reads is of one moment.
    pub fn snapshot<T, E: From<Error>>(&self, f: impl FnOnce(&Conn) -> Result<T, E>) -> Result<T, E> {
        super::reader::in_snapshot(&self.conn, false, f)
    }

    /// `PRAGMA integrity_check`: `ok`, or what is damaged.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The file's schema version (`user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Copies the WAL into the file and empties it, so the file alone holds everything.
    pub fn checkpoint(&self) -> Result<()> {
        Ok(self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?)
    }

    /// Leaves WAL mode: a copy that travels is one file.
    pub fn rollback_journal(&self) -> Result<()> {
        Ok(self.conn.execute_batch("PRAGMA journal_mode = DELETE;")?)
    }
}

/// Copies the database at `source` to a new file `dest` with SQLite's backup
/// API in one step, that is inside one read transaction: the copy is one
/// consistent moment, even while a server writes.
pub fn copy_online(source: &Path, dest: &Path) -> Result<()> {
    let from = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    from.busy_timeout(Duration::from_secs(30))?;
    let mut to = Connection::open(dest)?;
    let backup = rusqlite::backup::Backup::new(&from, &mut to)?;
    loop {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::More => continue,
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Every storage name the rows name (files and thumbnails), with whether its
/// file is attached to a message.
pub fn stored_names(conn: &Conn) -> Result<Vec<(String, bool)>> {
    let mut stmt = conn.prepare(
        "SELECT storage_name, message_id IS NOT NULL FROM files
         UNION ALL SELECT t.storage_name, f.message_id IS NOT NULL FROM thumbnails t JOIN files f ON f.id = t.file_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Forgets the file stored as `name`: its row, or its thumbnail's.
pub fn forget_file(conn: &Conn, name: &str) -> Result<()> {
    conn.execute("DELETE FROM files WHERE storage_name = ?1", [name])?;
    conn.execute("DELETE FROM thumbnails WHERE storage_name = ?1", [name])?;
    Ok(())
}

/// How many conversations and messages the database holds.
pub fn totals(conn: &Conn) -> Result<(i64, i64)> {
    Ok(conn.query_row("SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM messages)", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?)
}
