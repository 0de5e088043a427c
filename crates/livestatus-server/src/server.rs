//! Listeners and connections. One thread per listener accepts; accepted connections
//! go to a pool of connection threads (at least `num_client_threads` of them, more
//! when every one is busy, up to [`MAX_CONNECTIONS`]). A connection thread reads a
//! request (ended by an empty line or the end of input), waits when the request asks
//! to, answers it inline from the latest published snapshot, and keeps the
//! connection for the next request with `KeepAlive: on` or after a `COMMAND`.
//!
//! A slow or stalled client only ever holds its own thread: the core's loop never
//! touches a connection (it publishes snapshots and wakes triggers), and the other
//! connections have their own threads.

use crate::config::{GroupAuthorization, LivestatusConfig, ServiceAuthorization};
use crate::triggers::Triggers;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
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
    /// provider hands out (or just drops it); the client's connection reads its next
    /// request only then, so a client sees the effect of its own command, as with
    /// Nagios (it waits at most [`COMMAND_WAIT`]).
    fn command(&self, cmd: ExternalCommand, done: CommandDone);
    /// `LOGROTATE`.
    fn log_rotate(&self) {}
    /// A `Wait*` request starts: publish what the core has not published yet, now
    /// rather than at the next publication interval.
    fn refresh(&self) {}
}

/// How long a connection waits for the core to apply its `COMMAND`.
pub const COMMAND_WAIT: Duration = Duration::from_secs(5);

/// Connections served at once, at least (whatever `num_client_threads` says: a
/// keep-alive client or a long `Wait*` holds a connection thread).
pub const MIN_CONNECTIONS: usize = 64;

/// Connections served at once, at most; more wait in the queue until one ends.
pub const MAX_CONNECTIONS: usize = 1024;

/// How much nicer than the rest of vigil the connection threads run: when the CPU is
/// short, the check loop (and the checks it starts) go first; queries still get
/// their share (a nice step is ~1.25x less CPU weight).
pub const QUERY_NICENESS: i32 = 5;

/// Longest request accepted (the headers of one request, not the reply).
const MAX_REQUEST: usize = 16 << 20;

/// Tells the server that a command was applied.
#[derive(Debug)]
pub struct CommandDone(Option<mpsc::SyncSender<()>>);

impl CommandDone {
    /// The command's effect is visible in the snapshots handed out from now on.
    pub fn done(self) {
        if let Some(tx) = self.0 {
            let _ = tx.try_send(());
        }
    }

    /// A completion nobody waits for (for sinks used outside the server).
    pub fn detached() -> CommandDone {
        CommandDone(None)
    }

    /// A completion and the receiver that sees it.
    pub fn new() -> (CommandDone, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::sync_channel(1);
        (CommandDone(Some(tx)), rx)
    }
}

/// Starting the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A thread could not be started.
    #[error("cannot start the Livestatus threads: {0}")]
    Thread(io::Error),
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

/// A connection of either kind.
enum Conn {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Conn {
    fn set_read_timeout(&self, d: Duration) -> io::Result<()> {
        let d = Some(d.max(Duration::from_millis(1)));
        match self {
            Conn::Unix(s) => s.set_read_timeout(d),
            Conn::Tcp(s) => s.set_read_timeout(d),
        }
    }
    fn set_write_timeout(&self, d: Duration) -> io::Result<()> {
        let d = Some(d.max(Duration::from_millis(1)));
        match self {
            Conn::Unix(s) => s.set_write_timeout(d),
            Conn::Tcp(s) => s.set_write_timeout(d),
        }
    }
    fn shutdown(&self) {
        let _ = match self {
            Conn::Unix(s) => s.shutdown(std::net::Shutdown::Both),
            Conn::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
        };
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.read(buf),
            Conn::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.write(buf),
            Conn::Tcp(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Unix(s) => s.flush(),
            Conn::Tcp(s) => s.flush(),
        }
    }
}

/// Accepted connections waiting for a thread, and the threads.
#[derive(Default)]
struct PoolState {
    queue: VecDeque<Conn>,
    idle: usize,
    workers: usize,
    stopping: bool,
}

struct Shared<S: Site + 'static> {
    cfg: LivestatusConfig,
    provider: SnapshotProvider<S>,
    sink: Arc<dyn CommandSink>,
    triggers: Arc<Triggers>,
    stats: Stats,
    min_threads: usize,
    max_threads: usize,
    pool: Mutex<PoolState>,
    ready: Condvar,
    /// Bodies of earlier replies, the most recently used last: a query writes into
    /// the last one (its pages are mapped and likely cached), whichever thread
    /// serves it. At most [`KEEP_BUFFERS`].
    buffers: Mutex<Vec<Vec<u8>>>,
}

