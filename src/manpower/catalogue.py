"""The error catalogue: every rule the package reports, defined once, and the problem record.

Each rule has an id (one per concept, kebab-case), the layer that reports it, a one-line summary
of what it requires (the README's rule list), the message template and the fix. A rule that
several layers report in their own words (``extra-cell`` from intake and from the Table Schema
layer), or that one layer words several ways (``encoding``), keeps one id and names each other
wording as a variant. Messages are ``str.format`` templates filled by :func:`message`; the Table
Schema layer's template is the engine's own note, which ``--format json`` keeps for machines,
and its variants are the same problems in a contributor's words (which column, what is wrong,
what to do), filled from the parameters the engine attaches to each :class:`Problem`
(``contributing.plain_words``).

Every module that reports a problem takes the id from the constant defined here, so a grep for
an id finds its definition in exactly one place (``tests/unit/test_catalogue.py`` checks it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

LAYERS = (
    "intake",
    "schema",
    "semantic",
    "submit",
    "fmt",
    "package",
    "coverage",
    "draft",
    "import",
    "compare",
)


@dataclass(frozen=True, order=True)
class Problem:
    """One validation error, in the same shape whichever layer found it.

    ``row`` is the frictionless row number: the header is row 1, the first data row is row 2.
    ``table`` is the table a problem is about; ``file`` the file as the user named it, for a
    problem of a submitted file (``submit``), where the row number is the file's own.
    ``params`` are what the message was made of (the Table Schema layer's constraint, type,
    earlier row or reference), from which the plain-words variants are filled; they take no
    part in equality, ordering, ``repr`` or :meth:`to_dict`.
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
    params: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """``validate``'s keys (table ... layer), or ``submit``'s for a problem of a file."""
        data = asdict(self)
        del data["params"]
        file = data.pop("file")
        if file is None:
            return data
        del data["table"], data["layer"]
        return {"file": file, **data}


@dataclass(frozen=True)
class Wording:
    """Another way to say a rule's problem: its message template and fix."""

    template: str
    fix: str


@dataclass(frozen=True)
class Rule:
    id: str
    layer: str
    summary: str  # what the rule requires, in one line
    template: str  # the message, a str.format template
    fix: str
    variants: Mapping[str, Wording] = field(default_factory=dict)
    # the layer a Problem of this rule names (``--format json`` keeps today's values)
    reported_as: str = ""
    # row-level Table Schema rules that a problem of this rule on the same row explains already
    replaces: tuple[str, ...] = ()

    def wording(self, variant: str | None = None) -> Wording:
        if variant is None:
            return Wording(self.template, self.fix)
        return self.variants[variant]


_CATALOGUE: list[Rule] = []


def _define(
    rule_id: str,
    layer: str,
    summary: str,
    fix: str,
    template: str | None = None,
    *,
    reported_as: str | None = None,
    replaces: tuple[str, ...] = (),
    **variants: tuple[str, str],
) -> str:
    """Add a rule to the catalogue and return its id, for the constant that names it."""
    if layer not in LAYERS:
        raise ValueError(f"rule {rule_id!r}: unknown layer {layer!r}")
    wordings = {k.replace("_", "-"): Wording(t, f) for k, (t, f) in variants.items()}
    _CATALOGUE.append(
        Rule(
            rule_id,
            layer,
            summary,
            summary if template is None else template,
            fix,
            wordings,
            reported_as or layer,
            replaces,
        )
    )
    return rule_id


# What to do about a file that is not the one the descriptor describes.
STALE_FILE = (
    "the file is not the one datapackage.json describes (edited after the package was built or "
    "downloaded): download the release again, or rebuild it with manpower build"
)
# The fix of a Table Schema error type the catalogue does not know (frictionless has many).
DEFAULT_FIX = "see the Table Schema in schemas/"
# frictionless and the columnar engine word the Table Schema errors themselves: their note is
# the message.
NOTE = "{note}"

