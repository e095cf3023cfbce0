"""The published site in a real browser (headless Chromium driven by Playwright), opened
from ``file:`` URLs: each unit page shows its rows of the published table; a name is text,
never code; nothing but the page's own script runs and nothing is fetched; the search box
filters (and without a script every row shows); the pages fit a phone and print a unit per
page; they can be looked at (screenshots); and axe-core finds nothing serious.

The site is built once, from the results of Sawahlunto's example workbook, edited first: one name is
markup meant to run, a unit-mate's a spreadsheet formula, and two employees of another unit
form a unit too small to show (ranks renumbered within each unit, as a run would give).

Needs the ``playwright`` package and Debian's ``chromium`` (skipped without, saying which is
missing); the accessibility test also needs axe-core (skipped without, saying what to run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    DESKTOP,
    PHONE,
    launched_browser,
    png_width,
    record_console,
    record_errors,
    record_requests,
)
from cli_helpers import cli
from click.testing import CliRunner
from region_helpers import rules_for

from kinerja.publish.site import unit_file

ROOT = Path(__file__).resolve().parent.parent
REGION = "sawahlunto"
EXAMPLE = ROOT / "examples" / "sawahlunto" / "sawahlunto.xlsx"
DAY = "2026-12-01"
MARKUP_NAME = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
FORMULA_NAME = '=HYPERLINK("http://evil.example")'
SMALL_UNIT = "UPT Laboratorium"
MIN_UNIT_SIZE = 3
"""Sawahlunto's ``publication.min_unit_size``: a unit of 2 shows its totals only."""
STATUS = {"final": "Final", "provisional": "Provisional"}
AXE_FOLDER = ROOT / "tests" / ".cache" / "axe"
AXE_INSTALL = f"npm install --prefix {AXE_FOLDER} --no-save --no-audit --no-fund axe-core@4"
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push({directive: event.effectiveDirective, blocked: event.blockedURI,
                            sample: event.sample, line: event.lineNumber});
});
"""
"""Run before the page's own code: keeps every Content-Security-Policy violation."""
SHOWN_ROWS = "t => Array.from(t.tBodies[0].rows, r => !r.hidden && r.checkVisibility())"
SEEN = """() => {
  const table = document.querySelector("table#people, table#units");
  const box = document.querySelector(".search");
  return {
    headers: Array.from(table.tHead.rows[0].cells, c => c.innerText),
    cells: Array.from(table.tBodies[0].rows, r => Array.from(r.cells, c => c.innerText)),
    texts: Array.from(table.querySelectorAll("td"), c => c.textContent),
    links: Array.from(table.querySelectorAll("tbody th a"), a => [a.innerText, a.href]),
    images: table.querySelectorAll("img").length,
    ids: Array.from(document.querySelectorAll("[id]"), e => e.id),
    scripts: document.querySelectorAll("script").length,
    xss: typeof window.__xss,
    violations: window.__violations,
    search_shown: box !== null && box.checkVisibility(),
    skip_position: getComputedStyle(document.querySelector("a.skip")).position,
  };
}"""
BROKEN_WORDS = """t => {
  const broken = [];
  for (const cell of t.querySelectorAll("th, td")) {
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
      for (const word of text.data.matchAll(/[\\p{L}\\p{N}*.,']+/gu)) {
        const range = document.createRange();
        range.setStart(text, word.index);
        range.setEnd(text, word.index + word[0].length);
        const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
        if (lines.size > 1) { broken.push(word[0]); }
      }
    }
  }
  return broken;
}"""
"""The words of a table's cells that are broken across lines (a word: letters, digits, and
the stars of a masked NIP and the points of a number between them; a line may end at any
other sign)."""
"""What a test reads of a loaded page: its table (``#people`` or ``#units``), its ids and
scripts, what the injected markup would have set, the policy's violations, and whether
the page's own script (it shows the search box) and style (it moves the skip link) apply."""


