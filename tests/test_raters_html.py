"""``kinerja raters --format html``: a folder of pages for the rater trainer, an index and
one page per rater, checked against values worked out by hand on a small input.

The input (:func:`write_input`, Kasemen's rules, aspects pengetahuan_teknis ``T`` and
integritas ``I`` on 1-5): four employees E1-E4, each rated on both aspects by the
supervisor S and the peers P1 and P2, every rater rating everyone (a complete,
balanced design, so that least squares has a closed form). Ratings (T, I):

    ========  =======  =======  =======
    employee  S        P1       P2
    ========  =======  =======  =======
    E1        4, 4     4, 2     2, 2
    E2        5, 5     3, 5     3, 3
    E3        3, 3     2, 2     1, 1
    E4        4, 4     3, 3     2, 2
    ========  =======  =======  =======

That is an employee base (3, 4, 2, 3), plus S +1, P1 0, P2 -1, plus a disturbance of P1
(+1, -1 on E1; -1, +1 on E2) that sums to zero for every employee, aspect and rater.
In a complete balanced design the fit is ``mean(employee) + mean(aspect) + mean(rater)
- 2 * mean``, and with the raters' effects summing to zero, a rater's effect in points
(a 1-5 scale has 4) is the rater's mean rating less the grand mean:

- S: (4+4+5+5+3+3+4+4) / 8 = 4.0; P1: (4+2+3+5+2+2+3+3) / 8 = 3.0; P2: 16 / 8 = 2.0;
  grand mean 72 / 24 = 3.0; effects +1.00, 0.00, -1.00 points.
- The aspects' means are both 36 / 12 = 3.0: what an average rater gives, on average,
  to the same four employees, on each aspect ("model expects": 3.00 for T and I).
- An employee's expectation is their mean over everyone: E1 (4+4+4+2+2+2) / 6 = 3.0,
  E2 (5+5+3+5+3+3) / 6 = 4.0, E3 12 / 6 = 2.0, E4 18 / 6 = 3.0.
- Residuals are the disturbance (four of +/-1): RSS = 4 over 24 ratings less 7 free
  parameters (4 levels + 2 aspects + 3 raters - 2 constraints), sd = sqrt(4 / 17) =
  0.485 points. A rater's information is 4 employees x 2 x (1 - 2/6) = 16/3, so
  se = 0.485 / sqrt(16/3) = 0.210 points.
- Findings (default thresholds): S lenient and P2 severe (|1.00| >= 0.5 and >= 2.5 x
  0.21, over 8 ratings); S also far from the peers: S less the peers' mean, per cell:
  E1 1, 2; E2 2, 1; E3 1.5, 1.5; E4 1.5, 1.5: 1.5 points for every employee (>= 0.75).
  P1 has no finding.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from cli_helpers import cli
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.review.effects import fit_effects
from kinerja.review.findings import find_biases
from kinerja.review.planted import planted_workforce

HOSTILE = "<script>window.__xss=1</script>"
CITIZEN = "warga/../<svg/onload=window.__xss=2>"
"""A citizen's written id: markup and a path, as a rater id (not a NIP; kinerja keeps an
id without its spaces, so it has none)."""
ASPECT_T, ASPECT_I = "pengetahuan_teknis", "integritas"
NIP = {
    "E1": "198001012005011001",
    "E2": "198001022005011002",
    "E3": "198001032005011003",
    "E4": "198001042005011004",
    "S": "197001011995011001",
    "P1": "197502022000011002",
    "P2": "197503032000012003",
}
RATINGS = {
    "E1": {"S": (4, 4), "P1": (4, 2), "P2": (2, 2)},
    "E2": {"S": (5, 5), "P1": (3, 5), "P2": (3, 3)},
    "E3": {"S": (3, 3), "P1": (2, 2), "P2": (1, 1)},
    "E4": {"S": (4, 4), "P1": (3, 3), "P2": (2, 2)},
}
GROUP = {"S": "supervisor", "P1": "peer", "P2": "peer"}
NAMES = {"E1": HOSTILE, "E2": "Budi Santoso", "E3": "Citra Lestari", "E4": "Dedi Saputra"}
UNITS = {"E1": "Dinas A", "E2": "Dinas A", "E3": "Dinas B", "E4": "Dinas B"}
ARGS = ("raters", "--region", "kasemen", "--as-of", "2026-06-01")
LABEL_T, LABEL_I = "Pengetahuan teknis dan pemahaman prosedur", "Integritas"
"""Kasemen's labels of the two aspects."""


