//! The next-check rules of checks-and-states.md §10 (Nagios 4.4.6) on the core, one
//! rule per test, with the times Nagios computes (whole seconds); and the perfdata
//! switch of perfdata.md §2.2. The conformance scenarios `sched_*` and
//! `obsess_ocsp_ochp` show the same rules against recordings of nagios4.

use std::sync::Arc;

use vigil_config::{HostId, ServiceId};
use vigil_events::ProcessEnd;

use crate::jobs::{JobId, JobResult};
use crate::{Action, Core, ObjRef};

const SVC: ObjRef = ObjRef::Service(ServiceId(0));
const HOST: ObjRef = ObjRef::Host(HostId(0));

/// Host `h` (check_interval 10) and service `s` (max_check_attempts `max`,
/// check_interval 4, retry_interval 1), interval_length 1; `extra_main` is added
/// to nagios.cfg.
fn core(dir: &std::path::Path, max: u32, extra_main: &str) -> Core {
    let d = dir.display();
    std::fs::write(
        dir.join("objects.cfg"),
        format!(
            "define command {{\n command_name c\n command_line /bin/true\n}}\n\
             define host {{\n host_name h\n check_command c\n max_check_attempts 1\n check_interval 10\n retry_interval 1\n}}\n\
             define service {{\n host_name h\n service_description s\n check_command c\n max_check_attempts {max}\n check_interval 4\n retry_interval 1\n}}\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("nagios.cfg"),
        format!(
            "log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n\
             service_inter_check_delay_method=n\nhost_inter_check_delay_method=n\n\
             cached_host_check_horizon=0\n{extra_main}"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap_or_else(|e| panic!("{e:?}"));
    Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.2, 1)
}

/// Starts every due check at `now`; the ids of the check jobs started, by object.
fn run_due(core: &mut Core, now: f64) -> Vec<(ObjRef, JobId)> {
    core.handle_timeout(now, usize::MAX, 0.0);
    let mut out = Vec::new();
    for a in core.take_actions() {
        if let Action::Run { id, .. } = a {
            if let Some(obj) = core.jobs.check_of(id) {
                out.push((obj, id));
            }
        }
    }
    out
}

/// The job of `obj` among `jobs`.
fn job_of(jobs: &[(ObjRef, JobId)], obj: ObjRef) -> JobId {
    jobs.iter()
        .find(|(o, _)| *o == obj)
        .map(|(_, id)| *id)
        .unwrap_or_else(|| panic!("no check of {obj:?} started: {jobs:?}"))
}

/// The check `id` started at `start`, ran `secs` and exited `rc`; processed at
/// `start + secs`.
fn finish(core: &mut Core, id: JobId, rc: i32, start: f64, secs: f64) {
    let res = JobResult {
        end: ProcessEnd::Exited(rc),
        stdout: b"out\n".to_vec(),
        stderr: Vec::new(),
        start,
        duration: secs,
    };
    core.handle_job_done(id, res, start + secs);
}

/// The `next_check` second of the check queued for `obj` (it runs at that second
/// plus the phase of its scheduling, see `run_at`).
fn due(core: &Core, obj: ObjRef) -> Option<f64> {
    let t = core.schedule.due(obj)?;
    let next_check = match obj {
        ObjRef::Host(h) => core.hosts[h.idx()].next_check,
        ObjRef::Service(s) => core.services[s.idx()].next_check,
    };
    assert_eq!(
        t.floor(),
        next_check,
        "run instant in the next_check second"
    );
    Some(next_check)
}

/// The instant the check queued for `obj` runs at.
fn run_at(core: &Core, obj: ObjRef) -> Option<f64> {
    core.schedule.due(obj)
}

#[test]
fn a_hard_change_counts_from_the_result_an_unchanged_state_from_the_start() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 1, "");
    core.start(1000.2);
    // First checks due at the start second (1000).
    assert_eq!(due(&core, SVC), Some(1000.0));
    let jobs = run_due(&mut core, 1000.2);
    // OK after OK, plugin ran 3 s: start second + check_interval (rule 1).
    finish(&mut core, job_of(&jobs, SVC), 0, 1000.2, 3.0);
    assert_eq!(due(&core, SVC), Some(1004.0));
    // It runs at that second plus the fraction of the second its result came in
    // (1003.2): Nagios's squeue_add keeps the microseconds of the moment an event
    // is added, and measures latency from that instant.
    assert_eq!(run_at(&core, SVC), Some(1004.0 + (1003.2 - 1003.0)));
    let jobs = run_due(&mut core, 1004.0);
    assert!(jobs.is_empty(), "not before its phase: {jobs:?}");
    // CRITICAL with max_check_attempts 1 is a HARD change: result second (1007) +
    // check_interval (rule 3), not start (1004) + check_interval.
    let jobs = run_due(&mut core, 1004.25);
    finish(&mut core, job_of(&jobs, SVC), 2, 1004.25, 3.3);
    assert_eq!(due(&core, SVC), Some(1011.0));
    // A plugin slower than the interval: due again at once (rule 5).
    let jobs = run_due(&mut core, 1011.6);
    finish(&mut core, job_of(&jobs, SVC), 2, 1011.6, 5.5);
    assert_eq!(due(&core, SVC), Some(1017.0));
}

