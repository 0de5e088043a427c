//! Running a [`Plan`]: spawning the child in its own process group, collecting its
//! output, enforcing the timeout, and reporting the result like Nagios's worker does.
//!
//! Life of a job:
//! 1. spawn (`posix_spawn` fast path of std: stdin `/dev/null`, stdout/stderr piped,
//!    own process group, extra environment, optional working directory);
//! 2. read both pipes (keeping at most `max_output` bytes each, draining the rest)
//!    while waiting for the direct child to exit (pidfd) or the timeout;
//! 3. on timeout: SIGKILL to the whole process group, result [`Outcome::TimedOut`];
//! 4. after the child exits: wait at most [`EXIT_GRACE`] for EOF on both pipes; if a
//!    descendant still holds them, SIGKILL the group and return what was read.
//!
//! The child is reaped only after any group kill, so the process-group id can never have
//! been reused when it is signalled. If the `run` future is dropped early, the group is
//! killed and the child reaped in the background.

use crate::plan::Plan;
use crate::sys;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// How long to wait for EOF on the pipes after the direct child has exited before the
/// process group is killed (a forked descendant keeping the pipes open).
pub const EXIT_GRACE: Duration = Duration::from_millis(100);

/// How long a job may run before its exit is watched through a pidfd (until then, the
/// end of the job is noticed through EOF on its pipes; saves syscalls for fast plugins).
const WATCH_DELAY: Duration = Duration::from_millis(5);

/// How long to wait for a SIGKILLed child to disappear before leaving its reaping to a
/// background task.
pub const KILL_WAIT: Duration = Duration::from_secs(1);

/// The shell used for [`Plan::Shell`].
pub const SHELL: &str = "/bin/sh";

/// Read size (one pipe buffer).
const CHUNK: usize = 64 * 1024;

/// One command to run.
#[derive(Debug, Clone)]
pub struct Job {
    /// What to execute.
    pub plan: Plan,
    /// Wall-clock limit; on expiry the whole process group gets SIGKILL.
    pub timeout: Duration,
    /// Extra environment (e.g. `NAGIOS_*`), applied before the plan's own variables.
    pub env: Vec<(String, String)>,
    /// Working directory of the child (inherited if `None`).
    pub cwd: Option<PathBuf>,
    /// Bytes kept per stream; the rest is read and dropped.
    pub max_output: usize,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The process exited with this code. An exec failure of a direct plan is reported
    /// as `Exited(errno)`, like Nagios's worker child does.
    Exited(i32),
    /// The process was killed by this signal (not by our timeout).
    Signaled(i32),
    /// The timeout expired; the process group was killed.
    TimedOut,
    /// The job could not be started at all (no process was created), with the reason.
    DidNotRun(String),
}

/// The result of [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// How the job ended.
    pub outcome: Outcome,
    /// Captured standard output (at most `max_output` bytes).
    pub stdout: Vec<u8>,
    /// Captured standard error (at most `max_output` bytes).
    pub stderr: Vec<u8>,
    /// When the job was started.
    pub start: SystemTime,
    /// How long it ran.
    pub duration: Duration,
    /// The child's process id, if a process was created.
    pub pid: Option<u32>,
}

/// Runs a job to completion. Never panics; every failure is reported in the result.
///
/// Must be called within a tokio runtime with I/O and time enabled
/// (`Builder::enable_all()`); the runtime may be current-thread.
pub async fn run(job: Job) -> Finished {
    run_with(job, Priority::Normal).await
}

/// [`run`] for a job that must start as soon as possible (event handlers): when the
/// spawner threads are busy, it goes ahead of every normal job waiting for them.
pub async fn run_urgent(job: Job) -> Finished {
    run_with(job, Priority::Urgent).await
}

/// Order of jobs waiting for a spawner thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Priority {
    Normal,
    Urgent,
}

