//! Obsessive-compulsive processing (checks-and-states.md §4.5): after every
//! processed result of a service (active or passive, any state), `ocsp_command` runs
//! when `obsess_over_services` and the service's `obsess` are on; for hosts
//! `ochp_command` with `obsess_over_hosts`. As in Nagios 4.4.6 the command is a
//! worker job (not waited for) with `ocsp_timeout` / `ochp_timeout`, expanded like an
//! event handler (cleaned output macros, environment macros when enabled), started
//! before the result's ALERT line and event handlers. Nothing is logged unless it
//! fails ([`Event::HelperFinished`]).

use vigil_events::{Event, HelperJob};
use vigil_state::Time;

use crate::core::{Core, MAX_HANDLER_OUTPUT};
use crate::jobs::{InFlight, JobResult, JobSpec, Purpose};
use crate::{Action, ObjRef};

impl Core {
    /// Runs the OCSP / OCHP command for `obj`'s result just processed, if obsessing.
    pub(crate) fn obsess(&mut self, obj: ObjRef, now: Time) {
        let main = &self.model.main;
        let (on, call, timeout, job) = match obj {
            ObjRef::Service(_) => (
                self.program.obsess_over_services,
                main.ocsp_command.clone(),
                main.ocsp_timeout,
                HelperJob::Ocsp,
            ),
            ObjRef::Host(_) => (
                self.program.obsess_over_hosts,
                main.ochp_command.clone(),
                main.ochp_timeout,
                HelperJob::Ochp,
            ),
        };
        if !on || !self.attrs(obj).obsess {
            return;
        }
        let Some(call) = call else {
            return;
        };
        let (host, service) = self.host_and_service(obj);
        let (line, env) = self.expand(&call, host, service, now);
        let command = line.to_display_string();
        let plan = match vigil_cmdline::plan(&line) {
            Ok(p) => p,
            Err(e) => {
                self.emit(Event::NotPrepared {
                    what: job.wproc_name().into(),
                    command,
                    error: e.to_string(),
                });
                return;
            }
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
                purpose: Purpose::Obsess,
                plan,
                env,
                timeout: timeout.max(1) as f64,
                max_output: MAX_HANDLER_OUTPUT,
            },
        });
    }

    /// An OCSP / OCHP / perfdata command ended: reported (logged when it failed).
    pub(crate) fn helper_done(
        &mut self,
        id: crate::JobId,
        job: HelperJob,
        obj: vigil_events::Obj,
        command: String,
        res: JobResult,
    ) {
        let pid = self.program.pid;
        self.emit(Event::HelperFinished {
            job,
            id: id.0,
            pid,
            obj,
            command,
            end: res.end,
            duration: res.duration,
        });
    }
}