# ---- intake: a submitted or curated CSV file read defensively (contributing.intake) ----------
NO_FILE = _define(
    "no-file", "intake", "the file exists", "check the path", "the file does not exist"
)
UNREADABLE_FILE = _define(
    "unreadable-file",
    "intake",
    "the file can be opened and read",
    "check the path",
    "the file cannot be read ({reason})",
)
NOT_A_REGULAR_FILE = _define(
    "not-a-regular-file",
    "intake",
    "a submitted file is a regular file, not a link, folder, pipe or device",
    "use the CSV file itself, not a link, pipe or device",
    "the file is {kind}, not a regular file",
)
FILE_TOO_LARGE = _define(
    "file-too-large",
    "intake",
    "a submitted file has at most 20 MB",
    "split it or check that it is the right file",
    "the file {has}, more than the {limit:,} allowed",
)
EMPTY_FILE = _define(
    "empty-file", "intake", "the file is not empty", "add a header and rows", "the file is empty"
)
NO_ROWS = _define(
    "no-rows",
    "intake",
    "a submitted file has rows below its header",
    "add the rows to submit",
    "the file has a header but no rows",
)
ENCODING = _define(
    "encoding",
    "intake",
    "the file is UTF-8 text",
    "save it as UTF-8",
    "the file is not UTF-8 (byte 0x{byte:02x} on line {line}; it may be Latin-1 or Windows-1252)",
    utf_16_bom=(
        "the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
        "save it as UTF-8 (in a spreadsheet: CSV UTF-8, then remove the byte-order mark)",
    ),
    utf_16=(
        "the file looks like UTF-16 (every other byte is NUL), not UTF-8",
        "save it as a plain UTF-8 text file",
    ),
    nul=("the file contains a NUL byte (line {line})", "save it as a plain UTF-8 text file"),
)
BYTE_ORDER_MARK = _define(
    "byte-order-mark",
    "intake",
    "the file does not start with a byte-order mark",
    "save it as UTF-8 without BOM",
    "the file starts with a UTF-8 byte-order mark (BOM)",
)
LINE_ENDING = _define(
    "line-ending",
    "intake",
    "lines end with LF or CRLF",
    "use LF or CRLF line endings",
    "the file has a bare carriage return (CR) on line {line}",
)
UNBALANCED_QUOTE = _define(
    "unbalanced-quote",
    "intake",
    "every quote that opens a cell closes on the same line",
    'close the quote, or double a quote character inside a quoted cell ("")',
    "a quote opened on line {line} is never closed, so every line after it would be swallowed "
    "into one cell",
    still_open=(
        "a quote opened on line {line} is still open on line {end}, so the lines in between "
        "were swallowed into one cell",
        "close the quote on the line where it opens",
    ),
    closed_later=(
        "a quote opened on line {line} is closed only on line {end}, so the rows on {lines} "
        "were swallowed into one cell",
        "close the quote on the line where it opens",
    ),
)
MALFORMED_CSV = _define(
    "malformed-csv",
    "intake",
    "the file is valid CSV",
    "quote a cell that contains a comma or a quote, and double quotes inside it",
    "line {line} is not valid CSV ({error})",
)
CELL_TOO_LARGE = _define(
    "cell-too-large",
    "intake",
    "a cell has at most 10,000 characters",
    "shorten it (quotes are short excerpts; notes are at most 2,000 characters)",
    "the cell has {size:,} characters, more than the {limit:,} allowed",
)
LINE_BREAK_IN_CELL = _define(
    "line-break-in-cell",
    "intake",
    "each cell is on one line",
    "write each cell on one line (replace the line break with a space)",
    "the cell spans lines {start}-{end}",
)
UNKNOWN_COLUMN = _define(
    "unknown-column",
    "intake",
    "the header names only the table's columns",
    "rename or remove the column",
    "unknown column{plural} {labels}{hint}; table {table} has {fields}",
)
MISSING_COLUMN = _define(
    "missing-column",
    "intake",
    "the header names every column of the table",
    "add the column to the header, with an empty cell where there is no value",
    "missing column{plural} {columns} (table {table})",
)
UNKNOWN_TABLE = _define(
    "unknown-table",
    "intake",
    "a submitted file is named after its table or has one table's exact header",
    "name the file after its table, e.g. claims.csv, or use that table's exact header",
    "cannot tell which table the file is for (its name is not one of {tables} and its header "
    "matches no table exactly)",
)

