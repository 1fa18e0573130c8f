//! `scaffold new` driven through a pseudo-terminal, as a person at a keyboard would use it.

mod support;

use std::fs;
use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use support::{assert_same_files, isolate_config, isolate_git, run, tree};
use tempfile::TempDir;

const TIMEOUT_MS: u64 = 15_000;
const ARROW_DOWN: &str = "\x1b[B";
const ESCAPE: &str = "\x1b";
const ARROW_LEFT: &str = "\x1b[D";
const END: &str = "\x1b[F";
const DELETE: &str = "\x1b[3~";

fn spawn(cwd: &Path, args: &[&str]) -> PtySession {
    spawn_with_env(cwd, args, &[])
}

fn spawn_with_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scaffold"));
    command
        .current_dir(cwd)
        .arg("new")
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    isolate_git(&mut command, cwd);
    isolate_config(&mut command, cwd);
    spawn_command(command, Some(TIMEOUT_MS)).expect("failed to start scaffold in a pseudo-terminal")
}

fn exit_code(session: &PtySession) -> i32 {
    match session.process().wait().expect("wait for scaffold") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("scaffold did not exit normally: {other:?}"),
    }
}

fn written(cwd: &Path) -> Vec<String> {
    tree(cwd)
        .into_iter()
        .filter(|entry| !entry.starts_with(".test-gitconfig") && !entry.starts_with(".config"))
        .collect()
}

/// The prompts of a full run, in order, with the keys that answer each.
const PROMPTS: [(&str, &str); 5] = [
    ("Project folder", "billing\r"),
    ("Go module path", "github.com/acme/billing\r"),
    ("Database", "\r"),
    ("Create a git repository", "n"),
    ("Create the project?", "y"),
];

#[test]
fn full_run_then_equivalent_command() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &[]);

    session.exp_string("Project folder").unwrap();
    press(&mut session, "billing\r");
    session.exp_string("Go module path").unwrap();
    press(&mut session, "has space\r");
    session
        .exp_string("invalid module path `has space`: it contains a space")
        .unwrap();
    press(&mut session, "github.com/acme/billing\r");
    session.exp_string("Database").unwrap();
    press(&mut session, ARROW_DOWN);
    press(&mut session, "\r");
    session.exp_string("Create a git repository").unwrap();
    press(&mut session, "n");
    session
        .exp_string("module    github.com/acme/billing")
        .unwrap();
    session.exp_string("database  postgres").unwrap();
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    let command = read_equivalent_command(&mut session);

    assert_eq!(
        command,
        "scaffold new billing --module github.com/acme/billing --db postgres --no-git --yes"
    );
    let first = cwd.path().join("billing");
    assert!(first.join("go.mod").is_file());
    assert!(!first.join(".git").exists());

    assert_command_recreates(&command, &first);
}

#[test]
fn module_prompt_default_for_any_folder() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["Foo Bar"]);

    session.exp_string("Go module path").unwrap();
    session.exp_string("example.com/foo-bar").unwrap();
    press(&mut session, "\r");
    session.exp_string("Database").unwrap();
    press(&mut session, "\r");
    session.exp_string("Create a git repository").unwrap();
    press(&mut session, "n");
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    read_equivalent_command(&mut session);

    let go_mod = std::fs::read_to_string(cwd.path().join("Foo Bar/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module example.com/foo-bar\n"),
        "{go_mod}"
    );
}

#[test]
fn module_path_target_skips_module_prompt() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["example.com/acme/billing"]);

    // The first question is the database: the module came with TARGET.
    session.exp_string("Database").unwrap();
    press(&mut session, "\r");
    session.exp_string("Create a git repository").unwrap();
    press(&mut session, "n");
    session
        .exp_string("module    example.com/acme/billing")
        .unwrap();
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    read_equivalent_command(&mut session);

    let go_mod = std::fs::read_to_string(cwd.path().join("billing/go.mod")).unwrap();
    assert!(
        go_mod.starts_with("module example.com/acme/billing\n"),
        "{go_mod}"
    );
}

#[test]
fn equivalent_command_keeps_force_and_dash_folder() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["--force", "--no-git", "--db", "none"]);

    session.exp_string("Project folder").unwrap();
    press(&mut session, "-z\r");
    session.exp_string("Go module path").unwrap();
    press(&mut session, "example.com/z\r");
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    let command = read_equivalent_command(&mut session);

    assert_eq!(
        command,
        "scaffold new ./-z --module example.com/z --db none --no-git --force --yes"
    );
    assert_command_recreates(&command, &cwd.path().join("-z"));
}

