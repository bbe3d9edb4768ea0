//! The intermediate representation: what the generated crate contains, as
//! plain data, after every name has been chosen and every reference resolved.
//!
//! Lowering (`lower`) builds it from the spec; `analyse` adds the facts that
//! need the whole of it (boxes, newtypes, `Default`, which tags reach each
//! type, which file holds it); rendering (`render`) turns it into Rust.
//! Nothing here knows about tokens or about openapiv3.

use crate::http::HttpMethod;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The OpenAPI version the document declared (before any normalisation).
    pub openapi_version: String,
    /// The first server, as a template with variables.
    pub server: Server,
    /// Security schemes, in document order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// One module per tag, sorted by module name.
    pub modules: Vec<ApiModule>,
    /// The files of `src/models/`, in the order they are declared (set by
    /// `analyse`).
    pub model_files: Vec<ModelFile>,
    /// The Cargo.toml dependency lines the replaced types need, sorted
    /// (`rust_decimal = { version = "1" }`).
    pub dependencies: Vec<String>,
}

impl Api {
    /// The named type `id` stands for.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.index()]
    }

    /// Each named type with its id, in name order.
    pub fn types_with_ids(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.types.iter().enumerate().map(|(index, def)| (TypeId::from_index(index), def))
    }
}

/// A named type: its index in [`Api::types`]. Lowering hands ids out once
/// every type's name is final, so an id never needs looking up by name;
/// names are only for printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(u32);

impl TypeId {
    /// The id of the type at `index` in its table.
    pub fn from_index(index: usize) -> Self {
        // Four billion types would not fit in memory long before this.
        Self(u32::try_from(index).expect("fewer than 2^32 types"))
    }

    /// Its index in [`Api::types`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A server URL template and its variables.
#[derive(Debug, Clone)]
pub struct Server {
    /// E.g. `https://{yourOktaDomain}`.
    pub url: String,
    /// Variables with their defaults.
    pub variables: Vec<ServerVariable>,
}

/// One `{name}` of a server URL.
#[derive(Debug, Clone)]
pub struct ServerVariable {
    /// Name in the URL template.
    pub name: String,
    /// Builder method that sets it.
    pub method_name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, if the spec lists them.
    pub allowed: Vec<String>,
    /// Spec description.
    pub description: Option<String>,
}

/// A security scheme the client builder can be given credentials for.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// The scheme's name in `components.securitySchemes`.
    pub name: String,
    /// Builder method that sets its credentials.
    pub method_name: String,
    /// Spec description.
    pub description: Option<String>,
    /// How credentials are sent.
    pub kind: SecurityKind,
}

/// How a security scheme sends credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// An API key in a header, query parameter or cookie, with an optional prefix.
    ApiKey {
        /// `header`, `query` or `cookie`.
        location: ApiKeyLocation,
        /// Header, parameter or cookie name.
        param_name: String,
        /// Prefix before the key, from the settings (`SSWS` for Okta).
        prefix: Option<String>,
    },
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2.0 or OpenID Connect tokens).
    Bearer,
    /// HTTP basic.
    Basic,
    /// OAuth 2.0 client credentials, fetched by the client from `token_url`.
    ClientCredentials {
        /// Token endpoint.
        token_url: String,
        /// Scopes the spec declares for the flow.
        scopes: Vec<String>,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// A Rust type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// `uuid::Uuid`.
    Uuid,
    /// Base64 text on the wire, bytes in Rust.
    Base64,
    /// Raw bytes (a binary body).
    Binary,
    /// Any JSON.
    Json,
    /// `()`: no body.
    Unit,
    /// The runtime's multipart parts (a `multipart/form-data` body).
    Multipart,
    /// The runtime's `UploadBody`: a binary request body given as bytes, a
    /// file or a stream.
    Upload,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// A named type from [`Api::types`].
    Named(TypeId),
    /// A type of the user's, replacing a schema: a plain path with optional
    /// generic arguments, checked when the settings or the spec named it
    /// (`settings::parse_rust_type`), e.g. `rust_decimal::Decimal`.
    External(String),
}

impl Ty {
    /// The named type this is itself (not one inside a `Vec` or map).
    pub fn named(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            _ => None,
        }
    }

    /// The named type this mentions: itself, or inside a `Vec` or map.
    pub fn mentioned(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            Ty::Vec(inner) | Ty::Map(inner) => inner.mentioned(),
            _ => None,
        }
    }
}

