//! The typed external commands: [`Command`] (one variant per *operation*, the same
//! for hosts, services, groups and contacts where Nagios 4.4.6 applies the same
//! rule) and the values it is built from ([`Object`], [`Target`], [`Contacts`],
//! [`Note`], the switch enums). Names are kept as written, never resolved here.
//! [`parse_command`](crate::parse_command) builds these values; the table in
//! [`table`](crate::table) says which command name yields which operation.

use crate::modattr::{AttrSet, ModAttr, ModAttrChange};

/// Why a syntactically valid line is not an executable command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The name is not a command vigil knows (`Unknown or unsupported command`).
    #[error("unknown or unsupported command")]
    Unknown,
    /// Known name, but an argument is missing or has the wrong type.
    #[error("malformed command: {0}")]
    Malformed(String),
}

impl CommandError {
    /// Nagios 4 logs `EXTERNAL COMMAND: ...` for a known command before it finds its
    /// arguments bad (then `Error: External command failed -> ...`); it never does so
    /// for an unknown name.
    pub fn logs_accepted_line(&self) -> bool {
        matches!(self, CommandError::Malformed(_))
    }
}

/// Host or service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A host.
    Host,
    /// A service.
    Service,
}

/// One host or one service, by name as written in the command.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Object {
    /// `<host_name>`
    Host(String),
    /// `<host_name>;<service_description>`
    Service {
        /// Host name.
        host: String,
        /// Service description.
        service: String,
    },
}

impl Object {
    /// The host name (of the service, for a service).
    pub fn host(&self) -> &str {
        match self {
            Object::Host(h) | Object::Service { host: h, .. } => h,
        }
    }

    /// The service description, for a service.
    pub fn service(&self) -> Option<&str> {
        match self {
            Object::Host(_) => None,
            Object::Service { service, .. } => Some(service),
        }
    }

    /// Host or service.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Host(_) => ObjectKind::Host,
            Object::Service { .. } => ObjectKind::Service,
        }
    }
}

/// The hosts and services a command acts on. Group and propagation variants are
/// resolved by the engine against the configuration (Nagios: at the time the
/// command runs; unknown group or host = the command fails).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// One host or one service.
    Object(Object),
    /// Every service of the host (`*_HOST_SVC_*`). A [`Note`] goes on the host.
    HostServices(String),
    /// The host and every host beyond it: its child hosts, recursively (`parents`
    /// relation). Hosts only (`*_HOST_AND_CHILD_NOTIFICATIONS`,
    /// `SCHEDULE_AND_PROPAGATE_*HOST_DOWNTIME`).
    HostAndChildHosts(String),
    /// Every host beyond the host (child hosts, recursively) and every service of
    /// those hosts; not the host itself nor its own services
    /// (`*_ALL_NOTIFICATIONS_BEYOND_HOST`). A [`Note`] goes on the named host.
    HostsAndServicesBeyond(String),
    /// The member hosts of a hostgroup.
    HostgroupHosts(String),
    /// Every service of every member host of a hostgroup.
    HostgroupServices(String),
    /// The hosts of the servicegroup's member services (each host once).
    ServicegroupHosts(String),
    /// The member services of a servicegroup.
    ServicegroupServices(String),
}

/// One contact or the members of a contactgroup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Contacts {
    /// `<contact_name>`
    Contact(String),
    /// `<contactgroup_name>`: each member contact.
    Contactgroup(String),
}

/// The optional `;<author>;<comment>` that Nagios 4.4.6 accepts after the own
/// arguments of the host, service, hostgroup and servicegroup commands, the
/// `SCHEDULE_*_CHECK*` and the `DELAY_*_NOTIFICATION` commands: when both fields are
/// present it adds a user comment (entry type 1, not persistent, source external,
/// entry time = now) to the named host or service, or to every host or service a
/// group command changes. Both fields end at the next `;`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Note {
    /// Comment author (may be empty).
    pub author: String,
    /// Comment text (may be empty when followed by another `;`).
    pub comment: String,
}

/// A per-object switch (enable/disable commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectSwitch {
    /// `notifications_enabled`
    Notifications,
    /// `active_checks_enabled` (enabling schedules a check now, or at the next
    /// valid time of the check period, when the check interval is not 0)
    ActiveChecks,
    /// `passive_checks_enabled`
    PassiveChecks,
    /// `event_handler_enabled`
    EventHandler,
    /// `flap_detection_enabled`
    FlapDetection,
    /// `obsess` (obsess_over_host / obsess_over_service)
    Obsess,
}