# ---- schema: the Table Schema layer (its notes are the messages; the variants are the same
# problems in plain words, filled from the Problem's params: contributing.plain_words) ---------
# A row whose id (a unique column or the primary key) repeats an earlier row's.
_REPEATED = (
    "{what} repeats the one in row {previous}",
    "give every row its own id (for a claim: the next free <source_id>-NN)",
)
TYPE_ERROR = _define(
    "type-error",
    "schema",
    "a cell has its column's type (the package's number and date grammar)",
    "write the value in the column's type (numbers as plain ASCII digits with an optional "
    "leading - and decimal point, no separators, NaN or Infinity; dates as YYYY-MM-DD)",
    NOTE,
    number=(
        "{field} is not a number",
        "write the figure in digits, with a dot for decimals and without separators, units or "
        "words (10000, not 10,000 or 10k)",
    ),
    date=("{field} is not a date", "write a real calendar date as YYYY-MM-DD, e.g. 2025-12-31"),
)
CONSTRAINT_ERROR = _define(
    "constraint-error",
    "schema",
    "a cell meets its column's constraints (required, enum, pattern, length, range)",
    "change the value so that it meets the column's constraint",
    NOTE,
    # the fixes here are the generic ones: plain_words names a column's own where it has one
    required=("{field} is empty", "fill in {field} (see README, Tables and columns)"),
    enum=(
        "{field} must be one of {allowed}{suggestion}",
        "write one of these values exactly, in lower case",
    ),
    pattern=(
        "{field} is not written in the expected form",
        "write it to match the pattern {pattern}",
    ),
    max_length=(
        "{field} is {length} characters long, at most {limit} are allowed",
        "shorten it",
    ),
    min_length=("{field} is shorter than {limit} characters", "write it in full"),
)
FOREIGN_KEY = _define(
    "foreign-key",
    "schema",
    "a reference names an existing row of the referenced table",
    "use an id that exists in the referenced table, or add that row first",
    NOTE,
    unknown=(
        "{fields} {values!r} is not in data/{target}.csv{suggestion}",
        "copy an existing {ref} from data/{target}.csv, or add the {target} row first",
    ),
)
PRIMARY_KEY = _define(
    "primary-key",
    "schema",
    "the primary key is filled and unique",
    "give every row its own id",
    NOTE,
    repeated=_REPEATED,
)
UNIQUE_ERROR = _define(
    "unique-error",
    "schema",
    "unique columns and unique keys hold no repeated value",
    "give every row its own value in this column",
    NOTE,
    repeated=_REPEATED,
)
MISSING_CELL = _define(
    "missing-cell",
    "schema",
    "a row has a cell for every column",
    "fill the missing cell (or leave it empty, with its comma)",
    NOTE,
    intake=(
        "row has {cells} cells but the header has {width}",
        "give every row one cell per column (quote cells that contain commas)",
    ),
)
EXTRA_CELL = _define(
    "extra-cell",
    "schema",
    "a row has no more cells than the header",
    "remove the extra cell, or quote a cell that contains a comma",
    NOTE,
    intake=(
        "row has {cells} cells but the header has {width}",
        "give every row one cell per column (quote cells that contain commas)",
    ),
)
BLANK_ROW = _define(
    "blank-row",
    "schema",
    "no row is empty",
    "remove the empty row",
    NOTE,
    intake=("the row has no values", "remove the empty row"),
)
DUPLICATE_LABEL = _define(
    "duplicate-label",
    "schema",
    "no column name appears twice in the header",
    "remove or rename the duplicated column",
    NOTE,
    intake=(
        "column {label} appears twice in the header (columns {first} and {second})",
        "keep one of them",
    ),
)
MISSING_LABEL = _define(
    "missing-label",
    "schema",
    "the header has every column of the schema",
    "add the missing column to the header",
    NOTE,
)
EXTRA_LABEL = _define(
    "extra-label",
    "schema",
    "the header has no column the schema does not know",
    "remove the column the schema does not know",
    NOTE,
)
INCORRECT_LABEL = _define(
    "incorrect-label",
    "schema",
    "the header names the columns exactly as the schema, in schema order",
    "name the columns exactly as in the schema, in schema order",
    NOTE,
)
BLANK_LABEL = _define(
    "blank-label", "schema", "no column name in the header is blank", DEFAULT_FIX, NOTE
)
ENCODING_ERROR = _define(
    "encoding-error", "schema", "a table is UTF-8", "save the file as UTF-8", NOTE
)
HASH_COUNT = _define(
    "hash-count",
    "schema",
    "a published file has the hash datapackage.json gives",
    STALE_FILE,
    NOTE,
)
BYTE_COUNT = _define(
    "byte-count",
    "schema",
    "a published file has the size datapackage.json gives",
    STALE_FILE,
    NOTE,
)
ROW_COUNT = _define(
    "row-count",
    "schema",
    "a published file has the number of rows datapackage.json gives",
    STALE_FILE,
    NOTE,
)
SCHEME_ERROR = _define(
    "scheme-error", "schema", "a resource's path can be opened", "check the resource path", NOTE
)
SOURCE_ERROR = _define(
    "source-error",
    "schema",
    "a resource's file exists and is a readable CSV",
    "check that the file exists and is a readable CSV",
    NOTE,
)