/// Documentation carried from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// Summary or title, first line.
    pub summary: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Extra notes the generator adds (defaults, formats, approximations).
    pub notes: Vec<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Docs.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
    /// The tags whose operations reach it through the types' references,
    /// as indices into [`Api::modules`], ascending (set by `analyse`).
    pub reached_by: Vec<usize>,
    /// Derives beyond the generator's own, as paths (`Hash`,
    /// `schemars::JsonSchema`), from the settings (checked there, and
    /// against the fields by `lower`).
    pub derives: Vec<String>,
    /// Outer attributes from the settings, as checked token text.
    pub attributes: Vec<String>,
}

/// One file of `src/models/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFile {
    /// Its module name (the file stem).
    pub name: String,
    /// The tag whose file it is; `None` for types no operation reaches.
    pub tag: Option<String>,
    /// Its types, in name order.
    pub types: Vec<TypeId>,
    /// Every tag that reaches one of its types, ascending (indices into
    /// [`Api::modules`]): the features the whole file needs.
    pub tags: Vec<usize>,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields, in spec order.
        fields: Vec<Field>,
        /// What happens to properties the spec does not list.
        extra: ExtraProperties,
        /// Every field's type has a `Default`, so the struct derives it (set
        /// by `analyse`).
        derive_default: bool,
        /// The spec's `x-rust-also-wrapped-in: KEY`: a value may also come as
        /// `{KEY: value}` (as Okta documents some bodies), and reads the same.
        also_wrapped_in: Option<String>,
    },
    /// A string or integer enum with a catch-all for unlisted values.
    Enum {
        /// Listed values.
        variants: Vec<EnumVariant>,
        /// Integer (not string) values.
        integer: bool,
    },
    /// `oneOf`/`anyOf`.
    Union {
        /// Members.
        variants: Vec<UnionVariant>,
        /// Discriminator property name, if any.
        discriminator: Option<String>,
    },
    /// Another name for a type. Emitted as a newtype when `newtype` is set
    /// (a type alias cannot refer to itself).
    Alias {
        /// The aliased type.
        target: Ty,
        /// Emit `struct Name(pub target)` instead of `type Name = target`
        /// (set by `analyse`).
        newtype: bool,
    },
}

impl TypeKind {
    /// Every type expression in the definition: fields, typed extra
    /// properties, union members, an alias's target.
    pub fn tys(&self) -> Vec<&Ty> {
        match self {
            TypeKind::Struct { fields, extra, .. } => {
                let extra = match extra {
                    ExtraProperties::Typed(ty) => Some(ty),
                    ExtraProperties::Keep | ExtraProperties::Closed => None,
                };
                fields.iter().map(|f| &f.ty).chain(extra).collect()
            }
            TypeKind::Enum { .. } => Vec::new(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias { target, .. } => vec![target],
        }
    }

    /// [`Self::tys`], to be changed in place.
    pub fn tys_mut(&mut self) -> Vec<&mut Ty> {
        match self {
            TypeKind::Struct { fields, extra, .. } => {
                let extra = match extra {
                    ExtraProperties::Typed(ty) => Some(ty),
                    ExtraProperties::Keep | ExtraProperties::Closed => None,
                };
                fields.iter_mut().map(|f| &mut f.ty).chain(extra).collect()
            }
            TypeKind::Enum { .. } => Vec::new(),
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias { target, .. } => vec![target],
        }
    }
}

/// What a struct does with properties its schema does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtraProperties {
    /// Keeps them as JSON, and sends them back unchanged.
    Keep,
    /// Keeps them, typed (`additionalProperties: <schema>`).
    Typed(Ty),
    /// `additionalProperties: false`: none are expected; any are ignored.
    Closed,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub name: String,
    /// JSON name.
    pub wire_name: String,
    /// Type, without the `Option`s that [`Presence`] adds.
    pub ty: Ty,
    /// Required/nullable combination.
    pub presence: Presence,
    /// The value is a credential: `Debug` redacts it.
    pub secret: bool,
    /// Boxed to break a recursive type (set by `analyse`).
    pub boxed: bool,
    /// Docs.
    pub docs: Docs,
}

/// Whether a field must be present, and whether it may be `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`.
    Required,
    /// `Option<T>`, always sent (`null` for `None`).
    RequiredNullable,
    /// `Option<T>`, left out when `None`.
    Optional,
    /// `Option<Option<T>>`: left out, explicit `null`, or a value.
    OptionalNullable,
}

/// A listed enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// The wire value.
    pub value: EnumValue,
}

/// An enum's wire value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumValue {
    /// A string.
    String(String),
    /// An integer.
    Integer(i64),
}

