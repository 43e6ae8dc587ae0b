//! Interface text in Vietnamese (the default) and English. Every string a page shows comes from
//! `locales/vi/*.toml` or `locales/en/*.toml` by key, so a test can prove both files have the same keys
//! and that every key a template uses exists: no English can leak into a Vietnamese page.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag, for `<html lang>` and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses a tag; anything unknown is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" | "vi-vn" => Some(Lang::Vi),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

// One file per feature, so features grow their texts without editing each other's files; the
// files of a language are read as one TOML document, so a table is defined in one file only.
const VI: &str = concat!(
    include_str!("../locales/vi/common.toml"),
    "\n",
    include_str!("../locales/vi/apply.toml"),
    "\n",
    include_str!("../locales/vi/desk.toml"),
    "\n",
    include_str!("../locales/vi/api_clients.toml"),
    "\n",
    include_str!("../locales/vi/account.toml"),
    "\n",
    include_str!("../locales/vi/payment.toml"),
    "\n",
    include_str!("../locales/vi/registry.toml"),
    "\n",
    include_str!("../locales/vi/outbox.toml"),
    "\n",
    include_str!("../locales/vi/webhooks.toml"),
    "\n",
    include_str!("../locales/vi/ratings.toml"),
);
const EN: &str = concat!(
    include_str!("../locales/en/common.toml"),
    "\n",
    include_str!("../locales/en/apply.toml"),
    "\n",
    include_str!("../locales/en/desk.toml"),
    "\n",
    include_str!("../locales/en/api_clients.toml"),
    "\n",
    include_str!("../locales/en/account.toml"),
    "\n",
    include_str!("../locales/en/payment.toml"),
    "\n",
    include_str!("../locales/en/registry.toml"),
    "\n",
    include_str!("../locales/en/outbox.toml"),
    "\n",
    include_str!("../locales/en/webhooks.toml"),
    "\n",
    include_str!("../locales/en/ratings.toml"),
);

type Table = HashMap<String, String>;

fn flatten(prefix: &str, value: &toml::Value, out: &mut Table) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

/// Parses a locale file into dotted keys. Public for the locale tests.
pub fn parse_locale(text: &str) -> Result<HashMap<String, String>, toml::de::Error> {
    let value: toml::Value = toml::from_str(text)?;
    let mut out = HashMap::new();
    flatten("", &value, &mut out);
    Ok(out)
}

fn tables() -> &'static (Table, Table) {
    static TABLES: OnceLock<(Table, Table)> = OnceLock::new();
    TABLES.get_or_init(|| {
        // The files are compiled in and checked by tests, so a parse failure is a build defect;
        // an empty table then shows keys rather than crashing the portal.
        let vi = parse_locale(VI).unwrap_or_default();
        let en = parse_locale(EN).unwrap_or_default();
        (vi, en)
    })
}

/// The text for `key` in `lang`; a visible marker when missing (a test forbids that).
pub fn text(lang: Lang, key: &str) -> &'static str {
    let (vi, en) = tables();
    let table = match lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    match table.get(key) {
        Some(s) => s.as_str(),
        None => {
            tracing::warn!(key, lang = lang.code(), "missing interface text");
            "[?]"
        }
    }
}

/// Whether `key` has a text in `lang`.
pub fn has(lang: Lang, key: &str) -> bool {
    let (vi, en) = tables();
    match lang {
        Lang::Vi => vi.contains_key(key),
        Lang::En => en.contains_key(key),
    }
}

/// The raw locale sources, for tests.
pub fn sources() -> [(&'static str, &'static str); 2] {
    [("vi", VI), ("en", EN)]
}

/// Formats a whole number of đồng the way each language writes money:
/// "1.200.000 đồng" in Vietnamese, "1,200,000 VND" in English.
pub fn money(lang: Lang, vnd: i64) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = vnd.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(sep);
        }
        grouped.push(ch);
    }
    let sign = if vnd < 0 { "-" } else { "" };
    match lang {
        Lang::Vi => format!("{sign}{grouped} đồng"),
        Lang::En => format!("{sign}{grouped} VND"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_the_way_each_language_writes_it() {
        assert_eq!(money(Lang::Vi, 1_200_000), "1.200.000 đồng");
        assert_eq!(money(Lang::En, 1_200_000), "1,200,000 VND");
        assert_eq!(money(Lang::Vi, 500), "500 đồng");
        assert_eq!(money(Lang::Vi, 0), "0 đồng");
    }

    #[test]
    fn language_tags_parse_loosely_and_default_to_vietnamese() {
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::default(), Lang::Vi);
    }
}
