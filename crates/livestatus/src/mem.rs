//! [`MemSite`]: a plain in-memory [`Site`] whose data a test sets directly — the
//! statuses, comments, downtimes, log lines and handler runs are public vectors.
//! It runs nothing and applies no command: a site that changes the way vigil's does
//! is the core's snapshot (`vigil-livestatus-server`'s `CoreSite`).

use crate::index::Indexes;
use crate::site::{
    Comment, CoreCounters, Downtime, HandlerRun, ObjectExtra, ProgramStatus, Site, Statuses,
};
use std::sync::Arc;
use vigil_config::{HostId, Model, ServiceId, TimeperiodId};
use vigil_state::{
    Attributes, HostState, HostStatus, ModAttr, ObjectState, ProgramState, ServiceState,
    ServiceStatus, Status,
};

/// An in-memory site (see the module documentation).
#[derive(Debug, Clone)]
pub struct MemSite {
    /// The configuration.
    pub model: Arc<Model>,
    /// Its orders.
    pub indexes: Arc<Indexes>,
    /// Host statuses (by `HostId`).
    pub hosts: Vec<HostStatus>,
    /// Service statuses (by `ServiceId`).
    pub services: Vec<ServiceStatus>,
    /// Per host extras.
    pub host_extra: Vec<ObjectExtra>,
    /// Per service extras.
    pub service_extra: Vec<ObjectExtra>,
    /// Program status.
    pub program: ProgramStatus,
    /// Comments by id.
    pub comments: Vec<Comment>,
    /// Downtimes by id.
    pub downtimes: Vec<Downtime>,
    /// `in` of each timeperiod (by `TimeperiodId`), whatever the time.
    pub timeperiods_active: Vec<bool>,
    /// Log lines (`[ts] text`), oldest first.
    pub log: Vec<String>,
    /// Event handler runs, oldest first.
    pub handler_runs: Vec<HandlerRun>,
}

fn attrs(s: &vigil_config::CheckSettings) -> Attributes {
    Attributes {
        active_checks_enabled: s.active_checks_enabled,
        passive_checks_enabled: s.passive_checks_enabled,
        event_handler_enabled: s.event_handler_enabled,
        flap_detection_enabled: s.flap_detection_enabled,
        notifications_enabled: s.notifications_enabled,
        obsess: s.obsess,
        process_perf_data: s.process_perf_data,
        check_freshness: s.check_freshness,
        modified: ModAttr::empty(),
        max_attempts: None,
        check_interval: None,
        retry_interval: None,
        event_handler: None,
        custom_vars: Vec::new(),
        notification_period: None,
        check_period: None,
    }
}

fn initial<S: ObjectState>(s: &vigil_config::CheckSettings) -> Status<S> {
    let mut st = Status::initial(S::from_id(s.initial_state));
    st.attrs = attrs(s).into();
    st
}

impl Site for MemSite {
    fn model(&self) -> &Model {
        &self.model
    }
    fn indexes(&self) -> &Indexes {
        &self.indexes
    }
    fn host_statuses(&self) -> Statuses<'_, HostStatus> {
        Statuses::Plain(&self.hosts)
    }
    fn service_statuses(&self) -> Statuses<'_, ServiceStatus> {
        Statuses::Plain(&self.services)
    }
    fn host_extra(&self, id: HostId) -> ObjectExtra {
        self.host_extra.get(id.idx()).copied().unwrap_or_default()
    }
    fn service_extra(&self, id: ServiceId) -> ObjectExtra {
        self.service_extra
            .get(id.idx())
            .copied()
            .unwrap_or_default()
    }
    fn program(&self) -> &ProgramStatus {
        &self.program
    }
    fn comments(&self) -> &[Comment] {
        &self.comments
    }
    fn downtimes(&self) -> &[Downtime] {
        &self.downtimes
    }
    fn timeperiod_active(&self, id: TimeperiodId, _now: i64) -> bool {
        self.timeperiods_active
            .get(id.idx())
            .copied()
            .unwrap_or(false)
    }
    fn log_lines(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool) {
        for l in self.log.iter().rev() {
            let t = crate::logline::line_time(l).unwrap_or(0);
            if t < from || t > until {
                continue;
            }
            if !visit(l) {
                return;
            }
        }
    }
    fn handler_run_count(&self) -> usize {
        self.handler_runs.len()
    }
    fn handler_run(&self, i: usize) -> Option<&HandlerRun> {
        self.handler_runs.get(i)
    }
    fn host_last_handler(&self, id: HostId) -> Option<&HandlerRun> {
        self.handler_runs
            .iter()
            .rev()
            .find(|r| r.host == id && r.service.is_none())
    }
    fn service_last_handler(&self, id: ServiceId) -> Option<&HandlerRun> {
        self.handler_runs
            .iter()
            .rev()
            .find(|r| r.service == Some(id))
    }
}

impl MemSite {
    /// A site where nothing was checked yet (every object in its configured initial
    /// state, switches as configured), started at `now`, nothing else in it.
    pub fn new(model: Arc<Model>, now: f64, pid: u32) -> MemSite {
        let indexes = Arc::new(Indexes::build(&model));
        let hosts: Vec<HostStatus> = model
            .hosts
            .iter()
            .map(|h| initial::<HostState>(&h.settings))
            .collect();
        let services: Vec<ServiceStatus> = model
            .services
            .iter()
            .map(|s| initial::<ServiceState>(&s.settings))
            .collect();
        let state = ProgramState {
            enable_notifications: model.main.enable_notifications,
            execute_service_checks: model.main.execute_service_checks,
            execute_host_checks: model.main.execute_host_checks,
            accept_passive_service_checks: model.main.accept_passive_service_checks,
            accept_passive_host_checks: model.main.accept_passive_host_checks,
            enable_event_handlers: model.main.enable_event_handlers,
            obsess_over_services: model.main.obsess_over_services,
            obsess_over_hosts: model.main.obsess_over_hosts,
            check_service_freshness: model.main.check_service_freshness,
            check_host_freshness: model.main.check_host_freshness,
            enable_flap_detection: model.main.enable_flap_detection,
            process_performance_data: model.main.process_performance_data,
            global_host_event_handler: None,
            global_service_event_handler: None,
            modified_host_attributes: ModAttr::empty(),
            modified_service_attributes: ModAttr::empty(),
            counters: Default::default(),
            program_start: now.floor(),
            pid,
        };
        MemSite {
            host_extra: vec![ObjectExtra::default(); model.hosts.len()],
            service_extra: vec![ObjectExtra::default(); model.services.len()],
            timeperiods_active: vec![true; model.timeperiods.len()],
            program: ProgramStatus {
                state,
                program_version: "test".into(),
                check_external_commands: model.main.check_external_commands,
                last_log_rotation: 0,
                last_command_check: 0,
                counters: CoreCounters::default(),
            },
            hosts,
            services,
            comments: Vec::new(),
            downtimes: Vec::new(),
            log: Vec::new(),
            handler_runs: Vec::new(),
            indexes,
            model,
        }
    }
}
