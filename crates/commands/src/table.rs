//! The machine-readable table of every external command: name → operation
//! ([`Op`]), arguments (kind, where each ends, required or not), whether the
//! command takes the optional trailing `;<author>;<comment>` ([`Note`]), and the
//! modified attributes it sets. [`parse_command`](crate::parse_command) reads the
//! arguments from this table, so the table is what the parser does.
//!
//! [`COMMANDS`] holds the 163 names Nagios 4.4.6 accepts (base/commands.c,
//! `process_external_command1`; 4 of them aliases) and vigil's one addition,
//! `LOG` (Naemon).
//!
//! [`Note`]: crate::Note

use std::fmt;

use crate::command::{IntervalKind, ObjectKind, ObjectSwitch, ProgramSwitch};
use crate::modattr::ModAttrChange;

/// What the leading name arguments of a command designate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// No object (program-wide commands).
    Program,
    /// `<host_name>`
    Host,
    /// `<host_name>;<service_description>`
    Service,
    /// `<host_name>`: every service of the host.
    HostServices,
    /// `<host_name>`: the host and all hosts beyond it.
    HostAndChildHosts,
    /// `<host_name>`: the hosts beyond it and their services.
    HostsAndServicesBeyond,
    /// `<hostgroup_name>`: its hosts.
    HostgroupHosts,
    /// `<hostgroup_name>`: the services of its hosts.
    HostgroupServices,
    /// `<servicegroup_name>`: the hosts of its services.
    ServicegroupHosts,
    /// `<servicegroup_name>`: its services.
    ServicegroupServices,
    /// `<contact_name>`
    Contact,
    /// `<contactgroup_name>`: its members.
    Contactgroup,
}

/// Which timeperiod a `CHANGE_*_TIMEPERIOD` command sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// Host/service `check_period`.
    Check,
    /// Host/service `notification_period`.
    Notification,
    /// Contact `host_notification_period`.
    HostNotification,
    /// Contact `service_notification_period`.
    ServiceNotification,
}

/// Which contact attribute set a `CHANGE_CONTACT_MOD*ATTR` command replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactAttrs {
    /// `modified_attributes`
    General,
    /// `modified_host_attributes`
    Host,
    /// `modified_service_attributes`
    Service,
}

/// The three `DEL_DOWNTIME_BY_*` commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DowntimeSelector {
    /// `DEL_DOWNTIME_BY_HOST_NAME;<host>[;<svc>[;<start>[;<comment>]]]`
    HostName,
    /// `DEL_DOWNTIME_BY_HOSTGROUP_NAME;<hostgroup>[;<host>[;<svc>[;<start>[;<comment>]]]]`
    HostgroupName,
    /// `DEL_DOWNTIME_BY_START_TIME_COMMENT;[<start>][;<comment>]`
    StartTimeComment,
}

/// The operation a command name stands for: which [`Command`] variant it builds
/// and with which fixed parts. Fieldless apart from those parts, so it can live
/// in a static table.
///
/// [`Command`]: crate::Command
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the fields are the same-named fields of `Command`
pub enum Op {
    ProcessCheckResult(ObjectKind),
    ScheduleCheck {
        scope: Scope,
        forced: bool,
    },
    Switch {
        switch: ObjectSwitch,
        scope: Scope,
        enable: bool,
    },
    ProgramSwitch {
        switch: ProgramSwitch,
        enable: bool,
    },
    ContactNotifications {
        scope: Scope,
        kind: ObjectKind,
        enable: bool,
    },
    Acknowledge(ObjectKind),
    RemoveAcknowledgement(ObjectKind),
    AddComment(ObjectKind),
    DeleteComment(ObjectKind),
    DeleteAllComments(ObjectKind),
    ScheduleDowntime {
        scope: Scope,
        trigger_children: bool,
    },
    DeleteDowntime(ObjectKind),
    DeleteDowntimes(DowntimeSelector),
    SendCustomNotification(ObjectKind),
    DelayNotification(ObjectKind),
    SetNotificationNumber(ObjectKind),
    ClearFlappingState(ObjectKind),
    ChangeCheckInterval(ObjectKind, IntervalKind),
    ChangeMaxCheckAttempts(ObjectKind),
    ChangeObjectModAttr(ObjectKind),
    ChangeContactModAttr(ContactAttrs),
    ChangeObjectTimeperiod(ObjectKind, PeriodKind),
    ChangeContactTimeperiod(PeriodKind),
    ChangeGlobalEventHandler(ObjectKind),
    ChangeEventHandler(ObjectKind),
    ChangeCheckCommand(ObjectKind),
    ChangeObjectCustomVar(ObjectKind),
    ChangeContactCustomVar,
    Shutdown,
    Restart,
    SaveStateInformation,
    ReadStateInformation,
    ProcessFile,
    Log,
}

