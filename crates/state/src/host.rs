//! Host state machine and reachability (spec checks-and-states.md §5,
//! event-handlers.md §2.2): applies one host check result to a host's
//! [`HostStatus`], reproducing Nagios 4.4.6.
//!
//! Rules, in order (A attempt, M max_check_attempts, T state type, LH last hard
//! state):
//!
//! 1. Previous state UP: UP again -> HARD, A := 1; a problem -> SOFT, A := 1,
//!    handlers run, parents and children are to be checked.
//!    Previous state a problem: UP -> recovery, handlers run, parents and children
//!    are to be checked; if T was HARD it is a hard recovery (A := 1, notification).
//!    Still a problem: handlers run while T is SOFT (next check at retry_interval),
//!    a re-notification is attempted while HARD.
//! 2. A problem from an active check (or a passive one with
//!    `translate_passive_host_checks`) becomes DOWN or UNREACHABLE by
//!    [`Reachability`]; a passive UNREACHABLE stays UNREACHABLE. Passive results are
//!    otherwise kept as given (1 DOWN, 2 UNREACHABLE).
//! 3. While SOFT: problem -> problem increments A (capped at M, also DOWN <->
//!    UNREACHABLE); a state change or UP resets it to 1. So a soft recovery logs
//!    `UP;SOFT;1` (and the host stays UP/SOFT until its next result).
//! 4. A >= M and the state differs from LH: HARD change, the next check comes
//!    check_interval after the result is processed. A hard recovery has already
//!    reset A to 1, so with M > 1 it counts from the check's start.
//! 5. Passive results with `passive_host_checks_are_soft = 0`: every state change
//!    is HARD at once with A := 1.
//! 6. A state change sets `last_state_change` (only a *state* change: unlike
//!    services, SOFT->HARD keeps it), a new event id, a new problem id when
//!    leaving UP; any other state change (recovery, DOWN <-> UNREACHABLE) moves the
//!    problem id to `last_problem_id` right away (before the handler, unlike
//!    services). Both kinds of change log the HOST ALERT and run handlers.
//! 7. Flap detection (every result) runs before the ALERT line.
//! 8. SOFT states are logged again on every result only with `log_host_retries`;
//!    the first SOFT problem (a state change) is always logged.

use crate::flap::{check_host_flapping, FlapParams};
use crate::result::CheckResult;
use crate::{
    finish_result, CheckType, Counters, Effect, HostState, HostStatus, NextCheck, ObjectState,
    StateType, Transition,
};

const UP: HostState = HostState::Up;
const DOWN: HostState = HostState::Down;
const UNREACHABLE: HostState = HostState::Unreachable;

/// Per-host settings needed by the state machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostParams {
    /// `max_check_attempts` (run-time override applied); 0 is treated as 1.
    pub max_attempts: u32,
    /// Global `log_host_retries`.
    pub log_retries: bool,
    /// Global `passive_host_checks_are_soft`.
    pub passive_checks_are_soft: bool,
    /// Global `translate_passive_host_checks`.
    pub translate_passive: bool,
    /// Flap detection settings.
    pub flap: FlapParams,
}

/// Where the host's parents stand, computed by the engine from the parents'
/// current (possibly SOFT) states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reachability {
    /// The host has no parents: a problem is DOWN.
    NoParents,
    /// At least one parent is UP: a problem is DOWN.
    SomeParentUp,
    /// No parent is UP: a problem is UNREACHABLE.
    NoParentUp,
}

impl Reachability {
    /// The problem state this reachability gives (DOWN or UNREACHABLE).
    pub fn problem_state(self) -> HostState {
        match self {
            Reachability::NoParents | Reachability::SomeParentUp => DOWN,
            Reachability::NoParentUp => UNREACHABLE,
        }
    }
}

/// Less common per-result options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResultOptions {
    /// `stalking_options` as a bit per state id: when the current state is in it and
    /// the short output changed, the ALERT line is logged again (no handler).
    pub stalking: u8,
}

/// Applies one host check result. Active results carry UP or DOWN (a problem);
/// passive ones UP, DOWN or UNREACHABLE. See the module documentation for the
/// rules.
///
/// Effects [`Effect::CheckParents`] / [`Effect::CheckChildren`] are emitted when the
/// host goes from UP to a problem or back. Nagios 4.4.6 then checks, on a problem:
/// parents that are not UP and children that are not UNREACHABLE; on a recovery:
/// parents that are UP and children that are not UP (the on-demand checks honour
/// `cached_host_check_horizon`).
pub fn apply_host_result(
    st: &mut HostStatus,
    p: &HostParams,
    r: CheckResult<HostState>,
    reach: Reachability,
    ctr: &mut Counters,
) -> Transition {
    apply_host_result_with(st, p, &ResultOptions::default(), r, reach, ctr)
}

