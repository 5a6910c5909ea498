//! Selection tokens: parse and replay any string against the embedded
//! catalog. Never a panic; a token that parses prints back as itself, and a
//! replay that succeeds returns the message the token names.
#![no_main]

use std::sync::OnceLock;

use keymsg_core::Engine;
use keymsg_core::select::Token;
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builder().build().expect("the embedded catalog loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = Token::parse(s) {
        assert_eq!(t.as_str(), s);
        let again = Token::new(t.catalog_version(), t.message_id());
        assert_eq!(again.ok().as_ref().map(Token::as_str), Some(s));
    }
    if let Ok(m) = engine().selector().replay(s) {
        assert_eq!(Token::parse(s).ok().map(|t| t.message_id().to_owned()), Some(m.id.clone()));
    }
});
