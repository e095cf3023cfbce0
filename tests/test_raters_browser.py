"""The rater-training pages (``kinerja raters --format html``) in a real browser (headless
Chromium driven by Playwright), opened from ``file:`` URLs: the index and a rater's page
load without a console message or error, break none of their Content-Security-Policy,
ask for nothing but themselves, show hostile names and rater ids as text, fit a phone
(360 px) without scrolling sideways, print without their navigation, and axe-core finds
nothing serious or critical on them.

Two reports: the hand-worked input of ``tests/test_raters_html.py`` with a hostile
employee name and a citizen rater whose id is markup, and Sawahlunto's example workbook
(72 raters, seven aspects: a wide table of people).

Needs the ``playwright`` package and Debian's ``chromium``, and axe-core for the
accessibility test (``.ci/run`` installs them; without them the tests say what is
missing).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    DESKTOP,
    PHONE,
    launched_browser,
    record_console,
    record_errors,
    record_requests,
)
from cli_helpers import cli
from click.testing import CliRunner
from test_raters_html import ARGS, HOSTILE, NIP, page_of, write_input

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sawahlunto" / "sawahlunto.xlsx"
AXE_FOLDER = ROOT / "tests" / ".cache" / "axe"
AXE_INSTALL = f"npm install --prefix {AXE_FOLDER} --no-save --no-audit --no-fund axe-core@4"
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push({directive: event.effectiveDirective, blocked: event.blockedURI});
});
"""
"""Run before the page's own code: keeps every Content-Security-Policy violation."""
SEEN = """() => ({
  violations: window.__violations,
  xss: typeof window.__xss,
  scripts: document.querySelectorAll("script, svg, img, iframe, object").length,
  lang: document.documentElement.lang,
  skip: getComputedStyle(document.querySelector("a.skip")).position,
  texts: Array.from(document.querySelectorAll("td, th"), c => c.textContent),
  width: document.documentElement.scrollWidth,
})"""
"""What a test reads of a loaded page: the policy's violations, what the injected markup
would have set, elements that could run or fetch, the language, whether the page's own
style applies (it moves the skip link), every table cell, and the page's width."""
AXE_RUN = """async () => {
  const found = await axe.run(document);
  return {passes: found.passes.length, violations: found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))
  }))};
}"""


@dataclass(frozen=True, slots=True)
class Reports:
    """The two reports' folders, and the pages the tests open."""

    hand: Path
    example: Path

    def pages(self) -> list[Path]:
        """Each report's index, the lenient supervisor's page of the hand-worked input
        (the hostile name among its people), the citizen's page (its id is markup), and
        the page of the example's rater with the most findings."""
        citizen = next(self.hand.glob("rater-citizen-*.html"))
        return [
            self.hand / "index.html",
            self.hand / page_of("S"),
            citizen,
            self.example / "index.html",
            self.example / self.example_rater(),
        ]

    def example_rater(self) -> str:
        """The first rater linked from the example's findings table."""
        index = (self.example / "index.html").read_text("utf-8")
        table = index.split('id="t-findings"', 1)[1]
        return table.split('<a href="', 1)[1].split('"', 1)[0]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Reports:
    folder = tmp_path_factory.mktemp("raters-browser")
    runner = CliRunner()
    source = write_input(folder / "input", citizen=True)
    cli(runner, *ARGS, "-i", source, "--format", "html", "-o", folder / "hand")
    cli(runner, "raters", "--region", "sawahlunto", "-i", EXAMPLE, "--as-of", "2026-12-01",
        "--format", "html", "-o", folder / "example")  # fmt: skip
    return Reports(folder / "hand", folder / "example")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    yield from launched_browser()


@dataclass(frozen=True, slots=True)
class Opened:
    """A page in its own browser context, with what it asked for and said."""

    page: Any
    requests: list[str]
    messages: list[str]
    errors: list[str]


