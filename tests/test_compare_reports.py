"""The comparison's HTML page and workbook: contents checked by hand on a small workforce,
a page that fetches nothing and escapes everything, a workbook of numbers and texts."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from region_helpers import capaian, nilai, nip

from kinerja.cli import main
from kinerja.compare.comparison import Comparison, compare
from kinerja.compare.items import resolve_items
from kinerja.compare.report_html import CSP, html_report
from kinerja.compare.report_xlsx import SHEET_LIMIT, sheet_names, xlsx_report
from kinerja.i18n import language
from kinerja.manager import make_manager
from kinerja.output.tables import write_tables

ROOT = Path(__file__).resolve().parent.parent
KASEMEN = ROOT / "plugins" / "kasemen" / "rules.yaml"
EXAMPLE = ROOT / "examples" / "kasemen" / "kasemen.xlsx"
SUP, PEER1, PEER2 = nip(90), nip(91), nip(92)
ASPECTS = ("pengetahuan_teknis", "komunikasi", "sikap_pelayanan", "integritas")
HOSTILE_NAME = "<script>x</script>"
"""Employee 4's name: the page must show it as text."""
HOSTILE_LABEL = '<img src=x onerror="alert(1)">'
"""The what-if file's stem, so the item's label (a file name cannot hold a ``/``)."""
FORMULA_UNIT = "=1+1"
"""Employee 1's work unit: the workbook must store it as text, not as a formula."""


def _what_if(folder: Path) -> Path:
    """Kasemen's rules with the score weighing competence and results 0.5 each (instead
    of 0.6 and 0.4), in a file whose name is hostile HTML."""
    text = KASEMEN.read_text(encoding="utf-8")
    old = "    kompetensi: 0.6\n    hasil_kerja: 0.4\n"
    assert old in text
    path = folder / f"{HOSTILE_LABEL}.yaml"
    path.write_text(text.replace(old, "    kompetensi: 0.5\n    hasil_kerja: 0.5\n"), "utf-8")
    return path


def _workforce(folder: Path) -> Path:
    """Four employees rated by their supervisor and two peers on every aspect, with one
    indicator against a target of 100 (as tests/test_compare.py builds them)."""
    people, outcomes, ratings = [], [], []
    for n, rating, realised, name, unit in [
        (nip(1), 4, 100, "Satu", FORMULA_UNIT),  # kompetensi 4 x 20 = 80, hasil 100
        (nip(2), 5, 70, "Dua", "Dinas Kesehatan"),  # kompetensi 100, hasil 70
        (nip(3), 4, 80, "Tiga", "Dinas Kesehatan"),  # kompetensi 80, hasil 80
        (nip(4), 3, 120, HOSTILE_NAME, "Dinas Kesehatan"),  # kompetensi 60, hasil 120 (cap)
    ]:
        scores = dict.fromkeys(ASPECTS, rating)
        people.append(
            {"nip": n, "nama": name, "jabatan": "Analis", "unit_kerja": unit,
             "golongan": "III/a", "atasan_nip": SUP}
        )  # fmt: skip
        outcomes.append(capaian(n, "target_layanan", 100, realised))
        ratings += [*nilai(n, SUP, "atasan", scores), *nilai(n, PEER1, "rekan", scores)]
        ratings += nilai(n, PEER2, "rekan", scores)
    path = folder / "kecil.xlsx"
    write_tables({"pegawai": people, "capaian": outcomes, "penilaian": ratings}, path)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    """kasemen and the what-if over the four employees.

    kasemen 0.6 k + 0.4 h  ->  what-if 0.5 k + 0.5 h; bands: Sangat Baik >= 90, Baik 76-90
    1: 48 + 40 = 88 Baik  -> 40 + 50 = 90 Sangat Baik   (moves, +2)
    2: 60 + 28 = 88 Baik  -> 50 + 35 = 85 Baik          (stays, -3)
    3: 48 + 32 = 80 Baik  -> 40 + 40 = 80 Baik          (stays,  0)
    4: 36 + 48 = 84 Baik  -> 30 + 60 = 90 Sangat Baik   (moves, +6)
    """
    folder = tmp_path_factory.mktemp("reports")
    pm = make_manager()
    items = resolve_items(pm, ["kasemen", str(_what_if(folder))])
    return compare(items, pm, _workforce(folder))


