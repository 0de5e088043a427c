//! The list grammar of objects.md §5: which hosts, host groups and services a
//! `host_name` / `hostgroup_name` / `service_description` list selects
//! (`*`, `!name`, plain names and, under `use_regexp_matching`, regular
//! expressions; see [`crate::names`]).

use super::*;
use crate::names;

/// Result of expanding host / hostgroup lists.
pub(super) struct Expanded {
    /// Hosts with whether they were named explicitly (`host_name`).
    pub(super) hosts: Vec<(HostId, bool)>,
    /// Some name could not be resolved (already reported).
    pub(super) failed: bool,
}

impl<'r, 'd> Builder<'r, 'd> {
    /// Reports the items of a list that selected nothing (exclusions of
    /// unknown names only when `report_excluded`) and invalid expressions.
    /// Returns whether anything was reported.
    pub(super) fn report_selection<T>(
        &mut self,
        s: &names::Selection<T>,
        report_excluded: bool,
        l: &Location,
        what: impl Fn(&str) -> String,
    ) -> bool {
        let mut failed = false;
        for (item, excluded) in &s.missing {
            if *excluded && !report_excluded {
                continue;
            }
            failed = true;
            self.err(l, what(item));
        }
        for (item, why) in &s.bad_regex {
            failed = true;
            self.err(
                l,
                format!("{}: invalid regular expression: {why}", what(item)),
            );
        }
        failed
    }

