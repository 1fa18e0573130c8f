//! Creating the repository of a new project: `git init` and one commit of the generated files.
//!
//! A git problem never fails the generation, because the files are complete by then. Each outcome becomes one
//! line of the summary. Only the generated
//! files are committed, so files a user already had in a `--force` target stay out of the commit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::AtomicBool;

use crate::interrupt;
use crate::output::shell_quote;

/// Outcome of the git step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitOutcome {
    /// One commit on `main`, the branch that the generated CI workflow runs on.
    Committed,
    /// One commit on the branch that the user's `init.defaultBranch` names, which is not `main`.
    CommittedOnBranch(String),
    /// `git init` ran, but no commit was made because no author identity is configured.
    InitializedWithoutIdentity,
    /// The target is inside the work tree rooted at this path, so no nested repository was created.
    InsideWorkTree(PathBuf),
    /// The target itself is the root of an existing repository.
    AlreadyRepository,
    /// The target has a `.git` entry that is not a repository, such as an empty folder or a link. `git init` would
    /// follow a link and write wherever it points.
    GitEntryExists,
    NotInstalled,
    /// Ctrl-C or a termination signal arrived while git ran.
    Interrupted,
    /// A git command failed; the string is its first line of error output.
    Failed(String),
}

impl GitOutcome {
    /// Returns the outcome as one line for the summary.
    pub fn describe(&self) -> String {
        match self {
            Self::Committed => format!("git: created a repository with one commit on {DEFAULT_BRANCH}"),
            Self::CommittedOnBranch(branch) => format!(
                "git: created a repository with one commit on {branch}, your init.defaultBranch; \
                 .github/workflows/ci.yml runs on pushes to {DEFAULT_BRANCH}, so change its branches if {branch} stays"
            ),
            Self::InitializedWithoutIdentity => "git: created a repository without a commit, because user.name and \
                 user.email are not set; run `git config --global user.name ...` and `user.email ...`, then commit"
                .into(),
            Self::InsideWorkTree(root) => format!(
                "git: no repository created, because the project is inside the work tree at `{}`",
                root.display()
            ),
            Self::AlreadyRepository => {
                "git: no repository created, because the folder already is one; commit the new files yourself".into()
            }
            Self::GitEntryExists => "git: no repository created, because the folder already has a `.git` that \
                 is not a repository; remove it and run `git init` yourself"
                .into(),
            Self::NotInstalled => "git: not found on PATH, so no repository was created".into(),
            Self::Interrupted => "git: interrupted, so the repository may be incomplete".into(),
            Self::Failed(message) => {
                format!("git: {message}; the project files are complete, so commit them yourself with `git commit`")
            }
        }
    }
}

/// Points git at a hooks folder that cannot contain any hook.
const NO_HOOKS: &str = "core.hooksPath=/dev/null";

/// Turns off the file system monitor, a program from the user's config that git would run like a hook.
const NO_FSMONITOR: &str = "core.fsmonitor=false";

/// The branch that the generated CI workflow runs on.
const DEFAULT_BRANCH: &str = "main";

/// Initialises a repository in `project` and commits `paths`, the generated files.
pub fn init_and_commit(project: &Path, paths: &[&str], interrupted: &AtomicBool) -> GitOutcome {
    match git(project, &["rev-parse", "--show-toplevel"]) {
        Err(_) => return GitOutcome::NotInstalled,
        Ok(output) if output.status.success() => {
            let root = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
            let is_project = fs_same(&root, project);
            return if is_project {
                GitOutcome::AlreadyRepository
            } else {
                GitOutcome::InsideWorkTree(root)
            };
        }
        Ok(_) => {}
    }
    if project.join(".git").symlink_metadata().is_ok() {
        return GitOutcome::GitEntryExists;
    }
    // The generated CI workflow runs on pushes to main, and without init.defaultBranch git would name the branch
    // master. A configured name is the user's choice and is kept.
    let configured = git(project, &["config", "--get", "init.defaultBranch"])
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .filter(|branch| !branch.is_empty() && branch != DEFAULT_BRANCH);
    let default_branch = format!("init.defaultBranch={DEFAULT_BRANCH}");
    let mut init = vec!["init", "--quiet"];
    if configured.is_none() {
        init.splice(0..0, ["-c", default_branch.as_str()]);
    }
    if let Err(outcome) = run(project, &init, interrupted) {
        return outcome;
    }
    // useConfigOnly stops git from inventing an identity from the host name.
    match git(
        project,
        &["-c", "user.useConfigOnly=true", "var", "GIT_AUTHOR_IDENT"],
    ) {
        _ if interrupt::is_set(interrupted) => return GitOutcome::Interrupted,
        Ok(output) if output.status.success() => {}
        Ok(output) if output.status.code().is_none() => return GitOutcome::Interrupted,
        _ => return GitOutcome::InitializedWithoutIdentity,
    }

    // No hook runs while the generated files are added and committed: neither those of a configured
    // core.hooksPath, such as a company-wide pre-commit setup, nor post-index-change and post-commit, which
    // --no-verify does not skip, nor a core.fsmonitor program. A hook could change the generated files, fail the
    // commit or act on a repository that the user has not seen yet. Later commits run the hooks as usual.
    // --force adds a generated file that the generated .gitignore matches, such as an overlay's data/.gitkeep:
    // the commit contains exactly the generated files, and git refuses to add an ignored path by name.
    let mut add = vec!["-c", NO_HOOKS, "-c", NO_FSMONITOR, "add", "--force", "--"];
    add.extend_from_slice(paths);
    let message = format!("Initial commit from scaffold {}", env!("CARGO_PKG_VERSION"));
    let commit = [
        "-c",
        NO_HOOKS,
        "-c",
        NO_FSMONITOR,
        "-c",
        "user.useConfigOnly=true",
        "commit",
        "--quiet",
        "--message",
        &message,
    ];
    for args in [add.as_slice(), &commit] {
        if let Err(outcome) = run(project, args, interrupted) {
            return outcome;
        }
    }
    match configured {
        Some(branch) => GitOutcome::CommittedOnBranch(branch),
        None => GitOutcome::Committed,
    }
}

