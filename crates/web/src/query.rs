//! Rows of hosts, services and problems from a [`Snapshot`], filtered by what the
//! user may see and by the request's filters (state, group, text), one page at a
//! time. One pass over the objects per request, no sorting of the full list
//! (services keep the configuration's order), so a page of 100 rows stays fast at
//! 100,000 services.

use serde::{Deserialize, Serialize};
use vigil_config::{HostId, Model, ServiceId};
use vigil_core::Snapshot;
use vigil_state::{AckKind, ObjectState, Status};

use crate::auth::User;
use crate::index::{GroupIndex, SnapIndex};
use vigil_core::ObjRef;

/// Filters and paging of a list request (`?state=critical,warning&group=web&q=db&page=2`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Filter {
    /// Comma-separated state names (`ok`, `warning`, `critical`, `unknown`, `up`,
    /// `down`, `unreachable`, `pending`, `problem`).
    #[serde(default)]
    pub state: Option<String>,
    /// A host group or service group name.
    #[serde(default)]
    pub group: Option<String>,
    /// Text found (case-insensitive) in the host name, service description or output.
    #[serde(default)]
    pub q: Option<String>,
    /// Only this host's services.
    #[serde(default)]
    pub host: Option<String>,
    /// 1-based page.
    #[serde(default)]
    pub page: Option<usize>,
    /// Rows per page (default 100, at most 1000).
    #[serde(default)]
    pub per_page: Option<usize>,
}

impl Filter {
    /// Rows per page.
    pub fn per_page(&self) -> usize {
        self.per_page.unwrap_or(100).clamp(1, 1000)
    }

    /// 1-based page.
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }

    pub(crate) fn states(&self) -> Vec<String> {
        self.state
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// One page of rows.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// Rows matching the filter (all pages).
    pub total: usize,
    /// This page, 1-based.
    pub page: usize,
    /// Rows per page.
    pub per_page: usize,
    /// The rows.
    pub rows: Vec<T>,
}

/// The state fields shared by host and service rows.
#[derive(Debug, Clone, Serialize)]
pub struct StateView {
    /// `OK`, `CRITICAL`, `UP`, ... or `PENDING` before the first check.
    pub state: String,
    /// `SOFT` / `HARD`.
    pub state_type: String,
    /// Current attempt.
    pub attempt: u32,
    /// Max attempts.
    pub max_attempts: u32,
    /// Short output.
    pub output: String,
    /// Last check (Unix seconds, 0 = never).
    pub last_check: f64,
    /// Next check.
    pub next_check: f64,
    /// Since when in this state.
    pub last_state_change: f64,
    /// Flapping.
    pub flapping: bool,
    /// Active checks enabled.
    pub checks_enabled: bool,
    /// Event handler enabled.
    pub handlers_enabled: bool,
    /// Notifications enabled.
    pub notifications_enabled: bool,
    /// `unhandled`, `acknowledged` or `downtime` for problems, `ok` otherwise.
    pub handling: &'static str,
    /// The problem has been acknowledged (`problem_has_been_acknowledged`).
    pub acknowledged: bool,
    /// `normal` (removed by the next state change) or `sticky` (removed only by a
    /// recovery) while acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_type: Option<&'static str>,
    /// `scheduled_downtime_depth`: downtimes in effect for the object itself.
    pub downtime_depth: u32,
    /// A service's host is in downtime (its downtime covers the service's problem).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub host_in_downtime: bool,
}

/// A service row.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    /// Host name.
    pub host: String,
    /// Service description.
    pub service: String,
    /// State fields.
    #[serde(flatten)]
    pub st: StateView,
}

/// A host row.
#[derive(Debug, Clone, Serialize)]
pub struct HostRow {
    /// Host name.
    pub host: String,
    /// Address.
    pub address: String,
    /// State fields.
    #[serde(flatten)]
    pub st: StateView,
}

/// Whether a problem is being dealt with, from the facts the core keeps on the
/// object (`notify`): acknowledged first (someone took it), then in a scheduled
/// downtime (the object's own, or its host's for a service: `host_in_downtime`).
fn handling<S: ObjectState>(st: &Status<S>, host_in_downtime: bool) -> &'static str {
    if !st.has_been_checked || st.current_state.is_ok() {
        "ok"
    } else if st.notify.acknowledged {
        "acknowledged"
    } else if st.notify.scheduled_downtime_depth > 0 || host_in_downtime {
        "downtime"
    } else {
        "unhandled"
    }
}

