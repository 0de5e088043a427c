//! Service state machine: the decision table of checks-and-states.md §4.4 row by
//! row, and replays of the Nagios 4.4.6 conformance traces / recorded runs.

mod common;

use common::{lines, Svc};
use vigil_events::Obj;
use vigil_state::flap::FlapParams;
use vigil_state::{CheckType, Effect, HostState, NextCheck, ObjectState, ServiceState, StateType};

const OUT: &str = "out";

fn alert(rest: &str) -> String {
    format!("SERVICE ALERT: h;s;{rest}")
}

fn eh(rest: &str) -> String {
    format!("SERVICE EVENT HANDLER: h;s;{rest};svc-eh")
}

fn has(step: &common::Step<ServiceState>, e: &Effect) -> bool {
    step.tr.effects.contains(e)
}

/// Brings a fresh M=3 service (host UP) into `(state, type, attempt)` using the
/// results of the table itself.
fn svc_at(seq: &[u8]) -> Svc {
    let mut s = Svc::new(3);
    for &st in seq {
        s.step(st, OUT);
    }
    s
}

#[test]
fn row1_ok_to_soft1() {
    let mut s = svc_at(&[0]);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;SOFT;1;out"), eh("CRITICAL;SOFT;1")]
    );
    assert!(!has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "CRITICAL/SOFT/1");
    assert_eq!(r.tr.next, NextCheck::Retry);
    assert!(r.tr.state_changed && !r.tr.hard_changed);
}

#[test]
fn row2_soft1_to_soft2() {
    let mut s = svc_at(&[0, 2]);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;SOFT;2;out"), eh("CRITICAL;SOFT;2")]
    );
    assert!(!has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "CRITICAL/SOFT/2");
    assert!(!r.tr.state_changed && !r.tr.hard_changed);
}

#[test]
fn row3_soft2_to_hard3() {
    let mut s = svc_at(&[0, 2, 2]);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;HARD;3;out"), eh("CRITICAL;HARD;3")]
    );
    assert!(has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "CRITICAL/HARD/3");
    assert_eq!(r.tr.next, NextCheck::AfterChange);
    assert!(!r.tr.state_changed && r.tr.hard_changed);
    assert_eq!(s.st.last_hard_state, ServiceState::from_id(2));
}

#[test]
fn row4_hard_same_state() {
    let mut s = svc_at(&[0, 2, 2, 2]);
    let r = s.step(2, "other output");
    assert!(r.lines.is_empty());
    assert!(!has(&r, &Effect::EventHandlers));
    assert!(has(&r, &Effect::Notify), "re-notification attempt");
    assert_eq!(s.pre(), "CRITICAL/HARD/3");
    assert_eq!(s.st.output.short.as_deref(), Some("other output"));
}

#[test]
fn row5_hard_to_other_hard() {
    let mut s = svc_at(&[0, 2, 2, 2]);
    let r = s.step(1, OUT);
    assert_eq!(
        r.lines,
        vec![alert("WARNING;HARD;3;out"), eh("WARNING;HARD;3")]
    );
    assert!(has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "WARNING/HARD/3");
    assert!(r.tr.state_changed && r.tr.hard_changed);
}

#[test]
fn row6_hard_recovery() {
    let mut s = svc_at(&[0, 1, 1, 1]);
    let r = s.step(0, OUT);
    assert_eq!(r.lines, vec![alert("OK;HARD;3;out"), eh("OK;HARD;3")]);
    assert!(has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "OK/HARD/1");
    assert_eq!(s.st.last_hard_state, ServiceState::from_id(0));
}

#[test]
fn row7_soft_recovery_increments_attempt() {
    let mut s = svc_at(&[0, 2]);
    let r = s.step(0, OUT);
    assert_eq!(r.lines, vec![alert("OK;SOFT;2;out"), eh("OK;SOFT;2")]);
    assert!(!has(&r, &Effect::Notify));
    // the handler sees the values of the ALERT line ...
    assert_eq!(
        (r.at_handler.state_type, r.at_handler.current_attempt),
        (StateType::Soft, 2)
    );
    // ... afterwards the service is OK/HARD/1
    assert_eq!(s.pre(), "OK/HARD/1");
    // Nagios reschedules a soft recovery at the retry interval
    assert_eq!(r.tr.next, NextCheck::Retry);
}

