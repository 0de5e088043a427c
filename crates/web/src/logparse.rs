//! Reads vigil's (and Nagios's) log lines back into values: the state history of
//! an object page and the handler page's "time from the first SOFT problem to OK"
//! come from the log file. The texts are rendered by `vigil_events::logtext`; this
//! is the small inverse for the lines the UI shows. Anything else is
//! [`LogEntry::Other`]; a line that is not `[ts] text` is `None`.

use vigil_events::{AnyState, ObjKind, StateType};

/// One parsed log line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// The `[ts]` value.
    pub time: i64,
    /// What it says.
    pub entry: LogEntry,
}

/// An object's state as an ALERT / STATE line shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRecord {
    /// Host name.
    pub host: String,
    /// Service description (service lines).
    pub service: Option<String>,
    /// The state.
    pub state: AnyState,
    /// SOFT or HARD.
    pub state_type: StateType,
    /// The attempt.
    pub attempt: u32,
    /// Plugin output.
    pub output: String,
}

/// The lines the UI reads.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEntry {
    /// `SERVICE ALERT:` / `HOST ALERT:`.
    Alert(StateRecord),
    /// `INITIAL|CURRENT SERVICE|HOST STATE:`.
    State(StateRecord),
    /// `[GLOBAL ]SERVICE|HOST EVENT HANDLER: obj;state;type;attempt;directive`.
    Handler {
        /// Host name.
        host: String,
        /// Service description.
        service: Option<String>,
        /// The directive as logged.
        directive: String,
    },
    /// `SERVICE|HOST NOTIFICATION: contact;obj;...`.
    Notification {
        /// The contact notified.
        contact: String,
        /// Host name.
        host: String,
        /// Service description.
        service: Option<String>,
        /// The rest of the line (type/state, command, output).
        rest: String,
    },
    /// `EXTERNAL COMMAND: NAME;args`.
    ExternalCommand(String),
    /// `WEB COMMAND: user;NAME;args` (vigil's audit line).
    WebCommand {
        /// Who.
        user: String,
        /// `NAME;args`.
        command: String,
    },
    /// Any other line.
    Other(String),
}

impl LogLine {
    /// The host and service this line is about, if any.
    pub fn object(&self) -> Option<(&str, Option<&str>)> {
        match &self.entry {
            LogEntry::Alert(r) | LogEntry::State(r) => Some((&r.host, r.service.as_deref())),
            LogEntry::Handler { host, service, .. }
            | LogEntry::Notification { host, service, .. } => Some((host, service.as_deref())),
            _ => None,
        }
    }
}

/// Parses one line (without its newline).
pub fn parse_line(line: &str) -> Option<LogLine> {
    let rest = line.strip_prefix('[')?;
    let (ts, text) = rest.split_once("] ")?;
    let time: i64 = ts.parse().ok()?;
    Some(LogLine {
        time,
        entry: parse_text(text),
    })
}

fn parse_text(text: &str) -> LogEntry {
    let Some((head, body)) = text.split_once(": ") else {
        return LogEntry::Other(text.to_string());
    };
    let parsed = match head {
        "SERVICE ALERT" => state_record(ObjKind::Service, body).map(LogEntry::Alert),
        "HOST ALERT" => state_record(ObjKind::Host, body).map(LogEntry::Alert),
        "INITIAL SERVICE STATE" | "CURRENT SERVICE STATE" => {
            state_record(ObjKind::Service, body).map(LogEntry::State)
        }
        "INITIAL HOST STATE" | "CURRENT HOST STATE" => {
            state_record(ObjKind::Host, body).map(LogEntry::State)
        }
        "SERVICE EVENT HANDLER" | "GLOBAL SERVICE EVENT HANDLER" => handler(ObjKind::Service, body),
        "HOST EVENT HANDLER" | "GLOBAL HOST EVENT HANDLER" => handler(ObjKind::Host, body),
        "SERVICE NOTIFICATION" => notification(ObjKind::Service, body),
        "HOST NOTIFICATION" => notification(ObjKind::Host, body),
        "EXTERNAL COMMAND" => Some(LogEntry::ExternalCommand(body.to_string())),
        "WEB COMMAND" => body.split_once(';').map(|(u, c)| LogEntry::WebCommand {
            user: u.to_string(),
            command: c.to_string(),
        }),
        _ => None,
    };
    parsed.unwrap_or_else(|| LogEntry::Other(text.to_string()))
}

