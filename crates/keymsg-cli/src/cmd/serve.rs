//! `keymsg serve`: the HTTP/JSON service (crate `keymsg-server`).

use std::net::SocketAddr;
use std::sync::Arc;

use super::common::{CountArgs, EngineArgs, load_catalog_for, trust_home};
use crate::config::Config;
use crate::exit::CliError;

/// Serve footers, pop-ups, impressions, reports and metrics over HTTP/JSON.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Endpoints: GET /v1/footer, GET /v1/popup (204 when a cap says not now),
GET /v1/replay, GET /v1/explain, POST /v1/impressions, POST /v1/records,
GET /v1/report, POST /v1/admin/reload, GET /metrics, /healthz, /readyz,
/openapi.json.

keymsg.toml: [caps] per_day, per_week, min_gap_seconds (shared through the
store by every replica); [serve] listen, max_body_bytes, header_timeout_ms,
request_timeout_ms, shutdown_timeout_ms, tls_cert, tls_key, and
[[serve.token]] name, sha256, scopes (select, count, report, metrics, admin).
Without tokens only loopback addresses can be bound.

Signals: SIGTERM/SIGINT stop accepting, finish requests in flight, flush
every count; SIGHUP reloads the catalog (a bad one is refused, the old one
stays). Logs go to stderr (KEYMSG_LOG=debug for one line per request).

Example:
  $ keymsg serve --listen 127.0.0.1:8080 --store ./store --agency PEA
  $ curl 'http://127.0.0.1:8080/v1/footer?key=INV-1&profile=receipt-58mm'")]
pub struct Args {
    #[command(flatten)]
    engine: EngineArgs,
    #[command(flatten)]
    count: CountArgs,
    /// Address to listen on (default: config `[serve] listen`, else 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Answer 503 when a footer cannot be counted (the store failed),
    /// instead of returning it with `counted: false` and `count_error`.
    #[arg(long)]
    fail_closed: bool,
    /// Count reprints (`GET /v1/replay`) like first prints (default: stored
    /// as reprints, not counted, since the first print was).
    #[arg(long)]
    count_reprints: bool,
    /// Log line format.
    #[arg(long, value_parser = ["text", "json"], default_value = "text", value_name = "text|json")]
    log_format: String,
}

/// Run `keymsg serve` until SIGTERM or SIGINT.
pub fn run(args: Args, config: &Config) -> Result<(), CliError> {
    let serve = config.serve.clone().unwrap_or_default();
    let listen = match (args.listen, serve.listen.as_deref()) {
        (Some(a), _) => a,
        (None, Some(s)) => s.parse().map_err(|_| {
            CliError::Invalid(vec![format!(
                "config [serve] listen: `{s}` is not an address such as 127.0.0.1:8080"
            )])
        })?,
        (None, None) => SocketAddr::from(([127, 0, 0, 1], 8080)),
    };
    // Load once now so a bad catalog fails here with the usual exit code.
    // Lossy output accepts a profile some message cannot fit whole (as
    // `keymsg footer --allow-lossy` does).
    let checked_profiles = if args.count.allow_lossy {
        Vec::new()
    } else {
        config.profile_def.clone()
    };
    let trust_dir = trust_home(
        args.engine.store.as_deref().or(config.store.as_deref()),
        args.engine.journal.as_deref().or(config.journal.as_deref()),
    );
    load_catalog_for(
        args.engine.catalog.as_deref(),
        &args.engine.trust,
        config,
        trust_dir.as_deref(),
        &checked_profiles,
    )?;
    let catalog_flag = args.engine.catalog.clone();
    let trust = args.engine.trust.clone();
    let config_for_loader = config.clone();
    let loader: keymsg_server::CatalogLoader = Arc::new(move || {
        load_catalog_for(
            catalog_flag.as_deref(),
            &trust,
            &config_for_loader,
            trust_dir.as_deref(),
            &checked_profiles,
        )
        .map_err(|e| e.lines().join("; "))
    });
    let durability = if args.count.durability.as_deref() == Some("power") {
        keymsg_core::store::Durability::Power
    } else {
        keymsg_core::store::Durability::Process
    };
    let settings = keymsg_server::Settings {
        listen,
        engine: keymsg_server::EngineSettings {
            store: args.engine.store.clone().or_else(|| config.store.clone()),
            journal: args
                .engine
                .journal
                .clone()
                .or_else(|| config.journal.clone()),
            agency: args.engine.agency.clone().or_else(|| config.agency.clone()),
            policy: args.engine.policy.clone().or_else(|| config.policy.clone()),
            profiles: config.profile_def.clone(),
            durability,
            count_reprints: args.count_reprints,
            key_retention_months: args.count.key_retention_months,
            fail_closed: args.fail_closed,
            allow_lossy: args.count.allow_lossy,
        },
        loader,
        caps: config.caps.unwrap_or_default(),
        serve,
        log_format: if args.log_format == "json" {
            keymsg_server::LogFormat::Json
        } else {
            keymsg_server::LogFormat::Text
        },
    };
    keymsg_server::run(settings).map_err(|e| match e {
        keymsg_server::ServeError::Config(m) => CliError::Invalid(vec![m]),
        keymsg_server::ServeError::Start(m) => CliError::Store(m),
        other => CliError::Io(other.to_string()),
    })
}
