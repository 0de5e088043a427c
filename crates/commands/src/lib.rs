//! `vigil-commands` owns the external command interface of a Nagios-compatible core:
//! the line format `[<epoch>] NAME;arg;...` of the command file (spec
//! `external-commands.md` §1.1), every command Nagios 4.4.6 accepts as a typed
//! [`Command`] ([`parse_command`], with the table of all names in [`table`] and
//! `COMMANDS.md`) and the modified-attribute bits commands set ([`ModAttr`]). The
//! log texts Nagios 4.4.6 writes for accepted, unknown, malformed and failed
//! commands (§1.2) are rendered by `vigil-events` (`CommandEvent`). Reading the
//! named pipe is the engine's job.
//!
//! Pure: no I/O, no clock, no global state.
//!
//! Typical use by the engine, for one line read from the FIFO:
//!
//! 1. [`parse_line`]; on error report the line as malformed and skip it.
//! 2. [`parse_command`]; on [`CommandError::Unknown`] report it and skip; on
//!    [`CommandError::Malformed`] Nagios first logs the accepted line (see
//!    [`CommandError::logs_accepted_line`]) and then the failure.
//! 3. Report the accepted line (logged with `log_external_commands`, or
//!    `log_passive_checks` for `PROCESS_*_CHECK_RESULT`), execute, and on failure
//!    report that.
//!
//! One code path for hosts, services and groups: a command is an *operation*
//! ([`Command::Switch`], [`Command::ScheduleDowntime`], ...) applied to a
//! [`Target`] (one [`Object`], all services of a host, a host and its children,
//! the hosts or services of a host- or servicegroup) or to [`Contacts`].

mod args;
mod command;
pub mod modattr;
mod parse;
pub mod table;

pub use args::unescape_output;
pub use command::{
    Command, CommandError, Contacts, DowntimeFilter, HandlerSlot, IntervalKind, ModAttrOwner, Note,
    NotificationOptions, Object, ObjectKind, ObjectSwitch, PeriodSlot, ProgramSwitch, Target,
    VarOwner,
};
pub use modattr::{AttrSet, ModAttr, ModAttrChange};
pub use parse::parse_command;
pub use table::{lookup, CommandSpec, COMMANDS};

/// One command line split into its parts (spec §1.1). Nothing is validated beyond
/// the line shape; [`parse_command`] interprets name and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The number between `[` and `]`, read like C `strtoul`: leading digits,
    /// anything unparsable (or out of range) gives 0, as Nagios 4 does.
    pub entry_time: i64,
    /// The command name exactly as written (case kept).
    pub name: String,
    /// Raw text after the first `;` (empty when there is none).
    pub args: String,
}

/// Why a line is not a command at all (Nagios: `returned error Malformed command`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Blank line.
    #[error("empty line")]
    Empty,
    /// The line does not start with `[`.
    #[error("commands must begin with a timestamp inside square brackets")]
    NoTimestamp,
    /// A `[` without the closing `]`.
    #[error("missing ']' after the timestamp")]
    UnterminatedTimestamp,
    /// Nothing (or only `;...`) after the timestamp.
    #[error("missing command name")]
    EmptyName,
}

/// Characters removed from both ends of a line (Nagios `strip()`).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Trims a line the way the core does before parsing: surrounding blanks and CR/LF.
pub fn strip_line(line: &str) -> &str {
    line.trim_matches(is_blank)
}

/// Reads a timestamp like C `strtoul(s, NULL, 10)` would for our purposes: optional
/// leading blanks, an optional `+`, then the longest run of digits. No digits,
/// a minus sign, or a value beyond `i64::MAX` give 0.
fn parse_entry_time(s: &str) -> i64 {
    let s = s.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix('+').unwrap_or(s);
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse::<i64>().unwrap_or(0)
}

