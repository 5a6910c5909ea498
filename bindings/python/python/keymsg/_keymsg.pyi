"""Type stubs for the compiled part of the ``keymsg`` package.

Checked against the built module by ``python -m mypy.stubtest keymsg``.
"""

import datetime
from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any, Optional, Union, final

__all__ = [
    "__version__",
    "KeymsgError",
    "CatalogError",
    "TrustError",
    "LayoutError",
    "SelectionError",
    "StoreError",
    "StoreLostError",
    "ReportError",
    "InvalidArgumentError",
    "InputTooLargeError",
    "Catalog",
    "Engine",
    "Rendered",
    "Fit",
    "Report",
    "ReportRow",
    "Totals",
    "Selection",
    "CapLedger",
    "CapClaim",
    "width",
    "wrap",
    "truncate",
    "encode",
    "report",
    "select",
    "sign",
    "_test_panic",
]

__version__: str
"""The keymsg version (same as the Rust crates)."""

class KeymsgError(Exception):
    """Base class of every error raised by keymsg."""

class CatalogError(KeymsgError):
    """A catalog could not be read or failed validation.

    ``problems`` lists every problem, one line each, as ``keymsg check``
    prints them: file name, message id, field and character offset.
    """

    problems: list[str]

class TrustError(CatalogError):
    """A catalog was refused as untrusted: missing or bad signature, untrusted
    or unusable key, an older version than one already accepted (rollback), a
    reused version, an expired catalog, or an unusable trust state directory."""

class LayoutError(KeymsgError):
    """Text could not be laid out or encoded for a profile."""

class SelectionError(KeymsgError):
    """No message could be selected, or a selection token was invalid."""

class StoreError(KeymsgError):
    """The insertion store failed (I/O, corruption, disk full, ...)."""

class StoreLostError(StoreError):
    """A store file holds fewer counts than it acknowledged (deleted, emptied, replaced by an older copy, or its WAL damaged); `.path` names the file and `.missing` the number of counts missing. Nothing was written: restore the file, or accept the loss with `keymsg store repair --accept-loss`."""

    path: str
    missing: int

class ReportError(KeymsgError):
    """A report could not be built, read, merged or written."""

class InvalidArgumentError(KeymsgError, ValueError):
    """An argument was out of its documented range (also a ``ValueError``)."""

class InputTooLargeError(LayoutError, InvalidArgumentError):
    """The text is longer than the call's input limit (``max_input_bytes``,
    1 MiB by default); a ``LayoutError`` and an ``InvalidArgumentError``."""

