//! Awkward project names still give projects that build, because no Go identifier comes from the name.

mod support;

use support::go_ok;
use tempfile::TempDir;

#[test]
fn awkward_names_build() {
    for args in [
        &["kube-release"][..],
        &["2fa-service"],
        &["go-job"],
        &["my.service"],
        &["range"],
        &["Mixed_Case", "--module", "GitHub.com/Acme/Mixed_Case"],
        &["orders", "--db", "postgres", "--module", "example.com/x/go"],
    ] {
        let cwd = TempDir::new().unwrap();
        let project = support::generate(cwd.path(), args);
        go_ok(&project, &["vet", "./..."], &[]);
        go_ok(&project, &["build", "./..."], &[("CGO_ENABLED", "0")]);
    }
}
