//! The routes: HTML pages, the JSON API (the UI's own, documented in the README),
//! actions by POST with a CSRF token, server-sent events for live updates, and
//! `/metrics`. Every route authenticates first and shows only what the user may
//! see; every action is authorised per object.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use tokio_stream::{Stream, StreamExt as _};
use vigil_core::{ObjRef, Snapshot};
use vigil_engine::hooks::CommandRequest;
use vigil_events::{CommandEvent, Event, StateType};

use crate::auth::{AuthError, User};
use crate::publish::Published;
use crate::query::{self, Filter};
use crate::App;

/// The router of every route.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(crate::pages::problems_page))
        .route("/services", get(crate::pages::services_page))
        .route("/hosts", get(crate::pages::hosts_page))
        .route("/object", get(crate::pages::object_page))
        .route("/handler", get(crate::pages::handler_page))
        .route("/action", post(action_form))
        .route("/static/app.js", get(app_js))
        .route("/static/style.css", get(style_css))
        .route("/metrics", get(metrics))
        .route("/api/v1/session", get(session))
        .route("/api/v1/problems", get(api_problems))
        .route("/api/v1/summary", get(api_summary))
        .route("/api/v1/hosts", get(api_hosts))
        .route("/api/v1/services", get(api_services))
        .route("/api/v1/object", get(api_object))
        .route("/api/v1/handlers", get(api_handlers))
        .route("/api/v1/notifications", get(api_notifications))
        .route("/api/v1/whatif", get(api_whatif))
        .route("/api/v1/commands", post(api_command))
        .route("/api/v1/stream", get(stream))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A request's answer when it is refused or fails.
#[derive(Debug)]
pub enum ApiError {
    /// Not authenticated (401 with a Basic challenge).
    Auth(AuthError),
    /// Not allowed (403).
    Forbidden(String),
    /// No such object (404).
    NotFound(String),
    /// Bad request (400).
    Bad(String),
    /// No snapshot yet, or the loop did not answer (503).
    Unavailable(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, msg) = match self {
            ApiError::Auth(e) => {
                let mut r = (
                    StatusCode::UNAUTHORIZED,
                    Json(serde_json::json!({"error": e.to_string()})),
                )
                    .into_response();
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"vigil\", charset=\"UTF-8\""),
                );
                return r;
            }
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ApiError::Bad(m) => (StatusCode::BAD_REQUEST, m),
            ApiError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, m),
        };
        (code, Json(serde_json::json!({ "error": msg }))).into_response()
    }
}

/// A request's user and the snapshot it reads.
pub struct Ctx {
    /// The user.
    pub user: User,
    /// Their CSRF token.
    pub csrf: String,
    /// The published state.
    pub published: Arc<Published>,
    snap: Snapshot,
}

impl Ctx {
    /// The snapshot's index.
    pub fn index(&self) -> Arc<crate::index::SnapIndex> {
        self.published.index().unwrap_or_default()
    }

    /// The snapshot.
    pub fn snap(&self) -> &Snapshot {
        &self.snap
    }
}

/// Authenticates the request and takes the latest snapshot.
pub fn ctx(app: &App, headers: &HeaderMap) -> Result<Ctx, ApiError> {
    let published = app.published.borrow().clone();
    let Some(snap) = published.snapshot.clone() else {
        return Err(ApiError::Unavailable("vigil is starting".into()));
    };
    let authz = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let user = app
        .auth
        .identify(authz, snap.model())
        .map_err(ApiError::Auth)?;
    let csrf = app.auth.csrf_token(&user.name);
    Ok(Ctx {
        user,
        csrf,
        published,
        snap,
    })
}

/// `host` + optional `service` of a request.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ObjQuery {
    /// Host name.
    pub host: String,
    /// Service description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

