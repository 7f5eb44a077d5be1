//! The mail parser and what the pipeline makes of a mail (quoted history
//! split off, HTML sanitised), fed arbitrary bytes: nothing may panic, a
//! header bomb is caught before parsing, and no script survives.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parley::mail::{content, parse};

fuzz_target!(|data: &[u8]| {
    if parse::header_bomb(data) {
        return;
    }
    let Some(parsed) = parse::parse(data) else { return };
    assert!(!parsed.message_id.is_empty(), "every mail gets a Message-ID");
    let _ = parse::clean_subject(&parsed.subject);
    let c = content::content(&parsed, &[]);
    assert!(!c.text.trim().is_empty(), "a message always has text");
    let lower = c.html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script survived: {}", c.html);
});
