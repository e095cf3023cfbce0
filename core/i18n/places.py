"""Machine forms that people read in words: a place among peers and an audit source.

CSV, JSON and Parquet keep the forms the engine writes, the same in every language
(``3/12``, ``keberatan:2``); the workbook, explain and flag messages say them in the
language in use (``3 dari 12``, ``keberatan baris 2``). Any other text (a plugin's own)
is shown as it is.
"""

from __future__ import annotations

import re

import polars as pl

from kinerja.i18n import _
from kinerja.i18n.columns import filled

__all__ = ["rank_text", "rank_words", "source_text", "source_words"]


_RANK = r"^(\d+)/(\d+)$"
"""A place among peers as the engine writes it: ``3/12``."""


def rank_words(rank: pl.Expr) -> pl.Expr:
    """A place among peers (``3/12``) in words: ``3 dari 12``; any other text as it is."""
    parts = rank.str.extract_groups(_RANK)
    words = filled(_("{rank} of {members}"), rank=parts.struct[0], members=parts.struct[1])
    return pl.coalesce(words, rank).alias(rank.meta.output_name())


def rank_text(rank: str | None) -> str | None:
    """One place among peers in words, as :func:`rank_words` says it."""
    found = re.fullmatch(_RANK, rank or "")
    if found is None:
        return rank
    return _("{rank} of {members}", rank=found[1], members=found[2])


_SOURCE = r"^([^:]+):(\d+)$"
"""Where an audit entry comes from, as the engine writes it: ``sheet:row`` (``keberatan:2``)."""


def source_words(source: pl.Expr) -> pl.Expr:
    """Where an audit entry comes from (``keberatan:2``) in words: ``keberatan baris 2``;
    any other text as it is."""
    parts = source.str.extract_groups(_SOURCE)
    words = filled(_("{sheet} row {row}"), sheet=parts.struct[0], row=parts.struct[1])
    return pl.coalesce(words, source).alias(source.meta.output_name())


def source_text(source: str | None) -> str | None:
    """One audit source in words, as :func:`source_words` says it."""
    found = re.fullmatch(_SOURCE, source or "")
    if found is None:
        return source
    return _("{sheet} row {row}", sheet=found[1], row=found[2])
