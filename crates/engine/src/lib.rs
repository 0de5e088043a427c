//! `vigil-engine` runs a loaded configuration: it is the I/O around the sans-IO
//! [`vigil_core::Core`] — the clock, signals, the command FIFO, the processes
//! (through `vigil-exec`) and the files Nagios admins know (log, status.dat,
//! retention.dat, lock file), plus vigil's own (the state journal and the event
//! handler journal).
//!
//! Layout: [`runner`] is the loop (feed inputs, flush outputs, start jobs);
//! [`statelog`] the write-ahead state journal that makes state changes crash-safe;
//! [`logfile`], [`journal`] (event handler runs), [`notify_journal`]
//! (notification decisions and commands), [`rotation`] (log rotation),
//! [`stats`] (handler statistics from the journal), `persist` (retention.dat and
//! status.dat), [`objcache`] (objects.cache), [`perfdata`] (the perfdata files),
//! [`fifo`] (the command file), [`privileges`] (nagios_user / nagios_group), [`lock`]
//! (lock file and open-files limit), [`loadgate`] (load control) and [`echo`] (the
//! terminal view) are its parts; [`hooks`] is what an embedder (the web UI) sees.

pub mod echo;
pub mod fifo;
pub mod hooks;
pub mod journal;
pub mod livestatus;
pub mod loadgate;
pub mod lock;
pub mod logfile;
pub mod notify_journal;
pub mod objcache;
pub mod perfdata;
mod persist;
pub mod privileges;
pub mod rotation;
pub mod runner;
pub mod statelog;
pub mod stats;
pub mod zone;

use std::path::PathBuf;

pub use runner::{restore_for_tools, run_blocking, run_blocking_with, RunEnd, RunOptions};
pub use vigil_core::ObjRef;

/// Why the engine could not run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A file, the runtime or signals could not be set up.
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    /// Another instance holds the lock file.
    #[error("lock file {} is held by another instance (PID {pid})", path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// What the lock file says.
        pid: String,
    },
}
