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
//! DST: ranges are wall-clock times. On a spring-forward day the skipped wall-clock
//! times contain no instant; on a fall-back day both occurrences of a repeated time are
//! inside when that time is. [`Timeperiod::next_valid`] returns the first instant at or
//! after the given one, so a range starting inside a DST gap starts at the transition.

use crate::model::TimeperiodId;
use crate::Location;
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Weekday};

/// Seconds in a (wall-clock) day; the largest allowed range end (`24:00`).
const DAY_SECS: u32 = 86_400;

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
type Span = (u32, u32);

/// Which days an exception covers (before time ranges are applied).
#[derive(Debug, Clone, PartialEq, Eq)]
enum DaySpec {
    /// `YYYY-MM-DD [- YYYY-MM-DD]`; `end: None` = open ended (single date with skip).
    Calendar {
        start: NaiveDate,
        end: Option<NaiveDate>,
    },
    /// `MONTH D [- [MONTH] D]`, months 1..=12, days may be negative (from month end).
    MonthDate {
        smon: u32,
        sday: i32,
        emon: u32,
        eday: i32,
    },
    /// `day D [- [day] D]` of every month.
    MonthDay { sday: i32, eday: i32 },
    /// `WEEKDAY N MONTH [- WEEKDAY N MONTH]`.
    MonthWeekday {
        smon: u32,
        swd: Weekday,
        soff: i32,
        emon: u32,
        ewd: Weekday,
        eoff: i32,
    },
    /// `WEEKDAY N [- [WEEKDAY] N]` of every month.
    Weekday {
        swd: Weekday,
        soff: i32,
        ewd: Weekday,
        eoff: i32,
    },
}

impl DaySpec {
    /// Precedence class: lower is consulted first.
    fn class(&self) -> u8 {
        match self {
            DaySpec::Calendar { .. } => 0,
            DaySpec::MonthDate { .. } => 1,
            DaySpec::MonthDay { .. } => 2,
            DaySpec::MonthWeekday { .. } => 3,
            DaySpec::Weekday { .. } => 4,
        }
    }
}

/// A dated or relative exception with its own time ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Exception {
    days: DaySpec,
    /// Keep every `skip`-th day counted from the start day; 1 = every day.
    skip: u32,
    spans: Vec<Span>,
}

