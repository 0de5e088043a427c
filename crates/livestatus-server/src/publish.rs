//! [`Publisher`]: the check loop's side of Livestatus. The loop hands it the events
//! of each pass ([`Publisher::observe`]) and lets it publish a new [`CoreSite`] —
//! one `Core::snapshot`, an `Arc` clone per object — after a pass that changed
//! something, at most every [`Publisher::INTERVAL`], at once after a Livestatus
//! `COMMAND` (so the client's next request sees its effect) or when a `Wait*`
//! request asks for it. After each publication it wakes the `WaitTrigger`s of what
//! changed (`comment` and `downtime` when the comment or downtime list differs
//! from the previous publication's), so a woken waiter reads a snapshot that
//! contains the change.
//!
//! Queries never touch the core: they read the published site on the server's
//! threads ([`Publisher::provider`]); the loop never waits for a query.

use crate::site::{CoreSite, HandlerHistory, LogSource};
use crate::triggers::Triggers;
use crate::SnapshotProvider;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_config::zone::Zone;
use vigil_config::Model;
use vigil_core::Core;
use vigil_events::{Event, ObjKind};
use vigil_livestatus::{CoreCounters, HandlerRun, Indexes, ProgramStatus, TriggerKind};
use vigil_state::{ModAttr, ProgramState};

/// The program-wide switches (the `program` trigger fires when one changes).
type Switches = ([bool; 12], Option<String>, Option<String>, ModAttr, ModAttr);

fn switches(p: &ProgramState) -> Switches {
    (
        [
            p.enable_notifications,
            p.execute_service_checks,
            p.execute_host_checks,
            p.accept_passive_service_checks,
            p.accept_passive_host_checks,
            p.enable_event_handlers,
            p.obsess_over_services,
            p.obsess_over_hosts,
            p.check_service_freshness,
            p.check_host_freshness,
            p.enable_flap_detection,
            p.process_performance_data,
        ],
        p.global_host_event_handler.clone(),
        p.global_service_event_handler.clone(),
        p.modified_host_attributes,
        p.modified_service_attributes,
    )
}

/// Publishes [`CoreSite`]s for the Livestatus server (see the module documentation).
pub struct Publisher {
    current: Arc<Mutex<Arc<CoreSite>>>,
    triggers: Arc<Triggers>,
    model: Arc<Model>,
    indexes: Arc<Indexes>,
    zone: Zone,
    log: Arc<dyn LogSource>,
    handlers: HandlerHistory,
    counters: CoreCounters,
    last_log_rotation: i64,
    program_version: String,
    pending: Vec<TriggerKind>,
    changed: bool,
    last: Instant,
    last_jobs: usize,
    switches: Switches,
}

impl Publisher {
    /// Publications are at most this often while checks keep changing the state
    /// (a `COMMAND` or a `Wait*` request publishes at once).
    pub const INTERVAL: Duration = Duration::from_millis(50);

    /// A publisher with the core's current state already published. `zone` is the
    /// time zone timeperiods are evaluated in; `program_version` what the `status`
    /// table reports; `handlers` the runs known at start (from the handler journal).
    pub fn new(
        core: &Core,
        zone: Zone,
        log: Arc<dyn LogSource>,
        program_version: String,
        handlers: HandlerHistory,
        now: f64,
    ) -> Publisher {
        let model = Arc::clone(core.model());
        let indexes = Arc::new(Indexes::build(&model));
        let switches = switches(core.program());
        let mut p = Publisher {
            current: Arc::new(Mutex::new(Arc::new(CoreSite::new(
                core.snapshot(now),
                Arc::clone(&indexes),
                ProgramStatus {
                    state: core.program().clone(),
                    program_version: program_version.clone(),
                    check_external_commands: model.main.check_external_commands,
                    last_log_rotation: 0,
                    last_command_check: 0,
                    counters: CoreCounters::default(),
                },
                handlers.clone(),
                Arc::clone(&log),
                zone.clone(),
            )))),
            triggers: Arc::new(Triggers::new()),
            model,
            indexes,
            zone,
            log,
            handlers,
            counters: CoreCounters::default(),
            last_log_rotation: 0,
            program_version,
            pending: Vec::new(),
            changed: false,
            last: Instant::now(),
            last_jobs: 0,
            switches,
        };
        p.publish(core, now);
        p
    }

