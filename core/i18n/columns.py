"""Messages as text columns: a translated template whose ``{name}`` placeholders are
filled row by row from polars expressions (or fixed values), for the words the engine
builds inside its frames (reasons, flags, notes)."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

import polars as pl

__all__ = ["either", "filled", "per_count", "pieces"]


def pieces(template: str, values: Mapping[str, object]) -> list[str | pl.Expr]:
    """``template`` as its texts and the values of its ``{name}`` placeholders, in order:
    an expression as the column it is, anything else as its text (neighbouring texts
    joined)."""
    found: list[str | pl.Expr] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts: list[str | pl.Expr] = [literal] if literal else []
        if name is not None:
            if spec or conversion or name not in values:
                raise ValueError(f"the placeholder {{{name}}} of {template!r} is not given")
            value = values[name]
            parts.append(value if isinstance(value, pl.Expr) else str(value))
        for part in parts:
            if isinstance(part, str) and found and isinstance(found[-1], str):
                found[-1] += part
            else:
                found.append(part)
    return found


def _joined(pieces: list[str | pl.Expr]) -> pl.Expr:
    if not pieces:
        return pl.lit("")
    return pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in pieces])


def filled(template: str, /, **values: str | pl.Expr) -> pl.Expr:
    """A message as a text column: ``template`` (a message already looked up, e.g.
    ``_("...")`` with no values) with each ``{name}`` placeholder filled, row by row,
    from ``values``: a text (or number) expression, or a string shown as it is.

    Null where a value is null, as with ``pl.format``. Unlike ``pl.format``, the
    placeholders are named, so that a translation may put them in its own order.
    """
    return _joined(pieces(template, values))


def either(condition: pl.Expr, chosen: str, other: str, /, **values: str | pl.Expr) -> pl.Expr:
    """The message ``chosen`` where ``condition`` holds, else ``other`` (where it is false
    or null), each :func:`filled` from ``values``.

    When both messages have their placeholders in the same order, each value is read
    once and only the words between them depend on ``condition``.
    """
    yes, no = pieces(chosen, values), pieces(other, values)
    alike = len(yes) == len(no) and all(
        isinstance(a, str) == isinstance(b, str) and (isinstance(a, str) or a is b)
        for a, b in zip(yes, no, strict=True)
    )
    if not alike:
        return pl.when(condition).then(_joined(yes)).otherwise(_joined(no))
    return _joined(
        [
            a
            if not isinstance(a, str) or a == b
            else pl.when(condition).then(pl.lit(a)).otherwise(pl.lit(b))
            for a, b in zip(yes, no, strict=True)
        ]
    )


def per_count(words: Callable[..., str], count: pl.Expr, /, **values: str | pl.Expr) -> pl.Expr:
    """A message whose words depend on a number of each row (``count``), :func:`filled`
    from ``values``: ``words(n, **placeholders)`` is an :func:`~kinerja.i18n.ngettext`
    call, asked for one and for many, with each placeholder handed back as itself.

    The row's number is a value like the others, named anything but ``{n}`` (which
    ``ngettext`` would write as 1 or 2).
    """
    kept = {name: "{" + name + "}" for name in values}
    return either(count == 1, words(1, **kept), words(2, **kept), **values)