/// Resolves an object the user may see.
pub fn resolve(c: &Ctx, host: &str, service: Option<&str>) -> Result<ObjRef, ApiError> {
    let model = c.snap().model();
    let not_found = || {
        ApiError::NotFound(match service {
            Some(s) => format!("no service '{s}' on host '{host}'"),
            None => format!("no host '{host}'"),
        })
    };
    let h = model.find_host(host).ok_or_else(not_found)?;
    match service.filter(|s| !s.is_empty()) {
        Some(s) => {
            let id = model.find_service(host, s).ok_or_else(not_found)?;
            // Not visible looks the same as not there.
            if c.user.sees_service(id, h) {
                Ok(ObjRef::Service(id))
            } else {
                Err(not_found())
            }
        }
        None if c.user.sees_host(h) => Ok(ObjRef::Host(h)),
        None => Err(not_found()),
    }
}

fn may_command(c: &Ctx, obj: ObjRef) -> bool {
    let model = c.snap().model();
    match obj {
        ObjRef::Host(h) => c.user.commands_host(h),
        ObjRef::Service(s) => model
            .services
            .get(s.idx())
            .is_some_and(|svc| c.user.commands_service(s, svc.host)),
    }
}

async fn app_js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../assets/app.js"),
    )
}

async fn style_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/style.css"),
    )
}

async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    ctx(&app, &headers)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response())
}

