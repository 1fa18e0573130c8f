//! Fault tests for the generated server: it is built once per database and driven over loopback HTTP while it is
//! signalled, flooded, fed slow or oversized or malformed requests, or loses its PostgreSQL server. Every test
//! sends a fixed number of requests or stops its clients after a fixed time.

mod support;

use std::collections::HashSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use serde_json::json;
use support::TempPostgresDatabase;
use support::go_server::{Database, GoServer, server_binary};
use support::pg_instance::PgInstance;
use support::raw_http::{self, Response};
use tempfile::TempDir;

const PROBLEM_JSON: &str = "application/problem+json";

/// Starts the SQLite server with its database file in `work`.
fn start_sqlite(work: &TempDir, env: &[(&str, &str)]) -> GoServer {
    let database = work.path().join("faults.db");
    GoServer::start(
        &server_binary(Database::Sqlite),
        work.path(),
        database.to_str().unwrap(),
        env,
    )
}

fn user_body(name: &str, email: &str) -> Vec<u8> {
    json!({"name": name, "email": email})
        .to_string()
        .into_bytes()
}

/// Sends a create request and returns the new user's ID, failing the test on any other response.
fn create_user(addr: SocketAddr, email: &str) -> i64 {
    let response = raw_http::send(addr, "POST", "/v1/users", &user_body("Seeded", email))
        .unwrap_or_else(|error| panic!("create {email} failed: {error}"));
    assert_eq!(response.status, 201, "create {email}: {:?}", response);
    response.json()["id"].as_i64().expect("a numeric id")
}

/// Pages through `GET /v1/users` with the largest page size and returns every email address.
fn list_all_emails(addr: SocketAddr) -> Vec<String> {
    let mut emails = Vec::new();
    let mut path = "/v1/users?limit=100".to_owned();
    loop {
        let response = raw_http::send(addr, "GET", &path, b"").unwrap();
        assert_eq!(response.status, 200, "{path}: {response:?}");
        let page = response.json();
        for user in page["users"].as_array().expect("a users array") {
            emails.push(user["email"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/users?limit=100&cursor={cursor}"),
            None => return emails,
        }
    }
}

fn assert_problem(response: &Response, status: u16, context: &str) {
    assert_eq!(response.status, status, "{context}: {response:?}");
    assert_eq!(
        response.header("content-type"),
        Some(PROBLEM_JSON),
        "{context}: {response:?}"
    );
    assert_eq!(
        response.json()["status"],
        status,
        "{context}: the problem's status member"
    );
}

#[test]
fn sigterm_drains_in_flight_requests() {
    const CLIENTS: usize = 100;
    const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
    let work = TempDir::new().unwrap();
    let mut server = start_sqlite(&work, &[("SHUTDOWN_TIMEOUT", "10s")]);
    let addr = server.addr;

    // Each client sends the headers and half of a create request's body, so that its handler is running and
    // blocked reading the body when SIGTERM arrives, then sends the rest once the listener has closed.
    let body_sent = Arc::new(Barrier::new(CLIENTS + 1));
    let shutdown_started = Arc::new(Barrier::new(CLIENTS + 1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let body_sent = Arc::clone(&body_sent);
            let shutdown_started = Arc::clone(&shutdown_started);
            thread::spawn(move || {
                let email = format!("in-flight-{i}@example.com");
                let body = user_body("In Flight", &email);
                let (first, rest) = body.split_at(body.len() / 2);
                let opened =
                    raw_http::connect(addr, Duration::from_secs(20)).and_then(|mut stream| {
                        stream.write_all(&raw_http::request_head(
                            "POST",
                            "/v1/users",
                            body.len(),
                        ))?;
                        stream.write_all(first)?;
                        Ok(stream)
                    });
                // Both barriers are reached even after an error, so that one failed client cannot block the rest.
                body_sent.wait();
                shutdown_started.wait();
                let mut stream = opened?;
                stream.write_all(rest)?;
                raw_http::read_response(&mut stream).map(|response| (email, response))
            })
        })
        .collect();

    body_sent.wait();
    sleep(Duration::from_millis(300));
    assert!(server.exit_status().is_none(), "{}", server.logs());
    server.send_sigterm();
    let signalled = Instant::now();

    // A refused connection shows that the server has closed its listener, so shutdown has begun.
    let deadline = signalled + Duration::from_secs(5);
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            Err(error) if error.kind() == ErrorKind::ConnectionRefused => break,
            _ if Instant::now() > deadline => {
                panic!(
                    "the server still accepts connections 5 s after SIGTERM\n{}",
                    server.logs()
                )
            }
            _ => sleep(Duration::from_millis(10)),
        }
    }
    shutdown_started.wait();

    for (i, client) in clients.into_iter().enumerate() {
        let (email, response) = client.join().unwrap().unwrap_or_else(|error| {
            panic!(
                "client {i} got no complete response: {error}\n{}",
                server.logs()
            )
        });
        assert_eq!(response.status, 201, "client {i}: {response:?}");
        assert_eq!(
            response.header("content-type"),
            Some("application/json"),
            "client {i}"
        );
        assert_eq!(response.json()["email"], email.as_str(), "client {i}");
    }

    let remaining = SHUTDOWN_TIMEOUT.saturating_sub(signalled.elapsed());
    let status = server.wait_for_exit(remaining).unwrap_or_else(|| {
        panic!(
            "the server did not exit within SHUTDOWN_TIMEOUT (10 s) of SIGTERM\n{}",
            server.logs()
        )
    });
    assert_eq!(status.code(), Some(0), "exit status\n{}", server.logs());

    // Every request that got a 201 must be stored: a restarted server on the same file lists all of them.
    let restarted = start_sqlite(&work, &[]);
    assert_eq!(list_all_emails(restarted.addr).len(), CLIENTS);
}

