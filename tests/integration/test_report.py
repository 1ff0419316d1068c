"""The datasheet site: what it holds, that it rebuilds identically, and how Chromium sees it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from browser import Browser, chromium
from conftest import CLAIMANTS, METRICS, ROOT, SOURCES, claim, digest
from manpower.cli import cli
from manpower.views.datasheet import MANIFEST, build_site, report

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


PACKAGE_COPIES = [
    "data/claimants.csv",
    "data/claims.csv",
    "data/exclusions.csv",
    "data/metrics.csv",
    "data/sources.csv",
    "datapackage.json",
    "schemas/claimants.schema.json",
    "schemas/claims.schema.json",
    "schemas/exclusions.schema.json",
    "schemas/metrics.schema.json",
    "schemas/sources.schema.json",
]


@pytest.mark.slow
def test_report_writes_site_and_rebuilds_identically(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo)
    result = run("report")
    assert result.exit_code == 0, result.output
    site = repo / "site"
    assert result.output == f"{site / 'index.html'}: 2 charts (5 claims), 18 files\n"
    assert sorted(digest(site)) == sorted(
        [
            ".manpower-site.json",
            "charts/convicts_recruited_cumulative.png",
            "charts/convicts_recruited_cumulative.svg",
            "charts/desertion_cases_per_year.png",
            "charts/desertion_cases_per_year.svg",
            "datasheet.js",
            "index.html",
            "style.css",
            *PACKAGE_COPIES,
        ]
    )
    first = digest(site)
    # nothing in the page depends on where it is written: a site is the same anywhere
    other = tmp_path / "elsewhere"
    assert run("report", "--out", str(other)).exit_code == 0
    assert digest(other) == first
    assert run("report").exit_code == 0
    assert digest(site) == first


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'\bhref="([^"]*)"', html)]


@pytest.mark.slow
def test_report_page_content(repo):
    site = build_site(repo, repo / "site")
    html = site.files["index.html"].decode()
    # values as stated, the quote escaped
    assert "140,000–180,000" in html
    assert "more than 10,000" in html
    assert "up to 70,000" in html
    assert "≈ 7 %" in html
    assert "up to 70,000 &lt;deserters&gt; &amp; more" in html
    assert 'href="https://example.org/b?x=1&amp;y=2"' in html
    # the single-claim metric is in a table, not a chart
    assert 'id="metric-pow_share_by_rank" data-claim-id="paper-2025-01-03-03"' in html
    assert "charts/pow_share_by_rank.svg" not in site.files
    assert "sources 3 rows, claimants 2 rows, metrics 3 rows, claims 6 rows" in html
    # every claim is a row of the table, linkable by its id, with the value as show words it
    for c in CLAIMS:
        assert f'<tr id="claim-{c["claim_id"]}" data-claim-id="{c["claim_id"]}"' in html
    assert html.count('<a class="permalink" href="#claim-') == len(CLAIMS)
    # the one script is the site's own file; nothing is loaded from elsewhere
    assert re.findall(r"<script[^>]*>", html) == ['<script src="datasheet.js" defer>']
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)', html)
    # every link inside the site resolves inside the site: no ../data/*.csv, no broken anchor
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for href in _hrefs(html):
        if href.startswith(("https://", "http://")):
            continue
        assert not href.startswith(("../", "/")), href
        if href.startswith("#"):
            assert href[1:] in ids, href
        else:
            assert href in site.files, href
    assert 'href="data/claims.csv"' in html and 'href="datapackage.json"' in html


@pytest.mark.slow
def test_site_is_a_package_of_its_own(repo):
    """The copies are the package's bytes, and the site's descriptor describes them."""
    import hashlib
    import json

    site = build_site(repo, repo / "site")
    for name in PACKAGE_COPIES:
        if name != "datapackage.json":
            assert site.files[name] == (repo / name).read_bytes(), name
    descriptor = json.loads(site.files["datapackage.json"])
    for resource in descriptor["resources"]:
        content = site.files[resource["path"]]
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["schema"] in site.files


def test_latest_figures_per_topic_and_claimant(make_repo):
    from manpower.views.claims_view import load
    from manpower.views.datasheet import _latest

    correction = claim(
        claim_id="wire-2025-06-01-03",
        metric_id="desertion_cases_per_year",
        value_kind="exact",
        value_low="",
        value="17000",
        value_high="",
        period_start="2024-01-01",
        period_end="2024-06-30",
        date_precision="month",
        claimant_id="ru-mod",
        source_id="wire-2025-06-01",
        quote="17,000 cases",
        verification="unverified",
        supersedes="wire-2025-06-01-01",
    )
    repo = make_repo(
        claims=[*CLAIMS, correction],
        sources=[*SOURCES, SECOND_SOURCE, NO_URL_SOURCE],
        claimants=[*CLAIMANTS, SECOND_CLAIMANT],
        metrics=[*METRICS, DESERTION],
    )
    latest = {t: [c.claim_id for c in claims] for t, claims in _latest(load(repo))}
    assert latest == {
        "captivity": ["paper-2025-01-03-03"],
        "desertion": [
            # ua-szru: up to 70,000 for 2024, not the older 50,000 for 2023
            "wire-2025-06-01-02",
            # ru-mod: the correction, although the figure it supersedes ends later
            "wire-2025-06-01-03",
        ],
        # the range for 2024-11, not "more than 10,000" for 2023-06
        "recruitment": ["paper-2025-01-03-01"],
    }


def test_releases_link_only_to_a_known_host(repo):
    import shutil

    # the record is not read: it changes after a release's commit, the page must not
    shutil.copy(ROOT / "releases.json", repo / "releases.json")
    html = build_site(repo, repo / "site").files["index.html"].decode()
    assert "No download host is recorded for this package" in html
    assert "manpower-0.1.0.zip" not in html
    assert not [h for h in _hrefs(html) if "releases.json" in h]

    metadata = repo / "schemas" / "package.json"
    text = metadata.read_text(encoding="utf-8")
    host = "https://example.org/dl/releases.json"
    metadata.write_text(
        re.sub(r'"releases_url":\s*null', f'"releases_url": "{host}"', text), encoding="utf-8"
    )
    html = build_site(repo, repo / "site").files["index.html"].decode()
    assert f'<a href="{host}">{host}</a>' in html
    assert "No download host" not in html


@pytest.mark.slow
def test_report_removes_stale_charts(repo, make_repo, tmp_path):
    out = tmp_path / "site"
    report(repo, out)
    assert (out / "charts" / "desertion_cases_per_year.svg").is_file()
    (out / "charts" / "notes.txt").write_text("mine")
    (out / "data" / "extra.csv").write_text("a\n1\n")
    report(make_repo(), out)  # one claim: no chart any more
    assert sorted(p.name for p in (out / "charts").iterdir()) == ["notes.txt"]
    # a file no report wrote is the user's (issue 22 item 2), wherever it is
    assert (out / "data" / "extra.csv").read_text() == "a\n1\n"


def test_report_into_the_package_keeps_its_files(repo):
    # a site written into the package folder itself: its own data/ is never "stale copies"
    (repo / "data" / "notes.csv").write_text("a\n1\n")
    report(repo, repo)
    assert (repo / "data" / "notes.csv").read_text() == "a\n1\n"
    assert (repo / "index.html").is_file()


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
    """A hand-edited manifest names only what a report writes: nothing else is ever removed."""
    from manpower.views.datasheet import Site, write_site

    out = tmp_path / "site"
    (out / "charts").mkdir(parents=True)
    keep = {"index.txt": b"x", "charts/a.txt": b"y", "charts/b.svg": b"z"}
    for name, body in keep.items():
        (out / name).write_bytes(body)
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"outside")
    listed = ["index.txt", "charts/a.txt", "../outside.png", "charts/../../outside.png"]
    (out / MANIFEST).write_text(json.dumps({"files": listed}))
    write_site(Site(files={"index.html": b"<html>"}, charted={}), out)
    assert all((out / name).read_bytes() == body for name, body in keep.items())
    assert outside.read_bytes() == b"outside"
    assert json.loads((out / MANIFEST).read_text()) == {"files": []}


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
    # the first screen only: a full-page capture of the long page takes seconds
    result = browser.open(
        f"file://{site_dir / 'index.html'}", PROBE, screenshot=screenshot, full_page=False
    )
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


VISIBLE = """[...document.querySelectorAll('#claims-table tbody tr')]
  .filter(r => r.getClientRects().length > 0).map(r => r.dataset.claimId)"""
COUNT = "document.getElementById('claims-count').textContent"
NO_SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _type(browser, text: str) -> list[str]:
    browser.evaluate(
        "(() => { const s = document.getElementById('claim-search');"
        f" s.value = {json.dumps(text)}; s.dispatchEvent(new Event('input')); }})()"
    )
    return browser.evaluate(VISIBLE)


def _choose(browser, name: str, value: str) -> list[str]:
    browser.evaluate(
        f"(() => {{ const s = document.getElementById({json.dumps(name)});"
        f" s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()"
    )
    return browser.evaluate(VISIBLE)


def _go(browser, hash_: str) -> dict[str, Any]:
    """Follow a link to ``hash_`` on the open page; where the claim row is then."""
    return browser.evaluate(
        "new Promise(done => { window.scrollTo(0, 0);"
        f" location.hash = {json.dumps(hash_)};"
        " setTimeout(() => { const r = document.getElementById("
        f"{json.dumps(hash_[1:])}).getBoundingClientRect();"
        " done({top: r.top, bottom: r.bottom, height: innerHeight, y: scrollY,"
        " shown: r.height > 0}); }, 150); })"
    )


@needs_chromium
@pytest.mark.slow
def test_claims_table_search_filter_sort_and_links(browser, repo, tmp_path):
    site_dir = tmp_path / "site"
    report(repo, site_dir)
    every = [c["claim_id"] for c in CLAIMS]
    page_order = browser.open(f"file://{site_dir / 'index.html'}", VISIBLE).value
    assert sorted(page_order) == sorted(every)
    assert browser.evaluate(COUNT) == "All 6 claims."

    # a search narrows the rows: words in any column (quote, claimant, value), all of them
    assert _type(browser, "70,000") == ["wire-2025-06-01-02"]
    assert _type(browser, "PRISONERS") == ["paper-2025-01-03-01"]
    assert _type(browser, "convicts 10,000") == ["paper-2025-01-03-02"]
    assert browser.evaluate(COUNT) == "1 of 6 claims match."
    assert _type(browser, "no such words") == []
    assert browser.evaluate("document.getElementById('claims-none').hidden") is False
    assert _type(browser, "") == page_order

    # filters, alone and together with the search
    assert _choose(browser, "filter-claimant", "ru-mod") == ["wire-2025-06-01-01"]
    _choose(browser, "filter-claimant", "")
    topic = _choose(browser, "filter-topic", "desertion")
    assert sorted(topic) == ["memo-2025-01", "wire-2025-06-01-01", "wire-2025-06-01-02"]
    assert _choose(browser, "filter-verification", "disputed") == ["wire-2025-06-01-02"]
    assert _type(browser, "18,000") == []
    browser.evaluate("document.getElementById('claim-reset').click()")
    assert browser.evaluate(VISIBLE) == page_order
    assert _choose(browser, "filter-metric", "pow_share_by_rank") == ["paper-2025-01-03-03"]
    _choose(browser, "filter-metric", "")

    # sorting by a heading, both ways; by the order menu; back to the page's order
    by_value = [
        "paper-2025-01-03-03",  # 7 %
        "paper-2025-01-03-02",  # more than 10,000
        "wire-2025-06-01-01",  # 18,000
        "memo-2025-01",  # about 50,000
        "wire-2025-06-01-02",  # up to 70,000
        "paper-2025-01-03-01",  # 140,000–180,000: its middle
    ]
    click = "document.querySelector('th[data-sort=value] button').click()"
    browser.evaluate(click)
    assert browser.evaluate(VISIBLE) == by_value
    assert browser.evaluate("document.querySelector('th[data-sort=value]').ariaSort") == (
        "ascending"
    )
    browser.evaluate(click)
    assert browser.evaluate(VISIBLE) == by_value[::-1]
    newest = _choose(browser, "claim-sort", "period:desc")
    # 2024-12-31 twice (a tie keeps the page's order), ..., 2023-12-31, 2023-06-30
    assert newest[:2] == ["wire-2025-06-01-01", "wire-2025-06-01-02"]
    assert newest[-2:] == ["memo-2025-01", "paper-2025-01-03-02"]
    assert _choose(browser, "claim-sort", "") == page_order

    # a link to a claim the filters hide clears them and brings the claim into view
    _choose(browser, "filter-claimant", "ru-mod")
    seen = _go(browser, "#claim-memo-2025-01")
    assert seen["shown"] and 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen
    assert sorted(browser.evaluate(VISIBLE)) == sorted(every)
    assert browser.errors() == []

    # a phone: no sideways scrolling, and the table still filters
    browser.open(f"file://{site_dir / 'index.html'}", "0", width=390)
    assert browser.evaluate(NO_SIDEWAYS) == 0
    assert _type(browser, "70,000") == ["wire-2025-06-01-02"]
    assert browser.evaluate(NO_SIDEWAYS) == 0
    assert browser.errors() == []


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
    on_disk.pop(MANIFEST)  # what the report wrote, beside the site
    assert sorted(on_disk) == sorted(site.files), "site/ is stale: run make build"
    for name, content in site.files.items():
        assert (ROOT / "site" / name).read_bytes() == content, f"site/{name} is stale"


@has_data
@needs_chromium
@pytest.mark.slow  # the real page: every claim in its table
def test_real_site_in_chromium(browser):
    check_page(
        browser,
        ROOT / "site",
        _rows("sources"),
        _rows("claims"),
        [m["metric_id"] for m in _rows("metrics")],
        ROOT / "tmp" / "report-screenshot.png",
    )
    claims = _rows("claims")
    assert len(browser.evaluate(VISIBLE)) == len(claims)
    assert browser.evaluate(NO_SIDEWAYS) == 0
    # the first screen, for people (not checked: looked at)
    browser.screenshot(ROOT / "tmp" / "datasheet-1300.png", full_page=False)
    # a permalink far down the page scrolls to its claim
    last = browser.evaluate(VISIBLE)[-1]
    seen = _go(browser, f"#claim-{last}")
    assert seen["y"] > seen["height"], seen  # it had to scroll: the claim is not on screen one
    assert seen["shown"] and 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen
    # a phone: nothing wider than the screen, the download tables included
    browser.open(f"file://{ROOT / 'site' / 'index.html'}", "0", width=390)
    assert browser.evaluate(NO_SIDEWAYS) == 0
    wide = browser.evaluate(
        "[...document.querySelectorAll('body *')].filter("
        "e => e.getBoundingClientRect().right > innerWidth + 0.5).map(e => e.tagName)"
    )
    assert wide == []
    browser.screenshot(ROOT / "tmp" / "datasheet-390.png", width=390, full_page=False)
    assert browser.errors() == []
