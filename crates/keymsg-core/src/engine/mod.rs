//! The engine: one object a billing system or app back end keeps for its
//! lifetime. For each footer or pop-up it selects a message, lays it out for
//! the profile (computed once per message, language and profile, then cached —
//! the per-receipt path does no segmentation) and counts the insertion.
//!
//! Counted means delivered. Every step that can fail — selection, layout,
//! encoding for the printer — happens before the count, and nothing that can
//! fail comes after it: when [`Engine::footer`] returns text, its count is
//! made; when it returns an error, nothing was counted. A caller whose own
//! delivery can still fail after that (writing to a printer or a pipe) uses
//! [`Engine::footer_delivered`], which withdraws the count when the write fails.
//!
//! ```
//! use keymsg_core::{Engine, FooterRequest};
//!
//! let engine = Engine::builder().in_memory_store().agency("PEA Chiang Mai").build()?;
//! let footer = engine.footer(&FooterRequest::new().key("INV-2026-000123"))?;
//! assert!(footer.counted);
//! assert!(footer.lines.iter().all(|l| keymsg_core::layout::width(l) <= 32));
//! // A reprint from the stored token shows the same message.
//! let again = engine.replay(&footer.token, &FooterRequest::new())?;
//! assert_eq!(again.message_id, footer.message_id);
//! # Ok::<(), keymsg_core::Error>(())
//! ```

mod cache;
mod request;
mod resolve;

use std::path::PathBuf;
use std::sync::Arc;

pub use request::{Fit, FooterRequest, PopupRequest, Rendered};

use crate::bangkok::YearMonth;
use crate::catalog::CatalogError;
use crate::layout::Profile;
use crate::layout::{Encoding, ProfileKind};
use crate::report::Report;
use crate::select::{Policy, Request, SelectError, Selector};
use crate::store::{Counted, Durability, Insertion, ManualEntry, Store, StoreOptions};
use crate::{Catalog, Channel, Error, Result, Surface};
use cache::{LayoutCache, Slot};

