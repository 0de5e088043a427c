//! External commands from the command file (or Livestatus `COMMAND`), applied to
//! the core: passive results, scheduling, switches, run-time changes. Reported as
//! Nagios logs them ([`CommandEvent`]); a malformed or unknown line is reported with
//! the reason and skipped, never fatal.

use vigil_commands::Command;
use vigil_events::{CommandEvent, Event, Obj, ObjectState};
use vigil_state::modattr;

use crate::core::{with_status, Core};
use crate::{Action, ObjRef};

pub(crate) fn handle(core: &mut Core, text: &str, now: f64) {
    let line = match vigil_commands::parse_line(text) {
        Ok(l) => l,
        Err(_) => {
            core.emit(Event::Command(CommandEvent::Malformed {
                raw: text.to_string(),
            }));
            return;
        }
    };
    let upper = line.name.to_ascii_uppercase();
    let passive = upper == "PROCESS_SERVICE_CHECK_RESULT" || upper == "PROCESS_HOST_CHECK_RESULT";
    let accepted = Event::Command(CommandEvent::Accepted {
        name: line.name.clone(),
        args: line.args.clone(),
        passive,
    });
    let cmd = match vigil_commands::parse_command(&line) {
        Ok(c) => c,
        Err(e) => {
            // Nagios logs the accepted line of a known command before it finds its
            // arguments bad; never for an unknown name.
            let failure = match e {
                vigil_commands::CommandError::Unknown => CommandEvent::Unknown {
                    entry_time: line.entry_time,
                    name: line.name,
                    args: line.args,
                },
                vigil_commands::CommandError::Malformed(reason) => {
                    core.emit(accepted);
                    CommandEvent::Failed {
                        entry_time: line.entry_time,
                        name: line.name,
                        args: line.args,
                        reason,
                    }
                }
            };
            core.emit(Event::Command(failure));
            return;
        }
    };
    core.emit(accepted);
    if let Err(reason) = apply(core, cmd, line.entry_time as f64, now) {
        core.emit(Event::Command(CommandEvent::Failed {
            entry_time: line.entry_time,
            name: line.name,
            args: line.args,
            reason,
        }));
    }
}

fn find_svc(core: &Core, host: &str, svc: &str) -> Result<vigil_config::ServiceId, String> {
    let h = core
        .model
        .find_host_by_name_or_address(host)
        .ok_or_else(|| format!("unknown host '{host}'"))?;
    core.model
        .index
        .services
        .get(&(h, svc.to_string()))
        .copied()
        .ok_or_else(|| format!("unknown service '{svc}' on host '{host}'"))
}

fn find_host(core: &Core, host: &str) -> Result<vigil_config::HostId, String> {
    core.model
        .find_host(host)
        .ok_or_else(|| format!("unknown host '{host}'"))
}

fn set_flag(core: &mut Core, obj: ObjRef, bit: u64, f: impl FnOnce(&mut vigil_state::Attributes)) {
    let attrs = core.attrs_mut(obj);
    f(attrs);
    attrs.modified |= bit;
    core.dirty.mark(obj);
}

