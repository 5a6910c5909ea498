//! Unit tests of the SQLite backend.

use super::*;

#[test]
fn writer_ids_are_checked() {
    assert!(valid_writer_id("host-1_a"));
    for bad in ["", "a/b", "..", "x y", "ไทย"] {
        assert!(!valid_writer_id(bad), "{bad}");
    }
}
