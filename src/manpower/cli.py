"""The command line: build the objects, call the library, render, exit with a code.

Nothing heavy is imported at module level, so ``manpower --help`` is instant.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from manpower.errors import ManpowerError
from manpower.releasing.versioning import BUMPS
from manpower.validation.text_rules import terminal_safe

FORMATS = ("text", "json", "github")
DIFF_FORMATS = ("text", "json", "markdown")


class Group(click.Group):
    """Turns every ManpowerError into one clean message and its exit code, in one place.

    SIGTERM unwinds like Ctrl-C in every command, so that temporary copies of the data are
    removed and a change cut short is undone.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from manpower.interrupts import termination_raises

        try:
            with termination_raises():
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
        "output_format",  # the Python name, so that no function has to dodge `fmt`
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help=help,
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
@click.option(
    "--own-schemas",
    is_flag=True,
    help="Check PATH against the schemas it brings, not those of its version (for a package "
    "that is not manpower's; valid then means only that it keeps its own rules).",
)
def validate(path: Path | None, output_format: str, own_schemas: bool) -> None:
    """Validate a package: the repository (default), a package folder or a datapackage.json.

    Runs the Table Schema checks (types, constraints, keys) and the semantic rules (pandera).
    Prints one line per error with table, row, column, value, rule and fix. Exit 0 valid, 1 invalid.
    A package folder must have the schemas of the version it declares (exit 1 otherwise).
    """
    from manpower.contributing.transaction import pending
    from manpower.errors import UsageError
    from manpower.paths import find_root
    from manpower.render import render_report
    from manpower.validation.runner import validate as run

    if path is None and own_schemas:
        raise UsageError(
            "--own-schemas needs a PATH (the repository is always checked against its own)"
        )
    if path is None and (warning := pending(find_root())):
        _warn(warning)
    if own_schemas:
        # loud, every time: the package's own rules may have been weakened to pass
        _warn(
            f"Warning: {path} is checked against the schemas it brings, not manpower's: "
            "'valid' means only that it keeps its own rules"
        )
    report = run(path, own_schemas=own_schemas)
    warnings = _disagreements(Path(report.root)) if report.valid else []
    if output_format == "json":
        import json

        data = {**report.to_dict(), "warnings": [g.to_dict() for g in warnings]}
        click.echo(terminal_safe(json.dumps(data, indent=2, ensure_ascii=False)))
    else:
        from manpower.render import disagreement_lines

        lines = [*disagreement_lines(warnings, output_format), render_report(report, output_format)]
        click.echo(terminal_safe("\n".join(lines)))
    sys.exit(int(not report.valid))


def _disagreements(root: Path) -> list[Any]:
    """Quantities whose sources disagree, for validate's warnings (valid data only)."""
    from manpower.views.compare import compare

    if not (root / "data" / "claims.csv").is_file():
        return []
    return [g for g in compare(root) if not g.agree]


@cli.command("compare")
@click.argument("name", required=False, metavar="[TOPIC|METRIC|CLAIMANT]")
@format_option()
def compare_command(name: str | None, output_format: str) -> None:
    """For each claimant, metric, category and date reported by more than one source: the
    values side by side with their sources, and whether they agree within the precision the
    claims state (an approximate 782,500 and an exact 782,510 agree). Superseded and undated
    claims are left out. Exit 0 (a disagreement is information, not an error).
    """
    from manpower.paths import find_root
    from manpower.render import render_compare
    from manpower.views.compare import compare

    click.echo(terminal_safe(render_compare(compare(find_root(), name), output_format)))


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
def submit(updates: tuple[Path, ...], dry_run: bool, allow_edits: bool, output_format: str) -> None:
    """Check new rows against the schemas and the data, and merge them into data/ if valid.

    Each UPDATE is a CSV of new rows for one table, named sources.csv, claimants.csv,
    metrics.csv or claims.csv (or with the exact header of one table). All files are validated
    together with the rules of `manpower validate`, on the data merged with them. On any error
    nothing is written (exit 1); otherwise the rows are merged in canonical form (exit 0).
    Rows already present are skipped; a changed existing row is rejected unless --allow-edits.
    Each new quote and excerpt must stand in its source's pinned document, read from
    $MANPOWER_DOCUMENTS (default ../shared/sources beside the repository).
    """
    from manpower.contributing.submit import submit as run
    from manpower.contributing.transaction import pending
    from manpower.paths import find_root
    from manpower.render import render_submit

    root = find_root()
    if dry_run and (warning := pending(root)):  # a dry run takes no lock and recovers nothing
        _warn(warning)
    result = run(root, list(updates), dry_run=dry_run, allow_edits=allow_edits, notify=_warn)
    click.echo(terminal_safe(render_submit(result, output_format)))
    sys.exit(int(not result.valid))


