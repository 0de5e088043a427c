//! What the harness's helpers are, in the simulation: argument parsing, the records
//! they write (`state/*.jsonl`, the same fields as `helpers/*.py`), their knobs, and
//! the argv dumper's capture format.
//!
//! * `seqcheck`: `seqcheck host H STATE TYPE ATTEMPT` / `seqcheck service H S STATE
//!   TYPE ATTEMPT`; claims the next step of the object's sequence, waits for its `wait`
//!   condition, records itself in `checks.jsonl`, marks the step consumed, then
//!   answers after `sleep` + `runtime` with the step's output and exit code.
//! * `recorder` / `notifyrec`: record argv (less the reserved `--vigil-*` arguments)
//!   and the `NAGIOS_*` environment in `handlers.jsonl` / `notifications.jsonl`, then
//!   sleep and exit as `state/handlers.json` says.
//! * `perfdatarec`: a perfdata command (records like the recorder) or a file processing
//!   command (records the perfdata file as it is, then keeps, renames or truncates it),
//!   as `state/perfdata.json` says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Characters `helpers/seqcheck.py` keeps in file keys.
fn is_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// `helpers/seqcheck.py`'s `quote`: unsafe characters become `%XX` per UTF-8 byte.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_safe(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `obj_file_key(kind, host, svc)`.
pub fn file_key(kind: &str, host: &str, svc: Option<&str>) -> String {
    if kind == "host" {
        format!("host__{}", quote(host))
    } else {
        format!("service__{}__{}", quote(host), quote(svc.unwrap_or("")))
    }
}

/// The file key of an object reference (`host:NAME`, `service:HOST;DESC`).
pub fn key_of_ref(reference: &str) -> String {
    let (kind, rest) = reference.split_once(':').unwrap_or((reference, ""));
    if kind == "host" {
        file_key("host", rest, None)
    } else {
        let (h, s) = rest.split_once(';').unwrap_or((rest, ""));
        file_key("service", h, Some(s))
    }
}

/// Parsed `seqcheck` arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckArgs {
    /// `host` or `service`.
    pub kind: String,
    /// Host name.
    pub host: String,
    /// Service description.
    pub service: Option<String>,
    /// The state macros the engine passed (recorded only).
    pub pre: Vec<String>,
}

impl CheckArgs {
    /// Parses `args` (after the program) as seqcheck does; `None` where seqcheck would
    /// fail with an exception (too few arguments).
    pub fn parse(args: &[String]) -> Option<CheckArgs> {
        let kind = args.first()?.clone();
        let host = args.get(1)?.clone();
        let (service, pre_at) = if kind == "host" {
            (None, 2)
        } else {
            (Some(args.get(2)?.clone()), 3)
        };
        let pre = args.iter().skip(pre_at).take(3).cloned().collect();
        Some(CheckArgs {
            kind,
            host,
            service,
            pre,
        })
    }

    /// The object's file key.
    pub fn key(&self) -> String {
        file_key(&self.kind, &self.host, self.service.as_deref())
    }
}

/// Reserved arguments of the recording helpers, in the order each one knows them.
pub const RECORDER_RESERVED: &[&str] = &["--vigil-host=", "--vigil-svc=", "--vigil-evt="];
/// Reserved arguments of `notifyrec`.
pub const NOTIFY_RESERVED: &[&str] = &[
    "--vigil-contact=",
    "--vigil-host=",
    "--vigil-svc=",
    "--vigil-nid=",
];
/// Reserved arguments of `perfdatarec` (perfdata commands only).
pub const PERFDATA_RESERVED: &[&str] = &["--vigil-host=", "--vigil-svc="];

/// Splits off the reserved arguments (the first of each prefix), as the helpers do.
pub fn split_reserved(
    args: &[String],
    reserved: &[&str],
) -> (Vec<String>, BTreeMap<String, String>) {
    let mut argv = Vec::new();
    let mut seen = BTreeMap::new();
    for a in args {
        let hit = reserved
            .iter()
            .find(|r| a.starts_with(**r) && !seen.contains_key(**r));
        match hit {
            Some(r) => {
                seen.insert((*r).to_string(), a[r.len()..].to_string());
            }
            None => argv.push(a.clone()),
        }
    }
    (argv, seen)
}

