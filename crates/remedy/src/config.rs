//! The rules file: TOML read into checked, ready-to-run [`Rules`] — globs compiled,
//! templates parsed, durations and ranges validated, relative paths resolved against
//! the rules file's directory. Every problem is reported with where it is
//! (`rule 'x' action 2: ...`).

use std::collections::{BTreeMap, HashSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use vigil_handler::{ObjectKind, State, StateType};

use crate::policy::Policy;
use crate::template::Template;

/// Default per-action timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Not valid TOML, or a field of the wrong type / unknown field.
    #[error("{path}: {message}")]
    Toml {
        /// The file (or `<string>`).
        path: String,
        /// toml's message, with line and column.
        message: String,
    },
    /// A value that is well-formed TOML but not usable.
    #[error("{path}: {at}: {message}")]
    Invalid {
        /// The file (or `<string>`).
        path: String,
        /// Where: `rule 'x'`, `rule 'x' action 2`, `[vsphere]`, ...
        at: String,
        /// What is wrong.
        message: String,
    },
}

/// Whether the first matching rule or every matching rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Only the first rule (in file order) that matches (default).
    #[default]
    First,
    /// Every rule that matches, in file order.
    All,
}

/// Global settings of a rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Cooldown / rate-limit state (a JSON file, locked through `<state_file>.lock`).
    /// Required when a rule has a cooldown or max_runs.
    pub state_file: Option<PathBuf>,
    /// The audit log (JSON lines); decisions always go to stdout too.
    pub audit_log: Option<PathBuf>,
    /// Run nothing, log what would run.
    pub dry_run: bool,
    /// The systemctl program for `systemd` actions (default `systemctl`, found in PATH).
    pub systemctl: PathBuf,
    /// Default per-action timeout.
    pub timeout: Duration,
    /// First matching rule, or all.
    pub match_mode: MatchMode,
}

/// Where a password comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum Password {
    /// Written in the file.
    Inline(String),
    /// Read from this file at run time (first line, trailing newline removed).
    File(PathBuf),
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::Inline(_) => f.write_str("Inline(<hidden>)"),
            Password::File(p) => write!(f, "File({})", p.display()),
        }
    }
}

/// How to reach a vCenter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VsphereConn {
    /// Base URL, e.g. `https://vcenter.example.com` (no trailing slash).
    pub url: String,
    /// User name for the session login (basic authentication).
    pub user: String,
    /// The password.
    pub password: Password,
    /// Accept any TLS certificate (self-signed vCenter certificates).
    pub insecure: bool,
}

/// Which VM a `vsphere_memory` action changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmRef {
    /// The vSphere VM identifier (`vm-42`), templated.
    Id(Template),
    /// The VM name, looked up with `GET /api/vcenter/vm?names=...`, templated.
    Name(Template),
}

/// The body of a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `body = { ... }`: a TOML value sent as JSON; every string in it is a template.
    Value(BodyValue),
    /// `body_template = '...'`: JSON text with placeholders; values are JSON-escaped
    /// and the result must be valid JSON.
    Template(Template),
    /// Neither: `{"rule": ..., "event": <the event as JSON>}`.
    Default,
}

/// A JSON value whose strings are templates.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyValue {
    /// true / false.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A templated string.
    Str(Template),
    /// An array.
    Array(Vec<BodyValue>),
    /// An object (keys are not templated), in file order.
    Object(Vec<(String, BodyValue)>),
}

/// What an action does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Run a program: argv, no shell; each element templated.
    Command {
        /// Program and arguments.
        argv: Vec<Template>,
    },
    /// `systemctl <verb> <unit>`.
    Systemd {
        /// restart (default), try-restart, reload-or-restart, start or reload.
        verb: String,
        /// The unit, templated.
        unit: Template,
    },
    /// POST a JSON body.
    Webhook {
        /// The URL.
        url: String,
        /// Extra headers (values templated).
        headers: Vec<(String, Template)>,
        /// The body.
        body: Body,
        /// Accept any TLS certificate.
        insecure: bool,
    },
    /// Add memory to a VMware VM through the vSphere Automation REST API.
    VsphereMemory {
        /// The vCenter.
        conn: VsphereConn,
        /// The VM.
        vm: VmRef,
        /// MiB to add.
        add_mb: u64,
        /// Refuse to grow the VM beyond this many MiB.
        max_mb: Option<u64>,
    },
    /// Append one line to a file.
    Note {
        /// The notes file.
        path: PathBuf,
        /// The line, templated (newlines in values become spaces).
        text: Template,
    },
}

