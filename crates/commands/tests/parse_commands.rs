//! Every command parsed with its arguments; case-insensitivity; free-text last
//! arguments; malformed and unknown commands. (The cases that changed with the
//! Nagios 4.4.6 argument rules say so; all_commands.rs covers every name.)

use vigil_commands::{
    parse_command, parse_line, Command as C, CommandError, HandlerSlot, IntervalKind, ModAttr,
    Note, NotificationOptions, Object, ObjectKind, ObjectSwitch as O, ProgramSwitch as P, Target,
    VarOwner,
};

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

fn svc(h: &str, d: &str) -> Object {
    Object::Service {
        host: s(h),
        service: s(d),
    }
}

fn host(h: &str) -> Object {
    Object::Host(s(h))
}

fn switch(switch: O, target: Target, enable: bool) -> C {
    C::Switch {
        switch,
        target,
        enable,
        note: None,
    }
}

fn on_svc(h: &str, d: &str) -> Target {
    Target::Object(svc(h, d))
}

fn on_host(h: &str) -> Target {
    Target::Object(host(h))
}

#[test]
fn passive_results() {
    assert_eq!(
        ok("[100] PROCESS_SERVICE_CHECK_RESULT;web1;HTTP;2;CRIT; a;b\\nline2\\\\x|t=1"),
        C::ProcessCheckResult {
            object: svc("web1", "HTTP"),
            return_code: 2,
            output: s("CRIT; a;b\nline2\\x|t=1"),
        }
    );
    assert_eq!(
        ok("[100] PROCESS_HOST_CHECK_RESULT;web1;1;DOWN;really"),
        C::ProcessCheckResult {
            object: host("web1"),
            return_code: 1,
            output: s("DOWN;really"),
        }
    );
    // Empty output is allowed; negative and large codes are passed on.
    assert_eq!(
        ok("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;-1;"),
        C::ProcessCheckResult {
            object: svc("h", "s"),
            return_code: -1,
            output: s(""),
        }
    );
    assert_eq!(
        ok("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;7;code seven"),
        C::ProcessCheckResult {
            object: svc("h", "s"),
            return_code: 7,
            output: s("code seven"),
        }
    );
}

#[test]
fn scheduling() {
    let check = |target, time, forced| C::ScheduleCheck {
        target,
        time,
        forced,
        note: None,
    };
    assert_eq!(
        ok("[1] SCHEDULE_SVC_CHECK;h;s;1700000000"),
        check(on_svc("h", "s"), 1700000000, false)
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_SVC_CHECK;h;s;5"),
        check(on_svc("h", "s"), 5, true)
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_CHECK;h;6"),
        check(on_host("h"), 6, false)
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_HOST_CHECK;h;7"),
        check(on_host("h"), 7, true)
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_SVC_CHECKS;h;8"),
        check(Target::HostServices(s("h")), 8, false)
    );
    assert_eq!(
        ok("[1] SCHEDULE_FORCED_HOST_SVC_CHECKS;h;9"),
        check(Target::HostServices(s("h")), 9, true)
    );
}