/// How an argument is read and what it must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// A host name (not empty).
    HostName,
    /// A host name or address (passive results only).
    HostNameOrAddress,
    /// A service description (not empty).
    ServiceDescription,
    /// A hostgroup name (not empty).
    HostgroupName,
    /// A servicegroup name (not empty).
    ServicegroupName,
    /// A contact name (not empty).
    ContactName,
    /// A contactgroup name (not empty).
    ContactgroupName,
    /// A timeperiod name (not empty).
    TimeperiodName,
    /// `command_name[!args]` of a check command (not empty).
    CheckCommand,
    /// `command_name[!args]` of an event handler, or empty (= none).
    EventHandlerCommand,
    /// A file path (not empty).
    FilePath,
    /// A custom variable name without `_` (not empty; upper-cased).
    VariableName,
    /// A custom variable value (may be empty).
    VariableValue,
    /// An author (may be empty).
    Author,
    /// A comment text (may be empty).
    Comment,
    /// Plugin output; `\n` and `\\` are unescaped; absent = empty.
    PluginOutput,
    /// Free text (LOG).
    LogText,
    /// Epoch seconds, a decimal integer.
    Time,
    /// Seconds, a non-negative decimal integer.
    Duration,
    /// Downtime id, a non-negative decimal integer.
    DowntimeId,
    /// Id of a triggering downtime (0 = none), a non-negative decimal integer.
    TriggerId,
    /// Comment id, a decimal integer > 0 (Nagios fails on 0).
    CommentId,
    /// A non-negative decimal integer; > 0 is true (Nagios `atoi(x) > 0`).
    Flag,
    /// A non-negative decimal integer; 2 is sticky, anything else normal.
    StickyFlag,
    /// A non-negative decimal integer; != 0 is true (Nagios `atoi(x) != 0`).
    DeleteFlag,
    /// Plugin return code, a decimal `int`.
    ReturnCode,
    /// Custom notification options, a decimal bit mask.
    NotificationOptions,
    /// A notification number, a non-negative decimal integer.
    NotificationNumber,
    /// A check interval in interval units: a non-negative decimal number,
    /// truncated to its whole part (Nagios `(int)strtod`).
    Interval,
    /// Max check attempts: a C integer (`10`, `012` octal, `0xA` hex, as Nagios's
    /// `strtol(x, NULL, 0)`), at least 1.
    MaxAttempts,
    /// A modified-attributes value: a C integer (decimal, octal or hex), >= 0.
    ModAttrValue,
}

impl ArgKind {
    /// Texts keep an empty value; names and numbers never have one.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ArgKind::VariableValue
                | ArgKind::Author
                | ArgKind::Comment
                | ArgKind::PluginOutput
                | ArgKind::LogText
                | ArgKind::EventHandlerCommand
        )
    }
}

/// Where an argument ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    /// At the next `;` (Nagios `my_strtok(NULL, ";")`).
    Field,
    /// At the end of the line: the rest, `;` included (`my_strtok(NULL, "\n")`).
    Rest,
}

/// One argument of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arg {
    /// Its name in error reasons (`missing host name`).
    pub what: &'static str,
    /// How it is read.
    pub kind: ArgKind,
    /// Where it ends.
    pub end: End,
    /// May be absent.
    pub optional: bool,
}

const fn field(what: &'static str, kind: ArgKind) -> Arg {
    Arg {
        what,
        kind,
        end: End::Field,
        optional: false,
    }
}

const fn rest(what: &'static str, kind: ArgKind) -> Arg {
    Arg {
        what,
        kind,
        end: End::Rest,
        optional: false,
    }
}

const fn opt(a: Arg) -> Arg {
    Arg {
        optional: true,
        ..a
    }
}

const HOST: Arg = field("host name", ArgKind::HostName);
const SERVICE: Arg = field("service description", ArgKind::ServiceDescription);
const NOTE: [Arg; 2] = [
    opt(field("author", ArgKind::Author)),
    opt(field("comment", ArgKind::Comment)),
];

/// How Nagios 4.4.6 treats a name vigil knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NagiosSupport {
    /// Nagios runs it.
    Accepts,
    /// Nagios knows the name but always fails it ("disabled for the time being"
    /// security patch in `cmd_change_object_char_var`): `Command failed`.
    Refuses,
    /// Not a Nagios 4.4.6 command (vigil addition).
    NotNagios,
}

/// One row of [`COMMANDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The name (matched case-insensitively).
    pub name: &'static str,
    /// What it does.
    pub op: Op,
    /// For an alias, the name it is an alias of.
    pub alias_of: Option<&'static str>,
    /// How Nagios 4.4.6 treats it.
    pub nagios: NagiosSupport,
}

impl Scope {
    /// The leading name arguments.
    pub fn args(self) -> &'static [Arg] {
        const HG: Arg = field("hostgroup name", ArgKind::HostgroupName);
        const SG: Arg = field("servicegroup name", ArgKind::ServicegroupName);
        const C: Arg = field("contact name", ArgKind::ContactName);
        const CG: Arg = field("contactgroup name", ArgKind::ContactgroupName);
        match self {
            Scope::Program => &[],
            Scope::Host
            | Scope::HostServices
            | Scope::HostAndChildHosts
            | Scope::HostsAndServicesBeyond => &[HOST],
            Scope::Service => &[HOST, SERVICE],
            Scope::HostgroupHosts | Scope::HostgroupServices => &[HG],
            Scope::ServicegroupHosts | Scope::ServicegroupServices => &[SG],
            Scope::Contact => &[C],
            Scope::Contactgroup => &[CG],
        }
    }
}

impl From<ObjectKind> for Scope {
    fn from(k: ObjectKind) -> Self {
        match k {
            ObjectKind::Host => Scope::Host,
            ObjectKind::Service => Scope::Service,
        }
    }
}

impl Op {
    /// The scope of the leading name arguments.
    pub fn scope(self) -> Scope {
        use Op::*;
        match self {
            ScheduleCheck { scope, .. }
            | Switch { scope, .. }
            | ContactNotifications { scope, .. }
            | ScheduleDowntime { scope, .. } => scope,
            ProcessCheckResult(k)
            | Acknowledge(k)
            | RemoveAcknowledgement(k)
            | AddComment(k)
            | DeleteAllComments(k)
            | SendCustomNotification(k)
            | DelayNotification(k)
            | SetNotificationNumber(k)
            | ClearFlappingState(k)
            | ChangeCheckInterval(k, _)
            | ChangeMaxCheckAttempts(k)
            | ChangeObjectModAttr(k)
            | ChangeObjectTimeperiod(k, _)
            | ChangeEventHandler(k)
            | ChangeCheckCommand(k)
            | ChangeObjectCustomVar(k) => k.into(),
            ChangeContactModAttr(_) | ChangeContactTimeperiod(_) | ChangeContactCustomVar => {
                Scope::Contact
            }
            ProgramSwitch { .. }
            | DeleteComment(_)
            | DeleteDowntime(_)
            | DeleteDowntimes(_)
            | ChangeGlobalEventHandler(_)
            | Shutdown
            | Restart
            | SaveStateInformation
            | ReadStateInformation
            | ProcessFile
            | Log => Scope::Program,
        }
    }

