//! The interactive questions of `scaffold new`. This is the only module that reads from the terminal; it runs
//! only when stdin and stdout are terminals and `--yes` is absent.

use std::path::{Path, PathBuf};

use console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Select};

mod text;

use crate::error::Error;
use crate::output::printable;
use crate::questions::{DATABASE, GIT, MODULE, NAME, Question, Resolution, Source};
use crate::spec::{Answers, Database, ProjectSpec, looks_like_module_path, suggest_module_element};
use crate::user_config::UserDefaults;
use crate::writer;

/// Asks for every value no flag, environment variable or answers file gave, then shows a summary and asks for
/// confirmation. Returns [`Error::Interrupted`] on Ctrl-C or Esc and [`Error::Cancelled`] when the user declines;
/// nothing has been written in either case. Without `force`, a folder answer that names a non-empty folder is
/// asked again at once instead of failing after the last question.
pub fn ask(
    resolution: &mut Resolution,
    user: &UserDefaults,
    cwd: &Path,
    colour: bool,
    force: bool,
    customization: &[String],
) -> Result<(), Error> {
    let theme: Box<dyn Theme> = if colour {
        Box::new(ColorfulTheme::default())
    } else {
        Box::new(SimpleTheme)
    };
    let theme = theme.as_ref();

    if !force && !needs_prompt(resolution, &NAME) {
        let name = resolution.get(&NAME).unwrap_or_default();
        if let Ok(target) = target_folder(name, cwd) {
            writer::check_target_free(&target)?;
        }
    }
    if needs_prompt(resolution, &NAME) {
        let validate = |text: &str| {
            (NAME.validate)(text)?;
            let target = target_folder(text, cwd)?;
            if force {
                Ok(())
            } else {
                check_target_is_free(&target)
            }
        };
        let name = ask_text(theme, NAME.prompt, None, validate)?;
        resolution.set(&NAME, name, Source::Prompt);
    }
    if needs_prompt(resolution, &MODULE) && !name_gives_module(resolution, cwd) {
        let default = derived_module(resolution.get(&NAME).unwrap_or_default(), user, cwd);
        let module = ask_text(theme, MODULE.prompt, default, |text: &str| {
            (MODULE.validate)(text).map(|_| ())
        })?;
        resolution.set(&MODULE, module, Source::Prompt);
    }
    if needs_prompt(resolution, &DATABASE) {
        let names = Database::names();
        let current = resolution
            .get(&DATABASE)
            .unwrap_or(Database::Sqlite.as_str());
        let selected = Select::with_theme(theme)
            .with_prompt(DATABASE.prompt)
            .items(&names)
            .default(names.iter().position(|name| *name == current).unwrap_or(0))
            .interact_opt()
            .map_err(prompt_error)?
            .ok_or(Error::Interrupted)?;
        resolution.set(&DATABASE, names[selected].to_owned(), Source::Prompt);
    }
    if needs_prompt(resolution, &GIT) {
        let current = resolution.get(&GIT) != Some("false");
        let git = confirm(theme, GIT.prompt, current)?;
        resolution.set(&GIT, git.to_string(), Source::Prompt);
    }

    print_summary(resolution, user, cwd, customization);
    if !confirm(theme, "Create the project?", true)? {
        return Err(Error::Cancelled);
    }
    Ok(())
}

fn needs_prompt(resolution: &Resolution, question: &Question) -> bool {
    !resolution.source(question).is_some_and(Source::is_explicit)
}

fn ask_text(
    theme: &dyn Theme,
    prompt: &str,
    default: Option<String>,
    validate: impl Fn(&str) -> Result<(), String>,
) -> Result<String, Error> {
    text::ask(&Term::stderr(), theme, prompt, default.as_deref(), validate)
}

