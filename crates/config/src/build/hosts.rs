//! Hosts, and the check settings hosts and services share (one reader for
//! both, since Nagios applies the same rules to both).

use super::*;

/// Per-host facts needed after the host is built.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HostExtra {
    pub(super) notification_interval_set: bool,
}

pub(super) fn who_host(name: &str) -> String {
    format!("host '{name}'")
}
impl<'r, 'd> Builder<'r, 'd> {
    /// Common host/service check settings (without implied inheritance).
    pub(super) fn settings(&mut self, r: &Resolved, is_service: bool, who: &str) -> CheckSettings {
        let l = self.obj_loc(r);
        let check_command = match r.get(K::CheckCommand) {
            Some(v) => {
                let v = v.to_string();
                self.command_call(&v, &l, who, "check command")
            }
            None => None,
        };
        let event_handler = match r.get(K::EventHandler) {
            Some(v) => {
                let v = v.to_string();
                self.command_call(&v, &l, who, "event handler command")
            }
            None => None,
        };
        let max = self.int(r, K::MaxCheckAttempts, 0, who);
        if max < 1 {
            self.err(
                &l,
                format!("{who}: max_check_attempts must be set to a value of at least 1"),
            );
        }
        let (state_map, notif_allowed): (&[(u8, u8)], &str) = if is_service {
            (&[(b'o', 0), (b'w', 1), (b'c', 2), (b'u', 3)], "wucrfsn")
        } else {
            (&[(b'o', 0), (b'd', 1), (b'u', 2)], "durfsn")
        };
        let initial_state = match r.get(K::InitialState) {
            None => 0,
            Some(v) => match (is_service, v) {
                (_, "o" | "ok" | "up") => 0,
                (false, "d" | "down") => 1,
                (false, "u" | "unreachable") => 2,
                (true, "w" | "warning") => 1,
                (true, "c" | "critical") => 2,
                (true, "u" | "unknown") => 3,
                _ => {
                    let msg = format!("{who}: invalid initial_state '{v}'");
                    self.err(&l, msg);
                    0
                }
            },
        };
        let all_flags = state_map.iter().fold(0u8, |a, &(_, id)| a | (1 << id));
        let check_timeout = r
            .get(K::CheckTimeout)
            .map(|_| self.int(r, K::CheckTimeout, 0, who).max(0) as u64);
        let contacts = self.contact_refs(r, K::Contacts, who);
        let contact_groups = self.contactgroup_refs(r.get(K::ContactGroups), &l, who);
        let notification_options = self.options(
            r,
            K::NotificationOptions,
            notif_allowed,
            if is_service {
                "w,u,c,r,f,s"
            } else {
                "d,u,r,f,s"
            },
            who,
        );
        let notification_options = self.intern(&notification_options);
        CheckSettings {
            check_command,
            check_interval: self.float(r, K::CheckInterval, 5.0, who),
            retry_interval: self.float(r, K::RetryInterval, 1.0, who),
            max_check_attempts: max.clamp(0, u32::MAX as i64) as u32,
            check_period: self.timeperiod_ref(r, K::CheckPeriod, who),
            active_checks_enabled: self.boolean(r, K::ActiveChecksEnabled, true, who),
            passive_checks_enabled: self.boolean(r, K::PassiveChecksEnabled, true, who),
            event_handler,
            event_handler_enabled: self.boolean(r, K::EventHandlerEnabled, true, who),
            obsess: self.boolean(r, K::Obsess, true, who),
            check_freshness: self.boolean(r, K::CheckFreshness, false, who),
            freshness_threshold: self.int(r, K::FreshnessThreshold, 0, who).max(0) as u64,
            flap_detection_enabled: self.boolean(r, K::FlapDetectionEnabled, true, who),
            flap_detection_options: self.flags(
                r,
                K::FlapDetectionOptions,
                state_map,
                all_flags,
                who,
            ),
            low_flap_threshold: self.float(r, K::LowFlapThreshold, 0.0, who),
            high_flap_threshold: self.float(r, K::HighFlapThreshold, 0.0, who),
            notifications_enabled: self.boolean(r, K::NotificationsEnabled, true, who),
            notification_interval: self.float(r, K::NotificationInterval, 30.0, who),
            first_notification_delay: self.float(r, K::FirstNotificationDelay, 0.0, who),
            notification_period: self.timeperiod_ref(r, K::NotificationPeriod, who),
            notification_options,
            stalking_options: self.flags(r, K::StalkingOptions, state_map, 0, who),
            initial_state,
            process_perf_data: self.boolean(r, K::ProcessPerfData, true, who),
            retain_status_information: self.boolean(r, K::RetainStatusInformation, true, who),
            retain_nonstatus_information: self.boolean(r, K::RetainNonstatusInformation, true, who),
            contacts,
            contact_groups,
            notes: self.istr(r, K::Notes),
            notes_url: self.istr(r, K::NotesUrl),
            action_url: self.istr(r, K::ActionUrl),
            icon_image: self.istr(r, K::IconImage),
            icon_image_alt: self.istr(r, K::IconImageAlt),
            check_timeout,
            importance: self.int(r, K::Importance, 0, who),
            custom_vars: self.custom_vars_checked(r, who),
        }
    }

