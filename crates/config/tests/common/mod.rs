//! Helpers shared by the integration tests: write a small configuration into a
//! temporary directory and load it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use vigil_config::{Diagnostic, LoadError, Model, Severity};

/// Objects every test config gets (in `base.cfg`), so that tests only write
/// what they are about.
pub const BASE: &str = "\
define command {
    command_name    c1
    command_line    /bin/true $ARG1$
}
define command {
    command_name    c2
    command_line    /bin/false
}
define timeperiod {
    timeperiod_name 24x7
    alias           Always
    monday          00:00-24:00
}
define timeperiod {
    timeperiod_name work
    alias           Work
    monday          09:00-17:00
}
define contact {
    contact_name                    admin
    host_notification_commands      c1
    service_notification_commands   c1
    host_notification_period        24x7
    service_notification_period     24x7
}
define contact {
    contact_name                    ops
    host_notification_commands      c1
    service_notification_commands   c1
    host_notification_period        24x7
    service_notification_period     24x7
}
define contactgroup {
    contactgroup_name   admins
    members             admin
}
";

pub struct Cfg {
    pub dir: tempfile::TempDir,
}

impl Cfg {
    /// A config with `BASE` in base.cfg and `objects` in objects.cfg; `extra_main`
    /// lines are appended to main.cfg.
    pub fn new(objects: &str, extra_main: &str) -> Cfg {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("base.cfg"), BASE).unwrap();
        std::fs::write(d.join("objects.cfg"), objects).unwrap();
        let main = format!(
            "log_file={}/nagios.log\ncfg_file=base.cfg\ncfg_file=objects.cfg\n\
             illegal_object_name_chars=`~!$%^&*|'\"<>?,()=\n\
             illegal_macro_output_chars=`~$&|'\"<>\n{extra_main}",
            d.display()
        );
        std::fs::write(d.join("main.cfg"), main).unwrap();
        Cfg { dir }
    }

    /// Only a main.cfg with `main` as content.
    pub fn main_only(main: &str) -> Cfg {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.cfg"), main).unwrap();
        Cfg { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &[u8]) {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, text).unwrap();
    }

    pub fn load(&self) -> Result<(Model, Vec<Diagnostic>), LoadError> {
        vigil_config::load(&self.path("main.cfg"))
    }

    /// Loads and expects success.
    pub fn ok(&self) -> (Model, Vec<Diagnostic>) {
        match self.load() {
            Ok(r) => r,
            Err(e) => {
                for d in &e.diagnostics {
                    eprintln!("{d}");
                }
                panic!("load failed: {e}");
            }
        }
    }

    /// Loads and expects failure; returns all diagnostics.
    pub fn err(&self) -> Vec<Diagnostic> {
        match self.load() {
            Ok(_) => panic!("load unexpectedly succeeded"),
            Err(e) => e.diagnostics,
        }
    }
}

/// Loads `objects` (with BASE) and expects success.
pub fn ok(objects: &str) -> (Model, Vec<Diagnostic>) {
    Cfg::new(objects, "").ok()
}

/// Loads `objects` (with BASE) and expects failure.
pub fn err(objects: &str) -> Vec<Diagnostic> {
    Cfg::new(objects, "").err()
}

fn file_name(d: &Diagnostic) -> Option<String> {
    d.location
        .as_ref()
        .and_then(|l| Path::new(l.file.as_ref()).file_name())
        .map(|n| n.to_string_lossy().into_owned())
}

/// Asserts a diagnostic of `severity` at `file:line` whose message contains `msg`.
pub fn assert_diag(diags: &[Diagnostic], severity: Severity, file: &str, line: u32, msg: &str) {
    let found = diags.iter().any(|d| {
        d.severity == severity
            && file_name(d).as_deref() == Some(file)
            && d.location.as_ref().map(|l| l.line) == Some(line)
            && d.message.contains(msg)
    });
    if !found {
        for d in diags {
            eprintln!("{d}");
        }
        panic!("no {severity:?} at {file}:{line} containing {msg:?}");
    }
}

pub fn assert_error(diags: &[Diagnostic], file: &str, line: u32, msg: &str) {
    assert_diag(diags, Severity::Error, file, line, msg)
}

pub fn assert_warning(diags: &[Diagnostic], file: &str, line: u32, msg: &str) {
    assert_diag(diags, Severity::Warning, file, line, msg)
}

/// Number of errors.
pub fn n_errors(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// A minimal host definition.
pub fn host(name: &str, extra: &str) -> String {
    format!(
        "define host {{\n    host_name {name}\n    max_check_attempts 3\n    contacts admin\n{extra}}}\n"
    )
}

/// A minimal service definition on `hosts`.
pub fn service(hosts: &str, desc: &str, extra: &str) -> String {
    format!(
        "define service {{\n    host_name {hosts}\n    service_description {desc}\n    check_command c1\n    max_check_attempts 2\n{extra}}}\n"
    )
}
