//! Loop protection: a cooldown per object and a maximum number of runs per object in
//! a sliding window. [`decide`] is the pure rule; [`StateStore`] keeps the run times
//! in a JSON file and makes check-and-record atomic across concurrent handler
//! processes with an exclusive `flock` on `<state_file>.lock` (the state itself is
//! replaced by rename, so a crash never leaves it half written).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Run times older than this are forgotten whatever the rule says.
const FORGET_AFTER_MS: u64 = 30 * 86_400_000;

/// A rule's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// No second run for the same object within this time (zero: none).
    pub cooldown: Duration,
    /// At most this many runs for the same object within `window`.
    pub max_runs: Option<u32>,
    /// The rate-limit window.
    pub window: Duration,
}

impl Policy {
    /// True when the policy needs remembered run times.
    pub fn needs_state(&self) -> bool {
        !self.cooldown.is_zero() || self.max_runs.is_some()
    }

    /// How long run times matter to this policy.
    fn horizon_ms(&self) -> u64 {
        let c = self.cooldown.as_millis() as u64;
        let w = if self.max_runs.is_some() {
            self.window.as_millis() as u64
        } else {
            0
        };
        c.max(w)
    }
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead.
    Run,
    /// The last run was too recent.
    Cooldown {
        /// When the object's last run started (Unix ms).
        last_run_ms: u64,
        /// How long until the cooldown ends.
        remaining: Duration,
    },
    /// Too many runs in the window.
    RateLimited {
        /// Runs inside the window.
        runs: u32,
        /// The limit.
        max_runs: u32,
        /// The window.
        window: Duration,
    },
}

/// Decides from the object's past run times (Unix ms, any order) whether it may run
/// at `now_ms`. The cooldown is checked first.
pub fn decide(runs: &[u64], policy: &Policy, now_ms: u64) -> Verdict {
    if !policy.cooldown.is_zero() {
        if let Some(&last) = runs.iter().max() {
            let cd = policy.cooldown.as_millis() as u64;
            let age = now_ms.saturating_sub(last);
            if age < cd {
                return Verdict::Cooldown {
                    last_run_ms: last,
                    remaining: Duration::from_millis(cd - age),
                };
            }
        }
    }
    if let Some(max) = policy.max_runs {
        let w = policy.window.as_millis() as u64;
        let since = now_ms.saturating_sub(w);
        let n = runs.iter().filter(|&&t| t > since).count() as u32;
        if n >= max {
            return Verdict::RateLimited {
                runs: n,
                max_runs: max,
                window: policy.window,
            };
        }
    }
    Verdict::Run
}

/// Why the state could not be used. A handler that cannot check its policy does not
/// act.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// I/O on the state or lock file.
    #[error("policy state {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The state file is not what this program writes.
    #[error("policy state {path} is corrupt: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The parse error.
        message: String,
    },
}

#[derive(Serialize, Deserialize, Default)]
struct StateDoc {
    version: u32,
    /// Object key -> start times of its runs (Unix ms).
    objects: BTreeMap<String, Vec<u64>>,
}

/// The policy state file.
#[derive(Debug, Clone)]
pub struct StateStore {
    path: PathBuf,
}

/// An exclusive `flock` held until dropped (closing the descriptor releases it).
struct Lock {
    _file: File,
}

fn lock(path: &Path) -> Result<Lock, PolicyError> {
    let io = |source| PolicyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    loop {
        // SAFETY: flock on a descriptor this function owns; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(Lock { _file: file });
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(io(e));
        }
    }
}

impl StateStore {
    /// The store kept in `path` (lock file `path` + `.lock`).
    pub fn new(path: impl Into<PathBuf>) -> StateStore {
        StateStore { path: path.into() }
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        let mut s = self.path.clone().into_os_string();
        s.push(".lock");
        PathBuf::from(s)
    }

