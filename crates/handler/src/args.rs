//! Command-line side: [`EventArgs`] (the op5-style event flags, flattenable into a
//! handler's own clap parser), reading the event from flags, environment and stdin,
//! and the plugin convention for bad input: message and usage on stdout, exit 3.

use std::fmt::Display;
use std::io::Read;

use clap::{CommandFactory, Parser};

use crate::event::{normalize_var_name, Event, RawEvent};
use crate::EventError;

/// Exit code for bad input (the plugin UNKNOWN state).
pub const EXIT_UNKNOWN: i32 = 3;

/// The event flags. Embed them in a handler's parser with `#[command(flatten)]`.
///
/// The op5 example's four flags (`--service-state --service-state-type
/// --service-attempt --host-name`) are enough for a service event; everything else
/// is optional. Values given here win over `--stdin-json`, which wins over the
/// `NAGIOS_*` environment.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
#[command(
    next_help_heading = "Event (flags win over --stdin-json, which wins over NAGIOS_* variables)"
)]
pub struct EventArgs {
    /// Host name ($HOSTNAME$).
    #[arg(long = "host-name", value_name = "NAME")]
    pub host_name: Option<String>,
    /// Host address ($HOSTADDRESS$).
    #[arg(long = "host-address", value_name = "ADDRESS")]
    pub host_address: Option<String>,
    /// Service description ($SERVICEDESC$).
    #[arg(
        long = "service-desc",
        visible_alias = "service-description",
        value_name = "DESC"
    )]
    pub service_desc: Option<String>,
    /// Service state: OK, WARNING, CRITICAL, UNKNOWN or 0-3 ($SERVICESTATE$).
    #[arg(long = "service-state", value_name = "STATE")]
    pub service_state: Option<String>,
    /// Service state type: SOFT or HARD ($SERVICESTATETYPE$).
    #[arg(long = "service-state-type", value_name = "TYPE")]
    pub service_state_type: Option<String>,
    /// Service attempt ($SERVICEATTEMPT$).
    #[arg(long = "service-attempt", value_name = "N")]
    pub service_attempt: Option<String>,
    /// Service max attempts ($MAXSERVICEATTEMPTS$).
    #[arg(
        long = "max-attempts",
        visible_alias = "max-service-attempts",
        value_name = "N"
    )]
    pub max_attempts: Option<String>,
    /// Host state: UP, DOWN, UNREACHABLE or 0-2 ($HOSTSTATE$). Without a service state
    /// this makes the event a host event.
    #[arg(long = "host-state", value_name = "STATE")]
    pub host_state: Option<String>,
    /// Host state type, for host events ($HOSTSTATETYPE$).
    #[arg(long = "host-state-type", value_name = "TYPE")]
    pub host_state_type: Option<String>,
    /// Host attempt, for host events ($HOSTATTEMPT$).
    #[arg(long = "host-attempt", value_name = "N")]
    pub host_attempt: Option<String>,
    /// Host max attempts, for host events ($MAXHOSTATTEMPTS$).
    #[arg(long = "max-host-attempts", value_name = "N")]
    pub max_host_attempts: Option<String>,
    /// Plugin output of the event's object ($SERVICEOUTPUT$ / $HOSTOUTPUT$).
    #[arg(long = "output", value_name = "TEXT", allow_hyphen_values = true)]
    pub output: Option<String>,
    /// A service custom variable, NAME=VALUE (repeatable; `_VMID=vm-42` or `VMID=vm-42`).
    #[arg(long = "var", value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub vars: Vec<String>,
    /// A host custom variable, NAME=VALUE (repeatable).
    #[arg(
        long = "host-var",
        value_name = "NAME=VALUE",
        allow_hyphen_values = true
    )]
    pub host_vars: Vec<String>,
    /// The outcome of the object's previous handler run, as vigil decided it:
    /// recovered, not_recovered, superseded, unknown (vigil exports it as
    /// VIGIL_LAST_OUTCOME for objects with handler policies).
    #[arg(long = "last-outcome", value_name = "OUTCOME")]
    pub last_outcome: Option<String>,
    /// Read the event as a JSON document from standard input.
    #[arg(long = "stdin-json")]
    pub stdin_json: bool,
    /// Ignore NAGIOS_* environment variables.
    #[arg(long = "no-env")]
    pub no_env: bool,
}

fn parse_var(s: &str) -> Result<(String, String), EventError> {
    match s.split_once('=') {
        Some((k, v)) if !normalize_var_name(k).is_empty() => {
            Ok((normalize_var_name(k), v.to_string()))
        }
        _ => Err(EventError::BadVar(s.to_string())),
    }
}

