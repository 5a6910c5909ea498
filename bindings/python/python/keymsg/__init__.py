"""keymsg: anti-online-scam key messages for Thai receipts, bills and app pop-ups.

Thin Python layer over the Rust core (``keymsg._keymsg``): Thai-aware layout,
message selection, durable counting and the Ministry of Interior monthly report.

>>> import keymsg
>>> catalog = keymsg.Catalog.default()
>>> "aoc-1441" in catalog
True
"""

from keymsg._keymsg import (
    Catalog,
    CatalogError,
    InvalidArgumentError,
    KeymsgError,
    LayoutError,
    ReportError,
    SelectionError,
    StoreError,
    __version__,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "InvalidArgumentError",
    "KeymsgError",
    "LayoutError",
    "ReportError",
    "SelectionError",
    "StoreError",
    "__version__",
]
