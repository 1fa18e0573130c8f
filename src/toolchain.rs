//! Checking the local Go toolchain, so the summary can name what to install before the first `go run`.

use std::env;
use std::fs;
use std::io::{Read, Seek};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::context::GO_VERSION;
use crate::interrupt;

/// Maximum wait for `go version`. A `go` binary prints its version within milliseconds (measured: 5 ms for Go 1.26.8
/// on Linux), and the shims of version managers such as asdf or mise start a shell first, which by estimate adds a
/// few hundred milliseconds. Three seconds leaves room for a slow machine, yet a shim that hangs delays the summary
/// only briefly.
pub const VERSION_TIMEOUT: Duration = Duration::from_secs(3);

/// Maximum number of bytes of `go version` output that scaffold reads and quotes.
const MAX_OUTPUT: u64 = 4096;

/// Result of looking for the local Go toolchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoToolchain {
    Suitable(String),
    TooOld(String),
    /// No executable named `go` on PATH.
    Missing,
    /// `go version` did not exit within [`VERSION_TIMEOUT`], so it was killed.
    TimedOut(PathBuf),
    /// `go version` printed no version that scaffold can read. `detail` describes what it printed, or why it failed.
    Unreadable {
        path: PathBuf,
        detail: String,
    },
    /// Ctrl-C or a termination signal arrived while `go version` ran.
    Interrupted,
}

impl GoToolchain {
    /// Finds `go` on PATH and reads the `VERSION` file of its GOROOT, which costs far less than starting `go`.
    /// Falls back to `go version` when that file is missing, for example behind a version manager's shim.
    pub fn detect(interrupted: &AtomicBool) -> Self {
        let Some(binary) = find_on_path("go") else {
            return Self::Missing;
        };
        let version_file = fs::canonicalize(&binary)
            .ok()
            .and_then(|real| real.parent()?.parent().map(|goroot| goroot.join("VERSION")));
        let first_line = version_file
            .and_then(|path| fs::read_to_string(path).ok())
            .and_then(|text| text.lines().next().map(str::to_owned));
        match first_line.as_deref().and_then(parse_version) {
            Some(found) => found,
            None => Self::run_go_version(&binary, interrupted),
        }
    }

    /// Runs `binary version` with `GOTOOLCHAIN=local`, so the check never downloads a toolchain, and kills it after
    /// [`VERSION_TIMEOUT`]. The command runs in its own process group, so that killing it also ends the processes a
    /// shim script started, and Ctrl-C reaches it only through `interrupted`.
    fn run_go_version(binary: &Path, interrupted: &AtomicBool) -> Self {
        let unreadable = |detail: String| Self::Unreadable {
            path: binary.to_owned(),
            detail,
        };
        // A file instead of a pipe, because a process that a shim leaves behind could keep a pipe open.
        let mut output = match tempfile::tempfile() {
            Ok(file) => file,
            Err(error) => {
                return unreadable(format!(
                    "could not run, because no output file could be created: {error}"
                ));
            }
        };
        let spawned = output.try_clone().and_then(|stderr| {
            Command::new(binary)
                .arg("version")
                .env("GOTOOLCHAIN", "local")
                .stdin(Stdio::null())
                .stdout(output.try_clone()?)
                .stderr(stderr)
                .process_group(0)
                .spawn()
        });
        let child = match spawned {
            Ok(child) => child,
            Err(error) => return unreadable(format!("failed to start: {error}")),
        };
        let status = match wait_with_timeout(child, interrupted) {
            Wait::Exited(status) => status,
            Wait::TimedOut => return Self::TimedOut(binary.to_owned()),
            Wait::Interrupted => return Self::Interrupted,
            Wait::Failed(error) => return unreadable(format!("could not be waited for: {error}")),
        };

        let mut bytes = Vec::new();
        let read = output
            .rewind()
            .and_then(|()| (&mut output).take(MAX_OUTPUT).read_to_end(&mut bytes));
        if let Err(error) = read {
            return unreadable(format!(
                "printed output that could not be read back: {error}"
            ));
        }
        let text = String::from_utf8_lossy(&bytes);

        let version_line = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("go version "));
        if let Some(found) = version_line.and_then(parse_version) {
            return found;
        }
        unreadable(describe_output(status, text.trim()))
    }

    /// Compares a version such as `1.26.8` or `1.27rc1` with the version generated projects require.
    pub fn classify(found: &str) -> Self {
        if parse(found) >= parse(GO_VERSION) {
            Self::Suitable(found.to_owned())
        } else {
            Self::TooOld(found.to_owned())
        }
    }

    /// Returns a line for the summary when the toolchain needs attention.
    pub fn advice(&self) -> Option<String> {
        let check = format!("run `go version` to check that it is Go {GO_VERSION} or newer");
        match self {
            Self::Suitable(_) => None,
            Self::TooOld(found) => Some(format!(
                "go: found {found}, but the project needs Go {GO_VERSION} or newer; with GOTOOLCHAIN=auto (the \
                 default) the go command downloads it on first use, otherwise install it from https://go.dev/dl/"
            )),
            Self::Missing => Some(format!(
                "go: not found on PATH; install Go {GO_VERSION} or newer from https://go.dev/dl/"
            )),
            Self::TimedOut(path) => Some(format!(
                "go: found `{}`, but `go version` timed out after {} seconds, so the Go version is unknown; {check}",
                path.display(),
                VERSION_TIMEOUT.as_secs()
            )),
            Self::Unreadable { path, detail } => Some(format!(
                "go: found `{}`, but `go version` {detail}, so the Go version is unknown; {check}",
                path.display()
            )),
            Self::Interrupted => Some("go: the version check was interrupted".into()),
        }
    }
}

