//! `vigil run`: the log with `SERVICE ALERT` lines, handler runs in the journal,
//! status.dat while running, the lock file against a second instance, a clean
//! SIGTERM shutdown (status.dat removed, retention.dat written, no process left),
//! and plugins that hang or fork a child holding stdout not stalling other checks.

mod common;

use std::time::Duration;

use common::*;

/// Reads the process group ids a plugin recorded (one per line).
fn pgids(t: &TestDir, rel: &str) -> Vec<u32> {
    t.read(rel)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Shell snippet appending the script's own process group id to `file`.
fn record_pgid(file: &str) -> String {
    format!(
        "read -r _pid _comm _state _ppid pgrp _rest < /proc/$$/stat\necho \"$pgrp\" >> {file}\n"
    )
}

#[test]
fn run_logs_alerts_records_handlers_holds_lock_and_stops_cleanly() {
    let t = TestDir::new();
    t.script("crit", "#!/bin/sh\necho 'CRIT from plugin'\nexit 2\n");
    t.script(
        "ok",
        &format!(
            "#!/bin/sh\necho x >> {}\necho 'OK fine'\nexit 0\n",
            t.s("var/ok.count")
        ),
    );
    t.script(
        "eh",
        "#!/bin/sh\necho \"handled $1 $2 $3\"\n[ \"$2\" = HARD ] && exit 3\nexit 0\n",
    );
    let objects = "\
define command {
    command_name crit
    command_line $USER1$/crit
}
define command {
    command_name ok
    command_line $USER1$/ok
}
define command {
    command_name eh
    command_line $USER1$/eh $SERVICESTATE$ $SERVICESTATETYPE$ $SERVICEATTEMPT$
}
define host {
    host_name h1
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
    host_name h1
    service_description ok
    check_command ok
    max_check_attempts 3
    check_interval 1
    retry_interval 1
    event_handler eh
}
";
    let cfg = write_config(&t, "service_check_timeout=5", objects);
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);

    // The state machine runs: SOFT 1, SOFT 2, HARD 3, each logged.
    let hard = "SERVICE ALERT: h1;crit;CRITICAL;HARD;3;CRIT from plugin";
    assert!(
        wait_for(Duration::from_secs(30), || t.log().contains(hard)),
        "no '{hard}' in log:\n{}\nstderr:\n{}",
        t.log(),
        d.stderr()
    );
    let log = t.log();
    let texts = log_texts(&log);
    assert!(texts[0].starts_with("Vigil "), "{log}");
    assert!(
        texts[0].contains(&format!("starting... (PID={})", d.pid)),
        "{log}"
    );
    let soft1 = line_index(
        &log,
        "SERVICE ALERT: h1;crit;CRITICAL;SOFT;1;CRIT from plugin",
    );
    let soft2 = line_index(
        &log,
        "SERVICE ALERT: h1;crit;CRITICAL;SOFT;2;CRIT from plugin",
    );
    let hard3 = line_index(&log, hard);
    assert!(soft1.is_some() && soft1 < soft2 && soft2 < hard3, "{log}");
    for (ty, at) in [("SOFT", 1), ("SOFT", 2), ("HARD", 3)] {
        assert_eq!(
            count_lines(
                &log,
                &format!("SERVICE EVENT HANDLER: h1;crit;CRITICAL;{ty};{at};eh")
            ),
            1,
            "{log}"
        );
    }
    // An OK service that stays OK logs no alert and runs no handler.
    assert_eq!(count_lines(&log, "h1;ok;"), 0, "{log}");

    // Handler runs are in the journal, with their exit codes and output.
    assert!(
        wait_for(Duration::from_secs(10), || t.journal().len() >= 3),
        "{:?}",
        t.journal()
    );
    let j = t.journal();
    let runs: Vec<(String, u64, i64, String)> = j
        .iter()
        .take(3)
        .map(|e| {
            (
                e["state_type"].as_str().unwrap_or("?").to_string(),
                e["attempt"].as_u64().unwrap_or(0),
                e["exit_code"].as_i64().unwrap_or(-1),
                e["output"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        vec![
            ("SOFT".into(), 1, 0, "handled CRITICAL SOFT 1\n".into()),
            ("SOFT".into(), 2, 0, "handled CRITICAL SOFT 2\n".into()),
            ("HARD".into(), 3, 3, "handled CRITICAL HARD 3\n".into()),
        ]
    );
    for e in j.iter().take(3) {
        assert_eq!(e["host"], "h1");
        assert_eq!(e["service"], "crit");
        assert_eq!(e["handler"], "object");
        assert_eq!(e["directive"], "eh");
        assert_eq!(e["timed_out"], false);
        assert!(
            e["command"]
                .as_str()
                .is_some_and(|c| c.ends_with("/eh CRITICAL SOFT 1")
                    || c.ends_with("/eh CRITICAL SOFT 2")
                    || c.ends_with("/eh CRITICAL HARD 3")),
            "{e}"
        );
    }
    // Checks keep running at check_interval after HARD.
    assert!(
        wait_for(Duration::from_secs(15), || t
            .read("var/ok.count")
            .lines()
            .count()
            >= 4),
        "ok service checked {} times",
        t.read("var/ok.count").lines().count()
    );

    // status.dat is written while running.
    assert!(
        wait_for(Duration::from_secs(10), || t
            .read("var/status.dat")
            .contains("service_description=crit")),
        "status.dat: {}",
        t.read("var/status.dat")
    );
    // The lock file names the running instance.
    assert_eq!(t.read("var/vigil.lock").trim(), d.pid.to_string());

    // A second instance on the same configuration (started nagios-style, `vigil CFG`)
    // refuses to start.
    let second = vigil(&[&cfg.display().to_string()]);
    assert_ne!(second.status.code(), Some(0), "second instance started");
    let err = stderr(&second);
    assert!(
        err.contains(&format!(
            "lock file {} is held by another instance (PID {})",
            t.s("var/vigil.lock"),
            d.pid
        )),
        "second instance stderr: {err}"
    );
    // ... and did not disturb the first one.
    assert!(d.try_wait().is_none(), "first instance died");
    assert_eq!(t.read("var/vigil.lock").trim(), d.pid.to_string());
    assert!(t.p("var/vigil.cmd").exists());

    let (status, took) = d.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?}");

    let log = t.log();
    let texts = log_texts(&log);
    let n = texts.len();
    assert_eq!(texts[n - 2], "Caught SIGTERM, shutting down...", "{log}");
    assert_eq!(
        texts[n - 1],
        format!("Successfully shutdown... (PID={})", d.pid),
        "{log}"
    );
    assert!(!t.p("var/status.dat").exists(), "status.dat not removed");
    assert!(!t.p("var/vigil.lock").exists(), "lock file not removed");
    assert!(!t.p("var/vigil.cmd").exists(), "command file not removed");
    let ret = t.read("var/retention.dat");
    let svc = ret
        .split("service {")
        .find(|b| b.contains("\nservice_description=crit\n"))
        .unwrap_or_else(|| panic!("no crit in retention.dat:\n{ret}"));
    assert!(svc.contains("\ncurrent_state=2\n"), "{svc}");
    assert!(svc.contains("\nstate_type=1\n"), "{svc}");
    assert!(
        wait_for(Duration::from_secs(3), || d.tagged_processes().is_empty()),
        "processes left behind: {:?}",
        d.tagged_processes()
    );

    // A restart reads retention.dat back: crit is still HARD CRITICAL, so its next
    // results are neither alerts nor handler triggers.
    let journal_before = t.journal().len();
    let lines_before = t.log().lines().count();
    let checks_before = t.read("var/ok.count").lines().count();
    let mut d2 = Daemon::start(&cfg, t.path(), &t.p("var/stderr2.txt"), &[]);
    assert!(
        wait_for(Duration::from_secs(20), || t
            .read("var/ok.count")
            .lines()
            .count()
            >= checks_before + 3),
        "no checks after the restart; log:\n{}",
        t.log()
    );
    let (status, _) = d2.terminate(Duration::from_secs(10));
    assert!(status.success());
    let log = t.log();
    let after: Vec<&str> = log.lines().skip(lines_before).collect();
    assert!(
        after
            .iter()
            .any(|l| l.contains(&format!("starting... (PID={})", d2.pid))),
        "{log}"
    );
    assert!(
        !after.iter().any(|l| l.contains("SERVICE ALERT: h1;crit;")
            || l.contains("SERVICE EVENT HANDLER: h1;crit;")),
        "crit state not restored from retention.dat:\n{}",
        after.join("\n")
    );
    assert_eq!(t.journal().len(), journal_before);
}

#[test]
fn run_refuses_a_config_with_errors() {
    let t = TestDir::new();
    let cfg = write_config(
        &t,
        "",
        "define host {\n    host_name h1\n    max_check_attempts 1\n}\n\
         define service {\n    host_name h1\n    service_description s\n    check_command nope\n    max_check_attempts 1\n}\n",
    );
    let cfg = cfg.display().to_string();
    let o = vigil(&["run", &cfg]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:5: error: service 's' on host 'h1': check command 'nope' is not defined",
            t.s("objects.cfg")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "vigil: {cfg}: configuration has 1 error(s); run `vigil verify {cfg}`"
        )),
        "{err}"
    );
    for f in [
        "vigil.log",
        "vigil.lock",
        "vigil.cmd",
        "status.dat",
        "retention.dat",
    ] {
        assert!(
            !t.p(&format!("var/{f}")).exists(),
            "{f} created by a refused run"
        );
    }
}

