//! `scaffold new`: gather the answers, render the plan, write it, run the post steps and print the summary.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::answers_file::AnswersFile;
use crate::cli::NewArgs;
use crate::context::{is_built_in_variable, is_variable_name};
use crate::error::Error;
use crate::git::{self, GitOutcome};
use crate::output::{Output, printable, shell_quote};
use crate::overlay::{self, Overlay};
use crate::plan::{Customization, Plan};
use crate::prompt;
use crate::questions::{
    ALL, AnswerSources, DATABASE, FlagValues, GIT, MODULE, NAME, Question, Resolution, Source,
};
use crate::spec::{Answers, Database, ProjectSpec};
use crate::toolchain::GoToolchain;
use crate::user_config::{UserConfig, UserDefaults};
use crate::writer;

use super::recreate;

/// Process state that `scaffold new` reads; tests pass their own.
pub struct RunContext<'a> {
    pub cwd: &'a Path,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The user config file; `None` when the platform has no config folder.
    pub config_path: Option<PathBuf>,
    /// stdin and stdout are terminals, so questions may be asked.
    pub terminal: bool,
    pub output: Output,
    pub interrupted: &'a AtomicBool,
}

/// Runs `scaffold new`, printing results to `out`.
pub fn run(args: &NewArgs, context: &RunContext<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let interactive = context.terminal && !args.yes;
    let mut problems = Vec::new();
    let user = load_user_defaults(context.config_path.as_deref(), &mut problems)?;
    let answers_file = args.answers.as_deref().map(AnswersFile::load).transpose()?;
    if let Some(file) = &answers_file {
        problems.extend(file.problems.iter().cloned());
        recreate::warn_about_version(file, &context.output);
    }
    let (overlay_folder, overlay) = load_overlay(args, context, &user)?.unzip();
    let variables = parse_variables(&args.set, answers_file.as_ref(), &mut problems);
    warn_about_repeated_variables(&args.set, &context.output);
    for (key, text) in &variables {
        context.output.detail(&format!("variable {key} = {text}"));
    }
    let file_variables = answers_file
        .as_ref()
        .is_some_and(|file| !file.variables.is_empty());
    if overlay.is_none() && (!args.set.is_empty() || file_variables) {
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
        problems.push(format!(
            "{origin} has no effect without a template overlay, because built-in templates use no `--set` \
             variables; {fix}"
        ));
    }
    if let Some(file) = &answers_file {
        recreate::check_overlay_present(file, overlay.as_ref())?;
    }
    if let Some(overlay) = &overlay {
        warn_about_unused_variables(overlay, &variables, &context.output);
    }

    let customization_lines = customization_summary(overlay_folder.as_deref(), &variables);
    let sources = Sources {
        user: &user,
        answers_file: answers_file.as_ref(),
        customization: &customization_lines,
    };
    let (spec, resolution) = gather(args, context, interactive, &sources, problems)?;
    let customization = Customization {
        overlay: overlay.as_ref(),
        variables: Some(&variables),
    };
    let plan = Plan::render_with(&spec, customization)?;
    if let Some(file) = &answers_file {
        let rendered = recreate::Rendered {
            plan: &plan,
            spec: &spec,
            variables: &variables,
        };
        recreate::warn_about_overlay_changes(file, overlay.as_ref(), rendered, &context.output);
    }

    let overwritten = existing_paths(&plan, &spec);
    if args.dry_run {
        writer::check(&plan, &spec.target, args.force)?;
        return print_dry_run(&plan, &spec, &overwritten, out).map_err(stdout_error);
    }

    context.output.detail(&format!(
        "writing {} files to {}",
        plan.files.len(),
        spec.target.display()
    ));
    writer::write(&plan, &spec.target, args.force, context.interrupted)?;
    let git = spec.git.then(|| {
        let spinner = context.output.spinner("creating the git repository");
        let paths: Vec<&str> = plan.files.iter().map(|file| file.path.as_str()).collect();
        let outcome = git::init_and_commit(&spec.target, &paths, context.interrupted);
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        outcome
    });
    if git == Some(GitOutcome::Interrupted) {
        return Err(Error::InterruptedDuringGit {
            path: spec.target.clone(),
        });
    }
    let go = GoToolchain::detect(context.interrupted);
    if go == GoToolchain::Interrupted {
        return Err(Error::InterruptedDuringGoCheck {
            path: spec.target.clone(),
        });
    }
    if context.output.quiet {
        return Ok(());
    }
    let summary = Summary {
        plan: &plan,
        spec: &spec,
        git: git.as_ref(),
        go: &go,
        overwritten: &overwritten,
    };
    print_summary(&summary, context.cwd, out).map_err(stdout_error)?;
    if interactive {
        let overlay_skipped = args.no_templates
            && overlay::locate(None, context.env, user.templates.as_deref()).is_some();
        let command = equivalent_command(
            &resolution,
            overlay_folder.as_deref(),
            overlay_skipped,
            &variables,
            args.force,
        );
        writeln!(
            out,
            "\nto create the same project without questions:\n  {command}"
        )
        .map_err(stdout_error)?;
    }
    Ok(())
}

