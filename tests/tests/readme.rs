//! Each generated crate's README.md (also its crate docs) lists exactly the
//! crate's operations: the table of each tag is read back from the Markdown
//! and compared with the methods the crate's `src/apis/` really has, read
//! with syn (accessor, method, arguments, and the request its docs name).
//! Checked on the committed crates and on every fixture spec. And `cargo
//! package` ships the README.

use std::collections::BTreeMap;
use std::path::Path;

/// One operation as a row of the README or a method of `src/apis/`:
/// `(accessor, method, arguments, "METHOD /path")`.
type Row = (String, String, Vec<String>, String);

/// Splits a table row into cells at the `|` not escaped by a `\`.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().strip_prefix('|').and_then(|r| r.strip_suffix('|')).expect("a row between pipes");
    let mut cells = vec![String::new()];
    let mut previous = ' ';
    for c in inner.chars() {
        if c == '|' && previous != '\\' {
            cells.push(String::new());
        } else if let Some(cell) = cells.last_mut() {
            cell.push(c);
        }
        previous = c;
    }
    cells.into_iter().map(|cell| cell.trim().to_string()).collect()
}

/// Inline code's text: the backtick fence and the padding spaces off, and
/// the table's `\|` back to `|`.
fn code_text(cell: &str) -> String {
    let ticks = cell.chars().take_while(|c| *c == '`').count();
    assert!(ticks > 0 && cell.ends_with(&"`".repeat(ticks)), "inline code: {cell}");
    let inner = &cell[ticks..cell.len() - ticks];
    let inner =
        if ticks > 1 { inner.strip_prefix(' ').and_then(|i| i.strip_suffix(' ')).unwrap_or(inner) } else { inner };
    inner.replace("\\|", "|")
}

/// The README's operation rows, per table, in order.
fn readme_rows(readme: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut in_operations = false;
    for line in readme.lines() {
        if line.starts_with("## ") {
            in_operations = line == "## Operations";
        }
        if !in_operations || !line.starts_with("| `client.") {
            continue;
        }
        let cells = cells(line);
        assert_eq!(cells.len(), 3, "a row has a method, a request and a summary: {line}");
        let call = code_text(&cells[0]);
        let call = call.strip_prefix("client.").expect("a call on `client`");
        let (accessor, rest) = call.split_once("().").expect("`accessor().method(..)`");
        let (method, args) = rest.split_once('(').expect("a call");
        let args = args.strip_suffix(')').expect("a call");
        let args = args.split(", ").filter(|a| !a.is_empty()).map(str::to_string).collect();
        rows.push((accessor.to_string(), method.to_string(), args, code_text(&cells[1])));
    }
    rows
}

