//! Officers' second factor: six-digit codes from an authenticator app (TOTP, RFC 6238 over
//! HOTP, RFC 4226, HMAC-SHA1 and 30-second steps, the parameters every authenticator app uses).
//! An officer's account can accept, approve and sign results, so a stolen password alone must
//! not open it (OWASP ASVS 5.0 §6.3.3; Decree 13/2023/NĐ-CP, Art. 26 on protecting personal
//! data by technical measures). Written here rather than taken from a crate: it is 60 lines
//! over the RustCrypto HMAC already used, checked against the RFC's test vectors.

use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha1::Sha1;

/// Seconds per time step (RFC 6238 §4.1, default X = 30).
pub const STEP_SECONDS: i64 = 30;
/// Steps accepted either side of now, for a phone clock a little off (RFC 6238 §5.2).
const WINDOW: i64 = 1;
/// Digits of a code.
pub const DIGITS: u32 = 6;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new secret of 160 bits (RFC 4226 §4 recommends it), in base32 as apps read it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    base32_encode(&bytes)
}

/// RFC 4648 base32 without padding.
fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads base32, ignoring case, spaces and padding; `None` for any other character.
fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b' ' | b'=')) {
        let value = BASE32.iter().position(|&x| x == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The HOTP value of `counter` (RFC 4226 §5.3, dynamic truncation), as `digits` digits.
fn hotp(key: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The time step of a Unix time.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The code an authenticator app with `secret` shows at `unix_seconds`; `None` when the secret
/// is not base32. Lets tests, and an operator checking a phone's clock, compute what the app
/// should display.
pub fn code_at(secret: &str, unix_seconds: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    let counter = u64::try_from(step_at(unix_seconds)).ok()?;
    Some(format!("{:06}", hotp(&key, counter, DIGITS)))
}

/// The step whose code `typed` is, within the window around `unix_seconds`; `None` when it is
/// no code of this secret now. Spaces in what was typed are ignored ("123 456").
pub fn matching_step(secret: &str, typed: &str, unix_seconds: i64) -> Option<i64> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u32 = digits.parse().ok()?;
    let key = base32_decode(secret)?;
    let now = step_at(unix_seconds);
    (now - WINDOW..=now + WINDOW).find(|&step| {
        u64::try_from(step).is_ok_and(|counter| {
            // Compared without an early exit, though a 6-digit code's timing hides little.
            let expected = hotp(&key, counter, DIGITS);
            (expected ^ code) == 0
        })
    })
}

/// The secret in groups of four, easier to type into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Purpose bound to a sealed authenticator secret, with the officer's id: a sealed secret
/// copied into another officer's row does not open there.
fn secret_purpose(officer_id: &str) -> String {
    format!("officer totp secret:{officer_id}")
}

/// The secret as stored: sealed with the deployment's key, so a copy of the database (a
/// backup, a replica) cannot mint an officer's codes.
pub fn sealed_secret(
    vault: &crate::personal_data::PersonalDataVault,
    officer_id: &str,
    secret: &str,
) -> String {
    vault.seal_as(secret, &secret_purpose(officer_id))
}

/// The secret a stored value holds. A value written before secrets were sealed is read as it
/// is (`motcua personal-data seal` seals it); one this key cannot open is `None`, so the
/// officer's codes fail rather than the sign-in page.
pub fn opened_secret(
    vault: &crate::personal_data::PersonalDataVault,
    officer_id: &str,
    stored: &str,
) -> Option<String> {
    if crate::personal_data::PersonalDataVault::is_sealed(stored) {
        let opened = vault.open_as(stored, &secret_purpose(officer_id));
        if opened.is_none() {
            tracing::warn!("an authenticator secret does not open with this key");
        }
        opened
    } else {
        Some(stored.to_owned())
    }
}

/// Whether `typed` is a fresh code of the secret stored for `officer_id` (`stored`, sealed or
/// not): a code of the current time window not used before, which is then spent, so an
/// overheard code never opens the account twice (RFC 6238 §5.2).
pub async fn spend_code(
    db: &storage::Db,
    vault: &crate::personal_data::PersonalDataVault,
    officer_id: &str,
    stored: &str,
    typed: &str,
    unix_seconds: i64,
) -> Result<bool, crate::ServiceError> {
    match opened_secret(vault, officer_id, stored)
        .and_then(|s| matching_step(&s, typed, unix_seconds))
    {
        Some(step) => Ok(db.use_second_factor_step(officer_id, step).await?),
        None => Ok(false),
    }
}

/// Turns the second factor on for an officer who typed a code of their new `secret`: stores
/// the secret sealed and spends the code. `false` (nothing stored) when the code does not match.
pub async fn enrol(
    db: &storage::Db,
    vault: &crate::personal_data::PersonalDataVault,
    officer_id: &str,
    secret: &str,
    typed: &str,
    unix_seconds: i64,
) -> Result<bool, crate::ServiceError> {
    let Some(step) = matching_step(secret, typed, unix_seconds) else {
        return Ok(false);
    };
    db.set_officer_second_factor(officer_id, Some(&sealed_secret(vault, officer_id, secret)))
        .await?;
    // The code just used to confirm cannot sign in a second time.
    db.use_second_factor_step(officer_id, step).await?;
    tracing::info!(officer = %officer_id, "second factor enrolled");
    Ok(true)
}

/// Turns an officer's own second factor off, on a fresh code of it; `false` (nothing changed)
/// when the code is wrong or spent.
pub async fn remove_own(
    db: &storage::Db,
    vault: &crate::personal_data::PersonalDataVault,
    officer_id: &str,
    typed: &str,
    unix_seconds: i64,
) -> Result<bool, crate::ServiceError> {
    let Some(stored) = db
        .officer_by_id(officer_id)
        .await?
        .and_then(|o| o.totp_secret)
    else {
        return Ok(false);
    };
    if !spend_code(db, vault, officer_id, &stored, typed, unix_seconds).await? {
        return Ok(false);
    }
    db.set_officer_second_factor(officer_id, None).await?;
    tracing::info!(officer = %officer_id, "second factor removed by its owner");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890".
    fn rfc_secret() -> String {
        base32_encode(b"12345678901234567890")
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let key = b"12345678901234567890";
        for (time, eight_digits) in [
            (59_i64, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            let counter = u64::try_from(step_at(time)).expect("positive");
            assert_eq!(hotp(key, counter, 8), eight_digits, "at {time}");
        }
    }

    #[test]
    fn a_current_code_is_accepted_with_a_step_either_side_and_no_further() {
        let secret = rfc_secret();
        // 1234567890 → 89005924, six digits 005924.
        assert_eq!(
            matching_step(&secret, "005924", 1_234_567_890),
            Some(step_at(1_234_567_890))
        );
        assert_eq!(
            matching_step(&secret, "005 924", 1_234_567_890 + 30),
            Some(step_at(1_234_567_890))
        );
        assert_eq!(matching_step(&secret, "005924", 1_234_567_890 + 90), None);
        assert_eq!(matching_step(&secret, "005925", 1_234_567_890), None);
        assert_eq!(matching_step(&secret, "05924", 1_234_567_890), None);
        assert_eq!(matching_step(&secret, "abcdef", 1_234_567_890), None);
        assert_eq!(matching_step("not base32!", "005924", 1_234_567_890), None);
    }

    #[test]
    fn base32_reads_back_what_it_writes_in_any_case_and_grouping() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            let text = base32_encode(bytes);
            assert_eq!(base32_decode(&text).as_deref(), Some(bytes));
            assert_eq!(
                base32_decode(&grouped(&text.to_lowercase())).as_deref(),
                Some(bytes)
            );
        }
        // RFC 4648 §10.
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
    }
}
