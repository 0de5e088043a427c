//! Every action against real local endpoints, through the `vigil-remedy` process:
//! programs for `command` and `systemd` (a fake systemctl that records its argv),
//! an HTTP server on 127.0.0.1 for `webhook` and the vSphere endpoints (asserting
//! the exact requests), a file for `note`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn flags(extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        "--host-name",
        "web01",
        "--service-desc",
        "nginx",
        "--service-state",
        "CRITICAL",
        "--service-state-type",
        "SOFT",
        "--service-attempt",
        "1",
        "--max-attempts",
        "3",
    ];
    v.extend_from_slice(extra);
    v.into_iter().map(String::from).collect()
}

/// Output full of shell metacharacters, quotes and a newline.
const NASTY: &str = "conn \"refused\" $(touch /tmp/x); `id` \\ end\nsecond line";

#[test]
fn command_runs_argv_without_shell() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "record"
  [[rule.action]]
  type = "command"
  argv = ["@DIR@/record", "{host}", "{service}", "{state}/{state_type}/{attempt}", "{output}", "{_VMID}"]
"#,
    );
    script(
        &s.path("record"),
        &format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done > {}\necho recorded $#\n",
            s.path("argv").display()
        ),
    );
    let out = s.run(&flags(&["--output", NASTY, "--var", "VMID=vm-9"]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let argv = std::fs::read_to_string(s.path("argv")).unwrap();
    assert_eq!(
        argv,
        format!("[web01]\n[nginx]\n[CRITICAL/SOFT/1]\n[{NASTY}]\n[vm-9]\n")
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "ran"]);
    assert_eq!(a[1]["rule"], "record");
    assert_eq!(a[1]["action"], "command");
    assert_eq!(a[1]["object"], "web01/nginx");
    assert_eq!(a[1]["host"], "web01");
    assert_eq!(a[1]["service"], "nginx");
    assert_eq!(a[1]["state"], "CRITICAL");
    assert_eq!(a[1]["state_type"], "SOFT");
    assert_eq!(a[1]["attempt"], 1);
    assert_eq!(a[1]["dry_run"], false);
    let detail = a[1]["detail"].as_str().unwrap();
    assert!(
        detail.ends_with("\"vm-9\"]: exit 0: recorded 5"),
        "{detail}"
    );
    // The same decisions on stdout, one line each.
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(
        lines[0],
        "remedy: matched rule=record object=web01/nginx: CRITICAL SOFT attempt 1: 1 action"
    );
    assert!(lines[1].starts_with("remedy: ran rule=record action=command object=web01/nginx: [\""));
}

#[test]
fn command_failure_and_missing_custom_variable() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
match = "all"
[[rule]]
name = "fails"
  [[rule.action]]
  type = "command"
  argv = ["/bin/sh", "-c", "echo broken >&2; exit 7"]
  [[rule.action]]
  type = "note"
  path = "@DIR@/never"
[[rule]]
name = "needs-var"
  [[rule.action]]
  type = "command"
  argv = ["/bin/echo", "{_UNIT}"]
[[rule]]
name = "no-such-program"
  [[rule.action]]
  type = "command"
  argv = ["@DIR@/missing-program"]
"#,
    );
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let a = s.audit();
    assert_eq!(
        decisions(&a),
        ["matched", "failed", "matched", "failed", "matched", "failed"]
    );
    assert_eq!(
        a[1]["detail"],
        "[\"/bin/sh\",\"-c\",\"echo broken >&2; exit 7\"]: exit 7: broken (1 later action not run)"
    );
    assert!(!s.path("never").exists());
    assert_eq!(a[3]["detail"], "no value for {_UNIT} in this event");
    assert_eq!(
        a[5]["detail"],
        format!(
            "cannot run {}: No such file or directory (os error 2)",
            s.path("missing-program").display()
        )
    );
}

#[test]
fn command_timeout() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "slow"
  [[rule.action]]
  type = "command"
  argv = ["/bin/sleep", "30"]
  timeout = "300ms"