/// The parsed rules of one period (private; built by [`Timeperiod::new`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rules {
    /// Weekday lines, indexed by days from Sunday.
    weekdays: [Vec<Span>; 7],
    /// Exceptions sorted (stably) by precedence class.
    exceptions: Vec<Exception>,
}

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

    /// Is the Unix time `t` (seconds) inside this period, in the local time zone?
    /// `all` gives access to excluded periods.
    pub fn contains(&self, t: i64, all: &[Timeperiod]) -> bool {
        self.contains_in(&chrono::Local, t, all)
    }

    /// The first time >= `t` inside the period (local time zone), or `None` if there is
    /// none within [`SEARCH_HORIZON_DAYS`].
    pub fn next_valid(&self, t: i64, all: &[Timeperiod]) -> Option<i64> {
        self.next_valid_in(&chrono::Local, t, all)
    }

    /// The first time >= `t` outside the period (local time zone): `t` itself when `t`
    /// is outside, `None` if the period stays valid for [`SEARCH_HORIZON_DAYS`].
    pub fn next_invalid(&self, t: i64, all: &[Timeperiod]) -> Option<i64> {
        self.next_invalid_in(&chrono::Local, t, all)
    }

    /// [`Timeperiod::contains`] in an explicit time zone.
    pub fn contains_in<Tz: TimeZone>(&self, tz: &Tz, t: i64, all: &[Timeperiod]) -> bool {
        match wall_clock(tz, t) {
            Some(w) => self.contains_wall(w, all),
            None => false,
        }
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

    /// [`Timeperiod::next_valid`] in an explicit time zone.
    pub fn next_valid_in<Tz: TimeZone>(&self, tz: &Tz, t: i64, all: &[Timeperiod]) -> Option<i64> {
        if self.rules.is_empty() {
            return None;
        }
        next_instant(tz, t, |w| self.next_valid_wall(w, all))
    }

    /// [`Timeperiod::next_invalid`] in an explicit time zone.
    pub fn next_invalid_in<Tz: TimeZone>(
        &self,
        tz: &Tz,
        t: i64,
        all: &[Timeperiod],
    ) -> Option<i64> {
        next_instant(tz, t, |w| self.next_invalid_wall(w, all))
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

impl Rules {
    fn is_empty(&self) -> bool {
        self.weekdays.iter().all(|d| d.is_empty())
            && self.exceptions.iter().all(|e| e.spans.is_empty())
    }

    /// The last date that can have valid time, when only finite calendar ranges
    /// have time (e.g. a list of past holidays); `None` when it recurs forever.
    fn last_possible_date(&self) -> Option<NaiveDate> {
        if self.weekdays.iter().any(|d| !d.is_empty()) {
            return None;
        }
        let mut last = NaiveDate::MIN;
        for ex in self.exceptions.iter().filter(|e| !e.spans.is_empty()) {
            match ex.days {
                DaySpec::Calendar { end: Some(e), .. } => last = last.max(e),
                _ => return None,
            }
        }
        Some(last)
    }

    /// The ranges that apply on `date`: the first covering exception, else the weekday.
    fn spans_for(&self, date: NaiveDate) -> &[Span] {
        for ex in &self.exceptions {
            if ex.covers(date) {
                return &ex.spans;
            }
        }
        &self.weekdays[date.weekday().num_days_from_sunday() as usize]
    }
}

impl Exception {
    /// Does this exception select `d`?
    fn covers(&self, d: NaiveDate) -> bool {
        match self.days {
            DaySpec::Calendar { start, end } => {
                let before_end = match end {
                    Some(e) => d <= e,
                    None => true,
                };
                d >= start && before_end && self.on_skip(start, d)
            }
            DaySpec::MonthDate {
                smon,
                sday,
                emon,
                eday,
            } => [d.year() - 1, d.year()].into_iter().any(|y| {
                let start = month_day(y, smon, sday, false);
                let end = |y| month_day(y, emon, eday, true);
                self.instance_covers(d, start, end, y, y + 1)
            }),
            DaySpec::MonthDay { sday, eday } => {
                let (y, m) = (d.year(), d.month());
                [shift_month(y, m, -1), (y, m)].into_iter().any(|(y, m)| {
                    let start = month_day(y, m, sday, false);
                    let end = |(y, m)| month_day(y, m, eday, true);
                    self.instance_covers(d, start, end, (y, m), shift_month(y, m, 1))
                })
            }
            DaySpec::MonthWeekday {
                smon,
                swd,
                soff,
                emon,
                ewd,
                eoff,
            } => [d.year() - 1, d.year()].into_iter().any(|y| {
                let start = nth_weekday(y, smon, swd, soff, false);
                let end = |y| nth_weekday(y, emon, ewd, eoff, true);
                self.instance_covers(d, start, end, y, y + 1)
            }),
            DaySpec::Weekday {
                swd,
                soff,
                ewd,
                eoff,
            } => {
                let (y, m) = (d.year(), d.month());
                [shift_month(y, m, -1), (y, m)].into_iter().any(|(y, m)| {
                    let start = nth_weekday(y, m, swd, soff, false);
                    let end = |(y, m)| nth_weekday(y, m, ewd, eoff, true);
                    self.instance_covers(d, start, end, (y, m), shift_month(y, m, 1))
                })
            }
        }
    }

    /// One occurrence of a recurring range: starts at `start` (in unit `here`), ends
    /// at `end(here)`, or at `end(next)` when that would be before the start (the
    /// range wraps into the next month/year).
    fn instance_covers<U: Copy>(
        &self,
        d: NaiveDate,
        start: Option<NaiveDate>,
        end: impl Fn(U) -> Option<NaiveDate>,
        here: U,
        next: U,
    ) -> bool {
        let Some(s) = start else { return false };
        if d < s {
            return false;
        }
        let e = match end(here) {
            Some(e) if e < s => end(next),
            other => other,
        };
        e.is_some_and(|e| d <= e) && self.on_skip(s, d)
    }

    fn on_skip(&self, start: NaiveDate, d: NaiveDate) -> bool {
        self.skip <= 1 || d.signed_duration_since(start).num_days() % i64::from(self.skip) == 0
    }
}

/// The local wall clock at Unix time `t`.
fn wall_clock<Tz: TimeZone>(tz: &Tz, t: i64) -> Option<NaiveDateTime> {
    tz.timestamp_opt(t, 0).single().map(|dt| dt.naive_local())
}

fn date_at(date: NaiveDate, secs: u32) -> Option<NaiveDateTime> {
    date.and_hms_opt(secs / 3600, secs / 60 % 60, secs % 60)
}

/// The UTC offset (seconds east) in effect at Unix time `t`.
fn offset_at<Tz: TimeZone>(tz: &Tz, t: i64) -> Option<i64> {
    use chrono::Offset;
    let dt = tz.timestamp_opt(t, 0).single()?;
    Some(i64::from(dt.offset().fix().local_minus_utc()))
}

/// The first instant >= `t` whose wall clock satisfies a wall-clock search.
///
/// `find(w)` returns the first wall-clock moment >= `w` with the wanted property. The
/// time line is cut into stretches of constant UTC offset; inside one stretch the
/// wall clock is `instant + offset`, so the wall-clock answer maps back directly.
/// When a DST transition lies before that answer, the search restarts at the
/// transition with the new offset (this handles gaps, where the answer does not
/// exist, and folds, where the wall clock goes back and may meet the period again).
fn next_instant<Tz: TimeZone>(
    tz: &Tz,
    t: i64,
    find: impl Fn(NaiveDateTime) -> Option<NaiveDateTime>,
) -> Option<i64> {
    let limit = t.checked_add(SEARCH_HORIZON_DAYS as i64 * i64::from(DAY_SECS))?;
    let mut s = t;
    while s <= limit {
        let o = offset_at(tz, s)?;
        let wall = wall_clock(tz, s)?;
        let found = find(wall).map(|w| w.and_utc().timestamp() - o);
        if found.is_none() {
            // Later stretches can only meet the period again if a fall-back moves the
            // wall clock back to a matching time; offsets never move it back by more
            // than a day, so without a match from one day earlier there is none.
            let earlier = wall.checked_sub_days(chrono::Days::new(2))?;
            find(earlier)?;
        }
        // `found >= s` because the wall clock found is not before wall(s) = s + o.
        let c = found.unwrap_or(limit).max(s);
        match first_offset_change(tz, s, c, o)? {
            None => return found,
            Some(e) => s = e,
        }
    }
    None
}

/// The first instant in `(s, c]` whose UTC offset is not `o`, if any (`Some(None)`).
/// Probes once a day, then bisects to the second (transitions are weeks apart).
fn first_offset_change<Tz: TimeZone>(tz: &Tz, s: i64, c: i64, o: i64) -> Option<Option<i64>> {
    let mut lo = s;
    while lo < c {
        let hi = lo.saturating_add(i64::from(DAY_SECS)).min(c);
        if offset_at(tz, hi)? != o {
            let (mut a, mut b) = (lo, hi);
            while b - a > 1 {
                let m = a + (b - a) / 2;
                if offset_at(tz, m)? == o {
                    a = m;
                } else {
                    b = m;
                }
            }
            return Some(Some(b));
        }
        lo = hi;
    }
    Some(None)
}

/// `spans` minus `cut` (both sorted and disjoint).
fn subtract(spans: &[Span], cut: &[Span]) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    for &(mut a, b) in spans {
        for &(ca, cb) in cut {
            if cb <= a || ca >= b {
                continue;
            }
            if ca > a {
                out.push((a, ca));
            }
            a = a.max(cb);
            if a >= b {
                break;
            }
        }
        if a < b {
            out.push((a, b));
        }
    }
    out
}

/// Sorts, drops empty ranges (`09:00-08:00`, `00:00-00:00`) and merges overlaps.
fn normalize(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|&(a, b)| a < b);
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn shift_month(y: i32, m: u32, delta: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + delta;
    (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1)
}

fn days_in_month(y: i32, m: u32) -> Option<u32> {
    let (ny, nm) = shift_month(y, m, 1);
    let next = NaiveDate::from_ymd_opt(ny, nm, 1)?;
    Some(next.pred_opt()?.day())
}

/// Day `day` of month `m` of year `y`: positive counts from the 1st, negative from the
/// end (`-1` = last day). A start that does not exist gives `None`; an end past the
/// month's last day (or `0`) is clamped to the last day, a negative end before the
/// 1st gives `None` (Nagios rules).
fn month_day(y: i32, m: u32, day: i32, is_end: bool) -> Option<NaiveDate> {
    let len = days_in_month(y, m)?;
    let idx = if day > 0 {
        if day as u32 <= len {
            day as u32
        } else if is_end {
            len
        } else {
            return None;
        }
    } else if day == 0 {
        if is_end {
            len
        } else {
            return None;
        }
    } else {
        let i = len as i32 + 1 + day;
        if i < 1 {
            return None;
        }
        i as u32
    };
    NaiveDate::from_ymd_opt(y, m, idx)
}

/// The `off`-th `wd` of month `m` (negative: from the end; offsets are capped at ±5
/// like Nagios). Same start/end rules as [`month_day`].
fn nth_weekday(y: i32, m: u32, wd: Weekday, off: i32, is_end: bool) -> Option<NaiveDate> {
    let len = days_in_month(y, m)?;
    let day: i32 = if off > 0 {
        let first = NaiveDate::from_ymd_opt(y, m, 1)?;
        let delta = (wd.num_days_from_monday() + 7 - first.weekday().num_days_from_monday()) % 7;
        let d = 1 + delta as i32 + 7 * (off.min(5) - 1);
        if d as u32 > len {
            if is_end {
                len as i32
            } else {
                return None;
            }
        } else {
            d
        }
    } else if off < 0 {
        let last = NaiveDate::from_ymd_opt(y, m, len)?;
        let delta = (last.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
        let d = len as i32 - delta as i32 + 7 * (off.max(-5) + 1);
        if d < 1 {
            return None;
        }
        d
    } else if is_end {
        len as i32
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(y, m, day as u32)
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// One parsed time directive.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Directive {
    Weekday(Weekday, Vec<Span>),
    Exception(Exception),
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("sunday", Weekday::Sun),
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn weekday_named(s: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| *n == s).map(|&(_, w)| w)
}

fn month_named(s: &str) -> Option<u32> {
    MONTHS.iter().position(|n| *n == s).map(|i| i as u32 + 1)
}

/// What a day/month word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Name {
    Weekday(Weekday),
    Month(u32),
    Day,
}

fn classify(word: &str) -> Result<Name, TimeperiodError> {
    if let Some(w) = weekday_named(word) {
        Ok(Name::Weekday(w))
    } else if let Some(m) = month_named(word) {
        Ok(Name::Month(m))
    } else if word == "day" {
        Ok(Name::Day)
    } else {
        Err(TimeperiodError::UnknownName(word.to_string()))
    }
}

/// A byte cursor over the date part of a directive.
struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.s.len()
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn rest(&self) -> String {
        String::from_utf8_lossy(&self.s[self.pos.min(self.s.len())..]).into_owned()
    }

    /// A run of ASCII letters.
    fn word(&mut self) -> Option<String> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_alphabetic() {
            self.pos += 1;
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    /// 1..=`max` digits, no sign.
    fn digits(&mut self, max: usize) -> Option<i32> {
        let start = self.pos;
        while self.pos < self.s.len() && self.pos - start < max && self.s[self.pos].is_ascii_digit()
        {
            self.pos += 1;
        }
        if self.pos == start {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.pos])
            .ok()?
            .parse()
            .ok()
    }

    /// An optionally signed integer (like `%d`).
    fn int(&mut self) -> Option<i32> {
        self.skip_ws();
        let save = self.pos;
        let neg = match self.s.get(self.pos) {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        match self.digits(9) {
            Some(v) => Some(if neg { -v } else { v }),
            None => {
                self.pos = save;
                None
            }
        }
    }

    /// `YYYY-MM-DD` (1-4 digit year, 1-2 digit month and day).
    fn date(&mut self) -> Option<(i32, i32, i32)> {
        self.skip_ws();
        let save = self.pos;
        let r = (|| {
            let y = self.digits(4)?;
            (self.s.get(self.pos) == Some(&b'-')).then_some(())?;
            self.pos += 1;
            let m = self.digits(2)?;
            (self.s.get(self.pos) == Some(&b'-')).then_some(())?;
            self.pos += 1;
            let d = self.digits(2)?;
            // The date must end here.
            match self.s.get(self.pos) {
                Some(c) if c.is_ascii_alphanumeric() => None,
                _ => Some((y, m, d)),
            }
        })();
        if r.is_none() {
            self.pos = save;
        }
        r
    }
}

fn syntax(msg: impl Into<String>) -> TimeperiodError {
    TimeperiodError::Syntax(msg.into())
}

/// A calendar date the way `mktime` normalises it: month 13 is January of the next
/// year, day 0 the last day of the previous month, `02-30` is March 1st or 2nd.
fn normalized_date(y: i32, m: i32, d: i32) -> Option<NaiveDate> {
    let (ny, nm) = shift_month(y, 1, m - 1);
    let first = NaiveDate::from_ymd_opt(ny, nm, 1)?;
    if d >= 1 {
        first.checked_add_days(chrono::Days::new(d as u64 - 1))
    } else {
        first.checked_sub_days(chrono::Days::new((1 - d) as u64))
    }
}

/// Parses `HH:MM-HH:MM[,HH:MM-HH:MM...]`.
fn parse_spans(s: &str) -> Result<Vec<Span>, TimeperiodError> {
    let mut out = Vec::new();
    for item in s.split(',') {
        let bad = |reason: &str| TimeperiodError::BadTimeRange {
            range: item.to_string(),
            reason: reason.to_string(),
        };
        if item.is_empty() {
            return Err(bad("empty entry in the comma-separated list"));
        }
        let (a, b) = item
            .split_once('-')
            .ok_or_else(|| bad("expected HH:MM-HH:MM"))?;
        let a = parse_clock(a).ok_or_else(|| bad("start is not HH:MM"))?;
        let b = parse_clock(b).ok_or_else(|| bad("end is not HH:MM"))?;
        if a > DAY_SECS {
            return Err(bad("start is after 24:00"));
        }
        if b > DAY_SECS {
            return Err(bad("end is after 24:00"));
        }
        out.push((a, b));
    }
    Ok(normalize(out))
}

/// `H:M`, 1-2 digits each, as seconds (minutes above 59 roll over, like Nagios).
fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let ok = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|c| c.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    Some(h.parse::<u32>().ok()? * 3600 + m.parse::<u32>().ok()? * 60)
}

/// The end of a relative range after `-`: either a bare number (same name as the
/// start) or `NAME N [MONTH]`.
struct RangeEnd {
    name: Option<Name>,
    off: i32,
    month: Option<u32>,
}

/// Parses one time directive: `word` is its first word, `rest` the remainder.
fn parse_directive(word: &str, rest: &str) -> Result<Directive, TimeperiodError> {
    let line = format!("{word} {rest}");
    let line = line.trim();
    // The time ranges are the last blank-separated token (they contain no blanks).
    let (spec, times) = match line.rsplit_once(|c: char| c.is_ascii_whitespace()) {
        Some((spec, times)) if spec.contains(':') && times.contains(':') => {
            return Err(syntax(
                "blanks are not allowed inside the time ranges (write HH:MM-HH:MM,HH:MM-HH:MM)",
            ))
        }
        // `monday 09-17`: a weekday line whose time list is malformed.
        Some((spec, times)) if times.contains(':') || weekday_named(spec.trim()).is_some() => {
            (spec.trim_end(), times)
        }
        other => {
            // No time list at the end: say what is there instead.
            let first = line.split_ascii_whitespace().next().unwrap_or("");
            if !first.starts_with(|c: char| c.is_ascii_digit()) {
                classify(first)?;
            }
            if let Some((_, last)) = other {
                if line.contains(':') {
                    return Err(syntax(format!("unexpected '{last}' after the time ranges")));
                }
            }
            return Err(TimeperiodError::MissingTimes);
        }
    };
    let spans = parse_spans(times)?;
    let mut c = Cursor::new(spec);

    // Calendar dates.
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        let (sy, sm, sd) = c
            .date()
            .ok_or_else(|| syntax(format!("expected a date YYYY-MM-DD at '{}'", c.rest())))?;
        let start = normalized_date(sy, sm, sd)
            .ok_or_else(|| syntax(format!("date {sy}-{sm}-{sd} is out of range")))?;
        let mut end = Some(start);
        if c.eat(b'-') {
            let (ey, em, ed) = c.date().ok_or_else(|| {
                syntax(format!(
                    "expected an end date YYYY-MM-DD after '-' at '{}'",
                    c.rest()
                ))
            })?;
            end = Some(
                normalized_date(ey, em, ed)
                    .ok_or_else(|| syntax(format!("date {ey}-{em}-{ed} is out of range")))?,
            );
        }
        let single = end == Some(start);
        let skip = parse_skip(&mut c)?;
        if !c.at_end() {
            return Err(syntax(format!("unexpected '{}'", c.rest())));
        }
        if single && skip > 1 {
            // `2008-04-01 / 7`: every 7 days from that date on.
            end = None;
        }
        return Ok(Directive::Exception(Exception {
            days: DaySpec::Calendar { start, end },
            skip,
            spans,
        }));
    }

    let w1 = c
        .word()
        .ok_or_else(|| syntax(format!("expected a day or month name at '{}'", c.rest())))?;
    let n1 = classify(&w1)?;
    if c.at_end() {
        // Plain weekday line.
        return match n1 {
            Name::Weekday(wd) => Ok(Directive::Weekday(wd, spans)),
            _ => Err(syntax(format!(
                "'{w1}' needs a day number before the time ranges"
            ))),
        };
    }
    let off1 = c
        .int()
        .ok_or_else(|| syntax(format!("expected a number after '{w1}' at '{}'", c.rest())))?;
    let month1 = match c.peek() {
        Some(b) if b.is_ascii_alphabetic() => {
            let m = c.word().unwrap_or_default();
            Some(month_named(&m).ok_or_else(|| {
                syntax(format!(
                    "expected a month name after '{w1} {off1}', found '{m}'"
                ))
            })?)
        }
        _ => None,
    };
    let end = if c.eat(b'-') {
        Some(parse_range_end(&mut c)?)
    } else {
        None
    };
    let skip = parse_skip(&mut c)?;
    if !c.at_end() {
        return Err(syntax(format!("unexpected '{}'", c.rest())));
    }
    if skip > 1 && end.is_none() {
        return Err(syntax(
            "a skip interval '/ N' needs a range 'START - END' (or a single calendar date)",
        ));
    }

    let days = match (n1, month1) {
        (Name::Weekday(swd), Some(smon)) => {
            // thursday -1 november [- friday 2 december]
            let (ewd, eoff, emon) = match end {
                None => (swd, off1, smon),
                Some(RangeEnd {
                    name: Some(Name::Weekday(ewd)),
                    off,
                    month: Some(emon),
                }) => (ewd, off, emon),
                Some(_) => {
                    return Err(syntax(
                        "the end of a month-weekday range must be 'WEEKDAY N MONTH'",
                    ))
                }
            };
            DaySpec::MonthWeekday {
                smon,
                swd,
                soff: off1,
                emon,
                ewd,
                eoff,
            }
        }
        (_, Some(_)) => {
            return Err(syntax(format!(
                "a month name after '{w1} {off1}' is only allowed after a weekday"
            )))
        }
        (Name::Weekday(swd), None) => {
            let (ewd, eoff) = match end {
                None => (swd, off1),
                Some(RangeEnd {
                    name: None, off, ..
                }) => (swd, off),
                Some(RangeEnd {
                    name: Some(Name::Weekday(ewd)),
                    off,
                    month: None,
                }) => (ewd, off),
                Some(_) => {
                    return Err(syntax(
                        "the end of a weekday range must be 'WEEKDAY N' or 'N'",
                    ))
                }
            };
            DaySpec::Weekday {
                swd,
                soff: off1,
                ewd,
                eoff,
            }
        }
        (Name::Month(smon), None) => {
            let (emon, eday) = match end {
                None => (smon, off1),
                Some(RangeEnd {
                    name: None, off, ..
                }) => (smon, off),
                Some(RangeEnd {
                    name: Some(Name::Month(emon)),
                    off,
                    month: None,
                }) => (emon, off),
                Some(_) => {
                    return Err(syntax(
                        "the end of a month date range must be 'MONTH N' or 'N'",
                    ))
                }
            };
            DaySpec::MonthDate {
                smon,
                sday: off1,
                emon,
                eday,
            }
        }
        (Name::Day, None) => {
            let eday = match end {
                None => off1,
                Some(RangeEnd {
                    name: None | Some(Name::Day),
                    off,
                    month: None,
                }) => off,
                Some(_) => return Err(syntax("the end of a 'day' range must be 'day N' or 'N'")),
            };
            DaySpec::MonthDay { sday: off1, eday }
        }
    };
    Ok(Directive::Exception(Exception { days, skip, spans }))
}

