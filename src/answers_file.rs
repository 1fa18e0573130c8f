//! Reading an answers file: a project's `scaffold.toml`, or a hand-written file with an `[answers]` table.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal};
use std::path::Path;

use toml_edit::{DocumentMut, Item, TableLike};

use crate::context::{is_built_in_variable, is_template_keyword, is_variable_name};
use crate::error::Error;
use crate::input_file::{ReadError, read_limited, read_text, toml_error};
use crate::user_config::check_value_type;

/// Answers read from a manifest or answers file, as text, with the version of scaffold that wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswersFile {
    /// The name of the file in messages: "answers file `PATH`", or "the answers on standard input".
    pub label: String,
    pub written_by: Option<String>,
    /// Pairs of (key, value as text), in file order.
    pub values: Vec<(String, String)>,
    /// The `[variables]` table: values given with `--set`.
    pub variables: BTreeMap<String, String>,
    /// Files that came from a template overlay when the project was generated.
    pub overlay_files: Vec<String>,
    /// Built-in files that the overlay excluded.
    pub overlay_excluded: Vec<String>,
    /// The `[files]` table: the sha256 of each generated file, by path.
    pub file_hashes: BTreeMap<String, String>,
    /// One line per entry of the wrong type or with an unknown key, to be reported with every other problem.
    pub problems: Vec<String>,
    /// Keys of `[answers]` whose value has the wrong type, so that they are not also reported as missing.
    pub invalid_answers: Vec<String>,
}

/// Keys an `[answers]` table may contain, the same as the question keys.
const ANSWER_KEYS: [&str; 4] = ["name", "module", "database", "git"];

/// The tables of a manifest. A hand-written answers file needs only `answers`.
const TABLES: [&str; 5] = ["scaffold", "answers", "variables", "overlay", "files"];

/// The keys of the `[scaffold]` and `[overlay]` tables that a manifest contains.
const SCAFFOLD_KEYS: [&str; 1] = ["version"];
const OVERLAY_KEYS: [&str; 2] = ["files", "excluded"];

/// The `--answers` value that reads the answers from standard input.
pub const STDIN_PATH: &str = "-";

fn read_file(path: &Path, invalid: impl Fn(String) -> Error) -> Result<String, Error> {
    match read_text(path) {
        Ok(text) => Ok(text),
        Err(ReadError::NotFound) => Err(Error::InvalidInput(format!(
            "answers file `{}` not found",
            path.display()
        ))),
        Err(ReadError::NotRegularFile { folder: true }) => {
            let hint = if path.join(crate::manifest::FILE_NAME).is_file() {
                "give the scaffold.toml file inside it"
            } else {
                "give a file, such as the scaffold.toml of a project"
            };
            Err(invalid(format!("it is a folder; {hint}")))
        }
        Err(error) => Err(error.into_error(path, "read the answers file", invalid)),
    }
}

/// Reads the answers file from standard input, which must not be a terminal: a TOML file is not typed in by hand,
/// and waiting for it would look like a hang.
fn read_stdin() -> Result<String, Error> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Err(Error::InvalidInput(
            "`--answers -` reads the answers file from standard input, which is a terminal; pipe the file in, \
             such as `scaffold new --answers - < scaffold.toml`"
                .into(),
        ));
    }
    let text = read_limited(stdin.lock()).map_err(|error| match error.reason() {
        Ok(reason) => {
            Error::InvalidInput(format!("invalid answers file on standard input: {reason}"))
        }
        Err(source) => Error::stream("read the answers file from", "standard input", source),
    })?;
    if text.trim().is_empty() {
        return Err(Error::InvalidInput(
            "invalid answers file on standard input: it is empty; pipe a file in, such as \
             `scaffold new --answers - < scaffold.toml`"
                .into(),
        ));
    }
    Ok(text)
}

impl AnswersFile {
    /// Reads `path`, or standard input when `path` is `-`, failing when it cannot be used at all and collecting
    /// every smaller problem in `problems`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let from_stdin = path == Path::new(STDIN_PATH);
        let name = if from_stdin {
            "on standard input".to_owned()
        } else {
            format!("`{}`", path.display())
        };
        let invalid =
            |reason: String| Error::InvalidInput(format!("invalid answers file {name}: {reason}"));
        let text = if from_stdin {
            read_stdin()?
        } else {
            read_file(path, invalid)?
        };
        let document = text
            .parse::<DocumentMut>()
            .map_err(|error| invalid(toml_error(&error, &text)))?;
        let answers = document
            .get("answers")
            .and_then(Item::as_table_like)
            .ok_or_else(|| invalid("it has no [answers] table".into()))?;

