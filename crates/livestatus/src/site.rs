//! What the Livestatus tables read: the [`Site`] trait and the plain data types it
//! hands out. The core implements `Site` over its copy-on-write snapshot; this crate
//! has a plain in-memory implementation ([`crate::mem::MemSite`]) for tests and the
//! dev server.
//!
//! Everything here is data as of one instant: a query reads one `Site` from start to
//! end, so a reply is always consistent.

use crate::index::Indexes;
use vigil_config::{HostId, Model, ServiceId, TimeperiodId};
use vigil_state::{ProgramState, Status};

/// One consistent view of the monitoring site, as the tables read it.
///
/// Ids index the vectors of [`Site::model`]; every `HostId`/`ServiceId` of the model
/// must be valid for [`Site::host_status`] / [`Site::service_status`] and the
/// `*_extra` accessors.
pub trait Site: Send + Sync {
    /// The configuration the core runs (immutable between reloads).
    fn model(&self) -> &Model;
    /// Orders and derived lists of the model, built once per model with
    /// [`Indexes::build`] (the core rebuilds it on reload, not per snapshot).
    fn indexes(&self) -> &Indexes;
    /// Run-time status of a host (state, output, attempts, times, switches).
    fn host_status(&self, id: HostId) -> &Status;
    /// Run-time status of a service.
    fn service_status(&self, id: ServiceId) -> &Status;
    /// Facts about a host that [`Status`] does not carry (acknowledgement, downtime
    /// depth, notifications, run-time switches, last event handler run).
    fn host_extra(&self, id: HostId) -> &ObjectExtra;
    /// The same for a service.
    fn service_extra(&self, id: ServiceId) -> &ObjectExtra;
    /// Program-wide status (the `status` table).
    fn program(&self) -> &ProgramStatus;
    /// All comments, ordered by id (ascending).
    fn comments(&self) -> &[Comment];
    /// All scheduled downtimes (pending and active), ordered by id.
    fn downtimes(&self) -> &[Downtime];
    /// Whether a timeperiod contains the snapshot's time (the `in` and `in_*_period`
    /// columns). The core evaluates it with the local time zone.
    fn timeperiod_active(&self, id: TimeperiodId) -> bool;
    /// Visits the log lines (`[epoch] TEXT`, as written to `log_file` and its archives)
    /// whose time lies in `from..=until`, **newest first** (lines of the same second in
    /// reverse file order), until `visit` returns `false`. The range comes from the
    /// query's `time` filters, so an implementation reading archives can skip files.
    fn log_lines(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool);
    /// Event handler runs from the handler journal, oldest first (the `eventhandlers`
    /// table; [`ObjectExtra::last_handler`] indexes into this slice).
    fn handler_runs(&self) -> &[HandlerRun];
}

/// Acknowledgement of a problem (`acknowledgement_type` 1 normal, 2 sticky).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckKind {
    /// Removed at the next state change.
    Normal = 1,
    /// Kept until the object recovers.
    Sticky = 2,
}

/// Per-object facts the tables need beside [`Status`]. `Default` is an object with
/// nothing special: not acknowledged, no downtime, configured switches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectExtra {
    /// The current acknowledgement, if the problem is acknowledged.
    pub acknowledgement: Option<AckKind>,
    /// Number of active downtimes covering the object.
    pub scheduled_downtime_depth: u32,
    /// Number of flexible downtimes waiting for the object to go down.
    pub pending_flex_downtime: u32,
    /// `current_notification_number`.
    pub current_notification_number: u32,
    /// Time of the last notification sent (0: none).
    pub last_notification: i64,
    /// Time of the next re-notification (0: none).
    pub next_notification: i64,
    /// `no_more_notifications`.
    pub no_more_notifications: bool,
    /// A check of the object is running now.
    pub is_executing: bool,
    /// Run-time `notifications_enabled` (`None`: as configured).
    pub notifications_enabled: Option<bool>,
    /// Run-time obsess switch (`None`: as configured).
    pub obsess: Option<bool>,
    /// Run-time `check_freshness` (`None`: as configured).
    pub check_freshness: Option<bool>,
    /// Index into [`Site::handler_runs`] of the object's latest event handler run.
    pub last_handler: Option<usize>,
    /// Custom variables changed at run time (`CHANGE_CUSTOM_*_VAR`): the whole
    /// list, replacing the configured one (`None`: as configured).
    pub custom_vars: Option<Vec<(vigil_config::Str, vigil_config::Str)>>,
}

/// Program status for the `status` table: the retained switches plus what only the
/// running core knows.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramStatus {
    /// Switches, program start and pid.
    pub state: ProgramState,
    /// `program_version` as the core reports it.
    pub program_version: String,
    /// `check_external_commands` of the main config.
    pub check_external_commands: bool,
    /// Time of the last log rotation (0: none).
    pub last_log_rotation: i64,
    /// Time the command file was last read (0: never).
    pub last_command_check: i64,
    /// Counters since program start.
    pub counters: CoreCounters,
}

