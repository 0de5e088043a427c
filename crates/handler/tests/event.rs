//! Reading events from flags, environment and JSON through the public API, and the
//! exit-3 convention of a real handler process (`vigil-event`).

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use clap::Parser;
use vigil_handler::{EventArgs, EventError, EventOnly, ObjectKind, RawEvent, State, StateType};

fn args(list: &[&str]) -> EventArgs {
    let mut v = vec!["handler"];
    v.extend_from_slice(list);
    EventOnly::try_parse_from(v).expect("flags parse").event
}

fn no_env() -> Vec<(String, String)> {
    Vec::new()
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn op5_four_flags_make_a_service_event() {
    let a = args(&[
        "--service-state",
        "CRITICAL",
        "--service-state-type",
        "SOFT",
        "--service-attempt",
        "1",
        "--host-name",
        "db01",
    ]);
    let ev = a.resolve_with(no_env(), &mut std::io::empty()).unwrap();
    assert_eq!(ev.kind, ObjectKind::Service);
    assert_eq!(ev.host, "db01");
    assert_eq!(ev.service, None);
    assert_eq!(ev.state, State::Critical);
    assert_eq!(ev.state_type, StateType::Soft);
    assert_eq!(ev.attempt, 1);
    assert_eq!(ev.max_attempts, None);
    assert_eq!(ev.output, "");
    assert_eq!(ev.host_state, None);
    assert_eq!(ev.object_label(), "db01/?");
}

#[test]
fn all_flags() {
    let a = args(&[
        "--host-name",
        "web01",
        "--host-address",
        "10.1.2.3",
        "--service-desc",
        "nginx",
        "--service-state",
        "2",
        "--service-state-type",
        "hard",
        "--service-attempt",
        "3",
        "--max-attempts",
        "3",
        "--host-state",
        "UP",
        "--output",
        "-1 workers alive",
        "--var",
        "_VMID=vm-42",
        "--host-var",
        "rack=b7",
    ]);
    let ev = a.resolve_with(no_env(), &mut std::io::empty()).unwrap();
    assert_eq!(ev.service.as_deref(), Some("nginx"));
    assert_eq!(ev.state, State::Critical);
    assert_eq!(ev.state_type, StateType::Hard);
    assert_eq!((ev.attempt, ev.max_attempts), (3, Some(3)));
    assert_eq!(ev.output, "-1 workers alive");
    assert_eq!(ev.host_state, Some(State::Up));
    assert_eq!(ev.host_address.as_deref(), Some("10.1.2.3"));
    assert_eq!(ev.custom_var("_VMID"), Some("vm-42"));
    assert_eq!(ev.custom_var("vmid"), Some("vm-42"));
    assert_eq!(ev.custom_var("_RACK"), Some("b7"));
    assert_eq!(ev.custom_var("_HOSTRACK"), Some("b7"));
    assert_eq!(ev.custom_var("_SERVICEVMID"), Some("vm-42"));
    assert_eq!(ev.custom_var("_NOPE"), None);
    assert_eq!(ev.object_label(), "web01/nginx");
    assert_eq!(ev.field("state").as_deref(), Some("CRITICAL"));
    assert_eq!(ev.field("state_id").as_deref(), Some("2"));
    assert_eq!(ev.field("max_attempts").as_deref(), Some("3"));
    assert_eq!(ev.field("_VMID").as_deref(), Some("vm-42"));
    assert_eq!(ev.field("bogus"), None);
}

#[test]
fn host_event_from_flags() {
    let a = args(&[
        "--host-name",
        "sw1",
        "--host-state",
        "DOWN",
        "--host-state-type",
        "SOFT",
        "--host-attempt",
        "2",
        "--max-host-attempts",
        "5",
        "--output",
        "PING CRITICAL",
    ]);
    let ev = a.resolve_with(no_env(), &mut std::io::empty()).unwrap();
    assert_eq!(ev.kind, ObjectKind::Host);
    assert_eq!(ev.state, State::Down);
    assert_eq!(ev.host_state, Some(State::Down));
    assert_eq!((ev.attempt, ev.max_attempts), (2, Some(5)));
    assert_eq!(ev.output, "PING CRITICAL");
    assert_eq!(ev.field("service").as_deref(), Some(""));
    assert_eq!(ev.object_label(), "sw1");
}

/// The environment of a service event handler as vigil exports it: service macros,
/// host macros, custom variables, and unrelated empty ones.
fn service_env() -> Vec<(String, String)> {
    env(&[
        ("NAGIOS_HOSTNAME", "web01"),
        ("NAGIOS_HOSTADDRESS", "10.1.2.3"),
        ("NAGIOS_SERVICEDESC", "nginx"),
        ("NAGIOS_SERVICESTATE", "WARNING"),
        ("NAGIOS_SERVICESTATEID", "1"),
        ("NAGIOS_SERVICESTATETYPE", "SOFT"),
        ("NAGIOS_SERVICEATTEMPT", "2"),
        ("NAGIOS_MAXSERVICEATTEMPTS", "4"),
        ("NAGIOS_SERVICEOUTPUT", "HTTP WARNING: 3.2 s"),
        ("NAGIOS_HOSTSTATE", "UP"),
        ("NAGIOS_HOSTSTATETYPE", "HARD"),
        ("NAGIOS_HOSTATTEMPT", "1"),
        ("NAGIOS_HOSTOUTPUT", "PING OK"),
        ("NAGIOS_SERVICEACKAUTHOR", ""),
        ("NAGIOS__SERVICEVMID", "vm-42"),
        ("NAGIOS__HOSTRACK", "b7"),
        ("PATH", "/usr/bin"),
    ])
}

#[test]
fn service_event_from_environment() {
    let a = args(&[]);
    let ev = a
        .resolve_with(service_env(), &mut std::io::empty())
        .unwrap();
    assert_eq!(ev.kind, ObjectKind::Service);
    assert_eq!(ev.host, "web01");
    assert_eq!(ev.service.as_deref(), Some("nginx"));
    assert_eq!(ev.state, State::Warning);
    assert_eq!(ev.state_type, StateType::Soft);
    assert_eq!((ev.attempt, ev.max_attempts), (2, Some(4)));
    assert_eq!(ev.output, "HTTP WARNING: 3.2 s");
    assert_eq!(ev.host_state, Some(State::Up));
    let sv: BTreeMap<String, String> = [("VMID".to_string(), "vm-42".to_string())].into();
    let hv: BTreeMap<String, String> = [("RACK".to_string(), "b7".to_string())].into();
    assert_eq!(ev.service_vars, sv);
    assert_eq!(ev.host_vars, hv);
}

#[test]
fn host_event_from_environment_ignores_empty_service_macros() {
    let e = env(&[
        ("NAGIOS_HOSTNAME", "sw1"),
        ("NAGIOS_SERVICEDESC", ""),
        ("NAGIOS_SERVICESTATE", ""),
        ("NAGIOS_SERVICESTATETYPE", ""),
        ("NAGIOS_HOSTSTATE", "UNREACHABLE"),
        ("NAGIOS_HOSTSTATETYPE", "HARD"),
        ("NAGIOS_HOSTATTEMPT", "3"),
        ("NAGIOS_MAXHOSTATTEMPTS", "3"),
        ("NAGIOS_HOSTOUTPUT", "parent down"),
    ]);
    let ev = args(&[]).resolve_with(e, &mut std::io::empty()).unwrap();
    assert_eq!(ev.kind, ObjectKind::Host);
    assert_eq!(ev.state, State::Unreachable);
    assert_eq!(ev.state_type, StateType::Hard);
    assert_eq!((ev.attempt, ev.max_attempts), (3, Some(3)));
    assert_eq!(ev.output, "parent down");
    assert_eq!(ev.service, None);
}

#[test]
fn flags_win_over_environment_and_no_env_ignores_it() {
    let a = args(&["--service-state", "CRITICAL", "--service-attempt", "1"]);
    let ev = a
        .resolve_with(service_env(), &mut std::io::empty())
        .unwrap();
    assert_eq!(ev.state, State::Critical);
    assert_eq!(ev.attempt, 1);
    // The rest still comes from the environment.
    assert_eq!(ev.host, "web01");
    assert_eq!(ev.state_type, StateType::Soft);

    let a = args(&["--no-env", "--service-state", "CRITICAL"]);
    let err = a
        .resolve_with(service_env(), &mut std::io::empty())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing host name (give --host-name, NAGIOS_HOSTNAME or \"host\")"
    );
}

#[test]
fn json_on_stdin() {
    let doc = r#"{"host": "web01", "service": "nginx", "state": "CRITICAL",
        "state_type": "SOFT", "attempt": "1", "max_attempts": 3,
        "output": "quote \" and\nnewline", "host_state": "UP",
        "vars": {"_vmid": "vm-7"}}"#;
    let a = args(&["--stdin-json", "--no-env"]);
    let ev = a.resolve_with(no_env(), &mut doc.as_bytes()).unwrap();
    assert_eq!(ev.kind, ObjectKind::Service);
    assert_eq!(ev.state, State::Critical);
    assert_eq!((ev.attempt, ev.max_attempts), (1, Some(3)));
    assert_eq!(ev.output, "quote \" and\nnewline");
    assert_eq!(ev.custom_var("VMID"), Some("vm-7"));
    // Round trip: to_json reads back to the same event.
    let again = vigil_handler::Event::from_json(&ev.to_json()).unwrap();
    assert_eq!(again, ev);
    // Without --stdin-json the document is not read.
    let a = args(&["--no-env"]);
    assert!(a.resolve_with(no_env(), &mut doc.as_bytes()).is_err());
}

