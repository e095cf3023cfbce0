"""``kinerja publish``: what a site shows and withholds, the refusals, the atomic swap,
changes since the last site. (The pages in a real browser: test_publish_browser.py.)"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from region_helpers import nip

from kinerja.cli import main
from kinerja.errors import PublishError
from kinerja.input.read import read_tables
from kinerja.manager import make_manager
from kinerja.publish.columns import PUBLIC_FIELDS, column
from kinerja.publish.criteria import criteria
from kinerja.publish.privacy import mask_nip, public_tables
from kinerja.publish.results import KEPT, read_results
from kinerja.publish.site import SCRIPT, STYLE, csp, unit_file
from kinerja.regions import load_region_rules
from kinerja.rules import Publication

LABELS = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang/Misconduct", "Sangat Kurang")


def test_a_nip_is_masked_but_its_first_and_last_four_digits() -> None:
    # 18 digits: 4 shown, 10 stars, 4 shown; 8 or fewer: all stars
    masked = pl.select(mask_nip(pl.lit("198001012005011001"))).item()
    assert masked == "1980**********1001"
    assert pl.select(mask_nip(pl.lit("12345678"))).item() == "********"


def _table(rows: list[tuple[str, str, float, str]]) -> pl.DataFrame:
    """Results of ``(unit, name, score, predikat)``, NIPs numbered in order."""
    return pl.DataFrame(
        {
            "nip": [nip(i + 1) for i in range(len(rows))],
            "nama": [r[1] for r in rows],
            "jabatan": ["Analis"] * len(rows),
            "unit_kerja": [r[0] for r in rows],
            "score": [r[2] for r in rows],
            "predikat": [r[3] for r in rows],
            "peer_rank": ["1/1"] * len(rows),
            "status": ["final"] * len(rows),
            "flags": [["bias_leniency", "weight_alone"]] * len(rows),
        }
    )


def test_small_units_show_their_totals_only_and_fields_follow_the_rules() -> None:
    # unit A: 4 employees (shown, minimum 3); unit B: 2 (totals only)
    table = _table(
        [
            ("A", "Ani", 90.0, "Sangat Baik"),
            ("A", "Budi", 80.0, "Baik"),
            ("A", "Cici", 80.0, "Baik"),
            ("A", "Dedi", 70.0, "Butuh Perbaikan"),
            ("B", "Eka", 60.0, "Kurang/Misconduct"),
            ("B", "Fajar", 50.0, "Sangat Kurang"),
        ]
    )
    rules = Publication(fields=("nama", "score", "percentile"), flags=("weight_alone",),
                        min_unit_size=3)  # fmt: skip
    found = public_tables(table, rules, LABELS)
    assert found.rows.columns == ["nip", "unit_kerja", "nama", "score", "percentile", "flags"]
    # percentile: employees of the unit with a lower score, of 4: 3/4, 1/4, 1/4, 0/4
    assert found.rows.select("nama", "percentile").rows() == [
        ("Ani", 75),
        ("Budi", 25),
        ("Cici", 25),
        ("Dedi", 0),
    ]
    assert set(found.rows["flags"]) == {"weight_alone"}  # bias_leniency is not listed
    units = found.units.select("unit_kerja", "employees", "mean", "median", "shown").rows()
    # A: mean (90 + 80 + 80 + 70) / 4 = 80, median 80; B (2 < 3): its count only
    assert units == [("A", 4, 80.0, 80.0, True), ("B", 2, None, None, False)]
    assert found.units.filter(pl.col("unit_kerja") == "B").row(0, named=True)["Baik"] is None
    assert any("fewer than 3" in line for line in found.withheld)


def test_hidden_nips_are_not_published() -> None:
    table = _table([("A", "Ani", 90.0, "Sangat Baik")])
    found = public_tables(table, Publication(fields=("nama",), nip="hidden", min_unit_size=1),
                          LABELS)  # fmt: skip
    assert found.rows.columns == ["unit_kerja", "nama"]


def test_unit_pages_keep_their_name_whatever_the_period() -> None:
    assert unit_file("Dinas Kesehatan") == unit_file("Dinas Kesehatan")
    assert unit_file("Dinas Kesehatan").startswith("units/dinas-kesehatan-")
    assert unit_file("Dinas  Kesehatan") != unit_file("Dinas Kesehatan")
    assert re.fullmatch(r"units/unit-[0-9a-f]{8}\.html", unit_file("«»"))


def test_the_policy_allows_exactly_the_pages_own_style_and_script() -> None:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    policy = csp()
    assert f"script-src 'sha256-{digest(SCRIPT)}'" in policy
    assert f"style-src 'sha256-{digest(STYLE)}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy


# ---------------------------------------------------------------- through the CLI
@pytest.fixture(scope="module")
def sawahlunto(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A Sawahlunto sample, its JSON results, and the inputs' private values."""
    folder = tmp_path_factory.mktemp("publish")
    runner = CliRunner()
    book = folder / "saw.xlsx"
    done = runner.invoke(main, ["sample-data", "--region", "sawahlunto", "--employees", "40",
                                "--output", str(book)])  # fmt: skip
    assert done.exit_code == 0, done.output
    results = folder / "saw.json"
    done = runner.invoke(main, ["run", "--region", "sawahlunto", "-i", str(book), "-o",
                                str(results), "--as-of", "2026-12-01"])  # fmt: skip
    assert done.exit_code == 0, done.output
    return {"folder": folder, "book": book, "results": results}


