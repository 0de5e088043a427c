//! Running an action's program (`command` and `systemd` actions): argv, no shell,
//! stdin from /dev/null, its own process group, a timeout after which the whole group
//! is killed, and the first 8 KiB of its stdout and stderr kept.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Bytes of each output stream kept.
pub const OUTPUT_LIMIT: usize = 8192;

/// How a program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessResult {
    /// Exit code, when it exited.
    pub code: Option<i32>,
    /// Signal that ended it, when one did.
    pub signal: Option<i32>,
    /// True when it was killed for running past the timeout.
    pub timed_out: bool,
    /// Its stdout then stderr, lossily decoded, each cut at [`OUTPUT_LIMIT`].
    pub output: String,
    /// Wall time.
    pub duration: Duration,
}

impl ProcessResult {
    /// True for exit code 0 within the timeout.
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// `exit 0`, `exit 3`, `killed by signal 9`, `timed out after 2.0 s`.
    pub fn describe(&self, timeout: Duration) -> String {
        if self.timed_out {
            format!("timed out after {:.1} s", timeout.as_secs_f64())
        } else if let Some(c) = self.code {
            format!("exit {c}")
        } else if let Some(s) = self.signal {
            format!("killed by signal {s}")
        } else {
            "ended".to_string()
        }
    }

    /// The first line of the output, cut at 200 characters.
    pub fn first_line(&self) -> &str {
        let l = self
            .output
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        match l.char_indices().nth(200) {
            Some((i, _)) => &l[..i],
            None => l,
        }
    }
}

fn reader<R: Read + Send + 'static>(mut r: R, tx: mpsc::Sender<(usize, Vec<u8>)>, idx: usize) {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = OUTPUT_LIMIT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        let _ = tx.send((idx, kept));
    });
}

/// Runs `argv` with a timeout. Errors only when the program cannot be started.
pub fn run_process(argv: &[String], timeout: Duration) -> std::io::Result<ProcessResult> {
    let Some((prog, args)) = argv.split_first() else {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "empty argv",
        ));
    };
    let start = Instant::now();
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let (tx, rx) = mpsc::channel();
    if let Some(o) = child.stdout.take() {
        reader(o, tx.clone(), 0);
    }
    if let Some(e) = child.stderr.take() {
        reader(e, tx.clone(), 1);
    }
    drop(tx);
    let deadline = start + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            // The child leads its own group (process_group(0)): kill the group.
            let pgid = child.id() as libc::pid_t;
            // SAFETY: kill(2) with a negative pid signals that process group; no memory
            // is involved.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let duration = start.elapsed();
    // A program may leave a background process holding its pipes; do not wait for it
    // longer than a moment.
    let mut streams: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let grace = Instant::now() + Duration::from_millis(500);
    for _ in 0..2 {
        let left = grace.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, data)) => streams[i] = data,
            Err(_) => break,
        }
    }
    let mut output = String::from_utf8_lossy(&streams[0]).into_owned();
    let err = String::from_utf8_lossy(&streams[1]);
    if !err.is_empty() {
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        output.push_str(&err);
    }
    Ok(ProcessResult {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        output,
        duration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn exit_code_and_output() {
        let r = run_process(
            &sh("echo out; echo err >&2; exit 4"),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.code, Some(4));
        assert!(!r.success());
        assert_eq!(r.output, "out\nerr\n");
        assert_eq!(r.first_line(), "out");
        assert_eq!(r.describe(Duration::from_secs(5)), "exit 4");
    }

    #[test]
    fn timeout_kills_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("late");
        // A grandchild in the same group would write the marker after 1 s.
        let script = format!("(sleep 1; touch {}) & sleep 30", marker.display());
        let t = Instant::now();
        let r = run_process(&sh(&script), Duration::from_millis(300)).unwrap();
        assert!(r.timed_out);
        assert_eq!(r.signal, Some(libc::SIGKILL));
        assert!(t.elapsed() < Duration::from_secs(5));
        assert_eq!(
            r.describe(Duration::from_millis(300)),
            "timed out after 0.3 s"
        );
        std::thread::sleep(Duration::from_millis(1300));
        assert!(!marker.exists(), "grandchild survived the timeout");
    }

    #[test]
    fn missing_program_is_an_error() {
        let e =
            run_process(&["/nonexistent/prog".to_string()], Duration::from_secs(1)).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn output_is_capped() {
        let r = run_process(
            &sh("head -c 20000 /dev/zero | tr '\\0' x"),
            Duration::from_secs(5),
        )
        .unwrap();
        assert_eq!(r.output.len(), OUTPUT_LIMIT);
        assert!(r.success());
    }
}
