//! Columns of the groups, contacts, commands, timeperiods, comments, downtimes, log,
//! status, columns and eventhandlers tables.

use super::objects::{service_counts, worst_service};
use crate::column::{Atom, ColDef, Ctx, ListSink};
use std::borrow::Cow;
use vigil_config::{HostId, ServiceId};
use vigil_state::ObjectState;

macro_rules! col {
    ($($t:tt)*) => {
        crate::column::col_def!($($t)*)
    };
}

fn b(v: bool) -> i64 {
    i64::from(v)
}
fn zero(_c: &Ctx<'_>, _i: u32) -> i64 {
    0
}
fn zero_f(_c: &Ctx<'_>, _i: u32) -> f64 {
    0.0
}
fn empty_list(_c: &Ctx<'_>, _i: u32, _s: &mut dyn ListSink) {}
fn os(v: &Option<String>) -> Cow<'_, str> {
    Cow::Borrowed(v.as_deref().unwrap_or(""))
}

// ---------------------------------------------------------------- host groups

fn hg<'a>(c: &'a Ctx<'a>, i: u32) -> &'a vigil_config::Hostgroup {
    &c.m.hostgroups[i as usize]
}
fn hg_members_of<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [HostId] {
    c.ix.hostgroup_members
        .get(i as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
fn hg_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hg(c, i).name)
}
fn hg_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hg(c, i).alias)
}
fn hg_notes<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&hg(c, i).notes)
}
fn hg_notes_url<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&hg(c, i).notes_url)
}
fn hg_action_url<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&hg(c, i).action_url)
}
fn hg_members(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for h in hg_members_of(c, i) {
        s.atom(Atom::Str(&c.m.hosts[h.idx()].name));
    }
}
fn hg_members_with_state(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for h in hg_members_of(c, i) {
        let st = c.site.host_status(*h);
        s.tuple(&[
            Atom::Str(&c.m.hosts[h.idx()].name),
            Atom::Int(i64::from(st.current_state.id())),
            Atom::Int(b(st.has_been_checked)),
        ]);
    }
}
/// [up, down, unreachable, pending, total]
fn hg_host_counts(c: &Ctx<'_>, i: u32) -> [i64; 5] {
    let mut n = [0i64; 5];
    for h in hg_members_of(c, i) {
        let st = c.site.host_status(*h);
        n[4] += 1;
        if !st.has_been_checked {
            n[3] += 1;
        } else {
            n[usize::from(st.current_state.id().min(2))] += 1;
        }
    }
    n
}
fn hg_services(c: &Ctx<'_>, i: u32) -> Vec<ServiceId> {
    let mut v = Vec::new();
    for h in hg_members_of(c, i) {
        if let Some(s) = c.ix.host_services.get(h.idx()) {
            v.extend_from_slice(s);
        }
    }
    v
}
macro_rules! hg_host_count {
    ($name:ident, $k:expr) => {
        fn $name(c: &Ctx<'_>, i: u32) -> i64 {
            hg_host_counts(c, i)[$k]
        }
    };
}
hg_host_count!(hg_num_up, 0);
hg_host_count!(hg_num_down, 1);
hg_host_count!(hg_num_unreach, 2);
hg_host_count!(hg_num_pending, 3);
hg_host_count!(hg_num_hosts, 4);
macro_rules! hg_svc_count {
    ($name:ident, $k:expr) => {
        fn $name(c: &Ctx<'_>, i: u32) -> i64 {
            service_counts(c, &hg_services(c, i))[$k]
        }
    };
}
hg_svc_count!(hg_num_ok, 0);
hg_svc_count!(hg_num_warn, 1);
hg_svc_count!(hg_num_crit, 2);
hg_svc_count!(hg_num_unknown, 3);
hg_svc_count!(hg_num_pending_s, 4);
hg_svc_count!(hg_num_services, 9);
fn hg_worst_host(c: &Ctx<'_>, i: u32) -> i64 {
    // UP < UNREACHABLE < DOWN
    let sev = |s: i64| match s {
        0 => 0,
        2 => 1,
        _ => 2,
    };
    let mut w = 0;
    for h in hg_members_of(c, i) {
        let s = i64::from(c.site.host_status(*h).current_state.id());
        if sev(s) > sev(w) {
            w = s;
        }
    }
    w
}
fn hg_worst_service(c: &Ctx<'_>, i: u32) -> i64 {
    worst_service(c, &hg_services(c, i), false)
}

