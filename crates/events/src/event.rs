//! [`Event`]: everything the core reports, as values. The log file, `--verbose`, the
//! handler journal, metrics and the Livestatus `log` table all read these; only
//! [`crate::logtext`] turns them into text.

use serde::{Deserialize, Serialize};

use crate::notification::{DowntimeChange, NotificationLine, NotificationRecord, NotificationRun};
use crate::states::{AnyState, ObjKind, StateType};

/// Seconds since the Unix epoch.
pub type Time = f64;

/// The object an event is about, by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Obj {
    /// A host.
    Host {
        /// `host_name`.
        host: String,
    },
    /// A service.
    Service {
        /// Its host's `host_name`.
        host: String,
        /// `service_description`.
        service: String,
    },
}

impl Obj {
    /// Host or service.
    pub fn kind(&self) -> ObjKind {
        match self {
            Obj::Host { .. } => ObjKind::Host,
            Obj::Service { .. } => ObjKind::Service,
        }
    }

    /// The host name.
    pub fn host(&self) -> &str {
        match self {
            Obj::Host { host } | Obj::Service { host, .. } => host,
        }
    }

    /// The service description, for services.
    pub fn service(&self) -> Option<&str> {
        match self {
            Obj::Host { .. } => None,
            Obj::Service { service, .. } => Some(service),
        }
    }
}

impl std::fmt::Display for Obj {
    /// `host` or `host;service`, as log lines name objects.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Obj::Host { host } => f.write_str(host),
            Obj::Service { host, service } => write!(f, "{host};{service}"),
        }
    }
}

/// An object's state as an ALERT or STATE line shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateLine {
    /// The object.
    pub obj: Obj,
    /// Its current state.
    pub state: AnyState,
    /// SOFT or HARD.
    pub state_type: StateType,
    /// Current attempt.
    pub attempt: u32,
    /// Short plugin output; `None` before the first check.
    pub output: Option<String>,
}

/// When a STATE line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StateReport {
    /// At start-up (`log_initial_states`).
    Initial,
    /// After a log rotation (`log_current_states`).
    Current,
}

/// Flapping started or stopped, with the figures Nagios prints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum FlapChange {
    /// Percent state change reached the high threshold.
    Started {
        /// Percent state change.
        percent: f64,
        /// The high threshold.
        threshold: f64,
    },
    /// Percent state change fell below the low threshold.
    Stopped {
        /// Percent state change.
        percent: f64,
        /// The low threshold.
        threshold: f64,
    },
    /// Flap detection was disabled while the object was flapping.
    Disabled,
    /// `CLEAR_*_FLAPPING_STATE` on a flapping object. Nagios 4.4.6 logs it as a
    /// STOPPED line with the percent from before the reset and the low threshold
    /// (`Flapping state cleared for service. (18.4% change < 5.0% threshold)`).
    Cleared {
        /// Percent state change before the history was reset.
        percent: f64,
        /// The low threshold.
        threshold: f64,
    },
}

/// Something wrong with how a check plugin ran (Nagios's warnings after a result).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum CheckProblem {
    /// Killed after the check timeout.
    TimedOut {
        /// Seconds it ran.
        after: f64,
    },
    /// Ended by a signal or otherwise without an exit code.
    DidNotExitProperly,
    /// Exit code 126 (not executable).
    NotExecutable,
    /// Exit code 127 (not found).
    NotFound,
    /// An exit code outside 0..=3.
    OutOfBounds {
        /// The exit code.
        rc: i32,
    },
}

/// Which of an object's event handlers ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerKind {
    /// `global_host_event_handler` / `global_service_event_handler`.
    Global,
    /// The object's own `event_handler`.
    Object,
}

/// One event handler invocation: what ran, for which transition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlerRun {
    /// The object.
    pub obj: Obj,
    /// Global or the object's own.
    pub kind: HandlerKind,
    /// The state that triggered it.
    pub state: AnyState,
    /// Its state type.
    pub state_type: StateType,
    /// Its attempt.
    pub attempt: u32,
    /// The directive as configured (`cmd!args`).
    pub directive: String,
    /// The expanded command line as displayed.
    pub command: String,
    /// The core's id of this run (its job id; unique within one vigil process):
    /// links a later [`Event::HandlerOutcome`] to the run. 0 when not run.
    #[serde(default)]
    pub id: u64,
}

