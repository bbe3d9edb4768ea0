//! HTTP methods: the one list of the operations a path item can hold.
//!
//! `load` checks them, `lower` walks them, the IR carries one per operation
//! and `render` names the matching `reqwest::Method`. Every stage uses this
//! enum, so no stage can meet a method the others do not know.

use std::fmt;

/// A method an OpenAPI 3.0 path item can hold an operation for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `get`.
    Get,
    /// `put`.
    Put,
    /// `post`.
    Post,
    /// `delete`.
    Delete,
    /// `options`.
    Options,
    /// `head`.
    Head,
    /// `patch`.
    Patch,
    /// `trace`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order of the path item's fields in the
    /// specification (the order operations are lowered in).
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The path item's key for this method: lower case, as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// Upper case, as HTTP writes it (and as `reqwest::Method`'s constants
    /// are named): for docs and generated code.
    pub fn as_upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method a path item's key names, if it names one (keys are case-sensitive).
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|method| method.as_str() == key)
    }

    /// This method's operation in a typed path item.
    pub fn operation(self, item: &openapiv3::PathItem) -> Option<&openapiv3::Operation> {
        match self {
            HttpMethod::Get => item.get.as_ref(),
            HttpMethod::Put => item.put.as_ref(),
            HttpMethod::Post => item.post.as_ref(),
            HttpMethod::Delete => item.delete.as_ref(),
            HttpMethod::Options => item.options.as_ref(),
            HttpMethod::Head => item.head.as_ref(),
            HttpMethod::Patch => item.patch.as_ref(),
            HttpMethod::Trace => item.trace.as_ref(),
        }
    }
}

/// Upper case (`GET`), as docs show it.
impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_upper())
    }
}

#[cfg(test)]
mod tests {
    use super::HttpMethod;

    #[test]
    fn spellings_agree() {
        for method in HttpMethod::ALL {
            assert_eq!(method.as_upper().to_ascii_lowercase(), method.as_str());
            assert_eq!(HttpMethod::from_key(method.as_str()), Some(method));
            assert_eq!(method.to_string(), method.as_upper());
        }
        assert_eq!(HttpMethod::from_key("GET"), None, "path item keys are lower case");
        assert_eq!(HttpMethod::from_key("parameters"), None);
    }

    #[test]
    fn each_method_reads_its_own_field() {
        for method in HttpMethod::ALL {
            let item: openapiv3::PathItem =
                serde_json::from_value(serde_json::json!({ method.as_str(): { "responses": {} } }))
                    .unwrap_or_else(|err| panic!("{method}: {err}"));
            for other in HttpMethod::ALL {
                assert_eq!(other.operation(&item).is_some(), other == method, "{other} in a path item with {method}");
            }
        }
    }
}
