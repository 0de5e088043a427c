//! Every command Nagios 4.4.6 accepts is in the table and parses into its exact
//! typed value; the modified attributes each sets are those Nagios 4.4.6 set in a
//! recorded run; `COMMANDS.md` is the table.
//!
//! Sources of the expected values: the name list is `process_external_command1` of
//! Nagios 4.4.6 base/commands.c (cross-checked: exactly the command-like strings of
//! the Debian `nagios4` 4.4.6 binary). The typed values follow the handlers of
//! base/commands.c; where they are surprising (trailing author/comment, fields that
//! end at `;`, truncated intervals, octal attempts) the live Nagios 4.4.6 was run
//! with the same line and its status.dat read (noted at the case).

use std::collections::BTreeSet;

use vigil_commands::table::{Arg, ArgKind, End, NagiosSupport};
use vigil_commands::{
    lookup, parse_command, parse_line, AttrSet, Command as C, Contacts, DowntimeFilter,
    HandlerSlot, IntervalKind, ModAttr, ModAttrChange, ModAttrOwner, Note, NotificationOptions,
    Object, ObjectKind, ObjectSwitch as O, PeriodSlot, ProgramSwitch as P, Target, VarOwner,
    COMMANDS,
};

/// The 163 names of Nagios 4.4.6 `process_external_command1`, in its order.
const NAGIOS_4_4_6: &[&str] = &[
    "ENTER_STANDBY_MODE",
    "DISABLE_NOTIFICATIONS",
    "ENTER_ACTIVE_MODE",
    "ENABLE_NOTIFICATIONS",
    "SHUTDOWN_PROGRAM",
    "SHUTDOWN_PROCESS",
    "RESTART_PROGRAM",
    "RESTART_PROCESS",
    "SAVE_STATE_INFORMATION",
    "READ_STATE_INFORMATION",
    "ENABLE_EVENT_HANDLERS",
    "DISABLE_EVENT_HANDLERS",
    "ENABLE_PERFORMANCE_DATA",
    "DISABLE_PERFORMANCE_DATA",
    "START_EXECUTING_HOST_CHECKS",
    "STOP_EXECUTING_HOST_CHECKS",
    "START_EXECUTING_SVC_CHECKS",
    "STOP_EXECUTING_SVC_CHECKS",
    "START_ACCEPTING_PASSIVE_HOST_CHECKS",
    "STOP_ACCEPTING_PASSIVE_HOST_CHECKS",
    "START_ACCEPTING_PASSIVE_SVC_CHECKS",
    "STOP_ACCEPTING_PASSIVE_SVC_CHECKS",
    "START_OBSESSING_OVER_HOST_CHECKS",
    "STOP_OBSESSING_OVER_HOST_CHECKS",
    "START_OBSESSING_OVER_SVC_CHECKS",
    "STOP_OBSESSING_OVER_SVC_CHECKS",
    "ENABLE_FLAP_DETECTION",
    "DISABLE_FLAP_DETECTION",
    "CHANGE_GLOBAL_HOST_EVENT_HANDLER",
    "CHANGE_GLOBAL_SVC_EVENT_HANDLER",
    "ENABLE_SERVICE_FRESHNESS_CHECKS",
    "DISABLE_SERVICE_FRESHNESS_CHECKS",
    "ENABLE_HOST_FRESHNESS_CHECKS",
    "DISABLE_HOST_FRESHNESS_CHECKS",
    "ADD_HOST_COMMENT",
    "DEL_HOST_COMMENT",
    "DEL_ALL_HOST_COMMENTS",
    "DELAY_HOST_NOTIFICATION",
    "ENABLE_HOST_NOTIFICATIONS",
    "DISABLE_HOST_NOTIFICATIONS",
    "ENABLE_ALL_NOTIFICATIONS_BEYOND_HOST",
    "DISABLE_ALL_NOTIFICATIONS_BEYOND_HOST",
    "ENABLE_HOST_AND_CHILD_NOTIFICATIONS",
    "DISABLE_HOST_AND_CHILD_NOTIFICATIONS",
    "ENABLE_HOST_SVC_NOTIFICATIONS",
    "DISABLE_HOST_SVC_NOTIFICATIONS",
    "ENABLE_HOST_SVC_CHECKS",
    "DISABLE_HOST_SVC_CHECKS",
    "ENABLE_PASSIVE_HOST_CHECKS",
    "DISABLE_PASSIVE_HOST_CHECKS",
    "SCHEDULE_HOST_SVC_CHECKS",
    "SCHEDULE_FORCED_HOST_SVC_CHECKS",
    "ACKNOWLEDGE_HOST_PROBLEM",
    "REMOVE_HOST_ACKNOWLEDGEMENT",
    "ENABLE_HOST_EVENT_HANDLER",
    "DISABLE_HOST_EVENT_HANDLER",
    "ENABLE_HOST_CHECK",
    "DISABLE_HOST_CHECK",
    "SCHEDULE_HOST_CHECK",
    "SCHEDULE_FORCED_HOST_CHECK",
    "SCHEDULE_HOST_DOWNTIME",
    "SCHEDULE_HOST_SVC_DOWNTIME",
    "DEL_HOST_DOWNTIME",
    "DEL_DOWNTIME_BY_HOST_NAME",
    "DEL_DOWNTIME_BY_HOSTGROUP_NAME",
    "DEL_DOWNTIME_BY_START_TIME_COMMENT",
    "ENABLE_HOST_FLAP_DETECTION",
    "DISABLE_HOST_FLAP_DETECTION",
    "START_OBSESSING_OVER_HOST",
    "STOP_OBSESSING_OVER_HOST",
    "CHANGE_HOST_EVENT_HANDLER",
    "CHANGE_HOST_CHECK_COMMAND",
    "CHANGE_NORMAL_HOST_CHECK_INTERVAL",
    "CHANGE_RETRY_HOST_CHECK_INTERVAL",
    "CHANGE_MAX_HOST_CHECK_ATTEMPTS",
    "SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME",
    "SCHEDULE_AND_PROPAGATE_HOST_DOWNTIME",
    "SET_HOST_NOTIFICATION_NUMBER",
    "CHANGE_HOST_CHECK_TIMEPERIOD",
    "CHANGE_CUSTOM_HOST_VAR",
    "SEND_CUSTOM_HOST_NOTIFICATION",
    "CHANGE_HOST_NOTIFICATION_TIMEPERIOD",
    "CHANGE_HOST_MODATTR",
    "CLEAR_HOST_FLAPPING_STATE",
    "ENABLE_HOSTGROUP_HOST_NOTIFICATIONS",
    "DISABLE_HOSTGROUP_HOST_NOTIFICATIONS",
    "ENABLE_HOSTGROUP_SVC_NOTIFICATIONS",
    "DISABLE_HOSTGROUP_SVC_NOTIFICATIONS",
    "ENABLE_HOSTGROUP_HOST_CHECKS",
    "DISABLE_HOSTGROUP_HOST_CHECKS",
    "ENABLE_HOSTGROUP_PASSIVE_HOST_CHECKS",
    "DISABLE_HOSTGROUP_PASSIVE_HOST_CHECKS",
    "ENABLE_HOSTGROUP_SVC_CHECKS",
    "DISABLE_HOSTGROUP_SVC_CHECKS",
    "ENABLE_HOSTGROUP_PASSIVE_SVC_CHECKS",
    "DISABLE_HOSTGROUP_PASSIVE_SVC_CHECKS",
    "SCHEDULE_HOSTGROUP_HOST_DOWNTIME",
    "SCHEDULE_HOSTGROUP_SVC_DOWNTIME",
    "ADD_SVC_COMMENT",
    "DEL_SVC_COMMENT",
    "DEL_ALL_SVC_COMMENTS",
    "SCHEDULE_SVC_CHECK",
    "SCHEDULE_FORCED_SVC_CHECK",
    "ENABLE_SVC_CHECK",
    "DISABLE_SVC_CHECK",
    "ENABLE_PASSIVE_SVC_CHECKS",
    "DISABLE_PASSIVE_SVC_CHECKS",
    "DELAY_SVC_NOTIFICATION",
    "ENABLE_SVC_NOTIFICATIONS",
    "DISABLE_SVC_NOTIFICATIONS",
    "PROCESS_SERVICE_CHECK_RESULT",
    "PROCESS_HOST_CHECK_RESULT",
    "ENABLE_SVC_EVENT_HANDLER",
    "DISABLE_SVC_EVENT_HANDLER",
    "ENABLE_SVC_FLAP_DETECTION",
    "DISABLE_SVC_FLAP_DETECTION",
    "SCHEDULE_SVC_DOWNTIME",
    "DEL_SVC_DOWNTIME",
    "ACKNOWLEDGE_SVC_PROBLEM",
    "REMOVE_SVC_ACKNOWLEDGEMENT",
    "START_OBSESSING_OVER_SVC",
    "STOP_OBSESSING_OVER_SVC",
    "CHANGE_SVC_EVENT_HANDLER",
    "CHANGE_SVC_CHECK_COMMAND",
    "CHANGE_NORMAL_SVC_CHECK_INTERVAL",
    "CHANGE_RETRY_SVC_CHECK_INTERVAL",
    "CHANGE_MAX_SVC_CHECK_ATTEMPTS",
    "SET_SVC_NOTIFICATION_NUMBER",
    "CHANGE_SVC_CHECK_TIMEPERIOD",
    "CHANGE_CUSTOM_SVC_VAR",
    "CHANGE_CUSTOM_CONTACT_VAR",
    "SEND_CUSTOM_SVC_NOTIFICATION",
    "CHANGE_SVC_NOTIFICATION_TIMEPERIOD",
    "CHANGE_SVC_MODATTR",
    "CLEAR_SVC_FLAPPING_STATE",
    "ENABLE_SERVICEGROUP_HOST_NOTIFICATIONS",
    "DISABLE_SERVICEGROUP_HOST_NOTIFICATIONS",
    "ENABLE_SERVICEGROUP_SVC_NOTIFICATIONS",
    "DISABLE_SERVICEGROUP_SVC_NOTIFICATIONS",
    "ENABLE_SERVICEGROUP_HOST_CHECKS",
    "DISABLE_SERVICEGROUP_HOST_CHECKS",
    "ENABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS",
    "DISABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS",
    "ENABLE_SERVICEGROUP_SVC_CHECKS",
    "DISABLE_SERVICEGROUP_SVC_CHECKS",
    "ENABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS",
    "DISABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS",
    "SCHEDULE_SERVICEGROUP_HOST_DOWNTIME",
    "SCHEDULE_SERVICEGROUP_SVC_DOWNTIME",
    "ENABLE_CONTACT_HOST_NOTIFICATIONS",
    "DISABLE_CONTACT_HOST_NOTIFICATIONS",
    "ENABLE_CONTACT_SVC_NOTIFICATIONS",
    "DISABLE_CONTACT_SVC_NOTIFICATIONS",
    "CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD",
    "CHANGE_CONTACT_SVC_NOTIFICATION_TIMEPERIOD",
    "CHANGE_CONTACT_MODATTR",
    "CHANGE_CONTACT_MODHATTR",
    "CHANGE_CONTACT_MODSATTR",
    "ENABLE_CONTACTGROUP_HOST_NOTIFICATIONS",
    "DISABLE_CONTACTGROUP_HOST_NOTIFICATIONS",
    "ENABLE_CONTACTGROUP_SVC_NOTIFICATIONS",
    "DISABLE_CONTACTGROUP_SVC_NOTIFICATIONS",
    "PROCESS_FILE",
];

