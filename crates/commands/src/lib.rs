//! `vigil-commands` owns the external command interface of a Nagios-compatible core:
//! the line format `[<epoch>] NAME;arg;...` of the command file (spec
//! `external-commands.md` §1.1), every command Nagios 4.4.6 accepts as a typed
//! [`Command`] ([`parse_command`], with the table of all names in [`table`] and
//! `COMMANDS.md`), the modified-attribute bits commands set ([`ModAttr`]), the exact
//! log texts Nagios 4.4.6 writes for accepted, unknown, malformed and failed
//! commands (§1.2), and reading the named pipe itself ([`fifo`]).
//!
//! Everything except [`fifo`] is pure: no I/O, no clock, no global state.
//!
//! Typical use by the engine, for one line read from the FIFO:
//!
//! 1. [`parse_line`]; on error log [`malformed_text`] and skip the line.
//! 2. [`parse_command`]; on [`CommandError::Unknown`] log [`error_texts`] and skip;
//!    on [`CommandError::Malformed`] Nagios first logs the accepted line
//!    ([`log_text`], see [`CommandError::logs_accepted_line`]) and then
//!    [`error_texts`].
//! 3. Log [`log_text`] (gated by `log_external_commands`, or `log_passive_checks`
//!    for `PROCESS_*_CHECK_RESULT`), execute, and on failure log [`failed_texts`].
//!
//! One code path for hosts, services and groups: a command is an *operation*
//! ([`Command::Switch`], [`Command::ScheduleDowntime`], ...) applied to a
//! [`Target`] (one [`Object`], all services of a host, a host and its children,
//! the hosts or services of a host- or servicegroup) or to [`Contacts`].

mod args;
mod command;
pub mod fifo;
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

/// `NAME;args` as Nagios prints it in `EXTERNAL COMMAND:` and error lines
/// (always with the `;`, also when there are no arguments).
pub fn command_text(line: &Line) -> String {
    format!("{};{}", line.name, line.args)
}

/// The command as received, `[ts] NAME;args` (without `;` when there were no
/// arguments), used in the `External command ... returned error ...` lines.
fn received_text(line: &Line) -> String {
    if line.args.is_empty() {
        format!("[{}] {}", line.entry_time, line.name)
    } else {
        format!("[{}] {};{}", line.entry_time, line.name, line.args)
    }
}

/// The accepted-command log line: `EXTERNAL COMMAND: NAME;args` (name as written,
/// args verbatim, trailing `;` when there are none).
pub fn log_text(line: &Line) -> String {
    format!("EXTERNAL COMMAND: {}", command_text(line))
}

/// The log line for a line that is not a command at all:
/// `External command <line> returned error Malformed command` (`raw` is the line as
/// read; it is stripped of surrounding blanks and CR/LF here).
pub fn malformed_text(raw: &str, err: &ParseError) -> String {
    let _ = err; // Nagios 4 gives no detail; the reason is available via Display.
    format!(
        "External command {} returned error Malformed command",
        strip_line(raw)
    )
}

/// The log lines for a command whose execution failed (unknown object, refused
/// value, ...), as Nagios 4.4.6 writes them:
/// `Error: External command failed -> NAME;args` and
/// `External command [ts] NAME;args returned error Command failed`.
/// A non-empty `reason` adds a third line `External command NAME failed: <reason>`
/// (vigil's addition, so the log says why; no Nagios tool parses it).
pub fn failed_texts(line: &Line, reason: &str) -> Vec<String> {
    let mut v = vec![
        format!("Error: External command failed -> {}", command_text(line)),
        format!(
            "External command {} returned error Command failed",
            received_text(line)
        ),
    ];
    if !reason.is_empty() {
        v.push(format!("External command {} failed: {}", line.name, reason));
    }
    v
}

