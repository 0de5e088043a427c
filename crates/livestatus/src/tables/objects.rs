//! Columns of hosts and services (the `hosts` and `services` tables, and the
//! `host_*` / `service_*` columns every joined table carries).
//!
//! Values follow mk-livestatus 1.5 on Nagios 4: state ids as integers, times as
//! epoch seconds, booleans as 0/1, lists in Nagios's internal order (see
//! [`crate::index`]).

use crate::column::{Atom, ColDef, Ctx, ListSink, NONE};
use crate::site::{HandlerRun, ObjectExtra};
use std::borrow::Cow;
use vigil_config::{CheckSettings, HostId, ServiceId, Str};
use vigil_state::{HostState, ModAttr, ObjectState, ServiceState, StateType, Status};

/// Access to the parts of a host or service, so one accessor serves both.
pub(crate) trait Obj {
    const HOST: bool;
    /// `HostState` or `ServiceState`.
    type State: ObjectState;
    fn st<'a>(c: &'a Ctx<'a>, i: u32) -> &'a Status<Self::State>;
    fn ex(c: &Ctx<'_>, i: u32) -> ObjectExtra;
    fn last_handler<'a>(c: &'a Ctx<'a>, i: u32) -> Option<&'a HandlerRun>;
    fn set<'a>(c: &'a Ctx<'a>, i: u32) -> &'a CheckSettings;
    fn cv_order<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [usize];
    fn comment_key(c: &Ctx<'_>, i: u32) -> (u32, u32);
    fn contacts<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactId];
    fn contact_groups<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactgroupId];
}

pub(crate) struct H;
pub(crate) struct S;

