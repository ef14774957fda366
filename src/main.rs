//! The `proton-conform` command line.

mod cli;

// mimalloc: parsing scenarios allocates many small values on several threads; it cut a run of
// 10,000 scenarios by a quarter against the system allocator (BENCHMARKS.md, profiling).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
