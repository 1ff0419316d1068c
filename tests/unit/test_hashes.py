"""``validate DIR`` of a published package folder checks each file against its descriptor."""

from __future__ import annotations

import hashlib

import pytest

from conftest import digest, published
from parity.oracle import invoke_validate


@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_a_csv_edited_after_download_is_invalid(make_repo, engine):
    folder = published(make_repo)
    assert invoke_validate([str(folder)], engine).exit_code == 0
    claims = folder / "data" / "claims.csv"
    old = claims.read_bytes()
    # a valid edit of the same length: only the hash tells
    claims.write_bytes(old.replace(b"180,000 prisoners", b"180,000 convicts!"))
    before = digest(folder)
    result = invoke_validate([str(folder)], engine)
    assert result.exit_code == 1, result.output
    expected = hashlib.sha256(old).hexdigest()
    actual = hashlib.sha256(claims.read_bytes()).hexdigest()
    assert result.output.splitlines() == [
        f'claims.csv: [hash-count] expected is "{expected}" and actual is "{actual}". Fix: the '
        "file is not the one datapackage.json describes (edited after the package was built or "
        "downloaded): download the release again, or rebuild it with manpower build.",
        "invalid: 1 error (sources 1, claimants 1, metrics 2, claims 1, exclusions 0 rows)",
    ]
    assert digest(folder) == before
