//! The periodic whole-state files: retention.dat (saved at `retention_update_interval`,
//! on `SAVE_STATE_INFORMATION`, at shutdown and reload, and when the state journal is
//! due for a checkpoint) and status.dat (every `status_update_interval`). Both are
//! rendered by `vigil-retention` and written atomically; status.dat from a snapshot,
//! off the check loop.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use vigil_core::{Core, Snapshot};
use vigil_events::{Event, ProgramEvent};
use vigil_retention::status_reuse::{render_status_reusing, ReadAt, StatusLayout, StatusParts};
use vigil_retention::{wal, ConfigView, PendingFile, RenderExtras};

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

/// What a retention save off the loop hands back: the written file, not yet in
/// place, and its identity; or why it could not be written.
pub type CheckpointWritten = io::Result<(PendingFile, wal::BaseId)>;

/// A retention save running off the loop: a checkpoint of the state journal
/// (`vigil_retention::wal`, "Checkpoints written off the loop"). The loop takes a
/// snapshot at a journal position, a blocking task renders retention.dat from it
/// into a pending file, and the loop, when that is done, marks the journal, puts the
/// file in place and rebases the journal (`runner::Outputs::finish_checkpoint`). At
/// 100,000 services the render takes about a second, which on the loop stopped
/// every check for that long each time the journal reached its checkpoint size.
pub struct Checkpoint {
    /// The retention file.
    pub path: PathBuf,
    /// The journal position the snapshot stands for.
    pub from: wal::Position,
    /// The runner's count of whole saves when it started: a save made since
    /// supersedes it.
    pub generation: u64,
    /// It is (also) the `retention_update_interval` save: logged when done.
    pub auto: bool,
    done: tokio::sync::oneshot::Receiver<CheckpointWritten>,
}

impl Checkpoint {
    /// Starts writing retention.dat for `path` from `snap` on a blocking thread.
    pub fn start(
        snap: Snapshot,
        view: Arc<ConfigView>,
        path: PathBuf,
        from: wal::Position,
        generation: u64,
    ) -> Checkpoint {
        let (tx, done) = tokio::sync::oneshot::channel();
        let file = path.clone();
        tokio::task::spawn_blocking(move || {
            let extras = snap.render_extras();
            let mut base = None;
            let written = vigil_retention::write_pending(&path, |w| {
                let mut w = wal::BaseIdWriter::new(w);
                vigil_retention::render_view_to(
                    &mut w,
                    &view,
                    snap.program(),
                    snap.hosts(),
                    snap.services(),
                    &extras,
                    snap.at as i64,
                )?;
                base = Some(w.base_id());
                Ok(())
            });
            let result = written.and_then(|(pending, _)| match base {
                Some(b) => Ok((pending, b)),
                None => Err(io::Error::other("retention file rendered without identity")),
            });
            // If the loop has gone, the pending file is dropped here: removed.
            let _ = tx.send(result);
        });
        Checkpoint {
            path: file,
            from,
            generation,
            auto: false,
            done,
        }
    }

    /// Waits for the write; `None` if the task ended without an answer.
    pub async fn written(&mut self) -> Option<CheckpointWritten> {
        (&mut self.done).await.ok()
    }
}

/// Writes status.dat off the check loop: the loop takes a [`Snapshot`] (one pointer
/// copy per object) and a blocking task renders and writes it. A write still in
/// progress when the next one is due makes that one skipped, so a slow disk never
/// piles up work or delays checks.
///
/// Each write keeps its layout and the written file open, so the next one copies the
/// blocks of every object whose status has not changed since instead of rendering
/// them (`vigil_retention::status_reuse`): at 100,000 services every 300 s, about 3 %
/// of the objects change between two writes 10 s apart.
pub struct StatusWriter {
    view: Arc<ConfigView>,
    busy: Arc<AtomicBool>,
    last: Arc<Mutex<Option<Written>>>,
}

/// The last status.dat written: its layout and the file (the inode written, even if
/// the path has been replaced since).
struct Written {
    layout: StatusLayout,
    file: std::fs::File,
}

impl StatusWriter {
    /// A writer for a configuration's view (one per generation).
    pub fn new(view: Arc<ConfigView>) -> StatusWriter {
        StatusWriter {
            view,
            busy: Arc::new(AtomicBool::new(false)),
            last: Arc::new(Mutex::new(None)),
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
        let (view, busy, last) = (self.view.clone(), self.busy.clone(), self.last.clone());
        let extras = snap.render_extras();
        tokio::task::spawn_blocking(move || {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            // The previous file only if it is still the length written.
            let prev = last.take().filter(|w| {
                w.file
                    .metadata()
                    .is_ok_and(|m| m.len() == w.layout.file_len())
            });
            let parts = StatusParts {
                view: &view,
                program: snap.program(),
                hosts: snap.hosts_shared(),
                services: snap.services_shared(),
                extras: &extras,
                now: snap.at as i64,
            };
            let mut layout = None;
            // Streamed: memory stays bounded whatever the number of objects.
            let written = vigil_retention::write_atomic_keep(&path, |w| {
                let (l, _) = render_status_reusing(
                    w,
                    &parts,
                    prev.as_ref().map(|p| (&p.layout, &p.file as &dyn ReadAt)),
                )?;
                layout = Some(l);
                Ok(())
            });
            drop(prev);
            match (written, layout) {
                (Ok(file), Some(layout)) => *last = Some(Written { layout, file }),
                (Err(e), _) => {
                    eprintln!("vigil: cannot write status file {}: {e}", path.display())
                }
                (Ok(_), None) => {}
            }
            drop(last);
            busy.store(false, Ordering::Release);
        });
    }
}
