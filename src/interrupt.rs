//! Ctrl-C handling: the signal only sets a flag, and the writer checks it between steps, so an interrupted run
//! still removes its temporary folder instead of dying half-way.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C (SIGINT) handler once and returns the flag it sets.
pub fn install() -> &'static AtomicBool {
    // Installing twice fails; the first handler already sets the same flag, so the error is irrelevant.
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    &INTERRUPTED
}

pub fn is_set(flag: &AtomicBool) -> bool {
    flag.load(Ordering::SeqCst)
}
