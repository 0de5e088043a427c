//! What an embedder of the loop (the web UI, `vigil run --http`) sees of it and
//! how it talks to it, without ever touching the live core from another thread:
//!
//! * an [`Observer`] is called on the loop thread after every flushed pass with the
//!   pass's events (metrics count them; the web UI publishes a
//!   [`vigil_core::Snapshot`] now and then), with the state journal's commit time,
//!   on a short timer ([`Observer::tick`], for rate-limited publishing) and with the
//!   loop's lag;
//! * [`CommandRequest`]s arrive on a channel and are carried out by the loop as
//!   command-file lines ([`vigil_core::Core::handle_command`]), after a
//!   `WEB COMMAND:` audit line naming the user; the reply is the command's own
//!   events (accepted, failed with the reason, ...).

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use vigil_core::Core;
use vigil_events::{CommandEvent, Event};

/// Called on the loop thread; must be quick (no I/O that can block).
pub trait Observer: Send {
    /// After a pass was flushed: its events in order, and how long the state
    /// journal's append + fdatasync took (`None`: no journal write in this pass).
    fn flushed(&mut self, core: &Core, events: &[Event], commit: Option<Duration>);
    /// Every [`TICK`], whatever happened.
    fn tick(&mut self, core: &Core);
    /// The loop woke this many seconds after the time it asked to wake at.
    fn loop_lag(&mut self, seconds: f64);
}

/// How often [`Observer::tick`] is called.
pub const TICK: Duration = Duration::from_millis(250);

/// An external command from the web UI or API, on behalf of `user`.
#[derive(Debug)]
pub struct CommandRequest {
    /// Who asked (for the audit line).
    pub user: String,
    /// The command line as it would be written to the command file
    /// (`[time] NAME;args`).
    pub line: String,
    /// The command's events, once it was carried out.
    pub reply: oneshot::Sender<Vec<CommandEvent>>,
}

/// What `vigil run --http` hands the loop.
pub struct Hooks {
    /// Sees every pass.
    pub observer: Box<dyn Observer>,
    /// Commands to carry out.
    pub commands: mpsc::Receiver<CommandRequest>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hooks")
    }
}