impl ObjectSwitch {
    /// The modified-attribute bit Nagios sets on each changed object.
    pub fn modattr(self) -> ModAttr {
        match self {
            ObjectSwitch::Notifications => ModAttr::NOTIFICATIONS_ENABLED,
            ObjectSwitch::ActiveChecks => ModAttr::ACTIVE_CHECKS_ENABLED,
            ObjectSwitch::PassiveChecks => ModAttr::PASSIVE_CHECKS_ENABLED,
            ObjectSwitch::EventHandler => ModAttr::EVENT_HANDLER_ENABLED,
            ObjectSwitch::FlapDetection => ModAttr::FLAP_DETECTION_ENABLED,
            ObjectSwitch::Obsess => ModAttr::OBSESSIVE_HANDLER_ENABLED,
        }
    }
}

/// A program-wide switch (main config directive of the same meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgramSwitch {
    /// `enable_notifications`
    Notifications,
    /// `execute_service_checks`
    ServiceChecks,
    /// `execute_host_checks`
    HostChecks,
    /// `accept_passive_service_checks`
    PassiveServiceChecks,
    /// `accept_passive_host_checks`
    PassiveHostChecks,
    /// `enable_event_handlers`
    EventHandlers,
    /// `enable_flap_detection`
    FlapDetection,
    /// `process_performance_data`
    PerformanceData,
    /// `obsess_over_services`
    ObsessOverServices,
    /// `obsess_over_hosts`
    ObsessOverHosts,
    /// `check_service_freshness`
    ServiceFreshnessChecks,
    /// `check_host_freshness`
    HostFreshnessChecks,
}

impl ProgramSwitch {
    /// The bit Nagios sets and in which program set(s), when the value changes.
    pub fn modattr(self) -> (ModAttr, AttrSet) {
        use ProgramSwitch as P;
        match self {
            P::Notifications => (ModAttr::NOTIFICATIONS_ENABLED, AttrSet::ProgramBoth),
            P::ServiceChecks => (ModAttr::ACTIVE_CHECKS_ENABLED, AttrSet::ProgramService),
            P::HostChecks => (ModAttr::ACTIVE_CHECKS_ENABLED, AttrSet::ProgramHost),
            P::PassiveServiceChecks => (ModAttr::PASSIVE_CHECKS_ENABLED, AttrSet::ProgramService),
            P::PassiveHostChecks => (ModAttr::PASSIVE_CHECKS_ENABLED, AttrSet::ProgramHost),
            P::EventHandlers => (ModAttr::EVENT_HANDLER_ENABLED, AttrSet::ProgramBoth),
            P::FlapDetection => (ModAttr::FLAP_DETECTION_ENABLED, AttrSet::ProgramBoth),
            P::PerformanceData => (ModAttr::PERFORMANCE_DATA_ENABLED, AttrSet::ProgramBoth),
            P::ObsessOverServices => (ModAttr::OBSESSIVE_HANDLER_ENABLED, AttrSet::ProgramService),
            P::ObsessOverHosts => (ModAttr::OBSESSIVE_HANDLER_ENABLED, AttrSet::ProgramHost),
            P::ServiceFreshnessChecks => {
                (ModAttr::FRESHNESS_CHECKS_ENABLED, AttrSet::ProgramService)
            }
            P::HostFreshnessChecks => (ModAttr::FRESHNESS_CHECKS_ENABLED, AttrSet::ProgramHost),
        }
    }
}

/// Normal (`check_interval`) or retry (`retry_interval`) check interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntervalKind {
    /// `CHANGE_NORMAL_*_CHECK_INTERVAL`
    Normal,
    /// `CHANGE_RETRY_*_CHECK_INTERVAL`
    Retry,
}

/// Which timeperiod a `CHANGE_*_TIMEPERIOD` command replaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PeriodSlot {
    /// `check_period` of a host or service.
    Check(Object),
    /// `notification_period` of a host or service.
    Notification(Object),
    /// `host_notification_period` of a contact.
    ContactHostNotification(String),
    /// `service_notification_period` of a contact.
    ContactServiceNotification(String),
}

