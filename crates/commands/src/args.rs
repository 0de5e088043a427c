//! Reading the arguments of one command the way Nagios 4.4.6 splits them, and
//! turning each into a typed value by its [`ArgKind`].
//!
//! Splitting follows Nagios's `my_strtok`: a field ends at the next `;` (empty
//! fields between two `;` are kept), a rest-of-line field takes everything left,
//! `;` included, and nothing left at all (also after a trailing `;`) means the
//! field is absent. Values are then checked strictly: where Nagios reads a number
//! with `atoi`/`strtoul` and silently takes 0 (or the leading digits) from text that
//! is not one, vigil refuses the command with [`CommandError::Malformed`].

use crate::command::CommandError;
use crate::table::{Arg, ArgKind, End};

/// One argument after reading.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// An optional argument that was not given.
    Absent,
    /// Names and texts.
    Str(String),
    /// Signed numbers (times, return codes).
    Int(i64),
    /// Unsigned numbers (ids, durations, counts, bit sets).
    UInt(u64),
    /// Flags.
    Bool(bool),
}

/// What a field read produced.
enum Field<'a> {
    /// Nothing was left and no `;` preceded (e.g. no arguments at all).
    Missing,
    /// Nothing was left after a trailing `;` (`host;`). Nagios: absent as well.
    EmptyAtEnd,
    /// A field (possibly empty when followed by another `;`).
    Text(&'a str),
}

/// `my_strtok`-style cursor over the argument text.
struct Reader<'a> {
    rest: &'a str,
    /// The previous field ended with a `;` (so an empty `rest` is an empty field
    /// at the end rather than a missing one).
    after_sep: bool,
}

impl<'a> Reader<'a> {
    fn new(args: &'a str) -> Self {
        Reader {
            rest: args,
            after_sep: false,
        }
    }

    fn nothing_left(&self) -> Field<'a> {
        if self.after_sep {
            Field::EmptyAtEnd
        } else {
            Field::Missing
        }
    }

    /// The next field, up to the next `;`.
    fn field(&mut self) -> Field<'a> {
        if self.rest.is_empty() {
            return self.nothing_left();
        }
        let rest = self.rest;
        match rest.find(';') {
            Some(i) => {
                self.rest = rest.get(i + 1..).unwrap_or("");
                self.after_sep = true;
                Field::Text(rest.get(..i).unwrap_or(""))
            }
            None => {
                self.rest = "";
                self.after_sep = false;
                Field::Text(rest)
            }
        }
    }

    /// Everything that is left, `;` included.
    fn rest_of_line(&mut self) -> Field<'a> {
        if self.rest.is_empty() {
            return self.nothing_left();
        }
        let rest = self.rest;
        self.rest = "";
        self.after_sep = false;
        Field::Text(rest)
    }
}

fn malformed(reason: String) -> CommandError {
    CommandError::Malformed(reason)
}

/// Reads all arguments of a command according to its argument list. Arguments
/// after the listed ones are ignored, as Nagios ignores them.
pub(crate) fn read(args: &str, spec: &[Arg]) -> Result<Vec<Value>, CommandError> {
    let mut r = Reader::new(args);
    let mut out = Vec::with_capacity(spec.len());
    for arg in spec {
        let field = match arg.end {
            End::Field => r.field(),
            End::Rest => r.rest_of_line(),
        };
        let value = match field {
            Field::Text(text) => convert(arg, text)?,
            Field::Missing | Field::EmptyAtEnd if arg.optional => Value::Absent,
            Field::Missing => return Err(malformed(format!("missing {}", arg.what))),
            Field::EmptyAtEnd => return Err(malformed(format!("empty {}", arg.what))),
        };
        out.push(value);
    }
    Ok(out)
}

