"""The library's exceptions."""

from __future__ import annotations


class ManpowerError(Exception):
    """Base class of every error the library raises on purpose.

    The CLI turns it into one clean message and exit code 1; anything else is a bug.
    """

    exit_code = 1


class UsageError(ManpowerError):
    """The caller asked for something that cannot be done as asked (exit code 2)."""

    exit_code = 2
