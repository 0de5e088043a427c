//! Services: one definition becomes one service per selected host;
//! duplicates (objects.md §6) and implied inheritance from the host (§4.1).

use super::*;
use std::sync::Arc;

/// One (host, description) produced by a service definition.
#[derive(Debug)]
pub(super) struct Instance {
    pub(super) raw: u32,
    pub(super) host: HostId,
    pub(super) desc: Str,
    pub(super) explicit: bool,
    pub(super) alive: bool,
}
/// Directives of a service that do not make its check settings differ from
/// its templates' (see `Resolver::settings_neutral`), read per definition.
const NEUTRAL: [K; 5] = [
    K::IsVolatile,
    K::DisplayName,
    K::ParallelizeCheck,
    K::Parents,
    K::Servicegroups,
];

impl<'r, 'd> Builder<'r, 'd> {
    pub(super) fn services(&mut self) {
        let sg = self.keyed(Kind::Servicegroup);
        let (sg, sgmap) = self.assign_ids(Kind::Servicegroup, sg, "service group");
        self.m.index.servicegroups = sgmap
            .into_iter()
            .map(|(k, v)| (k, ServicegroupId(v)))
            .collect();
        self.sg_direct = vec![Vec::new(); sg.len()];
        self.pending_servicegroups = sg;

        let parsed = self.parsed;
        let raws = &parsed.objs[Kind::Service.idx()];
        let nraw = raws.len();
        let mut instances: Vec<Instance> = Vec::with_capacity(nraw);
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(nraw);
        // (host, description) -> instance; becomes the model's service index.
        let mut seen: HashMap<(HostId, Str), ServiceId, FxBuildHasher> = HashMap::default();
        seen.reserve(nraw);
        for raw in 0..nraw as u32 {
            let start = instances.len() as u32;
            let r = self.res.view(Kind::Service, raw);
            if !Self::registered(&r) {
                ranges.push((start, start));
                continue;
            }
            let desc = match r.slot(K::ServiceDescription) {
                Some(s) if s.val != "null" && !s.val.is_empty() => Some(s.val),
                _ => None,
            };
            let hl = r.get(K::HostName);
            let gl = r.get(K::HostgroupName);
            let has_hosts = hl.is_some() || gl.is_some();
            let Some(desc) = desc.filter(|_| has_hosts) else {
                if !r.has(K::Name) {
                    let l = self.obj_loc(&r);
                    self.err(
                        &l,
                        "service has no hosts and/or service_description".to_string(),
                    );
                }
                ranges.push((start, start));
                continue;
            };
            if self.illegal.any_in(desc) || desc.bytes().any(|b| b < 0x20 || b == 0x7f) {
                let l = self.obj_loc(&r);
                self.err(
                    &l,
                    format!("the name of service '{desc}' contains one or more illegal characters"),
                );
            }
            let simple = match (hl, gl) {
                (Some(h), None) if !h.contains([',', '*', '!']) => self
                    .m
                    .index
                    .hosts
                    .get(h.trim_matches(crate::source::is_blank))
                    .copied(),
                _ => None,
            };
            let one;
            let many;
            let hosts: &[(HostId, bool)] = match simple {
                Some(h) => {
                    one = [(h, true)];
                    &one
                }
                None => {
                    let l = self.obj_loc(&r);
                    let who = format!("service '{desc}'");
                    let ex = self.expand_hosts(hl, gl, &l, &who);
                    if ex.hosts.is_empty() && !ex.failed && hl.is_some() {
                        self.err(
                            &l,
                            format!("{who}: could not expand hosts specified in service"),
                        );
                    }
                    many = ex.hosts;
                    &many
                }
            };
            let shared = self.intern(desc);
            for &(h, explicit) in hosts {
                let key = (h, shared.clone());
                let idx = instances.len() as u32;
                // One hash lookup: the previous instance if this is a duplicate.
                if let Some(ServiceId(old)) = seen.insert(key.clone(), ServiceId(idx)) {
                    let o = &instances[old as usize];
                    let (olraw, oexplicit) = (o.raw, o.explicit);
                    let hn = self.m.hosts[h.idx()].name.clone();
                    if explicit || !oexplicit {
                        // The new definition wins; the older one is discarded.
                        instances[old as usize].alive = false;
                        let l = self.obj_loc(&r);
                        let ol = self.raw_loc(Kind::Service, olraw);
                        self.warn(
                            &ol,
                            format!(
                                "duplicate definition found for service '{desc}' on host '{hn}'; this definition is discarded (the one at {l} is used)"
                            ),
                        );
                    } else {
                        let l = self.obj_loc(&r);
                        let ol = self.raw_loc(Kind::Service, olraw);
                        self.warn(
                            &l,
                            format!(
                                "duplicate definition found for service '{desc}' on host '{hn}'; this hostgroup definition is discarded (the one at {ol} is used)"
                            ),
                        );
                        // The earlier one stays.
                        seen.insert(key, ServiceId(old));
                        continue;
                    }
                }
                instances.push(Instance {
                    raw,
                    host: h,
                    desc: shared.clone(),
                    explicit,
                    alive: true,
                });
            }
            ranges.push((start, instances.len() as u32));
        }

        let alive = instances.iter().filter(|i| i.alive).count();
        self.m.services.reserve_exact(alive);
        self.svc_notif_interval_set.reserve_exact(alive);
        let mut live: Vec<u32> = Vec::new();
        let mut sid_of: Vec<u32> = vec![u32::MAX; instances.len()];
        let mut proto_cache: FxMap<&'r [u32], (Arc<CheckSettings>, [bool; 4])> = FxMap::default();
        let mut implied_cache: FxMap<(usize, HostId), Arc<CheckSettings>> = FxMap::default();
        let mut tpl_vals: FxMap<&'r [u32], [Option<Option<&'r str>>; 5]> = FxMap::default();
        for raw in 0..nraw as u32 {
            let (a, b) = ranges[raw as usize];
            live.clear();
            live.extend((a..b).filter(|&i| instances[i as usize].alive));
            if live.is_empty() {
                continue;
            }
            let r = self.res.view(Kind::Service, raw);
            let l = self.obj_loc(&r);
            let first = &instances[live[0] as usize];
            let desc = first.desc.clone();
            let (first_host, n_more) = (first.host, live.len() - 1);
            let who_of = |hosts: &[Host]| {
                if n_more == 0 {
                    format!(
                        "service '{desc}' on host '{}'",
                        hosts[first_host.idx()].name
                    )
                } else {
                    format!(
                        "service '{desc}' on host '{}' (and {n_more} more)",
                        hosts[first_host.idx()].name
                    )
                }
            };
            // A definition whose own directives are only identity and
            // assignment has the settings (and the implied-inheritance flags)
            // of its templates: computed once per template list.
            let cache_key = self
                .res
                .settings_neutral(Kind::Service, raw)
                .then(|| self.res.uses_key(Kind::Service, raw));
            let hit = cache_key.and_then(|k| proto_cache.get(k)).cloned();
            let mut fresh: Option<(Arc<CheckSettings>, [bool; 4])> = None;
            if hit.is_none() {
                let who = who_of(&self.m.hosts);
                let before = self.diags.list.len();
                let p = self.settings(&r, true, &who);
                if p.check_command.is_none() && r.get(K::CheckCommand).is_none() {
                    self.err(&l, format!("{who}: check_command is not defined"));
                }
                // Which of the host-implied directives the service has.
                let flags = [
                    r.has(K::Contacts) || r.has(K::ContactGroups),
                    r.has(K::NotificationInterval),
                    r.has(K::NotificationPeriod),
                    r.has(K::CheckPeriod),
                ];
                let entry = (Arc::new(p), flags);
                match cache_key {
                    Some(k) if self.diags.list.len() == before => {
                        proto_cache.insert(k, entry);
                    }
                    _ => fresh = Some(entry),
                }
            }
            // Cached prototypes live until the end of this function, so their
            // address identifies them in `implied_cache`; fresh ones do not.
            let ((proto, flags), cached) = match (fresh, hit) {
                (Some(p), _) => (p, false),
                (None, Some(p)) => (p, true),
                (None, None) => match cache_key.and_then(|k| proto_cache.get(k)) {
                    Some(p) => (p.clone(), true),
                    None => continue,
                },
            };
            let [has_contacts, has_ni, has_np, has_cp] = flags;
            // The directives a template-only definition may still write
            // itself: own values, else its templates' (looked up once per
            // template list).
            let own = r.own_mask(&NEUTRAL);
            let tv = tpl_vals.entry(r.uses()).or_insert([None; 5]);
            let mut v: [Option<&'r str>; 5] = [None; 5];
            for (i, &k) in NEUTRAL.iter().enumerate() {
                v[i] = if own & (1 << i) != 0 {
                    r.get(k)
                } else {
                    *tv[i].get_or_insert_with(|| r.get(k))
                };
            }
            let [v_volatile, v_display, v_parallel, v_parents, v_groups] = v;
            // The object's name is formatted only for a warning.
            let is_volatile = match v_volatile.map(parse_leading_int) {
                None => false,
                Some(Some(v)) => v > 0,
                Some(None) => {
                    let who = who_of(&self.m.hosts);
                    self.boolean(&r, K::IsVolatile, false, &who)
                }
            };
            let display = v_display.map(|d| self.intern(d));
            let parallelize_check = match v_parallel.map(parse_leading_int) {
                None => true,
                Some(Some(v)) => v > 0,
                Some(None) => {
                    let who = who_of(&self.m.hosts);
                    self.boolean(&r, K::ParallelizeCheck, true, &who)
                }
            };
            let has_parents = v_parents.is_some();
            let mut groups: Vec<ServicegroupId> = Vec::new();
            if let Some(g) = v_groups {
                for n in list(g) {
                    match self.m.index.servicegroups.get(n) {
                        Some(&id) => {
                            if !groups.contains(&id) {
                                groups.push(id)
                            }
                        }
                        None => {
                            let msg = format!(
                                "{}: service group '{n}' is not defined",
                                who_of(&self.m.hosts)
                            );
                            self.err(&l, msg);
                        }
                    }
                }
            }
            for &ii in live.iter() {
                let inst = &instances[ii as usize];
                let host = inst.host;
                let sid = ServiceId(self.m.services.len() as u32);
                let description = inst.desc.clone();
                sid_of[ii as usize] = sid.0;
                let h = &self.m.hosts[host.idx()];
                let settings = if has_contacts && has_ni && has_np && has_cp {
                    proto.clone()
                } else {
                    // Implied inheritance from the host (objects.md §4.1).
                    let implied = |p: &CheckSettings| {
                        let mut s = p.clone();
                        if !has_contacts {
                            s.contacts.clone_from(&h.settings.contacts);
                            s.contact_groups.clone_from(&h.settings.contact_groups);
                        }
                        if !has_ni {
                            s.notification_interval = h.settings.notification_interval;
                        }
                        if !has_np {
                            s.notification_period = h.settings.notification_period;
                        }
                        if !has_cp {
                            s.check_period = h.settings.check_period;
                        }
                        Arc::new(s)
                    };
                    if cached {
                        implied_cache
                            .entry((Arc::as_ptr(&proto) as usize, host))
                            .or_insert_with(|| implied(&proto))
                            .clone()
                    } else {
                        implied(&proto)
                    }
                };
                self.m.services.push(Service {
                    host,
                    display_name: display.clone().unwrap_or_else(|| description.clone()),
                    description,
                    is_volatile,
                    parallelize_check,
                    parents: Vec::new(),
                    servicegroups: Vec::new(),
                    settings,
                    location: l.clone(),
                });
                if has_parents {
                    self.pending_service_parents.push((sid, raw));
                }
                let hosts = &mut self.m.hosts;
                let Some(svc) = self.m.services.last_mut() else {
                    continue;
                };
                let settings = &svc.settings;
                let missing = (
                    settings.check_period.is_none(),
                    settings.notification_period.is_none(),
                    settings.contacts.is_empty() && settings.contact_groups.is_empty(),
                );
                hosts[host.idx()].services.push(sid);
                let ni_set = has_ni || self.host_extra[host.idx()].notification_interval_set;
                self.svc_notif_interval_set.push(ni_set);
                for g in &groups {
                    self.sg_direct[g.idx()].push(sid);
                }
                if missing.0 || missing.1 || missing.2 {
                    let hn = self.m.hosts[host.idx()].name.clone();
                    let d = inst.desc.clone();
                    if missing.0 {
                        self.warn(
                            &l,
                            format!(
                                "service '{d}' on host '{hn}': has no check time period defined"
                            ),
                        );
                    }
                    if missing.1 {
                        self.warn(&l, format!("service '{d}' on host '{hn}': has no notification time period defined"));
                    }
                    if missing.2 {
                        self.warn(
                            &l,
                            format!("service '{d}' on host '{hn}': has no default contacts or contact groups defined"),
                        );
                    }
                }
            }
        }
        // Instance numbers become service ids: the map is the index as it is.
        for v in seen.values_mut() {
            v.0 = sid_of.get(v.idx()).copied().unwrap_or(u32::MAX);
        }
        seen.retain(|_, v| v.0 != u32::MAX);
        self.m.index.services = seen;
        // As in Nagios, the group memberships of a discarded duplicate still
        // apply to the service that replaced it.
        for inst in instances.iter().filter(|i| !i.alive) {
            let r = self.res.view(Kind::Service, inst.raw);
            let Some(g) = r.get(K::Servicegroups) else {
                continue;
            };
            let key = (inst.host, inst.desc.clone());
            let Some(&sid) = self.m.index.services.get(&key) else {
                continue;
            };
            for n in list(g) {
                if let Some(&id) = self.m.index.servicegroups.get(n) {
                    self.sg_direct[id.idx()].push(sid);
                }
            }
        }
    }
}
