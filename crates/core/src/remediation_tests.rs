//! The rules of `remediation` (module docs) on a core driven by hand: outcomes,
//! verify rechecks, the run limit, overlap and skip conditions. Expected values
//! follow from the rules as documented in the README's policy table.

use std::sync::Arc;

use vigil_config::ServiceId;
use vigil_events::{Event, HandlerOutcome, HandlerSuppression, ProcessEnd};

use crate::jobs::JobResult;
use crate::{Action, Core, JobId, Purpose};

/// One service `h;s` (max_check_attempts `max`, retry 1 s, check 60 s) with the
/// handler `eh` and the custom variables `vars`.
fn core(vars: &str, max: u32) -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(
        dir.path().join("objects.cfg"),
        format!(
            "define command {{\n command_name c\n command_line /bin/true\n}}\n\
             define command {{\n command_name eh\n command_line /bin/eh $SERVICESTATE$\n}}\n\
             define timeperiod {{\n timeperiod_name none\n alias none\n}}\n\
             define contact {{\n contact_name a\n host_notification_period none\n service_notification_period none\n host_notification_options n\n service_notification_options n\n host_notification_commands c\n service_notification_commands c\n}}\n\
             define host {{\n host_name h\n check_command c\n max_check_attempts 1\n contacts a\n}}\n\
             define service {{\n host_name h\n service_description s\n check_command c\n max_check_attempts {max}\n check_interval 60\n retry_interval 1\n contacts a\n event_handler eh\n{vars}}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("nagios.cfg"),
        format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n"),
    )
    .unwrap();
    let (m, _) = vigil_config::load(&dir.path().join("nagios.cfg")).unwrap();
    let c = Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.0, 1);
    (dir, c)
}

fn result(core: &mut Core, rc: i32, now: f64) {
    let res = vigil_state::result::map_passive_service(rc, "out", now);
    core.process_service_result(ServiceId(0), res, now, false);
}

/// The handler jobs started since the last call.
fn handler_jobs(core: &mut Core) -> Vec<JobId> {
    core.take_actions()
        .into_iter()
        .filter_map(|a| match a {
            Action::Run { id, job } if job.purpose == Purpose::EventHandler => Some(id),
            _ => None,
        })
        .collect()
}

fn end(core: &mut Core, id: JobId, now: f64) {
    let r = JobResult {
        end: ProcessEnd::Exited(0),
        stdout: Vec::new(),
        stderr: Vec::new(),
        start: now - 0.1,
        duration: 0.1,
    };
    core.handle_job_done(id, r, now);
}

fn outcomes(core: &mut Core) -> Vec<HandlerOutcome> {
    core.take_events()
        .into_iter()
        .filter_map(|e| match e {
            Event::HandlerOutcome { outcome, .. } => Some(outcome),
            _ => None,
        })
        .collect()
}

fn suppressions(events: &[Event]) -> Vec<HandlerSuppression> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::HandlerSuppressed { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_ok_after_the_handler_is_recovered_with_its_time() {
    let (_d, mut c) = core("", 3);
    result(&mut c, 2, 1010.0);
    let jobs = handler_jobs(&mut c);
    assert_eq!(jobs.len(), 1);
    end(&mut c, jobs[0], 1011.0);
    assert!(outcomes(&mut c).is_empty(), "undecided until a result");
    result(&mut c, 0, 1013.5);
    assert_eq!(
        outcomes(&mut c),
        vec![HandlerOutcome::Recovered { after: 3.5 }]
    );
}

#[test]
fn the_same_problem_after_the_handler_ended_is_not_recovered() {
    let (_d, mut c) = core("", 3);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    // A result while the handler still runs decides nothing.
    result(&mut c, 2, 1010.5);
    let j2 = handler_jobs(&mut c);
    // ... but the SOFT 2 retry ran the handler again: the first is superseded.
    end(&mut c, j[0], 1011.0);
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::Superseded]);
    end(&mut c, j2[0], 1011.0);
    result(&mut c, 2, 1012.0);
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::NotRecovered]);
}

#[test]
fn another_problem_state_supersedes_and_stop_makes_unknown() {
    let (_d, mut c) = core("", 1);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    end(&mut c, j[0], 1011.0);
    result(&mut c, 1, 1012.0); // CRITICAL -> WARNING: a new transition
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::Superseded]);
    let j = handler_jobs(&mut c);
    assert_eq!(j.len(), 1);
    end(&mut c, j[0], 1013.0);
    c.stop(1014.0);
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::Unknown]);
}

#[test]
fn an_ok_while_the_handler_runs_is_reported_when_it_ends() {
    let (_d, mut c) = core("", 3);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    result(&mut c, 0, 1012.0);
    let recovery = handler_jobs(&mut c); // the recovery runs the handler too
    assert_eq!(recovery.len(), 1);
    assert!(outcomes(&mut c).is_empty());
    end(&mut c, j[0], 1020.0);
    assert_eq!(
        outcomes(&mut c),
        vec![HandlerOutcome::Recovered { after: 2.0 }]
    );
    end(&mut c, recovery[0], 1020.0);
    assert!(outcomes(&mut c).is_empty(), "a recovery run has no outcome");
}