/// The log lines for a [`CommandError`]:
/// * unknown name: `Warning: Unrecognized external command -> NAME;args` and
///   `External command [ts] NAME;args returned error Unknown or unsupported command`;
/// * malformed arguments: the [`failed_texts`] lines with the reason (Nagios 4 logs
///   `EXTERNAL COMMAND: ...` before them, see [`CommandError::logs_accepted_line`]).
pub fn error_texts(line: &Line, err: &CommandError) -> Vec<String> {
    match err {
        CommandError::Unknown => vec![
            format!(
                "Warning: Unrecognized external command -> {}",
                command_text(line)
            ),
            format!(
                "External command {} returned error Unknown or unsupported command",
                received_text(line)
            ),
        ],
        CommandError::Malformed(reason) => failed_texts(line, reason),
    }
}

/// `Warning:  Passive check result was received for service '<s>' on host '<h>', but
/// the host could not be found!` (two spaces after `Warning:`, as Nagios writes it).
pub fn passive_service_unknown_host_text(host: &str, service: &str) -> String {
    format!("Warning:  Passive check result was received for service '{service}' on host '{host}', but the host could not be found!")
}

/// `Warning:  Passive check result was received for service '<s>' on host '<h>', but
/// the service could not be found!`
pub fn passive_service_unknown_service_text(host: &str, service: &str) -> String {
    format!("Warning:  Passive check result was received for service '{service}' on host '{host}', but the service could not be found!")
}

/// `Warning:  Passive check result was received for host '<h>', but the host could
/// not be found!`
pub fn passive_host_unknown_host_text(host: &str) -> String {
    format!(
        "Warning:  Passive check result was received for host '{host}', but the host could not be found!"
    )
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

    #[test]
    fn log_texts_match_nagios() {
        assert_eq!(
            log_text(&line(1, "SAVE_STATE_INFORMATION", "")),
            "EXTERNAL COMMAND: SAVE_STATE_INFORMATION;"
        );
        assert_eq!(
            log_text(&line(1, "save_state_information", "")),
            "EXTERNAL COMMAND: save_state_information;"
        );
        assert_eq!(
            log_text(&line(1, "DISABLE_SVC_EVENT_HANDLER", "h1;s1")),
            "EXTERNAL COMMAND: DISABLE_SVC_EVENT_HANDLER;h1;s1"
        );
        assert_eq!(
            malformed_text("no timestamp\n", &ParseError::NoTimestamp),
            "External command no timestamp returned error Malformed command"
        );
        assert_eq!(
            malformed_text("[1795657487", &ParseError::UnterminatedTimestamp),
            "External command [1795657487 returned error Malformed command"
        );
    }

    #[test]
    fn unknown_and_failed_texts() {
        let l = line(1795657487, "FOO_BAR", "a;b");
        assert_eq!(
            error_texts(&l, &CommandError::Unknown),
            vec![
                "Warning: Unrecognized external command -> FOO_BAR;a;b".to_string(),
                "External command [1795657487] FOO_BAR;a;b returned error Unknown or unsupported command".to_string(),
            ]
        );
        let l = line(1795657487, "ENABLE_SVC_CHECK", "");
        assert_eq!(
            failed_texts(&l, ""),
            vec![
                "Error: External command failed -> ENABLE_SVC_CHECK;".to_string(),
                "External command [1795657487] ENABLE_SVC_CHECK returned error Command failed"
                    .to_string(),
            ]
        );
        let l = line(7, "ENABLE_SVC_CHECK", "db1");
        assert_eq!(
            error_texts(
                &l,
                &CommandError::Malformed("missing service description".into())
            ),
            vec![
                "Error: External command failed -> ENABLE_SVC_CHECK;db1".to_string(),
                "External command [7] ENABLE_SVC_CHECK;db1 returned error Command failed"
                    .to_string(),
                "External command ENABLE_SVC_CHECK failed: missing service description".to_string(),
            ]
        );
    }

    #[test]
    fn passive_warning_texts() {
        assert_eq!(
            passive_service_unknown_host_text("nohost", "x"),
            "Warning:  Passive check result was received for service 'x' on host 'nohost', but the host could not be found!"
        );
        assert_eq!(
            passive_service_unknown_service_text("db1", "nosvc"),
            "Warning:  Passive check result was received for service 'nosvc' on host 'db1', but the service could not be found!"
        );
        assert_eq!(
            passive_host_unknown_host_text("nohost"),
            "Warning:  Passive check result was received for host 'nohost', but the host could not be found!"
        );
    }
}
