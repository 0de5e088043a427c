//! External commands from the command file (or Livestatus `COMMAND`), applied to
//! the core: passive results, scheduling, switches on objects, groups and the
//! program, run-time changes. Reported as Nagios logs them ([`CommandEvent`]); a
//! malformed or unknown line is reported with the reason and skipped, never fatal.
//! `vigil_commands` parses every command Nagios 4.4.6 accepts; what a command does
//! with the objects it names is decided here, one code path for hosts, services
//! and groups (the [`Target`] is resolved to objects first).

use vigil_commands::{
    Command, Contacts, DowntimeFilter, HandlerSlot, IntervalKind, ModAttrOwner, Object, ObjectKind,
    ObjectSwitch, PeriodSlot, ProgramSwitch, Target,
};
use vigil_config::ContactId;
use vigil_config::{HostId, ServiceId};
use vigil_events::NotificationType;
use vigil_events::{CommandEvent, Event, Obj, ObjectState};
use vigil_state::{Attributes, ModAttr, PeriodChange, ProgramState};
use vigil_state::{CommentKind, CommentSource};

use crate::core::{with_status, Core};
use crate::{Action, ObjRef};

pub(crate) fn handle(core: &mut Core, text: &str, now: f64) {
    let line = match vigil_commands::parse_line(text) {
        Ok(l) => l,
        Err(_) => {
            core.emit(Event::Command(CommandEvent::Malformed {
                raw: text.to_string(),
            }));
            return;
        }
    };
    let upper = line.name.to_ascii_uppercase();
    let passive = upper == "PROCESS_SERVICE_CHECK_RESULT" || upper == "PROCESS_HOST_CHECK_RESULT";
    let accepted = Event::Command(CommandEvent::Accepted {
        name: line.name.clone(),
        args: line.args.clone(),
        passive,
    });
    let cmd = match vigil_commands::parse_command(&line) {
        Ok(c) => c,
        Err(e) => {
            // Nagios logs the accepted line of a known command before it finds its
            // arguments bad; never for an unknown name.
            let failure = match e {
                vigil_commands::CommandError::Unknown => CommandEvent::Unknown {
                    entry_time: line.entry_time,
                    name: line.name,
                    args: line.args,
                },
                vigil_commands::CommandError::Malformed(reason) => {
                    core.emit(accepted);
                    CommandEvent::Failed {
                        entry_time: line.entry_time,
                        name: line.name,
                        args: line.args,
                        reason,
                    }
                }
            };
            core.emit(Event::Command(failure));
            return;
        }
    };
    core.emit(accepted);
    let note = note_targets(core, &cmd).map(|objs| (objs, cmd.note().cloned()));
    let result = apply(core, cmd, line.entry_time as f64, now);
    // The optional trailing `;author;comment` of many commands adds a user comment
    // once the command was carried out (Nagios 4.4.6).
    if let (Ok(()), Some((objs, Some(note)))) = (&result, note) {
        for obj in objs {
            core.add_note(obj, &note, now);
        }
    }
    if let Err(reason) = result {
        core.emit(Event::Command(CommandEvent::Failed {
            entry_time: line.entry_time,
            name: line.name,
            args: line.args,
            reason,
        }));
    }
}

/// Why a command could not be carried out (logged as vigil's third error line).
type Failure = String;

fn find_host(core: &Core, host: &str) -> Result<HostId, Failure> {
    core.model
        .find_host(host)
        .ok_or_else(|| format!("unknown host '{host}'"))
}

fn find_object(core: &Core, o: &Object) -> Result<ObjRef, Failure> {
    match o {
        Object::Host(h) => Ok(ObjRef::Host(find_host(core, h)?)),
        Object::Service { host, service } => core
            .model
            .find_service(host, service)
            .map(ObjRef::Service)
            .ok_or_else(|| format!("unknown service '{service}' on host '{host}'")),
    }
}

