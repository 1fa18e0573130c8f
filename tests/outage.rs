//! Stops the database under a running generated server and checks that the server responds with 503 while the
//! database is down, keeps running, and serves again once the database is back, without a restart.
//!
//! Each test starts its own PostgreSQL or MariaDB server in a temporary folder on a free loopback port, because the
//! shared test servers must keep running for the other tests. The servers come from Debian's `postgresql` and
//! `mariadb-server` packages, which `.ci/services.sh` installs.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::pg_instance::PgInstance;
use support::run;
use support::server::{Client, Server, build_server, free_port};
use tempfile::TempDir;

#[test]
fn postgres_outage_returns_503_then_recovers() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "postgres"]);
    let mut database = PgInstance::start();

    check_outage(&project, &mut database);
}

#[test]
fn mariadb_outage_returns_503_then_recovers() {
    let cwd = TempDir::new().unwrap();
    let project = support::generate(cwd.path(), &["billing", "--db", "mysql"]);
    let mut database = MariadbServer::start();

    check_outage(&project, &mut database);
}

/// A database server that a test can stop and start again with its data kept.
trait DatabaseServer {
    fn url(&self) -> String;
    fn stop(&mut self);
    fn restart(&mut self);
    /// Returns the server's own log, for failure messages.
    fn logs(&self) -> String;
}

/// How long the server gets to notice that the database went away or came back.
const STATE_CHANGE_TIMEOUT: Duration = Duration::from_secs(30);

fn check_outage(project: &Path, database: &mut dyn DatabaseServer) {
    let binary = build_server(project);
    let port = free_port();
    let mut server = Server::start(&binary, project, port, &database.url());
    let base = format!("http://127.0.0.1:{port}");
    server.wait_until_healthy(&base);
    let client = Client::new();
    let users = format!("{base}/v1/users");
    let readyz = format!("{base}/readyz");

    let (status, created) = client.send("POST", &users, Some(&ada()));
    assert_eq!(status, 201, "create before the outage: {created}");
    let user_url = format!("{users}/{}", created["id"]);

    database.stop();

    wait_for_status(&client, &readyz, 503, &mut server, database);
    for (method, url, body) in [
        ("GET", user_url.as_str(), None),
        ("GET", users.as_str(), None),
        ("POST", users.as_str(), Some(grace())),
    ] {
        let (status, problem) = client.send(method, url, body.as_ref());
        assert_eq!(
            status,
            503,
            "{method} {url} during the outage: {problem}\n{}",
            server.logs()
        );
        assert_problem(&problem, 503);
    }
    assert!(
        server.is_running(),
        "the server exited during the outage\n{}",
        server.logs()
    );

    database.restart();

    wait_for_status(&client, &readyz, 200, &mut server, database);
    let (status, fetched) = client.send("GET", &user_url, None);
    assert_eq!(status, 200, "get after the outage: {fetched}");
    assert_eq!(fetched["email"], "ada@example.com");
    let (status, created) = client.send("POST", &users, Some(&grace()));
    assert_eq!(status, 201, "create after the outage: {created}");

    let code = server.terminate();
    assert_eq!(
        code,
        Some(0),
        "the server should exit 0 after SIGTERM\n{}",
        server.logs()
    );
}

fn ada() -> Value {
    json!({"name": "Ada Lovelace", "email": "ada@example.com"})
}

fn grace() -> Value {
    json!({"name": "Grace Hopper", "email": "grace@example.com"})
}

fn assert_problem(problem: &Value, status: u16) {
    assert_eq!(problem["status"], status, "problem: {problem}");
    assert_eq!(problem["type"], "about:blank", "problem: {problem}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty()),
        "problem without detail: {problem}"
    );
}

/// Polls `url` every 200 ms until it responds with `want`, failing after [`STATE_CHANGE_TIMEOUT`] or when the server
/// exits.
fn wait_for_status(
    client: &Client,
    url: &str,
    want: u16,
    server: &mut Server,
    database: &dyn DatabaseServer,
) {
    let deadline = Instant::now() + STATE_CHANGE_TIMEOUT;
    let mut last = None;
    while Instant::now() < deadline {
        assert!(
            server.is_running(),
            "the server exited while waiting for {url} to respond with {want}\n{}",
            server.logs()
        );
        let (status, body) = client.send("GET", url, None);
        if status == want {
            return;
        }
        last = Some((status, body));
        sleep(Duration::from_millis(200));
    }
    panic!(
        "{url} did not respond with {want} within {STATE_CHANGE_TIMEOUT:?}; last response {last:?}\n{}\ndatabase log:\n{}",
        server.logs(),
        database.logs()
    );
}

/// Reports whether this process runs as root, which PostgreSQL and MariaDB do not run as.
fn running_as_root() -> bool {
    let (output, stdout, _) = run(Command::new("id").arg("-u"));
    output.status.success() && stdout.trim() == "0"
}

