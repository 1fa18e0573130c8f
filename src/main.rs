use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use scaffold::cli::{Cli, Command};
use scaffold::error::{EXIT_FAILURE, Error};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let interrupted = scaffold::interrupt::install();
    let result = match &cli.command {
        Command::New(args) => match std::env::current_dir() {
            Ok(cwd) => scaffold::new::run(args, &cwd, &mut io::stdout().lock(), interrupted),
            Err(source) => Err(Error::io("read", "the current folder", source)),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            let _ = writeln!(io::stderr(), "error: {error}");
            ExitCode::from(error.exit_code().max(EXIT_FAILURE))
        }
    }
}
