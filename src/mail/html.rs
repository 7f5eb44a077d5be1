//! Inbound HTML made safe to show agents: `ammonia` keeps formatting and
//! links, drops script, styles and event handlers, and loads no remote
//! image (only `cid:` references to the mail's own files, which the wire
//! form points at their attachments).

use std::collections::HashSet;

/// Sanitises a mail's HTML.
pub fn sanitize(html: &str) -> String {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("img", &["src", "alt", "width", "height"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "cid"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !value.starts_with("cid:") {
                // A remote image would tell the sender the mail was read.
                return None;
            }
            Some(value.into())
        });
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_remote_images_go() {
        let html = "<p onclick=\"x()\">Hi<script>alert(1)</script></p><img src=\"https://track.example/p.gif\" onerror=\"x()\"><img src=\"cid:logo@x\">";
        let clean = sanitize(html);
        assert!(!clean.contains("script") && !clean.contains("onclick") && !clean.contains("onerror"), "{clean}");
        assert!(!clean.contains("track.example"), "{clean}");
        assert!(clean.contains("src=\"cid:logo@x\""), "{clean}");
    }
}
