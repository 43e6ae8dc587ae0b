//! The limits of one web process on failed look-ups (public tracking, sign-in), built on
//! `app::limits::FailureLimit`, and the client address they count under.
//!
//! They slow whoever guesses without locking the owner out (OWASP ASVS 5.0 V6.3.1, "soft
//! lock-out"): the tight limit is on the pair of what is guessed (an account, a dossier code)
//! and who guesses (the client address), so five wrong passwords from one place do not stop the
//! officer at their own desk; a wider limit per client stops one address from spraying many
//! accounts or codes; a much wider one per account or code, over a longer window, bounds guessing
//! spread over many addresses. That last one never stops an account at a place it signed in from
//! before (kept in memory for 30 days), so nobody can lock an officer out by failing on their
//! predictable user name from elsewhere. Officers and citizens are counted apart. The client address is the
//! TCP peer, or the address a configured trusted reverse proxy reports ([`TrustedProxies`]),
//! never a header anyone could send.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use app::limits::{FailureLimit, minutes};

/// Who signs in: the two sides are limited apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Officers, on the back office.
    Officer,
    /// Citizens, on the portal.
    Citizen,
}

impl Side {
    fn prefix(self) -> &'static str {
        match self {
            Side::Officer => "officer",
            Side::Citizen => "citizen",
        }
    }
}

/// The limits of one process.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed tracking look-ups of one dossier code from one client address.
    tracking_by_code_and_client: Arc<FailureLimit>,
    /// Failed tracking look-ups per client address, whatever the code.
    tracking_by_client: Arc<FailureLimit>,
    /// Failed tracking look-ups per dossier code, whoever tries (guessing spread over addresses).
    tracking_by_code: Arc<FailureLimit>,
    /// Failed sign-ins of one account from one client address.
    sign_in_by_account_and_client: Arc<FailureLimit>,
    /// Failed sign-ins per client address, whatever the account.
    sign_in_by_client: Arc<FailureLimit>,
    /// Failed sign-ins per account, from anywhere but the places it signed in from before.
    sign_in_by_account: Arc<FailureLimit>,
    /// Account and client pairs that signed in, and when last.
    known_places: Arc<KnownPlaces>,
    /// Registrations per client address.
    registrations_by_client: Arc<FailureLimit>,
}

impl Default for Limits {
    fn default() -> Self {
        let ten_minutes = Duration::from_secs(600);
        let hour = Duration::from_secs(3600);
        Limits {
            tracking_by_code_and_client: Arc::new(FailureLimit::new(10, ten_minutes)),
            tracking_by_client: Arc::new(FailureLimit::new(20, ten_minutes)),
            // Two of the 10,000 possible digits open a dossier (the phone's and the personal ID's
            // last four): 2,500 guesses on average, at 100 a day weeks, whatever the number of
            // addresses (DESIGN §8).
            tracking_by_code: Arc::new(FailureLimit::new(100, 24 * hour)),
            sign_in_by_account_and_client: Arc::new(FailureLimit::new(5, ten_minutes)),
            sign_in_by_client: Arc::new(FailureLimit::new(20, ten_minutes)),
            sign_in_by_account: Arc::new(FailureLimit::new(50, hour)),
            known_places: Arc::new(KnownPlaces::default()),
            // A family registering its members from one phone, or a counter's kiosk, stays well
            // under; a script making accounts does not.
            registrations_by_client: Arc::new(FailureLimit::new(10, hour)),
        }
    }
}

impl Limits {
    /// Whether `client` may try the digits of dossier `code` now; `Err` says how long to wait.
    pub fn tracking_allowed(&self, code: &str, client: &ClientAddr) -> Result<(), Duration> {
        let client = client.key();
        self.tracking_by_code_and_client
            .check(&format!("{code}|{client}"))
            .and(self.tracking_by_client.check(&client))
            .and(self.tracking_by_code.check(code))
    }

    /// Counts a wrong code or wrong digits.
    pub fn tracking_failed(&self, code: &str, client: &ClientAddr) {
        let client = client.key();
        self.tracking_by_code_and_client
            .fail(&format!("{code}|{client}"));
        self.tracking_by_client.fail(&client);
        self.tracking_by_code.fail(code);
    }

    /// Whether `client` may try a password for `account` of `side` now.
    pub fn sign_in_allowed(
        &self,
        side: Side,
        account: &str,
        client: &ClientAddr,
    ) -> Result<(), Duration> {
        let (pair, by_client, by_account) = sign_in_keys(side, account, client);
        self.sign_in_by_account_and_client
            .check(&pair)
            .and(self.sign_in_by_client.check(&by_client))?;
        if self.known_places.knows(&pair) {
            return Ok(());
        }
        self.sign_in_by_account.check(&by_account)
    }

