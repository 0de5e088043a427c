//! Wake-ups for `WaitTrigger:`. The publisher calls [`Triggers::notify`] once the
//! snapshot that contains a change of that kind is the one queries read; every
//! request waiting on that kind (or on `all`) then re-evaluates its `WaitCondition`
//! on that snapshot.
//!
//! Each kind is a generation counter: a waiter reads the generation before it looks
//! at the snapshot and sleeps only while the generation is unchanged, so a
//! notification between its check and its sleep is never lost.

use std::sync::{Condvar, Mutex};
use std::time::Instant;
use vigil_livestatus::TriggerKind;

const KINDS: usize = 8;

/// The trigger generations, shared by the publisher (which notifies) and the
/// connections (which wait).
#[derive(Debug, Default)]
pub struct Triggers {
    gens: Mutex<[u64; KINDS]>,
    changed: Condvar,
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

impl Triggers {
    /// Generations with nothing notified yet.
    pub fn new() -> Triggers {
        Triggers::default()
    }

    /// Signals that things of these kinds happened (each also wakes `all`
    /// waiters). Cheap and non-blocking; callable from any thread.
    pub fn notify(&self, kinds: &[TriggerKind]) {
        if kinds.is_empty() {
            return;
        }
        let mut g = match self.gens.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        for k in kinds {
            let s = slot(*k);
            g[s] = g[s].wrapping_add(1);
        }
        g[0] = g[0].wrapping_add(1);
        drop(g);
        self.changed.notify_all();
    }

    /// The current generation of `kind` (read it before evaluating a condition).
    pub fn generation(&self, kind: TriggerKind) -> u64 {
        let g = match self.gens.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        g[slot(kind)]
    }

    /// Sleeps until the generation of `kind` differs from `seen` (true) or until
    /// `deadline` (false; `None`: no deadline).
    pub fn wait_change(&self, kind: TriggerKind, seen: u64, deadline: Option<Instant>) -> bool {
        let s = slot(kind);
        let mut g = match self.gens.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        loop {
            if g[s] != seen {
                return true;
            }
            match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return false;
                    }
                    g = match self.changed.wait_timeout(g, d - now) {
                        Ok((g, _)) => g,
                        Err(p) => p.into_inner().0,
                    };
                }
                None => {
                    g = match self.changed.wait(g) {
                        Ok(g) => g,
                        Err(p) => p.into_inner(),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_notification_wakes_its_kind_and_all() {
        let t = Arc::new(Triggers::new());
        let (check, all, state) = (
            t.generation(TriggerKind::Check),
            t.generation(TriggerKind::All),
            t.generation(TriggerKind::State),
        );
        let t2 = Arc::clone(&t);
        let h = std::thread::spawn(move || {
            t2.wait_change(
                TriggerKind::Check,
                check,
                Some(Instant::now() + Duration::from_secs(10)),
            )
        });
        std::thread::sleep(Duration::from_millis(20));
        t.notify(&[TriggerKind::Check]);
        assert!(h.join().unwrap());
        assert_ne!(t.generation(TriggerKind::All), all);
        // Another kind times out.
        let soon = Some(Instant::now() + Duration::from_millis(30));
        assert!(!t.wait_change(TriggerKind::State, state, soon));
        // A change that happened before the wait is not lost.
        t.notify(&[TriggerKind::State]);
        assert!(t.wait_change(TriggerKind::State, state, None));
    }
}
