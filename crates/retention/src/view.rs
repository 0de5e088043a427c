//! The part of the configuration that retention and status files need, as plain
//! data. [`ConfigView::from_model`] builds it from a [`vigil_config::Model`]; tests
//! and tools can also build one by hand. Index `i` of `hosts` / `services` is
//! `HostId(i)` / `ServiceId(i)`, the same order as the status slices.

use std::collections::{HashMap, HashSet};

use vigil_config::{CheckSettings, CommandCall, Model, Str, TimeperiodId};
use vigil_state::Shared;

/// Configured values of one host or service: its names, and the settings it shares
/// with the objects made from the same templates (read and written through `Deref`,
/// as if they were fields of their own: `cfg.check_command`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectConfig {
    /// `host_name` (one allocation per host, shared by its services).
    pub host_name: Str,
    /// `service_description` (services only; shared with the model).
    pub service_description: Option<Str>,
    /// Everything else, shared copy-on-write: at 100,000 services a copy per object
    /// was ~290 bytes each, the largest part of the view.
    pub settings: Shared<ObjectSettings>,
}

impl std::ops::Deref for ObjectConfig {
    type Target = ObjectSettings;
    fn deref(&self) -> &ObjectSettings {
        &self.settings
    }
}

impl std::ops::DerefMut for ObjectConfig {
    /// Copies the settings first when other objects share them.
    fn deref_mut(&mut self) -> &mut ObjectSettings {
        &mut self.settings
    }
}

/// The configured settings of an [`ObjectConfig`] that retention and status files
/// read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObjectSettings {
    /// Raw `check_command` (`cmd!args`), empty when none.
    pub check_command: String,
    /// `check_period` name, empty when none.
    pub check_period: String,
    /// `notification_period` name, empty when none.
    pub notification_period: String,
    /// Raw `event_handler`, empty when none.
    pub event_handler: String,
    /// `check_interval` in interval units.
    pub check_interval: f64,
    /// `retry_interval` in interval units.
    pub retry_interval: f64,
    /// `max_check_attempts`.
    pub max_check_attempts: u32,
    /// `notifications_enabled`.
    pub notifications_enabled: bool,
    /// `process_perf_data`.
    pub process_perf_data: bool,
    /// `obsess` / `obsess_over_*`.
    pub obsess: bool,
    /// `retain_status_information`.
    pub retain_status_information: bool,
    /// `retain_nonstatus_information`.
    pub retain_nonstatus_information: bool,
    /// Custom variables (`NAME` without `_`, value) in definition order.
    pub custom_vars: Vec<(String, String)>,
}

/// Configured values of one contact (for the `contact {` / `contactstatus {` blocks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactConfig {
    /// `contact_name`.
    pub name: String,
    /// `host_notification_period` name.
    pub host_notification_period: String,
    /// `service_notification_period` name.
    pub service_notification_period: String,
    /// `host_notifications_enabled`.
    pub host_notifications_enabled: bool,
    /// `service_notifications_enabled`.
    pub service_notifications_enabled: bool,
}

/// Everything about the configuration that reading and writing the state files uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigView {
    /// Hosts, index = `HostId`.
    pub hosts: Vec<ObjectConfig>,
    /// Services, index = `ServiceId`.
    pub services: Vec<ObjectConfig>,
    /// Contacts in definition order.
    pub contacts: Vec<ContactConfig>,
    /// Names of the defined commands (a retained handler must still exist).
    pub commands: HashSet<String>,
    /// Names of the defined timeperiods (a retained notification period must
    /// still exist).
    pub timeperiods: HashSet<String>,
    /// `use_retained_scheduling_info`.
    pub use_retained_scheduling_info: bool,
    /// `retention_scheduling_horizon` in seconds (default 900).
    pub retention_scheduling_horizon: i64,
    /// `retained_host_attribute_mask` (bits never restored for hosts).
    pub retained_host_attribute_mask: u64,
    /// `retained_service_attribute_mask`.
    pub retained_service_attribute_mask: u64,
    /// `retained_process_host_attribute_mask`.
    pub retained_process_host_attribute_mask: u64,
    /// `retained_process_service_attribute_mask`.
    pub retained_process_service_attribute_mask: u64,
}

