//! Turning resolved definitions into the [`Model`]: object registration and
//! duplicate rules (objects.md §6), service and group assignment (§5), implied
//! inheritance (§4.1), reference validation and the structural checks of
//! `nagios -v` (circular parents and dependencies, nested group loops).

use crate::diag::{loc, Diags};
use crate::keys::{Kind, K};
use crate::main_cfg::{parse_leading_float, parse_leading_int, GlobalCommand};
use crate::model::*;
use crate::objfile::{file_path, Parsed};
use crate::resolve::{Resolved, Resolver, Slot};
use crate::timeperiod::Timeperiod;
use crate::util::{list, FxMap};
use crate::Location;
use std::collections::HashMap;

/// Weekday names (timeperiod range lines).
pub(crate) fn is_weekday(s: &str) -> bool {
    matches!(
        s,
        "sunday" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday"
    )
}

/// A registered definition: raw index, name, location.
type Named = (u32, String, Location);

/// Per-host facts needed after the host is built.
#[derive(Debug, Clone, Copy, Default)]
struct HostExtra {
    notification_interval_set: bool,
}

/// One (host, description) produced by a service definition.
#[derive(Debug)]
struct Instance<'r> {
    raw: u32,
    host: HostId,
    desc: &'r str,
    explicit: bool,
    alive: bool,
}

/// Splits `name!arg1!arg2` at unescaped `!`; `\!` becomes `!` in arguments.
pub fn split_command_call(raw: &str) -> (&str, Vec<String>) {
    let bytes = raw.as_bytes();
    let mut parts: Vec<String> = Vec::new();
    let mut name_end = None;
    let mut cur = String::new();
    let mut i = 0;
    let mut seg_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'!') => {
                if name_end.is_some() {
                    cur.push_str(&raw[seg_start..i]);
                    cur.push('!');
                    seg_start = i + 2;
                }
                i += 2;
                continue;
            }
            b'!' => {
                if name_end.is_none() {
                    name_end = Some(i);
                } else {
                    cur.push_str(&raw[seg_start..i]);
                    parts.push(std::mem::take(&mut cur));
                }
                seg_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    match name_end {
        None => (raw, parts),
        Some(e) => {
            cur.push_str(&raw[seg_start..]);
            parts.push(cur);
            (&raw[..e], parts)
        }
    }
}

/// A 256-bit character set.
struct CharSet([u64; 4]);
impl CharSet {
    fn new(chars: &[u8]) -> CharSet {
        let mut s = [0u64; 4];
        for &c in chars {
            s[(c >> 6) as usize] |= 1 << (c & 63);
        }
        CharSet(s)
    }
    fn any_in(&self, s: &str) -> bool {
        s.bytes()
            .any(|c| self.0[(c >> 6) as usize] & (1 << (c & 63)) != 0)
    }
}

pub(crate) struct Builder<'r, 'd> {
    parsed: &'r Parsed,
    res: &'r Resolver<'r>,
    pub diags: &'d mut Diags,
    pub m: Model,
    illegal: CharSet,
    host_extra: Vec<HostExtra>,
    svc_notif_interval_set: Vec<bool>,
    /// Host-side `hostgroups` memberships, per host.
    hostgroup_of_host: Vec<Vec<HostgroupId>>,
    pending_hostgroups: Vec<(u32, String, Location)>,
    pending_servicegroups: Vec<(u32, String, Location)>,
    /// Service-side `servicegroups` memberships, per group.
    sg_direct: Vec<Vec<ServiceId>>,
    /// Shared strings of the model.
    strs: std::collections::HashSet<Str, std::hash::BuildHasherDefault<crate::util::FxHasher>>,
}

fn who_host(name: &str) -> String {
    format!("host '{name}'")
}

impl<'r, 'd> Builder<'r, 'd> {
    pub fn new(
        parsed: &'r Parsed,
        res: &'r Resolver<'r>,
        diags: &'d mut Diags,
        main: MainConfig,
        user_macros: UserMacros,
    ) -> Builder<'r, 'd> {
        let illegal = CharSet::new(&main.illegal_object_name_chars);
        Builder {
            parsed,
            res,
            diags,
            illegal,
            m: Model {
                main,
                user_macros,
                commands: Vec::new(),
                timeperiods: Vec::new(),
                hosts: Vec::new(),
                services: Vec::new(),
                hostgroups: Vec::new(),
                servicegroups: Vec::new(),
                contacts: Vec::new(),
                contactgroups: Vec::new(),
                host_dependencies: Vec::new(),
                service_dependencies: Vec::new(),
                host_escalations: Vec::new(),
                service_escalations: Vec::new(),
                index: Index::default(),
            },
            host_extra: Vec::new(),
            svc_notif_interval_set: Vec::new(),
            hostgroup_of_host: Vec::new(),
            pending_hostgroups: Vec::new(),
            pending_servicegroups: Vec::new(),
            sg_direct: Vec::new(),
            strs: Default::default(),
        }
    }

