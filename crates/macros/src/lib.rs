//! `vigil-macros` owns Nagios macro expansion: turning a command definition
//! (`command_line` plus the `!`-separated `$ARGn$` of the calling directive) into the
//! text that is executed, the `NAGIOS_*` environment of `enable_environment_macros`,
//! and every standard, on-demand, custom-variable, `$USERn$` and `$ARGn$` macro.
//!
//! The algorithm is the one of Nagios 4.4.6 `process_macros_r` (spec `macros.md` §1):
//! the text is split on `$`; unknown names and object macros whose object is not in
//! the [`Context`] are kept verbatim, known macros without a value become empty,
//! `$$` is a literal `$`. Expansion is single pass except for notes / notes URL /
//! action URL directives, whose stored text is itself expanded (URLs URL-encoded).
//!
//! The result is not a flat string but a list of [`Piece`]s: [`Piece::Code`] for text
//! that comes from the configuration and [`Piece::Data`] for run-time values that
//! came from plugins or users (output, perfdata, acknowledgement comments...). The
//! executor uses that split to never let plugin output become shell syntax.
//! [`Expanded::to_plain`] gives the concatenation (for log lines and warnings).
//!
//! Cleaning (`illegal_macro_output_chars` plus the control bytes 0x00–0x1F and 0x7F)
//! applies to the output/perfdata/ack/notification-comment macros and to custom
//! variable macros, as in the Debian-patched Nagios 4.4.6 the traces were recorded
//! with; never to `$ARGn$`, `$USERn$`, names or notes.

#![warn(missing_docs)]

mod env;
mod expand;
mod names;
mod time;
mod values;

#[cfg(test)]
mod tests;

use std::fmt;

use vigil_config::{CommandCall, ContactId, HostId, Model, ServiceId};
use vigil_state::{HostStatus, ProgramState, ServiceStatus};

/// Maximum number of `$ARGn$` (`$ARG1$`..`$ARG32$`); further arguments are ignored.
pub const MAX_COMMAND_ARGUMENTS: usize = 32;
/// Maximum number of `$USERn$` macros (`$USER1$`..`$USER256$`).
pub const MAX_USER_MACROS: usize = 256;
/// Maximum nesting of notes / URL inner expansion (Nagios recurses without limit).
pub const MAX_INNER_DEPTH: u8 = 4;

/// The run-time status of every object, as macros read it (indexed by the model's
/// ids). The core implements it over its own storage; [`StatusSlices`] serves plain
/// slices (tools, tests).
pub trait Statuses {
    /// A host's status.
    fn host(&self, h: HostId) -> Option<&HostStatus>;
    /// A service's status.
    fn service(&self, s: ServiceId) -> Option<&ServiceStatus>;
}

/// [`Statuses`] over two slices indexed by `HostId` / `ServiceId`.
#[derive(Debug, Clone, Copy)]
pub struct StatusSlices<'a> {
    /// Indexed by `HostId`.
    pub hosts: &'a [HostStatus],
    /// Indexed by `ServiceId`.
    pub services: &'a [ServiceStatus],
}

impl Statuses for StatusSlices<'_> {
    fn host(&self, h: HostId) -> Option<&HostStatus> {
        self.hosts.get(h.idx())
    }
    fn service(&self, s: ServiceId) -> Option<&ServiceStatus> {
        self.services.get(s.idx())
    }
}

/// Everything a macro may read: the model, the run-time status of every object,
/// program state, the objects "in context" and the current time.
///
/// A service context should set both `service` and `host` (the service's host); if
/// only `service` is set, the host is taken from the service.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The configuration.
    pub model: &'a Model,
    /// Every object's run-time status.
    pub statuses: &'a dyn Statuses,
    /// Program-wide state (`$PROCESSSTARTTIME$`).
    pub program: &'a ProgramState,
    /// The host in context (`$HOST...$` macros), if any.
    pub host: Option<HostId>,
    /// The service in context (`$SERVICE...$` macros), if any.
    pub service: Option<ServiceId>,
    /// Unix time used for `$TIMET$`, dates and durations.
    pub now: i64,
    /// The time zone timeperiods are evaluated in (`$ISVALIDTIME$`,
    /// `$NEXTVALIDTIME$`).
    pub zone: &'a vigil_config::zone::Zone,
    /// The contact being notified (`$CONTACT...$`, `$CONTACTADDRESSn$`,
    /// `$_CONTACT...$` without on-demand arguments); notifications only.
    pub contact: Option<ContactId>,
    /// The notification being sent (`$NOTIFICATION...$`, the acknowledgement
    /// macros); notifications only.
    pub notification: Option<&'a NotificationMacros>,
}