impl Obj for H {
    const HOST: bool = true;
    type State = HostState;
    #[inline]
    fn st<'a>(c: &'a Ctx<'a>, i: u32) -> &'a Status<HostState> {
        c.hosts
            .get(i as usize)
            .unwrap_or_else(|| crate::site::absent_host())
    }
    fn ex(c: &Ctx<'_>, i: u32) -> ObjectExtra {
        c.site.host_extra(HostId(i))
    }
    fn last_handler<'a>(c: &'a Ctx<'a>, i: u32) -> Option<&'a HandlerRun> {
        c.site.host_last_handler(HostId(i))
    }
    fn set<'a>(c: &'a Ctx<'a>, i: u32) -> &'a CheckSettings {
        &c.m.hosts[i as usize].settings
    }
    fn cv_order<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [usize] {
        c.ix.host_cv_dict
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn comment_key(_c: &Ctx<'_>, i: u32) -> (u32, u32) {
        (i, NONE)
    }
    fn contacts<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactId] {
        c.ix.host_contacts
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn contact_groups<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactgroupId] {
        c.ix.host_contact_groups
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Obj for S {
    const HOST: bool = false;
    type State = ServiceState;
    #[inline]
    fn st<'a>(c: &'a Ctx<'a>, i: u32) -> &'a Status<ServiceState> {
        c.services
            .get(i as usize)
            .unwrap_or_else(|| crate::site::absent_service())
    }
    fn ex(c: &Ctx<'_>, i: u32) -> ObjectExtra {
        c.site.service_extra(ServiceId(i))
    }
    fn last_handler<'a>(c: &'a Ctx<'a>, i: u32) -> Option<&'a HandlerRun> {
        c.site.service_last_handler(ServiceId(i))
    }
    fn set<'a>(c: &'a Ctx<'a>, i: u32) -> &'a CheckSettings {
        &c.m.services[i as usize].settings
    }
    fn cv_order<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [usize] {
        c.ix.service_cv_dict
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn comment_key(c: &Ctx<'_>, i: u32) -> (u32, u32) {
        (c.m.services[i as usize].host.0, i)
    }
    fn contacts<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactId] {
        c.ix.service_contacts
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    fn contact_groups<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [vigil_config::ContactgroupId] {
        c.ix.service_contact_groups
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

fn b(v: bool) -> i64 {
    i64::from(v)
}

fn opt_str(v: &Option<Str>) -> Cow<'_, str> {
    Cow::Borrowed(v.as_deref().unwrap_or(""))
}

// ---------------------------------------------------------------- shared accessors

fn accept_passive<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.passive_checks_enabled)
}
fn acknowledged<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::ex(c, i).acknowledgement.is_some())
}
fn ack_type<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    let ex = O::ex(c, i);
    ex.acknowledgement
        .map(|k| k as i64)
        .unwrap_or(i64::from(ex.removed_acknowledgement_type))
}
fn action_url<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    opt_str(&O::set(c, i).action_url)
}
fn notes<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    opt_str(&O::set(c, i).notes)
}
fn notes_url<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    opt_str(&O::set(c, i).notes_url)
}
fn icon_image<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    opt_str(&O::set(c, i).icon_image)
}
fn icon_image_alt<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    opt_str(&O::set(c, i).icon_image_alt)
}
fn active_checks<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.active_checks_enabled)
}
fn check_command<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(
        O::set(c, i)
            .check_command
            .as_ref()
            .map(|cc| cc.raw.as_str())
            .unwrap_or(""),
    )
}
fn zero(_c: &Ctx<'_>, _i: u32) -> i64 {
    0
}
fn zero_f(_c: &Ctx<'_>, _i: u32) -> f64 {
    0.0
}
fn minus_one(_c: &Ctx<'_>, _i: u32) -> i64 {
    -1
}
fn one(_c: &Ctx<'_>, _i: u32) -> i64 {
    1
}
fn empty<'a>(_c: &'a Ctx<'a>, _i: u32) -> Cow<'a, str> {
    Cow::Borrowed("")
}
fn empty_list(_c: &Ctx<'_>, _i: u32, _s: &mut dyn ListSink) {}
fn check_freshness<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.check_freshness)
}
fn check_interval<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::st(c, i)
        .attrs
        .check_interval
        .unwrap_or(O::set(c, i).check_interval)
}
fn retry_interval<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::st(c, i)
        .attrs
        .retry_interval
        .unwrap_or(O::set(c, i).retry_interval)
}
fn period_name<'a>(c: &'a Ctx<'a>, p: Option<vigil_config::TimeperiodId>) -> Cow<'a, str> {
    Cow::Borrowed(
        p.and_then(|p| c.m.timeperiods.get(p.idx()))
            .map(|t| t.name.as_str())
            .unwrap_or(""),
    )
}
/// The check period's name: a run-time change (`CHANGE_*_CHECK_TIMEPERIOD`, also one
/// restored after a restart, which is shown but not in effect), else the configured.
fn check_period<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    match &O::st(c, i).attrs.check_period {
        Some(p) => Cow::Borrowed(p.name.as_str()),
        None => period_name(c, O::set(c, i).check_period),
    }
}
fn notification_period<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    period_name(c, O::set(c, i).notification_period)
}
fn in_period(c: &Ctx<'_>, p: Option<vigil_config::TimeperiodId>) -> i64 {
    match p {
        Some(p) => b(c.period_active(p)),
        None => 1,
    }
}
fn in_check_period<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    let period = match &O::st(c, i).attrs.check_period {
        Some(p) if p.in_effect => c.m.index.timeperiods.get(p.name.as_str()).copied(),
        _ => O::set(c, i).check_period,
    };
    in_period(c, period)
}
fn in_notification_period<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    in_period(c, O::set(c, i).notification_period)
}
fn check_type<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).check_type as i64
}
fn comment_ids<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    let (h, sv) = O::comment_key(c, i);
    let all = c.site.comments();
    for &p in c.comments_of(h, sv) {
        if let Some(cm) = all.get(p as usize) {
            s.atom(Atom::Int(cm.id as i64));
        }
    }
}
fn comments_info<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    let (h, sv) = O::comment_key(c, i);
    let all = c.site.comments();
    for &p in c.comments_of(h, sv) {
        if let Some(cm) = all.get(p as usize) {
            s.tuple(&[
                Atom::Int(cm.id as i64),
                Atom::Str(&cm.author),
                Atom::Str(&cm.text),
            ]);
        }
    }
}
fn comments_extra<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    let (h, sv) = O::comment_key(c, i);
    let all = c.site.comments();
    for &p in c.comments_of(h, sv) {
        if let Some(cm) = all.get(p as usize) {
            s.tuple(&[
                Atom::Int(cm.id as i64),
                Atom::Str(&cm.author),
                Atom::Str(&cm.text),
                Atom::Int(i64::from(cm.entry_type)),
                Atom::Int(cm.entry_time),
            ]);
        }
    }
}
fn downtime_ids<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    let (h, sv) = O::comment_key(c, i);
    let all = c.site.downtimes();
    for &p in c.downtimes_of(h, sv) {
        if let Some(d) = all.get(p as usize) {
            s.atom(Atom::Int(d.id as i64));
        }
    }
}
fn downtimes_info<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    let (h, sv) = O::comment_key(c, i);
    let all = c.site.downtimes();
    for &p in c.downtimes_of(h, sv) {
        if let Some(d) = all.get(p as usize) {
            s.tuple(&[
                Atom::Int(d.id as i64),
                Atom::Str(&d.author),
                Atom::Str(&d.comment),
            ]);
        }
    }
}
fn contact_groups<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for g in O::contact_groups(c, i) {
        if let Some(g) = c.m.contactgroups.get(g.idx()) {
            s.atom(Atom::Str(&g.name));
        }
    }
}
fn contacts<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for k in O::contacts(c, i) {
        if let Some(k) = c.m.contacts.get(k.idx()) {
            s.atom(Atom::Str(&k.name));
        }
    }
}
fn current_attempt<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::st(c, i).current_attempt)
}
fn notification_number<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::ex(c, i).current_notification_number)
}
/// A custom variable's value in effect: changed at run time, else configured.
fn cv_value<'a, O: Obj>(c: &'a Ctx<'a>, i: u32, name: &str, configured: &'a str) -> &'a str {
    O::st(c, i)
        .attrs
        .custom_vars
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or(configured)
}
fn cvars<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> &'a [(Str, Str)] {
    &O::set(c, i).custom_vars
}
fn cv_names<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for (k, _) in cvars::<O>(c, i) {
        s.atom(Atom::Str(k));
    }
}
fn cv_values<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for (k, v) in cvars::<O>(c, i) {
        s.atom(Atom::Str(cv_value::<O>(c, i, k, v)));
    }
}
fn cv_dict<'a, O: Obj>(c: &'a Ctx<'a>, i: u32, f: &mut dyn FnMut(&str, &str)) {
    let vars = &O::set(c, i).custom_vars;
    for &p in O::cv_order(c, i) {
        if let Some((k, v)) = vars.get(p) {
            f(k, cv_value::<O>(c, i, k, v));
        }
    }
}
fn event_handler<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    if let Some(o) = &O::st(c, i).attrs.event_handler {
        return Cow::Borrowed(o.as_str());
    }
    Cow::Borrowed(
        O::set(c, i)
            .event_handler
            .as_ref()
            .map(|h| h.raw.as_str())
            .unwrap_or(""),
    )
}
fn event_handler_enabled<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.event_handler_enabled)
}
fn execution_time<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::st(c, i).execution_time
}
fn latency<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::st(c, i).latency
}
fn first_notification_delay<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::set(c, i).first_notification_delay
}
fn notification_interval<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::set(c, i).notification_interval
}
fn flap_detection<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.flap_detection_enabled)
}
pub(crate) fn hard_state_of<T: ObjectState>(st: &Status<T>) -> i64 {
    if st.state_type == StateType::Hard {
        i64::from(st.current_state.id())
    } else {
        i64::from(st.last_hard_state.id())
    }
}
fn hard_state<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    hard_state_of(O::st(c, i))
}
fn has_been_checked<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).has_been_checked)
}
fn high_flap<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::set(c, i).high_flap_threshold
}
fn low_flap<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::set(c, i).low_flap_threshold
}
fn initial_state<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::set(c, i).initial_state)
}
fn is_executing<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::ex(c, i).is_executing)
}
fn is_flapping<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).is_flapping)
}
fn last_check<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_check as i64
}
fn last_hard_state<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::st(c, i).last_hard_state.id())
}
fn last_hard_state_change<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_hard_state_change as i64
}
fn last_notification<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::ex(c, i).last_notification
}
fn next_notification<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::ex(c, i).next_notification
}
fn no_more_notifications<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::ex(c, i).no_more_notifications)
}
fn flapping_recovery<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::ex(c, i).check_flapping_recovery_notification)
}
fn last_state<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::st(c, i).last_state.id())
}
fn last_state_change<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_state_change as i64
}
fn last_time_0<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_time_in_state[0] as i64
}
fn last_time_1<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_time_in_state[1] as i64
}
fn last_time_2<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_time_in_state[2] as i64
}
fn last_time_3<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).last_time_in_state[3] as i64
}
fn long_output<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&O::st(c, i).output.long)
}
fn plugin_output<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(O::st(c, i).output.short.as_deref().unwrap_or(""))
}
fn perf_data<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&O::st(c, i).output.perfdata)
}
fn max_check_attempts<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(
        O::st(c, i)
            .attrs
            .max_attempts
            .unwrap_or(O::set(c, i).max_check_attempts),
    )
}
fn modified_attributes<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).attrs.modified.bits() as i64
}

