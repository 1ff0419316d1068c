"""The library's exceptions and the machine-readable problem record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class ManpowerError(Exception):
    """Base class of every error the library raises on purpose.

    The CLI turns it into one clean message and exit code 1; anything else is a bug.
    """

    exit_code = 1


class UsageError(ManpowerError):
    """The caller asked for something that cannot be done as asked (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One validation error, in the same shape whichever layer found it.

    ``row`` is the frictionless row number: the header is row 1, the first data row is row 2.
    ``table`` is the table a problem is about; ``file`` the file as the user named it, for a
    problem of a submitted file (``submit``), where the row number is the file's own.
    """

    table: str
    row: int | None
    field: str | None
    value: str | None
    rule: str
    message: str
    fix: str = ""
    layer: str = "semantic"
    file: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``validate``'s keys (table ... layer), or ``submit``'s for a problem of a file."""
        data = asdict(self)
        file = data.pop("file")
        if file is None:
            return data
        del data["table"], data["layer"]
        return {"file": file, **data}
