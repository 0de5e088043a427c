//! Crash safety (issue 5, issue 12): `vigil run` monitors 10 hosts and 300 services
//! whose results keep changing, and 20 steady CRITICAL services that get
//! acknowledgements, comments and downtimes through the command file; it is killed
//! with SIGKILL at a random moment 50 times — half of them right after a burst of
//! commands — and restarted. After every restart:
//! * the state, state type and attempt each host and service comes back with (the
//!   `INITIAL ... STATE` lines, logged right after restore, before any new result)
//!   must equal the last ones logged for it before the kill (`... ALERT` or
//!   `INITIAL ... STATE`);
//! * the acknowledgements, comments and downtimes of the steady services (read from
//!   status.dat) must be those every `EXTERNAL COMMAND` line logged before the kill
//!   leaves, under Nagios's restart rules (non-persistent comments go; an
//!   acknowledgement's stays while acknowledged; a downtime's comment is made again).
//!
//! retention.dat alone cannot do it: it is saved when the test asks
//! (`SAVE_STATE_INFORMATION` at random moments, which also puts kills between a
//! retention save and the reset of the state journal) and whenever the journal
//! passes 32 KiB (`--journal-checkpoint-bytes`: checkpoints written off the loop,
//! every few seconds here, so kills also land inside them).
//!
//! Rules of the state machine that shape the comparison (Nagios does the same):
//! * a service recovery is logged as `OK;SOFT;n` but finishes as `OK;HARD;1`, so a
//!   logged service OK is expected back as OK HARD 1 (a host's soft recovery stays
//!   `UP;SOFT;1` until its next result);
//! * on restore a HARD problem gets `max_check_attempts`.
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
const STEADY: usize = 20;
const SERVICES: usize = HOSTS * SERVICES_PER_HOST + STEADY;
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

/// An object: (host, service).
type Key = (String, Option<String>);

/// An object's state as the log shows it: (state, type, attempt).
type Shown = (String, String, u32);

/// Parses `[ts] <KIND>: host[;svc];STATE;TYPE;attempt;output` for `SERVICE ALERT`,
/// `HOST ALERT`, `INITIAL SERVICE STATE` and `INITIAL HOST STATE` lines.
fn state_line(line: &str) -> Option<(bool, Key, Shown)> {
    let rest = line.split_once("] ")?.1;
    let (initial, service, fields) = if let Some(f) = rest.strip_prefix("SERVICE ALERT: ") {
        (false, true, f)
    } else if let Some(f) = rest.strip_prefix("INITIAL SERVICE STATE: ") {
        (true, true, f)
    } else if let Some(f) = rest.strip_prefix("HOST ALERT: ") {
        (false, false, f)
    } else if let Some(f) = rest.strip_prefix("INITIAL HOST STATE: ") {
        (true, false, f)
    } else {
        return None;
    };
    let mut it = fields.splitn(if service { 6 } else { 5 }, ';');
    let host = it.next()?.to_string();
    let svc = if service {
        Some(it.next()?.to_string())
    } else {
        None
    };
    let state = it.next()?.to_string();
    let kind = it.next()?.to_string();
    let attempt = it.next()?.parse().ok()?;
    Some((initial, (host, svc), (state, kind, attempt)))
}

/// `max_check_attempts` of an object of the test configuration.
fn max_attempts(key: &Key) -> u32 {
    let h: usize = key
        .0
        .strip_prefix("host")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    match (&key.0[..], &key.1) {
        ("steady", _) => 1,
        (_, None) => 2 + (h % 2) as u32,
        (_, Some(s)) => {
            let s: usize = s
                .strip_prefix("svc")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            2 + ((h * SERVICES_PER_HOST + s) % 2) as u32
        }
    }
}

/// What the state is once the result that logged `shown` is finished and a restore
/// applied it: a service recovery logged SOFT is HARD 1 afterwards, a HARD problem
/// comes back with `max_check_attempts`.
fn settled(key: &Key, shown: &Shown) -> Shown {
    if shown.0 == "OK" {
        ("OK".into(), "HARD".into(), 1)
    } else if shown.1 == "HARD" && shown.0 != "UP" {
        (shown.0.clone(), shown.1.clone(), max_attempts(key))
    } else {
        shown.clone()
    }
}

