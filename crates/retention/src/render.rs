//! Writing retention.dat and status.dat in the Nagios 4.4.6 layout: same block
//! types, field names, field order and number formats (`%f` intervals, `%.3f`
//! execution time and latency, `%.2f` percent state change, integer epoch times),
//! so Nagios and the tools that read these files (CGIs, Thruk, nagstamon, ...) can
//! read what vigil writes. Objects are written sorted by name, as Nagios does.

use std::borrow::Borrow;
use std::fmt::Write as _;
use std::io;

use std::sync::Arc;
use vigil_config::Model;

use vigil_state::{
    Books, Comment, ContactStatus, Downtime, HostStatus, ObjKind, ObjectState, ProgramState,
    ServiceStatus, Status,
};

use crate::view::{ConfigView, ContactConfig, ObjectConfig};
use crate::{Retention, STATE_HISTORY_LEN};

/// The Nagios version written into the `info` block, so readers that check it see
/// the format they expect.
pub const NAGIOS_COMPAT_VERSION: &str = "4.4.6";

/// What the files hold besides the statuses and the program state: the comment and
/// downtime books and the contacts' run-time status (both shared, cheap to clone: a
/// snapshot of the core hands out the same `Arc`s).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderExtras {
    /// Comments and downtimes.
    pub books: Arc<Books>,
    /// Contact statuses, index = the contact's position in
    /// [`ConfigView::contacts`]; empty: as configured.
    pub contacts: Arc<[ContactStatus]>,
}

impl RenderExtras {
    /// The comments and downtimes of a read retention file (as written, without
    /// the restore rules of start-up; unusable blocks are left out). Contacts as
    /// configured.
    pub fn from_retention(ret: &Retention) -> Self {
        RenderExtras {
            books: Arc::new(crate::books::books_of(ret).0),
            contacts: Arc::from(Vec::new()),
        }
    }
}

/// Epoch seconds as Nagios prints `time_t` (negative or NaN as 0).
fn secs(t: f64) -> u64 {
    if t.is_finite() && t > 0.0 {
        t as u64
    } else {
        0
    }
}

fn b(v: bool) -> u8 {
    v as u8
}

/// Bytes kept in the render buffer before it is written out.
pub(crate) const SPILL: usize = 64 * 1024;

/// Writes the buffer out once it holds [`SPILL`] bytes.
fn spill(out: &mut String, w: &mut dyn io::Write) -> io::Result<()> {
    if out.len() >= SPILL {
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    Ok(())
}

/// Contacts sorted by name (the order Nagios writes them), as indexes.
fn contacts_by_name(view: &ConfigView) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..view.contacts.len()).collect();
    idx.sort_by(|&a, &b| view.contacts[a].name.cmp(&view.contacts[b].name));
    idx
}

/// Hosts and services sorted by name (the order Nagios writes them), as indexes.
pub(crate) fn sorted(objs: &[ObjectConfig]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..objs.len()).collect();
    idx.sort_by(|&a, &b| {
        let (x, y) = (&objs[a], &objs[b]);
        (x.host_name.as_str(), x.service_description.as_deref())
            .cmp(&(y.host_name.as_str(), y.service_description.as_deref()))
    });
    idx
}

/// Values derived from configuration + status that both files print.
struct Effective<'a> {
    event_handler: &'a str,
    check_period: &'a str,
    notification_period: &'a str,
    check_interval: f64,
    retry_interval: f64,
    max_attempts: u32,
}

fn effective<'a, S: ObjectState>(cfg: &'a ObjectConfig, st: &'a Status<S>) -> Effective<'a> {
    Effective {
        event_handler: st
            .attrs
            .event_handler
            .as_deref()
            .unwrap_or(&cfg.event_handler),
        check_period: st
            .attrs
            .check_period
            .as_ref()
            .map_or(&cfg.check_period, |p| &p.name),
        notification_period: st
            .attrs
            .notification_period
            .as_ref()
            .map_or(&cfg.notification_period, |p| &p.name),
        check_interval: st.attrs.check_interval.unwrap_or(cfg.check_interval),
        retry_interval: st.attrs.retry_interval.unwrap_or(cfg.retry_interval),
        max_attempts: st.attrs.max_attempts.unwrap_or(cfg.max_check_attempts),
    }
}

