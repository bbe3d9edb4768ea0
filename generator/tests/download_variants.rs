//! A binary success beside other success statuses is a `Download` variant:
//! the runtime leaves exactly the statuses that variant matches first
//! unread, and reads the others whole.

const SPEC: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /exports/{id}:
    get:
      operationId: getExport
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        '2XX': {description: the export, content: {application/zip: {schema: {type: string, format: binary}}}}
        '202': {description: queued, content: {application/json: {schema: {type: integer}}}}
        '204': {description: nothing to export}
  /reports:
    get:
      operationId: getReport
      responses:
        '200': {description: json, content: {application/json: {schema: {type: integer}}}}
        '201': {description: text, content: {text/plain: {schema: {type: string}}}}
";

fn api_text() -> String {
    let settings = generator::Settings::new("exports-client", "exports.yaml");
    let generated = generator::generate(SPEC, &settings).expect("the spec generates");
    let file = generated.files.iter().find(|f| f.path == "src/apis/default.rs").expect("the api file");
    file.contents.clone()
}

#[test]
fn only_the_statuses_a_binary_variant_matches_first_are_streamed() {
    let api = api_text();
    // `202` and `204` are matched before `2XX`: read whole.
    assert!(api.contains("request.stream_response_on(&[(200, 201), (203, 203), (205, 299)]);"), "{api}");
    assert!(api.contains("request.accept(\"application/json\");\n        request.accept(\"*/*;q=0.8\");"), "{api}");
    assert!(api.contains("#[derive(Debug)]\npub enum GetExportResponse {"), "{api}");
    assert!(api.contains("Status2xx(crate::runtime::Download<serde_json::Value>)"), "{api}");
    assert!(api.contains("200..=299 => response.download().map(GetExportResponse::Status2xx),"), "{api}");
    // No binary success: every body is read, the enum compares and clones.
    let report = &api[api
        .find(
            "fn request(&self) -> Request {\n        let mut request = Request::new(reqwest::Method::GET, \"/reports\"",
        )
        .expect("getReport's request")..];
    assert!(!report[..400].contains("stream_response"), "{report}");
    assert!(api.contains("#[derive(Debug, Clone, PartialEq)]\npub enum GetReportResponse {"), "{api}");
}
