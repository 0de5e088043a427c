//! Notifications (spec `notifications.md`): Nagios 4.4.6's `service_notification()`
//! / `host_notification()` for every type — the object-level viability rules in
//! their order (§3), the notification number and id (§5), escalations (§6), the
//! recipients and their contact-level filters (§4), the commands run per contact
//! and command like event handlers (§12), the `... NOTIFICATION:` lines (§13), and
//! the times and flags a sent NORMAL notification updates (§5.2, §5.3).
//!
//! Every attempt, sent or not, is reported as an [`Event::NotificationDecided`] with
//! each contact considered and the [`Suppression`] that stopped it: the
//! notification journal, which answers "why was nobody paged".

use vigil_config::{CommandCall, ContactId, Escalation, HostId};
use vigil_events::{
    AnyState, ContactDecision, Event, NotificationLine, NotificationRecord, NotificationRun,
    NotificationType, ObjKind, Suppression,
};
use vigil_state::{ObjectState, PeriodChange, StateType, Time};

use crate::core::{with_status, Core};
use crate::jobs::{InFlight, JobResult, JobSpec, Purpose};
use crate::{Action, ObjRef};

/// Bytes of notification command output kept for the journal.
pub const MAX_NOTIFICATION_OUTPUT: usize = 8 * 1024;

/// `NOTIFICATION_OPTION_BROADCAST`.
pub const OPT_BROADCAST: u32 = 1;
/// `NOTIFICATION_OPTION_FORCED`.
pub const OPT_FORCED: u32 = 2;
/// `NOTIFICATION_OPTION_INCREMENT`.
pub const OPT_INCREMENT: u32 = 4;

/// What to send: the type, the author and comment it carries, custom options.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The notification type.
    pub kind: NotificationType,
    /// Author (acknowledgements, downtimes, custom notifications).
    pub author: Option<String>,
    /// Comment (acknowledgements, downtimes, custom notifications).
    pub comment: Option<String>,
    /// Custom notification options ([`OPT_BROADCAST`], [`OPT_FORCED`],
    /// [`OPT_INCREMENT`]).
    pub options: u32,
}

impl Request {
    /// A request of `kind` without author, comment or options.
    pub fn of(kind: NotificationType) -> Request {
        Request {
            kind,
            author: None,
            comment: None,
            options: 0,
        }
    }

    /// With author and comment.
    pub fn with_text(kind: NotificationType, author: &str, comment: &str) -> Request {
        Request {
            kind,
            author: Some(author.to_string()),
            comment: Some(comment.to_string()),
            options: 0,
        }
    }
}

/// What one notification did: its journal record, and the commands it started
/// (each with its job), in the order they were started.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The decision with every contact considered.
    pub record: NotificationRecord,
    /// The command runs started.
    pub runs: Vec<(NotificationRun, JobSpec)>,
}

/// Notification options of an object, a contact or an escalation as a bit set:
/// `1 << state id` for the states (`r` is the bit of OK/UP), bit 11 `f`, bit 12 `s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opts(u16);

const FLAP_BIT: u16 = 1 << 11;
const DOWNTIME_BIT: u16 = 1 << 12;

impl Opts {
    /// Parses the normalized letter list of the configuration (`w,u,c,r,f,s`,
    /// `d,u,r,f,s`, `n`).
    pub(crate) fn parse(kind: ObjKind, list: &str) -> Opts {
        let mut bits = 0u16;
        for l in list.split(',').map(str::trim) {
            bits |= match (kind, l) {
                (_, "r") => 1,
                (ObjKind::Service, "w") | (ObjKind::Host, "d") => 1 << 1,
                (ObjKind::Service, "c") | (ObjKind::Host, "u") => 1 << 2,
                (ObjKind::Service, "u") => 1 << 3,
                (_, "f") => FLAP_BIT,
                (_, "s") => DOWNTIME_BIT,
                _ => 0,
            };
        }
        Opts(bits)
    }

    fn state(self, id: u8) -> bool {
        id < 11 && self.0 & (1 << id) != 0
    }

