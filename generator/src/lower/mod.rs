//! Stage 2: `openapiv3::OpenAPI` -> [`crate::ir::Api`].
//!
//! Types and operations are lowered in document order, so every name (and
//! every collision suffix) comes out the same on every run.

mod derives;
mod document;
mod event_union;
mod examples;
mod operations;
mod paging;
mod paging_override;
mod renames;
#[cfg(test)]
mod tests;
mod types;

use crate::diagnostics::{pointer_join, Diagnostic};
use crate::http::HttpMethod;
use crate::ir::{Api, ApiKeyLocation, ApiModule, SecurityKind, SecurityScheme, Server, ServerVariable, Success};
use crate::load::Loaded;
use crate::naming::{
    feature_name, snake_name, type_name, UniqueNames, API_MODULE_NAMES, API_MODULE_TYPES, CLIENT_BUILDER_METHODS,
    CLIENT_METHODS, MOCK_METHODS, RESERVED_FEATURES, UNUSED_MODELS_FILES,
};
use crate::settings::Settings;
use openapiv3::ReferenceOr;
use operations::{lower_operation, OperationSite};
use renames::{RenameKind, Renames};
use std::collections::BTreeMap;
use types::TypeLowering;

/// Lowers a loaded document; returns the API and the warnings lowering added
/// (and errors, for schemas nested beyond [`types::MAX_SCHEMA_NESTING`]).
pub fn lower(loaded: &Loaded, settings: &Settings) -> (Api, Vec<Diagnostic>) {
    let api = &loaded.api;
    let document = document::Document { api, side: &loaded.side_table, loaded };
    let mut warnings = Vec::new();
    let renames = Renames::new(settings.renames());
    let mut types = TypeLowering::new(document, settings, &renames);
    types.lower_components();

    let mut modules: BTreeMap<String, ApiModule> = BTreeMap::new();
    let mut method_names = (UniqueNames::default(), renames.scope(RenameKind::Operation, None));
    let tag_descriptions: BTreeMap<&str, Option<&String>> =
        api.tags.iter().map(|t| (t.name.as_str(), t.description.as_ref())).collect();
    for (path, item) in &api.paths.paths {
        let path_pointer = pointer_join("/paths", path);
        let ReferenceOr::Item(item) = item else {
            warnings.push(Diagnostic::lossy(path_pointer, "path item references are not supported; path skipped"));
            continue;
        };
        for method in HttpMethod::ALL {
            let Some(operation) = method.operation(item) else { continue };
            let site = OperationSite {
                method,
                path,
                operation,
                path_params: &item.parameters,
                pointer: pointer_join(&path_pointer, method.as_str()),
            };
            let lowered = lower_operation(&mut types, document, &site, &mut method_names, &mut warnings);
            let tag = operation.tags.first().cloned().unwrap_or_else(|| "default".to_string());
            modules
                .entry(snake_name(&tag))
                .or_insert_with(|| ApiModule {
                    name: String::new(),
                    tag: tag.clone(),
                    api_struct: String::new(),
                    accessor: String::new(),
                    feature: String::new(),
                    description: tag_descriptions.get(tag.as_str()).copied().flatten().cloned(),
                    operations: Vec::new(),
                })
                .operations
                .push(lowered);
        }
    }
    let dependencies = types.finish_replacements();
    let (mut type_defs, renumbering, type_warnings, type_pointers) = types.finish();
    warnings.extend(renames.finish());
    warnings.extend(derives::add_type_extras(&mut type_defs, &type_pointers, settings));
    for op in modules.values_mut().flat_map(|m| &mut m.operations) {
        op.tys_mut().into_iter().for_each(|ty| renumbering.apply(ty));
    }
    let mut accessors = UniqueNames::with_reserved(CLIENT_METHODS.iter().chain(MOCK_METHODS).copied());
    let mut module_names = UniqueNames::with_reserved(API_MODULE_NAMES.iter().chain(&UNUSED_MODELS_FILES).copied());
    let mut api_structs = UniqueNames::default();
    let mut features = UniqueNames::with_reserved(RESERVED_FEATURES.iter().copied());
    let modules = modules
        .into_iter()
        .map(|(key, mut module)| {
            module.name = module_names.claim(key);
            module.accessor = accessors.claim(snake_name(&module.tag));
            module.api_struct = api_structs.claim(format!("{}Api", type_name(&module.tag)));
            module.feature = features.claim(feature_name(&module.tag));
            name_module_items(&mut module);
            module
        })
        .collect();

    let mut builder_methods = UniqueNames::with_reserved(CLIENT_BUILDER_METHODS.iter().copied());
    let server = lower_server(api, &mut builder_methods);
    let security_schemes = lower_security(api, settings, &mut builder_methods, &mut warnings);
    warnings.extend(type_warnings);
    let lowered = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        openapi_version: loaded.original_version.clone(),
        server,
        security_schemes,
        types: type_defs,
        modules,
        model_files: Vec::new(),
        dependencies,
    };
    (lowered, warnings)
}

