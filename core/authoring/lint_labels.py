"""Texts for `check --strict`: unreachable-label, impossible-comparison, constant-condition.

Works out which texts an expression can give (text constants, ``if``/``else``,
``coalesce``, ``band()`` and the fixed labels of ``predikat_matrix``, ``jpm_band``
and ``ikm_grade``), then reports predikat labels never given, comparisons with a
text that can never match, and conditions that are constant; see :mod:`kinerja.authoring.lint`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from kinerja.authoring.lint_pass import _Pass, _quoted
from kinerja.expr.check import ANY, STRING, Checked, check_expression, suggest
from kinerja.expr.evaluate import evaluate_one
from kinerja.functions import ikm_grade, jpm_band, predikat_matrix
from kinerja.i18n import N_, _
from kinerja.rules.yamlload import Location

_RATINGS = ("di atas ekspektasi", "sesuai ekspektasi", "di bawah ekspektasi")
_FIXED_LABELS = {
    "predikat_matrix": frozenset(predikat_matrix(h, p) for h in _RATINGS for p in _RATINGS),
    "jpm_band": frozenset(jpm_band(v) for v in range(201)),
    "ikm_grade": frozenset(ikm_grade(v) for v in range(25, 101)),
}
_NEVER_EQUAL = N_("{subject} can never be {value}{hint}, so this comparison is always false")
_NEVER_UNEQUAL = N_("{subject} can never be {value}{hint}, so this comparison is always true")
_NEVER_IN = N_("{subject} can never be {value}{hint}, so this item never matches")
_CONSTANT = {
    (True, True): N_(
        "condition `{source}` is always true, so recommendation {code} is given to every "
        "employee; make it depend on the employee's values or remove it"
    ),
    (True, False): N_(
        "condition `{source}` is always false, so recommendation {code} is never given; make "
        "it depend on the employee's values or remove it"
    ),
    (False, True): N_(
        "condition `{source}` is always true, so this feedback is given to every employee; "
        "make it depend on the employee's values or remove it"
    ),
    (False, False): N_(
        "condition `{source}` is always false, so this feedback is never given; make it "
        "depend on the employee's values or remove it"
    ),
}
"""The ``constant-condition`` message by (is it a recommendation, its constant truth)."""


class _LabelChecks(_Pass):
    """Labels and conditions: fills ``labels`` and ``decided``, reads ``band_labels``."""

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

    def _predikat_labels(self) -> None:
        possible = self.labels.get("predikat")
        for i, label in enumerate(self.rules.predikat_labels):
            if possible is not None and label not in possible:
                message = _(
                    "predikat label {label} is never given: `{source}` gives only {labels}; "
                    "remove the label or make the expression give it",
                    label=repr(label),
                    source=self.rules.predikat.source,
                    labels=_quoted(self._ordered(possible)),
                )
                self.add(self.rules.where("predikat", "labels", i), "unreachable-label", message)

    def _comparisons(self, path: tuple, checked: Checked) -> None:
        for node in ast.walk(checked.tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            for k, op in enumerate(node.ops):
                left, right = operands[k], operands[k + 1]
                if isinstance(op, (ast.Eq, ast.NotEq)):
                    pairs = [(left, [right]), (right, [left])]
                    result = _NEVER_UNEQUAL if isinstance(op, ast.NotEq) else _NEVER_EQUAL
                elif isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, ast.List):
                    pairs, result = [(left, right.elts)], _NEVER_IN
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
                        message = _(
                            result,
                            subject=ast.unparse(subject),
                            value=repr(value),
                            hint=self._one_of(value, possible),  # type: ignore[arg-type]
                        )
                        self.add(self._at(path, checked, text), "impossible-comparison", message)

    def _conditions(self) -> None:
        rules = self.rules
        for section in ("feedback", "recommendations"):
            for i, condition in enumerate(getattr(rules, section)):
                body = condition.checked.tree.body
                truth = self._truth(body)
                if truth is None or id(body) in self.decided:
                    continue
                message = _(
                    _CONSTANT[section == "recommendations", truth],
                    source=condition.checked.source,
                    code=repr(condition.code),
                )
                self.add(rules.where(section, i, "when"), "constant-condition", message)

    def _one_of(self, value: str, possible: frozenset[str]) -> str:
        """The hint after a text ``value`` can never be: a did-you-mean, else the texts it can."""
        return suggest(value, sorted(possible)) or " " + _(
            "(it is one of {labels})", labels=_quoted(self._ordered(possible))
        )

    def _truth(self, node: ast.AST) -> bool | None:
        """Whether a condition is always true or always false; None when it depends."""
        if id(node) in self.decided:
            return self.decided[id(node)]
        if not any(isinstance(n, ast.Name) for n in ast.walk(node)):
            try:
                checked = check_expression(ast.unparse(node), self.rules.scope)
                value, error = evaluate_one(checked, self.rules.bands, {})
            except Exception:  # noqa: BLE001 - a constant that cannot be computed is not judged
                return None
            return None if error is not None else bool(value)
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
