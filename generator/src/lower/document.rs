//! The document as lowering reads it: the typed `openapiv3` model and load's
//! [`SideTable`], never the untyped tree. [`Document::resolve`] and
//! [`Document::target`] are how lowering follows a `$ref`, through a typed
//! walk of the pointer (components, path items, operations, parameters,
//! bodies, responses, media types and the schemas inside them), with
//! [`refs`]' hop limit and cycle rule. Load has reported every reference that
//! does not resolve, so a failure here is `None`, already reported.

use crate::load::refs::MAX_REFERENCE_HOPS;
use crate::load::{Loaded, SideTable};
use crate::pointer::JsonPointer;
use openapiv3::{
    AdditionalProperties, Example, Header, MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent,
    PathItem, ReferenceOr, RequestBody, Response, Schema, SchemaKind, Type,
};

/// The typed document and its side table.
#[derive(Clone, Copy)]
pub struct Document<'a> {
    /// The typed document.
    pub api: &'a OpenAPI,
    /// What openapiv3 cannot carry.
    pub side: &'a SideTable,
    /// The loaded document, for the one question load answers on its
    /// untyped tree ([`Loaded::orphaned_by_replacement`]); lowering reads
    /// no field of it but `api` and `side_table`.
    pub loaded: &'a Loaded,
}

