"""The command line: build the objects, call the library, render, exit with a code.

Nothing heavy is imported at module level, so ``manpower --help`` is instant.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from manpower.errors import ManpowerError, UsageError
from manpower.releasing.versioning import BUMPS
from manpower.validation.text_rules import terminal_safe

FORMATS = ("text", "json", "github")
ENGINES = ("columnar", "frictionless")  # manpower.validation.runner.ENGINES, without importing it


class Group(click.Group):
    """Turns every ManpowerError into one clean message and its exit code, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ManpowerError as exc:
            click.echo(terminal_safe(f"Error: {exc}"), err=True)
            sys.exit(exc.exit_code)
        except ModuleNotFoundError as exc:
            from manpower.extras import missing

            error = missing(exc, ctx.invoked_subcommand or "")
            if error is None:
                raise
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)


def _warn(line: str) -> None:
    """A notice beside the command's output (recovery of an interrupted write, ...): stderr."""
    click.echo(line, err=True)


def format_option(
    *choices: str, default: str = "text", help: str = "Output format."
) -> Callable[[Callable[..., Any]], Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help=help,
    )


def engine_option() -> Callable[[Callable[..., Any]], Any]:
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="columnar",
        show_default=True,
        help="Table Schema checks: columnar (vectorised, fast) or the standard frictionless "
        "validation (the reference; slower on large tables).",
    )


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="manpower")
def cli() -> None:
    """Manpower: a validated data package of sourced claims about Russia's military manpower."""


@cli.command()
@click.option("--force", is_flag=True, help="Re-run every stage even if nothing changed.")
def build(force: bool) -> None:
    """Run the pipeline (validate, derive, package, report) with DVC and summarise the result."""
    from manpower.paths import find_root
    from manpower.pipeline import run_pipeline

    summary = run_pipeline(find_root(), echo=click.echo, force=force)
    rows = ", ".join(f"{name} {n}" for name, n in summary.rows.items())
    state = "valid" if summary.valid else "INVALID"
    click.echo(f"Built manpower {summary.version}: {state}; rows: {rows}")


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@format_option()
@engine_option()
def validate(path: Path | None, fmt: str, engine: str) -> None:
    """Validate a package: the repository (default), a package folder or a datapackage.json.

    Runs the Table Schema checks (types, constraints, keys; columnar by default, or frictionless)
    and the semantic rules (pandera). Prints one line per error with table, row, column, value,
    rule and fix. Exit 0 valid, 1 invalid.
    """
    from manpower.contributing.transaction import pending
    from manpower.paths import find_root
    from manpower.render import render
    from manpower.validation.runner import validate as run

    if path is None and (warning := pending(find_root())):
        _warn(warning)
    report = run(path, engine=engine)
    click.echo(terminal_safe(render(report, fmt)))
    sys.exit(int(not report.valid))


@cli.command()
@click.argument(
    "updates",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="UPDATE...",
)
@click.option("--dry-run", is_flag=True, help="Validate and summarise; write nothing.")
@click.option(
    "--allow-edits",
    is_flag=True,
    help="Accept rows whose key exists with different content (edits in place).",
)
@format_option()
def submit(updates: tuple[Path, ...], dry_run: bool, allow_edits: bool, fmt: str) -> None:
    """Check new rows against the schemas and the data, and merge them into data/ if valid.

    Each UPDATE is a CSV of new rows for one table, named sources.csv, claimants.csv,
    metrics.csv or claims.csv (or with the exact header of one table). All files are validated
    together with the rules of `manpower validate`, on the data merged with them. On any error
    nothing is written (exit 1); otherwise the rows are merged in canonical form (exit 0).
    Rows already present are skipped; a changed existing row is rejected unless --allow-edits.
    """
    from manpower.contributing.submit import submit as run
    from manpower.contributing.transaction import pending
    from manpower.paths import find_root
    from manpower.render import render_submit

    root = find_root()
    if dry_run and (warning := pending(root)):  # a dry run takes no lock and recovers nothing
        _warn(warning)
    result = run(root, list(updates), dry_run=dry_run, allow_edits=allow_edits, notify=_warn)
    click.echo(terminal_safe(render_submit(result, fmt)))
    sys.exit(int(not result.valid))