    /// Takes the optional trailing `;<author>;<comment>` (Nagios 4.4.6: the
    /// host, service, hostgroup and servicegroup commands, `cmd_schedule_check`
    /// and `cmd_delay_notification`).
    pub fn takes_note(self) -> bool {
        matches!(
            self,
            Op::ScheduleCheck { .. }
                | Op::Switch { .. }
                | Op::SendCustomNotification(_)
                | Op::DelayNotification(_)
                | Op::SetNotificationNumber(_)
                | Op::ClearFlappingState(_)
        )
    }

    /// The arguments after the scope's names, before a note.
    fn own_args(self) -> &'static [Arg] {
        use ArgKind as K;
        use Op::*;
        const AUTHOR: Arg = field("author", K::Author);
        const START: Arg = opt(field("start time", K::Time));
        const COMMENT: Arg = opt(field("comment", K::Comment));
        const PASSIVE: &[Arg] = &[
            field("return code", K::ReturnCode),
            opt(rest("plugin output", K::PluginOutput)),
        ];
        const CHECK: &[Arg] = &[field("check time", K::Time)];
        const ACK: &[Arg] = &[
            field("sticky flag", K::StickyFlag),
            field("notify flag", K::Flag),
            field("persistent flag", K::Flag),
            AUTHOR,
            rest("comment", K::Comment),
        ];
        const ADD_COMMENT: &[Arg] = &[
            field("persistent flag", K::Flag),
            AUTHOR,
            rest("comment", K::Comment),
        ];
        const COMMENT_ID: &[Arg] = &[rest("comment id", K::CommentId)];
        const DOWNTIME: &[Arg] = &[
            field("start time", K::Time),
            field("end time", K::Time),
            field("fixed flag", K::Flag),
            field("trigger id", K::TriggerId),
            field("duration", K::Duration),
            AUTHOR,
            field("comment", K::Comment),
        ];
        const DOWNTIME_ID: &[Arg] = &[rest("downtime id", K::DowntimeId)];
        const BY_HOST: &[Arg] = &[HOST, opt(SERVICE), START, COMMENT];
        // Nagios reads a second service/start/comment group after the first one
        // and lets it override (cmd_delete_downtime_by_hostgroup_name).
        const BY_HOSTGROUP: &[Arg] = &[
            field("hostgroup name", K::HostgroupName),
            opt(HOST),
            opt(SERVICE),
            START,
            COMMENT,
            opt(SERVICE),
            START,
            COMMENT,
        ];
        const BY_START: &[Arg] = &[START, opt(rest("comment", K::Comment))];
        const CUSTOM: &[Arg] = &[
            field("notification options", K::NotificationOptions),
            AUTHOR,
            field("comment", K::Comment),
        ];
        const DELAY: &[Arg] = &[field("notification time", K::Time)];
        const NUMBER: &[Arg] = &[field("notification number", K::NotificationNumber)];
        const INTERVAL: &[Arg] = &[field("check interval", K::Interval)];
        const ATTEMPTS: &[Arg] = &[field("max check attempts", K::MaxAttempts)];
        const MODATTR: &[Arg] = &[field("attribute value", K::ModAttrValue)];
        const PERIOD: &[Arg] = &[rest("timeperiod name", K::TimeperiodName)];
        const HANDLER: &[Arg] = &[opt(rest("event handler command", K::EventHandlerCommand))];
        const CHECK_COMMAND: &[Arg] = &[rest("check command", K::CheckCommand)];
        const VAR: &[Arg] = &[
            field("variable name", K::VariableName),
            field("variable value", K::VariableValue),
        ];
        const WHEN: &[Arg] = &[opt(rest("scheduled time", K::Time))];
        const FILE: &[Arg] = &[
            field("file name", K::FilePath),
            rest("delete flag", K::DeleteFlag),
        ];
        const LOG: &[Arg] = &[opt(rest("log text", K::LogText))];
        match self {
            ProcessCheckResult(_) => PASSIVE,
            ScheduleCheck { .. } => CHECK,
            Acknowledge(_) => ACK,
            AddComment(_) => ADD_COMMENT,
            DeleteComment(_) => COMMENT_ID,
            ScheduleDowntime { .. } => DOWNTIME,
            DeleteDowntime(_) => DOWNTIME_ID,
            DeleteDowntimes(DowntimeSelector::HostName) => BY_HOST,
            DeleteDowntimes(DowntimeSelector::HostgroupName) => BY_HOSTGROUP,
            DeleteDowntimes(DowntimeSelector::StartTimeComment) => BY_START,
            SendCustomNotification(_) => CUSTOM,
            DelayNotification(_) => DELAY,
            SetNotificationNumber(_) => NUMBER,
            ChangeCheckInterval(..) => INTERVAL,
            ChangeMaxCheckAttempts(_) => ATTEMPTS,
            ChangeObjectModAttr(_) | ChangeContactModAttr(_) => MODATTR,
            ChangeObjectTimeperiod(..) | ChangeContactTimeperiod(_) => PERIOD,
            ChangeGlobalEventHandler(_) | ChangeEventHandler(_) => HANDLER,
            ChangeCheckCommand(_) => CHECK_COMMAND,
            ChangeObjectCustomVar(_) | ChangeContactCustomVar => VAR,
            Shutdown | Restart => WHEN,
            ProcessFile => FILE,
            Log => LOG,
            Switch { .. }
            | ProgramSwitch { .. }
            | ContactNotifications { .. }
            | RemoveAcknowledgement(_)
            | DeleteAllComments(_)
            | ClearFlappingState(_)
            | SaveStateInformation
            | ReadStateInformation => &[],
        }
    }

    /// All arguments, in order: scope names, own arguments, then the optional
    /// note fields.
    pub fn args(self) -> Vec<Arg> {
        let mut v: Vec<Arg> = Vec::with_capacity(8);
        let mut scope = self.scope().args().to_vec();
        if let Op::ProcessCheckResult(_) = self {
            if let Some(first) = scope.first_mut() {
                first.kind = ArgKind::HostNameOrAddress;
            }
        }
        v.extend(scope);
        v.extend_from_slice(self.own_args());
        if self.takes_note() {
            v.extend_from_slice(&NOTE);
        }
        v
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Display for Op {
    /// A short, stable description for the command table (`COMMANDS.md`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Op::*;
        let on = |b: bool| if b { "enable" } else { "disable" };
        match *self {
            ProcessCheckResult(k) => write!(f, "ProcessCheckResult ({k:?})"),
            ScheduleCheck { scope, forced } => {
                write!(f, "ScheduleCheck {{ target: {scope}, forced: {forced} }}")
            }
            Switch {
                switch,
                scope,
                enable,
            } => write!(
                f,
                "Switch {{ {switch:?}, {}, target: {scope} }}",
                on(enable)
            ),
            ProgramSwitch { switch, enable } => {
                write!(f, "ProgramSwitch {{ {switch:?}, {} }}", on(enable))
            }
            ContactNotifications {
                scope,
                kind,
                enable,
            } => write!(
                f,
                "ContactNotifications {{ {scope}, {kind:?}, {} }}",
                on(enable)
            ),
            ScheduleDowntime {
                scope,
                trigger_children,
            } => {
                if trigger_children {
                    write!(
                        f,
                        "ScheduleDowntime {{ target: {scope}, trigger_children }}"
                    )
                } else {
                    write!(f, "ScheduleDowntime {{ target: {scope} }}")
                }
            }
            ChangeCheckInterval(k, i) => write!(f, "ChangeCheckInterval ({k:?}, {i:?})"),
            ChangeObjectTimeperiod(k, p) => write!(f, "ChangeTimeperiod ({k:?}, {p:?})"),
            ChangeContactTimeperiod(p) => write!(f, "ChangeTimeperiod (Contact, {p:?})"),
            ChangeObjectModAttr(k) => write!(f, "ChangeModAttr ({k:?})"),
            ChangeContactModAttr(a) => write!(f, "ChangeModAttr (Contact, {a:?})"),
            ChangeGlobalEventHandler(k) => write!(f, "ChangeEventHandler (Global{k:?})"),
            ChangeEventHandler(k) => write!(f, "ChangeEventHandler ({k:?})"),
            ChangeObjectCustomVar(k) => write!(f, "ChangeCustomVar ({k:?})"),
            ChangeContactCustomVar => write!(f, "ChangeCustomVar (Contact)"),
            DeleteDowntimes(s) => write!(f, "DeleteDowntimes (by {s:?})"),
            Acknowledge(k) => write!(f, "Acknowledge ({k:?})"),
            RemoveAcknowledgement(k) => write!(f, "RemoveAcknowledgement ({k:?})"),
            AddComment(k) => write!(f, "AddComment ({k:?})"),
            DeleteComment(k) => write!(f, "DeleteComment ({k:?})"),
            DeleteAllComments(k) => write!(f, "DeleteAllComments ({k:?})"),
            DeleteDowntime(k) => write!(f, "DeleteDowntime ({k:?})"),
            SendCustomNotification(k) => write!(f, "SendCustomNotification ({k:?})"),
            DelayNotification(k) => write!(f, "DelayNotification ({k:?})"),
            SetNotificationNumber(k) => write!(f, "SetNotificationNumber ({k:?})"),
            ClearFlappingState(k) => write!(f, "ClearFlappingState ({k:?})"),
            ChangeMaxCheckAttempts(k) => write!(f, "ChangeMaxCheckAttempts ({k:?})"),
            ChangeCheckCommand(k) => write!(f, "ChangeCheckCommand ({k:?})"),
            Shutdown => f.write_str("Shutdown"),
            Restart => f.write_str("Restart"),
            SaveStateInformation => f.write_str("SaveStateInformation"),
            ReadStateInformation => f.write_str("ReadStateInformation"),
            ProcessFile => f.write_str("ProcessFile"),
            Log => f.write_str("Log"),
        }
    }
}