# ------------------------------------------------------------------ the HTML page
class _Page(HTMLParser):
    """Every start tag with its attributes, every text, every inline style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.texts).append(data)


def _parsed(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_the_page_parses_fetches_nothing_and_has_its_policy(small: Comparison) -> None:
    page = html_report(small)
    parsed = _parsed(page)
    assert parsed.doctype.lower() == "doctype html"
    tags = [tag for tag, _ in parsed.tags]
    assert tags[0] == "html" and parsed.tags[0][1]["lang"] == "en"  # the tests speak English
    assert "script" not in tags and "img" not in tags and "link" not in tags
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert csp == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP and "style-src 'unsafe-inline'" in CSP
    assert "script-src 'none'" in CSP
    for _tag, attrs in parsed.tags:
        for name in ("src", "href", "action", "xlink:href", "srcset"):
            value = (attrs.get(name) or "").strip()
            assert not re.match(r"(?i)(https?:)?//", value), (name, value)
            assert not value or value.startswith("#"), (name, value)  # in-page links only
        assert "url(" not in (attrs.get("style") or "")
        assert not any(n.startswith("on") for n in attrs), attrs  # no event handlers
    assert "url(" not in "".join(parsed.styles) and "@import" not in "".join(parsed.styles)
    assert "http:" not in page and "https:" not in page  # not even a namespace
    assert tags.count("svg") == 2  # one chart per item
    assert parsed.tags[tags.index("a")][1] == {"class": "skip", "href": "#main"}


def test_hostile_text_is_escaped(small: Comparison) -> None:
    page = html_report(small)
    assert HOSTILE_NAME not in page and HOSTILE_LABEL not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    text = "".join(_parsed(page).texts)
    assert HOSTILE_NAME in text  # shown as the words it is
    assert HOSTILE_LABEL in text


def _descs(page: str) -> list[str]:
    return [unescape(d) for d in re.findall(r"<desc id=\"[^\"]+\">([^<]*)</desc>", page)]


def test_the_charts_say_their_numbers(small: Comparison) -> None:
    """kasemen: all four Baik; the what-if: 1 and 4 Sangat Baik, 2 and 3 Baik (fixture)."""
    kasemen, what_if = _descs(html_report(small))
    assert kasemen == (
        "4 of 4 employees computed under kasemen: Sangat Baik: 0 employees (0.0%); "
        "Baik: 4 employees (100.0%); Butuh Perbaikan: 0 employees (0.0%); "
        "Kurang: 0 employees (0.0%); Sangat Kurang: 0 employees (0.0%)."
    )
    assert what_if.startswith(f"4 of 4 employees computed under {HOSTILE_LABEL}: ")
    assert "Sangat Baik: 2 employees (50.0%); Baik: 2 employees (50.0%);" in what_if
    page = html_report(small)
    bars = re.findall(r'<text x="[0-9.]+" y="[0-9]+" class="count">([^<]*)</text>', page)
    assert bars == [
        *["0 (0.0%)", "4 (100.0%)", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"],
        *["2 (50.0%)", "2 (50.0%)", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"],
    ]
    # every chart on one scale, the largest count of all (4) 240 units long: 2 is 120
    assert page.count('width="240.0" height="24"') == 1
    assert page.count('width="120.0" height="24"') == 2


def _heat_row(page: str, label: str) -> list[tuple[str, str]]:
    table = page[page.index('<table class="heat"') :]
    table = table[: table.index("</table>")]
    row = re.search(rf'<tr><th scope="row">{label}</th>(.*?)</tr>', table)
    assert row is not None
    return re.findall(r'<td class="([^"]*)"[^>]*>([0-9]+)<span class="share">', row.group(1))


def test_the_transition_matrix_is_a_heat_table(small: Comparison) -> None:
    """Baik -> Sangat Baik: employees 1 and 4; Baik -> Baik: 2 and 3: 2 of 4 each, 50%."""
    page = html_report(small)
    baik = _heat_row(page, "Baik")
    assert [n for _, n in baik] == ["2", "2", "0", "0", "0"]
    assert "same" in baik[1][0].split() and "same" not in baik[0][0].split()  # Baik -> Baik
    assert all(n == "0" for _, n in _heat_row(page, "Sangat Baik"))
    assert page.count("50.0%</span></td>") == 2
    # 50%: lightness 96 - 56 x sqrt(0.5) = 56.4, below 58: down to 45, white text
    assert page.count('style="background-color:hsl(212,62%,45%)"') == 2
    assert page.count('class="num heat zero"') + page.count('class="num heat same zero"') == 23


def test_the_movers_have_their_explain_commands(small: Comparison) -> None:
    """Movers: 4 (+6) and 1 (+2) change predikat, then 2 (-3); 3 (0) did not move."""
    page = html_report(small)
    movers = page[page.index('<table class="movers"') :]
    movers = movers[: movers.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([0-9]{18})</th>', movers)
    assert rows == [nip(4), nip(1), nip(2)]
    commands = [unescape(c) for c in re.findall(r"<code>([^<]*)</code>", movers)]
    assert len(commands) == 3 and all(c.startswith("kinerja explain --rules ") for c in commands)
    assert f"--nip {nip(4)} --alongside kasemen@2026.1" in commands[0]  # the version compared
    assert "&lt;script&gt;x&lt;/script&gt;" in movers  # employee 4's name, escaped
    assert '<td class="num">6.00</td>' in movers  # 90 - 84


def test_the_policy_table_shows_every_value_and_marks_departures() -> None:
    """kasemen extends no baseline; asemrowo extends pp-30-2019 and departs from it in
    three values: its score's label and weights, and its predikat's expression."""
    pm = make_manager()
    comparison = compare(resolve_items(pm, ["kasemen", "asemrowo"]), pm)
    page = html_report(comparison)
    policy = page[page.index('<table class="policy"') :]
    policy = policy[: policy.index("</table>")]
    assert policy.count('<td class="departs">') == 3
    assert policy.count("≠ departs from the national baseline") == 3
    assert "the baseline: &quot;Nilai kinerja PP 30/2019" in policy
    rows = policy.count("<tr") - policy.count('<tr class="group"') - 1  # less the header row
    assert rows == len(comparison.side)  # every value, the same ones too
    assert policy.count('class="tag">differs</span>') < len(comparison.side)
    assert "No workforce was given" in page and "<svg" not in page


def test_the_page_speaks_the_language_in_use(small: Comparison) -> None:
    with language("id"):
        page = html_report(small)
    assert page.startswith('<!DOCTYPE html>\n<html lang="id">')
    assert "4 (100,0%)" in page


# ------------------------------------------------------------------ the workbook
def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_workbook_has_a_sheet_per_section_with_numbers(small: Comparison) -> None:
    book = _book(xlsx_report(small))
    # the pair's names with both labels are over 31 characters: it is numbered
    pair = ["Transitions 1", "Movers 1", "By unit 1", "By position 1", "By grade 1"]
    fixed = ["Items", "Policies", "Predikat", "Statuses", "Not computed", "Pairs"]
    assert book.sheetnames == fixed + pair
    predikat = book["Predikat"]
    assert predikat.freeze_panes == "B3" and predikat["A2"].font.b
    assert [c.value for c in predikat[2]] == [
        "Predikat",
        "kasemen: employees",
        "kasemen: share",
        f"{HOSTILE_LABEL}: employees",
        f"{HOSTILE_LABEL}: share",
    ]
    rows = {r[0].value: r for r in predikat.iter_rows(min_row=3)}
    sangat, baik = rows["Sangat Baik"], rows["Baik"]
    assert [c.value for c in baik[1:]] == [4, 1, 2, 0.5]  # 4 of 4; 2 of 4
    assert [c.value for c in sangat[1:]] == [0, 0, 2, 0.5]
    assert baik[2].number_format == "0.0%" and baik[1].number_format == "#,##0"
    assert isinstance(baik[1].value, int)
    # means: (88 + 88 + 80 + 84) / 4 = 85; (90 + 85 + 80 + 90) / 4 = 86.25
    mean = rows["Mean score"]
    assert mean[1].value == pytest.approx(85) and mean[3].value == pytest.approx(86.25)
    assert mean[1].number_format == "0.00"
    transitions = {
        r[0].value: [c.value for c in r[1:]] for r in book["Transitions 1"].iter_rows(min_row=3)
    }
    assert transitions["Baik"] == [2, 2, 0, 0, 0]  # 1 and 4 to Sangat Baik; 2 and 3 stay
    assert transitions["Sangat Baik"] == [0, 0, 0, 0, 0]
    pairs = [c.value for c in book["Pairs"][3]]
    assert pairs[2:] == [4, 0, 2, 0.5, pytest.approx(1.25)]  # (2 - 3 + 0 + 6) / 4
    assert book["Pairs"]["F3"].number_format == "0.0%"


def test_formula_looking_texts_stay_texts(small: Comparison) -> None:
    data = xlsx_report(small)
    units = _book(data)["By unit 1"]
    # =1+1: employee 1 alone, who moves (+2); Dinas Kesehatan: 2, 3 and 4, of whom 4
    # moves: 1 of 3, mean shift (-3 + 0 + 6) / 3 = 1
    first, second = units.iter_rows(min_row=3, max_row=4)
    assert first[0].value == FORMULA_UNIT and first[0].data_type == "s"
    assert [c.value for c in first[1:]] == [1, 1, 1, pytest.approx(2)]
    assert second[0].value == "Dinas Kesehatan"
    assert [c.value for c in second[1:4]] == [3, 1, pytest.approx(1 / 3)]
    movers = _book(data)["Movers 1"]
    first_mover = [c.value for c in movers[3]]
    assert first_mover[:3] == [nip(4), HOSTILE_NAME, "Dinas Kesehatan"]
    assert first_mover[3:8] == ["Baik", pytest.approx(84), "Sangat Baik", pytest.approx(90), 6]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 11
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in sheets)


def test_the_workbook_is_the_same_bytes_every_time(small: Comparison) -> None:
    first = xlsx_report(small)
    assert xlsx_report(small) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_columns_are_as_wide_as_their_contents(small: Comparison) -> None:
    items = _book(xlsx_report(small))["Items"]
    widths = {c: items.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["F"] > widths["C"]  # the rule file's path, the version "2026.1"
    assert widths["F"] <= 60 + 2 + 1  # capped (a little padding)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=2, max_size=4, unique=True))
def test_sheet_names_are_what_excel_takes(labels: list[str]) -> None:
    """Whatever the items are called, every sheet name is at most 31 characters, has
    none of []:*?/\\, does not begin or end with an apostrophe, and no two are the same
    ignoring case."""
    codes = ["items", "policy", "distribution", "statuses", "not_computed", "pairs"]
    for n, a in enumerate(labels):
        for b in labels[n + 1 :]:
            codes += [f"{kind}:{a}:{b}" for kind in ("transitions", "movers", "unit_kerja")]
    names = sheet_names(codes)
    assert len(names) == len(codes)
    for name in names:
        assert 0 < len(name.encode("utf-16-le")) // 2 <= SHEET_LIMIT  # as Excel counts
        assert not re.search(r"[\[\]:*?/\\]", name)
        assert not name.startswith("'") and not name.endswith("'")
    assert len({n.casefold() for n in names}) == len(names)
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for name in names:
        book.add_worksheet(name)  # XlsxWriter refuses a name Excel would not take
    book.close()


@pytest.mark.parametrize("suffix", ["html", "xlsx"])
def test_kinerja_compare_writes_the_page_and_the_workbook(tmp_path: Path, suffix: str) -> None:
    """The Kasemen example: 41 employees, 39 computed under both items (two refused)."""
    out = tmp_path / f"report.{suffix}"
    args = ["compare", "kasemen", str(_what_if(tmp_path)), "-i", str(EXAMPLE), "-o", str(out)]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    if suffix == "html":
        page = out.read_text(encoding="utf-8")
        assert "Workforce: " in page and "(41 employees)." in page
        assert page.count("39 of 41") == 2 + 2  # the table's Computed row, each chart's text
    else:
        book = _book(out.read_bytes())
        assert book["Pairs"]["C3"].value == 39 and book["Pairs"]["D3"].value == 2


def test_the_terminal_shows_every_value_with_all() -> None:
    """Without --all the text report leaves out the values every item shares and says how
    many; with --all it shows them: one line per item for each of them."""
    runner = CliRunner()
    differing = runner.invoke(main, ["compare", "kutacane@2025", "kutacane"])
    every = runner.invoke(main, ["compare", "kutacane@2025", "kutacane", "--all"])
    assert differing.exit_code == every.exit_code == 0
    said = " ".join(differing.output.split())  # the note is wrapped to the terminal
    shared = re.search(r"(\d+) more values are the same in every item", said)
    assert shared is not None and "kinerja compare --all shows them" in said
    assert "more values are the same" not in every.output
    lines = every.output.count("\n  kutacane ") - differing.output.count("\n  kutacane ")
    assert lines == int(shared[1])  # one more "kutacane" line per shared value
