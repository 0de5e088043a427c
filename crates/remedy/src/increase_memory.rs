//! The op5 `increase-memory` example rebuilt: the same four flags, acting only on
//! attempt 1 of a SOFT CRITICAL, adding memory to the VM through the vSphere action,
//! with a cooldown, an audit trail and an optional note. Its settings come from a
//! small TOML file (`--config`) and flags; this module turns them into an ordinary
//! one-rule [`Rules`] run by the same engine as `vigil-remedy`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use vigil_handler::{ObjectKind, State, StateType};

use crate::config::{
    self, Action, ActionKind, ConfigError, Ctx, MatchMode, Rule, Rules, Settings, VmRef,
    DEFAULT_TIMEOUT,
};
use crate::policy::Policy;
use crate::template::Template;

/// MiB added when neither the file nor a flag says.
pub const DEFAULT_ADD_MB: u64 = 512;
/// Cooldown per host when neither the file nor a flag says.
pub const DEFAULT_COOLDOWN: Duration = Duration::from_secs(3600);
/// The note line.
pub const DEFAULT_NOTE: &str =
    "{timestamp} increase-memory: {host}: {state} {state_type} attempt {attempt}: VM {vm} memory {old_mb} -> {new_mb} MiB";

/// The `increase-memory` configuration file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    state_file: Option<PathBuf>,
    audit_log: Option<PathBuf>,
    #[serde(default)]
    dry_run: bool,
    timeout: Option<toml::Value>,
    add_mb: Option<u64>,
    max_mb: Option<u64>,
    vm: Option<String>,
    vm_name: Option<String>,
    cooldown: Option<toml::Value>,
    max_runs: Option<u32>,
    window: Option<toml::Value>,
    note_file: Option<PathBuf>,
    note: Option<String>,
    vsphere: Option<config::RawVsphere>,
}

/// Values from flags, winning over the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--vm`.
    pub vm: Option<String>,
    /// `--vm-name`.
    pub vm_name: Option<String>,
    /// `--add-mb`.
    pub add_mb: Option<u64>,
    /// `--max-mb`.
    pub max_mb: Option<u64>,
    /// `--url`.
    pub url: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `--password-file`.
    pub password_file: Option<PathBuf>,
    /// `--insecure`.
    pub insecure: bool,
    /// `--state-file`.
    pub state_file: Option<PathBuf>,
    /// `--audit-log`.
    pub audit_log: Option<PathBuf>,
    /// `--note-file`.
    pub note_file: Option<PathBuf>,
}

/// The rules `increase-memory` runs: one rule, `increase-memory`, matching service
/// events in state CRITICAL, SOFT, attempt 1, whose actions are `vsphere_memory`
/// and, with a note file, `note`. `config` is the file's path (relative paths in
/// it are taken from its directory) or `None`.
pub fn build(config_path: Option<&Path>, over: &Overrides) -> Result<Rules, ConfigError> {
    let (raw, ctx) = match config_path {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Io {
                path: p.to_path_buf(),
                source,
            })?;
            let name = p.display().to_string();
            let raw: RawFile = toml::from_str(&text).map_err(|e| config::toml_err(&name, e))?;
            let base = p
                .parent()
                .map(|d| {
                    if d.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        d
                    }
                })
                .map(Path::to_path_buf);
            (raw, Ctx { path: name, base })
        }
        None => (
            RawFile::default(),
            Ctx {
                path: "<flags>".into(),
                base: None,
            },
        ),
    };
    let at = "increase-memory";
    let timeout =
        config::duration(&ctx, at, "timeout", raw.timeout.as_ref())?.unwrap_or(DEFAULT_TIMEOUT);
    let cooldown =
        config::duration(&ctx, at, "cooldown", raw.cooldown.as_ref())?.unwrap_or(DEFAULT_COOLDOWN);
    let window = config::duration(&ctx, at, "window", raw.window.as_ref())?;
    let (max_runs, window) = match (raw.max_runs, window) {
        (Some(0), _) => return Err(ctx.err(at, "max_runs must be at least 1")),
        (Some(n), Some(w)) if !w.is_zero() => (Some(n), w),
        (Some(_), _) => return Err(ctx.err(at, "max_runs needs a window above 0")),
        (None, Some(_)) => return Err(ctx.err(at, "window without max_runs")),
        (None, None) => (None, Duration::ZERO),
    };
    let policy = Policy {
        cooldown,
        max_runs,
        window,
    };
    // The cooldown is on by default, so the state needs a home by default: next to
    // the configuration file, or in the temporary directory.
    let state_file = match (&over.state_file, &raw.state_file) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(p)) => Some(ctx.resolve(p)),
        (None, None) if policy.needs_state() => Some(match &ctx.base {
            Some(b) => b.join("increase-memory.state"),
            None => std::env::temp_dir().join("vigil-increase-memory.state"),
        }),
        (None, None) => None,
    };
    let settings = Settings {
        state_file,
        audit_log: over
            .audit_log
            .clone()
            .or_else(|| raw.audit_log.as_deref().map(|p| ctx.resolve(p))),
        dry_run: raw.dry_run,
        systemctl: PathBuf::from("systemctl"),
        timeout,
        match_mode: MatchMode::First,
    };

    let tpl =
        |field: &str, s: &str| Template::parse(s).map_err(|e| ctx.err(at, format!("{field}: {e}")));
    let vm = match (&over.vm, &over.vm_name, &raw.vm, &raw.vm_name) {
        (Some(v), _, _, _) => VmRef::Id(tpl("vm", v)?),
        (None, Some(n), _, _) => VmRef::Name(tpl("vm_name", n)?),
        (None, None, Some(_), Some(_)) => return Err(ctx.err(at, "give vm or vm_name, not both")),
        (None, None, Some(v), None) => VmRef::Id(tpl("vm", v)?),
        (None, None, None, Some(n)) => VmRef::Name(tpl("vm_name", n)?),
        // op5's handler gets only the host name: by default the VM is named after it.
        (None, None, None, None) => VmRef::Name(tpl("vm_name", "{host}")?),
    };
    let own = config::RawVsphere {
        url: over.url.clone(),
        user: over.user.clone(),
        password: None,
        password_file: over.password_file.clone(),
        insecure: over.insecure.then_some(true),
    };
    let conn = config::vsphere_conn(&ctx, "[vsphere]", raw.vsphere.as_ref(), own)?;
    let add_mb = over.add_mb.or(raw.add_mb).unwrap_or(DEFAULT_ADD_MB);
    if add_mb == 0 {
        return Err(ctx.err(at, "add_mb must be at least 1"));
    }
    let mut actions = vec![Action {
        kind: ActionKind::VsphereMemory {
            conn,
            vm,
            add_mb,
            max_mb: over.max_mb.or(raw.max_mb),
        },
        timeout,
    }];
    let note_file = over
        .note_file
        .clone()
        .or_else(|| raw.note_file.as_deref().map(|p| ctx.resolve(p)));
    if let Some(path) = note_file {
        actions.push(Action {
            kind: ActionKind::Note {
                path,
                text: tpl("note", raw.note.as_deref().unwrap_or(DEFAULT_NOTE))?,
            },
            timeout,
        });
    }
    Ok(Rules {
        settings,
        rules: vec![Rule {
            name: "increase-memory".into(),
            object: Some(ObjectKind::Service),
            hosts: None,
            services: None,
            states: Some(vec![State::Critical]),
            state_types: Some(vec![StateType::Soft]),
            attempts: Some(vec![1..=1]),
            last_outcome: None,
            policy,
            dry_run: false,
            continue_on_error: false,
            actions,
        }],
    })
}