fn state_type<S: ObjectState>(st: &Status<S>) -> u8 {
    st.state_type.id()
}

fn state_history<S: ObjectState>(st: &Status<S>) -> String {
    let h = &st.state_history;
    let start = h.len().saturating_sub(STATE_HISTORY_LEN);
    let pad = STATE_HISTORY_LEN - (h.len() - start);
    std::iter::repeat_n(0u8, pad)
        .chain(h[start..].iter().copied())
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// A block writer: `prefix` is `""` for retention.dat and `"\t"` for status.dat.
struct Block<'a> {
    out: &'a mut String,
    indent: &'static str,
}

impl<'a> Block<'a> {
    fn open(out: &'a mut String, kind: &str, indent: &'static str) -> Self {
        out.push_str(kind);
        out.push_str(" {\n");
        Block { out, indent }
    }

    fn kv(&mut self, key: &str, value: impl std::fmt::Display) -> &mut Self {
        let _ = writeln!(self.out, "{}{key}={value}", self.indent);
        self
    }

    fn close(self) {
        self.out.push_str(self.indent);
        self.out.push_str("}\n");
        if !self.indent.is_empty() {
            self.out.push('\n');
        }
    }
}

fn custom_vars(w: &mut Block, cfg: &ObjectConfig) {
    for (name, value) in &cfg.custom_vars {
        w.kv(&format!("_{name}"), format_args!("0;{value}"));
    }
}

/// Renders retention.dat for `model` (see [`render_view`]).
pub fn render<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    model: &Model,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    now: i64,
) -> String {
    render_view(
        &ConfigView::from_model(model),
        program,
        hosts,
        services,
        &RenderExtras::default(),
        now,
    )
}

/// Renders retention.dat as Nagios 4.4.6 writes it: a `#` header, `info`, `program`,
/// one `host` and `service` block per object (sorted by name), `contact` blocks,
/// then the comment and downtime blocks of `extras`. No indentation.
pub fn render_view<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    view: &ConfigView,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    extras: &RenderExtras,
    now: i64,
) -> String {
    let mut buf = Vec::with_capacity(2048 * (hosts.len() + services.len() + 1));
    // Writing into a Vec cannot fail.
    let _ = render_view_to(&mut buf, view, program, hosts, services, extras, now);
    String::from_utf8(buf).unwrap_or_default()
}

/// [`render_view`], streamed into `w` in chunks of about 64 KiB (memory stays
/// bounded whatever the number of objects).
pub fn render_view_to<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    w: &mut dyn io::Write,
    view: &ConfigView,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    extras: &RenderExtras,
    now: i64,
) -> io::Result<()> {
    let mut out = String::with_capacity(SPILL + 8192);
    out.push_str(
        "########################################\n\
         #      NAGIOS STATE RETENTION FILE\n\
         #\n\
         # THIS FILE IS AUTOMATICALLY GENERATED\n\
         # BY VIGIL.  DO NOT MODIFY THIS FILE!\n\
         ########################################\n",
    );
    let mut b = Block::open(&mut out, "info", "");
    b.kv("created", now.max(0))
        .kv("version", NAGIOS_COMPAT_VERSION)
        .kv("last_update_check", 0)
        .kv("update_available", 0)
        .kv("update_uid", secs(program.program_start))
        .kv("last_version", "")
        .kv("new_version", "");
    b.close();

    let mut b = Block::open(&mut out, "program", "");
    b.kv(
        "modified_host_attributes",
        program.modified_host_attributes.bits(),
    )
    .kv(
        "modified_service_attributes",
        program.modified_service_attributes.bits(),
    );
    program_switches(&mut b, program);
    program_ids(&mut b, program);
    b.close();

    for i in sorted(&view.hosts) {
        if let Some(st) = hosts.get(i) {
            retained_host(&mut out, &view.hosts[i], st.borrow());
        }
        spill(&mut out, w)?;
    }
    for i in sorted(&view.services) {
        if let Some(st) = services.get(i) {
            retained_service(&mut out, &view.services[i], st.borrow());
        }
        spill(&mut out, w)?;
    }
    contacts_and_books(out, w, view, extras, "contact", "")
}

