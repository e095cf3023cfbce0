"""The workbook HR reads and prints: each example region's ``kinerja run`` output opened
in openpyxl, in Indonesian and in English.

Checked on every example: sheet names and headers in the language asked for, grouped
as identity, indicators, aspects, components, score, predikat, status, feedback,
recommendations; a bold, wrapped, frozen header row over an autofilter; the NIP
column frozen and kept as text; numbers shown with 2 decimals but stored to the
rules' precision; feedback wrapped, one item a line; each predikat on the colour of
its rank in the rules' labels; rejects by sheet and row. Then the parts one by one:
colours for a region's own labels, repeated headers, the rejects' order, JSON numbers.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from cli_helpers import REGIONS, cli
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from test_write import A, B, run_of, sample_run

from kinerja.i18n import language
from kinerja.input.read import KNOWN_SHEETS
from kinerja.manager import make_manager
from kinerja.output.headers import unique
from kinerja.output.write_frames import ordered_rejects
from kinerja.output.writers import write_run
from kinerja.output.xlsx_styles import SHADES, predikat_styles, shade_of
from kinerja.regions import load_region_rules
from kinerja.rules import RuleSet

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
COLOURS = ["FF2E7D32", "FF81C784", "FFFFD54F", "FFFB8C00", "FFE53935"]
"""Dark green, green, amber, orange, red: the fills of the five ranks of predikat."""

SHEETS = {
    "id": ["hasil", "rincian", "penolakan", "info"],
    "en": ["results", "details", "rejects", "info"],
}
IDENTITY = {
    "id": ["NIP", "Nama", "Jabatan", "Unit kerja", "Golongan", "NIP atasan"],
    "en": ["NIP", "Name", "Position", "Work unit", "Grade", "Supervisor's NIP"],
}
TAIL = {
    "id": ["Nilai", "Predikat", "Status", "Umpan balik", "Rekomendasi", "Catatan untuk pemeriksa"],
    "en": ["Score", "Predikat", "Status", "Feedback", "Recommendations", "Flags for the reviewer"],
}
RANK = {"id": "Peringkat di antara rekan kerja", "en": "Rank among peers"}
FAIR = {
    "id": "Nilai wajar (perkiraan efek penilai dihilangkan)",
    "en": "Fair score (raters' estimated effects removed)",
}
"""Beside the score where the rules adjust for rater effects (Sawahlunto)."""
PREFIX = {
    "id": ("Capaian (%): ", "Aspek: "),
    "en": ("Achievement (%): ", "Aspect: "),
}
STATUS = {"id": {"Final", "Sementara"}, "en": {"Final", "Provisional"}}
REJECTS = {
    "id": ["Sheet", "Baris", "NIP", "Kolom", "Alasan"],
    "en": ["Sheet", "Row", "NIP", "Column", "Reason"],
}
RUNS = [*((region, "id") for region in REGIONS), ("sawahlunto", "en")]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each example run through ``kinerja run`` in Indonesian, and Sawahlunto in English."""
    where = tmp_path_factory.mktemp("books")
    runner = CliRunner()
    made = {}
    for region, lang in RUNS:
        out = where / f"{region}-{lang}.xlsx"
        source = EXAMPLES / region / f"{region}.xlsx"
        cli(runner, "run", "-r", region, "-i", source, "-o", out, "--lang", lang)
        made[region, lang] = out
    return made


@pytest.fixture(scope="module")
def books(outputs: dict[tuple[str, str], Path]) -> dict[tuple[str, str], openpyxl.Workbook]:
    """The workbooks of :func:`outputs`, opened once."""
    return {key: openpyxl.load_workbook(path) for key, path in outputs.items()}


@cache
def rules_of(region: str) -> RuleSet:
    """The region's rules, loaded once."""
    return load_region_rules(make_manager(), region)


def _header(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    return [c.value for c in ws[1]]


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> list:
    """The cells of the column headed ``header`` (below the header)."""
    j = _header(ws).index(header) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=j, max_col=j)]