impl CommandSpec {
    /// The arguments, in order (see [`Op::args`]).
    pub fn args(&self) -> Vec<Arg> {
        self.op.args()
    }

    /// Takes the optional trailing `;<author>;<comment>`.
    pub fn takes_note(&self) -> bool {
        self.op.takes_note()
    }

    /// A well-formed argument text for this command: a sample value for every
    /// argument except the note, e.g. `host1;svc1;1700000000` for
    /// `SCHEDULE_SVC_CHECK`. Required arguments come first, so the first
    /// [`Self::required_args`] fields alone are well-formed too (except
    /// `DEL_DOWNTIME_BY_START_TIME_COMMENT`, which needs one of its optional
    /// fields). Used by the documentation and the tests.
    pub fn example_args(&self) -> String {
        let args = self.args();
        let own = args.len() - if self.takes_note() { 2 } else { 0 };
        let parts: Vec<&str> = args
            .iter()
            .take(own)
            .map(|a| example_value(a.kind))
            .collect();
        parts.join(";")
    }

    /// How many arguments are required (they come first).
    pub fn required_args(&self) -> usize {
        self.args().iter().filter(|a| !a.optional).count()
    }

    /// What the command does to modified attributes (see [`ModAttrChange`]).
    pub fn modattr(&self) -> Option<ModAttrChange> {
        let line = crate::Line {
            entry_time: 0,
            name: self.name.to_string(),
            args: self.example_args(),
        };
        crate::parse_command(&line).ok().and_then(|c| c.modattr())
    }
}