# ---- package: the package as a whole, before or instead of its rows --------------------------
TABLE_TOO_LARGE = _define(
    "table-too-large",
    "package",
    "a curated table has at most 1 GiB, or what MANPOWER_MAX_TABLE_BYTES says (README, Limits)",
    "the package is sized for tables up to this limit; on a machine with more memory (about 15 "
    "times the table size), raise it with the environment variable MANPOWER_MAX_TABLE_BYTES "
    "(a whole number of bytes)",
    "{display} has {size:,} bytes, more than the {limit:,} bytes a table may have "
    "(MANPOWER_MAX_TABLE_BYTES; README, Limits)",
    reported_as="schema",
)
UNSUPPORTED_PACKAGE = _define(
    "unsupported-package",
    "package",
    "datapackage.json and the table schemas have the shape manpower reads: an object whose "
    "resources each have a unique name, a CSV path (UTF-8, comma-separated, with a header, "
    "uncompressed) and a schema of fields with names, known types and valid patterns and keys",
    "restore datapackage.json or the schema from the release, or write the package as "
    "README, Data package, describes it",
    "{where}: {why}; refused, nothing was read",
)
UNTRUSTED_SCHEMA = _define(
    "untrusted-schema",
    "package",
    "an outside package's table schemas are the ones its version was released with, or "
    "manpower's own (validate DIR, download and load check a package against its version's "
    "rules, never against rules it brings)",
    "download the release again (manpower download VERSION); a package that is not manpower's "
    "is checked against its own schemas only with manpower validate --own-schemas DIR",
    "{where}: the schema of table {table!r} is not {trusted} ({count} "
    "difference{plural}: {changes}); refused, nothing was validated: download the release "
    "again, or check a package that is not manpower's with manpower validate --own-schemas DIR",
)
UNKNOWN_VERSION = _define(
    "unknown-version",
    "package",
    "an outside package declares a version whose schemas this manpower carries",
    "upgrade manpower (pip install --upgrade manpower) or use the manpower of the package's "
    "release; a package that is not manpower's: manpower validate --own-schemas DIR",
    "datapackage.json: version {version} is not one this manpower ({library}) has the "
    "schemas of, and its schemas are not manpower's own; refused, nothing was validated: "
    "upgrade manpower (pip install --upgrade manpower), or check a package that is not "
    "manpower's with manpower validate --own-schemas DIR",
)
TABLE_TOO_WIDE = _define(
    "table-too-wide",
    "package",
    "a table's header has at most as many columns as its schema has fields, plus a few",
    "remove the extra columns (each column is a field of the table's schema)",
    "the header has more than {limit:,} columns ({fields} fields in its schema and {extra} "
    "extra allowed); no row was read",
    no_schema=(
        "the header has more than {limit:,} columns; no row was read",
        "remove the extra columns (each column is a field of the table's schema)",
    ),
)
PACKAGE_ERROR = _define(
    "package-error",
    "package",
    "datapackage.json and the schemas can be read",
    "fix datapackage.json or the schemas",
    "{error}",
    reported_as="schema",
    # frictionless's own package-level errors, whatever their type
    frictionless=("{error}", "fix datapackage.json"),
)
MISSING_TABLE = _define(
    "missing-table",
    "package",
    "the package has every required table",
    "add the table as a resource",
    "the package has no {tables} table",
    reported_as="semantic",
)
FIELD_TYPE_NEEDED = _define(
    "field-type-needed",
    "package",
    "the fields the semantic rules read have the types manpower's schemas give them",
    "declare the field with the type manpower's schemas give it (see schemas/)",
    "declared {declared}, but the semantic rules read {field} as {needed}; they were not run",
    reported_as="semantic",
)
UNREADABLE_TABLE = _define(
    "unreadable-table",
    "package",
    "every table parses as CSV (the semantic rules need all of them)",
    "fix the file so that it parses as CSV",
    "{error}",
    reported_as="semantic",
)

