"""What a region's rules expect in the input: the :class:`InputSpec`, and the sheets' vocabulary.

:class:`InputSpec` (with its :class:`AttributeSpec` extra ``pegawai`` columns) is
built from a rules file and handed to :func:`kinerja.input.validate.build_dataset`.
:data:`GROUP_ALIASES` lists the accepted ``kelompok`` values and
:data:`REQUIRED_COLUMNS` the columns every sheet must have, whatever the region, and
:data:`OPTIONAL_COLUMNS` those it reads when present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kinerja.model import RATER_GROUPS

__all__ = ["GROUP_ALIASES", "OPTIONAL_COLUMNS", "REQUIRED_COLUMNS", "AttributeSpec", "InputSpec"]


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """An extra ``pegawai`` column the region's rules read, and how to check it."""

    name: str
    type: Literal["number", "text", "date"]
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class InputSpec:
    """What the region's rules expect in the input.

    An empty ``indicators``, ``aspects``, ``groups`` or ``predikat_labels`` means the
    rules do not restrict that field (any value is accepted).
    """

    attributes: tuple[AttributeSpec, ...] = ()
    indicators: frozenset[str] = frozenset()
    """Known indicator codes; an unknown code in capaian is a reject."""
    aspects: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Aspect code -> (min, max) of its rating scale."""
    groups: frozenset[str] = frozenset()
    """Rater groups the rules use; a rating from another group is a reject."""
    predikat_labels: tuple[str, ...] = ()
    """Allowed values for ``keberatan.predikat_baru``."""


GROUP_ALIASES: dict[str, str] = {
    **{g: g for g in RATER_GROUPS},
    "diri": "self",
    "diri_sendiri": "self",
    "atasan": "supervisor",
    "rekan": "peer",
    "rekan_kerja": "peer",
    "bawahan": "subordinate",
    "masyarakat": "citizen",
}
"""Accepted ``kelompok`` values (English or Indonesian) -> rater group."""

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "pegawai": ("nip", "nama", "jabatan", "unit_kerja", "golongan", "atasan_nip"),
    "capaian": ("nip", "indikator", "target", "realisasi"),
    "penilaian": ("nip", "penilai_nip", "kelompok", "aspek", "nilai"),
    "keberatan": ("nip", "tanggal_terima", "tanggal_ajuan", "pemutus_nip", "keputusan", "alasan"),
}

OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "pegawai": (),
    "capaian": ("target_maks", "bobot"),
    "penilaian": ("tanggal", "catatan"),
    "keberatan": ("predikat_baru",),
}
"""Columns read when present (besides the region's extra ``pegawai`` attributes)."""