/// Splits off the object names: `host;` for hosts, `host;service;` for services.
fn names(kind: ObjKind, body: &str) -> Option<(String, Option<String>, &str)> {
    let (host, rest) = body.split_once(';')?;
    match kind {
        ObjKind::Host => Some((host.to_string(), None, rest)),
        ObjKind::Service => {
            let (svc, rest) = rest.split_once(';')?;
            Some((host.to_string(), Some(svc.to_string()), rest))
        }
    }
}

fn state_record(kind: ObjKind, body: &str) -> Option<StateRecord> {
    let (host, service, rest) = names(kind, body)?;
    let mut f = rest.splitn(4, ';');
    let state = AnyState::parse(kind, f.next()?)?;
    let state_type = StateType::parse(f.next()?)?;
    let attempt = f.next()?.parse().ok()?;
    let output = f.next().unwrap_or("").to_string();
    Some(StateRecord {
        host,
        service,
        state,
        state_type,
        attempt,
        output,
    })
}

fn handler(kind: ObjKind, body: &str) -> Option<LogEntry> {
    let (host, service, rest) = names(kind, body)?;
    let directive = rest.splitn(4, ';').nth(3)?.to_string();
    Some(LogEntry::Handler {
        host,
        service,
        directive,
    })
}

fn notification(kind: ObjKind, body: &str) -> Option<LogEntry> {
    let (contact, rest) = body.split_once(';')?;
    let (host, service, rest) = names(kind, rest)?;
    Some(LogEntry::Notification {
        contact: contact.to_string(),
        host,
        service,
        rest: rest.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use vigil_events::{Event, HostState, ServiceState, StateLine};

    #[test]
    fn nagios_lines() {
        // Lines as Nagios 4.4.6 writes them (conformance traces).
        let l = parse_line("[1700000000] SERVICE ALERT: web;HTTP;CRITICAL;SOFT;1;connect: refused")
            .unwrap();
        assert_eq!(l.time, 1700000000);
        assert_eq!(
            l.entry,
            LogEntry::Alert(StateRecord {
                host: "web".into(),
                service: Some("HTTP".into()),
                state: AnyState::Service(ServiceState::Critical),
                state_type: StateType::Soft,
                attempt: 1,
                output: "connect: refused".into(),
            })
        );
        let l = parse_line("[5] HOST ALERT: gw;DOWN;HARD;3;PING CRITICAL - Packet loss = 100%")
            .unwrap();
        assert!(matches!(
            l.entry,
            LogEntry::Alert(StateRecord {
                state: AnyState::Host(HostState::Down),
                ..
            })
        ));
        let l = parse_line("[6] SERVICE EVENT HANDLER: web;HTTP;CRITICAL;SOFT;1;restart-httpd!80")
            .unwrap();
        assert_eq!(
            l.entry,
            LogEntry::Handler {
                host: "web".into(),
                service: Some("HTTP".into()),
                directive: "restart-httpd!80".into()
            }
        );
        let l =
            parse_line("[7] SERVICE NOTIFICATION: admin;web;HTTP;CRITICAL;notify-by-email;down")
                .unwrap();
        assert!(
            matches!(l.entry, LogEntry::Notification { ref contact, .. } if contact == "admin")
        );
        assert_eq!(parse_line("no timestamp"), None);
        assert!(matches!(
            parse_line("[8] SERVICE ALERT: broken").unwrap().entry,
            LogEntry::Other(_)
        ));
    }

    #[test]
    fn reads_back_what_logtext_renders() {
        let line = StateLine {
            obj: vigil_events::Obj::Service {
                host: "h".into(),
                service: "s x".into(),
            },
            state: AnyState::Service(ServiceState::Warning),
            state_type: StateType::Hard,
            attempt: 3,
            output: Some("WARN - load 5".into()),
        };
        let text = &Event::Alert(line).lines()[0];
        let l = parse_line(&format!("[9] {text}")).unwrap();
        assert_eq!(l.object(), Some(("h", Some("s x"))));
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            let _ = parse_line(&s);
        }

        #[test]
        fn alert_fields_round_trip(host in "[a-z][a-z0-9_.-]{0,20}", svc in "[A-Za-z][A-Za-z0-9 _-]{0,20}",
                                   attempt in 1u32..100, out in "[^;\n]{0,60}") {
            let text = format!("[1] SERVICE ALERT: {host};{svc};UNKNOWN;HARD;{attempt};{out}");
            let l = parse_line(&text).unwrap();
            match l.entry {
                LogEntry::Alert(r) => {
                    prop_assert_eq!(r.host, host);
                    prop_assert_eq!(r.service, Some(svc));
                    prop_assert_eq!(r.attempt, attempt);
                    prop_assert_eq!(r.output, out);
                }
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }
}
