"""Rule coverage: which rules, bands and branches the test cases exercised.

For each rule set the cases ran against, the items are:

- every row of every band table an expression uses (hit when a ``band(...)`` call
  returned that row's label);
- both sides of every ``x if c else y`` (the condition true, and false);
- every operand of ``and``/``or`` but the last, both when it stops the evaluation
  (short-circuits) and when it lets it go on;
- every feedback and recommendation condition, true and false;
- every predikat label the rules declare;
- every indicator kind the rules use (normal, inverse, range with a ``target_maks``);
- every rated aspect with each of its rater groups (hit when that group's ratings
  were used for the aspect).

The cases' appraised results are evaluated a second time, by the same columnar
compiler with a tracer (:mod:`kinerja.expr.trace`), so the rule evaluation of a
normal run carries no tracing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kinerja.expr.columnar import Column, compile_column, compile_steps, declared_types, truth
from kinerja.expr.steps import Step
from kinerja.expr.trace import Traced, TracePoint, Tracer
from kinerja.frames import RunOutput
from kinerja.i18n import _
from kinerja.rules import RuleSet
from kinerja.rules.yamlload import Location

Key = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the cases should exercise, where it is in the rules, and how it is hit."""

    kind: str
    """``band``, ``branch``, ``condition``, ``predikat``, ``indicator_kind`` or ``aspect_group``."""
    text: str
    location: Location
    key: Key


@dataclass(slots=True)
class Coverage:
    """The coverage of one rule set: every item and which were hit."""

    region: str
    rules: str
    items: list[Item]
    hit: list[bool]

    @property
    def covered(self) -> int:
        """How many items were exercised."""
        return sum(self.hit)

    @property
    def percent(self) -> float:
        """Exercised items as a percentage of all (100 when there are none)."""
        return 100.0 * self.covered / len(self.items) if self.items else 100.0

    def below(self, threshold: float) -> bool:
        """True when the coverage is below ``threshold`` percent (compared exactly)."""
        return self.covered * 100 < threshold * len(self.items)

    def uncovered(self) -> list[Item]:
        """The items never exercised, in file order."""
        return [item for item, hit in zip(self.items, self.hit, strict=True) if not hit]


def expression_location(rules: RuleSet, path: tuple[str | int, ...], offset: int) -> Location:
    """The ``file:line:col`` of column ``offset`` of the expression at ``path`` in the rules.

    Expressions are read with their whitespace collapsed, so the position is found by
    counting the non-blank characters from where the value starts in the file (after a
    quote, or on the line after a ``>``/``|`` block indicator).
    """
    where = rules.where(*path)
    loaded = rules.loaded
    text = loaded.text_of(where.file) if hasattr(loaded, "text_of") else loaded.text
    lines = text.splitlines()
    line, col = where.line - 1, where.col - 1
    first = lines[line][col : col + 1] if line < len(lines) else ""
    if first in (">", "|"):
        line, col = line + 1, 0
    elif first in ("'", '"'):
        col += 1
    source = _source_at(rules, path)
    target = sum(1 for c in source[:offset] if not c.isspace())
    seen = 0
    while line < len(lines):
        row = lines[line]
        while col < len(row):
            if not row[col].isspace():
                if seen == target:
                    return Location(where.file, line + 1, col + 1)
                seen += 1
            col += 1
        line, col = line + 1, 0
    return where


def _source_at(rules: RuleSet, path: tuple[str | int, ...]) -> str:
    value: object = rules.data
    for part in path:
        value = value[part]  # type: ignore[index]
    return " ".join(str(value).split())


def _range(low: float | None, high: float | None) -> str:
    """A band row's limits in words."""
    if low is not None and high is not None:
        return _("{low} to under {high}", low=format(low, "g"), high=format(high, "g"))
    if low is not None:
        return _("{low} and above", low=format(low, "g"))
    return _("under {high}", high=format(high, "g")) if high is not None else _("any value")


@dataclass(slots=True)
class _Traced:
    """One traced program (the rules' steps, or one condition) and what it stands for."""

    steps: list[tuple[Step, Column]]
    points: list[Traced]
    owners: dict[str, tuple[str, tuple[str | int, ...], str]] = field(default_factory=dict)
    """Step name -> (words for it, path of its expression, its source)."""


def _traced(rules: RuleSet, steps: list[Step]) -> _Traced:
    """``steps`` compiled with a tracer each; place ids run on from step to step."""
    compiled, points = [], []
    for step in steps:
        tracer = Tracer(step.name, first=len(points))
        compiled.append((step, compile_column(step.checked, rules.bands, trace=tracer)))
        points += tracer.points
    return _Traced(compiled, points)