/// The values of the notification macros of one notification (spec `macros.md` §5,
/// `notifications.md` §12). Author, comment and acknowledgement texts are data:
/// they expand into [`Piece::Data`] and are cleaned like plugin output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationMacros {
    /// `$NOTIFICATIONTYPE$` (`PROBLEM`, `RECOVERY`, `ACKNOWLEDGEMENT`, ...).
    pub type_name: String,
    /// `$NOTIFICATIONNUMBER$`.
    pub number: u32,
    /// `$NOTIFICATIONRECIPIENTS$`: the accepted contacts, comma-separated.
    pub recipients: String,
    /// `$NOTIFICATIONISESCALATED$`.
    pub escalated: bool,
    /// `$NOTIFICATIONAUTHOR$`.
    pub author: Option<String>,
    /// `$NOTIFICATIONAUTHORNAME$`: name of the contact whose name or alias is the
    /// author.
    pub author_name: Option<String>,
    /// `$NOTIFICATIONAUTHORALIAS$`: that contact's alias.
    pub author_alias: Option<String>,
    /// `$NOTIFICATIONCOMMENT$`.
    pub comment: Option<String>,
    /// `$HOSTACKAUTHOR$` / `$SERVICEACKAUTHOR$` (acknowledgement notifications).
    pub ack_author: Option<String>,
    /// `$...ACKAUTHORNAME$`.
    pub ack_author_name: Option<String>,
    /// `$...ACKAUTHORALIAS$`.
    pub ack_author_alias: Option<String>,
    /// `$HOSTACKCOMMENT$` / `$SERVICEACKCOMMENT$`.
    pub ack_comment: Option<String>,
}

/// `$SHORTDATETIME$` of `t` in `zone` with `date_format` (`us`, `euro`, `iso8601`,
/// `strict-iso8601`): the dates in downtime comments.
pub fn short_datetime(zone: &vigil_config::zone::Zone, t: i64, date_format: &str) -> String {
    let mut s = String::new();
    if let Some(tm) = time::local(zone, t) {
        let _ = tm.write_short(&mut s, date_format);
    }
    s
}

/// A fragment of an expanded command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text from the configuration (command line, names, states, `$USERn$`...).
    Code(String),
    /// A run-time value from a plugin or a user (output, perfdata, comments).
    Data(String),
}

impl Piece {
    /// The text of the piece, whatever its kind.
    pub fn text(&self) -> &str {
        match self {
            Piece::Code(s) | Piece::Data(s) => s,
        }
    }

    /// `true` for [`Piece::Data`].
    pub fn is_data(&self) -> bool {
        matches!(self, Piece::Data(_))
    }

    fn text_mut(&mut self) -> &mut String {
        match self {
            Piece::Code(s) | Piece::Data(s) => s,
        }
    }
}

/// The result of an expansion: pieces in order. Adjacent pieces never have the
/// same kind and no piece is empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expanded {
    /// The pieces in order.
    pub pieces: Vec<Piece>,
}

impl Expanded {
    /// The concatenated text of all pieces (for log lines and warnings).
    pub fn to_plain(&self) -> String {
        let len = self.pieces.iter().map(|p| p.text().len()).sum();
        let mut s = String::with_capacity(len);
        for p in &self.pieces {
            s.push_str(p.text());
        }
        s
    }

    /// `true` when the expansion produced no text at all.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Appends code text, merging with a preceding code piece.
    pub fn push_code(&mut self, text: &str) {
        if !text.is_empty() {
            self.buf(false).push_str(text);
        }
    }

