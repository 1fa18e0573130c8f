//! Behaviour of `scaffold new` seen from the command line: exit codes, messages and what ends up on disk.

mod support;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use scaffold::error::Error;
use scaffold::plan::Plan;
use scaffold::spec::{Answers, ProjectSpec};
use support::{isolate_config, isolate_git, run, scaffold, tree};
use tempfile::TempDir;

fn new_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let (output, stdout, stderr) = run(scaffold(cwd).arg("new").args(args));
    (output.status.code().expect("exit code"), stdout, stderr)
}

/// Entries of `dir` ignoring the isolated git configuration the helpers put there.
fn entries(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|entry| entry != ".test-gitconfig")
        .collect()
}

#[test]
fn non_empty_target_is_left_alone() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("x")).unwrap();
    fs::write(cwd.path().join("x/notes.txt"), "keep\n").unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["x", "--no-git"]);

    assert_eq!(code, 73, "stderr: {stderr}");
    assert!(
        stderr.contains("already exists and is not empty"),
        "{stderr}"
    );
    assert!(stderr.contains("  notes.txt"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(entries(cwd.path()), ["x/", "x/notes.txt"]);
    assert_eq!(
        fs::read_to_string(cwd.path().join("x/notes.txt")).unwrap(),
        "keep\n"
    );
}

#[test]
fn force_overwrites_and_keeps_other_files() {
    let cwd = TempDir::new().unwrap();
    let project = cwd.path().join("x");
    fs::create_dir(&project).unwrap();
    fs::write(project.join("notes.txt"), "keep\n").unwrap();
    fs::write(project.join("README.md"), "old\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["x", "--force", "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(
        fs::read_to_string(project.join("notes.txt")).unwrap(),
        "keep\n"
    );
    assert_ne!(
        fs::read_to_string(project.join("README.md")).unwrap(),
        "old\n"
    );
    assert!(project.join("go.mod").is_file());
    let leftovers: Vec<String> = entries(cwd.path())
        .into_iter()
        .filter(|e| e.starts_with(".scaffold-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

#[test]
fn force_rejects_folder_where_file_goes() {
    let cwd = TempDir::new().unwrap();
    let project = cwd.path().join("x");
    fs::create_dir_all(project.join("go.mod")).unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["x", "--force", "--no-git"]);

    assert_eq!(code, 73, "stderr: {stderr}");
    assert!(
        stderr.contains("go.mod (a folder where a file goes)"),
        "{stderr}"
    );
    assert_eq!(entries(cwd.path()), ["x/", "x/go.mod/"]);
}

#[test]
fn empty_existing_folder_is_filled() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("x")).unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["x", "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(cwd.path().join("x/cmd/server/main.go").is_file());
}

#[test]
fn target_that_is_a_file_is_rejected() {
    let cwd = TempDir::new().unwrap();
    fs::write(cwd.path().join("x"), "file\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["x", "--no-git"]);

    assert_eq!(code, 73, "stderr: {stderr}");
    assert!(stderr.contains("is not a folder"), "{stderr}");
}

#[test]
fn device_on_the_way_is_named() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["/dev/null/x", "--no-git"]);

    assert_eq!(code, 73, "stderr: {stderr}");
    assert!(
        stderr.contains("`/dev/null` already exists and is not a folder"),
        "{stderr}"
    );
}

#[test]
fn next_steps_cd_is_safe_to_paste() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = new_in(
        cwd.path(),
        &["--no-git", "--module", "example.com/y", "--", "-y"],
    );
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(stdout.contains("\n  cd ./-y\n"), "{stdout}");

    let current = cwd.path().join("current");
    fs::create_dir(&current).unwrap();
    // The helpers put their git configuration into the folder, so it needs --force.
    let (code, stdout, stderr) = new_in(&current, &[".", "--no-git", "--force"]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(!stdout.contains("  cd "), "{stdout}");
}

#[test]
fn invalid_module_paths_exit_2_and_write_nothing() {
    for (module, expected) in [
        (
            "has space",
            "invalid module path `has space`: it contains a space (from --module)",
        ),
        (
            "../x",
            "invalid module path `../x`: the path element `..` is a relative folder reference (from --module)",
        ),
        (
            "/abs/x",
            "invalid module path `/abs/x`: it starts with `/` (from --module)",
        ),
        (".hidden/x", "the path element `.hidden` starts with a dot"),
        ("a\\b", "it contains a backslash"),
    ] {
        let cwd = TempDir::new().unwrap();
        let (code, stdout, stderr) =
            new_in(cwd.path(), &["billing", "--module", module, "--no-git"]);
        assert_eq!(code, 2, "--module {module:?}: stderr {stderr}");
        assert!(stderr.contains(expected), "--module {module:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            entries(cwd.path()).is_empty(),
            "--module {module:?} wrote {:?}",
            entries(cwd.path())
        );
    }
}

/// Compares the major version suffix rules with the installed `go mod init`, whose rules the README promises.
#[test]
fn module_path_rules_match_go_mod_init() {
    for path in [
        "example.com/v",
        "example.com/vx",
        "example.com/V2",
        "example.com/xv2",
        "example.com/1.5",
        "example.com/v2",
        "example.com/v10",
        "example.com/v0",
        "example.com/v1",
        "example.com/v01",
        "example.com/v02",
        "example.com/v1.5",
        "example.com/v2.0",
        "example.com/v10.1",
        "example.com/v.2",
        "example.com/v1..2",
        "example.com/v0/billing",
        "example.com/v1/billing",
        "example.com/v1.5/billing",
        "v1",
        "v2",
        "v2.0",
        "gopkg.in/yaml",
        "gopkg.in/yaml.v",
        "gopkg.in/yaml.v0",
        "gopkg.in/yaml.v1",
        "gopkg.in/yaml.v01",
        "gopkg.in/yaml.v3",
        "gopkg.in/yaml.v3-unstable",
        "gopkg.in/v3",
    ] {
        let folder = TempDir::new().unwrap();
        let (output, _, stderr) = run(support::go()
            .args(["mod", "init", path])
            .current_dir(folder.path()));
        let scaffold_result = scaffold::module_path::ModulePath::parse(path);

        assert_eq!(
            scaffold_result.is_ok(),
            output.status.success(),
            "{path}: scaffold returned {scaffold_result:?}, go mod init printed {stderr:?}"
        );
    }
}

#[test]
fn invalid_folder_name_suggests_module_flag() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["my service", "--no-git"]);

    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("the folder name `my service` is not a valid Go module path"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--module example.com/my-service"),
        "{stderr}"
    );
    assert!(entries(cwd.path()).is_empty());
}

