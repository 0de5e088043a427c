//! The loop around [`Core`]: the clock, signals, the command file, the processes and
//! the files. Each pass feeds the core its inputs (time passed, jobs that ended,
//! command lines), then [`Outputs::flush`]es what the core produced — state journal
//! first, then the log, the handler journal and the terminal — and only then starts
//! the processes the core asked for.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use vigil_config::Model;
use vigil_core::{Action, Core, JobId, JobResult, JobSpec, Purpose};
use vigil_events::{Event, LogOptions, ProcessEnd, ProgramEvent};
use vigil_exec::{Finished, Outcome};

use crate::hooks::{CommandRequest, Hooks, Observer};
use crate::journal::{self, Journal};
use crate::livestatus::{self as ls, Livestatus};
use crate::loadgate::RunQueue;
use crate::logfile::LogFile;
use crate::persist::{save_retention, Checkpoint, CheckpointWritten, StatusWriter};
use crate::statelog::{self, StateLog};
use crate::{echo, rotation, EngineError};

/// How `vigil run` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Echo log lines and handler outcomes to stderr.
    pub echo: bool,
    /// Journal file; `None` = next to the retention file.
    pub journal: Option<PathBuf>,
    /// Notification journal file; `None` = next to the handler journal.
    pub notification_journal: Option<PathBuf>,
    /// State journal size that starts a checkpoint; `None` =
    /// [`statelog::CHECKPOINT_BYTES`] or half of retention.dat, whichever is more.
    pub checkpoint_bytes: Option<u64>,
}

/// How the run ended, for the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// Stopped with every state change saved.
    Clean,
    /// Stopped, but state could not be made durable (the state journal failed at
    /// some point and the final retention.dat could not be written either): some
    /// state changes may be lost on the next start.
    StateNotSaved,
}

/// Why the loop ended.
enum Exit {
    Shutdown(&'static str),
    /// A reloaded configuration is ready (read and resolved off the loop), with the
    /// core built for it; the running core's state is carried over in one step.
    Restart(Box<(Arc<vigil_retention::ConfigView>, Core, Result<(), String>)>),
}

/// A reload in progress: the configuration is read, resolved and given a fresh core
/// on a blocking thread while the loop goes on checking.
/// A reloaded configuration: its view, a core built for it, and whether its
/// objects.cache could be written (the error text to log when not).
type Reloaded = Result<Box<(Arc<vigil_retention::ConfigView>, Core, Result<(), String>)>, String>;

/// Seconds since the epoch, now.
pub fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Writes one event's log lines (every `log_*` switch on; for the runner's own
/// program events).
pub fn write_event(log: &mut LogFile, now: i64, e: &Event) {
    for l in e.lines() {
        log.write(now, &l);
    }
}

fn program_event(log: &mut LogFile, now: i64, p: ProgramEvent) {
    write_event(log, now, &Event::Program(p));
}

/// Runs the engine until SIGTERM/SIGINT or SHUTDOWN_PROGRAM. `load` re-reads the
/// configuration on RESTART_PROGRAM / SIGHUP.
pub fn run_blocking<F>(model: Model, opts: RunOptions, load: F) -> Result<RunEnd, EngineError>
where
    F: Fn() -> Result<Model, String> + Send + Sync + 'static,
{
    run_blocking_with(model, opts, None, load)
}

/// [`run_blocking`] with an embedder's [`Hooks`] (the web UI): an observer of every
/// pass and a channel of commands.
pub fn run_blocking_with<F>(
    model: Model,
    opts: RunOptions,
    hooks: Option<Hooks>,
    load: F,
) -> Result<RunEnd, EngineError>
where
    F: Fn() -> Result<Model, String> + Send + Sync + 'static,
{
    // One runtime thread: the core, the spawns (a check's never waits for its exec; a
    // handler's does, see vigil-exec), the process supervision and the files share it.
    // Measured against two runtime workers on the 10k-service overload: fewer engine
    // CPU seconds per 1,000 checks (no thread switches), and no fewer checks per second.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Io("tokio runtime".into(), e))?;
    // The loop runs as a task of the runtime rather than as the `block_on` future:
    // a job task waking it then only queues it (waking the `block_on` future writes
    // the runtime's eventfd every time, two system calls per check).
    rt.block_on(async move {
        tokio::spawn(run(model, opts, hooks, load))
            .await
            .unwrap_or_else(|e| {
                Err(EngineError::Io(
                    "engine task".into(),
                    std::io::Error::other(e),
                ))
            })
    })
}

/// A job for vigil-exec.
fn exec_job(job: JobSpec) -> vigil_exec::Job {
    vigil_exec::Job {
        plan: job.plan,
        timeout: Duration::from_secs_f64(job.timeout.max(0.001)),
        env: job.env,
        cwd: None,
        max_output: job.max_output,
    }
}

/// A finished process as the core reads it.
pub fn job_result(fin: Finished) -> JobResult {
    JobResult {
        end: match fin.outcome {
            Outcome::Exited(c) => ProcessEnd::Exited(c),
            Outcome::Signaled(s) => ProcessEnd::Signaled(s),
            Outcome::TimedOut => ProcessEnd::TimedOut,
            Outcome::DidNotRun(e) => ProcessEnd::NotStarted(e),
        },
        stdout: fin.stdout,
        stderr: fin.stderr,
        start: fin
            .start
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0),
        duration: fin.duration.as_secs_f64(),
    }
}

