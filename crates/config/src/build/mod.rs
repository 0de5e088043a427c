//! Turning resolved definitions into the [`Model`]. This module owns the
//! [`Builder`] (the model being built, the diagnostics, the shared string
//! table), registration of keyed objects with the duplicate rules of
//! objects.md §6, the build order, commands and the main config's command
//! references. Each object kind is built in its own submodule.

mod checks;
mod contacts;
mod dependencies;
mod escalations;
mod extinfo;
mod fields;
mod groups;
mod hosts;
mod periods;
mod select;
mod service_parents;
mod services;

pub(crate) use checks::find_cycles;
pub use fields::split_command_call;

use crate::diag::{loc, Diags};
use crate::keys::{Kind, K};
use crate::main_cfg::{parse_leading_float, parse_leading_int, GlobalCommand};
use crate::model::*;
use crate::objfile::{file_path, Parsed};
use crate::resolve::{Resolved, Resolver, Slot};
use crate::util::{list, FxMap};
use crate::Location;
use fields::CharSet;
use hosts::HostExtra;
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

pub(crate) struct Builder<'r, 'd> {
    parsed: &'r Parsed,
    res: &'r Resolver<'r>,
    pub diags: &'d mut Diags,
    pub m: Model,
    illegal: CharSet,
    /// `use_regexp_matching` / `use_true_regexp_matching`.
    matching: crate::names::Matching,
    host_extra: Vec<HostExtra>,
    svc_notif_interval_set: Vec<bool>,
    /// Host-side `hostgroups` memberships, per host.
    hostgroup_of_host: Vec<Vec<HostgroupId>>,
    pending_hostgroups: Vec<(u32, String, Location)>,
    pending_servicegroups: Vec<(u32, String, Location)>,
    /// Services with a `parents` directive: (service, raw definition).
    pending_service_parents: Vec<(ServiceId, u32)>,
    /// Service-side `servicegroups` memberships, per group.
    sg_direct: Vec<Vec<ServiceId>>,
    /// Shared strings of the model.
    strs: std::collections::HashSet<Str, std::hash::BuildHasherDefault<crate::util::FxHasher>>,
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
        let matching = crate::names::Matching::new(&main);
        Builder {
            parsed,
            res,
            diags,
            illegal,
            matching,
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
            pending_service_parents: Vec::new(),
            strs: Default::default(),
        }
    }

    /// The shared copy of `s`.
    pub(super) fn intern(&mut self, s: &str) -> Str {
        if let Some(v) = self.strs.get(s) {
            return v.clone();
        }
        let v = Str::from(s);
        self.strs.insert(v.clone());
        v
    }

    pub(super) fn istr(&mut self, r: &Resolved, k: K) -> Option<Str> {
        r.get(k).map(|v| self.intern(v))
    }

    // ----- small helpers -------------------------------------------------

    pub(super) fn loc(&self, file: u32, line: u32) -> Location {
        loc(file_path(self.parsed, file), line)
    }

    pub(super) fn obj_loc(&self, r: &Resolved) -> Location {
        self.loc(r.file, r.line)
    }

    pub(super) fn err(&mut self, l: &Location, msg: String) {
        self.diags.error(Some(l.clone()), msg);
    }

    pub(super) fn warn(&mut self, l: &Location, msg: String) {
        self.diags.warn(Some(l.clone()), msg);
    }

    pub(super) fn slot_loc(&self, s: Slot) -> Location {
        self.loc(s.file, s.line)
    }

    /// Registered definitions of keyed `kind` with their resolved key, in order.
    /// Reports unnamed definitions. Returns `(raw index, name, location)`.
    pub(super) fn keyed(&mut self, kind: Kind) -> Vec<(u32, String, Location)> {
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
    pub(super) fn assign_ids(
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
        self.commands();
        self.timeperiods();
        self.contacts_and_groups();
        self.hosts();
        self.hostgroups();
        self.services();
        self.service_parents();
        self.servicegroups();
        self.extinfo();
        self.host_dependencies();
        self.service_dependencies();
        self.escalations();
        self.globals(globals);
        self.structure_checks();
    }

    pub(super) fn commands(&mut self) {
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

    pub(super) fn raw_loc(&self, kind: Kind, raw: u32) -> Location {
        let o = &self.parsed.objs[kind.idx()][raw as usize];
        self.loc(o.file, o.line)
    }

    pub(super) fn globals(&mut self, globals: Vec<(GlobalCommand, String, Location)>) {
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
}
