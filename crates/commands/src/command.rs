//! Typed external commands (spec `external-commands.md` §2) and their argument
//! parsing. Names are matched case-insensitively as Nagios 4 does; arguments are
//! `;`-separated and the last argument of every command takes the rest of the line,
//! `;` included (free text such as plugin output and comments, Nagios `my_strtok(...,
//! "\n")`). Numbers are checked strictly: where Nagios would silently use `atoi`'s 0,
//! vigil reports [`CommandError::Malformed`] with the reason.

use crate::Line;

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

/// One external command with its typed arguments. Host and service names are as
/// written (not resolved); `time` values are epoch seconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `PROCESS_SERVICE_CHECK_RESULT;<host>;<svc>;<rc>;<output>`; `output` has `\n`
    /// and `\\` unescaped (see [`unescape_output`]). `host` may be a name or address.
    ProcessServiceCheckResult {
        host: String,
        service: String,
        return_code: i32,
        output: String,
    },
    /// `PROCESS_HOST_CHECK_RESULT;<host>;<rc>;<output>`.
    ProcessHostCheckResult {
        host: String,
        return_code: i32,
        output: String,
    },
    /// `SCHEDULE_SVC_CHECK` / `SCHEDULE_FORCED_SVC_CHECK` (`forced`).
    ScheduleSvcCheck {
        host: String,
        service: String,
        time: i64,
        forced: bool,
    },
    /// `SCHEDULE_HOST_CHECK` / `SCHEDULE_FORCED_HOST_CHECK`.
    ScheduleHostCheck {
        host: String,
        time: i64,
        forced: bool,
    },
    /// `SCHEDULE_HOST_SVC_CHECKS` / `SCHEDULE_FORCED_HOST_SVC_CHECKS`: all services of a host.
    ScheduleHostSvcChecks {
        host: String,
        time: i64,
        forced: bool,
    },
    /// `ENABLE_SVC_CHECK`
    EnableSvcCheck { host: String, service: String },
    /// `DISABLE_SVC_CHECK`
    DisableSvcCheck { host: String, service: String },
    /// `ENABLE_HOST_CHECK`
    EnableHostCheck { host: String },
    /// `DISABLE_HOST_CHECK`
    DisableHostCheck { host: String },
    /// `ENABLE_HOST_SVC_CHECKS`: active checks of all services of the host.
    EnableHostSvcChecks { host: String },
    /// `DISABLE_HOST_SVC_CHECKS`
    DisableHostSvcChecks { host: String },
    /// `ENABLE_PASSIVE_SVC_CHECKS`
    EnablePassiveSvcChecks { host: String, service: String },
    /// `DISABLE_PASSIVE_SVC_CHECKS`
    DisablePassiveSvcChecks { host: String, service: String },
    /// `ENABLE_PASSIVE_HOST_CHECKS`
    EnablePassiveHostChecks { host: String },
    /// `DISABLE_PASSIVE_HOST_CHECKS`
    DisablePassiveHostChecks { host: String },
    /// `START_EXECUTING_SVC_CHECKS` (global `execute_service_checks`)
    StartExecutingSvcChecks,
    /// `STOP_EXECUTING_SVC_CHECKS`
    StopExecutingSvcChecks,
    /// `START_EXECUTING_HOST_CHECKS`
    StartExecutingHostChecks,
    /// `STOP_EXECUTING_HOST_CHECKS`
    StopExecutingHostChecks,
    /// `START_ACCEPTING_PASSIVE_SVC_CHECKS`
    StartAcceptingPassiveSvcChecks,
    /// `STOP_ACCEPTING_PASSIVE_SVC_CHECKS`
    StopAcceptingPassiveSvcChecks,
    /// `START_ACCEPTING_PASSIVE_HOST_CHECKS`
    StartAcceptingPassiveHostChecks,
    /// `STOP_ACCEPTING_PASSIVE_HOST_CHECKS`
    StopAcceptingPassiveHostChecks,
    /// `ENABLE_SVC_EVENT_HANDLER`
    EnableSvcEventHandler { host: String, service: String },
    /// `DISABLE_SVC_EVENT_HANDLER`
    DisableSvcEventHandler { host: String, service: String },
    /// `ENABLE_HOST_EVENT_HANDLER`
    EnableHostEventHandler { host: String },
    /// `DISABLE_HOST_EVENT_HANDLER`
    DisableHostEventHandler { host: String },
    /// `ENABLE_EVENT_HANDLERS` (global)
    EnableEventHandlers,
    /// `DISABLE_EVENT_HANDLERS` (global)
    DisableEventHandlers,
    /// `CHANGE_SVC_EVENT_HANDLER;<h>;<s>;<command[!args]>` (may be empty).
    ChangeSvcEventHandler {
        host: String,
        service: String,
        command: String,
    },
    /// `CHANGE_HOST_EVENT_HANDLER;<h>;<command[!args]>`
    ChangeHostEventHandler { host: String, command: String },
    /// `CHANGE_GLOBAL_SVC_EVENT_HANDLER;<command[!args]>`
    ChangeGlobalSvcEventHandler { command: String },
    /// `CHANGE_GLOBAL_HOST_EVENT_HANDLER;<command[!args]>`
    ChangeGlobalHostEventHandler { command: String },
    /// `CHANGE_SVC_CHECK_COMMAND;<h>;<s>;<command[!args]>`
    ChangeSvcCheckCommand {
        host: String,
        service: String,
        command: String,
    },
    /// `CHANGE_HOST_CHECK_COMMAND;<h>;<command[!args]>`
    ChangeHostCheckCommand { host: String, command: String },
    /// `CHANGE_MAX_SVC_CHECK_ATTEMPTS;<h>;<s>;<n>` (n >= 1)
    ChangeMaxSvcCheckAttempts {
        host: String,
        service: String,
        attempts: u32,
    },
    /// `CHANGE_NORMAL_SVC_CHECK_INTERVAL;<h>;<s>;<interval units>` (>= 0)
    ChangeNormalSvcCheckInterval {
        host: String,
        service: String,
        interval: f64,
    },
    /// `CHANGE_RETRY_SVC_CHECK_INTERVAL;<h>;<s>;<interval units>` (>= 0)
    ChangeRetrySvcCheckInterval {
        host: String,
        service: String,
        interval: f64,
    },
    /// `CHANGE_MAX_HOST_CHECK_ATTEMPTS;<h>;<n>`
    ChangeMaxHostCheckAttempts { host: String, attempts: u32 },
    /// `CHANGE_NORMAL_HOST_CHECK_INTERVAL;<h>;<interval>`
    ChangeNormalHostCheckInterval { host: String, interval: f64 },
    /// `CHANGE_RETRY_HOST_CHECK_INTERVAL;<h>;<interval>`
    ChangeRetryHostCheckInterval { host: String, interval: f64 },
    /// `CHANGE_CUSTOM_SVC_VAR;<h>;<s>;<name>;<value>` (`name` without `_`, as written)
    ChangeCustomSvcVar {
        host: String,
        service: String,
        name: String,
        value: String,
    },
    /// `CHANGE_CUSTOM_HOST_VAR;<h>;<name>;<value>`
    ChangeCustomHostVar {
        host: String,
        name: String,
        value: String,
    },
    /// `ENABLE_FLAP_DETECTION` (global)
    EnableFlapDetection,
    /// `DISABLE_FLAP_DETECTION` (global)
    DisableFlapDetection,
    /// `ENABLE_SVC_FLAP_DETECTION`
    EnableSvcFlapDetection { host: String, service: String },
    /// `DISABLE_SVC_FLAP_DETECTION`
    DisableSvcFlapDetection { host: String, service: String },
    /// `ENABLE_HOST_FLAP_DETECTION`
    EnableHostFlapDetection { host: String },
    /// `DISABLE_HOST_FLAP_DETECTION`
    DisableHostFlapDetection { host: String },
    /// `ENABLE_NOTIFICATIONS` (global)
    EnableNotifications,
    /// `DISABLE_NOTIFICATIONS` (global)
    DisableNotifications,
    /// `ENABLE_SVC_NOTIFICATIONS`
    EnableSvcNotifications { host: String, service: String },
    /// `DISABLE_SVC_NOTIFICATIONS`
    DisableSvcNotifications { host: String, service: String },
    /// `ENABLE_HOST_NOTIFICATIONS`
    EnableHostNotifications { host: String },
    /// `DISABLE_HOST_NOTIFICATIONS`
    DisableHostNotifications { host: String },
    /// `ENABLE_PERFORMANCE_DATA` (global)
    EnablePerformanceData,
    /// `DISABLE_PERFORMANCE_DATA` (global)
    DisablePerformanceData,
    /// `START_OBSESSING_OVER_SVC_CHECKS` (global)
    StartObsessingOverSvcChecks,
    /// `STOP_OBSESSING_OVER_SVC_CHECKS`
    StopObsessingOverSvcChecks,
    /// `START_OBSESSING_OVER_HOST_CHECKS`
    StartObsessingOverHostChecks,
    /// `STOP_OBSESSING_OVER_HOST_CHECKS`
    StopObsessingOverHostChecks,
    /// `ACKNOWLEDGE_SVC_PROBLEM;<h>;<s>;<sticky>;<notify>;<persistent>;<author>;<comment>`;
    /// `sticky` is true only for the value 2 (Nagios).
    AcknowledgeSvcProblem {
        host: String,
        service: String,
        sticky: bool,
        notify: bool,
        persistent: bool,
        author: String,
        comment: String,
    },
    /// `ACKNOWLEDGE_HOST_PROBLEM;<h>;<sticky>;<notify>;<persistent>;<author>;<comment>`
    AcknowledgeHostProblem {
        host: String,
        sticky: bool,
        notify: bool,
        persistent: bool,
        author: String,
        comment: String,
    },
    /// `REMOVE_SVC_ACKNOWLEDGEMENT`
    RemoveSvcAcknowledgement { host: String, service: String },
    /// `REMOVE_HOST_ACKNOWLEDGEMENT`
    RemoveHostAcknowledgement { host: String },
    /// `ADD_SVC_COMMENT;<h>;<s>;<persistent>;<author>;<comment>`
    AddSvcComment {
        host: String,
        service: String,
        persistent: bool,
        author: String,
        comment: String,
    },
    /// `ADD_HOST_COMMENT;<h>;<persistent>;<author>;<comment>`
    AddHostComment {
        host: String,
        persistent: bool,
        author: String,
        comment: String,
    },
    /// `DEL_SVC_COMMENT;<comment_id>`
    DelSvcComment { id: u64 },
    /// `DEL_HOST_COMMENT;<comment_id>`
    DelHostComment { id: u64 },
    /// `DEL_ALL_SVC_COMMENTS;<h>;<s>`
    DelAllSvcComments { host: String, service: String },
    /// `DEL_ALL_HOST_COMMENTS;<h>`
    DelAllHostComments { host: String },
    /// `SCHEDULE_SVC_DOWNTIME;<h>;<s>;<start>;<end>;<fixed>;<trigger_id>;<duration>;<author>;<comment>`
    ScheduleSvcDowntime {
        host: String,
        service: String,
        start: i64,
        end: i64,
        fixed: bool,
        trigger_id: u64,
        duration: i64,
        author: String,
        comment: String,
    },
    /// `SCHEDULE_HOST_DOWNTIME;<h>;<start>;<end>;<fixed>;<trigger_id>;<duration>;<author>;<comment>`
    ScheduleHostDowntime {
        host: String,
        start: i64,
        end: i64,
        fixed: bool,
        trigger_id: u64,
        duration: i64,
        author: String,
        comment: String,
    },
    /// `DEL_SVC_DOWNTIME;<downtime_id>`
    DelSvcDowntime { id: u64 },
    /// `DEL_HOST_DOWNTIME;<downtime_id>`
    DelHostDowntime { id: u64 },
    /// `SEND_CUSTOM_SVC_NOTIFICATION;<h>;<s>;<options>;<author>;<comment>`
    SendCustomSvcNotification {
        host: String,
        service: String,
        options: u32,
        author: String,
        comment: String,
    },
    /// `SEND_CUSTOM_HOST_NOTIFICATION;<h>;<options>;<author>;<comment>`
    SendCustomHostNotification {
        host: String,
        options: u32,
        author: String,
        comment: String,
    },
    /// `SAVE_STATE_INFORMATION`
    SaveStateInformation,
    /// `READ_STATE_INFORMATION`
    ReadStateInformation,
    /// `SHUTDOWN_PROGRAM` (alias `SHUTDOWN_PROCESS`)
    ShutdownProgram,
    /// `RESTART_PROGRAM` (alias `RESTART_PROCESS`)
    RestartProgram,
    /// `PROCESS_FILE;<file>;<delete>`
    ProcessFile { path: String, delete: bool },
    /// `LOG;<text>` (Naemon >= 1.4.3)
    Log { text: String },
    /// A name starting with `_`: logged, no core action. Holds the name as written.
    Custom(String),
}

