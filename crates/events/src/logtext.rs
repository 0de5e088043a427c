//! The one place that turns [`Event`]s into log text: the lines Nagios 4.4.6 writes
//! (byte-identical where Nagios has the line), plus vigil's own lines where it has
//! something to say that Nagios does not. Which events reach the log at all follows
//! the `log_*` switches of the main configuration ([`LogOptions`]).

use std::fmt::Write;

use crate::event::{
    CheckProblem, CommandEvent, Event, FlapChange, HandlerKind, HandlerRun, HelperJob, Obj,
    PerfdataEvent, ProcessEnd, ProgramEvent, StateLine, StateReport,
};
use crate::notification::{DowntimeChange, NotificationType};
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
    /// `log_notifications`: the `... NOTIFICATION:` lines.
    pub notifications: bool,
}

impl Default for LogOptions {
    /// Nagios's defaults: everything on.
    fn default() -> Self {
        LogOptions {
            event_handlers: true,
            external_commands: true,
            passive_checks: true,
            notifications: true,
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

/// `[GLOBAL ]SERVICE|HOST EVENT HANDLER` (the start of a handler line).
pub(crate) fn handler_prefix(run: &HandlerRun) -> String {
    let global = match run.kind {
        HandlerKind::Global => "GLOBAL ",
        HandlerKind::Object => "",
    };
    format!("{global}{} EVENT HANDLER", run.obj.kind().word())
}

/// `obj;STATE;TYPE;attempt;directive` of vigil's own handler lines.
fn handler_fields(run: &HandlerRun) -> String {
    format!(
        "{};{};{};{};{}",
        run.obj,
        run.state.name(),
        run.state_type.name(),
        run.attempt,
        run.directive
    )
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
                    FlapChange::Cleared { percent, threshold } => format!(
                        "STOPPED; Flapping state cleared for {}. ({percent:.1}% change < {threshold:.1}% threshold)",
                        obj.kind().word().to_ascii_lowercase()
                    ),
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
            Event::CheckNotRescheduled { obj, at } => {
                out.push(format!(
                    "Warning: Check of {} could not be rescheduled properly.  Scheduling check for {at}\n...",
                    check_subject(obj)
                ));
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
            Event::HandlerSuppressed { run, reason } => out.push(format!(
                "{} SUPPRESSED: {};{}",
                handler_prefix(run),
                handler_fields(run),
                reason
            )),
            Event::HandlerQueued { run } => out.push(format!(
                "{} QUEUED: {};waits for the running handler (_VIGIL_OVERLAP queue)",
                handler_prefix(run),
                handler_fields(run)
            )),
            Event::HandlerOutcome { .. } | Event::VerifyScheduled { .. } => {}
            Event::Command(c) => command_lines(c, opts, out),
            Event::Perfdata(p) => out.push(perfdata_line(p)),
            Event::HelperFinished {
                job,
                id,
                pid,
                obj,
                command,
                end,
                duration,
            } => helper_lines(*job, *id, *pid, obj, command, end, *duration, out),
            Event::Notification(n) => {
                if opts.notifications {
                    let mut s = format!(
                        "{} NOTIFICATION: {};{};",
                        n.obj.kind().word(),
                        n.contact,
                        n.obj
                    );
                    match n.kind {
                        NotificationType::Normal => s.push_str(n.state.name()),
                        k => {
                            let _ =
                                write!(s, "{} ({})", k.macro_name(n.state.is_ok()), n.state.name());
                        }
                    }
                    // A never-checked service's output is a NULL string in Nagios
                    // (`(null)`), a host's is empty.
                    let null = match n.obj.kind() {
                        ObjKind::Service => "(null)",
                        ObjKind::Host => "",
                    };
                    let _ = write!(s, ";{};{}", n.command, n.output.as_deref().unwrap_or(null));
                    if matches!(
                        n.kind,
                        NotificationType::Acknowledgement | NotificationType::Custom
                    ) {
                        let _ = write!(
                            s,
                            ";{};{}",
                            n.author.as_deref().unwrap_or(""),
                            n.comment.as_deref().unwrap_or("")
                        );
                    }
                    out.push(s);
                }
            }
            Event::NotificationFinished {
                run, end, duration, ..
            } => {
                let whom = match &run.obj {
                    Obj::Host { host } => format!("host '{host}'"),
                    Obj::Service { host, service } => {
                        format!("service '{service}' on host '{host}'")
                    }
                };
                match end {
                    ProcessEnd::TimedOut => out.push(format!(
                        "Warning: Notifying contact '{}' of {whom} by command '{}' timed out after {duration:.2} seconds",
                        run.contact, run.command
                    )),
                    ProcessEnd::NotStarted(e) => out.push(format!(
                        "Warning: Notification command '{}' for contact '{}' could not be started: {e}",
                        run.command, run.contact
                    )),
                    _ => {}
                }
            }
            Event::NotificationDecided(_) => {}
            Event::DowntimeAlert { obj, change } => {
                let (kind, word) = match obj.kind() {
                    ObjKind::Service => ("SERVICE", "Service"),
                    ObjKind::Host => ("HOST", "Host"),
                };
                let text = match change {
                    DowntimeChange::Started => {
                        format!("STARTED; {word} has entered a period of scheduled downtime")
                    }
                    DowntimeChange::Stopped => {
                        format!("STOPPED; {word} has exited from a period of scheduled downtime")
                    }
                    DowntimeChange::Cancelled => format!(
                        "CANCELLED; Scheduled downtime for {} has been cancelled.",
                        word.to_ascii_lowercase()
                    ),
                };
                out.push(format!("{kind} DOWNTIME ALERT: {obj};{text}"));
            }
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
                ProgramEvent::WebCommand { user, command } => {
                    format!("WEB COMMAND: {user};{command}")
                }
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

/// `service` / `host`, `Service` / `Host`: how perfdata lines name the kind.
fn kind_words(kind: ObjKind) -> (&'static str, &'static str) {
    match kind {
        ObjKind::Service => ("service", "Service"),
        ObjKind::Host => ("host", "Host"),
    }
}

fn perfdata_line(p: &PerfdataEvent) -> String {
    match p {
        PerfdataEvent::CommandNotFound {
            kind,
            file_processing: false,
            name,
        } => {
            let (lower, upper) = kind_words(*kind);
            format!("Warning: {upper} performance command '{name}' was not found - {lower} performance data will not be processed!")
        }
        PerfdataEvent::CommandNotFound {
            kind,
            file_processing: true,
            name,
        } => {
            let (lower, upper) = kind_words(*kind);
            format!("Warning: {upper} performance file processing command '{name}' was not found - {lower} performance data file will not be processed!")
        }
        PerfdataEvent::FileNotOpened { kind, path } => format!(
            "Warning: File '{path}' could not be opened - {} performance data will not be written to file!",
            kind_words(*kind).0
        ),
        PerfdataEvent::ProcessingTimedOut {
            kind,
            command,
            timeout,
        } => format!(
            "Warning: {} performance data file processing command '{command}' timed out after {timeout} seconds",
            kind_words(*kind).1
        ),
        PerfdataEvent::ProcessingNotStarted {
            kind,
            command,
            error,
        } => format!(
            "Warning: {} performance data file processing command '{command}' could not be started: {error}",
            kind_words(*kind).1
        ),
    }
}

/// Nagios's `wproc:` lines for a helper job that failed (its worker's name is
/// `Core Worker <pid>`; vigil's own pid stands in for it), and the OCSP / OCHP
/// timeout warnings.
#[allow(clippy::too_many_arguments)]
fn helper_lines(
    job: HelperJob,
    id: u64,
    pid: u32,
    obj: &Obj,
    command: &str,
    end: &ProcessEnd,
    duration: f64,
    out: &mut Vec<String>,
) {
    let (reason, status) = match end {
        ProcessEnd::Exited(0) => return,
        ProcessEnd::Exited(rc) => (
            format!("is a non-check helper but exited with return code {rc}"),
            format!(
                "early_timeout=0; exited_ok=1; wait_status={}; error_code=0;",
                (rc & 0xff) << 8
            ),
        ),
        ProcessEnd::Signaled(sig) => (
            format!("died by signal {sig} after {duration:.2} seconds"),
            format!("early_timeout=0; exited_ok=1; wait_status={sig}; error_code=0;"),
        ),
        ProcessEnd::TimedOut => (
            format!("timed out after {duration:.2}s"),
            "early_timeout=1; exited_ok=0; wait_status=0; error_code=62;".to_string(),
        ),
        ProcessEnd::NotStarted(e) => {
            out.push(format!(
                "Warning: {} command '{command}' could not be started: {e}",
                job.wproc_name()
            ));
            return;
        }
    };
    out.push(format!(
        "wproc: {} job {id} from worker Core Worker {pid} {reason}",
        job.wproc_name()
    ));
    // Nagios names the object only for the jobs it starts with one (OCSP, OCHP).
    if matches!(job, HelperJob::Ocsp | HelperJob::Ochp) {
        out.push(format!(
            "wproc:   host={}; service={}; contact=(none)",
            obj.host(),
            obj.service().unwrap_or("(none)")
        ));
    }
    out.push(format!("wproc:   {status}"));
    if *end == ProcessEnd::TimedOut {
        match (job, obj) {
            (HelperJob::Ocsp, Obj::Service { host, service }) => out.push(format!(
                "Warning: OCSP command '{command}' for service '{service}' on host '{host}' timed out after {duration:.2} seconds"
            )),
            (HelperJob::Ochp, _) => out.push(format!(
                "Warning: OCHP command '{command}' for host '{}' timed out after {duration:.2} seconds",
                obj.host()
            )),
            _ => {}
        }
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
        // CLEAR_*_FLAPPING_STATE (Nagios 4.4.6, recorded): the percent from before
        // the reset, compared with the low threshold whatever the values.
        let cleared = FlapChange::Cleared {
            percent: 18.4,
            threshold: 5.0,
        };
        assert_eq!(
            one(Event::Flapping { obj: svc(), change: cleared }),
            "SERVICE FLAPPING ALERT: db1;mysql;STOPPED; Flapping state cleared for service. (18.4% change < 5.0% threshold)"
        );
        assert_eq!(
            one(Event::Flapping { obj: host(), change: cleared }),
            "HOST FLAPPING ALERT: db1;STOPPED; Flapping state cleared for host. (18.4% change < 5.0% threshold)"
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
            one(Event::CheckNotRescheduled { obj: disk.clone(), at: "Thu Dec  3 14:33:17 2026".into() }),
            "Warning: Check of service 'Disk' on host 'h1' could not be rescheduled properly.  Scheduling check for Thu Dec  3 14:33:17 2026\n..."
        );
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
            id: 7,
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
    fn helper_job_lines_match_nagios() {
        // Lines nagios4 (4.4.6) logged for an OCSP command killed after ocsp_timeout
        // and an OCHP command exiting 3 (worker pid and job id are per run).
        let web = Obj::Service {
            host: "ob01".into(),
            service: "Web".into(),
        };
        let ev = |job, obj, end, duration| Event::HelperFinished {
            job,
            id: 2,
            pid: 22751,
            obj,
            command: "/p/ocsp-rec x".into(),
            end,
            duration,
        };
        assert_eq!(
            ev(HelperJob::Ocsp, web.clone(), ProcessEnd::TimedOut, 1.012).lines(),
            vec![
                "wproc: OCSP job 2 from worker Core Worker 22751 timed out after 1.01s",
                "wproc:   host=ob01; service=Web; contact=(none)",
                "wproc:   early_timeout=1; exited_ok=0; wait_status=0; error_code=62;",
                // Nagios prints 0.00 here (its runtime is never set for a timed-out
                // job); vigil the real duration, as for event handlers (README).
                "Warning: OCSP command '/p/ocsp-rec x' for service 'Web' on host 'ob01' timed out after 1.01 seconds",
            ]
        );
        assert_eq!(
            ev(HelperJob::Ochp, host(), ProcessEnd::Exited(3), 0.1).lines(),
            vec![
                "wproc: OCHP job 2 from worker Core Worker 22751 is a non-check helper but exited with return code 3",
                "wproc:   host=db1; service=(none); contact=(none)",
                "wproc:   early_timeout=0; exited_ok=1; wait_status=768; error_code=0;",
            ]
        );
        // Perfdata jobs are started without an object: no host line.
        assert_eq!(
            ev(HelperJob::ServicePerfdata, web, ProcessEnd::Exited(1), 0.1).lines(),
            vec![
                "wproc: SERVICE PERFDATA job 2 from worker Core Worker 22751 is a non-check helper but exited with return code 1",
                "wproc:   early_timeout=0; exited_ok=1; wait_status=256; error_code=0;",
            ]
        );
        assert!(ev(HelperJob::Ocsp, host(), ProcessEnd::Exited(0), 0.1)
            .lines()
            .is_empty());
    }

    #[test]
    fn perfdata_lines_match_nagios() {
        let p = |e| one(Event::Perfdata(e));
        assert_eq!(
            p(PerfdataEvent::CommandNotFound {
                kind: ObjKind::Service,
                file_processing: false,
                name: "nope".into()
            }),
            "Warning: Service performance command 'nope' was not found - service performance data will not be processed!"
        );
        assert_eq!(
            p(PerfdataEvent::CommandNotFound {
                kind: ObjKind::Host,
                file_processing: true,
                name: "nope".into()
            }),
            "Warning: Host performance file processing command 'nope' was not found - host performance data file will not be processed!"
        );
        assert_eq!(
            p(PerfdataEvent::FileNotOpened {
                kind: ObjKind::Service,
                path: "/x/fifo".into()
            }),
            "Warning: File '/x/fifo' could not be opened - service performance data will not be written to file!"
        );
        assert_eq!(
            p(PerfdataEvent::ProcessingTimedOut {
                kind: ObjKind::Host,
                command: "mv a b".into(),
                timeout: 5
            }),
            "Warning: Host performance data file processing command 'mv a b' timed out after 5 seconds"
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
