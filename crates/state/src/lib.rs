//! `vigil-state` is the pure core: the SOFT/HARD state machines of services and
//! hosts, flap detection, freshness, plugin-output parsing and result mapping, and
//! the runtime [`Status`] each object carries. It is a function of (status, check
//! result, clock): no processes, files, sockets or global state inside. The engine
//! feeds results in and performs the returned [`Effect`]s (ALERT and flapping
//! events, event handlers, on-demand checks, rescheduling); it names the objects
//! (this crate never sees a name except in replacement outputs).
//!
//! Rules implemented: spec `checks-and-states.md` §1 (result mapping, output
//! parsing), §4, §5, §6, §7 (freshness), §8, §9 and `event-handlers.md` §2–§3, calibrated
//! against the Nagios 4.4.6 conformance traces.
//!
//! Per check result the engine calls, in this order:
//! 1. [`result::map_service_result`] / [`result::map_host_result`] (or the
//!    passive variants) to turn a finished process into a [`result::CheckResult`],
//! 2. [`service::apply_service_result`] / [`host::apply_host_result`], then
//!    performs the returned [`Effect`]s in order (events, handlers, ...),
//! 3. [`finish_result`] once the event handlers of that result were started
//!    (a service recovery keeps the values of its ALERT line and its problem id
//!    until then, as the handler sees them in Nagios 4.4.6).

pub mod book;
pub mod flap;
pub mod freshness;
pub mod host;
pub mod modattr;
pub mod notification;
pub mod output;
pub mod result;
pub mod service;
pub mod shared;

pub use book::{Books, Comment, CommentKind, CommentSource, Downtime};
pub use flap::FlapParams;
pub use modattr::ModAttr;
pub use notification::{AckKind, ContactStatus, NotifyFacts, PeriodChange};
pub use shared::Shared;
pub use vigil_events::{
    AnyState, CheckType, Dhms, FlapChange, HostState, ObjKind, ObjectState, ServiceState, StateType,
};

/// Seconds since the Unix epoch, with sub-second precision where it matters.
pub type Time = f64;

/// Parsed plugin output (see `checks-and-states.md` §1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// First line up to `|`, `;` replaced by `:`. `None` before the first check.
    pub short: Option<String>,
    /// Remaining lines, stored escaped (`\n` as two characters, `\` doubled).
    pub long: String,
    /// Performance data of all lines, joined with spaces, trimmed.
    pub perfdata: String,
}

/// Runtime status of a host ([`HostStatus`]) or a service ([`ServiceStatus`])
/// (spec §8 state tracking fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Status<S: ObjectState> {
    /// Current state.
    pub current_state: S,
    /// State before the latest result.
    pub last_state: S,
    /// Last HARD state (OK/UP after any recovery).
    pub last_hard_state: S,
    /// SOFT or HARD.
    pub state_type: StateType,
    /// Current check attempt, 1..=max_check_attempts.
    pub current_attempt: u32,
    /// False until the first result was processed (PENDING).
    pub has_been_checked: bool,
    /// Parsed output of the latest result.
    pub output: Output,
    /// Whether the latest result was active or passive.
    pub check_type: CheckType,
    /// Start time of the latest check (passive: the command's timestamp).
    pub last_check: Time,
    /// When the next active check is scheduled (owned by the engine).
    pub next_check: Time,
    /// Latency of the latest check in seconds.
    pub latency: f64,
    /// Run time of the latest check in seconds.
    pub execution_time: f64,
    /// Time of the last state change (N4: also set on SOFT->HARD of the same state).
    pub last_state_change: Time,
    /// Time of the last HARD state change (also set on every recovery).
    pub last_hard_state_change: Time,
    /// `last_time_ok/warning/critical/unknown` (services) or `up/down/unreachable` (hosts),
    /// indexed by state id.
    pub last_time_in_state: [Time; 4],
    /// `$SERVICEEVENTID$`: changes on every state change.
    pub current_event_id: u64,
    /// Previous event id.
    pub last_event_id: u64,
    /// `$SERVICEPROBLEMID$`: set when leaving OK/UP, 0 while OK/UP.
    pub current_problem_id: u64,
    /// Problem id of the previous problem.
    pub last_problem_id: u64,
    /// Weighted percent state change of the flap history (§9).
    pub percent_state_change: f64,
    /// Currently considered flapping.
    pub is_flapping: bool,
    /// The last 21 recorded state ids for flap detection, oldest first (the ids
    /// retention.dat keeps).
    pub state_history: Vec<u8>,
    /// Services: the host was not UP at the last problem result (`HP` in the spec).
    pub host_problem_at_last_check: bool,
    /// Hosts: when the flap history was last appended to (limits the updates made
    /// on behalf of service results, see [`flap::host_flap_from_service_result`]).
    pub last_state_history_update: Time,
    /// Services: a recovery was applied but [`finish_result`] has not run yet
    /// (type/attempt still as in the ALERT line). Transient; not retained.
    pub recovery_pending: bool,
    /// Notification numbers and times, the acknowledgement and the downtime depth
    /// (copy-on-write: objects never notified share one value).
    pub notify: Shared<NotifyFacts>,
    /// Switches and settings that external commands change (the same for hosts and
    /// services; copy-on-write: objects with the same switches share one value).
    pub attrs: Shared<Attributes>,
}