/// Names of the MODATTR_* bits, in bit order.
pub(crate) const MODATTR_NAMES: [&str; 19] = [
    "notifications_enabled",
    "active_checks_enabled",
    "passive_checks_enabled",
    "event_handler_enabled",
    "flap_detection_enabled",
    "failure_prediction_enabled",
    "performance_data_enabled",
    "obsessive_handler_enabled",
    "event_handler_command",
    "check_command",
    "normal_check_interval",
    "retry_check_interval",
    "max_check_attempts",
    "freshness_checks_enabled",
    "check_timeperiod",
    "custom_variable",
    "notification_timeperiod",
    "host_notification_timeperiod",
    "service_notification_timeperiod",
];

pub(crate) fn modattr_list(bits: ModAttr, s: &mut dyn ListSink) {
    let bits = bits.bits();
    for (n, name) in MODATTR_NAMES.iter().enumerate() {
        if bits & (1 << n) != 0 {
            s.atom(Atom::Str(name));
        }
    }
}
fn modified_attributes_list<O: Obj>(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    modattr_list(O::st(c, i).attrs.modified, s)
}
fn next_check<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).next_check as i64
}
fn notifications_enabled<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.notifications_enabled)
}
fn obsess<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.obsess)
}
fn percent_state_change<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    O::st(c, i).percent_state_change
}
fn process_perf_data<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    b(O::st(c, i).attrs.process_perf_data)
}
fn downtime_depth<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::ex(c, i).scheduled_downtime_depth)
}
fn pending_flex<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::ex(c, i).pending_flex_downtime)
}
fn staleness<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    let st = O::st(c, i);
    let interval = check_interval::<O>(c, i);
    let il = c.m.main.interval_length as f64;
    let span = if interval == 0.0 { 1.0 } else { interval } * if il == 0.0 { 1.0 } else { il };
    (c.env.now.floor() - st.last_check.floor()) / span
}
fn state<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(O::st(c, i).current_state.id())
}
fn state_type<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    O::st(c, i).state_type as i64
}
fn handler_run<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Option<&'a HandlerRun> {
    O::last_handler(c, i)
}
fn handler_time<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    handler_run::<O>(c, i).map(|r| r.start as i64).unwrap_or(0)
}
fn handler_exit<O: Obj>(c: &Ctx<'_>, i: u32) -> i64 {
    handler_run::<O>(c, i).map(|r| r.exit_code()).unwrap_or(-1)
}
fn handler_duration<O: Obj>(c: &Ctx<'_>, i: u32) -> f64 {
    handler_run::<O>(c, i).map(|r| r.duration).unwrap_or(0.0)
}
fn handler_outcome<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(
        handler_run::<O>(c, i)
            .map(|r| r.outcome_name())
            .unwrap_or(""),
    )
}

