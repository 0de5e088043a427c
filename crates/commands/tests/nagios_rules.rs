//! Nagios 4.4.6's argument rules, case by case: what it refuses (vigil:
//! `CommandError::Malformed` with the reason), where vigil is stricter than its
//! silent `atoi`, and its quirks. Each expectation comes from base/commands.c and,
//! where marked "run", from sending the line to a live Nagios 4.4.6 (Debian
//! nagios4 4.4.6) and reading its log and status.dat.

use vigil_commands::{
    parse_command, parse_line, Command as C, CommandError, DowntimeFilter, IntervalKind, ModAttr,
    ModAttrOwner, Note, NotificationOptions, Object, ObjectSwitch as O, Target,
};

fn parse(text: &str) -> Result<C, CommandError> {
    parse_command(&parse_line(text).unwrap_or_else(|e| panic!("{text}: {e}")))
}

fn ok(text: &str) -> C {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn malformed(text: &str) -> String {
    match parse(text) {
        Err(CommandError::Malformed(r)) => r,
        other => panic!("{text}: expected Malformed, got {other:?}"),
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

fn note(a: &str, c: &str) -> Option<Note> {
    Some(Note {
        author: s(a),
        comment: s(c),
    })
}

/// Lines Nagios 4.4.6 answers with `Command failed` because of their arguments.
#[test]
fn what_nagios_refuses_is_malformed_with_the_reason() {
    let cases: &[(&str, &str)] = &[
        // A missing field (my_strtok returns NULL).
        ("[1] ENABLE_HOSTGROUP_HOST_CHECKS", "missing hostgroup name"),
        (
            "[1] ENABLE_SERVICEGROUP_SVC_CHECKS;",
            "missing servicegroup name",
        ),
        (
            "[1] DISABLE_CONTACT_SVC_NOTIFICATIONS",
            "missing contact name",
        ),
        (
            "[1] ENABLE_CONTACTGROUP_HOST_NOTIFICATIONS",
            "missing contactgroup name",
        ),
        ("[1] ACKNOWLEDGE_HOST_PROBLEM;h;1;1;1;me", "missing comment"),
        ("[1] ACKNOWLEDGE_SVC_PROBLEM;h;s;1;1;1;me;", "empty comment"),
        ("[1] ADD_SVC_COMMENT;h;s;1", "missing author"),
        (
            "[1] SCHEDULE_SVC_DOWNTIME;h;s;1;2;1;0;0;me",
            "missing comment",
        ),
        ("[1] SCHEDULE_HOST_DOWNTIME;h;1;2;1;0;0", "missing author"),
        ("[1] PROCESS_HOST_CHECK_RESULT;h", "missing return code"),
        ("[1] PROCESS_FILE;/tmp/cmds", "missing delete flag"),
        ("[1] PROCESS_FILE", "missing file name"),
        (
            "[1] CHANGE_HOST_CHECK_TIMEPERIOD;h",
            "missing timeperiod name",
        ),
        (
            "[1] CHANGE_SVC_NOTIFICATION_TIMEPERIOD;h;s;",
            "empty timeperiod name",
        ),
        (
            "[1] CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD;alice",
            "missing timeperiod name",
        ),
        ("[1] CHANGE_SVC_CHECK_COMMAND;h;s", "missing check command"),
        (
            "[1] CHANGE_CUSTOM_CONTACT_VAR;alice;pager",
            "missing variable value",
        ),
        // run: `CHANGE_CUSTOM_SVC_VAR;h1;s1;owner;` -> Command failed
        (
            "[1] CHANGE_CUSTOM_SVC_VAR;h1;s1;owner;",
            "empty variable value",
        ),
        ("[1] CHANGE_HOST_MODATTR;h", "missing attribute value"),
        (
            "[1] DELAY_SVC_NOTIFICATION;h;s",
            "missing notification time",
        ),
        ("[1] DEL_DOWNTIME_BY_HOST_NAME", "missing host name"),
        (
            "[1] DEL_DOWNTIME_BY_HOSTGROUP_NAME;",
            "missing hostgroup name",
        ),
        // run: `DEL_HOST_COMMENT;` -> Command failed; DEL_*_COMMENT reads the whole
        // argument text with strtoul and fails on 0.
        ("[1] DEL_HOST_COMMENT;", "missing comment id"),
        ("[1] DEL_SVC_COMMENT;0", "comment id must be greater than 0"),
        ("[1] DEL_HOST_DOWNTIME", "missing downtime id"),
        // run: flexible with duration 0 -> Command failed.
        (
            "[1] SCHEDULE_HOST_DOWNTIME;h;1796290000;1999999999;0;0;0;a;flex zero",
            "a flexible downtime needs a duration greater than 0",
        ),
        (
            "[1] SCHEDULE_HOSTGROUP_SVC_DOWNTIME;hg;1;2;0;0;0;a;c",
            "a flexible downtime needs a duration greater than 0",
        ),
        // run: `DEL_DOWNTIME_BY_START_TIME_COMMENT;` -> Command failed.
        (
            "[1] DEL_DOWNTIME_BY_START_TIME_COMMENT;",
            "a start time or a comment is needed",
        ),
        (
            "[1] DEL_DOWNTIME_BY_START_TIME_COMMENT;0",
            "a start time or a comment is needed",
        ),
        // run: a negative interval -> Command failed (strtol < 0).
        (
            "[1] CHANGE_NORMAL_HOST_CHECK_INTERVAL;h2;-1",
            "check interval '-1' must be a non-negative number",
        ),
        (
            "[1] CHANGE_SVC_MODATTR;h;s;-1",
            "attribute value '-1' is not a valid number",
        ),
        // An empty name (found by nothing in Nagios).
        ("[1] ENABLE_HOST_CHECK;;me;c", "empty host name"),
        (
            "[1] SCHEDULE_HOSTGROUP_HOST_DOWNTIME;;1;2;1;0;0;a;c",
            "empty hostgroup name",
        ),
        ("[1] CHANGE_CUSTOM_HOST_VAR;h;;v", "empty variable name"),
    ];
    for (line, reason) in cases {
        assert_eq!(&malformed(line), reason, "{line}");
    }
}

/// Where Nagios reads garbage as 0 (or the leading digits) and runs the command
/// anyway, vigil refuses it: the reason names the field and the text.
#[test]
fn where_nagios_reads_garbage_as_zero_vigil_refuses() {
    let cases: &[(&str, &str)] = &[
        // run: accepted by Nagios as a check at time 0.
        (
            "[1] SCHEDULE_SVC_CHECK;h1;s1;abc",
            "check time 'abc' is not a valid number",
        ),
        // run: accepted by Nagios, max_attempts became 0.
        (
            "[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h2;abc",
            "max check attempts 'abc' is not a valid number",
        ),
        (
            "[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;h;s;0",
            "max check attempts must be at least 1",
        ),
        // run: accepted by Nagios (strtoul reads 999).
        (
            "[1] DEL_HOST_COMMENT;999x",
            "comment id '999x' is not a valid number",
        ),
        (
            "[1] ACKNOWLEDGE_SVC_PROBLEM;h;s;sticky;1;1;a;c",
            "sticky flag 'sticky' is not a valid number",
        ),
        (
            "[1] ACKNOWLEDGE_HOST_PROBLEM;h;2;-1;1;a;c",
            "notify flag '-1' is not a valid number",
        ),
        (
            "[1] SCHEDULE_HOST_DOWNTIME;h;soon;2;1;0;0;a;c",
            "start time 'soon' is not a valid number",
        ),
        (
            "[1] SCHEDULE_HOST_DOWNTIME;h;1;2;yes;0;0;a;c",
            "fixed flag 'yes' is not a valid number",
        ),
        (
            "[1] SCHEDULE_SVC_DOWNTIME;h;s;1;2;1;-3;0;a;c",
            "trigger id '-3' is not a valid number",
        ),
        (
            "[1] SEND_CUSTOM_HOST_NOTIFICATION;h;all;a;c",
            "notification options 'all' is not a valid number",
        ),
        (
            "[1] SET_SVC_NOTIFICATION_NUMBER;h;s;-1",
            "notification number '-1' is not a valid number",
        ),
        (
            "[1] PROCESS_FILE;/tmp/f;yes",
            "delete flag 'yes' is not a valid number",
        ),
        (
            "[1] CHANGE_RETRY_SVC_CHECK_INTERVAL;h;s;1e3",
            "check interval '1e3' must be a non-negative number",
        ),
        (
            "[1] CHANGE_CONTACT_MODATTR;alice;0x",
            "attribute value '0x' is not a valid number",
        ),
        (
            "[1] DEL_DOWNTIME_BY_HOST_NAME;h;s;noon",
            "start time 'noon' is not a valid number",
        ),
        (
            "[1] PROCESS_SERVICE_CHECK_RESULT;h;s;;out",
            "return code '' is not a valid number",
        ),
    ];
    for (line, reason) in cases {
        assert_eq!(&malformed(line), reason, "{line}");
    }
}

/// Where Nagios runs a command without doing anything because an argument is
/// missing (it returns OK), vigil refuses it so the log says why.
#[test]
fn where_nagios_silently_does_nothing_vigil_refuses() {
    // run: both logged only `EXTERNAL COMMAND`, nothing happened.
    assert_eq!(
        malformed("[1] SET_SVC_NOTIFICATION_NUMBER;h1;s1"),
        "missing notification number"
    );
    assert_eq!(
        malformed("[1] SEND_CUSTOM_SVC_NOTIFICATION;h1;s1;2;me"),
        "missing comment"
    );
    assert_eq!(
        malformed("[1] SEND_CUSTOM_HOST_NOTIFICATION;h"),
        "missing notification options"
    );
}

#[test]
fn the_optional_author_and_comment_of_nagios_4_4_6() {
    // run: `ENABLE_HOST_CHECK;h1;me;x;y` added a comment by `me` with text `x`.
    assert_eq!(
        ok("[1] ENABLE_HOST_CHECK;h1;me;x;y"),
        C::Switch {
            switch: O::ActiveChecks,
            target: Target::Object(Object::Host(s("h1"))),
            enable: true,
            note: note("me", "x"),
        }
    );
    // run: `ENABLE_HOST_CHECK;h2;onlyauthor` added no comment.
    assert_eq!(ok("[1] ENABLE_HOST_CHECK;h2;onlyauthor").note(), None);
    assert_eq!(ok("[1] ENABLE_HOST_CHECK;h2;a;").note(), None);
    // An empty author is kept when a comment follows.
    assert_eq!(
        ok("[1] ENABLE_HOST_CHECK;h2;;c").note(),
        note("", "c").as_ref()
    );
    // run: servicegroup commands comment every member service.
    assert_eq!(
        ok("[1] ENABLE_SERVICEGROUP_SVC_CHECKS;sg1;sgauth;sgc"),
        C::Switch {
            switch: O::ActiveChecks,
            target: Target::ServicegroupServices(s("sg1")),
            enable: true,
            note: note("sgauth", "sgc"),
        }
    );
    // run: after the notification's own author and comment come the note's.
    assert_eq!(
        ok("[1] SEND_CUSTOM_HOST_NOTIFICATION;h2;0;a1;c1;a2;c2"),
        C::SendCustomNotification {
            object: Object::Host(s("h2")),
            options: NotificationOptions::empty(),
            author: s("a1"),
            comment: s("c1"),
            note: note("a2", "c2"),
        }
    );
    assert_eq!(
        ok("[1] SET_HOST_NOTIFICATION_NUMBER;h;3;me;reset").note(),
        note("me", "reset").as_ref()
    );
    // Contact commands and acknowledgements take none.
    assert_eq!(
        ok("[1] ENABLE_CONTACT_HOST_NOTIFICATIONS;alice;cauth;cc").note(),
        None
    );
}

#[test]
fn number_forms_nagios_reads() {
    // run: max_attempts 010 -> 8 and 0x10 -> 16 (strtol base 0).
    let attempts = |line: &str| match ok(line) {
        C::ChangeMaxCheckAttempts { attempts, .. } => attempts,
        other => panic!("{other:?}"),
    };
    assert_eq!(attempts("[1] CHANGE_MAX_SVC_CHECK_ATTEMPTS;h;s;010"), 8);
    assert_eq!(attempts("[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h;0x10"), 16);
    assert_eq!(attempts("[1] CHANGE_MAX_HOST_CHECK_ATTEMPTS;h;+4"), 4);
    // run: intervals 2.5 -> 2, 010 -> 10 ((int)strtod).
    let interval = |line: &str| match ok(line) {
        C::ChangeCheckInterval { interval, kind, .. } => (kind, interval),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        interval("[1] CHANGE_NORMAL_SVC_CHECK_INTERVAL;h;s;2.5"),
        (IntervalKind::Normal, 2)
    );
    assert_eq!(
        interval("[1] CHANGE_RETRY_SVC_CHECK_INTERVAL;h;s;010"),
        (IntervalKind::Retry, 10)
    );
    assert_eq!(
        interval("[1] CHANGE_NORMAL_HOST_CHECK_INTERVAL;h;.9"),
        (IntervalKind::Normal, 0)
    );
    // run: CHANGE_SVC_MODATTR;h1;s1;0 cleared modified_attributes.
    assert_eq!(
        ok("[1] CHANGE_SVC_MODATTR;h1;s1;0"),
        C::ChangeModAttr {
            owner: ModAttrOwner::Object(Object::Service {
                host: s("h1"),
                service: s("s1")
            }),
            value: ModAttr::empty(),
        }
    );
    // Unknown bits are kept as given.
    assert_eq!(
        ok("[1] CHANGE_CONTACT_MODSATTR;alice;0x40000"),
        C::ChangeModAttr {
            owner: ModAttrOwner::ContactService(s("alice")),
            value: ModAttr::from_bits_retain(0x40000),
        }
    );
    // Times and ids: decimal, blanks around allowed.
    assert_eq!(
        ok("[1] DELAY_HOST_NOTIFICATION;h; 1700000000 "),
        C::DelayNotification {
            object: Object::Host(s("h")),
            until: 1700000000,
            note: None
        }
    );
}

#[test]
fn downtime_selectors() {
    let filter = |line: &str| match ok(line) {
        C::DeleteDowntimes { filter } => filter,
        other => panic!("{other:?}"),
    };
    // Empty fields are placeholders; a start of 0 means any.
    assert_eq!(
        filter("[1] DEL_DOWNTIME_BY_HOST_NAME;web1;;0;planned"),
        DowntimeFilter {
            host: Some(s("web1")),
            comment: Some(s("planned")),
            ..DowntimeFilter::default()
        }
    );
    // The comment of DEL_DOWNTIME_BY_HOST_NAME ends at ';'; that of
    // DEL_DOWNTIME_BY_START_TIME_COMMENT takes the rest of the line.
    assert_eq!(
        filter("[1] DEL_DOWNTIME_BY_HOST_NAME;web1;HTTP;5;a;b").comment,
        Some(s("a"))
    );
    assert_eq!(
        filter("[1] DEL_DOWNTIME_BY_START_TIME_COMMENT;5;a;b"),
        DowntimeFilter {
            start: Some(5),
            comment: Some(s("a;b")),
            ..DowntimeFilter::default()
        }
    );
    // cmd_delete_downtime_by_hostgroup_name reads a second service/start/comment
    // group that overrides the first when given.
    assert_eq!(
        filter("[1] DEL_DOWNTIME_BY_HOSTGROUP_NAME;hg1;;svcA;100;first;svcB;200;second"),
        DowntimeFilter {
            hostgroup: Some(s("hg1")),
            host: None,
            service: Some(s("svcB")),
            start: Some(200),
            comment: Some(s("second")),
        }
    );
    assert_eq!(
        filter("[1] DEL_DOWNTIME_BY_HOSTGROUP_NAME;hg1;;svcA;100;first;;;"),
        DowntimeFilter {
            hostgroup: Some(s("hg1")),
            host: None,
            service: Some(s("svcA")),
            // An empty second start is read as 0 (any), overriding 100.
            start: None,
            comment: Some(s("first")),
        }
    );
}

#[test]
fn rest_of_line_and_field_ends() {
    // run: the timeperiod takes the rest of the line (`never;x` is not found).
    assert_eq!(
        ok("[1] CHANGE_HOST_CHECK_TIMEPERIOD;h1;never;x"),
        C::ChangeTimeperiod {
            slot: vigil_commands::PeriodSlot::Check(Object::Host(s("h1"))),
            timeperiod: s("never;x"),
        }
    );
    // run: the downtime comment ends at ';'.
    match ok("[1] SCHEDULE_HOST_DOWNTIME;h2;1796290000;1999999999;1;0;0;a;fixed;with semi") {
        C::ScheduleDowntime {
            comment, duration, ..
        } => {
            assert_eq!(comment, "fixed");
            assert_eq!(duration, 1999999999 - 1796290000);
        }
        other => panic!("{other:?}"),
    }
    // A fixed downtime whose end is before its start gets duration 0 (Nagios
    // refuses it when scheduling; that check needs the clock and is the engine's).
    match ok("[1] SCHEDULE_HOST_DOWNTIME;h;200;100;1;0;0;a;c") {
        C::ScheduleDowntime { duration, .. } => assert_eq!(duration, 0),
        other => panic!("{other:?}"),
    }
    // Passive output: rest of the line, escapes undone; absent = empty.
    assert_eq!(
        ok("[1] PROCESS_HOST_CHECK_RESULT;h2;0"),
        C::ProcessCheckResult {
            object: Object::Host(s("h2")),
            return_code: 0,
            output: s(""),
        }
    );
}

#[test]
fn names_that_are_not_nagios_4_4_6_commands() {
    // Older aliases vigil used to accept; Nagios 4.4.6 does not know them.
    assert_eq!(
        parse("[1] CHANGE_SVC_CHECK_INTERVAL;h;s;5"),
        Err(CommandError::Unknown)
    );
    assert_eq!(
        parse("[1] CHANGE_HOST_CHECK_INTERVAL;h;5"),
        Err(CommandError::Unknown)
    );
    // Naemon's expiring acknowledgement is not in Nagios 4.4.6.
    assert_eq!(
        parse("[1] ACKNOWLEDGE_SVC_PROBLEM_EXPIRE;h;s;1;1;1;2;a;c"),
        Err(CommandError::Unknown)
    );
}