/// An object's run-time switches and settings: what external commands change, with
/// the [`modattr`] bits that record the change (Nagios's "modified attributes").
/// Starts from the configuration; retention keeps the changed ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributes {
    /// Active checks enabled for this object.
    pub active_checks_enabled: bool,
    /// Passive results accepted for this object.
    pub passive_checks_enabled: bool,
    /// Object switch `event_handler_enabled` (also gates the global handler).
    pub event_handler_enabled: bool,
    /// Object switch `flap_detection_enabled`.
    pub flap_detection_enabled: bool,
    /// Object switch `notifications_enabled`.
    pub notifications_enabled: bool,
    /// `obsess` (OCSP / OCHP for this object).
    pub obsess: bool,
    /// `process_perf_data`.
    pub process_perf_data: bool,
    /// `check_freshness`.
    pub check_freshness: bool,
    /// Which attributes changed at run time.
    pub modified: ModAttr,
    /// `max_check_attempts` changed at run time (`CHANGE_*`); `None`: the configured
    /// value applies.
    pub max_attempts: Option<u32>,
    /// Run-time `check_interval` (see `max_attempts`).
    pub check_interval: Option<f64>,
    /// Run-time `retry_interval` (see `max_attempts`).
    pub retry_interval: Option<f64>,
    /// Run-time event handler, raw `cmd!args`; `Some("")`: removed at run time.
    pub event_handler: Option<String>,
    /// Run-time `notification_period` (`CHANGE_*_NOTIFICATION_TIMEPERIOD`); `None`:
    /// the configured one.
    pub notification_period: Option<PeriodChange>,
    /// Run-time `check_period` (`CHANGE_*_CHECK_TIMEPERIOD`); `None`: the configured
    /// one. Restored from retention as a name only, like `notification_period`.
    pub check_period: Option<PeriodChange>,
    /// Custom variables changed at run time (`CHANGE_CUSTOM_*_VAR`): upper-case
    /// name (no `_`) and new value, in the order of their first change; a variable
    /// not listed has its configured value.
    pub custom_vars: Vec<(String, String)>,
}

impl Default for Attributes {
    /// Everything enabled, nothing changed.
    fn default() -> Self {
        Attributes {
            active_checks_enabled: true,
            passive_checks_enabled: true,
            event_handler_enabled: true,
            flap_detection_enabled: true,
            notifications_enabled: true,
            obsess: true,
            process_perf_data: true,
            check_freshness: false,
            modified: ModAttr::empty(),
            max_attempts: None,
            check_interval: None,
            retry_interval: None,
            event_handler: None,
            notification_period: None,
            check_period: None,
            custom_vars: Vec::new(),
        }
    }
}

/// A host's runtime status.
pub type HostStatus = Status<HostState>;
/// A service's runtime status.
pub type ServiceStatus = Status<ServiceState>;

impl<S: ObjectState> Status<S> {
    /// Status of an object never checked: `initial_state`, HARD, attempt 1.
    pub fn initial(initial_state: S) -> Self {
        Status {
            current_state: initial_state,
            last_state: initial_state,
            last_hard_state: initial_state,
            state_type: StateType::Hard,
            current_attempt: 1,
            has_been_checked: false,
            output: Output::default(),
            check_type: CheckType::Active,
            last_check: 0.0,
            next_check: 0.0,
            latency: 0.0,
            execution_time: 0.0,
            last_state_change: 0.0,
            last_hard_state_change: 0.0,
            last_time_in_state: [0.0; 4],
            current_event_id: 0,
            last_event_id: 0,
            current_problem_id: 0,
            last_problem_id: 0,
            percent_state_change: 0.0,
            is_flapping: false,
            state_history: Vec::new(),
            host_problem_at_last_check: false,
            last_state_history_update: 0.0,
            recovery_pending: false,
            notify: Shared::default(),
            attrs: Shared::default(),
        }
    }
}

