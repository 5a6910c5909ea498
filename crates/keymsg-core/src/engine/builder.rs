//! [`EngineBuilder`]: the engine's settings and the store it opens.

use std::path::PathBuf;

use super::cache::LayoutCache;
use super::{DEFAULT_AGENCY, Engine, check_profile};
use crate::layout::Profile;
use crate::select::{Policy, SelectError, Selector};
use crate::store::{Durability, Store, StoreOptions};
use crate::{Catalog, Error, Result};

/// Builds an [`Engine`]; every setting has a documented default.
#[derive(Debug, Default)]
pub struct EngineBuilder {
    catalog: Option<Catalog>,
    store: StoreChoice,
    store_options: StoreOptions,
    journal: Option<PathBuf>,
    agency: Option<String>,
    policy: Option<String>,
    fail_closed: bool,
    allow_lossy: bool,
    profiles: Vec<Profile>,
    overlay: Option<crate::catalog::Overlay>,
}

#[derive(Debug, Default)]
enum StoreChoice {
    #[default]
    None,
    Memory,
    Path(PathBuf),
}

impl EngineBuilder {
    /// Use `catalog` (default: [`Catalog::embedded`]).
    pub fn catalog(mut self, catalog: Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Apply an agency overlay on the catalog (the official base): see
    /// [`Catalog::with_overlay`]. A problem in the overlay fails
    /// [`EngineBuilder::build`].
    pub fn overlay(mut self, overlay: crate::catalog::Overlay) -> Self {
        self.overlay = Some(overlay);
        self
    }

    /// Count into the SQLite store at `path` (created if missing), or into
    /// a PostgreSQL fleet store when `path` is a `postgres://` or
    /// `postgresql://` URL (see `Store::open_postgres`; the host's journal
    /// is [`EngineBuilder::journal_path`], else `$KEYMSG_JOURNAL`). Default:
    /// no store, nothing counted (`counted` is false on every result).
    pub fn store_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.store = StoreChoice::Path(path.into());
        self
    }

    /// The host's journal directory for a PostgreSQL store: insertions are
    /// acknowledged there and shipped in the background. Default:
    /// `$KEYMSG_JOURNAL`. Ignored for other stores.
    pub fn journal_path(mut self, dir: impl Into<PathBuf>) -> Self {
        self.journal = Some(dir.into());
        self
    }

    /// Count into an in-memory store (tests, benchmarks: nothing persists).
    pub fn in_memory_store(mut self) -> Self {
        self.store = StoreChoice::Memory;
        self
    }

    /// Store options (durability, reprints, ...) for [`EngineBuilder::store_path`].
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn store_options(mut self, options: StoreOptions) -> Self {
        self.store_options = options;
        self
    }

    /// Shortcut for the store's durability (default [`Durability::Process`]).
    pub fn durability(mut self, durability: Durability) -> Self {
        self.store_options.durability = durability;
        self
    }

    /// Shortcut for whether reprints ([`Engine::replay`]) are counted
    /// (`StoreOptions::count_reprints`; default `false`: the first print
    /// was counted, a reprint is stored as a reprint only).
    pub fn count_reprints(mut self, yes: bool) -> Self {
        self.store_options.count_reprints = yes;
        self
    }

    /// Shortcut for how long the store keeps idempotency keys
    /// ([`StoreOptions::key_retention_months`]; default 13 months, `None`:
    /// forever).
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn key_retention_months(mut self, months: Option<u32>) -> Self {
        self.store_options.key_retention_months = months;
        self
    }

    /// The agency or unit the counts belong to (default `unknown`).
    pub fn agency(mut self, agency: impl Into<String>) -> Self {
        self.agency = Some(agency.into());
        self
    }

    /// Override the selection policy for every surface (a policy name such as
    /// `sticky`, `cycle:week`, `round-robin`; see `Policy`).
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Fail closed: when counting fails, return the error instead of the text.
    /// Default (fail open): the text is returned with `counted = false` and
    /// `count_error` set, so a receipt never fails to print because of the store.
    pub fn fail_closed(mut self, yes: bool) -> Self {
        self.fail_closed = yes;
        self
    }

