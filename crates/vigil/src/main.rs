//! The `vigil` command: `verify` (a drop-in for `nagios -v`), `run` (the monitoring
//! core; `vigil MAIN.cfg` as nagios takes it), `handlers` (the event handler journal)
//! and `fire` (run an object's event handlers for a chosen transition),
//! `notifications` (the notification journal) and `notify` (who would be paged now).

mod cli;
mod notifications;

fn main() {
    std::process::exit(cli::main());
}
