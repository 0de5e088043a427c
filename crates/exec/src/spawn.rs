//! Starting a child process without stopping the caller.
//!
//! `std::process::Command` (glibc `posix_spawn`) costs the engine more than the rest
//! of a check together: per spawn it maps and unmaps a child stack (a TLB shootdown
//! in a threaded process), opens `/dev/null`, queries the descriptor limit several
//! times, and blocks the calling thread until the child has called exec (`vfork`
//! semantics), which on a busy machine can take a scheduler slice. This module does
//! the same job with fewer system calls and without the wait:
//!
//! * the child is created with `clone(CLONE_VM)` on a stack taken from a pool, so no
//!   memory is copied or mapped, and the caller goes on at once;
//! * everything the child needs (argv, envp, the execvp candidates, descriptors) is
//!   prepared beforehand in a [`Spec`] that stays alive and unchanged until the child
//!   has been reaped, which is what makes sharing the address space sound;
//! * the child only issues raw system calls (the `syscalls` crate: no libc, no errno,
//!   no locks, no allocation), because it shares memory and the thread pointer with
//!   the parent that keeps running;
//! * an exec failure is written into the [`Spec`] by the child and read by the parent
//!   after reaping; it is reported exactly as before (see `run`).
//!
//! The child's steps: own process group; `/dev/null`, the stdout pipe and the stderr
//! pipe onto 0, 1, 2 (made blocking again); optional working directory; every signal
//! with a handler back to default, SIGPIPE to default, empty signal mask; then execve
//! along PATH like execvp(3). Signals are blocked in the parent around `clone`, so no
//! handler of the parent can ever run on the child's stack.

use crate::sys;
use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};
use syscalls::{syscall, Sysno};

/// Why a child gave up before running the program (read after reaping it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// `chdir` to the working directory failed with this errno.
    Chdir(i32),
    /// Every execve candidate failed; the errno execvp(3) would report.
    Exec(i32),
    /// Setting up descriptors, process group or signals failed with this errno.
    Setup(i32),
}

const STAGE_NONE: i32 = 0;
const STAGE_SETUP: i32 = 1;
const STAGE_CHDIR: i32 = 2;
const STAGE_EXEC: i32 = 3;

/// Exit status of a child that could not exec (never looked at: the [`Failure`] is).
const FAILED_EXIT: usize = 127;

/// Everything the child reads. Built before `clone`, never changed while the child may
/// run, freed only after the child has been reaped.
pub(crate) struct Spec {
    /// Owned strings the pointer arrays point into (kept, never read directly).
    _strings: Vec<CString>,
    /// NULL-terminated argv (pointers into `strings`).
    argv: Vec<*const libc::c_char>,
    /// NULL-terminated envp (pointers into `strings` and the environment snapshot).
    envp: Vec<*const libc::c_char>,
    /// Files to try with execve, in order (the PATH search of execvp).
    paths: Vec<CString>,
    cwd: Option<CString>,
    /// Descriptors to put on 0, 1, 2.
    fds: [RawFd; 3],
    stage: AtomicI32,
    errno: AtomicI32,
}

