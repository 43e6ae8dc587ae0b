//! The words of each notice, in Vietnamese and English, kept as data in `notices/*.toml` so that
//! wording can be corrected without reading code; a test proves both languages have every
//! notice and every part. Filled in by plain `{placeholder}` substitution: the values are the
//! dossier's own (code, names, dates, reasons), and the HTML version escapes them.

use std::collections::HashMap;
use std::sync::OnceLock;

use domain::notice::NoticeKind;

/// A language of the notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English, for applicants who chose it.
    En,
}

impl Language {
    /// `vi` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Vi => "vi",
            Language::En => "en",
        }
    }

    /// The language of a stored code; Vietnamese for anything else.
    pub fn parse(code: &str) -> Language {
        if code.trim().eq_ignore_ascii_case("en") {
            Language::En
        } else {
            Language::Vi
        }
    }
}

type Table = HashMap<String, HashMap<String, String>>;

fn table(lang: Language) -> &'static Table {
    static VI: OnceLock<Table> = OnceLock::new();
    static EN: OnceLock<Table> = OnceLock::new();
    let (cell, text) = match lang {
        Language::Vi => (&VI, include_str!("../../notices/vi.toml")),
        Language::En => (&EN, include_str!("../../notices/en.toml")),
    };
    // The files are compiled in and checked by the tests below, so a parse failure is a
    // build-time mistake; an empty table then shows as missing keys, never as a panic.
    cell.get_or_init(|| toml::from_str(text).unwrap_or_default())
}

/// One part of the texts: `part` (subject, body, sms, or a common phrase) of `section`.
pub fn text(lang: Language, section: &str, part: &str) -> &'static str {
    table(lang)
        .get(section)
        .and_then(|s| s.get(part))
        .map_or("", String::as_str)
}

/// `template` with each `{key}` replaced by its value; unknown placeholders stay as they are.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The three renderings of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// E-mail subject.
    pub subject: String,
    /// E-mail plain text.
    pub text: String,
    /// E-mail HTML.
    pub html: String,
    /// SMS text, before it loses its diacritics.
    pub sms: String,
}

/// Notice `kind` in `lang` with `values`; `link`, `form_link` and `rate_link` are web addresses.
pub fn render(kind: NoticeKind, lang: Language, values: &[(&str, &str)]) -> Rendered {
    let section = kind.as_str();
    let part = |name: &str| fill(text(lang, section, name), values);
    let common = |name: &str| fill(text(lang, "common", name), values);
    let has = |key: &str| values.iter().any(|(k, v)| *k == key && !v.is_empty());
    let mut paragraphs = vec![common("greeting"), part("body"), common("track")];
    if has("form_link") {
        paragraphs.push(common("form"));
    }
    if has("rate_link") {
        paragraphs.push(common("rate"));
    }
    paragraphs.push(common("signature"));
    let text = paragraphs.join("\n\n");
    let html = html_of(lang, &paragraphs);
    Rendered {
        subject: part("subject"),
        text,
        html,
        sms: part("sms"),
    }
}

/// The paragraphs as a small HTML document: escaped, line breaks kept, addresses as links.
pub(super) fn html_of(lang: Language, paragraphs: &[String]) -> String {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str("<p>");
        for (i, line) in p.lines().enumerate() {
            if i > 0 {
                body.push_str("<br>");
            }
            for (j, word) in line.split(' ').enumerate() {
                if j > 0 {
                    body.push(' ');
                }
                if word.starts_with("http://") || word.starts_with("https://") {
                    let href = escape(word.trim_end_matches([')', '.', ',']));
                    let tail = escape(&word[word.trim_end_matches([')', '.', ',']).len()..]);
                    body.push_str(&format!("<a href=\"{href}\">{href}</a>{tail}"));
                } else {
                    body.push_str(&escape(word));
                }
            }
        }
        body.push_str("</p>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head>\
         <body style=\"font-family:sans-serif;font-size:16px;line-height:1.5\">\n{body}</body></html>\n",
        lang.code()
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTS: [&str; 3] = ["subject", "body", "sms"];
    const COMMON: [&str; 8] = [
        "greeting",
        "track",
        "form",
        "rate",
        "signature",
        "counter",
        "post",
        "online",
    ];

    #[test]
    fn both_languages_have_every_notice_and_every_part() {
        for lang in [Language::Vi, Language::En] {
            for kind in NoticeKind::ALL {
                for part in PARTS {
                    assert!(
                        !text(lang, kind.as_str(), part).is_empty(),
                        "{lang:?} {} {part}",
                        kind.as_str()
                    );
                }
            }
            for part in COMMON {
                assert!(!text(lang, "common", part).is_empty(), "{lang:?} {part}");
            }
        }
    }

    #[test]
    fn every_sms_fits_two_messages_with_the_longest_names() {
        let code = "000.00.15.H56-261207-0001";
        let link = format!("https://dichvucong.bacninh.gov.vn/tracking?code={code}");
        let agency = "Ủy ban nhân dân phường Kinh Bắc, thành phố Bắc Ninh, tỉnh Bắc Ninh mới";
        let values = [
            ("name", "Nguyễn Thị Hồng Nhung"),
            ("code", code),
            (
                "procedure",
                "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản",
            ),
            ("agency", agency),
            ("link", link.as_str()),
            ("appointment", "15/12/2026"),
            ("new_date", "22/12/2026"),
            ("reasons", "Thiếu bản sao giấy chứng nhận"),
            ("papers", "Giấy chứng nhận; Hợp đồng; Tờ khai"),
            ("paper_count", "3"),
            ("amount", "1.250.000"),
            ("collect", "tại Bộ phận Một cửa"),
        ];
        for lang in [Language::Vi, Language::En] {
            for kind in NoticeKind::ALL {
                let sms = domain::notice::sms_text(&render(kind, lang, &values).sms);
                assert!(
                    domain::notice::sms_parts(&sms) <= 2,
                    "{lang:?} {}: {} characters: {sms}",
                    kind.as_str(),
                    sms.chars().count()
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_left_alone() {
        assert_eq!(
            fill("Hồ sơ {code} – {x} {", &[("code", "A-1")]),
            "Hồ sơ A-1 – {x} {"
        );
    }

    #[test]
    fn the_html_version_escapes_the_values_and_links_the_addresses() {
        let r = render(
            NoticeKind::Refused,
            Language::Vi,
            &[
                ("name", "Nguyễn <b>An</b>"),
                ("code", "X-1"),
                ("procedure", "Khai sinh"),
                ("agency", "UBND xã"),
                ("reasons", "thiếu \"tờ khai\""),
                ("link", "http://127.0.0.1:8080/tracking?code=X-1"),
            ],
        );
        assert!(
            r.html.contains("Nguyễn &lt;b&gt;An&lt;/b&gt;"),
            "{}",
            r.html
        );
        assert!(r.html.contains("thiếu &quot;tờ khai&quot;"));
        assert!(r.html.contains(
            "<a href=\"http://127.0.0.1:8080/tracking?code=X-1\">http://127.0.0.1:8080/tracking?code=X-1</a>"
        ));
        assert!(
            r.text.contains("Nguyễn <b>An</b>"),
            "the plain text is not escaped"
        );
        assert!(!r.text.contains("{form_link}"), "no form, no form line");
    }
}