pub(crate) fn hostgroup_columns() -> Vec<ColDef> {
    vec![
        col!("action_url", "An optional URL to custom actions or information about the hostgroup", Get::Str(hg_action_url)),
        col!("alias", "An alias of the hostgroup", Get::Str(hg_alias)),
        col!("members", "A list of all host names that are members of the hostgroup", Get::List(hg_members)),
        col!("members_with_state", "A list of all host names that are members of the hostgroup together with state and has_been_checked", Get::List(hg_members_with_state)),
        col!("name", "Name of the hostgroup", Get::Str(hg_name)),
        col!("notes", "Optional notes to the hostgroup", Get::Str(hg_notes)),
        col!("notes_url", "An optional URL with further information about the hostgroup", Get::Str(hg_notes_url)),
        col!("num_hosts", "The total number of hosts in the group", Get::Int(hg_num_hosts)),
        col!("num_hosts_down", "The number of hosts in the group that are down", Get::Int(hg_num_down)),
        col!("num_hosts_pending", "The number of hosts in the group that are pending", Get::Int(hg_num_pending)),
        col!("num_hosts_unreach", "The number of hosts in the group that are unreachable", Get::Int(hg_num_unreach)),
        col!("num_hosts_up", "The number of hosts in the group that are up", Get::Int(hg_num_up)),
        col!("num_services", "The total number of services of hosts in this group", Get::Int(hg_num_services)),
        col!("num_services_crit", "The total number of services with the state CRIT of hosts in this group", Get::Int(hg_num_crit)),
        // mk-livestatus 1.5 answers 0 for the hard-state counters of host groups.
        col!("num_services_hard_crit", "The total number of services with the state CRIT of hosts in this group", Get::Int(zero)),
        col!("num_services_hard_ok", "The total number of services with the state OK of hosts in this group", Get::Int(zero)),
        col!("num_services_hard_unknown", "The total number of services with the state UNKNOWN of hosts in this group", Get::Int(zero)),
        col!("num_services_hard_warn", "The total number of services with the state WARN of hosts in this group", Get::Int(zero)),
        col!("num_services_ok", "The total number of services with the state OK of hosts in this group", Get::Int(hg_num_ok)),
        col!("num_services_pending", "The total number of services with the state Pending of hosts in this group", Get::Int(hg_num_pending_s)),
        col!("num_services_unknown", "The total number of services with the state UNKNOWN of hosts in this group", Get::Int(hg_num_unknown)),
        col!("num_services_warn", "The total number of services with the state WARN of hosts in this group", Get::Int(hg_num_warn)),
        col!("worst_host_state", "The worst state of all of the groups' hosts (UP <= UNREACHABLE <= DOWN)", Get::Int(hg_worst_host)),
        col!("worst_service_hard_state", "The worst state of all services that belong to a host of this group (OK <= WARN <= UNKNOWN <= CRIT)", Get::Int(zero)),
        col!("worst_service_state", "The worst state of all services that belong to a host of this group (OK <= WARN <= UNKNOWN <= CRIT)", Get::Int(hg_worst_service)),
    ]
}

// ---------------------------------------------------------------- service groups

fn sg<'a>(c: &'a Ctx<'a>, i: u32) -> &'a vigil_config::Servicegroup {
    &c.m.servicegroups[i as usize]
}
fn sg_members_of<'a>(c: &'a Ctx<'a>, i: u32) -> &'a [ServiceId] {
    c.ix.servicegroup_members
        .get(i as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
fn sg_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&sg(c, i).name)
}
fn sg_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&sg(c, i).alias)
}
fn sg_notes<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&sg(c, i).notes)
}
fn sg_notes_url<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&sg(c, i).notes_url)
}
fn sg_action_url<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&sg(c, i).action_url)
}
fn sg_members(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in sg_members_of(c, i) {
        let svc = &c.m.services[x.idx()];
        s.tuple(&[
            Atom::Str(&c.m.hosts[svc.host.idx()].name),
            Atom::Str(&svc.description),
        ]);
    }
}
fn sg_members_with_state(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for x in sg_members_of(c, i) {
        let svc = &c.m.services[x.idx()];
        let st = c.site.service_status(*x);
        s.tuple(&[
            Atom::Str(&c.m.hosts[svc.host.idx()].name),
            Atom::Str(&svc.description),
            Atom::Int(i64::from(st.current_state.id())),
            Atom::Int(b(st.has_been_checked)),
        ]);
    }
}
macro_rules! sg_count {
    ($name:ident, $k:expr) => {
        fn $name(c: &Ctx<'_>, i: u32) -> i64 {
            service_counts(c, sg_members_of(c, i))[$k]
        }
    };
}
sg_count!(sg_num_ok, 0);
sg_count!(sg_num_warn, 1);
sg_count!(sg_num_crit, 2);
sg_count!(sg_num_unknown, 3);
sg_count!(sg_num_pending, 4);
sg_count!(sg_num_hard_ok, 5);
sg_count!(sg_num_hard_warn, 6);
sg_count!(sg_num_hard_crit, 7);
sg_count!(sg_num_hard_unknown, 8);
sg_count!(sg_num_services, 9);
fn sg_worst(c: &Ctx<'_>, i: u32) -> i64 {
    worst_service(c, sg_members_of(c, i), false)
}

