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
//!
//! A run's outcome (`recovered`, `not_recovered`, `superseded`, `unknown`) is
//! decided after the run ended, by the object's next results. When it is known
//! when the run's entry is written, the entry carries it (`outcome`,
//! `recovered_after`); otherwise a short [`OutcomeRecord`] line follows later,
//! naming the run by its `id`, and [`read_all`] puts the two together. A
//! transition whose handlers a vigil policy held back is an entry with
//! `suppressed` (the reason) and no process. Entries written before these fields
//! existed still read (the fields are absent: no outcome).

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vigil_events::{HandlerKind, HandlerOutcome, HandlerRun, ProcessEnd};

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
    /// The core's id of the run (links an [`OutcomeRecord`] to it).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<u64>,
    /// `recovered`, `not_recovered`, `superseded` or `unknown`; absent while
    /// undecided, for runs on a recovery, and in entries of older versions.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub outcome: Option<String>,
    /// With `recovered`: seconds from the handler's start to the first OK / UP.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recovered_after: Option<f64>,
    /// A vigil policy kept the handler from running: why (nothing ran).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suppressed: Option<String>,
}

/// The outcome of a run whose entry was written before it was decided.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OutcomeRecord {
    /// The run's `id`.
    pub outcome_of: u64,
    /// The host.
    pub host: String,
    /// The service, for service handlers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub service: Option<String>,
    /// `global` or `object`.
    pub handler: String,
    /// The handler directive (so statistics need not look the run up).
    pub directive: String,
    /// As [`Entry::outcome`].
    pub outcome: String,
    /// As [`Entry::recovered_after`].
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recovered_after: Option<f64>,
    /// When it was decided, Unix seconds.
    pub decided: f64,
}

impl OutcomeRecord {
    /// The record of an outcome event.
    pub fn of(run: &HandlerRun, outcome: HandlerOutcome, decided: f64) -> OutcomeRecord {
        let (o, after) = outcome_fields(outcome);
        OutcomeRecord {
            outcome_of: run.id,
            host: run.obj.host().to_string(),
            service: run.obj.service().map(str::to_string),
            handler: kind_word(run.kind).into(),
            directive: run.directive.clone(),
            outcome: o,
            recovered_after: after,
            decided,
        }
    }
}

fn kind_word(k: HandlerKind) -> &'static str {
    match k {
        HandlerKind::Global => "global",
        HandlerKind::Object => "object",
    }
}

/// The journal fields of an outcome.
pub fn outcome_fields(o: HandlerOutcome) -> (String, Option<f64>) {
    let after = match o {
        HandlerOutcome::Recovered { after } => Some((after * 1000.0).round() / 1000.0),
        _ => None,
    };
    (o.field().to_string(), after)
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
            exit_code: end.exit_code(),
            signal: end.signal(),
            timed_out: end.timed_out(),
            error: end.start_error(),
            output: output.to_string(),
            dry_run,
            id: (run.id != 0).then_some(run.id),
            outcome: None,
            recovered_after: None,
            suppressed: None,
        }
    }

    /// The entry of a handler a policy held back at `at` (nothing ran).
    pub fn of_suppressed(run: &HandlerRun, reason: &str, at: f64) -> Entry {
        let mut e = Entry::of_run(run, &ProcessEnd::Exited(0), at, 0.0, "", false);
        e.exit_code = None;
        e.suppressed = Some(reason.to_string());
        e
    }

    /// Sets the outcome fields.
    pub fn set_outcome(&mut self, o: HandlerOutcome) {
        let (word, after) = outcome_fields(o);
        self.outcome = Some(word);
        self.recovered_after = after;
    }

    /// The command name of the directive (`restart!nginx` → `restart`).
    pub fn command_name(&self) -> &str {
        command_name(&self.directive)
    }
}

/// The command name of a handler directive (before the first unescaped `!`).
pub fn command_name(directive: &str) -> &str {
    directive.split('!').next().unwrap_or(directive)
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
        let line = serde_json::to_string(e).map_err(io::Error::other)?;
        self.append(line)
    }

    /// Appends an outcome decided after its run's entry was written.
    pub fn record_outcome(&mut self, o: &OutcomeRecord) -> io::Result<()> {
        let line = serde_json::to_string(o).map_err(io::Error::other)?;
        self.append(line)
    }

    fn append(&mut self, mut line: String) -> io::Result<()> {
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
/// last line after a crash); outcome records are folded into their runs' entries.
pub fn read_all(path: &Path) -> io::Result<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    // (id, host, service, handler) -> index of the latest entry of that run.
    let mut runs: std::collections::HashMap<(u64, String, Option<String>, String), usize> =
        std::collections::HashMap::new();
    for_each_line(path, |line| {
        if line.starts_with(b"{\"outcome_of\"") {
            if let Ok(o) = serde_json::from_slice::<OutcomeRecord>(line) {
                let key = (o.outcome_of, o.host, o.service, o.handler);
                if let Some(e) = runs.get(&key).and_then(|i| out.get_mut(*i)) {
                    e.outcome = Some(o.outcome);
                    e.recovered_after = o.recovered_after;
                }
            }
        } else if let Ok(e) = serde_json::from_slice::<Entry>(line) {
            if let Some(id) = e.id {
                let key = (id, e.host.clone(), e.service.clone(), e.handler.clone());
                runs.insert(key, out.len());
            }
            out.push(e);
        }
    })?;
    Ok(out)
}

/// Calls `f` with every line of the journal, older file first, streaming.
pub fn for_each_line(path: &Path, mut f: impl FnMut(&[u8])) -> io::Result<()> {
    for p in [rotated(path), path.to_path_buf()] {
        let file = match File::open(&p) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut r = BufReader::with_capacity(1 << 20, file);
        let mut line = Vec::with_capacity(4096);
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            f(&line);
        }
    }
    Ok(())
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
            id: Some(i as u64 + 1),
            outcome: None,
            recovered_after: None,
            suppressed: None,
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

    #[test]
    fn old_entries_read_and_outcomes_join_their_runs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        // An entry as vigil wrote it before outcomes existed.
        let old = r#"{"host":"h","service":"s","handler":"object","directive":"eh","state":"CRITICAL","state_type":"SOFT","attempt":1,"command":"/bin/eh","start":1.0,"duration":0.1,"exit_code":0,"signal":null,"timed_out":false,"output":""}"#;
        std::fs::write(&p, format!("{old}\n")).unwrap();
        let mut j = Journal::open(&p, DEFAULT_MAX_BYTES).unwrap();
        j.record(&entry(1)).unwrap(); // id 2
        let mut decided = entry(2); // id 3, outcome known when written
        decided.set_outcome(HandlerOutcome::NotRecovered);
        j.record(&decided).unwrap();
        let run = HandlerRun {
            obj: vigil_events::Obj::Service {
                host: "h".into(),
                service: "s".into(),
            },
            kind: HandlerKind::Object,
            state: vigil_events::AnyState::Service(vigil_events::ServiceState::Critical),
            state_type: vigil_events::StateType::Soft,
            attempt: 1,
            directive: "eh!1".into(),
            command: String::new(),
            id: 2,
        };
        j.record_outcome(&OutcomeRecord::of(
            &run,
            HandlerOutcome::Recovered { after: 2.5 },
            5.0,
        ))
        .unwrap();
        let all = read_all(&p).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].outcome, None);
        assert_eq!(all[0].id, None);
        assert_eq!(all[1].outcome.as_deref(), Some("recovered"));
        assert_eq!(all[1].recovered_after, Some(2.5));
        assert_eq!(all[2].outcome.as_deref(), Some("not_recovered"));
    }
}
