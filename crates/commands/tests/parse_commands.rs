//! Every command parsed with its arguments; case-insensitivity; free-text last
//! arguments; malformed and unknown commands.

use vigil_commands::{parse_command, parse_line, Command as C, CommandError};

fn cmd(text: &str) -> Result<C, CommandError> {
    let line = parse_line(text).expect("line shape");
    parse_command(&line)
}

fn ok(text: &str) -> C {
    cmd(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn malformed(text: &str) -> String {
    match cmd(text) {
        Err(CommandError::Malformed(r)) => r,
        other => panic!("{text}: expected Malformed, got {other:?}"),
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn passive_results() {
    assert_eq!(
        ok("[100] PROCESS_SERVICE_CHECK_RESULT;web1;HTTP;2;CRIT; a;b\\nline2\\\\x|t=1"),
        C::ProcessServiceCheckResult {
            host: s("web1"),
            service: s("HTTP"),
            return_code: 2,
            output: s("CRIT; a;b\nline2\\x|t=1"),
        }
    );
    assert_eq!(
        ok("[100] PROCESS_HOST_CHECK_RESULT;web1;1;DOWN;really"),
        C::ProcessHostCheckResult {
            host: s("web1"),
            return_code: 1,
            output: s("DOWN;really"),
        }
    );
    // Empty output is allowed; negative and large codes are passed on.
    assert_eq!(
        ok("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;-1;"),
        C::ProcessServiceCheckResult {
            host: s("h"),
            service: s("s"),
            return_code: -1,
            output: s(""),
        }
    );
    assert_eq!(
        ok("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;7;code seven"),
        C::ProcessServiceCheckResult {
            host: s("h"),
            service: s("s"),
            return_code: 7,
            output: s("code seven"),
        }
    );
}

#[test]
fn scheduling() {
    assert_eq!(
        ok("[1] SCHEDULE_SVC_CHECK;h;s;1700000000"),
        C::ScheduleSvcCheck {
            host: s("h"),
            service: s("s"),
            time: 1700000000,
            forced: false
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_SVC_CHECK;h;s;5"),
        C::ScheduleSvcCheck {
            host: s("h"),
            service: s("s"),
            time: 5,
            forced: true
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_CHECK;h;6"),
        C::ScheduleHostCheck {
            host: s("h"),
            time: 6,
            forced: false
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_HOST_CHECK;h;7"),
        C::ScheduleHostCheck {
            host: s("h"),
            time: 7,
            forced: true
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_SVC_CHECKS;h;8"),
        C::ScheduleHostSvcChecks {
            host: s("h"),
            time: 8,
            forced: false
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_HOST_SVC_CHECKS;h;9"),
        C::ScheduleHostSvcChecks {
            host: s("h"),
            time: 9,
            forced: true
        }
    );
}

#[test]
fn object_switches() {
    let table: Vec<(&str, C)> = vec![
        (
            "ENABLE_SVC_CHECK;h;s",
            C::EnableSvcCheck {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DISABLE_SVC_CHECK;h;s",
            C::DisableSvcCheck {
                host: s("h"),
                service: s("s"),
            },
        ),
        ("ENABLE_HOST_CHECK;h", C::EnableHostCheck { host: s("h") }),
        ("DISABLE_HOST_CHECK;h", C::DisableHostCheck { host: s("h") }),
        (
            "ENABLE_HOST_SVC_CHECKS;h",
            C::EnableHostSvcChecks { host: s("h") },
        ),
        (
            "DISABLE_HOST_SVC_CHECKS;h",
            C::DisableHostSvcChecks { host: s("h") },
        ),
        (
            "ENABLE_PASSIVE_SVC_CHECKS;h;s",
            C::EnablePassiveSvcChecks {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DISABLE_PASSIVE_SVC_CHECKS;h;s",
            C::DisablePassiveSvcChecks {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "ENABLE_PASSIVE_HOST_CHECKS;h",
            C::EnablePassiveHostChecks { host: s("h") },
        ),
        (
            "DISABLE_PASSIVE_HOST_CHECKS;h",
            C::DisablePassiveHostChecks { host: s("h") },
        ),
        (
            "ENABLE_SVC_EVENT_HANDLER;h;s",
            C::EnableSvcEventHandler {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DISABLE_SVC_EVENT_HANDLER;h;s",
            C::DisableSvcEventHandler {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "ENABLE_HOST_EVENT_HANDLER;h",
            C::EnableHostEventHandler { host: s("h") },
        ),
        (
            "DISABLE_HOST_EVENT_HANDLER;h",
            C::DisableHostEventHandler { host: s("h") },
        ),
        (
            "ENABLE_SVC_FLAP_DETECTION;h;s",
            C::EnableSvcFlapDetection {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DISABLE_SVC_FLAP_DETECTION;h;s",
            C::DisableSvcFlapDetection {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "ENABLE_HOST_FLAP_DETECTION;h",
            C::EnableHostFlapDetection { host: s("h") },
        ),
        (
            "DISABLE_HOST_FLAP_DETECTION;h",
            C::DisableHostFlapDetection { host: s("h") },
        ),
        (
            "ENABLE_SVC_NOTIFICATIONS;h;s",
            C::EnableSvcNotifications {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DISABLE_SVC_NOTIFICATIONS;h;s",
            C::DisableSvcNotifications {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "ENABLE_HOST_NOTIFICATIONS;h",
            C::EnableHostNotifications { host: s("h") },
        ),
        (
            "DISABLE_HOST_NOTIFICATIONS;h",
            C::DisableHostNotifications { host: s("h") },
        ),
        (
            "REMOVE_SVC_ACKNOWLEDGEMENT;h;s",
            C::RemoveSvcAcknowledgement {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "REMOVE_HOST_ACKNOWLEDGEMENT;h",
            C::RemoveHostAcknowledgement { host: s("h") },
        ),
        (
            "DEL_ALL_SVC_COMMENTS;h;s",
            C::DelAllSvcComments {
                host: s("h"),
                service: s("s"),
            },
        ),
        (
            "DEL_ALL_HOST_COMMENTS;h",
            C::DelAllHostComments { host: s("h") },
        ),
    ];
    for (text, want) in table {
        assert_eq!(ok(&format!("[1] {text}")), want, "{text}");
    }
}

#[test]
fn global_switches_and_program_control() {
    let table: Vec<(&str, C)> = vec![
        ("ENABLE_EVENT_HANDLERS", C::EnableEventHandlers),
        ("DISABLE_EVENT_HANDLERS", C::DisableEventHandlers),
        ("ENABLE_FLAP_DETECTION", C::EnableFlapDetection),
        ("DISABLE_FLAP_DETECTION", C::DisableFlapDetection),
        ("ENABLE_NOTIFICATIONS", C::EnableNotifications),
        ("DISABLE_NOTIFICATIONS", C::DisableNotifications),
        ("ENABLE_PERFORMANCE_DATA", C::EnablePerformanceData),
        ("DISABLE_PERFORMANCE_DATA", C::DisablePerformanceData),
        ("START_EXECUTING_SVC_CHECKS", C::StartExecutingSvcChecks),
        ("STOP_EXECUTING_SVC_CHECKS", C::StopExecutingSvcChecks),
        ("START_EXECUTING_HOST_CHECKS", C::StartExecutingHostChecks),
        ("STOP_EXECUTING_HOST_CHECKS", C::StopExecutingHostChecks),
        (
            "START_ACCEPTING_PASSIVE_SVC_CHECKS",
            C::StartAcceptingPassiveSvcChecks,
        ),
        (
            "STOP_ACCEPTING_PASSIVE_SVC_CHECKS",
            C::StopAcceptingPassiveSvcChecks,
        ),
        (
            "START_ACCEPTING_PASSIVE_HOST_CHECKS",
            C::StartAcceptingPassiveHostChecks,
        ),
        (
            "STOP_ACCEPTING_PASSIVE_HOST_CHECKS",
            C::StopAcceptingPassiveHostChecks,
        ),
        (
            "START_OBSESSING_OVER_SVC_CHECKS",
            C::StartObsessingOverSvcChecks,
        ),
        (
            "STOP_OBSESSING_OVER_SVC_CHECKS",
            C::StopObsessingOverSvcChecks,
        ),
        (
            "START_OBSESSING_OVER_HOST_CHECKS",
            C::StartObsessingOverHostChecks,
        ),
        (
            "STOP_OBSESSING_OVER_HOST_CHECKS",
            C::StopObsessingOverHostChecks,
        ),
        ("SAVE_STATE_INFORMATION", C::SaveStateInformation),
        ("READ_STATE_INFORMATION", C::ReadStateInformation),
        ("SHUTDOWN_PROGRAM", C::ShutdownProgram),
        ("SHUTDOWN_PROCESS", C::ShutdownProgram),
        ("RESTART_PROGRAM", C::RestartProgram),
        ("RESTART_PROCESS", C::RestartProgram),
    ];
    for (text, want) in table {
        assert_eq!(ok(&format!("[1] {text}")), want, "{text}");
        // A trailing ';' and ignored extra arguments do not matter.
        assert_eq!(ok(&format!("[1] {text};")), want, "{text};");
        assert_eq!(ok(&format!("[1] {text};x;y")), want, "{text};x;y");
    }
}

#[test]
fn handler_and_check_command_changes() {
    assert_eq!(
        ok("[1] CHANGE_SVC_EVENT_HANDLER;h;s;restart-svc!a b!c"),
        C::ChangeSvcEventHandler {
            host: s("h"),
            service: s("s"),
            command: s("restart-svc!a b!c"),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_HOST_EVENT_HANDLER;h;"),
        C::ChangeHostEventHandler {
            host: s("h"),
            command: s(""),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_SVC_EVENT_HANDLER;gsvc!1"),
        C::ChangeGlobalSvcEventHandler {
            command: s("gsvc!1")
        }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_SVC_EVENT_HANDLER"),
        C::ChangeGlobalSvcEventHandler { command: s("") }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_HOST_EVENT_HANDLER;ghost"),
        C::ChangeGlobalHostEventHandler {
            command: s("ghost")
        }
    );
    assert_eq!(
        ok("[1] CHANGE_SVC_CHECK_COMMAND;h;s;check_x!1"),
        C::ChangeSvcCheckCommand {
            host: s("h"),
            service: s("s"),
            command: s("check_x!1"),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_HOST_CHECK_COMMAND;h;check-host-alive"),
        C::ChangeHostCheckCommand {
            host: s("h"),
            command: s("check-host-alive"),
        }
    );
}

#[test]
fn runtime_tuning() {
    assert_eq!(
        ok("[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;h;s;7"),
        C::ChangeMaxSvcCheckAttempts {
            host: s("h"),
            service: s("s"),
            attempts: 7
        }
    );
    assert_eq!(
        ok("[1] CHANGE_NORMAL_SVC_CHECK_INTERVAL;h;s;2.5"),
        C::ChangeNormalSvcCheckInterval {
            host: s("h"),
            service: s("s"),
            interval: 2.5
        }
    );
    assert_eq!(
        ok("[1] CHANGE_RETRY_SVC_CHECK_INTERVAL;h;s;0"),
        C::ChangeRetrySvcCheckInterval {
            host: s("h"),
            service: s("s"),
            interval: 0.0
        }
    );
    assert_eq!(
        ok("[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h; 3 "),
        C::ChangeMaxHostCheckAttempts {
            host: s("h"),
            attempts: 3
        }
    );
    assert_eq!(
        ok("[1] CHANGE_NORMAL_HOST_CHECK_INTERVAL;h;10"),
        C::ChangeNormalHostCheckInterval {
            host: s("h"),
            interval: 10.0
        }
    );
    assert_eq!(
        ok("[1] CHANGE_RETRY_HOST_CHECK_INTERVAL;h;1"),
        C::ChangeRetryHostCheckInterval {
            host: s("h"),
            interval: 1.0
        }
    );
    assert_eq!(
        ok("[1] CHANGE_CUSTOM_SVC_VAR;h;s;OWNER;team b;x"),
        C::ChangeCustomSvcVar {
            host: s("h"),
            service: s("s"),
            name: s("OWNER"),
            value: s("team b;x"),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_CUSTOM_HOST_VAR;h;RACK;"),
        C::ChangeCustomHostVar {
            host: s("h"),
            name: s("RACK"),
            value: s(""),
        }
    );
}

#[test]
fn acks_comments_downtimes_notifications() {
    assert_eq!(
        ok("[1] ACKNOWLEDGE_SVC_PROBLEM;h;s;2;0;1;admin;known; issue"),
        C::AcknowledgeSvcProblem {
            host: s("h"),
            service: s("s"),
            sticky: true,
            notify: false,
            persistent: true,
            author: s("admin"),
            comment: s("known; issue"),
        }
    );
    assert_eq!(
        ok("[1] ACKNOWLEDGE_HOST_PROBLEM;h;1;1;0;me;c"),
        C::AcknowledgeHostProblem {
            host: s("h"),
            sticky: false,
            notify: true,
            persistent: false,
            author: s("me"),
            comment: s("c"),
        }
    );
    assert_eq!(
        ok("[1] ADD_SVC_COMMENT;db1;mysql;1;admin;investigating; a; b"),
        C::AddSvcComment {
            host: s("db1"),
            service: s("mysql"),
            persistent: true,
            author: s("admin"),
            comment: s("investigating; a; b"),
        }
    );
    assert_eq!(
        ok("[1] ADD_HOST_COMMENT;h;0;a;b"),
        C::AddHostComment {
            host: s("h"),
            persistent: false,
            author: s("a"),
            comment: s("b"),
        }
    );
    assert_eq!(ok("[1] DEL_SVC_COMMENT;12"), C::DelSvcComment { id: 12 });
    assert_eq!(ok("[1] DEL_HOST_COMMENT;3"), C::DelHostComment { id: 3 });
    assert_eq!(
        ok("[1] SCHEDULE_SVC_DOWNTIME;db1;disk;100;200;1;0;3600;admin;maint; window"),
        C::ScheduleSvcDowntime {
            host: s("db1"),
            service: s("disk"),
            start: 100,
            end: 200,
            fixed: true,
            trigger_id: 0,
            duration: 3600,
            author: s("admin"),
            comment: s("maint; window"),
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_DOWNTIME;h;100;200;0;4;60;a;c"),
        C::ScheduleHostDowntime {
            host: s("h"),
            start: 100,
            end: 200,
            fixed: false,
            trigger_id: 4,
            duration: 60,
            author: s("a"),
            comment: s("c"),
        }
    );
    assert_eq!(ok("[1] DEL_SVC_DOWNTIME;5"), C::DelSvcDowntime { id: 5 });
    assert_eq!(ok("[1] DEL_HOST_DOWNTIME;6"), C::DelHostDowntime { id: 6 });
    assert_eq!(
        ok("[1] SEND_CUSTOM_SVC_NOTIFICATION;h;s;3;me;hello"),
        C::SendCustomSvcNotification {
            host: s("h"),
            service: s("s"),
            options: 3,
            author: s("me"),
            comment: s("hello"),
        }
    );
    assert_eq!(
        ok("[1] SEND_CUSTOM_HOST_NOTIFICATION;h;0;me;hi"),
        C::SendCustomHostNotification {
            host: s("h"),
            options: 0,
            author: s("me"),
            comment: s("hi"),
        }
    );
    assert_eq!(
        ok("[1] PROCESS_FILE;/tmp/cmds;1"),
        C::ProcessFile {
            path: s("/tmp/cmds"),
            delete: true
        }
    );
    assert_eq!(
        ok("[1] LOG;free; text"),
        C::Log {
            text: s("free; text")
        }
    );
}

#[test]
fn names_are_case_insensitive() {
    assert_eq!(ok("[1] save_state_information"), C::SaveStateInformation);
    assert_eq!(
        ok("[1] process_service_check_result;h;s;0;ok"),
        C::ProcessServiceCheckResult {
            host: s("h"),
            service: s("s"),
            return_code: 0,
            output: s("ok"),
        }
    );
    assert_eq!(
        ok("[1] Disable_Svc_Event_Handler;H;S"),
        C::DisableSvcEventHandler {
            host: s("H"),
            service: s("S"),
        }
    );
}

#[test]
fn custom_commands() {
    assert_eq!(ok("[1] _CUSTOM_THING;x;y"), C::Custom(s("_CUSTOM_THING")));
    assert_eq!(ok("[1] _lower"), C::Custom(s("_lower")));
}

#[test]
fn unknown_names() {
    assert_eq!(cmd("[1] FOO_BAR;a;b"), Err(CommandError::Unknown));
    assert_eq!(cmd("[1] PROCESS_SERVICE_CHECK"), Err(CommandError::Unknown));
    // Exactly one character is skipped after ']': the second space stays in the name.
    assert_eq!(
        cmd("[1]  SAVE_STATE_INFORMATION"),
        Err(CommandError::Unknown)
    );
    assert!(!CommandError::Unknown.logs_accepted_line());
}

#[test]
fn missing_fields_are_malformed() {
    assert_eq!(malformed("[1] ENABLE_SVC_CHECK"), "missing host name");
    assert_eq!(
        malformed("[1] ENABLE_SVC_CHECK;db1"),
        "missing service description"
    );
    assert_eq!(
        malformed("[1] ENABLE_SVC_CHECK;db1;"),
        "empty service description"
    );
    assert_eq!(malformed("[1] ENABLE_HOST_CHECK;"), "missing host name");
    assert_eq!(malformed("[1] ENABLE_SVC_CHECK;;s"), "empty host name");
    assert_eq!(
        malformed("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;0"),
        "missing plugin output"
    );
    assert_eq!(
        malformed("[1] PROCESS_HOST_CHECK_RESULT;h"),
        "missing return code"
    );
    assert_eq!(
        malformed("[1] SCHEDULE_SVC_CHECK;h;s"),
        "missing check time"
    );
    assert_eq!(
        malformed("[1] ACKNOWLEDGE_SVC_PROBLEM;h;s;2;0;1;admin"),
        "missing comment"
    );
    assert_eq!(
        malformed("[1] SCHEDULE_HOST_DOWNTIME;h;1;2;1;0"),
        "missing duration"
    );
    assert_eq!(
        malformed("[1] CHANGE_CUSTOM_SVC_VAR;h;s;;v"),
        "empty variable name"
    );
    assert!(CommandError::Malformed(String::new()).logs_accepted_line());
}

#[test]
fn wrong_numbers_are_malformed() {
    assert_eq!(
        malformed("[1] SCHEDULE_SVC_CHECK;db1;mysql;notanumber"),
        "check time 'notanumber' is not a valid number"
    );
    assert_eq!(
        malformed("[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;db1;load;abc"),
        "max check attempts 'abc' is not a valid number"
    );
    assert_eq!(
        malformed("[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;db1;load;0"),
        "max check attempts must be at least 1"
    );
    assert_eq!(
        malformed("[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h;-2"),
        "max check attempts '-2' is not a valid number"
    );
    assert_eq!(
        malformed("[1] CHANGE_NORMAL_SVC_CHECK_INTERVAL;h;s;-1"),
        "check interval '-1' must be a non-negative number"
    );
    assert_eq!(
        malformed("[1] CHANGE_RETRY_HOST_CHECK_INTERVAL;h;NaN"),
        "check interval 'NaN' must be a non-negative number"
    );
    assert_eq!(
        malformed("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;x;out"),
        "return code 'x' is not a valid number"
    );
    assert_eq!(
        malformed("[1] PROCESS_HOST_CHECK_RESULT;h;99999999999;out"),
        "return code '99999999999' is not a valid number"
    );
    assert_eq!(
        malformed("[1] DEL_SVC_DOWNTIME;5;extra"),
        "downtime id '5;extra' is not a valid number"
    );
    assert_eq!(
        malformed("[1] ADD_HOST_COMMENT;h;yes;a;c"),
        "persistent flag 'yes' is not a valid number"
    );
}

#[test]
fn last_argument_keeps_the_rest_of_the_line() {
    // A service description is the last argument of ENABLE_SVC_CHECK: it keeps ';'.
    assert_eq!(
        ok("[1] ENABLE_SVC_CHECK;h;a;b"),
        C::EnableSvcCheck {
            host: s("h"),
            service: s("a;b"),
        }
    );
}
