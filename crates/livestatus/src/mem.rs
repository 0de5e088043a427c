//! [`MemSite`]: a plain in-memory [`Site`], for tests and the dev server.
//!
//! It holds statuses, comments, downtimes and log lines in vectors and applies the
//! external commands the Livestatus scenarios use (passive results through
//! `vigil-state`'s state machine, acknowledgements, comments, downtimes, program and
//! object switches), with Nagios 4's visible effects: ack and downtime comments,
//! downtime depths, `EXTERNAL COMMAND` / `PASSIVE ... CHECK` / `ALERT` log lines.
//! It is not the core: no checks run, no notifications, no flexible downtime start.

use crate::index::Indexes;
use crate::query::TriggerKind;
use crate::site::{
    AckKind, Comment, CoreCounters, Downtime, HandlerRun, ObjectExtra, ProgramStatus, Site,
};
use std::sync::Arc;
use vigil_config::{HostId, Model, ServiceId, Str, TimeperiodId};
use vigil_state::{
    finish_result, host, result, service, Counters, Effect, FlapParams, ProgramState, Status,
};

/// An in-memory site.
#[derive(Debug, Clone)]
pub struct MemSite {
    /// The configuration.
    pub model: Arc<Model>,
    /// Its orders.
    pub indexes: Arc<Indexes>,
    /// Host statuses (by `HostId`).
    pub hosts: Vec<Status>,
    /// Service statuses (by `ServiceId`).
    pub services: Vec<Status>,
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
    /// `in` of each timeperiod (by `TimeperiodId`).
    pub timeperiods_active: Vec<bool>,
    /// Log lines (`[ts] text`), oldest first.
    pub log: Vec<String>,
    /// Event handler runs, oldest first.
    pub handler_runs: Vec<HandlerRun>,
    /// Local time zone offset (seconds east of UTC) for texts with dates.
    pub utc_offset: i64,
    counters: Counters,
    next_comment: u64,
    next_downtime: u64,
}