#[test]
fn soft_states_retry_from_the_result() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 3, "");
    core.start(1000.2);
    let jobs = run_due(&mut core, 1000.2);
    finish(&mut core, job_of(&jobs, SVC), 2, 1000.2, 2.5);
    // SOFT 1: result second 1002 + retry_interval (rule 2).
    assert_eq!(due(&core, SVC), Some(1003.0));
    let jobs = run_due(&mut core, 1003.7);
    finish(&mut core, job_of(&jobs, SVC), 0, 1003.7, 1.5);
    // Soft recovery: still a retry (rule 2).
    assert_eq!(due(&core, SVC), Some(1006.0));
}

#[test]
fn requests_only_pull_a_queued_check_in_and_forced_ones_win() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 1, "");
    core.start(1000.2);
    core.set_due(SVC, 1010.0, false);
    core.request_check(SVC, 1020.0, false);
    assert_eq!(due(&core, SVC), Some(1010.0), "a later request is ignored");
    core.request_check(SVC, 1010.0, false);
    assert_eq!(
        due(&core, SVC),
        Some(1010.0),
        "an equal one keeps the queued one"
    );
    core.request_check(SVC, 1005.0, false);
    assert_eq!(due(&core, SVC), Some(1005.0), "an earlier one replaces it");
    core.request_check(SVC, 1030.0, true);
    assert_eq!(
        due(&core, SVC),
        Some(1030.0),
        "a forced one replaces a non-forced one"
    );
    core.request_check(SVC, 1001.0, false);
    assert_eq!(
        due(&core, SVC),
        Some(1030.0),
        "a non-forced one never replaces a forced one"
    );
    core.request_check(SVC, 1025.0, true);
    assert_eq!(due(&core, SVC), Some(1025.0), "an earlier forced one does");
}

#[test]
fn passive_results_reschedule_only_on_a_change() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 3, "");
    core.start(1000.2);
    let jobs = run_due(&mut core, 1000.2);
    finish(&mut core, job_of(&jobs, SVC), 0, 1000.2, 0.1);
    assert_eq!(due(&core, SVC), Some(1004.0));
    // An OK that changes nothing leaves the schedule alone.
    core.handle_command("[1001] PROCESS_SERVICE_CHECK_RESULT;h;s;0;fine", 1001.5);
    assert_eq!(due(&core, SVC), Some(1004.0));
    // A SOFT problem pulls the check in to now + retry_interval (rule 6).
    core.handle_command("[1002] PROCESS_SERVICE_CHECK_RESULT;h;s;2;bad", 1002.5);
    assert_eq!(due(&core, SVC), Some(1003.0));
}

#[test]
fn a_host_check_due_while_one_runs_is_requeued_check_interval_later() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 1, "");
    core.start(1000.2);
    let jobs = run_due(&mut core, 1000.2);
    let host_job = job_of(&jobs, HOST);
    // SCHEDULE_HOST_CHECK while the host's check still runs (rule 15).
    core.handle_command("[1001] SCHEDULE_HOST_CHECK;h;1001", 1001.2);
    assert!(run_due(&mut core, 1001.2).is_empty());
    assert_eq!(due(&core, HOST), Some(1011.0));
    // Its result keeps the earlier of the two (rule 7): start second + 10 = 1010.
    finish(&mut core, host_job, 0, 1000.2, 1.5);
    assert_eq!(due(&core, HOST), Some(1010.0));
}

#[test]
fn enable_check_queues_a_check_for_now_and_a_check_queued_while_disabled_is_dropped() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path(), 1, "");
    core.start(1000.2);
    let jobs = run_due(&mut core, 1000.2);
    finish(&mut core, job_of(&jobs, SVC), 0, 1000.2, 0.1);
    assert_eq!(due(&core, SVC), Some(1004.0));
    core.handle_command("[1001] DISABLE_SVC_CHECK;h;s", 1001.0);
    // Due while disabled: not run and not requeued.
    assert!(run_due(&mut core, 1004.5).iter().all(|(o, _)| *o != SVC));
    assert_eq!(due(&core, SVC), None);
    core.handle_command("[1006] ENABLE_SVC_CHECK;h;s", 1006.7);
    assert_eq!(due(&core, SVC), Some(1006.0));
    assert_eq!(run_due(&mut core, 1006.7).len(), 1);
}

