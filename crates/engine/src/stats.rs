//! Handler statistics from the journal (`vigil handlers --stats`): per handler
//! command and per object, how often handlers ran, how often the object recovered
//! afterwards and how fast, how often they failed, timed out, or were held back by
//! a policy.
//!
//! One streaming pass over the journal: each line is read into a borrowed view of
//! the few fields needed (the output and the command line are skipped, not
//! copied), counted, and dropped; outcome records carry the directive and object
//! themselves, so no run has to be remembered. Memory grows with the number of
//! commands and objects (and one number per recovery), not with the journal.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::journal::{command_name, for_each_line};

/// Counters of one handler command or one object.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counters {
    /// Handler processes started (dry runs excluded).
    pub runs: u64,
    /// Runs whose outcome was `recovered`.
    pub recovered: u64,
    /// `not_recovered`.
    pub not_recovered: u64,
    /// `superseded`.
    pub superseded: u64,
    /// `unknown`.
    pub unknown: u64,
    /// Exit code other than 0, killed by a signal, or not started.
    pub failures: u64,
    /// Killed after the handler timeout.
    pub timeouts: u64,
    /// Held back by a vigil policy.
    pub suppressed: u64,
    /// Seconds to recovery of every `recovered` run (sorted by [`Stats::finish`]).
    #[serde(skip)]
    pub recoveries: Vec<f64>,
}

impl Counters {
    /// Recovered among the runs whose outcome was decided either way (recovered or
    /// not recovered), in percent; `None` when there is none.
    pub fn recovered_percent(&self) -> Option<f64> {
        let decided = self.recovered + self.not_recovered;
        (decided > 0).then(|| 100.0 * self.recovered as f64 / decided as f64)
    }

    /// The `q` quantile (0..=1) of the times to recovery, nearest rank.
    pub fn recovery_quantile(&self, q: f64) -> Option<f64> {
        let n = self.recoveries.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        self.recoveries.get(rank - 1).copied()
    }
}

/// The statistics of a journal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// By handler command name (the directive before its first `!`).
    pub by_command: BTreeMap<String, Counters>,
    /// By object: `host` or `host;service`.
    pub by_object: BTreeMap<String, Counters>,
    /// Journal lines read (entries and outcome records).
    pub lines: u64,
}

impl Stats {
    /// Sorts the recovery times (for the quantiles).
    pub fn finish(&mut self) {
        for c in self
            .by_command
            .values_mut()
            .chain(self.by_object.values_mut())
        {
            c.recoveries.sort_by(f64::total_cmp);
        }
    }
}

/// The fields of a journal line statistics need, borrowed where possible.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, default)]
    host: Cow<'a, str>,
    #[serde(borrow, default)]
    service: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    directive: Cow<'a, str>,
    #[serde(default)]
    start: f64,
    #[serde(default)]
    exit_code: Option<i32>,
    #[serde(default)]
    signal: Option<i32>,
    #[serde(default)]
    timed_out: bool,
    #[serde(borrow, default)]
    error: Option<Cow<'a, str>>,
    #[serde(default)]
    dry_run: bool,
    #[serde(borrow, default)]
    suppressed: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    outcome: Option<Cow<'a, str>>,
    #[serde(default)]
    recovered_after: Option<f64>,
    #[serde(default)]
    outcome_of: Option<u64>,
    #[serde(default)]
    decided: f64,
}

fn object_key(host: &str, service: Option<&str>) -> String {
    match service {
        Some(s) => format!("{host};{s}"),
        None => host.to_string(),
    }
}

