//! `/metrics` of a running `vigil run --http`, parsed by a real Prometheus
//! text-format parser (the prometheus-parse crate), with the values of a known
//! run: seven passive service results and one unknown command through the
//! command file. With `max_check_attempts 1` every state change is HARD, so (Nagios
//! 4 rules) s1 OK→OK→CRITICAL→OK logs two alerts and runs its handler twice,
//! s2 WARNING→WARNING one alert, s3 CRITICAL→UNKNOWN two alerts.

mod common;

use std::time::Duration;

use common::*;

const OBJECTS: &str = "
define command {
    command_name ok
    command_line /bin/true
}
define host {
    host_name h
    address 127.0.0.1
    check_command ok
    max_check_attempts 1
    active_checks_enabled 0
}
define service {
    name passive
    host_name h
    check_command ok
    max_check_attempts 1
    active_checks_enabled 0
    register 0
}
define service {
    use passive
    service_description s1
    event_handler ok
}
define service {
    use passive
    service_description s2
}
define service {
    use passive
    service_description s3
}
";

fn scrape(url: &str) -> prometheus_parse::Scrape {
    let body = ureq_get(&format!("{url}metrics"));
    prometheus_parse::Scrape::parse(body.lines().map(|l| Ok(l.to_string()))).expect("parse")
}

/// A plain HTTP GET on loopback (std only: the test does not need a client crate).
fn ureq_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").expect("http response");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_string()
}

fn value(s: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    s.samples
        .iter()
        .find(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match &x.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(h) => h.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
}

#[test]
fn metrics_count_a_known_run() {
    let t = TestDir::new();
    let cfg = write_config(&t, "", OBJECTS);
    let mut d = Daemon::start(
        &cfg,
        t.path(),
        &t.p("stderr.txt"),
        &["--http", "127.0.0.1:0"],
    );
    let url_file = t.p("var/vigil-http.url");
    assert!(
        wait_for(Duration::from_secs(20), || url_file.exists()),
        "no URL file; stderr:\n{}",
        d.stderr()
    );
    let url = std::fs::read_to_string(&url_file)
        .unwrap()
        .trim()
        .to_string();
    let results = [
        ("s1", 0),
        ("s1", 2),
        ("s1", 0),
        ("s2", 1),
        ("s2", 1),
        ("s3", 2),
        ("s3", 3),
    ];
    let mut text = String::new();
    for (i, (s, rc)) in results.iter().enumerate() {
        text.push_str(&format!(
            "[{}] PROCESS_SERVICE_CHECK_RESULT;h;{s};{rc};result {i}\n",
            1_800_000_000 + i
        ));
    }
    text.push_str("[1800000100] NO_SUCH_COMMAND;x\n");
    write_fifo(&t.p("var/vigil.cmd"), &text, Duration::from_secs(10));
    let passive = [("kind", "service"), ("check_type", "passive")];
    let mut s = scrape(&url);
    assert!(
        wait_for(Duration::from_secs(20), || {
            s = scrape(&url);
            value(&s, "vigil_checks_total", &passive) == Some(7.0)
                && value(&s, "vigil_event_handler_runs_total", &[]) == Some(2.0)
                && value(
                    &s,
                    "vigil_objects",
                    &[("kind", "service"), ("state", "unknown")],
                ) == Some(1.0)
        }),
        "metrics never reached the run's values:\n{}\nlog:\n{}",
        ureq_get(&format!("{url}metrics")),
        t.log()
    );
    let v = |name: &str, labels: &[(&str, &str)]| value(&s, name, labels);
    assert_eq!(v("vigil_checks_total", &passive), Some(7.0));
    assert_eq!(v("vigil_checks_total", &[("check_type", "active")]), None);
    assert_eq!(
        v("vigil_external_commands_total", &[("result", "accepted")]),
        Some(7.0)
    );
    assert_eq!(
        v("vigil_external_commands_total", &[("result", "unknown")]),
        Some(1.0)
    );
    let alert = |state, n| {
        assert_eq!(
            v(
                "vigil_alerts_total",
                &[
                    ("kind", "service"),
                    ("state", state),
                    ("state_type", "HARD")
                ]
            ),
            n,
            "{state}"
        )
    };
    alert("CRITICAL", Some(2.0));
    alert("OK", Some(1.0));
    alert("WARNING", Some(1.0));
    alert("UNKNOWN", Some(1.0));
    assert_eq!(v("vigil_alerts_total", &[("state_type", "SOFT")]), None);
    assert_eq!(
        v(
            "vigil_event_handler_runs_total",
            &[("handler", "ok"), ("result", "exit_0")]
        ),
        Some(2.0)
    );
    for (state, n) in [
        ("ok", 1.0),
        ("warning", 1.0),
        ("critical", 0.0),
        ("unknown", 1.0),
        ("pending", 0.0),
    ] {
        assert_eq!(
            v("vigil_objects", &[("kind", "service"), ("state", state)]),
            Some(n),
            "{state}"
        );
    }
    assert_eq!(
        v("vigil_objects", &[("kind", "host"), ("state", "pending")]),
        Some(1.0)
    );
    // Every state change was committed to the state journal: at least one commit
    // was timed (how many passes they took depends on the timing).
    assert!(
        v("vigil_state_journal_commit_seconds", &[]).is_some_and(|n| n >= 1.0),
        "{:?}",
        s.samples.iter().map(|x| &x.metric).collect::<Vec<_>>()
    );
    assert!(v("vigil_loop_lag_seconds", &[]).is_some());
    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());
    assert!(!url_file.exists(), "URL file left behind");
}

