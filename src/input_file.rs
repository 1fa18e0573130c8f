//! Reading the text files a user points scaffold at: the config file, answers files and the overlay manifest.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use crate::error::Error;

/// The reason an input file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    /// A folder, named pipe, socket or device. Reading a named pipe blocks until another process writes to it, and
    /// Ctrl-C does not end the read, because scaffold's signal handler only sets a flag. Such files are therefore
    /// rejected before they are opened.
    NotRegularFile {
        folder: bool,
    },
    NotUtf8,
    /// Longer than `MAX_INPUT_BYTES`.
    TooLarge,
    Io(io::Error),
}

/// The size limit of every input file. The files are small TOML documents of a few KiB, so a larger file is a wrong
/// path, such as a log or a disk image, which must not fill memory and the terminal.
pub const MAX_INPUT_BYTES: u64 = 1024 * 1024;

/// The maximum length of a line of a TOML error message that is shown whole. toml_edit quotes the offending line and marks the
/// column under it, which for a one-line file of megabytes would flood the terminal.
const MAX_ERROR_LINE_CHARS: usize = 200;

/// Reads `path` as UTF-8 text, refusing anything but a regular file or a link to one.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    match fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => {
            return Err(ReadError::NotRegularFile {
                folder: metadata.is_dir(),
            });
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(ReadError::NotFound),
        Err(error) => return Err(ReadError::Io(error)),
        Ok(metadata) if metadata.len() > MAX_INPUT_BYTES => return Err(ReadError::TooLarge),
        Ok(_) => {}
    }
    let file = File::open(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(error),
    })?;
    read_limited(file)
}

/// Reads at most `MAX_INPUT_BYTES` from `reader` as UTF-8 text.
pub fn read_limited(reader: impl Read) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
}

/// Formats a TOML parse error in `source` for a message. toml_edit quotes the whole line of the error. When that line
/// is longer than `MAX_ERROR_LINE_CHARS`, the message quotes only the part around the error's column instead.
pub fn toml_error(error: &toml_edit::TomlError, source: &str) -> String {
    let full = error.to_string();
    let full = full.trim();
    if full
        .lines()
        .all(|line| line.chars().count() <= MAX_ERROR_LINE_CHARS)
    {
        return full.to_owned();
    }

    let heading = full.lines().next().unwrap_or_default();
    let Some((before, after)) = error
        .span()
        .and_then(|span| split_line_at(source, span.start))
    else {
        return format!("{heading}\n{}", error.message());
    };

    let context = MAX_ERROR_LINE_CHARS / 2;
    let skipped = before.chars().count().saturating_sub(context);
    let before: String = before.chars().skip(skipped).collect();
    let lead = if skipped > 0 { "…" } else { "" };
    let trail = if after.chars().count() > context {
        "…"
    } else {
        ""
    };
    let after: String = after.chars().take(context).collect();

    let caret = " ".repeat(lead.chars().count() + before.chars().count());
    format!(
        "{heading}\n  | {lead}{before}{after}{trail}\n  | {caret}^\n{}",
        error.message()
    )
}

/// Splits the line of `source` that contains byte `offset` into the text before and from that offset.
fn split_line_at(source: &str, offset: usize) -> Option<(&str, &str)> {
    let head = source.get(..offset)?;
    let line_start = head.rfind('\n').map_or(0, |index| index + 1);
    let tail = &source[offset..];
    let line_end = tail.find(['\r', '\n']).unwrap_or(tail.len());
    Some((&head[line_start..], &tail[..line_end]))
}

impl ReadError {
    /// Describes the problem for an "invalid ... file" message, or returns the I/O error to report as a failure.
    pub fn reason(self) -> Result<String, io::Error> {
        match self {
            Self::NotFound => Ok("it does not exist".into()),
            Self::NotRegularFile { folder: true } => Ok("it is a folder, not a file".into()),
            Self::NotRegularFile { folder: false } => {
                Ok("it is a named pipe, socket or device, not a regular file".into())
            }
            Self::NotUtf8 => Ok("it is not UTF-8 text".into()),
            Self::TooLarge => Ok(format!(
                "it is larger than {} MiB",
                MAX_INPUT_BYTES / (1024 * 1024)
            )),
            Self::Io(error) => Err(error),
        }
    }

    /// Turns the problem into an error: `invalid` with the reason for a file that cannot be used, or an I/O error
    /// of `action` on `path`.
    pub fn into_error(
        self,
        path: &Path,
        action: &'static str,
        invalid: impl Fn(String) -> Error,
    ) -> Error {
        match self.reason() {
            Ok(reason) => invalid(reason),
            Err(source) => Error::io(action, path, source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error(source: &str) -> String {
        let error = source.parse::<toml_edit::DocumentMut>().unwrap_err();
        toml_error(&error, source)
    }

    #[test]
    fn short_toml_error_is_kept_whole() {
        let message = parse_error("a = = 1\n");
        assert!(message.contains("1 | a = = 1\n  |     ^"), "{message}");
    }

    #[test]
    fn long_toml_error_line_is_cut() {
        let source = format!("a = \"{}\" b = 1\r\nc = 2\n", "é".repeat(5000));
        let message = parse_error(&source);

        let lines: Vec<&str> = message.lines().collect();
        assert!(
            lines[0].starts_with("TOML parse error at line 1"),
            "{message}"
        );
        assert!(lines[1].starts_with("  | …éé"), "{message}");
        assert!(lines[1].ends_with("\" b = 1"), "{message}");
        let caret = lines[2].chars().position(|c| c == '^').unwrap();
        assert_eq!(lines[1].chars().nth(caret), Some('b'), "{message}");
        assert!(message.chars().count() < 600, "{message}");
    }

    #[test]
    fn split_line_at_stops_at_line_ends() {
        assert_eq!(split_line_at("x\nab\r\ny", 3), Some(("a", "b")));
        assert_eq!(split_line_at("ab", 0), Some(("", "ab")));
        assert_eq!(split_line_at("é", 1), None);
    }
}
