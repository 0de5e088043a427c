//! vigil-handler: write Nagios / vigil event handlers in Rust.
//!
//! A handler gets its event in one of three ways, all handled here:
//!
//! * command-line flags, op5 style: `--service-state CRITICAL --service-state-type
//!   SOFT --service-attempt 1 --host-name web01` (plus `--service-desc`,
//!   `--max-attempts`, `--output`, `--host-state`, `--var NAME=VALUE`, ...);
//! * the `NAGIOS_*` environment vigil and Nagios export with
//!   `enable_environment_macros=1` (`NAGIOS_HOSTNAME`, `NAGIOS_SERVICESTATE`,
//!   `NAGIOS__SERVICEVMID`, ...);
//! * a JSON document on standard input (`--stdin-json`).
//!
//! Layered in that order of priority, they give one typed [`Event`]. Missing or
//! invalid input prints `UNKNOWN: <what is wrong>` and the usage on stdout and exits 3,
//! as plugins do.
//!
//! ```no_run
//! use vigil_handler::{State, StateType};
//!
//! let ev = vigil_handler::event();
//! if ev.state == State::Critical && ev.state_type == StateType::Soft && ev.attempt == 1 {
//!     println!("first SOFT CRITICAL on {}: acting", ev.object_label());
//! }
//! ```
//!
//! Handlers with flags of their own flatten [`EventArgs`] into their parser and call
//! [`parse_with_event`].

mod args;
mod event;
mod state;

pub use args::{
    event, exit_usage, parse_args, parse_args_from, parse_with_event, EventArgs, EventOnly,
    EXIT_UNKNOWN,
};
pub use event::{normalize_var_name, Event, RawEvent, OUTCOMES};
pub use state::{ObjectKind, State, StateType};

/// Why an event could not be read. The message says what is wrong and how to give it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// A required value was given by no source.
    #[error("missing {what} (give {how})")]
    Missing {
        /// What is missing.
        what: &'static str,
        /// Where it can come from.
        how: &'static str,
    },
    /// A state that is not a state of that kind of object.
    #[error("invalid {kind} state '{value}' (expected {})", expected_states(*kind))]
    InvalidState {
        /// Service or host.
        kind: ObjectKind,
        /// The value given.
        value: String,
    },
    /// A state name that is no state at all.
    #[error(
        "invalid state '{0}' (expected OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN or UNREACHABLE)"
    )]
    InvalidStateName(String),
    /// A state type that is neither SOFT nor HARD.
    #[error("invalid state type '{0}' (expected SOFT or HARD)")]
    InvalidStateType(String),
    /// An attempt count that is not a positive integer.
    #[error("invalid {field} '{value}' (expected a whole number from 1)")]
    InvalidNumber {
        /// Which count.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// attempt > max attempts.
    #[error("attempt {attempt} is above max attempts {max_attempts}")]
    AttemptAboveMax {
        /// The attempt.
        attempt: u32,
        /// The max attempts.
        max_attempts: u32,
    },
    /// A last outcome that is none of vigil's words.
    #[error(
        "invalid last outcome '{0}' (expected recovered, not_recovered, superseded or unknown)"
    )]
    InvalidOutcome(String),
    /// A `--var` / `--host-var` value without `NAME=`.
    #[error("invalid custom variable '{0}' (expected NAME=VALUE)")]
    BadVar(String),
    /// The stdin document is not valid.
    #[error("invalid JSON event on stdin: {0}")]
    Json(String),
    /// Standard input could not be read.
    #[error("cannot read stdin: {0}")]
    Stdin(String),
}

fn expected_states(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Service => "OK, WARNING, CRITICAL, UNKNOWN or 0-3",
        ObjectKind::Host => "UP, DOWN, UNREACHABLE or 0-2",
    }
}
