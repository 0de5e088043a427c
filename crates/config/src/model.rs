//! The resolved object model: what the engine reads. Built once by [`crate::load`],
//! immutable afterwards. Objects refer to each other by typed index (`HostId`, ...)
//! into the vectors of [`Model`]; names are looked up through the indexes.

use crate::timeperiod::Timeperiod;
pub use crate::util::FxBuildHasher;
use crate::Location;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// An immutable, cheaply clonable string shared between objects (for example a
/// service description used on 1,000 hosts is stored once). Derefs to `str`, so
/// it reads like a `String`: `&s[..]`, `s.len()`, `s == "x"`, `format!("{s}")`,
/// `s.to_string()`; `String::from(s)` converts.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(Arc<str>);

impl Str {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Str {
    fn default() -> Str {
        Str(Arc::from(""))
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Str {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str(Arc::from(s))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str(Arc::from(s))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, o: &str) -> bool {
        &*self.0 == o
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, o: &&str) -> bool {
        &*self.0 == *o
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, o: &String) -> bool {
        *self.0 == **o
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, o: &Str) -> bool {
        self == &*o.0
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, o: &Str) -> bool {
        *self == &*o.0
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, o: &Str) -> bool {
        **self == *o.0
    }
}

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn idx(self) -> usize { self.0 as usize }
        }
    )*};
}
id_type!(
    HostId,
    ServiceId,
    CommandId,
    TimeperiodId,
    HostgroupId,
    ServicegroupId,
    ContactId,
    ContactgroupId
);

/// A reference to a command with its arguments: `name!arg1!arg2` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCall {
    /// The directive value exactly as written (used in log lines).
    pub raw: String,
    pub command: CommandId,
    /// `$ARG1$`.. values, `\!` already unescaped; not yet macro-expanded.
    pub args: Vec<String>,
}

/// Host states as configured for `initial_state` / flap options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateFlags(pub u8);
impl StateFlags {
    /// Bit for state id `s` (service 0..3, host 0..2).
    pub fn has(self, state_id: u8) -> bool {
        self.0 & (1 << state_id) != 0
    }
}

/// Main configuration (`nagios.cfg`). Every directive in the spec's files.md §7 has a
/// typed field with the Nagios 4 compiled default; all `key=value` lines are also kept
/// in `raw` in file order (repeated keys appear several times).
#[derive(Debug, Clone)]
pub struct MainConfig {
    pub path: PathBuf,
    pub raw: Vec<(String, String, Location)>,
    pub log_file: PathBuf,
    pub cfg_files: Vec<PathBuf>,
    pub cfg_dirs: Vec<PathBuf>,
    pub resource_files: Vec<PathBuf>,
    pub object_cache_file: Option<PathBuf>,
    pub precached_object_file: Option<PathBuf>,
    pub status_file: Option<PathBuf>,
    pub status_update_interval: u64,
    pub state_retention_file: Option<PathBuf>,
    pub retain_state_information: bool,
    pub retention_update_interval: u64,
    pub use_retained_program_state: bool,
    pub use_retained_scheduling_info: bool,
    pub command_file: Option<PathBuf>,
    pub check_external_commands: bool,
    pub lock_file: Option<PathBuf>,
    pub temp_file: Option<PathBuf>,
    pub temp_path: Option<PathBuf>,
    pub check_result_path: Option<PathBuf>,
    pub query_socket: Option<PathBuf>,
    pub log_rotation_method: char,
    pub log_archive_path: Option<PathBuf>,
    pub use_syslog: bool,
    pub log_notifications: bool,
    pub log_service_retries: bool,
    pub log_host_retries: bool,
    pub log_event_handlers: bool,
    pub log_initial_states: bool,
    pub log_current_states: bool,
    pub log_external_commands: bool,
    pub log_passive_checks: bool,
    pub interval_length: u64,
    pub service_inter_check_delay_method: String,
    pub host_inter_check_delay_method: String,
    pub max_service_check_spread: u64,
    pub max_host_check_spread: u64,
    pub max_concurrent_checks: u64,
    pub cached_host_check_horizon: u64,
    pub cached_service_check_horizon: u64,
    pub service_check_timeout: u64,
    /// State id a timed out service check gets (o=0 w=1 c=2 u=3).
    pub service_check_timeout_state: u8,
    pub host_check_timeout: u64,
    pub event_handler_timeout: u64,
    pub notification_timeout: u64,
    pub ocsp_timeout: u64,
    pub ochp_timeout: u64,
    pub execute_service_checks: bool,
    pub execute_host_checks: bool,
    pub accept_passive_service_checks: bool,
    pub accept_passive_host_checks: bool,
    pub passive_host_checks_are_soft: bool,
    pub translate_passive_host_checks: bool,
    pub enable_notifications: bool,
    pub enable_event_handlers: bool,
    pub global_host_event_handler: Option<CommandCall>,
    pub global_service_event_handler: Option<CommandCall>,
    pub obsess_over_services: bool,
    pub obsess_over_hosts: bool,
    pub ocsp_command: Option<CommandCall>,
    pub ochp_command: Option<CommandCall>,
    pub process_performance_data: bool,
    pub check_service_freshness: bool,
    pub check_host_freshness: bool,
    pub service_freshness_check_interval: u64,
    pub host_freshness_check_interval: u64,
    pub additional_freshness_latency: u64,
    pub enable_flap_detection: bool,
    pub low_service_flap_threshold: f64,
    pub high_service_flap_threshold: f64,
    pub low_host_flap_threshold: f64,
    pub high_host_flap_threshold: f64,
    pub soft_state_dependencies: bool,
    pub use_aggressive_host_checking: bool,
    pub enable_predictive_host_dependency_checks: bool,
    pub enable_predictive_service_dependency_checks: bool,
    pub check_for_orphaned_services: bool,
    pub check_for_orphaned_hosts: bool,
    /// `us`, `euro`, `iso8601`, `strict-iso8601`.
    pub date_format: String,
    pub illegal_object_name_chars: Vec<u8>,
    /// `None` when the directive is absent (Nagios warns).
    pub illegal_macro_output_chars: Option<Vec<u8>>,
    pub enable_environment_macros: bool,
    pub use_regexp_matching: bool,
    pub use_true_regexp_matching: bool,
    pub allow_empty_hostgroup_assignment: u8,
    pub admin_email: String,
    pub admin_pager: String,
    pub use_large_installation_tweaks: bool,
}

