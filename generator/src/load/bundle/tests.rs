use super::*;
use serde_json::json;

/// A set of files, the first the root, each file's references followed.
fn set(files: &[(&str, &str)]) -> SpecFiles {
    let mut set = SpecFiles::new(files[0].0, files[0].1);
    for (key, text) in &files[1..] {
        set.add(*key, *text);
    }
    set
}

const ROOT: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";

#[test]
fn paths_are_joined_to_the_referring_files_folder() {
    assert_eq!(normalize_path("spec/./a/../b/c.yaml"), "spec/b/c.yaml");
    assert_eq!(normalize_path("../x/../../y.yaml"), "../../y.yaml", "a leading `..` climbs above the root");
    assert_eq!(normalize_path("/a/../../b.yaml"), "/b.yaml");
    let files = SpecFiles::new("spec/root.yaml", ROOT);
    let file = |key: &str, pointer: &str| Target::File { key: key.into(), pointer: pointer.into() };
    assert_eq!(files.target("spec/paths/pets.yaml", "../common.yaml#/a~1b"), file("spec/common.yaml", "/a~1b"));
    assert_eq!(files.target("spec/paths/pets.yaml", "#/x"), file("spec/paths/pets.yaml", "/x"));
    assert_eq!(files.target("spec/root.yaml", "my%20schemas/a.json"), file("spec/my schemas/a.json", ""));
    assert!(matches!(files.target("spec/root.yaml", "a.yaml#name"), Target::Refused(m) if m.contains("JSON pointer")));
}

#[test]
fn a_url_is_refused_unless_mapped_to_a_local_file() {
    let url = "https://example.com/specs/common.yaml";
    let text = format!("{ROOT}components:\n  schemas:\n    A:\n      $ref: '{url}#/components/schemas/A'\n");
    let files = SpecFiles::new("root.yaml", text.clone());
    assert!(files.missing().is_empty(), "nothing is fetched");
    assert!(!files.is_single(), "a URL is bundled, to be refused with its own message");
    assert!(SpecFiles::new("root.yaml", ROOT).is_single());
    let Target::Refused(message) = files.target("root.yaml", url) else { panic!("a URL is refused") };
    assert!(message.contains("--map-ref https://example.com/specs/common.yaml=PATH"), "{message}");
    let errors = bundle(&files).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].pointer, "/components/schemas/A/$ref");

    let mapped = SpecFiles::new("root.yaml", text).with_mapped_url(url, "vendor/common.yaml");
    assert_eq!(mapped.missing(), ["vendor/common.yaml"]);
}

#[test]
fn components_are_hoisted_under_their_own_names_and_cycles_followed_once() {
    let root = format!(
        "{ROOT}components:\n  schemas:\n    Error: {{type: string}}\n    Pet: {{$ref: 'pet.yaml'}}\n    Owner: {{$ref: 'lib.yaml#/Owner'}}\n"
    );
    let lib = "Owner:\n  type: object\n  properties:\n    pets: {type: array, items: {$ref: 'pet.yaml'}}\n    error: {$ref: '#/Error'}\nError: {type: integer}\n";
    let pet = "type: object\nproperties:\n  owner: {$ref: 'lib.yaml#/Owner'}\n  tag: {$ref: 'tag.yaml'}\n";
    let tag = "{\"type\": \"string\"}";
    let files = set(&[("root.yaml", &root), ("lib.yaml", lib), ("pet.yaml", pet), ("tag.yaml", tag)]);
    assert!(files.missing().is_empty());
    let bundled = bundle(&files).unwrap();
    let schemas = &bundled.document["components"]["schemas"];
    assert_eq!(schemas["Pet"]["properties"]["owner"], json!({"$ref": "#/components/schemas/Owner"}));
    assert_eq!(schemas["Owner"]["properties"]["pets"]["items"], json!({"$ref": "#/components/schemas/Pet"}));
    assert_eq!(schemas["Pet"]["properties"]["tag"], json!({"$ref": "#/components/schemas/tag"}));
    assert_eq!(schemas["tag"], json!({"type": "string"}));
    assert_eq!(schemas["Owner"]["properties"]["error"], json!({"$ref": "#/components/schemas/Error2"}));
    assert_eq!(schemas["Error2"], json!({"type": "integer"}));
    assert_eq!(schemas["Error"], json!({"type": "string"}), "the root's own keeps its name");
    let notes: Vec<_> = bundled.warnings.iter().map(|d| (d.severity, d.file.as_deref(), d.pointer.as_str())).collect();
    assert_eq!(notes, [(crate::Severity::Note, Some("lib.yaml"), "/Owner/properties/error/$ref")]);
    // Later stages' pointers go back to the file and place they came from.
    assert_eq!(bundled.source_map.place("/components/schemas/Error2/type"), (Some("lib.yaml"), "/Error/type".into()));
    assert_eq!(
        bundled.source_map.place("/components/schemas/Pet/properties"),
        (Some("pet.yaml"), "/properties".into())
    );
    assert_eq!(bundled.source_map.place("/info/title"), (None, "/info/title".into()));
}