#[test]
fn equivalent_command_keeps_the_overlay() {
    let cwd = TempDir::new().unwrap();
    let team = cwd.path().join("team");
    fs::create_dir(&team).unwrap();
    fs::write(team.join("CODEOWNERS"), "* @acme/{{ team }}\n").unwrap();
    let team_arg = team.to_str().unwrap();
    let args = [
        "billing",
        "--db",
        "sqlite",
        "--no-git",
        "--templates",
        team_arg,
        "--set",
        "team=pay ments",
    ];
    let mut session = spawn(cwd.path(), &args);
    session.exp_string("Go module path").unwrap();
    press(&mut session, "\r");
    session
        .exp_string(&format!("templates {team_arg}"))
        .unwrap();
    session.exp_string("set       team=pay ments").unwrap();
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    let command = read_equivalent_command(&mut session);

    assert!(
        command.contains(&format!("--templates {team_arg}")),
        "{command}"
    );
    assert!(command.contains("--set 'team=pay ments'"), "{command}");
    let first = cwd.path().join("billing");
    assert_eq!(
        fs::read_to_string(first.join("CODEOWNERS")).unwrap(),
        "* @acme/pay ments\n"
    );
    assert_command_recreates(&command, &first);
}

#[test]
fn ctrl_c_at_each_prompt_writes_nothing() {
    stop_at_each_prompt("Ctrl-C", |session| session.send_control('c').unwrap());
}

#[test]
fn escape_at_each_prompt_writes_nothing() {
    stop_at_each_prompt("Esc", |session| press(session, ESCAPE));
}

/// Answers the prompts up to each one in turn, presses `stop` there, and checks that scaffold exits 130 with
/// nothing written.
fn stop_at_each_prompt(key: &str, stop: impl Fn(&mut PtySession)) {
    for stop_at in 0..PROMPTS.len() {
        let cwd = TempDir::new().unwrap();
        let mut session = spawn(cwd.path(), &[]);
        for (prompt, keys) in &PROMPTS[..stop_at] {
            session.exp_string(prompt).unwrap();
            press(&mut session, keys);
        }
        session.exp_string(PROMPTS[stop_at].0).unwrap();
        stop(&mut session);
        let output = session.exp_eof().unwrap();

        assert_eq!(
            exit_code(&session),
            130,
            "{key} at {:?}: {output}",
            PROMPTS[stop_at].0
        );
        assert!(
            output.contains("interrupted; nothing was written"),
            "{key} at {:?}: {output}",
            PROMPTS[stop_at].0
        );
        assert!(
            written(cwd.path()).is_empty(),
            "{key} at {:?} wrote {:?}",
            PROMPTS[stop_at].0,
            written(cwd.path())
        );
    }
}

#[test]
fn non_empty_folder_argument_fails_first() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("repo")).unwrap();
    fs::write(cwd.path().join("repo/notes.txt"), "keep\n").unwrap();
    let mut session = spawn(cwd.path(), &["repo"]);
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 73, "{output}");
    assert!(
        output.contains("already exists and is not empty"),
        "{output}"
    );
    assert!(
        !output.contains("Go module path"),
        "asked before failing: {output}"
    );
    assert_eq!(
        fs::read_to_string(cwd.path().join("repo/notes.txt")).unwrap(),
        "keep\n"
    );
}

#[test]
fn invalid_environment_fails_before_asking() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn_with_env(cwd.path(), &[], &[("SCAFFOLD_DB", "oracle")]);
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 2, "{output}");
    assert!(output.contains("unknown database `oracle`"), "{output}");
    assert!(
        !output.contains("missing"),
        "the folder would be asked for, so it is not missing: {output}"
    );
    assert!(written(cwd.path()).is_empty());
}

#[test]
fn answers_from_a_terminal_are_refused() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["--answers", "-"]);
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 2, "{output}");
    assert!(
        output.contains(
            "`--answers -` reads the answers file from standard input, which is a terminal"
        ),
        "{output}"
    );
    assert!(written(cwd.path()).is_empty());
}

#[test]
fn non_empty_folder_is_asked_again() {
    let cwd = TempDir::new().unwrap();
    fs::create_dir(cwd.path().join("repo")).unwrap();
    fs::write(cwd.path().join("repo/notes.txt"), "keep\n").unwrap();
    let mut session = spawn(cwd.path(), &[]);

    session.exp_string("Project folder").unwrap();
    press(&mut session, "repo\r");
    session
        .exp_string("already exists and is not empty; choose another folder")
        .unwrap();
    press(&mut session, "fresh\r");
    session.exp_string("Go module path").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 130);
    assert_eq!(
        fs::read_to_string(cwd.path().join("repo/notes.txt")).unwrap(),
        "keep\n"
    );
    assert!(!cwd.path().join("fresh").exists());
}

