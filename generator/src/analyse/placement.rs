//! Which file of `src/models/` each type goes into.
//!
//! A type lives in the file of the first tag (in module order) whose
//! operations reach it, a file named like that tag's api module; a type no
//! operation reaches lives in the file of its initial
//! ([`crate::naming::unused_models_file`]). A type's file depends only on
//! the tags that reach it and its name, so adding a schema rewrites the
//! file it lands in (and `mod.rs` when that file is new), not the others.

use crate::ir::{Api, ModelFile};
use crate::naming::{unused_models_file, UNUSED_MODELS_FILES};

/// The files of `src/models/`: the tags' in module order, then those of
/// the types no operation reaches in name order; files that would hold no
/// type are left out. Needs each type's `reached_by`.
pub(super) fn model_files(api: &Api) -> Vec<ModelFile> {
    let new_file = |name: &str, tag: Option<&str>| ModelFile {
        name: name.to_string(),
        tag: tag.map(str::to_string),
        types: Vec::new(),
        tags: Vec::new(),
    };
    let mut files: Vec<ModelFile> = api.modules.iter().map(|m| new_file(&m.name, Some(&m.tag))).collect();
    files.extend(UNUSED_MODELS_FILES.iter().map(|name| new_file(name, None)));
    for (id, def) in api.types_with_ids() {
        let file = match def.reached_by.first() {
            Some(&first) => first,
            None => api.modules.len() + unused_models_file(&def.name),
        };
        files[file].types.push(id);
        files[file].tags.extend_from_slice(&def.reached_by);
    }
    files.retain(|f| !f.types.is_empty());
    for file in &mut files {
        file.tags.sort_unstable();
        file.tags.dedup();
    }
    files
}
#[cfg(test)]
mod tests {
    use crate::Settings;

    fn files_of(spec: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let loaded = crate::load::load(spec).expect("spec loads");
        let (mut api, _) = crate::lower::lower(&loaded, &Settings::new("t-client", "t.yaml"));
        super::super::analyse(&mut api);
        api.model_files
            .iter()
            .map(|f| {
                let types = f.types.iter().map(|&id| api.type_def(id).name.clone()).collect();
                let tags = f.tags.iter().map(|&m| api.modules[m].name.clone()).collect();
                (f.name.clone(), types, tags)
            })
            .collect()
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      tags: [zoo]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Shared"}}}}}
  /b:
    get:
      operationId: getB
      tags: [barn]
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Barn"}}}}}
components:
  schemas:
    Barn: {type: object, properties: {shared: {$ref: "#/components/schemas/Shared"}}}
    Shared: {type: object, properties: {leaf: {$ref: "#/components/schemas/Leaf"}}}
    Leaf: {type: string, enum: [x]}
    Lonely: {type: object, properties: {n: {type: integer}}}
"##;

    #[test]
    fn a_type_lives_with_the_first_tag_that_reaches_it_and_unreached_types_with_none() {
        let files = files_of(SPEC);
        let expected =
            [("barn", vec!["Barn", "Leaf", "Shared"], vec!["barn", "zoo"]), ("unused_l", vec!["Lonely"], vec![])];
        let expected: Vec<(String, Vec<String>, Vec<String>)> = expected
            .iter()
            .map(|(name, types, tags)| {
                (
                    name.to_string(),
                    types.iter().map(|t| t.to_string()).collect(),
                    tags.iter().map(|t| t.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(files, expected, "`zoo` reaches only types `barn` reached first, so it has no file");
    }

    #[test]
    fn a_new_schema_changes_only_the_file_it_lands_in() {
        let before = files_of(SPEC);
        let schema = "{type: object, properties: {leaf: {$ref: '#/components/schemas/Leaf'}}}";
        let after =
            files_of(&SPEC.replace("    Lonely:", &format!("    Lulu: {schema}\n    Zebra: {schema}\n    Lonely:")));
        assert_eq!(before[0], after[0], "the `barn` file, whose `Leaf` the new types use, is untouched");
        assert_eq!(
            (after[1].0.as_str(), after[1].1.as_slice()),
            ("unused_l", ["Lonely", "Lulu"].map(String::from).as_slice())
        );
        assert_eq!((after[2].0.as_str(), after[2].1.as_slice()), ("unused_z", ["Zebra".to_string()].as_slice()));
    }

    #[test]
    fn a_tag_named_like_an_unused_types_file_takes_another_module_name() {
        let files =
            files_of(&SPEC.replace("tags: [zoo]", "tags: [unused_l]").replace("tags: [barn]", "tags: [unused_l]"));
        let names: Vec<&str> = files.iter().map(|(name, _, _)| name.as_str()).collect();
        assert_eq!(names, ["unused_l_2", "unused_l"]);
    }
}
