//! Host and service escalations, with the implied inheritance of contacts,
//! notification interval and escalation period from the host or service.

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn escalations(&mut self) {
        for is_service in [false, true] {
            let kind = if is_service {
                Kind::Serviceescalation
            } else {
                Kind::Hostescalation
            };
            for raw in 0..self.parsed.objs[kind.idx()].len() as u32 {
                let r = self.res.view(kind, raw);
                if !Self::registered(&r) {
                    continue;
                }
                let l = self.obj_loc(&r);
                let who = if is_service {
                    "service escalation"
                } else {
                    "host escalation"
                };
                // Targets: (host, service).
                let targets: Vec<(HostId, Option<ServiceId>)> = if is_service {
                    let has = r.get(K::HostName).is_some()
                        || r.get(K::HostgroupName).is_some()
                        || r.get(K::ServicegroupName).is_some();
                    if !has {
                        if !r.has(K::Name) {
                            self.err(
                                &l,
                                format!("{who}: no host, host group or service group set"),
                            );
                        }
                        continue;
                    }
                    let (svcs, _) = self.expand_services(
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
                    svcs.into_iter()
                        .map(|s| (self.m.services[s.idx()].host, Some(s)))
                        .collect()
                } else {
                    let hl = r.get(K::HostName).map(str::to_string);
                    let gl = r.get(K::HostgroupName).map(str::to_string);
                    if hl.is_none() && gl.is_none() {
                        if !r.has(K::Name) {
                            self.err(&l, format!("{who}: no host or host group set"));
                        }
                        continue;
                    }
                    let ex = self.expand_hosts(hl.as_deref(), gl.as_deref(), &l, who);
                    ex.hosts.into_iter().map(|(h, _)| (h, None)).collect()
                };
                let first = self.int(&r, K::FirstNotification, -2, who);
                let last = self.int(&r, K::LastNotification, -2, who);
                let own_ni = r
                    .has(K::NotificationInterval)
                    .then(|| self.float(&r, K::NotificationInterval, 0.0, who));
                let own_period = self.timeperiod_ref(&r, K::EscalationPeriod, who);
                let has_period = r.has(K::EscalationPeriod);
                let opts = if is_service {
                    self.options(&r, K::EscalationOptions, "wucrn", "w,u,c,r", who)
                } else {
                    self.options(&r, K::EscalationOptions, "durn", "d,u,r", who)
                };
                let has_contacts = r.has(K::Contacts) || r.has(K::ContactGroups);
                let own_contacts = self.contact_refs(&r, K::Contacts, who);
                let own_groups = self.contactgroup_refs(r.get(K::ContactGroups), &l, who);
                let plus_groups = r.slot(K::ContactGroups).is_some_and(|s| s.plus);
                let plus_contacts = r.slot(K::Contacts).is_some_and(|s| s.plus);
                for (h, s) in targets {
                    let (src, ni_set) = match s {
                        Some(s) => (
                            &*self.m.services[s.idx()].settings,
                            self.svc_notif_interval_set[s.idx()],
                        ),
                        None => (
                            &self.m.hosts[h.idx()].settings,
                            self.host_extra[h.idx()].notification_interval_set,
                        ),
                    };
                    let notification_interval = own_ni.unwrap_or(if ni_set {
                        src.notification_interval
                    } else {
                        0.0
                    });
                    let escalation_period = if has_period {
                        own_period
                    } else {
                        src.notification_period
                    };
                    let (mut contacts, mut contact_groups) =
                        (own_contacts.clone(), own_groups.clone());
                    if !has_contacts {
                        contacts = src.contacts.clone();
                        contact_groups = src.contact_groups.clone();
                    } else {
                        if plus_groups {
                            let mut g = src.contact_groups.clone();
                            g.extend(
                                own_groups
                                    .iter()
                                    .copied()
                                    .filter(|x| !src.contact_groups.contains(x)),
                            );
                            contact_groups = g;
                        }
                        if plus_contacts {
                            let mut c = src.contacts.clone();
                            c.extend(
                                own_contacts
                                    .iter()
                                    .copied()
                                    .filter(|x| !src.contacts.contains(x)),
                            );
                            contacts = c;
                        }
                    }
                    let e = Escalation {
                        host: h,
                        service: s,
                        first_notification: first,
                        last_notification: last,
                        notification_interval,
                        escalation_period,
                        escalation_options: opts.clone(),
                        contacts,
                        contact_groups,
                        location: l.clone(),
                    };
                    if is_service {
                        self.m.service_escalations.push(e);
                    } else {
                        self.m.host_escalations.push(e);
                    }
                }
            }
        }
    }
}