/// Which event handler a `CHANGE_*_EVENT_HANDLER` command replaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HandlerSlot {
    /// `global_host_event_handler`
    GlobalHost,
    /// `global_service_event_handler`
    GlobalService,
    /// `event_handler` of a host or service.
    Object(Object),
}

/// Whose custom variable a `CHANGE_CUSTOM_*_VAR` command changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VarOwner {
    /// A host or service.
    Object(Object),
    /// A contact.
    Contact(String),
}

/// Whose modified attributes a `CHANGE_*_MODATTR` command replaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ModAttrOwner {
    /// `modified_attributes` of a host or service.
    Object(Object),
    /// `modified_attributes` of a contact (`CHANGE_CONTACT_MODATTR`).
    Contact(String),
    /// `modified_host_attributes` of a contact (`CHANGE_CONTACT_MODHATTR`).
    ContactHost(String),
    /// `modified_service_attributes` of a contact (`CHANGE_CONTACT_MODSATTR`).
    ContactService(String),
}

/// Selection of the `DEL_DOWNTIME_BY_*` commands: every downtime that matches all
/// given fields is deleted (Nagios: the command fails when none matched).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DowntimeFilter {
    /// Only downtimes of hosts of this hostgroup (and of their services).
    pub hostgroup: Option<String>,
    /// Only downtimes of this host (and of its services).
    pub host: Option<String>,
    /// Only downtimes of services with this description.
    pub service: Option<String>,
    /// Only downtimes with this start time (Nagios: 0 or empty = any).
    pub start: Option<i64>,
    /// Only downtimes with exactly this comment.
    pub comment: Option<String>,
}

bitflags::bitflags! {
    /// Options of a custom notification (`SEND_CUSTOM_*_NOTIFICATION`, Nagios
    /// `NOTIFICATION_OPTION_*`). Unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    pub struct NotificationOptions: u32 {
        /// Send to every normal and every escalated contact.
        const BROADCAST = 1;
        /// Send regardless of time periods, switches and downtime.
        const FORCED = 2;
        /// Increment the notification number.
        const INCREMENT = 4;
    }
}

