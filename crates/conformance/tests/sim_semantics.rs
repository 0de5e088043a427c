//! The simulated processes behave like the harness's helpers: a scripted engine starts
//! chosen jobs and the test checks what came back, when, and what was recorded.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use vigil_conformance::engine::{JobId, JobResult, Outcome, Plan, SimJob};
use vigil_conformance::scenario::Prepared;
use vigil_conformance::sim::{self, EPOCH, HELPER_EXIT, HELPER_START, START_LATENCY};
use vigil_conformance::SimEngine;

thread_local! {
    static JOBS: RefCell<Vec<SimJob>> = const { RefCell::new(Vec::new()) };
    static DONE: RefCell<Vec<(JobId, JobResult, f64)>> = const { RefCell::new(Vec::new()) };
}

/// Starts the jobs of `JOBS` at its start, records what comes back in `DONE`.
struct Scripted {
    jobs: Vec<SimJob>,
}

impl SimEngine for Scripted {
    fn start(_: &Path, _: f64) -> Result<Self, String> {
        Ok(Scripted {
            jobs: JOBS.with(|j| j.borrow_mut().drain(..).collect()),
        })
    }
    fn next_wakeup(&mut self) -> Option<f64> {
        None
    }
    fn advance(&mut self, _: f64) {}
    fn command(&mut self, _: &str, _: f64) {}
    fn take_jobs(&mut self) -> Vec<SimJob> {
        std::mem::take(&mut self.jobs)
    }
    fn job_done(&mut self, id: JobId, result: JobResult, now: f64) {
        DONE.with(|d| d.borrow_mut().push((id, result, now)));
    }
    fn take_log_lines(&mut self) -> Vec<(i64, String)> {
        Vec::new()
    }
    fn status_dat(&mut self, _: f64) -> Option<String> {
        None
    }
    fn exit_requested(&self) -> Option<String> {
        None
    }
    fn stop(self, _: f64) -> Vec<(i64, String)> {
        Vec::new()
    }
}

