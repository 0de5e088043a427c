//! Host groups and service groups: members from both sides (the group's
//! `members` and the object's `hostgroups` / `servicegroups`), nested groups
//! closed transitively, membership loops reported.

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    /// Closes group membership over nested groups, reporting loops.
    pub(super) fn close_groups<T: Copy + Ord>(
        &mut self,
        direct: Vec<Vec<T>>,
        nested: &[Vec<usize>],
        info: &[(String, Option<String>, Location)],
        what: &str,
    ) -> Vec<Vec<T>> {
        for (a, b) in find_cycles(nested) {
            let l = info[a].2.clone();
            self.err(
                &l,
                format!(
                    "{what} '{}': circular group membership through {what} '{}'",
                    info[a].0, info[b].0
                ),
            );
        }
        if nested.iter().all(|n| n.is_empty()) {
            return direct;
        }
        let n = direct.len();
        let mut out = direct.clone();
        for g in 0..n {
            // Iterative DFS over nested groups.
            let mut seen = vec![false; n];
            let mut stack = nested[g].clone();
            seen[g] = true;
            while let Some(s) = stack.pop() {
                if seen[s] {
                    continue;
                }
                seen[s] = true;
                out[g].extend_from_slice(&direct[s]);
                stack.extend_from_slice(&nested[s]);
            }
        }
        out
    }

    /// Host groups: members, host-side memberships, nested groups.
    pub(super) fn hostgroups(&mut self) {
        let gitems = std::mem::take(&mut self.pending_hostgroups);
        let n = gitems.len();
        let mut direct: Vec<Vec<HostId>> = vec![Vec::new(); n];
        let mut nested: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut info = Vec::with_capacity(n);
        let mut extra = Vec::with_capacity(n);
        for (gi, (raw, name, l)) in gitems.into_iter().enumerate() {
            let r = self.res.view(Kind::Hostgroup, raw);
            let who = format!("host group '{name}'");
            if let Some(v) = r.get(K::Members) {
                let sel = self.select_hosts(v);
                self.report_selection(&sel, true, &l, |m| {
                    format!("{who}: could not find any host matching '{}'", m)
                });
                direct[gi].extend(sel.result());
            }
            if let Some(v) = r.get(K::HostgroupMembers) {
                let v = v.to_string();
                for m in list(&v) {
                    match self.m.index.hostgroups.get(m) {
                        Some(&id) => nested[gi].push(id.idx()),
                        None => self.err(&l, format!("{who}: host group '{m}' is not defined")),
                    }
                }
            }
            extra.push((
                Self::string(&r, K::Notes),
                Self::string(&r, K::NotesUrl),
                Self::string(&r, K::ActionUrl),
            ));
            info.push((name, r.get(K::Alias).map(str::to_string), l));
        }
        for (hi, gs) in std::mem::take(&mut self.hostgroup_of_host)
            .into_iter()
            .enumerate()
        {
            for g in gs {
                direct[g.idx()].push(HostId(hi as u32));
            }
        }
        let closed = self.close_groups(direct, &nested, &info, "host group");
        for (gi, (((name, alias, l), mut members), (notes, notes_url, action_url))) in
            info.into_iter().zip(closed).zip(extra).enumerate()
        {
            members.sort_unstable();
            members.dedup();
            for h in &members {
                self.m.hosts[h.idx()]
                    .hostgroups
                    .push(HostgroupId(gi as u32));
            }
            self.m.hostgroups.push(Hostgroup {
                alias: alias.unwrap_or_else(|| name.clone()),
                name,
                members,
                notes,
                notes_url,
                action_url,
                location: l,
            });
        }
    }

    pub(super) fn servicegroups(&mut self) {
        let items = std::mem::take(&mut self.pending_servicegroups);
        let n = items.len();
        let mut direct = std::mem::take(&mut self.sg_direct);
        direct.resize(n, Vec::new());
        let mut nested: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut info = Vec::with_capacity(n);
        let mut extra = Vec::with_capacity(n);
        for (gi, (raw, name, l)) in items.into_iter().enumerate() {
            let r = self.res.view(Kind::Servicegroup, raw);
            let who = format!("service group '{name}'");
            if let Some(v) = r.get(K::Members) {
                let v = v.to_string();
                let items: Vec<&str> = list(&v).collect();
                if items.len() & 1 == 1 {
                    self.err(
                        &l,
                        format!("{who}: members must be host,service pairs (odd number of items)"),
                    );
                }
                for pair in items.chunks_exact(2) {
                    let (hn, sd) = (pair[0], pair[1]);
                    let hosts: Vec<HostId> = if hn == "*" {
                        (0..self.m.hosts.len() as u32).map(HostId).collect()
                    } else {
                        match self.m.index.hosts.get(hn) {
                            Some(&h) => vec![h],
                            None => {
                                self.err(
                                    &l,
                                    format!("{who}: could not find any host matching '{hn}'"),
                                );
                                continue;
                            }
                        }
                    };
                    let mut any = false;
                    for h in hosts {
                        let found = self.services_named(h, sd);
                        any |= !found.is_empty();
                        direct[gi].extend(found);
                    }
                    if !any {
                        self.err(
                            &l,
                            format!("{who}: could not find a service matching host name '{hn}' and description '{sd}'"),
                        );
                    }
                }
            }
            if let Some(v) = r.get(K::ServicegroupMembers) {
                let v = v.to_string();
                for m in list(&v) {
                    match self.m.index.servicegroups.get(m) {
                        Some(&id) => nested[gi].push(id.idx()),
                        None => self.err(&l, format!("{who}: service group '{m}' is not defined")),
                    }
                }
            }
            extra.push((
                Self::string(&r, K::Notes),
                Self::string(&r, K::NotesUrl),
                Self::string(&r, K::ActionUrl),
            ));
            info.push((name, r.get(K::Alias).map(str::to_string), l));
        }
        let closed = self.close_groups(direct, &nested, &info, "service group");
        for (gi, (((name, alias, l), mut members), (notes, notes_url, action_url))) in
            info.into_iter().zip(closed).zip(extra).enumerate()
        {
            members.sort_unstable();
            members.dedup();
            for s in &members {
                self.m.services[s.idx()]
                    .servicegroups
                    .push(ServicegroupId(gi as u32));
            }
            self.m.servicegroups.push(Servicegroup {
                alias: alias.unwrap_or_else(|| name.clone()),
                name,
                members,
                notes,
                notes_url,
                action_url,
                location: l,
            });
        }
    }
}
