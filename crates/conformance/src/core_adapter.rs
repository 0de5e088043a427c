//! [`CoreEngine`]: the [`SimEngine`] adapter for `vigil_core::Core`.
//!
//! This is the only module that knows the Core's API. It does for the simulation what
//! `vigil_engine::runner` does for a real run, minus the I/O the simulation owns: it
//! starts a Core on the loaded configuration (retention restored through the Core),
//! calls `handle_timeout` when the Core's `poll_timeout` comes, turns `Action::Run`
//! into [`SimJob`]s, feeds finished jobs and command lines back, renders the Core's
//! events into log lines, and at SIGTERM renders the retention file the next start
//! reads. The state journal (`retention.dat.wal`) is left out: it only matters for
//! crashes, and a simulated engine stops cleanly.
//!
//! Porting to another Core API means rewriting this file only.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use vigil_config::Model;
use vigil_core::{Action, Core};
use vigil_events::{Event, LogOptions, ProcessEnd, ProgramEvent};
use vigil_exec::Outcome;

use crate::engine::{JobId, JobResult, SimEngine, SimJob};

/// Process id the simulated engine reports (`$PROCESSID$`-like uses, status.dat).
const SIM_PID: u32 = 4242;

/// The Core with the bookkeeping of `vigil_engine::runner`.
pub struct CoreEngine {
    core: Core,
    model: Arc<Model>,
    /// Simulation job ids to the Core's.
    jobs: HashMap<JobId, vigil_core::JobId>,
    next_id: u64,
    pending: Vec<SimJob>,
    log: Vec<(i64, String)>,
    log_opts: LogOptions,
    exit: Option<String>,
    /// The perfdata files, written for real in the run directory (as the runner does).
    perfdata: vigil_engine::perfdata::PerfdataFiles,
}

impl CoreEngine {
    /// Drains the Core's actions and events after an input at `now`.
    fn drain(&mut self, now: f64) {
        self.core.take_dirty();
        while let Some(action) = self.core.poll_action() {
            match action {
                Action::Run { id, job } => {
                    if let vigil_core::Purpose::PerfdataProcessing(kind) = job.purpose {
                        self.perfdata.start_processing(kind, id);
                    }
                    let sim = JobId(self.next_id);
                    self.next_id += 1;
                    self.jobs.insert(sim, id);
                    self.pending.push(SimJob {
                        id: sim,
                        plan: job.plan,
                        env: job.env,
                        timeout: job.timeout,
                    });
                }
                Action::SaveState => self.save_retention(now),
                Action::Shutdown => {
                    self.exit
                        .get_or_insert_with(|| "SHUTDOWN_PROGRAM".to_string());
                }
                Action::PerfdataOpen(spec) => {
                    if let Some(w) = self.perfdata.open(spec) {
                        for l in Event::Perfdata(w).lines() {
                            self.log.push((now as i64, l));
                        }
                    }
                }
                Action::PerfdataWrite { kind, record } => self.perfdata.write(kind, record),
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
        let mut lines = Vec::new();
        for e in self.core.take_events() {
            lines.clear();
            e.log_lines(&self.log_opts, &mut lines);
            self.log.extend(lines.drain(..).map(|l| (stamp, l)));
        }
    }

    fn push(&mut self, now: f64, e: ProgramEvent) {
        for l in Event::Program(e).lines() {
            self.log.push((now as i64, l));
        }
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
            self.core.program(),
            self.core.hosts().as_shared(),
            self.core.services().as_shared(),
            &self.core.render_extras(),
            now as i64,
        );
        if let Err(e) = vigil_retention::write_atomic(path, &text) {
            let text = format!(
                "Unable to save retention information to '{}': {e}",
                path.display()
            );
            self.push(now, ProgramEvent::Problem { error: true, text });
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
                let text = format!("could not read retention file '{}': {e}", path.display());
                self.push(now, ProgramEvent::Problem { error: false, text });
                return;
            }
        };
        self.core.restore(&ret, now);
    }
}