/// Whether `got` is what a restore may give for the last logged `want`: a host's
/// soft recovery (`UP;SOFT;1`) becomes HARD with its next UP result, which is not
/// logged.
fn same(key: &Key, want: &Shown, got: &Shown) -> bool {
    want == got
        || (key.1.is_none()
            && want.0 == "UP"
            && want.1 == "SOFT"
            && got == &("UP".to_string(), "HARD".to_string(), 1))
}

/// The acknowledgement, comments and downtimes of a steady service, as the logged
/// commands leave them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Books {
    /// `problem_has_been_acknowledged`, `acknowledgement_type`.
    ack: (bool, u8),
    /// Comments: (entry_type, persistent, author, text).
    comments: Vec<(u8, bool, String, String)>,
    /// Comments of the downtimes in effect.
    downtimes: Vec<String>,
}

impl Books {
    /// Applies one logged external command (`NAME;host;svc;...`).
    fn apply(&mut self, cmd: &str, critical: bool) {
        let f: Vec<&str> = cmd.split(';').collect();
        match f.first().copied() {
            Some("ACKNOWLEDGE_SVC_PROBLEM") if critical => {
                let sticky = f.get(3) == Some(&"2");
                let persistent = f.get(5).is_some_and(|p| *p != "0");
                self.ack = (true, if sticky { 2 } else { 1 });
                self.comments.push((
                    4,
                    persistent,
                    f.get(6).unwrap_or(&"").to_string(),
                    f.get(7).unwrap_or(&"").to_string(),
                ));
            }
            Some("REMOVE_SVC_ACKNOWLEDGEMENT") => {
                self.ack.0 = false;
                self.comments.retain(|c| c.0 != 4 || c.1);
            }
            Some("ADD_SVC_COMMENT") => self.comments.push((
                1,
                f.get(3).is_some_and(|p| *p != "0"),
                f.get(4).unwrap_or(&"").to_string(),
                f.get(5).unwrap_or(&"").to_string(),
            )),
            Some("DEL_ALL_SVC_COMMENTS") => self.comments.clear(),
            Some("SCHEDULE_SVC_DOWNTIME") => {
                self.downtimes.push(f.get(9).unwrap_or(&"").to_string())
            }
            Some("DEL_DOWNTIME_BY_HOST_NAME") => self.downtimes.clear(),
            _ => {}
        }
    }

    /// What a restart keeps (Nagios's rules), in the form status.dat is compared in.
    fn after_restart(&self) -> Books {
        let mut b = self.clone();
        b.comments.retain(|c| c.1 || (c.0 == 4 && self.ack.0));
        b.comments.sort();
        b.downtimes.sort();
        b
    }
}

/// The books of the steady services in a status.dat.
fn status_books(text: &str) -> HashMap<String, Books> {
    let mut out: HashMap<String, Books> = HashMap::new();
    let mut block: Option<(String, HashMap<String, String>)> = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(kind) = l.strip_suffix(" {") {
            block = Some((kind.to_string(), HashMap::new()));
        } else if l == "}" {
            let Some((kind, f)) = block.take() else {
                continue;
            };
            if f.get("host_name").map(String::as_str) != Some("steady") {
                continue;
            }
            let Some(svc) = f.get("service_description").cloned() else {
                continue;
            };
            let b = out.entry(svc).or_default();
            let get = |k: &str| f.get(k).cloned().unwrap_or_default();
            match kind.as_str() {
                "servicestatus" => {
                    b.ack = (
                        get("problem_has_been_acknowledged") == "1",
                        get("acknowledgement_type").parse().unwrap_or(9),
                    )
                }
                // A downtime's own comment is checked through its downtime.
                "servicecomment" if get("entry_type") != "2" => b.comments.push((
                    get("entry_type").parse().unwrap_or(0),
                    get("persistent") == "1",
                    get("author"),
                    get("comment_data"),
                )),
                "servicedowntime" => b.downtimes.push(get("comment")),
                _ => {}
            }
        } else if let (Some((_, f)), Some((k, v))) = (block.as_mut(), l.split_once('=')) {
            f.insert(k.to_string(), v.to_string());
        }
    }
    for b in out.values_mut() {
        b.comments.sort();
        b.downtimes.sort();
    }
    out
}

