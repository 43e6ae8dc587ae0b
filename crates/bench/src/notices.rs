//! How fast the server hands its notices to the mail relay and the SMS gateway, and whether
//! their backlog stays bounded while submissions run at full speed: the server's `/metrics` is
//! read every half second for the whole run (deliveries handed over, notices waiting to be
//! composed and to be sent), and after the run until the backlog is gone or ten seconds pass.

use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the samples showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NoticeFigures {
    /// Deliveries handed over during the run and its drain.
    pub delivered: u64,
    /// Seconds from the first sample to the last.
    pub seconds: f64,
    /// Deliveries handed over per second over that time.
    pub per_second: f64,
    /// Seconds from the last sample before the first delivery to the first sample after the
    /// last one: the time the server was actually sending.
    pub sending_seconds: f64,
    /// Deliveries handed over per second while it was sending: its delivery throughput.
    pub sending_per_second: f64,
    /// Most notices waiting at one sample (messages to compose plus deliveries to send).
    pub largest_backlog: u64,
    /// Notices waiting at the last sample.
    pub backlog_at_end: u64,
    /// Seconds the backlog took to drain after the load stopped (`None`: not within ten).
    pub drain_seconds: Option<f64>,
}

/// One reading of the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Reading {
    delivered: u64,
    backlog: u64,
}

/// Sums the values of the series named `name` (any labels) in a Prometheus text exposition;
/// with `label`, only the series carrying that exact label text.
fn sum(text: &str, name: &str, label: Option<&str>) -> u64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, labels) = series.split_once('{').unwrap_or((series, ""));
            (metric == name && label.is_none_or(|l| labels.contains(l)))
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .map(|v| v.max(0.0) as u64)
        .sum()
}

fn reading(text: &str) -> Reading {
    Reading {
        delivered: sum(text, "deliveries_delivered_total", None),
        backlog: sum(
            text,
            "outbox_pending_messages",
            Some("topic=\"notify.applicant\""),
        ) + sum(text, "deliveries_pending", None),
    }
}

async fn read(http: &reqwest::Client, url: &str) -> Option<Reading> {
    let response = http.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    Some(reading(&response.text().await.ok()?))
}

/// What the background sampling saw.
struct Sampled {
    /// The first reading, if the metrics could be read.
    first: Option<Reading>,
    /// Every reading with its time, the first included.
    samples: Vec<(Instant, Reading)>,
    /// The largest backlog seen.
    largest: u64,
    /// When sampling started.
    started: Instant,
}

/// Samples `/metrics` in the background until [`Sampler::finish`].
pub struct Sampler {
    stop: watch::Sender<bool>,
    task: JoinHandle<Sampled>,
    http: reqwest::Client,
    url: String,
}

impl Sampler {
    /// Starts sampling `{base}/metrics` every `every`.
    pub fn start(http: &reqwest::Client, base: &str, every: Duration) -> Sampler {
        let (stop, mut stopped) = watch::channel(false);
        let url = format!("{base}/metrics");
        let (h, u) = (http.clone(), url.clone());
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let first = read(&h, &u).await;
            let mut samples = vec![(started, first.unwrap_or_default())];
            let mut largest = first.map_or(0, |r| r.backlog);
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(every) => {}
                }
                if let Some(r) = read(&h, &u).await {
                    largest = largest.max(r.backlog);
                    samples.push((Instant::now(), r));
                }
            }
            Sampled {
                first,
                samples,
                largest,
                started,
            }
        });
        Sampler {
            stop,
            task,
            http: http.clone(),
            url,
        }
    }

    /// Stops sampling, waits up to ten seconds for the backlog to drain, and gives the figures;
    /// `None` when the server's metrics could not be read at the start.
    pub async fn finish(self) -> Option<NoticeFigures> {
        let _ = self.stop.send(true);
        let Sampled {
            first,
            mut samples,
            mut largest,
            started,
        } = self.task.await.ok()?;
        let first = first?;
        let load_ended = Instant::now();
        let mut last = samples.last().map_or(first, |(_, r)| *r);
        let mut drain_seconds = (last.backlog == 0).then_some(0.0);
        while drain_seconds.is_none() && load_ended.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if let Some(r) = read(&self.http, &self.url).await {
                largest = largest.max(r.backlog);
                samples.push((Instant::now(), r));
                last = r;
                if r.backlog == 0 {
                    drain_seconds = Some(load_ended.elapsed().as_secs_f64());
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let delivered = last.delivered.saturating_sub(first.delivered);
        let (sending_seconds, sending_per_second) = sending(&samples);
        Some(NoticeFigures {
            delivered,
            seconds,
            per_second: rate(delivered, seconds),
            sending_seconds,
            sending_per_second,
            largest_backlog: largest,
            backlog_at_end: last.backlog,
            drain_seconds,
        })
    }
}

fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

/// The window in which deliveries were handed over (from the last sample before the count
/// first moved to the first sample at its final value) and the rate within it.
fn sending(samples: &[(Instant, Reading)]) -> (f64, f64) {
    let Some(&(_, last)) = samples.last() else {
        return (0.0, 0.0);
    };
    let Some(&(_, first)) = samples.first() else {
        return (0.0, 0.0);
    };
    let start = samples
        .windows(2)
        .find(|w| w[1].1.delivered > w[0].1.delivered)
        .map(|w| w[0].0);
    let end = samples
        .iter()
        .find(|(_, r)| r.delivered == last.delivered)
        .map(|(t, _)| *t);
    match (start, end) {
        (Some(start), Some(end)) if end > start => {
            let seconds = (end - start).as_secs_f64();
            (
                seconds,
                rate(last.delivered.saturating_sub(first.delivered), seconds),
            )
        }
        _ => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delivery_figures_are_read_from_the_prometheus_text() {
        let text = "\
# TYPE deliveries_delivered_total counter
deliveries_delivered_total{channel=\"email\"} 12
deliveries_delivered_total{channel=\"sms\"} 30
deliveries_pending{channel=\"sms\"} 4
outbox_pending_messages{topic=\"notify.applicant\"} 7
outbox_pending_messages{topic=\"dvcqg.sync\"} 900
";
        assert_eq!(
            reading(text),
            Reading {
                delivered: 42,
                backlog: 11
            }
        );
    }

    #[test]
    fn the_sending_rate_counts_only_the_time_deliveries_moved() {
        let t0 = Instant::now();
        let at = |ms: u64, delivered: u64| {
            (
                t0 + Duration::from_millis(ms),
                Reading {
                    delivered,
                    backlog: 0,
                },
            )
        };
        let samples = [
            at(0, 10),
            at(500, 10),
            at(1000, 110),
            at(1500, 210),
            at(2000, 210),
            at(9000, 210),
        ];
        let (seconds, per_second) = sending(&samples);
        assert!((seconds - 1.0).abs() < 1e-9, "{seconds}");
        assert!((per_second - 200.0).abs() < 1e-6, "{per_second}");
    }
}