# ---- semantic: rules JSON Table Schema cannot express (validation.rules) ---------------------
_VALUES = " ({value_kind}: {values})"
VALUE_BOUNDS = _define(
    "value-bounds",
    "semantic",
    "value_low <= value <= value_high",
    "swap or correct the bounds so that value_low <= value <= value_high",
    "value_low <= value <= value_high" + _VALUES,
)
VALUE_KIND_FIELDS = _define(
    "value-kind-fields",
    "semantic",
    "the value cells match value_kind",
    "exact/approximate/forecast fill value; at_least/more_than fill value_low; "
    "up_to/less_than fill value_high; range fills value_low and value_high; "
    "interpreted fills at least one",
    "the value cells match value_kind" + _VALUES,
)
PERCENT_RANGE = _define(
    "percent-range",
    "semantic",
    "percent values lie within 0..100",
    "a percent must be between 0 and 100; check the unit of the metric",
)
# Percentage points of rounding allowed per share of a breakdown (three shares of 33.4 are fine).
SHARE_ROUNDING = 0.5
SHARE_SUM = _define(
    "share-sum",
    "semantic",
    "shares of one breakdown (a metric with counting_basis breakdown; claimant, source, period) "
    f"sum to at most 100, plus {SHARE_ROUNDING:g} per share for rounding",
    "check the values: the categories of one breakdown cannot add up to more than 100% "
    f"(plus {SHARE_ROUNDING:g} per share for rounding); shares that overlap are no breakdown: "
    "use a separate metric (counting_basis share) for each",
)
NON_NEGATIVE = _define(
    "non-negative",
    "semantic",
    "values are not negative",
    "counts, amounts and ratios cannot be negative",
)
FINITE = _define(
    "finite",
    "semantic",
    "values are finite numbers",
    "write a finite number; leave the cell empty when there is none",
)
PERIOD_ORDER = _define(
    "period-order",
    "semantic",
    "period_start <= period_end",
    "period_start must not be after period_end",
)
PERIOD_AFTER_PUBLICATION = _define(
    "period-after-publication",
    "semantic",
    "the period ends no later than the source's publication date (forecasts excepted)",
    "a figure cannot refer to a time after it was published; use value_kind forecast "
    "for projections or correct the dates",
    "the period ends no later than the source's publication date (forecasts excepted) "
    "(period_end {period_end}, published {published})",
)
FUTURE_DATE = _define(
    "future-date",
    "semantic",
    "no date lies in the future",
    "dates must not be later than today",
)
REAL_DATE = _define(
    "real-date",
    "semantic",
    "dates are real calendar dates (YYYY-MM-DD)",
    "write a real date as YYYY-MM-DD (e.g. 2025-02-28, not 2025-02-30)",
)
DATE_RANGE = _define(
    "date-range",
    "semantic",
    "dates lie between 1900-01-01 and 2100-12-31, which every reader of the package "
    "(manpower.load, the exports, the charts) can represent",
    "write the date the document states; one outside 1900-2100 is a typing slip (0001 for 2001)",
)
QUOTE_STATES_VALUE = _define(
    "quote-states-value",
    "semantic",
    "each of value_low, value and value_high appears in the quote",
    "copy the part of the source that states the figure into quote, or use "
    "value_kind interpreted with a note saying how the figure was read",
    "each of value_low, value and value_high appears in the quote" + _VALUES,
)
INTERPRETED_NEEDS_NOTE = _define(
    "interpreted-needs-note",
    "semantic",
    "an interpreted figure explains itself in notes",
    "say in notes how the figure was read from the source",
)
CUMULATIVE_MONOTONIC = _define(
    "cumulative-monotonic",
    "semantic",
    "a cumulative figure from one claimant does not fall over time",
    "a lower later figure must name the claim it corrects in supersedes",
)
SUPERSEDES_CYCLE = _define(
    "supersedes-cycle",
    "semantic",
    "supersedes has no cycles",
    "a claim cannot (indirectly) supersede itself; break the chain",
)
STOCK_NO_START = _define(
    "stock-no-start",
    "semantic",
    "a stock (a level at period_end) has no period_start",
    "leave period_start empty: a stock is the level on period_end; put the date the "
    "figure refers to in period_end",
)
UNDATED_PERIOD_END = _define(
    "undated-period-end",
    "semantic",
    "an undated figure has the document's publication date as period_end",
    "set period_end to the source's published_date (the latest possible date), or give "
    "the date the document states and its precision",
)
VALUE_KIND_WORDING = _define(
    "value-kind-wording",
    "semantic",
    "value_kind agrees with the quote's wording (more than, up to, at least, X to Y, "
    "about/nearly/almost)",
    "use the value_kind the quote's words give: more than/over -> more_than, at least "
    "-> at_least, up to/as high as -> up_to, less than/under -> less_than, X to Y -> "
    "range, about/nearly/almost -> approximate; or interpreted with a note",
    "value_kind agrees with the quote's wording (more than, up to, at least, X to Y, "
    "about/nearly/almost)" + _VALUES + "; the quote's words give {wording}",
)
SPREADSHEET_FORMULA = _define(
    "spreadsheet-formula",
    "semantic",
    "no text cell starts like a spreadsheet formula",
    "remove the leading =, +, -, @, tab or CR, or their fullwidth forms "
    "(spreadsheets would run the cell)",
)
CONTROL_CHARACTER = _define(
    "control-character",
    "semantic",
    "no control, bidirectional-override or line-separator character in text, and no line "
    "break (each cell is on one line, as fmt and submit require)",
    "delete the invisible character (copying from a web page or PDF brings them in)",
    intake=(
        "the file contains the control character U+{code:04X} on line {line}",
        "remove it (only printable text, tabs and line breaks are allowed)",
    ),
)
INVISIBLE_TEXT = _define(
    "invisible-text",
    "semantic",
    "a text that is not empty has at least one visible character",
    "write the text, or leave the cell empty; blank-looking characters (zero-width, fillers) "
    "do not count",
)