    /// Counts a wrong password (or second-factor code).
    pub fn sign_in_failed(&self, side: Side, account: &str, client: &ClientAddr) {
        let (pair, by_client, by_account) = sign_in_keys(side, account, client);
        self.sign_in_by_account_and_client.fail(&pair);
        self.sign_in_by_client.fail(&by_client);
        self.sign_in_by_account.fail(&by_account);
    }

    /// Forgets the pair's failures after a right password, and remembers the place.
    pub fn sign_in_succeeded(&self, side: Side, account: &str, client: &ClientAddr) {
        let (pair, _, _) = sign_in_keys(side, account, client);
        self.sign_in_by_account_and_client.clear(&pair);
        self.known_places.remember(pair);
    }

    /// Whether `client` may attempt a sign-in of `side` with no account named (single sign-on).
    pub fn client_allowed(&self, side: Side, client: &ClientAddr) -> Result<(), Duration> {
        self.sign_in_by_client
            .check(&format!("{}:{}", side.prefix(), client.key()))
    }

    /// Counts a failed sign-in with no account named.
    pub fn client_failed(&self, side: Side, client: &ClientAddr) {
        self.sign_in_by_client
            .fail(&format!("{}:{}", side.prefix(), client.key()));
    }

    /// Whether `client` may register one more account now.
    pub fn registration_allowed(&self, client: &ClientAddr) -> Result<(), Duration> {
        self.registrations_by_client.check(&client.key())
    }

    /// Counts a registration attempt that reached the database (made or refused as taken).
    pub fn registration_counted(&self, client: &ClientAddr) {
        self.registrations_by_client.fail(&client.key());
    }
}

/// Account and client pairs that signed in within the last 30 days, at most 100,000 (the oldest
/// forgotten first when full).
#[derive(Debug, Default)]
struct KnownPlaces {
    seen: Mutex<HashMap<String, Instant>>,
}

impl KnownPlaces {
    const KEEP: Duration = Duration::from_secs(30 * 24 * 3600);
    const MAX: usize = 100_000;

    fn knows(&self, pair: &str) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(pair).is_some_and(|at| at.elapsed() < Self::KEEP)
    }

    fn remember(&self, pair: String) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= Self::MAX && !seen.contains_key(&pair) {
            seen.retain(|_, at| at.elapsed() < Self::KEEP);
            if seen.len() >= Self::MAX
                && let Some(oldest) = seen
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(k, _)| k.clone())
            {
                seen.remove(&oldest);
            }
        }
        seen.insert(pair, Instant::now());
    }
}

fn sign_in_keys(side: Side, account: &str, client: &ClientAddr) -> (String, String, String) {
    let side = side.prefix();
    let client = client.key();
    (
        format!("{side}:{account}|{client}"),
        format!("{side}:{client}"),
        format!("{side}:{account}"),
    )
}

/// The reverse proxies whose report of the client's address is believed, and the header they
/// report it in (`X-Forwarded-For` unless configured otherwise). Empty: the TCP peer is the
/// client, and every such header is ignored.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    /// Addresses of the proxies.
    pub addresses: Vec<IpAddr>,
    /// Lower-case header name.
    pub header: String,
}

impl TrustedProxies {
    /// The client's address for a request that came from `peer` with `headers`: the peer itself
    /// unless it is a trusted proxy; then the right-most address of the header that is not a
    /// trusted proxy (each proxy appends the address it saw, so what lies left of it is the
    /// client's own say).
    pub fn client_of(&self, peer: IpAddr, headers: &axum::http::HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.addresses.contains(&peer) {
            return peer;
        }
        let reported: Vec<&str> = headers
            .get_all(self.header.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for item in reported.into_iter().rev() {
            match reported_address(item) {
                Some(ip) if self.addresses.contains(&ip) => continue,
                Some(ip) => return ip,
                // Nothing left of an entry no proxy of ours would write can be believed.
                None => break,
            }
        }
        peer
    }
}

/// An address as proxies write it: bare, or with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`);
/// an IPv4 address mapped into IPv6 as the IPv4 one.
fn reported_address(item: &str) -> Option<IpAddr> {
    let item = item.trim();
    item.parse::<IpAddr>()
        .ok()
        .or_else(|| item.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            item.strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse::<IpAddr>().ok())
        })
        .map(|ip| ip.to_canonical())
}

/// The address a request came from, when the server knows it (it does when serving; tests that
/// call the router directly share one key).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The key limits count under: an IPv4 address, or an IPv6 address's /64 network. One
    /// subscriber gets a whole /64 and may use any address in it (RFC 6177, RFC 8981), so
    /// counting per address would let anyone step past every limit by changing the last bits.
    pub fn key(&self) -> String {
        match self.0.map(|ip| ip.to_canonical()) {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(ip)) => ip.to_string(),
            Some(IpAddr::V6(ip)) => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        }
    }
}