fn apply(core: &mut Core, cmd: Command, entry: f64, now: f64) -> Result<(), String> {
    match cmd {
        Command::ProcessServiceCheckResult {
            host,
            service,
            return_code,
            output,
        } => {
            let Some(h) = core.model.find_host_by_name_or_address(&host) else {
                core.emit(Event::Command(CommandEvent::PassiveUnknown {
                    obj: Obj::Service { host, service },
                    host_found: false,
                }));
                return Err("host not found".into());
            };
            let Some(s) = core
                .model
                .index
                .services
                .get(&(h, service.clone()))
                .copied()
            else {
                core.emit(Event::Command(CommandEvent::PassiveUnknown {
                    obj: Obj::Service { host, service },
                    host_found: true,
                }));
                return Err("service not found".into());
            };
            if !core.program.accept_passive_service_checks
                || !core.services[s.idx()].attrs.passive_checks_enabled
            {
                return Ok(());
            }
            passive_check(core, ObjRef::Service(s));
            let t = if entry > 0.0 { entry } else { now };
            let mut res = vigil_state::result::map_passive_service(return_code, &output, t);
            res.latency = (now - t).max(0.0);
            core.process_service_result(s, res, now, false);
            Ok(())
        }
        Command::ProcessHostCheckResult {
            host,
            return_code,
            output,
        } => {
            let Some(h) = core.model.find_host_by_name_or_address(&host) else {
                core.emit(Event::Command(CommandEvent::PassiveUnknown {
                    obj: Obj::Host { host },
                    host_found: false,
                }));
                return Err("host not found".into());
            };
            if !(0..=2).contains(&return_code) {
                return Err(format!("return code {return_code} out of range"));
            }
            if !core.program.accept_passive_host_checks
                || !core.hosts[h.idx()].attrs.passive_checks_enabled
            {
                return Ok(());
            }
            passive_check(core, ObjRef::Host(h));
            let t = if entry > 0.0 { entry } else { now };
            let mut res = vigil_state::result::map_passive_host(return_code, &output, t);
            res.latency = (now - t).max(0.0);
            core.process_host_result(h, res, now, false);
            Ok(())
        }
        Command::ScheduleSvcCheck {
            host,
            service,
            time,
            forced,
        } => {
            let s = find_svc(core, &host, &service)?;
            core.schedule_check(ObjRef::Service(s), time as f64, forced, now);
            Ok(())
        }
        Command::ScheduleHostCheck { host, time, forced } => {
            let h = find_host(core, &host)?;
            core.schedule_check(ObjRef::Host(h), time as f64, forced, now);
            Ok(())
        }
        Command::EnableSvcCheck { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS_ENABLED, |s| {
                s.active_checks_enabled = true
            });
            core.ensure_scheduled(obj, now);
            Ok(())
        }
        Command::DisableSvcCheck { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS_ENABLED, |s| {
                s.active_checks_enabled = false
            });
            Ok(())
        }
        Command::EnableHostCheck { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS_ENABLED, |s| {
                s.active_checks_enabled = true
            });
            core.ensure_scheduled(obj, now);
            Ok(())
        }
        Command::DisableHostCheck { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS_ENABLED, |s| {
                s.active_checks_enabled = false
            });
            Ok(())
        }
        Command::EnableSvcEventHandler { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::EVENT_HANDLER_ENABLED, |s| {
                s.event_handler_enabled = true
            });
            Ok(())
        }
        Command::DisableSvcEventHandler { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::EVENT_HANDLER_ENABLED, |s| {
                s.event_handler_enabled = false
            });
            Ok(())
        }
        Command::EnableHostEventHandler { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::EVENT_HANDLER_ENABLED, |s| {
                s.event_handler_enabled = true
            });
            Ok(())
        }
        Command::DisableHostEventHandler { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::EVENT_HANDLER_ENABLED, |s| {
                s.event_handler_enabled = false
            });
            Ok(())
        }
        Command::EnablePassiveSvcChecks { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::PASSIVE_CHECKS_ENABLED, |s| {
                s.passive_checks_enabled = true
            });
            Ok(())
        }
        Command::DisablePassiveSvcChecks { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::PASSIVE_CHECKS_ENABLED, |s| {
                s.passive_checks_enabled = false
            });
            Ok(())
        }
        Command::EnableEventHandlers => {
            core.program.enable_event_handlers = true;
            core.dirty.mark_program();
            core.program.modified_host_attributes |= modattr::EVENT_HANDLER_ENABLED;
            core.program.modified_service_attributes |= modattr::EVENT_HANDLER_ENABLED;
            Ok(())
        }
        Command::DisableEventHandlers => {
            core.program.enable_event_handlers = false;
            core.dirty.mark_program();
            core.program.modified_host_attributes |= modattr::EVENT_HANDLER_ENABLED;
            core.program.modified_service_attributes |= modattr::EVENT_HANDLER_ENABLED;
            Ok(())
        }
        Command::ChangeSvcEventHandler {
            host,
            service,
            command,
        } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            check_command_exists(core, &command)?;
            set_flag(core, obj, modattr::EVENT_HANDLER_COMMAND, |s| {
                s.event_handler = Some(command)
            });
            Ok(())
        }
        Command::ChangeHostEventHandler { host, command } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            check_command_exists(core, &command)?;
            set_flag(core, obj, modattr::EVENT_HANDLER_COMMAND, |s| {
                s.event_handler = Some(command)
            });
            Ok(())
        }
        Command::ChangeGlobalSvcEventHandler { command } => {
            check_command_exists(core, &command)?;
            core.program.global_service_event_handler = (!command.is_empty()).then_some(command);
            core.dirty.mark_program();
            core.program.modified_service_attributes |= modattr::EVENT_HANDLER_COMMAND;
            Ok(())
        }
        Command::ChangeGlobalHostEventHandler { command } => {
            check_command_exists(core, &command)?;
            core.program.global_host_event_handler = (!command.is_empty()).then_some(command);
            core.dirty.mark_program();
            core.program.modified_host_attributes |= modattr::EVENT_HANDLER_COMMAND;
            Ok(())
        }
        Command::ChangeMaxSvcCheckAttempts {
            host,
            service,
            attempts,
        } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            change_max_attempts(core, obj, attempts)
        }
        Command::ChangeMaxHostCheckAttempts { host, attempts } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            change_max_attempts(core, obj, attempts)
        }
        Command::ChangeNormalSvcCheckInterval {
            host,
            service,
            interval,
        } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            change_interval(core, obj, interval, false)
        }
        Command::ChangeRetrySvcCheckInterval {
            host,
            service,
            interval,
        } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            change_interval(core, obj, interval, true)
        }
        Command::ChangeNormalHostCheckInterval { host, interval } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            change_interval(core, obj, interval, false)
        }
        Command::ChangeRetryHostCheckInterval { host, interval } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            change_interval(core, obj, interval, true)
        }
        Command::StartExecutingSvcChecks | Command::StopExecutingSvcChecks => {
            let on = matches!(cmd, Command::StartExecutingSvcChecks);
            core.program.execute_service_checks = on;
            core.program.modified_service_attributes |= modattr::ACTIVE_CHECKS_ENABLED;
            core.dirty.mark_program();
            Ok(())
        }
        Command::StartExecutingHostChecks | Command::StopExecutingHostChecks => {
            let on = matches!(cmd, Command::StartExecutingHostChecks);
            core.program.execute_host_checks = on;
            core.program.modified_host_attributes |= modattr::ACTIVE_CHECKS_ENABLED;
            core.dirty.mark_program();
            Ok(())
        }
        Command::StartAcceptingPassiveSvcChecks | Command::StopAcceptingPassiveSvcChecks => {
            let on = matches!(cmd, Command::StartAcceptingPassiveSvcChecks);
            core.program.accept_passive_service_checks = on;
            core.program.modified_service_attributes |= modattr::PASSIVE_CHECKS_ENABLED;
            core.dirty.mark_program();
            Ok(())
        }
        Command::StartAcceptingPassiveHostChecks | Command::StopAcceptingPassiveHostChecks => {
            let on = matches!(cmd, Command::StartAcceptingPassiveHostChecks);
            core.program.accept_passive_host_checks = on;
            core.program.modified_host_attributes |= modattr::PASSIVE_CHECKS_ENABLED;
            core.dirty.mark_program();
            Ok(())
        }
        Command::EnableFlapDetection => {
            core.program.enable_flap_detection = true;
            core.dirty.mark_program();
            Ok(())
        }
        Command::DisableFlapDetection => {
            core.program.enable_flap_detection = false;
            core.dirty.mark_program();
            Ok(())
        }
        Command::SaveStateInformation => {
            core.push_action(Action::SaveState);
            Ok(())
        }
        Command::ShutdownProgram => {
            core.push_action(Action::Shutdown);
            Ok(())
        }
        Command::RestartProgram => {
            core.push_action(Action::Restart);
            Ok(())
        }
        Command::Custom(_) => Ok(()),
        #[allow(unreachable_patterns)]
        _ => Err("command not supported by vigil".into()),
    }
}