impl Spec {
    /// Prepares a child running `program` with `args`, the environment of this process
    /// with `env` applied in order (later entries win), in `cwd` if given.
    ///
    /// A program without `/` is searched in the PATH of the resulting environment, as
    /// execvp(3) does. Fails (without a process) on NUL bytes in any string.
    pub(crate) fn new<'a>(
        program: &str,
        args: &[&str],
        env: impl Iterator<Item = (&'a str, &'a str)>,
        cwd: Option<&Path>,
    ) -> io::Result<Spec> {
        let nul = || {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "nul byte found in provided data",
            )
        };
        let mut strings = Vec::with_capacity(args.len() + 1);
        strings.push(CString::new(program).map_err(|_| nul())?);
        for a in args {
            strings.push(CString::new(*a).map_err(|_| nul())?);
        }
        let nargs = strings.len();

        // Later assignments of a name win; earlier ones and inherited ones are dropped.
        let all: Vec<(&str, &str)> = env.collect();
        let mut names: HashSet<&str> = HashSet::with_capacity(all.len());
        let mut own: Vec<(&str, &str)> = Vec::with_capacity(all.len());
        for &(k, v) in all.iter().rev() {
            if names.insert(k) {
                own.push((k, v));
            }
        }
        own.reverse();
        let base = base_environment();
        let mut envp: Vec<*const libc::c_char> = Vec::with_capacity(base.len() + own.len() + 1);
        for entry in base {
            let bytes = entry.as_bytes();
            let name = bytes.split(|&b| b == b'=').next().unwrap_or(bytes);
            let replaced = std::str::from_utf8(name).is_ok_and(|n| names.contains(n));
            if !replaced {
                envp.push(entry.as_ptr());
            }
        }
        for (k, v) in &own {
            let mut kv = Vec::with_capacity(k.len() + v.len() + 1);
            kv.extend_from_slice(k.as_bytes());
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            strings.push(CString::new(kv).map_err(|_| nul())?);
        }
        // The CStrings' heap buffers do not move when `strings` grows or moves.
        for s in &strings[nargs..] {
            envp.push(s.as_ptr());
        }
        envp.push(std::ptr::null());
        let mut argv: Vec<*const libc::c_char> =
            strings[..nargs].iter().map(|s| s.as_ptr()).collect();
        argv.push(std::ptr::null());

        let path = own
            .iter()
            .rev()
            .find(|(k, _)| *k == "PATH")
            .map(|(_, v)| *v);
        let paths = exec_candidates(program, path);
        let cwd = match cwd {
            Some(d) => Some(CString::new(d.as_os_str().as_bytes()).map_err(|_| nul())?),
            None => None,
        };
        Ok(Spec {
            _strings: strings,
            argv,
            envp,
            paths,
            cwd,
            fds: [-1; 3],
            stage: AtomicI32::new(STAGE_NONE),
            errno: AtomicI32::new(0),
        })
    }
}

/// The files execvp(3) tries for `program`, in order: the program itself if it
/// contains `/`, else each directory of `path` (the child's PATH; when it has none,
/// this process's, else `/bin:/usr/bin`; an empty entry is `.`) joined with it.
pub(crate) fn exec_candidates(program: &str, path: Option<&str>) -> Vec<CString> {
    if program.contains('/') {
        return CString::new(program).into_iter().collect();
    }
    if program.is_empty() {
        return Vec::new();
    }
    let path = match path {
        Some(p) => p.as_bytes().to_vec(),
        None => std::env::var_os("PATH")
            .map(|p| p.as_bytes().to_vec())
            .unwrap_or_else(|| b"/bin:/usr/bin".to_vec()),
    };
    path.split(|&b| b == b':')
        .filter_map(|dir| {
            let mut p = if dir.is_empty() {
                b".".to_vec()
            } else {
                dir.to_vec()
            };
            p.push(b'/');
            p.extend_from_slice(program.as_bytes());
            CString::new(p).ok()
        })
        .collect()
}

/// This process's environment, captured once at the first spawn (children inherit
/// it plus their job's variables; vigil never changes its own environment).
fn base_environment() -> &'static [CString] {
    static ENV: OnceLock<Vec<CString>> = OnceLock::new();
    ENV.get_or_init(|| {
        std::env::vars_os()
            .filter_map(|(k, v)| {
                let mut kv = k.as_bytes().to_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                CString::new(kv).ok()
            })
            .collect()
    })
}

