"""`kinerja check --strict`: findings in rules that load but are probably not what was meant.

:func:`lint_rules` changes nothing the engine computes; it returns :class:`Finding`
warnings, each at ``file:line:col`` with a short ``code``:

``unused-input``, ``unused-indicator``, ``unused-aspect``, ``unused-rater-group``, ``unused-band``
    A declaration with no effect on any result. An input is read by an expression, a
    feedback or recommendation text, or a stage ``requires: input:<name>``. Indicators
    are read by name, and all at once through ``achievement_mean``/``indicator_count``,
    a stage ``requires: outcomes`` or ``gap_feedback: true``. An aspect is read when an
    expression or text names it (its ratings are then weighed). A rater group is read
    when it rates an aspect that is read, a stage requires its ratings, or it rates an
    aspect and a configured bias check compares its ratings. A band table is read by
    ``band(x, 'table')``. Components are never reported (every result shows them).
    Region plugins may read more than the rule file says; that cannot be seen here.
``weights-sum``
    The weights of the rater groups rating an aspect (``aspects.<a>.groups``, default
    all groups) do not sum to 1, so the engine rescales them.
``band-gap``, ``band-overlap``, ``unreachable-band``
    Bands are half-open ``[min, max)`` and the first matching band wins. A table's
    *domain* is the hull of the value ranges of its ``band(x, 'table')`` calls, by
    interval arithmetic: an achievement is ``[0, cap]``, an aspect within its scale, a
    number input within its ``minimum``/``maximum``; components, the score, arithmetic,
    ``mean``/``wmean``/``min``/``max``/``coalesce``, ``clamp``, ``round`` and the
    achievement functions follow; anything else is unbounded. A gap between two bands
    is reported when it meets the domain (always, for a table nothing calls). Values
    below the lowest ``min`` or from the highest ``max`` up are reported only when the
    domain is bounded on that side and reaches them (``values from 0 to under 50`` for
    an achievement; ``the value 100`` when the top band stops at ``max: 100``); an open
    first or last band reaches infinity. Overlaps with an earlier band are reported for
    the shared values; a band that earlier bands cover entirely, or that lies outside
    a known domain, can never match.
``unreachable-label``
    A ``predikat.labels`` entry the predikat expression never gives. The texts an
    expression can give are known for text constants, ``x if c else y``, ``coalesce``,
    ``band()`` (the labels of its reachable bands), ``predikat_matrix``, ``jpm_band``,
    ``ikm_grade`` and the names holding such values; otherwise nothing is reported.
``impossible-comparison``
    ``==``, ``!=``, ``in`` or ``not in`` between such a value and a text it can never
    be (letter case counts), with a "did you mean".
``constant-condition``
    A feedback or recommendation ``when`` always true or always false through constants
    (``true``, ``1 > 2``, ``score > 0 or true``) or impossible comparisons; a ``when``
    that is one impossible comparison is reported once, as that. Value ranges are not
    used to judge conditions.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kinerja.expr.check import ANY, NUMBER, STRING, Checked, check_expression, suggest
from kinerja.expr.compile import compile_expression
from kinerja.functions import ikm_grade, jpm_band, predikat_matrix, round_half_up
from kinerja.rules import BUILTIN_NAMES, RuleSet
from kinerja.yamlload import Location, Problem

Interval = tuple[float, float]
"""A closed range of values ``[low, high]``; bounds may be infinite."""
Span = tuple[float, float]
"""A half-open range ``[low, high)``, as a band covers."""
EVERYWHERE: Interval = (-math.inf, math.inf)

_RATINGS = ("di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi")
_FIXED_LABELS = {
    "predikat_matrix": frozenset(predikat_matrix(h, p) for h in _RATINGS for p in _RATINGS),
    "jpm_band": frozenset(jpm_band(v) for v in range(201)),
    "ikm_grade": frozenset(ikm_grade(v) for v in range(25, 101)),
}
_RATERS = {"supervisor", "peer", "subordinate", "citizen"}
_BIAS_GROUPS = {
    "leniency": _RATERS,
    "identical_min": _RATERS,
    "disagreement": {"supervisor", "peer"},
    "self_inflation": _RATERS | {"self"},
    "supervisor_self_gap": {"supervisor", "self"},
}
"""The rater groups whose ratings each bias check compares."""
_UNUSED = {
    "inputs": (
        "unused-input",
        "input {name!r} is never read: no expression, text or stage uses it",
    ),
    "indicators": (
        "unused-indicator",
        "indicator {name!r} is never read: no expression names it or reads achievement_mean or "
        "indicator_count, no stage requires outcomes and gap_feedback is off",
    ),
    "aspects": (
        "unused-aspect",
        "aspect {name!r} is rated but never read: no expression or text names it, so its "
        "ratings feed no score, predikat, feedback or recommendation",
    ),
    "rater_groups": (
        "unused-rater-group",
        "rater group {name!r} is never read: it rates no aspect that an expression reads, no "
        "stage requires its ratings and no bias check compares them",
    ),
    "bands": ("unused-band", "band table {name!r} is never used: no band(..., {name!r}) call"),
}


@dataclass(frozen=True, slots=True)
class Finding(Problem):
    """A strict-mode warning: a :class:`Problem` with severity ``warning`` and a short code."""

    severity: str = "warning"
    code: str = ""

    def as_dict(self) -> dict[str, object]:
        """The finding as ``check --json`` prints it."""
        where = {"file": self.location.file, "line": self.location.line, "col": self.location.col}
        return {**where, "severity": self.severity, "code": self.code, "message": self.message}


def lint_rules(rules: RuleSet) -> list[Finding]:
    """Every strict-mode finding in a loaded rule set, in file order (see the module doc)."""
    return _Lint(rules).run()


def _num(value: float) -> str:
    """A number as a rule author writes it: ``76``, ``0.625``."""
    value = round(float(value), 9)
    return str(int(value)) if value.is_integer() else repr(value)


def _words(span: Span) -> str:
    """A band's values in words: ``76 to under 90``, ``90 and above``, ``under 51``."""
    low, high = span
    if low == -math.inf:
        return "every value" if high == math.inf else f"under {_num(high)}"
    return f"{_num(low)} and above" if high == math.inf else f"{_num(low)} to under {_num(high)}"