"#,
    );
    let t = Instant::now();
    let out = s.run(&flags(&[]));
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1));
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "failed"]);
    assert_eq!(
        a[1]["detail"],
        "[\"/bin/sleep\",\"30\"]: timed out after 0.3 s"
    );
}

#[test]
fn systemd_restart_through_fake_systemctl() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
systemctl = "@DIR@/systemctl"
match = "all"
[[rule]]
name = "restart"
service = "nginx"
  [[rule.action]]
  type = "systemd"
  unit = "{service}.service"
[[rule]]
name = "reload-by-var"
  [[rule.action]]
  type = "systemd"
  verb = "reload-or-restart"
  unit = "{_UNIT}"
"#,
    );
    script(
        &s.path("systemctl"),
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> {}\n[ \"$2\" = broken.service ] && {{ echo 'Unit broken.service not found.' >&2; exit 5; }}\nexit 0\n",
            s.path("calls").display()
        ),
    );
    let out = s.run(&flags(&["--var", "UNIT=app@2.service"]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(s.path("calls")).unwrap(),
        "restart nginx.service\nreload-or-restart app@2.service\n"
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "ran", "matched", "ran"]);
    assert_eq!(
        a[1]["detail"],
        format!(
            "[\"{}\",\"restart\",\"nginx.service\"]: exit 0",
            s.path("systemctl").display()
        )
    );

    // A unit systemctl refuses: failed, with its exit code and message.
    let out = s.run(&flags(&["--no-env", "--var", "UNIT=broken.service"]));
    assert_eq!(out.status.code(), Some(1));
    let a = s.audit();
    assert_eq!(
        a.last().unwrap()["detail"],
        format!(
            "[\"{}\",\"reload-or-restart\",\"broken.service\"]: exit 5: Unit broken.service not found.",
            s.path("systemctl").display()
        )
    );
    // A unit that would be an option is refused before systemctl runs.
    let before = std::fs::read_to_string(s.path("calls")).unwrap();
    let out = s.run(&flags(&["--var", "UNIT=--force"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        s.audit().last().unwrap()["detail"],
        "systemd: '--force' is not a unit name"
    );
    let after = std::fs::read_to_string(s.path("calls")).unwrap();
    assert_eq!(after.lines().count(), before.lines().count() + 1); // only the nginx restart
}

#[test]
fn webhook_posts_templated_json() {
    let server = TestServer::start(|_| Reply::new(201, r#"{"id": 17}"#));
    let s = Setup::new(&format!(
        r#"
audit_log = "@DIR@/audit.jsonl"
match = "all"
[[rule]]
name = "ticket"
  [[rule.action]]
  type = "webhook"
  url = "{url}/hooks/tickets?source=vigil"
  headers = {{ x-api-token = "secret-{{host}}" }}
  body = {{ title = "{{host}}/{{service}} is {{state}}", text = "{{output}}", attempt = 1, tags = ["vigil", "{{state_type}}"], nested = {{ ok = false }} }}
[[rule]]
name = "chat"
  [[rule.action]]
  type = "webhook"
  url = "{url}/chat"
  body_template = '{{"text": "{{host}}: {{output}}", "blocks": [{{"n": {{attempt}}}}]}}'
[[rule]]
name = "default"
  [[rule.action]]
  type = "webhook"
  url = "{url}/default"
"#,
        url = server.url()
    ));
    let out = s.run(&flags(&["--output", NASTY, "--var", "VMID=vm-9"]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);

    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/hooks/tickets?source=vigil");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-api-token"), Some("secret-web01"));
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("vigil-remedy/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        r.json(),
        json!({
            "title": "web01/nginx is CRITICAL",
            "text": NASTY,
            "attempt": 1,
            "tags": ["vigil", "SOFT"],
            "nested": {"ok": false}
        })
    );

    let r = &reqs[1];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/chat"));
    assert_eq!(
        r.json(),
        json!({"text": format!("web01: {NASTY}"), "blocks": [{"n": 1}]})
    );

    let r = &reqs[2];
    assert_eq!(r.path, "/default");
    assert_eq!(
        r.json(),
        json!({
            "rule": "default",
            "event": {
                "kind": "service", "host": "web01", "service": "nginx",
                "state": "CRITICAL", "state_type": "SOFT", "attempt": 1,
                "max_attempts": 3, "output": NASTY, "host_state": null,
                "host_address": null, "service_vars": {"VMID": "vm-9"}, "host_vars": {}
            }
        })
    );
    let a = s.audit();
    assert_eq!(
        decisions(&a),
        ["matched", "ran", "matched", "ran", "matched", "ran"]
    );
    assert_eq!(
        a[1]["detail"],
        format!("POST {}/hooks/tickets?source=vigil: HTTP 201", server.url())
    );
}

#[test]
fn webhook_errors_statuses_and_timeouts() {
    let server = TestServer::start(|req| {
        if req.path == "/slow" {
            Reply {
                status: 200,
                body: "{}".into(),
                delay: Duration::from_secs(5),
            }
        } else {
            Reply::new(500, r#"{"error": "database down"}"#)
        }
    });
    let s = Setup::new(&format!(
        r#"
audit_log = "@DIR@/audit.jsonl"
match = "all"
[[rule]]
name = "err"
  [[rule.action]]
  type = "webhook"
  url = "{url}/err"
[[rule]]
name = "slow"
  [[rule.action]]
  type = "webhook"
  url = "{url}/slow"
  timeout = "500ms"
[[rule]]
name = "refused"
  [[rule.action]]
  type = "webhook"
  url = "http://127.0.0.1:1/nothing"
"#,
        url = server.url()
    ));
    let t = Instant::now();
    let out = s.run(&flags(&[]));
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    assert_eq!(out.status.code(), Some(1));
    let a = s.audit();
    assert_eq!(
        decisions(&a),
        ["matched", "failed", "matched", "failed", "matched", "failed"]
    );
    assert_eq!(
        a[1]["detail"],
        format!(
            "POST {}/err: HTTP 500: {{\"error\": \"database down\"}}",
            server.url()
        )
    );
    assert_eq!(a[3]["detail"], "timed out after 0.5 s");
    let refused = a[5]["detail"].as_str().unwrap();
    assert!(
        refused.starts_with("POST http://127.0.0.1:1/nothing: "),
        "{refused}"
    );
}

fn vsphere_rules(server: &TestServer, vm_line: &str) -> Setup {
    let s = Setup::new(&format!(
        r#"
audit_log = "@DIR@/audit.jsonl"
[vsphere]
url = "{url}/"
user = "admin@vsphere.local"
password_file = "@DIR@/vc.pass"
[[rule]]
name = "memory"
  [[rule.action]]
  type = "vsphere_memory"
  add_mb = 512
  {vm_line}
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
  text = "{{rule}} {{host}}: VM {{vm}} memory {{old_mb}} -> {{new_mb}} MiB"
"#,
        url = server.url()
    ));
    std::fs::write(s.path("vc.pass"), "s3cret\n").unwrap();
    s
}

#[test]
fn vsphere_memory_by_vm_id_from_custom_variable() {
    let server = vcenter(204);
    let s = vsphere_rules(&server, "");
    let out = s.run(&flags(&["--var", "_VMID=vm-42"]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let reqs = server.requests();
    assert_eq!(
        summary(&reqs),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("PATCH", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("DELETE", "/api/session"),
        ])
    );
    // Login: basic auth, no session header, no body.
    assert_eq!(
        reqs[0].header("authorization"),
        Some("Basic YWRtaW5AdnNwaGVyZS5sb2NhbDpzM2NyZXQ=")
    );
    assert_eq!(reqs[0].header("vmware-api-session-id"), None);
    assert_eq!(reqs[0].body, "");
    // Every later call: the session token, never the password.
    for r in &reqs[1..] {
        assert_eq!(r.header("vmware-api-session-id"), Some("tok-123"), "{r:?}");
        assert_eq!(r.header("authorization"), None, "{r:?}");
    }
    assert_eq!(reqs[2].header("content-type"), Some("application/json"));
    // 4096 + 512 = 4608, a multiple of the 128 MiB hot-add increment.
    assert_eq!(reqs[2].json(), json!({"size_MiB": 4608}));
    assert_eq!(reqs[2].body, r#"{"size_MiB":4608}"#);

    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "ran", "ran"]);
    assert_eq!(a[1]["action"], "vsphere_memory");
    assert_eq!(a[1]["detail"], "vm-42: memory 4096 -> 4608 MiB");
    assert_eq!(
        std::fs::read_to_string(s.path("notes.log")).unwrap(),
        "memory web01: VM vm-42 memory 4096 -> 4608 MiB\n"
    );
}

#[test]
fn vsphere_memory_by_vm_name_lookup() {
    let server = vcenter(204);
    let s = vsphere_rules(&server, "vm_name = \"{host}\"");
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        summary(&server.requests()),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm?names=web01"),
            ("GET", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("PATCH", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("DELETE", "/api/session"),
        ])
    );
}

#[test]
fn vsphere_failures_still_log_out() {
    // PATCH refused.
    let server = vcenter(400);
    let s = vsphere_rules(&server, "vm = \"vm-42\"");
    let out = s.run(&flags(&[]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        summary(&server.requests()).last().unwrap(),
        &("DELETE".to_string(), "/api/session".to_string())
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "failed"]);
    assert_eq!(
        a[1]["detail"],
        "vsphere: update memory: HTTP 400: {\"error_type\": \"INVALID_ARGUMENT\", \"messages\": [{\"default_message\": \"hot add not allowed\"}]} (1 later action not run)"
    );
    assert!(!s.path("notes.log").exists());

    // Unknown VM name.
    let server = vcenter(204);
    let s = vsphere_rules(&server, "vm_name = \"ghost\"");
    s.run(&flags(&[]));
    assert_eq!(
        summary(&server.requests()),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm?names=ghost"),
            ("DELETE", "/api/session"),
        ])
    );
    assert_eq!(
        s.audit()[1]["detail"],
        "vsphere: find VM: 0 VMs named 'ghost' (need exactly one) (1 later action not run)"
    );

    // Wrong password: login refused, nothing else sent.
    let server = vcenter(204);
    let s = vsphere_rules(&server, "vm = \"vm-42\"");
    std::fs::write(s.path("vc.pass"), "wrong\n").unwrap();
    s.run(&flags(&[]));
    assert_eq!(
        summary(&server.requests()),
        pairs(&[("POST", "/api/session")])
    );
    assert_eq!(
        s.audit()[1]["detail"],
        "vsphere: login: HTTP 401: {\"error_type\": \"UNAUTHENTICATED\"} (1 later action not run)"
    );

    // max_mb: nothing is changed.
    let server = vcenter(204);
    let s = vsphere_rules(&server, "vm = \"vm-42\"\n  max_mb = 4500");
    s.run(&flags(&[]));
    assert_eq!(
        summary(&server.requests()),
        pairs(&[
            ("POST", "/api/session"),
            ("GET", "/api/vcenter/vm/vm-42/hardware/memory"),
            ("DELETE", "/api/session"),
        ])
    );
    assert_eq!(
        s.audit()[1]["detail"],
        "vsphere: vm-42: 4608 MiB would exceed 4500 (max_mb) (1 later action not run)"
    );
}

#[test]
fn note_appends_one_line_per_run() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "note"
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
  text = "{rule}: {host}/{service} {state} {state_type} {attempt}/{max_attempts}: {output}"
"#,
    );
    assert_eq!(s.run(&flags(&["--output", "a\nb"])).status.code(), Some(0));
    assert_eq!(
        s.run(&flags(&["--output", "second"])).status.code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(s.path("notes.log")).unwrap(),
        "note: web01/nginx CRITICAL SOFT 1/3: a b\nnote: web01/nginx CRITICAL SOFT 1/3: second\n"
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["matched", "ran", "matched", "ran"]);
    assert_eq!(
        a[3]["detail"],
        format!(
            "appended to {}: note: web01/nginx CRITICAL SOFT 1/3: second",
            s.path("notes.log").display()
        )
    );
}