/// The end of both files: the contacts (blocks named `kind`), the comments and the
/// downtimes, then whatever is left in the buffer.
pub(crate) fn contacts_and_books(
    mut out: String,
    w: &mut dyn io::Write,
    view: &ConfigView,
    extras: &RenderExtras,
    kind: &'static str,
    indent: &'static str,
) -> io::Result<()> {
    for i in contacts_by_name(view) {
        contact(
            &mut out,
            &view.contacts[i],
            extras.contacts.get(i),
            kind,
            indent,
        );
    }
    for c in &extras.books.comments {
        comment(&mut out, c, indent);
        spill(&mut out, w)?;
    }
    for d in &extras.books.downtimes {
        downtime(&mut out, d, indent);
        spill(&mut out, w)?;
    }
    w.write_all(out.as_bytes())
}

/// A `hostcomment` / `servicecomment` block (same fields in both files).
fn comment(out: &mut String, c: &Comment, indent: &'static str) {
    let kind = if c.service_description.is_some() {
        "servicecomment"
    } else {
        "hostcomment"
    };
    let mut w = Block::open(out, kind, indent);
    w.kv("host_name", &c.host_name);
    if let Some(s) = &c.service_description {
        w.kv("service_description", s);
    }
    w.kv("entry_type", c.kind.id())
        .kv("comment_id", c.id)
        .kv("source", c.source.id())
        .kv("persistent", b(c.persistent))
        .kv("entry_time", c.entry_time.max(0))
        .kv("expires", b(c.expires))
        .kv("expire_time", c.expire_time.max(0))
        .kv("author", &c.author)
        .kv("comment_data", &c.text);
    w.close();
}

/// A `hostdowntime` / `servicedowntime` block: retention.dat has `comment_id`
/// before `downtime_id`, status.dat after it.
fn downtime(out: &mut String, d: &Downtime, indent: &'static str) {
    let kind = if d.service_description.is_some() {
        "servicedowntime"
    } else {
        "hostdowntime"
    };
    let mut w = Block::open(out, kind, indent);
    w.kv("host_name", &d.host_name);
    if let Some(s) = &d.service_description {
        w.kv("service_description", s);
    }
    if indent.is_empty() {
        w.kv("comment_id", d.comment_id).kv("downtime_id", d.id);
    } else {
        w.kv("downtime_id", d.id).kv("comment_id", d.comment_id);
    }
    w.kv("entry_time", d.entry_time.max(0))
        .kv("start_time", d.start_time.max(0))
        .kv("flex_downtime_start", d.flex_downtime_start.max(0))
        .kv("end_time", d.end_time.max(0))
        .kv("triggered_by", d.triggered_by)
        .kv("fixed", b(d.fixed))
        .kv("duration", d.duration)
        .kv("is_in_effect", b(d.is_in_effect))
        .kv("start_notification_sent", b(d.start_notification_sent))
        .kv("author", &d.author)
        .kv("comment", &d.comment);
    w.close();
}

/// The comment and downtime blocks of the state journal: all of them, after a
/// `vigilbooks {}` marker that tells the replay to replace the books it had.
pub(crate) fn book_records(out: &mut String, books: &Books) {
    out.push_str("vigilbooks {\n}\n");
    for c in &books.comments {
        comment(out, c, "");
    }
    for d in &books.downtimes {
        downtime(out, d, "");
    }
}

/// The `contact` blocks of the state journal.
pub(crate) fn contact_records(out: &mut String, view: &ConfigView, contacts: &[ContactStatus]) {
    for (i, c) in view.contacts.iter().enumerate() {
        contact(out, c, contacts.get(i), "contact", "");
    }
}

