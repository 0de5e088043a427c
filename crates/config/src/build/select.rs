//! The list grammar of objects.md §5: which hosts, host groups and services a
//! `host_name` / `hostgroup_name` / `service_description` list selects
//! (`*`, `!name`, plain names and, under `use_regexp_matching`, regular
//! expressions; see [`crate::names`]).

use super::*;

/// Result of expanding host / hostgroup lists.
pub(super) struct Expanded {
    /// Hosts with whether they were named explicitly (`host_name`).
    pub(super) hosts: Vec<(HostId, bool)>,
    /// Some name could not be resolved (already reported).
    pub(super) failed: bool,
}

impl<'r, 'd> Builder<'r, 'd> {
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
            if !h.contains([',', '*', '!']) {
                let h = h.trim();
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
            for n in list(hs) {
                if n == "*" {
                    inc.extend((0..self.m.hosts.len() as u32).map(|i| (HostId(i), true)));
                } else if let Some(x) = n.strip_prefix('!') {
                    match self.m.index.hosts.get(x) {
                        Some(&id) => exc.push(id),
                        None => {
                            failed = true;
                            self.err(l, format!("{who}: could not find any host matching '{x}'"));
                        }
                    }
                } else {
                    match self.m.index.hosts.get(n) {
                        Some(&id) => inc.push((id, true)),
                        None => {
                            failed = true;
                            self.err(l, format!("{who}: could not find any host matching '{n}'"));
                        }
                    }
                }
            }
        }
        if let Some(gs) = groups {
            for n in list(gs) {
                if n == "*" {
                    for g in &self.m.hostgroups {
                        inc.extend(g.members.iter().map(|&h| (h, false)));
                    }
                } else if let Some(x) = n.strip_prefix('!') {
                    match self.m.index.hostgroups.get(x) {
                        Some(&id) => exc.extend_from_slice(&self.m.hostgroups[id.idx()].members),
                        None => {
                            failed = true;
                            self.err(
                                l,
                                format!("{who}: could not find any host group matching '{x}'"),
                            );
                        }
                    }
                } else {
                    match self.m.index.hostgroups.get(n) {
                        Some(&id) => inc.extend(
                            self.m.hostgroups[id.idx()]
                                .members
                                .iter()
                                .map(|&h| (h, false)),
                        ),
                        None => {
                            failed = true;
                            self.err(
                                l,
                                format!("{who}: could not find any host group matching '{n}'"),
                            );
                        }
                    }
                }
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

    /// Services of `host` matching description `desc` (`*` = all).
    pub(super) fn host_services(&self, host: HostId, desc: &str) -> Vec<ServiceId> {
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
            let hl = r.get(hk).map(str::to_string);
            let gl = r.get(gk).map(str::to_string);
            let ex = self.expand_hosts(hl.as_deref(), gl.as_deref(), l, who);
            failed |= ex.failed;
            match r.get(dk) {
                Some(d) => {
                    let d = d.to_string();
                    for (h, _) in &ex.hosts {
                        for desc in list(&d) {
                            let found = self.host_services(*h, desc);
                            if found.is_empty() {
                                failed = true;
                                let hn = self.m.hosts[h.idx()].name.clone();
                                self.err(
                                    l,
                                    format!("{who}: could not find a service matching host name '{hn}' and description '{desc}'"),
                                );
                            }
                            out.extend(found);
                        }
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
                let g = g.to_string();
                for n in list(&g) {
                    match self.m.index.servicegroups.get(n) {
                        Some(&id) => out.extend_from_slice(&self.m.servicegroups[id.idx()].members),
                        None => {
                            failed = true;
                            self.err(l, format!("{who}: service group '{n}' is not defined"));
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        (out, failed)
    }
}
