//! Spawner under load with reloads in flight: 120 services every second with plugins
//! that answer at once, outlive their timeout, or kill themselves, while vigil is
//! reloaded (SIGHUP) three times. vigil keeps running, every service keeps being
//! checked after the last reload, each ending is reported as Nagios reports it, and
//! when vigil stops no process it started is left.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn reloads_during_a_busy_mixed_schedule_lose_no_service_and_leave_no_process() {
    let t = TestDir::new();
    t.script("ok", "#!/bin/sh\necho OK\nexit 0\n");
    t.script("hang", "#!/bin/sh\nexec sleep 30\n");
    t.script("suicide", "#!/bin/sh\nkill -9 $$\n");
    let mut objects = String::from(
        "define command {\n    command_name ok\n    command_line $USER1$/ok\n}\n\
         define command {\n    command_name hang\n    command_line $USER1$/hang\n}\n\
         define command {\n    command_name suicide\n    command_line $USER1$/suicide\n}\n\
         define host {\n    host_name h1\n    max_check_attempts 1\n}\n",
    );
    let kinds = ["ok", "hang", "suicide"];
    for i in 0..120 {
        let kind = kinds[i % 3];
        objects.push_str(&format!(
            "define service {{\n    host_name h1\n    service_description s{i:03}\n    \
             check_command {kind}\n    max_check_attempts 1\n    check_interval 1\n    \
             retry_interval 1\n}}\n"
        ));
    }
    let cfg = write_config(&t, "service_check_timeout=1\n", &objects);
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let started = Instant::now();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(1500));
        kill(d.pid, libc::SIGHUP);
    }
    assert!(
        wait_for(Duration::from_secs(20), || {
            count_lines(&t.log(), "Caught SIGHUP, restarting...") == 3
        }),
        "three reloads:\n{}",
        d.stderr()
    );
    let reloaded_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Every service is checked again after the last reload (status.dat, rewritten
    // every second, shows each one's last_check).
    let checked_since = |since: u64| -> usize {
        let text = t.read("var/status.dat");
        text.split("servicestatus {")
            .skip(1)
            .filter(|b| {
                b.lines()
                    .find_map(|l| l.trim().strip_prefix("last_check="))
                    .and_then(|v| v.parse::<u64>().ok())
                    .is_some_and(|v| v > since)
            })
            .count()
    };
    assert!(
        wait_for(Duration::from_secs(20), || checked_since(reloaded_at)
            == 120),
        "only {} of 120 services checked after the reloads ({:?} in):\n{}",
        checked_since(reloaded_at),
        started.elapsed(),
        d.stderr()
    );
    assert!(
        d.try_wait().is_none(),
        "vigil died under the reloads:\n{}",
        d.stderr()
    );
    // Each ending as Nagios reports it: hung plugins time out, self-killed ones end
    // UNKNOWN, the others stay quiet.
    let log = t.log();
    assert!(log.contains("Warning: Check of service 's001' on host 'h1' timed out after"));
    assert!(log.contains("SERVICE ALERT: h1;s001;CRITICAL;HARD;1;(Service check timed out after"));
    assert!(
        log.contains("SERVICE ALERT: h1;s002;UNKNOWN;HARD;1;"),
        "{log}"
    );
    assert_eq!(
        count_lines(&t.log(), "SERVICE ALERT: h1;s000;"),
        0,
        "ok stays quiet"
    );
    let (status, _) = d.terminate(Duration::from_secs(20));
    assert!(status.success(), "{}", d.stderr());
    // Nothing vigil started outlives it (hung plugins are killed with their group).
    assert!(
        wait_for(Duration::from_secs(10), || d.tagged_processes().is_empty()),
        "left over: {:?}",
        d.tagged_processes()
    );
}