fn program_switches(w: &mut Block, p: &ProgramState) {
    w.kv("enable_notifications", b(p.enable_notifications))
        .kv("active_service_checks_enabled", b(p.execute_service_checks))
        .kv(
            "passive_service_checks_enabled",
            b(p.accept_passive_service_checks),
        )
        .kv("active_host_checks_enabled", b(p.execute_host_checks))
        .kv(
            "passive_host_checks_enabled",
            b(p.accept_passive_host_checks),
        )
        .kv("enable_event_handlers", b(p.enable_event_handlers))
        .kv("obsess_over_services", b(p.obsess_over_services))
        .kv("obsess_over_hosts", b(p.obsess_over_hosts))
        .kv("check_service_freshness", b(p.check_service_freshness))
        .kv("check_host_freshness", b(p.check_host_freshness))
        .kv("enable_flap_detection", b(p.enable_flap_detection))
        .kv("process_performance_data", b(p.process_performance_data))
        .kv(
            "global_host_event_handler",
            p.global_host_event_handler.as_deref().unwrap_or(""),
        )
        .kv(
            "global_service_event_handler",
            p.global_service_event_handler.as_deref().unwrap_or(""),
        );
}

fn program_ids(w: &mut Block, p: &ProgramState) {
    w.kv("next_comment_id", p.counters.next_comment_id)
        .kv("next_downtime_id", p.counters.next_downtime_id)
        .kv("next_event_id", p.counters.next_event_id)
        .kv("next_problem_id", p.counters.next_problem_id)
        .kv("next_notification_id", p.counters.next_notification_id);
}

/// A `program {` block for the state journal: the id counters, and with `switches`
/// the modified-attribute bits and program switches as well.
pub(crate) fn retained_program(out: &mut String, p: &ProgramState, switches: bool) {
    let mut w = Block::open(out, "program", "");
    if switches {
        w.kv(
            "modified_host_attributes",
            p.modified_host_attributes.bits(),
        )
        .kv(
            "modified_service_attributes",
            p.modified_service_attributes.bits(),
        );
        program_switches(&mut w, p);
    }
    w.kv("next_comment_id", p.counters.next_comment_id)
        .kv("next_downtime_id", p.counters.next_downtime_id)
        .kv("next_event_id", p.counters.next_event_id)
        .kv("next_problem_id", p.counters.next_problem_id)
        .kv("next_notification_id", p.counters.next_notification_id);
    w.close();
}

pub(crate) fn retained_host(out: &mut String, cfg: &ObjectConfig, st: &HostStatus) {
    let e = effective(cfg, st);
    let mut w = Block::open(out, "host", "");
    w.kv("host_name", &cfg.host_name)
        .kv("modified_attributes", st.attrs.modified.bits())
        .kv("check_command", &cfg.check_command)
        .kv("check_period", e.check_period)
        .kv("notification_period", e.notification_period)
        .kv("event_handler", e.event_handler)
        .kv("has_been_checked", b(st.has_been_checked))
        .kv(
            "check_execution_time",
            format_args!("{:.3}", st.execution_time),
        )
        .kv("check_latency", format_args!("{:.3}", st.latency))
        .kv("check_type", st.check_type as u8)
        .kv("current_state", st.current_state.id())
        .kv("last_state", st.last_state.id())
        .kv("last_hard_state", st.last_hard_state.id())
        .kv("last_event_id", st.last_event_id)
        .kv("current_event_id", st.current_event_id)
        .kv("current_problem_id", st.current_problem_id)
        .kv("last_problem_id", st.last_problem_id)
        .kv("plugin_output", st.output.short.as_deref().unwrap_or(""))
        .kv("long_plugin_output", &st.output.long)
        .kv("performance_data", &st.output.perfdata)
        .kv("last_check", secs(st.last_check))
        .kv("next_check", secs(st.next_check))
        .kv("check_options", 0)
        .kv("current_attempt", st.current_attempt)
        .kv("max_attempts", e.max_attempts)
        .kv("check_interval", format_args!("{:.6}", e.check_interval))
        .kv("retry_interval", format_args!("{:.6}", e.retry_interval))
        .kv("state_type", state_type(st))
        .kv("last_state_change", secs(st.last_state_change))
        .kv("last_hard_state_change", secs(st.last_hard_state_change))
        .kv("last_time_up", secs(st.last_time_in_state[0]))
        .kv("last_time_down", secs(st.last_time_in_state[1]))
        .kv("last_time_unreachable", secs(st.last_time_in_state[2]))
        .kv("notified_on_down", notified(st, 1))
        .kv("notified_on_unreachable", notified(st, 2))
        .kv("last_notification", secs(st.notify.last_notification))
        .kv(
            "current_notification_number",
            st.notify.current_notification_number,
        )
        .kv("current_notification_id", st.notify.current_notification_id)
        .kv("notifications_enabled", b(st.attrs.notifications_enabled))
        .kv("problem_has_been_acknowledged", b(st.notify.acknowledged))
        .kv("acknowledgement_type", st.notify.ack.id())
        .kv("active_checks_enabled", b(st.attrs.active_checks_enabled))
        .kv("passive_checks_enabled", b(st.attrs.passive_checks_enabled))
        .kv("event_handler_enabled", b(st.attrs.event_handler_enabled))
        .kv("flap_detection_enabled", b(st.attrs.flap_detection_enabled))
        .kv("process_performance_data", b(st.attrs.process_perf_data))
        .kv("obsess", b(st.attrs.obsess))
        .kv("is_flapping", b(st.is_flapping))
        .kv(
            "percent_state_change",
            format_args!("{:.2}", st.percent_state_change),
        )
        .kv(
            "check_flapping_recovery_notification",
            b(st.notify.check_flapping_recovery_notification),
        )
        .kv("flapping_comment_id", st.notify.flapping_comment_id)
        .kv("state_history", state_history(st));
    custom_vars(&mut w, cfg);
    w.close();
}

