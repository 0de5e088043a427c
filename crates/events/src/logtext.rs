//! The one place that turns [`Event`]s into log text: the lines Nagios 4.4.6 writes
//! (byte-identical where Nagios has the line), plus vigil's own lines where it has
//! something to say that Nagios does not. Which events reach the log at all follows
//! the `log_*` switches of the main configuration ([`LogOptions`]).

use std::fmt::Write;

use crate::event::{
    CheckProblem, CommandEvent, Event, FlapChange, HandlerKind, Obj, ProcessEnd, ProgramEvent,
    StateLine, StateReport,
};
use crate::states::ObjKind;

/// The main-configuration switches that decide which events are logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogOptions {
    /// `log_event_handlers`: the `... EVENT HANDLER:` lines.
    pub event_handlers: bool,
    /// `log_external_commands`: `EXTERNAL COMMAND:` lines (other than passive results).
    pub external_commands: bool,
    /// `log_passive_checks`: `PASSIVE ... CHECK:` lines and the `EXTERNAL COMMAND:`
    /// lines of `PROCESS_*_CHECK_RESULT`.
    pub passive_checks: bool,
}

impl Default for LogOptions {
    /// Nagios's defaults: everything on.
    fn default() -> Self {
        LogOptions {
            event_handlers: true,
            external_commands: true,
            passive_checks: true,
        }
    }
}

/// A duration in seconds as Nagios prints it (`get_time_breakdown`): `Xd Xh Xm Xs`
/// (`$SERVICEDURATION$`, the freshness warnings). Negative counts as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dhms(pub u64);

impl Dhms {
    /// Of signed seconds (negative counts as 0).
    pub fn of(secs: i64) -> Dhms {
        Dhms(u64::try_from(secs).unwrap_or(0))
    }
}

impl std::fmt::Display for Dhms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(
            f,
            "{}d {}h {}m {}s",
            d / 86_400,
            (d % 86_400) / 3_600,
            (d % 3_600) / 60,
            d % 60
        )
    }
}

/// Characters removed from both ends of a command line (Nagios `strip()`).
fn strip(line: &str) -> &str {
    line.trim_matches([' ', '\t', '\r', '\n'])
}

/// `NAME;args` as error lines print a command.
fn command_text(name: &str, args: &str) -> String {
    format!("{name};{args}")
}

/// `[ts] NAME;args` (without `;` when there are no arguments).
fn received_text(entry_time: i64, name: &str, args: &str) -> String {
    if args.is_empty() {
        format!("[{entry_time}] {name}")
    } else {
        format!("[{entry_time}] {name};{args}")
    }
}

fn state_fields(out: &mut String, l: &StateLine, null_output: &str) {
    let _ = write!(
        out,
        "{};{};{};{};{}",
        l.obj,
        l.state.name(),
        l.state_type.name(),
        l.attempt,
        l.output.as_deref().unwrap_or(null_output)
    );
}

/// Names a service or host for check warnings: `service 'S' on host 'H'` / `host 'H'`.
fn check_subject(obj: &Obj) -> String {
    match obj {
        Obj::Host { host } => format!("host '{host}'"),
        Obj::Service { host, service } => format!("service '{service}' on host '{host}'"),
    }
}

fn handler_what(kind: HandlerKind, obj: ObjKind) -> &'static str {
    match (kind, obj) {
        (HandlerKind::Global, ObjKind::Service) => "Global service event handler",
        (HandlerKind::Object, ObjKind::Service) => "Service event handler",
        (HandlerKind::Global, ObjKind::Host) => "Global host event handler",
        (HandlerKind::Object, ObjKind::Host) => "Host event handler",
    }
}