/// Outcome of [`wait_with_timeout`].
enum Wait {
    Exited(ExitStatus),
    TimedOut,
    Interrupted,
    Failed(std::io::Error),
}

/// Waits for `child`, which leads its own process group, and kills that group after [`VERSION_TIMEOUT`] or when
/// `interrupted` is set. Polls with a growing pause of at most 20 ms, so a fast `go version` adds little delay.
fn wait_with_timeout(mut child: Child, interrupted: &AtomicBool) -> Wait {
    let deadline = Instant::now() + VERSION_TIMEOUT;
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Wait::Exited(status),
            Ok(None) => {}
            Err(error) => {
                kill_group(&mut child);
                return Wait::Failed(error);
            }
        }
        if interrupt::is_set(interrupted) {
            kill_group(&mut child);
            return Wait::Interrupted;
        }
        if Instant::now() >= deadline {
            kill_group(&mut child);
            return Wait::TimedOut;
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// Kills the process group that `child` leads and reaps `child`. A process that left the group, for example with
/// `setsid`, keeps running.
fn kill_group(child: &mut Child) {
    let group = i32::try_from(child.id()).map(Pid::from_raw);
    let killed = group.is_ok_and(|group| killpg(group, Signal::SIGKILL).is_ok());
    if !killed {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Reads the version from `go version` output after its `go version ` prefix, such as `go1.26.8 linux/amd64`, or
/// from the first line of a GOROOT's `VERSION` file, such as `go1.26.8`. A development build (`devel go1.27-abc`,
/// or `devel +abc` from older source trees) counts as suitable, because its version cannot be compared with a
/// release and it is usually newer than the latest one.
fn parse_version(text: &str) -> Option<GoToolchain> {
    let mut words = text.split_whitespace();
    let first = words.next()?;
    if first == "devel" {
        let build = words.next().unwrap_or_default();
        return Some(GoToolchain::Suitable(
            format!("devel {build}").trim_end().to_owned(),
        ));
    }
    let number = first.strip_prefix("go")?;
    if !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(GoToolchain::classify(number))
}

/// Describes output that contains no version, for the sentence "`go version` ...". Quotes at most the first line.
fn describe_output(status: ExitStatus, text: &str) -> String {
    let mut lines = text.lines();
    let quoted = match lines.next() {
        None => "nothing".to_owned(),
        Some(first) if lines.next().is_some() => format!("{:?} and more lines", first.trim()),
        Some(first) => format!("{:?}", first.trim()),
    };
    match status.code() {
        Some(0) => format!("printed {quoted}, which has no version"),
        Some(code) => format!("exited with status {code} and printed {quoted}"),
        None => format!("was stopped by a signal and printed {quoted}"),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| {
            fs::metadata(candidate).is_ok_and(|metadata| {
                metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
            })
        })
}

/// Parses the leading numbers of a version; a pre-release suffix such as `rc1` counts as `.0`.
fn parse(version: &str) -> (u32, u32, u32) {
    let mut numbers = version.split('.').map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or(0)
    });
    (
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_versions() {
        assert_eq!(
            GoToolchain::classify(GO_VERSION),
            GoToolchain::Suitable(GO_VERSION.into())
        );
        assert_eq!(
            GoToolchain::classify("1.99.0"),
            GoToolchain::Suitable("1.99.0".into())
        );
        assert_eq!(
            GoToolchain::classify("1.27rc1"),
            GoToolchain::Suitable("1.27rc1".into())
        );
        assert_eq!(
            GoToolchain::classify("1.22.5"),
            GoToolchain::TooOld("1.22.5".into())
        );
        assert_eq!(
            GoToolchain::classify("1.26"),
            GoToolchain::TooOld("1.26".into())
        );
    }

    #[test]
    fn parses_version_text() {
        for (text, expected) in [
            (
                "go1.99.0 linux/amd64",
                Some(GoToolchain::Suitable("1.99.0".into())),
            ),
            ("go1.22.5", Some(GoToolchain::TooOld("1.22.5".into()))),
            (
                "devel go1.27-4fe5ba2 Tue Jan 6 10:00:00 2026 +0000 linux/amd64",
                Some(GoToolchain::Suitable("devel go1.27-4fe5ba2".into())),
            ),
            (
                "devel +b2a5b8e Mon Jan 1 00:00:00 2018 +0000 linux/amd64",
                Some(GoToolchain::Suitable("devel +b2a5b8e".into())),
            ),
            ("devel", Some(GoToolchain::Suitable("devel".into()))),
            ("gofoo linux/amd64", None),
            ("unknown", None),
            ("", None),
        ] {
            assert_eq!(parse_version(text), expected, "{text:?}");
        }
    }
}
