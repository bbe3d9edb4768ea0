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
    let summary: Vec<(&str, &Ty, BodyRead)> = variants.iter().map(|v| (v.name.as_str(), &v.ty, v.read)).collect();
    assert_eq!(summary, [("Ok", &Ty::String, BodyRead::Json), ("Accepted", &Ty::Unit, BodyRead::Empty)]);
    assert!(matches!(&operation(&api, "single").success, Success::Single { ty: Ty::String, read: BodyRead::Json }));
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
    assert!(matches!(&op.success, Success::Single { ty, read: BodyRead::Json } if *ty == named("Out")));
    assert_eq!(op.error_ty, named("Out"));
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