class RulesCoverage:
    """Traces the cases' results under one rule set and counts the items they hit."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        self.events: set[Key] = set()
        self.traced: list[_Traced] = [_traced(rules, rules.steps())]
        score_path = ("score", "weights" if rules.score_weights else "expr")
        owners = {
            c.name: (
                _("component {name}", name=c.name),
                ("components", i, "expr"),
                c.checked.source,
            )
            for i, c in enumerate(rules.components)
        }
        owners["score"] = ("score", score_path, rules.score.source)
        owners["predikat"] = ("predikat", ("predikat", "expr"), rules.predikat.source)
        self.traced[0].owners = owners
        self.conditions: list[tuple[str, int, str]] = []
        for section, conditions in (
            ("feedback", rules.feedback),
            ("recommendations", rules.recommendations),
        ):
            for i, condition in enumerate(conditions):
                words = (
                    _("feedback {number}", number=i + 1)
                    if section == "feedback"
                    else _("recommendation {code}", code=condition.code)
                )
                traced = _traced(rules, [Step("when", condition.checked)])
                source = condition.checked.source
                traced.owners = {"when": (words, (section, i, "when"), source)}
                self.traced.append(traced)
                self.conditions.append((section, i, words))
        self.items = self._items()

    def observe(self, output: RunOutput) -> None:
        """Evaluate every appraised result of a run again, traced, and record what it hit.

        The rules' steps are computed afresh from the results' inputs (so the predikat
        is the one its rule gives, before any objection), then every traced place is
        read where a row reaches it.
        """
        values = self._recomputed(output.results)
        ok = pl.col("_error").is_null()
        main = self.traced[0]
        self._record(0, main, values, ok)
        predikat = values.filter(ok)["predikat"].unique().to_list()
        self.events.update(("predikat", label) for label in predikat)
        for k, traced in enumerate(self.traced[1:]):
            [(_step, column)] = traced.steps
            fine = values.filter(ok).select(
                column.error.is_null().alias("fine"),
                truth(column.value, column.dtype).alias("holds"),
            )
            holds = fine.filter("fine")["holds"].unique().to_list()
            self.events.update(("condition", k, bool(h)) for h in holds)
            self._record(k + 1, traced, values.filter(ok), column.error.is_null())
        self._record_details(output)

    def _recomputed(self, results: pl.DataFrame) -> pl.DataFrame:
        """The results with every step computed again, ``_error`` where one fails, and a
        missing column for each name the rules read that the results lack."""
        rules = self.rules
        program = compile_steps(rules.steps(), rules.bands, describe=str)
        values = program.apply(results)
        wanted: dict[str, pl.DataType] = {}
        for traced in self.traced:
            for step, _column in traced.steps:
                wanted.update(declared_types(step.checked))
        absent = [pl.lit(None, t).alias(n) for n, t in wanted.items() if n not in values.columns]
        values = values.with_columns(absent) if absent else values
        for traced in self.traced:
            for _step, column in traced.steps:
                values = column.prepare(values)
        return values

    def _record(self, index: int, traced: _Traced, values: pl.DataFrame, ok: pl.Expr) -> None:
        """The values each traced place gave, where a row that evaluates reaches it."""
        for mark in traced.points:
            point = mark.point
            given = values.select(
                pl.when(ok & mark.reached).then(mark.value).alias("v")
            ).drop_nulls()
            for value in given["v"].unique().to_list():
                if point.kind == "band":
                    self.events.add(("band", point.detail, value))
                else:
                    self.events.add(("point", index, point.id, bool(value)))

    def _record_details(self, output: RunOutput) -> None:
        """The indicator kinds and the aspects' rater groups the appraised results used."""
        appraised = output.results.select("nip")
        indicators = output.indicators.join(appraised, on="nip", how="semi")
        kinds = indicators.filter((pl.col("kind") != "range") | pl.col("target_max").is_not_null())
        self.events.update(("indicator_kind", k) for k in kinds["kind"].unique().to_list())
        groups = output.groups.join(appraised, on="nip", how="semi").filter(status="used")
        used = groups.select("aspect", "group").unique().iter_rows()
        self.events.update(("aspect_group", aspect, group) for aspect, group in used)

    def coverage(self) -> Coverage:
        """The items and which of them the observed runs hit."""
        hit = [item.key in self.events for item in self.items]
        return Coverage(self.rules.region, self.rules.path, self.items, hit)

    def _items(self) -> list[Item]:
        rules = self.rules
        items: list[Item] = []
        used_tables = [
            m.point.detail for t in self.traced for m in t.points if m.point.kind == "band"
        ]
        for table in dict.fromkeys(used_tables):
            for i, (label, low, high) in enumerate(rules.bands.get(table, ())):
                items.append(
                    Item(
                        "band",
                        _(
                            "band {table}: {label} ({range})",
                            table=table,
                            label=repr(label),
                            range=_range(low, high),
                        ),
                        rules.where("bands", table, i),
                        ("band", table, label),
                    )
                )
        for index, traced in enumerate(self.traced):
            for mark in traced.points:
                if mark.point.kind != "band":
                    items += self._branch_items(index, traced, mark.point)
        for k, (section, i, words) in enumerate(self.conditions):
            source = rules.feedback[i] if section == "feedback" else rules.recommendations[i]
            when = source.checked.source
            for holds, text in (
                (True, _("{what} when `{source}`: true", what=words, source=when)),
                (False, _("{what} when `{source}`: false", what=words, source=when)),
            ):
                items.append(
                    Item(
                        "condition",
                        text,
                        rules.where(section, i, "when"),
                        ("condition", k, holds),
                    )
                )
        for i, label in enumerate(rules.predikat_labels):
            where = rules.where("predikat", "labels", i)
            text = _("predikat {label}", label=repr(label))
            items.append(Item("predikat", text, where, ("predikat", label)))
        kinds: dict[str, list[str]] = {}
        for code, indicator in rules.indicators.items():
            kinds.setdefault(indicator.kind, []).append(code)
        for kind, codes in kinds.items():
            listed = ", ".join(codes)
            if kind == "range":
                text = _(
                    "indicator kind {kind} ({codes}) with a target_maks", kind=kind, codes=listed
                )
            else:
                text = _("indicator kind {kind} ({codes})", kind=kind, codes=listed)
            where = rules.where("indicators", codes[0], "kind")
            items.append(Item("indicator_kind", text, where, ("indicator_kind", kind)))
        for code, aspect in rules.aspects.items():
            entry = rules.data.get("aspects", {}).get(code) or {}
            for j, group in enumerate(aspect.groups):
                if "groups" in entry:
                    where = rules.where("aspects", code, "groups", j)
                elif group in (entry.get("weights") or {}):
                    where = rules.where("aspects", code, "weights", group)
                else:
                    where = rules.where("aspects", code)
                items.append(
                    Item(
                        "aspect_group",
                        _("aspect {code} rated by {group}", code=code, group=group),
                        where,
                        ("aspect_group", code, group),
                    )
                )
        order = {id(item): n for n, item in enumerate(items)}
        return sorted(items, key=lambda it: (it.location.line, it.location.col, order[id(it)]))

    def _branch_items(self, index: int, traced: _Traced, point: TracePoint) -> list[Item]:
        words, path, source = traced.owners[point.step]
        part = source[point.start : point.end]
        where = expression_location(self.rules, path, point.start)
        if point.kind == "if":
            sides = [(True, _("true (then-branch)")), (False, _("false (else-branch)"))]
        elif point.kind == "and":
            sides = [(False, _("false (`and` stops here)")), (True, _("true (`and` goes on)"))]
        else:
            sides = [(True, _("true (`or` stops here)")), (False, _("false (`or` goes on)"))]
        return [
            Item(
                "branch",
                _("{what}: `{part}` {side}", what=words, part=part, side=side),
                where,
                ("point", index, point.id, value),
            )
            for value, side in sides
        ]


class Tracker:
    """Collects coverage across every case run, per rule file."""

    def __init__(self) -> None:
        self.by_rules: dict[tuple[str, str], RulesCoverage] = {}

    def observe(self, rules: RuleSet, output: RunOutput) -> None:
        """Record what one case's run exercised (pass this to the case runner)."""
        key = (rules.path, rules.sha256)
        if key not in self.by_rules:
            self.by_rules[key] = RulesCoverage(rules)
        self.by_rules[key].observe(output)

    def reports(self) -> list[Coverage]:
        """The coverage of every rule file observed, in the order first seen."""
        return [tracker.coverage() for tracker in self.by_rules.values()]


__all__ = ["Coverage", "Item", "RulesCoverage", "Tracker", "expression_location"]
