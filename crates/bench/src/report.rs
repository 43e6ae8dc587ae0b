//! What a bench run found, as an aligned table for people and as JSON for tools: each
//! operation's throughput and latencies, each beside the ceiling it is bounded by (reads by the
//! HTTP stack, submissions by the durable insert rate), and the server's memory.

use serde::Serialize;

use crate::memory::MemoryReport;
use crate::stats::Measured;

/// Which ceiling bounds an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Answering a request at all: the cheapest endpoint's rate.
    Http,
    /// Committing a write durably: the scratch table's insert rate.
    Storage,
}

/// One operation's figures and its share of its ceiling.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// The figures.
    #[serde(flatten)]
    pub measured: Measured,
    /// The ceiling it is compared with.
    pub bound: Bound,
    /// Its throughput over the ceiling's, when both were measured.
    pub fraction_of_ceiling: Option<f64>,
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The server driven.
    pub url: String,
    /// When the run started, RFC 3339.
    pub started_at: String,
    /// Concurrent connections of each phase.
    pub concurrency: usize,
    /// Wall time given to each phase, in seconds.
    pub phase_seconds: f64,
    /// Most requests of each phase.
    pub max_requests: u64,
    /// The HTTP stack's ceiling.
    pub http_ceiling: Option<Measured>,
    /// The storage's ceiling.
    pub storage_ceiling: Option<Measured>,
    /// The workload's operations.
    pub operations: Vec<Operation>,
    /// Server memory during the run.
    pub memory: Option<MemoryReport>,
    /// The notices handed to the mail relay and the SMS gateway during the run.
    pub notices: Option<crate::notices::NoticeFigures>,
    /// Phases not run, or figures not taken, and why.
    pub notes: Vec<String>,
}

/// `rate / ceiling`, when the ceiling was measured and is not zero.
pub fn fraction(rate: f64, ceiling: Option<&Measured>) -> Option<f64> {
    let c = ceiling?.per_second;
    (c > 0.0).then(|| rate / c)
}

impl Report {
    /// Adds an operation, with its share of the ceiling that bounds it.
    pub fn push(&mut self, measured: Measured, bound: Bound) {
        let ceiling = match bound {
            Bound::Http => self.http_ceiling.as_ref(),
            Bound::Storage => self.storage_ceiling.as_ref(),
        };
        let fraction_of_ceiling = fraction(measured.per_second, ceiling);
        self.operations.push(Operation {
            measured,
            bound,
            fraction_of_ceiling,
        });
    }

    /// The table printed at the end of a run.
    pub fn table(&self) -> String {
        let header = [
            "operation",
            "ok",
            "errors",
            "req/s",
            "p50",
            "p95",
            "p99",
            "max",
            "of ceiling",
        ];
        let mut rows: Vec<[String; 9]> = Vec::new();
        let row = |m: &Measured, share: String| {
            [
                m.name.clone(),
                m.ok.to_string(),
                m.errors.to_string(),
                format!("{:.0}", m.per_second),
                micros(m.latency.p50_us),
                micros(m.latency.p95_us),
                micros(m.latency.p99_us),
                micros(m.latency.max_us),
                share,
            ]
        };
        for c in [&self.http_ceiling, &self.storage_ceiling]
            .into_iter()
            .flatten()
        {
            rows.push(row(c, "(ceiling)".to_owned()));
        }
        for op in &self.operations {
            let share = match (op.fraction_of_ceiling, op.bound) {
                (Some(f), Bound::Http) => format!("{} of HTTP", percent(f)),
                (Some(f), Bound::Storage) => format!("{} of insert", percent(f)),
                (None, _) => "–".to_owned(),
            };
            rows.push(row(&op.measured, share));
        }
        let mut widths = header.map(|h| h.chars().count());
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
                if i == 0 {
                    out.push_str(cell);
                    out.push_str(&pad);
                } else {
                    out.push_str("  ");
                    out.push_str(&pad);
                    out.push_str(cell);
                }
            }
            out.trim_end().to_owned()
        };
        let mut out = String::new();
        out.push_str(&line(&header.map(str::to_owned)));
        out.push('\n');
        for r in &rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        if let Some(m) = &self.memory {
            out.push_str(&format!(
                "server memory (pid {}): resident {} before, peak {} during, {} after; high-water mark {}\n",
                m.pid,
                mebibytes(m.rss_before_kib),
                mebibytes(m.peak_rss_kib),
                mebibytes(m.rss_after_kib),
                mebibytes(m.hwm_kib),
            ));
        }
        if let Some(n) = &self.notices {
            out.push_str(&format!(
                "notices: {} delivered in {:.1} s, {:.0}/s while sending ({:.1} s); backlog at most {}, {} at the end{}\n",
                n.delivered,
                n.seconds,
                n.sending_per_second,
                n.sending_seconds,
                n.largest_backlog,
                n.backlog_at_end,
                match n.drain_seconds {
                    Some(s) => format!(", drained {s:.1} s after the load"),
                    None => ", not drained within 10 s of the load".to_owned(),
                }
            ));
        }
        for op in self
            .http_ceiling
            .iter()
            .chain(self.storage_ceiling.iter())
            .chain(self.operations.iter().map(|o| &o.measured))
        {
            if let Some(e) = &op.first_error {
                out.push_str(&format!("first error of {}: {e}\n", op.name));
            }
        }
        for n in &self.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }
}

