//! Performance data (spec perfdata.md): which results are processed, the text of
//! each perfdata file record, the perfdata commands, and the file processing timer.
//!
//! The settings are read from the main configuration once per generation
//! ([`PerfdataSettings::from_model`]); commands that do not exist are reported and
//! dropped. Per processed result (after the object's status is final, the service
//! recovery reset included) the perfdata command is handed out as a job and the
//! record — the template expanded without any cleaning — as an
//! [`Action::PerfdataWrite`]. Files are the runner's: it opens them on
//! [`Action::PerfdataOpen`] (also while `process_performance_data` is 0), writes
//! records, closes a file while its processing command
//! ([`Purpose::PerfdataProcessing`]) runs and reopens it with its mode afterwards.

use std::path::{Path, PathBuf};

use vigil_config::{CommandCall, Model};
use vigil_events::{Event, HelperJob, ObjKind, PerfdataEvent};
use vigil_state::Time;

use crate::core::{with_status, Core, MAX_HANDLER_OUTPUT};
use crate::jobs::{InFlight, JobResult, JobSpec, Purpose};
use crate::{Action, ObjRef};

/// Nagios's default service template (defaults.h, `\t` already a tab).
pub const DEFAULT_SERVICE_TEMPLATE: &str = "[SERVICEPERFDATA]\t$TIMET$\t$HOSTNAME$\t$SERVICEDESC$\t$SERVICEEXECUTIONTIME$\t$SERVICELATENCY$\t$SERVICEOUTPUT$\t$SERVICEPERFDATA$";
/// Nagios's default host template.
pub const DEFAULT_HOST_TEMPLATE: &str =
    "[HOSTPERFDATA]\t$TIMET$\t$HOSTNAME$\t$HOSTEXECUTIONTIME$\t$HOSTOUTPUT$\t$HOSTPERFDATA$";
/// Timeout of perfdata command jobs when `perfdata_timeout` is 0 (the worker's
/// default).
const WORKER_DEFAULT_TIMEOUT: f64 = 60.0;
/// "No timeout" for a processing command when `perfdata_timeout` is 0 (Nagios's
/// `alarm(0)`): a year.
const NO_TIMEOUT: f64 = 365.0 * 86400.0;

/// How a perfdata file is opened (`*_perfdata_file_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// `a` (default): append, create when missing.
    Append,
    /// `w`: emptied at every (re)open.
    Write,
    /// `p`: a FIFO opened read-write and non-blocking (the service file must exist).
    Pipe,
}

impl FileMode {
    /// Nagios's reading of the directive: `p` anywhere is a pipe, else `w` anywhere
    /// is write, else append.
    pub fn parse(value: &str) -> FileMode {
        if value.contains('p') {
            FileMode::Pipe
        } else if value.contains('w') {
            FileMode::Write
        } else {
            FileMode::Append
        }
    }
}

/// A perfdata file the runner keeps open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerfdataFile {
    /// Host or service records.
    pub kind: ObjKind,
    /// The file (absolute, or relative to the main config's directory when written so).
    pub path: PathBuf,
    /// How to open it.
    pub mode: FileMode,
}

/// The settings of one kind (host or service).
#[derive(Debug, Clone, Default)]
pub(crate) struct KindSettings {
    pub(crate) file: Option<PerfdataFile>,
    /// The template with its escapes already processed.
    pub(crate) template: String,
    /// Seconds between processing runs; 0: never.
    pub(crate) interval: u64,
    pub(crate) processing: Option<CommandCall>,
    pub(crate) command: Option<CommandCall>,
    pub(crate) process_empty: bool,
}

/// The perfdata settings of a configuration generation.
#[derive(Debug, Clone, Default)]
pub struct PerfdataSettings {
    pub(crate) service: KindSettings,
    pub(crate) host: KindSettings,
    /// `perfdata_timeout` (0: worker default for commands, none for processing).
    pub(crate) timeout: u64,
    /// Start-up warnings (unknown commands).
    pub(crate) warnings: Vec<PerfdataEvent>,
}

