//! Plugin output parsing (spec checks-and-states.md §1.3): splits raw plugin
//! stdout into the short output, the (escaped) long output and the perfdata,
//! exactly as Nagios 4.4.6 does (rules confirmed by running it on edge cases).
//!
//! Rules:
//! * bytes after the first NUL are ignored (Nagios handles C strings); invalid
//!   UTF-8 is replaced lossily;
//! * one trailing `\n` is dropped, the rest is split on `\n`;
//! * line 1: short output = text before the first `|`, perfdata = the rest of the
//!   line (further `|` included). An empty line 1 gives no short output (`None`; the
//!   caller substitutes `(No output returned from plugin)`); a line 1 that is blank
//!   or starts with `|` gives an empty short output;
//! * later lines are long output until a line containing `|`: its part before the
//!   `|` is the last long-output line, everything after it and all following lines
//!   are perfdata, each appended as `" " + text`;
//! * short output and perfdata are trimmed of spaces, tabs, CR and LF; `;` in the
//!   short output becomes `:` (not in long output nor perfdata);
//! * long output lines are joined with `\n` and stored escaped: newline as the two
//!   characters `\n`, backslash doubled; CR and tabs are kept.

use crate::Output;

/// Parses raw plugin output (stdout bytes). See the module documentation.
pub fn parse_output(stdout: &[u8]) -> Output {
    let bytes = match stdout.iter().position(|&b| b == 0) {
        Some(nul) => &stdout[..nul],
        None => stdout,
    };
    let text = String::from_utf8_lossy(bytes);
    parse_text(&text)
}

/// Same as [`parse_output`] for text that is already a string (passive results).
pub fn parse_text(text: &str) -> Output {
    let text = match text.find('\0') {
        Some(nul) => &text[..nul],
        None => text,
    };
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Output::default();
    }
    let mut lines = text.split('\n');
    let first = lines.next().unwrap_or("");
    let (short, mut perf) = if first.is_empty() {
        (None, String::new())
    } else {
        match first.split_once('|') {
            Some((out, perf)) => (Some(out), perf.to_string()),
            None => (Some(first), String::new()),
        }
    };
    let mut long_lines: Vec<&str> = Vec::new();
    let mut in_perf = false;
    for line in lines {
        if in_perf {
            perf.push(' ');
            perf.push_str(line);
        } else if let Some((out, rest)) = line.split_once('|') {
            long_lines.push(out);
            perf.push(' ');
            perf.push_str(rest);
            in_perf = true;
        } else {
            long_lines.push(line);
        }
    }
    Output {
        short: short.map(|s| strip(s).replace(';', ":")),
        long: escape_long_output(&long_lines.join("\n")),
        perfdata: strip(&perf).to_string(),
    }
}