    fn flapping(self) -> bool {
        self.0 & FLAP_BIT != 0
    }

    fn downtime(self) -> bool {
        self.0 & DOWNTIME_BIT != 0
    }

    /// The bits of the problem states.
    fn problem_states(self) -> u8 {
        (self.0 & 0b1110) as u8
    }
}

/// The option letter of a state (`r` for OK/UP).
fn letter(kind: ObjKind, state_id: u8) -> char {
    match (kind, state_id) {
        (_, 0) => 'r',
        (ObjKind::Service, 1) => 'w',
        (ObjKind::Service, 2) => 'c',
        (ObjKind::Service, _) => 'u',
        (ObjKind::Host, 1) => 'd',
        (ObjKind::Host, _) => 'u',
    }
}

fn kind_of(obj: ObjRef) -> ObjKind {
    match obj {
        ObjRef::Host(_) => ObjKind::Host,
        ObjRef::Service(_) => ObjKind::Service,
    }
}

/// The object's facts the rules read, copied out of its status.
#[derive(Debug, Clone, Copy)]
struct Facts {
    state: u8,
    is_ok: bool,
    state_type: StateType,
    is_flapping: bool,
    number: u32,
    notified_on: u8,
    acknowledged: bool,
    depth: u32,
    no_more: bool,
    next_notification: Time,
    last_hard_state_change: Time,
}

impl Core {
    fn facts(&self, obj: ObjRef) -> Facts {
        with_status!(self, obj, |st| Facts {
            state: st.current_state.id(),
            is_ok: st.current_state.is_ok(),
            state_type: st.state_type,
            is_flapping: st.is_flapping,
            number: st.notify.current_notification_number,
            notified_on: st.notify.notified_on,
            acknowledged: st.notify.acknowledged,
            depth: st.notify.scheduled_downtime_depth,
            no_more: st.notify.no_more_notifications,
            next_notification: st.notify.next_notification,
            last_hard_state_change: st.last_hard_state_change,
        })
    }

    pub(crate) fn host_of(&self, obj: ObjRef) -> HostId {
        match obj {
            ObjRef::Host(h) => h,
            ObjRef::Service(s) => self.model.service(s).host,
        }
    }

    /// The object's notification options.
    fn object_opts(&self, obj: ObjRef) -> Opts {
        Opts::parse(kind_of(obj), &self.settings(obj).notification_options)
    }

    /// Whether `now` is in the timeperiod `tp` (`None`: always).
    pub(crate) fn in_period(&self, tp: Option<vigil_config::TimeperiodId>, now: Time) -> bool {
        match tp {
            Some(tp) => {
                let tps = &self.model.timeperiods;
                tps.get(tp.idx())
                    .is_some_and(|t| t.contains(&self.zone, now as i64, tps))
            }
            None => true,
        }
    }

    /// The object's notification period in effect (a run-time change, else the
    /// configured one).
    pub(crate) fn notification_period(&self, obj: ObjRef) -> Option<vigil_config::TimeperiodId> {
        match &self.attrs(obj).notification_period {
            Some(p) if p.in_effect => self.model.index.timeperiods.get(p.name.as_str()).copied(),
            _ => self.settings(obj).notification_period,
        }
    }

    fn period_name(&self, tp: Option<vigil_config::TimeperiodId>) -> String {
        tp.and_then(|t| self.model.timeperiods.get(t.idx()))
            .map(|t| t.name.to_string())
            .unwrap_or_default()
    }

    /// A flexible downtime of the object waits inside its window.
    pub(crate) fn in_pending_flex_downtime(&self, obj: ObjRef, now: Time) -> bool {
        let pending = with_status!(self, obj, |st| st.notify.pending_flex_downtime);
        if pending == 0 {
            return false;
        }
        let name = self.obj_name(obj);
        let now = now as i64;
        let pending = self
            .books
            .downtimes_of(name.host(), name.service())
            .any(|d| !d.fixed && !d.is_in_effect && d.start_time <= now && now <= d.end_time);
        pending
    }

