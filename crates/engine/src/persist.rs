//! The periodic whole-state files: retention.dat (saved at `retention_update_interval`,
//! on `SAVE_STATE_INFORMATION`, at shutdown and reload, and when the state journal is
//! due for a checkpoint) and status.dat (every `status_update_interval`). Both are
//! rendered by `vigil-retention` and written atomically; status.dat from a snapshot,
//! off the check loop.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use vigil_core::{Core, Snapshot};
use vigil_events::{Event, ProgramEvent};
use vigil_retention::{ConfigView, RenderExtras};

use crate::logfile::LogFile;
use crate::runner::write_event;
use crate::statelog::StateLog;

/// Saves retention.dat (if `retain_state_information`), restarting the state journal
/// on top of it. Returns false when it could not be written.
pub fn save_retention(
    core: &Core,
    view: &ConfigView,
    log: &mut LogFile,
    states: Option<&mut StateLog>,
    extras: &RenderExtras,
    now: i64,
) -> bool {
    let main = &core.model().main;
    if !main.retain_state_information {
        return true;
    }
    let Some(path) = &main.state_retention_file else {
        return true;
    };
    // Streamed (bounded memory); the journal learns the identity of what was written.
    let mut base = None;
    let written = vigil_retention::write_atomic_with(path, |w| {
        let mut w = vigil_retention::wal::BaseIdWriter::new(w);
        vigil_retention::render_view_to(
            &mut w,
            view,
            core.program(),
            core.hosts().as_shared(),
            core.services().as_shared(),
            extras,
            now,
        )?;
        base = Some(w.base_id());
        Ok(())
    });
    match written {
        Ok(()) => {
            if let (Some(j), Some(base)) = (states, base) {
                j.saved(base, log, now);
            }
            true
        }
        Err(e) => {
            let text = format!(
                "Unable to save retention information to '{}': {e}",
                path.display()
            );
            write_event(
                log,
                now,
                &Event::Program(ProgramEvent::Problem { error: true, text }),
            );
            false
        }
    }
}

/// Writes status.dat off the check loop: the loop takes a [`Snapshot`] (one pointer
/// copy per object) and a blocking task renders and writes it. A write still in
/// progress when the next one is due makes that one skipped, so a slow disk never
/// piles up work or delays checks.
pub struct StatusWriter {
    view: Arc<ConfigView>,
    busy: Arc<AtomicBool>,
}

impl StatusWriter {
    /// A writer for a configuration's view (one per generation).
    pub fn new(view: Arc<ConfigView>) -> StatusWriter {
        StatusWriter {
            view,
            busy: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits (at most 30 s) for a write in progress to end, so that removing the
    /// file at shutdown is not undone by a late write.
    pub fn wait_idle(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.busy.load(Ordering::Acquire) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Starts writing status.dat from `snap` (if `status_file` is set and no write is
    /// in progress).
    pub fn write(&self, snap: Snapshot) {
        let Some(path) = snap.model().main.status_file.clone() else {
            return;
        };
        if self.busy.swap(true, Ordering::AcqRel) {
            return;
        }
        let (view, busy, extras) = (self.view.clone(), self.busy.clone(), snap.render_extras());
        tokio::task::spawn_blocking(move || {
            // Streamed: memory stays bounded whatever the number of objects.
            let written = vigil_retention::write_atomic_with(&path, |w| {
                vigil_retention::render_status_to(
                    w,
                    &view,
                    snap.program(),
                    snap.hosts(),
                    snap.services(),
                    &extras,
                    snap.at as i64,
                )
            });
            if let Err(e) = written {
                eprintln!("vigil: cannot write status file {}: {e}", path.display());
            }
            busy.store(false, Ordering::Release);
        });
    }
}
