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
        /// An index into the model's vector of this kind.
        pub struct $name(pub u32);
        impl $name {
            /// The index as `usize`.
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
    /// The command called.
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
    /// The main config file.
    pub path: PathBuf,
    /// Every `key=value` line of the main config with its location, as read.
    pub raw: Vec<(String, String, Location)>,
    /// `log_file` (the Nagios directive of that name).
    pub log_file: PathBuf,
    /// `cfg_file` lines, in order.
    pub cfg_files: Vec<PathBuf>,
    /// `cfg_dir` lines, in order.
    pub cfg_dirs: Vec<PathBuf>,
    /// `resource_file` lines, in order.
    pub resource_files: Vec<PathBuf>,
    /// `object_cache_file` (the Nagios directive of that name).
    pub object_cache_file: Option<PathBuf>,
    /// `precached_object_file` (the Nagios directive of that name).
    pub precached_object_file: Option<PathBuf>,
    /// `status_file` (the Nagios directive of that name).
    pub status_file: Option<PathBuf>,
    /// `status_update_interval` (the Nagios directive of that name).
    pub status_update_interval: u64,
    /// `state_retention_file` (the Nagios directive of that name).
    pub state_retention_file: Option<PathBuf>,
    /// `retain_state_information` (the Nagios directive of that name).
    pub retain_state_information: bool,
    /// `retention_update_interval` (the Nagios directive of that name).
    pub retention_update_interval: u64,
    /// `use_retained_program_state` (the Nagios directive of that name).
    pub use_retained_program_state: bool,
    /// `use_retained_scheduling_info` (the Nagios directive of that name).
    pub use_retained_scheduling_info: bool,
    /// `command_file` (the Nagios directive of that name).
    pub command_file: Option<PathBuf>,
    /// `check_external_commands` (the Nagios directive of that name).
    pub check_external_commands: bool,
    /// `lock_file` (the Nagios directive of that name).
    pub lock_file: Option<PathBuf>,
    /// `temp_file` (the Nagios directive of that name).
    pub temp_file: Option<PathBuf>,
    /// `temp_path` (the Nagios directive of that name).
    pub temp_path: Option<PathBuf>,
    /// `check_result_path` (the Nagios directive of that name).
    pub check_result_path: Option<PathBuf>,
    /// `query_socket` (the Nagios directive of that name).
    pub query_socket: Option<PathBuf>,
    /// `log_rotation_method` (the Nagios directive of that name).
    pub log_rotation_method: char,
    /// `log_archive_path` (the Nagios directive of that name).
    pub log_archive_path: Option<PathBuf>,
    /// `use_syslog` (the Nagios directive of that name).
    pub use_syslog: bool,
    /// `log_notifications` (the Nagios directive of that name).
    pub log_notifications: bool,
    /// `log_service_retries` (the Nagios directive of that name).
    pub log_service_retries: bool,
    /// `log_host_retries` (the Nagios directive of that name).
    pub log_host_retries: bool,
    /// `log_event_handlers` (the Nagios directive of that name).
    pub log_event_handlers: bool,
    /// `log_initial_states` (the Nagios directive of that name).
    pub log_initial_states: bool,
    /// `log_current_states` (the Nagios directive of that name).
    pub log_current_states: bool,
    /// `log_external_commands` (the Nagios directive of that name).
    pub log_external_commands: bool,
    /// `log_passive_checks` (the Nagios directive of that name).
    pub log_passive_checks: bool,
    /// `interval_length` (the Nagios directive of that name).
    pub interval_length: u64,
    /// `service_inter_check_delay_method` (the Nagios directive of that name).
    pub service_inter_check_delay_method: String,
    /// `host_inter_check_delay_method` (the Nagios directive of that name).
    pub host_inter_check_delay_method: String,
    /// `max_service_check_spread` (the Nagios directive of that name).
    pub max_service_check_spread: u64,
    /// `max_host_check_spread` (the Nagios directive of that name).
    pub max_host_check_spread: u64,
    /// `max_concurrent_checks` (the Nagios directive of that name).
    pub max_concurrent_checks: u64,
    /// `cached_host_check_horizon` (the Nagios directive of that name).
    pub cached_host_check_horizon: u64,
    /// `cached_service_check_horizon` (the Nagios directive of that name).
    pub cached_service_check_horizon: u64,
    /// `service_check_timeout` (the Nagios directive of that name).
    pub service_check_timeout: u64,
    /// State id a timed out service check gets (o=0 w=1 c=2 u=3).
    pub service_check_timeout_state: u8,
    /// `host_check_timeout` (the Nagios directive of that name).
    pub host_check_timeout: u64,
    /// `event_handler_timeout` (the Nagios directive of that name).
    pub event_handler_timeout: u64,
    /// `notification_timeout` (the Nagios directive of that name).
    pub notification_timeout: u64,
    /// `ocsp_timeout` (the Nagios directive of that name).
    pub ocsp_timeout: u64,
    /// `ochp_timeout` (the Nagios directive of that name).
    pub ochp_timeout: u64,
    /// `execute_service_checks` (the Nagios directive of that name).
    pub execute_service_checks: bool,
    /// `execute_host_checks` (the Nagios directive of that name).
    pub execute_host_checks: bool,
    /// `accept_passive_service_checks` (the Nagios directive of that name).
    pub accept_passive_service_checks: bool,
    /// `accept_passive_host_checks` (the Nagios directive of that name).
    pub accept_passive_host_checks: bool,
    /// `passive_host_checks_are_soft` (the Nagios directive of that name).
    pub passive_host_checks_are_soft: bool,
    /// `translate_passive_host_checks` (the Nagios directive of that name).
    pub translate_passive_host_checks: bool,
    /// `enable_notifications` (the Nagios directive of that name).
    pub enable_notifications: bool,
    /// `enable_event_handlers` (the Nagios directive of that name).
    pub enable_event_handlers: bool,
    /// `global_host_event_handler` (the Nagios directive of that name).
    pub global_host_event_handler: Option<CommandCall>,
    /// `global_service_event_handler` (the Nagios directive of that name).
    pub global_service_event_handler: Option<CommandCall>,
    /// `obsess_over_services` (the Nagios directive of that name).
    pub obsess_over_services: bool,
    /// `obsess_over_hosts` (the Nagios directive of that name).
    pub obsess_over_hosts: bool,
    /// `ocsp_command` (the Nagios directive of that name).
    pub ocsp_command: Option<CommandCall>,
    /// `ochp_command` (the Nagios directive of that name).
    pub ochp_command: Option<CommandCall>,
    /// `process_performance_data` (the Nagios directive of that name).
    pub process_performance_data: bool,
    /// `check_service_freshness` (the Nagios directive of that name).
    pub check_service_freshness: bool,
    /// `check_host_freshness` (the Nagios directive of that name).
    pub check_host_freshness: bool,
    /// `service_freshness_check_interval` (the Nagios directive of that name).
    pub service_freshness_check_interval: u64,
    /// `host_freshness_check_interval` (the Nagios directive of that name).
    pub host_freshness_check_interval: u64,
    /// `additional_freshness_latency` (the Nagios directive of that name).
    pub additional_freshness_latency: u64,
    /// `enable_flap_detection` (the Nagios directive of that name).
    pub enable_flap_detection: bool,
    /// `low_service_flap_threshold` (the Nagios directive of that name).
    pub low_service_flap_threshold: f64,
    /// `high_service_flap_threshold` (the Nagios directive of that name).
    pub high_service_flap_threshold: f64,
    /// `low_host_flap_threshold` (the Nagios directive of that name).
    pub low_host_flap_threshold: f64,
    /// `high_host_flap_threshold` (the Nagios directive of that name).
    pub high_host_flap_threshold: f64,
    /// `soft_state_dependencies` (the Nagios directive of that name).
    pub soft_state_dependencies: bool,
    /// `use_aggressive_host_checking` (the Nagios directive of that name).
    pub use_aggressive_host_checking: bool,
    /// `enable_predictive_host_dependency_checks` (the Nagios directive of that name).
    pub enable_predictive_host_dependency_checks: bool,
    /// `enable_predictive_service_dependency_checks` (the Nagios directive of that name).
    pub enable_predictive_service_dependency_checks: bool,
    /// `check_for_orphaned_services` (the Nagios directive of that name).
    pub check_for_orphaned_services: bool,
    /// `check_for_orphaned_hosts` (the Nagios directive of that name).
    pub check_for_orphaned_hosts: bool,
    /// `us`, `euro`, `iso8601`, `strict-iso8601`.
    pub date_format: String,
    /// `illegal_object_name_chars` (the Nagios directive of that name).
    pub illegal_object_name_chars: Vec<u8>,
    /// `None` when the directive is absent (Nagios warns).
    pub illegal_macro_output_chars: Option<Vec<u8>>,
    /// `enable_environment_macros` (the Nagios directive of that name).
    pub enable_environment_macros: bool,
    /// `use_regexp_matching` (the Nagios directive of that name).
    pub use_regexp_matching: bool,
    /// `use_true_regexp_matching` (the Nagios directive of that name).
    pub use_true_regexp_matching: bool,
    /// `allow_empty_hostgroup_assignment` (the Nagios directive of that name).
    pub allow_empty_hostgroup_assignment: u8,
    /// `admin_email` (the Nagios directive of that name).
    pub admin_email: String,
    /// `admin_pager` (the Nagios directive of that name).
    pub admin_pager: String,
    /// `use_large_installation_tweaks` (the Nagios directive of that name).
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
/// A `command` definition.
pub struct Command {
    /// The object's name.
    pub name: String,
    /// `command_line`, as written.
    pub line: String,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

/// Fields shared by hosts and services (after template resolution and defaults).
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// `check_command` (the Nagios directive of that name).
    pub check_command: Option<CommandCall>,
    /// `check_interval` (the Nagios directive of that name).
    pub check_interval: f64,
    /// `retry_interval` (the Nagios directive of that name).
    pub retry_interval: f64,
    /// `max_check_attempts` (the Nagios directive of that name).
    pub max_check_attempts: u32,
    /// `check_period` (the Nagios directive of that name).
    pub check_period: Option<TimeperiodId>,
    /// `active_checks_enabled` (the Nagios directive of that name).
    pub active_checks_enabled: bool,
    /// `passive_checks_enabled` (the Nagios directive of that name).
    pub passive_checks_enabled: bool,
    /// `event_handler` (the Nagios directive of that name).
    pub event_handler: Option<CommandCall>,
    /// `event_handler_enabled` (the Nagios directive of that name).
    pub event_handler_enabled: bool,
    /// `obsess` (the Nagios directive of that name).
    pub obsess: bool,
    /// `check_freshness` (the Nagios directive of that name).
    pub check_freshness: bool,
    /// `freshness_threshold` (the Nagios directive of that name).
    pub freshness_threshold: u64,
    /// `flap_detection_enabled` (the Nagios directive of that name).
    pub flap_detection_enabled: bool,
    /// `flap_detection_options` (the Nagios directive of that name).
    pub flap_detection_options: StateFlags,
    /// `low_flap_threshold` (the Nagios directive of that name).
    pub low_flap_threshold: f64,
    /// `high_flap_threshold` (the Nagios directive of that name).
    pub high_flap_threshold: f64,
    /// `notifications_enabled` (the Nagios directive of that name).
    pub notifications_enabled: bool,
    /// `notification_interval` (the Nagios directive of that name).
    pub notification_interval: f64,
    /// `first_notification_delay` (the Nagios directive of that name).
    pub first_notification_delay: f64,
    /// `notification_period` (the Nagios directive of that name).
    pub notification_period: Option<TimeperiodId>,
    /// Normalized letters in canonical order, comma separated (`d,u,r,f,s` /
    /// `w,u,c,r,f,s` when all), `n` for none. Shared.
    pub notification_options: Str,
    /// `stalking_options` (the Nagios directive of that name).
    pub stalking_options: StateFlags,
    /// `initial_state` (the Nagios directive of that name).
    pub initial_state: u8,
    /// `process_perf_data` (the Nagios directive of that name).
    pub process_perf_data: bool,
    /// `retain_status_information` (the Nagios directive of that name).
    pub retain_status_information: bool,
    /// `retain_nonstatus_information` (the Nagios directive of that name).
    pub retain_nonstatus_information: bool,
    /// `contacts` (the Nagios directive of that name).
    pub contacts: Vec<ContactId>,
    /// `contact_groups` (the Nagios directive of that name).
    pub contact_groups: Vec<ContactgroupId>,
    /// `notes` (the Nagios directive of that name).
    pub notes: Option<Str>,
    /// `notes_url` (the Nagios directive of that name).
    pub notes_url: Option<Str>,
    /// `action_url` (the Nagios directive of that name).
    pub action_url: Option<Str>,
    /// `icon_image` (the Nagios directive of that name).
    pub icon_image: Option<Str>,
    /// `icon_image_alt` (the Nagios directive of that name).
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
/// A `host` definition.
pub struct Host {
    /// The object's name.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// `display_name` (the Nagios directive of that name).
    pub display_name: String,
    /// `address` (the Nagios directive of that name).
    pub address: String,
    /// `parents` (the Nagios directive of that name).
    pub parents: Vec<HostId>,
    /// Hosts that name this one in `parents` (derived).
    pub children: Vec<HostId>,
    /// `hostgroups` (the Nagios directive of that name).
    pub hostgroups: Vec<HostgroupId>,
    /// Services on this host, in definition order.
    pub services: Vec<ServiceId>,
    /// Check, handler and notification settings (shared by objects made from the same templates).
    pub settings: CheckSettings,
    /// Map and status-map settings the CGIs read (`vrml_image`,
    /// `statusmap_image`, `2d_coords`, `3d_coords`), as written.
    pub map: HostMap,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

/// The CGI map settings of a host, as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostMap {
    /// `vrml_image` (the Nagios directive of that name).
    pub vrml_image: Option<String>,
    /// `statusmap_image` (the Nagios directive of that name).
    pub statusmap_image: Option<String>,
    /// `2d_coords x,y`.
    pub coords_2d: Option<(i64, i64)>,
    /// `3d_coords x,y,z`.
    pub coords_3d: Option<(f64, f64, f64)>,
}

#[derive(Debug, Clone)]
/// A `service` definition.
pub struct Service {
    /// The host (of a service, a dependency's master).
    pub host: HostId,
    /// Shared (one copy per distinct description).
    pub description: Str,
    /// Defaults to the description. Shared.
    pub display_name: Str,
    /// `is_volatile` (the Nagios directive of that name).
    pub is_volatile: bool,
    /// `parallelize_check` (ignored by Nagios 4, kept for objects.cache).
    pub parallelize_check: bool,
    /// Service parents (`parents`: one same-host description, or `host,service`
    /// pairs), in the order written.
    pub parents: Vec<ServiceId>,
    /// `servicegroups` (the Nagios directive of that name).
    pub servicegroups: Vec<ServicegroupId>,
    /// Shared between services whose settings are the same (services made
    /// from one template set on hosts that add nothing to them): at 100,000
    /// services this is most of the model's memory. Reads like a
    /// `CheckSettings` (`Deref`).
    pub settings: Arc<CheckSettings>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `hostgroup` definition.
pub struct Hostgroup {
    /// The object's name.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// Members, resolved.
    pub members: Vec<HostId>,
    /// `notes` (the Nagios directive of that name).
    pub notes: Option<String>,
    /// `notes_url` (the Nagios directive of that name).
    pub notes_url: Option<String>,
    /// `action_url` (the Nagios directive of that name).
    pub action_url: Option<String>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `servicegroup` definition.
pub struct Servicegroup {
    /// The object's name.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// Members, resolved.
    pub members: Vec<ServiceId>,
    /// `notes` (the Nagios directive of that name).
    pub notes: Option<String>,
    /// `notes_url` (the Nagios directive of that name).
    pub notes_url: Option<String>,
    /// `action_url` (the Nagios directive of that name).
    pub action_url: Option<String>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `contact` definition.
pub struct Contact {
    /// The object's name.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// `email` (the Nagios directive of that name).
    pub email: Option<String>,
    /// `pager` (the Nagios directive of that name).
    pub pager: Option<String>,
    /// `address1`..`address6`.
    pub addresses: Vec<Option<String>>,
    /// `contactgroups` (the Nagios directive of that name).
    pub contactgroups: Vec<ContactgroupId>,
    /// `host_notification_period` (the Nagios directive of that name).
    pub host_notification_period: Option<TimeperiodId>,
    /// `service_notification_period` (the Nagios directive of that name).
    pub service_notification_period: Option<TimeperiodId>,
    /// `host_notification_options` (the Nagios directive of that name).
    pub host_notification_options: String,
    /// `service_notification_options` (the Nagios directive of that name).
    pub service_notification_options: String,
    /// `host_notification_commands` (the Nagios directive of that name).
    pub host_notification_commands: Vec<CommandCall>,
    /// `service_notification_commands` (the Nagios directive of that name).
    pub service_notification_commands: Vec<CommandCall>,
    /// `host_notifications_enabled` (the Nagios directive of that name).
    pub host_notifications_enabled: bool,
    /// `service_notifications_enabled` (the Nagios directive of that name).
    pub service_notifications_enabled: bool,
    /// `can_submit_commands` (the Nagios directive of that name).
    pub can_submit_commands: bool,
    /// `retain_status_information` (the Nagios directive of that name).
    pub retain_status_information: bool,
    /// `retain_nonstatus_information` (the Nagios directive of that name).
    pub retain_nonstatus_information: bool,
    /// `minimum_importance` (`minimum_value`), default 0.
    pub minimum_importance: i64,
    /// Custom variables (`_NAME value`), inherited.
    pub custom_vars: Vec<(Str, Str)>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `contactgroup` definition.
pub struct Contactgroup {
    /// The object's name.
    pub name: String,
    /// `alias`.
    pub alias: String,
    /// Members, resolved.
    pub members: Vec<ContactId>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

/// Which kind of dependency an entry is. Nagios registers one dependency object per
/// kind given (`execution_failure_criteria` and/or `notification_failure_criteria`),
/// and counts them separately; so does vigil: an entry of kind `Execution` has an
/// empty `notification_failure_criteria` and vice versa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    /// An execution dependency.
    Execution,
    /// A notification dependency.
    Notification,
}

#[derive(Debug, Clone)]
/// A `hostdependency`, one per (master, dependent) pair.
pub struct HostDependency {
    /// The host (of a service, a dependency's master).
    pub host: HostId,
    /// The dependent host.
    pub dependent_host: HostId,
    /// `execution_failure_criteria` (the Nagios directive of that name).
    pub execution_failure_criteria: String,
    /// `notification_failure_criteria` (the Nagios directive of that name).
    pub notification_failure_criteria: String,
    /// `inherits_parent` (the Nagios directive of that name).
    pub inherits_parent: bool,
    /// `dependency_period` (the Nagios directive of that name).
    pub dependency_period: Option<TimeperiodId>,
    /// Execution or notification dependency (added field).
    pub kind: DependencyKind,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `servicedependency`, one per (master, dependent) pair.
pub struct ServiceDependency {
    /// The master service.
    pub service: ServiceId,
    /// The dependent service.
    pub dependent_service: ServiceId,
    /// `execution_failure_criteria` (the Nagios directive of that name).
    pub execution_failure_criteria: String,
    /// `notification_failure_criteria` (the Nagios directive of that name).
    pub notification_failure_criteria: String,
    /// `inherits_parent` (the Nagios directive of that name).
    pub inherits_parent: bool,
    /// `dependency_period` (the Nagios directive of that name).
    pub dependency_period: Option<TimeperiodId>,
    /// Execution or notification dependency (added field).
    pub kind: DependencyKind,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

#[derive(Debug, Clone)]
/// A `hostescalation` or `serviceescalation`, resolved.
pub struct Escalation {
    /// The host (host escalation) or the service's host.
    pub host: HostId,
    /// `Some` for service escalations.
    pub service: Option<ServiceId>,
    /// `first_notification` (the Nagios directive of that name).
    pub first_notification: i64,
    /// `last_notification` (the Nagios directive of that name).
    pub last_notification: i64,
    /// `notification_interval` (the Nagios directive of that name).
    pub notification_interval: f64,
    /// `escalation_period` (the Nagios directive of that name).
    pub escalation_period: Option<TimeperiodId>,
    /// `escalation_options` (the Nagios directive of that name).
    pub escalation_options: String,
    /// `contacts` (the Nagios directive of that name).
    pub contacts: Vec<ContactId>,
    /// `contact_groups` (the Nagios directive of that name).
    pub contact_groups: Vec<ContactgroupId>,
    /// Where the definition starts (`file:line`).
    pub location: Location,
}

/// Object counts as `nagios -v` prints them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Number of services.
    pub services: usize,
    /// Number of hosts.
    pub hosts: usize,
    /// Number of hostgroups.
    pub hostgroups: usize,
    /// Number of servicegroups.
    pub servicegroups: usize,
    /// Number of contacts.
    pub contacts: usize,
    /// Number of contactgroups.
    pub contactgroups: usize,
    /// Number of commands.
    pub commands: usize,
    /// Number of timeperiods.
    pub timeperiods: usize,
    /// Number of host_escalations.
    pub host_escalations: usize,
    /// Number of service_escalations.
    pub service_escalations: usize,
    /// Number of host_dependencies.
    pub host_dependencies: usize,
    /// Number of service_dependencies.
    pub service_dependencies: usize,
}

/// The whole resolved configuration.
#[derive(Debug, Clone)]
pub struct Model {
    /// The main configuration.
    pub main: MainConfig,
    /// `$USERn$` from the resource files.
    pub user_macros: UserMacros,
    /// `commands` (the Nagios directive of that name).
    pub commands: Vec<Command>,
    /// `timeperiods` (the Nagios directive of that name).
    pub timeperiods: Vec<Timeperiod>,
    /// `hosts` (the Nagios directive of that name).
    pub hosts: Vec<Host>,
    /// `services` (the Nagios directive of that name).
    pub services: Vec<Service>,
    /// `hostgroups` (the Nagios directive of that name).
    pub hostgroups: Vec<Hostgroup>,
    /// `servicegroups` (the Nagios directive of that name).
    pub servicegroups: Vec<Servicegroup>,
    /// `contacts` (the Nagios directive of that name).
    pub contacts: Vec<Contact>,
    /// `contactgroups` (the Nagios directive of that name).
    pub contactgroups: Vec<Contactgroup>,
    /// `host_dependencies` (the Nagios directive of that name).
    pub host_dependencies: Vec<HostDependency>,
    /// `service_dependencies` (the Nagios directive of that name).
    pub service_dependencies: Vec<ServiceDependency>,
    /// `host_escalations` (the Nagios directive of that name).
    pub host_escalations: Vec<Escalation>,
    /// `service_escalations` (the Nagios directive of that name).
    pub service_escalations: Vec<Escalation>,
    /// Name lookups.
    pub index: Index,
}

/// Name lookups. Command names are matched exactly (case-sensitive).
#[derive(Debug, Clone, Default)]
/// All maps use FxHash: names come from the configuration, not from the network.
pub struct Index {
    /// Hosts by name.
    pub hosts: HashMap<String, HostId, FxBuildHasher>,
    /// By (host, description).
    pub services: HashMap<(HostId, Str), ServiceId, FxBuildHasher>,
    /// Commands by name.
    pub commands: HashMap<String, CommandId, FxBuildHasher>,
    /// Timeperiods by name.
    pub timeperiods: HashMap<String, TimeperiodId, FxBuildHasher>,
    /// Hostgroups by name.
    pub hostgroups: HashMap<String, HostgroupId, FxBuildHasher>,
    /// Servicegroups by name.
    pub servicegroups: HashMap<String, ServicegroupId, FxBuildHasher>,
    /// Contacts by name.
    pub contacts: HashMap<String, ContactId, FxBuildHasher>,
    /// Contactgroups by name.
    pub contactgroups: HashMap<String, ContactgroupId, FxBuildHasher>,
}

impl Model {
    /// The host of an id.
    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id.idx()]
    }
    /// The service of an id.
    pub fn service(&self, id: ServiceId) -> &Service {
        &self.services[id.idx()]
    }
    /// The command of an id.
    pub fn command(&self, id: CommandId) -> &Command {
        &self.commands[id.idx()]
    }
    /// A host by name.
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
    /// A service by host name and description.
    pub fn find_service(&self, host: &str, description: &str) -> Option<ServiceId> {
        let h = self.find_host(host)?;
        self.index
            .services
            .get(&(h, Str::from(description)))
            .copied()
    }
    /// A command by name.
    pub fn find_command(&self, name: &str) -> Option<CommandId> {
        self.index.commands.get(name).copied()
    }
    /// Object counts as `nagios -v` prints them.
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
