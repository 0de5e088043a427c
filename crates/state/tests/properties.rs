//! Property tests: thousands of random result sequences (random host states,
//! volatile, max_check_attempts 1..5, active/passive, reachability) checked
//! against the rules of checks-and-states.md §4/§5 and event-handlers.md §2.

mod common;

use common::{Hst, Svc};
use proptest::prelude::*;
use vigil_events::{Event, Obj, StateLine};
use vigil_state::host::Reachability;
use vigil_state::{CheckType, Effect, HostState, ObjectState, ServiceStatus, StateType};

fn service_alert_line(st: &ServiceStatus, host: &str, service: &str) -> String {
    Event::Alert(StateLine {
        obj: Obj::Service {
            host: host.into(),
            service: service.into(),
        },
        state: st.current_state.any(),
        state_type: st.state_type,
        attempt: st.current_attempt,
        output: st.output.short.clone(),
    })
    .lines()
    .remove(0)
}

fn alert_lines(lines: &[String], prefix: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.starts_with(prefix))
        .cloned()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn service_rules(
        max in 1u32..=5,
        volatile in any::<bool>(),
        steps in prop::collection::vec((0u8..=3, prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)], any::<bool>()), 1..60),
    ) {
        let mut on = Svc::new(max);
        on.p.is_volatile = volatile;
        let mut off = Svc::new(max);
        off.p.is_volatile = volatile;
        off.p.log_retries = false;
        let mut last_problem_ids = Vec::new();

        for (cur, host_state, passive) in steps {
            on.host.state = HostState::from_id(host_state);
            off.host.state = HostState::from_id(host_state);
            let ct = if passive { CheckType::Passive } else { CheckType::Active };
            let prev = on.st.clone();
            let r = on.step_with(cur, "out", ct);
            let r_off = off.step_with(cur, "out", ct);
            let at = &r.at_handler;
            let after = &on.st;
            let host_up = host_state == 0;
            let handlers = r.tr.effects.contains(&Effect::EventHandlers);
            let alerts = alert_lines(&r.lines, "SERVICE ALERT: ");

            // attempt always within 1..=max
            prop_assert!((1..=max).contains(&at.current_attempt), "attempt {} max {}", at.current_attempt, max);
            prop_assert!((1..=max).contains(&after.current_attempt));
            prop_assert_eq!(after.last_state.id(), prev.current_state.id());
            prop_assert_eq!(after.current_state.id(), cur);

            // after any OK result: HARD, attempt 1, last hard state OK, no problem id
            if cur == 0 {
                prop_assert_eq!(after.state_type, StateType::Hard);
                prop_assert_eq!(after.current_attempt, 1);
                prop_assert_eq!(after.last_hard_state.id(), 0);
                prop_assert_eq!(after.current_problem_id, 0);
                prop_assert!(!after.recovery_pending);
            }

            // HARD problem states only at max attempts or by the forcing rules
            if cur != 0 && at.state_type == StateType::Hard {
                let stayed = prev.state_type == StateType::Hard && prev.current_state.id() == cur;
                prop_assert!(at.current_attempt >= max || !host_up || stayed,
                    "HARD {} attempt {}/{} host {} prev {:?}/{:?}/{}", cur, at.current_attempt, max, host_state,
                    prev.current_state.id(), prev.state_type, prev.current_attempt);
            }
            if cur != 0 && prev.state_type == StateType::Soft && at.state_type == StateType::Hard {
                prop_assert!(at.current_attempt == max || !host_up);
            }
            if max == 1 && cur != 0 {
                prop_assert_eq!(at.state_type, StateType::Hard);
            }
            // a problem while the host is not UP is HARD (or stays as it was if unchanged)
            if cur != 0 && !host_up && prev.last_hard_state.id() != cur && !volatile {
                prop_assert_eq!(at.state_type, StateType::Hard);
                prop_assert!(!r.tr.effects.contains(&Effect::Notify));
            }
            // soft retries count up by one
            if cur != 0 && host_up && prev.current_state.id() != 0 && prev.state_type == StateType::Soft
                && at.state_type == StateType::Soft && !prev.host_problem_at_last_check {
                prop_assert_eq!(at.current_attempt, (prev.current_attempt + 1).min(max));
            }

            // event handlers exactly as event-handlers.md §2.1
            let expected = prev.current_state.id() != cur
                || (cur != 0 && (prev.state_type == StateType::Soft || at.state_type == StateType::Soft))
                || (volatile && cur != 0 && at.state_type == StateType::Hard);
            prop_assert_eq!(handlers, expected,
                "prev {}/{:?}/{} cur {} at {:?}/{} host {}", prev.current_state.id(), prev.state_type,
                prev.current_attempt, cur, at.state_type, at.current_attempt, host_state);
            prop_assert!(r.tr.effects.iter().filter(|e| **e == Effect::EventHandlers).count() <= 1);
            // never on HARD -> same HARD unless volatile
            if prev.state_type == StateType::Hard && at.state_type == StateType::Hard
                && prev.current_state.id() == cur && cur != 0 && !volatile {
                prop_assert!(!handlers);
                prop_assert!(alerts.is_empty());
            }

            // with log_service_retries: an ALERT line iff handlers run, and it shows
            // the status the handler sees
            prop_assert_eq!(!alerts.is_empty(), handlers);
            if let Some(a) = alerts.first() {
                prop_assert_eq!(a, &service_alert_line(at, "h", "s"));
                prop_assert_eq!(alerts.len(), 1);
            }
            // without it: the same, minus the SOFT lines; handlers unchanged
            let hard_only: Vec<String> = r.lines.iter().filter(|l| !(l.starts_with("SERVICE ALERT: ") && l.contains(";SOFT;"))).cloned().collect();
            prop_assert_eq!(&r_off.lines, &hard_only);
            prop_assert_eq!(&r_off.at_handler, &r.at_handler);

            // event ids change exactly on state changes; problem ids are new per problem
            prop_assert_eq!(at.current_event_id != prev.current_event_id, cur != prev.current_state.id());
            prop_assert_eq!(r.tr.state_changed, cur != prev.current_state.id());
            if prev.current_state.id() == 0 && cur != 0 {
                prop_assert!(at.current_problem_id != 0);
                prop_assert!(!last_problem_ids.contains(&at.current_problem_id));
                last_problem_ids.push(at.current_problem_id);
            } else if prev.current_state.id() != 0 {
                prop_assert_eq!(at.current_problem_id, prev.current_problem_id);
            }
            if cur == 0 && prev.current_state.id() != 0 {
                prop_assert_eq!(after.last_problem_id, prev.current_problem_id);
            }
            // last_state_change moves with state changes and SOFT->HARD
            if cur != prev.current_state.id() || r.tr.hard_changed {
                prop_assert_eq!(at.last_state_change, at.last_check);
            } else if prev.last_state_change != 0.0 {
                prop_assert_eq!(at.last_state_change, prev.last_state_change);
            }
        }
    }

    #[test]
    fn host_rules(
        max in 1u32..=5,
        log_retries in any::<bool>(),
        soft_passive in any::<bool>(),
        translate in any::<bool>(),
        steps in prop::collection::vec((0u8..=2, any::<bool>(), 0u8..3), 1..60),
    ) {
        let mut h = Hst::new("x", max);
        h.p.log_retries = log_retries;
        h.p.passive_checks_are_soft = soft_passive;
        h.p.translate_passive = translate;
        for (state, passive, reach) in steps {
            h.reach = match reach {
                0 => Reachability::NoParents,
                1 => Reachability::SomeParentUp,
                _ => Reachability::NoParentUp,
            };
            let ct = if passive { CheckType::Passive } else { CheckType::Active };
            // active results are 0/1 from map_host_result
            let state = if passive { state } else { state.min(1) };
            let prev = h.st.clone();
            let r = h.step_with(state, "o", ct);
            let at = &r.at_handler;
            let cur = at.current_state.id();
            let handlers = r.tr.effects.contains(&Effect::EventHandlers);
            let alerts = alert_lines(&r.lines, "HOST ALERT: ");

            prop_assert_eq!(&h.st, at, "hosts finish inside apply");
            prop_assert!((1..=max).contains(&at.current_attempt));
            prop_assert!(cur <= 2);
            if state == 0 {
                prop_assert_eq!(cur, 0);
                prop_assert_eq!(at.current_attempt, 1);
                prop_assert_eq!(at.current_problem_id, 0);
            } else if !passive || (translate && state != 2) {
                prop_assert_eq!(cur, h.reach.problem_state().id());
            } else {
                prop_assert_eq!(cur, state);
            }
            if passive && !soft_passive {
                prop_assert_eq!(at.state_type, StateType::Hard);
                if cur != prev.current_state.id() {
                    prop_assert_eq!(at.current_attempt, 1);
                }
            }
            if cur != 0 && at.state_type == StateType::Hard && prev.state_type == StateType::Soft {
                prop_assert!(at.current_attempt == max || (passive && !soft_passive));
            }
            let expected = cur != prev.current_state.id() || (cur != 0 && prev.state_type == StateType::Soft);
            prop_assert_eq!(handlers, expected);
            let logged = cur != prev.current_state.id()
                || r.tr.hard_changed
                || (at.state_type == StateType::Soft && log_retries);
            // SOFT -> HARD of the same problem is a logged hard change, except when a
            // passive result (passive_host_checks_are_soft=0) without a state change
            // forces the type to HARD (Nagios quirk, reproduced: no ALERT line)
            if cur != 0 && prev.state_type == StateType::Soft && at.state_type == StateType::Hard
                && cur == prev.current_state.id() && !r.tr.hard_changed {
                prop_assert!(passive && !soft_passive);
            }
            prop_assert_eq!(!alerts.is_empty(), logged,
                "prev {}/{:?} cur {}/{:?} lines {:?}", prev.current_state.id(), prev.state_type, cur, at.state_type, r.lines);
            prop_assert_eq!(at.current_event_id != prev.current_event_id, cur != prev.current_state.id());
            let propagates = (prev.current_state.id() == 0) != (cur == 0);
            prop_assert_eq!(r.tr.effects.contains(&Effect::CheckParents), propagates);
            if prev.current_state.id() == 0 && cur != 0 {
                prop_assert!(at.current_problem_id != 0);
            }
        }
    }
}
