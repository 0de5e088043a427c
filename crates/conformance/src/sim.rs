//! The simulation of one scenario run: a discrete-event loop over simulated time that
//! plays the harness (`runner.py`: actions, restarts, snapshots, run end), the
//! processes (the helpers of [`crate::procs`], and the few real ones), the command file
//! and the log file, around one [`SimEngine`].
//!
//! Every event happens at an exact instant. The fixed latencies below stand for what
//! takes time in a real run; they are small and the same for every process:
//!
//! * the engine starts [`START_LATENCY`] after the harness launched it;
//! * a helper's code runs [`HELPER_START`] after its spawn (a `seqcheck` claims its
//!   step at the spawn, checks its `wait` then, and marks the step consumed then or
//!   after the wait's `delay`); it answers [`HELPER_EXIT`] after its `sleep` /
//!   `runtime`;
//! * a real process (not a harness helper) is run for real at its spawn and answers
//!   [`REAL_RUN`] later (or at its timeout).
//!
//! A job that exceeds its timeout is killed at `spawn + timeout`: whatever the helper
//! had not done by then never happens.
//!
//! At one instant, queued events (process steps, actions) go before the engine's own
//! wake-ups, in the order they were scheduled.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::engine::{JobId, JobResult, Outcome, Plan, SimEngine, SimJob};
use crate::procs::{self, CheckArgs, Knob, PerfdataKnob};
use crate::scenario::{Action, HelperInfo, Prepared, Step};

/// Simulated epoch of the first engine start (a fixed instant: runs are deterministic).
pub const EPOCH: f64 = 1_800_000_000.25;
/// From the harness launching the engine to the engine's start.
pub const START_LATENCY: f64 = 0.1;
/// From a helper's spawn to its own code running.
pub const HELPER_START: f64 = 0.03;
/// From a helper's answer to its exit.
pub const HELPER_EXIT: f64 = 0.02;
/// Simulated run time of a real (non-helper) process that did not time out.
pub const REAL_RUN: f64 = 0.05;
/// Events after which a run is given up as runaway.
const MAX_EVENTS: u64 = 5_000_000;
/// Output kept per stream of a real process (as the Core keeps for plugins).
const MAX_OUTPUT: usize = 64 * 1024;
/// Bounds of the real timeout of a real process started by the simulation.
const REAL_TIMEOUT_CAP: f64 = 60.0;

