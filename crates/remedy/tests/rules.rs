//! The rules engine: parsing and checking rules files, and which rules match which
//! events (and why not), through the library API.

use std::time::Duration;

use vigil_handler::{Event, ObjectKind, RawEvent, State, StateType};
use vigil_remedy::config::{ActionKind, Body, MatchMode, Password, VmRef};
use vigil_remedy::Rules;

fn svc(host: &str, service: Option<&str>, state: &str, ty: &str, attempt: u32) -> Event {
    RawEvent {
        host: Some(host.into()),
        service: service.map(str::to_string),
        service_state: Some(state.into()),
        service_state_type: Some(ty.into()),
        service_attempt: Some(attempt.to_string()),
        ..RawEvent::default()
    }
    .build()
    .unwrap()
}

fn host_ev(host: &str, state: &str, ty: &str, attempt: u32) -> Event {
    RawEvent {
        host: Some(host.into()),
        host_state: Some(state.into()),
        host_state_type: Some(ty.into()),
        host_attempt: Some(attempt.to_string()),
        ..RawEvent::default()
    }
    .build()
    .unwrap()
}

const RULES: &str = r#"
state_file = "state.json"
audit_log = "audit.jsonl"
timeout = "45s"

[vsphere]
url = "https://vc.example.com/"
user = "svc@vsphere.local"
password_file = "vc.pass"

[[rule]]
name = "restart-web"
host = ["web*", "edge-[0-9]"]
service = "nginx*"
states = ["CRITICAL"]
state_types = ["SOFT"]
attempts = [1, "3-4"]
cooldown = "10m"
max_runs = 3
window = "1h"
  [[rule.action]]
  type = "systemd"
  unit = "nginx.service"
  timeout = 20

[[rule]]
name = "host-down"
object = "host"
states = ["DOWN", "UNREACHABLE"]
  [[rule.action]]
  type = "webhook"
  url = "http://127.0.0.1:9/hook"
  headers = { x-token = "t-{host}" }
  body = { text = "{host} is {state}", n = 1, tags = ["a", "{kind}"] }

[[rule]]
name = "any-problem"
  [[rule.action]]
  type = "note"
  path = "notes.log"

[[rule]]
name = "memory"
service = "*"
states = "WARNING"
attempts = "2"
  [[rule.action]]
  type = "vsphere_memory"
  add_mb = 256
  max_mb = 8192
  [[rule.action]]
  type = "command"
  argv = ["/usr/local/bin/tell", "{host}", "{new_mb}"]
"#;

#[test]
fn parses_the_full_format() {
    let r = Rules::parse(RULES).unwrap();
    assert_eq!(r.settings.timeout, Duration::from_secs(45));
    assert_eq!(r.settings.match_mode, MatchMode::First);
    assert_eq!(
        r.settings.state_file.as_deref(),
        Some("state.json".as_ref())
    );
    assert_eq!(r.rules.len(), 4);
    let web = &r.rules[0];
    assert_eq!(
        web.hosts.as_ref().unwrap().sources,
        vec!["web*", "edge-[0-9]"]
    );
    assert_eq!(web.states, Some(vec![State::Critical]));
    assert_eq!(web.state_types, Some(vec![StateType::Soft]));
    assert_eq!(web.attempts, Some(vec![1..=1, 3..=4]));
    assert_eq!(web.policy.cooldown, Duration::from_secs(600));
    assert_eq!(web.policy.max_runs, Some(3));
    assert_eq!(web.policy.window, Duration::from_secs(3600));
    assert_eq!(web.actions[0].timeout, Duration::from_secs(20));
    match &web.actions[0].kind {
        ActionKind::Systemd { verb, unit } => {
            assert_eq!(verb, "restart");
            assert_eq!(unit.source(), "nginx.service");
        }
        other => panic!("{other:?}"),
    }
    let hd = &r.rules[1];
    assert_eq!(hd.object, Some(ObjectKind::Host));
    assert_eq!(hd.actions[0].timeout, Duration::from_secs(45));
    match &hd.actions[0].kind {
        ActionKind::Webhook { headers, body, .. } => {
            assert_eq!(headers.len(), 1);
            assert_eq!(headers[0].0, "x-token");
            assert!(matches!(body, Body::Value(_)));
        }
        other => panic!("{other:?}"),
    }
    match &r.rules[3].actions[0].kind {
        ActionKind::VsphereMemory {
            conn,
            vm,
            add_mb,
            max_mb,
        } => {
            assert_eq!(conn.url, "https://vc.example.com");
            assert_eq!(conn.user, "svc@vsphere.local");
            assert_eq!(conn.password, Password::File("vc.pass".into()));
            assert!(!conn.insecure);
            // Default VM: the _VMID custom variable.
            assert!(matches!(vm, VmRef::Id(t) if t.source() == "{_VMID}"));
            assert_eq!((*add_mb, *max_mb), (256, Some(8192)));
        }
        other => panic!("{other:?}"),
    }
}

