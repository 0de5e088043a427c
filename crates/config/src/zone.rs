//! The time zone, as a value: built from TZif bytes (what `/etc/localtime` or
//! `/usr/share/zoneinfo/$TZ` holds; the caller reads them, this crate never
//! does), from a POSIX `TZ` string, or as UTC / a fixed offset for tests.
//!
//! It answers the two questions timeperiods and date macros ask: the local
//! civil time (and zone abbreviation, for `$LONGDATETIME$`) of an instant, and
//! the instant of a local civil time. For the second, a civil time inside a DST
//! gap or fold is resolved as glibc's `mktime` does with `tm_isdst = -1`: a time
//! in a gap is read with the offset before the gap (so it lands that much after
//! the transition), a time in a fold is the earlier of its two instants.
//!
//! TZif parsing and the conversions are jiff's (`jiff::tz::TimeZone`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// A time zone.
#[derive(Debug, Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

/// Why a zone could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZoneError {
    /// The TZif data (or POSIX TZ string) is not valid.
    #[error("time zone '{name}': {reason}")]
    Invalid {
        /// The name given for the zone.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A fixed offset beyond ±25:59:59.
    #[error("UTC offset of {0} seconds is out of range (at most 25:59:59 either way)")]
    OffsetOutOfRange(i32),
}

/// The local civil time of an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalTime {
    /// Date and wall-clock time.
    pub wall: NaiveDateTime,
    /// Seconds east of UTC in effect.
    pub offset_secs: i32,
    /// The zone abbreviation (`CET`, `CEST`, `UTC`, `+0530`...).
    pub abbreviation: String,
    /// Whether daylight saving time is in effect.
    pub dst: bool,
}

impl Zone {
    /// A zone from the bytes of a TZif file (versions 1 to 4). `name` is how it
    /// is called (e.g. `Europe/Berlin` or `/etc/localtime`).
    pub fn from_tzif(name: &str, bytes: &[u8]) -> Result<Zone, ZoneError> {
        TimeZone::tzif(name, bytes)
            .map(|tz| Zone {
                name: name.to_string(),
                tz,
            })
            .map_err(|e| ZoneError::Invalid {
                name: name.to_string(),
                reason: e.to_string(),
            })
    }

    /// A zone from a POSIX `TZ` rule such as `CET-1CEST,M3.5.0,M10.5.0/3`
    /// (what `TZ` may hold instead of a zone name).
    pub fn from_posix(rule: &str) -> Result<Zone, ZoneError> {
        TimeZone::posix(rule)
            .map(|tz| Zone {
                name: rule.to_string(),
                tz,
            })
            .map_err(|e| ZoneError::Invalid {
                name: rule.to_string(),
                reason: e.to_string(),
            })
    }

    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".to_string(),
            tz: TimeZone::UTC,
        }
    }

    /// A zone `offset_secs` east of UTC all year round.
    pub fn fixed(offset_secs: i32) -> Result<Zone, ZoneError> {
        let off = Offset::from_seconds(offset_secs)
            .map_err(|_| ZoneError::OffsetOutOfRange(offset_secs))?;
        Ok(Zone {
            name: off.to_string(),
            tz: TimeZone::fixed(off),
        })
    }

    /// The name the zone was built with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Seconds east of UTC in effect at Unix time `t` (`None` beyond the years
    /// -9999..=9999).
    pub fn offset_at(&self, t: i64) -> Option<i32> {
        let ts = Timestamp::from_second(t).ok()?;
        Some(self.tz.to_offset(ts).seconds())
    }

    /// The local wall-clock time at Unix time `t`.
    pub fn wall_clock(&self, t: i64) -> Option<NaiveDateTime> {
        let ts = Timestamp::from_second(t).ok()?;
        to_naive(self.tz.to_datetime(ts))
    }

    /// `t` as C's `ctime` shows it in this zone, without the newline
    /// (`Thu Dec  3 14:33:17 2026`); empty when out of range.
    pub fn ctime(&self, t: i64) -> String {
        use chrono::{Datelike, Timelike};
        const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        match self.wall_clock(t) {
            Some(w) => format!(
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                WEEKDAYS[w.weekday().num_days_from_sunday() as usize],
                MONTHS[w.month0() as usize],
                w.day(),
                w.hour(),
                w.minute(),
                w.second(),
                w.year()
            ),
            None => String::new(),
        }
    }

    /// Local civil time, offset, abbreviation and DST flag at Unix time `t`.
    pub fn to_local(&self, t: i64) -> Option<LocalTime> {
        let ts = Timestamp::from_second(t).ok()?;
        let info = self.tz.to_offset_info(ts);
        Some(LocalTime {
            wall: to_naive(self.tz.to_datetime(ts))?,
            offset_secs: info.offset().seconds(),
            abbreviation: info.abbreviation().to_string(),
            dst: info.dst().is_dst(),
        })
    }

    /// The Unix time of local civil time `w`, as `mktime` with `tm_isdst = -1`
    /// computes it (see the module documentation for gaps and folds).
    pub fn from_local(&self, w: NaiveDateTime) -> Option<i64> {
        let dt = from_naive(w)?;
        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        Some(ts.as_second())
    }

    /// The first instant after `t` at which the UTC offset changes, if any.
    pub fn next_transition(&self, t: i64) -> Option<i64> {
        let ts = Timestamp::from_second(t).ok()?;
        let here = self.tz.to_offset(ts);
        self.tz
            .following(ts)
            .take(64)
            .find(|tr| tr.offset() != here)
            .map(|tr| tr.timestamp().as_second())
    }
}

