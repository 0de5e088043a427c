//! The engine's core: every host and service status, the schedule, and what happens
//! when a check is due, a check or handler finishes, or an external command arrives.
//!
//! It does no I/O: callers pass the time in and get back [`Action`]s (processes to
//! start, state to save, shutdown) and log lines (drained with [`Core::take_log`]).
//! The async runner in [`crate::run`] performs them. Tests drive it with a fake clock.

use std::sync::Arc;
use std::time::Duration;

use vigil_config::{CommandCall, HostId, Model, ServiceId};
use vigil_exec::{Finished, Job, Outcome};
use vigil_state::{host_state_name, service_state_name, Status};

use crate::schedule::Schedule;
use crate::ObjRef;

/// Bytes of plugin output kept per stream (the rest is read and dropped).
pub const MAX_PLUGIN_OUTPUT: usize = 64 * 1024;
/// Checks running at once when neither `max_concurrent_checks` nor the runner says
/// otherwise. Enough for thousands of checks per second of short plugins and hundreds
/// of slow ones; more only queues processes behind the fork rate and costs memory.
pub const DEFAULT_CHECK_SLOTS: usize = 1024;
/// Bytes of handler output kept for the journal.
pub const MAX_HANDLER_OUTPUT: usize = 8 * 1024;

/// Modified-attribute bits (files.md §3).
pub mod modattr {
    pub const ACTIVE_CHECKS: u64 = 2;
    pub const PASSIVE_CHECKS: u64 = 4;
    pub const EVENT_HANDLER_ENABLED: u64 = 8;
    pub const FLAP_DETECTION: u64 = 16;
    pub const EVENT_HANDLER_COMMAND: u64 = 256;
    pub const NORMAL_CHECK_INTERVAL: u64 = 1024;
    pub const RETRY_CHECK_INTERVAL: u64 = 2048;
    pub const MAX_ATTEMPTS: u64 = 4096;
}

/// Which handler of an object ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerKind {
    Global,
    Object,
}

/// What a spawned process is for.
#[derive(Debug, Clone)]
pub enum JobKind {
    Check {
        obj: ObjRef,
        /// When the check was due (latency = start - scheduled).
        scheduled: f64,
        /// The [`Core::epoch`] that launched it: `obj` indexes that core's model.
        epoch: u64,
    },
    Handler(HandlerRun),
}

/// One event handler invocation, as recorded in the journal.
#[derive(Debug, Clone)]
pub struct HandlerRun {
    pub obj: ObjRef,
    pub kind: HandlerKind,
    pub host: String,
    pub service: Option<String>,
    pub state: String,
    pub state_type: String,
    pub attempt: u32,
    /// The directive as configured (`cmd!args`).
    pub raw: String,
    /// The expanded command line as displayed.
    pub command: String,
}

/// Something the runner must do.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // Spawn is by far the most common action.
pub enum Action {
    Spawn { kind: JobKind, job: Job },
    SaveState,
    Shutdown,
    Restart,
}

/// Run-time settings of one object that external commands can change.
#[derive(Debug, Clone, Default)]
struct Runtime {
    executing: bool,
    /// A freshness check was forced and its result has not come back yet.
    being_freshened: bool,
}

pub struct Core {
    pub model: Arc<Model>,
    /// The time zone timeperiods are evaluated in (UTC until the runner sets
    /// the system's with [`Core::set_zone`]).
    zone: vigil_config::zone::Zone,
    pub hosts: Vec<Status>,
    pub services: Vec<Status>,
    pub program: vigil_state::ProgramState,
    host_rt: Vec<Runtime>,
    svc_rt: Vec<Runtime>,
    pub schedule: Schedule,
    running_checks: usize,
    default_check_slots: usize,
    log: Vec<String>,
    actions: Vec<Action>,
    /// Objects whose retained state changed since the last [`Core::take_dirty`], in
    /// the order they changed, each once; `dirty_host` / `dirty_svc` say who is in it.
    dirty: Vec<ObjRef>,
    dirty_host: Vec<bool>,
    dirty_svc: Vec<bool>,
    /// A program-wide switch changed since the last [`Core::take_program_dirty`].
    program_dirty: bool,
    /// Which configuration generation this core runs (one per reload).
    pub epoch: u64,
    /// When the previous generation in this process stopped (reload), 0 after a
    /// fresh start: Nagios's `last_program_stop`, used by the freshness rules.
    pub last_program_stop: f64,
    /// Models of earlier generations whose checks may still be running, to map their
    /// results onto this model's objects by name.
    old_models: Vec<(u64, Arc<Model>)>,
}

/// The part of a status whose change must reach the state journal before the
/// engine acts on it: state, type, attempt, and what the restore rules derive from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DurableKey {
    current_state: u8,
    state_type: vigil_state::StateType,
    current_attempt: u32,
    last_hard_state: u8,
    has_been_checked: bool,
    is_flapping: bool,
    current_problem_id: u64,
}

impl DurableKey {
    fn of(st: &Status) -> DurableKey {
        DurableKey {
            current_state: st.current_state,
            state_type: st.state_type,
            current_attempt: st.current_attempt,
            last_hard_state: st.last_hard_state,
            has_been_checked: st.has_been_checked,
            is_flapping: st.is_flapping,
            current_problem_id: st.current_problem_id,
        }
    }
}

