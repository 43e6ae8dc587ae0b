//! Every interface string exists in both languages, every key a template uses exists, and no
//! English text shows on a Vietnamese page.

use std::collections::BTreeSet;

use web::i18n::{parse_locale, sources};

use crate::TestApp;

fn keys(text: &str) -> BTreeSet<String> {
    parse_locale(text)
        .expect("locale parses")
        .into_keys()
        .collect()
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let [(_, vi), (_, en)] = sources();
    let (vi, en) = (keys(vi), keys(en));
    let only_vi: Vec<_> = vi.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&vi).collect();
    assert!(
        only_vi.is_empty() && only_en.is_empty(),
        "only vi: {only_vi:?}; only en: {only_en:?}"
    );
}

/// Keys written literally in templates and Rust sources (`.t("…")`, `.t_n("…"`, `.t_s("…"`).
fn used_keys() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["templates", "templates/back_office", "src", "src/api"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    let mut used = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for call in [".t(\"", ".t_n(\"", ".t_s(\""] {
            for chunk in text.split(call).skip(1) {
                if let Some(end) = chunk.find('"') {
                    let key = &chunk[..end];
                    if !key.is_empty() && !key.contains('{') {
                        used.insert(key.to_owned());
                    }
                }
            }
        }
    }
    used
}

#[test]
fn every_key_used_by_a_template_or_handler_exists() {
    let [(_, vi), _] = sources();
    let defined = keys(vi);
    let used = used_keys();
    assert!(used.len() > 100, "found only {} keys in use", used.len());
    let missing: Vec<_> = used.difference(&defined).collect();
    assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
}

#[tokio::test]
async fn no_english_interface_text_leaks_into_vietnamese_pages() {
    let app = TestApp::new().await;
    let [(_, vi), (_, en)] = sources();
    let vi_texts: BTreeSet<String> = parse_locale(vi).expect("vi").into_values().collect();
    // English strings long enough to be sentences or labels, and not also Vietnamese text.
    let english: Vec<String> = parse_locale(en)
        .expect("en")
        .into_values()
        .map(|s| s.split('{').next().unwrap_or_default().trim().to_owned())
        .filter(|s| s.len() >= 8 && !vi_texts.contains(s))
        .collect();
    let data = app.state.reference.get();
    let first = &data.catalogue.procedures[0].code;
    let pages = [
        "/".to_owned(),
        "/procedures".to_owned(),
        "/procedures?q=khai+sinh".to_owned(),
        "/procedures?q=zzzzqqq".to_owned(),
        format!("/procedures/{first}"),
        "/tracking".to_owned(),
        "/tracking?code=x&digits=1".to_owned(),
        "/back-office".to_owned(),
        "/back-office/procedures".to_owned(),
        "/back-office/agencies".to_owned(),
        "/back-office/calendar?year=2026".to_owned(),
        "/missing".to_owned(),
    ];
    for page in pages {
        let html = app.get(&page).await.body;
        for text in &english {
            assert!(
                !html.contains(text.as_str()),
                "{page} shows English text {text:?}"
            );
        }
        assert!(!html.contains("[?]"), "{page} has a missing interface text");
    }
}
