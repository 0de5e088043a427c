//! `vigil-core` is the monitoring core without I/O (quinn-proto's sans-IO shape):
//! every host and service status, the check schedule and every decision Nagios 4
//! makes — when a check is due, what its result does to the object, which event
//! handlers run, what an external command changes.
//!
//! The runner (`vigil-engine`) feeds it inputs with the current time —
//! [`Core::handle_timeout`], [`Core::handle_job_done`], [`Core::handle_command`] —
//! and performs what it asks for: [`Action`]s (run this [`JobSpec`] and report back
//! with its [`JobId`], save state, stop, reload) and [`vigil_events::Event`]s (the
//! log, the handler journal, `--verbose`). [`Core::poll_timeout`] says when to come
//! back; [`Core::take_dirty`] which objects must reach the state journal first.
//! A job is a planned command line, not a local process: a remote worker can run
//! it as well.
//!
//! Layout: [`core`](mod@core) (the struct, inputs and outputs), `checks` (schedule,
//! launch, results), `handlers`, [`notify`] (notifications, escalations, the
//! notification journal's decisions), `downtime`, `comments` (also flapping
//! comments), `ack`, `obsess` (OCSP/OCHP), [`perfdata`], `freshness`, `extcmd`,
//! `restore` (retention and reloads), [`jobs`], `schedule`, `dirty`, `remediation`
//! (handler outcomes and policies) and [`replay`] (logged results through the
//! current configuration).

mod ack;
mod checks;
mod comments;
pub mod core;
mod dirty;
mod downtime;
mod extcmd;
#[cfg(test)]
mod extcmd_tests;
mod freshness;
mod handlers;
pub mod jobs;
pub mod notify;
#[cfg(test)]
mod notify_tests;
mod obsess;
pub mod perfdata;
mod remediation;
#[cfg(test)]
mod remediation_tests;
pub mod replay;
mod restore;
#[cfg(test)]
mod sched_tests;
mod schedule;
mod snapshot;
pub mod store;
#[cfg(test)]
mod tests;

pub use crate::core::{Action, Core, DEFAULT_CHECK_SLOTS, MAX_HANDLER_OUTPUT, MAX_PLUGIN_OUTPUT};
pub use jobs::{JobId, JobResult, JobSpec, Purpose};
pub use notify::{Outcome as NotifyOutcome, Request as NotifyRequest};
pub use perfdata::{FileMode, PerfdataFile};
pub use snapshot::Snapshot;
pub use store::CowVec;

/// A host or a service of the current model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjRef {
    /// A host.
    Host(vigil_config::HostId),
    /// A service.
    Service(vigil_config::ServiceId),
}
