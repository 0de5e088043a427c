//! vigil's event handler policies, written as custom variables of hosts, services
//! and their templates (`_VIGIL_VERIFY 30s`): Nagios ignores custom variables it
//! does not use, so the same files still load in Nagios, and they are inherited like
//! any custom variable. Without any of them an object's handlers run exactly as in
//! Nagios 4.
//!
//! This module reads the values ([`HandlerPolicy::from_vars`]) and says what is
//! wrong with a bad one ([`check_var`]; `vigil verify` reports it with `file:line`).
//! The core applies them.
//!
//! | variable | value | meaning |
//! |---|---|---|
//! | `_VIGIL_VERIFY` | duration | a forced recheck this long after the handler finished; its result decides the outcome |
//! | `_VIGIL_VERIFY_WINDOW` | duration | an OK / UP later than this after the handler's start is `not recovered`; at its end without one, too |
//! | `_VIGIL_MAX_RUNS` | `N/duration` | at most N runs of the object's handlers within any such window |
//! | `_VIGIL_OVERLAP` | `allow`, `queue`, `skip` | a transition while the object's handlers still run: run anyway (Nagios), wait and run the newest, or do not run |
//! | `_VIGIL_SKIP_WHEN` | list of `downtime`, `acknowledged`, `flapping` | do not run in these conditions |
//! | `_VIGIL_HANDLER_PERIOD` | timeperiod name | run only inside it |
//! | `_VIGIL_HANDLER_TIMEOUT` | duration | instead of `event_handler_timeout` |
//!
//! Durations: a number of seconds, or a number with `s`, `m`, `h` or `d`.

use crate::model::{Str, TimeperiodId};

/// The prefix of every policy variable (custom variable names are upper-cased,
/// without their `_`).
pub const PREFIX: &str = "VIGIL_";

/// Whether a transition may start handlers while the object's previous ones run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlap {
    /// Run at once (Nagios 4).
    #[default]
    Allow,
    /// Wait until the running ones ended, then run for the newest transition that
    /// waited (an older waiting one is dropped and recorded as such).
    Queue,
    /// Do not run (recorded as suppressed).
    Skip,
}

/// Conditions in which the object's handlers do not run (`_VIGIL_SKIP_WHEN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SkipWhen {
    /// In scheduled downtime (the object's or, for a service, its host's).
    pub downtime: bool,
    /// The problem is acknowledged.
    pub acknowledged: bool,
    /// The object is flapping.
    pub flapping: bool,
}

/// One object's handler policy; the default is no policy (Nagios's behaviour).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HandlerPolicy {
    /// `_VIGIL_VERIFY`, seconds.
    pub verify: Option<f64>,
    /// `_VIGIL_VERIFY_WINDOW`, seconds.
    pub verify_window: Option<f64>,
    /// `_VIGIL_MAX_RUNS`: (runs, window in seconds).
    pub max_runs: Option<(u32, f64)>,
    /// `_VIGIL_OVERLAP`.
    pub overlap: Overlap,
    /// `_VIGIL_SKIP_WHEN`.
    pub skip_when: SkipWhen,
    /// `_VIGIL_HANDLER_PERIOD`.
    pub period: Option<TimeperiodId>,
    /// `_VIGIL_HANDLER_TIMEOUT`, seconds.
    pub timeout: Option<f64>,
}

impl HandlerPolicy {
    /// True when no policy is set (the object behaves as in Nagios).
    pub fn is_none(&self) -> bool {
        *self == HandlerPolicy::default()
    }

    /// The policy of an object's custom variables (names upper-cased, without
    /// `_`). Invalid values are left out (the loader has reported them already);
    /// `period` looks a timeperiod up by name.
    pub fn from_vars(
        vars: &[(Str, Str)],
        period: impl Fn(&str) -> Option<TimeperiodId>,
    ) -> HandlerPolicy {
        let mut p = HandlerPolicy::default();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix(PREFIX) else {
                continue;
            };
            let v = value.trim();
            match key {
                "VERIFY" => p.verify = duration(v).ok(),
                "VERIFY_WINDOW" => p.verify_window = duration(v).ok(),
                "MAX_RUNS" => p.max_runs = max_runs(v).ok(),
                "OVERLAP" => p.overlap = overlap(v).unwrap_or_default(),
                "SKIP_WHEN" => p.skip_when = skip_when(v).unwrap_or_default(),
                "HANDLER_PERIOD" => p.period = period(v),
                "HANDLER_TIMEOUT" => p.timeout = duration(v).ok(),
                _ => {}
            }
        }
        p
    }
}

/// What is wrong with one custom variable as a vigil policy: `None` when it is not
/// a policy variable or its value is fine. `period_exists` says whether a
/// timeperiod of that name is defined. Unknown `_VIGIL_*` names are errors too (a
/// misspelt safety policy must not be silently ignored).
pub fn check_var(name: &str, value: &str, period_exists: impl Fn(&str) -> bool) -> Option<String> {
    let key = name.strip_prefix(PREFIX)?;
    let v = value.trim();
    let res = match key {
        "VERIFY" | "VERIFY_WINDOW" | "HANDLER_TIMEOUT" => duration(v).map(|_| ()),
        "MAX_RUNS" => max_runs(v).map(|_| ()),
        "OVERLAP" => overlap(v).map(|_| ()),
        "SKIP_WHEN" => skip_when(v).map(|_| ()),
        "HANDLER_PERIOD" => {
            if period_exists(v) {
                Ok(())
            } else {
                Err(format!("timeperiod '{v}' is not defined"))
            }
        }
        _ => Err(
            "unknown vigil policy variable (known: _VIGIL_VERIFY, _VIGIL_VERIFY_WINDOW, \
                  _VIGIL_MAX_RUNS, _VIGIL_OVERLAP, _VIGIL_SKIP_WHEN, _VIGIL_HANDLER_PERIOD, \
                  _VIGIL_HANDLER_TIMEOUT)"
                .to_string(),
        ),
    };
    res.err()
        .map(|why| format!("invalid _{name} '{value}': {why}"))
}