/// Template escapes, processed once at start-up: `\t`, `\n`, `\r`; any other
/// backslash is kept as it is (so `\\t` is a backslash and a tab).
pub fn unescape_template(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let rep = match chars.peek() {
                Some('t') => Some('\t'),
                Some('n') => Some('\n'),
                Some('r') => Some('\r'),
                _ => None,
            };
            if let Some(r) = rep {
                out.push(r);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// C `strtoul`-like for intervals: leading digits, anything else ends the number;
/// none (or a sign) is 0.
fn leading_u64(s: &str) -> u64 {
    let t = s.trim_start();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// C `atoi` > 0.
fn positive(s: &str) -> bool {
    let t = s.trim_start();
    let t = t.strip_prefix('+').unwrap_or(t);
    leading_u64(t) > 0
}

impl PerfdataSettings {
    /// Reads the perfdata directives of `model`'s main configuration.
    pub fn from_model(model: &Model) -> PerfdataSettings {
        let main = &model.main;
        let base = main
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut warnings = Vec::new();
        let mut kind = |kind: ObjKind, prefix: &str, default: &str| {
            let raw = |name: &str| main.raw_value(&format!("{prefix}_{name}"));
            let file = raw("perfdata_file")
                .filter(|v| !v.is_empty())
                .map(|v| PerfdataFile {
                    kind,
                    path: base.join(v),
                    mode: FileMode::parse(raw("perfdata_file_mode").unwrap_or("a")),
                });
            let template = unescape_template(raw("perfdata_file_template").unwrap_or(default));
            let mut command = |directive: &str, file_processing: bool| {
                let value = raw(directive).filter(|v| !v.is_empty())?;
                let call = vigil_macros::parse_call(value, model);
                if call.is_none() {
                    let name = vigil_macros::split_raw_call(value).0.to_string();
                    warnings.push(PerfdataEvent::CommandNotFound {
                        kind,
                        file_processing,
                        name,
                    });
                }
                call
            };
            let command_call = command("perfdata_command", false);
            let processing = command("perfdata_file_processing_command", true);
            KindSettings {
                file,
                template,
                interval: raw("perfdata_file_processing_interval").map_or(0, leading_u64),
                processing,
                command: command_call,
                process_empty: raw("perfdata_process_empty_results").is_none_or(positive),
            }
        };
        let service = kind(ObjKind::Service, "service", DEFAULT_SERVICE_TEMPLATE);
        let host = kind(ObjKind::Host, "host", DEFAULT_HOST_TEMPLATE);
        let timeout = main.raw_value("perfdata_timeout").map_or(0, leading_u64);
        PerfdataSettings {
            service,
            host,
            timeout,
            warnings,
        }
    }

    pub(crate) fn of(&self, kind: ObjKind) -> &KindSettings {
        match kind {
            ObjKind::Service => &self.service,
            ObjKind::Host => &self.host,
        }
    }
}

/// The processing timer of one kind.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProcessingTimer {
    /// When the next run is due (`None`: never).
    pub(crate) next: Option<Time>,
    /// A run is in flight.
    pub(crate) running: bool,
    /// A run came due while one was in flight: it runs when that one ends.
    pub(crate) pending: bool,
}

/// Perfdata state of the core: settings and processing timers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Perfdata {
    pub(crate) settings: PerfdataSettings,
    pub(crate) service_timer: ProcessingTimer,
    pub(crate) host_timer: ProcessingTimer,
}

impl Perfdata {
    fn timer(&mut self, kind: ObjKind) -> &mut ProcessingTimer {
        match kind {
            ObjKind::Service => &mut self.service_timer,
            ObjKind::Host => &mut self.host_timer,
        }
    }

    /// The earliest processing run due.
    pub(crate) fn next_due(&self) -> Option<Time> {
        [self.service_timer.next, self.host_timer.next]
            .into_iter()
            .flatten()
            .reduce(f64::min)
    }
}

fn kind_of(obj: ObjRef) -> ObjKind {
    match obj {
        ObjRef::Host(_) => ObjKind::Host,
        ObjRef::Service(_) => ObjKind::Service,
    }
}

impl Core {
    /// Start-up: the warnings about unknown commands, the files to open (also while
    /// `process_performance_data` is 0), and the processing timers: first run one
    /// interval after the start second, then every interval (§5.1).
    pub(crate) fn start_perfdata(&mut self, now: Time) {
        for w in self.perfdata.settings.warnings.clone() {
            self.emit(Event::Perfdata(w));
        }
        for kind in [ObjKind::Service, ObjKind::Host] {
            let set = self.perfdata.settings.of(kind).clone();
            if let Some(file) = set.file {
                self.push_action(Action::PerfdataOpen(file));
            }
            if set.interval > 0 && set.processing.is_some() {
                self.perfdata.timer(kind).next = Some(now.floor() + set.interval as f64);
            }
        }
    }

    /// Runs the processing commands that are due at `now`.
    pub(crate) fn run_due_perfdata_processing(&mut self, now: Time) {
        for kind in [ObjKind::Service, ObjKind::Host] {
            let interval = self.perfdata.settings.of(kind).interval as f64;
            let timer = self.perfdata.timer(kind);
            let Some(next) = timer.next else { continue };
            if now < next {
                continue;
            }
            timer.next = Some(next + interval);
            if timer.running {
                timer.pending = true;
                continue;
            }
            self.start_processing(kind, now);
        }
    }

    /// Expands and hands out the file processing command of `kind` (§5.2): global
    /// macros only, `$ARGn$` from its own arguments, always through `/bin/sh -c`.
    fn start_processing(&mut self, kind: ObjKind, now: Time) {
        let Some(call) = self.perfdata.settings.of(kind).processing.clone() else {
            return;
        };
        let statuses = self.statuses();
        let ctx = vigil_macros::Context {
            model: &self.model,
            statuses: &statuses,
            program: &self.program,
            zone: &self.zone,
            host: None,
            service: None,
            now: now as i64,
            contact: None,
            notification: None,
        };
        let full = vigil_macros::expand_call_full(&call, &ctx);
        let (line, env) = self.finish_expansion(full, &ctx);
        let command = line.to_display_string();
        let plan = match vigil_cmdline::plan_shell(&line) {
            Ok(p) => p,
            Err(e) => {
                self.emit(Event::Perfdata(PerfdataEvent::ProcessingNotStarted {
                    kind,
                    command,
                    error: e.to_string(),
                }));
                return;
            }
        };
        let timeout = match self.perfdata.settings.timeout {
            0 => NO_TIMEOUT,
            t => t as f64,
        };
        self.perfdata.timer(kind).running = true;
        let id = self
            .jobs
            .start(InFlight::PerfdataProcessing { kind, command });
        self.push_action(Action::Run {
            id,
            job: JobSpec {
                purpose: Purpose::PerfdataProcessing(kind),
                plan,
                env,
                timeout,
                max_output: MAX_HANDLER_OUTPUT,
            },
        });
    }

    /// A processing command ended: its timeout warning; a run that came due
    /// meanwhile starts now.
    pub(crate) fn processing_done(
        &mut self,
        kind: ObjKind,
        command: String,
        res: JobResult,
        now: Time,
    ) {
        match res.end {
            vigil_events::ProcessEnd::TimedOut => {
                let timeout = self.perfdata.settings.timeout;
                self.emit(Event::Perfdata(PerfdataEvent::ProcessingTimedOut {
                    kind,
                    command,
                    timeout,
                }));
            }
            vigil_events::ProcessEnd::NotStarted(error) => {
                self.emit(Event::Perfdata(PerfdataEvent::ProcessingNotStarted {
                    kind,
                    command,
                    error,
                }));
            }
            _ => {}
        }
        let timer = self.perfdata.timer(kind);
        timer.running = false;
        if std::mem::take(&mut timer.pending) {
            self.start_processing(kind, now);
        }
    }

    /// The perfdata of one processed result (§2, §3, §6, §7): nothing unless
    /// `process_performance_data` and the object's `process_perf_data` are on (and
    /// the perfdata is not empty, or empty results are processed); then the perfdata
    /// command is started and the file record written, in that order.
    pub(crate) fn perfdata_after_result(&mut self, obj: ObjRef, now: Time) {
        if !self.program.process_performance_data || !self.attrs(obj).process_perf_data {
            return;
        }
        let kind = kind_of(obj);
        let set = self.perfdata.settings.of(kind).clone();
        if set.command.is_none() && set.file.is_none() {
            return;
        }
        let empty = with_status!(self, obj, |st| st.output.perfdata.trim().is_empty());
        if empty && !set.process_empty {
            return;
        }
        let (host, service) = self.host_and_service(obj);
        let statuses = self.statuses();
        let ctx = self.context(&statuses, host, service, now);
        // The perfdata command: its own $ARGn$, cleaned like every command; no
        // environment macros (Nagios starts the job without a macro context).
        let mut command_job = None;
        let mut command_args = None;
        if let Some(call) = &set.command {
            let full = vigil_macros::expand_call_full(call, &ctx);
            command_args = Some(full.args.clone());
            let line: vigil_cmdline::CommandLine = full.line.into();
            command_job = Some(line);
        }
        // $ARGn$ in a service template are the service perfdata command's, or without
        // one the check command's (§3.9); in a host template they are always empty
        // (Nagios clears them after the host perfdata command).
        let template_args = match (kind, command_args) {
            (ObjKind::Host, _) => Vec::new(),
            (ObjKind::Service, Some(args)) => args,
            (ObjKind::Service, None) => self
                .settings(obj)
                .check_command
                .as_ref()
                .map(|check| vigil_macros::expand_args(check, &ctx))
                .unwrap_or_default(),
        };
        let record = set.file.as_ref().map(|_| {
            let opts = vigil_macros::Options {
                clean: false,
                ..vigil_macros::Options::default()
            };
            let mut text =
                vigil_macros::expand_text_with(&set.template, &ctx, &template_args, &opts)
                    .to_plain();
            text.push('\n');
            text
        });
        if let Some(line) = command_job {
            let command = line.to_display_string();
            match vigil_cmdline::plan(&line) {
                Ok(plan) => {
                    let job = match kind {
                        ObjKind::Service => HelperJob::ServicePerfdata,
                        ObjKind::Host => HelperJob::HostPerfdata,
                    };
                    let timeout = match self.perfdata.settings.timeout {
                        0 => WORKER_DEFAULT_TIMEOUT,
                        t => t as f64,
                    };
                    let name = self.obj_name(obj);
                    let id = self.jobs.start(InFlight::Helper {
                        job,
                        obj: name,
                        command,
                    });
                    self.push_action(Action::Run {
                        id,
                        job: JobSpec {
                            purpose: Purpose::Perfdata,
                            plan,
                            env: Vec::new(),
                            timeout,
                            max_output: MAX_HANDLER_OUTPUT,
                        },
                    });
                }
                Err(e) => self.emit(Event::NotPrepared {
                    what: format!("{} performance data", kind_word(kind)),
                    command,
                    error: e.to_string(),
                }),
            }
        }
        if let Some(record) = record {
            self.push_action(Action::PerfdataWrite { kind, record });
        }
    }
}

fn kind_word(kind: ObjKind) -> &'static str {
    match kind {
        ObjKind::Service => "Service",
        ObjKind::Host => "Host",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_escapes_as_nagios_processes_them() {
        // spec perfdata.md §3.2: \t \n \r become the characters, any other backslash
        // is copied, so \\t is a backslash then a tab, and \x stays \x.
        assert_eq!(unescape_template(r"a\tb\nc\rd"), "a\tb\nc\rd");
        assert_eq!(unescape_template(r"x\\ty"), "x\\\ty");
        assert_eq!(unescape_template(r"\x\"), "\\x\\");
    }

    #[test]
    fn modes_and_numbers_as_nagios_reads_them() {
        assert_eq!(FileMode::parse("a"), FileMode::Append);
        assert_eq!(FileMode::parse("w"), FileMode::Write);
        assert_eq!(FileMode::parse("p"), FileMode::Pipe);
        assert_eq!(FileMode::parse("wp"), FileMode::Pipe);
        assert_eq!(FileMode::parse("x"), FileMode::Append);
        assert_eq!(leading_u64("15s"), 15);
        assert_eq!(leading_u64("x"), 0);
        assert!(positive("1") && !positive("0") && !positive("-1"));
    }
}
