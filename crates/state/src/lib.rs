//! `vigil-state` is the pure core: the SOFT/HARD state machines of services and
//! hosts, flap detection, and the runtime status each object carries. It is a
//! function of (status, check result, clock): no processes, files, sockets or
//! global state inside. The engine feeds results in and performs the returned
//! [`Effect`]s (log lines, event handlers, on-demand checks, rescheduling).
//!
//! Rules implemented: spec `checks-and-states.md` §4, §5, §6, §9 and
//! `event-handlers.md` §2–§3.

pub mod flap;
pub mod host;
pub mod service;

/// Seconds since the Unix epoch, with sub-second precision where it matters.
pub type Time = f64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateType {
    Soft = 0,
    Hard = 1,
}

impl StateType {
    pub fn name(self) -> &'static str {
        match self {
            StateType::Soft => "SOFT",
            StateType::Hard => "HARD",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckType {
    Active = 0,
    Passive = 1,
}

impl CheckType {
    pub fn name(self) -> &'static str {
        match self {
            CheckType::Active => "ACTIVE",
            CheckType::Passive => "PASSIVE",
        }
    }
}

/// Service state ids: OK=0 WARNING=1 CRITICAL=2 UNKNOWN=3.
pub const SERVICE_STATE_NAMES: [&str; 4] = ["OK", "WARNING", "CRITICAL", "UNKNOWN"];
/// Host state ids: UP=0 DOWN=1 UNREACHABLE=2.
pub const HOST_STATE_NAMES: [&str; 3] = ["UP", "DOWN", "UNREACHABLE"];

/// Parsed plugin output (see `checks-and-states.md` §1.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// First line up to `|`, `;` replaced by `:`. `None` before the first check.
    pub short: Option<String>,
    /// Remaining lines, stored escaped (`\n` as two characters, `\` doubled).
    pub long: String,
    pub perfdata: String,
}

/// Runtime status shared by hosts and services (spec §8 state tracking fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub current_state: u8,
    pub last_state: u8,
    pub last_hard_state: u8,
    pub state_type: StateType,
    pub current_attempt: u32,
    pub has_been_checked: bool,
    pub output: Output,
    pub check_type: CheckType,
    pub last_check: Time,
    pub next_check: Time,
    pub latency: f64,
    pub execution_time: f64,
    pub last_state_change: Time,
    pub last_hard_state_change: Time,
    /// `last_time_ok/warning/critical/unknown` (services) or `up/down/unreachable` (hosts),
    /// indexed by state id.
    pub last_time_in_state: [Time; 4],
    pub current_event_id: u64,
    pub last_event_id: u64,
    pub current_problem_id: u64,
    pub last_problem_id: u64,
    pub percent_state_change: f64,
    pub is_flapping: bool,
    /// Ring of the last 21 recorded states for flap detection, oldest first.
    pub state_history: Vec<u8>,
    /// Services: the host was not UP at the last problem result (`HP` in the spec).
    pub host_problem_at_last_check: bool,
    // Run-time switches changeable by external commands (modified attributes).
    pub active_checks_enabled: bool,
    pub passive_checks_enabled: bool,
    pub event_handler_enabled: bool,
    pub flap_detection_enabled: bool,
    pub modified_attributes: u64,
}

impl Status {
    /// Status of an object never checked: `initial_state`, HARD, attempt 1.
    pub fn initial(initial_state: u8) -> Self {
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
            active_checks_enabled: true,
            passive_checks_enabled: true,
            event_handler_enabled: true,
            flap_detection_enabled: true,
            modified_attributes: 0,
        }
    }
}

/// Program-wide counters for event and problem ids (Nagios `next_event_id`,
/// `next_problem_id`). Owned by the engine, passed to each transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counters {
    pub next_event_id: u64,
    pub next_problem_id: u64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            next_event_id: 1,
            next_problem_id: 1,
        }
    }
}
