//! Output of `scaffold new`: the file list of `--dry-run`, the summary after writing, and the command that gives
//! the same project without questions.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use crate::git::GitOutcome;
use crate::output::{counted, shell_quote};
use crate::plan::Plan;
use crate::questions::{DATABASE, GIT, MODULE, NAME, Resolution};
use crate::spec::{Database, ProjectSpec};
use crate::toolchain::GoToolchain;

/// Prints the files that `--dry-run` would write, with their sizes, and that none was written.
pub(super) fn print_dry_run(
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
pub(super) struct Summary<'a> {
    pub(super) plan: &'a Plan,
    pub(super) spec: &'a ProjectSpec,
    pub(super) git: Option<&'a GitOutcome>,
    pub(super) go: &'a GoToolchain,
    /// Files that existed before and were overwritten under `--force`.
    pub(super) overwritten: &'a [String],
}

/// Prints what was created, what was overwritten, the git and Go toolchain outcomes and the next steps.
pub(super) fn print_summary(
    summary: &Summary<'_>,
    cwd: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Summary {
        plan,
        spec,
        git,
        go,
        overwritten,
    } = summary;
    let shown_target = display_path(&spec.target, cwd);
    // The folder is named once when it is the path shown_target, as for `scaffold new billing`.
    let location = if shown_target == spec.names.folder {
        String::new()
    } else {
        format!(" in {shown_target}")
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
        writeln!(
            out,
            "overwrote {}:",
            counted(overwritten.len(), "existing file")
        )?;
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
    print_next_steps(spec, &shown_target, out)
}

/// Prints the commands that take a new user from the summary to a running server and its tests.
fn print_next_steps(spec: &ProjectSpec, shown_target: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nnext steps:")?;
    // `scaffold new .` needs no cd, and a folder named like an option needs a path that cd does not take for one.
    if shown_target != "." {
        let folder = if shown_target.starts_with('-') {
            format!("./{shown_target}")
        } else {
            shown_target.to_owned()
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

/// Returns the `scaffold new` command that gives the same project without asking anything.
pub(super) fn equivalent_command(
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
