//! The HTML pages, rendered on the server from the published snapshot (maud:
//! every value is escaped; plugin output and comments are text, never markup).
//! Each page's changing part is `<main id="content">`; `assets/app.js` re-fetches
//! it with `?fragment=1` when the server says the state changed.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use crate::api::{self, ctx, resolve, ActionAnswer, ApiError, Ctx, ObjQuery};
use crate::query::{self, Filter, StateView};
use crate::runs::Run;
use crate::App;
use vigil_events::HandlerOutcome;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Frag {
    #[serde(default)]
    fragment: Option<u8>,
}

/// `YYYY-MM-DD HH:MM:SS` UTC.
pub fn fmt_time(t: f64) -> String {
    if t <= 0.0 {
        return "never".into();
    }
    chrono::DateTime::from_timestamp(t as i64, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default()
}

/// `1d 2h 3m 4s`, shortest form.
pub fn fmt_dur(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    let (d, h, m, s) = (s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

fn obj_url(host: &str, service: Option<&str>) -> String {
    let mut q = vec![("host", host)];
    if let Some(s) = service {
        q.push(("service", s));
    }
    format!(
        "/object?{}",
        serde_urlencoded::to_string(q).unwrap_or_default()
    )
}

fn layout(c: &Ctx, title: &str, active: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(c.csrf);
                title { (title) " — vigil" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                nav {
                    span.brand { "vigil" }
                    @for (href, name) in [("/", "Problems"), ("/hosts", "Hosts"), ("/services", "Services")] {
                        a href=(href) class=(if active == name { "on" } else { "" }) { (name) }
                    }
                    span.user { "user: " (c.user.name) }
                    span #live title="live updates" { "●" }
                }
                main #content data-generation=(c.published.generation) { (body) }
            }
        }
    }
}

fn respond(c: &Ctx, frag: &Frag, title: &str, active: &str, body: Markup) -> Response {
    if frag.fragment == Some(1) {
        Html(body.into_string()).into_response()
    } else {
        Html(layout(c, title, active, body).into_string()).into_response()
    }
}

fn state_class(state: &str) -> &'static str {
    match state {
        "OK" | "UP" => "s-ok",
        "WARNING" => "s-warn",
        "CRITICAL" | "DOWN" => "s-crit",
        "UNKNOWN" | "UNREACHABLE" => "s-unk",
        _ => "s-pend",
    }
}

fn state_cell(st: &StateView) -> Markup {
    html! { td class=(format!("state {}", state_class(&st.state))) { (st.state) } }
}

fn run_summary(r: &Run, now: f64) -> Markup {
    html! {
        span.run {
            (fmt_dur(now - r.start)) " ago: " code { (r.command_name()) } ", " (r.ended()) ", "
            span class=(match r.outcome() { Some(HandlerOutcome::Recovered { .. }) => "oc-good", Some(HandlerOutcome::NotRecovered) => "oc-bad", _ => "oc-none" }) {
                (r.outcome_text())
            }
        }
    }
}

/// `/`: problems first.
pub(crate) async fn problems_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(frag): Query<Frag>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let snap = c.snap();
    let now = snap.at;
    let ix = c.index();
    let (total, mut rows) = query::problems(snap, &ix, &c.user, 500);
    let seen = query::summary(snap, &ix, &c.user);
    api::attach_last_runs(&app, &mut rows);
    let (unhandled, handled): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|p| p.st.handling == "unhandled");
    let table = |rows: &[query::Problem], id: &str| {
        html! {
            table.list id=(id) {
                thead { tr { th { "Host" } th { "Service" } th { "State" } th { "For" } th { "Attempt" } th { "Output" } th { "Last handler run" } } }
                tbody {
                    @for p in rows {
                        tr data-host=(p.host) data-service=(p.service.as_deref().unwrap_or("")) data-state=(p.st.state) data-handling=(p.st.handling) {
                            td { a href=(obj_url(&p.host, None)) { (p.host) } }
                            td { @if let Some(s) = &p.service { a href=(obj_url(&p.host, Some(s))) { (s) } } }
                            td class=(format!("state {}", state_class(&p.st.state))) { (p.st.state)
                                @if p.st.handling != "unhandled" { " " span.handling { (p.st.handling) } } }
                            td { (fmt_dur(now - p.st.last_state_change)) }
                            td { (p.st.attempt) "/" (p.st.max_attempts) " " (p.st.state_type) }
                            td.output { (p.st.output) }
                            td.handler { @match &p.last_handler { Some(r) => (run_summary(r, now)), None => span.muted { "none" } } }
                        }
                    }
                    @if rows.is_empty() { tr { td colspan="7" .muted { "none" } } }
                }
            }
        }
    };
    let body = html! {
        h1 { "Problems" }
        p.summary { (total) " problem(s) among " (seen.hosts.values().sum::<usize>()) " hosts and " (seen.services.values().sum::<usize>()) " services; as of " (fmt_time(now)) }
        h2 { "Unhandled" }
        (table(&unhandled, "unhandled"))
        h2 { "Acknowledged or in downtime" }
        (table(&handled, "handled"))
    };
    Ok(respond(&c, &frag, "Problems", "Problems", body))
}