/// `$USER1$`..`$USER256$` from the resource files; index 0 is `$USER1$`.
#[derive(Debug, Clone, Default)]
pub struct UserMacros(pub Vec<Option<String>>);
impl UserMacros {
    /// Value of `$USERn$` (1-based); unset macros are `None` (expand to empty).
    pub fn get(&self, n: usize) -> Option<&str> {
        n.checked_sub(1)
            .and_then(|i| self.0.get(i))
            .and_then(|v| v.as_deref())
    }
}

#[derive(Debug, Clone)]
pub struct Command {
    pub name: String,
    pub line: String,
    pub location: Location,
}

/// Fields shared by hosts and services (after template resolution and defaults).
#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub check_command: Option<CommandCall>,
    pub check_interval: f64,
    pub retry_interval: f64,
    pub max_check_attempts: u32,
    pub check_period: Option<TimeperiodId>,
    pub active_checks_enabled: bool,
    pub passive_checks_enabled: bool,
    pub event_handler: Option<CommandCall>,
    pub event_handler_enabled: bool,
    pub obsess: bool,
    pub check_freshness: bool,
    pub freshness_threshold: u64,
    pub flap_detection_enabled: bool,
    pub flap_detection_options: StateFlags,
    pub low_flap_threshold: f64,
    pub high_flap_threshold: f64,
    pub notifications_enabled: bool,
    pub notification_interval: f64,
    pub first_notification_delay: f64,
    pub notification_period: Option<TimeperiodId>,
    /// Normalized letters in canonical order, comma separated (`d,u,r,f,s` /
    /// `w,u,c,r,f,s` when all), `n` for none. Shared.
    pub notification_options: Str,
    pub stalking_options: StateFlags,
    pub initial_state: u8,
    pub process_perf_data: bool,
    pub retain_status_information: bool,
    pub retain_nonstatus_information: bool,
    pub contacts: Vec<ContactId>,
    pub contact_groups: Vec<ContactgroupId>,
    pub notes: Option<Str>,
    pub notes_url: Option<Str>,
    pub action_url: Option<Str>,
    pub icon_image: Option<Str>,
    pub icon_image_alt: Option<Str>,
    /// Naemon >= 1.5.1 per-object `check_timeout` (seconds).
    pub check_timeout: Option<u64>,
    /// `importance` (Nagios 4.4; `hourly_value` is the old name), default 0.
    pub importance: i64,
    /// `_NAME value`: names upper-cased, without the leading `_`; own variables in
    /// definition order, then inherited ones.
    pub custom_vars: Vec<(Str, Str)>,
}