/// Creates `total` users with unique emails from `concurrency` threads, each on its own keep-alive connection,
/// then checks through the API that exactly `total` rows exist.
fn create_concurrently(server: &GoServer, total: usize, concurrency: usize) {
    let addr = server.addr;
    let per_thread = total / concurrency;
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let url = format!("http://{addr}/v1/users");
                let mut failures = Vec::new();
                for i in 0..per_thread {
                    let body =
                        json!({"name": "Load", "email": format!("load-{worker}-{i}@example.com")});
                    match agent
                        .post(&url)
                        .content_type("application/json")
                        .send(body.to_string())
                    {
                        Ok(response) if response.status() == 201 => {}
                        Ok(mut response) => failures.push(format!(
                            "status {}: {}",
                            response.status(),
                            response.body_mut().read_to_string().unwrap_or_default()
                        )),
                        Err(error) => failures.push(error.to_string()),
                    }
                }
                failures
            })
        })
        .collect();

    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {total} creates failed, first: {:?}\n{}",
        failures.len(),
        failures.first(),
        server.logs()
    );

    let emails = list_all_emails(addr);
    assert_eq!(emails.len(), total, "rows listed after {total} creates");
    let unique: HashSet<&String> = emails.iter().collect();
    assert_eq!(unique.len(), total, "distinct emails listed");
}

// NOTE: with 200 creates in flight, a few of 10,000 fail with 500 "database is locked (SQLITE_BUSY)": the ten
// pooled connections race for SQLite's single write lock, and a writer that keeps losing exceeds busy_timeout
// (5 s). It passes once the generated SQLite store serialises its writes, for example through a second
// connection pool with one connection for writes. Run it with `cargo test --test faults -- --ignored`.
#[test]
fn concurrent_creates_sqlite() {
    let work = TempDir::new().unwrap();
    let server = start_sqlite(&work, &[]);
    create_concurrently(&server, 10_000, 200);
}

#[test]
fn concurrent_creates_postgres() {
    let work = TempDir::new().unwrap();
    let database = TempPostgresDatabase::create("scaffold_faults");
    let server = GoServer::start(
        &server_binary(Database::Postgres),
        work.path(),
        &database.url,
        &[],
    );
    create_concurrently(&server, 10_000, 200);
}

