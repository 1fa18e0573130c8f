//! The user's defaults for `scaffold new`, kept in the platform's config folder
//! (`$XDG_CONFIG_HOME/scaffold/config.toml` on Linux).
//!
//! The file is edited with toml_edit, so comments, order and formatting the user wrote survive `config set`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, value};

use crate::error::Error;
use crate::input_file::{ReadError, read_text, toml_error};
use crate::module_path::{ModulePath, check_project_path};
use crate::spec::Database;

/// One setting the config file may contain.
pub struct ConfigKey {
    pub name: &'static str,
    pub help: &'static str,
    /// Checks a value as typed on the command line and returns it as stored in the file.
    parse: fn(&str) -> Result<Item, String>,
    /// Whether the file stores the value as a TOML boolean rather than a string.
    boolean: bool,
}

/// Every valid key, in the order `config list` shows them.
pub const KEYS: &[ConfigKey] = &[
    ConfigKey {
        name: "module_prefix",
        help: "prefix for module paths derived from folder names, such as github.com/acme",
        parse: parse_module_prefix,
        boolean: false,
    },
    ConfigKey {
        name: "templates",
        help: "folder of your own templates, applied by every `scaffold new`",
        parse: parse_templates,
        boolean: false,
    },
    ConfigKey {
        name: "database",
        help: "database of new projects",
        parse: parse_database,
        boolean: false,
    },
    ConfigKey {
        name: "git",
        help: "whether new projects get a git repository (true or false)",
        parse: parse_git,
        boolean: true,
    },
];

/// Accepts a prefix when the module path made of it and a folder name would be valid. A prefix need not be a
/// valid module path itself: `example.com/v1` is not one, but `example.com/v1/billing` is.
fn parse_module_prefix(text: &str) -> Result<Item, String> {
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(format!(
            "invalid module prefix `{text}`: it is empty; run `scaffold config unset module_prefix` to remove it"
        ));
    }
    ModulePath::parse(&format!("{trimmed}/billing"))
        .and_then(|path| check_project_path(&path))
        .map_err(|reason| format!("invalid module prefix `{text}`: {reason}"))?;
    Ok(value(trimmed))
}

/// Stores the folder as an absolute path, so that `scaffold new` finds it from any working folder.
fn parse_templates(text: &str) -> Result<Item, String> {
    if text.trim().is_empty() {
        return Err("the templates folder is empty; give a folder path".into());
    }
    if let Some(problem) = crate::overlay::unexpanded_home(text) {
        return Err(problem);
    }
    let folder = std::path::absolute(text)
        .map_err(|error| format!("invalid templates folder `{text}`: {error}"))?;
    if folder.exists() && !folder.is_dir() {
        return Err(format!(
            "the templates folder `{}` is not a folder; give the folder that contains your templates",
            folder.display()
        ));
    }
    if !folder.exists() {
        return Err(format!(
            "the templates folder `{}` does not exist; create it, for example with \
             `scaffold templates export --to {text}`",
            folder.display()
        ));
    }
    Ok(value(folder.to_string_lossy().as_ref()))
}

fn parse_database(text: &str) -> Result<Item, String> {
    Ok(value(Database::parse(text)?.as_str()))
}

fn parse_git(text: &str) -> Result<Item, String> {
    parse_bool(text)
        .map(value)
        .ok_or_else(|| {
            format!("invalid value `{text}` for `git`; use true or false (yes, no, on, off, 1 and 0 also work)")
        })
}

/// Parses the spellings of a boolean that environment variables and flags commonly use.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Some(true),
        "false" | "no" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// Defaults taken from the config file, each already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDefaults {
    pub module_prefix: Option<String>,
    pub templates: Option<String>,
    pub database: Option<Database>,
    pub git: Option<bool>,
}

/// The config file, loaded for reading or editing.
pub struct UserConfig {
    pub path: PathBuf,
    document: DocumentMut,
}

