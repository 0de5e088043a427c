//! Shared helpers of the `vigil` command-line integration tests: temp configs,
//! running the real binary, polling with deadlines, reading the log and the handler
//! journal, writing the command FIFO and scanning `/proc` for left-over processes.
//!
//! Every wait is a poll against a deadline; nothing asserts on a fixed sleep.

#![allow(dead_code)] // each test binary uses a different subset

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub fn vigil_bin() -> &'static str {
    env!("CARGO_BIN_EXE_vigil")
}

/// The workspace root (where the README says to run the demo from).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// Runs `vigil ARGS` to completion (with a generous deadline) and returns its output.
pub fn vigil(args: &[&str]) -> Output {
    vigil_in(None, args)
}

/// Like [`vigil`], with an optional working directory.
pub fn vigil_in(cwd: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(vigil_bin());
    cmd.args(args).stdin(Stdio::null());
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn vigil");
    // wait_with_output drains both pipes; a thread bounds the wait.
    let (tx, rx) = std::sync::mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(out) => out.expect("vigil output"),
        Err(_) => {
            kill(pid, libc::SIGKILL);
            panic!("vigil {args:?} did not finish within 60 s");
        }
    }
}

/// Stdout of an [`Output`] as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr of an [`Output`] as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Sends `sig` to `pid` (errors ignored: the process may be gone).
pub fn kill(pid: u32, sig: i32) {
    // SAFETY: plain kill(2) on a pid number.
    if let Ok(sig) = nix::sys::signal::Signal::try_from(sig) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig);
    }
}

/// True if a process with this pid exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    match proc_info(pid) {
        Some(p) => p.state != 'Z' && p.state != 'X',
        None => false,
    }
}

/// Polls `cond` every 25 ms until it is true or `timeout` passed; returns the result.
pub fn wait_for(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= end {
            return cond();
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A temporary test directory with helpers to write configs and scripts.
pub struct TestDir {
    pub dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        let dir = tempfile::Builder::new()
            .prefix("vigil-cli-")
            .tempdir()
            .expect("tempdir");
        fs::create_dir_all(dir.path().join("var")).expect("var dir");
        TestDir { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `dir/rel`.
    pub fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `dir/rel` as a string.
    pub fn s(&self, rel: &str) -> String {
        self.p(rel).display().to_string()
    }

    /// Writes a file (creating parent directories).
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.p(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, text).expect("write file");
        p
    }

    /// Writes an executable script. The file is written to a temporary name and renamed,
    /// so no other thread's fork can hold it open for writing (ETXTBSY on exec).
    pub fn script(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.p(rel);
        let tmp = self.p(&format!("{rel}.tmp-write"));
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o755)
                .custom_flags(libc::O_CLOEXEC)
                .open(&tmp)
                .expect("create script");
            f.write_all(text.as_bytes()).expect("write script");
        }
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).expect("chmod");
        fs::rename(&tmp, &p).expect("rename script");
        p
    }

    /// Reads a file, empty if missing.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.p(rel)).unwrap_or_default()
    }

    /// The log file of [`main_cfg`] configurations.
    pub fn log(&self) -> String {
        self.read("var/vigil.log")
    }

    /// The runs in the handler journal of [`main_cfg`] configurations, parsed
    /// (outcome records, `{"outcome_of": ...}`, left out).
    pub fn journal(&self) -> Vec<serde_json::Value> {
        self.read("var/vigil-handlers.jsonl")
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|e| e.get("outcome_of").is_none())
            .collect()
    }
}

/// A main configuration keeping every file under `dir/var`, one-second intervals,
/// no check spreading, retries and handlers logged; `extra` is appended.
pub fn main_cfg(t: &TestDir, extra: &str) -> String {
    let v = t.s("var");
    format!(
        "log_file={v}/vigil.log
cfg_file={d}/objects.cfg
resource_file={d}/resource.cfg
status_file={v}/status.dat
status_update_interval=1
state_retention_file={v}/retention.dat
retain_state_information=1
lock_file={v}/vigil.lock
command_file={v}/vigil.cmd
check_external_commands=1
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
log_service_retries=1
log_host_retries=1
log_event_handlers=1
log_external_commands=1
log_passive_checks=1
enable_event_handlers=1
event_handler_timeout=10
{extra}
",
        d = t.path().display()
    )
}

/// Writes `nagios.cfg` (see [`main_cfg`]), `resource.cfg` ($USER1$ = dir, $USER2$ =
/// dir/var) and `objects.cfg`; returns the path of `nagios.cfg`.
pub fn write_config(t: &TestDir, extra_main: &str, objects: &str) -> PathBuf {
    t.write(
        "resource.cfg",
        &format!("$USER1$={}\n$USER2$={}\n", t.path().display(), t.s("var")),
    );
    t.write("objects.cfg", objects);
    t.write("nagios.cfg", &main_cfg(t, extra_main))
}

/// A `vigil run` process that is killed (SIGKILL) if the test ends without stopping it.
pub struct Daemon {
    pub child: Child,
    pub pid: u32,
    pub stderr_path: PathBuf,
    pub tag: String,
}

