//! Builds the server of a generated project once per test process and runs it as a child process on a free
//! loopback port, with helpers to signal it and read its memory use from `/proc`.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::raw_http;
use super::server::free_port;

/// The database a generated project is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
}

impl Database {
    fn flag(self) -> &'static str {
        match self {
            Database::Sqlite => "sqlite",
            Database::Postgres => "postgres",
        }
    }
}

/// Returns the path of the server binary of a freshly generated project for `database`. The first call in a
/// test process replaces the project under Cargo's target tmp folder and builds it with `CGO_ENABLED=0`; later
/// calls reuse the binary. Two test processes running at once in the same target folder would clash.
pub fn server_binary(database: Database) -> PathBuf {
    static SQLITE: OnceLock<PathBuf> = OnceLock::new();
    static POSTGRES: OnceLock<PathBuf> = OnceLock::new();
    let cell = match database {
        Database::Sqlite => &SQLITE,
        Database::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| build_server(database)).clone()
}

fn build_server(database: Database) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("generated-servers")
        .join(database.flag());
    if root.exists() {
        fs::remove_dir_all(&root).unwrap();
    }
    fs::create_dir_all(&root).unwrap();

    let project = super::generate(&root, &["billing", "--db", database.flag()]);
    super::server::build_server(&project)
}

/// A running generated server whose stdout and stderr go to a log file. It is killed on drop if still running.
pub struct GoServer {
    child: Child,
    log: PathBuf,
    pub addr: SocketAddr,
}

impl GoServer {
    /// Starts `binary` in `workdir` on a free loopback port with `DATABASE_URL` and the extra variables in `env`,
    /// then waits up to 30 s for `/readyz` to return 200.
    pub fn start(binary: &Path, workdir: &Path, database_url: &str, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let log = workdir.join(format!("server-{port}.log"));
        let log_file = fs::File::create(&log).unwrap();
        let mut command = Command::new(binary);
        command
            .current_dir(workdir)
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("DATABASE_URL", database_url)
            .env("LOG_FORMAT", "json")
            // Every fault test sends its load from one loopback address, so the per-client rate limit would turn
            // it into 429s. The generated tests cover the limiter itself.
            .env("RATE_LIMIT_RPS", "0")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("failed to start the built server");
        let mut server = Self {
            child,
            log,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "the server exited with {status} before becoming ready\n{}",
                    self.logs()
                );
            }
            if raw_http::send(self.addr, "GET", "/readyz", b"").is_ok_and(|r| r.status == 200) {
                return;
            }
            sleep(Duration::from_millis(20));
        }
        panic!(
            "the server did not return 200 on /readyz within 30 s\n{}",
            self.logs()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Returns the exit status if the process has exited.
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Sends SIGTERM to the server.
    pub fn send_sigterm(&self) {
        let pid = self.pid().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits up to `timeout` for the process to exit and returns its status, or `None` if it is still running.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            sleep(Duration::from_millis(10));
        }
    }

    /// Returns the resident set size and its peak (`VmRSS`, `VmHWM` in `/proc/PID/status`), in KiB.
    pub fn memory_kib(&self) -> MemoryUse {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("failed to read /proc/PID/status of the server; these tests need Linux");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or_else(|| panic!("no {name} line in /proc/PID/status:\n{status}"))
        };
        MemoryUse {
            rss_kib: field("VmRSS:"),
            peak_rss_kib: field("VmHWM:"),
        }
    }

    /// Returns the last 100 lines of the server's log other than access-log lines, for failure messages.
    pub fn logs(&self) -> String {
        let log = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log
            .lines()
            .filter(|line| !line.contains(r#""msg":"http request""#))
            .collect();
        let tail = &lines[lines.len().saturating_sub(100)..];
        format!(
            "server log without access-log lines ({}):\n{}",
            self.log.display(),
            tail.join("\n")
        )
    }

    /// Returns the server's whole log.
    pub fn full_log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for GoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Memory use of a process, in KiB.
#[derive(Clone, Copy, Debug)]
pub struct MemoryUse {
    pub rss_kib: u64,
    pub peak_rss_kib: u64,
}