    /// Allow lossy output: a message cut so far that it lost every hotline,
    /// URL and e-mail address (`fit.truncated_core`) is returned instead of
    /// failing with [`LayoutError::TruncatedCore`](crate::layout::LayoutError::TruncatedCore).
    /// Such a result is never counted: it no longer carries the message.
    /// Default: refused.
    pub fn allow_lossy(mut self, yes: bool) -> Self {
        self.allow_lossy = yes;
        self
    }

    /// Make a user-defined profile available by its name.
    /// [`EngineBuilder::build`] checks it against the catalog as loading
    /// checks the built-in profiles: every message enabled on a surface of
    /// its kind (a column profile: receipt, invoice, billboard) must fit it
    /// without truncation, in every language (`Catalog::fit_problems`;
    /// not with [`EngineBuilder::allow_lossy`], which accepts cut output);
    /// a profile that names a printer encoding (TIS-620, CP874) must be
    /// able to print every receipt and invoice text; a column profile may
    /// not be narrower than `MIN_FOOTER_WIDTH` (16 columns).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profiles.push(profile);
        self
    }

    /// Build the engine: loads the default catalog if none was given, opens the
    /// store (so an unwritable path fails here, not at the first receipt).
    pub fn build(self) -> Result<Engine> {
        let catalog = match self.catalog {
            Some(c) => c,
            None => Catalog::embedded()?,
        };
        let catalog = match &self.overlay {
            Some(o) => catalog.with_overlay(o)?,
            None => catalog,
        };
        let mut selector = Selector::new(&catalog)?;
        if let Some(name) = &self.policy {
            let policy: Policy = name.parse().map_err(SelectError::from)?;
            selector = selector.with_policy(None, policy);
        }
        let store = match self.store {
            StoreChoice::None => None,
            StoreChoice::Memory => Some(Store::in_memory_with(self.store_options.count_reprints)),
            StoreChoice::Path(p) => Some(open_store(p, self.journal, self.store_options)?),
        };
        for p in &self.profiles {
            p.validate()?;
            check_profile(&catalog, p, self.allow_lossy)?;
        }
        let agency = self.agency.unwrap_or_else(|| DEFAULT_AGENCY.to_owned());
        if agency.trim().is_empty() {
            return Err(Error::InvalidArgument {
                name: "agency",
                reason: "must not be empty".into(),
            });
        }
        // The agency reaches every report format: plain text only.
        crate::vocab::clean::check_text(&agency).map_err(|u| Error::InvalidArgument {
            name: "agency",
            reason: u.to_string(),
        })?;
        Ok(Engine {
            selector,
            store,
            agency,
            fail_closed: self.fail_closed,
            allow_lossy: self.allow_lossy,
            cache: LayoutCache::new(self.profiles),
        })
    }
}

/// Environment variable naming the journal directory of a PostgreSQL store.
pub(crate) const JOURNAL_ENV: &str = "KEYMSG_JOURNAL";

/// A store directory, or a fleet store URL with its journal.
fn open_store(path: PathBuf, journal: Option<PathBuf>, opts: StoreOptions) -> Result<Store> {
    let Some(url) = path.to_str().filter(|s| crate::store::is_fleet_url(s)) else {
        return Ok(Store::open(path, opts)?);
    };
    let journal = journal
        .or_else(|| {
            std::env::var_os(JOURNAL_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .ok_or_else(|| Error::InvalidArgument {
            name: "journal",
            reason: format!(
                "a PostgreSQL store needs the host's journal directory: give journal_path \
                 (--journal DIR, `journal` in keymsg.toml) or set ${JOURNAL_ENV}"
            ),
        })?;
    Ok(Store::open_postgres(url, journal, opts)?)
}
