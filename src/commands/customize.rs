//! The template overlay and the `--set` variables of `scaffold new`: loading, checking and the warnings about
//! them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::answers_file::AnswersFile;
use crate::cli::NewArgs;
use crate::context::{is_built_in_variable, is_template_keyword, is_variable_name};
use crate::error::Error;
use crate::output::{Output, counted, printable};
use crate::overlay::{self, Overlay};
use crate::plan::Plan;
use crate::user_config::UserDefaults;

use super::new::RunContext;

/// Loads the template overlay from `--templates`, `SCAFFOLD_TEMPLATES` or the user config, and warns about every
/// overlay file whose built-in template changed since it was exported.
pub(super) fn load_overlay(
    args: &NewArgs,
    context: &RunContext<'_>,
    user: &UserDefaults,
) -> Result<Option<(PathBuf, Overlay)>, Error> {
    if args.no_templates {
        return Ok(None);
    }
    let Some((folder, source)) = overlay::locate(
        args.templates.as_deref(),
        context.env,
        user.templates.as_deref(),
    ) else {
        return Ok(None);
    };
    if let Some(problem) = folder.to_str().and_then(overlay::unexpanded_home) {
        return Err(Error::InvalidInput(format!("{problem} (from {source})")));
    }
    let folder = context.cwd.join(folder);
    let overlay = Overlay::load(&folder).map_err(|error| match error {
        Error::InvalidInput(message) if source != "--templates" => Error::InvalidInput(format!(
            "{message} (from {source}; `--no-templates` skips it for one run)"
        )),
        other => other,
    })?;
    if !context.output.quiet {
        for path in overlay.stale_files() {
            eprintln!(
                "warning: the built-in template `{path}` changed since your copy in `{}` was exported; compare them \
                 with `scaffold templates export {path} --to NEW_FOLDER`",
                folder.display()
            );
        }
    }
    context.output.detail(&format!(
        "overlay: {} from {} (from {source})",
        counted(overlay.files.len(), "file"),
        folder.display()
    ));
    Ok(Some((folder, overlay)))
}

/// Returns the lines that the interactive summary shows for the overlay folder and the `--set` values.
pub(super) fn customization_summary(
    overlay_folder: Option<&Path>,
    variables: &BTreeMap<String, String>,
) -> Vec<String> {
    let folder = overlay_folder.map(|folder| format!("templates {}", folder.display()));
    let values = variables
        .iter()
        .map(|(key, text)| format!("set       {key}={text}"));
    folder.into_iter().chain(values).collect()
}

/// Warns about variables that no overlay template uses: most likely a misspelt name, whose value is then lost.
pub(super) fn warn_about_unused_variables(
    overlay: &Overlay,
    variables: &BTreeMap<String, String>,
    output: &Output,
) {
    // Invalid names are reported as errors already.
    let valid = variables.keys().filter(|name| {
        is_variable_name(name) && !is_template_keyword(name) && !is_built_in_variable(name)
    });
    let unused = overlay.unused_variables(valid);
    if unused.is_empty() || output.quiet {
        return;
    }
    let message = match unused.as_slice() {
        [name] => format!("no overlay template uses the variable `{name}`, so it has no effect"),
        names => {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            format!(
                "no overlay template uses the variables {}, so they have no effect",
                names.join(", ")
            )
        }
    };
    eprintln!("warning: {message}; check the spelling");
}

/// Commands in the built-in files that use a built-in file without naming it.
const IMPLICIT_USES: [(&str, &str); 3] = [
    ("Dockerfile", "docker build"),
    // The Compose service that builds the image from the project's own Dockerfile.
    ("Dockerfile", "build: ."),
    ("docker-compose.yml", "docker compose"),
];

/// Warns about overlay files that replace a built-in template this project does not get, such as
/// `cmd/server/migrate.go` with `--db none`. They are left out, like the built-in they replace, because they are
/// written for the projects that have it.
pub(super) fn warn_about_unused_replacements(overlay: &Overlay, plan: &Plan, output: &Output) {
    if output.quiet {
        return;
    }
    for file in &overlay.files {
        let Some(built_in) = crate::templates::find(&file.path) else {
            continue;
        };
        if plan.files.iter().any(|planned| planned.path == file.path) {
            continue;
        }
        if overlay.excluded.contains(&file.path) {
            continue;
        }
        eprintln!(
            "warning: the overlay file `{}` replaces a built-in template that this project does not get, so it \
             is left out too; that template is for {}",
            printable(&file.path),
            built_in.when.description
        );
    }
}

