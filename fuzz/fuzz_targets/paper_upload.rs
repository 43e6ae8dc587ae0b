//! Uploaded papers are bytes and a file name from the browser. `paper::sniff` and `paper::check`
//! must judge any content without panicking, by its first bytes only and consistently with each
//! other; `paper::safe_file_name` must turn any name into one safe to show and to put in a
//! download header (no path, no control or bidirectional characters, no quotes, bounded length).
#![no_main]

use domain::paper::{
    MAX_FILE_NAME_CHARS, MAX_PAPER_BYTES, PaperKind, PaperProblem, check, safe_file_name, sniff,
};
use libfuzzer_sys::fuzz_target;

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

fuzz_target!(|data: &[u8]| {
    let kind = sniff(data);
    if let Some(kind) = kind {
        // Judged by the signature alone: what follows it does not matter.
        let signature: &[u8] = match kind {
            PaperKind::Pdf => b"%PDF-",
            PaperKind::Jpeg => &[0xFF, 0xD8, 0xFF],
            PaperKind::Png => &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        };
        assert!(data.starts_with(signature));
        assert_eq!(sniff(signature), Some(kind));
        assert_eq!(PaperKind::from_media_type(kind.media_type()), Some(kind));
    }
    let expected = if data.is_empty() {
        Err(PaperProblem::Empty)
    } else if data.len() > MAX_PAPER_BYTES {
        Err(PaperProblem::TooLarge)
    } else {
        kind.ok_or(PaperProblem::WrongType)
    };
    assert_eq!(check(data), expected);

    // The same bytes as the file name the browser sent.
    let name = String::from_utf8_lossy(data);
    let kind = kind.unwrap_or(PaperKind::Pdf);
    let safe = safe_file_name(&name, kind);
    assert!(!safe.is_empty());
    assert!(safe.chars().count() <= MAX_FILE_NAME_CHARS, "{safe:?}");
    assert!(!safe.starts_with(char::is_whitespace), "{safe:?}");
    for c in safe.chars() {
        assert!(
            !(c.is_control() || is_bidi_control(c) || matches!(c, '"' | '/' | '\\')),
            "{c:?} left in {safe:?}"
        );
    }
});
