//! `--progenitor BIN`: makes progenitor's crate of the spec in the run, so
//! the comparison needs no hand steps (CI runs it on Spotify).
//!
//! Progenitor 0.15.1 refuses the Spotify spec as it is; [`patch_spotify`]
//! applies the smallest patch (the module docs above list it), and both
//! generators get the patched spec, so they compile the same API.

use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Writes the patched spec and progenitor's crate (builder interface, the
/// call style `calls.rs` knows) under `workspace`, and returns both paths.
pub fn prepare(binary: &Path, spec: &Path, workspace: &Path) -> Result<(PathBuf, PathBuf), String> {
    let text = std::fs::read_to_string(spec).map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    let patched_text = patch_spotify(&text).map_err(|e| format!("error: --progenitor on {}: {e}", spec.display()))?;
    std::fs::create_dir_all(workspace).map_err(|e| format!("error: cannot create {}: {e}", workspace.display()))?;
    let patched = workspace.join(spec.file_name().unwrap_or(spec.as_os_str()));
    std::fs::write(&patched, patched_text).map_err(|e| format!("error: cannot write {}: {e}", patched.display()))?;
    let peer = workspace.join("progenitor-source");
    if peer.exists() {
        std::fs::remove_dir_all(&peer).map_err(|e| format!("error: cannot remove {}: {e}", peer.display()))?;
    }
    let output = Command::new(binary)
        .args(["progenitor", "-i"])
        .arg(&patched)
        .arg("-o")
        .arg(&peer)
        .args(["-n", "spotify-progenitor", "-v", "0.1.0", "--interface", "builder"])
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", binary.display()))?;
    if !output.status.success() {
        return Err(format!(
            "error: {} did not generate a crate from {}:\n{}",
            binary.display(),
            patched.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok((patched, peer))
}

/// The Spotify spec with progenitor's three refusals patched away; an error
/// names the part that is missing when the spec has changed under it.
pub fn patch_spotify(text: &str) -> Result<String, String> {
    let mut doc: Value = serde_yaml::from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    // Progenitor knows no image types.
    let body = operation(&mut doc, "upload-custom-playlist-cover")?
        .get_mut("requestBody")
        .and_then(|b| b.get_mut("content"))
        .and_then(Value::as_mapping_mut)
        .ok_or("upload-custom-playlist-cover has no requestBody content")?;
    body.remove("image/jpeg").ok_or("upload-custom-playlist-cover has no image/jpeg body")?;
    let binary: Value = serde_yaml::from_str("schema: {type: string, format: binary}").expect("literal YAML");
    body.insert("application/octet-stream".into(), binary);
    // Progenitor asserts a single success type.
    responses(&mut doc, "get-information-about-the-users-current-playback")?
        .remove("204")
        .ok_or("get-information-about-the-users-current-playback has no 204 response")?;
    // Progenitor asserts a single error type; the rest of the spec uses this one.
    for id in ["save-library-items", "remove-library-items", "check-library-contains"] {
        let bad_request: Value =
            serde_yaml::from_str("$ref: '#/components/responses/BadRequest'").expect("literal YAML");
        let slot = responses(&mut doc, id)?.get_mut("400").ok_or(format!("{id} has no 400 response"))?;
        *slot = bad_request;
    }
    serde_yaml::to_string(&doc).map_err(|e| format!("cannot write the patched spec: {e}"))
}

fn operation<'a>(doc: &'a mut Value, id: &str) -> Result<&'a mut Mapping, String> {
    let paths = doc.get_mut("paths").and_then(Value::as_mapping_mut).ok_or("the spec has no paths")?;
    paths
        .values_mut()
        .filter_map(Value::as_mapping_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(Value::as_mapping_mut)
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id))
        .ok_or(format!("no operation {id}"))
}

fn responses<'a>(doc: &'a mut Value, id: &str) -> Result<&'a mut Mapping, String> {
    operation(doc, id)?.get_mut("responses").and_then(Value::as_mapping_mut).ok_or(format!("{id} has no responses"))
}

#[cfg(test)]
mod tests {
    use super::patch_spotify;

    const SPOTIFY_SHAPE: &str = r##"
paths:
  /playlists/{playlist_id}/images:
    put:
      operationId: upload-custom-playlist-cover
      requestBody:
        content:
          image/jpeg:
            schema: {type: string, format: base64}
  /me/player:
    get:
      operationId: get-information-about-the-users-current-playback
      responses:
        "200": {description: ok}
        "204": {description: none}
  /me/library:
    put:
      operationId: save-library-items
      responses: {"400": {description: inline}}
    delete:
      operationId: remove-library-items
      responses: {"400": {description: inline}}
  /me/library/contains:
    get:
      operationId: check-library-contains
      responses: {"400": {description: inline}}
"##;

    #[test]
    fn the_patch_removes_each_construct_progenitor_refuses() {
        let patched = patch_spotify(SPOTIFY_SHAPE).unwrap();
        assert!(!patched.contains("image/jpeg") && patched.contains("application/octet-stream"), "{patched}");
        assert!(!patched.contains("\"204\"") && !patched.contains("'204'"), "{patched}");
        assert_eq!(patched.matches("#/components/responses/BadRequest").count(), 3, "{patched}");
        assert!(!patched.contains("inline"), "{patched}");
    }

    #[test]
    fn a_spec_without_a_patched_part_is_an_error_naming_it() {
        let changed = SPOTIFY_SHAPE.replace("\"204\": {description: none}", "");
        let error = patch_spotify(&changed).unwrap_err();
        assert!(error.contains("get-information-about-the-users-current-playback has no 204"), "{error}");
    }
}
