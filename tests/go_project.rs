//! Generates real projects and runs the Go toolchain on them. The checks are formatting, vet, staticcheck, gosec,
//! actionlint on the CI workflow, module tidiness and a static build. Then the generated tests run under the race detector with a coverage floor,
//! the fuzz test runs briefly, each benchmark runs once, and the built server is driven over HTTP on loopback.

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
    check_ci_requires_database(&project);
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
    check_ci_requires_database(&project);

    // Each test database is named after TEST_DATABASE_URL's plus 18 characters, so a name near MySQL's limit of
    // 64 must be cut first.
    let long_database = TempMysqlDatabase::create("a_name_long_enough_to_pass_the_limit");
    assert!(long_database.name.len() + 18 > 64, "{}", long_database.name);
    go_ok(
        &project,
        &[
            "test",
            "-count=1",
            "-run=TestUsersCreateAndGet",
            "./internal/repository",
        ],
        &[("TEST_DATABASE_URL", &long_database.url)],
    );
}

/// Checks that the database tests skip without `TEST_DATABASE_URL` (here with `CI=false`), but fail when `CI` is
/// true, so that a CI job without a database cannot pass.
fn check_ci_requires_database(project: &Path) {
    let test = [
        "test",
        "-count=1",
        "-v",
        "-run=TestUsersCreateAndGet",
        "./internal/repository",
    ];
    let mut local = support::go();
    local
        .current_dir(project)
        .args(test)
        .env_remove("TEST_DATABASE_URL")
        .env("CI", "false");
    let (output, stdout, stderr) = run(&mut local);
    assert!(output.status.success(), "with CI=false: {stdout}{stderr}");
    assert!(
        stdout.contains("--- SKIP"),
        "with CI=false the tests skip: {stdout}"
    );

    let mut ci = support::go();
    ci.current_dir(project)
        .args(test)
        .env_remove("TEST_DATABASE_URL")
        .env("CI", "true");
    let (output, stdout, stderr) = run(&mut ci);
    assert!(
        !output.status.success(),
        "with CI the tests fail: {stdout}{stderr}"
    );
    assert!(
        stdout.contains("TEST_DATABASE_URL is not set, and CI is set"),
        "{stdout}{stderr}"
    );
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

/// Packages whose statement coverage under the generated tests must reach [`MIN_COVERAGE_PERCENT`].
const COVERED_PACKAGES: &[&str] = &["internal/api", "internal/service"];
const MIN_COVERAGE_PERCENT: f64 = 80.0;

/// Runs every static check, the generated test suite with coverage, a short fuzz run and the benchmarks once;
/// `env` goes to `go test`.
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
    check_linters(project);

    let profile = project.join("cover.out");
    let profile_arg = format!("-coverprofile={}", profile.display());
    go_ok(
        project,
        &["test", "-race", "-count=1", &profile_arg, "./..."],
        env,
    );
    let coverage = package_coverage(&std::fs::read_to_string(&profile).unwrap());
    for package in COVERED_PACKAGES {
        let percent = coverage
            .iter()
            .find(|(dir, _)| dir.ends_with(&format!("/{package}")))
            .map(|(_, percent)| *percent)
            .unwrap_or_else(|| panic!("cover.out has no statements of {package}: {coverage:?}"));
        assert!(
            percent >= MIN_COVERAGE_PERCENT,
            "{package} coverage is {percent:.1}%, below {MIN_COVERAGE_PERCENT}%"
        );
    }

    go_ok(
        project,
        &[
            "test",
            "-run=^$",
            "-fuzz=FuzzCreateUser",
            "-fuzztime=5s",
            "./internal/api",
        ],
        &[],
    );
    go_ok(
        project,
        &["test", "-run=^$", "-bench=.", "-benchtime=1x", "./..."],
        &[],
    );
}

/// Runs staticcheck, gosec and actionlint, which must report nothing. gosec runs with every rule on test files
/// too; a `#nosec` comment must name the rule and give a reason after `--`. actionlint checks the CI workflow's
/// syntax, expressions and runner labels; the inputs of actions pinned by commit it cannot check.
fn check_linters(project: &Path) {
    let (actionlint, out, err) = run(Command::new(go_tool("actionlint"))
        .arg(".github/workflows/ci.yml")
        .current_dir(project));
    assert!(
        actionlint.status.success(),
        "actionlint reports findings:\n{out}{err}"
    );

    let (staticcheck, out, err) = run(Command::new(go_tool("staticcheck"))
        .arg("./...")
        .current_dir(project));
    assert!(
        staticcheck.status.success() && out.is_empty(),
        "staticcheck reports findings:\n{out}{err}"
    );

    let (gosec, out, err) = run(Command::new(go_tool("gosec"))
        .args(["-quiet", "-tests", "./..."])
        .current_dir(project));
    assert!(
        gosec.status.success(),
        "gosec reports findings:\n{out}{err}"
    );

    for (path, line) in go_source_lines(project) {
        if let Some((_, suppression)) = line.split_once("#nosec") {
            let (rules, reason) = suppression.split_once("--").unwrap_or((suppression, ""));
            assert!(
                rules.trim().starts_with('G') && !reason.trim().is_empty(),
                "{path}: `#nosec` must name the rule and give a reason after `--`: {line}"
            );
        }
    }
}

