//! [`Core`]: every host and service status, the schedule, the jobs in flight and
//! the queues of what the runner must do ([`Action`]) and what happened
//! ([`Event`]). Inputs are `handle_*` calls with the time; outputs are drained with
//! `poll_*` / `take_*`. No I/O, no clock, no process: the runner owns those.

use std::collections::VecDeque;
use std::sync::Arc;

use vigil_config::zone::Zone;
use vigil_config::{HostId, Model, ServiceId};
use vigil_events::{Event, HostState, ObjectState, ServiceState, StateLine, StateReport};
use vigil_state::{Books, ContactStatus, HostStatus, ProgramState, ServiceStatus, Status, Time};

use crate::dirty::Dirty;
use crate::jobs::{JobId, JobResult, JobSpec, Jobs};
use crate::schedule::Schedule;
use crate::store::CowVec;
use crate::ObjRef;

/// Bytes of plugin output kept per stream (the rest is read and dropped).
pub const MAX_PLUGIN_OUTPUT: usize = 64 * 1024;
/// Bytes of handler output kept for the journal.
pub const MAX_HANDLER_OUTPUT: usize = 8 * 1024;
/// Checks running at once when neither `max_concurrent_checks` nor the runner says
/// otherwise. Enough for thousands of checks per second of short plugins and hundreds
/// of slow ones; more only queues processes behind the fork rate and costs memory.
pub const DEFAULT_CHECK_SLOTS: usize = 1024;

/// Something the runner must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Run a job; report its end with [`Core::handle_job_done`] and the same id.
    Run {
        /// The job's id.
        id: JobId,
        /// What to run.
        job: JobSpec,
    },
    /// Save retention.dat now (`SAVE_STATE_INFORMATION`).
    SaveState,
    /// Stop (`SHUTDOWN_PROGRAM`).
    Shutdown,
    /// Reload the configuration (`RESTART_PROGRAM`).
    Restart,
    /// Open (or reopen, at a reload) a perfdata file with its mode; at start-up,
    /// before the first check.
    PerfdataOpen(crate::perfdata::PerfdataFile),
    /// Write one perfdata record (its text ends in a newline) to the file of `kind`
    /// and flush it; held back while that kind's processing command runs.
    PerfdataWrite {
        /// Host or service file.
        kind: vigil_events::ObjKind,
        /// The expanded template and its newline.
        record: String,
    },
}

/// Per-object bookkeeping that is not part of the status.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Runtime {
    /// A check of the object is running.
    pub(crate) executing: bool,
    /// A freshness check was forced and its result has not come back yet.
    pub(crate) being_freshened: bool,
    /// The check queued on the schedule is a forced one.
    pub(crate) forced_due: bool,
}

/// The monitoring core of one configuration generation (see the module docs).
pub struct Core {
    pub(crate) model: Arc<Model>,
    pub(crate) hosts: CowVec<HostStatus>,
    pub(crate) services: CowVec<ServiceStatus>,
    pub(crate) program: ProgramState,
    pub(crate) host_rt: Vec<Runtime>,
    pub(crate) svc_rt: Vec<Runtime>,
    pub(crate) schedule: Schedule,
    /// The time of the input being handled (the `now` of the last `handle_*`, `start`,
    /// `restore` or `carry_over`): its fraction of a second is the phase a check put
    /// on the schedule now runs at (see [`Core::set_due`](crate::checks)).
    pub(crate) input_time: Time,
    pub(crate) jobs: Jobs,
    pub(crate) running_checks: usize,
    pub(crate) default_check_slots: usize,
    pub(crate) events: VecDeque<Event>,
    pub(crate) actions: VecDeque<Action>,
    pub(crate) dirty: Dirty,
    /// When the previous generation in this process stopped (reload), 0 after a
    /// fresh start: Nagios's `last_program_stop`, used by the freshness rules.
    pub(crate) last_program_stop: Time,
    /// Next freshness checks of services and hosts (`*_freshness_check_interval`).
    pub(crate) next_service_freshness: Time,
    pub(crate) next_host_freshness: Time,
    /// The local time zone: timeperiods and date macros are evaluated in it.
    pub(crate) zone: Zone,
    /// Handler policies and outcomes (`remediation`).
    pub(crate) remedy: crate::remediation::Remediation,
    /// Replay: no check is ever started (results come from a log).
    pub(crate) no_checks: bool,
    /// Performance data settings and file processing timers.
    pub(crate) perfdata: crate::perfdata::Perfdata,
    /// Comments and downtimes (copy-on-write: snapshots share them).
    pub(crate) books: Arc<Books>,
    /// The books changed since the runner last journalled them.
    pub(crate) books_dirty: bool,
    /// Every contact's run-time status, indexed by `ContactId`.
    pub(crate) contacts: Vec<ContactStatus>,
    /// A contact's status changed since the runner last journalled them.
    pub(crate) contacts_dirty: bool,
    /// Escalations by object.
    pub(crate) esc: EscalationIndex,
}

