//! One module per subcommand; each turns parsed flags into calls to the library and prints the results.

pub mod config;
mod customize;
pub mod new;
mod recreate;
mod summary;
pub mod templates;

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<(), Error> {
    // clap_complete panics when its writer fails, so the script is built in memory and the write error, such as
    // a closed pipe, is returned like every other command's.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "scaffold", &mut script);
    out.write_all(&script)
        .map_err(|source| Error::stream("print to", "standard output", source))
}
