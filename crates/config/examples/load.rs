//! Loads a main config and prints object counts, diagnostics and the elapsed time:
//! `cargo run --release -p vigil-config --example load -- /etc/nagios4/nagios.cfg`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load MAIN.cfg [-q]");
        std::process::exit(2);
    };
    let quiet = std::env::args().any(|a| a == "-q");
    let t0 = Instant::now();
    let result = vigil_config::load(std::path::Path::new(&path));
    let elapsed = t0.elapsed();
    match result {
        Ok((model, warnings)) => {
            let c = model.counts();
            if !quiet {
                for w in &warnings {
                    println!("{w}");
                }
            }
            println!(
                "services={} hosts={} hostgroups={} servicegroups={} contacts={} contactgroups={} commands={} timeperiods={} host_escalations={} service_escalations={} host_dependencies={} service_dependencies={}",
                c.services,
                c.hosts,
                c.hostgroups,
                c.servicegroups,
                c.contacts,
                c.contactgroups,
                c.commands,
                c.timeperiods,
                c.host_escalations,
                c.service_escalations,
                c.host_dependencies,
                c.service_dependencies
            );
            println!(
                "warnings={} elapsed={:.3}s",
                warnings.len(),
                elapsed.as_secs_f64()
            );
            if let Ok(st) = std::fs::read_to_string("/proc/self/status") {
                for l in st
                    .lines()
                    .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
                {
                    println!("{l}");
                }
            }
            // Keep the model alive until after timing, then drop it explicitly.
            drop(model);
        }
        Err(e) => {
            for d in &e.diagnostics {
                println!("{d}");
            }
            println!("{e}; elapsed={:.3}s", elapsed.as_secs_f64());
            std::process::exit(1);
        }
    }
}
