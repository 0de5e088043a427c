//! Log lines as the `log` table sees them: `[epoch] TYPE: fields`, classified by
//! their prefix (class 1 alerts, 2 program, 3 notifications, 4 passive checks,
//! 5 external commands, 6 states, 0 everything else) and split into the fields of
//! their type, with the objects they name looked up in the model.

use crate::column::NONE;
use vigil_config::Model;

/// One parsed log line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogEntry {
    /// `time`.
    pub time: i64,
    /// `lineno`: position of the line in its file (1-based).
    pub lineno: i64,
    /// `class`.
    pub class: i64,
    /// `type`: the prefix before `: ` of classified lines.
    pub kind: String,
    /// `message`: the whole line.
    pub message: String,
    /// `options`: what follows `TYPE: `.
    pub options: String,
    /// `plugin_output`.
    pub plugin_output: String,
    /// `comment`.
    pub comment: String,
    /// `state`.
    pub state: i64,
    /// `state_type`.
    pub state_type: String,
    /// `attempt`.
    pub attempt: i64,
    /// `host_name`.
    pub host_name: String,
    /// `service_description`.
    pub service_description: String,
    /// `contact_name`.
    pub contact_name: String,
    /// `command_name`.
    pub command_name: String,
    pub(crate) host: u32,
    pub(crate) service: u32,
    pub(crate) contact: u32,
    pub(crate) command: u32,
}

#[derive(Clone, Copy)]
enum F {
    Host,
    Svc,
    State,
    HostState,
    StateType,
    Attempt,
    Output,
    Comment,
    Contact,
    Command,
    IntState,
    Skip,
}

const ALERT_H: &[F] = &[F::Host, F::HostState, F::StateType, F::Attempt, F::Output];
const ALERT_S: &[F] = &[
    F::Host,
    F::Svc,
    F::State,
    F::StateType,
    F::Attempt,
    F::Output,
];

// (prefix, class, fields)
const KINDS: &[(&str, i64, &[F])] = &[
    ("HOST ALERT", 1, ALERT_H),
    ("SERVICE ALERT", 1, ALERT_S),
    ("INITIAL HOST STATE", 6, ALERT_H),
    ("CURRENT HOST STATE", 6, ALERT_H),
    ("INITIAL SERVICE STATE", 6, ALERT_S),
    ("CURRENT SERVICE STATE", 6, ALERT_S),
    (
        "HOST DOWNTIME ALERT",
        1,
        &[F::Host, F::StateType, F::Comment],
    ),
    (
        "SERVICE DOWNTIME ALERT",
        1,
        &[F::Host, F::Svc, F::StateType, F::Comment],
    ),
    (
        "HOST FLAPPING ALERT",
        1,
        &[F::Host, F::StateType, F::Comment],
    ),
    (
        "SERVICE FLAPPING ALERT",
        1,
        &[F::Host, F::Svc, F::StateType, F::Comment],
    ),
    (
        "HOST ACKNOWLEDGE ALERT",
        1,
        &[F::Host, F::StateType, F::Contact, F::Comment],
    ),
    (
        "SERVICE ACKNOWLEDGE ALERT",
        1,
        &[F::Host, F::Svc, F::StateType, F::Contact, F::Comment],
    ),
    (
        "HOST NOTIFICATION",
        3,
        &[F::Contact, F::Host, F::HostState, F::Command, F::Output],
    ),
    (
        "SERVICE NOTIFICATION",
        3,
        &[F::Contact, F::Host, F::Svc, F::State, F::Command, F::Output],
    ),
    ("PASSIVE HOST CHECK", 4, &[F::Host, F::IntState, F::Output]),
    (
        "PASSIVE SERVICE CHECK",
        4,
        &[F::Host, F::Svc, F::IntState, F::Output],
    ),
    ("EXTERNAL COMMAND", 5, &[]),
    ("TIMEPERIOD TRANSITION", 6, &[F::Skip]),
];

