//! `@name` mentions in a note: which agents it names, and its HTML with each
//! mention marked. An agent is named by `@` and their full name, or the part
//! of their email before the `@`, matched without regard to case and ending
//! where a word ends; the longest name wins.

use super::text_to_html;

/// An agent who can be mentioned: id, full name, email.
pub type Mentionable = (i64, String, String);

/// The mentions in `text`: each agent once, in order of appearance, and the
/// byte ranges of the mentions (the `@` included).
fn find(text: &str, agents: &[Mentionable]) -> Vec<(usize, usize, i64)> {
    let lower = text.to_lowercase();
    // Lower-casing can change lengths; then mentions are not looked for in offsets of `text`.
    if lower.len() != text.len() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find('@').map(|i| from + i) {
        let rest = &lower[at + 1..];
        let named = agents
            .iter()
            .flat_map(|(id, name, email)| {
                let local = email.split('@').next().unwrap_or_default();
                [(*id, name.to_lowercase()), (*id, local.to_lowercase())]
            })
            .filter(|(_, n)| !n.is_empty() && rest.starts_with(n.as_str()))
            .filter(|(_, n)| !rest[n.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            .max_by_key(|(_, n)| n.len());
        // `a@b` inside an address is not a mention.
        let starts_word = at == 0 || !lower[..at].ends_with(|c: char| c.is_alphanumeric());
        match named {
            Some((id, n)) if starts_word => {
                found.push((at, at + 1 + n.len(), id));
                from = at + 1 + n.len();
            }
            _ => from = at + 1,
        }
    }
    found
}

/// The agents `text` mentions, each once.
pub fn mentioned(text: &str, agents: &[Mentionable]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (_, _, id) in find(text, agents) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// `text` as HTML (see [`text_to_html`]), each mention in
/// `<span class="mention" data-user-id="…">`.
pub fn note_html(text: &str, agents: &[Mentionable]) -> String {
    let mut html = String::new();
    let mut last = 0;
    for (start, end, id) in find(text, agents) {
        html += &text_to_html(&text[last..start]);
        html += &format!("<span class=\"mention\" data-user-id=\"{id}\">{}</span>", text_to_html(&text[start..end]));
        last = end;
    }
    html + &text_to_html(&text[last..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agents() -> Vec<Mentionable> {
        vec![
            (1, "Alex Kim".into(), "alex@brewfictus.com".into()),
            (2, "Alex".into(), "alexandra@brewfictus.com".into()),
            (3, "Sam Ode".into(), "sam@brewfictus.com".into()),
        ]
    }

    #[test]
    fn names_emails_and_the_longest_match() {
        assert_eq!(mentioned("@alex kim can you look? cc @sam", &agents()), vec![1, 3]);
        assert_eq!(mentioned("@Alex, thanks", &agents()), vec![2]);
        assert_eq!(mentioned("@alexandra and @ALEX KIM and @alex kim", &agents()), vec![2, 1]);
        assert_eq!(mentioned("mail alex@brewfictus.com, or @alexis", &agents()), Vec::<i64>::new());
    }

    #[test]
    fn html_marks_mentions_and_escapes_the_rest() {
        assert_eq!(
            note_html("<b>@Sam Ode</b> ok", &agents()),
            "&lt;b&gt;<span class=\"mention\" data-user-id=\"3\">@Sam Ode</span>&lt;/b&gt; ok"
        );
    }
}