#[test]
fn module_paths_that_cannot_build_are_rejected() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["vendor", "--no-git"]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(stderr.contains("it has the element `vendor`"), "{stderr}");
    assert!(
        stderr.contains("`--module example.com/vendor-service`"),
        "{stderr}"
    );

    let (code, _, stderr) = new_in(cwd.path(), &["tool", "--module", "cmd", "--no-git"]);
    assert_eq!(code, 2, "stderr: {stderr}");
    assert!(
        stderr.contains("would get the import path `cmd/api`"),
        "{stderr}"
    );
    assert!(entries(cwd.path()).is_empty());
}

#[test]
fn module_path_as_name_creates_last_segment() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["github.com/acme/billing", "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(!cwd.path().join("github.com").exists());
    let go_mod = fs::read_to_string(cwd.path().join("billing/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module github.com/acme/billing\n"),
        "{go_mod}"
    );
}

#[test]
fn dotted_folder_with_module_flag() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &[
            "my.service",
            "--module",
            "github.com/acme/my.service",
            "--no-git",
        ],
    );

    assert_eq!(code, 0, "stderr: {stderr}");
    let go_mod = fs::read_to_string(cwd.path().join("my.service/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module github.com/acme/my.service\n"),
        "{go_mod}"
    );
}

#[test]
fn mixed_case_module_kept_byte_for_byte() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["billing", "--module", "GitHub.com/Acme/Billing", "--no-git"],
    );

    assert_eq!(code, 0, "stderr: {stderr}");
    let main = fs::read_to_string(cwd.path().join("billing/cmd/server/main.go")).unwrap();
    assert!(
        main.contains("\"GitHub.com/Acme/Billing/internal/"),
        "{main}"
    );
}

#[test]
fn nested_path_creates_missing_parents() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["./services/billing", "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(cwd.path().join("services/billing/go.mod").is_file());
    assert!(stdout.contains("cd services/billing"), "{stdout}");
}

#[test]
fn absolute_path_is_used_as_is() {
    let cwd = TempDir::new().unwrap();
    let elsewhere = TempDir::new().unwrap();
    let target = elsewhere.path().join("orders");

    let (code, _, stderr) = new_in(cwd.path(), &[target.to_str().unwrap(), "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(target.join("go.mod").is_file());
    assert!(entries(cwd.path()).is_empty());
}

#[test]
fn unwritable_parent_exits_73() {
    let cwd = TempDir::new().unwrap();
    let parent = cwd.path().join("locked");
    fs::create_dir(&parent).unwrap();
    let locked = lock_folder(&parent);
    let target = if locked {
        parent.join("billing")
    } else {
        Path::new("/sys/scaffold-test-billing").to_owned()
    };

    let (code, stdout, stderr) = new_in(cwd.path(), &[target.to_str().unwrap(), "--no-git"]);
    if locked {
        unlock_folder(&parent);
    }

    if locked {
        // The check before writing detects the lock: EACCES from the permission bits, EPERM from the immutable
        // attribute.
        assert_eq!(code, 73, "stderr: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "error: cannot create the project in `{}`, because `{}` is not writable for you",
                target.display(),
                parent.display()
            )),
            "{stderr}"
        );
    } else {
        // sysfs may pass the access check and refuse the folder only when it is created.
        assert!(code == 73 || code == 1, "stderr: {stderr}");
    }
    assert!(
        stderr.contains("ermission denied") || stderr.contains("not permitted"),
        "{stderr}"
    );
    assert_eq!(stdout, "");
    assert!(!target.exists());
    assert_eq!(entries(cwd.path()), ["locked/"]);
}

