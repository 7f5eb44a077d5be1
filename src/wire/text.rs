//! Text as the wire carries it: a plain-text message's HTML form, and what
//! counts as an email address.

/// HTML for plain text: escaped, each newline as `<br />` plus the newline.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br />\n"),
            c => out.push(c),
        }
    }
    out
}

/// A saved reply's placeholders filled in: `{{customer.name}}`,
/// `{{customer.first_name}}`, `{{agent.name}}`, `{{agent.first_name}}`,
/// `{{conversation.id}}` (spaces inside the braces allowed). Unknown ones
/// stay as written.
pub fn fill_placeholders(text: &str, customer: &str, agent: &str, conversation_id: i64) -> String {
    let first = |name: &str| name.split_whitespace().next().unwrap_or_default().to_owned();
    let values = [
        ("customer.name", customer.to_owned()),
        ("customer.first_name", first(customer)),
        ("agent.name", agent.to_owned()),
        ("agent.first_name", first(agent)),
        ("conversation.id", conversation_id.to_string()),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `e` looks like an email address (one `@`, a dotted domain, no spaces).
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let text = "Hi {{customer.first_name}}, {{ agent.name }} here about #{{conversation.id}}. {{other}} {{";
        assert_eq!(
            fill_placeholders(text, "Caryn Pryor", "Simon Blackhouse", 7),
            "Hi Caryn, Simon Blackhouse here about #7. {{other}} {{"
        );
    }

    #[test]
    fn html_escapes_and_breaks_lines_like_the_reference() {
        assert_eq!(text_to_html("Dear Caryn,\n\n\tIt is"), "Dear Caryn,<br />\n<br />\n\tIt is");
        assert_eq!(text_to_html("<b>&"), "&lt;b&gt;&amp;");
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(valid_email("caryn@atmospherecoffee.com"));
        assert!(!valid_email("caryn"));
        assert!(!valid_email("caryn@localhost"));
        assert!(!valid_email("a b@c.com"));
        assert!(!valid_email("@c.com"));
    }
}
