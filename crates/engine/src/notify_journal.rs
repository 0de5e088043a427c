//! The notification journal: every notification decision, sent or not — the
//! object, type, number, each contact considered and the rule that stopped the
//! notification or the contact — and every notification command that ran, with
//! its expanded command line, exit, duration and output. Nagios logs only the
//! notifications it sent; this journal answers "why was nobody paged".
//!
//! Format: JSON lines in `<file>`, one [`Entry`] per line (`"entry": "decision"` or
//! `"entry": "command"`); past `max_bytes` the file becomes `<file>.1` and a new one
//! starts, so the journal stays under about twice `max_bytes`. Readers skip a torn
//! last line. Lines are buffered during a loop pass and written at its end.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vigil_events::{NotificationRecord, NotificationRun, ProcessEnd};

/// Default bound of one journal file.
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// One notification command run, as it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRun {
    /// The notification id it belongs to.
    pub id: u64,
    /// The host.
    pub host: String,
    /// The service, for service notifications.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub service: Option<String>,
    /// `$NOTIFICATIONTYPE$` (`PROBLEM`, `RECOVERY`, ...).
    pub notification_type: String,
    /// The contact.
    pub contact: String,
    /// The command directive (`cmd!args`).
    pub directive: String,
    /// The expanded command line.
    pub command: String,
    /// Start, Unix seconds.
    pub start: f64,
    /// Seconds it ran.
    pub duration: f64,
    /// Exit code, when it exited.
    pub exit_code: Option<i32>,
    /// Signal, when it was killed by one.
    pub signal: Option<i32>,
    /// Killed after `notification_timeout`.
    pub timed_out: bool,
    /// Why it did not run at all.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// First 8 KiB of stdout, then stderr (lossy UTF-8).
    pub output: String,
}

impl CommandRun {
    /// The entry of a command run that ended.
    pub fn of(
        run: &NotificationRun,
        end: &ProcessEnd,
        start: f64,
        duration: f64,
        output: &str,
    ) -> CommandRun {
        CommandRun {
            id: run.id,
            host: run.obj.host().to_string(),
            service: run.obj.service().map(str::to_string),
            notification_type: run.type_name.clone(),
            contact: run.contact.clone(),
            directive: run.directive.clone(),
            command: run.command.clone(),
            start,
            duration,
            exit_code: end.exit_code(),
            signal: end.signal(),
            timed_out: end.timed_out(),
            error: end.start_error(),
            output: output.to_string(),
        }
    }
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// A notification decision.
    Decision(NotificationRecord),
    /// A notification command that ended.
    Command(CommandRun),
}

/// The open journal.
pub struct NotifyJournal {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
    pending: Vec<u8>,
}

impl NotifyJournal {
    /// Opens (or creates) the journal at `path`, bounded by `max_bytes` per file.
    pub fn open(path: &Path, max_bytes: u64) -> io::Result<NotifyJournal> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let size = file.metadata()?.len();
        Ok(NotifyJournal {
            path: path.to_path_buf(),
            file,
            size,
            max_bytes,
            pending: Vec::new(),
        })
    }

    /// Adds an entry to the pending lines (written by [`NotifyJournal::flush`]).
    pub fn push(&mut self, e: &Entry) -> io::Result<()> {
        serde_json::to_writer(&mut self.pending, e).map_err(io::Error::other)?;
        self.pending.push(b'\n');
        Ok(())
    }

    /// Writes the pending lines (one `write`), rotating first when the file is full.
    pub fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let len = self.pending.len() as u64;
        if self.size > 0 && self.size + len > self.max_bytes {
            let mut old = self.path.as_os_str().to_owned();
            old.push(".1");
            std::fs::rename(&self.path, PathBuf::from(old))?;
            self.file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)?;
            self.size = 0;
        }
        let res = self.file.write_all(&self.pending);
        self.pending.clear();
        res?;
        self.size += len;
        Ok(())
    }

    /// Appends one entry now.
    pub fn record(&mut self, e: &Entry) -> io::Result<()> {
        self.push(e)?;
        self.flush()
    }
}

/// Every entry, older file first; lines that do not parse (a torn last line) are
/// skipped.
pub fn read_all(path: &Path) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    let mut old = path.as_os_str().to_owned();
    old.push(".1");
    for p in [PathBuf::from(old), path.to_path_buf()] {
        let f = match File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for line in BufReader::new(f).split(b'\n') {
            if let Ok(e) = serde_json::from_slice::<Entry>(&line?) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Where the notification journal of a configuration lives: next to the handler
/// journal (the retention file's folder, else the log file's).
pub fn default_path(main: &vigil_config::MainConfig) -> PathBuf {
    crate::journal::default_path(main).with_file_name("vigil-notifications.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_events::{
        AnyState, ContactDecision, NotificationType, Obj, ServiceState, Suppression,
    };

    fn decision(n: u32) -> Entry {
        Entry::Decision(NotificationRecord {
            time: 10.5,
            obj: Obj::Service {
                host: "h".into(),
                service: "s".into(),
            },
            kind: NotificationType::Normal,
            type_name: "PROBLEM".into(),
            state: AnyState::Service(ServiceState::Critical),
            number: n,
            id: None,
            escalated: false,
            options: 0,
            author: None,
            comment: None,
            stopped_by: Some(Suppression::InDowntime),
            contacts: vec![ContactDecision {
                contact: "ops".into(),
                stopped_by: Some(Suppression::InDowntime),
                commands: vec![],
            }],
        })
    }

    #[test]
    fn entries_come_back_and_rotation_bounds_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.jsonl");
        let mut j = NotifyJournal::open(&p, 3000).unwrap();
        for n in 0..40 {
            j.push(&decision(n)).unwrap();
            j.flush().unwrap();
        }
        let size = std::fs::metadata(&p).unwrap().len()
            + std::fs::metadata(dir.path().join("n.jsonl.1"))
                .unwrap()
                .len();
        assert!(size <= 6000, "not bounded: {size}");
        let all = read_all(&p).unwrap();
        assert_eq!(all.last(), Some(&decision(39)));
        // a torn last line is skipped
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"entry\":\"decis").unwrap();
        assert_eq!(read_all(&p).unwrap().last(), Some(&decision(39)));
    }

    #[test]
    fn the_reason_is_stored_as_a_typed_rule() {
        let line = serde_json::to_string(&decision(1)).unwrap();
        assert!(
            line.contains(r#""stopped_by":{"rule":"in_downtime"}"#),
            "{line}"
        );
        assert!(line.starts_with(r#"{"entry":"decision""#), "{line}");
    }
}