/// Event counters of the core since program start (`status` table; the `*_rate`
/// columns are these divided by the seconds since program start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoreCounters {
    /// Service checks run (active and passive results).
    pub service_checks: u64,
    /// Host checks run.
    pub host_checks: u64,
    /// Processes started.
    pub forks: u64,
    /// Log lines written.
    pub log_messages: u64,
    /// External commands processed.
    pub external_commands: u64,
}

/// A comment (user comment, downtime or acknowledgement note).
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Comment id (Nagios numbers comments from 1).
    pub id: u64,
    /// The host the comment is about (or the service's host).
    pub host: HostId,
    /// `Some` for a service comment.
    pub service: Option<ServiceId>,
    /// Who wrote it.
    pub author: String,
    /// The text.
    pub text: String,
    /// When it was added.
    pub entry_time: i64,
    /// 1 user, 2 downtime, 3 flapping, 4 acknowledgement.
    pub entry_type: u8,
    /// Kept across restarts.
    pub persistent: bool,
    /// 0 internal (added by the core), 1 external (a command).
    pub source: u8,
    /// Expires at `expire_time`.
    pub expires: bool,
    /// When it expires (0: never).
    pub expire_time: i64,
}

/// A scheduled downtime.
#[derive(Debug, Clone, PartialEq)]
pub struct Downtime {
    /// Downtime id (numbered from 1, separately from comments).
    pub id: u64,
    /// The host (or the service's host).
    pub host: HostId,
    /// `Some` for a service downtime.
    pub service: Option<ServiceId>,
    /// Who scheduled it.
    pub author: String,
    /// Its comment.
    pub comment: String,
    /// When it was scheduled.
    pub entry_time: i64,
    /// Window start.
    pub start_time: i64,
    /// Window end.
    pub end_time: i64,
    /// Fixed (true) or flexible.
    pub fixed: bool,
    /// Length of a flexible downtime in seconds.
    pub duration: i64,
    /// Id of the downtime that triggers this one (0: none).
    pub triggered_by: u64,
    /// In effect now.
    pub active: bool,
}

/// How an event handler run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum HandlerOutcome {
    /// The process exited with this code.
    Exited(i32),
    /// The process was killed by this signal.
    Signaled(i32),
    /// The run timed out and was killed.
    TimedOut,
    /// The handler could not be started.
    Failed(String),
}

/// One event handler run from the handler journal.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlerRun {
    /// The host the handler ran for.
    pub host: HostId,
    /// `Some` for a service handler.
    pub service: Option<ServiceId>,
    /// The global handler (true) or the object's own.
    pub global: bool,
    /// The expanded command line.
    pub command_line: String,
    /// State name of the trigger (`CRITICAL`, `DOWN`, ...).
    pub state: String,
    /// `SOFT` or `HARD`.
    pub state_type: String,
    /// Check attempt of the trigger.
    pub attempt: u32,
    /// Start time (Unix seconds).
    pub start: f64,
    /// Run time in seconds.
    pub duration: f64,
    /// How it ended.
    pub outcome: HandlerOutcome,
    /// The first bytes of its output.
    pub output: String,
}

impl HandlerRun {
    /// The exit code, or -1 when the process did not exit normally.
    pub fn exit_code(&self) -> i64 {
        match self.outcome {
            HandlerOutcome::Exited(c) => i64::from(c),
            _ => -1,
        }
    }

    /// `ok` (exit 0), `failed` (other exit code), `signal`, `timeout` or `error`.
    pub fn outcome_name(&self) -> &'static str {
        match self.outcome {
            HandlerOutcome::Exited(0) => "ok",
            HandlerOutcome::Exited(_) => "failed",
            HandlerOutcome::Signaled(_) => "signal",
            HandlerOutcome::TimedOut => "timeout",
            HandlerOutcome::Failed(_) => "error",
        }
    }
}

/// What the server adds to a query: the time and its own counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryEnv {
    /// The time the query runs at (Unix seconds).
    pub now: f64,
    /// Livestatus server counters for the `status` table.
    pub server: ServerCounters,
    /// `service_authorization=strict` (only the service's own contacts see it);
    /// default loose (contacts of the service or of its host).
    pub service_auth_strict: bool,
    /// `group_authorization=loose` (a group is seen when any member is); default
    /// strict (only when every member is).
    pub group_auth_loose: bool,
    /// Replies larger than this fail with 413 (0: no limit).
    pub max_response_size: usize,
}

/// Counters of the Livestatus server itself (`status` table).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerCounters {
    /// Connections accepted since start.
    pub connections: u64,
    /// Requests answered since start.
    pub requests: u64,
    /// Connections open now.
    pub active_connections: u64,
    /// Worker threads.
    pub threads: u64,
}