/// `notified_on_<state>` of a state id.
fn notified<S: ObjectState>(st: &Status<S>, id: u8) -> u8 {
    st.notify.notified_on_state(S::from_id(id)) as u8
}

pub(crate) fn retained_service(out: &mut String, cfg: &ObjectConfig, st: &ServiceStatus) {
    let e = effective(cfg, st);
    let mut w = Block::open(out, "service", "");
    w.kv("host_name", &cfg.host_name)
        .kv(
            "service_description",
            cfg.service_description.as_deref().unwrap_or(""),
        )
        .kv("modified_attributes", st.attrs.modified.bits())
        .kv("check_command", &cfg.check_command)
        .kv("check_period", e.check_period)
        .kv("notification_period", e.notification_period)
        .kv("event_handler", e.event_handler)
        .kv("has_been_checked", b(st.has_been_checked))
        .kv(
            "check_execution_time",
            format_args!("{:.3}", st.execution_time),
        )
        .kv("check_latency", format_args!("{:.3}", st.latency))
        .kv("check_type", st.check_type as u8)
        .kv("current_state", st.current_state.id())
        .kv("last_state", st.last_state.id())
        .kv("last_hard_state", st.last_hard_state.id())
        .kv("last_event_id", st.last_event_id)
        .kv("current_event_id", st.current_event_id)
        .kv("current_problem_id", st.current_problem_id)
        .kv("last_problem_id", st.last_problem_id)
        .kv("current_attempt", st.current_attempt)
        .kv("max_attempts", e.max_attempts)
        .kv("check_interval", format_args!("{:.6}", e.check_interval))
        .kv("retry_interval", format_args!("{:.6}", e.retry_interval))
        .kv("state_type", state_type(st))
        .kv("last_state_change", secs(st.last_state_change))
        .kv("last_hard_state_change", secs(st.last_hard_state_change))
        .kv("last_time_ok", secs(st.last_time_in_state[0]))
        .kv("last_time_warning", secs(st.last_time_in_state[1]))
        .kv("last_time_unknown", secs(st.last_time_in_state[3]))
        .kv("last_time_critical", secs(st.last_time_in_state[2]))
        .kv("plugin_output", st.output.short.as_deref().unwrap_or(""))
        .kv("long_plugin_output", &st.output.long)
        .kv("performance_data", &st.output.perfdata)
        .kv("last_check", secs(st.last_check))
        .kv("next_check", secs(st.next_check))
        .kv("check_options", 0)
        .kv("notified_on_unknown", notified(st, 3))
        .kv("notified_on_warning", notified(st, 1))
        .kv("notified_on_critical", notified(st, 2))
        .kv(
            "current_notification_number",
            st.notify.current_notification_number,
        )
        .kv("current_notification_id", st.notify.current_notification_id)
        .kv("last_notification", secs(st.notify.last_notification))
        .kv("notifications_enabled", b(st.attrs.notifications_enabled))
        .kv("active_checks_enabled", b(st.attrs.active_checks_enabled))
        .kv("passive_checks_enabled", b(st.attrs.passive_checks_enabled))
        .kv("event_handler_enabled", b(st.attrs.event_handler_enabled))
        .kv("problem_has_been_acknowledged", b(st.notify.acknowledged))
        .kv("acknowledgement_type", st.notify.ack.id())
        .kv("flap_detection_enabled", b(st.attrs.flap_detection_enabled))
        .kv("process_performance_data", b(st.attrs.process_perf_data))
        .kv("obsess", b(st.attrs.obsess))
        .kv("is_flapping", b(st.is_flapping))
        .kv(
            "percent_state_change",
            format_args!("{:.2}", st.percent_state_change),
        )
        .kv(
            "check_flapping_recovery_notification",
            b(st.notify.check_flapping_recovery_notification),
        )
        .kv("flapping_comment_id", st.notify.flapping_comment_id)
        .kv("state_history", state_history(st));
    custom_vars(&mut w, cfg);
    w.close();
}

