//! Which endpoint addresses motcua agrees to call. A webhook's URL is typed by a connected
//! system's administrator, so a careless or hostile one could point motcua at its own network
//! (the database, the cloud's metadata service at 169.254.169.254, an admin page on loopback):
//! server-side request forgery. The checks here refuse such addresses when an endpoint is
//! registered ([`check_endpoint`]) and again when a webhook is sent ([`check_url`], and the
//! sender's resolver, since a name may resolve elsewhere by then).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::Url;
use thiserror::Error;

/// The longest address accepted, in bytes once parsed and encoded: enough for any real endpoint
/// with a query string, short enough to store and show.
pub const MAX_URL_LEN: usize = 2000;

/// The longest wait for the DNS answer of [`check_endpoint`]: it runs while a person waits for a
/// page.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Which addresses are acceptable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Whether plain `http` and non-public addresses (loopback, private networks…) are allowed:
    /// for development and tests, and for a province whose connected systems all sit on its
    /// own network. Off by default.
    pub allow_private: bool,
}

/// Why an endpoint address is refused. The messages are meant for the administrator who typed
/// the address; [`AddressError::code`] names each case for the web layer's translations.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddressError {
    /// Not an absolute URL.
    #[error("the address is not an absolute URL such as https://example.vn/webhooks")]
    NotAUrl,
    /// A scheme other than https (or http, where the policy allows private addresses).
    #[error("the address starts with {scheme}://; it must start with {allowed}")]
    SchemeNotAllowed {
        /// The scheme given.
        scheme: String,
        /// What is accepted, as words (`https://`, or `https:// or http://`).
        allowed: &'static str,
    },
    /// A user name or password in the URL.
    #[error(
        "the address contains a user name or password; remove it, the webhook signature tells \
         the receiver the request comes from motcua"
    )]
    Credentials,
    /// A `#fragment`, which is never sent to a server and so says nothing the receiver can use.
    #[error("the address contains a fragment (the part after #), which is never sent; remove it")]
    Fragment,
    /// No host name.
    #[error("the address has no host name")]
    NoHost,
    /// The host is, or resolves to, an address motcua must not call (see [`is_forbidden`]).
    #[error("{}", forbidden_message(.host, .ip))]
    Forbidden {
        /// The host as written in the URL.
        host: String,
        /// The refused address.
        ip: IpAddr,
    },
    /// The host name does not resolve (or not in time).
    #[error("the host name {host} could not be resolved to an address")]
    Unresolvable {
        /// The host as written in the URL.
        host: String,
    },
    /// Longer than [`MAX_URL_LEN`].
    #[error("the address is longer than {MAX_URL_LEN} characters")]
    TooLong,
}

impl AddressError {
    /// A stable snake_case name of the case, for translations and API answers.
    pub fn code(&self) -> &'static str {
        match self {
            AddressError::NotAUrl => "not_a_url",
            AddressError::SchemeNotAllowed { .. } => "scheme_not_allowed",
            AddressError::Credentials => "credentials_in_url",
            AddressError::Fragment => "fragment_in_url",
            AddressError::NoHost => "no_host",
            AddressError::Forbidden { .. } => "forbidden_address",
            AddressError::Unresolvable { .. } => "unresolvable",
            AddressError::TooLong => "too_long",
        }
    }
}

/// The message of [`AddressError::Forbidden`], which reads differently for an address typed as
/// such and for a name that resolves to one.
fn forbidden_message(host: &str, ip: &IpAddr) -> String {
    if ip_literal(host) == Some(*ip) {
        format!("{ip} is not a public Internet address")
    } else {
        format!("the host {host} resolves to {ip}, which is not a public Internet address")
    }
}

/// Checks an endpoint address as given by a client, without looking its name up: an absolute
/// `https` URL (`http` too if `policy.allow_private`), without user name, password or fragment,
/// with a host, at most [`MAX_URL_LEN`] long; a host written as an IP address must be public
/// unless `policy.allow_private`. Names are judged by what they resolve to, by
/// [`check_endpoint`] and by the sender.
pub fn check_url(url: &str, policy: AddressPolicy) -> Result<Url, AddressError> {
    // A cheap bound before parsing; the exact one is on the encoded form below, which may be
    // longer than what was typed (percent-encoding, punycode).
    if url.len() > 4 * MAX_URL_LEN {
        return Err(AddressError::TooLong);
    }
    let parsed = Url::parse(url.trim()).map_err(|_| AddressError::NotAUrl)?;
    let allowed = if policy.allow_private {
        "https:// or http://"
    } else {
        "https://"
    };
    match parsed.scheme() {
        "https" => {}
        "http" if policy.allow_private => {}
        scheme => {
            return Err(AddressError::SchemeNotAllowed {
                scheme: scheme.to_owned(),
                allowed,
            });
        }
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AddressError::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(AddressError::Fragment);
    }
    let host = parsed.host_str().ok_or(AddressError::NoHost)?;
    if host.is_empty() {
        return Err(AddressError::NoHost);
    }
    if !policy.allow_private
        && let Some(ip) = ip_literal(host)
        && is_forbidden(ip)
    {
        return Err(AddressError::Forbidden {
            host: host.to_owned(),
            ip,
        });
    }
    if parsed.as_str().len() > MAX_URL_LEN {
        return Err(AddressError::TooLong);
    }
    Ok(parsed)
}

