//! How the simulated gateways sign and check: with the clients' own code. The canonical text of
//! a message and its MAC (PayGov's `hex(SHA-256(f1|f2|…|fn|secret))` over a message's listed
//! fields; VNPay's `hex(HMAC-SHA512(secret, data))` over the sorted, form-encoded `vnp_*`
//! parameters, or over the listed fields joined by `|` for the merchant web API) are written
//! once, in `integrations::payment::paygov::wire` and `integrations::payment::vnpay::wire`,
//! and checked there against vectors computed independently with Python; the raw-HTTP tests of
//! this crate compute the checksums on their own again. The sandbox keeps its own reading of
//! everything else: which messages exist, what they must carry, the codes it answers, its
//! ledger. Only the deliberately wrong checksum of the bad-signature mode is the sandbox's own.

/// A checksum made wrong on purpose (the last hex digit changed), for the bad-signature mode.
pub(crate) fn corrupt(checksum: &str) -> String {
    let mut out = checksum.to_owned();
    let last = match out.pop() {
        Some('0') => '1',
        _ => '0',
    };
    out.push(last);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupted_checksum_differs() {
        assert_eq!(corrupt("ab0"), "ab1");
        assert_eq!(corrupt("abf"), "ab0");
    }
}
