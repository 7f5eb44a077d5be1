//! A raw mail, read: who sent it to whom, how it threads, its text and HTML,
//! its files, and whether it is automated mail or a bounce. Pure: no
//! database, no disk. `mail-parser` reads the MIME (every charset, RFC 2047
//! words); what it cannot read at all is `None`, and the caller refuses it.

use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// Message-ID domain of mail that came without one.
pub const INVALID_DOMAIN: &str = "parley.invalid";

/// The header that marks mail Parley sent.
pub const LOOP_HEADER: &str = "X-Parley-Loop";

/// Headers a mail may have at most; more is a header bomb.
pub const MAX_HEADERS: usize = 1_000;

/// A mail, read.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Its Message-ID without angle brackets (made from its digest if it had none).
    pub message_id: String,
    /// The sender's address, lowercased.
    pub from: Option<String>,
    /// The sender's display name.
    pub from_name: Option<String>,
    /// `To` addresses, lowercased.
    pub to: Vec<String>,
    /// `Cc` addresses, lowercased.
    pub cc: Vec<String>,
    /// The subject as written.
    pub subject: String,
    /// `In-Reply-To`, then `References` newest first: the ids it answers.
    pub answers: Vec<String>,
    /// The plain text (HTML-only mail rendered as text).
    pub text: String,
    /// The HTML as sent, if it had an HTML part.
    pub html: Option<String>,
    /// Files and inline images.
    pub files: Vec<Part>,
    /// Why it is automated mail (auto-reply, bulk, list), if it is.
    pub automated: Option<&'static str>,
    /// The value of Parley's loop header, if it carries one.
    pub loop_mark: Option<String>,
    /// What it says of a failed delivery, if it is a bounce.
    pub bounce: Option<Bounce>,
}

/// A file of a mail.
#[derive(Debug, Clone)]
pub struct Part {
    /// Its name (or one made up from its type).
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// `Content-ID`, without angle brackets: how its HTML refers to it.
    pub content_id: Option<String>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A delivery status notification.
#[derive(Debug, Clone, Default)]
pub struct Bounce {
    /// Message-IDs of the mail that failed, as cited.
    pub original_ids: Vec<String>,
    /// The status and diagnostic, in words.
    pub reason: String,
}

/// Reads a raw mail; `None` when it is not a mail at all (no header).
pub fn parse(raw: &[u8]) -> Option<Parsed> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let mut parsed = Parsed {
        message_id: message.message_id().map(clean_id).filter(|id| !id.is_empty()).unwrap_or_else(|| digest_id(raw)),
        subject: message.subject().map(|s| s.trim().to_owned()).unwrap_or_default(),
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        ..Parsed::default()
    };
    if let Some(from) = message.from().and_then(Address::first) {
        parsed.from = from.address.as_deref().map(|a| a.trim().to_lowercase()).filter(|a| a.contains('@'));
        parsed.from_name = from.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    }
    parsed.answers = text_list(message.in_reply_to());
    let mut references = text_list(message.references());
    references.reverse();
    for id in references {
        if !parsed.answers.contains(&id) {
            parsed.answers.push(id);
        }
    }
    parsed.answers.truncate(50);
    parsed.automated = automated(&message);
    parsed.loop_mark = message.header_raw(LOOP_HEADER).map(|v| v.trim().to_owned());
    parsed.bounce = bounce(&message, &parsed);
    let (text, html) = bodies(&message);
    parsed.text = text;
    parsed.html = html;
    parsed.files = files(&message);
    Some(parsed)
}

/// Whether a raw mail has more headers than [`MAX_HEADERS`] (counted on the
/// raw bytes, before parsing).
pub fn header_bomb(raw: &[u8]) -> bool {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").or_else(|| raw.windows(2).position(|w| w == b"\n\n"));
    let head = &raw[..end.unwrap_or(raw.len())];
    let lines = head.split(|b| *b == b'\n').filter(|l| !l.first().is_some_and(|c| *c == b' ' || *c == b'\t'));
    lines.count() > MAX_HEADERS
}

/// A Message-ID without angle brackets or spaces.
pub fn clean_id(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').trim().to_owned()
}

/// The Message-ID given to mail that came without one: its digest.
fn digest_id(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{hex}@{INVALID_DOMAIN}")
}