/// `/dev/null` for the children's stdin, opened once. Descriptors 0-2 of this process
/// are made sure to be open first (on `/dev/null`), so that no pipe of ours can ever be
/// one of them, which the child's dup3 onto 0-2 relies on.
fn devnull() -> io::Result<RawFd> {
    static FD: OnceLock<Result<RawFd, i32>> = OnceLock::new();
    let r = FD.get_or_init(|| loop {
        let fd = sys::open_devnull().map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        if fd >= 3 {
            break Ok(fd);
        }
        // Landed on a closed standard descriptor: leave it there and open again.
        sys::clear_cloexec(fd);
    });
    r.map_err(io::Error::from_raw_os_error)
}

/// A child stack from the pool, with a guard page below it.
struct Stack {
    base: NonNull<u8>,
}

// SAFETY: a Stack is an owned anonymous mapping; any thread may use or unmap it.
unsafe impl Send for Stack {}

/// Bytes per child stack, guard page included. The child runs one small function
/// that makes system calls; 64 KiB is ample.
const STACK_LEN: usize = 64 * 1024;
/// Stacks kept for reuse (more in-flight children map and unmap their own).
const POOL_MAX: usize = 1024;

static POOL: Mutex<Vec<Stack>> = Mutex::new(Vec::new());

impl Stack {
    fn take() -> io::Result<Stack> {
        if let Some(s) = POOL.lock().ok().and_then(|mut p| p.pop()) {
            return Ok(s);
        }
        sys::map_stack(STACK_LEN).map(|base| Stack { base })
    }

    /// The initial stack pointer (the stack grows down on every supported target).
    fn top(&self) -> *mut libc::c_void {
        // SAFETY: STACK_LEN bytes are mapped at `base`; one past the end is in bounds.
        unsafe { self.base.as_ptr().add(STACK_LEN).cast() }
    }

    fn give_back(self) {
        if let Ok(mut p) = POOL.lock() {
            if p.len() < POOL_MAX {
                p.push(self);
                return;
            }
        }
        sys::unmap_stack(self.base, STACK_LEN);
    }
}

/// What a running child borrows: its [`Spec`] and its stack. Must be kept until the
/// child has been reaped (it may still be reading them before exec); dropped without
/// [`Launch::release`], both are leaked rather than freed under a live child.
pub(crate) struct Launch {
    spec: Option<NonNull<Spec>>,
    stack: Option<Stack>,
}

// SAFETY: the Spec is owned through the pointer (from Box::into_raw) and only read by
// the child; the raw pointers inside it point into memory the Spec owns.
unsafe impl Send for Launch {}

impl Launch {
    /// After the child was reaped: what it reported, if it did not exec.
    pub(crate) fn failure(&self) -> Option<Failure> {
        let spec = self.spec?;
        // SAFETY: the Spec lives until `release`; the child is gone, so no one writes.
        let spec = unsafe { spec.as_ref() };
        let errno = spec.errno.load(Ordering::Acquire);
        match spec.stage.load(Ordering::Acquire) {
            STAGE_SETUP => Some(Failure::Setup(errno)),
            STAGE_CHDIR => Some(Failure::Chdir(errno)),
            STAGE_EXEC => Some(Failure::Exec(errno)),
            _ => None,
        }
    }

    /// Frees the Spec and returns the stack to the pool. Only once the child is reaped.
    pub(crate) fn release(mut self) {
        if let Some(spec) = self.spec.take() {
            // SAFETY: from Box::into_raw in `spawn`; the child has been reaped.
            drop(unsafe { Box::from_raw(spec.as_ptr()) });
        }
        if let Some(stack) = self.stack.take() {
            stack.give_back();
        }
    }
}

impl Drop for Launch {
    fn drop(&mut self) {
        // Not released: the child may still be running on this memory, so neither the
        // stack (a plain mapping, unmapped only by `give_back`) nor the Spec is freed.
        self.stack.take();
        self.spec.take();
    }
}

/// A started child.
pub(crate) struct Spawned {
    pub(crate) pid: i32,
    /// Read ends, non-blocking and close-on-exec.
    pub(crate) stdout: OwnedFd,
    pub(crate) stderr: OwnedFd,
    pub(crate) launch: Launch,
}

