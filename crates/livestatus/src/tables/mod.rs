//! The tables: their columns (own and joined, in name order), how their rows are
//! enumerated (with the index shortcuts mk-livestatus has: a service query with
//! `Filter: host_name = x` walks that host's services, `host_groups >= g` the
//! group's hosts, `groups >= g` the group's members), and who may see a row
//! (`AuthUser`).

pub(crate) mod objects;
pub(crate) mod other;

use crate::column::{ColDef, Ctx, RowRef, Slot, TCol, NONE};
use std::collections::HashMap;
use std::sync::OnceLock;
use vigil_config::{ContactId, ServiceId};

/// The tables vigil answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// `hosts`
    Hosts,
    /// `services`
    Services,
    /// `hostgroups`
    Hostgroups,
    /// `servicegroups`
    Servicegroups,
    /// `contacts`
    Contacts,
    /// `contactgroups`
    Contactgroups,
    /// `commands`
    Commands,
    /// `timeperiods`
    Timeperiods,
    /// `comments`
    Comments,
    /// `downtimes`
    Downtimes,
    /// `log`
    Log,
    /// `status`
    Status,
    /// `columns`
    Columns,
    /// `hostsbygroup`
    HostsByGroup,
    /// `servicesbygroup`
    ServicesByGroup,
    /// `servicesbyhostgroup`
    ServicesByHostgroup,
    /// `eventhandlers` (vigil: the event handler journal)
    EventHandlers,
}

/// Every table, in name order.
pub const ALL_TABLES: [(&str, TableKind); 17] = [
    ("columns", TableKind::Columns),
    ("commands", TableKind::Commands),
    ("comments", TableKind::Comments),
    ("contactgroups", TableKind::Contactgroups),
    ("contacts", TableKind::Contacts),
    ("downtimes", TableKind::Downtimes),
    ("eventhandlers", TableKind::EventHandlers),
    ("hostgroups", TableKind::Hostgroups),
    ("hosts", TableKind::Hosts),
    ("hostsbygroup", TableKind::HostsByGroup),
    ("log", TableKind::Log),
    ("servicegroups", TableKind::Servicegroups),
    ("services", TableKind::Services),
    ("servicesbygroup", TableKind::ServicesByGroup),
    ("servicesbyhostgroup", TableKind::ServicesByHostgroup),
    ("status", TableKind::Status),
    ("timeperiods", TableKind::Timeperiods),
];

impl TableKind {
    /// Looks a table up by name.
    pub fn from_name(name: &str) -> Option<TableKind> {
        ALL_TABLES.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// The table's name.
    pub fn name(self) -> &'static str {
        ALL_TABLES
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }
}

/// A column as a table exposes it.
pub(crate) struct TableCol {
    pub name: String,
    pub col: TCol,
}

/// One table: its visible columns in name order, and lookups.
pub(crate) struct Table {
    pub kind: TableKind,
    pub name: &'static str,
    pub cols: Vec<TableCol>,
    /// vigil's additions: found by name, not in the default set.
    pub extra: Vec<TableCol>,
    map: HashMap<String, (bool, usize)>,
}

impl Table {
    /// Finds a column by name, with the aliases of the reference (`host_*` names on
    /// the hosts table, `service_*` names on the services table).
    pub fn column(&self, name: &str) -> Option<TCol> {
        if let Some(c) = self.get(name) {
            return Some(c);
        }
        let alias = match self.kind {
            TableKind::Hosts => name.strip_prefix("host_"),
            TableKind::Services => name.strip_prefix("service_"),
            _ => None,
        };
        alias.and_then(|a| self.get(a))
    }

    fn get(&self, name: &str) -> Option<TCol> {
        let &(extra, i) = self.map.get(name)?;
        let v = if extra { &self.extra } else { &self.cols };
        v.get(i).map(|c| c.col)
    }
}