fn to_naive(dt: jiff::civil::DateTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(
        i32::from(dt.year()),
        u32::try_from(dt.month()).ok()?,
        u32::try_from(dt.day()).ok()?,
    )?
    .and_hms_opt(
        u32::try_from(dt.hour()).ok()?,
        u32::try_from(dt.minute()).ok()?,
        u32::try_from(dt.second()).ok()?,
    )
}

fn from_naive(w: NaiveDateTime) -> Option<jiff::civil::DateTime> {
    jiff::civil::DateTime::new(
        i16::try_from(w.year()).ok()?,
        i8::try_from(w.month()).ok()?,
        i8::try_from(w.day()).ok()?,
        i8::try_from(w.hour()).ok()?,
        i8::try_from(w.minute()).ok()?,
        i8::try_from(w.second()).ok()?,
        0,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    fn cet() -> Zone {
        Zone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
    }

    #[test]
    fn utc_and_fixed() {
        let u = Zone::utc();
        assert_eq!(u.wall_clock(0), Some(naive(1970, 1, 1, 0, 0, 0)));
        assert_eq!(u.to_local(0).unwrap().abbreviation, "UTC");
        let f = Zone::fixed(5 * 3600 + 1800).unwrap();
        assert_eq!(f.wall_clock(0), Some(naive(1970, 1, 1, 5, 30, 0)));
        assert_eq!(f.from_local(naive(1970, 1, 1, 5, 30, 0)), Some(0));
        assert_eq!(f.next_transition(0), None);
        assert!(Zone::fixed(26 * 3600).is_err());
        assert!(u.wall_clock(i64::MAX).is_none());
    }

    #[test]
    fn dst_abbreviations_gap_and_fold_as_mktime() {
        let z = cet();
        // 2024-03-31 01:00 UTC: 02:00 CET becomes 03:00 CEST.
        let t = 1_711_846_800;
        assert_eq!(z.next_transition(t - 10), Some(t));
        let before = z.to_local(t - 1).unwrap();
        assert_eq!((before.abbreviation.as_str(), before.dst), ("CET", false));
        let after = z.to_local(t).unwrap();
        assert_eq!(
            (after.abbreviation.as_str(), after.offset_secs),
            ("CEST", 7200)
        );
        // 02:30 does not exist: mktime reads it with the old offset (+1),
        // i.e. 01:30 UTC = 03:30 CEST.
        assert_eq!(z.from_local(naive(2024, 3, 31, 2, 30, 0)), Some(t + 1800));
        // 2024-10-27 02:30 happens twice: the earlier (CEST) one.
        assert_eq!(
            z.from_local(naive(2024, 10, 27, 2, 30, 0)),
            Some(1_729_989_000)
        );
    }

    #[test]
    fn bad_tzif_is_an_error() {
        assert!(matches!(
            Zone::from_tzif("x", b"not a tzif file"),
            Err(ZoneError::Invalid { .. })
        ));
    }

    proptest::proptest! {
        /// Any bytes: a zone or an error, never a panic; any instant and any
        /// civil time convert (or give None) without panicking.
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                        t in proptest::prelude::any::<i64>(),
                        off in proptest::prelude::any::<i32>()) {
            let mut tzif = b"TZif2".to_vec();
            tzif.extend(&bytes);
            for z in [Zone::from_tzif("x", &bytes).ok(), Zone::from_tzif("x", &tzif).ok(),
                      Zone::fixed(off).ok(), Some(cet())].into_iter().flatten() {
                let _ = z.to_local(t);
                let _ = z.next_transition(t);
                if let Some(w) = z.wall_clock(t) {
                    let back = z.from_local(w);
                    // Outside gaps and folds the round trip is exact.
                    if z.next_transition(t - 86_400).is_none_or(|e| e > t + 86_400) {
                        proptest::prop_assert_eq!(back, Some(t));
                    }
                }
            }
        }
    }
}
