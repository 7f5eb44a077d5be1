//! The `download_all` zip, streamed: every entry Stored (attachments are
//! already compressed, or small), its CRC-32 computed before the first byte
//! goes out, so each local header is complete and no byte needs seeking
//! back to. Nothing is written to disk and nothing is held but the chunk in
//! flight, however slowly the client reads. Archives that would need Zip64
//! (4 GiB or more) are refused; Parley's limits keep a message far below.

use std::io::{self, Read};
use std::path::PathBuf;

use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::io::AsyncReadExt;

/// Bytes read from a file per chunk sent.
const CHUNK: usize = 64 * 1024;
/// The largest archive without Zip64.
pub const MAX_BYTES: u64 = u32::MAX as u64 - 1;

/// One file going into the archive.
pub struct Entry {
    /// The name in the archive (unique within it).
    pub name: String,
    /// Where its bytes are.
    pub path: PathBuf,
    /// Unix seconds, for its timestamp.
    pub at: i64,
}

/// An entry ready to go: its size and checksum known.
struct Ready {
    entry: Entry,
    size: u64,
    crc: u32,
    offset: u64,
}

/// An archive whose every byte is decided; [`Plan::stream`] sends it.
pub struct Plan {
    entries: Vec<Ready>,
    /// Bytes of the whole archive.
    pub length: u64,
}

/// Sizes and checksums every entry, reading each file once (blocking);
/// `None` when the archive would need Zip64.
pub fn plan(entries: Vec<Entry>) -> io::Result<Option<Plan>> {
    let mut ready = Vec::with_capacity(entries.len());
    let mut offset = 0u64;
    for entry in entries {
        let mut file = std::fs::File::open(&entry.path)?;
        let mut hasher = crc32fast::Hasher::new();
        let mut buf = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
        }
        let header = 30 + entry.name.len() as u64;
        ready.push(Ready { entry, size, crc: hasher.finalize(), offset });
        offset += header + size;
    }
    let central: u64 = ready.iter().map(|r| 46 + r.entry.name.len() as u64).sum();
    let length = offset + central + 22;
    if length > MAX_BYTES || ready.len() >= usize::from(u16::MAX) {
        return Ok(None);
    }
    Ok(Some(Plan { entries: ready, length }))
}

/// An MS-DOS time and date (UTC) for Unix seconds; 1980-01-01 for anything before.
fn dos_time(unix: i64) -> (u16, u16) {
    use chrono::{Datelike, Timelike};
    match chrono::DateTime::from_timestamp(unix, 0).filter(|t| t.year() >= 1980 && t.year() <= 2107) {
        Some(t) => (
            ((t.hour() << 11) | (t.minute() << 5) | (t.second() / 2)) as u16,
            ((((t.year() - 1980) as u32) << 9) | (t.month() << 5) | t.day()) as u16,
        ),
        None => (0, (1 << 5) | 1),
    }
}

/// The fields local and central headers share, from "version needed" to the name's length.
fn common(r: &Ready, out: &mut Vec<u8>) {
    let (time, date) = dos_time(r.entry.at);
    out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
    out.extend_from_slice(&0x0800u16.to_le_bytes()); // the name is UTF-8
    out.extend_from_slice(&0u16.to_le_bytes()); // Stored
    out.extend_from_slice(&time.to_le_bytes());
    out.extend_from_slice(&date.to_le_bytes());
    out.extend_from_slice(&r.crc.to_le_bytes());
    out.extend_from_slice(&(r.size as u32).to_le_bytes()); // compressed
    out.extend_from_slice(&(r.size as u32).to_le_bytes()); // uncompressed
    out.extend_from_slice(&(r.entry.name.len() as u16).to_le_bytes());
}

fn local_header(r: &Ready) -> Vec<u8> {
    let mut out = Vec::with_capacity(30 + r.entry.name.len());
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(r, &mut out);
    out.extend_from_slice(&0u16.to_le_bytes()); // no extra field
    out.extend_from_slice(r.entry.name.as_bytes());
    out
}

