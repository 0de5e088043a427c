//! [`CoreEngine`]: the [`SimEngine`] adapter for today's `vigil_engine::core::Core`.
//!
//! This is the only module that knows the Core's API. It does for the simulation what
//! `vigil_engine::run` does for a real run, minus the I/O the simulation owns: it
//! starts a Core on the loaded configuration (retention applied through
//! `vigil_retention`'s restore path), starts due checks, fires the freshness timers,
//! turns `Action::Spawn` into [`SimJob`]s with ids, feeds finished jobs and command
//! lines back, and at SIGTERM renders the retention file the next start reads. The
//! state journal (`retention.dat.wal`) is left out: it only matters for crashes, and a
//! simulated engine stops cleanly.
//!
//! Porting to another Core API means rewriting this file only.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use vigil_config::Model;
use vigil_engine::core::{Action, Core, JobKind};
use vigil_exec::Finished;

use crate::engine::{JobId, JobResult, SimEngine, SimJob};

/// Process id the simulated engine reports (`$PROCESSID$`-like uses, status.dat).
const SIM_PID: u32 = 4242;

/// The Core with the timers and bookkeeping of `vigil_engine::run`.
pub struct CoreEngine {
    core: Core,
    model: Arc<Model>,
    /// Running jobs: what each id is for the Core.
    jobs: HashMap<JobId, JobKind>,
    next_id: u64,
    pending: Vec<SimJob>,
    log: Vec<(i64, String)>,
    /// Comments and downtimes read from retention and written back unchanged.
    extras: vigil_retention::RenderExtras,
    next_svc_fresh: f64,
    next_host_fresh: f64,
    exit: Option<String>,
}

impl CoreEngine {
    /// Drains the Core's actions and log lines after an input at `now`.
    fn drain(&mut self, now: f64) {
        self.core.take_dirty();
        self.core.take_program_dirty();
        for action in self.core.take_actions() {
            match action {
                Action::Spawn { kind, job } => {
                    let id = JobId(self.next_id);
                    self.next_id += 1;
                    self.jobs.insert(id, kind);
                    self.pending.push(SimJob {
                        id,
                        plan: job.plan,
                        env: job.env,
                        timeout: job.timeout.as_secs_f64(),
                    });
                }
                Action::SaveState => self.save_retention(now),
                Action::Shutdown => {
                    self.exit
                        .get_or_insert_with(|| "SHUTDOWN_PROGRAM".to_string());
                }
                Action::Restart => {
                    self.exit.get_or_insert_with(|| {
                        "RESTART_PROGRAM (not simulated: a reload keeps the running statuses, \
                         which this adapter does not do)"
                            .to_string()
                    });
                }
            }
        }
        let stamp = now as i64;
        self.log
            .extend(self.core.take_log().into_iter().map(|l| (stamp, l)));
    }

    fn save_retention(&mut self, now: f64) {
        let main = &self.model.main;
        if !main.retain_state_information {
            return;
        }
        let Some(path) = &main.state_retention_file else {
            return;
        };
        let text = vigil_retention::render_view(
            &vigil_retention::ConfigView::from_model(&self.model),
            &self.core.program,
            &self.core.hosts,
            &self.core.services,
            &self.extras,
            now as i64,
        );
        if let Err(e) = vigil_retention::write_atomic(path, &text) {
            self.log.push((
                now as i64,
                format!(
                    "Error: Unable to save retention information to '{}': {e}",
                    path.display()
                ),
            ));
        }
    }

    /// Applies the retention file left by an earlier run (as `vigil run` does at start).
    fn restore(&mut self, now: f64) {
        let main = &self.model.main;
        if !main.retain_state_information {
            return;
        }
        let Some(path) = main.state_retention_file.clone() else {
            return;
        };
        let ret = match vigil_retention::read(&path) {
            Ok(r) => r,
            Err(e) if e.is_not_found() => return,
            Err(e) => {
                self.log.push((
                    now as i64,
                    format!(
                        "Warning: could not read retention file '{}': {e}",
                        path.display()
                    ),
                ));
                return;
            }
        };
        let notes = vigil_retention::apply_view(
            &ret,
            &vigil_retention::ConfigView::from_model(&self.model),
            &mut self.core.program,
            &mut self.core.hosts,
            &mut self.core.services,
            self.model.main.use_retained_program_state,
            now as i64,
        );
        for n in notes {
            self.log.push((now as i64, format!("Warning: {n}")));
        }
        self.extras = vigil_retention::RenderExtras::from_retention(&ret);
    }
}

