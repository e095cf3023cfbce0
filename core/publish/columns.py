"""The columns a published table may carry: stable codes, and the words people read.

A published table (one row per employee a region publishes) keeps the code of each
column as its key (CSV header, JSON key, ``datapackage.json`` field name), as every
machine form of kinerja does; its title and description are in the language of the
run, from the message catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.i18n import N_, _

__all__ = ["PUBLIC_FIELDS", "Column", "column"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a published table."""

    name: str
    """The stable code: ``nip``, ``score``..."""
    type: str
    """Its Table Schema type: ``string``, ``number`` or ``integer``."""
    title: str
    """Its header in words (the language in use)."""
    description: str
    """What it holds, in a sentence (the language in use)."""


_COLUMNS: dict[str, tuple[str, str, str]] = {
    "nip": (
        "string",
        N_("NIP"),
        N_("The employee's NIP, masked: only its first and last four digits show."),
    ),
    "nama": (
        "string",
        N_("Name"),
        N_("The employee's name."),
    ),
    "jabatan": (
        "string",
        N_("Position"),
        N_("The employee's position (jabatan)."),
    ),
    "golongan": (
        "string",
        N_("Grade"),
        N_("The employee's grade (golongan)."),
    ),
    "unit_kerja": (
        "string",
        N_("Work unit"),
        N_("The work unit the employee is compared in."),
    ),
    "score": (
        "number",
        N_("Score"),
        N_("The appraisal score, as the region's rules compute it."),
    ),
    "predikat": (
        "string",
        N_("Predikat"),
        N_("The predikat the score earns under the region's rules."),
    ),
    "peer_rank": (
        "string",
        N_("Rank among peers"),
        N_("Place among the unit's appraised employees: 3/12 is third of twelve."),
    ),
    "percentile": (
        "integer",
        N_("Percentile"),
        N_("The share of the unit's employees with a lower score, in percent."),
    ),
    "status": (
        "string",
        N_("Status"),
        N_("final, or provisional while a required step is missing."),
    ),
    "flags": (
        "string",
        N_("Flags"),
        N_("The flags the region's rules publish, separated by semicolons."),
    ),
    "change": (
        "number",
        N_("Change"),
        N_("The score's change since the last published period."),
    ),
    "previous_predikat": (
        "string",
        N_("Previous predikat"),
        N_("The predikat published for the last period."),
    ),
}

PUBLIC_FIELDS = (
    "nama",
    "jabatan",
    "score",
    "predikat",
    "peer_rank",
    "percentile",
    "status",
)
"""The fields a region's ``publication.fields`` may name (``nip`` is shown masked or not
at all, by ``publication.nip``; ``unit_kerja`` always: it is how peers are grouped)."""


def column(name: str) -> Column:
    """The column ``name`` with its words in the language in use."""
    kind, title, description = _COLUMNS[name]
    return Column(name, kind, _(title), _(description))
