//! Unit and property tests of time periods (parsing, evaluation, search).

use super::*;
use chrono::{TimeZone, Utc};

fn utc() -> Zone {
    Zone::utc()
}

/// Central European Time with EU DST rules.
fn cet() -> Zone {
    Zone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
}
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
    p.contains(&utc(), t, &[])
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
        assert_eq!(p.next_valid(&utc(), t, &[]), Some(t));
    }
    assert_eq!(p.next_invalid(&utc(), 0, &[]), None);
}

#[test]
fn out_of_range_instants_are_outside() {
    let p = tp(&["monday 09:00-17:00", "2024-12-25 00:00-00:00"]);
    assert!(!p.contains(&utc(), i64::MAX, &[]));
    assert_eq!(p.next_valid(&utc(), i64::MAX, &[]), None);
    assert_eq!(p.next_valid(&utc(), i64::MIN, &[]), None);
}

#[test]
fn fixed_offset_zone_uses_local_wall_clock() {
    let p = tp(&["monday 09:00-17:00"]);
    let plus2 = Zone::fixed(2 * 3600).unwrap();
    // 07:00 UTC is 09:00 at +02:00.
    assert!(p.contains(&plus2, at(2024, 1, 1, 7, 0, 0), &[]));
    assert!(!p.contains(&plus2, at(2024, 1, 1, 6, 59, 59), &[]));
    assert!(!p.contains(&plus2, at(2024, 1, 1, 15, 0, 0), &[]));
    // Sunday 23:00 UTC is already Monday 01:00 at +02:00: not in 09-17 yet.
    assert_eq!(
        p.next_valid(&plus2, at(2023, 12, 31, 23, 0, 0), &[]),
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
        q.next_valid(&utc(), at(2024, 12, 25, 0, 0, 0), &[]),
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
            p.next_valid(&utc(), at(2024, m, d, 12, 0, 0), &[]),
            Some(at(2024, m, d, 0, 0, 0) + 86_400)
        );
    }
    assert!(inside(&p, at(2024, 11, 21, 12, 0, 0)));
    assert!(inside(&p, at(2024, 5, 20, 12, 0, 0)));
    // The holidays period alone has no valid time at all.
    let h = tp(&["january 1 00:00-00:00", "december 25 00:00-00:00"]);
    assert_eq!(h.next_valid(&utc(), 0, &[]), None);
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
    assert!(!work.contains(&utc(), at(2024, 1, 1, 12, 30, 0), &all));
    assert!(work.contains(&utc(), at(2024, 1, 2, 12, 30, 0), &all));
    assert_eq!(
        work.next_valid(&utc(), at(2024, 1, 1, 12, 0, 0), &all),
        Some(at(2024, 1, 1, 13, 0, 0))
    );
    assert_eq!(
        work.next_invalid(&utc(), at(2024, 1, 2, 9, 0, 0), &all),
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
        all[0].next_valid(&utc(), at(2024, 1, 1, 17, 0, 0), &all),
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
    let _ = all[3].contains(&utc(), at(2024, 1, 1, 9, 0, 0), &all);
    let _ = all[0].next_valid(&utc(), at(2024, 1, 1, 9, 0, 0), &all);

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
    assert_eq!(p.next_valid(&utc(), t, &[]), Some(t));
    // Same day, before the range.
    assert_eq!(
        p.next_valid(&utc(), at(2024, 1, 1, 3, 0, 0), &[]),
        Some(at(2024, 1, 1, 9, 0, 0))
    );
    // At the exclusive end: Wednesday.
    assert_eq!(
        p.next_valid(&utc(), at(2024, 1, 1, 17, 0, 0), &[]),
        Some(at(2024, 1, 3, 0, 0, 0))
    );
    // Across the weekend into next week.
    assert_eq!(
        p.next_valid(&utc(), at(2024, 1, 3, 1, 0, 0), &[]),
        Some(at(2024, 1, 8, 9, 0, 0))
    );
    // next_invalid.
    assert_eq!(
        p.next_invalid(&utc(), at(2024, 1, 1, 10, 0, 0), &[]),
        Some(at(2024, 1, 1, 17, 0, 0))
    );
    let t = at(2024, 1, 2, 10, 0, 0);
    assert_eq!(p.next_invalid(&utc(), t, &[]), Some(t));
}

#[test]
fn next_valid_joins_days_and_far_rules() {
    // A 24:00 end joined with a 00:00 start on the next day.
    let p = tp(&["monday 22:00-24:00", "tuesday 00:00-02:00"]);
    assert_eq!(
        p.next_invalid(&utc(), at(2024, 1, 1, 23, 0, 0), &[]),
        Some(at(2024, 1, 2, 2, 0, 0))
    );
    // Leap day: found almost four years ahead.
    let p = tp(&["february 29 05:00-06:00"]);
    assert_eq!(
        p.next_valid(&utc(), at(2024, 3, 1, 0, 0, 0), &[]),
        Some(at(2028, 2, 29, 5, 0, 0))
    );
}