pub(crate) fn servicegroup_columns() -> Vec<ColDef> {
    vec![
        col!(
            "action_url",
            "An optional URL to custom notes or actions on the service group",
            Get::Str(sg_action_url)
        ),
        col!("alias", "An alias of the service group", Get::Str(sg_alias)),
        col!(
            "members",
            "A list of all members of the service group as host/service pairs",
            Get::List(sg_members)
        ),
        col!(
            "members_with_state",
            "A list of all members of the service group with state and has_been_checked",
            Get::List(sg_members_with_state)
        ),
        col!("name", "The name of the service group", Get::Str(sg_name)),
        col!(
            "notes",
            "Optional additional notes about the service group",
            Get::Str(sg_notes)
        ),
        col!(
            "notes_url",
            "An optional URL to further notes on the service group",
            Get::Str(sg_notes_url)
        ),
        col!(
            "num_services",
            "The total number of services in the group",
            Get::Int(sg_num_services)
        ),
        col!(
            "num_services_crit",
            "The number of services in the group that are CRIT",
            Get::Int(sg_num_crit)
        ),
        col!(
            "num_services_hard_crit",
            "The number of services in the group that are CRIT",
            Get::Int(sg_num_hard_crit)
        ),
        col!(
            "num_services_hard_ok",
            "The number of services in the group that are OK",
            Get::Int(sg_num_hard_ok)
        ),
        col!(
            "num_services_hard_unknown",
            "The number of services in the group that are UNKNOWN",
            Get::Int(sg_num_hard_unknown)
        ),
        col!(
            "num_services_hard_warn",
            "The number of services in the group that are WARN",
            Get::Int(sg_num_hard_warn)
        ),
        col!(
            "num_services_ok",
            "The number of services in the group that are OK",
            Get::Int(sg_num_ok)
        ),
        col!(
            "num_services_pending",
            "The number of services in the group that are PENDING",
            Get::Int(sg_num_pending)
        ),
        col!(
            "num_services_unknown",
            "The number of services in the group that are UNKNOWN",
            Get::Int(sg_num_unknown)
        ),
        col!(
            "num_services_warn",
            "The number of services in the group that are WARN",
            Get::Int(sg_num_warn)
        ),
        col!(
            "worst_service_state",
            "The worst soft state of all of the groups services (OK <= WARN <= UNKNOWN <= CRIT)",
            Get::Int(sg_worst)
        ),
    ]
}

// ---------------------------------------------------------------- contacts

fn ct<'a>(c: &'a Ctx<'a>, i: u32) -> &'a vigil_config::Contact {
    &c.m.contacts[i as usize]
}
macro_rules! addr {
    ($name:ident, $k:expr) => {
        fn $name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
            Cow::Borrowed(
                ct(c, i)
                    .addresses
                    .get($k)
                    .and_then(|a| a.as_deref())
                    .unwrap_or(""),
            )
        }
    };
}
addr!(ct_address1, 0);
addr!(ct_address2, 1);
addr!(ct_address3, 2);
addr!(ct_address4, 3);
addr!(ct_address5, 4);
addr!(ct_address6, 5);
fn ct_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&ct(c, i).alias)
}
fn ct_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&ct(c, i).name)
}
fn ct_email<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&ct(c, i).email)
}
fn ct_pager<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    os(&ct(c, i).pager)
}
fn ct_can_submit(c: &Ctx<'_>, i: u32) -> i64 {
    b(ct(c, i).can_submit_commands)
}
fn ct_cv_names(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for (k, _) in &ct(c, i).custom_vars {
        s.atom(Atom::Str(k));
    }
}
fn ct_cv_values(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for (_, v) in &ct(c, i).custom_vars {
        s.atom(Atom::Str(v));
    }
}
fn ct_cv_dict<'a>(c: &'a Ctx<'a>, i: u32, f: &mut dyn FnMut(&str, &str)) {
    let vars = &ct(c, i).custom_vars;
    for &p in
        c.ix.contact_cv_dict
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    {
        if let Some((k, v)) = vars.get(p) {
            f(k, v);
        }
    }
}
fn period<'a>(c: &'a Ctx<'a>, p: Option<vigil_config::TimeperiodId>) -> Cow<'a, str> {
    Cow::Borrowed(
        p.and_then(|p| c.m.timeperiods.get(p.idx()))
            .map(|t| t.name.as_str())
            .unwrap_or(""),
    )
}
fn ct_hnp<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    period(c, ct(c, i).host_notification_period)
}
fn ct_snp<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    period(c, ct(c, i).service_notification_period)
}
fn ct_hne(c: &Ctx<'_>, i: u32) -> i64 {
    b(ct(c, i).host_notifications_enabled)
}
fn ct_sne(c: &Ctx<'_>, i: u32) -> i64 {
    b(ct(c, i).service_notifications_enabled)
}
fn ct_in_hnp(c: &Ctx<'_>, i: u32) -> i64 {
    ct(c, i)
        .host_notification_period
        .map(|p| b(c.period_active(p)))
        .unwrap_or(1)
}
fn ct_in_snp(c: &Ctx<'_>, i: u32) -> i64 {
    ct(c, i)
        .service_notification_period
        .map(|p| b(c.period_active(p)))
        .unwrap_or(1)
}

