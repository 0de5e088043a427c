//! Mapping a finished check process (or a passive submission) to a check result
//! (spec checks-and-states.md §1.1, §1.2, §7): state, replacement outputs for
//! abnormal ends, and which of Nagios 4.4.6's warnings ([`CheckProblem`]) the
//! engine logs before the result. Pure: the caller supplies process outcome,
//! captured output and times.

use crate::output::parse_output;
use crate::{CheckType, HostState, ObjectState, Output, ServiceState, Time};
pub use vigil_events::CheckProblem;
/// Short output used when the plugin printed no first line.
pub const NO_OUTPUT_SERVICE: &str = "(No output returned from plugin)";
/// Short output used for hosts when the check printed no first line.
pub const NO_OUTPUT_HOST: &str = "(No output returned from host check)";
/// Output of a host without `check_command`.
pub const HOST_ASSUMED_UP: &str = "(Host assumed to be UP)";

/// How a check process ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProcessOutcome {
    /// Normal exit with this exit code.
    Exited(i32),
    /// Killed by this signal (not by the timeout): taken as return code 3.
    Signaled(i32),
    /// Killed because it ran longer than the check timeout, after `after` seconds.
    TimedOut {
        /// Seconds the check ran before it was killed.
        after: f64,
    },
    /// The worker could not start or finish the job (Nagios `exited_ok=0`).
    DidNotRun,
}

/// A finished check process as the executor reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct RawResult {
    /// How the process ended.
    pub outcome: ProcessOutcome,
    /// Captured standard output.
    pub stdout: Vec<u8>,
    /// Captured standard error.
    pub stderr: Vec<u8>,
    /// Start time.
    pub start: Time,
    /// End time.
    pub finish: Time,
    /// Scheduling latency in seconds.
    pub latency: f64,
}

/// A check result ready for the state machines.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult<S: ObjectState> {
    /// Services: the state. Hosts, active: UP, or DOWN for "a problem" (DOWN or
    /// UNREACHABLE is decided by reachability). Hosts, passive: as submitted.
    pub state: S,
    /// Parsed output (short output always `Some`).
    pub output: Output,
    /// Active or passive.
    pub check_type: CheckType,
    /// Start of the check (passive: the command's timestamp); becomes `last_check`.
    pub start: Time,
    /// End of the check.
    pub finish: Time,
    /// Latency in seconds.
    pub latency: f64,
}

/// Output as the Nagios worker hands it over: stdout if it has a first byte,
/// otherwise `(No output on stdout) stderr: <stderr>` (also for an empty stderr).
fn worker_output(raw: &RawResult) -> Output {
    let cut = |b: &[u8]| -> Vec<u8> {
        match b.iter().position(|&c| c == 0) {
            Some(n) => b[..n].to_vec(),
            None => b.to_vec(),
        }
    };
    let stdout = cut(&raw.stdout);
    if !stdout.is_empty() {
        return parse_output(&stdout);
    }
    let mut text = b"(No output on stdout) stderr: ".to_vec();
    text.extend_from_slice(&cut(&raw.stderr));
    parse_output(&text)
}

/// Replaces the short output and clears long output and perfdata.
fn replaced(short: String) -> Output {
    Output {
        short: Some(short),
        long: String::new(),
        perfdata: String::new(),
    }
}

fn with_default(mut out: Output, default: &str) -> Output {
    if out.short.is_none() {
        out.short = Some(default.to_string());
    }
    out
}

fn active<S: ObjectState>(state: S, output: Output, raw: &RawResult) -> CheckResult<S> {
    CheckResult {
        state,
        output,
        check_type: CheckType::Active,
        start: raw.start,
        finish: raw.finish.max(raw.start),
        latency: raw.latency.max(0.0),
    }
}

/// How a check process ended, seen the way Nagios sorts it before mapping states.
enum Ending {
    /// Exit 0..=3 (the code).
    Normal(u8),
    /// Killed by a signal (not the timeout): UNKNOWN / a host problem.
    Signaled,
    /// Something wrong: the problem to report and the replacement short output
    /// (`None`: the output is kept, with its long output and perfdata).
    Abnormal(CheckProblem, Option<String>),
}

