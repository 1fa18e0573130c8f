//! Template overlays seen from the command line: export, override, add, exclude, stale warnings, template errors
//! and path safety.

mod support;

use std::fs;
use std::path::Path;

use support::{go_ok, run, scaffold, tree};
use tempfile::TempDir;

fn scaffold_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let (output, stdout, stderr) = run(scaffold(cwd).args(args));
    (output.status.code().expect("exit code"), stdout, stderr)
}

/// Exports `paths` into `cwd/team` and returns that folder.
fn export(cwd: &Path, paths: &[&str]) -> std::path::PathBuf {
    let mut args = vec!["templates", "export"];
    args.extend_from_slice(paths);
    args.extend_from_slice(&["--to", "team"]);
    let (code, _, stderr) = scaffold_in(cwd, &args);
    assert_eq!(code, 0, "export failed: {stderr}");
    cwd.join("team")
}

/// Runs `scaffold new svc --templates team --no-git EXTRA` in `cwd`.
fn new_with_team(cwd: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["new", "svc", "--templates", "team", "--no-git"];
    args.extend_from_slice(extra);
    scaffold_in(cwd, &args)
}

fn project_files(cwd: &Path) -> Vec<String> {
    tree(cwd)
        .into_iter()
        .filter(|entry| entry.starts_with("svc"))
        .collect()
}

#[test]
fn overlay_replaces_and_adds_files_and_still_builds() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Dockerfile", "Makefile"]);
    let dockerfile = fs::read_to_string(team.join("Dockerfile")).unwrap();
    let custom = dockerfile.replace("static-debian12:nonroot", "static-debian12:debug-nonroot");
    assert_ne!(
        custom, dockerfile,
        "the exported Dockerfile names the distroless image"
    );
    fs::write(team.join("Dockerfile"), custom).unwrap();
    fs::write(
        team.join("Makefile"),
        "build:\n\tgo build -o bin/{{ app_name }} ./cmd/server\n",
    )
    .unwrap();
    fs::create_dir_all(team.join(".github")).unwrap();
    fs::write(team.join(".github/CODEOWNERS"), "* @acme/{{ team }}\n").unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &["--set", "team=platform"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");

    let project = cwd.path().join("svc");
    assert!(
        fs::read_to_string(project.join("Dockerfile"))
            .unwrap()
            .contains("static-debian12:debug-nonroot")
    );
    assert_eq!(
        fs::read_to_string(project.join("Makefile")).unwrap(),
        "build:\n\tgo build -o bin/svc ./cmd/server\n"
    );
    assert_eq!(
        fs::read_to_string(project.join(".github/CODEOWNERS")).unwrap(),
        "* @acme/platform\n"
    );
    assert!(
        !project.join("scaffold-templates.toml").exists(),
        "the overlay manifest is not part of the project"
    );
    let manifest = fs::read_to_string(project.join("scaffold.toml")).unwrap();
    assert!(
        manifest.contains("files = [\".github/CODEOWNERS\", \"Dockerfile\", \"Makefile\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("[variables]\nteam = \"platform\""),
        "{manifest}"
    );

    go_ok(&project, &["vet", "./..."], &[]);
    assert_eq!(go_ok(&project, &["mod", "tidy", "-diff"], &[]), "");
    go_ok(&project, &["build", "./..."], &[("CGO_ENABLED", "0")]);
    go_ok(&project, &["test", "-race", "-count=1", "./..."], &[]);
}

#[test]
fn unchanged_export_renders_like_built_in() {
    let cwd = TempDir::new().unwrap();
    export(cwd.path(), &[]);
    let plain = TempDir::new().unwrap();

    assert_eq!(new_with_team(cwd.path(), &[]).0, 0);
    assert_eq!(scaffold_in(plain.path(), &["new", "svc", "--no-git"]).0, 0);

    let (a, b) = (cwd.path().join("svc"), plain.path().join("svc"));
    for file in tree(&b)
        .iter()
        .filter(|file| !file.ends_with('/') && *file != "scaffold.toml")
    {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

#[test]
fn stale_copy_is_reported() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Dockerfile"]);
    let manifest = fs::read_to_string(team.join("scaffold-templates.toml")).unwrap();
    let start = manifest.find("Dockerfile = \"").unwrap() + "Dockerfile = \"".len();
    let mut stale = manifest.clone();
    stale.replace_range(start..start + 64, &"0".repeat(64));
    fs::write(team.join("scaffold-templates.toml"), stale).unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: the built-in template `Dockerfile` changed since your copy in"),
        "{stderr}"
    );
}