/// A function's doc text, its `#[doc]` attributes joined by lines.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines = attrs.iter().filter(|a| a.path().is_ident("doc")).filter_map(|a| match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }),
            ..
        }) => Some(s.value()),
        _ => None,
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// The operations of one `src/apis/<tag>.rs`: the accessor `impl Client`
/// adds, and each method of the tag's struct with the request its docs
/// name (`Sends `GET /path` (operation ...)`).
fn module_rows(source: &str) -> Vec<Row> {
    let file = syn::parse_file(source).expect("an api module parses");
    let impls: Vec<&syn::ItemImpl> =
        file.items.iter().filter_map(|item| if let syn::Item::Impl(i) = item { Some(i) } else { None }).collect();
    let self_name = |i: &syn::ItemImpl| match &*i.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        _ => String::new(),
    };
    let fns = |i: &syn::ItemImpl| -> Vec<syn::ImplItemFn> {
        i.items.iter().filter_map(|item| if let syn::ImplItem::Fn(f) = item { Some(f.clone()) } else { None }).collect()
    };
    let client = impls.iter().find(|i| self_name(i) == "Client").expect("an accessor on Client");
    let accessor = fns(client).into_iter().next().expect("one accessor");
    let syn::ReturnType::Type(_, returned) = &accessor.sig.output else {
        panic!("the accessor returns the tag's struct")
    };
    let syn::Type::Path(returned) = &**returned else { panic!("a struct") };
    let api_struct = returned.path.segments.last().expect("a name").ident.to_string();
    let tag_impl = impls.iter().find(|i| self_name(i) == api_struct).expect("the tag's methods");
    fns(tag_impl)
        .into_iter()
        .map(|f| {
            let args = f
                .sig
                .inputs
                .iter()
                .filter_map(|input| match input {
                    syn::FnArg::Typed(t) => match &*t.pat {
                        syn::Pat::Ident(p) => Some(p.ident.to_string()),
                        _ => None,
                    },
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            let docs = doc_text(&f.attrs);
            let sends = docs
                .split(" Sends ")
                .nth(1)
                .or_else(|| docs.split("\nSends ").nth(1))
                .or_else(|| docs.strip_prefix("Sends "))
                .unwrap_or_else(|| panic!("`{}` names its request:\n{docs}", f.sig.ident));
            let request = sends.split(" (operation ").next().expect("a request");
            (accessor.sig.ident.to_string(), f.sig.ident.to_string(), args, code_text(request))
        })
        .collect()
}

/// Compares a crate's README rows with its api modules' methods.
fn check(name: &str, files: &BTreeMap<String, String>) {
    let readme = files.get("README.md").unwrap_or_else(|| panic!("{name}: no README.md"));
    let mut from_readme = readme_rows(readme);
    let mut from_code: Vec<Row> = files
        .iter()
        .filter(|(path, _)| path.starts_with("src/apis/") && path.as_str() != "src/apis/mod.rs")
        .flat_map(|(_, source)| module_rows(source))
        .collect();
    from_readme.sort();
    from_code.sort();
    assert!(
        !from_code.is_empty() || !readme.contains("## Operations"),
        "{name}: an operations section with no operation"
    );
    if from_readme != from_code {
        let missing: Vec<&Row> = from_code.iter().filter(|r| !from_readme.contains(r)).collect();
        let extra: Vec<&Row> = from_readme.iter().filter(|r| !from_code.contains(r)).collect();
        panic!("{name}: README.md's operations differ from src/apis/\nmissing from the README: {missing:#?}\nin the README only: {extra:#?}");
    }
}

fn read_crate(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert("README.md".to_string(), std::fs::read_to_string(dir.join("README.md")).unwrap_or_default());
    for entry in std::fs::read_dir(dir.join("src/apis")).expect("src/apis/") {
        let path = entry.expect("an entry").path();
        let name = format!("src/apis/{}", path.file_name().expect("a name").to_string_lossy());
        files.insert(name, std::fs::read_to_string(&path).expect("readable"));
    }
    files
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

#[test]
fn the_committed_crates_readme_tables_list_their_methods() {
    for (krate, operations) in [("okta", 16), ("ocs-identity", 10)] {
        let files = read_crate(&repo().join("generated").join(krate));
        assert_eq!(readme_rows(&files["README.md"]).len(), operations, "{krate}: the README's rows");
        check(krate, &files);
    }
}

#[test]
fn every_fixture_crates_readme_table_lists_its_methods() {
    let dir = repo().join("tests/fixtures/specs");
    let mut specs: Vec<_> = std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("an entry").path()).collect();
    specs.sort();
    for spec in specs {
        let text = std::fs::read_to_string(&spec).expect("readable");
        let generated = generator::generate(&text, &generator::Settings::new("fixture-client", "fixture.yaml"))
            .unwrap_or_else(|_| panic!("{} generates", spec.display()));
        let files = generated.files.into_iter().map(|f| (f.path, f.contents)).collect();
        check(&spec.display().to_string(), &files);
    }
}

/// A table row stays one row whatever the spec's summary and path hold.
#[test]
fn pipes_line_breaks_and_fences_in_spec_text_stay_in_their_cell() {
    let spec = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  "/a|b/{id}":
    get:
      operationId: getAB
      tags: ["x | y"]
      summary: "one | two\n```rust\nfn main() {}\n```\n| `c` | d |"
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses: {"204": {description: ok}}
"#;
    let generated = generator::generate(spec, &generator::Settings::new("t-client", "t.yaml")).expect("generates");
    let files: BTreeMap<String, String> = generated.files.into_iter().map(|f| (f.path, f.contents)).collect();
    check("inline spec", &files);
    let row = files["README.md"].lines().find(|l| l.starts_with("| `client.")).expect("a row").to_string();
    assert_eq!(cells(&row).len(), 3, "{row}");
    assert_eq!(code_text(&cells(&row)[1]), "GET /a|b/{id}");
}

/// The README ships with the crate: `readme` names it and `cargo package`
/// includes it (offline: listing needs no registry).
#[test]
fn cargo_package_includes_the_readme() {
    for krate in ["okta-client", "ocs-identity-client"] {
        let output = std::process::Command::new(env!("CARGO"))
            .current_dir(repo())
            .args(["package", "--list", "--allow-dirty", "--offline", "-p", krate])
            .output()
            .expect("run cargo package --list");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{krate}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.lines().any(|l| l == "README.md"), "{krate} ships README.md:\n{stdout}");
    }
    let manifest: toml::Table =
        std::fs::read_to_string(repo().join("generated/okta/Cargo.toml")).expect("Cargo.toml").parse().expect("TOML");
    assert_eq!(manifest["package"]["readme"].as_str(), Some("README.md"));
}