/// Where the core's outputs go: the state journal, the log, the handler journal and
/// the terminal.
struct Outputs {
    log: LogFile,
    log_opts: LogOptions,
    journal: Journal,
    notifications: crate::notify_journal::NotifyJournal,
    states: Option<StateLog>,
    /// The running configuration's view for the state files (one per generation).
    view: Arc<vigil_retention::ConfigView>,
    echo: bool,
    /// A state-journal write or a retention save failed since the last successful
    /// retention save.
    unsaved: bool,
    /// The embedder's observer (web UI, metrics).
    observer: Option<Box<dyn Observer>>,
    /// Livestatus, when a `broker_module=` line asks for it.
    ls: Option<Livestatus>,
    /// A journal checkpoint being written off the loop.
    checkpoint: Option<Checkpoint>,
    /// Whole retention saves made on the loop so far (a checkpoint started before
    /// the last one is out of date).
    saves: u64,
    /// No checkpoint starts before this time (one failed: a full disk is not hit
    /// with a whole retention file at every pass).
    checkpoint_not_before: f64,
}

impl Outputs {
    /// Makes this pass's state changes durable, then writes its events (log, handler
    /// journal, terminal). A failed journal write is reported, and monitoring goes
    /// on (see ARCHITECTURE.md, "when the disk says no"). Returns the pass's events.
    fn flush(&mut self, core: &mut Core) -> Vec<Event> {
        let (objs, program) = core.take_dirty();
        let books = core.take_books_dirty();
        let events = core.take_events();
        if objs.is_empty() && !program && !books && events.is_empty() {
            return events;
        }
        let now = now_secs() as i64;
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut n_lines = 0;
        for e in &events {
            lines.clear();
            e.log_lines(&self.log_opts, &mut lines);
            n_lines += lines.len();
            for l in &lines {
                text.push_str(&LogFile::format_line(now, l));
            }
        }
        let mut commit = None;
        match self.states.as_mut() {
            Some(j) => {
                let t0 = std::time::Instant::now();
                let changed = statelog::Changed {
                    objs: &objs,
                    program,
                    books,
                };
                if !j.commit(core, changed, text.as_bytes(), &mut self.log, now) {
                    self.unsaved = true;
                }
                commit = Some(t0.elapsed());
            }
            None => self.log.write_formatted(text.as_bytes()),
        }
        // Handler journal: this pass's entries are written at its end, so an
        // outcome decided in the same pass lands in its run's entry.
        let mut entries: Vec<journal::Entry> = Vec::new();
        let mut problems = Vec::new();
        for e in &events {
            match e {
                Event::HandlerFinished {
                    run,
                    end,
                    start,
                    duration,
                    output,
                } => {
                    let entry = journal::Entry::of_run(run, end, *start, *duration, output, false);
                    if self.echo {
                        eprintln!("{}", echo::describe_run(&entry));
                    }
                    entries.push(entry);
                }
                Event::HandlerOutcome {
                    run,
                    outcome,
                    decided,
                } => {
                    if self.echo {
                        eprintln!("{}", echo::describe_outcome(run, *outcome));
                    }
                    let kind = journal::OutcomeRecord::of(run, *outcome, *decided);
                    match entries.iter_mut().rev().find(|en| {
                        en.id == Some(run.id) && en.host == kind.host && en.handler == kind.handler
                    }) {
                        Some(en) => en.set_outcome(*outcome),
                        None => {
                            if let Err(e) = self.journal.record_outcome(&kind) {
                                problems.push(e);
                            }
                        }
                    }
                }
                Event::HandlerSuppressed { run, reason } => {
                    entries.push(journal::Entry::of_suppressed(
                        run,
                        &reason.to_string(),
                        now_secs(),
                    ));
                }
                Event::CheckDone { line, .. } if self.echo => {
                    eprintln!("{}", echo::describe_check(line));
                }
                Event::NotificationDecided(rec) => {
                    if self.echo && rec.sent() {
                        eprintln!(
                            "notification {} #{} of {} sent to {}",
                            rec.type_name,
                            rec.number,
                            rec.obj,
                            rec.contacts
                                .iter()
                                .filter(|c| c.stopped_by.is_none())
                                .map(|c| c.contact.as_str())
                                .collect::<Vec<_>>()
                                .join(",")
                        );
                    }
                    let _ = self
                        .notifications
                        .push(&crate::notify_journal::Entry::Decision((**rec).clone()));
                }
                Event::NotificationFinished {
                    run,
                    end,
                    start,
                    duration,
                    output,
                } => {
                    let _ = self
                        .notifications
                        .push(&crate::notify_journal::Entry::Command(
                            crate::notify_journal::CommandRun::of(
                                run, end, *start, *duration, output,
                            ),
                        ));
                }
                _ => {}
            }
        }
        for entry in &entries {
            if let Err(e) = self.journal.record(entry) {
                problems.push(e);
            }
        }
        if let Some(e) = problems.first() {
            let text = format!("could not write the handler journal: {e}");
            program_event(
                &mut self.log,
                now,
                ProgramEvent::Problem { error: false, text },
            );
        }
        if let Err(e) = self.notifications.flush() {
            let text = format!("could not write the notification journal: {e}");
            program_event(
                &mut self.log,
                now,
                ProgramEvent::Problem { error: false, text },
            );
        }
        if let Some(l) = self.ls.as_mut() {
            l.observe(core.model(), &events, n_lines);
        }
        if self.checkpoint.is_none()
            && now_secs() >= self.checkpoint_not_before
            && self.states.as_ref().is_some_and(StateLog::checkpoint_due)
        {
            self.start_checkpoint(core);
        }
        if let Some(o) = self.observer.as_mut() {
            o.flushed(core, &events, commit);
        }
        events
    }

