//! Remediation you can trust, end to end with the `vigil` binary: a handler that
//! fixes its service is recorded `recovered` with its time to recovery (found by the
//! `_VIGIL_VERIFY` recheck, long before the retry check); one that does not is
//! `not recovered`; a flapping service with `_VIGIL_MAX_RUNS 3/10m` runs its
//! handler exactly 3 times and then logs the suppression; a slow handler with
//! `_VIGIL_OVERLAP queue` never runs twice at once; bad policy values are
//! reported by `vigil verify` at their line; `vigil handlers --stats` counts it all.

mod common;

use std::time::Duration;

use common::*;

/// `vigil handlers CFG ARGS --json`, parsed.
fn handlers_json(cfg: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["handlers", cfg.to_str().unwrap()];
    a.extend_from_slice(args);
    a.push("--json");
    let out = vigil(&a);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json")
}

fn objects(service: &str) -> String {
    format!(
        "\
define command {{
    command_name check
    command_line $USER1$/check
}}
define command {{
    command_name eh
    command_line $USER1$/eh $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$
}}
define host {{
    host_name h1
    max_check_attempts 1
}}
define service {{
    host_name h1
    service_description svc
    check_command check
    event_handler eh
{service}}}
"
    )
}

#[test]
fn a_fixing_handler_is_recovered_with_its_time_and_a_useless_one_is_not() {
    // Fixes: the check is OK once var/up exists, the handler creates it. The retry
    // check would come after 60 s; the verify recheck 2 s after the handler.
    let t = TestDir::new();
    t.script(
        "check",
        &format!(
            "#!/bin/sh\n[ -e {up} ] && {{ echo OK up; exit 0; }}\necho CRITICAL down; exit 2\n",
            up = t.s("var/up")
        ),
    );
    t.script(
        "eh",
        &format!("#!/bin/sh\ntouch {}\necho fixed\n", t.s("var/up")),
    );
    let cfg = write_config(
        &t,
        "",
        &objects(
            "    max_check_attempts 3\n    check_interval 60\n    retry_interval 60\n    _VIGIL_VERIFY 2s\n",
        ),
    );
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let recovered = || {
        handlers_json(&cfg, &[])
            .as_array()
            .and_then(|a| a.first().cloned())
            .filter(|e| e["outcome"].is_string())
    };
    assert!(
        wait_for(Duration::from_secs(30), || recovered().is_some()),
        "no outcome: {:?}\n{}\n{}",
        t.journal(),
        t.log(),
        d.stderr()
    );
    d.terminate(Duration::from_secs(10));
    let e = recovered().unwrap();
    assert_eq!(e["outcome"], "recovered", "{e}");
    assert_eq!(e["state"], "CRITICAL");
    let after = e["recovered_after"].as_f64().expect("recovered_after");
    // The verify recheck is due 2 s after the handler ended; the retry check
    // would have come after 60 s.
    assert!((1.9..15.0).contains(&after), "recovered after {after} s");
    assert!(t.log().contains("SERVICE ALERT: h1;svc;OK;SOFT;2;OK up"));

    // Useless: the handler runs, the service stays CRITICAL.
    let t = TestDir::new();
    t.script("check", "#!/bin/sh\necho CRITICAL down\nexit 2\n");
    t.script("eh", "#!/bin/sh\necho tried\n");
    let cfg = write_config(
        &t,
        "",
        &objects(
            "    max_check_attempts 1\n    check_interval 60\n    retry_interval 60\n    _VIGIL_VERIFY 1s\n",
        ),
    );
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let decided = || {
        handlers_json(&cfg, &[])
            .as_array()
            .and_then(|a| a.first().cloned())
            .filter(|e| e["outcome"].is_string())
    };
    assert!(
        wait_for(Duration::from_secs(30), || decided().is_some()),
        "no outcome: {:?}\n{}",
        t.journal(),
        t.log()
    );
    d.terminate(Duration::from_secs(10));
    let e = decided().unwrap();
    assert_eq!(e["outcome"], "not_recovered", "{e}");
    assert!(e["recovered_after"].is_null());
    let st = handlers_json(&cfg, &["--stats"]);
    let eh = &st["by_command"][0];
    assert_eq!(eh["name"], "eh");
    assert_eq!(eh["runs"], 1);
    assert_eq!(eh["not_recovered"], 1);
    assert_eq!(eh["recovered_percent"], 0.0);
    assert_eq!(st["by_object"][0]["name"], "h1;svc");
    // The text view says it too.
    let out = vigil(&["handlers", cfg.to_str().unwrap()]);
    assert!(stdout(&out).contains("; not recovered"), "{}", stdout(&out));
}

