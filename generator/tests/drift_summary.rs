//! The drift check's summary (`openapi-rs check`, `codegen --check`): the
//! public items of the committed crate against the regenerated one, with
//! the semver verdict, and what it can say of the cause.

use std::path::PathBuf;

// Each test file uses part of the shared helpers.
#[allow(dead_code)]
mod common {
    pub mod command;
}

use common::command::*;

/// A folder holding `store.yaml` (the v1 fixture) and its crate in `store/`.
fn generated_v1(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::copy(diff_fixtures().join("store-v1.yaml"), dir.join("store.yaml")).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["-q", "generate", "store.yaml", "--out", "store"]);
    assert_eq!(code, Some(0), "{stderr}");
    dir
}

/// The summary's note: from its first line to the `help` line.
fn summary(stderr: &str) -> String {
    let start = stderr.find("= note: what this does").unwrap_or_else(|| panic!("no summary in:\n{stderr}"));
    let end = stderr[start..].find("= help").map_or(stderr.len(), |i| start + i);
    stderr[start..end].lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_spec_change_is_summarised_by_public_item_with_the_bump() {
    let dir = generated_v1("spec");
    std::fs::copy(diff_fixtures().join("store-v2.yaml"), dir.join("store.yaml")).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["check", "store.yaml", "--out", "store"]);
    assert_eq!(code, Some(1), "{stderr}");
    let summary = summary(&stderr);
    insta::assert_snapshot!("drift_store_v1_to_v2", summary);
    assert!(!summary.contains("The runtime"), "the generator is the same: {summary}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_generator_change_alone_says_so_and_that_no_public_item_changed() {
    let dir = generated_v1("generator");
    // As an older generator would have left them: another runtime body,
    // and a model's docs worded differently.
    let retry = dir.join("store/src/runtime/retry.rs");
    let text = std::fs::read_to_string(&retry).unwrap();
    std::fs::write(&retry, format!("{text}\nfn older_helper() {{}}\n")).unwrap();
    let models = dir.join("store/src/models/orders.rs");
    let text = std::fs::read_to_string(&models).unwrap();
    std::fs::write(&models, text.replacen("///", "/// (older wording)", 1)).unwrap();

    let (code, _, stderr) = openapi_rs(&dir, &["check", "store.yaml", "--out", "store"]);
    assert_eq!(code, Some(1), "{stderr}");
    let summary = summary(&stderr);
    assert!(summary.contains("No public item changed"), "{summary}");
    assert!(summary.contains("the generator changed"), "{summary}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_carries_the_changes_the_bump_and_the_cause() {
    let dir = generated_v1("json");
    std::fs::copy(diff_fixtures().join("store-v2.yaml"), dir.join("store.yaml")).unwrap();
    let (code, stdout, _) = openapi_rs(&dir, &["--format", "json", "check", "store.yaml", "--out", "store"]);
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let changes = &json["crates"][0]["api_changes"];
    assert_eq!((changes["bump"].as_str(), changes["version"].as_str()), (Some("minor"), Some("0.2.0")));
    assert_eq!(changes["runtime_changed"], false);
    let variant = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == "variant `models::OrderStatus::Cancelled`")
        .expect("the new enum value");
    assert_eq!((variant["kind"].as_str(), variant["impact"].as_str()), (Some("added"), Some("breaking")));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_up_to_date_crate_and_a_first_generation_have_no_summary() {
    let dir = generated_v1("none");
    let (code, stdout, _) = openapi_rs(&dir, &["--format", "json", "check", "store.yaml", "--out", "store"]);
    assert_eq!(code, Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["crates"][0]["api_changes"].is_null());
    let (code, stdout, _) = openapi_rs(&dir, &["--format", "json", "check", "store.yaml", "--out", "elsewhere"]);
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(json["crates"][0]["api_changes"].is_null(), "nothing was generated there to compare with");
    std::fs::remove_dir_all(&dir).unwrap();
}
