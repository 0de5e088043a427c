//! Who may see and do what, through the real router and a core behind the command
//! channel: users from an htpasswd file written by Apache's `htpasswd` (apr1,
//! {SHA}, bcrypt), rights from a cgi.cfg, visibility from the contacts.
//!
//! * alice is the contact of host h1 only: she sees h1 and its services, nothing
//!   of h2, in the pages and in every API list; she may act on h1 (her contact has
//!   can_submit_commands), not on h2;
//! * bob is in the contact group of h2's service `db` only: he sees that service
//!   and not h2 itself;
//! * admin is authorized_for_all_* in cgi.cfg; carol is authorized_for_all_services
//!   and authorized_for_read_only: sees every service, may act on none;
//! * an action without the CSRF token, with another user's token, or by GET is
//!   refused; a wrong password is refused; without authentication the server will
//!   not bind a non-loopback address.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use vigil_core::Core;
use vigil_events::Event;
use vigil_web::{auth::Auth, cgicfg::CgiCfg, Parts, Paths, Settings};

const OBJECTS: &str = "
define command {
    command_name check_dummy
    command_line /bin/true
}
define command {
    command_name notify
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
    alias alice
    host_notification_period always
    service_notification_period always
    host_notification_commands notify
    service_notification_commands notify
    can_submit_commands 1
}
define contact {
    contact_name bob
    alias bob
    host_notification_period always
    service_notification_period always
    host_notification_commands notify
    service_notification_commands notify
    can_submit_commands 0
}
define contact {
    contact_name admin
    alias admin
    host_notification_period always
    service_notification_period always
    host_notification_commands notify
    service_notification_commands notify
}
define contactgroup {
    contactgroup_name dbas
    alias DBAs
    members bob
}
define host {
    host_name h1
    address 10.0.0.1
    check_command check_dummy
    max_check_attempts 1
    check_period always
    notification_period always
    contacts alice
    active_checks_enabled 0
}
define host {
    host_name h2
    address 10.0.0.2
    check_command check_dummy
    max_check_attempts 1
    check_period always
    notification_period always
    contacts admin
    active_checks_enabled 0
}
define service {
    host_name h1
    service_description http
    check_command check_dummy
    event_handler notify
    max_check_attempts 1
    check_period always
    notification_period always
    active_checks_enabled 0
}
define service {
    host_name h1
    service_description disk
    check_command check_dummy
    max_check_attempts 1
    check_period always
    notification_period always
    active_checks_enabled 0
}
define service {
    host_name h2
    service_description http
    check_command check_dummy
    max_check_attempts 1
    check_period always
    notification_period always
    active_checks_enabled 0
}
define service {
    host_name h2
    service_description db
    check_command check_dummy
    max_check_attempts 1
    check_period always
    notification_period always
    active_checks_enabled 0
    contact_groups dbas
}
";

const CGI_CFG: &str = "use_authentication=1
authorized_for_all_hosts=admin
authorized_for_all_services=admin,carol
authorized_for_all_host_commands=admin
authorized_for_all_service_commands=admin
authorized_for_read_only=carol
";

struct Fixture {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// A core with every service CRITICAL (passive results), behind the command
/// channel on a thread of its own, as the loop would be.
fn fixture(with_auth: bool) -> Fixture {
    fixture_with(with_auth, &[])
}

/// [`fixture`], with `setup` command lines carried out (and the core's timers run
/// once, so that downtimes starting now are in effect) before serving.
fn fixture_with(with_auth: bool, setup: &[&str]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("objects.cfg"), OBJECTS).unwrap();
    std::fs::write(
        d.join("nagios.cfg"),
        format!(
            "log_file={0}/vigil.log\ncfg_file={0}/objects.cfg\ncheck_external_commands=1\n",
            d.display()
        ),
    )
    .unwrap();
    let (model, _) = vigil_config::load(&d.join("nagios.cfg")).unwrap();
    let model = Arc::new(model);
    let users = with_auth.then(|| {
        vigil_web::auth::Htpasswd::load(&data("users.htpasswd"))
            .unwrap()
            .0
    });
    let cgi = CgiCfg::parse(CGI_CFG, Path::new("cgi.cfg")).unwrap();
    let paths = Paths {
        journal: d.join("vigil-handlers.jsonl"),
        log_file: d.join("vigil.log"),
    };
    let zone = vigil_config::zone::Zone::utc();
    let Parts { app, hooks } =
        vigil_web::parts(Auth::new(users, cgi), &paths, 10, zone.clone(), None);
    let mut observer = hooks.observer;
    let mut commands = hooks.commands;
    let now = 1_800_000_000.0;
    let mut core = Core::new(model, zone, now, 1);
    for (h, s) in [("h1", "http"), ("h1", "disk"), ("h2", "http"), ("h2", "db")] {
        core.handle_command(
            &format!("[1800000000] PROCESS_SERVICE_CHECK_RESULT;{h};{s};2;{h} {s} down"),
            now,
        );
    }
    for line in setup {
        core.handle_command(line, now);
    }
    core.handle_timeout(now + 1.0, 100, 0.0);
    let events = core.take_events();
    observer.flushed(&core, &events, None);
    std::thread::spawn(move || {
        while let Some(req) = commands.blocking_recv() {
            core.handle_command(&req.line, now);
            let events = core.take_events();
            observer.flushed(&core, &events, None);
            let answer = events
                .into_iter()
                .filter_map(|e| match e {
                    Event::Command(c) => Some(c),
                    _ => None,
                })
                .collect();
            let _ = req.reply.send(answer);
        }
    });
    Fixture {
        router: vigil_web::api::router(app),
        _dir: dir,
    }
}