/// `30`, `30s`, `5m`, `2h`, `1d` → seconds (positive, at most a year).
pub fn duration(v: &str) -> Result<f64, String> {
    let v = v.trim();
    let (num, unit) = match v.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => v.split_at(i),
        None => (v, ""),
    };
    let mult = match unit.trim() {
        "" | "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        other => return Err(format!("unknown unit '{other}' (use s, m, h or d)")),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| "expected a duration such as 30, 30s, 5m, 2h".to_string())?;
    let secs = n * mult;
    if !(secs > 0.0 && secs <= 366.0 * 86400.0) {
        return Err("a duration must be more than 0 and at most a year".into());
    }
    Ok(secs)
}

/// `N/duration` (`3/10m`).
fn max_runs(v: &str) -> Result<(u32, f64), String> {
    let (n, w) = v
        .split_once('/')
        .ok_or_else(|| "expected RUNS/DURATION, e.g. 3/10m".to_string())?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("'{}' is not a number of runs", n.trim()))?;
    if n == 0 {
        return Err("at least 1 run (disable the handler to run none)".into());
    }
    Ok((n, duration(w)?))
}

fn overlap(v: &str) -> Result<Overlap, String> {
    match v.to_ascii_lowercase().as_str() {
        "allow" => Ok(Overlap::Allow),
        "queue" => Ok(Overlap::Queue),
        "skip" => Ok(Overlap::Skip),
        _ => Err("expected allow, queue or skip".into()),
    }
}

fn skip_when(v: &str) -> Result<SkipWhen, String> {
    let mut s = SkipWhen::default();
    for w in v.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match w.to_ascii_lowercase().as_str() {
            "downtime" => s.downtime = true,
            "acknowledged" | "ack" => s.acknowledged = true,
            "flapping" => s.flapping = true,
            other => {
                return Err(format!(
                    "unknown condition '{other}' (use downtime, acknowledged, flapping)"
                ))
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[(&str, &str)]) -> Vec<(Str, Str)> {
        v.iter()
            .map(|(a, b)| (Str::from(*a), Str::from(*b)))
            .collect()
    }

    #[test]
    fn values() {
        assert_eq!(duration("30"), Ok(30.0));
        assert_eq!(duration("5m"), Ok(300.0));
        assert_eq!(duration(" 1.5h "), Ok(5400.0));
        assert!(duration("0").is_err());
        assert!(duration("5 parsecs").is_err());
        assert!(duration("").is_err());
        assert!(duration("-3s").is_err());
        let p = HandlerPolicy::from_vars(
            &vars(&[
                ("VIGIL_VERIFY", "20s"),
                ("VIGIL_MAX_RUNS", "3/10m"),
                ("VIGIL_OVERLAP", "queue"),
                ("VIGIL_SKIP_WHEN", "flapping, downtime"),
                ("VIGIL_HANDLER_TIMEOUT", "5"),
                ("VIGIL_HANDLER_PERIOD", "work"),
                ("OWNER", "ops"),
            ]),
            |n| (n == "work").then_some(TimeperiodId(4)),
        );
        assert_eq!(p.verify, Some(20.0));
        assert_eq!(p.max_runs, Some((3, 600.0)));
        assert_eq!(p.overlap, Overlap::Queue);
        assert!(p.skip_when.flapping && p.skip_when.downtime && !p.skip_when.acknowledged);
        assert_eq!(p.timeout, Some(5.0));
        assert_eq!(p.period, Some(TimeperiodId(4)));
        assert!(HandlerPolicy::from_vars(&vars(&[("OWNER", "x")]), |_| None).is_none());
    }

    #[test]
    fn problems_are_named() {
        let none = |_: &str| false;
        assert_eq!(check_var("OWNER", "whatever", none), None);
        assert_eq!(check_var("VIGIL_VERIFY", "30s", none), None);
        assert_eq!(
            check_var("VIGIL_MAX_RUNS", "three", none).unwrap(),
            "invalid _VIGIL_MAX_RUNS 'three': expected RUNS/DURATION, e.g. 3/10m"
        );
        assert!(check_var("VIGIL_MAX_RUNS", "0/1m", none).is_some());
        assert!(check_var("VIGIL_OVERLAP", "sometimes", none).is_some());
        assert!(check_var("VIGIL_SKIP_WHEN", "rain", none).is_some());
        assert!(check_var("VIGIL_HANDLER_PERIOD", "never", none)
            .unwrap()
            .contains("timeperiod 'never' is not defined"));
        assert!(check_var("VIGIL_VERIFYY", "30", none)
            .unwrap()
            .contains("unknown vigil policy variable"));
    }
}
