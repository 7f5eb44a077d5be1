//! The mail parser's entry point under arbitrary input, and what the
//! pipeline promises of any mail: Parley's own mail reads back, a reply
//! above quoted history is kept alone, sanitised HTML runs nothing.

use parley::mail::{compose, content, html, parse, quote};
use proptest::prelude::*;

fn draft(from_name: String, subject: String, text: String) -> compose::Draft {
    compose::Draft {
        from_name,
        from_address: "support@brewfictus.com".into(),
        reply_to: Some("support+0123456789abcdef@brewfictus.com".into()),
        to: vec!["joe@example.com".into()],
        cc: Vec::new(),
        subject,
        message_id: "m.0000@brewfictus.com".into(),
        in_reply_to: None,
        references: Vec::new(),
        pieces: vec![compose::Piece {
            author: "Ana".into(),
            written: "now".into(),
            html: parley::wire::text_to_html(&text),
            text,
        }],
        footer: "Reply to this mail to answer.".into(),
        files: Vec::new(),
        loop_mark: "support@brewfictus.com".into(),
        auto_submitted: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_parse_or_are_refused_cleanly(body in prop::collection::vec(any::<u8>(), 0..4096)) {
        if !parse::header_bomb(&body) {
            if let Some(parsed) = parse::parse(&body) {
                let c = content::content(&parsed, &[]);
                prop_assert!(!c.text.trim().is_empty());
                prop_assert!(!c.html.to_ascii_lowercase().contains("<script"));
            }
        }
    }

    #[test]
    fn a_mail_with_arbitrary_headers_and_parts_parses(
        headers in prop::collection::vec(("[A-Za-z-]{1,20}", "[ -~]{0,60}"), 0..20),
        body in "[ -~\r\n]{0,400}",
    ) {
        let mut raw = String::new();
        for (name, value) in &headers {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str("\r\n");
        raw.push_str(&body);
        if let Some(parsed) = parse::parse(raw.as_bytes()) {
            let _ = parse::clean_subject(&parsed.subject);
            let c = content::content(&parsed, &["f (1 bytes): larger than the file size limit".into()]);
            prop_assert!(c.text.contains("[Not kept: f (1 bytes)"));
        }
    }

    #[test]
    fn mail_parley_builds_reads_back(
        name in "[A-Za-zàéüß日本 ]{1,30}",
        subject in "[A-Za-z0-9àéü日本語 ,.!?-]{1,80}",
        text in "[A-Za-z0-9àéü日本語 ,.!?<>&-]{1,200}",
    ) {
        let raw = compose::build(&draft(name.clone(), subject.clone(), text.clone())).expect("built");
        let parsed = parse::parse(&raw).expect("parses");
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(words(&parsed.subject), words(&subject));
        prop_assert_eq!(parsed.from_name.map(|n| words(&n)), Some(words(&name)).filter(|n| !n.is_empty()));
        prop_assert_eq!(parsed.message_id, "m.0000@brewfictus.com");
        prop_assert!(parsed.text.starts_with(text.trim_end()), "{:?} does not start with {:?}", parsed.text, text);
    }

    #[test]
    fn a_reply_above_quoted_history_is_kept_alone(
        reply in "[A-Za-z][A-Za-z ,.!?]{0,60}(\n[A-Za-z][A-Za-z ,.!?]{0,40}){0,3}",
        quoted in prop::collection::vec("[A-Za-z .]{0,40}", 1..6),
        client in 0..3usize,
    ) {
        let history = quoted.iter().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n");
        let text = match client {
            0 => format!("{reply}\n\nOn Mon, Dec 7, 2026 at 10:02 AM Support <support@brewfictus.com> wrote:\n\n{history}"),
            1 => format!("{reply}\n\n________________________________\nFrom: Support <support@brewfictus.com>\nSent: Monday, December 7, 2026 10:02\nTo: Joe\nSubject: Re: Grinder\n\n{}", quoted.join("\n")),
            _ => format!("{reply}\n\n{history}"),
        };
        let (kept, _) = quote::split_text(&text);
        prop_assert_eq!(kept, reply.trim_end());
    }

    #[test]
    fn sanitised_html_runs_nothing(pieces in prop::collection::vec(prop::sample::select(vec![
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>x</a>",
        "<p>", "</p>", "text", "<div onclick='q()'>", "</div>", "<svg onload=alert(1)>", "<style>p{}</style>",
        "<iframe src=//evil.example>", "<scr", "ipt>", "<IMG SRC=\"jav&#x09;ascript:alert(1)\">", "<b>bold</b>",
        "<img src=\"https://tracker.example/p.gif\">", "<form action=x><input></form>", "<<script>>",
    ]), 0..30)) {
        let clean = html::sanitize(&pieces.concat()).to_ascii_lowercase();
        // Text is escaped, so every `<` left opens a tag: only tags can run anything.
        let tags: Vec<&str> = clean.split('<').skip(1).map(|t| t.split('>').next().unwrap_or(t)).collect();
        for tag in tags {
            let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
            prop_assert!(!["script", "iframe", "style", "form", "input", "svg"].contains(&name), "<{}> in {}", tag, clean);
            prop_assert!(!tag.contains(" on") && !tag.contains("javascript:") && !tag.contains("tracker.example"), "<{}> in {}", tag, clean);
        }
    }
}