/// Program-wide id counters (Nagios `next_event_id`, `next_problem_id`,
/// `next_comment_id`, `next_downtime_id`, `next_notification_id`; all start at 1 and
/// are retained). Owned by the engine, passed to each transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counters {
    /// Next `current_event_id` to hand out.
    pub next_event_id: u64,
    /// Next `current_problem_id` to hand out.
    pub next_problem_id: u64,
    /// Next comment id.
    pub next_comment_id: u64,
    /// Next downtime id.
    pub next_downtime_id: u64,
    /// Next notification id (`$SERVICENOTIFICATIONID$`, `$HOSTNOTIFICATIONID$`).
    pub next_notification_id: u64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            next_event_id: 1,
            next_problem_id: 1,
            next_comment_id: 1,
            next_downtime_id: 1,
            next_notification_id: 1,
        }
    }
}

impl Counters {
    /// Hands out the next comment id.
    pub fn take_comment_id(&mut self) -> u64 {
        let id = self.next_comment_id.max(1);
        self.next_comment_id = id + 1;
        id
    }

    /// Hands out the next downtime id.
    pub fn take_downtime_id(&mut self) -> u64 {
        let id = self.next_downtime_id.max(1);
        self.next_downtime_id = id + 1;
        id
    }

    /// Hands out the next notification id.
    pub fn take_notification_id(&mut self) -> u64 {
        let id = self.next_notification_id.max(1);
        self.next_notification_id = id + 1;
        id
    }
}

/// Program-wide switches that external commands change and retention keeps
/// (the `program {` block of retention.dat, `programstatus` of status.dat).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramState {
    /// `enable_notifications`.
    pub enable_notifications: bool,
    /// `execute_service_checks`.
    pub execute_service_checks: bool,
    /// `execute_host_checks`.
    pub execute_host_checks: bool,
    /// `accept_passive_service_checks`.
    pub accept_passive_service_checks: bool,
    /// `accept_passive_host_checks`.
    pub accept_passive_host_checks: bool,
    /// `enable_event_handlers` (master switch for all handlers).
    pub enable_event_handlers: bool,
    /// `obsess_over_services` (OCSP).
    pub obsess_over_services: bool,
    /// `obsess_over_hosts` (OCHP).
    pub obsess_over_hosts: bool,
    /// `check_service_freshness`.
    pub check_service_freshness: bool,
    /// `check_host_freshness`.
    pub check_host_freshness: bool,
    /// `enable_flap_detection`.
    pub enable_flap_detection: bool,
    /// `process_performance_data`.
    pub process_performance_data: bool,
    /// Raw `cmd!args` of the global handlers (as retained / changed at run time).
    pub global_host_event_handler: Option<String>,
    /// Raw `cmd!args` of the global service handler.
    pub global_service_event_handler: Option<String>,
    /// Attributes changed at run time (host side).
    pub modified_host_attributes: ModAttr,
    /// Attributes changed at run time (service side).
    pub modified_service_attributes: ModAttr,
    /// Event / problem id counters.
    pub counters: Counters,
    /// Program start time.
    pub program_start: Time,
    /// Process id of the running core.
    pub pid: u32,
}

/// Something the engine must do because of a processed result, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// The object started or stopped flapping (its `FLAPPING ALERT` precedes the
    /// ALERT of the same result).
    Flapping(FlapChange),
    /// A service result changed its host's flapping (inserted by the engine with
    /// [`Transition::insert_after_flapping`]).
    HostFlapping(FlapChange),
    /// An ALERT line is due for the object's current status (SOFT retries only with
    /// `log_*_retries`, as Nagios logs them).
    Alert,
    /// Run the event handlers (global first, then the object's) now. Gating on
    /// `enable_event_handlers` / `event_handler_enabled` is the engine's job.
    /// At most one per result.
    EventHandlers,
    /// Services: check the service's host on demand. The engine applies
    /// `execute_host_checks` and `cached_host_check_horizon` (see
    /// [`service::apply_service_result`] for exactly when this is emitted).
    HostCheck,
    /// Hosts: the host went down or recovered; check its parents on demand.
    CheckParents,
    /// Hosts: the host went down or recovered; check its children on demand.
    CheckChildren,
    /// A (problem, recovery or re-) notification would be attempted now; the
    /// notification viability rules (host state, period, interval, ...) still apply.
    Notify,
}