/// Trims the characters Nagios' `strip()` removes: space, tab, CR, LF.
pub fn strip(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// Escapes long output for storage and macros: `\` -> `\\`, newline -> `\n`.
pub fn escape_long_output(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Reverses [`escape_long_output`] (`\\` -> `\`, `\n` -> newline; other
/// backslashes are kept).
pub fn unescape_long_output(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                }
                Some('n') => {
                    out.push('\n');
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> (Option<String>, String, String) {
        let o = parse_output(s.as_bytes());
        (o.short, o.long, o.perfdata)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn spec_example() {
        assert_eq!(
            p("first; x | p=1;2;3\nlong A\nlong B | q=2\nr=3"),
            (
                some("first: x"),
                "long A\\nlong B ".to_string(),
                "p=1;2;3  q=2 r=3".to_string()
            )
        );
    }

    #[test]
    fn env_macros_trace() {
        assert_eq!(
            p("DISK WARNING - 85% used | used=85%;80;90\nline two\nline three | extra=1"),
            (
                some("DISK WARNING - 85% used"),
                "line two\\nline three ".to_string(),
                "used=85%;80;90  extra=1".to_string()
            )
        );
    }

    #[test]
    fn multiline_perfdata_trace() {
        let out = "DISK WARNING - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%); | /boot=68MB;88;93;0;98\n/home=69357MB;253404;253409;0;253414\n/var/log=818MB;970;975;0;980";
        assert_eq!(
            p(out),
            (
                some("DISK WARNING - free space: / 3326 MB (56%):"),
                "/ 15272 MB (77%);\\n/boot 68 MB (69%);\\n/home 69357 MB (27%);\\n/var/log 819 MB (84%); ".to_string(),
                "/=2643MB;5948;5958;0;5968  /boot=68MB;88;93;0;98 /home=69357MB;253404;253409;0;253414 /var/log=818MB;970;975;0;980".to_string()
            )
        );
        assert_eq!(
            p("DISK CRITICAL - /var/log full\nsecond line without perfdata\nthird line"),
            (
                some("DISK CRITICAL - /var/log full"),
                "second line without perfdata\\nthird line".to_string(),
                String::new()
            )
        );
        assert_eq!(
            p("DISK OK\nonly long output here | a=1 b=2"),
            (
                some("DISK OK"),
                "only long output here ".to_string(),
                "a=1 b=2".to_string()
            )
        );
    }

    /// Edge cases as Nagios 4.4.6 handled them (recorded by running it).
    #[test]
    fn nagios_edge_cases() {
        let e = String::new;
        assert_eq!(p("A1\nB1\n"), (some("A1"), "B1".into(), e()));
        assert_eq!(p("|perf=1 only"), (some(""), e(), "perf=1 only".into()));
        assert_eq!(
            p("\nsecond line only"),
            (None, "second line only".into(), e())
        );
        assert_eq!(p("  spaced  | p=1 \n"), (some("spaced"), e(), "p=1".into()));
        assert_eq!(p("a2|b=1|c=2"), (some("a2"), e(), "b=1|c=2".into()));
        assert_eq!(p("x3\n\nz3"), (some("x3"), "\\nz3".into(), e()));
        assert_eq!(
            p("back\\slash\nl2\\x\ttab"),
            (some("back\\slash"), "l2\\\\x\ttab".into(), e())
        );
        assert_eq!(
            p("first; x4\nlong; y4|p;1\nq;2"),
            (some("first: x4"), "long; y4".into(), "p;1 q;2".into())
        );
        assert_eq!(
            p("   \nonly spaces first"),
            (some(""), "only spaces first".into(), e())
        );
        assert_eq!(
            p("line1\r\nline2\r\n"),
            (some("line1"), "line2\r".into(), e())
        );
        assert_eq!(p("   |p=5"), (some(""), e(), "p=5".into()));
        assert_eq!(p("A\nB\n\n"), (some("A"), "B\\n".into(), e()));
        assert_eq!(p("\n"), (None, e(), e()));
        assert_eq!(p("A\n\n"), (some("A"), e(), e()));
        assert_eq!(p("A\nB | p=1\n"), (some("A"), "B ".into(), "p=1".into()));
        assert_eq!(
            p("A\nB | p=1\nC\n\nD\n"),
            (some("A"), "B ".into(), "p=1 C  D".into())
        );
        assert_eq!(p("A | p=1\nB\n"), (some("A"), "B".into(), "p=1".into()));
        assert_eq!(p("A\n|q=1"), (some("A"), e(), "q=1".into()));
        assert_eq!(p("A\n \n"), (some("A"), " ".into(), e()));
        assert_eq!(
            p("A\nB\n\nC\n\n\n"),
            (some("A"), "B\\n\\nC\\n\\n".into(), e())
        );
        assert_eq!(p("\n\nX"), (None, "\\nX".into(), e()));
        assert_eq!(p("A|"), (some("A"), e(), e()));
        assert_eq!(p("A\n  B  \n"), (some("A"), "  B  ".into(), e()));
        assert_eq!(p(""), (None, e(), e()));
    }

    #[test]
    fn nul_and_invalid_utf8() {
        assert_eq!(parse_output(b"OK\0garbage").short, some("OK"));
        assert_eq!(parse_output(b"\0x").short, None);
        assert_eq!(parse_output(b"caf\xe9 ok").short, some("caf\u{fffd} ok"));
        assert_eq!(parse_text("a\0b").short, some("a"));
    }

    #[test]
    fn escape_roundtrip() {
        let raw = "a\\b\nc\\n";
        let esc = escape_long_output(raw);
        assert_eq!(esc, "a\\\\b\\nc\\\\n");
        assert_eq!(unescape_long_output(&esc), raw);
        assert_eq!(unescape_long_output("x\\y"), "x\\y");
        assert_eq!(unescape_long_output("end\\"), "end\\");
    }
}