/// The escalations of each object, as indexes into the model's lists, in
/// definition order.
#[derive(Debug, Default)]
pub(crate) struct EscalationIndex {
    pub(crate) hosts: Vec<Vec<usize>>,
    pub(crate) services: Vec<Vec<usize>>,
}

impl EscalationIndex {
    fn of(model: &Model) -> EscalationIndex {
        // No list per object when there are no escalations of that kind (24 bytes
        // per service otherwise): a lookup past the end finds none.
        let per_object = |n: usize, any: bool| if any { vec![Vec::new(); n] } else { Vec::new() };
        let mut idx = EscalationIndex {
            hosts: per_object(model.hosts.len(), !model.host_escalations.is_empty()),
            services: per_object(model.services.len(), !model.service_escalations.is_empty()),
        };
        for (i, e) in model.host_escalations.iter().enumerate() {
            if let Some(v) = idx.hosts.get_mut(e.host.idx()) {
                v.push(i);
            }
        }
        for (i, e) in model.service_escalations.iter().enumerate() {
            if let Some(v) = e.service.and_then(|s| idx.services.get_mut(s.idx())) {
                v.push(i);
            }
        }
        idx
    }
}

/// Runs `$body` with `$st` bound to the status of `$obj`, whatever its kind: one
/// code path for hosts and services where Nagios's rule is the same.
macro_rules! with_status {
    ($core:expr, $obj:expr, |$st:ident| $body:expr) => {
        match $obj {
            $crate::ObjRef::Host(h) => {
                let $st = &$core.hosts[h.idx()];
                $body
            }
            $crate::ObjRef::Service(s) => {
                let $st = &$core.services[s.idx()];
                $body
            }
        }
    };
    ($core:expr, $obj:expr, |mut $st:ident| $body:expr) => {
        match $obj {
            $crate::ObjRef::Host(h) => {
                let $st = &mut $core.hosts[h.idx()];
                $body
            }
            $crate::ObjRef::Service(s) => {
                let $st = &mut $core.services[s.idx()];
                $body
            }
        }
    };
}
pub(crate) use with_status;

/// Initial statuses share their copy-on-write parts: every object's
/// `NotifyFacts` start as one default value, and objects with the same eight
/// configured switches share one `Attributes` (at most 256 distinct values).
#[derive(Default)]
struct Initial {
    notify: vigil_state::Shared<vigil_state::NotifyFacts>,
    attrs: Vec<Option<vigil_state::Shared<vigil_state::Attributes>>>,
}

