//! Papers a citizen uploads with an online application or a supplement: which kinds are accepted,
//! recognised by their content rather than by what the browser claims, how large they may be, and
//! how an uploaded file's name is made safe to show back. Electronic papers are accepted as PDF or
//! image scans (Decree 45/2020/NĐ-CP on administrative procedures by electronic means, Art. 9);
//! OWASP ASVS 5.0 5.2.2 asks for the type to be checked by its magic bytes.

use serde::{Deserialize, Serialize};

/// Largest paper accepted, in bytes (10 MiB): enough for a multi-page scan at 300 dpi, small
/// enough that an upload fits comfortably in one request.
pub const MAX_PAPER_BYTES: usize = 10 * 1024 * 1024;

/// Longest file name kept for display, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// A kind of file accepted as a paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperKind {
    /// PDF document.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
}

impl PaperKind {
    /// The media type to store and to serve the paper with.
    pub fn media_type(self) -> &'static str {
        match self {
            PaperKind::Pdf => "application/pdf",
            PaperKind::Jpeg => "image/jpeg",
            PaperKind::Png => "image/png",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            PaperKind::Pdf => "pdf",
            PaperKind::Jpeg => "jpg",
            PaperKind::Png => "png",
        }
    }

    /// The kind a stored media type names.
    pub fn from_media_type(media_type: &str) -> Option<PaperKind> {
        [PaperKind::Pdf, PaperKind::Jpeg, PaperKind::Png]
            .into_iter()
            .find(|k| k.media_type() == media_type)
    }
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The kind of a file, judged by its first bytes only; `None` for anything not accepted. The
/// client's content type and file name are never consulted: an executable renamed `.pdf` is
/// still refused.
pub fn sniff(bytes: &[u8]) -> Option<PaperKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(PaperKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PaperKind::Jpeg)
    } else if bytes.starts_with(&PNG_SIGNATURE) {
        Some(PaperKind::Png)
    } else {
        None
    }
}

/// Why an uploaded file is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaperProblem {
    /// Nothing was in the file.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_PAPER_BYTES`].
    #[error("the file is larger than 10 MB")]
    TooLarge,
    /// Not a PDF, JPEG or PNG by its content.
    #[error("the file must be a PDF, JPG or PNG")]
    WrongType,
}

impl PaperProblem {
    /// Stable code, for translation.
    pub fn code(self) -> &'static str {
        match self {
            PaperProblem::Empty => "empty",
            PaperProblem::TooLarge => "too_large",
            PaperProblem::WrongType => "wrong_type",
        }
    }
}

/// Checks an uploaded file's size and kind.
pub fn check(bytes: &[u8]) -> Result<PaperKind, PaperProblem> {
    if bytes.is_empty() {
        return Err(PaperProblem::Empty);
    }
    if bytes.len() > MAX_PAPER_BYTES {
        return Err(PaperProblem::TooLarge);
    }
    sniff(bytes).ok_or(PaperProblem::WrongType)
}

/// A file name safe to show and to put in a download header: the last path part only (browsers
/// on Windows send `C:\…\name`), without control or bidirectional-override characters (which can
/// disguise `exe.pdf` as `fdp.exe`), trimmed, at most [`MAX_FILE_NAME_CHARS`] characters; a
/// generic name from `kind` when nothing is left.
pub fn safe_file_name(name: &str, kind: PaperKind) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '"')
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        return format!("giay-to.{}", kind.extension());
    }
    let count = trimmed.chars().count();
    if count <= MAX_FILE_NAME_CHARS {
        return trimmed.to_owned();
    }
    // Keep the extension when cutting a long name.
    let ext: String = match trimmed.rsplit_once('.') {
        Some((_, ext)) if ext.chars().count() <= 8 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = MAX_FILE_NAME_CHARS - ext.chars().count();
    let mut out: String = trimmed.chars().take(keep).collect();
    out.push_str(&ext);
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_pdf_jpeg_and_png_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(PaperKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(PaperKind::Jpeg)
        );
        assert_eq!(sniff(&PNG_SIGNATURE), Some(PaperKind::Png));
    }

    #[test]
    fn an_executable_html_or_truncated_signature_is_refused() {
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(&PNG_SIGNATURE[..7]), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn an_empty_oversized_or_foreign_file_gets_its_own_problem() {
        assert_eq!(check(b""), Err(PaperProblem::Empty));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_PAPER_BYTES + 1, b' ');
        assert_eq!(check(&big), Err(PaperProblem::TooLarge));
        assert_eq!(check(b"GIF89a"), Err(PaperProblem::WrongType));
        big.truncate(MAX_PAPER_BYTES);
        assert_eq!(check(&big), Ok(PaperKind::Pdf));
    }

    #[test]
    fn a_file_name_loses_its_path_and_control_characters() {
        assert_eq!(
            safe_file_name("C:\\Users\\an\\CCCD.pdf", PaperKind::Pdf),
            "CCCD.pdf"
        );
        assert_eq!(safe_file_name("../../etc/passwd", PaperKind::Pdf), "passwd");
        assert_eq!(
            safe_file_name("to\u{202E}fdp.exe", PaperKind::Pdf),
            "tofdp.exe"
        );
        assert_eq!(safe_file_name("a\r\nb\".png", PaperKind::Png), "ab.png");
        assert_eq!(
            safe_file_name("Giấy khai sinh.pdf", PaperKind::Pdf),
            "Giấy khai sinh.pdf"
        );
    }

    #[test]
    fn an_empty_or_hidden_name_becomes_a_generic_one() {
        assert_eq!(safe_file_name("", PaperKind::Png), "giay-to.png");
        assert_eq!(safe_file_name("dir/", PaperKind::Pdf), "giay-to.pdf");
        assert_eq!(safe_file_name("..", PaperKind::Jpeg), "giay-to.jpg");
    }

    #[test]
    fn a_long_name_is_cut_and_keeps_its_extension() {
        let name = format!("{}.pdf", "ả".repeat(300));
        let safe = safe_file_name(&name, PaperKind::Pdf);
        assert_eq!(safe.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(safe.ends_with(".pdf"));
    }

    #[test]
    fn a_media_type_round_trips_to_its_kind() {
        for kind in [PaperKind::Pdf, PaperKind::Jpeg, PaperKind::Png] {
            assert_eq!(PaperKind::from_media_type(kind.media_type()), Some(kind));
        }
        assert_eq!(PaperKind::from_media_type("text/html"), None);
    }

    proptest! {
        #[test]
        fn sniffing_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let kind = sniff(&bytes);
            prop_assert_eq!(kind.is_some(), check(&bytes).is_ok());
        }

        #[test]
        fn a_safe_name_never_holds_a_separator_or_control_character(name in ".{0,300}") {
            let safe = safe_file_name(&name, PaperKind::Pdf);
            prop_assert!(!safe.is_empty());
            prop_assert!(safe.chars().count() <= MAX_FILE_NAME_CHARS);
            prop_assert!(!safe.contains(['/', '\\', '"']));
            prop_assert!(!safe.chars().any(|c| c.is_control() || is_bidi_control(c)));
        }
    }
}
