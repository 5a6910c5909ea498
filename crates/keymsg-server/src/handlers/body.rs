//! JSON request bodies read field by field: every refusal names its field
//! (serde's own messages do not name a field whose value has the wrong
//! type), and an unknown field is refused, as an unknown query parameter is;
//! a field given twice is refused, as a repeated query parameter is (serde
//! would keep the last one, while a log or a proxy may read the first).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::params::printable;

/// One JSON object body, its fields checked against the allowed names.
pub(crate) struct JsonBody(Map<String, Value>);

impl JsonBody {
    pub(crate) fn parse(bytes: &[u8], allowed: &[&str]) -> Result<JsonBody, ApiError> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let map: BTreeMap<String, Value> =
            serde_with::rust::maps_duplicate_key_is_error::deserialize(&mut de)
                .and_then(|map| de.end().map(|()| map))
                .map_err(|e| ApiError::field("body", format!("not a JSON object: {e}")))?;
        let map: Map<String, Value> = map.into_iter().collect();
        if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::field(
                &printable(unknown),
                format!("unknown field (expected one of: {})", allowed.join(", ")),
            ));
        }
        Ok(JsonBody(map))
    }

    /// A string field; `null` reads as absent.
    pub(crate) fn str(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::field(name, "must be a string")),
        }
    }

    pub(crate) fn required_str(&self, name: &str) -> Result<&str, ApiError> {
        self.str(name)?
            .ok_or_else(|| ApiError::field(name, "is required"))
    }

    /// A whole number field, 0 or more.
    pub(crate) fn u64(&self, name: &str) -> Result<Option<u64>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| ApiError::field(name, "must be a whole number, 0 or more")),
        }
    }

    pub(crate) fn required_u64(&self, name: &str) -> Result<u64, ApiError> {
        self.u64(name)?
            .ok_or_else(|| ApiError::field(name, "is required"))
    }

    /// An array of strings; absent reads as empty.
    pub(crate) fn strings(&self, name: &str) -> Result<Vec<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| ApiError::field(name, "must be an array of strings"))
                })
                .collect(),
            Some(_) => Err(ApiError::field(name, "must be an array of strings")),
        }
    }
}