/// Names Nagios 4.4.6 knows but always fails (security patch in
/// `cmd_change_object_char_var`).
const NAGIOS_REFUSES: &[&str] = &[
    "CHANGE_GLOBAL_HOST_EVENT_HANDLER",
    "CHANGE_GLOBAL_SVC_EVENT_HANDLER",
    "CHANGE_HOST_EVENT_HANDLER",
    "CHANGE_SVC_EVENT_HANDLER",
    "CHANGE_HOST_CHECK_COMMAND",
    "CHANGE_SVC_CHECK_COMMAND",
];

fn parse(text: &str) -> Result<C, vigil_commands::CommandError> {
    let line = parse_line(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    parse_command(&line)
}

fn ok(text: &str) -> C {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn s(v: &str) -> String {
    v.to_string()
}
fn host(h: &str) -> Object {
    Object::Host(s(h))
}
fn svc(h: &str, d: &str) -> Object {
    Object::Service {
        host: s(h),
        service: s(d),
    }
}
fn on(o: Object) -> Target {
    Target::Object(o)
}
fn note(a: &str, c: &str) -> Option<Note> {
    Some(Note {
        author: s(a),
        comment: s(c),
    })
}
fn switch(switch: O, target: Target, enable: bool) -> C {
    C::Switch {
        switch,
        target,
        enable,
        note: None,
    }
}
fn prog(switch: P, enable: bool) -> C {
    C::ProgramSwitch { switch, enable }
}
fn check(target: Target, time: i64, forced: bool) -> C {
    C::ScheduleCheck {
        target,
        time,
        forced,
        note: None,
    }
}
fn downtime(target: Target, fixed: bool, trigger_id: u64, duration: u64) -> C {
    C::ScheduleDowntime {
        target,
        start: 1700000000,
        end: 1700003600,
        fixed,
        trigger_id,
        duration,
        author: s("admin"),
        comment: s("maintenance"),
        trigger_children: false,
    }
}
fn contacts(c: Contacts, kind: ObjectKind, enable: bool) -> C {
    C::ContactNotifications {
        contacts: c,
        kind,
        enable,
    }
}
fn contact(c: &str) -> Contacts {
    Contacts::Contact(s(c))
}
fn group(c: &str) -> Contacts {
    Contacts::Contactgroup(s(c))
}

const DT: &str = "1700000000;1700003600";

/// At least one well-formed line per name, with the exact typed value.
fn cases() -> Vec<(String, C)> {
    use ObjectKind::{Host as HK, Service as SK};
    let mut v: Vec<(String, C)> = Vec::new();
    let mut add = |line: &str, want: C| v.push((line.to_string(), want));

    // Program-wide. ENTER_STANDBY_MODE / ENTER_ACTIVE_MODE are Nagios's aliases
    // of DISABLE_ / ENABLE_NOTIFICATIONS (they only switch notifications).
    add("ENTER_STANDBY_MODE", prog(P::Notifications, false));
    add("DISABLE_NOTIFICATIONS", prog(P::Notifications, false));
    add("ENTER_ACTIVE_MODE", prog(P::Notifications, true));
    add("ENABLE_NOTIFICATIONS", prog(P::Notifications, true));
    add("SHUTDOWN_PROGRAM", C::Shutdown { at: None });
    add(
        "SHUTDOWN_PROCESS;1700000000",
        C::Shutdown {
            at: Some(1700000000),
        },
    );
    add(
        "RESTART_PROGRAM;1700000000",
        C::Restart {
            at: Some(1700000000),
        },
    );
    add("RESTART_PROCESS", C::Restart { at: None });
    add("SAVE_STATE_INFORMATION", C::SaveStateInformation);
    add("READ_STATE_INFORMATION", C::ReadStateInformation);
    add("ENABLE_EVENT_HANDLERS", prog(P::EventHandlers, true));
    add("DISABLE_EVENT_HANDLERS", prog(P::EventHandlers, false));
    add("ENABLE_PERFORMANCE_DATA", prog(P::PerformanceData, true));
    add("DISABLE_PERFORMANCE_DATA", prog(P::PerformanceData, false));
    add("START_EXECUTING_HOST_CHECKS", prog(P::HostChecks, true));
    add("STOP_EXECUTING_HOST_CHECKS", prog(P::HostChecks, false));
    add("START_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, true));
    add("STOP_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, false));
    add(
        "START_ACCEPTING_PASSIVE_HOST_CHECKS",
        prog(P::PassiveHostChecks, true),
    );
    add(
        "STOP_ACCEPTING_PASSIVE_HOST_CHECKS",
        prog(P::PassiveHostChecks, false),
    );
    add(
        "START_ACCEPTING_PASSIVE_SVC_CHECKS",
        prog(P::PassiveServiceChecks, true),
    );
    add(
        "STOP_ACCEPTING_PASSIVE_SVC_CHECKS",
        prog(P::PassiveServiceChecks, false),
    );
    add(
        "START_OBSESSING_OVER_HOST_CHECKS",
        prog(P::ObsessOverHosts, true),
    );
    add(
        "STOP_OBSESSING_OVER_HOST_CHECKS",
        prog(P::ObsessOverHosts, false),
    );
    add(
        "START_OBSESSING_OVER_SVC_CHECKS",
        prog(P::ObsessOverServices, true),
    );
    add(
        "STOP_OBSESSING_OVER_SVC_CHECKS",
        prog(P::ObsessOverServices, false),
    );
    add("ENABLE_FLAP_DETECTION", prog(P::FlapDetection, true));
    add("DISABLE_FLAP_DETECTION", prog(P::FlapDetection, false));
    add(
        "CHANGE_GLOBAL_HOST_EVENT_HANDLER;notify-host!a;b",
        C::ChangeEventHandler {
            slot: HandlerSlot::GlobalHost,
            command: s("notify-host!a;b"),
        },
    );
    add(
        "CHANGE_GLOBAL_SVC_EVENT_HANDLER;restart-svc",
        C::ChangeEventHandler {
            slot: HandlerSlot::GlobalService,
            command: s("restart-svc"),
        },
    );
    add(
        "ENABLE_SERVICE_FRESHNESS_CHECKS",
        prog(P::ServiceFreshnessChecks, true),
    );
    add(
        "DISABLE_SERVICE_FRESHNESS_CHECKS",
        prog(P::ServiceFreshnessChecks, false),
    );
    add(
        "ENABLE_HOST_FRESHNESS_CHECKS",
        prog(P::HostFreshnessChecks, true),
    );
    add(
        "DISABLE_HOST_FRESHNESS_CHECKS",
        prog(P::HostFreshnessChecks, false),
    );

    // Host. The comment of ADD_*_COMMENT takes the rest of the line (Nagios run:
    // `ADD_HOST_COMMENT;h1;1;bob;one;two` stored `one;two`).
    add(
        "ADD_HOST_COMMENT;web1;1;admin;disk; full",
        C::AddComment {
            object: host("web1"),
            persistent: true,
            author: s("admin"),
            comment: s("disk; full"),
        },
    );
    add("DEL_HOST_COMMENT;12", C::DeleteComment { kind: HK, id: 12 });
    add(
        "DEL_ALL_HOST_COMMENTS;web1",
        C::DeleteAllComments {
            object: host("web1"),
        },
    );
    // Nagios run: `DELAY_HOST_NOTIFICATION;h2;<t>;delauth;delc` added a comment.
    add(
        "DELAY_HOST_NOTIFICATION;web1;1700000600;ops;after the window",
        C::DelayNotification {
            object: host("web1"),
            until: 1700000600,
            note: note("ops", "after the window"),
        },
    );
    add(
        "ENABLE_HOST_NOTIFICATIONS;web1",
        switch(O::Notifications, on(host("web1")), true),
    );
    // Nagios run: `ENABLE_HOST_CHECK;h1;me;hello world` added a comment by `me`.
    add(
        "DISABLE_HOST_NOTIFICATIONS;web1;admin;maintenance",
        C::Switch {
            switch: O::Notifications,
            target: on(host("web1")),
            enable: false,
            note: note("admin", "maintenance"),
        },
    );
    add(
        "ENABLE_ALL_NOTIFICATIONS_BEYOND_HOST;router1",
        switch(
            O::Notifications,
            Target::HostsAndServicesBeyond(s("router1")),
            true,
        ),
    );
    add(
        "DISABLE_ALL_NOTIFICATIONS_BEYOND_HOST;router1",
        switch(
            O::Notifications,
            Target::HostsAndServicesBeyond(s("router1")),
            false,
        ),
    );
    add(
        "ENABLE_HOST_AND_CHILD_NOTIFICATIONS;router1",
        switch(
            O::Notifications,
            Target::HostAndChildHosts(s("router1")),
            true,
        ),
    );
    add(
        "DISABLE_HOST_AND_CHILD_NOTIFICATIONS;router1",
        switch(
            O::Notifications,
            Target::HostAndChildHosts(s("router1")),
            false,
        ),
    );
    add(
        "ENABLE_HOST_SVC_NOTIFICATIONS;web1",
        switch(O::Notifications, Target::HostServices(s("web1")), true),
    );
    add(
        "DISABLE_HOST_SVC_NOTIFICATIONS;web1",
        switch(O::Notifications, Target::HostServices(s("web1")), false),
    );
    add(
        "ENABLE_HOST_SVC_CHECKS;web1",
        switch(O::ActiveChecks, Target::HostServices(s("web1")), true),
    );
    add(
        "DISABLE_HOST_SVC_CHECKS;web1",
        switch(O::ActiveChecks, Target::HostServices(s("web1")), false),
    );
    add(
        "ENABLE_PASSIVE_HOST_CHECKS;web1",
        switch(O::PassiveChecks, on(host("web1")), true),
    );
    add(
        "DISABLE_PASSIVE_HOST_CHECKS;web1",
        switch(O::PassiveChecks, on(host("web1")), false),
    );
    add(
        "SCHEDULE_HOST_SVC_CHECKS;web1;1700000000",
        check(Target::HostServices(s("web1")), 1700000000, false),
    );
    add(
        "SCHEDULE_FORCED_HOST_SVC_CHECKS;web1;1700000000",
        check(Target::HostServices(s("web1")), 1700000000, true),
    );
    add(
        "ACKNOWLEDGE_HOST_PROBLEM;web1;2;1;0;admin;known; working on it",
        C::Acknowledge {
            object: host("web1"),
            sticky: true,
            notify: true,
            persistent: false,
            author: s("admin"),
            comment: s("known; working on it"),
        },
    );
    add(
        "REMOVE_HOST_ACKNOWLEDGEMENT;web1",
        C::RemoveAcknowledgement {
            object: host("web1"),
        },
    );
    add(
        "ENABLE_HOST_EVENT_HANDLER;web1",
        switch(O::EventHandler, on(host("web1")), true),
    );
    add(
        "DISABLE_HOST_EVENT_HANDLER;web1",
        switch(O::EventHandler, on(host("web1")), false),
    );
    add(
        "ENABLE_HOST_CHECK;web1",
        switch(O::ActiveChecks, on(host("web1")), true),
    );
    add(
        "DISABLE_HOST_CHECK;web1",
        switch(O::ActiveChecks, on(host("web1")), false),
    );
    add(
        "SCHEDULE_HOST_CHECK;web1;1700000000",
        check(on(host("web1")), 1700000000, false),
    );
    add(
        "SCHEDULE_FORCED_HOST_CHECK;web1;1700000000",
        check(on(host("web1")), 1700000000, true),
    );
    // Fixed: the duration becomes end - start, as Nagios computes it.
    add(
        &format!("SCHEDULE_HOST_DOWNTIME;web1;{DT};1;0;99;admin;maintenance"),
        downtime(on(host("web1")), true, 0, 3600),
    );
    add(
        &format!("SCHEDULE_HOST_SVC_DOWNTIME;web1;{DT};0;5;600;admin;maintenance"),
        downtime(Target::HostServices(s("web1")), false, 5, 600),
    );
    add("DEL_HOST_DOWNTIME;3", C::DeleteDowntime { kind: HK, id: 3 });
    add(
        "DEL_DOWNTIME_BY_HOST_NAME;web1;HTTP;1700000000;maintenance",
        C::DeleteDowntimes {
            filter: DowntimeFilter {
                hostgroup: None,
                host: Some(s("web1")),
                service: Some(s("HTTP")),
                start: Some(1700000000),
                comment: Some(s("maintenance")),
            },
        },
    );
    add(
        "DEL_DOWNTIME_BY_HOSTGROUP_NAME;linux;web1",
        C::DeleteDowntimes {
            filter: DowntimeFilter {
                hostgroup: Some(s("linux")),
                host: Some(s("web1")),
                ..DowntimeFilter::default()
            },
        },
    );
    add(
        "DEL_DOWNTIME_BY_START_TIME_COMMENT;;planned; reboot",
        C::DeleteDowntimes {
            filter: DowntimeFilter {
                comment: Some(s("planned; reboot")),
                ..DowntimeFilter::default()
            },
        },
    );
    add(
        "ENABLE_HOST_FLAP_DETECTION;web1",
        switch(O::FlapDetection, on(host("web1")), true),
    );
    add(
        "DISABLE_HOST_FLAP_DETECTION;web1",
        switch(O::FlapDetection, on(host("web1")), false),
    );
    add(
        "START_OBSESSING_OVER_HOST;web1",
        switch(O::Obsess, on(host("web1")), true),
    );
    add(
        "STOP_OBSESSING_OVER_HOST;web1",
        switch(O::Obsess, on(host("web1")), false),
    );
    add(
        "CHANGE_HOST_EVENT_HANDLER;web1;restart-web!now",
        C::ChangeEventHandler {
            slot: HandlerSlot::Object(host("web1")),
            command: s("restart-web!now"),
        },
    );
    add(
        "CHANGE_HOST_CHECK_COMMAND;web1;check-host-alive",
        C::ChangeCheckCommand {
            object: host("web1"),
            command: s("check-host-alive"),
        },
    );
    add(
        "CHANGE_NORMAL_HOST_CHECK_INTERVAL;web1;10",
        C::ChangeCheckInterval {
            object: host("web1"),
            kind: IntervalKind::Normal,
            interval: 10,
        },
    );
    add(
        "CHANGE_RETRY_HOST_CHECK_INTERVAL;web1;2",
        C::ChangeCheckInterval {
            object: host("web1"),
            kind: IntervalKind::Retry,
            interval: 2,
        },
    );
    add(
        "CHANGE_MAX_HOST_CHECK_ATTEMPTS;web1;5",
        C::ChangeMaxCheckAttempts {
            object: host("web1"),
            attempts: 5,
        },
    );
    add(
        &format!(
            "SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME;router1;{DT};1;0;0;admin;maintenance"
        ),
        C::ScheduleDowntime {
            target: Target::HostAndChildHosts(s("router1")),
            start: 1700000000,
            end: 1700003600,
            fixed: true,
            trigger_id: 0,
            duration: 3600,
            author: s("admin"),
            comment: s("maintenance"),
            trigger_children: true,
        },
    );
    add(
        &format!("SCHEDULE_AND_PROPAGATE_HOST_DOWNTIME;router1;{DT};1;0;0;admin;maintenance"),
        downtime(Target::HostAndChildHosts(s("router1")), true, 0, 3600),
    );
    add(
        "SET_HOST_NOTIFICATION_NUMBER;web1;4",
        C::SetNotificationNumber {
            object: host("web1"),
            number: 4,
            note: None,
        },
    );
    add(
        "CHANGE_HOST_CHECK_TIMEPERIOD;web1;workhours",
        C::ChangeTimeperiod {
            slot: PeriodSlot::Check(host("web1")),
            timeperiod: s("workhours"),
        },
    );
    // The name is upper-cased; the value ends at `;` (Nagios run:
    // `CHANGE_CUSTOM_HOST_VAR;h2;rack;a;b` set `_RACK` to `a`).
    add(
        "CHANGE_CUSTOM_HOST_VAR;web1;rack;r12;ignored",
        C::ChangeCustomVar {
            owner: VarOwner::Object(host("web1")),
            name: s("RACK"),
            value: s("r12"),
        },
    );
    add(
        "SEND_CUSTOM_HOST_NOTIFICATION;web1;3;admin;call me",
        C::SendCustomNotification {
            object: host("web1"),
            options: NotificationOptions::BROADCAST | NotificationOptions::FORCED,
            author: s("admin"),
            comment: s("call me"),
            note: None,
        },
    );
    add(
        "CHANGE_HOST_NOTIFICATION_TIMEPERIOD;web1;workhours",
        C::ChangeTimeperiod {
            slot: PeriodSlot::Notification(host("web1")),
            timeperiod: s("workhours"),
        },
    );
    add(
        "CHANGE_HOST_MODATTR;web1;0",
        C::ChangeModAttr {
            owner: ModAttrOwner::Object(host("web1")),
            value: ModAttr::empty(),
        },
    );
    add(
        "CLEAR_HOST_FLAPPING_STATE;web1",
        C::ClearFlappingState {
            object: host("web1"),
            note: None,
        },
    );

    // Hostgroup.
    let hgh = || Target::HostgroupHosts(s("linux"));
    let hgs = || Target::HostgroupServices(s("linux"));
    add(
        "ENABLE_HOSTGROUP_HOST_NOTIFICATIONS;linux",
        switch(O::Notifications, hgh(), true),
    );
    add(
        "DISABLE_HOSTGROUP_HOST_NOTIFICATIONS;linux",
        switch(O::Notifications, hgh(), false),
    );
    add(
        "ENABLE_HOSTGROUP_SVC_NOTIFICATIONS;linux",
        switch(O::Notifications, hgs(), true),
    );
    add(
        "DISABLE_HOSTGROUP_SVC_NOTIFICATIONS;linux",
        switch(O::Notifications, hgs(), false),
    );
    add(
        "ENABLE_HOSTGROUP_HOST_CHECKS;linux",
        switch(O::ActiveChecks, hgh(), true),
    );
    add(
        "DISABLE_HOSTGROUP_HOST_CHECKS;linux",
        switch(O::ActiveChecks, hgh(), false),
    );
    add(
        "ENABLE_HOSTGROUP_PASSIVE_HOST_CHECKS;linux",
        switch(O::PassiveChecks, hgh(), true),
    );
    add(
        "DISABLE_HOSTGROUP_PASSIVE_HOST_CHECKS;linux",
        switch(O::PassiveChecks, hgh(), false),
    );
    add(
        "ENABLE_HOSTGROUP_SVC_CHECKS;linux",
        switch(O::ActiveChecks, hgs(), true),
    );
    // Nagios run: `ENABLE_HOSTGROUP_HOST_CHECKS;hg1;hgauth;hgc` commented each host.
    add(
        "DISABLE_HOSTGROUP_SVC_CHECKS;linux;admin;patching",
        C::Switch {
            switch: O::ActiveChecks,
            target: hgs(),
            enable: false,
            note: note("admin", "patching"),
        },
    );
    add(
        "ENABLE_HOSTGROUP_PASSIVE_SVC_CHECKS;linux",
        switch(O::PassiveChecks, hgs(), true),
    );
    add(
        "DISABLE_HOSTGROUP_PASSIVE_SVC_CHECKS;linux",
        switch(O::PassiveChecks, hgs(), false),
    );
    add(
        &format!("SCHEDULE_HOSTGROUP_HOST_DOWNTIME;linux;{DT};1;0;0;admin;maintenance"),
        downtime(hgh(), true, 0, 3600),
    );
    add(
        &format!("SCHEDULE_HOSTGROUP_SVC_DOWNTIME;linux;{DT};1;0;0;admin;maintenance"),
        downtime(hgs(), true, 0, 3600),
    );

    // Service.
    add(
        "ADD_SVC_COMMENT;db1;mysql;0;admin;investigating; a; b",
        C::AddComment {
            object: svc("db1", "mysql"),
            persistent: false,
            author: s("admin"),
            comment: s("investigating; a; b"),
        },
    );
    add("DEL_SVC_COMMENT;7", C::DeleteComment { kind: SK, id: 7 });
    add(
        "DEL_ALL_SVC_COMMENTS;db1;mysql",
        C::DeleteAllComments {
            object: svc("db1", "mysql"),
        },
    );
    // Nagios run: `SCHEDULE_SVC_CHECK;h1;s1;<t>;schedauth;schedc` added a comment.
    add(
        "SCHEDULE_SVC_CHECK;db1;mysql;1700000000;admin;recheck",
        C::ScheduleCheck {
            target: on(svc("db1", "mysql")),
            time: 1700000000,
            forced: false,
            note: note("admin", "recheck"),
        },
    );
    add(
        "SCHEDULE_FORCED_SVC_CHECK;db1;mysql;1700000000",
        check(on(svc("db1", "mysql")), 1700000000, true),
    );
    add(
        "ENABLE_SVC_CHECK;db1;mysql",
        switch(O::ActiveChecks, on(svc("db1", "mysql")), true),
    );
    add(
        "DISABLE_SVC_CHECK;db1;mysql",
        switch(O::ActiveChecks, on(svc("db1", "mysql")), false),
    );
    add(
        "ENABLE_PASSIVE_SVC_CHECKS;db1;mysql",
        switch(O::PassiveChecks, on(svc("db1", "mysql")), true),
    );
    add(
        "DISABLE_PASSIVE_SVC_CHECKS;db1;mysql",
        switch(O::PassiveChecks, on(svc("db1", "mysql")), false),
    );
    add(
        "DELAY_SVC_NOTIFICATION;db1;mysql;1700000600",
        C::DelayNotification {
            object: svc("db1", "mysql"),
            until: 1700000600,
            note: None,
        },
    );
    add(
        "ENABLE_SVC_NOTIFICATIONS;db1;mysql",
        switch(O::Notifications, on(svc("db1", "mysql")), true),
    );
    add(
        "DISABLE_SVC_NOTIFICATIONS;db1;mysql",
        switch(O::Notifications, on(svc("db1", "mysql")), false),
    );
    add(
        "PROCESS_SERVICE_CHECK_RESULT;db1;mysql;2;CRITICAL - down; really\\nline 2|t=1",
        C::ProcessCheckResult {
            object: svc("db1", "mysql"),
            return_code: 2,
            output: s("CRITICAL - down; really\nline 2|t=1"),
        },
    );
    add(
        "PROCESS_HOST_CHECK_RESULT;10.0.0.5;1;DOWN",
        C::ProcessCheckResult {
            object: host("10.0.0.5"),
            return_code: 1,
            output: s("DOWN"),
        },
    );
    add(
        "ENABLE_SVC_EVENT_HANDLER;db1;mysql",
        switch(O::EventHandler, on(svc("db1", "mysql")), true),
    );
    add(
        "DISABLE_SVC_EVENT_HANDLER;db1;mysql",
        switch(O::EventHandler, on(svc("db1", "mysql")), false),
    );
    add(
        "ENABLE_SVC_FLAP_DETECTION;db1;mysql",
        switch(O::FlapDetection, on(svc("db1", "mysql")), true),
    );
    add(
        "DISABLE_SVC_FLAP_DETECTION;db1;mysql",
        switch(O::FlapDetection, on(svc("db1", "mysql")), false),
    );
    add(
        &format!("SCHEDULE_SVC_DOWNTIME;db1;mysql;{DT};0;0;900;admin;maintenance"),
        downtime(on(svc("db1", "mysql")), false, 0, 900),
    );
    add("DEL_SVC_DOWNTIME;9", C::DeleteDowntime { kind: SK, id: 9 });
    add(
        "ACKNOWLEDGE_SVC_PROBLEM;db1;mysql;1;0;1;admin;seen",
        C::Acknowledge {
            object: svc("db1", "mysql"),
            sticky: false,
            notify: false,
            persistent: true,
            author: s("admin"),
            comment: s("seen"),
        },
    );
    add(
        "REMOVE_SVC_ACKNOWLEDGEMENT;db1;mysql",
        C::RemoveAcknowledgement {
            object: svc("db1", "mysql"),
        },
    );
    add(
        "START_OBSESSING_OVER_SVC;db1;mysql",
        switch(O::Obsess, on(svc("db1", "mysql")), true),
    );
    add(
        "STOP_OBSESSING_OVER_SVC;db1;mysql",
        switch(O::Obsess, on(svc("db1", "mysql")), false),
    );
    add(
        "CHANGE_SVC_EVENT_HANDLER;db1;mysql;restart-mysql!fast",
        C::ChangeEventHandler {
            slot: HandlerSlot::Object(svc("db1", "mysql")),
            command: s("restart-mysql!fast"),
        },
    );
    add(
        "CHANGE_SVC_CHECK_COMMAND;db1;mysql;check_mysql!-u;x",
        C::ChangeCheckCommand {
            object: svc("db1", "mysql"),
            command: s("check_mysql!-u;x"),
        },
    );
    // Nagios run: `2.5` became check_interval=2.000000.
    add(
        "CHANGE_NORMAL_SVC_CHECK_INTERVAL;db1;mysql;2.5",
        C::ChangeCheckInterval {
            object: svc("db1", "mysql"),
            kind: IntervalKind::Normal,
            interval: 2,
        },
    );
    // Nagios run: `010` became retry_interval=10.000000.
    add(
        "CHANGE_RETRY_SVC_CHECK_INTERVAL;db1;mysql;010",
        C::ChangeCheckInterval {
            object: svc("db1", "mysql"),
            kind: IntervalKind::Retry,
            interval: 10,
        },
    );
    // Nagios run: `010` became max_attempts=8 (strtol base 0: octal).
    add(
        "CHANGE_MAX_SVC_CHECK_ATTEMPTS;db1;mysql;010",
        C::ChangeMaxCheckAttempts {
            object: svc("db1", "mysql"),
            attempts: 8,
        },
    );
    add(
        "SET_SVC_NOTIFICATION_NUMBER;db1;mysql;0",
        C::SetNotificationNumber {
            object: svc("db1", "mysql"),
            number: 0,
            note: None,
        },
    );
    add(
        "CHANGE_SVC_CHECK_TIMEPERIOD;db1;mysql;nonworkhours",
        C::ChangeTimeperiod {
            slot: PeriodSlot::Check(svc("db1", "mysql")),
            timeperiod: s("nonworkhours"),
        },
    );
    add(
        "CHANGE_CUSTOM_SVC_VAR;db1;mysql;_Owner;team b",
        C::ChangeCustomVar {
            owner: VarOwner::Object(svc("db1", "mysql")),
            name: s("_OWNER"),
            value: s("team b"),
        },
    );
    add(
        "CHANGE_CUSTOM_CONTACT_VAR;alice;pager;555-1234",
        C::ChangeCustomVar {
            owner: VarOwner::Contact(s("alice")),
            name: s("PAGER"),
            value: s("555-1234"),
        },
    );
    // Nagios run: `SEND_CUSTOM_HOST_NOTIFICATION;h2;0;a1;c1;a2;c2` added a comment
    // by a2 (and the comment ends at `;`).
    add(
        "SEND_CUSTOM_SVC_NOTIFICATION;db1;mysql;4;admin;hello;ops;sent hello",
        C::SendCustomNotification {
            object: svc("db1", "mysql"),
            options: NotificationOptions::INCREMENT,
            author: s("admin"),
            comment: s("hello"),
            note: note("ops", "sent hello"),
        },
    );
    add(
        "CHANGE_SVC_NOTIFICATION_TIMEPERIOD;db1;mysql;24x7",
        C::ChangeTimeperiod {
            slot: PeriodSlot::Notification(svc("db1", "mysql")),
            timeperiod: s("24x7"),
        },
    );
    add(
        "CHANGE_SVC_MODATTR;db1;mysql;0x3",
        C::ChangeModAttr {
            owner: ModAttrOwner::Object(svc("db1", "mysql")),
            value: ModAttr::NOTIFICATIONS_ENABLED | ModAttr::ACTIVE_CHECKS_ENABLED,
        },
    );
    add(
        "CLEAR_SVC_FLAPPING_STATE;db1;mysql;admin;reset",
        C::ClearFlappingState {
            object: svc("db1", "mysql"),
            note: note("admin", "reset"),
        },
    );

    // Servicegroup.
    let sgh = || Target::ServicegroupHosts(s("web"));
    let sgs = || Target::ServicegroupServices(s("web"));
    add(
        "ENABLE_SERVICEGROUP_HOST_NOTIFICATIONS;web",
        switch(O::Notifications, sgh(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_HOST_NOTIFICATIONS;web",
        switch(O::Notifications, sgh(), false),
    );
    add(
        "ENABLE_SERVICEGROUP_SVC_NOTIFICATIONS;web",
        switch(O::Notifications, sgs(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_SVC_NOTIFICATIONS;web",
        switch(O::Notifications, sgs(), false),
    );
    add(
        "ENABLE_SERVICEGROUP_HOST_CHECKS;web",
        switch(O::ActiveChecks, sgh(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_HOST_CHECKS;web",
        switch(O::ActiveChecks, sgh(), false),
    );
    add(
        "ENABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS;web",
        switch(O::PassiveChecks, sgh(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS;web",
        switch(O::PassiveChecks, sgh(), false),
    );
    add(
        "ENABLE_SERVICEGROUP_SVC_CHECKS;web",
        switch(O::ActiveChecks, sgs(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_SVC_CHECKS;web",
        switch(O::ActiveChecks, sgs(), false),
    );
    add(
        "ENABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS;web",
        switch(O::PassiveChecks, sgs(), true),
    );
    add(
        "DISABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS;web",
        switch(O::PassiveChecks, sgs(), false),
    );
    add(
        &format!("SCHEDULE_SERVICEGROUP_HOST_DOWNTIME;web;{DT};1;0;0;admin;maintenance"),
        downtime(sgh(), true, 0, 3600),
    );
    add(
        &format!("SCHEDULE_SERVICEGROUP_SVC_DOWNTIME;web;{DT};0;2;60;admin;maintenance"),
        downtime(sgs(), false, 2, 60),
    );

    // Contacts and contactgroups.
    add(
        "ENABLE_CONTACT_HOST_NOTIFICATIONS;alice",
        contacts(contact("alice"), HK, true),
    );
    add(
        "DISABLE_CONTACT_HOST_NOTIFICATIONS;alice",
        contacts(contact("alice"), HK, false),
    );
    add(
        "ENABLE_CONTACT_SVC_NOTIFICATIONS;alice",
        contacts(contact("alice"), SK, true),
    );
    add(
        "DISABLE_CONTACT_SVC_NOTIFICATIONS;alice",
        contacts(contact("alice"), SK, false),
    );
    add(
        "CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD;alice;workhours",
        C::ChangeTimeperiod {
            slot: PeriodSlot::ContactHostNotification(s("alice")),
            timeperiod: s("workhours"),
        },
    );
    add(
        "CHANGE_CONTACT_SVC_NOTIFICATION_TIMEPERIOD;alice;workhours",
        C::ChangeTimeperiod {
            slot: PeriodSlot::ContactServiceNotification(s("alice")),
            timeperiod: s("workhours"),
        },
    );
    add(
        "CHANGE_CONTACT_MODATTR;alice;32768",
        C::ChangeModAttr {
            owner: ModAttrOwner::Contact(s("alice")),
            value: ModAttr::CUSTOM_VARIABLE,
        },
    );
    add(
        "CHANGE_CONTACT_MODHATTR;alice;1",
        C::ChangeModAttr {
            owner: ModAttrOwner::ContactHost(s("alice")),
            value: ModAttr::NOTIFICATIONS_ENABLED,
        },
    );
    add(
        "CHANGE_CONTACT_MODSATTR;alice;65537",
        C::ChangeModAttr {
            owner: ModAttrOwner::ContactService(s("alice")),
            value: ModAttr::NOTIFICATIONS_ENABLED | ModAttr::NOTIFICATION_TIMEPERIOD,
        },
    );
    add(
        "ENABLE_CONTACTGROUP_HOST_NOTIFICATIONS;admins",
        contacts(group("admins"), HK, true),
    );
    add(
        "DISABLE_CONTACTGROUP_HOST_NOTIFICATIONS;admins",
        contacts(group("admins"), HK, false),
    );
    add(
        "ENABLE_CONTACTGROUP_SVC_NOTIFICATIONS;admins",
        contacts(group("admins"), SK, true),
    );
    add(
        "DISABLE_CONTACTGROUP_SVC_NOTIFICATIONS;admins",
        contacts(group("admins"), SK, false),
    );

    // Misc and vigil's addition.
    add(
        "PROCESS_FILE;/var/tmp/cmds;1",
        C::ProcessFile {
            path: s("/var/tmp/cmds"),
            delete: true,
        },
    );
    add(
        "LOG;free; text",
        C::Log {
            text: s("free; text"),
        },
    );
    v
}

fn name_of(line: &str) -> String {
    line.split(';').next().unwrap_or("").to_ascii_uppercase()
}

#[test]
fn the_table_has_exactly_the_nagios_names_and_vigils_additions() {
    let nagios: BTreeSet<&str> = NAGIOS_4_4_6.iter().copied().collect();
    assert_eq!(nagios.len(), 163, "duplicate in the reference list");
    let table: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    let table_set: BTreeSet<&str> = table.iter().copied().collect();
    assert_eq!(table_set.len(), table.len(), "duplicate name in COMMANDS");
    let from_nagios: BTreeSet<&str> = COMMANDS
        .iter()
        .filter(|c| c.nagios != NagiosSupport::NotNagios)
        .map(|c| c.name)
        .collect();
    assert_eq!(from_nagios, nagios);
    let additions: Vec<&str> = COMMANDS
        .iter()
        .filter(|c| c.nagios == NagiosSupport::NotNagios)
        .map(|c| c.name)
        .collect();
    assert_eq!(additions, vec!["LOG"]);
    let refused: BTreeSet<&str> = COMMANDS
        .iter()
        .filter(|c| c.nagios == NagiosSupport::Refuses)
        .map(|c| c.name)
        .collect();
    assert_eq!(refused, NAGIOS_REFUSES.iter().copied().collect());
    // Nagios's order is kept.
    assert_eq!(&table[..163], NAGIOS_4_4_6);
}

#[test]
fn aliases_point_at_a_name_with_the_same_operation() {
    let aliases: Vec<(&str, &str)> = COMMANDS
        .iter()
        .filter_map(|c| c.alias_of.map(|of| (c.name, of)))
        .collect();
    assert_eq!(
        aliases,
        vec![
            ("ENTER_STANDBY_MODE", "DISABLE_NOTIFICATIONS"),
            ("ENTER_ACTIVE_MODE", "ENABLE_NOTIFICATIONS"),
            ("SHUTDOWN_PROCESS", "SHUTDOWN_PROGRAM"),
            ("RESTART_PROCESS", "RESTART_PROGRAM"),
        ]
    );
    for (name, of) in aliases {
        let a = lookup(name).map(|c| c.op);
        let b = lookup(of).map(|c| c.op);
        assert!(a.is_some() && a == b, "{name} vs {of}");
    }
}

#[test]
fn every_command_name_parses_to_its_exact_value() {
    let cases = cases();
    for (line, want) in &cases {
        assert_eq!(&ok(&format!("[1] {line}")), want, "{line}");
        // Names are case-insensitive (Nagios strcasecmp).
        let lower = match line.split_once(';') {
            Some((n, a)) => format!("[1] {};{a}", n.to_ascii_lowercase()),
            None => format!("[1] {}", line.to_ascii_lowercase()),
        };
        assert_eq!(&ok(&lower), want, "{lower}");
    }
    let covered: BTreeSet<String> = cases.iter().map(|(l, _)| name_of(l)).collect();
    let all: BTreeSet<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
    let missing: Vec<&String> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "no case for {missing:?}");
}

#[test]
fn the_example_of_every_row_parses_and_extra_fields_are_ignored() {
    for spec in COMMANDS {
        let args = spec.example_args();
        let line = if args.is_empty() {
            format!("[1] {}", spec.name)
        } else {
            format!("[1] {};{args}", spec.name)
        };
        let cmd = ok(&line);
        assert_eq!(cmd.modattr(), spec.modattr(), "{}", spec.name);
        // A command whose last argument ends at `;` ignores what follows it
        // (after the optional note, which is then taken as the note).
        let all = spec.args();
        let own = &all[..all.len() - if spec.takes_note() { 2 } else { 0 }];
        let last_is_field = own.last().is_none_or(|a: &Arg| a.end == End::Field);
        if last_is_field && !args.is_empty() {
            let extra = if spec.takes_note() {
                format!("{line};me;why;extra;more")
            } else {
                format!("{line};extra;more")
            };
            assert_eq!(
                parse(&extra).map(|c| c.note().cloned()),
                Ok(spec.takes_note().then(|| Note {
                    author: s("me"),
                    comment: s("why")
                })),
                "{extra}"
            );
        }
    }
}

#[test]
fn required_arguments_are_checked_for_every_row() {
    // Dropping the last required argument of every command is malformed, with
    // the argument's name in the reason.
    for spec in COMMANDS {
        let args = spec.args();
        let n = spec.required_args();
        assert!(args[..n].iter().all(|a| !a.optional), "{}", spec.name);
        let Some(last) = args[..n].last() else {
            continue;
        };
        let example = spec.example_args();
        let fields: Vec<&str> = example.split(';').collect();
        let shorter = if n > 1 {
            format!("[1] {};{}", spec.name, fields[..n - 1].join(";"))
        } else {
            format!("[1] {}", spec.name)
        };
        // The required fields alone are well-formed.
        let required_only = format!("[1] {};{}", spec.name, fields[..n].join(";"));
        assert!(parse(&required_only).is_ok(), "{required_only}");
        match parse(&shorter) {
            Err(vigil_commands::CommandError::Malformed(r)) => {
                assert_eq!(r, format!("missing {}", last.what), "{shorter}")
            }
            other => panic!("{shorter}: {other:?}"),
        }
    }
}

/// Modified attributes each command set in a run of Nagios 4.4.6 (the command
/// sent to a fresh or reset object whose value it changes; status.dat read
/// before and after). `None`: no attribute changed.
fn observed_modattr(name: &str) -> Option<ModAttrChange> {
    use AttrSet::*;
    let set = |bits: u64, on| {
        Some(ModAttrChange::Set {
            bits: ModAttr::from_bits_retain(bits),
            on,
        })
    };
    let n = name;
    let has = |w: &str| n.contains(w);
    match n {
        // Refused by Nagios 4.4.6 (nothing changed in the run); the bit is the
        // one its code would set (cmd_change_object_char_var).
        "CHANGE_GLOBAL_HOST_EVENT_HANDLER" => set(256, ProgramHost),
        "CHANGE_GLOBAL_SVC_EVENT_HANDLER" => set(256, ProgramService),
        "CHANGE_HOST_EVENT_HANDLER" | "CHANGE_SVC_EVENT_HANDLER" => set(256, Objects),
        "CHANGE_HOST_CHECK_COMMAND" | "CHANGE_SVC_CHECK_COMMAND" => set(512, Objects),
        // Observed.
        "ENABLE_NOTIFICATIONS"
        | "DISABLE_NOTIFICATIONS"
        | "ENTER_STANDBY_MODE"
        | "ENTER_ACTIVE_MODE" => set(1, ProgramBoth),
        "ENABLE_EVENT_HANDLERS" | "DISABLE_EVENT_HANDLERS" => set(8, ProgramBoth),
        "ENABLE_PERFORMANCE_DATA" | "DISABLE_PERFORMANCE_DATA" => set(64, ProgramBoth),
        "ENABLE_FLAP_DETECTION" | "DISABLE_FLAP_DETECTION" => set(16, ProgramBoth),
        "START_EXECUTING_HOST_CHECKS" | "STOP_EXECUTING_HOST_CHECKS" => set(2, ProgramHost),
        "START_EXECUTING_SVC_CHECKS" | "STOP_EXECUTING_SVC_CHECKS" => set(2, ProgramService),
        "START_ACCEPTING_PASSIVE_HOST_CHECKS" | "STOP_ACCEPTING_PASSIVE_HOST_CHECKS" => {
            set(4, ProgramHost)
        }
        "START_ACCEPTING_PASSIVE_SVC_CHECKS" | "STOP_ACCEPTING_PASSIVE_SVC_CHECKS" => {
            set(4, ProgramService)
        }
        "START_OBSESSING_OVER_HOST_CHECKS" | "STOP_OBSESSING_OVER_HOST_CHECKS" => {
            set(128, ProgramHost)
        }
        "START_OBSESSING_OVER_SVC_CHECKS" | "STOP_OBSESSING_OVER_SVC_CHECKS" => {
            set(128, ProgramService)
        }
        "ENABLE_SERVICE_FRESHNESS_CHECKS" | "DISABLE_SERVICE_FRESHNESS_CHECKS" => {
            set(8192, ProgramService)
        }
        "ENABLE_HOST_FRESHNESS_CHECKS" | "DISABLE_HOST_FRESHNESS_CHECKS" => set(8192, ProgramHost),
        "CHANGE_NORMAL_HOST_CHECK_INTERVAL" | "CHANGE_NORMAL_SVC_CHECK_INTERVAL" => {
            set(1024, Objects)
        }
        "CHANGE_RETRY_HOST_CHECK_INTERVAL" | "CHANGE_RETRY_SVC_CHECK_INTERVAL" => {
            set(2048, Objects)
        }
        "CHANGE_MAX_HOST_CHECK_ATTEMPTS" | "CHANGE_MAX_SVC_CHECK_ATTEMPTS" => set(4096, Objects),
        "CHANGE_HOST_CHECK_TIMEPERIOD" | "CHANGE_SVC_CHECK_TIMEPERIOD" => set(16384, Objects),
        "CHANGE_HOST_NOTIFICATION_TIMEPERIOD" | "CHANGE_SVC_NOTIFICATION_TIMEPERIOD" => {
            set(65536, Objects)
        }
        "CHANGE_CUSTOM_HOST_VAR" | "CHANGE_CUSTOM_SVC_VAR" => set(32768, Objects),
        "CHANGE_CUSTOM_CONTACT_VAR" => set(32768, Contact),
        "CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD" => set(65536, ContactHost),
        "CHANGE_CONTACT_SVC_NOTIFICATION_TIMEPERIOD" => set(65536, ContactService),
        // The argument (5 in the run) replaced the set.
        "CHANGE_HOST_MODATTR" | "CHANGE_SVC_MODATTR" => {
            Some(ModAttrChange::Replace { on: Objects })
        }
        "CHANGE_CONTACT_MODATTR" => Some(ModAttrChange::Replace { on: Contact }),
        "CHANGE_CONTACT_MODHATTR" => Some(ModAttrChange::Replace { on: ContactHost }),
        "CHANGE_CONTACT_MODSATTR" => Some(ModAttrChange::Replace { on: ContactService }),
        _ if has("CONTACT") && has("_HOST_NOTIFICATIONS") => set(1, ContactHost),
        _ if has("CONTACT") && has("_SVC_NOTIFICATIONS") => set(1, ContactService),
        _ if (n.starts_with("ENABLE_") || n.starts_with("DISABLE_")) && has("NOTIFICATIONS") => {
            set(1, Objects)
        }
        _ if (n.starts_with("ENABLE_") || n.starts_with("DISABLE_")) && has("PASSIVE") => {
            set(4, Objects)
        }
        _ if (n.starts_with("ENABLE_") || n.starts_with("DISABLE_"))
            && (n.ends_with("_CHECK") || n.ends_with("_CHECKS")) =>
        {
            set(2, Objects)
        }
        _ if n.ends_with("_EVENT_HANDLER") && !n.starts_with("CHANGE") => set(8, Objects),
        _ if n.ends_with("_FLAP_DETECTION") => set(16, Objects),
        "START_OBSESSING_OVER_HOST"
        | "STOP_OBSESSING_OVER_HOST"
        | "START_OBSESSING_OVER_SVC"
        | "STOP_OBSESSING_OVER_SVC" => set(128, Objects),
        _ => None,
    }
}

#[test]
fn modified_attributes_are_those_nagios_sets() {
    for spec in COMMANDS {
        assert_eq!(spec.modattr(), observed_modattr(spec.name), "{}", spec.name);
    }
    // Spot checks of the observed run, independent of the name patterns above.
    let bits = |name: &str| match lookup(name).and_then(|c| c.modattr()) {
        Some(ModAttrChange::Set { bits, on }) => Some((bits.bits(), on)),
        _ => None,
    };
    assert_eq!(
        bits("ENABLE_HOSTGROUP_SVC_CHECKS"),
        Some((2, AttrSet::Objects))
    );
    assert_eq!(
        bits("DISABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS"),
        Some((4, AttrSet::Objects))
    );
    assert_eq!(
        bits("ENABLE_ALL_NOTIFICATIONS_BEYOND_HOST"),
        Some((1, AttrSet::Objects))
    );
    assert_eq!(
        bits("ENABLE_CONTACTGROUP_SVC_NOTIFICATIONS"),
        Some((1, AttrSet::ContactService))
    );
    assert_eq!(
        bits("STOP_OBSESSING_OVER_SVC"),
        Some((128, AttrSet::Objects))
    );
    assert_eq!(bits("SCHEDULE_HOST_DOWNTIME"), None);
    assert_eq!(bits("ACKNOWLEDGE_SVC_PROBLEM"), None);
    assert_eq!(bits("PROCESS_SERVICE_CHECK_RESULT"), None);
}

#[test]
fn arg_kinds_of_passive_results_allow_addresses() {
    let spec = lookup("process_service_check_result").expect("known");
    let kinds: Vec<ArgKind> = spec.args().iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ArgKind::HostNameOrAddress,
            ArgKind::ServiceDescription,
            ArgKind::ReturnCode,
            ArgKind::PluginOutput
        ]
    );
    assert!(spec
        .args()
        .last()
        .is_some_and(|a| a.optional && a.end == End::Rest));
}

/// The documentation table `COMMANDS.md`, rendered from the table. Regenerate with
/// `VIGIL_BLESS=1 cargo test -p vigil-commands --test all_commands`.
fn render_markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "# External commands\n\n\
         Generated from `crates/commands/src/table.rs` by the test `all_commands`\n\
         (`VIGIL_BLESS=1 cargo test -p vigil-commands --test all_commands`); do not edit.\n\n\
         Every name Nagios 4.4.6 accepts (163, four of them aliases) and vigil's\n\
         addition `LOG`. Names are matched case-insensitively. *Operation* is the\n\
         `vigil_commands::Command` variant the line parses into; *Arguments* lists\n\
         the fields after the name: `;` separates fields that end at the next `;`,\n\
         `…` marks the last field that takes the rest of the line (`;` included),\n\
         `[x]` an optional field. `+ note` = the optional trailing `;<author>;<comment>`\n\
         that adds a comment (Nagios 4.4.6 behaviour). *Modified attributes*: the\n\
         `MODATTR_*` bits set, and where (`objects` = each host/service acted on).\n\n\
         | Command | Operation | Arguments | Modified attributes | Notes |\n\
         |---|---|---|---|---|\n",
    );
    for spec in COMMANDS {
        let mut args: Vec<String> = Vec::new();
        let all = spec.args();
        let note_at = if spec.takes_note() {
            all.len().saturating_sub(2)
        } else {
            all.len()
        };
        for a in all.iter().take(note_at) {
            let mut t = format!("<{}>", a.what.replace(' ', "_"));
            if a.end == End::Rest {
                t.push('…');
            }
            if a.optional {
                t = format!("[{t}]");
            }
            args.push(t);
        }
        let mut args = args.join(";");
        if spec.takes_note() {
            args.push_str(" + note");
        }
        let modattr = match spec.modattr() {
            None => String::new(),
            Some(ModAttrChange::Set { bits, on }) => {
                let names: Vec<String> = bits.iter_names().map(|(n, _)| n.to_string()).collect();
                format!("{} ({}) on {}", names.join("|"), bits.bits(), attr_set(on))
            }
            Some(ModAttrChange::Replace { on }) => {
                format!("replaced by the value, on {}", attr_set(on))
            }
        };
        let mut notes: Vec<String> = Vec::new();
        if let Some(of) = spec.alias_of {
            notes.push(format!("alias of {of}"));
        }
        match spec.nagios {
            NagiosSupport::Accepts => {}
            NagiosSupport::Refuses => notes.push("Nagios 4.4.6 always fails it".into()),
            NagiosSupport::NotNagios => notes.push("not in Nagios 4.4.6 (Naemon)".into()),
        }
        let args = if args.is_empty() {
            "none".to_string()
        } else {
            format!("`{args}`")
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            spec.name,
            spec.op,
            args,
            modattr,
            notes.join("; ")
        ));
    }
    out
}

fn attr_set(on: AttrSet) -> &'static str {
    match on {
        AttrSet::Objects => "objects",
        AttrSet::ProgramHost => "program (host)",
        AttrSet::ProgramService => "program (service)",
        AttrSet::ProgramBoth => "program (host and service)",
        AttrSet::Contact => "contact",
        AttrSet::ContactHost => "contact (host)",
        AttrSet::ContactService => "contact (service)",
    }
}

#[test]
fn the_documentation_table_is_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/COMMANDS.md");
    let want = render_markdown();
    if std::env::var_os("VIGIL_BLESS").is_some() {
        std::fs::write(path, &want).expect("write COMMANDS.md");
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "COMMANDS.md is out of date: run VIGIL_BLESS=1 cargo test -p vigil-commands --test all_commands"
    );
}