pub(crate) fn contact_columns() -> Vec<ColDef> {
    vec![
        col!(
            "address1",
            "The additional field address1",
            Get::Str(ct_address1)
        ),
        col!(
            "address2",
            "The additional field address2",
            Get::Str(ct_address2)
        ),
        col!(
            "address3",
            "The additional field address3",
            Get::Str(ct_address3)
        ),
        col!(
            "address4",
            "The additional field address4",
            Get::Str(ct_address4)
        ),
        col!(
            "address5",
            "The additional field address5",
            Get::Str(ct_address5)
        ),
        col!(
            "address6",
            "The additional field address6",
            Get::Str(ct_address6)
        ),
        col!("alias", "The full name of the contact", Get::Str(ct_alias)),
        col!(
            "can_submit_commands",
            "Whether the contact is allowed to submit commands (0/1)",
            Get::Int(ct_can_submit)
        ),
        col!(
            "custom_variable_names",
            "A list of all custom variables of the contact",
            Get::List(ct_cv_names)
        ),
        col!(
            "custom_variable_values",
            "A list of the values of all custom variables of the contact",
            Get::List(ct_cv_values)
        ),
        col!(
            "custom_variables",
            "A dictionary of the custom variables",
            Get::Dict(ct_cv_dict)
        ),
        col!(
            "email",
            "The email address of the contact",
            Get::Str(ct_email)
        ),
        col!(
            "host_notification_period",
            "The time period in which the contact will be notified about host problems",
            Get::Str(ct_hnp)
        ),
        col!(
            "host_notifications_enabled",
            "Whether the contact will be notified about host problems in general (0/1)",
            Get::Int(ct_hne)
        ),
        col!(
            "in_host_notification_period",
            "Whether the contact is currently in his/her host notification period (0/1)",
            Get::Int(ct_in_hnp)
        ),
        col!(
            "in_service_notification_period",
            "Whether the contact is currently in his/her service notification period (0/1)",
            Get::Int(ct_in_snp)
        ),
        col!(
            "modified_attributes",
            "A bitmask specifying which attributes have been modified",
            Get::Int(zero)
        ),
        col!(
            "modified_attributes_list",
            "A list of all modified attributes",
            Get::List(empty_list)
        ),
        col!(
            "name",
            "The login name of the contact person",
            Get::Str(ct_name)
        ),
        col!(
            "pager",
            "The pager address of the contact",
            Get::Str(ct_pager)
        ),
        col!(
            "service_notification_period",
            "The time period in which the contact will be notified about service problems",
            Get::Str(ct_snp)
        ),
        col!(
            "service_notifications_enabled",
            "Whether the contact will be notified about service problems in general (0/1)",
            Get::Int(ct_sne)
        ),
    ]
}

// ---------------------------------------------------------------- contact groups, commands, timeperiods

fn cg_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.contactgroups[i as usize].name)
}
fn cg_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.contactgroups[i as usize].alias)
}
fn cg_members(c: &Ctx<'_>, i: u32, s: &mut dyn ListSink) {
    for k in
        c.ix.contactgroup_members
            .get(i as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    {
        s.atom(Atom::Str(&c.m.contacts[k.idx()].name));
    }
}
pub(crate) fn contactgroup_columns() -> Vec<ColDef> {
    vec![
        col!("alias", "The alias of the contactgroup", Get::Str(cg_alias)),
        col!(
            "members",
            "A list of all members of this contactgroup",
            Get::List(cg_members)
        ),
        col!("name", "The name of the contactgroup", Get::Str(cg_name)),
    ]
}
fn cmd_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.commands[i as usize].name)
}
fn cmd_line<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.commands[i as usize].line)
}
pub(crate) fn command_columns() -> Vec<ColDef> {
    vec![
        col!("line", "The shell command line", Get::Str(cmd_line)),
        col!("name", "The name of the command", Get::Str(cmd_name)),
    ]
}
fn tp_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.timeperiods[i as usize].name)
}
fn tp_alias<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&c.m.timeperiods[i as usize].alias)
}
fn tp_in(c: &Ctx<'_>, i: u32) -> i64 {
    b(c.period_active(vigil_config::TimeperiodId(i)))
}
pub(crate) fn timeperiod_columns() -> Vec<ColDef> {
    vec![
        col!("alias", "The alias of the timeperiod", Get::Str(tp_alias)),
        col!(
            "in",
            "Whether we are currently in this period (0/1)",
            Get::Int(tp_in)
        ),
        col!("name", "The name of the timeperiod", Get::Str(tp_name)),
    ]
}

// ---------------------------------------------------------------- comments, downtimes

