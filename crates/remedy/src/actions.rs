//! Running one action of a rule for one event — `command`, `systemd`, `webhook`,
//! `vsphere_memory`, `note` — within its timeout, and describing it without running
//! it (dry run). Templates are rendered here, in a [`RunContext`] that also carries
//! what earlier actions of the same rule reported (`{vm}`, `{old_mb}`, `{new_mb}`).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use vigil_handler::Event;

use crate::config::{Action, ActionKind, Body, BodyValue, VmRef};
use crate::http::{self, Method};
use crate::process::run_process;
use crate::template::{json_escape, Template, TemplateError};
use crate::vsphere::{self, VmTarget, VsphereError};

/// Extra time given to each HTTP request beyond the action's deadline.
const BACKSTOP: Duration = Duration::from_secs(1);

/// Why an action failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// A template could not be filled for this event.
    #[error("{0}")]
    Template(#[from] TemplateError),
    /// A rendered value is not acceptable where it goes.
    #[error("{0}")]
    BadValue(String),
    /// The program could not be started.
    #[error("cannot run {program}: {message}")]
    Spawn {
        /// The program.
        program: String,
        /// The error.
        message: String,
    },
    /// The program ran and failed (non-zero exit, signal, timeout).
    #[error("{command}: {outcome}{output}")]
    Process {
        /// The command line, shown.
        command: String,
        /// exit N, timed out, ...
        outcome: String,
        /// `: first line of output`, or nothing.
        output: String,
    },
    /// The webhook got no response or an error status.
    #[error("POST {url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The vSphere API refused or failed.
    #[error("vsphere: {0}")]
    Vsphere(#[from] VsphereError),
    /// The notes file could not be written.
    #[error("cannot append to {path}: {message}")]
    Note {
        /// The file.
        path: String,
        /// The error.
        message: String,
    },
    /// The action did not finish in time.
    #[error("timed out after {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
}

/// What a successful action reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOk {
    /// One line for the audit log.
    pub detail: String,
    /// Values for later templates of the same rule.
    pub vars: Vec<(String, String)>,
}

/// The values templates see while a rule runs.
#[derive(Debug, Clone)]
pub struct RunContext<'a> {
    /// The event.
    pub event: &'a Event,
    /// The rule's name (`{rule}`).
    pub rule: String,
    /// RFC 3339 local time of the run (`{timestamp}`).
    pub timestamp: String,
    /// Values reported by earlier actions.
    pub vars: BTreeMap<String, String>,
    /// The systemctl program.
    pub systemctl: PathBuf,
}

impl<'a> RunContext<'a> {
    /// A context for `rule` on `event`, stamped now.
    pub fn new(event: &'a Event, rule: &str, systemctl: PathBuf) -> RunContext<'a> {
        RunContext {
            event,
            rule: rule.to_string(),
            timestamp: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            vars: BTreeMap::new(),
            systemctl,
        }
    }

    /// The value of a placeholder.
    pub fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "rule" => Some(self.rule.clone()),
            "timestamp" => Some(self.timestamp.clone()),
            _ => match self.vars.get(name) {
                Some(v) => Some(v.clone()),
                None => self.event.field(name),
            },
        }
    }

    fn render(&self, t: &Template) -> Result<String, TemplateError> {
        t.render(&|n| self.lookup(n))
    }

    /// Like render, but values that only a run provides show as `<name>` (dry run).
    fn render_preview(&self, t: &Template) -> String {
        let r = t.render(&|n| {
            self.lookup(n).or_else(|| {
                crate::template::RUN_FIELDS
                    .contains(&n)
                    .then(|| format!("<{n}>"))
            })
        });
        match r {
            Ok(s) => s,
            Err(e) => format!("<{e}>"),
        }
    }
}

/// Shows an argv as a JSON array (unambiguous about spaces and quotes).
fn show_argv(argv: &[String]) -> String {
    serde_json::to_string(argv).unwrap_or_default()
}

