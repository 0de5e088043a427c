//! The main configuration file (`nagios.cfg` / `naemon.cfg`, objects.md §1 and
//! files.md §7): every directive with its Nagios 4 compiled default, object file
//! inclusion (`cfg_file`, `cfg_dir`), and resource files (`$USERn$`).

use crate::diag::{loc, Diags};
use crate::model::{MainConfig, UserMacros};
use crate::source::{trim, Lines, Source};
use crate::Location;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The log file used when the main config has no `log_file=` (Nagios then
/// uses its compiled-in default).
pub const DEFAULT_LOG_FILE: &str = "/var/log/vigil/vigil.log";

/// Highest `$USERn$` index (`MAX_USER_MACROS`).
pub const MAX_USER_MACROS: usize = 256;

/// One `cfg_file` / `cfg_dir` entry, in file order.
#[derive(Debug, Clone)]
pub(crate) enum ObjectSource {
    File(PathBuf, Location),
    Dir(PathBuf, Location),
}

/// A command reference of the main config (global handlers, OCSP/OCHP) waiting
/// for the commands to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GlobalCommand {
    HostEventHandler,
    ServiceEventHandler,
    Ocsp,
    Ochp,
}

/// Result of reading the main config.
#[derive(Debug)]
pub(crate) struct MainParse {
    pub main: MainConfig,
    pub sources: Vec<ObjectSource>,
    pub global_commands: Vec<(GlobalCommand, String, Location)>,
    pub user_macros: UserMacros,
}

impl MainConfig {
    /// The Nagios 4 compiled defaults (files.md §7) for a main config at `path`.
    /// `log_file` is empty (it is required).
    pub fn with_defaults(path: PathBuf) -> MainConfig {
        MainConfig {
            path,
            raw: Vec::new(),
            log_file: PathBuf::new(),
            cfg_files: Vec::new(),
            cfg_dirs: Vec::new(),
            resource_files: Vec::new(),
            object_cache_file: None,
            precached_object_file: None,
            status_file: None,
            status_update_interval: 60,
            state_retention_file: None,
            retain_state_information: false,
            retention_update_interval: 60,
            use_retained_program_state: true,
            use_retained_scheduling_info: false,
            command_file: None,
            check_external_commands: true,
            lock_file: None,
            temp_file: None,
            temp_path: Some(PathBuf::from("/tmp")),
            check_result_path: None,
            query_socket: None,
            log_rotation_method: 'n',
            log_archive_path: None,
            use_syslog: true,
            log_notifications: true,
            log_service_retries: false,
            log_host_retries: false,
            log_event_handlers: true,
            log_initial_states: false,
            log_current_states: true,
            log_external_commands: true,
            log_passive_checks: true,
            interval_length: 60,
            service_inter_check_delay_method: "s".into(),
            host_inter_check_delay_method: "s".into(),
            max_service_check_spread: 30,
            max_host_check_spread: 30,
            max_concurrent_checks: 0,
            cached_host_check_horizon: 15,
            cached_service_check_horizon: 15,
            service_check_timeout: 60,
            service_check_timeout_state: 2,
            host_check_timeout: 30,
            event_handler_timeout: 30,
            notification_timeout: 30,
            ocsp_timeout: 15,
            ochp_timeout: 15,
            execute_service_checks: true,
            execute_host_checks: true,
            accept_passive_service_checks: true,
            accept_passive_host_checks: true,
            passive_host_checks_are_soft: false,
            translate_passive_host_checks: false,
            enable_notifications: true,
            enable_event_handlers: true,
            global_host_event_handler: None,
            global_service_event_handler: None,
            obsess_over_services: false,
            obsess_over_hosts: false,
            ocsp_command: None,
            ochp_command: None,
            process_performance_data: false,
            check_service_freshness: true,
            check_host_freshness: false,
            service_freshness_check_interval: 60,
            host_freshness_check_interval: 60,
            additional_freshness_latency: 15,
            enable_flap_detection: false,
            low_service_flap_threshold: 20.0,
            high_service_flap_threshold: 30.0,
            low_host_flap_threshold: 20.0,
            high_host_flap_threshold: 30.0,
            soft_state_dependencies: false,
            use_aggressive_host_checking: false,
            enable_predictive_host_dependency_checks: true,
            enable_predictive_service_dependency_checks: true,
            check_for_orphaned_services: true,
            check_for_orphaned_hosts: true,
            date_format: "us".into(),
            illegal_object_name_chars: Vec::new(),
            illegal_macro_output_chars: None,
            enable_environment_macros: false,
            use_regexp_matching: false,
            use_true_regexp_matching: false,
            allow_empty_hostgroup_assignment: 2,
            admin_email: String::new(),
            admin_pager: String::new(),
            use_large_installation_tweaks: false,
        }
    }

