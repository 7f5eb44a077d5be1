//! A reply's quoted history, told apart from what the sender wrote: in text
//! by the attribution lines and `>` quoting that Gmail, Outlook and Apple Mail
//! write; in HTML by the containers they put the history in. Everything from
//! the first mark on is history (replies are written above it). Pure.

/// Text split into the reply and the history it quoted (empty when none).
pub fn split_text(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let cut = cut_line(&lines);
    match cut {
        Some(i) => {
            let reply = lines[..i].join("\n").trim_end().to_owned();
            if reply.trim().is_empty() {
                return (text.trim_end().to_owned(), String::new());
            }
            (reply, lines[i..].join("\n").trim().to_owned())
        }
        None => (text.trim_end().to_owned(), String::new()),
    }
}

/// The line the history starts at.
fn cut_line(lines: &[&str]) -> Option<usize> {
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if attribution(t) || (i + 1 < lines.len() && attribution(&format!("{t} {}", lines[i + 1].trim()))) {
            // Only when what follows is the history (quoted lines or a header block).
            if lines[i + 1..].iter().take(3).any(|l| l.trim_start().starts_with('>') || l.trim().is_empty()) {
                return Some(i);
            }
        }
        if is_original_message_rule(t) {
            return Some(i);
        }
        if t.starts_with("From:") && header_block(&lines[i..]) {
            // Outlook's header block, with the rule above it if there is one.
            let rule = i > 0 && lines[i - 1].trim().chars().all(|c| c == '_') && lines[i - 1].trim().len() >= 10;
            return Some(if rule { i - 1 } else { i });
        }
    }
    // A trailing run of `>` lines (and blank lines among them).
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    if !lines[last].trim_start().starts_with('>') {
        return None;
    }
    let mut start = last;
    while start > 0 && (lines[start - 1].trim_start().starts_with('>') || lines[start - 1].trim().is_empty()) {
        start -= 1;
    }
    Some(start)
}

/// "On Mon, 7 Dec 2026 at 10:00, Ana <ana@example.com> wrote:" in the
/// languages mail clients write it in.
fn attribution(line: &str) -> bool {
    let len = line.chars().count();
    if !(8..=400).contains(&len) {
        return false;
    }
    let starts = ["On ", "Le ", "Am ", "El ", "Il ", "Op ", "Em ", "W dniu ", "Den "];
    let ends = [
        "wrote:",
        "écrit :",
        "écrit:",
        "schrieb:",
        "escribió:",
        "scritto:",
        "geschreven:",
        "escreveu:",
        "napisał:",
        "skrev:",
    ];
    starts.iter().any(|s| line.starts_with(s)) && ends.iter().any(|e| line.ends_with(e))
}

fn is_original_message_rule(line: &str) -> bool {
    let inner = line.trim_matches('-').trim().to_ascii_lowercase();
    line.starts_with("--")
        && line.ends_with("--")
        && matches!(
            inner.as_str(),
            "original message" | "forwarded message" | "ursprüngliche nachricht" | "message d'origine"
        )
}

/// `From:` followed within a few lines by `Sent:`/`Date:` and `To:` or `Subject:`.
fn header_block(lines: &[&str]) -> bool {
    let next: Vec<&str> = lines.iter().skip(1).take(5).map(|l| l.trim()).collect();
    let sent = next.iter().any(|l| l.starts_with("Sent:") || l.starts_with("Date:") || l.starts_with("Gesendet:"));
    let to = next.iter().any(|l| l.starts_with("To:") || l.starts_with("Subject:") || l.starts_with("An:"));
    sent && to
}

/// Where the quoted history starts in a mail's HTML: the containers the
/// clients wrap it in.
const HTML_MARKS: &[&str] = &[
    "<div class=\"gmail_quote",
    "<div class=gmail_quote",
    "<blockquote type=\"cite\"",
    "<div id=\"divRplyFwdMsg\"",
    "<div id=\"appendonsend\"",
    "<div class=\"yahoo_quoted",
    "<div class=\"protonmail_quote",
    "<hr id=\"stopSpelling\"",
    "<div class=\"OutlookMessageHeader",
    "<div style=\"border:none;border-top:solid #E1E1E1",
];

/// HTML split into the reply and the quoted history (empty when none).
pub fn split_html(html: &str) -> (String, String) {
    let lower = html.to_ascii_lowercase();
    let cut = HTML_MARKS.iter().filter_map(|m| lower.find(&m.to_ascii_lowercase())).min();
    match cut {
        Some(i) if html.is_char_boundary(i) => {
            let reply = &html[..i];
            if mail_parser::decoders::html::html_to_text(reply).trim().is_empty() {
                return (html.to_owned(), String::new());
            }
            (reply.to_owned(), html[i..].to_owned())
        }
        _ => (html.to_owned(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_attribution_and_quotes_are_history() {
        let text = "Thanks, that fixed it.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Brewfictus Support <support@brewfictus.com> wrote:\n> Try descaling.\n> Ana";
        let (reply, quoted) = split_text(text);
        assert_eq!(reply, "Thanks, that fixed it.");
        assert!(quoted.contains("Try descaling"));
    }

    #[test]
    fn a_wrapped_attribution_is_found() {
        let text = "Yes please.\n\nOn Mon, 7 Dec 2026 at 10:00, Brewfictus Support\n<support@brewfictus.com> wrote:\n\n> Shall we send a new one?";
        assert_eq!(split_text(text).0, "Yes please.");
    }

    #[test]
    fn outlook_header_blocks_are_history() {
        let text = "It works now.\n\n________________________________\nFrom: Support <support@brewfictus.com>\nSent: Monday, December 7, 2026 10:00\nTo: Joe\nSubject: Re: Grinder\n\nTry descaling.";
        assert_eq!(split_text(text).0, "It works now.");
        let text = "Noted.\n\n-----Original Message-----\nFrom: Support\nTry descaling.";
        assert_eq!(split_text(text).0, "Noted.");
    }

    #[test]
    fn trailing_quotes_are_history_but_a_quote_alone_is_kept() {
        assert_eq!(split_text("Agreed.\n\n> earlier\n> text").0, "Agreed.");
        assert_eq!(split_text("> only a quote").0, "> only a quote");
        assert_eq!(
            split_text("No history here.\nOn second thought, fine.").0,
            "No history here.\nOn second thought, fine."
        );
    }

    #[test]
    fn html_history_starts_at_the_clients_container() {
        let html = "<div dir=\"ltr\">Thanks!</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon wrote:</div><blockquote>old</blockquote></div>";
        let (reply, quoted) = split_html(html);
        assert_eq!(reply, "<div dir=\"ltr\">Thanks!</div><br>");
        assert!(quoted.contains("old"));
        assert_eq!(split_html("<p>plain</p>").1, "");
    }
}