struct Defs {
    host: Vec<ColDef>,
    host_x: Vec<ColDef>,
    service: Vec<ColDef>,
    service_x: Vec<ColDef>,
    hostgroup: Vec<ColDef>,
    servicegroup: Vec<ColDef>,
    contact: Vec<ColDef>,
    contactgroup: Vec<ColDef>,
    command: Vec<ColDef>,
    timeperiod: Vec<ColDef>,
    comment: Vec<ColDef>,
    downtime: Vec<ColDef>,
    log: Vec<ColDef>,
    status: Vec<ColDef>,
    columns: Vec<ColDef>,
    handler: Vec<ColDef>,
}

fn defs() -> &'static Defs {
    static D: OnceLock<Defs> = OnceLock::new();
    D.get_or_init(|| Defs {
        host: objects::host_columns(),
        host_x: objects::vigil_extras::<objects::H>(),
        service: objects::service_columns(),
        service_x: objects::vigil_extras::<objects::S>(),
        hostgroup: other::hostgroup_columns(),
        servicegroup: other::servicegroup_columns(),
        contact: other::contact_columns(),
        contactgroup: other::contactgroup_columns(),
        command: other::command_columns(),
        timeperiod: other::timeperiod_columns(),
        comment: other::comment_columns(),
        downtime: other::downtime_columns(),
        log: other::log_columns(),
        status: other::status_columns(),
        columns: other::columns_columns(),
        handler: other::eventhandler_columns(),
    })
}

fn add(v: &mut Vec<TableCol>, prefix: &str, slot: Slot, defs: &'static [ColDef]) {
    for d in defs {
        v.push(TableCol {
            name: format!("{prefix}{}", d.name),
            col: TCol { slot, def: d },
        });
    }
}

fn build(kind: TableKind) -> Table {
    let d = defs();
    let mut cols = Vec::new();
    let mut extra = Vec::new();
    let host_part = |cols: &mut Vec<TableCol>, extra: &mut Vec<TableCol>, prefix: &str| {
        add(cols, prefix, Slot::Host, &d.host);
        add(extra, prefix, Slot::Host, &d.host_x);
    };
    let service_part = |cols: &mut Vec<TableCol>, extra: &mut Vec<TableCol>, prefix: &str| {
        add(cols, prefix, Slot::Service, &d.service);
        add(extra, prefix, Slot::Service, &d.service_x);
    };
    match kind {
        TableKind::Hosts => host_part(&mut cols, &mut extra, ""),
        TableKind::Services => {
            service_part(&mut cols, &mut extra, "");
            host_part(&mut cols, &mut extra, "host_");
        }
        TableKind::Hostgroups => add(&mut cols, "", Slot::Hostgroup, &d.hostgroup),
        TableKind::Servicegroups => add(&mut cols, "", Slot::Servicegroup, &d.servicegroup),
        TableKind::Contacts => add(&mut cols, "", Slot::Contact, &d.contact),
        TableKind::Contactgroups => add(&mut cols, "", Slot::Contactgroup, &d.contactgroup),
        TableKind::Commands => add(&mut cols, "", Slot::Command, &d.command),
        TableKind::Timeperiods => add(&mut cols, "", Slot::Timeperiod, &d.timeperiod),
        TableKind::Comments => {
            add(&mut cols, "", Slot::Comment, &d.comment);
            host_part(&mut cols, &mut extra, "host_");
            service_part(&mut cols, &mut extra, "service_");
        }
        TableKind::Downtimes => {
            add(&mut cols, "", Slot::Downtime, &d.downtime);
            host_part(&mut cols, &mut extra, "host_");
            service_part(&mut cols, &mut extra, "service_");
        }
        TableKind::Log => {
            add(&mut cols, "", Slot::Log, &d.log);
            add(&mut cols, "current_host_", Slot::Host, &d.host);
            add(&mut cols, "current_service_", Slot::Service, &d.service);
            add(&mut cols, "current_contact_", Slot::Contact, &d.contact);
            add(&mut cols, "current_command_", Slot::Command, &d.command);
        }
        TableKind::Status => add(&mut cols, "", Slot::Status, &d.status),
        TableKind::Columns => add(&mut cols, "", Slot::ColumnRow, &d.columns),
        TableKind::HostsByGroup => {
            host_part(&mut cols, &mut extra, "");
            add(&mut cols, "hostgroup_", Slot::Hostgroup, &d.hostgroup);
        }
        TableKind::ServicesByGroup => {
            service_part(&mut cols, &mut extra, "");
            host_part(&mut cols, &mut extra, "host_");
            add(
                &mut cols,
                "servicegroup_",
                Slot::Servicegroup,
                &d.servicegroup,
            );
        }
        TableKind::ServicesByHostgroup => {
            service_part(&mut cols, &mut extra, "");
            host_part(&mut cols, &mut extra, "host_");
            add(&mut cols, "hostgroup_", Slot::Hostgroup, &d.hostgroup);
        }
        TableKind::EventHandlers => {
            add(&mut cols, "", Slot::Handler, &d.handler);
            add(&mut cols, "host_", Slot::Host, &d.host);
            add(&mut cols, "service_", Slot::Service, &d.service);
        }
    }
    cols.sort_by(|a, b| a.name.cmp(&b.name));
    let mut map = HashMap::new();
    for (i, c) in cols.iter().enumerate() {
        map.insert(c.name.clone(), (false, i));
    }
    for (i, c) in extra.iter().enumerate() {
        map.entry(c.name.clone()).or_insert((true, i));
    }
    Table {
        kind,
        name: kind.name(),
        cols,
        extra,
        map,
    }
}