#[test]
fn row8_soft_warning_to_critical() {
    let mut s = svc_at(&[0, 1]);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;SOFT;2;out"), eh("CRITICAL;SOFT;2")]
    );
    assert_eq!(s.pre(), "CRITICAL/SOFT/2");
}

#[test]
fn row9_max_attempts_1() {
    let mut s = Svc::new(1);
    s.step(0, OUT);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;HARD;1;out"), eh("CRITICAL;HARD;1")]
    );
    assert!(has(&r, &Effect::Notify));
    assert_eq!(s.pre(), "CRITICAL/HARD/1");
}

#[test]
fn row10_volatile() {
    let mut s = Svc::new(2);
    s.p.is_volatile = true;
    s.step(0, OUT);
    assert_eq!(
        s.step(2, OUT).lines,
        vec![alert("CRITICAL;SOFT;1;out"), eh("CRITICAL;SOFT;1")]
    );
    for _ in 0..3 {
        let r = s.step(2, OUT);
        assert_eq!(
            r.lines,
            vec![alert("CRITICAL;HARD;2;out"), eh("CRITICAL;HARD;2")]
        );
        assert!(has(&r, &Effect::Notify));
    }
    // OK results of a volatile service are not repeated
    assert_eq!(
        s.step(0, OUT).lines,
        vec![alert("OK;HARD;2;out"), eh("OK;HARD;2")]
    );
    assert!(s.step(0, OUT).lines.is_empty());
}

#[test]
fn row11_host_down_hard_at_once() {
    let mut s = svc_at(&[0]);
    s.host.state = HostState::from_id(1);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;HARD;1;out"), eh("CRITICAL;HARD;1")]
    );
    assert!(!has(&r, &Effect::Notify));
    assert!(!has(&r, &Effect::HostCheck));
    assert_eq!(s.pre(), "CRITICAL/HARD/1");
    assert!(s.st.host_problem_at_last_check);
    assert_eq!(r.tr.next, NextCheck::Regular);
}

#[test]
fn row12_hard_set_while_host_down_then_host_up() {
    let mut s = svc_at(&[0]);
    s.host.state = HostState::from_id(1);
    s.step(2, OUT);
    s.host.state = HostState::from_id(0);
    let r = s.step(2, OUT);
    assert!(r.lines.is_empty());
    assert!(!has(&r, &Effect::EventHandlers));
    assert!(
        has(&r, &Effect::Notify),
        "may notify now that the host is up"
    );
    assert_eq!(s.pre(), "CRITICAL/HARD/1");
    assert!(!s.st.host_problem_at_last_check);
}

#[test]
fn row13_soft_then_host_down() {
    let mut s = svc_at(&[0, 2, 2]);
    assert_eq!(s.pre(), "CRITICAL/SOFT/2");
    s.host.state = HostState::from_id(2);
    let r = s.step(2, OUT);
    assert_eq!(
        r.lines,
        vec![alert("CRITICAL;HARD;3;out"), eh("CRITICAL;HARD;3")]
    );
    assert!(!has(&r, &Effect::Notify));
}

#[test]
fn log_service_retries_off_hides_soft_lines_only() {
    let mut s = Svc::new(3);
    s.p.log_retries = false;
    let got = s.run(&[
        (0, "a"),
        (2, "b"),
        (2, "c"),
        (0, "d"),
        (1, "e"),
        (1, "f"),
        (1, "g"),
        (0, "h"),
    ]);
    assert_eq!(
        got,
        vec![
            eh("CRITICAL;SOFT;1"),
            eh("CRITICAL;SOFT;2"),
            eh("OK;SOFT;3"),
            eh("WARNING;SOFT;1"),
            eh("WARNING;SOFT;2"),
            alert("WARNING;HARD;3;g"),
            eh("WARNING;HARD;3"),
            alert("OK;HARD;3;h"),
            eh("OK;HARD;3"),
        ]
    );
}

#[test]
fn host_check_requests() {
    // OK while the host was never checked
    let mut s = Svc::new(3);
    s.host.has_been_checked = false;
    assert!(s.step(0, OUT).tr.effects.contains(&Effect::HostCheck));
    s.host.has_been_checked = true;
    // steady OK with the host up: nothing
    assert!(!s.step(0, OUT).tr.effects.contains(&Effect::HostCheck));
    // a new problem state with the host up
    assert!(s.step(2, OUT).tr.effects.contains(&Effect::HostCheck));
    // same problem state: no
    assert!(!s.step(2, OUT).tr.effects.contains(&Effect::HostCheck));
    // OK while the host is down: check whether the host recovered
    s.host.state = HostState::from_id(1);
    assert!(s.step(0, OUT).tr.effects.contains(&Effect::HostCheck));
}

