//! [`CoreSite`]: the Livestatus [`Site`] over a [`vigil_core::Snapshot`] — the
//! statuses and program state frozen by the core, plus what the core does not keep
//! itself: the model's [`Indexes`] (built once per configuration), the event handler
//! runs ([`HandlerHistory`], fed from the handler journal), the log
//! ([`LogSource`]: the core's log file and archives) and the time zone the
//! timeperiods are evaluated in.
//!
//! Acknowledgements, downtimes, comments and notification fields are the core's
//! own, read through [`crate::notify_view`] (the books name objects, the tables
//! want ids).

use crate::notify_view::NotifyView;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use vigil_config::zone::Zone;
use vigil_config::{HostId, Model, ServiceId, TimeperiodId};
use vigil_core::{ObjRef, Snapshot};
use vigil_livestatus::{
    Comment, Downtime, HandlerRun, Indexes, ObjectExtra, ProgramStatus, Site, Statuses,
};
use vigil_state::{HostStatus, ServiceStatus};

/// Where the `log` table's lines come from.
pub trait LogSource: Send + Sync {
    /// Visits the lines with a time in `from..=until`, newest first, until `visit`
    /// returns false (see [`Site::log_lines`]).
    fn visit(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool);
}

/// The core's log: `log_file` and the archives in `log_archive_path`.
#[derive(Debug, Clone)]
pub struct LogFiles {
    /// `log_file`.
    pub log_file: PathBuf,
    /// `log_archive_path`, if set.
    pub archive_dir: Option<PathBuf>,
}

impl LogFiles {
    /// The log files of a configuration.
    pub fn of(model: &Model) -> LogFiles {
        LogFiles {
            log_file: model.main.log_file.clone(),
            archive_dir: model.main.log_archive_path.clone(),
        }
    }
}

impl LogSource for LogFiles {
    fn visit(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool) {
        crate::logfiles::visit_log_lines(
            &self.log_file,
            self.archive_dir.as_deref(),
            from,
            until,
            visit,
        );
    }
}

/// Event handler runs as the `eventhandlers` table and the `vigil_last_handler_*`
/// columns read them: the latest [`HandlerHistory::KEEP`] runs, oldest first, and
/// each object's latest run. Cloning is cheap (shared); appending copies only what a
/// published site still shares.
#[derive(Debug, Clone, Default)]
pub struct HandlerHistory {
    runs: Arc<Vec<Arc<HandlerRun>>>,
    last_host: Arc<HashMap<HostId, Arc<HandlerRun>>>,
    last_service: Arc<HashMap<ServiceId, Arc<HandlerRun>>>,
}

impl HandlerHistory {
    /// Runs kept in memory (the handler journal keeps more; `vigil handlers` reads it).
    pub const KEEP: usize = 10_000;

    /// Appends a run (the newest).
    pub fn push(&mut self, run: HandlerRun) {
        let run = Arc::new(run);
        match run.service {
            Some(s) => {
                Arc::make_mut(&mut self.last_service).insert(s, Arc::clone(&run));
            }
            None => {
                Arc::make_mut(&mut self.last_host).insert(run.host, Arc::clone(&run));
            }
        }
        let runs = Arc::make_mut(&mut self.runs);
        if runs.len() >= Self::KEEP + Self::KEEP / 10 {
            // Drop a tenth at once: the copy is paid once per thousand runs.
            runs.drain(..runs.len() - Self::KEEP);
        }
        runs.push(run);
    }

    /// Number of runs kept.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// True when no run is kept.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// One consistent Livestatus view of the core (see the module documentation).
pub struct CoreSite {
    snap: Snapshot,
    indexes: Arc<Indexes>,
    program: ProgramStatus,
    notify: NotifyView,
    handlers: HandlerHistory,
    log: Arc<dyn LogSource>,
    zone: Zone,
    executing: OnceLock<(Vec<bool>, Vec<bool>)>,
}

impl CoreSite {
    /// A site over `snap`. `indexes` must have been built from `snap.model()`.
    pub fn new(
        snap: Snapshot,
        indexes: Arc<Indexes>,
        program: ProgramStatus,
        handlers: HandlerHistory,
        log: Arc<dyn LogSource>,
        zone: Zone,
    ) -> CoreSite {
        CoreSite {
            notify: NotifyView::of(&snap),
            snap,
            indexes,
            program,
            handlers,
            log,
            zone,
            executing: OnceLock::new(),
        }
    }

    /// The snapshot the site reads.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snap
    }

    fn executing(&self) -> &(Vec<bool>, Vec<bool>) {
        self.executing.get_or_init(|| {
            let m = self.snap.model();
            let mut h = vec![false; m.hosts.len()];
            let mut s = vec![false; m.services.len()];
            for o in self.snap.executing() {
                match o {
                    ObjRef::Host(x) => {
                        if let Some(v) = h.get_mut(x.idx()) {
                            *v = true;
                        }
                    }
                    ObjRef::Service(x) => {
                        if let Some(v) = s.get_mut(x.idx()) {
                            *v = true;
                        }
                    }
                }
            }
            (h, s)
        })
    }
}

impl Site for CoreSite {
    fn model(&self) -> &Model {
        self.snap.model()
    }
    fn indexes(&self) -> &Indexes {
        &self.indexes
    }
    fn host_statuses(&self) -> Statuses<'_, HostStatus> {
        Statuses::Shared(self.snap.hosts())
    }
    fn service_statuses(&self) -> Statuses<'_, ServiceStatus> {
        Statuses::Shared(self.snap.services())
    }
    fn host_extra(&self, id: HostId) -> ObjectExtra {
        let mut x = self.notify.host(&self.snap, id);
        x.is_executing = self.executing().0.get(id.idx()).copied().unwrap_or(false);
        x
    }
    fn service_extra(&self, id: ServiceId) -> ObjectExtra {
        let mut x = self.notify.service(&self.snap, id);
        x.is_executing = self.executing().1.get(id.idx()).copied().unwrap_or(false);
        x
    }
    fn program(&self) -> &ProgramStatus {
        &self.program
    }
    fn comments(&self) -> &[Comment] {
        self.notify.comments(&self.snap)
    }
    fn downtimes(&self) -> &[Downtime] {
        self.notify.downtimes(&self.snap)
    }
    fn timeperiod_active(&self, id: TimeperiodId, now: i64) -> bool {
        let tps = &self.snap.model().timeperiods;
        tps.get(id.idx())
            .is_some_and(|tp| tp.contains(&self.zone, now, tps))
    }
    fn log_lines(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool) {
        self.log.visit(from, until, visit)
    }
    fn handler_run_count(&self) -> usize {
        self.handlers.runs.len()
    }
    fn handler_run(&self, i: usize) -> Option<&HandlerRun> {
        self.handlers.runs.get(i).map(|r| &**r)
    }
    fn host_last_handler(&self, id: HostId) -> Option<&HandlerRun> {
        self.handlers.last_host.get(&id).map(|r| &**r)
    }
    fn service_last_handler(&self, id: ServiceId) -> Option<&HandlerRun> {
        self.handlers.last_service.get(&id).map(|r| &**r)
    }
}