/// Sorts an ending (the rules of the table at [`map_service_result`]); `kind` is
/// `Service` or `Host` as the replacement texts say it, `who` how the
/// out-of-bounds text names the object.
fn ending(raw: &RawResult, kind: &str, who: &str) -> Ending {
    match raw.outcome {
        ProcessOutcome::TimedOut { after } => Ending::Abnormal(
            CheckProblem::TimedOut { after },
            Some(format!("({kind} check timed out after {after:.2} seconds)")),
        ),
        ProcessOutcome::DidNotRun => Ending::Abnormal(
            CheckProblem::DidNotExitProperly,
            Some(format!("({kind} check did not exit properly)")),
        ),
        ProcessOutcome::Exited(126) => Ending::Abnormal(
            CheckProblem::NotExecutable,
            Some("(Return code of 126 is out of bounds. Check if plugin is executable)".into()),
        ),
        ProcessOutcome::Exited(127) => Ending::Abnormal(
            CheckProblem::NotFound,
            Some("(Return code of 127 is out of bounds. Check if plugin exists)".into()),
        ),
        ProcessOutcome::Exited(rc) => match u8::try_from(rc) {
            Ok(code) if code <= 3 => Ending::Normal(code),
            _ => Ending::Abnormal(
                CheckProblem::OutOfBounds { rc },
                // Services keep long output and perfdata here; hosts lose them.
                (kind == "Host")
                    .then(|| format!("(Return code of {rc} for {who} was out of bounds)")),
            ),
        },
        ProcessOutcome::Signaled(_) => Ending::Signaled,
    }
}

/// Maps a finished service check. `timeout_state` is `service_check_timeout_state`
/// (default CRITICAL). Returns the result and the problem to log (before the
/// result's own lines), as Nagios 4.4.6 does:
///
/// | outcome | state | output | problem |
/// |---|---|---|---|
/// | exit 0..3 | the code | plugin output | — |
/// | timeout | `timeout_state` | `(Service check timed out after N.NN seconds)` | timed out |
/// | did not run | CRITICAL | `(Service check did not exit properly)` | did not exit properly |
/// | exit 126 / 127 | CRITICAL | `(Return code of 126 is out of bounds. Check if plugin is executable)` / `... Check if plugin exists)` | not executable / not found |
/// | other exit | CRITICAL | `(Return code of <n> for service '<s>' on host '<h>' was out of bounds)` (long output and perfdata kept) | out of bounds |
/// | signal | UNKNOWN | plugin output | — |
pub fn map_service_result(
    raw: &RawResult,
    host: &str,
    svc: &str,
    timeout_state: ServiceState,
) -> (CheckResult<ServiceState>, Option<CheckProblem>) {
    let parsed = with_default(worker_output(raw), NO_OUTPUT_SERVICE);
    let who = format!("service '{svc}' on host '{host}'");
    let (state, output, problem) = match ending(raw, "Service", &who) {
        Ending::Normal(code) => (ServiceState::from_id(code), parsed, None),
        Ending::Signaled => (ServiceState::Unknown, parsed, None),
        Ending::Abnormal(problem, replacement) => {
            let state = match problem {
                CheckProblem::TimedOut { .. } => timeout_state,
                _ => ServiceState::Critical,
            };
            let output = match (replacement, problem) {
                (Some(short), _) => replaced(short),
                (None, CheckProblem::OutOfBounds { rc }) => Output {
                    short: Some(format!("(Return code of {rc} for {who} was out of bounds)")),
                    ..parsed
                },
                (None, _) => parsed,
            };
            (state, output, Some(problem))
        }
    };
    (active(state, output, raw), problem)
}

/// Maps a finished host check: UP, or DOWN meaning "a problem" (the state machine
/// decides DOWN or UNREACHABLE). Exit 1 (WARNING) means UP unless
/// `use_aggressive_host_checking`; 2, 3, signals, timeouts and out-of-range codes
/// are problems, with the replacement outputs and problems of the service table
/// (`(Host check timed out after N.NN seconds)`, `(Host check did not exit
/// properly)`, `(Return code of <n> for host '<h>' was out of bounds)`, ...).
pub fn map_host_result(
    raw: &RawResult,
    host: &str,
    aggressive: bool,
) -> (CheckResult<HostState>, Option<CheckProblem>) {
    let parsed = with_default(worker_output(raw), NO_OUTPUT_HOST);
    let who = format!("host '{host}'");
    let (state, output, problem) = match ending(raw, "Host", &who) {
        Ending::Normal(0) => (HostState::Up, parsed, None),
        Ending::Normal(1) if !aggressive => (HostState::Up, parsed, None),
        Ending::Normal(_) | Ending::Signaled => (HostState::Down, parsed, None),
        Ending::Abnormal(problem, replacement) => (
            HostState::Down,
            replacement.map(replaced).unwrap_or(parsed),
            Some(problem),
        ),
    };
    (active(state, output, raw), problem)
}

