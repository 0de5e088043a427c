//! vigil-exec runs a [`Plan`] (made by `vigil-cmdline` from a macro-expanded command
//! line) as a local child process ([`run()`]).
//!
//! * [`run`](mod@run): supervising a job: output capture with limits, timeouts killing
//!   the whole process group, Nagios-compatible exec-failure results.
//! * `spawn`: starting the child (own process group, pipes, environment) with
//!   `clone(CLONE_VM)` so that the caller never waits for the child's exec.
//!
//! The planning types are re-exported from `vigil-cmdline` for the callers that both
//! plan and run (tests, `vigil fire`).

pub mod run;
mod spawn;
mod sys;

pub use run::{run, run_urgent, Finished, Job, Outcome, EXIT_GRACE, KILL_WAIT, SHELL};
pub use sys::{release_free_memory, strerror};
pub use vigil_cmdline::{
    plan, shell_reasons, CommandLine, Plan, PlanError, Segment, ShellReasons, DATA_VAR_PREFIX,
};