#[test]
fn template_errors_are_located_and_nothing_written() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir_all(team.join("docs")).unwrap();
    fs::write(
        team.join("README.md"),
        "# {{ project_name }}\n\nOwned by {{ team_name }}.\n",
    )
    .unwrap();
    fs::write(
        team.join("docs/runbook.md"),
        "# Runbook\n{% if database == %}\n",
    )
    .unwrap();

    let (code, stdout, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("overlay__template_errors", stderr);
    });
    assert!(project_files(cwd.path()).is_empty());
}

#[test]
fn set_cannot_shadow_built_in_variables() {
    let cwd = TempDir::new().unwrap();
    export(cwd.path(), &["Makefile"]);

    let (code, _, stderr) = new_with_team(cwd.path(), &["--set", "app_name=x"]);

    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`--set app_name=...` would replace the built-in variable `app_name`"),
        "{stderr}"
    );
    assert!(project_files(cwd.path()).is_empty());
}

#[test]
fn set_cannot_name_template_keywords() {
    let cwd = TempDir::new().unwrap();
    export(cwd.path(), &["Makefile"]);

    // `{{ true }}` renders the boolean and `{{ not }}` does not parse, so neither variable could ever be used.
    // `self` names the template's blocks.
    for keyword in ["true", "None", "not", "self"] {
        let (code, _, stderr) = new_with_team(cwd.path(), &["--set", &format!("{keyword}=x")]);

        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(&format!(
                "`--set {keyword}=...` cannot be used: templates read `{keyword}` as a keyword"
            )),
            "{stderr}"
        );
        assert!(project_files(cwd.path()).is_empty());
    }
    let (code, _, stderr) = new_with_team(cwd.path(), &["--set", "if=x"]);
    assert_eq!(
        code, 0,
        "`if` reads as a variable in an expression: {stderr}"
    );
}

#[test]
fn tilde_templates_folder_is_explained() {
    let cwd = TempDir::new().unwrap();
    // HOME is the test's folder, so `~/team` would name the exported overlay if anything expanded it.
    export(cwd.path(), &["Makefile"]);
    let explained = "`~` in the templates folder `~/team` is the home folder only to a shell, which did not \
                     expand it here; use an absolute path instead";

    let (code, _, stderr) = scaffold_in(cwd.path(), &["new", "svc", "--templates", "~/team"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr, format!("error: {explained} (from --templates)\n"));

    let (output, _, stderr) = run(scaffold(cwd.path())
        .args(["new", "svc"])
        .env("SCAFFOLD_TEMPLATES", "~/team"));
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        format!("error: {explained} (from SCAFFOLD_TEMPLATES)\n")
    );

    let (code, _, stderr) = scaffold_in(cwd.path(), &["config", "set", "templates", "~/team"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(explained), "{stderr}");

    let folder = cwd.path().join(".config/scaffold");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("config.toml"), "templates = \"~/team\"\n").unwrap();
    let (code, _, stderr) = scaffold_in(cwd.path(), &["new", "svc"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(explained), "{stderr}");
    assert!(project_files(cwd.path()).is_empty());
}

#[test]
fn set_without_overlay_is_rejected() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = scaffold_in(cwd.path(), &["new", "svc", "--no-git", "--set", "team=x"]);

    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`--set` has no effect without a template overlay"),
        "{stderr}"
    );
    assert!(project_files(cwd.path()).is_empty());
}

#[test]
fn unused_variable_is_warned_about() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Makefile"]);
    fs::write(team.join("OWNERS"), "{% if team %}{{ team }}{% endif %}\n").unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &["--set", "team=a", "--set", "teem=b"]);

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "warning: no overlay template uses the variable `teem`, so it has no effect; check the spelling\n"
    );
    let manifest = fs::read_to_string(cwd.path().join("svc/scaffold.toml")).unwrap();
    assert!(
        manifest.contains("teem = \"b\""),
        "an unused variable is still recorded, so that the answers reproduce the run: {manifest}"
    );
}