@pytest.mark.parametrize(("region", "lang"), RUNS)
def test_sheets_headers_and_their_groups(books, region: str, lang: str) -> None:
    wb = books[region, lang]
    assert wb.sheetnames == SHEETS[lang]
    ws = wb.worksheets[0]
    header = _header(ws)
    rules = rules_of(region)
    components = [c.label or c.name for c in rules.components]
    indicator, aspect = PREFIX[lang]
    indicators = [h for h in header if h.startswith(indicator)]
    aspects = [h for h in header if h.startswith(aspect)]
    rank = [RANK[lang]] if RANK[lang] in header else []
    fair = [FAIR[lang]] if rules.adjust_for_rater_effects else []
    tail = TAIL[lang][:1] + fair + rank + TAIL[lang][1:]
    # identity, indicators, aspects, components, score, (fair score), (rank), predikat, ...
    assert header == IDENTITY[lang] + indicators + aspects + components + tail
    assert bool(indicators) == bool(rules.indicators)
    assert len(aspects) == len(rules.aspects)
    assert [c.value for c in wb.worksheets[2][1]] == REJECTS[lang]


def test_headers_by_hand(books) -> None:
    kasemen = _header(books["kasemen", "id"].worksheets[0])
    assert kasemen[6] == "Capaian (%): Target layanan utama (misalnya kunjungan pasien puskesmas)"
    assert "Aspek: Kemampuan komunikasi dengan warga" in kasemen
    assert "Kompetensi (rata-rata empat aspek, skala 1-5 menjadi 20-100)" in kasemen  # a rule text
    sawahlunto = _header(books["sawahlunto", "en"].worksheets[0])
    assert sawahlunto[:7] == [
        "NIP", "Name", "Position", "Work unit", "Grade", "Supervisor's NIP",
        "Achievement (%): Waktu penyelesaian layanan (hari) — lebih cepat lebih baik",
    ]  # fmt: skip
    assert "Aspect: Berorientasi Pelayanan" in sawahlunto
    assert sawahlunto[-6:] == [
        "Rank among peers", "Predikat", "Status", "Feedback", "Recommendations",
        "Flags for the reviewer",
    ]  # fmt: skip


