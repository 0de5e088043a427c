//! Jobs: what the core asks to be run ([`JobSpec`], handed out in
//! [`crate::Action::Run`] with a [`JobId`]) and what comes back ([`JobResult`]). A
//! job is a command line planned by `vigil-cmdline`, a timeout and an output limit —
//! nothing that assumes a local child process, so a remote worker (e.g. behind a
//! message broker) can run it and send the result back with the same id.

use std::collections::HashMap;

use vigil_cmdline::Plan;
use vigil_events::{HandlerRun, NotificationRun, ProcessEnd, Time};

use crate::ObjRef;

/// Identifies one job from [`crate::Action::Run`] to [`crate::Core::handle_job_done`].
/// Unique for the life of the process (kept across reloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

/// What a job is for; runners may treat kinds differently (vigil-exec starts event
/// handlers at once and waits for their exec, checks never make the loop wait).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// A host or service check.
    Check,
    /// An event handler.
    EventHandler,
    /// An OCSP / OCHP command.
    Obsess,
    /// A host or service perfdata command.
    Perfdata,
    /// A perfdata file processing command. The runner closes that kind's perfdata
    /// file before starting it, writes no record into the file while it runs, and
    /// reopens the file with its mode when it has ended.
    PerfdataProcessing(vigil_events::ObjKind),
    /// A notification command (one contact, one command).
    Notification,
}

/// A job to run.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSpec {
    /// What it is for.
    pub purpose: Purpose,
    /// The command: direct argv or a `/bin/sh -c` script.
    pub plan: Plan,
    /// `NAGIOS_*` environment macros (empty unless `enable_environment_macros`).
    pub env: Vec<(String, String)>,
    /// Seconds after which the job's whole process group is killed.
    pub timeout: f64,
    /// Bytes of stdout / stderr kept (the rest is read and dropped).
    pub max_output: usize,
}

/// How a job ended, as the runner reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobResult {
    /// Exit code, signal, timeout, or why it never started.
    pub end: ProcessEnd,
    /// Captured standard output (at most `max_output` bytes).
    pub stdout: Vec<u8>,
    /// Captured standard error (at most `max_output` bytes).
    pub stderr: Vec<u8>,
    /// When the process started (epoch seconds).
    pub start: Time,
    /// How long it ran, in seconds.
    pub duration: f64,
}

/// What the core remembers about a job in flight.
#[derive(Debug, Clone)]
pub(crate) enum InFlight {
    /// A check of `obj`, due at `scheduled` (latency = start - scheduled).
    Check {
        /// The object, in the current model (translated at a reload).
        obj: Option<ObjRef>,
        /// When it was due.
        scheduled: Time,
    },
    /// An event handler run.
    Handler(HandlerRun),
    /// An OCSP / OCHP / perfdata command.
    Helper {
        /// Which kind.
        job: vigil_events::HelperJob,
        /// For which object (by name: valid across reloads).
        obj: vigil_events::Obj,
        /// The expanded command.
        command: String,
    },
    /// A perfdata file processing command.
    PerfdataProcessing {
        /// Host or service file.
        kind: vigil_events::ObjKind,
        /// The expanded command.
        command: String,
    },
    /// A notification command run.
    Notification(NotificationRun),
}

/// The jobs in flight, by id.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    next: u64,
    running: HashMap<JobId, InFlight>,
}

impl Jobs {
    /// Registers a job and returns its id.
    pub(crate) fn start(&mut self, what: InFlight) -> JobId {
        self.next += 1;
        let id = JobId(self.next);
        self.running.insert(id, what);
        id
    }

    /// The id the next [`Jobs::start`] returns.
    pub(crate) fn next_id(&self) -> JobId {
        JobId(self.next + 1)
    }

    /// Takes a finished job (`None` for an unknown id: a duplicate or stale report).
    pub(crate) fn finish(&mut self, id: JobId) -> Option<InFlight> {
        self.running.remove(&id)
    }

    /// What a job in flight is for.
    pub(crate) fn peek(&self, id: JobId) -> Option<&InFlight> {
        self.running.get(&id)
    }

    /// Number of jobs in flight.
    pub(crate) fn len(&self) -> usize {
        self.running.len()
    }

    /// Moves the table out (for the next configuration generation).
    pub(crate) fn take(&mut self) -> Jobs {
        std::mem::take(self)
    }

    /// The object a check job is about (tests).
    #[cfg(test)]
    pub(crate) fn check_of(&self, id: JobId) -> Option<ObjRef> {
        match self.running.get(&id)? {
            InFlight::Check { obj, .. } => *obj,
            _ => None,
        }
    }

    /// Every job in flight, mutably (a reload translates the checks' objects).
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&JobId, &mut InFlight)> {
        self.running.iter_mut()
    }
}