fn cm<'a>(c: &'a Ctx<'a>, i: u32) -> &'a crate::site::Comment {
    &c.site.comments()[i as usize]
}
fn cm_author<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&cm(c, i).author)
}
fn cm_comment<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&cm(c, i).text)
}
fn cm_entry_time(c: &Ctx<'_>, i: u32) -> i64 {
    cm(c, i).entry_time
}
fn cm_entry_type(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(cm(c, i).entry_type)
}
fn cm_expire_time(c: &Ctx<'_>, i: u32) -> i64 {
    cm(c, i).expire_time
}
fn cm_expires(c: &Ctx<'_>, i: u32) -> i64 {
    b(cm(c, i).expires)
}
fn cm_id(c: &Ctx<'_>, i: u32) -> i64 {
    cm(c, i).id as i64
}
fn cm_is_service(c: &Ctx<'_>, i: u32) -> i64 {
    b(cm(c, i).service.is_some())
}
fn cm_persistent(c: &Ctx<'_>, i: u32) -> i64 {
    b(cm(c, i).persistent)
}
fn cm_source(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(cm(c, i).source)
}
fn cm_type(c: &Ctx<'_>, i: u32) -> i64 {
    if cm(c, i).service.is_some() {
        2
    } else {
        1
    }
}
pub(crate) fn comment_columns() -> Vec<ColDef> {
    vec![
        col!(
            "author",
            "The contact that entered the comment",
            Get::Str(cm_author)
        ),
        col!("comment", "A comment text", Get::Str(cm_comment)),
        col!(
            "entry_time",
            "The time the entry was made as UNIX timestamp",
            Get::Time(cm_entry_time)
        ),
        col!(
            "entry_type",
            "The type of the comment: 1 is user, 2 is downtime, 3 is flap and 4 is acknowledgement",
            Get::Int(cm_entry_type)
        ),
        col!(
            "expire_time",
            "The time of expiry of this comment as a UNIX timestamp",
            Get::Time(cm_expire_time)
        ),
        col!(
            "expires",
            "Whether this comment expires",
            Get::Int(cm_expires)
        ),
        col!("id", "The id of the comment", Get::Int(cm_id)),
        col!(
            "is_service",
            "0, if this entry is for a host, 1 if it is for a service",
            Get::Int(cm_is_service)
        ),
        col!(
            "persistent",
            "Whether this comment is persistent (0/1)",
            Get::Int(cm_persistent)
        ),
        col!(
            "source",
            "The source of the comment (0 is internal and 1 is external)",
            Get::Int(cm_source)
        ),
        col!(
            "type",
            "The type of the comment: 1 is host, 2 is service",
            Get::Int(cm_type)
        ),
    ]
}

fn dt<'a>(c: &'a Ctx<'a>, i: u32) -> &'a crate::site::Downtime {
    &c.site.downtimes()[i as usize]
}
fn dt_author<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&dt(c, i).author)
}
fn dt_comment<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&dt(c, i).comment)
}
fn dt_duration(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).duration
}
fn dt_end(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).end_time
}
fn dt_entry(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).entry_time
}
fn dt_fixed(c: &Ctx<'_>, i: u32) -> i64 {
    b(dt(c, i).fixed)
}
fn dt_id(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).id as i64
}
fn dt_is_service(c: &Ctx<'_>, i: u32) -> i64 {
    b(dt(c, i).service.is_some())
}
fn dt_start(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).start_time
}
fn dt_triggered_by(c: &Ctx<'_>, i: u32) -> i64 {
    dt(c, i).triggered_by as i64
}
fn dt_type(c: &Ctx<'_>, i: u32) -> i64 {
    if dt(c, i).service.is_some() {
        1
    } else {
        2
    }
}
pub(crate) fn downtime_columns() -> Vec<ColDef> {
    vec![
        col!("author", "The contact that scheduled the downtime", Get::Str(dt_author)),
        col!("comment", "A comment text", Get::Str(dt_comment)),
        col!("duration", "The duration of the downtime in seconds", Get::Int(dt_duration)),
        col!("end_time", "The end time of the downtime as UNIX timestamp", Get::Time(dt_end)),
        col!("entry_time", "The time the entry was made as UNIX timestamp", Get::Time(dt_entry)),
        col!("fixed", "A 1 if the downtime is fixed, a 0 if it is flexible", Get::Int(dt_fixed)),
        col!("id", "The id of the downtime", Get::Int(dt_id)),
        col!("is_service", "0, if this entry is for a host, 1 if it is for a service", Get::Int(dt_is_service)),
        col!("start_time", "The start time of the downtime as UNIX timestamp", Get::Time(dt_start)),
        col!("triggered_by", "The id of the downtime this downtime was triggered by or 0 if it was not triggered by another downtime", Get::Int(dt_triggered_by)),
        col!("type", "The type of the downtime: 0 if it is active, 1 if it is pending", Get::Int(dt_type)),
    ]
}

// ---------------------------------------------------------------- log