# ---- submit: what only a merge with data/ can see (contributing.submit) -----------------------
DUPLICATE_KEY = _define(
    "duplicate-key",
    "submit",
    "a submission has each row once",
    "submit each row once",
    "{key} {key_value} is submitted twice (also {earlier_file} row {earlier_row})",
    replaces=(PRIMARY_KEY, UNIQUE_ERROR),
)
EDIT = _define(
    "edit",
    "submit",
    "a submission does not change existing rows (unless --allow-edits)",
    "submit the row as it is in data/, or use --allow-edits to change it in place",
    "{key} {key_value} already exists in {existing_file} (row {existing_row}) with different "
    "content ({changes})",
    claim=(
        "{key} {key_value} already exists in {existing_file} (row {existing_row}) with "
        "different content ({changes}); claims are never overwritten",
        "to correct the claim, submit a new claim with its own claim_id whose supersedes "
        "is {claim_id!r}; to change the row in place anyway, use --allow-edits",
    ),
)
CONFUSABLE_ID = _define(
    "confusable-id",
    "submit",
    "a new id differs from every known id by more than case, whitespace or Unicode form",
    "write it exactly as {match!r}, or choose a clearly different id",
    "{field} {value!r} differs from {match!r} ({where}) only by {how}",
    replaces=(PRIMARY_KEY, UNIQUE_ERROR),
)
# the schema layer's foreign-key problem on a submitted row, told in the submission's terms
UNKNOWN_REFERENCE = _define(
    "unknown-reference",
    "submit",
    "a reference names a row of data/ or of the same submission",
    "use an existing {ref}, or submit the {target} row too (a {target}.csv file in the same "
    "submit)",
    "{field} {value!r} is neither in data/{target}.csv nor in this submission{suggestion}",
)
ID_NOT_CANONICAL = _define(
    "id-not-canonical",
    "submit",
    "a new id has no spaces around it and is in Unicode NFC",
    "write identifiers without surrounding spaces, in NFC",
    "{field} {value!r} has spaces around it or is not in Unicode NFC",
)
CLAIM_ID_CONVENTION = _define(
    "claim-id-convention",
    "submit",
    "a new claim_id is its source_id, a hyphen and a two-digit number",
    "use {next}, the next free id of this source",
    "claim_id must be the source_id {source_id!r} followed by a hyphen and a two-digit number",
)
URL_SCHEME = _define(
    "url-scheme",
    "submit",
    "a source's url is an http:// or https:// address",
    "give the document's web address, or leave url empty and say why in notes",
    "the URL has {what}; only http:// and https:// addresses are allowed",
)

RETRACTION_TARGET = _define(
    "retraction-target",
    "submit",
    "a retraction withdraws exactly one claim or exclusion, of its own source, once",
    "fill claim_id or exclusion_id (not both) with a row of the retraction's source_id that is "
    "not withdrawn yet; `manpower repair` writes retractions for you",
    "the retraction {why}",
)

# ---- fmt: the canonical form of the curated tables (contributing.canonical_form) -------------
NOT_CANONICAL = _define(
    "not-canonical",
    "fmt",
    "a curated table is in canonical form",
    "run manpower fmt",
    "quoting differs from minimal quoting",
    bom=("starts with a byte-order mark", ""),
    crlf=("has CR or CRLF line endings", ""),
    columns=("columns are not in schema order", ""),
    rows=("rows are not sorted by {key}", ""),
    spaces=("cells have leading or trailing spaces", ""),
    nfc=("text is not in Unicode NFC", ""),
)

