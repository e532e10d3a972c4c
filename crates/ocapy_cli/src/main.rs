//! The `ocapy` command.

// Checking a tree allocates many small syntax nodes on several threads; mimalloc spends
// about a fifth less time there than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Ctrl-C stops the run at the next file; a run that has not stopped soon after (blocked
    // reading standard input, say) ends with the process.
    let _ = ctrlc::set_handler(|| {
        ocapy_cli::interrupt();
        std::thread::sleep(ocapy_cli::INTERRUPT_GRACE);
        std::process::exit(ocapy_cli::EXIT_INTERRUPTED.into());
    });
    std::process::ExitCode::from(ocapy_cli::run(std::env::args_os()))
}