impl EventArgs {
    /// The values the flags give, unvalidated.
    pub fn to_raw(&self) -> Result<RawEvent, EventError> {
        let mut r = RawEvent {
            host: self.host_name.clone(),
            host_address: self.host_address.clone(),
            service: self.service_desc.clone(),
            service_state: self.service_state.clone(),
            service_state_type: self.service_state_type.clone(),
            service_attempt: self.service_attempt.clone(),
            max_service_attempts: self.max_attempts.clone(),
            host_state: self.host_state.clone(),
            host_state_type: self.host_state_type.clone(),
            host_attempt: self.host_attempt.clone(),
            max_host_attempts: self.max_host_attempts.clone(),
            output: self.output.clone(),
            last_outcome: self.last_outcome.clone(),
            ..RawEvent::default()
        };
        for v in &self.vars {
            let (k, v) = parse_var(v)?;
            r.service_vars.insert(k, v);
        }
        for v in &self.host_vars {
            let (k, v) = parse_var(v)?;
            r.host_vars.insert(k, v);
        }
        Ok(r)
    }

    /// Reads the event from explicit sources: `env` (ignored with `--no-env`), `stdin`
    /// (read only with `--stdin-json`), then the flags on top.
    pub fn resolve_with<I, K, V>(&self, env: I, stdin: &mut dyn Read) -> Result<Event, EventError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Into<String>,
    {
        let mut raw = if self.no_env {
            RawEvent::default()
        } else {
            RawEvent::from_env(env)
        };
        if self.stdin_json {
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| EventError::Stdin(e.to_string()))?;
            raw = raw.merge(RawEvent::from_json(&text)?);
        }
        raw.merge(self.to_raw()?).build()
    }

    /// Reads the event from the process's environment, standard input (with
    /// `--stdin-json`) and these flags.
    pub fn read_event(&self) -> Result<Event, EventError> {
        let env = std::env::vars_os().filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            if !k.starts_with("NAGIOS_") {
                return None;
            }
            Some((k, v.to_string_lossy().into_owned()))
        });
        self.resolve_with(env, &mut std::io::stdin().lock())
    }
}

/// The parser behind [`event`]: just the event flags.
#[derive(Parser, Debug)]
#[command(about = "An event handler", long_about = None)]
pub struct EventOnly {
    /// The event flags.
    #[command(flatten)]
    pub event: EventArgs,
}

/// The file name this process was started as (what clap's own messages use).
fn program_name() -> Option<String> {
    let arg0 = std::env::args_os().next()?;
    let name = std::path::Path::new(&arg0).file_name()?;
    Some(name.to_string_lossy().into_owned())
}

/// Prints `UNKNOWN: <message>`, the usage of `P` and a `--help` hint to stdout and
/// exits 3, as plugins do for bad input.
pub fn exit_usage<P: CommandFactory>(message: &dyn Display) -> ! {
    let name = program_name().unwrap_or_else(|| P::command().get_name().to_string());
    let mut cmd = P::command().bin_name(name.clone());
    let usage = cmd.render_usage();
    println!("UNKNOWN: {message}\n{usage}\nTry '{name} --help' for more information.");
    std::process::exit(EXIT_UNKNOWN)
}

/// Parses `args` into `P`. `--help` / `--version` print and exit 0; any other flag
/// error prints clap's message (which carries the usage) to stdout and exits 3.
pub fn parse_args_from<P, I, T>(args: I) -> P
where
    P: Parser,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match P::try_parse_from(args) {
        Ok(p) => p,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    print!("{e}");
                    std::process::exit(0)
                }
                _ => {
                    print!("UNKNOWN: {e}");
                    std::process::exit(EXIT_UNKNOWN)
                }
            }
        }
    }
}

/// [`parse_args_from`] on the process's own arguments.
pub fn parse_args<P: Parser>() -> P {
    parse_args_from(std::env::args_os())
}

/// Parses the process's arguments into `P` and reads the event described by the
/// [`EventArgs`] that `args_of` picks out of it (plus environment and stdin). Any
/// error exits 3 with a message and the usage.
pub fn parse_with_event<P: Parser>(args_of: impl FnOnce(&P) -> &EventArgs) -> (P, Event) {
    let p: P = parse_args();
    match args_of(&p).read_event() {
        Ok(ev) => (p, ev),
        Err(e) => exit_usage::<P>(&e),
    }
}

/// The simplest entry point: the event of this handler run, from its flags,
/// `NAGIOS_*` environment or stdin JSON; exits 3 with a usage message when it is
/// missing or invalid.
pub fn event() -> Event {
    parse_with_event::<EventOnly>(|p| &p.event).1
}
