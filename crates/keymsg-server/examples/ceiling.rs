//! The benchmark's ceiling: a bare axum server on the same runtime that
//! answers constant JSON bodies, as large as the real answers, with no
//! work at all. `scripts/bench-serve.sh` compares `keymsg serve` with it.
//!
//! Usage: ceiling ADDR NAME=BYTES...   (serves GET or POST /NAME with a JSON body of BYTES)

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::routing::any;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let addr: SocketAddr = args
        .next()
        .ok_or("usage: ceiling ADDR NAME=BYTES...")?
        .parse()?;
    let mut app = Router::new();
    for spec in args {
        let (name, bytes) = spec.split_once('=').ok_or("NAME=BYTES")?;
        let n: usize = bytes.parse()?;
        // {"x":"aaaa..."} padded to exactly n bytes.
        let body = format!("{{\"x\":\"{}\"}}", "a".repeat(n.saturating_sub(8)));
        let body: &'static str = Box::leak(body.into_boxed_str());
        app = app.route(
            &format!("/{name}"),
            any(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
        );
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            axum::serve(listener, app).await
        })?;
    Ok(())
}