/// The argv dumper `py/simbridge.py` installs in place of every helper wrapper.
const DUMPER: &str = "#!/bin/sh\n{ printf 'INVOCATION\\0%s\\0' \"$#\"; printf '%s\\0' \"$0\" \"$@\"; env -0; printf 'END\\0'; } >> \"$VIGIL_SIM_CAPTURE\"\n";

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    /// A run directory with the helpers `seqcheck`, `svc-eh` (recorder, sleeps 3 s,
    /// exits 4) and the sequences given.
    fn new(seqs: &[(&str, Value)]) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["plugins", "state/seq", "etc"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        for name in ["seqcheck", "svc-eh"] {
            let p = d.join("plugins").join(name);
            std::fs::write(&p, DUMPER).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for (key, steps) in seqs {
            std::fs::write(d.join(format!("state/seq/{key}.json")), steps.to_string()).unwrap();
        }
        std::fs::write(
            d.join("state/handlers.json"),
            json!({"svc-eh": {"sleep": 3, "exit": 4}}).to_string(),
        )
        .unwrap();
        std::fs::write(d.join("etc/nagios.cfg"), "status_update_interval=1\n").unwrap();
        Run { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn prepared(&self) -> Prepared {
        let plugins = self.path("plugins");
        serde_json::from_value(json!({
            "name": "t", "main_cfg": self.path("etc/nagios.cfg"), "log_file": self.path("nagios.log"),
            "objects": [], "actions": [], "grace": 20.0, "timeout": 60.0, "min_runtime": 0.0,
            "helpers": {
                plugins.join("seqcheck").display().to_string(): {"helper": "seqcheck", "script": null},
                plugins.join("svc-eh").display().to_string(): {"helper": "recorder", "script": "svc-eh"},
            },
        }))
        .unwrap()
    }

    /// Runs the jobs; returns what came back and the records of `file`.
    fn simulate(
        &self,
        jobs: Vec<SimJob>,
        file: &str,
    ) -> (Vec<(JobId, JobResult, f64)>, Vec<Value>) {
        JOBS.with(|j| *j.borrow_mut() = jobs);
        DONE.with(|d| d.borrow_mut().clear());
        let rec = sim::simulate::<Scripted>(&self.prepared(), self.dir.path());
        assert!(rec.complete, "{:?}", rec.warnings);
        let records = std::fs::read_to_string(self.path(&format!("state/{file}")))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (DONE.with(|d| d.borrow_mut().drain(..).collect()), records)
    }

    fn check(&self, id: u64, svc: &str, timeout: f64) -> SimJob {
        SimJob {
            id: JobId(id),
            plan: Plan::Direct {
                argv: [
                    self.path("plugins/seqcheck").display().to_string(),
                    "service".into(),
                    "h1".into(),
                    svc.into(),
                    "OK".into(),
                    "HARD".into(),
                    "1".into(),
                ]
                .to_vec(),
                env: Vec::new(),
            },
            env: Vec::new(),
            timeout,
        }
    }
}

const T0: f64 = EPOCH + START_LATENCY;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_plugin_slower_than_its_timeout_is_killed_after_it_consumed_its_step() {
    let run = Run::new(&[(
        "service__h1__slow",
        json!([{"rc": 2, "out": "late", "sleep": 5}, {"rc": 0, "out": "OK"}]),
    )]);
    let (done, recs) = run.simulate(vec![run.check(1, "slow", 2.0)], "checks.jsonl");
    assert_eq!(done.len(), 1);
    let (_, r, at) = &done[0];
    assert_eq!(r.outcome, Outcome::TimedOut);
    assert!(r.stdout.is_empty());
    assert!(close(*at, T0 + 2.0), "{at}");
    // seqcheck records itself and marks the step consumed before it sleeps.
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["index"], 0);
    assert_eq!(recs[0]["pre"], json!(["OK", "HARD", "1"]));
    assert!(close(recs[0]["t"].as_f64().unwrap(), T0));
}

#[test]
fn a_plugin_killed_while_it_waits_never_consumes_its_step() {
    let run = Run::new(&[(
        "service__h1__waiter",
        json!([{"rc": 0, "out": "x", "wait": {"object": "service:h1;never", "consumed": 1, "delay": 0.5}}]),
    )]);
    let (done, recs) = run.simulate(vec![run.check(1, "waiter", 1.0)], "checks.jsonl");
    assert_eq!(done[0].1.outcome, Outcome::TimedOut);
    assert!(recs.is_empty(), "{recs:?}");
}

#[test]
fn a_wait_opens_when_the_other_object_has_consumed_then_waits_its_delay() {
    let run = Run::new(&[
        (
            "service__h1__a",
            json!([{"rc": 1, "out": "A", "wait": {"object": "service:h1;b", "consumed": 1, "delay": 0.2}}]),
        ),
        (
            "service__h1__b",
            json!([{"rc": 2, "out": "B\nlong | p=1", "stderr": "e"}]),
        ),
    ]);
    let (done, recs) = run.simulate(
        vec![run.check(1, "a", 30.0), run.check(2, "b", 30.0)],
        "checks.jsonl",
    );
    let b = done.iter().find(|d| d.0 == JobId(2)).unwrap();
    let a = done.iter().find(|d| d.0 == JobId(1)).unwrap();
    assert_eq!(b.1.outcome, Outcome::Exited(2));
    assert_eq!(b.1.stdout, b"B\nlong | p=1");
    assert_eq!(b.1.stderr, b"e");
    assert!(close(b.2, T0 + HELPER_START + HELPER_EXIT), "{}", b.2);
    assert_eq!(a.1.outcome, Outcome::Exited(1));
    assert!(close(a.2, T0 + HELPER_START + 0.2 + HELPER_EXIT), "{}", a.2);
    let a_rec = recs.iter().find(|r| r["service"] == "a").unwrap();
    assert_eq!(a_rec["gate_ok"], true);
}

#[test]
fn an_exhausted_sequence_repeats_its_last_step_and_says_so() {
    let run = Run::new(&[(
        "service__h1__s",
        json!([{"rc": 2, "out": "one"}, {"rc": 0, "out": "last"}]),
    )]);
    let jobs = (1..=3).map(|i| run.check(i, "s", 30.0)).collect();
    let (done, recs) = run.simulate(jobs, "checks.jsonl");
    let outs: Vec<_> = done
        .iter()
        .map(|d| String::from_utf8_lossy(&d.1.stdout).into_owned())
        .collect();
    assert_eq!(outs, ["one", "last", "last"]);
    let ex: Vec<_> = recs
        .iter()
        .map(|r| (r["index"].clone(), r["exhausted"].clone()))
        .collect();
    assert_eq!(
        ex,
        [
            (json!(0), json!(false)),
            (json!(1), json!(false)),
            (json!(2), json!(true))
        ]
    );
}

#[test]
fn a_recorder_records_argv_and_nagios_env_then_sleeps_and_exits_as_told() {
    let run = Run::new(&[]);
    let job = SimJob {
        id: JobId(7),
        plan: Plan::Direct {
            argv: vec![
                run.path("plugins/svc-eh").display().to_string(),
                "--vigil-host=h1".into(),
                "--vigil-svc=s1".into(),
                "--vigil-evt=1:2:3".into(),
                "STATE=CRITICAL".into(),
                "--vigil-host=kept".into(),
            ],
            env: vec![("NAGIOS_FROM_PLAN".into(), "p".into())],
        },
        env: vec![
            ("NAGIOS_SERVICESTATE".into(), "CRITICAL".into()),
            ("OTHER".into(), "x".into()),
        ],
        timeout: 30.0,
    };
    let (done, recs) = run.simulate(vec![job], "handlers.jsonl");
    assert_eq!(done[0].1.outcome, Outcome::Exited(4));
    assert!(close(done[0].2, T0 + HELPER_START + 3.0 + HELPER_EXIT));
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r["script"], "svc-eh");
    assert_eq!(r["argv"], json!(["STATE=CRITICAL", "--vigil-host=kept"]));
    assert_eq!(
        (r["host"].clone(), r["service"].clone(), r["evt"].clone()),
        (json!("h1"), json!("s1"), json!("1:2:3"))
    );
    assert_eq!(r["reserved_seen"], 3);
    assert_eq!(
        r["env"],
        json!({"NAGIOS_SERVICESTATE": "CRITICAL", "NAGIOS_FROM_PLAN": "p"})
    );
}