    /// Value of the last occurrence of main-config directive `name` as written
    /// (also for directives without a typed field, e.g. `broker_module`).
    pub fn raw_value(&self, name: &str) -> Option<&str> {
        self.raw
            .iter()
            .rev()
            .find(|(k, _, _)| k == name)
            .map(|(_, v, _)| v.as_str())
    }
}

/// Directives recognised without a typed field (accepted silently).
const OTHER_KNOWN: &[&str] = &[
    "nagios_user",
    "nagios_group",
    "event_broker_options",
    "broker_module",
    "debug_level",
    "debug_verbosity",
    "debug_file",
    "max_debug_file_size",
    "service_interleave_factor",
    "check_result_reaper_frequency",
    "service_reaper_frequency",
    "max_check_result_reaper_time",
    "max_check_result_file_age",
    "auto_reschedule_checks",
    "auto_rescheduling_interval",
    "auto_rescheduling_window",
    "perfdata_timeout",
    "retained_host_attribute_mask",
    "retained_service_attribute_mask",
    "retained_process_host_attribute_mask",
    "retained_process_service_attribute_mask",
    "retained_contact_host_attribute_mask",
    "retained_contact_service_attribute_mask",
    "retention_scheduling_horizon",
    "retained_scheduling_randomize_window",
    "check_for_updates",
    "bare_update_check",
    "daemon_dumps_core",
    "host_perfdata_command",
    "service_perfdata_command",
    "host_perfdata_file",
    "service_perfdata_file",
    "host_perfdata_file_template",
    "service_perfdata_file_template",
    "host_perfdata_file_mode",
    "service_perfdata_file_mode",
    "host_perfdata_file_processing_interval",
    "service_perfdata_file_processing_interval",
    "host_perfdata_file_processing_command",
    "service_perfdata_file_processing_command",
    "host_perfdata_process_empty_results",
    "service_perfdata_process_empty_results",
    "time_change_threshold",
    "use_timezone",
    "free_child_process_memory",
    "child_processes_fork_twice",
    "enable_embedded_perl",
    "use_embedded_perl_implicitly",
    "p1_file",
    "external_command_buffer_slots",
    "check_workers",
    "loadctl_options",
    "host_down_disable_service_checks",
    "service_skip_check_dependency_status",
    "service_skip_check_parent_status",
    "service_skip_check_host_down_status",
    "host_skip_check_dependency_status",
    "website_url",
    "log_global_notifications",
];

/// Directives accepted with a deprecation warning.
const DEPRECATED: &[&str] = &[
    "command_check_interval",
    "sleep_time",
    "enable_failure_prediction",
    "aggregate_status_updates",
    "check_result_buffer_slots",
    "comment_file",
    "downtime_file",
];

/// Resolves `p` against `base` when relative.
pub(crate) fn resolve_path(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

struct Ctx<'d> {
    diags: &'d mut Diags,
    file: Arc<PathBuf>,
}

impl Ctx<'_> {
    fn bad(&mut self, line: u32, name: &str, value: &str, why: &str) {
        self.diags.error_at(
            &self.file,
            line,
            format!("illegal value '{value}' for {name}: {why}"),
        );
    }

    fn boolean(&mut self, line: u32, name: &str, value: &str, field: &mut bool) {
        match value {
            "0" => *field = false,
            "1" => *field = true,
            _ => self.bad(line, name, value, "expected 0 or 1"),
        }
    }

    /// Nagios reads these with `atoi` and then checks the range: a value
    /// without digits is 0, an error where 0 is out of range, otherwise
    /// loaded as 0 (vigil warns).
    fn int(&mut self, line: u32, name: &str, value: &str, min: u64, field: &mut u64) {
        let v = match parse_leading_int(value) {
            Some(v) => v,
            None if min == 0 => {
                self.diags.warn_at(
                    &self.file,
                    line,
                    format!("value '{value}' of {name} is not a number; read as 0, as Nagios does"),
                );
                0
            }
            None => return self.bad(line, name, value, "not a number"),
        };
        if v >= min as i64 {
            *field = v as u64;
        } else {
            self.bad(line, name, value, &format!("must be at least {min}"));
        }
    }

    fn threshold(&mut self, line: u32, name: &str, value: &str, field: &mut f64) {
        match parse_leading_float(value) {
            Some(v) if v > 0.0 && v < 100.0 => *field = v,
            Some(_) => self.bad(line, name, value, "must be between 0 and 100"),
            None => self.bad(line, name, value, "not a number"),
        }
    }
}