async fn session(State(app): State<Arc<App>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    Ok(Json(serde_json::json!({
        "user": c.user.name,
        "csrf_token": c.csrf,
        "authentication": app.auth.enabled(),
        "generation": c.published.generation,
    }))
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct Limit {
    #[serde(default)]
    limit: Option<usize>,
}

async fn api_problems(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(l): Query<Limit>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let (total, mut rows) = query::problems(c.snap(), &c.index(), &c.user, l.limit.unwrap_or(1000));
    attach_last_runs(&app, &mut rows);
    Ok(Json(serde_json::json!({ "total": total, "problems": rows })).into_response())
}

/// Sets each problem's latest handler run.
pub fn attach_last_runs(app: &App, rows: &mut [query::Problem]) {
    if rows.is_empty() {
        return;
    }
    app.runs.with(|runs| {
        for p in rows.iter_mut() {
            p.last_handler = runs
                .iter()
                .rev()
                .find(|r| !r.dry_run && r.is_for(&p.host, p.service.as_deref()))
                .cloned();
        }
    });
}

async fn api_summary(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    Ok(Json(serde_json::json!({
        "at": c.snap().at,
        "generation": c.published.generation,
        "summary": query::summary(c.snap(), &c.index(), &c.user),
    }))
    .into_response())
}

async fn api_hosts(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(f): Query<Filter>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    Ok(Json(query::hosts(c.snap(), &c.user, &f)).into_response())
}

async fn api_services(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(f): Query<Filter>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let groups = app.groups(c.snap().model());
    Ok(Json(query::services(c.snap(), &c.index(), &groups, &c.user, &f)).into_response())
}

/// Everything the object page shows, as data.
#[derive(Debug, Serialize)]
pub struct ObjectView {
    /// Host name.
    pub host: String,
    /// Service description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// State fields.
    #[serde(flatten)]
    pub st: query::StateView,
    /// Long output (as plugins print it, unescaped).
    pub long_output: String,
    /// Performance data.
    pub perfdata: String,
    /// Check command as configured.
    pub check_command: Option<String>,
    /// Event handler as configured or changed at run time.
    pub event_handler: Option<String>,
    /// Percent state change.
    pub percent_state_change: f64,
    /// Recent perfdata (time, perfdata) kept while the page is watched.
    pub perf_history: Vec<(f64, String)>,
    /// State history from the log file (newest last).
    pub history: Vec<HistoryItem>,
    /// Every recorded handler run on it (newest last).
    pub handler_runs: Vec<crate::runs::Run>,
    /// Notification journal entries on it (newest last).
    pub notifications: Vec<serde_json::Value>,
    /// Notification lines of the log file on it.
    pub notification_log: Vec<HistoryItem>,
    /// Its comments (user, acknowledgement, downtime, flapping), in id order.
    pub comments: Vec<CommentView>,
    /// Its scheduled downtimes, in the core's list order.
    pub downtimes: Vec<DowntimeView>,
    /// Whether the user may submit commands for it.
    pub can_command: bool,
}

/// One comment on an object, as the core's comment book holds it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    /// `comment_id`.
    pub id: u64,
    /// `user`, `downtime`, `flapping` or `acknowledgement`.
    pub kind: &'static str,
    /// Author (data, never markup).
    pub author: String,
    /// Text (data, never markup).
    pub text: String,
    /// Unix seconds.
    pub entry_time: i64,
    /// Kept across restarts.
    pub persistent: bool,
    /// When it expires (Unix seconds), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
}

impl CommentView {
    fn of(c: &vigil_state::Comment) -> CommentView {
        use vigil_state::CommentKind;
        CommentView {
            id: c.id,
            kind: match c.kind {
                CommentKind::User => "user",
                CommentKind::Downtime => "downtime",
                CommentKind::Flapping => "flapping",
                CommentKind::Acknowledgement => "acknowledgement",
            },
            author: c.author.clone(),
            text: c.text.clone(),
            entry_time: c.entry_time,
            persistent: c.persistent,
            expires: c.expires.then_some(c.expire_time),
        }
    }
}

/// One scheduled downtime of an object, as the core's downtime book holds it.
#[derive(Debug, Clone, Serialize)]
pub struct DowntimeView {
    /// `downtime_id`.
    pub id: u64,
    /// Window start, Unix seconds.
    pub start_time: i64,
    /// Window end.
    pub end_time: i64,
    /// Fixed (start to end) or flexible (`duration` from the first problem).
    pub fixed: bool,
    /// Seconds (flexible downtimes).
    pub duration: u64,
    /// In effect now.
    pub in_effect: bool,
    /// The downtime that triggers this one (0: none).
    pub triggered_by: u64,
    /// Author.
    pub author: String,
    /// Comment.
    pub comment: String,
}

impl DowntimeView {
    fn of(d: &vigil_state::Downtime) -> DowntimeView {
        DowntimeView {
            id: d.id,
            start_time: d.start_time,
            end_time: d.end_time,
            fixed: d.fixed,
            duration: d.duration,
            in_effect: d.is_in_effect,
            triggered_by: d.triggered_by,
            author: d.author.clone(),
            comment: d.comment.clone(),
        }
    }
}

/// One line of an object's history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    /// Unix seconds.
    pub time: i64,
    /// What kind of line (`alert`, `state`, `handler`, `notification`).
    pub kind: &'static str,
    /// State name (alerts, states).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// SOFT / HARD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_type: Option<String>,
    /// Attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// Output or the line's rest.
    pub text: String,
}

/// How much of the log file's end is read for an object's history.
const LOG_TAIL: u64 = 8 * 1024 * 1024;

/// The parsed lines of the end of the log file.
pub fn log_tail(path: &std::path::Path) -> Vec<crate::logparse::LogLine> {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let from = len.saturating_sub(LOG_TAIL);
    if f.seek(SeekFrom::Start(from)).is_err() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    if f.read_to_end(&mut buf).is_err() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.lines();
    if from > 0 {
        lines.next(); // a partial first line
    }
    lines.filter_map(crate::logparse::parse_line).collect()
}