/// A node of the document, as far as a reference may lead.
#[derive(Clone, Copy)]
pub enum Node<'a> {
    /// A `$ref` (to follow further).
    Reference(&'a str),
    Schema(&'a Schema),
    Response(&'a Response),
    Parameter(&'a Parameter),
    RequestBody(&'a RequestBody),
    Example(&'a Example),
    Header(&'a Header),
    PathItem(&'a PathItem),
    Operation(&'a Operation),
    MediaType(&'a MediaType),
}

/// The kinds of object a reference is followed to.
pub trait Referable: Sized {
    /// Its name in a diagnostic.
    const KIND: &'static str;
    /// The object, if `node` is one.
    fn pick(node: Node<'_>) -> Option<&Self>;
}

macro_rules! referable {
    ($($ty:ident: $kind:literal),*) => {$(
        impl Referable for $ty {
            const KIND: &'static str = $kind;
            fn pick(node: Node<'_>) -> Option<&Self> {
                match node {
                    Node::$ty(item) => Some(item),
                    _ => None,
                }
            }
        }
    )*};
}
referable!(Schema: "schema", Response: "response", Parameter: "parameter", RequestBody: "request body", Example: "example");

/// A node that may be a reference.
fn item<'a, T>(value: &'a ReferenceOr<T>, node: impl FnOnce(&'a T) -> Node<'a>) -> Node<'a> {
    match value {
        ReferenceOr::Reference { reference } => Node::Reference(reference),
        ReferenceOr::Item(item) => node(item),
    }
}

/// A schema that may be a reference.
pub fn schema_node(value: &ReferenceOr<Schema>) -> Node<'_> {
    item(value, Node::Schema)
}

fn boxed_schema(value: &ReferenceOr<Box<Schema>>) -> Node<'_> {
    match value {
        ReferenceOr::Reference { reference } => Node::Reference(reference),
        ReferenceOr::Item(schema) => Node::Schema(schema),
    }
}

impl<'a> Document<'a> {
    /// The node at `pointer`, without following the reference standing there.
    pub fn lookup(&self, pointer: &JsonPointer) -> Option<Node<'a>> {
        let mut tokens = pointer.tokens();
        let mut node = match tokens.next()?.as_str() {
            "components" => {
                let components = self.api.components.as_ref()?;
                let (section, name) = (tokens.next()?, tokens.next()?);
                match section.as_str() {
                    "schemas" => schema_node(components.schemas.get(&name)?),
                    "responses" => item(components.responses.get(&name)?, Node::Response),
                    "parameters" => item(components.parameters.get(&name)?, Node::Parameter),
                    "requestBodies" => item(components.request_bodies.get(&name)?, Node::RequestBody),
                    "examples" => item(components.examples.get(&name)?, Node::Example),
                    "headers" => item(components.headers.get(&name)?, Node::Header),
                    _ => return None,
                }
            }
            "paths" => item(self.api.paths.paths.get(&tokens.next()?)?, Node::PathItem),
            _ => return None,
        };
        while let Some(token) = tokens.next() {
            node = child(node, &token, &mut tokens)?;
        }
        Some(node)
    }

    /// One hop: the node `reference` names, with its pointer (which may be another reference).
    pub fn target(&self, reference: &str) -> Option<(JsonPointer, Node<'a>)> {
        let pointer = JsonPointer::from_reference(reference)?;
        let node = self.lookup(&pointer)?;
        Some((pointer, node))
    }

    /// The object `reference` leads to, following a chain of references to
    /// the first node that is none, with its pointer; `None` when the chain
    /// fails (load reported it) or ends at another kind of object.
    pub fn resolve<T: Referable>(&self, reference: &str) -> Option<(JsonPointer, &'a T)> {
        let mut chain: Vec<JsonPointer> = Vec::new();
        let mut reference = reference;
        loop {
            let (pointer, node) = self.target(reference)?;
            if chain.contains(&pointer) || chain.len() == MAX_REFERENCE_HOPS {
                return None;
            }
            match node {
                Node::Reference(next) => {
                    chain.push(pointer);
                    reference = next;
                }
                node => return T::pick(node).map(|found| (pointer, found)),
            }
        }
    }

    /// `value`'s object, following it when it is a reference, with the
    /// pointer it stands at (`pointer`, for an inline one).
    pub fn follow<T: Referable>(&self, value: &'a ReferenceOr<T>, pointer: &str) -> Option<(String, &'a T)> {
        match value {
            ReferenceOr::Item(item) => Some((pointer.to_owned(), item)),
            ReferenceOr::Reference { reference } => {
                self.resolve(reference).map(|(pointer, found)| (pointer.as_str().to_owned(), found))
            }
        }
    }
}

/// The child of `node` named by `token` (and, for maps and lists inside an
/// object, the token after it).
fn child<'a>(node: Node<'a>, token: &str, rest: &mut impl Iterator<Item = String>) -> Option<Node<'a>> {
    match node {
        Node::Reference(_) => None,
        Node::Schema(schema) => schema_child(schema, token, rest),
        Node::PathItem(path_item) => match token {
            "parameters" => parameter_at(&path_item.parameters, rest),
            method => crate::http::HttpMethod::ALL
                .into_iter()
                .find(|m| m.as_str() == method)
                .and_then(|m| m.operation(path_item))
                .map(Node::Operation),
        },
        Node::Operation(op) => match token {
            "parameters" => parameter_at(&op.parameters, rest),
            "requestBody" => Some(item(op.request_body.as_ref()?, Node::RequestBody)),
            "responses" => {
                let code = rest.next()?;
                if code == "default" {
                    return Some(item(op.responses.default.as_ref()?, Node::Response));
                }
                let (_, response) =
                    op.responses.responses.iter().find(|(status, _)| status.to_string().eq_ignore_ascii_case(&code))?;
                Some(item(response, Node::Response))
            }
            _ => None,
        },
        Node::Parameter(parameter) => match (&parameter.parameter_data_ref().format, token) {
            (ParameterSchemaOrContent::Schema(schema), "schema") => Some(schema_node(schema)),
            (ParameterSchemaOrContent::Content(content), "content") => {
                Some(Node::MediaType(content.get(&rest.next()?)?))
            }
            _ => None,
        },
        Node::Header(header) => match (&header.format, token) {
            (ParameterSchemaOrContent::Schema(schema), "schema") => Some(schema_node(schema)),
            (ParameterSchemaOrContent::Content(content), "content") => {
                Some(Node::MediaType(content.get(&rest.next()?)?))
            }
            _ => None,
        },
        Node::RequestBody(body) => match token {
            "content" => Some(Node::MediaType(body.content.get(&rest.next()?)?)),
            _ => None,
        },
        Node::Response(response) => match token {
            "content" => Some(Node::MediaType(response.content.get(&rest.next()?)?)),
            "headers" => Some(item(response.headers.get(&rest.next()?)?, Node::Header)),
            _ => None,
        },
        Node::MediaType(media) => match token {
            "schema" => Some(schema_node(media.schema.as_ref()?)),
            "examples" => Some(item(media.examples.get(&rest.next()?)?, Node::Example)),
            _ => None,
        },
        Node::Example(_) => None,
    }
}

fn parameter_at<'a>(
    parameters: &'a [ReferenceOr<Parameter>],
    rest: &mut impl Iterator<Item = String>,
) -> Option<Node<'a>> {
    let index: usize = rest.next()?.parse().ok()?;
    Some(item(parameters.get(index)?, Node::Parameter))
}

/// The schema inside `schema` at `token` (`properties/NAME`, `items`,
/// `additionalProperties`, `allOf/N`, `oneOf/N`, `anyOf/N`, `not`).
fn schema_child<'a>(schema: &'a Schema, token: &str, rest: &mut impl Iterator<Item = String>) -> Option<Node<'a>> {
    let parts = SchemaParts::of(schema);
    let list = |members: &'a [ReferenceOr<Schema>], rest: &mut dyn Iterator<Item = String>| {
        let index: usize = rest.next()?.parse().ok()?;
        members.get(index).map(schema_node)
    };
    match token {
        "properties" => parts.properties?.get(&rest.next()?).map(boxed_schema),
        "items" => parts.items.map(boxed_schema),
        "additionalProperties" => match parts.additional_properties? {
            AdditionalProperties::Schema(schema) => Some(schema_node(schema)),
            AdditionalProperties::Any(_) => None,
        },
        "allOf" => list(parts.all_of, rest),
        "oneOf" => list(parts.one_of, rest),
        "anyOf" => list(parts.any_of, rest),
        "not" => parts.not.map(schema_node),
        _ => None,
    }
}

