//! Host state machine: replays of the Nagios 4.4.6 conformance traces and of
//! recorded runs (soft recovery, problem ids, passive results, reachability).

mod common;

use common::{lines, Hst};
use vigil_events::Obj;
use vigil_state::flap::FlapParams;
use vigil_state::host::Reachability;
use vigil_state::{CheckType, Effect, NextCheck, StateType};

/// global_handlers / templates_inheritance traces: max_check_attempts 1.
#[test]
fn trace_max_attempts_1() {
    let mut h = Hst::new("gw01", 1);
    let mut got = Vec::new();
    let mut pre = vec![h.pre()];
    for (s, o) in [
        (0, "PING OK"),
        (1, "PING CRITICAL - Packet loss = 100%"),
        (0, "PING OK"),
    ] {
        got.extend(h.step(s, o).lines);
        pre.push(h.pre());
    }
    assert_eq!(
        got,
        lines(&[
            "HOST ALERT: gw01;DOWN;HARD;1;PING CRITICAL - Packet loss = 100%",
            "HOST EVENT HANDLER: gw01;DOWN;HARD;1;host-eh",
            "HOST ALERT: gw01;UP;HARD;1;PING OK",
            "HOST EVENT HANDLER: gw01;UP;HARD;1;host-eh",
        ])
    );
    assert_eq!(
        pre,
        lines(&["UP/HARD/1", "UP/HARD/1", "DOWN/HARD/1", "UP/HARD/1"])
    );
}

/// handlers_disabled_globally (gw04, M=2) and host_down_services (web02, M=3).
#[test]
fn trace_soft_to_hard_and_hard_recovery() {
    let mut h = Hst::new("gw04", 2);
    h.handler = None;
    let mut pre = vec![h.pre()];
    let mut got = Vec::new();
    for (s, o) in [
        (0, "PING OK"),
        (1, "PING CRITICAL"),
        (1, "PING CRITICAL"),
        (0, "PING OK"),
    ] {
        got.extend(h.step(s, o).lines);
        pre.push(h.pre());
    }
    assert_eq!(
        got,
        lines(&[
            "HOST ALERT: gw04;DOWN;SOFT;1;PING CRITICAL",
            "HOST ALERT: gw04;DOWN;HARD;2;PING CRITICAL",
            "HOST ALERT: gw04;UP;HARD;1;PING OK",
        ])
    );
    assert_eq!(
        pre,
        lines(&[
            "UP/HARD/1",
            "UP/HARD/1",
            "DOWN/SOFT/1",
            "DOWN/HARD/2",
            "UP/HARD/1"
        ])
    );

    let mut h = Hst::new("web02", 3);
    let crit = "PING CRITICAL - Packet loss = 100%";
    let mut got = Vec::new();
    let mut nexts = Vec::new();
    for (s, o) in [
        (0, "PING OK - Packet loss = 0%, RTA = 0.30 ms"),
        (1, crit),
        (1, crit),
        (1, crit),
        (0, "PING OK - Packet loss = 0%, RTA = 0.40 ms"),
        (0, "PING OK - Packet loss = 0%, RTA = 0.35 ms"),
    ] {
        let r = h.step(s, o);
        nexts.push(r.tr.next);
        got.extend(r.lines);
    }
    assert_eq!(
        got,
        vec![
            format!("HOST ALERT: web02;DOWN;SOFT;1;{crit}"),
            "HOST EVENT HANDLER: web02;DOWN;SOFT;1;host-eh".to_string(),
            format!("HOST ALERT: web02;DOWN;SOFT;2;{crit}"),
            "HOST EVENT HANDLER: web02;DOWN;SOFT;2;host-eh".to_string(),
            format!("HOST ALERT: web02;DOWN;HARD;3;{crit}"),
            "HOST EVENT HANDLER: web02;DOWN;HARD;3;host-eh".to_string(),
            "HOST ALERT: web02;UP;HARD;1;PING OK - Packet loss = 0%, RTA = 0.40 ms".to_string(),
            "HOST EVENT HANDLER: web02;UP;HARD;1;host-eh".to_string(),
        ]
    );
    use NextCheck::*;
    assert_eq!(
        nexts,
        vec![Regular, Retry, Retry, AfterChange, Regular, Regular]
    );
}

