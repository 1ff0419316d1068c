"""The changelog entry a release writes: what changed, per table, in Markdown.

Library work, not presentation: ``release.plan`` writes it into ``CHANGELOG.md``, and
``manpower diff --format markdown`` prints the same text through ``render.render_diff``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from manpower.limits import MAX_CHANGES_LISTED

if TYPE_CHECKING:
    from manpower.releasing.diff import PackageDiff


def listed(items: list[str]) -> list[str]:
    """The first :data:`MAX_CHANGES_LISTED` items, then one line counting the others."""
    extra = len(items) - MAX_CHANGES_LISTED
    return items[:MAX_CHANGES_LISTED] + ([f"... and {extra} more"] if extra > 0 else [])


def diff_markdown(diff: PackageDiff) -> str:
    """The body of a changelog entry: what changed, per table, and the bump it required."""
    lines = [f"Compared with {diff.old_version or diff.old_label}; bump: **{diff.level}**."]
    if diff.empty:
        lines += ["", "No change to data or schemas."]
    for table in diff.tables:
        if table.empty:
            continue
        lines += ["", f"### {table.name}", ""]
        if table.added:
            lines.append(
                f"- {len(table.added)} rows added: "
                + ", ".join(f"`{k}`" for k in listed(table.added))
            )
        if table.removed:
            lines.append(
                f"- {len(table.removed)} rows removed: "
                + ", ".join(f"`{k}`" for k in listed(table.removed))
            )
        if table.changed:
            lines.append(f"- {len(table.changed)} rows changed:")
            for change in table.changed[:MAX_CHANGES_LISTED]:
                cells = "; ".join(f"`{f}` {o!r} → {n!r}" for f, (o, n) in change.fields.items())
                lines.append(f"  - `{change.key}`: {cells}")
            if len(table.changed) > MAX_CHANGES_LISTED:
                lines.append(f"  - ... and {len(table.changed) - MAX_CHANGES_LISTED} more")
        lines += [f"- schema ({c.level}): {c.text}" for c in table.schema]
    if diff.metadata:
        lines += ["", "### package", ""]
        lines += [f"- {c.text} ({c.level})" for c in diff.metadata]
    return "\n".join(lines)
