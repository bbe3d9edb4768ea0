//! `openapi-rs diff`: the report on a fixture pair (two versions of a small
//! store spec, edited as a vendor would), its exit statuses and the
//! changelog it writes.

// Each test file uses part of the shared helpers.
#[allow(dead_code)]
mod common {
    pub mod command;
}

use common::command::*;

#[test]
fn the_store_pair_reports_each_change_by_tag_and_exits_1_for_breaking_ones() {
    let (code, stdout, stderr) =
        openapi_rs(&diff_fixtures(), &["diff", "store-v1.yaml", "store-v2.yaml", "--crate-version", "0.3.1"]);
    assert_eq!((code, stderr.as_str()), (Some(1), ""));
    insta::assert_snapshot!("store_v1_to_v2", stdout);
}

#[test]
fn no_change_exits_0_and_the_reversed_pair_bumps_major() {
    let (code, stdout, _) = openapi_rs(&diff_fixtures(), &["diff", "store-v1.yaml", "store-v1.yaml"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "No change to the generated API.\n\n0 breaking, 0 other; semver: none (0.1.0 -> 0.1.0)\n");
    // Backwards, every addition is a removal: still breaking.
    let (code, stdout, _) =
        openapi_rs(&diff_fixtures(), &["diff", "store-v2.yaml", "store-v1.yaml", "--crate-version", "1.2.0"]);
    assert_eq!(code, Some(1));
    assert!(stdout.ends_with("semver: major (1.2.0 -> 2.0.0)\n"), "{stdout}");
}

#[test]
fn json_lists_the_changes_and_the_bump() {
    let (code, stdout, _) = openapi_rs(
        &diff_fixtures(),
        &["--format", "json", "diff", "store-v1.yaml", "store-v2.yaml", "--crate-version", "1.0.0"],
    );
    assert_eq!(code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((json["bump"].as_str(), json["version"].as_str()), (Some("major"), Some("2.0.0")));
    let setter = &json["changes"][0];
    assert_eq!(setter["item"], "setter `ListOrders::placed_after`");
    assert_eq!((setter["kind"].as_str(), setter["impact"].as_str()), (Some("added"), Some("addition")));
}

#[test]
fn the_changelog_section_goes_on_top_of_the_existing_file() {
    let dir = temp_dir("changelog");
    let changelog = dir.join("CHANGELOG.md");
    std::fs::write(&changelog, "# Changelog\n\n## [0.3.1]\n\n- Older entry\n").unwrap();
    let (old, new) = (diff_fixtures().join("store-v1.yaml"), diff_fixtures().join("store-v2.yaml"));
    let args = [
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--crate-version",
        "0.3.1",
        "--changelog",
        "CHANGELOG.md",
    ];
    let (code, _, stderr) = openapi_rs(&dir, &args);
    assert_eq!(code, Some(1), "{stderr}");
    let text = std::fs::read_to_string(&changelog).unwrap();
    assert!(
        text.starts_with("# Changelog\n\n## [0.4.0]\n\n### Added\n\n- setter `ListOrders::placed_after` added"),
        "{text}"
    );
    assert!(text.contains("- **Breaking:** method `OrdersApi::delete_order` removed (tag `orders`)\n"), "{text}");
    assert!(text.ends_with("\n## [0.3.1]\n\n- Older entry\n"), "the older section is kept: {text}");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files, ["CHANGELOG.md"], "no temporary file is left");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_spec_that_does_not_generate_is_a_located_error_exit_2() {
    let dir = temp_dir("broken");
    let broken = std::fs::read_to_string(diff_fixtures().join("store-v2.yaml")).unwrap().replace(
        "schemas/OrderStatus\"}}\n        - {name: placedAfter",
        "schemas/Nowhere\"}}\n        - {name: placedAfter",
    );
    std::fs::write(dir.join("new.yaml"), broken).unwrap();
    let old = diff_fixtures().join("store-v1.yaml");
    let (code, stdout, stderr) = openapi_rs(&dir, &["diff", old.to_str().unwrap(), "new.yaml"]);
    assert_eq!((code, stdout.as_str()), (Some(2), ""), "{stderr}");
    assert!(stderr.contains("--> new.yaml:9:"), "located in the new spec: {stderr}");
    let (code, _, stderr) = openapi_rs(&dir, &["diff", "missing.yaml", "new.yaml"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot read the spec") && stderr.contains("--> missing.yaml"),
        "names the unreadable spec: {stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
