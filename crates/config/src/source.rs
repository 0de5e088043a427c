//! Reading configuration files as bytes: UTF-8 with a per-line Latin-1 fallback,
//! and the physical-to-logical line reader shared by every file type (CR-LF
//! endings, trailing-backslash continuation lines, rule L1 of objects.md).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One file's text, decoded.
#[derive(Debug)]
pub(crate) struct Source {
    pub path: Arc<PathBuf>,
    pub text: String,
    /// 1-based numbers of the lines that were not valid UTF-8 and were read as Latin-1.
    pub latin1_lines: Vec<u32>,
}

impl Source {
    /// Decodes `bytes`: valid UTF-8 is taken as is; every line that is not valid
    /// UTF-8 is decoded as Latin-1 (each byte one character) and recorded.
    pub fn from_bytes(path: Arc<PathBuf>, bytes: Vec<u8>) -> Source {
        match String::from_utf8(bytes) {
            Ok(text) => Source {
                path,
                text,
                latin1_lines: Vec::new(),
            },
            Err(e) => {
                let bytes = e.into_bytes();
                let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
                let mut latin1_lines = Vec::new();
                let mut line_no = 0u32;
                for chunk in bytes.split_inclusive(|&b| b == b'\n') {
                    line_no = line_no.saturating_add(1);
                    match std::str::from_utf8(chunk) {
                        Ok(s) => text.push_str(s),
                        Err(_) => {
                            latin1_lines.push(line_no);
                            text.extend(chunk.iter().map(|&b| b as char));
                        }
                    }
                }
                Source {
                    path,
                    text,
                    latin1_lines,
                }
            }
        }
    }

    /// Reads and decodes the file at `path`.
    pub fn read(path: &Path) -> std::io::Result<Source> {
        let bytes = std::fs::read(path)?;
        Ok(Source::from_bytes(Arc::new(path.to_path_buf()), bytes))
    }
}

/// Iterator over logical lines: `(first physical line number, text)`. Trailing
/// `\r` is removed; a line ending in a single `\` is joined with the next one
/// (the backslash removed, the next line's leading blanks removed); a line ending
/// in `\\` is not continued and keeps one backslash.
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line_no: u32,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            pos: 0,
            line_no: 0,
        }
    }

    /// The next physical line without its line ending, or `None` at the end.
    fn physical(&mut self) -> Option<&'a str> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let (line, adv) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += adv;
        self.line_no = self.line_no.saturating_add(1);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u32, Cow<'a, str>);

    fn next(&mut self) -> Option<(u32, Cow<'a, str>)> {
        let line = self.physical()?;
        let start = self.line_no;
        if !line.ends_with('\\') {
            return Some((start, Cow::Borrowed(line)));
        }
        if line.ends_with("\\\\") {
            return Some((start, Cow::Borrowed(&line[..line.len() - 1])));
        }
        // Continuation: join physical lines.
        let mut buf = String::from(&line[..line.len() - 1]);
        while let Some(next) = self.physical() {
            let next = next.trim_start_matches([' ', '\t']);
            if next.ends_with("\\\\") {
                buf.push_str(&next[..next.len() - 1]);
                break;
            } else if let Some(head) = next.strip_suffix('\\') {
                buf.push_str(head);
            } else {
                buf.push_str(next);
                break;
            }
        }
        Some((start, Cow::Owned(buf)))
    }
}

/// Blanks as Nagios' `strip()` sees them.
pub(crate) fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c')
}

/// Trims Nagios blanks at both ends.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(is_blank)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(t: &str) -> Vec<(u32, String)> {
        Lines::new(t).map(|(n, s)| (n, s.into_owned())).collect()
    }

    #[test]
    fn continuation_and_crlf() {
        assert_eq!(
            collect("a \\\n   b\r\nc\\\\\nd"),
            vec![(1, "a b".into()), (3, "c\\".into()), (4, "d".into())]
        );
        assert_eq!(collect("x\\\n y\\\n z\n"), vec![(1, "xyz".into())]);
    }

    #[test]
    fn latin1_lines_are_decoded() {
        let s = Source::from_bytes(Arc::new("f".into()), b"ok\ncaf\xe9\n".to_vec());
        assert_eq!(s.text, "ok\ncaf\u{e9}\n");
        assert_eq!(s.latin1_lines, vec![2]);
    }
}
