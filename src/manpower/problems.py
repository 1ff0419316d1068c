"""The error catalogue: every rule the package reports, defined once.

Each rule has an id (one per concept, kebab-case), the layer that reports it, a one-line summary
of what it requires (the README's rule list), the message template and the fix. A rule that
several layers report in their own words (``extra-cell`` from intake and from the Table Schema
layer), or that one layer words several ways (``encoding``), keeps one id and names each other
wording as a variant. Messages are ``str.format`` templates filled by :func:`message`; the Table
Schema layer's template is the engine's own note, which ``--format json`` keeps for machines.

Every module that reports a problem takes the id from the constant defined here, so a grep for
an id finds its definition in exactly one place (``tests/test_problems.py`` checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from manpower.errors import Problem

LAYERS = ("intake", "schema", "semantic", "submit", "fmt", "package", "coverage")


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

# ---- schema: the Table Schema layer (both engines; their notes are the messages) -------------
TYPE_ERROR = _define(
    "type-error",
    "schema",
    "a cell has its column's type (the package's number and date grammar)",
    "write the value in the column's type (numbers as plain ASCII digits with an optional "
    "leading - and decimal point, no separators, NaN or Infinity; dates as YYYY-MM-DD)",
    NOTE,
)
CONSTRAINT_ERROR = _define(
    "constraint-error",
    "schema",
    "a cell meets its column's constraints (required, enum, pattern, length, range)",
    "change the value so that it meets the column's constraint",
    NOTE,
)
FOREIGN_KEY = _define(
    "foreign-key",
    "schema",
    "a reference names an existing row of the referenced table",
    "use an id that exists in the referenced table, or add that row first",
    NOTE,
)
PRIMARY_KEY = _define(
    "primary-key",
    "schema",
    "the primary key is filled and unique",
    "give every row its own id",
    NOTE,
)
UNIQUE_ERROR = _define(
    "unique-error",
    "schema",
    "unique columns and unique keys hold no repeated value",
    "give every row its own value in this column",
    NOTE,
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
    "a curated table has at most 512 MiB, or what MANPOWER_MAX_TABLE_BYTES says (README, Limits)",
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
TABLE_TOO_WIDE = _define(
    "table-too-wide",
    "package",
    "a table's header has at most as many columns as its schema has fields, plus a few",
    "remove the extra columns (each column is a field of the table's schema)",
    "the header has more than {limit:,} columns ({fields} fields in its schema and {extra} "
    "extra allowed); no row was read",
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
SHARE_SUM = _define(
    "share-sum",
    "semantic",
    "shares of one breakdown (metric, claimant, source, period) sum to at most 100",
    "check the categories: shares of one breakdown cannot add up to more than 100%",
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
QUOTE_NOT_FOUND = _define(
    "quote-not-found",
    "coverage",
    "a claim's quote stands in its document",
    "",
    "claim {claim_id}: its quote is not in the document",
)
EXCLUSION_NOT_FOUND = _define(
    "exclusion-not-found",
    "coverage",
    "an exclusion's excerpt stands in its document and names its figure",
    "",
    "exclusion {id}: its excerpt is not in the document",
    other_needs_notes=(
        "exclusion {id}: reason other needs notes saying why it is not a claim",
        "",
    ),
    not_a_figure=("exclusion {id}: {figure!r} is not a figure of its excerpt", ""),
)
DOCUMENT_MISSING = _define(
    "document-missing",
    "coverage",
    "a source's archived document is in the documents folder",
    "",
    "document {name} is not in {folder}",
)
DOCUMENT_CHANGED = _define(
    "document-changed",
    "coverage",
    "a source's archived document has the sha256 sources.csv pins",
    "",
    "document {name} has sha256 {digest}, sources.csv pins {pinned}",
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
