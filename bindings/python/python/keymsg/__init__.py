"""keymsg: anti-online-scam key messages for Thai receipts, bills and app pop-ups.

Thin Python layer over the Rust core (``keymsg._keymsg``): Thai-aware layout,
message selection, durable counting and the Ministry of Interior monthly report.

>>> import keymsg
>>> catalog = keymsg.Catalog.default()
>>> "aoc-1441" in catalog
True
>>> keymsg.width("น้ำ")
2
>>> engine = keymsg.Engine(store=":memory:", agency="PEA Chiang Mai")
>>> footer = engine.footer(key="INV-0001")
>>> all(keymsg.width(line) <= 32 for line in footer.lines)
True
"""

from keymsg._keymsg import (
    CapClaim,
    CapLedger,
    Catalog,
    CatalogError,
    Engine,
    Fit,
    InputTooLargeError,
    InvalidArgumentError,
    KeymsgError,
    LayoutError,
    Rendered,
    Report,
    ReportError,
    ReportRow,
    Selection,
    SelectionError,
    StoreError,
    StoreLostError,
    Totals,
    TrustError,
    __version__,
    encode,
    report,
    select,
    sign,
    truncate,
    width,
    wrap,
)

__all__ = [
    "CapClaim",
    "CapLedger",
    "Catalog",
    "CatalogError",
    "Engine",
    "Fit",
    "InputTooLargeError",
    "InvalidArgumentError",
    "KeymsgError",
    "LayoutError",
    "Rendered",
    "Report",
    "ReportError",
    "ReportRow",
    "Selection",
    "SelectionError",
    "StoreError",
    "StoreLostError",
    "Totals",
    "TrustError",
    "__version__",
    "encode",
    "report",
    "select",
    "sign",
    "truncate",
    "width",
    "wrap",
]