/// Finds a Go tool that `.ci/run` installs with `go install`: on `PATH`, else in `$(go env GOPATH)/bin`.
fn go_tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    if let Some(path) = on_path {
        return path;
    }
    let gopath = go_ok(Path::new("."), &["env", "GOPATH"], &[]);
    let installed = gopath
        .trim()
        .split(':')
        .map(|dir| Path::new(dir).join("bin").join(name))
        .find(|candidate| candidate.is_file());
    installed.unwrap_or_else(|| {
        panic!(
            "`{name}` is required for this test but is neither on PATH nor in $(go env GOPATH)/bin; .ci/run \
             installs it with `go install`, or run `source .ci/services.sh && install_go_tools`"
        )
    })
}

/// Returns every line of every `.go` file under `root` with the file's path.
fn go_source_lines(root: &Path) -> Vec<(String, String)> {
    support::tree(root)
        .into_iter()
        .filter(|path| path.ends_with(".go"))
        .flat_map(|path| {
            let text = std::fs::read_to_string(root.join(&path)).unwrap();
            text.lines()
                .map(|line| (path.clone(), line.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Computes the statement coverage of each package folder from a Go coverage profile, as `go tool cover` does:
/// covered statements over all statements. A block listed more than once counts as covered when any entry is.
fn package_coverage(profile: &str) -> Vec<(String, f64)> {
    use std::collections::BTreeMap;

    let mut blocks: BTreeMap<&str, (u64, bool)> = BTreeMap::new();
    for line in profile.lines().skip_while(|line| line.starts_with("mode:")) {
        let mut fields = line.rsplitn(3, ' ');
        let (Some(count), Some(statements), Some(block)) =
            (fields.next(), fields.next(), fields.next())
        else {
            panic!("malformed coverage line {line:?}");
        };
        let statements: u64 = statements.parse().expect("statement count");
        let covered = count != "0";
        let entry = blocks.entry(block).or_insert((statements, false));
        entry.1 |= covered;
    }

    let mut packages: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (block, (statements, covered)) in blocks {
        let file = block.split_once(':').expect("file:range").0;
        let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
        let totals = packages.entry(dir).or_default();
        totals.0 += statements;
        if covered {
            totals.1 += statements;
        }
    }
    packages
        .into_iter()
        .map(|(dir, (total, covered))| (dir, covered as f64 * 100.0 / total.max(1) as f64))
        .collect()
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

    let (status, headers, document) = client.get_text(&format!("{base}/openapi.yaml"));
    assert_eq!(status, 200, "openapi.yaml");
    assert!(
        document.starts_with("openapi: 3.1."),
        "openapi.yaml: {document}"
    );
    assert_eq!(
        headers.get("x-content-type-options").map(String::as_str),
        Some("nosniff"),
        "security headers: {headers:?}"
    );
    assert!(
        headers.contains_key("x-request-id"),
        "X-Request-ID: {headers:?}"
    );

    let healthcheck = Command::new(&binary)
        .arg("healthcheck")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", database_url.unwrap_or_default())
        .output()
        .unwrap();
    assert!(
        healthcheck.status.success(),
        "`server healthcheck` failed against the running server: {}",
        String::from_utf8_lossy(&healthcheck.stderr)
    );

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

    let healthcheck = Command::new(&binary)
        .arg("healthcheck")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", database_url.unwrap_or_default())
        .output()
        .unwrap();
    assert_eq!(
        healthcheck.status.code(),
        Some(1),
        "`server healthcheck` should exit 1 when no server answers"
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

#[test]
fn package_coverage_merges_blocks() {
    let profile = "mode: atomic\n\
        m/internal/api/a.go:1.1,2.2 3 1\n\
        m/internal/api/a.go:3.1,4.2 1 0\n\
        m/internal/api/a.go:3.1,4.2 1 2\n\
        m/internal/service/s.go:1.1,2.2 3 0\n\
        m/internal/service/s.go:3.1,4.2 1 5\n";

    let coverage = package_coverage(profile);

    assert_eq!(
        coverage,
        [
            ("m/internal/api".to_owned(), 100.0),
            ("m/internal/service".to_owned(), 25.0)
        ]
    );
}
