//! Compiles the Thai word lists (`data/thai-words.txt`, PyThaiNLP's CC0
//! `words_th.txt`; `data/thai-words-domain.txt`; `data/thai-places.txt`) into
//! the trie that `layout::dict` reads in place, so the dictionary costs no
//! start-up time.

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