/// Every object a target names, hosts before services where both are named.
fn resolve(core: &Core, target: &Target) -> Result<Vec<ObjRef>, Failure> {
    let model = &core.model;
    let host_services = |h: HostId| model.host(h).services.iter().map(|s| ObjRef::Service(*s));
    let hostgroup = |name: &str| {
        model
            .hostgroups
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| format!("unknown hostgroup '{name}'"))
    };
    let servicegroup = |name: &str| {
        model
            .servicegroups
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| format!("unknown servicegroup '{name}'"))
    };
    Ok(match target {
        Target::Object(o) => vec![find_object(core, o)?],
        Target::HostServices(h) => host_services(find_host(core, h)?).collect(),
        Target::HostAndChildHosts(h) => {
            let h = find_host(core, h)?;
            let mut v = vec![ObjRef::Host(h)];
            v.extend(descendants(core, h).into_iter().map(ObjRef::Host));
            v
        }
        Target::HostsAndServicesBeyond(h) => {
            let below = descendants(core, find_host(core, h)?);
            let mut v: Vec<ObjRef> = below.iter().map(|c| ObjRef::Host(*c)).collect();
            for c in below {
                v.extend(host_services(c));
            }
            v
        }
        Target::HostgroupHosts(g) => hostgroup(g)?
            .members
            .iter()
            .map(|h| ObjRef::Host(*h))
            .collect(),
        Target::HostgroupServices(g) => hostgroup(g)?
            .members
            .iter()
            .flat_map(|h| host_services(*h))
            .collect(),
        Target::ServicegroupHosts(g) => {
            let mut hosts: Vec<HostId> = servicegroup(g)?
                .members
                .iter()
                .map(|s| model.service(*s).host)
                .collect();
            hosts.sort_unstable();
            hosts.dedup();
            hosts.into_iter().map(ObjRef::Host).collect()
        }
        Target::ServicegroupServices(g) => servicegroup(g)?
            .members
            .iter()
            .map(|s| ObjRef::Service(*s))
            .collect(),
    })
}

/// Every host below `h` in the parent/child tree (each once).
fn descendants(core: &Core, h: HostId) -> Vec<HostId> {
    let mut seen = vec![false; core.model.hosts.len()];
    let mut out = Vec::new();
    let mut stack = vec![h];
    while let Some(x) = stack.pop() {
        for c in &core.model.host(x).children {
            if !std::mem::replace(&mut seen[c.idx()], true) && *c != h {
                out.push(*c);
                stack.push(*c);
            }
        }
    }
    out
}

/// Sets an object switch; like Nagios, the modified-attribute bit is set only when
/// the value changes. Returns whether it changed.
fn switch(core: &mut Core, obj: ObjRef, which: ObjectSwitch, on: bool) -> bool {
    let attrs = core.attrs_mut(obj);
    let slot: &mut bool = match which {
        ObjectSwitch::Notifications => &mut attrs.notifications_enabled,
        ObjectSwitch::ActiveChecks => &mut attrs.active_checks_enabled,
        ObjectSwitch::PassiveChecks => &mut attrs.passive_checks_enabled,
        ObjectSwitch::EventHandler => &mut attrs.event_handler_enabled,
        ObjectSwitch::FlapDetection => &mut attrs.flap_detection_enabled,
        ObjectSwitch::Obsess => &mut attrs.obsess,
    };
    if *slot == on {
        return false;
    }
    *slot = on;
    attrs.modified |= which.modattr();
    core.dirty.mark(obj);
    true
}

/// A run-time change of an object's settings, with its modified-attribute bit.
fn change(core: &mut Core, obj: ObjRef, bit: ModAttr, f: impl FnOnce(&mut Attributes)) {
    let attrs = core.attrs_mut(obj);
    f(attrs);
    attrs.modified |= bit;
    core.dirty.mark(obj);
}

/// What a switch does besides flipping the value.
fn after_switch(core: &mut Core, obj: ObjRef, which: ObjectSwitch, on: bool, now: f64) {
    match (which, on) {
        (ObjectSwitch::ActiveChecks, true) => core.ensure_scheduled(obj, now),
        (ObjectSwitch::FlapDetection, false) => flap_disabled(core, obj, now),
        (ObjectSwitch::FlapDetection, true) => core.recheck_flapping(obj, now),
        _ => {}
    }
}

/// Flap detection went off for an object: if it was flapping, it stops with
/// `FLAPPING ALERT: ...;DISABLED` (and FLAPPINGDISABLED).
fn flap_disabled(core: &mut Core, obj: ObjRef, now: f64) {
    let change = with_status!(core, obj, |mut st| {
        vigil_state::flap::flap_detection_disabled(st)
    });
    if let Some(change) = change {
        core.flap_changed(obj, change, now);
    }
}

