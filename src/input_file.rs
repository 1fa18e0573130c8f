//! Reading the text files a user points scaffold at: the config file, answers files and the overlay manifest.

use std::fs;
use std::io;
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
    Io(io::Error),
}

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
        Ok(_) => {}
    }
    fs::read_to_string(path).map_err(|error| match error.kind() {
        io::ErrorKind::InvalidData => ReadError::NotUtf8,
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(error),
    })
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