#[test]
fn json_host_event_and_flags_over_json() {
    let doc = r#"{"host_name": "sw1", "state": "DOWN", "state_type": "HARD", "attempt": 2}"#;
    let a = args(&["--stdin-json", "--host-attempt", "1"]);
    let ev = a.resolve_with(no_env(), &mut doc.as_bytes()).unwrap();
    assert_eq!(ev.kind, ObjectKind::Host);
    assert_eq!(ev.state, State::Down);
    assert_eq!(ev.attempt, 1);
    let round = vigil_handler::Event::from_json(&ev.to_json()).unwrap();
    assert_eq!(round, ev);
}

#[test]
fn json_errors_are_clear() {
    let cases: &[(&str, &str)] = &[
        ("not json", "invalid JSON event on stdin: expected ident at line 1 column 2"),
        (
            r#"{"host": "a", "stat": "OK"}"#,
            "invalid JSON event on stdin: unknown field `stat`",
        ),
        (
            r#"{"host": "a", "state": 2, "state_type": "SOFT", "attempt": 1}"#,
            "invalid JSON event on stdin: numeric state \"2\" is ambiguous without \"service\" or \"kind\"",
        ),
        (
            r#"{"host": "a", "state": "CRIT", "state_type": "SOFT", "attempt": 1}"#,
            "invalid state 'CRIT' (expected OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN or UNREACHABLE)",
        ),
        (
            r#"{"host": "a", "state": "OK", "state_type": "SOFT", "attempt": [1]}"#,
            "invalid JSON event on stdin: field \"attempt\" must be a string or a number, not [1]",
        ),
    ];
    for (doc, want) in cases {
        let err = vigil_handler::Event::from_json(doc).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with(want), "{doc}: got {msg}");
    }
    // Numeric state with "kind" is fine.
    let ev = vigil_handler::Event::from_json(
        r#"{"kind": "host", "host": "a", "state": 1, "state_type": 0, "attempt": 1}"#,
    )
    .unwrap();
    assert_eq!((ev.state, ev.state_type), (State::Down, StateType::Soft));
}