#[test]
fn object_switches() {
    let hs = || Target::HostServices(s("h"));
    let table: Vec<(&str, C)> = vec![
        (
            "ENABLE_SVC_CHECK;h;s",
            switch(O::ActiveChecks, on_svc("h", "s"), true),
        ),
        (
            "DISABLE_SVC_CHECK;h;s",
            switch(O::ActiveChecks, on_svc("h", "s"), false),
        ),
        (
            "ENABLE_HOST_CHECK;h",
            switch(O::ActiveChecks, on_host("h"), true),
        ),
        (
            "DISABLE_HOST_CHECK;h",
            switch(O::ActiveChecks, on_host("h"), false),
        ),
        (
            "ENABLE_HOST_SVC_CHECKS;h",
            switch(O::ActiveChecks, hs(), true),
        ),
        (
            "DISABLE_HOST_SVC_CHECKS;h",
            switch(O::ActiveChecks, hs(), false),
        ),
        (
            "ENABLE_PASSIVE_SVC_CHECKS;h;s",
            switch(O::PassiveChecks, on_svc("h", "s"), true),
        ),
        (
            "DISABLE_PASSIVE_SVC_CHECKS;h;s",
            switch(O::PassiveChecks, on_svc("h", "s"), false),
        ),
        (
            "ENABLE_PASSIVE_HOST_CHECKS;h",
            switch(O::PassiveChecks, on_host("h"), true),
        ),
        (
            "DISABLE_PASSIVE_HOST_CHECKS;h",
            switch(O::PassiveChecks, on_host("h"), false),
        ),
        (
            "ENABLE_SVC_EVENT_HANDLER;h;s",
            switch(O::EventHandler, on_svc("h", "s"), true),
        ),
        (
            "DISABLE_SVC_EVENT_HANDLER;h;s",
            switch(O::EventHandler, on_svc("h", "s"), false),
        ),
        (
            "ENABLE_HOST_EVENT_HANDLER;h",
            switch(O::EventHandler, on_host("h"), true),
        ),
        (
            "DISABLE_HOST_EVENT_HANDLER;h",
            switch(O::EventHandler, on_host("h"), false),
        ),
        (
            "ENABLE_SVC_FLAP_DETECTION;h;s",
            switch(O::FlapDetection, on_svc("h", "s"), true),
        ),
        (
            "DISABLE_SVC_FLAP_DETECTION;h;s",
            switch(O::FlapDetection, on_svc("h", "s"), false),
        ),
        (
            "ENABLE_HOST_FLAP_DETECTION;h",
            switch(O::FlapDetection, on_host("h"), true),
        ),
        (
            "DISABLE_HOST_FLAP_DETECTION;h",
            switch(O::FlapDetection, on_host("h"), false),
        ),
        (
            "ENABLE_SVC_NOTIFICATIONS;h;s",
            switch(O::Notifications, on_svc("h", "s"), true),
        ),
        (
            "DISABLE_SVC_NOTIFICATIONS;h;s",
            switch(O::Notifications, on_svc("h", "s"), false),
        ),
        (
            "ENABLE_HOST_NOTIFICATIONS;h",
            switch(O::Notifications, on_host("h"), true),
        ),
        (
            "DISABLE_HOST_NOTIFICATIONS;h",
            switch(O::Notifications, on_host("h"), false),
        ),
        (
            "REMOVE_SVC_ACKNOWLEDGEMENT;h;s",
            C::RemoveAcknowledgement {
                object: svc("h", "s"),
            },
        ),
        (
            "REMOVE_HOST_ACKNOWLEDGEMENT;h",
            C::RemoveAcknowledgement { object: host("h") },
        ),
        (
            "DEL_ALL_SVC_COMMENTS;h;s",
            C::DeleteAllComments {
                object: svc("h", "s"),
            },
        ),
        (
            "DEL_ALL_HOST_COMMENTS;h",
            C::DeleteAllComments { object: host("h") },
        ),
    ];
    for (text, want) in table {
        assert_eq!(ok(&format!("[1] {text}")), want, "{text}");
    }
}

