//! Demo attachments: files shipped in `seed/files/`, embedded in the binary and
//! stored through the same path as uploads (sniffing, thumbnails, durable
//! write order) when the demo data is first loaded.

use crate::db::files::{self, Uploader};
use crate::db::{self, settings, Db, DbOpenError};
use crate::storage::{Storage, Upload};

/// `(message id, uploader id, file name, bytes)` of each demo attachment.
const FILES: &[(i64, i64, &str, &[u8])] = &[
    (2, 3, "group-head-leak.png", include_bytes!("../seed/files/group-head-leak.png")),
    (5, 1, "service-report-AC-2041.pdf", include_bytes!("../seed/files/service-report-AC-2041.pdf")),
    (31, 1, "descaling-checklist.txt", include_bytes!("../seed/files/descaling-checklist.txt")),
];

/// Stores the demo files and attaches them to their demo messages, in one
/// transaction; a no-op once done (marked by the `demo_files_loaded` setting).
pub fn attach_files(db: &Db, storage: &Storage) -> Result<(), DbOpenError> {
    let done = db
        .read_blocking(|c| settings::is_marked(c, "demo_files_loaded"))
        .map_err(|e| DbOpenError::Demo(e.to_string()))?;
    if done {
        return Ok(());
    }
    let mut uploads: Vec<Upload> = Vec::new();
    let mut rows = Vec::new();
    for (message_id, uploader_id, name, bytes) in FILES {
        let (upload, stored) = storage.store_bytes(name, bytes).map_err(|e| DbOpenError::Demo(e.to_string()))?;
        uploads.push(upload);
        rows.push((*message_id, *uploader_id, stored));
    }
    db.write_blocking(move |tx| {
        let now = db::now();
        for (message_id, uploader_id, stored) in &rows {
            let uploader = Uploader { user_id: Some(*uploader_id), fingerprint: None, address: None };
            files::insert(tx, stored, &uploader, Some(*message_id), now)?;
        }
        settings::mark(tx, "demo_files_loaded")
    })
    .map_err(|e| DbOpenError::Demo(e.to_string()))?;
    uploads.iter_mut().for_each(Upload::keep);
    Ok(())
}