#[test]
fn overlay_keeps_executable_bit_and_line_endings() {
    use std::os::unix::fs::PermissionsExt;

    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Makefile"]);
    fs::write(team.join("run.sh"), "#!/bin/sh\necho {{ app_name }}\n").unwrap();
    fs::set_permissions(team.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(
        team.join("tool.cmd"),
        "@echo off\r\necho {{ app_name }}\r\n",
    )
    .unwrap();
    fs::write(team.join("one.cmd"), "echo\r\n").unwrap();
    fs::write(team.join("mixed.txt"), "a\r\nb\nc\n\n").unwrap();
    fs::write(team.join("open.cmd"), "a\r\nb").unwrap();
    fs::create_dir(team.join("data")).unwrap();
    fs::write(team.join("data/.gitkeep"), "").unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 0, "{stderr}");
    let project = cwd.path().join("svc");
    let mode = |path: &str| {
        fs::metadata(project.join(path))
            .unwrap()
            .permissions()
            .mode()
    };
    assert_eq!(mode("run.sh") & 0o111, 0o111, "the script stays executable");
    assert_eq!(
        mode("Makefile") & 0o111,
        0,
        "other files are not executable"
    );
    assert_eq!(
        fs::read(project.join("tool.cmd")).unwrap(),
        b"@echo off\r\necho svc\r\n"
    );
    assert_eq!(fs::read(project.join("one.cmd")).unwrap(), b"echo\r\n");
    assert_eq!(
        fs::read(project.join("mixed.txt")).unwrap(),
        b"a\r\nb\nc\n",
        "the last line ending decides"
    );
    assert_eq!(fs::read(project.join("open.cmd")).unwrap(), b"a\r\nb\r\n");
    assert_eq!(fs::read(project.join("data/.gitkeep")).unwrap(), b"");
}

#[test]
fn no_templates_skips_the_overlay_from_the_environment() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Makefile"]);
    fs::write(team.join("Makefile"), "custom\n").unwrap();
    let new = |extra: &[&str], overlay: &str| {
        let mut command = scaffold(cwd.path());
        command
            .args(["new", "svc", "--no-git", "--dry-run"])
            .args(extra)
            .env("SCAFFOLD_TEMPLATES", overlay);
        let (output, stdout, stderr) = run(&mut command);
        (output.status.code().expect("exit code"), stdout, stderr)
    };

    let (code, _, stderr) = new(&[], "missing");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("(from SCAFFOLD_TEMPLATES; `--no-templates` skips it for one run)"),
        "{stderr}"
    );

    let (code, _, stderr) = new(&["--no-templates"], "missing");
    assert_eq!(code, 0, "{stderr}");

    let (code, _, stderr) = new(&["--no-templates", "--set", "team=x"], "team");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("drop `--no-templates` to apply the configured overlay"),
        "{stderr}"
    );

    let (code, stdout, stderr) = new(&["--no-templates"], "team");
    assert_eq!(code, 0, "{stderr}");
    let (_, with_overlay, _) = new(&[], "team");
    assert_ne!(
        stdout, with_overlay,
        "the overlay changes the Makefile's size"
    );
}

#[test]
fn repeated_set_is_warned_about() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Makefile"]);
    fs::write(team.join("OWNERS"), "{{ team }}\n").unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &["--set", "team=a", "--set", "team=b"]);

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "warning: `--set` gives `team` more than once; the last value is used\n"
    );
    assert_eq!(
        fs::read_to_string(cwd.path().join("svc/OWNERS")).unwrap(),
        "b\n"
    );
}

