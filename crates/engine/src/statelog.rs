//! The runner's side of the write-ahead state journal ([`vigil_retention::wal`]):
//! start-up recovery (retention.dat, then the journal's records on top of it, then
//! the log lines a crash kept from reaching the log), one group commit per engine
//! loop iteration, the reset of the journal whenever retention.dat is saved, and the
//! two steps of a checkpoint written off the loop (`checkpoint_ready`, then
//! `checkpoint_done`; see `persist::Checkpoint`).
//!
//! The ordering rule it implements: the records of every object whose state changed
//! in an iteration are written and `fdatasync`ed *before* the iteration's log lines
//! are written and before any process (next check, event handler) is started. So a
//! logged `SERVICE ALERT` is always durable, and a `kill -9` at any moment loses no
//! state change that anyone could have seen.

use std::path::PathBuf;
use std::sync::Arc;

use vigil_config::Model;
use vigil_retention::wal::{self, Batch, SyncStats, Wal};
use vigil_retention::{ConfigView, Retention};

use vigil_core::{Core, ObjRef};
use vigil_events::{Event, ProgramEvent};

use crate::logfile::LogFile;

/// The journal is folded into retention.dat once it grows past this size, or past
/// half the size of retention.dat if that is more ([`StateLog::checkpoint_due`]).
pub const CHECKPOINT_BYTES: u64 = 16 * 1024 * 1024;

/// What changed in a loop pass (from [`Core::take_dirty`] and
/// [`Core::take_books_dirty`]).
#[derive(Debug, Clone, Copy)]
pub struct Changed<'a> {
    /// Hosts and services whose retained state changed.
    pub objs: &'a [ObjRef],
    /// Program-wide state (switches, id counters) changed.
    pub program: bool,
    /// Comments, downtimes or contacts changed.
    pub books: bool,
}

/// An open state journal and what it needs to write records.
pub struct StateLog {
    wal: Wal,
    view: Arc<ConfigView>,
    /// Size past which [`StateLog::checkpoint_due`] says yes; at least half the
    /// retention file's unless set.
    checkpoint_bytes: u64,
    /// Set by [`StateLog::set_checkpoint_bytes`]: the size is fixed.
    fixed_checkpoint: bool,
    /// An append failed and was reported; the next failure is not logged again.
    failing: bool,
    /// Commit timings (write + fdatasync).
    stats: SyncStats,
}

/// What start-up found: the state to restore and the journal to continue.
pub struct Recovery {
    /// retention.dat with the journal's records applied; `None` when there is
    /// nothing to restore.
    pub retention: Option<Retention>,
    /// The journal to append to (`None` when retention is off or it cannot be
    /// opened).
    pub journal: Option<StateLog>,
    /// Problems to log once the engine has announced itself.
    pub notes: Vec<ProgramEvent>,
}

fn retention_path(model: &Model) -> Option<PathBuf> {
    if !model.main.retain_state_information {
        return None;
    }
    model.main.state_retention_file.clone()
}

/// Start-up: reads retention.dat, opens its journal, writes the log lines of the
/// last journalled batch that the log is missing (call before anything else is
/// logged), and returns retention.dat with the journal applied.
pub fn recover(model: &Model, view: Arc<ConfigView>, log: &mut LogFile) -> Recovery {
    let mut out = Recovery {
        retention: None,
        journal: None,
        notes: Vec::new(),
    };
    let Some(path) = retention_path(model) else {
        return out;
    };
    let (mut ret, base) = match wal::read_base_parsed(&path) {
        Ok(b) => b,
        Err(e) => {
            out.notes.push(warning(format!(
                "could not read retention file '{}': {e}",
                path.display()
            )));
            return out;
        }
    };
    match Wal::open(&wal::path_for(&path), base) {
        Ok((wal, replay)) => {
            if replay.torn_bytes > 0 {
                out.notes.push(warning(format!(
                    "state journal '{}': ignored {} bytes of an incomplete record at its end",
                    wal.path().display(),
                    replay.torn_bytes
                )));
            }
            if let Some((offset, lines)) = replay.last_log() {
                if let Err(e) = log.complete(offset, lines) {
                    out.notes.push(warning(format!(
                        "could not complete the log from the state journal: {e}"
                    )));
                }
            }
            if !replay.batches.is_empty() {
                replay.apply_to(ret.get_or_insert_with(Retention::default));
            }
            out.journal = Some(StateLog {
                wal,
                view,
                checkpoint_bytes: CHECKPOINT_BYTES,
                fixed_checkpoint: false,
                failing: false,
                stats: SyncStats::default(),
            });
        }
        Err(e) => out.notes.push(ProgramEvent::Problem {
            error: true,
            text: format!("cannot open the state journal, state changes are not crash-safe: {e}"),
        }),
    }
    out.retention = ret;
    out
}

