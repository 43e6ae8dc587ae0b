//! `motcua bench`: measures a running motcua from the outside, over HTTP on loopback, the way
//! DESIGN §8 asks performance to be measured (never by timed tests). One run drives each
//! operation of a province's workload in turn, bounded in time and in requests, measures the two
//! ceilings of the same machine beside them (the HTTP stack, the durable insert rate of the same
//! database) and samples the server's memory. It also holds the crash test's submitter and
//! checker (`ledger`).

pub mod ceilings;
pub mod driver;
pub mod ledger;
pub mod memory;
pub mod notices;
pub mod report;
pub mod server;
pub mod stats;
pub mod synthetic;
pub mod workload;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::driver::{Bounds, drive};
use crate::report::{Bound, Report};
use crate::workload::{Filings, application, get_ok, read, search_path, submit, track_page};

/// Why a bench could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Nothing answered at the URL: the server is not running there.
    #[error("cannot reach motcua at {url}: {reason}")]
    Unreachable {
        /// The URL tried.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The server answered something the bench cannot use.
    #[error("{0}")]
    Http(String),
    /// The database of the storage ceiling failed.
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    /// Synthetic history could not be generated.
    #[error("synthetic history: {0}")]
    Synthetic(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
}

/// What to run, as `motcua bench` was told.
#[derive(Debug, Clone)]
pub struct Options {
    /// Base URL of the running server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// Wall time of the whole run, shared evenly by its phases.
    pub duration: Duration,
    /// Most requests of each phase.
    pub max_requests: u64,
    /// Concurrent connections.
    pub concurrency: usize,
    /// A key with `submit_dossiers` and `read_own_dossiers`; without it submissions, reads and
    /// tracking are skipped.
    pub api_key: Option<String>,
    /// Procedure the submissions file (online, with the papers it requires).
    pub procedure: String,
    /// Officer whose inbox is read.
    pub officer: String,
    /// That officer's password.
    pub password: String,
    /// Officer who reads the reports (same password).
    pub reports_officer: String,
    /// The server's database, for the storage ceiling; `None` skips it.
    pub database_url: Option<String>,
    /// The server's process id; found from the URL's port when `None`.
    pub server_pid: Option<u32>,
    /// Where to write the report as JSON too.
    pub json: Option<PathBuf>,
}

/// The URL without a trailing slash.
fn base_of(url: &str) -> String {
    url.trim_end_matches('/').to_owned()
}

/// The port of an `http://host:port/…` URL (80 when none is written).
pub fn port_of(url: &str) -> u16 {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    authority
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(80)
}

/// How many phases a run has, so each gets its share of the time.
fn phase_count(options: &Options) -> u32 {
    // HTTP ceiling, search, inbox, four reports; the storage ceiling; submit, read, tracking
    // page and API.
    7 + u32::from(options.database_url.is_some()) + if options.api_key.is_some() { 4 } else { 0 }
}

fn say(line: &str) {
    eprintln!("bench: {line}");
}

/// Runs every phase against the server and returns the report (also written as JSON when asked).
pub async fn run(options: &Options) -> Result<Report, BenchError> {
    let base = base_of(&options.url);
    let http = server::client(options.concurrency)?;
    let ceiling_path = server::ceiling_path(&http, &base).await?;
    let bounds = Bounds {
        concurrency: options.concurrency.max(1),
        duration: options.duration / phase_count(options).max(1),
        max_requests: options.max_requests,
    };
    let mut report = Report {
        url: base.clone(),
        started_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        concurrency: bounds.concurrency,
        phase_seconds: bounds.duration.as_secs_f64(),
        max_requests: bounds.max_requests,
        http_ceiling: None,
        storage_ceiling: None,
        operations: Vec::new(),
        memory: None,
        notices: None,
        notes: Vec::new(),
    };
    if ceiling_path != "/livez" {
        report.notes.push(
            "the server has no /livez: the HTTP ceiling is /healthz, which pings the database"
                .into(),
        );
    }

    let pid = match options.server_pid {
        Some(pid) => Ok(pid),
        None => memory::find_server(port_of(&base)),
    };
    let sampler = match pid {
        Ok(pid) => match memory::read(pid) {
            Some(before) => Some((
                memory::Sampler::start(pid, Duration::from_millis(200)),
                before,
            )),
            None => {
                report.notes.push(format!(
                    "memory not measured: cannot read /proc/{pid}/status"
                ));
                None
            }
        },
        Err(why) => {
            report.notes.push(format!("memory not measured: {why}"));
            None
        }
    };

    let notices = notices::Sampler::start(&http, &base, Duration::from_millis(500));

    say(&format!(
        "{} phases of {:.1} s, {} connections, at most {} requests each",
        phase_count(options),
        bounds.duration.as_secs_f64(),
        bounds.concurrency,
        bounds.max_requests
    ));
    say(&format!("HTTP ceiling: GET {ceiling_path}"));
    report.http_ceiling = Some(ceilings::http(&http, &base, ceiling_path, bounds).await);
    match &options.database_url {
        Some(url) => {
            say("storage ceiling: one row per durable transaction");
            match ceilings::storage(url, bounds).await {
                Ok(m) => report.storage_ceiling = Some(m),
                Err(e) => report
                    .notes
                    .push(format!("storage ceiling not measured: {e}")),
            }
        }
        None => report
            .notes
            .push("storage ceiling not measured: no database URL".into()),
    }

    say("catalogue search");
    let (h, b) = (http.clone(), Arc::new(base.clone()));
    let searched = drive("catalogue search", bounds, move |n| {
        let (h, b) = (h.clone(), b.clone());
        async move { get_ok(&h, &format!("{b}{}", search_path(n)), None).await }
    })
    .await;
    report.push(searched, Bound::Http);

    match &options.api_key {
        Some(key) => dossier_phases(&mut report, &http, &base, key, options, bounds).await,
        None => report.notes.push(
            "dossier submission, read and tracking skipped: no API key (create one with \
             `motcua api-key create --name bench --scopes submit_dossiers,read_own_dossiers` and \
             pass it with --api-key or MOTCUA_BENCH_API_KEY)"
                .into(),
        ),
    }

    say(&format!("officer inbox as {}", options.officer));
    match server::sign_in(&http, &base, &options.officer, &options.password).await {
        Ok(cookie) => {
            let (h, url, cookie) = (
                http.clone(),
                Arc::new(format!("{base}/back-office/inbox")),
                Arc::new(cookie),
            );
            let inbox = drive("officer inbox", bounds, move |_| {
                let (h, url, cookie) = (h.clone(), url.clone(), cookie.clone());
                async move { get_ok(&h, &url, Some(&cookie)).await }
            })
            .await;
            report.push(inbox, Bound::Http);
        }
        Err(e) => report.notes.push(format!("officer inbox skipped: {e}")),
    }

    report_phases(&mut report, &http, &base, options, bounds).await;

    if let Some((sampler, before)) = sampler {
        report.memory = Some(sampler.finish(before).await);
    }
    report.notices = notices.finish().await;
    if report.notices.is_none() {
        report
            .notes
            .push("notices not measured: the server's /metrics could not be read".into());
    }
    if let Some(path) = &options.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| BenchError::Http(format!("cannot write the report: {e}")))?;
        std::fs::write(path, text).map_err(|source| BenchError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(report)
}

/// The back office's reports, as an officer who reads them: the monthly dossier report of the
/// last full month (whose figures the server keeps once counted) and of this month (counted by
/// the database at every request), the ratings report of the last full month, the payment
/// report and the population look-up report of this year.
async fn report_phases(
    report: &mut Report,
    http: &reqwest::Client,
    base: &str,
    options: &Options,
    bounds: Bounds,
) {
    say(&format!("reports as {}", options.reports_officer));
    let cookie =
        match server::sign_in(http, base, &options.reports_officer, &options.password).await {
            Ok(cookie) => Arc::new(cookie),
            Err(e) => {
                report.notes.push(format!("reports skipped: {e}"));
                return;
            }
        };
    let now = time::OffsetDateTime::now_utc().to_offset(domain::calendar::VIETNAM_OFFSET);
    let (year, month) = match now.month() {
        time::Month::January => (now.year() - 1, 12),
        m => (now.year(), u8::from(m) - 1),
    };
    let pages = [
        (
            "monthly report, last month",
            format!("{base}/back-office/reports/monthly?month={year:04}-{month:02}"),
        ),
        (
            "monthly report, this month",
            format!(
                "{base}/back-office/reports/monthly?month={:04}-{:02}",
                now.year(),
                u8::from(now.month())
            ),
        ),
        (
            "ratings report, last month",
            format!("{base}/back-office/reports/ratings?month={year:04}-{month:02}"),
        ),
        (
            "payment report",
            format!("{base}/back-office/reports/payments"),
        ),
        (
            "look-up report",
            format!("{base}/back-office/reports/registry-lookups"),
        ),
    ];
    for (name, url) in pages {
        say(name);
        let (h, url, cookie) = (http.clone(), Arc::new(url), cookie.clone());
        let measured = drive(name, bounds, move |_| {
            let (h, url, cookie) = (h.clone(), url.clone(), cookie.clone());
            async move { get_ok(&h, &url, Some(&cookie)).await }
        })
        .await;
        report.push(measured, Bound::Http);
    }
}

/// Submission, then reads and tracking of what was submitted.
async fn dossier_phases(
    report: &mut Report,
    http: &reqwest::Client,
    base: &str,
    api_key: &str,
    options: &Options,
    bounds: Bounds,
) {
    let filing = match server::filing(http, base, &options.procedure).await {
        Ok(f) => Arc::new(f),
        Err(e) => {
            report.notes.push(format!(
                "dossier submission, read and tracking skipped: {e}"
            ));
            return;
        }
    };
    say(&format!(
        "dossier submission: procedure {} at {}",
        filing.procedure, filing.agency
    ));
    let filings = Arc::new(Filings::default());
    let run = uuid::Uuid::new_v4().simple().to_string();
    let (h, b, k) = (
        http.clone(),
        Arc::new(base.to_owned()),
        Arc::new(api_key.to_owned()),
    );
    let (f, done, r) = (filing.clone(), filings.clone(), Arc::new(run));
    let submitted = drive("dossier submission", bounds, move |n| {
        let (h, b, k, f, done, r) = (
            h.clone(),
            b.clone(),
            k.clone(),
            f.clone(),
            done.clone(),
            r.clone(),
        );
        async move {
            let app = application(&f, &r, n);
            let (_, code) = submit(&h, &b, &k, &app.body, &app.key).await?;
            done.push(code, app.digits);
            Ok(())
        }
    })
    .await;
    report.push(submitted, Bound::Storage);

    let filed = Arc::new(filings.snapshot());
    if filed.is_empty() {
        report
            .notes
            .push("dossier read and tracking skipped: no submission succeeded".into());
        return;
    }
    let pick = |list: &Arc<Vec<(String, String)>>, n: u64| {
        let len = u64::try_from(list.len()).unwrap_or(1).max(1);
        usize::try_from(n % len)
            .ok()
            .and_then(|i| list.get(i))
            .cloned()
            .unwrap_or_default()
    };

    say("dossier read");
    let (h, b, k, l) = (
        http.clone(),
        Arc::new(base.to_owned()),
        Arc::new(api_key.to_owned()),
        filed.clone(),
    );
    let reads = drive("dossier read", bounds, move |n| {
        let (h, b, k) = (h.clone(), b.clone(), k.clone());
        let (code, _) = pick(&l, n);
        async move { read(&h, &b, &k, &code).await }
    })
    .await;
    report.push(reads, Bound::Http);

    say("tracking page (POST)");
    let (h, b, l) = (http.clone(), Arc::new(base.to_owned()), filed.clone());
    let tracked = drive("tracking page", bounds, move |n| {
        let (h, b) = (h.clone(), b.clone());
        let (code, digits) = pick(&l, n);
        async move { track_page(&h, &b, &code, &digits).await }
    })
    .await;
    report.push(tracked, Bound::Http);

    say("tracking API");
    let (h, b, l) = (http.clone(), Arc::new(base.to_owned()), filed);
    let tracked = drive("tracking API", bounds, move |n| {
        let (h, b) = (h.clone(), b.clone());
        let (code, digits) = pick(&l, n);
        async move {
            let url = format!("{b}{}", workload::tracking_api_path(&code, &digits));
            get_ok(&h, &url, None).await
        }
    })
    .await;
    report.push(tracked, Bound::Http);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_comes_from_the_url() {
        assert_eq!(port_of("http://127.0.0.1:8080"), 8080);
        assert_eq!(port_of("http://127.0.0.1:39123/"), 39123);
        assert_eq!(port_of("http://localhost/x:9"), 80);
    }

    #[test]
    fn phases_share_the_time() {
        let mut o = Options {
            url: "http://127.0.0.1:8080".into(),
            duration: Duration::from_secs(20),
            max_requests: 10,
            concurrency: 4,
            api_key: None,
            procedure: "1.001193".into(),
            officer: "tiepnhan.xa".into(),
            password: "motcua-demo".into(),
            reports_officer: "lanhdao.xa".into(),
            database_url: None,
            server_pid: None,
            json: None,
        };
        assert_eq!(phase_count(&o), 7);
        o.api_key = Some("k".into());
        o.database_url = Some("sqlite://data/motcua.db".into());
        assert_eq!(phase_count(&o), 12);
    }
}
