//! The terminal view (`vigil run --verbose`, `vigil handlers`, `vigil fire`): one
//! readable line per check result and per handler run, made from the same events
//! and journal entries as the log and the journal.

use vigil_events::StateLine;

use crate::journal::Entry;

/// `check host;svc: CRITICAL SOFT 1 - output` after a check result.
pub fn describe_check(line: &StateLine) -> String {
    format!(
        "check {}: {} {} {} - {}",
        line.obj,
        line.state.name(),
        line.state_type.name(),
        line.attempt,
        line.output.as_deref().unwrap_or("")
    )
}

/// A one-line human summary of a handler run.
pub fn describe_run(e: &Entry) -> String {
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
