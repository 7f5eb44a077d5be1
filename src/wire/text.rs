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
