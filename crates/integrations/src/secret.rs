//! A secret of the configuration (a gateway's shared key, a client secret, a bearer token, a
//! hex key) that cannot end up in a log line, a panic message or a `{:?}` by accident: it
//! prints as a redaction, and its value is read only through an explicit [`Secret::expose`],
//! so every place that uses a secret says so. It lives here, in the crate of the clients that
//! are configured with such secrets and that the web crate and the binary both depend on; the
//! domain crate holds the rules of the procedures, not how the program is configured.

use std::fmt;

use serde::Deserialize;

/// What a secret prints as.
const REDACTED: &str = "<hidden>";

/// A secret value: `Debug` and `Display` print `<hidden>`; [`Secret::expose`] gives the value.
///
/// It reads from the configuration as the bare value (`secret = "…"` in TOML, a string in an
/// environment variable). It is deliberately not `Serialize`: a structure holding one cannot be
/// written out (to a file, a log as JSON, an answer) without saying what to do with it.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the code that signs, authenticates or derives a key with it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (a configuration that forgot it).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&Secret> for Secret {
    /// A copy, so that constructors taking `impl Into<Secret>` accept a borrowed one.
    fn from(value: &Secret) -> Self {
        value.clone()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_prints_as_a_redaction_however_it_is_formatted() {
        let secret = Secret::from("s3cret");
        for shown in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{:?}", Some(&secret)),
        ] {
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("<hidden>"), "{shown}");
        }
        assert_eq!(secret.expose(), "s3cret");
    }

    #[test]
    fn a_secret_reads_from_a_bare_string_of_the_configuration() {
        #[derive(Debug, Deserialize)]
        struct Section {
            key: Secret,
            missing: Option<Secret>,
        }
        let section: Section =
            serde_json::from_str(r#"{"key": "s3cret"}"#).expect("a string reads as a secret");
        assert_eq!(section.key.expose(), "s3cret");
        assert!(section.missing.is_none());
        assert!(!format!("{section:?}").contains("s3cret"));
    }
}