/// What a slow-header client saw: how long the server kept the connection open and what it sent.
struct SlowClientOutcome {
    open_for: Option<Duration>,
    received: Vec<u8>,
}

/// Sends a request head one header line every 100 ms, never finishing it, until the server closes the
/// connection or `give_up_after` passes.
fn send_headers_slowly(addr: SocketAddr, give_up_after: Duration) -> SlowClientOutcome {
    let started = Instant::now();
    let mut outcome = SlowClientOutcome {
        open_for: None,
        received: Vec::new(),
    };
    let Ok(mut stream) = raw_http::connect(addr, Duration::from_secs(5)) else {
        return outcome;
    };
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut line = 0;
    let mut pending: Vec<u8> = b"GET /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    while started.elapsed() < give_up_after {
        if stream.write_all(&pending).is_err() {
            outcome.open_for = Some(started.elapsed());
            return outcome;
        }
        line += 1;
        pending = format!("X-Slow-{line}: a\r\n").into_bytes();

        let mut buffer = [0; 1024];
        match stream.read(&mut buffer) {
            Ok(0) => {
                outcome.open_for = Some(started.elapsed());
                return outcome;
            }
            Ok(n) => outcome.received.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                outcome.open_for = Some(started.elapsed());
                return outcome;
            }
        }
    }
    outcome
}

#[test]
fn slow_headers_are_cut_off() {
    const SLOW_CLIENTS: usize = 20;
    let work = TempDir::new().unwrap();
    let server = start_sqlite(&work, &[("HTTP_READ_HEADER_TIMEOUT", "1s")]);
    let addr = server.addr;
    create_user(addr, "existing@example.com");

    let slow_clients: Vec<_> = (0..SLOW_CLIENTS)
        .map(|_| thread::spawn(move || send_headers_slowly(addr, Duration::from_secs(6))))
        .collect();

    // Ordinary requests keep being served while the slow clients hold their connections.
    let started = Instant::now();
    let mut served = 0;
    while started.elapsed() < Duration::from_millis(2500) {
        let sent = Instant::now();
        let response = raw_http::send(addr, "GET", "/v1/users?limit=5", b"").unwrap();
        assert_eq!(response.status, 200, "{response:?}");
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "a request took {:?} while slow clients were connected",
            sent.elapsed()
        );
        served += 1;
        sleep(Duration::from_millis(50));
    }
    assert!(served >= 10, "only {served} requests were served in 2.5 s");

    for (i, client) in slow_clients.into_iter().enumerate() {
        let outcome = client.join().unwrap();
        let open_for = outcome.open_for.unwrap_or_else(|| {
            panic!(
                "slow client {i} was not cut off within 6 s\n{}",
                server.logs()
            )
        });
        assert!(
            open_for >= Duration::from_millis(900),
            "slow client {i} was cut off after {open_for:?}, before the 1 s header timeout"
        );
        assert!(
            open_for <= Duration::from_secs(3),
            "slow client {i} was cut off only after {open_for:?}, with a 1 s header timeout"
        );
        let received = String::from_utf8_lossy(&outcome.received);
        assert!(
            !received.starts_with("HTTP/1.1 2"),
            "slow client {i} got a success response: {received}"
        );
    }
}

/// Sends a body of `body_len` bytes with its correct `Content-Length` from a second thread while this thread
/// reads the response. The server may close the connection before the whole body is written.
fn send_large_body(addr: SocketAddr, body_len: usize) -> Response {
    let mut stream = raw_http::connect(addr, Duration::from_secs(20)).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let mut head = raw_http::request_head("POST", "/v1/users", body_len);
        head.extend_from_slice(b"{\"name\":\"");
        writer.write_all(&head)?;
        let mut sent = 9;
        while sent < body_len {
            let n = chunk.len().min(body_len - sent);
            writer.write_all(&chunk[..n])?;
            sent += n;
        }
        Ok::<usize, std::io::Error>(sent)
    });
    let response =
        raw_http::read_response(&mut stream).expect("a complete response to the large body");
    // The server stops reading after the limit and closes the connection. The sender then usually fails with a
    // broken pipe or a reset, which does not matter here.
    let _ = sender.join().unwrap();
    response
}

