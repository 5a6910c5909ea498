//! Character-level helpers shared by catalog validation and layout.

pub(crate) mod nfc;
pub(crate) mod spans;
pub(crate) mod spans_contacts;
mod spans_keys;