#[test]
fn validation_errors() {
    let base = RawEvent {
        host: Some("h".into()),
        service_state: Some("CRITICAL".into()),
        service_state_type: Some("SOFT".into()),
        service_attempt: Some("1".into()),
        ..RawEvent::default()
    };
    assert!(base.clone().build().is_ok());

    let e = RawEvent {
        service_state: Some("DOWN".into()),
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid service state 'DOWN' (expected OK, WARNING, CRITICAL, UNKNOWN or 0-3)"
    );
    let e = RawEvent {
        host_state: Some("CRITICAL".into()),
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(
        e,
        EventError::InvalidState {
            kind: ObjectKind::Host,
            value: "CRITICAL".into()
        }
    );
    let e = RawEvent {
        service_attempt: Some("0".into()),
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid attempt '0' (expected a whole number from 1)"
    );
    let e = RawEvent {
        service_attempt: Some("x".into()),
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(
        e,
        EventError::InvalidNumber {
            field: "attempt",
            value: "x".into()
        }
    );
    let e = RawEvent {
        service_attempt: Some("4".into()),
        max_service_attempts: Some("3".into()),
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(e.to_string(), "attempt 4 is above max attempts 3");
    let e = RawEvent {
        service_state_type: None,
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "missing service state type (give --service-state-type, NAGIOS_SERVICESTATETYPE or \"state_type\")"
    );
    let e = RawEvent {
        service_state: None,
        ..base.clone()
    }
    .build()
    .unwrap_err();
    assert!(matches!(e, EventError::Missing { what: "state", .. }));
    let e = args(&["--var", "novalue"]).to_raw().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid custom variable 'novalue' (expected NAME=VALUE)"
    );
}

// ---- the real process ----

fn vigil_event() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vigil-event"));
    // A clean environment: only what the test gives.
    c.env_clear();
    c
}

#[test]
fn process_prints_event_from_flags() {
    let out = vigil_event()
        .args([
            "--service-state",
            "CRITICAL",
            "--service-state-type",
            "SOFT",
            "--service-attempt",
            "1",
            "--host-name",
            "db01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "kind": "service", "host": "db01", "service": null, "state": "CRITICAL",
            "state_type": "SOFT", "attempt": 1, "max_attempts": null, "output": "",
            "host_state": null, "host_address": null, "service_vars": {}, "host_vars": {}
        })
    );
}