/// How the next regular check is to be scheduled (checks-and-states.md §10): from
/// the check's start (`last_check`) or from the moment its result is processed
/// (*now*), which differ by the plugin's run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextCheck {
    /// `last_check + check_interval` (rules 1, 4, 10, 13).
    Regular,
    /// `now + retry_interval` (SOFT problem states, and service soft recoveries;
    /// rules 2, 11).
    Retry,
    /// `now + check_interval`: a HARD state change (rules 3, 12).
    AfterChange,
}

/// Outcome of applying one result to a status.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// What to do, in order.
    pub effects: Vec<Effect>,
    /// How to reschedule an active check.
    pub next: NextCheck,
    /// The state changed (also a service soft recovery).
    pub state_changed: bool,
    /// A HARD state change happened (incl. hard recoveries and the HARD state a
    /// problem gets at once while its host is down).
    pub hard_changed: bool,
}

impl Transition {
    /// Inserts `effects` right after the object's own leading [`Effect::Flapping`]
    /// (i.e. before the ALERT). Nagios writes the host's flapping line caused by a
    /// service result ([`flap::host_flap_from_service_result`]) there.
    pub fn insert_after_flapping(&mut self, effects: impl IntoIterator<Item = Effect>) {
        let at = self
            .effects
            .iter()
            .take_while(|e| matches!(e, Effect::Flapping(_)))
            .count();
        self.effects.splice(at..at, effects);
    }

    /// True when an [`Effect::EventHandlers`] is part of the effects.
    pub fn runs_handlers(&self) -> bool {
        self.effects.contains(&Effect::EventHandlers)
    }
}

/// Completes a processed result after the engine ran its event handlers.
///
/// Nagios 4.4.6 runs a service recovery's event handler before it resets the
/// service to `OK;HARD;1`, and before it moves `current_problem_id` to
/// `last_problem_id`: the handler of a soft recovery sees `OK`, `SOFT`, attempt 3
/// and the old `$SERVICEPROBLEMID$`. `apply_service_result` therefore leaves the
/// status as written in the ALERT line and marks it [`Status::recovery_pending`];
/// this function then sets type HARD, attempt 1, last hard state OK and moves the
/// problem id. Hosts finish everything inside `apply_host_result` (their problem id
/// is cleared before the handler), so for them this is a no-op. Safe to call any
/// number of times; the next `apply_*` call also does it if the engine forgot.
pub fn finish_result<S: ObjectState>(st: &mut Status<S>) {
    if st.recovery_pending {
        st.recovery_pending = false;
        st.current_attempt = 1;
        st.state_type = StateType::Hard;
        st.last_hard_state = S::OK;
    }
    if st.current_state.is_ok() && st.current_problem_id != 0 {
        st.last_problem_id = st.current_problem_id;
        st.current_problem_id = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_result_completes_a_recovery() {
        let mut st = ServiceStatus::initial(ServiceState::Ok);
        st.state_type = StateType::Soft;
        st.current_attempt = 3;
        st.last_hard_state = ServiceState::Critical;
        st.current_problem_id = 7;
        st.recovery_pending = true;
        finish_result(&mut st);
        assert_eq!(
            (st.state_type, st.current_attempt, st.last_hard_state),
            (StateType::Hard, 1, ServiceState::Ok)
        );
        assert_eq!((st.current_problem_id, st.last_problem_id), (0, 7));
        assert!(!st.recovery_pending);
        // idempotent, and a no-op for problems
        finish_result(&mut st);
        assert_eq!(st.last_problem_id, 7);
        st.current_state = ServiceState::Critical;
        st.current_problem_id = 8;
        finish_result(&mut st);
        assert_eq!(st.current_problem_id, 8);
    }

    #[test]
    fn host_flapping_goes_after_the_objects_own_flapping() {
        let started = FlapChange::Started {
            percent: 25.0,
            threshold: 20.0,
        };
        let mut tr = Transition {
            effects: vec![
                Effect::Flapping(started),
                Effect::Alert,
                Effect::EventHandlers,
            ],
            next: NextCheck::Regular,
            state_changed: true,
            hard_changed: true,
        };
        tr.insert_after_flapping([Effect::HostFlapping(FlapChange::Disabled)]);
        assert_eq!(
            tr.effects,
            vec![
                Effect::Flapping(started),
                Effect::HostFlapping(FlapChange::Disabled),
                Effect::Alert,
                Effect::EventHandlers
            ]
        );
        assert!(tr.runs_handlers());
    }
}