fn unit_ok(unit: &str) -> Result<(), ActionError> {
    if unit.is_empty()
        || unit.starts_with('-')
        || unit.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ActionError::BadValue(format!(
            "systemd: '{unit}' is not a unit name"
        )));
    }
    Ok(())
}

fn body_json(ctx: &RunContext<'_>, v: &BodyValue) -> Result<Value, TemplateError> {
    Ok(match v {
        BodyValue::Bool(b) => Value::Bool(*b),
        BodyValue::Int(n) => Value::from(*n),
        BodyValue::Float(f) => Value::from(*f),
        BodyValue::Str(t) => Value::String(ctx.render(t)?),
        BodyValue::Array(a) => Value::Array(
            a.iter()
                .map(|x| body_json(ctx, x))
                .collect::<Result<_, _>>()?,
        ),
        BodyValue::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| Ok((k.clone(), body_json(ctx, x)?)))
                .collect::<Result<_, TemplateError>>()?,
        ),
    })
}

/// The webhook body for this event.
pub fn webhook_body(ctx: &RunContext<'_>, body: &Body) -> Result<String, ActionError> {
    match body {
        Body::Value(v) => Ok(body_json(ctx, v)?.to_string()),
        Body::Template(t) => {
            let s = t.render_escaped(&|n| ctx.lookup(n), &json_escape)?;
            serde_json::from_str::<Value>(&s).map_err(|e| {
                ActionError::BadValue(format!("webhook: body_template is not valid JSON: {e}"))
            })?;
            Ok(s)
        }
        Body::Default => {
            let ev: Value = serde_json::to_value(ctx.event).unwrap_or(Value::Null);
            Ok(serde_json::json!({ "rule": ctx.rule, "event": ev }).to_string())
        }
    }
}

fn header_values(
    ctx: &RunContext<'_>,
    headers: &[(String, Template)],
) -> Result<Vec<(String, String)>, ActionError> {
    let mut out = Vec::new();
    for (k, t) in headers {
        let v = ctx.render(t)?;
        if v.chars().any(|c| c == '\r' || c == '\n' || c == '\0') {
            return Err(ActionError::BadValue(format!(
                "webhook: header {k} would contain a line break"
            )));
        }
        out.push((k.clone(), v));
    }
    Ok(out)
}

/// Runs `f` on its own thread and waits at most `timeout` for it. On time-out the
/// thread is left behind (the handler process ends soon after); the HTTP requests
/// inside carry their own, slightly longer, timeout as a backstop so that the
/// deadline here is what decides, with one clear message.
fn with_deadline<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ActionError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(timeout)
        .map_err(|_| ActionError::Timeout(timeout))
}

fn run_argv(argv: Vec<String>, timeout: Duration) -> Result<ActionOk, ActionError> {
    let shown = show_argv(&argv);
    let r = run_process(&argv, timeout).map_err(|e| ActionError::Spawn {
        program: argv.first().cloned().unwrap_or_default(),
        message: e.to_string(),
    })?;
    let line = r.first_line();
    let output = if line.is_empty() {
        String::new()
    } else {
        format!(": {line}")
    };
    if r.success() {
        Ok(ActionOk {
            detail: format!("{shown}: exit 0{output}"),
            vars: Vec::new(),
        })
    } else {
        Err(ActionError::Process {
            command: shown,
            outcome: r.describe(timeout),
            output,
        })
    }
}