/// Undoes the escaping of passive check output (Nagios 4
/// `unescape_check_result_output`): `\n` becomes a newline, `\\` a backslash; any
/// other backslash sequence is kept as it is.
pub fn unescape_output(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('n') => {
                    chars.next();
                    out.push('\n');
                }
                Some('\\') => {
                    chars.next();
                    out.push('\\');
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Sequential access to the `;`-separated arguments of one command.
struct Args<'a> {
    rest: Option<&'a str>,
}

fn malformed(reason: String) -> CommandError {
    CommandError::Malformed(reason)
}

impl<'a> Args<'a> {
    /// No text at all after the name means no arguments (not one empty argument).
    fn new(args: &'a str) -> Self {
        Args {
            rest: (!args.is_empty()).then_some(args),
        }
    }

    /// The last argument where an absent one means empty (commands whose only
    /// argument is a command line to set, or free text).
    fn last_or_empty(&mut self) -> String {
        self.rest.take().unwrap_or("").to_string()
    }

    /// The next argument, up to the next `;`. `what` names it in the error.
    fn field(&mut self, what: &str) -> Result<&'a str, CommandError> {
        let rest = self
            .rest
            .ok_or_else(|| malformed(format!("missing {what}")))?;
        match rest.find(';') {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Ok(&rest[..i])
            }
            None => {
                self.rest = None;
                Ok(rest)
            }
        }
    }

    /// The last argument: everything that is left, `;` included.
    fn last(&mut self, what: &str) -> Result<&'a str, CommandError> {
        self.rest
            .take()
            .ok_or_else(|| malformed(format!("missing {what}")))
    }

    /// A host name or service description: present and not empty.
    fn name(&mut self, what: &str, last: bool) -> Result<String, CommandError> {
        let v = if last {
            self.last(what)?
        } else {
            self.field(what)?
        };
        if v.is_empty() {
            return Err(malformed(format!("empty {what}")));
        }
        Ok(v.to_string())
    }

    fn host(&mut self, last: bool) -> Result<String, CommandError> {
        self.name("host name", last)
    }

    fn service(&mut self, last: bool) -> Result<String, CommandError> {
        self.name("service description", last)
    }

    fn text(&mut self, what: &str, last: bool) -> Result<String, CommandError> {
        Ok(if last {
            self.last(what)?
        } else {
            self.field(what)?
        }
        .to_string())
    }

    fn number<T: std::str::FromStr>(&mut self, what: &str, last: bool) -> Result<T, CommandError> {
        let raw = if last {
            self.last(what)?
        } else {
            self.field(what)?
        };
        let t = raw.trim_matches([' ', '\t']);
        t.parse::<T>()
            .map_err(|_| malformed(format!("{what} '{raw}' is not a valid number")))
    }

    /// An integer flag: non-zero is true (Nagios `atoi(...) > 0` without the garbage).
    fn flag(&mut self, what: &str, last: bool) -> Result<bool, CommandError> {
        Ok(self.number::<i64>(what, last)? > 0)
    }

    fn interval(&mut self, last: bool) -> Result<f64, CommandError> {
        let v: f64 = self.number("check interval", last)?;
        if !v.is_finite() || v < 0.0 {
            return Err(malformed(format!(
                "check interval '{v}' must be a non-negative number"
            )));
        }
        Ok(v)
    }

    fn attempts(&mut self, last: bool) -> Result<u32, CommandError> {
        let v: u32 = self.number("max check attempts", last)?;
        if v == 0 {
            return Err(malformed("max check attempts must be at least 1".into()));
        }
        Ok(v)
    }
}

