//! `scaffold config`: list, read and edit the user's defaults for `scaffold new`.

use std::io::Write;
use std::path::Path;

use crate::cli::ConfigCommand;
use crate::error::Error;
use crate::output::printable;
use crate::user_config::{KEYS, UserConfig};

/// Runs one `scaffold config` subcommand against the file at `path`.
pub fn run(command: &ConfigCommand, path: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let print = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}")
            .map_err(|source| Error::stream("print to", "standard output", source))
    };
    match command {
        ConfigCommand::Path => print(out, path.display().to_string()),
        ConfigCommand::List => list(path, out),
        ConfigCommand::Get { key } => {
            let config = UserConfig::load(path)?;
            match config.get(key)? {
                Some(value) => {
                    // The value is still printed, so that a broken file can be inspected, but a script reading it
                    // learns from stderr that `scaffold new` rejects it.
                    if let Some(problem) = config.problem(key) {
                        let warning = format!(
                            "warning: `{key}` in `{}` is invalid: {problem}",
                            path.display()
                        );
                        eprintln!("{}", printable(&warning));
                    }
                    print(out, value)
                }
                None => Err(Error::ConfigKeyNotSet {
                    key: key.clone(),
                    path: path.to_owned(),
                }),
            }
        }
        ConfigCommand::Set { key, value } => {
            let mut config = UserConfig::load(path)?;
            config.set(key, value)?;
            config.save()
        }
        ConfigCommand::Unset { key } => {
            let mut config = UserConfig::load(path)?;
            if config.unset(key)? {
                config.save()?;
            }
            Ok(())
        }
    }
}

/// Prints every known key with its value or help, then the entries `scaffold new` would reject, each marked, with
/// one warning on stderr. Listing still succeeds, so that a broken file can be inspected.
fn list(path: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let config = UserConfig::load(path)?;
    let mut lines = Vec::new();
    let mut invalid = 0;
    for key in KEYS {
        let line = match (config.get(key.name)?, config.problem(key.name)) {
            (Some(_), Some(problem)) => {
                invalid += 1;
                let written = config.raw(key.name).unwrap_or_default();
                format!("{} = {written} (invalid: {problem})", key.name)
            }
            (Some(value), None) => format!("{} = {value}", key.name),
            (None, _) => format!("{} (not set): {}", key.name, key.help),
        };
        lines.push(line);
    }
    for (key, value) in config.unknown_entries() {
        invalid += 1;
        lines.push(format!("{key} = {value} (invalid: unknown key)"));
    }
    // A hand-edited file may hold control characters; `config get` prints a value as it is, for scripts.
    for line in lines {
        writeln!(out, "{}", printable(&line))
            .map_err(|source| Error::stream("print to", "standard output", source))?;
    }
    if invalid > 0 {
        eprintln!(
            "warning: {invalid} invalid {} in `{}`; `scaffold new` rejects the file until {} fixed with \
             `scaffold config set KEY VALUE` or `scaffold config unset KEY`",
            if invalid == 1 { "entry" } else { "entries" },
            path.display(),
            if invalid == 1 { "it is" } else { "they are" },
        );
    }
    Ok(())
}
