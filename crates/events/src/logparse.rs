//! Reading log lines back: the inverse of [`crate::logtext`]. A Nagios 4 or vigil
//! log line `[epoch] TEXT` becomes a typed [`LogEntry`]; the lines the replay needs
//! (alerts, state lines, flapping, passive checks, event handler lines, external
//! commands, program start and stop) are parsed into their fields, everything else
//! is kept as [`LogLine::Other`]. Never panics: a line that does not have the shape
//! of its prefix is an error with the reason, or `Other` when its prefix is not one
//! this module knows.

use crate::event::{FlapChange, HandlerKind, Obj, StateLine, StateReport};
use crate::states::{AnyState, ObjKind, StateType};

/// One log line: its timestamp and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The `[epoch]` prefix.
    pub time: i64,
    /// The text, parsed.
    pub line: LogLine,
}

/// An event handler line: `[GLOBAL ]SERVICE|HOST EVENT HANDLER[ SUPPRESSED| QUEUED]:
/// obj;STATE;TYPE;attempt;directive[;reason]`.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerLine {
    /// The object.
    pub obj: Obj,
    /// Global or the object's own handler.
    pub kind: HandlerKind,
    /// The state that triggered it.
    pub state: AnyState,
    /// SOFT or HARD.
    pub state_type: StateType,
    /// The attempt.
    pub attempt: u32,
    /// The directive as logged (Nagios expands the handler's own `$ARGn$` in it).
    pub directive: String,
}

/// What a log line says.
#[derive(Debug, Clone, PartialEq)]
pub enum LogLine {
    /// `SERVICE ALERT` / `HOST ALERT` (output always `Some`).
    Alert(StateLine),
    /// `INITIAL|CURRENT SERVICE|HOST STATE` (`(null)` output of a service, empty
    /// output of a host: `None`).
    State(StateReport, StateLine),
    /// `SERVICE|HOST FLAPPING ALERT`.
    Flapping {
        /// The object.
        obj: Obj,
        /// Started / stopped / disabled, with the figures.
        change: FlapChange,
    },
    /// `PASSIVE SERVICE|HOST CHECK`: the state and output from before the result.
    PassiveCheck {
        /// The object.
        obj: Obj,
        /// State id before the result.
        prev_state: u8,
        /// Output before the result (`(null)`: `None`).
        prev_output: Option<String>,
    },
    /// `[GLOBAL ]SERVICE|HOST EVENT HANDLER:` (a handler was started).
    HandlerStarted(HandlerLine),
    /// vigil: `... EVENT HANDLER SUPPRESSED: ...;reason`.
    HandlerSuppressed(HandlerLine, String),
    /// vigil: `... EVENT HANDLER QUEUED: ...;reason`.
    HandlerQueued(HandlerLine, String),
    /// `EXTERNAL COMMAND: NAME;args`.
    ExternalCommand {
        /// The command name as written.
        name: String,
        /// Its arguments (empty when none).
        args: String,
    },
    /// `Nagios 4.4.6 starting... (PID=1)` / `Vigil 0.1.0 starting... (PID=1)`.
    Starting {
        /// `Nagios`, `Vigil`, `Naemon`, ...
        program: String,
        /// Its version.
        version: String,
        /// Process id.
        pid: u32,
    },
    /// `Caught SIGTERM, shutting down...`, `PROGRAM_SHUTDOWN event encountered...`,
    /// `Successfully shutdown... (PID=1)` and the restart equivalents.
    Stopping {
        /// True when the program restarts (SIGHUP, `PROGRAM_RESTART`).
        restart: bool,
    },
    /// `LOG ROTATION: DAILY`.
    LogRotation {
        /// The method word.
        method: String,
    },
    /// Any other line (warnings, notifications, ...), verbatim.
    Other(String),
}

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogParseError {
    /// No `[epoch] ` prefix.
    #[error("no [timestamp] at the start of the line")]
    NoTimestamp,
    /// The timestamp is not a number.
    #[error("bad timestamp '{0}'")]
    BadTimestamp(String),
    /// A known line with fields missing or wrong.
    #[error("{what}: {why}")]
    Fields {
        /// The kind of line (`SERVICE ALERT`, ...).
        what: &'static str,
        /// What is wrong.
        why: String,
    },
}

/// Reads one line (without its newline; a trailing `\r` is dropped).
pub fn parse_line(line: &str) -> Result<LogEntry, LogParseError> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.strip_prefix('[').ok_or(LogParseError::NoTimestamp)?;
    let (ts, text) = rest.split_once("] ").ok_or(LogParseError::NoTimestamp)?;
    let time = ts
        .parse::<i64>()
        .map_err(|_| LogParseError::BadTimestamp(ts.chars().take(40).collect()))?;
    Ok(LogEntry {
        time,
        line: parse_text(text)?,
    })
}

