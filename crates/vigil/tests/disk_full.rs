//! When the disk says no: retention.dat and its state journal on a small tmpfs that
//! is filled up while vigil runs. vigil keeps monitoring (alerts are still logged),
//! says once, loudly, that state changes are not crash-safe, says when journal
//! writes work again, and a stop that cannot save the state exits with status 3.
//!
//! Needs root (mount). Skipped with a message otherwise, except under CI=1, where
//! not being able to run it is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;

/// A tmpfs mounted for the test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .ok()?
            .success();
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` with one file; returns its path.
fn fill(dir: &Path) -> PathBuf {
    let p = dir.join("filler");
    // dd stops with "No space left on device"; that is the point.
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=4096"])
        .arg(format!("of={}", p.display()))
        .stderr(std::process::Stdio::null())
        .status();
    p
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

const OBJECTS: &str = "\
define command {
    command_name ok
    command_line /bin/echo OK
}
define host {
    host_name h1
    max_check_attempts 1
}
define service {
    host_name h1
    service_description passive
    check_command ok
    active_checks_enabled 0
    passive_checks_enabled 1
    max_check_attempts 1
    check_interval 1
    retry_interval 1
}
";

#[test]
fn a_full_disk_is_reported_monitoring_goes_on_and_an_unsaved_stop_exits_3() {
    let is_root = nix::unistd::Uid::effective().is_root();
    if !is_root {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI=1 but not root: the full-disk test cannot mount its tmpfs"
        );
        eprintln!("skipped: needs root to mount a tmpfs");
        return;
    }
    let t = TestDir::new();
    let state_dir = t.p("state");
    let Some(_fs) = Tmpfs::mount(&state_dir, "256k") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI=1 but mount -t tmpfs failed"
        );
        eprintln!("skipped: mount -t tmpfs failed");
        return;
    };
    let retention = state_dir.join("retention.dat");
    let cfg = write_config(
        &t,
        &format!(
            "state_retention_file={}\nretention_update_interval=60\n",
            retention.display()
        ),
        OBJECTS,
    );
    // main_cfg sets its own state_retention_file first; ours comes later and wins.
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let fifo = t.p("var/vigil.cmd");
    let send = |rc: u8, text: &str| {
        write_fifo(
            &fifo,
            &format!(
                "[{}] PROCESS_SERVICE_CHECK_RESULT;h1;passive;{rc};{text}\n",
                now()
            ),
            Duration::from_secs(15),
        )
    };
    let stderr_path = t.p("var/stderr.txt");
    let wait_log = |needle: &str| {
        assert!(
            wait_for(Duration::from_secs(20), || t.log().contains(needle)),
            "no '{needle}' in the log:\n{}\nstderr:\n{}",
            t.log(),
            std::fs::read_to_string(&stderr_path).unwrap_or_default()
        );
    };

    // Journal writes work: a state change is committed.
    send(2, "first problem");
    wait_log("SERVICE ALERT: h1;passive;CRITICAL;HARD;1;first problem");
    let wal = state_dir.join("retention.dat.wal");
    assert!(wal.exists(), "the state journal is on the tmpfs");

    // Disk full: the next changes cannot be journalled, and monitoring goes on.
    let filler = fill(&state_dir);
    send(0, "back");
    wait_log("SERVICE ALERT: h1;passive;OK;HARD;1;back");
    send(1, "second problem");
    wait_log("SERVICE ALERT: h1;passive;WARNING;HARD;1;second problem");
    let error =
        "Error: state changes are not crash-safe until the state journal can be written again";
    assert_eq!(
        count_lines(&t.log(), error),
        1,
        "reported exactly once:\n{}",
        t.log()
    );
    assert!(d.stderr().contains("state changes are not crash-safe"));
    assert!(d.try_wait().is_none(), "vigil keeps running");

    // Space again: the next change is journalled and says so.
    std::fs::remove_file(&filler).expect("remove filler");
    send(2, "third problem");
    wait_log("SERVICE ALERT: h1;passive;CRITICAL;HARD;1;third problem");
    wait_log("State journal writes work again.");

    // Full again at the stop: retention.dat cannot be written either.
    let _filler = fill(&state_dir);
    send(0, "fine");
    wait_log("SERVICE ALERT: h1;passive;OK;HARD;1;fine");
    let (status, _) = d.terminate(Duration::from_secs(20));
    assert_eq!(
        status.code(),
        Some(3),
        "a stop that could not save the state exits 3; stderr:\n{}",
        d.stderr()
    );
    assert!(
        t.log()
            .contains("Error: Unable to save retention information to"),
        "{}",
        t.log()
    );
}
