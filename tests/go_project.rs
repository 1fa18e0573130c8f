//! Generates real projects and runs the Go toolchain on them: formatting, vet, module tidiness, a static build,
//! the generated test suite under the race detector, and the built server driven over HTTP on loopback.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;
use support::server::{Client, Server, build_server, free_port};
use support::{TempMysqlDatabase, TempPostgresDatabase, go_ok, run};
use tempfile::TempDir;

#[test]
fn sqlite_project_passes_go_checks() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(
        cwd.path(),
        &["billing", "--module", "example.com/acme/billing"],
    );
    let database_file = cwd.path().join("e2e.db");

    check_go_project(&project, &[]);
    drive_server(&project, Some(&database_file.to_string_lossy()));
}

#[test]
fn postgres_project_passes_go_checks() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "postgres"]);
    let tests_database = TempPostgresDatabase::create("scaffold_gotest");
    let server_database = TempPostgresDatabase::create("scaffold_e2e");

    check_go_project(&project, &[("TEST_DATABASE_URL", &tests_database.url)]);
    drive_server(&project, Some(&server_database.url));
}

/// MySQL projects are tested against whatever server `SCAFFOLD_TEST_MYSQL_URL` names; `.ci/run` starts Debian's
/// MariaDB, because Debian does not package MySQL.
#[test]
fn mysql_project_passes_go_checks() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "mysql"]);
    // The generated tests create one database per test, named after this one.
    let tests_database = TempMysqlDatabase::create("gotest");
    let server_database = TempMysqlDatabase::create("e2e");

    check_go_project(&project, &[("TEST_DATABASE_URL", &tests_database.url)]);
    drive_server(&project, Some(&server_database.url));
}

#[test]
fn none_project_passes_go_checks() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "none"]);
    assert!(
        !project.join("migrations").exists(),
        "a project without a database has no migrations folder"
    );

    check_go_project(&project, &[]);
    drive_server(&project, None);
}

/// Runs every static check and the generated test suite; `env` goes to `go test`.
fn check_go_project(project: &Path, env: &[(&str, &str)]) {
    let (gofmt, gofmt_out, gofmt_err) = run(Command::new(gofmt_path())
        .args(["-l", "."])
        .current_dir(project));
    assert!(gofmt.status.success(), "gofmt failed: {gofmt_err}");
    assert_eq!(gofmt_out, "", "gofmt -l lists unformatted files");

    go_ok(project, &["vet", "./..."], &[]);
    let tidy = go_ok(project, &["mod", "tidy", "-diff"], &[]);
    assert_eq!(tidy, "", "go mod tidy -diff reports changes");
    go_ok(project, &["build", "./..."], &[("CGO_ENABLED", "0")]);
    go_ok(project, &["test", "-race", "-count=1", "./..."], env);
}

fn gofmt_path() -> PathBuf {
    let goroot = go_ok(Path::new("."), &["env", "GOROOT"], &[]);
    Path::new(goroot.trim()).join("bin/gofmt")
}

/// Builds the server, migrates `database_url` up, down and up again, starts the server against it and exercises
/// every endpoint, then stops it with SIGTERM. `None` means the project has no database.
fn drive_server(project: &Path, database_url: Option<&str>) {
    let binary = build_server(project);
    if let Some(database_url) = database_url {
        for command in ["up", "down", "up"] {
            migrate(&binary, project, database_url, command);
        }
    }

    let port = free_port();
    let mut server = Server::start(&binary, project, port, database_url.unwrap_or_default());
    let base = format!("http://127.0.0.1:{port}");
    server.wait_until_healthy(&base);
    let client = Client::new();

    let (status, _) = client.send("GET", &format!("{base}/readyz"), None);
    assert_eq!(status, 200, "readyz");

    let ada = json!({"name": "Ada Lovelace", "email": "ada@example.com"});
    let (status, created) = client.send("POST", &format!("{base}/v1/users"), Some(&ada));
    assert_eq!(status, 201, "create: {created}");
    let id = created["id"]
        .as_i64()
        .expect("created user has a numeric id");
    assert_eq!(created["email"], "ada@example.com");

    let (status, problem) = client.send("POST", &format!("{base}/v1/users"), Some(&ada));
    assert_eq!(status, 409, "duplicate: {problem}");
    assert_eq!(problem["status"], 409);

    let invalid = json!({"name": "", "email": "not-an-email"});
    let (status, problem) = client.send("POST", &format!("{base}/v1/users"), Some(&invalid));
    assert_eq!(status, 422, "invalid: {problem}");
    assert!(
        problem["errors"]
            .as_array()
            .is_some_and(|errors| errors.len() == 2),
        "invalid: {problem}"
    );

    let user_url = format!("{base}/v1/users/{id}");
    let (status, fetched) = client.send("GET", &user_url, None);
    assert_eq!(status, 200, "get: {fetched}");
    assert_eq!(fetched["name"], "Ada Lovelace");

    let (status, list) = client.send("GET", &format!("{base}/v1/users?limit=10"), None);
    assert_eq!(status, 200, "list: {list}");
    assert_eq!(
        list["users"].as_array().map(Vec::len),
        Some(1),
        "list: {list}"
    );

    let renamed = json!({"name": "Ada King", "email": "ada@example.com"});
    let (status, updated) = client.send("PUT", &user_url, Some(&renamed));
    assert_eq!(status, 200, "update: {updated}");
    assert_eq!(updated["name"], "Ada King");

    let (status, _) = client.send("DELETE", &user_url, None);
    assert_eq!(status, 204, "delete");
    let (status, problem) = client.send("GET", &user_url, None);
    assert_eq!(status, 404, "get after delete: {problem}");

    let code = server.terminate();
    assert_eq!(
        code,
        Some(0),
        "the server should exit 0 after SIGTERM\n{}",
        server.logs()
    );
}

fn migrate(binary: &Path, project: &Path, database_url: &str, command: &str) {
    let (output, stdout, stderr) = run(Command::new(binary)
        .args(["migrate", command])
        .current_dir(project)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::null()));
    assert!(
        output.status.success(),
        "`server migrate {command}` failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("00001_create_users.sql"),
        "`server migrate {command}` did not report the migration: {stdout}"
    );
}