fn lg<'a>(c: &'a Ctx<'a>, i: u32) -> &'a crate::logline::LogEntry {
    &c.log[i as usize]
}
macro_rules! log_str {
    ($name:ident, $f:ident) => {
        fn $name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
            Cow::Borrowed(&lg(c, i).$f)
        }
    };
}
log_str!(lg_command_name, command_name);
log_str!(lg_comment, comment);
log_str!(lg_contact_name, contact_name);
log_str!(lg_host_name, host_name);
log_str!(lg_message, message);
log_str!(lg_options, options);
log_str!(lg_plugin_output, plugin_output);
log_str!(lg_service_description, service_description);
log_str!(lg_state_type, state_type);
log_str!(lg_type, kind);
fn lg_attempt(c: &Ctx<'_>, i: u32) -> i64 {
    lg(c, i).attempt
}
fn lg_class(c: &Ctx<'_>, i: u32) -> i64 {
    lg(c, i).class
}
fn lg_lineno(c: &Ctx<'_>, i: u32) -> i64 {
    lg(c, i).lineno
}
fn lg_state(c: &Ctx<'_>, i: u32) -> i64 {
    lg(c, i).state
}
fn lg_time(c: &Ctx<'_>, i: u32) -> i64 {
    lg(c, i).time
}
pub(crate) fn log_columns() -> Vec<ColDef> {
    vec![
        col!("attempt", "The number of the check attempt", Get::Int(lg_attempt)),
        col!("class", "The class of the message as integer (0:info, 1:state, 2:program, 3:notification, 4:passive, 5:command)", Get::Int(lg_class)),
        col!("command_name", "The name of the command of the log entry (e.g. for notifications)", Get::Str(lg_command_name)),
        col!("comment", "A comment field used in various message types", Get::Str(lg_comment)),
        col!("contact_name", "The name of the contact the log entry is about (might be empty)", Get::Str(lg_contact_name)),
        col!("host_name", "The name of the host the log entry is about (might be empty)", Get::Str(lg_host_name)),
        col!("lineno", "The number of the line in the log file", Get::Int(lg_lineno)),
        col!("message", "The complete message line including the timestamp", Get::Str(lg_message)),
        col!("options", "The part of the message after the ':'", Get::Str(lg_options)),
        col!("plugin_output", "The output of the check, if any is associated with the message", Get::Str(lg_plugin_output)),
        col!("service_description", "The description of the service log entry is about (might be empty)", Get::Str(lg_service_description)),
        col!("state", "The state of the host or service in question", Get::Int(lg_state)),
        col!("state_type", "The type of the state (varies on different log classes)", Get::Str(lg_state_type)),
        col!("time", "Time of the log event (UNIX timestamp)", Get::Time(lg_time)),
        col!("type", "The type of the message (text before the colon), the message itself for info messages", Get::Str(lg_type)),
    ]
}

// ---------------------------------------------------------------- status

