//! Restoring retained state into freshly initialised statuses, with the rules of
//! Nagios 4 (`xrddefault.c`, spec `files.md` §3):
//!
//! * status fields (state, type, attempt, output, times, ids, flap history) when the
//!   object has `retain_status_information` (default on);
//! * run-time switches and settings (`active_checks_enabled`, `event_handler`,
//!   intervals, ...) only when the object has `retain_nonstatus_information` **and**
//!   the matching `modified_attributes` bit is set, otherwise the configuration wins;
//!   a retained handler whose command no longer exists is ignored;
//! * program switches only with `use_retained_program_state` and their bit set;
//! * `next_check` only with `use_retained_scheduling_info` and a file younger than
//!   `retention_scheduling_horizon`;
//! * afterwards, as Nagios does: a never-checked SOFT service becomes HARD, a HARD
//!   problem gets `current_attempt = max_attempts`, a zero `last_hard_state_change`
//!   takes `last_state_change`.
//!
//! Objects no longer in the configuration are ignored. Every ignored or unusable
//! entry is reported as a note.

use std::collections::HashMap;
use std::str::FromStr;

use vigil_config::Model;
use vigil_state::{
    CheckType, HostStatus, ObjKind, ObjectState, PeriodChange, ProgramState, ServiceStatus,
    StateType, Status,
};

use crate::view::{ConfigView, ObjectConfig};
use crate::{RetainedObject, Retention, STATE_HISTORY_LEN};
use vigil_state::ModAttr;

/// Modified-attribute bits vigil cannot hold at run time; retained values behind them
/// are not restored and the bits are cleared.
const UNSUPPORTED_OBJECT_BITS: &[(u64, &str)] = &[
    (
        ModAttr::FAILURE_PREDICTION_ENABLED.bits(),
        "failure_prediction_enabled",
    ),
    (ModAttr::CHECK_COMMAND.bits(), "check_command"),
    (ModAttr::FRESHNESS_CHECKS_ENABLED.bits(), "check_freshness"),
    (ModAttr::CUSTOM_VARIABLE.bits(), "custom variables"),
];

/// The statuses [`apply`] writes into, by index: plain statuses, or statuses shared
/// copy-on-write (`Arc`s, as the core keeps them: restored in place, with no second
/// copy of every status).
pub trait StatusSlots<T> {
    /// The status at `i`, if any.
    fn slot(&mut self, i: usize) -> Option<&mut T>;
}

impl<T> StatusSlots<T> for [T] {
    fn slot(&mut self, i: usize) -> Option<&mut T> {
        self.get_mut(i)
    }
}

impl<T> StatusSlots<T> for Vec<T> {
    fn slot(&mut self, i: usize) -> Option<&mut T> {
        self.get_mut(i)
    }
}

impl<T: Clone> StatusSlots<T> for [std::sync::Arc<T>] {
    fn slot(&mut self, i: usize) -> Option<&mut T> {
        self.get_mut(i).map(std::sync::Arc::make_mut)
    }
}

/// Restores `ret` into the statuses of `model`'s objects (index = `HostId` /
/// `ServiceId`) and into `program`. Returns notes about everything ignored. `now`
/// (epoch seconds) decides whether retained `next_check` values are still usable;
/// see [`apply_view`].
pub fn apply(
    ret: &Retention,
    model: &Model,
    program: &mut ProgramState,
    hosts: &mut (impl StatusSlots<HostStatus> + ?Sized),
    services: &mut (impl StatusSlots<ServiceStatus> + ?Sized),
    use_retained_program_state: bool,
    now: i64,
) -> Vec<String> {
    apply_view(
        ret,
        &ConfigView::from_model(model),
        program,
        hosts,
        services,
        use_retained_program_state,
        now,
    )
}

