//! A throwaway PostgreSQL server for tests that stop and restart the database. It is created with `initdb` in a
//! temporary folder and listens on a free port on 127.0.0.1 only, so stopping it never affects the shared server
//! behind `SCAFFOLD_TEST_POSTGRES_URL`. When the tests run as root, every PostgreSQL program runs as the
//! `postgres` user, because the server refuses to run as root.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

use super::server::free_port;

/// A PostgreSQL server in its own data folder, stopped and deleted on drop.
pub struct PgInstance {
    folder: TempDir,
    bin: PathBuf,
    run_as_postgres: bool,
    pub port: u16,
}

impl PgInstance {
    /// Creates a cluster with `initdb` (trust authentication, no fsync) and starts it.
    pub fn start() -> Self {
        let bin = postgres_bin_dir();
        let run_as_postgres = is_root();
        let folder = tempfile::Builder::new()
            .prefix("scaffold-pg-")
            .tempdir()
            .unwrap();
        if run_as_postgres {
            run_ok(Command::new("chown").args(["postgres:", &path_str(folder.path())]));
        }

        let instance = Self {
            folder,
            bin,
            run_as_postgres,
            port: free_port(),
        };
        let data = path_str(&instance.data_dir());
        run_ok(&mut instance.pg_command(
            "initdb",
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        ));
        instance.start_server();
        instance
    }

    /// Returns the URL of the `postgres` database as the `postgres` superuser.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start_server(&self) {
        // The Unix socket goes into the instance's own folder, so it never clashes with the system server's.
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            path_str(self.folder.path())
        );
        let data = path_str(&self.data_dir());
        let log = path_str(&self.folder.path().join("postgres.log"));
        run_ok(&mut self.pg_command(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "30", "start",
            ],
        ));
    }

    /// Stops the server in fast mode: open sessions are terminated, as in an orderly database restart.
    pub fn stop_server(&self) {
        let data = path_str(&self.data_dir());
        run_ok(&mut self.pg_command("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]));
    }

    /// Returns the server log, for failure messages.
    pub fn logs(&self) -> String {
        fs::read_to_string(self.folder.path().join("postgres.log")).unwrap_or_default()
    }

    fn data_dir(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    fn pg_command(&self, program: &str, args: &[&str]) -> Command {
        let program = path_str(&self.bin.join(program));
        let mut command = if self.run_as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--", &program]);
            command
        } else {
            Command::new(program)
        };
        command.args(args).stdin(Stdio::null());
        command
    }
}

impl Drop for PgInstance {
    fn drop(&mut self) {
        let data = path_str(&self.data_dir());
        let _ = self
            .pg_command("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// Returns the `bin` folder of the newest PostgreSQL under `/usr/lib/postgresql`, where Debian installs it.
fn postgres_bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let newest = fs::read_dir(root)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max();
    let Some(version) = newest else {
        panic!(
            "no PostgreSQL server found under {}; install Debian's postgresql package or run .ci/run",
            root.display()
        );
    };
    root.join(version.to_string()).join("bin")
}

fn is_root() -> bool {
    let output = Command::new("id")
        .arg("-u")
        .output()
        .expect("failed to run `id -u`");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn run_ok(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("failed to start {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn path_str(path: &Path) -> String {
    path.to_str()
        .expect("temporary paths are valid UTF-8")
        .to_owned()
}
