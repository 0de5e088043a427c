//! `vigil-conformance` (test support, not published) replays the conformance scenarios
//! in-process: the same JSON scenarios and expected traces the black-box harness uses
//! (`tests/shared/conformance`, `tests/conformance`), against vigil's sans-IO core,
//! with simulated time and simulated plugin and handler processes, in well under a
//! second per scenario.
//!
//! * [`engine`]: the small [`SimEngine`] trait an engine is driven through;
//!   [`core_adapter`] implements it for `vigil_core::Core` (the only
//!   module that knows the Core).
//! * [`sim`]: the discrete-event simulation of one run (harness, processes, files).
//! * [`procs`]: what the harness's helpers do and record.
//! * [`bridge`] and `py/simbridge.py`: the harness's own Python code writes the run
//!   directories and builds and compares the traces (one Python process per batch).
//! * [`replay`]: a batch of scenario sets, in parallel, with one [`ScenarioResult`]
//!   each.

pub mod bridge;
pub mod core_adapter;
pub mod engine;
pub mod procs;
pub mod scenario;
pub mod sim;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub use core_adapter::CoreEngine;
pub use engine::SimEngine;

use bridge::{Bridge, BridgeError, FinishAnswer, FinishItem, PrepareItem};
use scenario::PrepareAnswer;

/// A folder of scenarios and where their expected traces are.
#[derive(Debug, Clone)]
pub struct SetSpec {
    /// Name in reports (`public`, `own`, `notifications`, ...).
    pub name: String,
    /// Folder of `*.json` scenarios.
    pub scenarios: PathBuf,
    /// Trace folders in order of precedence: a scenario's expected trace is the first
    /// `NAME.json` found.
    pub traces: Vec<PathBuf>,
}

/// How to replay.
#[derive(Debug, Clone)]
pub struct Options {
    /// The conformance harness (folder with `harness/`).
    pub harness: PathBuf,
    /// Where to write the actual traces (`<out>/<set>/<name>.json`).
    pub out_dir: Option<PathBuf>,
    /// Keep the run directories (their path is in [`ScenarioResult::run_dir`]).
    pub keep_runs: bool,
    /// Scenarios simulated at once.
    pub jobs: usize,
}

/// The replay of one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The set it belongs to.
    pub set: String,
    /// Scenario name.
    pub name: String,
    /// The scenario file.
    pub scenario: PathBuf,
    /// The expected trace used.
    pub expected: Option<PathBuf>,
    /// Differences under the harness's rules (with its interval tolerance); empty =
    /// passed.
    pub diffs: Vec<String>,
    /// Differences other than check intervals.
    pub untimed: Vec<String>,
    /// (object, step, expected dt, simulated dt) of every check both traces time.
    pub dt: Vec<(String, i64, f64, f64)>,
    /// Simulated seconds of the run.
    pub simulated: f64,
    /// Processes simulated / shell command lines run for real / other real processes.
    pub processes: (u32, u32, u32),
    /// The run directory (removed unless [`Options::keep_runs`]).
    pub run_dir: PathBuf,
}

impl ScenarioResult {
    /// True when the trace matches under the harness's rules.
    pub fn passed(&self) -> bool {
        self.diffs.is_empty()
    }

    /// Timed checks whose simulated interval differs from the recorded one by more
    /// than `limit` seconds (within the harness's tolerance or not).
    pub fn dt_differences(&self, limit: f64) -> Vec<&(String, i64, f64, f64)> {
        self.dt
            .iter()
            .filter(|(_, _, e, a)| (e - a).abs() > limit)
            .collect()
    }
}