/// [`apply`] with an explicit configuration view and clock (`now`, epoch seconds,
/// decides whether retained `next_check` values are still usable).
pub fn apply_view(
    ret: &Retention,
    view: &ConfigView,
    program: &mut ProgramState,
    hosts: &mut (impl StatusSlots<HostStatus> + ?Sized),
    services: &mut (impl StatusSlots<ServiceStatus> + ?Sized),
    use_retained_program_state: bool,
    now: i64,
) -> Vec<String> {
    let mut notes: Vec<String> = ret
        .problems
        .iter()
        .map(|p| format!("retention file {p}"))
        .collect();

    apply_program(ret, view, program, use_retained_program_state, &mut notes);

    let created: Option<i64> = ret
        .info_value("created")
        .and_then(|v| v.trim().parse().ok());
    let scheduling_ok = view.use_retained_scheduling_info
        && created.is_some_and(|c| now - c < view.retention_scheduling_horizon);

    let host_index: HashMap<&str, usize> = view
        .hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (h.host_name.as_str(), i))
        .collect();
    for obj in &ret.hosts {
        let label = format!("host '{}'", obj.host_name);
        let Some(&i) = host_index.get(obj.host_name.as_str()) else {
            notes.push(format!(
                "retention: {label} is not in the configuration; its retained state is ignored"
            ));
            continue;
        };
        let (Some(cfg), Some(st)) = (view.hosts.get(i), hosts.slot(i)) else {
            continue;
        };
        let mut ctx = ObjCtx {
            view,
            cfg,
            service: false,
            scheduling_ok,
            label,
            notes: &mut notes,
            mask: view.retained_host_attribute_mask,
        };
        ctx.restore(obj, st);
    }

    let svc_index: HashMap<(&str, &str), usize> = view
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                (
                    s.host_name.as_str(),
                    s.service_description.as_deref().unwrap_or(""),
                ),
                i,
            )
        })
        .collect();
    for obj in &ret.services {
        let desc = obj.service_description.as_deref().unwrap_or("");
        let label = format!("service '{};{}'", obj.host_name, desc);
        let Some(&i) = svc_index.get(&(obj.host_name.as_str(), desc)) else {
            notes.push(format!(
                "retention: {label} is not in the configuration; its retained state is ignored"
            ));
            continue;
        };
        let (Some(cfg), Some(st)) = (view.services.get(i), services.slot(i)) else {
            continue;
        };
        let mut ctx = ObjCtx {
            view,
            cfg,
            service: true,
            scheduling_ok,
            label,
            notes: &mut notes,
            mask: view.retained_service_attribute_mask,
        };
        ctx.restore(obj, st);
    }
    notes
}

fn parse_num<T: FromStr>(v: &str) -> Option<T> {
    v.trim().parse().ok()
}

fn parse_time(v: &str) -> Option<f64> {
    let t: f64 = parse_num(v)?;
    (t.is_finite() && t >= 0.0).then_some(t)
}

