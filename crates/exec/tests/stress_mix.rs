//! Overlapping jobs of every ending at once (alone in this test binary, so that the
//! descriptor count is not disturbed by other tests).

mod common;

use common::{job, rt};
use std::time::Duration;
use vigil_exec::{run, Outcome, Plan};

fn direct(argv: &[&str]) -> Plan {
    Plan::Direct {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        env: vec![],
    }
}

#[test]
fn overlapping_spawns_with_timeouts_kills_and_urgent_jobs_end_as_they_should() {
    // A mix, all in flight together: quick exits, plugins that outlive their timeout
    // (their group is killed), plugins that kill themselves, and urgent jobs (event
    // handlers, spawned with CLONE_VFORK) between them. Each must report its own end,
    // and no descriptor may be left open.
    let fds = || std::fs::read_dir("/proc/self/fd").unwrap().count();
    let rt = rt();
    let warm = rt.block_on(run(job(direct(&["/bin/true"]), Duration::from_secs(5))));
    assert_eq!(warm.outcome, Outcome::Exited(0));
    let before = fds();
    let n = 1200usize;
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            let (plan, timeout) = match i % 4 {
                0 => (
                    direct(&["/bin/sh", "-c", "exit 3"]),
                    Duration::from_secs(20),
                ),
                1 => (direct(&["/bin/sleep", "30"]), Duration::from_millis(300)),
                2 => (
                    direct(&["/bin/sh", "-c", "kill -9 $$"]),
                    Duration::from_secs(20),
                ),
                _ => (
                    direct(&["/bin/sh", "-c", "echo urgent"]),
                    Duration::from_secs(20),
                ),
            };
            let j = job(plan, timeout);
            if i % 4 == 3 {
                set.spawn(async move { (i, vigil_exec::run_urgent(j).await) });
            } else {
                set.spawn(async move { (i, run(j).await) });
            }
            if set.len() >= 200 {
                let (i, f) = set.join_next().await.unwrap().unwrap();
                check(i, &f);
            }
        }
        while let Some(r) = set.join_next().await {
            let (i, f) = r.unwrap();
            check(i, &f);
        }
    });
    assert_eq!(fds(), before, "descriptors leaked");
}

fn check(i: usize, f: &vigil_exec::Finished) {
    match i % 4 {
        0 => assert_eq!(f.outcome, Outcome::Exited(3), "{i}: {f:?}"),
        1 => {
            assert_eq!(f.outcome, Outcome::TimedOut, "{i}: {f:?}");
            assert!(f.duration < Duration::from_secs(20), "{i}: {f:?}");
        }
        2 => assert_eq!(f.outcome, Outcome::Signaled(9), "{i}: {f:?}"),
        _ => {
            assert_eq!(f.outcome, Outcome::Exited(0), "{i}: {f:?}");
            assert_eq!(f.stdout, b"urgent\n", "{i}: {f:?}");
        }
    }
}