fn bad(what: &'static str, why: impl Into<String>) -> LogParseError {
    LogParseError::Fields {
        what,
        why: why.into(),
    }
}

/// Reads the text of a line (after `[epoch] `).
pub fn parse_text(text: &str) -> Result<LogLine, LogParseError> {
    if let Some(r) = text.strip_prefix("SERVICE ALERT: ") {
        return state_line(ObjKind::Service, r, "SERVICE ALERT", false).map(LogLine::Alert);
    }
    if let Some(r) = text.strip_prefix("HOST ALERT: ") {
        return state_line(ObjKind::Host, r, "HOST ALERT", false).map(LogLine::Alert);
    }
    for (prefix, report, kind, what) in [
        (
            "INITIAL SERVICE STATE: ",
            StateReport::Initial,
            ObjKind::Service,
            "INITIAL SERVICE STATE",
        ),
        (
            "INITIAL HOST STATE: ",
            StateReport::Initial,
            ObjKind::Host,
            "INITIAL HOST STATE",
        ),
        (
            "CURRENT SERVICE STATE: ",
            StateReport::Current,
            ObjKind::Service,
            "CURRENT SERVICE STATE",
        ),
        (
            "CURRENT HOST STATE: ",
            StateReport::Current,
            ObjKind::Host,
            "CURRENT HOST STATE",
        ),
    ] {
        if let Some(r) = text.strip_prefix(prefix) {
            return state_line(kind, r, what, true).map(|l| LogLine::State(report, l));
        }
    }
    if let Some(r) = text.strip_prefix("SERVICE FLAPPING ALERT: ") {
        return flapping(ObjKind::Service, r);
    }
    if let Some(r) = text.strip_prefix("HOST FLAPPING ALERT: ") {
        return flapping(ObjKind::Host, r);
    }
    if let Some(r) = text.strip_prefix("PASSIVE SERVICE CHECK: ") {
        return passive(ObjKind::Service, r);
    }
    if let Some(r) = text.strip_prefix("PASSIVE HOST CHECK: ") {
        return passive(ObjKind::Host, r);
    }
    if let Some(l) = handler(text)? {
        return Ok(l);
    }
    if let Some(r) = text.strip_prefix("EXTERNAL COMMAND: ") {
        let (name, args) = r.split_once(';').unwrap_or((r, ""));
        return Ok(LogLine::ExternalCommand {
            name: name.to_string(),
            args: args.to_string(),
        });
    }
    if let Some(r) = text.strip_prefix("LOG ROTATION: ") {
        return Ok(LogLine::LogRotation {
            method: r.to_string(),
        });
    }
    if let Some(l) = program(text) {
        return Ok(l);
    }
    Ok(LogLine::Other(text.to_string()))
}

/// `host[;service]` of `kind` from the front of `fields`.
fn take_obj<'a>(
    kind: ObjKind,
    fields: &mut impl Iterator<Item = &'a str>,
    what: &'static str,
) -> Result<Obj, LogParseError> {
    let host = fields.next().ok_or_else(|| bad(what, "no host name"))?;
    Ok(match kind {
        ObjKind::Host => Obj::Host { host: host.into() },
        ObjKind::Service => Obj::Service {
            host: host.into(),
            service: fields
                .next()
                .ok_or_else(|| bad(what, "no service description"))?
                .into(),
        },
    })
}