fn example_value(kind: ArgKind) -> &'static str {
    use ArgKind as K;
    match kind {
        K::HostName | K::HostNameOrAddress => "host1",
        K::ServiceDescription => "svc1",
        K::HostgroupName => "hg1",
        K::ServicegroupName => "sg1",
        K::ContactName => "alice",
        K::ContactgroupName => "admins",
        K::TimeperiodName => "24x7",
        K::CheckCommand => "check_ping!100,20%!500,60%",
        K::EventHandlerCommand => "restart-svc",
        K::FilePath => "/tmp/commands.txt",
        K::VariableName => "OWNER",
        K::VariableValue => "ops",
        K::Author => "admin",
        K::Comment => "text",
        K::PluginOutput => "OK - fine",
        K::LogText => "text",
        K::Time => "1700000000",
        K::Duration => "3600",
        K::DowntimeId | K::CommentId => "7",
        K::TriggerId => "0",
        K::Flag | K::DeleteFlag => "1",
        K::StickyFlag => "2",
        K::ReturnCode => "2",
        K::NotificationOptions => "3",
        K::NotificationNumber => "4",
        K::Interval => "5",
        K::MaxAttempts => "3",
        K::ModAttrValue => "0",
    }
}

/// Finds the row of a command name, ASCII case-insensitively as Nagios 4.4.6
/// (`strcasecmp`).
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

const fn cmd(name: &'static str, op: Op) -> CommandSpec {
    CommandSpec {
        name,
        op,
        alias_of: None,
        nagios: NagiosSupport::Accepts,
    }
}

const fn alias(name: &'static str, of: &'static str, op: Op) -> CommandSpec {
    CommandSpec {
        name,
        op,
        alias_of: Some(of),
        nagios: NagiosSupport::Accepts,
    }
}

const fn refused(name: &'static str, op: Op) -> CommandSpec {
    CommandSpec {
        name,
        op,
        alias_of: None,
        nagios: NagiosSupport::Refuses,
    }
}

const fn prog(switch: ProgramSwitch, enable: bool) -> Op {
    Op::ProgramSwitch { switch, enable }
}

const fn sw(switch: ObjectSwitch, scope: Scope, enable: bool) -> Op {
    Op::Switch {
        switch,
        scope,
        enable,
    }
}

const fn check(scope: Scope, forced: bool) -> Op {
    Op::ScheduleCheck { scope, forced }
}

const fn downtime(scope: Scope) -> Op {
    Op::ScheduleDowntime {
        scope,
        trigger_children: false,
    }
}

const fn contacts(scope: Scope, kind: ObjectKind, enable: bool) -> Op {
    Op::ContactNotifications {
        scope,
        kind,
        enable,
    }
}

use IntervalKind::{Normal, Retry};
use ObjectKind::{Host as H, Service as S};
use ObjectSwitch as O;
use ProgramSwitch as P;
use Scope as Sc;