impl UserConfig {
    /// Returns the config file's path in the platform's config folder, if the platform has one.
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|dir| dir.join("scaffold").join("config.toml"))
    }

    /// Loads the file at `path`; a missing file is an empty configuration.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let invalid = |reason: String| {
            Error::InvalidInput(format!(
                "invalid config file `{}`: {reason}\nfix it by hand, or delete it to start again from the built-in \
                 defaults",
                path.display()
            ))
        };
        let text = match read_text(path) {
            Ok(text) => text,
            Err(ReadError::NotFound) => {
                check_not_dangling(path)?;
                String::new()
            }
            Err(error) => return Err(error.into_error(path, "read", invalid)),
        };
        let document = text
            .parse::<DocumentMut>()
            .map_err(|error| invalid(toml_error(&error, &text)))?;
        Ok(Self {
            path: path.to_owned(),
            document,
        })
    }

    /// Returns the stored value of `key` as text, after checking that the key is valid.
    pub fn get(&self, key: &str) -> Result<Option<String>, Error> {
        find_key(key)?;
        Ok(self.document.get(key).map(display_item))
    }

    /// Returns why the stored value of `key` is invalid, or `None` when it is valid or not set. A hand-edited
    /// file can contain values that `config set` would have rejected.
    pub fn problem(&self, key: &str) -> Option<String> {
        let definition = find_key(key).ok()?;
        let item = self.document.get(key)?;
        check_item(definition, item).err()
    }

    /// Returns the stored value of `key` as written in the file, quotes included, to show an invalid value exactly.
    pub fn raw(&self, key: &str) -> Option<String> {
        self.document.get(key).map(written_form)
    }

    /// Returns the keys in the file that scaffold does not know, with their values as written.
    pub fn unknown_entries(&self) -> Vec<(String, String)> {
        self.document
            .iter()
            .filter(|(key, _)| find_key(key).is_err())
            .map(|(key, item)| (key.to_owned(), written_form(item)))
            .collect()
    }

    /// Checks `text` for `key` and stores it, keeping the rest of the file as it was.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), Error> {
        let definition = find_key(key)?;
        let item = (definition.parse)(text).map_err(Error::InvalidInput)?;
        match self.document.get_mut(key) {
            // Replacing only the value keeps the comments around the key.
            Some(Item::Value(existing)) => {
                let decor = existing.decor().clone();
                *existing = item.into_value().expect("config values are plain values");
                *existing.decor_mut() = decor;
            }
            _ => {
                self.document.insert(key, item);
            }
        }
        Ok(())
    }

    /// Removes `key` and returns whether it was set.
    pub fn unset(&mut self, key: &str) -> Result<bool, Error> {
        // An unknown key that the file contains may be removed, because `config list` reports it as invalid.
        if self.document.get(key).is_none() {
            find_key(key)?;
        }
        let table = self.document.as_table_mut();
        let keys: Vec<String> = table.iter().map(|(name, _)| name.to_owned()).collect();
        let Some(position) = keys.iter().position(|name| name == key) else {
            return Ok(false);
        };
        // Comments above a key belong to the file as much as to the key, so they move to the next key.
        let comments = table
            .key(key)
            .and_then(|removed| removed.leaf_decor().prefix())
            .and_then(|prefix| prefix.as_str())
            .unwrap_or_default()
            .to_owned();
        table.remove(key);
        if let Some(mut next) = keys.get(position + 1).and_then(|name| table.key_mut(name)) {
            let own = next
                .leaf_decor()
                .prefix()
                .and_then(|prefix| prefix.as_str())
                .unwrap_or_default()
                .to_owned();
            next.leaf_decor_mut().set_prefix(format!("{comments}{own}"));
        } else if !comments.trim().is_empty() {
            let trailing = self
                .document
                .trailing()
                .as_str()
                .unwrap_or_default()
                .to_owned();
            self.document.set_trailing(format!("{comments}{trailing}"));
        }
        Ok(true)
    }

    /// Writes the file through a temporary file and a rename, creating its folder when missing.
    pub fn save(&self) -> Result<(), Error> {
        // A config file that is a link, as dotfile managers make them, is replaced where it points, so that the
        // link stays and the shared file changes.
        let destination = match fs::symlink_metadata(&self.path) {
            Ok(metadata) if metadata.file_type().is_symlink() => fs::canonicalize(&self.path)
                .map_err(|source| Error::io("resolve the link", &self.path, source))?,
            _ => self.path.clone(),
        };
        let folder = destination.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder).map_err(|source| Error::io("create", folder, source))?;
        let temporary = tempfile::NamedTempFile::new_in(folder).map_err(|source| {
            // tempfile's message ends with the random path it tried, which names no file the user can act
            // on, and it hides the OS error code, so only the kind of error is kept.
            Error::io(
                "create a temporary file in",
                folder,
                io::Error::from(source.kind()),
            )
        })?;
        fs::write(temporary.path(), self.document.to_string())
            .map_err(|source| Error::io("write", temporary.path(), source))?;
        // The temporary file is created with mode 0600; an existing file keeps its own.
        if let Ok(metadata) = fs::metadata(&destination) {
            fs::set_permissions(temporary.path(), metadata.permissions())
                .map_err(|source| Error::io("set the permissions of", temporary.path(), source))?;
        }
        temporary
            .persist(&destination)
            .map_err(|error| Error::io("replace", &destination, error.error))?;
        Ok(())
    }

    pub fn text(&self) -> String {
        self.document.to_string()
    }

    /// Validates every key in the file and returns the defaults, or one problem per invalid entry.
    ///
    /// Keys in `unchecked` keep their text unvalidated, for a run that ignores them: `templates` under
    /// `--no-templates` must still show that an overlay is configured, so the equivalent command keeps the flag.
    pub fn defaults(&self, unchecked: &[&str]) -> Result<UserDefaults, Vec<String>> {
        let mut defaults = UserDefaults::default();
        let mut problems = Vec::new();
        for (key, item) in self.document.iter() {
            let text = display_item(item);
            let checked = find_key(key)
                .map_err(|error| error.to_string())
                .and_then(|definition| {
                    if unchecked.contains(&definition.name) {
                        return Ok(definition.name);
                    }
                    check_item(definition, item).map(|_| definition.name)
                });
            match checked {
                Ok("module_prefix") => {
                    defaults.module_prefix = Some(text.trim_end_matches('/').to_owned())
                }
                Ok("database") => defaults.database = Database::parse(&text).ok(),
                Ok("templates") => defaults.templates = Some(text),
                Ok(_) => defaults.git = parse_bool(&text),
                Err(problem) => problems.push(format!(
                    "{problem} (in config file `{}`)",
                    self.path.display()
                )),
            }
        }
        if problems.is_empty() {
            Ok(defaults)
        } else {
            Err(problems)
        }
    }
}