fn prog<'a>(c: &'a Ctx<'a>) -> &'a crate::site::ProgramStatus {
    c.site.program()
}
macro_rules! pswitch {
    ($name:ident, $f:ident) => {
        fn $name(c: &Ctx<'_>, _i: u32) -> i64 {
            b(prog(c).state.$f)
        }
    };
}
pswitch!(st_aphc, accept_passive_host_checks);
pswitch!(st_apsc, accept_passive_service_checks);
pswitch!(st_chf, check_host_freshness);
pswitch!(st_csf, check_service_freshness);
pswitch!(st_eeh, enable_event_handlers);
pswitch!(st_efd, enable_flap_detection);
pswitch!(st_en, enable_notifications);
pswitch!(st_ehc, execute_host_checks);
pswitch!(st_esc, execute_service_checks);
pswitch!(st_ooh, obsess_over_hosts);
pswitch!(st_oos, obsess_over_services);
pswitch!(st_ppd, process_performance_data);
fn st_cec(c: &Ctx<'_>, _i: u32) -> i64 {
    b(prog(c).check_external_commands)
}
fn uptime(c: &Ctx<'_>) -> f64 {
    (c.env.now - prog(c).state.program_start).max(1.0)
}
macro_rules! counter {
    ($name:ident, $rate:ident, $e:expr) => {
        fn $name(c: &Ctx<'_>, _i: u32) -> f64 {
            let f: fn(&Ctx<'_>) -> u64 = $e;
            f(c) as f64
        }
        fn $rate(c: &Ctx<'_>, _i: u32) -> f64 {
            let f: fn(&Ctx<'_>) -> u64 = $e;
            f(c) as f64 / uptime(c)
        }
    };
}
counter!(st_connections, st_connections_rate, |c| c
    .env
    .server
    .connections);
counter!(st_requests, st_requests_rate, |c| c.env.server.requests);
counter!(st_ext, st_ext_rate, |c| prog(c).counters.external_commands);
counter!(st_forks, st_forks_rate, |c| prog(c).counters.forks);
counter!(st_hc, st_hc_rate, |c| prog(c).counters.host_checks);
counter!(st_sc, st_sc_rate, |c| prog(c).counters.service_checks);
counter!(st_lm, st_lm_rate, |c| prog(c).counters.log_messages);
fn st_interval_length(c: &Ctx<'_>, _i: u32) -> i64 {
    c.m.main.interval_length as i64
}
fn st_last_command_check(c: &Ctx<'_>, _i: u32) -> i64 {
    prog(c).last_command_check
}
fn st_last_log_rotation(c: &Ctx<'_>, _i: u32) -> i64 {
    prog(c).last_log_rotation
}
fn st_active(c: &Ctx<'_>, _i: u32) -> i64 {
    c.env.server.active_connections as i64
}
fn st_threads(c: &Ctx<'_>, _i: u32) -> i64 {
    c.env.server.threads as i64
}
fn st_version<'a>(_c: &'a Ctx<'a>, _i: u32) -> Cow<'a, str> {
    Cow::Borrowed(crate::LIVESTATUS_VERSION)
}
fn st_pid(c: &Ctx<'_>, _i: u32) -> i64 {
    i64::from(prog(c).state.pid)
}
fn st_num_hosts(c: &Ctx<'_>, _i: u32) -> i64 {
    c.m.hosts.len() as i64
}
fn st_num_services(c: &Ctx<'_>, _i: u32) -> i64 {
    c.m.services.len() as i64
}
fn st_program_start(c: &Ctx<'_>, _i: u32) -> i64 {
    prog(c).state.program_start as i64
}
fn st_program_version<'a>(c: &'a Ctx<'a>, _i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&prog(c).program_version)
}
pub(crate) fn status_columns() -> Vec<ColDef> {
    vec![
        col!("accept_passive_host_checks", "Whether passive host checks are accepted in general (0/1)", Get::Int(st_aphc)),
        col!("accept_passive_service_checks", "Whether passive service checks are activated in general (0/1)", Get::Int(st_apsc)),
        col!("cached_log_messages", "The current number of log messages the Livestatus server keeps in memory", Get::Int(zero)),
        col!("check_external_commands", "Whether the core checks for external commands at its command pipe (0/1)", Get::Int(st_cec)),
        col!("check_host_freshness", "Whether host freshness checking is activated in general (0/1)", Get::Int(st_chf)),
        col!("check_service_freshness", "Whether service freshness checking is activated in general (0/1)", Get::Int(st_csf)),
        col!("connections", "The number of client connections to Livestatus since program start", Get::Float(st_connections)),
        col!("connections_rate", "The averaged number of new client connections to Livestatus per second", Get::Float(st_connections_rate)),
        col!("enable_event_handlers", "Whether event handlers are activated in general (0/1)", Get::Int(st_eeh)),
        col!("enable_flap_detection", "Whether flap detection is activated in general (0/1)", Get::Int(st_efd)),
        col!("enable_notifications", "Whether notifications are enabled in general (0/1)", Get::Int(st_en)),
        col!("execute_host_checks", "Whether host checks are executed in general (0/1)", Get::Int(st_ehc)),
        col!("execute_service_checks", "Whether active service checks are activated in general (0/1)", Get::Int(st_esc)),
        col!("external_command_buffer_max", "The maximum number of slots used in the external command buffer", Get::Int(zero)),
        col!("external_command_buffer_slots", "The size of the buffer for the external commands", Get::Int(zero)),
        col!("external_command_buffer_usage", "The number of slots in use of the external command buffer", Get::Int(zero)),
        col!("external_commands", "The number of external commands since program start", Get::Float(st_ext)),
        col!("external_commands_rate", "The averaged number of external commands per second", Get::Float(st_ext_rate)),
        col!("forks", "The number of process creations since program start", Get::Float(st_forks)),
        col!("forks_rate", "The averaged number of forks per second", Get::Float(st_forks_rate)),
        col!("host_checks", "The number of host checks since program start", Get::Float(st_hc)),
        col!("host_checks_rate", "The averaged number of host checks per second", Get::Float(st_hc_rate)),
        col!("interval_length", "The default interval length from the main config", Get::Int(st_interval_length)),
        col!("last_command_check", "The time of the last check for a command as UNIX timestamp", Get::Time(st_last_command_check)),
        col!("last_log_rotation", "Time time of the last log file rotation", Get::Time(st_last_log_rotation)),
        col!("livecheck_overflows", "The number of times no livecheck helper was free", Get::Float(zero_f)),
        col!("livecheck_overflows_rate", "The number of livecheck overflows per second", Get::Float(zero_f)),
        col!("livechecks", "The number of checks executed via livecheck", Get::Float(zero_f)),
        col!("livechecks_rate", "The averaged number of livechecks per second", Get::Float(zero_f)),
        col!("livestatus_active_connections", "The current number of active connections to Livestatus", Get::Int(st_active)),
        col!("livestatus_queued_connections", "The current number of queued connections to Livestatus", Get::Int(zero)),
        col!("livestatus_threads", "The maximum number of connections to Livestatus that can be handled in parallel", Get::Int(st_threads)),
        col!("livestatus_version", "The version of the Livestatus protocol vigil implements", Get::Str(st_version)),
        col!("log_messages", "The number of new log messages since program start", Get::Float(st_lm)),
        col!("log_messages_rate", "The averaged number of new log messages per second", Get::Float(st_lm_rate)),
        col!("mk_inventory_last", "The timestamp of the last time a host has been inventorized by Check_MK HW/SW-Inventory", Get::Int(zero)),
        col!("nagios_pid", "The process ID of the monitoring core", Get::Int(st_pid)),
        col!("neb_callbacks", "The number of NEB callbacks since program start", Get::Float(zero_f)),
        col!("neb_callbacks_rate", "The averaged number of NEB callbacks per second", Get::Float(zero_f)),
        col!("num_hosts", "The total number of hosts", Get::Int(st_num_hosts)),
        col!("num_services", "The total number of services", Get::Int(st_num_services)),
        col!("obsess_over_hosts", "Whether the core will obsess over host checks (0/1)", Get::Int(st_ooh)),
        col!("obsess_over_services", "Whether the core will obsess over service checks and run the ocsp_command (0/1)", Get::Int(st_oos)),
        col!("process_performance_data", "Whether processing of performance data is activated in general (0/1)", Get::Int(st_ppd)),
        col!("program_start", "The time of the last program start or configuration reload as UNIX timestamp", Get::Time(st_program_start)),
        col!("program_version", "The version of the monitoring core", Get::Str(st_program_version)),
        col!("requests", "The number of requests to Livestatus since program start", Get::Float(st_requests)),
        col!("requests_rate", "The averaged number of requests to Livestatus per second", Get::Float(st_requests_rate)),
        col!("service_checks", "The number of completed service checks since program start", Get::Float(st_sc)),
        col!("service_checks_rate", "The averaged number of service checks per second", Get::Float(st_sc_rate)),
    ]
}

// ---------------------------------------------------------------- columns

fn colrow(c: &Ctx<'_>, i: u32) -> (&'static str, &'static str, &'static str, &'static str) {
    let _ = c;
    super::column_row(i)
}
fn co_table<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(colrow(c, i).0)
}
fn co_name<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(colrow(c, i).1)
}
fn co_type<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(colrow(c, i).2)
}
fn co_desc<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(colrow(c, i).3)
}
pub(crate) fn columns_columns() -> Vec<ColDef> {
    vec![
        col!(
            "description",
            "A description of the column",
            Get::Str(co_desc)
        ),
        col!(
            "name",
            "The name of the column within the table",
            Get::Str(co_name)
        ),
        col!("table", "The name of the table", Get::Str(co_table)),
        col!(
            "type",
            "The data type of the column (int, float, string, list)",
            Get::Str(co_type)
        ),
    ]
}

