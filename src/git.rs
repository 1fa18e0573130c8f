//! Creating the repository of a new project: `git init` and one commit of the generated files.
//!
//! Git problems never fail the generation; each outcome becomes one line of the summary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What the git step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitOutcome {
    Committed,
    /// `git init` ran, but no commit was made because no author identity is configured.
    InitializedWithoutIdentity,
    /// The target is inside the work tree rooted at this path, so no nested repository was created.
    InsideWorkTree(PathBuf),
    NotInstalled,
    /// A git command failed; the string is its first line of error output.
    Failed(String),
}

impl GitOutcome {
    /// One line for the summary.
    pub fn describe(&self) -> String {
        match self {
            Self::Committed => "git: created a repository with one commit".into(),
            Self::InitializedWithoutIdentity => "git: created a repository without a commit, because user.name and \
                 user.email are not set; run `git config --global user.name ...` and `user.email ...`, then commit"
                .into(),
            Self::InsideWorkTree(root) => format!(
                "git: no repository created, because the project is inside the work tree at `{}`",
                root.display()
            ),
            Self::NotInstalled => "git: not found on PATH, so no repository was created".into(),
            Self::Failed(message) => format!("git: {message}; the project files are complete"),
        }
    }
}

/// Initialises a repository in `project` and commits every file in it.
pub fn init_and_commit(project: &Path) -> GitOutcome {
    match git(project, &["rev-parse", "--show-toplevel"]) {
        Err(_) => return GitOutcome::NotInstalled,
        Ok(output) if output.status.success() => {
            let root = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            return GitOutcome::InsideWorkTree(PathBuf::from(root));
        }
        Ok(_) => {}
    }
    if let Err(message) = run(project, &["init", "--quiet"]) {
        return GitOutcome::Failed(message);
    }
    // useConfigOnly stops git from inventing an identity from the host name.
    let identity = git(
        project,
        &["-c", "user.useConfigOnly=true", "var", "GIT_AUTHOR_IDENT"],
    );
    if !identity.is_ok_and(|output| output.status.success()) {
        return GitOutcome::InitializedWithoutIdentity;
    }
    let message = format!("Initial commit from scaffold {}", env!("CARGO_PKG_VERSION"));
    let steps: [&[&str]; 2] = [
        &["add", "--all"],
        &[
            "-c",
            "user.useConfigOnly=true",
            "commit",
            "--quiet",
            "--no-verify",
            "--message",
            &message,
        ],
    ];
    for args in steps {
        if let Err(message) = run(project, args) {
            return GitOutcome::Failed(message);
        }
    }
    GitOutcome::Committed
}

fn run(project: &Path, args: &[&str]) -> Result<(), String> {
    let output =
        git(project, args).map_err(|error| format!("`git {}` failed: {error}", args.join(" ")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first_line = stderr.lines().next().unwrap_or("no error output");
    Err(format!("`git {}` failed: {first_line}", args.join(" ")))
}

/// Runs git with no terminal input, so a credential or signing prompt fails instead of hanging.
fn git(project: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new("git")
        .args(args)
        .current_dir(project)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
}