#[test]
fn excluded_built_in_is_not_generated() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(
        team.join("scaffold-templates.toml"),
        "exclude = [\"docker-compose.yml\"]\n",
    )
    .unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 0, "{stderr}");
    assert!(!cwd.path().join("svc/docker-compose.yml").exists());
    assert!(cwd.path().join("svc/Dockerfile").exists());
    assert!(
        stderr.contains("warning: the overlay excludes `docker-compose.yml`, but `.dockerignore`, `.env.example`, \
             `README.md` still name or use it"),
        "{stderr}"
    );

    fs::write(
        team.join("scaffold-templates.toml"),
        "exclude = [\"Dockerfile\"]\n",
    )
    .unwrap();
    fs::remove_dir_all(cwd.path().join("svc")).unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("`.github/workflows/ci.yml`"),
        "the CI step `docker build` is not listed: {stderr}"
    );
    assert!(
        stderr.contains("`docker-compose.yml`"),
        "the Compose service that builds the image is not listed: {stderr}"
    );

    fs::remove_dir_all(cwd.path().join("svc")).unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &["-q"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn unsafe_overlay_paths_are_rejected() {
    type Prepare = fn(&Path);
    let cases: [(&str, Prepare); 13] = [
        ("must be a table with one string, `version`", |team| {
            fs::write(team.join("scaffold-templates.toml"), "scaffold = 1\n").unwrap()
        }),
        ("contains a control character", |team| {
            fs::write(team.join("two\nlines"), "x\n").unwrap()
        }),
        ("contains a backslash", |team| {
            fs::write(team.join("..\\..\\escaped.txt"), "x\n").unwrap()
        }),
        ("which scaffold writes itself", |team| {
            fs::write(team.join("scaffold.toml"), "[answers]\n").unwrap()
        }),
        ("must be a list of paths", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = \"docker-compose.yml\"\n",
            )
            .unwrap()
        }),
        ("`exclude` belongs above the [exported] table", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "[exported]\n\"Makefile\" = \"abc\"\nexclude = [\"docker-compose.yml\"]\n",
            )
            .unwrap()
        }),
        ("unknown key `excludes`", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "excludes = [\"docker-compose.yml\"]\n",
            )
            .unwrap()
        }),
        ("symbolic link to `", |team| {
            std::os::unix::fs::symlink("/etc/hostname", team.join("hostname")).unwrap()
        }),
        ("must be a relative path without `..`", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = [\"../outside\"]\n",
            )
            .unwrap()
        }),
        ("must be a relative path without `..`", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = [\"/etc/passwd\"]\n",
            )
            .unwrap()
        }),
        ("without which the project does not build", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = [\"go.sum\"]\n",
            )
            .unwrap()
        }),
        ("but the overlay also contains `Makefile`", |team| {
            fs::write(team.join("Makefile"), "build:\n").unwrap();
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = [\"Makefile\"]\n",
            )
            .unwrap()
        }),
        ("which is not a built-in template", |team| {
            fs::write(
                team.join("scaffold-templates.toml"),
                "exclude = [\"nope.txt\"]\n",
            )
            .unwrap()
        }),
    ];
    for (expected, prepare) in cases {
        let cwd = TempDir::new().unwrap();
        let team = cwd.path().join("team");
        fs::create_dir(&team).unwrap();
        prepare(&team);

        let (code, _, stderr) = new_with_team(cwd.path(), &[]);

        assert_eq!(code, 2, "{expected}: {stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(stderr.contains("invalid template overlay"), "{stderr}");
        assert!(project_files(cwd.path()).is_empty());
        assert!(!cwd.path().join("escaped.txt").exists());
    }
}

#[test]
fn file_and_folder_clash_fails_like_dry_run() {
    type Prepare = fn(&Path);
    let cases: [(&str, Prepare); 2] = [
        (
            "`internal` cannot be both a file and the folder of `internal/",
            |team| fs::write(team.join("internal"), "x\n").unwrap(),
        ),
        (
            "`go.mod` cannot be both a file and the folder of `go.mod/x`",
            |team| {
                fs::create_dir(team.join("go.mod")).unwrap();
                fs::write(team.join("go.mod/x"), "x\n").unwrap();
            },
        ),
    ];
    for (expected, prepare) in cases {
        let cwd = TempDir::new().unwrap();
        let team = cwd.path().join("team");
        fs::create_dir(&team).unwrap();
        prepare(&team);

        for extra in [&["--dry-run"][..], &[]] {
            let (code, _, stderr) = new_with_team(cwd.path(), extra);

            assert_eq!(code, 2, "{extra:?}: {stderr}");
            assert!(stderr.contains(expected), "{extra:?}: {stderr}");
            assert!(project_files(cwd.path()).is_empty());
        }
    }
}