async fn run_with(job: Job, prio: Priority) -> Finished {
    let _active = Active::enter();
    let start = SystemTime::now();
    let t0 = Instant::now();
    let early = |outcome: Outcome, stderr: String| Finished {
        outcome,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
        start,
        duration: t0.elapsed(),
        pid: None,
    };

    for (k, _) in &job.env {
        if k.is_empty() || k.contains('=') || k.contains('\0') {
            return early(
                Outcome::DidNotRun(format!("invalid environment variable name {k:?}")),
                String::new(),
            );
        }
    }

    let (program, args, plan_env): (&str, Vec<&str>, &[(String, String)]) = match &job.plan {
        Plan::Direct { argv, env } => {
            // Nagios's child sets these with setenv(3) and fails on an empty name.
            if env.iter().any(|(k, _)| k.is_empty()) {
                return early(
                    Outcome::Exited(libc::EINVAL),
                    format!(
                        "runcmd_setenv(, ev) errno {}: {}\n",
                        libc::EINVAL,
                        sys::strerror(libc::EINVAL)
                    ),
                );
            }
            match argv.split_first() {
                Some((p, rest)) => (p.as_str(), rest.iter().map(String::as_str).collect(), env),
                None => {
                    return early(
                        Outcome::Exited(libc::EXIT_FAILURE),
                        "No command after variables.\n".to_owned(),
                    )
                }
            }
        }
        Plan::Shell { script, env } => (SHELL, vec!["-c", script.as_str()], env),
    };

    let mut spawned = spawn(command(&job, program, &args, plan_env), prio).await;
    if let (Err(e), Plan::Direct { .. }) = (&spawned, &job.plan) {
        if e.raw_os_error() == Some(libc::ENOEXEC) {
            // execvp(3) runs a file without a recognised format through the shell.
            if let Some(path) = resolve(program, &job.env, plan_env) {
                let mut sh_args: Vec<&str> = Vec::with_capacity(args.len() + 1);
                let path_str = path.to_string_lossy().into_owned();
                sh_args.push(&path_str);
                sh_args.extend(args.iter().copied());
                spawned = spawn(command(&job, SHELL, &sh_args, plan_env), prio).await;
            }
        }
    }
    let child = match spawned {
        Ok(c) => c,
        Err(e) => {
            let (outcome, stderr) = spawn_error(&e, program, job.cwd.as_deref());
            return early(outcome, stderr);
        }
    };
    // The job's start (and its timeout) counts from the spawn, not from the time it
    // waited for a spawner thread: that wait is latency, not execution time.
    supervise(child, &job, SystemTime::now(), Instant::now()).await
}

/// Number of spawner threads used by [`run`] (see [`set_spawner_threads`]).
static SPAWNER_THREADS: AtomicUsize = AtomicUsize::new(DEFAULT_SPAWNER_THREADS);

/// Default number of spawner threads.
pub const DEFAULT_SPAWNER_THREADS: usize = 2;

/// Sets how many dedicated threads perform the spawns (0: spawn on the calling runtime
/// thread). Only effective before the first job is run; returns false afterwards.
///
/// A spawn blocks its thread until the child has called exec (posix_spawn's vfork
/// semantics), which takes longer than the parent's own work per job; with spawner
/// threads the runtime thread keeps serving other jobs meanwhile and several spawns are
/// in flight, which matters most on a busy machine.
pub fn set_spawner_threads(n: usize) -> bool {
    if spawner::started() {
        return false;
    }
    SPAWNER_THREADS.store(n, Ordering::Relaxed);
    true
}

/// Jobs currently inside [`run`] (process-wide).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// Counts a job in [`ACTIVE`] while it lives.
struct Active;