    /// The shared copy of `s`.
    fn intern(&mut self, s: &str) -> Str {
        if let Some(v) = self.strs.get(s) {
            return v.clone();
        }
        let v = Str::from(s);
        self.strs.insert(v.clone());
        v
    }

    fn istr(&mut self, r: &Resolved, k: K) -> Option<Str> {
        r.get(k).map(|v| self.intern(v))
    }

    // ----- small helpers -------------------------------------------------

    fn loc(&self, file: u32, line: u32) -> Location {
        loc(file_path(self.parsed, file), line)
    }

    fn obj_loc(&self, r: &Resolved) -> Location {
        self.loc(r.file, r.line)
    }

    fn err(&mut self, l: &Location, msg: String) {
        self.diags.error(Some(l.clone()), msg);
    }

    fn warn(&mut self, l: &Location, msg: String) {
        self.diags.warn(Some(l.clone()), msg);
    }

    fn slot_loc(&self, s: Slot) -> Location {
        self.loc(s.file, s.line)
    }

    fn registered(r: &Resolved) -> bool {
        match r.get(K::Register) {
            Some(v) => parse_leading_int(v) != Some(0),
            None => true,
        }
    }

    fn check_name(&mut self, l: &Location, what: &str, name: &str) {
        if self.illegal.any_in(name) || name.bytes().any(|b| b < 0x20 || b == 0x7f) {
            self.err(
                l,
                format!("the name of {what} contains one or more illegal characters"),
            );
        }
    }

    fn float(&mut self, r: &Resolved, k: K, default: f64, who: &str) -> f64 {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_float(s.val) {
            Some(v) => v,
            None => {
                let l = self.slot_loc(s);
                let msg = format!(
                    "{who}: invalid {} value '{}' (not a number)",
                    k.name(),
                    s.val
                );
                self.err(&l, msg);
                default
            }
        }
    }

    fn int(&mut self, r: &Resolved, k: K, default: i64, who: &str) -> i64 {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_int(s.val) {
            Some(v) => v,
            None => {
                let l = self.slot_loc(s);
                let msg = format!(
                    "{who}: invalid {} value '{}' (not a number)",
                    k.name(),
                    s.val
                );
                self.err(&l, msg);
                default
            }
        }
    }

    fn boolean(&mut self, r: &Resolved, k: K, default: bool, who: &str) -> bool {
        let Some(s) = r.slot(k) else { return default };
        if s.val == "null" {
            return default;
        }
        match parse_leading_int(s.val) {
            Some(v) => v > 0,
            None => {
                let l = self.slot_loc(s);
                let msg = format!(
                    "{who}: invalid {} value '{}' (expected 0 or 1)",
                    k.name(),
                    s.val
                );
                self.err(&l, msg);
                default
            }
        }
    }

    fn string(r: &Resolved, k: K) -> Option<String> {
        r.get(k).map(str::to_string)
    }

    /// Parses an option list into normalized letters (`allowed` in canonical
    /// order); `a` = all but `n`; `n` alone = none (returned as "n").
    fn options(&mut self, r: &Resolved, k: K, allowed: &str, default: &str, who: &str) -> String {
        let Some(s) = r.slot(k) else {
            return default.to_string();
        };
        if s.val == "null" {
            return default.to_string();
        }
        let mut set = [false; 128];
        let mut bad = Vec::new();
        for item in list(s.val) {
            let c = item.as_bytes()[0];
            if item == "a" || item == "all" {
                for b in allowed.bytes().filter(|&b| b != b'n') {
                    set[b as usize] = true;
                }
            } else if item == "n" || item == "none" {
                set = [false; 128];
            } else if item.len() == 1 && allowed.as_bytes().contains(&c) {
                set[c as usize] = true;
            } else {
                bad.push(item.to_string());
            }
        }
        if !bad.is_empty() {
            let l = self.slot_loc(s);
            let msg = format!("{who}: invalid {} '{}'", k.name(), bad.join(","));
            self.err(&l, msg);
        }
        let out: Vec<String> = allowed
            .bytes()
            .filter(|&b| b != b'n' && set[b as usize])
            .map(|b| (b as char).to_string())
            .collect();
        if out.is_empty() {
            "n".to_string()
        } else {
            out.join(",")
        }
    }

