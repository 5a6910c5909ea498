//! Catalog parse + validate, as TOML and as JSON: never a panic; a catalog
//! that loads writes itself back out and reads back to an equal catalog, and
//! every message text in it is plain text (no control or bidi character).
#![no_main]

use keymsg_core::Catalog;
use keymsg_core::catalog::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Toml, Format::Json] {
        let Ok(catalog) = Catalog::from_bytes(data, format, "fuzz") else {
            continue;
        };
        for m in catalog.messages() {
            for text in m.text.values() {
                for s in [Some(&text.long), text.short.as_ref(), text.title.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    assert!(!s.chars().any(keymsg_core::is_unsafe_char), "{s:?}");
                }
            }
        }
        let again = catalog
            .to_string_as(format)
            .and_then(|s| Catalog::from_str_as(&s, format, "again"));
        assert!(again.is_ok(), "{again:?}");
    }
});
