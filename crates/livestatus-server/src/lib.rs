//! `vigil-livestatus-server`: the socket side of Livestatus. It listens on a UNIX
//! socket (mode and group as configured) and optionally on TCP (`inet_addr=`),
//! serves many clients at once on its own thread pool (a slow client only ever
//! holds its own connection), keeps connections alive, enforces `Timelimit`,
//! parks `Wait*` requests until the core signals a [`TriggerKind`], and hands
//! `COMMAND` lines to a [`CommandSink`].
//!
//! The core provides data as a snapshot provider (`Fn() -> Arc<S>` with
//! `S: Site`): every query reads one snapshot from start to end. After each loop
//! pass the core calls [`Triggers::notify`] for what happened; waiting clients then
//! re-evaluate their condition on a fresh snapshot.
//!
//! Modules: `config` (the `broker_module=` options), `triggers` (wake-ups), `server`
//! (listeners and connections), `logfiles` (reading the core's log and archives for
//! the `log` table).

pub mod config;
pub mod logfiles;
mod server;
pub mod triggers;

pub use config::{parse_broker_module, GroupAuthorization, LivestatusConfig, ServiceAuthorization};
pub use server::{
    start, CommandDone, CommandSink, ServerError, ServerHandle, SnapshotProvider, COMMAND_WAIT,
};
pub use triggers::Triggers;
pub use vigil_livestatus::TriggerKind;
