//! The objects.cache writer (`object_cache_file`, also what `nagios -vp`
//! writes to `precached_object_file`): the resolved [`Model`] in Nagios Core
//! 4.4.6's format, which the Nagios CGIs and Thruk parse.
//!
//! Format, as nagios4 writes it: a `#` header with the creation time (C
//! `ctime` format, local time), then one `define TYPE {` block per object,
//! each directive a TAB-indented `name<TAB>value` line, the block closed by
//! `\t}` and a blank line. Types come in this order: timeperiods, commands,
//! contact groups, host groups, service groups, contacts, hosts, services,
//! service dependencies, service escalations, host dependencies, host
//! escalations. Objects are sorted by name (services by host name, then
//! description); optional directives are written only when set; numbers are
//! C `%f` / `%d`; option lists use Nagios's letters in its order, `a` when
//! every option is on and `n` when none is.
//!
//! Where vigil's output can differ from Nagios's (the Model does not keep
//! what was written): an option list that names every option one by one is
//! written as `a`; `display_name` is written when it differs from the name
//! (Nagios: when it was set at all); adjacent or overlapping time ranges are
//! written merged.

use crate::model::*;
use crate::timeperiod::Timeperiod;
use crate::zone::Zone;
use std::io::{self, Write};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Writes `model` in objects.cache format to `out`. `created` (Unix time) is
/// shown in `zone`'s local time in the header, as Nagios's `ctime` does.
pub fn write_objects_cache<W: Write>(
    model: &Model,
    created: i64,
    zone: &Zone,
    out: &mut W,
) -> io::Result<()> {
    let mut w = io::BufWriter::new(out);
    header(&mut w, created, zone)?;
    let m = model;
    for i in sorted(&m.timeperiods, |t| t.name.as_str()) {
        timeperiod(&mut w, m, &m.timeperiods[i])?;
    }
    for i in sorted(&m.commands, |c| c.name.as_str()) {
        let c = &m.commands[i];
        block(
            &mut w,
            "command",
            &[
                ("command_name", c.name.clone()),
                ("command_line", c.line.clone()),
            ],
        )?;
    }
    for i in sorted(&m.contactgroups, |g| g.name.as_str()) {
        let g = &m.contactgroups[i];
        let mut f = vec![
            ("contactgroup_name", g.name.clone()),
            ("alias", g.alias.clone()),
        ];
        push_list(
            &mut f,
            "members",
            names(g.members.iter().map(|c| cn(m, *c))),
        );
        block(&mut w, "contactgroup", &f)?;
    }
    for i in sorted(&m.hostgroups, |g| g.name.as_str()) {
        let g = &m.hostgroups[i];
        let mut f = vec![
            ("hostgroup_name", g.name.clone()),
            ("alias", g.alias.clone()),
        ];
        push_list(
            &mut f,
            "members",
            names(g.members.iter().map(|h| hn(m, *h))),
        );
        push_opt(&mut f, "notes", g.notes.as_deref());
        push_opt(&mut f, "notes_url", g.notes_url.as_deref());
        push_opt(&mut f, "action_url", g.action_url.as_deref());
        block(&mut w, "hostgroup", &f)?;
    }
    for i in sorted(&m.servicegroups, |g| g.name.as_str()) {
        let g = &m.servicegroups[i];
        let mut f = vec![
            ("servicegroup_name", g.name.clone()),
            ("alias", g.alias.clone()),
        ];
        let mut pairs: Vec<(&str, &str)> = g.members.iter().map(|s| svc_names(m, *s)).collect();
        pairs.sort_unstable();
        let v: Vec<String> = pairs.iter().map(|(h, s)| format!("{h},{s}")).collect();
        push_list(&mut f, "members", v.join(","));
        push_opt(&mut f, "notes", g.notes.as_deref());
        push_opt(&mut f, "notes_url", g.notes_url.as_deref());
        push_opt(&mut f, "action_url", g.action_url.as_deref());
        block(&mut w, "servicegroup", &f)?;
    }
    for i in sorted(&m.contacts, |c| c.name.as_str()) {
        contact(&mut w, m, &m.contacts[i])?;
    }
    for i in sorted(&m.hosts, |h| h.name.as_str()) {
        host(&mut w, m, &m.hosts[i])?;
    }
    let mut svcs: Vec<usize> = (0..m.services.len()).collect();
    svcs.sort_by(|&a, &b| service_key(m, a).cmp(&service_key(m, b)));
    for i in svcs {
        service(&mut w, m, &m.services[i])?;
    }
    service_dependencies(&mut w, m)?;
    escalations(&mut w, m, true)?;
    host_dependencies(&mut w, m)?;
    escalations(&mut w, m, false)?;
    w.flush()
}

