//! `CLEAR_*_FLAPPING_STATE` and `CHANGE_*_CHECK_TIMEPERIOD` on the core, as Nagios
//! 4.4.6 does them (recorded with nagios4 in the conformance scenarios
//! `extcmd_clear_flapping` and `extcmd_check_period_change_restart`).

use std::sync::Arc;

use vigil_config::ServiceId;
use vigil_events::{Event, ProcessEnd};
use vigil_state::ModAttr;

use crate::jobs::JobResult;
use crate::{Action, Core, ObjRef};

const S1: ObjRef = ObjRef::Service(ServiceId(0));
const S2: ObjRef = ObjRef::Service(ServiceId(1));

/// Host `h` (passive only) and services `s1` (24x7, flap thresholds 5 % / 10 %)
/// and `s2` (configured check_period `never`), check_interval 2, max 1.
fn core(dir: &std::path::Path) -> Core {
    let d = dir.display();
    std::fs::write(
        dir.join("objects.cfg"),
        "define command {\n command_name c\n command_line /bin/true\n}\n\
         define timeperiod {\n timeperiod_name never\n alias never\n}\n\
         define timeperiod {\n timeperiod_name always\n alias always\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n sunday 00:00-24:00\n}\n\
         define host {\n host_name h\n max_check_attempts 1\n flap_detection_enabled 1\n low_flap_threshold 5\n high_flap_threshold 10\n}\n\
         define service {\n host_name h\n service_description s1\n check_command c\n check_period always\n max_check_attempts 1\n check_interval 2\n retry_interval 2\n flap_detection_enabled 1\n low_flap_threshold 5\n high_flap_threshold 10\n}\n\
         define service {\n host_name h\n service_description s2\n check_command c\n check_period never\n max_check_attempts 1\n check_interval 2\n retry_interval 2\n}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.join("nagios.cfg"),
        format!(
            "log_file={d}/vigil.log\ncfg_file={d}/objects.cfg\ninterval_length=1\n\
             service_inter_check_delay_method=n\nhost_inter_check_delay_method=n\n\
             enable_flap_detection=1\nlog_passive_checks=0\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (m, _) = vigil_config::load(&dir.join("nagios.cfg")).unwrap_or_else(|e| panic!("{e:?}"));
    Core::new(Arc::new(m), vigil_config::zone::Zone::utc(), 1000.2, 1)
}

fn log(core: &mut Core) -> Vec<String> {
    core.take_events().iter().flat_map(Event::lines).collect()
}

/// The objects whose checks start at `now`; each check exits 0 at once.
fn started(core: &mut Core, now: f64) -> Vec<ObjRef> {
    core.handle_timeout(now, usize::MAX, 0.0);
    let actions = core.take_actions();
    let mut out = Vec::new();
    for a in actions {
        if let Action::Run { id, .. } = a {
            if let Some(obj) = core.jobs.check_of(id) {
                out.push(obj);
                let res = JobResult {
                    end: ProcessEnd::Exited(0),
                    stdout: b"OK\n".to_vec(),
                    stderr: Vec::new(),
                    start: now,
                    duration: 0.1,
                };
                core.handle_job_done(id, res, now + 0.1);
            }
        }
    }
    out
}

fn cmd(core: &mut Core, line: &str, now: f64) -> Vec<String> {
    core.handle_command(&format!("[{}] {line}", now as i64), now);
    log(core)
}

#[test]
fn clear_flapping_state_stops_flapping_and_resets_the_history() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path());
    core.start(1000.2);
    log(&mut core);
    // CRITICAL, OK, CRITICAL: flapping from the OK on (12.4 %), 18.4 % at the end.
    for (i, rc) in [2, 0, 2].into_iter().enumerate() {
        let t = 1001.0 + i as f64;
        cmd(
            &mut core,
            &format!("PROCESS_SERVICE_CHECK_RESULT;h;s1;{rc};x"),
            t,
        );
    }
    assert!(core.services[0].is_flapping);
    assert_eq!(core.services[0].notify.flapping_comment_id, 1);
    assert_eq!(core.books.comments_of("h", Some("s1")).count(), 1);
    let lines = cmd(&mut core, "CLEAR_SVC_FLAPPING_STATE;h;s1", 1005.0);
    assert_eq!(
        lines,
        [
            "EXTERNAL COMMAND: CLEAR_SVC_FLAPPING_STATE;h;s1",
            "SERVICE FLAPPING ALERT: h;s1;STOPPED; Flapping state cleared for service. (18.4% change < 5.0% threshold)",
        ]
    );
    let st = &core.services[0];
    assert!(!st.is_flapping);
    assert_eq!(st.percent_state_change, 0.0);
    assert!(st.state_history.is_empty());
    assert_eq!(st.notify.flapping_comment_id, 0);
    assert_eq!(
        core.books.comments_of("h", Some("s1")).count(),
        0,
        "the flapping comment goes"
    );
    // Zeroed history: OK then CRITICAL is one change, 6.25 %, no new flapping.
    cmd(&mut core, "PROCESS_SERVICE_CHECK_RESULT;h;s1;0;x", 1006.0);
    cmd(&mut core, "PROCESS_SERVICE_CHECK_RESULT;h;s1;2;x", 1007.0);
    assert_eq!(core.services[0].percent_state_change, 6.25);
    assert!(!core.services[0].is_flapping);
    // Not flapping: the history is reset all the same, and nothing is logged.
    let lines = cmd(&mut core, "CLEAR_SVC_FLAPPING_STATE;h;s1", 1008.0);
    assert_eq!(lines, ["EXTERNAL COMMAND: CLEAR_SVC_FLAPPING_STATE;h;s1"]);
    assert_eq!(core.services[0].percent_state_change, 0.0);
    // Hosts alike, with their own word.
    for (i, rc) in [1, 0, 1].into_iter().enumerate() {
        let t = 1010.0 + i as f64;
        cmd(&mut core, &format!("PROCESS_HOST_CHECK_RESULT;h;{rc};x"), t);
    }
    assert!(core.hosts[0].is_flapping);
    let lines = cmd(&mut core, "CLEAR_HOST_FLAPPING_STATE;h", 1014.0);
    assert_eq!(
        lines[1],
        "HOST FLAPPING ALERT: h;STOPPED; Flapping state cleared for host. (18.4% change < 5.0% threshold)"
    );
    assert!(!core.hosts[0].is_flapping);
    assert_eq!(core.books.comments_of("h", None).count(), 0);
    // An unknown object fails the command.
    let lines = cmd(&mut core, "CLEAR_HOST_FLAPPING_STATE;nosuch", 1015.0);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Error: External command failed")),
        "{lines:?}"
    );
}