fn contact(
    out: &mut String,
    c: &ContactConfig,
    st: Option<&ContactStatus>,
    kind: &str,
    indent: &'static str,
) {
    let configured = ContactStatus::configured(
        c.host_notifications_enabled,
        c.service_notifications_enabled,
    );
    let st = st.unwrap_or(&configured);
    let mut w = Block::open(out, kind, indent);
    w.kv("contact_name", &c.name)
        .kv("modified_attributes", st.modified_attributes.bits())
        .kv(
            "modified_host_attributes",
            st.modified_host_attributes.bits(),
        )
        .kv(
            "modified_service_attributes",
            st.modified_service_attributes.bits(),
        )
        .kv(
            "host_notification_period",
            st.host_notification_period
                .as_ref()
                .map_or(&c.host_notification_period, |p| &p.name),
        )
        .kv(
            "service_notification_period",
            st.service_notification_period
                .as_ref()
                .map_or(&c.service_notification_period, |p| &p.name),
        )
        .kv("last_host_notification", secs(st.last_host_notification))
        .kv(
            "last_service_notification",
            secs(st.last_service_notification),
        )
        .kv(
            "host_notifications_enabled",
            b(st.host_notifications_enabled),
        )
        .kv(
            "service_notifications_enabled",
            b(st.service_notifications_enabled),
        );
    w.close();
}

/// Renders status.dat for `model` (see [`render_status_view`]).
pub fn render_status<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    model: &Model,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    now: i64,
) -> String {
    render_status_view(
        &ConfigView::from_model(model),
        program,
        hosts,
        services,
        &RenderExtras::default(),
        now,
    )
}

/// Renders status.dat as Nagios 4.4.6 writes it: 6 `#` header lines and a blank
/// line, then tab-indented `info`, `programstatus`, `hoststatus`, `servicestatus`,
/// `contactstatus` blocks, then the comment and downtime blocks of `extras`; every
/// block is followed by a blank line. Check statistics are written as `0,0,0`.
pub fn render_status_view<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    view: &ConfigView,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    extras: &RenderExtras,
    now: i64,
) -> String {
    let mut buf = Vec::with_capacity(2048 * (hosts.len() + services.len() + 1));
    // Writing into a Vec cannot fail.
    let _ = render_status_to(&mut buf, view, program, hosts, services, extras, now);
    String::from_utf8(buf).unwrap_or_default()
}

/// [`render_status_view`], streamed into `w` in chunks of about 64 KiB (memory stays
/// bounded whatever the number of objects).
pub fn render_status_to<H: Borrow<HostStatus>, S: Borrow<ServiceStatus>>(
    w: &mut dyn io::Write,
    view: &ConfigView,
    program: &ProgramState,
    hosts: &[H],
    services: &[S],
    extras: &RenderExtras,
    now: i64,
) -> io::Result<()> {
    let now = now.max(0);
    let mut out = String::with_capacity(SPILL + 8192);
    status_head(&mut out, program, now);
    for i in sorted(&view.hosts) {
        if let Some(st) = hosts.get(i) {
            object_status(&mut out, &view.hosts[i], st.borrow(), now);
        }
        spill(&mut out, w)?;
    }
    for i in sorted(&view.services) {
        if let Some(st) = services.get(i) {
            object_status(&mut out, &view.services[i], st.borrow(), now);
        }
        spill(&mut out, w)?;
    }
    contacts_and_books(out, w, view, extras, "contactstatus", "\t")
}