/// Builds the object view (reads the journals and the log file).
pub fn object_view(app: &App, c: &Ctx, obj: ObjRef) -> Option<ObjectView> {
    use crate::logparse::LogEntry;
    let snap = c.snap();
    let model = snap.model();
    let (host, service, st, long, perf, check, handler, pct) = match obj {
        ObjRef::Host(h) => {
            let m = model.hosts.get(h.idx())?;
            let st = snap.host(h);
            (
                m.name.clone(),
                None,
                st.map(|s| query::state_view(s, m.settings.max_check_attempts, false)),
                st.map(|s| s.output.long.clone()).unwrap_or_default(),
                st.map(|s| s.output.perfdata.clone()).unwrap_or_default(),
                m.settings.check_command.as_ref().map(|c| c.raw.clone()),
                st.and_then(|s| s.attrs.event_handler.clone())
                    .or_else(|| m.settings.event_handler.as_ref().map(|c| c.raw.clone())),
                st.map(|s| s.percent_state_change).unwrap_or(0.0),
            )
        }
        ObjRef::Service(s) => {
            let m = model.services.get(s.idx())?;
            let st = snap.service(s);
            (
                model
                    .hosts
                    .get(m.host.idx())
                    .map(|h| h.name.clone())
                    .unwrap_or_default(),
                Some(m.description.as_str().to_string()),
                st.map(|x| {
                    query::state_view(
                        x,
                        m.settings.max_check_attempts,
                        query::host_in_downtime(snap, m.host),
                    )
                }),
                st.map(|x| x.output.long.clone()).unwrap_or_default(),
                st.map(|x| x.output.perfdata.clone()).unwrap_or_default(),
                m.settings.check_command.as_ref().map(|c| c.raw.clone()),
                st.and_then(|x| x.attrs.event_handler.clone())
                    .or_else(|| m.settings.event_handler.as_ref().map(|c| c.raw.clone())),
                st.map(|x| x.percent_state_change).unwrap_or(0.0),
            )
        }
    };
    let key = (host.clone(), service.clone());
    app.perf.watch(&key);
    let mut history = Vec::new();
    let mut notification_log = Vec::new();
    for l in log_tail(&app.log_file) {
        if l.object() != Some((host.as_str(), service.as_deref())) {
            continue;
        }
        match l.entry {
            LogEntry::Alert(r) | LogEntry::State(r) => history.push(HistoryItem {
                time: l.time,
                kind: "alert",
                state: Some(r.state.name().to_string()),
                state_type: Some(r.state_type.name().to_string()),
                attempt: Some(r.attempt),
                text: r.output,
            }),
            LogEntry::Handler { directive, .. } => history.push(HistoryItem {
                time: l.time,
                kind: "handler",
                state: None,
                state_type: None,
                attempt: None,
                text: directive,
            }),
            LogEntry::Notification { contact, rest, .. } => notification_log.push(HistoryItem {
                time: l.time,
                kind: "notification",
                state: None,
                state_type: None,
                attempt: None,
                text: format!("{contact}: {rest}"),
            }),
            _ => {}
        }
    }
    let handler_runs = app.runs.with(|r| {
        r.iter()
            .filter(|r| r.is_for(&host, service.as_deref()))
            .cloned()
            .collect()
    });
    let notifications = app.notifications.with(|n| {
        n.iter()
            .filter(|v| crate::runs::notification_is_for(v, &host, service.as_deref()))
            .cloned()
            .collect()
    });
    Some(ObjectView {
        st: st?,
        long_output: unescape_long(&long),
        perfdata: perf,
        check_command: check,
        event_handler: handler.filter(|h| !h.is_empty()),
        percent_state_change: pct,
        perf_history: app.perf.get(&key),
        history,
        handler_runs,
        notifications,
        notification_log,
        comments: snap
            .comments_of(obj)
            .into_iter()
            .map(CommentView::of)
            .collect(),
        downtimes: snap
            .downtimes_of(obj)
            .into_iter()
            .map(DowntimeView::of)
            .collect(),
        can_command: may_command(c, obj),
        host,
        service,
    })
}

/// Long output is stored escaped (`\n` as two characters, `\` doubled).
fn unescape_long(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(ch) = it.next() {
        if ch == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(ch);
        }
    }
    out
}