/// host_parent_unreachable trace: the child of a DOWN parent is UNREACHABLE.
#[test]
fn trace_parent_unreachable() {
    let mut router = Hst::new("router01", 2);
    let mut srv = Hst::new("srv01", 3);
    let mut got_r = Vec::new();
    for (s, o) in [
        (0, "PING OK - Packet loss = 0%"),
        (1, "PING CRITICAL - Packet loss = 100%"),
        (1, "PING CRITICAL - Packet loss = 100%"),
    ] {
        got_r.extend(router.step(s, o).lines);
    }
    let mut got_s = Vec::new();
    let mut pre = vec![srv.pre()];
    let unreach = "PING CRITICAL - Host Unreachable (10.0.1.5)";
    for (s, o, parent_up) in [
        (0, "PING OK - Packet loss = 0%", true),
        (1, unreach, false),
        (1, unreach, false),
        (1, unreach, false),
        (1, unreach, false),
        (0, "PING OK - srv01 back", true),
        (0, "PING OK - Packet loss = 0%", true),
    ] {
        srv.reach = if parent_up {
            Reachability::SomeParentUp
        } else {
            Reachability::NoParentUp
        };
        let r = srv.step(s, o);
        if s == 1 {
            assert!(r.tr.effects.contains(&Effect::EventHandlers) || r.lines.is_empty());
        }
        got_s.extend(r.lines);
        pre.push(srv.pre());
    }
    got_r.extend(router.step(0, "PING OK - router back").lines);
    assert_eq!(
        got_r,
        lines(&[
            "HOST ALERT: router01;DOWN;SOFT;1;PING CRITICAL - Packet loss = 100%",
            "HOST EVENT HANDLER: router01;DOWN;SOFT;1;host-eh",
            "HOST ALERT: router01;DOWN;HARD;2;PING CRITICAL - Packet loss = 100%",
            "HOST EVENT HANDLER: router01;DOWN;HARD;2;host-eh",
            "HOST ALERT: router01;UP;HARD;1;PING OK - router back",
            "HOST EVENT HANDLER: router01;UP;HARD;1;host-eh",
        ])
    );
    assert_eq!(
        got_s,
        vec![
            format!("HOST ALERT: srv01;UNREACHABLE;SOFT;1;{unreach}"),
            "HOST EVENT HANDLER: srv01;UNREACHABLE;SOFT;1;host-eh".to_string(),
            format!("HOST ALERT: srv01;UNREACHABLE;SOFT;2;{unreach}"),
            "HOST EVENT HANDLER: srv01;UNREACHABLE;SOFT;2;host-eh".to_string(),
            format!("HOST ALERT: srv01;UNREACHABLE;HARD;3;{unreach}"),
            "HOST EVENT HANDLER: srv01;UNREACHABLE;HARD;3;host-eh".to_string(),
            "HOST ALERT: srv01;UP;HARD;1;PING OK - srv01 back".to_string(),
            "HOST EVENT HANDLER: srv01;UP;HARD;1;host-eh".to_string(),
        ]
    );
    assert_eq!(
        pre,
        lines(&[
            "UP/HARD/1",
            "UP/HARD/1",
            "UNREACHABLE/SOFT/1",
            "UNREACHABLE/SOFT/2",
            "UNREACHABLE/HARD/3",
            "UNREACHABLE/HARD/3",
            "UP/HARD/1",
            "UP/HARD/1",
        ])
    );
}

