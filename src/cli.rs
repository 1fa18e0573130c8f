//! Command-line flags as typed. These structs are raw input; [`crate::spec::ProjectSpec`] is what the rest of the
//! program uses.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

#[derive(Debug, Parser)]
#[command(
    name = "scaffold",
    version,
    about = "Generate production-grade Go backend services"
)]
pub struct Cli {
    /// Print nothing but results that were asked for, such as the file list of `new --dry-run`, and errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print each step on stderr, and for `new` where each answer came from.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new Go service.
    New(NewArgs),
    /// Show or change your defaults for `scaffold new`.
    #[command(
        subcommand,
        after_help = "Keys: module_prefix (prefix for module paths derived from folder names, such as \
github.com/acme), templates (folder of your own templates, applied by every `scaffold new`), database (sqlite, \
postgres, mysql or none), git (true or false). Flags and environment variables of `scaffold new` win over these.

Exit codes: 0 success, 1 failure reading or writing the file or `get` of a key that is not set, 2 invalid key, \
value or config file."
    )]
    Config(ConfigCommand),
    /// List or export the built-in templates, or print the variables they use.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Print a shell completion script to stdout.
    Completions {
        /// The shell to complete for.
        shell: Shell,
    },
}

#[derive(Debug, Args)]
#[command(
    // The last of a repeated flag wins, as --git and --no-git already did, so that a script can append overrides.
    args_override_self = true,
    after_help = "A TARGET with a slash whose first element contains a dot and is not an existing folder, such \
as github.com/acme/billing, is a module path: the project goes into ./billing with that module path, which wins \
over SCAFFOLD_MODULE and the --answers file. Anything else is a folder path, created exactly there.

Each value comes from the first of: flag, environment variable (SCAFFOLD_NAME, SCAFFOLD_MODULE, SCAFFOLD_DB, \
SCAFFOLD_GIT), --answers file, user config (`scaffold config`), built-in default. With a terminal, values not \
given are asked for; without one, or with --yes, nothing is asked and missing values are an error.

Exit codes: 0 success, 1 failure while generating (I/O), 2 invalid input, 73 target not empty or files \
conflict, 130 interrupted or cancelled. Nothing is written unless the whole project is."
)]
pub struct NewArgs {
    /// Folder name, folder path or module path of the new project.
    pub target: Option<String>,

    /// Set the Go module path [default: TARGET when it is a module path, else the folder name after the
    /// configured module prefix].
    #[arg(long, value_name = "PATH")]
    pub module: Option<String>,

    /// Choose the database the service stores its data in [default: sqlite].
    #[arg(long, value_name = "NAME", value_parser = Listed(database_names))]
    pub db: Option<String>,

    /// Read answers from a file, such as the scaffold.toml of an existing project; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Apply a folder of your own templates on top of the built-in ones [env: SCAFFOLD_TEMPLATES].
    #[arg(long, value_name = "DIR", help_heading = "Templates")]
    pub templates: Option<PathBuf>,

    /// Use only the built-in templates, ignoring SCAFFOLD_TEMPLATES and the configured overlay.
    #[arg(long, help_heading = "Templates", conflicts_with = "templates")]
    pub no_templates: bool,

    /// Set a variable for overlay templates; repeat for several.
    #[arg(long = "set", value_name = "KEY=VALUE", help_heading = "Templates")]
    pub set: Vec<String>,

    /// Print the files that would be written, with their sizes, and write nothing.
    #[arg(long, help_heading = "Writing")]
    pub dry_run: bool,

    /// Write into a non-empty folder, overwriting files at the same paths and deleting nothing.
    #[arg(long, help_heading = "Writing")]
    pub force: bool,

    /// Run `git init` and commit the generated files [default].
    #[arg(long, help_heading = "Writing", overrides_with = "no_git")]
    pub git: bool,

    /// Skip `git init` and the initial commit.
    #[arg(long, help_heading = "Writing", overrides_with = "git")]
    pub no_git: bool,

    /// Never ask: use defaults for values not given, and fail if the folder is missing.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print every key with its value.
    List,
    /// Print the value of one key.
    Get {
        /// The key to print.
        #[arg(value_parser = Listed(config_keys))]
        key: String,
    },
    /// Set a key, keeping the rest of the file as written.
    Set {
        /// The key to set.
        #[arg(value_parser = Listed(config_keys))]
        key: String,
        /// The new value; `scaffold config --help` lists what each key accepts.
        value: String,
    },
    /// Remove a key.
    Unset {
        /// The key to remove. A key in the file that scaffold does not know can be removed too.
        #[arg(value_parser = Listed(config_keys))]
        key: String,
    },
    /// Print the config file's path.
    Path,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Print every built-in template's path and the projects that get it.
    List,
    /// Write template sources and an overlay manifest into a folder, to edit and pass to `new --templates`.
    Export {
        /// Templates to export, as `templates list` prints them [default: all].
        paths: Vec<String>,
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Write into a non-empty folder, overwriting files at the same paths.
        #[arg(long)]
        force: bool,
    },
    /// Print every variable templates can use, with its type and an example value.
    Vars,
}

/// A value parser that accepts any text and names the expected values only for help and shell completion. An
/// invalid value is then reported by scaffold itself, together with every other problem of the command.
#[derive(Debug, Clone, Copy)]
struct Listed(fn() -> Vec<&'static str>);

impl clap::builder::TypedValueParser for Listed {
    type Value = String;

    fn parse_ref(
        &self,
        _command: &clap::Command,
        _argument: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = (self.0)().into_iter();
        Some(Box::new(names.map(clap::builder::PossibleValue::new)))
    }
}

fn database_names() -> Vec<&'static str> {
    crate::spec::Database::names()
}

fn config_keys() -> Vec<&'static str> {
    crate::user_config::KEYS
        .iter()
        .map(|key| key.name)
        .collect()
}
