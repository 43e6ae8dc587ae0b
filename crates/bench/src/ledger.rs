//! The crash test's two halves. `submit` files applications under load and writes every
//! acknowledged one (its code, idempotency key and exact body) to a ledger file the moment the
//! answer arrives, so a `kill -9` of the server at any instant leaves a true list of what was
//! promised. `verify`, after a restart, checks the promise: each code reads back, each retry
//! with the same key answers the same code, and no code was given twice.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::BenchError;
use crate::driver::{Bounds, drive};
use crate::server::{self, Filing};
use crate::stats::Measured;
use crate::workload::{application, read, submit};

/// One acknowledged submission.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// The dossier code the server answered.
    pub code: String,
    /// The `Idempotency-Key` sent.
    pub key: String,
    /// The status it answered (201).
    pub status: u16,
    /// The request body, byte for byte.
    pub body: String,
}

/// Appends entries, one JSON line each, written and flushed whole before the next.
struct Writer {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl Writer {
    fn create(path: &Path) -> Result<Writer, BenchError> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| BenchError::Io {
                path: path.display().to_string(),
                source,
            })?;
        Ok(Writer {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    fn append(&self, entry: &Entry) -> Result<(), String> {
        let mut line = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        line.push('\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| "ledger lock poisoned".to_owned())?;
        // One write of the whole line: the file never holds half an entry of ours, even if
        // this process is killed too.
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// Reads a ledger; a torn last line (none is expected) is skipped.
pub fn read_ledger(path: &Path) -> Result<Vec<Entry>, BenchError> {
    let text = std::fs::read_to_string(path).map_err(|source| BenchError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// Files applications until the time or budget is spent, recording each acknowledged one.
/// Connection failures (the server being killed) are counted and retried after a pause, never
/// fatal: the run ends at its time.
pub async fn submit_to_ledger(
    base: &str,
    api_key: &str,
    procedure: &str,
    ledger: &Path,
    bounds: Bounds,
) -> Result<Measured, BenchError> {
    let http = server::client(bounds.concurrency)?;
    server::ceiling_path(&http, base).await?;
    let filing: Filing = server::filing(&http, base, procedure).await?;
    let writer = Arc::new(Writer::create(ledger)?);
    let run = uuid::Uuid::new_v4().simple().to_string();
    let (base, api_key, filing) = (
        Arc::new(base.to_owned()),
        Arc::new(api_key.to_owned()),
        Arc::new(filing),
    );
    Ok(drive("acknowledged submissions", bounds, move |n| {
        let (http, base, api_key, filing, writer, run) = (
            http.clone(),
            base.clone(),
            api_key.clone(),
            filing.clone(),
            writer.clone(),
            run.clone(),
        );
        async move {
            let app = application(&filing, &run, n);
            match submit(&http, &base, &api_key, &app.body, &app.key).await {
                Ok((status, code)) => writer.append(&Entry {
                    code,
                    key: app.key,
                    status,
                    body: app.body,
                }),
                Err(e) => {
                    // A dead server refuses at once; do not spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(e)
                }
            }
        }
    })
    .await)
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// Entries in the ledger.
    pub acknowledged: usize,
    /// Codes answered for two different keys (must be none).
    pub duplicate_codes: Vec<String>,
    /// Entries whose code no longer reads back, with why.
    pub missing: Vec<String>,
    /// Entries whose retry answered another code or failed, with why.
    pub retries_differ: Vec<String>,
}

impl Verdict {
    /// Whether every promise was kept.
    pub fn passed(&self) -> bool {
        self.duplicate_codes.is_empty() && self.missing.is_empty() && self.retries_differ.is_empty()
    }
}

/// Codes that appear under more than one idempotency key.
pub fn duplicate_codes(entries: &[Entry]) -> Vec<String> {
    let mut keys_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in entries {
        let keys = keys_of.entry(e.code.as_str()).or_default();
        if !keys.contains(&e.key.as_str()) {
            keys.push(&e.key);
        }
    }
    let mut dups: Vec<String> = keys_of
        .into_iter()
        .filter(|(_, keys)| keys.len() > 1)
        .map(|(code, _)| code.to_owned())
        .collect();
    dups.sort();
    dups
}

/// Reads back every acknowledged code and sends every request again with its key.
pub async fn verify(
    base: &str,
    api_key: &str,
    ledger: &Path,
    concurrency: usize,
) -> Result<Verdict, BenchError> {
    let entries = Arc::new(read_ledger(ledger)?);
    let http = server::client(concurrency)?;
    server::ceiling_path(&http, base).await?;
    let missing = Arc::new(Mutex::new(Vec::new()));
    let differ = Arc::new(Mutex::new(Vec::new()));
    let bounds = Bounds {
        concurrency,
        duration: Duration::from_secs(600),
        max_requests: u64::try_from(entries.len()).unwrap_or(u64::MAX),
    };
    let (base, api_key) = (Arc::new(base.to_owned()), Arc::new(api_key.to_owned()));
    let (m, d, all) = (missing.clone(), differ.clone(), entries.clone());
    drive("verify", bounds, move |n| {
        let (http, base, api_key, m, d, all) = (
            http.clone(),
            base.clone(),
            api_key.clone(),
            m.clone(),
            d.clone(),
            all.clone(),
        );
        async move {
            let Some(e) = usize::try_from(n).ok().and_then(|i| all.get(i)) else {
                return Ok(());
            };
            if let Err(why) = read(&http, &base, &api_key, &e.code).await
                && let Ok(mut m) = m.lock()
            {
                m.push(why);
            }
            let again = submit(&http, &base, &api_key, &e.body, &e.key).await;
            match again {
                Ok((_, code)) if code == e.code => {}
                Ok((_, code)) => {
                    if let Ok(mut d) = d.lock() {
                        d.push(format!("key {}: first {}, retry {code}", e.key, e.code));
                    }
                }
                Err(why) => {
                    if let Ok(mut d) = d.lock() {
                        d.push(format!("key {}: retry failed: {why}", e.key));
                    }
                }
            }
            Ok(())
        }
    })
    .await;
    let take = |v: &Mutex<Vec<String>>| v.lock().map(|v| v.clone()).unwrap_or_default();
    Ok(Verdict {
        acknowledged: entries.len(),
        duplicate_codes: duplicate_codes(&entries),
        missing: take(&missing),
        retries_differ: take(&differ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, key: &str) -> Entry {
        Entry {
            code: code.into(),
            key: key.into(),
            status: 201,
            body: "{}".into(),
        }
    }

    #[test]
    fn a_code_under_two_keys_is_a_duplicate_and_a_repeated_line_is_not() {
        let entries = [
            entry("A-1", "k1"),
            entry("A-2", "k2"),
            entry("A-2", "k3"),
            entry("A-1", "k1"),
        ];
        assert_eq!(duplicate_codes(&entries), vec!["A-2".to_owned()]);
    }

    #[test]
    fn the_ledger_round_trips_and_skips_a_torn_line() {
        let dir = std::env::temp_dir().join(format!("motcua-ledger-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("ledger.jsonl");
        let w = Writer::create(&path).expect("create");
        w.append(&entry("A-1", "k1")).expect("append");
        w.append(&entry("A-2", "k2")).expect("append");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(b"{\"code\":\"A-3\",\"ke").expect("torn");
        let read = read_ledger(&path).expect("read");
        assert_eq!(read, vec![entry("A-1", "k1"), entry("A-2", "k2")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
