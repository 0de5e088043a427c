//! render() output parses back to the same values; rendering is a fixed point.

mod common;

use common::*;
use proptest::prelude::*;
use vigil_retention::{apply_view, parse, render_view, ConfigView, RenderExtras};
use vigil_state::{CheckType, HostStatus, ObjectState, Output, ServiceStatus, StateType, Status};

const NOW: i64 = 1795660000;

fn restore_into_fresh(
    text: &str,
    view: &ConfigView,
) -> (Vec<HostStatus>, Vec<ServiceStatus>, Vec<String>) {
    let (mut hosts, mut services) = initial_statuses(view);
    let mut program = initial_program();
    let ret = parse(text);
    assert!(ret.problems.is_empty(), "{:?}", ret.problems);
    let notes = apply_view(
        &ret,
        view,
        &mut program,
        &mut hosts,
        &mut services,
        true,
        NOW + 5,
    );
    (hosts, services, notes)
}

#[test]
fn fixture_round_trips_through_vigil() {
    let view = fixture_view();
    let ret = parse(&read_fixture("nagios4-retention.dat"));
    let (mut hosts, mut services) = initial_statuses(&view);
    let mut program = initial_program();
    let created: i64 = ret.info_value("created").unwrap().parse().unwrap();
    apply_view(
        &ret,
        &view,
        &mut program,
        &mut hosts,
        &mut services,
        true,
        created + 10,
    );
    let extras = RenderExtras::from_retention(&ret);
    let text = render_view(&view, &program, &hosts, &services, &extras, NOW);

    let (hosts2, services2, notes) = restore_into_fresh(&text, &view);
    assert_eq!(hosts2, hosts);
    assert_eq!(services2, services);
    assert!(notes.is_empty(), "{notes:?}");

    // Program block too.
    let mut program2 = initial_program();
    let (mut h3, mut s3) = initial_statuses(&view);
    apply_view(
        &parse(&text),
        &view,
        &mut program2,
        &mut h3,
        &mut s3,
        true,
        NOW + 5,
    );
    assert_eq!(program2, program);

    // Rendering what was read back gives the same text.
    let text2 = render_view(&view, &program2, &hosts2, &services2, &extras, NOW);
    assert_eq!(text2, text);
}

fn arb_output() -> impl Strategy<Value = Output> {
    (
        "([!-~]([ -~]{0,30}[!-~])?)?".prop_map(Some),
        "([!-~]([ -~]{0,20}[!-~])?)?",
        "([!-~]([ -~]{0,20}[!-~])?)?",
    )
        .prop_map(|(short, long, perfdata)| Output {
            short,
            long,
            perfdata,
        })
}