async fn api_object(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ObjQuery>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let obj = resolve(&c, &q.host, q.service.as_deref())?;
    let app2 = app.clone();
    let v = tokio::task::spawn_blocking(move || object_view(&app2, &c, obj))
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?
        .ok_or_else(|| ApiError::NotFound(q.host.clone()))?;
    Ok(Json(v).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RunsQuery {
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    service: Option<String>,
    /// Handler command name.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    last: Option<usize>,
}

/// Whether the user may see the runs of `host`/`service`.
pub fn sees_named(c: &Ctx, host: &str, service: Option<&str>) -> bool {
    resolve(c, host, service).is_ok()
}

async fn api_handlers(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<RunsQuery>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let runs: Vec<_> = app.runs.with(|runs| {
        runs.iter()
            .filter(|r| q.host.as_ref().is_none_or(|h| &r.host == h))
            .filter(|r| {
                q.service
                    .as_ref()
                    .is_none_or(|s| r.service.as_ref() == Some(s))
            })
            .filter(|r| q.name.as_ref().is_none_or(|n| r.command_name() == n))
            .filter(|r| sees_named(&c, &r.host, r.service.as_deref()))
            .cloned()
            .collect()
    });
    let skip = runs.len().saturating_sub(q.last.unwrap_or(usize::MAX));
    Ok(Json(serde_json::json!({ "runs": &runs[skip..] })).into_response())
}

async fn api_notifications(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<RunsQuery>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let present = app.notifications.path().exists();
    let items: Vec<_> = app.notifications.with(|n| {
        n.iter()
            .filter(|v| {
                let h = v
                    .get("host")
                    .or_else(|| v.get("host_name"))
                    .and_then(|x| x.as_str());
                let s = v
                    .get("service")
                    .or_else(|| v.get("service_description"))
                    .and_then(|x| x.as_str());
                h.is_some_and(|h| {
                    q.host.as_ref().is_none_or(|qh| qh == h)
                        && q.service.as_ref().is_none_or(|qs| Some(qs.as_str()) == s)
                        && sees_named(&c, h, s)
                })
            })
            .cloned()
            .collect()
    });
    let skip = items.len().saturating_sub(q.last.unwrap_or(usize::MAX));
    Ok(
        Json(serde_json::json!({ "journal_present": present, "notifications": &items[skip..] }))
            .into_response(),
    )
}

/// A "what would run" question.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WhatIf {
    /// Host name.
    pub host: String,
    /// Service description.
    #[serde(default)]
    pub service: Option<String>,
    /// State name (`CRITICAL`, `DOWN`, ...).
    pub state: String,
    /// `SOFT` / `HARD`.
    #[serde(default, rename = "type")]
    pub state_type: Option<String>,
    /// Attempt (default 1).
    #[serde(default)]
    pub attempt: Option<u32>,
}

/// The answer: what `vigil fire --dry-run` would print.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIfAnswer {
    /// The log lines the run would write.
    pub log: Vec<String>,
    /// Each handler that would run.
    pub would_run: Vec<WouldRun>,
    /// Why nothing would run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One handler that would run.
#[derive(Debug, Clone, Serialize)]
pub struct WouldRun {
    /// `global` or `object`.
    pub handler: String,
    /// The directive.
    pub directive: String,
    /// The expanded command line as displayed.
    pub command: String,
    /// How it would be executed.
    pub exec: String,
    /// Seconds before it is killed.
    pub timeout_seconds: f64,
}

fn describe_plan(p: &vigil_cmdline::Plan) -> String {
    match p {
        vigil_cmdline::Plan::Direct { argv, env } => {
            let mut s = String::from("exec");
            for (k, v) in env {
                s.push_str(&format!(" {k}={v:?}"));
            }
            for a in argv {
                s.push_str(&format!(" {a:?}"));
            }
            s
        }
        vigil_cmdline::Plan::Shell { script, env } => {
            let mut s = format!("/bin/sh -c {script:?}");
            for (k, v) in env {
                s.push_str(&format!(" with {k}={v:?}"));
            }
            s
        }
    }
}

/// The transition a "what would run" question asks about: its state (a state name
/// of the object's kind, any case), state type (`SOFT` / `HARD`, default HARD) and
/// attempt (default and at least 1).
pub fn transition(
    kind: vigil_events::ObjKind,
    q: &WhatIf,
) -> Result<(vigil_events::AnyState, StateType, u32), ApiError> {
    let state =
        vigil_events::AnyState::parse(kind, &q.state.to_ascii_uppercase()).ok_or_else(|| {
            ApiError::Bad(format!(
                "'{}' is not a {} state",
                q.state,
                kind.word().to_ascii_lowercase()
            ))
        })?;
    let ty = match q
        .state_type
        .as_deref()
        .unwrap_or("HARD")
        .to_ascii_uppercase()
        .as_str()
    {
        "SOFT" => StateType::Soft,
        "HARD" => StateType::Hard,
        o => return Err(ApiError::Bad(format!("'{o}' is not SOFT or HARD"))),
    };
    Ok((state, ty, q.attempt.unwrap_or(1).max(1)))
}

/// Answers a "what would run" question on a core built from the snapshot:
/// `Core::fire`, which queues the handlers' jobs and starts nothing.
pub fn what_if(app: &App, c: &Ctx, q: &WhatIf) -> Result<WhatIfAnswer, ApiError> {
    let obj = resolve(c, &q.host, q.service.as_deref())?;
    if !may_command(c, obj) {
        return Err(ApiError::Forbidden(
            "you may not submit commands for this object (the answer shows expanded command lines)"
                .into(),
        ));
    }
    let kind = match obj {
        ObjRef::Host(_) => vigil_events::ObjKind::Host,
        ObjRef::Service(_) => vigil_events::ObjKind::Service,
    };
    let (state, ty, attempt) = transition(kind, q)?;
    let snap = c.snap();
    let mut core = snap.to_core(app.zone.clone(), std::process::id());
    let spawns = core.fire(obj, state.id(), ty, attempt, snap.at);
    let log: Vec<String> = core.take_events().iter().flat_map(Event::lines).collect();
    let reason = spawns.is_empty().then(|| {
        if !core.program().enable_event_handlers {
            "event handlers are disabled (enable_event_handlers=0)".to_string()
        } else {
            "no event handler is configured or enabled for this object".to_string()
        }
    });
    Ok(WhatIfAnswer {
        log,
        would_run: spawns
            .iter()
            .map(|(run, job)| WouldRun {
                handler: match run.kind {
                    vigil_events::HandlerKind::Global => "global".into(),
                    vigil_events::HandlerKind::Object => "object".into(),
                },
                directive: run.directive.clone(),
                command: run.command.clone(),
                exec: describe_plan(&job.plan),
                timeout_seconds: job.timeout,
            })
            .collect(),
        reason,
    })
}

async fn api_whatif(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<WhatIf>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let app2 = app.clone();
    let a = tokio::task::spawn_blocking(move || what_if(&app2, &c, &q))
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))??;
    Ok(Json(a).into_response())
}