/// Makes `dir` unwritable for the current user: chmod for normal users, the immutable attribute for root (which
/// ignores permission bits). Returns false when neither works, so the caller falls back to read-only sysfs.
fn lock_folder(dir: &Path) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    if !root {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        return true;
    }
    Command::new("chattr")
        .arg("+i")
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn unlock_folder(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = Command::new("chattr").arg("-i").arg(dir).output();
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o755));
}

/// Runs scaffold in `cwd` with standard output on `/dev/full`, where every write fails with "No space left on device".
fn run_with_full_stdout(cwd: &Path, args: &[&str]) -> std::process::Output {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    scaffold(cwd).args(args).stdout(full).output().unwrap()
}

#[test]
fn failed_summary_says_project_exists() {
    let cwd = TempDir::new().unwrap();

    let output = run_with_full_stdout(cwd.path(), &["new", "billing", "--no-git"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: created `{}`, but failed to print its summary to standard output: ",
            cwd.path().join("billing").display()
        )),
        "{stderr}"
    );
    assert!(cwd.path().join("billing/scaffold.toml").is_file());
}

#[test]
fn failed_help_write_is_error() {
    let cwd = TempDir::new().unwrap();
    for args in [&["--help"][..], &["--version"], &["new", "--help"]] {
        let output = run_with_full_stdout(cwd.path(), args);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: failed to write to standard output: "),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn closed_stdin_never_blocks() {
    let cwd = TempDir::new().unwrap();
    let started = Instant::now();

    let (code, _, stderr) = new_in(cwd.path(), &["billing", "--no-git", "--yes"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn missing_target_is_a_usage_error() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &[]);

    assert_eq!(code, 2, "stderr: {stderr}");
    assert_eq!(
        stderr,
        "error: missing project folder: pass it as the TARGET argument, for example `scaffold new billing`, or set \
         SCAFFOLD_NAME\n"
    );
    assert!(entries(cwd.path()).is_empty());
}

#[test]
fn dry_run_lists_files_and_writes_nothing() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["billing", "--dry-run"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(stdout.starts_with("would write "), "{stdout}");
    let go_mod_line = stdout
        .lines()
        .find(|line| line.ends_with("  go.mod"))
        .expect("go.mod listed");
    let size: usize = go_mod_line
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(size > 0, "{go_mod_line}");
    assert!(
        stdout.ends_with("nothing was written (--dry-run)\n"),
        "{stdout}"
    );
    assert!(entries(cwd.path()).is_empty());
}

#[test]
fn dry_run_reports_conflicts() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("x")).unwrap();
    fs::write(cwd.path().join("x/notes.txt"), "keep\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["x", "--dry-run"]);

    assert_eq!(code, 73, "stderr: {stderr}");
    assert_eq!(entries(cwd.path()), ["x/", "x/notes.txt"]);
}

#[test]
fn output_is_deterministic() {
    let first = TempDir::new().unwrap();
    let second = TempDir::new().unwrap();
    let a = support::generate(first.path(), &["billing", "--db", "postgres"]);
    let b = support::generate(second.path(), &["billing", "--db", "postgres"]);

    support::assert_same_files(&a, &b);
}

#[test]
fn every_text_file_ends_with_one_newline() {
    for db in ["sqlite", "postgres", "mysql", "none"] {
        let cwd = TempDir::new().unwrap();
        let project = support::generate(cwd.path(), &["billing", "--db", db]);
        for file in tree(&project).iter().filter(|file| !file.ends_with('/')) {
            let bytes = fs::read(project.join(file)).unwrap();
            assert!(
                bytes.ends_with(b"\n") && !bytes.ends_with(b"\n\n"),
                "{db}: {file} must end with one newline"
            );
            assert!(
                !bytes.contains(&b'\r'),
                "{db}: {file} contains a carriage return"
            );
        }
    }
}

#[test]
fn interrupted_write_leaves_nothing() {
    let cwd = TempDir::new().unwrap();
    let answers = Answers::new("billing");
    let spec = ProjectSpec::resolve(&answers, &cwd.path().join("a/b")).unwrap();
    let plan = Plan::render(&spec).unwrap();

    let result = scaffold::writer::write(&plan, &spec.target, false, &AtomicBool::new(true));

    assert!(matches!(result, Err(Error::Interrupted)), "{result:?}");
    assert_eq!(Error::Interrupted.exit_code(), 130);
    assert!(
        tree(cwd.path()).is_empty(),
        "left behind: {:?}",
        tree(cwd.path())
    );
}

/// Runs `scaffold ARGS` in `cwd` as a user without write access to folders made read-only: the user `nobody` when
/// the tests run as root, whom permissions do not stop, and otherwise the current user. `nobody` runs a copy of the
/// binary in `cwd`, because the build folder may sit below a folder that only root can enter.
fn scaffold_unprivileged(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let mut command = if fs::metadata(cwd).unwrap().uid() == 0 {
        let binary = cwd.join(".bin/scaffold");
        if !binary.exists() {
            fs::create_dir_all(binary.parent().unwrap()).unwrap();
            fs::copy(env!("CARGO_BIN_EXE_scaffold"), &binary).unwrap();
        }
        let mut runuser = Command::new("runuser");
        runuser.args(["-u", "nobody", "--"]).arg(binary);
        runuser
    } else {
        Command::new(env!("CARGO_BIN_EXE_scaffold"))
    };
    command.args(args).current_dir(cwd).stdin(Stdio::null());
    isolate_git(&mut command, cwd);
    isolate_config(&mut command, cwd);
    let (output, stdout, stderr) = run(&mut command);
    (output.status.code().expect("exit code"), stdout, stderr)
}

#[test]
fn read_only_config_folder_is_named() {
    let cwd = TempDir::new().unwrap();
    fs::set_permissions(cwd.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    fs::set_permissions(
        cwd.path().join(".config"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();

    let (code, stdout, stderr) =
        scaffold_unprivileged(cwd.path(), &["config", "set", "git", "false"]);

    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: failed to create a temporary file in `{}`: permission denied\n",
            folder.display()
        )
    );
}

#[test]
fn read_only_folder_is_reported_before_writing() {
    let cwd = TempDir::new().unwrap();
    fs::set_permissions(cwd.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let read_only = cwd.path().join("ro");
    fs::create_dir(&read_only).unwrap();
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o555)).unwrap();

    for args in [
        &["new", "ro/svc", "--dry-run"][..],
        &["new", "ro/a/b/svc", "--no-git"],
        &["new", "ro", "--force", "--no-git"],
    ] {
        let (code, stdout, stderr) = scaffold_unprivileged(cwd.path(), args);
        assert_eq!(code, 73, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert!(
            stderr.contains(&format!(
                "because `{}` is not writable for you",
                read_only.display()
            )),
            "{args:?}: {stderr}"
        );
        assert!(
            fs::read_dir(&read_only).unwrap().next().is_none(),
            "{args:?}"
        );
    }

    // With --force, files also move into the existing subfolders of the target.
    let forced = cwd.path().join("forced");
    fs::create_dir_all(forced.join("cmd")).unwrap();
    fs::set_permissions(&forced, fs::Permissions::from_mode(0o777)).unwrap();
    fs::set_permissions(forced.join("cmd"), fs::Permissions::from_mode(0o555)).unwrap();
    for args in [
        &["new", "forced", "--force", "--dry-run"][..],
        &["new", "forced", "--force", "--no-git"],
    ] {
        let (code, _, stderr) = scaffold_unprivileged(cwd.path(), args);
        assert_eq!(code, 73, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "because `{}` is not writable for you",
                forced.join("cmd").display()
            )),
            "{args:?}: {stderr}"
        );
        assert_eq!(entries(&forced), ["cmd/"], "{args:?}");
    }
}

