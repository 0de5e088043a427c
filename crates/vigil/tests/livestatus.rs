//! `vigil run` serving Livestatus from its `broker_module=` line: the socket (mode
//! 0660, removed at stop), another broker module reported and skipped, a `COMMAND`
//! whose effect the next query sees, the handler run it causes in the
//! `eventhandlers` table and the `vigil_last_handler_*` columns, and a stalled client
//! that holds up neither the check loop nor other clients.

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use common::*;

fn ask(path: &Path, text: &str) -> String {
    let mut s = UnixStream::connect(path).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(text.as_bytes()).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[test]
fn run_serves_livestatus_commands_handler_runs_and_skips_other_modules() {
    let t = TestDir::new();
    t.script("eh", "#!/bin/sh\necho \"handled $1 $2\"\nexit 0\n");
    let objects = "\
define command {
    command_name eh
    command_line $USER1$/eh $SERVICESTATE$ $SERVICESTATETYPE$
}
define command {
    command_name ok
    command_line /bin/true
}
define host {
    host_name h1
    max_check_attempts 1
}
define service {
    host_name h1
    service_description s1
    max_check_attempts 1
    check_command ok
    active_checks_enabled 0
    event_handler eh
}
";
    let live = t.p("var/live");
    let cfg = write_config(
        &t,
        &format!(
            "broker_module=/usr/lib64/nagios/ndomod.o config_file=/etc/ndomod.cfg\n\
             broker_module=/usr/lib/naemon/naemon-livestatus/livestatus.so {} num_client_threads=2",
            live.display()
        ),
        objects,
    );
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    assert!(
        wait_for(Duration::from_secs(10), || live.exists()),
        "no socket; stderr:\n{}",
        d.stderr()
    );
    let mode = std::fs::metadata(&live).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    let log = t.log();
    assert_eq!(
        count_lines(
            &log,
            &format!(
                "Warning: Event broker module '/usr/lib64/nagios/ndomod.o config_file=/etc/ndomod.cfg' ({}:21) not loaded: vigil does not load event broker modules",
                cfg.display()
            )
        ),
        1,
        "{log}"
    );
    assert_eq!(
        count_lines(
            &log,
            &format!(
                "Livestatus: vigil serves socket '{}' itself ({}:22)",
                live.display(),
                cfg.display()
            )
        ),
        1,
        "{log}"
    );

    // A client that sends half a request and stalls.
    let mut stalled = UnixStream::connect(&live).unwrap();
    stalled.write_all(b"GET hosts\nColumns: na").unwrap();

    // A passive CRITICAL with max_check_attempts 1 is a HARD change: the handler runs.
    ask(
        &live,
        &format!(
            "COMMAND [{}] PROCESS_SERVICE_CHECK_RESULT;h1;s1;2;broken\n\n",
            now()
        ),
    );
    assert_eq!(
        ask(
            &live,
            "GET services\nColumns: host_name description state state_type plugin_output\n\n"
        ),
        "h1;s1;2;1;broken\n"
    );
    let q = "GET eventhandlers\nColumns: host_name service_description state state_type attempt exit_code outcome global\n\n";
    assert!(
        wait_for(Duration::from_secs(10), || !ask(&live, q).is_empty()),
        "no handler run; log:\n{}",
        t.log()
    );
    assert_eq!(ask(&live, q), "h1;s1;CRITICAL;HARD;1;0;ok;0\n");
    assert_eq!(
        ask(
            &live,
            "GET services\nColumns: vigil_last_handler_exit_code vigil_last_handler_outcome\n\n"
        ),
        "0;ok\n"
    );
    // vigil's columns are additions: not part of "all columns".
    let all = ask(&live, "GET services\nLimit: 0\n\n");
    assert!(!all.contains("vigil_"), "{all}");

    // The stalled client held up nothing; it still gets its answer.
    stalled.write_all(b"me\n\n").unwrap();
    let mut out = String::new();
    stalled.read_to_string(&mut out).unwrap();
    assert_eq!(out, "h1\n");

    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    assert!(!live.exists(), "the socket is removed at stop");
}
