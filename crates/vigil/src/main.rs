//! The `vigil` command: `verify` (a drop-in for `nagios -v`), `run` (the monitoring
//! core; `vigil MAIN.cfg` as nagios takes it), `handlers` (the event handler journal)
//! and `fire` (run an object's event handlers for a chosen transition).

mod cli;

fn main() {
    std::process::exit(cli::main());
}