/// Whether host `h` is in a scheduled downtime (for its services' handling).
pub fn host_in_downtime(snap: &Snapshot, h: HostId) -> bool {
    snap.host(h)
        .is_some_and(|s| s.notify.scheduled_downtime_depth > 0)
}

/// The state fields of a status; `host_in_downtime`: a service's host is in a
/// scheduled downtime (always false for hosts).
pub fn state_view<S: ObjectState>(
    st: &Status<S>,
    max_attempts: u32,
    host_in_downtime: bool,
) -> StateView {
    StateView {
        state: if st.has_been_checked {
            st.current_state.name().to_string()
        } else {
            "PENDING".into()
        },
        state_type: st.state_type.name().to_string(),
        attempt: st.current_attempt,
        max_attempts: st.attrs.max_attempts.unwrap_or(max_attempts),
        output: st.output.short.clone().unwrap_or_default(),
        last_check: st.last_check,
        next_check: st.next_check,
        last_state_change: st.last_state_change,
        flapping: st.is_flapping,
        checks_enabled: st.attrs.active_checks_enabled,
        handlers_enabled: st.attrs.event_handler_enabled,
        notifications_enabled: st.attrs.notifications_enabled,
        handling: handling(st, host_in_downtime),
        acknowledged: st.notify.acknowledged,
        ack_type: match (st.notify.acknowledged, st.notify.ack) {
            (false, _) | (true, AckKind::None) => None,
            (true, AckKind::Normal) => Some("normal"),
            (true, AckKind::Sticky) => Some("sticky"),
        },
        downtime_depth: st.notify.scheduled_downtime_depth,
        host_in_downtime,
    }
}

fn state_matches<S: ObjectState>(st: &Status<S>, wanted: &[String]) -> bool {
    if wanted.is_empty() {
        return true;
    }
    wanted.iter().any(|w| match w.as_str() {
        "pending" => !st.has_been_checked,
        "problem" | "problems" => st.has_been_checked && !st.current_state.is_ok(),
        name => st.has_been_checked && st.current_state.name().eq_ignore_ascii_case(name),
    })
}

/// ASCII case-insensitive substring test without allocating.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    if n.len() > h.len() {
        return false;
    }
    h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// A host list's group filter: none, a host group, or a name no host group has.
enum HostGroup {
    Any,
    Is(vigil_config::HostgroupId),
    NoSuch,
}

fn host_group(model: &Model, name: Option<&str>) -> HostGroup {
    match name.filter(|n| !n.is_empty()) {
        None => HostGroup::Any,
        Some(n) => model
            .index
            .hostgroups
            .get(n)
            .map_or(HostGroup::NoSuch, |g| HostGroup::Is(*g)),
    }
}

/// The ascending service ids whose state is one of `states` (names as in
/// [`Filter::state`]); unknown names match nothing.
fn services_in_states(ix: &SnapIndex, states: &[String]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for s in states {
        let slots: &[usize] = match s.as_str() {
            "ok" => &[0],
            "warning" => &[1],
            "critical" => &[2],
            "unknown" => &[3],
            "pending" => &[4],
            "problem" | "problems" => &[1, 2, 3],
            _ => &[],
        };
        for &i in slots {
            if let Some(v) = ix.services_by_state.get(i) {
                out = crate::index::union(&out, v);
            }
        }
    }
    out
}