/// The table of a kind (built once per process).
pub(crate) fn table(kind: TableKind) -> &'static Table {
    static T: OnceLock<Vec<Table>> = OnceLock::new();
    let all = T.get_or_init(|| ALL_TABLES.iter().map(|(_, k)| build(*k)).collect());
    let i = ALL_TABLES.iter().position(|(_, k)| *k == kind).unwrap_or(0);
    &all[i]
}

/// (table, column, type, description) rows of the `columns` table.
fn column_rows() -> &'static [(&'static str, &'static str, &'static str, &'static str)] {
    static R: OnceLock<Vec<(&'static str, &'static str, &'static str, &'static str)>> =
        OnceLock::new();
    R.get_or_init(|| {
        let mut v = Vec::new();
        for (name, kind) in ALL_TABLES {
            let t = table(kind);
            for c in &t.cols {
                let n: &'static str = c.name.as_str();
                v.push((name, n, c.col.def.get.type_name(), c.col.def.desc));
            }
        }
        v
    })
}

pub(crate) fn column_row(i: u32) -> (&'static str, &'static str, &'static str, &'static str) {
    column_rows()
        .get(i as usize)
        .copied()
        .unwrap_or(("", "", "", ""))
}

/// Index shortcuts taken from the top-level `AND` of the filters.
#[derive(Debug, Default, Clone)]
pub(crate) struct Hints {
    /// `host_name = x` (services, hosts via `name`).
    pub host_name: Option<String>,
    /// `host_groups >= g` (services).
    pub hostgroup: Option<String>,
    /// `groups >= g` (hosts: host group; services: service group).
    pub group: Option<String>,
    /// Rows are rendered with many of their columns: read the objects of a block
    /// of rows ahead ([`objects::warm_services`]).
    pub warm: bool,
}

/// Rows per block of [`Hints::warm`].
const WARM_BLOCK: usize = 16;

/// Who may see what, for `AuthUser`.
pub(crate) struct Auth {
    hosts: Vec<bool>,
    services: Vec<bool>,
    loose_groups: bool,
}

impl Auth {
    pub fn new(c: &Ctx<'_>, contact: Option<ContactId>) -> Auth {
        let mut hosts = vec![false; c.m.hosts.len()];
        let mut services = vec![false; c.m.services.len()];
        if let Some(ct) = contact {
            for h in
                c.ix.contact_hosts
                    .get(ct.idx())
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
            {
                if let Some(v) = hosts.get_mut(h.idx()) {
                    *v = true;
                }
            }
            for s in
                c.ix.contact_services
                    .get(ct.idx())
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
            {
                if let Some(v) = services.get_mut(s.idx()) {
                    *v = true;
                }
            }
            if !c.env.service_auth_strict {
                for (i, s) in c.m.services.iter().enumerate() {
                    if hosts.get(s.host.idx()).copied().unwrap_or(false) {
                        services[i] = true;
                    }
                }
            }
        }
        Auth {
            hosts,
            services,
            loose_groups: c.env.group_auth_loose,
        }
    }

