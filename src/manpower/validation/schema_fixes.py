"""What to do about each Table Schema error, in plain words: one text for both engines.

Its own module so that the columnar engine and the runner (which runs that engine) both read it
without importing each other. Issue 13's error catalogue is to take these texts over.
"""

from __future__ import annotations

STALE_FILE = (
    "the file is not the one datapackage.json describes (edited after the package was built or "
    "downloaded): download the release again, or rebuild it with manpower build"
)
# What to do about each frictionless error type, in plain words.
FIXES: dict[str, str] = {
    "type-error": "write the value in the column's type (numbers as plain ASCII digits with an "
    "optional leading - and decimal point, no separators, NaN or Infinity; dates as YYYY-MM-DD)",
    "constraint-error": "change the value so that it meets the column's constraint",
    "foreign-key": "use an id that exists in the referenced table, or add that row first",
    "primary-key": "give every row its own id",
    "unique-error": "give every row its own value in this column",
    "missing-cell": "fill the missing cell (or leave it empty, with its comma)",
    "extra-cell": "remove the extra cell, or quote a cell that contains a comma",
    "blank-row": "remove the empty row",
    "duplicate-label": "remove or rename the duplicated column",
    "missing-label": "add the missing column to the header",
    "extra-label": "remove the column the schema does not know",
    "incorrect-label": "name the columns exactly as in the schema, in schema order",
    "encoding-error": "save the file as UTF-8",
    "hash-count": STALE_FILE,
    "byte-count": STALE_FILE,
    "row-count": STALE_FILE,
    "scheme-error": "check the resource path",
    "source-error": "check that the file exists and is a readable CSV",
}
DEFAULT_FIX = "see the Table Schema in schemas/"


def schema_fix(rule: str) -> str:
    """The fix for a frictionless error type (or one the columnar engine reports in its words)."""
    return FIXES.get(rule, DEFAULT_FIX)
