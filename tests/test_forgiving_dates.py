"""Dates as Indonesians write them: DD/MM/YYYY and D Maret 2026; ambiguous forms refused."""

from __future__ import annotations

import polars as pl
import pytest

from kinerja.input.cells import _date
from kinerja.input.dates import date
from kinerja.input.texts import Cell


def _read(values: list[str]) -> list[tuple[str | None, str | None]]:
    """(ISO value, reason) of each text, read by the column expressions."""
    frame = pl.DataFrame({"tanggal": values}, schema={"tanggal": pl.String})
    read = date(Cell.of(frame.columns, "tanggal"), "@t")
    for stage in read.stages:
        frame = frame.with_columns(stage)
    got = frame.select(read.value.alias("v"), pl.when(read.bad).then(read.reason).alias("r"))
    return list(got.iter_rows())


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-03-04", "2026-03-04"),
        ("04/03/2026", "2026-03-04"),  # day first: 4 March
        ("4/3/2026", "2026-03-04"),
        ("4 Maret 2026", "2026-03-04"),
        ("4 maret 2026", "2026-03-04"),
        ("17 AGS 2045", "2045-08-17"),
        ("17 Agu 2045", "2045-08-17"),
        ("1 Des 1950", "1950-12-01"),
        ("29/02/2024", "2024-02-29"),  # 2024 is a leap year
    ],
)
def test_accepted_forms(text: str, iso: str) -> None:
    assert _read([text]) == [(iso, None)]
    p: list = []
    assert _date(text, "tanggal", p) == iso and not p


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "03/04/26",
            "tanggal '03/04/26' has a two-digit year, which could be of any century; write "
            "the year in full, as DD/MM/YYYY (e.g. 31/01/2024) or YYYY-MM-DD",
        ),
        (
            "2026/03/04",
            "tanggal '2026/03/04' puts the year first with slashes, which reads either way; "
            "write it as YYYY-MM-DD (e.g. 2024-01-31) or DD/MM/YYYY",
        ),
        (
            "04/13/2026",
            "tanggal '04/13/2026' is read day first (DD/MM/YYYY), and 13 is not a month; "
            "write it as DD/MM/YYYY (e.g. 31/01/2024) or YYYY-MM-DD",
        ),
        (
            "29/02/2023",  # 2023 is not a leap year
            "tanggal '29/02/2023' is not a date; write it as "
            "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
            "(31 Januari 2024)",
        ),
        (
            "5 Foo 2026",
            "tanggal '5 Foo 2026' is not a date; write it as "
            "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
            "(31 Januari 2024)",
        ),
        ("31/12/1949", "tanggal 1949-12-31 is outside the years 1950 to 2100; check the year"),
    ],
)
def test_refused_forms_say_why(text: str, reason: str) -> None:
    assert _read([text]) == [(None, reason)]
    p: list = []
    assert _date(text, "tanggal", p) is None and p[0].reason == reason


def test_cli_refuses_a_two_digit_year_in_indonesian(tmp_path) -> None:
    import csv

    from click.testing import CliRunner

    from kinerja.cli import main

    runner = CliRunner()
    made = runner.invoke(
        main,
        ["sample-data", "-r", "kasemen", "-n", "2", "-o", str(tmp_path / "s"), "--format", "csv"],
    )
    assert made.exit_code == 0, made.output
    penilaian = tmp_path / "s" / "penilaian.csv"
    lines = penilaian.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[5] = "03/04/26"  # tanggal
    lines[1] = ",".join(first)
    second = lines[2].split(",")
    second[5] = "2 November 2026"  # accepted: no reject for row 3
    lines[2] = ",".join(second)
    penilaian.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = tmp_path / "hasil.json"
    args = ["run", "-r", "kasemen", "-i", str(tmp_path / "s"), "-o", str(out)]
    runner.invoke(main, [*args, "--format", "json", "--lang", "id"])
    with (tmp_path / "hasil-rejects.csv").open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["sheet"] == "penilaian"]
    assert [(r["row"], r["column"], r["reason"]) for r in rows] == [
        (
            "2",
            "tanggal",
            "tanggal '03/04/26' memakai tahun dua angka, yang bisa berarti abad mana pun; tulis "
            "tahun lengkap, sebagai DD/MM/YYYY (mis. 31/01/2024) atau YYYY-MM-DD",
        )
    ]
