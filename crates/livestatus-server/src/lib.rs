//! `vigil-livestatus-server`: Livestatus for vigil around the pure query engine
//! (`vigil-livestatus`).
//!
//! * [`CoreSite`] is the engine's [`vigil_livestatus::Site`] over a
//!   [`vigil_core::Snapshot`]; [`Publisher`] is the check loop's side: it publishes a
//!   new site after the passes that changed something (at most every
//!   [`Publisher::INTERVAL`], at once after a `COMMAND`) and wakes the waits.
//! * [`start`] listens on a UNIX socket (mode and group as configured) and, when
//!   asked, on TCP; each connection is served on a thread of the server's pool, so a
//!   slow client only ever holds its own thread and never the check loop. `COMMAND`
//!   lines go to a [`CommandSink`] (the loop applies them with
//!   `Core::handle_command`, the command file's path).
//! * [`parse_broker_module`] reads the `broker_module=` line that loads Livestatus
//!   into Nagios or Naemon.
//!
//! Modules: `config` (the `broker_module=` options), `triggers` (wake-ups),
//! `server` (listeners and connections), `site` (the site over a snapshot, the
//! handler runs, the log source), `publish` (the publisher), `notify_view`
//! (acknowledgements, downtimes, comments: the adapter to the core's), `logfiles`
//! (reading the core's log and archives for the `log` table).

pub mod config;
pub mod logfiles;
mod notify_view;
mod publish;
mod server;
mod site;
pub mod triggers;

pub use config::{parse_broker_module, GroupAuthorization, LivestatusConfig, ServiceAuthorization};
pub use publish::Publisher;
pub use server::{
    start, CommandDone, CommandSink, ServerError, ServerHandle, SnapshotProvider, COMMAND_WAIT,
    MAX_CONNECTIONS, MIN_CONNECTIONS, QUERY_NICENESS,
};
pub use site::{CoreSite, HandlerHistory, LogFiles, LogSource};
pub use triggers::Triggers;
pub use vigil_livestatus::TriggerKind;