@pytest.mark.parametrize(("region", "lang"), RUNS)
def test_formatting(books, region: str, lang: str) -> None:
    wb = books[region, lang]
    ws = wb.worksheets[0]
    header = _header(ws)
    last = openpyxl.utils.get_column_letter(len(header))
    assert all(c.font.b and c.alignment.wrap_text for c in ws[1])
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:{last}{ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    for nip in (*_column(ws, "NIP"), *_column(ws, IDENTITY[lang][5])):
        assert nip.value is None or (isinstance(nip.value, str) and nip.number_format == "@")
    scores = [c for c in _column(ws, TAIL[lang][0]) if c.value is not None]
    assert scores and all(c.number_format == "0.00" for c in scores)
    assert any(c.value != round(c.value, 2) for c in scores)  # shown to 2, stored in full
    assert max(d.width for d in ws.column_dimensions.values()) <= 60
    feedback = [c for c in _column(ws, TAIL[lang][3]) if c.value]
    assert all(c.alignment.wrap_text and " | " not in c.value for c in feedback)
    assert {c.value for c in _column(ws, "Status")} <= STATUS[lang]
    for sheet in wb.worksheets[:3]:
        assert sheet.auto_filter.ref and all(c.font.b for c in sheet[1])


def test_feedback_one_item_a_line(books) -> None:
    ws = books["kasemen", "id"].worksheets[0]
    first = _column(ws, "Umpan balik")[0].value.split("\n")  # the first employee: two gaps
    assert len(first) == 2
    assert first[0].startswith("Target layanan utama (misalnya kunjungan pasien puskesmas)")
    assert first[1].startswith("Penyelesaian administrasi layanan")


@pytest.mark.parametrize(("region", "lang"), RUNS)
def test_predikat_coloured_by_rank(books, region: str, lang: str) -> None:
    labels = rules_of(region).predikat_labels
    assert len(labels) == 5  # every example: Sangat Baik ... Sangat Kurang (or Buruk)
    ws = books[region, lang].worksheets[0]
    seen = set()
    for cell in _column(ws, "Predikat"):
        if cell.value in labels:
            assert cell.fill.fgColor.rgb == COLOURS[labels.index(cell.value)], cell.value
            seen.add(cell.value)
        else:  # no predikat (or one the rules do not name): not coloured
            assert cell.fill.fill_type is None
    assert len(seen) >= 2


def test_the_best_and_the_worst_by_hand(books) -> None:
    ws = books["sawahlunto", "en"].worksheets[0]
    fills = {c.value: (c.fill.fgColor.rgb, c.font.color) for c in _column(ws, "Predikat")}
    assert fills["Sangat Baik"][0] == "FF2E7D32" and fills["Sangat Baik"][1].rgb == "FFFFFFFF"
    assert fills["Baik"][0] == "FF81C784" and fills["Kurang/Misconduct"][0] == "FFFB8C00"
    assert fills["Sangat Kurang"][0] == "FFE53935"


@pytest.mark.parametrize(("region", "lang"), RUNS)
def test_rejects_by_sheet_and_row(books, outputs, region: str, lang: str) -> None:
    ws = books[region, lang].worksheets[2]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    order = {sheet: i for i, sheet in enumerate(KNOWN_SHEETS)}
    keys = [(order.get(r[0], len(order)), r[0], r[1]) for r in rows]
    assert rows and keys == sorted(keys)
    csv_path = outputs[region, lang].with_name(outputs[region, lang].stem + "-rejects.csv")
    text = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "sheet,row,nip,column,reason" and len(text) == len(rows) + 1


def test_json_numbers_are_tidy(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    cli(
        CliRunner(),
        "run",
        "-r",
        "kutacane",
        "-i",
        EXAMPLES / "kutacane" / "kutacane.xlsx",
        "-o",
        out,
    )
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{10,}", text)  # today: "gap":39.39999999999998
    assert '"gap":39.4' in text


def test_json_numbers_by_hand(tmp_path: Path) -> None:
    run = sample_run()
    # 141.9 - 200.0 is -58.099999999999994 in floating point, 0.1 + 0.2 is 0.30000000000000004;
    # round(x, 9) gives -58.1 and 0.3, and round(1 / 3, 9) is 0.333333333
    run.indicators = run.indicators.with_columns(
        pl.Series("gap", [141.9 - 200.0, 0.1 + 0.2, -2.0]), pl.Series("target", [1 / 3, 10.0, 10.0])
    )
    write_run(run, tmp_path / "a.json", "json")
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    ani, budi = doc["results"]
    assert ani["indicators"][0]["gap"] == -58.1 and ani["indicators"][0]["target"] == 0.333333333
    assert budi["indicators"][0]["gap"] == 0.3
    write_run(run, tmp_path / "a.csv", "csv")  # CSV keeps its own 4 decimals
    write_run(run, tmp_path / "a.parquet", "parquet")  # Parquet keeps full precision
    assert pl.read_parquet(tmp_path / "a-indicators.parquet")["gap"][0] == 141.9 - 200.0


# --------------------------------------------------------------------- the parts


def test_a_regions_own_labels_are_coloured_by_their_rank(tmp_path: Path) -> None:
    rows = [
        {"nip": A, "nama": "Ani", "score": 3.0, "predikat": "Istimewa", "status": "final"},
        {"nip": B, "nama": "Budi", "score": 1.0, "predikat": "Perlu Bimbingan", "status": "final"},
    ]
    run = run_of(rows)
    labels = ("Istimewa", "Memadai", "Perlu Bimbingan")  # 3 labels: green, amber, red
    write_run(run, tmp_path / "a.xlsx", "xlsx", predikat=labels)
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["results"]
    assert [c.fill.fgColor.rgb for c in _column(ws, "Predikat")] == [COLOURS[0], COLOURS[4]]
    write_run(run, tmp_path / "b.xlsx", "xlsx")  # without the rules: no baseline names them
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx")["results"]
    assert [c.fill.fill_type for c in _column(ws, "Predikat")] == [None, None]


def test_status_and_sheet_names_follow_the_language(tmp_path: Path) -> None:
    with language("id"):
        write_run(sample_run(), tmp_path / "a.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == SHEETS["id"]
    assert [c.value for c in _column(wb["hasil"], "Status")] == ["Final", "Sementara"]
    write_run(sample_run(), tmp_path / "b.csv", "csv")  # the codes stay in machine formats
    assert "provisional" in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 12))
def test_shades_run_from_the_best_to_the_worst(n: int) -> None:
    shades = [shade_of(rank, n) for rank in range(n)]
    assert shades[0] == 0 and (n == 1 or shades[-1] == len(SHADES) - 1)
    assert shades == sorted(shades)  # a worse label is never a better colour
    styles = predikat_styles([f"L{i}" for i in range(n)])
    assert len(set(styles.values())) == len(set(shades))


def test_five_labels_five_colours() -> None:
    # 5 labels: rank r gets shade r (r * 4 / 4); 3 labels: 0, 2, 4; 4 labels: 0, 1, 3, 4
    assert [shade_of(r, 5) for r in range(5)] == [0, 1, 2, 3, 4]
    assert [shade_of(r, 3) for r in range(3)] == [0, 2, 4]
    assert [shade_of(r, 4) for r in range(4)] == [0, 1, 3, 4]  # 4/3 -> 1, 8/3 -> 3


@given(st.lists(st.sampled_from(["a", "b", "a (2)", "c"]), max_size=8))
def test_headers_are_made_unique(headers: list[str]) -> None:
    made = unique(headers)
    assert len(set(made)) == len(made) == len(headers)
    assert all(m == h or m.startswith(h + " (") for m, h in zip(made, headers, strict=True))
    assert unique(["Aspek: X", "Aspek: X", "Aspek: X"]) == [
        "Aspek: X",
        "Aspek: X (2)",
        "Aspek: X (3)",
    ]


_SHEET = st.sampled_from([*KNOWN_SHEETS, "lain", "zzz"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_SHEET, st.integers(0, 5)), max_size=12))
def test_rejects_are_ordered_by_sheet_then_row(rows: list[tuple[str, int]]) -> None:
    frame = pl.DataFrame(
        {
            "sheet": [s for s, _ in rows],
            "row": [r for _, r in rows],
            "reason": [str(i) for i in range(len(rows))],
        },
        schema={"sheet": pl.String, "row": pl.Int64, "reason": pl.String},
    )
    got = ordered_rejects(frame)
    order = {sheet: i for i, sheet in enumerate(KNOWN_SHEETS)}
    expected = sorted(
        ((s, r, str(i)) for i, (s, r) in enumerate(rows)),
        key=lambda t: (order.get(t[0], len(order)), t[0], t[1]),
    )  # Python's sort is stable: ties keep their order, as the rejects do
    assert got.rows() == expected


@pytest.mark.parametrize(("lang", "word"), [("id", "dari"), ("en", "of")])
def test_place_among_peers_in_words(books, tmp_path, lang: str, word: str) -> None:
    """The workbook says the place in words; the CSV keeps the machine form ``rank/members``."""
    places = [c.value for c in _column(books["sawahlunto", lang].worksheets[0], RANK[lang])]
    assert places and all(re.fullmatch(rf"\d+ {word} \d+", p) for p in places if p)
    csv = tmp_path / "hasil.csv"
    cli(
        CliRunner(),
        "run",
        "-r",
        "sawahlunto",
        "-i",
        EXAMPLES / "sawahlunto" / "sawahlunto.xlsx",
        "-o",
        csv,
    )
    ranks = pl.read_csv(csv)["peer_rank"].drop_nulls().to_list()
    assert ranks and all(re.fullmatch(r"\d+/\d+", r) for r in ranks)
