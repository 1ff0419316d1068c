"""Optional parts of the install: ``pip install manpower`` reads releases (load, download,
show); ``manpower[validate]`` adds the validators, ``manpower[build]`` the pipeline and report.

A command that needs a missing part says which extra to install, in one line.
"""

from __future__ import annotations

import importlib.util

from manpower.errors import UsageError

# The top-level modules each extra brings, as imported (not as named on PyPI).
EXTRAS: dict[str, tuple[str, ...]] = {
    "validate": ("frictionless", "pandera", "polars", "pyarrow"),
    "build": ("dvc", "matplotlib", "jinja2", "markdown_it", "yaml"),
}


def installed(extra: str) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in EXTRAS[extra])


def extra_of(module: str) -> str | None:
    top = module.split(".")[0]
    return next((name for name, modules in EXTRAS.items() if top in modules), None)


class MissingExtra(UsageError):
    """A command needs an optional dependency that is not installed (exit code 2)."""


def missing(exc: ModuleNotFoundError, command: str) -> MissingExtra | None:
    """The one-line message for ``exc`` when the module belongs to an extra; else None."""
    extra = extra_of(exc.name or "")
    if extra is None:
        return None
    return MissingExtra(
        f"manpower {command} needs the {extra} extra: pip install 'manpower[{extra}]' "
        f"(module {exc.name} is not installed)"
    )