/// [`apply_host_result`] with [`ResultOptions`].
pub fn apply_host_result_with(
    st: &mut HostStatus,
    p: &HostParams,
    opts: &ResultOptions,
    r: CheckResult<HostState>,
    reach: Reachability,
    ctr: &mut Counters,
) -> Transition {
    finish_result(st);
    let max = p.max_attempts.max(1);
    if st.last_state_change == 0.0 {
        st.last_state_change = st.last_check;
    }
    if st.last_hard_state_change == 0.0 {
        st.last_hard_state_change = st.last_check;
    }

    let old_short = st.output.short.clone();
    let passive = r.check_type == CheckType::Passive;
    let now = r.finish.max(r.start);
    st.latency = r.latency.max(0.0);
    st.execution_time = (r.finish - r.start).max(0.0);
    st.last_check = r.start;
    st.check_type = r.check_type;
    st.output = r.output;
    let last = st.current_state;
    let mut cur = match (passive, r.state) {
        (_, UP) => UP,
        (true, UNREACHABLE) => UNREACHABLE,
        _ => DOWN,
    };
    st.last_state = last;
    st.current_state = cur;

    let mut new_last_hard = st.last_hard_state;
    let mut hard_change = false;
    let mut notify = false;
    let mut handle = false;
    let mut propagate = false;
    let mut next = NextCheck::Regular;

    // 1. transitions
    if last == UP {
        if cur == UP {
            st.state_type = StateType::Hard;
            st.current_attempt = 1;
        } else {
            st.state_type = StateType::Soft;
            st.current_attempt = 1;
            propagate = true;
            handle = true;
        }
    } else if cur == UP {
        propagate = true;
        handle = true;
        if st.state_type == StateType::Hard {
            notify = true;
            hard_change = true;
            st.current_attempt = 1;
        }
    } else if st.state_type == StateType::Soft {
        handle = true;
        next = NextCheck::Retry;
    } else {
        notify = true;
    }

    // 2. DOWN or UNREACHABLE
    if cur != UP && (!passive || p.translate_passive) {
        if !(passive && cur == UNREACHABLE) {
            cur = reach.problem_state();
            st.current_state = cur;
        }
        if st.state_type == StateType::Soft {
            next = NextCheck::Retry;
        }
    }

    // 3. attempt counting
    let state_change = cur != last || (cur == UP && st.state_type == StateType::Soft);
    if st.state_type == StateType::Soft {
        if last != UP && cur != UP && st.current_attempt < max {
            st.current_attempt += 1;
        } else if state_change || cur == UP {
            st.current_attempt = 1;
        }
    }

    // 4. hard state change at max attempts
    if st.current_attempt >= max && cur != new_last_hard {
        next = NextCheck::AfterChange;
        hard_change = true;
        notify = true;
    }

    // 5. passive results are HARD at once
    if passive && !p.passive_checks_are_soft {
        if state_change {
            st.current_attempt = 1;
            hard_change = true;
        }
        st.state_type = StateType::Hard;
    }

    // 6. bookkeeping
    if state_change {
        st.last_state_change = st.last_check;
        st.last_event_id = st.current_event_id;
        st.current_event_id = ctr.next_event_id;
        ctr.next_event_id += 1;
        if last == UP {
            st.current_problem_id = ctr.next_problem_id;
            ctr.next_problem_id += 1;
        } else {
            st.last_problem_id = st.current_problem_id;
            st.current_problem_id = 0;
        }
        st.state_type = StateType::Soft;
    }
    if hard_change {
        st.last_hard_state_change = st.last_check;
        new_last_hard = cur;
        st.state_type = StateType::Hard;
        notify = true;
    }
    let mut log = state_change || hard_change;
    if log {
        handle = true;
    }
    if let Some(t) = st.last_time_in_state.get_mut(usize::from(last.id())) {
        *t = st.last_check;
    }

    // 7. flap detection
    let flapping = check_host_flapping(st, &p.flap, true, now);

    if opts.stalking & (1u8 << cur.id()) != 0 && old_short != st.output.short {
        log = true;
    }
    // 8. SOFT states with log_host_retries
    if st.state_type == StateType::Soft && p.log_retries {
        log = true;
    }

    let mut effects = Vec::new();
    if let Some(change) = flapping {
        effects.push(Effect::Flapping(change));
    }
    if log {
        effects.push(Effect::Alert);
    }
    if notify {
        effects.push(Effect::Notify);
    }
    if handle {
        effects.push(Effect::EventHandlers);
    }
    if propagate {
        effects.push(Effect::CheckParents);
        effects.push(Effect::CheckChildren);
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