fn secs(t: std::time::SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Core {
    /// A core with every object in its initial state (no retention applied yet).
    pub fn new(model: Arc<Model>, now: f64, pid: u32) -> Core {
        let m = &model.main;
        let hosts: Vec<Status> = model
            .hosts
            .iter()
            .map(|h| initial_status(&h.settings))
            .collect();
        let services: Vec<Status> = model
            .services
            .iter()
            .map(|s| initial_status(&s.settings))
            .collect();
        let program = vigil_state::ProgramState {
            enable_notifications: m.enable_notifications,
            execute_service_checks: m.execute_service_checks,
            execute_host_checks: m.execute_host_checks,
            accept_passive_service_checks: m.accept_passive_service_checks,
            accept_passive_host_checks: m.accept_passive_host_checks,
            enable_event_handlers: m.enable_event_handlers,
            obsess_over_services: m.obsess_over_services,
            obsess_over_hosts: m.obsess_over_hosts,
            check_service_freshness: m.check_service_freshness,
            check_host_freshness: m.check_host_freshness,
            enable_flap_detection: m.enable_flap_detection,
            process_performance_data: m.process_performance_data,
            global_host_event_handler: m.global_host_event_handler.as_ref().map(|c| c.raw.clone()),
            global_service_event_handler: m
                .global_service_event_handler
                .as_ref()
                .map(|c| c.raw.clone()),
            modified_host_attributes: 0,
            modified_service_attributes: 0,
            counters: Default::default(),
            program_start: now,
            pid,
        };
        let (n_hosts, n_services) = (hosts.len(), services.len());
        Core {
            zone: vigil_config::zone::Zone::utc(),
            host_rt: vec![Runtime::default(); hosts.len()],
            svc_rt: vec![Runtime::default(); services.len()],
            schedule: Schedule::new(hosts.len(), services.len()),
            hosts,
            services,
            program,
            model,
            running_checks: 0,
            default_check_slots: DEFAULT_CHECK_SLOTS,
            log: Vec::new(),
            actions: Vec::new(),
            dirty: Vec::new(),
            dirty_host: vec![false; n_hosts],
            dirty_svc: vec![false; n_services],
            program_dirty: false,
            epoch: 0,
            last_program_stop: 0.0,
            old_models: Vec::new(),
        }
    }

    /// Objects whose retained state (state, type, attempt, last hard state, flapping,
    /// run-time switches and settings) changed since the last call, each once, in
    /// the order of their first change. The runner journals them durably before it
    /// performs the actions or writes the log lines produced with them.
    pub fn take_dirty(&mut self) -> Vec<ObjRef> {
        for obj in &self.dirty {
            match *obj {
                ObjRef::Host(h) => self.dirty_host[h.idx()] = false,
                ObjRef::Service(s) => self.dirty_svc[s.idx()] = false,
            }
        }
        std::mem::take(&mut self.dirty)
    }

    /// Whether a program-wide switch (event handlers, flap detection, global
    /// handlers, ...) changed since the last call.
    pub fn take_program_dirty(&mut self) -> bool {
        std::mem::take(&mut self.program_dirty)
    }

    /// Records that an object's retained state changed (see [`Core::take_dirty`]).
    pub fn mark_dirty(&mut self, obj: ObjRef) {
        let flag = match obj {
            ObjRef::Host(h) => self.dirty_host.get_mut(h.idx()),
            ObjRef::Service(s) => self.dirty_svc.get_mut(s.idx()),
        };
        if let Some(flag) = flag {
            if !*flag {
                *flag = true;
                self.dirty.push(obj);
            }
        }
    }

    /// Records that a program-wide switch changed.
    pub fn mark_program_dirty(&mut self) {
        self.program_dirty = true;
    }

    /// Log lines produced since the last call, in order.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }

    /// Actions produced since the last call, in order.
    pub fn take_actions(&mut self) -> Vec<Action> {
        std::mem::take(&mut self.actions)
    }

    pub fn log(&mut self, line: String) {
        self.log.push(line);
    }

    pub fn running_checks(&self) -> usize {
        self.running_checks
    }

    // ----- settings in effect -------------------------------------------------

    fn interval_length(&self) -> f64 {
        self.model.main.interval_length as f64
    }

    fn svc_max_attempts(&self, s: ServiceId) -> u32 {
        self.services[s.idx()]
            .max_attempts_override
            .unwrap_or(self.model.service(s).settings.max_check_attempts)
            .max(1)
    }

    fn host_max_attempts(&self, h: HostId) -> u32 {
        self.hosts[h.idx()]
            .max_attempts_override
            .unwrap_or(self.model.host(h).settings.max_check_attempts)
            .max(1)
    }

    fn intervals(&self, obj: ObjRef) -> (f64, f64) {
        let (st, set) = match obj {
            ObjRef::Host(h) => (&self.hosts[h.idx()], &self.model.host(h).settings),
            ObjRef::Service(s) => (&self.services[s.idx()], &*self.model.service(s).settings),
        };
        let il = self.interval_length();
        (
            st.check_interval_override.unwrap_or(set.check_interval) * il,
            st.retry_interval_override.unwrap_or(set.retry_interval) * il,
        )
    }

    fn status(&self, obj: ObjRef) -> &Status {
        match obj {
            ObjRef::Host(h) => &self.hosts[h.idx()],
            ObjRef::Service(s) => &self.services[s.idx()],
        }
    }

    pub(crate) fn status_mut(&mut self, obj: ObjRef) -> &mut Status {
        match obj {
            ObjRef::Host(h) => &mut self.hosts[h.idx()],
            ObjRef::Service(s) => &mut self.services[s.idx()],
        }
    }

    fn rt_mut(&mut self, obj: ObjRef) -> &mut Runtime {
        match obj {
            ObjRef::Host(h) => &mut self.host_rt[h.idx()],
            ObjRef::Service(s) => &mut self.svc_rt[s.idx()],
        }
    }

    fn settings(&self, obj: ObjRef) -> &vigil_config::CheckSettings {
        match obj {
            ObjRef::Host(h) => &self.model.host(h).settings,
            ObjRef::Service(s) => &self.model.service(s).settings,
        }
    }

    /// Whether the object is checked actively at all (has a command to run).
    fn has_active_check(&self, obj: ObjRef) -> bool {
        self.settings(obj).check_command.is_some()
    }

    // ----- start-up -----------------------------------------------------------

    /// Writes the INITIAL ... STATE lines (if `log_initial_states`).
    pub fn log_initial_states(&mut self) {
        if !self.model.main.log_initial_states {
            return;
        }
        self.log_states("INITIAL");
    }

    /// `<prefix> HOST STATE` / `<prefix> SERVICE STATE` lines for every object.
    pub fn log_states(&mut self, prefix: &str) {
        let model = self.model.clone();
        for (i, h) in model.hosts.iter().enumerate() {
            let line = vigil_state::host_state_line(prefix, &self.hosts[i], &h.name);
            self.log.push(line);
        }
        for (i, s) in model.services.iter().enumerate() {
            let line = vigil_state::service_state_line(
                prefix,
                &self.services[i],
                &model.host(s.host).name,
                &s.description,
            );
            self.log.push(line);
        }
    }

    /// Puts every actively checked object on the schedule. `retained_next` tells
    /// whether statuses carry a retained `next_check` to honour.
    pub fn schedule_initial(&mut self, now: f64, use_retained: bool) {
        let m = &self.model.main;
        let svc_delay = initial_delay(
            &m.service_inter_check_delay_method,
            &self
                .model
                .services
                .iter()
                .map(|s| s.settings.check_interval)
                .collect::<Vec<_>>(),
            m.max_service_check_spread as f64 * 60.0,
            self.interval_length(),
        );
        let host_delay = initial_delay(
            &m.host_inter_check_delay_method,
            &self
                .model
                .hosts
                .iter()
                .map(|h| h.settings.check_interval)
                .collect::<Vec<_>>(),
            m.max_host_check_spread as f64 * 60.0,
            self.interval_length(),
        );
        // Interleave services across hosts so one host is not hit by all its checks at once.
        let order = interleaved_services(&self.model);
        for (i, sid) in order.into_iter().enumerate() {
            let obj = ObjRef::Service(sid);
            if !self.has_active_check(obj) || !self.services[sid.idx()].active_checks_enabled {
                continue;
            }
            let mut at = now + svc_delay * i as f64;
            let retained = self.services[sid.idx()].next_check;
            if use_retained && retained > 0.0 && self.services[sid.idx()].has_been_checked {
                at = retained.max(now);
            }
            self.schedule.set(obj, at);
        }
        for i in 0..self.model.hosts.len() {
            let obj = ObjRef::Host(HostId(i as u32));
            if !self.has_active_check(obj) || !self.hosts[i].active_checks_enabled {
                continue;
            }
            let mut at = now + host_delay * i as f64;
            let retained = self.hosts[i].next_check;
            if use_retained && retained > 0.0 && self.hosts[i].has_been_checked {
                at = retained.max(now);
            }
            self.schedule.set(obj, at);
        }
    }

    // ----- checks -------------------------------------------------------------

    /// Launches every check due at `now`.
    /// Checks that wait for a free slot stay on the schedule, so their latency shows.
    pub fn run_due(&mut self, now: f64) {
        self.run_due_at_most(now, usize::MAX, 0.0);
    }

    /// [`run_due`](Self::run_due), starting at most `max` checks (load control: see
    /// `loadgate`), except that checks due `max_hold` seconds ago or earlier start
    /// whatever `max` says; returns how many were started. The rest stay due.
    pub fn run_due_at_most(&mut self, now: f64, max: usize, max_hold: f64) -> usize {
        let before = self.running_checks;
        let mut started = 0;
        while self.running_checks < self.check_slots() {
            let overdue = now - max_hold;
            let at = if started < max { now } else { overdue };
            let Some((obj, due)) = self.schedule.pop_due(at) else {
                break;
            };
            self.launch_check(obj, due, now, false);
            started = self.running_checks.saturating_sub(before);
        }
        started
    }

    /// How many checks may run at once: `max_concurrent_checks`, or when that is 0
    /// (unlimited in Nagios) the slots the runner can afford (file descriptors).
    fn check_slots(&self) -> usize {
        match self.model.main.max_concurrent_checks as usize {
            0 => self.default_check_slots,
            n => n,
        }
    }

    /// Sets the time zone timeperiods are evaluated in.
    pub fn set_zone(&mut self, zone: vigil_config::zone::Zone) {
        self.zone = zone;
    }

    /// Sets how many checks may run at once when `max_concurrent_checks` is 0.
    pub fn set_default_check_slots(&mut self, n: usize) {
        self.default_check_slots = n.max(1);
    }

    /// When the next scheduled check is due.
    pub fn next_due(&mut self) -> Option<f64> {
        self.schedule.next_time()
    }

    fn launch_check(&mut self, obj: ObjRef, scheduled: f64, now: f64, forced: bool) {
        if matches!(obj, ObjRef::Host(h) if h.idx() >= self.hosts.len())
            || matches!(obj, ObjRef::Service(s) if s.idx() >= self.services.len())
        {
            return;
        }
        let executing = match obj {
            ObjRef::Host(h) => self.host_rt[h.idx()].executing,
            ObjRef::Service(s) => self.svc_rt[s.idx()].executing,
        };
        if executing {
            // Its result will reschedule it.
            return;
        }
        let Some(call) = self.settings(obj).check_command.clone() else {
            return;
        };
        let (interval, _) = self.intervals(obj);
        if !forced {
            let globally = match obj {
                ObjRef::Host(_) => self.program.execute_host_checks,
                ObjRef::Service(_) => self.program.execute_service_checks,
            };
            if !globally || !self.status(obj).active_checks_enabled {
                if interval > 0.0 {
                    self.schedule.set(obj, now + interval);
                }
                return;
            }
            if let Some(tp) = self.settings(obj).check_period {
                let tps = &self.model.timeperiods;
                if !tps[tp.idx()].contains(&self.zone, now as i64, tps) {
                    match tps[tp.idx()].next_valid(&self.zone, now as i64, tps) {
                        Some(t) => self.schedule.set(obj, (t as f64).max(now + 1.0)),
                        None => self.schedule.set(obj, now + 86400.0),
                    }
                    return;
                }
            }
            if self.running_checks >= self.check_slots() {
                // No free slot: due again as soon as one frees (see run_due).
                self.schedule.set(obj, scheduled.min(now));
                return;
            }
        }
        let (host, service) = match obj {
            ObjRef::Host(h) => (h, None),
            ObjRef::Service(s) => (self.model.service(s).host, Some(s)),
        };
        let (expanded, env) = self.expand(&call, host, service, now);
        let timeout = match obj {
            ObjRef::Host(_) => self
                .settings(obj)
                .check_timeout
                .unwrap_or(self.model.main.host_check_timeout),
            ObjRef::Service(_) => self
                .settings(obj)
                .check_timeout
                .unwrap_or(self.model.main.service_check_timeout),
        };
        let plan = match vigil_exec::plan(&expanded) {
            Ok(p) => p,
            Err(e) => {
                self.log.push(format!(
                    "Warning: Check command '{}' could not be prepared: {e}",
                    expanded.to_display_string()
                ));
                if interval > 0.0 {
                    self.schedule.set(obj, now + interval);
                }
                return;
            }
        };
        self.rt_mut(obj).executing = true;
        self.running_checks += 1;
        self.actions.push(Action::Spawn {
            kind: JobKind::Check {
                obj,
                scheduled,
                epoch: self.epoch,
            },
            job: Job {
                plan,
                timeout: Duration::from_secs(timeout.max(1)),
                env,
                cwd: None,
                max_output: MAX_PLUGIN_OUTPUT,
            },
        });
    }

    /// Expands a command call in the context of a host or service: the command line
    /// and, with `enable_environment_macros`, the NAGIOS_* environment.
    fn expand(
        &self,
        call: &CommandCall,
        host: HostId,
        service: Option<ServiceId>,
        now: f64,
    ) -> (vigil_exec::CommandLine, Vec<(String, String)>) {
        let ctx = self.context(host, service, now);
        let full = vigil_macros::expand_call_full(call, &ctx);
        self.finish_expansion(full, &ctx)
    }

    fn finish_expansion(
        &self,
        full: vigil_macros::ExpandedCall,
        ctx: &vigil_macros::Context<'_>,
    ) -> (vigil_exec::CommandLine, Vec<(String, String)>) {
        let env = if self.model.main.enable_environment_macros {
            vigil_macros::environment(ctx, &full.args)
        } else {
            Vec::new()
        };
        (full.line.into(), env)
    }

    fn context(
        &self,
        host: HostId,
        service: Option<ServiceId>,
        now: f64,
    ) -> vigil_macros::Context<'_> {
        vigil_macros::Context {
            model: &self.model,
            hosts: &self.hosts,
            services: &self.services,
            program: &self.program,
            host: Some(host),
            service,
            now: now as i64,
            zone: &self.zone,
        }
    }

    /// A spawned process finished.
    pub fn job_done(&mut self, kind: JobKind, fin: Finished, now: f64) {
        match kind {
            JobKind::Check {
                obj,
                scheduled,
                epoch,
            } => {
                // A check launched before a reload: find its object in this model.
                let obj = if epoch == self.epoch {
                    Some(obj)
                } else {
                    self.translate(epoch, obj)
                };
                if let Some(obj) = obj {
                    self.check_done(obj, scheduled, fin, now);
                }
            }
            JobKind::Handler(run) => self.handler_done(&run, &fin),
        }
    }

    /// After a reload: takes over the bookkeeping of `old`'s running checks, so their
    /// results land on the same objects (by name) and no second check of them starts.
    pub fn adopt_running(&mut self, old: &Core) {
        self.epoch = old.epoch + 1;
        self.old_models = old.old_models.clone();
        self.old_models.push((old.epoch, old.model.clone()));
        // Jobs older than a few reloads have long timed out.
        let keep = self.old_models.len().saturating_sub(8);
        self.old_models.drain(..keep);
        let running: Vec<ObjRef> = (0..old.host_rt.len())
            .filter(|&i| old.host_rt[i].executing)
            .map(|i| ObjRef::Host(HostId(i as u32)))
            .chain(
                (0..old.svc_rt.len())
                    .filter(|&i| old.svc_rt[i].executing)
                    .map(|i| ObjRef::Service(ServiceId(i as u32))),
            )
            .collect();
        for obj in running {
            if let Some(new) = map_obj(&old.model, &self.model, obj) {
                if !std::mem::replace(&mut self.rt_mut(new).executing, true) {
                    self.running_checks += 1;
                }
            }
        }
    }

    fn translate(&self, epoch: u64, obj: ObjRef) -> Option<ObjRef> {
        let (_, old) = self.old_models.iter().find(|(e, _)| *e == epoch)?;
        let new = map_obj(old, &self.model, obj)?;
        // Only results of checks this core adopted are taken.
        let executing = match new {
            ObjRef::Host(h) => self.host_rt[h.idx()].executing,
            ObjRef::Service(s) => self.svc_rt[s.idx()].executing,
        };
        executing.then_some(new)
    }

    fn check_done(&mut self, obj: ObjRef, scheduled: f64, fin: Finished, now: f64) {
        self.rt_mut(obj).executing = false;
        // The freshness check (the only check of the object while it is set) is back.
        // Nagios 4.4.6 leaves the flag set when a passive result made the object fresh
        // meanwhile, which stops its freshness checks for good; vigil clears it. In
        // both the result is processed.
        self.rt_mut(obj).being_freshened = false;
        self.running_checks = self.running_checks.saturating_sub(1);
        let start = secs(fin.start);
        let raw = vigil_state::result::RawResult {
            outcome: match fin.outcome {
                Outcome::Exited(c) => vigil_state::result::ProcessOutcome::Exited(c),
                Outcome::Signaled(s) => vigil_state::result::ProcessOutcome::Signaled(s),
                Outcome::TimedOut => vigil_state::result::ProcessOutcome::TimedOut {
                    after: fin.duration.as_secs_f64(),
                },
                Outcome::DidNotRun(_) => vigil_state::result::ProcessOutcome::DidNotRun,
            },
            stdout: fin.stdout,
            stderr: fin.stderr,
            start,
            finish: start + fin.duration.as_secs_f64(),
            latency: (start - scheduled).max(0.0),
        };
        match obj {
            ObjRef::Service(s) => {
                let svc = self.model.service(s);
                let (res, warnings) = vigil_state::result::map_service_result(
                    &raw,
                    &self.model.host(svc.host).name,
                    &svc.description,
                    self.model.main.service_check_timeout_state,
                );
                self.log.extend(warnings);
                self.process_service_result(s, res, now, true);
            }
            ObjRef::Host(h) => {
                let (res, warnings) = vigil_state::result::map_host_result(
                    &raw,
                    &self.model.host(h).name,
                    self.model.main.use_aggressive_host_checking,
                );
                self.log.extend(warnings);
                self.process_host_result(h, res, now, true);
            }
        }
    }

    fn flap_params(&self, obj: ObjRef) -> vigil_state::FlapParams {
        let set = self.settings(obj);
        let (glow, ghigh) = match obj {
            ObjRef::Host(_) => (
                self.model.main.low_host_flap_threshold,
                self.model.main.high_host_flap_threshold,
            ),
            ObjRef::Service(_) => (
                self.model.main.low_service_flap_threshold,
                self.model.main.high_service_flap_threshold,
            ),
        };
        vigil_state::FlapParams {
            enabled: self.program.enable_flap_detection && self.status(obj).flap_detection_enabled,
            options: set.flap_detection_options.0,
            low: if set.low_flap_threshold > 0.0 {
                set.low_flap_threshold
            } else {
                glow
            },
            high: if set.high_flap_threshold > 0.0 {
                set.high_flap_threshold
            } else {
                ghigh
            },
        }
    }

    /// Applies a (mapped) service result: state machine, log, handlers, next check.
    pub fn process_service_result(
        &mut self,
        s: ServiceId,
        res: vigil_state::result::CheckResult,
        now: f64,
        active: bool,
    ) {
        let model = self.model.clone();
        let svc = model.service(s);
        let hid = svc.host;
        let hst = &self.hosts[hid.idx()];
        let host_view = vigil_state::service::HostView {
            state: hst.current_state,
            has_been_checked: hst.has_been_checked,
            last_check: hst.last_check,
        };
        let before = DurableKey::of(&self.services[s.idx()]);
        let params = vigil_state::service::ServiceParams {
            max_attempts: self.svc_max_attempts(s),
            is_volatile: svc.is_volatile,
            log_retries: model.main.log_service_retries,
            flap: self.flap_params(ObjRef::Service(s)),
        };
        let mut tr = vigil_state::service::apply_service_result(
            &mut self.services[s.idx()],
            &params,
            res,
            &host_view,
            &mut self.program.counters,
            &model.host(hid).name,
            &svc.description,
        );
        let host_before = DurableKey::of(&self.hosts[hid.idx()]);
        if let Some(line) = self.host_flap_after_service_result(hid, now) {
            tr.insert_after_flap_lines(vec![vigil_state::Effect::Log(line)]);
        }
        if DurableKey::of(&self.hosts[hid.idx()]) != host_before {
            self.mark_dirty(ObjRef::Host(hid));
        }
        for e in tr.effects {
            match e {
                vigil_state::Effect::Log(l) => self.log.push(l),
                vigil_state::Effect::EventHandlers => self.run_handlers(ObjRef::Service(s), now),
                vigil_state::Effect::HostCheck => self.on_demand(ObjRef::Host(hid), now),
                _ => {}
            }
        }
        vigil_state::finish_result(&mut self.services[s.idx()]);
        if DurableKey::of(&self.services[s.idx()]) != before {
            self.mark_dirty(ObjRef::Service(s));
        }
        if active {
            self.reschedule_after_result(ObjRef::Service(s), tr.next, now);
        }
    }

    /// The host flap check Nagios 4 runs after every result of one of the host's
    /// services: the host's current state enters its history only if the average
    /// check_interval of its services (× interval_length; notification_interval when it
    /// has none) has passed since the last entry; the percentage is recomputed anyway.
    fn host_flap_after_service_result(&mut self, h: HostId, now: f64) -> Option<String> {
        let model = self.model.clone();
        let host = model.host(h);
        let il = self.interval_length();
        let wait = if host.services.is_empty() {
            host.settings.notification_interval * il
        } else {
            // Nagios sums the intervals into an unsigned long (each addition truncates)
            // and divides in integers.
            let total = host.services.iter().fold(0u64, |acc, s| {
                (acc as f64 + model.service(*s).settings.check_interval).max(0.0) as u64
            });
            let length = model.main.interval_length;
            (total.saturating_mul(length) / host.services.len() as u64) as f64
        };
        let params = self.flap_params(ObjRef::Host(h));
        vigil_state::flap::host_flap_from_service_result(
            &mut self.hosts[h.idx()],
            &params,
            &host.name,
            now,
            wait,
        )
    }

    // ----- freshness -------------------------------------------------------

    /// Nagios's `check_service_result_freshness`: every service whose latest result
    /// is stale gets a warning line and an immediate forced check (run even with
    /// active checks disabled). The runner calls it every
    /// `service_freshness_check_interval` seconds.
    pub fn check_service_freshness(&mut self, now: f64) {
        if !self.program.check_service_freshness {
            return;
        }
        for i in 0..self.services.len() {
            let s = ServiceId(i as u32);
            let obj = ObjRef::Service(s);
            let set = &self.model.service(s).settings;
            if !set.check_freshness || self.svc_rt[i].executing || self.svc_rt[i].being_freshened {
                continue;
            }
            let st = &self.services[i];
            if !st.active_checks_enabled && !st.passive_checks_enabled {
                continue;
            }
            if !self.in_check_period(obj, now) {
                continue;
            }
            // Without a regular interval only an explicit threshold makes sense.
            if self.intervals(obj).0 == 0.0 && set.freshness_threshold == 0 {
                continue;
            }
            let spread = self.model.main.max_service_check_spread as f64;
            let p = self.freshness_params(obj, spread);
            if let vigil_state::freshness::Freshness::Stale { by, threshold } =
                vigil_state::freshness::freshness(&self.services[i], &p, now as i64)
            {
                let svc = self.model.service(s);
                self.log.push(vigil_state::freshness::stale_service_line(
                    &self.model.host(svc.host).name,
                    &svc.description,
                    by,
                    threshold,
                ));
                self.freshen(obj, now);
            }
        }
    }

    /// Nagios's `check_host_result_freshness` (off unless `check_host_freshness=1`).
    pub fn check_host_freshness(&mut self, now: f64) {
        if !self.program.check_host_freshness {
            return;
        }
        for i in 0..self.hosts.len() {
            let h = HostId(i as u32);
            let obj = ObjRef::Host(h);
            if !self.model.host(h).settings.check_freshness {
                continue;
            }
            let st = &self.hosts[i];
            if !st.active_checks_enabled && !st.passive_checks_enabled {
                continue;
            }
            if self.host_rt[i].executing || self.host_rt[i].being_freshened {
                continue;
            }
            if !self.in_check_period(obj, now) {
                continue;
            }
            let spread = self.model.main.max_host_check_spread as f64;
            let p = self.freshness_params(obj, spread);
            if let vigil_state::freshness::Freshness::Stale { by, threshold } =
                vigil_state::freshness::freshness(&self.hosts[i], &p, now as i64)
            {
                self.log.push(vigil_state::freshness::stale_host_line(
                    &self.model.host(h).name,
                    by,
                    threshold,
                ));
                self.freshen(obj, now);
            }
        }
    }

    fn freshness_params(
        &self,
        obj: ObjRef,
        spread: f64,
    ) -> vigil_state::freshness::FreshnessParams {
        let (check_interval, retry_interval) = self.intervals(obj);
        vigil_state::freshness::FreshnessParams {
            threshold: self.settings(obj).freshness_threshold,
            check_interval,
            retry_interval,
            additional_latency: self.model.main.additional_freshness_latency,
            active_checks_enabled: self.status(obj).active_checks_enabled,
            check_spread: spread * self.interval_length(),
            event_start: self.program.program_start as i64,
            last_program_stop: self.last_program_stop as i64,
        }
    }

    fn in_check_period(&self, obj: ObjRef, now: f64) -> bool {
        match self.settings(obj).check_period {
            Some(tp) => {
                let tps = &self.model.timeperiods;
                tps[tp.idx()].contains(&self.zone, now as i64, tps)
            }
            None => true,
        }
    }

    /// Forces an immediate check of a stale object (no slot or period limits).
    fn freshen(&mut self, obj: ObjRef, now: f64) {
        self.launch_check(obj, now, now, true);
        if self.rt_mut(obj).executing {
            self.rt_mut(obj).being_freshened = true;
        }
    }

    /// Applies a (mapped) host result.
    pub fn process_host_result(
        &mut self,
        h: HostId,
        res: vigil_state::result::CheckResult,
        now: f64,
        active: bool,
    ) {
        let model = self.model.clone();
        let host = model.host(h);
        let reach = if host.parents.is_empty() {
            vigil_state::host::Reachability::NoParents
        } else if host
            .parents
            .iter()
            .any(|p| self.hosts[p.idx()].current_state == 0)
        {
            vigil_state::host::Reachability::SomeParentUp
        } else {
            vigil_state::host::Reachability::NoParentUp
        };
        let before = DurableKey::of(&self.hosts[h.idx()]);
        let params = vigil_state::host::HostParams {
            max_attempts: self.host_max_attempts(h),
            log_retries: model.main.log_host_retries,
            passive_checks_are_soft: model.main.passive_host_checks_are_soft,
            translate_passive: model.main.translate_passive_host_checks,
            flap: self.flap_params(ObjRef::Host(h)),
        };
        let tr = vigil_state::host::apply_host_result(
            &mut self.hosts[h.idx()],
            &params,
            res,
            reach,
            &mut self.program.counters,
            &host.name,
        );
        for e in tr.effects {
            match e {
                vigil_state::Effect::Log(l) => self.log.push(l),
                vigil_state::Effect::EventHandlers => self.run_handlers(ObjRef::Host(h), now),
                vigil_state::Effect::CheckParents => {
                    for p in &host.parents {
                        self.on_demand(ObjRef::Host(*p), now);
                    }
                }
                vigil_state::Effect::CheckChildren => {
                    for c in &host.children {
                        self.on_demand(ObjRef::Host(*c), now);
                    }
                }
                _ => {}
            }
        }
        vigil_state::finish_result(&mut self.hosts[h.idx()]);
        if DurableKey::of(&self.hosts[h.idx()]) != before {
            self.mark_dirty(ObjRef::Host(h));
        }
        if active {
            self.reschedule_after_result(ObjRef::Host(h), tr.next, now);
        }
    }

    fn reschedule_after_result(&mut self, obj: ObjRef, next: vigil_state::NextCheck, now: f64) {
        let (interval, retry) = self.intervals(obj);
        let at = match next {
            vigil_state::NextCheck::Retry if retry > 0.0 => now + retry,
            _ => {
                if interval <= 0.0 {
                    self.schedule.cancel(obj);
                    return;
                }
                let last = self.status(obj).last_check;
                // Nagios counts from the check's start; never schedule into the past.
                (last + interval).max(now)
            }
        };
        self.status_mut(obj).next_check = at;
        self.schedule.set(obj, at);
    }

    /// An on-demand check (a service turned bad, a parent changed state).
    fn on_demand(&mut self, obj: ObjRef, now: f64) {
        if !self.has_active_check(obj) {
            return;
        }
        if let ObjRef::Host(_) = obj {
            if !self.program.execute_host_checks {
                return;
            }
            let horizon = self.model.main.cached_host_check_horizon as f64;
            let st = self.status(obj);
            if horizon > 0.0 && st.has_been_checked && now - st.last_check <= horizon {
                return;
            }
        }
        self.launch_check(obj, now, now, false);
    }

    // ----- event handlers -----------------------------------------------------

    fn run_handlers(&mut self, obj: ObjRef, now: f64) {
        if !self.program.enable_event_handlers || !self.status(obj).event_handler_enabled {
            return;
        }
        let model = self.model.clone();
        let (host, service) = match obj {
            ObjRef::Host(h) => (h, None),
            ObjRef::Service(s) => (model.service(s).host, Some(s)),
        };
        let st = self.status(obj);
        let (state, kind_word) = match obj {
            ObjRef::Host(_) => (host_state_name(st.current_state), "HOST"),
            ObjRef::Service(_) => (service_state_name(st.current_state), "SERVICE"),
        };
        let state_type = st.state_type.name();
        let attempt = st.current_attempt;
        let host_name = model.host(host).name.clone();
        let svc_name = service.map(|s| model.service(s).description.to_string());
        let who = match &svc_name {
            Some(d) => format!("{host_name};{d}"),
            None => host_name.clone(),
        };
        let global = match obj {
            ObjRef::Host(_) => self.program.global_host_event_handler.clone(),
            ObjRef::Service(_) => self.program.global_service_event_handler.clone(),
        };
        let own: Option<String> = match self.status(obj).event_handler_override.clone() {
            Some(o) if o.is_empty() => None,
            Some(o) => Some(o),
            None => self
                .settings(obj)
                .event_handler
                .as_ref()
                .map(|c| c.raw.clone()),
        };
        for (kind, raw) in [(HandlerKind::Global, global), (HandlerKind::Object, own)] {
            let Some(raw) = raw.filter(|r| !r.is_empty()) else {
                continue;
            };
            let prefix = match kind {
                HandlerKind::Global => "GLOBAL ",
                HandlerKind::Object => "",
            };
            let mut lines = Vec::new();
            let ctx = self.context(host, service, now);
            let full = match (kind, self.status(obj).event_handler_override.is_none()) {
                // The object's own handler as configured: already resolved at load.
                (HandlerKind::Object, true) => self
                    .settings(obj)
                    .event_handler
                    .as_ref()
                    .map(|c| vigil_macros::expand_call_full(c, &ctx)),
                _ => vigil_macros::expand_raw_call_full(&raw, &ctx),
            };
            if model.main.log_event_handlers {
                // Nagios expands the whole line, the directive included, with the
                // handler's own arguments.
                let (state_m, type_m, attempt_m) = match obj {
                    ObjRef::Host(_) => ("$HOSTSTATE$", "$HOSTSTATETYPE$", "$HOSTATTEMPT$"),
                    ObjRef::Service(_) => {
                        ("$SERVICESTATE$", "$SERVICESTATETYPE$", "$SERVICEATTEMPT$")
                    }
                };
                let template = format!(
                    "{prefix}{kind_word} EVENT HANDLER: {who};{state_m};{type_m};{attempt_m};{raw}"
                );
                let args = full.as_ref().map(|f| f.args.as_slice()).unwrap_or(&[]);
                let line = vigil_macros::expand_text(&template, &ctx, args).to_plain();
                lines.push(line);
            }
            let Some(full) = full else {
                self.log.append(&mut lines);
                self.log.push(format!(
                    "Warning: {kind_word} event handler command '{raw}' is not defined; not run"
                ));
                continue;
            };
            let (cmdline, env) = self.finish_expansion(full, &ctx);
            self.log.append(&mut lines);
            let command = cmdline.to_display_string();
            let plan = match vigil_exec::plan(&cmdline) {
                Ok(p) => p,
                Err(e) => {
                    self.log.push(format!(
                        "Warning: event handler command '{command}' could not be prepared: {e}"
                    ));
                    continue;
                }
            };
            self.actions.push(Action::Spawn {
                kind: JobKind::Handler(HandlerRun {
                    obj,
                    kind,
                    host: host_name.clone(),
                    service: svc_name.clone(),
                    state: state.to_string(),
                    state_type: state_type.to_string(),
                    attempt,
                    raw: raw.clone(),
                    command,
                }),
                job: Job {
                    plan,
                    timeout: Duration::from_secs(model.main.event_handler_timeout.max(1)),
                    env,
                    cwd: None,
                    max_output: MAX_HANDLER_OUTPUT,
                },
            });
        }
    }

    fn handler_done(&mut self, run: &HandlerRun, fin: &Finished) {
        let what = match (run.kind, run.service.is_some()) {
            (HandlerKind::Global, true) => "Global service event handler",
            (HandlerKind::Object, true) => "Service event handler",
            (HandlerKind::Global, false) => "Global host event handler",
            (HandlerKind::Object, false) => "Host event handler",
        };
        match &fin.outcome {
            Outcome::TimedOut => self.log.push(format!(
                "Warning: {what} command '{}' timed out after {:.2} seconds",
                run.command,
                fin.duration.as_secs_f64()
            )),
            Outcome::Exited(0) => {}
            Outcome::Exited(rc) => self.log.push(format!(
                "Warning: {what} command '{}' exited with return code {rc}",
                run.command
            )),
            Outcome::Signaled(sig) => self.log.push(format!(
                "Warning: {what} command '{}' was killed by signal {sig}",
                run.command
            )),
            Outcome::DidNotRun(e) => self.log.push(format!(
                "Warning: {what} command '{}' could not be started: {e}",
                run.command
            )),
        }
    }

    /// Runs the handlers of an object as the scheduler would right now, for `vigil fire`:
    /// the status is set to the given state first. Returns the spawns it produced.
    pub fn fire(
        &mut self,
        obj: ObjRef,
        state: u8,
        state_type: vigil_state::StateType,
        attempt: u32,
        now: f64,
    ) -> Vec<Action> {
        {
            let st = self.status_mut(obj);
            st.last_state = st.current_state;
            st.current_state = state;
            st.state_type = state_type;
            st.current_attempt = attempt;
            st.has_been_checked = true;
        }
        self.mark_dirty(obj);
        self.run_handlers(obj, now);
        self.take_actions()
    }

    // ----- external commands --------------------------------------------------

    /// Handles one line read from the command file.
    pub fn external_command(&mut self, text: &str, now: f64) {
        crate::extcmd::handle(self, text, now);
    }

    pub(crate) fn push_action(&mut self, a: Action) {
        self.actions.push(a);
    }

    pub(crate) fn schedule_check(&mut self, obj: ObjRef, at: f64, forced: bool, now: f64) {
        if forced && at <= now {
            self.launch_check(obj, at, now, true);
            return;
        }
        match self.schedule.due(obj) {
            // Like Nagios, a non-forced request never delays an earlier scheduled check.
            Some(t) if !forced && t <= at => {}
            _ => {
                self.status_mut(obj).next_check = at;
                self.schedule.set(obj, at.max(now));
            }
        }
    }

    /// Starts active checks again for an object that had them off.
    pub(crate) fn ensure_scheduled(&mut self, obj: ObjRef, now: f64) {
        if self.has_active_check(obj) && self.schedule.due(obj).is_none() {
            let (interval, _) = self.intervals(obj);
            self.schedule.set(obj, now + interval.clamp(0.0, 1.0));
        }
    }
}