    /// Folds the journal into retention.dat without stopping the loop: the file is
    /// rendered from a snapshot on a blocking thread ([`Checkpoint`]), and
    /// [`Outputs::finish_checkpoint`] puts it in place.
    fn start_checkpoint(&mut self, core: &Core) {
        let (Some(states), Some(path)) = (
            self.states.as_ref(),
            core.model().main.state_retention_file.clone(),
        ) else {
            return;
        };
        self.checkpoint = Some(Checkpoint::start(
            core.snapshot(now_secs()),
            self.view.clone(),
            path,
            states.position(),
            self.saves,
        ));
    }

    /// The `retention_update_interval` save, as a checkpoint (or the one running):
    /// `Auto-save of retention data completed successfully.` is logged when it is in
    /// place. False when there is no state journal (the caller saves on the loop).
    fn auto_save(&mut self, core: &Core) -> bool {
        if self.states.is_none() {
            return false;
        }
        if self.checkpoint.is_none() {
            self.start_checkpoint(core);
        }
        match self.checkpoint.as_mut() {
            Some(c) => {
                c.auto = true;
                true
            }
            None => false,
        }
    }

    /// A checkpoint's file is written: mark the journal, put the file in place,
    /// restart the journal on it with what came after the snapshot. Nothing
    /// happens if a save was made since (it holds more) or the journal restarted.
    fn finish_checkpoint(&mut self, c: Checkpoint, written: Option<CheckpointWritten>) {
        let now = now_secs() as i64;
        let problem = |log: &mut LogFile, path: &std::path::Path, e: &dyn std::fmt::Display| {
            let text = format!(
                "Unable to save retention information to '{}': {e}",
                path.display()
            );
            write_event(
                log,
                now,
                &Event::Program(ProgramEvent::Problem { error: true, text }),
            );
        };
        let Some(states) = self.states.as_mut() else {
            return;
        };
        // Retried after a minute if it does not get into place below.
        self.checkpoint_not_before = now as f64 + CHECKPOINT_RETRY_SECS;
        match written {
            Some(Ok((pending, base))) if c.generation == self.saves => {
                match states.checkpoint_ready(base, c.from) {
                    Ok(()) => {}
                    Err(vigil_retention::wal::WalError::Superseded { .. }) => return,
                    Err(e) => return problem(&mut self.log, pending.path(), &e),
                }
                let path = pending.path().to_path_buf();
                if let Err(e) = pending.commit() {
                    return problem(&mut self.log, &path, &e);
                }
                states.checkpoint_done(base, c.from, &mut self.log, now);
                self.checkpoint_not_before = 0.0;
                if c.auto {
                    program_event(&mut self.log, now, ProgramEvent::AutoSaved);
                }
            }
            Some(Err(e)) => problem(&mut self.log, &c.path, &e),
            // Superseded by a save made since (which restarted the journal).
            Some(Ok(_)) => self.checkpoint_not_before = 0.0,
            // The task ended without a word: retried after the delay.
            None => {}
        }
    }

