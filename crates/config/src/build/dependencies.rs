//! Host and service dependencies: master and dependent selection (including
//! same-host service dependencies), failure criteria, one entry per kind.

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn host_dependencies(&mut self) {
        for raw in 0..self.parsed.objs[Kind::Hostdependency.idx()].len() as u32 {
            let r = self.res.view(Kind::Hostdependency, raw);
            if !Self::registered(&r) {
                continue;
            }
            let l = self.obj_loc(&r);
            let who = "host dependency";
            let (mh, mg) = (
                r.get(K::HostName).map(str::to_string),
                r.get(K::HostgroupName).map(str::to_string),
            );
            let (dh, dg) = (
                r.get(K::DependentHostName).map(str::to_string),
                r.get(K::DependentHostgroupName).map(str::to_string),
            );
            if (mh.is_none() && mg.is_none()) || (dh.is_none() && dg.is_none()) {
                if !r.has(K::Name) {
                    self.err(
                        &l,
                        format!("{who}: master and dependent hosts must both be set"),
                    );
                }
                continue;
            }
            let masters = self.expand_hosts(mh.as_deref(), mg.as_deref(), &l, who);
            let deps = self.expand_hosts(dh.as_deref(), dg.as_deref(), &l, who);
            let ef = r
                .has(K::ExecutionFailureCriteria)
                .then(|| self.options(&r, K::ExecutionFailureCriteria, "oudpn", "n", who));
            let nf = r
                .has(K::NotificationFailureCriteria)
                .then(|| self.options(&r, K::NotificationFailureCriteria, "oudpn", "n", who))
                // As Nagios 4.4.6 registers them: a notification dependency
                // only with some criterion, an execution dependency even
                // with `n` (checked with nagios4 -v).
                .filter(|c| c != "n");
            let inherits = self.boolean(&r, K::InheritsParent, false, who);
            let period = self.timeperiod_ref(&r, K::DependencyPeriod, who);
            for &(m, _) in &masters.hosts {
                for &(d, _) in &deps.hosts {
                    if m == d {
                        continue;
                    }
                    for (kind, crit) in [
                        (DependencyKind::Execution, &ef),
                        (DependencyKind::Notification, &nf),
                    ] {
                        let Some(c) = crit else { continue };
                        let (e, n) = match kind {
                            DependencyKind::Execution => (c.clone(), String::new()),
                            DependencyKind::Notification => (String::new(), c.clone()),
                        };
                        self.m.host_dependencies.push(HostDependency {
                            host: m,
                            dependent_host: d,
                            execution_failure_criteria: e,
                            notification_failure_criteria: n,
                            inherits_parent: inherits,
                            dependency_period: period,
                            kind,
                            location: l.clone(),
                        });
                    }
                }
            }
        }
    }

    pub(super) fn service_dependencies(&mut self) {
        for raw in 0..self.parsed.objs[Kind::Servicedependency.idx()].len() as u32 {
            let r = self.res.view(Kind::Servicedependency, raw);
            if !Self::registered(&r) {
                continue;
            }
            let l = self.obj_loc(&r);
            let who = "service dependency";
            let masters_given = r.get(K::HostName).is_some()
                || r.get(K::HostgroupName).is_some()
                || r.get(K::ServicegroupName).is_some();
            let deps_given = r.get(K::DependentHostName).is_some()
                || r.get(K::DependentHostgroupName).is_some()
                || r.get(K::DependentServicegroupName).is_some();
            let dep_desc = r.get(K::DependentServiceDescription);
            let master_desc = r.get(K::ServiceDescription);
            let masters_key = (
                K::HostName,
                K::HostgroupName,
                K::ServiceDescription,
                Some(K::ServicegroupName),
            );
            let deps_key = (
                K::DependentHostName,
                K::DependentHostgroupName,
                K::DependentServiceDescription,
                Some(K::DependentServicegroupName),
            );
            let mut pairs: Vec<(ServiceId, ServiceId)> = Vec::new();
            match (masters_given, deps_given, master_desc, dep_desc) {
                // Both sides given: every master with every dependent.
                (true, true, _, _) => {
                    let (masters, _) = self.expand_services(&r, masters_key, &l, who);
                    let (deps, _) = self.expand_services(&r, deps_key, &l, who);
                    for &m in &masters {
                        pairs.extend(deps.iter().map(|&d| (m, d)));
                    }
                }
                // No dependent host: the dependents are on each master's host.
                (true, false, _, Some(dd)) => {
                    let (masters, _) = self.expand_services(&r, masters_key, &l, who);
                    for &m in &masters {
                        let h = self.m.services[m.idx()].host;
                        let (found, _) = self.host_services(h, dd, &l, who);
                        pairs.extend(found.into_iter().map(|d| (m, d)));
                    }
                }
                // No master host: the masters are on each dependent's host
                // (Nagios: "same-host servicedependency").
                (false, true, Some(md), _) => {
                    let (deps, _) = self.expand_services(&r, deps_key, &l, who);
                    for &d in &deps {
                        let h = self.m.services[d.idx()].host;
                        let (found, _) = self.host_services(h, md, &l, who);
                        pairs.extend(found.into_iter().map(|m| (m, d)));
                    }
                }
                _ => {
                    if !r.has(K::Name) {
                        self.err(
                            &l,
                            format!("{who}: master and dependent services must both be set"),
                        );
                    }
                    continue;
                }
            }
            let ef = r
                .has(K::ExecutionFailureCriteria)
                .then(|| self.options(&r, K::ExecutionFailureCriteria, "owucpn", "n", who))
                .filter(|c| c != "n");
            let nf = r
                .has(K::NotificationFailureCriteria)
                .then(|| self.options(&r, K::NotificationFailureCriteria, "owucpn", "n", who))
                .filter(|c| c != "n");
            // Nagios 4.4.6 registers a service dependency of a kind only when
            // it has some criterion of that kind, and ignores one with none.
            if ef.is_none() && nf.is_none() {
                self.warn(
                    &l,
                    format!("{who}: ignoring lame service dependency (no execution or notification failure criteria)"),
                );
                continue;
            }
            let inherits = self.boolean(&r, K::InheritsParent, false, who);
            let period = self.timeperiod_ref(&r, K::DependencyPeriod, who);
            pairs.sort_unstable();
            pairs.dedup();
            for (m, d) in pairs {
                if m == d {
                    continue;
                }
                for (kind, crit) in [
                    (DependencyKind::Execution, &ef),
                    (DependencyKind::Notification, &nf),
                ] {
                    let Some(c) = crit else { continue };
                    let (e, n) = match kind {
                        DependencyKind::Execution => (c.clone(), String::new()),
                        DependencyKind::Notification => (String::new(), c.clone()),
                    };
                    self.m.service_dependencies.push(ServiceDependency {
                        service: m,
                        dependent_service: d,
                        execution_failure_criteria: e,
                        notification_failure_criteria: n,
                        inherits_parent: inherits,
                        dependency_period: period,
                        kind,
                        location: l.clone(),
                    });
                }
            }
        }
    }
}