    /// What the server reads: the latest published site.
    pub fn provider(&self) -> SnapshotProvider<CoreSite> {
        let cur = Arc::clone(&self.current);
        Arc::new(move || match cur.lock() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        })
    }

    /// The trigger generations the server's waits sleep on.
    pub fn triggers(&self) -> Arc<Triggers> {
        Arc::clone(&self.triggers)
    }

    /// The events of one loop pass, after they were logged (`log_lines`: how many
    /// lines were written).
    pub fn observe(&mut self, events: &[Event], log_lines: usize) {
        if events.is_empty() && log_lines == 0 {
            return;
        }
        self.changed = true;
        self.counters.log_messages += log_lines as u64;
        if log_lines > 0 {
            self.trigger(TriggerKind::Log);
        }
        for e in events {
            match e {
                Event::CheckDone { line, active, .. } => {
                    match line.obj.kind() {
                        ObjKind::Host => self.counters.host_checks += 1,
                        ObjKind::Service => self.counters.service_checks += 1,
                    }
                    if *active {
                        self.counters.forks += 1;
                    }
                    self.trigger(TriggerKind::Check);
                }
                Event::Alert(_) => self.trigger(TriggerKind::State),
                Event::HandlerFinished { .. } => self.counters.forks += 1,
                Event::Command(_) => {
                    // last_command_check stays 0: Nagios 4 no longer sets it (the
                    // reference shows 0 after commands).
                    self.counters.external_commands += 1;
                    self.trigger(TriggerKind::Command);
                }
                _ => {}
            }
        }
    }

    /// A finished event handler run (the newest).
    pub fn push_handler_run(&mut self, run: HandlerRun) {
        self.handlers.push(run);
        self.changed = true;
    }

    /// Replaces the handler runs (after a reload: object ids changed).
    pub fn set_handlers(&mut self, handlers: HandlerHistory) {
        self.handlers = handlers;
        self.changed = true;
    }

    /// The log was rotated at `t`.
    pub fn log_rotated(&mut self, t: i64) {
        self.last_log_rotation = t;
        self.changed = true;
    }

    /// Where the `log` table reads from (after a reload: the new configuration's
    /// files).
    pub fn set_log(&mut self, log: Arc<dyn LogSource>) {
        self.log = log;
        self.changed = true;
    }

    /// Whether the core's books are not the published site's (they are shared
    /// copy-on-write, so the same books are the same allocation).
    fn books_changed(&self, core: &Core) -> bool {
        let g = match self.current.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        !std::ptr::eq(g.snapshot().books(), core.books())
    }

    fn trigger(&mut self, k: TriggerKind) {
        if !self.pending.contains(&k) {
            self.pending.push(k);
        }
    }

    /// When a publication is due for what changed since the last one (`None`:
    /// nothing changed). The loop sleeps at most until then.
    pub fn due(&self) -> Option<Instant> {
        self.changed.then(|| self.last + Self::INTERVAL)
    }

    /// Publishes when something changed and [`Publisher::INTERVAL`] has passed
    /// since the last publication. Returns whether it published.
    pub fn publish_if_due(&mut self, core: &Core, now: f64) -> bool {
        if core.jobs_in_flight() != self.last_jobs {
            // Checks started or ended: is_executing and next_check changed.
            self.changed = true;
        }
        if !self.changed && self.books_changed(core) {
            // A comment or downtime changed without an event (a timer, say).
            self.changed = true;
        }
        if self.changed && self.last.elapsed() >= Self::INTERVAL {
            self.publish(core, now);
            return true;
        }
        false
    }

    /// Publishes the core's state now and wakes the triggers of what changed.
    pub fn publish(&mut self, core: &Core, now: f64) {
        if !Arc::ptr_eq(core.model(), &self.model) {
            self.model = Arc::clone(core.model());
            self.indexes = Arc::new(Indexes::build(&self.model));
            self.trigger(TriggerKind::Program);
        }
        let sw = switches(core.program());
        if sw != self.switches {
            self.switches = sw;
            self.trigger(TriggerKind::Program);
        }
        let site = CoreSite::new(
            core.snapshot(now),
            Arc::clone(&self.indexes),
            ProgramStatus {
                state: core.program().clone(),
                program_version: self.program_version.clone(),
                check_external_commands: self.model.main.check_external_commands,
                last_log_rotation: self.last_log_rotation,
                last_command_check: 0,
                counters: self.counters,
            },
            self.handlers.clone(),
            Arc::clone(&self.log),
            self.zone.clone(),
        );
        let site = Arc::new(site);
        let old = {
            let mut g = match self.current.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            std::mem::replace(&mut *g, Arc::clone(&site))
        };
        // The books are shared copy-on-write with the snapshots: the same books, no
        // change; else compare the two lists.
        let (was, is) = (old.snapshot().books(), site.snapshot().books());
        if !std::ptr::eq(was, is) {
            if was.comments != is.comments {
                self.trigger(TriggerKind::Comment);
            }
            if was.downtimes != is.downtimes {
                self.trigger(TriggerKind::Downtime);
            }
        }
        drop(site);
        // The previous site is dropped outside the lock (one Arc release per object).
        drop(old);
        self.last = Instant::now();
        self.last_jobs = core.jobs_in_flight();
        self.changed = false;
        let kinds = std::mem::take(&mut self.pending);
        self.triggers.notify(&kinds);
    }
}