fn check_command_exists(core: &Core, raw: &str) -> Result<(), String> {
    if raw.is_empty() {
        return Ok(());
    }
    let name = raw.split('!').next().unwrap_or("");
    if core.model.find_command(name).is_some() {
        Ok(())
    } else {
        Err(format!("command '{name}' is not defined"))
    }
}

fn change_max_attempts(core: &mut Core, obj: ObjRef, attempts: u32) -> Result<(), String> {
    if attempts == 0 {
        return Err("max check attempts must be at least 1".into());
    }
    set_flag(core, obj, modattr::MAX_CHECK_ATTEMPTS, |a| {
        a.max_attempts = Some(attempts)
    });
    with_status!(core, obj, |mut st| st.current_attempt =
        st.current_attempt.min(attempts));
    Ok(())
}

fn change_interval(core: &mut Core, obj: ObjRef, interval: f64, retry: bool) -> Result<(), String> {
    if interval.is_nan() || interval < 0.0 {
        return Err("interval must be a non-negative number".into());
    }
    if retry {
        set_flag(core, obj, modattr::RETRY_CHECK_INTERVAL, |s| {
            s.retry_interval = Some(interval)
        });
    } else {
        set_flag(core, obj, modattr::NORMAL_CHECK_INTERVAL, |s| {
            s.check_interval = Some(interval)
        });
        // Like Nagios, the check already scheduled keeps its time; the new interval
        // applies from the next reschedule on.
    }
    Ok(())
}

/// `PASSIVE ... CHECK:` for a passive result about to be applied: Nagios 4.4.6 writes
/// it with the state and output from *before* the result.
fn passive_check(core: &mut Core, obj: ObjRef) {
    let (prev_state, prev_output) = with_status!(core, obj, |st| (
        st.current_state.id(),
        st.output.short.clone()
    ));
    let name = core.obj_name(obj);
    core.emit(Event::PassiveCheck {
        obj: name,
        prev_state,
        prev_output,
    });
}
