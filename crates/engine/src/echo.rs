//! The terminal view (`vigil run --verbose`, `vigil handlers`, `vigil fire`): one
//! readable line per check result and per handler run, made from the same events
//! and journal entries as the log and the journal.

use vigil_events::{HandlerOutcome, HandlerRun, StateLine};

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
    if let Some(why) = &e.suppressed {
        return format!(
            "handler {} ({}) for {who} on {};{};{}: not run: {why}",
            e.directive, e.handler, e.state, e.state_type, e.attempt
        );
    }
    let mut s = format!(
        "handler {} ({}) for {who} on {};{};{}: {outcome} after {:.0} ms",
        e.directive,
        e.handler,
        e.state,
        e.state_type,
        e.attempt,
        e.duration * 1000.0
    );
    match (e.outcome.as_deref(), e.recovered_after) {
        (Some("recovered"), Some(a)) => s.push_str(&format!("; recovered after {a:.1} s")),
        (Some(o), _) => s.push_str(&format!("; {}", o.replace('_', " "))),
        _ => {}
    }
    s
}

/// `handler eh (object) for h;s on CRITICAL;SOFT;1: recovered after 3.2 s`.
pub fn describe_outcome(run: &HandlerRun, o: HandlerOutcome) -> String {
    let what = match o {
        HandlerOutcome::Recovered { after } => format!("recovered after {after:.1} s"),
        other => other.word().to_string(),
    };
    format!(
        "handler {} ({}) for {} on {};{};{}: {what}",
        run.directive,
        match run.kind {
            vigil_events::HandlerKind::Global => "global",
            vigil_events::HandlerKind::Object => "object",
        },
        run.obj,
        run.state.name(),
        run.state_type.name(),
        run.attempt
    )
}
