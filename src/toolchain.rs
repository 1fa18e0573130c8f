//! Checking the local Go toolchain, so the summary can name what to install before the first `go run`.

use std::env;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::context::GO_VERSION;

/// Result of looking for the local Go toolchain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoToolchain {
    Suitable(String),
    TooOld(String),
    Missing,
}

impl GoToolchain {
    /// Finds `go` on PATH and reads the `VERSION` file of its GOROOT, which costs far less than starting `go`.
    /// Falls back to `go version` when that file is missing.
    pub fn detect() -> Self {
        let Some(binary) = find_on_path("go") else {
            return Self::Missing;
        };
        let version_file = fs::canonicalize(&binary)
            .ok()
            .and_then(|real| real.parent()?.parent().map(|goroot| goroot.join("VERSION")));
        let first_line = version_file
            .and_then(|path| fs::read_to_string(path).ok())
            .and_then(|text| text.lines().next().map(str::to_owned));
        match first_line
            .as_deref()
            .and_then(|line| line.strip_prefix("go"))
        {
            Some(found) => Self::classify(found),
            None => Self::run_go_version(),
        }
    }

    /// Runs `go version` with `GOTOOLCHAIN=local`, so the check never downloads a toolchain.
    fn run_go_version() -> Self {
        let output = Command::new("go")
            .arg("version")
            .env("GOTOOLCHAIN", "local")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        let Ok(output) = output else {
            return Self::Missing;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        match text
            .split_whitespace()
            .nth(2)
            .and_then(|word| word.strip_prefix("go"))
        {
            Some(found) => Self::classify(found),
            None => Self::Missing,
        }
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
        match self {
            Self::Suitable(_) => None,
            Self::TooOld(found) => Some(format!(
                "go: found {found}, but the project needs Go {GO_VERSION} or newer; with GOTOOLCHAIN=auto (the \
                 default) the go command downloads it on first use, otherwise install it from https://go.dev/dl/"
            )),
            Self::Missing => Some(format!(
                "go: not found on PATH; install Go {GO_VERSION} or newer from https://go.dev/dl/"
            )),
        }
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
}
