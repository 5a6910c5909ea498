//! Sets the shared library's SONAME (`libkeymsg.so.N`) and generates the C
//! header from this crate's source with the pinned cbindgen into
//! `$OUT_DIR/keymsg.h`. The committed copy is `include/keymsg.h`; the
//! `header_is_current` test compares the two (regenerate with
//! `KEYMSG_BLESS=1 cargo test -p keymsg-ffi --test header`).

use std::path::PathBuf;

/// Major version of the C ABI, the `N` of the shared library's SONAME
/// `libkeymsg.so.N`. Bump it, independently of the crate version, when a
/// change breaks programs linked against the previous library (a removed or
/// changed function, struct layout or status number).
const ABI_MAJOR: u32 = 0;

fn main() {
    // ELF platforms: programs linked against libkeymsg.so record
    // `libkeymsg.so.N` and keep working when a compatible library replaces it.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libkeymsg.so.{ABI_MAJOR}");
    }

    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let config = match cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => {
            println!("cargo:warning=cbindgen.toml: {e}");
            std::process::exit(1);
        }
    };
    // Parsing the sources directly (not `with_crate`) keeps cargo out of the
    // build script: `cargo metadata` would need the registry, and fails in a
    // packaged crate whose keymsg-core is not published yet.
    match cbindgen::Builder::new()
        .with_src(crate_dir.join("src/lib.rs"))
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(out_dir.join("keymsg.h"));
        }
        Err(e) => {
            println!("cargo:warning=cbindgen failed to generate keymsg.h: {e}");
            std::process::exit(1);
        }
    }
}
