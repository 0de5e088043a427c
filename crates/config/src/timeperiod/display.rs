//! A period's time directives written back as Nagios writes them in
//! objects.cache: exceptions by precedence class (in definition order within a
//! class), then the weekday lines from Sunday, each range list sorted.

use super::*;
use chrono::{Datelike, Weekday};

fn weekday_name(wd: Weekday) -> &'static str {
    WEEKDAYS
        .iter()
        .find(|(_, w)| *w == wd)
        .map(|(n, _)| *n)
        .unwrap_or("sunday")
}

fn month_name(m: u32) -> &'static str {
    MONTHS
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("january")
}

fn ranges(spans: &[Span]) -> String {
    let hm = |s: u32| format!("{:02}:{:02}", s / 3600, s / 60 % 60);
    spans
        .iter()
        .map(|&(a, b)| format!("{}-{}", hm(a), hm(b)))
        .collect::<Vec<_>>()
        .join(",")
}

fn date(d: NaiveDate) -> String {
    format!("{}-{:02}-{:02}", d.year(), d.month(), d.day())
}

fn days(spec: &DaySpec) -> String {
    match *spec {
        DaySpec::Calendar { start, end } => match end {
            Some(e) if e != start => format!("{} - {}", date(start), date(e)),
            _ => date(start),
        },
        DaySpec::MonthDate {
            smon,
            sday,
            emon,
            eday,
        } => {
            let s = format!("{} {sday}", month_name(smon));
            if (smon, sday) == (emon, eday) {
                s
            } else {
                format!("{s} - {} {eday}", month_name(emon))
            }
        }
        DaySpec::MonthDay { sday, eday } => {
            if sday == eday {
                format!("day {sday}")
            } else {
                format!("day {sday} - {eday}")
            }
        }
        DaySpec::MonthWeekday {
            smon,
            swd,
            soff,
            emon,
            ewd,
            eoff,
        } => {
            let s = format!("{} {soff} {}", weekday_name(swd), month_name(smon));
            if (smon, swd, soff) == (emon, ewd, eoff) {
                s
            } else {
                format!("{s} - {} {eoff} {}", weekday_name(ewd), month_name(emon))
            }
        }
        DaySpec::Weekday {
            swd,
            soff,
            ewd,
            eoff,
        } => {
            let s = format!("{} {soff}", weekday_name(swd));
            if (swd, soff) == (ewd, eoff) {
                s
            } else {
                format!("{s} - {} {eoff}", weekday_name(ewd))
            }
        }
    }
}

impl Timeperiod {
    /// The time directives as `(directive, ranges)` pairs in Nagios's
    /// objects.cache order (without name, alias and exclude).
    pub fn directive_lines(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for e in &self.rules.exceptions {
            let mut d = days(&e.days);
            if e.skip > 1 {
                d = format!("{d} / {}", e.skip);
            }
            out.push((d, ranges(&e.spans)));
        }
        for (i, spans) in self.rules.weekdays.iter().enumerate() {
            if !spans.is_empty() {
                out.push((WEEKDAYS[i].0.to_string(), ranges(spans)));
            }
        }
        out
    }
}
