//! # keymsg-server
//!
//! `keymsg serve`: the keymsg engine over HTTP/JSON, for back ends in any
//! language. Endpoints (see `openapi.json` beside this crate's manifest):
//!
//! - `GET /v1/footer`: select, lay out and count a receipt or invoice footer;
//! - `GET /v1/popup`: select a pop-up, `204` when a frequency cap says not now
//!   (caps are claimed in the store, so replicas sharing it never exceed them);
//! - `GET /v1/replay`: reprint the message of a stored selection token;
//! - `GET /v1/explain`: why each message was or was not eligible;
//! - `POST /v1/impressions`: count pop-ups the app displayed (idempotent);
//! - `POST /v1/records`: hand counts for the form's other channels;
//! - `POST /v1/width`, `/v1/wrap`, `/v1/truncate`: Thai-aware layout of any text;
//! - `GET /v1/report`: the monthly form (JSON, CSV, XLSX, Markdown);
//! - `GET /metrics`, `/healthz`, `/readyz`, `/openapi.json`;
//! - `POST /v1/admin/reload`: reload the catalog (also on SIGHUP).
//!
//! The engine is the core's, unchanged; this crate adds the transport,
//! authentication, limits and the shutdown that keeps every acknowledged
//! count.

mod auth;
mod config;
mod counter;
mod error;
mod handlers;
mod metrics;
mod net;
mod params;
mod reload;
mod state;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use keymsg_core::store::{CapLedger, open_cap_ledger};

pub use config::{CapsConfig, Scope, ServeConfig, TokenConfig};
pub use handlers::{MAX_IMPRESSIONS, OPENAPI};
pub use state::{CatalogLoader, EngineSettings};

use crate::error::ApiError;
use crate::state::{AppState, Engines};

/// Every route: (method, path). `/openapi.json` documents exactly these
/// (a test holds them together).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/footer"),
    ("get", "/v1/popup"),
    ("get", "/v1/replay"),
    ("get", "/v1/explain"),
    ("post", "/v1/impressions"),
    ("post", "/v1/records"),
    ("post", "/v1/width"),
    ("post", "/v1/wrap"),
    ("post", "/v1/truncate"),
    ("get", "/v1/report"),
    ("post", "/v1/admin/reload"),
    ("get", "/metrics"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/openapi.json"),
];

/// Longest a shutdown waits for the journal to ship to a fleet store.
const SHIP_WAIT: Duration = Duration::from_secs(5);

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything `keymsg serve` needs, resolved from flags and `keymsg.toml`.
pub struct Settings {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// How engines are built (store, agency, policy, profiles).
    pub engine: EngineSettings,
    /// Loads the catalog, at start and on each reload.
    pub loader: CatalogLoader,
    /// Pop-up caps.
    pub caps: CapsConfig,
    /// The `[serve]` section.
    pub serve: ServeConfig,
    /// Log format.
    pub log_format: LogFormat,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("engine", &self.engine)
            .field("caps", &self.caps)
            .finish_non_exhaustive()
    }
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A setting is wrong (the message names it).
    #[error("{0}")]
    Config(String),
    /// The catalog or the store could not be loaded at start.
    #[error("{0}")]
    Start(String),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Install the `tracing` subscriber (level from `KEYMSG_LOG` or `RUST_LOG`,
/// default `info`). Call once; later calls do nothing.
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KEYMSG_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// Build the shared state: load the catalog, open the store and the cap
/// ledger, parse the tokens.
fn state(settings: &Settings) -> Result<AppState, ServeError> {
    let tokens = AppState::token_table(&settings.serve.token).map_err(ServeError::Config)?;
    if tokens.is_empty() && !settings.listen.ip().is_loopback() {
        return Err(ServeError::Config(format!(
            "refusing to listen on {} without authentication: list bearer tokens in [[serve.token]] of keymsg.toml, or listen on 127.0.0.1",
            settings.listen
        )));
    }
    let catalog = (settings.loader)().map_err(ServeError::Start)?;
    let engines = Engines::build(catalog, &settings.engine).map_err(ServeError::Start)?;
    let ledger: Option<Arc<dyn CapLedger>> = match (&settings.engine.store, settings.caps.any()) {
        // A directory's ledger file, or the PostgreSQL fleet store's table
        // (shared by replicas on every host).
        (Some(store), true) => Some(Arc::from(
            open_cap_ledger(store, Duration::from_secs(5))
                .map_err(|e| ServeError::Start(e.to_string()))?,
        )),
        (None, true) => Some(Arc::new(keymsg_core::store::MemoryCapLedger::new())),
        (_, false) => None,
    };
    Ok(AppState {
        engines: RwLock::new(Arc::new(engines)),
        loader: Arc::clone(&settings.loader),
        settings: settings.engine.clone(),
        caps: settings.caps.to_caps(),
        ledger,
        tokens,
        max_body_bytes: settings.serve.max_body_bytes.unwrap_or(1 << 20),
        reload: Mutex::new(state::ReloadStatus::default()),
        reload_lock: tokio::sync::Mutex::new(()),
        reloads_ok: AtomicU64::new(0),
        reloads_failed: AtomicU64::new(0),
        capped: AtomicU64::new(0),
        shutting_down: AtomicBool::new(false),
        counter: counter::Counter::start().map_err(ServeError::Start)?,
    })
}

/// The routes, (method, path, handler): the router is built from this
/// table, and a test holds it, [`ROUTES`] and `openapi.json` together.
fn table() -> Vec<(&'static str, &'static str, MethodRouter<Arc<AppState>>)> {
    vec![
        ("get", "/v1/footer", get(handlers::footer)),
        ("get", "/v1/popup", get(handlers::popup)),
        ("get", "/v1/replay", get(handlers::replay)),
        ("get", "/v1/explain", get(handlers::explain)),
        ("post", "/v1/impressions", post(handlers::impressions)),
        ("post", "/v1/records", post(handlers::records)),
        ("post", "/v1/width", post(handlers::width)),
        ("post", "/v1/wrap", post(handlers::wrap)),
        ("post", "/v1/truncate", post(handlers::truncate)),
        ("get", "/v1/report", get(handlers::report)),
        ("post", "/v1/admin/reload", post(handlers::reload)),
        ("get", "/metrics", get(handlers::metrics)),
        ("get", "/healthz", get(handlers::healthz)),
        ("get", "/readyz", get(handlers::readyz)),
        ("get", "/openapi.json", get(handlers::openapi)),
    ]
}

/// The router over a state.
fn router(st: Arc<AppState>, request_timeout: Duration) -> Router {
    // Only requests with a body can be slow after their head (which
    // hyper's header timeout bounds): they get the request deadline.
    let deadline = move |req, next| deadline(request_timeout, req, next);
    let mut app = Router::new();
    for (method, path, route) in table() {
        let route = if method == "post" {
            route.layer(middleware::from_fn(deadline))
        } else {
            route
        };
        app = app.route(path, route);
    }
    let mut app = app
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed);
    // Without tokens the service listens on loopback only and checks nothing.
    if !st.tokens.is_empty() {
        app = app.layer(middleware::from_fn_with_state(Arc::clone(&st), auth::check));
    }
    // One log line per request only when asked (KEYMSG_LOG=debug): the
    // hot path does not pay for it otherwise.
    if tracing::enabled!(tracing::Level::DEBUG) {
        app = app.layer(middleware::from_fn(log_request));
    }
    app.layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .with_state(st)
}