/// Warns about generated files that still use a built-in file the overlay excludes, such as the CI step that builds
/// the excluded `Dockerfile`. Those files would fail or mislead until the team overrides or edits them. A file counts
/// when it contains the excluded file's name or a command in `IMPLICIT_USES` that reads it, so a mention in prose
/// counts too. The manifest, which records the exclusion, does not.
pub(super) fn warn_about_excluded_references(overlay: &Overlay, plan: &Plan, output: &Output) {
    if output.quiet {
        return;
    }
    for excluded in &overlay.excluded {
        let name = excluded.rsplit('/').next().unwrap_or(excluded);
        let commands = IMPLICIT_USES
            .iter()
            .filter(|(path, _)| path == excluded)
            .map(|(_, command)| *command);
        let needles: Vec<&str> = std::iter::once(name).chain(commands).collect();
        let naming: Vec<String> = plan
            .files
            .iter()
            .filter(|file| file.path != crate::manifest::FILE_NAME)
            .filter(|file| {
                needles
                    .iter()
                    .any(|needle| contains(&file.contents, needle.as_bytes()))
            })
            .map(|file| format!("`{}`", printable(&file.path)))
            .collect();
        let (verb, them) = match naming.len() {
            0 => continue,
            1 => ("names or uses", "it"),
            _ => ("name or use", "them"),
        };
        eprintln!(
            "warning: the overlay excludes `{}`, but {} still {verb} it; override {them} in the overlay or edit \
             {them} after generating",
            printable(excluded),
            naming.join(", "),
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Warns about a `--set` name given more than once, since only its last value is used.
pub(super) fn warn_about_repeated_variables(set: &[String], output: &Output) {
    let mut seen = BTreeSet::new();
    let mut repeated = BTreeSet::new();
    for key in set
        .iter()
        .filter_map(|item| item.split_once('=').map(|(key, _)| key))
    {
        if !seen.insert(key) {
            repeated.insert(key);
        }
    }
    if repeated.is_empty() || output.quiet {
        return;
    }
    let names: Vec<String> = repeated.iter().map(|name| format!("`{name}`")).collect();
    eprintln!(
        "warning: `--set` gives {} more than once; the last value is used",
        printable(&names.join(", "))
    );
}

/// Parses `--set KEY=VALUE` values over the answers file's `[variables]`; a flag wins over the file.
pub(super) fn parse_variables(
    set: &[String],
    answers_file: Option<&AnswersFile>,
    problems: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let mut variables = answers_file
        .map(|file| file.variables.clone())
        .unwrap_or_default();
    for item in set {
        let Some((key, text)) = item.split_once('=') else {
            let described = if item.is_empty() {
                "an empty value".to_owned()
            } else {
                format!("`{item}`")
            };
            problems.push(format!("`--set` needs KEY=VALUE, not {described}"));
            continue;
        };
        if !is_variable_name(key) {
            problems.push(format!(
                "invalid variable name `{key}` in `--set`: use letters, digits and `_`, not starting with a digit"
            ));
            continue;
        }
        if is_template_keyword(key) {
            problems.push(format!(
                "`--set {key}=...` cannot be used: templates read `{key}` as a keyword; choose another name"
            ));
            continue;
        }
        if is_built_in_variable(key) {
            problems.push(format!(
                "`--set {key}=...` would replace the built-in variable `{key}`; choose another name"
            ));
            continue;
        }
        variables.insert(key.to_owned(), text.to_owned());
    }
    variables
}

/// Returns the problem of variables given without an overlay, which only overlay templates can use.
pub(super) fn variables_without_overlay(
    args: &NewArgs,
    answers_file: Option<&AnswersFile>,
) -> Option<String> {
    let file_variables = answers_file.is_some_and(|file| !file.variables.is_empty());
    if args.set.is_empty() && !file_variables {
        return None;
    }
    let origin = if args.set.is_empty() {
        "[variables] in the answers file"
    } else {
        "`--set`"
    };
    let fix = if args.no_templates {
        "drop `--no-templates` to apply the configured overlay"
    } else {
        "pass `--templates DIR`, set SCAFFOLD_TEMPLATES or run `scaffold config set templates DIR`"
    };
    Some(format!(
        "{origin} has no effect without a template overlay, because built-in templates use no `--set` \
         variables; {fix}"
    ))
}
