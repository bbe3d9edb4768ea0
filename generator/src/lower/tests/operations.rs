//! Operations: parameters, bodies, responses, security and paging.

use super::*;

#[test]
fn required_parameters_come_first_and_path_parameters_are_always_required() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, schema: {type: integer}}
    get:
      operationId: getPet
      parameters:
        - {name: verbose, in: query, schema: {type: boolean}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses: {'204': {description: ok}}
",
    );
    let params: Vec<(&str, bool)> =
        operation(&api, "getPet").params.iter().map(|p| (p.wire_name.as_str(), p.required)).collect();
    assert_eq!(params, [("id", true), ("X-Trace", true), ("verbose", false)]);
}

#[test]
fn a_parameter_referred_to_outside_components_is_skipped_with_a_warning_never_silently() {
    let (api, warnings) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
x-common:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - $ref: '#/x-common/parameters/Limit'
      responses: {'204': {description: ok}}
",
    );
    assert!(operation(&api, "listPets").params.is_empty());
    let warning = warnings.iter().find(|d| d.pointer == "/paths/~1pets/get/parameters/0");
    let warning = warning.unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(warning.message.contains("`#/x-common/parameters/Limit` stands outside `components`"), "{warning:?}");
}

#[test]
fn several_success_bodies_make_a_success_enum_and_one_type_does_not() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    post:
      operationId: several
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '202': {description: accepted}
    get:
      operationId: single
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '201': {description: ok, content: {application/json: {schema: {type: string}}}}
",
    );
    let Success::Several { enum_name, variants } = &operation(&api, "several").success else {
        panic!("expected several successes")
    };
    assert_eq!(enum_name, "SeveralResponse");
    let summary: Vec<(&str, &Ty, BodyRead)> =
        variants.iter().map(|v| (v.name.as_str(), &v.ty, v.read.clone())).collect();
    assert_eq!(summary, [("Ok", &Ty::String, BodyRead::Json), ("Accepted", &Ty::Unit, BodyRead::Empty)]);
    assert!(matches!(&operation(&api, "single").success, Success::Single { ty: Ty::String, read: BodyRead::Json }));
}

#[test]
fn a_binary_success_beside_others_is_a_download_variant() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: export
      responses:
        '200': {description: the file, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
        '202': {description: queued, content: {application/json: {schema: {type: string}}}}
        '204': {description: nothing yet}
",
    );
    let Success::Several { variants, .. } = &operation(&api, "export").success else {
        panic!("expected several successes")
    };
    let summary: Vec<(&str, &Ty, BodyRead)> =
        variants.iter().map(|v| (v.name.as_str(), &v.ty, v.read.clone())).collect();
    assert_eq!(
        summary,
        [
            ("Ok", &Ty::Binary, BodyRead::Stream),
            ("Accepted", &Ty::String, BodyRead::Json),
            ("NoContent", &Ty::Unit, BodyRead::Empty)
        ]
    );
}

#[test]
fn a_lone_default_response_is_both_the_success_and_the_error_type() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: onlyDefault
      responses:
        default: {description: any, content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
components:
  schemas:
    Out: {type: object, properties: {a: {type: string}}}
",
    );
    let op = operation(&api, "onlyDefault");
    assert!(matches!(&op.success, Success::Single { ty, read: BodyRead::Json } if *ty == named(&api, "Out")));
    assert_eq!(op.error_ty, named(&api, "Out"));
}

#[test]
fn an_anonymous_security_alternative_beside_real_ones_is_dropped() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
security: [{key: []}]
paths:
  /a:
    get:
      operationId: optionalAuth
      security: [{}, {key: []}]
      responses: {'204': {description: ok}}
    post:
      operationId: anonymous
      security: [{}]
      responses: {'204': {description: ok}}
    put:
      operationId: inherited
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
",
    );
    assert_eq!(operation(&api, "optionalAuth").security, [vec!["key".to_string()]]);
    assert!(operation(&api, "anonymous").security.is_empty());
    assert_eq!(operation(&api, "inherited").security, [vec!["key".to_string()]]);
}