fn names(r: &Rules, ev: &Event) -> Vec<String> {
    r.select(ev).iter().map(|x| x.name.clone()).collect()
}

#[test]
fn matching_first_rule_wins() {
    let r = Rules::parse(RULES).unwrap();
    // The restart rule.
    assert_eq!(
        names(&r, &svc("web01", Some("nginx"), "CRITICAL", "SOFT", 1)),
        ["restart-web"]
    );
    assert_eq!(
        names(&r, &svc("edge-7", Some("nginx-lb"), "CRITICAL", "SOFT", 4)),
        ["restart-web"]
    );
    // Attempt 2 is not in [1, 3-4]: falls through to any-problem.
    assert_eq!(
        names(&r, &svc("web01", Some("nginx"), "CRITICAL", "SOFT", 2)),
        ["any-problem"]
    );
    // HARD falls through.
    assert_eq!(
        names(&r, &svc("web01", Some("nginx"), "CRITICAL", "HARD", 3)),
        ["any-problem"]
    );
    // edge-77 does not match edge-[0-9] (globs match the whole name).
    assert_eq!(
        names(&r, &svc("edge-77", Some("nginx"), "CRITICAL", "SOFT", 1)),
        ["any-problem"]
    );
    // Host events: host-down, never the service rules.
    assert_eq!(names(&r, &host_ev("sw1", "DOWN", "SOFT", 1)), ["host-down"]);
    assert_eq!(
        names(&r, &host_ev("sw1", "UNREACHABLE", "HARD", 3)),
        ["host-down"]
    );
    // Recoveries match no rule: rules without `states` take problems only.
    assert!(names(&r, &svc("web01", Some("nginx"), "OK", "HARD", 1)).is_empty());
    assert!(names(&r, &host_ev("sw1", "UP", "HARD", 1)).is_empty());
    // WARNING attempt 2: any-problem comes first in the file.
    assert_eq!(
        names(&r, &svc("db", Some("mem"), "WARNING", "SOFT", 2)),
        ["any-problem"]
    );
}

#[test]
fn match_all_and_mismatch_reasons() {
    let text = format!("match = \"all\"\n{RULES}");
    let r = Rules::parse(&text).unwrap();
    assert_eq!(r.settings.match_mode, MatchMode::All);
    assert_eq!(
        names(&r, &svc("web01", Some("nginx"), "CRITICAL", "SOFT", 1)),
        ["restart-web", "any-problem"]
    );
    assert_eq!(
        names(&r, &svc("db", Some("mem"), "WARNING", "SOFT", 2)),
        ["any-problem", "memory"]
    );
    // A service event without a service name (op5's four flags) matches service="*".
    assert_eq!(
        names(&r, &svc("db", None, "WARNING", "SOFT", 2)),
        ["any-problem", "memory"]
    );

    let web = &r.rules[0];
    let reason = |ev: &Event| web.mismatch(ev).unwrap_or_default();
    assert_eq!(
        reason(&svc("db01", Some("nginx"), "CRITICAL", "SOFT", 1)),
        r#"host 'db01' not in ["web*", "edge-[0-9]"]"#
    );
    assert_eq!(
        reason(&svc("web01", Some("apache"), "CRITICAL", "SOFT", 1)),
        r#"service 'apache' not in ["nginx*"]"#
    );
    assert_eq!(
        reason(&svc("web01", None, "CRITICAL", "SOFT", 1)),
        r#"service '' not in ["nginx*"]"#
    );
    assert_eq!(
        reason(&svc("web01", Some("nginx"), "WARNING", "SOFT", 1)),
        r#"state WARNING not in ["CRITICAL"]"#
    );
    assert_eq!(
        reason(&svc("web01", Some("nginx"), "CRITICAL", "HARD", 1)),
        r#"state type HARD not in ["SOFT"]"#
    );
    assert_eq!(
        reason(&svc("web01", Some("nginx"), "CRITICAL", "SOFT", 2)),
        "attempt 2 not in [1, 3-4]"
    );
    assert_eq!(
        reason(&host_ev("web01", "DOWN", "SOFT", 1)),
        "host event, rule names services"
    );
    assert_eq!(
        r.rules[1].mismatch(&svc("web01", Some("x"), "CRITICAL", "SOFT", 1)),
        Some("service event, rule is for host events".to_string())
    );
    assert_eq!(
        r.rules[2].mismatch(&svc("web01", Some("x"), "OK", "HARD", 1)),
        Some("state OK (rules without states match problems only)".to_string())
    );
    assert!(web.matches(&svc("web01", Some("nginx"), "CRITICAL", "SOFT", 3)));
}