impl Initial {
    fn status<S: ObjectState>(&mut self, set: &vigil_config::CheckSettings) -> Status<S> {
        let mut st = Status::initial(S::from_id(set.initial_state));
        let switches = [
            set.active_checks_enabled,
            set.passive_checks_enabled,
            set.event_handler_enabled,
            set.flap_detection_enabled,
            set.notifications_enabled,
            set.obsess,
            set.process_perf_data,
            set.check_freshness,
        ];
        let key = switches
            .iter()
            .enumerate()
            .fold(0usize, |k, (i, &on)| k | (usize::from(on) << i));
        if self.attrs.is_empty() {
            self.attrs.resize(256, None);
        }
        if let Some(slot) = self.attrs.get_mut(key) {
            let shared = slot.get_or_insert_with(|| {
                vigil_state::Attributes {
                    active_checks_enabled: set.active_checks_enabled,
                    passive_checks_enabled: set.passive_checks_enabled,
                    event_handler_enabled: set.event_handler_enabled,
                    flap_detection_enabled: set.flap_detection_enabled,
                    notifications_enabled: set.notifications_enabled,
                    obsess: set.obsess,
                    process_perf_data: set.process_perf_data,
                    check_freshness: set.check_freshness,
                    ..Default::default()
                }
                .into()
            });
            st.attrs = shared.clone();
        }
        st.notify = self.notify.clone();
        st
    }
}

impl Core {
    /// A core with every object in its initial state (no retention applied yet).
    /// `zone` is the local time zone (timeperiods, date macros); `now` the program
    /// start; `pid` the process id status.dat shows.
    pub fn new(model: Arc<Model>, zone: Zone, now: Time, pid: u32) -> Core {
        let m = &model.main;
        let mut initial = Initial::default();
        let hosts = CowVec::from_values(model.hosts.iter().map(|h| initial.status(&h.settings)));
        let services =
            CowVec::from_values(model.services.iter().map(|s| initial.status(&s.settings)));
        let program = ProgramState {
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
            modified_host_attributes: vigil_state::ModAttr::empty(),
            modified_service_attributes: vigil_state::ModAttr::empty(),
            counters: Default::default(),
            program_start: now,
            pid,
        };
        // Freshness checks come one interval after the start, as Nagios schedules them.
        let next_service_freshness = now + m.service_freshness_check_interval.max(1) as f64;
        let next_host_freshness = now + m.host_freshness_check_interval.max(1) as f64;
        let model_ref = model.clone();
        let contacts = model
            .contacts
            .iter()
            .map(|c| {
                ContactStatus::configured(
                    c.host_notifications_enabled,
                    c.service_notifications_enabled,
                )
            })
            .collect();
        let esc = EscalationIndex::of(&model);
        Core {
            books: Arc::new(Books::default()),
            books_dirty: false,
            contacts,
            contacts_dirty: false,
            esc,
            host_rt: vec![Runtime::default(); hosts.len()],
            svc_rt: vec![Runtime::default(); services.len()],
            schedule: Schedule::new(hosts.len(), services.len()),
            input_time: now,
            dirty: Dirty::new(hosts.len(), services.len()),
            hosts,
            services,
            program,
            model,
            jobs: Jobs::default(),
            running_checks: 0,
            default_check_slots: DEFAULT_CHECK_SLOTS,
            events: VecDeque::new(),
            actions: VecDeque::new(),
            last_program_stop: 0.0,
            next_service_freshness,
            next_host_freshness,
            zone,
            remedy: crate::remediation::Remediation::new(&model_ref),
            no_checks: false,
            perfdata: crate::perfdata::Perfdata {
                settings: crate::perfdata::PerfdataSettings::from_model(&model_ref),
                ..Default::default()
            },
        }
    }

    // ----- outputs -----------------------------------------------------------------

    /// The next thing the runner must do, in order.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// Every pending action, in order.
    pub fn take_actions(&mut self) -> Vec<Action> {
        self.actions.drain(..).collect()
    }