impl ActionKind {
    /// The `type` name in the rules file.
    pub fn type_name(&self) -> &'static str {
        match self {
            ActionKind::Command { .. } => "command",
            ActionKind::Systemd { .. } => "systemd",
            ActionKind::Webhook { .. } => "webhook",
            ActionKind::VsphereMemory { .. } => "vsphere_memory",
            ActionKind::Note { .. } => "note",
        }
    }
}

/// One action with its timeout.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// What it does.
    pub kind: ActionKind,
    /// How long it may take.
    pub timeout: Duration,
}

/// A compiled list of glob patterns.
#[derive(Debug, Clone)]
pub struct Patterns {
    /// The patterns as written.
    pub sources: Vec<String>,
    set: GlobSet,
}

impl PartialEq for Patterns {
    fn eq(&self, other: &Self) -> bool {
        self.sources == other.sources
    }
}

impl Patterns {
    /// Compiles `patterns` (shell globs: `*`, `?`, `[a-z]`, `{a,b}`).
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Patterns, globset::Error> {
        let mut b = GlobSetBuilder::new();
        let mut sources = Vec::new();
        for p in patterns {
            b.add(Glob::new(p.as_ref())?);
            sources.push(p.as_ref().to_string());
        }
        Ok(Patterns {
            sources,
            set: b.build()?,
        })
    }

    /// True when any pattern matches the whole of `s`.
    pub fn is_match(&self, s: &str) -> bool {
        self.set.is_match(s)
    }
}

/// One rule: what it matches, its policy, its actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Unique name (audit log, policy state key).
    pub name: String,
    /// Only service or only host events.
    pub object: Option<ObjectKind>,
    /// Host name globs; `None` = any host.
    pub hosts: Option<Patterns>,
    /// Service description globs; `None` = any event. When set, host events never
    /// match, and a service event without a known description is matched as "".
    pub services: Option<Patterns>,
    /// States; `None` = any problem state (everything but OK and UP).
    pub states: Option<Vec<State>>,
    /// State types; `None` = both.
    pub state_types: Option<Vec<StateType>>,
    /// Attempt ranges; `None` = any attempt.
    pub attempts: Option<Vec<RangeInclusive<u32>>>,
    /// vigil's outcome of the object's previous handler run (`VIGIL_LAST_OUTCOME`,
    /// from `_VIGIL_VERIFY`): the rule matches only when it is one of these
    /// (`none` matches an event without one); `None` = whatever it was.
    pub last_outcome: Option<Vec<String>>,
    /// Cooldown and rate limit.
    pub policy: Policy,
    /// Run nothing for this rule.
    pub dry_run: bool,
    /// Keep running the rule's next actions after one fails.
    pub continue_on_error: bool,
    /// What to do, in order.
    pub actions: Vec<Action>,
}

/// A loaded rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Global settings.
    pub settings: Settings,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

// ---------------------------------------------------------------- raw TOML shape

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    state_file: Option<PathBuf>,
    audit_log: Option<PathBuf>,
    #[serde(default)]
    dry_run: bool,
    systemctl: Option<PathBuf>,
    timeout: Option<toml::Value>,
    #[serde(rename = "match")]
    match_mode: Option<MatchMode>,
    vsphere: Option<RawVsphere>,
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
}

