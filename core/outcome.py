"""Whether a run did its job: the exit code of ``kinerja run`` and, when it did not,
the one cause to show, with what to do.

A run that appraised nobody is not a success, however cleanly it ended. The causes
people meet, looked for in this order, each say what to fix:

1. the input has no ``pegawai`` sheet (or another whole-file problem stopped every
   employee): the reader's own words;
2. ``pegawai`` has no employees (an empty workbook, or headers only);
3. a sheet the rules read has no rows (``capaian`` for the indicators, ``penilaian``
   for the aspects);
4. every employee was refused for the same column (a renamed ``nip`` column);

each of them :data:`UNUSABLE`. Any other run that appraised nobody is
:data:`NOBODY` (the rejects say why, employee by employee); one that appraised at
least one employee is :data:`DONE`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.frames import RunParts
from kinerja.i18n import _, count
from kinerja.rules import RuleSet

__all__ = ["DONE", "NOBODY", "UNUSABLE", "Outcome", "outcome"]

DONE = 0
"""At least one employee was appraised (some may be rejected: see the rejects)."""
NOBODY = 1
"""The input could be read, but no employee could be appraised."""
UNUSABLE = 2
"""The input cannot be used as it is (see :func:`outcome`); also the code of a refused
command line."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The exit code of a run, and the cause to show in one line (None when done)."""

    code: int
    cause: str | None = None


def outcome(parts: RunParts, rules: RuleSet) -> Outcome:
    """How ``parts`` (a finished run under ``rules``) went (see the module doc)."""
    info = parts.info
    if info.appraised > 0:
        return Outcome(DONE)
    rejects = parts.rejects
    whole = rejects.filter((pl.col("row") == 0) & (pl.col("sheet") == "pegawai"))
    if whole.height:
        return Outcome(UNUSABLE, whole.item(0, "reason"))
    if info.employees_in == 0:
        return Outcome(UNUSABLE, _empty_pegawai(info.rows_in))
    lacking = _lacking_sheet(rules, info.rows_in)
    if lacking is not None:
        return Outcome(UNUSABLE, lacking)
    same = _same_column(rejects)
    if same is not None:
        return Outcome(UNUSABLE, same)
    return Outcome(
        NOBODY,
        _(
            "no employee could be appraised: each of the {n} employees was rejected; "
            "the rejects file says why, employee by employee",
            n=count(info.employees_in),
        ),
    )


def _empty_pegawai(rows_in: dict[str, int]) -> str:
    others = sum(n for sheet, n in rows_in.items() if sheet != "pegawai")
    if others:
        return _(
            "sheet pegawai has no employees (only its header, or nothing), while the other "
            "sheets hold {n} rows; list the employees in sheet pegawai, one per row",
            n=count(others),
        )
    return _(
        "the input holds no data: sheet pegawai has no employees and no other sheet has "
        "rows; fill in sheet pegawai (one employee per row), then the other sheets"
    )


def _lacking_sheet(rules: RuleSet, rows_in: dict[str, int]) -> str | None:
    """The cause when a sheet the rules read has no rows, if one has none."""
    spec = rules.input_spec()
    if spec.indicators and not rows_in.get("capaian"):
        return _(
            "sheet capaian has no rows, but the rules of {region} appraise indicators ({codes}); "
            "add sheet capaian with each employee's target and realisation",
            region=rules.region,
            codes=", ".join(sorted(spec.indicators)),
        )
    if spec.aspects and not rows_in.get("penilaian"):
        return _(
            "sheet penilaian has no rows, but the rules of {region} appraise aspects ({codes}); "
            "add sheet penilaian with the raters' ratings",
            region=rules.region,
            codes=", ".join(sorted(spec.aspects)),
        )
    return None


def _same_column(rejects: pl.DataFrame) -> str | None:
    """The cause when every employee was refused for one column, if so."""
    refused = rejects.filter((pl.col("sheet") == "pegawai") & (pl.col("row") > 0))
    columns = refused.get_column("column").unique()
    if refused.is_empty() or columns.len() != 1 or columns.item() is None:
        return None
    column = columns.item()
    return _(
        "every employee was rejected for the column {column}: {reason}",
        column=column,
        reason=refused.item(0, "reason"),
    )
