//! Every question `scaffold new` asks, declared once, and the resolution of answers from their sources.
//!
//! A question's value comes from the first source that has one: flag, environment variable, answers file, user
//! config, built-in default. Every source goes through the same validation, and every problem is collected so a
//! non-interactive run reports them all at once.

use std::path::Path;

use crate::answers_file::AnswersFile;
use crate::module_path::{ModulePath, check_project_path};
use crate::spec::{Database, looks_like_module_path};
use crate::user_config::{UserDefaults, parse_bool};

/// One question: how each source names it, and how its value is checked.
pub struct Question {
    /// Key in an answers file and in the manifest's `[answers]` table.
    pub key: &'static str,
    /// How to give the value on the command line.
    pub flag: &'static str,
    pub env: &'static str,
    pub prompt: &'static str,
    /// Checks a value from any source and returns it normalised.
    pub validate: fn(&str) -> Result<String, String>,
}

pub const NAME: Question = Question {
    key: "name",
    flag: "the TARGET argument",
    env: "SCAFFOLD_NAME",
    prompt: "Project folder",
    validate: validate_name,
};

pub const MODULE: Question = Question {
    key: "module",
    flag: "--module",
    env: "SCAFFOLD_MODULE",
    prompt: "Go module path",
    validate: validate_module,
};

pub const DATABASE: Question = Question {
    key: "database",
    flag: "--db",
    env: "SCAFFOLD_DB",
    prompt: "Database",
    validate: validate_database,
};

pub const GIT: Question = Question {
    key: "git",
    flag: "--git or --no-git",
    env: "SCAFFOLD_GIT",
    prompt: "Create a git repository with an initial commit?",
    validate: validate_git,
};

/// Every question, in the order they are asked.
pub const ALL: [&Question; 4] = [&NAME, &MODULE, &DATABASE, &GIT];

/// Every environment variable that `scaffold new` reads.
pub const VARIABLES: [&str; 5] = [
    NAME.env,
    MODULE.env,
    DATABASE.env,
    GIT.env,
    "SCAFFOLD_TEMPLATES",
];

/// Rejects the variables of [`VARIABLES`] that are set to text that is not UTF-8, except those that
/// `overridden` reports a flag for, since the run does not read them. Reading them as unset instead would ignore
/// the user's setting without a word, for example fall back to no overlay.
pub fn check_variables_are_unicode(
    var: impl Fn(&str) -> Result<String, std::env::VarError>,
    overridden: impl Fn(&str) -> bool,
) -> Result<(), String> {
    let invalid: Vec<&str> = VARIABLES
        .into_iter()
        .filter(|key| !overridden(key))
        .filter(|key| matches!(var(key), Err(std::env::VarError::NotUnicode(_))))
        .collect();
    match invalid.as_slice() {
        [] => Ok(()),
        [key] => Err(format!(
            "the environment variable {key} is not valid UTF-8; unset it, or override it with its flag"
        )),
        keys => Err(format!(
            "the environment variables {} are not valid UTF-8; unset them, or override them with their flags",
            keys.join(", ")
        )),
    }
}

fn validate_name(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the project name is empty; use a folder name such as `billing`".into());
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "the project folder {text:?} contains a control character"
        ));
    }
    Ok(text.to_owned())
}

/// Rejects a value that is valid in general but not from `source`: an answers file names the project folder, not
/// a path, because the file may come from elsewhere and `../x` or an absolute path would put the project outside
/// the current folder. TARGET on the command line can still be any path.
fn check_source(question: &Question, value: &str, source: Source) -> Result<(), String> {
    let is_plain_name = !value.contains('/') && value != "." && value != "..";
    if question.key == NAME.key && source == Source::AnswersFile && !is_plain_name {
        return Err(format!(
            "`{value}` is a path, but an answers file may only give a folder name; pass TARGET to choose where \
             the project goes"
        ));
    }
    Ok(())
}

fn validate_module(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the module path is empty; use one such as `example.com/billing`".into());
    }
    ModulePath::parse(text)
        .and_then(|path| check_project_path(&path).map(|()| path.to_string()))
        .map_err(|reason| format!("invalid module path `{text}`: {reason}"))
}

fn validate_database(text: &str) -> Result<String, String> {
    Database::parse(text).map(|database| database.as_str().to_owned())
}

fn validate_git(text: &str) -> Result<String, String> {
    parse_bool(text)
        .map(|flag| flag.to_string())
        .ok_or_else(|| format!("invalid value `{text}`; use true or false"))
}

/// Origin of a value, for messages and `-v` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    AnswersFile,
    UserConfig,
    Default,
    Prompt,
}

impl Source {
    /// Whether the user gave the value for this run, so a prompt must not ask for it again.
    pub fn is_explicit(self) -> bool {
        matches!(self, Self::Flag | Self::Environment | Self::AnswersFile)
    }
}

