//! `vigil verify` / `vigil -v`: object counts and exit 0 on a good configuration,
//! every error with `path:line: error:` and exit 1 on a bad one, the `--json` form,
//! and `--help` of every subcommand.

mod common;

use common::*;

const GOOD_OBJECTS: &str = "\
define timeperiod {
    timeperiod_name  24x7
    alias            always
    monday           00:00-24:00
}
define command {
    command_name  ok
    command_line  /bin/echo OK
}
define command {
    command_name  notify
    command_line  /bin/true
}
define command {
    command_name  eh
    command_line  /bin/echo $SERVICESTATE$
}
define contact {
    contact_name                   admin
    host_notification_period       24x7
    service_notification_period    24x7
    host_notification_commands     notify
    service_notification_commands  notify
}
define contactgroup {
    contactgroup_name  admins
    members            admin
}
define host {
    name                generic
    max_check_attempts  2
    check_period        24x7
    contact_groups      admins
    register            0
}
define host {
    use        generic
    host_name  web1
    address    10.0.0.1
}
define host {
    use        generic
    host_name  web2
    address    10.0.0.2
}
define hostgroup {
    hostgroup_name  web
    members         web1,web2
}
define service {
    hostgroup_name       web
    service_description  http
    check_command        ok
    max_check_attempts   3
    check_interval       1
    retry_interval       1
    check_period         24x7
    notification_period  24x7
    contact_groups       admins
    event_handler        eh
}
define service {
    host_name            web1
    service_description  disk
    check_command        ok
    max_check_attempts   1
    check_period         24x7
    notification_period  24x7
    contact_groups       admins
}
";

/// Line numbers below refer to this text (1-based).
const BAD_OBJECTS: &str = "\
define command {
    command_name  ok
    command_line  /bin/echo OK
}
define host {
    host_name a
    max_check_attempts 1
    parents b
}
define host {
    host_name b
    max_check_attempts 1
    parents a
}
define host {
    host_name c
    use no-such-template
    max_check_attempts 1
}
define service {
    host_name a
    service_description nomax
    check_command ok
}
define service {
    host_name a
    service_description undefcmd
    check_command no-such-command!1
    max_check_attempts 2
}
";

fn good() -> (TestDir, String) {
    let t = TestDir::new();
    let cfg = write_config(&t, "", GOOD_OBJECTS);
    (t, cfg.display().to_string())
}

fn bad() -> (TestDir, String, String) {
    let t = TestDir::new();
    let cfg = write_config(&t, "", BAD_OBJECTS);
    let objs = t.s("objects.cfg");
    (t, cfg.display().to_string(), objs)
}

const EXPECTED_COUNTS: [&str; 12] = [
    "\tChecked 3 services.",
    "\tChecked 2 hosts.",
    "\tChecked 1 host groups.",
    "\tChecked 0 service groups.",
    "\tChecked 1 contacts.",
    "\tChecked 1 contact groups.",
    "\tChecked 3 commands.",
    "\tChecked 1 time periods.",
    "\tChecked 0 host escalations.",
    "\tChecked 0 service escalations.",
    "\tChecked 0 host dependencies.",
    "\tChecked 0 service dependencies.",
];

#[test]
fn verify_good_config_prints_counts_and_exits_0() {
    let (_t, cfg) = good();
    for args in [["verify", cfg.as_str()], ["-v", cfg.as_str()]] {
        let o = vigil(&args);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {out}{}", stderr(&o));
        let lines: Vec<&str> = out.lines().collect();
        let first = lines
            .iter()
            .position(|l| *l == "Checking objects...")
            .unwrap_or_else(|| panic!("no 'Checking objects...' in {out}"));
        assert_eq!(&lines[first + 1..first + 13], &EXPECTED_COUNTS[..], "{out}");
        assert!(out.contains("Total Errors:   0\n"), "{out}");
        assert!(
            out.contains("Things look okay - No serious problems were detected"),
            "{out}"
        );
        assert!(!out.contains(": error:"), "{out}");
    }
}

