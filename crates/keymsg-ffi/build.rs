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
    // The C header, and the same declarations for PHP's FFI::load, whose C
    // parser takes no `#include`, `#if` or include guard, only the
    // `FFI_SCOPE` / `FFI_LIB` defines.
    let mut php = config.clone();
    php.cpp_compat = false;
    php.include_guard = None;
    php.sys_includes = Vec::new();
    php.no_includes = true;
    php.header = Some(PHP_HEADER.to_owned());
    php.autogen_warning = config
        .autogen_warning
        .as_ref()
        .map(|w| w.replace("include/keymsg.h", "include/keymsg_ffi.h"));
    for (cfg, name) in [(config, "keymsg.h"), (php, "keymsg_ffi.h")] {
        // Parsing the sources directly (not `with_crate`) keeps cargo out of
        // the build script: `cargo metadata` would need the registry, and
        // fails in a packaged crate whose keymsg-core is not published yet.
        let bindings = match cbindgen::Builder::new()
            .with_src(crate_dir.join("src/lib.rs"))
            .with_config(cfg)
            .generate()
        {
            Ok(b) => b,
            Err(e) => {
                println!("cargo:warning=cbindgen failed to generate {name}: {e}");
                std::process::exit(1);
            }
        };
        if name == "keymsg.h" {
            bindings.write_to_file(out_dir.join(name));
            continue;
        }
        let mut text = Vec::new();
        bindings.write(&mut text);
        match without_c23_blocks(&String::from_utf8_lossy(&text)) {
            Ok(php_text) => {
                if let Err(e) = std::fs::write(out_dir.join(name), php_text) {
                    println!("cargo:warning=cannot write {name}: {e}");
                    std::process::exit(1);
                }
            }
            Err(line) => {
                println!("cargo:warning={name}: unexpected preprocessor line `{line}`");
                std::process::exit(1);
            }
        }
    }
}

/// The header with cbindgen's C23 blocks resolved to their pre-C23 branch
/// (the typed enum base and `typedef enum` are C23; PHP parses C99), or the
/// first preprocessor line other than those blocks and the FFI defines.
fn without_c23_blocks(text: &str) -> Result<String, String> {
    const C23: &str = "#if __STDC_VERSION__ >= 202311L";
    #[derive(PartialEq)]
    enum In {
        Text,
        C23Branch,
        OlderBranch,
    }
    let mut state = In::Text;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let directive = line.trim_start().starts_with('#');
        match (&state, directive) {
            (In::Text, true) if line == C23 => state = In::C23Branch,
            (In::Text, true) if line.starts_with("#define FFI_") => {}
            (In::C23Branch, true) if line == "#else" => {
                state = In::OlderBranch;
                continue;
            }
            (In::C23Branch | In::OlderBranch, true) if line.starts_with("#endif") => {
                state = In::Text;
                continue;
            }
            (_, true) => return Err(line.to_owned()),
            (In::C23Branch, false) => continue,
            _ => {}
        }
        if state == In::C23Branch {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// The top of `include/keymsg_ffi.h`. PHP reads `FFI_SCOPE` and `FFI_LIB`
/// only from the first lines of the file, before anything else.
const PHP_HEADER: &str = "#define FFI_SCOPE \"keymsg\"
#define FFI_LIB \"libkeymsg.so\"
/*
 * keymsg C API declarations for PHP's FFI (FFI::load / FFI::scope): the same
 * functions and types as include/keymsg.h, without preprocessor lines other
 * than the FFI_SCOPE and FFI_LIB defines above. C programs include keymsg.h.
 *
 *   $ffi = FFI::load('/usr/include/keymsg_ffi.h');
 *
 * FFI_LIB names the shared library as the dynamic loader finds it (ldconfig,
 * LD_LIBRARY_PATH); for another location use FFI::cdef() with this file's
 * declarations and the library's path (see examples/php).
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */";
