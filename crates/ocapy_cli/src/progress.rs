//! A line on standard error saying how far a long run has got: only on a terminal, only
//! after the run has taken a second, and erased when it ends, so that short runs, pipes and
//! CI logs see nothing.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

const FIRST_AFTER: Duration = Duration::from_secs(1);
const EVERY: Duration = Duration::from_millis(100);

/// Counts checked files while `work` runs, and shows the count when standard error is a
/// terminal and the work takes long.
pub fn around<T: Send>(total: usize, work: impl FnOnce(&AtomicUsize) -> T + Send) -> T {
    let done = AtomicUsize::new(0);
    if !std::io::stderr().is_terminal() {
        return work(&done);
    }
    let (finished, wait) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let done = &done;
        scope.spawn(move || {
            let mut shown = false;
            let mut timeout = FIRST_AFTER;
            while let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(timeout) {
                let _ = write!(
                    std::io::stderr(),
                    "\r{}",
                    line(done.load(Ordering::Relaxed), total)
                );
                shown = true;
                timeout = EVERY;
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        let result = work(done);
        drop(finished);
        result
    })
}

fn line(done: usize, total: usize) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    format!("ocapy: checked {done} of {total} files ({percent}%)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_files_and_percent() {
        assert_eq!(line(0, 0), "ocapy: checked 0 of 0 files (100%)");
        assert_eq!(line(1, 3), "ocapy: checked 1 of 3 files (33%)");
    }

    #[test]
    fn without_a_terminal_the_work_runs_unseen_and_its_count_is_kept() {
        let counted = around(5, |done| {
            done.fetch_add(5, Ordering::Relaxed);
            done.load(Ordering::Relaxed)
        });
        assert_eq!(counted, 5);
    }
}
