//! The handler journal (`vigil-handlers.jsonl`, written by the engine) and the
//! notification journal (`vigil-notifications.jsonl` beside it, when the
//! notification work writes one), read incrementally: each read looks at the
//! file's size and parses only what was appended since (a smaller file, or a new
//! inode after rotation, is read again from the start together with its `.1`).
//! Handler entries are read with the fields the engine writes plus `outcome` and
//! `recovered_after` when present (the handler outcome work adds them).

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One handler run as the journal records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Run {
    /// Host name.
    pub host: String,
    /// Service description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `global` or `object`.
    #[serde(default)]
    pub handler: String,
    /// `cmd!args` as configured.
    #[serde(default)]
    pub directive: String,
    /// Triggering state.
    #[serde(default)]
    pub state: String,
    /// SOFT / HARD.
    #[serde(default)]
    pub state_type: String,
    /// Attempt.
    #[serde(default)]
    pub attempt: u32,
    /// Expanded command line.
    #[serde(default)]
    pub command: String,
    /// Start, Unix seconds.
    #[serde(default)]
    pub start: f64,
    /// Seconds it ran.
    #[serde(default)]
    pub duration: f64,
    /// Exit code.
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// Signal.
    #[serde(default)]
    pub signal: Option<i32>,
    /// Killed after the timeout.
    #[serde(default)]
    pub timed_out: bool,
    /// Why it did not start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Output (first 8 KiB).
    #[serde(default)]
    pub output: String,
    /// Recorded by a dry run.
    #[serde(default)]
    pub dry_run: bool,
    /// Did the run help (`fixed`, `did_not_help`, ... as the outcome work names
    /// them); absent until known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Seconds from the run to the object's recovery, when it recovered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_after: Option<f64>,
}

impl Run {
    /// The handler's command name (the directive before `!`).
    pub fn command_name(&self) -> &str {
        self.directive.split('!').next().unwrap_or("")
    }

    /// How the process ended, in words.
    pub fn ended(&self) -> String {
        if let Some(e) = &self.error {
            return format!("did not start: {e}");
        }
        if self.timed_out {
            return "timed out".into();
        }
        match (self.exit_code, self.signal) {
            (Some(c), _) => format!("exit {c}"),
            (None, Some(s)) => format!("killed by signal {s}"),
            _ => "unknown".into(),
        }
    }

    /// The outcome as the UI shows it: the recorded one, else "pending" (not known
    /// yet) — never guessed from the exit code.
    pub fn outcome_text(&self) -> &str {
        match self.outcome.as_deref() {
            Some("fixed") | Some("recovered") => "fixed it",
            Some("did_not_help") | Some("not_fixed") | Some("failed") => "did not help",
            Some(o) => o,
            None => "not recorded",
        }
    }

    /// Whether it is about `host` / `service`.
    pub fn is_for(&self, host: &str, service: Option<&str>) -> bool {
        self.host == host && self.service.as_deref() == service
    }
}

#[derive(Debug, Default)]
struct Tail<T> {
    ino: u64,
    offset: u64,
    items: Vec<T>,
}

/// A JSON-lines file read incrementally into `T`s (at most `cap` kept, newest).
#[derive(Debug)]
pub struct JsonlLog<T> {
    path: PathBuf,
    cap: usize,
    tail: Mutex<Tail<T>>,
}

impl<T: for<'de> Deserialize<'de> + Clone> JsonlLog<T> {
    /// Follows `path` (and `path.1`, the rotated half).
    pub fn new(path: PathBuf, cap: usize) -> JsonlLog<T> {
        JsonlLog {
            path,
            cap,
            tail: Mutex::new(Tail {
                ino: 0,
                offset: 0,
                items: Vec::new(),
            }),
        }
    }

    /// The file followed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads what was appended, then calls `f` with every entry, oldest first.
    pub fn with<R>(&self, f: impl FnOnce(&[T]) -> R) -> R {
        let Ok(mut t) = self.tail.lock() else {
            return f(&[]);
        };
        self.refresh(&mut t);
        f(&t.items)
    }

    fn refresh(&self, t: &mut Tail<T>) {
        let Ok(meta) = std::fs::metadata(&self.path) else {
            t.items.clear();
            t.offset = 0;
            t.ino = 0;
            return;
        };
        if meta.ino() != t.ino || meta.len() < t.offset {
            // New file (rotated) or truncated: the rotated half, then this one.
            t.items.clear();
            t.offset = 0;
            t.ino = meta.ino();
            let mut old = self.path.as_os_str().to_owned();
            old.push(".1");
            read_from(Path::new(&old), 0, &mut t.items);
        }
        if meta.len() > t.offset {
            t.offset = read_from(&self.path, t.offset, &mut t.items);
        }
        if t.items.len() > self.cap {
            let cut = t.items.len() - self.cap;
            t.items.drain(..cut);
        }
    }
}

/// Appends the complete lines after `offset`; returns the offset after the last
/// complete line (a torn last line is read again next time).
fn read_from<T: for<'de> Deserialize<'de>>(path: &Path, offset: u64, out: &mut Vec<T>) -> u64 {
    let Ok(mut f) = File::open(path) else {
        return offset;
    };
    if f.seek(SeekFrom::Start(offset)).is_err() {
        return offset;
    }
    let mut r = BufReader::new(f);
    let mut pos = offset;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if buf.last() != Some(&b'\n') {
                    break;
                }
                pos += n as u64;
                if let Ok(v) = serde_json::from_slice::<T>(&buf) {
                    out.push(v);
                }
            }
        }
    }
    pos
}

/// The notification journal's path beside the handler journal.
pub fn notifications_path(handler_journal: &Path) -> PathBuf {
    handler_journal.with_file_name("vigil-notifications.jsonl")
}

/// Whether a notification journal entry (any JSON object) is about the object.
pub fn notification_is_for(v: &serde_json::Value, host: &str, service: Option<&str>) -> bool {
    let h = v
        .get("host")
        .or_else(|| v.get("host_name"))
        .and_then(|x| x.as_str());
    let s = v
        .get("service")
        .or_else(|| v.get("service_description"))
        .and_then(|x| x.as_str());
    h == Some(host) && s == service
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn follows_appends_torn_lines_and_rotation() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("j.jsonl");
        let log: JsonlLog<Run> = JsonlLog::new(p.clone(), 100);
        assert_eq!(log.with(|r| r.len()), 0);
        let line = |a: u32| {
            format!("{{\"host\":\"h\",\"service\":\"s\",\"directive\":\"eh!x\",\"attempt\":{a},\"outcome\":\"fixed\"}}\n")
        };
        std::fs::write(&p, line(1)).unwrap();
        assert_eq!(log.with(|r| r.len()), 1);
        let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(line(2).as_bytes()).unwrap();
        f.write_all(b"{\"host\":\"h\",\"att").unwrap();
        assert_eq!(
            log.with(|r| r.iter().map(|x| x.attempt).collect::<Vec<_>>()),
            vec![1, 2]
        );
        f.write_all(b"empt\":3}\n").unwrap();
        assert_eq!(log.with(|r| r.len()), 3);
        let r = log.with(|r| r[0].clone());
        assert_eq!((r.command_name(), r.outcome_text()), ("eh", "fixed it"));
        // rotation: the file becomes .1, a new one starts
        std::fs::rename(&p, d.path().join("j.jsonl.1")).unwrap();
        std::fs::write(&p, line(4)).unwrap();
        assert_eq!(
            log.with(|r| r.iter().map(|x| x.attempt).collect::<Vec<_>>()),
            vec![1, 2, 3, 4]
        );
    }
}