/// What became of an event handler run for a problem state, decided by the
/// object's next results (vigil; Nagios does not follow up on handlers).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerOutcome {
    /// The object was OK / UP within the verify window.
    Recovered {
        /// Seconds from the handler's start to the first OK / UP result.
        after: f64,
    },
    /// A result after the handler (or its verify recheck) was still the same
    /// problem, or the verify window closed without an OK / UP.
    NotRecovered,
    /// A new state change (or a new run of the object's handlers) came first.
    Superseded,
    /// vigil stopped before the outcome was known.
    Unknown,
}

impl HandlerOutcome {
    /// `recovered`, `not recovered`, `superseded`, `unknown`.
    pub fn word(self) -> &'static str {
        match self {
            HandlerOutcome::Recovered { .. } => "recovered",
            HandlerOutcome::NotRecovered => "not recovered",
            HandlerOutcome::Superseded => "superseded",
            HandlerOutcome::Unknown => "unknown",
        }
    }

    /// The word of a journal field (`not_recovered`, ...), the inverse of
    /// [`HandlerOutcome::from_field`].
    pub fn field(self) -> &'static str {
        match self {
            HandlerOutcome::Recovered { .. } => "recovered",
            HandlerOutcome::NotRecovered => "not_recovered",
            HandlerOutcome::Superseded => "superseded",
            HandlerOutcome::Unknown => "unknown",
        }
    }

    /// Reads a journal field back (`recovered_after` completes `recovered`).
    pub fn from_field(word: &str, recovered_after: Option<f64>) -> Option<HandlerOutcome> {
        Some(match word {
            "recovered" => HandlerOutcome::Recovered {
                after: recovered_after.unwrap_or(0.0),
            },
            "not_recovered" | "not recovered" => HandlerOutcome::NotRecovered,
            "superseded" => HandlerOutcome::Superseded,
            "unknown" => HandlerOutcome::Unknown,
            _ => return None,
        })
    }
}

/// Why a vigil handler policy kept an object's event handlers from running for a
/// transition (custom variables `_VIGIL_*`, see the README).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerSuppression {
    /// `_VIGIL_MAX_RUNS`: this many runs already started within the window.
    RateLimit {
        /// The limit.
        runs: u32,
        /// The window, in seconds.
        window: f64,
    },
    /// `_VIGIL_OVERLAP skip`: the previous run is still running.
    Overlap,
    /// `_VIGIL_OVERLAP queue`: the transition waited for the previous run and a
    /// newer transition took its place.
    Replaced,
    /// `_VIGIL_SKIP_WHEN downtime`: the object is in scheduled downtime.
    Downtime,
    /// `_VIGIL_SKIP_WHEN acknowledged`: the problem is acknowledged.
    Acknowledged,
    /// `_VIGIL_SKIP_WHEN flapping`: the object is flapping.
    Flapping,
    /// `_VIGIL_HANDLER_PERIOD`: outside this timeperiod.
    OutsidePeriod {
        /// The timeperiod's name.
        period: String,
    },
}

impl std::fmt::Display for HandlerSuppression {
    /// The reason as vigil's log line and `vigil handlers` print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerSuppression::RateLimit { runs, window } => {
                write!(f, "{runs} runs within {window} s already (_VIGIL_MAX_RUNS)")
            }
            HandlerSuppression::Overlap => f.write_str("the previous run is still running (_VIGIL_OVERLAP skip)"),
            HandlerSuppression::Replaced => {
                f.write_str("waited for the previous run and was replaced by a newer transition (_VIGIL_OVERLAP queue)")
            }
            HandlerSuppression::Downtime => f.write_str("in scheduled downtime (_VIGIL_SKIP_WHEN)"),
            HandlerSuppression::Acknowledged => f.write_str("acknowledged (_VIGIL_SKIP_WHEN)"),
            HandlerSuppression::Flapping => f.write_str("flapping (_VIGIL_SKIP_WHEN)"),
            HandlerSuppression::OutsidePeriod { period } => {
                write!(f, "outside timeperiod '{period}' (_VIGIL_HANDLER_PERIOD)")
            }
        }
    }
}