fn warning(text: String) -> ProgramEvent {
    ProgramEvent::Problem { error: false, text }
}

/// retention.dat with its journal applied, read without changing any file (for
/// tools such as `vigil fire` that may run beside the engine).
pub fn read_for_tools(model: &Model) -> Option<Retention> {
    let path = retention_path(model)?;
    let (mut ret, base) = wal::read_base_parsed(&path).ok()?;
    if let Ok(replay) = wal::read(&wal::path_for(&path), base) {
        if !replay.batches.is_empty() {
            replay.apply_to(ret.get_or_insert_with(Retention::default));
        }
    }
    ret
}

impl StateLog {
    /// Opens the journal after a reload, when the statuses were carried over and
    /// retention.dat was just saved: nothing is replayed.
    pub fn reopen(model: &Model) -> Result<Option<StateLog>, wal::WalError> {
        let Some(path) = retention_path(model) else {
            return Ok(None);
        };
        let base = wal::base_id_of_file(&path)?;
        let (wal, _) = Wal::open(&wal::path_for(&path), base)?;
        Ok(Some(StateLog {
            wal,
            view: Arc::new(ConfigView::from_model(model)),
            checkpoint_bytes: CHECKPOINT_BYTES,
            fixed_checkpoint: false,
            failing: false,
            stats: SyncStats::default(),
        }))
    }

    /// After a reload: the journal goes on, with the new configuration's view.
    pub fn set_view(&mut self, view: Arc<ConfigView>) {
        self.view = view;
    }

    /// Commit timings so far.
    pub fn stats(&self) -> SyncStats {
        self.stats
    }

    /// True when the journal is large enough to be folded into retention.dat: past
    /// [`CHECKPOINT_BYTES`] and past half the size of retention.dat. Each checkpoint
    /// renders the whole of retention.dat, so tying the journal's size to it keeps
    /// the work per journalled byte bounded at any site size (at 100,000 services a
    /// fixed 16 MiB meant a 123 MB render every ~40 s; half the file, every ~2.5
    /// minutes), while the journal read at start-up stays below half the file.
    pub fn checkpoint_due(&self) -> bool {
        let base = self.wal.base().len;
        let half_base = if self.fixed_checkpoint || base == u64::MAX {
            0
        } else {
            base / 2
        };
        self.wal.len() > self.checkpoint_bytes.max(half_base)
    }

    /// Fixes the checkpoint size (default: [`CHECKPOINT_BYTES`] or half the
    /// retention file, whichever is more).
    pub fn set_checkpoint_bytes(&mut self, bytes: u64) {
        self.checkpoint_bytes = bytes;
        self.fixed_checkpoint = true;
    }

