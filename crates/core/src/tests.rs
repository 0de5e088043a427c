//! Core behaviour that the conformance scenarios do not pin down well: host flap
//! bookkeeping driven by service results, freshness, load-controlled starts.

use std::sync::Arc;

use vigil_config::{HostId, ServiceId};
use vigil_events::{Event, ProcessEnd};
use vigil_state::ServiceState;

use crate::jobs::JobResult;
use crate::{Action, Core, ObjRef};

/// The log lines of the pending events.
fn take_log(core: &mut Core) -> Vec<String> {
    core.take_events().iter().flat_map(Event::lines).collect()
}

/// Host `h` (flap thresholds 5 % / 20 %) with services of check_interval 2 and 3.
fn core(dir: &std::path::Path) -> Core {
    let d = dir.display();
    std::fs::write(
            dir.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define contact {\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
             define timeperiod {\n timeperiod_name none\n alias none\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n flap_detection_enabled 1\n low_flap_threshold 5\n high_flap_threshold 20\n}\n\
             define service {\n host_name h\n service_description s1\n check_command c\n max_check_attempts 1\n check_interval 2\n retry_interval 1\n contacts a\n flap_detection_enabled 0\n}\n\
             define service {\n host_name h\n service_description s2\n check_command c\n max_check_attempts 1\n check_interval 3\n retry_interval 1\n contacts a\n flap_detection_enabled 0\n}\n",
        )
        .unwrap();
    std::fs::write(
            dir.join("nagios.cfg"),
            format!(
                "log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\nenable_flap_detection=1\n"
            ),
        )
        .unwrap();
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
    Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.0, 1)
}

fn service_ok(core: &mut Core, now: f64) {
    let res = vigil_state::result::map_passive_service(0, "OK", now);
    core.process_service_result(ServiceId(0), res, now, false);
}

/// Nagios 4.4.6 records the host's state on every result of one of its services,
/// however recent the last entry (its average-check-interval wait is 0 in
/// practice). Seen in nagios4: the Livestatus harness's standard site, where db2
/// goes DOWN and two of its services report in the same second, shows db2's
/// percent_state_change as 5.99 in status.dat (5.98684 in the mk-livestatus
/// trace): the DOWN entry two records before the newest, not the newest (6.25).
#[test]
fn every_service_result_records_the_host_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    core.hosts[0].last_state_history_update = 1000.0;
    let len = |c: &Core| c.hosts[0].state_history.len();
    service_ok(&mut core, 1000.2); // the same second as the last entry
    assert_eq!(len(&core), 1);
    service_ok(&mut core, 1000.9);
    assert_eq!(len(&core), 2);
    service_ok(&mut core, 1003.9);
    assert_eq!(len(&core), 3);
}

#[test]
fn a_service_result_can_end_host_flapping_and_its_line_precedes_the_alert() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    {
        let h = &mut core.hosts[0];
        h.has_been_checked = true;
        h.is_flapping = true;
        // Two old changes, then UP: 4.8 % (below the 5 % low threshold) once one
        // more UP entry pushes the changes further into the past.
        h.state_history = vec![0, 1, 0];
        h.state_history.extend(std::iter::repeat_n(0, 18));
        h.last_state_history_update = 1000.0;
    }
    core.take_dirty();
    let mut stopped = None;
    for i in 0..30 {
        // A CRITICAL first: the SERVICE ALERT of the same result must follow.
        let rc = if i == 0 { 2 } else { 0 };
        let now = 1002.0 + 2.0 * i as f64;
        let res = vigil_state::result::map_passive_service(rc, "out", now);
        core.process_service_result(ServiceId(0), res, now, false);
        let log = take_log(&mut core);
        if let Some(at) = log
            .iter()
            .position(|l| l.starts_with("HOST FLAPPING ALERT: h;STOPPED;"))
        {
            stopped = Some((i, log, at));
            break;
        }
    }
    let (i, log, at) = stopped.expect("host flapping stopped through service results");
    // The first result is 2 s after the last entry: recorded, 7.6 % -> 3.8 %.
    assert_eq!(i, 0);
    assert_eq!(
            log[at],
            "HOST FLAPPING ALERT: h;STOPPED; Host appears to have stopped flapping (3.8% change < 5.0% threshold)"
        );
    let alert = log
        .iter()
        .position(|l| l.starts_with("SERVICE ALERT: h;s1;CRITICAL;HARD;1;"))
        .expect("the service's own alert");
    assert!(at < alert, "{log:?}");
    assert!(!core.hosts[0].is_flapping);
    assert!(core.take_dirty().0.contains(&ObjRef::Host(HostId(0))));
}