/// svc_soft_hard_max3 trace (also the "pre" column).
#[test]
fn trace_svc_soft_hard_max3() {
    let mut s = Svc::new(3).named("web01", "HTTP");
    let seq = [
        (
            0,
            "HTTP OK: HTTP/1.1 200 OK - 512 bytes in 0.002 second response time",
        ),
        (2, "HTTP CRITICAL: HTTP/1.1 503 Service Unavailable"),
        (
            2,
            "HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - retry 2",
        ),
        (
            2,
            "HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - retry 3",
        ),
        (2, "HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - still"),
        (
            0,
            "HTTP OK: HTTP/1.1 200 OK - 512 bytes in 0.003 second response time",
        ),
    ];
    let mut pre = vec![s.pre()];
    let mut got = Vec::new();
    for (st, o) in seq {
        got.extend(s.step(st, o).lines);
        pre.push(s.pre());
    }
    assert_eq!(
        got,
        lines(&[
            "SERVICE ALERT: web01;HTTP;CRITICAL;SOFT;1;HTTP CRITICAL: HTTP/1.1 503 Service Unavailable",
            "SERVICE EVENT HANDLER: web01;HTTP;CRITICAL;SOFT;1;svc-eh",
            "SERVICE ALERT: web01;HTTP;CRITICAL;SOFT;2;HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - retry 2",
            "SERVICE EVENT HANDLER: web01;HTTP;CRITICAL;SOFT;2;svc-eh",
            "SERVICE ALERT: web01;HTTP;CRITICAL;HARD;3;HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - retry 3",
            "SERVICE EVENT HANDLER: web01;HTTP;CRITICAL;HARD;3;svc-eh",
            "SERVICE ALERT: web01;HTTP;OK;HARD;3;HTTP OK: HTTP/1.1 200 OK - 512 bytes in 0.003 second response time",
            "SERVICE EVENT HANDLER: web01;HTTP;OK;HARD;3;svc-eh",
        ])
    );
    assert_eq!(
        pre,
        lines(&[
            "OK/HARD/1",
            "OK/HARD/1",
            "CRITICAL/SOFT/1",
            "CRITICAL/SOFT/2",
            "CRITICAL/HARD/3",
            "CRITICAL/HARD/3",
            "OK/HARD/1",
        ])
    );
}

/// svc_soft_recovery trace (M=4): `OK;SOFT;3` after two soft failures.
#[test]
fn trace_svc_soft_recovery() {
    let mut s = Svc::new(4).named("mail01", "SMTP");
    let got = s.run(&[
        (0, "SMTP OK - 0.012 sec. response time"),
        (2, "CRITICAL - Socket timeout after 10 seconds"),
        (2, "CRITICAL - Socket timeout after 10 seconds"),
        (0, "SMTP OK - 0.020 sec. response time"),
        (0, "SMTP OK - 0.011 sec. response time"),
        (1, "SMTP WARNING - 4.100 sec. response time"),
        (0, "SMTP OK - 0.015 sec. response time"),
        (0, "SMTP OK - 0.010 sec. response time"),
    ]);
    assert_eq!(
        got,
        lines(&[
            "SERVICE ALERT: mail01;SMTP;CRITICAL;SOFT;1;CRITICAL - Socket timeout after 10 seconds",
            "SERVICE EVENT HANDLER: mail01;SMTP;CRITICAL;SOFT;1;svc-eh",
            "SERVICE ALERT: mail01;SMTP;CRITICAL;SOFT;2;CRITICAL - Socket timeout after 10 seconds",
            "SERVICE EVENT HANDLER: mail01;SMTP;CRITICAL;SOFT;2;svc-eh",
            "SERVICE ALERT: mail01;SMTP;OK;SOFT;3;SMTP OK - 0.020 sec. response time",
            "SERVICE EVENT HANDLER: mail01;SMTP;OK;SOFT;3;svc-eh",
            "SERVICE ALERT: mail01;SMTP;WARNING;SOFT;1;SMTP WARNING - 4.100 sec. response time",
            "SERVICE EVENT HANDLER: mail01;SMTP;WARNING;SOFT;1;svc-eh",
            "SERVICE ALERT: mail01;SMTP;OK;SOFT;2;SMTP OK - 0.015 sec. response time",
            "SERVICE EVENT HANDLER: mail01;SMTP;OK;SOFT;2;svc-eh",
        ])
    );
}

