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

/// The longest line of a TOML error message that is shown whole. toml_edit quotes the offending line and marks the
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

/// Formats a TOML parse error for a message, shortening each line that is longer than `MAX_ERROR_LINE_CHARS`.
pub fn toml_error(error: &toml_edit::TomlError) -> String {
    error
        .to_string()
        .trim()
        .lines()
        .filter_map(|line| match line.char_indices().nth(MAX_ERROR_LINE_CHARS) {
            // The column marker of an error far along the line: it would point at nothing that is shown.
            Some((end, _)) if line[..end].trim_start_matches([' ', '|']).is_empty() => None,
            Some((end, _)) => Some(format!("{}…", &line[..end])),
            None => Some(line.to_owned()),
        })
        .collect::<Vec<_>>()
        .join("\n")
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