#[test]
fn exclusion_is_recorded_for_answers() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(
        team.join("scaffold-templates.toml"),
        "exclude = [\"docker-compose.yml\", \"docker-compose.yml\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let manifest = fs::read_to_string(cwd.path().join("svc/scaffold.toml")).unwrap();
    assert!(
        manifest.contains("excluded = [\"docker-compose.yml\"]"),
        "{manifest}"
    );

    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &["new", "again", "--answers", "svc/scaffold.toml", "--no-git"],
    );

    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("1 file that a template overlay excluded (docker-compose.yml)"),
        "{stderr}"
    );
    assert!(!cwd.path().join("again").exists());
}

#[test]
fn missing_overlay_folder_is_reported_as_not_found() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("template overlay folder `"), "{stderr}");
    assert!(stderr.contains("team` not found"), "{stderr}");
    assert!(project_files(cwd.path()).is_empty());
}

#[test]
fn link_inside_overlay_is_followed() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(team.join("NOTICE.tmpl"), "Service {{ app_name }}\n").unwrap();
    std::os::unix::fs::symlink(team.join("NOTICE.tmpl"), team.join("NOTICE")).unwrap();

    let (code, _, stderr) = new_with_team(cwd.path(), &[]);

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(cwd.path().join("svc/NOTICE")).unwrap(),
        "Service svc\n"
    );
}

#[test]
fn overlay_from_environment_and_user_config() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(team.join("OWNER"), "{{ app_name }} team\n").unwrap();

    let (output, _, stderr) = run(scaffold(cwd.path())
        .args(["new", "a", "--no-git"])
        .env("SCAFFOLD_TEMPLATES", &team));
    assert!(output.status.success(), "{stderr}");
    assert!(cwd.path().join("a/OWNER").exists());

    assert_eq!(
        scaffold_in(
            cwd.path(),
            &["config", "set", "templates", team.to_str().unwrap()]
        )
        .0,
        0
    );
    assert_eq!(scaffold_in(cwd.path(), &["new", "b", "--no-git"]).0, 0);
    assert_eq!(
        fs::read_to_string(cwd.path().join("b/OWNER")).unwrap(),
        "b team\n"
    );
}

#[test]
fn export_rejects_unknown_paths_and_list_shows_all() {
    let cwd = TempDir::new().unwrap();

    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &[
            "templates",
            "export",
            "nope",
            "Dockerfile",
            "x/y",
            "--to",
            "team",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no built-in templates are named `nope`, `x/y`"),
        "{stderr}"
    );
    assert!(!cwd.path().join("team").exists());

    let (code, list, _) = scaffold_in(cwd.path(), &["templates", "list"]);
    assert_eq!(code, 0);
    for template in scaffold::templates::BUILT_IN {
        assert!(
            list.contains(template.path),
            "{} missing from the list",
            template.path
        );
    }
    let (code, vars, _) = scaffold_in(cwd.path(), &["templates", "vars"]);
    assert_eq!(code, 0);
    assert!(vars.contains("module_path"), "{vars}");
}

#[test]
fn unused_replacement_is_warned_about() {
    let cwd = TempDir::new().unwrap();
    export(cwd.path(), &["cmd/server/migrate.go"]);

    let (code, _, stderr) = new_with_team(cwd.path(), &["--db", "none"]);

    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: the overlay file `cmd/server/migrate.go` replaces a built-in template that this project does \
             not get, so it is left out too; that template is for projects with a SQL database"
        ),
        "{stderr}"
    );
    assert!(!cwd.path().join("svc/cmd/server/migrate.go").exists());

    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &["new", "sql", "--templates", "team", "--no-git"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("left out"), "{stderr}");

    // Recreating the project with the same overlay reports no difference for the file left out.
    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &[
            "new",
            "again",
            "--answers",
            "svc/scaffold.toml",
            "--templates",
            "team",
            "--no-git",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("the overlay differs"), "{stderr}");
}