/// svc_max4_warning_critical trace.
#[test]
fn trace_svc_max4_warning_critical() {
    let mut s = Svc::new(4).named("fs01", "Disk_root");
    let got = s.run(&[
        (0, "DISK OK - free space: / 4200 MB (52%)"),
        (1, "DISK WARNING - free space: / 1500 MB (18%)"),
        (1, "DISK WARNING - free space: / 1400 MB (17%)"),
        (2, "DISK CRITICAL - free space: / 300 MB (3%)"),
        (2, "DISK CRITICAL - free space: / 250 MB (3%)"),
        (2, "DISK CRITICAL - free space: / 240 MB (2%)"),
        (1, "DISK WARNING - free space: / 1200 MB (15%)"),
        (1, "DISK WARNING - free space: / 1150 MB (14%)"),
        (0, "DISK OK - free space: / 4000 MB (50%)"),
    ]);
    let p = "fs01;Disk_root";
    assert_eq!(
        got,
        vec![
            format!("SERVICE ALERT: {p};WARNING;SOFT;1;DISK WARNING - free space: / 1500 MB (18%)"),
            format!("SERVICE EVENT HANDLER: {p};WARNING;SOFT;1;svc-eh"),
            format!("SERVICE ALERT: {p};WARNING;SOFT;2;DISK WARNING - free space: / 1400 MB (17%)"),
            format!("SERVICE EVENT HANDLER: {p};WARNING;SOFT;2;svc-eh"),
            format!("SERVICE ALERT: {p};CRITICAL;SOFT;3;DISK CRITICAL - free space: / 300 MB (3%)"),
            format!("SERVICE EVENT HANDLER: {p};CRITICAL;SOFT;3;svc-eh"),
            format!("SERVICE ALERT: {p};CRITICAL;HARD;4;DISK CRITICAL - free space: / 250 MB (3%)"),
            format!("SERVICE EVENT HANDLER: {p};CRITICAL;HARD;4;svc-eh"),
            format!("SERVICE ALERT: {p};WARNING;HARD;4;DISK WARNING - free space: / 1200 MB (15%)"),
            format!("SERVICE EVENT HANDLER: {p};WARNING;HARD;4;svc-eh"),
            format!("SERVICE ALERT: {p};OK;HARD;4;DISK OK - free space: / 4000 MB (50%)"),
            format!("SERVICE EVENT HANDLER: {p};OK;HARD;4;svc-eh"),
        ]
    );
}

