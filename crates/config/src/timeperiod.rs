//! Time periods: the full Nagios time-range syntax (weekdays, dated and relative
//! exceptions, `exclude`) and the two questions the scheduler asks: is a moment
//! inside the period, and when is the next moment that is.

use crate::model::TimeperiodId;
use crate::Location;

#[derive(Debug, Clone)]
pub struct Timeperiod {
    pub name: String,
    pub alias: String,
    pub exclude: Vec<TimeperiodId>,
    pub location: Location,
    // The parsed rules are private to this module (filled by the parser).
}

impl Timeperiod {
    /// Is the Unix time `t` (seconds) inside this period, in the local time zone?
    /// `all` gives access to excluded periods.
    pub fn contains(&self, t: i64, all: &[Timeperiod]) -> bool {
        let _ = (t, all);
        todo!()
    }

    /// The first time >= `t` inside the period, or `None` if there is none within a year.
    pub fn next_valid(&self, t: i64, all: &[Timeperiod]) -> Option<i64> {
        let _ = (t, all);
        todo!()
    }
}