fn central_directory(entries: &[Ready]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in entries {
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&0x0314u16.to_le_bytes()); // made by: Unix, 2.0
        common(r, &mut out);
        out.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        out.extend_from_slice(&(0o100644u32 << 16).to_le_bytes()); // a regular file, rw-r--r--
        out.extend_from_slice(&(r.offset as u32).to_le_bytes());
        out.extend_from_slice(r.entry.name.as_bytes());
    }
    let start = entries.last().map_or(0, |r| r.offset + 30 + r.entry.name.len() as u64 + r.size);
    let count = (entries.len() as u16).to_le_bytes();
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    let size = out.len() as u32 - 12;
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no comment
    out
}

enum Step {
    Header(usize),
    Data(usize, tokio::fs::File, u64),
    Done,
}

impl Plan {
    /// The archive's bytes, a header or one chunk of a file at a time.
    pub fn stream(self) -> impl Stream<Item = io::Result<Bytes>> {
        futures_util::stream::unfold((self, Step::Header(0)), |(plan, step)| async move {
            match step {
                Step::Done => None,
                Step::Header(i) if i == plan.entries.len() => {
                    let bytes = Bytes::from(central_directory(&plan.entries));
                    Some((Ok(bytes), (plan, Step::Done)))
                }
                Step::Header(i) => {
                    let header = Bytes::from(local_header(&plan.entries[i]));
                    match tokio::fs::File::open(&plan.entries[i].entry.path).await {
                        Ok(file) => {
                            let size = plan.entries[i].size;
                            Some((Ok(header), (plan, Step::Data(i, file, size))))
                        }
                        Err(e) => Some((Err(e), (plan, Step::Done))),
                    }
                }
                Step::Data(i, file, 0) => {
                    drop(file);
                    Some((Ok(Bytes::new()), (plan, Step::Header(i + 1))))
                }
                Step::Data(i, mut file, left) => {
                    let mut buf = vec![0u8; CHUNK.min(left as usize)];
                    match file.read_exact(&mut buf).await {
                        Ok(_) => {
                            let n = buf.len() as u64;
                            Some((Ok(Bytes::from(buf)), (plan, Step::Data(i, file, left - n))))
                        }
                        Err(e) => Some((Err(e), (plan, Step::Done))),
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use futures_util::StreamExt;

    use super::*;

    #[test]
    fn the_streamed_archive_is_a_zip_any_reader_opens() {
        let dir = tempfile::tempdir().expect("dir");
        let mut entries = Vec::new();
        let contents: [&[u8]; 3] = [b"hello", b"", &[7u8; 200_000]];
        for (i, bytes) in contents.iter().enumerate() {
            let path = dir.path().join(format!("f{i}"));
            std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes)).expect("write");
            entries.push(Entry { name: format!("café {i}.txt"), path, at: 1_700_000_000 });
        }
        let plan = plan(entries).expect("plan").expect("small");
        let length = plan.length;
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let bytes: Vec<u8> = rt.block_on(async {
            let chunks: Vec<io::Result<Bytes>> = plan.stream().collect().await;
            chunks.into_iter().flat_map(|c| c.expect("chunk").to_vec()).collect()
        });
        assert_eq!(bytes.len() as u64, length, "Content-Length is exact");
        let mut zip = zip::ZipArchive::new(io::Cursor::new(bytes)).expect("a zip");
        assert_eq!(zip.len(), 3);
        for (i, expected) in contents.iter().enumerate() {
            let mut entry = zip.by_index(i).expect("entry");
            assert_eq!(entry.name(), format!("café {i}.txt"));
            let mut read = Vec::new();
            entry.read_to_end(&mut read).expect("read (the CRC is checked at the end)");
            assert_eq!(&read, expected);
            let t = entry.last_modified().expect("time");
            assert_eq!((t.year(), t.month(), t.day()), (2023, 11, 14));
        }
    }
}
