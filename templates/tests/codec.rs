//! Serde helpers used by generated models.

use runtime_template::runtime::{deserialize_nullable, Base64, ParamValue};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Model {
    data: Base64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "deserialize_nullable")]
    note: Option<Option<String>>,
}

#[test]
fn base64_round_trip_and_lenient_decoding() {
    let m: Model = serde_json::from_value(json!({"data": "aGVsbG8/Pz4+"})).unwrap();
    assert_eq!(m.data.as_bytes(), b"hello??>>");
    assert_eq!(serde_json::to_value(&m).unwrap(), json!({"data": "aGVsbG8/Pz4+"}));
    // URL-safe alphabet, no padding, line breaks.
    assert_eq!(Base64::decode("aGVsbG8_Pz4-").unwrap().as_bytes(), b"hello??>>");
    assert_eq!(Base64::decode("aGk").unwrap().as_bytes(), b"hi");
    assert_eq!(Base64::decode("aG\r\nk=").unwrap().as_bytes(), b"hi");
    assert!(serde_json::from_value::<Model>(json!({"data": "***"})).is_err());
    assert_eq!(Base64::from(b"hi".to_vec()).to_param(), "aGk=");
    assert!(!format!("{:?}", Base64::from(b"secret-value".to_vec())).contains("secret"));
}

#[test]
fn nullable_optional_fields_distinguish_absent_and_null() {
    let absent: Model = serde_json::from_value(json!({"data": ""})).unwrap();
    assert_eq!(absent.note, None);
    let null: Model = serde_json::from_value(json!({"data": "", "note": null})).unwrap();
    assert_eq!(null.note, Some(None));
    let value: Model = serde_json::from_value(json!({"data": "", "note": "x"})).unwrap();
    assert_eq!(value.note, Some(Some("x".to_owned())));
    assert_eq!(serde_json::to_value(&null).unwrap(), json!({"data": "", "note": null}));
}
