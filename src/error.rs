//! The errors `scaffold` reports and the exit code each one maps to.

use std::io;
use std::path::PathBuf;

/// Exit code for invalid input or usage; clap uses the same code for flags it cannot parse.
pub const EXIT_INVALID_INPUT: u8 = 2;
/// Exit code when the target exists, files conflict or the target cannot be created (`EX_CANTCREAT` from
/// sysexits.h).
pub const EXIT_CONFLICT: u8 = 73;
/// Exit code after Ctrl-C, following the shell convention of 128 + SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;
/// Exit code for any failure while generating, such as an I/O error.
pub const EXIT_FAILURE: u8 = 1;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An answer failed validation; the message names the value and the fix.
    #[error("{0}")]
    InvalidInput(String),

    #[error("`{}` already exists and is not empty; nothing was written\n{}\nchoose another folder, empty this one, or pass `--force` to overwrite files at the same paths", path.display(), list_entries(entries))]
    TargetNotEmpty { path: PathBuf, entries: Vec<String> },

    #[error("`{}` already exists and is not a folder; nothing was written", path.display())]
    TargetNotFolder { path: PathBuf },

    #[error("cannot create the project in `{}`, because `{}` is not writable for you ({reason}); nothing was written\nchoose a folder you can write to, or ask for write access to this one", target.display(), folder.display())]
    TargetNotWritable {
        target: PathBuf,
        folder: PathBuf,
        reason: &'static str,
    },

    #[error("cannot write into `{}` even with `--force`, because these paths have the wrong type; nothing was written\n{}", path.display(), list_entries(entries))]
    TypeConflicts { path: PathBuf, entries: Vec<String> },

    #[error("interrupted; nothing was written")]
    Interrupted,

    #[error("cancelled; nothing was written")]
    Cancelled,

    #[error("interrupted during git; the project files in `{}` are complete, but the repository may not be", path.display())]
    InterruptedDuringGit { path: PathBuf },

    #[error("interrupted while checking the Go version; the project files in `{}` are complete", path.display())]
    InterruptedDuringGoCheck { path: PathBuf },

    /// A summary that failed to print after the project was written. The message names the created folder.
    #[error("created `{}`, but failed to print its summary to standard output: {source}", path.display())]
    SummaryNotPrinted { path: PathBuf, source: io::Error },

    /// `scaffold config get` of a key the file does not set. Nothing is printed on stdout, so scripts can tell
    /// an unset key from an empty value by the exit code, as with `git config --get`.
    #[error("`{key}` is not set in `{}`", path.display())]
    ConfigKeyNotSet { key: String, path: PathBuf },

    #[error("failed to render template `{template}`: {source}")]
    Render {
        template: &'static str,
        source: askama::Error,
    },

    #[error("failed to {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },

    /// An I/O failure on something that is not a path, such as standard output or the terminal.
    #[error("failed to {action} {name}: {source}")]
    Stream {
        action: &'static str,
        /// The name of the stream or thing that failed, such as "standard output".
        name: &'static str,
        source: io::Error,
    },
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub fn stream(action: &'static str, name: &'static str, source: io::Error) -> Self {
        Self::Stream {
            action,
            name,
            source,
        }
    }

    /// Reports whether this is a write to a pipe whose reader has gone, as when the output goes to `head`.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } | Self::Stream { source, .. } | Self::SummaryNotPrinted { source, .. }
            if source.kind() == io::ErrorKind::BrokenPipe)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Self::InvalidInput(_) => EXIT_INVALID_INPUT,
            Self::TargetNotEmpty { .. }
            | Self::TargetNotFolder { .. }
            | Self::TargetNotWritable { .. }
            | Self::TypeConflicts { .. } => EXIT_CONFLICT,
            Self::Interrupted
            | Self::Cancelled
            | Self::InterruptedDuringGit { .. }
            | Self::InterruptedDuringGoCheck { .. } => EXIT_INTERRUPTED,
            Self::Render { .. }
            | Self::Io { .. }
            | Self::Stream { .. }
            | Self::SummaryNotPrinted { .. }
            | Self::ConfigKeyNotSet { .. } => EXIT_FAILURE,
        }
    }
}

/// Formats at most 20 entries, one per indented line, so a huge folder does not flood the terminal.
fn list_entries(entries: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut lines: Vec<String> = entries
        .iter()
        .take(SHOWN)
        .map(|entry| format!("  {entry}"))
        .collect();
    if entries.len() > SHOWN {
        lines.push(format!("  ... and {} more", entries.len() - SHOWN));
    }
    lines.join("\n")
}