/// `NAME;args` of an `EXTERNAL COMMAND:` line about a steady service.
fn logged_command(line: &str) -> Option<&str> {
    let cmd = line.split_once("] EXTERNAL COMMAND: ")?.1;
    (cmd.split(';').nth(1) == Some("steady")).then_some(cmd)
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

    std::fs::write(
        dir.join("flip-host.sh"),
        "#!/bin/sh\n\
         r=$(( ($$ * 1103515245 + 12345) / 65536 % 10 ))\n\
         if [ $r -lt 7 ]; then echo \"UP r=$r\"; exit 0; fi\n\
         echo \"DOWN r=$r\"; exit 2\n",
    )
    .unwrap();
    std::fs::write(dir.join("crit.sh"), "#!/bin/sh\necho CRITICAL\nexit 2\n").unwrap();
    std::fs::write(dir.join("up.sh"), "#!/bin/sh\necho UP\nexit 0\n").unwrap();
    for p in ["flip-host.sh", "crit.sh", "up.sh"] {
        std::fs::set_permissions(dir.join(p), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut objects = String::from(
        "define timeperiod {\n timeperiod_name 24x7\n alias always\n sunday 00:00-24:00\n monday 00:00-24:00\n tuesday 00:00-24:00\n wednesday 00:00-24:00\n thursday 00:00-24:00\n friday 00:00-24:00\n saturday 00:00-24:00\n}\n\
         define command {\n command_name flip\n command_line $USER1$/flip.sh\n}\n\
         define command {\n command_name flip-host\n command_line $USER1$/flip-host.sh\n}\n\
         define command {\n command_name crit\n command_line $USER1$/crit.sh\n}\n\
         define command {\n command_name up\n command_line $USER1$/up.sh\n}\n\
         define host {\n host_name steady\n check_command up\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n contacts admin\n}\n\
         define command {\n command_name notify-none\n command_line /bin/true\n}\n\
         define contact {\n contact_name admin\n host_notification_period 24x7\n service_notification_period 24x7\n host_notification_options n\n service_notification_options n\n host_notification_commands notify-none\n service_notification_commands notify-none\n}\n",
    );
    for s in 0..STEADY {
        objects.push_str(&format!(
            "define service {{\n host_name steady\n service_description svc{s:02}\n check_command crit\n max_check_attempts 1\n check_interval 1\n retry_interval 1\n check_period 24x7\n contacts admin\n}}\n"
        ));
    }
    for h in 0..HOSTS {
        objects.push_str(&format!(
            "define host {{\n host_name host{h:02}\n address 127.0.0.{}\n check_command flip-host\n max_check_attempts {}\n check_interval 1\n retry_interval 1\n check_period 24x7\n contacts admin\n}}\n",
            h + 1,
            2 + h % 2
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
             status_file={d}/var/status.dat\n\
             status_update_interval=1\n\
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
    // Journal checkpoints (retention.dat written off the loop, then the journal
    // rebased) every few seconds, so kills also land inside them.
    c.args(["--journal-checkpoint-bytes", "32768"]);
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
    send(s, &["SAVE_STATE_INFORMATION".to_string()]);
}

fn epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Writes command lines to the command file without blocking (skipped if vigil is
/// not reading; a command that never arrived is never logged, so never expected).
fn send(s: &Setup, cmds: &[String]) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(O_NONBLOCK)
        .open(&s.cmd)
    {
        let now = epoch();
        let text: String = cmds.iter().map(|c| format!("[{now}] {c}\n")).collect();
        let _ = f.write_all(text.as_bytes());
    }
}

/// A random acknowledgement, comment or downtime command for a steady service.
fn book_command(rng: &mut Rng, k: usize) -> String {
    let svc = format!("svc{:02}", rng.next() % STEADY as u64);
    let now = epoch();
    match rng.next() % 8 {
        0 | 1 => format!(
            "ACKNOWLEDGE_SVC_PROBLEM;steady;{svc};{};0;{};tester;ack {k}",
            1 + rng.next() % 2,
            rng.next() % 2
        ),
        2 => format!("REMOVE_SVC_ACKNOWLEDGEMENT;steady;{svc}"),
        3 | 4 => format!(
            "ADD_SVC_COMMENT;steady;{svc};{};tester;note {k}",
            rng.next() % 2
        ),
        5 => format!(
            "SCHEDULE_SVC_DOWNTIME;steady;{svc};{now};{};1;0;0;tester;dt {k}",
            now + 7200
        ),
        6 => format!("DEL_DOWNTIME_BY_HOST_NAME;steady;{svc}"),
        _ => format!("DEL_ALL_SVC_COMMENTS;steady;{svc}"),
    }
}

/// Waits for a status.dat written after `since` and returns it.
fn fresh_status(s: &Setup, since: std::time::SystemTime, limit: Duration) -> Option<String> {
    let p = s.dir.join("var/status.dat");
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(m) = std::fs::metadata(&p).and_then(|m| m.modified()) {
            if m > since {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    return Some(text);
                }
            }
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
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

    let mut expected: HashMap<Key, Shown> = HashMap::new();
    let mut books: HashMap<String, Books> = HashMap::new();
    let mut critical: std::collections::HashSet<String> = Default::default();
    let mut book_commands = 0usize;
    let mut books_compared = 0usize;
    let mut acked_seen = 0usize;
    let mut downtimes_seen = 0usize;
    let mut comments_seen = 0usize;
    let mut burst_kills = 0usize;
    let mut sent = 0usize;
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
        // Half of the runs end right after a burst of acknowledgement, comment and
        // downtime commands (0-50 ms after it); the others get a few along the way.
        let burst = rng.next() & 1 == 0;
        let mut saved = false;
        let mut next_cmd = run_for.mul_f64(rng.range(0.0, 0.5));
        while spawned.elapsed() < run_for {
            if let Some(at) = save_at {
                if !saved && spawned.elapsed() >= at {
                    save_state(&s);
                    saved = true;
                    saves += 1;
                }
            }
            if !burst && spawned.elapsed() >= next_cmd {
                let cmds: Vec<String> = (0..3).map(|_| book_command(&mut rng, sent)).collect();
                sent += cmds.len();
                send(&s, &cmds);
                next_cmd += Duration::from_millis(150);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if burst {
            burst_kills += 1;
            let cmds: Vec<String> = (0..8).map(|_| book_command(&mut rng, sent)).collect();
            sent += cmds.len();
            send(&s, &cmds);
            std::thread::sleep(Duration::from_millis(rng.next() % 50));
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();

        // Everything logged before the kill (folded in order, from where the last
        // round stopped).
        let before = read_log(&s.log);
        for line in before[scanned..].lines() {
            if let Some((initial, key, shown)) = state_line(line) {
                if key.0 == "steady" && shown.0 == "CRITICAL" {
                    critical.extend(key.1.clone());
                }
                expected.insert(key.clone(), settled(&key, &shown));
                if !initial {
                    alerts += 1;
                    if shown.1 == "HARD" && shown.0 != "OK" && shown.0 != "UP" {
                        hard_problems += 1;
                    }
                }
            } else if let Some(cmd) = logged_command(line) {
                book_commands += 1;
                let svc = cmd.split(';').nth(2).unwrap_or("").to_string();
                let crit = critical.contains(&svc);
                books.entry(svc).or_default().apply(cmd, crit);
            }
        }
        scanned = before.len();

        let restarted_at = std::time::SystemTime::now();
        child = start(&s, kill == KILLS);
        spawned = Instant::now();
        let Some(after) = wait_initial(&s, before.len(), Duration::from_secs(30)) else {
            failures.push(format!("kill {kill}: vigil did not come back"));
            continue;
        };
        survived += 1;
        let mut expected = expected.clone();
        let mut run_started = false;
        let mut restored: HashMap<Key, Shown> = HashMap::new();
        for line in after.lines() {
            if is_start(line) {
                run_started = true;
                continue;
            }
            if !run_started {
                if let Some(cmd) = logged_command(line) {
                    // A command of the last journalled batch, completed by the restart.
                    completed_lines += 1;
                    let svc = cmd.split(';').nth(2).unwrap_or("").to_string();
                    let crit = critical.contains(&svc);
                    books.entry(svc).or_default().apply(cmd, crit);
                    continue;
                }
            }
            let Some((initial, key, shown)) = state_line(line) else {
                continue;
            };
            if !run_started {
                // Lines of the last journalled batch, completed by the restart.
                completed_lines += 1;
                if key.0 == "steady" && shown.0 == "CRITICAL" {
                    critical.extend(key.1.clone());
                }
                expected.insert(key.clone(), settled(&key, &shown));
            } else if initial {
                restored.insert(key, shown);
            }
        }
        // The books of the steady services, from the first status.dat of the run.
        match fresh_status(&s, restarted_at, Duration::from_secs(10)) {
            None => failures.push(format!("kill {kill}: no status.dat after the restart")),
            Some(text) => {
                let got = status_books(&text);
                for i in 0..STEADY {
                    let svc = format!("svc{i:02}");
                    let want = books
                        .get(&svc)
                        .map(Books::after_restart)
                        .unwrap_or_default();
                    let have = got.get(&svc).cloned().unwrap_or_default();
                    books_compared += 1;
                    acked_seen += usize::from(want.ack.0);
                    downtimes_seen += want.downtimes.len();
                    comments_seen += want.comments.len();
                    if have != want {
                        lost += 1;
                        if failures.len() < 20 {
                            failures.push(format!(
                                "kill {kill}: steady;{svc} expected {want:?}, restored {have:?}"
                            ));
                        }
                    }
                }
                // What status.dat shows is what the next kill starts from; the next
                // scan starts with this run's lines (the completed ones are in).
                books = got;
                if let Some(at) = after.find(" starting... (PID=") {
                    let line_start = after[..at].rfind('\n').map_or(0, |i| i + 1);
                    scanned = before.len() + line_start;
                }
            }
        }
        for (key, want) in &expected {
            compared += 1;
            match restored.get(key) {
                Some(got) if same(key, want, got) => {}
                got => {
                    lost += 1;
                    if failures.len() < 20 {
                        failures.push(format!(
                            "kill {kill}: {} {:?} logged {want:?} before the kill, restored {got:?}",
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
        "{KILLS} kills in {:.1} s ({burst_kills} right after a burst of commands); {HOSTS} hosts + 1, {SERVICES} services; {alerts} ALERT lines seen over the kills ({hard_problems} HARD problems); {saves} retention saves requested; {compared} restored states compared (state, type, attempt); {completed_lines} log lines completed from the journal on restart",
        began.elapsed().as_secs_f64()
    );
    println!(
        "{sent} acknowledgement/comment/downtime commands sent, {book_commands} logged; {books_compared} steady services' books compared after restarts ({acked_seen} acknowledged, {comments_seen} comments, {downtimes_seen} downtimes expected in all)"
    );
    println!("last run: {stats}");
    for f in &failures {
        println!("{f}");
    }
    println!("kills survived: {survived}/{KILLS}, states lost: {lost}");

    assert_eq!(survived, KILLS, "{failures:?}");
    assert_eq!(lost, 0, "{failures:?}");
    assert_eq!(compared, KILLS * (SERVICES + HOSTS + 1));
    assert_eq!(books_compared, KILLS * STEADY);
    assert!(
        acked_seen > 50 && comments_seen > 50 && downtimes_seen > 20,
        "too few acknowledgements ({acked_seen}), comments ({comments_seen}) or downtimes ({downtimes_seen}) to mean anything"
    );
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
