//! Workspace-level integration tests, one module per area.
