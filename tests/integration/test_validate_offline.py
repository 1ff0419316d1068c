"""Validation never touches the network, whatever URLs an untrusted datapackage.json names
(issue 22 item 9: `--engine frictionless` fetched `dialect` and `profile` URLs)."""

from __future__ import annotations

import http.server
import json

import pytest
from click.testing import CliRunner
from test_descriptor_shape import claims, published

from conftest import digest, serving
from manpower.cli import cli


@pytest.fixture
def server():
    """A local HTTP server that counts the requests it gets (and answers each with {})."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with serving(httpd) as url:
        yield url, hits


@pytest.mark.parametrize("with_dialect", [False, True])
def test_validate_fetches_nothing(make_repo, server, with_dialect):
    url, hits = server
    folder = published(make_repo)
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    descriptor["profile"] = f"{url}/package-profile.json"
    descriptor["$schema"] = f"{url}/schema.json"
    for resource in descriptor["resources"]:
        resource["profile"] = f"{url}/resource-profile.json"
        resource["$schema"] = f"{url}/resource-schema.json"
    if with_dialect:
        claims(descriptor)["dialect"] = f"{url}/dialect.json"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    before = digest(folder)
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert hits == []
    if with_dialect:
        assert result.exit_code == 1
        assert "a CSV dialect is not supported" in result.output
    else:
        assert result.exit_code == 0, result.output
    assert digest(folder) == before
    # the counter counts: the frictionless oracle (what --engine frictionless ran) does fetch
    from manpower.validation.runner import Report
    from parity.oracle import check_structure

    check_structure(folder, descriptor, Report(root=str(folder)))
    assert hits, "the server saw no request: the test above proves nothing"
