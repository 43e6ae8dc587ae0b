//! Folding text to the form Vietnamese people type in a search box: no tone marks, no hats, no
//! horns, "d" for "đ", "i" for "y", so that "Đăng ký", "đăng kí" and "dang ky" are the same words.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// What one input character becomes once decomposed.
enum Folded {
    /// Kept: an ASCII lowercase letter or digit, or a '.' that may join digits.
    Char(char),
    /// Ends a word.
    Separator,
    /// Vanishes without ending the word (tone marks, zero-width characters).
    Nothing,
}

fn fold_char(c: char) -> Folded {
    match c {
        'a'..='x' | 'z' | '0'..='9' | '.' => Folded::Char(c),
        // "ký"/"kí", "lý"/"lí", "Mỹ"/"Mĩ": both spellings are correct, so y and i are one letter.
        'y' | 'Y' => Folded::Char('i'),
        'A'..='Z' => Folded::Char(c.to_ascii_lowercase()),
        // Đ has no Unicode decomposition. Ð/ð (Icelandic eth) looks the same and is what old
        // TCVN3/VNI conversions and some keyboards produce instead of Đ.
        'đ' | 'Đ' | 'ð' | 'Ð' => Folded::Char('d'),
        // Invisible characters pasted from word processors and web pages, inside words.
        '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => Folded::Nothing,
        _ if is_combining_mark(c) => Folded::Nothing,
        // Punctuation, whitespace, and letters of other scripts.
        _ => Folded::Separator,
    }
}

/// Folds text to the form Vietnamese people type when they search: decomposes it (NFKD, so
/// precomposed, combining and full-width forms agree), drops tone and vowel marks, maps "đ" to
/// "d", lowercases, maps "y" to "i", turns punctuation into spaces and collapses whitespace.
///
/// The result holds only ASCII lowercase letters, digits, single spaces between words, and '.'
/// between two digits, so that procedure codes such as "1.001193" stay one word. Folding is
/// idempotent. Letters of other scripts (other than Vietnamese and English) separate words.
///
/// ```
/// use domain::search::fold;
/// assert_eq!(fold("ĐĂNG KÍ KHAI SINH"), "dang ki khai sinh");
/// assert_eq!(fold("  dang   KY  khai-sinh "), "dang ki khai sinh");
/// assert_eq!(fold("Mã 1.001193."), "ma 1.001193");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut chars = text
        .nfkd()
        .filter_map(|c| match fold_char(c) {
            Folded::Char(c) => Some(c),
            Folded::Separator => Some(' '),
            Folded::Nothing => None,
        })
        .peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' => pending_space = true,
            '.' => {
                let joins_digits = !pending_space
                    && out.ends_with(|p: char| p.is_ascii_digit())
                    && chars.peek().is_some_and(char::is_ascii_digit);
                if joins_digits {
                    out.push('.');
                } else {
                    pending_space = true;
                }
            }
            _ => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