/// The program switch's value slot.
fn program_slot(p: &mut ProgramState, which: ProgramSwitch) -> &mut bool {
    match which {
        ProgramSwitch::Notifications => &mut p.enable_notifications,
        ProgramSwitch::ServiceChecks => &mut p.execute_service_checks,
        ProgramSwitch::HostChecks => &mut p.execute_host_checks,
        ProgramSwitch::PassiveServiceChecks => &mut p.accept_passive_service_checks,
        ProgramSwitch::PassiveHostChecks => &mut p.accept_passive_host_checks,
        ProgramSwitch::EventHandlers => &mut p.enable_event_handlers,
        ProgramSwitch::FlapDetection => &mut p.enable_flap_detection,
        ProgramSwitch::PerformanceData => &mut p.process_performance_data,
        ProgramSwitch::ObsessOverServices => &mut p.obsess_over_services,
        ProgramSwitch::ObsessOverHosts => &mut p.obsess_over_hosts,
        ProgramSwitch::ServiceFreshnessChecks => &mut p.check_service_freshness,
        ProgramSwitch::HostFreshnessChecks => &mut p.check_host_freshness,
    }
}

fn every_object(core: &Core) -> Vec<ObjRef> {
    (0..core.hosts.len() as u32)
        .map(|i| ObjRef::Host(HostId(i)))
        .chain((0..core.services.len() as u32).map(|i| ObjRef::Service(ServiceId(i))))
        .collect()
}

fn check_command_exists(core: &Core, raw: &str) -> Result<(), Failure> {
    if raw.is_empty() {
        return Ok(());
    }
    let name = raw.split('!').next().unwrap_or("");
    if core.model.find_command(name).is_some() {
        Ok(())
    } else {
        Err(format!("command '{name}' is not defined"))
    }
}

/// The objects the optional note of a command goes on: the named object, the host
/// of a `*_HOST_SVC_*` or `*_BEYOND_HOST` command, every member of a group.
fn note_targets(core: &Core, cmd: &Command) -> Option<Vec<ObjRef>> {
    cmd.note()?;
    let target = match cmd {
        Command::ScheduleCheck { target, .. } | Command::Switch { target, .. } => target.clone(),
        Command::SendCustomNotification { object, .. }
        | Command::DelayNotification { object, .. }
        | Command::SetNotificationNumber { object, .. }
        | Command::ClearFlappingState { object, .. } => Target::Object(object.clone()),
        _ => return None,
    };
    match &target {
        Target::HostServices(h)
        | Target::HostsAndServicesBeyond(h)
        | Target::HostAndChildHosts(h) => find_host(core, h).ok().map(|h| vec![ObjRef::Host(h)]),
        t => resolve(core, t).ok(),
    }
}

/// The contacts a contact command names.
fn find_contacts(core: &Core, c: &Contacts) -> Result<Vec<ContactId>, Failure> {
    let m = &core.model;
    match c {
        Contacts::Contact(n) => m
            .index
            .contacts
            .get(n.as_str())
            .map(|c| vec![*c])
            .ok_or_else(|| format!("unknown contact '{n}'")),
        Contacts::Contactgroup(n) => m
            .index
            .contactgroups
            .get(n.as_str())
            .and_then(|g| m.contactgroups.get(g.idx()))
            .map(|g| g.members.clone())
            .ok_or_else(|| format!("unknown contactgroup '{n}'")),
    }
}

fn find_contact(core: &Core, n: &str) -> Result<ContactId, Failure> {
    core.model
        .index
        .contacts
        .get(n)
        .copied()
        .ok_or_else(|| format!("unknown contact '{n}'"))
}

/// `SCHEDULE_AND_PROPAGATE_*HOST_DOWNTIME`: a downtime for every host below `h`,
/// depth first, triggered by `trigger`.
#[allow(clippy::too_many_arguments)]
fn propagate_downtime(
    core: &mut Core,
    h: HostId,
    entry: f64,
    start: i64,
    end: i64,
    fixed: bool,
    trigger: u64,
    duration: u64,
    author: &str,
    comment: &str,
    now: f64,
    seen: &mut Vec<bool>,
) -> Result<(), Failure> {
    let children = core.model.host(h).children.clone();
    for c in children {
        if std::mem::replace(&mut seen[c.idx()], true) {
            continue;
        }
        core.schedule_downtime(
            ObjRef::Host(c),
            entry as i64,
            start,
            end,
            fixed,
            trigger,
            duration,
            author,
            comment,
            now,
        )?;
        propagate_downtime(
            core, c, entry, start, end, fixed, trigger, duration, author, comment, now, seen,
        )?;
    }
    Ok(())
}

