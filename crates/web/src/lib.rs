//! `vigil-web`: vigil's own web UI, JSON API and Prometheus endpoint, served from
//! the `vigil run` process (`--http ADDR:PORT` or `[http]` in `vigil.toml`), with
//! its assets embedded in the binary.
//!
//! Design: server-rendered HTML ([`pages`], maud templates, escaped by default)
//! with one small script (`assets/app.js`) that listens to server-sent events and
//! re-fetches the page's content when the published state changed, and posts the
//! action forms with their CSRF token. No build step, no framework, every page
//! works without JavaScript; paging and filtering happen on the server, so a page
//! of 100 rows costs the same at 100,000 services.
//!
//! Data: the loop publishes a [`vigil_core::Snapshot`] ([`publish`]); pages and the
//! API read only that, the handler and notification journals ([`runs`]) and the
//! log file ([`logparse`]). Actions are external command lines sent to the loop
//! ([`vigil_engine::hooks::CommandRequest`]), carried out by `Core::handle_command`
//! as if read from the command file, after an audit line with the user's name.
//! Who may see and do what: [`auth`] (htpasswd, cgi.cfg, contacts). Counters:
//! [`metrics`]. Layout: [`api`] (JSON and actions), [`pages`] (HTML), [`query`]
//! (filters and paging), [`settings`] (`vigil.toml`, `--http`).

pub mod api;
pub mod auth;
pub mod cgicfg;
#[doc(hidden)]
pub mod fuzzing;
pub mod index;
pub mod logparse;
pub mod metrics;
pub mod pages;
pub mod perfdata;
pub mod publish;
pub mod query;
pub mod runs;
pub mod settings;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, watch};
use vigil_engine::hooks::{CommandRequest, Hooks};

pub use settings::{Settings, SettingsError};

use crate::auth::{Auth, Htpasswd};
use crate::cgicfg::CgiCfg;
use crate::metrics::Metrics;
use crate::publish::{PerfHistory, Published, Publisher};
use crate::runs::{JsonlLog, Run};

