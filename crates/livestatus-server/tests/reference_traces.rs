//! Replays every scenario of the Livestatus conformance harness (the vendored copy,
//! `tests/shared/livestatus`) in-process against vigil's real core — a
//! `vigil_core::Core` on the scenario's generated configuration, fed the site's
//! setup commands and the scenario's commands with `Core::handle_command` at
//! explicit times, published with the same `Publisher` `vigil run` uses — and
//! compares each reply, after the harness's own normalisation
//! (`lsharness/normalise.py`, run through `python3`), with the reply recorded from
//! mk-livestatus 1.5.0p23 in Nagios 4.4.6 — or with vigil's own expected trace
//! where vigil differs on purpose (`tests/livestatus/traces/vigil/`, see its
//! README).
//!
//! The black-box run of the same scenarios against `vigil run` is
//! `scripts/test-all.sh`'s livestatus suite; this one takes seconds and runs with
//! `cargo test`. Needs `python3`; without it the test says so and compares nothing.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use vigil_core::Core;
use vigil_events::LogOptions;
use vigil_livestatus::{parse_request, QueryEnv, Request};
use vigil_livestatus_server::{CoreSite, HandlerHistory, LogSource, Publisher, SnapshotProvider};

/// Scenarios that cannot match yet, with the reason
/// (`tests/livestatus/not-yet-passing.txt`, shared with `scripts/test-all.sh`). The
/// test fails when one of them starts matching, so that it is taken off the list.
fn not_yet_passing() -> Vec<(&'static str, &'static str)> {
    include_str!("../../../tests/livestatus/not-yet-passing.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('|'))
        .collect()
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/shared")
}

/// vigil's expected trace of a scenario where it differs on purpose, else the
/// reference recording.
fn expected_trace(shared: &Path, name: &str) -> PathBuf {
    let own = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/livestatus/traces/vigil")
        .join(format!("{name}.json"));
    if own.exists() {
        return own;
    }
    shared
        .join("livestatus/traces/mk-livestatus-1.5.0p23-nagios4")
        .join(format!("{name}.json"))
}

fn wall_clock() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// `{now}`, `{now+N}`, `{now-N}`, `{start}`.
fn expand(t: &str, now: i64, start: i64) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(p) = rest.find('{') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let Some(q) = after.find('}') else {
            out.push_str(&rest[p..]);
            rest = "";
            break;
        };
        let ph = &after[..q];
        let v = if ph == "start" {
            Some(start)
        } else if let Some(off) = ph.strip_prefix("now") {
            if off.is_empty() {
                Some(now)
            } else {
                off.parse::<i64>().ok().map(|o| now + o)
            }
        } else {
            None
        };
        match v {
            Some(v) => out.push_str(&v.to_string()),
            None => {
                out.push('{');
                out.push_str(ph);
                out.push('}');
            }
        }
        rest = &after[q + 1..];
    }
    out.push_str(rest);
    out
}

fn terminate(t: &str) -> String {
    format!("{}\n\n", t.trim_end_matches('\n'))
}

/// The log as the core wrote it (`[ts] text`), oldest first.
#[derive(Default)]
struct MemLog(Mutex<Vec<String>>);

impl LogSource for MemLog {
    fn visit(&self, from: i64, until: i64, visit: &mut dyn FnMut(&str) -> bool) {
        let lines = self.0.lock().unwrap();
        for l in lines.iter().rev() {
            let t = vigil_livestatus::logline::line_time(l).unwrap_or(0);
            if t >= from && t <= until && !visit(l) {
                return;
            }
        }
    }
}

/// The core of one scenario, driven with explicit times.
struct Run {
    core: Core,
    publisher: Publisher,
    provider: SnapshotProvider<CoreSite>,
    log: Arc<MemLog>,
    opts: LogOptions,
    start: i64,
    /// The simulated clock: the wall clock at the start, advanced by the steps'
    /// sleeps (the normalisation needs times near the real ones).
    now: f64,
}

impl Run {
    fn new(model: vigil_config::Model, now: f64) -> Run {
        let m = &model.main;
        let opts = LogOptions {
            event_handlers: m.log_event_handlers,
            external_commands: m.log_external_commands,
            passive_checks: m.log_passive_checks,
            notifications: m.log_notifications,
        };
        let zone = vigil_config::zone::Zone::utc();
        let mut core = Core::new(Arc::new(model), zone.clone(), now, 4242);
        core.start(now);
        let log = Arc::new(MemLog::default());
        let publisher = Publisher::new(
            &core,
            zone,
            log.clone(),
            "test".into(),
            HandlerHistory::default(),
            now,
        );
        let provider = publisher.provider();
        let mut r = Run {
            core,
            publisher,
            provider,
            log,
            opts,
            start: now as i64,
            now,
        };
        r.pass();
        r
    }