// ---------------------------------------------------------------- macro expansion

/// Expands the standard object macros in URLs and notes (`$HOSTNAME$`,
/// `$HOSTADDRESS$`, `$SERVICEDESC$`, `$_HOSTvar$`, ...). Unknown macros stay as written.
fn expand<'a>(c: &Ctx<'_>, host: u32, svc: u32, text: &'a str) -> Cow<'a, str> {
    if !text.contains('$') {
        return Cow::Borrowed(text);
    }
    let h = c.m.hosts.get(host as usize);
    let s = if svc == NONE {
        None
    } else {
        c.m.services.get(svc as usize)
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let Some(q) = after.find('$') else {
            out.push_str(&rest[p..]);
            rest = "";
            break;
        };
        let name = &after[..q];
        let val: Option<String> = match name {
            "HOSTNAME" => h.map(|h| h.name.clone()),
            "HOSTALIAS" => h.map(|h| h.alias.clone()),
            "HOSTADDRESS" => h.map(|h| h.address.clone()),
            "HOSTDISPLAYNAME" => h.map(|h| h.display_name.clone()),
            "SERVICEDESC" => s.map(|s| s.description.to_string()),
            "SERVICEDISPLAYNAME" => s.map(|s| s.display_name.to_string()),
            _ => {
                if let Some(v) = name.strip_prefix("_HOST") {
                    h.and_then(|h| {
                        h.settings
                            .custom_vars
                            .iter()
                            .find(|(k, _)| k.as_str() == v)
                            .map(|(_, x)| x.to_string())
                    })
                } else if let Some(v) = name.strip_prefix("_SERVICE") {
                    s.and_then(|s| {
                        s.settings
                            .custom_vars
                            .iter()
                            .find(|(k, _)| k.as_str() == v)
                            .map(|(_, x)| x.to_string())
                    })
                } else if let Some(n) = name.strip_prefix("USER") {
                    n.parse::<usize>()
                        .ok()
                        .and_then(|n| c.m.user_macros.get(n))
                        .map(str::to_string)
                } else {
                    None
                }
            }
        };
        match val {
            Some(v) => {
                out.push_str(&v);
                rest = &after[q + 1..];
            }
            None => {
                out.push('$');
                out.push_str(name);
                rest = &after[q..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn key<O: Obj>(c: &Ctx<'_>, i: u32) -> (u32, u32) {
    if O::HOST {
        (i, NONE)
    } else {
        (c.m.services[i as usize].host.0, i)
    }
}
fn action_url_exp<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    let (h, s) = key::<O>(c, i);
    expand(c, h, s, O::set(c, i).action_url.as_deref().unwrap_or(""))
}
fn notes_exp<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    let (h, s) = key::<O>(c, i);
    expand(c, h, s, O::set(c, i).notes.as_deref().unwrap_or(""))
}
fn notes_url_exp<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    let (h, s) = key::<O>(c, i);
    expand(c, h, s, O::set(c, i).notes_url.as_deref().unwrap_or(""))
}
fn icon_image_exp<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    let (h, s) = key::<O>(c, i);
    expand(c, h, s, O::set(c, i).icon_image.as_deref().unwrap_or(""))
}
fn check_command_exp<'a, O: Obj>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    let (h, s) = key::<O>(c, i);
    let raw = O::set(c, i)
        .check_command
        .as_ref()
        .map(|cc| cc.raw.as_str())
        .unwrap_or("");
    expand(c, h, s, raw)
}

// ---------------------------------------------------------------- host only