/// Resolves every answer from its sources, asks for the rest when `interactive`, and validates the result.
fn gather(
    args: &NewArgs,
    context: &RunContext<'_>,
    interactive: bool,
    sources: &Sources<'_>,
    mut problems: Vec<String>,
) -> Result<(ProjectSpec, Resolution), Error> {
    let user = sources.user;
    let customization = sources.customization;

    let flags = FlagValues {
        name: args.target.clone(),
        module: args.module.clone(),
        database: args.db.clone(),
        git: if args.no_git {
            Some(false)
        } else if args.git {
            Some(true)
        } else {
            None
        },
    };
    let sources = AnswerSources {
        flags,
        env: context.env,
        answers_file: sources.answers_file,
        user,
    };
    let mut resolution = Resolution::resolve(&sources);
    problems.append(&mut resolution.problems);

    if interactive && problems.is_empty() {
        prompt::ask(
            &mut resolution,
            user,
            context.cwd,
            context.output.fancy,
            args.force,
            customization,
        )?;
    }
    // With a terminal, a missing name is asked for, so it is a problem only without one. Other problems stop
    // the run before the questions, because the answers given must be fixed first.
    if !interactive {
        resolution.require_name();
    }
    problems.append(&mut resolution.problems);

    let answers = answers_from(&resolution, user);
    let spec = answers
        .as_ref()
        .map(|answers| ProjectSpec::resolve(answers, context.cwd));
    match spec {
        Some(Err(Error::InvalidInput(problem))) if !problems.is_empty() => problems.push(problem),
        Some(Err(error)) => return Err(error),
        Some(Ok(spec)) if problems.is_empty() => {
            report_sources(&resolution, &spec, user, &context.output);
            return Ok((spec, resolution));
        }
        _ => {}
    }
    Err(Error::InvalidInput(join_problems(&problems)))
}

/// The answer sources read from files before the questions are resolved.
struct Sources<'a> {
    user: &'a UserDefaults,
    answers_file: Option<&'a AnswersFile>,
    /// Summary lines for the template overlay and `--set` values, shown before the confirmation.
    customization: &'a [String],
}

/// Loads the template overlay from `--templates`, `SCAFFOLD_TEMPLATES` or the user config, and warns about every
/// overlay file whose built-in template changed since it was exported.
fn load_overlay(
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
        "overlay: {} files from {}",
        overlay.files.len(),
        folder.display()
    ));
    Ok(Some((folder, overlay)))
}