impl Event {
    /// Appends this event's log lines (without the `[ts] ` prefix) to `out`; most
    /// events have one, some none (not logged, or switched off by `opts`), command
    /// errors two or three.
    pub fn log_lines(&self, opts: &LogOptions, out: &mut Vec<String>) {
        match self {
            Event::Alert(l) => {
                let mut s = format!("{} ALERT: ", l.obj.kind().word());
                state_fields(&mut s, l, "");
                out.push(s);
            }
            Event::State(when, l) => {
                let prefix = match when {
                    StateReport::Initial => "INITIAL",
                    StateReport::Current => "CURRENT",
                };
                let mut s = format!("{prefix} {} STATE: ", l.obj.kind().word());
                // A never-checked service prints (null), a host nothing (Nagios 4.4.6).
                let null = match l.obj.kind() {
                    ObjKind::Service => "(null)",
                    ObjKind::Host => "",
                };
                state_fields(&mut s, l, null);
                out.push(s);
            }
            Event::Flapping { obj, change } => {
                let (kind, word) = match obj.kind() {
                    ObjKind::Service => ("SERVICE", "Service"),
                    ObjKind::Host => ("HOST", "Host"),
                };
                let text = match change {
                    // Nagios compares services with >=, hosts with >, and says so.
                    FlapChange::Started { percent, threshold } => format!(
                        "STARTED; {word} appears to have started flapping ({percent:.1}% change {} {threshold:.1}% threshold)",
                        if obj.kind() == ObjKind::Service { ">=" } else { ">" }
                    ),
                    FlapChange::Stopped { percent, threshold } => format!(
                        "STOPPED; {word} appears to have stopped flapping ({percent:.1}% change < {threshold:.1}% threshold)"
                    ),
                    FlapChange::Disabled => "DISABLED; Flap detection has been disabled".into(),
                };
                out.push(format!("{kind} FLAPPING ALERT: {obj};{text}"));
            }
            Event::PassiveCheck {
                obj,
                prev_state,
                prev_output,
            } => {
                if opts.passive_checks {
                    out.push(format!(
                        "PASSIVE {} CHECK: {obj};{prev_state};{}",
                        obj.kind().word(),
                        prev_output.as_deref().unwrap_or("(null)")
                    ));
                }
            }
            Event::CheckProblem { obj, problem } => {
                let who = check_subject(obj);
                let host_check = obj.kind() == ObjKind::Host;
                out.push(match problem {
                    CheckProblem::TimedOut { after } if host_check => {
                        format!("Warning: Check of {who} timed out after {after:.2} seconds")
                    }
                    CheckProblem::TimedOut { after } => {
                        format!("Warning: Check of {who} timed out after {after:.3}s!")
                    }
                    CheckProblem::DidNotExitProperly => {
                        format!("Warning:  Check of {who} did not exit properly!")
                    }
                    CheckProblem::NotExecutable => format!(
                        "Warning: Return code of 126 for {who} may indicate a non-executable plugin."
                    ),
                    CheckProblem::NotFound => format!(
                        "Warning: Return code of 127 for {who} may indicate this plugin doesn't exist."
                    ),
                    CheckProblem::OutOfBounds { rc } => {
                        format!("Warning: Return code of {rc} for check of {who} was out of bounds.")
                    }
                });
            }
            Event::Stale { obj, by, threshold } => {
                let kind = match obj.kind() {
                    ObjKind::Service => "service",
                    ObjKind::Host => "host",
                };
                out.push(format!(
                    "Warning: The results of {} are stale by {} (threshold={}).  I'm forcing an immediate check of the {kind}.",
                    check_subject(obj),
                    Dhms::of(*by),
                    Dhms::of(*threshold)
                ));
            }
            Event::NotPrepared {
                what,
                command,
                error,
            } => out.push(format!(
                "Warning: {what} command '{command}' could not be prepared: {error}"
            )),
            Event::HandlerStarted {
                run,
                logged_directive,
            } => {
                if opts.event_handlers {
                    let global = match run.kind {
                        HandlerKind::Global => "GLOBAL ",
                        HandlerKind::Object => "",
                    };
                    out.push(format!(
                        "{global}{} EVENT HANDLER: {};{};{};{};{logged_directive}",
                        run.obj.kind().word(),
                        run.obj,
                        run.state.name(),
                        run.state_type.name(),
                        run.attempt
                    ));
                }
            }
            Event::HandlerNotDefined { kind, directive } => out.push(format!(
                "Warning: {} event handler command '{directive}' is not defined; not run",
                kind.word()
            )),
            Event::HandlerFinished {
                run, end, duration, ..
            } => {
                let what = handler_what(run.kind, run.obj.kind());
                let cmd = &run.command;
                match end {
                    ProcessEnd::Exited(0) => {}
                    ProcessEnd::TimedOut => out.push(format!(
                        "Warning: {what} command '{cmd}' timed out after {duration:.2} seconds"
                    )),
                    ProcessEnd::Exited(rc) => out.push(format!(
                        "Warning: {what} command '{cmd}' exited with return code {rc}"
                    )),
                    ProcessEnd::Signaled(sig) => out.push(format!(
                        "Warning: {what} command '{cmd}' was killed by signal {sig}"
                    )),
                    ProcessEnd::NotStarted(e) => out.push(format!(
                        "Warning: {what} command '{cmd}' could not be started: {e}"
                    )),
                }
            }
            Event::Command(c) => command_lines(c, opts, out),
            Event::CheckDone { .. } => {}
            Event::Program(p) => out.push(match p {
                ProgramEvent::Starting { version, pid } => {
                    format!("Vigil {version} starting... (PID={pid})")
                }
                ProgramEvent::LogVersion => "LOG VERSION: 2.0".into(),
                ProgramEvent::LogRotation { method } => format!("LOG ROTATION: {method}"),
                ProgramEvent::CaughtSignal { signal, restart } => {
                    if *restart {
                        format!("Caught {signal}, restarting...")
                    } else {
                        format!("Caught {signal}, shutting down...")
                    }
                }
                ProgramEvent::CommandedStop { restart: true } => {
                    "PROGRAM_RESTART event encountered, restarting...".into()
                }
                ProgramEvent::CommandedStop { restart: false } => {
                    "PROGRAM_SHUTDOWN event encountered, shutting down...".into()
                }
                ProgramEvent::Stopped { pid } => format!("Successfully shutdown... (PID={pid})"),
                ProgramEvent::AutoSaved => {
                    "Auto-save of retention data completed successfully.".into()
                }
                ProgramEvent::JournalRecovered => "State journal writes work again.".into(),
                ProgramEvent::BrokerModuleSkipped { module, location } => format!(
                    "Warning: Event broker module '{module}' ({location}) not loaded: vigil does not load event broker modules"
                ),
                ProgramEvent::LivestatusServing {
                    endpoints,
                    location,
                } => format!("Livestatus: vigil serves {endpoints} itself ({location})"),
                ProgramEvent::Problem { error, text } => {
                    format!("{}: {text}", if *error { "Error" } else { "Warning" })
                }
            }),
        }
    }

