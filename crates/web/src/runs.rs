//! The handler journal (`vigil-handlers.jsonl`, written by the engine) and the
//! notification journal (`vigil-notifications.jsonl` beside it, when the
//! notification work writes one), read incrementally: each read looks at the
//! file's size and parses only what was appended since (a smaller file, or a new
//! inode after rotation, is read again from the start together with its `.1`).
//! Handler entries are read with the fields the engine writes
//! (`vigil_engine::journal::Entry`), including `outcome` / `recovered_after`; an
//! outcome decided after its run's entry was written is a separate
//! `{"outcome_of":…}` line (`vigil_engine::journal::OutcomeRecord`) that is folded
//! into its run here, as `vigil_engine::journal::read_all` does.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use vigil_engine::journal::OutcomeRecord;
use vigil_events::HandlerOutcome;

/// A type read line by line from a JSON-lines journal.
pub trait Line: Sized {
    /// Adds what `line` (one complete line) says to `items` (unparsable lines are
    /// skipped: a torn line after a crash).
    fn read_line(items: &mut Vec<Self>, line: &[u8]);
}

impl Line for serde_json::Value {
    fn read_line(items: &mut Vec<Self>, line: &[u8]) {
        if let Ok(v) = serde_json::from_slice(line) {
            items.push(v);
        }
    }
}

impl Line for Run {
    /// A run's entry is pushed; an outcome record (`{"outcome_of":…}`) is folded
    /// into the latest entry of its run and never becomes a run itself.
    fn read_line(items: &mut Vec<Self>, line: &[u8]) {
        if line.starts_with(b"{\"outcome_of\"") {
            if let Ok(o) = serde_json::from_slice::<OutcomeRecord>(line) {
                if let Some(r) = items.iter_mut().rev().find(|r| r.is_run_of(&o)) {
                    r.apply(o);
                }
            }
        } else if let Ok(r) = serde_json::from_slice::<Run>(line) {
            items.push(r);
        }
    }
}

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
    /// The core's id of the run (links a later outcome record to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// `recovered`, `not_recovered`, `superseded` or `unknown` (the journal's
    /// words, `vigil_events::HandlerOutcome::field`); absent until decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// With `recovered`: seconds from the handler's start to the first OK / UP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovered_after: Option<f64>,
    /// Why a vigil policy held the handler back (nothing ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

impl Run {
    /// The handler's command name (the directive before `!`).
    pub fn command_name(&self) -> &str {
        self.directive.split('!').next().unwrap_or("")
    }

