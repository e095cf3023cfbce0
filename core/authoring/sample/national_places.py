"""The vocabulary of the national synthetic workforce: provinces and their kabupaten and
kota, the kinds of work unit with their posts (jabatan), and the golongan of each tier.

Data, not logic: :mod:`kinerja.authoring.sample.national_people` draws from it. The
names are real places; the units, people and numbers are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

PROVINCES: dict[str, tuple[str, ...]] = {
    "Aceh": (
        "Kab. Aceh Tenggara",
        "Kab. Aceh Besar",
        "Kab. Aceh Utara",
        "Kab. Pidie",
        "Kota Banda Aceh",
        "Kota Lhokseumawe",
    ),
    "Sumatera Barat": (
        "Kota Payakumbuh",
        "Kota Padang",
        "Kota Bukittinggi",
        "Kab. Agam",
        "Kab. Tanah Datar",
        "Kab. Pesisir Selatan",
    ),
    "Sumatera Utara": (
        "Kota Medan",
        "Kota Binjai",
        "Kab. Deli Serdang",
        "Kab. Langkat",
        "Kab. Karo",
        "Kab. Simalungun",
    ),
    "Banten": (
        "Kota Serang",
        "Kota Cilegon",
        "Kota Tangerang",
        "Kab. Serang",
        "Kab. Pandeglang",
        "Kab. Lebak",
    ),
    "Jawa Barat": (
        "Kota Bandung",
        "Kota Bogor",
        "Kab. Garut",
        "Kab. Cianjur",
        "Kab. Sukabumi",
        "Kab. Karawang",
    ),
    "Jawa Timur": (
        "Kota Surabaya",
        "Kota Malang",
        "Kab. Sidoarjo",
        "Kab. Gresik",
        "Kab. Jember",
        "Kab. Banyuwangi",
    ),
    "Bali": ("Kota Denpasar", "Kab. Badung", "Kab. Gianyar", "Kab. Tabanan", "Kab. Buleleng"),
    "Kalimantan Timur": (
        "Kota Samarinda",
        "Kota Balikpapan",
        "Kab. Kutai Kartanegara",
        "Kab. Berau",
        "Kab. Paser",
    ),
    "Sulawesi Selatan": (
        "Kota Makassar",
        "Kota Parepare",
        "Kab. Gowa",
        "Kab. Bone",
        "Kab. Maros",
        "Kab. Luwu",
    ),
    "Nusa Tenggara Timur": (
        "Kota Kupang",
        "Kab. Kupang",
        "Kab. Sikka",
        "Kab. Ende",
        "Kab. Manggarai",
    ),
}
"""Province -> its kabupaten and kota in the sample."""


@dataclass(frozen=True, slots=True)
class UnitKind:
    """A kind of work unit: its posts by tier, whether citizens are surveyed, its size."""

    name: str
    head: str
    middle: str
    """Post of the tier under the head (kepala bidang and the like)."""
    section: str
    """Post of the tier under the middle one (kepala seksi and the like)."""
    staff: tuple[str, ...]
    """Posts of the staff; a post listed twice is twice as likely."""
    survey: bool
    """Whether citizens it serves are surveyed (rate it) at all."""
    size: float
    """Relative size of such a unit (1: the average unit)."""


_OFFICE = ("Kepala Dinas", "Kepala Bidang", "Kepala Seksi")
_AGENCY = ("Kepala Badan", "Kepala Bidang", "Kepala Subbidang")
_SCHOOL = ("Kepala Sekolah", "Wakil Kepala Sekolah", "Koordinator Mata Pelajaran")
_TEACHERS = ("Guru",) * 6 + ("Pustakawan", "Laboran", "Pengadministrasi Umum")

KINDS: tuple[UnitKind, ...] = (
    UnitKind(
        "Sekretariat Daerah",
        "Sekretaris Daerah",
        "Asisten",
        "Kepala Bagian",
        ("Analis Kebijakan", "Analis Hukum", "Pengelola Keuangan", "Pranata Komputer")
        + ("Arsiparis", "Pengadministrasi Umum", "Pengadministrasi Umum"),
        False,
        1.6,
    ),
    UnitKind(
        "Dinas Pendidikan",
        *_OFFICE,
        ("Analis Kebijakan", "Pengawas Sekolah", "Pengawas Sekolah", "Pengelola Keuangan")
        + ("Pranata Komputer", "Pengadministrasi Umum", "Pengadministrasi Umum"),
        True,
        1.3,
    ),
    UnitKind(
        "Dinas Kesehatan",
        *_OFFICE,
        ("Epidemiolog Kesehatan", "Penyuluh Kesehatan Masyarakat")
        + ("Penyuluh Kesehatan Masyarakat", "Administrator Kesehatan", "Pengelola Keuangan")
        + ("Pengadministrasi Umum",),
        True,
        1.3,
    ),
    UnitKind(
        "RSUD",
        "Direktur",
        "Kepala Bidang",
        "Kepala Seksi",
        ("Dokter", "Perawat", "Perawat", "Perawat", "Perawat", "Bidan", "Apoteker")
        + ("Pranata Laboratorium Kesehatan", "Perekam Medis"),
        True,
        2.5,
    ),
    UnitKind(
        "Dinas Sosial",
        *_OFFICE,
        ("Pekerja Sosial", "Pekerja Sosial", "Penyuluh Sosial", "Pengelola Layanan")
        + ("Pengadministrasi Umum",),
        True,
        1.0,
    ),
    UnitKind(
        "DPMPTSP",
        *_OFFICE,
        ("Analis Perizinan", "Analis Perizinan", "Verifikator", "Pengelola Layanan")
        + ("Pengelola Layanan", "Pranata Komputer"),
        True,
        1.0,
    ),
    UnitKind(
        "Dinas Perhubungan",
        *_OFFICE,
        ("Penguji Kendaraan Bermotor", "Penguji Kendaraan Bermotor", "Analis Transportasi")
        + ("Pengelola Layanan", "Pengadministrasi Umum"),
        True,
        1.0,
    ),
    UnitKind(
        "BKPSDM",
        *_AGENCY,
        ("Analis SDM Aparatur", "Analis SDM Aparatur", "Analis SDM Aparatur")
        + ("Pranata Komputer", "Arsiparis", "Pengadministrasi Umum"),
        False,
        0.9,
    ),
    UnitKind(
        "Bappeda",
        *_AGENCY,
        ("Perencana", "Perencana", "Perencana", "Statistisi", "Analis Kebijakan")
        + ("Pengadministrasi Umum",),
        False,
        0.9,
    ),
    UnitKind(
        "Inspektorat",
        "Inspektur",
        "Inspektur Pembantu",
        "Kepala Subbagian",
        ("Auditor", "Auditor", "Auditor", "Pengawas Pemerintahan", "Pengadministrasi Umum"),
        False,
        0.8,
    ),
    UnitKind("SD Negeri", *_SCHOOL, _TEACHERS[:6] + ("Pengadministrasi Umum",), True, 0.45),
    UnitKind("SMP Negeri", *_SCHOOL, _TEACHERS, True, 1.0),
    UnitKind("SMA Negeri", *_SCHOOL, _TEACHERS, True, 1.1),
    UnitKind(
        "SMK Negeri", *_SCHOOL, _TEACHERS[:5] + ("Laboran", "Laboran", "Instruktur"), True, 1.1
    ),
    UnitKind(
        "Puskesmas",
        "Kepala Puskesmas",
        "Penanggung Jawab Klaster",
        "Koordinator Pelayanan",
        ("Perawat", "Perawat", "Perawat", "Bidan", "Bidan", "Bidan", "Dokter", "Apoteker")
        + ("Nutrisionis", "Sanitarian"),
        True,
        0.8,
    ),
)
"""Every kind of work unit. The first ten are offices (one of each per place)."""

OFFICES = 10
"""``KINDS[:OFFICES]`` are offices, the first the regional secretariat (sekretariat daerah)."""
PROVINCE_SERVICES = (12, 13)
"""Numbered units of a province beyond its offices: SMA and SMK (in KINDS)."""
LOCAL_SERVICES = (10, 11, 14, 10)
"""Numbered units of a kabupaten or kota beyond its offices: SD, SMP, Puskesmas, SD."""

GOLONGAN = (
    ("II/a", "II/b", "II/c", "II/d")
    + ("III/a", "III/b", "III/c", "III/d")
    + ("IV/a", "IV/b", "IV/c", "IV/d", "IV/e")
)
TIER_GOLONGAN: tuple[dict[str, int], ...] = (
    {"IV/b": 3, "IV/c": 4, "IV/d": 2, "IV/e": 1},
    {"III/d": 2, "IV/a": 5, "IV/b": 3},
    {"III/c": 3, "III/d": 4, "IV/a": 3},
    {"II/a": 2, "II/b": 4, "II/c": 8, "II/d": 8, "III/a": 14, "III/b": 16, "III/c": 14}
    | {"III/d": 12, "IV/a": 8, "IV/b": 4},
)
"""Per tier (head, middle, section, staff): golongan -> relative frequency."""


@cache
def places() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Every place units are in, province by province: each province's own government
    (``Provinsi Aceh``), then its kabupaten and kota. Also the province (index into
    PROVINCES) of each place, and each province's own place (its seat)."""
    names: list[str] = []
    province: list[int] = []
    seat: list[int] = []
    for p, (name, local) in enumerate(PROVINCES.items()):
        seat.append(len(names))
        names += [f"Provinsi {name}", *local]
        province += [p] * (1 + len(local))
    return tuple(names), np.array(province, dtype=np.int64), np.array(seat, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class PostTable:
    """Every post once, and where each kind's posts are in it (as indices)."""

    names: tuple[str, ...]
    tiers: np.ndarray
    """``(kinds, 3)``: the posts of each kind's head, middle and section tiers."""
    staff: np.ndarray
    """Every kind's staff posts, one kind after the other."""
    first: np.ndarray
    """Per kind: where its staff posts start in ``staff``."""
    length: np.ndarray
    """Per kind: how many staff posts it has."""


@cache
def posts() -> PostTable:
    """The posts of :data:`KINDS` as a :class:`PostTable`."""
    names = sorted(
        {p for kind in KINDS for p in (kind.head, kind.middle, kind.section, *kind.staff)}
    )
    index = {name: i for i, name in enumerate(names)}
    tiers = np.array([[index[k.head], index[k.middle], index[k.section]] for k in KINDS])
    staff = np.array([index[p] for kind in KINDS for p in kind.staff], dtype=np.int64)
    length = np.array([len(kind.staff) for kind in KINDS], dtype=np.int64)
    return PostTable(tuple(names), tiers, staff, np.cumsum(length) - length, length)