    /// `check_service_notification_viability` / `check_host_notification_viability`
    /// (spec §3): the first rule that stops the notification. A NORMAL
    /// notification outside the notification period moves `next_notification` to
    /// the period's next start.
    fn viability(&mut self, obj: ObjRef, req: &Request, now: Time) -> Result<(), Suppression> {
        if req.options & OPT_FORCED != 0 {
            return Ok(());
        }
        if !self.program.enable_notifications {
            return Err(Suppression::ProgramDisabled);
        }
        let period = self.notification_period(obj);
        if !self.in_period(period, now) {
            if req.kind == NotificationType::Normal {
                let next = period
                    .and_then(|tp| {
                        let tps = &self.model.timeperiods;
                        tps.get(tp.idx())?.next_valid(&self.zone, now as i64, tps)
                    })
                    .map(|t| t as f64)
                    .unwrap_or(now + 365.0 * 86400.0);
                with_status!(self, obj, |mut st| st.notify.next_notification = next);
                self.dirty.mark(obj);
            }
            return Err(Suppression::OutsidePeriod {
                period: self.period_name(period),
            });
        }
        if !self.attrs(obj).notifications_enabled {
            return Err(Suppression::ObjectDisabled);
        }
        let f = self.facts(obj);
        let host = self.host_of(obj);
        let host_depth = self.hosts[host.idx()].notify.scheduled_downtime_depth;
        let is_service = matches!(obj, ObjRef::Service(_));
        let downtime = || {
            if f.depth > 0 {
                Err(Suppression::InDowntime)
            } else if is_service && host_depth > 0 {
                Err(Suppression::HostInDowntime)
            } else {
                Ok(())
            }
        };
        let opts = self.object_opts(obj);
        match req.kind {
            NotificationType::Custom => return downtime(),
            NotificationType::Acknowledgement => {
                return if f.is_ok {
                    Err(Suppression::NotAProblem)
                } else {
                    Ok(())
                };
            }
            NotificationType::FlappingStart
            | NotificationType::FlappingStop
            | NotificationType::FlappingDisabled => {
                if !opts.flapping() {
                    return Err(Suppression::OptionsExcludeFlapping);
                }
                return downtime();
            }
            NotificationType::DowntimeStart
            | NotificationType::DowntimeEnd
            | NotificationType::DowntimeCancelled => {
                if !opts.downtime() {
                    return Err(Suppression::OptionsExcludeDowntime);
                }
                return if f.depth > 0 {
                    Err(Suppression::InDowntime)
                } else {
                    Ok(())
                };
            }
            NotificationType::Normal => {}
        }
        if f.state_type == StateType::Soft {
            return Err(Suppression::SoftState);
        }
        if f.acknowledged {
            return Err(Suppression::Acknowledged);
        }
        if !opts.state(f.state) {
            return Err(Suppression::OptionsExclude {
                letter: letter(kind_of(obj), f.state),
            });
        }
        if f.is_ok && f.notified_on == 0 {
            return Err(Suppression::RecoveryWithoutNotifiedProblem);
        }
        let delay = self.settings(obj).first_notification_delay;
        if delay > 0.0 && f.number == 0 && !f.is_ok {
            let since = if f.last_hard_state_change > 0.0 {
                f.last_hard_state_change
            } else {
                self.program.program_start
            };
            let until = since.floor() + delay * self.interval_length();
            if now < until {
                return Err(Suppression::FirstNotificationDelay { until });
            }
        }
        if f.is_flapping {
            return Err(Suppression::Flapping);
        }
        downtime()?;
        if self.in_pending_flex_downtime(obj, now)
            || (is_service && self.in_pending_flex_downtime(ObjRef::Host(host), now))
        {
            return Err(Suppression::FlexibleDowntimePending);
        }
        if f.no_more {
            return Err(Suppression::NoMoreNotifications);
        }
        if let ObjRef::Service(s) = obj {
            let h = &self.hosts[host.idx()];
            if !h.current_state.is_ok() && h.state_type == StateType::Hard {
                return Err(Suppression::HostNotUp {
                    state: h.current_state.any(),
                });
            }
            if now < f.next_notification && !self.model.service(s).is_volatile {
                return Err(Suppression::IntervalNotElapsed {
                    next: f.next_notification,
                });
            }
        } else if now < f.next_notification {
            return Err(Suppression::IntervalNotElapsed {
                next: f.next_notification,
            });
        }
        Ok(())
    }