# ---- coverage: every figure of a document is a claim or an exclusion (contributing.coverage) --
UNACCOUNTED = _define(
    "unaccounted",
    "coverage",
    "every figure of a document is a claim or an exclusion",
    "add a claim whose quote states the figure (`manpower draft` writes one), or a row of "
    "data/exclusions.csv saying why it is not a claim",
    "figure {figure!r} is neither in a claim nor in an exclusion",
)
_IN_DOCUMENT = (
    "copy it from the document word for word (the closest passage is shown; a merged row that "
    "is wrong is corrected or withdrawn with `manpower repair`)"
)
QUOTE_NOT_FOUND = _define(
    "quote-not-found",
    "coverage",
    "a claim's quote stands in its document",
    "correct the claim with `manpower repair {claim_id} --quote TEXT`, or withdraw it with "
    "`manpower repair {claim_id} --withdraw`",
    "claim {claim_id}: its quote is not in the document",
    submit=(
        "claim {claim_id}: its quote is not in {name}; the closest passage is {closest!r}",
        "copy the quote from the document word for word (the closest passage is shown)",
    ),
)
EXCLUSION_NOT_FOUND = _define(
    "exclusion-not-found",
    "coverage",
    "an exclusion's excerpt stands in its document and names its figure",
    "correct the exclusion with `manpower repair {id} --excerpt TEXT`, or withdraw it with "
    "`manpower repair {id} --withdraw`",
    "exclusion {id}: its excerpt is not in the document",
    other_needs_notes=(
        "exclusion {id}: reason other needs notes saying why it is not a claim",
        "say in notes why the figure is not a claim",
    ),
    not_a_figure=(
        "exclusion {id}: {figure!r} is not a figure of its excerpt",
        "write in figure the figure of the excerpt as it is written there",
    ),
    submit=(
        "exclusion {id}: its excerpt is not in {name}; the closest passage is {closest!r}",
        "copy the excerpt from the document word for word (the closest passage is shown)",
    ),
)
_DOCUMENTS_FOLDER = (
    "put the document in the documents folder under the file name sources.csv gives, or set "
    "{env} to the folder that holds it (default ../shared/sources beside the repository)"
)
DOCUMENT_MISSING = _define(
    "document-missing",
    "coverage",
    "a source's archived document is in the documents folder",
    _DOCUMENTS_FOLDER,
    "document {name} is not in {folder}",
    folder=(
        "no documents folder at {folder}, so the rows of {name} cannot be checked against it",
        "set {env} to the folder holding the archived documents named in sources.csv "
        "(default ../shared/sources beside the repository)",
    ),
)
DOCUMENT_TOO_LARGE = _define(
    "document-too-large",
    "coverage",
    "an archived document has at most MAX_DOCUMENT_BYTES (1 MiB; README, Limits)",
    "a news report is far smaller: check that the file is the article's text, not a whole site "
    "or a binary file",
    "document {name} has {size:,} bytes, more than the {limit:,} bytes a document may have",
)
DOCUMENT_CHANGED = _define(
    "document-changed",
    "coverage",
    "a source's archived document has the sha256 sources.csv pins",
    "the document must be byte-identical to the one sources.csv pins: restore it, or for a new "
    "source give its sha256 (sha256sum FILE) in sources.csv",
    "document {name} has sha256 {digest}, sources.csv pins {pinned}",
)

# ---- draft: proposing rows for a document (contributing.draft) -------------------------------
DRAFT_WOULD_OVERWRITE = _define(
    "draft-would-overwrite",
    "draft",
    "draft never replaces an existing file unless --force is given",
    "give another --out, move the file away, or add --force to replace it",
    "{path} exists already: draft leaves it as it is",
)
DRAFT_INTO_DATA = _define(
    "draft-into-data",
    "draft",
    "draft never writes into the curated data/ folder",
    "write the draft elsewhere (e.g. --out drafts/claims.csv), fill it, then `manpower submit` it",
    "{path} is in the curated data/ folder, which only `manpower submit` changes",
)
DATASET_NOT_COVERED = _define(
    "record-unaccounted",
    "coverage",
    "every mapped field of every record of an imported dataset snapshot is a claim or an exclusion",
    "run manpower import with the snapshot's mapping, or add a row of data/exclusions.csv whose "
    "excerpt is in the record and whose figure is the field's value",
    "record {locator}: {field} {figure} is neither a claim nor an exclusion",
    no_mapping=(
        "no mapping in mappings/ names this snapshot, so its records cannot be checked",
        "add the dataset's mapping to mappings/ (manpower import reads it)",
    ),
)

