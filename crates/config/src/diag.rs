//! Collecting diagnostics (errors and warnings) while loading.

use crate::{Diagnostic, Location, Severity};
use std::path::PathBuf;
use std::sync::Arc;

/// Accumulates every diagnostic of one load.
#[derive(Debug, Default)]
pub(crate) struct Diags {
    pub list: Vec<Diagnostic>,
    pub errors: usize,
}

impl Diags {
    pub fn error(&mut self, location: Option<Location>, message: impl Into<String>) {
        self.errors += 1;
        self.list.push(Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
        });
    }

    pub fn warn(&mut self, location: Option<Location>, message: impl Into<String>) {
        self.list.push(Diagnostic {
            severity: Severity::Warning,
            location,
            message: message.into(),
        });
    }

    pub fn error_at(&mut self, file: &Arc<PathBuf>, line: u32, message: impl Into<String>) {
        self.error(Some(loc(file, line)), message)
    }

    pub fn warn_at(&mut self, file: &Arc<PathBuf>, line: u32, message: impl Into<String>) {
        self.warn(Some(loc(file, line)), message)
    }
}

/// Builds a [`Location`].
pub(crate) fn loc(file: &Arc<PathBuf>, line: u32) -> Location {
    Location {
        file: file.clone(),
        line,
    }
}
