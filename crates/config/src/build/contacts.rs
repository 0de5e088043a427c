//! Contacts and contact groups (members, nested groups, `*` and `!`).

use super::*;

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn contacts_and_groups(&mut self) {
        // Group names first (contacts refer to them).
        let gitems = self.keyed(Kind::Contactgroup);
        let (gitems, gmap) = self.assign_ids(Kind::Contactgroup, gitems, "contact group");
        self.m.index.contactgroups = gmap
            .into_iter()
            .map(|(k, v)| (k, ContactgroupId(v)))
            .collect();

        let items = self.keyed(Kind::Contact);
        let (items, map) = self.assign_ids(Kind::Contact, items, "contact");
        self.m.index.contacts = map.into_iter().map(|(k, v)| (k, ContactId(v))).collect();

        let mut direct: Vec<Vec<ContactId>> = vec![Vec::new(); gitems.len()];
        for (ci, (raw, name, l)) in items.into_iter().enumerate() {
            let r = self.res.view(Kind::Contact, raw);
            let who = format!("contact '{name}'");
            let groups = self.contactgroup_refs(r.get(K::Contactgroups), &l, &who);
            for g in &groups {
                direct[g.idx()].push(ContactId(ci as u32));
            }
            let hnp = self.timeperiod_ref(&r, K::HostNotificationPeriod, &who);
            let snp = self.timeperiod_ref(&r, K::ServiceNotificationPeriod, &who);
            if !r.has(K::HostNotificationPeriod) {
                self.warn(
                    &l,
                    format!("{who}: host notification period is not defined"),
                );
            }
            if !r.has(K::ServiceNotificationPeriod) {
                self.warn(
                    &l,
                    format!("{who}: service notification period is not defined"),
                );
            }
            let cmds = |b: &mut Self, k: K, what: &str| -> Vec<CommandCall> {
                let mut out = Vec::new();
                match r.get(k) {
                    Some(v) => {
                        let v = v.to_string();
                        for c in list(&v) {
                            if let Some(cc) =
                                b.command_call(c, &l, &who, &format!("{what} notification command"))
                            {
                                out.push(cc);
                            }
                        }
                    }
                    None => b.err(
                        &l,
                        format!("{who}: no {what} notification commands defined"),
                    ),
                }
                out
            };
            let hcmds = cmds(self, K::HostNotificationCommands, "host");
            let scmds = cmds(self, K::ServiceNotificationCommands, "service");
            let hopts = self.options(&r, K::HostNotificationOptions, "durfsn", "n", &who);
            let sopts = self.options(&r, K::ServiceNotificationOptions, "wucrfsn", "n", &who);
            let hen = self.boolean(&r, K::HostNotificationsEnabled, true, &who);
            let sen = self.boolean(&r, K::ServiceNotificationsEnabled, true, &who);
            let csc = self.boolean(&r, K::CanSubmitCommands, true, &who);
            let rsi = self.boolean(&r, K::RetainStatusInformation, true, &who);
            let rni = self.boolean(&r, K::RetainNonstatusInformation, true, &who);
            let minimum_importance = self.int(&r, K::MinimumImportance, 0, &who);
            let addresses = [
                K::Address1,
                K::Address2,
                K::Address3,
                K::Address4,
                K::Address5,
                K::Address6,
            ]
            .iter()
            .map(|&k| Self::string(&r, k))
            .collect();
            let custom_vars = self.custom_vars(&r);
            self.m.contacts.push(Contact {
                alias: r.get(K::Alias).unwrap_or(&name).to_string(),
                name,
                email: Self::string(&r, K::Email),
                pager: Self::string(&r, K::Pager),
                addresses,
                contactgroups: groups,
                host_notification_period: hnp,
                service_notification_period: snp,
                host_notification_options: hopts,
                service_notification_options: sopts,
                host_notification_commands: hcmds,
                service_notification_commands: scmds,
                host_notifications_enabled: hen,
                service_notifications_enabled: sen,
                can_submit_commands: csc,
                retain_status_information: rsi,
                retain_nonstatus_information: rni,
                minimum_importance,
                custom_vars,
                location: l,
            });
        }

        // Group members: `members` (with `*` and `!`) and nested groups.
        let mut nested: Vec<Vec<usize>> = vec![Vec::new(); gitems.len()];
        let mut group_info = Vec::with_capacity(gitems.len());
        for (gi, (raw, name, l)) in gitems.into_iter().enumerate() {
            let r = self.res.view(Kind::Contactgroup, raw);
            let who = format!("contact group '{name}'");
            if let Some(v) = r.get(K::Members) {
                let contacts = &self.m.contacts;
                let index = &self.m.index.contacts;
                let sel = crate::names::select(
                    self.matching,
                    v,
                    |n| index.get(n).copied(),
                    || {
                        contacts
                            .iter()
                            .enumerate()
                            .map(|(i, c)| (c.name.as_str(), ContactId(i as u32)))
                            .collect()
                    },
                );
                self.report_selection(&sel, true, &l, |n| {
                    format!("{who}: contact '{}' is not defined", n)
                });
                direct[gi].extend(sel.result());
            }
            if let Some(v) = r.get(K::ContactgroupMembers) {
                let v = v.to_string();
                for n in list(&v) {
                    match self.m.index.contactgroups.get(n) {
                        Some(&id) => nested[gi].push(id.idx()),
                        None => self.err(&l, format!("{who}: contact group '{n}' is not defined")),
                    }
                }
            }
            group_info.push((name, r.get(K::Alias).map(str::to_string), l));
        }
        let closed = self.close_groups(direct, &nested, &group_info, "contact group");
        for (gi, ((name, alias, l), mut members)) in group_info.into_iter().zip(closed).enumerate()
        {
            members.sort_unstable();
            members.dedup();
            for c in &members {
                let cg = &mut self.m.contacts[c.idx()].contactgroups;
                let id = ContactgroupId(gi as u32);
                if !cg.contains(&id) {
                    cg.push(id);
                }
            }
            self.m.contactgroups.push(Contactgroup {
                alias: alias.unwrap_or_else(|| name.clone()),
                name,
                members,
                location: l,
            });
        }
        for c in &mut self.m.contacts {
            c.contactgroups.sort_unstable();
        }
    }
}
