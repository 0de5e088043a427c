//! Shared test helpers: the configuration of the recorded Nagios fixture as a
//! hand-built [`ConfigView`], and the statuses an engine would start with.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use vigil_retention::{ConfigView, ContactConfig, ObjectConfig, ObjectSettings};
use vigil_state::{Counters, HostStatus, ObjectState, ProgramState, ServiceStatus, Status};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn read_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

fn obj(host: &str, svc: Option<&str>, cmd: &str, max: u32) -> ObjectConfig {
    ObjectConfig {
        host_name: host.into(),
        service_description: svc.map(Into::into),
        settings: ObjectSettings {
            check_command: cmd.into(),
            check_period: "vigil-24x7".into(),
            notification_period: "vigil-24x7".into(),
            event_handler: String::new(),
            check_interval: 1.0,
            retry_interval: 1.0,
            max_check_attempts: max,
            notifications_enabled: false,
            process_perf_data: false,
            obsess: true,
            retain_status_information: true,
            retain_nonstatus_information: true,
            custom_vars: Vec::new(),
        }
        .into(),
    }
}

/// The objects of `tests/fixtures/nagios4-config` in definition order.
pub fn fixture_view() -> ConfigView {
    let mut db1 = obj("db1", None, "vigil-check-host", 1);
    db1.check_interval = 60.0;
    let web1 = obj("web1", None, "vigil-passive-only", 3);
    let mut app1 = obj("app1", None, "vigil-passive-only", 2);
    app1.custom_vars = vec![("RACK".into(), "r12".into())];
    let p = "vigil-passive-only";
    let mut mysql = obj("db1", Some("mysql"), p, 3);
    mysql.event_handler = "svc-eh".into();
    let mut queue = obj("app1", Some("queue"), p, 2);
    queue.custom_vars = vec![("OWNER".into(), "team-a".into())];
    ConfigView {
        hosts: vec![db1, web1, app1],
        services: vec![
            mysql,
            obj("db1", Some("disk"), p, 4),
            obj("db1", Some("load"), p, 3),
            obj("web1", Some("http"), p, 3),
            queue,
            obj("app1", Some("cpu"), p, 5),
        ],
        contacts: vec![ContactConfig {
            name: "vigil-nobody".into(),
            host_notification_period: "vigil-24x7".into(),
            service_notification_period: "vigil-24x7".into(),
            host_notifications_enabled: false,
            service_notifications_enabled: false,
        }],
        commands: [
            "vigil-check-host",
            "vigil-check-service",
            "vigil-passive-only",
            "vigil-notify-none",
            "svc-eh",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        timeperiods: ["vigil-24x7", "never"]
            .into_iter()
            .map(String::from)
            .collect(),
        use_retained_scheduling_info: true,
        retention_scheduling_horizon: 900,
        ..ConfigView::default()
    }
}

/// Statuses before retention is applied: initial state 0, switches from the config
/// (`active_checks_enabled 0` everywhere except host db1, flap detection off).
pub fn initial_statuses(view: &ConfigView) -> (Vec<HostStatus>, Vec<ServiceStatus>) {
    fn mk<S: ObjectState>(active: bool) -> Status<S> {
        let mut s = Status::initial(S::OK);
        s.attrs.active_checks_enabled = active;
        s.attrs.flap_detection_enabled = false;
        // The harness's base templates: notifications_enabled 0.
        s.attrs.notifications_enabled = false;
        s
    }
    let hosts = view
        .hosts
        .iter()
        .map(|h| mk(h.host_name == "db1"))
        .collect();
    let services = view.services.iter().map(|_| mk(false)).collect();
    (hosts, services)
}

/// Program state from the fixture's nagios.cfg.
pub fn initial_program() -> ProgramState {
    ProgramState {
        enable_notifications: false,
        execute_service_checks: true,
        execute_host_checks: true,
        accept_passive_service_checks: true,
        accept_passive_host_checks: true,
        enable_event_handlers: true,
        obsess_over_services: false,
        obsess_over_hosts: false,
        check_service_freshness: false,
        check_host_freshness: false,
        enable_flap_detection: false,
        process_performance_data: false,
        global_host_event_handler: None,
        global_service_event_handler: None,
        modified_host_attributes: vigil_state::ModAttr::empty(),
        modified_service_attributes: vigil_state::ModAttr::empty(),
        counters: Counters::default(),
        program_start: 1795657540.0,
        pid: 4242,
    }
}

/// Keys of every block, in order, as `kind: key key ...` lines.
pub fn key_layout(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(kind) = l.strip_suffix(" {") {
            cur = Some(format!("{kind}:"));
        } else if l == "}" {
            out.extend(cur.take());
        } else if let (Some(c), Some((k, _))) = (cur.as_mut(), l.split_once('=')) {
            c.push(' ');
            c.push_str(k);
        }
    }
    out
}

/// Copies the fixture config into `dir`, replacing `@DIR@`.
pub fn install_config(dir: &std::path::Path) -> std::path::PathBuf {
    let src = fixture("nagios4-config");
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
    let plugin = dir.join("plugins/seqcheck");
    std::fs::write(&plugin, "#!/bin/sh\necho PING OK\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir.join("etc/nagios.cfg")
}