/// How [`spawn`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// At once; the child runs concurrently (checks: the loop never waits).
    Concurrent,
    /// After the child's exec (`CLONE_VFORK`): the caller's CPU goes to the child at
    /// once, so it starts without waiting for a scheduler slot on a busy machine
    /// (event handlers, where the delay from result to remediation is what counts).
    AfterExec,
}

/// Starts the child described by `spec`. Errors are from this process (pipes, clone);
/// the child's own failures are found with [`Launch::failure`] after reaping.
pub(crate) fn spawn(mut spec: Spec, start: Start) -> io::Result<Spawned> {
    let null = devnull()?;
    let (out_r, out_w) = sys::pipe_nonblocking()?;
    let (err_r, err_w) = sys::pipe_nonblocking()?;
    spec.fds = [null, out_w.as_raw_fd(), err_w.as_raw_fd()];
    let stack = Stack::take()?;
    let spec = NonNull::from(Box::leak(Box::new(spec)));
    let launch = Launch {
        spec: Some(spec),
        stack: Some(stack),
    };
    let top = launch
        .stack
        .as_ref()
        .map_or(std::ptr::null_mut(), Stack::top);

    let pid = {
        let _blocked = sys::SignalsBlocked::new();
        let vfork = match start {
            Start::Concurrent => 0,
            Start::AfterExec => libc::CLONE_VFORK,
        };
        // SAFETY: `child_main` only makes raw system calls and reads the Spec, which
        // stays alive and unchanged until the child is reaped (Launch); `top` is the
        // top of a mapping of STACK_LEN bytes owned by the Launch. Without CLONE_VFORK
        // the parent continues at once; without CLONE_FILES the child's descriptor
        // changes stay its own. All signals are blocked, so the child starts with them
        // blocked and no handler can run on its stack.
        unsafe {
            libc::clone(
                child_main,
                top,
                libc::CLONE_VM | vfork | libc::SIGCHLD,
                spec.as_ptr().cast(),
            )
        }
    };
    if pid < 0 {
        let e = io::Error::last_os_error();
        launch.release();
        return Err(e);
    }
    drop(out_w);
    drop(err_w);
    Ok(Spawned {
        pid,
        stdout: out_r,
        stderr: err_r,
        launch,
    })
}

/// Reports a failure into the Spec and ends the child.
fn fail(spec: &Spec, stage: i32, errno: i32) -> ! {
    spec.errno.store(errno, Ordering::Release);
    spec.stage.store(stage, Ordering::Release);
    loop {
        // SAFETY: ends this (child) process; nothing of the parent is touched.
        unsafe {
            let _ = syscall!(Sysno::exit_group, FAILED_EXIT);
        }
    }
}

/// The kernel's `struct sigaction`, large enough for every layout of the supported
/// targets: only the handler (first word) is read; a default disposition is all zeros.
type KernelSigaction = [u64; 4];
/// Size of the kernel's signal set (64 signals).
const KSIGSET: usize = 8;