fn addresses(list: Option<&Address>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for addr in list.into_iter().flat_map(Address::iter) {
        if let Some(a) = addr.address.as_deref().map(|a| a.trim().to_lowercase()).filter(|a| a.contains('@')) {
            if !out.contains(&a) && out.len() < 100 {
                out.push(a);
            }
        }
    }
    out
}

fn text_list(value: &HeaderValue) -> Vec<String> {
    let items: Vec<String> = match value {
        HeaderValue::Text(t) => t.split_whitespace().map(clean_id).collect(),
        HeaderValue::TextList(list) => list.iter().flat_map(|t| t.split_whitespace()).map(clean_id).collect(),
        _ => Vec::new(),
    };
    items.into_iter().filter(|id| !id.is_empty() && id.len() <= 998).collect()
}

/// Why a mail is automated, from the headers RFC 3834 and the lists name.
fn automated(message: &Message) -> Option<&'static str> {
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if header("Auto-Submitted").is_some_and(|v| !v.is_empty() && v != "no") {
        return Some("AUTO_SUBMITTED");
    }
    if header("X-Autoreply").is_some() || header("X-Autorespond").is_some() || header("X-Auto-Response").is_some() {
        return Some("AUTO_REPLY");
    }
    if header("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply")) {
        return Some("BULK");
    }
    if header("List-Id").is_some() || header("List-Unsubscribe").is_some() {
        return Some("LIST");
    }
    None
}

/// What a bounce says, if the mail is one: a delivery status report, or a
/// message from a mailer daemon.
fn bounce(message: &Message, parsed: &Parsed) -> Option<Bounce> {
    let report = message
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype() == Some("report"));
    let daemon = parsed.from.as_deref().is_some_and(|f| {
        let local = f.split('@').next().unwrap_or("");
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    });
    if !report && !daemon {
        return None;
    }
    let mut out = Bounce::default();
    for part in message.parts.iter() {
        let ct = part.content_type();
        let kind = ct.map(|c| (c.ctype().to_ascii_lowercase(), c.subtype().unwrap_or("").to_ascii_lowercase()));
        match (&part.body, kind.as_ref().map(|(t, s)| (t.as_str(), s.as_str()))) {
            (PartType::Message(inner), _) => out.original_ids.extend(inner.message_id().map(clean_id)),
            (_, Some(("message", "delivery-status"))) => {
                let text = String::from_utf8_lossy(part.contents());
                out.reason = status_words(&text);
            }
            (_, Some(("text", "rfc822-headers"))) => {
                if let Some(inner) = MessageParser::default().parse_headers(part.contents()) {
                    out.original_ids.extend(inner.message_id().map(clean_id));
                }
            }
            _ => {}
        }
    }
    if out.original_ids.is_empty() {
        // A daemon's plain message: the ids it quotes.
        let raw = String::from_utf8_lossy(message.raw_message());
        out.original_ids = quoted_ids(&raw);
    }
    if out.reason.is_empty() {
        out.reason = "The receiving server refused the mail".into();
    }
    Some(out)
}

/// `Status` and `Diagnostic-Code` of a delivery status report, in one line.
fn status_words(report: &str) -> String {
    let mut status = None;
    let mut diagnostic = None;
    for line in report.lines() {
        let (name, value) = match line.split_once(':') {
            Some((n, v)) => (n.trim().to_ascii_lowercase(), v.trim()),
            None => continue,
        };
        match name.as_str() {
            "status" if status.is_none() => status = Some(value.to_owned()),
            "diagnostic-code" if diagnostic.is_none() => {
                diagnostic = Some(value.split_once(';').map_or(value, |(_, d)| d.trim()).to_owned())
            }
            _ => {}
        }
    }
    let words = match (status, diagnostic) {
        (Some(s), Some(d)) => format!("{s} {d}"),
        (Some(s), None) => s,
        (None, Some(d)) => d,
        (None, None) => String::new(),
    };
    words.chars().take(500).collect()
}

/// Message-IDs in angle brackets quoted in a text.
fn quoted_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("Message-ID:").chain(text.match_indices("Message-Id:")) {
        let rest = &text[i + 11..];
        if let (Some(a), Some(b)) = (rest.find('<'), rest.find('>')) {
            if a < b && b - a < 300 {
                out.push(clean_id(&rest[a..=b]));
            }
        }
    }
    out
}