fn header<W: Write>(w: &mut W, created: i64, zone: &Zone) -> io::Result<()> {
    use chrono::{Datelike, Timelike};
    let when = match zone.wall_clock(created) {
        Some(t) => format!(
            "{} {} {:2} {:02}:{:02}:{:02} {}",
            WEEKDAYS[t.weekday().num_days_from_sunday() as usize],
            MONTHS[t.month0() as usize],
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.year()
        ),
        None => String::new(),
    };
    write!(
        w,
        "########################################\n\
         #       NAGIOS OBJECT CACHE FILE\n\
         #\n\
         # THIS FILE IS AUTOMATICALLY GENERATED\n\
         # BY NAGIOS.  DO NOT MODIFY THIS FILE!\n\
         #\n\
         # Created: {when}\n\
         ########################################\n\n"
    )
}

type Fields = Vec<(&'static str, String)>;

fn block<W: Write>(w: &mut W, kind: &str, fields: &[(&str, String)]) -> io::Result<()> {
    writeln!(w, "define {kind} {{")?;
    for (k, v) in fields {
        writeln!(w, "\t{k}\t{v}")?;
    }
    writeln!(w, "\t}}\n")
}

/// Indexes of `v` sorted by `key`.
fn sorted<T>(v: &[T], key: impl Fn(&T) -> &str) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| key(&v[a]).cmp(key(&v[b])));
    idx
}

fn service_key(m: &Model, i: usize) -> (&str, &str) {
    svc_names(m, ServiceId(i as u32))
}

/// Names sorted and comma-joined.
fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = it.collect();
    v.sort_unstable();
    v.join(",")
}

fn push_list(f: &mut Fields, k: &'static str, v: String) {
    if !v.is_empty() {
        f.push((k, v));
    }
}

fn push_opt(f: &mut Fields, k: &'static str, v: Option<&str>) {
    if let Some(v) = v {
        f.push((k, v.to_string()));
    }
}

fn b(v: bool) -> String {
    if v { "1" } else { "0" }.to_string()
}

fn fl(v: f64) -> String {
    format!("{v:.6}")
}

fn tp_name(m: &Model, t: Option<TimeperiodId>) -> Option<&str> {
    t.and_then(|t| m.timeperiods.get(t.idx()))
        .map(|t| t.name.as_str())
}