fn take_state<'a>(
    kind: ObjKind,
    fields: &mut impl Iterator<Item = &'a str>,
    what: &'static str,
) -> Result<(AnyState, StateType, u32), LogParseError> {
    let state = fields.next().ok_or_else(|| bad(what, "no state"))?;
    let state = AnyState::parse(kind, state)
        .ok_or_else(|| bad(what, format!("unknown state '{}'", short(state))))?;
    let ty = fields.next().ok_or_else(|| bad(what, "no state type"))?;
    let ty = StateType::parse(ty)
        .ok_or_else(|| bad(what, format!("unknown state type '{}'", short(ty))))?;
    let attempt = fields.next().ok_or_else(|| bad(what, "no attempt"))?;
    let attempt = attempt
        .parse::<u32>()
        .map_err(|_| bad(what, format!("bad attempt '{}'", short(attempt))))?;
    Ok((state, ty, attempt))
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn state_line(
    kind: ObjKind,
    r: &str,
    what: &'static str,
    report: bool,
) -> Result<StateLine, LogParseError> {
    let n = match kind {
        ObjKind::Service => 6,
        ObjKind::Host => 5,
    };
    let mut f = r.splitn(n, ';');
    let obj = take_obj(kind, &mut f, what)?;
    let (state, state_type, attempt) = take_state(kind, &mut f, what)?;
    let out = f.next().ok_or_else(|| bad(what, "no output field"))?;
    let output = match (report, kind, out) {
        (true, ObjKind::Service, "(null)") | (true, ObjKind::Host, "") => None,
        _ => Some(out.to_string()),
    };
    Ok(StateLine {
        obj,
        state,
        state_type,
        attempt,
        output,
    })
}

fn flapping(kind: ObjKind, r: &str) -> Result<LogLine, LogParseError> {
    const WHAT: &str = "FLAPPING ALERT";
    let n = match kind {
        ObjKind::Service => 4,
        ObjKind::Host => 3,
    };
    let mut f = r.splitn(n, ';');
    let obj = take_obj(kind, &mut f, WHAT)?;
    let word = f.next().ok_or_else(|| bad(WHAT, "no STARTED/STOPPED"))?;
    let text = f.next().unwrap_or("");
    let change = match word {
        "DISABLED" => FlapChange::Disabled,
        "STARTED" | "STOPPED" => {
            // `... (24.2% change >= 24.0% threshold)`
            let inner = text
                .rsplit_once('(')
                .and_then(|(_, t)| t.strip_suffix(" threshold)"))
                .ok_or_else(|| bad(WHAT, "no (N% change ... N% threshold)"))?;
            let mut parts = inner.split_whitespace();
            let pct = |p: Option<&str>| -> Result<f64, LogParseError> {
                p.and_then(|p| p.strip_suffix('%'))
                    .and_then(|p| p.parse::<f64>().ok())
                    .ok_or_else(|| bad(WHAT, "bad percentage"))
            };
            let percent = pct(parts.next())?;
            let _change = parts.next();
            let _cmp = parts.next();
            let threshold = pct(parts.next())?;
            if word == "STARTED" {
                FlapChange::Started { percent, threshold }
            } else if text.trim_start().starts_with("Flapping state cleared") {
                FlapChange::Cleared { percent, threshold }
            } else {
                FlapChange::Stopped { percent, threshold }
            }
        }
        other => return Err(bad(WHAT, format!("unknown change '{}'", short(other)))),
    };
    Ok(LogLine::Flapping { obj, change })
}

fn passive(kind: ObjKind, r: &str) -> Result<LogLine, LogParseError> {
    const WHAT: &str = "PASSIVE CHECK";
    let n = match kind {
        ObjKind::Service => 4,
        ObjKind::Host => 3,
    };
    let mut f = r.splitn(n, ';');
    let obj = take_obj(kind, &mut f, WHAT)?;
    let id = f.next().ok_or_else(|| bad(WHAT, "no state id"))?;
    let prev_state = id
        .parse::<u8>()
        .map_err(|_| bad(WHAT, format!("bad state id '{}'", short(id))))?;
    let prev_output = match f.next().ok_or_else(|| bad(WHAT, "no output field"))? {
        "(null)" => None,
        o => Some(o.to_string()),
    };
    Ok(LogLine::PassiveCheck {
        obj,
        prev_state,
        prev_output,
    })
}

/// The event handler lines, Nagios's and vigil's; `None` for other lines.
fn handler(text: &str) -> Result<Option<LogLine>, LogParseError> {
    const WHAT: &str = "EVENT HANDLER";
    let (kind, r) = match text.strip_prefix("GLOBAL ") {
        Some(r) => (HandlerKind::Global, r),
        None => (HandlerKind::Object, text),
    };
    let (obj_kind, r) = if let Some(r) = r.strip_prefix("SERVICE EVENT HANDLER") {
        (ObjKind::Service, r)
    } else if let Some(r) = r.strip_prefix("HOST EVENT HANDLER") {
        (ObjKind::Host, r)
    } else {
        return Ok(None);
    };
    // 0: started, 1: suppressed, 2: queued.
    let (what, r) = if let Some(r) = r.strip_prefix(": ") {
        (0, r)
    } else if let Some(r) = r.strip_prefix(" SUPPRESSED: ") {
        (1, r)
    } else if let Some(r) = r.strip_prefix(" QUEUED: ") {
        (2, r)
    } else {
        return Ok(None);
    };
    let fields = match obj_kind {
        ObjKind::Service => 5,
        ObjKind::Host => 4,
    };
    let mut f = r.splitn(fields + 1, ';');
    let obj = take_obj(obj_kind, &mut f, WHAT)?;
    let (state, state_type, attempt) = take_state(obj_kind, &mut f, WHAT)?;
    let rest = f.next().ok_or_else(|| bad(WHAT, "no handler directive"))?;
    let line = |directive: &str| HandlerLine {
        obj: obj.clone(),
        kind,
        state,
        state_type,
        attempt,
        directive: directive.to_string(),
    };
    Ok(Some(match what {
        0 => LogLine::HandlerStarted(line(rest)),
        n => {
            // The directive holds no `;` (an object file's comment character); the
            // reason follows it.
            let (d, reason) = rest
                .split_once(';')
                .ok_or_else(|| bad(WHAT, "no reason after the directive"))?;
            if n == 1 {
                LogLine::HandlerSuppressed(line(d), reason.to_string())
            } else {
                LogLine::HandlerQueued(line(d), reason.to_string())
            }
        }
    }))
}

fn program(text: &str) -> Option<LogLine> {
    if let Some((head, tail)) = text.split_once(" starting... (PID=") {
        let (program, version) = head.split_once(' ')?;
        let pid = tail.strip_suffix(')')?.parse().ok()?;
        return Some(LogLine::Starting {
            program: program.to_string(),
            version: version.to_string(),
            pid,
        });
    }
    if text.starts_with("Caught SIG") {
        return Some(LogLine::Stopping {
            restart: text.ends_with("restarting..."),
        });
    }
    match text {
        "PROGRAM_SHUTDOWN event encountered, shutting down..." => {
            Some(LogLine::Stopping { restart: false })
        }
        "PROGRAM_RESTART event encountered, restarting..." => {
            Some(LogLine::Stopping { restart: true })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! Lines as Nagios 4.4.6 wrote them in the conformance traces' logs.
    use super::*;
    use crate::states::{HostState, ServiceState};

    #[test]
    fn nagios_lines() {
        let e = parse_line(
            "[1795643438] SERVICE ALERT: web01;HTTP;CRITICAL;SOFT;1;HTTP CRITICAL: 503; x",
        )
        .unwrap();
        assert_eq!(e.time, 1795643438);
        let LogLine::Alert(l) = e.line else {
            panic!("not an alert")
        };
        assert_eq!(l.obj.host(), "web01");
        assert_eq!(l.state, AnyState::Service(ServiceState::Critical));
        assert_eq!(l.output.as_deref(), Some("HTTP CRITICAL: 503; x"));
        let e = parse_line("[1] GLOBAL HOST EVENT HANDLER: h1;DOWN;HARD;1;gheh!a1").unwrap();
        assert_eq!(
            e.line,
            LogLine::HandlerStarted(HandlerLine {
                obj: Obj::Host { host: "h1".into() },
                kind: HandlerKind::Global,
                state: AnyState::Host(HostState::Down),
                state_type: StateType::Hard,
                attempt: 1,
                directive: "gheh!a1".into(),
            })
        );
        assert_eq!(
            parse_line("[5] Nagios 4.4.6 starting... (PID=4242)")
                .unwrap()
                .line,
            LogLine::Starting {
                program: "Nagios".into(),
                version: "4.4.6".into(),
                pid: 4242
            }
        );
        assert_eq!(
            parse_line("[5] EXTERNAL COMMAND: DISABLE_EVENT_HANDLERS;")
                .unwrap()
                .line,
            LogLine::ExternalCommand {
                name: "DISABLE_EVENT_HANDLERS".into(),
                args: String::new()
            }
        );
        assert!(matches!(
            parse_line("[5] wproc: Core Worker 1: job 2 timed out")
                .unwrap()
                .line,
            LogLine::Other(_)
        ));
    }

    #[test]
    fn broken_lines_are_errors_not_panics() {
        assert_eq!(parse_line("no stamp"), Err(LogParseError::NoTimestamp));
        assert!(matches!(
            parse_line("[x1] LOG VERSION: 2.0"),
            Err(LogParseError::BadTimestamp(_))
        ));
        assert!(parse_line("[1] SERVICE ALERT: h;s;BROKEN;SOFT;1;x").is_err());
        assert!(parse_line("[1] SERVICE ALERT: h;s;OK;SOFT;x;x").is_err());
        assert!(parse_line("[1] HOST ALERT: h").is_err());
        assert!(parse_line("[1] SERVICE FLAPPING ALERT: h;s;STARTED; no figures").is_err());
        assert!(parse_line("[1] SERVICE EVENT HANDLER SUPPRESSED: h;s;OK;HARD;1;eh").is_err());
    }
}
