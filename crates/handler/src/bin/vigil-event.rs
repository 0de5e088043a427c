//! `vigil-event`: prints the event it is called for as one JSON line — a debugging
//! aid for handler setups ("what does my handler see?") and the process-level test
//! subject of this crate. Bad input exits 3 with the usage, like every handler built
//! on vigil-handler.

fn main() {
    let ev = vigil_handler::event();
    println!("{}", ev.to_json());
}
