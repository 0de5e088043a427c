//! Time periods: the full Nagios time-range syntax (weekdays, dated and relative
//! exceptions, `exclude`) and the two questions the scheduler asks: is a moment
//! inside the period, and when is the next moment that is.
//!
//! # Model
//!
//! Everything is evaluated on the *local wall clock*: a moment is inside a period when
//! its local date selects a list of `HH:MM-HH:MM` ranges (see below) and its local
//! time of day falls in one of them, and it is not inside any excluded period.
//!
//! The ranges for a local date come from the first rule that covers the date, in this
//! order (Nagios precedence, highest first; within one class the rule written first
//! wins):
//!
//! 1. calendar dates: `2024-12-25`, `2024-01-01 - 2024-02-01`, `... / 3`, `2024-04-01 / 7`
//! 2. dates of a named month: `february 10`, `february -1`, `july 10 - 15`,
//!    `april 10 - may 15`, `... / 2`
//! 3. days of every month: `day 2`, `day -1`, `day 1 - 15`, `day 20 - -1`, `... / 5`
//! 4. offset weekdays of a named month: `thursday -1 november`,
//!    `tuesday 1 april - friday 2 may`, `... / 6`
//! 5. offset weekdays of every month: `monday 3`, `friday -2`, `monday 3 - thursday 4`,
//!    `thursday 2 - 4`, `... / 2`
//! 6. the plain weekday line (`monday 00:00-09:00,17:00-24:00`); a weekday without a
//!    line has no valid time.
//!
//! An exception that covers a date *replaces* the weekday line for that date, so
//! `2024-12-25 00:00-00:00` makes Christmas 2024 entirely invalid.
//!
//! Ranges that cross the end of their unit wrap: `day 25 - 5` runs from the 25th to
//! the 5th of the next month, `november 20 - february 10` crosses New Year. A skip
//! interval `/ N` keeps every N-th day counted from the (resolved) start day. A single
//! calendar date with a skip (`2024-04-01 / 7`) repeats forever.
//!
//! Time zone: every evaluation takes a [`Zone`] (see [`crate::zone`]); nothing here
//! reads the process time zone or the clock.
//!
//! DST: ranges are wall-clock times. On a spring-forward day the skipped wall-clock
//! times contain no instant; on a fall-back day both occurrences of a repeated time are
//! inside when that time is. [`Timeperiod::next_valid`] returns the first instant at or
//! after the given one, so a range starting inside a DST gap starts at the transition.

use crate::model::TimeperiodId;
use crate::Location;
mod display;
mod parse;
mod rules;
mod search;
#[cfg(test)]
mod tests;

use crate::zone::Zone;
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use parse::*;
use rules::*;
use search::*;

/// Seconds in a (wall-clock) day; the largest allowed range end (`24:00`).
pub(crate) const DAY_SECS: u32 = 86_400;

/// How far [`Timeperiod::next_valid`] and [`Timeperiod::next_invalid`] look ahead, in
/// local days (four years, so rules such as `february 29` are found).
pub const SEARCH_HORIZON_DAYS: u64 = 4 * 366 + 1;

/// How deep exclusions are followed. Real configurations are acyclic (the loader
/// rejects cycles, see [`exclusion_cycle`]); the limit only keeps a cyclic set from
/// recursing forever. Exclusions deeper than this are ignored.
pub const MAX_EXCLUDE_DEPTH: usize = 8;

/// Why a timeperiod directive could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeperiodError {
    /// The directive has no `HH:MM-HH:MM` list at its end.
    #[error("missing time ranges (HH:MM-HH:MM[,HH:MM-HH:MM...]) at the end")]
    MissingTimes,
    /// One entry of the comma-separated time range list is wrong.
    #[error("invalid time range '{range}': {reason}")]
    BadTimeRange {
        /// The offending entry as written.
        range: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A word that is neither a weekday, a month nor `day` (names are lower case).
    #[error("unknown day or month name '{0}' (expected a lower-case weekday, month or 'day')")]
    UnknownName(String),
    /// Any other syntax problem in the date part.
    #[error("{0}")]
    Syntax(String),
}

/// One `[start, end)` range in seconds after local midnight; `start < end <= 86400`.
/// A `define timeperiod` object.
#[derive(Debug, Clone)]
pub struct Timeperiod {
    /// `timeperiod_name`.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// Periods listed in `exclude`, resolved.
    pub exclude: Vec<TimeperiodId>,
    /// Where the definition starts.
    pub location: Location,
    rules: Rules,
}

impl Timeperiod {
    /// Builds a period from its time directives: every line of the definition that is
    /// not `timeperiod_name`/`alias`/`exclude`/`name`/`use`/`register`, given as
    /// (first word, rest of the line trimmed, location of the line). A later weekday
    /// line for the same day replaces an earlier one; exceptions accumulate.
    ///
    /// The error message names the directive and what is wrong with it (the caller
    /// adds the timeperiod's name); its location is the directive's.
    pub fn new(
        name: String,
        alias: String,
        directives: &[(String, String, Location)],
        exclude: Vec<TimeperiodId>,
        location: Location,
    ) -> Result<Timeperiod, (Location, String)> {
        let mut rules = Rules::default();
        for (word, rest, loc) in directives {
            let parsed = parse_directive(word, rest).map_err(|e| {
                let line = if rest.is_empty() {
                    word.clone()
                } else {
                    format!("{word} {rest}")
                };
                (loc.clone(), format!("cannot parse directive '{line}': {e}"))
            })?;
            match parsed {
                Directive::Weekday(wd, spans) => {
                    rules.weekdays[wd.num_days_from_sunday() as usize] = spans;
                }
                Directive::Exception(ex) => rules.exceptions.push(ex),
            }
        }
        rules.exceptions.sort_by_key(|e| e.days.class());
        Ok(Timeperiod {
            name,
            alias,
            exclude,
            location,
            rules,
        })
    }