    /// Appends data text, merging with a preceding data piece.
    pub fn push_data(&mut self, text: &str) {
        if !text.is_empty() {
            self.buf(true).push_str(text);
        }
    }

    /// The string of the last piece if it has kind `data`, else of a new one.
    pub(crate) fn buf(&mut self, data: bool) -> &mut String {
        let same = matches!(self.pieces.last(), Some(p) if p.is_data() == data);
        if !same {
            self.pieces.push(if data {
                Piece::Data(String::new())
            } else {
                Piece::Code(String::new())
            });
        }
        let last = self.pieces.len() - 1;
        self.pieces[last].text_mut()
    }

    /// Drops empty pieces and merges neighbours of the same kind.
    pub(crate) fn normalize(&mut self) {
        if self.pieces.iter().all(|p| !p.text().is_empty()) {
            return;
        }
        let old = std::mem::take(&mut self.pieces);
        for p in old {
            match p {
                Piece::Code(s) => self.push_code(&s),
                Piece::Data(s) => self.push_data(&s),
            }
        }
    }
}

impl From<Expanded> for vigil_cmdline::CommandLine {
    fn from(e: Expanded) -> Self {
        vigil_cmdline::CommandLine {
            segments: e
                .pieces
                .into_iter()
                .map(|p| match p {
                    Piece::Code(s) => vigil_cmdline::Segment::Code(s),
                    Piece::Data(s) => vigil_cmdline::Segment::Data(s),
                })
                .collect(),
        }
    }
}

impl fmt::Display for Expanded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.pieces {
            f.write_str(p.text())?;
        }
        Ok(())
    }
}

/// How an expansion treats values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Strip illegal characters from cleanable macros (every command context does).
    pub clean: bool,
    /// URL-encode every inserted value (what notes_url/action_url inner expansion does).
    pub url_encode: bool,
    /// Nagios >= 4.5.7 behaviour: an undefined `$_HOSTX$`/`$_SERVICEX$` expands to
    /// empty instead of being left verbatim (4.4.6 and Naemon).
    pub empty_undefined_custom_vars: bool,
}

impl Default for Options {
    /// Command-context defaults: cleaning on, no URL encoding, 4.4.6 custom variables.
    fn default() -> Self {
        Options {
            clean: true,
            url_encode: false,
            empty_undefined_custom_vars: false,
        }
    }
}

/// An expanded command with the expanded `$ARGn$` values (needed again for
/// [`environment`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExpandedCall {
    /// The expanded `command_line`.
    pub line: Expanded,
    /// The expanded `$ARG1$`.. values.
    pub args: Vec<Expanded>,
}

/// Expands a command call: each argument is macro-expanded first (with cleaning;
/// `$ARGn$` inside argument *k* sees the arguments before *k*), then the command's
/// `command_line` with those arguments.
pub fn expand_call(call: &CommandCall, ctx: &Context) -> Expanded {
    expand_call_full(call, ctx).line
}

/// [`expand_call`], also returning the expanded arguments.
pub fn expand_call_full(call: &CommandCall, ctx: &Context) -> ExpandedCall {
    let args = expand_args(call, ctx);
    let line = match ctx.model.commands.get(call.command.idx()) {
        Some(cmd) => expand_text(&cmd.line, ctx, &args),
        None => Expanded::default(),
    };
    ExpandedCall { line, args }
}

/// Same as [`expand_call`] from a raw `cmd!arg1!arg2` string (e.g. a global handler
/// changed at run time). `None` if the command does not exist.
pub fn expand_raw_call(raw: &str, ctx: &Context) -> Option<Expanded> {
    expand_raw_call_full(raw, ctx).map(|c| c.line)
}

/// [`expand_raw_call`], also returning the expanded arguments.
pub fn expand_raw_call_full(raw: &str, ctx: &Context) -> Option<ExpandedCall> {
    let call = parse_call(raw, ctx.model)?;
    Some(expand_call_full(&call, ctx))
}

