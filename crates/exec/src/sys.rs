//! Thin wrappers over the few libc / Linux calls the runner needs (process groups,
//! pidfds, non-reaping exit checks, raw reads, pipes, child stacks, signal masks,
//! `strerror`, registering descriptors with tokio). All `unsafe` outside the child side
//! of `spawn` lives here.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::ptr::NonNull;

/// Gives the pages of freed heap memory back to the system (glibc's `malloc_trim`;
/// a no-op elsewhere). After start-up read a large retention.dat, its freed blocks
/// lie between live ones and would otherwise stay resident for the whole run.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only walks the allocator's own free lists; it takes no
    // pointer and is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A pipe whose both ends are non-blocking and close-on-exec: (read end, write end).
pub(crate) fn pipe_nonblocking() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1; 2];
    // SAFETY: `fds` is a valid out-array of two ints.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created by the kernel and are owned by nobody.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Opens `/dev/null` read-only, close-on-exec; the caller owns the returned number.
pub(crate) fn open_devnull() -> io::Result<RawFd> {
    // SAFETY: the path is a NUL-terminated literal.
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// Clears close-on-exec on `fd` (errors ignored).
pub(crate) fn clear_cloexec(fd: RawFd) {
    // SAFETY: fcntl on a descriptor number has no memory-safety preconditions.
    unsafe {
        libc::fcntl(fd, libc::F_SETFD, 0);
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).ok().filter(|&p| p > 0).unwrap_or(4096)
}

/// Maps `len` bytes of stack memory whose lowest page is an inaccessible guard page.
pub(crate) fn map_stack(len: usize) -> io::Result<NonNull<u8>> {
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the first page lies within the mapping just created.
    if unsafe { libc::mprotect(p, page_size().min(len), libc::PROT_NONE) } != 0 {
        let e = io::Error::last_os_error();
        // SAFETY: unmapping exactly what was mapped above.
        unsafe { libc::munmap(p, len) };
        return Err(e);
    }
    NonNull::new(p.cast()).ok_or_else(|| io::Error::from_raw_os_error(libc::ENOMEM))
}

/// Unmaps a stack from [`map_stack`].
pub(crate) fn unmap_stack(base: NonNull<u8>, len: usize) {
    // SAFETY: `base`/`len` describe a mapping from map_stack that nothing uses any more.
    unsafe {
        libc::munmap(base.as_ptr().cast(), len);
    }
}

/// Blocks every signal in the calling thread while it lives; restores the mask after.
pub(crate) struct SignalsBlocked {
    old: libc::sigset_t,
}

impl SignalsBlocked {
    pub(crate) fn new() -> Self {
        // SAFETY: sigset_t is plain data; sigfillset initialises `all`, and
        // pthread_sigmask writes the previous mask into `old`.
        unsafe {
            let mut all: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
            SignalsBlocked { old }
        }
    }
}

impl Drop for SignalsBlocked {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `new`.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut());
        }
    }
}

/// Opens a pidfd for `pid` (Linux ≥ 5.3); readable once the process has exited.
pub(crate) fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall with integer arguments; on success the returned number is a
    // new file descriptor that we own (it is created with close-on-exec set).
    let r = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = RawFd::try_from(r).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
    // SAFETY: `fd` was just returned by the kernel and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Sends SIGKILL to the process group `pgid`. Errors (ESRCH: group already gone) are
/// ignored. Callers guarantee that the group leader is not yet reaped, so the id cannot
/// have been reused.
pub(crate) fn kill_group(pgid: i32) {
    if pgid <= 1 {
        return;
    }
    // SAFETY: killpg has no memory-safety preconditions.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// Result of a `waitpid` attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reap {
    /// The child was reaped with this raw wait status.
    Status(i32),
    /// The child has not exited yet (only with `nohang`).
    Running,
    /// The child does not exist any more (already reaped elsewhere) or another error.
    Gone,
}

/// Reaps `pid`, blocking unless `nohang`.
pub(crate) fn waitpid(pid: i32, nohang: bool) -> Reap {
    let flags = if nohang { libc::WNOHANG } else { 0 };
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `status` is a valid out-pointer for the duration of the call.
        let r = unsafe { libc::waitpid(pid, &mut status, flags) };
        if r == pid {
            return Reap::Status(status);
        }
        if r == 0 {
            return Reap::Running;
        }
        if io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return Reap::Gone;
    }
}

/// True if `pid` has exited (or is gone), without reaping it.
pub(crate) fn has_exited(pid: i32) -> bool {
    // SAFETY: siginfo_t is plain data; an all-zero value is valid and waitid only writes
    // into the pointer we pass.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable siginfo_t owned by this frame.
    let r = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    if r != 0 {
        // ECHILD: not our child any more; treat as exited so callers do not wait forever.
        return io::Error::last_os_error().raw_os_error() != Some(libc::EINTR);
    }
    // SAFETY: waitid filled `info` (or left it zeroed when nothing changed).
    unsafe { info.si_pid() != 0 }
}

/// One `read(2)` into `buf`.
pub(crate) fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    let r = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(r as usize)
}

/// Reads into the spare capacity of `buf` (at most `limit` bytes) without zeroing it
/// first, and extends `buf` by what was read.
pub(crate) fn read_into_spare(fd: RawFd, buf: &mut Vec<u8>, limit: usize) -> io::Result<usize> {
    let spare = buf.spare_capacity_mut();
    let len = spare.len().min(limit);
    // SAFETY: the spare capacity is valid for writes of `len` bytes; read(2) writes at
    // most that many and reports how many, and only those become part of `buf`.
    let r = unsafe { libc::read(fd, spare.as_mut_ptr().cast(), len) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    let n = r as usize;
    // SAFETY: the first `n` bytes of the spare capacity were just initialised.
    unsafe { buf.set_len(buf.len() + n) };
    Ok(n)
}

/// The C library's message for `errno` (as `strerror(3)` prints it).
pub fn strerror(errno: i32) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for `buf.len()` bytes; the XSI strerror_r writes a
    // NUL-terminated string into it.
    let r = unsafe { libc::strerror_r(errno, buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return format!("Unknown error {errno}");
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Registers an owned descriptor with the tokio reactor for readability.
pub(crate) fn register_readable(fd: OwnedFd) -> Option<tokio::io::unix::AsyncFd<OwnedFd>> {
    // SAFETY: an OwnedFd is a valid open descriptor that stays open, and keeps returning
    // the same number, for as long as the AsyncFd owns it (tokio's I/O-safety rule).
    unsafe { tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) }
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_matches_libc_texts() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EACCES), "Permission denied");
        assert_eq!(strerror(libc::EINVAL), "Invalid argument");
    }
}