const NOTIFY_OBJECTS: &str = "
define command {
    command_name ok
    command_line /bin/true
}
define command {
    command_name page
    command_line /bin/true
}
define timeperiod {
    timeperiod_name always
    alias always
    sunday 00:00-24:00
    monday 00:00-24:00
    tuesday 00:00-24:00
    wednesday 00:00-24:00
    thursday 00:00-24:00
    friday 00:00-24:00
    saturday 00:00-24:00
}
define contact {
    contact_name alice
    host_notification_period always
    service_notification_period always
    host_notification_options d,u,r
    service_notification_options w,u,c,r
    host_notification_commands page
    service_notification_commands page
}
define host {
    host_name h
    address 127.0.0.1
    check_command ok
    max_check_attempts 1
    active_checks_enabled 0
    notifications_enabled 0
}
define service {
    name passive
    host_name h
    check_command ok
    max_check_attempts 1
    active_checks_enabled 0
    notification_period always
    notification_interval 0
    register 0
}
define service {
    use passive
    service_description paged
    contacts alice
    notification_options c,r
}
define service {
    use passive
    service_description nobody
}
";

/// Notification counters from the core's decisions: `paged` (contact alice,
/// `notification_options c,r`) goes CRITICAL (PROBLEM sent, its command exits 0),
/// WARNING (suppressed: the options exclude `w`) and OK (RECOVERY sent); `nobody`
/// has no contact and goes CRITICAL (suppressed: no recipients).
#[test]
fn metrics_count_notifications() {
    let t = TestDir::new();
    let cfg = write_config(&t, "", NOTIFY_OBJECTS);
    let mut d = Daemon::start(
        &cfg,
        t.path(),
        &t.p("stderr.txt"),
        &["--http", "127.0.0.1:0"],
    );
    let url_file = t.p("var/vigil-http.url");
    assert!(
        wait_for(Duration::from_secs(20), || url_file.exists()),
        "no URL file; stderr:\n{}",
        d.stderr()
    );
    let url = std::fs::read_to_string(&url_file)
        .unwrap()
        .trim()
        .to_string();
    let mut text = String::new();
    for (i, (s, rc)) in [("paged", 2), ("paged", 1), ("paged", 0), ("nobody", 2)]
        .iter()
        .enumerate()
    {
        text.push_str(&format!(
            "[{}] PROCESS_SERVICE_CHECK_RESULT;h;{s};{rc};result {i}\n",
            1_800_000_000 + i
        ));
    }
    write_fifo(&t.p("var/vigil.cmd"), &text, Duration::from_secs(10));
    let total = |s: &prometheus_parse::Scrape| {
        s.samples
            .iter()
            .filter(|x| x.metric == "vigil_notifications_total")
            .map(|x| match x.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .sum::<f64>()
    };
    let mut s = scrape(&url);
    assert!(
        wait_for(Duration::from_secs(20), || {
            s = scrape(&url);
            total(&s) >= 4.0
                && value(&s, "vigil_notification_commands_total", &[]).unwrap_or(0.0) >= 2.0
        }),
        "notification metrics never reached the run's values:\n{}\nlog:\n{}",
        ureq_get(&format!("{url}metrics")),
        t.log()
    );
    let v = |name: &str, labels: &[(&str, &str)]| value(&s, name, labels);
    let n = "vigil_notifications_total";
    let svc = ("kind", "service");
    assert_eq!(total(&s), 4.0, "{:?}", s.samples);
    assert_eq!(
        v(n, &[svc, ("type", "PROBLEM"), ("result", "sent")]),
        Some(1.0)
    );
    assert_eq!(
        v(n, &[svc, ("type", "RECOVERY"), ("result", "sent")]),
        Some(1.0)
    );
    assert_eq!(
        v(
            n,
            &[
                svc,
                ("type", "PROBLEM"),
                ("result", "suppressed"),
                ("rule", "options_exclude")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        v(n, &[("result", "suppressed"), ("rule", "no_recipients")]),
        Some(1.0)
    );
    assert_eq!(
        v(
            "vigil_notification_contacts_total",
            &[("result", "notified")]
        ),
        Some(2.0)
    );
    assert_eq!(
        v("vigil_notification_commands_total", &[("result", "exit_0")]),
        Some(2.0)
    );
    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());
}
