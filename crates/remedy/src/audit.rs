//! The audit trail: every decision (matched, no match, skipped by cooldown or rate
//! limit, ran, failed, dry run) as one JSON line appended to the audit log and one
//! human line on stdout, which vigil records in its handler journal.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use serde_json::{Map, Value};
use vigil_handler::Event;

/// A decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// A rule matches the event.
    Matched,
    /// No rule matches.
    NoMatch,
    /// The rule's cooldown for this object has not ended.
    SkippedCooldown,
    /// The object reached the rule's max_runs in the window.
    SkippedRateLimit,
    /// An action ran and succeeded.
    Ran,
    /// An action (or the policy check) failed.
    Failed,
    /// Dry run: what would have been done.
    DryRun,
}

impl Decision {
    /// The name in the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Matched => "matched",
            Decision::NoMatch => "no_match",
            Decision::SkippedCooldown => "skipped_cooldown",
            Decision::SkippedRateLimit => "skipped_rate_limit",
            Decision::Ran => "ran",
            Decision::Failed => "failed",
            Decision::DryRun => "dry_run",
        }
    }
}

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The decision.
    pub decision: Decision,
    /// The rule, when one is concerned.
    pub rule: Option<String>,
    /// The action type, when one is concerned.
    pub action: Option<String>,
    /// What was (or would be) done, or why not.
    pub detail: String,
    /// Wall time of the action.
    pub duration_ms: Option<u64>,
}

impl Record {
    /// A record with a decision and a detail.
    pub fn new(decision: Decision, detail: impl Into<String>) -> Record {
        Record {
            decision,
            rule: None,
            action: None,
            detail: detail.into(),
            duration_ms: None,
        }
    }

    /// Sets the rule.
    pub fn rule(mut self, rule: &str) -> Record {
        self.rule = Some(rule.to_string());
        self
    }

    /// Sets the action type.
    pub fn action(mut self, action: &str) -> Record {
        self.action = Some(action.to_string());
        self
    }

    /// Sets the duration.
    pub fn duration_ms(mut self, ms: u64) -> Record {
        self.duration_ms = Some(ms);
        self
    }
}

/// Writes records to the audit log and to stdout.
pub struct Audit {
    path: Option<PathBuf>,
    out: Box<dyn Write>,
    /// Set when a line could not be written to the audit log.
    pub write_failed: bool,
}

impl Audit {
    /// An audit trail appending to `path` (if any) and printing to stdout.
    pub fn new(path: Option<PathBuf>) -> Audit {
        Audit::with_output(path, Box::new(std::io::stdout()))
    }

    /// Same, printing the human lines to `out`.
    pub fn with_output(path: Option<PathBuf>, out: Box<dyn Write>) -> Audit {
        Audit {
            path,
            out,
            write_failed: false,
        }
    }

    /// The JSON object of one record.
    pub fn json(ev: &Event, rec: &Record, dry_run: bool) -> Value {
        let mut m = Map::new();
        let now = chrono::Utc::now();
        m.insert(
            "ts".into(),
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .into(),
        );
        m.insert("pid".into(), std::process::id().into());
        m.insert("decision".into(), rec.decision.name().into());
        if let Some(r) = &rec.rule {
            m.insert("rule".into(), r.clone().into());
        }
        if let Some(a) = &rec.action {
            m.insert("action".into(), a.clone().into());
        }
        m.insert("object".into(), ev.object_label().into());
        m.insert("host".into(), ev.host.clone().into());
        if let Some(s) = &ev.service {
            m.insert("service".into(), s.clone().into());
        }
        m.insert("state".into(), ev.state.name().into());
        m.insert("state_type".into(), ev.state_type.name().into());
        m.insert("attempt".into(), ev.attempt.into());
        m.insert("detail".into(), rec.detail.clone().into());
        if let Some(d) = rec.duration_ms {
            m.insert("duration_ms".into(), d.into());
        }
        m.insert("dry_run".into(), dry_run.into());
        Value::Object(m)
    }

    /// The stdout line of one record.
    pub fn human(ev: &Event, rec: &Record) -> String {
        let mut s = format!("remedy: {}", rec.decision.name());
        if let Some(r) = &rec.rule {
            s.push_str(&format!(" rule={r}"));
        }
        if let Some(a) = &rec.action {
            s.push_str(&format!(" action={a}"));
        }
        s.push_str(&format!(" object={}: {}", ev.object_label(), rec.detail));
        if let Some(d) = rec.duration_ms {
            s.push_str(&format!(" ({d} ms)"));
        }
        s
    }

    /// Records one decision.
    pub fn log(&mut self, ev: &Event, rec: &Record, dry_run: bool) {
        let human = Audit::human(ev, rec);
        // Stdout is what vigil keeps; a closed stdout must not stop the handler.
        let _ = writeln!(self.out, "{human}");
        let _ = self.out.flush();
        if let Some(path) = &self.path {
            let mut line = Audit::json(ev, rec, dry_run).to_string();
            line.push('\n');
            // One write of the whole line on an O_APPEND descriptor: concurrent
            // handlers never interleave inside a line.
            let res = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(line.as_bytes()));
            if let Err(e) = res {
                if !self.write_failed {
                    let _ = writeln!(
                        self.out,
                        "remedy: warning: cannot write audit log {}: {e}",
                        path.display()
                    );
                }
                self.write_failed = true;
            }
        }
    }
}
