//! No leaked descriptors and no leftover children after many runs of every kind
//! (normal, timeout, pipe-holding descendant, exec failure, cancellation).
//! Kept alone in its own test binary so that other tests do not disturb the counts.

mod common;

use common::{job, rt};
use std::time::Duration;
use vigil_exec::{run, Outcome, Plan};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn children() -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(s) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(s.split_whitespace().map(str::to_owned));
            }
        }
    }
    out
}

fn sh(script: &str) -> Plan {
    Plan::Direct {
        argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
        env: vec![],
    }
}

#[test]
fn no_fd_or_child_leaks() {
    let rt = rt();
    // Warm up the runtime (its own descriptors are created lazily).
    rt.block_on(run(job(sh("true"), Duration::from_secs(1))));
    let before = open_fds();
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..200 {
            let p = match i % 5 {
                0 => sh("echo out; echo err >&2"),
                1 => Plan::Direct {
                    argv: vec!["/no/such/plugin".into()],
                    env: vec![],
                },
                2 => sh("sleep 5 & echo held"),
                3 => sh("head -c 200000 /dev/zero"),
                _ => Plan::Direct {
                    argv: vec!["/bin/true".into()],
                    env: vec![],
                },
            };
            set.spawn(run(job(p, Duration::from_secs(2))));
        }
        // A few timeouts and cancellations too.
        for _ in 0..5 {
            set.spawn(run(job(sh("sleep 5"), Duration::from_millis(200))));
        }
        for _ in 0..5 {
            let _ = tokio::time::timeout(
                Duration::from_millis(50),
                run(job(sh("sleep 5"), Duration::from_secs(2))),
            )
            .await;
        }
        let mut timeouts = 0;
        let mut n = 0;
        while let Some(r) = set.join_next().await {
            let f = r.expect("task");
            n += 1;
            if f.outcome == Outcome::TimedOut {
                timeouts += 1;
            }
        }
        assert_eq!(n, 205);
        assert_eq!(timeouts, 5);
        // Background reapers of cancelled jobs kill and reap on their own time: wait
        // for them (up to 10 s, for a loaded machine) before judging.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while (open_fds() != before || !children().is_empty())
            && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert_eq!(open_fds(), before, "file descriptors leaked");
    assert_eq!(children(), Vec::<String>::new(), "children left behind");
}
