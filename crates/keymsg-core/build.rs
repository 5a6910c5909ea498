//! Compiles the Thai word list (`data/thai-words.txt`, PyThaiNLP's CC0
//! `words_th.txt`) into the trie that `layout::dict` reads in place, so the
//! dictionary costs no start-up time.

include!("src/layout/dict/trie_build.rs");

fn main() {
    let src = "data/thai-words.txt";
    println!("cargo::rerun-if-changed={src}");
    println!("cargo::rerun-if-changed=src/layout/dict/trie_build.rs");
    let words = match std::fs::read_to_string(src) {
        Ok(w) => w,
        Err(e) => {
            println!("cargo::error=cannot read {src}: {e}");
            return;
        }
    };
    let trie = build_trie(words.lines());
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    match out.map(|d| std::fs::write(d.join("thai-words.trie"), &trie)) {
        Some(Ok(())) => {}
        Some(Err(e)) => println!("cargo::error=cannot write the Thai word trie: {e}"),
        None => println!("cargo::error=OUT_DIR is not set"),
    }
}