/// What the harness knows at the end of a run besides the files: what its
/// `runner.Run` holds for `trace.build_trace`.
#[derive(Debug, Clone, Default)]
pub struct RunRecord {
    /// Engine restarts: (time, log size after the stop).
    pub restarts: Vec<(f64, u64)>,
    /// Harness warnings.
    pub warnings: Vec<String>,
    /// False when the run timed out or failed.
    pub complete: bool,
    /// Command lines as written and as in the scenario, where placeholders changed them.
    pub sent: Vec<(String, String)>,
    /// Snapshots: (label, action time, status file text).
    pub snapshots: Vec<(String, f64, Option<String>)>,
    /// Simulated seconds from the first start to the stop.
    pub simulated: f64,
    /// Processes the simulation stood in for (harness helpers).
    pub simulated_procs: u32,
    /// Command lines the engine ran through `/bin/sh`, run for real with the helpers
    /// replaced by argv dumpers.
    pub shell_runs: u32,
    /// Processes run for real (not harness helpers).
    pub real_runs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    GateCheck,
    GateTimeout,
    Consume,
    Record,
    Finish,
    Kill,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ev {
    Proc(u64, Phase),
    ActionCheck,
    ActionFire(usize),
    DowntimeRetry(usize),
    RestartLaunch,
    EngineBoot,
    StatusWrite(u32),
    Snapshot(usize),
    EndCheck,
    Deadline,
    Stop,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    t: f64,
    seq: u64,
    ev: Ev,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    /// Reversed: the earliest (then first scheduled) entry is the heap's maximum.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

struct Gate {
    key: String,
    need: u32,
    delay: f64,
    active: bool,
    opened: bool,
}

enum Body {
    Check {
        key: String,
        index: u32,
        step: Step,
        record: Value,
        gate: Option<Gate>,
    },
    Record {
        file: &'static str,
        record: Value,
        sleep: f64,
        exit: i32,
    },
    Perfdata {
        script: String,
        knob: PerfdataKnob,
        args: Vec<String>,
        env: Vec<(String, String)>,
    },
    Ready(JobResult),
}

struct Proc {
    job: Option<JobId>,
    generation: u32,
    start: f64,
    timeout: f64,
    pid: u32,
    done: bool,
    body: Body,
}

struct Sim<'a, E: SimEngine> {
    p: &'a Prepared,
    run_dir: PathBuf,
    now: f64,
    first: f64,
    engine: Option<E>,
    /// Engine process generation (one per start); results of older ones are dropped.
    generation: u32,
    booted_at: f64,
    queue: BinaryHeap<Entry>,
    seq: u64,
    procs: BTreeMap<u64, Proc>,
    next_proc: u64,
    next_pid: u32,
    started: HashMap<String, u32>,
    consumed: HashMap<String, u32>,
    seqs: HashMap<String, Option<Vec<Step>>>,
    helpers: Vec<(PathBuf, HelperInfo)>,
    handler_knobs: BTreeMap<String, Knob>,
    perfdata_knobs: BTreeMap<String, PerfdataKnob>,
    log: Option<std::fs::File>,
    log_size: u64,
    status_interval: f64,
    status_needed: bool,
    status_text: Option<String>,
    pending_commands: Vec<String>,
    // actions
    ai: usize,
    cond_since: Option<f64>,
    at_pending: bool,
    blocked: bool,
    downtime_deadline: Option<f64>,
    snapshot_asked: f64,
    ending: bool,
    end_check_pending: bool,
    stopped: bool,
    last_advance: f64,
    capture_n: u64,
    rt: Option<tokio::runtime::Runtime>,
    rec: RunRecord,
}

/// Simulates the prepared scenario in `run_dir` with engine `E` and returns what the
/// harness needs to build the trace from the files the simulation wrote.
pub fn simulate<E: SimEngine>(p: &Prepared, run_dir: &Path) -> RunRecord {
    let helpers = p
        .helpers
        .iter()
        .map(|(path, h)| (canonical(path), h.clone()))
        .collect();
    let state = run_dir.join("state");
    let mut sim: Sim<'_, E> = Sim {
        p,
        run_dir: run_dir.to_path_buf(),
        now: EPOCH,
        first: EPOCH,
        engine: None,
        generation: 0,
        booted_at: EPOCH,
        queue: BinaryHeap::new(),
        seq: 0,
        procs: BTreeMap::new(),
        next_proc: 1,
        next_pid: 200_000,
        started: HashMap::new(),
        consumed: HashMap::new(),
        seqs: HashMap::new(),
        helpers,
        handler_knobs: procs::read_knobs(&state.join("handlers.json")),
        perfdata_knobs: procs::read_knobs(&state.join("perfdata.json")),
        log: None,
        log_size: 0,
        status_interval: status_update_interval(&p.main_cfg),
        status_needed: p.actions.iter().any(|a| {
            a.snapshot.is_some()
                || a.command
                    .as_deref()
                    .is_some_and(|c| c.contains("{downtime_id:"))
        }),
        status_text: None,
        pending_commands: Vec::new(),
        ai: 0,
        cond_since: None,
        at_pending: false,
        blocked: false,
        downtime_deadline: None,
        snapshot_asked: EPOCH,
        ending: false,
        end_check_pending: false,
        stopped: false,
        last_advance: f64::NEG_INFINITY,
        capture_n: 0,
        rt: None,
        rec: RunRecord {
            complete: true,
            ..RunRecord::default()
        },
    };
    sim.run();
    sim.rec.simulated = sim.now - sim.first;
    sim.rec
}

/// `status_update_interval` of the generated main configuration (Nagios default 60).
fn status_update_interval(main_cfg: &Path) -> f64 {
    let text = std::fs::read_to_string(main_cfg).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("status_update_interval="))
        .filter_map(|v| v.trim().parse::<f64>().ok())
        .next_back()
        .unwrap_or(60.0)
        .max(1.0)
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Python's `str()` of a float, as the harness formats its warnings.
fn py_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