fn state_id(s: &str, host: bool) -> i64 {
    // Notifications write e.g. `ACKNOWLEDGEMENT (DOWN)`: the state is in parentheses.
    let s = match (s.find('('), s.rfind(')')) {
        (Some(a), Some(b)) if a < b => &s[a + 1..b],
        _ => s,
    };
    match s {
        "OK" | "UP" | "RECOVERY" => 0,
        "WARNING" => 1,
        "DOWN" => 1,
        "CRITICAL" => 2,
        "UNREACHABLE" => 2,
        "UNKNOWN" => 3,
        _ => {
            if host {
                0
            } else {
                3
            }
        }
    }
}

fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut v: i64 = 0;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            break;
        }
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

/// The time stamp of a log line (`[epoch] text`); `None` without one.
pub fn line_time(line: &str) -> Option<i64> {
    let rest = line.strip_prefix('[')?;
    let ts = &rest[..rest.find(']')?];
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ts.parse().ok()
}

impl LogEntry {
    /// Parses `[epoch] text`; `None` when the line has no time stamp.
    pub fn parse(line: &str, lineno: i64, m: &Model) -> Option<LogEntry> {
        let rest = line.strip_prefix('[')?;
        let close = rest.find(']')?;
        let ts = &rest[..close];
        if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let time: i64 = ts.parse().ok()?;
        let text = rest[close + 1..]
            .strip_prefix(' ')
            .unwrap_or(&rest[close + 1..]);
        let mut e = LogEntry {
            time,
            lineno,
            message: line.to_string(),
            host: NONE,
            service: NONE,
            contact: NONE,
            command: NONE,
            ..LogEntry::default()
        };
        let mut matched = false;
        for (prefix, class, fields) in KINDS {
            let Some(after) = text.strip_prefix(prefix) else {
                continue;
            };
            let Some(opts) = after.strip_prefix(": ") else {
                continue;
            };
            matched = true;
            e.class = *class;
            e.kind = (*prefix).to_string();
            e.options = opts.to_string();
            let host_kind = prefix.starts_with("HOST") || prefix.contains(" HOST ");
            let n = fields.len();
            let parts: Vec<&str> = if n == 0 {
                Vec::new()
            } else {
                opts.splitn(n, ';').collect()
            };
            for (f, v) in fields.iter().zip(parts) {
                match f {
                    F::Host => e.host_name = v.to_string(),
                    F::Svc => e.service_description = v.to_string(),
                    F::State => e.state = state_id(v, false),
                    F::HostState => e.state = state_id(v, host_kind),
                    F::IntState => e.state = atoi(v),
                    F::StateType => e.state_type = v.to_string(),
                    F::Attempt => e.attempt = atoi(v),
                    F::Output => e.plugin_output = v.to_string(),
                    F::Comment => e.comment = v.to_string(),
                    F::Contact => e.contact_name = v.to_string(),
                    F::Command => e.command_name = v.to_string(),
                    F::Skip => {}
                }
            }
            break;
        }
        if !matched {
            const PROGRAM: [&str; 5] = [
                "starting...",
                "shutting down...",
                "restarting...",
                "Bailing out",
                "LOG VERSION: ",
            ];
            e.class =
                if PROGRAM.iter().any(|p| text.contains(p)) || text.starts_with("LOG ROTATION: ") {
                    2
                } else {
                    0
                };
            e.options = text.to_string();
        }
        if !e.host_name.is_empty() {
            if let Some(h) = m.find_host(&e.host_name) {
                e.host = h.0;
                if !e.service_description.is_empty() {
                    if let Some(s) = m.find_service(&e.host_name, &e.service_description) {
                        e.service = s.0;
                    }
                }
            }
        }
        if !e.contact_name.is_empty() {
            if let Some(c) = m.index.contacts.get(&e.contact_name) {
                e.contact = c.0;
            }
        }
        if !e.command_name.is_empty() {
            if let Some(c) = m.index.commands.get(&e.command_name) {
                e.command = c.0;
            }
        }
        Some(e)
    }

    /// The log line names a host or service that does not exist (any more).
    pub(crate) fn names_missing_object(&self) -> bool {
        !self.host_name.is_empty() && self.host == NONE
    }
}