@dataclass(frozen=True, slots=True)
class Site:
    """A published site and the results it was made from."""

    folder: Path
    columns: list[dict[str, Any]]
    """The published table's columns (``data/results.json``)."""
    rows: list[dict[str, Any]]
    """The published table's rows."""
    results: list[dict[str, Any]]
    """Every result the site was made from (its units, big and small)."""
    poisoned: str
    """The unit with the markup and formula names."""

    def units(self) -> list[str]:
        """Every unit of the results, in name order."""
        return sorted({result["unit_kerja"] for result in self.results})

    def shown_units(self) -> list[str]:
        """The units with at least :data:`MIN_UNIT_SIZE` results: those with a page."""
        sizes = [(u, sum(r["unit_kerja"] == u for r in self.results)) for u in self.units()]
        return [unit for unit, size in sizes if size >= MIN_UNIT_SIZE]

    def page(self, unit: str | None = None) -> Path:
        """The page of ``unit``; the index without one."""
        return self.folder / (unit_file(unit) if unit else "index.html")

    def pages(self) -> list[Path]:
        """The index, then every unit's page."""
        return [self.page(), *(self.page(unit) for unit in self.shown_units())]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    yield from launched_browser()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Sawahlunto's example workbook (41 rows: 40 employees appraised in 8 units, one
    row refused), appraised, edited (:func:`_edit_results`) and published."""
    folder = tmp_path_factory.mktemp("publish-browser")
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:  # as tests/conftest.py, for the module
        patch.setattr("kinerja.regions.today", lambda: dt.date(2026, 12, 1))
        publication = rules_for(REGION).publication
        assert publication is not None and publication.min_unit_size == MIN_UNIT_SIZE
        results = folder / "saw.json"
        cli(runner, "run", "--region", REGION, "-i", EXAMPLE, "-o", results, "--as-of", DAY)
        poisoned = _edit_results(results)
        cli(runner, "publish", "--region", REGION, "--results", results,
            "-o", folder / "site", "--date", DAY)  # fmt: skip
    table = json.loads((folder / "site" / "data" / "results.json").read_text("utf-8"))
    edited = json.loads(results.read_text("utf-8"))["results"]
    return Site(folder / "site", table["columns"], table["rows"], edited, poisoned)


def _edit_results(path: Path) -> str:
    """In the results at ``path``: name the first unit's first employee :data:`MARKUP_NAME`
    and its second :data:`FORMULA_NAME`; move the second unit's last two employees to
    :data:`SMALL_UNIT`, renumbering the ranks of both. Returns the first unit."""
    document = json.loads(path.read_text("utf-8"))
    results = document["results"]
    first, second = sorted({result["unit_kerja"] for result in results})[:2]
    mates = [result for result in results if result["unit_kerja"] == first]
    mates[0]["nama"], mates[1]["nama"] = MARKUP_NAME, FORMULA_NAME
    ranked = sorted(
        (result for result in results if result["unit_kerja"] == second),
        key=lambda result: int(result["peer_rank"].split("/")[0]),
    )
    assert len(ranked) == 5  # the second unit (DPMPTSP) has 5: split 3 + 2
    for unit, group in ((second, ranked[:-2]), (SMALL_UNIT, ranked[-2:])):
        for place, result in enumerate(group, start=1):
            result["unit_kerja"], result["peer_rank"] = unit, f"{place}/{len(group)}"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return first


@dataclass(frozen=True, slots=True)
class Opened:
    """A page in its own browser context, with what it asked for and said."""

    page: Any
    requests: list[str]
    messages: list[str]
    errors: list[str]
    """Errors the page's script threw."""
    dialogs: list[str]