/// An action on an object.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Action {
    /// What to do: `recheck`, `acknowledge`, `remove_acknowledgement`,
    /// `schedule_downtime`, `add_comment`, `enable_checks`, `disable_checks`,
    /// `enable_handlers`, `disable_handlers`, `enable_notifications`,
    /// `disable_notifications`.
    pub action: String,
    /// Host name.
    pub host: String,
    /// Service description (service actions).
    #[serde(default)]
    pub service: Option<String>,
    /// Comment text (acknowledge, downtime, comment).
    #[serde(default)]
    pub comment: Option<String>,
    /// Downtime length in minutes (default 60).
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Sticky acknowledgement.
    #[serde(default)]
    pub sticky: Option<bool>,
    /// The CSRF token (form posts; the API takes the `X-CSRF-Token` header too).
    #[serde(default)]
    pub csrf: Option<String>,
}

/// The answer to an action: the command line and what vigil said about it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionAnswer {
    /// Carried out.
    pub ok: bool,
    /// The external command submitted.
    pub command: String,
    /// vigil's answer: `accepted`, or why not.
    pub result: String,
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The external command line of an action.
pub fn command_line(a: &Action, author: &str, now: i64) -> Result<String, ApiError> {
    let h = &a.host;
    let svc = a.service.as_deref().filter(|s| !s.is_empty());
    let comment = clean(a.comment.as_deref().unwrap_or(""));
    let need_comment = || {
        if comment.is_empty() {
            Err(ApiError::Bad("a comment is required".into()))
        } else {
            Ok(())
        }
    };
    let author = clean(author);
    let body = match (a.action.as_str(), svc) {
        ("recheck", Some(s)) => format!("SCHEDULE_FORCED_SVC_CHECK;{h};{s};{now}"),
        ("recheck", None) => format!("SCHEDULE_FORCED_HOST_CHECK;{h};{now}"),
        ("acknowledge", s) => {
            need_comment()?;
            let sticky = if a.sticky.unwrap_or(true) { 2 } else { 1 };
            match s {
                Some(s) => {
                    format!("ACKNOWLEDGE_SVC_PROBLEM;{h};{s};{sticky};1;1;{author};{comment}")
                }
                None => format!("ACKNOWLEDGE_HOST_PROBLEM;{h};{sticky};1;1;{author};{comment}"),
            }
        }
        ("remove_acknowledgement", Some(s)) => format!("REMOVE_SVC_ACKNOWLEDGEMENT;{h};{s}"),
        ("remove_acknowledgement", None) => format!("REMOVE_HOST_ACKNOWLEDGEMENT;{h}"),
        ("schedule_downtime", s) => {
            need_comment()?;
            let secs = i64::from(a.minutes.unwrap_or(60).clamp(1, 525_600)) * 60;
            // A clock at the end of i64 (the builder is public; the fuzzer's clock
            // is arbitrary) ends the window there instead of overflowing.
            let end = now.saturating_add(secs);
            match s {
                Some(s) => format!(
                    "SCHEDULE_SVC_DOWNTIME;{h};{s};{now};{end};1;0;{secs};{author};{comment}"
                ),
                None => {
                    format!("SCHEDULE_HOST_DOWNTIME;{h};{now};{end};1;0;{secs};{author};{comment}")
                }
            }
        }
        ("add_comment", s) => {
            need_comment()?;
            match s {
                Some(s) => format!("ADD_SVC_COMMENT;{h};{s};1;{author};{comment}"),
                None => format!("ADD_HOST_COMMENT;{h};1;{author};{comment}"),
            }
        }
        (
            act @ ("enable_checks"
            | "disable_checks"
            | "enable_handlers"
            | "disable_handlers"
            | "enable_notifications"
            | "disable_notifications"),
            s,
        ) => {
            let verb = if act.starts_with("enable") {
                "ENABLE"
            } else {
                "DISABLE"
            };
            let what = match (act.split_once('_').map_or("", |x| x.1), s.is_some()) {
                ("checks", true) => "SVC_CHECK",
                ("checks", false) => "HOST_CHECK",
                ("handlers", true) => "SVC_EVENT_HANDLER",
                ("handlers", false) => "HOST_EVENT_HANDLER",
                ("notifications", true) => "SVC_NOTIFICATIONS",
                _ => "HOST_NOTIFICATIONS",
            };
            match s {
                Some(s) => format!("{verb}_{what};{h};{s}"),
                None => format!("{verb}_{what};{h}"),
            }
        }
        (other, _) => return Err(ApiError::Bad(format!("unknown action '{other}'"))),
    };
    Ok(format!("[{now}] {body}"))
}