/// passive_host_hard trace: passive_host_checks_are_soft=0 makes every passive
/// state change HARD with attempt 1; UNREACHABLE stays UNREACHABLE.
#[test]
fn trace_passive_host_hard() {
    let mut h = Hst::new("edge01", 3);
    let mut got = Vec::new();
    for (s, o) in [
        (0, "OK - agent alive"),
        (1, "CRITICAL - agent lost"),
        (1, "CRITICAL - agent still lost"),
        (2, "UNREACHABLE - uplink down"),
        (0, "OK - agent back"),
        (0, "OK - agent alive"),
    ] {
        got.push(common::passive_line(
            &h.st,
            Obj::Host {
                host: "edge01".into(),
            },
        ));
        got.extend(h.step_with(s, o, CheckType::Passive).lines);
    }
    assert_eq!(
        got,
        lines(&[
            "PASSIVE HOST CHECK: edge01;0;(null)",
            "PASSIVE HOST CHECK: edge01;0;OK - agent alive",
            "HOST ALERT: edge01;DOWN;HARD;1;CRITICAL - agent lost",
            "HOST EVENT HANDLER: edge01;DOWN;HARD;1;host-eh",
            "PASSIVE HOST CHECK: edge01;1;CRITICAL - agent lost",
            "PASSIVE HOST CHECK: edge01;1;CRITICAL - agent still lost",
            "HOST ALERT: edge01;UNREACHABLE;HARD;1;UNREACHABLE - uplink down",
            "HOST EVENT HANDLER: edge01;UNREACHABLE;HARD;1;host-eh",
            "PASSIVE HOST CHECK: edge01;2;UNREACHABLE - uplink down",
            "HOST ALERT: edge01;UP;HARD;1;OK - agent back",
            "HOST EVENT HANDLER: edge01;UP;HARD;1;host-eh",
            "PASSIVE HOST CHECK: edge01;0;OK - agent back",
        ])
    );
}

#[test]
fn passive_soft_and_translate() {
    // passive_host_checks_are_soft=1: normal SOFT logic, state kept as given
    let mut h = Hst::new("p", 2);
    h.p.passive_checks_are_soft = true;
    h.reach = Reachability::NoParentUp;
    let r = h.step_with(1, "down", CheckType::Passive);
    assert_eq!(r.lines[0], "HOST ALERT: p;DOWN;SOFT;1;down");
    let r = h.step_with(1, "down", CheckType::Passive);
    assert_eq!(r.lines[0], "HOST ALERT: p;DOWN;HARD;2;down");
    // translate_passive_host_checks: DOWN becomes UNREACHABLE by reachability,
    // a passive UNREACHABLE stays UNREACHABLE even with a parent up
    let mut h = Hst::new("q", 1);
    h.p.translate_passive = true;
    h.reach = Reachability::NoParentUp;
    assert_eq!(
        h.step_with(1, "x", CheckType::Passive).lines[0],
        "HOST ALERT: q;UNREACHABLE;HARD;1;x"
    );
    h.reach = Reachability::SomeParentUp;
    assert_eq!(
        h.step_with(1, "x", CheckType::Passive).lines[0],
        "HOST ALERT: q;DOWN;HARD;1;x"
    );
    assert_eq!(
        h.step_with(2, "y", CheckType::Passive).lines[0],
        "HOST ALERT: q;UNREACHABLE;HARD;1;y"
    );
}

/// Recorded with Nagios 4.4.6: a soft recovery is `UP;SOFT;1` and the host stays
/// UP/SOFT until its next result; ids as the host handler saw them.
#[test]
fn recorded_soft_recovery_and_ids() {
    let mut h = Hst::new("h3", 3);
    h.t = 0.0;
    let mut got = Vec::new();
    let mut pre = vec![h.pre()];
    let mut ids = Vec::new();
    for (s, o) in [
        (0, "UP a"),
        (1, "DOWN b"),
        (0, "UP c"),
        (0, "UP d"),
        (1, "DOWN e"),
        (1, "DOWN f"),
        (1, "DOWN g"),
        (1, "DOWN h"),
        (0, "UP i"),
        (0, "UP j"),
    ] {
        let r = h.step(s, o);
        if r.tr.runs_handlers() {
            let a = &r.at_handler;
            ids.push((
                a.current_problem_id,
                a.last_problem_id,
                a.current_event_id,
                a.last_event_id,
                a.last_state_change,
            ));
        }
        got.extend(r.lines);
        pre.push(h.pre());
    }
    let mut want = Vec::new();
    for (l, o) in [
        ("DOWN;SOFT;1", "DOWN b"),
        ("UP;SOFT;1", "UP c"),
        ("DOWN;SOFT;1", "DOWN e"),
        ("DOWN;SOFT;2", "DOWN f"),
        ("DOWN;HARD;3", "DOWN g"),
        ("UP;HARD;1", "UP i"),
    ] {
        want.push(format!("HOST ALERT: h3;{l};{o}"));
        want.push(format!("HOST EVENT HANDLER: h3;{l};host-eh"));
    }
    assert_eq!(got, want);
    assert_eq!(
        pre,
        lines(&[
            "UP/HARD/1",
            "UP/HARD/1",
            "DOWN/SOFT/1",
            "UP/SOFT/1",
            "UP/HARD/1",
            "DOWN/SOFT/1",
            "DOWN/SOFT/2",
            "DOWN/HARD/3",
            "DOWN/HARD/3",
            "UP/HARD/1",
            "UP/HARD/1",
        ])
    );
    // hosts clear the problem id before the handler; last_state_change is not
    // touched by SOFT->HARD for hosts
    assert_eq!(
        ids,
        vec![
            (1, 0, 1, 0, 2.0),
            (0, 1, 2, 1, 3.0),
            (2, 1, 3, 2, 5.0),
            (2, 1, 3, 2, 5.0),
            (2, 1, 3, 2, 5.0),
            (0, 2, 4, 3, 9.0),
        ]
    );
    assert_eq!(h.st.last_hard_state_change, 9.0);
    assert_eq!(h.st.last_time_in_state[..3], [10.0, 9.0, 0.0]);
}