@contextmanager
def opened(browser: Any, width: int = DESKTOP, **options: Any) -> Iterator[Opened]:
    """A new page ``width`` wide (``options``: of its context), watched, closed after."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)  # a file page is there at once: fail fast, not in 30 s
        page.add_init_script(WATCH)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield Opened(
            page, record_requests(page), record_console(page), record_errors(page), dialogs
        )
    finally:
        context.close()


def score_text(value: float | None) -> str:
    """A score as an English page writes it: two decimals, half away from zero."""
    if value is None:
        return "–"
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def page_row(row: dict[str, Any], codes: list[str]) -> list[str]:
    """A published row as a unit page shows it: ``87.25``, ``3 of 12``, ``Final``."""
    cells = []
    for code in codes:
        value = row[code]
        if code == "score":
            cells.append("" if value is None else score_text(value))
        elif code == "peer_rank":
            place, members = value.split("/")
            cells.append(f"{place} of {members}")
        elif code == "status":
            cells.append(STATUS[value])
        else:
            cells.append("" if value is None else str(value))
    return cells


@dataclass(frozen=True, slots=True)
class Visit:
    """One page of the site, loaded once at desktop width: what it showed (:data:`SEEN`)
    and what it said while it loaded."""

    seen: dict[str, Any]
    messages: list[str]
    errors: list[str]
    dialogs: list[str]


@dataclass(frozen=True, slots=True)
class Visits:
    """Every page of the site, each loaded in turn in one browser page."""

    pages: dict[str, Visit]
    """By path from the site's root: ``index.html``, ``units/...``."""
    requests: list[str]
    """Every request made while they loaded, in order."""

    def of(self, site: Site, unit: str | None = None) -> Visit:
        """The visit of ``unit``'s page (the index without one)."""
        return self.pages[site.page(unit).relative_to(site.folder).as_posix()]


@pytest.fixture(scope="module")
def visits(browser: Any, site: Site) -> Visits:
    """The index and every unit page, loaded one after the other and read."""
    found = {}
    with opened(browser) as watched:
        for path in site.pages():
            lists = (watched.messages, watched.errors, watched.dialogs)
            for said in lists:
                said.clear()
            watched.page.goto(path.as_uri())
            seen = watched.page.evaluate(SEEN)
            found[path.relative_to(site.folder).as_posix()] = Visit(seen, *map(list, lists))
    return Visits(found, watched.requests)


def test_each_unit_page_shows_its_rows_of_the_published_table(site: Site, visits: Visits) -> None:
    shown = site.shown_units()
    # 9 units (8 of the sample, one split off); the split-off one has 2 < 3 employees
    assert len(site.units()) == 9 and SMALL_UNIT not in shown and len(shown) == 8
    assert sorted((site.folder / "units").glob("*.html")) == sorted(map(site.page, shown))
    codes = [c["name"] for c in site.columns if c["name"] != "unit_kerja"]
    titles = [c["title"] for c in site.columns if c["name"] != "unit_kerja"]
    for unit in shown:
        expected = [page_row(r, codes) for r in site.rows if r["unit_kerja"] == unit]
        assert len(expected) >= MIN_UNIT_SIZE, unit
        seen = visits.of(site, unit).seen
        assert seen["headers"] == titles
        assert seen["cells"] == expected, unit


def test_the_index_lists_every_unit_and_links_those_shown(site: Site, visits: Visits) -> None:
    expected = []
    shown = site.shown_units()
    for unit in site.units():
        scores = [r["score"] for r in site.results if r["unit_kerja"] == unit]
        numbers = [score_text(statistics.mean(scores)), score_text(statistics.median(scores))]
        # a unit too small to show by person shows its count only: no mean, no median
        expected.append([unit, str(len(scores)), *(numbers if unit in shown else ["–", "–"])])
    seen = visits.of(site).seen
    assert sorted(cells[:4] for cells in seen["cells"]) == expected
    links = {unit: site.page(unit).as_uri() for unit in site.shown_units()}
    assert dict(seen["links"]) == links and len(seen["links"]) == len(links)


