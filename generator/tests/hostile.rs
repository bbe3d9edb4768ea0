//! Hostile documents too large to commit (built in `common/hostile_cases.rs`):
//! each one must give a located diagnostic or a crate, on a thread with a
//! small stack (so no stage may recurse as deep as the input goes). How long
//! they take is measured by `cargo bench -p openapi-rs-generator --bench hostile`,
//! not here.

mod common {
    pub mod hostile_cases;
}

use common::hostile_cases::*;
use generator::{generate, Diagnostic, Generated, Settings};

/// A stack smaller than a main thread's 8 MiB: 2 MiB, what Rust gives spawned threads.
const SMALL_STACK: usize = 2 << 20;

fn generate_on_small_stack(text: String) -> Result<Generated, Vec<Diagnostic>> {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || generate(&text, &Settings::new("hostile-client", "hostile.yaml")))
        .expect("thread starts")
        .join()
        .expect("the generator does not panic")
}

fn errors(result: Result<Generated, Vec<Diagnostic>>) -> Vec<Diagnostic> {
    let errors = result.expect_err("the document is rejected");
    assert!(errors.iter().any(Diagnostic::is_error), "{errors:?}");
    errors.into_iter().filter(Diagnostic::is_error).collect()
}

/// Every file of `src/models/`, joined.
fn model_source(generated: &Generated) -> String {
    let files: Vec<&str> =
        generated.files.iter().filter(|f| f.path.starts_with("src/models/")).map(|f| f.contents.as_str()).collect();
    assert!(!files.is_empty(), "the crate has models");
    files.concat()
}

#[test]
fn an_invalid_leaf_under_24_nested_all_ofs_is_reported_at_the_leaf() {
    let errors = errors(generate_on_small_stack(nested_all_of_with_invalid_leaf(24)));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].pointer, nested_all_of_leaf_pointer(24));
    assert!(errors[0].message.contains("invalid type: string \"oops\""), "{}", errors[0]);
}

#[test]
fn a_struct_of_16000_properties_generates_one_statement_per_property() {
    let generated = generate_on_small_stack(wide_struct(16_000)).expect("generates");
    let models = model_source(&generated);
    assert!(models.contains("pub p15999: Option<String>"), "the last property is a field");
    assert_eq!(models.matches("        map.optional(").count(), 15_999, "one flat statement per optional property");
}

#[test]
fn two_deep_references_per_level_give_one_type_per_level() {
    let generated = generate_on_small_stack(two_deep_references_per_level(24)).expect("generates");
    let models = model_source(&generated);
    // One struct for `Levels` and one per level, each used twice.
    assert_eq!(models.matches("pub struct ").count(), 25, "{models}");
    assert!(models.contains("pub a: Option<super::LevelsL2>"), "{models}");
}

#[test]
fn two_all_of_copies_per_level_are_merged_once_each() {
    let generated = generate_on_small_stack(two_all_of_copies_per_level(24)).expect("generates");
    // L0, then per level L<n> and its two merged properties.
    assert_eq!(model_source(&generated).matches("pub struct ").count(), 1 + 23 * 3);
}

#[test]
fn event_unions_that_repeat_references_level_after_level_are_walked_once_per_reference() {
    // 300^3 paths through the unions (as deep as event unions are read):
    // following each would hold 27 million copies of the event.
    let generated = generate_on_small_stack(repeated_event_unions(3, 300)).expect("generates");
    let apis: String =
        generated.files.iter().filter(|f| f.path.starts_with("src/apis/")).map(|f| f.contents.as_str()).collect();
    assert!(apis.contains("pub enum WatchEvent {"), "a union by event name");
    assert_eq!(apis.matches("Some(\"tick\") =>").count(), 1, "one variant for the one event: {apis}");
}

#[test]
fn a_chain_of_2000_aliases_generates() {
    let generated = generate_on_small_stack(alias_chain(2000)).expect("generates");
    assert!(model_source(&generated).contains("pub type A0 = super::A1;"));
}

#[test]
fn a_chain_of_2000_references_into_schemas_is_refused_at_its_depth_limit() {
    let errors = errors(generate_on_small_stack(deep_reference_chain(2000)));
    assert!(errors[0].message.contains("nested"), "{}", errors[0]);
    assert!(errors[0].pointer.starts_with("/components/schemas/"), "{}", errors[0]);
    // A chain well under the limit is fine.
    generate_on_small_stack(deep_reference_chain(50)).expect("a short chain generates");
}

#[test]
fn yaml_flow_nested_100000_deep_is_refused_with_its_place() {
    let errors = errors(generate_on_small_stack(deep_yaml_flow(100_000)));
    assert_eq!(errors[0].line_col, Some((4, 8 + 257)), "{}", errors[0]);
    assert!(errors[0].message.contains("nested more than 256 levels"), "{}", errors[0]);
}

#[test]
fn yaml_blocks_and_json_nested_100000_deep_are_refused_with_their_place() {
    for text in [deep_yaml_block(100_000), deep_json(100_000)] {
        let errors = errors(generate_on_small_stack(text));
        assert!(errors[0].line_col.is_some(), "{}", errors[0]);
        assert!(errors[0].message.contains("recursion limit exceeded"), "{}", errors[0]);
    }
}

#[test]
fn an_alias_bomb_is_refused_before_it_expands() {
    let errors = errors(generate_on_small_stack(alias_bomb(4)));
    assert!(errors[0].message.contains("expands to more than 64 MiB"), "{}", errors[0]);
    assert!(errors[0].line_col.is_some(), "{}", errors[0]);
}

#[test]
fn schemas_nested_as_deep_as_the_parser_allows_generate() {
    // 62 objects deep is 124 levels of YAML (128 with the document around
    // them), as deep as the parser goes.
    let generated = generate_on_small_stack(deep_properties(62)).expect("generates");
    assert_eq!(model_source(&generated).matches("pub struct ").count(), 62);
    let errors = errors(generate_on_small_stack(deep_properties(63)));
    assert!(errors[0].message.contains("recursion limit exceeded"), "{}", errors[0]);
}