impl<E: SimEngine> Sim<'_, E> {
    fn push(&mut self, t: f64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Entry {
            t: t.max(self.now),
            seq: self.seq,
            ev,
        });
    }

    fn warn(&mut self, w: String) {
        self.rec.warnings.push(w);
    }

    // ----- the loop --------------------------------------------------------

    fn run(&mut self) {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.p.log_file)
        {
            Ok(f) => {
                self.log_size = f.metadata().map(|m| m.len()).unwrap_or(0);
                self.log = Some(f);
            }
            Err(e) => self.warn(format!(
                "harness error: cannot open the log file {}: {e}",
                self.p.log_file.display()
            )),
        }
        self.push(self.first + START_LATENCY, Ev::EngineBoot);
        self.push(self.first + self.p.timeout, Ev::Deadline);
        self.actions_step();
        let mut events = 0u64;
        while !self.stopped {
            events += 1;
            if events > MAX_EVENTS {
                self.rec.complete = false;
                self.warn(format!(
                    "harness error: simulation gave up after {MAX_EVENTS} events"
                ));
                self.stop();
                break;
            }
            let tq = self.queue.peek().map(|e| e.t);
            let te = self.engine.as_mut().and_then(|e| e.next_wakeup()).map(|t| {
                // Due but not started at the last wake-up (no free slot): look again
                // a millisecond later, as the runner does.
                if t <= self.last_advance {
                    self.last_advance + 0.001
                } else {
                    t.max(self.now)
                }
            });
            match (tq, te) {
                (Some(q), Some(e)) if e < q => self.wake_engine(e),
                (None, Some(e)) => self.wake_engine(e),
                (Some(_), _) => {
                    if let Some(entry) = self.queue.pop() {
                        self.now = self.now.max(entry.t);
                        self.handle(entry.ev);
                    }
                }
                (None, None) => {
                    self.warn("harness error: nothing left to simulate".to_string());
                    self.rec.complete = false;
                    self.stop();
                }
            }
            self.check_end();
        }
    }

    fn wake_engine(&mut self, t: f64) {
        self.now = self.now.max(t);
        self.last_advance = self.now;
        let now = self.now;
        if let Some(e) = self.engine.as_mut() {
            e.advance(now);
        }
        self.drain();
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Proc(id, phase) => self.proc_phase(id, phase),
            Ev::ActionCheck => {
                self.at_pending = false;
                self.actions_step();
            }
            Ev::ActionFire(i) => {
                if i == self.ai && !self.blocked && !self.ending {
                    self.fire(i);
                }
            }
            Ev::DowntimeRetry(i) => {
                if i == self.ai && !self.ending {
                    self.blocked = false;
                    self.fire(i);
                }
            }
            Ev::RestartLaunch => {
                self.push(self.now + START_LATENCY, Ev::EngineBoot);
                self.blocked = false;
                self.advance_action();
            }
            Ev::EngineBoot => self.boot(),
            Ev::StatusWrite(g) => {
                if g == self.generation && self.engine.is_some() {
                    let now = self.now;
                    self.status_text = self.engine.as_mut().and_then(|e| e.status_dat(now));
                    self.push(now + self.status_interval, Ev::StatusWrite(g));
                }
            }
            Ev::Snapshot(i) => self.take_snapshot(i),
            Ev::EndCheck => {
                self.end_check_pending = false;
            }
            Ev::Deadline => {
                if !self.ending {
                    self.rec.complete = false;
                    let w = format!("scenario timed out after {}s", py_float(self.p.timeout));
                    self.warn(w);
                    self.ending = true;
                    self.push(self.now + self.p.grace, Ev::Stop);
                }
            }
            Ev::Stop => self.stop(),
        }
    }

    fn boot(&mut self) {
        self.generation += 1;
        let now = self.now;
        match E::start(&self.p.main_cfg, now) {
            Ok(e) => {
                self.engine = Some(e);
                self.booted_at = now;
                if self.status_needed {
                    self.push(now + self.status_interval, Ev::StatusWrite(self.generation));
                }
                self.drain();
                for line in std::mem::take(&mut self.pending_commands) {
                    if let Some(e) = self.engine.as_mut() {
                        e.command(&line, now);
                    }
                    self.drain();
                }
            }
            Err(why) => self.fail(format!(
                "engine exited unexpectedly with status 1 (see engine.out): {why}"
            )),
        }
    }

    /// A harness error: the run is incomplete and ends now (no grace).
    fn fail(&mut self, why: String) {
        self.rec.complete = false;
        self.warn(format!("harness error: {why}"));
        self.ending = true;
        self.push(self.now, Ev::Stop);
    }

    fn stop(&mut self) {
        let now = self.now;
        if let Some(e) = self.engine.take() {
            let lines = e.stop(now);
            self.write_log(lines);
        }
        self.stopped = true;
    }

    fn write_log(&mut self, lines: Vec<(i64, String)>) {
        if lines.is_empty() {
            return;
        }
        let mut buf = String::new();
        for (t, l) in lines {
            buf.push_str(&format!("[{t}] {l}\n"));
        }
        if let Some(f) = self.log.as_mut() {
            if f.write_all(buf.as_bytes()).is_ok() {
                self.log_size += buf.len() as u64;
            }
        }
    }

    /// Starts what the engine asked for, writes its log lines.
    fn drain(&mut self) {
        loop {
            let Some(e) = self.engine.as_mut() else {
                return;
            };
            let jobs = e.take_jobs();
            let lines = e.take_log_lines();
            let exit = e.exit_requested();
            self.write_log(lines);
            if let Some(why) = exit {
                let now = self.now;
                if let Some(e) = self.engine.take() {
                    let lines = e.stop(now);
                    self.write_log(lines);
                }
                self.fail(format!("engine exited unexpectedly: {why}"));
                return;
            }
            if jobs.is_empty() {
                return;
            }
            for job in jobs {
                self.spawn(job);
            }
        }
    }

    // ----- processes ---------------------------------------------------------

    fn helper_at(&self, program: &str) -> Option<HelperInfo> {
        let p = Path::new(program);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.run_dir.join(p)
        };
        let abs = canonical(&abs);
        self.helpers
            .iter()
            .find(|(path, _)| *path == abs)
            .map(|(_, h)| h.clone())
    }

    fn spawn(&mut self, job: SimJob) {
        match &job.plan {
            Plan::Direct { argv, env } => {
                if let Some((prog, args)) = argv.split_first() {
                    if let Some(h) = self.helper_at(prog) {
                        let mut all = job.env.clone();
                        all.extend(env.iter().cloned());
                        self.start_helper(Some(job.id), job.timeout, &h, args, all);
                        return;
                    }
                }
                self.start_real(job, false);
            }
            Plan::Shell { .. } => self.start_real(job, true),
        }
    }

    fn runtime(&mut self) -> Option<&tokio::runtime::Runtime> {
        if self.rt.is_none() {
            self.rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok();
        }
        self.rt.as_ref()
    }

    /// Runs a job for real: a process that is no harness helper, or a shell script
    /// (whose helper invocations the argv dumpers capture; they are then simulated and
    /// the last one answers for the job).
    fn start_real(&mut self, job: SimJob, shell: bool) {
        let now = self.now;
        let mut env = job.env.clone();
        let capture = shell.then(|| {
            self.capture_n += 1;
            self.run_dir
                .join("state")
                .join(format!(".sim-capture-{}", self.capture_n))
        });
        if shell {
            self.rec.shell_runs += 1;
        }
        if let Some(c) = &capture {
            env.push(("VIGIL_SIM_CAPTURE".into(), c.display().to_string()));
        }
        let real = vigil_exec::Job {
            plan: job.plan.clone(),
            timeout: Duration::from_secs_f64(job.timeout.clamp(0.001, REAL_TIMEOUT_CAP)),
            env,
            cwd: Some(self.run_dir.clone()),
            max_output: MAX_OUTPUT,
        };
        let fin = match self.runtime() {
            Some(rt) => rt.block_on(vigil_exec::run(real)),
            None => {
                self.fail("cannot build a tokio runtime for a real process".into());
                return;
            }
        };
        if let Some(c) = &capture {
            let invocations = std::fs::read(c)
                .map(|b| procs::parse_capture(&b))
                .unwrap_or_default();
            let _ = std::fs::remove_file(c);
            let n = invocations.len();
            let mut helpers = Vec::new();
            for inv in invocations {
                match self.helper_at(&inv.program) {
                    Some(h) => helpers.push((h, inv)),
                    None => self.warn(format!("simulation: {} is no harness helper", inv.program)),
                }
            }
            if !helpers.is_empty() && helpers.len() == n {
                let last = helpers.len() - 1;
                for (k, (h, inv)) in helpers.into_iter().enumerate() {
                    let id = (k == last).then_some(job.id);
                    self.start_helper(id, job.timeout, &h, &inv.args, inv.env);
                }
                return;
            }
        }
        self.rec.real_runs += 1;
        let timed_out = fin.outcome == Outcome::TimedOut;
        let duration = if timed_out { job.timeout } else { REAL_RUN };
        let pid = self.pid();
        let result = JobResult {
            outcome: fin.outcome,
            stdout: fin.stdout,
            stderr: fin.stderr,
            start: now,
            duration,
            pid: Some(pid),
        };
        let id = self.add_proc(Some(job.id), job.timeout, pid, Body::Ready(result));
        self.push(now + duration, Ev::Proc(id, Phase::Finish));
    }

    fn pid(&mut self) -> u32 {
        self.next_pid += 1;
        self.next_pid
    }

    fn add_proc(&mut self, job: Option<JobId>, timeout: f64, pid: u32, body: Body) -> u64 {
        let id = self.next_proc;
        self.next_proc += 1;
        self.procs.insert(
            id,
            Proc {
                job,
                generation: self.generation,
                start: self.now,
                timeout,
                pid,
                done: false,
                body,
            },
        );
        id
    }

    fn seq_of(&mut self, key: &str) -> Option<Vec<Step>> {
        if let Some(s) = self.seqs.get(key) {
            return s.clone();
        }
        let path = self
            .run_dir
            .join("state")
            .join("seq")
            .join(format!("{key}.json"));
        let steps: Option<Vec<Step>> = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|s: &Vec<Step>| !s.is_empty());
        self.seqs.insert(key.to_string(), steps.clone());
        steps
    }

    fn start_helper(
        &mut self,
        job: Option<JobId>,
        timeout: f64,
        h: &HelperInfo,
        args: &[String],
        env: Vec<(String, String)>,
    ) {
        let now = self.now;
        let pid = self.pid();
        self.rec.simulated_procs += 1;
        let script = h.script.clone().unwrap_or_default();
        let crash = |why: &str| {
            Body::Ready(JobResult {
                outcome: Outcome::Exited(1),
                stdout: Vec::new(),
                stderr: format!("{}: {why}\n", h.helper).into_bytes(),
                start: now,
                duration: HELPER_START + HELPER_EXIT,
                pid: Some(pid),
            })
        };
        let (body, first) = match h.helper.as_str() {
            "seqcheck" => match CheckArgs::parse(args) {
                None => (crash("too few arguments"), Phase::Finish),
                Some(ca) => {
                    let key = ca.key();
                    let counter = self.started.entry(key.clone()).or_insert(0);
                    let index = *counter;
                    *counter += 1;
                    match self.seq_of(&key) {
                        None => (crash("no result sequence for this object"), Phase::Finish),
                        Some(seq) => {
                            let exhausted = index as usize >= seq.len();
                            let at = (index as usize).min(seq.len().saturating_sub(1));
                            let mut step = seq.get(at).cloned().unwrap_or_default();
                            if exhausted {
                                step.wait = None;
                                step.sleep = None;
                                step.runtime = None;
                            }
                            let record = serde_json::json!({
                                "key": key, "kind": ca.kind, "host": ca.host,
                                "service": ca.service, "index": index, "exhausted": exhausted,
                                "t": now, "pre": ca.pre, "pid": pid,
                            });
                            let gate = step.wait.as_ref().map(|w| Gate {
                                key: procs::key_of_ref(&w.object),
                                need: w.consumed,
                                delay: w.delay,
                                active: false,
                                opened: false,
                            });
                            let first = if gate.is_some() {
                                Phase::GateCheck
                            } else {
                                Phase::Consume
                            };
                            (
                                Body::Check {
                                    key,
                                    index,
                                    step,
                                    record,
                                    gate,
                                },
                                first,
                            )
                        }
                    }
                }
            },
            "recorder" | "notifyrec" => {
                let knob = self.handler_knobs.get(&script).cloned().unwrap_or_default();
                let file = if h.helper == "recorder" {
                    "handlers.jsonl"
                } else {
                    "notifications.jsonl"
                };
                let record = procs::recorder_record(&h.helper, &script, args, &env, now, pid);
                (
                    Body::Record {
                        file,
                        record,
                        sleep: knob.sleep.unwrap_or(0.0),
                        exit: knob.exit.unwrap_or(0),
                    },
                    Phase::Record,
                )
            }
            "perfdatarec" => {
                let knob = self
                    .perfdata_knobs
                    .get(&script)
                    .cloned()
                    .unwrap_or_default();
                (
                    Body::Perfdata {
                        script,
                        knob,
                        args: args.to_vec(),
                        env,
                    },
                    Phase::Record,
                )
            }
            other => (crash(&format!("unknown helper {other}")), Phase::Finish),
        };
        let finish_now = matches!(body, Body::Ready(_));
        let id = self.add_proc(job, timeout, pid, body);
        if finish_now {
            self.push(
                now + HELPER_START + HELPER_EXIT,
                Ev::Proc(id, Phase::Finish),
            );
        } else {
            self.push(now + HELPER_START, Ev::Proc(id, first));
            if let Some(Proc {
                body:
                    Body::Check {
                        step: Step { wait: Some(w), .. },
                        ..
                    },
                ..
            }) = self.procs.get(&id)
            {
                let t = now + HELPER_START + w.timeout;
                self.push(t, Ev::Proc(id, Phase::GateTimeout));
            }
        }
        if timeout > 0.0 {
            self.push(now + timeout, Ev::Proc(id, Phase::Kill));
        }
        if h.helper == "seqcheck" {
            self.counters_changed();
        }
    }

    fn append(&mut self, file: &str, record: &Value) {
        let path = self.run_dir.join("state").join(file);
        let line = format!("{record}\n");
        let res = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = res {
            self.warn(format!("simulation: cannot write {}: {e}", path.display()));
        }
    }

    fn proc_phase(&mut self, id: u64, phase: Phase) {
        let now = self.now;
        let Some(p) = self.procs.get_mut(&id) else {
            return;
        };
        if p.done {
            return;
        }
        match phase {
            Phase::GateCheck => {
                if let Body::Check { gate: Some(g), .. } = &mut p.body {
                    g.active = true;
                }
                self.evaluate_gates();
            }
            Phase::GateTimeout => self.open_gate(id, false),
            Phase::Consume => {
                let Body::Check {
                    key,
                    index,
                    step,
                    record,
                    ..
                } = &p.body
                else {
                    return;
                };
                let (key, index, record) = (key.clone(), *index, record.clone());
                let wait = step.sleep.unwrap_or(0.0) + step.runtime.unwrap_or(0.0);
                self.append("checks.jsonl", &record);
                let c = self.consumed.entry(key).or_insert(0);
                *c = (*c).max(index + 1);
                self.push(now + wait + HELPER_EXIT, Ev::Proc(id, Phase::Finish));
                self.counters_changed();
            }
            Phase::Record => match &p.body {
                Body::Record {
                    file,
                    record,
                    sleep,
                    ..
                } => {
                    let (file, record, sleep) = (*file, record.clone(), *sleep);
                    self.append(file, &record);
                    self.push(now + sleep + HELPER_EXIT, Ev::Proc(id, Phase::Finish));
                }
                Body::Perfdata {
                    script,
                    knob,
                    args,
                    env,
                } => {
                    let start = p.start;
                    let pid = p.pid;
                    let record = procs::perfdata_record(script, knob, args, env, start, pid);
                    let sleep = knob.sleep.unwrap_or(0.0);
                    self.append("perfdata.jsonl", &record);
                    self.push(now + sleep + HELPER_EXIT, Ev::Proc(id, Phase::Finish));
                }
                _ => {}
            },
            Phase::Finish => {
                p.done = true;
                let result = match &p.body {
                    Body::Ready(r) => r.clone(),
                    Body::Check { step, .. } => JobResult {
                        outcome: Outcome::Exited(step.rc),
                        stdout: step.out.clone().into_bytes(),
                        stderr: step.stderr.clone().unwrap_or_default().into_bytes(),
                        start: p.start,
                        duration: now - p.start,
                        pid: Some(p.pid),
                    },
                    Body::Record { exit, .. } => JobResult {
                        outcome: Outcome::Exited(*exit),
                        stdout: Vec::new(),
                        stderr: Vec::new(),
                        start: p.start,
                        duration: now - p.start,
                        pid: Some(p.pid),
                    },
                    Body::Perfdata { knob, .. } => JobResult {
                        outcome: Outcome::Exited(knob.exit.unwrap_or(0)),
                        stdout: Vec::new(),
                        stderr: Vec::new(),
                        start: p.start,
                        duration: now - p.start,
                        pid: Some(p.pid),
                    },
                };
                self.deliver(id, result);
            }
            Phase::Kill => {
                p.done = true;
                let result = JobResult {
                    outcome: Outcome::TimedOut,
                    stdout: Vec::new(),
                    stderr: Vec::new(),
                    start: p.start,
                    duration: p.timeout,
                    pid: Some(p.pid),
                };
                self.deliver(id, result);
            }
        }
    }

    fn deliver(&mut self, id: u64, result: JobResult) {
        let Some(p) = self.procs.remove(&id) else {
            return;
        };
        let Some(job) = p.job else {
            return;
        };
        if p.generation != self.generation {
            return;
        }
        let now = self.now;
        if let Some(e) = self.engine.as_mut() {
            e.job_done(job, result, now);
        }
        self.drain();
    }

    fn evaluate_gates(&mut self) {
        let ready: Vec<u64> = self
            .procs
            .iter()
            .filter_map(|(id, p)| match &p.body {
                Body::Check { gate: Some(g), .. }
                    if !p.done
                        && g.active
                        && !g.opened
                        && self.consumed.get(&g.key).copied().unwrap_or(0) >= g.need =>
                {
                    Some(*id)
                }
                _ => None,
            })
            .collect();
        for id in ready {
            self.open_gate(id, true);
        }
    }

    fn open_gate(&mut self, id: u64, ok: bool) {
        let now = self.now;
        let Some(p) = self.procs.get_mut(&id) else {
            return;
        };
        let Body::Check {
            gate: Some(g),
            record,
            ..
        } = &mut p.body
        else {
            return;
        };
        if g.opened || p.done {
            return;
        }
        g.opened = true;
        let delay = g.delay;
        if let Value::Object(m) = record {
            m.insert("gate_ok".into(), Value::Bool(ok));
        }
        self.push(now + delay, Ev::Proc(id, Phase::Consume));
    }

    fn counters_changed(&mut self) {
        self.evaluate_gates();
        self.actions_step();
    }

    // ----- actions and run end -------------------------------------------------

    fn counter(&self, which: &str, reference: &str) -> u32 {
        let key = procs::key_of_ref(reference);
        let m = if which == "started" {
            &self.started
        } else {
            &self.consumed
        };
        m.get(&key).copied().unwrap_or(0)
    }

    fn after_ok(&self, a: &Action) -> bool {
        match &a.after {
            None => true,
            Some(after) => {
                let (which, need) = match after.started {
                    Some(n) => ("started", n),
                    None => ("consumed", after.consumed.unwrap_or(0)),
                };
                self.counter(which, &after.object) >= need
            }
        }
    }

    fn actions_step(&mut self) {
        if self.blocked || self.ending || self.cond_since.is_some() {
            return;
        }
        let Some(a) = self.p.actions.get(self.ai) else {
            return;
        };
        if !self.after_ok(a) {
            return;
        }
        if let Some(at) = a.at {
            let t = self.first + at;
            if self.now < t {
                if !self.at_pending {
                    self.at_pending = true;
                    self.push(t, Ev::ActionCheck);
                }
                return;
            }
        }
        self.cond_since = Some(self.now);
        let delay = a.delay.unwrap_or(0.5);
        self.push(self.now + delay, Ev::ActionFire(self.ai));
    }

    fn advance_action(&mut self) {
        self.ai += 1;
        self.cond_since = None;
        self.at_pending = false;
        self.downtime_deadline = None;
        self.actions_step();
    }

    fn fire(&mut self, i: usize) {
        let Some(a) = self.p.actions.get(i).cloned() else {
            return;
        };
        let now = self.now;
        if a.restart.unwrap_or(false) {
            if let Some(e) = self.engine.take() {
                let lines = e.stop(now);
                self.write_log(lines);
            }
            self.status_text = None;
            self.rec.restarts.push((now, self.log_size));
            self.blocked = true;
            self.cond_since = None;
            self.push(now + a.pause.unwrap_or(1.0), Ev::RestartLaunch);
            return;
        }
        if a.snapshot.is_some() {
            // The first status file written after this moment.
            self.blocked = true;
            self.snapshot_asked = now;
            let every = self.status_interval;
            let k = ((now - self.booted_at) / every).floor() + 1.0;
            self.push(self.booted_at + k * every, Ev::Snapshot(i));
            return;
        }
        let Some(template) = a.command.clone() else {
            self.advance_action();
            return;
        };
        let line = match self.expand(&template) {
            Ok(l) => l,
            Err(Some(wait_for)) => {
                let deadline = *self.downtime_deadline.get_or_insert(now + 10.0);
                if now > deadline {
                    let file = self.run_dir.join("var").join("status.dat");
                    self.fail(format!(
                        "no downtime of {wait_for} found in the status file {}",
                        file.display()
                    ));
                } else {
                    self.blocked = true;
                    self.push(now + 0.2, Ev::DowntimeRetry(i));
                }
                return;
            }
            Err(None) => template.clone(),
        };
        if line != template {
            self.rec.sent.push((line.clone(), template));
        }
        let written = format!("[{}] {line}", now as i64);
        if self.engine.is_some() {
            if let Some(e) = self.engine.as_mut() {
                e.command(&written, now);
            }
            self.drain();
        } else {
            self.pending_commands.push(written);
        }
        self.advance_action();
    }

    /// Replaces the placeholders of a command (`{now}`, `{now+N}`, `{now-N}`,
    /// `{downtime_id:REF}`). `Err(Some(ref))`: no downtime of REF in the status file
    /// yet; `Err(None)`: nothing to replace.
    fn expand(&self, template: &str) -> Result<String, Option<String>> {
        let now = self.now as i64;
        let mut out = String::new();
        let mut rest = template;
        let mut changed = false;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            let inner = &after[..close];
            let value = if inner == "now" {
                Some(now.to_string())
            } else if let Some(n) = inner
                .strip_prefix("now+")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|_| inner[4..].bytes().all(|b| b.is_ascii_digit()))
            {
                Some((now + n).to_string())
            } else if let Some(n) = inner
                .strip_prefix("now-")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|_| inner[4..].bytes().all(|b| b.is_ascii_digit()))
            {
                Some((now - n).to_string())
            } else if let Some(r) = inner
                .strip_prefix("downtime_id:")
                .filter(|r| !r.is_empty() && !r.contains('{'))
            {
                match newest_downtime_id(self.status_text.as_deref(), r) {
                    Some(id) => Some(id.to_string()),
                    None => return Err(Some(r.to_string())),
                }
            } else {
                None
            };
            match value {
                Some(v) => {
                    out.push_str(&rest[..open]);
                    out.push_str(&v);
                    rest = &after[close + 1..];
                    changed = true;
                }
                None => {
                    out.push_str(&rest[..=open]);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        if changed {
            Ok(out)
        } else {
            Err(None)
        }
    }

    fn take_snapshot(&mut self, i: usize) {
        let label = self
            .p
            .actions
            .get(i)
            .and_then(|a| a.snapshot.clone())
            .unwrap_or_default();
        let now = self.now;
        let text = self.engine.as_mut().and_then(|e| e.status_dat(now));
        if text.is_none() {
            let file = self.run_dir.join("var").join("status.dat");
            self.warn(format!(
                "snapshot {label}: the status file was not rewritten within 5s"
            ));
            self.warn(format!(
                "snapshot {label}: no status file at {}",
                file.display()
            ));
        }
        self.status_text = text.clone();
        // The harness records the time it asked, not the time of the write.
        self.rec.snapshots.push((label, self.snapshot_asked, text));
        self.blocked = false;
        self.advance_action();
    }

    fn all_exhausted(&self) -> bool {
        self.p.objects.iter().filter(|o| o.wait).all(|o| {
            let n = o.steps.as_ref().map_or(0, |s| s.len()) as u32;
            self.started.get(&o.key).copied().unwrap_or(0) > n
        })
    }

    fn check_end(&mut self) {
        if self.ending || self.stopped || self.blocked || self.ai < self.p.actions.len() {
            return;
        }
        if !self.all_exhausted() {
            return;
        }
        let min_end = self.first + self.p.min_runtime;
        if self.now < min_end {
            if !self.end_check_pending {
                self.end_check_pending = true;
                self.push(min_end, Ev::EndCheck);
            }
            return;
        }
        self.ending = true;
        self.push(self.now + self.p.grace, Ev::Stop);
    }
}