impl Site for MemSite {
    fn model(&self) -> &Model {
        &self.model
    }
    fn indexes(&self) -> &Indexes {
        &self.indexes
    }
    fn host_status(&self, id: HostId) -> &Status {
        &self.hosts[id.idx()]
    }
    fn service_status(&self, id: ServiceId) -> &Status {
        &self.services[id.idx()]
    }
    fn host_extra(&self, id: HostId) -> &ObjectExtra {
        &self.host_extra[id.idx()]
    }
    fn service_extra(&self, id: ServiceId) -> &ObjectExtra {
        &self.service_extra[id.idx()]
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
    fn timeperiod_active(&self, id: TimeperiodId) -> bool {
        self.timeperiods_active
            .get(id.idx())
            .copied()
            .unwrap_or(false)
    }
    fn log_lines(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool) {
        for l in self.log.iter().rev() {
            let t = line_time(l);
            if t < from || t > until {
                continue;
            }
            if !visit(l) {
                return;
            }
        }
    }
    fn handler_runs(&self) -> &[HandlerRun] {
        &self.handler_runs
    }
}

fn line_time(l: &str) -> i64 {
    l.strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .and_then(|(t, _)| t.parse().ok())
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SS` of an epoch time shifted by `offset` seconds (the
/// `iso8601` date format Nagios uses in downtime comments).
pub fn format_datetime(t: i64, offset: i64) -> String {
    let t = t + offset;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        y,
        m,
        d,
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn flag(s: Option<&str>) -> bool {
    s.map(|v| crate::filter::atoi(v) != 0).unwrap_or(false)
}

impl MemSite {
    /// A site where nothing was checked yet, started at `now`.
    pub fn new(model: Arc<Model>, now: f64, pid: u32) -> MemSite {
        let indexes = Arc::new(Indexes::build(&model));
        let init = |s: &vigil_config::CheckSettings, i: usize| {
            let mut st = Status::initial(s.initial_state);
            st.active_checks_enabled = s.active_checks_enabled;
            st.passive_checks_enabled = s.passive_checks_enabled;
            st.event_handler_enabled = s.event_handler_enabled;
            st.flap_detection_enabled = s.flap_detection_enabled;
            if s.active_checks_enabled {
                st.next_check = now.floor() + 1.0 + (i % 60) as f64;
            }
            st
        };
        let hosts: Vec<Status> = model
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| init(&h.settings, i))
            .collect();
        let services: Vec<Status> = model
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| init(&s.settings, i))
            .collect();
        let main = &model.main;
        let state = ProgramState {
            enable_notifications: main.enable_notifications,
            execute_service_checks: main.execute_service_checks,
            execute_host_checks: main.execute_host_checks,
            accept_passive_service_checks: main.accept_passive_service_checks,
            accept_passive_host_checks: main.accept_passive_host_checks,
            enable_event_handlers: main.enable_event_handlers,
            obsess_over_services: main.obsess_over_services,
            obsess_over_hosts: main.obsess_over_hosts,
            check_service_freshness: main.check_service_freshness,
            check_host_freshness: main.check_host_freshness,
            enable_flap_detection: main.enable_flap_detection,
            process_performance_data: main.process_performance_data,
            global_host_event_handler: None,
            global_service_event_handler: None,
            modified_host_attributes: 0,
            modified_service_attributes: 0,
            counters: Counters::default(),
            program_start: now.floor(),
            pid,
        };
        MemSite {
            host_extra: vec![ObjectExtra::default(); model.hosts.len()],
            service_extra: vec![ObjectExtra::default(); model.services.len()],
            timeperiods_active: vec![true; model.timeperiods.len()],
            program: ProgramStatus {
                state,
                program_version: format!("{} (vigil)", env!("CARGO_PKG_VERSION")),
                check_external_commands: main.check_external_commands,
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
            utc_offset: 0,
            counters: Counters::default(),
            next_comment: 1,
            next_downtime: 1,
            indexes,
            model,
        }
    }

    fn log_line(&mut self, now: f64, text: &str) {
        self.log.push(format!("[{}] {}", now as i64, text));
        self.program.counters.log_messages += 1;
    }

    fn find_service(&self, h: &str, s: &str) -> Option<ServiceId> {
        self.model.find_service(h, s)
    }

    /// Applies one external command (`NAME;args`, as after `COMMAND [ts] `) with the
    /// command's timestamp `ts`, at time `now`. Returns the triggers it fires.
    /// Unknown or invalid commands are ignored (and logged like Nagios logs them).
    pub fn apply_command(&mut self, cmd: &str, ts: i64, now: f64) -> Vec<TriggerKind> {
        let mut trig = vec![TriggerKind::Command, TriggerKind::Log];
        self.program.counters.external_commands += 1;
        let (name, args) = cmd.split_once(';').unwrap_or((cmd, ""));
        self.log_line(now, &format!("EXTERNAL COMMAND: {cmd}"));
        let a: Vec<&str> = if args.is_empty() {
            Vec::new()
        } else {
            args.split(';').collect()
        };
        let arg = |i: usize| a.get(i).copied();
        let rest_from = |i: usize| -> String {
            // The last field may contain ';'.
            args.splitn(i + 1, ';').nth(i).unwrap_or("").to_string()
        };
        let t = ts as f64;
        match name {
            "PROCESS_SERVICE_CHECK_RESULT" => {
                if let (Some(h), Some(s), Some(rc)) = (arg(0), arg(1), arg(2)) {
                    if let Some(sid) = self.find_service(h, s) {
                        let out = unescape(&rest_from(3));
                        trig.extend(self.service_result(
                            sid,
                            crate::filter::atoi(rc) as i32,
                            &out,
                            t,
                            now,
                        ));
                    }
                }
            }
            "PROCESS_HOST_CHECK_RESULT" => {
                if let (Some(h), Some(rc)) = (arg(0), arg(1)) {
                    if let Some(hid) = self.model.find_host_by_name_or_address(h) {
                        let out = unescape(&rest_from(2));
                        trig.extend(self.host_result(
                            hid,
                            crate::filter::atoi(rc) as i32,
                            &out,
                            t,
                            now,
                        ));
                    }
                }
            }
            "ACKNOWLEDGE_SVC_PROBLEM" | "ACKNOWLEDGE_HOST_PROBLEM" => {
                let svc = name.starts_with("ACKNOWLEDGE_SVC");
                let off = usize::from(svc);
                let target = self.target(&a, svc);
                if let Some((hid, sid)) = target {
                    let st = match sid {
                        Some(s) => &self.services[s.idx()],
                        None => &self.hosts[hid.idx()],
                    };
                    if st.current_state != 0 {
                        let kind = if crate::filter::atoi(arg(1 + off).unwrap_or("0")) == 2 {
                            AckKind::Sticky
                        } else {
                            AckKind::Normal
                        };
                        let persistent = flag(arg(3 + off));
                        let author = arg(4 + off).unwrap_or("").to_string();
                        let text = rest_from(5 + off);
                        self.extra_mut(hid, sid).acknowledgement = Some(kind);
                        self.add_comment(hid, sid, author, text, 4, persistent, 0, now);
                        trig.push(TriggerKind::Comment);
                    }
                }
            }
            "REMOVE_SVC_ACKNOWLEDGEMENT" | "REMOVE_HOST_ACKNOWLEDGEMENT" => {
                let svc = name.starts_with("REMOVE_SVC");
                if let Some((hid, sid)) = self.target(&a, svc) {
                    self.remove_ack(hid, sid);
                    trig.push(TriggerKind::Comment);
                }
            }
            "ADD_SVC_COMMENT" | "ADD_HOST_COMMENT" => {
                let svc = name.starts_with("ADD_SVC");
                let off = usize::from(svc);
                if let Some((hid, sid)) = self.target(&a, svc) {
                    let persistent = flag(arg(1 + off));
                    let author = arg(2 + off).unwrap_or("").to_string();
                    let text = rest_from(3 + off);
                    self.add_comment(hid, sid, author, text, 1, persistent, 1, now);
                    trig.push(TriggerKind::Comment);
                }
            }
            "DEL_SVC_COMMENT" | "DEL_HOST_COMMENT" => {
                let svc = name.starts_with("DEL_SVC");
                let id = crate::filter::atoi(arg(0).unwrap_or("0")) as u64;
                let before = self.comments.len();
                self.comments
                    .retain(|c| !(c.id == id && c.service.is_some() == svc));
                if self.comments.len() != before {
                    trig.push(TriggerKind::Comment);
                }
            }
            "SCHEDULE_SVC_DOWNTIME" | "SCHEDULE_HOST_DOWNTIME" | "SCHEDULE_HOST_SVC_DOWNTIME" => {
                let svc = name == "SCHEDULE_SVC_DOWNTIME";
                let off = usize::from(svc);
                if let Some((hid, sid)) = self.target(&a, svc) {
                    let start = crate::filter::atoi(arg(1 + off).unwrap_or("0"));
                    let end = crate::filter::atoi(arg(2 + off).unwrap_or("0"));
                    let fixed = flag(arg(3 + off));
                    let trigger = crate::filter::atoi(arg(4 + off).unwrap_or("0")) as u64;
                    let duration = crate::filter::atoi(arg(5 + off).unwrap_or("0"));
                    let author = arg(6 + off).unwrap_or("").to_string();
                    let text = rest_from(7 + off);
                    let targets: Vec<Option<ServiceId>> = if name == "SCHEDULE_HOST_SVC_DOWNTIME" {
                        self.indexes
                            .host_services
                            .get(hid.idx())
                            .cloned()
                            .unwrap_or_default()
                            .into_iter()
                            .map(Some)
                            .collect()
                    } else {
                        vec![sid]
                    };
                    for s in targets {
                        self.add_downtime(
                            hid, s, &author, &text, start, end, fixed, trigger, duration, now,
                        );
                    }
                    trig.push(TriggerKind::Downtime);
                    trig.push(TriggerKind::Comment);
                    trig.extend(self.tick(now));
                }
            }
            "DEL_SVC_DOWNTIME" | "DEL_HOST_DOWNTIME" => {
                let svc = name == "DEL_SVC_DOWNTIME";
                let id = crate::filter::atoi(arg(0).unwrap_or("0")) as u64;
                if let Some(p) = self
                    .downtimes
                    .iter()
                    .position(|d| d.id == id && d.service.is_some() == svc)
                {
                    let d = self.downtimes.remove(p);
                    self.end_downtime(&d, "CANCELLED", now);
                    trig.push(TriggerKind::Downtime);
                    trig.push(TriggerKind::Comment);
                }
            }
            "CHANGE_CUSTOM_SVC_VAR" | "CHANGE_CUSTOM_HOST_VAR" => {
                let svc = name == "CHANGE_CUSTOM_SVC_VAR";
                let off = usize::from(svc);
                if let Some((hid, sid)) = self.target(&a, svc) {
                    let var = arg(1 + off).unwrap_or("").to_uppercase();
                    let val = rest_from(2 + off);
                    let base = match sid {
                        Some(s) => self.model.services[s.idx()].settings.custom_vars.clone(),
                        None => self.model.hosts[hid.idx()].settings.custom_vars.clone(),
                    };
                    let ex = self.extra_mut(hid, sid);
                    let mut vars = ex.custom_vars.take().unwrap_or(base);
                    match vars.iter_mut().find(|(k, _)| k.as_str() == var) {
                        Some(v) => v.1 = Str::from(val.as_str()),
                        None => vars.push((Str::from(var.as_str()), Str::from(val.as_str()))),
                    }
                    ex.custom_vars = Some(vars);
                    self.status_mut(hid, sid).modified_attributes |= 1 << 15;
                }
            }
            _ => {
                if !self.switch(name, &a) {
                    return trig;
                }
                trig.push(TriggerKind::Program);
            }
        }
        trig
    }

    fn target(&self, a: &[&str], svc: bool) -> Option<(HostId, Option<ServiceId>)> {
        let h = self.model.find_host(a.first()?)?;
        if svc {
            let s = self.find_service(a.first()?, a.get(1)?)?;
            Some((h, Some(s)))
        } else {
            Some((h, None))
        }
    }

    fn extra_mut(&mut self, h: HostId, s: Option<ServiceId>) -> &mut ObjectExtra {
        match s {
            Some(s) => &mut self.service_extra[s.idx()],
            None => &mut self.host_extra[h.idx()],
        }
    }

    fn status_mut(&mut self, h: HostId, s: Option<ServiceId>) -> &mut Status {
        match s {
            Some(s) => &mut self.services[s.idx()],
            None => &mut self.hosts[h.idx()],
        }
    }

    /// Program and object switches (`ENABLE_*`, `DISABLE_*`, `START_*`, `STOP_*`).
    fn switch(&mut self, name: &str, a: &[&str]) -> bool {
        let p = &mut self.program.state;
        let prog: Option<(&mut bool, bool)> = match name {
            "ENABLE_NOTIFICATIONS" => Some((&mut p.enable_notifications, true)),
            "DISABLE_NOTIFICATIONS" => Some((&mut p.enable_notifications, false)),
            "ENABLE_EVENT_HANDLERS" => Some((&mut p.enable_event_handlers, true)),
            "DISABLE_EVENT_HANDLERS" => Some((&mut p.enable_event_handlers, false)),
            "ENABLE_FLAP_DETECTION" => Some((&mut p.enable_flap_detection, true)),
            "DISABLE_FLAP_DETECTION" => Some((&mut p.enable_flap_detection, false)),
            "ENABLE_PERFORMANCE_DATA" => Some((&mut p.process_performance_data, true)),
            "DISABLE_PERFORMANCE_DATA" => Some((&mut p.process_performance_data, false)),
            "ENABLE_SERVICE_FRESHNESS_CHECKS" => Some((&mut p.check_service_freshness, true)),
            "DISABLE_SERVICE_FRESHNESS_CHECKS" => Some((&mut p.check_service_freshness, false)),
            "ENABLE_HOST_FRESHNESS_CHECKS" => Some((&mut p.check_host_freshness, true)),
            "DISABLE_HOST_FRESHNESS_CHECKS" => Some((&mut p.check_host_freshness, false)),
            "START_EXECUTING_SVC_CHECKS" => Some((&mut p.execute_service_checks, true)),
            "STOP_EXECUTING_SVC_CHECKS" => Some((&mut p.execute_service_checks, false)),
            "START_EXECUTING_HOST_CHECKS" => Some((&mut p.execute_host_checks, true)),
            "STOP_EXECUTING_HOST_CHECKS" => Some((&mut p.execute_host_checks, false)),
            "START_ACCEPTING_PASSIVE_SVC_CHECKS" => {
                Some((&mut p.accept_passive_service_checks, true))
            }
            "STOP_ACCEPTING_PASSIVE_SVC_CHECKS" => {
                Some((&mut p.accept_passive_service_checks, false))
            }
            "START_ACCEPTING_PASSIVE_HOST_CHECKS" => {
                Some((&mut p.accept_passive_host_checks, true))
            }
            "STOP_ACCEPTING_PASSIVE_HOST_CHECKS" => {
                Some((&mut p.accept_passive_host_checks, false))
            }
            "START_OBSESSING_OVER_SVC_CHECKS" => Some((&mut p.obsess_over_services, true)),
            "STOP_OBSESSING_OVER_SVC_CHECKS" => Some((&mut p.obsess_over_services, false)),
            "START_OBSESSING_OVER_HOST_CHECKS" => Some((&mut p.obsess_over_hosts, true)),
            "STOP_OBSESSING_OVER_HOST_CHECKS" => Some((&mut p.obsess_over_hosts, false)),
            _ => None,
        };
        if let Some((f, v)) = prog {
            *f = v;
            return true;
        }
        // Object switches: (svc?, modattr bit, field setter).
        let (svc, bit, on): (bool, u32, bool) = match name {
            "ENABLE_SVC_CHECK" => (true, 1, true),
            "DISABLE_SVC_CHECK" => (true, 1, false),
            "ENABLE_HOST_CHECK" => (false, 1, true),
            "DISABLE_HOST_CHECK" => (false, 1, false),
            "ENABLE_SVC_NOTIFICATIONS" => (true, 0, true),
            "DISABLE_SVC_NOTIFICATIONS" => (true, 0, false),
            "ENABLE_HOST_NOTIFICATIONS" => (false, 0, true),
            "DISABLE_HOST_NOTIFICATIONS" => (false, 0, false),
            "ENABLE_PASSIVE_SVC_CHECKS" => (true, 2, true),
            "DISABLE_PASSIVE_SVC_CHECKS" => (true, 2, false),
            "ENABLE_PASSIVE_HOST_CHECKS" => (false, 2, true),
            "DISABLE_PASSIVE_HOST_CHECKS" => (false, 2, false),
            "ENABLE_SVC_EVENT_HANDLER" => (true, 3, true),
            "DISABLE_SVC_EVENT_HANDLER" => (true, 3, false),
            "ENABLE_HOST_EVENT_HANDLER" => (false, 3, true),
            "DISABLE_HOST_EVENT_HANDLER" => (false, 3, false),
            "ENABLE_SVC_FLAP_DETECTION" => (true, 4, true),
            "DISABLE_SVC_FLAP_DETECTION" => (true, 4, false),
            "ENABLE_HOST_FLAP_DETECTION" => (false, 4, true),
            "DISABLE_HOST_FLAP_DETECTION" => (false, 4, false),
            _ => return false,
        };
        let Some((hid, sid)) = self.target(a, svc) else {
            return false;
        };
        let st = self.status_mut(hid, sid);
        let changed = match bit {
            1 => std::mem::replace(&mut st.active_checks_enabled, on) != on,
            2 => std::mem::replace(&mut st.passive_checks_enabled, on) != on,
            3 => std::mem::replace(&mut st.event_handler_enabled, on) != on,
            4 => std::mem::replace(&mut st.flap_detection_enabled, on) != on,
            _ => true,
        };
        if changed {
            st.modified_attributes |= 1 << bit;
        }
        if bit == 0 {
            let configured = match sid {
                Some(s) => self.model.services[s.idx()].settings.notifications_enabled,
                None => self.model.hosts[hid.idx()].settings.notifications_enabled,
            };
            let ex = self.extra_mut(hid, sid);
            let cur = ex.notifications_enabled.unwrap_or(configured);
            ex.notifications_enabled = Some(on);
            if cur != on {
                self.status_mut(hid, sid).modified_attributes |= 1;
            }
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn add_comment(
        &mut self,
        host: HostId,
        service: Option<ServiceId>,
        author: String,
        text: String,
        entry_type: u8,
        persistent: bool,
        source: u8,
        now: f64,
    ) -> u64 {
        let id = self.next_comment;
        self.next_comment += 1;
        self.comments.push(Comment {
            id,
            host,
            service,
            author,
            text,
            entry_time: now as i64,
            entry_type,
            persistent,
            source,
            expires: false,
            expire_time: 0,
        });
        id
    }

    fn remove_ack(&mut self, h: HostId, s: Option<ServiceId>) {
        self.extra_mut(h, s).acknowledgement = None;
        self.comments
            .retain(|c| !(c.host == h && c.service == s && c.entry_type == 4 && !c.persistent));
    }

    #[allow(clippy::too_many_arguments)]
    fn add_downtime(
        &mut self,
        host: HostId,
        service: Option<ServiceId>,
        author: &str,
        comment: &str,
        start: i64,
        end: i64,
        fixed: bool,
        trigger: u64,
        duration: i64,
        now: f64,
    ) {
        let id = self.next_downtime;
        self.next_downtime += 1;
        let what = if service.is_some() { "service" } else { "host" };
        let text = if fixed {
            format!(
                "This {what} has been scheduled for fixed downtime from {} to {}.  Notifications for the {what} will not be sent out during that time period.",
                format_datetime(start, self.utc_offset),
                format_datetime(end, self.utc_offset)
            )
        } else {
            format!(
                "This {what} has been scheduled for flexible downtime starting between {} and {} and lasting for a period of {} hours and {} minutes.  Notifications for the {what} will not be sent out during that time period.",
                format_datetime(start, self.utc_offset),
                format_datetime(end, self.utc_offset),
                duration / 3600,
                (duration % 3600) / 60
            )
        };
        self.add_comment(host, service, author.to_string(), text, 2, false, 0, now);
        if !fixed {
            self.extra_mut(host, service).pending_flex_downtime += 1;
        }
        self.downtimes.push(Downtime {
            id,
            host,
            service,
            author: author.to_string(),
            comment: comment.to_string(),
            entry_time: now as i64,
            start_time: start,
            end_time: end,
            fixed,
            duration,
            triggered_by: trigger,
            active: false,
        });
    }

    fn downtime_comment_matches(c: &Comment, d: &Downtime) -> bool {
        c.host == d.host && c.service == d.service && c.entry_type == 2
    }

    fn end_downtime(&mut self, d: &Downtime, how: &str, now: f64) {
        if d.active {
            let ex = self.extra_mut(d.host, d.service);
            ex.scheduled_downtime_depth = ex.scheduled_downtime_depth.saturating_sub(1);
            let line = match d.service {
                Some(s) => format!(
                    "SERVICE DOWNTIME ALERT: {};{};{how}; Scheduled downtime for service has been cancelled.",
                    self.model.hosts[d.host.idx()].name,
                    self.model.services[s.idx()].description
                ),
                None => format!(
                    "HOST DOWNTIME ALERT: {};{how}; Scheduled downtime for host has been cancelled.",
                    self.model.hosts[d.host.idx()].name
                ),
            };
            self.log_line(now, &line);
        } else if !d.fixed {
            let ex = self.extra_mut(d.host, d.service);
            ex.pending_flex_downtime = ex.pending_flex_downtime.saturating_sub(1);
        }
        // The downtime's own comment: the first downtime comment of the object
        // whose position matches (Nagios removes it by its comment id).
        if let Some(p) = self
            .comments
            .iter()
            .position(|c| Self::downtime_comment_matches(c, d))
        {
            self.comments.remove(p);
        }
    }

    /// Starts fixed downtimes whose window began and ends those whose window is
    /// over; returns the triggers fired.
    pub fn tick(&mut self, now: f64) -> Vec<TriggerKind> {
        let mut trig = Vec::new();
        let t = now as i64;
        let mut i = 0;
        while i < self.downtimes.len() {
            let d = self.downtimes[i].clone();
            if d.active && t >= d.end_time {
                self.downtimes.remove(i);
                self.end_downtime(&d, "STOPPED", now);
                trig.push(TriggerKind::Downtime);
                continue;
            }
            if !d.active && d.fixed && t >= d.start_time && t < d.end_time {
                self.downtimes[i].active = true;
                self.extra_mut(d.host, d.service).scheduled_downtime_depth += 1;
                let line = match d.service {
                    Some(s) => format!(
                        "SERVICE DOWNTIME ALERT: {};{};STARTED; Service has entered a period of scheduled downtime",
                        self.model.hosts[d.host.idx()].name,
                        self.model.services[s.idx()].description
                    ),
                    None => format!(
                        "HOST DOWNTIME ALERT: {};STARTED; Host has entered a period of scheduled downtime",
                        self.model.hosts[d.host.idx()].name
                    ),
                };
                self.log_line(now, &line);
                trig.push(TriggerKind::Downtime);
            }
            i += 1;
        }
        trig
    }

    fn flap(&self, s: &vigil_config::CheckSettings, host: bool) -> FlapParams {
        let m = &self.model.main;
        let (lo, hi) = if host {
            (m.low_host_flap_threshold, m.high_host_flap_threshold)
        } else {
            (m.low_service_flap_threshold, m.high_service_flap_threshold)
        };
        FlapParams {
            enabled: self.program.state.enable_flap_detection && s.flap_detection_enabled,
            options: s.flap_detection_options.0,
            low: if s.low_flap_threshold > 0.0 {
                s.low_flap_threshold
            } else {
                lo
            },
            high: if s.high_flap_threshold > 0.0 {
                s.high_flap_threshold
            } else {
                hi
            },
        }
    }

    fn effects(&mut self, effects: &[Effect], now: f64) {
        for e in effects {
            if let Effect::Log(l) = e {
                self.log_line(now, l);
            }
        }
    }

    fn service_result(
        &mut self,
        sid: ServiceId,
        rc: i32,
        out: &str,
        t: f64,
        now: f64,
    ) -> Vec<TriggerKind> {
        let model = Arc::clone(&self.model);
        let svc = &model.services[sid.idx()];
        let hid = svc.host;
        if !self.program.state.accept_passive_service_checks
            || !self.services[sid.idx()].passive_checks_enabled
        {
            return Vec::new();
        }
        let hname = self.model.hosts[hid.idx()].name.clone();
        let desc = svc.description.clone();
        let before = self.services[sid.idx()].clone();
        self.log_line(
            now,
            &vigil_state::passive_service_check_line(&before, &hname, &desc),
        );
        let hst = &self.hosts[hid.idx()];
        let view = service::HostView {
            state: hst.current_state,
            has_been_checked: hst.has_been_checked,
            last_check: hst.last_check,
        };
        let params = service::ServiceParams {
            max_attempts: before
                .max_attempts_override
                .unwrap_or(svc.settings.max_check_attempts),
            is_volatile: svc.is_volatile,
            log_retries: model.main.log_service_retries,
            flap: self.flap(&svc.settings, false),
        };
        let r = result::map_passive_service(rc, out, t);
        let mut st = before.clone();
        let tr = service::apply_service_result(
            &mut st,
            &params,
            r,
            &view,
            &mut self.counters,
            &hname,
            &desc,
        );
        finish_result(&mut st);
        self.services[sid.idx()] = st;
        self.program.counters.service_checks += 1;
        // Nagios checks the host for flapping after every service result. The
        // reference traces (db2's percent_state_change 5.98684: its DOWN change two
        // records back) show Nagios 4.4.6 recording the host state on *every*
        // service result, i.e. a wait threshold of 0, not the average service
        // check interval the Nagios source computes it from.
        let wait = 0.0;
        let hflap = self.flap(&model.hosts[hid.idx()].settings, true);
        let hline = vigil_state::flap::host_flap_from_service_result(
            &mut self.hosts[hid.idx()],
            &hflap,
            &hname,
            now,
            wait,
        );
        if let Some(l) = hline {
            self.log_line(now, &l);
        }
        self.effects(&tr.effects, now);
        self.after_result(hid, Some(sid), &before, tr.state_changed)
    }

    fn host_result(
        &mut self,
        hid: HostId,
        rc: i32,
        out: &str,
        t: f64,
        now: f64,
    ) -> Vec<TriggerKind> {
        let model = Arc::clone(&self.model);
        let h = &model.hosts[hid.idx()];
        if !self.program.state.accept_passive_host_checks
            || !self.hosts[hid.idx()].passive_checks_enabled
        {
            return Vec::new();
        }
        let hname = h.name.clone();
        let before = self.hosts[hid.idx()].clone();
        self.log_line(now, &vigil_state::passive_host_check_line(&before, &hname));
        let reach = if h.parents.is_empty() {
            host::Reachability::NoParents
        } else if h
            .parents
            .iter()
            .any(|p| self.hosts[p.idx()].current_state == 0)
        {
            host::Reachability::SomeParentUp
        } else {
            host::Reachability::NoParentUp
        };
        let params = host::HostParams {
            max_attempts: before
                .max_attempts_override
                .unwrap_or(h.settings.max_check_attempts),
            log_retries: model.main.log_host_retries,
            passive_checks_are_soft: model.main.passive_host_checks_are_soft,
            translate_passive: model.main.translate_passive_host_checks,
            flap: self.flap(&h.settings, true),
        };
        let r = result::map_passive_host(rc, out, t);
        let mut st = before.clone();
        let tr = host::apply_host_result(&mut st, &params, r, reach, &mut self.counters, &hname);
        finish_result(&mut st);
        self.hosts[hid.idx()] = st;
        self.program.counters.host_checks += 1;
        self.effects(&tr.effects, now);
        self.after_result(hid, None, &before, tr.state_changed)
    }

    fn after_result(
        &mut self,
        hid: HostId,
        sid: Option<ServiceId>,
        before: &Status,
        changed: bool,
    ) -> Vec<TriggerKind> {
        let mut trig = vec![TriggerKind::Check];
        let now_state = match sid {
            Some(s) => self.services[s.idx()].current_state,
            None => self.hosts[hid.idx()].current_state,
        };
        if changed || now_state != before.current_state {
            trig.push(TriggerKind::State);
        }
        let ack = self.extra_mut(hid, sid).acknowledgement;
        if let Some(kind) = ack {
            if now_state == 0 || (kind == AckKind::Normal && now_state != before.current_state) {
                self.remove_ack(hid, sid);
                trig.push(TriggerKind::Comment);
            }
        }
        trig
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.peek() {
                Some('n') => {
                    it.next();
                    out.push('\n');
                }
                Some('\\') => {
                    it.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime() {
        assert_eq!(format_datetime(0, 0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(1_796_283_005, 0), "2026-12-03 07:30:05");
        assert_eq!(format_datetime(951_782_400, 3600), "2000-02-29 01:00:00");
    }
}
