//! Ctrl-C stops the `ocapy` binary with the shell's status for it, 130, and no output.

use std::io::Read;
use std::process::{Command, Stdio};

/// Whether a thread of process `pid` sits in `read(0, ...)` (Linux's /proc).
fn blocked_reading_stdin(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        std::fs::read_to_string(task.path().join("syscall"))
            .is_ok_and(|syscall| syscall.split_whitespace().take(2).eq(["0", "0x0"]))
    })
}

#[test]
fn ctrl_c_stops_a_run_blocked_on_standard_input() {
    if !std::path::Path::new("/proc/self/task").is_dir() {
        return;
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_ocapy"))
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ocapy binary starts");
    let pid = command.id();
    // Bounded: two thousand looks at /proc, however fast the machine.
    let blocked = (0..2_000).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(5));
        blocked_reading_stdin(pid)
    });
    assert!(blocked, "ocapy never read standard input");
    let killed = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    // Standard input stays open: the command must stop without it ending.
    let status = command.wait().expect("ocapy ends");
    let (mut stdout, mut stderr) = (String::new(), String::new());
    command
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    command
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr, "");
}
