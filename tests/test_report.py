"""The datasheet site: what it holds, that it rebuilds identically, and how Chromium sees it."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from browser import Browser, chromium
from conftest import CLAIMANTS, METRICS, ROOT, SOURCES, claim, digest
from manpower.cli import cli
from manpower.views.datasheet import build_site, report

SECOND_SOURCE = {
    **SOURCES[0],
    "source_id": "wire-2025-06-01",
    "title": "Desertion estimates",
    "publisher": "The Wire",
    "published_date": "2025-06-01",
    "url": "https://example.org/b?x=1&y=2",
}
NO_URL_SOURCE = {**SOURCES[0], "source_id": "memo-2025", "url": "", "publisher": ""}
SECOND_CLAIMANT = {**CLAIMANTS[0], "claimant_id": "ru-mod", "name": "Ministry of Defence"}
DESERTION = {
    **METRICS[0],
    "metric_id": "desertion_cases_per_year",
    "topic": "desertion",
    "label": "Desertion cases a year",
    "counting_basis": "flow",
}
CLAIMS = [
    claim(),  # range 140,000–180,000
    claim(
        claim_id="paper-2025-01-03-02",
        value_kind="more_than",
        value_low="10000",
        value_high="",
        period_start="",
        period_end="2023-06-30",
        quote="more than 10,000 convicts",
    ),
    claim(
        claim_id="wire-2025-06-01-01",
        metric_id="desertion_cases_per_year",
        value_kind="exact",
        value_low="",
        value="18000",
        value_high="",
        period_start="2024-01-01",
        period_end="2024-12-31",
        date_precision="year",
        claimant_id="ru-mod",
        source_id="wire-2025-06-01",
        quote="18,000 cases",
        verification="unverified",
    ),
    claim(
        claim_id="wire-2025-06-01-02",
        metric_id="desertion_cases_per_year",
        value_kind="up_to",
        value_low="",
        value="",
        value_high="70000",
        period_start="2024-01-01",
        period_end="2024-12-31",
        date_precision="year",
        source_id="wire-2025-06-01",
        quote="up to 70,000 <deserters> & more",
        verification="disputed",
    ),
    claim(
        claim_id="memo-2025-01",
        metric_id="desertion_cases_per_year",
        value_kind="approximate",
        value_low="",
        value="50000",
        value_high="",
        period_start="2023-01-01",
        period_end="2023-12-31",
        date_precision="year",
        source_id="memo-2025",
        quote="about 50,000",
    ),
    claim(
        claim_id="paper-2025-01-03-03",
        metric_id="pow_share_by_rank",
        category="officer",
        value_kind="approximate",
        value_low="",
        value="7",
        value_high="",
        quote="about 7% officers",
    ),
]


@pytest.fixture
def repo(make_repo):
    return make_repo(
        claims=CLAIMS,
        sources=[*SOURCES, SECOND_SOURCE, NO_URL_SOURCE],
        claimants=[*CLAIMANTS, SECOND_CLAIMANT],
        metrics=[*METRICS, DESERTION],
    )


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.slow
def test_report_writes_site_and_rebuilds_identically(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    result = run("report")
    assert result.exit_code == 0, result.output
    site = repo / "site"
    assert result.output == f"{site / 'index.html'}: 2 charts (5 claims), 6 files\n"
    assert sorted(digest(site)) == [
        ".manpower-site.json",
        "charts/convicts_recruited_cumulative.png",
        "charts/convicts_recruited_cumulative.svg",
        "charts/desertion_cases_per_year.png",
        "charts/desertion_cases_per_year.svg",
        "index.html",
        "style.css",
    ]
    first = digest(site)
    other = tmp_path / "elsewhere"
    assert run("report", "--out", str(other)).exit_code == 0
    assert {k: v for k, v in digest(other).items() if k != "index.html"} == {
        k: v for k, v in first.items() if k != "index.html"
    }
    assert run("report").exit_code == 0
    assert digest(site) == first


@pytest.mark.slow
def test_report_page_content(repo):
    site = build_site(repo, repo / "site")
    html = site.files["index.html"].decode()
    # values as stated, the quote escaped, links relative to the page
    assert "140,000–180,000" in html
    assert "more than 10,000" in html
    assert "up to 70,000" in html
    assert "≈ 7 %" in html
    assert "up to 70,000 &lt;deserters&gt; &amp; more" in html
    assert 'href="../data/claims.csv"' in html
    assert 'href="https://example.org/b?x=1&amp;y=2"' in html
    # the single-claim metric is in a table, not a chart
    assert 'id="metric-pow_share_by_rank" data-claim-id="paper-2025-01-03-03"' in html
    assert "charts/pow_share_by_rank.svg" not in site.files
    assert "valid; rows: sources 3, claimants 2, metrics 3, claims 6" in html
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)', html)


@pytest.mark.slow
def test_report_removes_stale_charts(repo, make_repo, tmp_path):
    out = tmp_path / "site"
    report(repo, out)
    assert (out / "charts" / "desertion_cases_per_year.svg").is_file()
    (out / "charts" / "notes.txt").write_text("mine")
    report(make_repo(), out)  # one claim: no chart any more
    assert sorted(p.name for p in (out / "charts").iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_report_keeps_files_it_did_not_write(repo, make_repo, tmp_path):
    """Issue 22 item 2: a user's mine.png and logo.svg in DIR/charts/ survive a report."""
    out = tmp_path / "mine"
    (out / "charts").mkdir(parents=True)
    (out / "charts" / "mine.png").write_bytes(b"user's png")
    (out / "charts" / "logo.svg").write_bytes(b"<svg/>")
    report(repo, out)
    report(make_repo(), out)  # the earlier report's charts are stale now
    assert sorted(p.name for p in (out / "charts").iterdir()) == ["logo.svg", "mine.png"]
    assert (out / "charts" / "mine.png").read_bytes() == b"user's png"
    assert (out / "charts" / "logo.svg").read_bytes() == b"<svg/>"