/// Runs one action.
pub fn run_action(action: &Action, ctx: &RunContext<'_>) -> Result<ActionOk, ActionError> {
    let timeout = action.timeout;
    match &action.kind {
        ActionKind::Command { argv } => {
            let argv = argv
                .iter()
                .map(|t| ctx.render(t))
                .collect::<Result<Vec<_>, _>>()?;
            run_argv(argv, timeout)
        }
        ActionKind::Systemd { verb, unit } => {
            let unit = ctx.render(unit)?;
            unit_ok(&unit)?;
            let argv = vec![ctx.systemctl.display().to_string(), verb.clone(), unit];
            run_argv(argv, timeout)
        }
        ActionKind::Webhook {
            url,
            headers,
            body,
            insecure,
        } => {
            let body = webhook_body(ctx, body)?;
            let headers = header_values(ctx, headers)?;
            let (url, insecure) = (url.clone(), *insecure);
            let u = url.clone();
            let r = with_deadline(timeout, move || {
                let agent = http::agent(timeout + BACKSTOP, insecure);
                http::send(&agent, Method::Post, &u, &headers, Some(&body))
            })?
            .map_err(|e| ActionError::Http {
                url: url.clone(),
                message: e.0,
            })?;
            if !r.is_success() {
                return Err(ActionError::Http {
                    url,
                    message: format!("HTTP {}: {}", r.status, r.body_excerpt()),
                });
            }
            Ok(ActionOk {
                detail: format!("POST {url}: HTTP {}", r.status),
                vars: Vec::new(),
            })
        }
        ActionKind::VsphereMemory {
            conn,
            vm,
            add_mb,
            max_mb,
        } => {
            let target = match vm {
                VmRef::Id(t) => VmTarget::Id(ctx.render(t)?),
                VmRef::Name(t) => VmTarget::Name(ctx.render(t)?),
            };
            if matches!(&target, VmTarget::Id(s) | VmTarget::Name(s) if s.is_empty()) {
                return Err(ActionError::BadValue("vsphere_memory: empty VM".into()));
            }
            let (conn, add, max) = (conn.clone(), *add_mb, *max_mb);
            let c = with_deadline(timeout, move || {
                vsphere::add_memory(&conn, &target, add, max, timeout + BACKSTOP)
            })??;
            Ok(ActionOk {
                detail: format!("{}: memory {} -> {} MiB", c.vm, c.old_mb, c.new_mb),
                vars: vec![
                    ("vm".into(), c.vm),
                    ("old_mb".into(), c.old_mb.to_string()),
                    ("new_mb".into(), c.new_mb.to_string()),
                ],
            })
        }
        ActionKind::Note { path, text } => {
            let line: String = ctx
                .render(text)?
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            let p = path.clone();
            let l = line.clone();
            with_deadline(timeout, move || {
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&p)
                    .and_then(|mut f| f.write_all(format!("{l}\n").as_bytes()))
            })?
            .map_err(|e| ActionError::Note {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Ok(ActionOk {
                detail: format!("appended to {}: {line}", path.display()),
                vars: Vec::new(),
            })
        }
    }
}

/// What the action would do, for dry runs (nothing is contacted or started).
pub fn describe_action(action: &Action, ctx: &RunContext<'_>) -> String {
    match &action.kind {
        ActionKind::Command { argv } => {
            let argv: Vec<String> = argv.iter().map(|t| ctx.render_preview(t)).collect();
            format!("would run {}", show_argv(&argv))
        }
        ActionKind::Systemd { verb, unit } => format!(
            "would run {}",
            show_argv(&[
                ctx.systemctl.display().to_string(),
                verb.clone(),
                ctx.render_preview(unit)
            ])
        ),
        ActionKind::Webhook { url, body, .. } => {
            let b = webhook_body(ctx, body).unwrap_or_else(|e| format!("<{e}>"));
            format!("would POST {url}: {b}")
        }
        ActionKind::VsphereMemory {
            conn, vm, add_mb, ..
        } => {
            let which = match vm {
                VmRef::Id(t) => format!("VM {}", ctx.render_preview(t)),
                VmRef::Name(t) => format!("the VM named {}", ctx.render_preview(t)),
            };
            format!("would add {add_mb} MiB to {which} at {}", conn.url)
        }
        ActionKind::Note { path, text } => format!(
            "would append to {}: {}",
            path.display(),
            ctx.render_preview(text)
        ),
    }
}
