//! Latency and throughput of one measured operation: a histogram per worker (no lock on the hot
//! path), merged at the end into the figures the report prints (p50, p95, p99, max).

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Slowest latency the histogram keeps exactly, in microseconds (a minute); slower samples are
/// clamped to it, which only a hung server produces.
const HIGHEST_MICROS: u64 = 60_000_000;

/// Latencies of one worker or of a whole operation, in microseconds, to three significant digits.
#[derive(Debug, Clone)]
pub struct Latencies {
    histogram: Option<Histogram<u64>>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    /// An empty record.
    pub fn new() -> Self {
        // The bounds are constants known to be valid; `None` would only drop the percentiles.
        Latencies {
            histogram: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).ok(),
        }
    }

    /// Records one request's latency.
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros())
            .unwrap_or(HIGHEST_MICROS)
            .clamp(1, HIGHEST_MICROS);
        if let Some(h) = &mut self.histogram {
            h.saturating_record(micros);
        }
    }

    /// Adds another worker's record to this one.
    pub fn merge(&mut self, other: &Latencies) {
        if let (Some(h), Some(o)) = (&mut self.histogram, &other.histogram) {
            // Same bounds on both sides, so adding cannot fail.
            let _ = h.add(o);
        }
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.histogram.as_ref().map_or(0, Histogram::len)
    }

    /// The percentiles the report prints; all zero when nothing was recorded.
    pub fn summary(&self) -> LatencySummary {
        match &self.histogram {
            Some(h) if !h.is_empty() => LatencySummary {
                p50_us: h.value_at_quantile(0.50),
                p95_us: h.value_at_quantile(0.95),
                p99_us: h.value_at_quantile(0.99),
                max_us: h.max(),
            },
            _ => LatencySummary::default(),
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50_us: u64,
    /// 95th percentile.
    pub p95_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// Slowest request.
    pub max_us: u64,
}

/// What one operation did during its phase.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Name of the operation, e.g. `catalogue search`.
    pub name: String,
    /// Requests that got the expected answer.
    pub ok: u64,
    /// Requests that failed or got another status.
    pub errors: u64,
    /// Wall time of the phase, in seconds.
    pub seconds: f64,
    /// Successful requests per second.
    pub per_second: f64,
    /// Latencies of every request, successful or not.
    pub latency: LatencySummary,
    /// The first error seen, to tell why errors happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

impl Measured {
    /// Builds the figures of a phase from its counts, its wall time and its latencies.
    pub fn new(
        name: &str,
        ok: u64,
        errors: u64,
        elapsed: Duration,
        latencies: &Latencies,
        first_error: Option<String>,
    ) -> Measured {
        Measured {
            name: name.to_owned(),
            ok,
            errors,
            seconds: elapsed.as_secs_f64(),
            per_second: rate(ok, elapsed),
            latency: latencies.summary(),
            first_error,
        }
    }
}

/// Events per second; zero for an empty interval.
pub fn rate(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        // Counts stay far below 2^53, where f64 is exact.
        count as f64 / secs
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_a_thousand_milliseconds_are_where_they_should_be() {
        let mut l = Latencies::new();
        for ms in 1..=1000u64 {
            l.record(Duration::from_millis(ms));
        }
        let s = l.summary();
        // Three significant digits: within 0.1 % of the exact order statistic.
        let near = |got: u64, want: u64| got.abs_diff(want) <= want / 1000 + 1;
        assert!(near(s.p50_us, 500_000), "{s:?}");
        assert!(near(s.p95_us, 950_000), "{s:?}");
        assert!(near(s.p99_us, 990_000), "{s:?}");
        assert!(near(s.max_us, 1_000_000), "{s:?}");
        assert_eq!(l.count(), 1000);
    }

    #[test]
    fn merged_workers_count_as_one_operation() {
        let mut a = Latencies::new();
        let mut b = Latencies::new();
        for _ in 0..99 {
            a.record(Duration::from_micros(100));
        }
        b.record(Duration::from_secs(2));
        a.merge(&b);
        assert_eq!(a.count(), 100);
        let s = a.summary();
        assert!(s.p50_us.abs_diff(100) <= 1, "{s:?}");
        assert!(s.max_us.abs_diff(2_000_000) <= 2_000, "{s:?}");
    }

    #[test]
    fn nothing_recorded_gives_zeros_and_absurd_latencies_are_clamped() {
        assert_eq!(Latencies::new().summary(), LatencySummary::default());
        let mut l = Latencies::new();
        l.record(Duration::ZERO);
        l.record(Duration::from_secs(3600));
        let s = l.summary();
        assert!(s.max_us <= HIGHEST_MICROS + HIGHEST_MICROS / 1000, "{s:?}");
        assert_eq!(l.count(), 2);
    }

    #[test]
    fn rate_is_per_second_and_zero_for_no_time() {
        assert!((rate(500, Duration::from_millis(250)) - 2000.0).abs() < 1e-9);
        assert_eq!(rate(10, Duration::ZERO), 0.0);
    }
}