    /// State flags from letters; `map` gives (letter, state id).
    fn flags(
        &mut self,
        r: &Resolved,
        k: K,
        map: &[(u8, u8)],
        default: u8,
        who: &str,
    ) -> StateFlags {
        let Some(s) = r.slot(k) else {
            return StateFlags(default);
        };
        if s.val == "null" {
            return StateFlags(default);
        }
        let all: u8 = map.iter().fold(0, |a, &(_, id)| a | (1 << id));
        let mut v = 0u8;
        let mut bad = Vec::new();
        for item in list(s.val) {
            match item {
                "a" | "all" => v |= all,
                "n" | "none" => v = 0,
                "N" if k == K::StalkingOptions => v |= 1 << 7,
                _ => match map
                    .iter()
                    .find(|(c, _)| item.len() == 1 && item.as_bytes()[0] == *c)
                {
                    Some(&(_, id)) => v |= 1 << id,
                    None => bad.push(item.to_string()),
                },
            }
        }
        if !bad.is_empty() {
            let l = self.slot_loc(s);
            let msg = format!("{who}: invalid {} '{}'", k.name(), bad.join(","));
            self.err(&l, msg);
        }
        StateFlags(v)
    }

    fn command_call(
        &mut self,
        raw: &str,
        l: &Location,
        who: &str,
        what: &str,
    ) -> Option<CommandCall> {
        let (name, args) = split_command_call(raw);
        match self.m.index.commands.get(name) {
            Some(&id) => Some(CommandCall {
                raw: raw.to_string(),
                command: id,
                args,
            }),
            None => {
                self.err(l, format!("{who}: {what} '{name}' is not defined"));
                None
            }
        }
    }

    fn timeperiod_ref(&mut self, r: &Resolved, k: K, who: &str) -> Option<TimeperiodId> {
        let name = r.get(k)?;
        match self.m.index.timeperiods.get(name) {
            Some(&id) => Some(id),
            None => {
                let l = self.obj_loc(r);
                self.err(&l, format!("{who}: {} '{name}' is not defined", k.name()));
                None
            }
        }
    }

    fn contact_refs(&mut self, r: &Resolved, k: K, who: &str) -> Vec<ContactId> {
        let Some(v) = r.get(k) else { return Vec::new() };
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for n in list(v) {
            match self.m.index.contacts.get(n) {
                Some(&id) => {
                    if !out.contains(&id) {
                        out.push(id)
                    }
                }
                None => missing.push(n.to_string()),
            }
        }
        let l = self.obj_loc(r);
        for n in missing {
            self.err(&l, format!("{who}: contact '{n}' is not defined"));
        }
        out
    }

    fn contactgroup_refs(
        &mut self,
        v: Option<&str>,
        l: &Location,
        who: &str,
    ) -> Vec<ContactgroupId> {
        let Some(v) = v else { return Vec::new() };
        let mut out = Vec::new();
        let mut missing = Vec::new();
        for n in list(v) {
            match self.m.index.contactgroups.get(n) {
                Some(&id) => {
                    if !out.contains(&id) {
                        out.push(id)
                    }
                }
                None => missing.push(n.to_string()),
            }
        }
        for n in missing {
            self.err(l, format!("{who}: contact group '{n}' is not defined"));
        }
        out
    }

    fn custom_vars(&mut self, r: &Resolved) -> Vec<(Str, Str)> {
        let custom = r.custom();
        let mut out = Vec::with_capacity(custom.len());
        for c in &custom {
            out.push((self.intern(c.name), self.intern(c.val)));
        }
        out
    }

    /// Registered definitions of keyed `kind` with their resolved key, in order.
    /// Reports unnamed definitions. Returns `(raw index, name, location)`.
    fn keyed(&mut self, kind: Kind) -> Vec<(u32, String, Location)> {
        let key = kind.key_directive().unwrap_or(K::Name);
        let mut out = Vec::new();
        for i in 0..self.parsed.objs[kind.idx()].len() as u32 {
            let r = self.res.view(kind, i);
            if !Self::registered(&r) {
                continue;
            }
            match r.get(key) {
                Some(n) => out.push((i, n.to_string(), self.obj_loc(&r))),
                None => {
                    if !r.has(K::Name) {
                        let l = self.obj_loc(&r);
                        self.err(
                            &l,
                            format!(
                                "could not complete {} definition: {} is not set (have you named all your objects?)",
                                kind.name(),
                                key.name()
                            ),
                        );
                    }
                }
            }
        }
        out
    }