fn filter_form(action: &str, f: &Filter, states: &[&str]) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            label { "State " select name="state" {
                option value="" { "any" }
                @for s in states {
                    option value=(s) selected[f.state.as_deref() == Some(*s)] { (s) }
                }
            } }
            label { "Group " input name="group" value=(f.group.as_deref().unwrap_or("")) size="12"; }
            label { "Text " input name="q" value=(f.q.as_deref().unwrap_or("")) size="16"; }
            @if let Some(h) = &f.host { input type="hidden" name="host" value=(h); }
            button type="submit" { "Filter" }
        }
    }
}

fn pager(path: &str, f: &Filter, total: usize) -> Markup {
    let pages = total.div_ceil(f.per_page()).max(1);
    let link = |p: usize| {
        let mut q: Vec<(&str, String)> = Vec::new();
        for (k, v) in [
            ("state", &f.state),
            ("group", &f.group),
            ("q", &f.q),
            ("host", &f.host),
        ] {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        }
        q.push(("page", p.to_string()));
        format!(
            "{path}?{}",
            serde_urlencoded::to_string(q).unwrap_or_default()
        )
    };
    let page = f.page().min(pages);
    html! {
        p.pager {
            (total) " matching; page " (page) " of " (pages) " "
            @if page > 1 { a rel="prev" href=(link(page - 1)) { "‹ previous" } " " }
            @if page < pages { a rel="next" href=(link(page + 1)) { "next ›" } }
        }
    }
}

/// `/services`.
pub(crate) async fn services_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
    Query(frag): Query<Frag>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let snap = c.snap();
    let groups = app.groups(snap.model());
    let page = query::services(snap, &c.index(), &groups, &c.user, &filter);
    let body = html! {
        h1 { "Services" }
        (filter_form("/services", &filter, &["ok", "warning", "critical", "unknown", "pending", "problem"]))
        (pager("/services", &filter, page.total))
        table.list #services {
            thead { tr { th { "Host" } th { "Service" } th { "State" } th { "For" } th { "Attempt" } th { "Last check" } th { "Output" } } }
            tbody {
                @for r in &page.rows {
                    tr data-host=(r.host) data-service=(r.service) data-state=(r.st.state) {
                        td { a href=(obj_url(&r.host, None)) { (r.host) } }
                        td { a href=(obj_url(&r.host, Some(&r.service))) { (r.service) } }
                        (state_cell(&r.st))
                        td { (fmt_dur(snap.at - r.st.last_state_change)) }
                        td { (r.st.attempt) "/" (r.st.max_attempts) }
                        td { (fmt_time(r.st.last_check)) }
                        td.output { (r.st.output) }
                    }
                }
            }
        }
    };
    Ok(respond(&c, &frag, "Services", "Services", body))
}

/// `/hosts`.
pub(crate) async fn hosts_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
    Query(frag): Query<Frag>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let snap = c.snap();
    let page = query::hosts(snap, &c.user, &filter);
    let body = html! {
        h1 { "Hosts" }
        (filter_form("/hosts", &filter, &["up", "down", "unreachable", "pending", "problem"]))
        (pager("/hosts", &filter, page.total))
        table.list #hosts {
            thead { tr { th { "Host" } th { "Address" } th { "State" } th { "For" } th { "Output" } th { "Services" } } }
            tbody {
                @for r in &page.rows {
                    tr data-host=(r.host) data-state=(r.st.state) {
                        td { a href=(obj_url(&r.host, None)) { (r.host) } }
                        td { (r.address) }
                        (state_cell(&r.st))
                        td { (fmt_dur(snap.at - r.st.last_state_change)) }
                        td.output { (r.st.output) }
                        td { a href=(format!("/services?{}", serde_urlencoded::to_string([("host", &r.host)]).unwrap_or_default())) { "services" } }
                    }
                }
            }
        }
    };
    Ok(respond(&c, &frag, "Hosts", "Hosts", body))
}

