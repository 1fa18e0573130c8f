//! Non-interactive answers: environment variables, answers files, user config and their precedence; the
//! `config` and `completions` commands; quiet and verbose output.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use support::{run, scaffold, tree};
use tempfile::TempDir;

fn new_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = scaffold(cwd);
    command.arg("new").args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let (output, stdout, stderr) = run(&mut command);
    (output.status.code().expect("exit code"), stdout, stderr)
}

fn config(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let (output, stdout, stderr) = run(scaffold(cwd).arg("config").args(args));
    (output.status.code().expect("exit code"), stdout, stderr)
}

fn go_mod(project: &Path) -> String {
    fs::read_to_string(project.join("go.mod")).unwrap()
}

fn manifest(project: &Path) -> String {
    fs::read_to_string(project.join("scaffold.toml")).unwrap()
}

#[test]
fn every_problem_is_reported_at_once() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = new_in(
        cwd.path(),
        &["--module", "has space"],
        &[("SCAFFOLD_DB", "oracle"), ("SCAFFOLD_GIT", "maybe")],
    );

    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("error: 4 problems; nothing was written\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  - invalid module path `has space`: it contains a space (from --module)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  - unknown database `oracle`; choose one of sqlite, postgres, mysql, none (from SCAFFOLD_DB)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("  - invalid value `maybe`; use true or false (from SCAFFOLD_GIT)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  - missing project folder: pass it as the TARGET argument"),
        "{stderr}"
    );
    assert!(
        tree(cwd.path())
            .iter()
            .all(|entry| entry.starts_with(".test-gitconfig")),
        "{:?}",
        tree(cwd.path())
    );
}

#[test]
fn invalid_flags_are_reported_together() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["x", "--module", "bad path", "--db", "oracle"],
        &[],
    );

    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("2 problems; nothing was written"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown database `oracle`"), "{stderr}");
    assert!(stderr.contains("(from --db)"), "{stderr}");
    assert!(
        stderr.contains("invalid module path `bad path`"),
        "{stderr}"
    );
}

#[test]
fn repeated_flag_takes_the_last() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["x", "--db", "oracle", "--db", "postgres", "--no-git"],
        &[],
    );

    assert_eq!(code, 0, "{stderr}");
    assert!(manifest(&cwd.path().join("x")).contains("database = \"postgres\""));
}

#[test]
fn environment_variables_give_answers() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &[],
        &[
            ("SCAFFOLD_NAME", "billing"),
            ("SCAFFOLD_MODULE", "example.com/env/billing"),
            ("SCAFFOLD_DB", "postgres"),
            ("SCAFFOLD_GIT", "false"),
        ],
    );

    assert_eq!(code, 0, "{stderr}");
    let project = cwd.path().join("billing");
    assert!(go_mod(&project).starts_with("module example.com/env/billing\n"));
    assert!(manifest(&project).contains("database = \"postgres\""));
    assert!(!project.join(".git").exists());
}

#[test]
fn non_unicode_variables_are_rejected() {
    use std::os::unix::ffi::OsStrExt;

    let cwd = TempDir::new().unwrap();
    let not_utf8 = std::ffi::OsStr::from_bytes(b"tpl\xff");

    let (output, stdout, stderr) = run(scaffold(cwd.path())
        .args(["new", "billing", "--no-git"])
        .env("SCAFFOLD_TEMPLATES", not_utf8)
        .env("SCAFFOLD_DB", not_utf8));

    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: the environment variables SCAFFOLD_DB, SCAFFOLD_TEMPLATES are not valid UTF-8; unset them, or \
         override them with their flags\n"
    );
    assert!(!cwd.path().join("billing").exists());

    let (output, _, stderr) = run(scaffold(cwd.path())
        .args([
            "new",
            "billing",
            "--no-git",
            "--db",
            "sqlite",
            "--no-templates",
        ])
        .env("SCAFFOLD_TEMPLATES", not_utf8)
        .env("SCAFFOLD_DB", not_utf8));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(cwd.path().join("billing/go.mod").is_file());
}