    /// What the runner does after a pass: log the events, publish.
    fn pass(&mut self) {
        self.core.take_dirty();
        let events = self.core.take_events();
        let mut lines = Vec::new();
        let mut n = 0;
        for e in &events {
            let mut l = Vec::new();
            e.log_lines(&self.opts, &mut l);
            n += l.len();
            lines.extend(l.into_iter().map(|t| format!("[{}] {t}", self.now as i64)));
        }
        self.log.0.lock().unwrap().extend(lines);
        self.publisher.observe(&events, n);
        self.publisher.publish(&self.core, self.now);
    }

    fn ask(&mut self, text: &str) -> (Vec<u8>, &'static str) {
        match parse_request(text) {
            Request::Get(q) => {
                let env = QueryEnv {
                    now: self.now,
                    ..QueryEnv::default()
                };
                let site = (self.provider)();
                let r = q.execute(&*site, &env, &|| false);
                (r.to_bytes(), if r.keepalive { "open" } else { "closed" })
            }
            Request::Command(c) => {
                self.core.handle_command(&c.line, self.now);
                self.pass();
                (Vec::new(), "open")
            }
            Request::MalformedCommand(_) | Request::LogRotate => (Vec::new(), "open"),
            Request::Invalid => (Vec::new(), "closed"),
        }
    }

    fn command(&mut self, line: &str) {
        let t = self.now as i64;
        let full = format!("COMMAND [{t}] {}\n\n", expand(line, t, self.start));
        self.ask(&full);
    }
}