/// Returns the lines that the interactive summary shows for the overlay folder and the `--set` values.
fn customization_summary(
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
fn warn_about_unused_variables(
    overlay: &Overlay,
    variables: &BTreeMap<String, String>,
    output: &Output,
) {
    // Invalid names are reported as errors already.
    let valid = variables
        .keys()
        .filter(|name| is_variable_name(name) && !is_built_in_variable(name));
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

/// Warns about a `--set` name given more than once, since only its last value is used.
fn warn_about_repeated_variables(set: &[String], output: &Output) {
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
fn parse_variables(
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

fn load_user_defaults(
    path: Option<&Path>,
    problems: &mut Vec<String>,
) -> Result<UserDefaults, Error> {
    let Some(path) = path else {
        return Ok(UserDefaults::default());
    };
    match UserConfig::load(path)?.defaults() {
        Ok(defaults) => Ok(defaults),
        Err(mut found) => {
            problems.append(&mut found);
            Ok(UserDefaults::default())
        }
    }
}

/// Builds the answers once a name is known; the other values fall back to their defaults.
fn answers_from(resolution: &Resolution, user: &UserDefaults) -> Option<Answers> {
    let name = resolution.get(&NAME)?;
    let database = resolution
        .get(&DATABASE)
        .map_or(Ok(Database::Sqlite), Database::parse)
        .ok()?;
    Some(Answers {
        target: name.to_owned(),
        module: resolution.get(&MODULE).map(str::to_owned),
        module_prefix: user.module_prefix.clone(),
        database,
        git: resolution.get(&GIT) != Some("false"),
    })
}

fn join_problems(problems: &[String]) -> String {
    match problems {
        [one] => one.clone(),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|problem| format!("  - {problem}"))
                .collect();
            format!(
                "{} problems with the answers; nothing was written\n{}",
                many.len(),
                lines.join("\n")
            )
        }
    }
}

/// Prints every answer with where it came from, including those no source gave, so that `-v` shows the whole
/// project as it will be generated.
fn report_sources(
    resolution: &Resolution,
    spec: &ProjectSpec,
    user: &UserDefaults,
    output: &Output,
) {
    for question in ALL {
        let line = match resolution.source(question) {
            Some(source) => {
                let from = match source {
                    Source::Flag if question.key == NAME.key => "argument",
                    Source::Flag => "flag",
                    Source::Environment => "environment",
                    Source::AnswersFile => "answers file",
                    Source::UserConfig => "user config",
                    Source::Default => "default",
                    Source::Prompt => "prompt",
                };
                let value = resolution.get(question).unwrap_or_default();
                format!("{} = {value} (from {from})", question.key)
            }
            None => unset_answer(question, spec, user),
        };
        output.detail(&line);
    }
}

/// Describes the value a question gets when no source gave one.
fn unset_answer(question: &Question, spec: &ProjectSpec, user: &UserDefaults) -> String {
    let key = question.key;
    if question.key == MODULE.key {
        let from = if user.module_prefix.is_some() {
            "derived from the folder name and the user config's module_prefix"
        } else {
            "derived from the folder name"
        };
        format!("{key} = {} ({from})", spec.names.module_path)
    } else if question.key == DATABASE.key {
        format!("{key} = {} (default)", spec.database.as_str())
    } else if question.key == GIT.key {
        format!("{key} = {} (default)", spec.git)
    } else {
        format!("{key} is not set")
    }
}

/// Returns the `scaffold new` command that gives the same project without asking anything.
fn equivalent_command(
    resolution: &Resolution,
    overlay_folder: Option<&Path>,
    overlay_skipped: bool,
    variables: &BTreeMap<String, String>,
    force: bool,
) -> String {
    let mut words = vec!["scaffold".to_owned(), "new".to_owned()];
    if let Some(name) = resolution.get(&NAME) {
        // A name that starts with `-` would be read as an option; `./` keeps it the same folder.
        let name = if name.starts_with('-') {
            format!("./{name}")
        } else {
            name.to_owned()
        };
        words.push(shell_quote(&name));
    }
    if let Some(module) = resolution.get(&MODULE) {
        words.push(format!("--module {}", shell_quote(module)));
    }
    words.push(format!(
        "--db {}",
        resolution
            .get(&DATABASE)
            .unwrap_or(Database::Sqlite.as_str())
    ));
    words.push(
        if resolution.get(&GIT) == Some("false") {
            "--no-git"
        } else {
            "--git"
        }
        .to_owned(),
    );
    match overlay_folder {
        Some(folder) => words.push(format!(
            "--templates {}",
            shell_quote(&folder.to_string_lossy())
        )),
        // Without it, the same command would pick up SCAFFOLD_TEMPLATES or the configured overlay.
        None if overlay_skipped => words.push("--no-templates".to_owned()),
        None => {}
    }
    for (key, value) in variables {
        words.push(format!("--set {}", shell_quote(&format!("{key}={value}"))));
    }
    if force {
        words.push("--force".to_owned());
    }
    words.push("--yes".to_owned());
    words.join(" ")
}

fn stdout_error(source: io::Error) -> Error {
    Error::stream("print to", "standard output", source)
}

/// Lists the planned paths that already exist in the target, which `--force` overwrites.
fn existing_paths(plan: &Plan, spec: &ProjectSpec) -> Vec<String> {
    let exists = |path: &str| std::fs::symlink_metadata(spec.target.join(path)).is_ok();
    plan.files
        .iter()
        .filter(|file| exists(&file.path))
        .map(|file| file.path.clone())
        .collect()
}

fn print_dry_run(
    plan: &Plan,
    spec: &ProjectSpec,
    overwritten: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = plan
        .files
        .iter()
        .map(|file| file.contents.len().to_string().len())
        .max()
        .unwrap_or(1);
    writeln!(
        out,
        "would write {} files ({} bytes) to {}",
        plan.files.len(),
        plan.total_bytes(),
        spec.target.display()
    )?;
    for file in &plan.files {
        let note = if overwritten.contains(&file.path) {
            "  (overwrites an existing file)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {:>width$}  {}{note}",
            file.contents.len(),
            file.path
        )?;
    }
    writeln!(out, "nothing was written (--dry-run)")
}

/// The results that `scaffold new` prints after writing the project.
struct Summary<'a> {
    plan: &'a Plan,
    spec: &'a ProjectSpec,
    git: Option<&'a GitOutcome>,
    go: &'a GoToolchain,
    /// Files that existed before and were overwritten under `--force`.
    overwritten: &'a [String],
}

fn print_summary(summary: &Summary<'_>, cwd: &Path, out: &mut dyn Write) -> io::Result<()> {
    let Summary {
        plan,
        spec,
        git,
        go,
        overwritten,
    } = summary;
    let shown = display_path(&spec.target, cwd);
    // The folder is named once when it is the path shown, as for `scaffold new billing`.
    let location = if shown == spec.names.folder {
        String::new()
    } else {
        format!(" in {shown}")
    };
    writeln!(
        out,
        "created {} ({} files, module {}, database {}){location}",
        spec.names.folder,
        plan.files.len(),
        spec.names.module_path,
        spec.database.as_str(),
    )?;
    if !overwritten.is_empty() {
        let noun = if overwritten.len() == 1 {
            "file"
        } else {
            "files"
        };
        writeln!(out, "overwrote {} existing {noun}:", overwritten.len())?;
        // At most 20 names, so that a large project does not flood the terminal.
        for path in overwritten.iter().take(20) {
            writeln!(out, "  {path}")?;
        }
        if overwritten.len() > 20 {
            writeln!(out, "  ... and {} more", overwritten.len() - 20)?;
        }
    }
    if let Some(git) = git {
        writeln!(out, "{}", git.describe())?;
    }
    if let Some(advice) = go.advice() {
        writeln!(out, "{advice}")?;
    }
    writeln!(out, "\nnext steps:")?;
    // `scaffold new .` needs no cd, and a folder named like an option needs a path that cd does not take for one.
    if shown != "." {
        let folder = if shown.starts_with('-') {
            format!("./{shown}")
        } else {
            shown.clone()
        };
        writeln!(out, "  cd {}", shell_quote(&folder))?;
    }
    match spec.database {
        Database::Postgres => writeln!(out, "  docker compose up -d postgres")?,
        Database::Mysql => writeln!(out, "  docker compose up -d mysql")?,
        Database::Sqlite | Database::None => {}
    }
    writeln!(out, "  go run ./cmd/server")?;
    writeln!(out, "  go test ./...")
}

/// Shows `target` relative to `cwd` when it is inside it, which is shorter and what the user typed.
fn display_path(target: &Path, cwd: &Path) -> String {
    match target.strip_prefix(cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => ".".into(),
        Ok(relative) => relative.display().to_string(),
        Err(_) => target.display().to_string(),
    }
}
