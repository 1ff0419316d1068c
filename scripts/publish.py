"""Rebuild a tagged release's files into dist/ and write the hosted index and descriptor.

Run from a checkout of the tag (the release workflow does), with the release record of the
default branch (the tag's own commit precedes the commit that records it):

    python scripts/publish.py --record releases.json --version 1.0.0 \
        --assets-url 'https://github.com/O/R/releases/download/{tag}/' \
        --files-url 'https://raw.githubusercontent.com/O/R/{tag}/'
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from manpower.descriptor import dumps
    from manpower.errors import ManpowerError
    from manpower.files import write_atomic
    from manpower.releasing.publish import hosted_descriptor, hosted_index, rebuilt
    from manpower.releasing.release import build_wheel
    from manpower.releasing.release_index import INDEX_NAME, SUMS_NAME, parse_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, required=True, help="the committed releases.json")
    parser.add_argument("--version", required=True, help="the version being published")
    parser.add_argument("--assets-url", required=True, help="where the files are served")
    parser.add_argument("--files-url", required=True, help="where the package's files are served")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        record = parse_index(args.record.read_bytes())
        release = record.get(args.version)
        args.out.mkdir(parents=True, exist_ok=True)
        files = rebuilt(ROOT, release, args.out)
        build_wheel(ROOT, args.out)
        hosted = hosted_index(record, args.assets_url)
        write_atomic(args.out / INDEX_NAME, hosted.to_json())
        write_atomic(args.out / SUMS_NAME, record.sha256sums())
        descriptor = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
        files_url = args.files_url.format(tag=release.tag, version=release.version)
        write_atomic(args.out / "datapackage.json", dumps(hosted_descriptor(descriptor, files_url)))
    except (ManpowerError, OSError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for file in files:
        print(f"{file.name}  {file.bytes} bytes  sha256 {file.sha256}: matches the record")
    return 0


if __name__ == "__main__":
    sys.exit(main())
