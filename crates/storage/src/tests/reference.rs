//! Reference data: migrations, catalogue and calendar storage.

use domain::calendar::{CalendarDay, DayKind};
use time::macros::date;

use crate::DaySource;
use crate::reference_data::{shipped_catalogue, shipped_days};
use crate::testing::TestDb;

/// Tables and columns declared by one migration tree, read from its SQL files, so the two trees
/// are compared even on a machine without PostgreSQL.
fn declared_columns(tree: &str) -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(tree);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migration folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut columns: Vec<(String, String)> = Vec::new();
    for file in files {
        let sql = std::fs::read_to_string(&file).expect("migration file");
        let mut table: Option<String> = None;
        for line in sql.lines().map(str::trim) {
            let words: Vec<&str> = line.trim_end_matches(';').split_whitespace().collect();
            // A table rebuilt (SQLite cannot change a constraint in place): dropped, and the
            // new one renamed to the old name.
            if let ["drop", "table", name] = words.as_slice() {
                columns.retain(|(c, _)| !c.starts_with(&format!("{name}.")));
                continue;
            }
            if let ["alter", "table", from, "rename", "to", to] = words.as_slice() {
                for (c, _) in &mut columns {
                    if let Some(column) = c.strip_prefix(&format!("{from}.")) {
                        *c = format!("{to}.{column}");
                    }
                }
                continue;
            }
            if let ["alter", "table", name, "add", "column", column, ..] = words.as_slice() {
                let nullable = !line.contains("not null");
                columns.push((format!("{name}.{column}"), nullable.to_string()));
                continue;
            }
            if let Some(rest) = line.strip_prefix("create table ") {
                table = rest.split_whitespace().next().map(str::to_owned);
            } else if line.starts_with(')') {
                table = None;
            } else if let Some(t) = &table {
                let word = line.split_whitespace().next().unwrap_or_default();
                let constraint = ["primary", "unique", "foreign", "check", "constraint", "--"];
                if !word.is_empty() && !constraint.iter().any(|c| word.starts_with(c)) {
                    let nullable = !line.contains("not null") && !line.contains("primary key");
                    columns.push((format!("{t}.{word}"), nullable.to_string()));
                }
            }
        }
    }
    columns.sort();
    columns
}

#[test]
fn both_migration_trees_declare_the_same_tables_and_columns() {
    let sqlite = declared_columns("sqlite");
    let postgres = declared_columns("postgres");
    assert!(sqlite.len() > 50, "parsed only {} columns", sqlite.len());
    assert_eq!(sqlite, postgres);
}

#[tokio::test]
async fn migrated_engines_report_the_same_outline_as_sqlite() {
    // The live outline of whichever engine this run uses must match a fresh SQLite one.
    let sqlite_dir = tempfile::tempdir().expect("tempdir");
    let sqlite = crate::Db::connect(&crate::DbOptions::new(format!(
        "sqlite://{}",
        sqlite_dir.path().join("outline.db").display()
    )))
    .await
    .expect("sqlite");
    sqlite.migrate().await.expect("migrate sqlite");
    let test = TestDb::new().await.expect("test db");
    assert_eq!(
        test.db.schema_outline().await.expect("outline"),
        sqlite.schema_outline().await.expect("sqlite outline")
    );
}

#[tokio::test]
async fn seeding_stores_the_shipped_catalogue_and_reads_it_back_unchanged() {
    let test = TestDb::new().await.expect("test db");
    assert!(!test.db.is_seeded().await.expect("meta"));
    let report = test
        .db
        .seed_if_empty()
        .await
        .expect("seed")
        .expect("first seed loads");
    let shipped = shipped_catalogue().expect("shipped");
    assert_eq!(report.procedures, shipped.procedures.len());
    let stored = test.db.load_catalogue().await.expect("load");
    assert_same_catalogue(&stored, &shipped);
    assert!(test.db.seed_if_empty().await.expect("second").is_none());
}

#[tokio::test]
async fn reseeding_keeps_agency_ids_and_replaces_procedure_lists() {
    let test = TestDb::seeded().await.expect("seeded");
    let before = test.db.load_catalogue().await.expect("load");
    let report = test.db.seed_reference_data().await.expect("reseed");
    assert_eq!(report.procedures, before.procedures.len());
    assert_same_catalogue(&test.db.load_catalogue().await.expect("load"), &before);
}

/// Compares two catalogues entry by entry, so a failure names the entry that differs.
/// Workflows are stored by code and version, so they come back in that order.
fn assert_same_catalogue(
    stored: &domain::catalogue::Catalogue,
    expected: &domain::catalogue::Catalogue,
) {
    assert_eq!(stored.agencies, expected.agencies);
    assert_eq!(stored.fields, expected.fields);
    let mut workflows = expected.workflows.clone();
    workflows.sort_by(|a, b| (&a.code, a.version).cmp(&(&b.code, b.version)));
    assert_eq!(stored.workflows, workflows);
    assert_eq!(stored.procedures.len(), expected.procedures.len());
    for (s, e) in stored.procedures.iter().zip(&expected.procedures) {
        assert_eq!(s, e, "procedure {} differs", e.code);
    }
}

#[tokio::test]
async fn an_administrators_calendar_edit_survives_reseeding_and_can_be_withdrawn() {
    let test = TestDb::seeded().await.expect("seeded");
    let saturday = date!(2026 - 02 - 07);
    let swap = CalendarDay {
        date: saturday,
        kind: DayKind::WorkingDay,
        name: "Làm bù cho ngày nghỉ Tết".into(),
        name_en: "Working day in lieu of a Tết day off".into(),
    };
    test.db.set_calendar_day(&swap).await.expect("set");
    test.db.seed_reference_data().await.expect("reseed");
    let days = test
        .db
        .calendar_days(saturday, saturday)
        .await
        .expect("days");
    assert_eq!(days, vec![(swap.clone(), DaySource::Admin)]);

    let shipped = shipped_days(2026)
        .expect("shipped")
        .into_iter()
        .find(|(d, _)| d.date == saturday);
    assert!(
        test.db
            .unset_calendar_day(saturday, shipped.clone())
            .await
            .expect("unset")
    );
    let days = test
        .db
        .calendar_days(saturday, saturday)
        .await
        .expect("days");
    assert_eq!(days, shipped.into_iter().collect::<Vec<_>>());
}

#[tokio::test]
async fn the_stored_calendar_covers_2020_to_2035() {
    let test = TestDb::seeded().await.expect("seeded");
    let days = test.db.all_calendar_days().await.expect("days");
    assert_eq!(days.first().map(|d| d.date.year()), Some(2020));
    assert_eq!(days.last().map(|d| d.date.year()), Some(2035));
    let tet_2026 = days
        .iter()
        .find(|d| d.date == date!(2026 - 02 - 17))
        .expect("Tết 2026 is stored");
    assert_eq!(tet_2026.kind, DayKind::Holiday);
}