/// One page of the services `user` may see that match `f`, in configuration
/// order. Each filter narrows a list of candidate ids from the indexes (state
/// lists, group members, the text blob), so the work is proportional to the
/// matching services, not to the configuration.
pub fn services(
    snap: &Snapshot,
    ix: &SnapIndex,
    groups: &GroupIndex,
    user: &User,
    f: &Filter,
) -> Page<ServiceRow> {
    let model = snap.model();
    let (per, page) = (f.per_page(), f.page());
    let empty = || Page {
        total: 0,
        page,
        per_page: per,
        rows: vec![],
    };
    let mut cand: Option<Vec<u32>> = None;
    let narrow = |cand: Option<Vec<u32>>, ids: Vec<u32>| {
        Some(match cand {
            Some(c) => crate::index::intersect(&c, &ids),
            None => ids,
        })
    };
    let states = f.states();
    if !states.is_empty() {
        cand = narrow(cand, services_in_states(ix, &states));
    }
    if let Some(g) = f.group.as_deref().filter(|g| !g.is_empty()) {
        match groups.services(g) {
            Some(ids) => cand = narrow(cand, ids),
            None => return empty(),
        }
    }
    if let Some(h) = f.host.as_deref() {
        let Some(host) = model.find_host(h).and_then(|h| model.hosts.get(h.idx())) else {
            return empty();
        };
        let mut ids: Vec<u32> = host.services.iter().map(|s| s.0).collect();
        ids.sort_unstable();
        cand = narrow(cand, ids);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        cand = narrow(cand, ix.services_matching(snap, q));
    }
    let start = (page - 1).saturating_mul(per);
    let row = |id: u32| -> Option<ServiceRow> {
        let svc = model.services.get(id as usize)?;
        let st = snap.service(ServiceId(id))?;
        Some(ServiceRow {
            host: model.hosts.get(svc.host.idx())?.name.clone(),
            service: svc.description.as_str().to_string(),
            st: state_view(
                st,
                svc.settings.max_check_attempts,
                host_in_downtime(snap, svc.host),
            ),
        })
    };
    if user.sees_all_services() {
        // Every candidate is visible: count, and build only this page's rows.
        let (total, rows) = match &cand {
            Some(c) => (
                c.len(),
                c.iter()
                    .skip(start)
                    .take(per)
                    .filter_map(|&i| row(i))
                    .collect(),
            ),
            None => {
                let n = model.services.len();
                let end = start.saturating_add(per).min(n);
                (
                    n,
                    (start.min(n)..end).filter_map(|i| row(i as u32)).collect(),
                )
            }
        };
        return Page {
            total,
            page,
            per_page: per,
            rows,
        };
    }
    let mut total = 0;
    let mut rows = Vec::new();
    let all: Box<dyn Iterator<Item = u32>> = match cand {
        Some(c) => Box::new(c.into_iter()),
        None => Box::new(0..model.services.len() as u32),
    };
    for id in all {
        let Some(svc) = model.services.get(id as usize) else {
            continue;
        };
        if !user.sees_service(ServiceId(id), svc.host) {
            continue;
        }
        if total >= start && rows.len() < per {
            rows.extend(row(id));
        }
        total += 1;
    }
    Page {
        total,
        page,
        per_page: per,
        rows,
    }
}

/// One page of the hosts `user` may see that match `f`.
pub fn hosts(snap: &Snapshot, user: &User, f: &Filter) -> Page<HostRow> {
    let model = snap.model();
    let states = f.states();
    let g = host_group(model, f.group.as_deref());
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let (per, page) = (f.per_page(), f.page());
    let start = (page - 1).saturating_mul(per);
    let mut total = 0;
    let mut rows = Vec::new();
    for (i, host) in model.hosts.iter().enumerate() {
        let id = HostId(i as u32);
        let Some(st) = snap.host(id) else { continue };
        if !user.sees_host(id) || !state_matches(st, &states) {
            continue;
        }
        let in_group = match g {
            HostGroup::Any => true,
            HostGroup::Is(hg) => host.hostgroups.contains(&hg),
            HostGroup::NoSuch => false,
        };
        if !in_group {
            continue;
        }
        if let Some(q) = q {
            let out = st.output.short.as_deref().unwrap_or("");
            if !(contains_ci(&host.name, q) || contains_ci(&host.address, q) || contains_ci(out, q))
            {
                continue;
            }
        }
        if total >= start && rows.len() < per {
            rows.push(HostRow {
                host: host.name.clone(),
                address: host.address.clone(),
                st: state_view(st, host.settings.max_check_attempts, false),
            });
        }
        total += 1;
    }
    Page {
        total,
        page,
        per_page: per,
        rows,
    }
}