    /// This event's log lines with every `log_*` switch on (tests, tools).
    pub fn lines(&self) -> Vec<String> {
        let mut v = Vec::new();
        self.log_lines(&LogOptions::default(), &mut v);
        v
    }
}

fn command_lines(c: &CommandEvent, opts: &LogOptions, out: &mut Vec<String>) {
    match c {
        CommandEvent::Accepted {
            name,
            args,
            passive,
        } => {
            let on = if *passive {
                opts.passive_checks
            } else {
                opts.external_commands
            };
            if on {
                out.push(format!("EXTERNAL COMMAND: {}", command_text(name, args)));
            }
        }
        CommandEvent::Malformed { raw } => out.push(format!(
            "External command {} returned error Malformed command",
            strip(raw)
        )),
        CommandEvent::Unknown {
            entry_time,
            name,
            args,
        } => {
            out.push(format!(
                "Warning: Unrecognized external command -> {}",
                command_text(name, args)
            ));
            out.push(format!(
                "External command {} returned error Unknown or unsupported command",
                received_text(*entry_time, name, args)
            ));
        }
        CommandEvent::Failed {
            entry_time,
            name,
            args,
            reason,
        } => {
            out.push(format!(
                "Error: External command failed -> {}",
                command_text(name, args)
            ));
            out.push(format!(
                "External command {} returned error Command failed",
                received_text(*entry_time, name, args)
            ));
            // vigil's addition, so the log says why; no Nagios tool parses it.
            if !reason.is_empty() {
                out.push(format!("External command {name} failed: {reason}"));
            }
        }
        // Two spaces after `Warning:`, as Nagios writes it.
        CommandEvent::PassiveUnknown { obj, host_found } => out.push(match obj {
            Obj::Service { host, service } => format!(
                "Warning:  Passive check result was received for service '{service}' on host '{host}', but the {} could not be found!",
                if *host_found { "service" } else { "host" }
            ),
            Obj::Host { host } => format!(
                "Warning:  Passive check result was received for host '{host}', but the host could not be found!"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    //! Expected texts are Nagios 4.4.6's (from its logs in the conformance traces and
    //! its source for the rarer warnings).
    use super::*;
    use crate::event::{HandlerRun, StateLine};
    use crate::states::{AnyState, HostState, ServiceState, StateType};

    fn svc() -> Obj {
        Obj::Service {
            host: "db1".into(),
            service: "mysql".into(),
        }
    }

    fn host() -> Obj {
        Obj::Host { host: "db1".into() }
    }

    fn line(obj: Obj, state: AnyState, t: StateType, attempt: u32, out: Option<&str>) -> StateLine {
        StateLine {
            obj,
            state,
            state_type: t,
            attempt,
            output: out.map(str::to_string),
        }
    }

    fn one(e: Event) -> String {
        let v = e.lines();
        assert_eq!(v.len(), 1, "{v:?}");
        v.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn alert_and_state_lines() {
        let crit = AnyState::Service(ServiceState::Critical);
        assert_eq!(
            one(Event::Alert(line(
                svc(),
                crit,
                StateType::Soft,
                3,
                Some("MYSQL CRITICAL - down")
            ))),
            "SERVICE ALERT: db1;mysql;CRITICAL;SOFT;3;MYSQL CRITICAL - down"
        );
        assert_eq!(
            one(Event::Alert(line(
                host(),
                AnyState::Host(HostState::Down),
                StateType::Soft,
                3,
                Some("x")
            ))),
            "HOST ALERT: db1;DOWN;SOFT;3;x"
        );
        let ok = AnyState::Service(ServiceState::Ok);
        assert_eq!(
            one(Event::State(
                StateReport::Initial,
                line(svc(), ok, StateType::Hard, 1, None)
            )),
            "INITIAL SERVICE STATE: db1;mysql;OK;HARD;1;(null)"
        );
        let up = AnyState::Host(HostState::Up);
        assert_eq!(
            one(Event::State(
                StateReport::Initial,
                line(host(), up, StateType::Hard, 1, None)
            )),
            "INITIAL HOST STATE: db1;UP;HARD;1;"
        );
        assert_eq!(
            one(Event::State(
                StateReport::Current,
                line(
                    svc(),
                    crit,
                    StateType::Hard,
                    3,
                    Some("MYSQL CRITICAL - down")
                )
            )),
            "CURRENT SERVICE STATE: db1;mysql;CRITICAL;HARD;3;MYSQL CRITICAL - down"
        );
    }

    #[test]
    fn flapping_lines() {
        let started = FlapChange::Started {
            percent: 24.21,
            threshold: 24.0,
        };
        assert_eq!(
            one(Event::Flapping { obj: svc(), change: started }),
            "SERVICE FLAPPING ALERT: db1;mysql;STARTED; Service appears to have started flapping (24.2% change >= 24.0% threshold)"
        );
        assert_eq!(
            one(Event::Flapping { obj: host(), change: started }),
            "HOST FLAPPING ALERT: db1;STARTED; Host appears to have started flapping (24.2% change > 24.0% threshold)"
        );
        let stopped = FlapChange::Stopped {
            percent: 3.8,
            threshold: 5.0,
        };
        assert_eq!(
            one(Event::Flapping { obj: host(), change: stopped }),
            "HOST FLAPPING ALERT: db1;STOPPED; Host appears to have stopped flapping (3.8% change < 5.0% threshold)"
        );
        assert_eq!(
            one(Event::Flapping {
                obj: svc(),
                change: FlapChange::Disabled
            }),
            "SERVICE FLAPPING ALERT: db1;mysql;DISABLED; Flap detection has been disabled"
        );
    }

    #[test]
    fn passive_and_freshness_lines() {
        assert_eq!(
            one(Event::PassiveCheck {
                obj: svc(),
                prev_state: 0,
                prev_output: None
            }),
            "PASSIVE SERVICE CHECK: db1;mysql;0;(null)"
        );
        assert_eq!(
            one(Event::PassiveCheck {
                obj: host(),
                prev_state: 1,
                prev_output: Some("lost".into())
            }),
            "PASSIVE HOST CHECK: db1;1;lost"
        );
        let off = LogOptions {
            passive_checks: false,
            ..LogOptions::default()
        };
        let mut v = Vec::new();
        Event::PassiveCheck {
            obj: svc(),
            prev_state: 0,
            prev_output: None,
        }
        .log_lines(&off, &mut v);
        assert!(v.is_empty());
        assert_eq!(Dhms(93_784).to_string(), "1d 2h 3m 4s");
        assert_eq!(Dhms::of(-5).to_string(), "0d 0h 0m 0s");
        let disk = Obj::Service {
            host: "h1".into(),
            service: "Disk".into(),
        };
        assert_eq!(
            one(Event::Stale { obj: disk, by: 65, threshold: 75 }),
            "Warning: The results of service 'Disk' on host 'h1' are stale by 0d 0h 1m 5s (threshold=0d 0h 1m 15s).  I'm forcing an immediate check of the service."
        );
        assert_eq!(
            one(Event::Stale { obj: Obj::Host { host: "h1".into() }, by: 1, threshold: 3600 }),
            "Warning: The results of host 'h1' are stale by 0d 0h 0m 1s (threshold=0d 1h 0m 0s).  I'm forcing an immediate check of the host."
        );
    }

    #[test]
    fn handler_lines() {
        let run = HandlerRun {
            obj: svc(),
            kind: HandlerKind::Global,
            state: AnyState::Service(ServiceState::Critical),
            state_type: StateType::Soft,
            attempt: 1,
            directive: "svc-eh".into(),
            command: "/x/svc-eh a b".into(),
        };
        assert_eq!(
            one(Event::HandlerStarted {
                run: run.clone(),
                logged_directive: "svc-eh".into()
            }),
            "GLOBAL SERVICE EVENT HANDLER: db1;mysql;CRITICAL;SOFT;1;svc-eh"
        );
        let finished = |end| Event::HandlerFinished {
            run: run.clone(),
            end,
            start: 0.0,
            duration: 2.004,
            output: String::new(),
        };
        assert!(finished(ProcessEnd::Exited(0)).lines().is_empty());
        assert_eq!(
            one(finished(ProcessEnd::TimedOut)),
            "Warning: Global service event handler command '/x/svc-eh a b' timed out after 2.00 seconds"
        );
        assert_eq!(
            one(finished(ProcessEnd::Exited(3))),
            "Warning: Global service event handler command '/x/svc-eh a b' exited with return code 3"
        );
    }

    #[test]
    fn command_lines_match_nagios() {
        let accepted = |name: &str, args: &str| {
            Event::Command(CommandEvent::Accepted {
                name: name.into(),
                args: args.into(),
                passive: false,
            })
        };
        assert_eq!(
            one(accepted("save_state_information", "")),
            "EXTERNAL COMMAND: save_state_information;"
        );
        assert_eq!(
            one(accepted("DISABLE_SVC_EVENT_HANDLER", "h1;s1")),
            "EXTERNAL COMMAND: DISABLE_SVC_EVENT_HANDLER;h1;s1"
        );
        assert_eq!(
            one(Event::Command(CommandEvent::Malformed {
                raw: "[1795657487\n".into()
            })),
            "External command [1795657487 returned error Malformed command"
        );
        assert_eq!(
            Event::Command(CommandEvent::Unknown {
                entry_time: 1795657487,
                name: "FOO_BAR".into(),
                args: "a;b".into()
            })
            .lines(),
            vec![
                "Warning: Unrecognized external command -> FOO_BAR;a;b",
                "External command [1795657487] FOO_BAR;a;b returned error Unknown or unsupported command",
            ]
        );
        assert_eq!(
            Event::Command(CommandEvent::Failed {
                entry_time: 1795657487,
                name: "ENABLE_SVC_CHECK".into(),
                args: String::new(),
                reason: String::new()
            })
            .lines(),
            vec![
                "Error: External command failed -> ENABLE_SVC_CHECK;",
                "External command [1795657487] ENABLE_SVC_CHECK returned error Command failed",
            ]
        );
        assert_eq!(
            one(Event::Command(CommandEvent::PassiveUnknown {
                obj: Obj::Service { host: "db1".into(), service: "nosvc".into() },
                host_found: true
            })),
            "Warning:  Passive check result was received for service 'nosvc' on host 'db1', but the service could not be found!"
        );
        assert_eq!(
            one(Event::Command(CommandEvent::PassiveUnknown {
                obj: Obj::Host { host: "nohost".into() },
                host_found: false
            })),
            "Warning:  Passive check result was received for host 'nohost', but the host could not be found!"
        );
    }

    #[test]
    fn check_problem_lines() {
        let p = |obj, problem| one(Event::CheckProblem { obj, problem });
        let rc = Obj::Service {
            host: "lab01".into(),
            service: "rc".into(),
        };
        let gw = Obj::Host { host: "gw".into() };
        assert_eq!(
            p(rc.clone(), CheckProblem::TimedOut { after: 2.0046 }),
            "Warning: Check of service 'rc' on host 'lab01' timed out after 2.005s!"
        );
        assert_eq!(
            p(gw.clone(), CheckProblem::TimedOut { after: 30.004 }),
            "Warning: Check of host 'gw' timed out after 30.00 seconds"
        );
        assert_eq!(
            p(rc, CheckProblem::OutOfBounds { rc: 4 }),
            "Warning: Return code of 4 for check of service 'rc' on host 'lab01' was out of bounds."
        );
        assert_eq!(
            p(gw, CheckProblem::DidNotExitProperly),
            "Warning:  Check of host 'gw' did not exit properly!"
        );
    }
}