/// A request that takes longer than the deadline (a client trickling its
/// body) is answered 408 and its task freed.
async fn deadline(limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!("the request took longer than {} ms", limit.as_millis()),
        )
        .into_response(),
    }
}

async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    tracing::debug!(%method, path, status = res.status().as_u16(), micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX), "request");
    res
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error (logged)",
    )
    .into_response()
}

/// Run the service until SIGTERM or SIGINT; SIGHUP reloads the catalog.
/// On shutdown: stop accepting, finish requests in flight, make every
/// acknowledged count durable, then return.
pub fn run(settings: Settings) -> Result<(), ServeError> {
    init_logging(settings.log_format);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("keymsg-serve")
        .build()
        .map_err(|e| ServeError::Start(format!("cannot start the runtime: {e}")))?;
    let result = rt.block_on(run_async(settings));
    // Blocking tasks still committing finish before the runtime is gone.
    rt.shutdown_timeout(Duration::from_secs(30));
    result
}

async fn run_async(settings: Settings) -> Result<(), ServeError> {
    let st = Arc::new(state(&settings)?);
    let tls = match (&settings.serve.tls_cert, &settings.serve.tls_key) {
        (Some(c), Some(k)) => Some(net::tls_acceptor(c, k).map_err(ServeError::Config)?),
        (None, None) => None,
        _ => {
            return Err(ServeError::Config(
                "[serve] needs both tls_cert and tls_key for HTTPS".into(),
            ));
        }
    };
    let ms = |v: Option<u64>, d: u64| Duration::from_millis(v.unwrap_or(d).max(1));
    let limits = net::NetLimits {
        header_timeout: ms(settings.serve.header_timeout_ms, 10_000),
        max_header_bytes: settings.serve.max_header_bytes.unwrap_or(16 * 1024),
        shutdown_timeout: ms(settings.serve.shutdown_timeout_ms, 10_000),
    };
    let app = router(
        Arc::clone(&st),
        ms(settings.serve.request_timeout_ms, 30_000),
    );
    let sigs = Signals::install()?;
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: settings.listen,
            source,
        })?;
    let local = listener.local_addr().unwrap_or(settings.listen);
    tracing::info!(
        addr = %local,
        tls = tls.is_some(),
        auth = !st.tokens.is_empty(),
        store = settings
            .engine
            .store
            .as_ref()
            .map(|s| keymsg_core::store::shown_location(&s.to_string_lossy())),
        catalog_version = st.engines().select.catalog().version(),
        "keymsg serve listening"
    );
    let st_sig = Arc::clone(&st);
    let shutdown = async move {
        sigs.wait(&st_sig).await;
        st_sig.shutting_down.store(true, Ordering::Relaxed);
    };
    let drained = net::serve(listener, app, tls, limits, shutdown).await;
    // Counts are committed before each answer; closing the counter waits
    // for a commit still running (its request timed out or was dropped),
    // and the flush is the store's own barrier.
    st.counter.close();
    let engines = st.engines();
    // Off the async workers: a fleet store's status asks PostgreSQL with a
    // blocking client.
    let shipped = tokio::task::spawn_blocking(move || ship_at_shutdown(&engines)).await;
    if shipped.is_err() {
        tracing::error!("shipping at shutdown stopped unexpectedly");
    }
    tracing::info!(drained, "keymsg serve stopped");
    Ok(())
}

