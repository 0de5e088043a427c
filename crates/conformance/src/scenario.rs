//! A prepared scenario: what the harness's scenario and config modules made of a
//! scenario file (through the bridge's `prepare`), as typed values for the simulation.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// One result of a scripted check (`helpers/seqcheck.py`'s step, after the harness
/// expanded `repeat` and added the host-first `wait`).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Step {
    /// Exit code.
    #[serde(default)]
    pub rc: i32,
    /// Standard output, verbatim.
    #[serde(default)]
    pub out: String,
    /// Standard error, verbatim.
    #[serde(default)]
    pub stderr: Option<String>,
    /// Seconds before answering (the interval after it is not timed).
    #[serde(default)]
    pub sleep: Option<f64>,
    /// Seconds before answering (the interval after it stays timed).
    #[serde(default)]
    pub runtime: Option<f64>,
    /// Hold the answer until another object has consumed enough results.
    #[serde(default)]
    pub wait: Option<Wait>,
}

/// `wait: {object, consumed, delay, timeout}` of a step.
#[derive(Debug, Clone, Deserialize)]
pub struct Wait {
    /// `host:NAME` or `service:HOST;DESC`.
    pub object: String,
    /// Results the other object must have consumed.
    pub consumed: u32,
    /// Seconds to wait after the condition holds.
    #[serde(default = "default_wait_delay")]
    pub delay: f64,
    /// Seconds after which the plugin gives up waiting (and records `gate_ok: false`).
    #[serde(default = "default_wait_timeout")]
    pub timeout: f64,
}

fn default_wait_delay() -> f64 {
    0.5
}

fn default_wait_timeout() -> f64 {
    30.0
}

/// A host or service of the scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct Object {
    /// `host:NAME` / `service:HOST;DESC`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// File key of its counters and sequence (`helpers/seqcheck.py`'s `obj_file_key`).
    pub key: String,
    /// Its result sequence, if scripted.
    pub steps: Option<Vec<Step>>,
    /// Whether the run waits until its sequence is exhausted.
    pub wait: bool,
}

/// `after` condition of an action.
#[derive(Debug, Clone, Deserialize)]
pub struct After {
    /// The object whose counter is watched.
    pub object: String,
    /// Wait for this many started checks ...
    #[serde(default)]
    pub started: Option<u32>,
    /// ... or consumed results.
    #[serde(default)]
    pub consumed: Option<u32>,
}

/// One action of the scenario (`runner.py`'s semantics).
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    /// Counter condition.
    #[serde(default)]
    pub after: Option<After>,
    /// Seconds after the first engine start.
    #[serde(default)]
    pub at: Option<f64>,
    /// Seconds between the condition and the action.
    #[serde(default)]
    pub delay: Option<f64>,
    /// A command line for the command file (with placeholders).
    #[serde(default)]
    pub command: Option<String>,
    /// Stop the engine and start it again.
    #[serde(default)]
    pub restart: Option<bool>,
    /// Seconds between stop and start of a restart.
    #[serde(default)]
    pub pause: Option<f64>,
    /// Record the status file under this label.
    #[serde(default)]
    pub snapshot: Option<String>,
}

/// What one helper wrapper under `plugins/` is.
#[derive(Debug, Clone, Deserialize)]
pub struct HelperInfo {
    /// `seqcheck`, `recorder`, `notifyrec` or `perfdatarec`.
    pub helper: String,
    /// The script name the wrapper passes (recording helpers).
    pub script: Option<String>,
}

/// The answer of the bridge's `prepare` for one scenario.
#[derive(Debug, Clone, Deserialize)]
pub struct Prepared {
    /// Scenario name (file base name).
    pub name: String,
    /// The generated main configuration.
    pub main_cfg: PathBuf,
    /// The log file the trace is built from.
    pub log_file: PathBuf,
    /// Hosts and services, in scenario order.
    pub objects: Vec<Object>,
    /// Actions, in order.
    pub actions: Vec<Action>,
    /// Seconds between the run's end and SIGTERM.
    pub grace: f64,
    /// Bound of the whole run, seconds.
    pub timeout: f64,
    /// Minimum run time, seconds.
    pub min_runtime: f64,
    /// Helper wrappers by absolute path.
    pub helpers: BTreeMap<PathBuf, HelperInfo>,
}

/// The bridge's answer for one scenario: prepared, or why not.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum PrepareAnswer {
    /// The run directory is written.
    Ok(Box<Prepared>),
    /// The scenario could not be prepared.
    Err {
        /// The reason.
        error: String,
    },
}