/// Returns the project folder that the folder input `name` names, or why the name cannot be one. It runs the same
/// checks as the final validation, so that the prompt asks again instead of failing after the confirmation.
fn target_folder(name: &str, cwd: &Path) -> Result<PathBuf, String> {
    // A placeholder module path, because only the target folder matters here and the module may not be known yet.
    let answers = Answers {
        module: Some("example.com/placeholder".into()),
        ..Answers::new(name)
    };
    ProjectSpec::resolve(&answers, cwd)
        .map(|spec| spec.target)
        .map_err(|error| error.to_string())
}

/// Rejects a target that is an existing file or a non-empty folder, as the writer would.
fn check_target_is_free(target: &Path) -> Result<(), String> {
    match std::fs::read_dir(target).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(format!(
            "`{}` already exists and is not empty; choose another folder",
            target.display()
        )),
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("`{}` cannot be used: {error}", target.display()))
        }
        _ => Ok(()),
    }
}

fn confirm(theme: &dyn Theme, prompt: &str, default: bool) -> Result<bool, Error> {
    Confirm::with_theme(theme)
        .with_prompt(prompt)
        .default(default)
        .interact_opt()
        .map_err(prompt_error)?
        .ok_or(Error::Interrupted)
}

/// Reports whether the name was given as a module path, such as TARGET `github.com/acme/billing`, which gives the
/// module as explicitly as `--module` does. A name typed at the prompt is not, so the module is still asked for.
fn name_gives_module(resolution: &Resolution, cwd: &Path) -> bool {
    let explicit = resolution
        .source(&NAME)
        .is_some_and(|source| matches!(source, Source::Flag | Source::Environment));
    explicit && looks_like_module_path(resolution.get(&NAME).unwrap_or_default(), cwd)
}

/// Computes the module path a folder name gets without `--module`, to offer it as the default. For a folder name
/// that is no valid module path, such as `Foo Bar`, it offers the one the error without a terminal suggests.
fn derived_module(name: &str, user: &UserDefaults, cwd: &Path) -> Option<String> {
    let resolve = |module: Option<String>| {
        let answers = Answers {
            module,
            module_prefix: user.module_prefix.clone(),
            ..Answers::new(name)
        };
        ProjectSpec::resolve(&answers, cwd)
            .ok()
            .map(|spec| spec.names.module_path.to_string())
    };
    resolve(None).or_else(|| {
        let folder = Path::new(name).file_name()?.to_str()?;
        let prefix = user.module_prefix.as_deref().unwrap_or("example.com");
        let suggested = format!(
            "{}/{}",
            prefix.trim_end_matches('/'),
            suggest_module_element(folder)
        );
        resolve(Some(suggested))
    })
}

fn print_summary(
    resolution: &Resolution,
    user: &UserDefaults,
    cwd: &Path,
    customization: &[String],
) {
    let name = resolution.get(&NAME).unwrap_or_default();
    let answers = Answers {
        module: resolution.get(&MODULE).map(str::to_owned),
        module_prefix: user.module_prefix.clone(),
        ..Answers::new(name)
    };
    // The module shown is the one the project gets, also when it comes from a module path given as TARGET.
    let (folder, module) = match ProjectSpec::resolve(&answers, cwd) {
        Ok(spec) => (spec.target, spec.names.module_path.to_string()),
        Err(_) => (
            cwd.join(name),
            resolution.get(&MODULE).unwrap_or_default().to_owned(),
        ),
    };
    eprintln!();
    eprintln!("  folder    {}", folder.display());
    eprintln!("  module    {module}");
    eprintln!(
        "  database  {}",
        resolution
            .get(&DATABASE)
            .unwrap_or(Database::Sqlite.as_str())
    );
    eprintln!(
        "  git       {}",
        if resolution.get(&GIT) == Some("false") {
            "no"
        } else {
            "yes"
        }
    );
    for line in customization {
        eprintln!("  {}", printable(line));
    }
    eprintln!();
}

fn prompt_error(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(source) = error;
    text::terminal_error(source)
}