/// The object of `to` with the same name as `obj` in `from`.
fn map_obj(from: &Model, to: &Model, obj: ObjRef) -> Option<ObjRef> {
    match obj {
        ObjRef::Host(h) => {
            let name = &from.hosts.get(h.idx())?.name;
            to.find_host(name).map(ObjRef::Host)
        }
        ObjRef::Service(s) => {
            let svc = from.services.get(s.idx())?;
            let host = &from.hosts.get(svc.host.idx())?.name;
            to.find_service(host, &svc.description).map(ObjRef::Service)
        }
    }
}

fn initial_status(set: &vigil_config::CheckSettings) -> Status {
    let mut st = Status::initial(set.initial_state);
    st.active_checks_enabled = set.active_checks_enabled;
    st.passive_checks_enabled = set.passive_checks_enabled;
    st.event_handler_enabled = set.event_handler_enabled;
    st.flap_detection_enabled = set.flap_detection_enabled;
    st
}

/// Seconds between the first checks of consecutive objects (Nagios's inter-check delay).
fn initial_delay(method: &str, intervals: &[f64], max_spread: f64, il: f64) -> f64 {
    let n = intervals.len();
    if n == 0 {
        return 0.0;
    }
    match method {
        "n" => 0.0,
        "d" => 1.0,
        "s" | "" => {
            let avg = intervals.iter().sum::<f64>() / n as f64 * il;
            let mut d = avg / n as f64;
            if d * n as f64 > max_spread && max_spread > 0.0 {
                d = max_spread / n as f64;
            }
            d
        }
        other => other.parse::<f64>().unwrap_or(0.0).max(0.0),
    }
}

