//! `vigil replay MAIN.cfg LOGFILE...`: reads Nagios or vigil log files (rotated
//! archives too, in any order), runs them through `vigil_core::replay::Replay` with
//! the current configuration and prints what would have run. The files are the only
//! I/O; the replay itself is pure.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};

use vigil_core::replay::{Replay, ReplayItem, NOT_IN_LOG};
use vigil_events::logparse::{parse_line, LogEntry};

use crate::cli::{chrono_like, parse_time_arg};

/// What a log cannot tell: printed with every replay.
const LIMITS: &[&str] = &[
    "results that changed nothing are not logged (an OK that stays OK, a HARD state that repeats, \
     soft retries with log_service_retries=0 / log_host_retries=0 unless a handler line shows them); \
     vigil's state machine sees only the logged ones",
    "passive results are complete only with log_passive_checks=1 (their EXTERNAL COMMAND lines); \
     external commands only with log_external_commands=1",
    "the long output and performance data of active checks, and the output of objects that never \
     changed state, are not logged: such macro values are shown as «not in log»",
    "handler runs are taken to end at once with exit 0 (a log holds no durations), and no check runs: \
     a _VIGIL_VERIFY recheck is shown as due and the next logged result decides the outcome",
    "times are whole seconds; macros such as $LASTSERVICECHECK$ are the log line's time",
];

pub fn replay(
    config: &Path,
    logs: &[PathBuf],
    from: Option<&str>,
    to: Option<&str>,
    json: bool,
) -> Result<i32> {
    let from = parse_time_arg(from)?.map(|t| t as i64);
    let to = parse_time_arg(to)?.map(|t| t as i64);
    let model = crate::cli::load_model(config)?;
    // Each file's lines in order; files ordered by their first timestamp, so
    // rotated archives can be given in any order.
    let mut files: Vec<(i64, Vec<LogEntry>)> = Vec::new();
    let mut bad = 0u64;
    for p in logs {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            match parse_line(line) {
                Ok(e) => entries.push(e),
                Err(e) => {
                    bad += 1;
                    if bad <= 10 {
                        eprintln!("{}:{}: skipped: {e}", p.display(), n + 1);
                    }
                }
            }
        }
        let first = entries.first().map_or(i64::MAX, |e| e.time);
        files.push((first, entries));
    }
    files.sort_by_key(|(first, _)| *first);
    let mut all: Vec<LogEntry> = files.into_iter().flat_map(|(_, e)| e).collect();
    // Lines within a file are in time order already; the sort keeps equal times in
    // file order.
    all.sort_by_key(|e| e.time);
    if let Some(to) = to {
        all.retain(|e| e.time <= to);
    }
    let start = all.first().map_or(0, |e| e.time);
    let mut r = Replay::new(
        Arc::new(model),
        vigil_engine::zone::system_zone(),
        start,
        from,
    );
    for e in &all {
        r.feed(e);
    }
    let (items, counts) = r.finish();
    if json {
        let out = serde_json::json!({
            "config": config.display().to_string(),
            "logs": logs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "lines": all.len(),
            "unreadable_lines": bad,
            "fed": counts,
            "items": items,
            "not_in_log": NOT_IN_LOG,
            "limits": LIMITS,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    println!(
        "replayed {} log lines ({} results, {} from handler lines only, {} external commands) \
         through {}; nothing was run.",
        all.len(),
        counts.results,
        counts.from_handler_lines,
        counts.commands,
        config.display()
    );
    if counts.unknown_objects > 0 {
        println!(
            "{} lines name objects the current configuration does not have (left out).",
            counts.unknown_objects
        );
    }
    println!();
    let mut unknown_values = false;
    for i in &items {
        let when = chrono_like(i.time() as f64);
        match i {
            ReplayItem::Run {
                obj,
                handler,
                state,
                state_type,
                attempt,
                directive,
                argv,
                shell,
                env,
                in_log,
                ..
            } => {
                println!(
                    "{when}  would run {directive} ({}) for {obj} on {state};{state_type};{attempt}{}",
                    kind(*handler),
                    if *in_log { "  [ran then too]" } else { "  [did not run then]" }
                );
                match (argv, shell) {
                    (Some(a), _) => println!("    exec {a:?}"),
                    (None, Some(s)) => println!("    /bin/sh -c {s:?}"),
                    _ => {}
                }
                for (k, v) in env {
                    println!("    with {k}={v:?}");
                }
                unknown_values |= argv.iter().flatten().any(|a| a.contains(NOT_IN_LOG))
                    || shell.as_ref().is_some_and(|s| s.contains(NOT_IN_LOG))
                    || env.iter().any(|(_, v)| v.contains(NOT_IN_LOG));
            }
            ReplayItem::Suppressed {
                obj,
                handler,
                state,
                state_type,
                attempt,
                directive,
                reason,
                ..
            } => println!(
                "{when}  would NOT run {directive} ({}) for {obj} on {state};{state_type};{attempt}: {reason}",
                kind(*handler)
            ),
            ReplayItem::Queued { obj, directive, .. } => {
                println!("{when}  {directive} for {obj} waits for the running handler")
            }
            ReplayItem::Outcome {
                obj,
                directive,
                outcome,
                recovered_after,
                ..
            } => match recovered_after {
                Some(a) => println!("{when}  outcome of {directive} for {obj}: {outcome} after {a:.0} s"),
                None => println!("{when}  outcome of {directive} for {obj}: {outcome}"),
            },
            ReplayItem::VerifyDue { obj, .. } => println!(
                "{when}  verify recheck of {obj} due (not run in a replay; the next logged result decides)"
            ),
            ReplayItem::OnlyInLog {
                obj,
                handler,
                state,
                state_type,
                attempt,
                directive,
                ..
            } => println!(
                "{when}  ran then, would not run now: {directive} ({}) for {obj} on {state};{state_type};{attempt}",
                kind(*handler)
            ),
        }
    }
    println!();
    println!("What a log cannot tell:");
    for l in LIMITS {
        println!("  - {l}");
    }
    if unknown_values {
        println!("  ({NOT_IN_LOG} appears above.)");
    }
    Ok(0)
}

fn kind(k: vigil_events::HandlerKind) -> &'static str {
    match k {
        vigil_events::HandlerKind::Global => "global",
        vigil_events::HandlerKind::Object => "object",
    }
}
