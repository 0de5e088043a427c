//! Replays every scenario of the Livestatus conformance harness
//! (`../shared/livestatus`) against the query engine and an in-memory site
//! (`MemSite`, the site's setup commands applied), and compares each reply, after
//! the harness's own normalisation (`lsharness/normalise.py`, run through
//! `python3`), with the reply recorded from mk-livestatus 1.5.0p23 in Nagios 4.4.6.
//!
//! Needs `python3` and the shared harness (found through `VIGIL_SHARED` or next to
//! the repository); without them the test says so and checks nothing else.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use vigil_livestatus::mem::MemSite;
use vigil_livestatus::{parse_request, QueryEnv, Request};

/// Replies that differ from the reference on purpose (README "Where vigil
/// differs"): (scenario, step id).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // The reference answers a `check` wait on a pending host before Nagios has set
    // has_been_checked (a race in Nagios); vigil's snapshot is always consistent.
    ("wait_trigger", "wait-host-check"),
];

fn shared() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VIGIL_SHARED") {
        return Some(PathBuf::from(p));
    }
    let m = Path::new(env!("CARGO_MANIFEST_DIR"));
    [m.join("../../../shared"), m.join("../../../../shared")]
        .into_iter()
        .find(|p| p.join("livestatus/ls_run.py").exists())
}

fn now() -> f64 {
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

struct Run {
    site: MemSite,
    start: i64,
}

impl Run {
    fn ask(&mut self, text: &str) -> (Vec<u8>, &'static str) {
        let t = now();
        match parse_request(text) {
            Request::Get(q) => {
                let env = QueryEnv {
                    now: t,
                    ..QueryEnv::default()
                };
                let r = q.execute(&self.site, &env, &|| false);
                (r.to_bytes(), if r.keepalive { "open" } else { "closed" })
            }
            Request::Command(c) => {
                self.site.apply_command(&c.command, c.timestamp, t);
                (Vec::new(), "open")
            }
            Request::MalformedCommand(_) | Request::LogRotate => (Vec::new(), "open"),
            Request::Invalid => (Vec::new(), "closed"),
        }
    }

    fn command(&mut self, line: &str) {
        let t = now();
        let full = format!(
            "COMMAND [{}] {}",
            t as i64,
            expand(line, t as i64, self.start)
        );
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
    let input =
        json!({"run_dir": run_dir.to_string_lossy(), "t0": t0, "t1": now(), "items": items});
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

/// One scenario: returns the differences found (step ids and texts).
fn replay(shared: &Path, scenario: &Path) -> (usize, Vec<String>) {
    let name = scenario.file_stem().unwrap().to_string_lossy().to_string();
    let sc: Value = serde_json::from_str(&std::fs::read_to_string(scenario).unwrap()).unwrap();
    let trace_path = shared
        .join("livestatus/traces/mk-livestatus-1.5.0p23-nagios4")
        .join(format!("{name}.json"));
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
    let t0 = now();
    let model = Arc::new(model);
    let mut site = MemSite::new(Arc::clone(&model), t0, std::process::id());
    site.timeperiods_active = model
        .timeperiods
        .iter()
        .map(|tp| tp.contains(t0 as i64, &model.timeperiods))
        .collect();
    let mut run = Run {
        site,
        start: t0 as i64,
    };
    // The site's setup commands.
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
    // Steps: collect (expected step, exchanges).
    let mut items: Vec<Value> = Vec::new();
    // (step id, kind, item indexes, conns)
    let mut plan: Vec<(String, &'static str, Vec<usize>, Vec<&'static str>)> = Vec::new();
    let mut background: Vec<(String, Value)> = Vec::new();
    let steps = sc["steps"].as_array().cloned().unwrap_or_default();
    for (i, st) in steps.iter().enumerate() {
        let id = st["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("q{}", i + 1));
        let t = now() as i64;
        if let Some(q) = st["query"].as_str() {
            if st["background"].as_bool() == Some(true) {
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
        } else if let Some(sess) = st["session"].as_array() {
            let mut idx = Vec::new();
            let mut conns = Vec::new();
            let mut closed = false;
            for r in sess {
                let text = terminate(&expand(r.as_str().unwrap_or(""), now() as i64, run.start));
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
            run.site.tick(now());
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
    // Compare with the trace, step by step in order (commands are not compared).
    let expected: Vec<&Value> = trace["steps"]
        .as_array()
        .map(|v| v.iter().filter(|s| s.get("command").is_none()).collect())
        .unwrap_or_default();
    let mut diffs = Vec::new();
    let mut compared = 0;
    for ((id, kind, idx, conns), exp) in plan.iter().zip(expected) {
        let known = KNOWN_DIFFERENCES.contains(&(name.as_str(), id.as_str()));
        match *kind {
            "query" => {
                compared += 1;
                let got = &normalised[idx[0]];
                if got != &exp["reply"] && !known {
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
fn reference_traces() {
    let Some(shared) = shared() else {
        eprintln!(
            "reference_traces: ../shared/livestatus not found (set VIGIL_SHARED); nothing compared"
        );
        return;
    };
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("reference_traces: python3 not found; nothing compared");
        return;
    }
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(shared.join("livestatus/scenarios"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    scenarios.sort();
    let mut all = Vec::new();
    let mut total = 0;
    for s in &scenarios {
        let (n, d) = replay(&shared, s);
        total += n;
        all.extend(d);
    }
    eprintln!(
        "reference_traces: {} scenarios, {total} replies compared, {} differences",
        scenarios.len(),
        all.len()
    );
    assert!(total > 300, "too few replies compared: {total}");
    assert!(all.is_empty(), "differences:\n{}", all.join("\n"));
}
