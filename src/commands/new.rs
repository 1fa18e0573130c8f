//! `scaffold new`: gather the answers, render the plan, write it, run the post steps and print the summary.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use crate::answers_file::AnswersFile;
use crate::cli::NewArgs;
use crate::error::Error;
use crate::git::{self, GitOutcome};
use crate::output::{Output, printable};
use crate::overlay;
use crate::plan::{Customization, Plan};
use crate::prompt;
use crate::questions::{
    ALL, AnswerSources, DATABASE, FlagValues, GIT, MODULE, NAME, Question, Resolution, Source,
};
use crate::spec::{Answers, Database, ProjectSpec};
use crate::toolchain::GoToolchain;
use crate::user_config::{UserConfig, UserDefaults};
use crate::writer;

use super::customize::{
    customization_summary, load_overlay, parse_variables, variables_without_overlay,
    warn_about_excluded_references, warn_about_repeated_variables, warn_about_unused_replacements,
    warn_about_unused_variables,
};
use super::recreate;
use super::summary::{Summary, equivalent_command, print_dry_run, print_summary};

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
    let user = load_user_defaults(
        context.config_path.as_deref(),
        args.no_templates,
        &mut problems,
    )?;
    // An invalid config drops all its defaults, and it may have named an overlay.
    let config_invalid = !problems.is_empty();
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
    if overlay.is_none() && !config_invalid {
        problems.extend(variables_without_overlay(args, answers_file.as_ref()));
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
    if let Some(overlay) = &overlay {
        warn_about_excluded_references(overlay, &plan, &context.output);
        warn_about_unused_replacements(overlay, &plan, &context.output);
    }
    if let Some(file) = &answers_file {
        let rendered = recreate::Rendered {
            plan: &plan,
            spec: &spec,
            variables: &variables,
        };
        recreate::warn_about_overlay_changes(file, overlay.as_ref(), rendered, &context.output);
    }

    if !context.output.quiet {
        for folder in writer::leftover_staging(&spec.target) {
            eprintln!(
                "warning: `{}` is left over from a scaffold run that was killed; delete it",
                printable(&folder.to_string_lossy())
            );
        }
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
    let printed = |source| Error::SummaryNotPrinted {
        path: spec.target.clone(),
        source,
    };
    print_summary(&summary, context.cwd, out).map_err(printed)?;
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
        .map_err(printed)?;
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
        module_in_name: None,
    }
    .with_module_in_name(context.cwd);
    warn_about_hidden_modules(&sources, &context.output);
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
    let name_invalid_in_file = sources
        .answers_file
        .is_some_and(|file| file.invalid_answers.iter().any(|key| key == NAME.key));
    if !interactive && !name_invalid_in_file {
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
            let file_label = sources.answers_file.map(|file| file.label.as_str());
            report_sources(&resolution, &spec, user, file_label, &context.output);
            return Ok((spec, resolution));
        }
        _ => {}
    }
    Err(Error::InvalidInput(join_problems(&problems)))
}

/// Warns about each module from the environment or an answers file that a module path given as the name hides,
/// unless it is the same path.
fn warn_about_hidden_modules(sources: &AnswerSources<'_>, output: &Output) {
    let Some(modules) = sources.hidden_modules() else {
        return;
    };
    let differing = modules
        .hidden
        .iter()
        .filter(|(module, _)| *module != modules.name);
    for (module, from) in differing {
        if !output.quiet {
            eprintln!(
                "warning: {} `{}` is a module path, so it is used instead of the module `{}` from {from}",
                modules.label,
                printable(&modules.name),
                printable(module)
            );
        }
    }
}

/// The answer sources read from files before the questions are resolved.
struct Sources<'a> {
    user: &'a UserDefaults,
    answers_file: Option<&'a AnswersFile>,
    /// Summary lines for the template overlay and `--set` values, shown before the confirmation.
    customization: &'a [String],
}

/// Reads the user config's defaults, adding its invalid entries to `problems`. With `--no-templates` the
/// `templates` key is not checked, since the run ignores it.
fn load_user_defaults(
    path: Option<&Path>,
    no_templates: bool,
    problems: &mut Vec<String>,
) -> Result<UserDefaults, Error> {
    let Some(path) = path else {
        return Ok(UserDefaults::default());
    };
    let unchecked: &[&str] = if no_templates { &["templates"] } else { &[] };
    match UserConfig::load(path)?.defaults(unchecked) {
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
                "{} problems; nothing was written\n{}",
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
    answers_file: Option<&str>,
    output: &Output,
) {
    for question in ALL {
        let line = match resolution.source(question) {
            Some(source) => {
                let from = match source {
                    Source::Flag if question.key == NAME.key => "argument",
                    Source::Flag => "flag",
                    Source::Environment => "environment",
                    Source::AnswersFile => answers_file.unwrap_or("answers file"),
                    Source::UserConfig => "user config",
                    Source::Default => "default",
                    Source::Prompt => "prompt",
                };
                let value = resolution.get(question).unwrap_or_default();
                format!("{} = {value} (from {from})", question.key)
            }
            None => unset_answer(question, spec, user, resolution),
        };
        output.detail(&line);
    }
}

/// Describes the value a question gets when no source gave one.
fn unset_answer(
    question: &Question,
    spec: &ProjectSpec,
    user: &UserDefaults,
    resolution: &Resolution,
) -> String {
    let key = question.key;
    if question.key == MODULE.key {
        let name_is_module = resolution
            .get(&NAME)
            .is_some_and(|name| name.contains('/') && name == spec.names.module_path.as_str());
        let from = if name_is_module {
            match resolution.source(&NAME) {
                Some(Source::Environment) => "from the module path in SCAFFOLD_NAME",
                Some(Source::Prompt) => "from the module path given as the project folder",
                _ => "from the module path given as TARGET",
            }
        } else if user.module_prefix.is_some() {
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