#[test]
fn relative_paths_follow_the_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.toml");
    std::fs::write(&p, RULES).unwrap();
    let r = Rules::load(&p).unwrap();
    assert_eq!(r.settings.state_file, Some(dir.path().join("state.json")));
    assert_eq!(r.settings.audit_log, Some(dir.path().join("audit.jsonl")));
    match &r.rules[2].actions[0].kind {
        ActionKind::Note { path, .. } => assert_eq!(path, &dir.path().join("notes.log")),
        other => panic!("{other:?}"),
    }
}

fn err(text: &str) -> String {
    Rules::parse(text).unwrap_err().to_string()
}

const NOTE: &str = "[[rule.action]]\ntype = \"note\"\npath = \"n\"\n";

#[test]
fn configuration_errors_are_precise() {
    assert_eq!(
        err(&format!(
            "[[rule]]\nname = \"a\"\n{NOTE}[[rule]]\nname = \"a\"\n{NOTE}"
        )),
        "<string>: rule 'a': duplicate rule name"
    );
    assert_eq!(
        err(&format!("[[rule]]\nname = \"a\"\nhost = \"web[\"\n{NOTE}")),
        "<string>: rule 'a': host: error parsing glob 'web[': unclosed character class; missing ']'"
    );
    assert_eq!(
        err(&format!("[[rule]]\nname = \"a\"\nstates = [\"CRIT\"]\n{NOTE}")),
        "<string>: rule 'a': states: 'CRIT' is not OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN or UNREACHABLE"
    );
    assert_eq!(
        err(&format!("[[rule]]\nname = \"a\"\nattempts = [\"3-1\"]\n{NOTE}")),
        "<string>: rule 'a': attempts: bad range '3-1' (expected numbers from 1 or ranges like \"1-3\")"
    );
    assert_eq!(
        err(&format!("[[rule]]\nname = \"a\"\ncooldown = 60\n{NOTE}")),
        "<string>: rule 'a': cooldown / max_runs need state_file at the top of the rules file"
    );
    assert_eq!(
        err(&format!(
            "state_file = \"s\"\n[[rule]]\nname = \"a\"\nmax_runs = 2\n{NOTE}"
        )),
        "<string>: rule 'a': max_runs needs a window (\"1h\", ...)"
    );
    assert_eq!(
        err(&format!("[[rule]]\nname = \"a\"\ncooldown = \"5 minutes\"\n{NOTE}")),
        "<string>: rule 'a': cooldown: expected seconds (30) or a duration (\"500ms\", \"30s\", \"5m\", \"2h\", \"1d\")"
    );
    assert_eq!(
        err("[[rule]]\nname = \"a\"\n"),
        "<string>: rule 'a': no [[rule.action]]"
    );
    assert_eq!(
        err("[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"command\"\nargv = [\"echo\", \"{hots}\"]\n"),
        "<string>: rule 'a' action 1: argv: unknown placeholder {hots} (known: host, service, state, state_id, state_type, attempt, max_attempts, output, host_state, host_address, kind, rule, timestamp, vm, old_mb, new_mb, _CUSTOMVAR)"
    );
    assert_eq!(
        err("[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"systemd\"\nunit = \"x\"\nverb = \"stop\"\n"),
        "<string>: rule 'a' action 1: systemd: verb 'stop' is not one of restart, try-restart, reload-or-restart, start, reload"
    );
    assert_eq!(
        err("[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"vsphere_memory\"\nadd_mb = 512\n"),
        "<string>: rule 'a' action 1: vsphere: missing url (in [vsphere] or the action)"
    );
    assert_eq!(
        err("[vsphere]\nurl = \"https://v\"\nuser = \"u\"\npassword = \"p\"\npassword_file = \"f\"\n[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"vsphere_memory\"\nadd_mb = 512\n"),
        "<string>: rule 'a' action 1: vsphere: give password or password_file, not both"
    );
    assert_eq!(
        err("[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"webhook\"\nurl = \"ftp://x\"\n"),
        "<string>: rule 'a' action 1: webhook: url 'ftp://x' must start with https:// or http://"
    );
    // Unknown fields and action types come from the TOML reader with their position.
    let e = err(&format!(
        "[[rule]]\nname = \"a\"\nstate = \"CRITICAL\"\n{NOTE}"
    ));
    assert!(
        e.starts_with("<string>: TOML parse error at line 3, column 1"),
        "{e}"
    );
    assert!(e.contains("unknown field `state`"), "{e}");
    let e = err("[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"reboot\"\n");
    assert!(e.contains("unknown variant `reboot`"), "{e}");
    let e = err(
        "[[rule]]\nname = \"a\"\n[[rule.action]]\ntype = \"note\"\npath = \"n\"\ntxt = \"x\"\n",
    );
    assert!(e.contains("unknown field `txt`"), "{e}");
}

