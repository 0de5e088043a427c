//! Every conformance scenario replayed in-process against vigil's core (see the crate
//! documentation): the public set, vigil's own, and the notifications/ and
//! perfdata/ sets, all expected to pass (a scenario that does not pass yet would be
//! listed below with the reason; one that starts passing fails this test until it
//! is taken off the list). Run with `-- --nocapture` to see the per-scenario report.
//!
//! Scenarios and traces come from the repository (`tests/shared/conformance`,
//! `tests/conformance`), never from `../shared`. `VIGIL_REPLAY_SHARED=DIR` adds the
//! sets of another shared folder (test-all.sh sets it when `../shared` has grown).
//! `VIGIL_REPLAY_KEEP=1` keeps the run directories.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vigil_conformance::{replay, CoreEngine, Options, ScenarioResult, SetSpec};

/// Scenarios vigil does not pass yet, with the reason: `(set, scenario, why)`, `"*"`
/// for every scenario of a set. Shrink this list; never grow it to hide a regression.
const NOT_YET_PASSING: &[(&str, &str, &str)] = &[];

/// Interval differences beyond this are reported (they point at scheduling
/// differences even where the harness's tolerance accepts them).
const DT_REPORT: f64 = 0.5;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The four sets of a conformance harness folder, and vigil's own.
fn sets(conf: &Path, prefix: &str, own_vigil: &Path) -> Vec<SetSpec> {
    let set = |name: &str, dir: PathBuf, traces: Vec<PathBuf>| SetSpec {
        name: format!("{prefix}{name}"),
        scenarios: dir,
        traces,
    };
    vec![
        // vigil's own expectations (traces/vigil) take precedence, as for its own set:
        // metachars_raw / metachars_stripped are public scenarios.
        set(
            "public",
            conf.join("scenarios"),
            vec![own_vigil.to_path_buf(), conf.join("traces/nagios4")],
        ),
        set(
            "notifications",
            conf.join("notifications/scenarios"),
            vec![conf.join("notifications/traces/nagios4")],
        ),
        set(
            "perfdata",
            conf.join("perfdata/scenarios"),
            vec![conf.join("perfdata/traces/nagios4")],
        ),
    ]
}

/// The reason a scenario is allowed to fail, if it is.
fn not_yet(r: &ScenarioResult) -> Option<&'static str> {
    let set = r.set.trim_start_matches("shared-");
    NOT_YET_PASSING
        .iter()
        .find(|(s, n, _)| *s == set && (*n == "*" || *n == r.name))
        .map(|(_, _, why)| *why)
}

#[test]
fn conformance_scenarios_replayed_in_process() {
    let t0 = Instant::now();
    let root = root();
    let conf = root.join("tests/shared/conformance");
    let own = root.join("tests/conformance");
    let own_vigil = own.join("traces/vigil");
    let mut all = sets(&conf, "", &own_vigil);
    all.insert(
        1,
        SetSpec {
            name: "own".into(),
            scenarios: own.join("scenarios"),
            traces: vec![own_vigil.clone(), own.join("traces/nagios4")],
        },
    );
    if let Some(dir) = std::env::var_os("VIGIL_REPLAY_SHARED") {
        all.extend(sets(
            &Path::new(&dir).join("conformance"),
            "shared-",
            &own_vigil,
        ));
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance-replay");
    let opts = Options {
        harness: conf.clone(),
        out_dir: Some(out_dir.clone()),
        keep_runs: std::env::var_os("VIGIL_REPLAY_KEEP").is_some(),
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get().min(4)),
    };
    let results = match replay::<CoreEngine>(&all, &opts) {
        Ok(r) => r,
        Err(e) => panic!("the replay could not run: {e}"),
    };

    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    let (mut passed, mut expected_fail) = (0, 0);
    let mut dt_report = Vec::new();
    let mut procs = (0, 0, 0);
    for r in &results {
        procs.0 += r.processes.0;
        procs.1 += r.processes.1;
        procs.2 += r.processes.2;
        let allowed = not_yet(r);
        let status = match (r.passed(), allowed) {
            (true, None) => {
                passed += 1;
                "PASS"
            }
            (true, Some(_)) => {
                now_passing.push(format!("{}/{}", r.set, r.name));
                "PASS (listed as not yet passing: take it off NOT_YET_PASSING)"
            }
            (false, Some(_)) => {
                expected_fail += 1;
                "FAIL (expected)"
            }
            (false, None) => {
                unexpected.push(format!("{}/{}", r.set, r.name));
                "FAIL"
            }
        };
        println!(
            "{status} {}/{} ({:.0}s simulated)",
            r.set, r.name, r.simulated
        );
        match allowed {
            Some(why) if !r.passed() => println!(
                "    not yet passing: {why}; {} differences, first: {}",
                r.diffs.len(),
                r.diffs.first().map_or("", String::as_str)
            ),
            _ => {
                for d in &r.diffs {
                    println!("    {d}");
                }
            }
        }
        if r.passed() || r.untimed.is_empty() {
            for (obj, i, e, a) in r.dt_differences(DT_REPORT) {
                dt_report.push(format!(
                    "{}/{} {obj} check #{i}: recorded {e}s, simulated {a}s",
                    r.set, r.name
                ));
            }
        }
    }
    println!(
        "\ninterval differences over {DT_REPORT}s between the recorded and the simulated \
         traces ({}; the harness accepts max(1.6s, 30%)):",
        dt_report.len()
    );
    for d in &dt_report {
        println!("    {d}");
    }
    println!(
        "\nreplayed {} conformance scenarios in-process in {:.1}s: {passed} passed, \
         {expected_fail} not yet passing (expected), {} failed, {} listed but passing; \
         {} simulated processes, {} command lines through a real /bin/sh, {} other real \
         processes; actual traces in {}",
        results.len(),
        t0.elapsed().as_secs_f64(),
        unexpected.len(),
        now_passing.len(),
        procs.0,
        procs.1,
        procs.2,
        out_dir.display()
    );
    assert!(
        results.len() >= 70,
        "only {} scenarios found under {}",
        results.len(),
        conf.display()
    );
    assert!(
        unexpected.is_empty() && now_passing.is_empty(),
        "failed: {unexpected:?}; passing although listed in NOT_YET_PASSING: {now_passing:?}"
    );
}