/// Checks a stored value: its TOML type first, because `display_item` would turn `git = "no"` or
/// `module_prefix = 5` into text that the parser accepts, then the value itself.
fn check_item(definition: &ConfigKey, item: &Item) -> Result<Item, String> {
    check_value_type(definition.name, None, item, definition.boolean)?;
    (definition.parse)(&display_item(item))
}

fn find_key(key: &str) -> Result<&'static ConfigKey, Error> {
    KEYS.iter()
        .find(|definition| definition.name == key)
        .ok_or_else(|| {
            let names: Vec<&str> = KEYS.iter().map(|definition| definition.name).collect();
            Error::InvalidInput(format!(
                "unknown config key `{key}`; valid keys are {}",
                names.join(", ")
            ))
        })
}

/// Checks that `item`, stored under `name` in the table `parent` (the top level when `None`), is a TOML boolean or,
/// without `boolean`, a string: the types scaffold writes. The config file and answers files share this check, so
/// both word their errors alike.
pub fn check_value_type(
    name: &str,
    parent: Option<&str>,
    item: &Item,
    boolean: bool,
) -> Result<(), String> {
    if item.is_table_like() {
        let header = match parent {
            Some(parent) => format!("{parent}.{name}"),
            None => name.to_owned(),
        };
        let expected = if boolean {
            "true or false"
        } else {
            "a string in quotes"
        };
        return Err(format!(
            "`[{header}]` is a table, but `{name}` must be {expected}, as in `{name} = ...`"
        ));
    }
    let written = written_form(item);
    match (boolean, item.as_bool(), item.as_str()) {
        (true, Some(_), _) | (false, _, Some(_)) => Ok(()),
        (true, None, _) => Err(format!(
            "invalid value `{written}` for `{name}`; use true or false, without quotes"
        )),
        (false, _, None) => Err(format!(
            "invalid value `{written}` for `{name}`; use a string in quotes"
        )),
    }
}

/// Returns a value as it is written in the file, quotes included, or `[table]` for a table, whose entries would
/// read as the value of the key above them.
fn written_form(item: &Item) -> String {
    if item.is_table_like() {
        return "[table]".to_owned();
    }
    item.to_string().trim().to_owned()
}