#[test]
fn flags_override_environment() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["billing", "--db", "sqlite", "--no-git"],
        &[
            ("SCAFFOLD_DB", "postgres"),
            ("SCAFFOLD_MODULE", "example.com/env/billing"),
        ],
    );

    assert_eq!(code, 0, "{stderr}");
    let project = cwd.path().join("billing");
    assert!(manifest(&project).contains("database = \"sqlite\""));
    assert!(go_mod(&project).starts_with("module example.com/env/billing\n"));
}

#[test]
fn module_path_name_hides_later_modules() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    fs::write(
        &answers,
        "[answers]\nname = \"svc\"\nmodule = \"example.com/file/svc\"\ngit = false\n",
    )
    .unwrap();
    let answers = answers.to_str().unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["example.com/typed/billing", "--no-git"],
        &[("SCAFFOLD_MODULE", "example.com/env/billing")],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("billing")).starts_with("module example.com/typed/billing\n"));
    assert!(
        stderr.contains(
            "warning: TARGET `example.com/typed/billing` is a module path, so it is used instead of the module \
             `example.com/env/billing` from SCAFFOLD_MODULE"
        ),
        "{stderr}"
    );

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["example.com/typed/ledger", "--answers", answers],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("ledger")).starts_with("module example.com/typed/ledger\n"));
    assert!(
        stderr.contains("used instead of the module `example.com/file/svc` from answers file `"),
        "{stderr}"
    );

    // The hidden values are not even checked, as with `--module`.
    let (code, _, stderr) = new_in(
        cwd.path(),
        &["example.com/typed/orders", "--no-git"],
        &[("SCAFFOLD_MODULE", "bad module")],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("orders")).starts_with("module example.com/typed/orders\n"));

    // A module path in SCAFFOLD_NAME hides the answers file's module, but not SCAFFOLD_MODULE.
    let (code, _, stderr) = new_in(
        cwd.path(),
        &["--answers", answers],
        &[("SCAFFOLD_NAME", "example.com/env/invoices")],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("invoices")).starts_with("module example.com/env/invoices\n"));
    assert!(
        stderr.contains("warning: SCAFFOLD_NAME `example.com/env/invoices` is a module path"),
        "{stderr}"
    );
    let (code, _, stderr) = new_in(
        cwd.path(),
        &["--no-git"],
        &[
            ("SCAFFOLD_NAME", "example.com/env/payouts"),
            ("SCAFFOLD_MODULE", "example.com/module/payouts"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("payouts")).starts_with("module example.com/module/payouts\n"));
    assert_eq!(stderr, "");

    let (code, _, stderr) = new_in(
        cwd.path(),
        &[
            "example.com/typed/audit",
            "--module",
            "example.com/flag/audit",
            "--no-git",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(go_mod(&cwd.path().join("audit")).starts_with("module example.com/flag/audit\n"));
    assert_eq!(stderr, "", "`--module` wins without a warning");
}

#[test]
fn answers_file_reproduces_project_byte_for_byte() {
    let first = TempDir::new().unwrap();
    let (code, _, stderr) = new_in(
        first.path(),
        &[
            "orders",
            "--module",
            "GitHub.com/Acme/Orders",
            "--db",
            "postgres",
            "--no-git",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let original = first.path().join("orders");

    let second = TempDir::new().unwrap();
    let answers = original.join("scaffold.toml");
    let (code, _, stderr) = new_in(
        second.path(),
        &["--answers", answers.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");

    let copy = second.path().join("orders");
    support::assert_same_files(&original, &copy);
}

#[test]
fn answers_file_problems_are_invalid_input() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("typo.toml");
    fs::write(&answers, "[answers]\nnam = \"x\"\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .contains("unknown key `nam` in [answers]; valid keys are name, module, database, git"),
        "{stderr}"
    );

    let (code, _, stderr) = new_in(cwd.path(), &["--answers", "missing.toml"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("answers file `missing.toml` not found"),
        "{stderr}"
    );

    // Every wrong entry is reported at once, together with invalid values.
    fs::write(
        &answers,
        "[answers]\nname = 7\ngit = \"no\"\ndatabase = \"oracle\"\n",
    )
    .unwrap();
    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "invalid value `7` for `name`; use a string in quotes",
        "invalid value `\"no\"` for `git`; use true or false, without quotes",
        "unknown database `oracle`",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[test]
fn answers_from_an_overlay_project_need_the_overlay() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(team.join("OWNERS"), "{{ app_name }}\n").unwrap();
    let (code, _, stderr) = new_in(
        cwd.path(),
        &["first", "--templates", "team", "--no-git"],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let answers = cwd.path().join("first/scaffold.toml");

    let elsewhere = TempDir::new().unwrap();
    let (code, _, stderr) = new_in(
        elsewhere.path(),
        &["--answers", answers.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("pass the same overlay with `--templates DIR`"),
        "{stderr}"
    );

    let (code, _, stderr) = new_in(
        elsewhere.path(),
        &[
            "--answers",
            answers.to_str().unwrap(),
            "--templates",
            team.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    support::assert_same_files(&cwd.path().join("first"), &elsewhere.path().join("first"));
}

#[test]
fn environment_overrides_answers_file() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    fs::write(
        &answers,
        "[answers]\nname = \"billing\"\ndatabase = \"postgres\"\ngit = false\n",
    )
    .unwrap();

    let (code, _, stderr) = new_in(
        cwd.path(),
        &["--answers", answers.to_str().unwrap()],
        &[("SCAFFOLD_DB", "sqlite")],
    );

    assert_eq!(code, 0, "{stderr}");
    assert!(manifest(&cwd.path().join("billing")).contains("database = \"sqlite\""));
}

#[test]
fn invalid_answers_file_is_rejected() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    fs::write(
        &answers,
        "[answers]\nname = \"billing\"\ndatabase = \"oracle\"\n",
    )
    .unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);

    assert_eq!(code, 2, "{stderr}");
    let source = format!("(from `database` in answers file `{}`)", answers.display());
    assert!(
        stderr.contains(&format!(
            "unknown database `oracle`; choose one of sqlite, postgres, mysql, none {source}"
        )),
        "{stderr}"
    );
    assert!(!cwd.path().join("billing").exists());

    let (code, _, stderr) = new_with_stdin(
        cwd.path(),
        &["--answers", "-"],
        &fs::read(&answers).unwrap(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("(from `database` in the answers on standard input)"),
        "{stderr}"
    );

    fs::write(
        &answers,
        "[answers]\nname = \"billing\"\ndatabase = \"none\"\n",
    )
    .unwrap();
    let (code, _, stderr) = new_in(
        cwd.path(),
        &["--answers", answers.to_str().unwrap(), "--no-git", "-v"],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "database = none (from answers file `{}`)",
            answers.display()
        )),
        "{stderr}"
    );

    fs::write(&answers, "name = \"billing\"\n").unwrap();
    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it has no [answers] table"), "{stderr}");
}

#[test]
fn oversized_answers_file_is_rejected() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    let mut large = b"[answers]\nname = \"svc\"\n".to_vec();
    large.resize(1024 * 1024 + 1, b'\n');
    fs::write(&answers, &large).unwrap();

    let (code, stdout, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);

    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("it is larger than 1 MiB"), "{stderr}");
    assert!(!cwd.path().join("svc").exists());
}

#[test]
fn long_line_in_toml_error_is_shortened() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    let line = format!("name = \"{}\n", "y".repeat(100_000));
    fs::write(&answers, format!("[answers]\n{line}")).unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);

    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("TOML parse error at line 2"), "{stderr}");
    assert!(stderr.contains("  | …yyy"), "{stderr}");
    assert!(stderr.contains("^\ninvalid basic string"), "{stderr}");
    assert!(stderr.len() < 1024, "{} bytes: {stderr}", stderr.len());
}

#[test]
fn user_config_sets_defaults() {
    let cwd = TempDir::new().unwrap();
    for (key, value) in [
        ("module_prefix", "github.com/acme"),
        ("database", "postgres"),
        ("git", "false"),
    ] {
        let (code, _, stderr) = config(cwd.path(), &["set", key, value]);
        assert_eq!(code, 0, "config set {key}: {stderr}");
    }

    let (code, _, stderr) = new_in(cwd.path(), &["billing"], &[]);

    assert_eq!(code, 0, "{stderr}");
    let project = cwd.path().join("billing");
    assert!(
        go_mod(&project).starts_with("module github.com/acme/billing\n"),
        "{}",
        go_mod(&project)
    );
    assert!(manifest(&project).contains("database = \"postgres\""));
    assert!(
        !project.join(".git").exists(),
        "git = false in the user config"
    );
}

#[test]
fn module_prefix_ending_in_v1_is_accepted() {
    let cwd = TempDir::new().unwrap();
    let (code, _, stderr) = config(cwd.path(), &["set", "module_prefix", "example.com/v1"]);
    assert_eq!(code, 0, "config set: {stderr}");

    let (code, _, stderr) = new_in(cwd.path(), &["billing", "--no-git"], &[]);

    assert_eq!(code, 0, "{stderr}");
    let project = cwd.path().join("billing");
    assert!(
        go_mod(&project).starts_with("module example.com/v1/billing\n"),
        "{}",
        go_mod(&project)
    );
}

#[test]
fn config_commands_round_trip() {
    let cwd = TempDir::new().unwrap();

    let (code, path, _) = config(cwd.path(), &["path"]);
    assert_eq!(code, 0);
    assert_eq!(
        path.trim(),
        cwd.path()
            .join(".config/scaffold/config.toml")
            .to_str()
            .unwrap()
    );

    assert_eq!(config(cwd.path(), &["set", "database", "postgres"]).0, 0);
    assert_eq!(config(cwd.path(), &["get", "database"]).1, "postgres\n");
    let (_, list, _) = config(cwd.path(), &["list"]);
    assert!(list.contains("database = postgres\n"), "{list}");
    assert!(list.contains("module_prefix (not set)"), "{list}");

    assert_eq!(config(cwd.path(), &["unset", "database"]).0, 0);
    let (code, stdout, stderr) = config(cwd.path(), &["get", "database"]);
    assert_eq!(code, 1, "an unset key exits 1, as `git config --get` does");
    assert_eq!(stdout, "");
    assert!(stderr.contains("`database` is not set in `"), "{stderr}");
}

#[test]
fn config_list_flags_invalid_entries() {
    let cwd = TempDir::new().unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    let text =
        "# team defaults\ndatabase = \"oracle\"\ncolour = \"red\"\ngit = true\nmodule_prefix = 5\n";
    fs::write(folder.join("config.toml"), text).unwrap();

    let (code, list, stderr) = config(cwd.path(), &["list"]);

    assert_eq!(code, 0, "{stderr}");
    assert!(
        list.contains("database = \"oracle\" (invalid: unknown database `oracle`;"),
        "{list}"
    );
    assert!(
        list.contains("colour = \"red\" (invalid: unknown key)\n"),
        "{list}"
    );
    assert!(list.contains("git = true\n"), "{list}");
    assert!(
        list.contains("module_prefix = 5 (invalid: invalid value `5` for `module_prefix`; use a string in quotes)"),
        "{list}"
    );
    assert!(
        stderr.starts_with("warning: 3 invalid entries in `"),
        "{stderr}"
    );

    let (code, _, stderr) = new_in(cwd.path(), &["svc"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("3 problems; nothing was written"),
        "{stderr}"
    );

    assert_eq!(config(cwd.path(), &["unset", "colour"]).0, 0);
    assert_eq!(config(cwd.path(), &["unset", "module_prefix"]).0, 0);
    assert_eq!(config(cwd.path(), &["set", "database", "mysql"]).0, 0);
    let (code, _, stderr) = config(cwd.path(), &["list"]);
    assert_eq!(code, 0);
    assert_eq!(stderr, "", "no warning once the entries are fixed");
    let fixed = fs::read_to_string(folder.join("config.toml")).unwrap();
    assert_eq!(fixed, "# team defaults\ndatabase = \"mysql\"\ngit = true\n");
}

#[test]
fn config_stores_templates_as_absolute_folder() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("team")).unwrap();

    assert_eq!(config(cwd.path(), &["set", "templates", "./team"]).0, 0);
    let (_, stored, _) = config(cwd.path(), &["get", "templates"]);
    let expected = cwd.path().join("team");
    assert_eq!(stored.trim(), expected.to_str().unwrap());

    let (code, _, stderr) = config(cwd.path(), &["set", "templates", "missing"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist; create it"), "{stderr}");
}

#[test]
fn config_rejects_unknown_keys_and_values() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = config(cwd.path(), &["set", "colour", "red"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: unknown config key `colour`; valid keys are module_prefix, templates, database, git\n"
    );

    let (code, _, stderr) = config(cwd.path(), &["set", "git", "maybe"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: invalid value `maybe` for `git`; use true or false (yes, no, on, off, 1 and 0 also work)\n"
    );
    assert!(
        !cwd.path().join(".config/scaffold/config.toml").exists(),
        "nothing is written on invalid input"
    );
}

#[test]
fn invalid_config_file_is_reported() {
    let cwd = TempDir::new().unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("config.toml"), "database = \"oracle\"\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["billing"], &[]);

    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown database `oracle`"), "{stderr}");
    assert!(stderr.contains("(in config file `"), "{stderr}");
    assert!(!cwd.path().join("billing").exists());
}

#[test]
fn quiet_prints_nothing_and_verbose_names_sources() {
    let cwd = TempDir::new().unwrap();
    let (output, stdout, stderr) =
        run(scaffold(cwd.path()).args(["--quiet", "new", "a", "--no-git"]));
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr, "");

    let (output, _, stderr) = run(scaffold(cwd.path())
        .args(["new", "b", "--no-git", "-v"])
        .env("SCAFFOLD_DB", "postgres"));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("name = b (from argument)"), "{stderr}");
    assert!(
        stderr.contains("database = postgres (from environment)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("module = b (derived from the folder name)"),
        "{stderr}"
    );
    assert!(stderr.contains("git = false (from flag)"), "{stderr}");

    let (output, _, stderr) = run(scaffold(cwd.path()).args(["new", "c", "-v"]));
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("database = sqlite (default)"), "{stderr}");
    assert!(stderr.contains("git = true (default)"), "{stderr}");
}

#[test]
fn quiet_and_verbose_conflict_at_any_level() {
    let cwd = TempDir::new().unwrap();

    for args in [
        &["new", "svc", "-q", "-v"][..],
        &["-q", "new", "svc", "-v"],
        &["-v", "-q", "new", "svc"],
    ] {
        let (output, stdout, stderr) = run(scaffold(cwd.path()).args(args));

        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        // clap names the flags in the order it met them.
        assert!(
            stderr.starts_with("error: the argument '--quiet' cannot be used with '--verbose'")
                || stderr
                    .starts_with("error: the argument '--verbose' cannot be used with '--quiet'"),
            "{args:?}: {stderr}"
        );
        assert!(!cwd.path().join("svc").exists(), "{args:?}");
    }
}

#[test]
fn completions_are_printed() {
    let cwd = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (output, stdout, stderr) = run(scaffold(cwd.path()).args(["completions", shell]));
        assert!(output.status.success(), "{shell}: {stderr}");
        assert!(stdout.contains("scaffold"), "{shell}");
        assert!(
            stdout.contains("module"),
            "{shell} completes the flags of new"
        );
    }
    // clap_complete completes the values of positional arguments for these shells only.
    for shell in ["bash", "zsh"] {
        let (_, stdout, _) = run(scaffold(cwd.path()).args(["completions", shell]));
        for value in ["module_prefix", "templates", "database", "git", "postgres"] {
            assert!(stdout.contains(value), "{shell} completes `{value}`");
        }
    }
}