/// The words of [`fold`]ed text, in order.
///
/// ```
/// use domain::search::tokens;
/// assert_eq!(tokens("Lý lịch tư pháp"), ["li", "lich", "tu", "phap"]);
/// ```
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_way_of_typing_a_procedure_name_folds_to_the_same_text() {
        let expected = "dang ki khai sinh";
        for typed in [
            "ĐĂNG KÍ KHAI SINH",
            "Đăng ký khai sinh",
            "đăng kí khai sinh",
            "dang ky khai sinh",
            "dang ki khai sinh",
            "  dang   KY  khai-sinh ",
            "Đăng ký\tkhai\nsinh.",
            // Decomposed input: marks typed as separate combining characters.
            "\u{0111}a\u{0306}ng ky\u{0301} khai sinh",
        ] {
            assert_eq!(fold(typed), expected, "{typed:?}");
        }
    }

    #[test]
    fn tone_marks_hats_and_horns_are_dropped() {
        assert_eq!(fold("Nghĩa vụ quân sự"), "nghia vu quan su");
        assert_eq!(fold("nghia vu"), "nghia vu");
        assert_eq!(fold("Hùng"), "hung");
        assert_eq!(fold("Nguyễn Thị Hương"), "nguien thi huong");
        assert_eq!(
            fold("Ủy ban nhân dân phường Ô Chợ Dừa"),
            "ui ban nhan dan phuong o cho dua"
        );
        assert_eq!(
            fold("Chứng thực bản sao từ bản chính"),
            "chung thuc ban sao tu ban chinh"
        );
        assert_eq!(fold("Ơ Ư ơ ư Ă Â Ê Ô"), "o u o u a a e o");
    }

    #[test]
    fn the_i_and_y_spellings_fold_to_the_same_word() {
        assert_eq!(fold("lý lịch"), fold("lí lịch"));
        assert_eq!(fold("Đăng ký"), fold("Đăng kí"));
        assert_eq!(fold("Hoa Kỳ"), fold("Hoa Kì"));
        assert_eq!(fold("Mỹ"), "mi");
        assert_eq!(fold("quý"), fold("quí"));
    }

    #[test]
    fn d_with_stroke_and_its_lookalike_eth_fold_to_d() {
        assert_eq!(fold("Đ đ Ð ð"), "d d d d");
        assert_eq!(fold("ÐĂNG KÝ"), "dang ki");
    }

    #[test]
    fn punctuation_separates_words_but_dots_between_digits_stay() {
        assert_eq!(fold("1.001193"), "1.001193");
        assert_eq!(fold("Thủ tục 1.001193."), "thu tuc 1.001193");
        assert_eq!(fold("Nghị định 63/2010/NĐ-CP"), "nghi dinh 63 2010 nd cp");
        assert_eq!(fold("khai sinh.kết hôn"), "khai sinh ket hon");
        assert_eq!(fold("1..2 3. .4 a.5 5.a"), "1 2 3 4 a 5 5 a");
        assert_eq!(fold("1. 2"), "1 2");
        assert_eq!(fold("000.00.15.H56"), "000.00.15 h56");
        assert_eq!(fold("(Cấp xã) – “trực tuyến”!"), "cap xa truc tuien");
    }

    #[test]
    fn compatibility_and_invisible_characters_are_normalised() {
        assert_eq!(fold("ＫＨＡＩ　ＳＩＮＨ １２"), "khai sinh 12");
        assert_eq!(fold("kh\u{00AD}ai si\u{200B}nh"), "khai sinh");
        assert_eq!(fold("\u{FEFF}khai sinh"), "khai sinh");
    }

    #[test]
    fn empty_and_blank_text_folds_to_nothing() {
        assert_eq!(fold(""), "");
        assert_eq!(fold("  \t\n -- . , "), "");
        assert!(tokens(" ... ").is_empty());
    }

    #[test]
    fn tokens_are_the_folded_words_in_order() {
        assert_eq!(
            tokens("Cấp Phiếu lý lịch tư pháp"),
            ["cap", "phieu", "li", "lich", "tu", "phap"]
        );
        assert_eq!(tokens("mã 1.001193"), ["ma", "1.001193"]);
    }

    fn allowed_shape(folded: &str) -> Result<(), TestCaseError> {
        let bytes = folded.as_bytes();
        prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' '));
        prop_assert!(!folded.contains("  "));
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'a'..=b'x' | b'z' | b'0'..=b'9' | b' ' => {}
                b'.' => {
                    prop_assert!(i > 0 && bytes[i - 1].is_ascii_digit());
                    prop_assert!(bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
                }
                _ => prop_assert!(false, "unexpected byte {b:#x} in {folded:?}"),
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn folding_any_unicode_is_idempotent_and_yields_only_the_allowed_characters(s in any::<String>()) {
            let once = fold(&s);
            allowed_shape(&once)?;
            prop_assert_eq!(fold(&once), once);
        }

        #[test]
        fn folding_vietnamese_looking_text_is_idempotent_and_well_formed(
            s in "[ a-zA-Z0-9.,/đĐăâêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}-]{0,40}"
        ) {
            let once = fold(&s);
            allowed_shape(&once)?;
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert_eq!(tokens(&s).join(" "), once);
        }
    }
}