/// How a process (check, handler, notification) ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcessEnd {
    /// Exited with this code.
    Exited(i32),
    /// Killed by this signal (not by vigil's timeout).
    Signaled(i32),
    /// Killed by vigil after the timeout.
    TimedOut,
    /// Never started; the reason.
    NotStarted(String),
}

impl ProcessEnd {
    /// The exit code, when it exited.
    pub fn exit_code(&self) -> Option<i32> {
        match self {
            ProcessEnd::Exited(c) => Some(*c),
            _ => None,
        }
    }

    /// The signal that killed it, when one did (not vigil's timeout).
    pub fn signal(&self) -> Option<i32> {
        match self {
            ProcessEnd::Signaled(s) => Some(*s),
            _ => None,
        }
    }

    /// Whether vigil killed it after the timeout.
    pub fn timed_out(&self) -> bool {
        matches!(self, ProcessEnd::TimedOut)
    }

    /// Why it never started, when it did not.
    pub fn start_error(&self) -> Option<String> {
        match self {
            ProcessEnd::NotStarted(e) => Some(e.clone()),
            _ => None,
        }
    }
}

/// External command file events (spec external-commands.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandEvent {
    /// A known command was read: `EXTERNAL COMMAND: NAME;args`.
    Accepted {
        /// The name as written.
        name: String,
        /// The arguments verbatim.
        args: String,
        /// `PROCESS_*_CHECK_RESULT` (logged with `log_passive_checks`, not
        /// `log_external_commands`).
        passive: bool,
    },
    /// Not a command line at all.
    Malformed {
        /// The line as read.
        raw: String,
    },
    /// An unknown command name.
    Unknown {
        /// The `[ts]` value.
        entry_time: i64,
        /// The name as written.
        name: String,
        /// The arguments verbatim.
        args: String,
    },
    /// A known command that could not be carried out.
    Failed {
        /// The `[ts]` value.
        entry_time: i64,
        /// The name as written.
        name: String,
        /// The arguments verbatim.
        args: String,
        /// Why (vigil's addition; empty for none).
        reason: String,
    },
    /// A passive result for an object that does not exist.
    PassiveUnknown {
        /// The names given in the command.
        obj: Obj,
        /// The host exists but the service does not.
        host_found: bool,
    },
}

/// Program-level events the runner reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProgramEvent {
    /// `Vigil <version> starting... (PID=<pid>)`.
    Starting {
        /// vigil's version.
        version: String,
        /// Process id.
        pid: u32,
    },
    /// `LOG VERSION: 2.0`.
    LogVersion,
    /// `LOG ROTATION: DAILY` (method word).
    LogRotation {
        /// `HOURLY`, `DAILY`, `WEEKLY`, `MONTHLY`.
        method: String,
    },
    /// `Caught SIGTERM, shutting down...` and the like.
    CaughtSignal {
        /// `SIGTERM`, `SIGINT`.
        signal: String,
        /// True for a restart (SIGHUP).
        restart: bool,
    },
    /// `PROGRAM_SHUTDOWN event encountered, shutting down...` /
    /// `PROGRAM_RESTART event encountered, restarting...`.
    CommandedStop {
        /// True for RESTART_PROGRAM.
        restart: bool,
    },
    /// `Successfully shutdown... (PID=<pid>)`.
    Stopped {
        /// Process id.
        pid: u32,
    },
    /// `Auto-save of retention data completed successfully.`
    AutoSaved,
    /// `State journal writes work again.` (after a failed append was reported).
    JournalRecovered,
    /// A command submitted through the web UI or API, before it is carried out:
    /// `WEB COMMAND: <user>;<command line>` (vigil's audit line; the command's own
    /// `EXTERNAL COMMAND:` line follows).
    WebCommand {
        /// The authenticated user (or the configured default user).
        user: String,
        /// `NAME;args` as submitted.
        command: String,
    },
    /// A `broker_module=` line vigil does not load (it loads no event broker
    /// module; a Livestatus module's socket it serves itself).
    BrokerModuleSkipped {
        /// The line's value (module path and arguments).
        module: String,
        /// Where the line is (`file:line`).
        location: String,
    },
    /// vigil serves Livestatus itself in place of the `broker_module=` line naming
    /// a Livestatus module.
    LivestatusServing {
        /// The sockets: the UNIX socket path and the TCP address, as listened on.
        endpoints: String,
        /// Where the `broker_module=` line is (`file:line`).
        location: String,
    },
    /// A problem of the runner itself (files, journal, configuration reload):
    /// `Warning: ...` or `Error: ...` lines with the reason.
    Problem {
        /// True for `Error:`, false for `Warning:`.
        error: bool,
        /// What went wrong, with its reason.
        text: String,
    },
}

