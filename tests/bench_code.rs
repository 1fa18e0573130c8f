//! Keeps the programs under `bench/` building against the code that they measure, so that the commands in
//! docs/benchmarks.md still run. They are the load generator, the baseline server and the middleware benchmark,
//! which compiles only inside a generated project.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::{generate, go_ok};
use tempfile::TempDir;

fn bench_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("bench")
        .join(name)
}

#[test]
fn load_programs_pass_vet() {
    for program in ["loadgen", "baseline"] {
        go_ok(&bench_dir(program), &["vet", "./..."], &[]);
    }
}

#[test]
fn middleware_benchmark_runs_in_project() {
    let cwd = TempDir::new().unwrap();
    let project = generate(
        cwd.path(),
        &["billing", "--module", "example.com/shop/billing"],
    );
    let source = fs::read_to_string(bench_dir("middleware").join("chain_test.go")).unwrap();
    // The same substitution as in bench/middleware.sh.
    let placeholder = "\"example.com/billing/internal/middleware\"";
    assert!(
        source.contains(placeholder),
        "chain_test.go no longer imports {placeholder}"
    );
    let source = source.replace(
        placeholder,
        "\"example.com/shop/billing/internal/middleware\"",
    );
    fs::write(
        project.join("internal/middleware/chain_bench_test.go"),
        source,
    )
    .unwrap();

    let output = go_ok(
        &project,
        &[
            "test",
            "-run=^$",
            "-bench=BenchmarkMiddleware",
            "-benchtime=1x",
            "./internal/middleware/",
        ],
        &[],
    );

    for step in ["none", "AccessLog", "Timeout", "all"] {
        assert!(
            output.contains(&format!("BenchmarkMiddleware/{step}")),
            "{output}"
        );
    }
}
