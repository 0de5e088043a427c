//! status.dat written from the previous file (`status_reuse`) is byte for byte the
//! full render of the same state (`render_status_view`, whose layout the Nagios
//! fixture tests check), and copies exactly the objects whose status did not change.

mod common;

use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use vigil_retention::status_reuse::{render_status_reusing, ReuseStats, StatusLayout, StatusParts};
use vigil_retention::{render_status_view, ConfigView, ObjectConfig, RenderExtras};
use vigil_state::{HostState, HostStatus, ProgramState, ServiceStatus};

/// `hosts` hosts with `per_host` services each, some with custom variables.
fn site(hosts: usize, per_host: usize) -> ConfigView {
    let mut view = ConfigView::default();
    for h in 0..hosts {
        let name: vigil_retention::ObjectConfig = ObjectConfig {
            host_name: format!("host-{h:03}").into(),
            ..Default::default()
        };
        view.hosts.push(name);
        for s in 0..per_host {
            let mut o = ObjectConfig {
                host_name: format!("host-{h:03}").into(),
                service_description: Some(format!("svc {s}").into()),
                ..Default::default()
            };
            o.check_command = format!("check_{s}!{h}");
            o.check_interval = 5.0;
            if s % 3 == 0 {
                o.custom_vars = vec![("OWNER".into(), format!("team-{s}"))];
            }
            view.services.push(o);
        }
    }
    // Definition order is not name order: the file is sorted by name.
    view.hosts.reverse();
    view.services.rotate_left(per_host / 2 + 1);
    view
}

struct State {
    program: ProgramState,
    hosts: Arc<[Arc<HostStatus>]>,
    services: Arc<[Arc<ServiceStatus>]>,
    extras: RenderExtras,
}

impl State {
    fn new(view: &ConfigView) -> State {
        let (hosts, services) = initial_statuses(view);
        State {
            program: initial_program(),
            hosts: hosts.into_iter().map(Arc::new).collect(),
            services: services.into_iter().map(Arc::new).collect(),
            extras: RenderExtras::default(),
        }
    }

    /// Changes service `i` the way the core does: copy-on-write of its `Arc`.
    fn check_service(&mut self, i: usize, output: &str, t: f64) {
        let mut v: Vec<Arc<ServiceStatus>> = self.services.to_vec();
        let st = Arc::make_mut(&mut v[i]);
        st.output.short = Some(output.to_string());
        st.output.perfdata = format!("t={t}s");
        st.last_check = t;
        st.next_check = t + 300.0;
        st.has_been_checked = true;
        st.latency = 0.001;
        self.services = v.into();
    }

    fn check_host(&mut self, i: usize, t: f64) {
        let mut v: Vec<Arc<HostStatus>> = self.hosts.to_vec();
        let st = Arc::make_mut(&mut v[i]);
        st.current_state = HostState::Down;
        st.last_check = t;
        self.hosts = v.into();
    }

    fn full(&self, view: &ConfigView, now: i64) -> String {
        render_status_view(
            view,
            &self.program,
            &self.hosts,
            &self.services,
            &self.extras,
            now,
        )
    }

    fn reusing(
        &self,
        view: &ConfigView,
        now: i64,
        prev: Option<(&StatusLayout, &[u8])>,
    ) -> (String, StatusLayout, ReuseStats) {
        let parts = StatusParts {
            view,
            program: &self.program,
            hosts: &self.hosts,
            services: &self.services,
            extras: &self.extras,
            now,
        };
        let mut out = Vec::new();
        let prev_bytes = prev;
        let (layout, stats) = render_status_reusing(
            &mut out,
            &parts,
            prev_bytes
                .as_ref()
                .map(|(l, b)| (*l, b as &dyn vigil_retention::status_reuse::ReadAt)),
        )
        .expect("writing into a Vec");
        assert_eq!(layout.file_len(), out.len() as u64);
        (String::from_utf8(out).expect("utf-8"), layout, stats)
    }
}