#[test]
fn export_to_a_file_is_a_conflict() {
    let cwd = TempDir::new().unwrap();
    fs::write(cwd.path().join("Makefile"), "all:\n").unwrap();

    let (code, stdout, stderr) = scaffold_in(
        cwd.path(),
        &["templates", "export", "Dockerfile", "--to", "Makefile"],
    );

    assert_eq!(code, 73, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: `Makefile` already exists and is not a folder; nothing was written\n"
    );
    assert_eq!(
        fs::read_to_string(cwd.path().join("Makefile")).unwrap(),
        "all:\n"
    );

    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &["templates", "export", "Dockerfile", "--to", "Makefile/team"],
    );
    assert_eq!(code, 73, "{stderr}");
    assert_eq!(
        stderr,
        "error: `Makefile` already exists and is not a folder; nothing was written\n"
    );
}

#[test]
fn export_keeps_an_unreadable_manifest() {
    let cwd = TempDir::new().unwrap();
    let team = export(cwd.path(), &["Makefile"]);
    let manifest = team.join("scaffold-templates.toml");
    fs::write(&manifest, b"\xff\xfe[exported]\n").unwrap();

    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &[
            "templates",
            "export",
            "Dockerfile",
            "--to",
            "team",
            "--force",
        ],
    );

    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("scaffold-templates.toml`: it is not UTF-8 text"),
        "{stderr}"
    );
    assert_eq!(fs::read(&manifest).unwrap(), b"\xff\xfe[exported]\n");
    assert!(!team.join("Dockerfile").exists());
}

#[test]
fn quiet_export_prints_nothing() {
    let cwd = TempDir::new().unwrap();

    let (code, stdout, stderr) = scaffold_in(
        cwd.path(),
        &["-q", "templates", "export", "Makefile", "--to", "team"],
    );

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(cwd.path().join("team/Makefile").is_file());
}

#[test]
fn changed_overlay_with_answers_warns() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(team.join("NOTICE"), "Team {{ app_name }}\n").unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let again = ["--force", "--dry-run", "--answers", "svc/scaffold.toml"];

    let (code, _, stderr) = new_with_team(cwd.path(), &again);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "unchanged overlay: {stderr}");
    // Another name renders NOTICE differently, as the user asked.
    let (code, _, stderr) = scaffold_in(
        cwd.path(),
        &[
            "new",
            "other",
            "--templates",
            "team",
            "--no-git",
            "--dry-run",
            "--answers",
            "svc/scaffold.toml",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "another name: {stderr}");

    fs::write(team.join("NOTICE"), "Team {{ app_name }}, edited\n").unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &again);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("the overlay differs from the one the answers file records"),
        "{stderr}"
    );
    assert!(stderr.contains("rendered differently: NOTICE"), "{stderr}");

    fs::write(team.join("EXTRA"), "x\n").unwrap();
    fs::write(
        team.join("scaffold-templates.toml"),
        "exclude = [\"docker-compose.yml\"]\n",
    )
    .unwrap();
    let (code, _, stderr) = new_with_team(cwd.path(), &again);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("new in the overlay: EXTRA"), "{stderr}");
    assert!(
        stderr.contains("now excluded: docker-compose.yml"),
        "{stderr}"
    );
}

#[test]
fn overlong_path_fails_like_dry_run() {
    let cwd = TempDir::new().unwrap();
    let mut folder = cwd.path().join("team");
    for _ in 0..16 {
        folder.push("n".repeat(250));
    }
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("deep.txt"), "x\n").unwrap();
    let target = "p".repeat(200);

    for extra in [&["--dry-run"][..], &[]] {
        let mut args = vec!["new", target.as_str(), "--templates", "team", "--no-git"];
        args.extend_from_slice(extra);
        let (code, _, stderr) = scaffold_in(cwd.path(), &args);

        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(
            stderr.contains("Linux accepts 4095 bytes, and scaffold needs 32 of them"),
            "{stderr}"
        );
        assert!(!cwd.path().join(&target).exists());
    }
}