    /// Saves retention.dat now.
    fn save(&mut self, core: &Core) {
        self.saves += 1;
        let now = now_secs() as i64;
        let view = self.view.clone();
        self.unsaved = !save_retention(
            core,
            &view,
            &mut self.log,
            self.states.as_mut(),
            &core.render_extras(),
            now,
        );
    }
}

/// Seconds before a failed journal checkpoint is tried again.
const CHECKPOINT_RETRY_SECS: f64 = 60.0;

/// Waits for the checkpoint being written, if any (never resolves without one).
async fn checkpoint_written(c: &mut Option<Checkpoint>) -> Option<CheckpointWritten> {
    match c {
        Some(c) => c.written().await,
        None => std::future::pending().await,
    }
}

async fn run<F>(
    model: Model,
    opts: RunOptions,
    hooks: Option<Hooks>,
    load: F,
) -> Result<RunEnd, EngineError>
where
    F: Fn() -> Result<Model, String> + Send + Sync + 'static,
{
    let load = Arc::new(load);
    // One copy of the configuration, shared by the core, the writers and the loop.
    let mut model = Arc::new(model);
    let _lock = match &model.main.lock_file {
        Some(p) => Some(crate::lock::take(p)?),
        None => None,
    };
    let mut log = LogFile::open(&model.main.log_file)
        .map_err(|e| EngineError::Io(format!("log file {}", model.main.log_file.display()), e))?;
    log.echo = opts.echo;
    let journal_path = opts
        .journal
        .clone()
        .unwrap_or_else(|| journal::default_path(&model.main));
    let journal = Journal::open(&journal_path, journal::DEFAULT_MAX_BYTES)
        .map_err(|e| EngineError::Io(format!("handler journal {}", journal_path.display()), e))?;
    let notify_path = opts
        .notification_journal
        .clone()
        .unwrap_or_else(|| crate::notify_journal::default_path(&model.main));
    let notifications = crate::notify_journal::NotifyJournal::open(
        &notify_path,
        crate::notify_journal::DEFAULT_MAX_BYTES,
    )
    .map_err(|e| EngineError::Io(format!("notification journal {}", notify_path.display()), e))?;
    // Before anything is logged: the log may lack the lines of the last journalled
    // batch (killed between the journal write and the log write).
    let mut view = Arc::new(vigil_retention::ConfigView::from_model(&model));
    let recovery = statelog::recover(&model, view.clone(), &mut log);
    let mut initial = Some((recovery.retention, recovery.notes));
    let mut states = recovery.journal;
    if let (Some(s), Some(bytes)) = (states.as_mut(), opts.checkpoint_bytes) {
        s.set_checkpoint_bytes(bytes);
    }
    let (observer, mut web_rx) = match hooks {
        Some(h) => (Some(h.observer), Some(h.commands)),
        None => (None, None),
    };
    let mut out = Outputs {
        log,
        log_opts: log_options(&model),
        journal,
        notifications,
        states,
        view: view.clone(),
        echo: opts.echo,
        unsaved: false,
        checkpoint: None,
        saves: 0,
        checkpoint_not_before: 0.0,
        observer,
        ls: None,
    };

    let pid = std::process::id();
    // Read once: the core is given the zone, it never reads the process's.
    let zone = crate::zone::system_zone();
    let check_slots = crate::lock::raise_fd_limit();
    let sig = |k| signal(k).map_err(|e| EngineError::Io("signals".into(), e));
    let (mut sigterm, mut sigint, mut sighup) = (
        sig(SignalKind::terminate())?,
        sig(SignalKind::interrupt())?,
        sig(SignalKind::hangup())?,
    );

    // Command file reader: lines arrive on a channel, so the loop never blocks on it.
    let (cmd_tx, mut cmd_rx) = mpsc::channel::<String>(4096);
    let command_file = model
        .main
        .command_file
        .clone()
        .filter(|_| model.main.check_external_commands);
    if let Some(path) = &command_file {
        crate::fifo::create(path)
            .map_err(|e| EngineError::Io(format!("command file {}", path.display()), e))?;
        let p = path.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::fifo::read_lines(p.clone(), cmd_tx).await {
                eprintln!("vigil: command file {}: {e}", p.display());
            }
        });
    }

    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(JobId, Finished)>();
    let (reload_tx, mut reload_rx) = mpsc::unbounded_channel::<Reloaded>();
    let mut carried: Option<(Core, Core, Result<(), String>)> = None;
    let mut perfdata = crate::perfdata::PerfdataFiles::default();
    loop {
        let now = now_secs();
        let version = env!("CARGO_PKG_VERSION").to_string();
        program_event(
            &mut out.log,
            now as i64,
            ProgramEvent::Starting { version, pid },
        );
        program_event(&mut out.log, now as i64, ProgramEvent::LogVersion);
        out.log_opts = log_options(&model);
        // objects.cache: written by the reload task off the loop, or here at start-up
        // (before the first check, as Nagios does).
        let objcache;
        let mut core = match carried.take() {
            Some((old, mut new, written)) => {
                new.set_default_check_slots(check_slots);
                new.carry_over(old, now);
                objcache = written;
                new
            }
            None => {
                let mut core = Core::new(model.clone(), zone.clone(), now, pid);
                core.set_default_check_slots(check_slots);
                let (ret, notes) = initial.take().unwrap_or_default();
                for n in notes {
                    program_event(&mut out.log, now as i64, n);
                }
                if let Some(r) = ret {
                    core.restore(&r, now);
                    drop(r);
                    // The parsed retention.dat is gone: give its pages back.
                    vigil_exec::release_free_memory();
                }
                objcache = crate::objcache::write(&model, &zone, now as i64);
                core
            }
        };
        // The first checks are spread from the time the schedule is made (as
        // Nagios's init_timing_loop reads the clock), not from before the objects
        // were built and objects.cache written: none is overdue when the loop starts.
        core.start(now_secs());
        if let Err(text) = objcache {
            program_event(
                &mut out.log,
                now as i64,
                ProgramEvent::Problem { error: true, text },
            );
        }
        out.flush(&mut core);
        start_livestatus(&mut out, &core, &zone, &journal_path, now)?;

        // The first status.dat comes one interval after start, not before the first
        // checks: start-up to first check stays short on large configurations.
        let every = |secs: u64| {
            let every = Duration::from_secs(secs.max(1));
            let mut t = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        };
        let mut status_tick = every(model.main.status_update_interval);
        let status_writer = StatusWriter::new(view.clone());
        let mut retention_tick = every(match model.main.retention_update_interval * 60 {
            0 => 86400 * 365,
            n => n,
        });
        let mut next_rotation = match model.main.log_archive_path {
            Some(_) => rotation::next(model.main.log_rotation_method, now as i64),
            None => None,
        };
        let mut gate = RunQueue::new(RunQueue::default_limit(), RunQueue::default_floor());
        let mut reloading = false;
        let mut observer_tick = tokio::time::interval(crate::hooks::TICK);
        observer_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let exit = loop {
            // State changes become durable before their log lines are written and
            // before any check or handler is started, and before Livestatus shows them.
            out.flush(&mut core);
            if let Some(l) = out.ls.as_mut() {
                l.after_pass(&core, now_secs());
            }
            let mut exit = None;
            let mut restart = None;
            while let Some(a) = core.poll_action() {
                match a {
                    Action::Run { id, job } => {
                        if let Purpose::PerfdataProcessing(kind) = job.purpose {
                            perfdata.start_processing(kind, id);
                        }
                        let tx = done_tx.clone();
                        // Handlers and notifications get the CPU at once.
                        let urgent =
                            matches!(job.purpose, Purpose::EventHandler | Purpose::Notification);
                        let job = exec_job(job);
                        tokio::spawn(async move {
                            // Handlers get the CPU at once (remediation latency);
                            // checks never make the loop wait.
                            let fin = if urgent {
                                vigil_exec::run_urgent(job).await
                            } else {
                                vigil_exec::run(job).await
                            };
                            let _ = tx.send((id, fin));
                        });
                    }
                    Action::SaveState => out.save(&core),
                    Action::Shutdown => exit = exit.or(Some(Exit::Shutdown("SHUTDOWN_PROGRAM"))),
                    Action::Restart => restart = Some("RESTART_PROGRAM"),
                    Action::PerfdataOpen(spec) => {
                        if let Some(w) = perfdata.open(spec) {
                            write_event(&mut out.log, now_secs() as i64, &Event::Perfdata(w));
                        }
                    }
                    Action::PerfdataWrite { kind, record } => perfdata.write(kind, record),
                }
            }
            if let Some(e) = exit {
                break e;
            }
            if let Some(why) = restart {
                start_reload(
                    why,
                    &mut reloading,
                    &mut out.log,
                    &load,
                    &reload_tx,
                    &zone,
                    pid,
                );
            }
            let sleep = match core.poll_timeout() {
                // Due now but not started: every slot is taken or the machine's run
                // queue is full; look again soon (a finishing job also wakes the loop).
                Some(t) => (t - now_secs()).clamp(RunQueue::REFRESH.as_secs_f64(), 3600.0),
                None => 3600.0,
            };
            let wake_at = now_secs() + sleep;
            let publish_due = out.ls.as_ref().and_then(Livestatus::due);
            tokio::select! {
                biased;
                _ = sigterm.recv() => break Exit::Shutdown("SIGTERM"),
                _ = sigint.recv() => break Exit::Shutdown("SIGINT"),
                _ = sighup.recv() => {
                    start_reload("SIGHUP", &mut reloading, &mut out.log, &load, &reload_tx, &zone, pid);
                }
                Some(reloaded) = reload_rx.recv() => {
                    reloading = false;
                    match reloaded {
                        Ok(ready) => break Exit::Restart(ready),
                        Err(e) => program_event(
                            &mut out.log,
                            now_secs() as i64,
                            ProgramEvent::Problem {
                                error: true,
                                text: format!("configuration reload failed, keeping the running configuration: {e}"),
                            },
                        ),
                    }
                }
                Some((id, fin)) = done_rx.recv() => {
                    let now = now_secs();
                    let mut done = Some((id, fin));
                    // Take every other result that is ready without going round the loop.
                    while let Some((id, fin)) = done.take().or_else(|| done_rx.try_recv().ok()) {
                        // A processing command ended: its perfdata file is reopened
                        // before any result of this pass writes a record.
                        if let Some(w) = perfdata.job_done(id) {
                            write_event(&mut out.log, now as i64, &Event::Perfdata(w));
                        }
                        core.handle_job_done(id, job_result(fin), now);
                    }
                    tick(&mut core, &mut gate);
                }
                Some(line) = cmd_rx.recv() => {
                    let now = now_secs();
                    core.handle_command(&line, now);
                    while let Ok(line) = cmd_rx.try_recv() {
                        core.handle_command(&line, now);
                    }
                }
                Some(req) = next_request(&mut web_rx) => web_command(&mut core, &mut out, req),
                Some(req) = ls_request(&mut out.ls) => {
                    let now = now_secs();
                    if let Some(l) = out.ls.as_mut() {
                        if l.handle(req, &mut core, now) && model.main.log_archive_path.is_some() {
                            out.flush(&mut core);
                            let t = now as i64;
                            rotation::rotate_log(&mut core, &mut out.log, t);
                            if let Some(l) = out.ls.as_mut() {
                                l.log_rotated(t);
                            }
                        }
                    }
                }
                written = checkpoint_written(&mut out.checkpoint), if out.checkpoint.is_some() => {
                    if let Some(c) = out.checkpoint.take() {
                        out.finish_checkpoint(c, written);
                    }
                }
                _ = sleep_until_instant(publish_due), if publish_due.is_some() => {}
                _ = tokio::time::sleep(Duration::from_secs_f64(sleep)) => {
                    if let Some(o) = out.observer.as_mut() {
                        o.loop_lag((now_secs() - wake_at).max(0.0));
                    }
                    tick(&mut core, &mut gate)
                }
                _ = observer_tick.tick(), if out.observer.is_some() => {
                    if let Some(o) = out.observer.as_mut() {
                        o.tick(&core);
                    }
                }
                _ = status_tick.tick() => status_writer.write(core.snapshot(now_secs())),
                _ = sleep_until_epoch(next_rotation), if next_rotation.is_some() => {
                    out.flush(&mut core);
                    let t = next_rotation.unwrap_or_default();
                    rotation::rotate_log(&mut core, &mut out.log, t);
                    if let Some(l) = out.ls.as_mut() {
                        l.log_rotated(t);
                    }
                    next_rotation = rotation::next(model.main.log_rotation_method, now_secs() as i64 + 1);
                }
                _ = retention_tick.tick() => {
                    // Off the loop through the journal when there is one (logged when
                    // done), else here.
                    if !out.auto_save(&core) {
                        out.save(&core);
                        program_event(&mut out.log, now_secs() as i64, ProgramEvent::AutoSaved);
                    }
                }
            }
        };
        if matches!(exit, Exit::Shutdown(_)) {
            // Outcomes still open will not be decided by this process.
            core.stop(now_secs());
        }
        out.flush(&mut core);
        let now = now_secs() as i64;
        match exit {
            Exit::Shutdown(why) => {
                let e = if why.starts_with("SIG") {
                    ProgramEvent::CaughtSignal {
                        signal: why.into(),
                        restart: false,
                    }
                } else {
                    ProgramEvent::CommandedStop { restart: false }
                };
                program_event(&mut out.log, now, e);
                out.save(&core);
                if opts.echo {
                    if let Some(j) = &out.states {
                        print_commit_stats(j);
                    }
                }
                status_writer.wait_idle();
                if let Some(p) = &model.main.status_file {
                    let _ = std::fs::remove_file(p);
                }
                if let Some(p) = &command_file {
                    crate::fifo::remove(p);
                }
                program_event(
                    &mut out.log,
                    now_secs() as i64,
                    ProgramEvent::Stopped { pid },
                );
                return Ok(if out.unsaved {
                    RunEnd::StateNotSaved
                } else {
                    RunEnd::Clean
                });
            }
            Exit::Restart(ready) => {
                let (new_view, new_core, objcache) = *ready;
                model = new_core.model().clone();
                view = new_view;
                // The journal goes on (its records name objects, not indexes); it
                // only needs the new configuration's view.
                out.view = view.clone();
                if let Some(j) = out.states.as_mut() {
                    j.set_view(view.clone());
                }
                carried = Some((core, new_core, objcache));
            }
        }
    }
}