/// Why a batch could not be replayed at all.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A scenario folder could not be read.
    #[error("cannot read the scenario folder {path}: {source}")]
    Scenarios {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No temporary directory.
    #[error("cannot create a temporary directory: {0}")]
    Temp(std::io::Error),
    /// The Python bridge failed.
    #[error(transparent)]
    Bridge(#[from] BridgeError),
    /// The bridge answered for a different number of scenarios.
    #[error("the bridge answered {got} items for {sent}")]
    Count {
        /// Items sent.
        sent: usize,
        /// Answers received.
        got: usize,
    },
}

struct Item {
    set: String,
    name: String,
    scenario: PathBuf,
    expected: Option<PathBuf>,
    run_dir: PathBuf,
}

fn scenario_files(dir: &Path) -> Result<Vec<PathBuf>, ReplayError> {
    let rd = std::fs::read_dir(dir).map_err(|source| ReplayError::Scenarios {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Replays every scenario of `sets` with engine `E`; one result per scenario, in set
/// and file name order. A scenario that cannot be prepared, simulated or compared is
/// a failed result with the reason, never an error of the batch.
pub fn replay<E: SimEngine>(
    sets: &[SetSpec],
    opts: &Options,
) -> Result<Vec<ScenarioResult>, ReplayError> {
    let tmp = tempfile::Builder::new()
        .prefix("vigil-replay-")
        .tempdir()
        .map_err(ReplayError::Temp)?;
    let mut items = Vec::new();
    for set in sets {
        for scenario in scenario_files(&set.scenarios)? {
            let name = scenario
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let expected = set
                .traces
                .iter()
                .map(|d| d.join(format!("{name}.json")))
                .find(|p| p.is_file());
            let run_dir = tmp.path().join(&set.name).join(&name);
            items.push(Item {
                set: set.name.clone(),
                name,
                scenario,
                expected,
                run_dir,
            });
        }
    }
    let bridge = Bridge::new(&opts.harness);
    let prep_req: Vec<PrepareItem> = items
        .iter()
        .map(|i| PrepareItem {
            scenario: i.scenario.clone(),
            run_dir: i.run_dir.clone(),
        })
        .collect();
    let prepared = bridge.prepare(&prep_req)?;
    if prepared.len() != items.len() {
        return Err(ReplayError::Count {
            sent: items.len(),
            got: prepared.len(),
        });
    }

    // Simulate, `jobs` scenarios at a time.
    let records: Vec<Mutex<Option<sim::RunRecord>>> =
        items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.max(1) {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let (Some(item), Some(answer)) = (items.get(k), prepared.get(k)) else {
                    break;
                };
                if let PrepareAnswer::Ok(p) = answer {
                    let rec = sim::simulate::<E>(p, &item.run_dir);
                    if let Some(slot) = records.get(k) {
                        if let Ok(mut g) = slot.lock() {
                            *g = Some(rec);
                        }
                    }
                }
            });
        }
    });

    let mut finish_req = Vec::new();
    let mut finish_of = Vec::new();
    let mut results = Vec::new();
    for (k, (item, answer)) in items.iter().zip(&prepared).enumerate() {
        let rec = records
            .get(k)
            .and_then(|m| m.lock().ok().and_then(|mut g| g.take()));
        let mut result = ScenarioResult {
            set: item.set.clone(),
            name: item.name.clone(),
            scenario: item.scenario.clone(),
            expected: item.expected.clone(),
            diffs: Vec::new(),
            untimed: Vec::new(),
            dt: Vec::new(),
            simulated: 0.0,
            processes: (0, 0, 0),
            run_dir: item.run_dir.clone(),
        };
        match (answer, rec) {
            (PrepareAnswer::Err { error }, _) => {
                result.diffs = vec![format!("scenario could not be prepared: {error}")];
                result.untimed = result.diffs.clone();
            }
            (PrepareAnswer::Ok(p), Some(rec)) => {
                result.simulated = rec.simulated;
                result.processes = (rec.simulated_procs, rec.shell_runs, rec.real_runs);
                finish_of.push(results.len());
                finish_req.push(FinishItem {
                    scenario: item.scenario.clone(),
                    run_dir: item.run_dir.clone(),
                    log_file: p.log_file.clone(),
                    expected: item.expected.clone(),
                    out: opts
                        .out_dir
                        .as_ref()
                        .map(|d| d.join(&item.set).join(format!("{}.json", item.name))),
                    restarts: rec.restarts,
                    warnings: rec.warnings,
                    complete: rec.complete,
                    sent: rec.sent,
                    snapshots: rec.snapshots,
                });
            }
            (PrepareAnswer::Ok(_), None) => {
                result.diffs = vec!["the simulation did not finish".to_string()];
                result.untimed = result.diffs.clone();
            }
        }
        results.push(result);
    }
    if let Some(d) = &opts.out_dir {
        for set in sets {
            let _ = std::fs::create_dir_all(d.join(&set.name));
        }
    }
    let answers = bridge.finish(&finish_req)?;
    if answers.len() != finish_req.len() {
        return Err(ReplayError::Count {
            sent: finish_req.len(),
            got: answers.len(),
        });
    }
    for (idx, answer) in finish_of.into_iter().zip(answers) {
        let Some(r) = results.get_mut(idx) else {
            continue;
        };
        match answer {
            FinishAnswer::Ok(c) => {
                r.diffs = c.diffs;
                r.untimed = c.untimed;
                r.dt = c.dt;
            }
            FinishAnswer::Err { error } => {
                r.diffs = vec![format!("trace could not be built: {error}")];
                r.untimed = r.diffs.clone();
            }
        }
    }
    if opts.keep_runs {
        let _ = tmp.keep();
    }
    Ok(results)
}