@final
class Catalog:
    """A validated, immutable catalog of key messages (cheap to share)."""

    @staticmethod
    def default() -> Catalog:
        """The embedded default catalog (Thai and English, 24+ messages)."""

    @staticmethod
    def from_file(path: Union[str, PathLike[str]]) -> Catalog:
        """Load and validate a catalog file; ``.toml`` or ``.json`` by extension.

        Raises ``CatalogError`` (with ``.problems``) if it cannot be read or is invalid.
        """

    @staticmethod
    def from_str(text: str, format: str = "toml") -> Catalog:
        """Parse and validate catalog text in ``format`` (``"toml"`` or ``"json"``).

        Raises ``CatalogError`` if invalid, ``InvalidArgumentError`` for an unknown format.
        """

    @staticmethod
    def load(
        path: Optional[Union[str, PathLike[str]]] = None,
        *,
        signature: Optional[Union[str, PathLike[str]]] = None,
        trusted_keys: Optional[Sequence[str]] = None,
        overlay_keys: Optional[Sequence[str]] = None,
        require_signature: bool = False,
        state: Optional[Union[str, PathLike[str]]] = None,
        strict: bool = False,
        overlay: Optional[Union[str, PathLike[str]]] = None,
        layout_words: Optional[Sequence[str]] = None,
    ) -> Catalog:
        """Load a catalog with signatures, expiry and rollback checked.

        ``path`` None is the embedded catalog. ``trusted_keys`` are minisign
        public keys (``RW...``) or files holding them, trusted to sign the
        base catalog only; ``overlay_keys`` likewise for the overlay only (an
        agency's key never signs the base); ``signature`` defaults
        to ``PATH.minisig``. With a ``state`` directory, versions are tracked
        per layer (base, overlay; never per declared issuer) and a refused
        file is replaced by the last good catalog (see ``fallback``) unless
        ``strict``. ``overlay`` is an agency overlay
        applied on this official base, checked the same way.
        ``layout_words`` are kept whole in the catalog's messages on top of
        its own ``[layout] words`` (an agency's configuration), checked
        against every message they change; with a ``state`` directory a
        check that passed is remembered there and not repeated on the next
        load. Raises ``TrustError`` or ``CatalogError``.
        """

    def with_overlay(self, path: Union[str, PathLike[str]]) -> Catalog:
        """This catalog as the official base with the agency overlay file at
        ``path`` applied: added messages and hotlines, adjusted weights,
        priorities, windows and surfaces, disabled base messages, layout words
        kept whole (``[layout] words``, with ``schema = 2`` in the overlay);
        never a change to official text. Raises ``CatalogError`` naming the
        overlay file."""

    @property
    def fallback(self) -> Optional[CatalogError]:
        """Why the named catalog file is not the one in service: the error that
        refused it while the last good catalog serves, else None."""

    def trust_json(self) -> str:
        """How the catalog was loaded, as a JSON array with one object per layer
        (``layer``, ``source``, ``version``, ``issuer``, ``expires``,
        ``signature``, ``rollback_protected``, ``refused``)."""

    @property
    def version(self) -> int:
        """Catalog version (monotonic)."""

    def message_ids(self) -> list[str]:
        """Ids of all messages, in file order."""

    def __len__(self) -> int:
        """Number of messages."""

    def __contains__(self, message_id: str, /) -> bool:
        """Whether the catalog has a message with this id."""

def sign(
    catalog: Union[str, PathLike[str]],
    secret_key: Union[str, PathLike[str]],
    *,
    password: Optional[str] = None,
    trusted_comment: Optional[str] = None,
    output: Optional[Union[str, PathLike[str]]] = None,
) -> str:
    """Validate ``catalog`` and sign it with a minisign secret key file (as
    ``minisign -G`` writes it; ``password`` for a protected key). Writes
    ``output`` (default ``CATALOG.minisig``), which ``minisign -V`` accepts,
    and returns its path."""

def width(text: str) -> int:
    """Display columns of ``text``: Thai combining marks 0, SARA AM (ำ) 1,
    East Asian wide characters and emoji 2. Never bytes, code points or graphemes."""