fn parse_range_end(c: &mut Cursor<'_>) -> Result<RangeEnd, TimeperiodError> {
    match c.peek() {
        Some(b) if b.is_ascii_alphabetic() => {
            let w = c.word().unwrap_or_default();
            let name = classify(&w)?;
            let off = c.int().ok_or_else(|| {
                syntax(format!("expected a number after '{w}' at '{}'", c.rest()))
            })?;
            let month = match c.peek() {
                Some(b) if b.is_ascii_alphabetic() => {
                    let m = c.word().unwrap_or_default();
                    Some(month_named(&m).ok_or_else(|| {
                        syntax(format!(
                            "expected a month name after '{w} {off}', found '{m}'"
                        ))
                    })?)
                }
                _ => None,
            };
            Ok(RangeEnd {
                name: Some(name),
                off,
                month,
            })
        }
        _ => {
            let off = c.int().ok_or_else(|| {
                syntax(format!(
                    "expected the end of the range after '-' at '{}'",
                    c.rest()
                ))
            })?;
            Ok(RangeEnd {
                name: None,
                off,
                month: None,
            })
        }
    }
}

/// Optional `/ N`; values below 2 mean "every day".
fn parse_skip(c: &mut Cursor<'_>) -> Result<u32, TimeperiodError> {
    if !c.eat(b'/') {
        return Ok(1);
    }
    let n = c
        .int()
        .ok_or_else(|| syntax(format!("expected a number after '/' at '{}'", c.rest())))?;
    Ok(if n > 1 { n as u32 } else { 1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, FixedOffset, LocalResult, Utc};
    use proptest::prelude::*;

    fn loc(line: u32) -> Location {
        Location {
            file: std::sync::Arc::new(std::path::PathBuf::from("tp.cfg")),
            line,
        }
    }

    fn split(line: &str) -> (String, String) {
        let l = line.trim();
        let (w, r) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
        (w.to_string(), r.trim().to_string())
    }

    fn try_tp(lines: &[&str]) -> Result<Timeperiod, (Location, String)> {
        let dirs: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let (w, r) = split(l);
                (w, r, loc(i as u32 + 10))
            })
            .collect();
        Timeperiod::new("t".into(), "a".into(), &dirs, Vec::new(), loc(1))
    }

    fn tp(lines: &[&str]) -> Timeperiod {
        try_tp(lines).expect("valid timeperiod")
    }

    fn tp_ex(name: &str, lines: &[&str], exclude: &[u32]) -> Timeperiod {
        let mut p = tp(lines);
        p.name = name.to_string();
        p.exclude = exclude.iter().map(|&i| TimeperiodId(i)).collect();
        p
    }

    fn err(lines: &[&str]) -> (Location, String) {
        try_tp(lines).expect_err("should not parse")
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .timestamp()
    }

    fn inside(p: &Timeperiod, t: i64) -> bool {
        p.contains_in(&Utc, t, &[])
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Days of a month on which `p` has any valid time.
    fn days_with_time(p: &Timeperiod, y: i32, m: u32) -> Vec<u32> {
        (1..=days_in_month(y, m).unwrap())
            .filter(|&d| !p.valid_spans(date(y, m, d), &[]).is_empty())
            .collect()
    }

    /// The valid spans of one day, as `HH:MM-HH:MM` strings.
    fn spans_str(p: &Timeperiod, all: &[Timeperiod], d: NaiveDate) -> Vec<String> {
        let f = |s: u32| format!("{:02}:{:02}", s / 3600, s / 60 % 60);
        p.valid_spans(d, all)
            .into_iter()
            .map(|(a, b)| format!("{}-{}", f(a), f(b)))
            .collect()
    }

    // ---------------------------------------------------------------- weekdays

    #[test]
    fn weekday_line_bounds() {
        // 2024-01-01 is a Monday.
        let p = tp(&["monday 09:00-17:00"]);
        assert!(!inside(&p, at(2024, 1, 1, 8, 59, 59)));
        assert!(inside(&p, at(2024, 1, 1, 9, 0, 0)));
        assert!(inside(&p, at(2024, 1, 1, 16, 59, 59)));
        assert!(!inside(&p, at(2024, 1, 1, 17, 0, 0)));
        assert!(!inside(&p, at(2024, 1, 2, 10, 0, 0)), "tuesday has no line");
        assert!(inside(&p, at(2024, 1, 8, 12, 0, 0)), "next monday");
    }

    #[test]
    fn end_24_00_covers_last_second() {
        let p = tp(&["sunday 00:00-24:00"]);
        assert!(inside(&p, at(2024, 1, 7, 0, 0, 0)));
        assert!(inside(&p, at(2024, 1, 7, 23, 59, 59)));
        assert!(!inside(&p, at(2024, 1, 8, 0, 0, 0)));
        assert!(!inside(&p, at(2024, 1, 6, 23, 59, 59)));
    }

    #[test]
    fn multiple_ranges_and_merge() {
        let p = tp(&["monday 00:00-09:00,17:00-24:00"]);
        assert!(inside(&p, at(2024, 1, 1, 8, 59, 59)));
        assert!(!inside(&p, at(2024, 1, 1, 9, 0, 0)));
        assert!(!inside(&p, at(2024, 1, 1, 16, 59, 59)));
        assert!(inside(&p, at(2024, 1, 1, 17, 0, 0)));
        // Overlapping / unsorted / empty ranges are normalised.
        let q = tp(&["monday 12:00-14:00,9:5-12:30,08:00-08:00,20:00-19:00"]);
        assert_eq!(spans_str(&q, &[], date(2024, 1, 1)), vec!["09:05-14:00"]);
    }

    #[test]
    fn later_weekday_line_replaces_earlier() {
        let p = tp(&["monday 09:00-10:00", "monday 11:00-12:00"]);
        assert_eq!(spans_str(&p, &[], date(2024, 1, 1)), vec!["11:00-12:00"]);
    }

    #[test]
    fn always_is_always() {
        let p = Timeperiod::always();
        for t in [0, at(2024, 2, 29, 23, 59, 59), at(2031, 7, 4, 12, 0, 0)] {
            assert!(inside(&p, t));
            assert_eq!(p.next_valid_in(&Utc, t, &[]), Some(t));
        }
        assert_eq!(p.next_invalid_in(&Utc, 0, &[]), None);
    }

    #[test]
    fn local_wrappers_match_explicit_local_zone() {
        let p = tp(&["monday 09:00-17:00", "2024-12-25 00:00-00:00"]);
        for t in [
            at(2024, 1, 1, 3, 0, 0),
            at(2024, 1, 1, 12, 0, 0),
            at(2024, 12, 23, 12, 0, 0),
        ] {
            assert_eq!(p.contains(t, &[]), p.contains_in(&chrono::Local, t, &[]));
            assert_eq!(
                p.next_valid(t, &[]),
                p.next_valid_in(&chrono::Local, t, &[])
            );
            assert_eq!(
                p.next_invalid(t, &[]),
                p.next_invalid_in(&chrono::Local, t, &[])
            );
        }
        // Out-of-range instants are simply outside.
        assert!(!p.contains(i64::MAX, &[]));
        assert_eq!(p.next_valid(i64::MAX, &[]), None);
        assert_eq!(p.next_valid(i64::MIN, &[]), None);
    }

    #[test]
    fn fixed_offset_zone_uses_local_wall_clock() {
        let p = tp(&["monday 09:00-17:00"]);
        let plus2 = FixedOffset::east_opt(2 * 3600).unwrap();
        // 07:00 UTC is 09:00 at +02:00.
        assert!(p.contains_in(&plus2, at(2024, 1, 1, 7, 0, 0), &[]));
        assert!(!p.contains_in(&plus2, at(2024, 1, 1, 6, 59, 59), &[]));
        assert!(!p.contains_in(&plus2, at(2024, 1, 1, 15, 0, 0), &[]));
        // Sunday 23:00 UTC is already Monday 01:00 at +02:00: not in 09-17 yet.
        assert_eq!(
            p.next_valid_in(&plus2, at(2023, 12, 31, 23, 0, 0), &[]),
            Some(at(2024, 1, 1, 7, 0, 0))
        );
    }

    // ---------------------------------------------------------------- exceptions

    #[test]
    fn calendar_date_overrides_weekday() {
        let mut lines = vec!["2024-12-25 00:00-06:00"];
        let week = [
            "sunday 00:00-24:00",
            "monday 00:00-24:00",
            "tuesday 00:00-24:00",
            "wednesday 00:00-24:00",
            "thursday 00:00-24:00",
            "friday 00:00-24:00",
            "saturday 00:00-24:00",
        ];
        lines.extend(week);
        let p = tp(&lines);
        assert!(inside(&p, at(2024, 12, 25, 5, 59, 59)));
        assert!(!inside(&p, at(2024, 12, 25, 6, 0, 0)));
        assert!(inside(&p, at(2024, 12, 24, 23, 0, 0)));
        assert!(inside(&p, at(2024, 12, 26, 7, 0, 0)));
        assert!(inside(&p, at(2025, 12, 25, 7, 0, 0)), "only 2024");
        // 00:00-00:00 blanks the whole day.
        let mut lines = vec!["2024-12-25 00:00-00:00"];
        lines.extend(week);
        let q = tp(&lines);
        assert!(!inside(&q, at(2024, 12, 25, 12, 0, 0)));
        assert_eq!(
            q.next_valid_in(&Utc, at(2024, 12, 25, 0, 0, 0), &[]),
            Some(at(2024, 12, 26, 0, 0, 0))
        );
    }

    #[test]
    fn calendar_ranges_and_skips() {
        let p = tp(&["2024-01-03 - 2024-01-05 10:00-11:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![3, 4, 5]);
        let p = tp(&["2024-01-01 - 2024-01-10 / 3 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![1, 4, 7, 10]);
        // Range across a month end, written without blanks around '-'.
        let p = tp(&["2024-01-30-2024-02-02 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![30, 31]);
        assert_eq!(days_with_time(&p, 2024, 2), vec![1, 2]);
        // Single date with skip: every 7 days, forever.
        let p = tp(&["2024-04-01 / 7 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 3), Vec::<u32>::new());
        assert_eq!(days_with_time(&p, 2024, 4), vec![1, 8, 15, 22, 29]);
        let far = date(2024, 4, 1) + chrono::Days::new(7 * 200);
        assert!(!p.valid_spans(far, &[]).is_empty());
        assert!(p.valid_spans(far.succ_opt().unwrap(), &[]).is_empty());
        // Reversed range covers nothing (Nagios would wrap oddly).
        let p = tp(&["2024-01-05 - 2024-01-01 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), Vec::<u32>::new());
        // mktime-style normalisation of impossible dates.
        let p = tp(&["2023-02-30 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2023, 3), vec![2]);
        let p = tp(&["2023-13-01 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![1]);
    }

    #[test]
    fn month_dates() {
        let p = tp(&["december 25 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 12), vec![25]);
        assert_eq!(days_with_time(&p, 2031, 12), vec![25]);
        let p = tp(&["february -1 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 2), vec![29]);
        assert_eq!(days_with_time(&p, 2023, 2), vec![28]);
        let p = tp(&["february 29 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 2), vec![29]);
        assert_eq!(days_with_time(&p, 2023, 2), Vec::<u32>::new());
        assert_eq!(days_with_time(&p, 2023, 3), Vec::<u32>::new());
        let p = tp(&["july 10 - 15 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 7), vec![10, 11, 12, 13, 14, 15]);
        let p = tp(&["july 10 - 15 / 2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 7), vec![10, 12, 14]);
        let p = tp(&["april 28 - may 2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 4), vec![28, 29, 30]);
        assert_eq!(days_with_time(&p, 2024, 5), vec![1, 2]);
        // Year wrap: both the December and the January part.
        let p = tp(&["december 30 - january 2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 12), vec![30, 31]);
        assert_eq!(days_with_time(&p, 2025, 1), vec![1, 2]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![1, 2]);
        // End past the month end is clamped.
        let p = tp(&["february 27 - 30 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2023, 2), vec![27, 28]);
        assert_eq!(days_with_time(&p, 2023, 3), Vec::<u32>::new());
    }

    #[test]
    fn days_of_month() {
        let p = tp(&["day 2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 5), vec![2]);
        let p = tp(&["day -1 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 2), vec![29]);
        assert_eq!(days_with_time(&p, 2023, 2), vec![28]);
        assert_eq!(days_with_time(&p, 2024, 4), vec![30]);
        let p = tp(&["day -3 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![29]);
        let p = tp(&["day 1 - 15 / 5 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![1, 6, 11]);
        let p = tp(&["day 20 - -1 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2023, 2), (20..=28).collect::<Vec<_>>());
        let p = tp(&["day 1 - day 3 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2023, 2), vec![1, 2, 3]);
        // Month wrap.
        let p = tp(&["day 28 - 2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 3), vec![1, 2, 28, 29, 30, 31]);
        // Day 31 never exists in April; day 0 never exists.
        let p = tp(&["day 31 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 4), Vec::<u32>::new());
        assert_eq!(days_with_time(&p, 2024, 5), vec![31]);
        let p = tp(&["day 0 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 5), Vec::<u32>::new());
    }

    #[test]
    fn offset_weekdays() {
        // January 2024: Mondays 1 8 15 22 29, Thursdays 4 11 18 25, Fridays 5 12 19 26.
        let p = tp(&["monday 3 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![15]);
        let p = tp(&["friday -2 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![19]);
        let p = tp(&["monday 5 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![29]);
        assert_eq!(days_with_time(&p, 2024, 2), Vec::<u32>::new());
        let p = tp(&["monday 3 - thursday 4 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), (15..=25).collect::<Vec<_>>());
        let p = tp(&["thursday 2 - 4 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), (11..=25).collect::<Vec<_>>());
        let p = tp(&["thursday 2 - 4 / 7 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), vec![11, 18, 25]);
        let p = tp(&["monday 0 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), Vec::<u32>::new());
    }

    #[test]
    fn offset_weekdays_of_named_month() {
        let p = tp(&["thursday -1 november 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 11), vec![28]);
        assert_eq!(days_with_time(&p, 2023, 11), vec![30]);
        assert_eq!(days_with_time(&p, 2024, 10), Vec::<u32>::new());
        // 2024: first Tuesday of April = 2nd, second Friday of May = 10th.
        let p = tp(&["tuesday 1 april - friday 2 may 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 3), Vec::<u32>::new());
        assert_eq!(days_with_time(&p, 2024, 4), (2..=30).collect::<Vec<_>>());
        assert_eq!(days_with_time(&p, 2024, 5), (1..=10).collect::<Vec<_>>());
        let p = tp(&["tuesday 1 april - friday 2 may / 6 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 4), vec![2, 8, 14, 20, 26]);
        assert_eq!(days_with_time(&p, 2024, 5), vec![2, 8]);
    }

    #[test]
    fn precedence_between_exception_classes() {
        // 2024-12-25 is a Wednesday.
        let p = tp(&[
            "wednesday 00:00-24:00",
            "wednesday 4 12:00-13:00",
            "wednesday -1 december 14:00-15:00",
            "day 25 01:00-02:00",
            "december 25 03:00-04:00",
            "2024-12-25 05:00-06:00",
        ]);
        assert_eq!(spans_str(&p, &[], date(2024, 12, 25)), vec!["05:00-06:00"]);
        assert_eq!(spans_str(&p, &[], date(2030, 12, 25)), vec!["03:00-04:00"]);
        assert_eq!(spans_str(&p, &[], date(2025, 6, 25)), vec!["01:00-02:00"]);
        // Last Wednesday of December 2025 is the 31st.
        assert_eq!(spans_str(&p, &[], date(2025, 12, 31)), vec!["14:00-15:00"]);
        // Fourth Wednesday of January 2025 is the 22nd.
        assert_eq!(spans_str(&p, &[], date(2025, 1, 22)), vec!["12:00-13:00"]);
        assert_eq!(spans_str(&p, &[], date(2025, 1, 15)), vec!["00:00-24:00"]);
        // Within one class the first written wins.
        let q = tp(&["day 1 - 10 01:00-02:00", "day 5 03:00-04:00"]);
        assert_eq!(spans_str(&q, &[], date(2024, 1, 5)), vec!["01:00-02:00"]);
    }

    #[test]
    fn sample_config_24x7_sans_holidays() {
        // /etc/nagios4/objects/timeperiods.cfg: holidays as 00:00-00:00 exceptions.
        let p = tp(&[
            "january 1 00:00-00:00",
            "monday -1 may 00:00-00:00",
            "july 4 00:00-00:00",
            "monday 1 september 00:00-00:00",
            "thursday 4 november 00:00-00:00",
            "december 25 00:00-00:00",
            "sunday 00:00-24:00",
            "monday 00:00-24:00",
            "tuesday 00:00-24:00",
            "wednesday 00:00-24:00",
            "thursday 00:00-24:00",
            "friday 00:00-24:00",
            "saturday 00:00-24:00",
        ]);
        let holidays_2024 = [(1, 1), (5, 27), (7, 4), (9, 2), (11, 28), (12, 25)];
        for (m, d) in holidays_2024 {
            assert!(!inside(&p, at(2024, m, d, 12, 0, 0)), "2024-{m}-{d}");
            assert_eq!(
                p.next_valid_in(&Utc, at(2024, m, d, 12, 0, 0), &[]),
                Some(at(2024, m, d, 0, 0, 0) + 86_400)
            );
        }
        assert!(inside(&p, at(2024, 11, 21, 12, 0, 0)));
        assert!(inside(&p, at(2024, 5, 20, 12, 0, 0)));
        // The holidays period alone has no valid time at all.
        let h = tp(&["january 1 00:00-00:00", "december 25 00:00-00:00"]);
        assert_eq!(h.next_valid_in(&Utc, 0, &[]), None);
    }

    // ---------------------------------------------------------------- exclusions

    #[test]
    fn exclusions_subtract_recursively() {
        let all = vec![
            tp_ex("work", &["monday 09:00-17:00", "tuesday 09:00-17:00"], &[1]),
            tp_ex(
                "lunch",
                &["monday 12:00-13:00", "tuesday 12:00-14:00"],
                &[2],
            ),
            tp_ex("tuesday-early-lunch", &["tuesday 12:00-13:00"], &[]),
        ];
        let work = &all[0];
        assert_eq!(
            spans_str(work, &all, date(2024, 1, 1)),
            vec!["09:00-12:00", "13:00-17:00"]
        );
        // Tuesday: lunch is 12-14 minus 12-13, so work loses only 13-14.
        assert_eq!(
            spans_str(work, &all, date(2024, 1, 2)),
            vec!["09:00-13:00", "14:00-17:00"]
        );
        assert!(!work.contains_in(&Utc, at(2024, 1, 1, 12, 30, 0), &all));
        assert!(work.contains_in(&Utc, at(2024, 1, 2, 12, 30, 0), &all));
        assert_eq!(
            work.next_valid_in(&Utc, at(2024, 1, 1, 12, 0, 0), &all),
            Some(at(2024, 1, 1, 13, 0, 0))
        );
        assert_eq!(
            work.next_invalid_in(&Utc, at(2024, 1, 2, 9, 0, 0), &all),
            Some(at(2024, 1, 2, 13, 0, 0))
        );
    }

    #[test]
    fn holiday_exclusion_skips_a_week() {
        let all = vec![
            tp_ex("mondays", &["monday 09:00-17:00"], &[1]),
            tp_ex("holidays", &["2024-01-08 00:00-24:00"], &[]),
        ];
        assert_eq!(
            all[0].next_valid_in(&Utc, at(2024, 1, 1, 17, 0, 0), &all),
            Some(at(2024, 1, 15, 9, 0, 0))
        );
    }

    #[test]
    fn exclusion_cycles_are_found_and_do_not_hang() {
        let all = vec![
            tp_ex("a", &["monday 00:00-24:00"], &[1]),
            tp_ex("b", &["monday 06:00-18:00"], &[2]),
            tp_ex("c", &["monday 08:00-10:00"], &[0]),
            tp_ex("d", &["monday 00:00-24:00"], &[0]),
        ];
        let (i, j) = exclusion_cycle(&all).expect("cycle");
        assert!(all[i].exclude.contains(&TimeperiodId(j as u32)));
        assert!([0, 1, 2].contains(&i) && [0, 1, 2].contains(&j));
        // Evaluation terminates and gives a definite answer.
        let _ = all[3].contains_in(&Utc, at(2024, 1, 1, 9, 0, 0), &all);
        let _ = all[0].next_valid_in(&Utc, at(2024, 1, 1, 9, 0, 0), &all);

        let self_loop = vec![tp_ex("s", &["monday 00:00-24:00"], &[0])];
        assert_eq!(exclusion_cycle(&self_loop), Some((0, 0)));

        let dag = vec![
            tp_ex("a", &[], &[1, 2]),
            tp_ex("b", &[], &[2]),
            tp_ex("c", &[], &[]),
            tp_ex("d", &[], &[7]), // dangling id ignored
        ];
        assert_eq!(exclusion_cycle(&dag), None);
    }

    // ---------------------------------------------------------------- next_valid

    #[test]
    fn next_valid_basics() {
        let p = tp(&["monday 09:00-17:00", "wednesday 00:00-01:00"]);
        // Inside: t itself.
        let t = at(2024, 1, 1, 10, 0, 0);
        assert_eq!(p.next_valid_in(&Utc, t, &[]), Some(t));
        // Same day, before the range.
        assert_eq!(
            p.next_valid_in(&Utc, at(2024, 1, 1, 3, 0, 0), &[]),
            Some(at(2024, 1, 1, 9, 0, 0))
        );
        // At the exclusive end: Wednesday.
        assert_eq!(
            p.next_valid_in(&Utc, at(2024, 1, 1, 17, 0, 0), &[]),
            Some(at(2024, 1, 3, 0, 0, 0))
        );
        // Across the weekend into next week.
        assert_eq!(
            p.next_valid_in(&Utc, at(2024, 1, 3, 1, 0, 0), &[]),
            Some(at(2024, 1, 8, 9, 0, 0))
        );
        // next_invalid.
        assert_eq!(
            p.next_invalid_in(&Utc, at(2024, 1, 1, 10, 0, 0), &[]),
            Some(at(2024, 1, 1, 17, 0, 0))
        );
        let t = at(2024, 1, 2, 10, 0, 0);
        assert_eq!(p.next_invalid_in(&Utc, t, &[]), Some(t));
    }

    #[test]
    fn next_valid_joins_days_and_far_rules() {
        // A 24:00 end joined with a 00:00 start on the next day.
        let p = tp(&["monday 22:00-24:00", "tuesday 00:00-02:00"]);
        assert_eq!(
            p.next_invalid_in(&Utc, at(2024, 1, 1, 23, 0, 0), &[]),
            Some(at(2024, 1, 2, 2, 0, 0))
        );
        // Leap day: found almost four years ahead.
        let p = tp(&["february 29 05:00-06:00"]);
        assert_eq!(
            p.next_valid_in(&Utc, at(2024, 3, 1, 0, 0, 0), &[]),
            Some(at(2028, 2, 29, 5, 0, 0))
        );
    }

    #[test]
    fn next_valid_none() {
        assert_eq!(tp(&[]).next_valid_in(&Utc, 0, &[]), None);
        assert_eq!(
            tp(&["monday 00:00-00:00"]).next_valid_in(&Utc, 0, &[]),
            None
        );
        let past = tp(&["2020-01-01 00:00-24:00"]);
        assert_eq!(past.next_valid_in(&Utc, at(2024, 1, 1, 0, 0, 0), &[]), None);
        let all = vec![
            tp_ex("x", &["monday 09:00-10:00"], &[1]),
            tp_ex("y", &["monday 00:00-24:00"], &[]),
        ];
        assert_eq!(
            all[0].next_valid_in(&Utc, at(2024, 1, 1, 0, 0, 0), &all),
            None
        );
    }

    // ---------------------------------------------------------------- DST

    /// A Central-European-like zone: UTC+1, UTC+2 from the last Sunday of March 01:00
    /// UTC to the last Sunday of October 01:00 UTC.
    #[derive(Debug, Clone, Copy)]
    struct Cet;

    impl Cet {
        fn offset_at(utc: NaiveDateTime) -> i32 {
            let y = utc.year();
            let start = nth_weekday(y, 3, Weekday::Sun, -1, false)
                .and_then(|d| d.and_hms_opt(1, 0, 0))
                .unwrap();
            let end = nth_weekday(y, 10, Weekday::Sun, -1, false)
                .and_then(|d| d.and_hms_opt(1, 0, 0))
                .unwrap();
            if utc >= start && utc < end {
                7200
            } else {
                3600
            }
        }
    }

    impl TimeZone for Cet {
        type Offset = FixedOffset;
        fn from_offset(_: &FixedOffset) -> Self {
            Cet
        }
        fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<FixedOffset> {
            self.offset_from_local_datetime(&local.and_hms_opt(0, 0, 0).unwrap())
        }
        fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<FixedOffset> {
            let fits: Vec<i32> = [7200, 3600]
                .into_iter()
                .filter(|&off| Cet::offset_at(*local - Duration::seconds(off as i64)) == off)
                .collect();
            let f = |o: i32| FixedOffset::east_opt(o).unwrap();
            match fits.as_slice() {
                [] => LocalResult::None,
                [o] => LocalResult::Single(f(*o)),
                [a, b, ..] => LocalResult::Ambiguous(f(*a), f(*b)),
            }
        }
        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            self.offset_from_utc_datetime(&utc.and_hms_opt(0, 0, 0).unwrap())
        }
        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            FixedOffset::east_opt(Cet::offset_at(*utc)).unwrap()
        }
    }

    #[test]
    fn dst_gap_start_moves_to_transition() {
        // 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
        let p = tp(&["sunday 02:30-03:30"]);
        let v = p.next_valid_in(&Cet, at(2024, 3, 30, 12, 0, 0), &[]);
        assert_eq!(v, Some(at(2024, 3, 31, 1, 0, 0)));
        assert!(p.contains_in(&Cet, at(2024, 3, 31, 1, 0, 0), &[]));
        assert!(!p.contains_in(&Cet, at(2024, 3, 31, 0, 59, 59), &[]));
        assert!(!p.contains_in(&Cet, at(2024, 3, 31, 1, 30, 0), &[]));
        // A range entirely inside the gap does not exist that day.
        let q = tp(&["sunday 02:10-02:50"]);
        assert_eq!(
            q.next_valid_in(&Cet, at(2024, 3, 30, 12, 0, 0), &[]),
            Some(at(2024, 4, 7, 0, 10, 0))
        );
        // next_invalid when the range end is in the gap.
        let r = tp(&["sunday 01:00-02:30"]);
        assert_eq!(
            r.next_invalid_in(&Cet, at(2024, 3, 31, 0, 30, 0), &[]),
            Some(at(2024, 3, 31, 1, 0, 0))
        );
    }

    #[test]
    fn dst_fold_both_occurrences_count() {
        // 2024-10-27: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
        let p = tp(&["sunday 02:15-02:45"]);
        assert_eq!(
            p.next_valid_in(&Cet, at(2024, 10, 27, 0, 0, 0), &[]),
            Some(at(2024, 10, 27, 0, 15, 0))
        );
        assert_eq!(
            p.next_valid_in(&Cet, at(2024, 10, 27, 0, 50, 0), &[]),
            Some(at(2024, 10, 27, 1, 15, 0))
        );
        assert!(p.contains_in(&Cet, at(2024, 10, 27, 0, 30, 0), &[]));
        assert!(p.contains_in(&Cet, at(2024, 10, 27, 1, 30, 0), &[]));
        assert_eq!(
            p.next_invalid_in(&Cet, at(2024, 10, 27, 0, 30, 0), &[]),
            Some(at(2024, 10, 27, 0, 45, 0))
        );
        // A range that only partly overlaps the repeated hour: after its first pass,
        // the wall clock re-enters it exactly at the transition.
        let q = tp(&["sunday 01:30-02:30"]);
        assert_eq!(
            q.next_valid_in(&Cet, at(2024, 10, 27, 0, 50, 0), &[]),
            Some(at(2024, 10, 27, 1, 0, 0))
        );
        assert_eq!(
            q.next_invalid_in(&Cet, at(2024, 10, 27, 1, 0, 0), &[]),
            Some(at(2024, 10, 27, 1, 30, 0))
        );
        // A one-off date: the second pass is the only one left.
        let r = tp(&["2024-10-27 02:15-02:45"]);
        assert_eq!(
            r.next_valid_in(&Cet, at(2024, 10, 27, 0, 50, 0), &[]),
            Some(at(2024, 10, 27, 1, 15, 0))
        );
        assert_eq!(r.next_valid_in(&Cet, at(2024, 10, 27, 1, 45, 0), &[]), None);
    }

    // ---------------------------------------------------------------- parsing

    #[test]
    fn parse_errors_name_directive_and_problem() {
        let (l, m) = err(&["monday 09:00-17:00", "monday 25:00-26:00"]);
        assert_eq!(l.line, 11);
        assert_eq!(
            m,
            "cannot parse directive 'monday 25:00-26:00': invalid time range '25:00-26:00': start is after 24:00"
        );
        let (_, m) = err(&["monday 09:00-24:01"]);
        assert!(
            m.ends_with("invalid time range '09:00-24:01': end is after 24:00"),
            "{m}"
        );
        let (_, m) = err(&["Monday 00:00-24:00"]);
        assert!(m.contains("unknown day or month name 'Monday'"), "{m}");
        let (_, m) = err(&["foo 00:00-24:00"]);
        assert!(m.contains("unknown day or month name 'foo'"), "{m}");
        let (_, m) = err(&["monday"]);
        assert!(
            m.ends_with("'monday': missing time ranges (HH:MM-HH:MM[,HH:MM-HH:MM...]) at the end"),
            "{m}"
        );
        let (_, m) = err(&["december 25"]);
        assert!(m.contains("missing time ranges"), "{m}");
        let (_, m) = err(&["monday 09:00 - 17:00"]);
        assert!(
            m.ends_with(
                "blanks are not allowed inside the time ranges (write HH:MM-HH:MM,HH:MM-HH:MM)"
            ),
            "{m}"
        );
        let (_, m) = err(&["monday 09:00-17:00, 18:00-19:00"]);
        assert!(m.contains("blanks are not allowed"), "{m}");
        let (_, m) = err(&["monday 09-17"]);
        assert!(
            m.ends_with("invalid time range '09-17': start is not HH:MM"),
            "{m}"
        );
        let (_, m) = err(&["monday 09:00-17:00,"]);
        assert!(m.contains("empty entry"), "{m}");
        let (_, m) = err(&["monday 0900-1700"]);
        assert!(m.contains("start is not HH:MM"), "{m}");
        let (_, m) = err(&["monday 00:00-24:00 junk"]);
        assert!(
            m.ends_with("unexpected 'junk' after the time ranges"),
            "{m}"
        );
        let (_, m) = err(&["day 00:00-24:00"]);
        assert!(m.contains("'day' needs a day number"), "{m}");
        let (_, m) = err(&["day x 00:00-24:00"]);
        assert!(m.contains("expected a number after 'day'"), "{m}");
        let (_, m) = err(&["monday 1 - day 3 00:00-24:00"]);
        assert!(m.contains("end of a weekday range"), "{m}");
        let (_, m) = err(&["day 3 / 2 00:00-24:00"]);
        assert!(m.contains("skip interval"), "{m}");
        let (_, m) = err(&["2024-01-01 - x 00:00-24:00"]);
        assert!(m.contains("expected an end date"), "{m}");
        let (_, m) = err(&["2024-01-01 junk 00:00-24:00"]);
        assert!(m.contains("unexpected 'junk'"), "{m}");
        let (_, m) = err(&["day 3 march 00:00-24:00"]);
        assert!(m.contains("only allowed after a weekday"), "{m}");
        let (_, m) = err(&["tuesday 1 april - friday 2 00:00-24:00"]);
        assert!(m.contains("month-weekday range"), "{m}");
    }

    #[test]
    fn parse_accepts_nagios_forms() {
        for line in [
            "monday 00:00-09:00,17:00-24:00",
            "monday\t00:00-24:00",
            "2007-01-28 00:00-24:00",
            "monday 3 00:00-24:00",
            "day 2 00:00-24:00",
            "february 10 00:00-24:00",
            "february -1 00:00-24:00",
            "friday -2 00:00-24:00",
            "thursday -1 november 00:00-24:00",
            "2007-01-01 - 2008-02-01 00:00-24:00",
            "monday 3 - thursday 4 00:00-24:00",
            "day 1 - 15 00:00-24:00",
            "day 20 - -1 00:00-24:00",
            "day 1-15 00:00-24:00",
            "day 1 - day 5 00:00-24:00",
            "july 10 - 15 00:00-24:00",
            "april 10 - may 15 00:00-24:00",
            "tuesday 1 april - friday 2 may 00:00-24:00",
            "2007-01-01 - 2008-02-01 / 3 00:00-24:00",
            "2008-04-01 / 7 00:00-24:00",
            "monday 3 - thursday 4 / 2 00:00-24:00",
            "day 1 - 15 / 5 00:00-24:00",
            "july 10 - 15 / 2 00:00-24:00",
            "tuesday 1 april - friday 2 may / 6 00:00-24:00",
            "24-01-05 00:00-24:00",
            "monday 24:00-24:00",
        ] {
            assert!(
                try_tp(&[line]).is_ok(),
                "{line}: {:?}",
                try_tp(&[line]).err()
            );
        }
        // "day 1 -15" is a range (as in Nagios' scanf), "day -1" a single day.
        let p = tp(&["day 1 -15 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2024, 1), (1..=15).collect::<Vec<_>>());
        let p = tp(&["day 1 - -1 00:00-24:00"]);
        assert_eq!(days_with_time(&p, 2023, 2), (1..=28).collect::<Vec<_>>());
    }

    // ---------------------------------------------------------------- properties

    const POOL: &[&str] = &[
        "monday 09:00-17:00",
        "tuesday 00:00-24:00",
        "wednesday 00:00-03:00,22:00-24:00",
        "thursday 12:00-12:01",
        "friday 00:30-01:00,23:59-24:00",
        "saturday 02:00-04:00",
        "sunday 02:10-02:50",
        "sunday 02:30-03:30",
        "2024-12-25 00:00-00:00",
        "2024-03-31 01:00-04:00",
        "2025-01-01 - 2025-01-10 / 3 06:00-07:00",
        "2024-06-01 / 10 10:00-11:00",
        "december 24 - january 2 08:00-09:00",
        "february -1 00:00-24:00",
        "february 29 05:00-06:00",
        "july 10 - 15 / 2 13:00-14:00",
        "day 1 - 3 00:00-01:00",
        "day -1 20:00-24:00",
        "day 25 - 5 / 4 11:00-12:00",
        "thursday -1 november 00:00-24:00",
        "tuesday 1 april - friday 2 may / 6 07:00-08:00",
        "monday 3 10:00-10:30",
        "friday -2 - sunday -1 15:00-16:00",
        "thursday 2 - 4 00:00-12:00",
        "day 15 00:00-00:00",
        "october -1 02:00-03:00",
    ];

    fn check_props<Tz: TimeZone>(tz: &Tz, all: &[Timeperiod], t: i64, fracs: &[u16]) {
        let p = &all[0];
        let c = |x: i64| p.contains_in(tz, x, all);
        match p.next_valid_in(tz, t, all) {
            Some(v) => {
                assert!(v >= t);
                assert!(c(v), "next_valid({t}) = {v} is not inside");
                assert_eq!(v == t, c(t));
                if v > t {
                    assert!(!c(v - 1), "{} before next_valid {v} is inside", v - 1);
                    // Short distances: every minute in between (ranges are whole
                    // minutes long, so no window can hide between two samples).
                    if v - t <= 3 * 86_400 {
                        let mut q = t;
                        while q < v {
                            assert!(!c(q), "{q} in [{t}, {v}) is inside");
                            q += 60;
                        }
                    }
                    for &f in fracs {
                        let q = t + (v - t) * i64::from(f) / 1000;
                        if q < v {
                            assert!(!c(q), "{q} in [{t}, {v}) is inside");
                        }
                    }
                }
            }
            None => {
                assert!(!c(t));
                for &f in fracs {
                    assert!(
                        !c(t + i64::from(f) * 3600 * 24),
                        "never-valid period inside"
                    );
                }
            }
        }
        match p.next_invalid_in(tz, t, all) {
            Some(v) => {
                assert!(v >= t);
                assert!(!c(v), "next_invalid({t}) = {v} is inside");
                for &f in fracs {
                    let q = t + (v - t) * i64::from(f) / 1000;
                    if q < v {
                        assert!(c(q), "{q} in [{t}, {v}) is outside");
                    }
                }
            }
            None => assert!(c(t)),
        }
    }

    fn build(sets: &[Vec<usize>], exclude_next: &[bool]) -> Vec<Timeperiod> {
        sets.iter()
            .enumerate()
            .map(|(i, set)| {
                let lines: Vec<&str> = set.iter().map(|&k| POOL[k]).collect();
                let excl: Vec<u32> =
                    if exclude_next.get(i).copied().unwrap_or(false) && i + 1 < sets.len() {
                        vec![i as u32 + 1]
                    } else {
                        vec![]
                    };
                tp_ex(&format!("p{i}"), &lines, &excl)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        #[test]
        fn next_valid_is_first_contained_instant(
            sets in proptest::collection::vec(
                proptest::collection::vec(0..POOL.len(), 0..5), 1..4),
            exclude_next in proptest::collection::vec(any::<bool>(), 3),
            t in at(2023, 1, 1, 0, 0, 0)..at(2027, 1, 1, 0, 0, 0),
            fracs in proptest::collection::vec(0u16..1000, 12),
            zone in 0u8..3,
        ) {
            let all = build(&sets, &exclude_next);
            match zone {
                0 => check_props(&Utc, &all, t, &fracs),
                1 => check_props(&FixedOffset::west_opt(5 * 3600 + 1800).unwrap(), &all, t, &fracs),
                _ => check_props(&Cet, &all, t, &fracs),
            }
        }

        #[test]
        fn next_valid_near_dst_transitions(
            sets in proptest::collection::vec(
                proptest::collection::vec(0..POOL.len(), 0..5), 1..4),
            exclude_next in proptest::collection::vec(any::<bool>(), 3),
            spring in any::<bool>(),
            delta in -2 * 86_400i64..2 * 86_400,
            fracs in proptest::collection::vec(0u16..1000, 12),
        ) {
            let all = build(&sets, &exclude_next);
            let base = if spring { at(2024, 3, 31, 1, 0, 0) } else { at(2024, 10, 27, 1, 0, 0) };
            check_props(&Cet, &all, base + delta, &fracs);
        }

        #[test]
        fn parse_never_panics(word in "[a-z0-9-]{0,12}", rest in "[ a-z0-9:,/-]{0,40}") {
            let _ = parse_directive(&word, rest.trim());
        }

        #[test]
        fn parse_never_panics_on_any_text(word in "\\PC{0,12}", rest in "\\PC{0,40}") {
            let _ = parse_directive(&word, rest.trim());
        }
    }
}