/// Carries out an action for the request's user: authorisation, CSRF, the command
/// line sent to the loop, and the loop's answer.
pub async fn act(
    app: &App,
    c: &Ctx,
    a: &Action,
    token: Option<&str>,
) -> Result<ActionAnswer, ApiError> {
    if !app.auth.csrf_ok(&c.user.name, token) {
        return Err(ApiError::Forbidden("missing or wrong CSRF token".into()));
    }
    let obj = resolve(c, &a.host, a.service.as_deref())?;
    if !may_command(c, obj) {
        return Err(ApiError::Forbidden(format!(
            "{} may not submit commands for this object",
            c.user.name
        )));
    }
    let now = vigil_engine::runner::now_secs() as i64;
    let line = command_line(a, &c.user.name, now)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.commands
        .send(CommandRequest {
            user: c.user.name.clone(),
            line: line.clone(),
            reply: tx,
        })
        .await
        .map_err(|_| ApiError::Unavailable("vigil is stopping".into()))?;
    let events = tokio::time::timeout(Duration::from_secs(10), rx)
        .await
        .map_err(|_| ApiError::Unavailable("vigil did not answer in 10 s".into()))?
        .map_err(|_| ApiError::Unavailable("vigil is stopping".into()))?;
    let mut ok = false;
    let mut problems = Vec::new();
    for e in events {
        match e {
            CommandEvent::Accepted { .. } => ok = true,
            CommandEvent::Failed { reason, .. } => problems.push(reason),
            CommandEvent::Unknown { name, .. } => problems.push(format!("unknown command {name}")),
            CommandEvent::Malformed { .. } => problems.push("malformed command".into()),
            CommandEvent::PassiveUnknown { .. } => problems.push("unknown object".into()),
        }
    }
    let ok = ok && problems.is_empty();
    Ok(ActionAnswer {
        ok,
        command: line
            .split_once("] ")
            .map_or(line.as_str(), |x| x.1)
            .to_string(),
        result: if ok {
            "accepted".into()
        } else if problems.is_empty() {
            "no answer".into()
        } else {
            problems.join("; ")
        },
    })
}

