//! The search box of the portal and `GET /api/v1/procedures?q=` take any text. `search::fold`
//! (the Vietnamese folding every query and every indexed name goes through), `search::tokens` and
//! `SearchIndex::search` over the shipped catalogue must never panic; folding must give only the
//! documented characters and be idempotent, and a search must depend on the query only through
//! its folded form (and whether the last word is finished).
#![no_main]

use std::sync::LazyLock;

use domain::catalogue::{Catalogue, Field, Procedure};
use domain::search::{ProcedureFilter, SearchIndex, fold, tokens};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
struct FieldFile {
    field: Vec<Field>,
}

#[derive(Deserialize)]
struct ProcedureFile {
    procedure: Vec<Procedure>,
}

macro_rules! procedure_files {
    ($($name:literal),* $(,)?) => {
        [$(include_str!(concat!("../../catalog/procedures/", $name, ".toml"))),*]
    };
}

/// The catalogue shipped in `catalog/` (fields and procedures, which is what search reads).
static CATALOGUE: LazyLock<(Catalogue, SearchIndex)> = LazyLock::new(|| {
    let fields: FieldFile =
        toml::from_str(include_str!("../../catalog/fields.toml")).expect("catalog/fields.toml");
    let mut catalogue = Catalogue {
        fields: fields.field,
        ..Catalogue::default()
    };
    for text in procedure_files![
        "an-toan-thuc-pham",
        "bao-hiem",
        "bao-tro-xa-hoi",
        "can-cuoc",
        "chung-thuc",
        "cu-tru",
        "dang-ky-kinh-doanh",
        "dat-dai",
        "dau-tu",
        "dien",
        "giao-duc",
        "giao-thong",
        "ho-tich",
        "kham-chua-benh",
        "lao-dong",
        "ly-lich-tu-phap",
        "nguoi-co-cong",
        "thuong-mai",
        "van-hoa",
        "xay-dung",
        "xuat-nhap-canh",
    ] {
        let file: ProcedureFile = toml::from_str(text).expect("a procedure file");
        catalogue.procedures.extend(file.procedure);
    }
    let index = SearchIndex::new(&catalogue);
    (catalogue, index)
});

/// Only ASCII lowercase letters but 'y', digits, single spaces between words, and '.' between
/// two digits (DESIGN: "1.001193" stays one word).
fn assert_folded_shape(folded: &str) {
    let bytes = folded.as_bytes();
    assert!(
        !folded.starts_with(' ') && !folded.ends_with(' '),
        "{folded:?}"
    );
    assert!(!folded.contains("  "), "{folded:?}");
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'a'..=b'x' | b'z' | b'0'..=b'9' | b' ' => {}
            b'.' => assert!(
                i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit),
                "{folded:?}"
            ),
            _ => panic!("unexpected byte {b:#x} in {folded:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let folded = fold(query);
    assert_folded_shape(&folded);
    assert_eq!(fold(&folded), folded, "folding is idempotent");
    assert_eq!(tokens(query).join(" "), folded);

    let (catalogue, index) = &*CATALOGUE;
    let filter = ProcedureFilter::default();
    let found = index.search(catalogue, query, &filter);
    let mut seen = vec![false; catalogue.procedures.len()];
    for &i in &found {
        assert!(i < seen.len(), "index {i} out of the catalogue");
        assert!(!seen[i], "procedure {i} found twice");
        seen[i] = true;
    }
    // The same search from the folded text, keeping whether the last word was finished.
    let finished = if query.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    assert_eq!(
        index.search(catalogue, &format!("{folded}{finished}"), &filter),
        found,
        "{query:?}"
    );
});
