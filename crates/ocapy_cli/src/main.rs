//! The `ocapy` command.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(ocapy_cli::run(std::env::args_os()))
}