fn h<'a>(c: &'a Ctx<'a>, i: u32) -> &'a vigil_config::Host {
    &c.m.hosts[i as usize]
}
fn h_address<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&h(c, i).address)
}
fn h_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&h(c, i).alias)
}
fn h_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&h(c, i).name)
}
fn h_display_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&h(c, i).display_name)
}
fn host_list(c: &Ctx<'_>, v: Option<&Vec<HostId>>, s: &mut dyn ListSink) {
    for x in v.map(Vec::as_slice).unwrap_or(&[]) {
        if let Some(x) = c.m.hosts.get(x.idx()) {
            s.atom(Atom::Str(&x.name));
        }
    }
}
fn h_childs(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    host_list(c, c.ix.host_childs.get(i as usize), s)
}
fn h_parents(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    host_list(c, c.ix.host_parents.get(i as usize), s)
}
fn h_groups(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for g in
        c.ix.host_groups
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    {
        if let Some(g) = c.m.hostgroups.get(g.idx()) {
            s.atom(Atom::Str(&g.name));
        }
    }
}
fn h_svcs<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [ServiceId] {
    c.ix.host_services
        .get(i as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
fn h_services(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in h_svcs(c, i) {
        s.atom(Atom::Str(&c.m.services[x.idx()].description));
    }
}
fn h_services_with_state(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in h_svcs(c, i) {
        let st = c.site.service_status(*x);
        s.tuple(&[
            Atom::Str(&c.m.services[x.idx()].description),
            Atom::Int(i64::from(st.current_state.id())),
            Atom::Int(b(st.has_been_checked)),
        ]);
    }
}
fn h_services_with_info(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in h_svcs(c, i) {
        let st = c.site.service_status(*x);
        s.tuple(&[
            Atom::Str(&c.m.services[x.idx()].description),
            Atom::Int(i64::from(st.current_state.id())),
            Atom::Int(b(st.has_been_checked)),
            Atom::Str(st.output.short.as_deref().unwrap_or("")),
        ]);
    }
}
fn h_services_with_fullstate(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in h_svcs(c, i) {
        let st = c.site.service_status(*x);
        let ex = c.site.service_extra(*x);
        let svc = &c.m.services[x.idx()];
        s.tuple(&[
            Atom::Str(&svc.description),
            Atom::Int(i64::from(st.current_state.id())),
            Atom::Int(b(st.has_been_checked)),
            Atom::Str(st.output.short.as_deref().unwrap_or("")),
            Atom::Int(i64::from(st.last_hard_state.id())),
            Atom::Int(i64::from(st.current_attempt)),
            Atom::Int(i64::from(
                st.attrs
                    .max_attempts
                    .unwrap_or(svc.settings.max_check_attempts),
            )),
            Atom::Int(i64::from(ex.scheduled_downtime_depth)),
            Atom::Int(b(ex.acknowledgement.is_some())),
            Atom::Int(1),
        ]);
    }
}

/// Counts over a set of services: [ok, warn, crit, unknown, pending, hard ok, hard warn,
/// hard crit, hard unknown, total].
pub(crate) fn service_counts(c: &Ctx<'_>, svcs: &[ServiceId]) -> [i64; 10] {
    let mut n = [0i64; 10];
    for x in svcs {
        let st = c.site.service_status(*x);
        n[9] += 1;
        if !st.has_been_checked {
            n[4] += 1;
            continue;
        }
        let k = usize::from(st.current_state.id().min(3));
        n[k] += 1;
        let hs = hard_state_of(st).clamp(0, 3) as usize;
        n[5 + hs] += 1;
    }
    n
}

/// Severity order of service states: OK < WARNING < UNKNOWN < CRITICAL.
pub(crate) fn svc_severity(s: i64) -> i64 {
    match s {
        0 => 0,
        1 => 1,
        3 => 2,
        _ => 3,
    }
}

pub(crate) fn worst_service(c: &Ctx<'_>, svcs: &[ServiceId], hard: bool) -> i64 {
    let mut worst = 0i64;
    for x in svcs {
        let st = c.site.service_status(*x);
        let v = if hard {
            hard_state_of(st)
        } else {
            i64::from(st.current_state.id())
        };
        if svc_severity(v) > svc_severity(worst) {
            worst = v;
        }
    }
    worst
}

macro_rules! count_fn {
    ($name:ident, $k:expr) => {
        fn $name(c: &Ctx<'_>, i: u32) -> i64 {
            service_counts(c, h_svcs(c, i))[$k]
        }
    };
}
count_fn!(h_num_ok, 0);
count_fn!(h_num_warn, 1);
count_fn!(h_num_crit, 2);
count_fn!(h_num_unknown, 3);
count_fn!(h_num_pending, 4);
count_fn!(h_num_hard_ok, 5);
count_fn!(h_num_hard_warn, 6);
count_fn!(h_num_hard_crit, 7);
count_fn!(h_num_hard_unknown, 8);
count_fn!(h_num_services, 9);
fn h_worst(c: &Ctx<'_>, i: u32) -> i64 {
    worst_service(c, h_svcs(c, i), false)
}
fn h_worst_hard(c: &Ctx<'_>, i: u32) -> i64 {
    worst_service(c, h_svcs(c, i), true)
}

// ---------------------------------------------------------------- service only

fn s_description<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.services[i as usize].description)
}
fn s_display_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.services[i as usize].display_name)
}
fn s_groups(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for g in
        c.ix.service_groups
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    {
        if let Some(g) = c.m.servicegroups.get(g.idx()) {
            s.atom(Atom::Str(&g.name));
        }
    }
}

macro_rules! col {
    ($($t:tt)*) => {
        crate::column::col_def!($($t)*)
    };
}