#[test]
fn operations_and_other_parts_are_copied_in_place() {
    let root = format!("{}  /pets:\n    get: {{$ref: 'ops/list.yaml'}}\ntags:\n  - name: a\n    description: {{$ref: 'text.yaml#/intro'}}\n", ROOT.replace("paths: {}", "paths:"));
    let list = "operationId: list\nresponses:\n  '200': {$ref: '../responses.yaml#/Ok'}\n";
    let responses = "Ok: {description: fine}\n";
    let files = set(&[
        ("root.yaml", &root),
        ("ops/list.yaml", list),
        ("responses.yaml", responses),
        ("text.yaml", "intro: Hello\n"),
    ]);
    let bundled = bundle(&files).unwrap();
    let operation = &bundled.document["paths"]["/pets"]["get"];
    assert_eq!(operation["responses"]["200"], json!({"$ref": "#/components/responses/Ok"}));
    assert_eq!(bundled.document["components"]["responses"]["Ok"], json!({"description": "fine"}));
    assert_eq!(bundled.document["tags"][0]["description"], json!("Hello"));
    assert_eq!(
        bundled.source_map.place("/paths/~1pets/get/operationId"),
        (Some("ops/list.yaml"), "/operationId".into())
    );
}

#[test]
fn problems_are_reported_in_the_file_where_they_stand() {
    let root = format!(
        "{}  /a:\n    $ref: 'a.yaml'\n  /b:\n    $ref: 'gone.yaml'\n  /c:\n    $ref: 'bad.yaml'\n",
        ROOT.replace("paths: {}", "paths:")
    );
    let a = "get:\n  responses:\n    '200': {$ref: 'a.yaml#/nowhere'}\n";
    let mut files = set(&[("root.yaml", &root), ("a.yaml", a), ("bad.yaml", "get: [\n")]);
    assert_eq!(files.missing(), ["gone.yaml"]);
    files.add_unreadable("gone.yaml", "No such file or directory");
    let errors = bundle(&files).unwrap_err();
    let shown: Vec<_> = errors.iter().map(|d| (d.file.as_deref(), d.pointer.as_str(), d.message.as_str())).collect();
    assert_eq!(
        shown[0],
        (
            Some("a.yaml"),
            "/get/responses/200/$ref",
            "unresolved reference `a.yaml#/nowhere`: `#/nowhere` is not in `a.yaml`"
        )
    );
    assert_eq!(
        shown[1],
        (
            None,
            "/paths/~1b/$ref",
            "unresolved reference `gone.yaml`: cannot read `gone.yaml`: No such file or directory"
        )
    );
    assert_eq!(shown[2].0, Some("bad.yaml"));
    assert!(errors[2].line_col.is_some() && shown[2].2.contains("YAML"), "{:?}", errors[2]);
}

#[test]
fn a_cycle_of_parts_copied_in_place_is_an_error_not_a_hang() {
    let root = format!("{}  /a:\n    $ref: 'a.yaml'\n", ROOT.replace("paths: {}", "paths:"));
    let a = "get:\n  x-more: {$ref: 'a.yaml'}\n  responses: {}\n";
    let errors = bundle(&set(&[("root.yaml", &root), ("a.yaml", a)])).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].file.as_deref(), errors[0].pointer.as_str()), (Some("a.yaml"), "/get/x-more/$ref"));
    assert!(errors[0].message.contains("reference cycle"), "{}", errors[0].message);
}

#[test]
fn a_swagger2_root_gets_its_components_in_2_0_places() {
    let root = "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - $ref: 'lib.yaml#/parameters/Limit'\n      responses:\n        '200':\n          description: ok\n          schema: {$ref: 'pet.yaml'}\n          headers:\n            X-Id: {$ref: 'lib.yaml#/headers/Id'}\n        default: {$ref: 'lib.yaml#/responses/Problem'}\ndefinitions:\n  Error: {type: string}\n  Tag: {$ref: 'lib.yaml#/definitions/Tag'}\n";
    let lib = "parameters:\n  Limit: {name: limit, in: query, type: integer}\nresponses:\n  Problem:\n    description: failed\n    schema: {$ref: '#/definitions/Error'}\nheaders:\n  Id: {type: string}\ndefinitions:\n  Error: {type: integer}\n  Tag: {type: object}\n";
    let files = set(&[("root.yaml", root), ("lib.yaml", lib), ("pet.yaml", "type: object\n")]);
    let bundled = bundle(&files).unwrap();
    let document = &bundled.document;
    assert!(document.get("components").is_none(), "nothing in 3.0's places: {document:#}");
    let operation = &document["paths"]["/pets"]["get"];
    assert_eq!(operation["parameters"][0], json!({"$ref": "#/parameters/Limit"}));
    assert_eq!(document["parameters"]["Limit"], json!({"name": "limit", "in": "query", "type": "integer"}));
    assert_eq!(operation["responses"]["200"]["schema"], json!({"$ref": "#/definitions/pet"}), "a response's schema");
    assert_eq!(document["definitions"]["pet"], json!({"type": "object"}));
    assert_eq!(operation["responses"]["default"], json!({"$ref": "#/responses/Problem"}));
    // 2.0 has no reusable headers: copied in place.
    assert_eq!(operation["responses"]["200"]["headers"]["X-Id"], json!({"type": "string"}));
    // Names are reserved from the root's `definitions`, and a root entry
    // that is only a reference takes the file's content.
    assert_eq!(document["responses"]["Problem"]["schema"], json!({"$ref": "#/definitions/Error2"}));
    assert_eq!(document["definitions"]["Error2"], json!({"type": "integer"}));
    assert_eq!(document["definitions"]["Error"], json!({"type": "string"}));
    assert_eq!(document["definitions"]["Tag"], json!({"type": "object"}));
    assert_eq!(
        bundled.source_map.place("/definitions/Error2/type"),
        (Some("lib.yaml"), "/definitions/Error/type".into())
    );
    assert_eq!(bundled.source_map.place("/parameters/Limit/in"), (Some("lib.yaml"), "/parameters/Limit/in".into()));
}