@contextmanager
def opened(browser: Any, width: int = DESKTOP, **options: Any) -> Iterator[Opened]:
    """A new page ``width`` wide (``options``: of its context), watched, closed after."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.add_init_script(WATCH)
        yield Opened(page, record_requests(page), record_console(page), record_errors(page))
    finally:
        context.close()


def test_the_pages_load_clean_and_ask_for_nothing_else(browser: Any, reports: Reports) -> None:
    pages = reports.pages()
    with opened(browser) as watched:
        for path in pages:
            watched.page.goto(path.as_uri())
            seen = watched.page.evaluate(SEEN)
            assert seen["violations"] == [], path
            assert seen["xss"] == "undefined" and seen["scripts"] == 0, path
            assert seen["lang"] == "en" and seen["skip"] == "absolute", path
        assert watched.messages == [] and watched.errors == []
        assert watched.requests == [path.as_uri() for path in pages]


def test_hostile_names_and_ids_show_as_text(browser: Any, reports: Reports) -> None:
    supervisor, citizen = reports.pages()[1:3]
    with opened(browser) as watched:
        watched.page.goto(supervisor.as_uri())
        assert HOSTILE in watched.page.evaluate(SEEN)["texts"]
        watched.page.goto((reports.hand / "index.html").as_uri())
        link = watched.page.locator(f'a[href="{citizen.name}"]').first
        assert link.inner_text() == "warga/../<svg/onload=window.__xss=2>"
        link.click()
        watched.page.wait_for_url(citizen.as_uri())
        assert watched.page.locator("h1").inner_text().startswith("warga/../<svg/")
        assert watched.page.evaluate(SEEN)["xss"] == "undefined"


def test_a_rater_page_links_back_to_the_index(browser: Any, reports: Reports) -> None:
    with opened(browser) as watched:
        watched.page.goto((reports.hand / page_of("P2")).as_uri())
        watched.page.locator("nav a").click()
        watched.page.wait_for_url((reports.hand / "index.html").as_uri())
        assert NIP["P2"] in watched.page.evaluate(SEEN)["texts"]


def test_the_pages_fit_a_phone(browser: Any, reports: Reports) -> None:
    with opened(browser, PHONE) as watched:
        for path in reports.pages():
            watched.page.goto(path.as_uri())
            assert watched.page.evaluate(SEEN)["width"] <= PHONE, path
            wrapper = watched.page.locator(".scroll").first
            assert wrapper.evaluate("e => getComputedStyle(e).overflowX") == "auto", path


def test_print_leaves_out_the_navigation_and_shows_whole_tables(
    browser: Any, reports: Reports
) -> None:
    with opened(browser) as watched:
        page = watched.page
        page.goto((reports.example / reports.example_rater()).as_uri())
        page.emulate_media(media="print")
        assert page.locator("nav").evaluate("e => getComputedStyle(e).display") == "none"
        overflow = page.locator(".scroll").evaluate_all(
            "ws => ws.map(w => getComputedStyle(w).overflowX)"
        )
        assert overflow and set(overflow) == {"visible"}


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's script: ``KINERJA_AXE``, else the one npm installs into tests/.cache/axe."""
    path = Path(os.environ.get("KINERJA_AXE") or AXE_FOLDER / "node_modules/axe-core/axe.min.js")
    if not path.is_file():
        pytest.skip(f"no axe-core at {path}: run `{AXE_INSTALL}` (or set KINERJA_AXE)")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("which", range(5))
def test_axe_finds_nothing_serious_or_critical(
    browser: Any, reports: Reports, axe: str, which: int
) -> None:
    path = reports.pages()[which]
    with opened(browser, bypass_csp=True) as watched:
        watched.page.goto(path.as_uri())
        watched.page.add_script_tag(content=axe)
        found = watched.page.evaluate(AXE_RUN)
    assert found["passes"] > 10  # axe ran its rules over the page
    serious = [v for v in found["violations"] if v["impact"] in ("serious", "critical")]
    said = [f"{v['id']} ({v['impact']}): {v['help']}; at {v['targets']}" for v in serious]
    assert said == [], "\n".join(said)
