//! What the Livestatus tables read: the [`Site`] trait and the plain data types it
//! hands out. vigil implements `Site` over the core's copy-on-write snapshot
//! (`vigil-livestatus-server`'s `CoreSite`); this crate has a plain in-memory
//! implementation ([`crate::mem::MemSite`]) whose data tests set directly.
//!
//! Everything here is data as of one instant: a query reads one `Site` from start to
//! end, so a reply is always consistent.

use crate::index::Indexes;
use std::sync::Arc;
use vigil_config::{HostId, Model, ServiceId, TimeperiodId};
use vigil_state::{HostStatus, ProgramState, ServiceStatus};

/// One consistent view of the monitoring site, as the tables read it.
///
/// Ids index the vectors of [`Site::model`]; every `HostId`/`ServiceId` of the model
/// must be valid for [`Site::host_status`] / [`Site::service_status`] and the
/// `*_extra` accessors.
pub trait Site: Send + Sync {
    /// The configuration the core runs (immutable between reloads).
    fn model(&self) -> &Model;
    /// Orders and derived lists of the model, built once per model with
    /// [`Indexes::build`] (rebuilt on reload, not per snapshot).
    fn indexes(&self) -> &Indexes;
    /// Every host's run-time status, by `HostId`. A query takes the slice once, so
    /// that reading a status is no call through the trait.
    fn host_statuses(&self) -> Statuses<'_, HostStatus>;
    /// Every service's run-time status, by `ServiceId`.
    fn service_statuses(&self) -> Statuses<'_, ServiceStatus>;
    /// Run-time status of a host (state, output, attempts, times, switches in
    /// [`vigil_state::Attributes`]); [`absent_host`] for an id past them.
    fn host_status(&self, id: HostId) -> &HostStatus {
        self.host_statuses()
            .get(id.idx())
            .unwrap_or_else(|| absent_host())
    }
    /// Run-time status of a service; [`absent_service`] for an id past them.
    fn service_status(&self, id: ServiceId) -> &ServiceStatus {
        self.service_statuses()
            .get(id.idx())
            .unwrap_or_else(|| absent_service())
    }
    /// Facts about a host that its status does not carry (acknowledgement, downtime
    /// depth, notifications, a check running now).
    fn host_extra(&self, id: HostId) -> ObjectExtra;
    /// The same for a service.
    fn service_extra(&self, id: ServiceId) -> ObjectExtra;
    /// Program-wide status (the `status` table).
    fn program(&self) -> &ProgramStatus;
    /// All comments, ordered by id (ascending).
    fn comments(&self) -> &[Comment];
    /// All scheduled downtimes (pending and active), ordered by id.
    fn downtimes(&self) -> &[Downtime];
    /// Whether a timeperiod contains the time `now` (the `in` and `in_*_period`
    /// columns; a query asks once per timeperiod, with its own time). The
    /// implementation evaluates it in the site's time zone.
    fn timeperiod_active(&self, id: TimeperiodId, now: i64) -> bool;
    /// Visits the log lines (`[epoch] TEXT`, as written to `log_file` and its archives)
    /// whose time lies in `from..=until`, **newest first** (lines of the same second in
    /// reverse file order), until `visit` returns `false`. The range comes from the
    /// query's `time` filters, so an implementation reading archives can skip files.
    fn log_lines(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool);
    /// Number of event handler runs [`Site::handler_run`] can hand out.
    fn handler_run_count(&self) -> usize;
    /// Event handler run number `i`, oldest first (the `eventhandlers` table).
    fn handler_run(&self, i: usize) -> Option<&HandlerRun>;
    /// The latest event handler run of a host.
    fn host_last_handler(&self, id: HostId) -> Option<&HandlerRun>;
    /// The latest event handler run of a service.
    fn service_last_handler(&self, id: ServiceId) -> Option<&HandlerRun>;
}

/// The statuses of one kind of object, by id, as a [`Site`] holds them.
#[derive(Debug)]
pub enum Statuses<'a, T> {
    /// Each in its own allocation (the core's copy-on-write snapshot).
    Shared(&'a [Arc<T>]),
    /// Side by side.
    Plain(&'a [T]),
}

impl<T> Clone for Statuses<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Statuses<'_, T> {}

impl<'a, T> Statuses<'a, T> {
    /// The status of object `i`.
    #[inline]
    pub fn get(self, i: usize) -> Option<&'a T> {
        match self {
            Statuses::Shared(v) => v.get(i).map(|a| &**a),
            Statuses::Plain(v) => v.get(i),
        }
    }

    /// Number of statuses.
    pub fn len(self) -> usize {
        match self {
            Statuses::Shared(v) => v.len(),
            Statuses::Plain(v) => v.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// The status of a host that is not there (a `Site` hands it out for an id past its
/// statuses instead of panicking): pending, UP.
pub fn absent_host() -> &'static HostStatus {
    static S: std::sync::OnceLock<HostStatus> = std::sync::OnceLock::new();
    S.get_or_init(|| HostStatus::initial(vigil_state::HostState::Up))
}

/// The status of a service that is not there (see [`absent_host`]): pending, OK.
pub fn absent_service() -> &'static ServiceStatus {
    static S: std::sync::OnceLock<ServiceStatus> = std::sync::OnceLock::new();
    S.get_or_init(|| ServiceStatus::initial(vigil_state::ServiceState::Ok))
}

/// A handler run that is not there (see [`absent_host`]).
pub fn absent_run() -> &'static HandlerRun {
    static R: std::sync::OnceLock<HandlerRun> = std::sync::OnceLock::new();
    R.get_or_init(|| HandlerRun {
        host: HostId(0),
        service: None,
        global: false,
        command_line: String::new(),
        state: String::new(),
        state_type: String::new(),
        attempt: 0,
        start: 0.0,
        duration: 0.0,
        outcome: HandlerOutcome::Failed(String::new()),
        output: String::new(),
    })
}

/// Acknowledgement of a problem (`acknowledgement_type` 1 normal, 2 sticky).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckKind {
    /// Removed at the next state change.
    Normal = 1,
    /// Kept until the object recovers.
    Sticky = 2,
}

/// Per-object facts the tables need beside the status. `Default` is an object with
/// nothing special: not acknowledged, no downtime, no notification sent, no check
/// running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectExtra {
    /// The current acknowledgement, if the problem is acknowledged.
    pub acknowledgement: Option<AckKind>,
    /// `acknowledgement_type` when not acknowledged: Nagios keeps the type of an
    /// acknowledgement removed by `REMOVE_*_ACKNOWLEDGEMENT` (0: none).
    pub removed_acknowledgement_type: u8,
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
    /// `check_flapping_recovery_notification`: flapping started in a notified
    /// problem state, so a recovery may be sent when it stops.
    pub check_flapping_recovery_notification: bool,
    /// A check of the object is running now.
    pub is_executing: bool,
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