def _quoted(labels: Iterable[str]) -> str:
    return ", ".join(repr(label) for label in labels)


def _subtract(pieces: list[Span], *cuts: Span) -> list[Span]:
    """``pieces`` without the values in any of ``cuts`` (all half-open)."""
    for cut in cuts:
        out = []
        for low, high in pieces:
            if cut[1] <= low or cut[0] >= high:
                out.append((low, high))
                continue
            out += [(low, cut[0])] if low < cut[0] else []
            out += [(cut[1], high)] if cut[1] < high else []
        pieces = out
    return pieces


def _within(domain: Interval) -> str:
    """Where a domain's values lie, in words; one bound may be infinite."""
    low, high = _num(domain[0]), _num(domain[1])
    if math.isinf(domain[0]):
        return f"are {high} or less"
    return f"are {low} or more" if math.isinf(domain[1]) else f"lie between {low} and {high}"


def _meets(span: Span, domain: Interval) -> bool:
    """Whether a half-open span holds a value of a closed domain."""
    return span[0] <= domain[1] and span[1] > domain[0]


def _hull(intervals: Iterable[Interval]) -> Interval:
    found = list(intervals) or [EVERYWHERE]
    return (min(i[0] for i in found), max(i[1] for i in found))


def _argument(node: ast.Call, name: str, position: int) -> ast.expr | None:
    """The argument passed for parameter ``name`` (at ``position``), or None."""
    for keyword in node.keywords:
        if keyword.arg == name:
            return keyword.value
    return node.args[position] if len(node.args) > position else None


def _items(nodes: Iterable[ast.expr | None]) -> Iterator[ast.expr]:
    """Arguments with list literals spread into their elements."""
    for node in nodes:
        if node is not None:
            yield from node.elts if isinstance(node, (ast.List, ast.Tuple)) else (node,)