    /// Group commit of one loop iteration: the records of the changed objects
    /// (`objs`, and the program's with `program`; with `books` every comment,
    /// downtime and contact) and the iteration's formatted log
    /// `lines` are appended to the journal with one write and one `fdatasync`, then
    /// the lines are written to the log. Without changes only the lines are written.
    ///
    /// When the append fails (disk full, EIO) the lines are written anyway —
    /// monitoring goes on — and an `Error:` line says once that state changes are not
    /// crash-safe until a later append succeeds (then a line says so). Returns false
    /// when the append failed.
    pub fn commit(
        &mut self,
        core: &Core,
        changed: Changed<'_>,
        lines: &[u8],
        log: &mut LogFile,
        now: i64,
    ) -> bool {
        let Changed {
            objs,
            program,
            books,
        } = changed;
        if objs.is_empty() && !program && !books {
            log.write_formatted(lines);
            return true;
        }
        let mut records = String::with_capacity(1536 * objs.len() + 128);
        for obj in objs {
            match *obj {
                ObjRef::Host(h) => {
                    if let (Some(cfg), Some(st)) =
                        (self.view.hosts.get(h.idx()), core.host_status(h))
                    {
                        wal::record_host(&mut records, cfg, st);
                    }
                }
                ObjRef::Service(s) => {
                    if let (Some(cfg), Some(st)) =
                        (self.view.services.get(s.idx()), core.service_status(s))
                    {
                        wal::record_service(&mut records, cfg, st);
                    }
                }
            }
        }
        wal::record_program(&mut records, core.program(), program);
        if books {
            wal::record_books(&mut records, core.books());
            wal::record_contacts(&mut records, &self.view, core.contacts());
        }
        let batch = Batch {
            log_offset: log.size(),
            log: lines.to_vec(),
            records,
        };
        let t0 = std::time::Instant::now();
        let result = self.wal.append(&batch);
        self.stats.record(t0.elapsed());
        log.write_formatted(&batch.log);
        match result {
            Ok(()) => {
                if self.failing {
                    self.failing = false;
                    crate::runner::write_event(
                        log,
                        now,
                        &Event::Program(ProgramEvent::JournalRecovered),
                    );
                }
                true
            }
            Err(e) => {
                if !self.failing {
                    self.failing = true;
                    let text = format!("state changes are not crash-safe until the state journal can be written again: {e}");
                    eprintln!("vigil: {text}");
                    crate::runner::write_event(
                        log,
                        now,
                        &Event::Program(ProgramEvent::Problem { error: true, text }),
                    );
                }
                false
            }
        }
    }

    /// Whether the last append failed.
    pub fn failing(&self) -> bool {
        self.failing
    }

    /// retention.dat was just written (durably) with `contents`: everything in the
    /// journal is in it, so the journal starts again, empty, on top of it.
    pub fn saved(&mut self, base: wal::BaseId, log: &mut LogFile, now: i64) {
        if let Err(e) = self.wal.reset(base) {
            let text = format!("could not restart the state journal after saving retention data (retried with the next change): {e}");
            crate::runner::write_event(
                log,
                now,
                &Event::Program(ProgramEvent::Problem { error: true, text }),
            );
        }
    }

    /// The journal position a snapshot taken now stands for (a checkpoint's start).
    pub fn position(&self) -> wal::Position {
        self.wal.position()
    }

    /// A checkpoint's retention file (identity `base`, from the snapshot at `from`)
    /// is written but not yet in place: the journal records that it will be
    /// (see [`vigil_retention::wal`], "Checkpoints written off the loop").
    pub fn checkpoint_ready(
        &mut self,
        base: wal::BaseId,
        from: wal::Position,
    ) -> Result<(), wal::WalError> {
        self.wal.mark_checkpoint(base, from)
    }

