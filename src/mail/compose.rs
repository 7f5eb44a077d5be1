//! An outgoing mail, built with `lettre`: threading headers, a plain-text
//! part and a simple HTML part, the messages' files attached. Pure.

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};

/// One message a mail carries.
#[derive(Debug, Clone)]
pub struct Piece {
    /// Who wrote it.
    pub author: String,
    /// When, as shown.
    pub written: String,
    /// Its text.
    pub text: String,
    /// Its HTML (Parley's own rendering of the text).
    pub html: String,
}

/// A file a mail carries.
#[derive(Debug, Clone)]
pub struct File {
    /// Its name.
    pub name: String,
    /// Its MIME type.
    pub mime: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Everything a mail is built from.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The sender's display name (the agent, or the team for a batch).
    pub from_name: String,
    /// The mailbox it leaves from.
    pub from_address: String,
    /// The conversation's reply address (`local+token@domain`); none on a
    /// notification digest, which is not answered.
    pub reply_to: Option<String>,
    /// Recipients.
    pub to: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Its Message-ID, without brackets.
    pub message_id: String,
    /// The customer's last mail, without brackets.
    pub in_reply_to: Option<String>,
    /// The thread's Message-IDs, oldest first, without brackets.
    pub references: Vec<String>,
    /// The messages it carries (one for a reply; a batch for a messenger customer).
    pub pieces: Vec<Piece>,
    /// A line under the messages.
    pub footer: String,
    /// Files.
    pub files: Vec<File>,
    /// What the loop header says (the mailbox).
    pub loop_mark: String,
    /// `Auto-Submitted: auto-generated` (RFC 3834): on mail no person wrote
    /// (notification digests), never on a reply, which a person did.
    pub auto_submitted: bool,
}

/// `Auto-Submitted: auto-generated`: no person wrote it; auto-responders
/// should not answer.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// `X-Auto-Response-Suppress: All`: asks Exchange not to auto-answer.
#[derive(Debug, Clone)]
struct SuppressAutoResponses;

impl Header for SuppressAutoResponses {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Auto-Response-Suppress")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(SuppressAutoResponses)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "All".into())
    }
}

/// `X-Parley-Loop: <mailbox>`: recognises Parley's own mail coming back.
#[derive(Debug, Clone)]
struct LoopMark(String);