fn chart(points: &[(f64, f64)]) -> Markup {
    let (w, h) = (320.0, 60.0);
    let (t0, t1) = (
        points.first().map_or(0.0, |p| p.0),
        points.last().map_or(1.0, |p| p.0),
    );
    let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let span_t = (t1 - t0).max(1e-9);
    let span_v = if hi > lo { hi - lo } else { 1.0 };
    let pts: Vec<String> = points
        .iter()
        .map(|(t, v)| {
            let x = if points.len() > 1 {
                (t - t0) / span_t * w
            } else {
                w / 2.0
            };
            let y = h - 4.0 - (v - lo) / span_v * (h - 8.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    html! {
        svg.chart viewBox=(format!("0 0 {w} {h}")) width=(w) height=(h) role="img" {
            polyline points=(pts.join(" ")) fill="none" stroke="currentColor" stroke-width="1.5" {}
        }
    }
}

fn perf_charts(v: &api::ObjectView) -> Markup {
    use std::collections::BTreeMap;
    let mut series: BTreeMap<String, (String, Vec<(f64, f64)>)> = BTreeMap::new();
    for (t, p) in &v.perf_history {
        for it in crate::perfdata::parse(p) {
            if series.len() >= 6 && !series.contains_key(&it.label) {
                continue;
            }
            let e = series
                .entry(it.label)
                .or_insert_with(|| (it.uom.clone(), Vec::new()));
            e.1.push((*t, it.value));
        }
    }
    let current = crate::perfdata::parse(&v.perfdata);
    html! {
        @if current.is_empty() && series.is_empty() {
            p.muted { "no performance data" }
        } @else {
            div.charts {
                @for it in &current {
                    figure {
                        figcaption { (it.label) " = " (it.value) (it.uom) }
                        @if let Some((_, pts)) = series.get(&it.label) { @if pts.len() > 1 { (chart(pts)) } @else { span.muted { "collecting…" } } }
                    }
                }
                @for (label, (uom, pts)) in series.iter().filter(|(l, _)| !current.iter().any(|c| &c.label == *l)) {
                    figure {
                        figcaption { (label) " (" (uom) "), not in the latest output" }
                        @if pts.len() > 1 { (chart(pts)) }
                    }
                }
            }
        }
    }
}

fn action_forms(c: &Ctx, v: &api::ObjectView) -> Markup {
    let hidden = html! {
        input type="hidden" name="csrf" value=(c.csrf);
        input type="hidden" name="host" value=(v.host);
        @if let Some(s) = &v.service { input type="hidden" name="service" value=(s); }
    };
    let toggle = |on: bool, what: &str, label: &str| {
        let action = format!("{}_{what}", if on { "disable" } else { "enable" });
        html! {
            form.act method="post" action="/action" {
                (hidden) input type="hidden" name="action" value=(action);
                button type="submit" name="do" value=(action) { (if on { "Disable " } else { "Enable " }) (label) }
            }
        }
    };
    html! {
        div.actions {
            form.act method="post" action="/action" {
                (hidden) input type="hidden" name="action" value="recheck";
                button #recheck type="submit" { "Recheck now" }
            }
            form.act #ack-form method="post" action="/action" {
                (hidden) input type="hidden" name="action" value="acknowledge";
                input name="comment" placeholder="acknowledgement comment" required;
                button #acknowledge type="submit" { "Acknowledge" }
            }
            form.act method="post" action="/action" {
                (hidden) input type="hidden" name="action" value="schedule_downtime";
                input name="minutes" type="number" value="60" min="1" size="4";
                input name="comment" placeholder="downtime comment" required;
                button type="submit" { "Schedule downtime" }
            }
            form.act method="post" action="/action" {
                (hidden) input type="hidden" name="action" value="add_comment";
                input name="comment" placeholder="comment" required;
                button type="submit" { "Add comment" }
            }
            (toggle(v.st.checks_enabled, "checks", "checks"))
            (toggle(v.st.handlers_enabled, "handlers", "event handler"))
            (toggle(v.st.notifications_enabled, "notifications", "notifications"))
        }
        p #action-answer .answer aria-live="polite" {}
    }
}

fn whatif_form(v: &api::ObjectView) -> Markup {
    let states: &[&str] = if v.service.is_some() {
        &["CRITICAL", "WARNING", "UNKNOWN", "OK"]
    } else {
        &["DOWN", "UNREACHABLE", "UP"]
    };
    html! {
        form #whatif method="get" action="/api/v1/whatif" {
            input type="hidden" name="host" value=(v.host);
            @if let Some(s) = &v.service { input type="hidden" name="service" value=(s); }
            select name="state" { @for s in states { option value=(s) { (s) } } }
            select name="type" { option value="SOFT" { "SOFT" } option value="HARD" { "HARD" } }
            label { "attempt " input name="attempt" type="number" value="1" min="1" size="3"; }
            button type="submit" { "What would run?" }
        }
        pre #whatif-answer .answer {}
    }
}

/// `/object?host=H[&service=S]`.
pub(crate) async fn object_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<ObjQuery>,
    Query(frag): Query<Frag>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let obj = resolve(&c, &q.host, q.service.as_deref())?;
    let app2 = app.clone();
    let (c, v) = tokio::task::spawn_blocking(move || {
        let v = api::object_view(&app2, &c, obj);
        (c, v)
    })
    .await
    .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let v = v.ok_or_else(|| ApiError::NotFound(q.host.clone()))?;
    let now = c.snap().at;
    let name = match &v.service {
        Some(s) => format!("{s} on {}", v.host),
        None => v.host.clone(),
    };
    let body = html! {
        h1 { (name) }
        p.big { span #obj-state class=(format!("state {}", state_class(&v.st.state))) { (v.st.state) } " "
            span #obj-handling { (match v.st.handling { "ok" => "", "unhandled" => "unhandled problem", h => h }) }
            " for " (fmt_dur(now - v.st.last_state_change)) }
        table.kv {
            tr { th { "Output" } td.output #obj-output { (v.st.output) } }
            @if !v.long_output.is_empty() { tr { th { "Long output" } td { pre { (v.long_output) } } } }
            tr { th { "Attempt" } td { (v.st.attempt) "/" (v.st.max_attempts) " " (v.st.state_type) } }
            tr { th { "Last check" } td { (fmt_time(v.st.last_check)) } }
            tr { th { "Next check" } td { (fmt_time(v.st.next_check)) } }
            tr { th { "Check command" } td { code { (v.check_command.as_deref().unwrap_or("none")) } } }
            tr { th { "Event handler" } td { code { (v.event_handler.as_deref().unwrap_or("none")) }
                @if let Some(h) = &v.event_handler { " " a href=(format!("/handler?{}", serde_urlencoded::to_string([("name", h.split('!').next().unwrap_or(""))]).unwrap_or_default())) { "all runs of this handler" } } } }
            tr { th { "Switches" } td {
                "checks " (if v.st.checks_enabled { "on" } else { "off" }) ", handler " (if v.st.handlers_enabled { "on" } else { "off" })
                ", notifications " (if v.st.notifications_enabled { "on" } else { "off" })
                @if v.st.flapping { ", flapping (" (format!("{:.1}", v.percent_state_change)) "%)" } } }
            tr { th { "Acknowledgement" } td #obj-ack {
                @if v.st.acknowledged {
                    "acknowledged" @if let Some(t) = v.st.ack_type { " (" (t) ")" }
                    @for c in v.comments.iter().filter(|c| c.kind == "acknowledgement") {
                        " by " (c.author) ": " span.ack-comment { (c.text) }
                    }
                } @else { span.muted { "not acknowledged" } } } }
            tr { th { "Downtime" } td #obj-downtime {
                @if v.st.downtime_depth > 0 { "in scheduled downtime" @if v.st.downtime_depth > 1 { " (" (v.st.downtime_depth) " downtimes)" } }
                @else if v.st.host_in_downtime { "its host is in scheduled downtime" }
                @else { span.muted { "none in effect" } } } }
        }
        h2 { "Comments" }
        table.list #comments {
            thead { tr { th { "Entered" } th { "Kind" } th { "Author" } th { "Comment" } th { "Expires" } } }
            tbody {
                @for cm in &v.comments {
                    tr data-comment-id=(cm.id) data-kind=(cm.kind) {
                        td { (fmt_time(cm.entry_time as f64)) }
                        td { (cm.kind) @if !cm.persistent { " (not persistent)" } }
                        td { (cm.author) }
                        td.output { (cm.text) }
                        td { @match cm.expires { Some(t) => (fmt_time(t as f64)), None => "never" } }
                    }
                }
                @if v.comments.is_empty() { tr { td colspan="5" .muted { "no comment" } } }
            }
        }
        h2 { "Scheduled downtimes" }
        table.list #downtimes {
            thead { tr { th { "From" } th { "To" } th { "Kind" } th { "In effect" } th { "Author" } th { "Comment" } } }
            tbody {
                @for d in &v.downtimes {
                    tr data-downtime-id=(d.id) {
                        td { (fmt_time(d.start_time as f64)) }
                        td { (fmt_time(d.end_time as f64)) }
                        td { @if d.fixed { "fixed" } @else { "flexible, " (fmt_dur(d.duration as f64)) }
                            @if d.triggered_by != 0 { ", triggered by " (d.triggered_by) } }
                        td { (if d.in_effect { "yes" } else { "no" }) }
                        td { (d.author) }
                        td.output { (d.comment) }
                    }
                }
                @if v.downtimes.is_empty() { tr { td colspan="6" .muted { "no downtime scheduled" } } }
            }
        }
        h2 { "Performance data" }
        (perf_charts(&v))
        @if v.can_command {
            h2 { "Actions" }
            (action_forms(&c, &v))
            h2 { "What would run" }
            (whatif_form(&v))
        }
        h2 { "Event handler runs" }
        table.list #runs {
            thead { tr { th { "Started" } th { "Trigger" } th { "Command" } th { "Ended" } th { "Took" } th { "Outcome" } th { "Output" } } }
            tbody {
                @for r in v.handler_runs.iter().rev() {
                    tr.run data-outcome=(r.outcome.as_deref().unwrap_or("")) {
                        td { (fmt_time(r.start)) }
                        td { (r.state) " " (r.state_type) " " (r.attempt) @if r.dry_run { " (dry run)" } }
                        td { code { (r.command) } }
                        td { (r.ended()) }
                        td { (format!("{:.2}s", r.duration)) }
                        td { (r.outcome_text()) @if let Some(a) = r.recovered_after { " (OK after " (fmt_dur(a)) ")" } }
                        td { pre.small { (r.output.trim_end()) } }
                    }
                }
                @if v.handler_runs.is_empty() { tr { td colspan="7" .muted { "no handler run recorded" } } }
            }
        }
        h2 { "Notifications" }
        @if v.notifications.is_empty() && v.notification_log.is_empty() {
            p.muted { "none recorded" }
        }
        @if !v.notifications.is_empty() {
            table.list #notifications { tbody {
                @for n in v.notifications.iter().rev() { tr { td { code { (n.to_string()) } } } }
            } }
        }
        @if !v.notification_log.is_empty() {
            table.list { tbody { @for n in v.notification_log.iter().rev() { tr { td { (fmt_time(n.time as f64)) } td { (n.text) } } } } }
        }
        h2 { "State history (log file)" }
        table.list #history {
            thead { tr { th { "Time" } th { "State" } th { "Type" } th { "Attempt" } th { "Output / handler" } } }
            tbody {
                @for h in v.history.iter().rev().take(200) {
                    tr {
                        td { (fmt_time(h.time as f64)) }
                        @if h.kind == "handler" { td colspan="3" { "event handler" } }
                        @else {
                            td class=(format!("state {}", state_class(h.state.as_deref().unwrap_or("")))) { (h.state.as_deref().unwrap_or("")) }
                            td { (h.state_type.as_deref().unwrap_or("")) }
                            td { (h.attempt.unwrap_or(0)) }
                        }
                        td.output { (h.text) }
                    }
                }
            }
        }
    };
    Ok(respond(&c, &frag, &name, "", body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct HandlerQuery {
    name: String,
    #[serde(default)]
    fragment: Option<u8>,
}

/// Statistics of one handler command's runs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HandlerStats {
    /// Runs (dry runs and transitions a policy held back excluded).
    pub runs: usize,
    /// Runs recorded `recovered`: the object was OK / UP within the verify window.
    pub recovered: usize,
    /// Runs recorded `not_recovered`.
    pub not_recovered: usize,
    /// Runs recorded `superseded` or `unknown` (not counted in the success rate).
    pub undecided: usize,
    /// Runs that exited 0.
    pub exit_0: usize,
    /// Median seconds from the first SOFT problem to OK, over the runs whose
    /// problem and recovery are in the log.
    pub median_problem_to_ok: Option<f64>,
}

impl HandlerStats {
    /// recovered / (recovered + not_recovered), as `vigil handlers --stats`
    /// counts it; `None` before any run was decided either way.
    pub fn success_rate(&self) -> Option<f64> {
        let d = self.recovered + self.not_recovered;
        (d > 0).then(|| self.recovered as f64 / d as f64)
    }
}

/// Seconds from the start of the problem a run reacted to (the first non-OK alert
/// after the last OK before the run) to the first OK alert after the run, from the
/// log's alert lines of that object (time-ordered). `None` when either is missing.
pub fn problem_to_ok(alerts: &[(i64, bool)], run_start: f64) -> Option<f64> {
    let t = run_start.floor() as i64;
    let before: Vec<_> = alerts.iter().filter(|(at, _)| *at <= t).collect();
    let last_ok = before.iter().rposition(|(_, ok)| *ok);
    let first_problem = match last_ok {
        Some(i) => before.get(i + 1)?,
        None => before.first()?,
    };
    if first_problem.1 {
        return None;
    }
    let ok = alerts.iter().find(|(at, ok)| *at >= t && *ok)?;
    Some((ok.0 - first_problem.0) as f64)
}

/// Computes [`HandlerStats`] of `runs` with the log's alerts.
pub fn handler_stats(runs: &[Run], log: &[crate::logparse::LogLine]) -> HandlerStats {
    use crate::logparse::LogEntry;
    let mut times = Vec::new();
    for r in runs.iter().filter(|r| !r.dry_run && r.suppressed.is_none()) {
        let alerts: Vec<(i64, bool)> = log
            .iter()
            .filter_map(|l| match &l.entry {
                LogEntry::Alert(a) if a.host == r.host && a.service == r.service => {
                    Some((l.time, a.state.is_ok()))
                }
                _ => None,
            })
            .collect();
        if let Some(d) = problem_to_ok(&alerts, r.start) {
            times.push(d);
        }
    }
    times.sort_by(f64::total_cmp);
    let real: Vec<_> = runs
        .iter()
        .filter(|r| !r.dry_run && r.suppressed.is_none())
        .collect();
    let count =
        |f: fn(HandlerOutcome) -> bool| real.iter().filter(|r| r.outcome().is_some_and(f)).count();
    HandlerStats {
        runs: real.len(),
        recovered: count(|o| matches!(o, HandlerOutcome::Recovered { .. })),
        not_recovered: count(|o| o == HandlerOutcome::NotRecovered),
        undecided: count(|o| matches!(o, HandlerOutcome::Superseded | HandlerOutcome::Unknown)),
        exit_0: real.iter().filter(|r| r.exit_code == Some(0)).count(),
        median_problem_to_ok: times.get(times.len() / 2).copied(),
    }
}

/// `/handler?name=CMD`: every run of one handler command.
pub(crate) async fn handler_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HandlerQuery>,
) -> Result<Response, ApiError> {
    let c = ctx(&app, &headers)?;
    let app2 = app.clone();
    let name = q.name.clone();
    let (c, runs, stats) = tokio::task::spawn_blocking(move || {
        let runs: Vec<Run> = app2.runs.with(|r| {
            r.iter()
                .filter(|r| r.command_name() == name)
                .filter(|r| api::sees_named(&c, &r.host, r.service.as_deref()))
                .cloned()
                .collect()
        });
        let log = api::log_tail(&app2.log_file);
        let stats = handler_stats(&runs, &log);
        (c, runs, stats)
    })
    .await
    .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let pct = |n: usize, d: usize| {
        if d == 0 {
            "—".to_string()
        } else {
            format!("{:.0}%", n as f64 * 100.0 / d as f64)
        }
    };
    let body = html! {
        h1 { "Handler " code { (q.name) } }
        table.kv #handler-stats {
            tr { th { "Runs" } td { (stats.runs) } }
            tr { th { "Fixed the problem" } td #handler-success { (stats.success_rate().map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "—".into()))
                " (" (stats.recovered) " recovered, " (stats.not_recovered) " did not help; " (stats.undecided) " superseded or unknown not counted)" } }
            tr { th { "Exited 0" } td { (stats.exit_0) " (" (pct(stats.exit_0, stats.runs)) ")" } }
            tr { th { "First SOFT problem to OK (median)" } td { (stats.median_problem_to_ok.map(fmt_dur).unwrap_or_else(|| "—".into())) } }
        }
        table.list #handler-runs {
            thead { tr { th { "Started" } th { "Object" } th { "Trigger" } th { "Ended" } th { "Outcome" } th { "Output" } } }
            tbody {
                @for r in runs.iter().rev().take(500) {
                    tr {
                        td { (fmt_time(r.start)) }
                        td { a href=(obj_url(&r.host, r.service.as_deref())) { (r.host) @if let Some(s) = &r.service { " / " (s) } } }
                        td { (r.state) " " (r.state_type) " " (r.attempt) }
                        td { (r.ended()) }
                        td { (r.outcome_text()) }
                        td { pre.small { (r.output.trim_end()) } }
                    }
                }
            }
        }
    };
    Ok(respond(
        &c,
        &Frag {
            fragment: q.fragment,
        },
        "Handler",
        "",
        body,
    ))
}

