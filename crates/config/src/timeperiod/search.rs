//! From wall-clock answers to instants: the search for the next valid or
//! invalid instant walks stretches of constant UTC offset of a [`Zone`], so
//! DST gaps and folds are handled (see the module documentation of
//! [`crate::timeperiod`]).

use super::*;

pub(super) fn date_at(date: NaiveDate, secs: u32) -> Option<NaiveDateTime> {
    date.and_hms_opt(secs / 3600, secs / 60 % 60, secs % 60)
}

/// The first instant >= `t` whose wall clock satisfies a wall-clock search.
///
/// `find(w)` returns the first wall-clock moment >= `w` with the wanted property. The
/// time line is cut into stretches of constant UTC offset; inside one stretch the
/// wall clock is `instant + offset`, so the wall-clock answer maps back directly.
/// When a DST transition lies before that answer, the search restarts at the
/// transition with the new offset (this handles gaps, where the answer does not
/// exist, and folds, where the wall clock goes back and may meet the period again).
pub(super) fn next_instant(
    zone: &Zone,
    t: i64,
    find: impl Fn(NaiveDateTime) -> Option<NaiveDateTime>,
) -> Option<i64> {
    let limit = t.checked_add(SEARCH_HORIZON_DAYS as i64 * i64::from(DAY_SECS))?;
    let mut s = t;
    while s <= limit {
        let o = i64::from(zone.offset_at(s)?);
        let wall = zone.wall_clock(s)?;
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
        match zone.next_transition(s).filter(|&e| e <= c) {
            None => return found,
            Some(e) => s = e,
        }
    }
    None
}