impl Active {
    fn enter() -> Self {
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        Active
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Spawns the command: directly when this is the only job running (lowest latency,
/// nothing else to serve meanwhile), otherwise on a spawner thread (see
/// [`set_spawner_threads`]).
async fn spawn(mut cmd: Command, prio: Priority) -> io::Result<std::process::Child> {
    if ACTIVE.load(Ordering::Relaxed) <= 1 {
        return cmd.spawn();
    }
    spawner::spawn(cmd, prio).await
}

mod spawner {
    use super::{Priority, SPAWNER_THREADS};
    use std::collections::VecDeque;
    use std::io;
    use std::process::{Child, Command};
    use std::sync::atomic::Ordering;
    use std::sync::{Condvar, Mutex, OnceLock};

    type Reply = tokio::sync::oneshot::Sender<io::Result<Child>>;

    /// Jobs waiting for a spawner thread: urgent ones are always taken first.
    #[derive(Default)]
    struct Queues {
        urgent: VecDeque<(Command, Reply)>,
        normal: VecDeque<(Command, Reply)>,
    }

    struct Shared {
        queues: Mutex<Queues>,
        ready: Condvar,
    }

    static SHARED: OnceLock<Option<Shared>> = OnceLock::new();

    pub(super) fn started() -> bool {
        SHARED.get().is_some()
    }

    fn worker(sh: &'static Shared) {
        loop {
            let next = {
                let Ok(mut q) = sh.queues.lock() else { return };
                loop {
                    if let Some(j) = q.urgent.pop_front().or_else(|| q.normal.pop_front()) {
                        break j;
                    }
                    q = match sh.ready.wait(q) {
                        Ok(q) => q,
                        Err(_) => return,
                    };
                }
            };
            let (mut cmd, reply) = next;
            if let Err(Ok(child)) = reply.send(cmd.spawn()) {
                // The job was cancelled while being spawned.
                super::abandon(child.id() as i32);
            }
        }
    }

    fn shared() -> Option<&'static Shared> {
        SHARED
            .get_or_init(|| {
                let n = SPAWNER_THREADS.load(Ordering::Relaxed);
                (n > 0).then(|| Shared {
                    queues: Mutex::new(Queues::default()),
                    ready: Condvar::new(),
                })
            })
            .as_ref()
            .and_then(|sh| {
                static THREADS: OnceLock<usize> = OnceLock::new();
                let started = *THREADS.get_or_init(|| {
                    let n = SPAWNER_THREADS.load(Ordering::Relaxed);
                    (0..n)
                        .filter(|i| {
                            std::thread::Builder::new()
                                .name(format!("vigil-spawn-{i}"))
                                .spawn(move || worker(sh))
                                .is_ok()
                        })
                        .count()
                });
                (started > 0).then_some(sh)
            })
    }

    pub(super) async fn spawn(mut cmd: Command, prio: Priority) -> io::Result<Child> {
        let Some(sh) = shared() else {
            return cmd.spawn();
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        match sh.queues.lock() {
            Ok(mut q) => match prio {
                Priority::Urgent => q.urgent.push_back((cmd, tx)),
                Priority::Normal => q.normal.push_back((cmd, tx)),
            },
            Err(_) => return Err(io::Error::other("spawner queue poisoned")),
        }
        sh.ready.notify_one();
        match rx.await {
            Ok(r) => r,
            Err(_) => Err(io::Error::other("spawner thread gone")),
        }
    }
}

/// Builds the std command (no pre_exec closure, so std can use `posix_spawn`).
fn command(job: &Job, program: &str, args: &[&str], plan_env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for (k, v) in job.env.iter().chain(plan_env) {
        cmd.env(k, v);
    }
    if let Some(dir) = &job.cwd {
        cmd.current_dir(dir);
    }
    cmd
}

/// Maps a spawn error to Nagios's worker result: exec failures become
/// `Exited(errno)` with `execvp(<prog>, ...) failed. errno is <n>: <text>` on stderr.
fn spawn_error(e: &io::Error, program: &str, cwd: Option<&Path>) -> (Outcome, String) {
    let Some(errno) = e.raw_os_error() else {
        return (
            Outcome::DidNotRun(format!("cannot start {program}: {e}")),
            String::new(),
        );
    };
    if matches!(errno, libc::EMFILE | libc::ENFILE | libc::EAGAIN) {
        return (
            Outcome::DidNotRun(format!("cannot start {program}: {}", sys::strerror(errno))),
            String::new(),
        );
    }
    if let Some(dir) = cwd {
        if !dir.is_dir() {
            return (
                Outcome::DidNotRun(format!(
                    "cannot change directory to {}: {}",
                    dir.display(),
                    sys::strerror(errno)
                )),
                String::new(),
            );
        }
    }
    (
        Outcome::Exited(errno),
        format!(
            "execvp({program}, ...) failed. errno is {errno}: {}\n",
            sys::strerror(errno)
        ),
    )
}

/// Finds `program` like execvp does (for the ENOEXEC fallback).
fn resolve(
    program: &str,
    job_env: &[(String, String)],
    plan_env: &[(String, String)],
) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    if program.is_empty() {
        return None;
    }
    let path = job_env
        .iter()
        .chain(plan_env)
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var("PATH").ok())
        .unwrap_or_else(|| "/bin:/usr/bin".to_owned());
    path.split(':')
        .map(|d| Path::new(if d.is_empty() { "." } else { d }).join(program))
        .find(|p| p.is_file())
}

/// Owns an unreaped child: kills its group and reaps it if dropped before `reap`.
struct ChildGuard {
    pid: i32,
    reaped: bool,
}

impl ChildGuard {
    /// Reaps the child; blocks only if `block` (callers know it has exited then).
    fn reap(&mut self, block: bool) -> Option<i32> {
        match sys::waitpid(self.pid, !block) {
            sys::Reap::Status(s) => {
                self.reaped = true;
                Some(s)
            }
            sys::Reap::Gone => {
                self.reaped = true;
                None
            }
            sys::Reap::Running => None,
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        sys::kill_group(self.pid);
        if self.reap(false).is_some() || self.reaped {
            return;
        }
        reap_in_background(self.pid);
    }
}

/// Kills the process group of a child nobody waits for and reaps it.
fn abandon(pid: i32) {
    drop(ChildGuard { pid, reaped: false });
}

/// Reaps a killed child later, so that it does not stay a zombie.
fn reap_in_background(pid: i32) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            let mut delay = Duration::from_millis(1);
            while sys::waitpid(pid, true) == sys::Reap::Running {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(100));
            }
        });
    } else {
        let _ = std::thread::Builder::new()
            .name("vigil-reaper".into())
            .spawn(move || {
                let _ = sys::waitpid(pid, false);
            });
    }
}

