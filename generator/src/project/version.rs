//! `bump_version`: `codegen` moves a crate's `crate_version` in
//! `codegen.toml` by the bump its drift calls for ([`ItemsDiff`]: the
//! committed crate's public items against the regenerated ones), and the
//! crate is generated at that version. The file is edited as text, in the
//! value's own span (or one line added after the crate's `name`), so its
//! comments and layout stay; it is written beside and renamed into place.

use super::{io_error, Error, CONFIG_FILE};
use crate::diff::{next_version, Bump};
use serde::Deserialize;
use std::fs;
use std::ops::Range;
use std::path::Path;

/// The spans of what a bump edits (the file was parsed and checked already).
#[derive(Deserialize)]
struct Spans {
    #[serde(rename = "crate")]
    crates: Vec<CrateSpans>,
}

#[derive(Deserialize)]
struct CrateSpans {
    name: toml::Spanned<String>,
    crate_version: Option<toml::Spanned<String>>,
}

/// A crate's version, bumped: the new version and the bump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionBump {
    /// The index of the crate's `[[crate]]` in the file.
    pub index: usize,
    /// The version before.
    pub from: semver::Version,
    /// The bump.
    pub bump: Bump,
}

impl VersionBump {
    /// The version after.
    pub fn to(&self) -> semver::Version {
        next_version(&self.from, self.bump)
    }
}

/// `text` (a `codegen.toml`) with the `crate_version` of the `[[crate]]`
/// at `index` set to `version`: the value replaced where it stands, or, when
/// unset, a line added after the crate's `name`. Everything else is kept
/// byte for byte.
pub fn set_crate_version(text: &str, index: usize, version: &semver::Version) -> Result<String, String> {
    let spans: Spans = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let krate = spans.crates.get(index).ok_or_else(|| format!("no [[crate]] number {}", index + 1))?;
    let value = format!("\"{version}\"");
    let (range, insert): (Range<usize>, String) = match &krate.crate_version {
        Some(old) => (old.span(), value),
        None => {
            let after_name = krate.name.span().end;
            let line_end = text[after_name..].find('\n').map_or(text.len(), |i| after_name + i);
            (line_end..line_end, format!("\ncrate_version = {value}"))
        }
    };
    Ok(format!("{}{insert}{}", &text[..range.start], &text[range.end..]))
}

/// Writes every bump into `root/codegen.toml` at once, atomically.
pub fn write_bumps(root: &Path, bumps: &[VersionBump]) -> Result<(), Error> {
    if bumps.is_empty() {
        return Ok(());
    }
    let path = root.join(CONFIG_FILE);
    let mut text = fs::read_to_string(&path).map_err(io_error(&path, "cannot read"))?;
    for bump in bumps {
        text = set_crate_version(&text, bump.index, &bump.to()).map_err(|message| Error::Config {
            path: path.clone(),
            text: text.clone(),
            message: format!("cannot set crate_version: {message}"),
            span: None,
        })?;
    }
    let temp = path.with_extension("toml.codegen-tmp");
    fs::write(&temp, &text).map_err(io_error(&temp, "cannot write"))?;
    fs::rename(&temp, &path).map_err(|error| {
        let _ = fs::remove_file(&temp);
        io_error(&path, "cannot move into place")(error)
    })
}

#[cfg(test)]
mod tests {
    use super::set_crate_version;

    const TEXT: &str = "# Crates.\n\n[[crate]]\nspec = \"a.yaml\"\nname = \"a\" # the first\nout = \"a\"\n\n[[crate]]\n# kept\nspec = \"b.yaml\"\nname = \"b\"\ncrate_version = \"0.4.1\"   # bumped by codegen\nout = \"b\"\n";

    #[test]
    fn a_set_version_is_replaced_in_place_and_comments_stay() {
        let edited = set_crate_version(TEXT, 1, &semver::Version::new(0, 5, 0)).unwrap();
        assert_eq!(edited, TEXT.replace("\"0.4.1\"", "\"0.5.0\""));
    }

    #[test]
    fn an_unset_version_gets_a_line_after_the_name() {
        let edited = set_crate_version(TEXT, 0, &semver::Version::new(0, 1, 1)).unwrap();
        assert_eq!(
            edited,
            TEXT.replace("name = \"a\" # the first\n", "name = \"a\" # the first\ncrate_version = \"0.1.1\"\n")
        );
        let again = set_crate_version(&edited, 0, &semver::Version::new(0, 2, 0)).unwrap();
        assert!(again.contains("crate_version = \"0.2.0\"\nout = \"a\""), "{again}");
        assert!(set_crate_version(TEXT, 2, &semver::Version::new(1, 0, 0)).is_err());
    }
}