#[test]
fn oversized_body_gets_413_without_memory_growth() {
    const BODY_BYTES: usize = 10 * 1024 * 1024;
    const REQUESTS: usize = 20;
    let work = TempDir::new().unwrap();
    let server = start_sqlite(&work, &[("MAX_BODY_BYTES", "1048576")]);
    let addr = server.addr;

    // The first requests allocate the buffers every later request reuses; measure after them.
    create_user(addr, "warm-up@example.com");
    for _ in 0..2 {
        send_large_body(addr, BODY_BYTES);
    }
    let before = server.memory_kib();

    for i in 0..REQUESTS {
        let response = send_large_body(addr, BODY_BYTES);
        assert_problem(&response, 413, &format!("10 MB body {i}"));
        let detail = response.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            detail.contains("1048576"),
            "detail names the limit: {detail}"
        );
    }
    let after = server.memory_kib();

    // 20 bodies of 10 MiB each: one buffered body would grow the peak by 10 MiB.
    let growth_limit_kib = 8 * 1024;
    assert!(
        after.peak_rss_kib < before.peak_rss_kib + growth_limit_kib,
        "peak RSS grew from {} KiB to {} KiB after {REQUESTS} bodies of 10 MiB",
        before.peak_rss_kib,
        after.peak_rss_kib
    );
    assert!(
        after.rss_kib < before.rss_kib + growth_limit_kib,
        "RSS grew from {} KiB to {} KiB after {REQUESTS} bodies of 10 MiB",
        before.rss_kib,
        after.rss_kib
    );
    create_user(addr, "after@example.com");
}

