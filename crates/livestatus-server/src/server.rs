//! Listeners and connections. Each connection is a task on the server's own
//! multi-threaded runtime: it reads requests (ended by an empty line or the end of
//! input), waits when the request asks to, answers from a fresh snapshot on the
//! blocking pool (so a long query never holds a worker that serves other clients),
//! and keeps the connection for the next request with `KeepAlive: on` or after a
//! `COMMAND`.

use crate::config::{GroupAuthorization, LivestatusConfig, ServiceAuthorization};
use crate::triggers::Triggers;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use vigil_livestatus::{
    parse_request, ExternalCommand, Query, QueryEnv, Request, ServerCounters, Site,
};

/// Where the core's snapshot comes from: called once per query (and per wait
/// re-evaluation); must be cheap (an `Arc` clone).
pub type SnapshotProvider<S> = Arc<dyn Fn() -> Arc<S> + Send + Sync>;

/// Receives what clients ask the core to do.
pub trait CommandSink: Send + Sync {
    /// A `COMMAND [ts] NAME;args` line (validated: 10-digit timestamp). The core
    /// calls [`CommandDone::done`] once the command's effect is in the snapshot the
    /// provider hands out (or just drops it when the command was refused); the
    /// client's connection reads its next request only then, so a client sees the
    /// effect of its own command, as with Nagios (at most [`COMMAND_WAIT`]).
    fn command(&self, cmd: ExternalCommand, done: CommandDone);
    /// `LOGROTATE`.
    fn log_rotate(&self) {}
}

/// How long a connection waits for the core to apply its `COMMAND`.
pub const COMMAND_WAIT: Duration = Duration::from_secs(5);

/// Tells the server that a command was applied.
#[derive(Debug)]
pub struct CommandDone(tokio::sync::oneshot::Sender<()>);

impl CommandDone {
    /// The command's effect is visible in the snapshots handed out from now on.
    pub fn done(self) {
        let _ = self.0.send(());
    }

    /// A completion nobody waits for (for sinks used outside the server).
    pub fn detached() -> CommandDone {
        CommandDone(tokio::sync::oneshot::channel().0)
    }
}

/// Starting the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The thread pool could not be created.
    #[error("cannot start the Livestatus threads: {0}")]
    Runtime(io::Error),
    /// A socket could not be opened.
    #[error("cannot listen on {what}: {err}")]
    Listen {
        /// The socket path or address.
        what: String,
        /// Why.
        err: io::Error,
    },
    /// Neither a socket path nor `inet_addr=` was configured.
    #[error("no Livestatus socket configured")]
    NoSocket,
}

#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    requests: AtomicU64,
    active: AtomicU64,
}

struct Shared<S: Site + 'static> {
    cfg: LivestatusConfig,
    provider: SnapshotProvider<S>,
    sink: Arc<dyn CommandSink>,
    triggers: Arc<Triggers>,
    stats: Stats,
    threads: u64,
}

/// A running server; dropping it (or [`ServerHandle::stop`]) closes the sockets.
pub struct ServerHandle {
    runtime: Option<tokio::runtime::Runtime>,
    socket: Option<PathBuf>,
    /// Bound TCP address, when `inet_addr=` was given (useful with port 0).
    pub tcp_addr: Option<std::net::SocketAddr>,
}

