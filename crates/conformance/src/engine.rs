//! The engine as the simulation sees it: the small [`SimEngine`] trait, and the
//! typed jobs and results that cross it.
//!
//! The simulation ([`crate::sim`]) owns the clock, the processes, the command file and
//! the log file; an engine only answers "what is due at `now`", takes inputs (a
//! command line, a finished job) at simulated instants, and hands back jobs to run and
//! log lines. Everything engine-specific lives behind this trait, in an adapter such
//! as [`crate::core_adapter::CoreEngine`].

use std::path::Path;

pub use vigil_exec::{Outcome, Plan};

/// Identifies one job an engine asked the simulation to run (unique per engine run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

/// A process the engine wants started now.
#[derive(Debug, Clone)]
pub struct SimJob {
    /// Given back in [`SimEngine::job_done`].
    pub id: JobId,
    /// Direct `execvp` of words, or a `/bin/sh -c` script with its data variables.
    pub plan: Plan,
    /// Environment the engine adds (the `NAGIOS_*` macros), before the plan's own.
    pub env: Vec<(String, String)>,
    /// Seconds after which the engine kills the process (its whole group).
    pub timeout: f64,
}

/// How a simulated (or, for the few real ones, actual) process ended.
#[derive(Debug, Clone, PartialEq)]
pub struct JobResult {
    /// Exit code, signal, timeout, or why it did not run.
    pub outcome: Outcome,
    /// What it wrote on standard output.
    pub stdout: Vec<u8>,
    /// What it wrote on standard error.
    pub stderr: Vec<u8>,
    /// Simulated start time (epoch seconds).
    pub start: f64,
    /// Simulated run time in seconds.
    pub duration: f64,
    /// Process id (a simulated one for simulated processes).
    pub pid: Option<u32>,
}

/// An engine driven by simulated time. Every method that takes `now` is called with
/// non-decreasing instants; the engine must not read the clock itself.
pub trait SimEngine: Sized {
    /// Loads the main configuration `main_cfg` and starts at `now`, reading the state
    /// retention file an earlier run left behind (the restart path of a real start).
    /// The error text ends the scenario run as "engine exited unexpectedly".
    fn start(main_cfg: &Path, now: f64) -> Result<Self, String>;

    /// The next instant the engine has something to do at (a check due, a timer), if
    /// any. May be `<= now` when something is due and not yet started.
    fn next_wakeup(&mut self) -> Option<f64>;

    /// Does whatever is due at `now` (starts due checks, runs timers).
    fn advance(&mut self, now: f64);

    /// One line read from the external command file, as written (`[epoch] NAME;args`).
    fn command(&mut self, line: &str, now: f64);

    /// The jobs to start, in the order the engine wants them started.
    fn take_jobs(&mut self) -> Vec<SimJob>;

    /// A job finished at `now`.
    fn job_done(&mut self, id: JobId, result: JobResult, now: f64);

    /// Log lines produced since the last call, in order, each with its timestamp.
    fn take_log_lines(&mut self) -> Vec<(i64, String)>;

    /// The status file (`status.dat`) the engine would write at `now`, if it keeps one.
    fn status_dat(&mut self, now: f64) -> Option<String>;

    /// Why the engine wants to exit on its own (e.g. `SHUTDOWN_PROGRAM`), if it does.
    fn exit_requested(&self) -> Option<String>;

    /// SIGTERM at `now`: the engine saves what it keeps across restarts and stops;
    /// its last log lines are returned.
    fn stop(self, now: f64) -> Vec<(i64, String)>;
}