/// Program switch: key, modified-attribute bit, host (true) or service attributes.
type Switch = (&'static str, u64, bool, fn(&mut ProgramState, bool));

const PROGRAM_SWITCHES: &[Switch] = &[
    (
        "enable_notifications",
        ModAttr::NOTIFICATIONS_ENABLED.bits(),
        true,
        |p, v| p.enable_notifications = v,
    ),
    (
        "active_service_checks_enabled",
        ModAttr::ACTIVE_CHECKS_ENABLED.bits(),
        false,
        |p, v| p.execute_service_checks = v,
    ),
    (
        "passive_service_checks_enabled",
        ModAttr::PASSIVE_CHECKS_ENABLED.bits(),
        false,
        |p, v| p.accept_passive_service_checks = v,
    ),
    (
        "active_host_checks_enabled",
        ModAttr::ACTIVE_CHECKS_ENABLED.bits(),
        true,
        |p, v| p.execute_host_checks = v,
    ),
    (
        "passive_host_checks_enabled",
        ModAttr::PASSIVE_CHECKS_ENABLED.bits(),
        true,
        |p, v| p.accept_passive_host_checks = v,
    ),
    (
        "enable_event_handlers",
        ModAttr::EVENT_HANDLER_ENABLED.bits(),
        true,
        |p, v| p.enable_event_handlers = v,
    ),
    (
        "obsess_over_services",
        ModAttr::OBSESSIVE_HANDLER_ENABLED.bits(),
        false,
        |p, v| p.obsess_over_services = v,
    ),
    (
        "obsess_over_hosts",
        ModAttr::OBSESSIVE_HANDLER_ENABLED.bits(),
        true,
        |p, v| p.obsess_over_hosts = v,
    ),
    (
        "check_service_freshness",
        ModAttr::FRESHNESS_CHECKS_ENABLED.bits(),
        false,
        |p, v| p.check_service_freshness = v,
    ),
    (
        "check_host_freshness",
        ModAttr::FRESHNESS_CHECKS_ENABLED.bits(),
        true,
        |p, v| p.check_host_freshness = v,
    ),
    (
        "enable_flap_detection",
        ModAttr::FLAP_DETECTION_ENABLED.bits(),
        true,
        |p, v| p.enable_flap_detection = v,
    ),
    (
        "process_performance_data",
        ModAttr::PERFORMANCE_DATA_ENABLED.bits(),
        true,
        |p, v| p.process_performance_data = v,
    ),
];

fn apply_program(
    ret: &Retention,
    view: &ConfigView,
    program: &mut ProgramState,
    use_retained: bool,
    notes: &mut Vec<String>,
) {
    let value = |k: &str| ret.program_value(k);
    // Id counters never go backwards: restored regardless of use_retained_program_state.
    if let Some(n) = value("next_event_id").and_then(parse_num::<u64>) {
        program.counters.next_event_id = program.counters.next_event_id.max(n);
    }
    if let Some(n) = value("next_problem_id").and_then(parse_num::<u64>) {
        program.counters.next_problem_id = program.counters.next_problem_id.max(n);
    }
    if let Some(n) = value("next_comment_id").and_then(parse_num::<u64>) {
        program.counters.next_comment_id = program.counters.next_comment_id.max(n);
    }
    if let Some(n) = value("next_downtime_id").and_then(parse_num::<u64>) {
        program.counters.next_downtime_id = program.counters.next_downtime_id.max(n);
    }
    if let Some(n) = value("next_notification_id").and_then(parse_num::<u64>) {
        program.counters.next_notification_id = program.counters.next_notification_id.max(n);
    }
    if !use_retained || ret.program.is_empty() {
        return;
    }
    let mha = value("modified_host_attributes")
        .and_then(parse_num::<u64>)
        .unwrap_or(0)
        & !view.retained_process_host_attribute_mask;
    let msa = value("modified_service_attributes")
        .and_then(parse_num::<u64>)
        .unwrap_or(0)
        & !view.retained_process_service_attribute_mask;
    program.modified_host_attributes = ModAttr::from_bits_retain(mha);
    program.modified_service_attributes = ModAttr::from_bits_retain(msa);
    for &(key, bit, host_side, set) in PROGRAM_SWITCHES {
        let bits = if host_side { mha } else { msa };
        if bits & bit == 0 {
            continue;
        }
        match value(key).map(|v| parse_num::<i64>(v).ok_or(v)) {
            Some(Ok(n)) => set(program, n > 0),
            Some(Err(v)) => notes.push(format!(
                "retention: program value '{v}' for {key} is not a number; ignored"
            )),
            None => {}
        }
    }
    let handlers = [
        (
            "global_host_event_handler",
            mha,
            &mut program.global_host_event_handler,
            &mut program.modified_host_attributes,
        ),
        (
            "global_service_event_handler",
            msa,
            &mut program.global_service_event_handler,
            &mut program.modified_service_attributes,
        ),
    ];
    for (key, bits, slot, modified) in handlers {
        if bits & ModAttr::EVENT_HANDLER_COMMAND.bits() == 0 {
            continue;
        }
        let Some(v) = value(key) else { continue };
        if v.is_empty() {
            *slot = None;
        } else if view.command_exists(v) {
            *slot = Some(v.to_string());
        } else {
            modified.remove(ModAttr::EVENT_HANDLER_COMMAND);
            notes.push(format!(
                "retention: retained {key} '{v}' names no defined command; configured value kept"
            ));
        }
    }
}

/// A per-object retained value: modified-attribute bit, key, setter.
type StatusSwitch<S, T> = (u64, &'static str, fn(&mut Status<S>, T));

/// Restoring one object.
struct ObjCtx<'a> {
    view: &'a ConfigView,
    cfg: &'a ObjectConfig,
    service: bool,
    scheduling_ok: bool,
    label: String,
    notes: &'a mut Vec<String>,
    mask: u64,
}

impl ObjCtx<'_> {
    fn bad(&mut self, key: &str, v: &str) {
        self.notes.push(format!(
            "retention: {}: bad value '{v}' for {key}; ignored",
            self.label
        ));
    }

    fn num<T: FromStr>(&mut self, f: &HashMap<&str, &str>, key: &str) -> Option<T> {
        let v = *f.get(key)?;
        let n = parse_num(v);
        if n.is_none() {
            self.bad(key, v);
        }
        n
    }

    fn time(&mut self, f: &HashMap<&str, &str>, key: &str) -> Option<f64> {
        let v = *f.get(key)?;
        let t = parse_time(v);
        if t.is_none() {
            self.bad(key, v);
        }
        t
    }

    fn flag(&mut self, f: &HashMap<&str, &str>, key: &str) -> Option<bool> {
        self.num::<i64>(f, key).map(|n| n > 0)
    }

    fn state<S: ObjectState>(&mut self, f: &HashMap<&str, &str>, key: &str) -> Option<S> {
        let max = if S::KIND == ObjKind::Service { 3 } else { 2 };
        let v = *f.get(key)?;
        match parse_num::<u8>(v) {
            Some(s) if s <= max => Some(S::from_id(s)),
            _ => {
                self.bad(key, v);
                None
            }
        }
    }

    fn restore<S: ObjectState>(&mut self, obj: &RetainedObject, st: &mut Status<S>) {
        let f: HashMap<&str, &str> = obj.fields.iter().collect();
        let modified = self.num::<u64>(&f, "modified_attributes").unwrap_or(0) & !self.mask;
        if self.cfg.retain_status_information {
            self.restore_status(&f, st);
        }
        if self.cfg.retain_nonstatus_information {
            st.attrs.modified = ModAttr::from_bits_retain(modified);
            self.restore_nonstatus(&f, st);
        } else {
            st.attrs.modified = ModAttr::empty();
        }
        if self.cfg.retain_status_information {
            self.fix_up(st);
        }
    }

    fn restore_status<S: ObjectState>(&mut self, f: &HashMap<&str, &str>, st: &mut Status<S>) {
        if let Some(v) = self.flag(f, "has_been_checked") {
            st.has_been_checked = v;
        }
        if let Some(v) = self.num::<f64>(f, "check_execution_time") {
            st.execution_time = v;
        }
        if let Some(v) = self.num::<f64>(f, "check_latency") {
            st.latency = v;
        }
        match f.get("check_type").map(|v| (parse_num::<u8>(v), *v)) {
            Some((Some(0), _)) => st.check_type = CheckType::Active,
            Some((Some(1), _)) => st.check_type = CheckType::Passive,
            Some((_, v)) => self.bad("check_type", v),
            None => {}
        }
        if let Some(v) = self.state(f, "current_state") {
            st.current_state = v;
        }
        if let Some(v) = self.state(f, "last_state") {
            st.last_state = v;
        }
        if let Some(v) = self.state(f, "last_hard_state") {
            st.last_hard_state = v;
        }
        if let Some(v) = f.get("plugin_output") {
            st.output.short = if v.is_empty() && !st.has_been_checked {
                None
            } else {
                Some(v.to_string())
            };
        }
        if let Some(v) = f.get("long_plugin_output") {
            st.output.long = v.to_string();
        }
        if let Some(v) = f.get("performance_data") {
            st.output.perfdata = v.to_string();
        }
        if let Some(v) = self.time(f, "last_check") {
            st.last_check = v;
        }
        if self.view.use_retained_scheduling_info && self.scheduling_ok {
            if let Some(v) = self.time(f, "next_check") {
                st.next_check = v;
            }
        }
        if let Some(v) = self.num::<u32>(f, "current_attempt") {
            st.current_attempt = v.max(1);
        }
        if let Some(v) = self.num(f, "current_event_id") {
            st.current_event_id = v;
        }
        if let Some(v) = self.num(f, "last_event_id") {
            st.last_event_id = v;
        }
        if let Some(v) = self.num(f, "current_problem_id") {
            st.current_problem_id = v;
        }
        if let Some(v) = self.num(f, "last_problem_id") {
            st.last_problem_id = v;
        }
        match f.get("state_type").map(|v| (parse_num::<u8>(v), *v)) {
            Some((Some(0), _)) => st.state_type = StateType::Soft,
            Some((Some(1), _)) => st.state_type = StateType::Hard,
            Some((_, v)) => self.bad("state_type", v),
            None => {}
        }
        if let Some(v) = self.time(f, "last_state_change") {
            st.last_state_change = v;
        }
        if let Some(v) = self.time(f, "last_hard_state_change") {
            st.last_hard_state_change = v;
        }
        let names: &[&str] = if self.service {
            &[
                "last_time_ok",
                "last_time_warning",
                "last_time_critical",
                "last_time_unknown",
            ]
        } else {
            &["last_time_up", "last_time_down", "last_time_unreachable"]
        };
        for (state, key) in names.iter().enumerate() {
            if let Some(v) = self.time(f, key) {
                st.last_time_in_state[state] = v;
            }
        }
        if let Some(v) = self.num::<f64>(f, "percent_state_change") {
            st.percent_state_change = v;
        }
        if let Some(v) = self.flag(f, "is_flapping") {
            st.is_flapping = v;
        }
        self.restore_notification(f, st);
        if let Some(v) = f.get("state_history") {
            let max = if self.service { 3 } else { 2 };
            let parsed: Option<Vec<u8>> = v
                .split(',')
                .take(STATE_HISTORY_LEN)
                .map(|s| parse_num::<u8>(s).filter(|&n| n <= max))
                .collect();
            match parsed {
                Some(h) if !v.trim().is_empty() => st.state_history = h,
                _ => self.bad("state_history", v),
            }
        }
    }

    /// Notification numbers and times, `notified_on_*`, the acknowledgement and the
    /// flapping recovery flags.
    fn restore_notification<S: ObjectState>(
        &mut self,
        f: &HashMap<&str, &str>,
        st: &mut Status<S>,
    ) {
        let states: &[(&str, u8)] = if self.service {
            &[
                ("notified_on_warning", 1),
                ("notified_on_critical", 2),
                ("notified_on_unknown", 3),
            ]
        } else {
            &[("notified_on_down", 1), ("notified_on_unreachable", 2)]
        };
        for &(key, id) in states {
            if let Some(v) = self.flag(f, key) {
                let bit = 1u8 << id;
                let n = &mut st.notify;
                if v {
                    n.notified_on |= bit;
                } else {
                    n.notified_on &= !bit;
                }
            }
        }
        if let Some(v) = self.time(f, "last_notification") {
            st.notify.last_notification = v;
        }
        if let Some(v) = self.num::<u32>(f, "current_notification_number") {
            st.notify.current_notification_number = v;
        }
        if let Some(v) = self.num::<u64>(f, "current_notification_id") {
            st.notify.current_notification_id = v;
        }
        if let Some(v) = self.flag(f, "problem_has_been_acknowledged") {
            st.notify.acknowledged = v;
        }
        if let Some(v) = self.num::<i64>(f, "acknowledgement_type") {
            st.notify.ack = vigil_state::AckKind::from_id(v);
        }
        if let Some(v) = self.flag(f, "check_flapping_recovery_notification") {
            st.notify.check_flapping_recovery_notification = v;
        }
        if let Some(v) = self.num::<u64>(f, "flapping_comment_id") {
            st.notify.flapping_comment_id = v;
        }
    }

    fn restore_nonstatus<S: ObjectState>(&mut self, f: &HashMap<&str, &str>, st: &mut Status<S>) {
        let bits = st.attrs.modified.bits();
        let switches: [StatusSwitch<S, bool>; 7] = [
            (
                ModAttr::NOTIFICATIONS_ENABLED.bits(),
                "notifications_enabled",
                |s, v| s.attrs.notifications_enabled = v,
            ),
            (
                ModAttr::PERFORMANCE_DATA_ENABLED.bits(),
                "process_performance_data",
                |s, v| s.attrs.process_perf_data = v,
            ),
            (
                ModAttr::OBSESSIVE_HANDLER_ENABLED.bits(),
                "obsess",
                |s, v| s.attrs.obsess = v,
            ),
            (
                ModAttr::ACTIVE_CHECKS_ENABLED.bits(),
                "active_checks_enabled",
                |s, v| s.attrs.active_checks_enabled = v,
            ),
            (
                ModAttr::PASSIVE_CHECKS_ENABLED.bits(),
                "passive_checks_enabled",
                |s, v| s.attrs.passive_checks_enabled = v,
            ),
            (
                ModAttr::EVENT_HANDLER_ENABLED.bits(),
                "event_handler_enabled",
                |s, v| s.attrs.event_handler_enabled = v,
            ),
            (
                ModAttr::FLAP_DETECTION_ENABLED.bits(),
                "flap_detection_enabled",
                |s, v| s.attrs.flap_detection_enabled = v,
            ),
        ];
        for (bit, key, set) in switches {
            if bits & bit != 0 {
                if let Some(v) = self.flag(f, key) {
                    set(st, v);
                }
            }
        }
        if bits & ModAttr::EVENT_HANDLER_COMMAND.bits() != 0 {
            if let Some(v) = f.get("event_handler") {
                if v.is_empty() || self.view.command_exists(v) {
                    st.attrs.event_handler = Some(v.to_string());
                } else {
                    st.attrs.modified.remove(ModAttr::EVENT_HANDLER_COMMAND);
                    self.notes.push(format!(
                        "retention: {}: retained event_handler '{v}' names no defined command; configured value kept",
                        self.label
                    ));
                }
            }
        }
        if bits & ModAttr::CHECK_TIMEPERIOD.bits() != 0 {
            // As notification_period: the name comes back, the configured period
            // stays in effect (Nagios 4.4.6, recorded); an unknown one drops the bit.
            match f.get("check_period") {
                Some(v) if self.view.timeperiods.contains(*v) => {
                    st.attrs.check_period = Some(PeriodChange {
                        name: v.to_string(),
                        in_effect: false,
                    });
                }
                _ => st.attrs.modified.remove(ModAttr::CHECK_TIMEPERIOD),
            }
        }
        if bits & ModAttr::NOTIFICATION_TIMEPERIOD.bits() != 0 {
            // The name comes back, not the period the rules use (Nagios 4.4.6, see
            // `PeriodChange`); an unknown one drops the bit, silently like Nagios.
            match f.get("notification_period") {
                Some(v) if self.view.timeperiods.contains(*v) => {
                    st.attrs.notification_period = Some(PeriodChange {
                        name: v.to_string(),
                        in_effect: false,
                    });
                }
                _ => st.attrs.modified.remove(ModAttr::NOTIFICATION_TIMEPERIOD),
            }
        }
        let intervals: [StatusSwitch<S, f64>; 2] = [
            (
                ModAttr::NORMAL_CHECK_INTERVAL.bits(),
                "check_interval",
                |s, v| s.attrs.check_interval = Some(v),
            ),
            (
                ModAttr::RETRY_CHECK_INTERVAL.bits(),
                "retry_interval",
                |s, v| s.attrs.retry_interval = Some(v),
            ),
        ];
        for (bit, key, set) in intervals {
            if bits & bit != 0 {
                match f.get(key).map(|v| (parse_num::<f64>(v), *v)) {
                    Some((Some(n), _)) if n.is_finite() && n >= 0.0 => set(st, n),
                    Some((_, v)) => self.bad(key, v),
                    None => {}
                }
            }
        }
        if bits & ModAttr::MAX_CHECK_ATTEMPTS.bits() != 0 {
            match f.get("max_attempts").map(|v| (parse_num::<u32>(v), *v)) {
                Some((Some(n), _)) if n >= 1 => st.attrs.max_attempts = Some(n),
                Some((_, v)) => self.bad("max_attempts", v),
                None => {}
            }
        }
        let unsupported: Vec<&str> = UNSUPPORTED_OBJECT_BITS
            .iter()
            .filter(|(bit, _)| bits & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        if !unsupported.is_empty() {
            for (bit, _) in UNSUPPORTED_OBJECT_BITS {
                st.attrs.modified.remove(ModAttr::from_bits_retain(*bit));
            }
            self.notes.push(format!(
                "retention: {}: run-time changes of {} are not supported; configured values kept",
                self.label,
                unsupported.join(", ")
            ));
        }
    }

    fn fix_up<S: ObjectState>(&mut self, st: &mut Status<S>) {
        if self.service && !st.has_been_checked && st.state_type == StateType::Soft {
            st.state_type = StateType::Hard;
        }
        let max = st
            .attrs
            .max_attempts
            .unwrap_or(self.cfg.max_check_attempts)
            .max(1);
        if !st.current_state.is_ok() && st.state_type == StateType::Hard {
            st.current_attempt = max;
        }
        if st.last_hard_state_change == 0.0 {
            st.last_hard_state_change = st.last_state_change;
        }
    }
}