#[test]
fn log_host_retries_off_logs_first_soft_and_changes_only() {
    let mut h = Hst::new("x", 3);
    h.p.log_retries = false;
    let got: Vec<String> = [
        (0, "u"),
        (1, "d1"),
        (1, "d2"),
        (1, "d3"),
        (1, "d4"),
        (0, "u"),
    ]
    .iter()
    .flat_map(|(s, o)| h.step(*s, o).lines)
    .collect();
    assert_eq!(
        got,
        lines(&[
            "HOST ALERT: x;DOWN;SOFT;1;d1",
            "HOST EVENT HANDLER: x;DOWN;SOFT;1;host-eh",
            "HOST EVENT HANDLER: x;DOWN;SOFT;2;host-eh",
            "HOST ALERT: x;DOWN;HARD;3;d3",
            "HOST EVENT HANDLER: x;DOWN;HARD;3;host-eh",
            "HOST ALERT: x;UP;HARD;1;u",
            "HOST EVENT HANDLER: x;UP;HARD;1;host-eh",
        ])
    );
}

#[test]
fn down_unreachable_switches_and_propagation() {
    let mut h = Hst::new("c", 2);
    h.reach = Reachability::SomeParentUp;
    let r = h.step(1, "x");
    assert_eq!(
        r.tr.effects,
        vec![
            Effect::Alert,
            Effect::EventHandlers,
            Effect::CheckParents,
            Effect::CheckChildren,
        ]
    );
    // parent went down meanwhile: SOFT DOWN -> UNREACHABLE counts an attempt and is HARD
    h.reach = Reachability::NoParentUp;
    let r = h.step(1, "x");
    assert_eq!(r.lines[0], "HOST ALERT: c;UNREACHABLE;HARD;2;x");
    assert!(r.tr.state_changed && r.tr.hard_changed);
    assert!(!r.tr.effects.contains(&Effect::CheckParents));
    // HARD UNREACHABLE -> HARD DOWN is a hard state change
    h.reach = Reachability::SomeParentUp;
    let r = h.step(1, "x");
    assert_eq!(r.lines[0], "HOST ALERT: c;DOWN;HARD;2;x");
    // same HARD state: nothing but a re-notification attempt
    let r = h.step(1, "x");
    assert_eq!(r.tr.effects, vec![Effect::Notify]);
    let r = h.step(0, "back");
    assert_eq!(
        r.tr.effects,
        vec![
            Effect::Alert,
            Effect::Notify,
            Effect::EventHandlers,
            Effect::CheckParents,
            Effect::CheckChildren,
        ]
    );
    assert_eq!(h.st.state_type, StateType::Hard);
}

#[test]
fn host_flapping_line_before_alert() {
    let mut h = Hst::new("f", 1);
    h.p.flap = FlapParams {
        enabled: true,
        options: 0xff,
        low: 5.0,
        high: 10.0,
    };
    h.step(0, "u");
    h.step(1, "d");
    let r = h.step(0, "u");
    assert_eq!(
        r.lines,
        lines(&[
            "HOST FLAPPING ALERT: f;STARTED; Host appears to have started flapping (12.4% change > 10.0% threshold)",
            "HOST ALERT: f;UP;HARD;1;u",
            "HOST EVENT HANDLER: f;UP;HARD;1;host-eh",
        ])
    );
    assert_eq!(h.st.state_history.len(), 3);
}
