//! The `scaffold new` command: resolve the answers, render the plan, write it, run the post steps and print the
//! summary.

use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::cli::NewArgs;
use crate::error::Error;
use crate::git::{self, GitOutcome};
use crate::plan::Plan;
use crate::spec::{Answers, Database, ProjectSpec};
use crate::toolchain::GoToolchain;
use crate::writer;

/// Runs `scaffold new`, printing results to `out`. `cwd` resolves relative targets.
pub fn run(
    args: &NewArgs,
    cwd: &Path,
    out: &mut dyn Write,
    interrupted: &AtomicBool,
) -> Result<(), Error> {
    let answers = Answers {
        target: args.target.clone(),
        module: args.module.clone(),
        database: args.db,
    };
    let spec = ProjectSpec::resolve(&answers, cwd)?;
    let plan = Plan::render(&spec)?;

    if args.dry_run {
        writer::check(&plan, &spec.target, args.force)?;
        return print_dry_run(&plan, &spec, out).map_err(stdout_error);
    }

    writer::write(&plan, &spec.target, args.force, interrupted)?;
    let git = (!args.no_git).then(|| git::init_and_commit(&spec.target));
    let go = GoToolchain::detect();
    print_summary(&plan, &spec, cwd, git.as_ref(), &go, out).map_err(stdout_error)
}

fn stdout_error(source: io::Error) -> Error {
    Error::io("print to", "standard output", source)
}

fn print_dry_run(plan: &Plan, spec: &ProjectSpec, out: &mut dyn Write) -> io::Result<()> {
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
        writeln!(out, "  {:>width$}  {}", file.contents.len(), file.path)?;
    }
    writeln!(out, "nothing was written (--dry-run)")
}

fn print_summary(
    plan: &Plan,
    spec: &ProjectSpec,
    cwd: &Path,
    git: Option<&GitOutcome>,
    go: &GoToolchain,
    out: &mut dyn Write,
) -> io::Result<()> {
    let shown = display_path(&spec.target, cwd);
    writeln!(
        out,
        "created {} ({} files, module {}, database {}) in {shown}",
        spec.names.folder,
        plan.files.len(),
        spec.names.module_path,
        spec.database.as_str(),
    )?;
    if let Some(git) = git {
        writeln!(out, "{}", git.describe())?;
    }
    if let Some(advice) = go.advice() {
        writeln!(out, "{advice}")?;
    }
    writeln!(out, "\nnext steps:")?;
    writeln!(out, "  cd {}", shell_quote(&shown))?;
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

/// Quotes `text` for a POSIX shell when it contains anything beyond a conservative set of safe characters.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./+@:,".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(shell_quote("services/billing"), "services/billing");
        assert_eq!(shell_quote("my service"), "'my service'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
