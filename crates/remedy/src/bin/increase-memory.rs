//! `increase-memory`: the op5 example handler rebuilt (see the crate README).

fn main() {
    std::process::exit(vigil_remedy::cli::increase_memory_main());
}