#[test]
fn hung_and_forking_plugins_do_not_stall_checks_and_die_with_vigil() {
    let t = TestDir::new();
    t.script("crit", "#!/bin/sh\necho 'CRIT from plugin'\nexit 2\n");
    t.script(
        "hang",
        &format!(
            "#!/bin/sh\n{}exec sleep 1000\n",
            record_pgid(&t.s("var/hang.pgids"))
        ),
    );
    // Ignores SIGTERM (so does its child), leaves a child holding stdout, exits at once.
    t.script(
        "forker",
        &format!(
            "#!/bin/sh\ntrap '' TERM\n{}sleep 1000 &\necho 'WARNING forked child holds stdout'\nexit 1\n",
            record_pgid(&t.s("var/forker.pgids"))
        ),
    );
    // A handler that never finishes on its own (event_handler_timeout is 10 s).
    t.script(
        "sleepy",
        &format!(
            "#!/bin/sh\n{}exec sleep 1000\n",
            record_pgid(&t.s("var/sleepy.pgids"))
        ),
    );
    let objects = "\
define command {
    command_name crit
    command_line $USER1$/crit
}
define command {
    command_name sleepy
    command_line $USER1$/sleepy
}
define command {
    command_name hang
    command_line $USER1$/hang
}
define command {
    command_name forker
    command_line $USER1$/forker
}
define host {
    host_name h1
    max_check_attempts 1
}
define service {
    host_name h1
    service_description crit
    check_command crit
    max_check_attempts 3
    check_interval 1
    retry_interval 1
    event_handler sleepy
}
define service {
    host_name h1
    service_description hang
    check_command hang
    max_check_attempts 3
    check_interval 1
    retry_interval 1
}
define service {
    host_name h1
    service_description forker
    check_command forker
    max_check_attempts 2
    check_interval 1
    retry_interval 1
}
";
    let cfg = write_config(&t, "service_check_timeout=4", objects);
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);

    // The measured duration is 4.00 s, a little more on a loaded machine.
    let timeout_warning = "Warning: Check of service 'hang' on host 'h1' timed out after 4.";
    let timeout_alert = "SERVICE ALERT: h1;hang;CRITICAL;SOFT;1;(Service check timed out after 4.";
    assert!(
        wait_for(Duration::from_secs(30), || t.log().contains(timeout_alert)),
        "no '{timeout_alert}..':\n{}\nstderr:\n{}",
        t.log(),
        d.stderr()
    );
    let log = t.log();
    let alert_line = log
        .lines()
        .find(|l| l.contains(timeout_alert))
        .unwrap_or_default();
    assert!(alert_line.ends_with(" seconds)"), "{alert_line}");
    let warn = line_index(&log, timeout_warning).expect("timeout warning line");
    // While the first hang check was running, the other services went on being checked:
    // crit went through SOFT 1, SOFT 2 and HARD 3; forker through SOFT 1 and HARD 2,
    // each with the real plugin output (the forked child holding stdout did not make it
    // wait for the timeout).
    for needle in [
        "SERVICE ALERT: h1;crit;CRITICAL;SOFT;2;CRIT from plugin",
        "SERVICE ALERT: h1;crit;CRITICAL;HARD;3;CRIT from plugin",
        "SERVICE ALERT: h1;forker;WARNING;SOFT;1;WARNING forked child holds stdout",
        "SERVICE ALERT: h1;forker;WARNING;HARD;2;WARNING forked child holds stdout",
    ] {
        let at = line_index(&log, needle);
        assert!(
            at.is_some_and(|i| i < warn),
            "'{needle}' not logged before the hang timed out:\n{log}"
        );
    }
    assert_eq!(
        count_lines(&log, "forker' on host 'h1' timed out"),
        0,
        "{log}"
    );

    // The timed-out check's process group is gone (SIGKILL to the group).
    let hang_groups = pgids(&t, "var/hang.pgids");
    assert!(!hang_groups.is_empty(), "hang plugin never ran");
    let first_hang = hang_groups[0];
    assert!(
        wait_for(Duration::from_secs(5), || live_in_group(first_hang)
            .is_empty()),
        "hang group {first_hang} still alive: {:?}",
        live_in_group(first_hang)
    );
    // So are the forker's sleeping children of finished checks (they ignore SIGTERM).
    let forker_groups = pgids(&t, "var/forker.pgids");
    assert!(forker_groups.len() >= 2, "forker ran {forker_groups:?}");
    for g in &forker_groups[..forker_groups.len() - 1] {
        assert!(
            wait_for(Duration::from_secs(5), || live_in_group(*g).is_empty()),
            "forker group {g} still alive: {:?}",
            live_in_group(*g)
        );
    }
    // Every job ran in its own process group (not vigil's).
    let vigil_pgrp = proc_info(d.pid).map(|p| p.pgrp).expect("vigil in /proc");
    assert!(!hang_groups.contains(&vigil_pgrp) && !forker_groups.contains(&vigil_pgrp));

    // Stop vigil while a hang check is in flight: its process group must die too.
    let hung_now = || {
        let groups = pgids(&t, "var/hang.pgids");
        groups.len() >= 2 && !live_in_group(*groups.last().unwrap_or(&0)).is_empty()
    };
    assert!(
        wait_for(Duration::from_secs(15), hung_now),
        "no second hang check in flight; log:\n{}",
        t.log()
    );
    // The three handler runs of crit (SOFT 1, SOFT 2, HARD 3) are still sleeping.
    let sleepy = pgids(&t, "var/sleepy.pgids");
    assert_eq!(sleepy.len(), 3, "{sleepy:?}");
    assert!(
        sleepy.iter().all(|g| !live_in_group(*g).is_empty()),
        "handlers should still be running: {sleepy:?}"
    );
    let children = live_children(d.pid);
    assert!(
        children.iter().any(|c| c.comm == "sleep"),
        "the hung plugin is a child of vigil: {children:?}"
    );
    // The /proc scan used below does see vigil's jobs (guards against a vacuous check).
    assert!(
        d.tagged_processes().iter().any(|p| p.comm == "sleep"),
        "tagged scan misses the running plugin: {:?}",
        d.tagged_processes()
    );
    let (status, took) = d.terminate(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?}");
    let all_groups: Vec<u32> = pgids(&t, "var/hang.pgids")
        .into_iter()
        .chain(pgids(&t, "var/forker.pgids"))
        .chain(pgids(&t, "var/sleepy.pgids"))
        .collect();
    assert!(
        wait_for(Duration::from_secs(3), || d.tagged_processes().is_empty()
            && all_groups.iter().all(|g| live_in_group(*g).is_empty())),
        "processes left behind: {:?}",
        d.tagged_processes()
    );
    assert!(!t.p("var/status.dat").exists());
    assert!(t
        .read("var/retention.dat")
        .contains("service_description=hang"));
}