/// A `oneOf`/`anyOf` member.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// Discriminator values that select it.
    pub tags: Vec<String>,
    /// Boxed to break a recursive type (set by `analyse`).
    pub boxed: bool,
}

/// The operations of one tag.
#[derive(Debug, Clone)]
pub struct ApiModule {
    /// Module name (snake case).
    pub name: String,
    /// The tag as written in the spec.
    pub tag: String,
    /// Struct grouping the tag's methods, e.g. `ApiTokenApi`.
    pub api_struct: String,
    /// Method on `Client` returning that struct.
    pub accessor: String,
    /// Cargo feature that compiles this tag's operations (kebab case, unique).
    pub feature: String,
    /// Tag description.
    pub description: Option<String>,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId (or one derived from method and path).
    pub id: String,
    /// Method name on the tag struct.
    pub method_name: String,
    /// Request builder struct name.
    pub builder_name: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// Path template.
    pub path: String,
    /// Docs.
    pub docs: Docs,
    /// Parameters: required ones first (in spec order), then optional ones.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<RequestBody>,
    /// Successful outcomes.
    pub success: Success,
    /// Type of the error body (`E` in `Error<E>`).
    pub error_ty: Ty,
    /// Security alternatives: each is a set of scheme names that together authorize.
    pub security: Vec<Vec<String>>,
    /// How a list operation pages, if it returns a list.
    pub paging: Option<Paging>,
    /// A success body the server streams (events, JSON lines), read item by item.
    pub streamed: Option<Streamed>,
    /// The spec's example of the success body (its first success response's
    /// JSON `example`, else its first `examples` entry), as compact JSON
    /// text: the test double's `returns_example()`.
    pub success_example: Option<String>,
}

/// A success response streamed as a sequence of items.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    /// How the items are framed.
    pub framing: Framing,
    /// The type of each item (an event's `data`, a line).
    pub item: Ty,
    /// For server-sent events whose `event:` name selects the type of their
    /// `data`: the union decoded in place of `item`.
    pub by_event: Option<EventUnion>,
}

/// An enum of a stream's events, chosen by each event's `event:` name.
#[derive(Debug, Clone, PartialEq)]
pub struct EventUnion {
    /// The enum's name (claimed among the types).
    pub name: String,
    /// The events the spec names, in its order.
    pub variants: Vec<EventVariant>,
}

/// One named event of an [`EventUnion`].
#[derive(Debug, Clone, PartialEq)]
pub struct EventVariant {
    /// The `event:` name on the wire.
    pub event: String,
    /// The enum variant's name.
    pub name: String,
    /// The type of the event's `data`.
    pub data: Ty,
    /// The variant schema's description.
    pub description: Option<String>,
}

/// How a streamed body is split into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: server-sent events, each `data` one item.
    EventStream,
    /// `application/jsonl`, `application/x-ndjson`, `application/json-seq`: one JSON text per line.
    JsonLines,
}

impl Operation {
    /// Every type expression the operation uses: parameters, body, success
    /// bodies, the error body.
    pub fn tys(&self) -> Vec<&Ty> {
        let mut tys: Vec<&Ty> = self.params.iter().map(|p| &p.ty).collect();
        tys.extend(self.body.as_ref().map(|b| &b.ty));
        tys.push(&self.error_ty);
        match &self.success {
            Success::Single { ty, .. } => tys.push(ty),
            Success::Several { variants, .. } => tys.extend(variants.iter().map(|v| &v.ty)),
        }
        if let Some(streamed) = &self.streamed {
            tys.push(&streamed.item);
            tys.extend(streamed.by_event.iter().flat_map(|u| u.variants.iter().map(|v| &v.data)));
        }
        tys
    }

    /// [`Self::tys`], to be changed in place.
    pub fn tys_mut(&mut self) -> Vec<&mut Ty> {
        let mut tys: Vec<&mut Ty> = self.params.iter_mut().map(|p| &mut p.ty).collect();
        tys.extend(self.body.as_mut().map(|b| &mut b.ty));
        tys.push(&mut self.error_ty);
        match &mut self.success {
            Success::Single { ty, .. } => tys.push(ty),
            Success::Several { variants, .. } => tys.extend(variants.iter_mut().map(|v| &mut v.ty)),
        }
        if let Some(streamed) = &mut self.streamed {
            tys.push(&mut streamed.item);
            tys.extend(streamed.by_event.iter_mut().flat_map(|u| u.variants.iter_mut().map(|v| &mut v.data)));
        }
        tys
    }
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub wire_name: String,
    /// Rust name.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Must be given (an argument, not a builder setter).
    pub required: bool,
    /// Type.
    pub ty: Ty,
    /// Serialization of arrays and objects in the query.
    pub style: QueryStyle,
    /// The value the server assumes when the parameter is left out, as JSON text.
    pub default: Option<String>,
    /// Docs.
    pub docs: Docs,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// Query serialization style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` (the default), exploded or not.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `deepObject`.
    DeepObject,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// Media type to send.
    pub media_type: String,
    /// Type (for multipart: the runtime's part list; for binary: bytes).
    pub ty: Ty,
    /// Must be given.
    pub required: bool,
    /// Docs.
    pub docs: Docs,
}

