//! The three ways to use the generator, from outside this repository:
//! the `openapi-rs` command installed from a fresh clone, a user's own
//! xtask-like program, and a user's build script, all on a temporary
//! project whose generated crates are then `cargo check`ed.
//!
//! Slow (it builds the command and the generated crates' dependencies), so
//! it is ignored by plain `cargo test`; `.ci/run` runs it with
//! `cargo test -p openapi-rs-generator --test install -- --ignored`.
//! It clones the committed HEAD, so commit before running it locally.
//! Builds go to `target/install-test`, kept between runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ is in the repository").to_path_buf()
}

/// Runs `command`, returning its output; panics with the output if the exit
/// code is not `expected`.
fn run(command: &mut Command, expected: i32) -> Output {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(expected), "{command:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(dir).env("CARGO_TARGET_DIR", target).env_remove("RUSTFLAGS");
    command
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// A user's own xtask: generates the objects fixture's crate with the library.
const USER_XTASK: &str = r#"
use generator::project::{check_crate, generate_crate};
use std::path::Path;

fn main() {
    let settings =
        generator::Settings::new("objects-client", "spec/objects.yaml").with_command("cargo run -p user-xtask");
    let (spec, out) = (Path::new("spec/objects.yaml"), Path::new("crates/objects-client"));
    let report = if std::env::args().any(|a| a == "--check") {
        check_crate(spec, out, &settings)
    } else {
        generate_crate(spec, out, &settings)
    };
    match report {
        Ok(report) if report.is_up_to_date() => println!("up to date"),
        Ok(report) => println!("changed: {:?}", report.writes),
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    }
}
"#;

/// A user's build script: fails the build when the crate drifted from its spec.
const USER_BUILD_RS: &str = r#"
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let spec = root.join("spec/objects.yaml");
    println!("cargo:rerun-if-changed={}", spec.display());
    let settings =
        generator::Settings::new("objects-client", "spec/objects.yaml").with_command("cargo run -p user-xtask");
    let report = generator::project::check_crate(&spec, &root.join("crates/objects-client"), &settings)
        .unwrap_or_else(|error| panic!("{error}"));
    if !report.is_up_to_date() {
        panic!("objects-client differs from its spec: {:?}; run `cargo run -p user-xtask`", report.writes);
    }
}
"#;