fn arb_status<S: ObjectState>() -> impl Strategy<Value = Status<S>> {
    let max_state: u8 = if S::KIND == vigil_state::ObjKind::Service {
        3
    } else {
        2
    };
    (
        (
            0..=max_state,
            0..=max_state,
            0..=max_state,
            any::<bool>(),
            1u32..10,
        ),
        (
            arb_output(),
            any::<bool>(),
            0u32..2_000_000_000u32,
            0u32..2_000_000_000u32,
        ),
        (
            0u64..1000,
            0u64..1000,
            0u64..1000,
            0u64..1000,
            0u32..10_000u32,
        ),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (
            prop::collection::vec(0..=max_state, 21),
            proptest::option::of(1u32..9),
            0u32..100_000u32,
        ),
        (
            0u32..50,
            0u64..100_000,
            0u32..2_000_000_000u32,
            0u8..16,
            0u8..3,
            any::<bool>(),
            any::<bool>(),
            0u64..1000,
        ),
    )
        .prop_map(
            move |(
                (cur, last, last_hard, soft, attempt),
                (output, passive, t1, t2),
                ids,
                sw,
                (hist, max_o, lat),
                (number, nid, last_n, notified, ack, acked, flap_rec, flap_cid),
            )| {
                let mut s = Status::initial(S::OK);
                s.current_state = S::from_id(cur);
                s.last_state = S::from_id(last);
                s.last_hard_state = S::from_id(last_hard);
                s.state_type = if soft {
                    StateType::Soft
                } else {
                    StateType::Hard
                };
                s.current_attempt = attempt;
                s.has_been_checked = true;
                s.output = output;
                s.check_type = if passive {
                    CheckType::Passive
                } else {
                    CheckType::Active
                };
                s.last_check = t1 as f64;
                s.next_check = t2 as f64;
                s.latency = lat as f64 / 1000.0;
                s.execution_time = (lat / 7) as f64 / 1000.0;
                s.last_state_change = t1 as f64;
                s.last_hard_state_change = t2 as f64;
                s.last_time_in_state = [
                    t1 as f64,
                    0.0,
                    t2 as f64,
                    if max_state == 3 { 5.0 } else { 0.0 },
                ];
                s.current_event_id = ids.0;
                s.last_event_id = ids.1;
                s.current_problem_id = ids.2;
                s.last_problem_id = ids.3;
                s.percent_state_change = ids.4 as f64 / 100.0;
                s.attrs.active_checks_enabled = sw.0;
                s.attrs.passive_checks_enabled = sw.1;
                s.attrs.event_handler_enabled = sw.2;
                s.attrs.flap_detection_enabled = sw.3;
                s.is_flapping = sw.3 && sw.0;
                s.state_history = hist;
                // Notification facts (`notified_on_*` exist for the problem states).
                s.notify.current_notification_number = number;
                s.notify.current_notification_id = nid;
                s.notify.last_notification = last_n as f64;
                s.notify.notified_on =
                    (notified << 1) & if max_state == 3 { 0b1110 } else { 0b110 };
                s.notify.ack = vigil_state::AckKind::from_id(ack as i64);
                s.notify.acknowledged = acked;
                s.notify.check_flapping_recovery_notification = flap_rec;
                s.notify.flapping_comment_id = flap_cid;
                // The fixture's objects have notifications_enabled 0.
                s.attrs.notifications_enabled = false;
                s.attrs.modified = vigil_state::ModAttr::from_bits_retain(2 | 4 | 8 | 16);
                if let Some(m) = max_o {
                    s.attrs.max_attempts = Some(m);
                    s.attrs.modified |= vigil_state::ModAttr::MAX_CHECK_ATTEMPTS;
                }
                // A run-time notification period comes back as a name only.
                if sw.1 && flap_rec {
                    s.attrs.notification_period = Some(vigil_state::PeriodChange {
                        name: "never".into(),
                        in_effect: false,
                    });
                    s.attrs.modified |= vigil_state::ModAttr::NOTIFICATION_TIMEPERIOD;
                }
                // What restoring normalises anyway (Nagios rules):
                let max = s.attrs.max_attempts.unwrap_or(3);
                if s.current_state.id() != 0 && s.state_type == StateType::Hard {
                    s.current_attempt = max;
                }
                if s.last_hard_state_change == 0.0 {
                    s.last_hard_state_change = s.last_state_change;
                }
                s
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Arbitrary statuses survive render → parse → apply unchanged.
    #[test]
    fn statuses_survive_a_round_trip(
        hosts in prop::collection::vec(arb_status::<vigil_state::HostState>(), 3),
        services in prop::collection::vec(arb_status::<vigil_state::ServiceState>(), 6),
    ) {
        let mut view = fixture_view();
        for o in view.hosts.iter_mut().chain(view.services.iter_mut()) {
            o.max_check_attempts = 3;
        }
        let program = initial_program();
        let text = render_view(&view, &program, &hosts, &services, &RenderExtras::default(), NOW);
        let (h2, s2, notes) = restore_into_fresh(&text, &view);
        prop_assert!(notes.is_empty(), "{:?}", notes);
        prop_assert_eq!(h2, hosts);
        prop_assert_eq!(s2, services);
    }

    /// The parser never panics and never loses a well-formed block.
    #[test]
    fn parser_never_panics(text in "(([a-z_]{0,8}( \\{)?|[a-z_]{1,8}=[ -~]{0,10}|\\}|#.*)\n){0,40}") {
        let r = parse(&text);
        let _ = r.problems.len();
    }
}

/// A writer that records how the bytes arrive.
struct Chunks(Vec<usize>, Vec<u8>);

impl std::io::Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.push(buf.len());
        self.1.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn streamed_renders_are_the_same_bytes_in_bounded_chunks() {
    // 2,000 services: about 3 MB of status.dat, far past one 64 KiB chunk.
    let mut view = ConfigView::default();
    view.hosts.push(vigil_retention::ObjectConfig {
        host_name: "h".into(),
        ..Default::default()
    });
    for i in 0..2000 {
        view.services.push(vigil_retention::ObjectConfig {
            host_name: "h".into(),
            service_description: Some(format!("s{i:04}").into()),
            ..Default::default()
        });
    }
    let hosts = vec![HostStatus::initial(vigil_state::HostState::Up)];
    let services = vec![ServiceStatus::initial(vigil_state::ServiceState::Ok); 2000];
    let program = initial_program();
    let extras = RenderExtras::default();
    let whole =
        vigil_retention::render_status_view(&view, &program, &hosts, &services, &extras, NOW);
    let mut w = Chunks(Vec::new(), Vec::new());
    vigil_retention::render_status_to(&mut w, &view, &program, &hosts, &services, &extras, NOW)
        .unwrap();
    assert_eq!(String::from_utf8(w.1).unwrap(), whole);
    assert!(w.0.len() > 10, "written in pieces: {:?}", w.0.len());
    assert!(w.0.iter().all(|&n| n < 80 * 1024), "{:?}", w.0.iter().max());
    let whole = render_view(&view, &program, &hosts, &services, &extras, NOW);
    let mut w = Chunks(Vec::new(), Vec::new());
    vigil_retention::render_view_to(&mut w, &view, &program, &hosts, &services, &extras, NOW)
        .unwrap();
    assert_eq!(String::from_utf8(w.1).unwrap(), whole);
    assert!(w.0.iter().all(|&n| n < 80 * 1024));
}

/// Text a comment or downtime field can hold: anything but a line break (the file
/// is line based), without blanks at its ends (readers strip the line, Nagios too).
fn arb_text() -> impl Strategy<Value = String> {
    "([!-~äé;={}]([ -~äé;={}]{0,22}[!-~äé;={}])?)?"
}

fn arb_comment() -> impl Strategy<Value = vigil_state::Comment> {
    (
        1u64..1000,
        0usize..3,
        1i64..5,
        any::<bool>(),
        any::<bool>(),
        0i64..2_000_000_000,
        arb_text(),
        arb_text(),
    )
        .prop_map(|(id, obj, kind, persistent, external, t, author, text)| {
            let (host, svc) = [
                ("db1", None),
                ("db1", Some("mysql")),
                ("web1", Some("http")),
            ][obj];
            vigil_state::Comment {
                id,
                host_name: host.into(),
                service_description: svc.map(Into::into),
                kind: vigil_state::CommentKind::from_id(kind).unwrap(),
                source: if external {
                    vigil_state::CommentSource::External
                } else {
                    vigil_state::CommentSource::Internal
                },
                persistent,
                entry_time: t,
                expires: false,
                expire_time: 0,
                author,
                text,
            }
        })
}

fn arb_downtime() -> impl Strategy<Value = vigil_state::Downtime> {
    (
        (
            1u64..1000,
            0usize..3,
            0u64..1000,
            0i64..2_000_000_000,
            0i64..100_000,
        ),
        (
            0u64..1000,
            any::<bool>(),
            0u64..100_000,
            any::<bool>(),
            any::<bool>(),
        ),
        (arb_text(), arb_text(), 0i64..2_000_000_000),
    )
        .prop_map(
            |(
                (id, obj, cid, start, len),
                (trig, fixed, dur, eff, sent),
                (author, comment, flex),
            )| {
                let (host, svc) =
                    [("db1", None), ("db1", Some("disk")), ("app1", Some("cpu"))][obj];
                vigil_state::Downtime {
                    id,
                    host_name: host.into(),
                    service_description: svc.map(Into::into),
                    comment_id: cid,
                    entry_time: start,
                    start_time: start,
                    flex_downtime_start: flex,
                    end_time: start + len,
                    triggered_by: trig,
                    fixed,
                    duration: dur,
                    is_in_effect: eff,
                    start_notification_sent: sent,
                    author,
                    comment,
                    incremented_pending: false,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Arbitrary comments and downtimes survive render → parse → books_of, in
    /// retention.dat and in status.dat alike.
    #[test]
    fn books_survive_a_round_trip(
        comments in prop::collection::vec(arb_comment(), 0..8),
        downtimes in prop::collection::vec(arb_downtime(), 0..8),
    ) {
        let mut books = vigil_state::Books::default();
        for c in comments {
            if books.comment(c.id).is_none() {
                books.add_comment(c);
            }
        }
        for d in downtimes {
            if books.downtime(d.id).is_none() {
                books.add_downtime(d);
            }
        }
        let view = fixture_view();
        let (hosts, services) = initial_statuses(&view);
        let extras = RenderExtras { books: std::sync::Arc::new(books.clone()), ..RenderExtras::default() };
        for text in [
            render_view(&view, &initial_program(), &hosts, &services, &extras, NOW),
            vigil_retention::render_status_view(&view, &initial_program(), &hosts, &services, &extras, NOW),
        ] {
            let ret = parse(&text);
            prop_assert!(ret.problems.is_empty(), "{:?}", ret.problems);
            let (back, notes) = vigil_retention::books_of(&ret);
            prop_assert!(notes.is_empty(), "{:?}", notes);
            prop_assert_eq!(&back, &books);
        }
    }

    /// Whatever the blocks hold, reading comments, downtimes and contacts never
    /// panics: a bad block is a note.
    #[test]
    fn book_blocks_never_panic(
        fields in prop::collection::vec(("[a-z_]{1,12}", "[ -~]{0,12}"), 0..12),
        kind in prop::sample::select(vec!["hostcomment", "servicecomment", "hostdowntime", "servicedowntime", "contact"]),
    ) {
        let block = vigil_retention::RawBlock {
            kind: kind.to_string(),
            fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        };
        let ret = vigil_retention::Retention {
            comments: vec![block.clone()],
            downtimes: vec![block.clone()],
            contacts: vec![block],
            ..Default::default()
        };
        let (_, _) = vigil_retention::books_of(&ret);
        let _ = vigil_retention::restore_books(&ret, |_, _| true, |_, _| true);
        let _ = vigil_retention::contacts_of(&ret, &fixture_view());
    }
}