/// One external command with its typed arguments. Names are as written (not
/// resolved); times are epoch seconds. See `COMMANDS.md` for which command name
/// gives which variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `PROCESS_SERVICE_CHECK_RESULT;<host>;<svc>;<rc>;<output>` and
    /// `PROCESS_HOST_CHECK_RESULT;<host>;<rc>;<output>`. The host may be a name or
    /// an address. `output` has `\n` and `\\` unescaped ([`unescape_output`]); it is
    /// empty when absent. The code is as given: services map a code outside 0..3
    /// to UNKNOWN, a host result with a code outside 0..2 fails (Nagios).
    ///
    /// [`unescape_output`]: crate::unescape_output
    ProcessCheckResult {
        /// The host or service.
        object: Object,
        /// Plugin return code as given.
        return_code: i32,
        /// Plugin output, unescaped.
        output: String,
    },
    /// `SCHEDULE_[FORCED_]{HOST,SVC}_CHECK`, `SCHEDULE_[FORCED_]HOST_SVC_CHECKS`:
    /// a check of the object (or of every service of the host) at `time`, unless
    /// an earlier one is scheduled; `forced` also ignores check switches and the
    /// check period and replaces a later scheduled check.
    ScheduleCheck {
        /// [`Target::Object`] or [`Target::HostServices`].
        target: Target,
        /// When.
        time: i64,
        /// `SCHEDULE_FORCED_*`.
        forced: bool,
        /// Optional comment to add.
        note: Option<Note>,
    },
    /// Every enable/disable command on hosts, services and groups:
    /// `switch` := `enable` on each object of `target`.
    Switch {
        /// Which flag.
        switch: ObjectSwitch,
        /// On what.
        target: Target,
        /// Enable or disable.
        enable: bool,
        /// Optional comment to add.
        note: Option<Note>,
    },
    /// Program-wide enable/disable/start/stop commands (also `ENTER_STANDBY_MODE`
    /// = disable notifications and `ENTER_ACTIVE_MODE` = enable them).
    ProgramSwitch {
        /// Which switch.
        switch: ProgramSwitch,
        /// Enable or disable.
        enable: bool,
    },
    /// `{ENABLE,DISABLE}_CONTACT[GROUP]_{HOST,SVC}_NOTIFICATIONS`: the contacts'
    /// `host_notifications_enabled` (`kind` Host) or
    /// `service_notifications_enabled` (`kind` Service).
    ContactNotifications {
        /// Which contacts.
        contacts: Contacts,
        /// Host or service notifications.
        kind: ObjectKind,
        /// Enable or disable.
        enable: bool,
    },
    /// `ACKNOWLEDGE_{HOST,SVC}_PROBLEM;<obj>;<sticky>;<notify>;<persistent>;<author>;<comment>`.
    /// Ignored by Nagios when the object is UP/OK.
    Acknowledge {
        /// The host or service.
        object: Object,
        /// The sticky field was `2`.
        sticky: bool,
        /// Send ACKNOWLEDGEMENT notifications (field > 0).
        notify: bool,
        /// The ack comment is persistent (field > 0).
        persistent: bool,
        /// Author.
        author: String,
        /// Comment (rest of the line).
        comment: String,
    },
    /// `REMOVE_{HOST,SVC}_ACKNOWLEDGEMENT`
    RemoveAcknowledgement {
        /// The host or service.
        object: Object,
    },
    /// `ADD_{HOST,SVC}_COMMENT;<obj>;<persistent>;<author>;<comment>`
    AddComment {
        /// The host or service.
        object: Object,
        /// Persistent (field > 0).
        persistent: bool,
        /// Author.
        author: String,
        /// Comment (rest of the line).
        comment: String,
    },
    /// `DEL_{HOST,SVC}_COMMENT;<comment_id>` (id > 0)
    DeleteComment {
        /// Host or service comment.
        kind: ObjectKind,
        /// Comment id.
        id: u64,
    },
    /// `DEL_ALL_{HOST,SVC}_COMMENTS`
    DeleteAllComments {
        /// The host or service.
        object: Object,
    },
    /// Every `SCHEDULE_*_DOWNTIME` command: one downtime per object of `target`
    /// (hosts get host downtimes, services service downtimes).
    ScheduleDowntime {
        /// On what.
        target: Target,
        /// Window start.
        start: i64,
        /// Window end.
        end: i64,
        /// Fixed (field > 0) or flexible.
        fixed: bool,
        /// Id of the triggering downtime, 0 = none. With
        /// [`Target::HostAndChildHosts`] only the named host's downtime uses it.
        trigger_id: u64,
        /// Effective duration in seconds: for a fixed downtime `end - start` (as
        /// Nagios computes it; 0 when `end <= start`), else the given value (> 0).
        duration: u64,
        /// Author.
        author: String,
        /// Comment (ends at the next `;`).
        comment: String,
        /// Only with [`Target::HostAndChildHosts`]: the child hosts' downtimes are
        /// triggered by the named host's new downtime
        /// (`SCHEDULE_AND_PROPAGATE_TRIGGERED_HOST_DOWNTIME`); when false they have
        /// no trigger.
        trigger_children: bool,
    },
    /// `DEL_{HOST,SVC}_DOWNTIME;<downtime_id>`
    DeleteDowntime {
        /// Host or service downtime.
        kind: ObjectKind,
        /// Downtime id.
        id: u64,
    },
    /// `DEL_DOWNTIME_BY_HOST_NAME`, `DEL_DOWNTIME_BY_HOSTGROUP_NAME`,
    /// `DEL_DOWNTIME_BY_START_TIME_COMMENT`
    DeleteDowntimes {
        /// What to delete.
        filter: DowntimeFilter,
    },
    /// `SEND_CUSTOM_{HOST,SVC}_NOTIFICATION;<obj>;<options>;<author>;<comment>`
    SendCustomNotification {
        /// The host or service.
        object: Object,
        /// Options.
        options: NotificationOptions,
        /// Author.
        author: String,
        /// Comment (ends at the next `;`).
        comment: String,
        /// Optional comment to add (the two fields after `comment`).
        note: Option<Note>,
    },
    /// `DELAY_{HOST,SVC}_NOTIFICATION;<obj>;<time>`: `next_notification` := time.
    DelayNotification {
        /// The host or service.
        object: Object,
        /// New next notification time.
        until: i64,
        /// Optional comment to add.
        note: Option<Note>,
    },
    /// `SET_{HOST,SVC}_NOTIFICATION_NUMBER;<obj>;<n>`
    SetNotificationNumber {
        /// The host or service.
        object: Object,
        /// New current notification number.
        number: u32,
        /// Optional comment to add.
        note: Option<Note>,
    },
    /// `CLEAR_{HOST,SVC}_FLAPPING_STATE`
    ClearFlappingState {
        /// The host or service.
        object: Object,
        /// Optional comment to add.
        note: Option<Note>,
    },
    /// `CHANGE_{NORMAL,RETRY}_{HOST,SVC}_CHECK_INTERVAL;<obj>;<n>`: in interval
    /// units, a whole number (Nagios truncates `2.5` to 2).
    ChangeCheckInterval {
        /// The host or service.
        object: Object,
        /// Normal or retry interval.
        kind: IntervalKind,
        /// New interval, whole interval units.
        interval: u32,
    },
    /// `CHANGE_MAX_{HOST,SVC}_CHECK_ATTEMPTS;<obj>;<n>` (n >= 1)
    ChangeMaxCheckAttempts {
        /// The host or service.
        object: Object,
        /// New max_check_attempts.
        attempts: u32,
    },
    /// `CHANGE_{HOST,SVC,CONTACT}_MODATTR`, `CHANGE_CONTACT_MOD{H,S}ATTR`: the
    /// attribute set := `value`.
    ChangeModAttr {
        /// Whose set.
        owner: ModAttrOwner,
        /// The new value.
        value: ModAttr,
    },
    /// `CHANGE_{HOST,SVC}_{CHECK,NOTIFICATION}_TIMEPERIOD`,
    /// `CHANGE_CONTACT_{HOST,SVC}_NOTIFICATION_TIMEPERIOD` (the name is the rest of
    /// the line; it must name a timeperiod).
    ChangeTimeperiod {
        /// Which period.
        slot: PeriodSlot,
        /// Timeperiod name.
        timeperiod: String,
    },
    /// `CHANGE_GLOBAL_{HOST,SVC}_EVENT_HANDLER;<command>`,
    /// `CHANGE_{HOST,SVC}_EVENT_HANDLER;<obj>;<command>`: `<command>` is the rest of
    /// the line, `name!arg!...`; empty = no handler. Nagios 4.4.6 refuses all four
    /// (disabled for security); vigil accepts the object ones (README).
    ChangeEventHandler {
        /// Which handler.
        slot: HandlerSlot,
        /// `command_name[!args]`, or empty.
        command: String,
    },
    /// `CHANGE_{HOST,SVC}_CHECK_COMMAND;<obj>;<command>` (rest of the line, not
    /// empty). Nagios 4.4.6 refuses both (disabled for security).
    ChangeCheckCommand {
        /// The host or service.
        object: Object,
        /// `command_name[!args]`
        command: String,
    },
    /// `CHANGE_CUSTOM_{HOST,SVC,CONTACT}_VAR;<owner>;<name>;<value>`: `name` is
    /// upper-cased (as Nagios does) and has no leading `_`; only an existing
    /// variable is changed. `value` ends at the next `;`.
    ChangeCustomVar {
        /// Whose variable.
        owner: VarOwner,
        /// Variable name, upper case.
        name: String,
        /// New value.
        value: String,
    },
    /// `SHUTDOWN_PROGRAM` / `SHUTDOWN_PROCESS[;<time>]`: at `time` (None or past =
    /// now).
    Shutdown {
        /// When.
        at: Option<i64>,
    },
    /// `RESTART_PROGRAM` / `RESTART_PROCESS[;<time>]`
    Restart {
        /// When.
        at: Option<i64>,
    },
    /// `SAVE_STATE_INFORMATION`
    SaveStateInformation,
    /// `READ_STATE_INFORMATION`
    ReadStateInformation,
    /// `PROCESS_FILE;<file>;<delete>`: run every line of the file as a command,
    /// then delete it when `delete` (field != 0).
    ProcessFile {
        /// File path as given.
        path: String,
        /// Delete afterwards.
        delete: bool,
    },
    /// `LOG;<text>` (Naemon >= 1.4.3; not a Nagios 4.4.6 command, a vigil addition).
    Log {
        /// Rest of the line.
        text: String,
    },
    /// A name starting with `_`: logged, no core action. Holds the name as written.
    Custom(String),
}