#[test]
fn invalid_folder_is_asked_again() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["--force"]);

    // Each of these passed the prompt once and failed only after the confirmation, even with --force.
    session.exp_string("Project folder").unwrap();
    press(&mut session, "~/billing\r");
    session
        .exp_string("is the home folder only to a shell")
        .unwrap();
    press(&mut session, &format!("{}\r", "n".repeat(256)));
    session.exp_string("bytes").unwrap();
    press(&mut session, "fresh\r");
    session.exp_string("Go module path").unwrap();
    session.send_control('c').unwrap();
    session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 130);
    assert!(written(cwd.path()).is_empty());
}

#[test]
fn text_prompt_edits_at_the_cursor() {
    let cwd = TempDir::new().unwrap();
    let args = [
        "--module",
        "example.com/billing",
        "--db",
        "sqlite",
        "--no-git",
    ];
    let mut session = spawn(cwd.path(), &args);
    session.exp_string("Project folder").unwrap();
    // Type "bilxng", delete the x with Backspace, move left past "ng", insert "li", then go to the end and
    // delete nothing with Delete before Enter: the folder is "billing".
    press(&mut session, "bilx\x7fng");
    press(&mut session, &ARROW_LEFT.repeat(2));
    press(&mut session, "li");
    press(&mut session, END);
    press(&mut session, DELETE);
    // Ctrl-A, "x", Ctrl-U: the x typed at the start is deleted again.
    press(&mut session, "\u{1}x\u{15}");
    press(&mut session, "\r");
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "y");
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 0, "{output}");
    assert!(cwd.path().join("billing/go.mod").is_file(), "{output}");
}

#[test]
fn declining_confirmation_writes_nothing() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["billing", "--db", "sqlite", "--no-git"]);
    session.exp_string("Go module path").unwrap();
    press(&mut session, "\r");
    session.exp_string("Create the project?").unwrap();
    press(&mut session, "n");
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 130);
    assert!(
        output.contains("cancelled; nothing was written"),
        "{output}"
    );
    assert!(written(cwd.path()).is_empty());
}

#[test]
fn yes_never_prompts_on_a_terminal() {
    let cwd = TempDir::new().unwrap();
    let mut session = spawn(cwd.path(), &["billing", "--yes", "--no-git"]);
    let output = session.exp_eof().unwrap();

    assert_eq!(exit_code(&session), 0, "{output}");
    assert!(output.contains("created billing"), "{output}");
}

/// Reads the equivalent command that an interactive run prints last, and checks that scaffold then exits 0.
fn read_equivalent_command(session: &mut PtySession) -> String {
    session
        .exp_string("to create the same project without questions:")
        .unwrap();
    let command = loop {
        let line = session.read_line().unwrap();
        if !line.trim().is_empty() {
            break line.trim().to_owned();
        }
    };
    session.exp_eof().unwrap();
    assert_eq!(exit_code(session), 0);
    command
}

/// Runs `command` through a shell in a new folder and checks that it writes the same files as `project`.
fn assert_command_recreates(command: &str, project: &Path) {
    let again = TempDir::new().unwrap();
    let shell_command = command.replacen("scaffold", env!("CARGO_BIN_EXE_scaffold"), 1);
    let (output, _, stderr) = run(Command::new("sh")
        .arg("-c")
        .arg(&shell_command)
        .current_dir(again.path()));
    assert!(output.status.success(), "{shell_command}: {stderr}");
    let name = project.file_name().unwrap();
    assert_same_files(project, &again.path().join(name));
}

/// Sends keys and flushes them, since the session buffers its writes.
fn press(session: &mut PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

#[test]
fn stderr_redirected_means_no_questions() {
    let cwd = TempDir::new().unwrap();
    let mut command = Command::new("sh");
    command
        .current_dir(cwd.path())
        .args(["-c", "exec \"$0\" new 2>err.log; echo unreachable"])
        .arg(env!("CARGO_BIN_EXE_scaffold"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    isolate_git(&mut command, cwd.path());
    isolate_config(&mut command, cwd.path());
    let mut session = spawn_command(command, Some(TIMEOUT_MS)).unwrap();

    // stdin and stdout are the pseudo-terminal, stderr a file: the prompts could not be seen, so none is shown.
    // A prompt reading keys from the file once spun forever, so the wait is bounded.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(TIMEOUT_MS);
    let status = loop {
        match session.process().status() {
            Some(WaitStatus::StillAlive) | None => {}
            Some(status) => break status,
        }
        if std::time::Instant::now() > deadline {
            // SIGTERM first; the spinning prompt ignored it, so SIGKILL follows after 1 s.
            session.process_mut().set_kill_timeout(Some(1_000));
            let _ = session.process_mut().exit();
            panic!("scaffold is still running with stderr redirected");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(matches!(status, WaitStatus::Exited(_, 2)), "{status:?}");
    let stderr = fs::read_to_string(cwd.path().join("err.log")).unwrap();
    assert!(
        stderr.contains("missing project folder: pass it as the TARGET argument"),
        "{stderr}"
    );
    assert_eq!(written(cwd.path()), vec!["err.log".to_owned()]);
}
