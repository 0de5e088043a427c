//! The parsed rules of a time period and what they say about one local date:
//! weekday lines, the five classes of exceptions (dated, month dates, month
//! days, weekdays of a month, weekdays of every month) with skips, and the
//! calendar arithmetic they need. Time-zone free.

use super::*;
use chrono::{Datelike, Weekday};

pub(super) type Span = (u32, u32);

/// Which days an exception covers (before time ranges are applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DaySpec {
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
    pub(super) fn class(&self) -> u8 {
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
pub(super) struct Exception {
    pub(super) days: DaySpec,
    /// Keep every `skip`-th day counted from the start day; 1 = every day.
    pub(super) skip: u32,
    pub(super) spans: Vec<Span>,
}

/// The parsed rules of one period (private; built by [`Timeperiod::new`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Rules {
    /// Weekday lines, indexed by days from Sunday.
    pub(super) weekdays: [Vec<Span>; 7],
    /// Exceptions sorted (stably) by precedence class.
    pub(super) exceptions: Vec<Exception>,
}

impl Rules {
    pub(super) fn is_empty(&self) -> bool {
        self.weekdays.iter().all(|d| d.is_empty())
            && self.exceptions.iter().all(|e| e.spans.is_empty())
    }

    /// The last date that can have valid time, when only finite calendar ranges
    /// have time (e.g. a list of past holidays); `None` when it recurs forever.
    pub(super) fn last_possible_date(&self) -> Option<NaiveDate> {
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
    pub(super) fn spans_for(&self, date: NaiveDate) -> &[Span] {
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
    pub(super) fn covers(&self, d: NaiveDate) -> bool {
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
    pub(super) fn instance_covers<U: Copy>(
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

    pub(super) fn on_skip(&self, start: NaiveDate, d: NaiveDate) -> bool {
        self.skip <= 1 || d.signed_duration_since(start).num_days() % i64::from(self.skip) == 0
    }
}

/// The local wall clock at Unix time `t`.
/// `spans` minus `cut` (both sorted and disjoint).
pub(super) fn subtract(spans: &[Span], cut: &[Span]) -> Vec<Span> {
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
pub(super) fn normalize(mut spans: Vec<Span>) -> Vec<Span> {
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

pub(super) fn shift_month(y: i32, m: u32, delta: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + delta;
    (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1)
}

pub(super) fn days_in_month(y: i32, m: u32) -> Option<u32> {
    let (ny, nm) = shift_month(y, m, 1);
    let next = NaiveDate::from_ymd_opt(ny, nm, 1)?;
    Some(next.pred_opt()?.day())
}

/// Day `day` of month `m` of year `y`: positive counts from the 1st, negative from the
/// end (`-1` = last day). A start that does not exist gives `None`; an end past the
/// month's last day (or `0`) is clamped to the last day, a negative end before the
/// 1st gives `None` (Nagios rules).
pub(super) fn month_day(y: i32, m: u32, day: i32, is_end: bool) -> Option<NaiveDate> {
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
pub(super) fn nth_weekday(
    y: i32,
    m: u32,
    wd: Weekday,
    off: i32,
    is_end: bool,
) -> Option<NaiveDate> {
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
