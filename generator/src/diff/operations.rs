//! The client, the tag structs and their methods: what `render/apis.rs`
//! makes of the operations. A method's arguments are its required
//! parameters, then `body` when the body is required; every optional input
//! is a setter on its request builder, so adding one breaks nobody.

use super::{push, ty_name, Change, ChangeKind, Impact};
use crate::ir::{Api, ApiModule, Operation, Paging, Success};
use std::collections::BTreeMap;

/// Security schemes: one `ClientBuilder` method each.
pub(super) fn compare_client(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let old_methods: Vec<&str> = old.security_schemes.iter().map(|s| s.method_name.as_str()).collect();
    let new_methods: Vec<&str> = new.security_schemes.iter().map(|s| s.method_name.as_str()).collect();
    for method in &new_methods {
        if !old_methods.contains(method) {
            let item = format!("method `ClientBuilder::{method}`");
            let reason = "a new builder method for a new security scheme; existing code does not call it";
            push(changes, None, item, ChangeKind::Added, String::new(), Impact::Addition, reason);
        }
    }
    for method in &old_methods {
        if !new_methods.contains(method) {
            let item = format!("method `ClientBuilder::{method}`");
            let reason = "the security scheme is gone, and with it the builder method that set its credentials";
            push(changes, None, item, ChangeKind::Removed, String::new(), Impact::Breaking, reason);
        }
    }
}

/// Tag modules and their operations.
pub(super) fn compare_modules(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let old_modules: BTreeMap<&str, &ApiModule> = old.modules.iter().map(|m| (m.name.as_str(), m)).collect();
    for new_module in &new.modules {
        let tag = Some(new_module.tag.as_str());
        let Some(old_module) = old_modules.get(new_module.name.as_str()) else {
            let item = format!("method `Client::{}`", new_module.accessor);
            let reason = "a new tag: a new accessor on `Client`, its struct and its cargo feature";
            push(changes, tag, item, ChangeKind::Added, String::new(), Impact::Addition, reason);
            for op in &new_module.operations {
                push(
                    changes,
                    tag,
                    method_item(new_module, op),
                    ChangeKind::Added,
                    String::new(),
                    Impact::Addition,
                    NEW_METHOD,
                );
            }
            continue;
        };
        let old_ops: BTreeMap<&str, &Operation> =
            old_module.operations.iter().map(|op| (op.method_name.as_str(), op)).collect();
        for op in &new_module.operations {
            match old_ops.get(op.method_name.as_str()) {
                Some(old_op) => compare_operation(new_module, (old, old_op), (new, op), changes),
                None => push(
                    changes,
                    tag,
                    method_item(new_module, op),
                    ChangeKind::Added,
                    String::new(),
                    Impact::Addition,
                    NEW_METHOD,
                ),
            }
        }
        for op in &old_module.operations {
            if !new_module.operations.iter().any(|n| n.method_name == op.method_name) {
                let reason = "calls of the method, and uses of its request builder, stop compiling";
                push(
                    changes,
                    tag,
                    method_item(old_module, op),
                    ChangeKind::Removed,
                    String::new(),
                    Impact::Breaking,
                    reason,
                );
            }
        }
    }
    for old_module in &old.modules {
        if !new.modules.iter().any(|m| m.name == old_module.name) {
            let tag = Some(old_module.tag.as_str());
            let item = format!("method `Client::{}`", old_module.accessor);
            let reason = "the tag is gone: its accessor, its struct, every method and its cargo feature";
            push(changes, tag, item, ChangeKind::Removed, String::new(), Impact::Breaking, reason);
        }
    }
}

const NEW_METHOD: &str = "a new method and request builder; existing code does not call them";

fn method_item(module: &ApiModule, op: &Operation) -> String {
    format!("method `{}::{}`", module.api_struct, op.method_name)
}

/// The method's arguments, as `name: Type`.
fn arguments(op: &Operation, api: &Api) -> Vec<String> {
    let params = op.params.iter().filter(|p| p.required).map(|p| format!("{}: {}", p.name, ty_name(&p.ty, api)));
    let body = op.body.iter().filter(|b| b.required).map(|b| format!("body: {}", ty_name(&b.ty, api)));
    params.chain(body).collect()
}

/// The builder's setters: name to the type it takes.
fn setters(op: &Operation, api: &Api) -> BTreeMap<String, String> {
    let params = op.params.iter().filter(|p| !p.required).map(|p| (p.name.clone(), ty_name(&p.ty, api)));
    let body = op.body.iter().filter(|b| !b.required).map(|b| ("body".to_string(), ty_name(&b.ty, api)));
    params.chain(body).collect()
}

