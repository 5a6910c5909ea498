//! Compiles the Thai word lists (`data/thai-words.txt`, PyThaiNLP's CC0
//! `words_th.txt`; `data/thai-words-domain.txt`; `data/thai-places.txt`) into
//! the trie that `layout::dict` reads in place, so the dictionary costs no
//! start-up time; and the embedded catalog (`data/default-catalog.toml`)
//! into JSON, which a start parses about four times faster than TOML.

include!("src/layout/dict/trie_build.rs");

fn main() {
    // The repository's README is doctested from a checkout only: a published
    // crate has no such file above it.
    println!("cargo::rustc-check-cfg=cfg(keymsg_repo_readme)");
    let manifest =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let repo = manifest.join("../..");
    if repo.join("crates/keymsg-core/build.rs").is_file() && repo.join("README.md").is_file() {
        // Only the file's presence matters here: no rerun-if-changed on it, so
        // editing the README does not rebuild the library.
        println!("cargo::rustc-cfg=keymsg_repo_readme");
    }

    embedded_catalog_as_json();

    // PyThaiNLP's general list, the domain vocabulary and the place names.
    let sources = [
        "data/thai-words.txt",
        "data/thai-words-domain.txt",
        "data/thai-places.txt",
    ];
    let mut words = String::new();
    for src in sources {
        println!("cargo::rerun-if-changed={src}");
        match std::fs::read_to_string(src) {
            Ok(w) => {
                words.push_str(&w);
                words.push('\n');
            }
            Err(e) => {
                println!("cargo::error=cannot read {src}: {e}");
                return;
            }
        }
    }
    println!("cargo::rerun-if-changed=src/layout/dict/trie_build.rs");
    let trie = build_trie(words.lines());
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    match out.map(|d| std::fs::write(d.join("thai-words.trie"), &trie)) {
        Some(Ok(())) => {}
        Some(Err(e)) => println!("cargo::error=cannot write the Thai word trie: {e}"),
        None => println!("cargo::error=OUT_DIR is not set"),
    }
}

/// `data/default-catalog.toml` as JSON in `OUT_DIR/default-catalog.json`
/// (`catalog::default` parses it; its test checks that it loads to the same
/// catalog as the TOML).
fn embedded_catalog_as_json() {
    const SRC: &str = "data/default-catalog.toml";
    println!("cargo::rerun-if-changed={SRC}");
    let json = std::fs::read_to_string(SRC)
        .map_err(|e| format!("cannot read {SRC}: {e}"))
        .and_then(|text| {
            toml::from_str::<toml::Value>(&text).map_err(|e| format!("{SRC} is not TOML: {e}"))
        })
        .and_then(|value| serde_json::to_string(&value).map_err(|e| format!("{SRC} as JSON: {e}")))
        .and_then(|json| {
            // A TOML date or time has no JSON form the catalog reads.
            if json.contains("$__toml_private_datetime") {
                Err(format!("{SRC}: a TOML date or time; write it as a string"))
            } else {
                Ok(json)
            }
        });
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    match (json, out) {
        (Ok(json), Some(dir)) => {
            if let Err(e) = std::fs::write(dir.join("default-catalog.json"), json) {
                println!("cargo::error=cannot write the embedded catalog as JSON: {e}");
            }
        }
        (Err(e), _) => println!("cargo::error={e}"),
        (_, None) => println!("cargo::error=OUT_DIR is not set"),
    }
}