async fn api_command(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Json(a): Json<Action>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .or(a.csrf.as_deref());
    let ans = act(&app, &c, &a, token).await?;
    Ok(Json(ans).into_response())
}

async fn action_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(a): Form<Action>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let ans = act(&app, &c, &a, a.csrf.as_deref()).await?;
    Ok(Html(crate::pages::action_answer(&c, &a, &ans).into_string()).into_response())
}

async fn stream(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    ctx(&app, &headers)?;
    let rx = app.published.clone();
    let s = tokio_stream::wrappers::WatchStream::from_changes(rx).map(|p| {
        Ok(SseEvent::default()
            .event("update")
            .data(p.generation.to_string()))
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downtime(minutes: Option<u32>) -> Action {
        Action {
            action: "schedule_downtime".into(),
            host: "h".into(),
            service: Some("web".into()),
            comment: Some("maintenance".into()),
            minutes,
            sticky: None,
            csrf: None,
        }
    }

    #[test]
    fn downtime_window_of_the_clock() {
        assert_eq!(
            command_line(&downtime(Some(5)), "alice", 1_800_000_000).unwrap(),
            "[1800000000] SCHEDULE_SVC_DOWNTIME;h;web;1800000000;1800000300;1;0;300;alice;maintenance"
        );
    }

    /// Regression (fuzz target web_action): a clock near i64::MAX overflowed the
    /// window's end (a panic with overflow checks); it now ends at i64::MAX.
    #[test]
    fn downtime_at_the_end_of_time_does_not_overflow() {
        let line = command_line(&downtime(None), "alice", i64::MAX).unwrap();
        assert!(
            line.ends_with(&format!(";{0};{0};1;0;3600;alice;maintenance", i64::MAX)),
            "{line}"
        );
    }
}
