//! What every request shares: the engines (swapped whole on a catalog
//! reload), the cap ledger, the tokens and the service's own counters.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use keymsg_core::layout::Profile;
use keymsg_core::select::Caps;
use keymsg_core::store::{CapLedger, Durability};
use keymsg_core::{Catalog, Engine};

use crate::config::{Scope, TokenConfig};

/// Loads the catalog (at start and on every reload): the CLI passes its
/// own loader, so a reload applies the same file and trust rules as start-up.
pub type CatalogLoader = Arc<dyn Fn() -> Result<Catalog, String> + Send + Sync>;

/// SHA-256 of a token → its name and scopes.
pub(crate) type TokenTable = HashMap<[u8; 32], (String, Vec<Scope>)>;

/// How engines are built from a catalog.
#[derive(Debug, Clone, Default)]
pub struct EngineSettings {
    /// Store directory or `postgres://` URL; `None`: nothing is counted.
    pub store: Option<PathBuf>,
    /// This host's journal directory, for a `postgres://` store (`None`:
    /// `$KEYMSG_JOURNAL`).
    pub journal: Option<PathBuf>,
    /// Agency counts are recorded for.
    pub agency: Option<String>,
    /// Selection policy override.
    pub policy: Option<String>,
    /// Extra layout profiles.
    pub profiles: Vec<Profile>,
    /// What an acknowledged count survives.
    pub durability: Durability,
    /// Count a reprint (`GET /v1/replay`) like a first print (default: it
    /// is stored as a reprint, not counted).
    pub count_reprints: bool,
    /// Months the store keeps idempotency keys (`None`: the default, 13;
    /// `Some(0)`: forever).
    pub key_retention_months: Option<u32>,
    /// Refuse a footer that cannot be counted (503) instead of returning it
    /// uncounted with the reason (the default: fail open).
    pub fail_closed: bool,
    /// Return a message cut before every hotline and link
    /// (`fit.truncated_core`), uncounted, instead of refusing it.
    pub allow_lossy: bool,
}

/// The engines of one catalog: `select` never counts (pop-ups, footers
/// with `count=false`); `count` counts into the store.
#[derive(Debug)]
pub(crate) struct Engines {
    pub(crate) select: Engine,
    pub(crate) count: Option<Engine>,
}

impl Engines {
    pub(crate) fn build(catalog: Catalog, s: &EngineSettings) -> Result<Engines, String> {
        let builder = |with_store: bool| {
            let mut b = Engine::builder()
                .catalog(catalog.clone())
                .durability(s.durability)
                .count_reprints(s.count_reprints)
                .fail_closed(s.fail_closed)
                .allow_lossy(s.allow_lossy);
            if let Some(m) = s.key_retention_months {
                b = b.key_retention_months((m > 0).then_some(m));
            }
            if let Some(a) = &s.agency {
                b = b.agency(a.as_str());
            }
            if let Some(p) = &s.policy {
                b = b.policy(p.as_str());
            }
            for p in &s.profiles {
                b = b.profile(p.clone());
            }
            if with_store && let Some(dir) = &s.store {
                b = b.store_path(dir);
                if let Some(j) = &s.journal {
                    b = b.journal_path(j);
                }
            }
            b.build().map_err(|e| e.to_string())
        };
        let select = builder(false)?;
        let count = match &s.store {
            Some(_) => Some(builder(true)?),
            None => None,
        };
        Ok(Engines { select, count })
    }
}

/// The outcome of the last catalog reload.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReloadStatus {
    pub(crate) last_error: Option<String>,
}

/// Shared state.
pub(crate) struct AppState {
    pub(crate) engines: RwLock<Arc<Engines>>,
    pub(crate) loader: CatalogLoader,
    pub(crate) settings: EngineSettings,
    pub(crate) caps: Caps,
    pub(crate) ledger: Option<Arc<dyn CapLedger>>,
    /// SHA-256 of each token → (name, scopes). Empty: no authentication
    /// (the service then listens on loopback only).
    pub(crate) tokens: TokenTable,
    pub(crate) max_body_bytes: usize,
    pub(crate) reload: Mutex<ReloadStatus>,
    pub(crate) reload_lock: tokio::sync::Mutex<()>,
    pub(crate) reloads_ok: AtomicU64,
    pub(crate) reloads_failed: AtomicU64,
    pub(crate) capped: AtomicU64,
    pub(crate) shutting_down: AtomicBool,
    pub(crate) counter: crate::counter::Counter,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// The engines now in service (a reload swaps them; requests in
    /// flight keep the ones they started with).
    pub(crate) fn engines(&self) -> Arc<Engines> {
        match self.engines.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    pub(crate) fn swap(&self, engines: Engines) {
        let new = Arc::new(engines);
        match self.engines.write() {
            Ok(mut g) => *g = new,
            Err(p) => *p.into_inner() = new,
        }
    }

    pub(crate) fn reload_status(&self) -> ReloadStatus {
        match self.reload.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub(crate) fn set_reload_status(&self, s: ReloadStatus) {
        match self.reload.lock() {
            Ok(mut g) => *g = s,
            Err(p) => *p.into_inner() = s,
        }
    }

    pub(crate) fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::Relaxed)
    }

    /// Parse `[[serve.token]]` entries into the lookup table.
    pub(crate) fn token_table(tokens: &[TokenConfig]) -> Result<TokenTable, String> {
        let mut map = HashMap::new();
        for t in tokens {
            let hash = parse_sha256(&t.sha256).ok_or_else(|| {
                format!(
                    "[[serve.token]] `{}`: sha256 must be 64 hex digits (printf %s TOKEN | sha256sum)",
                    t.name
                )
            })?;
            if t.scopes.is_empty() {
                return Err(format!("[[serve.token]] `{}`: scopes is empty", t.name));
            }
            if map
                .insert(hash, (t.name.clone(), t.scopes.clone()))
                .is_some()
            {
                return Err(format!(
                    "[[serve.token]] `{}`: the same token is listed twice",
                    t.name
                ));
            }
        }
        Ok(map)
    }
}

fn parse_sha256(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2)?;
        *byte = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}
