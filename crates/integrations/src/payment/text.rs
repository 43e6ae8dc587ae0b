//! Small pieces both gateway protocols need: their timestamp format (Vietnam time,
//! `yyyyMMddHHmmss`), a field of a JSON message as the text its checksum covers, a
//! constant-time comparison of checksums, query strings, and Vietnamese text without diacritics
//! for fields that must stay ASCII. The field and the comparison are public because the
//! sandbox's simulated gateways sign and check with the same code as the clients.

use std::collections::BTreeMap;

use time::format_description::BorrowedFormatItem;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use unicode_normalization::UnicodeNormalization as _;

/// Vietnam's time zone (UTC+7, no daylight saving), in which both gateways write times.
pub(super) const VIETNAM: UtcOffset = offset!(+7);

const STAMP: &[BorrowedFormatItem<'_>] =
    format_description!("[year][month][day][hour][minute][second]");

/// `yyyyMMddHHmmss` in Vietnam time.
pub(super) fn stamp(at: OffsetDateTime) -> String {
    // The format has only numeric components of a valid date: it cannot fail.
    at.to_offset(VIETNAM).format(STAMP).unwrap_or_default()
}

/// Reads a `yyyyMMddHHmmss` Vietnam time.
pub(super) fn parse_stamp(text: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(text, STAMP)
        .ok()
        .map(|t| t.assume_offset(VIETNAM))
}

/// A field of a JSON message as text, as both gateways' checksums cover it: strings as they
/// are, numbers in decimal, absent or null empty (VNPay writes some numbers as JSON numbers,
/// some as strings; PayGov's amounts are numbers).
pub fn field(message: &serde_json::Value, name: &str) -> String {
    match message.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Whether two checksums written in hex are equal, ignoring letter case, in time that does not
/// depend on where they differ.
pub fn same_hex(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| {
        acc | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
    }) == 0
}

/// The parameters of a query string (`application/x-www-form-urlencoded`); a repeated name is
/// malformed (a signature covers one value per name).
pub(super) fn parse_query(query: &str) -> Result<BTreeMap<String, String>, String> {
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        if params
            .insert(name.clone().into_owned(), value.into_owned())
            .is_some()
        {
            return Err(format!("the parameter {name} is repeated"));
        }
    }
    Ok(params)
}

/// Vietnamese text without diacritics (`đ` becomes `d`), other characters outside printable
/// ASCII dropped: VNPay asks for `vnp_OrderInfo` "không dấu", since its checksum is computed over
/// an ASCII encoding. The SMS client sends its text folded the same way.
pub(crate) fn ascii_fold(text: &str) -> String {
    text.nfd()
        .filter_map(|c| match c {
            'đ' => Some('d'),
            'Đ' => Some('D'),
            c if c.is_ascii_graphic() || c == ' ' => Some(c),
            _ => None,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn stamps_are_written_in_vietnam_time() {
        let at = datetime!(2026-03-09 02:30:05 UTC);
        assert_eq!(stamp(at), "20260309093005");
        assert_eq!(parse_stamp("20260309093005"), Some(at));
        assert_eq!(parse_stamp("2026-03-09"), None);
    }

    #[test]
    fn vietnamese_text_loses_its_diacritics_but_keeps_its_letters() {
        assert_eq!(
            ascii_fold("Lệ phí đăng ký  khai sinh – Đợt 1"),
            "Le phi dang ky khai sinh Dot 1"
        );
    }

    #[test]
    fn hex_checksums_compare_without_case() {
        assert!(same_hex("ab12", "AB12"));
        assert!(!same_hex("ab12", "ab13"));
        assert!(!same_hex("ab12", "ab1"));
    }

    #[test]
    fn a_repeated_parameter_is_refused() {
        assert!(parse_query("a=1&a=2").is_err());
        assert_eq!(
            parse_query("?a=x+y&b=%C4%91").expect("valid").get("b"),
            Some(&"đ".to_owned())
        );
    }
}
