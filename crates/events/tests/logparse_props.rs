//! Property tests of the log reader: every line the renderer writes reads back as the
//! values it was written from (render → parse round-trips), and no input makes the
//! reader panic.

use proptest::prelude::*;
use vigil_events::logparse::{parse_line, HandlerLine, LogLine};
use vigil_events::{
    AnyState, CommandEvent, Event, FlapChange, HandlerKind, HandlerRun, HostState, Obj, ObjKind,
    ServiceState, StateLine, StateReport, StateType,
};

/// A name as object files allow it (no `;`, the comment character, no newline).
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_. -]{1,20}"
}

/// Plugin output on one line; may hold `;` (the last field).
fn output() -> impl Strategy<Value = String> {
    "[^\n\r]{0,60}"
}

fn obj() -> impl Strategy<Value = Obj> {
    prop_oneof![
        name().prop_map(|host| Obj::Host { host }),
        (name(), name()).prop_map(|(host, service)| Obj::Service { host, service }),
    ]
}

fn state_of(kind: ObjKind) -> BoxedStrategy<AnyState> {
    match kind {
        ObjKind::Host => (0u8..3)
            .prop_map(|i| AnyState::Host(HostState::from_id(i)))
            .boxed(),
        ObjKind::Service => (0u8..4)
            .prop_map(|i| AnyState::Service(ServiceState::from_id(i)))
            .boxed(),
    }
}

use vigil_events::ObjectState;

fn state_type() -> impl Strategy<Value = StateType> {
    prop_oneof![Just(StateType::Soft), Just(StateType::Hard)]
}

fn line() -> impl Strategy<Value = StateLine> {
    obj().prop_flat_map(|o| {
        let kind = o.kind();
        (Just(o), state_of(kind), state_type(), 1u32..100, output()).prop_map(
            |(obj, state, state_type, attempt, out)| StateLine {
                obj,
                state,
                state_type,
                attempt,
                output: Some(out),
            },
        )
    })
}

fn render(e: &Event) -> String {
    let lines = e.lines();
    assert_eq!(lines.len(), 1, "{e:?} renders one line");
    format!("[1795643438] {}", lines[0])
}

proptest! {
    #[test]
    fn alerts_round_trip(l in line()) {
        let parsed = parse_line(&render(&Event::Alert(l.clone()))).unwrap();
        prop_assert_eq!(parsed.time, 1795643438);
        prop_assert_eq!(parsed.line, LogLine::Alert(l));
    }

    #[test]
    fn state_lines_round_trip(mut l in line(), initial in any::<bool>(), null in any::<bool>()) {
        // `(null)` (services) and the empty text (hosts) stand for "no output yet".
        let none_text = match l.obj.kind() { ObjKind::Service => "(null)", ObjKind::Host => "" };
        if null || l.output.as_deref() == Some(none_text) {
            l.output = None;
        }
        let when = if initial { StateReport::Initial } else { StateReport::Current };
        let parsed = parse_line(&render(&Event::State(when, l.clone()))).unwrap();
        prop_assert_eq!(parsed.line, LogLine::State(when, l));
    }

    #[test]
    fn flapping_round_trips(o in obj(), p in 0u32..1000, t in 0u32..1000, which in 0u8..4) {
        let (percent, threshold) = (p as f64 / 10.0, t as f64 / 10.0);
        let change = match which {
            0 => FlapChange::Started { percent, threshold },
            1 => FlapChange::Stopped { percent, threshold },
            2 => FlapChange::Cleared { percent, threshold },
            _ => FlapChange::Disabled,
        };
        let parsed = parse_line(&render(&Event::Flapping { obj: o.clone(), change })).unwrap();
        prop_assert_eq!(parsed.line, LogLine::Flapping { obj: o, change });
    }

    #[test]
    fn handler_lines_round_trip(
        l in line(),
        global in any::<bool>(),
        directive in "[A-Za-z0-9_!$ .-]{1,30}",
        which in 0u8..3,
    ) {
        let kind = if global { HandlerKind::Global } else { HandlerKind::Object };
        let run = HandlerRun {
            obj: l.obj.clone(), kind, state: l.state, state_type: l.state_type,
            attempt: l.attempt, directive: directive.clone(), command: String::new(), id: 0,
        };
        let expect = HandlerLine {
            obj: l.obj, kind, state: l.state, state_type: l.state_type,
            attempt: l.attempt, directive: directive.clone(),
        };
        match which {
            0 => {
                let e = Event::HandlerStarted { run, logged_directive: directive };
                prop_assert_eq!(parse_line(&render(&e)).unwrap().line, LogLine::HandlerStarted(expect));
            }
            1 => {
                let reason = vigil_events::HandlerSuppression::RateLimit { runs: 3, window: 600.0 };
                let e = Event::HandlerSuppressed { run, reason: reason.clone() };
                prop_assert_eq!(
                    parse_line(&render(&e)).unwrap().line,
                    LogLine::HandlerSuppressed(expect, reason.to_string())
                );
            }
            _ => {
                let e = Event::HandlerQueued { run };
                let parsed = parse_line(&render(&e)).unwrap().line;
                prop_assert!(matches!(parsed, LogLine::HandlerQueued(h, _) if h == expect));
            }
        }
    }

    #[test]
    fn passive_and_command_lines_round_trip(
        o in obj(), prev in 0u8..4, out in proptest::option::of(output()),
        cmd in "[A-Z_]{1,30}", args in "[^\n\r]{0,40}",
    ) {
        let out = out.filter(|o| o != "(null)");
        let e = Event::PassiveCheck { obj: o.clone(), prev_state: prev, prev_output: out.clone() };
        prop_assert_eq!(
            parse_line(&render(&e)).unwrap().line,
            LogLine::PassiveCheck { obj: o, prev_state: prev, prev_output: out }
        );
        let e = Event::Command(CommandEvent::Accepted { name: cmd.clone(), args: args.clone(), passive: false });
        prop_assert_eq!(
            parse_line(&render(&e)).unwrap().line,
            LogLine::ExternalCommand { name: cmd, args }
        );
    }

    /// Anything at all: an entry or a typed error, never a panic.
    #[test]
    fn any_text_is_answered(s in "\\PC{0,200}") {
        let _ = parse_line(&s);
        let _ = parse_line(&format!("[12] {s}"));
        let _ = parse_line(&format!("[12] SERVICE ALERT: {s}"));
        let _ = parse_line(&format!("[12] HOST EVENT HANDLER SUPPRESSED: {s}"));
        let _ = parse_line(&format!("[12] SERVICE FLAPPING ALERT: {s}"));
    }
}