/// Values given on the command line, before validation.
#[derive(Debug, Clone, Default)]
pub struct FlagValues {
    pub name: Option<String>,
    pub module: Option<String>,
    pub database: Option<String>,
    pub git: Option<bool>,
}

impl FlagValues {
    fn get(&self, question: &Question) -> Option<String> {
        match question.key {
            "name" => self.name.clone(),
            "module" => self.module.clone(),
            "database" => self.database.clone(),
            _ => self.git.map(|flag| flag.to_string()),
        }
    }
}

/// The module values that a module path given as the name hides.
pub struct HiddenModules {
    pub name: String,
    /// The name's source as messages call it: "TARGET" or "SCAFFOLD_NAME".
    pub label: &'static str,
    /// Each hidden value with where it came from, such as `SCAFFOLD_MODULE`.
    pub hidden: Vec<(String, String)>,
}

/// Every source of answers for one run.
pub struct AnswerSources<'a> {
    pub flags: FlagValues,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub answers_file: Option<&'a AnswersFile>,
    pub user: &'a UserDefaults,
    /// The source of a name that is a module path, such as TARGET `github.com/acme/billing`, set by
    /// [`AnswerSources::with_module_in_name`]. Such a name gives the module with its own precedence, so a module
    /// from a later source is hidden.
    pub module_in_name: Option<Source>,
}

impl AnswerSources<'_> {
    /// Records whether the name, from the command line or `SCAFFOLD_NAME`, is a module path. An answers file's
    /// name is a plain folder name, so it never is.
    pub fn with_module_in_name(mut self, cwd: &Path) -> Self {
        self.module_in_name = self
            .lookup(&NAME)
            .filter(|(text, source, _)| {
                matches!(source, Source::Flag | Source::Environment)
                    && looks_like_module_path(text, cwd)
            })
            .map(|(_, source, _)| source);
        self
    }

    /// Returns the name that gives the module and every module value it hides, even an invalid one.
    pub fn hidden_modules(&self) -> Option<HiddenModules> {
        let name_source = self.module_in_name?;
        let (name, ..) = self.lookup(&NAME)?;
        let env_module = (self.env)(MODULE.env).filter(|text| !text.is_empty());
        // `--module` wins over the name, and `SCAFFOLD_MODULE` over `SCAFFOLD_NAME`, so the name hides nothing
        // that would otherwise be used.
        if self.flags.module.is_some()
            || (name_source == Source::Environment && env_module.is_some())
        {
            return None;
        }
        let mut hidden = Vec::new();
        if let Some(text) = env_module {
            hidden.push((text, MODULE.env.to_owned()));
        }
        if let Some(file) = self.answers_file
            && let Some(text) = file.get(MODULE.key)
        {
            hidden.push((text.to_owned(), file.label.clone()));
        }
        let label = if name_source == Source::Flag {
            "TARGET"
        } else {
            NAME.env
        };
        Some(HiddenModules {
            name,
            label,
            hidden,
        })
    }

    /// Reports whether a module path in the name hides the module values of `source`.
    fn hides(&self, question: &Question, source: Source) -> bool {
        question.key == MODULE.key
            && match self.module_in_name {
                Some(Source::Flag) => source != Source::Flag,
                Some(Source::Environment) => !matches!(source, Source::Flag | Source::Environment),
                _ => false,
            }
    }

    /// Returns the first value any source has for `question`, with its source and where to name it in a message.
    fn lookup(&self, question: &Question) -> Option<(String, Source, String)> {
        if let Some(text) = self.flags.get(question) {
            return Some((text, Source::Flag, question.flag.to_owned()));
        }
        if self.hides(question, Source::Environment) {
            return None;
        }
        if let Some(text) = (self.env)(question.env).filter(|text| !text.is_empty()) {
            return Some((text, Source::Environment, question.env.to_owned()));
        }
        if self.hides(question, Source::AnswersFile) {
            return None;
        }
        if let Some(file) = self.answers_file
            && let Some(text) = file.get(question.key)
        {
            return Some((
                text.to_owned(),
                Source::AnswersFile,
                format!("`{}` in {}", question.key, file.label),
            ));
        }
        let user = match question.key {
            "database" => self
                .user
                .database
                .map(|database| database.as_str().to_owned()),
            "git" => self.user.git.map(|flag| flag.to_string()),
            _ => None,
        };
        user.map(|text| {
            (
                text,
                Source::UserConfig,
                format!("`{}` in the user config", question.key),
            )
        })
    }
}

/// The outcome of looking every question up in every source.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// Valid values by question key, with their source.
    pub values: Vec<(&'static str, String, Source)>,
    /// One line per invalid value, naming where it came from.
    pub problems: Vec<String>,
    /// Keys of the questions whose value was invalid, so they are not also reported as missing.
    invalid: Vec<&'static str>,
}

