//! Amounts of money as printed on a receipt of fees and charges: in figures ("1.250.000") and in
//! Vietnamese words ("Một triệu hai trăm năm mươi nghìn đồng").
//!
//! A receipt of fees and charges states the amount collected both in figures and in words
//! (Decree 123/2020/NĐ-CP on invoices and documents, Chapter III, content of a receipt), so a
//! figure that is misread or altered can be checked against the words.
//!
//! The words follow the written standard of northern Vietnamese as used on State Treasury and
//! bank documents:
//! - groups of three digits with the scale words "nghìn", "triệu", "tỷ"; above a billion the
//!   scale repeats on "tỷ" ("một nghìn tỷ", "một nghìn không trăm linh một tỷ");
//! - an empty hundreds place inside a number is read "không trăm" ("một nghìn không trăm mười"),
//!   an empty tens place before a unit is read "linh" ("một trăm linh năm"; "lẻ" in the south);
//! - after a tens word of twenty or more, 1 is "mốt" ("hai mươi mốt") and 4 is "tư"
//!   ("hai mươi tư"); after "mười", 4 stays "bốn" ("mười bốn");
//! - after any tens word, 5 is "lăm" ("mười lăm", "hai mươi lăm"), otherwise "năm"
//!   ("một trăm linh năm");
//! - a group of zeros is skipped with its scale word ("một triệu không trăm linh một").

/// The digits 0 to 9 read on their own.
const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// One billion (một tỷ): above it the scale words start again, followed by "tỷ".
const BILLION: u64 = 1_000_000_000;

/// `vnd` in figures with a dot between groups of three digits, as Vietnamese writes amounts:
/// 1250000 → "1.250.000".
pub fn format_amount(vnd: u64) -> String {
    let digits = vnd.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// `n` in Vietnamese words, in lower case: 105 → "một trăm linh năm", 0 → "không".
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let mut words = Vec::new();
    push_number(n, true, &mut words);
    words.join(" ")
}

/// An amount of money in words as a receipt prints it: capitalised, followed by "đồng":
/// 50000 → "Năm mươi nghìn đồng".
pub fn amount_in_words(vnd: u64) -> String {
    let words = number_in_words(vnd);
    let mut chars = words.chars();
    let capitalised: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("{capitalised} đồng")
}

/// Pushes the words of `n` (> 0). `leading` is true when nothing is read before `n`, so its
/// first group is read as it is ("năm"), not in full ("không trăm linh năm").
fn push_number(n: u64, leading: bool, out: &mut Vec<&'static str>) {
    if n >= BILLION {
        push_number(n / BILLION, leading, out);
        out.push("tỷ");
        let rest = n % BILLION;
        if rest > 0 {
            push_below_billion(rest, false, out);
        }
    } else {
        push_below_billion(n, leading, out);
    }
}

/// Pushes the words of `n` (0 < n < one billion): millions, thousands and units.
fn push_below_billion(n: u64, leading: bool, out: &mut Vec<&'static str>) {
    let groups = [
        (n / 1_000_000, Some("triệu")),
        (n / 1_000 % 1_000, Some("nghìn")),
        (n % 1_000, None),
    ];
    let mut full = !leading;
    for (group, scale) in groups {
        if group == 0 {
            continue;
        }
        push_group(group, full, out);
        full = true;
        if let Some(scale) = scale {
            out.push(scale);
        }
    }
}

/// Pushes the words of a group of three digits (0 < group < 1000). `full` reads the empty
/// hundreds place and the empty tens place ("không trăm linh một"), as inside a number.
fn push_group(group: u64, full: bool, out: &mut Vec<&'static str>) {
    let hundreds = digit(group / 100);
    let tens = digit(group / 10 % 10);
    let units = digit(group % 10);
    let says_hundreds = hundreds > 0 || full;
    if says_hundreds {
        out.push(DIGITS[hundreds]);
        out.push("trăm");
    }
    match tens {
        0 if units > 0 && says_hundreds => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        t => {
            out.push(DIGITS[t]);
            out.push("mươi");
        }
    }
    match (tens, units) {
        (_, 0) => {}
        (2.., 1) => out.push("mốt"),
        (2.., 4) => out.push("tư"),
        (1.., 5) => out.push("lăm"),
        (_, u) => out.push(DIGITS[u]),
    }
}

