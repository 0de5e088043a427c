//! The periodic whole-state files: retention.dat (saved at `retention_update_interval`,
//! on `SAVE_STATE_INFORMATION`, at shutdown and reload, and when the state journal is
//! due for a checkpoint) and status.dat (every `status_update_interval`). Both are
//! rendered by `vigil-retention` and written atomically.

use vigil_core::Core;
use vigil_events::{Event, ProgramEvent};
use vigil_retention::RenderExtras;

use crate::logfile::LogFile;
use crate::runner::write_event;
use crate::statelog::StateLog;

/// Saves retention.dat (if `retain_state_information`), restarting the state journal
/// on top of it. Returns false when it could not be written.
pub fn save_retention(
    core: &Core,
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
    let text = vigil_retention::render_view(
        &vigil_retention::ConfigView::from_model(core.model()),
        core.program(),
        core.hosts(),
        core.services(),
        extras,
        now,
    );
    match vigil_retention::write_atomic(path, &text) {
        Ok(()) => {
            if let Some(j) = states {
                j.saved(&text, log, now);
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

/// Writes status.dat (if `status_file` is set).
pub fn write_status(core: &Core, extras: &RenderExtras, now: i64) {
    let Some(path) = &core.model().main.status_file else {
        return;
    };
    let text = vigil_retention::render_status_view(
        &vigil_retention::ConfigView::from_model(core.model()),
        core.program(),
        core.hosts(),
        core.services(),
        extras,
        now,
    );
    if let Err(e) = vigil_retention::write_atomic(path, &text) {
        eprintln!("vigil: cannot write status file {}: {e}", path.display());
    }
}