/// Starts reading the configuration again on a blocking thread (SIGHUP,
/// `RESTART_PROGRAM`); the result arrives on `tx` with a core built for it. A reload
/// already in progress absorbs the request.
fn start_reload<F>(
    why: &'static str,
    reloading: &mut bool,
    log: &mut LogFile,
    load: &Arc<F>,
    tx: &mpsc::UnboundedSender<Reloaded>,
    zone: &vigil_config::zone::Zone,
    pid: u32,
) where
    F: Fn() -> Result<Model, String> + Send + Sync + 'static,
{
    let e = if why == "SIGHUP" {
        ProgramEvent::CaughtSignal {
            signal: why.into(),
            restart: true,
        }
    } else {
        ProgramEvent::CommandedStop { restart: true }
    };
    program_event(log, now_secs() as i64, e);
    if std::mem::replace(reloading, true) {
        return;
    }
    let (load, tx, zone) = (load.clone(), tx.clone(), zone.clone());
    tokio::task::spawn_blocking(move || {
        let result = load().map(|m| {
            let view = Arc::new(vigil_retention::ConfigView::from_model(&m));
            let now = now_secs();
            let objcache = crate::objcache::write(&m, &zone, now as i64);
            let core = Core::new(Arc::new(m), zone, now, pid);
            Box::new((view, core, objcache))
        });
        let _ = tx.send(result);
    });
}

