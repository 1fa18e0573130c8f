//! The built Go server as a child process, and a JSON client for it, shared by the tests that drive a server.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::go_ok;

/// Builds `./cmd/server` of `project` into `bin/server` without cgo and returns its path.
pub fn build_server(project: &Path) -> PathBuf {
    let binary = project.join("bin/server");
    go_ok(
        project,
        &["build", "-o", binary.to_str().unwrap(), "./cmd/server"],
        &[("CGO_ENABLED", "0")],
    );
    binary
}

/// Returns a loopback TCP port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running server process whose output goes to a log file, killed on drop if still running.
pub struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    pub fn start(binary: &Path, project: &Path, port: u16, database_url: &str) -> Self {
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

    pub fn wait_until_healthy(&mut self, base: &str) {
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

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Sends SIGTERM and waits up to 20 s for the exit code.
    pub fn terminate(&mut self) -> Option<i32> {
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

    pub fn logs(&self) -> String {
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
pub struct Client(ureq::Agent);

impl Client {
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        Self(config.into())
    }

    pub fn send(&self, method: &str, url: &str, body: Option<&Value>) -> (u16, Value) {
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
    pub fn get_text(&self, url: &str) -> (u16, HashMap<String, String>, String) {
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

    pub fn try_status(&self, url: &str) -> Option<u16> {
        self.0
            .get(url)
            .call()
            .ok()
            .map(|response| response.status().as_u16())
    }
}
