//! The async runner: owns the processes, the clock, signals, the command file, and
//! the files (log, status.dat, retention.dat, journal, lock). It feeds events into
//! [`Core`] and performs the actions it returns.

use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use vigil_config::Model;
use vigil_exec::{Finished, Outcome};

use crate::core::{now_secs, Action, Core, HandlerKind, JobKind};
use crate::journal::{self, Journal};
use crate::loadgate::RunQueue;
use crate::logfile::LogFile;
use crate::statelog::{self, StateLog};
use crate::EngineError;

/// How `vigil run` was asked to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Echo log lines and handler outcomes to stderr.
    pub echo: bool,
    /// Journal file; `None` = next to the retention file.
    pub journal: Option<PathBuf>,
}

/// Why the loop ended.
enum Exit {
    Shutdown(&'static str),
    Restart(&'static str),
}

/// Runs the engine until SIGTERM/SIGINT or SHUTDOWN_PROGRAM. `load` re-reads the
/// configuration on RESTART_PROGRAM / SIGHUP.
pub fn run_blocking<F>(model: Model, opts: RunOptions, load: F) -> Result<(), EngineError>
where
    F: Fn() -> Result<Model, String>,
{
    // One runtime thread: the core, the spawns (a check's never waits for its exec; a
    // handler's does, see vigil-exec), the process supervision and the files share it.
    // Measured against two runtime workers on the 10k-service overload: fewer engine
    // CPU seconds per 1,000 checks (no thread switches), and no fewer checks per second.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::Io("tokio runtime".into(), e))?;
    rt.block_on(run(model, opts, load))
}

/// The system's time zone, as the C library finds it: `TZ` (a zone name under
/// /usr/share/zoneinfo, `:name`, an absolute TZif path, or a POSIX rule), else
/// /etc/localtime, else UTC.
pub fn system_zone() -> vigil_config::zone::Zone {
    use vigil_config::zone::Zone;
    let from_file = |name: &str, path: &Path| {
        std::fs::read(path)
            .ok()
            .and_then(|b| Zone::from_tzif(name, &b).ok())
    };
    if let Ok(tz) = std::env::var("TZ") {
        let name = tz.strip_prefix(':').unwrap_or(&tz);
        if name.is_empty() {
            return Zone::utc();
        }
        let path = if name.starts_with('/') {
            PathBuf::from(name)
        } else {
            Path::new("/usr/share/zoneinfo").join(name)
        };
        if let Some(z) = from_file(name, &path) {
            return z;
        }
        if let Ok(z) = Zone::from_posix(name) {
            return z;
        }
    }
    from_file("/etc/localtime", Path::new("/etc/localtime")).unwrap_or_else(Zone::utc)
}

/// Starts the scheduled checks that are due: up to [`RunQueue::floor`] running checks
/// always, more only as far as the machine's run queue allows, and any check held for
/// [`RunQueue::MAX_HOLD`] whatever the load.
fn run_due(core: &mut Core, gate: &mut RunQueue) {
    let floor = gate.floor().saturating_sub(core.running_checks());
    let allowance = gate.allowance(std::time::Instant::now()).max(floor);
    let started = core.run_due_at_most(now_secs(), allowance, RunQueue::MAX_HOLD.as_secs_f64());
    gate.started(started);
}

struct Lock {
    path: PathBuf,
    _file: std::fs::File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Raises the soft open-files limit to the hard one and returns how many checks may
/// run at once with it: each running job holds up to four descriptors (two pipes, a
/// pidfd, one transient during the spawn), and 64 stay for files and sockets.
fn raise_fd_limit() -> usize {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
    }
    let fds = usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
    (fds.saturating_sub(64) / 4).clamp(1, crate::core::DEFAULT_CHECK_SLOTS)
}

fn take_lock(path: &Path) -> Result<Lock, EngineError> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| EngineError::Io(format!("lock file {}", path.display()), e))?;
    // SAFETY: flock on a valid, owned descriptor.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let holder = std::fs::read_to_string(path).unwrap_or_default();
        return Err(EngineError::Locked {
            path: path.to_path_buf(),
            pid: holder.trim().to_string(),
        });
    }
    let _ = file.set_len(0);
    let _ = writeln!(file, "{}", std::process::id());
    Ok(Lock {
        path: path.to_path_buf(),
        _file: file,
    })
}

