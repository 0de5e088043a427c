//! Notifications, acknowledgements, comments, downtimes and contacts through
//! retention.dat, both ways, with the real Nagios 4.4.6 (the fixture
//! `nagios4-notify-retention.dat` was written by nagios4, see fixtures/README.md):
//!
//! 1. vigil reads Nagios's file and writes it back: every block, every field equal
//!    (the comments and downtimes as typed values, the contacts' switches and times,
//!    the notification numbers, `notified_on_*`, acknowledgements);
//! 2. nagios4 restores vigil's file exactly as it restores its own: its status.dat
//!    after both restores is compared field by field (`problem_has_been_acknowledged`
//!    and every comment and downtime included).
//!
//! The fixture's downtimes are moved by the time passed since it was recorded, so
//! the one in effect still is and the future ones still are. Needs `nagios4` (~12 s).

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use common::fixture;
use vigil_retention::{apply_view, parse, render_view, ConfigView, RenderExtras};
use vigil_state::{HostStatus, ObjectState, ProgramState, ServiceStatus, Status};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The fixture with every downtime time moved by `shift` seconds.
fn shifted_fixture(shift: i64) -> String {
    let text = std::fs::read_to_string(fixture("nagios4-notify-retention.dat")).unwrap();
    let mut out = String::new();
    let mut in_downtime = false;
    for line in text.lines() {
        if line.ends_with("downtime {") {
            in_downtime = true;
        } else if line == "}" {
            in_downtime = false;
        }
        let moved = in_downtime
            .then(|| line.split_once('='))
            .flatten()
            .filter(|(k, v)| {
                matches!(
                    *k,
                    "entry_time" | "start_time" | "end_time" | "flex_downtime_start"
                ) && *v != "0"
            })
            .and_then(|(k, v)| v.parse::<i64>().ok().map(|n| format!("{k}={}", n + shift)));
        out.push_str(moved.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Copies the fixture configuration into `dir` (`@DIR@` replaced) with plugins that
/// never answer within the test, so no result changes a state.
fn install(dir: &std::path::Path) -> std::path::PathBuf {
    let src = fixture("nagios4-notify-config");
    for sub in ["", "objects"] {
        std::fs::create_dir_all(dir.join("etc").join(sub)).unwrap();
        for e in std::fs::read_dir(src.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                let text = std::fs::read_to_string(&p)
                    .unwrap()
                    .replace("@DIR@", dir.to_str().unwrap());
                std::fs::write(dir.join("etc").join(sub).join(p.file_name().unwrap()), text)
                    .unwrap();
            }
        }
    }
    for d in ["var/rw", "var/checkresults", "tmp", "plugins"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    use std::os::unix::fs::PermissionsExt;
    for p in [
        "seqcheck",
        "passive-only",
        "vigil-notify-host",
        "vigil-notify-service",
    ] {
        let f = dir.join("plugins").join(p);
        std::fs::write(&f, "#!/bin/sh\nsleep 20\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir.join("etc/nagios.cfg")
}

/// Starts nagios4 on `retention`, lets it restore and write status.dat, stops it;
/// returns that status.dat.
fn nagios4_restores(retention: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let cfg = install(dir.path());
    std::fs::write(dir.path().join("var/retention.dat"), retention).unwrap();
    let mut child = Command::new("nagios4")
        .arg(&cfg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status_file = dir.path().join("var/status.dat");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !status_file.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    // A few more writes (every second): every start-up event is in.
    std::thread::sleep(Duration::from_secs(3));
    let last = std::fs::read_to_string(&status_file).ok();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    last.expect("nagios4 wrote no status.dat")
}

/// Every block as (kind, identity, fields); identity = host, service, contact,
/// comment or downtime key.
fn blocks(text: &str) -> Vec<(String, String, BTreeMap<String, String>)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, BTreeMap<String, String>)> = None;
    for line in text.lines() {
        let l = line.trim_start_matches('\t');
        if let Some(kind) = l.strip_suffix(" {") {
            cur = Some((kind.to_string(), BTreeMap::new()));
        } else if l == "}" {
            if let Some((kind, f)) = cur.take() {
                let g = |k: &str| f.get(k).cloned().unwrap_or_default();
                let id = format!(
                    "{}|{}|{}|{}",
                    g("host_name"),
                    g("service_description"),
                    g("contact_name"),
                    g("downtime_id")
                );
                out.push((kind, id, f));
            }
        } else if let (Some((_, f)), Some((k, v))) = (cur.as_mut(), l.split_once('=')) {
            f.insert(k.to_string(), v.to_string());
        }
    }
    out
}

fn initial<S: ObjectState>(set: &vigil_config::CheckSettings) -> Status<S> {
    let mut st = Status::initial(S::from_id(set.initial_state));
    st.attrs.active_checks_enabled = set.active_checks_enabled;
    st.attrs.passive_checks_enabled = set.passive_checks_enabled;
    st.attrs.event_handler_enabled = set.event_handler_enabled;
    st.attrs.flap_detection_enabled = set.flap_detection_enabled;
    st.attrs.notifications_enabled = set.notifications_enabled;
    st.attrs.obsess = set.obsess;
    st.attrs.process_perf_data = set.process_perf_data;
    st
}

#[test]
fn notification_state_round_trips_with_nagios4() {
    let have_nagios = Command::new("nagios4").arg("--version").output().is_ok();
    if !have_nagios {
        assert!(
            std::env::var_os("CI").is_none(),
            "nagios4 is not installed, but CI must run this test"
        );
        eprintln!("nagios4 not installed; skipped");
        return;
    }
    let recorded =
        parse(&std::fs::read_to_string(fixture("nagios4-notify-retention.dat")).unwrap());
    let created: i64 = recorded.info_value("created").unwrap().parse().unwrap();
    let t = now();
    let theirs = shifted_fixture(t - created);

    // 1. vigil reads Nagios's file and writes it back.
    let dir = tempfile::tempdir().unwrap();
    let cfg = install(dir.path());
    let (model, _) = vigil_config::load(&cfg).expect("fixture config loads");
    let view = ConfigView::from_model(&model);
    let mut hosts: Vec<HostStatus> = model.hosts.iter().map(|h| initial(&h.settings)).collect();
    let mut services: Vec<ServiceStatus> = model
        .services
        .iter()
        .map(|s| initial(&s.settings))
        .collect();
    let mut program = ProgramState {
        enable_notifications: model.main.enable_notifications,
        execute_service_checks: true,
        execute_host_checks: true,
        accept_passive_service_checks: true,
        accept_passive_host_checks: true,
        enable_event_handlers: model.main.enable_event_handlers,
        obsess_over_services: false,
        obsess_over_hosts: false,
        check_service_freshness: model.main.check_service_freshness,
        check_host_freshness: model.main.check_host_freshness,
        enable_flap_detection: model.main.enable_flap_detection,
        process_performance_data: model.main.process_performance_data,
        global_host_event_handler: None,
        global_service_event_handler: None,
        modified_host_attributes: vigil_state::ModAttr::empty(),
        modified_service_attributes: vigil_state::ModAttr::empty(),
        counters: Default::default(),
        program_start: t as f64,
        pid: 1,
    };
    let ret = parse(&theirs);
    assert!(ret.problems.is_empty(), "{:?}", ret.problems);
    let notes = apply_view(
        &ret,
        &view,
        &mut program,
        &mut hosts,
        &mut services,
        true,
        t,
    );
    assert!(notes.is_empty(), "{notes:?}");
    let extras = RenderExtras {
        books: std::sync::Arc::new(vigil_retention::books_of(&ret).0),
        contacts: vigil_retention::contacts_of(&ret, &view).into(),
    };
    assert_eq!(extras.books.comments.len(), 10);
    assert_eq!(extras.books.downtimes.len(), 4);
    let ours = render_view(&view, &program, &hosts, &services, &extras, t);

    let (a, b) = (blocks(&theirs), blocks(&ours));
    assert_eq!(
        a.iter()
            .map(|(k, id, _)| format!("{k} {id}"))
            .collect::<Vec<_>>(),
        b.iter()
            .map(|(k, id, _)| format!("{k} {id}"))
            .collect::<Vec<_>>(),
        "blocks and their order"
    );
    let mut fields = 0;
    for ((kind, id, theirs), (_, _, ours)) in a.iter().zip(&b) {
        for (k, v) in theirs {
            // When the file was written, and by which process.
            if kind == "info" && matches!(k.as_str(), "created" | "update_uid") {
                continue;
            }
            // Restoring gives a HARD problem max_check_attempts (Nagios's rule too).
            if k == "current_attempt"
                && theirs.get("state_type").map(String::as_str) == Some("1")
                && theirs.get("current_state").map(String::as_str) != Some("0")
            {
                assert_eq!(ours.get(k), ours.get("max_attempts"), "{kind} {id}: {k}");
                continue;
            }
            assert_eq!(ours.get(k), Some(v), "{kind} {id}: {k}");
            fields += 1;
        }
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{kind} {id}: fields {:?}",
            ours.keys()
        );
    }
    assert!(fields > 400, "only {fields} fields compared");
    // The facts that make this fixture: acknowledgements (normal and sticky),
    // notification numbers, `notified_on`, a contact switch, comments, downtimes.
    let field = |kind: &str, id: &str, k: &str| {
        b.iter()
            .find(|(bk, bid, _)| bk == kind && bid == id)
            .and_then(|(_, _, f)| f.get(k).cloned())
    };
    assert_eq!(
        field("host", "hn1|||", "problem_has_been_acknowledged").as_deref(),
        Some("1")
    );
    assert_eq!(
        field("host", "hn1|||", "acknowledgement_type").as_deref(),
        Some("1")
    );
    assert_eq!(
        field("host", "hn1|||", "notified_on_down").as_deref(),
        Some("1")
    );
    assert_eq!(
        field("service", "hn2|web||", "acknowledgement_type").as_deref(),
        Some("2")
    );
    assert_eq!(
        field("service", "hn2|api||", "current_notification_number").as_deref(),
        Some("4")
    );
    assert_eq!(
        field("contact", "||lead|", "service_notifications_enabled").as_deref(),
        Some("0")
    );
    assert_eq!(
        field("contact", "||lead|", "modified_service_attributes").as_deref(),
        Some("1")
    );

    // 2. nagios4 restores vigil's file as it restores its own.
    let from_theirs = blocks(&nagios4_restores(&theirs));
    let from_ours = blocks(&nagios4_restores(&ours));
    let volatile = [
        "created",
        "last_update",
        "nagios_pid",
        "program_start",
        "next_check",
        "last_log_rotation",
    ];
    let comparable = |v: &[(String, String, BTreeMap<String, String>)]| {
        v.iter()
            .filter(|(k, _, _)| k != "info")
            .map(|(k, id, f)| {
                let mut f = f.clone();
                for x in volatile {
                    f.remove(x);
                }
                // A downtime's comment is made again at start-up, at that moment.
                if k.ends_with("comment") && f.get("entry_type").map(String::as_str) == Some("2") {
                    f.remove("entry_time");
                }
                // Check statistics: 1/5/15-minute counts of a few seconds' run.
                f.retain(|key, _| !key.ends_with("_stats"));
                // Notifications sent during the run (the triggered downtime starts
                // with its trigger at start-up): at that run's time.
                for key in [
                    "last_notification",
                    "last_host_notification",
                    "last_service_notification",
                ] {
                    if let Some(v) = f.get_mut(key) {
                        if v.parse::<i64>().is_ok_and(|n| n >= t) {
                            *v = "<during the run>".into();
                        }
                    }
                }
                (k.clone(), id.clone(), f)
            })
            .collect::<Vec<_>>()
    };
    let (x, y) = (comparable(&from_theirs), comparable(&from_ours));
    assert_eq!(x.len(), y.len());
    let mut compared = 0;
    for ((kind, id, f1), (k2, id2, f2)) in x.iter().zip(&y) {
        assert_eq!((kind, id), (k2, id2));
        assert_eq!(f1, f2, "{kind} {id}");
        compared += f1.len();
    }
    let acked = x
        .iter()
        .filter(|(k, _, f)| {
            k.ends_with("status")
                && f.get("problem_has_been_acknowledged").map(String::as_str) == Some("1")
        })
        .count();
    assert_eq!(acked, 3, "acknowledged hn1, hn2;web, hn2;db");
    assert_eq!(
        x.iter().filter(|(k, _, _)| k.ends_with("downtime")).count(),
        4
    );
    // Non-persistent comments other than acknowledgements' are dropped at start-up,
    // downtime comments made again: 3 acknowledgement, 2 persistent user, 4 downtime.
    assert_eq!(
        x.iter().filter(|(k, _, _)| k.ends_with("comment")).count(),
        9
    );
    assert!(compared > 400, "only {compared} status fields compared");
}