/// Nagios's `opts2str`: `n` for none, `a` for all of `all`, else the letters
/// of `order` whose option is set. `order` is (letter, is set).
fn opts(order: &[(char, bool)]) -> String {
    let set: Vec<char> = order
        .iter()
        .filter(|(_, on)| *on)
        .map(|(c, _)| *c)
        .collect();
    if set.is_empty() {
        "n".to_string()
    } else if set.len() == order.len() {
        "a".to_string()
    } else {
        set.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Letters of a normalized option string such as `d,u,r`.
fn has(letters: &str, c: char) -> bool {
    letters.split(',').any(|x| x.len() == 1 && x.starts_with(c))
}

/// Notification-style options (`r` first, as Nagios's ok character).
fn notif_opts(letters: &str, is_service: bool) -> String {
    let order: &[char] = if is_service {
        &['r', 'w', 'u', 'c', 'f', 's']
    } else {
        &['r', 'd', 'u', 'f', 's']
    };
    opts(
        &order
            .iter()
            .map(|&c| (c, has(letters, c)))
            .collect::<Vec<_>>(),
    )
}

/// Escalation options (`r` first; no flapping/downtime letters).
fn escalation_opts(letters: &str, is_service: bool) -> String {
    let order: &[char] = if is_service {
        &['r', 'w', 'u', 'c']
    } else {
        &['r', 'd', 'u']
    };
    opts(
        &order
            .iter()
            .map(|&c| (c, has(letters, c)))
            .collect::<Vec<_>>(),
    )
}

/// Dependency failure options (`o` first, `p` last); never `a`.
fn dependency_opts(letters: &str, is_service: bool) -> String {
    let order: &[char] = if is_service {
        &['o', 'w', 'u', 'c', 'p']
    } else {
        &['o', 'd', 'u', 'p']
    };
    let set: Vec<String> = order
        .iter()
        .filter(|&&c| has(letters, c))
        .map(|c| c.to_string())
        .collect();
    if set.is_empty() {
        "n".to_string()
    } else {
        set.join(",")
    }
}

/// Flap detection / stalking options from state flags. Nagios prints a
/// host's UP state as `u` in these lists (checked with nagios4 -vp).
fn state_opts(f: StateFlags, is_service: bool, all_is_a: bool) -> String {
    let order: Vec<(char, bool)> = if is_service {
        vec![
            ('o', f.has(0)),
            ('w', f.has(1)),
            ('u', f.has(3)),
            ('c', f.has(2)),
        ]
    } else {
        vec![('u', f.has(0)), ('d', f.has(1)), ('u', f.has(2))]
    };
    let mut s = if all_is_a {
        opts(&order)
    } else {
        let set: Vec<String> = order
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c.to_string())
            .collect();
        if set.is_empty() {
            "n".to_string()
        } else {
            set.join(",")
        }
    };
    if f.has(7) {
        s = if s == "n" {
            "N".to_string()
        } else {
            format!("{s},N")
        };
    }
    s
}

fn command_raw(c: &Option<CommandCall>) -> Option<&str> {
    c.as_ref().map(|c| c.raw.as_str())
}

fn timeperiod<W: Write>(w: &mut W, m: &Model, t: &Timeperiod) -> io::Result<()> {
    let mut f: Fields = vec![
        ("timeperiod_name", t.name.clone()),
        ("alias", t.alias.clone()),
    ];
    let ex: Vec<&str> = t
        .exclude
        .iter()
        .filter_map(|e| m.timeperiods.get(e.idx()))
        .map(|e| e.name.as_str())
        .collect();
    push_list(&mut f, "exclude", ex.join(","));
    writeln!(w, "define timeperiod {{")?;
    for (k, v) in &f {
        writeln!(w, "\t{k}\t{v}")?;
    }
    for (d, r) in t.directive_lines() {
        writeln!(w, "\t{d}\t{r}")?;
    }
    writeln!(w, "\t}}\n")
}

fn contact<W: Write>(w: &mut W, m: &Model, c: &Contact) -> io::Result<()> {
    let mut f: Fields = vec![("contact_name", c.name.clone()), ("alias", c.alias.clone())];
    push_opt(
        &mut f,
        "service_notification_period",
        tp_name(m, c.service_notification_period),
    );
    push_opt(
        &mut f,
        "host_notification_period",
        tp_name(m, c.host_notification_period),
    );
    f.push((
        "service_notification_options",
        notif_opts(&c.service_notification_options, true),
    ));
    f.push((
        "host_notification_options",
        notif_opts(&c.host_notification_options, false),
    ));
    // Nagios keeps these lists by prepending: written last first.
    let cmds = |v: &[CommandCall]| {
        v.iter()
            .rev()
            .map(|c| c.raw.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    push_list(
        &mut f,
        "service_notification_commands",
        cmds(&c.service_notification_commands),
    );
    push_list(
        &mut f,
        "host_notification_commands",
        cmds(&c.host_notification_commands),
    );
    push_opt(&mut f, "email", c.email.as_deref());
    push_opt(&mut f, "pager", c.pager.as_deref());
    const ADDR: [&str; 6] = [
        "address1", "address2", "address3", "address4", "address5", "address6",
    ];
    for (k, a) in ADDR.iter().zip(&c.addresses) {
        push_opt(&mut f, k, a.as_deref());
    }
    f.push(("minimum_importance", c.minimum_importance.to_string()));
    f.push((
        "host_notifications_enabled",
        b(c.host_notifications_enabled),
    ));
    f.push((
        "service_notifications_enabled",
        b(c.service_notifications_enabled),
    ));
    f.push(("can_submit_commands", b(c.can_submit_commands)));
    f.push(("retain_status_information", b(c.retain_status_information)));
    f.push((
        "retain_nonstatus_information",
        b(c.retain_nonstatus_information),
    ));
    writeln!(w, "define contact {{")?;
    for (k, v) in &f {
        writeln!(w, "\t{k}\t{v}")?;
    }
    custom_vars(w, &c.custom_vars)?;
    writeln!(w, "\t}}\n")
}

fn custom_vars<W: Write>(w: &mut W, vars: &[(Str, Str)]) -> io::Result<()> {
    for (k, v) in vars {
        writeln!(w, "\t_{k}\t{v}")?;
    }
    Ok(())
}

/// Fields hosts and services share, from `initial_state` on.
fn settings_fields(f: &mut Fields, s: &CheckSettings, is_service: bool) {
    // Nagios 4.4.6 writes `o` whatever the initial state is (checked with
    // nagios4 -vp for d, u, w, c); the cache's readers get what Nagios gives.
    let _ = (s.initial_state, is_service);
    f.push(("initial_state", "o".to_string()));
    f.push(("importance", s.importance.to_string()));
    f.push(("check_interval", fl(s.check_interval)));
    f.push(("retry_interval", fl(s.retry_interval)));
    f.push(("max_check_attempts", s.max_check_attempts.to_string()));
}

fn settings_tail(f: &mut Fields, s: &CheckSettings, is_service: bool) {
    f.push(("active_checks_enabled", b(s.active_checks_enabled)));
    f.push(("passive_checks_enabled", b(s.passive_checks_enabled)));
    f.push(("obsess", b(s.obsess)));
    f.push(("event_handler_enabled", b(s.event_handler_enabled)));
    f.push(("low_flap_threshold", fl(s.low_flap_threshold)));
    f.push(("high_flap_threshold", fl(s.high_flap_threshold)));
    f.push(("flap_detection_enabled", b(s.flap_detection_enabled)));
    f.push((
        "flap_detection_options",
        state_opts(s.flap_detection_options, is_service, true),
    ));
    f.push(("freshness_threshold", s.freshness_threshold.to_string()));
    f.push(("check_freshness", b(s.check_freshness)));
    f.push((
        "notification_options",
        notif_opts(&s.notification_options, is_service),
    ));
    f.push(("notifications_enabled", b(s.notifications_enabled)));
    f.push(("notification_interval", fl(s.notification_interval)));
    f.push(("first_notification_delay", fl(s.first_notification_delay)));
    f.push((
        "stalking_options",
        state_opts(s.stalking_options, is_service, false),
    ));
    f.push(("process_perf_data", b(s.process_perf_data)));
}

fn head_refs(f: &mut Fields, m: &Model, s: &CheckSettings) {
    push_opt(f, "check_period", tp_name(m, s.check_period));
    push_opt(f, "check_command", command_raw(&s.check_command));
    push_opt(f, "event_handler", command_raw(&s.event_handler));
    push_list(
        f,
        "contacts",
        s.contacts
            .iter()
            .map(|c| cn(m, *c))
            .collect::<Vec<_>>()
            .join(","),
    );
    push_list(
        f,
        "contact_groups",
        s.contact_groups
            .iter()
            .map(|g| cgn(m, *g))
            .collect::<Vec<_>>()
            .join(","),
    );
    push_opt(f, "notification_period", tp_name(m, s.notification_period));
}

fn urls(f: &mut Fields, s: &CheckSettings) {
    push_opt(f, "icon_image", s.icon_image.as_deref());
    push_opt(f, "icon_image_alt", s.icon_image_alt.as_deref());
}

fn notes(f: &mut Fields, s: &CheckSettings) {
    push_opt(f, "notes", s.notes.as_deref());
    push_opt(f, "notes_url", s.notes_url.as_deref());
    push_opt(f, "action_url", s.action_url.as_deref());
    f.push(("retain_status_information", b(s.retain_status_information)));
    f.push((
        "retain_nonstatus_information",
        b(s.retain_nonstatus_information),
    ));
}

fn host<W: Write>(w: &mut W, m: &Model, h: &Host) -> io::Result<()> {
    let s = &h.settings;
    let mut f: Fields = vec![("host_name", h.name.clone())];
    if h.display_name != h.name {
        f.push(("display_name", h.display_name.clone()));
    }
    f.push(("alias", h.alias.clone()));
    f.push(("address", h.address.clone()));
    push_list(
        &mut f,
        "parents",
        h.parents
            .iter()
            .map(|p| hn(m, *p))
            .collect::<Vec<_>>()
            .join(","),
    );
    head_refs(&mut f, m, s);
    settings_fields(&mut f, s, false);
    settings_tail(&mut f, s, false);
    urls(&mut f, s);
    push_opt(&mut f, "vrml_image", h.map.vrml_image.as_deref());
    push_opt(&mut f, "statusmap_image", h.map.statusmap_image.as_deref());
    if let Some((x, y)) = h.map.coords_2d {
        f.push(("2d_coords", format!("{x},{y}")));
    }
    if let Some((x, y, z)) = h.map.coords_3d {
        f.push(("3d_coords", format!("{},{},{}", fl(x), fl(y), fl(z))));
    }
    notes(&mut f, s);
    writeln!(w, "define host {{")?;
    for (k, v) in &f {
        writeln!(w, "\t{k}\t{v}")?;
    }
    custom_vars(w, &s.custom_vars)?;
    writeln!(w, "\t}}\n")
}

fn service<W: Write>(w: &mut W, m: &Model, sv: &Service) -> io::Result<()> {
    let s = &sv.settings;
    let mut f: Fields = vec![
        ("host_name", hn(m, sv.host).to_string()),
        ("service_description", sv.description.to_string()),
    ];
    if sv.display_name != sv.description {
        f.push(("display_name", sv.display_name.to_string()));
    }
    match sv.parents.as_slice() {
        [] => {}
        [p] if m.services.get(p.idx()).is_some_and(|p| p.host == sv.host) => {
            f.push(("parents", svc_names(m, *p).1.to_string()));
        }
        ps => {
            let v: Vec<String> = ps
                .iter()
                .map(|p| {
                    let (h, d) = svc_names(m, *p);
                    format!("{h},{d}")
                })
                .collect();
            f.push(("parents", v.join(",")));
        }
    }
    head_refs(&mut f, m, s);
    settings_fields(&mut f, s, true);
    f.push(("is_volatile", b(sv.is_volatile)));
    f.push(("parallelize_check", b(sv.parallelize_check)));
    settings_tail(&mut f, s, true);
    urls(&mut f, s);
    notes(&mut f, s);
    writeln!(w, "define service {{")?;
    for (k, v) in &f {
        writeln!(w, "\t{k}\t{v}")?;
    }
    custom_vars(w, &s.custom_vars)?;
    writeln!(w, "\t}}\n")
}

/// Host name and description of service `s` (empty for an id not in `m`).
fn svc_names(m: &Model, s: ServiceId) -> (&str, &str) {
    match m.services.get(s.idx()) {
        Some(s) => (hn(m, s.host), s.description.as_str()),
        None => ("", ""),
    }
}

/// Name of host `h` (empty for an id not in `m`: the writer never panics).
fn hn(m: &Model, h: HostId) -> &str {
    m.hosts.get(h.idx()).map_or("", |h| h.name.as_str())
}

fn cn(m: &Model, c: ContactId) -> &str {
    m.contacts.get(c.idx()).map_or("", |c| c.name.as_str())
}

fn cgn(m: &Model, g: ContactgroupId) -> &str {
    m.contactgroups.get(g.idx()).map_or("", |g| g.name.as_str())
}

/// Dependencies and escalations: sorted by their (master) object, the later
/// definition first among equals (Nagios's lists are built by prepending).
fn order_by<K: Ord>(n: usize, key: impl Fn(usize) -> K) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).rev().collect();
    idx.sort_by_key(|&i| key(i));
    idx
}

fn dep_kind(kind: DependencyKind) -> u8 {
    match kind {
        DependencyKind::Notification => 0,
        DependencyKind::Execution => 1,
    }
}

fn service_dependencies<W: Write>(w: &mut W, m: &Model) -> io::Result<()> {
    let deps = &m.service_dependencies;
    for i in order_by(deps.len(), |i| {
        let d = &deps[i];
        (
            svc_names(m, d.dependent_service),
            svc_names(m, d.service),
            dep_kind(d.kind),
        )
    }) {
        let d = &deps[i];
        let (h, s) = svc_names(m, d.service);
        let (dh, ds) = svc_names(m, d.dependent_service);
        let mut f: Fields = vec![
            ("host_name", h.to_string()),
            ("service_description", s.to_string()),
            ("dependent_host_name", dh.to_string()),
            ("dependent_service_description", ds.to_string()),
        ];
        push_opt(&mut f, "dependency_period", tp_name(m, d.dependency_period));
        f.push(("inherits_parent", b(d.inherits_parent)));
        match d.kind {
            DependencyKind::Notification => f.push((
                "notification_failure_options",
                dependency_opts(&d.notification_failure_criteria, true),
            )),
            DependencyKind::Execution => f.push((
                "execution_failure_options",
                dependency_opts(&d.execution_failure_criteria, true),
            )),
        }
        block(w, "servicedependency", &f)?;
    }
    Ok(())
}

fn host_dependencies<W: Write>(w: &mut W, m: &Model) -> io::Result<()> {
    let deps = &m.host_dependencies;
    for i in order_by(deps.len(), |i| {
        let d = &deps[i];
        (hn(m, d.dependent_host), hn(m, d.host), dep_kind(d.kind))
    }) {
        let d = &deps[i];
        let mut f: Fields = vec![
            ("host_name", hn(m, d.host).to_string()),
            ("dependent_host_name", hn(m, d.dependent_host).to_string()),
        ];
        push_opt(&mut f, "dependency_period", tp_name(m, d.dependency_period));
        f.push(("inherits_parent", b(d.inherits_parent)));
        match d.kind {
            DependencyKind::Notification => f.push((
                "notification_failure_options",
                dependency_opts(&d.notification_failure_criteria, false),
            )),
            DependencyKind::Execution => f.push((
                "execution_failure_options",
                dependency_opts(&d.execution_failure_criteria, false),
            )),
        }
        block(w, "hostdependency", &f)?;
    }
    Ok(())
}

fn escalations<W: Write>(w: &mut W, m: &Model, is_service: bool) -> io::Result<()> {
    let list = if is_service {
        &m.service_escalations
    } else {
        &m.host_escalations
    };
    for i in order_by(list.len(), |i| {
        let e = &list[i];
        (hn(m, e.host), e.service.map(|s| svc_names(m, s).1))
    }) {
        let e = &list[i];
        let mut f: Fields = vec![("host_name", hn(m, e.host).to_string())];
        if let Some(s) = e.service {
            f.push(("service_description", svc_names(m, s).1.to_string()));
        }
        f.push(("first_notification", e.first_notification.to_string()));
        f.push(("last_notification", e.last_notification.to_string()));
        f.push(("notification_interval", fl(e.notification_interval)));
        push_opt(&mut f, "escalation_period", tp_name(m, e.escalation_period));
        f.push((
            "escalation_options",
            escalation_opts(&e.escalation_options, is_service),
        ));
        push_list(
            &mut f,
            "contacts",
            e.contacts
                .iter()
                .map(|c| cn(m, *c))
                .collect::<Vec<_>>()
                .join(","),
        );
        push_list(
            &mut f,
            "contact_groups",
            e.contact_groups
                .iter()
                .map(|g| cgn(m, *g))
                .collect::<Vec<_>>()
                .join(","),
        );
        let kind = if is_service {
            "serviceescalation"
        } else {
            "hostescalation"
        };
        block(w, kind, &f)?;
    }
    Ok(())
}