/// Make every count durable and, for a fleet store, ship what is pending for
/// a bounded time, saying what is left in the journal.
fn ship_at_shutdown(engines: &Engines) {
    if let Some(store) = engines.count.as_ref().and_then(|e| e.store()) {
        // A fleet store: ship what is pending for a bounded time; what is
        // left waits, acknowledged, in the journal.
        if let Err(err) = store.flush_within(SHIP_WAIT) {
            tracing::error!(error = %err, "flushing the store at shutdown failed");
        }
        if let Ok(Some(f)) = store.fleet_status() {
            if f.pending_rows > 0 {
                tracing::warn!(
                    pending_rows = f.pending_rows,
                    error = f.ship_error.as_deref().unwrap_or(""),
                    "journal rows not shipped at shutdown; they stay in the journal for the next process or `keymsg ship`"
                );
            } else {
                tracing::info!("everything acknowledged is shipped to the fleet store");
            }
        }
    }
}

/// The signals the service handles, installed before it accepts anything
/// (a SIGHUP arriving earlier would otherwise kill the process).
struct Signals {
    #[cfg(unix)]
    streams: (
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
        tokio::signal::unix::Signal,
    ),
}

impl Signals {
    fn install() -> Result<Signals, ServeError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let err = |e: std::io::Error| ServeError::Start(format!("cannot handle signals: {e}"));
            Ok(Signals {
                streams: (
                    signal(SignalKind::terminate()).map_err(err)?,
                    signal(SignalKind::interrupt()).map_err(err)?,
                    signal(SignalKind::hangup()).map_err(err)?,
                ),
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Wait for SIGTERM or SIGINT; reload the catalog on each SIGHUP meanwhile.
    async fn wait(mut self, st: &Arc<AppState>) {
        #[cfg(unix)]
        {
            let (term, int, hup) = &mut self.streams;
            loop {
                tokio::select! {
                    _ = term.recv() => { tracing::info!("SIGTERM: shutting down"); return; }
                    _ = int.recv() => { tracing::info!("SIGINT: shutting down"); return; }
                    _ = hup.recv() => {
                        tracing::info!("SIGHUP: reloading the catalog");
                        let _ = reload::reload(st).await;
                    }
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = st;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_lists_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().unwrap().get(..3), Some("3.1"));
        let paths = doc["paths"].as_object().unwrap();
        let mut documented = Vec::new();
        for (path, item) in paths {
            for method in item.as_object().unwrap().keys() {
                if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    documented.push((method.clone(), path.clone()));
                }
            }
        }
        documented.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes);
        // The router is built from `table()`: the same routes.
        let mut routed: Vec<(String, String)> = table()
            .into_iter()
            .map(|(m, p, _)| (m.to_owned(), p.to_owned()))
            .collect();
        routed.sort();
        assert_eq!(routed, routes);
    }

    #[test]
    fn openapi_documents_exactly_the_query_parameters_read() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        for (method, path) in ROUTES {
            let documented: Vec<&str> = doc["paths"][path][method]["parameters"]
                .as_array()
                .map(|ps| ps.iter().map(|p| p["name"].as_str().unwrap()).collect())
                .unwrap_or_default();
            let read = handlers::QUERY_PARAMS
                .iter()
                .find(|(p, _)| p == path)
                .map(|(_, names)| names.to_vec())
                .unwrap_or_default();
            assert_eq!(documented, read, "{method} {path}");
        }
        for (path, fields) in handlers::BODY_FIELDS {
            let mut schema =
                &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"];
            if let Some(name) = schema["$ref"].as_str() {
                let name = name.trim_start_matches("#/components/schemas/");
                schema = &doc["components"]["schemas"][name];
            }
            assert_eq!(schema["additionalProperties"], false, "{path}");
            let mut documented: Vec<&str> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let mut read = fields.to_vec();
            documented.sort_unstable();
            read.sort_unstable();
            assert_eq!(documented, read, "POST {path}");
        }
    }
}