// ---------------------------------------------------------------- eventhandlers (vigil)

fn hr<'a>(c: &'a Ctx<'a>, i: u32) -> &'a crate::site::HandlerRun {
    c.site
        .handler_run(i as usize)
        .unwrap_or_else(|| crate::site::absent_run())
}
fn hr_time(c: &Ctx<'_>, i: u32) -> i64 {
    hr(c, i).start as i64
}
fn hr_start(c: &Ctx<'_>, i: u32) -> f64 {
    hr(c, i).start
}
fn hr_duration(c: &Ctx<'_>, i: u32) -> f64 {
    hr(c, i).duration
}
fn hr_exit(c: &Ctx<'_>, i: u32) -> i64 {
    hr(c, i).exit_code()
}
fn hr_signal(c: &Ctx<'_>, i: u32) -> i64 {
    match hr(c, i).outcome {
        crate::site::HandlerOutcome::Signaled(s) => i64::from(s),
        _ => 0,
    }
}
fn hr_timed_out(c: &Ctx<'_>, i: u32) -> i64 {
    b(hr(c, i).outcome == crate::site::HandlerOutcome::TimedOut)
}
fn hr_outcome<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(hr(c, i).outcome_name())
}
fn hr_error<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    match &hr(c, i).outcome {
        crate::site::HandlerOutcome::Failed(e) => Cow::Borrowed(e.as_str()),
        _ => Cow::Borrowed(""),
    }
}
fn hr_global(c: &Ctx<'_>, i: u32) -> i64 {
    b(hr(c, i).global)
}
fn hr_command<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hr(c, i).command_line)
}
fn hr_state<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hr(c, i).state)
}
fn hr_state_type<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hr(c, i).state_type)
}
fn hr_attempt(c: &Ctx<'_>, i: u32) -> i64 {
    i64::from(hr(c, i).attempt)
}
fn hr_output<'a>(c: &'a Ctx<'a>, i: u32) -> Cow<'a, str> {
    Cow::Borrowed(&hr(c, i).output)
}
fn hr_is_service(c: &Ctx<'_>, i: u32) -> i64 {
    b(hr(c, i).service.is_some())
}
pub(crate) fn eventhandler_columns() -> Vec<ColDef> {
    vec![
        col!(
            "attempt",
            "Check attempt of the state change that ran the handler",
            Get::Int(hr_attempt)
        ),
        col!(
            "command_line",
            "The expanded command line",
            Get::Str(hr_command)
        ),
        col!("duration", "Run time in seconds", Get::Float(hr_duration)),
        col!(
            "error",
            "Why the handler could not be started (empty when it ran)",
            Get::Str(hr_error)
        ),
        col!(
            "exit_code",
            "Exit code (-1 when the process did not exit normally)",
            Get::Int(hr_exit)
        ),
        col!(
            "global",
            "Whether this was the global event handler (0/1)",
            Get::Int(hr_global)
        ),
        col!(
            "is_service",
            "0 for a host handler, 1 for a service handler",
            Get::Int(hr_is_service)
        ),
        col!(
            "outcome",
            "ok, failed, signal, timeout or error",
            Get::Str(hr_outcome)
        ),
        col!(
            "output",
            "The first bytes of the handler's output",
            Get::Str(hr_output)
        ),
        col!(
            "signal",
            "The signal that killed the handler (0: none)",
            Get::Int(hr_signal)
        ),
        col!(
            "start",
            "Start time with fractions of a second",
            Get::Float(hr_start)
        ),
        col!(
            "state",
            "State of the object that triggered the handler",
            Get::Str(hr_state)
        ),
        col!("state_type", "SOFT or HARD", Get::Str(hr_state_type)),
        col!("time", "Start time (UNIX timestamp)", Get::Time(hr_time)),
        col!(
            "timed_out",
            "Whether the handler was killed after its timeout (0/1)",
            Get::Int(hr_timed_out)
        ),
    ]
}
