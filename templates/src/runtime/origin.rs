//! Where credentials may go, checked when the client is built: no plain
//! `http` to other machines, and server variables that cannot move the
//! client to another host.

use std::net::IpAddr;

use reqwest::Url;

use super::redact::without_userinfo;

/// Whether `url` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    // An IPv6 host comes in brackets.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Fails when `url`, which `what` describes (`the base URL`), is plain
/// `http` to another machine and `allow_insecure_http` is off: whatever
/// credentials go there would travel unencrypted.
pub(crate) fn require_https(url: &Url, what: &str, allow_insecure_http: bool) -> Result<(), String> {
    if url.scheme() != "http" || allow_insecure_http || is_loopback(url) {
        return Ok(());
    }
    Err(format!(
        "{what} ({}) is plain http and would carry credentials unencrypted; use https, \
         or call ClientBuilder::allow_insecure_http() to accept it",
        url.origin().ascii_serialization()
    ))
}

/// Where a server variable stands in the URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Before `://`.
    Scheme,
    /// In the authority; `whole` when the variable is all of it (`https://{host}`).
    Host { whole: bool },
    /// In the path (or after it).
    Path,
}

/// The positions of every `{name}` in `template`.
fn positions(template: &str, name: &str) -> Vec<Position> {
    let placeholder = format!("{{{name}}}");
    let authority = template.find("://").map(|scheme_end| {
        let start = scheme_end.saturating_add(3);
        let rest = template.get(start..).unwrap_or("");
        let end = rest.find(['/', '?', '#']).map_or(template.len(), |i| start.saturating_add(i));
        (scheme_end, start, end)
    });
    template
        .match_indices(&placeholder)
        .map(|(at, _)| match authority {
            Some((scheme_end, _, _)) if at < scheme_end => Position::Scheme,
            Some((_, start, end)) if at >= start && at < end => {
                Position::Host { whole: template.get(start..end) == Some(placeholder.as_str()) }
            }
            _ => Position::Path,
        })
        .collect()
}

/// Host labels (`[A-Za-z0-9-]`, 1 to 63 characters) separated by dots.
fn is_host_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|label| {
            !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Whether `value` may stand at `position`; `default` is the spec's value.
fn fits(value: &str, position: Position, default: &str) -> Result<(), &'static str> {
    match position {
        Position::Scheme => match value.to_ascii_lowercase().as_str() {
            "http" | "https" => Ok(()),
            _ => Err("expected `http` or `https`"),
        },
        Position::Host { whole: false } => {
            if is_host_name(value) {
                Ok(())
            } else {
                Err("expected host name labels (letters, digits, `-`) separated by `.`")
            }
        }
        Position::Host { whole: true } => {
            let (host, port) = match value.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (value, None),
            };
            let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
            if is_host_name(host) && port_ok {
                Ok(())
            } else {
                Err("expected a host name (letters, digits, `-` and `.`), optionally with `:port`")
            }
        }
        Position::Path => {
            let forbidden = |c: char| matches!(c, '?' | '#' | '\\' | '%' | '@') || c.is_whitespace() || c.is_control();
            if value.contains(forbidden) {
                return Err("a path may not contain `?`, `#`, `\\`, `%`, `@`, spaces or control characters");
            }
            // One segment, unless the spec's own value spans several.
            if value.contains('/') && !default.contains('/') {
                return Err("expected one path segment (no `/`)");
            }
            if value.split('/').any(|segment| segment == "." || segment == "..") {
                return Err("a path segment may not be `.` or `..`");
            }
            Ok(())
        }
    }
}

/// Checks a caller's value for server variable `name` against each place
/// it fills in `template`, so that a value can never change the host the
/// client talks to (`evil.example/x.okta.com`, `a@b`, `x.okta.com#`).
pub(crate) fn check_server_variable(template: &str, name: &str, value: &str, default: &str) -> Result<(), String> {
    for position in positions(template, name) {
        fits(value, position, default).map_err(|why| format!("server variable `{name}` = {value:?}: {why}"))?;
    }
    Ok(())
}

/// With a base URL that replaces the server template, a token URL on the
/// template's host moves to the base URL's host: the client secret goes where
/// the API calls go, never to the spec's default host behind the caller's back.
pub(crate) fn follow_base_origin(token_url: &str, template: &str, base: &Url) -> String {
    // `scheme://authority`, up to the path.
    let origin_of = |url: &str| -> Option<usize> {
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.find('/').unwrap_or(rest.len());
        scheme.len().checked_add("://".len())?.checked_add(authority)
    };
    let Some(template_origin) = origin_of(template).and_then(|end| template.get(..end)) else {
        return token_url.to_owned();
    };
    match token_url.strip_prefix(template_origin) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", base.origin().ascii_serialization())
        }
        _ => token_url.to_owned(),
    }
}

/// Replaces `{name}` placeholders; fails on a placeholder left unfilled.
pub(crate) fn substitute(template: &str, variables: &[(&str, &str)]) -> Result<String, String> {
    let mut out = template.to_owned();
    for (name, value) in variables {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    match (out.find('{'), out.find('}')) {
        (Some(start), Some(end)) if start < end => {
            let name = out.get(start.saturating_add(1)..end).unwrap_or_default();
            Err(format!("no value for server variable `{name}` in `{}`", without_userinfo(template)))
        }
        _ => Ok(out),
    }
}
