//! Local-time formatting for `$LONGDATETIME$`, `$SHORTDATETIME$`, `$DATE$` and
//! `$TIME$`, in the formats Nagios' `get_datetime_string` produces for each
//! `date_format` (`us`, `euro`, `iso8601`, `strict-iso8601`), in the time zone the
//! context carries (read from the system by the runner, as Nagios's `localtime_r`
//! does), with its abbreviation.

use std::fmt::{self, Write};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Broken-down local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalTm {
    pub(crate) year: i64,
    /// 1..=12
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) min: u32,
    pub(crate) sec: u32,
    /// 0 = Sunday
    pub(crate) wday: u32,
    /// Zone abbreviation (`UTC`, `CET`...).
    pub(crate) zone: String,
}

/// Converts Unix time `t` to local time in `zone` (`None` out of range).
pub(crate) fn local(zone: &vigil_config::zone::Zone, t: i64) -> Option<LocalTm> {
    use chrono::{Datelike, Timelike};
    let l = zone.to_local(t)?;
    let w = l.wall;
    Some(LocalTm {
        year: i64::from(w.year()),
        month: w.month(),
        day: w.day(),
        hour: w.hour(),
        min: w.minute(),
        sec: w.second(),
        wday: w.weekday().num_days_from_sunday(),
        zone: l.abbreviation,
    })
}

impl LocalTm {
    /// `Wed Nov 25 22:06:20 UTC 2026` (day not padded).
    pub(crate) fn write_long(&self, out: &mut String) -> fmt::Result {
        let wday = WEEKDAYS.get(self.wday as usize).copied().unwrap_or("???");
        let month = MONTHS
            .get(self.month.wrapping_sub(1) as usize)
            .copied()
            .unwrap_or("???");
        write!(
            out,
            "{wday} {month} {} {:02}:{:02}:{:02} {} {}",
            self.day, self.hour, self.min, self.sec, self.zone, self.year
        )
    }

    /// Date and time per `date_format`.
    pub(crate) fn write_short(&self, out: &mut String, date_format: &str) -> fmt::Result {
        self.write_date(out, date_format)?;
        out.push(if date_format == "strict-iso8601" {
            'T'
        } else {
            ' '
        });
        self.write_time(out)
    }

    /// Date per `date_format`: us `MM-DD-YYYY`, euro `DD-MM-YYYY`, iso8601 and
    /// strict-iso8601 `YYYY-MM-DD`. Unknown formats are `us` (the Nagios default).
    pub(crate) fn write_date(&self, out: &mut String, date_format: &str) -> fmt::Result {
        match date_format {
            "euro" => write!(out, "{:02}-{:02}-{}", self.day, self.month, self.year),
            "iso8601" | "strict-iso8601" => {
                write!(out, "{}-{:02}-{:02}", self.year, self.month, self.day)
            }
            _ => write!(out, "{:02}-{:02}-{}", self.month, self.day, self.year),
        }
    }

    /// `HH:MM:SS`.
    pub(crate) fn write_time(&self, out: &mut String) -> fmt::Result {
        write!(out, "{:02}:{:02}:{:02}", self.hour, self.min, self.sec)
    }
}
