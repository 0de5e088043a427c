//! The Python side: `py/simbridge.py`, run once per batch, uses the vendored harness's
//! own modules to write run directories (`prepare`) and to build and compare traces
//! (`finish`). See that file for why the harness's code is reused instead of ported.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::scenario::PrepareAnswer;

/// Why the bridge could not answer.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    /// python3 could not be started or written to.
    #[error("cannot run {python} {script}: {source}")]
    Spawn {
        /// The interpreter.
        python: String,
        /// The bridge script.
        script: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The bridge exited with an error.
    #[error("{script} {what} failed ({status}): {stderr}")]
    Failed {
        /// The bridge script.
        script: PathBuf,
        /// `prepare` or `finish`.
        what: &'static str,
        /// Its exit status.
        status: std::process::ExitStatus,
        /// What it printed on stderr.
        stderr: String,
    },
    /// Its answer was not the expected JSON.
    #[error("{what}: unreadable answer from the bridge: {source}")]
    Answer {
        /// `prepare` or `finish`.
        what: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
    /// The request could not be encoded.
    #[error("cannot encode the request: {0}")]
    Request(#[from] serde_json::Error),
}

/// Where the bridge script and the harness are.
#[derive(Debug, Clone)]
pub struct Bridge {
    /// The interpreter (`python3`).
    pub python: String,
    /// `py/simbridge.py`.
    pub script: PathBuf,
    /// The conformance harness folder (with `harness/`).
    pub harness: PathBuf,
}

/// One scenario to prepare.
#[derive(Debug, Serialize)]
pub struct PrepareItem {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Where its run directory goes.
    pub run_dir: PathBuf,
}

/// One finished simulation, to be turned into a trace and compared.
#[derive(Debug, Serialize)]
pub struct FinishItem {
    /// The scenario file.
    pub scenario: PathBuf,
    /// Its run directory (with the records of the simulated helpers).
    pub run_dir: PathBuf,
    /// The log file.
    pub log_file: PathBuf,
    /// The expected trace, if there is one.
    pub expected: Option<PathBuf>,
    /// Where to write the actual trace.
    pub out: Option<PathBuf>,
    /// Engine restarts: (time, log size at the restart).
    pub restarts: Vec<(f64, u64)>,
    /// Harness warnings.
    pub warnings: Vec<String>,
    /// False when the run timed out or failed.
    pub complete: bool,
    /// Command lines as written and as in the scenario (placeholders).
    pub sent: Vec<(String, String)>,
    /// Snapshots: (label, time, status file text).
    pub snapshots: Vec<(String, f64, Option<String>)>,
}

/// The comparison of one trace.
#[derive(Debug, Clone, Deserialize)]
pub struct Compared {
    /// Scenario name.
    pub name: String,
    /// Whether the run was complete.
    pub complete: bool,
    /// Differences with the harness's interval tolerance.
    pub diffs: Vec<String>,
    /// Differences other than check intervals.
    pub untimed: Vec<String>,
    /// (object, step, expected dt, actual dt) of every check both traces time.
    pub dt: Vec<(String, i64, f64, f64)>,
}

/// The bridge's answer for one finished scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FinishAnswer {
    /// Compared.
    Ok(Compared),
    /// The trace could not be built.
    Err {
        /// The reason.
        error: String,
    },
}

impl Bridge {
    /// The bridge of this crate with the harness at `harness`.
    pub fn new(harness: &Path) -> Bridge {
        Bridge {
            python: std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string()),
            script: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("py")
                .join("simbridge.py"),
            harness: harness.to_path_buf(),
        }
    }

    fn call<Q: Serialize, A: for<'de> Deserialize<'de>>(
        &self,
        what: &'static str,
        request: &Q,
    ) -> Result<A, BridgeError> {
        let body = serde_json::to_vec(request)?;
        let spawn_err = |source| BridgeError::Spawn {
            python: self.python.clone(),
            script: self.script.clone(),
            source,
        };
        let mut child = Command::new(&self.python)
            .arg(&self.script)
            .arg(what)
            .arg(&self.harness)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(&body).map_err(spawn_err)?;
        }
        let out = child.wait_with_output().map_err(spawn_err)?;
        if !out.status.success() {
            return Err(BridgeError::Failed {
                script: self.script.clone(),
                what,
                status: out.status,
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        serde_json::from_slice(&out.stdout).map_err(|source| BridgeError::Answer { what, source })
    }

    /// Writes the run directories; one answer per item, in order.
    pub fn prepare(&self, items: &[PrepareItem]) -> Result<Vec<PrepareAnswer>, BridgeError> {
        self.call("prepare", &items)
    }

    /// Builds and compares the traces; one answer per item, in order.
    pub fn finish(&self, items: &[FinishItem]) -> Result<Vec<FinishAnswer>, BridgeError> {
        self.call("finish", &items)
    }
}