#[test]
fn a_check_period_change_applies_when_the_queued_check_comes_due() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut core = core(dir.path());
    core.start(1000.2);
    // s2's configured period has no time at all: never scheduled.
    assert_eq!(core.schedule.due(S2), None);
    assert_eq!(started(&mut core, 1000.2), [S1]);
    log(&mut core);
    let lines = cmd(&mut core, "CHANGE_SVC_CHECK_TIMEPERIOD;h;s1;never", 1001.0);
    assert_eq!(
        lines,
        ["EXTERNAL COMMAND: CHANGE_SVC_CHECK_TIMEPERIOD;h;s1;never"]
    );
    let a = &core.services[0].attrs;
    assert!(a.modified.contains(ModAttr::CHECK_TIMEPERIOD));
    assert_eq!(
        a.check_period.as_ref().map(|p| p.name.as_str()),
        Some("never")
    );
    // The check queued before the change is not moved; when it comes due it is not
    // run and is tried again check_interval later (no valid time: the preferred
    // time, as Nagios's get_next_valid_time returns it), again and again.
    let due = core.schedule.due(S1).unwrap_or_else(|| panic!("queued"));
    assert!(started(&mut core, due).is_empty());
    assert_eq!(
        log(&mut core),
        [format!(
            "Warning: Check of service 's1' on host 'h' could not be rescheduled properly.  Scheduling check for {}\n...",
            core.zone.ctime(due as i64 + 2)
        )]
    );
    assert_eq!(core.schedule.due(S1), Some(due + 2.0));
    assert!(started(&mut core, due + 2.0).is_empty());
    assert_eq!(core.schedule.due(S1), Some(due + 4.0));
    // Back to a period that allows it: the next try runs.
    cmd(
        &mut core,
        "CHANGE_SVC_CHECK_TIMEPERIOD;h;s1;always",
        due + 3.0,
    );
    assert_eq!(started(&mut core, due + 4.0), [S1]);
    // From a configured `never` to `always`: nothing is scheduled.
    cmd(
        &mut core,
        "CHANGE_SVC_CHECK_TIMEPERIOD;h;s2;always",
        due + 5.0,
    );
    assert_eq!(core.schedule.due(S2), None);
    assert!(core.services[1]
        .attrs
        .modified
        .contains(ModAttr::CHECK_TIMEPERIOD));
    // An unknown timeperiod, object or contact fails the command (the
    // notification period changes alike, seen in nagios4's log).
    for bad in [
        "CHANGE_SVC_CHECK_TIMEPERIOD;h;s1;nosuchperiod",
        "CHANGE_SVC_CHECK_TIMEPERIOD;h;nosuch;never",
        "CHANGE_HOST_CHECK_TIMEPERIOD;nosuch;never",
        "CHANGE_SVC_NOTIFICATION_TIMEPERIOD;h;s1;nosuchperiod",
        "CHANGE_HOST_NOTIFICATION_TIMEPERIOD;nosuch;never",
        "CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD;nobody;never",
    ] {
        let lines = cmd(&mut core, bad, due + 6.0);
        assert_eq!(
            lines.get(1).map(String::as_str),
            Some(format!("Error: External command failed -> {bad}").as_str()),
            "{lines:?}"
        );
    }
    assert_eq!(
        core.services[0]
            .attrs
            .check_period
            .as_ref()
            .map(|p| p.name.as_str()),
        Some("always")
    );
    // Hosts alike.
    cmd(&mut core, "CHANGE_HOST_CHECK_TIMEPERIOD;h;never", due + 7.0);
    assert!(core.hosts[0]
        .attrs
        .modified
        .contains(ModAttr::CHECK_TIMEPERIOD));
}
