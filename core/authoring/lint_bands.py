"""Band tables for `check --strict`: ``band-gap``, ``band-overlap``, ``unreachable-band``.

Computes each table's domain (the values its ``band(x, 'table')`` calls can give,
by :func:`~kinerja.authoring.lint_ranges.value_range`) and checks the table's bands against
it; see :mod:`kinerja.authoring.lint` for the rules.
"""

from __future__ import annotations

import ast
import math

from kinerja.authoring.lint_pass import _Pass, _quoted
from kinerja.authoring.lint_ranges import (
    EVERYWHERE,
    Interval,
    Span,
    _hull,
    _meets,
    _num,
    _subtract,
    _within,
    _words,
    value_range,
)
from kinerja.expr.check import ANY, NUMBER
from kinerja.i18n import _


class _BandChecks(_Pass):
    """Value ranges and band tables: fills ``env``, ``domains`` and ``band_labels``."""

    def _ranges(self) -> None:
        rules, env = self.rules, self.env
        caps = [i.cap for i in rules.indicators.values()]
        env.update(achievement_mean=(0.0, max(caps, default=120.0)), indicator_count=(0, math.inf))
        env.update({code: (0.0, i.cap) for code, i in rules.indicators.items()})
        env.update({code: a.scale for code, a in rules.aspects.items()})
        for name, spec in rules.inputs.items():
            if spec.type == "number":
                low = -math.inf if spec.minimum is None else float(spec.minimum)
                env[name] = (low, math.inf if spec.maximum is None else float(spec.maximum))
        for component in rules.components:
            if component.checked.type in (NUMBER, ANY):
                env[component.name] = value_range(component.checked.tree.body, env)
        env["score"] = value_range(rules.score.tree.body, env)
        for _path, checked in self.expressions:
            for node in ast.walk(checked.tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "band":
                    table = node.args[1].value  # type: ignore[attr-defined]
                    found = value_range(node.args[0], env)
                    self.domains[table] = _hull([found, self.domains.get(table, found)])

    def _band_table(self, table: str) -> None:
        rows = self.rules.bands[table]
        spans = [
            (-math.inf if r[1] is None else r[1], math.inf if r[2] is None else r[2]) for r in rows
        ]
        domain, reachable = self.domains.get(table), set()
        for j, span in enumerate(spans):
            label, where = rows[j][0], self.rules.where("bands", table, j)
            rest = _subtract([span], *spans[:j])
            if not rest:
                over = _quoted(
                    rows[i][0] for i in range(j) if _subtract([span], spans[i]) != [span]
                )
                why = _(
                    "the bands before it ({over}) cover all of it and the first wins", over=over
                )
            elif domain is not None and not any(_meets(p, domain) for p in rest):
                why = _within(table, domain)
            else:
                reachable.add(label)
                for i, earlier in enumerate(spans[:j]):
                    low, high = max(span[0], earlier[0]), min(span[1], earlier[1])
                    if low < high:
                        self.add(where, "band-overlap", _overlap(label, rows[i][0], (low, high)))
                continue
            message = _(
                "band {label} ({span}) can never match: {why}; remove it or correct its min "
                "and max",
                label=repr(label),
                span=_words(span),
                why=why,
            )
            self.add(where, "unreachable-band", message)
        self.band_labels[table] = frozenset(reachable)
        for gap in _subtract([EVERYWHERE], *spans):
            self._gap(table, gap, domain)

    def _gap(self, table: str, gap: Span, domain: Interval | None) -> None:
        """Report the values of ``gap`` the table can be given (see the module doc)."""
        open_low, open_high = math.isinf(gap[0]), math.isinf(gap[1])
        low_d, high_d = domain or EVERYWHERE
        if (domain is None and (open_low or open_high)) or not _meets(gap, (low_d, high_d)):
            return
        if (open_low and math.isinf(low_d)) or (open_high and math.isinf(high_d)):
            return
        what = _unmatched(gap, max(gap[0], low_d), high_d)
        quoted = repr(table)
        if open_low:
            message = _(
                "in band table {table}, {what}, and band(..., {table}) is given values as low as "
                "{bound}; add a band for them or move a neighbouring band's min or max",
                table=quoted,
                what=what,
                bound=_num(low_d),
            )
        elif open_high:
            message = _(
                "in band table {table}, {what}, and band(..., {table}) is given values as high as "
                "{bound}; add a band for them or move a neighbouring band's min or max",
                table=quoted,
                what=what,
                bound=_num(high_d),
            )
        else:
            message = _(
                "in band table {table}, {what}; add a band for them or move a neighbouring "
                "band's min or max",
                table=quoted,
                what=what,
            )
        self.add(self.rules.loaded.where_key(("bands", table)), "band-gap", message)


def _unmatched(gap: Span, low: float, high: float) -> str:
    """The values from ``low`` of a ``gap`` no band matches, up to the domain's ``high``."""
    if high >= gap[1]:
        return _(
            "values from {low} to under {high} match no band", low=_num(low), high=_num(gap[1])
        )
    if low < high:
        return _("values from {low} to {high} match no band", low=_num(low), high=_num(high))
    if gap[0] == high:
        return _("the value {value} matches no band (a band's max is exclusive)", value=_num(high))
    return _("the value {value} matches no band", value=_num(high))


def _overlap(label: str, earlier: str, shared: Span) -> str:
    """The ``band-overlap`` finding: ``label`` shares the values ``shared`` with ``earlier``."""
    return _(
        "band {label} overlaps band {earlier} for {span}; those values get {earlier}, the band "
        "listed first; make the bands meet without overlapping (min is inclusive, max exclusive)",
        label=repr(label),
        earlier=repr(earlier),
        span=_words(shared),
    )