/// Gives `path` and everything below it to `user`, so a server that drops root privileges can use it.
fn chown(path: &Path, user: &str) {
    let (output, _, stderr) = run(Command::new("chown")
        .arg("-R")
        .arg(format!("{user}:{user}"))
        .arg(path));
    assert!(
        output.status.success(),
        "chown -R {user} {} failed: {stderr}",
        path.display()
    );
}

/// Runs `command`, asserting success, with `what` naming the step in the failure message.
fn run_ok(command: &mut Command, what: &str) {
    let (output, stdout, stderr) = run(command.stdin(Stdio::null()));
    assert!(
        output.status.success(),
        "{what} failed ({})\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
}

impl DatabaseServer for PgInstance {
    fn url(&self) -> String {
        PgInstance::url(self)
    }

    fn stop(&mut self) {
        self.stop_server();
    }

    fn restart(&mut self) {
        self.start_server();
    }

    fn logs(&self) -> String {
        PgInstance::logs(self)
    }
}

/// A MariaDB server in a temporary folder with its own data folder, socket and port, started as a child process.
/// It skips the grant tables, so the URL needs no password. Dropping it kills the server and removes the folder.
struct MariadbServer {
    folder: TempDir,
    port: u16,
    as_mysql: bool,
    child: Option<Child>,
}

impl MariadbServer {
    fn start() -> Self {
        let folder = TempDir::new().unwrap();
        let as_mysql = running_as_root();
        if as_mysql {
            chown(folder.path(), "mysql");
        }
        let mut server = Self {
            folder,
            port: free_port(),
            as_mysql,
            child: None,
        };

        let mut install = Command::new("mariadb-install-db");
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", server.data().display()))
            .arg("--skip-test-db")
            .arg("--auth-root-authentication-method=normal");
        if as_mysql {
            install.arg("--user=mysql");
        }
        let (output, stdout, stderr) = run(install.stdin(Stdio::null()));
        assert!(
            output.status.success(),
            "mariadb-install-db failed; install Debian's mariadb-server package or run .ci/run\n\
             stdout:\n{stdout}\nstderr:\n{stderr}"
        );

        server.restart();
        server.client(&["-e", "CREATE DATABASE outage"]);
        server
    }

    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    fn client(&self, args: &[&str]) {
        run_ok(
            Command::new("mariadb")
                .args(["--protocol=tcp", "--host=127.0.0.1", "--user=root"])
                .arg(format!("--port={}", self.port))
                .args(args),
            "mariadb client",
        );
    }

    /// Polls the port until the server accepts connections, failing after 60 s or when the server exits.
    fn wait_until_accepting(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let child = self.child.as_mut().expect("the server was started");
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "mariadbd exited with {status} while starting\n{}",
                    self.logs()
                );
            }
            let ping = Command::new("mariadb-admin")
                .args(["--protocol=tcp", "--host=127.0.0.1", "--user=root"])
                .arg(format!("--port={}", self.port))
                .arg("ping")
                .stdin(Stdio::null())
                .output();
            if ping.is_ok_and(|output| output.status.success()) {
                return;
            }
            sleep(Duration::from_millis(200));
        }
        panic!(
            "mariadbd did not accept connections within 60 s\n{}",
            self.logs()
        );
    }
}

impl DatabaseServer for MariadbServer {
    fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}/outage", self.port)
    }

    /// Sends SIGTERM, which makes mariadbd shut down cleanly, and waits up to 30 s for it to exit.
    fn stop(&mut self) {
        let mut child = self.child.take().expect("the server is running");
        let pid = child.id().to_string();
        run_ok(
            Command::new("kill").args(["-TERM", &pid]),
            "kill -TERM mariadbd",
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                return;
            }
            sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "mariadbd did not stop within 30 s of SIGTERM\n{}",
            self.logs()
        );
    }

    fn restart(&mut self) {
        let folder = self.folder.path();
        let mut command = Command::new("mariadbd");
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", self.data().display()))
            .arg(format!(
                "--socket={}",
                folder.join("mariadb.sock").display()
            ))
            .arg(format!(
                "--pid-file={}",
                folder.join("mariadb.pid").display()
            ))
            .arg(format!(
                "--log-error={}",
                folder.join("mariadb.log").display()
            ))
            .arg(format!("--port={}", self.port))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-grant-tables",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=32M",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if self.as_mysql {
            command.arg("--user=mysql");
        }
        self.child = Some(command.spawn().expect(
            "failed to start mariadbd; install Debian's mariadb-server package or run .ci/run",
        ));
        self.wait_until_accepting();
    }

    fn logs(&self) -> String {
        fs::read_to_string(self.folder.path().join("mariadb.log")).unwrap_or_default()
    }
}

impl Drop for MariadbServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
