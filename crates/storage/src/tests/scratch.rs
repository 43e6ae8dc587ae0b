//! The bench's scratch table: created when missing, written one committed row at a time, and
//! gone after, leaving the schema as the migrations made it.

use crate::testing::TestDb;

#[tokio::test]
async fn the_scratch_table_takes_rows_and_leaves_no_trace() {
    let test = TestDb::new().await.expect("db");
    let outline = test.db.schema_outline().await.expect("outline");
    test.db.create_scratch_table().await.expect("create");
    test.db.create_scratch_table().await.expect("create again");
    for _ in 0..3 {
        test.db
            .insert_scratch_row("2026-11-27T21:00:00Z", "{\"kind\":\"submitted\"}")
            .await
            .expect("insert");
    }
    test.db.drop_scratch_table().await.expect("drop");
    test.db.drop_scratch_table().await.expect("drop again");
    assert!(
        test.db
            .insert_scratch_row("2026-11-27T21:00:00Z", "{}")
            .await
            .is_err(),
        "the table is gone"
    );
    assert_eq!(test.db.schema_outline().await.expect("outline"), outline);
}
