"""One-shot migration (issue 13): move ``src/manpower/*.py`` into sub-packages by capability.

Run from the repository root, on a clean tree, after merging everyone's branches::

    python scripts/restructure.py            # move files, rewrite references, fix import order
    python scripts/restructure.py --dry-run  # only print what it would do

It ``git mv``s every module named in ``MODULES`` (and the package data in ``FILES``), creates the
sub-packages' ``__init__.py``, and rewrites every reference to a moved module in ``src/``,
``tests/``, ``scripts/`` and the project files listed in ``ROOT_FILES``:

- ``import manpower.x`` / ``from manpower.x import y``, at module level or inside functions;
- ``from manpower import x`` (split per sub-package, the local name kept with ``as``);
- relative imports (``from .x import y``, ``from . import x``), made absolute first;
- dotted names in strings and prose (``monkeypatch.setattr("manpower.x.f", ...)``,
  ``mock.patch``, ``importlib.import_module``, docstrings, ``pyproject.toml``);
- file paths (``src/manpower/x.py``, ``"manpower" / "x.py"``) and the package data's loaders
  (``PackageLoader("manpower", "templates")``, ``[tool.setuptools.package-data]``).

It matches names and patterns, never line numbers, so it runs on a tree whose files changed
since it was written. A module it does not know (a new file added on another branch) is left in
place and listed, so the map can be extended and the script run again: running it twice changes
nothing the second time. At the end it runs ``ruff check --select I --fix`` (import order changes
with the new names) and lists what still needs a look: leftover old names, ``__file__`` in moved
modules, lines over the length limit. Delete this script (and ``RESTRUCTURE.md``) once the tree is
restructured.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# --- The map -------------------------------------------------------------------------------------
# Old dotted module -> new dotted module. Entries whose file is absent are skipped, so modules that
# only exist on some branches (confine, coverage, origin, ...) can be listed before they merge.
MODULES: dict[str, str] = {
    # shared core, renamed in place: names that say what the module holds
    "manpower.project": "manpower.paths",
    "manpower.derive": "manpower.flat_table",
    # validation: the two Table Schema engines, the semantic rules, the runner
    "manpower.validate": "manpower.validation.runner",
    "manpower.columnar": "manpower.validation.columnar",
    "manpower.semantic": "manpower.validation.rules",
    "manpower.tables": "manpower.validation.text_tables",
    "manpower.numbers": "manpower.validation.quote_numbers",
    "manpower.textrules": "manpower.validation.text_rules",
    # contributing: reading contributors' files, submit, fmt, the all-or-nothing write
    "manpower.intake": "manpower.contributing.intake",
    "manpower.submit": "manpower.contributing.submit",
    "manpower.canonical": "manpower.contributing.canonical_form",
    "manpower.transaction": "manpower.contributing.transaction",
    "manpower.coverage": "manpower.contributing.coverage",
    "manpower.draft": "manpower.contributing.draft",
    "manpower.figures": "manpower.contributing.figures",
    "manpower.wording": "manpower.contributing.wording",
    "manpower.plainwords": "manpower.contributing.plain_words",
    "manpower.suggest": "manpower.contributing.suggest",
    # releasing: versions, diff, release, the archive, the index, download, load, exports
    "manpower.versioning": "manpower.releasing.versioning",
    "manpower.diff": "manpower.releasing.diff",
    "manpower.release": "manpower.releasing.release",
    "manpower.archive": "manpower.releasing.archive",
    "manpower.index": "manpower.releasing.release_index",
    "manpower.download": "manpower.releasing.download",
    "manpower.loader": "manpower.releasing.loader",
    "manpower.export": "manpower.releasing.export",
    "manpower.snapshot": "manpower.releasing.snapshot",
    "manpower.origin": "manpower.releasing.origin",
    "manpower.publish": "manpower.releasing.publish",
    # publishing: the datasheet site, its charts, `show`, the citation, the README tables
    "manpower.report": "manpower.publishing.datasheet",
    "manpower.charts": "manpower.publishing.charts",
    "manpower.claims_view": "manpower.publishing.claims_view",
    "manpower.show": "manpower.publishing.show",
    "manpower.citation": "manpower.publishing.citation",
    "manpower.docs": "manpower.publishing.readme_tables",
}

# Package data (paths under src/manpower/) that moves with the module reading it.
FILES: dict[str, str] = {
    "templates": "publishing/templates",  # publishing.datasheet: PackageLoader, Path(__file__)
    "published.json": "releasing/published.json",  # releasing.origin: Path(__file__).with_name
}

# Modules that stay at the top on purpose: the shared core and the presentation layer.
KEEP: set[str] = {
    "manpower",
    "manpower.__main__",
    "manpower.cli",  # presentation: imported by nothing but __main__ and the entry point
    "manpower.render",  # presentation
    "manpower.errors",
    "manpower.config",
    "manpower.fsutil",
    "manpower.gitutil",
    "manpower.descriptor",
    "manpower.pipeline",
    "manpower.grammar",
    "manpower.confine",
    "manpower.extras",
    "manpower.limits",
    "manpower.schema",  # the Table Schema model (issue 13 step 4)
    "manpower.problems",  # the error catalogue: shared core
}

# The docstring of each new sub-package (its __init__ imports nothing, so imports stay lazy).
PACKAGES: dict[str, str] = {
    "manpower.validation":
    "Validation: the two Table Schema engines, the semantic rules, the runner.",
    "manpower.contributing":
    "Contributing: reading contributors' files, submit, fmt, the safe write.",
    "manpower.releasing":
    "Releasing: versions, diffs, releases, the index, download, load, exports.",
    "manpower.publishing":
    "Publishing: the datasheet site, its charts, show, citation, README tables.",
}

# Where references are rewritten: these folders (text files) and these project files.
FOLDERS = ("src", "tests", "scripts")
ROOT_FILES = (
    "dvc.yaml",
    "pyproject.toml",
    "README.md",
    "CONTRIBUTING.md",
    "Makefile",
    ".pre-commit-config.yaml",
    ".ci/run",
)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".cfg", ".ini", ".txt", ".sh", ".j2"}
# This migration's own files name the old modules on purpose.
SELF = {"scripts/restructure.py", "scripts/RESTRUCTURE.md", "tests/test_restructure.py"}
PACKAGE = "manpower"
LINE_LENGTH = 100


# --- The rewriting -------------------------------------------------------------------------------
def module_path(dotted: str) -> Path:
    """``manpower.a.b`` -> ``src/manpower/a/b.py`` (relative to the repository root)."""
    return Path("src", *dotted.split(".")).with_suffix(".py")


def dotted_of(path: Path) -> str:
    """``src/manpower/a/b.py`` -> ``manpower.a.b``; ``.../a/__init__.py`` -> ``manpower.a``."""
    parts = list(path.relative_to("src").with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _bounded(name: str) -> str:
    # not inside a longer dotted name or identifier: manpower.validate, not manpower.validate_x
    # and not x.manpower.validate
    return rf"(?<![\w.-]){re.escape(name)}(?![\w])"


@dataclass
class Rewriter:
    modules: dict[str, str]
    files: dict[str, str]
    dotted: list[tuple[re.Pattern[str], str]] = field(init=False)
    paths: list[tuple[re.Pattern[str], str]] = field(init=False)

    def __post_init__(self) -> None:
        # longest first, so manpower.a.b is rewritten before manpower.a
        olds = sorted(self.modules, key=len, reverse=True)
        self.dotted = [(re.compile(_bounded(old)), self.modules[old]) for old in olds]
        self.paths = []
        for old in olds:
            new = self.modules[old]
            old_rel, new_rel = old.replace(".", "/"), new.replace(".", "/")
            # src/manpower/x.py and manpower/x.py
            self.paths.append((re.compile(_bounded(old_rel + ".py")), new_rel + ".py"))
            # "manpower" / "x.py" (pathlib joins); the quote style is kept
            old_parts, new_parts = old.split("."), new.split(".")
            self.paths.append((_joined(old_parts, ".py"), _join_text(new_parts, ".py")))
        for old, new in sorted(self.files.items(), key=lambda kv: len(kv[0]), reverse=True):
            old_rel, new_rel = f"{PACKAGE}/{old}", f"{PACKAGE}/{new}"
            self.paths.append((re.compile(_bounded(old_rel) + r"(?![\w.-])"), new_rel))
            old_parts = [PACKAGE, *old.split("/")]
            new_parts = [PACKAGE, *new.split("/")]
            self.paths.append((_joined(old_parts, ""), _join_text(new_parts, "")))

    def text(self, text: str) -> str:
        """Dotted names and file paths, anywhere in the text."""
        for pattern, new in self.paths:
            text = pattern.sub(lambda m, new=new: _requote(m, new), text)
        for pattern, new in self.dotted:
            text = pattern.sub(new, text)
        return text

    def data_loaders(self, text: str) -> str:
        """``PackageLoader("manpower", "templates")`` and ``files("manpower") / "templates"``."""
        for old, new in self.files.items():
            head, _, _ = old.partition("/")
            new_parent = ".".join([PACKAGE, *Path(new).parent.parts])
            if new_parent == PACKAGE:
                continue
            text = re.sub(
                rf"""(["']){PACKAGE}\1(\s*,\s*["']){re.escape(head)}(["'])""",
                lambda m, p=new_parent, h=head: f"{m[1]}{p}{m[1]}{m[2]}{h}{m[3]}",
                text,
            )
            text = re.sub(
                rf"""files\((["']){PACKAGE}\1\)(\s*/\s*["']){re.escape(head)}(["'])""",
                lambda m, p=new_parent, h=head: f"files({m[1]}{p}{m[1]}){m[2]}{h}{m[3]}",
                text,
            )
        return text


def _joined(parts: list[str], suffix: str) -> re.Pattern[str]:
    """``"manpower" / "validate.py"``, either quote, any spacing; group ``q`` is the quote."""
    quote = r"""["']"""
    items = [*parts[:-1], parts[-1] + suffix]
    body = r"\s*/\s*".join(f"{quote}{re.escape(item)}{quote}" for item in items)
    return re.compile(rf"(?<![\w])(?=(?P<q>{quote})){body}")


def _join_text(parts: list[str], suffix: str) -> str:
    return " / ".join(f'"{p}"' for p in [*parts[:-1], parts[-1] + suffix])


def _requote(match: re.Match[str], new: str) -> str:
    quote = match.groupdict().get("q")
    return new.replace('"', quote) if quote else new


def relative_to_absolute(source: str, package: str) -> str:
    """``from .x import y`` -> ``from manpower.a.x import y`` for a module in ``package``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    edits: list[tuple[ast.ImportFrom, str | list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            if node.level > 1:
                base = base[: -(node.level - 1)]
            target = ".".join([*base, node.module] if node.module else base)
            edits.append((node, _import_from(target, node.names)))
    return _apply(source, edits)


def split_package_imports(source: str, modules: dict[str, str]) -> str:
    """``from manpower import show as view`` -> ``from manpower.publishing import show as view``.

    Names that are not moved modules stay in a ``from manpower import ...`` of their own.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    edits: list[tuple[ast.ImportFrom, str | list[str]]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
            continue
        if not any(f"{node.module}.{a.name}" in modules for a in node.names):
            continue
        groups: dict[str, list[ast.alias]] = {}
        for alias in node.names:
            old = f"{node.module}.{alias.name}"
            if old in modules:
                parent, _, name = modules[old].rpartition(".")
                local = alias.asname or alias.name
                groups.setdefault(parent, []).append(
                    ast.alias(name=name, asname=None if local == name else local)
                )
            else:
                groups.setdefault(node.module, []).append(alias)
        statements = [_import_from(parent, names) for parent, names in groups.items()]
        edits.append((node, statements))
    return _apply(source, edits)


# a whole line ``from manpower import a, b as c`` (code a test hands to a child in a string)
_IMPORT_LINE = re.compile(
    rf"^(?P<indent>[ \t]*)from {PACKAGE} import (?P<names>\w+(?:[ \t]+as[ \t]+\w+)?"
    rf"(?:[ \t]*,[ \t]*\w+(?:[ \t]+as[ \t]+\w+)?)*)[ \t]*$",
    re.MULTILINE,
)


def split_import_lines(text: str, modules: dict[str, str]) -> str:
    """The ``from manpower import x`` lines the AST did not see as imports: those inside string
    literals (the source of a child process). Run after :func:`split_package_imports`, so only
    those are left; each is split the same way, one line per parent package."""

    def split(match: re.Match[str]) -> str:
        aliases = []
        for item in match["names"].split(","):
            name, _, asname = (" ".join(item.split())).partition(" as ")
            aliases.append(ast.alias(name=name, asname=asname or None))
        if not any(f"{PACKAGE}.{a.name}" in modules for a in aliases):
            return match[0]
        source = ast.unparse(ast.ImportFrom(module=PACKAGE, names=aliases, level=0))
        lines = split_package_imports(source, modules).split("\n")
        return "\n".join(match["indent"] + line for line in lines)

    return _IMPORT_LINE.sub(split, text)


def wrap_long_lines(source: str, names: list[str], limit: int = LINE_LENGTH) -> str:
    """Re-wrap the comment and docstring lines that a new module name pushed over the limit.

    Only whole-line comments and docstring lines that contain one of ``names`` are touched; the
    words after the last space that fits go to a new line with the same indentation (never
    inside a ``code`` span). Anything else over the limit is left for ruff to report.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    docstrings: dict[int, int] = {}  # line -> indentation of its docstring
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list) or not body or not isinstance(body[0], ast.Expr):
            continue
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            for number in range(value.lineno, (value.end_lineno or value.lineno) + 1):
                docstrings[number] = body[0].col_offset
    out = []
    for number, line in enumerate(source.split("\n"), 1):
        stripped = line.lstrip()
        comment = stripped.startswith("#")
        if len(line) <= limit or not (comment or number in docstrings):
            out.append(line)
            continue
        if not any(name in line for name in names):
            out.append(line)
            continue
        indent = line[: len(line) - len(stripped)]
        prefix = indent + "# " if comment else " " * docstrings[number]
        cut = _break_at(line, limit, len(prefix) + (2 if comment else 3))
        if cut is None:
            out.append(line)
            continue
        out.extend([line[:cut].rstrip(), prefix + line[cut:].lstrip()])
    return "\n".join(out)


def _break_at(line: str, limit: int, start: int) -> int | None:
    """The last space at or before ``limit`` that is not inside a backquoted span."""
    for cut in range(min(limit, len(line) - 1), start, -1):
        if line[cut] == " " and line[:cut].count("`") % 2 == 0:
            return cut
    return None


def _import_from(module: str, names: list[ast.alias]) -> str:
    listed = ", ".join(f"{a.name} as {a.asname}" if a.asname else a.name for a in names)
    return f"from {module} import {listed}"


def _apply(source: str, edits: list[tuple[ast.ImportFrom, str | list[str]]]) -> str:
    if not edits:
        return source
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    edits = sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset), reverse=True)
    for node, replacement in edits:
        start = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        indent = " " * node.col_offset
        statements = [replacement] if isinstance(replacement, str) else replacement
        text = ("\n" + indent).join(statements)
        data = data[:start] + text.encode("utf-8") + data[end:]
    return data.decode("utf-8")


# --- The tree ------------------------------------------------------------------------------------
@dataclass
class Plan:
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    packages: list[Path] = field(default_factory=list)


def plan(root: Path) -> Plan:
    found = Plan()
    new_names = set(MODULES.values())
    clash = new_names & set(MODULES)
    if clash:
        sys.exit(f"restructure: a new name is also an old one (not idempotent): {sorted(clash)}")
    for old, new in MODULES.items():
        src, dst = module_path(old), module_path(new)
        if (root / src).exists() and (root / dst).exists():
            sys.exit(f"restructure: both {src} and {dst} exist; resolve by hand")
        if (root / src).exists():
            found.moves.append((src, dst))
        elif (root / dst).exists():
            found.done.append(old)
        else:
            found.absent.append(old)
    for old, new in FILES.items():
        src, dst = Path("src", PACKAGE, old), Path("src", PACKAGE, new)
        if (root / src).exists() and (root / dst).exists():
            sys.exit(f"restructure: both {src} and {dst} exist; resolve by hand")
        if (root / src).exists():
            found.moves.append((src, dst))
    for package in sorted({new.rpartition(".")[0] for new in new_names}):
        init = module_path(package).with_suffix("") / "__init__.py"
        if package != PACKAGE and not (root / init).exists():
            found.packages.append(init)
    known = set(MODULES) | new_names | KEEP | set(PACKAGES)
    data_known = set(FILES) | {Path(v).parts[0] for v in FILES.values()}
    data_known |= {p.split(".")[1] for p in PACKAGES}
    for path in sorted((root / "src" / PACKAGE).iterdir()):
        rel = path.relative_to(root)
        if path.name in {"__pycache__"} or path.name.endswith(".egg-info"):
            continue
        if path.suffix == ".py":
            if dotted_of(rel) not in known:
                found.unknown.append(dotted_of(rel))
        elif path.name not in data_known:
            found.unknown.append(str(rel))
    return found


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def targets(root: Path) -> list[Path]:
    """Text files to rewrite: tracked or new (not ignored) under FOLDERS, and ROOT_FILES."""
    listed = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z", *FOLDERS)
    found = []
    for name in sorted(set(filter(None, listed.split("\0")))):
        path = Path(name)
        if name in SELF or not (root / path).is_file():
            continue
        if path.suffix in TEXT_SUFFIXES:
            found.append(path)
    found += [Path(name) for name in ROOT_FILES if (root / name).is_file()]
    return found


def rewrite(root: Path, path: Path, rewriter: Rewriter) -> str | None:
    """The new text of ``path``, or None when nothing changes."""
    before = (root / path).read_text(encoding="utf-8")
    text = before
    if path.suffix == ".py":
        if path.parts[:2] == ("src", PACKAGE):
            dotted = dotted_of(path)
            package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
            text = relative_to_absolute(text, package)
        text = split_package_imports(text, MODULES)
        text = split_import_lines(text, MODULES)
        text = rewriter.data_loaders(text)
    if path.name == "pyproject.toml":
        text = package_data(text)
    text = rewriter.text(text)
    if path.suffix == ".py":
        text = wrap_long_lines(text, sorted(set(MODULES.values())))
    return None if text == before else text


def package_data(text: str) -> str:
    """Split ``manpower = ["templates/*", ...]`` by the package each file now lives in."""
    section = re.search(r"(?ms)^\[tool\.setuptools\.package-data\]\n(.*?)(?=^\[|\Z)", text)
    if not section:
        return text
    table = tomllib.loads(section[1])
    entries: dict[str, list[str]] = {}
    for package, patterns in table.items():
        for pattern in patterns:
            target, rel = package, pattern
            if package == PACKAGE:
                for old, new in FILES.items():
                    if pattern == old or pattern.startswith(old + "/"):
                        parent = Path(new).parent
                        target = ".".join([PACKAGE, *parent.parts])
                        rel = Path(new).name + pattern[len(old):]
            entries.setdefault(target, []).append(rel)
    if entries == table:
        return text
    lines = []
    for package, patterns in sorted(entries.items(), key=lambda kv: (kv[0] != PACKAGE, kv[0])):
        key = package if "." not in package else f'"{package}"'
        lines.append(f"{key} = [{', '.join(json.dumps(p) for p in patterns)}]")
    rest = text[section.end(1) :].lstrip("\n")
    return text[: section.start(1)] + "\n".join(lines) + ("\n\n" if rest else "\n") + rest


def leftovers(root: Path, rewriter: Rewriter) -> list[str]:
    """Lines of tracked files that still name a moved module or file (prose such as `x.py`)."""
    found = []
    olds = [m.rpartition(".")[2] for m in MODULES if (root / module_path(MODULES[m])).exists()]
    bare = re.compile(r"`(" + "|".join(re.escape(o) for o in olds) + r")\.py`") if olds else None
    for path in targets(root):
        text = (root / path).read_text(encoding="utf-8")
        if rewriter.text(text) != text:
            found.append(f"{path}: still names an old module (rewrite failed?)")
        if bare and path.suffix == ".md":
            for number, line in enumerate(text.splitlines(), 1):
                if bare.search(line):
                    found.append(f"{path}:{number}: bare file name: {line.strip()[:90]}")
    return found


def elsewhere(root: Path, rewriter: Rewriter) -> list[str]:
    """Tracked text files outside the rewritten ones that still name an old module or path
    (a workflow, a config file): listed, not edited."""
    skip = {str(p) for p in targets(root)} | SELF | {"dvc.lock"}
    found = []
    for name in filter(None, git(root, "ls-files", "-z").split("\0")):
        path = root / name
        if name in skip or name.startswith(("data/", "site/", "reports/")) or not path.is_file():
            continue
        if path.stat().st_size > 1_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if rewriter.text(text) != text:
            found.append(f"{name}: names an old module or path (not edited: outside {FOLDERS})")
    return found


def review(root: Path) -> list[str]:
    """Moved modules that locate files from ``__file__``: check that those files moved too."""
    notes = []
    for new in MODULES.values():
        path = root / module_path(new)
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "__file__" in line:
                    notes.append(f"{module_path(new)}:{number}: uses __file__: {line.strip()}")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--no-ruff", action="store_true", help="do not run ruff's import fixer")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / "src" / PACKAGE / "__init__.py").is_file():
        sys.exit(f"restructure: {root} has no src/{PACKAGE}/__init__.py")
    found = plan(root)
    rewriter = Rewriter(MODULES, FILES)

    # Rewrite first, while every file is where its relative imports were written for.
    changed = {}
    for path in targets(root):
        text = rewrite(root, path, rewriter)
        if text is not None:
            changed[path] = text
    for path, text in changed.items():
        print(f"rewrite {path}")
        if not args.dry_run:
            (root / path).write_text(text, encoding="utf-8")
    for init in found.packages:
        print(f"create  {init}")
        if not args.dry_run:
            (root / init).parent.mkdir(parents=True, exist_ok=True)
            doc = PACKAGES.get(dotted_of(init), f"The {dotted_of(init)} sub-package.")
            (root / init).write_text(f'"""{doc}"""\n', encoding="utf-8")
            git(root, "add", str(init))
    for src, dst in found.moves:
        print(f"git mv  {src} -> {dst}")
        if not args.dry_run:
            (root / dst).parent.mkdir(parents=True, exist_ok=True)
            try:
                git(root, "mv", str(src), str(dst))
            except subprocess.CalledProcessError:  # not tracked yet (a new, uncommitted file)
                (root / src).rename(root / dst)
            shutil.rmtree(root / src.parent / "__pycache__", ignore_errors=True)

    if not (changed or found.moves or found.packages):
        print("nothing to do: the tree is already restructured")
    if found.absent:
        print(f"not in this tree (skipped): {', '.join(found.absent)}")
    if found.unknown:
        print("NOT IN THE MAP, left in place (add them to MODULES, FILES or KEEP and run again):")
        for name in found.unknown:
            print(f"  {name}")
    if args.dry_run:
        return 0
    ruff = shutil.which("ruff", path=str(root / ".venv" / "bin")) or shutil.which("ruff")
    if ruff and not args.no_ruff and (changed or found.moves):
        # the new names sort differently; fix only the import order, never anything else
        subprocess.run(
            [ruff, "check", "--select", "I", "--fix", "--quiet", *FOLDERS], cwd=root, check=False
        )
        long_lines = subprocess.run(
            [ruff, "check", "--select", "E501", "--output-format", "concise", *FOLDERS],
            cwd=root, capture_output=True, text=True, check=False,
        ).stdout.strip()
        if "E501" in long_lines:
            print("lines now over the length limit (wrap them by hand):")
            print(long_lines)
    notes = leftovers(root, rewriter) + elsewhere(root, rewriter) + review(root)
    if notes:
        print("check by hand:")
        for note in notes:
            print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