    fn read(&self) -> Result<StateDoc, PolicyError> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) if t.trim().is_empty() => Ok(StateDoc::default()),
            Ok(t) => serde_json::from_str(&t).map_err(|e| PolicyError::Corrupt {
                path: self.path.clone(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StateDoc::default()),
            Err(source) => Err(PolicyError::Io {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write(&self, doc: &StateDoc) -> Result<(), PolicyError> {
        let io = |source| PolicyError::Io {
            path: self.path.clone(),
            source,
        };
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(format!(".tmp.{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        let text = serde_json::to_string(doc).unwrap_or_default();
        let mut f = File::create(&tmp).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        std::fs::rename(&tmp, &self.path).map_err(io)
    }

    /// Under the lock: decides for `key` at `now_ms` and, when the answer is
    /// [`Verdict::Run`] and `record` is true, records the run before the lock is
    /// released — so of many concurrent callers for one object, only as many run as
    /// the policy allows.
    pub fn check_and_record(
        &self,
        key: &str,
        policy: &Policy,
        now_ms: u64,
        record: bool,
    ) -> Result<Verdict, PolicyError> {
        if !policy.needs_state() {
            return Ok(Verdict::Run);
        }
        let _lock = lock(&self.lock_path())?;
        let mut doc = self.read()?;
        let runs = doc.objects.get(key).cloned().unwrap_or_default();
        let verdict = decide(&runs, policy, now_ms);
        if verdict == Verdict::Run && record {
            let horizon = policy.horizon_ms();
            let mut kept: Vec<u64> = runs
                .into_iter()
                .filter(|&t| now_ms.saturating_sub(t) < horizon)
                .collect();
            kept.push(now_ms);
            doc.objects.insert(key.to_string(), kept);
            doc.objects.retain(|_, v| {
                v.iter()
                    .any(|&t| now_ms.saturating_sub(t) < FORGET_AFTER_MS)
            });
            doc.version = 1;
            self.write(&doc)?;
        }
        Ok(verdict)
    }

    /// What [`StateStore::check_and_record`] would decide, for a dry run: reads the
    /// state file without taking the lock and writes nothing, so it works where the
    /// state's directory is missing or not writable (no state file: no earlier runs).
    pub fn peek(&self, key: &str, policy: &Policy, now_ms: u64) -> Result<Verdict, PolicyError> {
        if !policy.needs_state() {
            return Ok(Verdict::Run);
        }
        let doc = self.read()?;
        let runs = doc.objects.get(key).cloned().unwrap_or_default();
        Ok(decide(&runs, policy, now_ms))
    }

    /// The recorded run times of `key` (Unix ms), read under the lock.
    pub fn runs(&self, key: &str) -> Result<Vec<u64>, PolicyError> {
        let _lock = lock(&self.lock_path())?;
        Ok(self.read()?.objects.get(key).cloned().unwrap_or_default())
    }
}

/// The policy key of an object under a rule: `rule|host|service` (service empty for
/// host events).
pub fn object_key(rule: &str, host: &str, service: Option<&str>) -> String {
    format!("{rule}|{host}|{}", service.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1000;

    fn pol(cooldown: u64, max: Option<u32>, window: u64) -> Policy {
        Policy {
            cooldown: Duration::from_secs(cooldown),
            max_runs: max,
            window: Duration::from_secs(window),
        }
    }

    #[test]
    fn no_policy_always_runs() {
        let p = Policy::default();
        assert!(!p.needs_state());
        assert_eq!(decide(&[1, 2, 3], &p, 4), Verdict::Run);
    }

    #[test]
    fn cooldown() {
        let p = pol(60, None, 0);
        let t0 = 1_000_000 * S;
        assert_eq!(decide(&[], &p, t0), Verdict::Run);
        assert_eq!(
            decide(&[t0], &p, t0 + 59 * S),
            Verdict::Cooldown {
                last_run_ms: t0,
                remaining: Duration::from_secs(1)
            }
        );
        assert_eq!(decide(&[t0], &p, t0 + 60 * S), Verdict::Run);
        // The latest run counts, whatever the order.
        assert!(matches!(
            decide(&[t0 + 30 * S, t0], &p, t0 + 70 * S),
            Verdict::Cooldown { last_run_ms, .. } if last_run_ms == t0 + 30 * S
        ));
        // A clock that went backwards is still inside the cooldown.
        assert!(matches!(
            decide(&[t0], &p, t0 - 5 * S),
            Verdict::Cooldown { .. }
        ));
    }

    #[test]
    fn rate_limit_sliding_window() {
        let p = pol(0, Some(3), 3600);
        let t0 = 10_000_000 * S;
        let runs = [t0, t0 + 600 * S, t0 + 1200 * S];
        assert_eq!(decide(&runs[..2], &p, t0 + 1800 * S), Verdict::Run);
        assert_eq!(
            decide(&runs, &p, t0 + 1800 * S),
            Verdict::RateLimited {
                runs: 3,
                max_runs: 3,
                window: Duration::from_secs(3600)
            }
        );
        // One hour after the first run it has left the window.
        assert_eq!(decide(&runs, &p, t0 + 3600 * S), Verdict::Run);
    }

    #[test]
    fn cooldown_checked_before_rate_limit() {
        let p = pol(60, Some(1), 3600);
        let t0 = 5_000_000 * S;
        assert!(matches!(
            decide(&[t0], &p, t0 + S),
            Verdict::Cooldown { .. }
        ));
        assert!(matches!(
            decide(&[t0], &p, t0 + 120 * S),
            Verdict::RateLimited { runs: 1, .. }
        ));
    }

    #[test]
    fn store_records_prunes_and_separates_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::new(dir.path().join("state.json"));
        let p = pol(60, Some(2), 600);
        let t0 = 7_000_000 * S;
        let a = object_key("r", "web01", Some("nginx"));
        let b = object_key("r", "web02", Some("nginx"));
        assert_eq!(a, "r|web01|nginx");
        assert_eq!(
            store.check_and_record(&a, &p, t0, true).unwrap(),
            Verdict::Run
        );
        assert!(matches!(
            store.check_and_record(&a, &p, t0 + S, true).unwrap(),
            Verdict::Cooldown { .. }
        ));
        // Another object is independent.
        assert_eq!(
            store.check_and_record(&b, &p, t0 + S, true).unwrap(),
            Verdict::Run
        );
        assert_eq!(
            store.check_and_record(&a, &p, t0 + 61 * S, true).unwrap(),
            Verdict::Run
        );
        assert!(matches!(
            store.check_and_record(&a, &p, t0 + 122 * S, true).unwrap(),
            Verdict::RateLimited { runs: 2, .. }
        ));
        assert_eq!(store.runs(&a).unwrap(), vec![t0, t0 + 61 * S]);
        // After the window, old runs are pruned when a new one is recorded.
        // The horizon is max(cooldown, window) = 600 s: t0 goes, t0+61 stays.
        assert_eq!(
            store.check_and_record(&a, &p, t0 + 650 * S, true).unwrap(),
            Verdict::Run
        );
        assert_eq!(store.runs(&a).unwrap(), vec![t0 + 61 * S, t0 + 650 * S]);
        // Not recording (dry run) changes nothing.
        assert_eq!(
            store.check_and_record(&b, &p, t0 + 900 * S, false).unwrap(),
            Verdict::Run
        );
        assert_eq!(store.runs(&b).unwrap(), vec![t0 + S]);
    }

    #[test]
    fn corrupt_state_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{not json").unwrap();
        let store = StateStore::new(&path);
        let e = store
            .check_and_record("k", &pol(60, None, 0), 1, true)
            .unwrap_err();
        assert!(e
            .to_string()
            .starts_with(&format!("policy state {} is corrupt: ", path.display())));
    }
}
