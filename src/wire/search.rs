//! The search box's language, read into a [`Query`]: words (all must
//! match), `"quoted phrases"`, `refun*` prefixes, `-word` to exclude, and
//! the filters `status:`, `assignee:`, `channel:`, `from:`, `before:`,
//! `after:` and `in:` (which resources). Any input reads as something: a
//! stray quote ends at the end, syntax characters are only separators, and
//! an unknown `key:value` or a bad date is searched for as words.

use chrono::{DateTime, NaiveDate};

use crate::db::search::{Assignee, Query, Term};

/// Words and phrases kept at most (the rest is ignored).
pub const MAX_TERMS: usize = 16;
/// Characters of one term kept at most.
pub const MAX_TERM_CHARS: usize = 200;

/// A search as typed: the query, and the resources named with `in:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// What to find.
    pub query: Query,
    /// `in:users`, `in:conversations`, `in:organizations` (empty: not said).
    pub resources: Vec<String>,
}

/// One piece of the input: its text, whether it was quoted, whether `-` came first.
struct Piece {
    text: String,
    quoted: bool,
    negated: bool,
    /// `key:` when the piece was `key:value`.
    key: Option<String>,
}

fn pieces(input: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let negated = first == '-';
        if negated {
            chars.next();
        }
        let mut key = None;
        let mut text = String::new();
        let mut quoted = false;
        loop {
            match chars.peek() {
                None => break,
                Some(c) if c.is_whitespace() => break,
                Some('"') => {
                    chars.next();
                    quoted = true;
                    // A phrase runs to the closing quote, or to the end.
                    for c in chars.by_ref() {
                        if c == '"' {
                            break;
                        }
                        text.push(c);
                    }
                    break;
                }
                Some(':') if key.is_none() && !text.is_empty() && !quoted => {
                    chars.next();
                    key = Some(std::mem::take(&mut text).to_lowercase());
                }
                Some(&c) => {
                    chars.next();
                    text.push(c);
                }
            }
        }
        out.push(Piece { text, quoted, negated, key });
    }
    out
}

/// Reads `input` (see the module docs).
pub fn parse(input: &str) -> Parsed {
    let mut parsed = Parsed::default();
    for piece in pieces(input) {
        if let Some(key) = &piece.key {
            if !piece.negated && filter(&mut parsed, key, &piece.text) {
                continue;
            }
        }
        let text = match &piece.key {
            Some(key) => format!("{key} {}", piece.text),
            None => piece.text.clone(),
        };
        let prefix = !piece.quoted && text.ends_with('*');
        let text: String = text.replace('*', " ").trim().chars().take(MAX_TERM_CHARS).collect();
        // Only letters and digits are words; a piece without any finds nothing and is dropped.
        if !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let q = &mut parsed.query;
        if q.terms.len() + q.excluded.len() >= MAX_TERMS {
            break;
        }
        let term = Term { text, prefix };
        if piece.negated {
            q.excluded.push(term);
        } else {
            q.terms.push(term);
        }
    }
    parsed
}

/// Applies `key:value`; `false` when it is not a filter after all.
fn filter(parsed: &mut Parsed, key: &str, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() {
        return false;
    }
    let lower = value.to_lowercase();
    let q = &mut parsed.query;
    match key {
        "status" => q.statuses.push(lower),
        "assignee" | "assigned" => {
            q.assignee = Some(match lower.as_str() {
                "me" | "mine" => Assignee::Me,
                "none" | "nobody" | "unassigned" => Assignee::Nobody,
                _ => Assignee::Email(lower),
            })
        }
        "channel" => q.channel = Some(if lower == "email" { "MAIL".into() } else { lower.to_uppercase() }),
        "from" => q.from = Some(lower),
        "before" | "after" => {
            let Some(at) = date(value) else { return false };
            if key == "before" {
                q.before = Some(at);
            } else {
                q.after = Some(at);
            }
        }
        "in" => {
            let resource = match lower.as_str() {
                "conversations" | "conversation" | "cases" | "case" => "conversations",
                "users" | "user" | "customers" => "users",
                "organizations" | "organization" | "orgs" => "organizations",
                _ => return false,
            };
            parsed.resources.push(resource.into());
        }
        _ => return false,
    }
    true
}

/// `2026-11-01` (midnight UTC) or an RFC 3339 time, as Unix seconds.
fn date(value: &str) -> Option<i64> {
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp());
    }
    DateTime::parse_from_rfc3339(value).ok().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, prefix: bool) -> Term {
        Term { text: text.into(), prefix }
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let p = parse(r#"broken "coffee grinder" refun* -spam -"out of office""#);
        assert_eq!(p.query.terms, vec![term("broken", false), term("coffee grinder", false), term("refun", true)]);
        assert_eq!(p.query.excluded, vec![term("spam", false), term("out of office", false)]);
    }

    #[test]
    fn filters_are_read_and_bad_ones_are_words() {
        let p = parse("status:open assignee:me channel:email from:Caryn@Example.com after:2026-11-01 in:users x");
        assert_eq!(p.query.statuses, vec!["open"]);
        assert_eq!(p.query.assignee, Some(Assignee::Me));
        assert_eq!(p.query.channel.as_deref(), Some("MAIL"));
        assert_eq!(p.query.from.as_deref(), Some("caryn@example.com"));
        assert_eq!(p.query.after, Some(1_793_491_200));
        assert_eq!(p.resources, vec!["users"]);
        let p = parse("before:yesterday re:refund 10:30");
        let words: Vec<_> = p.query.terms.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, vec!["before yesterday", "re refund", "10 30"]);
        assert_eq!(p.query.before, None);
    }

    #[test]
    fn syntax_characters_are_never_syntax() {
        for input in ["\"", "*", "-", "NEAR(", "(", ")", "AND", "\"\"", "a\"b", "--x", "x:", ":x", "^", "-*", "***a"] {
            let p = parse(input);
            for t in p.query.terms.iter().chain(&p.query.excluded) {
                assert!(t.text.chars().any(char::is_alphanumeric), "{input:?} gave {t:?}");
            }
        }
        assert_eq!(parse("\"unterminated phrase").query.terms, vec![term("unterminated phrase", false)]);
    }

    #[test]
    fn the_number_of_terms_is_bounded() {
        let long = "w ".repeat(100);
        assert_eq!(parse(&long).query.terms.len(), MAX_TERMS);
    }
}