/// Services ordered round-robin across hosts (Nagios's interleaving).
fn interleaved_services(model: &Model) -> Vec<ServiceId> {
    let mut out = Vec::with_capacity(model.services.len());
    let mut round = 0;
    loop {
        let mut any = false;
        for h in &model.hosts {
            if let Some(s) = h.services.get(round) {
                out.push(*s);
                any = true;
            }
        }
        if !any {
            break;
        }
        round += 1;
    }
    if out.len() != model.services.len() {
        // Host.services incomplete: fall back to definition order.
        return (0..model.services.len() as u32).map(ServiceId).collect();
    }
    out
}

pub(crate) fn now_secs() -> f64 {
    secs(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Host `h` (flap thresholds 5 % / 20 %) with services of check_interval 2 and 3:
    /// Nagios's wait threshold is (2 + 3) * 1 / 2 = 2 s (integer division).
    fn core(dir: &std::path::Path) -> Core {
        let d = dir.display();
        std::fs::write(
            dir.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define contact {\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
             define timeperiod {\n timeperiod_name none\n alias none\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n flap_detection_enabled 1\n low_flap_threshold 5\n high_flap_threshold 20\n}\n\
             define service {\n host_name h\n service_description s1\n check_command c\n max_check_attempts 1\n check_interval 2\n retry_interval 1\n contacts a\n flap_detection_enabled 0\n}\n\
             define service {\n host_name h\n service_description s2\n check_command c\n max_check_attempts 1\n check_interval 3\n retry_interval 1\n contacts a\n flap_detection_enabled 0\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("nagios.cfg"),
            format!(
                "log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\nenable_flap_detection=1\n"
            ),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
        Core::new(Arc::new(m), 1000.0, 1)
    }

    fn service_ok(core: &mut Core, now: f64) {
        let res = vigil_state::result::map_passive_service(0, "OK", now);
        core.process_service_result(ServiceId(0), res, now, false);
    }

    #[test]
    fn service_results_record_the_host_state_once_per_wait_threshold() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = core(dir.path());
        core.hosts[0].last_state_history_update = 1000.0;
        let len = |c: &Core| c.hosts[0].state_history.len();
        service_ok(&mut core, 1001.9); // 1 s after the last entry (whole seconds)
        assert_eq!(len(&core), 0);
        service_ok(&mut core, 1002.0); // 2 s: recorded
        assert_eq!(len(&core), 1);
        service_ok(&mut core, 1003.9); // 1 s after that entry
        assert_eq!(len(&core), 1);
        service_ok(&mut core, 1004.1); // 2 s
        assert_eq!(len(&core), 2);
    }

    #[test]
    fn a_service_result_can_end_host_flapping_and_its_line_precedes_the_alert() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = core(dir.path());
        {
            let h = &mut core.hosts[0];
            h.has_been_checked = true;
            h.is_flapping = true;
            // Two old changes, then UP: 4.8 % (below the 5 % low threshold) once one
            // more UP entry pushes the changes further into the past.
            h.state_history = vec![0, 1, 0];
            h.state_history.extend(std::iter::repeat_n(0, 18));
            h.last_state_history_update = 1000.0;
        }
        core.take_dirty();
        let mut stopped = None;
        for i in 0..30 {
            // A CRITICAL first: the SERVICE ALERT of the same result must follow.
            let rc = if i == 0 { 2 } else { 0 };
            let now = 1002.0 + 2.0 * i as f64;
            let res = vigil_state::result::map_passive_service(rc, "out", now);
            core.process_service_result(ServiceId(0), res, now, false);
            let log = core.take_log();
            if let Some(at) = log
                .iter()
                .position(|l| l.starts_with("HOST FLAPPING ALERT: h;STOPPED;"))
            {
                stopped = Some((i, log, at));
                break;
            }
        }
        let (i, log, at) = stopped.expect("host flapping stopped through service results");
        // The first result is 2 s after the last entry: recorded, 7.6 % -> 3.8 %.
        assert_eq!(i, 0);
        assert_eq!(
            log[at],
            "HOST FLAPPING ALERT: h;STOPPED; Host appears to have stopped flapping (3.8% change < 5.0% threshold)"
        );
        let alert = log
            .iter()
            .position(|l| l.starts_with("SERVICE ALERT: h;s1;CRITICAL;HARD;1;"))
            .expect("the service's own alert");
        assert!(at < alert, "{log:?}");
        assert!(!core.hosts[0].is_flapping);
        assert!(core.take_dirty().contains(&ObjRef::Host(HostId(0))));
    }

    /// A passive-only service with check_freshness 1 and a 3 s threshold.
    fn freshness_core(dir: &std::path::Path) -> Core {
        let d = dir.display();
        std::fs::write(
            dir.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define contact {\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
             define timeperiod {\n timeperiod_name none\n alias none\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n}\n\
             define service {\n host_name h\n service_description p\n check_command c\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n contacts a\n active_checks_enabled 0\n check_freshness 1\n freshness_threshold 3\n}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("nagios.cfg"),
            format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n"),
        )
        .unwrap();
        let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
        Core::new(Arc::new(m), 1000.0, 1)
    }

    fn spawned_checks(core: &mut Core) -> Vec<ObjRef> {
        core.take_actions()
            .into_iter()
            .filter_map(|a| match a {
                Action::Spawn {
                    kind: JobKind::Check { obj, .. },
                    ..
                } => Some(obj),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_stale_passive_service_is_warned_about_and_checked_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = freshness_core(dir.path());
        let svc = ObjRef::Service(ServiceId(0));
        core.check_service_freshness(1003.5); // start + 3 is not yet passed
        assert!(core.take_log().is_empty());
        assert!(spawned_checks(&mut core).is_empty());
        core.check_service_freshness(1004.2);
        assert_eq!(
            core.take_log(),
            vec!["Warning: The results of service 'p' on host 'h' are stale by 0d 0h 0m 1s (threshold=0d 0h 0m 3s).  I'm forcing an immediate check of the service.".to_string()]
        );
        assert_eq!(spawned_checks(&mut core), vec![svc]);
        // While the forced check runs, nothing more.
        core.check_service_freshness(1009.0);
        assert!(core.take_log().is_empty());
        assert!(spawned_checks(&mut core).is_empty());
        // Its result is processed as an active result; fresh again until last_check + 3.
        let start = std::time::UNIX_EPOCH + Duration::from_secs_f64(1004.2);
        let fin = Finished {
            outcome: Outcome::Exited(2),
            stdout: b"CRIT".to_vec(),
            stderr: Vec::new(),
            start,
            duration: Duration::from_millis(10),
            pid: None,
        };
        core.job_done(
            JobKind::Check {
                obj: svc,
                scheduled: 1004.2,
                epoch: core.epoch,
            },
            fin,
            1004.3,
        );
        assert_eq!(core.services[0].current_state, 2);
        core.take_log();
        core.check_service_freshness(1007.0);
        assert!(core.take_log().is_empty());
        core.check_service_freshness(1008.0);
        assert_eq!(core.take_log().len(), 1);
        // (The CRITICAL also asked for an on-demand check of the host.)
        let services: Vec<ObjRef> = spawned_checks(&mut core)
            .into_iter()
            .filter(|o| matches!(o, ObjRef::Service(_)))
            .collect();
        assert_eq!(services, vec![svc]);
    }

    #[test]
    fn freshness_checking_can_be_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = freshness_core(dir.path());
        core.program.check_service_freshness = false;
        core.check_service_freshness(2000.0);
        assert!(core.take_log().is_empty());
        // Hosts: check_host_freshness is off by default.
        core.check_host_freshness(2000.0);
        assert!(core.take_log().is_empty());
        assert!(spawned_checks(&mut core).is_empty());
    }

    #[test]
    fn held_checks_start_after_the_longest_hold_whatever_the_allowance() {
        let dir = tempfile::tempdir().unwrap();
        let mut core = core(dir.path());
        core.schedule.set(ObjRef::Service(ServiceId(0)), 1000.0);
        core.schedule.set(ObjRef::Service(ServiceId(1)), 1002.0);
        // No allowance: nothing starts while neither is 5 s overdue.
        assert_eq!(core.run_due_at_most(1004.0, 0, 5.0), 0);
        // s1 is 5 s overdue at 1005: it starts; s2 waits.
        assert_eq!(core.run_due_at_most(1005.0, 0, 5.0), 1);
        assert_eq!(
            spawned_checks(&mut core),
            vec![ObjRef::Service(ServiceId(0))]
        );
        // An allowance of one starts s2 at once.
        assert_eq!(core.run_due_at_most(1005.5, 1, 5.0), 1);
        assert_eq!(
            spawned_checks(&mut core),
            vec![ObjRef::Service(ServiceId(1))]
        );
    }
}