fn secs(interval: u64) -> f64 {
    interval.max(1) as f64
}

impl SimEngine for CoreEngine {
    fn start(main_cfg: &Path, now: f64) -> Result<Self, String> {
        let (model, _warnings) = vigil_config::load(main_cfg).map_err(|e| {
            let errors: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
            format!("configuration rejected: {}", errors.join("; "))
        })?;
        let model = Arc::new(model);
        let main = &model.main;
        let mut engine = CoreEngine {
            core: Core::new(model.clone(), now, SIM_PID),
            next_svc_fresh: now + secs(main.service_freshness_check_interval),
            next_host_fresh: now + secs(main.host_freshness_check_interval),
            model: model.clone(),
            jobs: HashMap::new(),
            next_id: 1,
            pending: Vec::new(),
            log: vec![
                (
                    now as i64,
                    format!("Vigil (in-process replay) starting... (PID={SIM_PID})"),
                ),
                (now as i64, "LOG VERSION: 2.0".to_string()),
            ],
            extras: vigil_retention::RenderExtras::default(),
            exit: None,
        };
        engine.restore(now);
        engine.core.log_initial_states();
        engine
            .core
            .schedule_initial(now, model.main.use_retained_scheduling_info);
        engine.drain(now);
        Ok(engine)
    }

    fn next_wakeup(&mut self) -> Option<f64> {
        let mut t = self.core.next_due();
        let program = &self.core.program;
        for (on, at) in [
            (program.check_service_freshness, self.next_svc_fresh),
            (program.check_host_freshness, self.next_host_fresh),
        ] {
            if on {
                t = Some(t.map_or(at, |t| t.min(at)));
            }
        }
        t
    }

    fn advance(&mut self, now: f64) {
        let main = &self.model.main;
        let (svc_every, host_every) = (
            secs(main.service_freshness_check_interval),
            secs(main.host_freshness_check_interval),
        );
        // The timers of vigil_engine::run: first one interval after start, then every
        // interval; a switched-off check returns at once inside the Core.
        while self.next_svc_fresh <= now {
            self.core.check_service_freshness(now);
            self.next_svc_fresh += svc_every;
        }
        while self.next_host_fresh <= now {
            self.core.check_host_freshness(now);
            self.next_host_fresh += host_every;
        }
        self.core.run_due(now);
        self.drain(now);
    }

    fn command(&mut self, line: &str, now: f64) {
        self.core.external_command(line, now);
        self.drain(now);
    }

    fn take_jobs(&mut self) -> Vec<SimJob> {
        std::mem::take(&mut self.pending)
    }

    fn job_done(&mut self, id: JobId, result: JobResult, now: f64) {
        let Some(kind) = self.jobs.remove(&id) else {
            return;
        };
        let fin = Finished {
            outcome: result.outcome,
            stdout: result.stdout,
            stderr: result.stderr,
            start: UNIX_EPOCH + Duration::from_secs_f64(result.start.max(0.0)),
            duration: Duration::from_secs_f64(result.duration.max(0.0)),
            pid: result.pid,
        };
        self.core.job_done(kind, fin, now);
        // As the runner does after every finished job: start what is due.
        self.core.run_due(now);
        self.drain(now);
    }

    fn take_log_lines(&mut self) -> Vec<(i64, String)> {
        std::mem::take(&mut self.log)
    }

    fn status_dat(&mut self, now: f64) -> Option<String> {
        self.model.main.status_file.as_ref()?;
        Some(vigil_retention::render_status_view(
            &vigil_retention::ConfigView::from_model(&self.model),
            &self.core.program,
            &self.core.hosts,
            &self.core.services,
            &self.extras,
            now as i64,
        ))
    }

    fn exit_requested(&self) -> Option<String> {
        self.exit.clone()
    }

    fn stop(mut self, now: f64) -> Vec<(i64, String)> {
        let stamp = now as i64;
        self.drain(now);
        self.log
            .push((stamp, "Caught SIGTERM, shutting down...".to_string()));
        self.save_retention(now);
        self.log
            .push((stamp, format!("Successfully shutdown... (PID={SIM_PID})")));
        std::mem::take(&mut self.log)
    }
}
