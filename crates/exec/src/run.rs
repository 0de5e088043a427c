//! Running a [`Plan`]: spawning the child in its own process group, collecting its
//! output, enforcing the timeout, and reporting the result like Nagios's worker does.
//!
//! Life of a job:
//! 1. spawn ([`crate::spawn`]: `clone` sharing memory, so the caller never waits for
//!    the child's exec; stdin `/dev/null`, stdout/stderr piped, own process group,
//!    extra environment, optional working directory);
//! 2. read stdout (keeping at most `max_output` bytes, draining the rest) until EOF,
//!    the timeout, or [`WATCH_DELAY`]; stderr is read once stdout is at EOF and is only
//!    watched through the reactor if that does not find its end, or after
//!    [`WATCH_DELAY`] (most plugins print nothing there, so this saves two reactor
//!    registrations per check); the exit of a job still running after
//!    [`WATCH_DELAY`] is watched through a pidfd;
//! 3. on timeout: SIGKILL to the whole process group, result [`Outcome::TimedOut`];
//! 4. after the child exits: wait at most [`EXIT_GRACE`] for EOF on both pipes; if a
//!    descendant still holds them, SIGKILL the group and return what was read.
//!
//! The child is reaped only after any group kill, so the process-group id can never have
//! been reused when it is signalled. If the `run` future is dropped early, the group is
//! killed and the child reaped in the background.

use crate::spawn::{self, Failure, Launch, Spec, Start};
use crate::sys;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::unix::AsyncFd;
use vigil_cmdline::Plan;

/// How long to wait for EOF on the pipes after the direct child has exited before the
/// process group is killed (a forked descendant keeping the pipes open).
pub const EXIT_GRACE: Duration = Duration::from_millis(100);

/// How long a job may run before its exit is watched through a pidfd and its stderr
/// through the reactor (until then, the end of the job is noticed through EOF on
/// stdout; saves system calls for fast plugins).
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
    /// The job could not be started at all (no program ran), with the reason.
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

/// Why an attempt ran no program.
enum NotRun {
    /// No process was created (pipes, clone, NUL bytes in the command).
    Spawn(io::Error),
    /// The child gave up before exec.
    Child(Failure),
}

/// Runs a job to completion. Never panics; every failure is reported in the result.
///
/// Must be called within a tokio runtime with I/O and time enabled
/// (`Builder::enable_all()`); the runtime may be current-thread. The spawn itself
/// happens synchronously when the future is first polled and does not block.
pub async fn run(job: Job) -> Finished {
    run_with(job, Start::Concurrent).await
}

/// [`run`] for a job that must start as soon as possible (event handlers): the spawn
/// returns only once the child has called exec, handing it the caller's CPU, so the
/// child does not wait for a scheduler slot on a busy machine. Costs the caller the
/// child's exec time (tens of microseconds).
pub async fn run_urgent(job: Job) -> Finished {
    run_with(job, Start::AfterExec).await
}

async fn run_with(job: Job, how: Start) -> Finished {
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

    let mut attempt = attempt(&job, program, &args, plan_env, how).await;
    if let (Err(NotRun::Child(Failure::Exec(libc::ENOEXEC))), Plan::Direct { .. }) =
        (&attempt, &job.plan)
    {
        // execvp(3) runs a file without a recognised format through the shell.
        if let Some(path) = resolve(program, &job.env, plan_env) {
            let path_str = path.to_string_lossy().into_owned();
            let mut sh_args: Vec<&str> = Vec::with_capacity(args.len() + 1);
            sh_args.push(&path_str);
            sh_args.extend(args.iter().copied());
            attempt = self::attempt(&job, SHELL, &sh_args, plan_env, how).await;
        }
    }
    match attempt {
        Ok(f) => f,
        Err(e) => {
            let (outcome, stderr) = not_run(&e, program, job.cwd.as_deref());
            early(outcome, stderr)
        }
    }
}