impl Command {
    /// What the command does to modified attributes when it succeeds (see
    /// [`ModAttrChange`]); `None` for commands that set no bit.
    pub fn modattr(&self) -> Option<ModAttrChange> {
        let set = |bits, on| Some(ModAttrChange::Set { bits, on });
        match self {
            Command::Switch { switch, .. } => set(switch.modattr(), AttrSet::Objects),
            Command::ProgramSwitch { switch, .. } => {
                let (bits, on) = switch.modattr();
                set(bits, on)
            }
            Command::ContactNotifications { kind, .. } => set(
                ModAttr::NOTIFICATIONS_ENABLED,
                match kind {
                    ObjectKind::Host => AttrSet::ContactHost,
                    ObjectKind::Service => AttrSet::ContactService,
                },
            ),
            Command::ChangeCheckInterval { kind, .. } => set(
                match kind {
                    IntervalKind::Normal => ModAttr::NORMAL_CHECK_INTERVAL,
                    IntervalKind::Retry => ModAttr::RETRY_CHECK_INTERVAL,
                },
                AttrSet::Objects,
            ),
            Command::ChangeMaxCheckAttempts { .. } => {
                set(ModAttr::MAX_CHECK_ATTEMPTS, AttrSet::Objects)
            }
            Command::ChangeModAttr { owner, .. } => Some(ModAttrChange::Replace {
                on: match owner {
                    ModAttrOwner::Object(_) => AttrSet::Objects,
                    ModAttrOwner::Contact(_) => AttrSet::Contact,
                    ModAttrOwner::ContactHost(_) => AttrSet::ContactHost,
                    ModAttrOwner::ContactService(_) => AttrSet::ContactService,
                },
            }),
            Command::ChangeTimeperiod { slot, .. } => match slot {
                PeriodSlot::Check(_) => set(ModAttr::CHECK_TIMEPERIOD, AttrSet::Objects),
                PeriodSlot::Notification(_) => {
                    set(ModAttr::NOTIFICATION_TIMEPERIOD, AttrSet::Objects)
                }
                PeriodSlot::ContactHostNotification(_) => {
                    set(ModAttr::NOTIFICATION_TIMEPERIOD, AttrSet::ContactHost)
                }
                PeriodSlot::ContactServiceNotification(_) => {
                    set(ModAttr::NOTIFICATION_TIMEPERIOD, AttrSet::ContactService)
                }
            },
            Command::ChangeEventHandler { slot, .. } => set(
                ModAttr::EVENT_HANDLER_COMMAND,
                match slot {
                    HandlerSlot::GlobalHost => AttrSet::ProgramHost,
                    HandlerSlot::GlobalService => AttrSet::ProgramService,
                    HandlerSlot::Object(_) => AttrSet::Objects,
                },
            ),
            Command::ChangeCheckCommand { .. } => set(ModAttr::CHECK_COMMAND, AttrSet::Objects),
            Command::ChangeCustomVar { owner, .. } => set(
                ModAttr::CUSTOM_VARIABLE,
                match owner {
                    VarOwner::Object(_) => AttrSet::Objects,
                    VarOwner::Contact(_) => AttrSet::Contact,
                },
            ),
            Command::ProcessCheckResult { .. }
            | Command::ScheduleCheck { .. }
            | Command::Acknowledge { .. }
            | Command::RemoveAcknowledgement { .. }
            | Command::AddComment { .. }
            | Command::DeleteComment { .. }
            | Command::DeleteAllComments { .. }
            | Command::ScheduleDowntime { .. }
            | Command::DeleteDowntime { .. }
            | Command::DeleteDowntimes { .. }
            | Command::SendCustomNotification { .. }
            | Command::DelayNotification { .. }
            | Command::SetNotificationNumber { .. }
            | Command::ClearFlappingState { .. }
            | Command::Shutdown { .. }
            | Command::Restart { .. }
            | Command::SaveStateInformation
            | Command::ReadStateInformation
            | Command::ProcessFile { .. }
            | Command::Log { .. }
            | Command::Custom(_) => None,
        }
    }

    /// The optional comment this command adds, if it carries one.
    pub fn note(&self) -> Option<&Note> {
        match self {
            Command::ScheduleCheck { note, .. }
            | Command::Switch { note, .. }
            | Command::SendCustomNotification { note, .. }
            | Command::DelayNotification { note, .. }
            | Command::SetNotificationNumber { note, .. }
            | Command::ClearFlappingState { note, .. } => note.as_ref(),
            _ => None,
        }
    }
}