/// A problem: a host not UP or a service not OK (checked at least once).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Host name.
    pub host: String,
    /// Service description (service problems).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// State fields.
    #[serde(flatten)]
    pub st: StateView,
    /// The latest handler run on it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_handler: Option<crate::runs::Run>,
}

/// Objects the user may see, by state (`PENDING` for never checked).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Host state name → count.
    pub hosts: std::collections::BTreeMap<String, usize>,
    /// Service state name → count.
    pub services: std::collections::BTreeMap<String, usize>,
}

/// Counts what `user` may see by state.
pub fn summary(snap: &Snapshot, ix: &SnapIndex, user: &User) -> Summary {
    let model = snap.model();
    let mut s = Summary::default();
    if user.sees_all_hosts() && user.sees_all_services() {
        const SVC: [&str; 5] = ["OK", "WARNING", "CRITICAL", "UNKNOWN", "PENDING"];
        const HOST: [&str; 4] = ["UP", "DOWN", "UNREACHABLE", "PENDING"];
        for (name, ids) in SVC.iter().zip(&ix.services_by_state) {
            if !ids.is_empty() {
                s.services.insert(name.to_string(), ids.len());
            }
        }
        for (name, ids) in HOST.iter().zip(&ix.hosts_by_state) {
            if !ids.is_empty() {
                s.hosts.insert(name.to_string(), ids.len());
            }
        }
        return s;
    }
    let name = |checked: bool, n: &'static str| if checked { n } else { "PENDING" };
    for (i, st) in snap.hosts().iter().enumerate() {
        if user.sees_host(HostId(i as u32)) {
            *s.hosts
                .entry(name(st.has_been_checked, st.current_state.name()).into())
                .or_default() += 1;
        }
    }
    for (i, st) in snap.services().iter().enumerate() {
        let Some(svc) = model.services.get(i) else {
            continue;
        };
        if user.sees_service(ServiceId(i as u32), svc.host) {
            *s.services
                .entry(name(st.has_been_checked, st.current_state.name()).into())
                .or_default() += 1;
        }
    }
    s
}

/// Every problem `user` may see: unhandled first, then acknowledged / in
/// downtime; within each, hosts before services, worst state first, longest
/// standing first (the index's order). At most `limit`; the total is returned too.
pub fn problems(
    snap: &Snapshot,
    ix: &SnapIndex,
    user: &User,
    limit: usize,
) -> (usize, Vec<Problem>) {
    let model = snap.model();
    let mut out = Vec::new();
    for obj in &ix.problems {
        match *obj {
            ObjRef::Host(id) => {
                let (Some(h), Some(st)) = (model.hosts.get(id.idx()), snap.host(id)) else {
                    continue;
                };
                if user.sees_host(id) {
                    out.push(Problem {
                        host: h.name.clone(),
                        service: None,
                        st: state_view(st, h.settings.max_check_attempts, false),
                        last_handler: None,
                    });
                }
            }
            ObjRef::Service(id) => {
                let (Some(svc), Some(st)) = (model.services.get(id.idx()), snap.service(id)) else {
                    continue;
                };
                if !user.sees_service(id, svc.host) {
                    continue;
                }
                if let Some(h) = model.hosts.get(svc.host.idx()) {
                    out.push(Problem {
                        host: h.name.clone(),
                        service: Some(svc.description.as_str().to_string()),
                        st: state_view(
                            st,
                            svc.settings.max_check_attempts,
                            host_in_downtime(snap, svc.host),
                        ),
                        last_handler: None,
                    });
                }
            }
        }
    }
    // Stable: the index's order within unhandled and handled.
    out.sort_by_key(|p| p.st.handling != "unhandled");
    let total = out.len();
    out.truncate(limit);
    (total, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn case_insensitive_contains() {
        assert!(contains_ci("Disk /var CRITICAL", "critical"));
        assert!(contains_ci("abc", ""));
        assert!(!contains_ci("ab", "abc"));
    }

    proptest! {
        #[test]
        fn contains_agrees_with_lowercase(h in "[a-zA-Z ]{0,30}", n in "[a-zA-Z]{0,4}") {
            prop_assert_eq!(contains_ci(&h, &n), h.to_ascii_lowercase().contains(&n.to_ascii_lowercase()));
        }
    }
}
