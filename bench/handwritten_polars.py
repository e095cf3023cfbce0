"""Hand-written polars pipelines for the built-in regions, as a speed baseline.

Each pipeline reads an input folder (Parquet or CSV files: ``pegawai``, ``capaian``,
``penilaian``, ``keberatan``) and computes every employee's score and predikat the way
the region's ``plugins/<region>/rules.yaml`` says, written out by hand: indicator
achievements by kind with their cap, the mean of the achievements weighted by
``bobot``, rater-group means, minimum rater counts, renormalised group weights, the
per-aspect weights, the components, the score and the bands (and, for Kutacane, the
objections decided in time). It does not import kinerja: it is what a data engineer
would write against the same files, and the benchmark checks that the engine agrees
with it on every employee before timing either.

It assumes valid input (the benchmark's synthetic data has no bad rows); an employee
whose score cannot be computed (no ratings at all, say) is left out, as the engine
rejects them.

Numbers follow the engine's documented semantics: every named value is tidied to 9
decimals exactly as Python's ``round(x, 9)`` does (:func:`tidy`; polars' own
``.round(9)`` differs on near-ties), sums run in the order the rules list their
terms, and a division is by a column, never by a scalar (polars multiplies by the
reciprocal there, which is not correctly rounded). Every region's score weights sum
to exactly 1.0 in floating point, so the weighted mean is its numerator.

Usage: ``python bench/handwritten_polars.py REGION FOLDER`` prints the time and the
first rows.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

Bands = Sequence[tuple[str, float | None]]
"""(label, inclusive minimum) from the highest band down; the last minimum is None."""
Weights = dict[str, dict[str, float]]
"""aspect -> {rater group: weight}, groups in the order the rules list them."""

NIP_COLUMNS = ("nip", "atasan_nip", "penilai_nip", "pemutus_nip")


# --------------------------------------------------------------------- numbers


def tidy_array(values: np.ndarray) -> np.ndarray:
    """``round(x, 9)`` for every x, exactly as Python computes it.

    ``x * 1e9`` is rounded to the nearest integer and divided by ``1e9`` (an IEEE
    division, correctly rounded, so the result is the double nearest the 9-decimal
    value, as Python's). The product carries an error below ``|y| * 2**-53``; where
    that could move it across a half (a near-tie), or it is too large to hold an exact
    integer, Python's own ``round`` decides.
    """
    scaled = values * 1e9
    whole = np.rint(scaled)
    margin = np.abs(np.abs(scaled - whole) - 0.5)
    doubtful = ~((margin > np.abs(scaled) * 2.0**-50) & (np.abs(scaled) < 2.0**52))
    out = whole / 1e9
    if doubtful.any():
        out[doubtful] = [round(float(v), 9) for v in values[doubtful]]
    return out


def _tidy_series(series: pl.Series) -> pl.Series:
    values = series.cast(pl.Float64).to_numpy()
    out = pl.Series(series.name, tidy_array(values.copy()))
    if series.null_count():
        out = pl.select(pl.when(series.is_not_null()).then(out)).to_series()
    return out.alias(series.name)


def tidy(expr: pl.Expr) -> pl.Expr:
    """The expression's values tidied to 9 decimals (see :func:`tidy_array`)."""
    return expr.map_batches(_tidy_series, return_dtype=pl.Float64)


def band(value: pl.Expr, bands: Bands) -> pl.Expr:
    """The label of the first band whose minimum ``value`` reaches."""
    label, minimum = bands[-1]
    out: pl.Expr = pl.lit(label)
    for label, minimum in reversed(bands[:-1]):
        out = pl.when(value >= minimum).then(pl.lit(label)).otherwise(out)
    return out


def mean_of(columns: Sequence[str]) -> pl.Expr:
    """The mean of the columns present in each row (added left to right); null if none."""
    total: pl.Expr = pl.lit(0.0)
    for name in columns:
        total = total + pl.col(name).fill_null(0.0)
    count = pl.sum_horizontal([pl.col(name).is_not_null() for name in columns]).cast(pl.Float64)
    return pl.when(count > 0).then(total / count)


# --------------------------------------------------------------------- reading


def read(folder: Path, name: str) -> pl.LazyFrame | None:
    """One table of the folder (``name.parquet`` or ``name.csv``), or None when absent."""
    parquet, text = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.exists():
        return pl.scan_parquet(parquet)
    if text.exists():
        return pl.scan_csv(text, infer_schema=False, encoding="utf8")
    return None


def numbers(frame: pl.LazyFrame, *columns: str) -> pl.LazyFrame:
    """``columns`` as Float64 (CSV gives text)."""
    present = frame.collect_schema().names()
    return frame.with_columns(pl.col(c).cast(pl.Float64) for c in columns if c in present)


def employees(folder: Path, *attributes: str) -> pl.LazyFrame:
    """nip (as a number, see :func:`nip_number`) and the named pegawai columns."""
    pegawai = read(folder, "pegawai")
    assert pegawai is not None, f"{folder} has no pegawai table"
    return pegawai.select(nip_number(), *attributes)


def nip_number() -> pl.Expr:
    """The nip column as Int64: 18 digits fit, and numbers group and join faster than
    text (valid input has no spaces in its NIPs; the result turns it back to text)."""
    return pl.col("nip").cast(pl.Int64)


# --------------------------------------------------------------------- outcomes


def achievement_mean(folder: Path, indicators: dict[str, tuple[str, float]]) -> pl.LazyFrame:
    """nip -> achievement_mean: each indicator's achievement by its kind, capped at its
    cap and tidied, then the mean weighted by bobot (default 1), tidied."""
    capaian = read(folder, "capaian")
    schema = pl.Schema({"nip": pl.Int64, "achievement_mean": pl.Float64})
    if capaian is None:
        return pl.LazyFrame(schema=schema)
    present = capaian.collect_schema().names()
    capaian = numbers(capaian, "target", "realisasi", "target_maks", "bobot")
    if "target_maks" not in present:
        capaian = capaian.with_columns(target_maks=pl.lit(None, pl.Float64))
    if "bobot" not in present:
        capaian = capaian.with_columns(bobot=pl.lit(1.0))
    kind = pl.col("indikator").replace_strict({c: k for c, (k, _) in indicators.items()})
    cap = pl.col("indikator").replace_strict({c: float(v) for c, (_, v) in indicators.items()})
    r, t, top = pl.col("realisasi"), pl.col("target"), pl.col("target_maks")
    normal = r * 100 / t
    inverse = (2 - r / t) * 100
    ranged = (
        pl.when((r >= t) & (r <= top))
        .then(pl.lit(100.0))
        .when(r > top)
        .then(r * 100 / top)
        .when(t == 0)
        .then(pl.lit(0.0))
        .otherwise(r * 100 / t)
    )
    raw = (
        pl.when(kind == "inverse")
        .then(inverse)
        .when((kind == "range") & top.is_not_null())
        .then(ranged)
        .otherwise(normal)
    )
    capped = pl.when(raw >= cap).then(cap).when(raw > 0).then(raw).otherwise(pl.lit(0.0))
    weight = pl.col("bobot").fill_null(1.0)
    rows = capaian.filter(pl.col("indikator").is_in(list(indicators))).with_columns(
        nip_number(), achievement=tidy(capped), weight=weight
    )
    summed = rows.group_by("nip", maintain_order=True).agg(
        # cum_sum adds in file order, as the rules' weighted mean does
        (pl.col("achievement") * pl.col("weight")).cum_sum().last().alias("numerator"),
        pl.col("weight").cum_sum().last().alias("denominator"),
    )
    return summed.select(
        "nip", tidy(pl.col("numerator") / pl.col("denominator")).alias("achievement_mean")
    )


# --------------------------------------------------------------------- ratings


def aspect_scores(folder: Path, weights: Weights, minimum: dict[str, int]) -> pl.LazyFrame:
    """nip -> one column per aspect: the groups' means (sum / ratings), each group
    counted only with at least its minimum of distinct raters, weighted by the aspect's
    weights renormalised over the groups that count; tidied. Null when no group counts."""
    penilaian = read(folder, "penilaian")
    assert penilaian is not None, f"{folder} has no penilaian table"
    tallies = (
        numbers(penilaian.select("nip", "penilai_nip", "kelompok", "aspek", "nilai"), "nilai")
        .with_columns(
            nip_number(),
            pl.col("kelompok").cast(pl.String).str.to_lowercase().cast(pl.Categorical),
            pl.col("aspek").cast(pl.Categorical),
        )
        .group_by("nip", "aspek", "kelompok")
        .agg(
            pl.col("nilai").sum().alias("total"),
            pl.len().alias("rows"),
            pl.col("penilai_nip").n_unique().alias("raters"),
        )
    )
    groups = list(minimum)
    wide = tallies.group_by("nip", "aspek").agg(
        expr
        for g in groups
        for expr in (
            pl.col("total").filter(pl.col("kelompok") == g).first().alias(f"{g}_total"),
            pl.col("rows").filter(pl.col("kelompok") == g).first().alias(f"{g}_rows"),
            pl.col("raters").filter(pl.col("kelompok") == g).first().alias(f"{g}_raters"),
        )
    )
    weight = {
        g: pl.col("aspek").replace_strict({a: w.get(g, 0.0) for a, w in weights.items()})
        for g in groups
    }
    used = {
        g: (pl.col(f"{g}_raters") >= minimum[g]).fill_null(False) & (weight[g] > 0) for g in groups
    }
    scored = wide.with_columns(
        pl.col(f"{g}_total") / pl.col(f"{g}_rows").cast(pl.Float64) for g in groups
    ).with_columns(
        _sum(pl.when(used[g]).then(weight[g]).otherwise(0.0) for g in groups).alias("_weight")
    )
    score = _sum(
        pl.when(used[g]).then(weight[g] / pl.col("_weight") * pl.col(f"{g}_total")).otherwise(0.0)
        for g in groups
    )
    per_aspect = scored.select(
        "nip", "aspek", pl.when(pl.col("_weight") > 0).then(tidy(score)).alias("score")
    )
    return per_aspect.group_by("nip").agg(
        pl.col("score").filter(pl.col("aspek") == a).first().alias(a) for a in weights
    )


def _sum(terms: object) -> pl.Expr:
    total: pl.Expr = pl.lit(0.0)
    for term in terms:  # type: ignore[attr-defined]
        total = total + term
    return total


# --------------------------------------------------------------------- objections


def objections(folder: Path, result: pl.LazyFrame, window: int) -> pl.LazyFrame:
    """The predikat after objections filed within ``window`` days and decided ``ubah``."""
    keberatan = read(folder, "keberatan")
    if keberatan is None:
        return result
    keberatan = keberatan.with_columns(pl.col("nip").cast(result.collect_schema()["nip"]))
    days = (
        pl.col("tanggal_ajuan").cast(pl.String).str.to_date()
        - pl.col("tanggal_terima").cast(pl.String).str.to_date()
    ).dt.total_days()
    changed = (
        keberatan.filter(
            days.is_between(0, window)
            & (pl.col("keputusan").str.strip_chars().str.to_lowercase() == "ubah")
        )
        .group_by("nip", maintain_order=True)
        .agg(pl.col("predikat_baru").last().alias("_changed"))
    )
    return (
        result.join(changed, on="nip", how="left", maintain_order="left")
        .with_columns(predikat=pl.coalesce("_changed", "predikat"))
        .drop("_changed")
    )


# --------------------------------------------------------------------- the regions


def _finish(frame: pl.LazyFrame) -> pl.DataFrame:
    """Employees with a score, in pegawai order, their NIPs as text again."""
    scored = frame.filter(pl.col("score").is_not_null()).with_columns(pl.col("nip").cast(pl.String))
    return scored.collect(engine="streaming")


CAPAIAN_BANDS: Bands = (
    ("Sangat Baik", 110),
    ("Baik", 90),
    ("Cukup", 70),
    ("Kurang", 50),
    ("Sangat Kurang", None),
)


def asemrowo(folder: Path) -> pl.DataFrame:
    """Score = achievement mean; Sangat Baik needs a documented innovation (PP 30/2019)."""
    indicators = {
        "partisipasi_sekolah": ("normal", 120),
        "kepuasan_kesehatan": ("normal", 120),
        "waktu_izin": ("inverse", 120),
        "realisasi_program": ("normal", 120),
    }
    people = numbers(employees(folder, "inovasi"), "inovasi")
    values = people.join(achievement_mean(folder, indicators), on="nip", how="left")
    hasil = pl.col("achievement_mean")
    kategori = band(hasil, CAPAIAN_BANDS)
    return _finish(
        values.with_columns(score=tidy(hasil), kategori=kategori).with_columns(
            predikat=pl.when(
                (pl.col("kategori") == "Sangat Baik") & (pl.col("inovasi").fill_null(0) < 1)
            )
            .then(pl.lit("Baik"))
            .otherwise("kategori")
        )
    )


KASEMEN_WEIGHTS: Weights = {
    "pengetahuan_teknis": {"supervisor": 0.625, "peer": 0.375},
    "komunikasi": {"supervisor": 0.5, "peer": 0.3, "citizen": 0.2},
    "sikap_pelayanan": {"supervisor": 0.5, "peer": 0.3, "citizen": 0.2},
    "integritas": {"supervisor": 0.625, "peer": 0.375},
}
NILAI_BANDS: Bands = (
    ("Sangat Baik", 90),
    ("Baik", 76),
    ("Butuh Perbaikan", 61),
    ("Kurang", 51),
    ("Sangat Kurang", None),
)


def kasemen(folder: Path) -> pl.DataFrame:
    """60% competency (four aspects, 1-5 as 20-100) + 40% work results; bands."""
    indicators = {"target_layanan": ("normal", 120), "target_administrasi": ("normal", 120)}
    minimum = {"supervisor": 1, "peer": 2, "citizen": 5}
    values = (
        employees(folder)
        .join(achievement_mean(folder, indicators), on="nip", how="left")
        .join(aspect_scores(folder, KASEMEN_WEIGHTS, minimum), on="nip", how="left")
    )
    kompetensi = tidy(mean_of(list(KASEMEN_WEIGHTS)) * 20)
    score = pl.col("kompetensi") * 0.6 + pl.col("achievement_mean") * 0.4
    return _finish(
        values.with_columns(kompetensi=kompetensi)
        .with_columns(score=tidy(score))
        .with_columns(predikat=band(pl.col("score"), NILAI_BANDS))
    )


PP46_BANDS: Bands = (
    ("Sangat Baik", 91),
    ("Baik", 76),
    ("Cukup", 61),
    ("Kurang", 51),
    ("Buruk", None),
)


def kutacane(folder: Path) -> pl.DataFrame:
    """50% service output + 30% supervisor-rated quality + 20% attendance; PP 46/2011
    bands; objections within 14 days change the predikat."""
    indicators = {"pasien_dilayani": ("normal", 120), "layanan_selesai": ("normal", 120)}
    weights = {a: {"supervisor": 1.0} for a in ("kualitas_layanan", "komunikasi", "tanggung_jawab")}
    people = numbers(employees(folder, "hari_kerja", "hari_hadir"), "hari_kerja", "hari_hadir")
    values = people.join(achievement_mean(folder, indicators), on="nip", how="left").join(
        aspect_scores(folder, weights, {"supervisor": 1}), on="nip", how="left"
    )
    attendance = pl.col("hari_hadir") * 100 / pl.col("hari_kerja")
    kehadiran = tidy(
        pl.when(attendance >= 100).then(100.0).when(attendance > 0).then(attendance).otherwise(0.0)
    )
    kualitas = tidy(mean_of(list(weights)) * 20)
    score = pl.col("achievement_mean") * 0.5 + pl.col("kualitas") * 0.3 + pl.col("kehadiran") * 0.2
    result = (
        values.with_columns(kehadiran=kehadiran, kualitas=kualitas)
        .with_columns(score=tidy(score))
        .with_columns(predikat=band(pl.col("score"), PP46_BANDS))
    )
    return _finish(objections(folder, result, 14))


SAWAHLUNTO_WEIGHTS: Weights = {
    a: {"supervisor": 0.4, "peer": 0.4, "subordinate": 0.2}
    for a in (
        "berorientasi_pelayanan",
        "akuntabel",
        "kompeten",
        "harmonis",
        "loyal",
        "adaptif",
        "kolaboratif",
    )
}
EXPECTATION = ("di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi")
MATRIX = {  # PermenPANRB 6/2022: (rating_hasil, rating_perilaku) -> predikat
    (EXPECTATION[0], EXPECTATION[0]): "Sangat Baik",
    (EXPECTATION[0], EXPECTATION[1]): "Baik",
    (EXPECTATION[0], EXPECTATION[2]): "Kurang/Misconduct",
    (EXPECTATION[1], EXPECTATION[0]): "Baik",
    (EXPECTATION[1], EXPECTATION[1]): "Baik",
    (EXPECTATION[1], EXPECTATION[2]): "Kurang/Misconduct",
    (EXPECTATION[2], EXPECTATION[0]): "Butuh Perbaikan",
    (EXPECTATION[2], EXPECTATION[1]): "Butuh Perbaikan",
    (EXPECTATION[2], EXPECTATION[2]): "Sangat Kurang",
}


def sawahlunto(folder: Path) -> pl.DataFrame:
    """Work results and BerAKHLAK behaviour, each banded, through the national matrix."""
    indicators = {
        "penyelesaian_proyek": ("normal", 120),
        "realisasi_anggaran": ("range", 120),
        "waktu_layanan": ("inverse", 120),
    }
    minimum = {"supervisor": 1, "peer": 2, "subordinate": 2}
    values = (
        employees(folder)
        .join(achievement_mean(folder, indicators), on="nip", how="left")
        .join(aspect_scores(folder, SAWAHLUNTO_WEIGHTS, minimum), on="nip", how="left")
    )
    hasil = pl.col("achievement_mean")
    rating_hasil = band(hasil, list(zip(EXPECTATION, (110, 90, None), strict=True)))
    rating_perilaku = band(pl.col("perilaku"), list(zip(EXPECTATION, (90, 70, None), strict=True)))
    predikat = pl.lit(None, pl.String)
    for (h, p), label in MATRIX.items():
        chosen = (pl.col("rating_hasil") == h) & (pl.col("rating_perilaku") == p)
        predikat = pl.when(chosen).then(pl.lit(label)).otherwise(predikat)
    score = hasil * 0.5 + pl.col("perilaku") * 0.5
    return _finish(
        values.with_columns(perilaku=tidy(mean_of(list(SAWAHLUNTO_WEIGHTS)) * 20))
        .with_columns(rating_hasil=rating_hasil, rating_perilaku=rating_perilaku, score=tidy(score))
        .with_columns(predikat=predikat)
    )


LAMPUNG_BANDS: Bands = (
    ("Sangat Baik", 90),
    ("Baik", 70),
    ("Butuh Perbaikan", 50),
    ("Kurang", 30),
    ("Sangat Kurang", None),
)


def lampung(folder: Path) -> pl.DataFrame:
    """Competency: self (0.2) and supervisor (0.8) on three aspects, 1-5 as 20-100."""
    weights = {
        a: {"self": 0.2, "supervisor": 0.8} for a in ("keterampilan", "pengetahuan", "sikap")
    }
    values = employees(folder).join(
        aspect_scores(folder, weights, {"self": 1, "supervisor": 1}), on="nip", how="left"
    )
    kompetensi = tidy(mean_of(list(weights)) * 20)
    return _finish(
        values.with_columns(kompetensi=kompetensi)
        .with_columns(score=pl.col("kompetensi"))
        .with_columns(predikat=band(pl.col("score"), LAMPUNG_BANDS))
    )


PIPELINES: dict[str, Callable[[Path], pl.DataFrame]] = {
    "asemrowo": asemrowo,
    "kasemen": kasemen,
    "kutacane": kutacane,
    "sawahlunto": sawahlunto,
    "lampung": lampung,
}
"""Region -> its pipeline: input folder -> one row per appraised employee, with the
named values (achievement_mean, aspects, components), ``score`` and ``predikat``."""


def main() -> None:
    region, folder = sys.argv[1], Path(sys.argv[2])
    start = time.perf_counter()
    result = PIPELINES[region](folder)
    print(f"{region}: {result.height:,} employees in {time.perf_counter() - start:.2f} s")
    print(result.select("nip", "score", "predikat").head())


if __name__ == "__main__":
    main()