#[test]
fn process_reads_environment_and_stdin() {
    let out = vigil_event().envs(service_env()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "WARNING");
    assert_eq!(v["service_vars"]["VMID"], "vm-42");

    let mut child = vigil_event()
        .arg("--stdin-json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"host":"h","state":"DOWN","state_type":"HARD","attempt":3}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "host");
    assert_eq!(v["state"], "DOWN");
    assert_eq!(v["attempt"], 3);
}

#[test]
fn process_bad_input_exits_3_with_usage() {
    let out = vigil_event()
        .args([
            "--service-state",
            "BROKEN",
            "--service-state-type",
            "SOFT",
            "--service-attempt",
            "1",
            "--host-name",
            "db01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("UNKNOWN: invalid service state 'BROKEN' (expected OK, WARNING, CRITICAL, UNKNOWN or 0-3)")
    );
    assert_eq!(lines.next(), Some("Usage: vigil-event [OPTIONS]"));
    assert_eq!(
        lines.next(),
        Some("Try 'vigil-event --help' for more information.")
    );

    // Nothing at all.
    let out = vigil_event().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("UNKNOWN: missing host name"), "{text}");

    // An unknown flag: clap's message, still exit 3.
    let out = vigil_event().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("UNKNOWN: error: unexpected argument '--frobnicate' found"),
        "{text}"
    );
    assert!(text.contains("Usage: vigil-event [OPTIONS]"), "{text}");

    // --help is not an error.
    let out = vigil_event().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("--service-state-type <TYPE>"));
}
