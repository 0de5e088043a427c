//! Macro values: what every standard macro yields for the objects in context or named
//! on demand (`$HOSTSTATE:web1$`, `$SERVICESTATE:web1:HTTP$`, group member lists with
//! a delimiter), custom variables and contact addresses. Mirrors Nagios 4.4.6
//! `grab_macrox_value_r` and friends, including which failures leave the macro
//! verbatim ([`R::Error`]) and which expand to nothing ([`R::Null`]).

use std::fmt::Write as _;
use std::path::Path;

use vigil_config::{
    ContactId, ContactgroupId, HostId, HostgroupId, ServiceId, ServicegroupId, TimeperiodId,
};
use vigil_state::{HostState, ObjectState, ServiceState};

use crate::expand::{Expander, R};
use crate::names::{Group, M};
use crate::time;

/// Unix seconds as Nagios prints a `time_t` with `%lu` (0 for never / negative).
fn epoch(t: f64) -> u64 {
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "YES"
    } else {
        "NO"
    }
}

/// `strtoul(s, NULL, 0)`: decimal, `0x` hex or leading-`0` octal prefix; stops at the
/// first invalid character.
fn strtoul(s: &str) -> i64 {
    let s = s.trim_start();
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let mut n: i64 = 0;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix) else { break };
        n = n
            .saturating_mul(i64::from(radix))
            .saturating_add(i64::from(d));
    }
    n
}

/// Index of the summary counter of `m` (`$TOTALHOSTSUP$` = 0 ...).
fn summary_index(m: M) -> usize {
    use M::*;
    match m {
        TOTALHOSTSUP => 0,
        TOTALHOSTSDOWN => 1,
        TOTALHOSTSUNREACHABLE => 2,
        TOTALHOSTSDOWNUNHANDLED => 3,
        TOTALHOSTSUNREACHABLEUNHANDLED => 4,
        TOTALHOSTPROBLEMS => 5,
        TOTALHOSTPROBLEMSUNHANDLED => 6,
        TOTALSERVICESOK => 7,
        TOTALSERVICESWARNING => 8,
        TOTALSERVICESCRITICAL => 9,
        TOTALSERVICESUNKNOWN => 10,
        TOTALSERVICESWARNINGUNHANDLED => 11,
        TOTALSERVICESCRITICALUNHANDLED => 12,
        TOTALSERVICESUNKNOWNUNHANDLED => 13,
        TOTALSERVICEPROBLEMS => 14,
        _ => 15,
    }
}