#[test]
fn git_commits_generated_files() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["billing"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository with one commit on main\n"),
        "{stdout}"
    );
    assert_eq!(current_branch(&cwd.path().join("billing")), "main");
    let log = Command::new("git")
        .args(["log", "--oneline"])
        .current_dir(cwd.path().join("billing"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 1);
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(cwd.path().join("billing"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "work tree should be clean"
    );
}

#[test]
fn git_without_identity_skips_commit() {
    let cwd = TempDir::new().unwrap();
    let empty_config = cwd.path().join("empty-gitconfig");
    fs::write(&empty_config, "").unwrap();

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "billing"])
        .env("GIT_CONFIG_GLOBAL", &empty_config)
        .env("HOME", cwd.path())
        .env("EMAIL", ""));

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository without a commit"),
        "{stdout}"
    );
    assert!(cwd.path().join("billing/.git").is_dir());
}

/// Runs `scaffold new billing` in `cwd` with a global git config of an identity plus `extra`.
fn new_with_git_config(cwd: &Path, extra: &str) -> (std::process::Output, String, String) {
    let config = cwd.join("gitconfig");
    fs::write(
        &config,
        format!("[user]\n\tname = T\n\temail = t@example.com\n{extra}"),
    )
    .unwrap();
    run(scaffold(cwd)
        .args(["new", "billing"])
        .env("GIT_CONFIG_GLOBAL", &config))
}