# ---- import: a dataset snapshot read through its mapping (contributing.dataset_import) -------
MAPPING_INVALID = _define(
    "mapping-invalid",
    "import",
    "a dataset mapping is TOML with the keys the import needs",
    "see mappings/README.md for the keys of a mapping",
    "{why}",
)
SNAPSHOT_UNREADABLE = _define(
    "snapshot-unreadable",
    "import",
    "a dataset snapshot is a JSON array of records, at most 64 MiB",
    "use the snapshot file the mapping names, unchanged",
    "{why}",
)
SNAPSHOT_CHANGED = _define(
    "snapshot-changed",
    "import",
    "a dataset snapshot has the sha256 its mapping pins",
    "use the snapshot the mapping names, unchanged (or pin the new file in the mapping)",
    "has sha256 {digest}, the mapping pins {pinned}",
)
RECORD_TOO_LARGE = _define(
    "record-too-large",
    "import",
    "a dataset record is at most 64 KiB long",
    "check that the file is the dataset's snapshot; records are a few hundred bytes",
    "the record is {size:,} bytes long, more than {limit:,}",
)
RECORD_MALFORMED = _define(
    "record-malformed",
    "import",
    "a dataset record is a JSON object whose names appear once",
    "each record is one JSON object, each name once",
    "{why}",
)
RECORD_NOT_A_NUMBER = _define(
    "record-not-a-number",
    "import",
    "a record's mapped figure is a JSON number (or null: no figure)",
    "the figure must be a plain JSON number such as 30150",
    "{field} is {value}, not a number",
)
RECORD_NEGATIVE = _define(
    "record-negative",
    "import",
    "a record's mapped figure is not negative",
    "a running total cannot be negative; check the record",
    "{field} is negative",
)
RECORD_BAD_KEY = _define(
    "record-bad-key",
    "import",
    "a record's key is a real date written YYYY-MM-DD (the package's date grammar)",
    "write the date as YYYY-MM-DD",
    "{field} is {value}, not a date YYYY-MM-DD",
)
RECORD_DUPLICATE_KEY = _define(
    "record-duplicate-key",
    "import",
    "a snapshot has each record's key once",
    "a snapshot states one figure per key: remove or correct the repeated record",
    "{field} {value} is also the key of record {earlier}",
)
RECORD_UNKNOWN_QUALIFIER = _define(
    "record-unknown-qualifier",
    "import",
    "a record's qualifier is one its mapping maps to a value_kind",
    "add the word to the mapping's qualifiers, with the value_kind it means",
    "{field} is {value}; the mapping knows {known}",
)
RECORD_BAD_URI = _define(
    "record-bad-uri",
    "import",
    "a record's source URI is an http:// or https:// address",
    "the record's source must be a web address",
    "{field} is {value}, not an http(s) address",
)
SNAPSHOT_OUT_OF_ORDER = _define(
    "snapshot-out-of-order",
    "import",
    "a dataset's snapshots are imported oldest first",
    "import the snapshots of a dataset in the order of their dates",
    "snapshot {date} is older than {latest}, already imported: its records would supersede "
    "later ones",
)

# ---- compare: claims of one quantity by several sources (publishing.compare) ------------------
CLAIMS_DISAGREE = _define(
    "claims-disagree",
    "compare",
    "claims of one claimant, metric, category and date from different sources agree (a warning)",
    "see manpower compare: the sources differ; record a correction with supersedes only if one "
    "of them is wrong",
    "{claimant} {metric}{category} on {period_end}: {values}",
)


def _index(catalogue: list[Rule]) -> Mapping[str, Rule]:
    rules: dict[str, Rule] = {}
    for rule in catalogue:
        if rule.id in rules:
            raise ValueError(f"rule id {rule.id!r} is defined twice in the catalogue")
        rules[rule.id] = rule
    return MappingProxyType(rules)


RULES: Mapping[str, Rule] = _index(_CATALOGUE)


def message(rule: str, variant: str | None = None, **params: object) -> str:
    """The one-line message of ``rule`` (or of its ``variant``) filled with ``params``."""
    return RULES[rule].wording(variant).template.format(**params)


def fix(rule: str, variant: str | None = None, **params: object) -> str:
    """What to do about ``rule``; a Table Schema error type not in the catalogue gets the
    generic fix (frictionless reports more types than the package ever meets)."""
    known = RULES.get(rule)
    if known is None:
        return DEFAULT_FIX
    return known.wording(variant).fix.format(**params)


def problem(
    rule: str,
    *,
    table: str = "",
    file: str | None = None,
    row: int | None = None,
    field: str | None = None,
    value: str | None = None,
    variant: str | None = None,
    **params: object,
) -> Problem:
    """A :class:`Problem` of ``rule`` with its message and fix from the catalogue.

    The templates may name the problem's ``field`` and ``value`` too.
    """
    params = {"field": field, "value": value, **params}
    return Problem(
        table=table,
        row=row,
        field=field,
        value=value,
        rule=rule,
        message=message(rule, variant, **params),
        fix=fix(rule, variant, **params),
        layer=RULES[rule].reported_as,
        file=file,
    )