/// The page answering a form action (without JavaScript).
pub fn action_answer(c: &Ctx, a: &api::Action, ans: &ActionAnswer) -> Markup {
    layout(
        c,
        "Action",
        "",
        html! {
            h1 { "Action" }
            p { code { (ans.command) } }
            p.answer class=(if ans.ok { "oc-good" } else { "oc-bad" }) { (ans.result) }
            p { a href=(obj_url(&a.host, a.service.as_deref())) { "back" } }
            (PreEscaped(""))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_to_ok_from_alerts() {
        // OK at 0, SOFT CRITICAL at 100 (run at 100.4), still CRITICAL at 102, OK at 105.
        let a = [(0, true), (100, false), (102, false), (105, true)];
        assert_eq!(problem_to_ok(&a, 100.4), Some(5.0));
        // a run before any alert
        assert_eq!(problem_to_ok(&a, -5.0), None);
        // never recovered
        assert_eq!(problem_to_ok(&[(10, false)], 11.0), None);
        // first line in the log is already the problem
        assert_eq!(problem_to_ok(&[(10, false), (20, true)], 12.0), Some(10.0));
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_dur(5.0), "5s");
        assert_eq!(fmt_dur(65.0), "1m 5s");
        assert_eq!(fmt_dur(3700.0), "1h 1m");
        assert_eq!(fmt_dur(90000.0), "1d 1h");
        assert_eq!(fmt_time(0.0), "never");
    }

    #[test]
    fn success_rate_is_recovered_over_decided() {
        let run = |o: Option<HandlerOutcome>, dry: bool, suppressed: bool| {
            let mut v = serde_json::json!({"host": "h", "directive": "eh!1", "dry_run": dry});
            if let Some(o) = o {
                let (w, after) = vigil_engine::journal::outcome_fields(o);
                v["outcome"] = w.into();
                if let Some(a) = after {
                    v["recovered_after"] = a.into();
                }
            }
            if suppressed {
                v["suppressed"] = "rate limit".into();
            }
            serde_json::from_value::<Run>(v).unwrap()
        };
        let rec = Some(HandlerOutcome::Recovered { after: 1.0 });
        let runs = [
            run(rec, false, false),
            run(rec, false, false),
            run(rec, false, false),
            run(Some(HandlerOutcome::NotRecovered), false, false),
            run(Some(HandlerOutcome::Superseded), false, false),
            run(Some(HandlerOutcome::Unknown), false, false),
            run(None, false, false),
            run(rec, true, false),  // dry run: not counted
            run(None, false, true), // held back: not a run
        ];
        let st = handler_stats(&runs, &[]);
        assert_eq!(
            (st.runs, st.recovered, st.not_recovered, st.undecided),
            (7, 3, 1, 2)
        );
        assert_eq!(st.success_rate(), Some(0.75));
        assert_eq!(handler_stats(&runs[4..7], &[]).success_rate(), None);
    }
}
