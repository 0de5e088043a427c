//! Tolerant reader of the `type {` / `key=value` / `}` block format shared by
//! retention.dat and status.dat. Leading tabs and surrounding blanks are ignored (so
//! both files parse), unknown keys and block types are kept, and every line that
//! cannot be understood is skipped with a note in [`Retention::problems`].

use crate::{Fields, RawBlock, RetainedObject, Retention};

/// Parses retention (or status) text. Never fails: bad lines are skipped and
/// described in [`Retention::problems`] (`line N: reason`). Status-file block names
/// (`hoststatus`, `servicestatus`, `programstatus`, `contactstatus`) are read as
/// their retention counterparts.
pub fn parse(text: &str) -> Retention {
    let mut p = Parser::default();
    for raw in text.lines() {
        p.line(raw);
    }
    p.finish()
}

/// [`parse`] a line at a time, for a file read line by line (never whole in
/// memory): lines in order, then [`Parser::finish`].
#[derive(Default)]
pub struct Parser {
    ret: Retention,
    open: Option<(RawBlock, usize)>,
    lineno: usize,
}

impl Parser {
    /// The next line (without its line ending).
    pub fn line(&mut self, raw: &str) {
        self.lineno += 1;
        let lineno = self.lineno;
        let ret = &mut self.ret;
        let line = raw.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        if line == "}" {
            match self.open.take() {
                Some((block, start)) => finish(ret, block, start),
                None => ret
                    .problems
                    .push(format!("line {lineno}: '}}' outside of a block")),
            }
            return;
        }
        if let Some(kind) = line.strip_suffix('{') {
            let kind = kind.trim_end();
            if !kind.is_empty() && !kind.contains(['=', ' ', '\t']) {
                if let Some((block, start)) = self.open.take() {
                    ret.problems.push(format!(
                        "line {start}: block '{}' not closed before line {lineno}",
                        block.kind
                    ));
                    finish(ret, block, start);
                }
                self.open = Some((
                    RawBlock {
                        kind: kind.to_string(),
                        fields: Fields::new(),
                    },
                    lineno,
                ));
                return;
            }
        }
        match (&mut self.open, line.split_once('=')) {
            (Some((block, _)), Some((k, v))) if !k.is_empty() => {
                if !block.fields.push(k, v) {
                    ret.problems.push(format!(
                        "line {lineno}: block larger than 4 GiB, field skipped"
                    ));
                }
            }
            (Some(_), _) => ret
                .problems
                .push(format!("line {lineno}: not a key=value line, skipped")),
            (None, _) => ret
                .problems
                .push(format!("line {lineno}: text outside of a block, skipped")),
        }
    }

    /// Everything read; a block still open is reported and kept.
    pub fn finish(mut self) -> Retention {
        if let Some((block, start)) = self.open.take() {
            self.ret.problems.push(format!(
                "line {start}: block '{}' not closed at end of file",
                block.kind
            ));
            finish(&mut self.ret, block, start);
        }
        self.ret
    }
}

fn finish(ret: &mut Retention, block: RawBlock, start: usize) {
    match block.kind.as_str() {
        "info" => ret.info.extend(owned(&block.fields)),
        "program" | "programstatus" => ret.program.extend(owned(&block.fields)),
        "host" | "hoststatus" => match object(block, false) {
            Ok(o) => ret.hosts.push(o),
            Err(why) => ret.problems.push(format!("line {start}: {why}")),
        },
        "service" | "servicestatus" => match object(block, true) {
            Ok(o) => ret.services.push(o),
            Err(why) => ret.problems.push(format!("line {start}: {why}")),
        },
        "contact" | "contactstatus" => ret.contacts.push(compact(block)),
        "hostcomment" | "servicecomment" => ret.comments.push(compact(block)),
        "hostdowntime" | "servicedowntime" => ret.downtimes.push(compact(block)),
        _ => ret.other.push(compact(block)),
    }
}

fn owned(fields: &Fields) -> impl Iterator<Item = (String, String)> + '_ {
    fields.iter().map(|(k, v)| (k.to_string(), v.to_string()))
}