def test_a_name_is_text_and_only_the_pages_own_script_runs(site: Site, visits: Visits) -> None:
    seen = visits.of(site, site.poisoned).seen
    assert seen["texts"].count(MARKUP_NAME) == 1 and seen["texts"].count(FORMULA_NAME) == 1
    assert seen["images"] == 0
    for name, visit in visits.pages.items():
        assert visit.seen["xss"] == "undefined", name
        assert visit.seen["scripts"] == 1, name
        # nothing was blocked: not the page's own script or style, and nothing else tried
        assert visit.seen["violations"] == [], name
        assert visit.dialogs == [] and visit.messages == [], name
    failed = {name: visit.errors for name, visit in visits.pages.items() if visit.errors}
    # the page's own script ran whole (it shows the search box) and its style applies
    assert failed == {}
    assert all(visit.seen["search_shown"] for visit in visits.pages.values())
    assert {visit.seen["skip_position"] for visit in visits.pages.values()} == {"absolute"}


def test_no_page_asks_for_anything_but_itself(site: Site, visits: Visits) -> None:
    assert visits.requests == [path.as_uri() for path in site.pages()]


def test_every_id_on_a_page_is_unique(visits: Visits) -> None:
    """A repeated id makes ``getElementById`` (the search box's table, a label's field, a
    region's name) find the wrong element."""
    repeated = {}
    for name, visit in visits.pages.items():
        ids = visit.seen["ids"]
        twice = sorted({found for found in ids if ids.count(found) > 1})
        if twice:
            repeated[name] = twice
    assert repeated == {}


def test_the_search_box_filters_the_rows(browser: Any, site: Site) -> None:
    codes = [c["name"] for c in site.columns if c["name"] != "unit_kerja"]
    rows = [page_row(r, codes) for r in site.rows if r["unit_kerja"] == site.poisoned]
    names = [row[codes.index("nama")] for row in rows]
    # the first name not injected; no other row holds it (5 rows: 1 matches, 4 do not)
    wanted = next(name for name in names if name not in (MARKUP_NAME, FORMULA_NAME))
    matches = [wanted.lower() in "".join(row).lower() for row in rows]
    assert len(rows) == 5 and matches.count(True) == 1
    with opened(browser) as watched:
        page = watched.page
        page.goto(site.page(site.poisoned).as_uri())
        table, box = page.locator("table#people"), page.locator(".search[data-search-for=people]")
        assert box.is_visible(), f"no search box: {watched.errors}"
        box.locator("input").fill(wanted)
        assert table.evaluate(SHOWN_ROWS) == matches
        assert box.locator("output").inner_text() == f"1 of {len(rows)} rows shown"
        box.locator("input").fill("")
        assert table.evaluate(SHOWN_ROWS) == [True] * len(rows)
        assert box.locator("output").inner_text() == f"{len(rows)} of {len(rows)} rows shown"


def test_the_index_search_box_filters_the_units(browser: Any, site: Site) -> None:
    units = site.units()
    with opened(browser) as watched:
        page = watched.page
        page.goto(site.page().as_uri())
        table, box = page.locator("table#units"), page.locator(".search[data-search-for=units]")
        assert box.is_visible(), f"no search box: {watched.errors}"
        box.locator("input").fill(SMALL_UNIT.lower())
        assert table.evaluate(SHOWN_ROWS) == [unit == SMALL_UNIT for unit in units]
        assert box.locator("output").inner_text() == f"1 of {len(units)} rows shown"


def test_without_a_script_the_search_box_stays_hidden_and_every_row_shows(
    browser: Any, site: Site
) -> None:
    with opened(browser, java_script_enabled=False) as watched:
        page = watched.page
        # the poisoned unit has 5 employees; the index lists 9 units
        for path, table_id, size in ((site.page(site.poisoned), "people", 5),
                                     (site.page(), "units", len(site.units()))):  # fmt: skip
            page.goto(path.as_uri())
            assert page.locator(f".search[data-search-for={table_id}]").is_hidden()
            rows = page.locator(f"table#{table_id} tbody tr")
            assert rows.count() == size
            assert all(rows.nth(n).is_visible() for n in range(size))