/// Bodies that are not one JSON object with string fields `name` and `email`.
fn malformed_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let mut bodies: Vec<(&'static str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("whitespace only", b"  \n\t ".to_vec()),
        ("truncated object", br#"{"name":"Ada","email":"#.to_vec()),
        ("truncated string", br#"{"name":"Ada"#.to_vec()),
        ("open brace", b"{".to_vec()),
        ("close brace", b"}".to_vec()),
        ("missing colon", br#"{"name" "Ada"}"#.to_vec()),
        (
            "missing comma",
            br#"{"name":"Ada" "email":"a@example.com"}"#.to_vec(),
        ),
        (
            "trailing comma",
            br#"{"name":"Ada","email":"a@example.com",}"#.to_vec(),
        ),
        (
            "single quotes",
            b"{'name':'Ada','email':'a@example.com'}".to_vec(),
        ),
        (
            "unquoted key",
            br#"{name:"Ada","email":"a@example.com"}"#.to_vec(),
        ),
        (
            "unquoted value",
            br#"{"name":Ada,"email":"a@example.com"}"#.to_vec(),
        ),
        (
            "comment",
            b"{/* c */\"name\":\"Ada\",\"email\":\"a@example.com\"}".to_vec(),
        ),
        (
            "invalid escape",
            br#"{"name":"\x41","email":"a@example.com"}"#.to_vec(),
        ),
        (
            "short unicode escape",
            br#"{"name":"\u12","email":"a@example.com"}"#.to_vec(),
        ),
        (
            "raw newline in string",
            b"{\"name\":\"A\nda\",\"email\":\"a@example.com\"}".to_vec(),
        ),
        (
            "raw NUL in string",
            b"{\"name\":\"A\0da\",\"email\":\"a@example.com\"}".to_vec(),
        ),
        ("NUL byte", b"\0".to_vec()),
        (
            "byte order mark",
            b"\xef\xbb\xbf{\"name\":\"Ada\",\"email\":\"a@example.com\"}".to_vec(),
        ),
        ("invalid UTF-8 outside strings", b"\xff\xfe{}".to_vec()),
        ("NaN", br#"{"name":NaN,"email":"a@example.com"}"#.to_vec()),
        (
            "leading zero",
            br#"{"name":01,"email":"a@example.com"}"#.to_vec(),
        ),
        (
            "huge number",
            br#"{"name":1e999,"email":"a@example.com"}"#.to_vec(),
        ),
        (
            "number for name",
            br#"{"name":5,"email":"a@example.com"}"#.to_vec(),
        ),
        (
            "boolean for email",
            br#"{"name":"Ada","email":true}"#.to_vec(),
        ),
        (
            "object for name",
            br#"{"name":{"first":"Ada"},"email":"a@example.com"}"#.to_vec(),
        ),
        (
            "array for email",
            br#"{"name":"Ada","email":["a@example.com"]}"#.to_vec(),
        ),
        (
            "unknown field",
            br#"{"name":"Ada","email":"a@example.com","admin":true}"#.to_vec(),
        ),
        (
            "array",
            br#"[{"name":"Ada","email":"a@example.com"}]"#.to_vec(),
        ),
        ("string", br#""Ada""#.to_vec()),
        ("number", b"42".to_vec()),
        ("true", b"true".to_vec()),
        ("null", b"null".to_vec()),
        (
            "two objects",
            br#"{"name":"Ada","email":"a@example.com"}{}"#.to_vec(),
        ),
        (
            "object then garbage",
            br#"{"name":"Ada","email":"a@example.com"} x"#.to_vec(),
        ),
        ("form encoding", b"name=Ada&email=a%40example.com".to_vec()),
        ("XML", b"<user><name>Ada</name></user>".to_vec()),
    ];
    // encoding/json stops at a nesting depth of 10,000; both sides of that limit are malformed here.
    bodies.push(("deep array nesting", b"[".repeat(20_000)));
    bodies.push(("deep object nesting", br#"{"name":"#.repeat(20_000)));
    bodies
}

/// Bodies that are valid JSON but odd; the server may reject them with any 4xx status, never a 5xx.
fn unusual_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty object", b"{}".to_vec()),
        ("null fields", br#"{"name":null,"email":null}"#.to_vec()),
        (
            "lone surrogate",
            br#"{"name":"\ud800","email":"s@example.com"}"#.to_vec(),
        ),
        (
            "escaped NUL",
            br#"{"name":"A\u0000da","email":"n@example.com"}"#.to_vec(),
        ),
        (
            "invalid UTF-8 in string",
            b"{\"name\":\"\xff\xfe\",\"email\":\"u@example.com\"}".to_vec(),
        ),
        (
            "duplicate key",
            br#"{"name":"A","name":"B","email":"d@example.com"}"#.to_vec(),
        ),
        (
            "long name",
            format!(
                r#"{{"name":"{}","email":"l@example.com"}}"#,
                "a".repeat(10_000)
            )
            .into_bytes(),
        ),
        (
            "long email",
            format!(
                r#"{{"name":"L","email":"{}@example.com"}}"#,
                "a".repeat(10_000)
            )
            .into_bytes(),
        ),
        (
            "existing email",
            br#"{"name":"Ada","email":"existing@example.com"}"#.to_vec(),
        ),
    ]
}

#[test]
fn malformed_json_gets_400() {
    let work = TempDir::new().unwrap();
    // The access log is what shows a 500 that a handler wrote without logging an error.
    let mut server = start_sqlite(&work, &[("ACCESS_LOG", "true")]);
    let addr = server.addr;
    let id = create_user(addr, "existing@example.com");
    let other_id = create_user(addr, "other@example.com");
    let update_path = format!("/v1/users/{other_id}");

    for (name, body) in malformed_bodies() {
        for (method, path) in [("POST", "/v1/users"), ("PUT", update_path.as_str())] {
            let response = raw_http::send(addr, method, path, &body)
                .unwrap_or_else(|error| panic!("{method} {name}: {error}"));
            assert_problem(&response, 400, &format!("{method} {path} with {name}"));
        }
    }

    for (name, body) in unusual_bodies() {
        for (method, path) in [("POST", "/v1/users"), ("PUT", update_path.as_str())] {
            let response = raw_http::send(addr, method, path, &body)
                .unwrap_or_else(|error| panic!("{method} {name}: {error}"));
            assert!(
                (400..500).contains(&response.status)
                    || response.status == 200
                    || response.status == 201,
                "{method} {path} with {name}: {response:?}"
            );
            if response.status >= 400 {
                assert_eq!(
                    response.header("content-type"),
                    Some(PROBLEM_JSON),
                    "{method} {name}"
                );
            }
        }
    }

    // The server is still up and the first user is unchanged.
    let response = raw_http::send(addr, "GET", &format!("/v1/users/{id}"), b"").unwrap();
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(response.json()["email"], "existing@example.com");
    // The server writes the access log in batches, so it is read after a graceful stop, which writes every line.
    server.send_sigterm();
    let status = server.wait_for_exit(Duration::from_secs(10));
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", server.logs());
    let log = server.full_log();
    assert!(
        log.contains(r#""msg":"http request""#),
        "no access log lines\n{}",
        server.logs()
    );
    assert!(
        !log.contains(r#""status":500"#),
        "the server answered 500\n{}",
        server.logs()
    );
}

/// One request made during the outage test: when it started and ended, and what came back.
#[derive(Debug)]
struct Exchange {
    started: Instant,
    ended: Instant,
    kind: &'static str,
    result: Result<(u16, Option<String>), String>,
}

/// The requests made while PostgreSQL was stopped and started again, with the moments that divide them.
struct OutageRecord {
    exchanges: Vec<Exchange>,
    /// When `pg_ctl stop` returned: the database is down.
    stopped: Instant,
    /// When `pg_ctl start` was called: the database may accept connections again from here on.
    restarting: Instant,
    /// When the load clients stopped, after every kind of request succeeded again.
    clients_stopped: Instant,
    recovered: bool,
}

/// Runs `CLIENTS` threads of creates, reads and lists against a server on a throwaway PostgreSQL, and stops the
/// database for 2 s under that load. After the restart the load goes on until `/readyz` returns 200 (for at most
/// 20 s), then for 1 s more, so that the last second shows whether every kind of request succeeds again.
fn run_outage_under_load() -> (TempDir, GoServer, PgInstance, OutageRecord) {
    const CLIENTS: usize = 8;
    let work = TempDir::new().unwrap();
    let postgres = PgInstance::start();
    let server = GoServer::start(
        &server_binary(Database::Postgres),
        work.path(),
        &postgres.url(),
        &[("SHUTDOWN_TIMEOUT", "5s")],
    );
    let addr = server.addr;
    let ids: Arc<Vec<i64>> = Arc::new(
        (0..20)
            .map(|i| create_user(addr, &format!("seed-{i}@example.com")))
            .collect(),
    );

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let stop = Arc::clone(&stop);
            let ids = Arc::clone(&ids);
            thread::spawn(move || {
                let mut exchanges = Vec::new();
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let (kind, method, path, body) = match i % 3 {
                        0 => (
                            "get",
                            "GET",
                            format!("/v1/users/{}", ids[i % ids.len()]),
                            Vec::new(),
                        ),
                        1 => ("list", "GET", "/v1/users?limit=20".to_owned(), Vec::new()),
                        _ => (
                            "create",
                            "POST",
                            "/v1/users".to_owned(),
                            user_body("Outage", &format!("outage-{client}-{i}@example.com")),
                        ),
                    };
                    let started = Instant::now();
                    let result = raw_http::send(addr, method, &path, &body)
                        .map(|r| (r.status, r.header("content-type").map(str::to_owned)))
                        .map_err(|error| error.to_string());
                    exchanges.push(Exchange {
                        started,
                        ended: Instant::now(),
                        kind,
                        result,
                    });
                    i += 1;
                    sleep(Duration::from_millis(5));
                }
                exchanges
            })
        })
        .collect();

    sleep(Duration::from_secs(1));
    postgres.stop_server();
    let stopped = Instant::now();
    sleep(Duration::from_secs(2));
    let restarting = Instant::now();
    postgres.start_server();

    let deadline = restarting + Duration::from_secs(20);
    let mut recovered = false;
    while Instant::now() < deadline {
        sleep(Duration::from_secs(1));
        if raw_http::send(addr, "GET", "/readyz", b"").is_ok_and(|r| r.status == 200) {
            sleep(Duration::from_secs(1));
            recovered = true;
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let clients_stopped = Instant::now();
    let exchanges = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();

    let record = OutageRecord {
        exchanges,
        stopped,
        restarting,
        clients_stopped,
        recovered,
    };
    (work, server, postgres, record)
}

fn status_counts<'a>(exchanges: impl Iterator<Item = &'a Exchange>) -> String {
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for exchange in exchanges {
        let key = match &exchange.result {
            Ok((status, _)) => format!("{} {status}", exchange.kind),
            Err(error) => format!("{} error: {error}", exchange.kind),
        };
        *counts.entry(key).or_default() += 1;
    }
    format!("{counts:?}")
}

#[test]
fn postgres_restart_under_load_recovers() {
    let (_work, mut server, postgres, record) = run_outage_under_load();
    let summary = status_counts(record.exchanges.iter());

    assert!(
        server.exit_status().is_none(),
        "the server exited during the database outage\n{}",
        server.logs()
    );
    assert!(
        record.recovered,
        "/readyz did not return 200 within 20 s of restarting PostgreSQL; requests: {summary}\n{}\n{}",
        server.logs(),
        postgres.logs()
    );

    // Every request got a complete response, during the outage too: no reset, no timeout.
    let failed: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| e.result.is_err())
        .collect();
    assert!(
        failed.is_empty(),
        "requests without a complete response: {failed:?}"
    );

    let during_outage: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| e.started >= record.stopped && e.ended <= record.restarting)
        .collect();
    assert!(
        !during_outage.is_empty(),
        "no request ran while PostgreSQL was stopped"
    );
    let succeeded_during_outage = during_outage
        .iter()
        .filter(|e| matches!(e.result, Ok((status, _)) if status < 300))
        .count();
    assert_eq!(
        succeeded_during_outage, 0,
        "requests succeeded while PostgreSQL was stopped: {summary}"
    );

    // In the last second of load, after recovery, every kind of request succeeded.
    let last_second = record.clients_stopped - Duration::from_secs(1);
    let tail: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| e.started >= last_second)
        .collect();
    for kind in ["get", "list", "create"] {
        assert!(
            tail.iter().any(|e| e.kind == kind),
            "no {kind} request in the last second of load"
        );
    }
    let failed_at_end: Vec<&&Exchange> = tail
        .iter()
        .filter(|e| !matches!(e.result, Ok((status, _)) if status < 300))
        .collect();
    assert!(
        failed_at_end.is_empty(),
        "requests still failing 1 s after /readyz recovered: {failed_at_end:?}"
    );

    let health = raw_http::send(server.addr, "GET", "/healthz", b"").unwrap();
    assert_eq!(health.status, 200);
}

// NOTE: the generated repository passes database connection errors through unchanged, and the API maps every
// unrecognised error to 500, so this test fails until connection errors map to a 503 problem. Run it with
// `cargo test --test faults -- --ignored`.
#[test]
fn postgres_outage_returns_503_problems() {
    let (_work, server, _postgres, record) = run_outage_under_load();
    let summary = status_counts(record.exchanges.iter());

    let server_errors: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| matches!(e.result, Ok((status, _)) if status >= 500 && status != 503))
        .collect();
    assert!(
        server_errors.is_empty(),
        "{} responses with a 5xx status other than 503: {summary}\n{}",
        server_errors.len(),
        server.logs()
    );

    let during_outage: Vec<&Exchange> = record
        .exchanges
        .iter()
        .filter(|e| e.started >= record.stopped && e.ended <= record.restarting)
        .collect();
    for exchange in &during_outage {
        let Ok((status, content_type)) = &exchange.result else {
            panic!("no complete response during the outage: {exchange:?}");
        };
        assert_eq!(
            *status, 503,
            "{} during the outage: {summary}",
            exchange.kind
        );
        assert_eq!(
            content_type.as_deref(),
            Some(PROBLEM_JSON),
            "{}",
            exchange.kind
        );
    }
}