/// Every command name, in the order of Nagios's `process_external_command1`
/// (program, host, hostgroup, service, servicegroup, contact, contactgroup,
/// misc), then vigil's additions.
pub static COMMANDS: &[CommandSpec] = &[
    // Program-wide.
    alias(
        "ENTER_STANDBY_MODE",
        "DISABLE_NOTIFICATIONS",
        prog(P::Notifications, false),
    ),
    cmd("DISABLE_NOTIFICATIONS", prog(P::Notifications, false)),
    alias(
        "ENTER_ACTIVE_MODE",
        "ENABLE_NOTIFICATIONS",
        prog(P::Notifications, true),
    ),
    cmd("ENABLE_NOTIFICATIONS", prog(P::Notifications, true)),
    cmd("SHUTDOWN_PROGRAM", Op::Shutdown),
    alias("SHUTDOWN_PROCESS", "SHUTDOWN_PROGRAM", Op::Shutdown),
    cmd("RESTART_PROGRAM", Op::Restart),
    alias("RESTART_PROCESS", "RESTART_PROGRAM", Op::Restart),
    cmd("SAVE_STATE_INFORMATION", Op::SaveStateInformation),
    cmd("READ_STATE_INFORMATION", Op::ReadStateInformation),
    cmd("ENABLE_EVENT_HANDLERS", prog(P::EventHandlers, true)),
    cmd("DISABLE_EVENT_HANDLERS", prog(P::EventHandlers, false)),
    cmd("ENABLE_PERFORMANCE_DATA", prog(P::PerformanceData, true)),
    cmd("DISABLE_PERFORMANCE_DATA", prog(P::PerformanceData, false)),
    cmd("START_EXECUTING_HOST_CHECKS", prog(P::HostChecks, true)),
    cmd("STOP_EXECUTING_HOST_CHECKS", prog(P::HostChecks, false)),
    cmd("START_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, true)),
    cmd("STOP_EXECUTING_SVC_CHECKS", prog(P::ServiceChecks, false)),
    cmd(
        "START_ACCEPTING_PASSIVE_HOST_CHECKS",
        prog(P::PassiveHostChecks, true),
    ),
    cmd(
        "STOP_ACCEPTING_PASSIVE_HOST_CHECKS",
        prog(P::PassiveHostChecks, false),
    ),
    cmd(
        "START_ACCEPTING_PASSIVE_SVC_CHECKS",
        prog(P::PassiveServiceChecks, true),
    ),
    cmd(
        "STOP_ACCEPTING_PASSIVE_SVC_CHECKS",
        prog(P::PassiveServiceChecks, false),
    ),
    cmd(
        "START_OBSESSING_OVER_HOST_CHECKS",
        prog(P::ObsessOverHosts, true),
    ),
    cmd(
        "STOP_OBSESSING_OVER_HOST_CHECKS",
        prog(P::ObsessOverHosts, false),
    ),
    cmd(
        "START_OBSESSING_OVER_SVC_CHECKS",
        prog(P::ObsessOverServices, true),
    ),
    cmd(
        "STOP_OBSESSING_OVER_SVC_CHECKS",
        prog(P::ObsessOverServices, false),
    ),
    cmd("ENABLE_FLAP_DETECTION", prog(P::FlapDetection, true)),
    cmd("DISABLE_FLAP_DETECTION", prog(P::FlapDetection, false)),
    refused(
        "CHANGE_GLOBAL_HOST_EVENT_HANDLER",
        Op::ChangeGlobalEventHandler(H),
    ),
    refused(
        "CHANGE_GLOBAL_SVC_EVENT_HANDLER",
        Op::ChangeGlobalEventHandler(S),
    ),
    cmd(
        "ENABLE_SERVICE_FRESHNESS_CHECKS",
        prog(P::ServiceFreshnessChecks, true),
    ),
    cmd(
        "DISABLE_SERVICE_FRESHNESS_CHECKS",
        prog(P::ServiceFreshnessChecks, false),
    ),
    cmd(
        "ENABLE_HOST_FRESHNESS_CHECKS",
        prog(P::HostFreshnessChecks, true),
    ),
    cmd(
        "DISABLE_HOST_FRESHNESS_CHECKS",
        prog(P::HostFreshnessChecks, false),
    ),
    // Host.
    cmd("ADD_HOST_COMMENT", Op::AddComment(H)),
    cmd("DEL_HOST_COMMENT", Op::DeleteComment(H)),
    cmd("DEL_ALL_HOST_COMMENTS", Op::DeleteAllComments(H)),
    cmd("DELAY_HOST_NOTIFICATION", Op::DelayNotification(H)),
    cmd(
        "ENABLE_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::Host, true),
    ),
    cmd(
        "DISABLE_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::Host, false),
    ),
    cmd(
        "ENABLE_ALL_NOTIFICATIONS_BEYOND_HOST",
        sw(O::Notifications, Sc::HostsAndServicesBeyond, true),
    ),
    cmd(
        "DISABLE_ALL_NOTIFICATIONS_BEYOND_HOST",
        sw(O::Notifications, Sc::HostsAndServicesBeyond, false),
    ),
    cmd(
        "ENABLE_HOST_AND_CHILD_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostAndChildHosts, true),
    ),
    cmd(
        "DISABLE_HOST_AND_CHILD_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostAndChildHosts, false),
    ),
    cmd(
        "ENABLE_HOST_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostServices, true),
    ),
    cmd(
        "DISABLE_HOST_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostServices, false),
    ),
    cmd(
        "ENABLE_HOST_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::HostServices, true),
    ),
    cmd(
        "DISABLE_HOST_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::HostServices, false),
    ),
    cmd(
        "ENABLE_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::Host, true),
    ),
    cmd(
        "DISABLE_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::Host, false),
    ),
    cmd("SCHEDULE_HOST_SVC_CHECKS", check(Sc::HostServices, false)),
    cmd(
        "SCHEDULE_FORCED_HOST_SVC_CHECKS",
        check(Sc::HostServices, true),
    ),
    cmd("ACKNOWLEDGE_HOST_PROBLEM", Op::Acknowledge(H)),
    cmd("REMOVE_HOST_ACKNOWLEDGEMENT", Op::RemoveAcknowledgement(H)),
    cmd(
        "ENABLE_HOST_EVENT_HANDLER",
        sw(O::EventHandler, Sc::Host, true),
    ),
    cmd(
        "DISABLE_HOST_EVENT_HANDLER",
        sw(O::EventHandler, Sc::Host, false),
    ),
    cmd("ENABLE_HOST_CHECK", sw(O::ActiveChecks, Sc::Host, true)),
    cmd("DISABLE_HOST_CHECK", sw(O::ActiveChecks, Sc::Host, false)),
    cmd("SCHEDULE_HOST_CHECK", check(Sc::Host, false)),
    cmd("SCHEDULE_FORCED_HOST_CHECK", check(Sc::Host, true)),
    cmd("SCHEDULE_HOST_DOWNTIME", downtime(Sc::Host)),
    cmd("SCHEDULE_HOST_SVC_DOWNTIME", downtime(Sc::HostServices)),
    cmd("DEL_HOST_DOWNTIME", Op::DeleteDowntime(H)),
    cmd(
        "DEL_DOWNTIME_BY_HOST_NAME",
        Op::DeleteDowntimes(DowntimeSelector::HostName),
    ),
    cmd(
        "DEL_DOWNTIME_BY_HOSTGROUP_NAME",
        Op::DeleteDowntimes(DowntimeSelector::HostgroupName),
    ),
    cmd(
        "DEL_DOWNTIME_BY_START_TIME_COMMENT",
        Op::DeleteDowntimes(DowntimeSelector::StartTimeComment),
    ),
    cmd(
        "ENABLE_HOST_FLAP_DETECTION",
        sw(O::FlapDetection, Sc::Host, true),
    ),
    cmd(
        "DISABLE_HOST_FLAP_DETECTION",
        sw(O::FlapDetection, Sc::Host, false),
    ),
    cmd("START_OBSESSING_OVER_HOST", sw(O::Obsess, Sc::Host, true)),
    cmd("STOP_OBSESSING_OVER_HOST", sw(O::Obsess, Sc::Host, false)),
    refused("CHANGE_HOST_EVENT_HANDLER", Op::ChangeEventHandler(H)),
    refused("CHANGE_HOST_CHECK_COMMAND", Op::ChangeCheckCommand(H)),
    cmd(
        "CHANGE_NORMAL_HOST_CHECK_INTERVAL",
        Op::ChangeCheckInterval(H, Normal),
    ),
    cmd(
        "CHANGE_RETRY_HOST_CHECK_INTERVAL",
        Op::ChangeCheckInterval(H, Retry),
    ),
    cmd(
        "CHANGE_MAX_HOST_CHECK_ATTEMPTS",
        Op::ChangeMaxCheckAttempts(H),
    ),
    cmd(
        "SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME",
        Op::ScheduleDowntime {
            scope: Sc::HostAndChildHosts,
            trigger_children: true,
        },
    ),
    cmd(
        "SCHEDULE_AND_PROPAGATE_HOST_DOWNTIME",
        downtime(Sc::HostAndChildHosts),
    ),
    cmd("SET_HOST_NOTIFICATION_NUMBER", Op::SetNotificationNumber(H)),
    cmd(
        "CHANGE_HOST_CHECK_TIMEPERIOD",
        Op::ChangeObjectTimeperiod(H, PeriodKind::Check),
    ),
    cmd("CHANGE_CUSTOM_HOST_VAR", Op::ChangeObjectCustomVar(H)),
    cmd(
        "SEND_CUSTOM_HOST_NOTIFICATION",
        Op::SendCustomNotification(H),
    ),
    cmd(
        "CHANGE_HOST_NOTIFICATION_TIMEPERIOD",
        Op::ChangeObjectTimeperiod(H, PeriodKind::Notification),
    ),
    cmd("CHANGE_HOST_MODATTR", Op::ChangeObjectModAttr(H)),
    cmd("CLEAR_HOST_FLAPPING_STATE", Op::ClearFlappingState(H)),
    // Hostgroup.
    cmd(
        "ENABLE_HOSTGROUP_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostgroupHosts, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostgroupHosts, false),
    ),
    cmd(
        "ENABLE_HOSTGROUP_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostgroupServices, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::HostgroupServices, false),
    ),
    cmd(
        "ENABLE_HOSTGROUP_HOST_CHECKS",
        sw(O::ActiveChecks, Sc::HostgroupHosts, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_HOST_CHECKS",
        sw(O::ActiveChecks, Sc::HostgroupHosts, false),
    ),
    cmd(
        "ENABLE_HOSTGROUP_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::HostgroupHosts, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::HostgroupHosts, false),
    ),
    cmd(
        "ENABLE_HOSTGROUP_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::HostgroupServices, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::HostgroupServices, false),
    ),
    cmd(
        "ENABLE_HOSTGROUP_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::HostgroupServices, true),
    ),
    cmd(
        "DISABLE_HOSTGROUP_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::HostgroupServices, false),
    ),
    cmd(
        "SCHEDULE_HOSTGROUP_HOST_DOWNTIME",
        downtime(Sc::HostgroupHosts),
    ),
    cmd(
        "SCHEDULE_HOSTGROUP_SVC_DOWNTIME",
        downtime(Sc::HostgroupServices),
    ),
    // Service.
    cmd("ADD_SVC_COMMENT", Op::AddComment(S)),
    cmd("DEL_SVC_COMMENT", Op::DeleteComment(S)),
    cmd("DEL_ALL_SVC_COMMENTS", Op::DeleteAllComments(S)),
    cmd("SCHEDULE_SVC_CHECK", check(Sc::Service, false)),
    cmd("SCHEDULE_FORCED_SVC_CHECK", check(Sc::Service, true)),
    cmd("ENABLE_SVC_CHECK", sw(O::ActiveChecks, Sc::Service, true)),
    cmd("DISABLE_SVC_CHECK", sw(O::ActiveChecks, Sc::Service, false)),
    cmd(
        "ENABLE_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::Service, true),
    ),
    cmd(
        "DISABLE_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::Service, false),
    ),
    cmd("DELAY_SVC_NOTIFICATION", Op::DelayNotification(S)),
    cmd(
        "ENABLE_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::Service, true),
    ),
    cmd(
        "DISABLE_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::Service, false),
    ),
    cmd("PROCESS_SERVICE_CHECK_RESULT", Op::ProcessCheckResult(S)),
    cmd("PROCESS_HOST_CHECK_RESULT", Op::ProcessCheckResult(H)),
    cmd(
        "ENABLE_SVC_EVENT_HANDLER",
        sw(O::EventHandler, Sc::Service, true),
    ),
    cmd(
        "DISABLE_SVC_EVENT_HANDLER",
        sw(O::EventHandler, Sc::Service, false),
    ),
    cmd(
        "ENABLE_SVC_FLAP_DETECTION",
        sw(O::FlapDetection, Sc::Service, true),
    ),
    cmd(
        "DISABLE_SVC_FLAP_DETECTION",
        sw(O::FlapDetection, Sc::Service, false),
    ),
    cmd("SCHEDULE_SVC_DOWNTIME", downtime(Sc::Service)),
    cmd("DEL_SVC_DOWNTIME", Op::DeleteDowntime(S)),
    cmd("ACKNOWLEDGE_SVC_PROBLEM", Op::Acknowledge(S)),
    cmd("REMOVE_SVC_ACKNOWLEDGEMENT", Op::RemoveAcknowledgement(S)),
    cmd("START_OBSESSING_OVER_SVC", sw(O::Obsess, Sc::Service, true)),
    cmd("STOP_OBSESSING_OVER_SVC", sw(O::Obsess, Sc::Service, false)),
    refused("CHANGE_SVC_EVENT_HANDLER", Op::ChangeEventHandler(S)),
    refused("CHANGE_SVC_CHECK_COMMAND", Op::ChangeCheckCommand(S)),
    cmd(
        "CHANGE_NORMAL_SVC_CHECK_INTERVAL",
        Op::ChangeCheckInterval(S, Normal),
    ),
    cmd(
        "CHANGE_RETRY_SVC_CHECK_INTERVAL",
        Op::ChangeCheckInterval(S, Retry),
    ),
    cmd(
        "CHANGE_MAX_SVC_CHECK_ATTEMPTS",
        Op::ChangeMaxCheckAttempts(S),
    ),
    cmd("SET_SVC_NOTIFICATION_NUMBER", Op::SetNotificationNumber(S)),
    cmd(
        "CHANGE_SVC_CHECK_TIMEPERIOD",
        Op::ChangeObjectTimeperiod(S, PeriodKind::Check),
    ),
    cmd("CHANGE_CUSTOM_SVC_VAR", Op::ChangeObjectCustomVar(S)),
    cmd("CHANGE_CUSTOM_CONTACT_VAR", Op::ChangeContactCustomVar),
    cmd(
        "SEND_CUSTOM_SVC_NOTIFICATION",
        Op::SendCustomNotification(S),
    ),
    cmd(
        "CHANGE_SVC_NOTIFICATION_TIMEPERIOD",
        Op::ChangeObjectTimeperiod(S, PeriodKind::Notification),
    ),
    cmd("CHANGE_SVC_MODATTR", Op::ChangeObjectModAttr(S)),
    cmd("CLEAR_SVC_FLAPPING_STATE", Op::ClearFlappingState(S)),
    // Servicegroup.
    cmd(
        "ENABLE_SERVICEGROUP_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::ServicegroupHosts, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_HOST_NOTIFICATIONS",
        sw(O::Notifications, Sc::ServicegroupHosts, false),
    ),
    cmd(
        "ENABLE_SERVICEGROUP_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::ServicegroupServices, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_SVC_NOTIFICATIONS",
        sw(O::Notifications, Sc::ServicegroupServices, false),
    ),
    cmd(
        "ENABLE_SERVICEGROUP_HOST_CHECKS",
        sw(O::ActiveChecks, Sc::ServicegroupHosts, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_HOST_CHECKS",
        sw(O::ActiveChecks, Sc::ServicegroupHosts, false),
    ),
    cmd(
        "ENABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::ServicegroupHosts, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_PASSIVE_HOST_CHECKS",
        sw(O::PassiveChecks, Sc::ServicegroupHosts, false),
    ),
    cmd(
        "ENABLE_SERVICEGROUP_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::ServicegroupServices, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_SVC_CHECKS",
        sw(O::ActiveChecks, Sc::ServicegroupServices, false),
    ),
    cmd(
        "ENABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::ServicegroupServices, true),
    ),
    cmd(
        "DISABLE_SERVICEGROUP_PASSIVE_SVC_CHECKS",
        sw(O::PassiveChecks, Sc::ServicegroupServices, false),
    ),
    cmd(
        "SCHEDULE_SERVICEGROUP_HOST_DOWNTIME",
        downtime(Sc::ServicegroupHosts),
    ),
    cmd(
        "SCHEDULE_SERVICEGROUP_SVC_DOWNTIME",
        downtime(Sc::ServicegroupServices),
    ),
    // Contact.
    cmd(
        "ENABLE_CONTACT_HOST_NOTIFICATIONS",
        contacts(Sc::Contact, H, true),
    ),
    cmd(
        "DISABLE_CONTACT_HOST_NOTIFICATIONS",
        contacts(Sc::Contact, H, false),
    ),
    cmd(
        "ENABLE_CONTACT_SVC_NOTIFICATIONS",
        contacts(Sc::Contact, S, true),
    ),
    cmd(
        "DISABLE_CONTACT_SVC_NOTIFICATIONS",
        contacts(Sc::Contact, S, false),
    ),
    cmd(
        "CHANGE_CONTACT_HOST_NOTIFICATION_TIMEPERIOD",
        Op::ChangeContactTimeperiod(PeriodKind::HostNotification),
    ),
    cmd(
        "CHANGE_CONTACT_SVC_NOTIFICATION_TIMEPERIOD",
        Op::ChangeContactTimeperiod(PeriodKind::ServiceNotification),
    ),
    cmd(
        "CHANGE_CONTACT_MODATTR",
        Op::ChangeContactModAttr(ContactAttrs::General),
    ),
    cmd(
        "CHANGE_CONTACT_MODHATTR",
        Op::ChangeContactModAttr(ContactAttrs::Host),
    ),
    cmd(
        "CHANGE_CONTACT_MODSATTR",
        Op::ChangeContactModAttr(ContactAttrs::Service),
    ),
    // Contactgroup.
    cmd(
        "ENABLE_CONTACTGROUP_HOST_NOTIFICATIONS",
        contacts(Sc::Contactgroup, H, true),
    ),
    cmd(
        "DISABLE_CONTACTGROUP_HOST_NOTIFICATIONS",
        contacts(Sc::Contactgroup, H, false),
    ),
    cmd(
        "ENABLE_CONTACTGROUP_SVC_NOTIFICATIONS",
        contacts(Sc::Contactgroup, S, true),
    ),
    cmd(
        "DISABLE_CONTACTGROUP_SVC_NOTIFICATIONS",
        contacts(Sc::Contactgroup, S, false),
    ),
    // Misc.
    cmd("PROCESS_FILE", Op::ProcessFile),
    // vigil additions.
    CommandSpec {
        name: "LOG",
        op: Op::Log,
        alias_of: None,
        nagios: NagiosSupport::NotNagios,
    },
];