extern "C" fn child_main(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the Spec passed by `spawn`, alive and unchanged until we are
    // reaped. From here on only raw system calls: no libc, no allocation, no panic.
    let spec: &Spec = unsafe { &*arg.cast::<Spec>() };
    // SAFETY: raw system calls on the child's own descriptors and process group, and
    // reads of the Spec (see above); the parent's memory is never written.
    unsafe {
        if let Err(e) = syscall!(Sysno::setpgid, 0, 0) {
            fail(spec, STAGE_SETUP, e.into_raw());
        }
        for (target, &fd) in spec.fds.iter().enumerate() {
            if let Err(e) = syscall!(Sysno::dup3, fd, target, 0) {
                fail(spec, STAGE_SETUP, e.into_raw());
            }
        }
        // The pipes were created non-blocking for the parent's read ends; the flag is
        // per open file, so the child's write ends get blocking writes back.
        for target in [1usize, 2] {
            let _ = syscall!(Sysno::fcntl, target, libc::F_SETFL, 0);
        }
        if let Some(dir) = &spec.cwd {
            if let Err(e) = syscall!(Sysno::chdir, dir.as_ptr()) {
                fail(spec, STAGE_CHDIR, e.into_raw());
            }
        }
        let dfl: KernelSigaction = [0; 4];
        for sig in 1..=64usize {
            if sig == libc::SIGKILL as usize || sig == libc::SIGSTOP as usize {
                continue;
            }
            let mut old: KernelSigaction = [0; 4];
            if syscall!(Sysno::rt_sigaction, sig, 0, old.as_mut_ptr(), KSIGSET).is_err() {
                continue;
            }
            let handler = old[0] as usize;
            let caught = handler != libc::SIG_DFL && handler != libc::SIG_IGN;
            if caught || sig == libc::SIGPIPE as usize {
                let _ = syscall!(Sysno::rt_sigaction, sig, dfl.as_ptr(), 0, KSIGSET);
            }
        }
        let empty: [u64; 1] = [0];
        if let Err(e) = syscall!(
            Sysno::rt_sigprocmask,
            libc::SIG_SETMASK,
            empty.as_ptr(),
            0,
            KSIGSET
        ) {
            fail(spec, STAGE_SETUP, e.into_raw());
        }
        // execvp(3): try each candidate; remember EACCES; stop on other errors.
        let mut errno = libc::ENOENT;
        let mut saw_eacces = false;
        for path in &spec.paths {
            let p: &CStr = path;
            // Returns only on failure.
            let e = match syscall!(
                Sysno::execve,
                p.as_ptr(),
                spec.argv.as_ptr(),
                spec.envp.as_ptr()
            ) {
                Ok(_) => libc::EINVAL,
                Err(e) => e.into_raw(),
            };
            errno = e;
            match e {
                libc::EACCES => saw_eacces = true,
                libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT => {}
                _ => break,
            }
        }
        if saw_eacces
            && matches!(
                errno,
                libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT
            )
        {
            errno = libc::EACCES;
        }
        fail(spec, STAGE_EXEC, errno)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_variables_win_and_replace_inherited_ones() {
        let env = [("A", "1"), ("PATH", "/nowhere"), ("A", "2")];
        let spec = Spec::new("prog", &["x"], env.iter().copied(), None).unwrap();
        let entries: Vec<&CStr> = spec
            .envp
            .iter()
            .take_while(|p| !p.is_null())
            // SAFETY: every non-null entry points into a CString the Spec owns.
            .map(|p| unsafe { CStr::from_ptr(*p) })
            .collect();
        let path: Vec<_> = entries
            .iter()
            .filter(|e| e.to_bytes().starts_with(b"PATH="))
            .collect();
        assert_eq!(path.len(), 1);
        assert_eq!(path[0].to_bytes(), b"PATH=/nowhere");
        let a: Vec<_> = entries
            .iter()
            .filter(|e| e.to_bytes().starts_with(b"A="))
            .collect();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].to_bytes(), b"A=2");
        assert_eq!(spec.paths, vec![CString::new("/nowhere/prog").unwrap()]);
        assert_eq!(spec.argv.len(), 3);
        assert!(spec.argv[2].is_null());
    }

    #[test]
    fn nul_bytes_are_refused_before_any_process() {
        let e = Spec::new("prog", &["a\0b"], std::iter::empty(), None)
            .err()
            .unwrap();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn empty_path_entries_mean_the_current_directory() {
        let env = [("PATH", ":/bin")];
        let spec = Spec::new("ls", &[], env.iter().copied(), None).unwrap();
        assert_eq!(
            spec.paths,
            vec![
                CString::new("./ls").unwrap(),
                CString::new("/bin/ls").unwrap()
            ]
        );
    }
}
