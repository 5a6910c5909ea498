//! The committed `include/keymsg.h` and `include/keymsg_ffi.h` (for PHP's
//! FFI) must equal what cbindgen generates from the current source (build.rs
//! writes both to OUT_DIR).

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
fn php_header_is_current_and_has_no_preprocessor_lines() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/keymsg_ffi.h"));
    let committed_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../include/keymsg_ffi.h");
    if std::env::var_os("KEYMSG_BLESS").is_some() {
        std::fs::write(&committed_path, generated).unwrap();
    } else {
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == generated,
            "include/keymsg_ffi.h is stale (or missing): regenerate it with\n\n    \
             KEYMSG_BLESS=1 cargo test -p keymsg-ffi --test header\n"
        );
    }
    // PHP reads FFI_SCOPE and FFI_LIB from the first lines only, and its C
    // parser takes no other preprocessor line.
    let mut lines = generated.lines();
    assert_eq!(lines.next(), Some("#define FFI_SCOPE \"keymsg\""));
    assert_eq!(lines.next(), Some("#define FFI_LIB \"libkeymsg.so\""));
    for l in lines {
        assert!(!l.trim_start().starts_with('#'), "preprocessor line `{l}`");
    }
    // The same functions as the C header.
    let c = include_str!(concat!(env!("OUT_DIR"), "/keymsg.h"));
    let functions = |h: &str| -> Vec<String> {
        h.lines()
            .filter(|l| !l.starts_with([' ', '/']) && l.contains(" keymsg_") && l.contains('('))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(functions(c), functions(generated));
}

#[test]
fn header_lists_every_status_code_with_its_number() {
    let header = include_str!(concat!(env!("OUT_DIR"), "/keymsg.h"));
    for &s in keymsg::keymsg_status::ALL {
        let line = format!("{} = {},", s.name().to_str().unwrap(), s as u32);
        assert!(header.contains(&line), "header lacks `{line}`");
    }
}
