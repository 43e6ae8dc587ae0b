//! What every page template needs to know about the request: the language, the address (for the
//! language switch and the current navigation item) and whether it is a back-office page.
//! Extracted once per request from the `lang` cookie or `?lang=`; Vietnamese when absent.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};

use crate::i18n::{self, Lang};

/// Cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// Request facts for templates.
#[derive(Debug, Clone)]
pub struct Ui {
    /// Interface language.
    pub lang: Lang,
    /// Path of the request, without the query.
    pub path: String,
    /// Path and query, to come back to after switching language.
    pub path_and_query: String,
    /// Whether the page belongs to the back office (its own navigation).
    pub back_office: bool,
}

/// The value of the cookie `name` sent with a request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    cookie(headers, LANG_COOKIE).and_then(Lang::parse)
}

/// The first supported language the browser prefers; order of the header is taken as preference.
fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    headers
        .get(header::ACCEPT_LANGUAGE)?
        .to_str()
        .ok()?
        .split(',')
        .filter_map(|item| item.split(';').next())
        .find_map(|tag| Lang::parse(tag.trim().split('-').next().unwrap_or_default()))
}

fn query_lang(uri: &Uri) -> Option<Lang> {
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "lang")
        .and_then(|(_, value)| Lang::parse(value))
}

impl Ui {
    /// Reads the request's language and address.
    pub fn from_request(uri: &Uri, headers: &HeaderMap) -> Ui {
        let lang = query_lang(uri)
            .or_else(|| cookie_lang(headers))
            // Pages stay Vietnamese until the visitor chooses; API clients state a preference.
            .or_else(|| {
                uri.path()
                    .starts_with("/api/")
                    .then(|| accept_language(headers))
                    .flatten()
            })
            .unwrap_or_default();
        let path = uri.path().to_owned();
        Ui {
            lang,
            back_office: path == "/back-office" || path.starts_with("/back-office/"),
            path_and_query: uri
                .path_and_query()
                .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned()),
            path,
        }
    }

    /// Interface text for a key.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::text(self.lang, key)
    }

    /// Interface text with `{n}` replaced by a number.
    /// A key with a `_one` variant uses it for exactly one (English "1 working day").
    pub fn t_n(&self, key: &str, n: impl std::fmt::Display) -> String {
        let n = n.to_string();
        let one = format!("{key}_one");
        let text = if n == "1" && i18n::has(self.lang, &one) {
            self.t(&one)
        } else {
            self.t(key)
        };
        text.replace("{n}", &n)
    }

    /// Interface text with `{s}` replaced by a string.
    pub fn t_s(&self, key: &str, s: &str) -> String {
        self.t(key).replace("{s}", s)
    }

    /// Whether the page is in English.
    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    /// Chooses the Vietnamese or English form of a catalogue text.
    pub fn pick<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::En if !en.trim().is_empty() => en,
            _ => vi,
        }
    }

    /// Money in this language's format.
    pub fn money(&self, vnd: i64) -> String {
        i18n::money(self.lang, vnd)
    }

    /// Whether a navigation item points at the current section.
    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" || href == "/back-office" {
            self.path == href
        } else {
            self.path == href || self.path.starts_with(&format!("{href}/"))
        }
    }

    /// Link that switches to the other language and comes back here.
    pub fn switch_href(&self) -> String {
        format!(
            "/language?lang={}&next={}",
            self.lang.other().code(),
            percent_encode(&self.path_and_query)
        )
    }
}

/// Percent-encodes a string for use as one query parameter value.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Ui::from_request(&parts.uri, &parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ui(lang: Lang) -> Ui {
        Ui {
            lang,
            back_office: false,
            path: "/".into(),
            path_and_query: "/".into(),
        }
    }

    #[test]
    fn english_counts_say_one_thing_in_the_singular_and_others_in_the_plural() {
        let en = ui(Lang::En);
        assert_eq!(en.t_n("duration.working_days", 1), "1 working day");
        assert_eq!(en.t_n("duration.working_days", 3), "3 working days");
        assert_eq!(
            en.t_n("pagination.page", 1),
            "Page 1",
            "no singular form needed"
        );
        assert_eq!(
            ui(Lang::Vi).t_n("duration.working_days", 1),
            "1 ngày làm việc"
        );
    }
}
