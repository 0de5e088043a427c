//! External commands through the command file (FIFO) of a running `vigil run`: a
//! malformed line, an unknown command and valid passive results are logged as Nagios
//! logs them, and vigil keeps running and keeps reading the pipe.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;

#[test]
fn command_file_lines_are_logged_and_vigil_keeps_running() {
    let t = TestDir::new();
    let objects = "\
define command {
    command_name ok
    command_line /bin/echo OK
}
define command {
    command_name eh
    command_line /bin/echo handled $SERVICESTATE$ $SERVICEOUTPUT$
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
    event_handler eh
}
";
    let cfg = write_config(&t, "", objects);
    let mut d = Daemon::start(&cfg, t.path(), &t.p("var/stderr.txt"), &[]);
    let fifo = t.p("var/vigil.cmd");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);

    // Three lines in one write, as a script would send them.
    write_fifo(
        &fifo,
        &format!(
            "this is not a command\n\
             [{now}] NO_SUCH_COMMAND;a;b\n\
             [{now}] PROCESS_SERVICE_CHECK_RESULT;h1;passive;2;PASSIVE CRIT - disk full\n"
        ),
        Duration::from_secs(15),
    );
    let alert = "SERVICE ALERT: h1;passive;CRITICAL;HARD;1;PASSIVE CRIT - disk full";
    assert!(
        wait_for(Duration::from_secs(15), || t.log().contains(alert)),
        "no '{alert}':\n{}\nstderr:\n{}",
        t.log(),
        d.stderr()
    );
    let log = t.log();
    let texts = log_texts(&log);
    let pos = |want: &str| {
        texts
            .iter()
            .position(|l| l == want)
            .unwrap_or_else(|| panic!("no log line '{want}':\n{log}"))
    };
    let malformed = pos("External command this is not a command returned error Malformed command");
    let unknown = pos("Warning: Unrecognized external command -> NO_SUCH_COMMAND;a;b");
    let unknown2 = pos(&format!(
        "External command [{now}] NO_SUCH_COMMAND;a;b returned error Unknown or unsupported command"
    ));
    let accepted =
        pos("EXTERNAL COMMAND: PROCESS_SERVICE_CHECK_RESULT;h1;passive;2;PASSIVE CRIT - disk full");
    let alert_at = pos(alert);
    // In the order they were written; the alert follows its command.
    assert!(
        malformed < unknown && unknown < unknown2 && unknown2 < accepted && accepted < alert_at
    );
    assert_eq!(
        count_lines(&log, "SERVICE EVENT HANDLER: h1;passive;CRITICAL;HARD;1;eh"),
        1,
        "{log}"
    );
    assert!(d.try_wait().is_none(), "vigil exited after bad commands");

    // A second writer (new open of the pipe) is read too: vigil still works.
    write_fifo(
        &fifo,
        &format!("[{now}] PROCESS_SERVICE_CHECK_RESULT;h1;passive;0;PASSIVE OK again\n"),
        Duration::from_secs(15),
    );
    let recovery = "SERVICE ALERT: h1;passive;OK;HARD;1;PASSIVE OK again";
    assert!(
        wait_for(Duration::from_secs(15), || t.log().contains(recovery)),
        "no '{recovery}':\n{}",
        t.log()
    );
    // Both handler runs are journaled with the passive output.
    assert!(wait_for(Duration::from_secs(10), || t.journal().len() >= 2));
    let outputs: Vec<String> = t
        .journal()
        .iter()
        .map(|e| e["output"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        outputs,
        vec![
            "handled CRITICAL PASSIVE CRIT - disk full\n".to_string(),
            "handled OK PASSIVE OK again\n".to_string()
        ]
    );

    // A passive result for an unknown service is logged, and vigil still runs.
    write_fifo(
        &fifo,
        &format!("[{now}] PROCESS_SERVICE_CHECK_RESULT;h1;nosuch;2;x\n"),
        Duration::from_secs(15),
    );
    let unknown_svc = "Warning:  Passive check result was received for service 'nosuch' on host 'h1', but the service could not be found!";
    assert!(
        wait_for(Duration::from_secs(15), || t.log().contains(unknown_svc)),
        "no '{unknown_svc}':\n{}",
        t.log()
    );
    assert!(d.try_wait().is_none(), "vigil exited");

    // A switch: with event handlers disabled, the next problem runs no handler.
    write_fifo(
        &fifo,
        &format!(
            "[{now}] DISABLE_EVENT_HANDLERS\n\
             [{now}] PROCESS_SERVICE_CHECK_RESULT;h1;passive;1;PASSIVE WARN handlers off\n"
        ),
        Duration::from_secs(15),
    );
    let warn = "SERVICE ALERT: h1;passive;WARNING;HARD;1;PASSIVE WARN handlers off";
    assert!(
        wait_for(Duration::from_secs(15), || t.log().contains(warn)),
        "no '{warn}':\n{}",
        t.log()
    );
    let log = t.log();
    assert!(
        line_index(&log, "EXTERNAL COMMAND: DISABLE_EVENT_HANDLERS;") < line_index(&log, warn),
        "{log}"
    );
    assert_eq!(
        count_lines(&log, "SERVICE EVENT HANDLER: h1;passive;WARNING"),
        0,
        "{log}"
    );

    let (status, _) = d.terminate(Duration::from_secs(10));
    assert!(status.success());
    assert!(!fifo.exists(), "command file removed at shutdown");
    assert_eq!(t.journal().len(), 2, "no handler ran while disabled");

    // The switch was retained: `vigil fire` (which applies retention.dat) runs nothing.
    let o = vigil(&[
        "fire",
        &cfg.display().to_string(),
        "h1",
        "passive",
        "--state",
        "CRITICAL",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "nothing to run: event handlers are disabled (enable_event_handlers=0)\n"
    );
    assert_eq!(t.journal().len(), 2);
}