@cli.command("fmt")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a table is not canonical.")
def fmt_command(check: bool) -> None:
    """Rewrite the curated tables in data/ in canonical form.

    Canonical: UTF-8 without BOM, LF line endings, columns in schema order, rows sorted by
    primary key, minimal quoting, trimmed cells, Unicode NFC. With --check, list the tables
    that are not canonical and exit 1.
    """
    from manpower.contributing.canonical_form import format_repository
    from manpower.contributing.transaction import pending
    from manpower.paths import find_root
    from manpower.render import render_fmt

    root = find_root()
    if check and (warning := pending(root)):
        _warn(warning)
    results = format_repository(root, check=check, notify=_warn)
    click.echo(render_fmt(results, check))
    sys.exit(int(check and any(r.changed for r in results)))


@cli.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@format_option("text", "json", "markdown")
def diff(old: str | None, new: str | None, fmt: str) -> None:
    """Show what changed between two versions of the package, and the version bump it needs.

    OLD and NEW are git revisions or tags, package folders or release archives (.zip). OLD
    defaults to the latest release (its vX.Y.Z tag, else the commit releases.json records),
    NEW to the working tree. Rows are matched by
    primary key; changed cells are shown old -> new; schema changes are listed with their bump
    (major: removed or narrowed, minor: added or widened, patch: corrections).
    """
    from manpower.paths import find_root
    from manpower.releasing.diff import diff as compare
    from manpower.render import render_diff

    try:
        root: Path | None = find_root()
    except ManpowerError:
        root = None
    result = compare(old, new, root)
    if result.note:
        click.echo(terminal_safe(f"Note: {result.note}"), err=True)
    click.echo(terminal_safe(render_diff(result, fmt)))


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the site to.  [default: site/ in the repository]",
)
def report(out: Path | None) -> None:
    """Write the datasheet site: index.html with one chart per metric of two or more claims,
    the sources, claimants, metrics and changelog, and charts/*.svg|png. Works offline.
    """
    from manpower.paths import find_root
    from manpower.publishing.datasheet import report as build
    from manpower.publishing.datasheet import summary

    folder, site = build(find_root(), out)
    click.echo(summary(folder, site))


@cli.command()
@click.argument("name", required=False, metavar="[NAME]")
@format_option("table", "csv", "json", default="table")
def show(name: str | None, fmt: str) -> None:
    """Show the claims of a topic, metric, claimant or source: value as stated, period,
    verification, claimant and via, quote, claim id and source. NAME is an id or a name (a
    claimant's, a source's title, publisher or date) in any case, or the start of one.
    Without NAME, list the topics and metrics with their claim counts.

    Exit 1 when NAME matches nothing (the nearest names are suggested) or several things.
    """
    from manpower.paths import find_root
    from manpower.publishing import show as view
    from manpower.publishing.claims_view import load

    data = load(find_root())
    rows = view.overview(data) if name is None else view.select(data, name)
    # render makes the data terminal-safe itself, then styles: terminal_safe here would write
    # show's own bold out as a literal \u001b[1m
    click.echo(view.render(rows, fmt, color=sys.stdout.isatty()))


@cli.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE_ID...]")
@format_option()
def coverage(source_ids: tuple[str, ...], fmt: str) -> None:
    """Check that every figure of the archived documents is a claim or an exclusion.

    Finds each figure (digits, percentages, "1 million", number words, "six times", ranges) in
    the document of each source (default: all), and matches it to the claims whose quote holds it
    or to data/exclusions.csv. Prints each figure not accounted for with its line and context,
    claims whose quote is not in the document, and documents whose sha256 differs from
    sources.csv. Exit 0 all accounted for, 1 otherwise. Documents are read from
    $MANPOWER_DOCUMENTS (default ../shared/sources beside the repository).
    """
    from manpower.contributing.coverage import check
    from manpower.paths import find_root
    from manpower.render import render_coverage

    result = check(find_root(), list(source_ids) or None)
    # documents are untrusted text: their escape sequences are written out, never acted on
    click.echo(terminal_safe(render_coverage(result, fmt)))
    sys.exit(int(not result.ok))


