//! Load control: how many scheduled checks may be started right now, from the number
//! of tasks the machine has ready to run.
//!
//! When more checks are due than the CPUs can run (an overloaded schedule), starting
//! every one of them at once only lengthens the run queue: each plugin then takes
//! longer, hundreds of processes and pipes are alive at the same time, and every spawn
//! and exec gets slower with them. Nagios 4 has the same concern (its `loadctl`,
//! driven by the 1-minute load average). vigil looks at the instantaneous number of
//! runnable tasks (`/proc/loadavg`, fourth field) and starts scheduled checks only
//! while that is below its limit ([`RunQueue::default_limit`], two per CPU): sleeping plugins
//! (network checks waiting for an answer) do not count, so slow I/O-bound checks are
//! not held back by each other, only CPU-bound overload is. [`RunQueue::floor`] checks
//! (two per CPU) always run, and a check is never held longer than
//! [`RunQueue::MAX_HOLD`], so a machine kept busy by other work still gets all its
//! checks done, at most that much later. Event handlers and on-demand checks are
//! never held. Checks that are held stay on the schedule, so the wait shows as
//! latency.
//!
//! The short run queue is also what keeps event handlers fast on a busy machine: a
//! handler started behind dozens of runnable plugins waits for a CPU (measured on the
//! 1,000-handlers/s benchmark: p50 2.6 ms / p99 9-22 ms with 20 checks per CPU
//! always allowed, 1.5 ms / 4.6 ms with this gate).
//!
//! The reading is cached for [`RunQueue::REFRESH`]; one read is one `pread`.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

/// The machine's run queue, sampled.
pub struct RunQueue {
    file: Option<File>,
    limit: usize,
    floor: usize,
    last: Option<(Instant, usize)>,
}

impl RunQueue {
    /// How long one reading is used.
    pub const REFRESH: Duration = Duration::from_millis(1);

    /// The longest a due check is held back: after that it starts whatever the load,
    /// so that work of other programs on the machine can delay checks but never stop
    /// them.
    pub const MAX_HOLD: Duration = Duration::from_secs(5);

    /// A gate allowing up to `limit` runnable tasks (other than vigil itself), and
    /// `floor` running checks whatever the run queue. Without a readable
    /// `/proc/loadavg` it never holds anything back.
    pub fn new(limit: usize, floor: usize) -> RunQueue {
        RunQueue {
            file: File::open("/proc/loadavg").ok(),
            limit: limit.max(1),
            floor,
            last: None,
        }
    }

    /// The default limit: two runnable tasks per CPU.
    pub fn default_limit() -> usize {
        2 * cpus()
    }

    /// The default floor: two checks per CPU always run.
    pub fn default_floor() -> usize {
        2 * cpus()
    }

    /// Checks that may always run, whatever the run queue.
    pub fn floor(&self) -> usize {
        self.floor
    }

    /// How many more checks may be started now (`usize::MAX` when unknown).
    pub fn allowance(&mut self, now: Instant) -> usize {
        let running = match self.last {
            Some((at, n)) if now.saturating_duration_since(at) < Self::REFRESH => n,
            _ => match self.read() {
                Some(n) => {
                    self.last = Some((now, n));
                    n
                }
                None => return usize::MAX,
            },
        };
        self.limit.saturating_sub(running)
    }

    /// Counts `n` more tasks as started since the last reading (so that one reading
    /// does not let a burst of starts through).
    pub fn started(&mut self, n: usize) {
        if let Some((_, r)) = self.last.as_mut() {
            *r += n;
        }
    }

    fn read(&mut self) -> Option<usize> {
        let file = self.file.as_ref()?;
        let mut buf = [0u8; 128];
        let n = file.read_at(&mut buf, 0).ok()?;
        // The reader itself is one of the runnable tasks.
        parse_running(&buf[..n]).map(|r| r.saturating_sub(1))
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The number of runnable tasks in a `/proc/loadavg` line
/// (`0.52 0.58 0.59 3/421 12345`: the 3).
pub fn parse_running(line: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(line).ok()?;
    let field = text.split_ascii_whitespace().nth(3)?;
    field.split('/').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_runnable_count() {
        assert_eq!(parse_running(b"0.52 0.58 0.59 3/421 12345\n"), Some(3));
        assert_eq!(parse_running(b"12.00 8.10 4.00 17/1023 99\n"), Some(17));
        assert_eq!(parse_running(b"0.52 0.58"), None);
        assert_eq!(parse_running(b"a b c x/y z"), None);
        assert_eq!(parse_running(b""), None);
    }

    #[test]
    fn allowance_is_limit_minus_runnable_and_counts_starts() {
        let mut q = RunQueue {
            file: None,
            limit: 8,
            floor: 0,
            last: Some((Instant::now(), 3)),
        };
        let now = Instant::now();
        assert_eq!(q.allowance(now), 5);
        q.started(4);
        assert_eq!(q.allowance(now), 1);
        q.started(4);
        assert_eq!(q.allowance(now), 0);
        // A stale reading without a file: no information, nothing held back.
        assert_eq!(q.allowance(now + RunQueue::REFRESH * 2), usize::MAX);
    }

    #[test]
    fn reads_this_machine() {
        let mut q = RunQueue::new(1_000_000, 0);
        if q.file.is_some() {
            let a = q.allowance(Instant::now());
            assert!(a <= 1_000_000, "{a}");
            assert!(a > 0, "fewer than a million runnable tasks");
        }
    }
}
