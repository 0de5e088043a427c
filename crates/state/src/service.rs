//! Service state machine (spec checks-and-states.md §4, §6, event-handlers.md
//! §2.1): applies one check result to a service's [`ServiceStatus`] and returns
//! the ALERT and flapping events, handler runs and other [`Effect`]s, reproducing
//! Nagios 4.4.6.
//!
//! The rules, in the order they are applied (A attempt, M max_check_attempts,
//! T state type, LH last hard state, HP `host_problem_at_last_check`):
//!
//! 1. Host interplay. OK result: if the host was never checked, or the host is not
//!    UP, ask for a host check ([`Effect::HostCheck`]; the engine applies the
//!    cached-horizon rules); host not UP sets HP. Problem result with the host UP:
//!    host check if the state changed; if HP and T is SOFT then A := 1 (the
//!    service gets its retries again after the host recovered); HP := false.
//!    Problem result with the host not UP: HP := true.
//! 2. Host not UP and the result differs from LH: HARD change at once, A := M
//!    (no retries, no notification).
//! 3. Previous state OK: OK again -> HARD, A := 1; a problem -> A := 1 and SOFT
//!    (unless step 2 made it HARD), handlers run.
//!    Previous state a problem: OK -> recovery, handlers run; still a problem ->
//!    handlers run when T is SOFT, a re-notification is attempted when T is HARD
//!    and the host was UP.
//! 4. When T is SOFT the next check uses retry_interval, and A is incremented
//!    (capped at M) if the previous state was a problem; a new problem state
//!    resets it to 1. So a soft recovery logs `OK;SOFT;A+1`.
//! 5. A >= M and (result != LH, or a SOFT problem): HARD change, notification, and
//!    the next check comes check_interval after the result is processed.
//!    A hard recovery thus needs A >= M; a problem that became HARD with A < M
//!    (host down) recovers SOFT (`OK;SOFT;1`), like Nagios 4.4.6.
//! 6. A state change sets `last_state_change`, a new event id, a new problem id
//!    when leaving OK, and T := SOFT; a HARD change then sets T := HARD, LH and
//!    `last_state_change` / `last_hard_state_change`. Both log the ALERT and run
//!    handlers. A SOFT problem is always logged (subject to log_service_retries).
//! 7. Flap detection runs before the ALERT line is written.
//! 8. Volatile services log, notify and run handlers on every HARD problem result.
//! 9. After a recovery (soft or hard): `last_hard_state_change` is updated, and
//!    [`crate::finish_result`] -- called by the engine after it ran the handlers --
//!    sets T := HARD, A := 1, LH := OK and moves the problem id to
//!    `last_problem_id`. Until then the status shows the values of the ALERT line
//!    (`OK;SOFT;3`, problem id still set), which is what the recovery's event
//!    handler sees in Nagios 4.4.6.
//!
//! SOFT ALERT lines (including soft recoveries) are written only with
//! `log_service_retries`; event handlers run regardless.

use crate::flap::{check_service_flapping, FlapParams};
use crate::result::CheckResult;
use crate::{
    finish_result, Counters, Effect, HostState, NextCheck, ObjectState, ServiceState,
    ServiceStatus, StateType, Time, Transition,
};

const OK: ServiceState = ServiceState::Ok;

/// Per-service settings needed by the state machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceParams {
    /// `max_check_attempts` (run-time override applied); 0 is treated as 1.
    pub max_attempts: u32,
    /// `is_volatile`.
    pub is_volatile: bool,
    /// Global `log_service_retries`.
    pub log_retries: bool,
    /// Flap detection settings.
    pub flap: FlapParams,
}

/// What the service state machine needs to know about the service's host: its
/// current known state (never waited for).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostView {
    /// The host's current state.
    pub state: HostState,
    /// The host has been checked at least once.
    pub has_been_checked: bool,
    /// The host's last check time.
    pub last_check: Time,
}

/// Less common per-result options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResultOptions {
    /// `stalking_options` as a bit per state id: when the current state is in it and
    /// the short output changed, the ALERT line is logged again (no handler).
    pub stalking: u8,
}

/// Applies one service check result (active or passive) to `st`. See the module
/// documentation for the rules.
pub fn apply_service_result(
    st: &mut ServiceStatus,
    p: &ServiceParams,
    r: CheckResult<ServiceState>,
    host: &HostView,
    ctr: &mut Counters,
) -> Transition {
    apply_service_result_with(st, p, &ResultOptions::default(), r, host, ctr)
}