/// Parses a raw `cmd!arg1!arg2` directive value into a [`CommandCall`] (see
/// [`split_raw_call`]); `None` if the command is not defined.
pub fn parse_call(raw: &str, model: &Model) -> Option<CommandCall> {
    let (name, args) = split_raw_call(raw);
    let command = model.find_command(name)?;
    Some(CommandCall {
        raw: raw.into(),
        command,
        args,
    })
}

/// The expanded `$ARGn$` values of a call (what [`expand_call`] inserts and
/// [`environment`] exports).
pub fn expand_args(call: &CommandCall, ctx: &Context) -> Vec<Expanded> {
    expand_arg_texts(&call.args, ctx)
}

/// Expands argument texts in order, with cleaning, each seeing the previous ones as
/// `$ARGn$` (later ones are empty). At most [`MAX_COMMAND_ARGUMENTS`] are kept.
pub fn expand_arg_texts(args: &[String], ctx: &Context) -> Vec<Expanded> {
    let mut out: Vec<Expanded> = Vec::with_capacity(args.len().min(MAX_COMMAND_ARGUMENTS));
    for a in args.iter().take(MAX_COMMAND_ARGUMENTS) {
        let e = expand_text_with(a, ctx, &out, &Options::default());
        out.push(e);
    }
    out
}

/// Splits `cmd!a!b` into the command name and its arguments: `\!` is a literal `!`
/// (backslash removed), no other escape exists; `cmd!` has one empty argument.
pub fn split_raw_call(raw: &str) -> (&str, Vec<String>) {
    let Some(bang) = raw.find('!') else {
        return (raw, Vec::new());
    };
    let name = &raw[..bang];
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut chars = raw[bang + 1..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'!') => {
                cur.push('!');
                chars.next();
            }
            '!' => args.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    args.push(cur);
    args.truncate(MAX_COMMAND_ARGUMENTS);
    (name, args)
}

/// Expands `text` in a command context (cleaning on). `args` are the already expanded
/// `$ARGn$` values (their pieces are inserted as they are).
pub fn expand_text(text: &str, ctx: &Context, args: &[Expanded]) -> Expanded {
    expand_text_with(text, ctx, args, &Options::default())
}

/// [`expand_text`] with explicit [`Options`].
pub fn expand_text_with(text: &str, ctx: &Context, args: &[Expanded], opts: &Options) -> Expanded {
    expand::Expander::new(ctx, args, *opts, 0).expand(text)
}

/// The `NAGIOS_*` variables Nagios 4.4.6 exports when `enable_environment_macros=1`
/// (the caller checks the switch): every standard macro (empty when it has no value
/// in this context), `NAGIOS_ARG1`..`NAGIOS_ARG32`, and the custom variables of the
/// host and service in context as `NAGIOS__HOST<VAR>` / `NAGIOS__SERVICE<VAR>`
/// (cleaned; omitted when empty after cleaning). `$USERn$` are not exported. With
/// `use_large_installation_tweaks` the member-list and summary macros are skipped.
/// Values are the raw macro values (not cleaned), with NUL bytes removed.
pub fn environment(ctx: &Context, args: &[Expanded]) -> Vec<(String, String)> {
    env::environment(ctx, args)
}

/// Names (without `$`) of all standard macros, in Nagios 4.4.6 internal order.
pub fn standard_macro_names() -> impl Iterator<Item = &'static str> {
    names::ALL.iter().map(|m| m.name())
}

/// URL encoding as Nagios does it: `A-Z a-z 0-9 . - _ ~` are kept, every other byte
/// becomes `%XX` (upper-case hex).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    expand::url_encode_into(s, &mut out);
    out
}

/// Removes the illegal characters (`illegal`, e.g. `main.illegal_macro_output_chars`,
/// plus bytes 0x00–0x1F and 0x7F which are always illegal) from `s`.
pub fn clean_macro_output(s: &str, illegal: Option<&[u8]>) -> String {
    let table = expand::Illegal::new(illegal);
    let mut out = String::with_capacity(s.len());
    table.clean_into(s, &mut out);
    out
}