#[test]
fn global_switches_and_program_control() {
    let table: Vec<(&str, C)> = vec![
        ("ENABLE_EVENT_HANDLERS", prog(P::EventHandlers, true)),
        ("DISABLE_EVENT_HANDLERS", prog(P::EventHandlers, false)),
        ("ENABLE_FLAP_DETECTION", prog(P::FlapDetection, true)),
        ("DISABLE_FLAP_DETECTION", prog(P::FlapDetection, false)),
        ("ENABLE_NOTIFICATIONS", prog(P::Notifications, true)),
        ("DISABLE_NOTIFICATIONS", prog(P::Notifications, false)),
        ("ENABLE_PERFORMANCE_DATA", prog(P::PerformanceData, true)),
        ("DISABLE_PERFORMANCE_DATA", prog(P::PerformanceData, false)),
        ("START_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, true)),
        ("STOP_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, false)),
        ("START_EXECUTING_HOST_CHECKS", prog(P::HostChecks, true)),
        ("STOP_EXECUTING_HOST_CHECKS", prog(P::HostChecks, false)),
        (
            "START_ACCEPTING_PASSIVE_SVC_CHECKS",
            prog(P::PassiveServiceChecks, true),
        ),
        (
            "STOP_ACCEPTING_PASSIVE_SVC_CHECKS",
            prog(P::PassiveServiceChecks, false),
        ),
        (
            "START_ACCEPTING_PASSIVE_HOST_CHECKS",
            prog(P::PassiveHostChecks, true),
        ),
        (
            "STOP_ACCEPTING_PASSIVE_HOST_CHECKS",
            prog(P::PassiveHostChecks, false),
        ),
        (
            "START_OBSESSING_OVER_SVC_CHECKS",
            prog(P::ObsessOverServices, true),
        ),
        (
            "STOP_OBSESSING_OVER_SVC_CHECKS",
            prog(P::ObsessOverServices, false),
        ),
        (
            "START_OBSESSING_OVER_HOST_CHECKS",
            prog(P::ObsessOverHosts, true),
        ),
        (
            "STOP_OBSESSING_OVER_HOST_CHECKS",
            prog(P::ObsessOverHosts, false),
        ),
        ("SAVE_STATE_INFORMATION", C::SaveStateInformation),
        ("READ_STATE_INFORMATION", C::ReadStateInformation),
    ];
    for (text, want) in table {
        assert_eq!(ok(&format!("[1] {text}")), want, "{text}");
        // A trailing ';' and ignored extra arguments do not matter.
        assert_eq!(ok(&format!("[1] {text};")), want, "{text};");
        assert_eq!(ok(&format!("[1] {text};x;y")), want, "{text};x;y");
    }
    // Shutdown and restart take an optional time (Nagios cmd_signal_process reads
    // the rest of the line with strtoul): absent or empty = now, garbage refused.
    type Make = fn(Option<i64>) -> C;
    let table: Vec<(&str, Make)> = vec![
        ("SHUTDOWN_PROGRAM", |at| C::Shutdown { at }),
        ("SHUTDOWN_PROCESS", |at| C::Shutdown { at }),
        ("RESTART_PROGRAM", |at| C::Restart { at }),
        ("RESTART_PROCESS", |at| C::Restart { at }),
    ];
    for (text, want) in table {
        assert_eq!(ok(&format!("[1] {text}")), want(None), "{text}");
        assert_eq!(ok(&format!("[1] {text};")), want(None), "{text};");
        assert_eq!(
            ok(&format!("[1] {text};1700000000")),
            want(Some(1700000000)),
            "{text};1700000000"
        );
        assert_eq!(
            malformed(&format!("[1] {text};x;y")),
            "scheduled time 'x;y' is not a valid number"
        );
    }
}

fn prog(switch: P, enable: bool) -> C {
    C::ProgramSwitch { switch, enable }
}

#[test]
fn handler_and_check_command_changes() {
    assert_eq!(
        ok("[1] CHANGE_SVC_EVENT_HANDLER;h;s;restart-svc!a b!c"),
        C::ChangeEventHandler {
            slot: HandlerSlot::Object(svc("h", "s")),
            command: s("restart-svc!a b!c"),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_HOST_EVENT_HANDLER;h;"),
        C::ChangeEventHandler {
            slot: HandlerSlot::Object(host("h")),
            command: s(""),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_SVC_EVENT_HANDLER;gsvc!1"),
        C::ChangeEventHandler {
            slot: HandlerSlot::GlobalService,
            command: s("gsvc!1")
        }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_SVC_EVENT_HANDLER"),
        C::ChangeEventHandler {
            slot: HandlerSlot::GlobalService,
            command: s("")
        }
    );
    assert_eq!(
        ok("[1] CHANGE_GLOBAL_HOST_EVENT_HANDLER;ghost"),
        C::ChangeEventHandler {
            slot: HandlerSlot::GlobalHost,
            command: s("ghost")
        }
    );
    assert_eq!(
        ok("[1] CHANGE_SVC_CHECK_COMMAND;h;s;check_x!1"),
        C::ChangeCheckCommand {
            object: svc("h", "s"),
            command: s("check_x!1"),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_HOST_CHECK_COMMAND;h;check-host-alive"),
        C::ChangeCheckCommand {
            object: host("h"),
            command: s("check-host-alive"),
        }
    );
}

#[test]
fn runtime_tuning() {
    let interval = |object, kind, interval| C::ChangeCheckInterval {
        object,
        kind,
        interval,
    };
    assert_eq!(
        ok("[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;h;s;7"),
        C::ChangeMaxCheckAttempts {
            object: svc("h", "s"),
            attempts: 7
        }
    );
    // Nagios 4.4.6 reads intervals with (int)strtod: 2.5 is 2 (status.dat of a
    // live run showed check_interval=2.000000).
    assert_eq!(
        ok("[1] CHANGE_NORMAL_SVC_CHECK_INTERVAL;h;s;2.5"),
        interval(svc("h", "s"), IntervalKind::Normal, 2)
    );
    assert_eq!(
        ok("[1] CHANGE_RETRY_SVC_CHECK_INTERVAL;h;s;0"),
        interval(svc("h", "s"), IntervalKind::Retry, 0)
    );
    assert_eq!(
        ok("[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h; 3 "),
        C::ChangeMaxCheckAttempts {
            object: host("h"),
            attempts: 3
        }
    );
    assert_eq!(
        ok("[1] CHANGE_NORMAL_HOST_CHECK_INTERVAL;h;10"),
        interval(host("h"), IntervalKind::Normal, 10)
    );
    assert_eq!(
        ok("[1] CHANGE_RETRY_HOST_CHECK_INTERVAL;h;1"),
        interval(host("h"), IntervalKind::Retry, 1)
    );
    // The value ends at the next ';' (Nagios: `my_strtok(NULL, ";")`; a live run
    // of `CHANGE_CUSTOM_HOST_VAR;h2;rack;a;b` set `a`).
    assert_eq!(
        ok("[1] CHANGE_CUSTOM_SVC_VAR;h;s;OWNER;team b;x"),
        C::ChangeCustomVar {
            owner: VarOwner::Object(svc("h", "s")),
            name: s("OWNER"),
            value: s("team b"),
        }
    );
    // An empty value at the end is no value: Nagios fails the command.
    assert_eq!(
        malformed("[1] CHANGE_CUSTOM_HOST_VAR;h;RACK;"),
        "empty variable value"
    );
    assert_eq!(
        ok("[1] CHANGE_CUSTOM_HOST_VAR;h;RACK;;"),
        C::ChangeCustomVar {
            owner: VarOwner::Object(host("h")),
            name: s("RACK"),
            value: s(""),
        }
    );
    assert_eq!(
        ok("[1] CHANGE_HOST_MODATTR;h;0"),
        C::ChangeModAttr {
            owner: vigil_commands::ModAttrOwner::Object(host("h")),
            value: ModAttr::empty(),
        }
    );
}

#[test]
fn acks_comments_downtimes_notifications() {
    assert_eq!(
        ok("[1] ACKNOWLEDGE_SVC_PROBLEM;h;s;2;0;1;admin;known; issue"),
        C::Acknowledge {
            object: svc("h", "s"),
            sticky: true,
            notify: false,
            persistent: true,
            author: s("admin"),
            comment: s("known; issue"),
        }
    );
    assert_eq!(
        ok("[1] ACKNOWLEDGE_HOST_PROBLEM;h;1;1;0;me;c"),
        C::Acknowledge {
            object: host("h"),
            sticky: false,
            notify: true,
            persistent: false,
            author: s("me"),
            comment: s("c"),
        }
    );
    assert_eq!(
        ok("[1] ADD_SVC_COMMENT;db1;mysql;1;admin;investigating; a; b"),
        C::AddComment {
            object: svc("db1", "mysql"),
            persistent: true,
            author: s("admin"),
            comment: s("investigating; a; b"),
        }
    );
    assert_eq!(
        ok("[1] ADD_HOST_COMMENT;h;0;a;b"),
        C::AddComment {
            object: host("h"),
            persistent: false,
            author: s("a"),
            comment: s("b"),
        }
    );
    assert_eq!(
        ok("[1] DEL_SVC_COMMENT;12"),
        C::DeleteComment {
            kind: ObjectKind::Service,
            id: 12
        }
    );
    assert_eq!(
        ok("[1] DEL_HOST_COMMENT;3"),
        C::DeleteComment {
            kind: ObjectKind::Host,
            id: 3
        }
    );
    // The downtime comment ends at the next ';' (a live Nagios 4.4.6 run of
    // `...;a;fixed;with semi` stored the comment `fixed`), and a fixed downtime
    // lasts end - start whatever duration is given (cmd_schedule_downtime).
    assert_eq!(
        ok("[1] SCHEDULE_SVC_DOWNTIME;db1;disk;100;200;1;0;3600;admin;maint; window"),
        C::ScheduleDowntime {
            target: on_svc("db1", "disk"),
            start: 100,
            end: 200,
            fixed: true,
            trigger_id: 0,
            duration: 100,
            author: s("admin"),
            comment: s("maint"),
            trigger_children: false,
        }
    );
    assert_eq!(
        ok("[1] SCHEDULE_HOST_DOWNTIME;h;100;200;0;4;60;a;c"),
        C::ScheduleDowntime {
            target: on_host("h"),
            start: 100,
            end: 200,
            fixed: false,
            trigger_id: 4,
            duration: 60,
            author: s("a"),
            comment: s("c"),
            trigger_children: false,
        }
    );
    assert_eq!(
        ok("[1] DEL_SVC_DOWNTIME;5"),
        C::DeleteDowntime {
            kind: ObjectKind::Service,
            id: 5
        }
    );
    assert_eq!(
        ok("[1] DEL_HOST_DOWNTIME;6"),
        C::DeleteDowntime {
            kind: ObjectKind::Host,
            id: 6
        }
    );
    assert_eq!(
        ok("[1] SEND_CUSTOM_SVC_NOTIFICATION;h;s;3;me;hello"),
        C::SendCustomNotification {
            object: svc("h", "s"),
            options: NotificationOptions::BROADCAST | NotificationOptions::FORCED,
            author: s("me"),
            comment: s("hello"),
            note: None,
        }
    );
    assert_eq!(
        ok("[1] SEND_CUSTOM_HOST_NOTIFICATION;h;0;me;hi"),
        C::SendCustomNotification {
            object: host("h"),
            options: NotificationOptions::empty(),
            author: s("me"),
            comment: s("hi"),
            note: None,
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
        C::ProcessCheckResult {
            object: svc("h", "s"),
            return_code: 0,
            output: s("ok"),
        }
    );
    assert_eq!(
        ok("[1] Disable_Svc_Event_Handler;H;S"),
        switch(O::EventHandler, on_svc("H", "S"), false)
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
    // Nagios 4.4.6 accepts a passive result without output (empty output; a live
    // run logged the result), so only the code is required.
    assert_eq!(
        ok("[1] PROCESS_SERVICE_CHECK_RESULT;h;s;0"),
        C::ProcessCheckResult {
            object: svc("h", "s"),
            return_code: 0,
            output: s(""),
        }
    );
    assert_eq!(
        malformed("[1] PROCESS_SERVICE_CHECK_RESULT;h;s"),
        "missing return code"
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
fn fields_end_at_semicolons_except_the_rest_of_line_arguments() {
    // A service description ends at ';' (Nagios `my_strtok(NULL, ";")`); what
    // follows is the optional author;comment pair, here only an author (no note).
    assert_eq!(
        ok("[1] ENABLE_SVC_CHECK;h;a;b"),
        switch(O::ActiveChecks, on_svc("h", "a"), true)
    );
    assert_eq!(
        ok("[1] ENABLE_SVC_CHECK;h;a;b;c"),
        C::Switch {
            switch: O::ActiveChecks,
            target: on_svc("h", "a"),
            enable: true,
            note: Some(Note {
                author: s("b"),
                comment: s("c")
            }),
        }
    );
    // Rest-of-line arguments keep ';': comments, plugin output, timeperiod names.
    assert_eq!(
        ok("[1] CHANGE_SVC_CHECK_TIMEPERIOD;h;s;a;b"),
        C::ChangeTimeperiod {
            slot: vigil_commands::PeriodSlot::Check(svc("h", "s")),
            timeperiod: s("a;b"),
        }
    );
}
