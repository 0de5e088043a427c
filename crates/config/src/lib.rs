//! `vigil-config` owns everything about reading a Nagios / Naemon configuration:
//! the main config file (`nagios.cfg` syntax) with every directive and its default,
//! resource files (`$USERn$`), object files (`cfg_file`, `cfg_dir`), templates and
//! inheritance, service/group assignment, and validation as `nagios -v` does it.
//!
//! The result is a [`Model`]: immutable, indexed by name, and the only input the
//! engine reads about objects. Errors carry `file:line` ([`Location`]).
//!
//! Entry points: [`load`] (a main config and everything it includes),
//! [`parse_object_bytes`] (one object file from memory; used by the fuzz target)
//! and [`write_objects_cache`] (the model in Nagios's objects.cache format).
//! Time periods ([`timeperiod`]) are evaluated in a [`zone::Zone`] the caller
//! builds from TZif bytes.
//!
//! # Pipeline
//!
//! 1. `main_cfg`: main config + resource files ([`MainConfig`], [`UserMacros`]).
//! 2. `objfile`: every object file is read as bytes (`source`: UTF-8, Latin-1
//!    per line as fallback) and lexed (rules L1–L14) into raw definitions whose
//!    values live in one string arena; the file texts are then dropped.
//! 3. `resolve`: templates are flattened once; objects are read through views.
//! 4. `build`: registration, duplicates, assignment (list grammar and
//!    regular expressions in `names`), implied inheritance, reference checks,
//!    cycles; produces the [`Model`].
//!
//! # Choices where vigil differs from Nagios 4 on purpose
//!
//! - Every error of a run is reported (Nagios stops at the first parse error).
//! - An unknown main-config directive is a warning, not an error (drop-in for
//!   configs written for other cores); so is `cfg_file = x` with blanks, accepted.
//! - `cfg_dir` entries are read in byte-wise sorted order (Nagios: `readdir` order),
//!   so "last duplicate service wins" is deterministic.
//! - Relative `include_file` / `include_dir` paths are resolved against the main
//!   config's directory (Nagios uses the current directory).
//! - A non-numeric value of a numeric / boolean object directive is read as 0,
//!   as Nagios's `atoi` does, but with a warning naming `file:line`.
//! - Circular or self-referencing `use` loads (as in Nagios) with a warning.
//! - Without `log_file=`, [`DEFAULT_LOG_FILE`] is used (Nagios: its compiled-in
//!   default).
//! - Regular expressions (`use_regexp_matching`) are the `regex` crate's, not
//!   glibc's POSIX ERE; see `names.rs` for where they differ.
//! - Object names and directive values are case-sensitive; command names are
//!   matched exactly.
//!
//! The crate reads no clock and no time zone: time periods take a
//! [`zone::Zone`] (built by the caller from TZif bytes) and the time as
//! arguments. The only files it reads are the configuration's, in [`load`].

mod build;
mod diag;
mod keys;
mod main_cfg;
pub mod model;
mod names;
mod objects_cache;
mod objfile;
pub mod policy;
mod resolve;
mod source;
pub mod timeperiod;
mod util;
pub mod zone;

pub use build::split_command_call;
pub use main_cfg::{DEFAULT_LOG_FILE, MAX_USER_MACROS};
pub use model::*;
pub use objects_cache::write_objects_cache;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where something was written: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Location {
    /// The file (shared by every location in it).
    pub file: std::sync::Arc<std::path::PathBuf>,
    /// 1-based line number; for a definition, the line of its `define`.
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
    /// Error (the load fails) or warning.
    pub severity: Severity,
    /// `None` only for problems that belong to no file (e.g. "no services defined").
    pub location: Option<Location>,
    /// Human readable message, e.g. `host 'web1': unknown parent 'x'`.
    pub message: String,
}

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Reported; the configuration still loads.
    Warning,
    /// The configuration does not load.
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
    /// Every error and warning, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

/// Reads the main config at `path` and everything it includes, resolves and
/// validates the objects. On success returns the model and the warnings.
///
/// Every problem found is reported in one run: on failure the [`LoadError`]
/// carries all errors and warnings, in the order they were found.
pub fn load(path: &Path) -> Result<(Model, Vec<Diagnostic>), LoadError> {
    let mut diags = diag::Diags::default();
    let mp = match main_cfg::read_main(path, &mut diags) {
        Ok(mp) => mp,
        Err(e) => {
            diags.error(
                None,
                format!("cannot read main config file '{}': {e}", path.display()),
            );
            return Err(LoadError {
                diagnostics: diags.list,
            });
        }
    };
    let base = mp
        .main
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));

    // Read and parse every object file, in order, one at a time.
    let mut parser = objfile::ObjParser::new(base, true, &mut diags);
    for s in &mp.sources {
        match s {
            main_cfg::ObjectSource::File(p, l) => parser.parse_path(p, Some(l.clone())),
            main_cfg::ObjectSource::Dir(p, l) => parser.parse_dir(p, Some(l.clone())),
        }
    }
    let parsed = parser.out;
    let res = resolve::Resolver::new(&parsed, &mut diags);
    let mut b = build::Builder::new(&parsed, &res, &mut diags, mp.main, mp.user_macros);
    b.build(mp.global_commands);
    let model = b.m;
    drop(res);
    drop(parsed);
    if diags.errors > 0 {
        Err(LoadError {
            diagnostics: diags.list,
        })
    } else {
        Ok((model, diags.list))
    }
}

/// Parses object definitions from memory (as if they were the only `cfg_file` of
/// a main config with default settings), resolves and validates them, and returns
/// every diagnostic. Includes are not followed. Never panics on any input: this
/// is the entry point of the fuzz target.
pub fn parse_object_bytes(bytes: &[u8], file: &Path) -> Vec<Diagnostic> {
    let mut diags = diag::Diags::default();
    let src = source::Source::from_bytes(Arc::new(file.to_path_buf()), bytes.to_vec());
    let mut parser = objfile::ObjParser::new(PathBuf::from("/"), false, &mut diags);
    parser.parse_source(&src);
    let parsed = parser.out;
    let mut main = MainConfig::with_defaults(file.to_path_buf());
    main.illegal_object_name_chars = b"`~!$%^&*|'\"<>?,()=".to_vec();
    let res = resolve::Resolver::new(&parsed, &mut diags);
    let mut b = build::Builder::new(&parsed, &res, &mut diags, main, UserMacros::default());
    b.build(Vec::new());
    diags.list
}