fn raw_call(c: &Option<CommandCall>) -> String {
    c.as_ref().map(|c| c.raw.to_string()).unwrap_or_default()
}

fn period_name(model: &Model, id: Option<TimeperiodId>) -> String {
    id.and_then(|id| model.timeperiods.get(id.idx()))
        .map(|t| t.name.to_string())
        .unwrap_or_default()
}

fn settings(model: &Model, s: &CheckSettings) -> ObjectSettings {
    ObjectSettings {
        check_command: raw_call(&s.check_command),
        check_period: period_name(model, s.check_period),
        notification_period: period_name(model, s.notification_period),
        event_handler: raw_call(&s.event_handler),
        check_interval: s.check_interval,
        retry_interval: s.retry_interval,
        max_check_attempts: s.max_check_attempts,
        notifications_enabled: s.notifications_enabled,
        process_perf_data: s.process_perf_data,
        obsess: s.obsess,
        retain_status_information: s.retain_status_information,
        retain_nonstatus_information: s.retain_nonstatus_information,
        custom_vars: s
            .custom_vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Last value of a main-config directive that has no typed field in the model.
fn raw_main<T: std::str::FromStr>(model: &Model, key: &str) -> Option<T> {
    model
        .main
        .raw
        .iter()
        .rev()
        .find(|(k, _, _)| k.as_str() == key)
        .and_then(|(_, v, _)| v.trim().parse().ok())
}

impl ConfigView {
    /// Extracts the view from a loaded model.
    pub fn from_model(model: &Model) -> Self {
        let host_names: Vec<Str> = model.hosts.iter().map(|h| Str::from(&*h.name)).collect();
        let hosts = model
            .hosts
            .iter()
            .zip(&host_names)
            .map(|(h, name)| ObjectConfig {
                host_name: name.clone(),
                service_description: None,
                settings: Shared::new(settings(model, &h.settings)),
            })
            .collect();
        // Services made from the same templates share one `CheckSettings` in the
        // model, and so one `ObjectSettings` here.
        let mut shared: HashMap<*const CheckSettings, Shared<ObjectSettings>> = HashMap::new();
        let services = model
            .services
            .iter()
            .map(|s| ObjectConfig {
                host_name: host_names.get(s.host.idx()).cloned().unwrap_or_default(),
                service_description: Some(s.description.clone()),
                settings: shared
                    .entry(std::sync::Arc::as_ptr(&s.settings))
                    .or_insert_with(|| Shared::new(settings(model, &s.settings)))
                    .clone(),
            })
            .collect();
        let contacts = model
            .contacts
            .iter()
            .map(|c| ContactConfig {
                name: c.name.to_string(),
                host_notification_period: period_name(model, c.host_notification_period),
                service_notification_period: period_name(model, c.service_notification_period),
                host_notifications_enabled: c.host_notifications_enabled,
                service_notifications_enabled: c.service_notifications_enabled,
            })
            .collect();
        ConfigView {
            hosts,
            services,
            contacts,
            commands: model.commands.iter().map(|c| c.name.to_string()).collect(),
            timeperiods: model
                .timeperiods
                .iter()
                .map(|t| t.name.to_string())
                .collect(),
            use_retained_scheduling_info: model.main.use_retained_scheduling_info,
            retention_scheduling_horizon: raw_main(model, "retention_scheduling_horizon")
                .unwrap_or(900),
            retained_host_attribute_mask: raw_main(model, "retained_host_attribute_mask")
                .unwrap_or(0),
            retained_service_attribute_mask: raw_main(model, "retained_service_attribute_mask")
                .unwrap_or(0),
            retained_process_host_attribute_mask: raw_main(
                model,
                "retained_process_host_attribute_mask",
            )
            .unwrap_or(0),
            retained_process_service_attribute_mask: raw_main(
                model,
                "retained_process_service_attribute_mask",
            )
            .unwrap_or(0),
        }
    }

    /// True when `raw` (`cmd!args`) names a defined command.
    pub fn command_exists(&self, raw: &str) -> bool {
        let name = raw.split('!').next().unwrap_or("");
        self.commands.contains(name)
    }
}
