//! `vigil-config` owns everything about reading a Nagios / Naemon configuration:
//! the main config file (`nagios.cfg` syntax) with every directive and its default,
//! resource files (`$USERn$`), object files (`cfg_file`, `cfg_dir`), templates and
//! inheritance, service/group assignment, and validation as `nagios -v` does it.
//!
//! The result is a [`Model`]: immutable, indexed by name, and the only input the
//! engine reads about objects. Errors carry `file:line` ([`Location`]).
//!
//! Entry point: [`load`].

pub mod model;
pub mod timeperiod;

pub use model::*;

use std::path::Path;

/// Where something was written: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Location {
    pub file: std::sync::Arc<std::path::PathBuf>,
    pub line: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One problem found while loading. Errors make the load fail; warnings don't.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` only for problems that belong to no file (e.g. "no services defined").
    pub location: Option<Location>,
    /// Human readable message, e.g. `host 'web1': unknown parent 'x'`.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Warning,
    Error,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match &self.location {
            Some(l) => write!(f, "{l}: {sev}: {}", self.message),
            None => write!(f, "{sev}: {}", self.message),
        }
    }
}

/// Loading failed: every error found in one run, plus the warnings.
#[derive(Debug, thiserror::Error)]
#[error("configuration has {} error(s)", self.errors().count())]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

/// Reads the main config at `path` and everything it includes, resolves and
/// validates the objects. On success returns the model and the warnings.
pub fn load(path: &Path) -> Result<(Model, Vec<Diagnostic>), LoadError> {
    let _ = path;
    todo!()
}