#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    pub alias: String,
    pub display_name: String,
    pub address: String,
    pub parents: Vec<HostId>,
    pub children: Vec<HostId>,
    pub hostgroups: Vec<HostgroupId>,
    /// Services on this host, in definition order.
    pub services: Vec<ServiceId>,
    pub settings: CheckSettings,
    /// Map and status-map settings the CGIs read (`vrml_image`,
    /// `statusmap_image`, `2d_coords`, `3d_coords`), as written.
    pub map: HostMap,
    pub location: Location,
}

/// The CGI map settings of a host, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostMap {
    pub vrml_image: Option<String>,
    pub statusmap_image: Option<String>,
    /// `2d_coords x,y`.
    pub coords_2d: Option<(i64, i64)>,
    /// `3d_coords x,y,z`.
    pub coords_3d: Option<(f64, f64, f64)>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub host: HostId,
    /// Shared (one copy per distinct description).
    pub description: Str,
    /// Defaults to the description. Shared.
    pub display_name: Str,
    pub is_volatile: bool,
    /// `parallelize_check` (ignored by Nagios 4, kept for objects.cache).
    pub parallelize_check: bool,
    /// Service parents (`parents`: one same-host description, or `host,service`
    /// pairs), in the order written.
    pub parents: Vec<ServiceId>,
    pub servicegroups: Vec<ServicegroupId>,
    /// Shared between services whose settings are the same (services made
    /// from one template set on hosts that add nothing to them): at 100,000
    /// services this is most of the model's memory. Reads like a
    /// `CheckSettings` (`Deref`).
    pub settings: Arc<CheckSettings>,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Hostgroup {
    pub name: String,
    pub alias: String,
    pub members: Vec<HostId>,
    pub notes: Option<String>,
    pub notes_url: Option<String>,
    pub action_url: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Servicegroup {
    pub name: String,
    pub alias: String,
    pub members: Vec<ServiceId>,
    pub notes: Option<String>,
    pub notes_url: Option<String>,
    pub action_url: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub name: String,
    pub alias: String,
    pub email: Option<String>,
    pub pager: Option<String>,
    pub addresses: Vec<Option<String>>,
    pub contactgroups: Vec<ContactgroupId>,
    pub host_notification_period: Option<TimeperiodId>,
    pub service_notification_period: Option<TimeperiodId>,
    pub host_notification_options: String,
    pub service_notification_options: String,
    pub host_notification_commands: Vec<CommandCall>,
    pub service_notification_commands: Vec<CommandCall>,
    pub host_notifications_enabled: bool,
    pub service_notifications_enabled: bool,
    pub can_submit_commands: bool,
    pub retain_status_information: bool,
    pub retain_nonstatus_information: bool,
    /// `minimum_importance` (`minimum_value`), default 0.
    pub minimum_importance: i64,
    pub custom_vars: Vec<(Str, Str)>,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Contactgroup {
    pub name: String,
    pub alias: String,
    pub members: Vec<ContactId>,
    pub location: Location,
}

/// Which kind of dependency an entry is. Nagios registers one dependency object per
/// kind given (`execution_failure_criteria` and/or `notification_failure_criteria`),
/// and counts them separately; so does vigil: an entry of kind `Execution` has an
/// empty `notification_failure_criteria` and vice versa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    Execution,
    Notification,
}

#[derive(Debug, Clone)]
pub struct HostDependency {
    pub host: HostId,
    pub dependent_host: HostId,
    pub execution_failure_criteria: String,
    pub notification_failure_criteria: String,
    pub inherits_parent: bool,
    pub dependency_period: Option<TimeperiodId>,
    /// Execution or notification dependency (added field).
    pub kind: DependencyKind,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct ServiceDependency {
    pub service: ServiceId,
    pub dependent_service: ServiceId,
    pub execution_failure_criteria: String,
    pub notification_failure_criteria: String,
    pub inherits_parent: bool,
    pub dependency_period: Option<TimeperiodId>,
    /// Execution or notification dependency (added field).
    pub kind: DependencyKind,
    pub location: Location,
}

#[derive(Debug, Clone)]
pub struct Escalation {
    /// The host (host escalation) or the service's host.
    pub host: HostId,
    /// `Some` for service escalations.
    pub service: Option<ServiceId>,
    pub first_notification: i64,
    pub last_notification: i64,
    pub notification_interval: f64,
    pub escalation_period: Option<TimeperiodId>,
    pub escalation_options: String,
    pub contacts: Vec<ContactId>,
    pub contact_groups: Vec<ContactgroupId>,
    pub location: Location,
}

/// Object counts as `nagios -v` prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub services: usize,
    pub hosts: usize,
    pub hostgroups: usize,
    pub servicegroups: usize,
    pub contacts: usize,
    pub contactgroups: usize,
    pub commands: usize,
    pub timeperiods: usize,
    pub host_escalations: usize,
    pub service_escalations: usize,
    pub host_dependencies: usize,
    pub service_dependencies: usize,
}

/// The whole resolved configuration.
#[derive(Debug, Clone)]
pub struct Model {
    pub main: MainConfig,
    pub user_macros: UserMacros,
    pub commands: Vec<Command>,
    pub timeperiods: Vec<Timeperiod>,
    pub hosts: Vec<Host>,
    pub services: Vec<Service>,
    pub hostgroups: Vec<Hostgroup>,
    pub servicegroups: Vec<Servicegroup>,
    pub contacts: Vec<Contact>,
    pub contactgroups: Vec<Contactgroup>,
    pub host_dependencies: Vec<HostDependency>,
    pub service_dependencies: Vec<ServiceDependency>,
    pub host_escalations: Vec<Escalation>,
    pub service_escalations: Vec<Escalation>,
    pub index: Index,
}

/// Name lookups. Command names are matched exactly (case-sensitive).
#[derive(Debug, Clone, Default)]
/// All maps use FxHash: names come from the configuration, not from the network.
pub struct Index {
    pub hosts: HashMap<String, HostId, FxBuildHasher>,
    /// By (host, description).
    pub services: HashMap<(HostId, Str), ServiceId, FxBuildHasher>,
    pub commands: HashMap<String, CommandId, FxBuildHasher>,
    pub timeperiods: HashMap<String, TimeperiodId, FxBuildHasher>,
    pub hostgroups: HashMap<String, HostgroupId, FxBuildHasher>,
    pub servicegroups: HashMap<String, ServicegroupId, FxBuildHasher>,
    pub contacts: HashMap<String, ContactId, FxBuildHasher>,
    pub contactgroups: HashMap<String, ContactgroupId, FxBuildHasher>,
}

impl Model {
    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id.idx()]
    }
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.idx()]
    }
    pub fn command(&self, id: CommandId) -> &Command {
        &self.commands[id.idx()]
    }
    pub fn find_host(&self, name: &str) -> Option<HostId> {
        self.index.hosts.get(name).copied()
    }
    /// Host by name or, failing that, by address (as PROCESS_*_CHECK_RESULT does).
    pub fn find_host_by_name_or_address(&self, name: &str) -> Option<HostId> {
        self.find_host(name).or_else(|| {
            self.hosts
                .iter()
                .position(|h| h.address == name)
                .map(|i| HostId(i as u32))
        })
    }
    pub fn find_service(&self, host: &str, description: &str) -> Option<ServiceId> {
        let h = self.find_host(host)?;
        self.index
            .services
            .get(&(h, Str::from(description)))
            .copied()
    }
    pub fn find_command(&self, name: &str) -> Option<CommandId> {
        self.index.commands.get(name).copied()
    }
    pub fn counts(&self) -> Counts {
        Counts {
            services: self.services.len(),
            hosts: self.hosts.len(),
            hostgroups: self.hostgroups.len(),
            servicegroups: self.servicegroups.len(),
            contacts: self.contacts.len(),
            contactgroups: self.contactgroups.len(),
            commands: self.commands.len(),
            timeperiods: self.timeperiods.len(),
            host_escalations: self.host_escalations.len(),
            service_escalations: self.service_escalations.len(),
            host_dependencies: self.host_dependencies.len(),
            service_dependencies: self.service_dependencies.len(),
        }
    }
}