impl SimEngine for CoreEngine {
    fn start(main_cfg: &Path, now: f64) -> Result<Self, String> {
        let (model, _warnings) = vigil_config::load(main_cfg).map_err(|e| {
            let errors: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
            format!("configuration rejected: {}", errors.join("; "))
        })?;
        let model = Arc::new(model);
        let m = &model.main;
        let log_opts = LogOptions {
            event_handlers: m.log_event_handlers,
            external_commands: m.log_external_commands,
            passive_checks: m.log_passive_checks,
            notifications: m.log_notifications,
        };
        let mut engine = CoreEngine {
            core: Core::new(
                model.clone(),
                vigil_engine::zone::system_zone(),
                now,
                SIM_PID,
            ),
            model: model.clone(),
            jobs: HashMap::new(),
            next_id: 1,
            pending: Vec::new(),
            log: Vec::new(),
            log_opts,
            exit: None,
            perfdata: vigil_engine::perfdata::PerfdataFiles::default(),
        };
        engine.push(
            now,
            ProgramEvent::Starting {
                version: "(in-process replay)".into(),
                pid: SIM_PID,
            },
        );
        engine.push(now, ProgramEvent::LogVersion);
        engine.restore(now);
        engine.core.start(now);
        engine.drain(now);
        Ok(engine)
    }

    fn next_wakeup(&mut self) -> Option<f64> {
        self.core.poll_timeout()
    }

    fn advance(&mut self, now: f64) {
        self.core.handle_timeout(now, usize::MAX, 0.0);
        self.drain(now);
    }

    fn command(&mut self, line: &str, now: f64) {
        self.core.handle_command(line, now);
        self.drain(now);
    }

    fn take_jobs(&mut self) -> Vec<SimJob> {
        std::mem::take(&mut self.pending)
    }

    fn job_done(&mut self, id: JobId, result: JobResult, now: f64) {
        let Some(core_id) = self.jobs.remove(&id) else {
            return;
        };
        if let Some(w) = self.perfdata.job_done(core_id) {
            for l in Event::Perfdata(w).lines() {
                self.log.push((now as i64, l));
            }
        }
        let end = match result.outcome {
            Outcome::Exited(c) => ProcessEnd::Exited(c),
            Outcome::Signaled(s) => ProcessEnd::Signaled(s),
            Outcome::TimedOut => ProcessEnd::TimedOut,
            Outcome::DidNotRun(e) => ProcessEnd::NotStarted(e),
        };
        self.core.handle_job_done(
            core_id,
            vigil_core::JobResult {
                end,
                stdout: result.stdout,
                stderr: result.stderr,
                start: result.start,
                duration: result.duration.max(0.0),
            },
            now,
        );
        // As the runner does after every finished job: start what is due.
        self.core.handle_timeout(now, usize::MAX, 0.0);
        self.drain(now);
    }

    fn take_log_lines(&mut self) -> Vec<(i64, String)> {
        std::mem::take(&mut self.log)
    }

    fn status_dat(&mut self, now: f64) -> Option<String> {
        self.model.main.status_file.as_ref()?;
        Some(vigil_retention::render_status_view(
            &vigil_retention::ConfigView::from_model(&self.model),
            self.core.program(),
            self.core.hosts().as_shared(),
            self.core.services().as_shared(),
            &self.core.render_extras(),
            now as i64,
        ))
    }

    fn exit_requested(&self) -> Option<String> {
        self.exit.clone()
    }

    fn stop(mut self, now: f64) -> Vec<(i64, String)> {
        self.drain(now);
        self.push(
            now,
            ProgramEvent::CaughtSignal {
                signal: "SIGTERM".into(),
                restart: false,
            },
        );
        self.save_retention(now);
        self.push(now, ProgramEvent::Stopped { pid: SIM_PID });
        std::mem::take(&mut self.log)
    }
}