/// The types of one `apis/<tag>.rs` share its namespace: the tag's struct
/// first, then each operation's builder and success enum in document order.
fn name_module_items(module: &mut ApiModule) {
    let mut items = UniqueNames::with_reserved(API_MODULE_TYPES.iter().copied());
    items.claim(module.api_struct.clone());
    for op in &mut module.operations {
        op.builder_name = items.claim(std::mem::take(&mut op.builder_name));
        if let Success::Several { enum_name, .. } = &mut op.success {
            *enum_name = items.claim(std::mem::take(enum_name));
        }
    }
}

fn lower_server(api: &openapiv3::OpenAPI, methods: &mut UniqueNames) -> Server {
    let Some(server) = api.servers.first() else {
        return Server { url: String::new(), variables: Vec::new() };
    };
    let variables = server
        .variables
        .iter()
        .flatten()
        .map(|(name, var)| ServerVariable {
            name: name.clone(),
            method_name: methods.claim(snake_name(name)),
            default: var.default.clone(),
            allowed: var.enumeration.clone(),
            description: var.description.clone(),
        })
        .collect();
    Server { url: server.url.trim_end_matches('/').to_string(), variables }
}

fn lower_security(
    api: &openapiv3::OpenAPI,
    settings: &Settings,
    methods: &mut UniqueNames,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<SecurityScheme> {
    let Some(components) = &api.components else { return Vec::new() };
    let mut schemes = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let pointer = pointer_join("/components/securitySchemes", name);
        let ReferenceOr::Item(scheme) = scheme else {
            warnings.push(Diagnostic::lossy(pointer, "security scheme references are not supported; scheme skipped"));
            continue;
        };
        let mut push = |method: String, kind: SecurityKind, description: &Option<String>| {
            schemes.push(SecurityScheme {
                name: name.clone(),
                method_name: methods.claim(method),
                description: description.clone(),
                kind,
            })
        };
        match scheme {
            openapiv3::SecurityScheme::APIKey { location, name: param_name, description, .. } => {
                let location = match location {
                    openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                    openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                    openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                };
                let prefix = settings.api_key_prefixes.get(name).cloned();
                push(
                    snake_name(name),
                    SecurityKind::ApiKey { location, param_name: param_name.clone(), prefix },
                    description,
                );
            }
            openapiv3::SecurityScheme::HTTP { scheme: http, description, .. } => {
                match http.to_ascii_lowercase().as_str() {
                    "basic" => push(snake_name(name), SecurityKind::Basic, description),
                    "bearer" => push(snake_name(name), SecurityKind::Bearer, description),
                    other => warnings.push(Diagnostic::lossy(
                        pointer,
                        format!("HTTP `{other}` authentication is not supported; scheme skipped"),
                    )),
                }
            }
            openapiv3::SecurityScheme::OAuth2 { flows, description, .. } => {
                push(format!("{}_token", snake_name(name)), SecurityKind::Bearer, description);
                if let Some(flow) = &flows.client_credentials {
                    let kind = SecurityKind::ClientCredentials {
                        token_url: flow.token_url.clone(),
                        scopes: flow.scopes.keys().cloned().collect(),
                    };
                    push(format!("{}_client_credentials", snake_name(name)), kind, description);
                }
            }
            openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                push(format!("{}_token", snake_name(name)), SecurityKind::Bearer, description)
            }
        }
    }
    schemes
}