/// A latency for the table: µs below a millisecond, ms below ten seconds.
pub fn micros(us: u64) -> String {
    // Latencies stay far below 2^53 µs, where f64 is exact.
    let ms = us as f64 / 1000.0;
    if us < 1000 {
        format!("{us} µs")
    } else if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 10_000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A share as a percentage, with a decimal below ten.
pub fn percent(f: f64) -> String {
    let p = f * 100.0;
    if p < 10.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

fn mebibytes(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::stats::Latencies;

    fn measured(name: &str, ok: u64, secs: u64, latency_ms: u64) -> Measured {
        let mut l = Latencies::new();
        l.record(Duration::from_millis(latency_ms));
        Measured::new(name, ok, 0, Duration::from_secs(secs), &l, None)
    }

    fn report() -> Report {
        Report {
            url: "http://127.0.0.1:8080".into(),
            started_at: "2026-11-27T21:00:00Z".into(),
            concurrency: 16,
            phase_seconds: 2.5,
            max_requests: 100_000,
            http_ceiling: Some(measured("ceiling: HTTP stack", 200_000, 2, 1)),
            storage_ceiling: Some(measured("ceiling: durable insert", 14_000, 2, 1)),
            operations: Vec::new(),
            memory: None,
            notices: None,
            notes: vec!["submissions skipped: no API key".into()],
        }
    }

    #[test]
    fn each_operation_is_a_fraction_of_its_own_ceiling() {
        let mut r = report();
        r.push(measured("catalogue search", 50_000, 2, 2), Bound::Http);
        r.push(measured("dossier submission", 3_500, 2, 5), Bound::Storage);
        let f = |i: usize| r.operations[i].fraction_of_ceiling.expect("fraction");
        assert!((f(0) - 0.25).abs() < 1e-9);
        assert!((f(1) - 0.25).abs() < 1e-9);
        r.storage_ceiling = None;
        r.push(measured("again", 10, 1, 1), Bound::Storage);
        assert_eq!(r.operations[2].fraction_of_ceiling, None);
        assert_eq!(fraction(5.0, Some(&measured("zero", 0, 1, 1))), None);
    }

    #[test]
    fn the_table_is_aligned_and_names_the_ceilings() {
        let mut r = report();
        r.push(measured("catalogue search", 50_000, 2, 2), Bound::Http);
        let table = r.table();
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("operation"), "{table}");
        assert!(table.contains("25 % of HTTP"), "{table}");
        assert!(table.contains("(ceiling)"), "{table}");
        assert!(table.contains("submissions skipped: no API key"), "{table}");
        // Right-aligned figures: every row of the table is as wide as the header.
        let width = lines[0].chars().count();
        for l in &lines[1..4] {
            assert_eq!(l.chars().count(), width, "{table}");
        }
        let p50 = lines[0].find("p50").expect("p50 column");
        assert_eq!(lines[0].find("req/s").map(|c| c < p50), Some(true));
    }

    #[test]
    fn latencies_and_shares_read_naturally() {
        assert_eq!(micros(850), "850 µs");
        assert_eq!(micros(1_234), "1.23 ms");
        assert_eq!(micros(12_345), "12.3 ms");
        assert_eq!(micros(12_345_678), "12.3 s");
        assert_eq!(percent(0.25), "25 %");
        assert_eq!(percent(0.0123), "1.2 %");
    }

    #[test]
    fn the_json_has_the_same_figures() {
        let mut r = report();
        r.push(measured("catalogue search", 50_000, 2, 2), Bound::Http);
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(json["operations"][0]["name"], "catalogue search");
        assert_eq!(json["operations"][0]["bound"], "http");
        assert_eq!(json["operations"][0]["per_second"], 25_000.0);
        assert_eq!(json["operations"][0]["fraction_of_ceiling"], 0.25);
        assert_eq!(json["http_ceiling"]["per_second"], 100_000.0);
    }
}
