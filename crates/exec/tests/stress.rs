//! Many overlapping jobs (alone in this test binary, so that the descriptor count is
//! not disturbed by other tests).

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
fn thousands_of_overlapping_spawns_keep_their_own_argv_env_and_output() {
    // Children are started with clone(CLONE_VM) from pooled stacks and read their
    // argv/envp from the parent's memory until exec: every one must still run with its
    // own arguments, environment and pipes, and nothing may be left open afterwards.
    let fds = || std::fs::read_dir("/proc/self/fd").unwrap().count();
    let rt = rt();
    // The first job opens what is kept for all (the shared /dev/null for stdin).
    let warm = rt.block_on(run(job(direct(&["/bin/true"]), Duration::from_secs(5))));
    assert_eq!(warm.outcome, Outcome::Exited(0));
    let before = fds();
    let n = 3000usize;
    let results = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            let mut j = job(
                direct(&[
                    "/usr/bin/env",
                    "sh",
                    "-c",
                    "printf '%s %s' \"$1\" \"$TAG\"",
                    "-",
                    &i.to_string(),
                ]),
                Duration::from_secs(20),
            );
            j.env = vec![("TAG".into(), format!("t{i}"))];
            set.spawn(async move { (i, run(j).await) });
            if set.len() >= 300 {
                let r = set.join_next().await.unwrap().unwrap();
                assert_eq!(r.1.outcome, Outcome::Exited(0), "{:?}", r.1);
                assert_eq!(
                    String::from_utf8_lossy(&r.1.stdout),
                    format!("{} t{}", r.0, r.0)
                );
            }
        }
        let mut rest = Vec::new();
        while let Some(r) = set.join_next().await {
            rest.push(r.unwrap());
        }
        rest
    });
    for (i, f) in results {
        assert_eq!(f.outcome, Outcome::Exited(0), "{f:?}");
        assert_eq!(String::from_utf8_lossy(&f.stdout), format!("{i} t{i}"));
        assert!(f.stderr.is_empty(), "{f:?}");
    }
    assert_eq!(fds(), before, "descriptors leaked");
}