def write_input(folder: Path, citizen: bool = False) -> Path:
    """The hand-worked input of the module doc as a folder of CSV files; ``citizen``
    adds a citizen, :data:`CITIZEN`, who rates komunikasi 4 for everyone."""
    folder.mkdir(parents=True, exist_ok=True)
    staff = ["nip,nama,jabatan,unit_kerja,golongan,atasan_nip"]
    staff += [f'{NIP[e]},"{NAMES[e]}",Analis,{UNITS[e]},III/a,{NIP["S"]}' for e in RATINGS]
    rows = ["nip,penilai_nip,kelompok,aspek,nilai"]
    for employee, by in RATINGS.items():
        for rater, (t, i) in by.items():
            rows.append(f"{NIP[employee]},{NIP[rater]},{GROUP[rater]},{ASPECT_T},{t}")
            rows.append(f"{NIP[employee]},{NIP[rater]},{GROUP[rater]},{ASPECT_I},{i}")
        if citizen:
            rows.append(f"{NIP[employee]},{CITIZEN},citizen,komunikasi,4")
    (folder / "pegawai.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    (folder / "penilaian.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def page_of(rater: str) -> str:
    """The page of one of the module's raters: group and NIP digits."""
    return f"rater-{GROUP[rater]}-{NIP[rater]}.html"


class Page(HTMLParser):
    """What a test reads of a page: its language, title, ``<dl class="meta">`` pairs,
    its findings list, and each table (by id) as rows of cell texts and their links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.meta: dict[str, str] = {}
        self.findings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}
        self._text: list[str] | None = None
        self._dt = ""
        self._table = ""
        self._list = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "html":
            self.lang = given.get("lang") or ""
        elif tag == "table":
            self._table = given.get("id") or ""
            self.tables[self._table], self.links[self._table] = [], []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag == "a" and self._table and given.get("href"):
            self.links[self._table].append(given["href"] or "")
        elif tag == "ul" and given.get("class") == "findings":
            self._list = True
        if tag in ("title", "dt", "dd", "th", "td") or (tag == "li" and self._list):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self._list = False
        elif tag == "table":
            self._table = ""
        if self._text is None or tag not in ("title", "dt", "dd", "th", "td", "li"):
            return
        text, self._text = "".join(self._text), None
        if tag == "title":
            self.title = text
        elif tag == "dt":
            self._dt = text
        elif tag == "dd":
            self.meta[self._dt] = text
        elif tag == "li":
            self.findings.append(text)
        elif self._table and tag in ("th", "td"):
            self.tables[self._table][-1].append(text)

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def body(page: Page, table: str) -> list[list[str]]:
    """A table's rows below its header row."""
    return page.tables[table][1:]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages of the hand-worked input, in English."""
    folder = tmp_path_factory.mktemp("raters-html")
    source = write_input(folder / "input")
    done = cli(CliRunner(), *ARGS, "-i", source, "--format", "html", "-o", folder / "pages")
    assert done.output == f"Wrote 4 pages to {folder / 'pages'}\n"
    return folder / "pages"


def read(folder: Path, name: str = "index.html") -> Page:
    return Page((folder / name).read_text("utf-8"))


def test_one_page_per_rater_named_from_its_group_and_nip(report: Path) -> None:
    names = sorted(path.name for path in report.iterdir())
    assert names == sorted(["index.html", *(page_of(r) for r in ("S", "P1", "P2"))])


def test_the_index_shows_the_run_and_the_findings(report: Path) -> None:
    page = read(report)
    assert page.lang == "en"
    assert page.title == "Rater effects — region kasemen, rules 2026.1"
    assert page.meta == {
        "Region": "kasemen",
        "Rules version": "2026.1",
        "Raters": "3",
        "Ratings": "24",  # 4 employees x 3 raters x 2 aspects
        "Employees rated": "4",
        "Residual sd (points)": "0.49",  # sqrt(4 / 17) = 0.485
        "Findings": "3",
    }
    # by kind (leniency, severity, supervisor_gap), with se 0.485 / sqrt(16/3) = 0.21 and
    # the gap's 1.5 points; the gap's se: sqrt(sd^2 x (2 x 1.5 / 4) / 4) = 0.21 as well
    rows = body(page, "t-findings")
    assert [row[:8] for row in rows] == [
        [NIP["S"], "supervisor", "Leniency", "1.00", "0.21", "0.50", "8", "4"],
        [NIP["P2"], "peer", "Severity", "-1.00", "0.21", "0.50", "8", "4"],
        [NIP["S"], "supervisor", "Supervisor far from peers and self-ratings",
         "1.50", "0.21", "0.75", "8", "4"],
    ]  # fmt: skip
    assert rows[0][8] == (
        f"rater {NIP['S']} (supervisor) rates 1.00 points above what the model expects of "
        "the same employees (se 0.21, 8 ratings of 4 employees)"
    )
    assert page.links["t-findings"] == [page_of("S"), page_of("P2"), page_of("S")]
    # P1, the rater without a finding: effect 0 (no minus sign on a zero)
    assert body(page, "t-others") == [[NIP["P1"], "peer", "0.00", "0.21", "8", "4"]]
    assert page.links["t-others"] == [page_of("P1")]


def test_the_index_findings_are_the_json_findings(report: Path, tmp_path: Path) -> None:
    source = write_input(tmp_path / "input")
    document = json.loads(cli(CliRunner(), *ARGS, "-i", source, "--format", "json").output)
    words = [row[8] for row in body(read(report), "t-findings")]
    assert sorted(words) == sorted(finding["words"] for finding in document["findings"])


def test_a_rater_page_shows_the_effect_evidence_aspects_and_people(report: Path) -> None:
    page = read(report, page_of("S"))
    assert page.title == f"{NIP['S']} (supervisor) — Rater effects"
    assert page.meta == {
        "Role": "supervisor",
        "Effect": "1.00 points",  # 4.0 - 3.0
        "Standard error": "0.21 points",
        "Ratings": "8",
        "Employees rated": "4",
    }
    assert page.findings == [
        f"Leniency (threshold 0.50): rater {NIP['S']} (supervisor) rates 1.00 points above "
        "what the model expects of the same employees (se 0.21, 8 ratings of 4 employees)",
        f"Supervisor far from peers and self-ratings (threshold 0.75): supervisor {NIP['S']} "
        "rates 1.50 points above the peers' and self-ratings of the same employees on average "
        "(se 0.21, 8 ratings of 4 employees)",
    ]
    # S gave T (4+5+3+4) / 4 = 4.0 and I the same; an average rater 36 / 12 = 3.0 on each
    assert body(page, "t-aspects") == [
        [LABEL_T, "4", "4.00", "3.00", "1.00"],
        [LABEL_I, "4", "4.00", "3.00", "1.00"],
    ]
    assert page.tables["t-people"][0] == [
        "NIP", "Name", "Work unit", LABEL_T, LABEL_I, "Mean given", "Model expects"
    ]  # fmt: skip
    # in input order; an employee's expectation is their mean over every rater
    assert body(page, "t-people") == [
        [NIP["E1"], HOSTILE, "Dinas A", "4", "4", "4.00", "3.00"],
        [NIP["E2"], "Budi Santoso", "Dinas A", "5", "5", "5.00", "4.00"],
        [NIP["E3"], "Citra Lestari", "Dinas B", "3", "3", "3.00", "2.00"],
        [NIP["E4"], "Dedi Saputra", "Dinas B", "4", "4", "4.00", "3.00"],
    ]


def test_a_page_without_a_finding_says_so(report: Path) -> None:
    page = read(report, page_of("P1"))
    assert page.meta["Effect"] == "0.00 points" and page.findings == []
    text = (report / page_of("P1")).read_text("utf-8")
    assert "No finding: this rater is within the thresholds." in text
    # P1 gave T (4+3+2+3) / 4 = 3.0 and I (2+5+2+3) / 4 = 3.0: just what the model expects
    assert body(page, "t-aspects") == [
        [LABEL_T, "4", "3.00", "3.00", "0.00"],
        [LABEL_I, "4", "3.00", "3.00", "0.00"],
    ]
    assert [row[3:5] for row in body(page, "t-people")] == [["4", "2"], ["3", "5"],
                                                            ["2", "2"], ["3", "3"]]  # fmt: skip


def test_every_page_is_self_contained_and_allows_only_its_style(report: Path) -> None:
    for path in report.iterdir():
        html = path.read_text("utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
        assert policy is not None and "default-src &#39;none&#39;" in policy.group(1), path
        assert "script-src &#39;none&#39;" in policy.group(1), path
        assert "<script" not in html and "http://" not in html and "https://" not in html
        assert html.count("<style>") == 1, path


def test_a_hostile_name_and_rater_id_are_text(tmp_path: Path) -> None:
    source = write_input(tmp_path / "input", citizen=True)
    cli(CliRunner(), *ARGS, "-i", source, "--format", "html", "-o", tmp_path / "pages")
    files = sorted(path.name for path in (tmp_path / "pages").iterdir())
    # the citizen's id is not digits: its page is named by a hash of it, in the folder
    citizen = [name for name in files if name.startswith("rater-citizen-")]
    assert len(citizen) == 1 and re.fullmatch(r"rater-citizen-x[0-9a-f]{16}\.html", citizen[0])
    assert len(files) == 5 and all((tmp_path / "pages" / name).is_file() for name in files)
    for name in files:
        html = (tmp_path / "pages" / name).read_text("utf-8")
        assert "<script" not in html and "<svg" not in html, name
    index = read(tmp_path / "pages")
    assert [CITIZEN, "citizen"] == body(index, "t-findings")[-1][:2]  # straight-lining
    assert index.links["t-findings"][-1] == citizen[0]
    people = read(tmp_path / "pages", citizen[0])
    assert body(people, "t-people")[0][:2] == [NIP["E1"], HOSTILE]
    raw = (tmp_path / "pages" / page_of("S")).read_text("utf-8")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in raw


def test_html_needs_an_output_folder(tmp_path: Path) -> None:
    source = write_input(tmp_path / "input")
    runner = CliRunner()
    done = cli(runner, *ARGS, "-i", source, "--format", "html", code=2)
    assert done.output == (
        "Error: --format html writes a folder of pages: name the folder with --output\n"
    )
    taken = tmp_path / "report.html"
    taken.write_text("keep me", encoding="utf-8")
    done = cli(runner, *ARGS, "-i", source, "--format", "html", "-o", taken, code=2)
    assert done.output == (
        f"Error: {taken} is a file: --format html writes a folder of pages; name a folder "
        "with --output\n"
    )
    assert taken.read_text("utf-8") == "keep me"


def test_a_folder_is_replaced_whole_or_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_input(tmp_path / "input")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "old.html").write_text("old", encoding="utf-8")
    runner = CliRunner()
    original = Path.write_text

    def full_disk(self: Path, *args: object, **kwargs: object) -> int:
        if self.name.startswith("rater-peer-"):
            raise OSError(28, "No space left on device", str(self))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_text", full_disk)
        done = cli(runner, *ARGS, "-i", source, "--format", "html", "-o", pages, code=2)
    assert "No space left on device" in done.output
    # the previous folder as it was, and nothing left beside it
    assert [p.name for p in pages.iterdir()] == ["old.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input", "pages"]
    cli(runner, *ARGS, "-i", source, "--format", "html", "-o", pages)
    assert "old.html" not in {p.name for p in pages.iterdir()} and len(list(pages.iterdir())) == 4


def test_the_pages_speak_the_language_in_use(tmp_path: Path) -> None:
    source = write_input(tmp_path / "input")
    cli(CliRunner(), *ARGS, "-i", source, "--format", "html", "-o", tmp_path / "id",
        "--lang", "id")  # fmt: skip
    page = read(tmp_path / "id", page_of("P2"))
    assert page.lang == "id"
    assert body(page, "t-aspects")[0][2:] == ["2,00", "3,00", "-1,00"]  # (2+3+1+2) / 4 = 2


def test_text_and_json_are_not_changed_by_the_html_option(tmp_path: Path) -> None:
    """The report in words and JSON, written to a file with --output, as before."""
    source = write_input(tmp_path / "input")
    runner = CliRunner()
    for form in ("text", "json"):
        shown = cli(runner, *ARGS, "-i", source, "--format", form).output
        cli(runner, *ARGS, "-i", source, "--format", form, "-o", tmp_path / f"out.{form}")
        assert (tmp_path / f"out.{form}").read_text("utf-8") == shown
    text = cli(runner, *ARGS, "-i", source).output.splitlines()
    assert text[:2] == [
        "Rater effects — region kasemen, rules 2026.1",
        "3 raters, 24 ratings; findings: 3",
    ]


def test_planted_raters_each_have_a_page_with_their_findings() -> None:
    from kinerja.i18n import language
    from kinerja.manager import make_manager
    from kinerja.regions import load_region_rules
    from kinerja.review.report_html import RaterReport, rater_file, report_pages

    workforce = planted_workforce(units=6, unit_size=5, aspects=4, per_kind=2, seed=1)
    rules = load_region_rules(make_manager(), "kasemen")  # four aspects on 1-5
    codes = dict(zip(workforce.scales, rules.aspects, strict=True))
    ratings = workforce.ratings.with_columns(pl.col("aspek").replace(codes))
    effects = fit_effects(ratings, {code: (1.0, 5.0) for code in rules.aspects})
    findings = find_biases(effects)
    employees = workforce.levels.select(
        "nip", pl.format("Pegawai {}", "nip").alias("nama"), pl.format("Unit {}", "unit")
        .alias("unit_kerja")
    )  # fmt: skip
    with language("en"):
        pages = report_pages(RaterReport(rules, effects, findings, employees))
    raters = effects.raters.select("kelompok", "penilai_nip").rows()
    assert len(pages) == len(raters) + 1 and next(iter(pages)) == "index.html"
    assert set(pages) == {"index.html", *(rater_file(k, r) for k, r in raters)}
    assert findings.height > 0
    for finding in findings.iter_rows(named=True):
        page = Page(pages[rater_file(finding["kelompok"], finding["penilai_nip"])])
        assert any(finding["words"] in said for said in page.findings), finding
    # every link of the index is a page, and every rater's page is linked once
    index = Page(pages["index.html"])
    linked = index.links["t-findings"] + index.links["t-others"]
    assert set(linked) == set(pages) - {"index.html"}
    assert len(index.links["t-others"]) == len(set(pages) - {"index.html"}) - len(
        set(index.links["t-findings"])
    )
    # a rater's people: as many as the employees the model counts for them
    rater = effects.raters.row(0, named=True)
    people = Page(pages[rater_file(rater["kelompok"], rater["penilai_nip"])])
    assert len(body(people, "t-people")) == rater["employees"]


@settings(max_examples=60, deadline=None)
@given(group=st.text(max_size=12), rater=st.text(max_size=24))
def test_a_file_name_is_safe_and_stable(group: str, rater: str) -> None:
    from kinerja.review.report_html import rater_file

    name = rater_file(group, rater)
    assert re.fullmatch(r"rater-[a-z0-9]+-[0-9a-fx]+\.html", name)
    assert name == rater_file(group, rater)
    if rater.isascii() and rater.isdigit() and len(rater) <= 30:
        assert name.endswith(f"-{rater}.html")


@given(one=st.from_regex(r"[0-9]{18}", fullmatch=True),
       two=st.from_regex(r"[0-9]{18}", fullmatch=True))  # fmt: skip
@settings(max_examples=30, deadline=None)
def test_two_raters_have_two_pages(one: str, two: str) -> None:
    from kinerja.review.report_html import rater_file

    assert (rater_file("peer", one) == rater_file("peer", two)) == (one == two)
    assert rater_file("peer", one) != rater_file("supervisor", one)
