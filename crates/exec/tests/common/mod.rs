//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;
use vigil_exec::{run, CommandLine, Finished, Job, Plan};

/// A current-thread runtime like the engine's.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A job with sane defaults.
pub fn job(plan: Plan, timeout: Duration) -> Job {
    Job {
        plan,
        timeout,
        env: vec![],
        cwd: None,
        max_output: 1 << 20,
    }
}

/// Builds a command line from (is_data, text) pairs.
pub fn segs(parts: &[(bool, &str)]) -> CommandLine {
    let mut c = CommandLine::new();
    for (d, t) in parts {
        if *d {
            c.push_data(t);
        } else {
            c.push_code(t);
        }
    }
    c
}

/// Plans and runs a command line within a runtime.
pub fn run_line(rt: &tokio::runtime::Runtime, cmd: &CommandLine) -> Finished {
    let plan = vigil_exec::plan(cmd).expect("plan");
    rt.block_on(run(job(plan, Duration::from_secs(5))))
}

/// Splits NUL-terminated words (output of `printf '%s\000' ...`).
pub fn nul_words(out: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = out
        .split(|&b| b == 0)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    // The output ends with a NUL, which yields one empty trailing element.
    if v.last().is_some_and(|w| w.is_empty()) {
        v.pop();
    }
    v
}

/// Splits like Nagios splits unquoted text: on space, tab, CR and LF, no empty words.
pub fn ws_split(s: &str) -> Vec<String> {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}