/// Splits `[<ts>] NAME;args` (spec §1.1): the line must start with `[`; the text up
/// to `]` is the entry time; exactly one character after `]` is skipped (so
/// `[123]CMD` loses the `C`, as in Nagios 4); the name ends at the first `;`; the
/// rest is `args`. Trailing CR/LF and surrounding blanks are stripped first.
pub fn parse_line(line: &str) -> Result<Line, ParseError> {
    let line = strip_line(line);
    if line.is_empty() {
        return Err(ParseError::Empty);
    }
    let rest = line.strip_prefix('[').ok_or(ParseError::NoTimestamp)?;
    let close = rest.find(']').ok_or(ParseError::UnterminatedTimestamp)?;
    let entry_time = parse_entry_time(&rest[..close]);
    let mut after = rest[close + 1..].chars();
    after.next(); // exactly one character (normally the space) is skipped
    let body = after.as_str();
    let (name, args) = match body.find(';') {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    if name.is_empty() {
        return Err(ParseError::EmptyName);
    }
    Ok(Line {
        entry_time,
        name: name.to_string(),
        args: args.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ts: i64, name: &str, args: &str) -> Line {
        Line {
            entry_time: ts,
            name: name.into(),
            args: args.into(),
        }
    }

    #[test]
    fn parses_normal_line() {
        assert_eq!(
            parse_line("[1700000000] PROCESS_SERVICE_CHECK_RESULT;h;s;0;OK - fine\n"),
            Ok(line(
                1700000000,
                "PROCESS_SERVICE_CHECK_RESULT",
                "h;s;0;OK - fine"
            ))
        );
    }

    #[test]
    fn strips_crlf_and_blanks() {
        assert_eq!(
            parse_line("  [5] SAVE_STATE_INFORMATION \r\n"),
            Ok(line(5, "SAVE_STATE_INFORMATION", ""))
        );
        assert_eq!(parse_line("\t[5] X;a b \t\r"), Ok(line(5, "X", "a b")));
    }

    #[test]
    fn skips_exactly_one_char_after_bracket() {
        // Nagios 4: `[123]CMD` loses the `C`.
        assert_eq!(
            parse_line("[123]XSAVE_STATE_INFORMATION"),
            Ok(line(123, "SAVE_STATE_INFORMATION", ""))
        );
        // Two spaces: the second one becomes part of the name.
        assert_eq!(parse_line("[1]  FOO;x"), Ok(line(1, " FOO", "x")));
        // A multi-byte character is skipped whole.
        assert_eq!(parse_line("[1]éFOO"), Ok(line(1, "FOO", "")));
    }

    #[test]
    fn bad_timestamps_read_like_strtoul() {
        assert_eq!(parse_line("[abc] FOO").map(|l| l.entry_time), Ok(0));
        assert_eq!(parse_line("[12x] FOO").map(|l| l.entry_time), Ok(12));
        assert_eq!(parse_line("[ 42] FOO").map(|l| l.entry_time), Ok(42));
        assert_eq!(parse_line("[+7] FOO").map(|l| l.entry_time), Ok(7));
        assert_eq!(parse_line("[-5] FOO").map(|l| l.entry_time), Ok(0));
        assert_eq!(parse_line("[] FOO").map(|l| l.entry_time), Ok(0));
        assert_eq!(
            parse_line("[99999999999999999999999] FOO").map(|l| l.entry_time),
            Ok(0)
        );
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(parse_line(""), Err(ParseError::Empty));
        assert_eq!(parse_line(" \r\n"), Err(ParseError::Empty));
        assert_eq!(parse_line("no timestamp"), Err(ParseError::NoTimestamp));
        assert_eq!(parse_line("FOO;[1]"), Err(ParseError::NoTimestamp));
        assert_eq!(
            parse_line("[1795657487"),
            Err(ParseError::UnterminatedTimestamp)
        );
        assert_eq!(parse_line("[1]"), Err(ParseError::EmptyName));
        assert_eq!(parse_line("[1] "), Err(ParseError::EmptyName));
        assert_eq!(parse_line("[1] ;args"), Err(ParseError::EmptyName));
        assert_eq!(
            ParseError::NoTimestamp.to_string(),
            "commands must begin with a timestamp inside square brackets"
        );
    }

    #[test]
    fn args_keep_semicolons_and_inner_blanks() {
        let l = parse_line("[1] ADD_SVC_COMMENT;h;s;1;me;a; b ;c").unwrap();
        assert_eq!(l.args, "h;s;1;me;a; b ;c");
        let l = parse_line("[1] FOO;").unwrap();
        assert_eq!((l.name.as_str(), l.args.as_str()), ("FOO", ""));
    }
}