    fn host(&self, h: u32) -> bool {
        self.hosts.get(h as usize).copied().unwrap_or(false)
    }
    fn service(&self, s: u32) -> bool {
        self.services.get(s as usize).copied().unwrap_or(false)
    }
    fn hostgroup(&self, c: &Ctx<'_>, g: u32) -> bool {
        let mem =
            c.ix.hostgroup_members
                .get(g as usize)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
        if self.loose_groups {
            mem.iter().any(|h| self.host(h.0))
        } else {
            mem.iter().all(|h| self.host(h.0))
        }
    }
    fn servicegroup(&self, c: &Ctx<'_>, g: u32) -> bool {
        let mem =
            c.ix.servicegroup_members
                .get(g as usize)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
        if self.loose_groups {
            mem.iter().any(|s| self.service(s.0))
        } else {
            mem.iter().all(|s| self.service(s.0))
        }
    }

    /// Whether the user may see a row of the table.
    pub fn row(&self, c: &Ctx<'_>, kind: TableKind, r: &RowRef) -> bool {
        let obj = |r: &RowRef| {
            let s = r.get(Slot::Service);
            if s != NONE {
                self.service(s)
            } else {
                self.host(r.get(Slot::Host))
            }
        };
        match kind {
            TableKind::Hosts => self.host(r.get(Slot::Host)),
            TableKind::Services => self.service(r.get(Slot::Service)),
            TableKind::Hostgroups => self.hostgroup(c, r.get(Slot::Hostgroup)),
            TableKind::Servicegroups => self.servicegroup(c, r.get(Slot::Servicegroup)),
            TableKind::HostsByGroup => {
                self.host(r.get(Slot::Host)) && self.hostgroup(c, r.get(Slot::Hostgroup))
            }
            TableKind::ServicesByGroup => {
                self.service(r.get(Slot::Service))
                    && self.servicegroup(c, r.get(Slot::Servicegroup))
            }
            TableKind::ServicesByHostgroup => {
                self.service(r.get(Slot::Service)) && self.hostgroup(c, r.get(Slot::Hostgroup))
            }
            TableKind::Comments | TableKind::Downtimes | TableKind::EventHandlers => obj(r),
            TableKind::Log => {
                if r.get(Slot::Host) != NONE {
                    obj(r)
                } else {
                    let i = r.get(Slot::Log) as usize;
                    !c.log
                        .get(i)
                        .map(|e| e.names_missing_object())
                        .unwrap_or(false)
                }
            }
            TableKind::Contacts
            | TableKind::Contactgroups
            | TableKind::Commands
            | TableKind::Timeperiods
            | TableKind::Status
            | TableKind::Columns => true,
        }
    }
}

fn svc_row(c: &Ctx<'_>, s: ServiceId) -> RowRef {
    let h = c.m.services[s.idx()].host;
    RowRef::empty()
        .with(Slot::Service, s.0)
        .with(Slot::Host, h.0)
}