impl ServerHandle {
    /// Stops serving: closes the listeners and connections, removes the socket file.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        if let Some(p) = self.socket.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Opens the configured sockets and serves them on a thread pool of
/// `num_client_threads` workers until the handle is dropped.
pub fn start<S: Site + 'static>(
    cfg: LivestatusConfig,
    provider: SnapshotProvider<S>,
    sink: Arc<dyn CommandSink>,
    triggers: Arc<Triggers>,
) -> Result<ServerHandle, ServerError> {
    if cfg.socket.is_none() && cfg.inet_addr.is_none() {
        return Err(ServerError::NoSocket);
    }
    let threads = cfg.num_client_threads.clamp(1, 64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.min(4))
        .max_blocking_threads(threads.max(2))
        .thread_name("livestatus")
        .enable_io()
        .enable_time()
        .build()
        .map_err(ServerError::Runtime)?;
    let shared = Arc::new(Shared {
        threads: threads as u64,
        cfg: cfg.clone(),
        provider,
        sink,
        triggers,
        stats: Stats::default(),
    });
    let mut handle = ServerHandle {
        runtime: None,
        socket: None,
        tcp_addr: None,
    };
    if let Some(path) = &cfg.socket {
        let _ = std::fs::remove_file(path);
        let listener = {
            let _g = runtime.enter();
            tokio::net::UnixListener::bind(path).map_err(|err| ServerError::Listen {
                what: path.display().to_string(),
                err,
            })?
        };
        set_socket_access(path, &cfg).map_err(|err| ServerError::Listen {
            what: path.display().to_string(),
            err,
        })?;
        handle.socket = Some(path.clone());
        let sh = Arc::clone(&shared);
        runtime.spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let sh = Arc::clone(&sh);
                        tokio::spawn(async move { connection(sh, stream).await });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
    }
    if let Some(addr) = &cfg.inet_addr {
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(addr.as_str()))
            .map_err(|err| ServerError::Listen {
                what: addr.clone(),
                err,
            })?;
        handle.tcp_addr = listener.local_addr().ok();
        let sh = Arc::clone(&shared);
        runtime.spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let _ = stream.set_nodelay(true);
                        let sh = Arc::clone(&sh);
                        tokio::spawn(async move { connection(sh, stream).await });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
    }
    handle.runtime = Some(runtime);
    Ok(handle)
}

fn set_socket_access(path: &std::path::Path, cfg: &LivestatusConfig) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(cfg.socket_mode))?;
    if let Some(g) = &cfg.socket_group {
        let group = nix::unistd::Group::from_name(g)
            .map_err(io::Error::from)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no group '{g}'")))?;
        nix::unistd::chown(path, None, Some(group.gid)).map_err(io::Error::from)?;
    }
    Ok(())
}

/// Longest request accepted (headers of a request, not the reply).
const MAX_REQUEST: usize = 16 << 20;

