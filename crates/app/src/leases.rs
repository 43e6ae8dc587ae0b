//! Who holds work in the database: the name this process claims job leases, outbox messages
//! and deliveries under (`host:pid:random`), and the release of what a dead process of this
//! host held, so that a server restarted after `kill -9` or a crash takes its work up at once
//! instead of when the leases end. Used by the job runner and by every consumer of the outbox.

/// The host part of holders whose machine could not be named.
const UNKNOWN_HOST: &str = "host";

/// The name this process holds leases under: its host, its process id and a random part (a
/// restarted process with a recycled id is not its predecessor).
pub fn process_holder() -> &'static str {
    static HOLDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOLDER.get_or_init(|| {
        // The kernel's name of the machine (HOSTNAME is a shell variable, absent under
        // systemd); `host` when unknown, and then no lease is ever released early.
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().replace(':', "-"))
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| UNKNOWN_HOST.to_owned());
        format!("{host}:{}:{}", std::process::id(), uuid::Uuid::now_v7())
    })
}

/// Releases the leases held by processes of this host that no longer run: a holder is
/// `host:pid:random` ([`process_holder`]), and a pid of this host with no `/proc/{pid}` has died
/// (after `kill -9`, a crash, a restart). Without this, a restarted server would wait for the
/// dead process's leases to end (minutes) before sending its committed notices. Holders of other
/// hosts are left to their leases' ends; a pid reused by another program only delays the
/// release. How many holders were released.
pub async fn release_dead_holders(
    app: &crate::App,
    own: &str,
) -> Result<usize, crate::ServiceError> {
    let Some((host, _)) = own.split_once(':').filter(|(h, _)| *h != UNKNOWN_HOST) else {
        return Ok(0);
    };
    let mut released = 0;
    for holder in app.db.lease_holders().await? {
        let mut parts = holder.splitn(3, ':');
        let (Some(h), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let dead = h == host
            && holder != own
            && pid.parse::<u32>().is_ok_and(|pid| {
                pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            });
        if dead {
            app.db.release_leases_of(&holder).await?;
            released += 1;
        }
    }
    Ok(released)
}
