//! Policies through real processes: the cooldown holds under 20 concurrent handler
//! runs for one object, the rate limit counts runs in its window, dry runs run and
//! record nothing; plus the command-line contract (exit 3 on bad input, --check).

mod common;

use std::process::Child;

use common::*;

fn ev(host: &str, service: &str, attempt: u32) -> Vec<String> {
    let mut v = op5_flags("CRITICAL", "SOFT", attempt, host);
    v.push("--service-desc".into());
    v.push(service.into());
    v
}

#[test]
fn cooldown_holds_under_concurrent_runs() {
    let s = Setup::new(
        r#"
state_file = "@DIR@/state.json"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "restart"
cooldown = 60
  [[rule.action]]
  type = "command"
  argv = ["/bin/sh", "-c", "echo ran-$$ >> @DIR@/ran.log; sleep 0.2"]
"#,
    );
    let children: Vec<Child> = (0..20)
        .map(|_| {
            remedy()
                .arg("--rules")
                .arg(&s.rules)
                .args(ev("web01", "nginx", 1))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert_eq!(o.status.code(), Some(0), "{}", stdout(o));
    }
    // Exactly one ran the action.
    let ran = std::fs::read_to_string(s.path("ran.log")).unwrap();
    assert_eq!(ran.lines().count(), 1, "{ran}");
    let a = s.audit();
    let d = decisions(&a);
    assert_eq!(d.len(), 40);
    assert_eq!(d.iter().filter(|x| *x == "matched").count(), 20);
    assert_eq!(d.iter().filter(|x| *x == "ran").count(), 1);
    assert_eq!(d.iter().filter(|x| *x == "skipped_cooldown").count(), 19);
    // Every skip explains itself.
    let skip = a
        .iter()
        .find(|r| r["decision"] == "skipped_cooldown")
        .unwrap();
    let detail = skip["detail"].as_str().unwrap();
    assert!(detail.starts_with("last run "), "{detail}");
    assert!(detail.contains(" ago, cooldown 60 s ("), "{detail}");
    // Stdout of the processes agrees: one `ran` line in all of them.
    let ran_lines = outs
        .iter()
        .flat_map(|o| stdout(o).lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|l| l.starts_with("remedy: ran "))
        .count();
    assert_eq!(ran_lines, 1);

    // Another object is not held back by that cooldown.
    let out = s.run(&ev("web02", "nginx", 1));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(s.path("ran.log"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    // The state file holds one run per object.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path("state.json")).unwrap()).unwrap();
    let objects = state["objects"].as_object().unwrap();
    let mut keys: Vec<&String> = objects.keys().collect();
    keys.sort();
    assert_eq!(keys, ["restart|web01|nginx", "restart|web02|nginx"]);
    assert_eq!(objects["restart|web01|nginx"].as_array().unwrap().len(), 1);
}

#[test]
fn rate_limit_counts_runs_in_window() {
    let s = Setup::new(
        r#"
state_file = "@DIR@/state.json"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "limited"
max_runs = 2
window = "1h"
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
  text = "run {attempt}"
"#,
    );
    for attempt in 1..=4 {
        assert_eq!(s.run(&ev("db01", "pg", attempt)).status.code(), Some(0));
    }
    assert_eq!(
        std::fs::read_to_string(s.path("notes.log")).unwrap(),
        "run 1\nrun 2\n"
    );
    let a = s.audit();
    assert_eq!(
        decisions(&a),
        [
            "matched",
            "ran",
            "matched",
            "ran",
            "matched",
            "skipped_rate_limit",
            "matched",
            "skipped_rate_limit"
        ]
    );
    assert_eq!(a[5]["detail"], "2 runs in the last 3600 s (max_runs 2)");
}

#[test]
fn dry_run_runs_and_records_nothing() {
    let server = TestServer::start(|_| Reply::new(200, "{}"));
    let s = Setup::new(&format!(
        r#"
state_file = "@DIR@/state.json"
audit_log = "@DIR@/audit.jsonl"
systemctl = "@DIR@/systemctl"
[vsphere]
url = "{url}"
user = "u"
password = "p"
[[rule]]
name = "all-kinds"
cooldown = "1h"
  [[rule.action]]
  type = "command"
  argv = ["/usr/bin/touch", "@DIR@/touched-{{host}}"]
  [[rule.action]]
  type = "systemd"
  unit = "{{service}}.service"
  [[rule.action]]
  type = "webhook"
  url = "{url}/hook"
  body = {{ text = "{{host}} {{state}}" }}
  [[rule.action]]
  type = "vsphere_memory"
  add_mb = 512
  vm = "{{_VMID}}"
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
  text = "{{host}} now {{new_mb}} MiB"
"#,
        url = server.url()
    ));
    script(
        &s.path("systemctl"),
        &format!(
            "#!/bin/sh\necho \"$*\" > {}\n",
            s.path("systemctl-called").display()
        ),
    );
    let mut args = ev("web01", "nginx", 1);
    args.extend(["--dry-run".to_string(), "--var".into(), "VMID=vm-42".into()]);
    let out = s.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Nothing ran, nothing was contacted, nothing was recorded.
    assert!(!s.path("touched-web01").exists());
    assert!(!s.path("systemctl-called").exists());
    assert!(!s.path("notes.log").exists());
    assert!(server.requests().is_empty());
    assert!(!s.path("state.json").exists());
    let a = s.audit();
    assert_eq!(
        decisions(&a),
        ["matched", "dry_run", "dry_run", "dry_run", "dry_run", "dry_run"]
    );
    assert!(a.iter().all(|r| r["dry_run"] == true));
    let details: Vec<&str> = a[1..]
        .iter()
        .map(|r| r["detail"].as_str().unwrap())
        .collect();
    let dir = s.dir.path().display().to_string();
    assert_eq!(
        details,
        [
            format!("would run [\"/usr/bin/touch\",\"{dir}/touched-web01\"]"),
            format!("would run [\"{dir}/systemctl\",\"restart\",\"nginx.service\"]"),
            format!(
                "would POST {}/hook: {{\"text\":\"web01 CRITICAL\"}}",
                server.url()
            ),
            format!("would add 512 MiB to VM vm-42 at {}", server.url()),
            format!("would append to {dir}/notes.log: web01 now <new_mb> MiB"),
        ]
    );
    assert!(stdout(&out)
        .contains("remedy: dry_run rule=all-kinds action=systemd object=web01/nginx: would run"));

    // The rules file's own dry_run switch does the same.
    let text = std::fs::read_to_string(&s.rules).unwrap();
    std::fs::write(&s.rules, format!("dry_run = true\n{text}")).unwrap();
    let out = s.run(&ev("web01", "nginx", 1));
    assert_eq!(out.status.code(), Some(0));
    assert!(!s.path("touched-web01").exists());
    assert!(server.requests().is_empty());
    assert_eq!(decisions(&s.audit()).len(), 12);
}

#[test]
fn no_match_is_audited_with_reasons() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "first-soft-critical"
states = ["CRITICAL"]
state_types = ["SOFT"]
attempts = [1]
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
"#,
    );
    let out = s.run(&op5_flags("CRITICAL", "HARD", 3, "web01"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "remedy: no_match object=web01/?: no rule matched (first-soft-critical: state type HARD not in [\"SOFT\"])\n"
    );
    let a = s.audit();
    assert_eq!(decisions(&a), ["no_match"]);
    assert!(a[0].get("rule").is_none());
    assert!(!s.path("notes.log").exists());
}

#[test]
fn bad_input_exits_3_with_usage() {
    let s = Setup::new("[[rule]]\nname = \"x\"\n[[rule.action]]\ntype = \"note\"\npath = \"n\"\n");
    // A bad event.
    let out = s.run(&op5_flags("CRITICAL", "SOFTLY", 1, "web01"));
    assert_eq!(out.status.code(), Some(3));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("UNKNOWN: invalid state type 'SOFTLY' (expected SOFT or HARD)")
    );
    assert_eq!(
        lines.next(),
        Some("Usage: vigil-remedy [OPTIONS] --rules <FILE>")
    );
    // A missing event.
    let out = s.run(&[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).starts_with("UNKNOWN: missing host name"));
    // A bad rules file.
    std::fs::write(&s.rules, "[[rule]]\nname = \"x\"\n").unwrap();
    let out = s.run(&op5_flags("CRITICAL", "SOFT", 1, "web01"));
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stdout(&out).lines().next().unwrap(),
        format!(
            "UNKNOWN: {}: rule 'x': no [[rule.action]]",
            s.rules.display()
        )
    );
    // No rules file at all: clap's message, exit 3.
    let out = remedy()
        .args(op5_flags("CRITICAL", "SOFT", 1, "web01"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("--rules <FILE>"));
}

#[test]
fn check_validates_without_an_event() {
    let s = Setup::new(include_str!("../examples/rules.toml"));
    let out = s.run(&["--check".to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), format!("{}: 5 rules OK\n", s.rules.display()));
}

#[test]
fn environment_event_like_vigil_exports_it() {
    let s = Setup::new(
        r#"
audit_log = "@DIR@/audit.jsonl"
[[rule]]
name = "env"
service = "disk*"
  [[rule.action]]
  type = "note"
  path = "@DIR@/notes.log"
  text = "{host}/{service} {state} {state_type} {attempt}/{max_attempts} {_VOLUME}: {output}"
"#,
    );
    let out = remedy()
        .arg("--rules")
        .arg(&s.rules)
        .envs([
            ("NAGIOS_HOSTNAME", "fs01"),
            ("NAGIOS_SERVICEDESC", "disk /var"),
            ("NAGIOS_SERVICESTATE", "WARNING"),
            ("NAGIOS_SERVICESTATETYPE", "HARD"),
            ("NAGIOS_SERVICEATTEMPT", "3"),
            ("NAGIOS_MAXSERVICEATTEMPTS", "3"),
            ("NAGIOS_SERVICEOUTPUT", "DISK WARNING - 91% used"),
            ("NAGIOS__SERVICEVOLUME", "/dev/sdb1"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        std::fs::read_to_string(s.path("notes.log")).unwrap(),
        "fs01/disk /var WARNING HARD 3/3 /dev/sdb1: DISK WARNING - 91% used\n"
    );
}

/// A new user's first try: the example's paths (`/var/lib/vigil`, `/var/log/vigil`)
/// do not exist. A dry run still answers what would happen (exit 0); a real run that
/// cannot keep its policy state does not act and says so with exit 1.
#[test]
fn a_dry_run_needs_no_writable_state_and_a_real_run_that_cannot_act_fails() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir");
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        format!(
            "state_file = \"{m}/state.json\"\naudit_log = \"{m}/audit.jsonl\"\n\n\
             [[rule]]\nname = \"restart\"\nservice = \"nginx\"\ncooldown = \"10m\"\n\n\
             [[rule.action]]\ntype = \"command\"\nargv = [\"/bin/true\"]\n",
            m = missing.display()
        ),
    )
    .unwrap();
    let args = |dry: bool| {
        let mut a = vec![
            "--rules".to_string(),
            rules.display().to_string(),
            "--service-desc".into(),
            "nginx".into(),
        ];
        a.extend(op5_flags("CRITICAL", "SOFT", 1, "web01"));
        if dry {
            a.push("--dry-run".into());
        }
        a
    };
    let out = remedy().args(args(true)).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("remedy: dry_run rule=restart action=command object=web01/nginx: would run"),
        "{text}"
    );
    assert!(!text.contains("failed"), "{text}");
    let out = remedy().args(args(false)).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("not acting"), "{text}");
    assert!(!missing.exists(), "nothing was created");
}