/// Columns both hosts and services have, with the same name.
fn common<O: Obj>(v: &mut Vec<ColDef>) {
    v.extend([
        col!("accept_passive_checks", "Whether passive checks are accepted (0/1)", Get::Int(accept_passive::<O>)),
        col!("acknowledged", "Whether the current problem has been acknowledged (0/1)", Get::Int(acknowledged::<O>)),
        col!("acknowledgement_type", "Type of acknowledgement (0: none, 1: normal, 2: sticky)", Get::Int(ack_type::<O>)),
        col!("action_url", "An optional URL to custom actions or information", Get::Str(action_url::<O>)),
        col!("action_url_expanded", "The action_url with macros expanded", Get::Str(action_url_exp::<O>)),
        col!("active_checks_enabled", "Whether active checks are enabled (0/1)", Get::Int(active_checks::<O>)),
        col!("check_command", "Logical command name for active checks", Get::Str(check_command::<O>)),
        col!("check_command_expanded", "Logical command name for active checks, with macros expanded", Get::Str(check_command_exp::<O>)),
        col!("check_freshness", "Whether freshness checks are enabled (0/1)", Get::Int(check_freshness::<O>)),
        col!("check_interval", "Number of basic interval lengths between two scheduled checks", Get::Float(check_interval::<O>)),
        col!("check_options", "The current check option, forced, normal, freshness (0-2)", Get::Int(zero)),
        col!("check_period", "Time period in which this object will be checked", Get::Str(check_period::<O>)),
        col!("check_type", "Type of check (0: active, 1: passive)", Get::Int(check_type::<O>)),
        col!("checks_enabled", "Whether checks are enabled (0/1)", Get::Int(active_checks::<O>)),
        col!("comments", "A list of the ids of all comments", Get::List(comment_ids::<O>)),
        col!("comments_with_extra_info", "A list of the comments with id, author, comment, entry type and entry time", Get::List(comments_extra::<O>)),
        col!("comments_with_info", "A list of the comments with id, author and comment", Get::List(comments_info::<O>)),
        col!("contact_groups", "A list of all contact groups", Get::List(contact_groups::<O>)),
        col!("contacts", "A list of all contacts, directly or via a contact group", Get::List(contacts::<O>)),
        col!("current_attempt", "Number of the current check attempt", Get::Int(current_attempt::<O>)),
        col!("current_notification_number", "Number of the current notification", Get::Int(notification_number::<O>)),
        col!("custom_variable_names", "A list of the names of the custom variables", Get::List(cv_names::<O>)),
        col!("custom_variable_values", "A list of the values of the custom variables", Get::List(cv_values::<O>)),
        col!("custom_variables", "A dictionary of the custom variables", Get::Dict(cv_dict::<O>)),
        col!("downtimes", "A list of the ids of all scheduled downtimes", Get::List(downtime_ids::<O>)),
        col!("downtimes_with_info", "A list of the scheduled downtimes with id, author and comment", Get::List(downtimes_info::<O>)),
        col!("event_handler", "Command used as event handler", Get::Str(event_handler::<O>)),
        col!("event_handler_enabled", "Whether event handling is enabled (0/1)", Get::Int(event_handler_enabled::<O>)),
        col!("execution_time", "Time the check needed for execution", Get::Float(execution_time::<O>)),
        col!("first_notification_delay", "Delay before the first notification", Get::Float(first_notification_delay::<O>)),
        col!("flap_detection_enabled", "Whether flap detection is enabled (0/1)", Get::Int(flap_detection::<O>)),
        col!("hard_state", "The effective hard state", Get::Int(hard_state::<O>)),
        col!("has_been_checked", "Whether a check has already been executed (0/1)", Get::Int(has_been_checked::<O>)),
        col!("high_flap_threshold", "High threshold of flap detection", Get::Float(high_flap::<O>)),
        col!("icon_image", "The name of an image file to be used in the web pages", Get::Str(icon_image::<O>)),
        col!("icon_image_alt", "Alternative text for the icon_image", Get::Str(icon_image_alt::<O>)),
        col!("icon_image_expanded", "The icon_image with macros expanded", Get::Str(icon_image_exp::<O>)),
        col!("in_check_period", "Whether this object is currently in its check period (0/1)", Get::Int(in_check_period::<O>)),
        col!("in_notification_period", "Whether this object is currently in its notification period (0/1)", Get::Int(in_notification_period::<O>)),
        col!("in_service_period", "Whether this object is currently in its service period (0/1)", Get::Int(one)),
        col!("initial_state", "Initial state", Get::Int(initial_state::<O>)),
        col!("is_executing", "Is there a check currently running (0/1)", Get::Int(is_executing::<O>)),
        col!("is_flapping", "Whether the state is flapping (0/1)", Get::Int(is_flapping::<O>)),
        col!("last_check", "Time of the last check (Unix timestamp)", Get::Time(last_check::<O>)),
        col!("last_hard_state", "Last hard state", Get::Int(last_hard_state::<O>)),
        col!("last_hard_state_change", "Time of the last hard state change (Unix timestamp)", Get::Time(last_hard_state_change::<O>)),
        col!("last_notification", "Time of the last notification (Unix timestamp)", Get::Time(last_notification::<O>)),
        col!("last_state", "State before the last state change", Get::Int(last_state::<O>)),
        col!("last_state_change", "Time of the last state change (Unix timestamp)", Get::Time(last_state_change::<O>)),
        col!("latency", "Time difference between scheduled check time and actual check time", Get::Float(latency::<O>)),
        col!("long_plugin_output", "Complete output from check plugin", Get::Str(long_output::<O>)),
        col!("low_flap_threshold", "Low threshold of flap detection", Get::Float(low_flap::<O>)),
        col!("max_check_attempts", "Max check attempts for active checks before a HARD state", Get::Int(max_check_attempts::<O>)),
        col!("metrics", "A list of all metrics of this object that historically existed", Get::List(empty_list)),
        col!("modified_attributes", "A bitmask specifying which attributes have been modified", Get::Int(modified_attributes::<O>)),
        col!("modified_attributes_list", "A list of all modified attributes", Get::List(modified_attributes_list::<O>)),
        col!("next_check", "Scheduled time for the next check (Unix timestamp)", Get::Time(next_check::<O>)),
        col!("next_notification", "Time of the next notification (Unix timestamp)", Get::Time(next_notification::<O>)),
        col!("no_more_notifications", "Whether to stop sending notifications (0/1)", Get::Int(no_more_notifications::<O>)),
        col!("notes", "Optional notes", Get::Str(notes::<O>)),
        col!("notes_expanded", "The notes with macros expanded", Get::Str(notes_exp::<O>)),
        col!("notes_url", "An optional URL with further information", Get::Str(notes_url::<O>)),
        col!("notes_url_expanded", "The notes_url with macros expanded", Get::Str(notes_url_exp::<O>)),
        col!("notification_interval", "Interval of periodic notification or 0 if its off", Get::Float(notification_interval::<O>)),
        col!("notification_period", "Time period in which problems of this object will be notified", Get::Str(notification_period::<O>)),
        col!("notifications_enabled", "Whether notifications are enabled (0/1)", Get::Int(notifications_enabled::<O>)),
        col!("percent_state_change", "Percent state change", Get::Float(percent_state_change::<O>)),
        col!("perf_data", "Optional performance data of the last check", Get::Str(perf_data::<O>)),
        col!("plugin_output", "Output of the last check plugin", Get::Str(plugin_output::<O>)),
        col!("pnpgraph_present", "Whether there is a PNP4Nagios graph present (-1: unknown, 0/1)", Get::Int(minus_one)),
        col!("process_performance_data", "Whether processing of performance data is enabled (0/1)", Get::Int(process_perf_data::<O>)),
        col!("retry_interval", "Number of basic interval lengths between checks when retrying", Get::Float(retry_interval::<O>)),
        col!("scheduled_downtime_depth", "The number of downtimes this object is currently in", Get::Int(downtime_depth::<O>)),
        col!("service_period", "The name of the service period", Get::Str(empty)),
        col!("staleness", "Staleness indicator", Get::Float(staleness::<O>)),
        col!("state", "The current state (services: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN; hosts: 0 UP, 1 DOWN, 2 UNREACHABLE)", Get::Int(state::<O>)),
        col!("state_type", "Type of the current state (0: soft, 1: hard)", Get::Int(state_type::<O>)),
    ]);
}

