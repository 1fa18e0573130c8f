//! `scaffold config`: list, read and edit the user's defaults for `scaffold new`.

use std::io::Write;
use std::path::Path;

use crate::cli::ConfigCommand;
use crate::error::Error;
use crate::user_config::{KEYS, UserConfig};

/// Runs one `scaffold config` subcommand against the file at `path`.
pub fn run(command: &ConfigCommand, path: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let print = |out: &mut dyn Write, line: String| {
        writeln!(out, "{line}").map_err(|source| Error::io("print to", "standard output", source))
    };
    match command {
        ConfigCommand::Path => print(out, path.display().to_string()),
        ConfigCommand::List => {
            let config = UserConfig::load(path)?;
            for key in KEYS {
                let line = match config.get(key.name)? {
                    Some(value) => format!("{} = {value}", key.name),
                    None => format!("{} (not set): {}", key.name, key.help),
                };
                print(out, line)?;
            }
            Ok(())
        }
        ConfigCommand::Get { key } => {
            let config = UserConfig::load(path)?;
            match config.get(key)? {
                Some(value) => print(out, value),
                None => Ok(()),
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