fn current_branch(repository: &Path) -> String {
    let output = Command::new("git")
        .args(["branch", "--show-current"])
        .current_dir(repository)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn failed_commit_is_quoted_to_paste() {
    let cwd = TempDir::new().unwrap();

    let (output, stdout, stderr) = new_with_git_config(
        cwd.path(),
        "[commit]\n\tgpgsign = true\n[gpg]\n\tprogram = false\n",
    );

    assert!(output.status.success(), "stderr: {stderr}");
    let message = format!(
        "--message 'Initial commit from scaffold {}'",
        env!("CARGO_PKG_VERSION")
    );
    assert!(stdout.contains(&message), "{stdout}");
}

#[test]
fn ignored_overlay_file_is_committed() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir_all(cwd.path().join("team/data")).unwrap();
    fs::write(cwd.path().join("team/data/.gitkeep"), "").unwrap();
    let config = cwd.path().join("gitconfig");
    fs::write(&config, "[user]\n\tname = T\n\temail = t@example.com\n").unwrap();

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "billing", "--templates", "team"])
        .env("GIT_CONFIG_GLOBAL", &config));

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository with one commit"),
        "{stdout}\n{stderr}"
    );
    let listed = Command::new("git")
        .args(["ls-files", "data"])
        .current_dir(cwd.path().join("billing"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "data/.gitkeep\n");
}

#[test]
fn leftover_staging_folder_is_reported() {
    let cwd = TempDir::new().unwrap();
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for name in [
        ".scaffold-AbC123",
        ".scaffold-XyZ789",
        ".scaffold-templates",
    ] {
        fs::create_dir(cwd.path().join(name)).unwrap();
    }
    for old in [".scaffold-AbC123", ".scaffold-templates"] {
        fs::File::open(cwd.path().join(old))
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
    }

    let (output, _, stderr) = run(scaffold(cwd.path()).args(["new", "billing", "--no-git"]));

    assert!(output.status.success(), "stderr: {stderr}");
    let leftover = cwd.path().join(".scaffold-AbC123");
    assert!(
        stderr.contains(&format!(
            "warning: `{}` is left over from a scaffold run that was killed; delete it",
            leftover.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("left over").count(),
        1,
        "only the old staging folder is named: {stderr}"
    );
    assert!(leftover.is_dir(), "the leftover folder must be kept");
}

#[test]
fn configured_default_branch_is_kept() {
    let cwd = TempDir::new().unwrap();

    let (output, stdout, stderr) =
        new_with_git_config(cwd.path(), "[init]\n\tdefaultBranch = trunk\n");

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains(
            "git: created a repository with one commit on trunk, your init.defaultBranch; \
             .github/workflows/ci.yml runs on pushes to main"
        ),
        "{stdout}"
    );
    assert_eq!(current_branch(&cwd.path().join("billing")), "trunk");
}

#[test]
fn initial_commit_runs_no_hooks() {
    let cwd = TempDir::new().unwrap();
    let hooks = cwd.path().join("hooks");
    fs::create_dir(&hooks).unwrap();
    let marker = cwd.path().join("hook-ran");
    for hook in [
        "pre-commit",
        "commit-msg",
        "post-index-change",
        "post-commit",
        "fsmonitor",
    ] {
        let path = hooks.join(hook);
        fs::write(
            &path,
            format!("#!/bin/sh\necho {hook} >> '{}'\n", marker.display()),
        )
        .unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }

    let (output, stdout, stderr) = new_with_git_config(
        cwd.path(),
        &format!(
            "[core]\n\thooksPath = {}\n\tfsmonitor = {}\n",
            hooks.display(),
            hooks.join("fsmonitor").display()
        ),
    );

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository with one commit"),
        "{stdout}"
    );
    assert!(
        !marker.exists(),
        "hooks ran: {}",
        fs::read_to_string(&marker).unwrap_or_default()
    );
}

#[test]
fn git_inside_work_tree_is_not_nested() {
    let cwd = TempDir::new().unwrap();
    let (init, _, init_err) = run(Command::new("git")
        .args(["init", "-q"])
        .current_dir(cwd.path()));
    assert!(init.status.success(), "{init_err}");

    let (code, stdout, stderr) = new_in(cwd.path(), &["billing"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stdout.contains("git: no repository created, because the project is inside the work tree"),
        "{stdout}"
    );
    assert!(!cwd.path().join("billing/.git").exists());
}

#[test]
fn git_never_follows_existing_git_link() {
    let cwd = TempDir::new().unwrap();
    let elsewhere = cwd.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let project = cwd.path().join("billing");
    fs::create_dir(&project).unwrap();
    std::os::unix::fs::symlink(&elsewhere, project.join(".git")).unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["billing", "--force", "--yes"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stdout.contains("git: no repository created, because the folder already has a `.git`"),
        "{stdout}"
    );
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// Runs git in `dir` without the variables that the git tests set for scaffold, and returns stdout.
fn git_output(dir: &Path, args: &[&str]) -> String {
    let (output, stdout, stderr) = run(Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE"));
    assert!(output.status.success(), "git {args:?} failed: {stderr}");
    stdout
}

/// Asserts that `project` is the root of its own repository with one commit and a clean work tree.
fn assert_own_clean_repository(project: &Path) {
    let root = git_output(project, &["rev-parse", "--show-toplevel"]);
    assert_eq!(
        fs::canonicalize(root.trim()).unwrap(),
        fs::canonicalize(project).unwrap()
    );
    let log = git_output(project, &["log", "--oneline"]);
    assert_eq!(log.lines().count(), 1, "{log}");
    let status = git_output(project, &["status", "--porcelain"]);
    assert_eq!(status, "", "work tree should be clean");
}

#[test]
fn git_ignores_caller_git_dir() {
    let cwd = TempDir::new().unwrap();
    let other = cwd.path().join("other");
    fs::create_dir(&other).unwrap();
    git_output(&other, &["init", "--quiet"]);

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "p3"])
        .env("GIT_DIR", other.join(".git")));

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository with one commit"),
        "{stdout}"
    );
    assert_own_clean_repository(&cwd.path().join("p3"));
    let (head, _, _) = run(Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .current_dir(&other)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE"));
    assert!(
        !head.status.success(),
        "the caller's repository got a commit"
    );
    assert!(
        !other.join(".git/index").exists(),
        "the caller's repository got an index"
    );
}

