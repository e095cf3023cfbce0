"""A rule expression in words, with one employee's values put in.

``mean(kualitas_layanan, komunikasi) * 20`` becomes "(rata-rata Kualitas layanan (3)
dan Komunikasi (4) = 3,5) × 20": every name is replaced by its label in the rules and
its value, every library function by what it does, and every part that computes
something on the way by its value too. Arithmetic keeps the signs taught at school
(+ − × ÷); comparisons, conditions and functions are words. Nothing is computed here
that the engine does not compute: a part's value is the expression of that part
evaluated on the employee's values by the engine's own backend
(:func:`kinerja.expr.evaluate.evaluate_one`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence

from kinerja.expr.check import Checked, check_expression
from kinerja.expr.evaluate import evaluate_one
from kinerja.functions import FUNCTIONS, REQUIRED
from kinerja.i18n import N_, _
from kinerja.output.explain_bands import BandStory, band_index
from kinerja.output.explain_format import exact, value_words
from kinerja.rules import RuleSet

__all__ = ["FUNCTION_WORDS", "Narrator", "score_label"]

FUNCTION_WORDS: dict[str, str] = {
    # i18n: {values} is a list such as "Komunikasi (4), Sikap (3) and Integritas (5)"
    "mean": N_("the mean of {values}"),
    "wmean": N_("the weighted mean of {values} with the weights {weights}"),
    "total": N_("the sum of {values}"),
    "count": N_("how many of {values} are filled in"),
    "coalesce": N_("the first filled in of {values}"),
    "min": N_("the smallest of {values}"),
    "max": N_("the largest of {values}"),
    "clamp": N_("{value} kept between {low} and {high}"),
    "round": N_("{value} rounded to {digits} decimals"),
    "abs": N_("the absolute value of {value}"),
    "gap": N_("{realised} minus the target {target}"),
    "achievement": N_(
        "the achievement of {realised} against {target} (realised ÷ target × 100, at most {cap})"
    ),
    "achievement_inverse": N_(
        "the achievement of {realised} against {target}, lower being better "
        "((2 − realised ÷ target) × 100, at most {cap})"
    ),
    "achievement_range": N_(
        "the achievement of {realised} against the range {low} to {high} "
        "(100 inside the range, at most {cap})"
    ),
    "predikat_matrix": N_("the PermenPANRB 6/2022 predikat matrix for {hasil} and {perilaku}"),
    "pp46_time_cost": N_("the PP 46/2011 time or cost score of {realised} against {target}"),
    "pp46_skp": N_(
        "the PP 46/2011 SKP score of quantity {quantity}, quality {quality}, time {time} "
        "and cost {cost}"
    ),
    "ikm": N_("the citizen-satisfaction index (IKM) of {nrr_values}"),
    "ikm_grade": N_(
        "the IKM grade of {ikm_value} (A from 88.31, B from 76.61, C from 65, D from 25)"
    ),
    "jpm": N_("the job-person match of {levels} against the required levels {required}"),
    "jpm_band": N_(
        "the job-person match category of {jpm_value} (optimal from 90, cukup optimal "
        "from 78 to below 90, kurang optimal below 78)"
    ),
}
"""What each library function does, with its parameters as placeholders."""

_SPECIAL_WORDS = {
    "coalesce2": N_("{value}, or {fallback} when it is missing"),
    "fallback": N_("{name} (missing, counted as {fallback})"),
    "round0": N_("{value} rounded to a whole number"),
    "jpm_capped": N_(
        "the job-person match of {levels} against the required levels {required}, "
        "each level counting at most as the required one"
    ),
    "unknown": N_("{function} of {arguments}"),
    "filled_one": N_("{value} is filled in"),
    "filled_any": N_("at least one of {values} is filled in"),
}

_NAME_WORDS = {
    "achievement_mean": N_("the weighted mean of the indicator achievements"),
    "indicator_count": N_("the number of indicators"),
    "predikat": N_("the predikat"),
}

_COMPARE_WORDS: dict[type, str] = {
    ast.Lt: N_("{left} is less than {right}"),
    ast.LtE: N_("{left} is at most {right}"),
    ast.Gt: N_("{left} is more than {right}"),
    ast.GtE: N_("{left} is at least {right}"),
    ast.Eq: N_("{left} is {right}"),
    ast.NotEq: N_("{left} is not {right}"),
    ast.In: N_("{left} is one of {right}"),
    ast.NotIn: N_("{left} is none of {right}"),
}

_SIGNS: dict[type, tuple[str, int]] = {
    ast.Add: ("+", 1),
    ast.Sub: ("−", 1),
    ast.Mult: ("×", 2),
    ast.Div: ("÷", 2),
}
_OPERATION_WORDS: dict[type, tuple[str, int]] = {
    ast.FloorDiv: (N_("{left} divided by {right}, rounded down"), 2),
    ast.Mod: (N_("the remainder of {left} divided by {right}"), 2),
    ast.Pow: (N_("{left} to the power of {right}"), 3),
    ast.LShift: (N_("{left} shifted left by {right} bits"), 0),
    ast.RShift: (N_("{left} shifted right by {right} bits"), 0),
}
_LEAVES = (ast.Name, ast.Constant)


def score_label(rules: RuleSet) -> str:
    """The score's label in the rules (``Nilai kinerja``), or "Score" in the language
    in use when the rules give none."""
    return (rules.data.get("score") or {}).get("label") or _("Score")


class Narrator:
    """Tells one employee's rule expressions in words.

    :param rules: the rules the expressions belong to (labels, band tables, scope).
    :param values: every named value of the employee's result.
    """

    def __init__(self, rules: RuleSet, values: Mapping[str, object]):
        self.rules = rules
        self.values = values
        self._labels = {c.name: c.label for c in rules.components if c.label}
        self._labels.update({code: a.label for code, a in rules.aspects.items()})
        inputs = rules.data.get("inputs") or {}
        self._labels.update(
            {name: spec["label"] for name, spec in inputs.items() if spec.get("label")}
        )

    # ------------------------------------------------------------------ names

    def label(self, name: str) -> str:
        """What a name of the rules is, as a person reads it (its label in the rules)."""
        if name in self._labels:
            return self._labels[name]
        if name in self.rules.indicators:
            return _("the achievement of {indicator}", indicator=self.rules.indicators[name].label)
        if name == "score":
            return score_label(self.rules)
        if name in _NAME_WORDS:
            return _(_NAME_WORDS[name])
        return name.replace("_", " ")

    def named(self, name: str) -> str:
        """A name with its value: ``Komunikasi (4,71)``."""
        return f"{self.label(name)} ({self._value(self.values.get(name))})"

    # ------------------------------------------------------------------ values

    def value(self, node: ast.AST) -> object:
        """The value of a part of an expression for this employee (None: missing, or the
        part fails for them)."""
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        if isinstance(node, ast.Constant):
            return node.value
        try:
            checked = check_expression(ast.unparse(node), self.rules.scope)
            value, error = evaluate_one(
                checked, self.rules.bands, self.values, self.rules.scope.names
            )
        except Exception:  # noqa: BLE001 - an explanation shows what it can; the run stands
            return None
        return None if error else value

    def _value(self, value: object) -> str:
        return _("missing") if value is None else value_words(value)

    # ------------------------------------------------------------------ words

    def describe(self, checked: Checked) -> str:
        """A whole expression in words (its own value is not repeated: it follows)."""
        return self.words(checked.tree.body, top=True)

    def band_story(self, node: ast.AST) -> BandStory | None:
        """How a ``band(value, 'table')`` call came out, when ``node`` is one."""
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            return None
        if node.func.id != "band" or len(node.args) != 2:
            return None
        table_node = node.args[1]
        table = table_node.value if isinstance(table_node, ast.Constant) else None
        if not isinstance(table, str) or table not in self.rules.bands:
            return None
        subject = node.args[0]
        value = self.value(subject)
        bands = tuple(self.rules.bands[table])
        chosen = band_index(value, bands)
        label = bands[chosen][0] if chosen is not None else self.value(node)
        if isinstance(subject, ast.Name):
            words = self.label(subject.id)
        else:
            words = self.words(subject, top=True)
        return BandStory(words, value, table, bands, chosen, label)

    def step_band(self, checked: Checked) -> tuple[BandStory | None, bool]:
        """The band table a step looks up, and whether the step is that lookup itself:
        its top (``band(score, 'nilai')``), or its only band call inside (shown when
        the employee's value reached a band)."""
        body = checked.tree.body
        story = self.band_story(body)
        if story is not None:
            return story, True
        inner = [s for n in ast.walk(body) if (s := self.band_story(n)) is not None]
        if len(inner) == 1 and inner[0].chosen is not None:
            return inner[0], False
        return None, False

    def words(self, node: ast.AST, top: bool = False) -> str:
        """``node`` in words; below the top, each computed part carries its value."""
        if isinstance(node, ast.Name):
            return self.label(node.id) if top else self.named(node.id)
        if isinstance(node, ast.Constant):
            return self.constant(node.value)
        if isinstance(node, ast.List | ast.Tuple):
            return listed([self.words(e) for e in node.elts])
        tell = self._tellers().get(type(node))
        if tell is None:
            return ast.unparse(node)
        text = tell(node)
        if top or isinstance(node, ast.BinOp | ast.UnaryOp) or _reads_as_value(node):
            return text
        return f"{text} = {self._value(self.value(node))}"

    def _tellers(self) -> dict[type, Callable[..., str]]:
        return {
            ast.BinOp: self._arithmetic,
            ast.UnaryOp: self._unary,
            ast.Compare: self._compare,
            ast.BoolOp: self._logic,
            ast.IfExp: self._choice,
            ast.Call: self._call,
        }

    def constant(self, value: object) -> str:
        """A constant written in the rules: numbers exactly, text in quotation marks."""
        if isinstance(value, str):
            return f"“{value}”"
        if value is None:
            return _("missing")
        if isinstance(value, bool):
            return value_words(value)
        return exact(value)  # type: ignore[arg-type]

    def _operand(self, node: ast.AST, level: int, right: bool = False) -> str:
        """An operand of arithmetic, in brackets where it would otherwise read wrongly."""
        text = self.words(node)
        if isinstance(node, _LEAVES):
            return text
        if isinstance(node, ast.BinOp):
            inner = _level(node.op)
            if inner > level or (inner == level and not right):
                return text
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
            return text
        return f"({text})"

    def _arithmetic(self, node: ast.BinOp) -> str:
        level = _level(node.op)
        left = self._operand(node.left, level)
        right = self._operand(node.right, level, right=True)
        if type(node.op) in _SIGNS:
            return f"{left} {_SIGNS[type(node.op)][0]} {right}"
        return _(_OPERATION_WORDS[type(node.op)][0], left=left, right=right)

    def _unary(self, node: ast.UnaryOp) -> str:
        if isinstance(node.op, ast.Not):
            return _("it is not so that {condition}", condition=self.words(node.operand, top=True))
        operand = self._operand(node.operand, 3)
        return f"−{operand}" if isinstance(node.op, ast.USub) else operand

    def _compare(self, node: ast.Compare) -> str:
        filled_in = self._filled_in(node)
        if filled_in is not None:
            return filled_in
        parts, left = [], node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts.append(
                _(
                    _COMPARE_WORDS[type(op)],
                    left=self._condition_part(left),
                    right=self._condition_part(right),
                )
            )
            left = right
        return joined(parts, N_("{left} and {right}"))

    def _filled_in(self, node: ast.Compare) -> str | None:
        """``count(a, b) > 0`` (or ``>= 1``) read as "at least one of a and b is filled in"."""
        if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Gt | ast.GtE):
            return None
        call, bound = node.left, node.comparators[0]
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        if call.func.id != "count" or call.keywords or not isinstance(bound, ast.Constant):
            return None
        if bound.value != (0 if isinstance(node.ops[0], ast.Gt) else 1):
            return None
        items = call.args
        if len(items) == 1 and isinstance(items[0], ast.List | ast.Tuple):
            items = items[0].elts
        if len(items) == 1:
            return _(_SPECIAL_WORDS["filled_one"], value=self.words(items[0]))
        return _(_SPECIAL_WORDS["filled_any"], values=listed([self.words(i) for i in items]))

    def _condition_part(self, node: ast.AST) -> str:
        if isinstance(node, ast.BoolOp | ast.IfExp | ast.Compare | ast.BinOp) or (
            isinstance(node, ast.Call) and not _fallback(node)
        ):
            return f"({self.words(node)})"
        return self.words(node)

    def _logic(self, node: ast.BoolOp) -> str:
        template = (
            N_("{left} and {right}") if isinstance(node.op, ast.And) else N_("{left} or {right}")
        )
        parts = []
        for operand in node.values:
            text = self.words(operand, top=True)
            if isinstance(operand, ast.BoolOp | ast.IfExp):
                text = f"({text})"
            parts.append(text)
        return joined(parts, template)

    def _choice(self, node: ast.IfExp) -> str:
        holds = self.value(node.test)
        if holds is None:
            truth = _("cannot be checked, a value is missing")
        else:
            truth = _("met") if holds else _("not met")
        return _(
            "if {condition} (here: {truth}), then {then}; otherwise {otherwise}",
            condition=self.words(node.test, top=True),
            then=self.words(node.body),
            otherwise=self.words(node.orelse),
            truth=truth,
        )

    def _call(self, node: ast.Call) -> str:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        story = self.band_story(node)
        if story is not None:
            return story.sentence()
        function = FUNCTIONS.get(name)
        if function is None or name not in FUNCTION_WORDS:
            arguments = [self.words(a) for a in node.args]
            arguments += [self.words(k.value) for k in node.keywords]
            return _(_SPECIAL_WORDS["unknown"], function=name, arguments=listed(arguments))
        if function.variadic:
            items = node.args
            if len(items) == 1 and isinstance(items[0], ast.List | ast.Tuple):
                items = items[0].elts
            if _fallback(node):
                return self._fallback(items[0], items[1])  # type: ignore[arg-type]
            if name == "coalesce" and len(items) == 2:
                value, fallback = (self.words(i) for i in items)
                return _(_SPECIAL_WORDS["coalesce2"], value=value, fallback=fallback)
            return _(FUNCTION_WORDS[name], values=listed([self.words(i) for i in items]))
        given = self._arguments(node, [p.name for p in function.params])
        words = {
            p.name: self.words(given[p.name]) if p.name in given else self._default(p.default)
            for p in function.params
        }
        return _(self._template(name, given), **words)

    def _fallback(self, name: ast.Name, fallback: ast.Constant) -> str:
        """``coalesce(name, constant)`` read as the name's value, or the constant that
        stands in for it when it is missing."""
        if self.values.get(name.id) is not None:
            return self.named(name.id)
        return _(
            _SPECIAL_WORDS["fallback"], name=self.label(name.id), fallback=self.words(fallback)
        )

    def _template(self, name: str, given: Mapping[str, ast.AST]) -> str:
        if name == "round" and "digits" not in given:
            return _SPECIAL_WORDS["round0"]
        if name == "jpm" and "cap" in given and self.value(given["cap"]):
            return _SPECIAL_WORDS["jpm_capped"]
        return FUNCTION_WORDS[name]

    @staticmethod
    def _arguments(node: ast.Call, params: Sequence[str]) -> dict[str, ast.AST]:
        given: dict[str, ast.AST] = dict(zip(params, node.args, strict=False))
        given.update({k.arg: k.value for k in node.keywords if k.arg})
        return given

    def _default(self, default: object) -> str:
        return "" if default is REQUIRED else self.constant(default)