#[test]
fn a_flapping_service_runs_its_handler_three_times_then_the_suppression_is_logged() {
    let t = TestDir::new();
    // CRITICAL, OK, CRITICAL, ... one result per second, every one a HARD change.
    t.script(
        "check",
        &format!(
            "#!/bin/sh\nf={c}\nn=$(cat $f 2>/dev/null || echo 0)\necho $((n+1)) > $f\n\
             if [ $((n % 2)) -eq 0 ]; then echo CRITICAL flap; exit 2; fi\necho OK flap\n",
            c = t.s("var/count")
        ),
    );
    t.script(
        "eh",
        &format!("#!/bin/sh\necho \"$@\" >> {}\n", t.s("var/runs")),
    );
    let cfg = write_config(
        &t,
        "",
        &objects(
            "    max_check_attempts 1\n    check_interval 1\n    retry_interval 1\n    _VIGIL_MAX_RUNS 3/10m\n",
        ),
    );
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let checks = || t.read("var/count").trim().parse::<u32>().unwrap_or(0);
    assert!(
        wait_for(Duration::from_secs(40), || checks() >= 9),
        "{}",
        t.log()
    );
    d.terminate(Duration::from_secs(10));
    let runs: Vec<String> = t.read("var/runs").lines().map(str::to_string).collect();
    assert_eq!(
        runs,
        vec!["CRITICAL HARD 1", "OK HARD 1", "CRITICAL HARD 1"],
        "{}",
        t.log()
    );
    let log = t.log();
    let first = "SERVICE EVENT HANDLER SUPPRESSED: h1;svc;OK;HARD;1;eh;3 runs within 600 s already (_VIGIL_MAX_RUNS)";
    assert!(log.contains(first), "{log}");
    assert_eq!(
        count_lines(&log, "SERVICE EVENT HANDLER: h1;svc;"),
        3,
        "{log}"
    );
    let suppressed = handlers_json(&cfg, &[])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["suppressed"].is_string())
        .count();
    assert!(suppressed >= 5, "{suppressed} suppressed entries");
    let st = handlers_json(&cfg, &["--stats"]);
    assert_eq!(st["by_command"][0]["runs"], 3);
    assert_eq!(st["by_command"][0]["suppressed"], suppressed);
}

#[test]
fn a_slow_handler_never_runs_twice_at_once_with_overlap_queue() {
    let t = TestDir::new();
    t.script("check", "#!/bin/sh\necho CRITICAL down\nexit 2\n");
    // Takes the lock directory for 2 s; finding it taken means two runs at once.
    t.script(
        "eh",
        &format!(
            "#!/bin/sh\nmkdir {l} 2>/dev/null || echo OVERLAP >> {o}\necho \"start $3\" >> {r}\n\
             sleep 2\necho \"end $3\" >> {r}\nrmdir {l}\n",
            l = t.s("var/lock"),
            o = t.s("var/overlap"),
            r = t.s("var/runs")
        ),
    );
    // A retry every second while the handler takes 2: transitions SOFT 1..5 keep
    // coming while it runs.
    let cfg = write_config(
        &t,
        "",
        &objects(
            "    max_check_attempts 6\n    check_interval 1\n    retry_interval 1\n    _VIGIL_OVERLAP queue\n",
        ),
    );
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    assert!(
        wait_for(Duration::from_secs(40), || {
            t.log().contains("SERVICE ALERT: h1;svc;CRITICAL;HARD;6;")
                && t.read("var/runs")
                    .lines()
                    .filter(|l| l.starts_with("end"))
                    .count()
                    >= 3
        }),
        "{}\n{}",
        t.log(),
        t.read("var/runs")
    );
    d.terminate(Duration::from_secs(10));
    assert_eq!(t.read("var/overlap"), "", "two runs at once");
    // Runs strictly alternate start/end.
    let runs: Vec<String> = t.read("var/runs").lines().map(str::to_string).collect();
    for (i, l) in runs.iter().enumerate() {
        let want = if i % 2 == 0 { "start" } else { "end" };
        assert!(l.starts_with(want), "{runs:?}");
    }
    let log = t.log();
    assert!(
        log.contains("SERVICE EVENT HANDLER QUEUED: h1;svc;CRITICAL;SOFT;2;eh;"),
        "{log}"
    );
    // A waiting transition replaced by a newer one is recorded.
    assert!(
        log.contains("SERVICE EVENT HANDLER SUPPRESSED: h1;svc;CRITICAL;SOFT;")
            && log.contains("replaced by a newer transition"),
        "{log}"
    );
}

#[test]
fn verify_names_a_bad_policy_at_its_line_and_nagios_ignores_it() {
    let t = TestDir::new();
    t.script("check", "#!/bin/sh\necho OK\n");
    t.script("eh", "#!/bin/sh\n");
    let cfg = write_config(
        &t,
        "",
        &objects("    _VIGIL_MAX_RUNS three\n    _VIGIL_OVERLAP sometimes\n"),
    );
    let out = vigil(&["verify", cfg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let file = t.p("objects.cfg").display().to_string();
    // Lines 18 and 19 of objects.cfg, each on its own diagnostic line.
    let at = |line: u32, what: &str| {
        text.lines()
            .any(|l| l.starts_with(&format!("{file}:{line}: error: ")) && l.contains(what))
    };
    assert!(
        at(
            18,
            "invalid _VIGIL_MAX_RUNS 'three': expected RUNS/DURATION, e.g. 3/10m"
        ),
        "{text}"
    );
    assert!(
        at(
            19,
            "invalid _VIGIL_OVERLAP 'sometimes': expected allow, queue or skip"
        ),
        "{text}"
    );
    // The same objects with valid values load in Nagios 4 (custom variables it
    // does not use are ignored) and in vigil.
    let mut good_objects =
        objects("    max_check_attempts 3\n    _VIGIL_MAX_RUNS 3/10m\n    _VIGIL_VERIFY 30s\n");
    // What Nagios 4 insists on beside the objects above.
    good_objects.push_str(
        "define timeperiod {\n timeperiod_name always\n alias always\n monday 00:00-24:00\n}\n\
         define contact {\n contact_name ops\n host_notification_period always\n \
         service_notification_period always\n host_notification_options n\n \
         service_notification_options n\n host_notification_commands check\n \
         service_notification_commands check\n}\n",
    );
    let good = write_config(&t, "", &good_objects);
    let out = vigil(&["verify", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    if std::path::Path::new("/usr/sbin/nagios4").exists() {
        let n = std::process::Command::new("/usr/sbin/nagios4")
            .arg("-v")
            .arg(&good)
            .output()
            .expect("nagios4");
        let text = String::from_utf8_lossy(&n.stdout);
        assert!(text.contains("Total Errors:   0"), "{text}");
    }
}
