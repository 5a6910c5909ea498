"""Type stubs for the compiled part of the ``keymsg`` package.

Checked against the built module by ``python -m mypy.stubtest keymsg``.
"""

from os import PathLike
from typing import Union, final

__all__ = [
    "__version__",
    "KeymsgError",
    "CatalogError",
    "LayoutError",
    "SelectionError",
    "StoreError",
    "ReportError",
    "InvalidArgumentError",
    "Catalog",
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

class LayoutError(KeymsgError):
    """Text could not be laid out or encoded for a profile."""

class SelectionError(KeymsgError):
    """No message could be selected, or a selection token was invalid."""

class StoreError(KeymsgError):
    """The insertion store failed (I/O, corruption, disk full, ...)."""

class ReportError(KeymsgError):
    """A report could not be built, read, merged or written."""

class InvalidArgumentError(KeymsgError, ValueError):
    """An argument was out of its documented range (also a ``ValueError``)."""

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

    @property
    def version(self) -> int:
        """Catalog version (monotonic)."""

    def message_ids(self) -> list[str]:
        """Ids of all messages, in file order."""

    def __len__(self) -> int:
        """Number of messages."""

    def __contains__(self, message_id: str, /) -> bool:
        """Whether the catalog has a message with this id."""

def _test_panic() -> None:
    """Test hook: panics inside Rust; raises ``KeymsgError``, never ``PanicException``."""