/// The downtimes a `DEL_DOWNTIME_BY_*` filter names.
fn downtimes_by_filter(core: &Core, f: &DowntimeFilter) -> Result<Vec<u64>, Failure> {
    let mut hosts: Option<Vec<HostId>> = None;
    if let Some(g) = &f.hostgroup {
        let group = core
            .model
            .hostgroups
            .iter()
            .find(|x| &x.name == g)
            .ok_or_else(|| format!("unknown hostgroup '{g}'"))?;
        hosts = Some(group.members.clone());
    }
    if let Some(h) = &f.host {
        let id = find_host(core, h)?;
        hosts = Some(match hosts {
            Some(v) => v.into_iter().filter(|x| *x == id).collect(),
            None => vec![id],
        });
    }
    Ok(core.downtimes_matching(
        hosts.as_deref(),
        f.service.as_deref(),
        f.start,
        f.comment.as_deref(),
    ))
}

/// Not carried out by this version of vigil (the command parses; Nagios logs it as
/// accepted too, then vigil says why nothing happened).
fn not_yet(what: &str) -> Result<(), Failure> {
    Err(format!("{what} are not supported by vigil yet"))
}

fn apply(core: &mut Core, cmd: Command, entry: f64, now: f64) -> Result<(), Failure> {
    match cmd {
        Command::ProcessCheckResult {
            object,
            return_code,
            output,
        } => passive_result(core, object, return_code, &output, entry, now),
        Command::ScheduleCheck {
            target,
            time,
            forced,
            note: _,
        } => {
            for obj in resolve(core, &target)? {
                core.schedule_check(obj, time as f64, forced, now);
            }
            Ok(())
        }
        Command::Switch {
            switch: which,
            target,
            enable,
            note: _,
        } => {
            for obj in resolve(core, &target)? {
                if switch(core, obj, which, enable) {
                    after_switch(core, obj, which, enable, now);
                }
            }
            Ok(())
        }
        Command::ProgramSwitch {
            switch: which,
            enable,
        } => {
            let slot = program_slot(&mut core.program, which);
            if *slot != enable {
                *slot = enable;
                let (bits, on) = which.modattr();
                use vigil_commands::AttrSet;
                if matches!(on, AttrSet::ProgramHost | AttrSet::ProgramBoth) {
                    core.program.modified_host_attributes |= bits;
                }
                if matches!(on, AttrSet::ProgramService | AttrSet::ProgramBoth) {
                    core.program.modified_service_attributes |= bits;
                }
                core.dirty.mark_program();
                if which == ProgramSwitch::FlapDetection {
                    for obj in every_object(core) {
                        if enable {
                            core.recheck_flapping(obj, now);
                        } else {
                            flap_disabled(core, obj, now);
                        }
                    }
                }
            }
            Ok(())
        }
        Command::ChangeCheckInterval {
            object,
            kind,
            interval,
        } => {
            let obj = find_object(core, &object)?;
            let v = Some(f64::from(interval));
            match kind {
                IntervalKind::Normal => {
                    // Like Nagios, the check already scheduled keeps its time; the new
                    // interval applies from the next reschedule on.
                    change(core, obj, ModAttr::NORMAL_CHECK_INTERVAL, |a| {
                        a.check_interval = v
                    })
                }
                IntervalKind::Retry => change(core, obj, ModAttr::RETRY_CHECK_INTERVAL, |a| {
                    a.retry_interval = v
                }),
            }
            Ok(())
        }
        Command::ChangeMaxCheckAttempts { object, attempts } => {
            let obj = find_object(core, &object)?;
            change(core, obj, ModAttr::MAX_CHECK_ATTEMPTS, |a| {
                a.max_attempts = Some(attempts)
            });
            with_status!(core, obj, |mut st| st.current_attempt =
                st.current_attempt.min(attempts));
            Ok(())
        }
        Command::ChangeEventHandler { slot, command } => {
            check_command_exists(core, &command)?;
            match slot {
                HandlerSlot::Object(o) => {
                    let obj = find_object(core, &o)?;
                    change(core, obj, ModAttr::EVENT_HANDLER_COMMAND, |a| {
                        a.event_handler = Some(command)
                    });
                }
                HandlerSlot::GlobalHost => {
                    core.program.global_host_event_handler =
                        (!command.is_empty()).then_some(command);
                    core.program.modified_host_attributes |= ModAttr::EVENT_HANDLER_COMMAND;
                    core.dirty.mark_program();
                }
                HandlerSlot::GlobalService => {
                    core.program.global_service_event_handler =
                        (!command.is_empty()).then_some(command);
                    core.program.modified_service_attributes |= ModAttr::EVENT_HANDLER_COMMAND;
                    core.dirty.mark_program();
                }
            }
            Ok(())
        }
        Command::ChangeModAttr { owner, value } => match owner {
            ModAttrOwner::Object(o) => {
                let obj = find_object(core, &o)?;
                core.attrs_mut(obj).modified = value;
                core.dirty.mark(obj);
                Ok(())
            }
            ModAttrOwner::Contact(ref c)
            | ModAttrOwner::ContactHost(ref c)
            | ModAttrOwner::ContactService(ref c) => {
                let id = find_contact(core, c)?;
                if let Some(cs) = core.contacts.get_mut(id.idx()) {
                    match owner {
                        ModAttrOwner::Contact(_) => cs.modified_attributes = value,
                        ModAttrOwner::ContactHost(_) => cs.modified_host_attributes = value,
                        _ => cs.modified_service_attributes = value,
                    }
                    core.contacts_dirty = true;
                }
                Ok(())
            }
        },
        Command::SaveStateInformation => {
            core.push_action(Action::SaveState);
            Ok(())
        }
        Command::Shutdown { .. } => {
            core.push_action(Action::Shutdown);
            Ok(())
        }
        Command::Restart { .. } => {
            core.push_action(Action::Restart);
            Ok(())
        }
        // Commands starting with `_` are for other programs (Nagios ignores them too).
        Command::Custom(_) => Ok(()),
        Command::ContactNotifications {
            contacts,
            kind,
            enable,
        } => {
            for c in find_contacts(core, &contacts)? {
                let Some(cs) = core.contacts.get_mut(c.idx()) else {
                    continue;
                };
                let (slot, modified) = match kind {
                    ObjectKind::Host => (
                        &mut cs.host_notifications_enabled,
                        &mut cs.modified_host_attributes,
                    ),
                    ObjectKind::Service => (
                        &mut cs.service_notifications_enabled,
                        &mut cs.modified_service_attributes,
                    ),
                };
                if *slot != enable {
                    *slot = enable;
                    *modified |= ModAttr::NOTIFICATIONS_ENABLED;
                    core.contacts_dirty = true;
                }
            }
            Ok(())
        }
        Command::SendCustomNotification {
            object,
            options,
            author,
            comment,
            note: _,
        } => {
            let obj = find_object(core, &object)?;
            let req = crate::notify::Request {
                kind: NotificationType::Custom,
                author: Some(author),
                comment: Some(comment),
                options: options.bits(),
            };
            core.notify(obj, req, now);
            Ok(())
        }
        Command::DelayNotification {
            object,
            until,
            note: _,
        } => {
            let obj = find_object(core, &object)?;
            with_status!(core, obj, |mut st| st.notify.next_notification =
                until as f64);
            core.dirty.mark(obj);
            Ok(())
        }
        Command::SetNotificationNumber {
            object,
            number,
            note: _,
        } => {
            let obj = find_object(core, &object)?;
            with_status!(core, obj, |mut st| st.notify.current_notification_number =
                number);
            core.dirty.mark(obj);
            Ok(())
        }
        Command::Acknowledge {
            object,
            sticky,
            notify,
            persistent,
            author,
            comment,
        } => {
            let obj = find_object(core, &object)?;
            core.acknowledge(obj, sticky, notify, persistent, &author, &comment, now);
            Ok(())
        }
        Command::RemoveAcknowledgement { object } => {
            let obj = find_object(core, &object)?;
            core.remove_acknowledgement(obj);
            Ok(())
        }
        Command::AddComment {
            object,
            persistent,
            author,
            comment,
        } => {
            let obj = find_object(core, &object)?;
            let t = if entry > 0.0 { entry } else { now };
            core.add_comment(
                obj,
                CommentKind::User,
                CommentSource::External,
                persistent,
                t as i64,
                &author,
                &comment,
            );
            Ok(())
        }
        Command::DeleteComment { kind, id } => {
            // Nagios ignores an unknown id.
            core.delete_comment(id, Some(kind == ObjectKind::Host));
            Ok(())
        }
        Command::DeleteAllComments { object } => {
            let obj = find_object(core, &object)?;
            core.delete_comments_of(obj, |_| true);
            Ok(())
        }
        Command::ScheduleDowntime {
            target,
            start,
            end,
            fixed,
            trigger_id,
            duration,
            author,
            comment,
            trigger_children,
        } => {
            let t = if entry > 0.0 { entry } else { now };
            if let Target::HostAndChildHosts(h) = &target {
                let h = find_host(core, h)?;
                let id = core.schedule_downtime(
                    ObjRef::Host(h),
                    t as i64,
                    start,
                    end,
                    fixed,
                    trigger_id,
                    duration,
                    &author,
                    &comment,
                    now,
                )?;
                let trigger = if trigger_children { id.unwrap_or(0) } else { 0 };
                let mut seen = vec![false; core.model.hosts.len()];
                if let Some(s) = seen.get_mut(h.idx()) {
                    *s = true;
                }
                let res = propagate_downtime(
                    core, h, t, start, end, fixed, trigger, duration, &author, &comment, now,
                    &mut seen,
                );
                // Those due start now, once all of them are in.
                core.run_downtime_events(now);
                return res;
            }
            let mut res = Ok(());
            for obj in resolve(core, &target)? {
                res = core
                    .schedule_downtime(
                        obj, t as i64, start, end, fixed, trigger_id, duration, &author, &comment,
                        now,
                    )
                    .map(|_| ());
                if res.is_err() {
                    break;
                }
            }
            core.run_downtime_events(now);
            res
        }
        Command::DeleteDowntime { kind, id } => {
            // Nagios ignores an unknown id.
            core.unschedule_downtime(id, Some(kind == ObjectKind::Host), now);
            Ok(())
        }
        Command::DeleteDowntimes { filter } => {
            let ids = downtimes_by_filter(core, &filter)?;
            if ids.is_empty() {
                return Err("no downtime matches".into());
            }
            for id in ids {
                core.unschedule_downtime(id, None, now);
            }
            Ok(())
        }
        Command::ClearFlappingState { object, note: _ } => {
            // Nagios 4.4.6: history and percent reset, flapping or not; a flapping
            // object stops (STOPPED line, comment removed, FLAPPINGSTOP).
            let obj = find_object(core, &object)?;
            let low = core.flap_params(obj).low;
            let change = with_status!(core, obj, |mut st| {
                vigil_state::flap::clear_flapping_state(st, low)
            });
            core.dirty.mark(obj);
            if let Some(change) = change {
                core.flap_changed(obj, change, now);
            }
            Ok(())
        }
        Command::ChangeTimeperiod { slot, timeperiod } => {
            // Nagios 4.4.6 (recorded with nagios4): an unknown object, contact or
            // timeperiod fails the command. The new period is in effect at once;
            // nothing is rescheduled (a check period applies when the queued check
            // next comes due).
            let unknown_period = || format!("unknown timeperiod '{timeperiod}'");
            let known = core
                .model
                .index
                .timeperiods
                .contains_key(timeperiod.as_str());
            let period = PeriodChange {
                name: timeperiod.clone(),
                in_effect: true,
            };
            match slot {
                PeriodSlot::Check(ref o) | PeriodSlot::Notification(ref o) => {
                    let check = matches!(slot, PeriodSlot::Check(_));
                    let obj = find_object(core, o)?;
                    if !known {
                        return Err(unknown_period());
                    }
                    if check {
                        change(core, obj, ModAttr::CHECK_TIMEPERIOD, |a| {
                            a.check_period = Some(period)
                        });
                    } else {
                        change(core, obj, ModAttr::NOTIFICATION_TIMEPERIOD, |a| {
                            a.notification_period = Some(period)
                        });
                    }
                    Ok(())
                }
                PeriodSlot::ContactHostNotification(ref c)
                | PeriodSlot::ContactServiceNotification(ref c) => {
                    let host = matches!(slot, PeriodSlot::ContactHostNotification(_));
                    let id = find_contact(core, c)?;
                    if !known {
                        return Err(unknown_period());
                    }
                    if let Some(cs) = core.contacts.get_mut(id.idx()) {
                        if host {
                            cs.host_notification_period = Some(period);
                            cs.modified_host_attributes |= ModAttr::NOTIFICATION_TIMEPERIOD;
                        } else {
                            cs.service_notification_period = Some(period);
                            cs.modified_service_attributes |= ModAttr::NOTIFICATION_TIMEPERIOD;
                        }
                        core.contacts_dirty = true;
                    }
                    Ok(())
                }
            }
        }
        Command::ChangeCheckCommand { .. } => not_yet("check command changes"),
        Command::ChangeCustomVar {
            owner: vigil_commands::VarOwner::Object(object),
            name,
            value,
        } => {
            // As Nagios: only a variable the object has is changed, and the
            // modified-attribute bit is set either way.
            let obj = find_object(core, &object)?;
            let has = core
                .settings(obj)
                .custom_vars
                .iter()
                .any(|(k, _)| k.as_str() == name);
            change(core, obj, ModAttr::CUSTOM_VARIABLE, |a| {
                if !has {
                    return;
                }
                match a.custom_vars.iter_mut().find(|(k, _)| *k == name) {
                    Some((_, v)) => *v = value,
                    None => a.custom_vars.push((name, value)),
                }
            });
            Ok(())
        }
        Command::ChangeCustomVar { .. } => not_yet("contact custom variable changes"),
        Command::ReadStateInformation => not_yet("reading state information at run time"),
        Command::ProcessFile { .. } => not_yet("command files"),
        Command::Log { .. } => not_yet("LOG commands"),
    }
}