/// One spawn of `program` and its supervision.
async fn attempt(
    job: &Job,
    program: &str,
    args: &[&str],
    plan_env: &[(String, String)],
    how: Start,
) -> Result<Finished, NotRun> {
    let env = job
        .env
        .iter()
        .chain(plan_env)
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let spawned = Spec::new(program, args, env, job.cwd.as_deref())
        .and_then(|spec| spawn::spawn(spec, how))
        .map_err(NotRun::Spawn)?;
    supervise(spawned, job, SystemTime::now(), Instant::now()).await
}

/// Maps a job that ran no program to Nagios's worker result: exec failures become
/// `Exited(errno)` with `execvp(<prog>, ...) failed. errno is <n>: <text>` on stderr;
/// what is not the program's fault (no process, no descriptors, missing working
/// directory) is [`Outcome::DidNotRun`].
fn not_run(e: &NotRun, program: &str, cwd: Option<&Path>) -> (Outcome, String) {
    let cannot = |what: String| (Outcome::DidNotRun(what), String::new());
    match *e {
        NotRun::Spawn(ref e) => match e.raw_os_error() {
            Some(errno) => cannot(format!("cannot start {program}: {}", sys::strerror(errno))),
            None => cannot(format!("cannot start {program}: {e}")),
        },
        NotRun::Child(Failure::Setup(errno)) => {
            cannot(format!("cannot start {program}: {}", sys::strerror(errno)))
        }
        NotRun::Child(Failure::Chdir(errno)) => cannot(format!(
            "cannot change directory to {}: {}",
            cwd.map_or_else(String::new, |d| d.display().to_string()),
            sys::strerror(errno)
        )),
        NotRun::Child(Failure::Exec(errno))
            if matches!(
                errno,
                libc::EMFILE | libc::ENFILE | libc::EAGAIN | libc::ENOMEM
            ) =>
        {
            cannot(format!("cannot start {program}: {}", sys::strerror(errno)))
        }
        NotRun::Child(Failure::Exec(errno)) => (
            Outcome::Exited(errno),
            format!(
                "execvp({program}, ...) failed. errno is {errno}: {}\n",
                sys::strerror(errno)
            ),
        ),
    }
}

/// Finds `program` like execvp does (for the ENOEXEC fallback).
fn resolve(
    program: &str,
    job_env: &[(String, String)],
    plan_env: &[(String, String)],
) -> Option<PathBuf> {
    let path = job_env
        .iter()
        .chain(plan_env)
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.as_str());
    spawn::exec_candidates(program, path)
        .into_iter()
        .map(|c| PathBuf::from(std::ffi::OsString::from_vec(c.into_bytes())))
        .find(|p| p.is_file())
}

/// Owns an unreaped child and what it borrows ([`Launch`]): kills its group and reaps
/// it if dropped before `reap`.
struct ChildGuard {
    pid: i32,
    reaped: bool,
    launch: Option<Launch>,
    /// What the child reported when it could not exec (known once reaped).
    failure: Option<Failure>,
}

impl ChildGuard {
    /// Reaps the child; blocks only if `block` (callers know it has exited then).
    fn reap(&mut self, block: bool) -> Option<i32> {
        let status = match sys::waitpid(self.pid, !block) {
            sys::Reap::Status(s) => Some(s),
            sys::Reap::Gone => None,
            sys::Reap::Running => return None,
        };
        self.reaped = true;
        if let Some(launch) = self.launch.take() {
            self.failure = launch.failure();
            launch.release();
        }
        status
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
        reap_in_background(self.pid, self.launch.take());
    }
}

/// Reaps a killed child later, so that it does not stay a zombie; only then is what it
/// borrowed released.
fn reap_in_background(pid: i32, launch: Option<Launch>) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            let mut delay = Duration::from_millis(1);
            while sys::waitpid(pid, true) == sys::Reap::Running {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(100));
            }
            if let Some(l) = launch {
                l.release();
            }
        });
    } else {
        let _ = std::thread::Builder::new()
            .name("vigil-reaper".into())
            .spawn(move || {
                let _ = sys::waitpid(pid, false);
                if let Some(l) = launch {
                    l.release();
                }
            });
    }
}

/// Registers an owned descriptor with the tokio reactor for readability.
fn register(fd: OwnedFd) -> Option<AsyncFd<OwnedFd>> {
    sys::register_readable(fd)
}