/// Enumerates the rows of a table in the reference's order; stops when `f` returns
/// false.
pub(crate) fn for_each_row(
    c: &Ctx<'_>,
    kind: TableKind,
    hints: &Hints,
    f: &mut dyn FnMut(RowRef) -> bool,
) {
    match kind {
        TableKind::Hosts => {
            if let Some(g) = &hints.group {
                if let Some(&gid) = c.m.index.hostgroups.get(g) {
                    for h in
                        c.ix.hostgroup_members
                            .get(gid.idx())
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    {
                        if !f(RowRef::empty().with(Slot::Host, h.0)) {
                            return;
                        }
                    }
                }
                return;
            }
            for h in &c.ix.hosts {
                if !f(RowRef::empty().with(Slot::Host, h.0)) {
                    return;
                }
            }
        }
        TableKind::Services => {
            if let Some(hn) = &hints.host_name {
                if let Some(h) = c.m.find_host(hn) {
                    for s in
                        c.ix.host_services
                            .get(h.idx())
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    {
                        if !f(svc_row(c, *s)) {
                            return;
                        }
                    }
                }
                return;
            }
            if let Some(g) = &hints.group {
                if let Some(&gid) = c.m.index.servicegroups.get(g) {
                    for s in
                        c.ix.servicegroup_members
                            .get(gid.idx())
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    {
                        if !f(svc_row(c, *s)) {
                            return;
                        }
                    }
                }
                return;
            }
            if let Some(g) = &hints.hostgroup {
                if let Some(&gid) = c.m.index.hostgroups.get(g) {
                    for h in
                        c.ix.hostgroup_members
                            .get(gid.idx())
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    {
                        for s in
                            c.ix.host_services
                                .get(h.idx())
                                .map(Vec::as_slice)
                                .unwrap_or(&[])
                        {
                            if !f(svc_row(c, *s)) {
                                return;
                            }
                        }
                    }
                }
                return;
            }
            if hints.warm {
                for block in c.ix.services.chunks(WARM_BLOCK) {
                    objects::warm_services(c, block);
                    for s in block {
                        if !f(svc_row(c, *s)) {
                            return;
                        }
                    }
                }
                return;
            }
            for s in &c.ix.services {
                if !f(svc_row(c, *s)) {
                    return;
                }
            }
        }
        TableKind::Hostgroups => {
            for g in &c.ix.hostgroups {
                if !f(RowRef::empty().with(Slot::Hostgroup, g.0)) {
                    return;
                }
            }
        }
        TableKind::Servicegroups => {
            for g in &c.ix.servicegroups {
                if !f(RowRef::empty().with(Slot::Servicegroup, g.0)) {
                    return;
                }
            }
        }
        TableKind::Contacts => {
            for x in &c.ix.contacts {
                if !f(RowRef::empty().with(Slot::Contact, x.0)) {
                    return;
                }
            }
        }
        TableKind::Contactgroups => {
            for x in &c.ix.contactgroups {
                if !f(RowRef::empty().with(Slot::Contactgroup, x.0)) {
                    return;
                }
            }
        }
        TableKind::Commands => {
            for x in &c.ix.commands {
                if !f(RowRef::empty().with(Slot::Command, x.0)) {
                    return;
                }
            }
        }
        TableKind::Timeperiods => {
            for x in &c.ix.timeperiods {
                if !f(RowRef::empty().with(Slot::Timeperiod, x.0)) {
                    return;
                }
            }
        }
        TableKind::Comments => {
            for (i, cm) in c.site.comments().iter().enumerate() {
                let r = RowRef::empty()
                    .with(Slot::Comment, i as u32)
                    .with(Slot::Host, cm.host.0)
                    .with(Slot::Service, cm.service.map(|s| s.0).unwrap_or(NONE));
                if !f(r) {
                    return;
                }
            }
        }
        TableKind::Downtimes => {
            for (i, d) in c.site.downtimes().iter().enumerate() {
                let r = RowRef::empty()
                    .with(Slot::Downtime, i as u32)
                    .with(Slot::Host, d.host.0)
                    .with(Slot::Service, d.service.map(|s| s.0).unwrap_or(NONE));
                if !f(r) {
                    return;
                }
            }
        }
        TableKind::Log => {
            for (i, e) in c.log.iter().enumerate() {
                let r = RowRef::empty()
                    .with(Slot::Log, i as u32)
                    .with(Slot::Host, e.host)
                    .with(Slot::Service, e.service)
                    .with(Slot::Contact, e.contact)
                    .with(Slot::Command, e.command);
                if !f(r) {
                    return;
                }
            }
        }
        TableKind::Status => {
            f(RowRef::empty().with(Slot::Status, 0));
        }
        TableKind::Columns => {
            for i in 0..column_rows().len() {
                if !f(RowRef::empty().with(Slot::ColumnRow, i as u32)) {
                    return;
                }
            }
        }
        TableKind::HostsByGroup => {
            for g in &c.ix.hostgroups {
                for h in
                    c.ix.hostgroup_members
                        .get(g.idx())
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                {
                    let r = RowRef::empty()
                        .with(Slot::Hostgroup, g.0)
                        .with(Slot::Host, h.0);
                    if !f(r) {
                        return;
                    }
                }
            }
        }
        TableKind::ServicesByGroup => {
            for g in &c.ix.servicegroups {
                for s in
                    c.ix.servicegroup_members
                        .get(g.idx())
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                {
                    if !f(svc_row(c, *s).with(Slot::Servicegroup, g.0)) {
                        return;
                    }
                }
            }
        }
        TableKind::ServicesByHostgroup => {
            for g in &c.ix.hostgroups {
                for h in
                    c.ix.hostgroup_members
                        .get(g.idx())
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                {
                    for s in
                        c.ix.host_services
                            .get(h.idx())
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    {
                        if !f(svc_row(c, *s).with(Slot::Hostgroup, g.0)) {
                            return;
                        }
                    }
                }
            }
        }
        TableKind::EventHandlers => {
            for i in (0..c.site.handler_run_count()).rev() {
                let Some(r) = c.site.handler_run(i) else {
                    continue;
                };
                let row = RowRef::empty()
                    .with(Slot::Handler, i as u32)
                    .with(Slot::Host, r.host.0)
                    .with(Slot::Service, r.service.map(|s| s.0).unwrap_or(NONE));
                if !f(row) {
                    return;
                }
            }
        }
    }
}