/// `atoi`-like: optional sign and leading digits; `None` when there are no digits.
pub(crate) fn parse_leading_int(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let (neg, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return None;
    }
    // Accumulate negatively so that i64::MIN fits; saturate like strtol.
    let mut v: i64 = 0;
    for &c in &digits[..n] {
        let d = i64::from(c - b'0');
        match v.checked_mul(10).and_then(|x| x.checked_sub(d)) {
            Some(x) => v = x,
            None => return Some(if neg { i64::MIN } else { i64::MAX }),
        }
    }
    if neg {
        Some(v)
    } else {
        Some(v.checked_neg().unwrap_or(i64::MAX))
    }
}

/// `strtod`-like: the longest leading decimal number; `None` when there is none.
pub(crate) fn parse_leading_float(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    s[..i].trim_end_matches('.').parse::<f64>().ok()
}

/// Reads the main config file at `path` (and its resource files).
/// `Err` only when the main file itself cannot be read.
pub(crate) fn read_main(path: &Path, diags: &mut Diags) -> Result<MainParse, std::io::Error> {
    let src = Source::read(path)?;
    Ok(parse_main(src, diags))
}

/// Parses an already-read main config.
pub(crate) fn parse_main(src: Source, diags: &mut Diags) -> MainParse {
    let base = src
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let file = src.path.clone();
    for &l in &src.latin1_lines {
        diags.warn_at(
            &file,
            l,
            "line is not valid UTF-8; read as Latin-1".to_string(),
        );
    }
    let mut m = MainConfig::with_defaults(src.path.as_ref().clone());
    let mut sources = Vec::new();
    let mut global_commands = Vec::new();
    let mut have_log_file = false;
    let mut cx = Ctx {
        diags,
        file: file.clone(),
    };

    for (line, text) in Lines::new(&src.text) {
        let t = trim(&text);
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some(eq) = t.find('=') else {
            cx.diags.error_at(
                &file,
                line,
                format!("main config line '{t}' has no '=' (expected name=value)"),
            );
            continue;
        };
        let name = trim(&t[..eq]);
        let value = trim(&t[eq + 1..]);
        let here = loc(&file, line);
        m.raw
            .push((name.to_string(), value.to_string(), here.clone()));
        let p = |v: &str| resolve_path(&base, v);
        match name {
            "log_file" => {
                m.log_file = p(value);
                have_log_file = !value.is_empty();
            }
            "cfg_file" | "xodtemplate_config_file" => {
                let path = p(value);
                m.cfg_files.push(path.clone());
                sources.push(ObjectSource::File(path, here));
            }
            "cfg_dir" | "xodtemplate_config_dir" => {
                let trimmed = if value.len() > 1 {
                    value.trim_end_matches('/')
                } else {
                    value
                };
                let path = p(trimmed);
                m.cfg_dirs.push(path.clone());
                sources.push(ObjectSource::Dir(path, here));
            }
            "resource_file" => m.resource_files.push(p(value)),
            "object_cache_file" => m.object_cache_file = Some(p(value)),
            "precached_object_file" => m.precached_object_file = Some(p(value)),
            "status_file" => m.status_file = Some(p(value)),
            "state_retention_file" | "xrddefault_retention_file" => {
                m.state_retention_file = Some(p(value))
            }
            "command_file" => m.command_file = Some(p(value)),
            "lock_file" => m.lock_file = Some(p(value)),
            "temp_file" => m.temp_file = Some(p(value)),
            "temp_path" => m.temp_path = Some(p(value)),
            "check_result_path" => {
                // Nagios checks this one where it reads it (opendir).
                let path = p(value);
                if !path.is_dir() {
                    cx.diags.error_at(
                        &file,
                        line,
                        format!("check result path '{value}' is not a valid directory"),
                    );
                }
                m.check_result_path = Some(path);
            }
            "query_socket" => m.query_socket = Some(p(value)),
            "log_archive_path" => m.log_archive_path = Some(p(value)),
            "status_update_interval" => cx.int(line, name, value, 1, &mut m.status_update_interval),
            "retain_state_information" => {
                cx.boolean(line, name, value, &mut m.retain_state_information)
            }
            "retention_update_interval" => {
                cx.int(line, name, value, 0, &mut m.retention_update_interval)
            }
            "use_retained_program_state" => {
                cx.boolean(line, name, value, &mut m.use_retained_program_state)
            }
            "use_retained_scheduling_info" => {
                cx.boolean(line, name, value, &mut m.use_retained_scheduling_info)
            }
            "check_external_commands" => {
                cx.boolean(line, name, value, &mut m.check_external_commands)
            }
            "log_rotation_method" => match value {
                "n" | "h" | "d" | "w" | "m" => m.log_rotation_method = value.as_bytes()[0] as char,
                _ => cx.bad(line, name, value, "expected n, h, d, w or m"),
            },
            "use_syslog" => cx.boolean(line, name, value, &mut m.use_syslog),
            "log_notifications" => cx.boolean(line, name, value, &mut m.log_notifications),
            "log_service_retries" => cx.boolean(line, name, value, &mut m.log_service_retries),
            "log_host_retries" => cx.boolean(line, name, value, &mut m.log_host_retries),
            "log_event_handlers" => cx.boolean(line, name, value, &mut m.log_event_handlers),
            "log_initial_states" => cx.boolean(line, name, value, &mut m.log_initial_states),
            "log_current_states" => cx.boolean(line, name, value, &mut m.log_current_states),
            "log_external_commands" => cx.boolean(line, name, value, &mut m.log_external_commands),
            "log_passive_checks" => cx.boolean(line, name, value, &mut m.log_passive_checks),
            "interval_length" => cx.int(line, name, value, 1, &mut m.interval_length),
            "service_inter_check_delay_method" => {
                m.service_inter_check_delay_method = value.to_string()
            }
            "host_inter_check_delay_method" => m.host_inter_check_delay_method = value.to_string(),
            "max_service_check_spread" => {
                cx.int(line, name, value, 1, &mut m.max_service_check_spread)
            }
            "max_host_check_spread" => cx.int(line, name, value, 1, &mut m.max_host_check_spread),
            "max_concurrent_checks" => cx.int(line, name, value, 0, &mut m.max_concurrent_checks),
            "cached_host_check_horizon" => {
                cx.int(line, name, value, 0, &mut m.cached_host_check_horizon)
            }
            "cached_service_check_horizon" => {
                cx.int(line, name, value, 0, &mut m.cached_service_check_horizon)
            }
            "service_check_timeout" => cx.int(line, name, value, 1, &mut m.service_check_timeout),
            "service_check_timeout_state" => match value {
                "o" => m.service_check_timeout_state = 0,
                "w" => m.service_check_timeout_state = 1,
                "c" => m.service_check_timeout_state = 2,
                "u" => m.service_check_timeout_state = 3,
                _ => cx.bad(line, name, value, "expected o, w, c or u"),
            },
            "host_check_timeout" => cx.int(line, name, value, 1, &mut m.host_check_timeout),
            "event_handler_timeout" => cx.int(line, name, value, 1, &mut m.event_handler_timeout),
            "notification_timeout" => cx.int(line, name, value, 1, &mut m.notification_timeout),
            "ocsp_timeout" => cx.int(line, name, value, 1, &mut m.ocsp_timeout),
            "ochp_timeout" => cx.int(line, name, value, 1, &mut m.ochp_timeout),
            "execute_service_checks" => {
                cx.boolean(line, name, value, &mut m.execute_service_checks)
            }
            "execute_host_checks" => cx.boolean(line, name, value, &mut m.execute_host_checks),
            "accept_passive_service_checks" => {
                cx.boolean(line, name, value, &mut m.accept_passive_service_checks)
            }
            "accept_passive_host_checks" => {
                cx.boolean(line, name, value, &mut m.accept_passive_host_checks)
            }
            "passive_host_checks_are_soft" => {
                cx.boolean(line, name, value, &mut m.passive_host_checks_are_soft)
            }
            "translate_passive_host_checks" => {
                cx.boolean(line, name, value, &mut m.translate_passive_host_checks)
            }
            "enable_notifications" => cx.boolean(line, name, value, &mut m.enable_notifications),
            "enable_event_handlers" => cx.boolean(line, name, value, &mut m.enable_event_handlers),
            "global_host_event_handler" => {
                global_commands.push((GlobalCommand::HostEventHandler, value.to_string(), here))
            }
            "global_service_event_handler" => {
                global_commands.push((GlobalCommand::ServiceEventHandler, value.to_string(), here))
            }
            "ocsp_command" => global_commands.push((GlobalCommand::Ocsp, value.to_string(), here)),
            "ochp_command" => global_commands.push((GlobalCommand::Ochp, value.to_string(), here)),
            "obsess_over_services" => cx.boolean(line, name, value, &mut m.obsess_over_services),
            "obsess_over_hosts" => cx.boolean(line, name, value, &mut m.obsess_over_hosts),
            "process_performance_data" => {
                cx.boolean(line, name, value, &mut m.process_performance_data)
            }
            "check_service_freshness" => {
                cx.boolean(line, name, value, &mut m.check_service_freshness)
            }
            "check_host_freshness" => cx.boolean(line, name, value, &mut m.check_host_freshness),
            "service_freshness_check_interval" | "freshness_check_interval" => cx.int(
                line,
                name,
                value,
                1,
                &mut m.service_freshness_check_interval,
            ),
            "host_freshness_check_interval" => {
                cx.int(line, name, value, 1, &mut m.host_freshness_check_interval)
            }
            "additional_freshness_latency" => {
                cx.int(line, name, value, 0, &mut m.additional_freshness_latency)
            }
            "enable_flap_detection" => cx.boolean(line, name, value, &mut m.enable_flap_detection),
            "low_service_flap_threshold" => {
                cx.threshold(line, name, value, &mut m.low_service_flap_threshold)
            }
            "high_service_flap_threshold" => {
                cx.threshold(line, name, value, &mut m.high_service_flap_threshold)
            }
            "low_host_flap_threshold" => {
                cx.threshold(line, name, value, &mut m.low_host_flap_threshold)
            }
            "high_host_flap_threshold" => {
                cx.threshold(line, name, value, &mut m.high_host_flap_threshold)
            }
            "soft_state_dependencies" => {
                cx.boolean(line, name, value, &mut m.soft_state_dependencies)
            }
            "use_aggressive_host_checking" | "use_agressive_host_checking" => {
                cx.boolean(line, name, value, &mut m.use_aggressive_host_checking)
            }
            "enable_predictive_host_dependency_checks" => cx.boolean(
                line,
                name,
                value,
                &mut m.enable_predictive_host_dependency_checks,
            ),
            "enable_predictive_service_dependency_checks" => cx.boolean(
                line,
                name,
                value,
                &mut m.enable_predictive_service_dependency_checks,
            ),
            "check_for_orphaned_services" => {
                cx.boolean(line, name, value, &mut m.check_for_orphaned_services)
            }
            "check_for_orphaned_hosts" => {
                cx.boolean(line, name, value, &mut m.check_for_orphaned_hosts)
            }
            "date_format" => match value {
                "us" | "euro" | "iso8601" | "strict-iso8601" => m.date_format = value.to_string(),
                _ => {
                    cx.diags.warn_at(
                        &file,
                        line,
                        format!("unknown date_format '{value}', using 'us'"),
                    );
                    m.date_format = "us".into();
                }
            },
            "illegal_object_name_chars" => m.illegal_object_name_chars = value.as_bytes().to_vec(),
            "illegal_macro_output_chars" => {
                m.illegal_macro_output_chars = Some(value.as_bytes().to_vec())
            }
            "enable_environment_macros" => {
                cx.boolean(line, name, value, &mut m.enable_environment_macros)
            }
            "use_regexp_matching" => cx.boolean(line, name, value, &mut m.use_regexp_matching),
            "use_true_regexp_matching" => {
                cx.boolean(line, name, value, &mut m.use_true_regexp_matching)
            }
            "allow_empty_hostgroup_assignment" => match value {
                "0" | "1" | "2" => m.allow_empty_hostgroup_assignment = value.as_bytes()[0] - b'0',
                _ => cx.bad(line, name, value, "expected 0, 1 or 2"),
            },
            "admin_email" => m.admin_email = value.to_string(),
            "admin_pager" => m.admin_pager = value.to_string(),
            "use_large_installation_tweaks" => {
                cx.boolean(line, name, value, &mut m.use_large_installation_tweaks)
            }
            _ if OTHER_KNOWN.contains(&name) => {}
            _ if DEPRECATED.contains(&name) => cx.diags.warn_at(
                &file,
                line,
                format!("main config directive '{name}' is deprecated and ignored"),
            ),
            _ => cx.diags.warn_at(
                &file,
                line,
                format!("unknown main config directive '{name}' ignored"),
            ),
        }
    }

    if !have_log_file {
        // Nagios 4.4.6 falls back to its compiled-in default
        // (/var/lib/nagios4/nagios.log in Debian's build); vigil to its own.
        m.log_file = PathBuf::from(DEFAULT_LOG_FILE);
    }
    // Nagios checks temp_path after reading the whole file, without a line.
    if let Some(t) = &m.temp_path {
        if !t.is_dir() {
            cx.diags.error(
                None,
                format!("temp_path '{}' is not a valid directory", t.display()),
            );
        }
    }
    if m.illegal_macro_output_chars.is_none() {
        cx.diags.warn(
            None,
            "nothing specified for illegal_macro_output_chars variable".to_string(),
        );
    }

    let mut user_macros = UserMacros(Vec::new());
    for rf in m.resource_files.clone() {
        read_resource_file(&rf, &mut user_macros, cx.diags);
    }

    MainParse {
        main: m,
        sources,
        global_commands,
        user_macros,
    }
}

