//! Hostile documents built in code (too large to commit as files), shared by
//! `tests/hostile.rs` (what each one must give) and `benches/hostile.rs`
//! (how long each one takes). Each takes a size, so the bench can show how
//! time grows with it.

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths: {}\n";

/// `depth` nested single-member `allOf`s around an object whose only leaf is
/// invalid (`minLength: oops`): an untagged typed parse retries every level.
pub fn nested_all_of_with_invalid_leaf(depth: usize) -> String {
    let mut schema = "{type: object, properties: {leaf: {type: string, minLength: oops}}}".to_string();
    for _ in 0..depth {
        schema = format!("{{allOf: [{schema}]}}");
    }
    format!("{HEAD}components:\n  schemas:\n    Deep: {schema}\n")
}

/// The pointer of the invalid leaf in [`nested_all_of_with_invalid_leaf`].
pub fn nested_all_of_leaf_pointer(depth: usize) -> String {
    format!("/components/schemas/Deep{}/properties/leaf/minLength", "/allOf/0".repeat(depth))
}

/// `levels` inline objects, each with two properties that refer to the next
/// level by a pointer into the middle of a schema: copying instead of
/// memoising lowers the last level 2^levels times.
pub fn two_deep_references_per_level(levels: usize) -> String {
    let mut out = format!("{HEAD}components:\n  schemas:\n    Levels:\n      type: object\n      properties:\n");
    for level in 0..levels {
        out.push_str(&format!("        l{level}:\n          type: object\n          properties:\n"));
        if level + 1 < levels {
            for field in ["a", "b"] {
                let next = level + 1;
                out.push_str(&format!(
                    "            {field}: {{$ref: '#/components/schemas/Levels/properties/l{next}'}}\n"
                ));
            }
        } else {
            out.push_str("            value: {type: string}\n");
        }
    }
    out
}

/// Two properties per level, each an `allOf` of the previous level: a merge
/// that copies instead of memoising lowers the first level 2^levels times.
pub fn two_all_of_copies_per_level(levels: usize) -> String {
    let mut out = format!("{HEAD}components:\n  schemas:\n    L0:\n      type: object\n      properties:\n        value: {{type: string}}\n");
    for level in 1..levels {
        let previous = level - 1;
        out.push_str(&format!("    L{level}:\n      type: object\n      properties:\n"));
        for field in ["a", "b"] {
            out.push_str(&format!(
                "        {field}:\n          allOf:\n            - $ref: '#/components/schemas/L{previous}'\n            - properties: {{{field}{level}: {{type: integer}}}}\n"
            ));
        }
    }
    out
}

/// `A0 -> A1 -> ... -> A<length>`, a chain of pure reference aliases.
pub fn alias_chain(length: usize) -> String {
    let mut out = format!("{HEAD}components:\n  schemas:\n");
    for index in 0..length {
        out.push_str(&format!("    A{index}: {{$ref: '#/components/schemas/A{}'}}\n", index + 1));
    }
    out.push_str(&format!("    A{length}: {{type: string}}\n"));
    out
}

/// A chain of `length` references to pointers inside schemas, each target
/// an inline object that refers to the next one.
pub fn deep_reference_chain(length: usize) -> String {
    let mut out = format!("{HEAD}components:\n  schemas:\n");
    for index in 0..length {
        let next = if index + 1 < length {
            format!("{{$ref: '#/components/schemas/S{}/properties/inner'}}", index + 1)
        } else {
            "{type: string}".to_string()
        };
        out.push_str(&format!(
            "    S{index}:\n      type: object\n      properties:\n        inner:\n          type: object\n          properties:\n            next: {next}\n"
        ));
    }
    out
}

/// `[` nested `depth` deep in YAML flow style.
pub fn deep_yaml_flow(depth: usize) -> String {
    format!("{HEAD}x-deep: {}\n", "[".repeat(depth))
}

/// `- ` nested `depth` deep in YAML block style.
pub fn deep_yaml_block(depth: usize) -> String {
    format!("{HEAD}x-deep:\n{}x\n", "- ".repeat(depth))
}

/// `[` nested `depth` deep in JSON.
pub fn deep_json(depth: usize) -> String {
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"Hostile\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// A "billion laughs": an anchor holding 1,000 strings, then `levels`
/// anchors, each a list of ten aliases of the one before, under an
/// extension (so nothing but the parser looks at it). About 36 KB of text
/// expands to 10^levels * 1,000 strings of 32 bytes; the parser's own
/// limit (a number of alias jumps proportional to the number of events)
/// lets up to about 10^5 * 1,000 through.
pub fn alias_bomb(levels: usize) -> String {
    let strings = vec!["abcdefghijklmnopqrstuvwxyz012345"; 1000].join(", ");
    let mut out = format!("{HEAD}x-bomb:\n  l0: &l0 [{strings}]\n");
    for level in 1..=levels {
        let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
        out.push_str(&format!("  l{level}: &l{level} [{aliases}]\n"));
    }
    out
}

/// Schemas nested `depth` deep through `properties` (two tree levels each).
pub fn deep_properties(depth: usize) -> String {
    let mut schema = "{type: string}".to_string();
    for _ in 0..depth {
        schema = format!("{{type: object, properties: {{p: {schema}}}}}");
    }
    format!("{HEAD}components:\n  schemas:\n    Deep: {schema}\n")
}

/// One object schema with `count` string properties, the first required:
/// code that chains a call per property nests as deep as `count`.
pub fn wide_struct(count: usize) -> String {
    let mut out = format!(
        "{HEAD}components:\n  schemas:\n    Wide:\n      type: object\n      required: [p0]\n      properties:\n"
    );
    for index in 0..count {
        out.push_str(&format!("        p{index}: {{type: string}}\n"));
    }
    out
}

/// An event stream whose schema is `levels` unions deep, each a `oneOf` of
/// `width` references to the next, ending at one event (`tick`): walked
/// once per path through it, that is `width^levels` visits.
pub fn repeated_event_unions(levels: usize, width: usize) -> String {
    let mut out = String::from(
        "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths:\n  /events:\n    get:\n      operationId: watch\n      \
         responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              \
         schema: {$ref: '#/components/schemas/L0'}\ncomponents:\n  schemas:\n",
    );
    for level in 0..levels {
        let next = vec![format!("{{$ref: '#/components/schemas/L{}'}}", level + 1); width].join(", ");
        out.push_str(&format!("    L{level}: {{oneOf: [{next}]}}\n"));
    }
    out.push_str(&format!(
        "    L{levels}: {{type: object, properties: {{event: {{type: string, enum: [tick]}}, data: {{type: integer}}}}}}\n"
    ));
    out
}