/// Runs the harness's normalisation over the collected exchanges.
fn normalise(shared: &Path, run_dir: &Path, t0: f64, items: &[Value]) -> Vec<Value> {
    let script = r#"
import json, sys, base64
sys.path.insert(0, sys.argv[1])
from lsharness import normalise as norm, request as reqmod
data = json.load(sys.stdin)
ctx = norm.Context(data["run_dir"], data["t0"], data["t1"])
out = []
for it in data["items"]:
    info = reqmod.parse(it["text"])
    raw = base64.b64decode(it["raw"])
    out.append(norm.normalise_reply(raw, info, ctx))
json.dump(out, sys.stdout)
"#;
    let input = json!({"run_dir": run_dir.to_string_lossy(), "t0": t0,
                       "t1": wall_clock() + 3600.0, "items": items});
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(shared.join("livestatus"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 output");
    assert!(out.status.success(), "normalisation failed");
    serde_json::from_slice(&out.stdout).expect("normalised json")
}

fn b64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// One scenario: the number of replies compared and the differences found.
fn replay(shared: &Path, scenario: &Path) -> (usize, Vec<String>) {
    let name = scenario.file_stem().unwrap().to_string_lossy().to_string();
    let sc: Value = serde_json::from_str(&std::fs::read_to_string(scenario).unwrap()).unwrap();
    let trace_path = expected_trace(shared, &name);
    let trace: Value = serde_json::from_str(&std::fs::read_to_string(trace_path).unwrap()).unwrap();
    let dir = std::env::temp_dir().join(format!("vigil-ls-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let ok = Command::new("python3")
        .arg(shared.join("livestatus/ls_run.py"))
        .args(["config", "--scenario"])
        .arg(scenario)
        .arg("--dir")
        .arg(&dir)
        .output()
        .expect("ls_run.py config");
    assert!(ok.status.success(), "{name}: config");
    let (model, _) = vigil_config::load(&dir.join("etc/nagios.cfg")).expect("config loads");
    let t0 = wall_clock().floor();
    let mut run = Run::new(model, t0);
    let site_v: Value = match &sc["site"] {
        Value::String(s) => serde_json::from_str(
            &std::fs::read_to_string(shared.join(format!("livestatus/scenarios/sites/{s}.json")))
                .unwrap(),
        )
        .unwrap(),
        v => v.clone(),
    };
    for c in site_v["setup"].as_array().into_iter().flatten() {
        run.command(c.as_str().unwrap_or(""));
    }
    for c in sc["setup"].as_array().into_iter().flatten() {
        run.command(c.as_str().unwrap_or(""));
    }
    let mut items: Vec<Value> = Vec::new();
    // (step id, kind, item indexes, connection states)
    let mut plan: Vec<(String, &'static str, Vec<usize>, Vec<&'static str>)> = Vec::new();
    let mut background: Vec<(String, Value)> = Vec::new();
    let steps = sc["steps"].as_array().cloned().unwrap_or_default();
    for (i, st) in steps.iter().enumerate() {
        let id = st["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("q{}", i + 1));
        let t = run.now as i64;
        if let Some(q) = st["query"].as_str() {
            if st["background"].as_bool() == Some(true) {
                // A wait: answered when the scenario joins it, after the commands
                // in between (what wakes it in the server).
                background.push((id, st.clone()));
                continue;
            }
            let text = terminate(&expand(q, t, run.start));
            let (raw, _) = run.ask(&text);
            items.push(json!({"text": text, "raw": b64(&raw)}));
            plan.push((id, "query", vec![items.len() - 1], vec![]));
        } else if let Some(j) = st["join"].as_str() {
            if let Some(p) = background.iter().position(|(bid, _)| bid == j) {
                let (bid, bst) = background.remove(p);
                let text = terminate(&expand(bst["query"].as_str().unwrap_or(""), t, run.start));
                let (raw, _) = run.ask(&text);
                items.push(json!({"text": text, "raw": b64(&raw)}));
                plan.push((bid, "query", vec![items.len() - 1], vec![]));
            }
        } else if let Some(c) = st["command"].as_str() {
            run.command(c);
        } else if let Some(s) = st["sleep"].as_f64() {
            run.now += s;
        } else if let Some(sess) = st["session"].as_array() {
            let mut idx = Vec::new();
            let mut conns = Vec::new();
            let mut closed = false;
            for r in sess {
                let text = terminate(&expand(r.as_str().unwrap_or(""), t, run.start));
                let (raw, conn) = if closed {
                    (Vec::new(), "closed")
                } else {
                    run.ask(&text)
                };
                closed = conn == "closed";
                items.push(json!({"text": text, "raw": b64(&raw)}));
                idx.push(items.len() - 1);
                conns.push(conn);
            }
            plan.push((id, "session", idx, conns));
        } else if st.get("wait").is_some() {
            let w = &st["wait"];
            let text = terminate(&expand(w["query"].as_str().unwrap_or(""), t, run.start));
            let (raw, _) = run.ask(&text);
            let body = String::from_utf8_lossy(&raw).to_string();
            let ok = body == w["until"].as_str().unwrap_or("");
            plan.push((
                id,
                if ok { "wait-ok" } else { "wait-failed" },
                vec![],
                vec![],
            ));
        }
    }
    let normalised = normalise(shared, &dir, t0, &items);
    let _ = std::fs::remove_dir_all(&dir);
    // Compare with the trace step by step, in order (commands have no reply).
    let expected: Vec<&Value> = trace["steps"]
        .as_array()
        .map(|v| v.iter().filter(|s| s.get("command").is_none()).collect())
        .unwrap_or_default();
    let mut diffs = Vec::new();
    let mut compared = 0;
    for ((id, kind, idx, conns), exp) in plan.iter().zip(expected) {
        match *kind {
            "query" => {
                compared += 1;
                let got = &normalised[idx[0]];
                if got != &exp["reply"] {
                    diffs.push(format!(
                        "{name} {id}: expected {} got {}",
                        exp["reply"], got
                    ));
                }
            }
            "session" => {
                let items = exp["session"].as_array().cloned().unwrap_or_default();
                for (n, (i, conn)) in idx.iter().zip(conns).enumerate() {
                    compared += 1;
                    let e = &items[n];
                    if normalised[*i] != e["reply"] {
                        diffs.push(format!(
                            "{name} {id}[{n}]: expected {} got {}",
                            e["reply"], normalised[*i]
                        ));
                    }
                    if e["conn"].as_str().is_some() && e["conn"].as_str() != Some(conn) {
                        diffs.push(format!(
                            "{name} {id}[{n}]: connection {conn}, expected {}",
                            e["conn"]
                        ));
                    }
                }
            }
            "wait-ok" => compared += 1,
            _ => diffs.push(format!("{name} {id}: wait condition never held")),
        }
    }
    (compared, diffs)
}

#[test]
fn reference_traces_in_process() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("reference_traces: python3 not found; nothing compared");
        return;
    }
    let shared = shared();
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(shared.join("livestatus/scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    scenarios.sort();
    let not_yet = not_yet_passing();
    let mut failures = Vec::new();
    let mut total = 0;
    let mut passed = 0;
    for s in &scenarios {
        let name = s.file_stem().unwrap().to_string_lossy().to_string();
        let (n, d) = replay(&shared, s);
        total += n;
        let listed = not_yet.iter().find(|(n, _)| *n == name);
        match (d.is_empty(), listed) {
            (true, None) => {
                passed += 1;
                eprintln!("PASS {name}");
            }
            (true, Some(_)) => failures.push(format!(
                "{name} matches the reference now: take it off tests/livestatus/not-yet-passing.txt"
            )),
            (false, Some((_, why))) => {
                eprintln!("not yet {name} ({} differences): {why}", d.len())
            }
            (false, None) => {
                eprintln!("FAIL {name}");
                failures.extend(d);
            }
        }
    }
    eprintln!(
        "reference_traces: {} scenarios, {total} replies compared, {passed} match, {} not yet",
        scenarios.len(),
        not_yet.len()
    );
    assert!(total > 300, "too few replies compared: {total}");
    assert!(failures.is_empty(), "differences:\n{}", failures.join("\n"));
}