/// The read end of an output pipe (non-blocking).
enum Pipe {
    /// Not registered with the reactor: read only when told to ([`Stream::settle`]).
    Lazy(OwnedFd),
    /// Registered: readiness wakes the job.
    Watched(AsyncFd<OwnedFd>),
    /// EOF or error.
    Closed,
}

/// One output pipe being drained.
struct Stream {
    pipe: Pipe,
    buf: Vec<u8>,
    max: usize,
}

impl Stream {
    /// A stream watched through the reactor from the start.
    fn watched(fd: OwnedFd, max: usize) -> Self {
        Stream {
            pipe: register(fd).map_or(Pipe::Closed, Pipe::Watched),
            buf: Vec::new(),
            max,
        }
    }

    /// A stream read only when [`settle`](Self::settle) is called.
    fn lazy(fd: OwnedFd, max: usize) -> Self {
        Stream {
            pipe: Pipe::Lazy(fd),
            buf: Vec::new(),
            max,
        }
    }

    fn done(&self) -> bool {
        matches!(self.pipe, Pipe::Closed)
    }

    fn is_watched(&self) -> bool {
        matches!(self.pipe, Pipe::Watched(_))
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

    /// Reads what is buffered without waiting (at most 64 reads). `Some(true)`: EOF or
    /// error, `Some(false)`: the pipe is empty but still open, `None`: gave up.
    fn read_available(fd: &OwnedFd, buf: &mut Vec<u8>, max: usize) -> Option<bool> {
        for _ in 0..64 {
            match Self::read_once(fd, buf, max) {
                Ok(true) => return Some(true),
                Ok(false) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Some(false),
                Err(_) => return Some(true),
            }
        }
        None
    }

    /// A lazy stream: reads what is there; closes it at EOF, otherwise starts watching
    /// it through the reactor. No effect on other streams.
    fn settle(&mut self) {
        if !matches!(self.pipe, Pipe::Lazy(_)) {
            return;
        }
        let Pipe::Lazy(fd) = std::mem::replace(&mut self.pipe, Pipe::Closed) else {
            return;
        };
        if Self::read_available(&fd, &mut self.buf, self.max) != Some(true) {
            self.pipe = register(fd).map_or(Pipe::Closed, Pipe::Watched);
        }
    }

    /// Waits for data and reads one chunk; closes the stream at EOF or on error.
    async fn read_some(&mut self) {
        let Stream { pipe, buf, max } = self;
        let Pipe::Watched(afd) = &*pipe else {
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
            *pipe = Pipe::Closed;
        }
    }

    /// Reads whatever is buffered right now, without waiting; then closes the stream.
    fn drain_now(&mut self) {
        match std::mem::replace(&mut self.pipe, Pipe::Closed) {
            Pipe::Lazy(fd) => {
                Self::read_available(&fd, &mut self.buf, self.max);
            }
            Pipe::Watched(afd) => {
                Self::read_available(afd.get_ref(), &mut self.buf, self.max);
            }
            Pipe::Closed => {}
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
    spawned: spawn::Spawned,
    job: &Job,
    start: SystemTime,
    t0: Instant,
) -> Result<Finished, NotRun> {
    let pid = spawned.pid;
    let mut guard = ChildGuard {
        pid,
        reaped: false,
        launch: Some(spawned.launch),
        failure: None,
    };
    let mut out = Stream::watched(spawned.stdout, job.max_output);
    let mut err = Stream::lazy(spawned.stderr, job.max_output);

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
        if out.done() {
            // stdout at EOF: stderr most likely too (closed by the same exit).
            err.settle();
        }
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
            err.settle();
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
            _ = err.read_some(), if err.is_watched() => {}
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
    if let Some(f) = guard.failure {
        return Err(NotRun::Child(f));
    }
    // Unreaped only after a timeout whose SIGKILL did not take effect within KILL_WAIT;
    // dropping the guard hands the child to a background reaper.
    drop(guard);

    Ok(Finished {
        outcome,
        stdout: out.buf,
        stderr: err.buf,
        start,
        duration: t0.elapsed(),
        pid: u32::try_from(pid).ok(),
    })
}