@cli.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a table is not canonical.")
def fmt(check: bool) -> None:
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
@format_option(*DIFF_FORMATS)
def diff(old: str | None, new: str | None, output_format: str) -> None:
    """Show what changed between two versions of the package, and the version bump it needs.

    OLD and NEW are git revisions or tags, package folders or release archives (.zip). OLD
    defaults to the latest release releases.json records (its commit; a vX.Y.Z tag that
    disagrees with the record is reported, never used), NEW to the working tree. Rows are
    matched by primary key; changed cells are shown old -> new; schema changes are listed
    with their bump (major: removed or narrowed, minor: added or widened, patch: corrections).
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
    click.echo(terminal_safe(render_diff(result, output_format)))


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
    from manpower.views.datasheet import report as build
    from manpower.views.datasheet import summary

    folder, site = build(find_root(), out)
    click.echo(summary(folder, site))


@cli.command()
@click.argument("name", required=False, metavar="[NAME]")
@format_option("table", "csv", "json", default="table")
@click.option(
    "--version",
    "version",
    metavar="VERSION|FOLDER",
    help="A released version (the installed one, a cached one, or downloaded) or a package "
    "folder, .zip or datapackage.json.  [default: the working tree inside a clone, else the "
    "release this install carries]",
)
def show(name: str | None, output_format: str, version: str | None) -> None:
    """Show the claims of a topic, metric, claimant or source: value as stated, period,
    verification, claimant and via, quote, claim id and source. NAME is an id or a name (a
    claimant's, a source's title, publisher or date) in any case, or the start of one.
    Without NAME, list the topics and metrics with their claim counts.

    Exit 1 when NAME matches nothing (the nearest names are suggested) or several things, or
    when a file of the release differs from its datapackage.json.
    """
    from manpower.views import show as view

    data = view.dataset(version)
    rows = view.overview(data) if name is None else view.select(data, name)
    # render makes the data terminal-safe itself, then styles: terminal_safe here would write
    # show's own bold out as a literal \u001b[1m
    click.echo(view.render_rows(rows, output_format, color=sys.stdout.isatty()))


@cli.command()
@click.argument("source_ids", nargs=-1, metavar="[SOURCE_ID...]")
@format_option()
def coverage(source_ids: tuple[str, ...], output_format: str) -> None:
    """Check that every figure of the archived documents is a claim or an exclusion.

    Finds each figure (digits, percentages, "1 million", number words, "six times", ranges) in
    the document of each source (default: all), and matches it to the claims whose quote holds it
    or to data/exclusions.csv. Prints each figure not accounted for with its line and context,
    claims whose quote is not in the document, and documents whose sha256 differs from
    sources.csv; rows withdrawn in data/retractions.csv (manpower repair) are left out. Exit 0
    all accounted for, 1 otherwise. Documents are read from $MANPOWER_DOCUMENTS (default
    ../shared/sources beside the repository).
    """
    from manpower.contributing.coverage import check
    from manpower.paths import find_root
    from manpower.render import render_coverage

    result = check(find_root(), list(source_ids) or None)
    # documents are untrusted text: their escape sequences are written out, never acted on
    click.echo(terminal_safe(render_coverage(result, output_format)))
    sys.exit(int(not result.ok))


@cli.command()
@click.argument("ident", metavar="ID")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="A corrected cell of the new row (repeat for several), e.g. --set quote='...'.",
)
@click.option("--withdraw", is_flag=True, help="Withdraw the row without a replacement.")
@click.option(
    "--reason",
    type=click.Choice(("quote_not_in_document", "not_a_figure", "misread", "other")),
    required=True,
    help="Why the row is withdrawn (retractions.reason).",
)
@click.option("--note", required=True, help="What was wrong and how it was found.")
@click.option("--dry-run", is_flag=True, help="Validate and summarise; write nothing.")
@format_option()
def repair(
    ident: str,
    sets: tuple[str, ...],
    withdraw: bool,
    reason: str,
    note: str,
    dry_run: bool,
    output_format: str,
) -> None:
    """Correct or withdraw a merged claim or exclusion (ID) that is wrong about its document.

    Nothing is overwritten: a row of data/retractions.csv withdraws ID (coverage and the quote
    check leave it out), and with --set a corrected copy is added under the next free id of
    its source (a claim's supersedes names ID). Validated, quote-checked and written like
    `manpower submit`, all or nothing. Exit 0 written, 1 refused, 2 usage error.
    """
    from manpower.contributing.repair import repair as run
    from manpower.paths import find_root
    from manpower.render import render_submit

    result, added = run(
        find_root(),
        ident,
        sets=list(sets),
        withdraw=withdraw,
        reason=reason,
        note=note,
        dry_run=dry_run,
        notify=_warn,
    )
    if output_format == "text" and result.valid:
        retraction, *corrected = added
        by = f", corrected by {corrected[0]}" if corrected else " without a replacement"
        verb = "Would withdraw" if dry_run else "Withdrew"
        click.echo(terminal_safe(f"{verb} {ident} (retraction {retraction}){by}."))
    click.echo(terminal_safe(render_submit(result, output_format)))
    sys.exit(int(not result.valid))


@cli.command("import")
@click.argument("mapping", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--snapshot", default=None, help="The snapshot's date (when the mapping has several)."
)
@click.option("--dry-run", is_flag=True, help="Validate and summarise; write nothing.")
@format_option()
def import_command(mapping: Path, snapshot: str | None, dry_run: bool, output_format: str) -> None:
    """Import a dataset snapshot's records as claims, through a mapping in mappings/.

    The snapshot (read from $MANPOWER_DATASETS, default ../shared/datasets beside the
    repository) becomes a source; each mapped figure of each record a claim, checked and written
    like `manpower submit` (all or nothing, under the lock). A record whose figure changed since
    an earlier snapshot becomes a claim superseding the earlier one; an unchanged record adds
    nothing; a record that disappeared is reported and its claim kept. Exit 1 on any bad record.
    """
    from manpower.contributing.dataset_import import import_snapshot
    from manpower.contributing.datasets import Rejected
    from manpower.paths import find_root
    from manpower.render import render_import, render_rejected

    try:
        result = import_snapshot(find_root(), mapping, snapshot, dry_run=dry_run, notify=_warn)
    except Rejected as exc:
        unlisted = getattr(exc, "unlisted", {})
        click.echo(terminal_safe(render_rejected(exc.problems, unlisted, output_format)))
        sys.exit(1)
    click.echo(terminal_safe(render_import(result, output_format)))
    sys.exit(int(not result.valid))


@cli.command("draft")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source-id", required=True, help="The source the document is (new or existing).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Claims CSV to write (default: print it). Beside it go exclusions.csv (the figures "
    "proposed as no claim) and, for a new source, sources.csv. Never inside data/.",
)
@click.option("--force", is_flag=True, help="Replace files --out and its neighbours that exist.")
def draft_command(document: Path, source_id: str, out: Path | None, force: bool) -> None:
    """Draft a claims CSV for DOCUMENT: one row per figure not yet a claim or an exclusion.

    Each row has the claim_id (numbered after the source's claims), the quote (the sentence
    stating the figure, at most 300 characters), value_kind and values read from the wording,
    in the document's language; metric_id, claimant_id, period and verification are left empty
    with a hint in notes. Figures that are plainly no claim (ordinals, durations, article
    numbers, unit names, a headline repeat) are proposed as exclusions. An existing file is
    never replaced without --force, and nothing is written into data/. Edit the rows, then
    `manpower submit` them.
    """
    from manpower.contributing.draft import draft, to_csv, write_draft
    from manpower.paths import find_root

    root = find_root()
    result = draft(root, document, source_id)
    for warning in result.warnings:
        click.echo(f"Warning: {terminal_safe(warning)}", err=True)
    if result.covered:
        click.echo(
            f"{source_id}: already covered: {result.figures} figure"
            f"{'s' * (result.figures != 1)} in {terminal_safe(result.document)}, each a claim or "
            "an exclusion; nothing to draft."
        )
        return
    if out is None:
        click.echo(terminal_safe(to_csv(result.claims, result.claim_fields)), nl=False)
        if result.exclusions:
            click.echo(
                f"{len(result.exclusions)} figure{'s' * (len(result.exclusions) != 1)} proposed "
                "as exclusions: give --out to write them to exclusions.csv",
                err=True,
            )
        if result.source is not None:
            click.echo(
                terminal_safe(
                    f"{source_id} is a new source: give --out to draft its sources.csv row too"
                ),
                err=True,
            )
        return
    written = write_draft(root, result, out, force)
    names = ", ".join(terminal_safe(str(p)) for p in written)
    # submit reads the sources first, then the claims and the exclusions that name them
    order = sorted(written, key=lambda p: (p.name != "sources.csv", p.name == "exclusions.csv"))
    n = len(result.exclusions)
    excluded = f" ({n} proposed as exclusion{'s' * (n != 1)})" if n else ""
    click.echo(
        f"Drafted {len(result.claims)} claim{'s' * (len(result.claims) != 1)}{excluded} from "
        f"{terminal_safe(result.document)}: {names}. Fill the empty cells, then run "
        f"`manpower submit {' '.join(terminal_safe(str(p)) for p in order)}`."
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
    click.echo(
        "releases.json: recorded and committed; dist/SHA256SUMS, dist/releases.json, "
        "the wheel: written"
    )
    click.echo(
        f"Publish: git push origin HEAD {todo.tag} (the release workflow attaches the "
        "files), or copy dist/ to any static host (README, Publishing)."
    )


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
def download(version: str, dest: Path, source: str | None, output_format: str) -> None:
    """Download a release (VERSION or latest), check its sha256, unpack and validate it.

    Files come through a cache; a file whose hash differs from releases.json, an unsafe archive
    (absolute or .. paths, symlinks) or an invalid package is refused and DEST is left as it
    was. Prints where the release is.
    """
    from manpower.releasing.download import download as fetch

    got = fetch(version, dest, source, output_format, progress=sys.stderr.isatty())
    if got.note:
        click.echo(f"Note: {got.note}", err=True)
    click.echo(f"manpower {got.version} ({got.format}): {got.path}")


def main() -> None:
    cli(prog_name="manpower")