fn basic(user: &str, pw: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pw}"))
    )
}

async fn call(
    f: &Fixture,
    method: Method,
    uri: &str,
    auth: Option<&str>,
    body: Option<(&str, String)>,
    extra: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(a) = auth {
        b = b.header("authorization", a);
    }
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    let req = match body {
        Some((ct, text)) => b.header("content-type", ct).body(Body::from(text)).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let resp = f.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn json(f: &Fixture, uri: &str, auth: &str) -> serde_json::Value {
    let (st, body) = call(f, Method::GET, uri, Some(auth), None, &[]).await;
    assert_eq!(st, StatusCode::OK, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn names(v: &serde_json::Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["service"].as_str() {
            Some(s) => format!("{}/{s}", r["host"].as_str().unwrap()),
            None => r["host"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn contact_of_one_host_sees_only_that_hosts_objects() {
    let f = fixture(true);
    let alice = basic("alice", "alice-pw");
    let v = json(&f, "/api/v1/services", &alice).await;
    assert_eq!(names(&v, "rows"), vec!["h1/http", "h1/disk"]);
    assert_eq!(v["total"], 2);
    let v = json(&f, "/api/v1/hosts", &alice).await;
    assert_eq!(names(&v, "rows"), vec!["h1"]);
    let v = json(&f, "/api/v1/problems", &alice).await;
    assert_eq!(names(&v, "problems"), vec!["h1/http", "h1/disk"]);
    let v = json(&f, "/api/v1/summary", &alice).await;
    assert_eq!(v["summary"]["services"]["CRITICAL"], 2);
    // h2's objects do not exist for her, in the API and in the pages.
    for uri in [
        "/api/v1/object?host=h2",
        "/api/v1/object?host=h2&service=http",
        "/object?host=h2&service=db",
    ] {
        let (st, _) = call(&f, Method::GET, uri, Some(&alice), None, &[]).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{uri}");
    }
    let (st, _) = call(
        &f,
        Method::GET,
        "/api/v1/object?host=h1&service=disk",
        Some(&alice),
        None,
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    for page in ["/", "/services", "/hosts", "/services?q=h"] {
        let (st, html) = call(&f, Method::GET, page, Some(&alice), None, &[]).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("data-host=\"h1\""), "{page}");
        assert!(
            !html.contains("data-host=\"h2\"") && !html.contains("host=h2"),
            "{page} shows h2:\n{html}"
        );
    }
    // Through a contact group, one service and not its host.
    let bob = basic("bob", "bob-pw");
    let v = json(&f, "/api/v1/services", &bob).await;
    assert_eq!(names(&v, "rows"), vec!["h2/db"]);
    assert_eq!(
        names(&json(&f, "/api/v1/hosts", &bob).await, "rows"),
        Vec::<String>::new()
    );
    // cgi.cfg's lists.
    let admin = basic("admin", "admin-pw");
    assert_eq!(json(&f, "/api/v1/services", &admin).await["total"], 4);
    assert_eq!(json(&f, "/api/v1/hosts", &admin).await["total"], 2);
    let carol = basic("carol", "carol-pw");
    assert_eq!(json(&f, "/api/v1/services", &carol).await["total"], 4);
    assert_eq!(json(&f, "/api/v1/hosts", &carol).await["total"], 0);
    // Filters and paging keep to what the user sees.
    let v = json(
        &f,
        "/api/v1/services?state=critical&per_page=1&page=2",
        &alice,
    )
    .await;
    assert_eq!(
        (v["total"].as_u64(), names(&v, "rows")),
        (Some(2), vec!["h1/disk".to_string()])
    );
}

async fn token(f: &Fixture, auth: &str) -> String {
    json(f, "/api/v1/session", auth).await["csrf_token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn action(host: &str, service: &str, action: &str) -> String {
    serde_json::json!({"action": action, "host": host, "service": service, "comment": "looking"})
        .to_string()
}

#[tokio::test]
async fn actions_need_the_csrf_token_post_and_the_right() {
    let f = fixture(true);
    let alice = basic("alice", "alice-pw");
    let t = token(&f, &alice).await;
    let jsn = |s: String| Some(("application/json", s));
    // No token, a wrong one, another user's: refused before anything is sent.
    let (st, body) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h1", "http", "disable_handlers")),
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("CSRF"), "{body}");
    let (st, _) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h1", "http", "disable_handlers")),
        &[("x-csrf-token", "00ff")],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let bob = basic("bob", "bob-pw");
    let bobs = token(&f, &bob).await;
    assert_ne!(bobs, t);
    let (st, _) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h1", "http", "disable_handlers")),
        &[("x-csrf-token", &bobs)],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // No action by GET.
    for uri in [
        "/api/v1/commands?action=disable_handlers&host=h1&service=http",
        "/action?action=disable_handlers&host=h1&service=http",
    ] {
        let (st, _) = call(&f, Method::GET, uri, Some(&alice), None, &[]).await;
        assert_eq!(st, StatusCode::METHOD_NOT_ALLOWED, "{uri}");
    }
    let v = json(&f, "/api/v1/object?host=h1&service=http", &alice).await;
    assert_eq!(v["handlers_enabled"], true, "nothing was carried out");
    // With her token, on her host: carried out by the core, and visible.
    let (st, body) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h1", "http", "disable_handlers")),
        &[("x-csrf-token", &t)],
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let a: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(a["ok"], true, "{a}");
    assert_eq!(a["command"], "DISABLE_SVC_EVENT_HANDLER;h1;http");
    // the publisher publishes at most every 300 ms
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let _ = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h1", "disk", "recheck")),
        &[("x-csrf-token", &t)],
    )
    .await;
    let v = json(&f, "/api/v1/object?host=h1&service=http", &alice).await;
    assert_eq!(v["handlers_enabled"], false);
    // The form path takes the token as a field.
    let form = format!("action=enable_handlers&host=h1&service=http&csrf={t}");
    let (st, html) = call(
        &f,
        Method::POST,
        "/action",
        Some(&alice),
        Some(("application/x-www-form-urlencoded", form)),
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("ENABLE_SVC_EVENT_HANDLER;h1;http") && html.contains("accepted"),
        "{html}"
    );
    let (st, _) = call(
        &f,
        Method::POST,
        "/action",
        Some(&alice),
        Some((
            "application/x-www-form-urlencoded",
            "action=enable_handlers&host=h1&service=http".into(),
        )),
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Not her object: h2 looks absent; bob's service without can_submit_commands.
    let (st, _) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&alice),
        jsn(action("h2", "http", "disable_handlers")),
        &[("x-csrf-token", &t)],
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&bob),
        jsn(action("h2", "db", "disable_handlers")),
        &[("x-csrf-token", &bobs)],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Read-only carol sees h2/db but may not act on it.
    let carol = basic("carol", "carol-pw");
    let ct = token(&f, &carol).await;
    let (st, _) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&carol),
        jsn(action("h2", "db", "recheck")),
        &[("x-csrf-token", &ct)],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Acknowledgements go through the same path and show vigil's answer.
    let admin = basic("admin", "admin-pw");
    let at = token(&f, &admin).await;
    let (st, body) = call(
        &f,
        Method::POST,
        "/api/v1/commands",
        Some(&admin),
        jsn(action("h2", "db", "acknowledge")),
        &[("x-csrf-token", &at)],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let a: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        a["command"], "ACKNOWLEDGE_SVC_PROBLEM;h2;db;2;1;1;admin;looking",
        "{a}"
    );
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused() {
    let f = fixture(true);
    for auth in [
        None,
        Some(basic("alice", "wrong")),
        Some(basic("mallory", "alice-pw")),
        Some("Bearer x".to_string()),
    ] {
        for uri in ["/", "/api/v1/services", "/metrics", "/api/v1/stream"] {
            let (st, _) = call(&f, Method::GET, uri, auth.as_deref(), None, &[]).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED, "{uri} {auth:?}");
        }
    }
    let (st, _) = call(
        &f,
        Method::GET,
        "/",
        Some(&basic("admin", "admin-pw")),
        None,
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn without_authentication_only_loopback() {
    let f = fixture(false);
    // Loopback, no auth: everything, as the default user.
    let (st, body) = call(&f, Method::GET, "/api/v1/session", None, None, &[]).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("\"authentication\":false"), "{body}");
    // A non-loopback address is refused by start() before it binds.
    let d = tempfile::tempdir().unwrap();
    let paths = Paths {
        journal: d.path().join("j"),
        log_file: d.path().join("l"),
    };
    for addr in ["0.0.0.0:0", "[::]:0"] {
        let s = Settings {
            listen: Some(addr.parse().unwrap()),
            htpasswd: None,
            cgi_cfg: None,
        };
        let e = vigil_web::start(
            &s,
            Auth::new(None, CgiCfg::default()),
            &paths,
            1,
            vigil_config::zone::Zone::utc(),
        )
        .err()
        .expect("refused");
        assert!(e.to_string().contains("without authentication"), "{e}");
    }
    let s = Settings {
        listen: Some("127.0.0.1:0".parse().unwrap()),
        htpasswd: None,
        cgi_cfg: None,
    };
    let started = vigil_web::start(
        &s,
        Auth::new(None, CgiCfg::default()),
        &paths,
        1,
        vigil_config::zone::Zone::utc(),
    )
    .unwrap();
    assert!(started.addr.ip().is_loopback());
}

#[tokio::test]
async fn what_would_run_answers_from_the_snapshot() {
    let f = fixture(true);
    let alice = basic("alice", "alice-pw");
    let v = json(
        &f,
        "/api/v1/whatif?host=h1&service=http&state=CRITICAL&type=SOFT&attempt=1",
        &alice,
    )
    .await;
    assert_eq!(v["would_run"][0]["command"], "/bin/true", "{v}");
    assert_eq!(v["would_run"][0]["handler"], "object");
    assert_eq!(
        v["log"][0], "SERVICE EVENT HANDLER: h1;http;CRITICAL;SOFT;1;notify",
        "{v}"
    );
    let v = json(
        &f,
        "/api/v1/whatif?host=h1&service=disk&state=CRITICAL",
        &alice,
    )
    .await;
    assert_eq!(v["would_run"], serde_json::json!([]));
    assert!(
        v["reason"].as_str().unwrap().contains("no event handler"),
        "{v}"
    );
    // Asking changes nothing: the service is still as the core has it.
    let o = json(&f, "/api/v1/object?host=h1&service=http", &alice).await;
    assert_eq!(
        (o["state"].as_str(), o["attempt"].as_u64()),
        (Some("CRITICAL"), Some(1))
    );
    let (st, _) = call(
        &f,
        Method::GET,
        "/api/v1/whatif?host=h1&service=http&state=BROKEN",
        Some(&alice),
        None,
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // Not for objects one may not command (the answer shows expanded command lines).
    let carol = basic("carol", "carol-pw");
    let (st, _) = call(
        &f,
        Method::GET,
        "/api/v1/whatif?host=h1&service=http&state=CRITICAL",
        Some(&carol),
        None,
        &[],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_take_numeric_paging() {
    let f = fixture(true);
    let admin = basic("admin", "admin-pw");
    for uri in [
        "/services?page=2&per_page=1",
        "/hosts?page=2&per_page=1&fragment=1",
        "/services?state=critical&page=1",
    ] {
        let (st, body) = call(&f, Method::GET, uri, Some(&admin), None, &[]).await;
        assert_eq!(st, StatusCode::OK, "{uri}: {body}");
    }
    let (_, body) = call(
        &f,
        Method::GET,
        "/services?page=2&per_page=1",
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert!(
        body.contains("data-host=\"h1\" data-service=\"disk\""),
        "{body}"
    );
    assert!(body.contains("page 2 of 4"), "{body}");
}

#[tokio::test]
async fn filters_narrow_by_state_text_and_host() {
    let f = fixture(true);
    let admin = basic("admin", "admin-pw");
    let q = |uri: &'static str| {
        let f = &f;
        let admin = admin.clone();
        async move { names(&json(f, uri, &admin).await, "rows") }
    };
    // The outputs are "<host> <service> down"; text matches names and output,
    // case-insensitively.
    assert_eq!(q("/api/v1/services?q=DISK").await, vec!["h1/disk"]);
    assert_eq!(
        q("/api/v1/services?q=h2&state=critical").await,
        vec!["h2/http", "h2/db"]
    );
    assert_eq!(
        q("/api/v1/services?q=down&host=h2").await,
        vec!["h2/http", "h2/db"]
    );
    assert_eq!(q("/api/v1/services?state=ok").await, Vec::<String>::new());
    assert_eq!(q("/api/v1/services?state=ok,problem").await.len(), 4);
    assert_eq!(
        q("/api/v1/services?group=nosuch").await,
        Vec::<String>::new()
    );
    assert_eq!(
        q("/api/v1/services?host=nosuch").await,
        Vec::<String>::new()
    );
    // The same filters for a user who sees part of it.
    let alice = basic("alice", "alice-pw");
    let v = json(&f, "/api/v1/services?q=down", &alice).await;
    assert_eq!(names(&v, "rows"), vec!["h1/http", "h1/disk"]);
}

/// The problems split by the core's own facts: h1/http acknowledged (sticky), h2
/// in a fixed downtime (its services count as in downtime), h1/disk unhandled; the
/// object views carry the acknowledgement, the comments and the downtime.
#[tokio::test]
async fn problems_split_by_acknowledgement_and_downtime() {
    let f = fixture_with(
        true,
        &[
            "[1800000000] ACKNOWLEDGE_SVC_PROBLEM;h1;http;2;0;1;admin;on it",
            "[1800000000] SCHEDULE_HOST_DOWNTIME;h2;1799999000;1800009000;1;0;0;admin;maintenance",
        ],
    );
    let admin = basic("admin", "admin-pw");
    let v = json(&f, "/api/v1/problems", &admin).await;
    let handling: Vec<(String, String)> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                format!(
                    "{}/{}",
                    p["host"].as_str().unwrap(),
                    p["service"].as_str().unwrap()
                ),
                p["handling"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let h = |a: &str, b: &str| (a.to_string(), b.to_string());
    // Unhandled first, then the handled ones in the index's order.
    assert_eq!(
        handling,
        vec![
            h("h1/disk", "unhandled"),
            h("h1/http", "acknowledged"),
            h("h2/http", "downtime"),
            h("h2/db", "downtime"),
        ],
        "{v}"
    );
    let o = json(&f, "/api/v1/object?host=h1&service=http", &admin).await;
    assert_eq!(o["acknowledged"], true, "{o}");
    assert_eq!(o["ack_type"], "sticky");
    assert_eq!(o["comments"][0]["kind"], "acknowledgement", "{o}");
    assert_eq!(o["comments"][0]["author"], "admin");
    assert_eq!(o["comments"][0]["text"], "on it");
    let o = json(&f, "/api/v1/object?host=h2&service=db", &admin).await;
    assert_eq!(
        (o["downtime_depth"].as_u64(), &o["host_in_downtime"]),
        (Some(0), &serde_json::json!(true)),
        "{o}"
    );
    let o = json(&f, "/api/v1/object?host=h2", &admin).await;
    assert_eq!(o["downtime_depth"], 1, "{o}");
    assert_eq!(o["downtimes"][0]["comment"], "maintenance", "{o}");
    assert_eq!(o["downtimes"][0]["in_effect"], true);
    assert_eq!(o["downtimes"][0]["fixed"], true);
    assert_eq!(o["comments"][0]["kind"], "downtime", "{o}");
    // The pages: only h1/disk among the unhandled; the object page shows them.
    let (_, page) = call(&f, Method::GET, "/", Some(&admin), None, &[]).await;
    let (unhandled, handled) = page.split_once("id=\"handled\"").unwrap();
    assert!(unhandled.contains("data-service=\"disk\""), "{page}");
    assert!(!unhandled.contains("data-service=\"http\""), "{page}");
    assert!(handled.contains("data-handling=\"acknowledged\""), "{page}");
    let (_, page) = call(
        &f,
        Method::GET,
        "/object?host=h1&service=http",
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert!(page.contains("acknowledged (sticky) by admin: "), "{page}");
    let (_, page) = call(&f, Method::GET, "/object?host=h2", Some(&admin), None, &[]).await;
    assert!(page.contains("in scheduled downtime"), "{page}");
    assert!(page.contains("data-kind=\"downtime\""), "{page}");
}
