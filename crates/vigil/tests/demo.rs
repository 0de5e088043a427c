//! The bundled demo, run as the README says (`vigil run demo/nagios.cfg` from the
//! repository root): the first SOFT CRITICAL starts the demo service through the event
//! handler and the retry is OK; after the service is killed, the handler runs again
//! and the service is OK again within a bounded time. `vigil handlers` and
//! `vigil fire --dry-run` work on the demo too. demo/var is cleaned afterwards (its
//! .gitignore files are kept).
//!
//! The demo uses fixed paths under demo/var: this test fails (with a clear message)
//! if someone is running the demo at the same time.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

/// Removes everything in demo/var except the .gitignore files (and the rw/ directory).
fn clean_demo_var(var: &Path) {
    let Ok(rd) = fs::read_dir(var) else { return };
    for e in rd.filter_map(|e| e.ok()) {
        let p = e.path();
        let name = e.file_name();
        if name == ".gitignore" {
            continue;
        }
        if name == "rw" && p.is_dir() {
            clean_demo_var(&p);
            continue;
        }
        if p.is_dir() && !p.is_symlink() {
            let _ = fs::remove_dir_all(&p);
        } else {
            let _ = fs::remove_file(&p);
        }
    }
}

/// Kills a leftover demo service (its whole session/process group) if `pid` is one.
fn kill_demo_service(pid: u32) {
    if let Some(p) = proc_info(pid) {
        if p.cmdline.contains("demo_service") && p.state != 'Z' {
            // setsid made it a group leader: kill the group (its `sleep 1` too).
            kill_group(p.pgrp);
        }
    }
}

fn kill_group(pgrp: u32) {
    // SAFETY: kill(2) with a negative pid signals a process group.
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pgrp as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
}