/// The subschemas of a schema, wherever openapiv3 keeps them for its kind.
#[derive(Default)]
pub struct SchemaParts<'a> {
    pub properties: Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub additional_properties: Option<&'a AdditionalProperties>,
    pub all_of: &'a [ReferenceOr<Schema>],
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub not: Option<&'a ReferenceOr<Schema>>,
    /// The `type` keyword, as written.
    pub type_name: Option<&'a str>,
}

impl<'a> SchemaParts<'a> {
    /// The parts of `schema`.
    pub fn of(schema: &'a Schema) -> Self {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Self {
                properties: Some(&object.properties),
                additional_properties: object.additional_properties.as_ref(),
                type_name: Some("object"),
                ..Self::default()
            },
            SchemaKind::Type(Type::Array(array)) => {
                Self { items: array.items.as_ref(), type_name: Some("array"), ..Self::default() }
            }
            SchemaKind::Type(Type::String(_)) => Self { type_name: Some("string"), ..Self::default() },
            SchemaKind::Type(Type::Number(_)) => Self { type_name: Some("number"), ..Self::default() },
            SchemaKind::Type(Type::Integer(_)) => Self { type_name: Some("integer"), ..Self::default() },
            SchemaKind::Type(Type::Boolean(_)) => Self { type_name: Some("boolean"), ..Self::default() },
            SchemaKind::OneOf { one_of } => Self { one_of, ..Self::default() },
            SchemaKind::AllOf { all_of } => Self { all_of, ..Self::default() },
            SchemaKind::AnyOf { any_of } => Self { any_of, ..Self::default() },
            SchemaKind::Not { not } => Self { not: Some(not), ..Self::default() },
            SchemaKind::Any(any) => Self {
                properties: Some(&any.properties),
                items: any.items.as_ref(),
                additional_properties: any.additional_properties.as_ref(),
                all_of: &any.all_of,
                one_of: &any.one_of,
                any_of: &any.any_of,
                not: any.not.as_deref(),
                type_name: any.typ.as_deref(),
            },
        }
    }
}