impl Daemon {
    /// Starts `vigil run CFG` (plus `extra` args) with stderr to `dir/var/stderr.txt`
    /// and `VIGIL_IT_TAG=<unique>` in its environment (inherited by every process it
    /// starts, so left-overs can be found in `/proc`).
    pub fn start(cfg: &Path, cwd: &Path, stderr_path: &Path, extra: &[&str]) -> Daemon {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let tag = format!("{}-{seq}-{nanos}", std::process::id());
        let err = fs::File::create(stderr_path).expect("stderr file");
        let child = Command::new(vigil_bin())
            .arg("run")
            .arg(cfg)
            .args(extra)
            .current_dir(cwd)
            .env("VIGIL_IT_TAG", &tag)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(err))
            .spawn()
            .expect("spawn vigil run");
        let pid = child.id();
        Daemon {
            child,
            pid,
            stderr_path: stderr_path.to_path_buf(),
            tag,
        }
    }

    /// Exit status if it has exited.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit; returns the status and how
    /// long it took, or panics.
    pub fn terminate(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let t0 = Instant::now();
        kill(self.pid, libc::SIGTERM);
        let mut status = None;
        wait_for(timeout, || {
            status = self.try_wait();
            status.is_some()
        });
        match status {
            Some(s) => (s, t0.elapsed()),
            None => panic!(
                "vigil (pid {}) did not exit within {timeout:?} of SIGTERM; stderr:\n{}",
                self.pid,
                self.stderr()
            ),
        }
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Processes (not zombies) other than vigil itself that carry this daemon's tag.
    pub fn tagged_processes(&self) -> Vec<ProcInfo> {
        let needle = format!("VIGIL_IT_TAG={}", self.tag);
        all_processes()
            .into_iter()
            .filter(|p| p.pid != self.pid && p.state != 'Z' && p.state != 'X')
            .filter(|p| {
                fs::read(format!("/proc/{}/environ", p.pid))
                    .map(|env| env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes()))
                    .unwrap_or(false)
            })
            .collect()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            kill(self.pid, libc::SIGKILL);
            let _ = self.child.wait();
        }
        // Anything the daemon left behind (only on a failed test) goes too.
        for p in self.tagged_processes() {
            kill(p.pid, libc::SIGKILL);
        }
    }
}

/// What `/proc/<pid>/stat` says about a process.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    pub pid: u32,
    pub comm: String,
    pub state: char,
    pub ppid: u32,
    pub pgrp: u32,
    pub cmdline: String,
}

/// Reads `/proc/<pid>/stat` (and cmdline).
pub fn proc_info(pid: u32) -> Option<ProcInfo> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // comm is in parentheses and may contain spaces: split at the last ')'.
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat[open + 1..close].to_string();
    let mut rest = stat[close + 1..].split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    let pgrp = rest.next()?.parse().ok()?;
    let cmdline = fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            String::from_utf8_lossy(&b)
                .split('\0')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    Some(ProcInfo {
        pid,
        comm,
        state,
        ppid,
        pgrp,
        cmdline,
    })
}

/// Every process visible in `/proc`.
pub fn all_processes() -> Vec<ProcInfo> {
    let Ok(rd) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()))
        .filter_map(proc_info)
        .collect()
}

/// Live (non-zombie) processes in process group `pgrp`.
pub fn live_in_group(pgrp: u32) -> Vec<ProcInfo> {
    all_processes()
        .into_iter()
        .filter(|p| p.pgrp == pgrp && p.state != 'Z' && p.state != 'X')
        .collect()
}

/// Live (non-zombie) children of `ppid`.
pub fn live_children(ppid: u32) -> Vec<ProcInfo> {
    all_processes()
        .into_iter()
        .filter(|p| p.ppid == ppid && p.state != 'Z' && p.state != 'X')
        .collect()
}

/// Writes `text` to the command FIFO at `path`, waiting (up to `timeout`) until it
/// exists and has a reader. Opened non-blocking so a missing reader cannot hang the test.
pub fn write_fifo(path: &Path, text: &str, timeout: Duration) {
    let mut last_err = None;
    let mut file = None;
    wait_for(timeout, || {
        match fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            Ok(f) => {
                file = Some(f);
                true
            }
            Err(e) => {
                last_err = Some(e);
                false
            }
        }
    });
    let mut f = file.unwrap_or_else(|| {
        panic!(
            "command file {} not writable within {timeout:?}: {last_err:?}",
            path.display()
        )
    });
    f.write_all(text.as_bytes()).expect("write command file");
}

/// Index of the first log line containing `needle`.
pub fn line_index(log: &str, needle: &str) -> Option<usize> {
    log.lines().position(|l| l.contains(needle))
}

/// Number of log lines containing `needle`.
pub fn count_lines(log: &str, needle: &str) -> usize {
    log.lines().filter(|l| l.contains(needle)).count()
}

/// Log lines with the `[timestamp] ` prefix removed.
pub fn log_texts(log: &str) -> Vec<String> {
    log.lines()
        .map(|l| match l.split_once("] ") {
            Some((ts, rest)) if ts.starts_with('[') => rest.to_string(),
            _ => l.to_string(),
        })
        .collect()
}