    /// How the process ended, in words.
    pub fn ended(&self) -> String {
        if let Some(s) = &self.suppressed {
            return format!("held back: {s}");
        }
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

    /// The recorded outcome, read as the journal's writer wrote it.
    pub fn outcome(&self) -> Option<HandlerOutcome> {
        HandlerOutcome::from_field(self.outcome.as_deref()?, self.recovered_after)
    }

    /// The outcome as the UI shows it: the recorded one, else "not recorded" (not
    /// decided yet) — never guessed from the exit code. A word this vigil does not
    /// know (a newer journal) is shown as written.
    pub fn outcome_text(&self) -> &str {
        match (self.outcome(), self.outcome.as_deref()) {
            (Some(HandlerOutcome::Recovered { .. }), _) => "fixed it",
            (Some(HandlerOutcome::NotRecovered), _) => "did not help",
            (Some(HandlerOutcome::Superseded), _) => "superseded",
            (Some(HandlerOutcome::Unknown), _) => "unknown",
            (None, Some(o)) => o,
            (None, None) => "not recorded",
        }
    }

    /// Folds an outcome decided after the run's entry was written.
    fn apply(&mut self, o: OutcomeRecord) {
        self.outcome = Some(o.outcome);
        self.recovered_after = o.recovered_after;
    }

    /// Whether `o` is the outcome of this run.
    fn is_run_of(&self, o: &OutcomeRecord) -> bool {
        self.id == Some(o.outcome_of)
            && self.host == o.host
            && self.service == o.service
            && self.handler == o.handler
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

impl<T: Line + Clone> JsonlLog<T> {
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
fn read_from<T: Line>(path: &Path, offset: u64, out: &mut Vec<T>) -> u64 {
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
                T::read_line(out, &buf);
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
            format!("{{\"host\":\"h\",\"service\":\"s\",\"directive\":\"eh!x\",\"attempt\":{a},\"outcome\":\"recovered\"}}\n")
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

    fn run(id: u64, attempt: u32) -> vigil_events::HandlerRun {
        vigil_events::HandlerRun {
            obj: vigil_events::Obj::Service {
                host: "web1".into(),
                service: "nginx".into(),
            },
            kind: vigil_events::HandlerKind::Object,
            state: vigil_events::AnyState::Service(vigil_events::ServiceState::Critical),
            state_type: vigil_events::StateType::Soft,
            attempt,
            directive: "restart!nginx".into(),
            command: "/bin/restart nginx".into(),
            id,
        }
    }

    /// The journal as the engine's own writer writes it: entries whose outcome was
    /// known when written, entries decided later (an `outcome_of` record), a
    /// suppressed transition. Each reads back with the label of its real word, and
    /// the outcome records never show up as runs.
    #[test]
    fn labels_of_the_journal_writers_words() {
        use vigil_engine::journal::{Entry, Journal, OutcomeRecord, DEFAULT_MAX_BYTES};
        use vigil_events::{HandlerOutcome, ProcessEnd};
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("vigil-handlers.jsonl");
        let log: JsonlLog<Run> = JsonlLog::new(p.clone(), 100);
        let mut j = Journal::open(&p, DEFAULT_MAX_BYTES).unwrap();
        let end = ProcessEnd::Exited(0);
        let entry = |id, attempt| Entry::of_run(&run(id, attempt), &end, 10.0, 0.5, "ok", false);
        // 1: outcome decided later, recovered
        j.record(&entry(1, 1)).unwrap();
        // 2: known when written, not recovered
        let mut e = entry(2, 2);
        e.set_outcome(HandlerOutcome::NotRecovered);
        j.record(&e).unwrap();
        // 3: superseded, 4: unknown, both known when written
        for (id, o) in [
            (3, HandlerOutcome::Superseded),
            (4, HandlerOutcome::Unknown),
        ] {
            let mut e = entry(id, 3);
            e.set_outcome(o);
            j.record(&e).unwrap();
        }
        // 5: not decided
        j.record(&entry(5, 1)).unwrap();
        // read once before the later outcome: still "not recorded"
        assert_eq!(
            log.with(|r| r[0].outcome_text().to_string()),
            "not recorded"
        );
        j.record_outcome(&OutcomeRecord::of(
            &run(1, 1),
            HandlerOutcome::Recovered { after: 2.5 },
            13.0,
        ))
        .unwrap();
        // a suppressed transition: no process
        j.record(&Entry::of_suppressed(&run(0, 1), "rate limit", 20.0))
            .unwrap();
        let runs = log.with(|r| r.to_vec());
        let labels: Vec<&str> = runs.iter().map(Run::outcome_text).collect();
        assert_eq!(
            labels,
            [
                "fixed it",
                "did not help",
                "superseded",
                "unknown",
                "not recorded",
                "not recorded"
            ]
        );
        assert_eq!(runs[0].recovered_after, Some(2.5));
        assert_eq!(
            runs[0].outcome(),
            Some(HandlerOutcome::Recovered { after: 2.5 })
        );
        assert_eq!(runs[5].ended(), "held back: rate limit");
        // A fresh reader of the whole file folds the same way.
        let fresh: JsonlLog<Run> = JsonlLog::new(p, 100);
        assert_eq!(fresh.with(|r| r.to_vec()), runs);
    }
}
