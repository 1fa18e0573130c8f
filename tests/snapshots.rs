//! insta snapshots of the generated file tree and of every generated file, per database. Review every changed
//! snapshot before accepting it; CI only compares.

mod support;

use scaffold::spec::Database;

fn snapshot_plan(database: Database) {
    let plan = support::example_plan(database);
    let db = database.as_str();
    let tree: String = plan
        .files
        .iter()
        .map(|file| format!("{:>6}  {}\n", file.contents.len(), file.path))
        .collect();

    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("{db}__tree"), tree);
        for file in &plan.files {
            let name = format!("{db}__{}", file.path.replace('/', "__"));
            let text = String::from_utf8(file.contents.clone()).expect("generated files are UTF-8");
            insta::assert_snapshot!(name, text);
        }
    });
}

#[test]
fn sqlite_project() {
    snapshot_plan(Database::Sqlite);
}

#[test]
fn postgres_project() {
    snapshot_plan(Database::Postgres);
}

#[test]
fn mysql_project() {
    snapshot_plan(Database::Mysql);
}

#[test]
fn none_project() {
    snapshot_plan(Database::None);
}