/// The `NAGIOS_*` variables of an environment (later entries win, as with setenv).
pub fn nagios_env(env: &[(String, String)]) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in env {
        if k.starts_with("NAGIOS_") {
            m.insert(k.clone(), Value::String(v.clone()));
        }
    }
    m
}

/// The record of a recorder / notifyrec invocation.
pub fn recorder_record(
    helper: &str,
    script: &str,
    args: &[String],
    env: &[(String, String)],
    t: f64,
    pid: u32,
) -> Value {
    let notify = helper == "notifyrec";
    let (argv, seen) = split_reserved(
        args,
        if notify {
            NOTIFY_RESERVED
        } else {
            RECORDER_RESERVED
        },
    );
    let get = |k: &str| {
        seen.get(k)
            .map_or(Value::Null, |v| Value::String(v.clone()))
    };
    let mut r = json!({
        "script": script, "argv": argv, "t": t, "pid": pid,
        "host": get("--vigil-host="), "service": get("--vigil-svc="),
        "reserved_seen": seen.len(), "env": Value::Object(nagios_env(env)),
    });
    if let Value::Object(m) = &mut r {
        if notify {
            m.insert("contact".into(), get("--vigil-contact="));
            m.insert("nid".into(), get("--vigil-nid="));
        } else {
            m.insert("evt".into(), get("--vigil-evt="));
        }
    }
    r
}

/// `state/handlers.json`: what a recording handler or notification command does after
/// recording.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Knob {
    /// Seconds to sleep.
    #[serde(default)]
    pub sleep: Option<f64>,
    /// Exit code.
    #[serde(default)]
    pub exit: Option<i32>,
}

/// `state/perfdata.json`: one recording perfdata script.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PerfdataKnob {
    /// `command` or `processing`.
    #[serde(default)]
    pub role: Option<String>,
    /// `service` or `host`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Seconds to sleep after recording.
    #[serde(default)]
    pub sleep: Option<f64>,
    /// Exit code.
    #[serde(default)]
    pub exit: Option<i32>,
    /// The perfdata file a processing command reads.
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// `keep`, `rename` or `truncate`.
    #[serde(default)]
    pub action: Option<String>,
}

/// Reads a JSON knob file of the run directory (missing or unreadable: no knobs, as
/// the helpers treat it).
pub fn read_knobs<T: for<'de> Deserialize<'de>>(path: &Path) -> BTreeMap<String, T> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The record of a perfdatarec invocation; for processing commands the file is read
/// (and then kept, renamed or truncated) right here, at the simulated instant.
pub fn perfdata_record(
    script: &str,
    knob: &PerfdataKnob,
    args: &[String],
    env: &[(String, String)],
    t: f64,
    pid: u32,
) -> Value {
    let role = knob.role.clone().unwrap_or_else(|| "command".to_string());
    let (argv, seen) = if role == "command" {
        split_reserved(args, PERFDATA_RESERVED)
    } else {
        (args.to_vec(), BTreeMap::new())
    };
    let mut r = json!({
        "script": script, "role": role, "kind": knob.kind, "argv": argv, "t": t, "pid": pid,
        "env": Value::Object(nagios_env(env)),
    });
    let Value::Object(m) = &mut r else {
        return r;
    };
    if role == "command" {
        let get = |k: &str| {
            seen.get(k)
                .map_or(Value::Null, |v| Value::String(v.clone()))
        };
        m.insert("host".into(), get("--vigil-host="));
        m.insert("service".into(), get("--vigil-svc="));
        m.insert("reserved_seen".into(), json!(seen.len()));
    } else if role == "processing" {
        let content = knob
            .file
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        if let (Some(_), Some(path)) = (&content, &knob.file) {
            match knob.action.as_deref().unwrap_or("keep") {
                "rename" => {
                    let mut n = 1;
                    let target = loop {
                        let cand = PathBuf::from(format!("{}.{n}", path.display()));
                        if !cand.exists() {
                            break cand;
                        }
                        n += 1;
                    };
                    let _ = std::fs::rename(path, target);
                }
                "truncate" => {
                    if let Ok(f) = std::fs::OpenOptions::new().write(true).open(path) {
                        let _ = f.set_len(0);
                    }
                }
                _ => {}
            }
        }
        m.insert("content".into(), content.map_or(Value::Null, Value::String));
    }
    r
}