/// Reads `$USERn$=value` lines of one resource file into `macros`.
pub(crate) fn read_resource_file(path: &Path, macros: &mut UserMacros, diags: &mut Diags) {
    let src = match Source::read(path) {
        Ok(s) => s,
        Err(e) => {
            diags.error(
                None,
                format!("cannot read resource file '{}': {e}", path.display()),
            );
            return;
        }
    };
    let file = src.path.clone();
    for &l in &src.latin1_lines {
        diags.warn_at(&file, l, "line is not valid UTF-8; read as Latin-1");
    }
    for (line, text) in Lines::new(&src.text) {
        let t = trim(&text);
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some(eq) = t.find('=') else {
            diags.error_at(&file, line, "NULL variable in resource file (no '=')");
            continue;
        };
        let var = trim(&t[..eq]);
        let value = trim(&t[eq + 1..]);
        if value.is_empty() {
            diags.error_at(
                &file,
                line,
                format!("NULL variable value for '{var}' in resource file"),
            );
            continue;
        }
        let Some(n) = var
            .strip_prefix("$USER")
            .and_then(|r| r.strip_suffix('$'))
            .and_then(|d| d.parse::<usize>().ok())
        else {
            continue;
        };
        if !(1..=MAX_USER_MACROS).contains(&n) {
            continue;
        }
        if macros.0.len() < n {
            macros.0.resize(n, None);
        }
        macros.0[n - 1] = Some(value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_numbers() {
        assert_eq!(parse_leading_int("10"), Some(10));
        assert_eq!(parse_leading_int(" -3x"), Some(-3));
        assert_eq!(parse_leading_int("abc"), None);
        assert_eq!(parse_leading_int("+7"), Some(7));
        assert_eq!(parse_leading_int("-"), None);
        assert_eq!(parse_leading_int("99999999999999999999"), Some(i64::MAX));
        assert_eq!(parse_leading_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_leading_int("-99999999999999999999"), Some(i64::MIN));
        assert_eq!(parse_leading_float("5.0"), Some(5.0));
        assert_eq!(parse_leading_float("2.5s"), Some(2.5));
        assert_eq!(parse_leading_float("x"), None);
    }
}