#[test]
fn a_structured_schema_under_a_media_type_that_does_not_say_json_is_read_by_content_type() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: wildcard
      responses: {'200': {description: ok, content: {'*/*': {schema: {$ref: '#/components/schemas/Out'}}}}}
    post:
      operationId: applicationWildcard
      requestBody: {content: {'application/*': {schema: {$ref: '#/components/schemas/Out'}}}}
      responses: {'200': {description: ok, content: {'application/*': {schema: {type: array, items: {$ref: '#/components/schemas/Out'}}}}}}
    put:
      operationId: vendor
      requestBody: {content: {application/vnd.example.out: {schema: {$ref: '#/components/schemas/Out'}}}}
      responses:
        '200': {description: ok, content: {application/vnd.example.out: {schema: {$ref: '#/components/schemas/Out'}}, '*/*': {schema: {$ref: '#/components/schemas/Out'}}}}
        '400': {description: bad, content: {'*/*': {schema: {$ref: '#/components/schemas/Problem'}}}}
  /b:
    get:
      operationId: binary
      responses: {'200': {description: ok, content: {'*/*': {schema: {type: string, format: binary}}}}}
    post:
      operationId: binaryBody
      requestBody: {content: {'*/*': {schema: {type: string, format: binary}}}}
      responses: {'200': {description: ok, content: {'*/*': {schema: {$ref: '#/components/schemas/Level'}}}}}
    put:
      operationId: notVendor
      requestBody: {content: {application/vnd.example+xml: {schema: {$ref: '#/components/schemas/Out'}}}}
      responses: {'200': {description: ok, content: {application/xml: {schema: {$ref: '#/components/schemas/Out'}}}}}
    patch:
      operationId: untyped
      responses: {'200': {description: ok, content: {'*/*': {schema: {}}}}}
components:
  schemas:
    Out: {type: object, properties: {a: {type: string}}}
    Problem: {type: object, properties: {title: {type: string}}}
    Level: {type: string, enum: [low, high]}
",
    );
    let success = |id: &str| match &operation(&api, id).success {
        Success::Single { ty, read } => (ty.clone(), read.clone()),
        Success::Several { .. } => panic!("{id}: one success"),
    };
    let body = |id: &str| operation(&api, id).body.as_ref().map(|b| (b.encoding, b.ty.clone()));
    assert_eq!(success("wildcard"), (named(&api, "Out"), BodyRead::Negotiated(vec![])));
    assert_eq!(success("applicationWildcard"), (Ty::Vec(Box::new(named(&api, "Out"))), BodyRead::Negotiated(vec![])));
    assert_eq!(body("applicationWildcard"), Some((BodyEncoding::Json, named(&api, "Out"))));
    // The concrete types given count as JSON too; a wildcard beside it does not add one.
    assert_eq!(
        success("vendor"),
        (named(&api, "Out"), BodyRead::Negotiated(vec!["application/vnd.example.out".into()]))
    );
    assert_eq!(body("vendor"), Some((BodyEncoding::VendorJson, named(&api, "Out"))));
    assert_eq!(operation(&api, "vendor").error_ty, named(&api, "Problem"), "error bodies are typed too");
    // Binary, enum (scalar) and untyped schemas stay bytes, downloaded as
    // they arrive and uploaded from bytes, files or streams; `+xml` and XML
    // are not JSON.
    assert_eq!(success("binary"), (Ty::Binary, BodyRead::Stream));
    assert_eq!(body("binaryBody"), Some((BodyEncoding::Binary, Ty::Upload)));
    assert_eq!(success("binaryBody"), (Ty::Binary, BodyRead::Stream));
    assert_eq!(body("notVendor"), Some((BodyEncoding::Binary, Ty::Upload)));
    assert_eq!(success("notVendor"), (Ty::Binary, BodyRead::Stream));
    assert_eq!(success("untyped"), (Ty::Binary, BodyRead::Stream));
}