#[test]
fn next_valid_none() {
    assert_eq!(tp(&[]).next_valid(&utc(), 0, &[]), None);
    assert_eq!(tp(&["monday 00:00-00:00"]).next_valid(&utc(), 0, &[]), None);
    let past = tp(&["2020-01-01 00:00-24:00"]);
    assert_eq!(past.next_valid(&utc(), at(2024, 1, 1, 0, 0, 0), &[]), None);
    let all = vec![
        tp_ex("x", &["monday 09:00-10:00"], &[1]),
        tp_ex("y", &["monday 00:00-24:00"], &[]),
    ];
    assert_eq!(
        all[0].next_valid(&utc(), at(2024, 1, 1, 0, 0, 0), &all),
        None
    );
}

// ---------------------------------------------------------------- DST

/// A Central-European-like zone: UTC+1, UTC+2 from the last Sunday of March 01:00
/// UTC to the last Sunday of October 01:00 UTC.
#[test]
fn dst_gap_start_moves_to_transition() {
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    let p = tp(&["sunday 02:30-03:30"]);
    let v = p.next_valid(&cet(), at(2024, 3, 30, 12, 0, 0), &[]);
    assert_eq!(v, Some(at(2024, 3, 31, 1, 0, 0)));
    assert!(p.contains(&cet(), at(2024, 3, 31, 1, 0, 0), &[]));
    assert!(!p.contains(&cet(), at(2024, 3, 31, 0, 59, 59), &[]));
    assert!(!p.contains(&cet(), at(2024, 3, 31, 1, 30, 0), &[]));
    // A range entirely inside the gap does not exist that day.
    let q = tp(&["sunday 02:10-02:50"]);
    assert_eq!(
        q.next_valid(&cet(), at(2024, 3, 30, 12, 0, 0), &[]),
        Some(at(2024, 4, 7, 0, 10, 0))
    );
    // next_invalid when the range end is in the gap.
    let r = tp(&["sunday 01:00-02:30"]);
    assert_eq!(
        r.next_invalid(&cet(), at(2024, 3, 31, 0, 30, 0), &[]),
        Some(at(2024, 3, 31, 1, 0, 0))
    );
}

#[test]
fn dst_fold_both_occurrences_count() {
    // 2024-10-27: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
    let p = tp(&["sunday 02:15-02:45"]);
    assert_eq!(
        p.next_valid(&cet(), at(2024, 10, 27, 0, 0, 0), &[]),
        Some(at(2024, 10, 27, 0, 15, 0))
    );
    assert_eq!(
        p.next_valid(&cet(), at(2024, 10, 27, 0, 50, 0), &[]),
        Some(at(2024, 10, 27, 1, 15, 0))
    );
    assert!(p.contains(&cet(), at(2024, 10, 27, 0, 30, 0), &[]));
    assert!(p.contains(&cet(), at(2024, 10, 27, 1, 30, 0), &[]));
    assert_eq!(
        p.next_invalid(&cet(), at(2024, 10, 27, 0, 30, 0), &[]),
        Some(at(2024, 10, 27, 0, 45, 0))
    );
    // A range that only partly overlaps the repeated hour: after its first pass,
    // the wall clock re-enters it exactly at the transition.
    let q = tp(&["sunday 01:30-02:30"]);
    assert_eq!(
        q.next_valid(&cet(), at(2024, 10, 27, 0, 50, 0), &[]),
        Some(at(2024, 10, 27, 1, 0, 0))
    );
    assert_eq!(
        q.next_invalid(&cet(), at(2024, 10, 27, 1, 0, 0), &[]),
        Some(at(2024, 10, 27, 1, 30, 0))
    );
    // A one-off date: the second pass is the only one left.
    let r = tp(&["2024-10-27 02:15-02:45"]);
    assert_eq!(
        r.next_valid(&cet(), at(2024, 10, 27, 0, 50, 0), &[]),
        Some(at(2024, 10, 27, 1, 15, 0))
    );
    assert_eq!(r.next_valid(&cet(), at(2024, 10, 27, 1, 45, 0), &[]), None);
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

fn check_props(tz: &Zone, all: &[Timeperiod], t: i64, fracs: &[u16]) {
    let p = &all[0];
    let c = |x: i64| p.contains(tz, x, all);
    match p.next_valid(tz, t, all) {
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
    match p.next_invalid(tz, t, all) {
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
            0 => check_props(&utc(), &all, t, &fracs),
            1 => check_props(&Zone::fixed(-(5 * 3600 + 1800)).unwrap(), &all, t, &fracs),
            _ => check_props(&cet(), &all, t, &fracs),
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
        check_props(&cet(), &all, base + delta, &fracs);
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