/// svc_hard_max1 and svc_hard_unchanged traces.
#[test]
fn trace_svc_hard_max1_and_unchanged() {
    let mut s = Svc::new(1).named("db01", "PGSQL");
    let got = s.run(&[
        (0, "OK - database template1 (0 sec.)"),
        (
            2,
            "CRITICAL - no connection to 'template1' (could not connect to server)",
        ),
        (2, "CRITICAL - no connection to 'template1' (still)"),
        (0, "OK - database template1 (1 sec.)"),
        (1, "WARNING - database template1 (3 sec.)"),
        (0, "OK - database template1 (0 sec.)"),
    ]);
    assert_eq!(
        got,
        lines(&[
            "SERVICE ALERT: db01;PGSQL;CRITICAL;HARD;1;CRITICAL - no connection to 'template1' (could not connect to server)",
            "SERVICE EVENT HANDLER: db01;PGSQL;CRITICAL;HARD;1;svc-eh",
            "SERVICE ALERT: db01;PGSQL;OK;HARD;1;OK - database template1 (1 sec.)",
            "SERVICE EVENT HANDLER: db01;PGSQL;OK;HARD;1;svc-eh",
            "SERVICE ALERT: db01;PGSQL;WARNING;HARD;1;WARNING - database template1 (3 sec.)",
            "SERVICE EVENT HANDLER: db01;PGSQL;WARNING;HARD;1;svc-eh",
            "SERVICE ALERT: db01;PGSQL;OK;HARD;1;OK - database template1 (0 sec.)",
            "SERVICE EVENT HANDLER: db01;PGSQL;OK;HARD;1;svc-eh",
        ])
    );
    let mut s = Svc::new(2).named("app01", "Load");
    let got = s.run(&[
        (0, "OK - load average: 0.10, 0.12, 0.09|load1=0.10;5;10;0"),
        (
            2,
            "CRITICAL - load average: 12.00, 8.00, 4.00|load1=12.00;5;10;0",
        ),
        (
            2,
            "CRITICAL - load average: 14.00, 9.00, 5.00|load1=14.00;5;10;0",
        ),
        (
            2,
            "CRITICAL - load average: 18.00, 11.00, 6.00|load1=18.00;5;10;0",
        ),
        (
            2,
            "CRITICAL - load average: 25.00, 15.00, 8.00|load1=25.00;5;10;0",
        ),
        (
            2,
            "CRITICAL - load average: 11.00, 14.00, 9.00|load1=11.00;5;10;0",
        ),
        (0, "OK - load average: 1.00, 6.00, 7.00|load1=1.00;5;10;0"),
    ]);
    assert_eq!(
        got,
        lines(&[
            "SERVICE ALERT: app01;Load;CRITICAL;SOFT;1;CRITICAL - load average: 12.00, 8.00, 4.00",
            "SERVICE EVENT HANDLER: app01;Load;CRITICAL;SOFT;1;svc-eh",
            "SERVICE ALERT: app01;Load;CRITICAL;HARD;2;CRITICAL - load average: 14.00, 9.00, 5.00",
            "SERVICE EVENT HANDLER: app01;Load;CRITICAL;HARD;2;svc-eh",
            "SERVICE ALERT: app01;Load;OK;HARD;2;OK - load average: 1.00, 6.00, 7.00",
            "SERVICE EVENT HANDLER: app01;Load;OK;HARD;2;svc-eh",
        ])
    );
}

/// svc_volatile trace.
#[test]
fn trace_svc_volatile() {
    let mut s = Svc::new(3).named("sec01", "Intrusion");
    s.p.is_volatile = true;
    let got = s.run(&[
        (0, "OK - no events"),
        (2, "CRITICAL - event 1001"),
        (2, "CRITICAL - event 1002"),
        (2, "CRITICAL - event 1003"),
        (2, "CRITICAL - event 1004"),
        (2, "CRITICAL - event 1005"),
        (0, "OK - no events"),
        (0, "OK - no events"),
    ]);
    let p = "sec01;Intrusion";
    let mut want = Vec::new();
    for (t, a, n) in [
        ("SOFT", 1, 1001),
        ("SOFT", 2, 1002),
        ("HARD", 3, 1003),
        ("HARD", 3, 1004),
        ("HARD", 3, 1005),
    ] {
        want.push(format!(
            "SERVICE ALERT: {p};CRITICAL;{t};{a};CRITICAL - event {n}"
        ));
        want.push(format!(
            "SERVICE EVENT HANDLER: {p};CRITICAL;{t};{a};svc-eh"
        ));
    }
    want.push(format!("SERVICE ALERT: {p};OK;HARD;3;OK - no events"));
    want.push(format!("SERVICE EVENT HANDLER: {p};OK;HARD;3;svc-eh"));
    assert_eq!(got, want);
}

/// host_down_services trace: the HTTP service fails while its host is HARD DOWN
/// (HARD at once, attempt 1), stays quiet, and recovers SOFT (attempt 1) after the
/// host came back -- Nagios 4.4.6 behaviour.
#[test]
fn trace_host_down_services() {
    let mut s = Svc::new(3).named("web02", "HTTP");
    let out_fail = "connect to address 10.0.0.2 and port 80: No route to host";
    let steps = [
        (0, "HTTP OK: HTTP/1.1 200 OK", 0),
        (2, out_fail, 1),
        (2, out_fail, 1),
        (2, out_fail, 1),
        (0, "HTTP OK: HTTP/1.1 200 OK - back", 0),
        (0, "HTTP OK: HTTP/1.1 200 OK", 0),
    ];
    let mut got = Vec::new();
    let mut pre = vec![s.pre()];
    for (st, o, h) in steps {
        s.host.state = HostState::from_id(h);
        got.extend(s.step(st, o).lines);
        pre.push(s.pre());
    }
    assert_eq!(
        got,
        vec![
            format!("SERVICE ALERT: web02;HTTP;CRITICAL;HARD;1;{out_fail}"),
            "SERVICE EVENT HANDLER: web02;HTTP;CRITICAL;HARD;1;svc-eh".to_string(),
            "SERVICE ALERT: web02;HTTP;OK;SOFT;1;HTTP OK: HTTP/1.1 200 OK - back".to_string(),
            "SERVICE EVENT HANDLER: web02;HTTP;OK;SOFT;1;svc-eh".to_string(),
        ]
    );
    assert_eq!(
        pre,
        lines(&[
            "OK/HARD/1",
            "OK/HARD/1",
            "CRITICAL/HARD/1",
            "CRITICAL/HARD/1",
            "CRITICAL/HARD/1",
            "OK/HARD/1",
            "OK/HARD/1",
        ])
    );
}

