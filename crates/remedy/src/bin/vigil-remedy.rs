//! `vigil-remedy`: the rules-file event handler (see the crate README).

fn main() {
    std::process::exit(vigil_remedy::cli::remedy_main());
}