/// Result of a host without `check_command`: always UP, `(Host assumed to be UP)`.
pub fn host_assumed_up(start: Time, finish: Time) -> CheckResult<HostState> {
    CheckResult {
        state: HostState::Up,
        output: replaced(HOST_ASSUMED_UP.to_string()),
        check_type: CheckType::Active,
        start,
        finish: finish.max(start),
        latency: 0.0,
    }
}

/// A passive service result (`PROCESS_SERVICE_CHECK_RESULT`): return codes outside
/// 0..3 become UNKNOWN (no warning). `output` is already unescaped (real newlines).
/// `t` is the command's timestamp; the caller may set `latency` afterwards.
pub fn map_passive_service(rc: i32, output: &str, t: Time) -> CheckResult<ServiceState> {
    let state = match u8::try_from(rc) {
        Ok(s) => ServiceState::from_id(s),
        Err(_) => ServiceState::Unknown,
    };
    CheckResult {
        state,
        output: with_default(parse_output(output.as_bytes()), NO_OUTPUT_SERVICE),
        check_type: CheckType::Passive,
        start: t,
        finish: t,
        latency: 0.0,
    }
}

/// A passive host result (`PROCESS_HOST_CHECK_RESULT`): 0 UP, 1 DOWN, 2
/// UNREACHABLE, kept as given. Codes outside 0..2 must be refused by the command
/// layer (Nagios fails the command); if one gets here it is taken as DOWN.
pub fn map_passive_host(rc: i32, output: &str, t: Time) -> CheckResult<HostState> {
    let state = match rc {
        0 => HostState::Up,
        2 => HostState::Unreachable,
        _ => HostState::Down,
    };
    CheckResult {
        state,
        output: with_default(parse_output(output.as_bytes()), NO_OUTPUT_HOST),
        check_type: CheckType::Passive,
        start: t,
        finish: t,
        latency: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(outcome: ProcessOutcome, out: &str, err: &str) -> RawResult {
        RawResult {
            outcome,
            stdout: out.as_bytes().to_vec(),
            stderr: err.as_bytes().to_vec(),
            start: 100.0,
            finish: 100.25,
            latency: 0.5,
        }
    }

    /// The problem's log line (vigil-events renders it).
    fn lines(obj: vigil_events::Obj, p: Option<CheckProblem>) -> Vec<String> {
        p.map(|problem| vigil_events::Event::CheckProblem { obj, problem }.lines())
            .unwrap_or_default()
    }

    fn svc(outcome: ProcessOutcome, out: &str, err: &str) -> (u8, String, Vec<String>) {
        let (r, w) = map_service_result(
            &raw(outcome, out, err),
            "lab01",
            "rc",
            ServiceState::Critical,
        );
        let obj = vigil_events::Obj::Service {
            host: "lab01".into(),
            service: "rc".into(),
        };
        (
            r.state.id(),
            r.output.short.unwrap_or_default(),
            lines(obj, w),
        )
    }

    fn crit() -> ServiceState {
        ServiceState::Critical
    }

    #[test]
    fn plain_exit_codes() {
        for rc in 0..=3 {
            let (s, o, w) = svc(ProcessOutcome::Exited(rc), "text | p=1\nlong", "");
            assert_eq!((s, o.as_str()), (rc as u8, "text"));
            assert!(w.is_empty());
        }
        let (r, _) = map_service_result(
            &raw(ProcessOutcome::Exited(0), "a|p=1\nl", ""),
            "h",
            "s",
            crit(),
        );
        assert_eq!(r.output.perfdata, "p=1");
        assert_eq!(r.output.long, "l");
        assert_eq!(r.check_type, CheckType::Active);
        assert_eq!((r.start, r.finish, r.latency), (100.0, 100.25, 0.5));
    }

    /// plugin_exit_codes trace.
    #[test]
    fn out_of_bounds_codes() {
        assert_eq!(
            svc(ProcessOutcome::Exited(4), "weird four", ""),
            (
                2,
                "(Return code of 4 for service 'rc' on host 'lab01' was out of bounds)".into(),
                vec!["Warning: Return code of 4 for check of service 'rc' on host 'lab01' was out of bounds.".to_string()]
            )
        );
        assert_eq!(
            svc(ProcessOutcome::Exited(255), "two five five", ""),
            (
                2,
                "(Return code of 255 for service 'rc' on host 'lab01' was out of bounds)".into(),
                vec!["Warning: Return code of 255 for check of service 'rc' on host 'lab01' was out of bounds.".to_string()]
            )
        );
        assert_eq!(
            svc(ProcessOutcome::Exited(126), "cannot execute", ""),
            (
                2,
                "(Return code of 126 is out of bounds. Check if plugin is executable)".into(),
                vec!["Warning: Return code of 126 for service 'rc' on host 'lab01' may indicate a non-executable plugin.".to_string()]
            )
        );
        assert_eq!(
            svc(ProcessOutcome::Exited(127), "", ""),
            (
                2,
                "(Return code of 127 is out of bounds. Check if plugin exists)".into(),
                vec!["Warning: Return code of 127 for service 'rc' on host 'lab01' may indicate this plugin doesn't exist.".to_string()]
            )
        );
        assert_eq!(svc(ProcessOutcome::Exited(-1), "x", "").0, 2);
    }

    #[test]
    fn out_of_bounds_keeps_long_and_perf_but_126_clears_them() {
        let (r, _) = map_service_result(
            &raw(ProcessOutcome::Exited(9), "a|p=1\nlong", ""),
            "h",
            "s",
            crit(),
        );
        assert_eq!(
            (r.output.long.as_str(), r.output.perfdata.as_str()),
            ("long", "p=1")
        );
        let (r, _) = map_service_result(
            &raw(ProcessOutcome::Exited(126), "a|p=1\nlong", ""),
            "h",
            "s",
            crit(),
        );
        assert_eq!(
            (r.output.long.as_str(), r.output.perfdata.as_str()),
            ("", "")
        );
    }

    #[test]
    fn empty_stdout_uses_stderr() {
        assert_eq!(
            svc(ProcessOutcome::Exited(1), "", ""),
            (1, "(No output on stdout) stderr:".into(), vec![])
        );
        assert_eq!(
            svc(ProcessOutcome::Exited(2), "", "Traceback: boom"),
            (
                2,
                "(No output on stdout) stderr: Traceback: boom".into(),
                vec![]
            )
        );
        let (r, _) = map_service_result(
            &raw(
                ProcessOutcome::Exited(2),
                "",
                "execvp(/x/no_such_plugin, ...) failed. errno is 2: No such file or directory\n",
            ),
            "lab03",
            "missing",
            crit(),
        );
        assert_eq!(
            r.output.short.as_deref(),
            Some("(No output on stdout) stderr: execvp(/x/no_such_plugin, ...) failed. errno is 2: No such file or directory")
        );
        assert_eq!(r.output.long, "");
        // a first line that is empty gives the "no output" text
        assert_eq!(
            svc(ProcessOutcome::Exited(0), "\nsecond", "").1,
            "(No output returned from plugin)"
        );
    }

    /// check_timeout_critical trace.
    #[test]
    fn timeout_and_did_not_run() {
        let (s, o, w) = svc(ProcessOutcome::TimedOut { after: 2.0046 }, "partial", "");
        assert_eq!(s, 2);
        assert_eq!(o, "(Service check timed out after 2.00 seconds)");
        assert_eq!(
            w,
            vec![
                "Warning: Check of service 'rc' on host 'lab01' timed out after 2.005s!"
                    .to_string()
            ]
        );
        let (r, _) = map_service_result(
            &raw(ProcessOutcome::TimedOut { after: 1.0 }, "", ""),
            "h",
            "s",
            ServiceState::Unknown,
        );
        assert_eq!(r.state, ServiceState::Unknown);
        let (r, _) = map_service_result(
            &raw(ProcessOutcome::TimedOut { after: 1.0 }, "", ""),
            "h",
            "s",
            ServiceState::Ok,
        );
        assert_eq!(r.state, ServiceState::Ok);
        assert_eq!(
            svc(ProcessOutcome::DidNotRun, "", ""),
            (
                2,
                "(Service check did not exit properly)".into(),
                vec![
                    "Warning:  Check of service 'rc' on host 'lab01' did not exit properly!"
                        .to_string()
                ]
            )
        );
        assert_eq!(
            svc(ProcessOutcome::Signaled(9), "half", ""),
            (3, "half".into(), vec![])
        );
    }

    #[test]
    fn host_mapping() {
        let h = |o, out: &str, aggr| {
            let (r, w) = map_host_result(&raw(o, out, ""), "gw", aggr);
            let obj = vigil_events::Obj::Host { host: "gw".into() };
            (
                r.state.id(),
                r.output.short.unwrap_or_default(),
                lines(obj, w),
            )
        };
        assert_eq!(h(ProcessOutcome::Exited(0), "PING OK", false).0, 0);
        assert_eq!(h(ProcessOutcome::Exited(1), "PING WARNING", false).0, 0);
        assert_eq!(h(ProcessOutcome::Exited(1), "PING WARNING", true).0, 1);
        assert_eq!(h(ProcessOutcome::Exited(2), "PING CRITICAL", false).0, 1);
        assert_eq!(h(ProcessOutcome::Exited(3), "?", false).0, 1);
        assert_eq!(h(ProcessOutcome::Signaled(15), "?", false).0, 1);
        assert_eq!(
            h(ProcessOutcome::TimedOut { after: 30.004 }, "", false),
            (
                1,
                "(Host check timed out after 30.00 seconds)".into(),
                vec!["Warning: Check of host 'gw' timed out after 30.00 seconds".to_string()]
            )
        );
        assert_eq!(
            h(ProcessOutcome::DidNotRun, "", false),
            (
                1,
                "(Host check did not exit properly)".into(),
                vec!["Warning:  Check of host 'gw' did not exit properly!".to_string()]
            )
        );
        assert_eq!(
            h(ProcessOutcome::Exited(127), "", false),
            (
                1,
                "(Return code of 127 is out of bounds. Check if plugin exists)".into(),
                vec!["Warning: Return code of 127 for host 'gw' may indicate this plugin doesn't exist.".to_string()]
            )
        );
        assert_eq!(
            h(ProcessOutcome::Exited(126), "", false).2,
            vec![
                "Warning: Return code of 126 for host 'gw' may indicate a non-executable plugin."
                    .to_string()
            ]
        );
        assert_eq!(
            h(ProcessOutcome::Exited(5), "x", false),
            (
                1,
                "(Return code of 5 for host 'gw' was out of bounds)".into(),
                vec![
                    "Warning: Return code of 5 for check of host 'gw' was out of bounds."
                        .to_string()
                ]
            )
        );
        assert_eq!(
            h(ProcessOutcome::Exited(0), "\nonly long", false).1,
            "(No output returned from host check)"
        );
        let up = host_assumed_up(5.0, 4.0);
        assert_eq!(
            (up.state, up.output.short.as_deref(), up.finish),
            (HostState::Up, Some("(Host assumed to be UP)"), 5.0)
        );
    }

    #[test]
    fn passive_mapping() {
        let r = map_passive_service(7, "code seven", 50.0);
        assert_eq!(
            (r.state, r.output.short.as_deref()),
            (ServiceState::Unknown, Some("code seven"))
        );
        assert_eq!(r.check_type, CheckType::Passive);
        assert_eq!((r.start, r.finish), (50.0, 50.0));
        assert_eq!(
            map_passive_service(-1, "x", 0.0).state,
            ServiceState::Unknown
        );
        let r = map_passive_service(2, "QUEUE CRITICAL - 900 items|items=900;100;500", 1.0);
        assert_eq!(
            r.output.short.as_deref(),
            Some("QUEUE CRITICAL - 900 items")
        );
        assert_eq!(r.output.perfdata, "items=900;100;500");
        assert_eq!(
            map_passive_service(0, "", 1.0).output.short.as_deref(),
            Some(NO_OUTPUT_SERVICE)
        );
        assert_eq!(
            map_passive_host(2, "UNREACHABLE - uplink down", 1.0).state,
            HostState::Unreachable
        );
        assert_eq!(map_passive_host(1, "x", 1.0).state, HostState::Down);
        assert_eq!(map_passive_host(0, "x", 1.0).state, HostState::Up);
        assert_eq!(
            map_passive_host(0, "", 1.0).output.short.as_deref(),
            Some(NO_OUTPUT_HOST)
        );
        assert_eq!(map_passive_host(9, "x", 1.0).state, HostState::Down);
    }
}
