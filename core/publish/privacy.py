"""What a site shows of each result, and what it withholds: the region's rules decide.

:func:`public_tables` is the only way from the results to a page or a download. It
keeps the fields the rules publish (``publication.fields``), the unit, the NIP
masked (``1980**********1001``) or not at all, and only the flag codes the rules list.
A unit with fewer appraised employees than ``publication.min_unit_size`` shows its
aggregate only. Rater NIPs and notes never reach it: the results reader leaves them
behind (:mod:`kinerja.publish.results`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kinerja.i18n import N_, _, ngettext
from kinerja.rules import Publication

__all__ = ["PublicTables", "mask_nip", "public_tables"]

SHOWN = 4
"""Digits of a NIP shown at each end when it is masked."""


@dataclass(frozen=True, slots=True)
class PublicTables:
    """A site's tables, and what it withholds."""

    rows: pl.DataFrame
    """One row per published employee: ``nip`` (masked; absent when hidden),
    ``unit_kerja``, the published fields in the rules' order, ``flags`` when the rules
    publish some; by unit, then score (highest first), then name."""
    units: pl.DataFrame
    """One row per unit: ``unit_kerja``, ``employees``, ``mean``, ``median``, ``shown``
    (False: below the minimum size, aggregate only), and a count column per predikat."""
    withheld: tuple[str, ...]
    """What the site does not show, and why, in words."""


def mask_nip(nip: pl.Expr) -> pl.Expr:
    """``nip`` with all but its first and last :data:`SHOWN` characters as ``*`` (a NIP
    of no more than twice that is all stars)."""
    text = nip.cast(pl.String).str.strip_chars()
    length = text.str.len_chars()
    middle = pl.lit("*").repeat_by(length - 2 * SHOWN).list.join("")
    masked = pl.concat_str(text.str.head(SHOWN), middle, text.str.tail(SHOWN))
    stars = pl.lit("*").repeat_by(length).list.join("")
    return pl.when(length > 2 * SHOWN).then(masked).otherwise(stars)


def public_tables(
    table: pl.DataFrame, publication: Publication, labels: tuple[str, ...]
) -> PublicTables:
    """The published tables of ``table`` (:class:`~kinerja.publish.results.PublishedRun`)
    under ``publication``; ``labels`` is the predikat vocabulary, in its order."""
    table = _without_stray_nips(table)
    units = _units(table, labels, publication.min_unit_size)
    small = units.filter(~pl.col("shown")).get_column("unit_kerja")
    shown = table.filter(~pl.col("unit_kerja").is_in(small.implode()))
    order = shown.sort(
        ["unit_kerja", "score", "nama"], descending=[False, True, False], nulls_last=True
    )
    rows = order.with_columns(_percentile()).select(_columns(publication))
    return PublicTables(rows, units, _withheld(publication, small.len()))


NO_UNIT = N_("(no work unit)")
"""The unit of a result whose ``unit_kerja`` is empty."""
_STRAY_NIP = r"(^|[^0-9])([0-9]{4})[0-9]{10}([0-9]{4})([^0-9]|$)"


def _without_stray_nips(table: pl.DataFrame) -> pl.DataFrame:
    """``table`` with every 18-digit run in a published text (a NIP typed into the unit,
    the name or the position) masked as a NIP is, and an empty unit named as such."""
    texts = [c for c in ("nama", "jabatan", "unit_kerja") if c in table.columns]
    masked = [
        pl.col(c).str.replace_all(_STRAY_NIP, "${1}${2}**********${3}${4}").alias(c) for c in texts
    ]
    table = table.with_columns(masked)
    unit = pl.col("unit_kerja").str.strip_chars()
    return table.with_columns(
        pl.when(unit.is_null() | (unit == ""))
        .then(pl.lit(_(NO_UNIT)))
        .otherwise(unit)
        .alias("unit_kerja")
    )


def _percentile() -> pl.Expr:
    """The share of the unit's employees with a lower score, in whole percent."""
    lower = pl.col("score").rank("min").over("unit_kerja") - 1
    return (lower * 100 // pl.len().over("unit_kerja")).cast(pl.Int64).alias("percentile")


def _columns(publication: Publication) -> list[pl.Expr]:
    """The published columns, in the order the rules list the fields."""
    columns = [] if publication.nip == "hidden" else [mask_nip(pl.col("nip")).alias("nip")]
    columns += [pl.col("unit_kerja"), *(pl.col(f) for f in publication.fields)]
    if publication.flags:
        listed = pl.col("flags").list.eval(
            pl.element().filter(pl.element().is_in(publication.flags))
        )
        columns.append(listed.list.join("; ").alias("flags"))
    return columns


def _units(table: pl.DataFrame, labels: tuple[str, ...], minimum: int) -> pl.DataFrame:
    """Each unit's count, mean, median and predikat mix; ``shown`` when it is big enough."""
    counts = [(pl.col("predikat") == label).sum().alias(label) for label in labels]
    units = table.group_by("unit_kerja").agg(
        pl.len().alias("employees"),
        pl.col("score").mean().alias("mean"),
        pl.col("score").median().alias("median"),
        *counts,
    )
    shown = pl.col("employees") >= minimum
    # a small unit shows how many it has, nothing more: one person's mean is their score
    withheld = [pl.when(shown).then(pl.col(c)).alias(c) for c in ("mean", "median", *labels)]
    return units.with_columns(shown.alias("shown")).with_columns(withheld).sort("unit_kerja")


def _withheld(publication: Publication, small_units: int) -> tuple[str, ...]:
    """What is not published, in words, each with its reason."""
    found = [
        _("Rater identities and rater notes are never published: raters must be free to rate."),
        _(
            "Feedback, recommendations and the details of each score are for the employee "
            "and their supervisor, not the public."
        ),  # fmt: skip
    ]
    if publication.nip == "hidden":
        found.append(_("NIPs are not published (the region's rules hide them)."))
    else:
        found.append(_("NIPs are masked: only their first and last four digits show."))
    if not publication.flags:
        found.append(_("Flags are for reviewers and are not published."))
    if small_units:
        found.append(
            ngettext(
                "{n} unit has fewer than {minimum} appraised employees: only how many it "
                "has is shown (no mean, median or predikat), so that no one's result can be "
                "read off it.",
                "{n} units have fewer than {minimum} appraised employees: only how many each "
                "has is shown (no mean, median or predikat), so that no one's result can be "
                "read off them.",
                small_units,
                minimum=publication.min_unit_size,
            )
        )
    return tuple(found)
