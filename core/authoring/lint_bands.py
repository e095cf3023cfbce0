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
        for _, checked in self.expressions:
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
                why = f"the bands before it ({over}) cover all of it and the first wins"
            elif domain is not None and not any(_meets(p, domain) for p in rest):
                why = f"the values given to band(..., {table!r}) {_within(domain)}"
            else:
                reachable.add(label)
                for i, earlier in enumerate(spans[:j]):
                    low, high = max(span[0], earlier[0]), min(span[1], earlier[1])
                    if low < high:
                        self.add(
                            where,
                            "band-overlap",
                            f"band {label!r} overlaps band {rows[i][0]!r} for "
                            f"{_words((low, high))}; those values get {rows[i][0]!r}, the band "
                            "listed first; make the bands meet without overlapping (min is "
                            "inclusive, max exclusive)",
                        )
                continue
            self.add(
                where,
                "unreachable-band",
                f"band {label!r} ({_words(span)}) can never match: {why}; remove it or correct "
                "its min and max",
            )
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
        low = max(gap[0], low_d)
        if high_d >= gap[1]:
            what = f"values from {_num(low)} to under {_num(gap[1])} match no band"
        elif low < high_d:
            what = f"values from {_num(low)} to {_num(high_d)} match no band"
        else:
            why = " (a band's max is exclusive)" if gap[0] == high_d else ""
            what = f"the value {_num(high_d)} matches no band{why}"
        if open_low or open_high:
            side, bound = ("low", low_d) if open_low else ("high", high_d)
            what += f", and band(..., {table!r}) is given values as {side} as {_num(bound)}"
        self.add(
            self.rules.loaded.where_key(("bands", table)),
            "band-gap",
            f"in band table {table!r}, {what}; add a band for them or move a neighbouring "
            "band's min or max",
        )