/// The highest `downtime_id` of an object's downtimes in a status file
/// (`statusfile.newest_downtime_id`).
fn newest_downtime_id(text: Option<&str>, reference: &str) -> Option<u64> {
    let text = text?;
    let (kind, rest) = reference.split_once(':')?;
    let (host, svc) = match kind {
        "host" => (rest, None),
        "service" => {
            let (h, s) = rest.split_once(';')?;
            (h, Some(s))
        }
        _ => return None,
    };
    let want = if svc.is_some() {
        "servicedowntime"
    } else {
        "hostdowntime"
    };
    let mut best = None;
    let mut block: Option<(String, HashMap<String, String>)> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match block.as_mut() {
            None => {
                if let Some(t) = line.strip_suffix('{') {
                    block = Some((t.trim().to_string(), HashMap::new()));
                }
            }
            Some((btype, fields)) => {
                if line == "}" {
                    let matches = btype == want
                        && fields.get("host_name").map(String::as_str) == Some(host)
                        && (svc.is_none()
                            || fields.get("service_description").map(String::as_str) == svc);
                    if matches {
                        if let Some(id) = fields.get("downtime_id").and_then(|v| v.parse().ok()) {
                            best = best.max(Some(id));
                        }
                    }
                    block = None;
                } else if let Some((k, v)) = line.split_once('=') {
                    fields.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downtime_ids_from_status_text() {
        let text = "hostdowntime {\n\thost_name=h1\n\tdowntime_id=3\n\t}\n\
                    servicedowntime {\n\thost_name=h1\n\tservice_description=s1\n\tdowntime_id=5\n\t}\n\
                    servicedowntime {\n\thost_name=h1\n\tservice_description=s1\n\tdowntime_id=7\n\t}\n";
        assert_eq!(newest_downtime_id(Some(text), "service:h1;s1"), Some(7));
        assert_eq!(newest_downtime_id(Some(text), "host:h1"), Some(3));
        assert_eq!(newest_downtime_id(Some(text), "host:h2"), None);
        assert_eq!(newest_downtime_id(None, "host:h1"), None);
    }

    #[test]
    fn python_float_format() {
        assert_eq!(py_float(90.0), "90.0");
        assert_eq!(py_float(2.5), "2.5");
    }
}
