"""Writing a run from its frames: CSV, JSON, xlsx and Parquet, the rejects beside them.

The expected cells below are written by hand from the run built in :func:`sample_run`.
:func:`frame_run` turns today's object run (``kinerja.model.RunOutput``) into the
frame run, so that the writers can be checked against today's writers, kept as an
oracle in ``tests/_legacy_writers.py`` until the columnar engine has landed.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import os
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja import frames as F
from kinerja import model as M
from kinerja.frames import StepInfo
from kinerja.model import RunInfo
from kinerja.output.atomic import lock, locked
from kinerja.output.write_cells import number_text, number_text_one
from kinerja.output.writers import rejects_path, run_to_dict, write_run

A, B = "198001012005011001", "198502022010012002"
INFO = RunInfo(
    "kasemen", "2024.1", "ab" * 32, "in.xlsx", "cd" * 32, "0.1.0",
    {"pegawai": 3, "capaian": 3}, 3, 2, 1, 2,
)  # fmt: skip
FORMATS = ["xlsx", "csv", "json", "parquet"]

# --------------------------------------------------------------------- building runs


def _padded(rows: Iterable[tuple], width: int) -> list[tuple]:
    """Detail rows with the optional columns at their end (stages' done_on, done_by)
    filled with None where a row leaves them out."""
    return [(*row, *[None] * (width - len(row))) for row in rows]


def run_of(
    results: list[dict],
    *,
    components: tuple[StepInfo, ...] = (),
    rejects: list[tuple] = (),  # type: ignore[assignment]
    info: RunInfo = INFO,
    **details: list[tuple],
) -> F.RunOutput:
    """A frame run from plain rows: results as dicts (identity, named values, peer_rank,
    status), rejects and each detail frame as tuples in their schema's column order."""
    names: dict[str, None] = {}
    for row in results:
        names.update(dict.fromkeys(k for k in row if k not in F.IDENTITY))
    schema = {**F.IDENTITY, "_row": pl.Int64}
    for name in names:
        values = [row.get(name) for row in results]
        kinds = {type(v) for v in values if v is not None}
        schema[name] = (
            pl.Boolean if kinds == {bool} else pl.Float64 if kinds <= {int, float} else pl.String
        )
    for name in ("peer_rank", "status"):
        schema[name] = pl.String
    rows = [
        {**row, "_row": i + 2, **{k: _typed(row.get(k), schema[k]) for k in names}}
        for i, row in enumerate(results)
    ]
    frame = pl.DataFrame(rows, schema=schema) if rows else F.empty(schema)
    parts = {
        name: pl.DataFrame(
            _padded(details.get(name, ()), len(getattr(F, name.upper()))),
            schema=getattr(F, name.upper()),
            orient="row",
        )
        for name in (
            "indicators", "aspects", "groups", "notes", "stages", "flags", "feedback",
            "recommendations", "audit",
        )
    }  # fmt: skip
    rejected = pl.DataFrame(list(rejects), schema=F.REJECTS, orient="row")
    return F.RunOutput(info, frame, rejected, components, **parts)


def _typed(value: object, dtype: object) -> object:
    return float(value) if dtype == pl.Float64 and value is not None else value  # type: ignore[arg-type]


KINERJA = StepInfo(
    "kinerja", "Nilai kinerja", "achievement_mean * 0.6 + integritas * 8",
    ("achievement_mean", "integritas"),
)  # fmt: skip
LULUS = StepInfo("lulus", "Lulus", "kinerja >= 76", ("kinerja",))


def sample_run() -> F.RunOutput:
    """Two employees: Ani (one indicator, two rater groups, notes, an objection) and
    Budi (one indicator given twice, an incomplete aspect, a pending stage)."""
    ani = {
        "nip": A, "nama": "Ani", "jabatan": "Analis", "unit_kerja": "Umum",
        "golongan": "III/a", "atasan_nip": B, "masa_kerja": 12, "IKU1": 95.5, "IKU2": None,
        "achievement_mean": 95.5, "indicator_count": 1, "integritas": 4.0, "kinerja": 89.3,
        "lulus": True, "score": 89.3, "predikat": "Baik", "peer_rank": "1 of 2", "status": "final",
    }  # fmt: skip
    budi = {
        "nip": B, "nama": "Budi", "jabatan": "Kepala", "unit_kerja": "Umum",
        "golongan": "IV/a", "atasan_nip": None, "masa_kerja": 20.5, "IKU1": None, "IKU2": 80.0,
        "achievement_mean": 95.0, "indicator_count": 2, "integritas": 3.5, "kinerja": 85.0,
        "lulus": True, "score": 85.0, "predikat": "Baik", "peer_rank": "2 of 2",
        "status": "provisional",
    }  # fmt: skip
    return run_of(
        [ani, budi],
        components=(KINERJA, LULUS),
        rejects=[
            ("pegawai", 4, "123", "NIP has 3 digits, expected 18", "nip"),
            ("capaian", 0, None, "sheet capaian: no rows", None),
        ],
        indicators=[
            (A, "IKU1", "Layanan", "normal", 100.0, 95.5, None, 95.5, -4.5, 1.0),
            (B, "IKU2", "Waktu", "range", 10.0, 11.0, 12.0, 110.0, 0.0, 1.0),
            (B, "IKU2", "Waktu", "range", 10.0, 8.0, 12.0, 80.0, -2.0, 0.5),
        ],
        aspects=[
            (A, "integritas", "Integritas", 4.0, True),
            (B, "integritas", "Integritas", 3.5, False),
        ],
        groups=[
            (A, "integritas", "supervisor", 1, 4.0, 0.6, 0.6, "used"),
            (A, "integritas", "peer", 0, None, 0.4, 0.0, "absent"),
            (B, "integritas", "supervisor", 2, 3.5, 0.6, 1.0, "used"),
        ],
        notes=[(A, "integritas", f"supervisor {B}: teliti"), (A, "integritas", "peer: rapi")],
        stages=[
            (A, "atasan", "Penilaian atasan", "done", "", "2026-11-30", "198502022010012002"),
            (B, "atasan", "Penilaian atasan", "pending", "menunggu atasan"),
        ],
        flags=[(B, "incomplete", "Integritas: a rater group is below its minimum", "warning")],
        feedback=[(A, "Pertahankan"), (A, "Bagus"), (B, "Lengkapi penilaian")],
        recommendations=[(A, "promotion", "Layak promosi")],
        audit=[(A, "keberatan", "Cukup", "Baik", B, "2024-03-10", "bukti baru", "keberatan:2")],
    )


def frame_run(legacy: M.RunOutput) -> F.RunOutput:
    """Today's object run as a frame run: one results row per Result, detail frames."""
    rows = []
    for r in legacy.results:
        values = dict(r.values)
        values.update({c.name: c.value for c in r.components})
        values.update(score=r.score, predikat=r.predikat)
        identity = {"nip": r.nip, "nama": r.nama, "jabatan": r.jabatan, "unit_kerja": r.unit_kerja}
        rows.append({**identity, **values, "peer_rank": r.peer_rank, "status": r.status})
    first = legacy.results[0].components if legacy.results else []
    steps = tuple(StepInfo(c.name, c.label, c.expr, tuple(c.inputs)) for c in first)
    rs = legacy.results
    num = _float_or_none
    return run_of(
        rows,
        components=steps,
        info=legacy.info,
        rejects=[(j.sheet, j.row, j.nip, j.reason, j.column) for j in legacy.rejects],
        indicators=[
            (r.nip, i.code, i.label, i.kind, num(i.target), num(i.realised), num(i.target_max),
             num(i.achievement), num(i.gap), num(i.weight))
            for r in rs for i in r.indicators
        ],
        aspects=[(r.nip, a.code, a.label, num(a.score), a.complete) for r in rs for a in r.aspects],
        groups=[
            (r.nip, a.code, g.group, g.count, num(g.mean), num(g.weight),
             num(g.effective_weight), g.status)
            for r in rs for a in r.aspects for g in a.groups
        ],
        notes=[(r.nip, a.code, t) for r in rs for a in r.aspects for t in a.notes],
        stages=[(r.nip, s.id, s.label, s.status, s.detail) for r in rs for s in r.stages],
        flags=[(r.nip, f.code, f.message, f.severity) for r in rs for f in r.flags],
        feedback=[(r.nip, t) for r in rs for t in r.feedback],
        recommendations=[(r.nip, x.code, x.text) for r in rs for x in r.recommendations],
        audit=[
            (r.nip, e.action, _text_or_none(e.before), _text_or_none(e.after), e.by, e.date,
             e.reason, e.source)
            for r in rs for e in r.audit
        ],
    )  # fmt: skip


def _float_or_none(x: object) -> float | None:
    return None if x is None else float(x)  # type: ignore[arg-type]


def _text_or_none(x: object) -> str | None:
    return None if x is None else str(x)


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def sheets(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's cell values (empty cells as None)."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


# --------------------------------------------------------------------- CSV

HEADER = [
    "nip", "nama", "jabatan", "unit_kerja", "score", "predikat", "status", "peer_rank",
    "kinerja", "lulus", "capaian.IKU1", "aspek.integritas", "capaian.IKU2", "capaian.IKU2.2",
    "feedback", "recommendations", "flags",
]  # fmt: skip


def test_csv_wide_table(tmp_path: Path) -> None:
    files = write_run(sample_run(), tmp_path / "hasil.csv", "csv")
    assert files == [tmp_path / "hasil.csv", tmp_path / "hasil-rejects.csv"]
    data = (tmp_path / "hasil.csv").read_bytes()
    assert data.startswith("\ufeff".encode()) and data.count(b"\r\n") == 3
    # components first; then capaian/aspek in first-seen order, employee by employee:
    # Ani gives IKU1 and integritas, Budi's two IKU2 rows give IKU2 and IKU2.2
    assert read_csv(tmp_path / "hasil.csv") == [
        HEADER,
        [A, "Ani", "Analis", "Umum", "89.3", "Baik", "final", "1 of 2", "89.3", "true",
         "95.5", "4", "", "", "Pertahankan | Bagus", "Layak promosi", ""],
        [B, "Budi", "Kepala", "Umum", "85", "Baik", "provisional", "2 of 2", "85", "true",
         "", "3.5", "110", "80", "Lengkapi penilaian", "",
         "incomplete: Integritas: a rater group is below its minimum"],
    ]  # fmt: skip
    assert read_csv(tmp_path / "hasil-rejects.csv") == [
        ["sheet", "row", "nip", "column", "reason"],
        ["pegawai", "4", "123", "nip", "NIP has 3 digits, expected 18"],
        ["capaian", "0", "", "", "sheet capaian: no rows"],
    ]


def test_csv_without_peer_rank_and_without_results(tmp_path: Path) -> None:
    run = sample_run()
    run.results = run.results.with_columns(pl.lit(None, dtype=pl.String).alias("peer_rank"))
    write_run(run, tmp_path / "a.csv", "csv")
    assert "peer_rank" not in read_csv(tmp_path / "a.csv")[0]
    empty = run_of([], components=(KINERJA,))
    write_run(empty, tmp_path / "b.csv", "csv")
    assert read_csv(tmp_path / "b.csv") == [
        ["nip", "nama", "jabatan", "unit_kerja", "score", "predikat", "status", "feedback",
         "recommendations", "flags"],
    ]  # fmt: skip


def test_csv_component_names_that_clash_are_renamed(tmp_path: Path) -> None:
    steps = (StepInfo("status", "S", "1", ()), StepInfo("aspek.x", "X", "2", ()))
    row = {"nip": A, "nama": "Ani", "status": "final", "aspek.x": 2.0, "score": 1.0}
    write_run(run_of([row], components=steps), tmp_path / "a.csv", "csv")
    header, values = read_csv(tmp_path / "a.csv")
    assert header[7:9] == ["komponen.status", "komponen.aspek.x"]
    assert values[7:9] == ["final", "2"]


# --------------------------------------------------------------------- JSON


def test_json_document(tmp_path: Path) -> None:
    write_run(sample_run(), tmp_path / "hasil.json", "json")
    text = (tmp_path / "hasil.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["run"]["rows_in"] == {"pegawai": 3, "capaian": 3}
    assert text.count("\n    {") == 4  # one line per result and per reject
    ani, budi = doc["results"]
    assert ani == {
        "nip": A, "nama": "Ani", "jabatan": "Analis", "unit_kerja": "Umum",
        "values": {
            "masa_kerja": 12, "IKU1": 95.5, "IKU2": None, "achievement_mean": 95.5,
            "indicator_count": 1, "integritas": 4.0, "kinerja": 89.3, "lulus": True,
            "score": 89.3, "predikat": "Baik",
        },
        "indicators": [
            {"code": "IKU1", "label": "Layanan", "kind": "normal", "target": 100.0,
             "realised": 95.5, "target_max": None, "achievement": 95.5, "gap": -4.5,
             "weight": 1.0},
        ],
        "aspects": [
            {"code": "integritas", "label": "Integritas", "score": 4.0,
             "groups": [
                 {"group": "supervisor", "count": 1, "mean": 4.0, "weight": 0.6,
                  "effective_weight": 0.6, "status": "used"},
                 {"group": "peer", "count": 0, "mean": None, "weight": 0.4,
                  "effective_weight": 0.0, "status": "absent"},
             ],
             "notes": [f"supervisor {B}: teliti", "peer: rapi"], "complete": True},
        ],
        "components": [
            {"name": "kinerja", "label": "Nilai kinerja", "value": 89.3,
             "expr": "achievement_mean * 0.6 + integritas * 8",
             "inputs": {"achievement_mean": 95.5, "integritas": 4.0}},
            {"name": "lulus", "label": "Lulus", "value": True, "expr": "kinerja >= 76",
             "inputs": {"kinerja": 89.3}},
        ],
        "score": 89.3, "predikat": "Baik", "feedback": ["Pertahankan", "Bagus"],
        "recommendations": [{"code": "promotion", "text": "Layak promosi", "reason": None}],
        "stages": [
            {
                "id": "atasan",
                "label": "Penilaian atasan",
                "status": "done",
                "detail": "",
                "done_on": "2026-11-30",
                "done_by": "198502022010012002",
            }
        ],
        "flags": [],
        "audit": [
            {"action": "keberatan", "before": "Cukup", "after": "Baik", "by": B,
             "date": "2024-03-10", "reason": "bukti baru", "source": "keberatan:2"},
        ],
        "peer_rank": "1 of 2", "status": "final",
    }  # fmt: skip
    # whole counts and inputs are integers, as they were; other numbers stay floats
    assert [type(ani["values"][k]) for k in ("masa_kerja", "indicator_count", "integritas")] == [
        int, int, float,
    ]  # fmt: skip
    assert budi["values"]["masa_kerja"] == 20.5 and budi["values"]["indicator_count"] == 2
    assert [i["achievement"] for i in budi["indicators"]] == [110.0, 80.0]
    assert budi["aspects"][0]["complete"] is False and budi["aspects"][0]["notes"] == []
    assert budi["recommendations"] == [] and budi["audit"] == []
    assert doc["rejects"] == [
        {"sheet": "pegawai", "row": 4, "nip": "123", "reason": "NIP has 3 digits, expected 18",
         "column": "nip"},
        {"sheet": "capaian", "row": 0, "nip": None, "reason": "sheet capaian: no rows",
         "column": None},
    ]  # fmt: skip
    assert run_to_dict(sample_run()) == doc


def test_json_in_parts_is_the_same_document(tmp_path: Path) -> None:
    from kinerja.output.write_json import write_json

    with open(tmp_path / "one.json", "wb") as fh:
        write_json(sample_run(), fh)
    with open(tmp_path / "two.json", "wb") as fh:
        write_json(sample_run(), fh, chunk=1)  # one employee, one reject at a time
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


def test_json_of_an_empty_run(tmp_path: Path) -> None:
    write_run(run_of([]), tmp_path / "e.json", "json")
    text = (tmp_path / "e.json").read_text(encoding="utf-8")
    assert text.endswith('"results": [],\n  "rejects": []\n}\n')
    assert json.loads(text)["results"] == []


def test_json_non_finite_numbers_are_null(tmp_path: Path) -> None:
    row = {"nip": A, "nama": "Ani", "score": math.inf, "kinerja": math.nan}
    write_run(run_of([row], components=(KINERJA,)), tmp_path / "a.json", "json")
    result = json.loads((tmp_path / "a.json").read_text())["results"][0]
    assert result["score"] is None and result["components"][0]["value"] is None


# --------------------------------------------------------------------- xlsx


RESULTS_HEADER = [
    "NIP", "Name", "Position", "Work unit", "Grade", "Supervisor's NIP",
    "Achievement (%): Layanan", "Achievement (%): Waktu", "Achievement (%): Waktu (2)",
    "Aspect: Integritas", "Nilai kinerja", "Lulus", "Score", "Rank among peers", "Predikat",
    "Status", "Feedback", "Recommendations", "Flags for the reviewer",
]  # fmt: skip
"""The results sheet's headers (English): identity, indicators (by label; IKU2 twice),
aspects, components (by label), score, rank, predikat, status, feedback, recommendations,
flags: 19 columns, A to S."""


def test_xlsx_sheets_and_cells(tmp_path: Path) -> None:
    write_run(sample_run(), tmp_path / "hasil.xlsx", "xlsx")
    got = sheets(tmp_path / "hasil.xlsx")
    assert list(got) == ["results", "details", "rejects", "info"]
    assert got["results"] == [
        RESULTS_HEADER,
        [A, "Ani", "Analis", "Umum", "III/a", B, 95.5, None, None, 4, 89.3, True, 89.3,
         "1 of 2", "Baik", "Final", "Pertahankan\nBagus", "Layak promosi", None],
        [B, "Budi", "Kepala", "Umum", "IV/a", None, None, 110, 80, 3.5, 85, True, 85,
         "2 of 2", "Baik", "Provisional", "Lengkapi penilaian", None,
         "incomplete: Integritas: a rater group is below its minimum"],
    ]  # fmt: skip
    assert got["details"] == [
        ["NIP", "Kind", "Item", "Value", "Detail"],
        [A, "indicator", "IKU1", 95.5,
         "Layanan; kind normal; target 100; realised 95.5; gap -4.5; weight 1"],
        [A, "aspect", "integritas", 4, f"Integritas; notes: supervisor {B}: teliti | peer: rapi"],
        [A, "group", "integritas.supervisor", 4,
         "used; 1 rater(s); weight 0.6; effective weight 0.6"],
        [A, "group", "integritas.peer", None, "absent; 0 rater(s); weight 0.4; effective weight 0"],
        [A, "component", "kinerja", 89.3,
         "Nilai kinerja: achievement_mean * 0.6 + integritas * 8 with achievement_mean=95.5, "
         "integritas=4"],
        [A, "component", "lulus", True, "Lulus: kinerja >= 76 with kinerja=89.3"],
        [A, "stage", "atasan", "done", "Penilaian atasan"],
        [A, "audit", "keberatan", "Baik",
         f"Cukup -> Baik by {B} on 2024-03-10: bukti baru (keberatan row 2)"],
        [B, "indicator", "IKU2", 110,
         "Waktu; kind range; target 10-12; realised 11; gap 0; weight 1"],
        [B, "indicator", "IKU2", 80,
         "Waktu; kind range; target 10-12; realised 8; gap -2; weight 0.5"],
        [B, "aspect", "integritas", 3.5, "Integritas; INCOMPLETE"],
        [B, "group", "integritas.supervisor", 3.5,
         "used; 2 rater(s); weight 0.6; effective weight 1"],
        [B, "component", "kinerja", 85,
         "Nilai kinerja: achievement_mean * 0.6 + integritas * 8 with achievement_mean=95, "
         "integritas=3.5"],
        [B, "component", "lulus", True, "Lulus: kinerja >= 76 with kinerja=85"],
        [B, "stage", "atasan", "pending", "Penilaian atasan: menunggu atasan"],
        [B, "flag", "incomplete", "warning", "Integritas: a rater group is below its minimum"],
    ]  # fmt: skip
    assert got["rejects"] == [
        ["Sheet", "Row", "NIP", "Column", "Reason"],
        ["pegawai", 4, "123", "nip", "NIP has 3 digits, expected 18"],
        ["capaian", 0, None, None, "sheet capaian: no rows"],
    ]
    assert got["info"][:3] == [
        ["Item", "Value"], ["region", "kasemen"], ["rules_version", "2024.1"],
    ]  # fmt: skip
    assert ["rows_in.capaian", 3] in got["info"] and ["rejected_rows", 2] in got["info"]


def test_xlsx_formats_nips_header_and_widths(tmp_path: Path) -> None:
    write_run(sample_run(), tmp_path / "hasil.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hasil.xlsx")
    hasil, rincian, penolakan = wb["results"], wb["details"], wb["rejects"]
    for cell in (hasil["A2"], hasil["A3"], hasil["F2"], rincian["A2"], penolakan["C2"]):
        assert (cell.data_type, cell.number_format) == ("s", "@")
    assert hasil["B2"].number_format == "General" and hasil["M2"].data_type == "n"  # M: score
    assert hasil["M2"].number_format == "0.00" and hasil["M2"].value == 89.3
    assert all(c.font.b for c in hasil[1]) and not hasil["B2"].font.b
    assert hasil.freeze_panes == "B2" and hasil.auto_filter.ref == "A1:S3"
    assert rincian.freeze_panes == "B2" and penolakan.freeze_panes == "A2"
    assert hasil.column_dimensions["A"].width == 21  # NIP
    # Q, feedback: the longest line, "Lengkapi penilaian" (18), + 2; wrapped
    assert hasil.column_dimensions["Q"].width == len("Lengkapi penilaian") + 2
    assert hasil["Q2"].alignment.wrap_text and not hasil["B2"].alignment.wrap_text
    assert wb.properties.created == wb.properties.modified == dt.datetime(2000, 1, 1)
    with zipfile.ZipFile(tmp_path / "hasil.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"


def test_xlsx_numbers_keep_the_rules_precision(tmp_path: Path) -> None:
    row = {"nip": A, "nama": "Ani", "score": -1.23456789, "kinerja": 1 / 3}
    write_run(run_of([row], components=(KINERJA,)), tmp_path / "a.xlsx", "xlsx")
    hasil = sheets(tmp_path / "a.xlsx")["results"]
    # columns: NIP, Name, Position, Work unit, Nilai kinerja (E), Score (F), ...;
    # 1/3 to 9 decimals (round(1/3, 9)); the score has only 8
    assert hasil[1][4] == 0.333333333 and hasil[1][5] == -1.23456789


def test_xlsx_splits_sheets_over_the_row_limit(tmp_path: Path) -> None:
    run = sample_run()
    whole = sheets(write_run(run, tmp_path / "whole.xlsx", "xlsx")[0])
    split = write_run(run, tmp_path / "split.xlsx", "xlsx", xlsx_max_rows=6)
    got = sheets(split[0])
    # rincian has 16 data rows: 5 + 5 + 5 + 1 under a header each (6 rows a sheet);
    # info has 13 (11 fields, rows_in with 2 sheets counts 2): 5 + 5 + 3
    assert list(got) == [
        "results", "details", "details (2)", "details (3)", "details (4)", "rejects",
        "info", "info (2)", "info (3)",
    ]  # fmt: skip
    parts = [got[n] for n in got if n.startswith("details")]
    assert [len(p) for p in parts] == [6, 6, 6, 2]
    assert all(p[0] == ["NIP", "Kind", "Item", "Value", "Detail"] for p in parts)
    assert [row for p in parts for row in p[1:]] == whole["details"][1:]
    wb = openpyxl.load_workbook(split[0])
    assert wb["details (4)"].auto_filter.ref == "A1:E2"
    assert wb["details (4)"].freeze_panes == "B2"
    with pytest.raises(ValueError, match="max_rows"):
        write_run(run, tmp_path / "x.xlsx", "xlsx", xlsx_max_rows=1)


def test_xlsx_hasil_split_exactly_at_the_limit(tmp_path: Path) -> None:
    run = sample_run()
    got = sheets(write_run(run, tmp_path / "a.xlsx", "xlsx", xlsx_max_rows=2)[0])
    assert [got["results"][1][0], got["results (2)"][1][0]] == [A, B]
    assert len(got["results"]) == len(got["results (2)"]) == 2
    # info: 13 rows (11 fields, rows_in's 2 sheets counting 2), one a sheet
    assert "rejects (2)" in got and "info (13)" in got and "info (14)" not in got


def test_xlsx_reads_with_calamine(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    write_run(sample_run(), tmp_path / "a.xlsx", "xlsx", xlsx_max_rows=6)
    book = CalamineWorkbook.from_path(str(tmp_path / "a.xlsx"))
    assert book.sheet_names[1:3] == ["details", "details (2)"]
    rows = book.get_sheet_by_name("details").to_python()
    assert rows[1][:4] == [A, "indicator", "IKU1", 95.5]


# --------------------------------------------------------------------- Parquet


def test_parquet_round_trip(tmp_path: Path) -> None:
    run = sample_run()
    files = write_run(run, tmp_path / "hasil.parquet", "parquet")
    assert [p.name for p in files] == [
        "hasil.parquet", "hasil-rejects.csv", "hasil-indicators.parquet", "hasil-aspects.parquet",
        "hasil-groups.parquet", "hasil-notes.parquet", "hasil-stages.parquet",
        "hasil-flags.parquet", "hasil-feedback.parquet", "hasil-recommendations.parquet",
        "hasil-audit.parquet",
    ]  # fmt: skip
    table = pl.read_parquet(files[0])
    assert table.columns == HEADER
    assert table.schema["score"] == pl.Float64 and table.schema["lulus"] == pl.Boolean
    assert table.schema["capaian.IKU2.2"] == pl.Float64
    assert table.row(0) == (
        A, "Ani", "Analis", "Umum", 89.3, "Baik", "final", "1 of 2", 89.3, True, 95.5, 4.0,
        None, None, "Pertahankan | Bagus", "Layak promosi", "",
    )  # fmt: skip
    meta = pl.read_parquet_metadata(files[0])
    assert json.loads(meta["kinerja.run"])["rows_in"] == {"pegawai": 3, "capaian": 3}
    for path in files[2:]:
        name = path.stem.removeprefix("hasil-")
        assert pl.read_parquet(path).equals(getattr(run, name)), name
    assert read_csv(files[1])[1][0] == "pegawai"


def test_parquet_keeps_full_precision_and_raw_text(tmp_path: Path) -> None:
    row = {"nip": A, "nama": "=1+1", "score": 1 / 3}
    path = write_run(run_of([row]), tmp_path / "a.parquet", "parquet")[0]
    assert pl.read_parquet(path).row(0)[1:5] == ("=1+1", None, None, 1 / 3)


# --------------------------------------------------------------------- every format


@pytest.mark.parametrize("fmt", FORMATS)
def test_byte_identical_for_the_same_run(tmp_path: Path, fmt: str) -> None:
    one = write_run(sample_run(), tmp_path / "a" / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    two = write_run(sample_run(), tmp_path / "b" / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    assert len(one) == len(two) >= 2
    for x, y in zip(one, two, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_the_files_of_the_run_are_left(tmp_path: Path, fmt: str) -> None:
    files = write_run(sample_run(), tmp_path / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    write_run(sample_run(), tmp_path / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    assert sorted(tmp_path.iterdir()) == sorted(files)  # no lock, claim or temporary file


def _risky_run(text: str, reason: str) -> F.RunOutput:
    row = {"nip": A, "nama": text, "score": 1.0}
    return run_of(
        [row],
        rejects=[("penilaian", 7, "1", reason, "catatan")],
        feedback=[(A, text)],
        stages=[(A, "s", text, "done", "")],
    )


@pytest.mark.parametrize("text", ["=1+1", "+62 811", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_looking_text(tmp_path: Path, text: str) -> None:
    run = _risky_run(text, text)
    write_run(run, tmp_path / "r.csv", "csv")
    row = read_csv(tmp_path / "r.csv")[1]
    assert row[1] == "'" + text and read_csv(tmp_path / "r-rejects.csv")[1][4] == "'" + text
    write_run(run, tmp_path / "r.xlsx", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    shown = text.replace("\r", "\n")  # XML reads a lone CR as a line feed
    for cell in (wb["results"]["B2"], wb["details"]["E2"], wb["rejects"]["E2"]):
        assert (cell.value, cell.data_type) == (shown, "s")
    write_run(run, tmp_path / "r.json", "json")
    assert json.loads((tmp_path / "r.json").read_text())["results"][0]["nama"] == text


def test_control_characters(tmp_path: Path) -> None:
    run = _risky_run("Ani\x01 Les\x0btari\x1f <&>", "catatan '\x07' is odd")
    write_run(run, tmp_path / "r.xlsx", "xlsx")
    got = sheets(tmp_path / "r.xlsx")
    assert got["results"][1][1] == "Ani Lestari <&>"
    assert got["rejects"][1][4] == "catatan '' is odd"
    assert read_csv(tmp_path / "r-rejects.csv")[1][4] == "catatan '\x07' is odd"
    write_run(run, tmp_path / "r.json", "json")
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["results"][0]["nama"] == "Ani\x01 Les\x0btari\x1f <&>"


def test_white_space_at_the_ends_of_xlsx_text_is_kept(tmp_path: Path) -> None:
    write_run(_risky_run("  Ani ", "x"), tmp_path / "r.xlsx", "xlsx")
    assert sheets(tmp_path / "r.xlsx")["results"][1][1] == "  Ani "


def test_lone_surrogates_only_in_run_metadata(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        pl.Series(["Ani \ud800"])  # frames cannot hold one: only RunInfo's text can
    run = sample_run()
    run.info = dataclasses.replace(INFO, input="in\udcff.xlsx")  # an undecodable file name
    write_run(run, tmp_path / "r.json", "json")
    assert json.loads((tmp_path / "r.json").read_text())["run"]["input"] == "in?.xlsx"
    write_run(run, tmp_path / "r.xlsx", "xlsx")
    assert ["input", "in\ufffd.xlsx"] in sheets(tmp_path / "r.xlsx")["info"]
    write_run(run, tmp_path / "r.parquet", "parquet")
    meta = pl.read_parquet_metadata(tmp_path / "r.parquet")["kinerja.run"]
    assert json.loads(meta)["input"] == "in?.xlsx"


@pytest.mark.parametrize("fmt", FORMATS)
def test_rejects_written_even_when_there_are_none(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"out.{fmt}"
    write_run(run_of([]), path, fmt)  # type: ignore[arg-type]
    assert read_csv(rejects_path(path)) == [["sheet", "row", "nip", "column", "reason"]]


# --------------------------------------------------------------------- pairs and locks


def _stale(path: Path, run_id: str = "0" * 32) -> list[Path]:
    """The temporary files a run killed while writing ``path`` leaves behind."""
    left = [
        path.with_name(f".{path.name}.{run_id}.tmp"),
        path.with_name(f".{rejects_path(path).name}.{run_id}.tmp"),
        path.with_name(f".{path.name}.{run_id}.claim"),
    ]
    for p in left:
        p.write_bytes(b"half")
    return left


def test_left_behind_temporary_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    _stale(out)
    other = tmp_path / ".lain.csv.{}.tmp".format("1" * 32)  # another output's: kept
    other.write_bytes(b"x")
    write_run(sample_run(), out, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["hasil.csv", "hasil-rejects.csv", other.name]
    )


def test_a_running_writers_temporary_files_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    left = _stale(out, "2" * 32)
    fd = os.open(left[-1], os.O_RDWR)
    try:
        assert lock(fd, blocking=False)  # the claim is held: that run is alive
        write_run(sample_run(), out, "csv")
        assert all(p.exists() for p in left)
    finally:
        os.close(fd)
    write_run(sample_run(), out, "csv")  # its holder has gone: now they are removed
    assert not any(p.exists() for p in left)


def test_killed_run_leaves_only_temporary_files_and_the_next_run_removes_them(
    tmp_path: Path,
) -> None:
    out = tmp_path / "hasil.csv"
    write_run(sample_run(), out, "csv")
    before = out.read_bytes(), rejects_path(out).read_bytes()
    script = (
        "import sys, time, polars as pl\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import test_write as t\n"
        "from kinerja.output import writers as w\n"
        "def slow(run, fh):\n"
        "    fh.write(b'half'); fh.flush(); print('writing', flush=True); time.sleep(60)\n"
        "w.write_results_csv = slow\n"
        f"w.write_run(t.sample_run(), {str(out)!r}, 'csv')\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None and child.stdout.readline() == "writing\n"
        finally:
            child.send_signal(signal.SIGKILL)
    left = {p.name for p in tmp_path.iterdir()} - {"hasil.csv", "hasil-rejects.csv"}
    assert left and all(n.startswith((".hasil.csv.", ".hasil-rejects.csv.")) for n in left)
    assert (out.read_bytes(), rejects_path(out).read_bytes()) == before  # untouched
    write_run(sample_run(), out, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil-rejects.csv", "hasil.csv"]


def _tagged(tag: str) -> F.RunOutput:
    row = {"nip": A, "nama": tag, "score": 1.0}
    return run_of([row], rejects=[("pegawai", 3, "1", tag, None)])


def test_two_runs_writing_the_same_output_leave_a_pair(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    seen: list[tuple[str, str]] = []
    stop = threading.Event()

    def writer(tag: str) -> None:
        for _ in range(8):
            write_run(_tagged(tag), out, "csv")

    def reader() -> None:
        while not stop.is_set():
            with locked(tmp_path / ".hasil.csv.lock"):  # between two commits
                if out.exists():
                    seen.append((read_csv(out)[1][1], read_csv(rejects_path(out))[1][4]))

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("A", "B")]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    final = read_csv(out)[1][1], read_csv(rejects_path(out))[1][4]
    assert final in {("A", "A"), ("B", "B")}
    assert seen and all(results == rejects for results, rejects in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil-rejects.csv", "hasil.csv"]


def test_failed_results_leave_the_previous_pair(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "hasil.json"
    write_run(_tagged("old"), out, "json")
    before = out.read_bytes(), rejects_path(out).read_bytes()

    def broken(run: object, fh: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("kinerja.output.writers.write_json", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_run(_tagged("new"), out, "json")
    assert (out.read_bytes(), rejects_path(out).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil-rejects.csv", "hasil.json"]


def test_a_failing_workbook_write_raises_its_own_error(tmp_path: Path, monkeypatch) -> None:
    import kinerja.output.write_xlsx as xlsx

    out = tmp_path / "hasil.xlsx"
    write_run(_tagged("old"), out, "xlsx")
    before = out.read_bytes()
    real, calls = xlsx._rows_xml, []

    def full(*args: object) -> bytes:
        calls.append(1)
        if len(calls) == 2:  # the disk fills up while rincian is written
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(xlsx, "_rows_xml", full)
    with pytest.raises(OSError, match="No space left"):
        write_run(_tagged("new"), out, "xlsx")
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil-rejects.csv", "hasil.xlsx"]


def test_unmovable_rejects_leave_the_previous_results(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    write_run(_tagged("old"), out, "csv")
    rejects_path(out).unlink()
    rejects_path(out).mkdir()  # the rejects cannot be moved into place
    with pytest.raises(IsADirectoryError) as caught:
        write_run(_tagged("new"), out, "csv")
    assert caught.value.filename2 == str(rejects_path(out))
    assert read_csv(out)[1][1] == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hasil-rejects.csv", "hasil.csv"]


def test_unmovable_results_leave_the_new_rejects_alone(tmp_path: Path) -> None:
    out = tmp_path / "hasil.csv"
    out.mkdir()
    with pytest.raises(IsADirectoryError):
        write_run(_tagged("new"), out, "csv")
    assert read_csv(rejects_path(out))[1][4] == "new"  # rejects first: never results alone


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown output format 'pdf'"):
        write_run(sample_run(), tmp_path / "x.pdf", "pdf")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------- numbers


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.none(), max_size=30))
def test_number_text_is_pythons_round(values: list[float | None]) -> None:
    shown = number_text(pl.Series(values, dtype=pl.Float64)).to_list()
    assert shown == [
        None if v is None or not math.isfinite(v) else number_text_one(v) for v in values
    ]


@pytest.mark.parametrize(
    ("x", "text"),
    [(3.0, "3"), (-0.0, "0"), (0.00005, "0.0001"), (1.03125, "1.0312"), (2.675, "2.675"),
     (-1.23456789, "-1.2346"), (1e15, "1000000000000000.0"), (1e16, "1e+16"),
     (123456789012.34567, "123456789012.3457")],
)  # fmt: skip
def test_number_text_examples(x: float, text: str) -> None:
    # 1.03125 is a tie in binary too: half-even gives ...12; 0.00005 lies just above the tie
    assert number_text(pl.Series([x])).item() == text == number_text_one(x)


# --------------------------------------------------------------------- today's writers


def legacy_run(**changes: object) -> M.RunOutput:
    """Today's object run with the same content as :func:`sample_run`."""
    g = M.GroupScore
    ani = M.Result(
        A, "Ani", "Analis", "Umum",
        values={"masa_kerja": 12, "IKU1": 95.5, "achievement_mean": 95.5, "indicator_count": 1,
                "integritas": 4.0, "kinerja": 89.3, "lulus": True, "score": 89.3,
                "predikat": "Baik"},
        indicators=[
            M.IndicatorResult("IKU1", "Layanan", "normal", 100.0, 95.5, None, 95.5, -4.5, 1.0),
        ],
        aspects=[M.AspectResult("integritas", "Integritas", 4.0,
                                [g("supervisor", 1, 4.0, 0.6, 0.6, "used"),
                                 g("peer", 0, None, 0.4, 0.0, "absent")],
                                [f"supervisor {B}: teliti", "peer: rapi"], True)],
        components=[M.ComponentValue("kinerja", KINERJA.label, 89.3, KINERJA.expr,
                                     {"achievement_mean": 95.5, "integritas": 4.0}),
                    M.ComponentValue("lulus", "Lulus", True, "kinerja >= 76", {"kinerja": 89.3})],
        score=89.3, predikat="Baik", feedback=["Pertahankan", "Bagus"],
        recommendations=[M.Recommendation("promotion", "Layak promosi")],
        stages=[M.StageState("atasan", "Penilaian atasan", "done")],
        audit=[M.AuditEntry("keberatan", "Cukup", "Baik", B, "2024-03-10", "bukti baru",
                            "keberatan row 2")],
        peer_rank="1 of 2",
    )  # fmt: skip
    return M.RunOutput(INFO, [ani], [M.Reject("pegawai", 4, "123", "NIP has 3 digits", "nip")])


def _legacy():
    sys.path.insert(0, str(Path(__file__).parent))
    import _legacy_writers

    return _legacy_writers


def _by_sheet_and_row(legacy: M.RunOutput) -> M.RunOutput:
    """``legacy`` with its rejects as the writers order them: by sheet (the engine's
    sheets in their order, then any other by name), then row; ties keep their order."""
    known = {sheet: i for i, sheet in enumerate(("pegawai", "capaian", "penilaian", "keberatan"))}

    def key(reject: M.Reject) -> tuple[int, str, int]:
        return (known.get(reject.sheet, len(known)), reject.sheet, reject.row)

    return dataclasses.replace(legacy, rejects=sorted(legacy.rejects, key=key))


def _tidy(value: object) -> object:
    """Every float inside ``value`` (a JSON document) as ``round(x, 9)``."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    return value


def assert_same_as_today(legacy: M.RunOutput, where: Path, formats: tuple[str, ...]) -> None:
    """The new writers, given the converted run, write what today's writers write, with
    three deliberate changes: rejects by sheet and row, JSON numbers to the rules'
    precision (``round(x, 9)``), and the workbook laid out for people (see
    :func:`assert_same_workbook`)."""
    old, new = where / "old", where / "new"
    run = frame_run(legacy)
    legacy = _by_sheet_and_row(legacy)
    for fmt in formats:
        _legacy().write_run(legacy, old / f"r.{fmt}", fmt)
        write_run(run, new / f"r.{fmt}", fmt)  # type: ignore[arg-type]
    assert (new / "r-rejects.csv").read_bytes() == (old / "r-rejects.csv").read_bytes()
    if "csv" in formats:
        assert (new / "r.csv").read_bytes() == (old / "r.csv").read_bytes()
    if "json" in formats:
        mine, today = (json.loads((d / "r.json").read_bytes()) for d in (new, old))
        for result, was in zip(mine["results"], today["results"], strict=True):
            # a named value an employee has none of is null here, absent today
            assert set(was["values"]) <= set(result["values"])
            was["values"] = {k: was["values"].get(k) for k in result["values"]}
        assert mine == _tidy(today)
    if "xlsx" in formats:
        assert_same_workbook(run, sheets(new / "r.xlsx"), sheets(old / "r.xlsx"))


_TODAYS_SHEETS = {"rincian": "details", "penolakan": "rejects", "info": "info"}


def assert_same_workbook(run: F.RunOutput, mine: dict, today: dict) -> None:
    """Today's cells in the new workbook: the details, rejects and info rows as they were
    (under English headers); the results sheet with today's columns in the new order,
    each status as its label and each feedback item on its own line. Numbers: today's
    were rounded to 4 decimals, the new ones keep 9."""
    from kinerja.output.write_frames import JOIN, indexed
    from kinerja.output.write_wide import with_keys
    from kinerja.output.xlsx_results import results_layout

    blank = {"": None}  # today's openpyxl writes an empty text as an empty text cell
    today = {
        name: [[blank.get(v, v) if isinstance(v, str) else v for v in row] for row in rows]
        for name, rows in today.items()
    }
    assert list(mine) == ["results", *_TODAYS_SHEETS.values()]
    for was, now in _TODAYS_SHEETS.items():
        assert len(mine[now]) == len(today[was]), now
        for a, b in zip(mine[now][1:], today[was][1:], strict=True):
            assert _same_row(a, b), (now, a, b)
    columns = results_layout(with_keys(indexed(run))).columns
    old_header = today["hasil"][0]
    labels = {"final": "Final", "provisional": "Provisional"}
    for j, column in enumerate(columns):
        if column not in old_header:  # golongan, atasan_nip: none in today's runs
            assert all(row[j] is None for row in mine["results"][1:]), column
            continue
        k = old_header.index(column)
        for a, b in zip(mine["results"][1:], today["hasil"][1:], strict=True):
            now, was = a[j], b[k]
            if column == "status":
                was = labels.get(was, was)
            elif column in ("feedback", "recommendations", "flags") and now is not None:
                now, was = now.replace("\n", JOIN), was.replace("\n", JOIN)
            assert _same_row([now], [was]), (column, now, was)


def _same_row(mine: list[object], today: list[object]) -> bool:
    """The same cells, a number within half a unit of today's 4th decimal."""
    return len(mine) == len(today) and all(
        math.isclose(a, b, rel_tol=1e-15, abs_tol=5.0001e-5)
        if type(a) in (int, float) and type(b) in (int, float)
        else a == b
        for a, b in zip(mine, today, strict=True)
    )


def test_same_content_as_todays_writers(tmp_path: Path) -> None:
    assert_same_as_today(legacy_run(), tmp_path, ("csv", "json", "xlsx"))


def test_converted_sample_is_the_sample(tmp_path: Path) -> None:
    mine = frame_run(legacy_run())
    assert mine.results.row(0, named=True)["masa_kerja"] == 12.0
    write_run(mine, tmp_path / "a.csv", "csv")
    one = sample_run()
    one.results = one.results.head(1)
    write_run(one, tmp_path / "b.csv", "csv")
    assert read_csv(tmp_path / "a.csv")[1] == read_csv(tmp_path / "b.csv")[1]


_texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from('=+-@\t\r\n",;|'),
    max_size=8,
)
_numbers = (
    st.floats(-1e20, 1e20)  # beyond, openpyxl's 16 digits overflow to inf
    | st.integers(-(10**6), 10**6).map(lambda n: n / 8)
    | st.sampled_from([0.00005, 1.03125, 2.675, 1e15, 1e16, -0.0])
)
_maybe = st.none() | _numbers


def _indicator(draw: st.DrawFn, code: str) -> M.IndicatorResult:
    n = _numbers
    return M.IndicatorResult(
        code, draw(_texts), "normal", draw(n), draw(n), draw(_maybe), draw(n), draw(n), draw(n)
    )


def _aspect(draw: st.DrawFn, code: str) -> M.AspectResult:
    groups = draw(st.lists(st.sampled_from(["peer", "supervisor"]), max_size=2, unique=True))
    scores = [
        M.GroupScore(
            g, draw(st.integers(0, 5)), draw(_maybe), draw(_numbers), draw(_numbers), "used"
        )
        for g in groups
    ]
    notes = draw(st.lists(_texts, max_size=2))
    return M.AspectResult(code, draw(_texts), draw(_maybe), scores, notes, draw(st.booleans()))


def _result(draw: st.DrawFn, i: int, n: int, comps: list[M.ComponentValue]) -> M.Result:
    codes = draw(st.lists(st.sampled_from(["IKU1", "IKU2", "IKU3"]), max_size=3))
    aspects = draw(st.lists(st.sampled_from(["a1", "a2"]), max_size=2, unique=True))
    score, predikat = draw(_maybe), draw(st.none() | _texts)
    values = {"x": comps[0].inputs["x"], "k": comps[0].value, "t": comps[1].value}
    flags = draw(st.lists(st.tuples(_texts, _texts), max_size=1))
    return M.Result(
        f"{i:018d}",
        draw(_texts),
        draw(_texts),
        draw(_texts),
        values={**values, "score": score, "predikat": predikat},
        indicators=[_indicator(draw, c) for c in codes],
        aspects=[_aspect(draw, c) for c in aspects],
        components=comps,
        score=score,
        predikat=predikat,
        feedback=draw(st.lists(_texts, max_size=2)),
        recommendations=[M.Recommendation("r", t) for t in draw(st.lists(_texts, max_size=1))],
        stages=[M.StageState("s", draw(_texts), "done", draw(_texts))],
        flags=[M.Flag(code, message, "info") for code, message in flags],
        peer_rank=draw(st.none() | st.just(f"{i + 1} of {n}")),
    )


@st.composite
def legacy_runs(draw: st.DrawFn) -> M.RunOutput:
    """Today's object runs with random text and numbers; every result has the same
    components (as every appraised employee has), with values of one type each."""
    n = draw(st.integers(0, 4))
    label, expr, boolean = draw(_texts), draw(_texts), draw(st.booleans())
    results = []
    for i in range(n):
        value = draw(st.booleans()) if boolean else draw(_maybe)
        comps = [
            M.ComponentValue("k", label, value, expr, {"x": draw(_maybe)}),
            M.ComponentValue("t", "T", draw(st.none() | _texts), "band(k)", {"k": value}),
        ]
        results.append(_result(draw, i, n, comps))
    reject = st.builds(
        M.Reject, _texts, st.integers(0, 9), st.none() | _texts, _texts, st.none() | _texts
    )
    return M.RunOutput(INFO, results, draw(st.lists(reject, max_size=2)))


_RANDOM = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)


@settings(_RANDOM, max_examples=12)
@given(legacy_runs())
def test_same_text_as_todays_writers_on_random_runs(tmp_path_factory, legacy) -> None:
    assert_same_as_today(legacy, tmp_path_factory.mktemp("r"), ("csv", "json"))


@settings(_RANDOM, max_examples=3)
@given(legacy_runs())
def test_same_cells_as_todays_workbook_on_random_runs(tmp_path_factory, legacy) -> None:
    assert_same_as_today(legacy, tmp_path_factory.mktemp("r"), ("xlsx",))
