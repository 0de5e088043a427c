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
                .then(|| self.options(&r, K::NotificationFailureCriteria, "oudpn", "n", who));
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
            let has_master = r.get(K::HostName).is_some()
                || r.get(K::HostgroupName).is_some()
                || r.get(K::ServicegroupName).is_some();
            let has_dep = r.get(K::DependentServiceDescription).is_some()
                || r.get(K::DependentServicegroupName).is_some();
            if !has_master || !has_dep {
                if !r.has(K::Name) {
                    self.err(
                        &l,
                        format!("{who}: master and dependent services must both be set"),
                    );
                }
                continue;
            }
            let (masters, _) = self.expand_services(
                &r,
                (
                    K::HostName,
                    K::HostgroupName,
                    K::ServiceDescription,
                    Some(K::ServicegroupName),
                ),
                &l,
                who,
            );
            // Dependent services: explicit dependent hosts, or the master's host.
            let mut pairs: Vec<(ServiceId, ServiceId)> = Vec::new();
            let explicit_dep_hosts =
                r.get(K::DependentHostName).is_some() || r.get(K::DependentHostgroupName).is_some();
            if explicit_dep_hosts || r.get(K::DependentServicegroupName).is_some() {
                let (deps, _) = self.expand_services(
                    &r,
                    (
                        K::DependentHostName,
                        K::DependentHostgroupName,
                        K::DependentServiceDescription,
                        Some(K::DependentServicegroupName),
                    ),
                    &l,
                    who,
                );
                for &m in &masters {
                    for &d in &deps {
                        pairs.push((m, d));
                    }
                }
            } else if let Some(dd) = r.get(K::DependentServiceDescription) {
                let dd = dd.to_string();
                for &m in &masters {
                    let h = self.m.services[m.idx()].host;
                    for desc in list(&dd) {
                        let found = self.host_services(h, desc);
                        if found.is_empty() {
                            let hn = self.m.hosts[h.idx()].name.clone();
                            self.err(
                                &l,
                                format!("{who}: could not find a service matching host name '{hn}' and description '{desc}'"),
                            );
                        }
                        pairs.extend(found.into_iter().map(|d| (m, d)));
                    }
                }
            }
            let ef = r
                .has(K::ExecutionFailureCriteria)
                .then(|| self.options(&r, K::ExecutionFailureCriteria, "owucpn", "n", who));
            let nf = r
                .has(K::NotificationFailureCriteria)
                .then(|| self.options(&r, K::NotificationFailureCriteria, "owucpn", "n", who));
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
