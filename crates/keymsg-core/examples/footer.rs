//! Print a receipt footer for a document key at 32, 42 and 48 columns.
//!
//! `cargo run -p keymsg-core --example footer -- INV-2026-000123`

use keymsg_core::{Engine, FooterRequest};

fn main() -> Result<(), keymsg_core::Error> {
    let key = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "INV-2026-000123".to_owned());
    let engine = Engine::builder().build()?;
    for profile in ["receipt-58mm", "receipt-80mm-42", "receipt-80mm"] {
        let footer =
            engine.footer(&FooterRequest::new().key(key.as_str()).profile_name(profile))?;
        println!("[{profile}] {} ({})", footer.message_id, footer.fit.variant);
        for line in &footer.lines {
            println!("|{line}");
        }
        println!();
    }
    Ok(())
}
