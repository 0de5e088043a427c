//! `vigil notifications` (the notification journal: every decision, sent or not,
//! with each contact and the rule that stopped it, and the commands that ran) and
//! `vigil notify` (who would be paged now for an object, with which command lines,
//! who would not and why; with `--dry-run` nobody is paged).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context as _, Result};

use vigil_core::{Core, NotifyRequest, ObjRef};
use vigil_engine::notify_journal::{self, CommandRun, Entry, NotifyJournal};
use vigil_events::{Event, NotificationRecord, NotificationType};

use crate::cli::{chrono_like, describe_plan, load, parse_state};

/// `vigil notifications`.
pub fn list(
    config: &Path,
    host: Option<String>,
    service: Option<String>,
    last: Option<usize>,
    journal: Option<PathBuf>,
    json: bool,
) -> Result<i32> {
    let model = load(config)?;
    let path = journal.unwrap_or_else(|| notify_journal::default_path(&model.main));
    let entries =
        notify_journal::read_all(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut runs: Vec<CommandRun> = Vec::new();
    let mut decisions: Vec<NotificationRecord> = Vec::new();
    for e in entries {
        match e {
            Entry::Decision(d) => decisions.push(d),
            Entry::Command(c) => runs.push(c),
        }
    }
    let wanted = |h: &str, s: Option<&str>| {
        host.as_deref().is_none_or(|x| x == h) && service.as_deref().is_none_or(|x| Some(x) == s)
    };
    decisions.retain(|d| wanted(d.obj.host(), d.obj.service()));
    runs.retain(|r| wanted(&r.host, r.service.as_deref()));
    if let Some(n) = last {
        let skip = decisions.len().saturating_sub(n);
        decisions.drain(..skip);
    }
    let runs_of = |d: &NotificationRecord| -> Vec<&CommandRun> {
        match d.id {
            Some(id) => runs
                .iter()
                .filter(|r| r.id == id && r.host == d.obj.host())
                .collect(),
            None => Vec::new(),
        }
    };
    if json {
        let items: Vec<_> = decisions
            .iter()
            .map(|d| {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("sent".into(), serde_json::Value::Bool(d.sent()));
                    o.insert(
                        "commands_run".into(),
                        serde_json::to_value(runs_of(d)).unwrap_or_default(),
                    );
                }
                v
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(0);
    }
    if decisions.is_empty() {
        println!("no notifications recorded in {}", path.display());
        return Ok(0);
    }
    for d in &decisions {
        print_decision(d, &runs_of(d));
    }
    Ok(0)
}

fn headline(d: &NotificationRecord) -> String {
    let number = if d.kind == NotificationType::Normal || d.number > 0 {
        format!(" #{}", d.number)
    } else {
        String::new()
    };
    let what = format!("{}{number} {} {}", d.type_name, d.obj, d.state.name());
    match (&d.stopped_by, d.sent()) {
        (Some(why), _) => format!("{what}: not sent: {why}"),
        (None, true) => {
            let to: Vec<&str> = d
                .contacts
                .iter()
                .filter(|c| c.stopped_by.is_none())
                .map(|c| c.contact.as_str())
                .collect();
            let esc = if d.escalated { " (escalated)" } else { "" };
            format!("{what}: sent to {}{esc}", to.join(", "))
        }
        (None, false) => format!("{what}: not sent: no contact accepted it"),
    }
}

fn print_decision(d: &NotificationRecord, runs: &[&CommandRun]) {
    println!("{}  {}", chrono_like(d.time), headline(d));
    for c in &d.contacts {
        match &c.stopped_by {
            Some(why) => println!("    {}: not notified: {why}", c.contact),
            None => {
                for cmd in &c.commands {
                    let run = runs
                        .iter()
                        .find(|r| r.contact == c.contact && &r.command == cmd);
                    let how = match run {
                        Some(r) if r.timed_out => {
                            format!("timed out after {:.2} s", r.duration)
                        }
                        Some(r) => match (r.exit_code, r.signal, &r.error) {
                            (Some(code), _, _) => {
                                format!("exit {code} in {:.3} s", r.duration)
                            }
                            (_, Some(sig), _) => format!("killed by signal {sig}"),
                            (_, _, Some(e)) => format!("did not run: {e}"),
                            _ => "ended".into(),
                        },
                        None => "no result recorded".into(),
                    };
                    println!("    {}: {cmd} ({how})", c.contact);
                    if let Some(r) = run {
                        for l in r.output.trim_end().lines().take(3) {
                            println!("        | {l}");
                        }
                    }
                }
            }
        }
    }
}

/// The options of `vigil notify`.
pub struct NotifyArgs {
    /// Main configuration.
    pub config: PathBuf,
    /// The host.
    pub host: String,
    /// The service, if any.
    pub service: Option<String>,
    /// `--type`.
    pub kind: String,
    /// `--state`: set the object's state first.
    pub state: Option<String>,
    /// `--author`.
    pub author: Option<String>,
    /// `--comment`.
    pub comment: Option<String>,
    /// `--options` (custom notifications: 1 broadcast, 2 forced, 4 increment).
    pub options: u32,
    /// Show only, page nobody.
    pub dry_run: bool,
    /// The notification journal.
    pub journal: Option<PathBuf>,
    /// JSON output.
    pub json: bool,
}

/// `vigil notify`.
pub fn notify(a: NotifyArgs) -> Result<i32> {
    let model = load(&a.config)?;
    if model.find_host(&a.host).is_none() {
        bail!("no host '{}'", a.host);
    }
    let obj = match &a.service {
        Some(s) => ObjRef::Service(
            model
                .find_service(&a.host, s)
                .ok_or_else(|| anyhow!("no service '{s}' on host '{}'", a.host))?,
        ),
        None => ObjRef::Host(
            model
                .find_host(&a.host)
                .ok_or_else(|| anyhow!("no host '{}'", a.host))?,
        ),
    };
    let kind = NotificationType::parse(&a.kind).ok_or_else(|| {
        anyhow!(
            "invalid notification type '{}'; expected PROBLEM, RECOVERY, ACKNOWLEDGEMENT, \
             FLAPPINGSTART, FLAPPINGSTOP, FLAPPINGDISABLED, DOWNTIMESTART, DOWNTIMEEND, \
             DOWNTIMECANCELLED or CUSTOM",
            a.kind
        )
    })?;
    let jpath = a
        .journal
        .clone()
        .unwrap_or_else(|| notify_journal::default_path(&model.main));
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
    core.start_books(now);
    core.take_events();
    if let Some(s) = &a.state {
        let id = parse_state(s, a.service.is_none())?;
        core.set_state_for_tools(obj, id);
    }
    let outcome = core.notify_now(
        obj,
        NotifyRequest {
            kind,
            author: a.author.clone(),
            comment: a.comment.clone(),
            options: a.options,
        },
        now,
    );
    let log: Vec<String> = core
        .take_events()
        .iter()
        .filter(|e| matches!(e, Event::Notification(_)))
        .flat_map(Event::lines)
        .collect();
    let rec = &outcome.record;
    if a.dry_run {
        if a.json {
            let runs: Vec<_> = outcome
                .runs
                .iter()
                .map(|(run, job)| {
                    serde_json::json!({
                        "contact": run.contact,
                        "directive": run.directive,
                        "command": run.command,
                        "exec": describe_plan(&job.plan),
                        "timeout_seconds": job.timeout.round() as u64,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "dry_run": true,
                    "decision": rec,
                    "sent": rec.sent(),
                    "would_log": log,
                    "would_run": runs,
                }))?
            );
        } else {
            println!("dry run: {}", headline(rec));
            for c in &rec.contacts {
                match &c.stopped_by {
                    Some(why) => println!("    {}: would not be notified: {why}", c.contact),
                    None => println!("    {}: would be notified", c.contact),
                }
            }
            for (run, job) in &outcome.runs {
                println!("would run for {}: {}", run.contact, run.command);
                println!("    {}", describe_plan(&job.plan));
            }
            for l in &log {
                println!("would log: {l}");
            }
        }
        return Ok(0);
    }
    // For real: run the commands, record the decision and their results.
    let mut j = NotifyJournal::open(&jpath, notify_journal::DEFAULT_MAX_BYTES)
        .with_context(|| format!("opening {}", jpath.display()))?;
    j.record(&Entry::Decision(rec.clone()))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut all_ok = true;
    let mut results = Vec::new();
    for (run, job) in &outcome.runs {
        let job = vigil_exec::Job {
            plan: job.plan.clone(),
            timeout: std::time::Duration::from_secs_f64(job.timeout),
            env: job.env.clone(),
            cwd: None,
            max_output: job.max_output,
        };
        let res = vigil_engine::runner::job_result(rt.block_on(vigil_exec::run(job)));
        let mut output = String::from_utf8_lossy(&res.stdout).into_owned();
        output.push_str(&String::from_utf8_lossy(&res.stderr));
        let output: String = output
            .chars()
            .take(vigil_core::notify::MAX_NOTIFICATION_OUTPUT)
            .collect();
        let r = CommandRun::of(run, &res.end, res.start, res.duration, &output);
        all_ok &= r.exit_code == Some(0);
        j.record(&Entry::Command(r.clone()))?;
        results.push(r);
    }
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "dry_run": false,
                "decision": rec,
                "sent": rec.sent(),
                "log": log,
                "ran": results,
            }))?
        );
    } else {
        let refs: Vec<&CommandRun> = results.iter().collect();
        print_decision(rec, &refs);
    }
    Ok(if all_ok { 0 } else { 1 })
}