/// Registers an owned descriptor with the tokio reactor for readability.
fn register(fd: OwnedFd) -> Option<AsyncFd<OwnedFd>> {
    // SAFETY: an OwnedFd is a valid open descriptor that stays open, and keeps returning
    // the same number, for as long as the AsyncFd owns it.
    unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }.ok()
}

/// One output pipe being drained.
struct Stream {
    fd: Option<AsyncFd<OwnedFd>>,
    buf: Vec<u8>,
    max: usize,
}

impl Stream {
    fn new(pipe: Option<OwnedFd>, max: usize) -> Self {
        let fd = pipe.and_then(|p| {
            sys::set_nonblocking(p.as_raw_fd()).ok()?;
            register(p)
        });
        Stream {
            fd,
            buf: Vec::new(),
            max,
        }
    }

    fn done(&self) -> bool {
        self.fd.is_none()
    }

    /// Reads once; returns `Ok(true)` at EOF.
    fn read_once(fd: &OwnedFd, buf: &mut Vec<u8>, max: usize) -> io::Result<bool> {
        let room = max.saturating_sub(buf.len());
        if room > 0 {
            // Straight into the kept output, growing it geometrically from 4 KiB: most
            // plugins print a line, and nothing is zeroed only to be overwritten.
            let want = room.min(buf.len().max(4096)).min(CHUNK);
            buf.reserve(want);
            let n = sys::read_into_spare(fd.as_raw_fd(), buf, want)?;
            return Ok(n == 0);
        }
        // Past the limit: read and drop.
        let mut sink = [0u8; 4096];
        let n = sys::read(fd.as_raw_fd(), &mut sink)?;
        Ok(n == 0)
    }

    /// Waits for data and reads one chunk; closes the stream at EOF or on error.
    async fn read_some(&mut self) {
        let Stream { fd, buf, max } = self;
        let Some(afd) = fd.as_ref() else {
            return std::future::pending().await;
        };
        let eof = loop {
            let mut guard = match afd.readable().await {
                Ok(g) => g,
                Err(_) => break true,
            };
            match guard.try_io(|inner| Self::read_once(inner.get_ref(), buf, *max)) {
                Ok(Ok(eof)) => break eof,
                Ok(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Ok(Err(_)) => break true,
                Err(_would_block) => continue,
            }
        };
        if eof {
            *fd = None;
        }
    }

    /// Reads whatever is buffered right now, without waiting; then closes the stream.
    fn drain_now(&mut self) {
        if let Some(afd) = self.fd.take() {
            // Bounded: at most 4 MiB of already-buffered data.
            for _ in 0..64 {
                match Self::read_once(afd.get_ref(), &mut self.buf, self.max) {
                    Ok(false) => continue,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    _ => break,
                }
            }
        }
    }
}

/// Waits for the direct child to exit, without reaping it.
enum ExitWatch {
    Pidfd(AsyncFd<OwnedFd>),
    Poll,
}

impl ExitWatch {
    fn new(pid: i32) -> Self {
        sys::pidfd_open(pid)
            .ok()
            .and_then(register)
            .map_or(ExitWatch::Poll, ExitWatch::Pidfd)
    }