/// Recorded with Nagios 4.4.6 (service on a host with max_check_attempts 1 that
/// goes DOWN while the service is SOFT, then recovers): covers row 13, an OK while
/// the host is still down, a problem from OK while the host is down, and a
/// HARD state with attempt < max that changes state after the host recovered.
#[test]
fn recorded_host_down_edge_cases() {
    let mut s = Svc::new(3).named("h2", "s2");
    let steps = [
        (0, "OK a", 0),
        (2, "CRIT b", 0),
        (2, "CRIT c", 0),
        (2, "CRIT d", 1),
        (0, "OK e", 1),
        (2, "CRIT f", 1),
        (2, "CRIT g", 0),
        (1, "WARN h", 0),
        (1, "WARN i", 0),
        (0, "OK j", 0),
        (0, "OK k", 0),
    ];
    let mut got = Vec::new();
    let mut pre = vec![s.pre()];
    for (st, o, h) in steps {
        s.host.state = HostState::from_id(h);
        got.extend(s.step(st, o).lines);
        pre.push(s.pre());
    }
    let mut want = Vec::new();
    for (l, o) in [
        ("CRITICAL;SOFT;1", "CRIT b"),
        ("CRITICAL;SOFT;2", "CRIT c"),
        ("CRITICAL;HARD;3", "CRIT d"),
        ("OK;HARD;3", "OK e"),
        ("CRITICAL;HARD;1", "CRIT f"),
        ("WARNING;SOFT;1", "WARN h"),
        ("WARNING;SOFT;2", "WARN i"),
        ("OK;HARD;3", "OK j"),
    ] {
        want.push(format!("SERVICE ALERT: h2;s2;{l};{o}"));
        want.push(format!("SERVICE EVENT HANDLER: h2;s2;{l};svc-eh"));
    }
    assert_eq!(got, want);
    assert_eq!(
        pre,
        lines(&[
            "OK/HARD/1",
            "OK/HARD/1",
            "CRITICAL/SOFT/1",
            "CRITICAL/SOFT/2",
            "CRITICAL/HARD/3",
            "OK/HARD/1",
            "CRITICAL/HARD/1",
            "CRITICAL/HARD/1",
            "WARNING/SOFT/1",
            "WARNING/SOFT/2",
            "OK/HARD/1",
            "OK/HARD/1",
        ])
    );
}

/// Event ids, problem ids, last_state_change and last_time_* as recorded with
/// Nagios 4.4.6 ($SERVICEPROBLEMID$ etc. in the handler).
#[test]
fn recorded_ids_and_times() {
    let mut s = Svc::new(3);
    s.t = 0.0; // results at t = 1, 2, 3, ...
    let seq = [
        (0, "OK a"),
        (2, "CRIT b"),
        (2, "CRIT c"),
        (0, "OK d"),
        (2, "CRIT e"),
        (2, "CRIT f"),
        (2, "CRIT g"),
        (2, "CRIT h"),
        (0, "OK i"),
        (1, "WARN j"),
        (2, "CRIT k"),
        (0, "OK l"),
    ];
    // (problem id, last problem id, event id, last event id, last_state_change)
    // seen by each handler run
    let mut seen = Vec::new();
    for (st, o) in seq {
        let r = s.step(st, o);
        if r.tr.runs_handlers() {
            let h = &r.at_handler;
            seen.push((
                h.current_problem_id,
                h.last_problem_id,
                h.current_event_id,
                h.last_event_id,
                h.last_state_change,
            ));
        }
    }
    assert_eq!(
        seen,
        vec![
            (1, 0, 1, 0, 2.0),  // CRIT SOFT 1 at t=2
            (1, 0, 1, 0, 2.0),  // CRIT SOFT 2
            (1, 0, 2, 1, 4.0),  // OK SOFT 3: problem id still set for the handler
            (2, 1, 3, 2, 5.0),  // CRIT SOFT 1
            (2, 1, 3, 2, 5.0),  // CRIT SOFT 2
            (2, 1, 3, 2, 7.0),  // CRIT HARD 3: N4 updates last_state_change at SOFT->HARD
            (2, 1, 4, 3, 9.0),  // OK HARD 3
            (3, 2, 5, 4, 10.0), // WARN SOFT 1
            (3, 2, 6, 5, 11.0), // CRIT SOFT 2
            (3, 2, 7, 6, 12.0), // OK SOFT 3
        ]
    );
    assert_eq!((s.st.current_problem_id, s.st.last_problem_id), (0, 3));
    assert_eq!((s.ctr.next_event_id, s.ctr.next_problem_id), (8, 4));
    // last_time_* = time of the result that ended that state: OK at t=10 (WARN j),
    // WARNING at t=11 (CRIT k), CRITICAL at t=12 (OK l)
    assert_eq!(s.st.last_time_in_state, [10.0, 11.0, 12.0, 0.0]);
    // a soft recovery also updates last_hard_state_change (Nagios' retention.dat)
    assert_eq!(s.st.last_hard_state_change, 12.0);
    assert_eq!(s.st.last_state_change, 12.0);
}