def wrap(
    text: str,
    width: int,
    *,
    max_lines: Optional[int] = None,
    ellipsis: str = "…",
    align: str = "left",
    max_input_bytes: int = 1048576,
    words: Optional[Sequence[str]] = None,
) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` display columns.

    Breaks only at legal Thai break opportunities: never after a leading vowel
    (เ แ โ ใ ไ), never before a following vowel, tone mark or ๆ, never inside a
    phone number, amount, URL or e-mail. Text is NFC-normalised; ``\n`` is a
    hard break. With ``max_lines`` the last kept line ends with ``ellipsis``
    when text is cut. ``align`` is ``"left"``, ``"center"`` or ``"right"``.
    Text longer than ``max_input_bytes`` UTF-8 bytes is refused; the work
    grows linearly with the text (with ``max_lines``, only what those lines
    need is read). ``words`` are kept whole besides the built-in word list's
    (an agency's name, its programmes, local places): Thai letters, vowels
    and marks in NFC, 2 to 64 characters, no spaces.

    Raises ``LayoutError`` (width 0, ellipsis too wide, control character),
    ``InputTooLargeError`` (text over ``max_input_bytes``) or
    ``InvalidArgumentError`` (negative numbers, unknown ``align``, a word
    that is not one).
    """

def truncate(
    text: str,
    width: int,
    *,
    ellipsis: str = "…",
    max_input_bytes: int = 1048576,
    words: Optional[Sequence[str]] = None,
) -> str:
    """``text`` if it fits in ``width`` columns, else its longest prefix ending
    at a legal break, followed by ``ellipsis``. A protected span (1441, a URL,
    an amount) is kept whole or dropped whole, never cut to "144…"; so is
    each of ``words`` (kept whole besides the built-in word list's, as for
    ``wrap``).

    Reads only a prefix a little longer than the result, so the work depends
    on ``width``, not on the length of ``text``. Raises ``InputTooLargeError``
    for text over ``max_input_bytes`` UTF-8 bytes and
    ``InvalidArgumentError`` for a word that is not one.
    """

def encode(text: str, encoding: str = "tis-620") -> bytes:
    """``text`` as bytes for a printer that takes raw bytes: ``"utf-8"``,
    ``"tis-620"`` or ``"cp874"``. Raises ``LayoutError`` for a character the
    encoding lacks (naming it and its offset)."""

def report(
    store: Union[str, PathLike[str], Engine],
    month: str,
    *,
    agency: Optional[str] = None,
    catalog: Optional[Catalog] = None,
    omit_zero_rows: bool = False,
    reporter: Optional[str] = None,
    position: Optional[str] = None,
    signed_on: Union[datetime.date, str, None] = None,
) -> Report:
    """The monthly report for ``month`` (``"YYYY-MM"``, Asia/Bangkok).

    Years are Common Era: a Buddhist Era month such as ``"2569-03"`` raises
    ``InvalidArgumentError`` naming the CE month (``2026-03``).

    ``store`` is a store directory or an ``Engine`` (whose store is read,
    also for ``":memory:"``). ``agency=None`` reports every agency in the
    store, headed with its name (``"ทุกหน่วยงาน"`` when there are several);
    an ``agency`` the store has nothing for raises ``InvalidArgumentError``
    naming the agencies it has. Message texts come from ``catalog``
    (default: the Engine's, else the embedded default). ``omit_zero_rows``
    gives the compact form agencies file; ``reporter``, ``position`` and
    ``signed_on`` (a ``datetime.date`` or ``"YYYY-MM-DD"``) fill in the
    signature block. ``signed_on`` falls from the month's first day to two
    years after its last day (March 2026: 2026-03-01 to 2028-03-31); another
    date raises ``InvalidArgumentError`` naming ``signed_on``.
    """

@final
class Engine:
    """Selects, lays out and counts key messages.

    One engine per process is enough: it is safe to share between threads,
    and every method releases the GIL while it works. Layouts are computed
    once per message, language and profile, then cached.
    """

    def __new__(
        cls,
        catalog: Optional[Catalog] = None,
        *,
        store: Union[str, PathLike[str], None] = None,
        agency: Optional[str] = None,
        policy: Optional[str] = None,
        fail_closed: bool = False,
        durability: str = "process",
        key_retention_months: Optional[int] = 13,
        allow_lossy: bool = False,
        count_reprints: bool = False,
        journal: Union[str, PathLike[str], None] = None,
    ) -> Engine:
        """Create an engine.

        ``catalog``: default the embedded one. ``store``: a directory for the
        durable SQLite store (created if missing), ``":memory:"``, or ``None``
        (nothing is counted). ``agency``: the unit counts belong to (default
        ``"unknown"``). ``policy``: override the selection policy (``"sticky"``,
        ``"cycle:week"``, ``"round-robin"``, ...). ``fail_closed``: raise when
        counting fails instead of returning the text with ``counted=False``.
        ``durability``: ``"process"`` (survives kill -9) or ``"power"``.
        ``key_retention_months``: how long the store keeps idempotency keys
        (a key counted in month M is deleted after month M + N ends; counts
        are never deleted; ``None`` keeps keys forever). ``allow_lossy``:
        return a message cut before every hotline and link
        (``fit.truncated_core``) instead of raising ``LayoutError``; such a
        result is never counted. ``count_reprints``: count ``replay`` like a
        first print (default: a reprint is stored but not counted).
        ``store`` may also be a PostgreSQL fleet store,
        ``"postgres://USER@HOST:PORT/DB"``: insertions are then acknowledged
        in this host's ``journal`` directory (default ``$KEYMSG_JOURNAL``) and
        shipped in the background, so printing never waits on the network.
        """

    @property
    def catalog(self) -> Catalog:
        """The catalog in use."""

    @property
    def agency(self) -> str:
        """The agency (unit) counts are recorded for."""

    def footer(
        self,
        *,
        key: Optional[str] = None,
        profile: Optional[str] = None,
        width: Optional[int] = None,
        lang: str = "th",
        at: Union[datetime.datetime, str, None] = None,
        kind: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        encoding: Optional[str] = None,
        surface: str = "receipt",
        sequence: Optional[int] = None,
        deliver: Optional[Callable[[Rendered], object]] = None,
    ) -> Rendered:
        """A footer for a ``surface``: select, lay out, count.

        ``surface``: ``"receipt"`` (default), ``"invoice"``, ``"popup"``,
        ``"push"``, ``"sms"`` or ``"billboard"``; counted under it. ``profile``
        defaults to the surface's (``receipt-58mm``, ``invoice-a4``, or the
        surface's own name). ``key`` (the document number on receipts and
        invoices, the subject elsewhere) makes the choice sticky: a reprint
        gets the same message on any host. ``width`` overrides the profile's
        columns (at least 16). ``at`` (aware datetime or RFC 3339; default
        now) picks the validity window and the month counted. ``kind`` labels
        the document type in the report breakdown; a retry with the same
        ``idempotency_key`` counts once. ``sequence``: the caller's number for
        the ``round-robin`` policy.
        ``encoding`` (``"tis-620"``, ``"cp874"``) encodes for a legacy printer
        *before* counting (see ``Rendered.encoded``): a message it cannot hold
        raises ``LayoutError`` and nothing is counted; a cut ends with ``...``
        when the encoding has no ``…``.
        ``deliver`` (a callable taking the ``Rendered``: print it, send it) is
        called after the count; if it raises, the count is withdrawn (so a
        retry counts again) and its exception propagates. If withdrawing
        fails too, the store's error (a ``StoreError``) is raised with the
        exception as its ``__cause__``: the store then counts one footer that
        was not delivered. ``deliver`` that is not callable is a
        ``TypeError`` before anything is counted; its return value is ignored.
        """

    def explain(
        self,
        *,
        key: Optional[str] = None,
        surface: str = "receipt",
        lang: str = "th",
        at: Union[datetime.datetime, str, None] = None,
        sequence: Optional[int] = None,
    ) -> dict[str, Any]:
        """Why each message was or was not eligible, and the rule that chose.

        The dict of ``keymsg explain --json``: ``surface``, ``lang``, ``at``,
        ``policy``, ``tier``, ``candidates`` (``message_id``, ``priority``,
        ``weight``, ``eligible``, ``reason``, ``winning_tier``,
        ``sticky_draw``), ``chosen`` (``message_id``, ``policy``, ``token``,
        or ``None``) and ``rule``. Nothing is laid out or counted. ``at``
        (default now) is in years 1 to 2399 in Asia/Bangkok, as for
        ``footer``; another raises ``InvalidArgumentError``.
        """

    def popup(
        self,
        *,
        key: Optional[str] = None,
        lang: str = "th",
        at: Union[datetime.datetime, str, None] = None,
        kind: Optional[str] = None,
        idempotency_key: Optional[str] = None,
        deliver: Optional[Callable[[Rendered], object]] = None,
    ) -> Rendered:
        """A pop-up (``title`` + body) for an app user: select, lay out, count.

        ``key`` is the subject (user id); ``kind`` the app name. ``deliver``:
        as for ``footer``, a pop-up the app could not show is not counted.
        """

    def replay(
        self,
        token: str,
        *,
        profile: Optional[str] = None,
        width: Optional[int] = None,
        lang: str = "th",
        at: Union[datetime.datetime, str, None] = None,
        kind: Optional[str] = None,
        encoding: Optional[str] = None,
    ) -> Rendered:
        """Re-render the message of a stored selection ``token`` (a reprint),
        even if the catalog's weights changed since. Counted only with
        ``Engine(count_reprints=True)``. Raises ``SelectionError`` for an
        invalid token."""

    def flush(self) -> None:
        """Make every acknowledged count durable (an explicit barrier)."""

    def record(self, month: str, channel: str, message_id: str, count: int) -> None:
        """Record a manual count for ``month`` (``"YYYY-MM"``) and one of the
        form's channels: ``online``, ``on-air``, ``on-ground``, ``billboard``,
        ``community``, ``documents``. Replaces an earlier entry for the same
        month, channel and message. ``message_id`` must be in the catalog
        (``InvalidArgumentError`` otherwise). Needs a store."""

    def record_content(self, month: str, channel: str, content: str, count: int) -> None:
        """Record a manual count for content that is not in the catalog (a
        radio spot, a community meeting): a row of its own on the form. The
        same content recorded again in the month (white space does not
        matter) replaces its count. Needs a store."""

    def report(
        self,
        month: str,
        *,
        omit_zero_rows: bool = False,
        reporter: Optional[str] = None,
        position: Optional[str] = None,
        signed_on: Union[datetime.date, str, None] = None,
    ) -> Report:
        """The month's report for this engine's agency. Needs a store.
        ``omit_zero_rows`` gives the compact form; ``reporter``, ``position``
        and ``signed_on`` fill in the signature block (``signed_on`` as in
        ``keymsg.report``: from the month's first day to two years after its
        last day)."""

    def metrics(self) -> str:
        """The store's all-time counters in the Prometheus text format, for
        monitoring (the monthly form comes from ``report``). Needs a store."""

@final
class Fit:
    """How a text was fitted to its profile."""

    @property
    def variant(self) -> str:
        """The variant used: ``"long"`` or ``"short"``."""

    @property
    def truncated(self) -> bool:
        """Whether the text had to be truncated (the last resort)."""

    @property
    def truncated_core(self) -> bool:
        """Whether the cut dropped every hotline, URL and e-mail address.

        Only seen with ``Engine(allow_lossy=True)``; such a result is never
        counted. Without it, the engine raises ``LayoutError`` instead.
        """

@final
class Rendered:
    """A rendered footer or pop-up (immutable)."""

    @property
    def message_id(self) -> str:
        """The message shown."""

    @property
    def text(self) -> str:
        """The lines joined with ``\n``."""

    @property
    def lines(self) -> list[str]:
        """The laid-out lines (a new list on each access)."""

    @property
    def title(self) -> Optional[str]:
        """The pop-up title (``None`` for footers)."""

    @property
    def token(self) -> str:
        """Selection token: store it with the document to reprint the same message."""

    @property
    def fit(self) -> Fit:
        """Which variant was used and whether it was truncated."""

    @property
    def counted(self) -> bool:
        """Whether this call counted an insertion (``False`` without a store,
        for a repeated idempotency key, an uncounted reprint or a counting error)."""

    @property
    def count_error(self) -> Optional[str]:
        """Why counting failed, when the engine fails open."""

    @property
    def encoded(self) -> bytes:
        """The bytes to print: ``text`` in the ``encoding`` the footer was
        asked for (made before it was counted), or UTF-8 when none was."""

    def to_dict(self) -> dict[str, object]:
        """The fields as a dict with the CLI's ``--json`` keys."""

    def to_json(self) -> str:
        """The fields as JSON (the CLI's ``--json`` output)."""

@final
class Report:
    """The Ministry of Interior monthly form of one agency (immutable)."""

    @staticmethod
    def from_json(text: str) -> Report:
        """Read a report written by ``to_json``. Raises ``ReportError``."""

    @property
    def agency(self) -> str:
        """The reporting agency or unit."""

    @property
    def month(self) -> str:
        """The month, ``YYYY-MM`` (Asia/Bangkok)."""

    @property
    def rows(self) -> list[ReportRow]:
        """One row per key message."""

    @property
    def totals(self) -> Totals:
        """Column sums."""

    def to_json(self) -> str:
        """Lossless JSON; ``Report.from_json`` reads it back."""

    def to_csv(self) -> str:
        """CSV, UTF-8 with BOM (Excel shows Thai), formula-injection safe."""

    def to_markdown(self) -> str:
        """Markdown, for a quick look."""

    def to_xlsx_bytes(self) -> bytes:
        """The XLSX workbook as bytes."""

    def save_xlsx(self, path: Union[str, PathLike[str]]) -> None:
        """Write the XLSX workbook (form and breakdown sheets) to ``path``."""

@final
class ReportRow:
    """One content row of the form: a key message and its six channel counts."""

    @property
    def message_id(self) -> str:
        """The catalog message id."""

    @property
    def content(self) -> str:
        """The content column (the message text)."""

    @property
    def online(self) -> int:
        """Online column."""

    @property
    def on_air(self) -> int:
        """On Air column."""

    @property
    def on_ground(self) -> int:
        """On Ground column."""

    @property
    def billboard(self) -> int:
        """Digital Billboard column."""

    @property
    def community(self) -> int:
        """Community column."""

    @property
    def documents(self) -> int:
        """Documents and Application column (what keymsg counts)."""

@final
class Totals:
    """Column sums of a report."""

    @property
    def online(self) -> int:
        """Online column."""

    @property
    def on_air(self) -> int:
        """On Air column."""

    @property
    def on_ground(self) -> int:
        """On Ground column."""

    @property
    def billboard(self) -> int:
        """Digital Billboard column."""

    @property
    def community(self) -> int:
        """Community column."""

    @property
    def documents(self) -> int:
        """Documents and Application column."""

def select(
    catalog: Optional[Catalog] = None,
    *,
    surface: str = "receipt",
    lang: str = "th",
    document_key: Optional[str] = None,
    subject_key: Optional[str] = None,
    sequence: Optional[int] = None,
    at: Union[datetime.datetime, str, None] = None,
    policy: Optional[str] = None,
) -> Selection:
    """Select a message as ``Engine`` would, without laying it out or counting it.

    Follows the published selection spec (docs/SELECTION.md), so the result
    matches Rust, C and the CLI for the same catalog and request. ``surface``
    is ``receipt``, ``invoice``, ``popup``, ``push``, ``sms`` or ``billboard``;
    ``policy`` overrides the catalog's policy for that surface. Raises
    ``SelectionError`` when nothing is eligible.
    """

@final
class Selection:
    """Which message a request selects, by which policy (immutable)."""

    @property
    def message_id(self) -> str:
        """The chosen message's id."""

    @property
    def policy(self) -> str:
        """The policy that decided, after documented fallbacks (``"sticky"``, ``"cycle:week"``, ...)."""

    @property
    def token(self) -> str:
        """The selection token to store with the document for an exact reprint."""

@final
class CapClaim:
    """The decision of ``CapLedger.claim`` (immutable; true when granted)."""

    @property
    def granted(self) -> bool:
        """True: show the pop-up (the impression is noted); False: not now."""

    @property
    def retry_at(self) -> Optional[datetime.datetime]:
        """When not granted: the earliest time (UTC) the subject may see one again."""

    def __bool__(self) -> bool: ...

@final
class CapLedger:
    """Pop-up frequency caps per subject, shared by every process using one
    store directory, or every host using one PostgreSQL fleet store:
    ``claim`` checks and notes in one transaction."""

    def __new__(cls, store: Union[str, PathLike[str]]) -> CapLedger:
        """``store``: a store directory (opened by an ``Engine`` first), a
        ``postgres://`` fleet store URL (contacted at the first claim) or ``":memory:"``."""

    def claim(
        self,
        subject: str,
        *,
        per_day: Optional[int] = None,
        per_week: Optional[int] = None,
        min_gap_seconds: Optional[int] = None,
        at: Optional[Union[datetime.datetime, str]] = None,
    ) -> CapClaim:
        """Claim a pop-up for ``subject`` at ``at`` (default now); show it only when granted."""

def _test_panic() -> None:
    """Test hook: panics inside Rust; raises ``KeymsgError``, never ``PanicException``."""