/// Reads the next request: lines up to an empty line, or to the end of input.
/// `Ok(None)` at the end of input with nothing pending.
async fn read_request<R: AsyncRead + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
    idle: Duration,
    query_timeout: Duration,
) -> io::Result<Option<String>> {
    let mut started: Option<Instant> = None;
    loop {
        // Drop empty lines before a request.
        while buf.first() == Some(&b'\n') || buf.starts_with(b"\r\n") {
            let n = if buf[0] == b'\n' { 1 } else { 2 };
            buf.drain(..n);
        }
        if let Some(end) = find_end(buf) {
            let text = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end);
            return Ok(Some(text));
        }
        if buf.len() > MAX_REQUEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request too long",
            ));
        }
        if !buf.is_empty() && started.is_none() {
            started = Some(Instant::now());
        }
        let wait = match started {
            None => idle,
            Some(s) if !query_timeout.is_zero() => query_timeout.saturating_sub(s.elapsed()),
            Some(_) => Duration::from_secs(365 * 86_400),
        };
        let mut chunk = [0u8; 65536];
        let n = match tokio::time::timeout(wait, r.read(&mut chunk)).await {
            Ok(r) => r?,
            Err(_) => return Err(io::Error::new(io::ErrorKind::TimedOut, "timeout")),
        };
        if n == 0 {
            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(buf).into_owned();
            buf.clear();
            return Ok(Some(text));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Position just after the empty line that ends a request, if there is one.
fn find_end(buf: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in buf.iter().enumerate() {
        if b == b'\n' {
            let line = &buf[line_start..i];
            if line.iter().all(|c| c.is_ascii_whitespace()) && line_start > 0 {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

struct ActiveGuard<'a>(&'a AtomicU64);
impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn connection<S, T>(sh: Arc<Shared<S>>, mut stream: T)
where
    S: Site + 'static,
    T: AsyncRead + AsyncWrite + Unpin,
{
    sh.stats.connections.fetch_add(1, Ordering::Relaxed);
    sh.stats.active.fetch_add(1, Ordering::Relaxed);
    let _g = ActiveGuard(&sh.stats.active);
    let idle = Duration::from_millis(sh.cfg.idle_timeout_ms.max(1));
    let qt = Duration::from_millis(sh.cfg.query_timeout_ms);
    let mut buf = Vec::new();
    loop {
        let text = match read_request(&mut stream, &mut buf, idle, qt).await {
            Ok(Some(t)) => t,
            _ => break,
        };
        if sh.cfg.debug > 0 {
            eprintln!("livestatus: {}", text.lines().next().unwrap_or(""));
        }
        match parse_request(&text) {
            Request::Get(q) => {
                sh.stats.requests.fetch_add(1, Ordering::Relaxed);
                let keep = q.keepalive();
                let (head, body) = answer(&sh, Arc::from(q)).await;
                if stream.write_all(&head).await.is_err() || stream.write_all(&body).await.is_err()
                {
                    break;
                }
                if stream.flush().await.is_err() || !keep {
                    break;
                }
            }
            Request::Command(c) => {
                sh.stats.requests.fetch_add(1, Ordering::Relaxed);
                let (tx, rx) = tokio::sync::oneshot::channel();
                sh.sink.command(c, CommandDone(tx));
                let _ = tokio::time::timeout(COMMAND_WAIT, rx).await;
            }
            Request::MalformedCommand(line) => {
                if sh.cfg.debug > 0 {
                    eprintln!("livestatus: malformed COMMAND dropped: {line}");
                }
            }
            Request::LogRotate => sh.sink.log_rotate(),
            Request::Invalid => break,
        }
    }
    let _ = stream.shutdown().await;
}

fn env<S: Site + 'static>(sh: &Shared<S>) -> QueryEnv {
    QueryEnv {
        now: now(),
        server: ServerCounters {
            connections: sh.stats.connections.load(Ordering::Relaxed),
            requests: sh.stats.requests.load(Ordering::Relaxed),
            active_connections: sh.stats.active.load(Ordering::Relaxed),
            threads: sh.threads,
        },
        service_auth_strict: sh.cfg.service_authorization == ServiceAuthorization::Strict,
        group_auth_loose: sh.cfg.group_authorization == GroupAuthorization::Loose,
        max_response_size: sh.cfg.max_response_size,
    }
}

async fn answer<S: Site + 'static>(sh: &Arc<Shared<S>>, q: Arc<Query>) -> (Vec<u8>, Vec<u8>) {
    if q.waits() && q.error().is_none() {
        let deadline = (q.wait_timeout_ms() > 0)
            .then(|| tokio::time::Instant::now() + Duration::from_millis(q.wait_timeout_ms()));
        let mut rx = sh.triggers.subscribe(q.wait_trigger());
        loop {
            rx.borrow_and_update();
            let snap = (sh.provider)();
            match q.wait_satisfied(&*snap, &env(sh)) {
                Ok(false) => {}
                _ => break,
            }
            match deadline {
                Some(d) => {
                    tokio::select! {
                        r = rx.changed() => if r.is_err() { break },
                        _ = tokio::time::sleep_until(d) => break,
                    }
                }
                None => {
                    if rx.changed().await.is_err() {
                        break;
                    }
                }
            }
        }
    }
    let snap = (sh.provider)();
    let e = env(sh);
    let limit = q
        .timelimit()
        .map(|s| Instant::now() + Duration::from_secs(s));
    let run = move || {
        let stop = move || limit.is_some_and(|d| Instant::now() >= d);
        let r = q.execute(&*snap, &e, &stop);
        (r.header(), r.body)
    };
    let parts: (Vec<u8>, Vec<u8>) = tokio::task::spawn_blocking(run).await.unwrap_or_default();
    parts
}

#[cfg(test)]
mod tests {
    use super::find_end;

    #[test]
    fn request_ends_at_empty_line() {
        assert_eq!(find_end(b"GET hosts\n\n"), Some(11));
        assert_eq!(find_end(b"GET hosts\nColumns: a\n \nrest"), Some(23));
        assert_eq!(find_end(b"GET hosts\n"), None);
    }
}
