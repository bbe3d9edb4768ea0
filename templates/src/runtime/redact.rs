//! Keeping secrets out of text: URLs with credentials in them, decoder
//! messages that quote the values they failed on, and model properties the
//! spec does not list.

use std::borrow::Cow;
use std::fmt;

/// What is shown in place of a secret.
const REDACTED: &str = "[redacted]";

/// `url` with the user name and password of its authority (`user:pass@`)
/// replaced by `[redacted]@`, for `Debug` and error messages. Works on text
/// that does not parse as a URL too, since error messages show such text.
pub(crate) fn without_userinfo(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else { return Cow::Borrowed(url) };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((_, host)) => Cow::Owned(format!("{scheme}://{REDACTED}@{host}{path}")),
        None => Cow::Borrowed(url),
    }
}

/// serde's decoding message without the value it quotes from the body:
/// `invalid type: string "s3cr3t", expected u64` becomes `invalid type:
/// string, expected u64`. The body may hold secrets (tokens, passwords) and
/// the message ends up in logs; the path of the failing field stays in the
/// error, and the body in the response, for whoever needs to look closer.
///
/// Handles the value forms of `serde::de::Unexpected` (string, integer,
/// floating point, character, boolean) and `unknown variant`; names (of
/// fields, of expected variants) are kept.
pub(crate) fn without_values(message: &str) -> String {
    /// A quoted value's introduction and the quote that closes it.
    const QUOTED: [(&str, char); 6] = [
        ("string \"", '"'),
        ("integer `", '`'),
        ("floating point `", '`'),
        ("character `", '`'),
        ("boolean `", '`'),
        ("unknown variant `", '`'),
    ];
    let mut shown = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let next = QUOTED
            .iter()
            .filter_map(|(intro, close)| rest.find(intro).map(|at| (at, *intro, *close)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, intro, close)) = next else {
            shown.push_str(rest);
            return shown;
        };
        let (before, from_intro) = rest.split_at(at);
        shown.push_str(before);
        // `string "` -> `string`: the kind of value stays, the value goes.
        shown.push_str(intro.trim_end_matches(['"', '`']).trim_end());
        let value = from_intro.strip_prefix(intro).unwrap_or_default();
        match closing_quote(value, close) {
            Some(end) => rest = value.split_at(end).1.strip_prefix(close).unwrap_or_default(),
            // Unterminated (a truncated message): drop the rest rather than show it.
            None => return shown,
        }
    }
}

/// The byte offset of the quote closing `value`. Strings are quoted as Rust's
/// `Debug` quotes them, so `\"` inside does not close them; a backquoted
/// value is at least one character long (``character ` ` `` is a backquote).
fn closing_quote(value: &str, close: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in value.char_indices() {
        if close == '"' {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => return Some(at),
                _ => escaped = false,
            }
        } else if c == close && at > 0 {
            return Some(at);
        }
    }
    None
}

/// The properties a generated model does not list, as its redacting `Debug`
/// shows them: their names only, each value shown as `"[redacted]"`. Used for
/// models with secret properties, whose unlisted properties may be secrets
/// too (a server that adds a `clientSecret2`, say).
pub struct RedactedValues<'a, M: ?Sized>(pub &'a M);

impl<'a, M: ?Sized, V: 'a> fmt::Debug for RedactedValues<'a, M>
where
    &'a M: IntoIterator<Item = (&'a String, V)>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.into_iter().map(|(name, _)| (name, REDACTED))).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_redacted_and_the_rest_kept() {
        assert_eq!(without_userinfo("https://user:pass@host:8443/api?x=1"), "https://[redacted]@host:8443/api?x=1");
        assert_eq!(without_userinfo("https://user@host"), "https://[redacted]@host");
        // The last `@` of the authority ends the userinfo; one in the path is not userinfo.
        assert_eq!(without_userinfo("http://a@b:p@ss@host/x@y"), "http://[redacted]@host/x@y");
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
        assert_eq!(without_userinfo("not a url user:pass@host"), "not a url user:pass@host");
        assert_eq!(without_userinfo("ht tp://user:pass@host"), "ht tp://[redacted]@host");
    }

    #[test]
    fn decoder_messages_lose_their_values_and_keep_their_names() {
        let cases = [
            (
                r#"invalid type: string "s3cr3t", expected u64 at line 1 column 20"#,
                "invalid type: string, expected u64 at line 1 column 20",
            ),
            (
                r#"invalid value: string "a \"quoted\" s3cr3t", expected a uuid"#,
                "invalid value: string, expected a uuid",
            ),
            ("invalid type: integer `123456`, expected a string", "invalid type: integer, expected a string"),
            ("invalid type: integer `-5`, expected u8", "invalid type: integer, expected u8"),
            ("invalid type: floating point `1.5`, expected i32", "invalid type: floating point, expected i32"),
            ("invalid type: character ```, expected a digit", "invalid type: character, expected a digit"),
            ("invalid type: boolean `true`, expected a string", "invalid type: boolean, expected a string"),
            ("unknown variant `s3cr3t`, expected one of `a`, `b`", "unknown variant, expected one of `a`, `b`"),
            ("missing field `password`", "missing field `password`"),
            ("unknown field `x`, expected `a`", "unknown field `x`, expected `a`"),
            ("invalid type: sequence, expected struct Pet", "invalid type: sequence, expected struct Pet"),
            (r#"invalid type: string "unterminated"#, "invalid type: string"),
        ];
        for (message, shown) in cases {
            assert_eq!(without_values(message), shown, "{message}");
        }
    }

    #[test]
    fn real_serde_json_messages_lose_the_secret() {
        let messages = [
            serde_json::from_str::<u64>(r#""s3cr3t""#).map(drop),
            serde_json::from_str::<String>("31415926").map(drop),
            serde_json::from_str::<Vec<u8>>("[3.1415]").map(drop),
            serde_json::from_str::<char>(r#""s3cr3t""#).map(drop),
        ];
        for result in messages {
            let message = result.map_or_else(|e| e.to_string(), |()| String::new());
            let shown = without_values(&message);
            assert!(!shown.is_empty(), "{message}");
            for secret in ["s3cr3t", "31415926", "3.1415"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }

    #[test]
    fn unlisted_properties_show_names_only() {
        let mut map = serde_json::Map::new();
        map.insert("clientSecret2".to_owned(), serde_json::json!("s3cr3t"));
        assert_eq!(format!("{:?}", RedactedValues(&map)), r#"{"clientSecret2": "[redacted]"}"#);
        let typed: std::collections::BTreeMap<String, u32> = [("pin".to_owned(), 1234)].into();
        assert_eq!(format!("{:?}", RedactedValues(&typed)), r#"{"pin": "[redacted]"}"#);
    }
}