#[test]
fn a_shell_command_line_is_expanded_by_the_real_shell_and_its_helper_simulated() {
    let run = Run::new(&[]);
    let eh = run.path("plugins/svc-eh").display().to_string();
    let job = SimJob {
        id: JobId(9),
        plan: Plan::Shell {
            script: format!("{eh} \"OUT=$VIGIL_DATA_1\" $VIGIL_DATA_2 >/dev/null 2>&1 || exit 3"),
            env: vec![
                ("VIGIL_DATA_1".into(), "a  $b `c`".into()),
                ("VIGIL_DATA_2".into(), "split  me".into()),
            ],
        },
        env: vec![("NAGIOS_X".into(), "1".into())],
        timeout: 30.0,
    };
    let (done, recs) = run.simulate(vec![job], "handlers.jsonl");
    assert_eq!(done[0].1.outcome, Outcome::Exited(4), "{:?}", done[0].1);
    assert_eq!(recs[0]["argv"], json!(["OUT=a  $b `c`", "split", "me"]));
    assert_eq!(recs[0]["env"], json!({"NAGIOS_X": "1"}));
}

#[test]
fn a_process_that_is_no_helper_runs_for_real() {
    let run = Run::new(&[]);
    let job = SimJob {
        id: JobId(3),
        plan: Plan::Direct {
            argv: vec![run.path("plugins/no_such_plugin").display().to_string()],
            env: Vec::new(),
        },
        env: Vec::new(),
        timeout: 30.0,
    };
    let (done, _) = run.simulate(vec![job], "checks.jsonl");
    let r = &done[0].1;
    // vigil-exec reports a failed execvp as Nagios's child does: exit 2 and a message.
    assert_eq!(r.outcome, Outcome::Exited(2), "{r:?}");
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("errno is 2"),
        "{r:?}"
    );
}