fn read_pid(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Cleans demo/var and kills demo services on every exit path of the test.
struct DemoGuard {
    var: PathBuf,
    pids: Vec<u32>,
}

impl Drop for DemoGuard {
    fn drop(&mut self) {
        if let Some(p) = read_pid(&self.var.join("demo-service.pid")) {
            self.pids.push(p);
        }
        for p in &self.pids {
            kill_demo_service(*p);
        }
        clean_demo_var(&self.var);
    }
}

#[test]
fn demo_heals_itself_after_the_service_is_killed() {
    let root = workspace_root();
    let var = root.join("demo/var");
    assert!(
        var.join(".gitignore").exists(),
        "demo/var/.gitignore missing in {}",
        root.display()
    );
    if let Some(holder) = read_pid(&var.join("vigil.lock")) {
        if alive(holder) && proc_info(holder).is_some_and(|p| p.cmdline.contains("vigil")) {
            panic!(
                "the demo is already running (vigil PID {holder}); cannot run the demo test now"
            );
        }
    }
    let mut guard = DemoGuard {
        var: var.clone(),
        pids: Vec::new(),
    };
    // A stale demo service from an earlier, interrupted run would make the first
    // check OK; stop it and start from a clean demo/var.
    if let Some(stale) = read_pid(&var.join("demo-service.pid")) {
        kill_demo_service(stale);
    }
    clean_demo_var(&var);

    let scratch = TestDir::new(); // stderr of vigil lives outside demo/var
    let mut d = Daemon::start(
        Path::new("demo/nagios.cfg"),
        &root,
        &scratch.p("stderr.txt"),
        &["--verbose", "--http", "127.0.0.1:0"],
    );
    let log = || fs::read_to_string(var.join("vigil.log")).unwrap_or_default();
    let raw_journal = || -> Vec<serde_json::Value> {
        fs::read_to_string(var.join("vigil-handlers.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    // The runs (outcomes decided after a run's entry are records of their own).
    let journal = || -> Vec<serde_json::Value> {
        raw_journal()
            .into_iter()
            .filter(|e| e.get("outcome_of").is_none())
            .collect()
    };
    let crit1 = "SERVICE ALERT: localhost;demo-service;CRITICAL;SOFT;1;DEMO CRITICAL - demo-service is not running";
    let ok2 =
        "SERVICE ALERT: localhost;demo-service;OK;SOFT;2;DEMO OK - demo-service running (pid ";
    let handler_line =
        "SERVICE EVENT HANDLER: localhost;demo-service;CRITICAL;SOFT;1;restart-demo-service";

    // 1. First check CRITICAL SOFT 1, the handler starts the service, the retry is OK.
    assert!(
        wait_for(Duration::from_secs(30), || count_lines(&log(), ok2) >= 1),
        "demo did not heal the first time; log:\n{}\nstderr:\n{}",
        log(),
        d.stderr()
    );
    let l = log();
    assert!(
        line_index(&l, crit1) < line_index(&l, handler_line)
            && line_index(&l, handler_line) < line_index(&l, ok2),
        "{l}"
    );
    let first_pid = read_pid(&var.join("demo-service.pid")).expect("demo-service.pid");
    guard.pids.push(first_pid);
    assert!(alive(first_pid), "demo service {first_pid} not running");
    let restarted = |j: &[serde_json::Value]| {
        j.iter()
            .filter(|e| {
                e["output"]
                    .as_str()
                    .is_some_and(|o| o.starts_with("restarted demo-service on localhost (new pid "))
            })
            .count()
    };
    assert!(
        wait_for(Duration::from_secs(10), || restarted(&journal()) == 1),
        "{:?}",
        journal()
    );
    // The verbose mode echoes handler outcomes on stderr.
    assert!(
        wait_for(Duration::from_secs(5), || {
            d.stderr().contains(
            "handler restart-demo-service (object) for localhost;demo-service on CRITICAL;SOFT;1: exit 0"
        )
        }),
        "stderr:\n{}",
        d.stderr()
    );

    // 2. Kill the service as the README does; the handler restarts it again.
    kill(first_pid, libc::SIGTERM);
    assert!(
        wait_for(Duration::from_secs(30), || count_lines(&log(), crit1) >= 2
            && count_lines(&log(), ok2) >= 2),
        "demo did not heal after the kill; log:\n{}",
        log()
    );
    assert!(
        wait_for(Duration::from_secs(10), || restarted(&journal()) == 2),
        "{:?}",
        journal()
    );
    assert_eq!(count_lines(&log(), handler_line), 2, "{}", log());
    let second_pid = read_pid(&var.join("demo-service.pid")).expect("new demo-service.pid");
    guard.pids.push(second_pid);
    assert_ne!(second_pid, first_pid);
    assert!(alive(second_pid), "restarted demo service not running");
    assert!(
        wait_for(Duration::from_secs(5), || !alive(first_pid)),
        "killed demo service still alive"
    );
    // The soft recoveries ran the handler too, which did nothing.
    let j = journal();
    let nothing = j
        .iter()
        .filter(|e| e["output"] == "nothing to do for OK SOFT attempt 2\n")
        .count();
    assert!(nothing >= 1, "{j:?}");
    assert!(j.iter().all(|e| e["exit_code"] == 0), "{j:?}");
    // Each restart is followed by the OK retry: recorded as recovered, with the
    // seconds from the handler's start to that result (the retry interval, 2 s).
    let recovered: Vec<f64> = raw_journal()
        .iter()
        .filter(|e| e["outcome"] == "recovered")
        .filter_map(|e| e["recovered_after"].as_f64())
        .collect();
    assert_eq!(recovered.len(), 2, "{:?}", raw_journal());
    assert!(
        recovered.iter().all(|a| (1.0..10.0).contains(a)),
        "{recovered:?}"
    );

    // 3. The tools work on the demo, from the repository root.
    let o = vigil_in(Some(&root), &["handlers", "demo/nagios.cfg", "--last", "5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "handler restart-demo-service (object) for localhost;demo-service on CRITICAL;SOFT;1: exit 0"
        ),
        "{}",
        stdout(&o)
    );
    let runs_before = journal().len();
    let o = vigil_in(
        Some(&root),
        &[
            "fire",
            "demo/nagios.cfg",
            "localhost",
            "demo-service",
            "--state",
            "CRITICAL",
            "--type",
            "SOFT",
            "--attempt",
            "1",
            "--dry-run",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "would run: demo/plugins/restart_demo_service --service-state CRITICAL --service-state-type SOFT --service-attempt 1 --host-name localhost --pidfile demo/var/demo-service.pid"
        ),
        "{}",
        stdout(&o)
    );
    assert_eq!(read_pid(&var.join("demo-service.pid")), Some(second_pid));
    assert_eq!(journal().len(), runs_before, "dry run recorded a run");

    // The web UI serves the demo: its URL is in demo/var/vigil-http.url, and
    // `vigil status` finds it there.
    let url = fs::read_to_string(var.join("vigil-http.url")).expect("vigil-http.url");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let o = vigil_in(Some(&root), &["status", "demo/nagios.cfg", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let st: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("status --json");
    assert_eq!(st["summary"]["summary"]["services"]["OK"], 1, "{st}");

    // 4. Stop vigil. The detached demo service (its own session) follows it within
    // a second or two: it watches the PID in vigil's lock file.
    let (status, took) = d.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    assert!(took < Duration::from_secs(5), "SIGTERM took {took:?}");
    assert!(!var.join("status.dat").exists());
    assert!(!var.join("vigil.lock").exists());
    assert!(var.join("retention.dat").exists());
    let demo_group = proc_info(second_pid).map(|p| p.pgrp);
    assert_eq!(
        demo_group,
        Some(second_pid),
        "demo service leads its own group"
    );
    let strays: Vec<ProcInfo> = d
        .tagged_processes()
        .into_iter()
        .filter(|p| Some(p.pgrp) != demo_group)
        .collect();
    assert!(strays.is_empty(), "processes left behind: {strays:?}");
    assert!(
        wait_for(Duration::from_secs(5), || !alive(second_pid)),
        "the demo service outlived vigil"
    );
    assert!(!var.join("vigil-http.url").exists());
    drop(guard);
    let left: Vec<String> = fs::read_dir(&var)
        .expect("demo/var")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, vec![".gitignore", "rw"]);
    let rw: Vec<String> = fs::read_dir(var.join("rw"))
        .expect("demo/var/rw")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(rw, vec![".gitignore"]);
}