fn compact(mut block: RawBlock) -> RawBlock {
    block.fields.shrink_to_fit();
    block
}

fn object(block: RawBlock, service: bool) -> Result<RetainedObject, String> {
    let mut host_name = None;
    let mut description = None;
    let mut fields = Fields::new();
    for (k, v) in block.fields.iter() {
        match k {
            "host_name" if host_name.is_none() => host_name = Some(v.to_string()),
            "service_description" if service && description.is_none() => {
                description = Some(v.to_string())
            }
            // A part of a block that fitted: it fits.
            _ => {
                fields.push(k, v);
            }
        }
    }
    fields.shrink_to_fit();
    let host_name = host_name
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("{} block without host_name, skipped", block.kind))?;
    if service && description.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "{} block of host '{host_name}' without service_description, skipped",
            block.kind
        ));
    }
    Ok(RetainedObject {
        host_name,
        service_description: description,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_and_keeps_unknown_keys() {
        let r = parse(
            "# header\ninfo {\ncreated=10\nversion=4.4.6\n}\nprogram {\nnext_event_id=7\nfuture_key=x\n}\n\
             host {\nhost_name=h1\ncurrent_state=1\n_RACK=0;r1\n}\n\
             service {\nhost_name=h1\nservice_description=s;1\nplugin_output=a=b;c\n}\n\
             contact {\ncontact_name=c\n}\nservicecomment {\nhost_name=h1\ncomment_id=3\n}\n\
             hostdowntime {\nhost_name=h1\n}\nweird {\nk=v\n}\n",
        );
        assert_eq!(r.info_value("created"), Some("10"));
        assert_eq!(r.program_value("future_key"), Some("x"));
        assert_eq!(r.hosts.len(), 1);
        assert_eq!(r.hosts[0].host_name, "h1");
        assert_eq!(r.hosts[0].get("_RACK"), Some("0;r1"));
        assert_eq!(
            r.service("h1", "s;1").and_then(|s| s.get("plugin_output")),
            Some("a=b;c")
        );
        assert_eq!(r.contacts[0].get("contact_name"), Some("c"));
        assert_eq!(r.comments[0].kind, "servicecomment");
        assert_eq!(r.downtimes[0].kind, "hostdowntime");
        assert_eq!(r.other[0].kind, "weird");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
    }

    #[test]
    fn reads_status_dat_layout() {
        let r = parse(
            "hoststatus {\n\thost_name=h\n\tcurrent_state=2\n\t}\n\nservicestatus {\n\thost_name=h\n\tservice_description=s\n\tcurrent_attempt=3\n\t}\n",
        );
        assert_eq!(r.host("h").and_then(|h| h.get("current_state")), Some("2"));
        assert_eq!(
            r.service("h", "s").and_then(|s| s.get("current_attempt")),
            Some("3")
        );
    }

    #[test]
    fn bad_lines_are_skipped_with_reasons() {
        let r = parse(
            "garbage\n}\nhost {\nno equals sign\n=novalue\ncurrent_state=1\n}\n\
             host {\ncurrent_state=2\n}\nservice {\nhost_name=h\n}\n\
             host {\nhost_name=a\nhost {\nhost_name=b\n",
        );
        assert_eq!(
            r.problems,
            vec![
                "line 1: text outside of a block, skipped",
                "line 2: '}' outside of a block",
                "line 4: not a key=value line, skipped",
                "line 5: not a key=value line, skipped",
                "line 3: host block without host_name, skipped",
                "line 8: host block without host_name, skipped",
                "line 11: service block of host 'h' without service_description, skipped",
                "line 14: block 'host' not closed before line 16",
                "line 16: block 'host' not closed at end of file",
            ]
        );
        let names: Vec<_> = r.hosts.iter().map(|h| h.host_name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
    }

    #[test]
    fn values_keep_equals_and_inner_spaces_but_not_surrounding_blanks() {
        let r = parse("host {\nhost_name=h\nplugin_output= a = b  \r\n}\n");
        assert_eq!(r.hosts[0].get("plugin_output"), Some(" a = b"));
    }
}
