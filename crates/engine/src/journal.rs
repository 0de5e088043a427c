//! The event handler journal: every handler run, with its trigger, expanded command,
//! timing, exit status and the first 8 KiB of its output. Nagios throws all of this
//! away; vigil keeps it so an admin can see what remediation did.
//!
//! Format: JSON lines (one object per run) appended to `<file>`; when the file grows
//! past `max_bytes` it is renamed to `<file>.1` (replacing the previous one) and a new
//! file is started, so the journal is bounded at about twice `max_bytes`. JSON lines
//! were chosen over an embedded database because the journal is append-only, is read
//! rarely and sequentially, survives a crash with at most the last line torn (readers
//! skip it), and stays readable with `tail`, `grep` and `jq`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vigil_events::{HandlerKind, HandlerRun, ProcessEnd};

/// One handler run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The host.
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    /// The service, for service handlers.
    pub service: Option<String>,
    /// `global` or `object`.
    pub handler: String,
    /// The handler directive as configured (`cmd!args`).
    pub directive: String,
    /// The state that triggered the run (`CRITICAL`, `DOWN`, ...).
    pub state: String,
    /// `SOFT` or `HARD`.
    pub state_type: String,
    /// The attempt.
    pub attempt: u32,
    /// The expanded command line.
    pub command: String,
    /// Start, Unix seconds.
    pub start: f64,
    /// Seconds it ran.
    pub duration: f64,
    /// Exit code, when the process exited.
    pub exit_code: Option<i32>,
    /// Signal number, when it was killed by a signal.
    pub signal: Option<i32>,
    /// Killed after `event_handler_timeout`.
    pub timed_out: bool,
    /// Why it did not run at all.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// First 8 KiB of stdout, then stderr (lossy UTF-8).
    pub output: String,
    #[serde(default)]
    /// Recorded by `vigil fire --dry-run` (nothing ran).
    pub dry_run: bool,
}

impl Entry {
    /// The entry of a handler run that ended (see `vigil_events::Event::HandlerFinished`).
    pub fn of_run(
        run: &HandlerRun,
        end: &ProcessEnd,
        start: f64,
        duration: f64,
        output: &str,
        dry_run: bool,
    ) -> Entry {
        Entry {
            host: run.obj.host().to_string(),
            service: run.obj.service().map(str::to_string),
            handler: match run.kind {
                HandlerKind::Global => "global".into(),
                HandlerKind::Object => "object".into(),
            },
            directive: run.directive.clone(),
            state: run.state.name().to_string(),
            state_type: run.state_type.name().to_string(),
            attempt: run.attempt,
            command: run.command.clone(),
            start,
            duration,
            exit_code: match end {
                ProcessEnd::Exited(c) => Some(*c),
                _ => None,
            },
            signal: match end {
                ProcessEnd::Signaled(s) => Some(*s),
                _ => None,
            },
            timed_out: matches!(end, ProcessEnd::TimedOut),
            error: match end {
                ProcessEnd::NotStarted(e) => Some(e.clone()),
                _ => None,
            },
            output: output.to_string(),
            dry_run,
        }
    }
}

/// The open journal, appended to.
pub struct Journal {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
}

/// Default bound of one journal file.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

impl Journal {
    /// Opens (or creates) the journal at `path`, bounded by `max_bytes` per file.
    pub fn open(path: &Path, max_bytes: u64) -> io::Result<Journal> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(Journal {
            path: path.to_path_buf(),
            file,
            size,
            max_bytes,
        })
    }

    /// Appends one entry (one `write`), rotating first if the file is full.
    pub fn record(&mut self, e: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_string(e).map_err(io::Error::other)?;
        line.push('\n');
        if self.size > 0 && self.size + line.len() as u64 > self.max_bytes {
            let old = rotated(&self.path);
            std::fs::rename(&self.path, old)?;
            self.file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            self.size = 0;
        }
        self.file.write_all(line.as_bytes())?;
        self.size += line.len() as u64;
        Ok(())
    }
}

fn rotated(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".1");
    PathBuf::from(p)
}

/// Reads every entry (older file first), skipping lines that do not parse (a torn
/// last line after a crash).
pub fn read_all(path: &Path) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for p in [rotated(path), path.to_path_buf()] {
        let f = match File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for line in BufReader::new(f).split(b'\n') {
            let line = line?;
            if let Ok(e) = serde_json::from_slice::<Entry>(&line) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Where the journal of a configuration lives: next to the retention file if there is
/// one, else next to the log file.
pub fn default_path(main: &vigil_config::MainConfig) -> PathBuf {
    let base = main
        .state_retention_file
        .as_deref()
        .or(Some(main.log_file.as_path()))
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("vigil-handlers.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: u32) -> Entry {
        Entry {
            host: "h".into(),
            service: Some("s".into()),
            handler: "object".into(),
            directive: "eh!1".into(),
            state: "CRITICAL".into(),
            state_type: "SOFT".into(),
            attempt: i,
            command: "/bin/eh 1".into(),
            start: 1.5,
            duration: 0.25,
            exit_code: Some(0),
            signal: None,
            timed_out: false,
            error: None,
            output: "x".repeat(100),
            dry_run: false,
        }
    }

    #[test]
    fn records_survive_reopen_and_rotation_bounds_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        {
            let mut j = Journal::open(&p, 2000).unwrap();
            for i in 0..5 {
                j.record(&entry(i)).unwrap();
            }
        }
        let mut j = Journal::open(&p, 2000).unwrap();
        for i in 5..40 {
            j.record(&entry(i)).unwrap();
        }
        let size =
            std::fs::metadata(&p).unwrap().len() + std::fs::metadata(rotated(&p)).unwrap().len();
        assert!(size <= 4000, "journal not bounded: {size}");
        let all = read_all(&p).unwrap();
        // The newest entries are all there, in order.
        assert_eq!(all.last().unwrap().attempt, 39);
        let attempts: Vec<u32> = all.iter().map(|e| e.attempt).collect();
        let mut sorted = attempts.clone();
        sorted.sort();
        assert_eq!(attempts, sorted);
    }

    #[test]
    fn torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        let mut j = Journal::open(&p, DEFAULT_MAX_BYTES).unwrap();
        j.record(&entry(1)).unwrap();
        drop(j);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"host\":\"h\",\"serv").unwrap();
        let all = read_all(&p).unwrap();
        assert_eq!(all, vec![entry(1)]);
    }
}