    /// The checkpoint's retention file is in place: the journal restarts on it
    /// with what came after the snapshot. A failure is logged; the journal stays
    /// right (its marker) and the next checkpoint tries again.
    pub fn checkpoint_done(
        &mut self,
        base: wal::BaseId,
        from: wal::Position,
        log: &mut LogFile,
        now: i64,
    ) {
        if let Err(e) = self.wal.rebase(base, from) {
            let text =
                format!("could not restart the state journal after saving retention data: {e}");
            crate::runner::write_event(
                log,
                now,
                &Event::Program(ProgramEvent::Problem { error: true, text }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use vigil_state::{HostState, ObjectState, StateType};

    fn model(dir: &std::path::Path) -> Model {
        let d = dir.display();
        std::fs::write(
            dir.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define contact {\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
             define timeperiod {\n timeperiod_name none\n alias none\n}\n\
             define host {\n host_name h\n max_check_attempts 3\n contacts a\n}\n\
             define service {\n host_name h\n service_description s1\n check_command c\n max_check_attempts 3\n check_interval 1\n retry_interval 1\n contacts a\n}\n\
             define service {\n host_name h\n service_description s2\n check_command c\n max_check_attempts 3\n check_interval 1\n retry_interval 1\n contacts a\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("nagios.cfg"),
            format!(
                "log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\nstate_retention_file={d}/retention.dat\nretain_state_information=1\nlog_service_retries=1\n"
            ),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
        m
    }

    /// A passive result for service s1 or s2 of host h.
    fn result(core: &mut Core, s: u32, rc: i32, now: f64) {
        let line = format!("[{now}] PROCESS_SERVICE_CHECK_RESULT;h;s{};{rc};out", s + 1);
        core.handle_command(&line, now);
    }

    fn svc_state(core: &Core, s: usize) -> (u8, StateType, u32) {
        let st = &core.services()[s];
        (st.current_state.id(), st.state_type, st.current_attempt)
    }

    /// What the runner does at the end of a pass: the dirty objects and the pass's
    /// ALERT lines (commands and passive-check lines left out) go to the journal.
    fn commit(states: &mut StateLog, core: &mut Core, log: &mut LogFile, now: i64) {
        let (objs, program) = core.take_dirty();
        let books = core.take_books_dirty();
        let opts = vigil_events::LogOptions {
            event_handlers: true,
            external_commands: false,
            passive_checks: false,
            notifications: true,
        };
        let mut lines = Vec::new();
        for e in core.take_events() {
            e.log_lines(&opts, &mut lines);
        }
        let text: String = lines.iter().map(|l| LogFile::format_line(now, l)).collect();
        let changed = Changed {
            objs: &objs,
            program,
            books,
        };
        assert!(states.commit(core, changed, text.as_bytes(), log, now));
    }

    #[test]
    fn committed_changes_come_back_after_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let m = model(dir.path());
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let rec = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert!(rec.retention.is_none());
        let mut states = rec.journal.expect("journal opened");
        let mut core = Core::new(
            Arc::new(m.clone()),
            vigil_config::zone::Zone::utc(),
            1000.0,
            1,
        );
        result(&mut core, 0, 2, 1000.0);
        result(&mut core, 0, 2, 1001.0);
        states.set_checkpoint_bytes(1000);
        assert!(!states.checkpoint_due());
        commit(&mut states, &mut core, &mut log, 1001);
        assert!(states.checkpoint_due());
        // Saved here: the journal restarts on top of retention.dat.
        let text = vigil_retention::render(
            &m,
            core.program(),
            core.hosts().as_shared(),
            core.services().as_shared(),
            1001,
        );
        vigil_retention::write_atomic(m.main.state_retention_file.as_ref().unwrap(), &text)
            .unwrap();
        states.saved(wal::BaseId::of(text.as_bytes()), &mut log, 1001);
        assert!(!states.checkpoint_due());
        result(&mut core, 0, 2, 1002.0); // HARD CRITICAL
        result(&mut core, 1, 1, 1002.0); // SOFT WARNING
        core.handle_command("[1002] DISABLE_SVC_EVENT_HANDLER;h;s2", 1002.0);
        core.handle_command("[1002] PROCESS_HOST_CHECK_RESULT;h;1;down", 1002.0);
        assert_eq!(core.hosts()[0].current_state, HostState::Down);
        commit(&mut states, &mut core, &mut log, 1002);
        assert!(core.take_events().is_empty(), "events went to the log");
        let logged = std::fs::read_to_string(&m.main.log_file).unwrap();
        assert!(logged.contains("[1002] SERVICE ALERT: h;s1;CRITICAL;HARD;3;out\n"));
        assert!(logged.contains("[1002] SERVICE ALERT: h;s2;WARNING;SOFT;1;out\n"));
        drop(states); // kill -9: no save

        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let rec = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        let mut fresh = Core::new(
            Arc::new(m.clone()),
            vigil_config::zone::Zone::utc(),
            2000.0,
            2,
        );
        fresh.restore(rec.retention.as_ref().unwrap(), 2000.0);
        assert!(fresh.take_events().is_empty(), "restore problems");
        assert_eq!(svc_state(&fresh, 0), (2, StateType::Hard, 3));
        assert_eq!(svc_state(&fresh, 1), (1, StateType::Soft, 1));
        assert!(!fresh.services()[1].attrs.event_handler_enabled);
        let h = &fresh.hosts()[0];
        assert_eq!(
            (h.current_state, h.state_type),
            (HostState::Down, StateType::Hard)
        );
        assert_eq!(
            fresh.program().counters.next_event_id,
            core.program().counters.next_event_id
        );
        // Nothing was missing from the log.
        assert_eq!(std::fs::read_to_string(&m.main.log_file).unwrap(), logged);
        // Tools see the same without touching the files.
        let wal_before =
            std::fs::read(wal::path_for(m.main.state_retention_file.as_ref().unwrap())).unwrap();
        let tools = read_for_tools(&m).unwrap();
        assert_eq!(&tools, rec.retention.as_ref().unwrap());
        assert_eq!(
            std::fs::read(wal::path_for(m.main.state_retention_file.as_ref().unwrap())).unwrap(),
            wal_before
        );
    }

    #[test]
    fn log_lines_lost_with_the_process_are_written_at_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let m = model(dir.path());
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        log.write(999, "before");
        let mut states = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log)
            .journal
            .unwrap();
        let mut core = Core::new(
            Arc::new(m.clone()),
            vigil_config::zone::Zone::utc(),
            1000.0,
            1,
        );
        result(&mut core, 0, 2, 1000.0);
        result(&mut core, 1, 1, 1000.0);
        commit(&mut states, &mut core, &mut log, 1000);
        let full = std::fs::read_to_string(&m.main.log_file).unwrap();
        assert_eq!(
            full,
            "[999] before\n\
             [1000] SERVICE ALERT: h;s1;CRITICAL;SOFT;1;out\n\
             [1000] SERVICE ALERT: h;s2;WARNING;SOFT;1;out\n"
        );
        // Killed after the journal write, with only part of the log written.
        let cut = "[999] before\n[1000] SERVICE ALERT: h;s1;CRI".len() as u64;
        std::fs::OpenOptions::new()
            .write(true)
            .open(&m.main.log_file)
            .unwrap()
            .set_len(cut)
            .unwrap();
        drop(states);
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let rec = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert!(rec.notes.is_empty(), "{:?}", rec.notes);
        assert_eq!(std::fs::read_to_string(&m.main.log_file).unwrap(), full);
        // Once complete, a second start-up adds nothing.
        drop(rec);
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let _ = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert_eq!(std::fs::read_to_string(&m.main.log_file).unwrap(), full);
        // A log that was replaced meanwhile is left alone.
        std::fs::write(&m.main.log_file, "[5] rotated\n").unwrap();
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let _ = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert_eq!(
            std::fs::read_to_string(&m.main.log_file).unwrap(),
            "[5] rotated\n"
        );
    }

    /// Where a checkpoint written off the loop is interrupted by a `kill -9`.
    #[derive(Debug, Clone, Copy)]
    enum CrashAt {
        /// retention.dat written under its temporary name only.
        BeforeRename,
        /// retention.dat in place, the journal not rebased yet.
        BeforeRebase,
        /// The checkpoint is complete.
        AfterRebase,
    }

    fn checkpoint_then_crash(at: CrashAt) {
        let dir = tempfile::tempdir().unwrap();
        let m = model(dir.path());
        let path = m.main.state_retention_file.clone().unwrap();
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let mut states = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log)
            .journal
            .unwrap();
        let zone = vigil_config::zone::Zone::utc();
        let mut core = Core::new(Arc::new(m.clone()), zone.clone(), 1000.0, 1);
        result(&mut core, 0, 2, 1000.0);
        commit(&mut states, &mut core, &mut log, 1000);
        // The snapshot: s1 SOFT CRITICAL 1, s2 OK.
        let from = states.position();
        let text = vigil_retention::render(
            &m,
            core.program(),
            core.hosts().as_shared(),
            core.services().as_shared(),
            1000,
        );
        // While it is written, the loop goes on: s1 to HARD, s2 SOFT WARNING.
        result(&mut core, 0, 2, 1001.0);
        result(&mut core, 0, 2, 1002.0);
        result(&mut core, 1, 1, 1002.0);
        commit(&mut states, &mut core, &mut log, 1002);
        let (pending, _) =
            vigil_retention::write_pending(&path, |w| w.write_all(text.as_bytes())).unwrap();
        let base = wal::BaseId::of(text.as_bytes());
        states.checkpoint_ready(base, from).unwrap();
        match at {
            CrashAt::BeforeRename => drop(pending),
            CrashAt::BeforeRebase => pending.commit().unwrap(),
            CrashAt::AfterRebase => {
                pending.commit().unwrap();
                states.checkpoint_done(base, from, &mut log, 1002);
                result(&mut core, 1, 1, 1003.0);
                commit(&mut states, &mut core, &mut log, 1003);
            }
        }
        let want = (svc_state(&core, 0), svc_state(&core, 1));
        drop(states); // kill -9

        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let rec = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert!(rec.notes.is_empty(), "{at:?}: {:?}", rec.notes);
        let mut fresh = Core::new(Arc::new(m.clone()), zone, 2000.0, 2);
        fresh.restore(rec.retention.as_ref().unwrap(), 2000.0);
        assert_eq!((svc_state(&fresh, 0), svc_state(&fresh, 1)), want, "{at:?}");
        assert_eq!(want.0, (2, StateType::Hard, 3), "{at:?}");
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(names.is_empty(), "{at:?}: {names:?}");
    }

    #[test]
    fn a_checkpoint_off_the_loop_loses_nothing_wherever_it_is_interrupted() {
        checkpoint_then_crash(CrashAt::BeforeRename);
        checkpoint_then_crash(CrashAt::BeforeRebase);
        checkpoint_then_crash(CrashAt::AfterRebase);
    }

    #[test]
    fn the_checkpoint_waits_for_half_the_retention_file_unless_its_size_is_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let m = model(dir.path());
        let path = m.main.state_retention_file.clone().unwrap();
        // A 100 kB retention file (comment lines: nothing to restore).
        std::fs::write(
            &path,
            "# padding padding padding padding padding\n".repeat(2500),
        )
        .unwrap();
        let mut log = LogFile::open(&m.main.log_file).unwrap();
        let mut states = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log)
            .journal
            .unwrap();
        states.checkpoint_bytes = 1000; // the floor, still following the file
        let mut core = Core::new(
            Arc::new(m.clone()),
            vigil_config::zone::Zone::utc(),
            1000.0,
            1,
        );
        let half = std::fs::metadata(&path).unwrap().len() / 2;
        let mut t = 1000;
        while states.wal.len() <= half {
            assert!(
                !states.checkpoint_due(),
                "due at {} bytes",
                states.wal.len()
            );
            result(&mut core, (t % 2) as u32, (t % 3) as i32, t as f64);
            commit(&mut states, &mut core, &mut log, t);
            t += 1;
        }
        assert!(states.checkpoint_due());
        states.set_checkpoint_bytes(half * 2);
        assert!(!states.checkpoint_due());
        states.set_checkpoint_bytes(1000);
        assert!(states.checkpoint_due());
    }

    #[test]
    fn no_journal_without_retention() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = model(dir.path());
        m.main.retain_state_information = false;
        let mut log = LogFile::none();
        let rec = recover(&m, Arc::new(ConfigView::from_model(&m)), &mut log);
        assert!(rec.journal.is_none() && rec.retention.is_none());
        assert!(!wal::path_for(m.main.state_retention_file.as_ref().unwrap()).exists());
    }
}
