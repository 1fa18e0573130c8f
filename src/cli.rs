//! Command-line flags as typed. These structs are raw input; [`crate::spec::ProjectSpec`] is what the rest of the
//! program uses.

use clap::{Args, Parser, Subcommand};

use crate::spec::Database;

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate production-grade Go backend services"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new Go service.
    New(NewArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
A TARGET with a slash whose first element contains a dot, such as github.com/acme/billing, is a module path: the
project goes into ./billing with that module path. Anything else is a folder path, created exactly there.

Exit codes: 0 success, 1 failure while writing, 2 invalid input, 73 target not empty or files conflict,
130 interrupted. Nothing is written unless the whole project is.")]
pub struct NewArgs {
    /// Folder name, folder path or module path of the new project.
    pub target: String,

    /// Set the Go module path [default: the folder name].
    #[arg(long, value_name = "PATH")]
    pub module: Option<String>,

    /// Choose the database the service stores its data in.
    #[arg(long, value_enum, default_value_t = Database::Sqlite)]
    pub db: Database,

    /// Print the files that would be written, with their sizes, and write nothing.
    #[arg(long, help_heading = "Writing")]
    pub dry_run: bool,

    /// Write into a non-empty folder, overwriting files at the same paths and deleting nothing.
    #[arg(long, help_heading = "Writing")]
    pub force: bool,

    /// Skip `git init` and the initial commit.
    #[arg(long, help_heading = "Writing")]
    pub no_git: bool,

    /// Accept every default without asking; `new` never prompts yet, so this changes nothing today.
    #[arg(long, short = 'y')]
    pub yes: bool,
}