/// Reports whether two paths name the same folder, comparing canonical forms when both resolve.
fn fs_same(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The maximum number of lines of git's error output that a failure message quotes.
const MAX_ERROR_LINES: usize = 3;

fn run(project: &Path, args: &[&str], interrupted: &AtomicBool) -> Result<(), GitOutcome> {
    let shown = args
        .iter()
        .take_while(|arg| **arg != "--")
        .map(|arg| shell_quote(arg))
        .collect::<Vec<_>>()
        .join(" ");
    let output = git(project, args)
        .map_err(|error| GitOutcome::Failed(format!("`git {shown}` failed: {error}")))?;
    // A child killed by a signal has no exit code; Ctrl-C reaches git too.
    if interrupt::is_set(interrupted) || output.status.code().is_none() {
        return Err(GitOutcome::Interrupted);
    }
    if output.status.success() {
        return Ok(());
    }
    // git's message can span lines, such as a list of paths after a colon; its hints name commands that do not
    // apply here.
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("hint:"))
        .take(MAX_ERROR_LINES)
        .collect();
    let detail = match lines.as_slice() {
        [] => "no error output".to_owned(),
        lines => lines.join(" "),
    };
    Err(GitOutcome::Failed(format!(
        "`git {shown}` failed: {detail}"
    )))
}

/// Repository-local variables that git clears before it works in another repository, as printed by
/// `git rev-parse --local-env-vars`. A hook or `git rebase -x` sets some of them, and they would point scaffold's
/// git commands at the caller's repository, index or config. `GIT_DIR` makes the new project look like a
/// repository already, and `GIT_INDEX_FILE` moves its index elsewhere.
///
/// The list is a constant, because asking git would add one process to every run (about 1 ms with git 2.39 on
/// Linux), and removing a variable that a git version does not know is harmless. It joins the list of git 2.39 and
/// the changes in later `local_repo_env` arrays of git's environment.c, which add `GIT_NO_LAZY_FETCH` and drop
/// `GIT_INTERNAL_SUPER_PREFIX`. A unit test checks that it covers the installed git's list.
const LOCAL_ENV_VARS: &[&str] = &[
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_CONFIG",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_PARAMETERS",
    "GIT_DIR",
    "GIT_GRAFT_FILE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_NO_LAZY_FETCH",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_OBJECT_DIRECTORY",
    "GIT_PREFIX",
    "GIT_REPLACE_REF_BASE",
    "GIT_SHALLOW_FILE",
    "GIT_WORK_TREE",
];

/// Runs git without the caller's repository-local variables and with no terminal input, so a credential or signing
/// prompt fails instead of hanging. Literal pathspecs keep generated file names from being read as patterns.
fn git(project: &Path, args: &[&str]) -> std::io::Result<Output> {
    let mut command = Command::new("git");
    for name in LOCAL_ENV_VARS {
        command.env_remove(name);
    }
    command
        .args(args)
        .current_dir(project)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .stdin(Stdio::null())
        .output()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_env_vars_cover_installed_git() {
        let output = Command::new("git")
            .args(["rev-parse", "--local-env-vars"])
            .output()
            .expect("git is required for this test");
        assert!(output.status.success(), "{output:?}");

        let listed = String::from_utf8(output.stdout).unwrap();
        for name in listed.lines() {
            assert!(
                LOCAL_ENV_VARS.contains(&name),
                "`git rev-parse --local-env-vars` lists {name}, which LOCAL_ENV_VARS lacks"
            );
        }
    }
}