/// Parses host + service as the last two arguments (`<h>;<s>`).
fn svc(a: &mut Args) -> Result<(String, String), CommandError> {
    Ok((a.host(false)?, a.service(true)?))
}

/// Interprets a [`Line`]: the name is matched case-insensitively; names starting with
/// `_` are [`Command::Custom`]; unknown names are [`CommandError::Unknown`]; missing
/// or ill-typed arguments are [`CommandError::Malformed`] with the reason. Extra
/// arguments of argument-less commands are ignored (as Nagios does).
pub fn parse_command(line: &Line) -> Result<Command, CommandError> {
    use Command as C;
    if line.name.starts_with('_') {
        return Ok(C::Custom(line.name.clone()));
    }
    let upper = line.name.to_ascii_uppercase();
    let mut a = Args::new(&line.args);
    let a = &mut a;
    let cmd = match upper.as_str() {
        "PROCESS_SERVICE_CHECK_RESULT" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let return_code = a.number("return code", false)?;
            let output = unescape_output(a.last("plugin output")?);
            C::ProcessServiceCheckResult {
                host,
                service,
                return_code,
                output,
            }
        }
        "PROCESS_HOST_CHECK_RESULT" => {
            let host = a.host(false)?;
            let return_code = a.number("return code", false)?;
            let output = unescape_output(a.last("plugin output")?);
            C::ProcessHostCheckResult {
                host,
                return_code,
                output,
            }
        }
        "SCHEDULE_SVC_CHECK" | "SCHEDULE_FORCED_SVC_CHECK" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let time = a.number("check time", true)?;
            C::ScheduleSvcCheck {
                host,
                service,
                time,
                forced: upper.contains("FORCED"),
            }
        }
        "SCHEDULE_HOST_CHECK" | "SCHEDULE_FORCED_HOST_CHECK" => {
            let host = a.host(false)?;
            let time = a.number("check time", true)?;
            C::ScheduleHostCheck {
                host,
                time,
                forced: upper.contains("FORCED"),
            }
        }
        "SCHEDULE_HOST_SVC_CHECKS" | "SCHEDULE_FORCED_HOST_SVC_CHECKS" => {
            let host = a.host(false)?;
            let time = a.number("check time", true)?;
            C::ScheduleHostSvcChecks {
                host,
                time,
                forced: upper.contains("FORCED"),
            }
        }
        "ENABLE_SVC_CHECK" => {
            let (host, service) = svc(a)?;
            C::EnableSvcCheck { host, service }
        }
        "DISABLE_SVC_CHECK" => {
            let (host, service) = svc(a)?;
            C::DisableSvcCheck { host, service }
        }
        "ENABLE_HOST_CHECK" => C::EnableHostCheck {
            host: a.host(true)?,
        },
        "DISABLE_HOST_CHECK" => C::DisableHostCheck {
            host: a.host(true)?,
        },
        "ENABLE_HOST_SVC_CHECKS" => C::EnableHostSvcChecks {
            host: a.host(true)?,
        },
        "DISABLE_HOST_SVC_CHECKS" => C::DisableHostSvcChecks {
            host: a.host(true)?,
        },
        "ENABLE_PASSIVE_SVC_CHECKS" => {
            let (host, service) = svc(a)?;
            C::EnablePassiveSvcChecks { host, service }
        }
        "DISABLE_PASSIVE_SVC_CHECKS" => {
            let (host, service) = svc(a)?;
            C::DisablePassiveSvcChecks { host, service }
        }
        "ENABLE_PASSIVE_HOST_CHECKS" => C::EnablePassiveHostChecks {
            host: a.host(true)?,
        },
        "DISABLE_PASSIVE_HOST_CHECKS" => C::DisablePassiveHostChecks {
            host: a.host(true)?,
        },
        "START_EXECUTING_SVC_CHECKS" => C::StartExecutingSvcChecks,
        "STOP_EXECUTING_SVC_CHECKS" => C::StopExecutingSvcChecks,
        "START_EXECUTING_HOST_CHECKS" => C::StartExecutingHostChecks,
        "STOP_EXECUTING_HOST_CHECKS" => C::StopExecutingHostChecks,
        "START_ACCEPTING_PASSIVE_SVC_CHECKS" => C::StartAcceptingPassiveSvcChecks,
        "STOP_ACCEPTING_PASSIVE_SVC_CHECKS" => C::StopAcceptingPassiveSvcChecks,
        "START_ACCEPTING_PASSIVE_HOST_CHECKS" => C::StartAcceptingPassiveHostChecks,
        "STOP_ACCEPTING_PASSIVE_HOST_CHECKS" => C::StopAcceptingPassiveHostChecks,
        "ENABLE_SVC_EVENT_HANDLER" => {
            let (host, service) = svc(a)?;
            C::EnableSvcEventHandler { host, service }
        }
        "DISABLE_SVC_EVENT_HANDLER" => {
            let (host, service) = svc(a)?;
            C::DisableSvcEventHandler { host, service }
        }
        "ENABLE_HOST_EVENT_HANDLER" => C::EnableHostEventHandler {
            host: a.host(true)?,
        },
        "DISABLE_HOST_EVENT_HANDLER" => C::DisableHostEventHandler {
            host: a.host(true)?,
        },
        "ENABLE_EVENT_HANDLERS" => C::EnableEventHandlers,
        "DISABLE_EVENT_HANDLERS" => C::DisableEventHandlers,
        "CHANGE_SVC_EVENT_HANDLER" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let command = a.text("event handler command", true)?;
            C::ChangeSvcEventHandler {
                host,
                service,
                command,
            }
        }
        "CHANGE_HOST_EVENT_HANDLER" => {
            let host = a.host(false)?;
            let command = a.text("event handler command", true)?;
            C::ChangeHostEventHandler { host, command }
        }
        "CHANGE_GLOBAL_SVC_EVENT_HANDLER" => C::ChangeGlobalSvcEventHandler {
            command: a.last_or_empty(),
        },
        "CHANGE_GLOBAL_HOST_EVENT_HANDLER" => C::ChangeGlobalHostEventHandler {
            command: a.last_or_empty(),
        },
        "CHANGE_SVC_CHECK_COMMAND" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let command = a.text("check command", true)?;
            C::ChangeSvcCheckCommand {
                host,
                service,
                command,
            }
        }
        "CHANGE_HOST_CHECK_COMMAND" => {
            let host = a.host(false)?;
            let command = a.text("check command", true)?;
            C::ChangeHostCheckCommand { host, command }
        }
        "CHANGE_MAX_SVC_CHECK_ATTEMPTS" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let attempts = a.attempts(true)?;
            C::ChangeMaxSvcCheckAttempts {
                host,
                service,
                attempts,
            }
        }
        "CHANGE_NORMAL_SVC_CHECK_INTERVAL" | "CHANGE_SVC_CHECK_INTERVAL" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let interval = a.interval(true)?;
            C::ChangeNormalSvcCheckInterval {
                host,
                service,
                interval,
            }
        }
        "CHANGE_RETRY_SVC_CHECK_INTERVAL" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let interval = a.interval(true)?;
            C::ChangeRetrySvcCheckInterval {
                host,
                service,
                interval,
            }
        }
        "CHANGE_MAX_HOST_CHECK_ATTEMPTS" => {
            let host = a.host(false)?;
            let attempts = a.attempts(true)?;
            C::ChangeMaxHostCheckAttempts { host, attempts }
        }
        "CHANGE_NORMAL_HOST_CHECK_INTERVAL" | "CHANGE_HOST_CHECK_INTERVAL" => {
            let host = a.host(false)?;
            let interval = a.interval(true)?;
            C::ChangeNormalHostCheckInterval { host, interval }
        }
        "CHANGE_RETRY_HOST_CHECK_INTERVAL" => {
            let host = a.host(false)?;
            let interval = a.interval(true)?;
            C::ChangeRetryHostCheckInterval { host, interval }
        }
        "CHANGE_CUSTOM_SVC_VAR" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let name = a.name("variable name", false)?;
            let value = a.text("variable value", true)?;
            C::ChangeCustomSvcVar {
                host,
                service,
                name,
                value,
            }
        }
        "CHANGE_CUSTOM_HOST_VAR" => {
            let host = a.host(false)?;
            let name = a.name("variable name", false)?;
            let value = a.text("variable value", true)?;
            C::ChangeCustomHostVar { host, name, value }
        }
        "ENABLE_FLAP_DETECTION" => C::EnableFlapDetection,
        "DISABLE_FLAP_DETECTION" => C::DisableFlapDetection,
        "ENABLE_SVC_FLAP_DETECTION" => {
            let (host, service) = svc(a)?;
            C::EnableSvcFlapDetection { host, service }
        }
        "DISABLE_SVC_FLAP_DETECTION" => {
            let (host, service) = svc(a)?;
            C::DisableSvcFlapDetection { host, service }
        }
        "ENABLE_HOST_FLAP_DETECTION" => C::EnableHostFlapDetection {
            host: a.host(true)?,
        },
        "DISABLE_HOST_FLAP_DETECTION" => C::DisableHostFlapDetection {
            host: a.host(true)?,
        },
        "ENABLE_NOTIFICATIONS" => C::EnableNotifications,
        "DISABLE_NOTIFICATIONS" => C::DisableNotifications,
        "ENABLE_SVC_NOTIFICATIONS" => {
            let (host, service) = svc(a)?;
            C::EnableSvcNotifications { host, service }
        }
        "DISABLE_SVC_NOTIFICATIONS" => {
            let (host, service) = svc(a)?;
            C::DisableSvcNotifications { host, service }
        }
        "ENABLE_HOST_NOTIFICATIONS" => C::EnableHostNotifications {
            host: a.host(true)?,
        },
        "DISABLE_HOST_NOTIFICATIONS" => C::DisableHostNotifications {
            host: a.host(true)?,
        },
        "ENABLE_PERFORMANCE_DATA" => C::EnablePerformanceData,
        "DISABLE_PERFORMANCE_DATA" => C::DisablePerformanceData,
        "START_OBSESSING_OVER_SVC_CHECKS" => C::StartObsessingOverSvcChecks,
        "STOP_OBSESSING_OVER_SVC_CHECKS" => C::StopObsessingOverSvcChecks,
        "START_OBSESSING_OVER_HOST_CHECKS" => C::StartObsessingOverHostChecks,
        "STOP_OBSESSING_OVER_HOST_CHECKS" => C::StopObsessingOverHostChecks,
        "ACKNOWLEDGE_SVC_PROBLEM" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let sticky = a.number::<i64>("sticky flag", false)? == 2;
            let notify = a.flag("notify flag", false)?;
            let persistent = a.flag("persistent flag", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::AcknowledgeSvcProblem {
                host,
                service,
                sticky,
                notify,
                persistent,
                author,
                comment,
            }
        }
        "ACKNOWLEDGE_HOST_PROBLEM" => {
            let host = a.host(false)?;
            let sticky = a.number::<i64>("sticky flag", false)? == 2;
            let notify = a.flag("notify flag", false)?;
            let persistent = a.flag("persistent flag", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::AcknowledgeHostProblem {
                host,
                sticky,
                notify,
                persistent,
                author,
                comment,
            }
        }
        "REMOVE_SVC_ACKNOWLEDGEMENT" => {
            let (host, service) = svc(a)?;
            C::RemoveSvcAcknowledgement { host, service }
        }
        "REMOVE_HOST_ACKNOWLEDGEMENT" => C::RemoveHostAcknowledgement {
            host: a.host(true)?,
        },
        "ADD_SVC_COMMENT" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let persistent = a.flag("persistent flag", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::AddSvcComment {
                host,
                service,
                persistent,
                author,
                comment,
            }
        }
        "ADD_HOST_COMMENT" => {
            let host = a.host(false)?;
            let persistent = a.flag("persistent flag", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::AddHostComment {
                host,
                persistent,
                author,
                comment,
            }
        }
        "DEL_SVC_COMMENT" => C::DelSvcComment {
            id: a.number("comment id", true)?,
        },
        "DEL_HOST_COMMENT" => C::DelHostComment {
            id: a.number("comment id", true)?,
        },
        "DEL_ALL_SVC_COMMENTS" => {
            let (host, service) = svc(a)?;
            C::DelAllSvcComments { host, service }
        }
        "DEL_ALL_HOST_COMMENTS" => C::DelAllHostComments {
            host: a.host(true)?,
        },
        "SCHEDULE_SVC_DOWNTIME" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let (start, end, fixed, trigger_id, duration, author, comment) = downtime(a)?;
            C::ScheduleSvcDowntime {
                host,
                service,
                start,
                end,
                fixed,
                trigger_id,
                duration,
                author,
                comment,
            }
        }
        "SCHEDULE_HOST_DOWNTIME" => {
            let host = a.host(false)?;
            let (start, end, fixed, trigger_id, duration, author, comment) = downtime(a)?;
            C::ScheduleHostDowntime {
                host,
                start,
                end,
                fixed,
                trigger_id,
                duration,
                author,
                comment,
            }
        }
        "DEL_SVC_DOWNTIME" => C::DelSvcDowntime {
            id: a.number("downtime id", true)?,
        },
        "DEL_HOST_DOWNTIME" => C::DelHostDowntime {
            id: a.number("downtime id", true)?,
        },
        "SEND_CUSTOM_SVC_NOTIFICATION" => {
            let host = a.host(false)?;
            let service = a.service(false)?;
            let options = a.number("notification options", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::SendCustomSvcNotification {
                host,
                service,
                options,
                author,
                comment,
            }
        }
        "SEND_CUSTOM_HOST_NOTIFICATION" => {
            let host = a.host(false)?;
            let options = a.number("notification options", false)?;
            let author = a.text("author", false)?;
            let comment = a.text("comment", true)?;
            C::SendCustomHostNotification {
                host,
                options,
                author,
                comment,
            }
        }
        "SAVE_STATE_INFORMATION" => C::SaveStateInformation,
        "READ_STATE_INFORMATION" => C::ReadStateInformation,
        "SHUTDOWN_PROGRAM" | "SHUTDOWN_PROCESS" => C::ShutdownProgram,
        "RESTART_PROGRAM" | "RESTART_PROCESS" => C::RestartProgram,
        "PROCESS_FILE" => {
            let path = a.name("file name", false)?;
            let delete = a.flag("delete flag", true)?;
            C::ProcessFile { path, delete }
        }
        "LOG" => C::Log {
            text: a.last_or_empty(),
        },
        _ => return Err(CommandError::Unknown),
    };
    Ok(cmd)
}

type Downtime = (i64, i64, bool, u64, i64, String, String);

/// `<start>;<end>;<fixed>;<trigger_id>;<duration>;<author>;<comment>`
fn downtime(a: &mut Args) -> Result<Downtime, CommandError> {
    let start = a.number("start time", false)?;
    let end = a.number("end time", false)?;
    let fixed = a.flag("fixed flag", false)?;
    let trigger_id = a.number("trigger id", false)?;
    let duration = a.number("duration", false)?;
    let author = a.text("author", false)?;
    let comment = a.text("comment", true)?;
    Ok((start, end, fixed, trigger_id, duration, author, comment))
}