#[test]
fn git_ignores_caller_index_file() {
    let cwd = TempDir::new().unwrap();
    let elsewhere = cwd.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let index = elsewhere.join("idx");

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "p2"])
        .env("GIT_INDEX_FILE", &index));

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("git: created a repository with one commit"),
        "{stdout}"
    );
    assert_own_clean_repository(&cwd.path().join("p2"));
    assert!(!index.exists(), "the index was written outside the project");
}

#[test]
fn no_git_flag_skips_git() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, _) = new_in(cwd.path(), &["billing", "--no-git"]);

    assert_eq!(code, 0);
    assert!(!stdout.contains("git:"), "{stdout}");
    assert!(!cwd.path().join("billing/.git").exists());
}

#[test]
fn missing_go_is_reported_not_fatal() {
    let cwd = TempDir::new().unwrap();
    let bin = cwd.path().join("bin");
    fs::create_dir(&bin).unwrap();

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "billing", "--no-git"])
        .env("PATH", &bin));

    assert!(output.status.success(), "stderr: {stderr}");
    assert!(
        stdout.contains("go: not found on PATH; install Go"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("go test ./..."), "{stdout}");
}

#[test]
fn old_go_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let cwd = TempDir::new().unwrap();
    let bin = cwd.path().join("tools/bin");
    fs::create_dir_all(&bin).unwrap();
    let fake_go = bin.join("go");
    fs::write(
        &fake_go,
        "#!/bin/sh\necho 'go version go1.22.5 linux/amd64'\n",
    )
    .unwrap();
    fs::set_permissions(&fake_go, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "billing", "--no-git"])
        .env("PATH", path));

    assert!(output.status.success(), "stderr: {stderr}");
    let expected = format!(
        "go: found 1.22.5, but the project needs Go {} or newer",
        scaffold::context::GO_VERSION
    );
    assert!(stdout.contains(&expected), "{stdout}");
}

/// Writes a shell script named `go` into `cwd/tools/bin` and returns its path and a PATH that finds it first.
fn fake_go(cwd: &Path, script: &str) -> (std::path::PathBuf, String) {
    use std::os::unix::fs::PermissionsExt;
    let bin = cwd.join("tools/bin");
    fs::create_dir_all(&bin).unwrap();
    let go = bin.join("go");
    fs::write(&go, format!("#!/bin/sh\n{script}")).unwrap();
    fs::set_permissions(&go, fs::Permissions::from_mode(0o755)).unwrap();
    (go, format!("{}:/usr/bin:/bin", bin.display()))
}

/// Runs `scaffold new billing --no-git` with `path` as PATH and returns the summary, asserting success.
fn new_with_path(cwd: &Path, path: &str) -> String {
    let (output, stdout, stderr) = run(scaffold(cwd)
        .args(["new", "billing", "--no-git"])
        .env("PATH", path));
    assert!(output.status.success(), "stderr: {stderr}");
    stdout
}

#[test]
fn devel_go_counts_as_suitable() {
    let cwd = TempDir::new().unwrap();
    let (_, path) = fake_go(
        cwd.path(),
        "echo 'go version devel go1.27-4fe5ba2 Tue Jan 6 10:00:00 2026 +0000 linux/amd64'\n",
    );

    let stdout = new_with_path(cwd.path(), &path);

    assert!(!stdout.contains("go:"), "{stdout}");
}

#[test]
fn unreadable_go_version_is_quoted() {
    let cwd = TempDir::new().unwrap();
    let (go, path) = fake_go(cwd.path(), "echo '  go version unknown  '\n");

    let stdout = new_with_path(cwd.path(), &path);

    let expected = format!(
        "go: found `{}`, but `go version` printed \"go version unknown\", which has no version, so the Go \
         version is unknown; run `go version` to check that it is Go {} or newer",
        go.display(),
        scaffold::context::GO_VERSION
    );
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(!stdout.contains("not found on PATH"), "{stdout}");
}

