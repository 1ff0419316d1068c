"""manpower: a validated data package of claims about Russia's military manpower.

The library is importable on its own; the click CLI in ``manpower.cli`` is a thin layer on top.
Heavy dependencies (frictionless, pandera, pandas) are imported inside the functions that need
them so that ``import manpower`` and ``manpower --help`` stay instant; ``manpower.load`` is
resolved on first use for the same reason.
"""

from __future__ import annotations

from typing import Any

from manpower.errors import ManpowerError

__all__ = ["ManpowerError", "__version__", "load"]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # The module is manpower.releasing.loader, not manpower.load: importing a submodule named
    # ``load`` would replace this function's result with the module object.
    if name == "load":
        from manpower.releasing.loader import load

        return load
    raise AttributeError(f"module 'manpower' has no attribute {name!r}")