/// The `[vsphere]` table (also accepted, field by field, inside a
/// `vsphere_memory` action to override it).
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVsphere {
    pub(crate) url: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) password_file: Option<PathBuf>,
    pub(crate) insecure: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    object: Option<ObjectKind>,
    host: Option<toml::Value>,
    service: Option<toml::Value>,
    states: Option<toml::Value>,
    state_types: Option<toml::Value>,
    attempts: Option<toml::Value>,
    last_outcome: Option<toml::Value>,
    cooldown: Option<toml::Value>,
    max_runs: Option<u32>,
    window: Option<toml::Value>,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    continue_on_error: bool,
    #[serde(default, rename = "action")]
    actions: Vec<RawAction>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum RawAction {
    Command(RawCommand),
    Systemd(RawSystemd),
    Webhook(RawWebhook),
    VsphereMemory(RawVsphereAction),
    Note(RawNote),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    argv: Vec<String>,
    timeout: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSystemd {
    unit: String,
    verb: Option<String>,
    timeout: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<toml::Value>,
    body_template: Option<String>,
    #[serde(default)]
    insecure: bool,
    timeout: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVsphereAction {
    add_mb: u64,
    vm: Option<String>,
    vm_name: Option<String>,
    max_mb: Option<u64>,
    url: Option<String>,
    user: Option<String>,
    password: Option<String>,
    password_file: Option<PathBuf>,
    insecure: Option<bool>,
    timeout: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNote {
    path: PathBuf,
    text: Option<String>,
    timeout: Option<toml::Value>,
}

/// The default note line.
pub const DEFAULT_NOTE: &str =
    "{timestamp} {rule}: {host}/{service} {state} {state_type} attempt {attempt}: {output}";

/// Systemctl verbs a `systemd` action may use.
pub const SYSTEMD_VERBS: &[&str] = &[
    "restart",
    "try-restart",
    "reload-or-restart",
    "start",
    "reload",
];

// ---------------------------------------------------------------- conversion

/// Builds errors for one file.
pub(crate) struct Ctx {
    pub(crate) path: String,
    pub(crate) base: Option<PathBuf>,
}

impl Ctx {
    pub(crate) fn err(&self, at: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.clone(),
            at: at.into(),
            message: message.into(),
        }
    }

    /// A path from the file, relative ones taken from the file's directory.
    pub(crate) fn resolve(&self, p: &Path) -> PathBuf {
        match &self.base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// Parses a duration: whole seconds (`30`) or a number with a unit (`500ms`, `30s`,
/// `5m`, `2h`, `1d`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "" | "s" => 1000,
        "ms" => 1,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    Some(Duration::from_millis(n.checked_mul(mult)?))
}

pub(crate) fn duration(
    ctx: &Ctx,
    at: &str,
    field: &str,
    v: Option<&toml::Value>,
) -> Result<Option<Duration>, ConfigError> {
    let bad = || {
        ctx.err(
            at,
            format!("{field}: expected seconds (30) or a duration (\"500ms\", \"30s\", \"5m\", \"2h\", \"1d\")"),
        )
    };
    match v {
        None => Ok(None),
        Some(toml::Value::Integer(n)) if *n >= 0 => Ok(Some(Duration::from_secs(*n as u64))),
        Some(toml::Value::String(s)) => parse_duration(s).map(Some).ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// A string or an array of strings.
fn strings(ctx: &Ctx, at: &str, field: &str, v: &toml::Value) -> Result<Vec<String>, ConfigError> {
    let bad = || {
        ctx.err(
            at,
            format!("{field}: expected a string or an array of strings"),
        )
    };
    match v {
        toml::Value::String(s) => Ok(vec![s.clone()]),
        toml::Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

fn patterns(
    ctx: &Ctx,
    at: &str,
    field: &str,
    v: Option<&toml::Value>,
) -> Result<Option<Patterns>, ConfigError> {
    let Some(v) = v else { return Ok(None) };
    let list = strings(ctx, at, field, v)?;
    if list.is_empty() {
        return Err(ctx.err(at, format!("{field}: empty list matches nothing")));
    }
    Patterns::new(&list)
        .map(Some)
        .map_err(|e| ctx.err(at, format!("{field}: {e}")))
}

fn parse_attempts(
    ctx: &Ctx,
    at: &str,
    v: Option<&toml::Value>,
) -> Result<Option<Vec<RangeInclusive<u32>>>, ConfigError> {
    let Some(v) = v else { return Ok(None) };
    let bad = |what: &str| {
        ctx.err(
            at,
            format!("attempts: {what} (expected numbers from 1 or ranges like \"1-3\")"),
        )
    };
    let one = |x: &toml::Value| -> Result<RangeInclusive<u32>, ConfigError> {
        match x {
            toml::Value::Integer(n) if *n >= 1 && *n <= u32::MAX as i64 => {
                Ok(*n as u32..=*n as u32)
            }
            toml::Value::String(s) => {
                let (a, b) = match s.split_once('-') {
                    Some((a, b)) => (a.trim(), b.trim()),
                    None => (s.trim(), s.trim()),
                };
                match (a.parse::<u32>(), b.parse::<u32>()) {
                    (Ok(a), Ok(b)) if a >= 1 && a <= b => Ok(a..=b),
                    _ => Err(bad(&format!("bad range '{s}'"))),
                }
            }
            other => Err(bad(&format!("bad value {other}"))),
        }
    };
    let list = match v {
        toml::Value::Array(a) => a.iter().map(one).collect::<Result<Vec<_>, _>>()?,
        other => vec![one(other)?],
    };
    if list.is_empty() {
        return Err(bad("empty list"));
    }
    Ok(Some(list))
}

fn template(ctx: &Ctx, at: &str, field: &str, s: &str) -> Result<Template, ConfigError> {
    Template::parse(s).map_err(|e| ctx.err(at, format!("{field}: {e}")))
}

fn body_value(ctx: &Ctx, at: &str, v: &toml::Value) -> Result<BodyValue, ConfigError> {
    Ok(match v {
        toml::Value::String(s) => BodyValue::Str(template(ctx, at, "body", s)?),
        toml::Value::Integer(n) => BodyValue::Int(*n),
        toml::Value::Float(f) => BodyValue::Float(*f),
        toml::Value::Boolean(b) => BodyValue::Bool(*b),
        toml::Value::Datetime(d) => BodyValue::Str(template(ctx, at, "body", &d.to_string())?),
        toml::Value::Array(a) => BodyValue::Array(
            a.iter()
                .map(|x| body_value(ctx, at, x))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => BodyValue::Object(
            t.iter()
                .map(|(k, x)| Ok((k.clone(), body_value(ctx, at, x)?)))
                .collect::<Result<_, ConfigError>>()?,
        ),
    })
}

/// Merges the `[vsphere]` table with an action's own connection fields.
pub(crate) fn vsphere_conn(
    ctx: &Ctx,
    at: &str,
    global: Option<&RawVsphere>,
    own: RawVsphere,
) -> Result<VsphereConn, ConfigError> {
    let g = global.cloned().unwrap_or_default();
    let url = own
        .url
        .or(g.url)
        .ok_or_else(|| ctx.err(at, "vsphere: missing url (in [vsphere] or the action)"))?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ctx.err(
            at,
            format!("vsphere: url '{url}' must start with https:// or http://"),
        ));
    }
    let user = own
        .user
        .or(g.user)
        .ok_or_else(|| ctx.err(at, "vsphere: missing user"))?;
    // The action's own password source wins as a whole over the global one.
    let (pw, pw_file) = if own.password.is_some() || own.password_file.is_some() {
        (own.password, own.password_file)
    } else {
        (g.password, g.password_file)
    };
    let password = match (pw, pw_file) {
        (Some(p), None) => Password::Inline(p),
        (None, Some(f)) => Password::File(ctx.resolve(&f)),
        (Some(_), Some(_)) => {
            return Err(ctx.err(at, "vsphere: give password or password_file, not both"))
        }
        (None, None) => return Err(ctx.err(at, "vsphere: missing password or password_file")),
    };
    Ok(VsphereConn {
        url: url.trim_end_matches('/').to_string(),
        user,
        password,
        insecure: own.insecure.or(g.insecure).unwrap_or(false),
    })
}

fn action(
    ctx: &Ctx,
    at: &str,
    raw: RawAction,
    settings: &Settings,
    vsphere: Option<&RawVsphere>,
) -> Result<Action, ConfigError> {
    let (kind, timeout) = match raw {
        RawAction::Command(c) => {
            if c.argv.is_empty() || c.argv[0].is_empty() {
                return Err(ctx.err(at, "command: argv must name a program"));
            }
            let argv = c
                .argv
                .iter()
                .map(|a| template(ctx, at, "argv", a))
                .collect::<Result<_, _>>()?;
            (ActionKind::Command { argv }, c.timeout)
        }
        RawAction::Systemd(s) => {
            let verb = s.verb.unwrap_or_else(|| "restart".to_string());
            if !SYSTEMD_VERBS.contains(&verb.as_str()) {
                return Err(ctx.err(
                    at,
                    format!(
                        "systemd: verb '{verb}' is not one of {}",
                        SYSTEMD_VERBS.join(", ")
                    ),
                ));
            }
            if s.unit.trim().is_empty() {
                return Err(ctx.err(at, "systemd: empty unit"));
            }
            let unit = template(ctx, at, "unit", &s.unit)?;
            (ActionKind::Systemd { verb, unit }, s.timeout)
        }
        RawAction::Webhook(w) => {
            if !(w.url.starts_with("https://") || w.url.starts_with("http://")) {
                return Err(ctx.err(
                    at,
                    format!(
                        "webhook: url '{}' must start with https:// or http://",
                        w.url
                    ),
                ));
            }
            let body = match (w.body, w.body_template) {
                (Some(_), Some(_)) => {
                    return Err(ctx.err(at, "webhook: give body or body_template, not both"))
                }
                (Some(v), None) => Body::Value(body_value(ctx, at, &v)?),
                (None, Some(t)) => Body::Template(template(ctx, at, "body_template", &t)?),
                (None, None) => Body::Default,
            };
            let mut headers = Vec::new();
            for (k, v) in &w.headers {
                if k.is_empty()
                    || !k
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
                {
                    return Err(ctx.err(at, format!("webhook: bad header name '{k}'")));
                }
                headers.push((k.clone(), template(ctx, at, "headers", v)?));
            }
            (
                ActionKind::Webhook {
                    url: w.url,
                    headers,
                    body,
                    insecure: w.insecure,
                },
                w.timeout,
            )
        }
        RawAction::VsphereMemory(v) => {
            if v.add_mb == 0 {
                return Err(ctx.err(at, "vsphere_memory: add_mb must be at least 1"));
            }
            let vm = match (v.vm, v.vm_name) {
                (Some(_), Some(_)) => {
                    return Err(ctx.err(at, "vsphere_memory: give vm or vm_name, not both"))
                }
                (Some(id), None) => VmRef::Id(template(ctx, at, "vm", &id)?),
                (None, Some(n)) => VmRef::Name(template(ctx, at, "vm_name", &n)?),
                (None, None) => VmRef::Id(template(ctx, at, "vm", "{_VMID}")?),
            };
            let conn = vsphere_conn(
                ctx,
                at,
                vsphere,
                RawVsphere {
                    url: v.url,
                    user: v.user,
                    password: v.password,
                    password_file: v.password_file,
                    insecure: v.insecure,
                },
            )?;
            (
                ActionKind::VsphereMemory {
                    conn,
                    vm,
                    add_mb: v.add_mb,
                    max_mb: v.max_mb,
                },
                v.timeout,
            )
        }
        RawAction::Note(n) => {
            let text = template(ctx, at, "text", n.text.as_deref().unwrap_or(DEFAULT_NOTE))?;
            (
                ActionKind::Note {
                    path: ctx.resolve(&n.path),
                    text,
                },
                n.timeout,
            )
        }
    };
    let timeout = duration(ctx, at, "timeout", timeout.as_ref())?.unwrap_or(settings.timeout);
    if timeout.is_zero() {
        return Err(ctx.err(at, "timeout must be above 0"));
    }
    Ok(Action { kind, timeout })
}

fn rule(
    ctx: &Ctx,
    raw: RawRule,
    settings: &Settings,
    vsphere: Option<&RawVsphere>,
) -> Result<Rule, ConfigError> {
    let at = format!("rule '{}'", raw.name);
    if raw.name.trim().is_empty() {
        return Err(ctx.err("rule", "name must not be empty"));
    }
    let states = match &raw.states {
        None => None,
        Some(v) => {
            let list = strings(ctx, &at, "states", v)?;
            let mut out = Vec::new();
            for s in &list {
                let st = State::from_name(s).ok_or_else(|| {
                    ctx.err(
                        &at,
                        format!("states: '{s}' is not OK, WARNING, CRITICAL, UNKNOWN, UP, DOWN or UNREACHABLE"),
                    )
                })?;
                out.push(st);
            }
            if out.is_empty() {
                return Err(ctx.err(&at, "states: empty list matches nothing"));
            }
            Some(out)
        }
    };
    let state_types = match &raw.state_types {
        None => None,
        Some(v) => {
            let list = strings(ctx, &at, "state_types", v)?;
            let mut out = Vec::new();
            for s in &list {
                out.push(
                    StateType::parse(s).map_err(|e| ctx.err(&at, format!("state_types: {e}")))?,
                );
            }
            if out.is_empty() {
                return Err(ctx.err(&at, "state_types: empty list matches nothing"));
            }
            Some(out)
        }
    };
    let cooldown = duration(ctx, &at, "cooldown", raw.cooldown.as_ref())?.unwrap_or_default();
    let window = duration(ctx, &at, "window", raw.window.as_ref())?;
    let max_runs = raw.max_runs;
    let window = match (max_runs, window) {
        (Some(0), _) => return Err(ctx.err(&at, "max_runs must be at least 1")),
        (Some(_), None) => return Err(ctx.err(&at, "max_runs needs a window (\"1h\", ...)")),
        (Some(_), Some(w)) if w.is_zero() => return Err(ctx.err(&at, "window must be above 0")),
        (None, Some(_)) => return Err(ctx.err(&at, "window without max_runs")),
        (_, w) => w.unwrap_or_default(),
    };
    let policy = Policy {
        cooldown,
        max_runs,
        window,
    };
    if policy.needs_state() && settings.state_file.is_none() {
        return Err(ctx.err(
            &at,
            "cooldown / max_runs need state_file at the top of the rules file",
        ));
    }
    if raw.actions.is_empty() {
        return Err(ctx.err(&at, "no [[rule.action]]"));
    }
    let mut actions = Vec::new();
    for (i, a) in raw.actions.into_iter().enumerate() {
        let aat = format!("{at} action {}", i + 1);
        actions.push(action(ctx, &aat, a, settings, vsphere)?);
    }
    Ok(Rule {
        hosts: patterns(ctx, &at, "host", raw.host.as_ref())?,
        services: patterns(ctx, &at, "service", raw.service.as_ref())?,
        attempts: parse_attempts(ctx, &at, raw.attempts.as_ref())?,
        last_outcome: match raw.last_outcome.as_ref() {
            None => None,
            Some(v) => {
                let list = strings(ctx, &at, "last_outcome", v)?;
                for o in &list {
                    if o != "none" && !vigil_handler::OUTCOMES.contains(&o.as_str()) {
                        return Err(ctx.err(
                            &at,
                            format!(
                                "last_outcome: unknown outcome '{o}' (expected recovered, \
                                 not_recovered, superseded, unknown or none)"
                            ),
                        ));
                    }
                }
                Some(list)
            }
        },
        name: raw.name,
        object: raw.object,
        states,
        state_types,
        policy,
        dry_run: raw.dry_run,
        continue_on_error: raw.continue_on_error,
        actions,
    })
}

pub(crate) fn toml_err(path: &str, e: toml::de::Error) -> ConfigError {
    ConfigError::Toml {
        path: path.to_string(),
        message: e.to_string().trim_end().to_string(),
    }
}

impl Rules {
    /// Reads and checks a rules file. Relative paths in it are taken from its
    /// directory.
    pub fn load(path: &Path) -> Result<Rules, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .map(Path::to_path_buf);
        Self::parse_with(&text, &path.display().to_string(), base)
    }

    /// Parses rules from a string; relative paths stay relative.
    pub fn parse(text: &str) -> Result<Rules, ConfigError> {
        Self::parse_with(text, "<string>", None)
    }

    fn parse_with(text: &str, path: &str, base: Option<PathBuf>) -> Result<Rules, ConfigError> {
        let ctx = Ctx {
            path: path.to_string(),
            base,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_err(path, e))?;
        let timeout = duration(&ctx, "top level", "timeout", raw.timeout.as_ref())?
            .unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(ctx.err("top level", "timeout must be above 0"));
        }
        let settings = Settings {
            state_file: raw.state_file.as_deref().map(|p| ctx.resolve(p)),
            audit_log: raw.audit_log.as_deref().map(|p| ctx.resolve(p)),
            dry_run: raw.dry_run,
            systemctl: match raw.systemctl {
                Some(p) if p.components().count() > 1 => ctx.resolve(&p),
                Some(p) => p,
                None => PathBuf::from("systemctl"),
            },
            timeout,
            match_mode: raw.match_mode.unwrap_or_default(),
        };
        let mut names = HashSet::new();
        let mut rules = Vec::new();
        for r in raw.rules {
            if !names.insert(r.name.clone()) {
                return Err(ctx.err(format!("rule '{}'", r.name), "duplicate rule name"));
            }
            rules.push(rule(&ctx, r, &settings, raw.vsphere.as_ref())?);
        }
        Ok(Rules { settings, rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86400)));
        assert_eq!(parse_duration("5 m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("5y"), None);
        assert_eq!(parse_duration("-5s"), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
    }
}
