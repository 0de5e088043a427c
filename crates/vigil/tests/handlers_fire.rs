//! `vigil handlers` (the journal of handler runs after a `vigil run`) and `vigil fire`
//! (run or, with `--dry-run`, show an object's handlers for a chosen transition):
//! listings and filters, exit codes, markers proving what ran, the JSON forms, and
//! clear errors for unknown objects and bad states.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Handler script: touches `<dir>/<prefix>.<state>.<type>.<attempt>`, prints what it
/// did, exits 3 on a HARD state and 0 otherwise.
fn handler_script(prefix: &str, dir: &str) -> String {
    format!(
        "#!/bin/sh\ntouch {dir}/{prefix}.$1.$2.$3\necho \"{prefix} handled $1 $2 $3\"\n[ \"$2\" = HARD ] && exit 3\nexit 0\n"
    )
}

fn cfg_arg(t: &TestDir) -> String {
    t.s("nagios.cfg")
}

#[test]
fn handlers_lists_recorded_runs_with_filters_and_exit_codes() {
    let t = TestDir::new();
    t.script("crit", "#!/bin/sh\necho 'CRIT from plugin'\nexit 2\n");
    t.script("eh", &handler_script("marker", &t.s("var")));
    let objects = "\
define command {
    command_name crit
    command_line $USER1$/crit
}
define command {
    command_name eh
    command_line $USER1$/eh $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$
}
define host {
    host_name h1
    max_check_attempts 1
}
define host {
    host_name h2
    max_check_attempts 1
}
define service {
    host_name h1
    service_description crit
    check_command crit
    max_check_attempts 3
    check_interval 1
    retry_interval 1
    event_handler eh
}
define service {
    host_name h2
    service_description other
    check_command crit
    max_check_attempts 1
    check_interval 1
    retry_interval 1
    event_handler eh
}
";
    write_config(&t, "", objects);
    let cfg = cfg_arg(&t);

    // Before any run: nothing recorded, not an error.
    let o = vigil(&["handlers", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "no handler runs recorded in {}\n",
            t.s("var/vigil-handlers.jsonl")
        )
    );
    let o = vigil(&["handlers", &cfg, "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v, serde_json::json!([]));

    let mut d = Daemon::start(&t.p("nagios.cfg"), t.path(), &t.p("var/stderr.txt"), &[]);
    let enough = || {
        let j = t.journal();
        j.iter().filter(|e| e["service"] == "crit").count() >= 3
            && j.iter().any(|e| e["service"] == "other")
    };
    assert!(
        wait_for(Duration::from_secs(30), enough),
        "journal: {:?}\nlog:\n{}",
        t.journal(),
        t.log()
    );
    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());

    // --last 2 of h1;crit, as JSON.
    let o = vigil(&[
        "handlers",
        &cfg,
        "--last",
        "2",
        "--host",
        "h1",
        "--service",
        "crit",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("handlers --json parses");
    let runs = v.as_array().expect("array");
    let got: Vec<(String, u64, i64, String)> = runs
        .iter()
        .map(|e| {
            (
                e["state_type"].as_str().unwrap_or("").to_string(),
                e["attempt"].as_u64().unwrap_or(0),
                e["exit_code"].as_i64().unwrap_or(-1),
                e["output"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "SOFT".into(),
                2,
                0,
                "marker handled CRITICAL SOFT 2\n".into()
            ),
            (
                "HARD".into(),
                3,
                3,
                "marker handled CRITICAL HARD 3\n".into()
            ),
        ]
    );
    for e in runs {
        assert_eq!(e["host"], "h1");
        assert_eq!(e["service"], "crit");
        assert_eq!(e["directive"], "eh");
        assert_eq!(e["dry_run"], false);
        assert!(e["duration"]
            .as_f64()
            .is_some_and(|x| (0.0..10.0).contains(&x)));
    }

    // Human form: one summary line per run with the exit code, the command, the output.
    let o = vigil(&["handlers", &cfg, "--host", "h1", "--service", "crit"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let eh = t.s("eh");
    for (ty, at, code) in [("SOFT", 1, 0), ("SOFT", 2, 0), ("HARD", 3, 3)] {
        assert!(
            out.contains(&format!(
                "  handler eh (object) for h1;crit on CRITICAL;{ty};{at}: exit {code} after "
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!("    command: {eh} CRITICAL {ty} {at}\n")),
            "{out}"
        );
        assert!(
            out.contains(&format!("    | marker handled CRITICAL {ty} {at}\n")),
            "{out}"
        );
    }
    assert!(!out.contains("h2;other"), "{out}");

    // Filters: by service, by host, and no match.
    let o = vigil(&["handlers", &cfg, "--service", "other", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let runs = v.as_array().expect("array");
    assert_eq!(runs.len(), 1, "{v}");
    assert_eq!(runs[0]["host"], "h2");
    assert_eq!(runs[0]["state_type"], "HARD");
    assert_eq!(runs[0]["exit_code"], 3);
    let o = vigil(&["handlers", &cfg, "--host", "h2", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    let o = vigil(&["handlers", &cfg, "--host", "nosuch"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("no handler runs recorded in "));
    // --last larger than the journal lists everything.
    let o = vigil(&["handlers", &cfg, "--last", "100", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(t.journal().len()));
}

const FIRE_OBJECTS: &str = "\
define command {
    command_name ok
    command_line /bin/echo OK
}
define command {
    command_name eh
    command_line $USER1$/eh $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$
}
define command {
    command_name geh
    command_line $USER1$/geh $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$
}
define command {
    command_name heh
    command_line $USER1$/heh $HOSTSTATE$ $HOSTSTATETYPE$ $HOSTATTEMPT$
}
define command {
    command_name slow
    command_line $USER1$/slow
}
define host {
    host_name h1
    max_check_attempts 1
    event_handler heh
}
define service {
    host_name h1
    service_description crit
    check_command ok
    max_check_attempts 3
    event_handler eh
}
define service {
    host_name h1
    service_description disabled
    check_command ok
    max_check_attempts 3
    event_handler eh
    event_handler_enabled 0
}
define service {
    host_name h1
    service_description slow
    check_command ok
    max_check_attempts 3
    event_handler slow
}
";

fn fire_setup() -> TestDir {
    let t = TestDir::new();
    let var = t.s("var");
    t.script("eh", &handler_script("marker", &var));
    t.script("geh", &handler_script("gmarker", &var));
    t.script("heh", &handler_script("hmarker", &var));
    t.script("slow", "#!/bin/sh\necho started\nexec sleep 1000\n");
    write_config(
        &t,
        "global_service_event_handler=geh\nevent_handler_timeout=1",
        FIRE_OBJECTS,
    );
    t
}

fn markers(t: &TestDir) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(t.p("var"))
        .expect("var")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("marker."))
        .collect();
    v.sort();
    v
}

#[test]
fn fire_dry_run_shows_and_runs_nothing_then_fire_runs_and_records() {
    let t = fire_setup();
    let cfg = cfg_arg(&t);
    let (eh, geh) = (t.s("eh"), t.s("geh"));

    // --dry-run: the expanded commands, global handler first; nothing runs.
    let o = vigil(&[
        "fire",
        &cfg,
        "h1",
        "crit",
        "--state",
        "CRITICAL",
        "--type",
        "SOFT",
        "--attempt",
        "1",
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "log: GLOBAL SERVICE EVENT HANDLER: h1;crit;CRITICAL;SOFT;1;geh",
            "log: SERVICE EVENT HANDLER: h1;crit;CRITICAL;SOFT;1;eh",
        ],
        "{out}"
    );
    let would: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("would run: "))
        .collect();
    assert_eq!(
        would,
        vec![
            format!("{geh} CRITICAL SOFT 1"),
            format!("{eh} CRITICAL SOFT 1")
        ],
        "{out}"
    );
    assert!(
        out.contains(&format!("    exec \"{eh}\" \"CRITICAL\" \"SOFT\" \"1\"")),
        "{out}"
    );
    assert_eq!(markers(&t), Vec::<String>::new(), "dry run ran something");
    assert!(t.journal().is_empty(), "dry run journaled something");

    // --dry-run --json.
    let o = vigil(&[
        "fire",
        &cfg,
        "h1",
        "crit",
        "--state",
        "CRITICAL",
        "--type",
        "SOFT",
        "--attempt",
        "1",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("fire --json parses");
    assert_eq!(v["dry_run"], true);
    let w = v["would_run"].as_array().expect("would_run");
    assert_eq!(w.len(), 2);
    assert_eq!(w[0]["handler"], "global");
    assert_eq!(w[0]["directive"], "geh");
    assert_eq!(w[0]["command"], format!("{geh} CRITICAL SOFT 1").as_str());
    assert_eq!(w[1]["handler"], "object");
    assert_eq!(w[1]["command"], format!("{eh} CRITICAL SOFT 1").as_str());
    assert_eq!(w[1]["timeout_seconds"], 1);
    assert_eq!(markers(&t), Vec::<String>::new());

    // For real: both handlers run (markers), are journaled, exit 0.
    let o = vigil(&[
        "fire",
        &cfg,
        "h1",
        "crit",
        "--state",
        "CRITICAL",
        "--type",
        "SOFT",
        "--attempt",
        "1",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert_eq!(
        markers(&t),
        vec!["gmarker.CRITICAL.SOFT.1", "marker.CRITICAL.SOFT.1"]
    );
    assert!(
        out.contains("handler geh (global) for h1;crit on CRITICAL;SOFT;1: exit 0 after "),
        "{out}"
    );
    assert!(
        out.contains("handler eh (object) for h1;crit on CRITICAL;SOFT;1: exit 0 after "),
        "{out}"
    );
    assert!(
        out.contains("    | marker handled CRITICAL SOFT 1\n"),
        "{out}"
    );
    let j = t.journal();
    assert_eq!(j.len(), 2, "{j:?}");
    assert_eq!(j[0]["handler"], "global");
    assert_eq!(j[1]["handler"], "object");
    for e in &j {
        assert_eq!(e["exit_code"], 0);
        assert_eq!(e["dry_run"], false);
        assert_eq!(e["state"], "CRITICAL");
        assert_eq!(e["attempt"], 1);
    }
    // ... and `vigil handlers` shows them.
    let o = vigil(&["handlers", &cfg, "--last", "1"]);
    assert!(
        stdout(&o).contains("handler eh (object) for h1;crit on CRITICAL;SOFT;1: exit 0"),
        "{}",
        stdout(&o)
    );

    // --json for real, lower-case state; a HARD state makes eh exit 3: fire exits 1.
    let o = vigil(&[
        "fire",
        &cfg,
        "h1",
        "crit",
        "--state",
        "warning",
        "--type",
        "hard",
        "--attempt",
        "3",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failing handler makes fire fail"
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("fire --json parses");
    assert_eq!(v["dry_run"], false);
    let ran = v["ran"].as_array().expect("ran");
    assert_eq!(ran.len(), 2);
    assert_eq!(ran[0]["exit_code"], 3);
    assert_eq!(ran[1]["exit_code"], 3);
    assert_eq!(ran[1]["output"], "marker handled WARNING HARD 3\n");
    assert!(t.p("var/marker.WARNING.HARD.3").exists());
    assert_eq!(t.journal().len(), 4);

    // A host handler (the global service handler is not involved).
    let o = vigil(&[
        "fire",
        &cfg,
        "h1",
        "--state",
        "DOWN",
        "--type",
        "SOFT",
        "--attempt",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(t.p("var/hmarker.DOWN.SOFT.1").exists());
    assert!(!t.p("var/gmarker.DOWN.SOFT.1").exists());

    // event_handler_enabled 0 on the object also suppresses the global handler.
    let before = markers(&t);
    let o = vigil(&["fire", &cfg, "h1", "disabled", "--state", "CRITICAL"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "nothing to run: no event handler is configured or enabled for this object\n"
    );
    assert_eq!(markers(&t), before);
}

#[test]
fn fire_rejects_unknown_objects_and_bad_states() {
    let t = fire_setup();
    let cfg = cfg_arg(&t);
    let cases: [(&[&str], &str); 7] = [
        (
            &["nosuch", "crit", "--state", "CRITICAL"],
            "no host 'nosuch'",
        ),
        (&["nosuch", "--state", "DOWN"], "no host 'nosuch'"),
        (
            &["h1", "zz", "--state", "CRITICAL"],
            "no service 'zz' on host 'h1'",
        ),
        (
            &["h1", "crit", "--state", "BROKEN"],
            "invalid state 'BROKEN'; expected one of OK, WARNING, CRITICAL, UNKNOWN",
        ),
        (
            &["h1", "crit", "--state", "DOWN"],
            "invalid state 'DOWN'; expected one of OK, WARNING, CRITICAL, UNKNOWN",
        ),
        (
            &["h1", "crit", "--state", "CRITICAL", "--type", "MEDIUM"],
            "invalid state type 'MEDIUM'; expected SOFT or HARD",
        ),
        (
            &["h1", "crit", "--state", "CRITICAL", "--attempt", "0"],
            "--attempt must be at least 1",
        ),
    ];
    for (args, msg) in cases {
        let mut full = vec!["fire", cfg.as_str()];
        full.extend_from_slice(args);
        let o = vigil(&full);
        assert_eq!(o.status.code(), Some(1), "{full:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.lines().any(|l| l == format!("vigil: {msg}")),
            "{full:?}: expected 'vigil: {msg}' in stderr:\n{err}"
        );
        assert_eq!(stdout(&o), "", "{full:?}");
    }
    // A host state for a host works (and a service state for a host does not).
    let o = vigil(&["fire", &cfg, "h1", "--state", "OK", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("vigil: invalid state 'OK'; expected one of UP, DOWN, UNREACHABLE"));
    assert_eq!(markers(&t), Vec::<String>::new());
    assert!(t.journal().is_empty());

    // A configuration with errors: fire refuses with a pointer to `vigil verify`.
    t.write(
        "objects.cfg",
        &FIRE_OBJECTS.replacen("    max_check_attempts 1\n", "", 1),
    );
    let o = vigil(&["fire", &cfg, "h1", "--state", "DOWN"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "vigil: {cfg}: configuration has 1 error(s); run `vigil verify {cfg}`"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}:", t.s("objects.cfg"))) && err.contains(": error: "),
        "the error itself is shown with file:line: {err}"
    );
    assert!(!t.p("var/hmarker.DOWN.HARD.1").exists());
}

#[test]
fn fire_kills_a_handler_at_event_handler_timeout() {
    let t = fire_setup();
    let cfg = cfg_arg(&t);
    let tag = format!("fire-timeout-{}", std::process::id());
    let t0 = Instant::now();
    let o = Command::new(vigil_bin())
        .args(["fire", &cfg, "h1", "slow", "--state", "CRITICAL", "--json"])
        .env("VIGIL_IT_TAG", &tag)
        .stdin(Stdio::null())
        .output()
        .expect("run fire");
    let took = t0.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(took < Duration::from_secs(10), "fire took {took:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let ran = v["ran"].as_array().expect("ran");
    // The global handler (geh) exits 3 for HARD, the slow one times out after 1 s.
    let slow = ran
        .iter()
        .find(|e| e["directive"] == "slow")
        .expect("slow handler ran");
    assert_eq!(slow["timed_out"], true, "{slow}");
    assert_eq!(slow["output"], "started\n");
    assert!(
        slow["duration"]
            .as_f64()
            .is_some_and(|d| (0.9..5.0).contains(&d)),
        "{slow}"
    );
    let j = t.journal();
    assert!(j
        .iter()
        .any(|e| e["directive"] == "slow" && e["timed_out"] == true));
    // The sleeping handler did not survive.
    let needle = format!("VIGIL_IT_TAG={tag}");
    let left = || {
        all_processes()
            .into_iter()
            .filter(|p| p.state != 'Z')
            .filter(|p| {
                std::fs::read(format!("/proc/{}/environ", p.pid))
                    .map(|env| env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes()))
                    .unwrap_or(false)
            })
            .collect::<Vec<_>>()
    };
    assert!(
        wait_for(Duration::from_secs(3), || left().is_empty()),
        "{:?}",
        left()
    );
}
