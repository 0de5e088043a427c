//! Flap detection (spec checks-and-states.md §9): the 21-entry state history,
//! the weighted percent state change, start/stop decisions and the exact
//! `SERVICE/HOST FLAPPING ALERT` log lines of Nagios 4.4.6.
//!
//! The history is kept in [`Status::state_history`], oldest first, at most 21
//! entries; missing older entries count as state 0 (Nagios starts with a zeroed
//! history). A state is recorded when the object's `flap_detection_options`
//! contain it — even when flap detection itself is disabled (Nagios keeps
//! `percent_state_change` up to date); only STARTED/STOPPED need
//! [`FlapParams::enabled`].

use crate::{FlapChange, HostState, ObjectState, ServiceState, StateType, Status, Time};

/// Number of states kept (Nagios `MAX_STATE_HISTORY_ENTRIES`).
pub const MAX_STATE_HISTORY_ENTRIES: usize = 21;

/// Flap detection settings of one object, resolved by the engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlapParams {
    /// `enable_flap_detection` (global) && the object's `flap_detection_enabled`.
    pub enabled: bool,
    /// `flap_detection_options` as a bit per state id (services o=1 w=2 c=4 u=8,
    /// hosts o=1 d=2 u=4); only these states are recorded. All states: `0xff`.
    pub options: u8,
    /// Low threshold in percent (object value if > 0, else the global one).
    pub low: f64,
    /// High threshold in percent (object value if > 0, else the global one).
    pub high: f64,
}

impl FlapParams {
    /// Flap detection off, all states recorded, Nagios' compiled thresholds (20/30).
    pub fn disabled() -> Self {
        FlapParams {
            enabled: false,
            options: 0xff,
            low: 20.0,
            high: 30.0,
        }
    }
}

/// Appends a state to a history (oldest first), keeping at most 21 entries.
pub fn record_state(history: &mut Vec<u8>, state: u8) {
    history.push(state);
    if history.len() > MAX_STATE_HISTORY_ENTRIES {
        let excess = history.len() - MAX_STATE_HISTORY_ENTRIES;
        history.drain(..excess);
    }
}

/// Weighted percent state change of a history (oldest first; shorter histories
/// are padded with 0 at the old end): each of the 20 transitions between
/// consecutive entries that differ adds `0.75 + (i-1) * 0.5 / 19` (i = 1 oldest
/// .. 20 newest); the sum is scaled to percent by `* 100 / 20`.
pub fn percent_state_change(history: &[u8]) -> f64 {
    let n = MAX_STATE_HISTORY_ENTRIES;
    let recent = &history[history.len().saturating_sub(n)..];
    let pad = n - recent.len();
    let entry = |i: usize| if i < pad { 0 } else { recent[i - pad] };
    let mut changes = 0.0;
    for x in 1..n {
        if entry(x) != entry(x - 1) {
            changes += ((x - 1) as f64 * (1.25 - 0.75)) / ((n - 2) as f64) + 0.75;
        }
    }
    changes * 100.0 / ((n - 1) as f64)
}

fn wants(p: &FlapParams, state: u8) -> bool {
    state < 8 && p.options & (1u8 << state) != 0
}

/// Records (if `update` and the state is in the options), recomputes the percent
/// and decides STARTED/STOPPED. Returns the change when flapping started or stopped.
fn evaluate<S: ObjectState>(
    st: &mut Status<S>,
    p: &FlapParams,
    update: bool,
) -> Option<FlapChange> {
    let id = st.current_state.id();
    if update && wants(p, id) {
        record_state(&mut st.state_history, id);
    }
    let percent = percent_state_change(&st.state_history);
    st.percent_state_change = percent;
    if !p.enabled || (percent > p.low && percent < p.high) {
        return None;
    }
    let flapping = percent > p.low;
    if flapping && !st.is_flapping {
        st.is_flapping = true;
        Some(FlapChange::Started {
            percent,
            threshold: p.high,
        })
    } else if !flapping && st.is_flapping {
        st.is_flapping = false;
        Some(FlapChange::Stopped {
            percent,
            threshold: p.low,
        })
    } else {
        None
    }
}

