//! Restore rules of files.md §3 on small hand-written retention files.

mod common;

use common::*;
use vigil_retention::{apply_view, parse, ConfigView};
use vigil_state::{HostStatus, ObjectState, ProgramState, ServiceStatus, StateType};

const CREATED: i64 = 1_700_000_000;

struct Run {
    hosts: Vec<HostStatus>,
    services: Vec<ServiceStatus>,
    program: ProgramState,
    notes: Vec<String>,
}

fn run_with(view: &ConfigView, text: &str, use_program: bool, now: i64) -> Run {
    let (mut hosts, mut services) = initial_statuses(view);
    let mut program = initial_program();
    let notes = apply_view(
        &parse(text),
        view,
        &mut program,
        &mut hosts,
        &mut services,
        use_program,
        now,
    );
    Run {
        hosts,
        services,
        program,
        notes,
    }
}

fn run(text: &str) -> Run {
    run_with(&fixture_view(), text, true, CREATED + 60)
}

fn info() -> String {
    format!("info {{\ncreated={CREATED}\nversion=4.4.6\n}}\n")
}

/// service db1;mysql (index 0) with the given extra fields.
fn mysql(fields: &str) -> String {
    format!(
        "{}service {{\nhost_name=db1\nservice_description=mysql\n{fields}}}\n",
        info()
    )
}