    /// A period that is always valid (`00:00-24:00` every weekday), named `24x7`.
    pub fn always() -> Timeperiod {
        let mut rules = Rules::default();
        for day in rules.weekdays.iter_mut() {
            *day = vec![(0, DAY_SECS)];
        }
        Timeperiod {
            name: "24x7".to_string(),
            alias: "24 Hours A Day, 7 Days A Week".to_string(),
            exclude: Vec::new(),
            location: Location::default(),
            rules,
        }
    }

    /// Is the Unix time `t` (seconds) inside this period, in time zone `zone`?
    /// `all` gives access to excluded periods.
    pub fn contains(&self, zone: &Zone, t: i64, all: &[Timeperiod]) -> bool {
        match zone.wall_clock(t) {
            Some(w) => self.contains_wall(w, all),
            None => false,
        }
    }

    /// The first time >= `t` inside the period (in `zone`), or `None` if there
    /// is none within [`SEARCH_HORIZON_DAYS`].
    pub fn next_valid(&self, zone: &Zone, t: i64, all: &[Timeperiod]) -> Option<i64> {
        if self.rules.is_empty() {
            return None;
        }
        next_instant(zone, t, |w| self.next_valid_wall(w, all))
    }

    /// The first time >= `t` outside the period (in `zone`): `t` itself when `t`
    /// is outside, `None` if the period stays valid for [`SEARCH_HORIZON_DAYS`].
    pub fn next_invalid(&self, zone: &Zone, t: i64, all: &[Timeperiod]) -> Option<i64> {
        next_instant(zone, t, |w| self.next_invalid_wall(w, all))
    }

    /// Is the local wall-clock moment `w` inside the period?
    pub fn contains_wall(&self, w: NaiveDateTime, all: &[Timeperiod]) -> bool {
        let s = w.time().num_seconds_from_midnight();
        self.valid_spans(w.date(), all)
            .iter()
            .any(|&(a, b)| a <= s && s < b)
    }

    /// The valid wall-clock ranges of local date `date` (seconds after midnight,
    /// `[start, end)`, sorted, disjoint), exclusions applied.
    pub fn valid_spans(&self, date: NaiveDate, all: &[Timeperiod]) -> Vec<(u32, u32)> {
        self.spans_at_depth(date, all, 0)
    }

    /// The first wall-clock moment >= `w` inside the period (time zone free).
    pub fn next_valid_wall(&self, w: NaiveDateTime, all: &[Timeperiod]) -> Option<NaiveDateTime> {
        let d0 = w.date();
        let s0 = w.time().num_seconds_from_midnight();
        if self
            .rules
            .last_possible_date()
            .is_some_and(|last| d0 > last)
        {
            return None;
        }
        for n in 0..=SEARCH_HORIZON_DAYS {
            let date = d0.checked_add_days(chrono::Days::new(n))?;
            for (a, b) in self.valid_spans(date, all) {
                if n == 0 {
                    if b <= s0 {
                        continue;
                    }
                    if a <= s0 {
                        return Some(w);
                    }
                }
                return date_at(date, a);
            }
        }
        None
    }

    /// The first wall-clock moment >= `w` outside the period (time zone free).
    pub fn next_invalid_wall(&self, w: NaiveDateTime, all: &[Timeperiod]) -> Option<NaiveDateTime> {
        let mut date = w.date();
        let mut s = w.time().num_seconds_from_midnight();
        for n in 0..=SEARCH_HORIZON_DAYS {
            let spans = self.valid_spans(date, all);
            match spans.iter().find(|&&(a, b)| a <= s && s < b) {
                None if n == 0 => return Some(w),
                None => return date_at(date, s),
                Some(&(_, b)) if b < DAY_SECS => return date_at(date, b),
                Some(_) => {
                    date = date.succ_opt()?;
                    s = 0;
                }
            }
        }
        None
    }

    /// Own ranges of `date` minus the ranges of excluded periods.
    fn spans_at_depth(&self, date: NaiveDate, all: &[Timeperiod], depth: usize) -> Vec<Span> {
        let mut spans = self.rules.spans_for(date).to_vec();
        if depth >= MAX_EXCLUDE_DEPTH {
            return spans;
        }
        for id in &self.exclude {
            if spans.is_empty() {
                break;
            }
            if let Some(ex) = all.get(id.idx()) {
                let cut = ex.spans_at_depth(date, all, depth + 1);
                spans = subtract(&spans, &cut);
            }
        }
        spans
    }
}

/// Finds one exclusion cycle: returns `(i, j)` where period `i` excludes period `j`
/// and `j` leads back to `i` through exclusions (`i == j` for a self-exclusion).
/// Indexes are into `all`; exclusions pointing outside `all` are ignored.
pub fn exclusion_cycle(all: &[Timeperiod]) -> Option<(usize, usize)> {
    // 0 = unvisited, 1 = on the DFS stack, 2 = done.
    let mut state = vec![0u8; all.len()];
    for root in 0..all.len() {
        if state[root] != 0 {
            continue;
        }
        // Stack of (node, index of the next exclusion to follow).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(id) = all[node].exclude.get(*next) {
                *next += 1;
                let j = id.idx();
                if j >= all.len() {
                    continue;
                }
                match state[j] {
                    0 => {
                        state[j] = 1;
                        stack.push((j, 0));
                    }
                    1 => return Some((node, j)),
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    None
}