/// What `send` returns on success, as the generated code writes it.
fn success_type(op: &Operation, api: &Api) -> String {
    match &op.success {
        Success::Single { ty, .. } => ty_name(ty, api),
        Success::Several { enum_name, variants } => {
            let variants: Vec<String> =
                variants.iter().map(|v| format!("{}({})", v.name, ty_name(&v.ty, api))).collect();
            format!("{enum_name} {{ {} }}", variants.join(", "))
        }
    }
}

fn compare_operation(
    module: &ApiModule,
    (old_api, old): (&Api, &Operation),
    (new_api, new): (&Api, &Operation),
    changes: &mut Vec<Change>,
) {
    let tag = Some(module.tag.as_str());
    let item = || method_item(module, new);
    let (old_args, new_args) = (arguments(old, old_api), arguments(new, new_api));
    if old_args != new_args {
        let detail = format!("({}) -> ({})", old_args.join(", "), new_args.join(", "));
        let reason = "required parameters (and a required body) are the method's arguments: every call must change";
        push(changes, tag, item(), ChangeKind::Changed, detail, Impact::Breaking, reason);
    }
    compare_setters(tag, (old_api, old), (new_api, new), changes);
    let (old_success, new_success) = (success_type(old, old_api), success_type(new, new_api));
    if old_success != new_success {
        let reason = "`send` returns another type: code using the result must change";
        push(
            changes,
            tag,
            item(),
            ChangeKind::Changed,
            format!("returns {old_success} -> {new_success}"),
            Impact::Breaking,
            reason,
        );
    }
    let (old_error, new_error) = (ty_name(&old.error_ty, old_api), ty_name(&new.error_ty, new_api));
    if old_error != new_error {
        let reason = "the error body type `E` of `Error<E>` changes: code reading error bodies must change";
        push(
            changes,
            tag,
            item(),
            ChangeKind::Changed,
            format!("error body {old_error} -> {new_error}"),
            Impact::Breaking,
            reason,
        );
    }
    compare_paging(tag, item(), (&old.paging, &new.paging), changes);
    if old.http_method != new.http_method || old.path != new.path {
        let detail =
            format!("{} {} -> {} {}", old.http_method.as_upper(), old.path, new.http_method.as_upper(), new.path);
        let reason = "the Rust signature is the same; the request goes elsewhere";
        push(changes, tag, item(), ChangeKind::Changed, detail, Impact::Compatible, reason);
    }
    if !old.docs.deprecated && new.docs.deprecated {
        let reason = "the method is marked deprecated: calls still compile";
        push(changes, tag, item(), ChangeKind::Changed, "deprecated".into(), Impact::Compatible, reason);
    }
}

/// The builder's setters (the optional inputs): added, retyped, removed.
fn compare_setters(
    tag: Option<&str>,
    (old_api, old): (&Api, &Operation),
    (new_api, new): (&Api, &Operation),
    changes: &mut Vec<Change>,
) {
    let (old_setters, new_setters) = (setters(old, old_api), setters(new, new_api));
    for (name, ty) in &new_setters {
        let setter = format!("setter `{}::{name}`", new.builder_name);
        match old_setters.get(name) {
            None => {
                let reason = "optional inputs are builder setters: a new one is left unset by existing code";
                push(changes, tag, setter, ChangeKind::Added, format!("takes {ty}"), Impact::Addition, reason);
            }
            Some(old_ty) if old_ty != ty => {
                let reason = "the setter takes another type: calls of it stop compiling";
                push(changes, tag, setter, ChangeKind::Changed, format!("{old_ty} -> {ty}"), Impact::Breaking, reason);
            }
            Some(_) => {}
        }
    }
    for name in old_setters.keys().filter(|name| !new_setters.contains_key(*name)) {
        let setter = format!("setter `{}::{name}`", old.builder_name);
        let reason = "the optional input is gone (or became an argument): calls of its setter stop compiling";
        push(changes, tag, setter, ChangeKind::Removed, String::new(), Impact::Breaking, reason);
    }
}

/// Whether the operation pages, and how.
fn compare_paging(
    tag: Option<&str>,
    item: String,
    paging: (&Option<Paging>, &Option<Paging>),
    changes: &mut Vec<Change>,
) {
    match paging {
        (None, Some(_)) => push(
            changes,
            tag,
            item,
            ChangeKind::Changed,
            "now pages".into(),
            Impact::Addition,
            "the builder gains a `stream` method; nothing else changes",
        ),
        (Some(_), None) => push(
            changes,
            tag,
            item,
            ChangeKind::Changed,
            "no longer pages".into(),
            Impact::Breaking,
            "the builder's `stream` method is gone",
        ),
        (Some(a), Some(b)) if a != b => push(
            changes,
            tag,
            item,
            ChangeKind::Changed,
            "pages differently".into(),
            Impact::Compatible,
            "`stream` keeps its signature; it finds pages another way",
        ),
        _ => {}
    }
}