#[test]
fn failing_go_shim_is_quoted() {
    let cwd = TempDir::new().unwrap();
    let (go, path) = fake_go(
        cwd.path(),
        "echo 'No version is set for command go' >&2\necho 'Consider adding one' >&2\nexit 126\n",
    );

    let stdout = new_with_path(cwd.path(), &path);

    let expected = format!(
        "go: found `{}`, but `go version` exited with status 126 and printed \"No version is set for command \
         go\" and more lines, so the Go version is unknown",
        go.display()
    );
    assert!(stdout.contains(&expected), "{stdout}");
}

#[test]
fn hanging_go_times_out() {
    let cwd = TempDir::new().unwrap();
    let sleep_pid = cwd.path().join("sleep.pid");
    let (go, path) = fake_go(
        cwd.path(),
        &format!("sleep 30 &\necho $! > '{}'\nwait\n", sleep_pid.display()),
    );

    let started = Instant::now();
    let stdout = new_with_path(cwd.path(), &path);
    let elapsed = started.elapsed();

    let timeout = scaffold::toolchain::VERSION_TIMEOUT;
    assert!(elapsed >= timeout, "returned after {elapsed:?}");
    assert!(
        elapsed < timeout + Duration::from_secs(5),
        "returned after {elapsed:?}"
    );
    let expected = format!(
        "go: found `{}`, but `go version` timed out after {} seconds, so the Go version is unknown",
        go.display(),
        timeout.as_secs()
    );
    assert!(stdout.contains(&expected), "{stdout}");
    let pid = fs::read_to_string(&sleep_pid).unwrap();
    assert!(
        process_ends(pid.trim(), Duration::from_secs(2)),
        "the shim's `sleep` (pid {}) outlived scaffold",
        pid.trim()
    );
}

/// Reports whether the process `pid` ends or becomes a zombie within `limit`.
fn process_ends(pid: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The state letter follows the command name in parentheses; `Z` is a zombie.
        let state = stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next());
        if matches!(state, None | Some('Z')) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn ctrl_c_during_go_check_exits_130() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;

    let cwd = TempDir::new().unwrap();
    let started_marker = cwd.path().join("go-started");
    let (_, path) = fake_go(
        cwd.path(),
        &format!("touch '{}'\nsleep 30\n", started_marker.display()),
    );
    let mut command = scaffold(cwd.path());
    command
        .args(["new", "billing", "--no-git"])
        .env("PATH", path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = command.spawn().unwrap();

    let started = Instant::now();
    while !started_marker.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the fake go never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let output = child.wait_with_output().unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "stderr: {stderr}");
    assert!(
        stderr.contains("interrupted while checking the Go version"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "scaffold waited {:?} after Ctrl-C",
        started.elapsed()
    );
    assert!(cwd.path().join("billing/go.mod").is_file());
}

#[test]
fn force_commits_only_generated_files() {
    let cwd = TempDir::new().unwrap();
    let project = cwd.path().join("x");
    fs::create_dir(&project).unwrap();
    fs::write(project.join("secrets.txt"), "AWS_SECRET=xyz\n").unwrap();
    fs::write(project.join("README.md"), "old\n").unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["x", "--force"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        stdout.contains("overwrote 1 existing file:\n  README.md\n"),
        "{stdout}"
    );
    let committed = Command::new("git")
        .args(["ls-tree", "-r", "--name-only", "HEAD"])
        .current_dir(&project)
        .output()
        .unwrap();
    let committed = String::from_utf8_lossy(&committed.stdout);
    assert!(
        committed.lines().any(|line| line == "go.mod"),
        "{committed}"
    );
    assert!(
        !committed.lines().any(|line| line == "secrets.txt"),
        "{committed}"
    );
}

#[test]
fn dry_run_marks_overwritten_files() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("x")).unwrap();
    fs::write(cwd.path().join("x/go.mod"), "module old\n").unwrap();

    let (code, stdout, _) = new_in(cwd.path(), &["x", "--dry-run", "--force"]);

    assert_eq!(code, 0);
    let line = stdout
        .lines()
        .find(|line| line.contains("  go.mod"))
        .unwrap();
    assert!(
        line.ends_with("go.mod  (overwrites an existing file)"),
        "{line}"
    );
    assert_eq!(
        fs::read_to_string(cwd.path().join("x/go.mod")).unwrap(),
        "module old\n"
    );
}