def _reads_as_value(node: ast.AST) -> bool:
    """Whether the words of ``node`` already end in its value (a band call) or read as a
    value (``coalesce(name, constant)``), so that no ``= value`` follows them."""
    if _fallback(node):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "band"


def _fallback(node: ast.AST) -> bool:
    """Whether ``node`` is ``coalesce(name, constant)``: a value with a stand-in."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "coalesce"
        and not node.keywords
        and len(node.args) == 2
        and isinstance(node.args[0], ast.Name)
        and isinstance(node.args[1], ast.Constant)
    )


def _level(op: ast.operator) -> int:
    """How tightly an arithmetic sign binds (× before +)."""
    if type(op) in _SIGNS:
        return _SIGNS[type(op)][1]
    return _OPERATION_WORDS[type(op)][1]


def listed(items: Sequence[str]) -> str:
    """``a, b and c`` in the language in use (``;`` between items that hold a comma and a
    space: a decimal comma is not one)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    separator = "; " if any(", " in item for item in items) else ", "
    return _("{items} and {last}", items=separator.join(items[:-1]), last=items[-1])


def joined(parts: Sequence[str], template: str) -> str:
    """Parts joined two by two with ``template`` (``{left} and {right}``)."""
    text = parts[0]
    for part in parts[1:]:
        text = _(template, left=text, right=part)
    return text
