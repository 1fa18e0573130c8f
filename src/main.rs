use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::{CommandFactory, Parser};
use scaffold::cli::{Cli, Command, NewArgs};
use scaffold::commands;
use scaffold::error::{EXIT_FAILURE, Error};
use scaffold::output::{Output, printable};
use scaffold::questions::check_variables_are_unicode;
use scaffold::user_config::UserConfig;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_parse_result(&error),
    };
    // clap checks `conflicts_with` only among flags given at the same level, so `-q new -v` gets through.
    if cli.quiet && cli.verbose {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "the argument '--quiet' cannot be used with '--verbose'",
            )
            .exit();
    }
    let interrupted = scaffold::interrupt::install();
    let output = Output::detect(cli.quiet, cli.verbose);
    let mut stdout = io::stdout().lock();
    let result = match &cli.command {
        Command::New(args) => run_new(args, output, interrupted, &mut stdout),
        Command::Config(command) => match UserConfig::default_path() {
            Some(path) => commands::config::run(command, &path, &mut stdout),
            None => Err(Error::InvalidInput(
                "this platform has no config folder for scaffold".into(),
            )),
        },
        Command::Templates(command) => {
            commands::templates::run(command, &mut stdout, interrupted, output.quiet)
        }
        Command::Completions { shell } => commands::completions(*shell, &mut stdout),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // A prompt interrupted by Ctrl-C or Esc may leave the cursor hidden, in the middle of its line.
            let interrupted = matches!(error, Error::Interrupted | Error::Cancelled);
            if interrupted && io::stderr().is_terminal() {
                let _ = console::Term::stderr().show_cursor();
                let _ = writeln!(io::stderr());
            }
            let _ = writeln!(io::stderr(), "error: {}", printable(&error.to_string()));
            ExitCode::from(error.exit_code().max(EXIT_FAILURE))
        }
    }
}

/// Prints what clap returned instead of arguments: help, the version or a usage error. `clap::Error::exit` ignores
/// a failed write, which would let `scaffold --help > /dev/full` exit 0 with nothing printed.
fn report_parse_result(error: &clap::Error) -> ExitCode {
    let code = u8::try_from(error.exit_code()).unwrap_or(EXIT_FAILURE);
    match error.print() {
        Ok(()) => ExitCode::from(code),
        // A closed pipe is not a failure, as for every other output: `scaffold --help | head -1`.
        Err(source) if source.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(source) => {
            let stream = if error.use_stderr() {
                "standard error"
            } else {
                "standard output"
            };
            let _ = writeln!(io::stderr(), "error: failed to write to {stream}: {source}");
            ExitCode::from(code.max(EXIT_FAILURE))
        }
    }
}

fn run_new(
    args: &NewArgs,
    output: Output,
    interrupted: &'static AtomicBool,
    stdout: &mut impl Write,
) -> Result<(), Error> {
    let cwd = std::env::current_dir()
        .map_err(|source| Error::stream("read", "the current folder", source))?;
    let overridden = |key: &str| match key {
        "SCAFFOLD_NAME" => args.target.is_some(),
        "SCAFFOLD_MODULE" => args.module.is_some(),
        "SCAFFOLD_DB" => args.db.is_some(),
        "SCAFFOLD_GIT" => args.git || args.no_git,
        "SCAFFOLD_TEMPLATES" => args.templates.is_some() || args.no_templates,
        _ => false,
    };
    check_variables_are_unicode(|key| std::env::var(key), overridden)
        .map_err(Error::InvalidInput)?;
    let env = |key: &str| std::env::var(key).ok();
    let context = commands::new::RunContext {
        cwd: &cwd,
        env: &env,
        config_path: UserConfig::default_path(),
        // The prompts read keys from stdin and draw on stderr, so both must be terminals.
        // With stderr sent to a file, a prompt could neither be seen nor be answered.
        terminal: io::stdin().is_terminal()
            && io::stdout().is_terminal()
            && io::stderr().is_terminal(),
        output,
        interrupted,
    };
    commands::new::run(args, &context, stdout)
}