#[test]
fn existing_folder_needs_no_writable_parent() {
    let cwd = TempDir::new().unwrap();
    let parent = cwd.path().join("locked");
    fs::create_dir_all(parent.join("app")).unwrap();
    let locked = lock_folder(&parent);

    let (output, _, stderr) = run(scaffold(cwd.path())
        .current_dir(parent.join("app"))
        .args(["new", ".", "--no-git"]));
    if locked {
        unlock_folder(&parent);
    }

    assert!(locked, "could not make the parent folder unwritable");
    assert!(output.status.success(), "stderr: {stderr}");
    assert!(parent.join("app/go.mod").is_file());
    let leftovers: Vec<String> = entries(&parent.join("app"))
        .into_iter()
        .filter(|e| e.starts_with(".scaffold-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn file_in_the_path_exits_73() {
    let cwd = TempDir::new().unwrap();
    fs::write(cwd.path().join("afile"), "x\n").unwrap();
    std::os::unix::fs::symlink(cwd.path().join("missing"), cwd.path().join("dangling")).unwrap();

    for target in ["afile/sub", "dangling", "dangling/sub"] {
        for extra in [&["--dry-run"][..], &[]] {
            let mut args = vec![target, "--no-git"];
            args.extend_from_slice(extra);
            let (code, _, stderr) = new_in(cwd.path(), &args);
            assert_eq!(code, 73, "{target} {extra:?}: {stderr}");
            assert!(
                stderr.contains("already exists and is not a folder"),
                "{target}: {stderr}"
            );
        }
    }
    assert_eq!(entries(cwd.path()), ["afile", "dangling"]);
}

#[test]
fn summary_names_the_database_service() {
    let cases = [
        ("sqlite", None),
        ("postgres", Some("docker compose up -d postgres")),
        ("mysql", Some("docker compose up -d mysql")),
        ("none", None),
    ];
    for (db, compose_step) in cases {
        let cwd = TempDir::new().unwrap();

        let (code, stdout, stderr) = new_in(cwd.path(), &["billing", "--db", db, "--no-git"]);

        assert_eq!(code, 0, "{db}: stderr: {stderr}");
        assert!(
            stdout.contains(&format!("database {db})")),
            "{db}: summary does not name the database: {stdout}"
        );
        match compose_step {
            Some(step) => assert!(stdout.contains(step), "{db}: no `{step}` in {stdout}"),
            None => assert!(
                !stdout.contains("docker compose"),
                "{db}: needs no database service: {stdout}"
            ),
        }
    }
}

#[test]
fn none_database_has_no_migrations() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["billing", "--db", "none", "--no-git"]);

    assert_eq!(code, 0, "stderr: {stderr}");
    let files = tree(&cwd.path().join("billing"));
    for absent in [
        "migrations/",
        "internal/testdb/",
        "internal/repository/open.go",
    ] {
        assert!(
            !files.iter().any(|file| file == absent),
            "{absent} was generated for --db none: {files:?}"
        );
    }
    assert!(
        files
            .iter()
            .any(|file| file == "internal/repository/memory.go")
    );
}

#[test]
fn config_help_lists_every_key() {
    let cwd = TempDir::new().unwrap();

    let (output, stdout, stderr) = run(scaffold(cwd.path()).args(["config", "--help"]));

    assert!(output.status.success(), "{stderr}");
    for key in scaffold::user_config::KEYS {
        assert!(
            stdout.contains(key.name),
            "`{}` missing:\n{stdout}",
            key.name
        );
    }
    assert!(stdout.contains("Exit codes:"), "{stdout}");
}

#[test]
fn unreadable_answers_and_config_are_invalid_input() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("folder")).unwrap();
    fs::write(
        cwd.path().join("latin1.toml"),
        b"[answers]\nname = \"caf\xe9\"\n",
    )
    .unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["svc", "--answers", "folder", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is a folder"), "{stderr}");

    let (code, _, stderr) = new_in(cwd.path(), &["svc", "--answers", "latin1.toml", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is not UTF-8 text"), "{stderr}");

    let config = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&config).unwrap();
    fs::write(config.join("config.toml"), b"database = \"\xff\"\n").unwrap();
    let (code, _, stderr) = new_in(cwd.path(), &["svc", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid config file"), "{stderr}");
    assert!(stderr.contains("delete it"), "{stderr}");

    assert_eq!(
        entries(cwd.path()),
        [
            ".config/",
            ".config/scaffold/",
            ".config/scaffold/config.toml",
            "folder/",
            "latin1.toml"
        ]
    );
}

#[test]
fn answers_file_names_a_folder_not_a_path() {
    let cwd = TempDir::new().unwrap();
    let work = cwd.path().join("work");
    fs::create_dir(&work).unwrap();
    for name in ["../escaped", "/tmp/escaped", "a/b", ".."] {
        fs::write(
            work.join("answers.toml"),
            format!("[answers]\nname = \"{name}\"\n"),
        )
        .unwrap();

        let (code, _, stderr) = new_in(&work, &["--answers", "answers.toml", "--yes"]);

        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains("may only give a folder name"),
            "{name}: {stderr}"
        );
        assert_eq!(entries(&work), ["answers.toml"], "{name}");
    }
    assert_eq!(
        entries(cwd.path()),
        ["work/", "work/.test-gitconfig", "work/answers.toml"]
    );
}
