//! Spawn-rate benchmark: runs N `/bin/true` jobs (default 5000) at concurrency C
//! (default 8) through `vigil_exec::run` on a current-thread runtime and prints jobs/s.
//!
//! Usage: `cargo run --release -p vigil-exec --example spawnrate [N] [C] [PROGRAM]`

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vigil_exec::{run, Job, Outcome, Plan};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let conc: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(8);
    let program = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "/bin/true".to_owned());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..conc {
            let next = next.clone();
            let failed = failed.clone();
            let program = program.clone();
            set.spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    let f = run(Job {
                        plan: Plan::Direct {
                            argv: vec![program.clone()],
                            env: vec![],
                        },
                        timeout: Duration::from_secs(10),
                        env: vec![],
                        cwd: None,
                        max_output: 64 * 1024,
                    })
                    .await;
                    if f.outcome != Outcome::Exited(0) {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
    });
    let secs = t0.elapsed().as_secs_f64();
    let (self_cpu, child_cpu) = cpu_seconds();
    println!(
        "{{\"jobs\":{n},\"concurrency\":{conc},\"failed\":{},\"seconds\":{secs:.3},\"jobs_per_s\":{:.1},\"engine_cpu_s_per_1k\":{:.4},\"children_cpu_s_per_1k\":{:.4}}}",
        failed.load(Ordering::Relaxed),
        n as f64 / secs,
        (self_cpu - cpu0.0) * 1000.0 / n as f64,
        (child_cpu - cpu0.1) * 1000.0 / n as f64,
    );
}

/// (own, reaped children) user+system CPU seconds.
fn cpu_seconds() -> (f64, f64) {
    fn get(who: i32) -> f64 {
        // SAFETY: rusage is plain data and getrusage only writes into it.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `ru` is a valid, writable rusage owned by this frame.
        unsafe { libc::getrusage(who, &mut ru) };
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        tv(ru.ru_utime) + tv(ru.ru_stime)
    }
    (get(libc::RUSAGE_SELF), get(libc::RUSAGE_CHILDREN))
}