/// Starts vigil with services in `before` order, waits until the `slow` check is in
/// flight, rewrites the configuration to `after` (service names in order) and sends
/// SIGHUP; returns after the slow check has finished and `fast` was checked twice more.
fn reload_during_slow_check(before: &[&str], after: &[&str]) -> (TestDir, Daemon) {
    let t = TestDir::new();
    t.script(
        "slow",
        &format!(
            "#!/bin/sh\ntouch {v}/slow.started\nsleep 2\ntouch {v}/slow.finished\necho 'CRIT from slow'\nexit 2\n",
            v = t.s("var")
        ),
    );
    t.script(
        "fast",
        &format!(
            "#!/bin/sh\necho x >> {}\necho 'OK fast'\nexit 0\n",
            t.s("var/fast.count")
        ),
    );
    let objects = |names: &[&str]| {
        let mut o = String::from(
            "define command {\n    command_name slow\n    command_line $USER1$/slow\n}\n\
             define command {\n    command_name fast\n    command_line $USER1$/fast\n}\n\
             define host {\n    host_name h1\n    max_check_attempts 1\n}\n",
        );
        for n in names {
            let interval = if *n == "slow" { 3600 } else { 1 };
            o.push_str(&format!(
                "define service {{\n    host_name h1\n    service_description {n}\n    check_command {n}\n    \
                 max_check_attempts 2\n    check_interval {interval}\n    retry_interval 1\n}}\n"
            ));
        }
        o
    };
    let cfg = write_config(&t, "", &objects(before));
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    assert!(
        wait_for(Duration::from_secs(15), || t.p("var/slow.started").exists()),
        "slow check never started"
    );
    t.write("objects.cfg", &objects(after));
    kill(d.pid, libc::SIGHUP);
    assert!(
        wait_for(Duration::from_secs(15), || t
            .p("var/slow.finished")
            .exists()),
        "slow check never finished"
    );
    let base = t.read("var/fast.count").lines().count();
    wait_for(Duration::from_secs(15), || {
        d.try_wait().is_some() || t.read("var/fast.count").lines().count() >= base + 2
    });
    (t, d)
}

#[test]
fn reload_with_a_check_in_flight_does_not_crash_when_its_service_is_gone() {
    // `slow` is service #1; after the reload there is only `fast` (#0): the old
    // result's index is out of bounds.
    let (t, mut d) = reload_during_slow_check(&["fast", "slow"], &["fast"]);
    assert!(
        d.try_wait().is_none(),
        "vigil died after the reload:\n{}",
        d.stderr()
    );
    assert!(t.log().contains("Caught SIGHUP, restarting..."));
    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());
}

#[test]
fn reload_with_a_check_in_flight_does_not_move_its_result_to_another_service() {
    // `slow` is service #0; after the reload `fast` is #0 and must not get slow's result.
    let (t, mut d) = reload_during_slow_check(&["slow", "fast"], &["fast"]);
    let log = t.log();
    assert!(log.contains("Caught SIGHUP, restarting..."), "{log}");
    assert_eq!(
        count_lines(&log, "SERVICE ALERT: h1;fast;CRITICAL"),
        0,
        "slow's result was applied to fast:\n{log}"
    );
    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());
}
