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

mod builder;
mod cache;
mod request;
mod resolve;

use std::sync::Arc;

pub use builder::EngineBuilder;
pub use request::{Fit, FooterRequest, PopupRequest, Rendered};

use crate::bangkok::YearMonth;
use crate::catalog::CatalogError;
use crate::layout::{Encoding, LayoutError, MIN_FOOTER_WIDTH, Profile, ProfileKind};
use crate::report::{FormOptions, Report};
use crate::select::{Request, Selector};
use crate::store::{Counted, Insertion, ManualEntry, Store};
use crate::{Catalog, Channel, Error, Result, Surface};
use cache::{LayoutCache, Slot};

/// Agency name used when none is configured.
pub(crate) const DEFAULT_AGENCY: &str = "unknown";

/// Selects, lays out and counts key messages. `Send + Sync`: share one engine
/// (e.g. in an `Arc`) between all threads of a process.
#[derive(Debug)]
pub struct Engine {
    selector: Selector,
    store: Option<Store>,
    agency: String,
    fail_closed: bool,
    allow_lossy: bool,
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
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// The store, if counting is configured.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// The agency counts are recorded for.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn agency(&self) -> &str {
        &self.agency
    }

    /// A footer for any surface (receipt by default): select, lay out,
    /// encode, count. The key is the document key on receipts and invoices
    /// and the subject key on other surfaces (as `Engine::explain` takes it).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a `kind` or `idempotency_key` the store
    /// cannot keep (see [`FooterRequest`]) or a `width` outside 1-1000
    /// columns, found before anything is laid out or counted;
    /// [`CatalogError::Expired`] once the catalog's `expires` has passed
    /// (at `at` or now, the later: the engine outlives the check at load);
    /// selection and layout errors; a store error only with `fail_closed` (otherwise the
    /// footer is returned uncounted, with `count_error` set).
    pub fn footer(&self, req: &FooterRequest) -> Result<Rendered> {
        let (slot, index, placement) = self.pick_footer(req)?;
        self.render(&slot, index, &placement).map(|(r, _)| r)
    }

    /// The selection, the layout slot and the placement of a footer.
    fn pick_footer<'r>(&self, req: &'r FooterRequest) -> Result<(Arc<Slot>, usize, Placement<'r>)> {
        let surface = req.surface.unwrap_or(Surface::Receipt);
        let mut select = Request::new(surface).lang(req.lang());
        if let Some(k) = &req.key {
            select = with_key(select, surface, k);
        }
        if let Some(n) = req.sequence {
            select = select.sequence(n);
        }
        let at = instant(req.at)?;
        check_expiry(self.catalog(), at)?;
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
    /// withdrawn (`Store::withdraw`) so that what is counted is exactly
    /// what was delivered, and the error says whether the withdrawal worked.
    ///
    /// A `deliver` that panics has its count withdrawn too, then the panic
    /// goes on. The one window left is a crash between the count and the
    /// end of `deliver`: then one footer is counted that may not have been
    /// printed.
    pub fn footer_delivered<E>(
        &self,
        req: &FooterRequest,
        deliver: impl FnOnce(&Rendered) -> std::result::Result<(), E>,
    ) -> std::result::Result<Rendered, Undelivered<E>> {
        let (slot, index, placement) = self.pick_footer(req)?;
        let (rendered, count) = self.render(&slot, index, &placement)?;
        self.hand_over(rendered, count, deliver)
    }

    /// Call `deliver`; if it fails, withdraw the count just made. A
    /// `deliver` that panics delivered nothing either: the count is
    /// withdrawn, then the panic goes on.
    fn hand_over<E>(
        &self,
        rendered: Rendered,
        count: Option<(Insertion, Counted)>,
        deliver: impl FnOnce(&Rendered) -> std::result::Result<(), E>,
    ) -> std::result::Result<Rendered, Undelivered<E>> {
        let withdraw = |count: Option<(Insertion, Counted)>| match (&self.store, count) {
            (Some(store), Some((ins, counted))) => store
                .withdraw(&ins, counted)
                .map(|()| counted != Counted::Duplicate)
                .map_err(Error::from),
            _ => Ok(false),
        };
        let delivered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| deliver(&rendered)));
        match delivered {
            Ok(Ok(())) => Ok(rendered),
            Ok(Err(error)) => Err(Undelivered::Delivery {
                withdrawn: withdraw(count),
                rendered: Box::new(rendered),
                error,
            }),
            Err(panic) => {
                // Nothing to report it to but the panic itself.
                let _ = withdraw(count);
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// A pop-up (title + body) for an app user: select by subject, lay out
    /// for the `popup` profile, count.
    pub fn popup(&self, req: &PopupRequest) -> Result<Rendered> {
        let (slot, index, placement) = self.pick_popup(req)?;
        self.render(&slot, index, &placement).map(|(r, _)| r)
    }

    /// [`Engine::popup`], then `deliver`; a failed delivery withdraws the
    /// count, as [`Engine::footer_delivered`] does.
    pub fn popup_delivered<E>(
        &self,
        req: &PopupRequest,
        deliver: impl FnOnce(&Rendered) -> std::result::Result<(), E>,
    ) -> std::result::Result<Rendered, Undelivered<E>> {
        let (slot, index, placement) = self.pick_popup(req)?;
        let (rendered, count) = self.render(&slot, index, &placement)?;
        self.hand_over(rendered, count, deliver)
    }

    /// The selection, the layout slot and the placement of a pop-up.
    fn pick_popup<'r>(&self, req: &'r PopupRequest) -> Result<(Arc<Slot>, usize, Placement<'r>)> {
        let mut select = Request::new(Surface::Popup).lang(req.lang());
        if let Some(k) = &req.key {
            select = select.subject_key(k.as_str());
        }
        let at = instant(req.at)?;
        check_expiry(self.catalog(), at)?;
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
        Ok((slot, pick.index, placement))
    }

    /// Re-render the message of a stored selection token (a reprint): the same
    /// message even if weights changed since. Stored as a reprint, and
    /// counted (`counted` true) only when the store counts reprints
    /// ([`EngineBuilder::count_reprints`]; off by default).
    pub fn replay(&self, token: &str, req: &FooterRequest) -> Result<Rendered> {
        check_expiry(self.catalog(), instant(req.at)?)?;
        let message = self.selector.replay(token)?;
        let index = self.catalog().index_of(&message.id).ok_or_else(|| {
            crate::select::SelectError::UnknownMessage {
                id: message.id.clone(),
            }
        })?;
        let surface = req.surface.unwrap_or(Surface::Receipt);
        let at = instant(req.at)?;
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
    /// before the count; after it, only infallible copies. A key message
    /// keeps its point or is not counted: a column profile narrower than
    /// [`MIN_FOOTER_WIDTH`] is refused, and a layout that lost every hotline
    /// and link is refused unless lossy output is allowed — and then
    /// returned uncounted.
    fn render(
        &self,
        slot: &Slot,
        index: usize,
        placement: &Placement<'_>,
    ) -> Result<(Rendered, Option<(Insertion, Counted)>)> {
        // The caller's kind and key are checked as the store would, before
        // anything is laid out or counted: bad input is the caller's error
        // (never a footer printed uncounted as if the store had failed).
        crate::store::check_placement(
            placement.kind.unwrap_or_default(),
            placement.idempotency_key,
        )
        .map_err(invalid_is_the_callers)?;
        if let Some(width) = slot.profile.width()
            && width < MIN_FOOTER_WIDTH
        {
            return Err(LayoutError::FooterTooNarrow {
                width,
                minimum: MIN_FOOTER_WIDTH,
            }
            .into());
        }
        let catalog = self.catalog();
        let prepared = slot.prepared(catalog, index)?;
        if prepared.truncated_core && !self.allow_lossy {
            return Err(LayoutError::TruncatedCore {
                message_id: prepared.message_id.clone(),
                profile: slot.profile.name().to_owned(),
            }
            .into());
        }
        let mut out = Rendered::new(&prepared);
        let mut made = None;
        if let Some(store) = self.store.as_ref().filter(|_| !prepared.truncated_core) {
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

    /// Why each message was or was not eligible for a footer like `req`
    /// (surface, key, language, instant, sequence), and the rule that chose;
    /// nothing is laid out or counted, and no round-robin counter moves:
    /// `chosen` is what the next footer like `req` gets (except under an
    /// unseeded `random` policy, whose draws cannot be foretold).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (`at`) for an instant outside the years
    /// keymsg reckons with, as [`Engine::footer`].
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn explain(&self, req: &FooterRequest) -> Result<crate::select::Explanation> {
        let surface = req.surface.unwrap_or(Surface::Receipt);
        let mut select = Request::new(surface).lang(req.lang());
        if let Some(k) = &req.key {
            select = with_key(select, surface, k);
        }
        if let Some(n) = req.sequence {
            select = select.sequence(n);
        }
        Ok(self.selector.explain(&select.at(instant(req.at)?)))
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
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (`message_id`) for an id the catalog does
    /// not have (its row could never appear in the report), or without a store.
    pub fn record(
        &self,
        month: YearMonth,
        channel: Channel,
        message_id: &str,
        count: u64,
    ) -> Result<()> {
        if self.catalog().get(message_id).is_none() {
            return Err(Error::InvalidArgument {
                name: "message_id",
                reason: format!("message `{message_id}` is not in the catalog"),
            });
        }
        let store = self.require_store()?;
        store
            .record(&ManualEntry {
                agency: self.agency.clone(),
                month,
                channel,
                message_id: message_id.to_owned(),
                count,
            })
            .map_err(invalid_is_the_callers)?;
        Ok(())
    }

    /// Record a hand count for content that is not in the catalog (a radio
    /// spot, a community meeting): a row of its own on the form, keyed by
    /// the content, so recording the same content again in a month replaces
    /// its count (see `ManualEntry::free_text`).
    pub fn record_content(
        &self,
        month: YearMonth,
        channel: Channel,
        content: &str,
        count: u64,
    ) -> Result<()> {
        let store = self.require_store()?;
        let entry = ManualEntry::free_text(self.agency.clone(), month, channel, content, count)?;
        store.record(&entry).map_err(invalid_is_the_callers)?;
        Ok(())
    }

    /// The month's report for this engine's agency.
    pub fn report(&self, month: YearMonth) -> Result<Report> {
        self.report_with(month, &FormOptions::new())
    }

    /// The month's report for this engine's agency, with [`FormOptions`]
    /// (compact form, signature block).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (`signed_on`) for a date signed outside
    /// the month's window (see [`Signature::date`](crate::report::Signature::date));
    /// [`Error::InvalidArgument`] (`store`) for an engine without a store;
    /// store errors.
    pub fn report_with(&self, month: YearMonth, options: &FormOptions) -> Result<Report> {
        let store = self.require_store()?;
        Report::build_from_store(
            store,
            self.catalog(),
            month,
            Some(&self.agency),
            &self.agency,
            options,
        )
    }

    /// All-time counters of the store in the Prometheus text format, for
    /// monitoring (the monthly report comes from [`Engine::report`]): see
    /// `Store::prometheus_text`. Needs a store.
    pub fn metrics(&self) -> Result<String> {
        Ok(self.require_store()?.prometheus_text()?)
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
        /// counted (no store, a duplicate key, a failed count) — a duplicate
        /// is withdrawn from the store's refused attempts all the same (and
        /// so is a count it was handed meanwhile, see `Store::withdraw`);
        /// `Err`: the withdrawal failed and the store counts one footer too
        /// many.
        withdrawn: Result<bool>,
    },
}

/// The instant of a request (`None`: now), refused with a clear error when
/// keymsg cannot reckon with it (see [`crate::bangkok::check`]) rather than
/// failing somewhere after the count.
fn instant(at: Option<time::OffsetDateTime>) -> Result<time::OffsetDateTime> {
    crate::bangkok::check(at.unwrap_or_else(crate::bangkok::now))
        .map_err(|reason| Error::InvalidArgument { name: "at", reason })
}

/// An expired catalog is not served, whatever instant the request names:
/// expired at the request's `at` or now, whichever is later (an `at` in
/// the past must not bring back a catalog whose hotlines may be stale).
fn check_expiry(catalog: &Catalog, at: time::OffsetDateTime) -> Result<()> {
    catalog.check_not_expired(at)?;
    Ok(())
}

/// A profile the caller defines must serve every message it may be asked
/// for, found when the engine is built rather than at the fifty-fifth
/// invoice of a bill run: each message of a surface it serves fits it
/// without truncation (as the built-in profiles are checked when a catalog
/// is loaded; unless `lossy`: the caller accepts cut output, printed
/// uncounted when it lost the hotline), and a profile that names a printer
/// encoding can print every receipt and invoice text. A column profile
/// narrower than [`MIN_FOOTER_WIDTH`] could print no footer at all.
fn check_profile(catalog: &Catalog, profile: &Profile, lossy: bool) -> Result<()> {
    if let Some(width) = profile.width()
        && width < MIN_FOOTER_WIDTH
    {
        return Err(LayoutError::InvalidProfile {
            name: profile.name().to_owned(),
            reason: format!(
                "width {width} is below the minimum of {MIN_FOOTER_WIDTH} columns for a key message"
            ),
        }
        .into());
    }
    let mut problems = if profile.encoding() != Encoding::Utf8
        && matches!(profile.kind(), ProfileKind::Columns { .. })
    {
        catalog.encoding_problems(profile.encoding(), &[Surface::Receipt, Surface::Invoice])
    } else {
        Vec::new()
    };
    if !lossy && !catalog.fits_checked(profile) {
        problems.extend(catalog.fit_problems(profile));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(CatalogError::Invalid {
        source_name: catalog.source_for(profile),
        problems,
    }
    .into())
}

/// `key` as the document key of a receipt or invoice, else as the subject
/// key (the user or customer an app or message is for).
fn with_key(req: Request, surface: Surface, key: &str) -> Request {
    if surface.is_document() {
        req.document_key(key)
    } else {
        req.subject_key(key)
    }
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

/// A value the store refuses ([`crate::store::StoreError::Invalid`]: a count above the
/// form's limit, a control character in a kind) is the caller's error, an
/// invalid argument; any other store error stays one.
fn invalid_is_the_callers(e: crate::store::StoreError) -> Error {
    match e {
        crate::store::StoreError::Invalid { field, detail } => Error::InvalidArgument {
            name: field,
            reason: detail,
        },
        other => other.into(),
    }
}