/// `last_outcome`: a rule that escalates only when vigil says the previous handler
/// run did not help (`VIGIL_LAST_OUTCOME`, from `_VIGIL_VERIFY`).
#[test]
fn last_outcome_selects_the_escalation_rule() {
    let rules = Rules::parse(
        r#"
match = "all"
[[rule]]
name = "restart"
attempts = [1]
last_outcome = "none"
  [[rule.action]]
  type = "command"
  argv = ["/bin/true"]
[[rule]]
name = "escalate"
last_outcome = ["not_recovered", "unknown"]
  [[rule.action]]
  type = "note"
  path = "n.log"
  text = "{host}: restart did not help ({last_outcome})"
"#,
    )
    .unwrap();
    let ev = |attempt: u32, last: Option<&str>| {
        RawEvent {
            host: Some("web01".into()),
            service: Some("nginx".into()),
            service_state: Some("CRITICAL".into()),
            service_state_type: Some("SOFT".into()),
            service_attempt: Some(attempt.to_string()),
            last_outcome: last.map(str::to_string),
            ..RawEvent::default()
        }
        .build()
        .unwrap()
    };
    let names =
        |e: &Event| -> Vec<String> { rules.select(e).iter().map(|r| r.name.clone()).collect() };
    assert_eq!(names(&ev(1, None)), vec!["restart"]);
    assert_eq!(names(&ev(2, Some("not_recovered"))), vec!["escalate"]);
    assert_eq!(names(&ev(2, Some("recovered"))), Vec::<String>::new());
    // From the environment, as vigil exports it.
    let raw = RawEvent::from_env([
        ("NAGIOS_HOSTNAME", "web01"),
        ("NAGIOS_SERVICEDESC", "nginx"),
        ("NAGIOS_SERVICESTATE", "CRITICAL"),
        ("NAGIOS_SERVICESTATETYPE", "SOFT"),
        ("NAGIOS_SERVICEATTEMPT", "2"),
        ("VIGIL_LAST_OUTCOME", "not_recovered"),
    ]);
    assert_eq!(names(&raw.build().unwrap()), vec!["escalate"]);
    // A wrong word is refused, in the event and in the rules file.
    let bad = RawEvent {
        last_outcome: Some("fixed".into()),
        ..ev_raw()
    };
    assert!(bad.build().is_err());
    let err = Rules::parse(
        "[[rule]]\nname = \"x\"\nlast_outcome = \"fixed\"\n[[rule.action]]\ntype = \"command\"\nargv = [\"/bin/true\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("last_outcome: unknown outcome 'fixed'"),
        "{err}"
    );
}

fn ev_raw() -> RawEvent {
    RawEvent {
        host: Some("h".into()),
        service_state: Some("CRITICAL".into()),
        service_state_type: Some("SOFT".into()),
        service_attempt: Some("1".into()),
        ..RawEvent::default()
    }
}