/// A passive-only service with check_freshness 1 and a 3 s threshold.
fn freshness_core(dir: &std::path::Path) -> Core {
    let d = dir.display();
    std::fs::write(
            dir.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define contact {\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}\n\
             define timeperiod {\n timeperiod_name none\n alias none\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n}\n\
             define service {\n host_name h\n service_description p\n check_command c\n max_check_attempts 1\n check_interval 5\n retry_interval 1\n contacts a\n active_checks_enabled 0\n check_freshness 1\n freshness_threshold 3\n}\n",
        )
        .unwrap();
    std::fs::write(
        dir.join("nagios.cfg"),
        format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n"),
    )
    .unwrap();
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap();
    Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.0, 1)
}

/// The checks started since the last call, with their job ids.
fn started_checks(core: &mut Core) -> Vec<(crate::JobId, ObjRef)> {
    let actions = core.take_actions();
    actions
        .into_iter()
        .filter_map(|a| match a {
            Action::Run { id, .. } => core.jobs.check_of(id).map(|obj| (id, obj)),
            _ => None,
        })
        .collect()
}

fn spawned_checks(core: &mut Core) -> Vec<ObjRef> {
    started_checks(core).into_iter().map(|(_, o)| o).collect()
}

#[test]
fn a_stale_passive_service_is_warned_about_and_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = freshness_core(dir.path());
    let svc = ObjRef::Service(ServiceId(0));
    core.check_freshness_of(vigil_events::ObjKind::Service, 1003.5); // start + 3 is not yet passed
    assert!(take_log(&mut core).is_empty());
    assert!(spawned_checks(&mut core).is_empty());
    core.check_freshness_of(vigil_events::ObjKind::Service, 1004.2);
    assert_eq!(
            take_log(&mut core),
            vec!["Warning: The results of service 'p' on host 'h' are stale by 0d 0h 0m 1s (threshold=0d 0h 0m 3s).  I'm forcing an immediate check of the service.".to_string()]
        );
    let started = started_checks(&mut core);
    assert_eq!(started.iter().map(|s| s.1).collect::<Vec<_>>(), vec![svc]);
    // While the forced check runs, nothing more.
    core.check_freshness_of(vigil_events::ObjKind::Service, 1009.0);
    assert!(take_log(&mut core).is_empty());
    assert!(spawned_checks(&mut core).is_empty());
    // Its result is processed as an active result; fresh again until last_check + 3.
    let result = JobResult {
        end: ProcessEnd::Exited(2),
        stdout: b"CRIT".to_vec(),
        stderr: Vec::new(),
        start: 1004.2,
        duration: 0.01,
    };
    core.handle_job_done(started[0].0, result, 1004.3);
    assert_eq!(core.services[0].current_state, ServiceState::Critical);
    take_log(&mut core);
    core.check_freshness_of(vigil_events::ObjKind::Service, 1007.0);
    assert!(take_log(&mut core).is_empty());
    core.check_freshness_of(vigil_events::ObjKind::Service, 1008.0);
    assert_eq!(take_log(&mut core).len(), 1);
    // (The CRITICAL also asked for an on-demand check of the host.)
    let services: Vec<ObjRef> = spawned_checks(&mut core)
        .into_iter()
        .filter(|o| matches!(o, ObjRef::Service(_)))
        .collect();
    assert_eq!(services, vec![svc]);
}

#[test]
fn freshness_checking_can_be_off() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = freshness_core(dir.path());
    // With it on, the stale service is found (the control for what follows).
    core.handle_timeout(2000.0, usize::MAX, 5.0);
    assert_eq!(take_log(&mut core).len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let mut core = freshness_core(dir.path());
    core.program.check_service_freshness = false;
    // Hosts: check_host_freshness is off by default.
    core.handle_timeout(2000.0, usize::MAX, 5.0);
    assert!(take_log(&mut core).is_empty());
    assert!(spawned_checks(&mut core).is_empty());
}

#[test]
fn held_checks_start_after_the_longest_hold_whatever_the_allowance() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    core.schedule.set(ObjRef::Service(ServiceId(0)), 1000.0);
    core.schedule.set(ObjRef::Service(ServiceId(1)), 1002.0);
    // No allowance: nothing starts while neither is 5 s overdue.
    assert_eq!(core.run_due(1004.0, 0, 5.0), 0);
    // s1 is 5 s overdue at 1005: it starts; s2 waits.
    assert_eq!(core.run_due(1005.0, 0, 5.0), 1);
    assert_eq!(
        spawned_checks(&mut core),
        vec![ObjRef::Service(ServiceId(0))]
    );
    // An allowance of one starts s2 at once.
    assert_eq!(core.run_due(1005.5, 1, 5.0), 1);
    assert_eq!(
        spawned_checks(&mut core),
        vec![ObjRef::Service(ServiceId(1))]
    );
}