/// passive_service trace: passive results go through the SOFT logic; rc 7 became
/// UNKNOWN in the mapping; the PASSIVE SERVICE CHECK line shows the old status.
#[test]
fn trace_passive_service() {
    let mut s = Svc::new(3).named("app1", "queue");
    let steps = [
        (0, "QUEUE OK - 3 items"),
        (2, "QUEUE CRITICAL - 900 items|items=900;100;500"),
        (2, "QUEUE CRITICAL - 950 items"),
        (2, "QUEUE CRITICAL - 990 items"),
        (2, "QUEUE CRITICAL - 999 items"),
        (3, "code seven"),
        (0, "QUEUE OK - drained"),
    ];
    let mut got = Vec::new();
    for (st, o) in steps {
        got.push(common::passive_line(
            &s.st,
            Obj::Service {
                host: "app1".into(),
                service: "queue".into(),
            },
        ));
        got.extend(s.step_with(st, o, CheckType::Passive).lines);
    }
    let p = "app1;queue";
    assert_eq!(
        got,
        vec![
            format!("PASSIVE SERVICE CHECK: {p};0;(null)"),
            format!("PASSIVE SERVICE CHECK: {p};0;QUEUE OK - 3 items"),
            format!("SERVICE ALERT: {p};CRITICAL;SOFT;1;QUEUE CRITICAL - 900 items"),
            format!("SERVICE EVENT HANDLER: {p};CRITICAL;SOFT;1;svc-eh"),
            format!("PASSIVE SERVICE CHECK: {p};2;QUEUE CRITICAL - 900 items"),
            format!("SERVICE ALERT: {p};CRITICAL;SOFT;2;QUEUE CRITICAL - 950 items"),
            format!("SERVICE EVENT HANDLER: {p};CRITICAL;SOFT;2;svc-eh"),
            format!("PASSIVE SERVICE CHECK: {p};2;QUEUE CRITICAL - 950 items"),
            format!("SERVICE ALERT: {p};CRITICAL;HARD;3;QUEUE CRITICAL - 990 items"),
            format!("SERVICE EVENT HANDLER: {p};CRITICAL;HARD;3;svc-eh"),
            format!("PASSIVE SERVICE CHECK: {p};2;QUEUE CRITICAL - 990 items"),
            format!("PASSIVE SERVICE CHECK: {p};2;QUEUE CRITICAL - 999 items"),
            format!("SERVICE ALERT: {p};UNKNOWN;HARD;3;code seven"),
            format!("SERVICE EVENT HANDLER: {p};UNKNOWN;HARD;3;svc-eh"),
            format!("PASSIVE SERVICE CHECK: {p};3;code seven"),
            format!("SERVICE ALERT: {p};OK;HARD;3;QUEUE OK - drained"),
            format!("SERVICE EVENT HANDLER: {p};OK;HARD;3;svc-eh"),
        ]
    );
    assert_eq!(s.st.check_type, CheckType::Passive);
}

