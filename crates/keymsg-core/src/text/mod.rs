//! Character-level helpers shared by catalog validation and layout.

pub(crate) mod spans;
mod spans_keys;