@cli.command("draft")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source-id", required=True, help="The source the document is (new or existing).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Claims CSV to write (default: print it). For a new source, its sources.csv row is "
    "written beside it as sources.csv.",
)
def draft_command(document: Path, source_id: str, out: Path | None) -> None:
    """Draft a claims CSV for DOCUMENT: one row per figure not yet a claim or an exclusion.

    Each row has the claim_id (numbered after the source's claims), the quote (the sentence
    stating the figure, at most 300 characters), value_kind and values read from the wording;
    metric_id, claimant_id, period and verification are left empty with a hint in notes. Edit
    the rows, then `manpower submit` them.
    """
    from manpower.contributing.draft import draft, to_csv
    from manpower.fsutil import write_atomic
    from manpower.paths import find_root

    result = draft(find_root(), document, source_id)
    claims = to_csv(result.claims, result.claim_fields)
    if out is None:
        click.echo(terminal_safe(claims), nl=False)  # the quotes come from the document
        if result.source is not None:
            click.echo(
                terminal_safe(
                    f"{source_id} is a new source: give --out to draft its sources.csv row too"
                ),
                err=True,
            )
        return
    written = [out]
    sources = out.parent / "sources.csv"
    if result.source is not None:
        if sources.resolve() == out.resolve():
            raise UsageError("--out must not be named sources.csv: the source row goes there")
        written.append(sources)
    write_atomic(out, claims)
    if result.source is not None:
        write_atomic(sources, to_csv([result.source], result.source_fields))
    click.echo(
        f"Drafted {len(result.claims)} claim{'s' * (len(result.claims) != 1)} from "
        f"{result.document}: {', '.join(map(str, written))}. Fill the empty cells, then run "
        f"`manpower submit {' '.join(map(str, reversed(written)))}`."
    )


@cli.command()
@click.option(
    "--bump",
    type=click.Choice(BUMPS),
    default="auto",
    show_default=True,
    help="Version bump; auto takes the one the changes since the last release require.",
)
@click.option("--dry-run", is_flag=True, help="Check and show the release; change nothing.")
def release(bump: str, dry_run: bool) -> None:
    """Release the package: version, changelog, rebuild, dist/ files, commit and tag vX.Y.Z.

    Refuses (exit 1) a dirty tree, invalid data, a stale pipeline (dvc status) or a bump smaller
    than the changes require. Writes dist/manpower-X.Y.Z.zip, one Parquet file per table,
    dist/manpower-X.Y.Z.sqlite, the wheel, SHA256SUMS and releases.json, and records the
    release (commit, files, sha256) in the committed releases.json.
    """
    from manpower.paths import find_root
    from manpower.releasing.release import plan
    from manpower.releasing.release import release as run

    root = find_root()
    if dry_run:
        todo = plan(root, bump)
        if todo.note:
            click.echo(f"Note: {todo.note}", err=True)
        click.echo(
            f"Would release manpower {todo.version} as {todo.tag} (required bump: "
            f"{todo.required}; previous: {todo.previous or 'none'})"
        )
        click.echo(todo.changelog.rstrip("\n"))
        return
    todo = run(root, bump, echo=lambda line: click.echo(line, err=True))
    if todo.note:
        click.echo(f"Note: {todo.note}", err=True)
    click.echo(f"Released manpower {todo.version}, tagged {todo.tag} (commit {todo.commit[:12]})")
    for file in todo.files:
        click.echo(f"dist/{file.name}  {file.bytes} bytes  sha256 {file.sha256}")
    click.echo("releases.json: recorded and committed; dist/SHA256SUMS, dist/releases.json, "
               "the wheel: written")
    click.echo(f"Publish: git push origin HEAD {todo.tag} (the release workflow attaches the "
               "files), or copy dist/ to any static host (README, Publishing).")


@cli.command()
@click.argument("version", default="latest")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to put the release in.",
)
@click.option(
    "--from",
    "source",
    metavar="URL|FOLDER",
    help="URL of releases.json or of its folder, or a local folder such as a mirrored dist/ "
    "(default: $MANPOWER_RELEASES_URL, then the repository's release record when run in a "
    "clone, then the published location).",
)
@format_option("csv", "parquet", "sqlite", default="csv", help="What to download.")
def download(version: str, dest: Path, source: str | None, fmt: str) -> None:
    """Download a release (VERSION or latest), check its sha256, unpack and validate it.

    Files come through a cache; a file whose hash differs from releases.json, an unsafe archive
    (absolute or .. paths, symlinks) or an invalid package is refused and DEST is left as it
    was. Prints where the release is.
    """
    from manpower.releasing.download import download as fetch

    got = fetch(version, dest, source, fmt, progress=sys.stderr.isatty())
    if got.note:
        click.echo(f"Note: {got.note}", err=True)
    click.echo(f"manpower {got.version} ({got.format}): {got.path}")


def main() -> None:
    cli(prog_name="manpower")