/// The object a `WaitObject:` names in a table, as a row.
pub(crate) fn wait_object(c: &Ctx<'_>, kind: TableKind, key: &str) -> Option<RowRef> {
    match kind {
        TableKind::Hosts => {
            c.m.find_host(key.trim())
                .map(|h| RowRef::empty().with(Slot::Host, h.0))
        }
        TableKind::Services => {
            let (h, s) = match key.split_once(';') {
                Some(x) => x,
                None => key.split_once(' ')?,
            };
            c.m.find_service(h.trim(), s.trim()).map(|s| svc_row(c, s))
        }
        TableKind::Hostgroups => {
            c.m.index
                .hostgroups
                .get(key.trim())
                .map(|g| RowRef::empty().with(Slot::Hostgroup, g.0))
        }
        TableKind::Servicegroups => {
            c.m.index
                .servicegroups
                .get(key.trim())
                .map(|g| RowRef::empty().with(Slot::Servicegroup, g.0))
        }
        TableKind::Contacts => {
            c.m.index
                .contacts
                .get(key.trim())
                .map(|x| RowRef::empty().with(Slot::Contact, x.0))
        }
        TableKind::Status => Some(RowRef::empty().with(Slot::Status, 0)),
        _ => None,
    }
}

/// Used by tests: the number of default columns of a table.
#[cfg(test)]
pub(crate) fn column_count(kind: TableKind) -> usize {
    table(kind).cols.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_reference() {
        let want = [
            (TableKind::Columns, 4),
            (TableKind::Commands, 2),
            (TableKind::Comments, 215),
            (TableKind::Contactgroups, 3),
            (TableKind::Contacts, 22),
            (TableKind::Downtimes, 215),
            (TableKind::Hostgroups, 25),
            (TableKind::Hosts, 117),
            (TableKind::HostsByGroup, 142),
            (TableKind::Log, 243),
            (TableKind::Servicegroups, 18),
            (TableKind::Services, 204),
            (TableKind::ServicesByGroup, 222),
            (TableKind::ServicesByHostgroup, 229),
            (TableKind::Status, 50),
            (TableKind::Timeperiods, 3),
        ];
        for (k, n) in want {
            assert_eq!(column_count(k), n, "{}", k.name());
        }
    }
}
