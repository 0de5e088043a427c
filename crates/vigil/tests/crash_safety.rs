//! Crash safety (issue 5): `vigil run` monitors 300 services whose results keep
//! changing; it is killed with SIGKILL at a random moment 50 times and restarted.
//! After every restart the state and state type each service comes back with (the
//! `INITIAL SERVICE STATE` lines, logged right after restore, before any new result)
//! must equal the last state logged for it before the kill (`SERVICE ALERT` or
//! `INITIAL SERVICE STATE`). retention.dat alone cannot do it: it is saved only when
//! the test asks (`SAVE_STATE_INFORMATION` at random moments, which also puts kills
//! between a retention save and the reset of the state journal).
//!
//! Two rules of the state machine shape the comparison:
//! * a recovery is logged as `OK;SOFT;n` but finishes as `OK;HARD;1` (Nagios does the
//!   same), so a logged OK is expected back as OK HARD;
//! * attempts are not compared: on restore a HARD problem gets `max_check_attempts`,
//!   as Nagios does.
//!
//! If vigil dies after a batch of state changes was journalled but before its log
//! lines were written, the restart writes those lines first (before `starting...`);
//! they count as logged, and the test prints how often that happened.
//!
//! Set `VIGIL_CRASH_SEED` to replay a run; the seed is printed.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HOSTS: usize = 10;
const SERVICES_PER_HOST: usize = 30;
const SERVICES: usize = HOSTS * SERVICES_PER_HOST;
const KILLS: usize = 50;

/// xorshift64*: enough randomness for kill times, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// A service's state as the log shows it: (state, type).
type Shown = (String, String);

/// Parses `[ts] <KIND>: host;svc;STATE;TYPE;attempt;output` for SERVICE ALERT and
/// INITIAL SERVICE STATE lines.
fn state_line(line: &str) -> Option<(bool, (String, String), Shown)> {
    let rest = line.split_once("] ")?.1;
    let (initial, fields) = if let Some(f) = rest.strip_prefix("SERVICE ALERT: ") {
        (false, f)
    } else if let Some(f) = rest.strip_prefix("INITIAL SERVICE STATE: ") {
        (true, f)
    } else {
        return None;
    };
    let mut it = fields.splitn(6, ';');
    let host = it.next()?.to_string();
    let svc = it.next()?.to_string();
    let state = it.next()?.to_string();
    let kind = it.next()?.to_string();
    Some((initial, (host, svc), (state, kind)))
}

/// What the state is once the result that logged `shown` is finished: a recovery
/// logged SOFT is HARD afterwards.
fn settled(shown: &Shown) -> Shown {
    if shown.0 == "OK" {
        ("OK".into(), "HARD".into())
    } else {
        shown.clone()
    }
}

fn is_start(line: &str) -> bool {
    line.contains(" starting... (PID=")
}

struct Setup {
    dir: PathBuf,
    cfg: PathBuf,
    log: PathBuf,
    cmd: PathBuf,
    retention: PathBuf,
}

