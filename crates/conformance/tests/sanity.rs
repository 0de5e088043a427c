//! The replay can fail: an engine that does nothing, and vigil's core with one result
//! mapping changed, must both fail scenarios of the public set. Without this, a
//! replay that compared nothing would look like a passing one.

use std::path::Path;

use vigil_conformance::engine::{JobId, JobResult, Outcome, SimJob};
use vigil_conformance::{replay, CoreEngine, Options, SetSpec, SimEngine};

fn public_set() -> (SetSpec, Options) {
    let conf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/shared/conformance");
    let set = SetSpec {
        name: "public".into(),
        scenarios: conf.join("scenarios"),
        traces: vec![conf.join("traces/nagios4")],
    };
    let opts = Options {
        harness: conf.clone(),
        out_dir: None,
        keep_runs: false,
        jobs: 2,
    };
    (set, opts)
}

/// Starts, logs nothing, runs nothing.
struct NullEngine;

impl SimEngine for NullEngine {
    fn start(_: &Path, _: f64) -> Result<Self, String> {
        Ok(NullEngine)
    }
    fn next_wakeup(&mut self) -> Option<f64> {
        None
    }
    fn advance(&mut self, _: f64) {}
    fn command(&mut self, _: &str, _: f64) {}
    fn take_jobs(&mut self) -> Vec<SimJob> {
        Vec::new()
    }
    fn job_done(&mut self, _: JobId, _: JobResult, _: f64) {}
    fn take_log_lines(&mut self) -> Vec<(i64, String)> {
        Vec::new()
    }
    fn status_dat(&mut self, _: f64) -> Option<String> {
        None
    }
    fn exit_requested(&self) -> Option<String> {
        None
    }
    fn stop(self, _: f64) -> Vec<(i64, String)> {
        Vec::new()
    }
}

#[test]
fn an_engine_that_does_nothing_fails_every_public_scenario() {
    let (set, opts) = public_set();
    let results = replay::<NullEngine>(&[set], &opts).expect("replay runs");
    assert!(results.len() >= 20);
    for r in &results {
        assert!(
            !r.passed(),
            "{} passed with an engine that does nothing",
            r.name
        );
    }
}

/// vigil's core, except that a plugin exit code 2 reaches it as 1 (CRITICAL becomes
/// WARNING).
struct Mutant(CoreEngine);

impl SimEngine for Mutant {
    fn start(main_cfg: &Path, now: f64) -> Result<Self, String> {
        CoreEngine::start(main_cfg, now).map(Mutant)
    }
    fn next_wakeup(&mut self) -> Option<f64> {
        self.0.next_wakeup()
    }
    fn advance(&mut self, now: f64) {
        self.0.advance(now)
    }
    fn command(&mut self, line: &str, now: f64) {
        self.0.command(line, now)
    }
    fn take_jobs(&mut self) -> Vec<SimJob> {
        self.0.take_jobs()
    }
    fn job_done(&mut self, id: JobId, mut result: JobResult, now: f64) {
        if result.outcome == Outcome::Exited(2) {
            result.outcome = Outcome::Exited(1);
        }
        self.0.job_done(id, result, now)
    }
    fn take_log_lines(&mut self) -> Vec<(i64, String)> {
        self.0.take_log_lines()
    }
    fn status_dat(&mut self, now: f64) -> Option<String> {
        self.0.status_dat(now)
    }
    fn exit_requested(&self) -> Option<String> {
        self.0.exit_requested()
    }
    fn stop(self, now: f64) -> Vec<(i64, String)> {
        self.0.stop(now)
    }
}

#[test]
fn a_changed_result_mapping_fails_the_scenarios_it_touches() {
    let (set, opts) = public_set();
    let results = replay::<Mutant>(&[set], &opts).expect("replay runs");
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| r.name.as_str())
        .collect();
    for name in ["svc_soft_hard_max3", "svc_hard_max1", "global_handlers"] {
        assert!(failed.contains(&name), "{name} passed; failed: {failed:?}");
    }
    // The differences name what changed (states in the log), not just "something".
    let r = results
        .iter()
        .find(|r| r.name == "svc_soft_hard_max3")
        .map(|r| r.diffs.join("\n"))
        .unwrap_or_default();
    assert!(r.contains("WARNING;SOFT;1"), "{r}");
}