    /// Assigns ids by name, reporting duplicates (first definition kept).
    fn assign_ids(
        &mut self,
        kind: Kind,
        items: Vec<(u32, String, Location)>,
        what: &str,
    ) -> (Vec<Named>, HashMap<String, u32>) {
        let mut map: HashMap<String, u32> = HashMap::with_capacity(items.len());
        let mut kept = Vec::with_capacity(items.len());
        let mut first_loc: Vec<Location> = Vec::new();
        for (raw, name, l) in items {
            if let Some(&id) = map.get(&name) {
                let fl = first_loc[id as usize].clone();
                self.err(
                    &l,
                    format!(
                        "duplicate definition found for {what} '{name}' (first defined at {fl})"
                    ),
                );
                continue;
            }
            self.check_name(&l, &format!("{what} '{name}'"), &name);
            map.insert(name.clone(), kept.len() as u32);
            first_loc.push(l.clone());
            kept.push((raw, name, l));
        }
        let _ = kind;
        (kept, map)
    }

    // ----- object types ---------------------------------------------------

    pub fn build(&mut self, globals: Vec<(GlobalCommand, String, Location)>) {
        let timing = std::env::var_os("VIGIL_CONFIG_TIMING").is_some();
        let t0 = std::time::Instant::now();
        let step = |name: &str| {
            if timing {
                eprintln!("  {name}: {:.1} ms", t0.elapsed().as_secs_f64() * 1000.0);
            }
        };
        self.commands();
        self.timeperiods();
        self.contacts_and_groups();
        self.hosts();
        self.hostgroups();
        step("hosts");
        self.services();
        step("services");
        self.servicegroups();
        self.extinfo();
        self.host_dependencies();
        self.service_dependencies();
        self.escalations();
        self.globals(globals);
        self.structure_checks();
        step("rest");
    }

    fn commands(&mut self) {
        let items = self.keyed(Kind::Command);
        let (items, map) = self.assign_ids(Kind::Command, items, "command");
        self.m.commands.reserve(items.len());
        for (raw, name, l) in items {
            let r = self.res.view(Kind::Command, raw);
            let line = match r.get(K::CommandLine) {
                Some(s) => s.to_string(),
                None => {
                    self.err(&l, format!("command '{name}': command_line is not defined"));
                    String::new()
                }
            };
            self.m.commands.push(Command {
                name,
                line,
                location: l,
            });
        }
        self.m.index.commands = map.into_iter().map(|(k, v)| (k, CommandId(v))).collect();
    }

    fn timeperiods(&mut self) {
        let items = self.keyed(Kind::Timeperiod);
        let (items, map) = self.assign_ids(Kind::Timeperiod, items, "timeperiod");
        self.m.index.timeperiods = map.into_iter().map(|(k, v)| (k, TimeperiodId(v))).collect();
        let mut excludes: Vec<Vec<usize>> = Vec::with_capacity(items.len());
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        let mut locs: Vec<Location> = Vec::with_capacity(items.len());
        for (raw, name, l) in items {
            let r = self.res.view(Kind::Timeperiod, raw);
            let who = format!("timeperiod '{name}'");
            let alias = match r.get(K::Alias) {
                Some(a) => a.to_string(),
                None => {
                    self.err(&l, format!("{who}: alias is not defined"));
                    name.clone()
                }
            };
            let mut exclude = Vec::new();
            if let Some(ex) = r.get(K::Exclude) {
                let names: Vec<String> = list(ex).map(str::to_string).collect();
                for n in names {
                    match self.m.index.timeperiods.get(&n) {
                        Some(&id) => exclude.push(id),
                        None => self.err(
                            &l,
                            format!("{who}: excluded timeperiod '{n}' is not defined"),
                        ),
                    }
                }
            }
            excludes.push(exclude.iter().map(|t| t.idx()).collect());
            let directives: Vec<(String, String, Location)> = r
                .custom()
                .iter()
                .map(|c| {
                    (
                        c.name.to_string(),
                        c.val.to_string(),
                        self.loc(c.file, c.line),
                    )
                })
                .collect();
            names.push(name.clone());
            locs.push(l.clone());
            match new_timeperiod(
                name.clone(),
                alias.clone(),
                &directives,
                exclude.clone(),
                l.clone(),
            ) {
                Ok(tp) => self.m.timeperiods.push(tp),
                Err((el, msg)) => {
                    self.err(&el, format!("{who}: {msg}"));
                    // Keep ids stable with an empty period.
                    if let Ok(tp) = new_timeperiod(name, alias, &[], exclude, l.clone()) {
                        self.m.timeperiods.push(tp);
                    }
                }
            }
        }
        // Circular exclusions.
        for (a, b) in find_cycles(&excludes) {
            self.err(
                &locs[a],
                format!(
                    "timeperiod '{}': circular exclusion through timeperiod '{}'",
                    names[a], names[b]
                ),
            );
        }
    }