/// [`apply_service_result`] with [`ResultOptions`].
pub fn apply_service_result_with(
    st: &mut ServiceStatus,
    p: &ServiceParams,
    opts: &ResultOptions,
    r: CheckResult<ServiceState>,
    host: &HostView,
    ctr: &mut Counters,
) -> Transition {
    // A recovery whose problem id was not moved yet (engine skipped finish_result).
    finish_result(st);
    let max = p.max_attempts.max(1);

    // Nagios initialises the change times from the *previous* check time.
    if st.last_state_change == 0.0 {
        st.last_state_change = st.last_check;
    }
    if st.last_hard_state_change == 0.0 {
        st.last_hard_state_change = st.last_check;
    }

    let old_short = st.output.short.clone();
    st.latency = r.latency.max(0.0);
    st.execution_time = (r.finish - r.start).max(0.0);
    st.last_check = r.start;
    st.check_type = r.check_type;
    st.output = r.output;
    let last = st.current_state;
    let cur = r.state;
    st.last_state = last;
    st.current_state = cur;

    let host_up = host.state == HostState::Up;
    let mut new_last_hard = st.last_hard_state;
    let mut host_check = false;
    let mut hard_change = false;
    let mut notify = false;
    let mut handle = false;
    let mut next = NextCheck::Regular;

    // 1. host interplay
    if cur == OK {
        if !host.has_been_checked {
            host_check = true;
        } else if !host_up {
            host_check = true;
            st.host_problem_at_last_check = true;
        }
    } else if host_up {
        if last != cur {
            host_check = true;
        }
        if st.host_problem_at_last_check && st.state_type == StateType::Soft {
            st.current_attempt = 1;
        }
        st.host_problem_at_last_check = false;
    } else {
        st.host_problem_at_last_check = true;
    }

    // 2. host down: HARD at once
    if !host_up && new_last_hard != cur {
        hard_change = true;
        st.state_type = StateType::Hard;
        new_last_hard = cur;
        st.current_attempt = max;
    }

    // 3. transitions
    let mut state_change = false;
    if last == OK {
        if cur == OK {
            st.state_type = StateType::Hard;
            st.current_attempt = 1;
        } else {
            if !st.host_problem_at_last_check && !hard_change {
                st.state_type = StateType::Soft;
            }
            st.current_attempt = 1;
            handle = true;
        }
    } else if cur == OK {
        handle = true;
        state_change = true;
    } else if st.state_type == StateType::Soft {
        handle = true;
    } else if !st.host_problem_at_last_check {
        notify = true;
    }

    // 4. soft states: retry interval, attempt counting
    if st.state_type == StateType::Soft {
        next = NextCheck::Retry;
    }
    if cur != last || (cur == OK && st.state_type == StateType::Soft) {
        state_change = true;
    }
    if st.state_type == StateType::Soft {
        if last != OK && st.current_attempt < max {
            st.current_attempt += 1;
        } else if state_change && cur != OK {
            st.current_attempt = 1;
        }
    }

    // 5. hard state change at max attempts
    if st.current_attempt >= max
        && (cur != new_last_hard || (st.state_type == StateType::Soft && cur != OK))
    {
        next = NextCheck::AfterChange;
        hard_change = true;
        notify = true;
    }

    // 6. bookkeeping of a state / hard state change
    if state_change {
        st.last_state_change = st.last_check;
        st.last_event_id = st.current_event_id;
        st.current_event_id = ctr.next_event_id;
        ctr.next_event_id += 1;
        if last == OK {
            st.current_problem_id = ctr.next_problem_id;
            ctr.next_problem_id += 1;
        }
        st.state_type = StateType::Soft;
    }
    if hard_change {
        st.last_hard_state_change = st.last_check;
        st.last_state_change = st.last_check;
        new_last_hard = cur;
        st.state_type = StateType::Hard;
    }
    let mut log = state_change || hard_change;
    if log {
        handle = true;
    }
    if cur != OK && st.state_type == StateType::Soft {
        log = true;
    }
    if let Some(t) = st.last_time_in_state.get_mut(usize::from(last.id())) {
        *t = st.last_check;
    }

    // 7. flap detection (its line precedes the ALERT)
    let flapping = check_service_flapping(st, &p.flap, true);

    // 8. volatile services: every HARD problem counts
    if cur != OK && st.state_type == StateType::Hard && p.is_volatile {
        notify = true;
        log = true;
        handle = true;
    }
    if opts.stalking & (1u8 << cur.id()) != 0 && old_short != st.output.short {
        log = true;
    }

    let mut effects = Vec::new();
    if let Some(change) = flapping {
        effects.push(Effect::Flapping(change));
    }
    if log && (st.state_type == StateType::Hard || p.log_retries) {
        effects.push(Effect::Alert);
    }
    if notify {
        effects.push(Effect::Notify);
    }
    if handle {
        effects.push(Effect::EventHandlers);
    }
    if host_check {
        effects.push(Effect::HostCheck);
    }

    // 9. a recovery ends in HARD OK, attempt 1 -- completed by finish_result() so
    //    that the recovery's event handlers still see e.g. `OK;SOFT;3`.
    if cur == OK && state_change {
        if hard_change {
            st.host_problem_at_last_check = false;
        }
        st.last_hard_state_change = st.last_check;
        st.recovery_pending = true;
    }
    st.last_hard_state = new_last_hard;
    st.has_been_checked = true;

    Transition {
        effects,
        next,
        state_changed: state_change,
        hard_changed: hard_change,
    }
}