#[test]
fn verify_reports_every_error_with_file_and_line() {
    let (_t, cfg, objs) = bad();
    let o = vigil(&["verify", &cfg]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.contains(": error: ")).collect();
    // (line, words that must be in the message)
    let want: [(u32, &[&str]); 4] = [
        (15, &["template", "no-such-template"]),
        (20, &["nomax", "max_check_attempts"]),
        (25, &["undefcmd", "no-such-command", "not defined"]),
        (10, &["circular"]),
    ];
    for (line, words) in want {
        let prefix = format!("{objs}:{line}: error: ");
        let hit = errors
            .iter()
            .find(|l| l.starts_with(&prefix) && words.iter().all(|w| l.contains(w)));
        assert!(
            hit.is_some(),
            "no error line '{prefix}...' with {words:?}; errors:\n{}",
            errors.join("\n")
        );
    }
    assert_eq!(
        errors.len(),
        4,
        "exactly four errors:\n{}",
        errors.join("\n")
    );
    assert!(out.contains("Total Errors:   4\n"), "{out}");
    assert!(
        out.contains(
            "***> One or more problems was encountered while running the pre-flight check..."
        ),
        "{out}"
    );
    // No counts for a configuration that did not load.
    assert!(!out.contains("Checking objects..."), "{out}");

    // The nagios-style spelling gives the same result.
    let o2 = vigil(&["-v", &cfg]);
    assert_eq!(o2.status.code(), Some(1));
    assert_eq!(
        stdout(&o2)
            .lines()
            .filter(|l| l.contains(": error: "))
            .count(),
        4
    );
}

#[test]
fn verify_json_good_and_bad() {
    let (_t, cfg) = good();
    let o = vigil(&["verify", "--json", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("verify --json parses");
    assert_eq!(v["ok"], true);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["config"], cfg.as_str());
    let c = &v["counts"];
    assert_eq!(c["services"], 3);
    assert_eq!(c["hosts"], 2);
    assert_eq!(c["hostgroups"], 1);
    assert_eq!(c["contacts"], 1);
    assert_eq!(c["contactgroups"], 1);
    assert_eq!(c["commands"], 3);
    assert_eq!(c["timeperiods"], 1);
    assert_eq!(c["service_dependencies"], 0);
    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(
        v["warnings"].as_u64(),
        Some(diags.iter().filter(|d| d["severity"] == "warning").count() as u64)
    );

    let (_t2, cfg, objs) = bad();
    let o = vigil(&["verify", "--json", &cfg]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("verify --json parses");
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 4);
    assert!(v["counts"].is_null(), "{v}");
    let errs: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errs.len(), 4, "{v}");
    for e in &errs {
        assert_eq!(e["file"], objs.as_str(), "{e}");
    }
    let mut lines: Vec<u64> = errs.iter().filter_map(|e| e["line"].as_u64()).collect();
    lines.sort();
    assert_eq!(lines, vec![10, 15, 20, 25]);
    let undef = errs
        .iter()
        .find(|e| e["line"] == 25)
        .expect("error at line 25");
    assert!(
        undef["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-command")),
        "{undef}"
    );
}

#[test]
fn verify_missing_main_config_is_an_error() {
    let t = TestDir::new();
    let missing = t.s("nope.cfg");
    let o = vigil(&["verify", &missing]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("cannot read main config file '{missing}'")),
        "{out}"
    );
    assert!(out.contains("Total Errors:   1\n"), "{out}");
}

#[test]
fn help_works_for_every_subcommand() {
    let top = vigil(&["--help"]);
    assert_eq!(top.status.code(), Some(0));
    let text = stdout(&top);
    for sub in ["verify", "run", "handlers", "fire"] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(sub)),
            "top-level help lists {sub}:\n{text}"
        );
        for args in [vec![sub, "--help"], vec!["help", sub]] {
            let o = vigil(&args);
            assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
            let h = stdout(&o);
            assert!(
                h.contains(&format!("Usage: vigil {sub}")),
                "{args:?} prints usage:\n{h}"
            );
        }
    }
    // The nagios-style spelling reaches verify's help too.
    let o = vigil(&["-v", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Usage: vigil verify"));
    // Options that are documented in the help.
    let fire = stdout(&vigil(&["fire", "--help"]));
    for opt in ["--state", "--type", "--attempt", "--dry-run", "--json"] {
        assert!(fire.contains(opt), "fire --help mentions {opt}:\n{fire}");
    }
    let handlers = stdout(&vigil(&["handlers", "--help"]));
    for opt in ["--host", "--service", "--last", "--json"] {
        assert!(
            handlers.contains(opt),
            "handlers --help mentions {opt}:\n{handlers}"
        );
    }
}

#[test]
fn unknown_subcommand_option_is_a_usage_error() {
    let o = vigil(&["verify", "--no-such-option", "x.cfg"]);
    assert_eq!(o.status.code(), Some(2), "clap usage errors exit 2");
    assert!(stderr(&o).contains("--no-such-option"));
}

#[test]
fn help_states_the_default_log_file() {
    for sub in ["verify", "run"] {
        let text = stdout(&vigil(&[sub, "--help"]));
        assert!(
            text.contains(vigil_config::DEFAULT_LOG_FILE),
            "{sub} --help names {}:\n{text}",
            vigil_config::DEFAULT_LOG_FILE
        );
    }
}
