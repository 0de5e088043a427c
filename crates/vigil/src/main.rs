//! The `vigil` command: `verify` (a drop-in for `nagios -v`), `run` (the monitoring
//! core; `vigil MAIN.cfg` as nagios takes it), `handlers` (the event handler journal)
//! `fire` (run an object's event handlers for a chosen transition), `replay`
//! (what-if: logged results through the current configuration), `status` (the
//! problems of a running vigil, through its web API), `notifications` (the
//! notification journal) and `notify` (who would be paged now).

mod cli;
mod notifications;
mod replay;
mod status;

fn main() {
    std::process::exit(cli::main());
}