fn setup() -> Setup {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("crash-safety-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(dir.join("var")).unwrap();
    let plugin = dir.join("flip.sh");
    // Builtins only (one fork + exec per check): a pseudo-random state mixed from
    // the plugin's own PID, so results change all the time. About 45% OK.
    std::fs::write(
        &plugin,
        "#!/bin/sh\n\
         r=$(( ($$ * 1103515245 + 12345) / 65536 % 11 ))\n\
         if [ $r -lt 5 ]; then echo \"OK r=$r\"; exit 0; fi\n\
         if [ $r -lt 8 ]; then echo \"WARNING r=$r\"; exit 1; fi\n\
         echo \"CRITICAL r=$r\"; exit 2\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();

    let mut objects = String::from(
        "define timeperiod {\n timeperiod_name 24x7\n alias always\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n\
         define command {\n command_name flip\n command_line $USER1$/flip.sh\n}\n\
         define command {\n command_name notify-none\n command_line /bin/true\n}\n\
         define contact {\n contact_name admin\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_options n\n service_notification_options n\n host_notification_commands notify-none\n service_notification_commands notify-none\n}\n",
    );
    for h in 0..HOSTS {
        objects.push_str(&format!(
            "define host {{\n host_name host{h:02}\n address 127.0.0.{}\n max_check_attempts 3\n check_period 24x7\n contacts admin\n}}\n",
            h + 1
        ));
        for s in 0..SERVICES_PER_HOST {
            objects.push_str(&format!(
                "define service {{\n host_name host{h:02}\n service_description svc{s:02}\n check_command flip\n max_check_attempts {}\n check_interval 1\n retry_interval 1\n check_period 24x7\n contacts admin\n}}\n",
                2 + (h * SERVICES_PER_HOST + s) % 2
            ));
        }
    }
    std::fs::write(dir.join("objects.cfg"), objects).unwrap();
    std::fs::write(
        dir.join("resource.cfg"),
        format!("$USER1$={}\n", dir.display()),
    )
    .unwrap();
    let d = dir.display();
    let cfg = dir.join("nagios.cfg");
    std::fs::write(
        &cfg,
        format!(
            "log_file={d}/var/vigil.log\n\
             cfg_file={d}/objects.cfg\n\
             resource_file={d}/resource.cfg\n\
             state_retention_file={d}/var/retention.dat\n\
             retain_state_information=1\n\
             retention_update_interval=60\n\
             use_retained_scheduling_info=1\n\
             command_file={d}/var/vigil.cmd\n\
             check_external_commands=1\n\
             lock_file={d}/var/vigil.lock\n\
             interval_length=1\n\
             log_service_retries=1\n\
             log_host_retries=1\n\
             log_initial_states=1\n\
             enable_flap_detection=0\n\
             enable_event_handlers=0\n\
             service_check_timeout=10\n"
        ),
    )
    .unwrap();
    Setup {
        log: dir.join("var/vigil.log"),
        cmd: dir.join("var/vigil.cmd"),
        retention: dir.join("var/retention.dat"),
        cfg,
        dir,
    }
}

fn start(s: &Setup, verbose: bool) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vigil"));
    c.arg("run").arg(&s.cfg);
    if verbose {
        // --verbose echoes the log too: to a file, so the pipe never fills.
        c.arg("--verbose");
        c.stderr(std::fs::File::create(s.dir.join("stderr.txt")).unwrap());
    } else {
        c.stderr(Stdio::null());
    }
    c.stdin(Stdio::null()).stdout(Stdio::null());
    c.spawn().expect("start vigil")
}

fn read_log(p: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned()
}

/// Waits until the run that starts after byte `from` of the log has logged the
/// initial state of every service. Returns the log text after `from`, or `None`
/// after `limit`.
fn wait_initial(s: &Setup, from: usize, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    loop {
        let text = read_log(&s.log);
        if let Some(after) = text.get(from..) {
            let mut started = false;
            let mut n = 0;
            for line in after.lines() {
                if is_start(line) {
                    started = true;
                    n = 0;
                } else if started && line.contains("] INITIAL SERVICE STATE: ") {
                    n += 1;
                }
            }
            if n >= SERVICES && after.ends_with('\n') {
                return Some(after.to_string());
            }
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SAVE_STATE_INFORMATION without blocking (skipped if vigil is not reading).
fn save_state(s: &Setup) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(O_NONBLOCK)
        .open(&s.cmd)
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let _ = writeln!(f, "[{now}] SAVE_STATE_INFORMATION");
    }
}

#[test]
fn kill_9_at_random_moments_loses_no_logged_state() {
    let seed: u64 = std::env::var("VIGIL_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("VIGIL_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let s = setup();
    let began = Instant::now();

    let mut survived = 0usize;
    let mut lost = 0usize;
    let mut compared = 0usize;
    let mut completed_lines = 0usize;
    let mut alerts = 0usize;
    let mut hard_problems = 0usize;
    let mut saves = 0usize;
    let mut failures: Vec<String> = Vec::new();

    let mut expected: HashMap<(String, String), Shown> = HashMap::new();
    let mut scanned = 0usize;
    let mut child = start(&s, false);
    let mut spawned = Instant::now();
    assert!(
        wait_initial(&s, 0, Duration::from_secs(30)).is_some(),
        "vigil did not start"
    );
    for kill in 1..=KILLS {
        let run_for = Duration::from_secs_f64(rng.range(0.3, 2.0));
        // Half of the runs also save retention.dat at a random moment before the kill.
        let save_at = (rng.next() & 1 == 0).then(|| run_for.mul_f64(rng.range(0.1, 0.95)));
        let mut saved = false;
        while spawned.elapsed() < run_for {
            if let Some(at) = save_at {
                if !saved && spawned.elapsed() >= at {
                    save_state(&s);
                    saved = true;
                    saves += 1;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();

        // Everything logged before the kill (folded in order, from where the last
        // round stopped).
        let before = read_log(&s.log);
        for line in before[scanned..].lines() {
            if let Some((initial, key, shown)) = state_line(line) {
                expected.insert(key, settled(&shown));
                if !initial {
                    alerts += 1;
                    if shown.1 == "HARD" && shown.0 != "OK" {
                        hard_problems += 1;
                    }
                }
            }
        }
        scanned = before.len();

        child = start(&s, kill == KILLS);
        spawned = Instant::now();
        let Some(after) = wait_initial(&s, before.len(), Duration::from_secs(30)) else {
            failures.push(format!("kill {kill}: vigil did not come back"));
            continue;
        };
        survived += 1;
        let mut expected = expected.clone();
        let mut run_started = false;
        let mut restored: HashMap<(String, String), Shown> = HashMap::new();
        for line in after.lines() {
            if is_start(line) {
                run_started = true;
                continue;
            }
            let Some((initial, key, shown)) = state_line(line) else {
                continue;
            };
            if !run_started {
                // Lines of the last journalled batch, completed by the restart.
                completed_lines += 1;
                expected.insert(key, settled(&shown));
            } else if initial {
                restored.insert(key, shown);
            }
        }
        for (key, want) in &expected {
            compared += 1;
            match restored.get(key) {
                Some(got) if got == want => {}
                got => {
                    lost += 1;
                    if failures.len() < 20 {
                        failures.push(format!(
                            "kill {kill}: {};{} logged {want:?} before the kill, restored {got:?}",
                            key.0, key.1
                        ));
                    }
                }
            }
        }
    }
    // Stop the last run cleanly: retention.dat is saved and the journal emptied.
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    child.wait().unwrap();
    let stderr = read_log(&s.dir.join("stderr.txt"));
    let stats = stderr
        .lines()
        .find(|l| l.starts_with("state journal:"))
        .unwrap_or("state journal: (no statistics)");
    let wal_len = std::fs::metadata(s.dir.join("var/retention.dat.wal"))
        .map(|m| m.len())
        .unwrap_or(u64::MAX);

    println!(
        "{KILLS} kills in {:.1} s; {SERVICES} services; {alerts} SERVICE ALERT lines seen over the kills ({hard_problems} HARD problems); {saves} retention saves requested; {compared} restored states compared; {completed_lines} log lines completed from the journal on restart",
        began.elapsed().as_secs_f64()
    );
    println!("last run: {stats}");
    for f in &failures {
        println!("{f}");
    }
    println!("kills survived: {survived}/{KILLS}, states lost: {lost}");

    assert_eq!(survived, KILLS, "{failures:?}");
    assert_eq!(lost, 0, "{failures:?}");
    assert_eq!(compared, KILLS * SERVICES);
    assert!(
        alerts > 1000,
        "too few state changes to mean anything: {alerts}"
    );
    assert!(
        hard_problems > 100,
        "too few HARD problems: {hard_problems}"
    );
    assert!(s.retention.exists());
    assert_eq!(wal_len, 28, "journal not emptied by the clean shutdown");
    let _ = std::fs::remove_dir_all(&s.dir);
}
