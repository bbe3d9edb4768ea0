//! The reserved lists in `naming.rs` are exactly the names the runtime and
//! the templates define where spec names go: read from a generated crate
//! (runtime included) with syn, so a new runtime or template method cannot
//! silently re-open a clash.

use generator::{generate, naming, Settings};
use std::collections::BTreeSet;

/// One of each place spec names go: a server variable, a credential setter,
/// a tag accessor, builders with an optional parameter, an optional body,
/// paging by `Link` header and paging of a wrapped list.
const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Reserved, version: "1"}
servers: [{url: "https://{region}.example.com", variables: {region: {default: eu}}}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    Item: {type: object, properties: {id: {type: string}}}
paths:
  /items:
    get:
      operationId: listItems
      tags: [items]
      parameters: [{name: filter, in: query, schema: {type: string}}]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Item"}}}, application/x-ndjson: {schema: {$ref: "#/components/schemas/Item"}}}}}
    post:
      operationId: addItem
      tags: [items]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Item"}}}}
      responses: {"204": {description: done}, "200": {description: events, content: {text/event-stream: {schema: {$ref: "#/components/schemas/Item"}}}}}
  /pages:
    get:
      operationId: listPages
      tags: [items]
      responses: {"200": {description: ok, content: {application/json: {schema: {type: object, properties: {data: {type: array, items: {$ref: "#/components/schemas/Item"}}, links: {type: object, properties: {next: {type: string}}}}}}}}}
"##;

fn crate_files() -> Vec<(String, syn::File)> {
    let generated = generate(SPEC, &Settings::new("reserved-client", "reserved.yaml")).expect("spec generates");
    generated
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| (f.path.clone(), syn::parse_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path))))
        .collect()
}

fn type_name_of(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Every method callable on `ty` that the crate defines: inherent methods of
/// any visibility, methods of the traits it implements, and those its
/// derives add.
fn methods_of(files: &[(String, syn::File)], ty: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (_, file) in files {
        for item in &file.items {
            match item {
                syn::Item::Impl(block) if type_name_of(&block.self_ty).as_deref() == Some(ty) => {
                    names.extend(block.items.iter().filter_map(|member| match member {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }))
                }
                syn::Item::Struct(s) if s.ident == ty => {
                    for attr in s.attrs.iter().filter(|a| a.path().is_ident("derive")) {
                        attr.parse_nested_meta(|meta| {
                            let derived = meta.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                            names.extend(
                                match derived.as_str() {
                                    "Clone" => Some("clone"),
                                    "Debug" => Some("fmt"),
                                    "Default" => Some("default"),
                                    "PartialEq" => Some("eq"),
                                    _ => None,
                                }
                                .map(str::to_string),
                            );
                            Ok(())
                        })
                        .expect("derive list");
                    }
                }
                _ => {}
            }
        }
    }
    names
}

fn fields_of(files: &[(String, syn::File)], ty: &str) -> BTreeSet<String> {
    files
        .iter()
        .flat_map(|(_, file)| &file.items)
        .filter_map(|item| match item {
            syn::Item::Struct(s) if s.ident == ty => {
                Some(s.fields.iter().filter_map(|f| f.ident.as_ref()).map(ToString::to_string))
            }
            _ => None,
        })
        .flatten()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn client_methods_are_the_runtime_and_template_methods_of_client() {
    let files = crate_files();
    let mut found = methods_of(&files, "Client");
    assert!(found.remove("items"), "the tag accessor is generated");
    assert_eq!(found, set(naming::CLIENT_METHODS), "update naming::CLIENT_METHODS to match the runtime");
}

#[test]
fn mock_methods_are_the_methods_of_the_generated_test_double() {
    let files = crate_files();
    let mut found = methods_of(&files, "Mock");
    assert!(found.remove("items"), "the tag accessor is generated");
    found.retain(|name| !naming::CLIENT_METHODS.contains(&name.as_str()) && name != "default");
    assert_eq!(found, set(naming::MOCK_METHODS), "update naming::MOCK_METHODS to match render::mock");
}

#[test]
fn a_tag_named_like_a_mock_method_gets_another_accessor() {
    let spec = SPEC.replace("tags: [items]", "tags: [recorded_requests]");
    let generated = generate(&spec, &Settings::new("reserved-client", "reserved.yaml")).expect("spec generates");
    let mock = generated.files.iter().find(|f| f.path == "src/mock.rs").expect("the test double");
    assert!(!mock.contents.contains("pub fn recorded_requests(&self) -> RecordedRequestsApiMock"), "{}", mock.contents);
    assert_eq!(mock.contents.matches("pub fn recorded_requests(").count(), 1, "Mock's own method only");
}

#[test]
fn client_builder_methods_are_the_runtime_methods_of_client_builder() {
    let files = crate_files();
    let mut found = methods_of(&files, "ClientBuilder");
    assert!(found.remove("region") && found.remove("token"), "the spec's setters are generated");
    assert_eq!(
        found,
        set(naming::CLIENT_BUILDER_METHODS),
        "update naming::CLIENT_BUILDER_METHODS to match the runtime"
    );
}

#[test]
fn builder_members_are_the_fields_and_methods_every_request_builder_has() {
    let files = crate_files();
    let mut found = BTreeSet::new();
    for builder in ["ListItems", "AddItem", "ListPages"] {
        found.extend(fields_of(&files, builder));
        // Trait methods (`clone`, `into_future`) are not called on builders by name; inherent ones clash.
        for (_, file) in &files {
            for item in &file.items {
                if let syn::Item::Impl(block) = item {
                    if block.trait_.is_none() && type_name_of(&block.self_ty).as_deref() == Some(builder) {
                        found.extend(block.items.iter().filter_map(|m| match m {
                            syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                            _ => None,
                        }));
                    }
                }
            }
        }
    }
    assert!(found.remove("filter"), "the optional parameter is a field and a setter");
    assert_eq!(found, set(naming::BUILDER_MEMBERS), "update naming::BUILDER_MEMBERS to match render/apis.rs");
}

#[test]
fn api_modules_import_exactly_the_reserved_runtime_names() {
    let files = crate_files();
    let (_, module) = files.iter().find(|(path, _)| path == "src/apis/items.rs").expect("items module");
    let mut imported = BTreeSet::new();
    for item in &module.items {
        if let syn::Item::Use(u) = item {
            let text = quote::quote!(#u).to_string();
            if let Some(list) = text.strip_prefix("use crate :: runtime :: {") {
                imported.extend(list.trim_end_matches("} ;").split(',').map(|n| n.trim().to_string()));
            }
        }
    }
    assert_eq!(imported, set(naming::API_MODULE_IMPORTS));
    assert!(naming::API_MODULE_IMPORTS.iter().all(|name| naming::API_MODULE_TYPES.contains(name)));
}