    /// Hosts selected by a host list (`*`, `!`, names, expressions).
    pub(super) fn select_hosts(&self, value: &str) -> names::Selection<HostId> {
        let hosts = &self.m.hosts;
        let index = &self.m.index.hosts;
        names::select(
            self.matching,
            value,
            |n| index.get(n).copied(),
            || {
                hosts
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (h.name.as_str(), HostId(i as u32)))
                    .collect()
            },
        )
    }

    /// Host groups selected by a host group list.
    pub(super) fn select_hostgroups(&self, value: &str) -> names::Selection<HostgroupId> {
        let index = &self.m.index.hostgroups;
        names::select(
            self.matching,
            value,
            |n| index.get(n).copied(),
            || index.iter().map(|(n, &g)| (n.as_str(), g)).collect(),
        )
    }

    /// Expands `host_name` / `hostgroup_name` style lists with `*` and `!`
    /// (objects.md §5). Unknown names are reported against `who` at `l`.
    pub(super) fn expand_hosts(
        &mut self,
        hosts: Option<&str>,
        groups: Option<&str>,
        l: &Location,
        who: &str,
    ) -> Expanded {
        // Fast path: a single plain host name.
        if let (Some(h), None) = (hosts, groups) {
            let h = h.trim_matches(crate::source::is_blank);
            if !h.contains([',', '*', '!']) && !self.matching.regexp() {
                return match self.m.index.hosts.get(h) {
                    Some(&id) => Expanded {
                        hosts: vec![(id, true)],
                        failed: false,
                    },
                    None => {
                        self.err(l, format!("{who}: could not find any host matching '{h}'"));
                        Expanded {
                            hosts: Vec::new(),
                            failed: true,
                        }
                    }
                };
            }
        }
        let mut inc: Vec<(HostId, bool)> = Vec::new();
        let mut exc: Vec<HostId> = Vec::new();
        let mut failed = false;
        if let Some(hs) = hosts {
            let sel = self.select_hosts(hs);
            failed |= self.report_selection(&sel, true, l, |n| {
                format!("{who}: could not find any host matching '{}'", n)
            });
            inc.extend(sel.include.iter().map(|&h| (h, true)));
            exc.extend_from_slice(&sel.exclude);
        }
        if let Some(gs) = groups {
            let sel = self.select_hostgroups(gs);
            failed |= self.report_selection(&sel, true, l, |n| {
                format!("{who}: could not find any host group matching '{n}'")
            });
            for g in &sel.include {
                inc.extend(
                    self.m.hostgroups[g.idx()]
                        .members
                        .iter()
                        .map(|&h| (h, false)),
                );
            }
            for g in &sel.exclude {
                exc.extend_from_slice(&self.m.hostgroups[g.idx()].members);
            }
        }
        // Explicit first for each host, then drop duplicates and exclusions.
        inc.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        inc.dedup_by_key(|x| x.0);
        if !exc.is_empty() {
            exc.sort_unstable();
            inc.retain(|(h, _)| exc.binary_search(h).is_err());
        }
        Expanded { hosts: inc, failed }
    }

    /// Services of `host` selected by the description list `descs` (`*`,
    /// `!desc`, descriptions, expressions). A description that selects
    /// nothing is reported (an exclusion of an unknown one is not, as in
    /// Nagios); returns the services and whether something was reported.
    pub(super) fn host_services(
        &mut self,
        host: HostId,
        descs: &str,
        l: &Location,
        who: &str,
    ) -> (Vec<ServiceId>, bool) {
        let h = &self.m.hosts[host.idx()];
        let services = &self.m.services;
        let sel = names::select(
            self.matching,
            descs,
            |d| {
                h.services
                    .iter()
                    .copied()
                    .find(|s| services[s.idx()].description == d)
            },
            || {
                h.services
                    .iter()
                    .map(|&s| (services[s.idx()].description.as_str(), s))
                    .collect()
            },
        );
        let hn = h.name.clone();
        let failed = self.report_selection(&sel, false, l, |d| {
            format!(
                "{who}: could not find a service matching host name '{hn}' and description '{d}'"
            )
        });
        (sel.result(), failed)
    }

    /// Services of `host` with description `desc` (`*` = all), unreported.
    pub(super) fn services_named(&self, host: HostId, desc: &str) -> Vec<ServiceId> {
        let h = &self.m.hosts[host.idx()];
        if desc == "*" {
            return h.services.clone();
        }
        h.services
            .iter()
            .copied()
            .filter(|s| self.m.services[s.idx()].description == desc)
            .collect()
    }

    /// Expands host lists × description list (+ servicegroups) into services.
    pub(super) fn expand_services(
        &mut self,
        r: &Resolved,
        (hk, gk, dk, sgk): (K, K, K, Option<K>),
        l: &Location,
        who: &str,
    ) -> (Vec<ServiceId>, bool) {
        let mut out = Vec::new();
        let mut failed = false;
        if r.get(hk).is_some() || r.get(gk).is_some() {
            let ex = self.expand_hosts(r.get(hk), r.get(gk), l, who);
            failed |= ex.failed;
            match r.get(dk) {
                Some(d) => {
                    for (h, _) in &ex.hosts {
                        let (found, f) = self.host_services(*h, d, l, who);
                        failed |= f;
                        out.extend(found);
                    }
                }
                None => {
                    failed = true;
                    self.err(l, format!("{who}: {} is not set", dk.name()));
                }
            }
        }
        if let Some(sgk) = sgk {
            if let Some(g) = r.get(sgk) {
                out.extend(self.servicegroup_members(g, l, who, &mut failed));
            }
        }
        out.sort_unstable();
        out.dedup();
        (out, failed)
    }

    /// Members of the service groups of list `value`.
    pub(super) fn servicegroup_members(
        &mut self,
        value: &str,
        l: &Location,
        who: &str,
        failed: &mut bool,
    ) -> Vec<ServiceId> {
        let index = &self.m.index.servicegroups;
        let sel = names::select(
            self.matching,
            value,
            |n| index.get(n).copied(),
            || index.iter().map(|(n, &g)| (n.as_str(), g)).collect(),
        );
        *failed |= self.report_selection(&sel, true, l, |n| {
            format!("{who}: service group '{}' is not defined", n)
        });
        let mut out = Vec::new();
        for g in sel.result() {
            out.extend_from_slice(&self.m.servicegroups[g.idx()].members);
        }
        if !sel.exclude.is_empty() {
            let mut exc: Vec<ServiceId> = Vec::new();
            for g in &sel.exclude {
                exc.extend_from_slice(&self.m.servicegroups[g.idx()].members);
            }
            out.retain(|s| !exc.contains(s));
        }
        out
    }
}
