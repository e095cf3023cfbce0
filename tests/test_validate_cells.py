"""The column expressions read a cell exactly as today's Python functions read its value.

Random messy cells (numbers as text in both locales, ambiguous dot groups, blanks, huge
and non-finite numbers, bad NIPs, dates and datetimes, other types) become a frame
through :meth:`Tables.from_rows` (text plus kind, as a reader stores them); each
vectorised reader must give the value, or the words, of its Python counterpart in
:mod:`kinerja.input.cells` and :func:`kinerja.input.nip.check_nip`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.input.cells import _blank, _Codes, _date, _fmt, _number, _raw_nip, _text
from kinerja.input.codes import code_columns
from kinerja.input.dates import date
from kinerja.input.nip import check_nip
from kinerja.input.nips import NipColumns, nip_columns, nip_reason
from kinerja.input.numbers import fmt, number
from kinerja.input.tables import Tables
from kinerja.input.texts import Cell, python_repr, raw_nip, text_value

ODD = [None, "", "  ", "\u3000", True, False, [1, 2], {"a": 1}]
NUMBER_TEXTS = st.one_of(
    st.sampled_from(
        ["1.500", "-2.250", "+1.000", "12.000.000", "1.234,5", "1,234.5", "47,5", "0.500",
         "95%", "n/a", " 12 ", "1 000", "1e5", "inf", "nan", "+3", ".5", "5.", "-.5", "9" * 30,
         "1" + "0" * 20, "1000000000000000", "1000000000000001", "-1000000000000000", "0,0",
         "1.2.3", ",5", "1,2,3", "100.000,00", "\u00a012", "\u0661", "1_000", "0x10", "١٢",
         "123456789012345.5", "1234567890123456", "0001.500", "999.999", "1.2345"]
    ),
    st.from_regex(r" ?[+-]?[0-9]{1,5}([.,][0-9]{1,4}){0,3}%? ?", fullmatch=True),
    st.text(alphabet="0123456789.,+- e%", max_size=8),
)  # fmt: skip
NUMBERS = st.one_of(
    NUMBER_TEXTS,
    st.integers(-(10**18), 10**18),
    st.sampled_from([10**15, -(10**15), 10**15 + 1, 10**400, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e15, 1e16, 1e300, -0.0, 2.0**63, 2.5e20, 1e-7]),
    st.dates(),
    st.datetimes(),
    st.sampled_from(ODD),
)
DATES = st.one_of(
    st.sampled_from(
        ["2024-01-31", "2024-02-29", "2023-02-29", "2024-02-30", " 2024-03-01 ",
         "2024-03-01T10:00:00", "2024-03-01 10:00", "2024-03-01T", "01/02/2010", "0000-01-01",
         "2024-1-5", "2024-13-01", "９９９９-01-01", 45000, 45000.5, 1e300, float("nan"), -3,
         "2026-12-31T25:99", "2026-12-31T23:59:59", "2026-12-31T23:60", "2026-12-31 07:30+07:00",
         "2026-12-31T07:30Z", "1949-12-31", "1950-01-01", "2100-12-31", "2101-01-01",
         dt.date(1900, 1, 1), dt.datetime(2200, 5, 1, 8, 0), "31/01/2024", "9/3/2026",
         "29/02/2023", "04/13/2026", "03/04/26", "2026/03/04", "1 Januari 2026", "7 okt 2101",
         "12  DESEMBER 2030", "5 Maret 26", "\x1c5 Mei 2026"]
    ),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=7)))),
    st.sampled_from(ODD),
)  # fmt: skip
NIPS = st.one_of(
    st.sampled_from(
        ["198001012005011001", " 19800101 200501 1 001 ", "19800101\u00a0200501\u00a01\u00a0001",
         "19800101200501100", "1980010120050110011", "198013322005011001", "198002292005011001",
         "198102292005011001", "193001012005011001", "198001012005131001",
         "198001012040011001", "198001012005013001", "19800101200501100X", "1.98001E+17",
         "1,98001e17", "198001012005011001.0", "١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١", "+98001012005011001",
         "000001012005011001", "194001011960011001", "201012312035121999"]
    ),
    st.builds(
        lambda b, a, s, q: f"{b:%Y%m%d}{a:%Y%m}{s}{q:03d}",
        st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
        st.dates(dt.date(1950, 1, 1), dt.date(2045, 12, 31)),
        st.sampled_from("0123"),
        st.integers(0, 999),
    ),
    st.text(alphabet="0123456789 X.", max_size=20),
    st.integers(10**17, 10**18),
    st.floats(1e17, 1e18),
    st.dates(),
    st.datetimes(),
    st.sampled_from(ODD),
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=6), NUMBERS, st.sampled_from(["it's", 'a "b"', "x\\y", "\x7f"]))


def frame(values: Sequence[object], name: str = "v") -> tuple[pl.DataFrame, Cell]:
    """The values as one column of a raw sheet (text and kind), and its cell."""
    tables = Tables.from_rows({"s": [(i + 2, {name: v}) for i, v in enumerate(values)]})
    data = tables.frames["s"]
    return data, Cell.of(data.columns, name)


def staged(data: pl.DataFrame, stages: Sequence[Sequence[pl.Expr]]) -> pl.DataFrame:
    for stage in stages:
        data = data.with_columns(stage)
    return data


@settings(max_examples=30, deadline=None)
@given(st.lists(NUMBERS, min_size=1, max_size=25))
def test_numbers_read_as_today(values: list[object]) -> None:
    data, cell = frame(values)
    parsed = number(cell, "@v", "realisasi")
    got = staged(data, parsed.stages).select(
        parsed.value.alias("x"), parsed.bad.alias("bad"), parsed.reason.alias("why")
    )
    for value, (x, bad, why) in zip(values, got.rows(), strict=True):
        p: list = []
        want = _number(value, "realisasi", p)
        if p:
            assert (bad, why) == (True, p[0].reason), value
        else:
            assert (bad, x) == (False, want), value


@settings(max_examples=30, deadline=None)
@given(st.lists(DATES, min_size=1, max_size=25))
def test_dates_read_as_today(values: list[object]) -> None:
    data, cell = frame(values)
    when = date(cell, "@v", "tanggal")
    got = staged(data, when.stages).select(
        cell.blank().alias("blank"), when.value, when.bad.alias("bad"), when.reason.alias("why")
    )
    for value, (blank, iso, bad, why) in zip(values, got.rows(), strict=True):
        assert blank == _blank(value), value
        if blank:
            continue  # callers never read a blank cell as a date
        p: list = []
        want = _date(value, "tanggal", p)
        if p:
            assert (bad, why) == (True, p[0].reason), value
        else:
            assert (bad, iso) == (False, want), value


def test_dates_and_times_by_hand() -> None:
    cases = {
        "2026-12-31T23:59:59": "2026-12-31",
        "2026-12-31 07:30+07:00": "2026-12-31",
        "2026-12-31T25:99": "tanggal '2026-12-31T25:99' is not a date; write it as "
        "DD/MM/YYYY (31/01/2024), YYYY-MM-DD (2024-01-31) or with the month in words "
        "(31 Januari 2024)",  # hour 25 and minute 99 are no time of day
        "1949-12-31": "tanggal 1949-12-31 is outside the years 1950 to 2100; check the year",
        dt.date(2200, 5, 1): "tanggal 2200-05-01 is outside the years 1950 to 2100; check the year",
    }
    data, cell = frame(list(cases))
    when = date(cell, "@v", "tanggal")
    got = staged(data, when.stages).select(when.value.alias("iso"), when.reason.alias("why"))
    for (value, expected), (iso, why) in zip(cases.items(), got.rows(), strict=True):
        assert (iso or why) == expected, value
        p: list = []
        assert (_date(value, "tanggal", p) or p[0].reason) == expected, value


NIP = NipColumns("v", "v")


@settings(max_examples=30, deadline=None)
@given(st.lists(NIPS, min_size=1, max_size=25))
def test_nips_checked_as_today(values: list[object]) -> None:
    data, cell = frame(values)
    got = staged(data, nip_columns(cell, NIP)).select(
        NIP.nip().alias("nip"), nip_reason(cell, NIP).alias("why"), raw_nip(cell).alias("raw")
    )
    for value, (nip, why, raw) in zip(values, got.rows(), strict=True):
        valid, reason = check_nip(value)
        assert raw == _raw_nip(value), value
        assert (nip, None if nip else why) == (valid, reason), value


@settings(max_examples=30, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=25))
def test_text_and_quoting_as_today(values: list[object]) -> None:
    data, cell = frame(values)
    texts = data.select(text_value(cell).alias("t"))["t"]
    assert texts.to_list() == [_text(v) for v in values]
    quoted = pl.DataFrame({"t": texts}).select(python_repr(pl.col("t")))["t"]
    assert quoted.to_list() == [repr(_text(v)) for v in values]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**15), 10**15)))
def test_numbers_shown_as_today(values: list[float]) -> None:
    numbers = pl.DataFrame({"x": [float(v) for v in values]}, schema={"x": pl.Float64})
    shown = numbers.select(fmt(pl.col("x")))["x"].to_list()
    assert shown == [_fmt(float(v)) for v in values]


CODES = st.one_of(
    st.sampled_from(["IKU1", "iku1", " IKU2 ", "IKU_1", "LAYANAN", "layanan ", "IKU 1", "X9"]),
    st.text(alphabet="IKUikulayn12_ ", max_size=6),
    st.integers(0, 3),
    st.sampled_from(ODD),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(CODES, min_size=1, max_size=25), st.booleans())
def test_codes_looked_up_as_today(values: list[object], restricted: bool) -> None:
    known = ["IKU1", "IKU2", "LAYANAN"] if restricted else []
    data, cell = frame(values, "indikator")
    names = ("@code", "@why")
    got = staged(data, code_columns(cell, known, "indicator", names)).select(*names)
    lookup = _Codes(known, "indicator", "indikator")
    for value, (code, why) in zip(values, got.rows(), strict=True):
        p: list = []
        want = lookup.get(value, p)
        assert (code, why) == (want, p[0].reason if p else None), value