/// The next web command, or never when there is no web UI.
async fn next_request(rx: &mut Option<mpsc::Receiver<CommandRequest>>) -> Option<CommandRequest> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Serves Livestatus when the configuration has a `broker_module=` line for it (at
/// the first start; after a reload the running server follows the new line), and
/// reports the other `broker_module=` lines. A Livestatus socket that cannot be
/// opened at start stops `vigil run`, as a module that fails to load stops Nagios.
fn start_livestatus(
    out: &mut Outputs,
    core: &Core,
    zone: &vigil_config::zone::Zone,
    journal_path: &std::path::Path,
    now: f64,
) -> Result<(), EngineError> {
    let (cfg, skipped) = ls::broker_modules(core.model());
    for e in skipped {
        program_event(&mut out.log, now as i64, e);
    }
    let location = cfg.as_ref().map(|(_, l)| l.clone()).unwrap_or_default();
    let cfg = cfg.map(|(c, _)| c);
    match out.ls.as_mut() {
        Some(l) => {
            let stop = cfg.is_none();
            if let Some(problem) = l.reload(cfg, core) {
                program_event(
                    &mut out.log,
                    now as i64,
                    ProgramEvent::Problem {
                        error: true,
                        text: format!("Livestatus: {problem}"),
                    },
                );
            }
            if stop {
                out.ls = None;
            }
        }
        None => {
            let Some(cfg) = cfg else { return Ok(()) };
            let l = Livestatus::start(cfg, core, zone.clone(), journal_path, now).map_err(|e| {
                EngineError::Io(format!("Livestatus ({location})"), std::io::Error::other(e))
            })?;
            program_event(
                &mut out.log,
                now as i64,
                ProgramEvent::LivestatusServing {
                    endpoints: l.endpoints(),
                    location,
                },
            );
            out.ls = Some(l);
        }
    }
    Ok(())
}

/// The next Livestatus request (never, without Livestatus).
async fn ls_request(l: &mut Option<Livestatus>) -> Option<ls::Request> {
    match l {
        Some(l) => l.next().await,
        None => std::future::pending().await,
    }
}

/// Carries out a command from the web UI: the audit line naming the user, the
/// command as if read from the command file, the pass flushed at once, and the
/// command's own events as the answer.
fn web_command(core: &mut Core, out: &mut Outputs, req: CommandRequest) {
    let now = now_secs();
    let command = req
        .line
        .trim_start()
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map_or(req.line.as_str(), |(_, rest)| rest.trim_start())
        .to_string();
    program_event(
        &mut out.log,
        now as i64,
        ProgramEvent::WebCommand {
            user: req.user,
            command,
        },
    );
    core.handle_command(&req.line, now);
    let answer = out
        .flush(core)
        .into_iter()
        .filter_map(|e| match e {
            Event::Command(c) => Some(c),
            _ => None,
        })
        .collect();
    let _ = req.reply.send(answer);
}

/// Sleeps until `t` (forever for `None`).
async fn sleep_until_instant(t: Option<std::time::Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
        None => std::future::pending().await,
    }
}