/// `PROCESS_SERVICE_CHECK_RESULT` / `PROCESS_HOST_CHECK_RESULT`.
fn passive_result(
    core: &mut Core,
    object: Object,
    return_code: i32,
    output: &str,
    entry: f64,
    now: f64,
) -> Result<(), Failure> {
    let name = object.host().to_string();
    let Some(h) = core.model.find_host_by_name_or_address(&name) else {
        let obj = match object {
            Object::Host(host) => Obj::Host { host },
            Object::Service { host, service } => Obj::Service { host, service },
        };
        core.emit(Event::Command(CommandEvent::PassiveUnknown {
            obj,
            host_found: false,
        }));
        return Err("host not found".into());
    };
    let t = if entry > 0.0 { entry } else { now };
    match object {
        Object::Service { host, service } => {
            let Some(s) = core
                .model
                .index
                .services
                .get(&(h, service.as_str().into()))
                .copied()
            else {
                core.emit(Event::Command(CommandEvent::PassiveUnknown {
                    obj: Obj::Service { host, service },
                    host_found: true,
                }));
                return Err("service not found".into());
            };
            if !core.program.accept_passive_service_checks
                || !core.services[s.idx()].attrs.passive_checks_enabled
            {
                return Ok(());
            }
            passive_check(core, ObjRef::Service(s));
            let mut res = vigil_state::result::map_passive_service(return_code, output, t);
            res.latency = (now - t).max(0.0);
            core.process_service_result(s, res, now, false);
        }
        Object::Host(_) => {
            if !(0..=2).contains(&return_code) {
                return Err(format!("return code {return_code} out of range"));
            }
            if !core.program.accept_passive_host_checks
                || !core.hosts[h.idx()].attrs.passive_checks_enabled
            {
                return Ok(());
            }
            passive_check(core, ObjRef::Host(h));
            let mut res = vigil_state::result::map_passive_host(return_code, output, t);
            res.latency = (now - t).max(0.0);
            core.process_host_result(h, res, now, false);
        }
    }
    Ok(())
}

/// `PASSIVE ... CHECK:` for a passive result about to be applied: Nagios 4.4.6 writes
/// it with the state and output from *before* the result.
fn passive_check(core: &mut Core, obj: ObjRef) {
    let (prev_state, prev_output) = with_status!(core, obj, |st| (
        st.current_state.id(),
        st.output.short.clone()
    ));
    let name = core.obj_name(obj);
    core.emit(Event::PassiveCheck {
        obj: name,
        prev_state,
        prev_output,
    });
}
