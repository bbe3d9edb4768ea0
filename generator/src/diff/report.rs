//! An [`ApiDiff`] as text: the report grouped by tag, the semver bump it
//! calls for, and a Keep a Changelog section.

use super::{ApiDiff, Change, ChangeKind, Impact};
use std::fmt::Write as _;

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing in the generated API changed.
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Bump {
    /// Its name, as the report prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl ApiDiff {
    /// The bump from `version` (the crate's current one) that Cargo's semver
    /// rules call for: breaking changes bump the major version, additions
    /// the minor, anything else the patch; before 1.0 everything moves one
    /// place right (breaking bumps the minor, the rest the patch).
    pub fn bump(&self, version: &semver::Version) -> Bump {
        let pre_1 = version.major == 0;
        match self.impact() {
            None => Bump::None,
            Some(Impact::Breaking) if pre_1 => Bump::Minor,
            Some(Impact::Breaking) => Bump::Major,
            Some(Impact::Addition) if pre_1 => Bump::Patch,
            Some(Impact::Addition) => Bump::Minor,
            Some(Impact::Compatible) => Bump::Patch,
        }
    }

    /// The report: changes grouped by tag, each with its verdict and reason,
    /// then the bump from `version`.
    pub fn report(&self, version: &semver::Version) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("No change to the generated API.\n");
        }
        for (tag, changes) in self.by_tag() {
            let _ = writeln!(out, "{}", tag.map_or("Client and untagged types".to_string(), |t| format!("Tag `{t}`")));
            for change in changes {
                let verdict = match change.impact {
                    Impact::Breaking => "BREAKING",
                    Impact::Addition => "addition",
                    Impact::Compatible => "compatible",
                };
                let _ = writeln!(out, "  {verdict:<10} {}", line(change));
                let _ = writeln!(out, "             because {}", change.reason);
            }
        }
        let bump = self.bump(version);
        let next = next_version(version, bump);
        let _ = writeln!(
            out,
            "\n{} breaking, {} other; semver: {} ({version} -> {next})",
            self.breaking_count(),
            self.changes.len() - self.breaking_count(),
            bump.as_str()
        );
        out
    }

    /// A Keep a Changelog section for the release `version` (no date: the
    /// release is not made yet), Changed/Added/Removed, breaking entries
    /// marked.
    pub fn changelog_section(&self, version: &semver::Version) -> String {
        let mut out = format!("## [{version}]\n");
        for (heading, kind) in
            [("Added", ChangeKind::Added), ("Changed", ChangeKind::Changed), ("Removed", ChangeKind::Removed)]
        {
            let entries: Vec<&Change> = self.changes.iter().filter(|c| c.kind == kind).collect();
            if entries.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {heading}\n");
            for change in entries {
                let mark = if change.impact == Impact::Breaking { "**Breaking:** " } else { "" };
                let tag = change.tag.as_deref().map(|t| format!(" (tag `{t}`)")).unwrap_or_default();
                let _ = writeln!(out, "- {mark}{}{tag}", line(change));
            }
        }
        if self.is_empty() {
            out.push_str("\nNo change to the generated API.\n");
        }
        out
    }

    /// The changes of each tag, in the diff's order.
    fn by_tag(&self) -> Vec<(Option<&str>, Vec<&Change>)> {
        let mut groups: Vec<(Option<&str>, Vec<&Change>)> = Vec::new();
        for change in &self.changes {
            match groups.last_mut() {
                Some((tag, list)) if *tag == change.tag.as_deref() => list.push(change),
                _ => groups.push((change.tag.as_deref(), vec![change])),
            }
        }
        groups
    }
}

fn line(change: &Change) -> String {
    let kind = match change.kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
    };
    if change.detail.is_empty() {
        format!("{} {kind}", change.item)
    } else {
        format!("{} {kind}: {}", change.item, change.detail)
    }
}

/// `version` bumped by `bump` (pre-release and build metadata dropped).
pub fn next_version(version: &semver::Version, bump: Bump) -> semver::Version {
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    match bump {
        Bump::None => version.clone(),
        Bump::Patch => semver::Version::new(major, minor, patch + 1),
        Bump::Minor => semver::Version::new(major, minor + 1, 0),
        Bump::Major => semver::Version::new(major + 1, 0, 0),
    }
}

/// A changelog with `section` added as its newest release: after the
/// title and introduction (everything before the first `## `), above every
/// older section, which are kept as they were. With no changelog yet, a
/// Keep a Changelog title comes first.
pub fn prepend_section(existing: Option<&str>, section: &str) -> String {
    let existing = existing.unwrap_or(
        "# Changelog\n\nAll notable changes to this crate's API; the format follows [Keep a \
         Changelog](https://keepachangelog.com/en/1.1.0/).\n",
    );
    let at = if existing.starts_with("## ") { Some(0) } else { existing.find("\n## ").map(|i| i + 1) };
    let (head, releases) = existing.split_at(at.unwrap_or(existing.len()));
    let head = head.trim_end();
    let gap = if head.is_empty() { "" } else { "\n\n" };
    let tail = if releases.is_empty() { String::new() } else { format!("\n{releases}") };
    format!("{head}{gap}{}\n{tail}", section.trim_end())
}
