//! The committed `include/keymsg.h` must equal what cbindgen generates from
//! the current source (build.rs writes it to OUT_DIR).

use std::path::PathBuf;

#[test]
fn header_is_current() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/keymsg.h"));
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../include/keymsg.h");
    if std::env::var_os("KEYMSG_BLESS").is_some() {
        std::fs::write(&committed_path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/keymsg.h is stale (or missing): it differs from what cbindgen generates \
         from crates/keymsg-ffi.\nRegenerate it with:\n\n    \
         KEYMSG_BLESS=1 cargo test -p keymsg-ffi --test header\n\nand commit the result."
    );
}

#[test]
fn header_lists_every_status_code_with_its_number() {
    let header = include_str!(concat!(env!("OUT_DIR"), "/keymsg.h"));
    for &s in keymsg::keymsg_status::ALL {
        let line = format!("{} = {},", s.name().to_str().unwrap(), s as u32);
        assert!(header.contains(&line), "header lacks `{line}`");
    }
}