/// [`check_url`], then the host name looked up: it must resolve, and every address it resolves
/// to must be public unless `policy.allow_private`. For registering an endpoint, so that a
/// mistake is reported to the person typing it rather than found in failed deliveries; the
/// sender checks the addresses again when it connects.
pub async fn check_endpoint(url: &str, policy: AddressPolicy) -> Result<Url, AddressError> {
    let parsed = check_url(url, policy)?;
    let host = parsed.host_str().ok_or(AddressError::NoHost)?.to_owned();
    if ip_literal(&host).is_some() {
        // Already judged by check_url.
        return Ok(parsed);
    }
    let unresolvable = || AddressError::Unresolvable { host: host.clone() };
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::time::timeout(
        RESOLVE_TIMEOUT,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    .map_err(|_| unresolvable())?
    .map_err(|_| unresolvable())?
    .collect();
    if addresses.is_empty() {
        return Err(unresolvable());
    }
    if !policy.allow_private
        && let Some(refused) = addresses.iter().find(|a| is_forbidden(a.ip()))
    {
        return Err(AddressError::Forbidden {
            host,
            ip: refused.ip(),
        });
    }
    Ok(parsed)
}

/// The IP address a URL's host is written as, if it is one (`[…]` around IPv6). The URL parser
/// has already turned other spellings of IPv4 (`2130706433`, `0x7f.1`) into the dotted form.
pub(super) fn ip_literal(host: &str) -> Option<IpAddr> {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()
}

/// IPv4 networks a server must not be made to call: (first address, prefix length).
const FORBIDDEN_V4: [(Ipv4Addr, u8); 13] = [
    // "This network", 0.0.0.0 (unspecified) included: reaches the local host on many systems.
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    // Carrier-grade NAT: the provider's network, not the Internet.
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    // Link-local, where clouds put their metadata service (169.254.169.254) and its credentials.
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    // IETF protocol assignments.
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    // Documentation (TEST-NET-1, 2, 3).
    (Ipv4Addr::new(192, 0, 2, 0), 24),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    // Benchmarking.
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    // Multicast (224/4), reserved (240/4) and the broadcast address 255.255.255.255.
    (Ipv4Addr::new(224, 0, 0, 0), 3),
];

/// IPv6 networks a server must not be made to call, besides those that embed an IPv4 address
/// (judged by it, see [`embedded_v4`]).
const FORBIDDEN_V6: [(Ipv6Addr, u8); 11] = [
    // Unspecified and loopback (also caught as IPv4-compatible 0.0.0.0 and 0.0.0.1).
    (Ipv6Addr::UNSPECIFIED, 128),
    (Ipv6Addr::LOCALHOST, 128),
    // Discard-only.
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),
    // Local-use IPv4/IPv6 translation: a network's own, never the Internet's.
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48),
    // Benchmarking.
    (Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 0), 48),
    // Documentation (RFC 3849 and RFC 9637).
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),
    // Unique local (fc00::/7): the IPv6 private networks.
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    // Link-local, and the deprecated site-local after it.
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),
    // Multicast.
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),
];

/// Whether `ip` is an address a server must not be made to call (server-side request
/// forgery): loopback, unspecified, private, shared (CGNAT), link-local (the cloud metadata
/// service), documentation, benchmarking, multicast, reserved or broadcast, in IPv4 or IPv6. An
/// IPv6 address that carries an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated,
/// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by the IPv4
/// address, since that is where the packets may end up.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => forbidden_v4(v4),
            None => FORBIDDEN_V6
                .iter()
                .any(|&(network, prefix)| in_network(u128::from(v6), u128::from(network), prefix)),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    FORBIDDEN_V4.iter().any(|&(network, prefix)| {
        in_network(
            u128::from(u32::from(ip)) << 96,
            u128::from(u32::from(network)) << 96,
            prefix,
        )
    })
}

/// Whether `address` is in the network starting at `network` with `prefix` leading bits (both
/// as the top bits of a `u128`, so one function serves IPv4 and IPv6).
fn in_network(address: u128, network: u128, prefix: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
    address & mask == network & mask
}

/// The IPv4 address an IPv6 address carries, for the forms that deliver to it.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = u128::from(ip);
    let low = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    match bits >> 32 {
        // IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d, IPv4-compatible ::a.b.c.d.
        0xffff | 0xffff_0000 | 0 => Some(low),
        // NAT64's well-known prefix 64:ff9b::/96.
        0x0064_ff9b_0000_0000_0000_0000 => Some(low),
        // 6to4 2002:aabb:ccdd::/48 carries a.b.c.d in bits 16 to 48.
        _ if bits >> 112 == 0x2002 => Some(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_of_prefix_zero_holds_everything_and_of_full_length_one_address() {
        assert!(in_network(7, 0, 0));
        assert!(in_network(7, 7, 128));
        assert!(!in_network(7, 6, 128));
    }

    #[test]
    fn ipv4_inside_ipv6_is_found_in_each_form_that_delivers_to_it() {
        let v4 = Ipv4Addr::new(10, 1, 2, 3);
        for v6 in [
            "::ffff:10.1.2.3",
            "::ffff:0:10.1.2.3",
            "::10.1.2.3",
            "64:ff9b::10.1.2.3",
            "2002:a01:203::1",
        ] {
            let v6: Ipv6Addr = v6.parse().expect("an IPv6 address");
            assert_eq!(embedded_v4(v6), Some(v4), "{v6}");
        }
        assert_eq!(embedded_v4("2606:4700::1111".parse().expect("IPv6")), None);
    }

    #[test]
    fn ip_literals_are_read_with_or_without_brackets_and_names_are_not() {
        assert_eq!(ip_literal("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(
            ip_literal("127.0.0.1"),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert_eq!(ip_literal("example.vn"), None);
    }
}