/// flapping trace: max_check_attempts 1, thresholds 22/24; the STARTED line comes
/// before the ALERT line of the same result.
#[test]
fn trace_flapping() {
    let mut s = Svc::new(1).named("flap01", "Link");
    s.p.flap = FlapParams {
        enabled: true,
        options: 0xff,
        low: 22.0,
        high: 24.0,
    };
    let mut seq: Vec<(u8, &str)> = vec![
        (0, "LINK OK"),
        (2, "LINK CRITICAL - down"),
        (0, "LINK OK"),
        (2, "LINK CRITICAL - down"),
        (0, "LINK OK"),
        (2, "LINK CRITICAL - down"),
        (0, "LINK OK"),
    ];
    seq.extend([(0, "LINK OK"); 16]);
    seq.push((0, "LINK OK - stable"));
    seq.push((0, "LINK OK - stable"));
    let got = s.run(&seq);
    let p = "flap01;Link";
    let crit = |v: &mut Vec<String>| {
        v.push(format!(
            "SERVICE ALERT: {p};CRITICAL;HARD;1;LINK CRITICAL - down"
        ));
        v.push(format!("SERVICE EVENT HANDLER: {p};CRITICAL;HARD;1;svc-eh"));
    };
    let ok = |v: &mut Vec<String>| {
        v.push(format!("SERVICE ALERT: {p};OK;HARD;1;LINK OK"));
        v.push(format!("SERVICE EVENT HANDLER: {p};OK;HARD;1;svc-eh"));
    };
    let mut want = Vec::new();
    crit(&mut want);
    ok(&mut want);
    crit(&mut want);
    want.push(format!("SERVICE FLAPPING ALERT: {p};STARTED; Service appears to have started flapping (24.2% change >= 24.0% threshold)"));
    ok(&mut want);
    crit(&mut want);
    ok(&mut want);
    want.push(format!("SERVICE FLAPPING ALERT: {p};STOPPED; Service appears to have stopped flapping (20.1% change < 22.0% threshold)"));
    assert_eq!(got, want);
    assert!(!s.st.is_flapping);
}

/// The flap line of a result precedes its ALERT line; handlers are not affected.
#[test]
fn flap_line_before_alert_in_effects() {
    let mut s = Svc::new(1);
    s.p.flap = FlapParams {
        enabled: true,
        options: 0xff,
        low: 5.0,
        high: 10.0,
    };
    s.step(0, "a");
    s.step(2, "b");
    let r = s.step(0, "c");
    assert!(matches!(r.tr.effects[0], Effect::Flapping(_)));
    assert_eq!(
        r.tr.effects[1..],
        [Effect::Alert, Effect::Notify, Effect::EventHandlers]
    );
    assert_eq!(
        r.lines[..2],
        [
            "SERVICE FLAPPING ALERT: h;s;STARTED; Service appears to have started flapping (12.4% change >= 10.0% threshold)",
            "SERVICE ALERT: h;s;OK;HARD;1;c",
        ]
    );
    assert!((s.st.percent_state_change - 12.368421052631579).abs() < 1e-9);
}

#[test]
fn stalking_logs_output_changes_without_handler() {
    use vigil_state::service::{apply_service_result_with, ResultOptions};
    let mut s = Svc::new(1);
    s.step(0, "a");
    s.step(2, "b");
    s.t += 1.0;
    let r = common::result(2, "changed", s.t, CheckType::Active);
    let tr = apply_service_result_with(
        &mut s.st,
        &s.p,
        &ResultOptions { stalking: 0b0100 },
        r,
        &s.host,
        &mut s.ctr,
    );
    assert_eq!(tr.effects, vec![Effect::Alert, Effect::Notify]);
    assert_eq!(
        common::render(&tr, &s.obj(), &s.st, None),
        vec!["SERVICE ALERT: h;s;CRITICAL;HARD;1;changed"]
    );
}

#[test]
fn status_fields_after_result() {
    let mut s = Svc::new(3);
    s.t = 99.0;
    s.step(2, "x | p=1\nlong");
    assert!(s.st.has_been_checked);
    assert_eq!(s.st.last_check, 100.0);
    assert!((s.st.execution_time - 0.1).abs() < 1e-9);
    assert_eq!(s.st.last_state, ServiceState::Ok);
    assert_eq!(s.st.output.perfdata, "p=1");
    assert_eq!(s.st.output.long, "long");
    assert_eq!(s.st.check_type, CheckType::Active);
}