#[test]
fn a_first_write_is_the_full_render_and_the_next_copies_every_unchanged_object() {
    let view = site(4, 25);
    let mut st = State::new(&view);
    let (first, layout, stats) = st.reusing(&view, 1_795_660_000, None);
    assert_eq!(first, st.full(&view, 1_795_660_000));
    assert_eq!(
        stats,
        ReuseStats {
            copied: 0,
            rendered: 104
        }
    );

    st.check_service(7, "OK - seven äöü", 1_795_660_003.0);
    st.check_service(63, "CRITICAL - sixty-three", 1_795_660_004.0);
    st.check_host(2, 1_795_660_005.0);
    let (second, layout, stats) =
        st.reusing(&view, 1_795_660_010, Some((&layout, first.as_bytes())));
    assert_eq!(second, st.full(&view, 1_795_660_010));
    assert_eq!(
        stats,
        ReuseStats {
            copied: 101,
            rendered: 3
        }
    );
    assert!(second.contains("plugin_output=OK - seven äöü\n"));
    assert_eq!(second.matches("\tlast_update=1795660010\n").count(), 104);

    // Nothing changed: everything copied, only the time moves (here to 11 digits).
    let (third, _, stats) = st.reusing(&view, 17_956_600_200, Some((&layout, second.as_bytes())));
    assert_eq!(third, st.full(&view, 17_956_600_200));
    assert_eq!(stats.copied, 104);
}

#[test]
fn a_previous_file_that_does_not_hold_its_blocks_only_makes_them_rendered() {
    let view = site(3, 10);
    let st = State::new(&view);
    let (first, layout, _) = st.reusing(&view, 1_795_660_000, None);
    // Cut in the middle: the blocks past the cut are rendered, the rest copied.
    let cut = &first.as_bytes()[..first.len() / 2];
    let (second, _, stats) = st.reusing(&view, 1_795_660_010, Some((&layout, cut)));
    assert_eq!(second, st.full(&view, 1_795_660_010));
    assert!(stats.copied > 5 && stats.rendered > 5, "{stats:?}");
    // Empty: all rendered.
    let (third, _, stats) = st.reusing(&view, 1_795_660_020, Some((&layout, &[][..])));
    assert_eq!(third, st.full(&view, 1_795_660_020));
    assert_eq!(stats.copied, 0);
}

#[test]
fn a_layout_of_another_view_is_not_used() {
    let view = site(2, 5);
    let st = State::new(&view);
    let (first, layout, _) = st.reusing(&view, 1_795_660_000, None);
    let mut other = site(2, 5);
    other.services[0].check_command = "changed".into();
    let (second, _, stats) = st.reusing(&other, 1_795_660_010, Some((&layout, first.as_bytes())));
    assert_eq!(second, st.full(&other, 1_795_660_010));
    assert_eq!(stats.copied, 0);
}

#[test]
fn blocks_larger_than_the_read_ahead_are_copied_whole() {
    let view = site(1, 4);
    let mut st = State::new(&view);
    let long = "x".repeat(3 << 20);
    st.check_service(1, &long, 1_795_660_001.0);
    let (first, layout, _) = st.reusing(&view, 1_795_660_000, None);
    let (second, _, stats) = st.reusing(&view, 1_795_660_010, Some((&layout, first.as_bytes())));
    assert_eq!(second, st.full(&view, 1_795_660_010));
    assert_eq!(stats.copied, 5);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any sequence of writes, each after a random set of checks, is the full render.
    #[test]
    fn any_sequence_of_writes_is_the_full_render(
        writes in prop::collection::vec(
            (prop::collection::vec((0usize..60, "[ -~äé]{0,300}"), 0..12), 0i64..2_000_000_000),
            1..5,
        ),
    ) {
        let view = site(3, 20);
        let mut st = State::new(&view);
        let mut prev: Option<(StatusLayout, String)> = None;
        for (k, (checks, now)) in writes.iter().enumerate() {
            let mut changed = std::collections::BTreeSet::new();
            for (j, (i, text)) in checks.iter().enumerate() {
                st.check_service(*i, text, (k * 100 + j) as f64);
                changed.insert(*i);
            }
            let (text, layout, stats) =
                st.reusing(&view, *now, prev.as_ref().map(|(l, t)| (l, t.as_bytes())));
            prop_assert_eq!(&text, &st.full(&view, *now));
            if prev.is_some() {
                prop_assert_eq!(stats.rendered, changed.len());
            }
            prev = Some((layout, text));
        }
    }
}
