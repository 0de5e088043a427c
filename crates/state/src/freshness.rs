//! Freshness of check results (checks-and-states.md §7): whether the latest result of
//! a host or service is older than its freshness threshold, computed the way Nagios
//! 4.4.6 does it (`is_service_result_fresh` / `is_host_result_fresh`). Pure: times are arguments, whole seconds as Nagios
//! uses (`time_t`).

use crate::{CheckType, ObjectState, StateType, Status};

/// What the freshness test needs besides the object's status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreshnessParams {
    /// The object's `freshness_threshold` (0: computed).
    pub threshold: u64,
    /// Current check_interval × interval_length, seconds.
    pub check_interval: f64,
    /// Current retry_interval × interval_length, seconds.
    pub retry_interval: f64,
    /// `additional_freshness_latency`, seconds.
    pub additional_latency: u64,
    /// Whether active checks of the object are enabled.
    pub active_checks_enabled: bool,
    /// `max_service_check_spread` (or `max_host_check_spread`) × interval_length.
    pub check_spread: f64,
    /// When the engine's event loop started (Nagios's `event_start`).
    pub event_start: i64,
    /// When the previous engine run in this process stopped (0 if none).
    pub last_program_stop: i64,
}

/// The verdict of [`freshness`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Fresh enough.
    Fresh,
    /// Stale: a check is to be forced.
    Stale {
        /// Seconds past the threshold.
        by: i64,
        /// The threshold that was used.
        threshold: i64,
    },
}

/// The threshold Nagios uses: the configured one, or the check interval (retry interval
/// for a SOFT problem) plus the last latency plus `additional_freshness_latency`,
/// truncated to whole seconds.
pub fn threshold<S: ObjectState>(st: &Status<S>, p: &FreshnessParams) -> i64 {
    if p.threshold != 0 {
        return i64::try_from(p.threshold).unwrap_or(i64::MAX);
    }
    let interval = if st.state_type == StateType::Hard || st.current_state.is_ok() {
        p.check_interval
    } else {
        p.retry_interval
    };
    (interval + st.latency + p.additional_latency as f64) as i64
}

/// Whether the latest result of `st` is fresh at `now` (whole seconds).
pub fn freshness<S: ObjectState>(st: &Status<S>, p: &FreshnessParams, now: i64) -> Freshness {
    let threshold = threshold(st, p);
    let last_check = st.last_check.floor() as i64;
    let mut expires = if !st.has_been_checked {
        p.event_start.saturating_add(threshold)
    } else if p.active_checks_enabled && p.event_start > last_check && p.threshold == 0 {
        // Active checks may be stale right after start-up, but get the spread first.
        (p.event_start as f64 + threshold as f64 + p.check_spread) as i64
    } else {
        last_check.saturating_add(threshold)
    };
    // A passive result from before a long stop counts from the start, so that a
    // restart does not flood the log with stale warnings.
    if st.check_type == CheckType::Passive
        && last_check < p.event_start
        && (p.event_start - p.last_program_stop) as f64 > threshold as f64 * 0.618
    {
        expires = p.event_start.saturating_add(threshold);
    }
    if expires < now {
        Freshness::Stale {
            by: now - expires,
            threshold,
        }
    } else {
        Freshness::Fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HostState, ServiceState};

    fn params() -> FreshnessParams {
        FreshnessParams {
            threshold: 0,
            check_interval: 60.0,
            retry_interval: 10.0,
            additional_latency: 15,
            active_checks_enabled: false,
            check_spread: 30.0,
            event_start: 1_000,
            last_program_stop: 0,
        }
    }

    fn checked(last_check: f64, check_type: CheckType) -> Status<ServiceState> {
        let mut st = Status::initial(ServiceState::Ok);
        st.has_been_checked = true;
        st.last_check = last_check;
        st.check_type = check_type;
        st.latency = 0.7;
        st
    }

    #[test]
    fn computed_threshold_uses_the_interval_of_the_state_latency_and_the_extra() {
        let mut st = checked(2_000.0, CheckType::Active);
        assert_eq!(threshold(&st, &params()), 75); // 60 + 0.7 + 15, truncated
        st.current_state = ServiceState::Critical;
        st.state_type = StateType::Soft;
        assert_eq!(threshold(&st, &params()), 25); // retry interval for a SOFT problem
        st.state_type = StateType::Hard;
        assert_eq!(threshold(&st, &params()), 75);
        let p = FreshnessParams {
            threshold: 300,
            ..params()
        };
        assert_eq!(threshold(&st, &p), 300);
    }

    #[test]
    fn stale_only_after_the_expiry_second() {
        let st = checked(2_000.9, CheckType::Active);
        let p = FreshnessParams {
            threshold: 100,
            ..params()
        };
        assert_eq!(freshness(&st, &p, 2_100), Freshness::Fresh);
        assert_eq!(
            freshness(&st, &p, 2_101),
            Freshness::Stale {
                by: 1,
                threshold: 100
            }
        );
    }

    #[test]
    fn never_checked_counts_from_the_start() {
        let st = Status::initial(HostState::Up);
        let p = FreshnessParams {
            threshold: 5,
            ..params()
        };
        assert_eq!(freshness(&st, &p, 1_005), Freshness::Fresh);
        assert_eq!(
            freshness(&st, &p, 1_007),
            Freshness::Stale {
                by: 2,
                threshold: 5
            }
        );
    }

    #[test]
    fn active_results_from_before_the_start_get_the_check_spread() {
        let st = checked(900.0, CheckType::Active);
        let p = FreshnessParams {
            active_checks_enabled: true,
            ..params()
        };
        // 1000 + 75 + 30
        assert_eq!(freshness(&st, &p, 1_105), Freshness::Fresh);
        assert!(matches!(
            freshness(&st, &p, 1_106),
            Freshness::Stale { by: 1, .. }
        ));
        // With a configured threshold the last check counts.
        let p = FreshnessParams { threshold: 50, ..p };
        assert!(matches!(
            freshness(&st, &p, 951),
            Freshness::Stale { by: 1, .. }
        ));
    }

    #[test]
    fn passive_results_from_before_a_long_stop_count_from_the_start() {
        let st = checked(100.0, CheckType::Passive);
        let p = FreshnessParams {
            threshold: 60,
            ..params()
        };
        assert_eq!(freshness(&st, &p, 1_060), Freshness::Fresh);
        // A quick restart (stopped 10 s before the start) keeps the last check.
        let p = FreshnessParams {
            last_program_stop: 990,
            ..p
        };
        assert!(matches!(
            freshness(&st, &p, 1_060),
            Freshness::Stale { by: 900, .. }
        ));
    }
}