/// Blanks C's number readers skip in front (vigil also allows them behind).
fn trim_blanks(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

fn not_a_number(arg: &Arg, raw: &str) -> CommandError {
    malformed(format!("{} '{}' is not a valid number", arg.what, raw))
}

fn decimal<T: std::str::FromStr>(arg: &Arg, raw: &str) -> Result<T, CommandError> {
    trim_blanks(raw)
        .parse::<T>()
        .map_err(|_| not_a_number(arg, raw))
}

/// A non-negative integer as C `strtol(s, NULL, 0)` reads it when it reads all of
/// it: `0x`/`0X` + hex digits, `0` + octal digits, or decimal digits; an optional
/// leading `+`. Anything else (sign `-`, trailing text) is `None`.
pub(crate) fn c_integer(s: &str) -> Option<u64> {
    let s = trim_blanks(s);
    let s = s.strip_prefix('+').unwrap_or(s);
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        return u64::from_str_radix(hex, 16).ok();
    }
    if s.len() > 1 && s.starts_with('0') {
        if !s.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            return None;
        }
        return u64::from_str_radix(s, 8).ok();
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A non-negative decimal number, possibly with a fraction (`2`, `2.5`, `.5`),
/// truncated to its whole part as Nagios's `(int)strtod(...)` does.
pub(crate) fn truncated_decimal(s: &str) -> Option<u64> {
    let s = trim_blanks(s);
    let s = s.strip_prefix('+').unwrap_or(s);
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !frac.is_none_or(digits) {
        return None;
    }
    if whole.is_empty() && frac.is_none_or(str::is_empty) {
        return None;
    }
    if whole.is_empty() {
        return Some(0);
    }
    whole.parse().ok()
}

/// Undoes the escaping of passive check output (Nagios 4
/// `unescape_check_result_output`): `\n` becomes a newline, `\\` a backslash; any
/// other backslash sequence is kept as it is.
pub fn unescape_output(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts one present field by its kind.
fn convert(arg: &Arg, raw: &str) -> Result<Value, CommandError> {
    use ArgKind as K;
    // Optional names and times (the DEL_DOWNTIME_BY_* filters): an empty field is
    // a placeholder. Nagios skips an empty name and reads an empty time as 0
    // (= any start time).
    if arg.optional && raw.is_empty() {
        if arg.kind == K::Time {
            return Ok(Value::Int(0));
        }
        if !arg.kind.is_text() {
            return Ok(Value::Absent);
        }
    }
    Ok(match arg.kind {
        K::HostName
        | K::HostNameOrAddress
        | K::ServiceDescription
        | K::HostgroupName
        | K::ServicegroupName
        | K::ContactName
        | K::ContactgroupName
        | K::TimeperiodName
        | K::CheckCommand
        | K::FilePath => {
            if raw.is_empty() {
                return Err(malformed(format!("empty {}", arg.what)));
            }
            Value::Str(raw.to_string())
        }
        K::VariableName => {
            if raw.is_empty() {
                return Err(malformed(format!("empty {}", arg.what)));
            }
            Value::Str(raw.to_ascii_uppercase())
        }
        K::Author | K::Comment | K::VariableValue | K::EventHandlerCommand | K::LogText => {
            Value::Str(raw.to_string())
        }
        K::PluginOutput => Value::Str(unescape_output(raw)),
        K::Time => Value::Int(decimal::<i64>(arg, raw)?),
        K::ReturnCode => Value::Int(i64::from(decimal::<i32>(arg, raw)?)),
        K::Duration | K::DowntimeId | K::TriggerId => Value::UInt(decimal::<u64>(arg, raw)?),
        K::CommentId => {
            let id = decimal::<u64>(arg, raw)?;
            if id == 0 {
                return Err(malformed(format!("{} must be greater than 0", arg.what)));
            }
            Value::UInt(id)
        }
        K::Flag => Value::Bool(decimal::<u64>(arg, raw)? > 0),
        K::StickyFlag => Value::Bool(decimal::<u64>(arg, raw)? == 2),
        K::DeleteFlag => Value::Bool(decimal::<u64>(arg, raw)? != 0),
        K::NotificationOptions | K::NotificationNumber => {
            Value::UInt(u64::from(decimal::<u32>(arg, raw)?))
        }
        K::Interval => {
            let v = truncated_decimal(raw).ok_or_else(|| {
                malformed(format!(
                    "{} '{}' must be a non-negative number",
                    arg.what, raw
                ))
            })?;
            if v > u64::from(u32::MAX) {
                return Err(malformed(format!("{} '{}' is too large", arg.what, raw)));
            }
            Value::UInt(v)
        }
        K::MaxAttempts => {
            let v = c_integer(raw).ok_or_else(|| not_a_number(arg, raw))?;
            if v == 0 {
                return Err(malformed(format!("{} must be at least 1", arg.what)));
            }
            if v > i32::MAX as u64 {
                return Err(malformed(format!("{} '{}' is too large", arg.what, raw)));
            }
            Value::UInt(v)
        }
        K::ModAttrValue => {
            let v = c_integer(raw).ok_or_else(|| not_a_number(arg, raw))?;
            if v > i32::MAX as u64 {
                return Err(malformed(format!("{} '{}' is too large", arg.what, raw)));
            }
            Value::UInt(v)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_integers_read_like_strtol_base_0() {
        assert_eq!(c_integer("10"), Some(10));
        assert_eq!(c_integer(" +7 "), Some(7));
        assert_eq!(c_integer("010"), Some(8));
        assert_eq!(c_integer("0"), Some(0));
        assert_eq!(c_integer("0x10"), Some(16));
        assert_eq!(c_integer("0XfF"), Some(255));
        for bad in ["", "0x", "09", "-1", "1.5", "abc", "12x", "0x1g", "+", " "] {
            assert_eq!(c_integer(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decimals_are_truncated() {
        assert_eq!(truncated_decimal("2.5"), Some(2));
        assert_eq!(truncated_decimal("2."), Some(2));
        assert_eq!(truncated_decimal(".5"), Some(0));
        assert_eq!(truncated_decimal("010"), Some(10));
        assert_eq!(truncated_decimal("+3"), Some(3));
        for bad in ["", ".", "-1", "1e3", "NaN", "inf", "1.2.3", "0x10", "1 2"] {
            assert_eq!(truncated_decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reader_follows_my_strtok() {
        let mut r = Reader::new("a;;b;");
        assert!(matches!(r.field(), Field::Text("a")));
        assert!(matches!(r.field(), Field::Text("")));
        assert!(matches!(r.field(), Field::Text("b")));
        assert!(matches!(r.field(), Field::EmptyAtEnd));
        let mut r = Reader::new("x;y;z");
        assert!(matches!(r.field(), Field::Text("x")));
        assert!(matches!(r.rest_of_line(), Field::Text("y;z")));
        assert!(matches!(r.field(), Field::Missing));
        let mut r = Reader::new("");
        assert!(matches!(r.field(), Field::Missing));
        assert!(matches!(r.rest_of_line(), Field::Missing));
    }
}