impl Resolution {
    pub fn resolve(sources: &AnswerSources<'_>) -> Self {
        let mut resolution = Self::default();
        for question in ALL {
            let Some((text, source, origin)) = sources.lookup(question) else {
                continue;
            };
            let checked = (question.validate)(&text).and_then(|value| {
                check_source(question, &value, source)?;
                Ok(value)
            });
            match checked {
                Ok(value) => resolution.values.push((question.key, value, source)),
                Err(reason) => {
                    resolution
                        .problems
                        .push(format!("{reason} (from {origin})"));
                    resolution.invalid.push(question.key);
                }
            }
        }
        resolution
    }

    pub fn get(&self, question: &Question) -> Option<&str> {
        self.values
            .iter()
            .find(|(key, ..)| *key == question.key)
            .map(|(_, value, _)| value.as_str())
    }

    pub fn source(&self, question: &Question) -> Option<Source> {
        self.values
            .iter()
            .find(|(key, ..)| *key == question.key)
            .map(|(.., source)| *source)
    }

    pub fn set(&mut self, question: &Question, value: String, source: Source) {
        self.values.retain(|(key, ..)| *key != question.key);
        self.values.push((question.key, value, source));
    }

    /// Adds a problem for every required question that has no value.
    pub fn require_name(&mut self) {
        if self.get(&NAME).is_none() && !self.invalid.contains(&NAME.key) {
            self.problems.push(format!(
                "missing project folder: pass it as {}, for example `scaffold new billing`, or set {}",
                NAME.flag, NAME.env
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(
        flags: FlagValues,
        env: &[(&str, &str)],
        file: Option<&AnswersFile>,
        user: &UserDefaults,
    ) -> Resolution {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |key: &str| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        Resolution::resolve(&AnswerSources {
            flags,
            env: &lookup,
            answers_file: file,
            user,
            module_in_name: None,
        })
    }

    #[test]
    fn precedence_is_flag_env_file_user() {
        let file = AnswersFile {
            values: vec![
                ("database".into(), "sqlite".into()),
                ("module".into(), "example.com/file".into()),
            ],
            ..AnswersFile::default()
        };
        let user = UserDefaults {
            database: Some(Database::Sqlite),
            git: Some(false),
            ..UserDefaults::default()
        };

        let flags = FlagValues {
            database: Some("postgres".into()),
            ..FlagValues::default()
        };
        let resolution = resolve(
            flags,
            &[
                ("SCAFFOLD_DB", "sqlite"),
                ("SCAFFOLD_MODULE", "example.com/env"),
            ],
            Some(&file),
            &user,
        );

        assert_eq!(resolution.get(&DATABASE), Some("postgres"));
        assert_eq!(resolution.source(&DATABASE), Some(Source::Flag));
        assert_eq!(resolution.get(&MODULE), Some("example.com/env"));
        assert_eq!(resolution.source(&MODULE), Some(Source::Environment));
        assert_eq!(resolution.get(&GIT), Some("false"));
        assert_eq!(resolution.source(&GIT), Some(Source::UserConfig));
        assert!(resolution.problems.is_empty(), "{:?}", resolution.problems);
    }

    #[test]
    fn answers_file_beats_user_config() {
        let file = AnswersFile {
            values: vec![("git".into(), "true".into())],
            ..AnswersFile::default()
        };
        let user = UserDefaults {
            git: Some(false),
            ..UserDefaults::default()
        };
        let resolution = resolve(FlagValues::default(), &[], Some(&file), &user);
        assert_eq!(resolution.get(&GIT), Some("true"));
        assert_eq!(resolution.source(&GIT), Some(Source::AnswersFile));
    }

    #[test]
    fn every_invalid_source_is_reported() {
        let flags = FlagValues {
            module: Some("has space".into()),
            ..FlagValues::default()
        };
        let mut resolution = resolve(
            flags,
            &[("SCAFFOLD_DB", "oracle"), ("SCAFFOLD_GIT", "maybe")],
            None,
            &UserDefaults::default(),
        );
        resolution.require_name();
        let problems = resolution.problems.join("\n");
        assert_eq!(resolution.problems.len(), 4, "{problems}");
        assert!(problems.contains("(from --module)"), "{problems}");
        assert!(problems.contains("(from SCAFFOLD_DB)"), "{problems}");
        assert!(problems.contains("(from SCAFFOLD_GIT)"), "{problems}");
        assert!(problems.contains("missing project folder"), "{problems}");
    }

    #[test]
    fn empty_environment_variable_is_unset() {
        let resolution = resolve(
            FlagValues::default(),
            &[("SCAFFOLD_DB", "")],
            None,
            &UserDefaults::default(),
        );
        assert_eq!(resolution.get(&DATABASE), None);
    }
}