    /// The next event, in order.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Every pending event, in order.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.events.drain(..).collect()
    }

    /// When [`Core::handle_timeout`] is next needed: the earliest due check or
    /// periodic job of the core. `None`: nothing is scheduled.
    pub fn poll_timeout(&mut self) -> Option<Time> {
        let mut t = self.schedule.next_time();
        let mut consider = |x: Time| t = Some(t.map_or(x, |t| t.min(x)));
        if self.program.check_service_freshness {
            consider(self.next_service_freshness);
        }
        if self.program.check_host_freshness {
            consider(self.next_host_freshness);
        }
        if let Some(x) = self.remedy.next_timer() {
            consider(x);
        }
        if let Some(p) = self.perfdata.next_due() {
            consider(p);
        }
        if let Some(d) = self.next_downtime_event() {
            consider(d);
        }
        t
    }

    /// The objects (and whether program-wide state) changed since the last call, in
    /// the order of their first change: the runner journals them before it writes
    /// the events or performs the actions produced with them.
    pub fn take_dirty(&mut self) -> (Vec<ObjRef>, bool) {
        self.dirty.take()
    }

    // ----- inputs ------------------------------------------------------------------

    /// Time passed: starts the checks due at `now` — at most `allowance` of them
    /// (load control, decided by the runner), except that checks due `max_hold`
    /// seconds ago or earlier start whatever the allowance says — and runs the
    /// periodic work that is due (freshness checks). Returns how many checks started.
    pub fn handle_timeout(&mut self, now: Time, allowance: usize, max_hold: f64) -> usize {
        self.input_time = now;
        self.handler_timers(now);
        self.run_downtime_events(now);
        let started = self.run_due(now, allowance, max_hold);
        let m = &self.model.main;
        let (svc_every, host_every) = (
            m.service_freshness_check_interval.max(1) as f64,
            m.host_freshness_check_interval.max(1) as f64,
        );
        if now >= self.next_service_freshness {
            self.next_service_freshness = now + svc_every;
            if self.program.check_service_freshness {
                self.check_freshness_of(vigil_events::ObjKind::Service, now);
            }
        }
        if now >= self.next_host_freshness {
            self.next_host_freshness = now + host_every;
            if self.program.check_host_freshness {
                self.check_freshness_of(vigil_events::ObjKind::Host, now);
            }
        }
        self.run_due_perfdata_processing(now);
        started
    }

    /// A job ended (see [`Action::Run`]). Unknown ids are ignored.
    pub fn handle_job_done(&mut self, id: JobId, result: JobResult, now: Time) {
        self.input_time = now;
        match self.jobs.finish(id) {
            Some(crate::jobs::InFlight::Check {
                obj: Some(obj),
                scheduled,
            }) => self.check_done(obj, scheduled, result, now),
            Some(crate::jobs::InFlight::Handler(run)) => self.handler_done(run, result, now),
            Some(crate::jobs::InFlight::Helper { job, obj, command }) => {
                self.helper_done(id, job, obj, command, result)
            }
            Some(crate::jobs::InFlight::PerfdataProcessing { kind, command }) => {
                self.processing_done(kind, command, result, now)
            }
            Some(crate::jobs::InFlight::Notification(run)) => self.notification_done(run, result),
            // A check of an object that is gone after a reload, or an unknown id.
            Some(crate::jobs::InFlight::Check { obj: None, .. }) | None => {}
        }
    }

    /// One line read from the external command file (or Livestatus `COMMAND`).
    pub fn handle_command(&mut self, line: &str, now: Time) {
        self.input_time = now;
        crate::extcmd::handle(self, line, now);
    }

    /// Start-up after retention was restored: the `INITIAL ... STATE` events (with
    /// `log_initial_states`) and every actively checked object on the schedule
    /// (honouring retained `next_check` with `use_retained_scheduling_info`).
    pub fn start(&mut self, now: Time) {
        self.input_time = now;
        if self.model.main.log_initial_states {
            self.report_states(StateReport::Initial);
        }
        self.schedule_initial(now, self.model.main.use_retained_scheduling_info);
        self.start_perfdata(now);
        // Retained downtimes: registered again, and those due (also those that
        // started or ended while the core was down) started and ended now.
        self.register_downtimes(now);
        self.run_downtime_events(now);
    }

    /// Whether the comments, downtimes or contact statuses changed since the last
    /// call (the runner journals them with the objects of [`Core::take_dirty`]).
    pub fn take_books_dirty(&mut self) -> bool {
        std::mem::take(&mut self.books_dirty) | std::mem::take(&mut self.contacts_dirty)
    }

    /// `CURRENT ... STATE` (after a log rotation) or `INITIAL ... STATE` events for
    /// every object.
    pub fn report_states(&mut self, when: StateReport) {
        for i in 0..self.hosts.len() {
            let line = self.state_line(ObjRef::Host(HostId(i as u32)));
            self.events.push_back(Event::State(when, line));
        }
        for i in 0..self.services.len() {
            let line = self.state_line(ObjRef::Service(ServiceId(i as u32)));
            self.events.push_back(Event::State(when, line));
        }
    }

    /// How many checks may run at once when `max_concurrent_checks` is 0 (the
    /// runner's limit, e.g. from its open-files limit).
    pub fn set_default_check_slots(&mut self, n: usize) {
        self.default_check_slots = n.max(1);
    }

    // ----- reading -----------------------------------------------------------------

    /// The configuration this core runs.
    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Every host's status, indexed by `HostId`.
    pub fn hosts(&self) -> &CowVec<HostStatus> {
        &self.hosts
    }

    /// Every service's status, indexed by `ServiceId`.
    pub fn services(&self) -> &CowVec<ServiceStatus> {
        &self.services
    }

    /// Program-wide state.
    pub fn program(&self) -> &ProgramState {
        &self.program
    }

    /// Every comment and downtime.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// Every contact's run-time status, indexed by `ContactId`.
    pub fn contacts(&self) -> &[ContactStatus] {
        &self.contacts
    }

    /// The books and contact statuses as retention.dat / status.dat writers take
    /// them (shared, not copied).
    pub fn render_extras(&self) -> vigil_retention::RenderExtras {
        vigil_retention::RenderExtras {
            books: self.books.clone(),
            contacts: self.contacts.clone().into(),
        }
    }

    /// Checks running now.
    pub fn running_checks(&self) -> usize {
        self.running_checks
    }

    /// Jobs (checks and handlers) in flight.
    pub fn jobs_in_flight(&self) -> usize {
        self.jobs.len()
    }

    /// The object's names.
    pub fn obj_name(&self, obj: ObjRef) -> vigil_events::Obj {
        match obj {
            ObjRef::Host(h) => vigil_events::Obj::Host {
                host: self.model.host(h).name.clone(),
            },
            ObjRef::Service(s) => {
                let svc = self.model.service(s);
                vigil_events::Obj::Service {
                    host: self.model.host(svc.host).name.clone(),
                    service: svc.description.to_string(),
                }
            }
        }
    }

    /// The object's current state as an ALERT / STATE line shows it.
    pub fn state_line(&self, obj: ObjRef) -> StateLine {
        let name = self.obj_name(obj);
        with_status!(self, obj, |st| StateLine {
            obj: name,
            state: st.current_state.any(),
            state_type: st.state_type,
            attempt: st.current_attempt,
            output: st.output.short.clone(),
        })
    }

    /// The host's status, if it exists.
    pub fn host_status(&self, h: HostId) -> Option<&Status<HostState>> {
        self.hosts.get(h.idx())
    }

    /// The service's status, if it exists.
    pub fn service_status(&self, s: ServiceId) -> Option<&Status<ServiceState>> {
        self.services.get(s.idx())
    }

    // ----- internal helpers -----------------------------------------------------------

    pub(crate) fn emit(&mut self, e: Event) {
        self.events.push_back(e);
    }

    pub(crate) fn push_action(&mut self, a: Action) {
        self.actions.push_back(a);
    }

    pub(crate) fn exists(&self, obj: ObjRef) -> bool {
        match obj {
            ObjRef::Host(h) => h.idx() < self.hosts.len(),
            ObjRef::Service(s) => s.idx() < self.services.len(),
        }
    }

    pub(crate) fn rt(&self, obj: ObjRef) -> Runtime {
        match obj {
            ObjRef::Host(h) => self.host_rt[h.idx()],
            ObjRef::Service(s) => self.svc_rt[s.idx()],
        }
    }

    pub(crate) fn rt_mut(&mut self, obj: ObjRef) -> &mut Runtime {
        match obj {
            ObjRef::Host(h) => &mut self.host_rt[h.idx()],
            ObjRef::Service(s) => &mut self.svc_rt[s.idx()],
        }
    }

    pub(crate) fn attrs(&self, obj: ObjRef) -> &vigil_state::Attributes {
        with_status!(self, obj, |st| &st.attrs)
    }

    pub(crate) fn attrs_mut(&mut self, obj: ObjRef) -> &mut vigil_state::Attributes {
        with_status!(self, obj, |mut st| &mut st.attrs)
    }

    pub(crate) fn settings(&self, obj: ObjRef) -> &vigil_config::CheckSettings {
        match obj {
            ObjRef::Host(h) => &self.model.host(h).settings,
            ObjRef::Service(s) => &self.model.service(s).settings,
        }
    }

    pub(crate) fn interval_length(&self) -> f64 {
        self.model.main.interval_length as f64
    }

    /// `check_interval` and `retry_interval` in effect, in seconds.
    pub(crate) fn intervals(&self, obj: ObjRef) -> (f64, f64) {
        let (attrs, set) = (self.attrs(obj), self.settings(obj));
        let il = self.interval_length();
        (
            attrs.check_interval.unwrap_or(set.check_interval) * il,
            attrs.retry_interval.unwrap_or(set.retry_interval) * il,
        )
    }

    /// `max_check_attempts` in effect (at least 1).
    pub(crate) fn max_attempts(&self, obj: ObjRef) -> u32 {
        self.attrs(obj)
            .max_attempts
            .unwrap_or(self.settings(obj).max_check_attempts)
            .max(1)
    }

    /// The object's check command is set (it is checked actively at all).
    pub(crate) fn has_active_check(&self, obj: ObjRef) -> bool {
        self.settings(obj).check_command.is_some()
    }

    /// The object's check period in effect: a run-time change
    /// (`CHANGE_*_CHECK_TIMEPERIOD`), else the configured one. A period restored from
    /// retention is shown, not used (Nagios 4.4.6, see `PeriodChange`).
    pub(crate) fn check_period(&self, obj: ObjRef) -> Option<vigil_config::TimeperiodId> {
        match &self.attrs(obj).check_period {
            Some(p) if p.in_effect => self.model.index.timeperiods.get(p.name.as_str()).copied(),
            _ => self.settings(obj).check_period,
        }
    }

    /// Whether `now` lies in the object's `check_period` (no period: always).
    pub(crate) fn in_check_period(&self, obj: ObjRef, now: Time) -> bool {
        match self.check_period(obj) {
            Some(tp) => {
                let tps = &self.model.timeperiods;
                tps[tp.idx()].contains(&self.zone, now as i64, tps)
            }
            None => true,
        }
    }

    /// Every status as the macro layer reads it.
    pub(crate) fn statuses(&self) -> CoreStatuses<'_> {
        CoreStatuses(self)
    }
}

/// The core's statuses as the macro layer reads them.
pub(crate) struct CoreStatuses<'a>(&'a Core);

impl vigil_macros::Statuses for CoreStatuses<'_> {
    fn host(&self, h: HostId) -> Option<&HostStatus> {
        self.0.hosts.get(h.idx())
    }
    fn service(&self, s: ServiceId) -> Option<&ServiceStatus> {
        self.0.services.get(s.idx())
    }
}