#[test]
fn an_event_stream_whose_variants_fix_the_event_name_is_a_union_by_name() {
    let (api, _) = lower_spec(
        "openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /runs:
    post:
      operationId: createRun
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              itemSchema:
                oneOf:
                  - $ref: '#/components/schemas/Created'
                  - oneOf:
                      - {type: object, properties: {event: {const: run.step}, data: {type: integer}}}
                      - {type: object, properties: {event: {const: Other}, data: {type: boolean}}}
  /plain:
    get:
      operationId: plainEvents
      responses:
        '200':
          description: ok
          content:
            text/event-stream: {schema: {oneOf: [{$ref: '#/components/schemas/Run'}, {type: object, properties: {data: {type: integer}}}]}}
components:
  schemas:
    Run: {type: object, properties: {id: {type: string}}}
    Created:
      type: object
      description: A run was created.
      properties:
        event: {type: string, enum: [run.created], x-stainless-const: true}
        data: {$ref: '#/components/schemas/Run'}
",
    );
    let streamed = operation(&api, "createRun").streamed.clone().expect("streamed");
    // `itemSchema` is not normalised: the inline variants keep their 3.1 `const`.
    let union = streamed.by_event.expect("a union by event name");
    let got: Vec<_> = union.variants.iter().map(|v| (v.event.as_str(), v.name.as_str(), v.data.clone())).collect();
    assert_eq!(got[1..], [("run.step", "RunStep", Ty::I64), ("Other", "Other2", Ty::Bool)]);
    assert_eq!((got[0].0, got[0].1), ("run.created", "RunCreated"));
    assert!(matches!(got[0].2, Ty::Named(id) if api.type_def(id).name == "Run"), "{:?}", got[0].2);
    assert_eq!(union.variants[0].description.as_deref(), Some("A run was created."));
    assert_eq!(streamed.item, Ty::Json, "the union stands in for the item");
    let plain = operation(&api, "plainEvents").streamed.clone().expect("streamed");
    assert_eq!(plain.by_event, None, "a variant without a fixed event name keeps one type");
}

#[test]
fn streamed_bodies_are_found_with_their_item_type() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /chat:
    post:
      operationId: chat
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {type: string}}
            text/event-stream: {schema: {type: integer}}
  /export:
    get:
      operationId: export
      responses:
        '200':
          description: ok
          content:
            application/x-ndjson: {schema: {type: string}, itemSchema: {type: boolean}}
  /plain:
    get:
      operationId: plain
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
",
    );
    let chat = operation(&api, "chat");
    assert_eq!(
        chat.streamed,
        Some(crate::ir::Streamed { framing: crate::ir::Framing::EventStream, item: Ty::I64, by_event: None })
    );
    assert!(matches!(&chat.success, Success::Single { ty: Ty::String, read: BodyRead::Json }), "send() keeps the JSON");
    let export = operation(&api, "export").streamed.clone();
    assert_eq!(
        export,
        Some(crate::ir::Streamed { framing: crate::ir::Framing::JsonLines, item: Ty::Bool, by_event: None })
    );
    assert_eq!(operation(&api, "plain").streamed, None);
}

#[test]
fn a_streamed_response_by_reference_reads_its_item_schema_where_it_stands() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /export:
    get:
      operationId: export
      responses:
        '200': {$ref: '#/components/responses/Records'}
  /changes:
    get:
      operationId: changes
      responses:
        '200': {$ref: '#/components/responses/Changes'}
components:
  responses:
    Records:
      description: ok
      content:
        application/x-ndjson: {itemSchema: {$ref: '#/components/schemas/Record'}}
    Changes:
      description: ok
      content:
        text/event-stream:
          itemSchema:
            oneOf:
              - {type: object, properties: {event: {const: added}, data: {$ref: '#/components/schemas/Record'}}}
              - {type: object, properties: {event: {const: removed}, data: {type: integer}}}
  schemas:
    Record: {type: object, properties: {id: {type: integer}}}
",
    );
    let export = operation(&api, "export").streamed.clone().expect("streamed");
    assert!(matches!(export.item, Ty::Named(id) if api.type_def(id).name == "Record"), "{:?}", export.item);
    let changes = operation(&api, "changes").streamed.clone().expect("streamed");
    let union = changes.by_event.expect("a union by event name, read at the component response");
    let events: Vec<_> = union.variants.iter().map(|v| (v.event.as_str(), v.data.clone())).collect();
    assert!(matches!(events[0], ("added", Ty::Named(id)) if api.type_def(id).name == "Record"), "{events:?}");
    assert_eq!(events[1], ("removed", Ty::I64));
}