    /// The escalations of an object, in definition order.
    fn escalations_of(&self, obj: ObjRef) -> impl Iterator<Item = &Escalation> + '_ {
        let (list, index) = match obj {
            ObjRef::Host(h) => (&self.model.host_escalations, self.esc.hosts.get(h.idx())),
            ObjRef::Service(s) => (
                &self.model.service_escalations,
                self.esc.services.get(s.idx()),
            ),
        };
        index
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(move |&i| list.get(i))
    }

    /// `is_valid_escalation_for_*_notification`: the escalation applies to the
    /// object's current number (minus 1 when the object is OK/UP: a recovery goes to
    /// whoever got the last problem), state and time.
    fn escalation_valid(&self, e: &Escalation, obj: ObjRef, options: u32, now: Time) -> bool {
        if options & OPT_BROADCAST != 0 {
            return true;
        }
        let f = self.facts(obj);
        let n = i64::from(f.number) - i64::from(f.is_ok);
        if n < e.first_notification {
            return false;
        }
        if e.last_notification != 0 && n > e.last_notification {
            return false;
        }
        if e.escalation_period.is_some() && !self.in_period(e.escalation_period, now) {
            return false;
        }
        Opts::parse(kind_of(obj), &e.escalation_options).state(f.state)
    }

    /// Whether any escalation applies now.
    fn should_escalate(&self, obj: ObjRef, now: Time) -> bool {
        self.escalations_of(obj)
            .any(|e| self.escalation_valid(e, obj, 0, now))
    }

    /// The re-notification interval in effect (spec §5.2, §6.5): the smallest
    /// interval (>= 0) of the escalations that apply, else the object's.
    fn renotification_interval(&self, obj: ObjRef, now: Time) -> f64 {
        let mut interval = self.settings(obj).notification_interval;
        let mut escalated = false;
        for e in self.escalations_of(obj) {
            if e.notification_interval < 0.0 || !self.escalation_valid(e, obj, 0, now) {
                continue;
            }
            if !escalated || e.notification_interval < interval {
                interval = e.notification_interval;
                escalated = true;
            }
        }
        interval
    }

    /// Nagios's recipient order (spec §4.1, §4.4): for each applicable escalation
    /// (or the object itself) its contacts as stored (last written first), then the
    /// members of its contact groups (groups and members last first); each contact
    /// once. With BROADCAST the escalations' contacts come first, then the
    /// object's.
    fn candidates(&self, obj: ObjRef, req: &Request, escalated: bool, now: Time) -> Vec<ContactId> {
        let mut out: Vec<ContactId> = Vec::new();
        let add = |c: ContactId, out: &mut Vec<ContactId>| {
            if !out.contains(&c) {
                out.push(c);
            }
        };
        let groups = &self.model.contactgroups;
        let add_set = |contacts: &[ContactId],
                       cgs: &[vigil_config::ContactgroupId],
                       out: &mut Vec<ContactId>| {
            for c in contacts.iter().rev() {
                add(*c, out);
            }
            for g in cgs.iter().rev() {
                if let Some(g) = groups.get(g.idx()) {
                    for c in g.members.iter().rev() {
                        add(*c, out);
                    }
                }
            }
        };
        let broadcast = req.options & OPT_BROADCAST != 0;
        if escalated || broadcast {
            for e in self.escalations_of(obj) {
                if self.escalation_valid(e, obj, req.options, now) {
                    add_set(&e.contacts, &e.contact_groups, &mut out);
                }
            }
        }
        if !escalated || broadcast {
            let set = self.settings(obj);
            add_set(&set.contacts, &set.contact_groups, &mut out);
        }
        out
    }

    /// `check_contact_*_notification_viability` (spec §4.2).
    fn contact_viability(
        &self,
        c: ContactId,
        obj: ObjRef,
        req: &Request,
        now: Time,
    ) -> Result<(), Suppression> {
        if req.options & OPT_FORCED != 0 {
            return Ok(());
        }
        let Some(contact) = self.model.contacts.get(c.idx()) else {
            return Err(Suppression::NoRecipients);
        };
        let cs = self.contacts.get(c.idx());
        let kind = kind_of(obj);
        let importance = match obj {
            ObjRef::Service(s) => {
                self.model.service(s).settings.importance
                    + self
                        .model
                        .host(self.model.service(s).host)
                        .settings
                        .importance
            }
            ObjRef::Host(h) => {
                let host = self.model.host(h);
                host.settings.importance
                    + host
                        .services
                        .iter()
                        .map(|s| self.model.service(*s).settings.importance)
                        .sum::<i64>()
            }
        };
        if contact.minimum_importance > importance {
            return Err(Suppression::ContactImportance);
        }
        let changed = |p: Option<&PeriodChange>| -> Option<Option<vigil_config::TimeperiodId>> {
            p.filter(|p| p.in_effect)
                .map(|p| self.model.index.timeperiods.get(p.name.as_str()).copied())
        };
        let (enabled, period, opts) = match kind {
            ObjKind::Service => (
                cs.map_or(contact.service_notifications_enabled, |s| {
                    s.service_notifications_enabled
                }),
                changed(cs.and_then(|s| s.service_notification_period.as_ref()))
                    .unwrap_or(contact.service_notification_period),
                &contact.service_notification_options,
            ),
            ObjKind::Host => (
                cs.map_or(contact.host_notifications_enabled, |s| {
                    s.host_notifications_enabled
                }),
                changed(cs.and_then(|s| s.host_notification_period.as_ref()))
                    .unwrap_or(contact.host_notification_period),
                &contact.host_notification_options,
            ),
        };
        if !enabled {
            return Err(Suppression::ContactDisabled);
        }
        if !self.in_period(period, now) {
            return Err(Suppression::ContactOutsidePeriod {
                period: self.period_name(period),
            });
        }
        let opts = Opts::parse(kind, opts);
        match req.kind {
            NotificationType::Custom => return Ok(()),
            NotificationType::FlappingStart
            | NotificationType::FlappingStop
            | NotificationType::FlappingDisabled => {
                return if opts.flapping() {
                    Ok(())
                } else {
                    Err(Suppression::ContactOptionsExclude { letter: 'f' })
                };
            }
            NotificationType::DowntimeStart
            | NotificationType::DowntimeEnd
            | NotificationType::DowntimeCancelled => {
                return if opts.downtime() {
                    Ok(())
                } else {
                    Err(Suppression::ContactOptionsExclude { letter: 's' })
                };
            }
            NotificationType::Normal | NotificationType::Acknowledgement => {}
        }
        let f = self.facts(obj);
        if !opts.state(f.state) {
            return Err(Suppression::ContactOptionsExclude {
                letter: letter(kind, f.state),
            });
        }
        if f.is_ok {
            let notified = match kind {
                ObjKind::Service => f.notified_on & opts.problem_states() != 0,
                ObjKind::Host => f.notified_on != 0,
            };
            if !notified {
                return Err(Suppression::ContactNotNotifiedOfProblem);
            }
        }
        Ok(())
    }

    fn contact_name(&self, c: ContactId) -> String {
        self.model
            .contacts
            .get(c.idx())
            .map(|c| c.name.clone())
            .unwrap_or_default()
    }

    /// The contact whose name or alias is `author` (`$NOTIFICATIONAUTHORNAME$`).
    fn contact_by_author(&self, author: Option<&str>) -> Option<&vigil_config::Contact> {
        let a = author?;
        self.model
            .contacts
            .iter()
            .find(|c| c.name == a || c.alias == a)
    }

    /// Sends a notification of `obj` now, the way Nagios's `service_notification()`
    /// / `host_notification()` does, and reports it. Returns the outcome; the
    /// command jobs are queued as [`Action::Run`].
    pub(crate) fn notify(&mut self, obj: ObjRef, req: Request, now: Time) -> Outcome {
        let name = self.obj_name(obj);
        let state = with_status!(self, obj, |st| st.current_state.any());
        let mut record = NotificationRecord {
            time: now,
            obj: name.clone(),
            kind: req.kind,
            type_name: req.kind.macro_name(state.is_ok()).to_string(),
            state,
            number: with_status!(self, obj, |st| st.notify.current_notification_number),
            id: None,
            escalated: false,
            options: req.options,
            author: req.author.clone(),
            comment: req.comment.clone(),
            stopped_by: None,
            contacts: Vec::new(),
        };
        let mut outcome_runs = Vec::new();
        if let Err(why) = self.viability(obj, &req, now) {
            // 3.20: a service problem held back by downtime with interval 0 is
            // notified as soon as the downtime is over.
            if let (ObjRef::Service(_), NotificationType::Normal) = (obj, req.kind) {
                let host = self.host_of(obj);
                let in_dt = with_status!(self, obj, |st| st.notify.scheduled_downtime_depth) > 0
                    || self.hosts[host.idx()].notify.scheduled_downtime_depth > 0;
                if in_dt && self.settings(obj).notification_interval == 0.0 {
                    with_status!(self, obj, |mut st| st.notify.next_notification = now);
                }
            }
            let escalated = self.should_escalate(obj, now);
            record.escalated = escalated;
            record.contacts = self
                .candidates(obj, &req, escalated, now)
                .into_iter()
                .map(|c| ContactDecision {
                    contact: self.contact_name(c),
                    stopped_by: Some(why.clone()),
                    commands: Vec::new(),
                })
                .collect();
            record.stopped_by = Some(why);
            self.emit(Event::NotificationDecided(Box::new(record.clone())));
            return Outcome {
                record,
                runs: outcome_runs,
            };
        }
        let increment = req.kind == NotificationType::Normal || req.options & OPT_INCREMENT != 0;
        let id = self.program.counters.take_notification_id();
        with_status!(self, obj, |mut st| {
            if increment {
                st.notify.current_notification_number += 1;
            }
            st.notify.current_notification_id = id;
        });
        self.dirty.mark(obj);
        self.dirty.mark_program();
        let escalated = self.should_escalate(obj, now);
        let mut accepted = Vec::new();
        for c in self.candidates(obj, &req, escalated, now) {
            let verdict = self.contact_viability(c, obj, &req, now);
            record.contacts.push(ContactDecision {
                contact: self.contact_name(c),
                stopped_by: verdict.clone().err(),
                commands: Vec::new(),
            });
            if verdict.is_ok() {
                accepted.push((c, record.contacts.len() - 1));
            }
        }
        record.escalated = escalated;
        record.number = with_status!(self, obj, |st| st.notify.current_notification_number);
        if accepted.is_empty() {
            if increment {
                with_status!(self, obj, |mut st| st.notify.current_notification_number -=
                    1);
            }
            if record.contacts.is_empty() {
                record.stopped_by = Some(Suppression::NoRecipients);
            }
            self.emit(Event::NotificationDecided(Box::new(record.clone())));
            return Outcome {
                record,
                runs: outcome_runs,
            };
        }
        record.id = Some(id);
        let recipients: Vec<&str> = accepted
            .iter()
            .filter_map(|(c, _)| self.model.contacts.get(c.idx()))
            .map(|c| c.name.as_str())
            .collect();
        let author_contact = self.contact_by_author(req.author.as_deref());
        let is_ack = req.kind == NotificationType::Acknowledgement;
        let macros = vigil_macros::NotificationMacros {
            type_name: record.type_name.clone(),
            number: record.number,
            recipients: recipients.join(","),
            escalated,
            author: req.author.clone(),
            author_name: author_contact.map(|c| c.name.clone()),
            author_alias: author_contact.map(|c| c.alias.clone()),
            comment: req.comment.clone(),
            ack_author: if is_ack { req.author.clone() } else { None },
            ack_author_name: if is_ack {
                author_contact.map(|c| c.name.clone())
            } else {
                None
            },
            ack_author_alias: if is_ack {
                author_contact.map(|c| c.alias.clone())
            } else {
                None
            },
            ack_comment: if is_ack { req.comment.clone() } else { None },
        };
        let (host, service) = self.host_and_service(obj);
        let output = with_status!(self, obj, |st| st.output.short.clone());
        let with_text = matches!(
            req.kind,
            NotificationType::Acknowledgement | NotificationType::Custom
        );
        let timeout = self.model.main.notification_timeout.max(1) as f64;
        // The list is built by prepending: the last accepted contact runs first.
        for (c, slot) in accepted.iter().rev() {
            let Some(contact) = self.model.contacts.get(c.idx()) else {
                continue;
            };
            let commands: &[CommandCall] = match obj {
                ObjRef::Host(_) => &contact.host_notification_commands,
                ObjRef::Service(_) => &contact.service_notification_commands,
            };
            let mut lines = Vec::new();
            let mut jobs = Vec::new();
            // Nagios keeps a contact's commands by prepending as well.
            for call in commands.iter().rev() {
                let statuses = self.statuses();
                let mut ctx = self.context(&statuses, host, service, now);
                ctx.contact = Some(*c);
                ctx.notification = Some(&macros);
                let full = vigil_macros::expand_call_full(call, &ctx);
                let (cmdline, env) = self.finish_expansion(full, &ctx);
                let command = cmdline.to_display_string();
                lines.push(NotificationLine {
                    contact: contact.name.clone(),
                    obj: name.clone(),
                    kind: req.kind,
                    state,
                    command: vigil_macros::split_raw_call(&call.raw).0.to_string(),
                    output: output.clone(),
                    author: if with_text { req.author.clone() } else { None },
                    comment: if with_text { req.comment.clone() } else { None },
                });
                let run = NotificationRun {
                    id,
                    obj: name.clone(),
                    kind: req.kind,
                    type_name: record.type_name.clone(),
                    contact: contact.name.clone(),
                    directive: call.raw.clone(),
                    command: command.clone(),
                };
                jobs.push((run, cmdline, env));
                if let Some(d) = record.contacts.get_mut(*slot) {
                    d.commands.push(command);
                }
            }
            for (line, (run, cmdline, env)) in lines.into_iter().zip(jobs) {
                self.emit(Event::Notification(line));
                let plan = match vigil_cmdline::plan(&cmdline) {
                    Ok(p) => p,
                    Err(e) => {
                        self.emit(Event::NotPrepared {
                            what: "Notification".into(),
                            command: run.command.clone(),
                            error: e.to_string(),
                        });
                        continue;
                    }
                };
                let job = JobSpec {
                    purpose: Purpose::Notification,
                    plan,
                    env,
                    timeout,
                    max_output: MAX_NOTIFICATION_OUTPUT,
                };
                outcome_runs.push((run.clone(), job.clone()));
                let jid = self.jobs.start(InFlight::Notification(run));
                self.push_action(Action::Run { id: jid, job });
            }
            if let Some(cs) = self.contacts.get_mut(c.idx()) {
                match obj {
                    ObjRef::Host(_) => cs.last_host_notification = now,
                    ObjRef::Service(_) => cs.last_service_notification = now,
                }
                self.contacts_dirty = true;
            }
        }
        if req.kind == NotificationType::Normal {
            let interval = self.renotification_interval(obj, now);
            let volatile = match obj {
                ObjRef::Service(s) => self.model.service(s).is_volatile,
                ObjRef::Host(_) => false,
            };
            let next = now + interval * self.interval_length();
            with_status!(self, obj, |mut st| {
                st.notify.no_more_notifications = interval == 0.0 && !volatile;
                st.notify.next_notification = next;
                st.notify.last_notification = now;
                let s = st.current_state;
                st.notify.mark_notified(s);
            });
        }
        self.emit(Event::NotificationDecided(Box::new(record.clone())));
        Outcome {
            record,
            runs: outcome_runs,
        }
    }

    /// A notification command ended.
    pub(crate) fn notification_done(&mut self, run: NotificationRun, res: JobResult) {
        let mut output = String::from_utf8_lossy(&res.stdout).into_owned();
        if !res.stderr.is_empty() {
            output.push_str(&String::from_utf8_lossy(&res.stderr));
        }
        if output.len() > MAX_NOTIFICATION_OUTPUT {
            let mut cut = MAX_NOTIFICATION_OUTPUT;
            while !output.is_char_boundary(cut) {
                cut -= 1;
            }
            output.truncate(cut);
        }
        self.emit(Event::NotificationFinished {
            run,
            end: res.end,
            start: res.start,
            duration: res.duration,
            output,
        });
    }

    /// For tools that look at a restored core (`vigil notify`): registers the
    /// retained downtimes and starts those due, so downtime depths are as the
    /// running core has them; whatever that would log or run is dropped.
    pub fn start_books(&mut self, now: Time) {
        self.register_downtimes(now);
        self.run_downtime_events(now);
        for a in self.take_actions() {
            if let Action::Run { id, .. } = a {
                self.jobs.finish(id);
            }
        }
        self.take_events();
    }

    /// For tools (`vigil notify --state`): the object is put in HARD state `state_id`
    /// (checked), as a result would leave it.
    pub fn set_state_for_tools(&mut self, obj: ObjRef, state_id: u8) {
        if !self.exists(obj) {
            return;
        }
        with_status!(self, obj, |mut st| {
            st.last_state = st.current_state;
            st.current_state = ObjectState::from_id(state_id);
            st.state_type = StateType::Hard;
            st.has_been_checked = true;
        });
    }

    /// Sends a notification of `obj` as the scheduler would right now (`vigil
    /// notify`): the decision and the commands it would run. The commands are not
    /// queued: the caller runs them (or, for a dry run, only shows them). The
    /// `... NOTIFICATION` events stay queued.
    pub fn notify_now(&mut self, obj: ObjRef, req: Request, now: Time) -> Outcome {
        if !self.exists(obj) {
            return Outcome {
                record: NotificationRecord {
                    time: now,
                    obj: vigil_events::Obj::Host {
                        host: String::new(),
                    },
                    kind: req.kind,
                    type_name: String::new(),
                    state: AnyState::Host(vigil_events::HostState::Up),
                    number: 0,
                    id: None,
                    escalated: false,
                    options: req.options,
                    author: req.author,
                    comment: req.comment,
                    stopped_by: Some(Suppression::NoRecipients),
                    contacts: Vec::new(),
                },
                runs: Vec::new(),
            };
        }
        let outcome = self.notify(obj, req, now);
        // The jobs are the caller's: take them back off the queue.
        let mut keep = Vec::new();
        for a in self.take_actions() {
            match a {
                Action::Run { id, .. }
                    if matches!(self.jobs.peek(id), Some(InFlight::Notification(_))) =>
                {
                    self.jobs.finish(id);
                }
                other => keep.push(other),
            }
        }
        for a in keep {
            self.push_action(a);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_letters_map_to_state_bits() {
        let s = Opts::parse(ObjKind::Service, "w,u,c,r,f,s");
        assert!(s.state(0) && s.state(1) && s.state(2) && s.state(3));
        assert!(s.flapping() && s.downtime());
        let w = Opts::parse(ObjKind::Service, "w,r");
        assert!(w.state(1) && w.state(0) && !w.state(2) && !w.state(3));
        assert_eq!(w.problem_states(), 0b10);
        let h = Opts::parse(ObjKind::Host, "d,r");
        assert!(h.state(1) && h.state(0) && !h.state(2));
        let n = Opts::parse(ObjKind::Host, "n");
        assert!(!n.state(0) && !n.flapping() && !n.downtime());
        assert_eq!(letter(ObjKind::Service, 3), 'u');
        assert_eq!(letter(ObjKind::Host, 2), 'u');
        assert_eq!(letter(ObjKind::Host, 1), 'd');
    }
}