impl<'c, 'a> Expander<'c, 'a> {
    /// Formats a number (or anything) into the scratch buffer.
    fn n(&mut self, v: impl std::fmt::Display) -> R<'c> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        R::Scratch
    }

    fn path(p: Option<&'a Path>) -> R<'c> {
        match p {
            None => R::Null,
            Some(p) => match p.to_str() {
                Some(s) => R::Str(s),
                None => R::Owned(p.to_string_lossy().into_owned()),
            },
        }
    }

    fn opt_str(s: Option<&'a str>) -> R<'c> {
        s.map_or(R::Null, R::Str)
    }

    /// Last value of a main-config directive that has no typed field.
    fn main_raw(&self, key: &str) -> Option<&'a str> {
        let model = self.model();
        model
            .main
            .raw
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }

    fn timeperiod_name(&self, tp: Option<TimeperiodId>) -> R<'c> {
        let model = self.model();
        match tp.and_then(|t| model.timeperiods.get(t.idx())) {
            Some(t) => R::Str(&t.name),
            None => R::Null,
        }
    }

    /// Joins the values of `f` over `items` with `delim`, skipping members without
    /// value; no value at all gives [`R::Null`].
    fn join<T>(
        &mut self,
        items: impl Iterator<Item = T>,
        delim: &str,
        mut f: impl FnMut(&mut Self, T) -> R<'c>,
    ) -> R<'c> {
        let mut acc: Option<String> = None;
        for it in items {
            let r = f(self, it);
            let Some(v) = self.plain(r) else { continue };
            match &mut acc {
                None => acc = Some(v),
                Some(a) => {
                    a.push_str(delim);
                    a.push_str(&v);
                }
            }
        }
        acc.map_or(R::Null, R::Owned)
    }

    fn find_service_on(&self, host: HostId, desc: &str) -> Option<ServiceId> {
        let model = self.model();
        model
            .hosts
            .get(host.idx())?
            .services
            .iter()
            .copied()
            .find(|s| {
                model
                    .services
                    .get(s.idx())
                    .is_some_and(|svc| svc.description == desc)
            })
    }

    fn find_service(&self, host: &str, desc: &str) -> Option<ServiceId> {
        self.find_service_on(self.model().find_host(host)?, desc)
    }

    fn find_hostgroup(&self, name: &str) -> Option<HostgroupId> {
        self.model().index.hostgroups.get(name).copied()
    }

    fn find_servicegroup(&self, name: &str) -> Option<ServicegroupId> {
        self.model().index.servicegroups.get(name).copied()
    }

    fn find_contact(&self, name: &str) -> Option<ContactId> {
        self.model().index.contacts.get(name).copied()
    }

    fn find_contactgroup(&self, name: &str) -> Option<ContactgroupId> {
        self.model().index.contactgroups.get(name).copied()
    }

    /// A standard macro with its optional on-demand arguments.
    pub(crate) fn standard(&mut self, m: M, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        match m.group() {
            Group::Host => self.host_macro(m, a1, a2),
            Group::Hostgroup => self.hostgroup_macro(m, a1),
            Group::Service => self.service_macro(m, a1, a2),
            Group::Servicegroup => self.servicegroup_macro(m, a1),
            Group::Contact => self.contact_macro(m, a1, a2),
            Group::Contactgroup => self.contactgroup_macro(m, a1),
            Group::Notification => self.notification_macro(m),
            Group::DateTime => self.datetime_macro(m, a1, a2),
            Group::Static => self.static_macro(m),
            Group::Summary => {
                let s = self.summary();
                self.n(s[summary_index(m)])
            }
        }
    }

    fn host_macro(&mut self, m: M, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        match (a1, a2) {
            (Some(hg), Some(delim)) => {
                let model = self.model();
                let Some(g) = self
                    .find_hostgroup(hg)
                    .and_then(|g| model.hostgroups.get(g.idx()))
                else {
                    return R::Error;
                };
                self.join(g.members.iter().copied(), delim, |s, h| s.host_value(m, h))
            }
            (Some(name), None) => match self.model().find_host(name) {
                Some(h) => self.host_value(m, h),
                // Nagios 4 quirk: a missing host reads as state 2.
                None if m == M::HOSTSTATEID => R::Str("2"),
                None => R::Error,
            },
            (None, _) => match self.host {
                Some(h) => self.host_value(m, h),
                None => R::Error,
            },
        }
    }

    pub(crate) fn host_value(&mut self, m: M, h: HostId) -> R<'c> {
        let model = self.model();
        let statuses: &'a dyn crate::Statuses = self.ctx.statuses;
        let (Some(host), Some(st)) = (model.hosts.get(h.idx()), statuses.host(h)) else {
            return R::Error;
        };
        let set = &host.settings;
        use M::*;
        match m {
            HOSTNAME => R::Str(&host.name),
            HOSTDISPLAYNAME => R::Str(&host.display_name),
            HOSTALIAS => R::Str(&host.alias),
            HOSTADDRESS => R::Str(&host.address),
            HOSTSTATE => R::Str(st.current_state.name()),
            HOSTSTATEID => self.n(st.current_state.id()),
            LASTHOSTSTATE => R::Str(st.last_state.name()),
            LASTHOSTSTATEID => self.n(st.last_state.id()),
            HOSTCHECKTYPE => R::Str(st.check_type.name()),
            HOSTSTATETYPE => R::Str(st.state_type.name()),
            HOSTOUTPUT => Self::opt_str(st.output.short.as_deref()),
            LONGHOSTOUTPUT => R::Str(&st.output.long),
            HOSTPERFDATA => R::Str(&st.output.perfdata),
            HOSTCHECKCOMMAND => Self::opt_str(set.check_command.as_ref().map(|c| c.raw.as_str())),
            HOSTATTEMPT => self.n(st.current_attempt),
            MAXHOSTATTEMPTS => self.n(st.attrs.max_attempts.unwrap_or(set.max_check_attempts)),
            HOSTDOWNTIME => self.n(st.notify.scheduled_downtime_depth),
            HOSTNOTIFICATIONNUMBER => self.n(st.notify.current_notification_number),
            HOSTNOTIFICATIONID => self.n(st.notify.current_notification_id),
            HOSTPERCENTCHANGE => self.n(format_args!("{:.2}", st.percent_state_change)),
            HOSTDURATIONSEC => self.n(self.duration(st.last_state_change)),
            HOSTDURATION => {
                let d = self.duration(st.last_state_change);
                self.n(vigil_state::Dhms(d))
            }
            HOSTEXECUTIONTIME => self.n(format_args!("{:.3}", st.execution_time)),
            HOSTLATENCY => self.n(format_args!("{:.3}", st.latency)),
            LASTHOSTCHECK => self.n(epoch(st.last_check)),
            LASTHOSTSTATECHANGE => self.n(epoch(st.last_state_change)),
            LASTHOSTUP => self.n(epoch(st.last_time_in_state[0])),
            LASTHOSTDOWN => self.n(epoch(st.last_time_in_state[1])),
            LASTHOSTUNREACHABLE => self.n(epoch(st.last_time_in_state[2])),
            HOSTNOTIFICATIONENABLED => R::Str(yes_no(st.attrs.notifications_enabled)),
            HOSTNOTIFICATIONPERIOD => match &st.attrs.notification_period {
                Some(p) => R::Str(&p.name),
                None => self.timeperiod_name(set.notification_period),
            },
            HOSTEVENTID => self.n(st.current_event_id),
            LASTHOSTEVENTID => self.n(st.last_event_id),
            HOSTPROBLEMID => self.n(st.current_problem_id),
            LASTHOSTPROBLEMID => self.n(st.last_problem_id),
            HOSTACTIONURL | HOSTNOTESURL | HOSTNOTES => {
                let (text, url) = match m {
                    HOSTACTIONURL => (set.action_url.as_deref(), true),
                    HOSTNOTESURL => (set.notes_url.as_deref(), true),
                    _ => (set.notes.as_deref(), false),
                };
                match text {
                    Some(text) => R::Inner {
                        text,
                        url,
                        host: Some(h),
                        service: None,
                    },
                    None => R::Null,
                }
            }
            HOSTGROUPNAMES => self.join(host.hostgroups.iter(), ",", |_, g| {
                model
                    .hostgroups
                    .get(g.idx())
                    .map_or(R::Null, |g| R::Str(&g.name))
            }),
            TOTALHOSTSERVICES
            | TOTALHOSTSERVICESOK
            | TOTALHOSTSERVICESWARNING
            | TOTALHOSTSERVICESUNKNOWN
            | TOTALHOSTSERVICESCRITICAL => {
                let want = match m {
                    TOTALHOSTSERVICESOK => Some(0),
                    TOTALHOSTSERVICESWARNING => Some(1),
                    TOTALHOSTSERVICESCRITICAL => Some(2),
                    TOTALHOSTSERVICESUNKNOWN => Some(3),
                    _ => None,
                };
                let statuses: &'a dyn crate::Statuses = self.ctx.statuses;
                let count = host
                    .services
                    .iter()
                    .filter_map(|s| statuses.service(*s))
                    .filter(|s| match want {
                        Some(w) => s.current_state.id() == w,
                        None => true,
                    })
                    .count();
                self.n(count)
            }
            // Nagios 4 "hourly_value" importance is not part of the model.
            HOSTIMPORTANCE | HOSTANDSERVICESIMPORTANCE => R::Str("0"),
            HOSTINFOURL => {
                let base = self
                    .main_raw("website_url")
                    .unwrap_or("website_url not set");
                R::Owned(format!(
                    "{base}/cgi-bin/extinfo.cgi?type=1&host={}",
                    crate::url_encode(&host.name)
                ))
            }
            // Acknowledgement macros only exist during acknowledgement notifications
            // of this host (never on demand).
            HOSTACKAUTHOR | HOSTACKAUTHORNAME | HOSTACKAUTHORALIAS | HOSTACKCOMMENT => {
                if self.service.is_some() || self.host != Some(h) {
                    return R::Null;
                }
                self.ack_macro(m)
            }
            _ => R::Error,
        }
    }

    fn duration(&self, since: f64) -> u64 {
        let since = if since.is_finite() { since as i64 } else { 0 };
        u64::try_from(self.ctx.now.saturating_sub(since)).unwrap_or(0)
    }

    fn hostgroup_macro(&mut self, m: M, a1: Option<&str>) -> R<'c> {
        let model = self.model();
        let id = match a1 {
            Some(name) => self.find_hostgroup(name),
            None => self
                .host
                .and_then(|h| model.hosts.get(h.idx()))
                .and_then(|h| h.hostgroups.first().copied()),
        };
        let Some(g) = id.and_then(|g| model.hostgroups.get(g.idx())) else {
            return R::Error;
        };
        let (host, service) = (self.host, self.service);
        let inner = |text: Option<&'a str>, url: bool| match text {
            Some(text) => R::Inner {
                text,
                url,
                host,
                service,
            },
            None => R::Null,
        };
        match m {
            M::HOSTGROUPNAME => R::Str(&g.name),
            M::HOSTGROUPALIAS => R::Str(&g.alias),
            M::HOSTGROUPMEMBERS | M::HOSTGROUPMEMBERADDRESSES => {
                let mut s = String::new();
                for h in g.members.iter().filter_map(|h| model.hosts.get(h.idx())) {
                    if !s.is_empty() {
                        s.push(',');
                    }
                    s.push_str(if m == M::HOSTGROUPMEMBERS {
                        &h.name
                    } else {
                        &h.address
                    });
                }
                R::Owned(s)
            }
            M::HOSTGROUPNOTES => inner(g.notes.as_deref(), false),
            M::HOSTGROUPNOTESURL => inner(g.notes_url.as_deref(), true),
            M::HOSTGROUPACTIONURL => inner(g.action_url.as_deref(), true),
            _ => R::Error,
        }
    }

    fn service_macro(&mut self, m: M, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        if a1.is_none() && a2.is_none() {
            return match self.service {
                Some(s) => self.service_value(m, s),
                None => R::Error,
            };
        }
        let a1 = a1.unwrap_or("");
        if a1.is_empty() {
            // `$SERVICESTATE::desc$`: a service of the host in context.
            let Some(h) = self.host else { return R::Error };
            return match a2.and_then(|d| self.find_service_on(h, d)) {
                Some(s) => self.service_value(m, s),
                None => R::Null,
            };
        }
        if let Some(s) = a2.and_then(|d| self.find_service(a1, d)) {
            return self.service_value(m, s);
        }
        let Some(delim) = a2 else { return R::Error };
        let model = self.model();
        match self
            .find_servicegroup(a1)
            .and_then(|g| model.servicegroups.get(g.idx()))
        {
            Some(g) => self.join(g.members.iter().copied(), delim, |s, id| {
                s.service_value(m, id)
            }),
            // Nagios 4 quirk: a missing service reads as state 3.
            None if m == M::SERVICESTATEID => R::Str("3"),
            None => R::Error,
        }
    }

    pub(crate) fn service_value(&mut self, m: M, s: ServiceId) -> R<'c> {
        let model = self.model();
        let statuses: &'a dyn crate::Statuses = self.ctx.statuses;
        let (Some(svc), Some(st)) = (model.services.get(s.idx()), statuses.service(s)) else {
            return R::Error;
        };
        let set = &svc.settings;
        use M::*;
        match m {
            SERVICEDESC => R::Str(&svc.description),
            SERVICEDISPLAYNAME => R::Str(&svc.display_name),
            SERVICEOUTPUT => Self::opt_str(st.output.short.as_deref()),
            LONGSERVICEOUTPUT => R::Str(&st.output.long),
            SERVICEPERFDATA => R::Str(&st.output.perfdata),
            SERVICECHECKCOMMAND => {
                Self::opt_str(set.check_command.as_ref().map(|c| c.raw.as_str()))
            }
            SERVICECHECKTYPE => R::Str(st.check_type.name()),
            SERVICESTATETYPE => R::Str(st.state_type.name()),
            SERVICESTATE => R::Str(st.current_state.name()),
            SERVICESTATEID => self.n(st.current_state.id()),
            LASTSERVICESTATE => R::Str(st.last_state.name()),
            LASTSERVICESTATEID => self.n(st.last_state.id()),
            SERVICEISVOLATILE => R::Str(if svc.is_volatile { "1" } else { "0" }),
            SERVICEATTEMPT => self.n(st.current_attempt),
            MAXSERVICEATTEMPTS => self.n(st.attrs.max_attempts.unwrap_or(set.max_check_attempts)),
            SERVICEEXECUTIONTIME => self.n(format_args!("{:.3}", st.execution_time)),
            SERVICELATENCY => self.n(format_args!("{:.3}", st.latency)),
            LASTSERVICECHECK => self.n(epoch(st.last_check)),
            LASTSERVICESTATECHANGE => self.n(epoch(st.last_state_change)),
            LASTSERVICEOK => self.n(epoch(st.last_time_in_state[0])),
            LASTSERVICEWARNING => self.n(epoch(st.last_time_in_state[1])),
            LASTSERVICECRITICAL => self.n(epoch(st.last_time_in_state[2])),
            LASTSERVICEUNKNOWN => self.n(epoch(st.last_time_in_state[3])),
            SERVICEDOWNTIME => self.n(st.notify.scheduled_downtime_depth),
            SERVICENOTIFICATIONNUMBER => self.n(st.notify.current_notification_number),
            SERVICENOTIFICATIONID => self.n(st.notify.current_notification_id),
            SERVICEPERCENTCHANGE => self.n(format_args!("{:.2}", st.percent_state_change)),
            SERVICEDURATIONSEC => self.n(self.duration(st.last_state_change)),
            SERVICEDURATION => {
                let d = self.duration(st.last_state_change);
                self.n(vigil_state::Dhms(d))
            }
            SERVICENOTIFICATIONENABLED => R::Str(yes_no(st.attrs.notifications_enabled)),
            SERVICENOTIFICATIONPERIOD => match &st.attrs.notification_period {
                Some(p) => R::Str(&p.name),
                None => self.timeperiod_name(set.notification_period),
            },
            SERVICEEVENTID => self.n(st.current_event_id),
            LASTSERVICEEVENTID => self.n(st.last_event_id),
            SERVICEPROBLEMID => self.n(st.current_problem_id),
            LASTSERVICEPROBLEMID => self.n(st.last_problem_id),
            SERVICEACTIONURL | SERVICENOTESURL | SERVICENOTES => {
                let (text, url) = match m {
                    SERVICEACTIONURL => (set.action_url.as_deref(), true),
                    SERVICENOTESURL => (set.notes_url.as_deref(), true),
                    _ => (set.notes.as_deref(), false),
                };
                match text {
                    Some(text) => R::Inner {
                        text,
                        url,
                        host: Some(svc.host),
                        service: Some(s),
                    },
                    None => R::Null,
                }
            }
            SERVICEGROUPNAMES => self.join(svc.servicegroups.iter(), ",", |_, g| {
                model
                    .servicegroups
                    .get(g.idx())
                    .map_or(R::Null, |g| R::Str(&g.name))
            }),
            SERVICEIMPORTANCE => R::Str("0"),
            SERVICEINFOURL => {
                let base = self
                    .main_raw("website_url")
                    .unwrap_or("website_url not set");
                let host_name = model
                    .hosts
                    .get(svc.host.idx())
                    .map_or("", |h| h.name.as_str());
                R::Owned(format!(
                    "{base}/cgi-bin/extinfo.cgi?type=2&host={}&service={}",
                    crate::url_encode(host_name),
                    crate::url_encode(&svc.description)
                ))
            }
            // Acknowledgement macros only exist during acknowledgement notifications
            // of this service (never on demand).
            SERVICEACKAUTHOR | SERVICEACKAUTHORNAME | SERVICEACKAUTHORALIAS | SERVICEACKCOMMENT => {
                if self.service != Some(s) {
                    return R::Null;
                }
                self.ack_macro(m)
            }
            _ => R::Error,
        }
    }

    fn servicegroup_macro(&mut self, m: M, a1: Option<&str>) -> R<'c> {
        let model = self.model();
        let id = match a1 {
            Some(name) => self.find_servicegroup(name),
            None => self
                .service
                .and_then(|s| model.services.get(s.idx()))
                .and_then(|s| s.servicegroups.first().copied()),
        };
        let Some(g) = id.and_then(|g| model.servicegroups.get(g.idx())) else {
            return R::Error;
        };
        let (host, service) = (self.host, self.service);
        let inner = |text: Option<&'a str>, url: bool| match text {
            Some(text) => R::Inner {
                text,
                url,
                host,
                service,
            },
            None => R::Null,
        };
        match m {
            M::SERVICEGROUPNAME => R::Str(&g.name),
            M::SERVICEGROUPALIAS => R::Str(&g.alias),
            M::SERVICEGROUPMEMBERS => {
                let mut s = String::new();
                for svc in g.members.iter().filter_map(|s| model.services.get(s.idx())) {
                    let Some(h) = model.hosts.get(svc.host.idx()) else {
                        continue;
                    };
                    if !s.is_empty() {
                        s.push(',');
                    }
                    s.push_str(&h.name);
                    s.push(',');
                    s.push_str(&svc.description);
                }
                R::Owned(s)
            }
            M::SERVICEGROUPNOTES => inner(g.notes.as_deref(), false),
            M::SERVICEGROUPNOTESURL => inner(g.notes_url.as_deref(), true),
            M::SERVICEGROUPACTIONURL => inner(g.action_url.as_deref(), true),
            _ => R::Error,
        }
    }

    /// The notification macros (`$NOTIFICATION...$`): empty outside notifications.
    fn notification_macro(&mut self, m: M) -> R<'c> {
        let Some(n) = self.ctx.notification else {
            return R::Null;
        };
        let opt = |v: &'a Option<String>| v.as_deref().map_or(R::Null, R::Str);
        match m {
            M::NOTIFICATIONTYPE => R::Str(&n.type_name),
            M::NOTIFICATIONNUMBER => self.n(n.number),
            M::NOTIFICATIONRECIPIENTS => R::Str(&n.recipients),
            M::NOTIFICATIONISESCALATED => R::Str(if n.escalated { "1" } else { "0" }),
            M::NOTIFICATIONAUTHOR => opt(&n.author),
            M::NOTIFICATIONAUTHORNAME => opt(&n.author_name),
            M::NOTIFICATIONAUTHORALIAS => opt(&n.author_alias),
            M::NOTIFICATIONCOMMENT => opt(&n.comment),
            _ => R::Error,
        }
    }

    /// `$...ACKAUTHOR$`, `$...ACKAUTHORNAME$`, `$...ACKAUTHORALIAS$`,
    /// `$...ACKCOMMENT$` of the notification in context.
    fn ack_macro(&mut self, m: M) -> R<'c> {
        let Some(n) = self.ctx.notification else {
            return R::Null;
        };
        let v = match m {
            M::HOSTACKAUTHOR | M::SERVICEACKAUTHOR => &n.ack_author,
            M::HOSTACKAUTHORNAME | M::SERVICEACKAUTHORNAME => &n.ack_author_name,
            M::HOSTACKAUTHORALIAS | M::SERVICEACKAUTHORALIAS => &n.ack_author_alias,
            _ => &n.ack_comment,
        };
        v.as_deref().map_or(R::Null, R::Str)
    }

    /// Contact macros: of the contact being notified, or on demand
    /// (`$CONTACTEMAIL:john$`, `$CONTACTEMAIL:admins:,$`).
    fn contact_macro(&mut self, m: M, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        let model = self.model();
        match (a1, a2) {
            (Some(cg), Some(delim)) => {
                let Some(g) = self
                    .find_contactgroup(cg)
                    .and_then(|g| model.contactgroups.get(g.idx()))
                else {
                    return R::Error;
                };
                self.join(g.members.iter().copied(), delim, |s, c| {
                    s.contact_value(m, c)
                })
            }
            (Some(name), None) => match self.find_contact(name) {
                Some(c) => self.contact_value(m, c),
                None => R::Error,
            },
            (None, _) => match self.ctx.contact {
                Some(c) => self.contact_value(m, c),
                None => R::Error,
            },
        }
    }

    fn contact_value(&mut self, m: M, c: ContactId) -> R<'c> {
        let model = self.model();
        let Some(contact) = model.contacts.get(c.idx()) else {
            return R::Error;
        };
        match m {
            M::CONTACTNAME => R::Str(&contact.name),
            M::CONTACTALIAS => R::Str(&contact.alias),
            M::CONTACTEMAIL => Self::opt_str(contact.email.as_deref()),
            M::CONTACTPAGER => Self::opt_str(contact.pager.as_deref()),
            M::CONTACTGROUPNAMES => self.join(contact.contactgroups.iter(), ",", |_, g| {
                model
                    .contactgroups
                    .get(g.idx())
                    .map_or(R::Null, |g| R::Str(&g.name))
            }),
            _ => R::Error,
        }
    }

    fn contactgroup_macro(&mut self, m: M, a1: Option<&str>) -> R<'c> {
        let model = self.model();
        // Without a name: the first group of the contact being notified.
        let id = match a1 {
            Some(n) => self.find_contactgroup(n),
            None => self
                .ctx
                .contact
                .and_then(|c| model.contacts.get(c.idx()))
                .and_then(|c| c.contactgroups.first().copied()),
        };
        let Some(g) = id.and_then(|g| model.contactgroups.get(g.idx())) else {
            return R::Error;
        };
        match m {
            M::CONTACTGROUPNAME => R::Str(&g.name),
            M::CONTACTGROUPALIAS => R::Str(&g.alias),
            M::CONTACTGROUPMEMBERS => self.join(g.members.iter(), ",", |_, c| {
                model
                    .contacts
                    .get(c.idx())
                    .map_or(R::Null, |c| R::Str(&c.name))
            }),
            _ => R::Error,
        }
    }

    /// `$CONTACTADDRESSn$` (`idx` is n-1): of the contact being notified, or on
    /// demand.
    pub(crate) fn contact_address(
        &mut self,
        idx: i64,
        a1: Option<&str>,
        a2: Option<&str>,
    ) -> R<'c> {
        let model = self.model();
        let address = |c: ContactId| -> R<'c> {
            let Some(contact) = model.contacts.get(c.idx()) else {
                return R::Error;
            };
            if !(0..6).contains(&idx) {
                return R::Error;
            }
            match contact.addresses.get(idx as usize) {
                Some(Some(a)) => R::Str(a),
                _ => R::Null,
            }
        };
        match (a1, a2) {
            (Some(cg), Some(delim)) => {
                let Some(g) = self
                    .find_contactgroup(cg)
                    .and_then(|g| model.contactgroups.get(g.idx()))
                else {
                    return R::Error;
                };
                self.join(g.members.iter().copied(), delim, |_, c| address(c))
            }
            (Some(name), None) => match self.find_contact(name) {
                Some(c) => address(c),
                None => R::Error,
            },
            (None, _) => match self.ctx.contact {
                Some(c) => address(c),
                None => R::Error,
            },
        }
    }

    fn datetime_macro(&mut self, m: M, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        let now = self.ctx.now;
        match m {
            M::TIMET => self.n(now.max(0)),
            M::ISVALIDTIME | M::NEXTVALIDTIME => {
                let model = self.model();
                let Some(tp) = a1
                    .and_then(|n| model.index.timeperiods.get(n))
                    .and_then(|t| model.timeperiods.get(t.idx()))
                else {
                    return R::Error;
                };
                let t = a2.map_or(now, strtoul);
                if m == M::ISVALIDTIME {
                    R::Str(if tp.contains(self.ctx.zone, t, &model.timeperiods) {
                        "1"
                    } else {
                        "0"
                    })
                } else {
                    // Like Nagios' get_next_valid_time, never earlier than now.
                    let next = tp
                        .next_valid(self.ctx.zone, t.max(now), &model.timeperiods)
                        .unwrap_or(0);
                    self.n(next.max(0))
                }
            }
            _ => {
                let date_format = self.model().main.date_format.as_str();
                let Some(tm) = time::local(self.ctx.zone, now) else {
                    return R::Null;
                };
                self.scratch.clear();
                let _ = match m {
                    M::LONGDATETIME => tm.write_long(&mut self.scratch),
                    M::SHORTDATETIME => tm.write_short(&mut self.scratch, date_format),
                    M::DATE => tm.write_date(&mut self.scratch, date_format),
                    _ => tm.write_time(&mut self.scratch),
                };
                R::Scratch
            }
        }
    }

    fn static_macro(&mut self, m: M) -> R<'c> {
        let model = self.model();
        let main = &model.main;
        match m {
            M::ADMINEMAIL => R::Str(&main.admin_email),
            M::ADMINPAGER => R::Str(&main.admin_pager),
            M::MAINCONFIGFILE => Self::path(Some(&main.path)),
            M::STATUSDATAFILE => Self::path(main.status_file.as_deref()),
            M::RETENTIONDATAFILE => Self::path(main.state_retention_file.as_deref()),
            M::OBJECTCACHEFILE => Self::path(main.object_cache_file.as_deref()),
            M::TEMPFILE => Self::path(main.temp_file.as_deref()),
            M::TEMPPATH => Self::path(main.temp_path.as_deref()),
            M::LOGFILE => Self::path(Some(&main.log_file)),
            M::RESOURCEFILE => Self::path(main.resource_files.last().map(|p| p.as_path())),
            M::COMMANDFILE => Self::path(main.command_file.as_deref()),
            M::HOSTPERFDATAFILE => Self::opt_str(self.main_raw("host_perfdata_file")),
            M::SERVICEPERFDATAFILE => Self::opt_str(self.main_raw("service_perfdata_file")),
            // The event loop starts right after the program: vigil has one start time.
            M::PROCESSSTARTTIME | M::EVENTSTARTTIME => {
                self.n(epoch(self.ctx.program.program_start))
            }
            _ => R::Error,
        }
    }

    /// The 16 summary counters over all checked hosts and services.
    fn summary(&mut self) -> [u64; 16] {
        if let Some(s) = self.summary {
            return s;
        }
        let ctx = self.ctx;
        let mut s = [0u64; 16];
        let hosts = (0..ctx.model.hosts.len()).filter_map(|i| ctx.statuses.host(HostId(i as u32)));
        for st in hosts.filter(|st| st.has_been_checked) {
            // Handled: acknowledged, in downtime, or active checks disabled.
            let unhandled = st.attrs.active_checks_enabled
                && !st.notify.acknowledged
                && st.notify.scheduled_downtime_depth == 0;
            match st.current_state {
                HostState::Up => s[0] += 1,
                HostState::Down => {
                    s[1] += 1;
                    s[3] += u64::from(unhandled);
                }
                HostState::Unreachable => {
                    s[2] += 1;
                    s[4] += u64::from(unhandled);
                }
            }
        }
        s[5] = s[1] + s[2];
        s[6] = s[3] + s[4];
        for (i, svc) in ctx.model.services.iter().enumerate() {
            let Some(st) = ctx.statuses.service(ServiceId(i as u32)) else {
                continue;
            };
            if !st.has_been_checked {
                continue;
            }
            let host_problem = ctx
                .statuses
                .host(svc.host)
                .is_some_and(|h| !h.current_state.is_ok());
            let unhandled = u64::from(
                st.attrs.active_checks_enabled
                    && !host_problem
                    && !st.notify.acknowledged
                    && st.notify.scheduled_downtime_depth == 0,
            );
            match st.current_state {
                ServiceState::Ok => s[7] += 1,
                ServiceState::Warning => {
                    s[8] += 1;
                    s[11] += unhandled;
                }
                ServiceState::Critical => {
                    s[9] += 1;
                    s[12] += unhandled;
                }
                ServiceState::Unknown => {
                    s[10] += 1;
                    s[13] += unhandled;
                }
            }
        }
        s[14] = s[8] + s[9] + s[10];
        s[15] = s[11] + s[12] + s[13];
        self.summary = Some(s);
        s
    }

    /// Custom variable macros `$_HOSTX$`, `$_SERVICEX$`, `$_CONTACTX$` with their
    /// on-demand forms.
    pub(crate) fn custom(&mut self, name: &str, a1: Option<&str>, a2: Option<&str>) -> R<'c> {
        let model = self.model();
        if let Some(var) = name.strip_prefix("_HOST") {
            return match (a1, a2) {
                (Some(hg), Some(delim)) => {
                    let Some(g) = self
                        .find_hostgroup(hg)
                        .and_then(|g| model.hostgroups.get(g.idx()))
                    else {
                        return R::Error;
                    };
                    self.join(g.members.iter(), delim, |s, h| {
                        s.custom_var(
                            model.hosts.get(h.idx()).map(|h| &h.settings.custom_vars),
                            var,
                        )
                        .unwrap_or(R::Null)
                    })
                }
                _ => {
                    let h = match a1 {
                        Some(n) => model.find_host(n),
                        None => self.host,
                    };
                    let Some(host) = h.and_then(|h| model.hosts.get(h.idx())) else {
                        return R::Error;
                    };
                    self.custom_var(Some(&host.settings.custom_vars), var)
                        .unwrap_or(R::Error)
                }
            };
        }
        if let Some(var) = name.strip_prefix("_SERVICE") {
            let svc_vars =
                |s: ServiceId| model.services.get(s.idx()).map(|s| &s.settings.custom_vars);
            if a1.is_none() && a2.is_none() {
                let Some(s) = self.service else {
                    return R::Error;
                };
                return self.custom_var(svc_vars(s), var).unwrap_or(R::Error);
            }
            let a1 = a1.unwrap_or("");
            let found = if a1.is_empty() {
                let Some(h) = self.host else { return R::Error };
                a2.and_then(|d| self.find_service_on(h, d))
            } else {
                a2.and_then(|d| self.find_service(a1, d))
            };
            if let Some(s) = found {
                return self.custom_var(svc_vars(s), var).unwrap_or(R::Error);
            }
            let Some(delim) = a2 else { return R::Error };
            let Some(g) = self
                .find_servicegroup(a1)
                .and_then(|g| model.servicegroups.get(g.idx()))
            else {
                return R::Error;
            };
            return self.join(g.members.iter(), delim, |s, id| {
                s.custom_var(svc_vars(*id), var).unwrap_or(R::Null)
            });
        }
        if let Some(var) = name.strip_prefix("_CONTACT") {
            let contact_vars = |c: ContactId| model.contacts.get(c.idx()).map(|c| &c.custom_vars);
            return match (a1, a2) {
                (Some(cg), Some(delim)) => {
                    let Some(g) = self
                        .find_contactgroup(cg)
                        .and_then(|g| model.contactgroups.get(g.idx()))
                    else {
                        return R::Error;
                    };
                    self.join(g.members.iter(), delim, |s, c| {
                        s.custom_var(contact_vars(*c), var).unwrap_or(R::Null)
                    })
                }
                (Some(n), None) => match self.find_contact(n) {
                    Some(c) => self.custom_var(contact_vars(c), var).unwrap_or(R::Error),
                    None => R::Error,
                },
                (None, _) => match self.ctx.contact {
                    Some(c) => self.custom_var(contact_vars(c), var).unwrap_or(R::Error),
                    None => R::Error,
                },
            };
        }
        R::Error
    }

    /// The value of custom variable `var` (`None` if the object has no such variable
    /// and the 4.5.7 "empty" behaviour is off).
    fn custom_var<K, V>(&self, vars: Option<&'a Vec<(K, V)>>, var: &str) -> Option<R<'c>>
    where
        K: std::ops::Deref<Target = str>,
        V: std::ops::Deref<Target = str>,
    {
        let found = vars?.iter().find(|(k, _)| &**k == var);
        match found {
            Some((_, v)) => Some(R::Str(v)),
            None if self.opts.empty_undefined_custom_vars => Some(R::Null),
            None => None,
        }
    }
}
