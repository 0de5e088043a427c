//! External commands from the command file, applied to the core: passive results,
//! scheduling, switches, run-time changes. Logged as Nagios logs them; a malformed or
//! unknown line is logged with the reason and skipped.

use vigil_commands::Command;

use crate::core::{modattr, Action, Core};
use crate::ObjRef;

pub(crate) fn handle(core: &mut Core, text: &str, now: f64) {
    let line = match vigil_commands::parse_line(text) {
        Ok(l) => l,
        Err(e) => {
            core.log(vigil_commands::malformed_text(text, &e));
            return;
        }
    };
    let upper = line.name.to_ascii_uppercase();
    let passive = upper == "PROCESS_SERVICE_CHECK_RESULT" || upper == "PROCESS_HOST_CHECK_RESULT";
    let m = &core.model.main;
    let log_accepted = (passive && m.log_passive_checks) || (!passive && m.log_external_commands);
    let cmd = match vigil_commands::parse_command(&line) {
        Ok(c) => c,
        Err(e) => {
            if e.logs_accepted_line() && log_accepted {
                core.log(vigil_commands::log_text(&line));
            }
            for l in vigil_commands::error_texts(&line, &e) {
                core.log(l);
            }
            return;
        }
    };
    if log_accepted {
        core.log(vigil_commands::log_text(&line));
    }
    if let Err(reason) = apply(core, cmd, line.entry_time as f64, now) {
        for l in vigil_commands::failed_texts(&line, &reason) {
            core.log(l);
        }
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
        .get(&(h, vigil_config::Str::from(svc)))
        .copied()
        .ok_or_else(|| format!("unknown service '{svc}' on host '{host}'"))
}

fn find_host(core: &Core, host: &str) -> Result<vigil_config::HostId, String> {
    core.model
        .find_host(host)
        .ok_or_else(|| format!("unknown host '{host}'"))
}

fn set_flag(core: &mut Core, obj: ObjRef, bit: u64, f: impl FnOnce(&mut vigil_state::Status)) {
    let st = core.status_mut(obj);
    f(st);
    st.modified_attributes |= bit;
    core.mark_dirty(obj);
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
                core.log(vigil_commands::passive_service_unknown_host_text(
                    &host, &service,
                ));
                return Err("host not found".into());
            };
            let Some(s) = core
                .model
                .index
                .services
                .get(&(h, vigil_config::Str::from(service.as_str())))
                .copied()
            else {
                core.log(vigil_commands::passive_service_unknown_service_text(
                    &host, &service,
                ));
                return Err("service not found".into());
            };
            if !core.program.accept_passive_service_checks
                || !core.services[s.idx()].passive_checks_enabled
            {
                return Ok(());
            }
            if core.model.main.log_passive_checks {
                let line = vigil_state::passive_service_check_line(
                    &core.services[s.idx()],
                    &core.model.host(h).name,
                    &service,
                );
                core.log(line);
            }
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
                core.log(vigil_commands::passive_host_unknown_host_text(&host));
                return Err("host not found".into());
            };
            if !(0..=2).contains(&return_code) {
                return Err(format!("return code {return_code} out of range"));
            }
            if !core.program.accept_passive_host_checks
                || !core.hosts[h.idx()].passive_checks_enabled
            {
                return Ok(());
            }
            if core.model.main.log_passive_checks {
                let line = vigil_state::passive_host_check_line(
                    &core.hosts[h.idx()],
                    &core.model.host(h).name,
                );
                core.log(line);
            }
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
            set_flag(core, obj, modattr::ACTIVE_CHECKS, |s| {
                s.active_checks_enabled = true
            });
            core.ensure_scheduled(obj, now);
            Ok(())
        }
        Command::DisableSvcCheck { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS, |s| {
                s.active_checks_enabled = false
            });
            Ok(())
        }
        Command::EnableHostCheck { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS, |s| {
                s.active_checks_enabled = true
            });
            core.ensure_scheduled(obj, now);
            Ok(())
        }
        Command::DisableHostCheck { host } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            set_flag(core, obj, modattr::ACTIVE_CHECKS, |s| {
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
            set_flag(core, obj, modattr::PASSIVE_CHECKS, |s| {
                s.passive_checks_enabled = true
            });
            Ok(())
        }
        Command::DisablePassiveSvcChecks { host, service } => {
            let obj = ObjRef::Service(find_svc(core, &host, &service)?);
            set_flag(core, obj, modattr::PASSIVE_CHECKS, |s| {
                s.passive_checks_enabled = false
            });
            Ok(())
        }
        Command::EnableEventHandlers => {
            core.program.enable_event_handlers = true;
            core.mark_program_dirty();
            core.program.modified_host_attributes |= modattr::EVENT_HANDLER_ENABLED;
            core.program.modified_service_attributes |= modattr::EVENT_HANDLER_ENABLED;
            Ok(())
        }
        Command::DisableEventHandlers => {
            core.program.enable_event_handlers = false;
            core.mark_program_dirty();
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
                s.event_handler_override = Some(command)
            });
            Ok(())
        }
        Command::ChangeHostEventHandler { host, command } => {
            let obj = ObjRef::Host(find_host(core, &host)?);
            check_command_exists(core, &command)?;
            set_flag(core, obj, modattr::EVENT_HANDLER_COMMAND, |s| {
                s.event_handler_override = Some(command)
            });
            Ok(())
        }
        Command::ChangeGlobalSvcEventHandler { command } => {
            check_command_exists(core, &command)?;
            core.program.global_service_event_handler = (!command.is_empty()).then_some(command);
            core.mark_program_dirty();
            core.program.modified_service_attributes |= modattr::EVENT_HANDLER_COMMAND;
            Ok(())
        }
        Command::ChangeGlobalHostEventHandler { command } => {
            check_command_exists(core, &command)?;
            core.program.global_host_event_handler = (!command.is_empty()).then_some(command);
            core.mark_program_dirty();
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
            core.program.modified_service_attributes |= modattr::ACTIVE_CHECKS;
            core.mark_program_dirty();
            Ok(())
        }
        Command::StartExecutingHostChecks | Command::StopExecutingHostChecks => {
            let on = matches!(cmd, Command::StartExecutingHostChecks);
            core.program.execute_host_checks = on;
            core.program.modified_host_attributes |= modattr::ACTIVE_CHECKS;
            core.mark_program_dirty();
            Ok(())
        }
        Command::StartAcceptingPassiveSvcChecks | Command::StopAcceptingPassiveSvcChecks => {
            let on = matches!(cmd, Command::StartAcceptingPassiveSvcChecks);
            core.program.accept_passive_service_checks = on;
            core.program.modified_service_attributes |= modattr::PASSIVE_CHECKS;
            core.mark_program_dirty();
            Ok(())
        }
        Command::StartAcceptingPassiveHostChecks | Command::StopAcceptingPassiveHostChecks => {
            let on = matches!(cmd, Command::StartAcceptingPassiveHostChecks);
            core.program.accept_passive_host_checks = on;
            core.program.modified_host_attributes |= modattr::PASSIVE_CHECKS;
            core.mark_program_dirty();
            Ok(())
        }
        Command::EnableFlapDetection => {
            core.program.enable_flap_detection = true;
            core.mark_program_dirty();
            Ok(())
        }
        Command::DisableFlapDetection => {
            core.program.enable_flap_detection = false;
            core.mark_program_dirty();
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
    set_flag(core, obj, modattr::MAX_ATTEMPTS, |s| {
        s.max_attempts_override = Some(attempts);
        if s.current_attempt > attempts {
            s.current_attempt = attempts;
        }
    });
    Ok(())
}

fn change_interval(core: &mut Core, obj: ObjRef, interval: f64, retry: bool) -> Result<(), String> {
    if interval.is_nan() || interval < 0.0 {
        return Err("interval must be a non-negative number".into());
    }
    if retry {
        set_flag(core, obj, modattr::RETRY_CHECK_INTERVAL, |s| {
            s.retry_interval_override = Some(interval)
        });
    } else {
        set_flag(core, obj, modattr::NORMAL_CHECK_INTERVAL, |s| {
            s.check_interval_override = Some(interval)
        });
        // Like Nagios, the check already scheduled keeps its time; the new interval
        // applies from the next reschedule on.
    }
    Ok(())
}