/// The text and the HTML of a mail. Text written without a declared
/// charset in ISO-2022-JP (its escapes are plain ASCII) is decoded as such.
fn bodies(message: &Message) -> (String, Option<String>) {
    let html = message
        .html_bodies()
        .find_map(|p| match &p.body {
            PartType::Html(h) => Some(h.to_string()),
            _ => None,
        })
        .map(|h| iso_2022_jp(Cow::Owned(h)).into_owned());
    let text = message.text_bodies().find_map(|p| match &p.body {
        PartType::Text(t) => Some(t.to_string()),
        _ => None,
    });
    let text = match (text, &html) {
        (Some(t), _) => iso_2022_jp(Cow::Owned(t)).into_owned(),
        (None, Some(h)) => mail_parser::decoders::html::html_to_text(h),
        (None, None) => String::new(),
    };
    (text.replace("\r\n", "\n").trim_end().to_owned(), html)
}

fn iso_2022_jp(text: Cow<str>) -> Cow<str> {
    if !(text.contains("\u{1b}$B") || text.contains("\u{1b}$@") || text.contains("\u{1b}(J")) {
        return text;
    }
    match mail_parser::decoders::charsets::map::charset_decoder(b"iso-2022-jp") {
        Some(decode) => Cow::Owned(decode(text.as_bytes())),
        None => text,
    }
}

/// The files of a mail: its attachments and inline images (not its bodies).
fn files(message: &Message) -> Vec<Part> {
    let mut out = Vec::new();
    for part in message.attachments() {
        let mime = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let bytes = match &part.body {
            PartType::Message(inner) => inner.raw_message().to_vec(),
            PartType::Multipart(_) => continue,
            _ => part.contents().to_vec(),
        };
        let name = part.attachment_name().map(str::to_owned).unwrap_or_else(|| {
            let ext = match mime.as_str() {
                "image/png" => "png",
                "image/jpeg" => "jpg",
                "image/gif" => "gif",
                "message/rfc822" => "eml",
                "text/plain" => "txt",
                "text/html" => "html",
                _ => "bin",
            };
            format!("attachment-{}.{ext}", out.len() + 1)
        });
        out.push(Part { name, mime, content_id: part.content_id().map(clean_id), bytes });
        if out.len() >= 100 {
            break;
        }
    }
    out
}

/// A subject without its `Re:`, `Fwd:` and similar prefixes (also `[#id]`
/// tags and several languages' forms).
pub fn clean_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let prefix = ["re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "vs:", "tr:", "rif:", "r:", "antw:", "re :", "fwd :"]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => s = s[p.len()..].trim_start(),
            None => {
                // `Re[2]:` and `Re(2):`
                if lower.starts_with("re[") || lower.starts_with("re(") {
                    if let Some(end) = s.find(':').filter(|i| *i < 8) {
                        s = s[end + 1..].trim_start();
                        continue;
                    }
                }
                break;
            }
        }
    }
    s.to_owned()
}

/// The conversation id in a subject's `[#id]` tag, if it has one.
pub fn subject_tag(subject: &str) -> Option<i64> {
    let start = subject.find("[#")?;
    let rest = &subject[start + 2..];
    let end = rest.find(']')?;
    rest[..end].trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_their_reply_prefixes() {
        assert_eq!(clean_subject("Re: RE: Fwd: Grinder"), "Grinder");
        assert_eq!(clean_subject("AW: Re[2]: Grinder"), "Grinder");
        assert_eq!(clean_subject("Regarding the grinder"), "Regarding the grinder");
        assert_eq!(subject_tag("Re: Grinder [#42]"), Some(42));
        assert_eq!(subject_tag("Grinder [#x]"), None);
    }

    #[test]
    fn a_mail_without_message_id_gets_one_from_its_digest() {
        let raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n";
        let p = parse(raw).expect("a mail");
        assert!(p.message_id.ends_with(INVALID_DOMAIN));
        assert_eq!(p.message_id, parse(raw).expect("a mail").message_id);
        assert_eq!(p.text, "body");
    }

    #[test]
    fn header_bombs_are_counted_before_parsing() {
        let mut raw = String::new();
        for i in 0..1_200 {
            raw.push_str(&format!("X-H{i}: v\r\n"));
        }
        raw.push_str("\r\nbody");
        assert!(header_bomb(raw.as_bytes()));
        assert!(!header_bomb(b"From: a@b.c\r\n\r\nbody"));
    }
}
