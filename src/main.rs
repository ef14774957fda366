//! The `proton-conform` command line.

mod cli;

// mimalloc: parsing scenarios allocates many small values on several threads; against the
// system allocator it took a run of 10,000 scenarios from 6.6 s to 5.0 s (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