#[test]
#[ignore = "slow: installs the command and builds generated crates; run by .ci/run"]
fn installed_command_xtask_and_build_script_work_outside_the_repository() {
    let repo = repo();
    let target = repo.join("target/install-test");
    let temp = std::env::temp_dir().join(format!("openapi-rs-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();

    // Install from a fresh clone.
    let clone = temp.join("clone");
    run(Command::new("git").args(["clone", "--quiet"]).arg(&repo).arg(&clone), 0);
    let root = temp.join("root");
    run(
        cargo(&temp, &target)
            .args(["install", "--quiet", "--debug", "--locked", "--path"])
            .arg(clone.join("generator"))
            .arg("--root")
            .arg(&root),
        0,
    );
    let bin = root.join("bin").join(format!("openapi-rs{}", std::env::consts::EXE_SUFFIX));
    let help = text(&run(Command::new(&bin).arg("--help"), 0).stdout);
    for command in ["generate", "check", "codegen", "--quiet", "--format"] {
        assert!(help.contains(command), "--help names {command}:\n{help}");
    }

    // Byte-identical to `cargo xtask codegen`: in the clone, with the same
    // command text, the command rewrites nothing of the checked-in crates
    // (which `generated_crates_match_the_specs` holds to xtask's output).
    let openapi_rs = |dir: &Path| {
        let mut command = Command::new(&bin);
        command.current_dir(dir).env("NO_COLOR", "1");
        command
    };
    run(openapi_rs(&clone).args(["codegen", "--command", "cargo xtask codegen"]), 0);
    let status = text(&run(Command::new("git").arg("-C").arg(&clone).args(["status", "--porcelain"]), 0).stdout);
    assert_eq!(status, "", "openapi-rs codegen changed what cargo xtask codegen wrote");
    // Without it, each file's first line names the command that made it.
    let stderr = text(&run(openapi_rs(&clone).args(["codegen", "--check"]), 1).stderr);
    assert!(stderr.contains("run `openapi-rs codegen` to update it"), "{stderr}");

    // A project outside the repository.
    let project = temp.join("project");
    for spec in ["enums.yaml", "objects.yaml"] {
        std::fs::create_dir_all(project.join("spec")).unwrap();
        std::fs::copy(repo.join("tests/fixtures/specs").join(spec), project.join("spec").join(spec)).unwrap();
    }

    // generate, then check, then drift after a spec edit.
    let spec = project.join("spec/enums.yaml");
    let stdout =
        text(&run(openapi_rs(&project).args(["generate", "spec/enums.yaml", "--out", "standalone"]), 0).stdout);
    assert!(stdout.contains("crate `enums-client`"), "{stdout}");
    let lib = std::fs::read_to_string(project.join("standalone/src/lib.rs")).unwrap();
    assert!(lib.starts_with("// Generated by `openapi-rs generate spec/enums.yaml --out standalone`"), "{lib}");
    run(openapi_rs(&project).args(["check", "spec/enums.yaml", "--out", "standalone"]), 0);
    let original = std::fs::read_to_string(&spec).unwrap();
    let edited = original.replacen(
        "components:\n  schemas:\n",
        "components:\n  schemas:\n    Added:\n      type: object\n      properties:\n        note: {type: string}\n",
        1,
    );
    assert_ne!(edited, original, "the edit changes the spec");
    std::fs::write(&spec, &edited).unwrap();
    let stderr = text(&run(openapi_rs(&project).args(["check", "spec/enums.yaml", "--out", "standalone"]), 1).stderr);
    // A schema no operation uses: a new file of unused types, and `mod.rs` declaring it.
    assert!(stderr.contains("out of date: standalone/src/models/unused_a.rs"), "{stderr}");
    assert!(stderr.contains("run `openapi-rs generate spec/enums.yaml --out standalone` to update it"), "{stderr}");
    let json = text(
        &run(openapi_rs(&project).args(["--format", "json", "check", "spec/enums.yaml", "--out", "standalone"]), 1)
            .stdout,
    );
    assert!(
        json.starts_with(r#"{"status":"drift""#)
            && json.contains(r#""writes":["standalone/src/models/mod.rs","standalone/src/models/unused_a.rs"]"#),
        "{json}"
    );
    std::fs::write(&spec, &original).unwrap();
    run(openapi_rs(&project).args(["--quiet", "check", "spec/enums.yaml", "--out", "standalone"]), 0);

    // Errors are located and nothing is written; bad names are refused.
    std::fs::write(project.join("spec/broken.yaml"), "openapi: 3.0.3\ninfo: {title: x\n").unwrap();
    let stderr = text(&run(openapi_rs(&project).args(["generate", "spec/broken.yaml", "--out", "broken"]), 2).stderr);
    assert!(stderr.contains("invalid YAML") && stderr.contains("spec/broken.yaml:3"), "{stderr}");
    assert!(stderr.contains("nothing was written") && !project.join("broken").exists(), "{stderr}");
    std::fs::remove_file(project.join("spec/broken.yaml")).unwrap();
    let stderr = text(
        &run(openapi_rs(&project).args(["generate", "spec/enums.yaml", "--out", "x", "--name", "my.api"]), 2).stderr,
    );
    assert!(stderr.contains("invalid crate name `my.api`"), "{stderr}");

    // `--overlay` (repeatable) fixes the spec without editing it; an edit to
    // the overlay alone is drift; a target that matches nothing is an error
    // naming the overlay file and action.
    let overlay = |description: &str| {
        format!("overlay: 1.0.0\ninfo: {{title: fix, version: '1'}}\nactions:\n  - target: $.components.schemas.Holder\n    update: {{description: {description}}}\n")
    };
    write(&project.join("fix.overlay.yaml"), &overlay("Holds the enums (from the overlay)."));
    let with_overlay = ["spec/enums.yaml", "--out", "overlaid", "--overlay", "fix.overlay.yaml"];
    run(openapi_rs(&project).arg("generate").args(with_overlay), 0);
    let models = std::fs::read_dir(project.join("overlaid/src/models"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(models.contains("/// Holds the enums (from the overlay)."), "{models}");
    run(openapi_rs(&project).arg("check").args(with_overlay), 0);
    write(&project.join("fix.overlay.yaml"), &overlay("Edited."));
    let stderr = text(&run(openapi_rs(&project).arg("check").args(with_overlay), 1).stderr);
    assert!(stderr.contains("--overlay fix.overlay.yaml` to update it"), "{stderr}");
    write(&project.join("fix.overlay.yaml"), &overlay("x").replace("Holder", "Nowhere"));
    let stderr = text(&run(openapi_rs(&project).arg("check").args(with_overlay), 2).stderr);
    assert!(
        stderr.contains("fix.overlay.yaml")
            && stderr.contains("overlay action 0: target `$.components.schemas.Nowhere` matches no node"),
        "{stderr}"
    );
    std::fs::remove_dir_all(project.join("overlaid")).unwrap();

    // codegen with a codegen.toml, in a workspace with the user's own xtask
    // and a crate whose build script checks for drift.
    let generator = clone.join("generator").display().to_string().replace('\\', "/");
    let workspace = |members: &str| {
        // Build scripts share the generator with user-xtask instead of building it again.
        let profile = "[profile.dev.build-override]\ndebug = true\n";
        write(
            &project.join("Cargo.toml"),
            &format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n\n{profile}"),
        );
    };
    // `app` joins once the crates it depends on exist.
    workspace("\"crates/*\", \"user-xtask\"");
    write(
        &project.join("codegen.toml"),
        "[[crate]]\nspec = \"spec/enums.yaml\"\nname = \"enums-client\"\nout = \"crates/enums-client\"\n",
    );
    write(
        &project.join("user-xtask/Cargo.toml"),
        &format!("[package]\nname = \"user-xtask\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ngenerator = {{ package = \"openapi-rs-generator\", path = \"{generator}\", default-features = false }}\n"),
    );
    write(&project.join("user-xtask/src/main.rs"), USER_XTASK);
    // The same dependency versions as this repository's generated crates.
    std::fs::copy(clone.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
    std::fs::copy(clone.join("Cargo.lock"), project.join("standalone/Cargo.lock")).unwrap();

    let stderr = text(&run(openapi_rs(&project).arg("codegen"), 0).stderr);
    assert!(stderr.contains("[1/1] generating enums-client from spec/enums.yaml"), "progress per crate:\n{stderr}");
    let lib = std::fs::read_to_string(project.join("crates/enums-client/src/lib.rs")).unwrap();
    assert!(lib.starts_with("// Generated by `openapi-rs codegen` from spec/enums.yaml"), "{lib}");
    run(openapi_rs(&project).args(["codegen", "--check"]), 0);
    let json = text(&run(openapi_rs(&project).args(["--format", "json", "codegen", "--check"]), 0).stdout);
    assert!(json.starts_with(r#"{"status":"ok""#), "{json}");

    let stdout = text(&run(cargo(&project, &target).args(["run", "--quiet", "-p", "user-xtask"]), 0).stdout);
    assert!(stdout.starts_with("changed: "), "{stdout}");
    let stdout =
        text(&run(cargo(&project, &target).args(["run", "--quiet", "-p", "user-xtask", "--", "--check"]), 0).stdout);
    assert_eq!(stdout, "up to date\n");

    write(
        &project.join("app/Cargo.toml"),
        &format!("[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nenums-client = {{ path = \"../crates/enums-client\" }}\nobjects-client = {{ path = \"../crates/objects-client\" }}\n\n[build-dependencies]\ngenerator = {{ package = \"openapi-rs-generator\", path = \"{generator}\", default-features = false }}\n"),
    );
    write(&project.join("app/build.rs"), USER_BUILD_RS);
    write(&project.join("app/src/main.rs"), "fn main() {\n    println!(\"{} {}\", std::any::type_name::<enums_client::Client>(), std::any::type_name::<objects_client::Client>());\n}\n");
    workspace("\"crates/*\", \"user-xtask\", \"app\"");

    // Everything generated compiles (`check`, not `build`: the generated
    // crates' dependencies need not be compiled to machine code): the app
    // using both crates, with its build script's drift check passing, and
    // the standalone crate.
    run(cargo(&project, &target).args(["check", "--quiet", "-p", "app"]), 0);
    run(cargo(&project.join("standalone"), &target).args(["check", "--quiet"]), 0);

    // The build script fails the build once the spec moves on.
    let objects = project.join("spec/objects.yaml");
    let original = std::fs::read_to_string(&objects).unwrap();
    std::fs::write(&objects, original.replacen("components:\n  schemas:\n", "components:\n  schemas:\n    Added:\n      type: object\n      properties:\n        note: {type: string}\n", 1)).unwrap();
    let stderr = text(&run(cargo(&project, &target).args(["check", "--quiet", "-p", "app"]), 101).stderr);
    assert!(stderr.contains("objects-client differs from its spec") && stderr.contains("src/models/"), "{stderr}");

    std::fs::remove_dir_all(&temp).unwrap();
}
