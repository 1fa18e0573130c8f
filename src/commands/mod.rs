//! One module per subcommand; each turns parsed flags into calls to the library and prints the results.

pub mod config;
pub mod new;
pub mod templates;

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<(), Error> {
    clap_complete::generate(shell, &mut Cli::command(), "scaffold", out);
    Ok(())
}
