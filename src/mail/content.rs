//! What a mail received says, as a message holds it: the reply without its
//! quoted history (text and sanitised HTML), and the history kept aside.
//! Pure: the fuzz target and the property tests call it as the pipeline does.

use super::parse::Parsed;
use super::{html, quote};

/// A mail's content, ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The reply, as text (never empty).
    pub text: String,
    /// The reply, as safe HTML.
    pub html: String,
    /// The quoted history taken out, as text.
    pub quoted_text: Option<String>,
    /// The same, as safe HTML.
    pub quoted_html: Option<String>,
}

/// The content of a mail; `left_out` names files that were not kept, which
/// the message then says.
pub fn content(parsed: &Parsed, left_out: &[String]) -> Content {
    let (text, quoted_text) = quote::split_text(&parsed.text);
    let (reply_html, quoted_html) = match &parsed.html {
        Some(h) => {
            let (reply, quoted) = quote::split_html(h);
            (Some(html::sanitize(&reply)), (!quoted.is_empty()).then(|| html::sanitize(&quoted)))
        }
        None => (None, None),
    };
    let text = match (&reply_html, text.trim().is_empty()) {
        (Some(h), true) => mail_parser::decoders::html::html_to_text(h).trim().to_owned(),
        _ => text,
    };
    let mut text = if text.trim().is_empty() { "(no text)".to_owned() } else { text };
    let mut html = reply_html.unwrap_or_else(|| crate::wire::text_to_html(&text));
    if !left_out.is_empty() {
        let note = format!("[Not kept: {}]", left_out.join("; "));
        text.push_str(&format!("\n\n{note}"));
        html.push_str(&format!("<p>{}</p>", crate::wire::text_to_html(&note)));
    }
    Content { text, html, quoted_text: (!quoted_text.is_empty()).then_some(quoted_text), quoted_html }
}
