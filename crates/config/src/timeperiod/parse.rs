//! The grammar of time period directives: weekday lines, dated and relative
//! exceptions with ranges and skips, and `HH:MM-HH:MM` lists.

use super::*;
use chrono::Weekday;

/// One parsed time directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Directive {
    Weekday(Weekday, Vec<Span>),
    Exception(Exception),
}

pub(super) const WEEKDAYS: [(&str, Weekday); 7] = [
    ("sunday", Weekday::Sun),
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
];

pub(super) const MONTHS: [&str; 12] = [
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

pub(super) fn weekday_named(s: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| *n == s).map(|&(_, w)| w)
}

pub(super) fn month_named(s: &str) -> Option<u32> {
    MONTHS.iter().position(|n| *n == s).map(|i| i as u32 + 1)
}

/// What a day/month word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Name {
    Weekday(Weekday),
    Month(u32),
    Day,
}

pub(super) fn classify(word: &str) -> Result<Name, TimeperiodError> {
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
pub(super) struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Cursor {
            s: s.as_bytes(),
            pos: 0,
        }
    }

    pub(super) fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    pub(super) fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.s.len()
    }

    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn rest(&self) -> String {
        String::from_utf8_lossy(&self.s[self.pos.min(self.s.len())..]).into_owned()
    }

    /// A run of ASCII letters.
    pub(super) fn word(&mut self) -> Option<String> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_alphabetic() {
            self.pos += 1;
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    /// 1..=`max` digits, no sign.
    pub(super) fn digits(&mut self, max: usize) -> Option<i32> {
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
    pub(super) fn int(&mut self) -> Option<i32> {
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
    pub(super) fn date(&mut self) -> Option<(i32, i32, i32)> {
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

pub(super) fn syntax(msg: impl Into<String>) -> TimeperiodError {
    TimeperiodError::Syntax(msg.into())
}

/// A calendar date the way `mktime` normalises it: month 13 is January of the next
/// year, day 0 the last day of the previous month, `02-30` is March 1st or 2nd.
pub(super) fn normalized_date(y: i32, m: i32, d: i32) -> Option<NaiveDate> {
    let (ny, nm) = shift_month(y, 1, m - 1);
    let first = NaiveDate::from_ymd_opt(ny, nm, 1)?;
    if d >= 1 {
        first.checked_add_days(chrono::Days::new(d as u64 - 1))
    } else {
        first.checked_sub_days(chrono::Days::new((1 - d) as u64))
    }
}

/// Parses `HH:MM-HH:MM[,HH:MM-HH:MM...]`.
pub(super) fn parse_spans(s: &str) -> Result<Vec<Span>, TimeperiodError> {
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
pub(super) fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let ok = |p: &str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|c| c.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    Some(h.parse::<u32>().ok()? * 3600 + m.parse::<u32>().ok()? * 60)
}

/// The end of a relative range after `-`: either a bare number (same name as the
/// start) or `NAME N [MONTH]`.
pub(super) struct RangeEnd {
    name: Option<Name>,
    off: i32,
    month: Option<u32>,
}

/// Parses one time directive: `word` is its first word, `rest` the remainder.
pub(super) fn parse_directive(word: &str, rest: &str) -> Result<Directive, TimeperiodError> {
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

pub(super) fn parse_range_end(c: &mut Cursor<'_>) -> Result<RangeEnd, TimeperiodError> {
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
pub(super) fn parse_skip(c: &mut Cursor<'_>) -> Result<u32, TimeperiodError> {
    if !c.eat(b'/') {
        return Ok(1);
    }
    let n = c
        .int()
        .ok_or_else(|| syntax(format!("expected a number after '/' at '{}'", c.rest())))?;
    Ok(if n > 1 { n as u32 } else { 1 })
}
