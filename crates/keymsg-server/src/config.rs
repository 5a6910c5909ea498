//! The `[serve]` and `[caps]` sections of `keymsg.toml`.
//!
//! ```toml
//! [caps]                      # pop-up caps per subject, shared through the store
//! per_day = 2
//! per_week = 5
//! min_gap_seconds = 3600
//!
//! [serve]
//! listen = "0.0.0.0:8080"     # needs tokens: without them only loopback is allowed
//! max_body_bytes = 1048576
//! header_timeout_ms = 10000   # a client must send its headers (and, idle, its next request) in time
//! request_timeout_ms = 30000  # reading the body and answering
//! tls_cert = "/etc/keymsg/cert.pem"
//! tls_key = "/etc/keymsg/key.pem"
//!
//! [[serve.token]]
//! name = "billing"            # for the log only
//! sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//! scopes = ["select", "count"]
//! ```

use std::path::PathBuf;

use serde::Deserialize;

/// Pop-up caps per subject (`[caps]`). Every field is optional.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapsConfig {
    /// At most this many pop-ups per subject per Bangkok calendar day.
    pub per_day: Option<u32>,
    /// At most this many per Bangkok week (Monday to Sunday).
    pub per_week: Option<u32>,
    /// At least this many seconds between two pop-ups for a subject.
    pub min_gap_seconds: Option<u32>,
}

impl CapsConfig {
    /// The core's caps.
    pub fn to_caps(self) -> keymsg_core::select::Caps {
        keymsg_core::select::Caps {
            per_day: self.per_day,
            per_week: self.per_week,
            min_gap: self
                .min_gap_seconds
                .map(|s| time::Duration::seconds(i64::from(s))),
        }
    }

    /// Whether any cap is set.
    pub fn any(self) -> bool {
        self.per_day.is_some() || self.per_week.is_some() || self.min_gap_seconds.is_some()
    }
}

/// What a bearer token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// `GET /v1/footer` and `/v1/popup` (a counted footer also needs `count`).
    Select,
    /// `POST /v1/impressions` and counted footers.
    Count,
    /// `GET /v1/report`.
    Report,
    /// `GET /metrics`.
    Metrics,
    /// `POST /v1/admin/reload`.
    Admin,
}

impl Scope {
    /// The scope's name in the config and in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Select => "select",
            Scope::Count => "count",
            Scope::Report => "report",
            Scope::Metrics => "metrics",
            Scope::Admin => "admin",
        }
    }
}

/// One bearer token: only its SHA-256 is kept in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// A name for the log (never the token).
    pub name: String,
    /// The token's SHA-256, 64 hex digits (`printf %s TOKEN | sha256sum`).
    pub sha256: String,
    /// What the token may do.
    pub scopes: Vec<Scope>,
}

/// The `[serve]` section. Every field is optional.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeConfig {
    /// Address to listen on when `--listen` is not given.
    pub listen: Option<String>,
    /// Largest request body, in bytes (default 1 MiB).
    pub max_body_bytes: Option<usize>,
    /// Largest request head (request line and headers), in bytes (default 16 KiB).
    pub max_header_bytes: Option<usize>,
    /// Milliseconds a connection may take to send a request's headers,
    /// and may stay idle between requests (default 10,000).
    pub header_timeout_ms: Option<u64>,
    /// Milliseconds to read a body and answer (default 30,000).
    pub request_timeout_ms: Option<u64>,
    /// Milliseconds in-flight requests get to finish at shutdown (default 10,000).
    pub shutdown_timeout_ms: Option<u64>,
    /// PEM certificate chain: serve HTTPS (with `tls_key`).
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Bearer tokens; without any, only loopback addresses may be bound.
    #[serde(default)]
    pub token: Vec<TokenConfig>,
}

impl ServeConfig {
    /// Resolve relative paths against the config file's directory.
    pub fn resolve_paths(&mut self, base: &std::path::Path) {
        for p in [&mut self.tls_cert, &mut self.tls_key]
            .into_iter()
            .flatten()
        {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}
