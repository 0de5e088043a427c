//! Behaviour of `run`: exit codes, signals, exec failures, timeouts and process groups,
//! descendants holding the pipes, large output, environment, working directory,
//! concurrency and cancellation.

mod common;

use common::{job, rt, segs};
use std::path::Path;
use std::time::{Duration, Instant};
use vigil_exec::{plan, run, CommandLine, Job, Outcome, Plan};

fn direct(argv: &[&str]) -> Plan {
    Plan::Direct {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        env: vec![],
    }
}

fn sh(script: &str) -> Plan {
    direct(&["/bin/sh", "-c", script])
}

fn go(j: Job) -> vigil_exec::Finished {
    rt().block_on(run(j))
}

/// True if `pid` no longer runs (gone, or a zombie that is not ours).
fn is_dead(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(s) => s
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z') || rest.starts_with('X')),
    }
}

fn wait_dead(pid: u32) -> bool {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(2) {
        if is_dead(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn first_line_pid(out: &[u8]) -> u32 {
    String::from_utf8_lossy(out)
        .lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("pid line")
}

#[test]
fn exit_codes_and_streams() {
    let f = go(job(
        sh("echo out; echo err >&2; exit 3"),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(3));
    assert_eq!(f.stdout, b"out\n");
    assert_eq!(f.stderr, b"err\n");
    assert!(f.pid.is_some());
    for code in [0, 1, 2, 255] {
        let f = go(job(sh(&format!("exit {code}")), Duration::from_secs(2)));
        assert_eq!(f.outcome, Outcome::Exited(code));
        assert!(f.stdout.is_empty() && f.stderr.is_empty());
    }
    // Shell plans run through /bin/sh -c; a missing command there is sh's 127.
    let f = go(job(
        plan(&CommandLine::from_code("/no/such/thing; exit $?")).unwrap(),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(127));
}

#[test]
fn signals_are_reported() {
    let f = go(job(sh("kill -TERM $$"), Duration::from_secs(2)));
    assert_eq!(f.outcome, Outcome::Signaled(libc::SIGTERM));
    let f = go(job(
        sh("echo partial; kill -KILL $$"),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Signaled(libc::SIGKILL));
    assert_eq!(f.stdout, b"partial\n");
}

#[test]
fn missing_binary_text_matches_nagios() {
    let f = go(job(direct(&["/x/y", "a"]), Duration::from_secs(2)));
    assert_eq!(f.outcome, Outcome::Exited(2));
    assert_eq!(
        String::from_utf8_lossy(&f.stderr),
        "execvp(/x/y, ...) failed. errno is 2: No such file or directory\n"
    );
    assert!(f.stdout.is_empty());
    assert_eq!(f.pid, None);

    // The conformance case missing_plugin: a command line without shell syntax.
    let dir = tempfile::tempdir().unwrap();
    let p = format!("{}/plugins/no_such_plugin", dir.path().display());
    let f = go(job(
        plan(&CommandLine::from_code(&format!("{p} -w 1"))).unwrap(),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(2));
    assert_eq!(
        String::from_utf8_lossy(&f.stderr),
        format!("execvp({p}, ...) failed. errno is 2: No such file or directory\n")
    );

    // Bare names are looked up in PATH like execvp.
    let f = go(job(
        direct(&["vigil_no_such_plugin_xyz"]),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(2));
    assert_eq!(
        String::from_utf8_lossy(&f.stderr),
        "execvp(vigil_no_such_plugin_xyz, ...) failed. errno is 2: No such file or directory\n"
    );

    // Not executable: EACCES.
    let np = dir.path().join("noexec");
    std::fs::write(&np, "#!/bin/sh\necho hi\n").unwrap();
    let nps = np.to_str().unwrap();
    let f = go(job(direct(&[nps]), Duration::from_secs(2)));
    assert_eq!(f.outcome, Outcome::Exited(13));
    assert_eq!(
        String::from_utf8_lossy(&f.stderr),
        format!("execvp({nps}, ...) failed. errno is 13: Permission denied\n")
    );
}

#[test]
fn script_without_shebang_runs_through_sh_like_execvp() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plugin");
    std::fs::write(&p, "echo \"no shebang $1\"\nexit 1\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let f = go(job(
        direct(&[p.to_str().unwrap(), "arg"]),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(1));
    assert_eq!(f.stdout, b"no shebang arg\n");
}

#[test]
fn no_command_after_variables() {
    let f = go(job(
        plan(&CommandLine::from_code("A=1 B=2")).unwrap(),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(1));
    assert_eq!(f.stderr, b"No command after variables.\n");
    assert_eq!(f.pid, None);
}

#[test]
fn environment_and_assignments() {
    let mut j = job(
        plan(&CommandLine::from_code(
            "VIGIL_T_A=word VIGIL_T_B='two words' /usr/bin/env",
        ))
        .unwrap(),
        Duration::from_secs(2),
    );
    j.env = vec![
        ("NAGIOS_HOSTNAME".into(), "web01".into()),
        ("VIGIL_T_A".into(), "overridden".into()),
    ];
    let f = go(j);
    assert_eq!(f.outcome, Outcome::Exited(0));
    let out = String::from_utf8_lossy(&f.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"NAGIOS_HOSTNAME=web01"), "{out}");
    assert!(lines.contains(&"VIGIL_T_A=word"), "{out}");
    assert!(lines.contains(&"VIGIL_T_B=two words"), "{out}");
    assert!(!lines.contains(&"VIGIL_T_A=overridden"), "{out}");
    // The parent environment is inherited.
    assert!(lines.iter().any(|l| l.starts_with("PATH=")), "{out}");
}

#[test]
fn stdin_is_dev_null_and_cwd_is_applied() {
    let f = go(job(direct(&["cat"]), Duration::from_secs(2)));
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert!(f.stdout.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let canon = dir.path().canonicalize().unwrap();
    let mut j = job(direct(&["/bin/pwd"]), Duration::from_secs(2));
    j.cwd = Some(canon.clone());
    let f = go(j);
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert_eq!(
        String::from_utf8_lossy(&f.stdout),
        format!("{}\n", canon.display())
    );

    let mut j = job(direct(&["/bin/pwd"]), Duration::from_secs(2));
    j.cwd = Some(canon.join("missing"));
    let f = go(j);
    assert!(
        matches!(f.outcome, Outcome::DidNotRun(ref m) if m.contains("cannot change directory")),
        "{:?}",
        f.outcome
    );
}

#[test]
fn child_has_its_own_process_group() {
    let f = go(job(
        sh("echo $$; cut -d' ' -f5 /proc/$$/stat"),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(0));
    let out = String::from_utf8_lossy(&f.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(lines[0], lines[1], "pgid differs from pid");
    assert_eq!(lines[0], f.pid.unwrap().to_string());
}

#[test]
fn timeout_kills_whole_group() {
    let t = Instant::now();
    let f = go(job(
        sh("sleep 30 & echo $!; sleep 30; echo never"),
        Duration::from_millis(500),
    ));
    let took = t.elapsed();
    assert_eq!(f.outcome, Outcome::TimedOut);
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
    let grandchild = first_line_pid(&f.stdout);
    assert!(
        wait_dead(grandchild),
        "grandchild {grandchild} survived the timeout"
    );
    assert!(wait_dead(f.pid.unwrap()));
}

#[test]
fn sigterm_ignoring_plugin_is_killed() {
    let t = Instant::now();
    let f = go(job(
        sh("trap '' TERM; echo $$; while :; do sleep 1; done"),
        Duration::from_millis(300),
    ));
    assert_eq!(f.outcome, Outcome::TimedOut);
    assert!(
        t.elapsed() < Duration::from_millis(1300),
        "{:?}",
        t.elapsed()
    );
    assert!(wait_dead(first_line_pid(&f.stdout)));
}

#[test]
fn forked_child_holding_the_pipe_does_not_stall() {
    let t = Instant::now();
    let f = go(job(
        sh("sleep 30 & echo $!; echo done >&2; exit 2"),
        Duration::from_secs(2),
    ));
    let took = t.elapsed();
    assert_eq!(f.outcome, Outcome::Exited(2));
    assert_eq!(f.stderr, b"done\n");
    // Returned after the grace period, long before the timeout.
    assert!(took >= vigil_exec::EXIT_GRACE, "{took:?}");
    assert!(took < Duration::from_millis(900), "{took:?}");
    let grandchild = first_line_pid(&f.stdout);
    assert!(wait_dead(grandchild), "pipe holder {grandchild} not killed");
}

#[test]
fn background_process_with_closed_pipes_is_left_alone() {
    let t = Instant::now();
    let f = go(job(
        sh("sleep 30 >/dev/null 2>&1 </dev/null & echo $!"),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(0));
    // No waiting for the background job (it does not hold the pipes).
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    let bg = first_line_pid(&f.stdout);
    assert!(!is_dead(bg), "a detached background job was killed");
    // Clean up.
    // SAFETY: kill(2) takes plain integers; `bg` is the test's own background job.
    unsafe {
        libc::kill(bg as i32, libc::SIGKILL);
    }
    assert!(wait_dead(bg));
}

#[test]
fn megabytes_of_output_are_drained_and_capped() {
    let t = Instant::now();
    let mut j = job(
        sh("head -c 5000000 /dev/zero; head -c 3000000 /dev/zero >&2; echo end >&2"),
        Duration::from_secs(2),
    );
    j.max_output = 65536;
    let f = go(j);
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert_eq!(f.stdout.len(), 65536);
    assert_eq!(f.stderr.len(), 65536);
    assert!(f.stdout.iter().all(|&b| b == 0));
    assert!(t.elapsed() < Duration::from_secs(2));

    // With a large enough limit everything is kept, both streams at once.
    let mut j = job(
        sh("head -c 3000000 /dev/zero >&2 & head -c 5000000 /dev/zero; wait"),
        Duration::from_secs(2),
    );
    j.max_output = 8 << 20;
    let f = go(j);
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert_eq!(f.stdout.len(), 5_000_000);
    assert_eq!(f.stderr.len(), 3_000_000);

    let mut j = job(sh("echo hello"), Duration::from_secs(2));
    j.max_output = 0;
    let f = go(j);
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert!(f.stdout.is_empty());
}

#[test]
fn fifty_jobs_run_concurrently() {
    let rt = rt();
    let t = Instant::now();
    let results = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..50 {
            set.spawn(run(job(
                sh(&format!("sleep 0.3; echo {i}; exit {}", i % 4)),
                Duration::from_secs(2),
            )));
        }
        let mut v = Vec::new();
        while let Some(r) = set.join_next().await {
            v.push(r.expect("task"));
        }
        v
    });
    let took = t.elapsed();
    assert_eq!(results.len(), 50);
    let mut seen = [false; 50];
    for f in results {
        let i: usize = String::from_utf8_lossy(&f.stdout).trim().parse().unwrap();
        assert_eq!(f.outcome, Outcome::Exited((i % 4) as i32));
        seen[i] = true;
    }
    assert!(seen.iter().all(|&s| s));
    assert!(
        took < Duration::from_millis(1500),
        "not concurrent: {took:?}"
    );
}

#[test]
fn dropping_the_future_kills_and_reaps() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let rt = rt();
    rt.block_on(async {
        let j = job(
            sh(&format!("echo $$ > {}; sleep 30", pidfile.display())),
            Duration::from_secs(2),
        );
        let r = tokio::time::timeout(Duration::from_millis(300), run(j)).await;
        assert!(r.is_err(), "should have been cancelled");
        // Let the background reaper run.
        tokio::time::sleep(Duration::from_millis(50)).await;
    });
    let pid: u32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(wait_dead(pid));
    // Reaped: not our zombie any more.
    assert!(!Path::new(&format!("/proc/{pid}")).exists() || is_dead(pid));
}

#[test]
fn duration_and_start_are_reported() {
    let before = std::time::SystemTime::now();
    let f = go(job(sh("sleep 0.2"), Duration::from_secs(2)));
    assert_eq!(f.outcome, Outcome::Exited(0));
    assert!(f.start >= before);
    assert!(f.duration >= Duration::from_millis(200), "{:?}", f.duration);
    assert!(f.duration < Duration::from_millis(1000), "{:?}", f.duration);
}

#[test]
fn data_as_a_command_name_is_not_parsed() {
    let f = go(job(
        plan(&segs(&[(false, "printf %s| "), (true, "a;b")])).unwrap(),
        Duration::from_secs(2),
    ));
    // `|` in code forces the shell: printf %s piped into the data word as a command.
    assert!(matches!(f.outcome, Outcome::Exited(127)), "{:?}", f.outcome);
    assert!(String::from_utf8_lossy(&f.stderr).contains("a;b"));
}

#[test]
fn child_starts_with_default_signal_state() {
    // The Rust runtime ignores SIGPIPE in this process; plugins must not inherit that,
    // nor any blocked signal.
    let f = go(job(
        direct(&["/bin/grep", "-E", "^(SigBlk|SigIgn):", "/proc/self/status"]),
        Duration::from_secs(2),
    ));
    assert_eq!(f.outcome, Outcome::Exited(0));
    let out = String::from_utf8_lossy(&f.stdout);
    let field = |name: &str| -> u64 {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| u64::from_str_radix(v.trim(), 16).unwrap())
            .unwrap()
    };
    assert_eq!(field("SigBlk:"), 0, "{out}");
    assert_eq!(field("SigIgn:") & (1 << (libc::SIGPIPE - 1)), 0, "{out}");
}