/// vigil's additions (reachable by name, not part of the default column set).
pub(crate) fn vigil_extras<O: Obj>() -> Vec<ColDef> {
    vec![
        col!(
            "vigil_last_handler_time",
            "vigil: start of the latest event handler run (0: none)",
            Get::Time(handler_time::<O>)
        ),
        col!(
            "vigil_last_handler_exit_code",
            "vigil: exit code of the latest event handler run (-1: none or did not exit)",
            Get::Int(handler_exit::<O>)
        ),
        col!(
            "vigil_last_handler_duration",
            "vigil: run time of the latest event handler run in seconds",
            Get::Float(handler_duration::<O>)
        ),
        col!(
            "vigil_last_handler_outcome",
            "vigil: outcome of the latest event handler run (ok, failed, signal, timeout, error)",
            Get::Str(handler_outcome::<O>)
        ),
    ]
}

/// The 117 host columns of mk-livestatus 1.5.
pub(crate) fn host_columns() -> Vec<ColDef> {
    let mut v = Vec::with_capacity(120);
    common::<H>(&mut v);
    v.extend([
        col!("address", "IP address", Get::Str(h_address)),
        col!("alias", "An alias name for the host", Get::Str(h_alias)),
        col!("check_flapping_recovery_notification", "Whether to check to send a recovery notification when flapping stops (0/1)", Get::Int(flapping_recovery::<H>)),
        col!("childs", "A list of all direct children of the host", Get::List(h_childs)),
        col!("display_name", "Optional display name", Get::Str(h_display_name)),
        col!("filename", "The value of the custom variable FILENAME", Get::Str(empty)),
        col!("groups", "A list of all host groups this host is in", Get::List(h_groups)),
        col!("last_time_down", "The last time the host was DOWN (Unix timestamp)", Get::Time(last_time_1::<H>)),
        col!("last_time_unreachable", "The last time the host was UNREACHABLE (Unix timestamp)", Get::Time(last_time_2::<H>)),
        col!("last_time_up", "The last time the host was UP (Unix timestamp)", Get::Time(last_time_0::<H>)),
        col!("mk_inventory", "The file content of the Check_MK HW/SW-Inventory", Get::Blob),
        col!("mk_inventory_gz", "The gzipped file content of the Check_MK HW/SW-Inventory", Get::Blob),
        col!("mk_inventory_last", "The timestamp of the last Check_MK HW/SW-Inventory for this host. 0 means that no inventory data is present", Get::Time(zero)),
        col!("mk_logwatch_files", "This list of logfiles with problems fetched via mk_logwatch", Get::List(empty_list)),
        col!("name", "Host name", Get::Str(h_name)),
        col!("num_services", "The total number of services of the host", Get::Int(h_num_services)),
        col!("num_services_crit", "The number of the host's services with the soft state CRIT", Get::Int(h_num_crit)),
        col!("num_services_hard_crit", "The number of the host's services with the hard state CRIT", Get::Int(h_num_hard_crit)),
        col!("num_services_hard_ok", "The number of the host's services with the hard state OK", Get::Int(h_num_hard_ok)),
        col!("num_services_hard_unknown", "The number of the host's services with the hard state UNKNOWN", Get::Int(h_num_hard_unknown)),
        col!("num_services_hard_warn", "The number of the host's services with the hard state WARN", Get::Int(h_num_hard_warn)),
        col!("num_services_ok", "The number of the host's services with the soft state OK", Get::Int(h_num_ok)),
        col!("num_services_pending", "The number of the host's services which have not been checked yet (pending)", Get::Int(h_num_pending)),
        col!("num_services_unknown", "The number of the host's services with the soft state UNKNOWN", Get::Int(h_num_unknown)),
        col!("num_services_warn", "The number of the host's services with the soft state WARN", Get::Int(h_num_warn)),
        col!("obsess_over_host", "The current obsess_over_host setting (0/1)", Get::Int(obsess::<H>)),
        col!("parents", "A list of all direct parents of the host", Get::List(h_parents)),
        col!("pending_flex_downtime", "Number of pending flexible downtimes", Get::Int(pending_flex::<H>)),
        col!("services", "A list of all services of the host", Get::List(h_services)),
        col!("services_with_fullstate", "A list of all services including full state information", Get::List(h_services_with_fullstate)),
        col!("services_with_info", "A list of all services including detailed information about each service", Get::List(h_services_with_info)),
        col!("services_with_state", "A list of all services of the host together with state and has_been_checked", Get::List(h_services_with_state)),
        col!("statusmap_image", "The name of in image file for the status map", Get::Str(empty)),
        col!("structured_status", "The file content of the structured status of the Check_MK HW/SW-Inventory", Get::Blob),
        col!("total_services", "The total number of services of the host", Get::Int(h_num_services)),
        col!("worst_service_hard_state", "The worst hard state of all of the host's services (OK <= WARN <= UNKNOWN <= CRIT)", Get::Int(h_worst_hard)),
        col!("worst_service_state", "The worst soft state of all of the host's services (OK <= WARN <= UNKNOWN <= CRIT)", Get::Int(h_worst)),
        col!("x_3d", "3D-Coordinates: X", Get::Float(zero_f)),
        col!("y_3d", "3D-Coordinates: Y", Get::Float(zero_f)),
        col!("z_3d", "3D-Coordinates: Z", Get::Float(zero_f)),
    ]);
    v
}