/// The start of status.dat: the comment header, `info` and `programstatus`.
pub(crate) fn status_head(out: &mut String, program: &ProgramState, now: i64) {
    out.push_str(
        "########################################\n\
         #          NAGIOS STATUS FILE\n\
         #\n\
         # THIS FILE IS AUTOMATICALLY GENERATED\n\
         # BY VIGIL.  DO NOT MODIFY THIS FILE!\n\
         ########################################\n\n",
    );
    let mut b = Block::open(out, "info", "\t");
    b.kv("created", now)
        .kv("version", NAGIOS_COMPAT_VERSION)
        .kv("last_update_check", 0)
        .kv("update_available", 0)
        .kv("last_version", "")
        .kv("new_version", "");
    b.close();

    let mut b = Block::open(out, "programstatus", "\t");
    b.kv(
        "modified_host_attributes",
        program.modified_host_attributes.bits(),
    )
    .kv(
        "modified_service_attributes",
        program.modified_service_attributes.bits(),
    )
    .kv("nagios_pid", program.pid)
    .kv("daemon_mode", 0)
    .kv("program_start", secs(program.program_start))
    .kv("last_log_rotation", 0);
    program_switches(&mut b, program);
    program_ids(&mut b, program);
    for stat in [
        "active_scheduled_host_check_stats",
        "active_ondemand_host_check_stats",
        "passive_host_check_stats",
        "active_scheduled_service_check_stats",
        "active_ondemand_service_check_stats",
        "passive_service_check_stats",
        "cached_host_check_stats",
        "cached_service_check_stats",
        "external_command_stats",
        "parallel_host_check_stats",
        "serial_host_check_stats",
    ] {
        b.kv(stat, "0,0,0");
    }
    b.close();
}

