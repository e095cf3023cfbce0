"""Helpers for the rule tests: a rule set's steps through the engine on one row, and
simpleeval set up as the reference the columnar backend is checked against.

The reference is simpleeval with the engine's documented rules, and nothing of the
engine's code but the library functions and the limits:

- numbers are tidied to 9 decimals where they are compared and where a step gives
  them as its result (the engine tidies only computed ones; the test data have at most
  9 decimals, so tidying a value passed on as it is changes nothing);
- ``band()`` looks a value up as it is, and one that misses every band is tidied and
  looked up again (``band_lookup``);
- the guards: exponents and shift amounts within 64, shifts on whole numbers only,
  whole powers within 4096 bits, no text repeated with ``*`` or formatted with ``%``,
  text at most 10,000 characters, no complex results;
- numbers are 64-bit floats: a whole number that a double cannot hold raises
  OverflowError, as converting it to float does;
- ``wmean([x], [w])`` with one positive constant weight is ``x`` itself.

A failing row's words follow the engine's wording rules (:func:`failure_words`).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence

from simpleeval import EvalWithCompoundTypes

from kinerja.errors import EvaluationError, FunctionError
from kinerja.expr.check import MAX_EXPONENT, MAX_SHIFT, Checked
from kinerja.expr.columnar import compile_steps
from kinerja.expr.evaluate import row_frame
from kinerja.expr.guards import MAX_INT_BITS, MAX_TEXT
from kinerja.expr.steps import Bands, Step
from kinerja.functions import DECIMALS, FUNCTIONS, band_lookup
from kinerja.rules import RuleSet

__all__ = ["Reference", "failure_words", "rule_steps", "step_values"]

_LENIENT = frozenset({"mean", "coalesce", "total", "count", "min", "max"})


# ------------------------------------------------------------------ the engine on one row


def rule_steps(rules: RuleSet) -> list[Step]:
    """The rules' program: every component, then ``score`` and ``predikat``."""
    steps = [Step(c.name, c.checked) for c in rules.components]
    return [*steps, Step("score", rules.score), Step("predikat", rules.predikat)]


def step_values(rules: RuleSet, values: Mapping[str, object]) -> tuple[object, ...]:
    """Each step's value for one employee's ``values``, through the columnar engine.

    :raises AssertionError: with the engine's reason when the row fails.
    """
    steps = rule_steps(rules)
    program = compile_steps(steps, rules.bands, describe=str)
    row = program.apply(row_frame(values)).row(0, named=True)
    if row["_error"] is not None:
        raise AssertionError(row["_error"])
    return tuple(row[s.name] for s in steps)


# ------------------------------------------------------------------ the reference


def _bounded(value: object) -> object:
    """``value``, refused as a double refuses it when it is a whole number out of range."""
    if type(value) is int:
        float(value)  # OverflowError: int too large to convert to float
    return value


def _tidy(value: object) -> object:
    return round(value, DECIMALS) if type(value) is float else value


def _pow(base: object, exponent: object) -> object:
    if isinstance(exponent, (int, float)) and abs(exponent) > MAX_EXPONENT:
        raise EvaluationError(f"exponent {exponent} is above the limit of {MAX_EXPONENT}")
    whole = isinstance(base, int) and isinstance(exponent, int)
    if whole and base.bit_length() * abs(exponent) > MAX_INT_BITS:  # type: ignore[union-attr]
        raise EvaluationError("power result would be too large")
    result = base**exponent  # type: ignore[operator]
    if isinstance(result, complex):
        raise EvaluationError(
            f"{base} ** {exponent} has no real value (a negative number to a fractional power)"
        )
    return result


def _shift_amount(amount: object) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 <= amount <= MAX_SHIFT:
        raise EvaluationError(f"shift amount must be a whole number from 0 to {MAX_SHIFT}")
    return amount


def _lshift(value: object, amount: object) -> object:
    if not isinstance(value, int) or abs(value).bit_length() > MAX_INT_BITS:
        raise EvaluationError("shifts work on whole numbers only")
    return value << _shift_amount(amount)


def _rshift(value: object, amount: object) -> object:
    if not isinstance(value, int):
        raise EvaluationError("shifts work on whole numbers only")
    return value >> _shift_amount(amount)


def _mul(left: object, right: object) -> object:
    if isinstance(left, (str, tuple, list)) or isinstance(right, (str, tuple, list)):
        raise EvaluationError("repeating text or lists with * is not allowed")
    return left * right  # type: ignore[operator]


def _mod(left: object, right: object) -> object:
    if isinstance(left, str):
        raise EvaluationError("text formatting with % is not allowed")
    return left % right  # type: ignore[operator]


def _add(left: object, right: object) -> object:
    result = left + right  # type: ignore[operator]
    if isinstance(result, (str, tuple, list)) and len(result) > MAX_TEXT:
        raise EvaluationError(f"text longer than {MAX_TEXT} characters")
    return result


def _checked(function: Callable[..., object]) -> Callable[..., object]:
    return lambda *args, **kwargs: _bounded(function(*args, **kwargs))


def _compared(function: Callable[[object, object], object]) -> Callable[[object, object], object]:
    return lambda left, right: function(_tidy(left), _tidy(right))


