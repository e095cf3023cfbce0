"""The comparison's HTML page in a real browser (headless Chromium driven by Playwright):
the numbers it shows are the comparison's, it fetches nothing, it fits a phone, it prints
without its contents list, and it can be looked at (screenshots).

Needs the ``playwright`` Python package (its driver ships in the wheel; no browser
download) and Debian's ``chromium``; skipped, saying which is missing, without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import DESKTOP, PHONE, PNG, launched_browser, record_console, record_requests

from kinerja.compare.comparison import Comparison, compare
from kinerja.compare.items import resolve_items
from kinerja.compare.report_html import html_report
from kinerja.compare.report_tables import cell_text
from kinerja.manager import make_manager

ROOT = Path(__file__).resolve().parent.parent
KASEMEN = ROOT / "plugins" / "kasemen" / "rules.yaml"
EXAMPLE = ROOT / "examples" / "kasemen" / "kasemen.xlsx"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_browser()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Comparison, Path]:
    """kasemen and a what-if (score weights 0.5/0.5 instead of 0.6/0.4) over the Kasemen
    example, written as an HTML file."""
    folder = tmp_path_factory.mktemp("browser")
    text = KASEMEN.read_text(encoding="utf-8")
    old = "    kompetensi: 0.6\n    hasil_kerja: 0.4\n"
    assert old in text
    what_if = folder / "kasemen-half.yaml"
    what_if.write_text(text.replace(old, "    kompetensi: 0.5\n    hasil_kerja: 0.5\n"), "utf-8")
    pm = make_manager()
    comparison = compare(resolve_items(pm, ["kasemen", str(what_if)]), pm, EXAMPLE)
    page = folder / "compare.html"
    page.write_text(html_report(comparison), encoding="utf-8")
    return comparison, page


def _open(browser: Any, page_path: Path, width: int) -> tuple[Any, list[str], list[str]]:
    """The page at ``width``, with every request it makes and every console message."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests = record_requests(page)
    messages = record_console(page)
    page.goto(page_path.as_uri())
    return page, requests, messages


def test_the_page_shows_the_comparisons_numbers_and_fetches_nothing(
    browser: Any, report: tuple[Comparison, Path], tmp_path: Path
) -> None:
    comparison, path = report
    assert comparison.impact is not None
    page, requests, messages = _open(browser, path, DESKTOP)
    try:
        for n, item in enumerate(comparison.impact.items):
            chart = page.locator("figure.chart").nth(n)
            assert chart.locator("figcaption").inner_text() == f"Predikat under {item.label}"
            shown = chart.locator("text.count").all_text_contents()
            expected = [
                f"{employees} ({cell_text(share, True)})"
                for employees, share in item.distribution.select("employees", "share").iter_rows()
            ]
            assert shown == expected
        computed = page.locator("table.distribution tbody tr", has_text="Computed").first
        assert computed.locator("td").all_inner_texts() == [
            f"{item.computed} of {item.employees}" for item in comparison.impact.items
        ]
        pair = comparison.impact.pairs[0]
        heat = page.locator("table.heat")
        moved = {(a, b): n for a, b, n in pair.transitions.iter_rows()}
        for (a, b), n in moved.items():
            row = heat.locator("tbody tr", has=page.locator(f'th:text-is("{a}")'))
            column = _pair_columns(page).index(b)
            assert row.locator("td").nth(column).inner_text().split("\n")[0] == str(n)
        assert page.locator("table.movers code").first.inner_text().startswith("kinerja explain ")
        shot = tmp_path / f"compare-{DESKTOP}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes().startswith(PNG) and shot.stat().st_size > 10_000
        page.emulate_media(media="print")
        assert page.locator("nav").is_hidden() and page.locator("a.skip").is_hidden()
    finally:
        page.close()
    assert requests == [path.as_uri()]  # the page itself, nothing else
    assert messages == []  # nothing blocked by the page's policy, no error


def _pair_columns(page: Any) -> list[str]:
    """The column headers of the heat table (the predikat under the second item)."""
    return page.locator("table.heat thead th").all_inner_texts()[1:]


def test_the_page_fits_a_phone(
    browser: Any, report: tuple[Comparison, Path], tmp_path: Path
) -> None:
    _comparison, path = report
    page, requests, _messages = _open(browser, path, PHONE)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
        wide = page.locator("table.policy").locator("xpath=..")
        # the policies are wider than a phone: their wrapper scrolls, not the page
        assert wide.evaluate("e => e.scrollWidth > e.clientWidth")
        assert wide.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        shot = tmp_path / f"compare-{PHONE}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes().startswith(PNG) and shot.stat().st_size > 10_000
    finally:
        page.close()
    assert requests == [path.as_uri()]
