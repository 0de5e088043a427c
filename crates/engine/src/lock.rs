//! The lock file (`lock_file`): an exclusive `flock` held for the life of the core,
//! with the PID written into it, so a second instance on the same configuration
//! refuses to start (as Nagios does).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::EngineError;

/// The held lock; the file is removed when it is dropped.
pub struct Lock {
    path: PathBuf,
    _file: nix::fcntl::Flock<std::fs::File>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// How long a lock whose recorded owner is dead may stay held: a child process
/// the killed owner had just started still holds the lock file open until it
/// reaches its exec (then the descriptor, opened close-on-exec, goes away).
const ORPHANED_LOCK_WAIT: Duration = Duration::from_secs(10);

/// Takes the lock at `path` or says who holds it. When the PID written in the file
/// is no longer alive, the lock is only held by a process the dead owner was
/// starting, and it is retried for up to [`ORPHANED_LOCK_WAIT`].
pub fn take(path: &Path) -> Result<Lock, EngineError> {
    let deadline = Instant::now() + ORPHANED_LOCK_WAIT;
    let mut file = loop {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| EngineError::Io(format!("lock file {}", path.display()), e))?;
        match nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock) {
            Ok(f) => break f,
            Err(_) => {
                let holder = std::fs::read_to_string(path).unwrap_or_default();
                let pid = holder.trim().to_string();
                if owner_is_dead(&pid) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                return Err(EngineError::Locked {
                    path: path.to_path_buf(),
                    pid,
                });
            }
        }
    };
    let _ = file.set_len(0);
    let _ = writeln!(file, "{}", std::process::id());
    Ok(Lock {
        path: path.to_path_buf(),
        _file: file,
    })
}

/// True when `pid` names no living process.
fn owner_is_dead(pid: &str) -> bool {
    match pid.parse::<i32>() {
        Ok(p) if p > 0 => matches!(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(p), None),
            Err(nix::errno::Errno::ESRCH)
        ),
        _ => false,
    }
}

/// Raises the soft open-files limit to the hard one and returns how many checks may
/// run at once with it: each running job holds up to four descriptors (two pipes, a
/// pidfd, one transient during the spawn), and 64 stay for files and sockets.
pub fn raise_fd_limit() -> usize {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let mut soft = 1024u64;
    if let Ok((cur, max)) = getrlimit(Resource::RLIMIT_NOFILE) {
        soft = cur;
        if cur < max && setrlimit(Resource::RLIMIT_NOFILE, max, max).is_ok() {
            soft = max;
        }
    }
    let fds = usize::try_from(soft).unwrap_or(usize::MAX);
    (fds.saturating_sub(64) / 4).clamp(1, vigil_core::DEFAULT_CHECK_SLOTS)
}
