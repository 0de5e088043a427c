//! `vigil-engine` runs a loaded configuration: it schedules checks, runs plugins and
//! event handlers through `vigil-exec`, feeds results into the pure state machines of
//! `vigil-state`, applies external commands, and keeps the log, status, retention and
//! handler journal files.
//!
//! Layout: [`core`] is the synchronous heart (statuses, schedule, decisions; no I/O,
//! time passed in); [`run`] is the async shell around it (processes, signals, files);
//! [`schedule`], [`logfile`], [`journal`] (event handler runs), [`statelog`] (the
//! write-ahead state journal that makes state changes crash-safe) and `extcmd` are
//! its parts.

pub mod core;
mod extcmd;
pub mod journal;
pub mod loadgate;
pub mod logfile;
pub mod run;
pub mod schedule;
pub mod statelog;

use std::path::PathBuf;

/// A host or a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjRef {
    Host(vigil_config::HostId),
    Service(vigil_config::ServiceId),
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("lock file {} is held by another instance (PID {pid})", path.display())]
    Locked { path: PathBuf, pid: String },
}

pub use run::{run_blocking, RunOptions};
