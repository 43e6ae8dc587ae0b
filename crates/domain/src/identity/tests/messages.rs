//! Every rule of the personal identification number has a message in both languages. The texts
//! live with the other interface texts in the web crate (`identity.error.{code}`), where the
//! translators' tests also run; this test reads those files so that adding a rule here without
//! its messages fails in this crate, where the rule was added.

use crate::identity::PersonalIdError;

fn messages(lang: &str) -> toml::Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../web/locales")
        .join(lang)
        .join("common.toml");
    let text = std::fs::read_to_string(&path).expect("the web crate's locale file");
    let all: toml::Table = toml::from_str(&text).expect("the locale file parses");
    all.get("identity")
        .and_then(|t| t.get("error"))
        .and_then(|t| t.as_table())
        .cloned()
        .expect("an [identity.error] table")
}

#[test]
fn every_rule_has_a_vietnamese_and_an_english_message() {
    let (vi, en) = (messages("vi"), messages("en"));
    for code in PersonalIdError::CODES {
        let vi_text = vi.get(code).and_then(|v| v.as_str()).unwrap_or_default();
        let en_text = en.get(code).and_then(|v| v.as_str()).unwrap_or_default();
        assert!(!vi_text.is_empty(), "no Vietnamese message for {code}");
        assert!(!en_text.is_empty(), "no English message for {code}");
        assert_ne!(vi_text, en_text, "{code} is not translated");
    }
    assert_eq!(
        vi.len(),
        PersonalIdError::CODES.len(),
        "a message for no rule"
    );
    assert_eq!(
        en.len(),
        PersonalIdError::CODES.len(),
        "a message for no rule"
    );
}