/// Agency name used when none is configured.
pub(crate) const DEFAULT_AGENCY: &str = "unknown";

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
    profiles: Vec<Profile>,
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

    /// Count into the SQLite store at `path` (created if missing), or into
    /// a PostgreSQL fleet store when `path` is a `postgres://` or
    /// `postgresql://` URL (see [`Store::open_postgres`]; the host's journal
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
    pub fn store_options(mut self, options: StoreOptions) -> Self {
        self.store_options = options;
        self
    }

    /// Shortcut for the store's durability (default [`Durability::Process`]).
    pub fn durability(mut self, durability: Durability) -> Self {
        self.store_options.durability = durability;
        self
    }

    /// Shortcut for how long the store keeps idempotency keys
    /// ([`StoreOptions::key_retention_months`]; default 13 months, `None`:
    /// forever).
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
    /// `sticky`, `cycle:week`, `round-robin`; see [`Policy`]).
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

    /// Make a user-defined profile available by its name. A profile that
    /// names a printer encoding (TIS-620, CP874) makes [`EngineBuilder::build`]
    /// check that every receipt and invoice text of the catalog can be
    /// printed in it.
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
            check_printable(&catalog, p)?;
        }
        let agency = self.agency.unwrap_or_else(|| DEFAULT_AGENCY.to_owned());
        if agency.trim().is_empty() {
            return Err(Error::InvalidArgument {
                name: "agency",
                reason: "must not be empty".into(),
            });
        }
        Ok(Engine {
            selector,
            store,
            agency,
            fail_closed: self.fail_closed,
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
        .or_else(|| std::env::var_os(JOURNAL_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
        .ok_or_else(|| Error::InvalidArgument {
            name: "journal",
            reason: format!(
                "a PostgreSQL store needs the host's journal directory: give journal_path                  (--journal DIR, `journal` in keymsg.toml) or set ${JOURNAL_ENV}"
            ),
        })?;
    Ok(Store::open_postgres(url, journal, opts)?)
}

/// Selects, lays out and counts key messages. `Send + Sync`: share one engine
/// (e.g. in an `Arc`) between all threads of a process.
#[derive(Debug)]
pub struct Engine {
    selector: Selector,
    store: Option<Store>,
    agency: String,
    fail_closed: bool,
    cache: LayoutCache,
}

impl Engine {
    /// A builder with the defaults: embedded catalog, no store, agency `unknown`.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The catalog in use.
    pub fn catalog(&self) -> &Catalog {
        self.selector.catalog()
    }

    /// The selector (for `explain` and policies).
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// The store, if counting is configured.
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The agency counts are recorded for.
    pub fn agency(&self) -> &str {
        &self.agency
    }

    /// A receipt or invoice footer: select, lay out, encode, count.
    pub fn footer(&self, req: &FooterRequest) -> Result<Rendered> {
        let (slot, index, placement) = self.pick_footer(req)?;
        self.render(&slot, index, &placement).map(|(r, _)| r)
    }

    /// The selection, the layout slot and the placement of a footer.
    fn pick_footer<'r>(&self, req: &'r FooterRequest) -> Result<(Arc<Slot>, usize, Placement<'r>)> {
        let surface = req.surface.unwrap_or(Surface::Receipt);
        let mut select = Request::new(surface).lang(req.lang());
        if let Some(k) = &req.key {
            select = select.document_key(k.as_str());
        }
        if let Some(n) = req.sequence {
            select = select.sequence(n);
        }
        let at = req.at.unwrap_or_else(crate::bangkok::now);
        let pick = self.selector.pick(&select.at(at))?;
        let slot = self.cache.slot(
            self.catalog(),
            req.lang(),
            req.profile(surface),
            req.width,
            req.encoding,
        )?;
        Ok((
            slot,
            pick.index,
            Placement::of_footer(req, surface, at, false),
        ))
    }

    /// [`Engine::footer`], then `deliver` (e.g. write the bytes to the
    /// printer or stdout). If `deliver` fails, the count just made is
    /// withdrawn ([`Store::withdraw`]) so that what is counted is exactly
    /// what was delivered, and the error says whether the withdrawal worked.
    ///
    /// The one window left is a crash between the count and the end of
    /// `deliver`: then one footer is counted that may not have been printed.
    pub fn footer_delivered<E>(
        &self,
        req: &FooterRequest,
        deliver: impl FnOnce(&Rendered) -> std::result::Result<(), E>,
    ) -> std::result::Result<Rendered, Undelivered<E>> {
        let (slot, index, placement) = self.pick_footer(req)?;
        let (rendered, count) = self.render(&slot, index, &placement)?;
        match deliver(&rendered) {
            Ok(()) => Ok(rendered),
            Err(error) => {
                let withdrawn = match (&self.store, count) {
                    (Some(store), Some((ins, counted))) => store
                        .withdraw(&ins, counted)
                        .map(|()| counted != Counted::Duplicate)
                        .map_err(Error::from),
                    _ => Ok(false),
                };
                Err(Undelivered::Delivery {
                    rendered: Box::new(rendered),
                    error,
                    withdrawn,
                })
            }
        }
    }

    /// A pop-up (title + body) for an app user: select by subject, lay out
    /// for the `popup` profile, count.
    pub fn popup(&self, req: &PopupRequest) -> Result<Rendered> {
        let mut select = Request::new(Surface::Popup).lang(req.lang());
        if let Some(k) = &req.key {
            select = select.subject_key(k.as_str());
        }
        let at = req.at.unwrap_or_else(crate::bangkok::now);
        let pick = self.selector.pick(&select.at(at))?;
        let slot = self
            .cache
            .slot(self.catalog(), req.lang(), req.profile(), None, None)?;
        let placement = Placement {
            surface: Surface::Popup,
            at,
            kind: req.kind.as_deref(),
            idempotency_key: req.idempotency_key.as_deref(),
            reprint: false,
        };
        self.render(&slot, pick.index, &placement).map(|(r, _)| r)
    }

    /// Re-render the message of a stored selection token (a reprint): the same
    /// message even if weights changed since. Counted as a reprint (see
    /// [`StoreOptions::count_reprints`]).
    pub fn replay(&self, token: &str, req: &FooterRequest) -> Result<Rendered> {
        let message = self.selector.replay(token)?;
        let index = self.catalog().index_of(&message.id).ok_or_else(|| {
            crate::select::SelectError::UnknownMessage {
                id: message.id.clone(),
            }
        })?;
        let surface = req.surface.unwrap_or(Surface::Receipt);
        let at = req.at.unwrap_or_else(crate::bangkok::now);
        let slot = self.cache.slot(
            self.catalog(),
            req.lang(),
            req.profile(surface),
            req.width,
            req.encoding,
        )?;
        self.render(&slot, index, &Placement::of_footer(req, surface, at, true))
            .map(|(r, _)| r)
    }

    /// The cached layout of message `index`, counted as `placement` says;
    /// also the insertion and what the store did with it, for a withdrawal.
    ///
    /// Everything that can fail (layout, encoding: both in `prepared`) comes
    /// before the count; after it, only infallible copies.
    fn render(
        &self,
        slot: &Slot,
        index: usize,
        placement: &Placement<'_>,
    ) -> Result<(Rendered, Option<(Insertion, Counted)>)> {
        let catalog = self.catalog();
        let prepared = slot.prepared(catalog, index)?;
        let mut out = Rendered::new(&prepared);
        let mut made = None;
        if let Some(store) = &self.store {
            let ins = Insertion {
                at: placement.at,
                agency: self.agency.clone(),
                surface: placement.surface,
                kind: placement.kind.unwrap_or_default().to_owned(),
                message_id: prepared.message_id.clone(),
                catalog_version: catalog.version(),
                idempotency_key: placement.idempotency_key.map(str::to_owned),
                reprint: placement.reprint,
            };
            match store.count(&ins) {
                Ok(c) => {
                    out.counted = c == Counted::New;
                    made = Some((ins, c));
                }
                Err(e) if !self.fail_closed => out.count_error = Some(e.to_string()),
                Err(e) => return Err(e.into()),
            }
        }
        Ok((out, made))
    }

    /// Make every acknowledged count durable. Counts are already committed
    /// when `footer`/`popup` return; this exists for callers that want an
    /// explicit barrier (e.g. before exit).
    pub fn flush(&self) -> Result<()> {
        if let Some(s) = &self.store {
            s.flush()?;
        }
        Ok(())
    }

    /// Record a manual count for one of the form's channels (replaces an
    /// earlier entry for the same month, channel and message).
    pub fn record(
        &self,
        month: YearMonth,
        channel: Channel,
        message_id: &str,
        count: u64,
    ) -> Result<()> {
        let store = self.require_store()?;
        store.record(&ManualEntry {
            agency: self.agency.clone(),
            month,
            channel,
            message_id: message_id.to_owned(),
            count,
        })?;
        Ok(())
    }

    /// The month's report for this engine's agency.
    pub fn report(&self, month: YearMonth) -> Result<Report> {
        let store = self.require_store()?;
        Report::from_store(store, self.catalog(), month, Some(&self.agency))
    }

    fn require_store(&self) -> Result<&Store> {
        self.store.as_ref().ok_or(Error::InvalidArgument {
            name: "store",
            reason: "this engine has no store; configure one with store_path".into(),
        })
    }
}

/// Why [`Engine::footer_delivered`] did not deliver a footer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Undelivered<E> {
    /// Selection, layout or encoding failed (or counting, when the engine
    /// fails closed): nothing was delivered and nothing counted.
    #[error(transparent)]
    Engine(#[from] Error),
    /// The footer was ready and counted, but `deliver` failed.
    #[error("footer not delivered")]
    Delivery {
        /// The footer that could not be delivered.
        rendered: Box<Rendered>,
        /// What `deliver` returned.
        error: E,
        /// `Ok(true)`: its count was withdrawn; `Ok(false)`: nothing had been
        /// counted (no store, a duplicate key, a failed count); `Err`: the
        /// withdrawal failed and the store counts one footer too many.
        withdrawn: Result<bool>,
    },
}

/// A profile that names a printer encoding must be able to print every
/// receipt and invoice text of the catalog: find out when the engine is
/// built, not at the fifty-fifth invoice of a bill run.
fn check_printable(catalog: &Catalog, profile: &Profile) -> Result<()> {
    if profile.encoding() == Encoding::Utf8
        || !matches!(profile.kind(), ProfileKind::Columns { .. })
    {
        return Ok(());
    }
    let problems =
        catalog.encoding_problems(profile.encoding(), &[Surface::Receipt, Surface::Invoice]);
    if problems.is_empty() {
        return Ok(());
    }
    Err(CatalogError::Invalid {
        source_name: format!(
            "catalog (version {}) for profile `{}` in {}",
            catalog.version(),
            profile.name(),
            profile.encoding()
        ),
        problems,
    }
    .into())
}

/// Where and how one rendering is counted.
#[derive(Debug)]
struct Placement<'a> {
    surface: Surface,
    at: time::OffsetDateTime,
    kind: Option<&'a str>,
    idempotency_key: Option<&'a str>,
    reprint: bool,
}

impl<'a> Placement<'a> {
    fn of_footer(
        req: &'a FooterRequest,
        surface: Surface,
        at: time::OffsetDateTime,
        reprint: bool,
    ) -> Self {
        Placement {
            surface,
            at,
            kind: req.kind.as_deref(),
            idempotency_key: req.idempotency_key.as_deref(),
            reprint,
        }
    }
}