_ARITHMETIC: dict[type, Callable[..., object]] = {
    ast.Add: _add,
    ast.Sub: operator.sub,
    ast.Mult: _mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: _mod,
    ast.Pow: _pow,
    ast.LShift: _lshift,
    ast.RShift: _rshift,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_COMPARISONS: dict[type, Callable[[object, object], object]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda x, y: x in y,
    ast.NotIn: lambda x, y: x not in y,
}
_OPERATORS: dict[type, Callable[..., object]] = {
    **{op: _checked(f) for op, f in _ARITHMETIC.items()},
    **{op: _compared(f) for op, f in _COMPARISONS.items()},
    ast.Not: operator.not_,
}
"""simpleeval's operators under the engine's rules (guards, tidied comparisons)."""


def _wmean(values: object, weights: object, missing: object = "renormalise") -> object:
    """The library's ``wmean``, except that one value with one positive weight is itself."""
    if (
        isinstance(values, (list, tuple))
        and isinstance(weights, (list, tuple))
        and len(values) == len(weights) == 1
        and type(weights[0]) in (int, float)
        and weights[0] > 0
        and missing in ("renormalise", "incomplete")
    ):
        return values[0]
    return FUNCTIONS["wmean"].impl(values, weights, missing)


def _band(value: object, rows: Sequence[tuple[str, float | None, float | None]]) -> object:
    """The first band with ``min <= value < max`` for the value as it is; else (a value
    that misses every band, or no number) ``band_lookup``, which tidies it first."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        for label, low, high in rows:
            if (low is None or value >= low) and (high is None or value < high):
                return label
    return band_lookup(value, rows)


def _functions(bands: Bands) -> dict[str, Callable[..., object]]:
    functions = {name: _checked(f.impl) for name, f in FUNCTIONS.items()}
    functions["wmean"] = _wmean
    functions["band"] = lambda value, table: _band(value, bands[table])
    return functions


def failure_words(
    exc: BaseException,
    checked: Checked,
    values: Mapping[str, object],
    describe: Callable[[str], str] | None = None,
) -> str:
    """The engine's words for why ``checked`` failed on ``values`` with ``exc``."""
    source = checked.source
    missing = [n for n in checked.names if values.get(n) is None]
    if isinstance(exc, (TypeError, FunctionError)) and missing:
        names = ", ".join(describe(n) if describe else n for n in missing)
        hint = "add the data"
        if not _LENIENT & set(checked.functions):
            hint += ", or write the rule with coalesce() or mean(), which skip missing values"
        verb = "is" if len(missing) == 1 else "are"
        return f"{names} {verb} missing for this employee, so `{source}` cannot be computed; {hint}"
    if isinstance(exc, ZeroDivisionError):
        return f"division by zero in `{source}`"
    if isinstance(exc, (FunctionError, EvaluationError)):
        return f"{exc} (in `{source}`)"
    if isinstance(exc, OverflowError):
        return f"number too large in `{source}`"
    return f"{type(exc).__name__}: {exc} (in `{source}`)"


def _no_weights(
    score_weights: Mapping[str, float], labels: Mapping[str, str], values: Mapping[str, object]
) -> str:
    missing = [c for c in score_weights if values.get(c) is None]
    shown = ", ".join(f"{c} ({labels.get(c, c)})" for c in missing)
    return (
        f"not appraised: the score weighs every component, but {shown} "
        f"{'has' if len(missing) == 1 else 'have'} no value for this employee; "
        "add the missing data (capaian rows or ratings)"
    )


_LITERALS = {"true": True, "false": False, "null": None}


class Reference:
    """simpleeval under the engine's rules, with one rule set's band tables.

    Each expression is parsed once and kept; names are set per row.
    """

    def __init__(self, bands: Bands):
        self.evaluator = EvalWithCompoundTypes(
            operators=dict(_OPERATORS), functions=_functions(bands), names={}
        )
        self.parsed: dict[str, ast.AST] = {}

    def value(self, source: str, values: Mapping[str, object]) -> object:
        """simpleeval's value of ``source`` on ``values`` (a result tidied).

        Raises what the evaluation raises (a library FunctionError, a guard's
        EvaluationError, Python's TypeError or ZeroDivisionError...).
        """
        if source not in self.parsed:
            self.parsed[source] = self.evaluator.parse(source)
        self.evaluator.names = {**_LITERALS, **values}
        return _tidy(self.evaluator.eval(source, self.parsed[source]))

    def run_steps(
        self,
        steps: Sequence[Step],
        values: Mapping[str, object],
        *,
        describe: Callable[[str], str],
        score_weights: Mapping[str, float] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> tuple[tuple[object, ...] | None, str | None]:
        """``(step values, None)`` for one row, or ``(None, why it is not appraised)``.

        Steps run in order, each reading the row and the earlier steps' results. The
        first step that raises gives the reason, unless the score weighs a component
        that has no value (then the score is missing, and that is the reason).
        """
        partial = dict(values)
        for step in steps:
            try:
                partial[step.name] = self.value(step.checked.source, partial)
            except Exception as exc:  # noqa: BLE001 - any failure fails the row
                if score_weights and "score" in partial and partial["score"] is None:
                    return None, _no_weights(score_weights, labels or {}, partial)
                words = failure_words(exc, step.checked, partial, describe)
                return None, f"not appraised: rule '{step.name}' failed: {words}"
        return tuple(partial[s.name] for s in steps), None