/// Service flap check as done after a result (`update = true`) or after flap
/// detection was (re-)enabled (`update = false`: recompute only). A SOFT problem
/// state is neither recorded nor evaluated (only HARD states and soft recoveries
/// count). Returns the change if flapping started or stopped.
pub fn check_service_flapping(
    st: &mut Status<ServiceState>,
    p: &FlapParams,
    update: bool,
) -> Option<FlapChange> {
    if st.state_type == StateType::Soft && !st.current_state.is_ok() {
        return None;
    }
    evaluate(st, p, update)
}

/// Host flap check after a host check result (`update = true`, every result is
/// recorded) or a recompute (`update = false`). `now` becomes
/// `last_state_history_update` when a state is recorded.
pub fn check_host_flapping(
    st: &mut Status<HostState>,
    p: &FlapParams,
    update: bool,
    now: Time,
) -> Option<FlapChange> {
    let recorded = update && wants(p, st.current_state.id());
    let change = evaluate(st, p, update);
    if recorded {
        st.last_state_history_update = now;
    }
    change
}

/// The host flap check Nagios runs after every *service* result of the host: the
/// host's current state is recorded only if at least `wait_threshold` seconds
/// passed since the last recorded host state (`wait_threshold` = average
/// check_interval of the host's services × interval_length, or the host's
/// notification_interval × interval_length when it has no services). The
/// percentage is recomputed either way. Nagios writes a resulting line right after
/// the service's own flapping line, before the SERVICE ALERT
/// ([`crate::Transition::insert_after_flapping`]).
pub fn host_flap_from_service_result(
    host_st: &mut Status<HostState>,
    p: &FlapParams,
    now: Time,
    wait_threshold: f64,
) -> Option<FlapChange> {
    // Nagios compares whole seconds (time_t).
    let update = now.floor() - host_st.last_state_history_update.floor() >= wait_threshold;
    check_host_flapping(host_st, p, update, now)
}

/// Flap detection was disabled for an object (or globally): if it was flapping, it
/// stops, and `... FLAPPING ALERT: ...;DISABLED; Flap detection has been disabled`
/// is due ([`FlapChange::Disabled`]).
pub fn flap_detection_disabled<S: ObjectState>(st: &mut Status<S>) -> Option<FlapChange> {
    if !st.is_flapping {
        return None;
    }
    st.is_flapping = false;
    Some(FlapChange::Disabled)
}