def value_range(node: ast.AST, env: dict[str, Interval]) -> Interval:
    """The values an expression can take, unbounded where unknown (interval arithmetic)."""
    if isinstance(node, ast.Constant):
        value = node.value
        return (float(value), float(value)) if isinstance(value, (int, float)) else EVERYWHERE
    if isinstance(node, ast.Name):
        return env.get(node.id, EVERYWHERE)
    if isinstance(node, ast.UnaryOp):
        low, high = value_range(node.operand, env)
        if isinstance(node.op, ast.USub):
            return (-high, -low)
        return (low, high) if isinstance(node.op, ast.UAdd) else (0.0, 1.0)
    if isinstance(node, ast.Compare):
        return (0.0, 1.0)
    if isinstance(node, (ast.BoolOp, ast.IfExp)):
        parts = node.values if isinstance(node, ast.BoolOp) else [node.body, node.orelse]
        return _hull(value_range(p, env) for p in parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call_range(node.func.id, node, env)
    if not isinstance(node, ast.BinOp):
        return EVERYWHERE
    a, b = value_range(node.left, env), value_range(node.right, env)
    if isinstance(node.op, ast.Add):
        found = [a[0] + b[0], a[1] + b[1]]
    elif isinstance(node.op, ast.Sub):
        found = [a[0] - b[1], a[1] - b[0]]
    elif isinstance(node.op, ast.Mult) or (isinstance(node.op, ast.Div) and (b[0] > 0 or b[1] < 0)):
        b = (1 / b[1], 1 / b[0]) if isinstance(node.op, ast.Div) else b
        found = [x * y for x in a for y in b]
    else:
        return EVERYWHERE
    return EVERYWHERE if any(map(math.isnan, found)) else (min(found), max(found))


def _call_range(name: str, node: ast.Call, env: dict[str, Interval]) -> Interval:
    def arg(param: str, position: int, default: Interval = EVERYWHERE) -> Interval:
        given = _argument(node, param, position)
        return default if given is None else value_range(given, env)

    if name in ("mean", "min", "max", "coalesce"):
        return _hull(value_range(a, env) for a in _items(node.args))
    if name == "wmean":
        found = _hull(value_range(a, env) for a in _items([_argument(node, "values", 0)]))
        zero = _argument(node, "missing", 2) is not None  # "zero" may count a value as 0
        return (min(found[0], 0.0), max(found[1], 0.0)) if zero else found
    if name in ("achievement", "achievement_inverse", "achievement_range"):
        cap = arg("cap", 3 if name == "achievement_range" else 2, (120.0, 120.0))
        return (0.0, max(cap[1], 0.0))
    if name == "clamp":
        value, low, high = arg("value", 0), arg("low", 1), arg("high", 2)
        return (min(max(value[0], low[0]), high[0]), min(max(value[1], low[1]), high[1]))
    if name == "round":
        digits = _argument(node, "digits", 1)
        places = 0 if digits is None else getattr(digits, "value", None)
        if isinstance(places, int):  # round is monotone: round the bounds
            found = [
                b if math.isinf(b) else round_half_up(b, places) or 0.0 for b in arg("value", 0)
            ]
            return (float(found[0]), float(found[1]))
    return EVERYWHERE


class _Lint:
    """One pass over a rule set; ``run`` returns the findings."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.findings: list[Finding] = []
        score = ("score", "weights" if rules.score_weights is not None else "expr")
        self.expressions: list[tuple[tuple, Checked]] = [
            *((("components", i, "expr"), c.checked) for i, c in enumerate(rules.components)),
            (score, rules.score),
            (("predikat", "expr"), rules.predikat),
            *((("feedback", i, "when"), c.checked) for i, c in enumerate(rules.feedback)),
            *(
                (("recommendations", i, "when"), c.checked)
                for i, c in enumerate(rules.recommendations)
            ),
        ]
        self.env: dict[str, Interval] = {}
        self.domains: dict[str, Interval] = {}
        self.band_labels: dict[str, frozenset[str]] = {}
        self.labels: dict[str, frozenset[str]] = {}
        self.decided: dict[int, bool] = {}
        """Single comparisons made constant by an impossible text, by ``id`` of the node."""

    def add(self, where: Location, code: str, message: str) -> None:
        self.findings.append(Finding(where, message, code=code))

    def run(self) -> list[Finding]:
        self._ranges()
        for table in self.rules.bands:
            self._band_table(table)
        self._labels()
        self._unused()
        self._weights()
        self._predikat_labels()
        for path, checked in self.expressions:
            self._comparisons(path, checked)
        self._conditions()
        order = lambda f: (f.location.file, f.location.line, f.location.col, f.code, f.message)  # noqa: E731
        return sorted(set(self.findings), key=order)

    # value ranges and band tables ------------------------------------------
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

    # labels -------------------------------------------------------------------
    def labels_of(self, node: ast.AST) -> frozenset[str] | None:
        """The texts an expression can give, or None when they are not known."""
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return frozenset([node.value])
            return frozenset() if node.value is None else None
        if isinstance(node, ast.Name):
            return self.labels.get(node.id)
        parts: list[ast.expr] | None = None
        if isinstance(node, ast.IfExp):
            parts = [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            parts = node.values
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name == "band":
                return self.band_labels.get(node.args[1].value)  # type: ignore[attr-defined]
            if name in _FIXED_LABELS:
                return _FIXED_LABELS[name]
            parts = list(node.args) if name == "coalesce" else None
        found = [self.labels_of(p) for p in parts or ()]
        return None if parts is None or None in found else frozenset().union(*found)  # type: ignore[arg-type]

    def _labels(self) -> None:
        named = [(c.name, c.checked) for c in self.rules.components]
        for name, checked in [*named, ("predikat", self.rules.predikat)]:
            found = self.labels_of(checked.tree.body) if checked.type in (STRING, ANY) else None
            if found is not None:
                self.labels[name] = found

    def _ordered(self, labels: Iterable[str]) -> list[str]:
        """Labels in the order of ``predikat.labels``, then alphabetically."""
        rest = set(labels)
        first = [label for label in self.rules.predikat_labels if label in rest]
        return first + sorted(rest - set(first))

    # findings -----------------------------------------------------------------
    def _unused(self) -> None:
        rules = self.rules
        reads = {name for _, checked in self.expressions for name in checked.names}
        for condition in (*rules.feedback, *rules.recommendations):
            reads.update(name for _, name, _ in condition.template.fields)
        requires = {stage.requires for stage in rules.stages}
        whole = reads & set(BUILTIN_NAMES) or "outcomes" in requires or rules.gap_feedback
        read_aspects = [a for a in rules.aspects.values() if a.code in reads]
        compared = set().union(*(_BIAS_GROUPS[check] for check in rules.bias_checks))
        compared &= {group for aspect in rules.aspects.values() for group in aspect.groups}
        unused = {
            "inputs": [n for n in rules.inputs if n not in reads and f"input:{n}" not in requires],
            "indicators": [] if whole else [c for c in rules.indicators if c not in reads],
            "aspects": [c for c in rules.aspects if c not in reads],
            "rater_groups": [
                g
                for g in rules.rater_groups
                if not any(g in a.groups for a in read_aspects)
                and f"ratings:{g}" not in requires
                and g not in compared
            ],
            "bands": [t for t in rules.bands if t not in self.domains],
        }
        for section, names in unused.items():
            code, message = _UNUSED[section]
            for name in names:
                extra = ""
                if section == "inputs" and rules.inputs[name].required:
                    extra = f"; now it only rejects employees whose {name} is empty"
                where = rules.loaded.where_key((section, name))
                self.add(where, code, f"{message.format(name=name)}{extra}; use it or remove it")

    def _weights(self) -> None:
        rules = self.rules
        for code, aspect in rules.aspects.items():
            weights = [(g, aspect.weight(rules.rater_groups[g])) for g in aspect.groups]
            total = sum(w for _, w in weights)
            if abs(total - 1) <= 1e-9:
                continue
            if "weights" in rules.data["aspects"][code]:
                where = rules.where("aspects", code, "weights")
            elif "groups" in rules.data["aspects"][code]:
                where = rules.where("aspects", code, "groups")
            else:
                where = rules.loaded.where_key(("aspects", code))
            message = (
                f"every rater group rating aspect {code!r} has weight 0, so it never gets a "
                "score; give one of them a weight"
            )
            if total > 0:
                parts = " + ".join(f"{g} {_num(w)}" for g, w in weights)
                scaled = ", ".join(f"{g} {_num(w / total)}" for g, w in weights)
                message = (
                    f"the weights of the rater groups rating aspect {code!r} sum to "
                    f"{_num(total)} ({parts}), not 1, so they are rescaled to {scaled}; make "
                    f"them sum to 1{' or let more groups rate this aspect' * (total < 1)}, "
                    "or give this aspect its own `weights`"
                )
            self.add(where, "weights-sum", message)

    def _predikat_labels(self) -> None:
        possible = self.labels.get("predikat")
        for i, label in enumerate(self.rules.predikat_labels):
            if possible is not None and label not in possible:
                self.add(
                    self.rules.where("predikat", "labels", i),
                    "unreachable-label",
                    f"predikat label {label!r} is never given: `{self.rules.predikat.source}` "
                    f"gives only {_quoted(self._ordered(possible))}; remove the label or make "
                    "the expression give it",
                )

    def _comparisons(self, path: tuple, checked: Checked) -> None:
        for node in ast.walk(checked.tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for k, op in enumerate(node.ops):
                left, right = operands[k], operands[k + 1]
                if isinstance(op, (ast.Eq, ast.NotEq)):
                    pairs = [(left, [right]), (right, [left])]
                    result = f"this comparison is always {isinstance(op, ast.NotEq)}".lower()
                elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.List):
                    pairs, result = [(left, right.elts)], "this item never matches"
                else:
                    continue
                for subject, others in pairs:
                    possible = (
                        None if isinstance(subject, ast.Constant) else self.labels_of(subject)
                    )
                    texts = [o for o in others if isinstance(getattr(o, "value", None), str)]
                    bad = [t for t in texts if possible is not None and t.value not in possible]  # type: ignore[attr-defined]
                    if bad and len(bad) == len(others) and len(node.ops) == 1:
                        self.decided[id(node)] = isinstance(op, (ast.NotEq, ast.NotIn))
                    for text in bad:
                        value = text.value  # type: ignore[attr-defined]
                        hint = suggest(value, sorted(possible)) or (  # type: ignore[arg-type]
                            f" (it is one of {_quoted(self._ordered(possible))})"  # type: ignore[arg-type]
                        )
                        self.add(
                            self._at(path, checked, text),
                            "impossible-comparison",
                            f"{ast.unparse(subject)} can never be {value!r}{hint}, so {result}",
                        )

    def _conditions(self) -> None:
        rules = self.rules
        for section in ("feedback", "recommendations"):
            for i, condition in enumerate(getattr(rules, section)):
                body = condition.checked.tree.body
                truth = self._truth(body)
                if truth is None or id(body) in self.decided:
                    continue
                what = (
                    f"recommendation {condition.code!r}" if section[0] == "r" else "this feedback"
                )
                self.add(
                    rules.where(section, i, "when"),
                    "constant-condition",
                    f"condition `{condition.checked.source}` is always {str(truth).lower()}, so "
                    f"{what} is {'given to every employee' if truth else 'never given'}; make "
                    "it depend on the employee's values or remove it",
                )

    def _truth(self, node: ast.AST) -> bool | None:
        """Whether a condition is always true or always false; None when it depends."""
        if id(node) in self.decided:
            return self.decided[id(node)]
        if not any(isinstance(n, ast.Name) for n in ast.walk(node)):
            try:
                checked = check_expression(ast.unparse(node), self.rules.scope)
                return bool(compile_expression(checked, self.rules.bands)({}))
            except Exception:  # noqa: BLE001 - a constant that fails is not judged here
                return None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self._truth(node.operand)
            return None if inner is None else not inner
        if isinstance(node, ast.BoolOp):
            found = [self._truth(value) for value in node.values]
            decisive = isinstance(node.op, ast.Or)  # one True decides an `or`, one False an `and`
            return decisive if decisive in found else None if None in found else not decisive
        return None

    def _at(self, path: tuple, checked: Checked, node: ast.AST) -> Location:
        """The file position of ``node`` inside the expression at ``path``, when it can be told."""
        where = self.rules.where(*path)
        raw: object = self.rules.data
        for step in path:
            try:
                raw = raw[step]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                raw = None
        text_of = getattr(self.rules.loaded, "text_of", None)  # files layered with `extends`
        lines = (text_of(where.file) if text_of else self.rules.loaded.text).splitlines()
        line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
        start = where.col - 1 + (line[where.col - 1 : where.col] in ("'", '"'))
        start += len(raw) - len(raw.lstrip()) if isinstance(raw, str) else 0
        start += getattr(node, "col_offset", 0)
        segment = ast.get_source_segment(checked.source, node)
        if segment and line[start:].startswith(segment):
            return Location(where.file, where.line, start + 1)
        return where


__all__ = ["EVERYWHERE", "Finding", "lint_rules", "value_range"]