#[test]
fn only_retained_changes_mark_objects_dirty_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    let result = |core: &mut Core, s: &str, rc: i32, now: f64| {
        core.handle_command(
            &format!("[{now}] PROCESS_SERVICE_CHECK_RESULT;h;{s};{rc};out"),
            now,
        )
    };
    let (s1, s2) = (ObjRef::Service(ServiceId(0)), ObjRef::Service(ServiceId(1)));
    result(&mut core, "s1", 0, 1000.0); // first result: has_been_checked changes
    assert_eq!(core.take_dirty(), (vec![s1], false));
    result(&mut core, "s1", 0, 1001.0); // OK again: nothing retained changed
    assert_eq!(core.take_dirty(), (vec![], false));
    result(&mut core, "s2", 2, 1002.0);
    result(&mut core, "s1", 2, 1002.0);
    result(&mut core, "s2", 2, 1003.0);
    // The HARD problems were notified (to a contact that takes nothing): the
    // notification ids, which retention keeps, moved on.
    assert_eq!(core.take_dirty(), (vec![s2, s1], true));
    core.handle_command("[1003] DISABLE_EVENT_HANDLERS", 1003.0);
    core.handle_command("[1003] DISABLE_SVC_EVENT_HANDLER;h;s2", 1003.0);
    assert_eq!(core.take_dirty(), (vec![s2], true));
}

/// Memory (ARCHITECTURE.md, "Memory"): statuses of objects with the same switches
/// share one `Attributes` and one `NotifyFacts` until one of them changes; the
/// change copies only that object's, and the others keep theirs.
#[test]
fn statuses_share_their_switches_and_facts_until_one_changes() {
    use vigil_state::Shared;
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    let (s1, s2) = (&core.services[0], &core.services[1]);
    assert!(Shared::ptr_eq(&s1.attrs, &s2.attrs));
    assert!(Shared::ptr_eq(&s1.notify, &s2.notify));
    // The host has flap detection on, its services off: not the same switches.
    assert!(!Shared::ptr_eq(&core.hosts[0].attrs, &s1.attrs));
    assert!(core.hosts[0].attrs.flap_detection_enabled);
    assert!(!s1.attrs.flap_detection_enabled);

    core.handle_command("[1000] DISABLE_SVC_CHECK;h;s1", 1000.0);
    assert!(!core.services[0].attrs.active_checks_enabled);
    assert!(core.services[1].attrs.active_checks_enabled);
    assert!(!Shared::ptr_eq(
        &core.services[0].attrs,
        &core.services[1].attrs
    ));
    // A result that changes no notification fact leaves them shared.
    service_ok(&mut core, 1001.0);
    assert!(Shared::ptr_eq(
        &core.services[0].notify,
        &core.services[1].notify
    ));
}

/// Memory: restoring retention writes every object's switches and facts; those that
/// came back equal are shared again, and the restored values are kept.
#[test]
fn restored_statuses_share_equal_switches_and_facts_again() {
    use vigil_state::Shared;
    let dir = tempfile::tempdir().unwrap();
    let mut core = core(dir.path());
    let block = |svc: &str, active: u8| {
        format!(
            "service {{\nhost_name=h\nservice_description={svc}\nmodified_attributes=2\n\
             active_checks_enabled={active}\ncurrent_notification_number=0\n}}\n"
        )
    };
    let text = format!("{}{}", block("s1", 0), block("s2", 0));
    core.restore(&vigil_retention::parse(&text), 1000.0);
    let (s1, s2) = (&core.services[0], &core.services[1]);
    assert!(!s1.attrs.active_checks_enabled);
    assert!(!s2.attrs.active_checks_enabled);
    assert!(Shared::ptr_eq(&s1.attrs, &s2.attrs));
    assert!(Shared::ptr_eq(&s1.notify, &s2.notify));
    assert!(!Shared::ptr_eq(&s1.attrs, &core.hosts[0].attrs));

    let mut core = self::core(dir.path());
    let text = format!("{}{}", block("s1", 0), block("s2", 1));
    core.restore(&vigil_retention::parse(&text), 1000.0);
    let (s1, s2) = (&core.services[0], &core.services[1]);
    assert!(!s1.attrs.active_checks_enabled);
    assert!(s2.attrs.active_checks_enabled);
    assert!(!Shared::ptr_eq(&s1.attrs, &s2.attrs));
}
