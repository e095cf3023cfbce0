"""Shared helpers for the region tests: build small input tables in code and appraise them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import polars as pl

from kinerja.authoring import sample
from kinerja.frames import RunOutput
from kinerja.input.tables import Tables
from kinerja.manager import make_manager
from kinerja.model import Result
from kinerja.output.views import results_of
from kinerja.pipeline import appraise_tables
from kinerja.regions import load_region_rules
from kinerja.rules import RuleSet

Row = dict[str, object]


def nip(seq: int, birth: str = "19800101", appointed: str = "200501", sex: str = "1") -> str:
    """A valid 18-digit NIP: birth date, appointment year-month, sex, 3-digit sequence."""
    return f"{birth}{appointed}{sex}{seq:03d}"


@cache
def rules_for(region: str) -> RuleSet:
    """The installed region's rule set (loaded once per test session)."""
    return load_region_rules(make_manager(), region)


def pegawai(
    n: str, nama: str, unit: str = "Dinas Kesehatan", atasan: str | None = None, **extra: object
) -> Row:
    """One pegawai row; ``extra`` holds the region's declared input columns."""
    return {
        "nip": n,
        "nama": nama,
        "jabatan": "Analis",
        "unit_kerja": unit,
        "golongan": "III/a",
        "atasan_nip": atasan,
        **extra,
    }


def capaian(n: str, indikator: str, target: float, realisasi: float, **extra: object) -> Row:
    return {"nip": n, "indikator": indikator, "target": target, "realisasi": realisasi, **extra}


def nilai(
    n: str,
    rater: str,
    group: str,
    scores: dict[str, float],
    tanggal: str | None = None,
    catatan: dict[str, str] | None = None,
) -> list[Row]:
    """One rater's penilaian rows for one employee: one row per aspect in ``scores``."""
    notes = catatan or {}
    return [
        {
            "nip": n,
            "penilai_nip": rater,
            "kelompok": group,
            "aspek": aspek,
            "nilai": value,
            "tanggal": tanggal,
            "catatan": notes.get(aspek),
        }
        for aspek, value in scores.items()
    ]


def run(
    region: str,
    pegawai_rows: Iterable[Row],
    capaian_rows: Iterable[Row] = (),
    penilaian_rows: Iterable[Row] = (),
    keberatan_rows: Iterable[Row] = (),
) -> tuple[RunOutput, dict[str, Result]]:
    """Appraise the given rows under the region's rules; return the run and results by NIP."""
    sheets = {
        "pegawai": list(pegawai_rows),
        "capaian": list(capaian_rows),
        "penilaian": list(penilaian_rows),
        "keberatan": list(keberatan_rows),
    }
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in sheets.items()},
        source="test",
    )
    rules = rules_for(region)
    out = appraise_tables(rules, tables, make_manager())
    return out, {r.nip: r for r in results_of(out)}


def component(result: Result, name: str) -> object:
    """The value of one named component of a result."""
    return next(c.value for c in result.components if c.name == name)


def aspect(result: Result, code: str):
    return next(a for a in result.aspects if a.code == code)


def group(result: Result, aspect_code: str, group_name: str):
    return next(g for g in aspect(result, aspect_code).groups if g.group == group_name)


def stages(result: Result) -> list[tuple[str, str]]:
    return [(s.id, s.status) for s in result.stages]


def flag_codes(result: Result) -> list[str]:
    return [f.code for f in result.flags]


def bias_codes(result: Result) -> list[str]:
    """Rater-bias flags only (without notes such as a missing rater group)."""
    return [f.code for f in result.flags if f.code.startswith("bias_")]


def recs(result: Result) -> list[tuple[str, str]]:
    return [(r.code, r.text) for r in result.recommendations]


def sample_reconciles(region: str) -> None:
    """``sample.generate`` data: employees in pegawai = results + employee rejects."""
    rules = rules_for(region)
    generated = sample.generate(rules, 30, seed=1)
    tables = Tables.from_rows(
        {name: list(enumerate(rows, start=2)) for name, rows in generated.items()},
        source="sample",
    )
    out = appraise_tables(rules, tables, make_manager())
    employee_rejects = out.rejects.filter(pl.col("sheet") == "pegawai").height
    assert len(generated["pegawai"]) == 30
    assert len(generated["pegawai"]) == out.results.height + employee_rejects
    assert out.info.employees_in == out.info.appraised + out.info.rejected_employees
    assert out.results.height > 0