#[test]
fn no_perfdata_while_process_performance_data_is_off() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("service-perfdata");
    let mut core = core(
        dir.path(),
        1,
        &format!(
            "process_performance_data=0\nservice_perfdata_file={}\n",
            file.display()
        ),
    );
    core.start(1000.2);
    // The file is opened at start-up even while processing is off (§4.1).
    let opens = core
        .take_actions()
        .into_iter()
        .filter(|a| matches!(a, Action::PerfdataOpen(_)))
        .count();
    assert_eq!(opens, 1);
    let records = |core: &mut Core| {
        core.take_actions()
            .into_iter()
            .filter(|a| matches!(a, Action::PerfdataWrite { .. }))
            .count()
    };
    core.handle_command("[1001] PROCESS_SERVICE_CHECK_RESULT;h;s;0;x|a=1", 1001.0);
    assert_eq!(records(&mut core), 0);
    core.handle_command("[1002] ENABLE_PERFORMANCE_DATA", 1002.0);
    core.handle_command("[1002] PROCESS_SERVICE_CHECK_RESULT;h;s;0;x|a=2", 1002.0);
    assert_eq!(records(&mut core), 1);
    core.handle_command("[1003] DISABLE_PERFORMANCE_DATA", 1003.0);
    core.handle_command("[1003] PROCESS_SERVICE_CHECK_RESULT;h;s;0;x|a=3", 1003.0);
    assert_eq!(records(&mut core), 0);
}

/// `n` services on one host, check_interval 60 s, first checks spread by the
/// "smart" inter-check delay (60 s / n apart).
fn spread_core(dir: &std::path::Path, n: usize, start: f64) -> Core {
    let d = dir.display();
    let mut objs = String::from(
        "define command {\n command_name c\n command_line /bin/true\n}\n\
         define host {\n host_name h\n check_command c\n max_check_attempts 1\n check_interval 0\n}\n",
    );
    for i in 0..n {
        objs.push_str(&format!(
            "define service {{\n host_name h\n service_description s{i}\n check_command c\n max_check_attempts 1\n check_interval 60\n retry_interval 1\n}}\n"
        ));
    }
    std::fs::write(dir.join("objects.cfg"), objs).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("nagios.cfg"),
        format!("log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap_or_else(|e| panic!("{e:?}"));
    Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), start, 1)
}

#[test]
fn first_checks_keep_nagios_seconds_and_run_spread_over_them_never_overdue() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // 600 services over 60 s: 0.1 s apart, ten a second.
    let mut core = spread_core(dir.path(), 600, 1000.75);
    core.start(1000.75);
    let mut per_second = std::collections::BTreeMap::<i64, Vec<f64>>::new();
    for i in 0..600 {
        let obj = ObjRef::Service(ServiceId(i));
        // next_check as Nagios computes it: trunc(start second + 0.1 * i) ...
        let next = due(&core, obj).unwrap_or_else(|| panic!("s{i} not scheduled"));
        assert_eq!(next, (1000.0 + 0.1 * i as f64).floor(), "s{i}");
        // ... and the instant it runs at: in that second, never before the start.
        let at = run_at(&core, obj).unwrap_or(f64::NAN);
        assert!(
            at >= 1000.75 && at < next + 1.0,
            "s{i} runs at {at}, next_check {next}"
        );
        per_second.entry(next as i64).or_default().push(at);
    }
    // Not all at the start of their second: the ten of a second run about 0.1 s
    // apart; those of the start second over the 0.25 s left of it.
    for (sec, mut ats) in per_second {
        ats.sort_by(f64::total_cmp);
        assert_eq!(ats.len(), 10, "second {sec}");
        let span = ats[9] - ats[0];
        if sec == 1000 {
            assert!(span >= 0.15, "second {sec}: {ats:?}");
        } else {
            let gaps = ats.windows(2).map(|w| w[1] - w[0]);
            assert!(span >= 0.85, "second {sec}: {ats:?}");
            assert!(gaps.clone().all(|g| g > 0.05), "second {sec}: {ats:?}");
        }
    }
}

#[test]
fn a_wake_up_starts_what_is_due_within_early_but_never_a_check_of_the_next_second() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = spread_core(dir.path(), 4, 1000.0);
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| ObjRef::Service(ServiceId(i)));
    // Queued while handling inputs at these times: the run instant carries their
    // fraction of a second.
    for (obj, input, next) in [
        (a, 1009.5, 1010.0),
        (b, 1009.55, 1010.0),
        (c, 1009.8, 1010.0),
        (d, 1010.01, 1011.0),
    ] {
        core.input_time = input;
        core.set_due(obj, next, false);
    }
    assert_eq!(run_at(&core, a), Some(1010.5));
    assert_eq!(run_at(&core, d), Some(1011.01));
    let started = |core: &mut Core, now: f64| -> Vec<ObjRef> {
        let mut v: Vec<ObjRef> = run_due(core, now).into_iter().map(|(o, _)| o).collect();
        v.sort_by_key(|o| format!("{o:?}"));
        v
    };
    assert_eq!(
        started(&mut core, 1010.3),
        vec![],
        "nothing due within EARLY"
    );
    // Waking for a also starts b, due within EARLY after it; not c.
    assert_eq!(started(&mut core, 1010.5), vec![a, b]);
    // c is due; d is within EARLY too but in the next second: it waits for it.
    assert_eq!(started(&mut core, 1010.95), vec![c]);
    assert_eq!(started(&mut core, 1011.01), vec![d]);
}
