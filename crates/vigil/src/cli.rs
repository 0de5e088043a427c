//! Command-line parsing and the subcommands (`notifications` and `notify` live in
//! `notifications.rs`). Errors are reported here, with
//! context; the library crates return typed errors.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Parser, Subcommand};

use vigil_config::{Diagnostic, Model, Severity};
use vigil_core::{Core, ObjRef};
use vigil_engine::{echo, journal};
use vigil_events::Event;

#[derive(Parser, Debug)]
#[command(
    name = "vigil",
    version,
    about = "A Nagios-compatible monitoring core with recorded, testable event handlers",
    long_about = "vigil reads an existing Nagios / Naemon configuration, runs the standard \
plugins, moves hosts and services through SOFT/HARD states as Nagios Core 4 does, and runs \
event handlers.\n\nAs with nagios: `vigil -v MAIN.cfg` verifies, `vigil MAIN.cfg` runs."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Verify a configuration like `nagios -v`: every error with file:line, then object counts.
    ///
    /// Without a `log_file=` line the log file is /var/log/vigil/vigil.log (Nagios falls
    /// back to its own compiled-in default).
    Verify {
        /// Main configuration file (nagios.cfg / naemon.cfg syntax).
        config: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run the monitoring core in the foreground until SIGTERM / SIGINT.
    ///
    /// Without a `log_file=` line vigil logs to /var/log/vigil/vigil.log (Nagios falls back
    /// to its own compiled-in default).
    Run {
        /// Main configuration file (nagios.cfg / naemon.cfg syntax).
        config: PathBuf,
        /// Print log lines and handler outcomes on stderr as they happen.
        #[arg(long, short = 'V')]
        verbose: bool,
        /// Handler journal file (default: vigil-handlers.jsonl next to the retention file).
        #[arg(long)]
        journal: Option<PathBuf>,
        /// Serve the web UI, JSON API and /metrics on ADDR:PORT (also `[http] listen`
        /// in vigil.toml next to MAIN.cfg). Without an htpasswd file only a loopback
        /// address is accepted.
        #[arg(long, value_name = "ADDR:PORT")]
        http: Option<String>,
        /// Fold the state journal (retention.dat.wal) into retention.dat once it is
        /// larger than BYTES (default: 16 MiB or half the size of retention.dat,
        /// whichever is more). The fold runs beside the checks.
        #[arg(long, value_name = "BYTES")]
        journal_checkpoint_bytes: Option<u64>,
    },
    /// Show the problems (and a summary) of a running vigil, through its web API.
    ///
    /// The address is --url, else the URL the running vigil wrote next to its handler
    /// journal (vigil-http.url), else `[http] listen` of vigil.toml. With
    /// authentication: --user, and the password in $VIGIL_PASSWORD.
    Status {
        config: PathBuf,
        /// Only the problems.
        #[arg(long)]
        problems: bool,
        /// Print the API's JSON.
        #[arg(long)]
        json: bool,
        /// The web UI's URL (http://127.0.0.1:8080/).
        #[arg(long)]
        url: Option<String>,
        /// User name (the password is read from $VIGIL_PASSWORD).
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        journal: Option<PathBuf>,
    },
    /// Show the recorded event handler runs, their outcomes, or (--stats) statistics.
    Handlers {
        config: PathBuf,
        /// Per handler command and per object: runs, recovered %, median and p90 time
        /// to recovery, failures, timeouts, suppressed by policy.
        #[arg(long)]
        stats: bool,
        /// Only what happened since T: Unix seconds, YYYY-MM-DD[THH:MM[:SS]] (UTC), or
        /// an age such as 7d, 12h, 30m.
        #[arg(long)]
        since: Option<String>,
        /// Only runs for this host.
        #[arg(long)]
        host: Option<String>,
        /// Only runs for this service description.
        #[arg(long)]
        service: Option<String>,
        /// Only the last N runs.
        #[arg(long)]
        last: Option<usize>,
        #[arg(long)]
        journal: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// What-if: feed the check results recorded in Nagios or vigil log files through
    /// the current configuration and show which event handlers would run, when, with
    /// which command lines and policy decisions. Runs nothing.
    Replay {
        config: PathBuf,
        /// Log files (nagios.log, rotated archives), in any order.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// Report from T on (earlier lines still set the states): Unix seconds,
        /// YYYY-MM-DD[THH:MM[:SS]] (UTC), or an age such as 7d.
        #[arg(long)]
        from: Option<String>,
        /// Stop at T.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Run (or with --dry-run, show) an object's event handlers exactly as the scheduler
    /// would for the given transition.
    Fire {
        config: PathBuf,
        host: String,
        service: Option<String>,
        /// OK, WARNING, CRITICAL, UNKNOWN (services) or UP, DOWN, UNREACHABLE (hosts).
        #[arg(long)]
        state: String,
        /// SOFT or HARD.
        #[arg(long = "type", default_value = "HARD")]
        state_type: String,
        #[arg(long, default_value_t = 1)]
        attempt: u32,
        /// Print what would run, run nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        journal: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Show the notification journal: every notification decision, sent or not, each
    /// contact considered and the rule that stopped it, and the commands that ran.
    Notifications {
        config: PathBuf,
        /// Only notifications of this host.
        #[arg(long)]
        host: Option<String>,
        /// Only notifications of this service description.
        #[arg(long)]
        service: Option<String>,
        /// Only the last N decisions.
        #[arg(long)]
        last: Option<usize>,
        /// Notification journal file (default: vigil-notifications.jsonl next to the
        /// retention file).
        #[arg(long)]
        journal: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Send (or with --dry-run, show) a notification of an object as the core would
    /// now: who would be paged, with which command lines, who would not and why.
    Notify {
        config: PathBuf,
        host: String,
        service: Option<String>,
        /// PROBLEM (or RECOVERY: by the object's state), ACKNOWLEDGEMENT, FLAPPINGSTART,
        /// FLAPPINGSTOP, FLAPPINGDISABLED, DOWNTIMESTART, DOWNTIMEEND, DOWNTIMECANCELLED,
        /// CUSTOM.
        #[arg(long = "type", default_value = "PROBLEM")]
        kind: String,
        /// Put the object in this HARD state first (OK, WARNING, ... / UP, DOWN, ...);
        /// default: its current state.
        #[arg(long)]
        state: Option<String>,
        /// Author (acknowledgements, downtimes, custom notifications).
        #[arg(long)]
        author: Option<String>,
        /// Comment (acknowledgements, downtimes, custom notifications).
        #[arg(long)]
        comment: Option<String>,
        /// Custom notification options: 1 broadcast, 2 forced, 4 increment.
        #[arg(long, default_value_t = 0)]
        options: u32,
        /// Show what would happen, page nobody.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        journal: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

/// Rewrites nagios-style invocations (`vigil -v CFG`, `vigil CFG`) into subcommands.
fn normalize_args(mut args: Vec<String>) -> Vec<String> {
    const SUBS: [&str; 9] = [
        "verify",
        "run",
        "handlers",
        "fire",
        "replay",
        "status",
        "notifications",
        "notify",
        "help",
    ];
    if args.len() >= 2 {
        let a = args[1].clone();
        if a == "-v" || a == "--verify-config" {
            args[1] = "verify".into();
        } else if !a.starts_with('-') && !SUBS.contains(&a.as_str()) {
            args.insert(1, "run".into());
        }
    }
    args
}

pub fn main() -> i32 {
    let cli = Cli::parse_from(normalize_args(std::env::args().collect()));
    let res = match cli.cmd {
        Cmd::Verify { config, json } => verify(&config, json),
        Cmd::Run {
            config,
            verbose,
            journal,
            http,
            journal_checkpoint_bytes,
        } => run(&config, verbose, journal, http, journal_checkpoint_bytes),
        Cmd::Status {
            config,
            problems,
            json,
            url,
            user,
            journal,
        } => crate::status::status(&config, problems, json, url, user, journal),
        Cmd::Handlers {
            config,
            stats,
            since,
            host,
            service,
            last,
            journal,
            json,
        } => match parse_time_arg(since.as_deref()) {
            Ok(since) if stats => handler_stats(&config, since, journal, json),
            Ok(since) => handlers(&config, host, service, last, since, journal, json),
            Err(e) => Err(e),
        },
        Cmd::Replay {
            config,
            logs,
            from,
            to,
            json,
        } => crate::replay::replay(&config, &logs, from.as_deref(), to.as_deref(), json),
        Cmd::Fire {
            config,
            host,
            service,
            state,
            state_type,
            attempt,
            dry_run,
            journal,
            json,
        } => fire(
            &config,
            &host,
            service.as_deref(),
            &state,
            &state_type,
            attempt,
            dry_run,
            journal,
            json,
        ),
        Cmd::Notifications {
            config,
            host,
            service,
            last,
            journal,
            json,
        } => crate::notifications::list(&config, host, service, last, journal, json),
        Cmd::Notify {
            config,
            host,
            service,
            kind,
            state,
            author,
            comment,
            options,
            dry_run,
            journal,
            json,
        } => crate::notifications::notify(crate::notifications::NotifyArgs {
            config,
            host,
            service,
            kind,
            state,
            author,
            comment,
            options,
            dry_run,
            journal,
            json,
        }),
    };
    match res {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vigil: {e:#}");
            1
        }
    }
}

fn print_diag(d: &Diagnostic) {
    eprintln!("{d}");
}

/// Loads a configuration for the commands that need a valid one.
pub(crate) fn load_model(config: &Path) -> Result<Model> {
    load(config)
}

/// Loads a configuration for the commands that need a valid one.
pub(crate) fn load(config: &Path) -> Result<Model> {
    match vigil_config::load(config) {
        Ok((model, warnings)) => {
            for w in &warnings {
                print_diag(w);
            }
            Ok(model)
        }
        Err(e) => {
            for d in &e.diagnostics {
                print_diag(d);
            }
            bail!(
                "{}: configuration has {} error(s); run `vigil verify {}`",
                config.display(),
                e.errors().count(),
                config.display()
            )
        }
    }
}

fn verify(config: &Path, json: bool) -> Result<i32> {
    let t0 = Instant::now();
    let res = vigil_config::load(config);
    let elapsed = t0.elapsed();
    let (model, diags) = match res {
        Ok((m, w)) => (Some(m), w),
        Err(e) => (None, e.diagnostics),
    };
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if json {
        let counts = model.as_ref().map(|m| {
            let c = m.counts();
            serde_json::json!({
                "services": c.services, "hosts": c.hosts, "hostgroups": c.hostgroups,
                "servicegroups": c.servicegroups, "contacts": c.contacts,
                "contactgroups": c.contactgroups, "commands": c.commands,
                "timeperiods": c.timeperiods, "host_escalations": c.host_escalations,
                "service_escalations": c.service_escalations,
                "host_dependencies": c.host_dependencies,
                "service_dependencies": c.service_dependencies,
            })
        });
        let ds: Vec<_> = diags
            .iter()
            .map(|d| {
                serde_json::json!({
                    "severity": match d.severity { Severity::Warning => "warning", Severity::Error => "error" },
                    "file": d.location.as_ref().map(|l| l.file.display().to_string()),
                    "line": d.location.as_ref().map(|l| l.line),
                    "message": d.message,
                })
            })
            .collect();
        let out = serde_json::json!({
            "config": config.display().to_string(),
            "ok": errors == 0,
            "warnings": warnings,
            "errors": errors,
            "counts": counts,
            "diagnostics": ds,
            "elapsed_seconds": elapsed.as_secs_f64(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        std::mem::forget(model);
        return Ok(if errors == 0 { 0 } else { 1 });
    }
    println!(
        "vigil {} verifying {}",
        env!("CARGO_PKG_VERSION"),
        config.display()
    );
    println!();
    for d in &diags {
        println!("{d}");
    }
    if !diags.is_empty() {
        println!();
    }
    if let Some(m) = &model {
        let c = m.counts();
        println!("Checking objects...");
        for (n, what) in [
            (c.services, "services"),
            (c.hosts, "hosts"),
            (c.hostgroups, "host groups"),
            (c.servicegroups, "service groups"),
            (c.contacts, "contacts"),
            (c.contactgroups, "contact groups"),
            (c.commands, "commands"),
            (c.timeperiods, "time periods"),
            (c.host_escalations, "host escalations"),
            (c.service_escalations, "service escalations"),
            (c.host_dependencies, "host dependencies"),
            (c.service_dependencies, "service dependencies"),
        ] {
            println!("\tChecked {n} {what}.");
        }
        println!();
    }
    // The process ends right after this: freeing 100k objects one by one would only
    // add time (about 20 ms on the 100k-service benchmark).
    std::mem::forget(model);
    println!("Total Warnings: {warnings}");
    println!("Total Errors:   {errors}");
    println!();
    if errors == 0 {
        println!(
            "Things look okay - No serious problems were detected during the pre-flight check"
        );
        Ok(0)
    } else {
        println!("***> One or more problems was encountered while running the pre-flight check...");
        Ok(1)
    }
}

fn run(
    config: &Path,
    verbose: bool,
    journal: Option<PathBuf>,
    http: Option<String>,
    checkpoint_bytes: Option<u64>,
) -> Result<i32> {
    let model = load(config)?;
    if !drop_privileges(&model, journal.clone()) {
        return Ok(1);
    }
    let settings = vigil_web::Settings::load(config, http.as_deref())?;
    let mut url_file = None;
    let hooks = match settings.listen {
        None => None,
        Some(_) => {
            let (auth, warnings) = vigil_web::load_auth(&settings)?;
            for w in warnings {
                eprintln!("vigil: warning: {w}");
            }
            let paths = vigil_web::Paths {
                journal: journal_path(&model, journal.clone()),
                log_file: model.main.log_file.clone(),
            };
            let objects = model.hosts.len() + model.services.len();
            let started = vigil_web::start(
                &settings,
                auth,
                &paths,
                objects,
                vigil_engine::zone::system_zone(),
            )?;
            eprintln!("vigil: web UI on http://{}/", started.addr);
            url_file = Some((
                vigil_web::url_file(&paths.journal),
                format!("http://{}/", started.addr),
            ));
            Some(started.hooks)
        }
    };
    let cfg = config.to_path_buf();
    let reload = move || {
        vigil_config::load(&cfg).map(|(m, _)| m).map_err(|e| {
            e.diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let opts = vigil_engine::RunOptions {
        echo: verbose,
        journal,
        notification_journal: None,
        checkpoint_bytes,
    };
    let end = vigil_engine::run_blocking_with(model, opts, hooks, reload);
    if let Some((path, url)) = url_file {
        // Only ours: a second vigil refused by the lock file never wrote it.
        if std::fs::read_to_string(&path).is_ok_and(|s| s.trim() == url) {
            let _ = std::fs::remove_file(&path);
        }
    }
    match end.context("vigil run")? {
        vigil_engine::RunEnd::Clean => Ok(0),
        vigil_engine::RunEnd::StateNotSaved => {
            eprintln!(
                "vigil: stopped without saving every state change (the state journal or \
                 retention.dat could not be written; see the log)"
            );
            Ok(3)
        }
    }
}

/// `nagios_user` / `nagios_group`, as Nagios 4.4.6 applies them right after reading
/// the configuration: before any file is created and any process started. False
/// when they cannot be applied: Nagios's lines are logged (and printed) and vigil
/// stops. Staying root because neither is set is allowed but said loudly (Nagios
/// would use its compiled-in user).
fn drop_privileges(model: &Model, journal: Option<PathBuf>) -> bool {
    use vigil_engine::privileges::{self, Dropped};
    let main = &model.main;
    let own = privileges::appended_files(main, &journal_path(model, journal));
    let own: Vec<&Path> = own.iter().map(PathBuf::as_path).collect();
    let user = main.raw_value("nagios_user");
    let group = main.raw_value("nagios_group");
    match privileges::drop_privileges(user, group, &own) {
        // nagios_user=root is the admin's explicit choice: as quiet as Nagios.
        Ok(Dropped::NotRoot | Dropped::To { .. }) => true,
        Ok(Dropped::NotConfigured) => {
            // Nagios would fall back to its compiled-in user (nagios on Debian).
            eprintln!(
                "vigil: WARNING: running as root because nagios_user / nagios_group are \
                 not set in {}: every check, event handler and OCSP/OCHP/perfdata command \
                 runs as root and every file vigil writes belongs to root; set them to the \
                 user Nagios runs as (nagios/nagios on Debian)",
                main.path.display()
            );
            true
        }
        Err(e) => {
            let mut lines = e.lines;
            lines.push("Failed to drop privileges.  Aborting.".to_string());
            let now = vigil_engine::runner::now_secs() as i64;
            let mut log = vigil_engine::logfile::LogFile::open(&main.log_file).ok();
            for l in &lines {
                eprintln!("{l}");
                if let Some(log) = log.as_mut() {
                    log.write(now, l);
                }
            }
            false
        }
    }
}

pub(crate) fn journal_path(model: &Model, journal: Option<PathBuf>) -> PathBuf {
    journal.unwrap_or_else(|| journal::default_path(&model.main))
}

fn handlers(
    config: &Path,
    host: Option<String>,
    service: Option<String>,
    last: Option<usize>,
    since: Option<f64>,
    journal_file: Option<PathBuf>,
    json: bool,
) -> Result<i32> {
    let model = load(config)?;
    let path = journal_path(&model, journal_file);
    let mut entries: Vec<_> = journal::read_all(&path)
        .with_context(|| format!("reading {}", path.display()))?
        .into_iter()
        .filter(|e| since.is_none_or(|t| e.start >= t))
        .filter(|e| host.as_ref().is_none_or(|h| &e.host == h))
        .filter(|e| {
            service
                .as_ref()
                .is_none_or(|s| e.service.as_ref() == Some(s))
        })
        .collect();
    if let Some(n) = last {
        let skip = entries.len().saturating_sub(n);
        entries.drain(..skip);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(0);
    }
    if entries.is_empty() {
        println!("no handler runs recorded in {}", path.display());
        return Ok(0);
    }
    for e in &entries {
        let when = chrono_like(e.start);
        println!("{when}  {}", echo::describe_run(e));
        println!("    command: {}", e.command);
        let out = e.output.trim_end();
        if !out.is_empty() {
            for l in out.lines().take(5) {
                println!("    | {l}");
            }
        }
    }
    Ok(0)
}

/// `--since` / `--from` / `--to`: Unix seconds, `YYYY-MM-DD[THH:MM[:SS]]` in UTC,
/// or an age (`7d`, `12h`, `30m`, `90s`) before now.
pub(crate) fn parse_time_arg(v: Option<&str>) -> Result<Option<f64>> {
    let Some(v) = v.map(str::trim) else {
        return Ok(None);
    };
    if let Ok(n) = v.parse::<f64>() {
        return Ok(Some(n));
    }
    if v.ends_with(['s', 'm', 'h', 'd']) {
        if let Ok(age) = vigil_config::policy::duration(v) {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0);
            return Ok(Some(now - age));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, fmt) {
            return Ok(Some(t.and_utc().timestamp() as f64));
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(Some(t.and_utc().timestamp() as f64));
        }
    }
    bail!("invalid time '{v}': expected Unix seconds, YYYY-MM-DD[THH:MM[:SS]] (UTC) or an age such as 7d")
}

fn handler_stats(
    config: &Path,
    since: Option<f64>,
    journal_file: Option<PathBuf>,
    json: bool,
) -> Result<i32> {
    let model = load(config)?;
    let path = journal_path(&model, journal_file);
    let st = vigil_engine::stats::journal_stats(&path, since)
        .with_context(|| format!("reading {}", path.display()))?;
    let row = |name: &str, c: &vigil_engine::stats::Counters| {
        serde_json::json!({
            "name": name,
            "runs": c.runs,
            "recovered": c.recovered,
            "not_recovered": c.not_recovered,
            "superseded": c.superseded,
            "unknown": c.unknown,
            "recovered_percent": c.recovered_percent(),
            "median_recovery_seconds": c.recovery_quantile(0.5),
            "p90_recovery_seconds": c.recovery_quantile(0.9),
            "failures": c.failures,
            "timeouts": c.timeouts,
            "suppressed": c.suppressed,
        })
    };
    if json {
        let out = serde_json::json!({
            "journal": path.display().to_string(),
            "since": since,
            "by_command": st.by_command.iter().map(|(n, c)| row(n, c)).collect::<Vec<_>>(),
            "by_object": st.by_object.iter().map(|(n, c)| row(n, c)).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    if st.by_command.is_empty() {
        println!("no handler runs recorded in {}", path.display());
        return Ok(0);
    }
    let opt = |v: Option<f64>, unit: &str| match v {
        Some(x) => format!("{x:.1}{unit}"),
        None => "-".to_string(),
    };
    for (title, map) in [
        ("handler command", &st.by_command),
        ("object", &st.by_object),
    ] {
        println!(
            "{title:<32} {:>6} {:>10} {:>9} {:>9} {:>8} {:>8} {:>10}",
            "runs", "recovered", "median", "p90", "failures", "timeouts", "suppressed"
        );
        for (name, c) in map {
            println!(
                "{name:<32} {:>6} {:>10} {:>9} {:>9} {:>8} {:>8} {:>10}",
                c.runs,
                opt(c.recovered_percent(), "%"),
                opt(c.recovery_quantile(0.5), "s"),
                opt(c.recovery_quantile(0.9), "s"),
                c.failures,
                c.timeouts,
                c.suppressed
            );
        }
        println!();
    }
    println!(
        "recovered %: runs that recovered among those whose outcome was decided either way \
         (superseded and unknown runs are not counted); median / p90: seconds from the \
         handler's start to the first OK / UP result."
    );
    Ok(0)
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
pub(crate) fn chrono_like(t: f64) -> String {
    let secs = t as i64;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub(crate) fn parse_state(s: &str, host: bool) -> Result<u8> {
    let names: &[&str] = if host {
        &["UP", "DOWN", "UNREACHABLE"]
    } else {
        &["OK", "WARNING", "CRITICAL", "UNKNOWN"]
    };
    let up = s.to_ascii_uppercase();
    if let Some(i) = names.iter().position(|n| *n == up) {
        return Ok(i as u8);
    }
    if let Ok(n) = up.parse::<u8>() {
        if (n as usize) < names.len() {
            return Ok(n);
        }
    }
    Err(anyhow!(
        "invalid state '{s}'; expected one of {}",
        names.join(", ")
    ))
}

#[allow(clippy::too_many_arguments)]
fn fire(
    config: &Path,
    host: &str,
    service: Option<&str>,
    state: &str,
    state_type: &str,
    attempt: u32,
    dry_run: bool,
    journal_file: Option<PathBuf>,
    json: bool,
) -> Result<i32> {
    let model = load(config)?;
    // An unknown host is reported as such, not as a missing service on it.
    if model.find_host(host).is_none() {
        bail!("no host '{host}'");
    }
    let obj = match service {
        Some(s) => ObjRef::Service(
            model
                .find_service(host, s)
                .ok_or_else(|| anyhow!("no service '{s}' on host '{host}'"))?,
        ),
        None => ObjRef::Host(
            model
                .find_host(host)
                .ok_or_else(|| anyhow!("no host '{host}'"))?,
        ),
    };
    let st = parse_state(state, service.is_none())?;
    let ty = match state_type.to_ascii_uppercase().as_str() {
        "SOFT" => vigil_state::StateType::Soft,
        "HARD" => vigil_state::StateType::Hard,
        other => bail!("invalid state type '{other}'; expected SOFT or HARD"),
    };
    if attempt == 0 {
        bail!("--attempt must be at least 1");
    }
    let jpath = journal_path(&model, journal_file);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let mut core = Core::new(
        Arc::new(model),
        vigil_engine::zone::system_zone(),
        now,
        std::process::id(),
    );
    vigil_engine::restore_for_tools(&mut core, now);
    core.take_events(); // restore notes are not this command's business
    let spawns = core.fire(obj, st, ty, attempt, now);
    let log: Vec<String> = core.take_events().iter().flat_map(Event::lines).collect();
    if spawns.is_empty() {
        let held = log
            .iter()
            .any(|l| l.contains(" EVENT HANDLER SUPPRESSED: "));
        let why = if !core.program().enable_event_handlers {
            "event handlers are disabled (enable_event_handlers=0)"
        } else if held {
            "a vigil handler policy holds them back (see the log line)"
        } else {
            "no event handler is configured or enabled for this object"
        };
        if !json {
            for l in &log {
                println!("log: {l}");
            }
        }
        if json {
            println!(
                "{}",
                serde_json::json!({"ran": [], "reason": why, "log": log})
            );
        } else {
            println!("nothing to run: {why}");
        }
        return Ok(0);
    }
    if dry_run {
        let items: Vec<_> = spawns
            .iter()
            .map(|(run, job)| {
                serde_json::json!({
                    "handler": run.kind,
                    "directive": run.directive,
                    "command": run.command,
                    "exec": describe_plan(&job.plan),
                    "timeout_seconds": job.timeout.round() as u64,
                    "environment_variables": job.env.len(),
                })
            })
            .collect();
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"dry_run": true, "log": log, "would_run": items})
                )?
            );
        } else {
            for l in &log {
                println!("log: {l}");
            }
            for (run, job) in &spawns {
                println!("would run: {}", run.command);
                println!("    {}", describe_plan(&job.plan));
            }
        }
        return Ok(0);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut j = journal::Journal::open(&jpath, journal::DEFAULT_MAX_BYTES)
        .with_context(|| format!("opening {}", jpath.display()))?;
    let mut entries = Vec::new();
    let mut all_ok = true;
    for (run, job) in spawns {
        let job = vigil_exec::Job {
            plan: job.plan,
            timeout: std::time::Duration::from_secs_f64(job.timeout),
            env: job.env,
            cwd: None,
            max_output: job.max_output,
        };
        let res = vigil_engine::runner::job_result(rt.block_on(vigil_exec::run(job)));
        let mut output = String::from_utf8_lossy(&res.stdout).into_owned();
        output.push_str(&String::from_utf8_lossy(&res.stderr));
        let output: String = output
            .chars()
            .take(vigil_core::MAX_HANDLER_OUTPUT)
            .collect();
        let e = journal::Entry::of_run(&run, &res.end, res.start, res.duration, &output, false);
        j.record(&e)?;
        all_ok &= e.exit_code == Some(0);
        entries.push(e);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"dry_run": false, "log": log, "ran": entries})
            )?
        );
    } else {
        for l in &log {
            println!("log: {l}");
        }
        for e in &entries {
            println!("{}", echo::describe_run(e));
            for l in e.output.trim_end().lines().take(20) {
                println!("    | {l}");
            }
        }
    }
    Ok(if all_ok { 0 } else { 1 })
}

pub(crate) fn describe_plan(p: &vigil_exec::Plan) -> String {
    match p {
        vigil_exec::Plan::Direct { argv, env } => {
            let mut s = String::from("exec");
            for (k, v) in env {
                s.push_str(&format!(" {k}={v:?}"));
            }
            for a in argv {
                s.push_str(&format!(" {a:?}"));
            }
            s
        }
        vigil_exec::Plan::Shell { script, env } => {
            let mut s = format!("/bin/sh -c {script:?}");
            for (k, v) in env {
                s.push_str(&format!("\n    with {k}={v:?}"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nagios_style_invocations() {
        assert_eq!(
            normalize_args(v(&["vigil", "-v", "x.cfg"])),
            v(&["vigil", "verify", "x.cfg"])
        );
        assert_eq!(
            normalize_args(v(&["vigil", "x.cfg"])),
            v(&["vigil", "run", "x.cfg"])
        );
        assert_eq!(
            normalize_args(v(&["vigil", "fire", "x"])),
            v(&["vigil", "fire", "x"])
        );
        assert_eq!(
            normalize_args(v(&["vigil", "--help"])),
            v(&["vigil", "--help"])
        );
    }

    #[test]
    fn utc_time_format() {
        assert_eq!(chrono_like(0.0), "1970-01-01 00:00:00Z");
        assert_eq!(chrono_like(1795643438.0), "2026-11-25 21:50:38Z");
    }

    #[test]
    fn time_arguments() {
        assert_eq!(parse_time_arg(None).unwrap(), None);
        assert_eq!(
            parse_time_arg(Some("1795643438")).unwrap(),
            Some(1795643438.0)
        );
        assert_eq!(
            parse_time_arg(Some("2026-11-25T21:50:38")).unwrap(),
            Some(1795643438.0)
        );
        assert_eq!(parse_time_arg(Some("1970-01-02")).unwrap(), Some(86400.0));
        let ago = parse_time_arg(Some("7d")).unwrap().unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        assert!((now - 7.0 * 86400.0 - ago).abs() < 60.0);
        assert!(parse_time_arg(Some("last tuesday")).is_err());
    }

    #[test]
    fn state_names() {
        assert_eq!(parse_state("critical", false).unwrap(), 2);
        assert_eq!(parse_state("DOWN", true).unwrap(), 1);
        assert!(parse_state("DOWN", false).is_err());
    }
}
