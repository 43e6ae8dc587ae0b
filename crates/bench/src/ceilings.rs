//! The two limits every operation is compared with, measured in the same run on the same
//! machine: the HTTP stack (the cheapest endpoint, which does no work) and the storage (rows
//! committed one per durable transaction into a scratch table of the server's own database).

use std::sync::Arc;

use storage::{Backend, Db, DbOptions};

use crate::BenchError;
use crate::driver::{Bounds, drive};
use crate::stats::Measured;
use crate::workload::get_ok;

/// Name of the HTTP ceiling in the report.
pub const HTTP: &str = "ceiling: HTTP stack";
/// Name of the storage ceiling in the report.
pub const STORAGE: &str = "ceiling: durable insert";

/// Drives the cheapest endpoint (`path`, `/livez` when the server has it).
pub async fn http(http: &reqwest::Client, base: &str, path: &str, bounds: Bounds) -> Measured {
    let url = Arc::new(format!("{base}{path}"));
    let http = http.clone();
    drive(&format!("{HTTP} (GET {path})"), bounds, move |_| {
        let (http, url) = (http.clone(), url.clone());
        async move { get_ok(&http, &url, None).await }
    })
    .await
}

/// About the size of one dossier event's JSON, so a row costs what a submission's rows cost.
fn payload() -> String {
    let mut p = String::from("{\"kind\":\"submitted\",\"note\":\"");
    while p.len() < 1000 {
        p.push_str("Hồ sơ đăng ký khai sinh trực tuyến ");
    }
    p.push_str("\"}");
    p
}

/// Inserts rows into the scratch table of `database_url`, one per committed transaction, from
/// one writer on SQLite (it has one write lock) and from `bounds.concurrency` on PostgreSQL;
/// drops the table after. The name says how many writers ran.
pub async fn storage(database_url: &str, bounds: Bounds) -> Result<Measured, BenchError> {
    // Creating an empty file elsewhere would measure some other disk than the server's.
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).exists() {
            return Err(BenchError::Http(format!(
                "{path} does not exist: give the server's --database-url, or its MOTCUA_DATA_DIR"
            )));
        }
    }
    let writers = if database_url.starts_with("sqlite:") {
        1
    } else {
        bounds.concurrency.max(1)
    };
    let mut options = DbOptions::new(database_url);
    options.max_connections = u32::try_from(writers).unwrap_or(16);
    let db = Db::connect(&options).await?;
    db.create_scratch_table().await?;
    let backend = db.backend();
    let payload = Arc::new(payload());
    let writer_db = db.clone();
    let measured = drive(
        &format!(
            "{STORAGE} ({}, {writers} writer{})",
            match backend {
                Backend::Sqlite => "SQLite",
                Backend::Postgres => "PostgreSQL",
            },
            if writers == 1 { "" } else { "s" }
        ),
        Bounds {
            concurrency: writers,
            ..bounds
        },
        move |_| {
            let (db, payload) = (writer_db.clone(), payload.clone());
            async move {
                let at = time::OffsetDateTime::now_utc()
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                db.insert_scratch_row(&at, &payload)
                    .await
                    .map_err(|e| e.to_string())
            }
        },
    )
    .await;
    let dropped = db.drop_scratch_table().await;
    db.close().await;
    dropped?;
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_about_a_kilobyte() {
        let p = payload();
        assert!((1000..1100).contains(&p.len()), "{}", p.len());
    }
}