/// One helper invocation seen by the argv dumper.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// `$0` as the shell passed it.
    pub program: String,
    /// The arguments.
    pub args: Vec<String>,
    /// The whole environment of the helper.
    pub env: Vec<(String, String)>,
}

/// Parses the dumper's capture: `INVOCATION`, argc, `$0`, the arguments, the
/// environment entries, `END`, all NUL-terminated. A truncated last record is dropped.
pub fn parse_capture(bytes: &[u8]) -> Vec<Invocation> {
    let fields: Vec<String> = bytes
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(f) = fields.get(i) {
        if f != "INVOCATION" {
            i += 1;
            continue;
        }
        let Some(argc) = fields.get(i + 1).and_then(|n| n.parse::<usize>().ok()) else {
            break;
        };
        let Some(program) = fields.get(i + 2).cloned() else {
            break;
        };
        let args_end = i + 3 + argc;
        let Some(args) = fields.get(i + 3..args_end) else {
            break;
        };
        let mut env = Vec::new();
        let mut j = args_end;
        let mut ended = false;
        while let Some(f) = fields.get(j) {
            j += 1;
            if f == "END" {
                ended = true;
                break;
            }
            if let Some((k, v)) = f.split_once('=') {
                env.push((k.to_string(), v.to_string()));
            }
        }
        if !ended {
            break;
        }
        out.push(Invocation {
            program,
            args: args.to_vec(),
            env,
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn keys_quote_like_seqcheck() {
        // Values computed with helpers/seqcheck.py's obj_file_key.
        assert_eq!(file_key("host", "web01", None), "host__web01");
        assert_eq!(
            file_key("service", "h 1", Some("Disk /;ä")),
            "service__h%201__Disk%20%2F%3B%C3%A4"
        );
        assert_eq!(key_of_ref("service:h1;s1"), "service__h1__s1");
        assert_eq!(key_of_ref("host:h1"), "host__h1");
    }

    #[test]
    fn check_args() {
        let a = CheckArgs::parse(&s(&["service", "h1", "s1", "OK", "HARD", "1"])).unwrap();
        assert_eq!(a.service.as_deref(), Some("s1"));
        assert_eq!(a.pre, s(&["OK", "HARD", "1"]));
        let h = CheckArgs::parse(&s(&["host", "h1", "UP", "HARD"])).unwrap();
        assert_eq!(h.pre, s(&["UP", "HARD"]));
        assert_eq!(CheckArgs::parse(&s(&["service", "h1"])), None);
    }

    #[test]
    fn reserved_first_of_each_prefix_only() {
        let (argv, seen) = split_reserved(
            &s(&[
                "--vigil-host=h",
                "--vigil-svc=",
                "--vigil-host=again",
                "X=1",
            ]),
            RECORDER_RESERVED,
        );
        assert_eq!(argv, s(&["--vigil-host=again", "X=1"]));
        assert_eq!(seen.len(), 2);
        assert_eq!(seen["--vigil-svc="], "");
    }

    #[test]
    fn capture_round_trip_and_truncation() {
        let mut b = Vec::new();
        for f in [
            "INVOCATION",
            "2",
            "/p/svc-eh",
            "a b",
            "",
            "NAGIOS_X=1=2",
            "PATH=/bin",
            "END",
            "INVOCATION",
            "1",
            "/p/x",
        ] {
            b.extend_from_slice(f.as_bytes());
            b.push(0);
        }
        let inv = parse_capture(&b);
        assert_eq!(inv.len(), 1);
        assert_eq!(inv[0].program, "/p/svc-eh");
        assert_eq!(inv[0].args, s(&["a b", ""]));
        assert_eq!(inv[0].env[0], ("NAGIOS_X".to_string(), "1=2".to_string()));
    }
}