/// Jobs Nagios 4 runs on its workers besides checks, event handlers and
/// notifications (its `wproc` job types of the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HelperJob {
    /// `ocsp_command` after a service result (`OCSP`).
    Ocsp,
    /// `ochp_command` after a host result (`OCHP`).
    Ochp,
    /// `service_perfdata_command` (`SERVICE PERFDATA`).
    ServicePerfdata,
    /// `host_perfdata_command` (`HOST PERFDATA`).
    HostPerfdata,
}

impl HelperJob {
    /// The job type as Nagios's `wproc:` lines name it.
    pub fn wproc_name(self) -> &'static str {
        match self {
            HelperJob::Ocsp => "OCSP",
            HelperJob::Ochp => "OCHP",
            HelperJob::ServicePerfdata => "SERVICE PERFDATA",
            HelperJob::HostPerfdata => "HOST PERFDATA",
        }
    }
}

/// Performance data events (spec perfdata.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PerfdataEvent {
    /// A `*_perfdata_command` or `*_perfdata_file_processing_command` names no
    /// command; it is dropped (logged at start-up).
    CommandNotFound {
        /// Host or service perfdata.
        kind: ObjKind,
        /// The file processing command (else the perfdata command).
        file_processing: bool,
        /// The command name as written (without `!args`).
        name: String,
    },
    /// A perfdata file could not be opened; records of that kind are not written.
    FileNotOpened {
        /// Host or service perfdata.
        kind: ObjKind,
        /// The file.
        path: String,
    },
    /// The file processing command ran longer than `perfdata_timeout` and was killed.
    ProcessingTimedOut {
        /// Host or service perfdata file.
        kind: ObjKind,
        /// The expanded command.
        command: String,
        /// `perfdata_timeout` in seconds.
        timeout: u64,
    },
    /// The file processing command could not be started.
    ProcessingNotStarted {
        /// Host or service perfdata file.
        kind: ObjKind,
        /// The expanded command.
        command: String,
        /// Why.
        error: String,
    },
}

