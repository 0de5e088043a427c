//! `increase-memory`, the op5 example rebuilt: the same four flags, action only on
//! attempt 1 of a SOFT CRITICAL, the vSphere requests against a fake vCenter on
//! 127.0.0.1, the default cooldown, the note, dry run and configuration errors.

mod common;

use common::*;
use serde_json::json;

fn config(server: &TestServer, extra: &str) -> Setup {
    let s = Setup::new(&format!(
        r#"
audit_log = "audit.jsonl"
note_file = "notes.log"
{extra}
[vsphere]
url = "{url}"
user = "admin@vsphere.local"
password_file = "vc.pass"
"#,
        url = server.url()
    ));
    std::fs::write(s.path("vc.pass"), "s3cret\n").unwrap();
    s
}

fn run(s: &Setup, args: &[String]) -> std::process::Output {
    increase_memory()
        .arg("--config")
        .arg(&s.rules)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn first_soft_critical_adds_512_mib_to_the_hosts_vm() {
    let server = vcenter(204);
    let s = config(&server, "");
    let out = run(&s, &op5_flags("CRITICAL", "SOFT", 1, "web01"));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(
        summary(&reqs),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm?names=web01"),
            ("GET", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("PATCH", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("DELETE", "/api/session"),
        ])
    );
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Basic YWRtaW5AdnNwaGVyZS5sb2NhbDpzM2NyZXQ=")
    );
    assert!(reqs[1..]
        .iter()
        .all(|r| r.header("vmware-api-session-id") == Some("tok-123")));
    assert_eq!(reqs[3].json(), json!({"size_MiB": 4608}));

    let note = std::fs::read_to_string(s.path("notes.log")).unwrap();
    assert!(
        note.ends_with(
            " increase-memory: web01: CRITICAL SOFT attempt 1: VM vm-42 memory 4096 -> 4608 MiB\n"
        ),
        "{note}"
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "ran", "ran"]);
    assert_eq!(a[1]["rule"], "increase-memory");
    assert_eq!(a[1]["detail"], "vm-42: memory 4096 -> 4608 MiB");
    let text = stdout(&out);
    let line = text.lines().nth(1).unwrap_or_default();
    assert!(
        line.starts_with("remedy: ran rule=increase-memory action=vsphere_memory object=web01/?: vm-42: memory 4096 -> 4608 MiB ("),
        "{line}"
    );

    // Same host again within the default cooldown (1 h): nothing is sent.
    let out = run(&s, &op5_flags("CRITICAL", "SOFT", 1, "web01"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.requests().len(), 5);
    assert_eq!(decisions(&s.audit())[3..], ["matched", "skipped_cooldown"]);
    // The cooldown state lives next to the configuration file.
    assert!(s.path("increase-memory.state").exists());
}

#[test]
fn acts_only_on_attempt_1_soft_critical() {
    let server = vcenter(204);
    let s = config(&server, "");
    let cases = [
        (("CRITICAL", "SOFT", 2), "attempt 2 not in [1]"),
        (("CRITICAL", "HARD", 1), "state type HARD not in [\"SOFT\"]"),
        (
            ("WARNING", "SOFT", 1),
            "state WARNING not in [\"CRITICAL\"]",
        ),
        (("OK", "HARD", 1), "state OK not in [\"CRITICAL\"]"),
    ];
    for ((state, ty, attempt), why) in cases {
        let out = run(&s, &op5_flags(state, ty, attempt, "web01"));
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            stdout(&out),
            format!("remedy: no_match object=web01/?: no rule matched (increase-memory: {why})\n")
        );
    }
    assert!(server.requests().is_empty());
    assert!(!s.path("notes.log").exists());
}

#[test]
fn flags_override_the_file_and_dry_run_sends_nothing() {
    let server = vcenter(204);
    let s = config(&server, "add_mb = 256\ncooldown = 0");
    // --dry-run: described, nothing sent.
    let mut args = op5_flags("CRITICAL", "SOFT", 1, "db01");
    args.extend(["--vm".into(), "vm-42".into(), "--dry-run".into()]);
    let out = run(&s, &args);
    assert_eq!(out.status.code(), Some(0));
    assert!(server.requests().is_empty());
    assert_eq!(
        s.audit()[1]["detail"],
        format!("would add 256 MiB to VM vm-42 at {}", server.url())
    );
    // For real, with --add-mb over the file's add_mb: 4096 + 1000 rounded up to the
    // 128 MiB hot-add increment = 5120.
    let mut args = op5_flags("CRITICAL", "SOFT", 1, "db01");
    args.extend([
        "--vm".into(),
        "vm-42".into(),
        "--add-mb".into(),
        "1000".into(),
    ]);
    let out = run(&s, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(summary(&reqs)[1].1, "/api/vcenter/vm/vm-42/hardware/memory");
    assert_eq!(reqs[2].json(), json!({"size_MiB": 5120}));
    // cooldown = 0: no state file is needed or written.
    assert!(!s.path("increase-memory.state").exists());
}

#[test]
fn everything_from_flags_without_a_file() {
    let server = vcenter(204);
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "s3cret").unwrap();
    let mut args = op5_flags("CRITICAL", "SOFT", 1, "web01");
    for (k, v) in [
        ("--url", server.url()),
        ("--user", "admin@vsphere.local".to_string()),
        ("--password-file", pw.display().to_string()),
        ("--state-file", dir.path().join("st").display().to_string()),
        (
            "--audit-log",
            dir.path().join("audit").display().to_string(),
        ),
    ] {
        args.push(k.into());
        args.push(v);
    }
    let out = increase_memory().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(server.requests().len(), 5);
    assert_eq!(
        decisions(&audit(&dir.path().join("audit"))),
        ["matched", "ran"]
    );
    assert!(dir.path().join("st").exists());
}

#[test]
fn configuration_errors_exit_3() {
    let out = increase_memory()
        .args(op5_flags("CRITICAL", "SOFT", 1, "web01"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("UNKNOWN: <flags>: [vsphere]: vsphere: missing url (in [vsphere] or the action)")
    );
    assert_eq!(lines.next(), Some("Usage: increase-memory [OPTIONS]"));

    let server = vcenter(204);
    let s = config(&server, "add_mb = \"lots\"");
    let out = run(&s, &op5_flags("CRITICAL", "SOFT", 1, "web01"));
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stdout(&out).starts_with(&format!("UNKNOWN: {}: TOML parse error", s.rules.display())),
        "{}",
        stdout(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn example_config_loads() {
    use std::time::Duration;
    use vigil_remedy::config::{ActionKind, VmRef};
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/increase-memory.toml");
    let rules = vigil_remedy::increase_memory::build(Some(&path), &Default::default()).unwrap();
    let rule = &rules.rules[0];
    assert_eq!(rule.policy.cooldown, Duration::from_secs(3600));
    assert_eq!(rule.policy.max_runs, Some(3));
    assert_eq!(rule.policy.window, Duration::from_secs(86400));
    assert_eq!(rule.actions.len(), 2);
    assert_eq!(rule.actions[0].timeout, Duration::from_secs(120));
    match &rule.actions[0].kind {
        ActionKind::VsphereMemory {
            conn,
            vm,
            add_mb,
            max_mb,
        } => {
            assert_eq!(conn.url, "https://vcenter.example.com");
            assert!(matches!(vm, VmRef::Name(t) if t.source() == "{host}"));
            assert_eq!((*add_mb, *max_mb), (512, Some(32768)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        rules.settings.state_file.as_deref(),
        Some(std::path::Path::new("/var/lib/vigil/increase-memory.state"))
    );
}