def _publish(results: Path, site: Path, *extra: str) -> object:
    args = ["publish", "--region", "sawahlunto", "--results", str(results), "-o", str(site),
            "--date", "2026-12-01", *extra]  # fmt: skip
    return CliRunner().invoke(main, args)


PRIVATE = {"pegawai": ("nip", "atasan_nip"), "penilaian": ("nip", "penilai_nip", "catatan")}
"""The input columns whose values no published file may hold."""


def _private_values(book: Path) -> set[str]:
    """Every NIP (employees' and raters') and every rater note of the input workbook."""
    found: set[str] = set()
    tables = read_tables(book)
    for sheet, columns in PRIVATE.items():
        frame = tables.frames[sheet]
        for name in columns:
            if name in frame.columns:
                found.update(frame[name].drop_nulls().str.strip_chars().to_list())
    return {value for value in found if len(value) >= 8}


def _site_texts(site: Path) -> dict[str, str]:
    """Every file of the site as text (a workbook's XML parts, joined)."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_dir():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[str(path)] = "".join(
                    archive.read(n).decode("utf-8") for n in archive.namelist()
                )
        else:
            texts[str(path)] = path.read_text("utf-8")
    return texts


def test_the_site_holds_no_nip_no_rater_and_no_rater_note(sawahlunto: dict[str, Path]) -> None:
    site = sawahlunto["folder"] / "site"
    done = _publish(sawahlunto["results"], site)
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert "Published 40 employees of 8 work units in 9 pages" in done.output  # type: ignore[attr-defined]
    private = _private_values(sawahlunto["book"])
    assert len(private) > 40  # the 40 employees' NIPs, raters from outside, notes
    for name, text in _site_texts(site).items():
        leaked = sorted(value for value in private if value in text)
        assert not leaked, f"{name} holds {leaked[:3]}"
        assert not re.search(r"(?<![0-9a-f])\d{18}(?![0-9a-f])", text), name
    published = json.loads((site / "data" / "results.json").read_text("utf-8"))
    names = [c["name"] for c in published["columns"]]
    assert names == ["nip", "unit_kerja", "nama", "jabatan", "score", "predikat", "peer_rank",
                     "status"]  # fmt: skip
    assert all(re.fullmatch(r"\d{4}\*{10}\d{4}", row["nip"]) for row in published["rows"])


def test_a_name_is_text_on_the_page(sawahlunto: dict[str, Path]) -> None:
    document = json.loads(sawahlunto["results"].read_text("utf-8"))
    document["results"][0]["nama"] = "<script>alert(1)</script>"
    hostile = sawahlunto["folder"] / "hostile.json"
    hostile.write_text(json.dumps(document), encoding="utf-8")
    site = sawahlunto["folder"] / "hostile-site"
    assert _publish(hostile, site).exit_code == 0  # type: ignore[attr-defined]
    unit = site / unit_file(document["results"][0]["unit_kerja"])
    page = unit.read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the page's own search script only


def test_a_region_that_does_not_publish_refuses(
    sawahlunto: dict[str, Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    book, results = tmp_path / "kas.xlsx", tmp_path / "kas.json"
    runner.invoke(
        main, ["sample-data", "--region", "kasemen", "--employees", "12", "--output", str(book)]
    )
    runner.invoke(main, ["run", "--region", "kasemen", "-i", str(book), "-o", str(results),
                         "--as-of", "2026-12-01"])  # fmt: skip
    site = tmp_path / "site"
    done = runner.invoke(main, ["publish", "--region", "kasemen", "--results", str(results),
                                "-o", str(site)])  # fmt: skip
    assert done.exit_code == 2
    assert "region kasemen does not publish its results" in done.output
    assert not site.exists()
    other = runner.invoke(main, ["publish", "--region", "sawahlunto", "--results", str(results),
                                 "-o", str(site)])  # fmt: skip
    assert other.exit_code == 2 and "results of region kasemen, not sawahlunto" in other.output


def test_results_of_other_rules_are_refused(sawahlunto: dict[str, Path]) -> None:
    document = json.loads(sawahlunto["results"].read_text("utf-8"))
    document["run"]["rules_sha256"] = "0" * 64
    other = sawahlunto["folder"] / "other-rules.json"
    other.write_text(json.dumps(document), encoding="utf-8")
    done = _publish(other, sawahlunto["folder"] / "never")
    assert done.exit_code == 2  # type: ignore[attr-defined]
    assert "rules of sawahlunto that are not installed" in done.output  # type: ignore[attr-defined]
    assert not (sawahlunto["folder"] / "never").exists()


def test_a_failed_publish_leaves_the_previous_site_intact(sawahlunto: dict[str, Path]) -> None:
    site = sawahlunto["folder"] / "kept"
    assert _publish(sawahlunto["results"], site).exit_code == 0  # type: ignore[attr-defined]
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    empty = sawahlunto["folder"] / "not-a-site"
    empty.mkdir()
    done = _publish(sawahlunto["results"], site, "--since", str(empty))
    assert done.exit_code == 2  # type: ignore[attr-defined]
    assert "not a site of region sawahlunto" in done.output  # type: ignore[attr-defined]
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    leftovers = [p.name for p in site.parent.iterdir() if p.name.startswith(".kept.")]
    assert leftovers == []


def test_each_asn_sees_their_change_since_the_last_site(sawahlunto: dict[str, Path]) -> None:
    first = sawahlunto["folder"] / "period-1"
    assert _publish(sawahlunto["results"], first).exit_code == 0  # type: ignore[attr-defined]
    document = json.loads(sawahlunto["results"].read_text("utf-8"))
    moved = document["results"][0]
    moved["score"] = round(moved["score"] + 1.5, 9)  # one employee gains 1.5 points
    later = sawahlunto["folder"] / "later.json"
    later.write_text(json.dumps(document), encoding="utf-8")
    second = sawahlunto["folder"] / "period-2"
    assert _publish(later, second, "--since", str(first)).exit_code == 0  # type: ignore[attr-defined]
    rows = json.loads((second / "data" / "results.json").read_text("utf-8"))["rows"]
    changes = {row["nama"] + row["nip"]: row["change"] for row in rows}
    shown = pl.select(mask_nip(pl.lit(moved["nip"]))).item()
    assert changes.pop(moved["nama"] + shown) == pytest.approx(1.5)
    assert set(changes.values()) == {0.0}  # everyone else: the same score as before
    page = (second / unit_file(moved["unit_kerja"])).read_text("utf-8")
    assert "+1.50" in page


def test_the_schema_allows_exactly_the_fields_a_site_can_show() -> None:
    path = Path(__file__).parent.parent / "schemas" / "rules.schema.json"
    schema = json.loads(path.read_text("utf-8"))
    fields = schema["properties"]["publication"]["properties"]["fields"]["items"]["enum"]
    assert tuple(fields) == PUBLIC_FIELDS
    assert all(column(name).title for name in (*PUBLIC_FIELDS, "nip", "unit_kerja", "change"))


def test_the_criteria_gather_each_thing_under_its_label() -> None:
    rules = load_region_rules(make_manager(), "sawahlunto")
    sections = {s.key: s for s in criteria(rules)}
    assert sections["indicators"].title == "Indicators"
    first = sections["indicators"].items[0]
    assert first.name == "Penyelesaian proyek sesuai target (penyelesaian_proyek)"
    assert ("kind", "normal: higher is better") in first.facts
    supervisor = next(i for i in sections["rater_groups"].items if "(supervisor)" in i.name)
    assert ("weight", "0.4 (40%)") in supervisor.facts
    assert "bias_checks" not in sections and "publication" not in sections


def test_results_laid_out_otherwise_read_the_same(sawahlunto: dict[str, Path]) -> None:
    """kinerja's own layout (one result a line) is read by a streaming scan; the same
    document laid out otherwise (re-indented by another tool) is parsed whole, to the
    same table. Nothing but the kept fields and the flag codes is read."""
    ours = read_results(sawahlunto["results"])
    document = json.loads(sawahlunto["results"].read_text("utf-8"))
    other = sawahlunto["folder"] / "indented.json"
    other.write_text(json.dumps(document, indent=4), encoding="utf-8")
    theirs = read_results(other)
    assert ours.info == theirs.info
    assert ours.table.equals(theirs.table)
    assert ours.table.columns == [*KEPT, "flags"] and ours.table.height == 40


def test_a_nip_typed_into_another_field_is_masked_and_an_empty_unit_named() -> None:
    """A NIP typed into the unit column (or the name) is masked like a NIP; a result with
    no unit is published under "(no work unit)", never "None"."""
    table = _table([("198001012005011001", "Ani 198502022010012002", 90.0, "Sangat Baik")])
    table = pl.concat([table, _table([("", "Budi", 80.0, "Baik")])])
    found = public_tables(table, Publication(fields=("nama",), min_unit_size=1), LABELS)
    assert found.rows.select("unit_kerja", "nama").rows() == [
        ("(no work unit)", "Budi"),
        ("1980**********1001", "Ani 1985**********2002"),
    ]


def test_results_whose_run_is_not_an_object_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"run": "x", "results": [{"nip": "1", "score": 1.0}]}', "utf-8")
    with pytest.raises(PublishError, match="not the JSON results of kinerja run"):
        read_results(bad)


def test_since_refuses_another_regions_site(sawahlunto: dict[str, Path]) -> None:
    """A previous site whose datapackage.json names another region is refused: its people
    are not these people."""
    first = sawahlunto["folder"] / "theirs"
    assert _publish(sawahlunto["results"], first).exit_code == 0  # type: ignore[attr-defined]
    described = first / "data" / "datapackage.json"
    package = json.loads(described.read_text("utf-8"))
    package["name"] = "kinerja-kasemen-2026.1"
    described.write_text(json.dumps(package), encoding="utf-8")
    done = _publish(sawahlunto["results"], sawahlunto["folder"] / "ours", "--since", str(first))
    assert done.exit_code == 2  # type: ignore[attr-defined]
    assert "not a site of region sawahlunto" in done.output  # type: ignore[attr-defined]