/// Starts the scheduled checks that are due: up to [`RunQueue::floor`] running checks
/// always, more only as far as the machine's run queue allows, and any check held for
/// [`RunQueue::MAX_HOLD`] whatever the load; and the core's periodic work.
///
/// The run queue is only read when the floor is used up: at ordinary check rates a
/// tick starts one or two checks and `/proc/loadavg` is never read.
fn tick(core: &mut Core, gate: &mut RunQueue) {
    let now = now_secs();
    let hold = RunQueue::MAX_HOLD.as_secs_f64();
    let floor = gate.floor().saturating_sub(core.running_checks());
    let mut started = core.handle_timeout(now, floor, hold);
    if started >= floor {
        let more = gate
            .allowance(std::time::Instant::now())
            .saturating_sub(started);
        started += core.handle_timeout(now, more, hold);
    }
    gate.started(started);
}

fn log_options(model: &Model) -> LogOptions {
    let m = &model.main;
    LogOptions {
        event_handlers: m.log_event_handlers,
        external_commands: m.log_external_commands,
        passive_checks: m.log_passive_checks,
        notifications: m.log_notifications,
    }
}

fn print_commit_stats(j: &StateLog) {
    let st = j.stats();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "state journal: {} commits (write + fdatasync): mean {:.3} ms, p50 < {:.3} ms, p99 < {:.3} ms, max {:.3} ms",
        st.commits,
        ms(st.mean()),
        ms(st.quantile(0.5)),
        ms(st.quantile(0.99)),
        ms(st.max)
    );
}

/// Sleeps until the Unix time `t` (forever for `None`).
async fn sleep_until_epoch(t: Option<i64>) {
    match t {
        Some(t) => {
            let wait = (t as f64 - now_secs()).max(0.0);
            tokio::time::sleep(Duration::from_secs_f64(wait)).await
        }
        None => std::future::pending().await,
    }
}

/// Applies retention.dat and its state journal for tools (`vigil fire`) that want
/// the current states; changes no file.
pub fn restore_for_tools(core: &mut Core, now: f64) {
    if let Some(ret) = statelog::read_for_tools(core.model()) {
        core.restore(&ret, now);
    }
}
