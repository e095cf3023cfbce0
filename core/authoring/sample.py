"""Deterministic synthetic input for any region, made from its rules alone.

The same region, size and seed always give the same tables, so examples, tests
and benchmarks are reproducible. Nothing here names a region: inputs, indicators,
aspects, rater groups, stages and objections are all read from the rule set.

Nobody rates themself outside the ``self`` group: the head of the organisation (the
one employee without a supervisor) gets their supervisor rating from an official
outside the data, the regional secretary (sekretaris daerah), whose NIP is generated
from its own random stream so the rest of the tables do not change with it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from kinerja.rules import RuleSet

UNITS = (
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Puskesmas Kota",
    "DPMPTSP",
    "Dinas Perhubungan",
    "Dinas Sosial",
    "Kecamatan Tengah",
    "BKPSDM",
)
POSTS = ("Analis", "Pengelola Layanan", "Perawat", "Guru", "Verifikator", "Pranata Komputer")
GOLONGAN = ("II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")
GIVEN = ("Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Nur", "Putri", "Hendra", "Yusuf")
FAMILY = ("Saputra", "Lestari", "Hidayat", "Wulandari", "Siregar", "Nasution", "Harahap", "Pane")

Tables = dict[str, list[dict[str, object]]]


def make_nip(rng: random.Random, used: set[str]) -> str:
    """A valid, unused 18-digit NIP: birth date, appointment month, sex, sequence."""
    while True:
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 35 * 365))
        appointed_year = min(born.year + rng.randint(21, 35), 2025)
        nip = (
            f"{born:%Y%m%d}{appointed_year}{rng.randint(1, 12):02d}"
            f"{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
        )
        if nip not in used:
            used.add(nip)
            return nip


def generate(rules: RuleSet, employees: int, seed: int = 1, bad_rows: int = 0) -> Tables:
    """Synthetic input tables for ``rules``: pegawai, capaian, penilaian, keberatan.

    :param rules: the region's rules; they decide which columns and records exist.
    :param employees: how many employees.
    :param seed: the random seed; the same seed gives the same tables.
    :param bad_rows: how many deliberately faulty rows to include, to show rejects.
    """
    rng = random.Random(f"{rules.region}:{seed}")
    used: set[str] = set()
    year = int(rules.valid_from[:4])
    stage_day = {
        s.id: date(year, 11, 1) + timedelta(days=10 * i) for i, s in enumerate(rules.stages)
    }
    group_day = {
        s.requires.partition(":")[2]: stage_day[s.id]
        for s in rules.stages
        if s.requires.startswith("ratings:")
    }
    people: list[dict[str, object]] = []
    level: dict[str, float] = {}
    for i in range(employees):
        nip = make_nip(rng, used)
        unit = UNITS[i % len(UNITS)] if i >= len(UNITS) else UNITS[i]
        row: dict[str, object] = {
            "nip": nip,
            "nama": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "jabatan": rng.choice(POSTS),
            "unit_kerja": unit,
            "golongan": rng.choice(GOLONGAN),
            "atasan_nip": None,
        }
        people.append(row)
        level[nip] = min(max(rng.gauss(0.7, 0.15), 0.05), 1.0)
    heads = {}
    for row in people:
        heads.setdefault(row["unit_kerja"], row["nip"])
    top = people[0]["nip"] if people else None
    for row in people:
        head = heads[row["unit_kerja"]]
        row["atasan_nip"] = head if row["nip"] != head else (top if row["nip"] != top else None)
    for row in people:
        row.update(_attributes(rules, rng, stage_day))
    by_unit: dict[object, list[str]] = {}
    for row in people:
        by_unit.setdefault(row["unit_kerja"], []).append(str(row["nip"]))
    subordinates: dict[object, list[str]] = {}
    for row in people:
        if row["atasan_nip"]:
            subordinates.setdefault(row["atasan_nip"], []).append(str(row["nip"]))

    secretary = make_nip(random.Random(f"{rules.region}:{seed}:sekda"), used)
    outcomes = _outcomes(rules, rng, people, level)
    ratings = _ratings(rules, rng, people, level, by_unit, subordinates, group_day, secretary)
    tables: Tables = {"pegawai": people, "capaian": outcomes, "penilaian": ratings}
    if rules.objection_window_days is not None:
        tables["keberatan"] = _objections(rules, rng, people, year)
    _spoil(tables, rng, bad_rows)
    return {name: rows for name, rows in tables.items() if rows or name == "pegawai"}


def _attributes(
    rules: RuleSet, rng: random.Random, stage_day: dict[str, date]
) -> dict[str, object]:
    values: dict[str, object] = {}
    dated = {
        s.requires.partition(":")[2]: stage_day[s.id]
        for s in rules.stages
        if s.requires.startswith("input:")
    }
    for name, spec in rules.inputs.items():
        sample = rules.data.get("inputs", {}).get(name, {}).get("sample")
        if spec.type == "number":
            low = sample[0] if sample else (spec.minimum if spec.minimum is not None else 0)
            high = sample[1] if sample else (spec.maximum if spec.maximum is not None else 100)
            whole = all(float(x).is_integer() for x in (low, high))
            values[name] = (
                rng.randint(int(low), int(high)) if whole else round(rng.uniform(low, high), 2)
            )
        elif spec.type == "date":
            day = dated.get(name, date(int(rules.valid_from[:4]), 12, 15))
            filled = spec.required or rng.random() < 0.9
            values[name] = (day + timedelta(days=rng.randint(0, 3))).isoformat() if filled else None
        else:
            values[name] = rng.choice(("ya", "tidak"))
    return values


def _outcomes(
    rules: RuleSet, rng: random.Random, people: list[dict[str, object]], level: dict[str, float]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    codes = list(rules.indicators)
    if not codes:
        return rows
    for person in people:
        nip = str(person["nip"])
        for code in rng.sample(codes, k=rng.randint(1, min(3, len(codes)))):
            kind = rules.indicators[code].kind
            performance = rng.gauss(0.75 + 0.4 * level[nip], 0.12)
            row: dict[str, object] = {"nip": nip, "indikator": code, "target_maks": None}
            if kind == "inverse":
                target = rng.randint(5, 20)
                row.update(target=target, realisasi=round(target * (2 - performance), 1))
            elif kind == "range":
                target = rng.randint(80, 90)
                row.update(target=target, target_maks=target + 10)
                row["realisasi"] = round(target * performance, 1)
            else:
                target = rng.choice((50, 100, 120, 250, 500))
                row.update(target=target, realisasi=round(target * performance, 1))
            row["bobot"] = rng.choice((1, 1, 1, 2))
            rows.append(row)
    return rows


def _ratings(
    rules: RuleSet,
    rng: random.Random,
    people: list[dict[str, object]],
    level: dict[str, float],
    by_unit: dict[object, list[str]],
    subordinates: dict[object, list[str]],
    group_day: dict[str, date],
    secretary: str,
) -> list[dict[str, object]]:
    """Ratings per rater group; ``secretary`` rates, as supervisor, whoever has no atasan."""
    rows: list[dict[str, object]] = []
    citizen_counter = 0
    for person in people:
        nip = str(person["nip"])
        for group_name, group in rules.rater_groups.items():
            count = group.min_count + rng.randint(0, 2)
            if rng.random() < 0.04:
                count = max(group.min_count - 1, 0)
            if group_name == "self":
                raters = [nip]
            elif group_name == "supervisor":
                raters = [str(person["atasan_nip"] or secretary)][: max(count, 1)]
            elif group_name == "peer":
                raters = [p for p in by_unit[person["unit_kerja"]] if p != nip][:count]
            elif group_name == "subordinate":
                raters = subordinates.get(nip, [])[:count]
            else:
                raters = []
                for _ in range(count):
                    citizen_counter += 1
                    raters.append(f"W{citizen_counter:07d}")
            if count == 0:
                raters = []
            day = group_day.get(group_name, date(int(rules.valid_from[:4]), 11, 20))
            for rater in raters:
                for aspect in rules.aspects.values():
                    if group_name not in aspect.groups:
                        continue
                    low, high = aspect.scale
                    bias = 0.1 if group_name == "self" else 0.0
                    value = low + (high - low) * min(level[nip] + bias + rng.gauss(0, 0.12), 1)
                    value = int(min(max(round(value), low), high))
                    note = ""
                    if group_name == "supervisor" and value <= low + (high - low) / 2 - 0.5:
                        note = f"{aspect.label}: perlu ditingkatkan, bahas contoh konkret."
                    rows.append(
                        {
                            "nip": nip,
                            "penilai_nip": rater,
                            "kelompok": group_name,
                            "aspek": aspect.code,
                            "nilai": value,
                            "tanggal": (day + timedelta(days=rng.randint(0, 3))).isoformat(),
                            "catatan": note or None,
                        }
                    )
    return rows


def _objections(
    rules: RuleSet, rng: random.Random, people: list[dict[str, object]], year: int
) -> list[dict[str, object]]:
    supervisor = {p["nip"]: p["atasan_nip"] for p in people}
    rows: list[dict[str, object]] = []
    for person in people:
        if rng.random() >= 0.05:
            continue
        received = date(year + 1, 1, 10) + timedelta(days=rng.randint(0, 10))
        filed = received + timedelta(days=rng.choice((3, 7, 12, 20)))
        decider = supervisor.get(person["atasan_nip"]) or person["atasan_nip"]
        change = rng.random() < 0.5
        if decider is None:
            continue  # the head of the organisation: nobody in the data decides an objection
        rows.append(
            {
                "nip": person["nip"],
                "tanggal_terima": received.isoformat(),
                "tanggal_ajuan": filed.isoformat(),
                "pemutus_nip": decider,
                "keputusan": "ubah" if change else "tetap",
                "predikat_baru": rules.predikat_labels[1] if change else None,
                "alasan": "Bukti capaian tambahan diterima."
                if change
                else "Penilaian sudah sesuai bukti.",
            }
        )
    return rows


def _spoil(tables: Tables, rng: random.Random, bad_rows: int) -> None:
    """Break ``bad_rows`` rows in ways HR spreadsheets really break."""
    people = tables["pegawai"]
    for i in range(bad_rows):
        if not people:
            return
        kind = i % 3
        if kind == 0:
            victim = dict(people[rng.randrange(len(people))])
            victim["nip"] = str(victim["nip"])[:-1]
            victim["nama"] = f"{victim['nama']} (NIP terpotong)"
            people.append(victim)
        elif kind == 1 and tables.get("capaian"):
            row = tables["capaian"][rng.randrange(len(tables["capaian"]))]
            row["realisasi"] = "belum ada"
        else:
            people.append(dict(people[rng.randrange(len(people))]))