#[test]
fn verify_forces_a_recheck_and_its_result_decides() {
    let (_d, mut c) = core(" _VIGIL_VERIFY 20s\n", 1);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    end(&mut c, j[0], 1011.0);
    assert!(c
        .take_events()
        .iter()
        .any(|e| matches!(e, Event::VerifyScheduled { at, .. } if *at == 1031.0)));
    assert_eq!(c.poll_timeout(), Some(1031.0));
    // A result before the recheck is due decides nothing (the fix may need time).
    result(&mut c, 2, 1012.0);
    handler_jobs(&mut c);
    assert!(outcomes(&mut c).is_empty());
    c.handle_timeout(1031.0, 10, 5.0);
    let checks: Vec<_> = c
        .take_actions()
        .into_iter()
        .filter_map(|a| match a {
            Action::Run { id, job } if job.purpose == Purpose::Check => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(checks.len(), 1, "the forced recheck");
    let r = JobResult {
        end: ProcessEnd::Exited(2),
        stdout: b"still down".to_vec(),
        stderr: Vec::new(),
        start: 1031.0,
        duration: 0.1,
    };
    c.handle_job_done(checks[0], r, 1031.1);
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::NotRecovered]);
}

#[test]
fn the_verify_window_closes_without_an_ok() {
    let (_d, mut c) = core(" _VIGIL_VERIFY_WINDOW 30\n", 1);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    end(&mut c, j[0], 1011.0);
    assert_eq!(c.poll_timeout().map(|t| t.min(1040.0)), Some(1040.0));
    c.handle_timeout(1040.0, 0, 5.0);
    assert_eq!(outcomes(&mut c), vec![HandlerOutcome::NotRecovered]);
}

#[test]
fn max_runs_suppresses_and_rearms_when_the_object_stays_recovered() {
    let (_d, mut c) = core(" _VIGIL_MAX_RUNS 3/10m\n", 1);
    let mut t = 1010.0;
    let mut ran = 0;
    let mut suppressed = Vec::new();
    // Flapping: CRITICAL, OK, CRITICAL, ... every change runs the handler.
    for i in 0..8 {
        result(&mut c, if i % 2 == 0 { 2 } else { 0 }, t);
        for j in handler_jobs(&mut c) {
            ran += 1;
            end(&mut c, j, t + 0.5);
        }
        suppressed.extend(suppressions(&c.take_events()));
        t += 10.0;
    }
    assert_eq!(ran, 3);
    assert_eq!(
        suppressed,
        vec![
            HandlerSuppression::RateLimit {
                runs: 3,
                window: 600.0
            };
            5
        ]
    );
    // OK twice in a row: re-armed.
    result(&mut c, 0, t);
    result(&mut c, 2, t + 10.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);
    // And 10 minutes after the runs the window is free again by itself.
    let (_d, mut c) = core(" _VIGIL_MAX_RUNS 1/10m\n", 1);
    result(&mut c, 2, 1000.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);
    result(&mut c, 1, 1100.0);
    assert_eq!(handler_jobs(&mut c).len(), 0);
    result(&mut c, 2, 1601.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);
}

#[test]
fn overlap_queue_runs_the_newest_waiting_transition_after_the_running_one() {
    let (_d, mut c) = core(" _VIGIL_OVERLAP queue\n", 4);
    result(&mut c, 2, 1010.0);
    let first = handler_jobs(&mut c);
    result(&mut c, 2, 1011.0); // SOFT 2: waits
    result(&mut c, 2, 1012.0); // SOFT 3: replaces SOFT 2
    assert!(handler_jobs(&mut c).is_empty());
    let ev = c.take_events();
    assert_eq!(suppressions(&ev), vec![HandlerSuppression::Replaced]);
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::HandlerQueued { .. }))
            .count(),
        2
    );
    end(&mut c, first[0], 1013.0);
    let next = handler_jobs(&mut c);
    assert_eq!(
        next.len(),
        1,
        "the queued transition runs when the first ends"
    );
    let started: Vec<u32> = c
        .take_events()
        .iter()
        .filter_map(|e| match e {
            Event::HandlerStarted { run, .. } => Some(run.attempt),
            _ => None,
        })
        .collect();
    assert_eq!(started, vec![3]);
}

#[test]
fn overlap_skip_and_flapping_suppress() {
    let (_d, mut c) = core(" _VIGIL_OVERLAP skip\n", 4);
    result(&mut c, 2, 1010.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);
    result(&mut c, 2, 1011.0);
    assert!(handler_jobs(&mut c).is_empty());
    assert_eq!(
        suppressions(&c.take_events()),
        vec![HandlerSuppression::Overlap]
    );

    let (_d, mut c) = core(" _VIGIL_SKIP_WHEN flapping\n", 1);
    c.services[0].is_flapping = true;
    result(&mut c, 2, 1010.0);
    assert!(handler_jobs(&mut c).is_empty());
    let ev = c.take_events();
    assert_eq!(suppressions(&ev), vec![HandlerSuppression::Flapping]);
    let lines: Vec<String> = ev.iter().flat_map(Event::lines).collect();
    assert!(lines.contains(
        &"SERVICE EVENT HANDLER SUPPRESSED: h;s;CRITICAL;HARD;1;eh;flapping (_VIGIL_SKIP_WHEN)"
            .to_string()
    ));
}