/// A decimal digit (`d` < 10) as an index into [`DIGITS`].
fn digit(d: u64) -> usize {
    // `d` is a remainder of a division by 10 or a quotient of a number below 1000 by 100.
    usize::try_from(d % 10).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_follow_the_mot_mot_tu_bon_nam_lam_rules() {
        for (n, words) in [
            (0, "không"),
            (1, "một"),
            (4, "bốn"),
            (5, "năm"),
            (9, "chín"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (19, "mười chín"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (31, "ba mươi mốt"),
            (44, "bốn mươi tư"),
            (55, "năm mươi lăm"),
            (70, "bảy mươi"),
            (99, "chín mươi chín"),
        ] {
            assert_eq!(number_in_words(n), words, "{n}");
        }
    }

    #[test]
    fn hundreds_read_linh_for_an_empty_tens_place() {
        for (n, words) in [
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (104, "một trăm linh bốn"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (111, "một trăm mười một"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (205, "hai trăm linh năm"),
            (250, "hai trăm năm mươi"),
            (999, "chín trăm chín mươi chín"),
        ] {
            assert_eq!(number_in_words(n), words, "{n}");
        }
    }

    #[test]
    fn thousands_and_millions_read_khong_tram_inside_the_number() {
        for (n, words) in [
            (1_000, "một nghìn"),
            (1_001, "một nghìn không trăm linh một"),
            (1_010, "một nghìn không trăm mười"),
            (1_015, "một nghìn không trăm mười lăm"),
            (1_100, "một nghìn một trăm"),
            (2_024, "hai nghìn không trăm hai mươi tư"),
            (10_000, "mười nghìn"),
            (15_000, "mười lăm nghìn"),
            (21_000, "hai mươi mốt nghìn"),
            (50_000, "năm mươi nghìn"),
            (105_000, "một trăm linh năm nghìn"),
            (250_500, "hai trăm năm mươi nghìn năm trăm"),
            (1_000_000, "một triệu"),
            (1_000_001, "một triệu không trăm linh một"),
            (1_005_000, "một triệu không trăm linh năm nghìn"),
            (1_250_000, "một triệu hai trăm năm mươi nghìn"),
            (2_000_500, "hai triệu năm trăm"),
            (15_000_000, "mười lăm triệu"),
            (
                999_999_999,
                "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn \
                 chín trăm chín mươi chín",
            ),
        ] {
            assert_eq!(number_in_words(n), words, "{n}");
        }
    }

    #[test]
    fn billions_up_to_hundreds_of_billions_and_beyond() {
        for (n, words) in [
            (1_000_000_000, "một tỷ"),
            (1_000_000_005, "một tỷ không trăm linh năm"),
            (1_000_050_000, "một tỷ không trăm năm mươi nghìn"),
            (2_500_000_000, "hai tỷ năm trăm triệu"),
            (21_000_000_000, "hai mươi mốt tỷ"),
            (
                105_024_000_015,
                "một trăm linh năm tỷ không trăm hai mươi tư triệu không trăm mười lăm",
            ),
            (
                999_999_999_999,
                "chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu \
                 chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
            ),
            (1_000_000_000_000, "một nghìn tỷ"),
            (1_001_000_000_000, "một nghìn không trăm linh một tỷ"),
            (1_000_000_000_000_000_000, "một tỷ tỷ"),
        ] {
            assert_eq!(number_in_words(n), words, "{n}");
        }
        // The largest u64 (18.446.744.073.709.551.615) reads as 18.446.744.073 tỷ and the rest.
        let max = number_in_words(u64::MAX);
        assert!(
            max.starts_with(
                "mười tám tỷ bốn trăm bốn mươi sáu triệu bảy trăm bốn mươi tư nghìn \
                 không trăm bảy mươi ba tỷ bảy trăm linh chín triệu"
            ),
            "{max}"
        );
        assert_eq!(parse(&max), u64::MAX);
    }

    #[test]
    fn amounts_in_words_are_capitalised_and_end_in_dong() {
        assert_eq!(amount_in_words(50_000), "Năm mươi nghìn đồng");
        assert_eq!(amount_in_words(0), "Không đồng");
        assert_eq!(amount_in_words(1_500_000), "Một triệu năm trăm nghìn đồng");
        assert_eq!(amount_in_words(8_000), "Tám nghìn đồng");
        assert_eq!(amount_in_words(100_000), "Một trăm nghìn đồng");
    }

    #[test]
    fn amounts_in_figures_group_thousands_with_dots() {
        for (n, figures) in [
            (0, "0"),
            (5, "5"),
            (999, "999"),
            (1_000, "1.000"),
            (50_000, "50.000"),
            (1_250_000, "1.250.000"),
            (105_024_000_015, "105.024.000.015"),
            (u64::MAX, "18.446.744.073.709.551.615"),
        ] {
            assert_eq!(format_amount(n), figures, "{n}");
        }
    }

    /// A reader of the words, independent of the writer above, for the round trip below.
    fn parse(words: &str) -> u64 {
        let mut total: u64 = 0; // complete billions groups
        let mut below_billion: u64 = 0;
        let mut group: u64 = 0;
        let mut last_digit: u64 = 0;
        for w in words.split(' ') {
            match w {
                "trăm" => {
                    group += last_digit * 100;
                    last_digit = 0;
                }
                "mươi" => {
                    group += last_digit * 10;
                    last_digit = 0;
                }
                "mười" => group += 10,
                "linh" => {}
                "mốt" => last_digit = 1,
                "tư" => last_digit = 4,
                "lăm" => last_digit = 5,
                "nghìn" | "triệu" => {
                    let scale = if w == "nghìn" { 1_000 } else { 1_000_000 };
                    below_billion += (group + last_digit) * scale;
                    group = 0;
                    last_digit = 0;
                }
                "tỷ" => {
                    let n = below_billion + group + last_digit;
                    // "tỷ" after a number of tỷ already read multiplies it ("một tỷ tỷ").
                    total = if n == 0 {
                        total * BILLION
                    } else {
                        (total + n) * BILLION
                    };
                    below_billion = 0;
                    group = 0;
                    last_digit = 0;
                }
                d => {
                    last_digit = DIGITS
                        .iter()
                        .position(|x| *x == d)
                        .unwrap_or_else(|| panic!("unknown word {d:?} in {words:?}"))
                        as u64;
                }
            }
        }
        total + below_billion + group + last_digit
    }

    #[test]
    fn every_number_below_a_million_and_many_large_ones_read_back_to_themselves() {
        for n in 0..1_000_000u64 {
            assert_eq!(parse(&number_in_words(n)), n, "{n}: {}", number_in_words(n));
        }
        // A spread of large numbers with zero groups in every position.
        let mut n: u64 = 7;
        while n < 1_000_000_000_000_000 {
            let variants = [
                Some(n),
                n.checked_mul(1_000).and_then(|m| m.checked_add(5)),
                n.checked_mul(1_000_000).and_then(|m| m.checked_add(10)),
                n.checked_add(1_000_000_000),
            ];
            for m in variants.into_iter().flatten() {
                assert_eq!(parse(&number_in_words(m)), m, "{m}: {}", number_in_words(m));
            }
            n = n * 13 + 1;
        }
    }

    #[test]
    fn words_never_contain_an_empty_or_doubled_space() {
        for n in [
            0,
            10,
            100,
            1_000,
            1_000_000,
            1_000_000_000,
            10_000_000_000_000,
        ] {
            let w = number_in_words(n);
            assert!(
                !w.contains("  ") && !w.starts_with(' ') && !w.ends_with(' '),
                "{w:?}"
            );
        }
    }
}