def test_report_manifest_cannot_delete_other_files(tmp_path):
    """A hand-edited manifest names only charts/*.svg|png: nothing else is ever removed."""
    from manpower.views.datasheet import MANIFEST, Site, write_site

    out = tmp_path / "site"
    (out / "charts").mkdir(parents=True)
    keep = {"index.txt": b"x", "charts/a.txt": b"y", "charts/b.svg": b"z"}
    for name, body in keep.items():
        (out / name).write_bytes(body)
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"outside")
    listed = ["index.txt", "charts/a.txt", "../outside.png", "charts/../../outside.png"]
    (out / MANIFEST).write_text(json.dumps({"charts": listed}))
    write_site(Site(files={"index.html": b"<html>"}, charted={}), out)
    assert all((out / name).read_bytes() == body for name, body in keep.items())
    assert outside.read_bytes() == b"outside"
    assert json.loads((out / MANIFEST).read_text()) == {"charts": []}


def test_report_bad_data_writes_nothing(repo, monkeypatch):
    (repo / "data" / "claims.csv").write_bytes(b"\xff\xfe bad")
    monkeypatch.chdir(repo)
    before = digest(repo)
    result = run("report")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "cannot be read as a UTF-8 CSV table" in result.output
    assert digest(repo) == before


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="chromium is not installed (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def browser():
    if chromium() is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    instance = Browser(chromium())
    yield instance
    instance.close()


PROBE = """(() => ({
  charts: [...document.querySelectorAll('figure.metric')].map(f => ({
    metric: f.dataset.metricId,
    svgs: f.querySelectorAll('svg.chart').length,
    marks: [...f.querySelectorAll('svg.chart g.mark')].map(g => g.dataset.claimId),
    titles: f.querySelectorAll('svg.chart g.mark > title').length,
    series: [...f.querySelectorAll('svg.chart g.series')].flatMap(
      g => g.dataset.claimIds.split(' ')),
    seriesTitles: f.querySelectorAll('svg.chart g.series > title').length,
    seriesLines: f.querySelectorAll('svg.chart g.series').length,
  })),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  duplicateIds: (() => { const seen = new Set(), dup = [];
    document.querySelectorAll('[id]').forEach(
      e => seen.has(e.id) ? dup.push(e.id) : seen.add(e.id));
    return dup; })(),
  visibleSvgs: [...document.querySelectorAll('svg.chart')].filter(
    s => s.getBoundingClientRect().height > 100).length,
}))()"""


def check_page(browser, site_dir, sources, claims, metrics, screenshot):
    result = browser.open(f"file://{site_dir / 'index.html'}", PROBE, screenshot=screenshot)
    assert result.errors == []
    page = result.value
    counts = {m: sum(c["metric_id"] == m for c in claims) for m in metrics}
    qualifying = sorted(m for m, n in counts.items() if n >= 2)
    assert sorted(c["metric"] for c in page["charts"]) == qualifying
    for chart in page["charts"]:
        expected = sorted(c["claim_id"] for c in claims if c["metric_id"] == chart["metric"])
        assert chart["svgs"] == 1
        # a relayed daily series is one line (its claims' ids on it), the other claims marks
        assert sorted(chart["marks"] + chart["series"]) == expected, chart["metric"]
        assert chart["titles"] == len(chart["marks"])
        assert chart["seriesTitles"] == chart["seriesLines"]
    assert page["visibleSvgs"] == len(qualifying)
    assert page["duplicateIds"] == []
    for source in sources:
        if source["url"]:
            assert source["url"] in page["links"], source["source_id"]
    assert screenshot.stat().st_size > 10_000


@needs_chromium
def test_page_in_chromium(browser, repo, tmp_path):
    site_dir = tmp_path / "site"
    report(repo, site_dir)
    check_page(
        browser,
        site_dir,
        [*SOURCES, SECOND_SOURCE, NO_URL_SOURCE],
        CLAIMS,
        [m["metric_id"] for m in [*METRICS, DESERTION]],
        ROOT / "tmp" / "report-fixture.png",
    )


@needs_chromium
def test_chromium_harness_sees_errors(browser, tmp_path):
    # the check above would pass vacuously if console errors and failed loads went unseen
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="missing.png">'
        '<script>console.error("boom"); undefinedFunction();</script></body></html>'
    )
    result = browser.open(f"file://{page}", "document.title")
    assert any("boom" in e for e in result.errors)
    assert any("undefinedFunction" in e or "exception" in e for e in result.errors)
    assert any("missing.png" in e for e in result.errors)


has_data = pytest.mark.skipif(
    not (ROOT / "data" / "claims.csv").is_file(), reason="no curated data"
)


def _rows(table: str) -> list[dict[str, str]]:
    import csv

    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@has_data
@pytest.mark.slow
def test_committed_site_is_current():
    site = build_site(ROOT, ROOT / "site")
    on_disk = digest(ROOT / "site")
    assert sorted(on_disk) == sorted(site.files), "site/ is stale: run make build"
    for name, content in site.files.items():
        assert (ROOT / "site" / name).read_bytes() == content, f"site/{name} is stale"


@has_data
@needs_chromium
def test_real_site_in_chromium(browser):
    check_page(
        browser,
        ROOT / "site",
        _rows("sources"),
        _rows("claims"),
        [m["metric_id"] for m in _rows("metrics")],
        ROOT / "tmp" / "report-screenshot.png",
    )
