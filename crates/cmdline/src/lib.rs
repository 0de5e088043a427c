//! `vigil-cmdline` owns the command line between macro expansion and execution, and
//! nothing else: no processes, files or clock.
//!
//! * [`cmdline`]: the [`CommandLine`] of admin-written *code* and run-time *data*
//!   segments produced by the macro layer.
//! * [`plan`](mod@plan): Nagios's direct-exec vs `/bin/sh -c` decision and word
//!   splitting, made on code only; data is placed into words, or handed to the shell
//!   in environment variables so that it is expanded but never parsed ("output is
//!   data, never code").
//!
//! What the data guarantee covers: data bytes never appear in a shell script and never
//! decide how a line is parsed, so `$`, backquotes, quotes, `;`, `|`, newlines... in
//! plugin output cannot start a command, and unquoted data is neither globbed nor split
//! by the shell. What it cannot cover: an admin-written command that itself evaluates
//! its arguments as code (`eval`, `sh -c "$SERVICEOUTPUT$"`, bash's `[[ $x -eq 1 ]]` or
//! `let` when /bin/sh is bash, a handler script that does so). Data inside `$(( ))` is
//! refused ([`PlanError::DataInArithmetic`]) because bash evaluates it as code.
//!
//! Running a [`Plan`] is `vigil-exec`'s job (or a remote worker's).

pub mod cmdline;
pub mod plan;
mod shell;
mod split;

pub use cmdline::{CommandLine, Segment};
pub use plan::{plan, plan_shell, shell_reasons, Plan, PlanError, ShellReasons, DATA_VAR_PREFIX};