/// One `hoststatus` / `servicestatus` block. Returns where in `out` the value of its
/// `last_update` line starts: the one field that changes at every write even when
/// the status did not (status_reuse copies the rest).
pub(crate) fn object_status<S: ObjectState>(
    out: &mut String,
    cfg: &ObjectConfig,
    st: &Status<S>,
    now: i64,
) -> usize {
    let service = S::KIND == ObjKind::Service;
    let e = effective(cfg, st);
    let should_be_scheduled =
        st.attrs.active_checks_enabled && e.check_interval > 0.0 && !cfg.check_command.is_empty();
    let mut w = Block::open(
        out,
        if service {
            "servicestatus"
        } else {
            "hoststatus"
        },
        "\t",
    );
    w.kv("host_name", &cfg.host_name);
    if service {
        w.kv(
            "service_description",
            cfg.service_description.as_deref().unwrap_or(""),
        );
    }
    w.kv("modified_attributes", st.attrs.modified.bits())
        .kv("check_command", &cfg.check_command)
        .kv("check_period", e.check_period)
        .kv("notification_period", e.notification_period)
        .kv("importance", 0)
        .kv("check_interval", format_args!("{:.6}", e.check_interval))
        .kv("retry_interval", format_args!("{:.6}", e.retry_interval))
        .kv("event_handler", e.event_handler)
        .kv("has_been_checked", b(st.has_been_checked))
        .kv("should_be_scheduled", b(should_be_scheduled))
        .kv(
            "check_execution_time",
            format_args!("{:.3}", st.execution_time),
        )
        .kv("check_latency", format_args!("{:.3}", st.latency))
        .kv("check_type", st.check_type as u8)
        .kv("current_state", st.current_state.id())
        .kv("last_hard_state", st.last_hard_state.id())
        .kv("last_event_id", st.last_event_id)
        .kv("current_event_id", st.current_event_id)
        .kv("current_problem_id", st.current_problem_id)
        .kv("last_problem_id", st.last_problem_id);
    if service {
        w.kv("current_attempt", st.current_attempt)
            .kv("max_attempts", e.max_attempts)
            .kv("state_type", state_type(st))
            .kv("last_state_change", secs(st.last_state_change))
            .kv("last_hard_state_change", secs(st.last_hard_state_change))
            .kv("last_time_ok", secs(st.last_time_in_state[0]))
            .kv("last_time_warning", secs(st.last_time_in_state[1]))
            .kv("last_time_unknown", secs(st.last_time_in_state[3]))
            .kv("last_time_critical", secs(st.last_time_in_state[2]))
            .kv("plugin_output", st.output.short.as_deref().unwrap_or(""))
            .kv("long_plugin_output", &st.output.long)
            .kv("performance_data", &st.output.perfdata)
            .kv("last_check", secs(st.last_check))
            .kv("next_check", secs(st.next_check))
            .kv("check_options", 0)
            .kv(
                "current_notification_number",
                st.notify.current_notification_number,
            )
            .kv("current_notification_id", st.notify.current_notification_id)
            .kv("last_notification", secs(st.notify.last_notification))
            .kv("next_notification", secs(st.notify.next_notification))
            .kv("no_more_notifications", b(st.notify.no_more_notifications))
            .kv("notifications_enabled", b(st.attrs.notifications_enabled))
            .kv("active_checks_enabled", b(st.attrs.active_checks_enabled))
            .kv("passive_checks_enabled", b(st.attrs.passive_checks_enabled))
            .kv("event_handler_enabled", b(st.attrs.event_handler_enabled))
            .kv("problem_has_been_acknowledged", b(st.notify.acknowledged))
            .kv("acknowledgement_type", st.notify.ack.id())
            .kv("flap_detection_enabled", b(st.attrs.flap_detection_enabled));
    } else {
        w.kv("plugin_output", st.output.short.as_deref().unwrap_or(""))
            .kv("long_plugin_output", &st.output.long)
            .kv("performance_data", &st.output.perfdata)
            .kv("last_check", secs(st.last_check))
            .kv("next_check", secs(st.next_check))
            .kv("check_options", 0)
            .kv("current_attempt", st.current_attempt)
            .kv("max_attempts", e.max_attempts)
            .kv("state_type", state_type(st))
            .kv("last_state_change", secs(st.last_state_change))
            .kv("last_hard_state_change", secs(st.last_hard_state_change))
            .kv("last_time_up", secs(st.last_time_in_state[0]))
            .kv("last_time_down", secs(st.last_time_in_state[1]))
            .kv("last_time_unreachable", secs(st.last_time_in_state[2]))
            .kv("last_notification", secs(st.notify.last_notification))
            .kv("next_notification", secs(st.notify.next_notification))
            .kv("no_more_notifications", b(st.notify.no_more_notifications))
            .kv(
                "current_notification_number",
                st.notify.current_notification_number,
            )
            .kv("current_notification_id", st.notify.current_notification_id)
            .kv("notifications_enabled", b(st.attrs.notifications_enabled))
            .kv("problem_has_been_acknowledged", b(st.notify.acknowledged))
            .kv("acknowledgement_type", st.notify.ack.id())
            .kv("active_checks_enabled", b(st.attrs.active_checks_enabled))
            .kv("passive_checks_enabled", b(st.attrs.passive_checks_enabled))
            .kv("event_handler_enabled", b(st.attrs.event_handler_enabled))
            .kv("flap_detection_enabled", b(st.attrs.flap_detection_enabled));
    }
    w.kv("process_performance_data", b(st.attrs.process_perf_data))
        .kv("obsess", b(st.attrs.obsess));
    let stamp = w.out.len() + "\tlast_update=".len();
    w.kv("last_update", now)
        .kv("is_flapping", b(st.is_flapping))
        .kv(
            "percent_state_change",
            format_args!("{:.2}", st.percent_state_change),
        )
        .kv(
            "scheduled_downtime_depth",
            st.notify.scheduled_downtime_depth,
        );
    custom_vars(&mut w, cfg);
    w.close();
    stamp
}