/// Everything the core reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// `SERVICE ALERT` / `HOST ALERT`.
    Alert(StateLine),
    /// `INITIAL|CURRENT SERVICE|HOST STATE`.
    State(StateReport, StateLine),
    /// `... FLAPPING ALERT: ...;STARTED|STOPPED; ...`.
    Flapping {
        /// The object.
        obj: Obj,
        /// Started or stopped, with the figures.
        change: FlapChange,
    },
    /// `PASSIVE SERVICE|HOST CHECK`: Nagios 4.4.6 writes it with the state id and
    /// output from *before* the result.
    PassiveCheck {
        /// The object.
        obj: Obj,
        /// State id before the result.
        prev_state: u8,
        /// Output before the result (`None`: never checked).
        prev_output: Option<String>,
    },
    /// One of Nagios's warnings about how a check ran.
    CheckProblem {
        /// The object checked.
        obj: Obj,
        /// What was wrong.
        problem: CheckProblem,
    },
    /// A check came due outside its check period, and the period has no time left
    /// at all: it is tried again at `at` (check_interval from now; Nagios 4.4.6's
    /// warning, whose `ctime` newline puts `...` on a line of its own).
    CheckNotRescheduled {
        /// The object.
        obj: Obj,
        /// The new check time as `ctime` shows it (local time).
        at: String,
    },
    /// A result is stale and a check is forced (freshness).
    Stale {
        /// The object.
        obj: Obj,
        /// Seconds past the threshold.
        by: i64,
        /// The threshold in seconds.
        threshold: i64,
    },
    /// A command line could not be turned into a process (`what`: `Check`,
    /// `event handler`, ...).
    NotPrepared {
        /// What kind of command.
        what: String,
        /// The command as displayed.
        command: String,
        /// Why.
        error: String,
    },
    /// An event handler is started: `[GLOBAL ]SERVICE|HOST EVENT HANDLER: ...`.
    HandlerStarted {
        /// The run.
        run: HandlerRun,
        /// The directive as Nagios logs it: expanded with the handler's own
        /// arguments (it is the last field of the line).
        logged_directive: String,
    },
    /// The handler directive names no command.
    HandlerNotDefined {
        /// Host or service handler.
        kind: ObjKind,
        /// The directive.
        directive: String,
    },
    /// An event handler finished.
    HandlerFinished {
        /// The run.
        run: HandlerRun,
        /// How it ended.
        end: ProcessEnd,
        /// When it started.
        start: Time,
        /// How long it ran, in seconds.
        duration: f64,
        /// Its output (stdout, then stderr), cut to the journal's limit.
        output: String,
    },
    /// What became of a handler run (vigil): decided by the object's next results,
    /// reported once the run has ended. Not logged; the handler journal keeps it.
    HandlerOutcome {
        /// The run ([`HandlerRun::id`] links it to its `HandlerFinished`).
        run: HandlerRun,
        /// The outcome.
        outcome: HandlerOutcome,
        /// When it was decided.
        decided: Time,
    },
    /// A vigil handler policy kept one of the object's handlers from running for
    /// this transition (logged; the journal keeps it).
    HandlerSuppressed {
        /// The run that did not happen (`command` empty, `id` 0).
        run: HandlerRun,
        /// Why.
        reason: HandlerSuppression,
    },
    /// `_VIGIL_OVERLAP queue`: the transition waits until the object's running
    /// handlers have ended (logged).
    HandlerQueued {
        /// The run that waits (`command` empty, `id` 0).
        run: HandlerRun,
    },
    /// `_VIGIL_VERIFY`: a forced recheck of the object is scheduled (not logged).
    VerifyScheduled {
        /// The object.
        obj: Obj,
        /// When the recheck is due.
        at: Time,
    },
    /// External command file events.
    Command(CommandEvent),
    /// `SERVICE NOTIFICATION: ...` / `HOST NOTIFICATION: ...`: one contact notified
    /// with one command (written before the command runs; `log_notifications`).
    Notification(NotificationLine),
    /// A notification command ended (the notification journal; a timeout is
    /// logged as Nagios logs it).
    NotificationFinished {
        /// The run.
        run: NotificationRun,
        /// How it ended.
        end: ProcessEnd,
        /// When it started.
        start: Time,
        /// How long it ran, in seconds.
        duration: f64,
        /// Its output (stdout, then stderr), cut to the journal's limit.
        output: String,
    },
    /// A notification was decided, sent or not, with every contact considered and
    /// the rule that stopped it (the notification journal; not logged).
    NotificationDecided(Box<NotificationRecord>),
    /// `SERVICE DOWNTIME ALERT: ...` / `HOST DOWNTIME ALERT: ...`.
    DowntimeAlert {
        /// The object.
        obj: Obj,
        /// Started, stopped or cancelled.
        change: DowntimeChange,
    },
    /// A check result was processed (not logged; `--verbose`, metrics).
    CheckDone {
        /// The object's state after the result.
        line: StateLine,
        /// Active or passive.
        active: bool,
        /// Seconds between due and start.
        latency: f64,
        /// Seconds the plugin ran.
        execution_time: f64,
    },
    /// Program-level events.
    Program(ProgramEvent),
    /// Performance data events.
    Perfdata(PerfdataEvent),
    /// An OCSP/OCHP or perfdata command ended (logged only when it failed, as
    /// Nagios's `wproc:` lines and, for OCSP/OCHP timeouts, its warning).
    HelperFinished {
        /// What kind of job.
        job: HelperJob,
        /// vigil's job id (Nagios prints its worker job id).
        id: u64,
        /// vigil's process id (Nagios prints its worker's).
        pid: u32,
        /// The object the job was for.
        obj: Obj,
        /// The expanded command.
        command: String,
        /// How it ended.
        end: ProcessEnd,
        /// How long it ran, in seconds.
        duration: f64,
    },
}
