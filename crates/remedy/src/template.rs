//! The small template syntax of rules files: `{host}`, `{service}`, `{state}`,
//! `{output}`, `{_VMID}` (custom variables), ... inside action arguments, webhook
//! bodies and notes. `{{` is a literal `{`, and so is a `{` that does not open a
//! `{name}`; `}` is always literal. So JSON (which never has `{{`) can be written
//! around placeholders. Rendering
//! takes an escape function: none for argv, JSON string escaping for webhook bodies.

use std::fmt;

use vigil_handler::Event;

/// Names filled by the run rather than by the event: the rule, the time, and what
/// earlier actions of the same rule reported (`vsphere_memory` sets `vm`, `old_mb`,
/// `new_mb`).
pub const RUN_FIELDS: &[&str] = &["rule", "timestamp", "vm", "old_mb", "new_mb"];

/// A template error: at load time an unknown name, at run time a value that is not
/// there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{name}` names nothing templates know.
    #[error("unknown placeholder {{{0}}} (known: host, service, state, state_id, state_type, attempt, max_attempts, output, host_state, host_address, kind, rule, timestamp, vm, old_mb, new_mb, _CUSTOMVAR)")]
    Unknown(String),
    /// `{name}` has no value for this event (an unset custom variable, or a value an
    /// earlier action did not provide).
    #[error("no value for {{{0}}} in this event")]
    NoValue(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    pieces: Vec<Piece>,
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Template {
    /// Parses `source`; every placeholder must be a known name
    /// ([`Event::is_known_field`] or [`RUN_FIELDS`]).
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("{{") {
                text.push('{');
                rest = &rest[2..];
                continue;
            }
            if c == '{' {
                let after = &rest[1..];
                let len = after
                    .char_indices()
                    .take_while(|&(i, ch)| {
                        if i == 0 {
                            is_ident_start(ch)
                        } else {
                            is_ident(ch)
                        }
                    })
                    .count();
                if len > 0 && after[len..].starts_with('}') {
                    let name = &after[..len];
                    if !(Event::is_known_field(name) || RUN_FIELDS.contains(&name)) {
                        return Err(TemplateError::Unknown(name.to_string()));
                    }
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Field(name.to_string()));
                    rest = &after[len + 1..];
                    continue;
                }
            }
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Template {
            source: source.to_string(),
            pieces,
        })
    }

    /// The text as written in the rules file.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The placeholder names, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Field(f) => Some(f.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// Renders with `lookup` giving each placeholder's value, inserted verbatim.
    pub fn render(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
        self.render_escaped(lookup, &|v, out| out.push_str(v))
    }

    /// Renders with each value passed through `escape` (literal text is kept as is).
    pub fn render_escaped(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
        escape: &dyn Fn(&str, &mut String),
    ) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(self.source.len());
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(f) => {
                    let v = lookup(f).ok_or_else(|| TemplateError::NoValue(f.clone()))?;
                    escape(&v, &mut out);
                }
            }
        }
        Ok(out)
    }
}

/// Appends `v` escaped for the inside of a JSON string (quotes, backslashes, control
/// characters), without the surrounding quotes.
pub fn json_escape(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(name: &str) -> Option<String> {
        match name {
            "host" => Some("web01".into()),
            "output" => Some("say \"hi\"\\\n\tbye\u{1}".into()),
            "state" => Some("CRITICAL".into()),
            _ => None,
        }
    }

    #[test]
    fn placeholders_and_literal_braces() {
        let t = Template::parse("restart {host} now {{literal} {{host}} {state}").unwrap();
        assert_eq!(
            t.render(&look).unwrap(),
            "restart web01 now {literal} {host}} CRITICAL"
        );
        assert_eq!(t.fields().collect::<Vec<_>>(), vec!["host", "state"]);
    }

    #[test]
    fn json_around_placeholders_stays_literal() {
        let t = Template::parse(r#"{"h": "{host}", "o": "{output}", "n": {"x": [{"y": {}}]}}"#)
            .unwrap();
        let s = t.render_escaped(&look, &json_escape).unwrap();
        assert_eq!(
            s,
            r#"{"h": "web01", "o": "say \"hi\"\\\n\tbye\u0001", "n": {"x": [{"y": {}}]}}"#
        );
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["o"], "say \"hi\"\\\n\tbye\u{1}");
    }

    #[test]
    fn unknown_and_missing_names() {
        assert_eq!(
            Template::parse("{hots}").unwrap_err(),
            TemplateError::Unknown("hots".into())
        );
        let t = Template::parse("vm {_VMID}").unwrap();
        assert_eq!(
            t.render(&look).unwrap_err().to_string(),
            "no value for {_VMID} in this event"
        );
        // Not a placeholder: a brace followed by a non-identifier, or unclosed.
        let t = Template::parse("{ host} {host {1x} {").unwrap();
        assert_eq!(t.render(&look).unwrap(), "{ host} {host {1x} {");
    }

    #[test]
    fn non_ascii_text_is_kept() {
        let t = Template::parse("é{host}ü}").unwrap();
        assert_eq!(t.render(&look).unwrap(), "éweb01ü}");
    }
}