/// A running server; dropping it (or [`ServerHandle::stop`]) closes the listeners
/// and removes the socket file. Connections being served end when their client
/// closes them (or at the idle timeout).
pub struct ServerHandle {
    stop: Arc<AtomicBool>,
    wake: Box<dyn Fn() + Send + Sync>,
    socket: Option<PathBuf>,
    /// Bound TCP address, when `inet_addr=` was given (useful with port 0).
    pub tcp_addr: Option<std::net::SocketAddr>,
}

impl ServerHandle {
    /// Stops serving (see the type's documentation).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        (self.wake)();
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

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Opens the configured sockets and serves them until the handle is dropped.
pub fn start<S: Site + 'static>(
    cfg: LivestatusConfig,
    provider: SnapshotProvider<S>,
    sink: Arc<dyn CommandSink>,
    triggers: Arc<Triggers>,
) -> Result<ServerHandle, ServerError> {
    if cfg.socket.is_none() && cfg.tcp_addr().is_none() {
        return Err(ServerError::NoSocket);
    }
    let min_threads = cfg.num_client_threads.clamp(1, MAX_CONNECTIONS);
    let shared = Arc::new(Shared {
        min_threads,
        max_threads: min_threads.max(MIN_CONNECTIONS),
        cfg: cfg.clone(),
        provider,
        sink,
        triggers,
        stats: Stats::default(),
        pool: Mutex::new(PoolState::default()),
        ready: Condvar::new(),
        buffers: Mutex::new(Vec::new()),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let mut unix = None;
    if let Some(path) = &cfg.socket {
        let listen_err = |err| ServerError::Listen {
            what: path.display().to_string(),
            err,
        };
        // A socket file left by a previous run (or by Nagios) is replaced.
        let _ = std::fs::remove_file(path);
        let listener = UnixListener::bind(path).map_err(listen_err)?;
        set_socket_access(path, &cfg).map_err(listen_err)?;
        unix = Some((listener, path.clone()));
    }
    let mut tcp = None;
    if let Some(addr) = cfg.tcp_addr() {
        let listener = TcpListener::bind(addr.as_str()).map_err(|err| ServerError::Listen {
            what: addr.clone(),
            err,
        })?;
        tcp = Some(listener);
    }
    for _ in 0..min_threads {
        spawn_worker(&shared).map_err(ServerError::Thread)?;
    }
    let tcp_addr = tcp.as_ref().and_then(|l| l.local_addr().ok());
    let socket = unix.as_ref().map(|(_, p)| p.clone());
    if let Some((listener, _)) = unix {
        let (sh, st) = (Arc::clone(&shared), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("livestatus-unix".into())
            .spawn(move || accept_loop(&sh, &st, || listener.accept().map(|(s, _)| Conn::Unix(s))))
            .map_err(ServerError::Thread)?;
    }
    if let Some(listener) = tcp {
        let (sh, st) = (Arc::clone(&shared), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("livestatus-tcp".into())
            .spawn(move || {
                accept_loop(&sh, &st, || {
                    listener.accept().map(|(s, _)| {
                        let _ = s.set_nodelay(true);
                        Conn::Tcp(s)
                    })
                })
            })
            .map_err(ServerError::Thread)?;
    }
    // Stopping: the accept threads are blocked in accept(); a connection to each
    // listener wakes them, and they see the flag. Idle workers are woken too.
    let wake_socket = socket.clone();
    let sh = Arc::clone(&shared);
    let wake = Box::new(move || {
        if let Some(p) = &wake_socket {
            let _ = UnixStream::connect(p);
        }
        if let Some(a) = tcp_addr {
            let a = if a.ip().is_unspecified() {
                std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), a.port())
            } else {
                a
            };
            let _ = TcpStream::connect_timeout(&a, Duration::from_secs(1));
        }
        lock(&sh.pool).stopping = true;
        sh.ready.notify_all();
    });
    Ok(ServerHandle {
        stop,
        wake,
        socket,
        tcp_addr,
    })
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

fn accept_loop<S: Site + 'static>(
    sh: &Arc<Shared<S>>,
    stop: &AtomicBool,
    accept: impl Fn() -> io::Result<Conn>,
) {
    loop {
        let conn = accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match conn {
            Ok(c) => submit(sh, c),
            // Out of file descriptors and the like: try again a little later.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Queues a connection; adds a thread when none is idle (up to the maximum).
fn submit<S: Site + 'static>(sh: &Arc<Shared<S>>, c: Conn) {
    let mut p = lock(&sh.pool);
    p.queue.push_back(c);
    let grow = p.idle < p.queue.len() && p.workers < sh.max_threads;
    drop(p);
    if grow {
        let _ = spawn_worker(sh);
    }
    sh.ready.notify_one();
}

fn spawn_worker<S: Site + 'static>(sh: &Arc<Shared<S>>) -> io::Result<()> {
    lock(&sh.pool).workers += 1;
    let sh2 = Arc::clone(sh);
    let r = std::thread::Builder::new()
        .name("livestatus".into())
        .spawn(move || worker(&sh2));
    if r.is_err() {
        lock(&sh.pool).workers -= 1;
    }
    r.map(|_| ())
}

fn worker<S: Site + 'static>(sh: &Arc<Shared<S>>) {
    // Linux applies setpriority(PRIO_PROCESS, tid) to the one thread; the threads
    // the check loop starts keep vigil's own priority. A failure changes nothing.
    let tid = rustix::thread::gettid();
    if sh.cfg.query_nice > 0 {
        if let Ok(now) = rustix::process::getpriority_process(Some(tid)) {
            let _ = rustix::process::setpriority_process(Some(tid), now + sh.cfg.query_nice);
        }
    }
    loop {
        let conn = {
            let mut p = lock(&sh.pool);
            loop {
                if p.stopping {
                    p.workers -= 1;
                    return;
                }
                if let Some(c) = p.queue.pop_front() {
                    break c;
                }
                p.idle += 1;
                p = match sh.ready.wait(p) {
                    Ok(g) => g,
                    Err(e) => e.into_inner(),
                };
                p.idle -= 1;
            }
        };
        // A bug in the engine must cost one connection, never the thread pool.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| serve(sh, conn)));
    }
}

/// Reads the next request: lines up to an empty line, or to the end of input.
/// `Ok(None)` at the end of input with nothing pending.
fn read_request(
    r: &mut Conn,
    buf: &mut Vec<u8>,
    idle: Duration,
    query_timeout: Duration,
) -> io::Result<Option<String>> {
    let mut started: Option<Instant> = None;
    let mut chunk = [0u8; 16384];
    loop {
        // Empty lines before a request are skipped.
        let skip = buf
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(buf.len());
        if skip > 0 {
            buf.drain(..skip);
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
            Some(s) if !query_timeout.is_zero() => {
                let left = query_timeout.saturating_sub(s.elapsed());
                if left.is_zero() {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "query timeout"));
                }
                left
            }
            Some(_) => Duration::from_secs(365 * 86_400),
        };
        r.set_read_timeout(wait)?;
        let n = match r.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
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
            if line_start > 0 && line.iter().all(|c| c.is_ascii_whitespace()) {
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

/// Replies whose buffer the server keeps for the next one, at most this large (a
/// larger one is freed after it was sent).
const KEEP_BUFFER: usize = 16 << 20;

/// Reply buffers kept at most (as many queries at once reuse one; more allocate).
const KEEP_BUFFERS: usize = 4;

fn serve<S: Site + 'static>(sh: &Shared<S>, mut stream: Conn) {
    sh.stats.connections.fetch_add(1, Ordering::Relaxed);
    sh.stats.active.fetch_add(1, Ordering::Relaxed);
    let _g = ActiveGuard(&sh.stats.active);
    let idle = Duration::from_millis(sh.cfg.idle_timeout_ms.max(1));
    let qt = Duration::from_millis(sh.cfg.query_timeout_ms);
    // A client that does not read its reply holds only this thread, and not forever.
    let _ = stream.set_write_timeout(idle);
    let mut buf = Vec::new();
    while let Ok(Some(text)) = read_request(&mut stream, &mut buf, idle, qt) {
        if sh.cfg.debug > 0 {
            eprintln!("livestatus: {}", text.lines().next().unwrap_or(""));
        }
        match parse_request(&text) {
            Request::Get(q) => {
                sh.stats.requests.fetch_add(1, Ordering::Relaxed);
                let keep = q.keepalive();
                // The most recently used buffer: the connection threads take turns
                // (the longest idle one is woken), the buffers need not.
                let scratch = lock(&sh.buffers).pop().unwrap_or_default();
                let (head, body) = answer(sh, &q, scratch);
                let sent = if head.len() + body.len() <= 64 * 1024 {
                    let mut all = head;
                    all.extend_from_slice(&body);
                    stream.write_all(&all)
                } else {
                    stream
                        .write_all(&head)
                        .and_then(|_| stream.write_all(&body))
                };
                if body.capacity() <= KEEP_BUFFER {
                    let mut kept = lock(&sh.buffers);
                    if kept.len() < KEEP_BUFFERS {
                        kept.push(body);
                    }
                }
                if sent.and_then(|_| stream.flush()).is_err() || !keep {
                    break;
                }
            }
            Request::Command(c) => {
                sh.stats.requests.fetch_add(1, Ordering::Relaxed);
                let (done, rx) = CommandDone::new();
                sh.sink.command(c, done);
                let _ = rx.recv_timeout(COMMAND_WAIT);
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
    stream.shutdown();
}

fn env<S: Site + 'static>(sh: &Shared<S>) -> QueryEnv {
    QueryEnv {
        now: now(),
        server: ServerCounters {
            connections: sh.stats.connections.load(Ordering::Relaxed),
            requests: sh.stats.requests.load(Ordering::Relaxed),
            active_connections: sh.stats.active.load(Ordering::Relaxed),
            threads: sh.min_threads as u64,
        },
        service_auth_strict: sh.cfg.service_authorization == ServiceAuthorization::Strict,
        group_auth_loose: sh.cfg.group_authorization == GroupAuthorization::Loose,
        max_response_size: sh.cfg.max_response_size,
    }
}

/// Waits when the query asks to, then answers it: the fixed16 header (or nothing)
/// and the body (written into `buf`).
fn answer<S: Site + 'static>(sh: &Shared<S>, q: &Query, buf: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
    if q.waits() && q.error().is_none() {
        sh.sink.refresh();
        let kind = q.wait_trigger();
        let deadline = (q.wait_timeout_ms() > 0)
            .then(|| Instant::now() + Duration::from_millis(q.wait_timeout_ms()));
        loop {
            let seen = sh.triggers.generation(kind);
            let snap = (sh.provider)();
            match q.wait_satisfied(&*snap, &env(sh)) {
                Ok(false) => {}
                _ => break,
            }
            if !sh.triggers.wait_change(kind, seen, deadline) {
                break;
            }
        }
    }
    let snap = (sh.provider)();
    let limit = q
        .timelimit()
        .map(|s| Instant::now() + Duration::from_secs(s));
    let stop = move || limit.is_some_and(|d| Instant::now() >= d);
    let r = q.execute_into(&*snap, &env(sh), &stop, buf);
    (r.header(), r.body)
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