/// Request body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// JSON sent as the declared media type: a vendor type that does not
    /// say `+json` (`application/vnd.example`) with a structured schema.
    VendorJson,
    /// Raw bytes with the media type.
    Binary,
}

/// What a successful call returns.
#[derive(Debug, Clone)]
pub enum Success {
    /// One type for every success status.
    Single {
        /// Response type.
        ty: Ty,
        /// How the body is read.
        read: BodyRead,
    },
    /// Several success statuses with different bodies: an enum per operation.
    Several {
        /// Enum name.
        enum_name: String,
        /// One variant per status.
        variants: Vec<SuccessVariant>,
    },
}

/// A success status with its own body type.
#[derive(Debug, Clone)]
pub struct SuccessVariant {
    /// Variant name (`Ok`, `Created`...).
    pub name: String,
    /// Status it matches.
    pub status: StatusMatch,
    /// Body type (`Unit` for none).
    pub ty: Ty,
    /// How the body is read.
    pub read: BodyRead,
    /// Response description.
    pub description: Option<String>,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One code.
    Code(u16),
    /// `2XX` and the like: the first digit.
    Range(u16),
}

/// How a response body is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyRead {
    /// Decoded from JSON.
    Json,
    /// Decoded from JSON when the response's `Content-Type` is JSON (or
    /// absent, or one of these media types, the concrete ones the spec gives
    /// the schema under); any other type is a decode error carrying the
    /// body. For a structured schema under a media type that does not say
    /// JSON: `*/*`, `application/*`, `application/vnd.example`.
    Negotiated(Vec<String>),
    /// Taken as text.
    Text,
    /// Taken as bytes.
    Bytes,
    /// Left unread by the runtime and handed over as its `Download<E>`, read
    /// as it arrives (a binary success body: the operation's only success
    /// type, or one variant of its success enum).
    Stream,
    /// Ignored.
    Empty,
}

/// How a list operation's pages are found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// `Link: <...>; rel="next"` response headers.
    LinkHeader,
    /// Offset and limit query parameters.
    Offset {
        /// The offset parameter's wire name (`skip`, `offset`).
        offset_param: String,
        /// The limit parameter's wire name (`count`, `limit`).
        limit_param: String,
        /// The page size when the caller sets none.
        default_limit: u64,
    },
    /// Each page's JSON body says what comes next.
    Body {
        /// The wrapper field holding the items (`data`), or `None` when the
        /// body is the list itself.
        items: Option<String>,
        /// Where the next page's input comes from.
        next: NextPage,
        /// The top-level boolean saying whether more pages follow (`has_more`).
        has_more: Option<String>,
    },
}

/// Where the next page's input comes from, for [`Paging::Body`]. Paths are
/// wire names from the body's top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// A cursor in the body, sent back as a query parameter.
    Cursor {
        /// The cursor's path in the body.
        field: Vec<String>,
        /// The query parameter taking it.
        param: String,
    },
    /// The last item's field (`id`), sent as a query parameter (`starting_after`).
    LastItem {
        /// The item's field.
        field: String,
        /// The query parameter taking it.
        param: String,
    },
    /// The next page's URL in the body.
    Url {
        /// The URL's path in the body.
        field: Vec<String>,
    },
    /// A page number counted up from `first`, until the items reach the total at `total`.
    PageNumber {
        /// The query parameter.
        param: String,
        /// The first page's number when the caller sets none.
        first: u64,
        /// The path of the total item count in the body.
        total: Option<Vec<String>>,
    },
}

impl Paging {
    /// The wrapper field holding the items, if the body is not the list itself.
    pub fn items_field(&self) -> Option<&str> {
        match self {
            Paging::Body { items, .. } => items.as_deref(),
            Paging::LinkHeader | Paging::Offset { .. } => None,
        }
    }
}
