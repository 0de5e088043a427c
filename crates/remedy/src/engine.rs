//! One handler run: select the rules for the event, apply each rule's policy
//! (cooldown, rate limit — recorded under the state lock before anything runs), run
//! or describe (dry run) its actions in order, and audit every decision.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use vigil_handler::Event;

use crate::actions::{describe_action, run_action, RunContext};
use crate::audit::{Audit, Decision, Record};
use crate::config::Rules;
use crate::policy::{object_key, StateStore, Verdict};

/// Run options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Run nothing; audit what would run (`--dry-run`).
    pub dry_run: bool,
    /// The time to decide at (Unix ms); `None` is now. For tests.
    pub now_ms: Option<u64>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Rules that matched.
    pub matched: usize,
    /// Actions that ran and succeeded.
    pub ran: usize,
    /// Actions (or policy checks) that failed.
    pub failed: usize,
    /// Rules skipped by cooldown or rate limit.
    pub skipped: usize,
    /// Actions described instead of run.
    pub dry_run: usize,
}

impl Report {
    /// The handler's exit code: 0, or 1 when something failed.
    pub fn exit_code(&self) -> i32 {
        if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// The current time in Unix ms.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn secs(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{s:.1} s")
    }
}

/// Handles one event with `rules`, auditing to `audit`.
pub fn handle(rules: &Rules, ev: &Event, opts: &Options, audit: &mut Audit) -> Report {
    let mut report = Report::default();
    let now = opts.now_ms.unwrap_or_else(now_ms);
    let selected = rules.select(ev);
    let global_dry = opts.dry_run || rules.settings.dry_run;

    if selected.is_empty() {
        let mut reasons: Vec<String> = rules
            .rules
            .iter()
            .take(5)
            .map(|r| format!("{}: {}", r.name, r.mismatch(ev).unwrap_or_default()))
            .collect();
        if rules.rules.len() > 5 {
            reasons.push(format!("and {} more", rules.rules.len() - 5));
        }
        let detail = if reasons.is_empty() {
            "no rules".to_string()
        } else {
            format!("no rule matched ({})", reasons.join("; "))
        };
        audit.log(ev, &Record::new(Decision::NoMatch, detail), global_dry);
        return report;
    }

    for rule in selected {
        report.matched += 1;
        let dry = global_dry || rule.dry_run;
        let n = rule.actions.len();
        audit.log(
            ev,
            &Record::new(
                Decision::Matched,
                format!(
                    "{} {} attempt {}: {n} action{}",
                    ev.state,
                    ev.state_type,
                    ev.attempt,
                    if n == 1 { "" } else { "s" }
                ),
            )
            .rule(&rule.name),
            dry,
        );

        let verdict = match &rules.settings.state_file {
            Some(path) if rule.policy.needs_state() => {
                let key = object_key(&rule.name, &ev.host, ev.service.as_deref());
                let store = StateStore::new(path);
                // A dry run answers without a writable state: it reads what is there
                // and takes no lock.
                let res = if dry {
                    store.peek(&key, &rule.policy, now)
                } else {
                    store.check_and_record(&key, &rule.policy, now, true)
                };
                match res {
                    Ok(v) => v,
                    Err(e) => {
                        report.failed += 1;
                        audit.log(
                            ev,
                            &Record::new(Decision::Failed, format!("{e}; not acting"))
                                .rule(&rule.name),
                            dry,
                        );
                        continue;
                    }
                }
            }
            _ => Verdict::Run,
        };
        match verdict {
            Verdict::Run => {}
            Verdict::Cooldown {
                last_run_ms,
                remaining,
            } => {
                report.skipped += 1;
                audit.log(
                    ev,
                    &Record::new(
                        Decision::SkippedCooldown,
                        format!(
                            "last run {} ago, cooldown {} ({} left)",
                            secs(now.saturating_sub(last_run_ms)),
                            secs(rule.policy.cooldown.as_millis() as u64),
                            secs(remaining.as_millis() as u64)
                        ),
                    )
                    .rule(&rule.name),
                    dry,
                );
                continue;
            }
            Verdict::RateLimited {
                runs,
                max_runs,
                window,
            } => {
                report.skipped += 1;
                audit.log(
                    ev,
                    &Record::new(
                        Decision::SkippedRateLimit,
                        format!(
                            "{runs} runs in the last {} (max_runs {max_runs})",
                            secs(window.as_millis() as u64)
                        ),
                    )
                    .rule(&rule.name),
                    dry,
                );
                continue;
            }
        }

        let mut ctx = RunContext::new(ev, &rule.name, rules.settings.systemctl.clone());
        for (i, action) in rule.actions.iter().enumerate() {
            let ty = action.kind.type_name();
            if dry {
                report.dry_run += 1;
                audit.log(
                    ev,
                    &Record::new(Decision::DryRun, describe_action(action, &ctx))
                        .rule(&rule.name)
                        .action(ty),
                    true,
                );
                continue;
            }
            let start = Instant::now();
            let res = run_action(action, &ctx);
            let ms = start.elapsed().as_millis() as u64;
            match res {
                Ok(ok) => {
                    report.ran += 1;
                    audit.log(
                        ev,
                        &Record::new(Decision::Ran, ok.detail)
                            .rule(&rule.name)
                            .action(ty)
                            .duration_ms(ms),
                        false,
                    );
                    ctx.vars.extend(ok.vars);
                }
                Err(e) => {
                    report.failed += 1;
                    let left = n - i - 1;
                    let mut detail = e.to_string();
                    if left > 0 && !rule.continue_on_error {
                        detail.push_str(&format!(
                            " ({left} later action{} not run)",
                            if left == 1 { "" } else { "s" }
                        ));
                    }
                    audit.log(
                        ev,
                        &Record::new(Decision::Failed, detail)
                            .rule(&rule.name)
                            .action(ty)
                            .duration_ms(ms),
                        false,
                    );
                    if !rule.continue_on_error {
                        break;
                    }
                }
            }
        }
    }
    report
}