impl Header for LoopMark {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(super::parse::LOOP_HEADER)
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(LoopMark(s.to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

fn mailbox(name: Option<&str>, address: &str) -> Result<Mailbox, String> {
    let address = address.parse().map_err(|e| format!("the address {address:?}: {e}"))?;
    Ok(Mailbox::new(name.map(one_line), address))
}

/// A header's words on one line, one space apart: lettre would put a run of
/// spaces between two encoded words, where readers drop it (RFC 2047, 6.2).
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The mail as bytes, ready for any transport.
pub fn build(d: &Draft) -> Result<Vec<u8>, String> {
    let mut b = lettre::Message::builder()
        .from(mailbox(Some(&d.from_name), &d.from_address)?)
        .subject(one_line(&d.subject))
        .message_id(Some(format!("<{}>", d.message_id)))
        .date_now()
        .header(SuppressAutoResponses)
        .header(LoopMark(d.loop_mark.clone()));
    if let Some(reply_to) = &d.reply_to {
        b = b.reply_to(mailbox(None, reply_to)?);
    }
    if d.auto_submitted {
        b = b.header(AutoSubmitted);
    }
    for to in &d.to {
        b = b.to(mailbox(None, to)?);
    }
    for cc in &d.cc {
        b = b.cc(mailbox(None, cc)?);
    }
    if let Some(id) = &d.in_reply_to {
        b = b.in_reply_to(format!("<{id}>"));
    }
    if !d.references.is_empty() {
        let refs: Vec<String> = d.references.iter().map(|r| format!("<{r}>")).collect();
        b = b.references(refs.join(" "));
    }
    let (text, html) = bodies(d);
    let alternative = MultiPart::alternative_plain_html(text, html);
    let message = if d.files.is_empty() {
        b.multipart(alternative)
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for f in &d.files {
            let mime = ContentType::parse(&f.mime)
                .unwrap_or(ContentType::parse("application/octet-stream").map_err(|e| e.to_string())?);
            mixed = mixed.singlepart(Attachment::new(f.name.clone()).body(f.bytes.clone(), mime));
        }
        b.multipart(mixed)
    };
    Ok(message.map_err(|e| format!("building the mail: {e}"))?.formatted())
}

/// The plain text and the HTML of a draft's messages.
fn bodies(d: &Draft) -> (String, String) {
    let several = d.pieces.len() > 1;
    let mut text = String::new();
    let mut html = String::from("<!DOCTYPE html><html><body style=\"font-family: sans-serif; line-height: 1.5\">");
    for (i, p) in d.pieces.iter().enumerate() {
        if several {
            text.push_str(&format!("{} ({}):\n", p.author, p.written));
            html.push_str(&format!(
                "<p style=\"color: #555\"><strong>{}</strong> ({})</p>",
                escape(&p.author),
                escape(&p.written)
            ));
        }
        text.push_str(&p.text);
        text.push_str("\n\n");
        html.push_str(&format!("<div>{}</div>", super::html::sanitize(&p.html)));
        if several && i + 1 < d.pieces.len() {
            text.push_str("---\n\n");
            html.push_str("<hr>");
        }
    }
    text.push_str(&format!("-- \n{}\n", d.footer));
    html.push_str(&format!("<p style=\"color: #777; font-size: small\">{}</p></body></html>", escape(&d.footer)));
    (text, html)
}

/// Text made safe inside HTML.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            from_name: "Ana Souza".into(),
            from_address: "support@brewfictus.com".into(),
            reply_to: Some("support+0123abcd@brewfictus.com".into()),
            to: vec!["joe@example.com".into()],
            cc: vec!["kim@example.com".into()],
            subject: "Re: Grinder".into(),
            message_id: "m.1234@brewfictus.com".into(),
            in_reply_to: Some("CAB=x@mail.gmail.com".into()),
            references: vec!["first@example.com".into(), "CAB=x@mail.gmail.com".into()],
            pieces: vec![Piece {
                author: "Ana".into(),
                written: "now".into(),
                text: "Try descaling.".into(),
                html: "<p>Try descaling.</p>".into(),
            }],
            footer: "Reply to this mail to answer.".into(),
            files: vec![File { name: "guide.txt".into(), mime: "text/plain".into(), bytes: b"steps".to_vec() }],
            loop_mark: "support@brewfictus.com".into(),
            auto_submitted: false,
        }
    }

    #[test]
    fn a_reply_carries_its_threading_headers_and_reads_back() {
        let raw = build(&draft()).expect("built");
        let parsed = crate::mail::parse::parse(&raw).expect("parses");
        assert_eq!(parsed.message_id, "m.1234@brewfictus.com");
        assert_eq!(parsed.answers[0], "CAB=x@mail.gmail.com");
        assert!(parsed.answers.contains(&"first@example.com".to_owned()));
        assert_eq!(parsed.loop_mark.as_deref(), Some("support@brewfictus.com"));
        assert_eq!(parsed.cc, vec!["kim@example.com".to_owned()]);
        assert!(parsed.text.starts_with("Try descaling."), "{}", parsed.text);
        assert_eq!(parsed.files.len(), 1);
        let head = String::from_utf8_lossy(&raw);
        assert!(head.contains("X-Auto-Response-Suppress: All"));
        assert!(!head.contains("Auto-Submitted"));
        assert!(head.contains("Reply-To: support+0123abcd@brewfictus.com"));
    }

    #[test]
    fn a_digest_says_it_is_automatic_and_names_no_reply_address() {
        let mut d = draft();
        d.reply_to = None;
        d.auto_submitted = true;
        d.in_reply_to = None;
        d.references.clear();
        let raw = build(&d).expect("built");
        let head = String::from_utf8_lossy(&raw);
        assert!(head.contains("Auto-Submitted: auto-generated"), "{head}");
        assert!(!head.contains("Reply-To"), "{head}");
        assert!(crate::mail::parse::parse(&raw).is_some());
    }
}