impl axum::extract::FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| state.trusted_proxies.client_of(c.0.ip(), &parts.headers)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    fn client(s: &str) -> ClientAddr {
        ClientAddr(Some(ip(s)))
    }

    #[test]
    fn five_wrong_passwords_from_one_place_do_not_lock_the_owner_out_elsewhere() {
        let limits = Limits::default();
        let attacker = client("203.0.113.9");
        for _ in 0..5 {
            limits.sign_in_failed(Side::Officer, "xuly.xa", &attacker);
        }
        assert!(
            limits
                .sign_in_allowed(Side::Officer, "xuly.xa", &attacker)
                .is_err()
        );
        assert!(
            limits
                .sign_in_allowed(Side::Officer, "xuly.xa", &client("10.1.2.3"))
                .is_ok()
        );
        // The citizen side counts apart.
        assert!(
            limits
                .sign_in_allowed(Side::Citizen, "xuly.xa", &attacker)
                .is_ok()
        );
    }

    #[test]
    fn one_address_spraying_many_accounts_is_stopped_and_so_is_guessing_one_account_from_many() {
        let limits = Limits::default();
        let sprayer = client("203.0.113.9");
        for n in 0..20 {
            limits.sign_in_failed(Side::Citizen, &format!("09000000{n:02}"), &sprayer);
        }
        assert!(
            limits
                .sign_in_allowed(Side::Citizen, "0912345678", &sprayer)
                .is_err()
        );
        let limits = Limits::default();
        let desk = client("10.1.2.3");
        limits.sign_in_succeeded(Side::Officer, "lanhdao.xa", &desk);
        for n in 0..50 {
            limits.sign_in_failed(
                Side::Officer,
                "lanhdao.xa",
                &client(&format!("198.51.100.{n}")),
            );
        }
        assert!(
            limits
                .sign_in_allowed(Side::Officer, "lanhdao.xa", &client("192.0.2.1"))
                .is_err(),
            "guessing spread over many addresses is bounded"
        );
        assert!(
            limits
                .sign_in_allowed(Side::Officer, "lanhdao.xa", &desk)
                .is_ok(),
            "the officer's own desk, where they signed in before, is never stopped by it"
        );
    }

    #[test]
    fn wrong_digits_from_one_place_leave_the_owner_free_to_track_from_theirs() {
        let limits = Limits::default();
        let code = "000.00.15.H56-261207-0001";
        for _ in 0..10 {
            limits.tracking_failed(code, &client("203.0.113.9"));
        }
        assert!(
            limits
                .tracking_allowed(code, &client("203.0.113.9"))
                .is_err()
        );
        assert!(limits.tracking_allowed(code, &client("10.1.2.3")).is_ok());
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network_so_changing_its_last_bits_does_not_help() {
        assert_eq!(
            client("2001:db8:1:2::1").key(),
            client("2001:db8:1:2:ffff:ffff:ffff:ffff").key()
        );
        assert_ne!(
            client("2001:db8:1:2::1").key(),
            client("2001:db8:1:3::1").key()
        );
        assert_eq!(client("::ffff:192.0.2.7").key(), "192.0.2.7");
        assert_eq!(ClientAddr(None).key(), "unknown");
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies {
            addresses: vec![ip("10.0.0.2"), ip("10.0.0.3")],
            header: "x-forwarded-for".into(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 198.51.100.7, 10.0.0.3"),
        );
        // From the proxy: the right-most address that is not a proxy (1.2.3.4 is the client's
        // own claim, which anyone can forge).
        assert_eq!(
            proxies.client_of(ip("10.0.0.2"), &headers),
            ip("198.51.100.7")
        );
        // From anyone else: the header is ignored.
        assert_eq!(
            proxies.client_of(ip("203.0.113.9"), &headers),
            ip("203.0.113.9")
        );
        // A trusted proxy with nothing to report is the client.
        assert_eq!(
            proxies.client_of(ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
        assert_eq!(
            TrustedProxies::default().client_of(ip("10.0.0.2"), &headers),
            ip("10.0.0.2")
        );
        // Ports, brackets and IPv4 mapped into IPv6, as proxies and dual-stack sockets write them.
        let mut ported = HeaderMap::new();
        ported.insert(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::7]:4711, 198.51.100.8:5000"),
        );
        assert_eq!(
            proxies.client_of(ip("::ffff:10.0.0.2"), &ported),
            ip("198.51.100.8")
        );
        ported.insert(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::7]:4711"),
        );
        assert_eq!(
            proxies.client_of(ip("10.0.0.2"), &ported),
            ip("2001:db8::7")
        );
    }
}
