//! Character-level helpers shared by catalog validation and layout.

pub mod spans;
