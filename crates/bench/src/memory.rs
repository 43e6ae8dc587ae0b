//! The server's memory under load, read from Linux's /proc: which process is the server (the
//! `--server-pid`, else the motcua process listening on the bench's port, else the only motcua
//! serving), and its resident set (VmRSS now, VmHWM the kernel's peak) sampled through the run.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

/// One reading of /proc/<pid>/status, in KiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Resident {
    /// Resident set now.
    pub rss_kib: u64,
    /// Highest resident set since the process started.
    pub hwm_kib: u64,
}

/// Reads VmRSS and VmHWM out of the text of a /proc/<pid>/status file.
pub fn parse_status(text: &str) -> Option<Resident> {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
    };
    Some(Resident {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// Reads a process's resident set; `None` once it is gone.
pub fn read(pid: u32) -> Option<Resident> {
    parse_status(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}

/// Whether a command line (NUL-separated, as /proc/<pid>/cmdline holds it) is a motcua server:
/// the program is `motcua` and its command is `serve` or none at all.
pub fn is_server_cmdline(cmdline: &[u8]) -> bool {
    let mut args = cmdline
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(String::from_utf8_lossy);
    let Some(program) = args.next() else {
        return false;
    };
    if Path::new(&*program).file_name().and_then(|n| n.to_str()) != Some("motcua") {
        return false;
    }
    // The first word that is neither an option nor the value of `--config`.
    let mut command = None;
    let mut skip_value = false;
    for a in args {
        if skip_value {
            skip_value = false;
        } else if a == "--config" {
            skip_value = true;
        } else if !a.starts_with('-') {
            command = Some(a.into_owned());
            break;
        }
    }
    matches!(command.as_deref(), None | Some("serve"))
}

/// Socket inodes listening on `port` over IPv4 or IPv6, from /proc/net/tcp{,6}.
fn listening_inodes(port: u16) -> Vec<String> {
    let mut inodes = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is the tenth column.
            let (Some(local), Some(state), Some(inode)) = (cols.get(1), cols.get(3), cols.get(9))
            else {
                continue;
            };
            let local_port = local
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            if *state == "0A" && local_port == Some(port) {
                inodes.push((*inode).to_owned());
            }
        }
    }
    inodes
}

fn holds_socket(pid: u32, inodes: &[String]) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return false;
    };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path()).is_ok_and(|target| {
            let t = target.to_string_lossy();
            inodes.iter().any(|i| t == format!("socket:[{i}]"))
        })
    })
}

/// Finds the server: the motcua process listening on `port`, else the only motcua server
/// running. `Err` says why none was chosen.
pub fn find_server(port: u16) -> Result<u32, String> {
    let entries = std::fs::read_dir("/proc").map_err(|e| format!("cannot read /proc: {e}"))?;
    let servers: Vec<u32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| is_server_cmdline(&c))
        })
        .collect();
    let inodes = listening_inodes(port);
    if let Some(pid) = servers.iter().find(|pid| holds_socket(**pid, &inodes)) {
        return Ok(*pid);
    }
    match servers.as_slice() {
        [one] => Ok(*one),
        [] => Err("no `motcua serve` process found; give --server-pid".to_owned()),
        many => Err(format!(
            "{} motcua servers run and none holds port {port}; give --server-pid",
            many.len()
        )),
    }
}

/// Samples a process's resident set in the background until stopped; keeps the peak seen.
pub struct Sampler {
    pid: u32,
    peak_rss_kib: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

/// What the sampler saw.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MemoryReport {
    /// The server's process id.
    pub pid: u32,
    /// Resident set before the load.
    pub rss_before_kib: u64,
    /// Highest resident set sampled during the run.
    pub peak_rss_kib: u64,
    /// Resident set at the end.
    pub rss_after_kib: u64,
    /// The kernel's high-water mark since the server started (may predate the run).
    pub hwm_kib: u64,
}

impl Sampler {
    /// Starts sampling `pid` every `every`.
    pub fn start(pid: u32, every: Duration) -> Sampler {
        let peak = Arc::new(AtomicU64::new(read(pid).map_or(0, |r| r.rss_kib)));
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (peak.clone(), stop.clone());
        let task = tokio::spawn(async move {
            while !s.load(Ordering::Relaxed) {
                if let Some(r) = read(pid) {
                    p.fetch_max(r.rss_kib, Ordering::Relaxed);
                }
                tokio::time::sleep(every).await;
            }
        });
        Sampler {
            pid,
            peak_rss_kib: peak,
            stop,
            task,
        }
    }

    /// Stops sampling and reports; `before` is the reading taken before the load.
    pub async fn finish(self, before: Resident) -> MemoryReport {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let now = read(self.pid).unwrap_or(before);
        MemoryReport {
            pid: self.pid,
            rss_before_kib: before.rss_kib,
            peak_rss_kib: self.peak_rss_kib.load(Ordering::Relaxed).max(now.rss_kib),
            rss_after_kib: now.rss_kib,
            hwm_kib: now.hwm_kib,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_give_rss_and_high_water_mark() {
        let text = "Name:\tmotcua\nVmPeak:\t 1000 kB\nVmHWM:\t   52344 kB\nVmRSS:\t   48120 kB\n";
        assert_eq!(
            parse_status(text),
            Some(Resident {
                rss_kib: 48120,
                hwm_kib: 52344
            })
        );
        assert_eq!(parse_status("Name:\tkthreadd\n"), None);
    }

    #[test]
    fn only_motcua_serving_counts_as_the_server() {
        assert!(is_server_cmdline(b"target/release/motcua\0"));
        assert!(is_server_cmdline(b"/usr/bin/motcua\0serve\0"));
        assert!(is_server_cmdline(b"motcua\0--config\0x.toml\0serve\0"));
        assert!(!is_server_cmdline(b"motcua\0bench\0--url\0http://x\0"));
        assert!(!is_server_cmdline(b"motcua\0--config\0serve\0bench\0"));
        assert!(!is_server_cmdline(b"motcua-sandbox\0"));
        assert!(!is_server_cmdline(b"cargo\0run\0"));
        assert!(!is_server_cmdline(b""));
    }

    #[test]
    fn this_process_reads_its_own_memory() {
        let me = read(std::process::id()).expect("own status");
        assert!(me.rss_kib > 0 && me.hwm_kib >= me.rss_kib, "{me:?}");
    }
}