        let label = if from_stdin {
            "the answers on standard input".to_owned()
        } else {
            format!("answers file {name}")
        };
        let origin = format!("(in {label})");
        let mut reader = Reader {
            origin: &origin,
            problems: Vec::new(),
            invalid_answers: Vec::new(),
        };
        for (key, item) in document.iter() {
            if !TABLES.contains(&key) {
                let kind = if item.is_table_like() {
                    "table"
                } else {
                    "top-level key"
                };
                reader.problem(format!(
                    "unknown {kind} `{key}`; valid tables are {}",
                    TABLES.join(", ")
                ));
            }
        }
        reader.check_keys(document.get("scaffold"), "scaffold", &SCAFFOLD_KEYS);
        reader.check_keys(document.get("overlay"), "overlay", &OVERLAY_KEYS);
        let values = reader.answers(answers);
        let variables = reader.strings(document.get("variables"), "variables");
        reader.check_variable_names(&variables);
        let overlay = document.get("overlay");
        let overlay_files =
            reader.list(overlay.and_then(|item| item.get("files")), "overlay.files");
        let overlay_excluded = reader.list(
            overlay.and_then(|item| item.get("excluded")),
            "overlay.excluded",
        );
        let file_hashes = reader.strings(document.get("files"), "files");
        let version = document
            .get("scaffold")
            .and_then(|tool| tool.get("version"));
        if let Some(Err(problem)) =
            version.map(|item| check_value_type("version", Some("scaffold"), item, false))
        {
            reader.problem(problem);
        }
        let written_by = version.and_then(Item::as_str);
        Ok(Self {
            label,
            written_by: written_by.map(str::to_owned),
            values,
            variables,
            overlay_files,
            overlay_excluded,
            file_hashes,
            problems: reader.problems,
            invalid_answers: reader.invalid_answers,
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, text)| text.as_str())
    }
}

/// Collects the problems of one answers file while its tables are read.
struct Reader<'a> {
    origin: &'a str,
    problems: Vec<String>,
    invalid_answers: Vec<String>,
}

impl Reader<'_> {
    fn problem(&mut self, text: String) {
        self.problems.push(format!("{text} {}", self.origin));
    }

    /// Reads the `[answers]` table, whose values have the types that scaffold writes, so that a hand edit such as
    /// git = "no" is caught.
    fn answers(&mut self, table: &dyn TableLike) -> Vec<(String, String)> {
        let mut values = Vec::new();
        for (key, item) in table.iter() {
            if !ANSWER_KEYS.contains(&key) {
                self.problem(format!(
                    "unknown key `{key}` in [answers]; valid keys are {}",
                    ANSWER_KEYS.join(", ")
                ));
                continue;
            }
            if let Err(problem) = check_value_type(key, Some("answers"), item, key == "git") {
                self.problem(problem);
                self.invalid_answers.push(key.to_owned());
                continue;
            }
            let text = match item.as_bool() {
                Some(flag) => flag.to_string(),
                None => item.as_str().unwrap_or_default().to_owned(),
            };
            values.push((key.to_owned(), text));
        }
        values
    }

    /// Reports a table `name` that is not a table, or that has a key outside `keys`. A missing table is fine.
    fn check_keys(&mut self, item: Option<&Item>, name: &str, keys: &[&str]) {
        let Some(item) = item else {
            return;
        };
        let Some(table) = item.as_table_like() else {
            self.problem(format!("`{name}` must be a table"));
            return;
        };
        for (key, _) in table.iter() {
            if !keys.contains(&key) {
                self.problem(format!(
                    "unknown key `{key}` in [{name}]; valid keys are {}",
                    keys.join(", ")
                ));
            }
        }
    }

    /// Applies the rules of `--set` names to the `[variables]` table, since its entries become `--set` values.
    fn check_variable_names(&mut self, variables: &BTreeMap<String, String>) {
        for name in variables.keys() {
            if !is_variable_name(name) {
                self.problem(format!(
                    "invalid variable name `{name}` in [variables]: use letters, digits and `_`, not starting \
                     with a digit"
                ));
            } else if is_template_keyword(name) {
                self.problem(format!(
                    "`{name}` in [variables] cannot be used: templates read `{name}` as a keyword; choose another \
                     name"
                ));
            } else if is_built_in_variable(name) {
                self.problem(format!(
                    "`{name}` in [variables] would replace the built-in variable `{name}`; choose another name"
                ));
            }
        }
    }

    /// Reads a table of strings such as `[variables]`; a missing table is empty.
    fn strings(&mut self, item: Option<&Item>, name: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(item) = item else {
            return out;
        };
        let Some(table) = item.as_table_like() else {
            self.problem(format!("`{name}` must be a table"));
            return out;
        };
        for (key, value) in table.iter() {
            match value.as_str() {
                Some(text) => {
                    out.insert(key.to_owned(), text.to_owned());
                }
                None => self.problem(format!("`{name}.{key}` must be a string")),
            }
        }
        out
    }

    /// Reads a list of strings such as `overlay.files`; a missing list is empty.
    fn list(&mut self, item: Option<&Item>, name: &str) -> Vec<String> {
        let Some(item) = item else {
            return Vec::new();
        };
        let strings = item.as_array().and_then(|array| {
            array
                .iter()
                .map(|entry| entry.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        });
        strings.unwrap_or_else(|| {
            self.problem(format!("`{name}` must be a list of strings"));
            Vec::new()
        })
    }
}
