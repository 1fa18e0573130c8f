//! Helpers shared by the integration tests: running the binary, the Go toolchain and the test PostgreSQL and
//! MariaDB servers.
#![allow(dead_code)]

pub mod go_server;
pub mod pg_instance;
pub mod raw_http;
pub mod server;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Environment variable with the URL of a PostgreSQL server the tests may create databases on; `.ci/run` sets it.
pub const POSTGRES_URL_VAR: &str = "SCAFFOLD_TEST_POSTGRES_URL";

/// Environment variable with a `mysql://user:password@host:port/name` URL of a MySQL or MariaDB server, set by
/// `.ci/run`. Its user must be allowed to create databases whose names start with `name`.
pub const MYSQL_URL_VAR: &str = "SCAFFOLD_TEST_MYSQL_URL";

/// Returns a command for the `scaffold` binary with git isolated from the developer's configuration.
pub fn scaffold(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scaffold"));
    command.current_dir(cwd).stdin(Stdio::null());
    isolate_git(&mut command, cwd);
    isolate_config(&mut command, cwd);
    command
}

/// Points the user config at `home/.config` and clears every `SCAFFOLD_` variable, so the developer's own
/// defaults never leak into a test.
pub fn isolate_config(command: &mut Command, home: &Path) {
    command
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("HOME", home);
    for (key, _) in std::env::vars() {
        if key.starts_with("SCAFFOLD_") {
            command.env_remove(key);
        }
    }
}

/// Points git at an empty global configuration with a fixed identity, so tests never depend on the machine.
pub fn isolate_git(command: &mut Command, home: &Path) {
    let config = home.join(".test-gitconfig");
    if !config.exists() {
        fs::write(
            &config,
            "[user]\n\tname = Scaffold Test\n\temail = test@example.com\n",
        )
        .unwrap();
    }
    command
        .env("GIT_CONFIG_GLOBAL", &config)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE");
}

/// Runs `command` and returns its output, with stdout and stderr decoded.
pub fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().expect("failed to start the command");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

/// Runs `scaffold new ARGS --no-git` in `cwd`, asserts success and returns the project folder.
pub fn generate(cwd: &Path, args: &[&str]) -> PathBuf {
    let (output, stdout, stderr) = run(scaffold(cwd).arg("new").args(args).arg("--no-git"));
    assert!(
        output.status.success(),
        "scaffold new {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let target = args.first().expect("a target argument");
    let folder = target.rsplit('/').next().unwrap();
    let path = if Path::new(target).is_absolute() || target.starts_with('.') {
        cwd.join(target)
    } else {
        cwd.join(folder)
    };
    assert!(path.is_dir(), "{} was not created", path.display());
    path
}

/// Lists every file and folder under `root`, relative and sorted, for asserting what a run wrote.
pub fn tree(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Asserts that two folders hold the same files with the same bytes.
pub fn assert_same_files(a: &Path, b: &Path) {
    let files = tree(a);
    assert_eq!(files, tree(b), "the file trees differ");
    for file in files.iter().filter(|file| !file.ends_with('/')) {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() && !path.is_symlink() {
            out.push(format!("{relative}/"));
            walk(root, &path, out);
        } else {
            out.push(relative);
        }
    }
}

/// Returns the `go` command, failing the test with instructions when Go is not installed.
pub fn go() -> Command {
    let probe = Command::new("go").arg("version").output();
    match probe {
        Ok(output) if output.status.success() => {}
        _ => panic!(
            "the Go toolchain is required for this test but `go version` failed; install Go {} or newer, or run \
             .ci/run, which checks the whole setup",
            scaffold::context::GO_VERSION
        ),
    }
    let mut command = Command::new("go");
    command
        .env("GOFLAGS", "-mod=readonly")
        .env("GOTOOLCHAIN", "local")
        .stdin(Stdio::null());
    command
}

/// Runs `go ARGS` in `project`, asserting success, and returns stdout.
pub fn go_ok(project: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = go();
    command.current_dir(project).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let (output, stdout, stderr) = run(&mut command);
    assert!(
        output.status.success(),
        "`go {}` failed in {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        args.join(" "),
        project.display()
    );
    stdout
}

/// Returns the test PostgreSQL server's URL, failing the test with instructions when it is not configured.
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set; these tests need a PostgreSQL server whose role may create databases. \
             Run .ci/run, or `source .ci/services.sh && install_debian_packages && start_postgres` before cargo test"
        )
    })
}