/// Why the web server could not start.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Settings (vigil.toml, --http, bind rule).
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The htpasswd file.
    #[error(transparent)]
    Htpasswd(#[from] auth::HtpasswdError),
    /// cgi.cfg.
    #[error(transparent)]
    CgiCfg(#[from] cgicfg::CgiCfgError),
    /// Nothing to listen on.
    #[error("no address to listen on (use --http ADDR:PORT or [http] listen in vigil.toml)")]
    NoAddress,
    /// The socket or the server thread.
    #[error("web server on {0}: {1}")]
    Io(String, #[source] std::io::Error),
}

/// Everything a request handler reads.
pub struct App {
    /// The latest published snapshot.
    pub published: watch::Receiver<Arc<Published>>,
    /// Users and rights.
    pub auth: Auth,
    /// Commands to the loop.
    pub commands: mpsc::Sender<CommandRequest>,
    /// Counters for /metrics.
    pub metrics: Arc<Metrics>,
    /// Recent perfdata.
    pub perf: Arc<PerfHistory>,
    /// The handler journal.
    pub runs: JsonlLog<Run>,
    /// The notification journal (read when present).
    pub notifications: JsonlLog<serde_json::Value>,
    /// vigil's log file (state history).
    pub log_file: PathBuf,
    /// The time zone for "what would run" (macros, timeperiods).
    pub zone: vigil_config::zone::Zone,
    /// Group members of the running configuration (by the model's address).
    groups: std::sync::Mutex<Option<(usize, Arc<index::GroupIndex>)>>,
}

impl App {
    /// The group index of `model` (built once per configuration).
    pub fn groups(&self, model: &Arc<vigil_config::Model>) -> Arc<index::GroupIndex> {
        let key = Arc::as_ptr(model) as usize;
        if let Ok(mut g) = self.groups.lock() {
            if let Some((k, ix)) = g.as_ref() {
                if *k == key {
                    return ix.clone();
                }
            }
            let ix = Arc::new(index::GroupIndex::build(model));
            *g = Some((key, ix.clone()));
            return ix;
        }
        Arc::new(index::GroupIndex::build(model))
    }
}

/// What the web UI needs to know of the run.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The handler journal.
    pub journal: PathBuf,
    /// The log file.
    pub log_file: PathBuf,
}

/// The parts [`start`] and the tests build a server from.
pub struct Parts {
    /// The app state.
    pub app: Arc<App>,
    /// The loop's end: its observer and the command receiver.
    pub hooks: Hooks,
}

/// Builds the app and the loop's hooks (no socket yet).
/// `url_file`: where to write the server's URL at the first publication.
pub fn parts(
    auth: Auth,
    paths: &Paths,
    objects: usize,
    zone: vigil_config::zone::Zone,
    url_file: Option<(PathBuf, String)>,
) -> Parts {
    let (tx, rx) = watch::channel(Arc::new(Published::default()));
    let (cmd_tx, cmd_rx) = mpsc::channel(256);
    let metrics = Arc::new(Metrics::new(rx.clone()));
    let perf = Arc::new(PerfHistory::new(objects));
    let app = Arc::new(App {
        published: rx,
        auth,
        commands: cmd_tx,
        metrics: metrics.clone(),
        perf: perf.clone(),
        runs: JsonlLog::new(paths.journal.clone(), 50_000),
        notifications: JsonlLog::new(runs::notifications_path(&paths.journal), 50_000),
        log_file: paths.log_file.clone(),
        zone,
        groups: std::sync::Mutex::new(None),
    });
    let mut publisher = Publisher::new(tx, metrics, perf);
    publisher.url_file = url_file;
    Parts {
        app,
        hooks: Hooks {
            observer: Box::new(publisher),
            commands: cmd_rx,
        },
    }
}

/// Loads the users and rights of `settings`; warnings (htpasswd entries vigil
/// cannot check) are returned for the caller to print.
pub fn load_auth(settings: &Settings) -> Result<(Auth, Vec<String>), WebError> {
    let cgi = match &settings.cgi_cfg {
        Some(p) => CgiCfg::load(p)?,
        None => CgiCfg::default(),
    };
    let (users, warnings) = match &settings.htpasswd {
        Some(p) => {
            let (h, w) = Htpasswd::load(p)?;
            (Some(h), w)
        }
        None => (None, Vec::new()),
    };
    Ok((Auth::new(users, cgi), warnings))
}

/// A running server: where it listens, and the loop's hooks.
pub struct Started {
    /// The bound address (the port is known even when 0 was asked for).
    pub addr: SocketAddr,
    /// Hand these to `vigil_engine::run_blocking_with`.
    pub hooks: Hooks,
}

/// Binds `settings.listen` (refusing a non-loopback address without
/// authentication) and serves on a thread of its own; the loop's hooks are
/// returned. The thread ends with the process.
pub fn start(
    settings: &Settings,
    auth: Auth,
    paths: &Paths,
    objects: usize,
    zone: vigil_config::zone::Zone,
) -> Result<Started, WebError> {
    let addr = settings.listen.ok_or(WebError::NoAddress)?;
    Settings::check_bind(addr, auth.enabled())?;
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| WebError::Io(addr.to_string(), e))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| WebError::Io(addr.to_string(), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| WebError::Io(addr.to_string(), e))?;
    let url = format!("http://{bound}/");
    let Parts { app, hooks } = parts(
        auth,
        paths,
        objects,
        zone,
        Some((url_file(&paths.journal), url)),
    );
    std::thread::Builder::new()
        .name("vigil-web".into())
        .spawn(move || {
            // One thread answers requests (object pages and "what would run" go to
            // the blocking pool): the web UI can take at most about one core from
            // the check loop, whatever it is asked. Measured on 2 cores with 100,000
            // services: two workers answered more requests per second but let check
            // latency grow from milliseconds to seconds under a request flood
            // (bench/README.md, web_load.py).
            //
            // And every thread of the web runtime (the blocking pool too) runs at
            // nice +10: when requests and checks both want the CPU, the scheduler
            // gives the check loop about nine times the web UI's share.
            lower_priority();
            let rt = match tokio::runtime::Builder::new_current_thread()
                .thread_name("vigil-web")
                .on_thread_start(lower_priority)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("vigil: web server runtime: {e}");
                    return;
                }
            };
            rt.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => {
                        if let Err(e) = axum::serve(l, api::router(app)).await {
                            eprintln!("vigil: web server: {e}");
                        }
                    }
                    Err(e) => eprintln!("vigil: web server: {e}"),
                }
            });
        })
        .map_err(|e| WebError::Io(bound.to_string(), e))?;
    Ok(Started { addr: bound, hooks })
}

/// Nice value of the web server's threads (see [`start`]).
pub const WEB_NICE: i32 = 10;

/// Lowers the calling thread's CPU priority to [`WEB_NICE`] (Linux: `setpriority`
/// on a thread id applies to that thread only). Failing is harmless.
fn lower_priority() {
    let _ = rustix::process::setpriority_process(Some(rustix::thread::gettid()), WEB_NICE);
}

/// The file `vigil run --http` writes the server's URL into (next to the handler
/// journal), for `vigil status` to find a running vigil.
pub fn url_file(journal: &std::path::Path) -> PathBuf {
    journal.with_file_name("vigil-http.url")
}