#[test]
fn status_restored_nonstatus_only_with_modified_bit() {
    let r = run(&mysql(
        "modified_attributes=0\ncurrent_state=2\nstate_type=0\ncurrent_attempt=2\nhas_been_checked=1\n\
         event_handler_enabled=0\nactive_checks_enabled=1\nmax_attempts=9\ncheck_interval=5.000000\nevent_handler=other\n",
    ));
    let s = &r.services[0];
    assert_eq!(
        (s.current_state.id(), s.state_type, s.current_attempt),
        (2, StateType::Soft, 2)
    );
    assert!(
        s.attrs.event_handler_enabled,
        "bit 8 not set: configuration wins"
    );
    assert!(
        !s.attrs.active_checks_enabled,
        "bit 2 not set: configuration wins"
    );
    assert_eq!(s.attrs.max_attempts, None);
    assert_eq!(s.attrs.check_interval, None);
    assert_eq!(s.attrs.event_handler, None);
    assert_eq!(s.attrs.modified.bits(), 0);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn nonstatus_restored_with_bits() {
    let r = run(&mysql(
        "modified_attributes=7966\nactive_checks_enabled=1\npassive_checks_enabled=0\n\
         event_handler_enabled=0\nflap_detection_enabled=1\nevent_handler=svc-eh!restart\n\
         check_interval=5.500000\nretry_interval=0.500000\nmax_attempts=9\n\
         current_state=2\nstate_type=1\ncurrent_attempt=3\nhas_been_checked=1\n",
    ));
    // 7966 = 2+4+8+16+256+512+1024+2048+4096
    let s = &r.services[0];
    assert!(s.attrs.active_checks_enabled);
    assert!(!s.attrs.passive_checks_enabled);
    assert!(!s.attrs.event_handler_enabled);
    assert!(s.attrs.flap_detection_enabled);
    assert_eq!(s.attrs.event_handler.as_deref(), Some("svc-eh!restart"));
    assert_eq!(s.attrs.check_interval, Some(5.5));
    assert_eq!(s.attrs.retry_interval, Some(0.5));
    assert_eq!(s.attrs.max_attempts, Some(9));
    // HARD problem: attempt = (retained) max_attempts.
    assert_eq!(s.current_attempt, 9);
    // 512 (check command) is not supported: cleared and noted.
    assert_eq!(s.attrs.modified.bits(), 7966 & !512);
    assert_eq!(
        r.notes,
        vec!["retention: service 'db1;mysql': run-time changes of check_command are not supported; configured values kept"]
    );
}

#[test]
fn retained_handler_must_exist_and_empty_means_removed() {
    let r = run(&mysql("modified_attributes=256\nevent_handler=gone!x\n"));
    assert_eq!(r.services[0].attrs.event_handler, None);
    assert_eq!(r.services[0].attrs.modified.bits(), 0);
    assert_eq!(
        r.notes,
        vec!["retention: service 'db1;mysql': retained event_handler 'gone!x' names no defined command; configured value kept"]
    );
    let r = run(&mysql("modified_attributes=256\nevent_handler=\n"));
    assert_eq!(r.services[0].attrs.event_handler.as_deref(), Some(""));
    assert_eq!(r.services[0].attrs.modified.bits(), 256);
}

#[test]
fn retained_notification_period_is_a_name_only() {
    // 65536 = MODATTR_NOTIFICATION_TIMEPERIOD: the name comes back, not in effect
    // (Nagios 4.4.6 restores the name, not the period its rules use).
    let r = run(&mysql(
        "modified_attributes=65536\nnotification_period=never\n",
    ));
    let p = r.services[0].attrs.notification_period.clone();
    assert_eq!(
        p,
        Some(vigil_state::PeriodChange {
            name: "never".into(),
            in_effect: false
        })
    );
    assert_eq!(r.services[0].attrs.modified.bits(), 65536);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    // Without the bit the field is the configured value: ignored.
    let r = run(&mysql("modified_attributes=0\nnotification_period=never\n"));
    assert_eq!(r.services[0].attrs.notification_period, None);
    // An unknown timeperiod drops the bit, silently like Nagios.
    let r = run(&mysql(
        "modified_attributes=65536\nnotification_period=gone\n",
    ));
    assert_eq!(r.services[0].attrs.notification_period, None);
    assert_eq!(r.services[0].attrs.modified.bits(), 0);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn retained_check_period_is_a_name_only() {
    // 16384 = MODATTR_CHECK_TIMEPERIOD: as the notification period, the name comes
    // back and the configured period stays in effect (Nagios 4.4.6, recorded in
    // the scenario extcmd_check_period_change_restart).
    let r = run(&mysql("modified_attributes=16384\ncheck_period=never\n"));
    assert_eq!(
        r.services[0].attrs.check_period,
        Some(vigil_state::PeriodChange {
            name: "never".into(),
            in_effect: false
        })
    );
    assert_eq!(r.services[0].attrs.modified.bits(), 16384);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let r = run(&mysql("modified_attributes=0\ncheck_period=never\n"));
    assert_eq!(r.services[0].attrs.check_period, None);
    // An unknown timeperiod drops the bit.
    let r = run(&mysql("modified_attributes=16384\ncheck_period=gone\n"));
    assert_eq!(r.services[0].attrs.check_period, None);
    assert_eq!(r.services[0].attrs.modified.bits(), 0);
}

#[test]
fn retain_flags_off() {
    let mut view = fixture_view();
    view.services[0].retain_status_information = false;
    view.services[0].retain_nonstatus_information = false;
    let text = mysql(
        "modified_attributes=8\nevent_handler_enabled=0\ncurrent_state=2\nstate_type=1\ncurrent_attempt=3\nhas_been_checked=1\n",
    );
    let r = run_with(&view, &text, true, CREATED + 60);
    assert_eq!(r.services[0], initial_statuses(&view).1[0]);

    // Non-status retained, status not.
    view.services[0].retain_nonstatus_information = true;
    let r = run_with(&view, &text, true, CREATED + 60);
    let s = &r.services[0];
    assert_eq!(s.current_state.id(), 0);
    assert!(!s.has_been_checked);
    assert!(!s.attrs.event_handler_enabled);
    assert_eq!(s.attrs.modified.bits(), 8);
}

#[test]
fn fix_ups_after_restore() {
    // Never-checked SOFT service becomes HARD; zero last_hard_state_change takes
    // last_state_change; empty output of a never-checked object stays "no output".
    let r = run(&mysql(
        "has_been_checked=0\nstate_type=0\ncurrent_state=0\ncurrent_attempt=1\nlast_state_change=50\nlast_hard_state_change=0\nplugin_output=\n",
    ));
    let s = &r.services[0];
    assert_eq!(s.state_type, StateType::Hard);
    assert_eq!(s.last_hard_state_change, 50.0);
    assert_eq!(s.output.short, None);
    // A checked object with empty output keeps Some("").
    let r = run(&mysql("has_been_checked=1\nplugin_output=\n"));
    assert_eq!(r.services[0].output.short.as_deref(), Some(""));
    // HARD problem on a host: attempt = configured max (web1 has 3).
    let text = format!(
        "{}host {{\nhost_name=web1\ncurrent_state=1\nstate_type=1\ncurrent_attempt=1\nhas_been_checked=1\n}}\n",
        info()
    );
    let r = run(&text);
    assert_eq!(r.hosts[1].current_attempt, 3);
    // SOFT problem keeps its attempt.
    let r = run(&mysql(
        "current_state=2\nstate_type=0\ncurrent_attempt=2\nhas_been_checked=1\n",
    ));
    assert_eq!(r.services[0].current_attempt, 2);
}

#[test]
fn next_check_only_with_scheduling_info_within_horizon() {
    let text = mysql("next_check=1700000100\nlast_check=1699999999\n");
    let view = fixture_view();
    assert_eq!(
        run_with(&view, &text, true, CREATED + 899).services[0].next_check,
        1700000100.0
    );
    assert_eq!(
        run_with(&view, &text, true, CREATED + 900).services[0].next_check,
        0.0
    );
    let mut no_sched = fixture_view();
    no_sched.use_retained_scheduling_info = false;
    let r = run_with(&no_sched, &text, true, CREATED + 1);
    assert_eq!(r.services[0].next_check, 0.0);
    assert_eq!(r.services[0].last_check, 1699999999.0);
}

fn program_text(fields: &str) -> String {
    format!("{}program {{\n{fields}}}\n", info())
}

#[test]
fn program_switches_need_use_retained_program_state_and_bits() {
    let text = program_text(
        "modified_host_attributes=264\nmodified_service_attributes=2\nenable_event_handlers=0\n\
         enable_flap_detection=1\nactive_service_checks_enabled=0\nactive_host_checks_enabled=0\n\
         global_host_event_handler=svc-eh!g\nglobal_service_event_handler=svc-eh\n\
         next_event_id=40\nnext_problem_id=30\n",
    );
    let r = run(&text);
    let p = &r.program;
    assert!(!p.enable_event_handlers, "host bit 8");
    assert!(!p.enable_flap_detection, "bit 16 not set");
    assert!(!p.execute_service_checks, "service bit 2");
    assert!(p.execute_host_checks, "host bit 2 not set");
    assert_eq!(p.global_host_event_handler.as_deref(), Some("svc-eh!g"));
    assert_eq!(
        p.global_service_event_handler, None,
        "service bit 256 not set"
    );
    assert_eq!(
        (
            p.modified_host_attributes.bits(),
            p.modified_service_attributes.bits()
        ),
        (264, 2)
    );
    assert_eq!(
        (p.counters.next_event_id, p.counters.next_problem_id),
        (40, 30)
    );

    // Without use_retained_program_state only the counters are taken.
    let r = run_with(&fixture_view(), &text, false, CREATED + 60);
    let mut want = initial_program();
    want.counters.next_event_id = 40;
    want.counters.next_problem_id = 30;
    assert_eq!(r.program, want);
}

#[test]
fn counters_never_go_backwards() {
    let (mut h, mut s) = initial_statuses(&fixture_view());
    let mut p = initial_program();
    p.counters.next_event_id = 100;
    apply_view(
        &parse(&program_text("next_event_id=7\n")),
        &fixture_view(),
        &mut p,
        &mut h,
        &mut s,
        true,
        CREATED,
    );
    assert_eq!(p.counters.next_event_id, 100);
}

#[test]
fn masks_exclude_bits() {
    let mut view = fixture_view();
    view.retained_service_attribute_mask = 8;
    let r = run_with(
        &view,
        &mysql("modified_attributes=12\nevent_handler_enabled=0\npassive_checks_enabled=0\n"),
        true,
        CREATED,
    );
    assert!(r.services[0].attrs.event_handler_enabled);
    assert!(!r.services[0].attrs.passive_checks_enabled);
    assert_eq!(r.services[0].attrs.modified.bits(), 4);
}

#[test]
fn unknown_objects_and_bad_values_are_noted() {
    let text = format!(
        "{}host {{\nhost_name=gone\ncurrent_state=1\n}}\nservice {{\nhost_name=db1\nservice_description=gone\n}}\n\
         service {{\nhost_name=db1\nservice_description=mysql\ncurrent_state=7\nstate_type=x\ncurrent_attempt=-1\n\
         last_check=yesterday\nstate_history=0,9,0\nhas_been_checked=1\n}}\nbroken line\n",
        info()
    );
    let r = run(&text);
    assert_eq!(
        r.notes,
        vec![
            "retention file line 23: text outside of a block, skipped",
            "retention: host 'gone' is not in the configuration; its retained state is ignored",
            "retention: service 'db1;gone' is not in the configuration; its retained state is ignored",
            "retention: service 'db1;mysql': bad value '7' for current_state; ignored",
            "retention: service 'db1;mysql': bad value 'yesterday' for last_check; ignored",
            "retention: service 'db1;mysql': bad value '-1' for current_attempt; ignored",
            "retention: service 'db1;mysql': bad value 'x' for state_type; ignored",
            "retention: service 'db1;mysql': bad value '0,9,0' for state_history; ignored",
        ]
    );
    let s = &r.services[0];
    assert_eq!(
        (s.current_state.id(), s.current_attempt, s.state_type),
        (0, 1, StateType::Hard)
    );
    assert!(s.has_been_checked);
    assert!(s.state_history.is_empty());
}