/// A database created for one test on the test server and dropped when this value is dropped.
pub struct TempPostgresDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl TempPostgresDatabase {
    pub fn create(prefix: &str) -> Self {
        let admin_url = postgres_url();
        let name = format!("{prefix}_{}_{}", std::process::id(), unique_suffix());
        psql(&admin_url, &format!("CREATE DATABASE {name}"));
        let url = replace_database(&admin_url, &name);
        Self {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for TempPostgresDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .arg(&self.admin_url)
            .args([
                "-q",
                "-c",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            ])
            .stdin(Stdio::null())
            .output();
    }
}

fn psql(url: &str, sql: &str) {
    let output = Command::new("psql")
        .arg(url)
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .stdin(Stdio::null())
        .output()
        .expect(
            "psql is required for the PostgreSQL tests; run .ci/run or install postgresql-client",
        );
    assert!(
        output.status.success(),
        "psql `{sql}` failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Swaps the database name in a `postgres://user:pass@host:port/name?query` URL.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(base, query)| (base, Some(query)));
    let slash = base
        .rfind('/')
        .expect("the PostgreSQL URL has no database name");
    let mut out = format!("{}/{name}", &base[..slash]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

/// Returns the test MySQL or MariaDB server's URL, failing the test with instructions when it is not configured.
pub fn mysql_url() -> String {
    std::env::var(MYSQL_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{MYSQL_URL_VAR} is not set; these tests need a MySQL or MariaDB server whose user may create \
             databases. Run .ci/run, or `source .ci/services.sh && install_debian_packages && start_mariadb` \
             before cargo test"
        )
    })
}

/// A database created for one test on the test MySQL or MariaDB server and dropped when this value is dropped.
/// Its name starts with the name in the server's URL, so a user granted databases by that prefix may create it.
pub struct TempMysqlDatabase {
    server: MysqlUrl,
    pub name: String,
    pub url: String,
}

impl TempMysqlDatabase {
    pub fn create(suffix: &str) -> Self {
        let server = MysqlUrl::parse(&mysql_url());
        let name = format!(
            "{}_{suffix}_{}_{}",
            server.database,
            std::process::id(),
            unique_suffix()
        );
        server.execute(&format!("CREATE DATABASE `{name}`"));
        let url = server.with_database(&name);
        Self { server, name, url }
    }
}

impl Drop for TempMysqlDatabase {
    fn drop(&mut self) {
        let _ = self
            .server
            .client()
            .args(["-e", &format!("DROP DATABASE IF EXISTS `{}`", self.name)])
            .output();
    }
}

/// The parts of a `mysql://user:password@host:port/name` URL that the `mariadb` client needs. Percent-escapes are
/// not decoded, so the test URL must not need them.
struct MysqlUrl {
    user: String,
    password: String,
    host: String,
    port: String,
    database: String,
}

impl MysqlUrl {
    fn parse(url: &str) -> Self {
        let invalid = || -> ! {
            panic!(
                "{MYSQL_URL_VAR} must have the form mysql://user:password@host:port/name, got {url}"
            )
        };
        let rest = url.strip_prefix("mysql://").unwrap_or_else(|| invalid());
        let (credentials, rest) = rest.rsplit_once('@').unwrap_or_else(|| invalid());
        let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
        let (address, database) = rest.split_once('/').unwrap_or_else(|| invalid());
        let (host, port) = address.rsplit_once(':').unwrap_or((address, "3306"));
        let database = database.split('?').next().unwrap_or_default();
        if database.is_empty() {
            invalid();
        }
        Self {
            user: user.into(),
            password: password.into(),
            host: host.into(),
            port: port.into(),
            database: database.into(),
        }
    }

    fn with_database(&self, name: &str) -> String {
        format!(
            "mysql://{}:{}@{}:{}/{name}",
            self.user, self.password, self.host, self.port
        )
    }

    fn client(&self) -> Command {
        let mut command = Command::new("mariadb");
        command
            .args([
                "--protocol=tcp",
                "--batch",
                "--host",
                &self.host,
                "--port",
                &self.port,
            ])
            .args(["--user", &self.user])
            .env("MYSQL_PWD", &self.password)
            .stdin(Stdio::null());
        command
    }

    fn execute(&self, sql: &str) {
        let output = self.client().args(["-e", sql]).output().expect(
            "the mariadb client is required for the MySQL tests; run .ci/run or install mariadb-client",
        );
        assert!(
            output.status.success(),
            "mariadb `{sql}` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Renders the plan of the project `billing` with module `github.com/acme/billing` for `database`, the example
/// that snapshots and documentation checks share.
pub fn example_plan(database: scaffold::spec::Database) -> scaffold::plan::Plan {
    let answers = scaffold::spec::Answers {
        module: Some("github.com/acme/billing".into()),
        database,
        ..scaffold::spec::Answers::new("billing")
    };
    let spec = scaffold::spec::ProjectSpec::resolve(&answers, Path::new("/work")).unwrap();
    scaffold::plan::Plan::render(&spec).unwrap()
}