async fn run<F>(mut model: Model, opts: RunOptions, load: F) -> Result<(), EngineError>
where
    F: Fn() -> Result<Model, String>,
{
    let _lock = match &model.main.lock_file {
        Some(p) => Some(take_lock(p)?),
        None => None,
    };
    let mut log = LogFile::open(&model.main.log_file)
        .map_err(|e| EngineError::Io(format!("log file {}", model.main.log_file.display()), e))?;
    log.echo = opts.echo;
    let journal_path = opts
        .journal
        .clone()
        .unwrap_or_else(|| journal::default_path(&model.main));
    let mut journal = Journal::open(&journal_path, journal::DEFAULT_MAX_BYTES)
        .map_err(|e| EngineError::Io(format!("handler journal {}", journal_path.display()), e))?;
    // Before anything is logged: the log may lack the lines of the last journalled
    // batch (killed between the journal write and the log write).
    let recovery = statelog::recover(&model, &mut log);
    let mut states = recovery.journal;
    let mut initial = Some((recovery.retention, recovery.notes));
    let mut extras = vigil_retention::RenderExtras::default();

    let pid = std::process::id();
    let check_slots = raise_fd_limit();
    let mut sigterm =
        signal(SignalKind::terminate()).map_err(|e| EngineError::Io("signals".into(), e))?;
    let mut sigint =
        signal(SignalKind::interrupt()).map_err(|e| EngineError::Io("signals".into(), e))?;
    let mut sighup =
        signal(SignalKind::hangup()).map_err(|e| EngineError::Io("signals".into(), e))?;

    // Command file reader: lines arrive on a channel, so the scheduler never blocks on it.
    let (cmd_tx, mut cmd_rx) = mpsc::channel::<String>(4096);
    let command_file = model
        .main
        .command_file
        .clone()
        .filter(|_| model.main.check_external_commands);
    if let Some(path) = &command_file {
        vigil_commands::fifo::create(path)
            .map_err(|e| EngineError::Io(format!("command file {}", path.display()), e))?;
        let p = path.clone();
        tokio::spawn(async move {
            if let Err(e) = vigil_commands::fifo::read_lines(p.clone(), cmd_tx).await {
                eprintln!("vigil: command file {}: {e}", p.display());
            }
        });
    }

    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(JobKind, Finished)>();
    let mut carried: Option<Core> = None;
    loop {
        let now = now_secs();
        log.write(
            now as i64,
            &format!(
                "Vigil {} starting... (PID={pid})",
                env!("CARGO_PKG_VERSION")
            ),
        );
        log.write(now as i64, "LOG VERSION: 2.0");
        let model_arc = Arc::new(model.clone());
        let mut core = Core::new(model_arc.clone(), now, pid);
        core.set_zone(system_zone());
        core.set_default_check_slots(check_slots);
        match carried.take() {
            Some(old) => carry_over(&old, &mut core),
            None => {
                let (ret, notes) = initial.take().unwrap_or_default();
                for n in notes {
                    log.write(now as i64, &n);
                }
                restore(&mut core, &mut log, ret.as_ref(), now);
                // Comments and downtimes vigil does not manage yet are written back as
                // they were read, so switching back to Nagios keeps them.
                if let Some(r) = &ret {
                    extras = vigil_retention::RenderExtras::from_retention(r);
                }
            }
        }
        core.log_initial_states();
        core.schedule_initial(now, model.main.use_retained_scheduling_info);
        flush(&mut core, &mut log);

        // The first status.dat comes one interval after start, not before the first
        // checks: start-up to first check stays short on large configurations.
        let status_every = Duration::from_secs(model.main.status_update_interval.max(1));
        let mut status_tick =
            tokio::time::interval_at(tokio::time::Instant::now() + status_every, status_every);
        status_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Freshness checks, first one interval after start (as Nagios schedules them).
        let fresh_tick = |secs: u64| {
            let every = Duration::from_secs(secs.max(1));
            let mut t = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        };
        let mut svc_fresh_tick = fresh_tick(model.main.service_freshness_check_interval);
        let mut host_fresh_tick = fresh_tick(model.main.host_freshness_check_interval);
        let retention_every = match model.main.retention_update_interval * 60 {
            0 => Duration::from_secs(86400 * 365),
            n => Duration::from_secs(n),
        };
        let mut retention_tick = tokio::time::interval_at(
            tokio::time::Instant::now() + retention_every,
            retention_every,
        );

        let mut next_rotation = match model.main.log_archive_path {
            Some(_) => rotation::next(model.main.log_rotation_method, now as i64),
            None => None,
        };
        let mut echo: Option<Vec<String>> = opts.echo.then(Vec::new);
        let mut gate = RunQueue::new(RunQueue::default_limit(), RunQueue::default_floor());
        let exit = loop {
            // State changes become durable before their log lines are written and
            // before any check or handler is started.
            commit(&mut core, &mut log, &mut states, &extras);
            // Perform what the core asked for.
            let mut exit = None;
            for a in core.take_actions() {
                match a {
                    Action::Spawn { kind, job } => {
                        let tx = done_tx.clone();
                        tokio::spawn(async move {
                            // Handlers get the CPU at once (remediation latency);
                            // checks never make the loop wait.
                            let fin = match kind {
                                JobKind::Handler(_) => vigil_exec::run_urgent(job).await,
                                JobKind::Check { .. } => vigil_exec::run(job).await,
                            };
                            let _ = tx.send((kind, fin));
                        });
                    }
                    Action::SaveState => save_retention(&core, &mut log, states.as_mut(), &extras),
                    Action::Shutdown => exit = exit.or(Some(Exit::Shutdown("SHUTDOWN_PROGRAM"))),
                    Action::Restart => exit = exit.or(Some(Exit::Restart("RESTART_PROGRAM"))),
                }
            }
            flush(&mut core, &mut log);
            // The terminal view: each check's outcome after the log lines it caused.
            if let Some(lines) = echo.as_mut() {
                for l in lines.drain(..) {
                    eprintln!("{l}");
                }
            }
            if let Some(e) = exit {
                break e;
            }
            let sleep = match core.next_due() {
                // Due now but not started: every slot is taken or the machine's run
                // queue is full; look again soon (a finishing job also wakes the loop).
                Some(t) => (t - now_secs()).clamp(RunQueue::REFRESH.as_secs_f64(), 3600.0),
                None => 3600.0,
            };
            tokio::select! {
                biased;
                _ = sigterm.recv() => break Exit::Shutdown("SIGTERM"),
                _ = sigint.recv() => break Exit::Shutdown("SIGINT"),
                _ = sighup.recv() => break Exit::Restart("SIGHUP"),
                Some((kind, fin)) = done_rx.recv() => {
                    let now = now_secs();
                    finished(&mut core, &mut journal, &mut log, echo.as_mut(), kind, fin, now);
                    // Take every other result that is ready without going round the loop.
                    while let Ok((kind, fin)) = done_rx.try_recv() {
                        finished(&mut core, &mut journal, &mut log, echo.as_mut(), kind, fin, now);
                    }
                    run_due(&mut core, &mut gate);
                }
                Some(line) = cmd_rx.recv() => {
                    let now = now_secs();
                    core.external_command(&line, now);
                    while let Ok(line) = cmd_rx.try_recv() {
                        core.external_command(&line, now);
                    }
                }
                _ = tokio::time::sleep(Duration::from_secs_f64(sleep)) => {
                    run_due(&mut core, &mut gate);
                }
                _ = status_tick.tick() => write_status(&core),
                _ = svc_fresh_tick.tick() => core.check_service_freshness(now_secs()),
                _ = host_fresh_tick.tick() => core.check_host_freshness(now_secs()),
                _ = sleep_until_epoch(next_rotation), if next_rotation.is_some() => {
                    rotate_log(&mut core, &mut log, next_rotation.unwrap_or_default());
                    next_rotation = rotation::next(model.main.log_rotation_method, now_secs() as i64 + 1);
                }
                _ = retention_tick.tick() => {
                    save_retention(&core, &mut log, states.as_mut(), &extras);
                    log.write(now_secs() as i64, "Auto-save of retention data completed successfully.");
                }
            }
        };
        match exit {
            Exit::Shutdown(why) => {
                let now = now_secs() as i64;
                if why.starts_with("SIG") {
                    log.write(now, &format!("Caught {why}, shutting down..."));
                } else {
                    log.write(now, "PROGRAM_SHUTDOWN event encountered, shutting down...");
                }
                save_retention(&core, &mut log, states.as_mut(), &extras);
                if opts.echo {
                    if let Some(j) = &states {
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
                }
                if let Some(p) = &model.main.status_file {
                    let _ = std::fs::remove_file(p);
                }
                if let Some(p) = &command_file {
                    vigil_commands::fifo::remove(p);
                }
                log.write(
                    now_secs() as i64,
                    &format!("Successfully shutdown... (PID={pid})"),
                );
                return Ok(());
            }
            Exit::Restart(why) => {
                let now = now_secs() as i64;
                if why == "SIGHUP" {
                    log.write(now, "Caught SIGHUP, restarting...");
                } else {
                    log.write(now, "PROGRAM_RESTART event encountered, restarting...");
                }
                save_retention(&core, &mut log, states.as_mut(), &extras);
                match load() {
                    Ok(m) => model = m,
                    Err(e) => log.write(now, &format!("Error: configuration reload failed, keeping the running configuration: {e}")),
                }
                states = match StateLog::reopen(&model) {
                    Ok(j) => j,
                    Err(e) => {
                        log.write(now, &format!("Error: cannot open the state journal, state changes are not crash-safe: {e}"));
                        None
                    }
                };
                carried = Some(core);
            }
        }
    }
}

/// The group commit of one loop iteration (see [`statelog`]); without a journal the
/// change marks are dropped.
fn commit(
    core: &mut Core,
    log: &mut LogFile,
    states: &mut Option<StateLog>,
    extras: &vigil_retention::RenderExtras,
) {
    match states {
        Some(j) => {
            j.commit(core, log, now_secs() as i64);
            if j.checkpoint_due() {
                save_retention(core, log, Some(j), extras);
            }
        }
        None => {
            core.take_dirty();
            core.take_program_dirty();
        }
    }
}

fn flush(core: &mut Core, log: &mut LogFile) {
    let lines = core.take_log();
    if lines.is_empty() {
        return;
    }
    let now = now_secs() as i64;
    for l in lines {
        log.write(now, &l);
    }
}

fn finished(
    core: &mut Core,
    journal: &mut Journal,
    log: &mut LogFile,
    echo: Option<&mut Vec<String>>,
    kind: JobKind,
    fin: Finished,
    now: f64,
) {
    if let JobKind::Handler(run) = &kind {
        let entry = journal_entry(run, &fin, false);
        if echo.is_some() {
            eprintln!("{}", describe_run(&entry));
        }
        if let Err(e) = journal.record(&entry) {
            log.write(
                now as i64,
                &format!("Warning: could not write the handler journal: {e}"),
            );
        }
    }
    let checked = match &kind {
        JobKind::Check { obj, epoch, .. } if echo.is_some() && *epoch == core.epoch => Some(*obj),
        _ => None,
    };
    core.job_done(kind, fin, now);
    if let (Some(obj), Some(lines)) = (checked, echo) {
        lines.push(describe_check(core, obj));
    }
}

/// A one-line human summary of an object's state after a check (`--verbose`).
fn describe_check(core: &Core, obj: crate::ObjRef) -> String {
    let (who, st, state) = match obj {
        crate::ObjRef::Host(h) => {
            let st = &core.hosts[h.idx()];
            (
                core.model.host(h).name.clone(),
                st,
                vigil_state::host_state_name(st.current_state),
            )
        }
        crate::ObjRef::Service(s) => {
            let svc = core.model.service(s);
            let st = &core.services[s.idx()];
            (
                format!("{};{}", core.model.host(svc.host).name, svc.description),
                st,
                vigil_state::service_state_name(st.current_state),
            )
        }
    };
    format!(
        "check {who}: {state} {} {} - {}",
        st.state_type.name(),
        st.current_attempt,
        st.output.short.as_deref().unwrap_or("")
    )
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

/// Log rotation per `log_rotation_method`: the log is renamed into
/// `log_archive_path/nagios-MM-DD-YYYY-HH.log` (named after the rotation time; skipped
/// if that file exists) and a new one starts with `LOG ROTATION`, `LOG VERSION` and,
/// with `log_current_states`, the CURRENT HOST/SERVICE STATE of every object.
fn rotate_log(core: &mut Core, log: &mut LogFile, at: i64) {
    let model = core.model.clone();
    let main = &model.main;
    let Some(dir) = main.log_archive_path.clone() else {
        return;
    };
    let method = main.log_rotation_method;
    let current = main.log_current_states;
    let archive = dir.join(rotation::archive_name(at));
    if archive.exists() {
        return;
    }
    flush(core, log);
    if let Err(e) = std::fs::rename(&main.log_file, &archive) {
        log.write(
            now_secs() as i64,
            &format!(
                "Error: Unable to archive log file '{}': {e}",
                archive.display()
            ),
        );
        return;
    }
    let echo = log.echo;
    match LogFile::open(&main.log_file) {
        Ok(l) => *log = l,
        Err(e) => eprintln!("vigil: cannot reopen {}: {e}", main.log_file.display()),
    }
    log.echo = echo;
    log.write(
        at,
        &format!("LOG ROTATION: {}", rotation::method_name(method)),
    );
    log.write(at, "LOG VERSION: 2.0");
    if current {
        core.log_states("CURRENT");
        for l in core.take_log() {
            log.write(at, &l);
        }
    }
}

/// A one-line human summary of a handler run.
pub fn describe_run(e: &journal::Entry) -> String {
    let who = match &e.service {
        Some(s) => format!("{};{}", e.host, s),
        None => e.host.clone(),
    };
    let outcome = if e.timed_out {
        "timed out".to_string()
    } else if let Some(c) = e.exit_code {
        format!("exit {c}")
    } else if let Some(s) = e.signal {
        format!("killed by signal {s}")
    } else {
        format!("not run: {}", e.error.as_deref().unwrap_or("?"))
    };
    format!(
        "handler {} ({}) for {who} on {};{};{}: {outcome} after {:.0} ms",
        e.directive,
        e.handler,
        e.state,
        e.state_type,
        e.attempt,
        e.duration * 1000.0
    )
}

/// Builds the journal entry of a finished handler.
pub fn journal_entry(
    run: &crate::core::HandlerRun,
    fin: &Finished,
    dry_run: bool,
) -> journal::Entry {
    let mut output = String::from_utf8_lossy(&fin.stdout).into_owned();
    if !fin.stderr.is_empty() {
        output.push_str(&String::from_utf8_lossy(&fin.stderr));
    }
    if output.len() > crate::core::MAX_HANDLER_OUTPUT {
        let mut cut = crate::core::MAX_HANDLER_OUTPUT;
        while !output.is_char_boundary(cut) {
            cut -= 1;
        }
        output.truncate(cut);
    }
    let start = fin
        .start
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    journal::Entry {
        host: run.host.clone(),
        service: run.service.clone(),
        handler: match run.kind {
            HandlerKind::Global => "global".into(),
            HandlerKind::Object => "object".into(),
        },
        directive: run.raw.clone(),
        state: run.state.clone(),
        state_type: run.state_type.clone(),
        attempt: run.attempt,
        command: run.command.clone(),
        start,
        duration: fin.duration.as_secs_f64(),
        exit_code: match fin.outcome {
            Outcome::Exited(c) => Some(c),
            _ => None,
        },
        signal: match fin.outcome {
            Outcome::Signaled(s) => Some(s),
            _ => None,
        },
        timed_out: matches!(fin.outcome, Outcome::TimedOut),
        error: match &fin.outcome {
            Outcome::DidNotRun(e) => Some(e.clone()),
            _ => None,
        },
        output,
        dry_run,
    }
}

/// Applies retention.dat (with its state journal applied, see [`statelog::recover`])
/// at start-up.
fn restore(core: &mut Core, log: &mut LogFile, ret: Option<&vigil_retention::Retention>, now: f64) {
    let Some(ret) = ret else {
        return;
    };
    let use_program = core.model.main.use_retained_program_state;
    let model = core.model.clone();
    let notes = vigil_retention::apply(
        ret,
        &model,
        &mut core.program,
        &mut core.hosts,
        &mut core.services,
        use_program,
    );
    for n in notes {
        log.write(now as i64, &format!("Warning: {n}"));
    }
}

/// Applies retention and its state journal for tools (`vigil fire`) that want the
/// current states; changes no file.
pub fn restore_for_tools(core: &mut Core, now: f64) {
    let mut log = LogFile::none();
    let ret = statelog::read_for_tools(&core.model);
    restore(core, &mut log, ret.as_ref(), now);
}

/// After a restart: keep the statuses of objects that still exist.
fn carry_over(old: &Core, new: &mut Core) {
    for (i, h) in new.model.hosts.iter().enumerate() {
        if let Some(oid) = old.model.find_host(&h.name) {
            new.hosts[i] = old.hosts[oid.idx()].clone();
        }
    }
    let model = new.model.clone();
    for (i, s) in model.services.iter().enumerate() {
        if let Some(oid) = old
            .model
            .find_service(&model.host(s.host).name, &s.description)
        {
            new.services[i] = old.services[oid.idx()].clone();
        }
    }
    let start = new.program.program_start;
    new.program = old.program.clone();
    new.program.program_start = start;
    // The old generation stopped just now (Nagios's last_program_stop on a restart).
    new.last_program_stop = now_secs();
    new.adopt_running(old);
}

fn save_retention(
    core: &Core,
    log: &mut LogFile,
    states: Option<&mut StateLog>,
    extras: &vigil_retention::RenderExtras,
) {
    let main = &core.model.main;
    if !main.retain_state_information {
        return;
    }
    let Some(path) = &main.state_retention_file else {
        return;
    };
    let text = vigil_retention::render_view(
        &vigil_retention::ConfigView::from_model(&core.model),
        &core.program,
        &core.hosts,
        &core.services,
        extras,
        now_secs() as i64,
    );
    match vigil_retention::write_atomic(path, &text) {
        Ok(()) => {
            if let Some(j) = states {
                j.saved(&text, log, now_secs() as i64);
            }
        }
        Err(e) => log.write(
            now_secs() as i64,
            &format!(
                "Error: Unable to save retention information to '{}': {e}",
                path.display()
            ),
        ),
    }
}

fn write_status(core: &Core) {
    let Some(path) = &core.model.main.status_file else {
        return;
    };
    let text = vigil_retention::render_status(
        &core.model,
        &core.program,
        &core.hosts,
        &core.services,
        now_secs() as i64,
    );
    if let Err(e) = vigil_retention::write_atomic(path, &text) {
        eprintln!("vigil: cannot write status file {}: {e}", path.display());
    }
}

/// When logs rotate (`log_rotation_method` h/d/w/m, local time) and what archives are
/// called. Pure functions of the time.
pub mod rotation {
    use chrono::{Datelike, Duration, Local, NaiveDate, NaiveDateTime, TimeZone, Timelike};

    /// The first rotation time after `now`, or `None` for `n` (no rotation).
    pub fn next(method: char, now: i64) -> Option<i64> {
        let local = Local.timestamp_opt(now, 0).single()?.naive_local();
        next_wall(method, local).and_then(|w| {
            Local
                .from_local_datetime(&w)
                .earliest()
                .map(|t| t.timestamp())
        })
    }

    /// [`next`] on local wall-clock time.
    pub fn next_wall(method: char, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0);
        match method {
            'h' => now
                .date()
                .and_hms_opt(now.hour(), 0, 0)
                .map(|t| t + Duration::hours(1)),
            'd' => midnight(now.date().succ_opt()?),
            'w' => {
                let days = 7 - now.weekday().num_days_from_sunday() as i64;
                midnight(now.date() + Duration::days(days))
            }
            'm' => {
                let (y, m) = if now.month() == 12 {
                    (now.year() + 1, 1)
                } else {
                    (now.year(), now.month() + 1)
                };
                midnight(NaiveDate::from_ymd_opt(y, m, 1)?)
            }
            _ => None,
        }
    }

    /// `LOG ROTATION:` word of a method.
    pub fn method_name(method: char) -> &'static str {
        match method {
            'h' => "HOURLY",
            'd' => "DAILY",
            'w' => "WEEKLY",
            'm' => "MONTHLY",
            _ => "NONE",
        }
    }

    /// `nagios-MM-DD-YYYY-HH.log` for the rotation time `at` (local time).
    pub fn archive_name(at: i64) -> String {
        let t = Local
            .timestamp_opt(at, 0)
            .single()
            .map(|t| t.naive_local())
            .unwrap_or_default();
        format!(
            "nagios-{:02}-{:02}-{:04}-{:02}.log",
            t.month(),
            t.day(),
            t.year(),
            t.hour()
        )
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
            NaiveDate::from_ymd_opt(y, mo, d)
                .unwrap()
                .and_hms_opt(h, mi, 0)
                .unwrap()
        }

        #[test]
        fn rotation_boundaries() {
            // 2026-11-25 is a Wednesday.
            let now = at(2026, 11, 25, 13, 37);
            assert_eq!(next_wall('h', now), Some(at(2026, 11, 25, 14, 0)));
            assert_eq!(next_wall('d', now), Some(at(2026, 11, 26, 0, 0)));
            assert_eq!(next_wall('w', now), Some(at(2026, 11, 29, 0, 0)));
            assert_eq!(next_wall('m', now), Some(at(2026, 12, 1, 0, 0)));
            assert_eq!(
                next_wall('m', at(2026, 12, 31, 23, 0)),
                Some(at(2027, 1, 1, 0, 0))
            );
            // A Sunday rotates on the next Sunday, not at once.
            assert_eq!(
                next_wall('w', at(2026, 11, 29, 0, 0)),
                Some(at(2026, 12, 6, 0, 0))
            );
            assert_eq!(next_wall('n', now), None);
        }

        #[test]
        fn names() {
            assert_eq!(method_name('d'), "DAILY");
            let t = Local
                .from_local_datetime(&at(2026, 11, 26, 0, 0))
                .earliest()
                .unwrap()
                .timestamp();
            assert_eq!(archive_name(t), "nagios-11-26-2026-00.log");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_archives_the_log_and_starts_the_new_one_like_nagios() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("archives")).unwrap();
        std::fs::write(
            d.join("objects.cfg"),
            "define command {\n command_name c\n command_line /bin/true\n}\n\
             define host {\n host_name h\n check_command c\n max_check_attempts 1\n}\n\
             define service {\n host_name h\n service_description s\n check_command c\n max_check_attempts 1\n}\n",
        )
        .unwrap();
        std::fs::write(
            d.join("nagios.cfg"),
            format!(
                "log_file={0}/nagios.log\nlog_archive_path={0}/archives\nlog_rotation_method=h\ncfg_file={0}/objects.cfg\n",
                d.display()
            ),
        )
        .unwrap();
        let (model, _) = vigil_config::load(&d.join("nagios.cfg")).unwrap();
        let mut core = Core::new(Arc::new(model.clone()), 1000.0, 1);
        let mut log = LogFile::open(&model.main.log_file).unwrap();
        log.write(1000, "before the rotation");

        let at = rotation::next('h', 1000).unwrap();
        rotate_log(&mut core, &mut log, at);
        let archive = d.join("archives").join(rotation::archive_name(at));
        let old = std::fs::read_to_string(&archive).unwrap();
        assert_eq!(old, "[1000] before the rotation\n");
        let new = std::fs::read_to_string(&model.main.log_file).unwrap();
        let lines: Vec<&str> = new.lines().collect();
        assert_eq!(lines[0], format!("[{at}] LOG ROTATION: HOURLY"));
        assert_eq!(lines[1], format!("[{at}] LOG VERSION: 2.0"));
        assert!(
            lines[2].starts_with(&format!("[{at}] CURRENT HOST STATE: h;")),
            "{new}"
        );
        assert!(
            lines[3].starts_with(&format!("[{at}] CURRENT SERVICE STATE: h;s;")),
            "{new}"
        );

        // The same boundary again (a second timer firing) does not overwrite the archive.
        log.write(at + 1, "after");
        rotate_log(&mut core, &mut log, at);
        assert_eq!(std::fs::read_to_string(&archive).unwrap(), old);
        assert!(std::fs::read_to_string(&model.main.log_file)
            .unwrap()
            .ends_with("after\n"));
    }
}