/// `CLEAR_*_FLAPPING_STATE` (Nagios 4.4.6, recorded with nagios4): the state
/// history is reset to all zeros (OK / UP) and `percent_state_change` to 0, flapping
/// or not. A flapping object stops flapping with
/// `...;STOPPED; Flapping state cleared for service. (P% change < L% threshold)`,
/// P the percent from before the reset, L the low threshold `low`
/// ([`FlapChange::Cleared`]); the caller then does what a stop does (comment,
/// FLAPPINGSTOP).
pub fn clear_flapping_state<S: ObjectState>(st: &mut Status<S>, low: f64) -> Option<FlapChange> {
    let percent = st.percent_state_change;
    st.state_history.clear();
    st.percent_state_change = 0.0;
    if !st.is_flapping {
        return None;
    }
    st.is_flapping = false;
    Some(FlapChange::Cleared {
        percent,
        threshold: low,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StateType;
    use vigil_events::{Event, Obj};

    /// The log line of a change (the renderer is vigil-events').
    fn svc_line(c: FlapChange) -> String {
        let obj = Obj::Service {
            host: "h".into(),
            service: "s".into(),
        };
        Event::Flapping { obj, change: c }.lines().remove(0)
    }

    fn host_line(c: FlapChange) -> String {
        let obj = Obj::Host { host: "gw".into() };
        Event::Flapping { obj, change: c }.lines().remove(0)
    }

    fn svc(state: u8) -> Status<ServiceState> {
        Status::initial(ServiceState::from_id(state))
    }

    fn hst() -> Status<HostState> {
        Status::initial(HostState::Up)
    }

    fn params(low: f64, high: f64) -> FlapParams {
        FlapParams {
            enabled: true,
            options: 0xff,
            low,
            high,
        }
    }

    #[test]
    fn weights_and_percent() {
        assert_eq!(percent_state_change(&[]), 0.0);
        // newest transition weighs 1.25
        let pct = percent_state_change(&[0, 2]);
        assert!((pct - 6.25).abs() < 1e-9, "{pct}");
        // oldest transition weighs 0.75
        let mut h = vec![2];
        h.extend([0u8; 20]);
        assert!((percent_state_change(&h) - 3.75).abs() < 1e-9);
        // all 20 transitions: sum = 20 * 1.0 -> 100%
        let alt: Vec<u8> = (0..21).map(|i| (i % 2) as u8).collect();
        assert!((percent_state_change(&alt) - 100.0).abs() < 1e-9);
        // entries older than 21 are ignored
        let mut long = vec![3u8; 5];
        long.extend([0u8; 21]);
        assert_eq!(percent_state_change(&long), 0.0);
    }

    #[test]
    fn record_keeps_21() {
        let mut h = Vec::new();
        for i in 0..30u8 {
            record_state(&mut h, i % 4);
        }
        assert_eq!(h.len(), 21);
        assert_eq!(h[20], 29 % 4);
        assert_eq!(h[0], 9 % 4);
    }

    /// Values seen in Nagios' retention.dat: history `0 x14, 2, 2, 0 x5` -> 11.18,
    /// and `0 x10, 2, 0, 2, 2, 0 x7` -> 20.66.
    #[test]
    fn retention_percentages() {
        let mut a = vec![0u8; 14];
        a.extend([2, 2, 0, 0, 0, 0, 0]);
        assert_eq!(format!("{:.2}", percent_state_change(&a)), "11.18");
        let mut b = vec![0u8; 10];
        b.extend([2, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(format!("{:.2}", percent_state_change(&b)), "20.66");
    }

    #[test]
    fn start_stop_and_undecided() {
        let mut st = svc(0);
        let p = params(22.0, 24.0);
        let mut lines = Vec::new();
        for s in [0u8, 2, 0, 2, 0] {
            st.current_state = ServiceState::from_id(s);
            if let Some(c) = check_service_flapping(&mut st, &p, true) {
                lines.push(svc_line(c));
            }
        }
        assert_eq!(
            lines,
            vec!["SERVICE FLAPPING ALERT: h;s;STARTED; Service appears to have started flapping (24.2% change >= 24.0% threshold)".to_string()]
        );
        assert!(st.is_flapping);
        // a SOFT problem is not recorded and not evaluated
        st.current_state = ServiceState::Critical;
        st.state_type = StateType::Soft;
        let before = st.state_history.clone();
        assert_eq!(check_service_flapping(&mut st, &p, true), None);
        assert_eq!(st.state_history, before);
        // disabled: percent still computed, no lines
        let mut q = svc(0);
        let off = FlapParams {
            enabled: false,
            ..p
        };
        for s in [0u8, 2, 0, 2, 0, 2, 0] {
            q.current_state = ServiceState::from_id(s);
            assert_eq!(check_service_flapping(&mut q, &off, true), None);
        }
        assert!(q.percent_state_change > 30.0);
        assert!(!q.is_flapping);
    }

    #[test]
    fn options_filter_recording() {
        let mut st = svc(0);
        let p = FlapParams {
            options: 0b0001, // only OK recorded
            ..params(5.0, 20.0)
        };
        st.current_state = ServiceState::Critical;
        check_service_flapping(&mut st, &p, true);
        assert!(st.state_history.is_empty());
        st.current_state = ServiceState::Ok;
        check_service_flapping(&mut st, &p, true);
        assert_eq!(st.state_history, vec![0]);
    }

    #[test]
    fn host_lines_and_threshold_wait() {
        let mut st = hst();
        let p = params(5.0, 10.0);
        let mut lines = Vec::new();
        for (i, s) in [0u8, 1, 0, 1].into_iter().enumerate() {
            st.current_state = HostState::from_id(s);
            if let Some(c) = check_host_flapping(&mut st, &p, true, i as f64) {
                lines.push(host_line(c));
            }
        }
        assert_eq!(
            lines,
            vec!["HOST FLAPPING ALERT: gw;STARTED; Host appears to have started flapping (12.4% change > 10.0% threshold)".to_string()]
        );
        assert_eq!(st.last_state_history_update, 3.0);
        // service-driven update within the wait threshold: nothing recorded
        let len = st.state_history.len();
        assert_eq!(host_flap_from_service_result(&mut st, &p, 10.0, 60.0), None);
        assert_eq!(st.state_history.len(), len);
        // after the threshold the current state is recorded
        host_flap_from_service_result(&mut st, &p, 63.0, 60.0);
        assert_eq!(st.state_history.len(), len + 1);
        assert_eq!(st.last_state_history_update, 63.0);
        // stopping
        st.current_state = HostState::Down;
        let mut stop = None;
        for i in 0..25 {
            if let Some(c) = check_host_flapping(&mut st, &p, true, 100.0 + i as f64) {
                stop = Some(host_line(c));
            }
        }
        assert_eq!(
            stop.as_deref(),
            Some("HOST FLAPPING ALERT: gw;STOPPED; Host appears to have stopped flapping (3.8% change < 5.0% threshold)")
        );
    }

    #[test]
    fn disabled_lines() {
        let mut st = svc(0);
        assert_eq!(flap_detection_disabled(&mut st), None);
        st.is_flapping = true;
        assert_eq!(
            flap_detection_disabled(&mut st).map(svc_line).as_deref(),
            Some("SERVICE FLAPPING ALERT: h;s;DISABLED; Flap detection has been disabled")
        );
        assert!(!st.is_flapping);
        let mut h = hst();
        h.is_flapping = true;
        assert_eq!(
            flap_detection_disabled(&mut h).map(host_line).as_deref(),
            Some("HOST FLAPPING ALERT: gw;DISABLED; Flap detection has been disabled")
        );
    }

    #[test]
    fn clear_flapping_state_resets_history_and_reports_old_percent() {
        let p = params(5.0, 10.0);
        let mut st = svc(0);
        // OK, CRITICAL, OK, CRITICAL (max 1, so all HARD): 12.4% starts flapping.
        for id in [2u8, 0, 2] {
            st.current_state = ServiceState::from_id(id);
            st.state_type = StateType::Hard;
            check_service_flapping(&mut st, &p, true);
        }
        assert!(st.is_flapping);
        let before = st.percent_state_change;
        assert_eq!(format!("{before:.1}"), "18.4");
        let c = clear_flapping_state(&mut st, p.low).unwrap();
        assert_eq!(
            svc_line(c),
            "SERVICE FLAPPING ALERT: h;s;STOPPED; Flapping state cleared for service. (18.4% change < 5.0% threshold)"
        );
        assert!(!st.is_flapping);
        assert_eq!(st.percent_state_change, 0.0);
        assert!(st.state_history.is_empty());
        // The history is zeroed, not filled with the current CRITICAL: OK then
        // CRITICAL again is one change (6.25%, undecided), as nagios4 showed.
        for id in [0u8, 2] {
            st.current_state = ServiceState::from_id(id);
            check_service_flapping(&mut st, &p, true);
        }
        assert_eq!(st.percent_state_change, 6.25);
        assert!(!st.is_flapping);
        // Not flapping: reset all the same, nothing to report.
        assert_eq!(clear_flapping_state(&mut st, p.low), None);
        assert_eq!(st.percent_state_change, 0.0);
        let mut h = hst();
        h.is_flapping = true;
        h.percent_state_change = 18.4;
        assert_eq!(
            host_line(clear_flapping_state(&mut h, 5.0).unwrap()),
            "HOST FLAPPING ALERT: gw;STOPPED; Flapping state cleared for host. (18.4% change < 5.0% threshold)"
        );
    }
}
