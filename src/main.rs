//! The `proton-conform` command line.

mod cli;

// mimalloc: parsing scenarios allocates many small values on several threads; against the
// system allocator it took a run of 10,000 scenarios from 6.6 s to 5.0 s (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    quiet_on_a_closed_pipe();
    cli::main()
}

/// A reader that stops reading (`proton-conform list | head`) closes the pipe under `println!`,
/// which then panics; the program ends quietly instead, as a filter does.
fn quiet_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