#[test]
fn config_get_warns_about_invalid_value() {
    let cwd = TempDir::new().unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("config.toml"),
        "database = \"oracle\"\n[git]\nx = 1\n",
    )
    .unwrap();

    let (code, stdout, stderr) = config(cwd.path(), &["get", "database"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "oracle\n");
    assert!(stderr.contains("warning: `database`"), "{stderr}");
    assert!(stderr.contains("unknown database `oracle`"), "{stderr}");

    let (code, stdout, stderr) = config(cwd.path(), &["list"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(
            "git = [table] (invalid: `[git]` is a table, but `git` must be true or false"
        ),
        "{stdout}"
    );
}

#[test]
fn config_set_keeps_linked_file() {
    let cwd = TempDir::new().unwrap();
    let shared = cwd.path().join("dotfiles/scaffold.toml");
    fs::create_dir_all(shared.parent().unwrap()).unwrap();
    fs::write(&shared, "git = true\n").unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(&shared, folder.join("config.toml")).unwrap();

    let (code, _, stderr) = config(cwd.path(), &["set", "git", "false"]);

    assert_eq!(code, 0, "{stderr}");
    let link = fs::symlink_metadata(folder.join("config.toml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert_eq!(fs::read_to_string(&shared).unwrap(), "git = false\n");
}

#[test]
fn dangling_config_link_is_reported_alike() {
    let cwd = TempDir::new().unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    let missing = cwd.path().join("dotfiles/scaffold.toml");
    std::os::unix::fs::symlink(&missing, folder.join("config.toml")).unwrap();
    let expected = format!(
        "error: the config file `{}` is a link to `{}`, which does not exist; restore that file, or delete the link \
         to start again from the built-in defaults\n",
        folder.join("config.toml").display(),
        missing.display()
    );

    for args in [&["list"][..], &["set", "git", "false"]] {
        let (code, stdout, stderr) = config(cwd.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr, expected, "{args:?}");
    }
    let (code, _, stderr) = new_in(cwd.path(), &["svc"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr, expected);
    assert!(!missing.exists());

    // Through a chain of links, the message names the missing file at its end.
    fs::remove_file(folder.join("config.toml")).unwrap();
    std::os::unix::fs::symlink("middle.toml", folder.join("config.toml")).unwrap();
    std::os::unix::fs::symlink(&missing, folder.join("middle.toml")).unwrap();
    let (code, _, stderr) = config(cwd.path(), &["list"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr, expected);
}

#[test]
fn invalid_entries_are_not_reported_twice() {
    let cwd = TempDir::new().unwrap();
    let answers = cwd.path().join("answers.toml");
    fs::write(&answers, "[answers]\nname = 5\n").unwrap();

    let (code, _, stderr) = new_in(cwd.path(), &["--answers", answers.to_str().unwrap()], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid value `5` for `name`"), "{stderr}");
    assert!(!stderr.contains("missing project folder"), "{stderr}");

    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    fs::write(
        folder.join("config.toml"),
        "templates = \"/nonexistent/team\"\n",
    )
    .unwrap();
    let (code, _, stderr) = new_in(cwd.path(), &["svc", "--set", "team=payments"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the templates folder `/nonexistent/team` does not exist"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("has no effect without a template overlay"),
        "{stderr}"
    );
}

#[test]
fn no_templates_skips_templates_check() {
    let cwd = TempDir::new().unwrap();
    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();

    for setting in ["~/team", "/nonexistent/team"] {
        fs::write(
            folder.join("config.toml"),
            format!("templates = \"{setting}\"\n"),
        )
        .unwrap();

        let (code, _, stderr) = new_in(cwd.path(), &["svc", "--no-git", "--no-templates"], &[]);

        assert_eq!(code, 0, "{setting}: {stderr}");
        assert!(cwd.path().join("svc/go.mod").is_file(), "{setting}");
        fs::remove_dir_all(cwd.path().join("svc")).unwrap();
    }
}

/// Runs scaffold with `args` in `cwd` and returns its exit code and stderr. It kills a run that has not exited
/// within 20 s, so that a hang fails the test instead of blocking the suite.
fn scaffold_within_deadline(cwd: &Path, args: &[&str]) -> (i32, String) {
    let mut child = scaffold(cwd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("scaffold {args:?} did not exit within 20 s");
        }
        sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().expect("exit code"), stderr)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {} failed", path.display());
}

#[test]
fn named_pipes_are_rejected_without_blocking() {
    let cwd = TempDir::new().unwrap();
    mkfifo(&cwd.path().join("answers.toml"));

    let (code, stderr) = scaffold_within_deadline(
        cwd.path(),
        &["new", "svc", "--answers", "answers.toml", "--yes"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("named pipe"), "{stderr}");

    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    mkfifo(&folder.join("config.toml"));
    let (code, stderr) = scaffold_within_deadline(cwd.path(), &["new", "svc", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("invalid config file"), "{stderr}");

    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    mkfifo(&team.join("NOTICE"));
    fs::remove_file(folder.join("config.toml")).unwrap();
    let (code, stderr) =
        scaffold_within_deadline(cwd.path(), &["new", "svc", "--templates", "team", "--yes"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`NOTICE` is a named pipe"), "{stderr}");

    assert!(!cwd.path().join("svc").exists());
}

/// Writes `answers` to `cwd/answers.toml` and runs `scaffold new --answers answers.toml --yes --no-git` in `cwd`.
fn new_with_answers(cwd: &Path, answers: &str) -> (i32, String) {
    fs::write(cwd.join("answers.toml"), answers).unwrap();
    let (code, _, stderr) = new_in(
        cwd,
        &["--answers", "answers.toml", "--yes", "--no-git"],
        &[],
    );
    (code, stderr)
}

#[test]
fn answers_file_tables_are_checked() {
    let cwd = TempDir::new().unwrap();
    let (code, stderr) = new_with_answers(
        cwd.path(),
        "[scaffold]\nversion = \"0.1.0\"\nedition = 2\n[answers]\nname = \"svc\"\n[answers.git]\nx = 1\n\
         [database]\nx = 1\n[overlay]\nfiles = \"NOTES.md\"\nfoo = 1\n",
    );

    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown table `database`"), "{stderr}");
    assert!(
        stderr.contains("`[answers.git]` is a table, but `git` must be true or false"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`overlay.files` must be a list of strings"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown key `edition` in [scaffold]; valid keys are version"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unknown key `foo` in [overlay]; valid keys are files, excluded"),
        "{stderr}"
    );
    assert!(!cwd.path().join("svc").exists());

    let (code, stderr) = new_with_answers(
        cwd.path(),
        "[scaffold]\nversion = 7\n[answers]\nname = \"svc\"\n",
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("invalid value `7` for `version`; use a string in quotes"),
        "{stderr}"
    );

    let (code, stderr) = new_with_answers(cwd.path(), "scaffold = 1\n[answers]\nname = \"svc\"\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`scaffold` must be a table"), "{stderr}");

    let (code, stderr) =
        new_with_answers(cwd.path(), "colour = \"red\"\n[answers]\nname = \"svc\"\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("unknown top-level key `colour`"),
        "{stderr}"
    );
}

#[test]
fn answers_file_variables_follow_the_set_rules() {
    let cwd = TempDir::new().unwrap();
    let (code, stderr) = new_with_answers(
        cwd.path(),
        "[answers]\nname = \"svc\"\n[variables]\n\"bad name\" = \"x\"\nmodule_path = \"e\"\nteam = \"t\"\nfalse = \"f\"\n",
    );

    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "invalid variable name `bad name` in [variables]",
        "`module_path` in [variables] would replace the built-in variable `module_path`",
        "`false` in [variables] cannot be used: templates read `false` as a keyword",
        "[variables] in the answers file has no effect without a template overlay",
    ] {
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    assert!(!stderr.contains("--set module_path"), "{stderr}");
    assert!(!cwd.path().join("svc").exists());
}

#[test]
fn control_characters_in_answers_are_escaped_in_messages() {
    let cwd = TempDir::new().unwrap();
    let (code, stderr) = new_with_answers(
        cwd.path(),
        "[answers]\nname = \"svc\"\ndatabase = \"\\u001b]0;pwned\\u0007\"\n",
    );

    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`\\u{1b}]0;pwned\\u{7}`"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[test]
fn inline_answers_table_is_read() {
    let cwd = TempDir::new().unwrap();
    let (code, stderr) = new_with_answers(
        cwd.path(),
        "answers = { name = \"svc\", database = \"none\" }\n",
    );

    assert_eq!(code, 0, "{stderr}");
    let manifest = fs::read_to_string(cwd.path().join("svc/scaffold.toml")).unwrap();
    assert!(manifest.contains("database = \"none\""), "{manifest}");
}

/// Runs `scaffold new ARGS` in `cwd` with `input` on standard input.
fn new_with_stdin(cwd: &Path, args: &[&str], input: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = scaffold(cwd)
        .arg("new")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // scaffold may stop reading early, for example at the size limit.
    let _ = child.stdin.take().unwrap().write_all(input);
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().expect("exit code"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn answers_file_is_read_from_standard_input() {
    let first = TempDir::new().unwrap();
    let (code, _, stderr) = new_in(
        first.path(),
        &[
            "orders",
            "--module",
            "example.com/acme/orders",
            "--db",
            "none",
            "--no-git",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let original = first.path().join("orders");

    let second = TempDir::new().unwrap();
    let manifest = fs::read(original.join("scaffold.toml")).unwrap();
    let (code, _, stderr) = new_with_stdin(second.path(), &["--answers", "-"], &manifest);

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
    support::assert_same_files(&original, &second.path().join("orders"));
}

#[test]
fn answers_from_stdin_reject_bad_input() {
    let cases: [(&[u8], &str); 5] = [
        (b"", "invalid answers file on standard input: it is empty"),
        (
            b" \n\n",
            "invalid answers file on standard input: it is empty",
        ),
        (b"[answers\n", "invalid answers file on standard input: "),
        (
            b"name = \"x\"\n",
            "invalid answers file on standard input: it has no [answers] table",
        ),
        (
            b"[answers]\nname = \"\xff\"\n",
            "invalid answers file on standard input: it is not UTF-8 text",
        ),
    ];
    for (input, message) in cases {
        let cwd = TempDir::new().unwrap();
        let (code, stdout, stderr) =
            new_with_stdin(cwd.path(), &["--answers", "-", "--no-git"], input);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(message), "{message}: {stderr}");
        assert!(
            tree(cwd.path()).iter().all(|path| path.starts_with(".")),
            "{:?}",
            tree(cwd.path())
        );
    }

    let cwd = TempDir::new().unwrap();
    let mut large = b"[answers]\nname = \"svc\"\n".to_vec();
    large.resize(1024 * 1024 + 2, b'\n');
    let (code, _, stderr) = new_with_stdin(cwd.path(), &["--answers", "-", "--no-git"], &large);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("it is larger than 1 MiB"), "{stderr}");
    assert!(!cwd.path().join("svc").exists());
}