def test_the_pages_fit_a_phone(browser: Any, site: Site) -> None:
    with opened(browser, PHONE) as watched:
        for path in (site.page(), site.page(site.poisoned)):
            watched.page.goto(path.as_uri())
            assert watched.page.evaluate("document.documentElement.scrollWidth") <= PHONE, path
            wrapper = watched.page.locator(".scroll").first
            assert wrapper.evaluate("e => getComputedStyle(e).overflowX") == "auto"


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_no_word_of_a_table_is_broken(browser: Any, site: Site, width: int) -> None:
    """A table too wide for the window scrolls in its wrapper: its cells do not squeeze
    into columns so narrow that names, NIPs and headers break inside a word."""
    broken = {}
    with opened(browser, width) as watched:
        for path, table_id in ((site.page(), "units"), (site.page(site.poisoned), "people")):
            watched.page.goto(path.as_uri())
            words = watched.page.locator(f"table#{table_id}").evaluate(BROKEN_WORDS)
            if words:
                broken[path.relative_to(site.folder).as_posix()] = words
    assert broken == {}


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: ``KINERJA_SCREENSHOTS``, else a temporary folder."""
    given = os.environ.get("KINERJA_SCREENSHOTS")
    if not given:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(given)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_screenshots_at_desktop_and_phone_width(
    browser: Any, site: Site, screenshots: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = []
    for width in (DESKTOP, PHONE):
        with opened(browser, width) as watched:
            for name, path in (("index", site.page()), ("unit", site.page(site.poisoned))):
                watched.page.goto(path.as_uri())
                shot = screenshots / f"publish-{name}-{width}.png"
                watched.page.screenshot(path=str(shot), full_page=True)
                taken.append(shot)
                # a whole page as wide as the window: the page itself never scrolls sideways
                assert png_width(shot) == width and shot.stat().st_size > 10_000, shot
    with capsys.disabled():
        print("\nscreenshots of the published site:", *taken, sep="\n  ")


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's script: ``KINERJA_AXE``, else the one npm installs into tests/.cache/axe."""
    path = Path(os.environ.get("KINERJA_AXE") or AXE_FOLDER / "node_modules/axe-core/axe.min.js")
    if not path.is_file():
        pytest.skip(f"no axe-core at {path}: run `{AXE_INSTALL}` (or set KINERJA_AXE)")
    return path.read_text(encoding="utf-8")


AXE_RUN = """async () => {
  const found = await axe.run(document);
  return {passes: found.passes.length, violations: found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))
  }))};
}"""
"""axe-core over the whole page: how many rules passed, and every rule that failed."""


@pytest.mark.parametrize("which", ["index", "unit"])
def test_axe_finds_nothing_serious_or_critical(
    browser: Any, site: Site, axe: str, which: str
) -> None:
    path = site.page(site.poisoned if which == "unit" else None)
    with opened(browser, bypass_csp=True) as watched:
        watched.page.goto(path.as_uri())
        watched.page.add_script_tag(content=axe)
        found = watched.page.evaluate(AXE_RUN)
    assert found["passes"] > 10  # axe ran its rules over the page
    serious = [v for v in found["violations"] if v["impact"] in ("serious", "critical")]
    said = [f"{v['id']} ({v['impact']}): {v['help']}; at {v['targets']}" for v in serious]
    assert said == [], "\n".join(said)


def test_print_puts_each_unit_on_its_own_page_without_the_search_box(
    browser: Any, site: Site
) -> None:
    with opened(browser) as watched:
        page = watched.page
        page.goto(site.page(site.poisoned).as_uri())
        page.emulate_media(media="print")
        breaks = page.locator("section.unit").evaluate_all(
            "ss => ss.map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks and set(breaks) == {"page"}
        for path in (site.page(site.poisoned), site.page()):
            page.emulate_media(media="screen")
            page.goto(path.as_uri())
            search = page.locator(".search")
            search.evaluate("box => { box.hidden = false; }")  # as the page's script does
            assert search.evaluate("e => getComputedStyle(e).display") == "block", path
            page.emulate_media(media="print")
            assert search.evaluate("e => getComputedStyle(e).display") == "none", path
