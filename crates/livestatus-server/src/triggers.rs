//! Wake-ups for `WaitTrigger:`. The core calls [`Triggers::notify`] after a loop
//! pass in which something of that kind happened; every request waiting on that
//! kind (or on `all`) re-evaluates its `WaitCondition` on a fresh snapshot.
//!
//! Each kind is a generation counter in a `tokio::sync::watch` channel, so a
//! notification between a waiter's check and its sleep is never lost.

use tokio::sync::watch;
use vigil_livestatus::TriggerKind;

/// The trigger channels, shared by the core (which notifies) and the server.
#[derive(Debug)]
pub struct Triggers {
    chans: Vec<watch::Sender<u64>>,
}

fn slot(k: TriggerKind) -> usize {
    match k {
        TriggerKind::All => 0,
        TriggerKind::Check => 1,
        TriggerKind::State => 2,
        TriggerKind::Log => 3,
        TriggerKind::Downtime => 4,
        TriggerKind::Comment => 5,
        TriggerKind::Command => 6,
        TriggerKind::Program => 7,
    }
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers::new()
    }
}

impl Triggers {
    /// Channels with nothing notified yet.
    pub fn new() -> Triggers {
        Triggers {
            chans: (0..8).map(|_| watch::channel(0u64).0).collect(),
        }
    }

    /// Signals that something of `kind` happened (also wakes `all` waiters).
    /// Cheap and non-blocking; callable from any thread.
    pub fn notify(&self, kind: TriggerKind) {
        for s in [slot(kind), 0] {
            if let Some(c) = self.chans.get(s) {
                c.send_modify(|g| *g = g.wrapping_add(1));
            }
        }
    }

    /// A receiver that sees the next notifications of `kind`.
    pub fn subscribe(&self, kind: TriggerKind) -> watch::Receiver<u64> {
        match self.chans.get(slot(kind)) {
            Some(c) => c.subscribe(),
            None => watch::channel(0).1,
        }
    }
}