#[test]
fn outside_the_handler_period_nothing_runs_and_the_timeout_is_the_policys() {
    let (_d, mut c) = core(" _VIGIL_HANDLER_PERIOD none\n", 1);
    result(&mut c, 2, 1010.0);
    assert!(handler_jobs(&mut c).is_empty());
    assert_eq!(
        suppressions(&c.take_events()),
        vec![HandlerSuppression::OutsidePeriod {
            period: "none".into()
        }]
    );
    let (_d, mut c) = core(" _VIGIL_HANDLER_TIMEOUT 7\n", 1);
    result(&mut c, 2, 1010.0);
    let timeouts: Vec<f64> = c
        .take_actions()
        .into_iter()
        .filter_map(|a| match a {
            Action::Run { job, .. } if job.purpose == Purpose::EventHandler => Some(job.timeout),
            _ => None,
        })
        .collect();
    assert_eq!(timeouts, vec![7.0]);
}

#[test]
fn without_policies_every_transition_runs_as_in_nagios() {
    let (_d, mut c) = core("", 4);
    for (i, t) in [1010.0, 1011.0, 1012.0].into_iter().enumerate() {
        result(&mut c, 2, t);
        assert_eq!(handler_jobs(&mut c).len(), 1, "transition {i}");
    }
    assert!(suppressions(&c.take_events()).is_empty());
}

#[test]
fn the_next_handler_learns_the_previous_outcome_only_with_a_policy() {
    let env_of = |c: &mut Core| -> Vec<Vec<(String, String)>> {
        c.take_actions()
            .into_iter()
            .filter_map(|a| match a {
                Action::Run { job, .. } if job.purpose == Purpose::EventHandler => Some(job.env),
                _ => None,
            })
            .collect()
    };
    // _VIGIL_VERIFY 5: the recheck (here a passive result after it was due) says the
    // restart did not help; the SOFT 2 handler is told so.
    let (_d, mut c) = core(" _VIGIL_VERIFY 5\n", 3);
    result(&mut c, 2, 1010.0);
    let first = handler_jobs(&mut c);
    assert_eq!(first.len(), 1);
    end(&mut c, first[0], 1011.0);
    result(&mut c, 2, 1016.0);
    let envs = env_of(&mut c);
    assert_eq!(
        envs,
        vec![vec![(
            "VIGIL_LAST_OUTCOME".to_string(),
            "not_recovered".to_string()
        )]]
    );
    // Without a policy the environment is Nagios's (empty here).
    let (_d, mut c) = core("", 3);
    result(&mut c, 2, 1010.0);
    let j = handler_jobs(&mut c);
    end(&mut c, j[0], 1011.0);
    result(&mut c, 2, 1016.0);
    assert_eq!(env_of(&mut c), vec![Vec::new()]);
}

#[test]
fn downtime_and_acknowledgement_suppress_when_asked() {
    // A fixed downtime of the host, in effect from 1000 to 5000: the service's
    // handler does not run (downtime counts the host's too).
    let (_d, mut c) = core(" _VIGIL_SKIP_WHEN downtime\n", 1);
    c.handle_command(
        "[1001] SCHEDULE_HOST_DOWNTIME;h;1000;5000;1;0;0;admin;maintenance",
        1001.0,
    );
    c.handle_timeout(1002.0, 100, 0.0);
    c.take_events();
    result(&mut c, 2, 1010.0);
    assert!(handler_jobs(&mut c).is_empty());
    assert_eq!(
        suppressions(&c.take_events()),
        vec![HandlerSuppression::Downtime]
    );

    // Without the policy the same downtime changes nothing (Nagios runs handlers
    // in downtime).
    let (_d, mut c) = core("", 1);
    c.handle_command(
        "[1001] SCHEDULE_HOST_DOWNTIME;h;1000;5000;1;0;0;admin;maintenance",
        1001.0,
    );
    c.handle_timeout(1002.0, 100, 0.0);
    result(&mut c, 2, 1010.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);

    // An acknowledged SOFT problem: the first attempt's handler runs, the second's
    // is suppressed once the problem is acknowledged.
    let (_d, mut c) = core(" _VIGIL_SKIP_WHEN acknowledged\n", 3);
    result(&mut c, 2, 1010.0);
    assert_eq!(handler_jobs(&mut c).len(), 1);
    c.handle_command(
        "[1011] ACKNOWLEDGE_SVC_PROBLEM;h;s;1;0;0;admin;looking",
        1011.0,
    );
    c.take_events();
    result(&mut c, 2, 1012.0);
    assert!(handler_jobs(&mut c).is_empty());
    let ev = c.take_events();
    assert_eq!(suppressions(&ev), vec![HandlerSuppression::Acknowledged]);
}