/// Shows a value as a user types it: strings without quotes, everything else as TOML.
fn display_item(item: &Item) -> String {
    match item.as_str() {
        Some(text) => text.to_owned(),
        None => item.to_string().trim().to_owned(),
    }
}

/// Rejects a config path that is a link to a missing file. Reading it as no config would drop the defaults the
/// user keeps in the linked file, as dotfile managers arrange, and writing through it has nothing to keep.
fn check_not_dangling(path: &Path) -> Result<(), Error> {
    // Follows a chain of links to the missing file at its end, which is the one to restore. The read that
    // called this failed with "not found", so the chain has no loop.
    let mut target = path.to_owned();
    while let Ok(next) = fs::read_link(&target) {
        target = target.parent().unwrap_or(Path::new("")).join(next);
    }
    if target == path {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "the config file `{}` is a link to `{}`, which does not exist; restore that file, or delete the link to \
         start again from the built-in defaults",
        path.display(),
        target.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> UserConfig {
        UserConfig {
            path: PathBuf::from("/config.toml"),
            document: text.parse().unwrap(),
        }
    }

    #[test]
    fn set_keeps_comments_and_order() {
        let mut config = config(
            "# My defaults\ngit = true # always\n\n# Where our code lives\ndatabase = \"sqlite\"\n",
        );
        config.set("database", "postgres").unwrap();
        config.set("git", "no").unwrap();
        config.set("module_prefix", "github.com/acme/").unwrap();
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!("user_config__set_keeps_comments", config.text());
        });
    }

    #[test]
    fn unset_keeps_comments() {
        let mut config = config(
            "# My defaults\nmodule_prefix = \"github.com/acme\"\n\n# Work projects\ndatabase = \"postgres\"\ngit = true\n",
        );
        config.unset("module_prefix").unwrap();
        config.unset("git").unwrap();
        assert_eq!(
            config.text(),
            "# My defaults\n\n# Work projects\ndatabase = \"postgres\"\n"
        );
    }

    #[test]
    fn rejects_unknown_keys_and_invalid_values() {
        let mut config = config("");
        let error = config.set("colour", "red").unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown config key `colour`; valid keys are module_prefix, templates, database, git"
        );
        let error = config.set("database", "oracle").unwrap_err().to_string();
        assert!(
            error.starts_with("unknown database `oracle`; choose one of sqlite, postgres"),
            "{error}"
        );
        let error = config.set("git", "maybe").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid value `maybe` for `git`; use true or false"),
            "{error}"
        );
        let error = config
            .set("module_prefix", "has space")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("invalid module prefix `has space`"),
            "{error}"
        );
    }

    #[test]
    fn module_prefix_may_end_in_major_version_element() {
        let mut config = config("");
        for prefix in [
            "example.com/v1",
            "example.com/v0",
            "example.com/v1.5",
            "example.com/v",
            "acme",
        ] {
            let result = config.set("module_prefix", prefix);
            assert!(result.is_ok(), "{prefix}: {result:?}");
        }
    }

    #[test]
    fn module_prefix_must_give_valid_module_paths() {
        let mut config = config("");
        for (prefix, reason) in [
            ("", "it is empty"),
            ("/", "it is empty"),
            ("has space", "it contains a space"),
            ("/acme", "it starts with `/`"),
            ("example.com/.hidden", "starts with a dot"),
            ("gopkg.in/yaml.v3", "gopkg.in paths must end"),
        ] {
            let error = config.set("module_prefix", prefix).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("invalid module prefix `{prefix}`: ")),
                "{prefix}: {error}"
            );
            assert!(error.contains(reason), "{prefix}: {error}");
        }
    }

    #[test]
    fn defaults_report_every_problem() {
        let config = config("database = \"oracle\"\ncolour = \"red\"\ngit = false\n");
        let problems = config.defaults(&[]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");

        let config = config_ok();
        let defaults = config.defaults(&[]).unwrap();
        assert_eq!(defaults.module_prefix.as_deref(), Some("github.com/acme"));
        assert_eq!(defaults.database, Some(Database::Postgres));
        assert_eq!(defaults.git, Some(false));
    }

    fn config_ok() -> UserConfig {
        config("module_prefix = \"github.com/acme\"\ndatabase = \"postgres\"\ngit = false\n")
    }
}