/// The 87 own service columns of mk-livestatus 1.5 (without the `host_*` ones).
pub(crate) fn service_columns() -> Vec<ColDef> {
    let mut v = Vec::with_capacity(90);
    common::<S>(&mut v);
    v.extend([
        col!(
            "cache_interval",
            "For checks that cache their results: the caching interval",
            Get::Int(zero)
        ),
        col!(
            "cached_at",
            "For checks that cache their results: the time the result was cached",
            Get::Time(zero)
        ),
        col!(
            "description",
            "Service description",
            Get::Str(s_description)
        ),
        col!(
            "display_name",
            "An optional display name",
            Get::Str(s_display_name)
        ),
        col!(
            "groups",
            "A list of all service groups the service is in",
            Get::List(s_groups)
        ),
        col!(
            "last_time_critical",
            "The last time the service was CRITICAL (Unix timestamp)",
            Get::Time(last_time_2::<S>)
        ),
        col!(
            "last_time_ok",
            "The last time the service was OK (Unix timestamp)",
            Get::Time(last_time_0::<S>)
        ),
        col!(
            "last_time_unknown",
            "The last time the service was UNKNOWN (Unix timestamp)",
            Get::Time(last_time_3::<S>)
        ),
        col!(
            "last_time_warning",
            "The last time the service was WARNING (Unix timestamp)",
            Get::Time(last_time_1::<S>)
        ),
        col!(
            "obsess_over_service",
            "Whether obsessive handling is enabled for the service (0/1)",
            Get::Int(obsess::<S>)
        ),
    ]);
    v
}

/// Reads, for a block of services, the parts of their statuses that rows are
/// rendered from (the status's fields, then the first bytes of its texts). The
/// loads of different services do not depend on each other, so the CPU has many of
/// them in flight at once; rendering the block afterwards finds them in cache
/// instead of waiting for each one in turn.
pub(crate) fn warm_services(c: &Ctx<'_>, ids: &[ServiceId]) {
    let mut acc = 0u64;
    for &s in ids {
        let st = S::st(c, s.0);
        acc = acc
            .wrapping_add(u64::from(st.current_state.id()))
            .wrapping_add(st.last_check as u64)
            .wrapping_add(st.last_state_change as u64)
            .wrapping_add(st.latency as u64)
            .wrapping_add(u64::from(st.attrs.active_checks_enabled))
            .wrapping_add(st.attrs.custom_vars.len() as u64)
            .wrapping_add(u64::from(st.notify.scheduled_downtime_depth))
            .wrapping_add(st.output.long.len() as u64);
    }
    for &s in ids {
        let o = &S::st(c, s.0).output;
        let first = |t: &str| u64::from(t.as_bytes().first().copied().unwrap_or(0));
        acc = acc
            .wrapping_add(first(o.short.as_deref().unwrap_or("")))
            .wrapping_add(first(&o.long))
            .wrapping_add(first(&o.perfdata));
    }
    std::hint::black_box(acc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_counts_match_the_reference() {
        assert_eq!(host_columns().len(), 117);
        assert_eq!(service_columns().len(), 87);
    }
}