    /// `2d_coords` (two integers) or `3d_coords` (three numbers), comma
    /// separated; fewer values is an error, as in Nagios ("Invalid 2d_coords
    /// value"). Returns three values (unused ones 0).
    pub(super) fn coords(&mut self, r: &Resolved, k: K, who: &str) -> Option<[f64; 3]> {
        let s = r.slot(k)?;
        let n = if k == K::Coords2d { 2 } else { 3 };
        let parts: Vec<&str> = s.val.split(',').map(str::trim).collect();
        let mut out = [0.0; 3];
        for (i, o) in out.iter_mut().enumerate().take(n) {
            match parts.get(i).filter(|p| !p.is_empty()) {
                Some(p) => *o = parse_leading_float(p).unwrap_or(0.0),
                None => {
                    let l = self.slot_loc(s);
                    self.err(&l, format!("{who}: invalid {} value '{}'", k.name(), s.val));
                    return None;
                }
            }
        }
        Some(out)
    }

    pub(super) fn hosts(&mut self) {
        let gitems = self.keyed(Kind::Hostgroup);
        let (gitems, gmap) = self.assign_ids(Kind::Hostgroup, gitems, "host group");
        self.m.index.hostgroups = gmap.into_iter().map(|(k, v)| (k, HostgroupId(v))).collect();
        self.pending_hostgroups = gitems;

        let items = self.keyed(Kind::Host);
        let (items, map) = self.assign_ids(Kind::Host, items, "host");
        self.m.index.hosts = map.into_iter().map(|(k, v)| (k, HostId(v))).collect();
        self.m.hosts.reserve_exact(items.len());
        self.hostgroup_of_host = vec![Vec::new(); items.len()];
        for (hi, (raw, name, l)) in items.into_iter().enumerate() {
            let r = self.res.view(Kind::Host, raw);
            let who = who_host(&name);
            let mut parents = Vec::new();
            if let Some(p) = r.get(K::Parents) {
                let p = p.to_string();
                for n in list(&p) {
                    match self.m.index.hosts.get(n) {
                        Some(&id) => {
                            if !parents.contains(&id) {
                                parents.push(id)
                            }
                        }
                        None => self.err(
                            &l,
                            format!("{who}: '{n}' is not a valid parent (host is not defined)"),
                        ),
                    }
                }
            }
            if let Some(g) = r.get(K::Hostgroups) {
                // `*` (every group) and `!g` work here as in any group list.
                let sel = self.select_hostgroups(g);
                let failed = self.report_selection(&sel, true, &l, |n| {
                    format!("{who}: host group '{}' is not defined", n)
                });
                let groups = sel.result();
                if groups.is_empty() && !failed && list(g).next().is_some() {
                    self.err(
                        &l,
                        format!("{who}: hostgroups '{g}' leaves no host group to join"),
                    );
                }
                self.hostgroup_of_host[hi].extend(groups);
            }
            let settings = self.settings(&r, false, &who);
            if settings.contacts.is_empty() && settings.contact_groups.is_empty() {
                self.warn(
                    &l,
                    format!("{who}: has no default contacts or contact groups defined"),
                );
            }
            self.host_extra.push(HostExtra {
                notification_interval_set: r.get(K::NotificationInterval).is_some(),
            });
            let alias = r.get(K::Alias).unwrap_or(&name).to_string();
            let display_name = r.get(K::DisplayName).unwrap_or(&name).to_string();
            let address = r.get(K::Address).unwrap_or(&name).to_string();
            let map = HostMap {
                vrml_image: Self::string(&r, K::VrmlImage),
                statusmap_image: Self::string(&r, K::StatusmapImage),
                coords_2d: self.coords(&r, K::Coords2d, &who).map(|v| {
                    let i = |x: f64| x as i64;
                    (i(v[0]), i(v[1]))
                }),
                coords_3d: self
                    .coords(&r, K::Coords3d, &who)
                    .map(|v| (v[0], v[1], v[2])),
            };
            self.m.hosts.push(Host {
                name,
                alias,
                display_name,
                address,
                parents,
                children: Vec::new(),
                hostgroups: Vec::new(),
                services: Vec::new(),
                settings,
                map,
                location: l,
            });
        }
        for i in 0..self.m.hosts.len() {
            for p in self.m.hosts[i].parents.clone() {
                self.m.hosts[p.idx()].children.push(HostId(i as u32));
            }
        }
    }
}
