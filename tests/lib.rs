//! Workspace-level test package; the tests live in `tests.rs` and its modules.
