//! Generates real projects and runs the Go toolchain on them. The checks are formatting, vet, staticcheck, gosec,
//! module tidiness and a static build. Then the generated tests run under the race detector with a coverage floor,
//! the fuzz test runs briefly, each benchmark runs once, and the built server is driven over HTTP on loopback.

mod support;

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{TempPostgresDatabase, go_ok, run};
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
    drive_server(&project, &database_file.to_string_lossy());
}

#[test]
fn postgres_project_passes_go_checks() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "postgres"]);
    let tests_database = TempPostgresDatabase::create("scaffold_gotest");
    let server_database = TempPostgresDatabase::create("scaffold_e2e");

    check_go_project(&project, &[("TEST_DATABASE_URL", &tests_database.url)]);
    drive_server(&project, &server_database.url);
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

/// Runs staticcheck and gosec, which must report nothing. gosec runs with every rule on test files too; a
/// `#nosec` comment must name the rule and give a reason after `--`.
fn check_linters(project: &Path) {
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

/// Builds the server, starts it against `database_url` and exercises every endpoint, then stops it with SIGTERM.
fn drive_server(project: &Path, database_url: &str) {
    let binary = project.join("bin/server");
    go_ok(
        project,
        &["build", "-o", binary.to_str().unwrap(), "./cmd/server"],
        &[("CGO_ENABLED", "0")],
    );

    let port = free_port();
    let mut server = Server::start(&binary, project, port, database_url);
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
        .env("DATABASE_URL", database_url)
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
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert_eq!(
        healthcheck.status.code(),
        Some(1),
        "`server healthcheck` should exit 1 when no server answers"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server process whose output goes to a log file, killed on drop if still running.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(binary: &Path, project: &Path, port: u16, database_url: &str) -> Self {
        let log = project.join("server.log");
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(binary)
            .current_dir(project)
            .env("PORT", port.to_string())
            .env("DATABASE_URL", database_url)
            .env("LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("failed to start the built server");
        Self { child, log }
    }

    fn wait_until_healthy(&mut self, base: &str) {
        let client = Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited with {status} before becoming healthy\n{}",
                    self.logs()
                );
            }
            if client.try_status(&format!("{base}/healthz")) == Some(200) {
                return;
            }
            sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not answer /healthz within 30 s\n{}",
            self.logs()
        );
    }

    /// Sends SIGTERM and waits up to 20 s for the exit code.
    fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not exit within 20 s of SIGTERM\n{}",
            self.logs()
        );
    }

    fn logs(&self) -> String {
        format!(
            "server log:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A small JSON-over-HTTP client that returns every status instead of treating 4xx and 5xx as errors.
struct Client(ureq::Agent);

impl Client {
    fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        Self(config.into())
    }

    fn send(&self, method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
        let mut response = match (method, body) {
            ("GET", None) => self.0.get(url).call(),
            ("DELETE", None) => self.0.delete(url).call(),
            ("POST", Some(body)) => self
                .0
                .post(url)
                .content_type("application/json")
                .send(body.to_string()),
            ("PUT", Some(body)) => self
                .0
                .put(url)
                .content_type("application/json")
                .send(body.to_string()),
            _ => panic!("unsupported request {method} {url}"),
        }
        .unwrap_or_else(|error| panic!("{method} {url} failed: {error}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap();
        let value = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{method} {url}: invalid JSON {text:?}: {error}"))
        };
        (status, value)
    }

    /// Sends GET and returns the status, the headers with lowercase names, and the body as text.
    fn get_text(&self, url: &str) -> (u16, HashMap<String, String>, String) {
        let mut response = self
            .0
            .get(url)
            .call()
            .unwrap_or_else(|error| panic!("GET {url} failed: {error}"));
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let text = response.body_mut().read_to_string().unwrap();
        (response.status().as_u16(), headers, text)
    }

    fn try_status(&self, url: &str) -> Option<u16> {
        self.0
            .get(url)
            .call()
            .ok()
            .map(|response| response.status().as_u16())
    }
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