    fn contacts_and_groups(&mut self) {
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
                let v = v.to_string();
                let mut excl = Vec::new();
                for n in list(&v) {
                    if n == "*" {
                        direct[gi].extend((0..self.m.contacts.len() as u32).map(ContactId));
                    } else if let Some(x) = n.strip_prefix('!') {
                        match self.m.index.contacts.get(x) {
                            Some(&id) => excl.push(id),
                            None => self.err(&l, format!("{who}: contact '{x}' is not defined")),
                        }
                    } else {
                        match self.m.index.contacts.get(n) {
                            Some(&id) => direct[gi].push(id),
                            None => self.err(&l, format!("{who}: contact '{n}' is not defined")),
                        }
                    }
                }
                direct[gi].retain(|c| !excl.contains(c));
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

    /// Closes group membership over nested groups, reporting loops.
    fn close_groups<T: Copy + Ord>(
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

    /// Common host/service check settings (without implied inheritance).
    fn settings(&mut self, r: &Resolved, is_service: bool, who: &str) -> CheckSettings {
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
            custom_vars: self.custom_vars(r),
        }
    }

    fn hosts(&mut self) {
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
                let g = g.to_string();
                for n in list(&g) {
                    match self.m.index.hostgroups.get(n) {
                        Some(&id) => self.hostgroup_of_host[hi].push(id),
                        None => self.err(&l, format!("{who}: host group '{n}' is not defined")),
                    }
                }
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

/// Result of expanding host / hostgroup lists.
struct Expanded {
    /// Hosts with whether they were named explicitly (`host_name`).
    hosts: Vec<(HostId, bool)>,
    /// Some name could not be resolved (already reported).
    failed: bool,
}

impl<'r, 'd> Builder<'r, 'd> {
    /// Expands `host_name` / `hostgroup_name` style lists with `*` and `!`
    /// (objects.md §5). Unknown names are reported against `who` at `l`.
    fn expand_hosts(
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
    fn host_services(&self, host: HostId, desc: &str) -> Vec<ServiceId> {
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
    fn expand_services(
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

    fn hostgroups(&mut self) {
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
                let v = v.to_string();
                let mut excl = Vec::new();
                for m in list(&v) {
                    if m == "*" {
                        direct[gi].extend((0..self.m.hosts.len() as u32).map(HostId));
                    } else if let Some(x) = m.strip_prefix('!') {
                        match self.m.index.hosts.get(x) {
                            Some(&id) => excl.push(id),
                            None => self
                                .err(&l, format!("{who}: could not find any host matching '{x}'")),
                        }
                    } else {
                        match self.m.index.hosts.get(m) {
                            Some(&id) => direct[gi].push(id),
                            None => self
                                .err(&l, format!("{who}: could not find any host matching '{m}'")),
                        }
                    }
                }
                direct[gi].retain(|h| !excl.contains(h));
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

    fn services(&mut self) {
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
        let mut instances: Vec<Instance<'r>> = Vec::with_capacity(nraw);
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(nraw);
        let mut seen: FxMap<(HostId, &'r str), u32> = FxMap::default();
        seen.reserve(nraw);
        for raw in 0..nraw as u32 {
            let start = instances.len() as u32;
            let r = self.res.view(Kind::Service, raw);
            if !Self::registered(&r) {
                ranges.push((start, start));
                continue;
            }
            let l = self.obj_loc(&r);
            let desc = match r.slot(K::ServiceDescription) {
                Some(s) if s.val != "null" && !s.val.is_empty() => Some(s.val),
                _ => None,
            };
            let has_hosts = r.get(K::HostName).is_some() || r.get(K::HostgroupName).is_some();
            let Some(desc) = desc.filter(|_| has_hosts) else {
                if !r.has(K::Name) {
                    self.err(
                        &l,
                        "service has no hosts and/or service_description".to_string(),
                    );
                }
                ranges.push((start, start));
                continue;
            };
            if self.illegal.any_in(desc) || desc.bytes().any(|b| b < 0x20 || b == 0x7f) {
                self.err(
                    &l,
                    format!("the name of service '{desc}' contains one or more illegal characters"),
                );
            }
            let hl = r.get(K::HostName);
            let gl = r.get(K::HostgroupName);
            let simple = match (hl, gl) {
                (Some(h), None) if !h.contains([',', '*', '!']) => self
                    .m
                    .index
                    .hosts
                    .get(h.trim_matches(crate::source::is_blank))
                    .copied(),
                _ => None,
            };
            let ex = match simple {
                Some(h) => Expanded {
                    hosts: vec![(h, true)],
                    failed: false,
                },
                None => {
                    let who = format!("service '{desc}'");
                    let ex = self.expand_hosts(hl, gl, &l, &who);
                    if ex.hosts.is_empty() && !ex.failed && hl.is_some() {
                        self.err(
                            &l,
                            format!("{who}: could not expand hosts specified in service"),
                        );
                    }
                    ex
                }
            };
            for (h, explicit) in ex.hosts {
                let key = (h, desc);
                let idx = instances.len() as u32;
                if let Some(&old) = seen.get(&key) {
                    let o = &instances[old as usize];
                    let (olraw, oexplicit) = (o.raw, o.explicit);
                    let hn = self.m.hosts[h.idx()].name.clone();
                    if explicit || !oexplicit {
                        // The new definition wins; the older one is discarded.
                        instances[old as usize].alive = false;
                        let ol = self.raw_loc(Kind::Service, olraw);
                        self.warn(
                            &ol,
                            format!(
                                "duplicate definition found for service '{desc}' on host '{hn}'; this definition is discarded (the one at {l} is used)"
                            ),
                        );
                    } else {
                        let ol = self.raw_loc(Kind::Service, olraw);
                        self.warn(
                            &l,
                            format!(
                                "duplicate definition found for service '{desc}' on host '{hn}'; this hostgroup definition is discarded (the one at {ol} is used)"
                            ),
                        );
                        continue;
                    }
                }
                seen.insert(key, idx);
                instances.push(Instance {
                    raw,
                    host: h,
                    desc,
                    explicit,
                    alive: true,
                });
            }
            ranges.push((start, instances.len() as u32));
        }
        drop(seen);

        let alive = instances.iter().filter(|i| i.alive).count();
        self.m.services.reserve_exact(alive);
        self.m.index.services.reserve(alive);
        self.svc_notif_interval_set.reserve_exact(alive);
        let mut live: Vec<u32> = Vec::new();
        let mut proto_cache: FxMap<Vec<u32>, CheckSettings> = FxMap::default();
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
            let desc = first.desc;
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
            let cache_key = self
                .res
                .settings_neutral(Kind::Service, raw)
                .then(|| self.res.uses_key(Kind::Service, raw));
            let hit = cache_key
                .as_ref()
                .is_some_and(|k| proto_cache.contains_key(k));
            let mut fresh: Option<CheckSettings> = None;
            if !hit {
                let who = who_of(&self.m.hosts);
                let before = self.diags.list.len();
                let p = self.settings(&r, true, &who);
                if p.check_command.is_none() && r.get(K::CheckCommand).is_none() {
                    self.err(&l, format!("{who}: check_command is not defined"));
                }
                match &cache_key {
                    Some(k) if self.diags.list.len() == before => {
                        proto_cache.insert(k.clone(), p);
                    }
                    _ => fresh = Some(p),
                }
            }
            let proto: &CheckSettings =
                match (&fresh, cache_key.as_ref().and_then(|k| proto_cache.get(k))) {
                    (Some(p), _) => p,
                    (None, Some(p)) => p,
                    (None, None) => continue,
                };
            let is_volatile = match r.get(K::IsVolatile) {
                None => false,
                Some(_) => {
                    let who = who_of(&self.m.hosts);
                    self.boolean(&r, K::IsVolatile, false, &who)
                }
            };
            let display = self.istr(&r, K::DisplayName);
            let mut groups: Vec<ServicegroupId> = Vec::new();
            if let Some(g) = r.get(K::Servicegroups) {
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
            let has_contacts = r.has(K::Contacts) || r.has(K::ContactGroups);
            let has_ni = r.has(K::NotificationInterval);
            let has_np = r.has(K::NotificationPeriod);
            let has_cp = r.has(K::CheckPeriod);
            for &ii in live.iter() {
                let inst = &instances[ii as usize];
                let host = inst.host;
                let sid = ServiceId(self.m.services.len() as u32);
                let shared = self.intern(inst.desc);
                let description = inst.desc.to_string();
                self.m
                    .index
                    .services
                    .insert((host, description.clone()), sid);
                // Built in place: push a copy of the prototype, then adjust it.
                self.m.services.push(Service {
                    host,
                    display_name: display.clone().unwrap_or(shared),
                    description,
                    is_volatile,
                    servicegroups: Vec::new(),
                    settings: proto.clone(),
                    location: l.clone(),
                });
                let hosts = &mut self.m.hosts;
                let Some(svc) = self.m.services.last_mut() else {
                    continue;
                };
                let h = &hosts[host.idx()];
                let settings = &mut svc.settings;
                if !has_contacts {
                    settings.contacts.clone_from(&h.settings.contacts);
                    settings
                        .contact_groups
                        .clone_from(&h.settings.contact_groups);
                }
                if !has_ni {
                    settings.notification_interval = h.settings.notification_interval;
                }
                if !has_np {
                    settings.notification_period = h.settings.notification_period;
                }
                if !has_cp {
                    settings.check_period = h.settings.check_period;
                }
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
                    let d = inst.desc;
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
        // As in Nagios, the group memberships of a discarded duplicate still
        // apply to the service that replaced it.
        for inst in instances.iter().filter(|i| !i.alive) {
            let r = self.res.view(Kind::Service, inst.raw);
            let Some(g) = r.get(K::Servicegroups) else {
                continue;
            };
            let Some(&sid) = self
                .m
                .index
                .services
                .get(&(inst.host, inst.desc.to_string()))
            else {
                continue;
            };
            for n in list(g) {
                if let Some(&id) = self.m.index.servicegroups.get(n) {
                    self.sg_direct[id.idx()].push(sid);
                }
            }
        }
    }

    fn raw_loc(&self, kind: Kind, raw: u32) -> Location {
        let o = &self.parsed.objs[kind.idx()][raw as usize];
        self.loc(o.file, o.line)
    }

    fn servicegroups(&mut self) {
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
                        let found = self.host_services(h, sd);
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

    /// Merges deprecated hostextinfo / serviceextinfo into hosts and services
    /// (only where the host/service has no value of its own).
    fn extinfo(&mut self) {
        for raw in 0..self.parsed.objs[Kind::Hostextinfo.idx()].len() as u32 {
            let r = self.res.view(Kind::Hostextinfo, raw);
            if !Self::registered(&r) {
                continue;
            }
            let l = self.obj_loc(&r);
            let hl = r.get(K::HostName).map(str::to_string);
            let gl = r.get(K::HostgroupName).map(str::to_string);
            if hl.is_none() && gl.is_none() {
                continue;
            }
            let ex = self.expand_hosts(hl.as_deref(), gl.as_deref(), &l, "hostextinfo");
            for (h, _) in ex.hosts {
                let s = &mut self.m.hosts[h.idx()].settings;
                merge_ext(&r, s);
            }
        }
        for raw in 0..self.parsed.objs[Kind::Serviceextinfo.idx()].len() as u32 {
            let r = self.res.view(Kind::Serviceextinfo, raw);
            if !Self::registered(&r) || r.get(K::ServiceDescription).is_none() {
                continue;
            }
            let l = self.obj_loc(&r);
            let (svcs, _) = self.expand_services(
                &r,
                (K::HostName, K::HostgroupName, K::ServiceDescription, None),
                &l,
                "serviceextinfo",
            );
            for s in svcs {
                merge_ext(&r, &mut self.m.services[s.idx()].settings);
            }
        }
    }

    fn host_dependencies(&mut self) {
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

    fn service_dependencies(&mut self) {
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

    fn escalations(&mut self) {
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
                            &self.m.services[s.idx()].settings,
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

    fn globals(&mut self, globals: Vec<(GlobalCommand, String, Location)>) {
        for (which, raw, l) in globals {
            if raw.is_empty() {
                continue;
            }
            let what = match which {
                GlobalCommand::HostEventHandler => "global host event handler command",
                GlobalCommand::ServiceEventHandler => "global service event handler command",
                GlobalCommand::Ocsp => "OCSP command",
                GlobalCommand::Ochp => "OCHP command",
            };
            let cc = self.command_call(&raw, &l, "main config", what);
            let m = &mut self.m.main;
            match which {
                GlobalCommand::HostEventHandler => m.global_host_event_handler = cc,
                GlobalCommand::ServiceEventHandler => m.global_service_event_handler = cc,
                GlobalCommand::Ocsp => m.ocsp_command = cc,
                GlobalCommand::Ochp => m.ochp_command = cc,
            }
        }
    }

    fn structure_checks(&mut self) {
        // Circular parents.
        let adj: Vec<Vec<usize>> = self
            .m
            .hosts
            .iter()
            .map(|h| h.parents.iter().map(|p| p.idx()).collect())
            .collect();
        for (a, b) in find_cycles(&adj) {
            let (ha, hb) = (&self.m.hosts[a], &self.m.hosts[b]);
            let msg = format!(
                "the hosts '{}' and '{}' form or lead into a circular parent/child chain",
                ha.name, hb.name
            );
            let l = ha.location.clone();
            self.err(&l, msg);
        }
        // Circular dependencies, per kind.
        for kind in [DependencyKind::Execution, DependencyKind::Notification] {
            let what = match kind {
                DependencyKind::Execution => "execution",
                DependencyKind::Notification => "notification",
            };
            let mut adj: Vec<Vec<usize>> = vec![Vec::new(); self.m.hosts.len()];
            let mut locs: FxMap<(usize, usize), Location> = FxMap::default();
            for d in self.m.host_dependencies.iter().filter(|d| d.kind == kind) {
                adj[d.dependent_host.idx()].push(d.host.idx());
                locs.entry((d.dependent_host.idx(), d.host.idx()))
                    .or_insert_with(|| d.location.clone());
            }
            for (a, b) in find_cycles(&adj) {
                let l = locs.get(&(a, b)).cloned().unwrap_or_default();
                let msg = format!(
                    "circular {what} dependency detected for hosts '{}' and '{}'",
                    self.m.hosts[a].name, self.m.hosts[b].name
                );
                self.err(&l, msg);
            }
            let mut adj: Vec<Vec<usize>> = vec![Vec::new(); self.m.services.len()];
            let mut locs: FxMap<(usize, usize), Location> = FxMap::default();
            for d in self
                .m
                .service_dependencies
                .iter()
                .filter(|d| d.kind == kind)
            {
                adj[d.dependent_service.idx()].push(d.service.idx());
                locs.entry((d.dependent_service.idx(), d.service.idx()))
                    .or_insert_with(|| d.location.clone());
            }
            for (a, b) in find_cycles(&adj) {
                let l = locs.get(&(a, b)).cloned().unwrap_or_default();
                let name = |i: usize| {
                    let s = &self.m.services[i];
                    format!("{};{}", self.m.hosts[s.host.idx()].name, s.description)
                };
                let msg = format!(
                    "circular {what} dependency detected for services '{}' and '{}'",
                    name(a),
                    name(b)
                );
                self.err(&l, msg);
            }
        }
        if self.m.hosts.is_empty() {
            self.diags
                .error(None, "there are no hosts defined".to_string());
        }
        if self.m.services.is_empty() {
            self.diags
                .error(None, "there are no services defined".to_string());
        }
        if self.m.contacts.is_empty() {
            self.diags
                .warn(None, "there are no contacts defined".to_string());
        }
    }
}

fn merge_ext(r: &Resolved, s: &mut CheckSettings) {
    let fill = |dst: &mut Option<Str>, k: K| {
        if dst.is_none() {
            if let Some(v) = r.get(k) {
                *dst = Some(Str::from(v));
            }
        }
    };
    fill(&mut s.notes, K::Notes);
    fill(&mut s.notes_url, K::NotesUrl);
    fill(&mut s.action_url, K::ActionUrl);
    fill(&mut s.icon_image, K::IconImage);
    fill(&mut s.icon_image_alt, K::IconImageAlt);
}

/// Back edges `(from, to)` of the directed graph `adj`, one per cycle closing
/// edge found by a depth-first search (self-loops included).
pub(crate) fn find_cycles(adj: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let n = adj.len();
    let mut color = vec![0u8; n]; // 0 white, 1 on stack, 2 done
    let mut out = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for s in 0..n {
        if color[s] != 0 {
            continue;
        }
        color[s] = 1;
        stack.push((s, 0));
        while let Some(&mut (u, ref mut i)) = stack.last_mut() {
            if let Some(&v) = adj[u].get(*i) {
                *i += 1;
                if v >= n {
                    continue;
                }
                match color[v] {
                    0 => {
                        color[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => out.push((u, v)),
                    _ => {}
                }
            } else {
                color[u] = 2;
                stack.pop();
            }
        }
    }
    out
}

/// Builds a timeperiod through [`Timeperiod::new`].
fn new_timeperiod(
    name: String,
    alias: String,
    directives: &[(String, String, Location)],
    exclude: Vec<TimeperiodId>,
    location: Location,
) -> Result<Timeperiod, (Location, String)> {
    Timeperiod::new(name, alias, directives, exclude, location)
}
