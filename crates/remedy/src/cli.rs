//! The two programs' command lines: `vigil-remedy` (rules file) and
//! `increase-memory` (the op5 example). Both read the event through vigil-handler
//! (flags, `NAGIOS_*` environment, `--stdin-json`), exit 3 with a usage message on
//! bad input or a bad configuration, 1 when an action failed, 0 otherwise.

use std::path::PathBuf;

use clap::Parser;
use vigil_handler::{exit_usage, parse_args, EventArgs};

use crate::audit::Audit;
use crate::config::Rules;
use crate::engine::{handle, Options};
use crate::increase_memory::{self, Overrides};

/// `vigil-remedy`: run the rules of a TOML file for one event.
#[derive(Parser, Debug)]
#[command(
    name = "vigil-remedy",
    version,
    about = "Event handler driven by a rules file: match the event, apply cooldown and \
             rate limits, run the rule's actions, audit every decision"
)]
pub struct RemedyArgs {
    /// The rules file (TOML).
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// Run nothing; print and audit what would run.
    #[arg(long)]
    pub dry_run: bool,
    /// Only check the rules file and exit (0 when it is valid).
    #[arg(long)]
    pub check: bool,
    /// The event.
    #[command(flatten)]
    pub event: EventArgs,
}

/// Entry point of `vigil-remedy`; returns the exit code.
pub fn remedy_main() -> i32 {
    let args: RemedyArgs = parse_args();
    let rules = match Rules::load(&args.rules) {
        Ok(r) => r,
        Err(e) => exit_usage::<RemedyArgs>(&e),
    };
    if args.check {
        println!(
            "{}: {} rule{} OK",
            args.rules.display(),
            rules.rules.len(),
            if rules.rules.len() == 1 { "" } else { "s" }
        );
        return 0;
    }
    run_rules::<RemedyArgs>(&rules, &args.event, args.dry_run)
}

/// `increase-memory`: the op5 example rebuilt.
#[derive(Parser, Debug)]
#[command(
    name = "increase-memory",
    version,
    about = "On the first SOFT CRITICAL (attempt 1) of a service, add memory to the \
             host's VMware VM through the vSphere REST API"
)]
pub struct IncreaseMemoryArgs {
    /// Settings file (TOML): [vsphere] url/user/password_file/insecure, add_mb, vm or
    /// vm_name, max_mb, cooldown, state_file, audit_log, note_file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// VM identifier (vm-42); templates allowed ("{_VMID}"). Default: the VM named
    /// after the host.
    #[arg(long, value_name = "ID")]
    pub vm: Option<String>,
    /// VM name to look up; templates allowed. Default "{host}".
    #[arg(long, value_name = "NAME")]
    pub vm_name: Option<String>,
    /// MiB to add (default 512).
    #[arg(long, value_name = "MIB")]
    pub add_mb: Option<u64>,
    /// Never grow the VM beyond this many MiB.
    #[arg(long, value_name = "MIB")]
    pub max_mb: Option<u64>,
    /// vCenter base URL (https://vcenter.example.com).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// vCenter user.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// File holding the vCenter password.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Accept a self-signed vCenter certificate.
    #[arg(long)]
    pub insecure: bool,
    /// Cooldown state file.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Audit log (JSON lines).
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Append a note line for the admin to this file.
    #[arg(long, value_name = "FILE")]
    pub note_file: Option<PathBuf>,
    /// Run nothing; print and audit what would run.
    #[arg(long)]
    pub dry_run: bool,
    /// The event (op5: --service-state --service-state-type --service-attempt
    /// --host-name).
    #[command(flatten)]
    pub event: EventArgs,
}

/// Entry point of `increase-memory`; returns the exit code.
pub fn increase_memory_main() -> i32 {
    let args: IncreaseMemoryArgs = parse_args();
    let over = Overrides {
        vm: args.vm.clone(),
        vm_name: args.vm_name.clone(),
        add_mb: args.add_mb,
        max_mb: args.max_mb,
        url: args.url.clone(),
        user: args.user.clone(),
        password_file: args.password_file.clone(),
        insecure: args.insecure,
        state_file: args.state_file.clone(),
        audit_log: args.audit_log.clone(),
        note_file: args.note_file.clone(),
    };
    let rules = match increase_memory::build(args.config.as_deref(), &over) {
        Ok(r) => r,
        Err(e) => exit_usage::<IncreaseMemoryArgs>(&e),
    };
    run_rules::<IncreaseMemoryArgs>(&rules, &args.event, args.dry_run)
}

/// Reads the event, applies `rules` to it and returns the process exit code (1 when
/// the audit log could not be written). A bad event is a usage error of `P`.
fn run_rules<P: clap::CommandFactory>(rules: &Rules, event: &EventArgs, dry_run: bool) -> i32 {
    let ev = match event.read_event() {
        Ok(ev) => ev,
        Err(e) => exit_usage::<P>(&e),
    };
    let mut audit = Audit::new(rules.settings.audit_log.clone());
    let report = handle(
        rules,
        &ev,
        &Options {
            dry_run,
            now_ms: None,
        },
        &mut audit,
    );
    // A dry run is an answer on stdout; an audit log it cannot write (a path only
    // the monitoring user may write) has been warned about and does not fail it.
    if audit.write_failed && !(dry_run || rules.settings.dry_run) {
        return 1;
    }
    report.exit_code()
}
