//! Generates the C header from this crate's source with the pinned cbindgen
//! into `$OUT_DIR/keymsg.h`. The committed copy is `include/keymsg.h`; the
//! `header_is_current` test compares the two (regenerate with
//! `KEYMSG_BLESS=1 cargo test -p keymsg-ffi --test header`).

use std::path::PathBuf;

fn main() {
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
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
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