/// Reads the journal at `path` (and its rotated `.1`), counting what happened at
/// or after `since` (Unix seconds; runs by their start, outcomes by when they
/// were decided). Lines that do not parse are skipped.
pub fn journal_stats(path: &Path, since: Option<f64>) -> io::Result<Stats> {
    let mut st = Stats::default();
    let since = since.unwrap_or(f64::NEG_INFINITY);
    for_each_line(path, |raw| {
        let Ok(l) = serde_json::from_slice::<Line>(raw) else {
            return;
        };
        st.lines += 1;
        if l.dry_run {
            return;
        }
        let when = if l.outcome_of.is_some() {
            l.decided
        } else {
            l.start
        };
        if when < since {
            return;
        }
        let cmd = command_name(&l.directive);
        let obj = object_key(&l.host, l.service.as_deref());
        let mut apply = |f: &dyn Fn(&mut Counters)| {
            match st.by_command.get_mut(cmd) {
                Some(c) => f(c),
                None => f(st.by_command.entry(cmd.to_string()).or_default()),
            }
            match st.by_object.get_mut(&obj) {
                Some(c) => f(c),
                None => f(st.by_object.entry(obj.clone()).or_default()),
            }
        };
        if l.outcome_of.is_none() {
            if l.suppressed.is_some() {
                apply(&|c| c.suppressed += 1);
                return;
            }
            let failed = match l.exit_code {
                Some(code) => code != 0,
                None => !l.timed_out && (l.signal.is_some() || l.error.is_some()),
            };
            let timed_out = l.timed_out;
            apply(&|c| {
                c.runs += 1;
                c.failures += u64::from(failed);
                c.timeouts += u64::from(timed_out);
            });
        }
        let after = l.recovered_after;
        match l.outcome.as_deref() {
            Some("recovered") => apply(&|c| {
                c.recovered += 1;
                if let Some(a) = after {
                    c.recoveries.push(a);
                }
            }),
            Some("not_recovered") => apply(&|c| c.not_recovered += 1),
            Some("superseded") => apply(&|c| c.superseded += 1),
            Some("unknown") => apply(&|c| c.unknown += 1),
            _ => {}
        }
    })?;
    st.finish();
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_quantiles() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        let lines = [
            r#"{"host":"h","service":"s","handler":"object","directive":"restart!x","state":"CRITICAL","state_type":"SOFT","attempt":1,"command":"c","start":10.0,"duration":0.1,"exit_code":0,"signal":null,"timed_out":false,"output":"o\"k","id":1}"#,
            r#"{"outcome_of":1,"host":"h","service":"s","handler":"object","directive":"restart!x","outcome":"recovered","recovered_after":4.0,"decided":14.0}"#,
            r#"{"host":"h","service":"s","handler":"object","directive":"restart!x","state":"CRITICAL","state_type":"SOFT","attempt":1,"command":"c","start":20.0,"duration":30.0,"exit_code":null,"signal":null,"timed_out":true,"output":"","id":2,"outcome":"not_recovered"}"#,
            r#"{"host":"h","service":"s","handler":"object","directive":"restart!x","state":"CRITICAL","state_type":"SOFT","attempt":1,"command":"c","start":30.0,"duration":0.1,"exit_code":3,"signal":null,"timed_out":false,"output":"","id":3,"outcome":"recovered","recovered_after":2.0}"#,
            r#"{"host":"h","service":"s","handler":"object","directive":"restart!x","state":"CRITICAL","state_type":"SOFT","attempt":1,"command":"","start":40.0,"duration":0.0,"exit_code":null,"signal":null,"timed_out":false,"output":"","suppressed":"max runs"}"#,
            r#"{"host":"g","handler":"object","directive":"other","state":"DOWN","state_type":"HARD","attempt":1,"command":"c","start":5.0,"duration":0.1,"exit_code":0,"signal":null,"timed_out":false,"output":""}"#,
            r#"{"host":"g","handler":"object","directive":"other","state":"DOWN","state_type":"HARD","attempt":1,"command":"c","start":50.0,"duration":0.1,"exit_code":0,"signal":null,"timed_out":false,"output":"","dry_run":true}"#,
            "{\"torn",
        ];
        std::fs::write(&p, lines.join("\n")).unwrap();
        let st = journal_stats(&p, None).unwrap();
        let r = &st.by_command["restart"];
        assert_eq!((r.runs, r.recovered, r.not_recovered), (3, 2, 1));
        assert_eq!((r.failures, r.timeouts, r.suppressed), (1, 1, 1));
        assert_eq!(r.recoveries, vec![2.0, 4.0]);
        assert_eq!(r.recovery_quantile(0.5), Some(2.0));
        assert_eq!(r.recovery_quantile(0.9), Some(4.0));
        assert!((r.recovered_percent().unwrap() - 66.666).abs() < 0.01);
        assert_eq!(st.by_object["h;s"], *r);
        assert_eq!(st.by_object["g"].runs, 1);
        let later = journal_stats(&p, Some(25.0)).unwrap();
        assert_eq!(later.by_command["restart"].runs, 1);
        assert!(!later.by_command.contains_key("other"));
    }
}