    async fn wait(&self, pid: i32) {
        if let ExitWatch::Pidfd(fd) = self {
            if fd.readable().await.is_ok() {
                return;
            }
        }
        let mut delay = Duration::from_millis(1);
        while !sys::has_exited(pid) {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(50));
        }
    }
}

fn decode(status: i32) -> Outcome {
    if libc::WIFEXITED(status) {
        Outcome::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Outcome::Signaled(libc::WTERMSIG(status))
    } else {
        Outcome::DidNotRun(format!("unexpected wait status {status:#x}"))
    }
}

async fn wait_exit(watch: Option<&ExitWatch>, pid: i32) {
    match watch {
        Some(w) => w.wait(pid).await,
        None => std::future::pending().await,
    }
}

async fn supervise(
    mut child: std::process::Child,
    job: &Job,
    start: SystemTime,
    t0: Instant,
) -> Finished {
    let raw_pid = child.id();
    let pid = raw_pid as i32;
    let mut guard = ChildGuard { pid, reaped: false };
    let mut out = Stream::new(child.stdout.take().map(OwnedFd::from), job.max_output);
    let mut err = Stream::new(child.stderr.take().map(OwnedFd::from), job.max_output);
    drop(child);

    // A huge timeout must not overflow the clock (tokio caps far deadlines itself).
    let far = Duration::from_secs(10 * 365 * 86400);
    let deadline =
        tokio::time::Instant::from_std(t0.checked_add(job.timeout.min(far)).unwrap_or(t0));
    // Most plugins close their pipes and exit quickly: the exit watch (a pidfd) is only
    // set up if they have not done so within WATCH_DELAY, or closed the pipes but run on.
    let watch_at = tokio::time::Instant::from_std(t0 + WATCH_DELAY);
    let mut watch: Option<ExitWatch> = None;
    let sleep = tokio::time::sleep_until(deadline.min(watch_at));
    tokio::pin!(sleep);

    let mut status: Option<i32> = None;
    let mut exited = false;
    let mut timed_out = false;
    let mut grace_expired = false;
    loop {
        let pipes_closed = out.done() && err.done();
        if pipes_closed {
            if exited {
                break;
            }
            // The child has most likely exited: reap it right away (nothing can hold
            // the pipes, so no group kill will be needed).
            match guard.reap(false) {
                Some(s) => {
                    status = Some(s);
                    break;
                }
                None if guard.reaped => break,
                None => {}
            }
        }
        if watch.is_none() && (pipes_closed || tokio::time::Instant::now() >= watch_at) {
            watch = Some(ExitWatch::new(pid));
            sleep.as_mut().reset(deadline);
        }
        tokio::select! {
            biased;
            _ = &mut sleep => {
                if exited {
                    grace_expired = true;
                    break;
                }
                if tokio::time::Instant::now() >= deadline {
                    timed_out = true;
                    break;
                }
                // WATCH_DELAY reached: the exit watch is set up at the top of the loop.
            }
            _ = wait_exit(watch.as_ref(), pid), if watch.is_some() && !exited => {
                exited = true;
                sleep.as_mut().reset(tokio::time::Instant::now() + EXIT_GRACE);
            }
            _ = out.read_some(), if !out.done() => {}
            _ = err.read_some(), if !err.done() => {}
        }
    }

    let outcome = if timed_out {
        // The leader is not reaped yet, so the group id is still ours.
        sys::kill_group(pid);
        let w = watch.get_or_insert_with(|| ExitWatch::new(pid));
        let _ = tokio::time::timeout(KILL_WAIT, w.wait(pid)).await;
        out.drain_now();
        err.drain_now();
        guard.reap(false);
        Outcome::TimedOut
    } else if let Some(s) = status {
        decode(s)
    } else {
        if grace_expired {
            // A descendant keeps the pipes open: kill the group, keep what was read.
            sys::kill_group(pid);
            out.drain_now();
            err.drain_now();
        }
        match guard.reap(true) {
            Some(s) => decode(s),
            None => Outcome::DidNotRun("child vanished before it could be reaped".to_owned()),
        }
    };
    // Unreaped only after a timeout whose SIGKILL did not take effect within KILL_WAIT;
    // dropping the guard hands the child to a background reaper.
    drop(guard);

    Finished {
        outcome,
        stdout: out.buf,
        stderr: err.buf,
        start,
        duration: t0.elapsed(),
        pid: Some(raw_pid),
    }
}
