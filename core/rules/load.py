"""A region's rule set: loaded strictly, validated against the schema, checked, compiled.

:func:`load_rules` is the one way in. It reports every problem in the file at once,
each as ``file:line:col: message``, and returns a :class:`RuleSet` whose
expressions have all passed the safety checks and are compiled once.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kinerja.expr.check import (
    ANY,
    BOOL,
    LIST,
    NUMBER,
    STRING,
    Checked,
    ExprError,
    Scope,
    check_expression,
    suggest,
)
from kinerja.expr.columnar import compile_column
from kinerja.i18n import N_, _, count
from kinerja.input.validate import AttributeSpec
from kinerja.rules.layering import load_layered
from kinerja.rules.parts import (
    BUILTIN_NAMES,
    Aspect,
    Component,
    Condition,
    Indicator,
    Publication,
    RaterGroup,
    RuleSet,
    Stage,
    Template,
    reserved_name,
)
from kinerja.rules.schemacheck import located_schema_problems
from kinerja.rules.yamlload import LoadedYaml, Location, Problem, RulesError
from kinerja.schemas import rules_schema_validator

MAX_COMPONENTS = 100
"""The most components a rule file may have (the shipped regions have 2 to 4)."""
MAX_PARTS = 2_000
"""The most expression parts (syntax nodes) a rule file may have in all, over its
components, score, predikat, feedback and recommendations: a run computes each part
for every employee, as a column of its own (the shipped regions have about 100)."""

_TYPE_WORDS = {
    # i18n: what a rule expression gives, as in "the predikat must be text, but `x` gives a number"
    NUMBER: N_("a number"),
    # i18n: what a rule expression gives, as in "the score must be a number, but `x` gives text"
    STRING: N_("text"),
    # i18n: what a rule expression gives (a condition), as in "... but `x > 1` gives true/false"
    BOOL: N_("true/false"),
    # i18n: what a rule expression gives, as in "the score must be a number, but `x` gives a list"
    LIST: N_("a list"),
}
"""The words for what an expression gives, as a type problem shows them."""
_NOT_A_NUMBER = {
    STRING: N_("component {name} is string, not a number"),
    BOOL: N_("component {name} is bool, not a number"),
    LIST: N_("component {name} is list, not a number"),
}
"""A weighted component that gives something else than a number, by what it gives."""

_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
_FIELD_SYNTAX = re.compile(r"([a-z][a-z0-9_]*)(?::(\.\d[f%]))?\Z")


def load_rules(path: str | Path, *, refuse_analysis_errors: bool = True) -> RuleSet:
    """Load, validate, check and compile a rule file (with any baseline it extends).

    :param path: the YAML rule file.
    :param refuse_analysis_errors: also refuse the errors the analyses find (band gaps
        and overlaps, rater weights that would be rescaled); only ``check --strict``
        turns this off, to report them beside its warnings.
    :raises RulesError: listing every problem found, each with ``file:line:col``.
    """
    loaded = load_layered(path)
    if loaded.base_missing:
        raise RulesError(loaded.problems)  # without its baseline the rest cannot be judged
    problems = loaded.problems + schema_problems(loaded)
    digest = hashlib.sha256()
    for _file, text in loaded.layers:  # the rules and every baseline they extend
        digest.update(text.encode("utf-8"))
    sha256 = digest.hexdigest()
    builder = _Builder(loaded, sha256)
    ruleset = None
    if isinstance(loaded.data, dict):
        try:
            ruleset = builder.build()
            problems += builder.problems
        except Exception:  # noqa: BLE001 - data the schema already refused; its problems stand
            if not problems:
                raise
    if not problems and ruleset is not None and refuse_analysis_errors:
        problems += _analysis_errors(ruleset)
    if problems:
        where = lambda p: (p.location.line, p.location.col, p.message)  # noqa: E731
        raise RulesError(sorted(set(problems), key=where))
    assert ruleset is not None
    return ruleset


def _analysis_errors(ruleset: RuleSet) -> list[Problem]:
    """The errors the analyses of the rule set find (band gaps and overlaps over the
    values the rules can give, rater weights that would be rescaled): rules with them
    do not load (:data:`kinerja.authoring.lint.ERROR_CODES`)."""
    from kinerja.authoring.lint import lint_errors  # the analyses read a built rule set

    return list(lint_errors(ruleset))


def schema_problems(loaded: LoadedYaml) -> list[Problem]:
    """Every JSON Schema violation in a loaded rule file, located and in plain words."""
    if not isinstance(loaded.data, dict):
        message = _("a rule file must be a mapping of keys to values")
        return [Problem(loaded.where(()), message)]
    return located_schema_problems(loaded, rules_schema_validator(), _reword)


def _reword(error: object, path: tuple) -> str | None:
    if getattr(error, "validator", None) == "oneOf" and path and path[-1] == "score":
        return _("score needs exactly one of `weights` or `expr`")
    return None


class _Builder:
    """Turns schema-valid data into a RuleSet, collecting every semantic problem."""

    def __init__(self, loaded: LoadedYaml, sha256: str):
        self.loaded = loaded
        self.data: dict[str, Any] = loaded.data  # type: ignore[assignment]
        self.sha256 = sha256
        self.problems: list[Problem] = []
        self.bands: dict[str, tuple[tuple[str, float | None, float | None], ...]] = {}

    def problem(self, path: tuple, message: str, offset: int = 0) -> None:
        where = self.loaded.where(path)
        if offset:
            lines = self.loaded.text_of(where.file).splitlines()
            line = lines[where.line - 1] if where.line - 1 < len(lines) else ""
            quote = 1 if line[where.col - 1 : where.col] in ("'", '"') else 0
            where = Location(where.file, where.line, where.col + quote + offset)
        self.problems.append(Problem(where, message))

    def check(self, path: tuple, source: object, scope: Scope) -> Checked | None:
        """The checked expression, compiled once to columns to find what cannot be
        computed (a value that is text for some employees and a number for others);
        None, with the problem recorded at ``path``, when it fails."""
        try:
            checked = check_expression(source, scope)
            compile_column(checked, self.bands)
        except ExprError as exc:
            self.problem(path, exc.message, exc.offset)
            return None
        return checked

    def _within_budget(self, components: int, expressions: list[Checked]) -> None:
        """Record a problem when the rules are larger than a run can afford: every part
        of every expression is computed for every employee (see :data:`MAX_PARTS`)."""
        if components > MAX_COMPONENTS:
            self.problem(
                ("components",),
                _(
                    "the rules have {components} components; the limit is {limit}. "
                    "Combine components, or split the policy into regions",
                    components=components,
                    limit=MAX_COMPONENTS,
                ),
            )
        parts = sum(sum(1 for _node in ast.walk(e.tree)) for e in expressions)
        if parts > MAX_PARTS:
            self.problem(
                (),
                _(
                    "the rules' expressions have {parts} parts in all; the limit is {limit}, "
                    "since every part is computed for every employee. "
                    "Simplify the expressions, or move repeated ones into a component",
                    parts=count(parts),
                    limit=count(MAX_PARTS),
                ),
            )

    def reserved(self, path: tuple, name: str) -> bool:
        """Record a problem, and say so, when ``name`` is one the rules cannot declare."""
        why = reserved_name(name)
        if why:
            message = _(
                "{name} cannot be declared: it is {why}; choose another name",
                name=repr(name),
                why=why,
            )
            self.problem(path, message)
        return bool(why)

    def require_type(self, path: tuple, checked: Checked, wanted: str, message: str) -> None:
        """Record ``message`` (with ``{source}`` and ``{got}``, the expression and what it
        gives) when ``checked`` cannot give a ``wanted`` value."""
        if checked.type in (wanted, ANY):
            return
        got = _TYPE_WORDS.get(checked.type)
        shown = _(got) if got else checked.type
        self.problem(path, _(message, source=checked.source, got=shown))

    def check_shares(self, groups: dict[str, RaterGroup]) -> None:
        """At most one rater group may have a ``max_share``."""
        limited = [g for g, group in groups.items() if group.max_share is not None]
        for g in limited[1:]:
            self.problem(
                ("rater_groups", g, "max_share"),
                _(
                    "only one rater group may have max_share, and {first} has one already; "
                    "remove it from {group} or from {first}",
                    first=repr(limited[0]),
                    group=repr(g),
                ),
            )

    def build(self) -> RuleSet | None:
        d = self.data
        inputs = {
            name: AttributeSpec(
                name=name,
                type=spec["type"],
                required=spec.get("required", False),
                minimum=spec.get("minimum"),
                maximum=spec.get("maximum"),
            )
            for name, spec in d.get("inputs", {}).items()
        }
        indicators = {
            code: Indicator(
                code, s["label"], s["kind"], float(s.get("cap", 120)), s.get("unit", "")
            )
            for code, s in d.get("indicators", {}).items()
        }
        default_missing = d.get("when_group_missing", "renormalise")
        groups = {
            g: RaterGroup(
                g,
                float(s["weight"]),
                int(s.get("min_count", 1)),
                s.get("label", g),
                s.get("when_missing", default_missing),
                None if s.get("max_share") is None else float(s["max_share"]),
            )
            for g, s in d.get("rater_groups", {}).items()
        }
        self.check_shares(groups)
        aspects: dict[str, Aspect] = {}
        for code, s in d.get("aspects", {}).items():
            low, high = s["scale"]
            if low >= high:
                self.problem(("aspects", code, "scale"), _("scale must be [lowest, highest]"))
            own_weights = {g: float(w) for g, w in s.get("weights", {}).items()}
            aspect_groups = tuple(s.get("groups", list(own_weights or groups)))
            for g in own_weights:
                if g not in aspect_groups:
                    self.problem(
                        ("aspects", code, "weights", g),
                        _(
                            "group {group} has a weight here but is not in this aspect's groups",
                            group=repr(g),
                        ),
                    )
            for g in aspect_groups:
                if g not in groups:
                    self.problem(
                        ("aspects", code, "groups"),
                        _(
                            "group {group} is not in rater_groups; declare it with a weight",
                            group=repr(g),
                        ),
                    )
            if not aspect_groups:
                self.problem(("aspects", code), _("no rater groups rate this aspect"))
            aspects[code] = Aspect(
                code,
                s["label"],
                (float(low), float(high)),
                aspect_groups,
                s.get("required_level"),
                own_weights,
            )
        bands = self.bands = self._bands()
        names: dict[str, str] = dict(BUILTIN_NAMES)
        self._declare(names, inputs, "inputs", lambda a: NUMBER if a.type == "number" else STRING)
        self._declare(names, indicators, "indicators", lambda _entry: NUMBER)
        self._declare(names, aspects, "aspects", lambda _entry: NUMBER)
        scope = Scope(names, frozenset(bands))

        components: list[Component] = []
        for i, c in enumerate(d["components"]):
            path = ("components", i, "expr")
            if self.reserved(("components", i, "name"), c["name"]):
                pass
            elif c["name"] in scope.names:
                message = _("name {name} is already used", name=repr(c["name"]))
                self.problem(("components", i, "name"), message)
            checked = self.check(path, c["expr"], scope)
            scope = scope.with_names({c["name"]: checked.type if checked else ANY})
            if checked is not None:
                components.append(
                    Component(
                        c["name"],
                        c["label"],
                        checked,
                        c.get("description", ""),
                        self.loaded.where(path),
                    )
                )
        score_weights = d["score"].get("weights")
        if score_weights is not None:
            score = self._weights_expression(score_weights, scope)
        else:
            score = self.check(("score", "expr"), d["score"]["expr"], scope)
        if score is not None and score_weights is None:
            self.require_type(
                ("score", "expr"),
                score,
                NUMBER,
                N_("the score must be a number, but `{source}` gives {got}"),
            )
        scope = scope.with_names({"score": NUMBER})
        predikat = self.check(("predikat", "expr"), d["predikat"]["expr"], scope)
        if predikat is not None:
            self.require_type(
                ("predikat", "expr"),
                predikat,
                STRING,
                N_("the predikat must be text, but `{source}` gives {got}"),
            )
        labels = tuple(d["predikat"]["labels"])
        scope = scope.with_names({"predikat": STRING})
        feedback = self._conditions("feedback", scope, bands, code_key="aspect")
        recommendations = self._conditions("recommendations", scope, bands, code_key="code")
        stages = self._stages(inputs, groups)
        if aspects and not groups:
            message = _("aspects are rated, but no rater_groups are declared")
            self.problem(("aspects",), message)
        expressions = [c.checked for c in components] + [score, predikat]
        expressions += [c.checked for c in (*feedback, *recommendations)]
        self._within_budget(len(d["components"]), [e for e in expressions if e is not None])
        if self.problems or score is None or predikat is None:
            return None
        return RuleSet(
            region=d["region"],
            title=d["title"],
            language=d.get("language"),
            description=d.get("description", ""),
            source_doc=d.get("source", ""),
            version=str(d["version"]),
            valid_from=d["valid_from"],
            valid_to=d.get("valid_to"),
            basis=d["basis"],
            period=d["period"],
            inputs=inputs,
            indicators=indicators,
            aspects=aspects,
            rater_groups=groups,
            when_group_missing=d.get("when_group_missing", "renormalise"),
            bands=bands,
            components=tuple(components),
            score_weights=score_weights,
            score=score,
            predikat_labels=labels,
            predikat=predikat,
            feedback=feedback,
            gap_feedback=bool(d.get("gap_feedback", False)),
            recommendations=recommendations,
            stages=stages,
            objection_window_days=(d.get("objections") or {}).get("window_days"),
            bias_checks=dict(d.get("bias_checks", {})),
            peer_comparison=(d.get("peer_comparison") or {}).get("by"),
            publication=Publication.parse(d.get("publication")),
            rater_effects=_thresholds(d.get("rater_effects")),
            adjust_for_rater_effects=bool((d.get("rater_effects") or {}).get(ADJUST, False)),
            path=self.loaded.file,
            sha256=self.sha256,
            data=d,
            loaded=self.loaded,
            scope=scope,
        )

    def _declare(
        self,
        names: dict[str, str],
        entries: Mapping[str, Any],
        section: str,
        typer: Callable[[Any], str],
    ) -> None:
        for key, entry in entries.items():
            if self.reserved((section, key), key):
                continue
            if key in names:
                self.problem(
                    (section, key),
                    _(
                        "name {name} is declared twice (inputs, indicators, aspects and "
                        "built-in names share one namespace)",
                        name=repr(key),
                    ),
                )
            names[key] = typer(entry)

    def _bands(self) -> dict[str, tuple[tuple[str, float | None, float | None], ...]]:
        bands: dict[str, tuple[tuple[str, float | None, float | None], ...]] = {}
        for table, rows in self.data.get("bands", {}).items():
            parsed = []
            for i, row in enumerate(rows):
                low, high = row.get("min"), row.get("max")
                for key, bound in (("min", low), ("max", high)):
                    if bound is not None and not (bound - bound == 0 and abs(bound) <= 1e15):
                        self.problem(
                            ("bands", table, i, key),
                            _(
                                "band {label}: {key} {bound} is not a number up to 1e15",
                                label=repr(row["label"]),
                                key=key,
                                bound=bound,
                            ),
                        )
                        low, high = None, None
                if low is not None and high is not None and low >= high:
                    self.problem(
                        ("bands", table, i),
                        _("band {label}: min must be below max", label=repr(row["label"])),
                    )
                parsed.append((row["label"], low, high))
            bands[table] = tuple(parsed)
        return bands

    def _weights_expression(self, weights: Mapping[str, float], scope: Scope) -> Checked | None:
        for name in weights:
            if name not in {c["name"] for c in self.data["components"]}:
                hint = suggest(name, [c["name"] for c in self.data["components"]])
                message = _("unknown component {name}{hint}", name=repr(name), hint=hint)
                self.problem(("score", "weights", name), message)
        for name in weights:
            kind = scope.names.get(name)
            if kind not in (None, NUMBER, ANY):
                self.problem(("score", "weights", name), _not_a_number(name, kind))
        total = sum(weights.values())
        if abs(total - 1) > 1e-9:
            message = _("weights sum to {total}; they must sum to 1", total=format(total, "g"))
            self.problem(("score", "weights"), message)
        if self.problems:
            return None
        names = ", ".join(weights)
        values = ", ".join(repr(float(w)) for w in weights.values())
        # every weighted component must have a value: a missing one is not silently
        # dropped (that would rescale the others); the employee is explained instead
        expression = f"wmean([{names}], [{values}], 'incomplete')"
        return self.check(("score", "weights"), expression, scope)

    def _conditions(
        self, section: str, scope: Scope, bands: Mapping[str, Any], code_key: str
    ) -> tuple[Condition, ...]:
        found = []
        for i, entry in enumerate(self.data.get(section, [])):
            checked = self.check((section, i, "when"), entry["when"], scope)
            template = self._template((section, i, "text"), entry["text"], scope)
            code = entry.get(code_key, "")
            if section == "feedback" and code and code not in self.data.get("aspects", {}):
                self.problem((section, i, "aspect"), _("unknown aspect {code}", code=repr(code)))
            if checked is None or template is None:
                continue
            found.append(Condition(checked, template, code, self.loaded.where((section, i))))
        return tuple(found)

    def _template(self, path: tuple, text: str, scope: Scope) -> Template | None:
        fields = []
        ok = True
        for match in _TEMPLATE_FIELD.finditer(text):
            written = match.group(1)
            parsed = _FIELD_SYNTAX.match(written)
            if not parsed:
                self.problem(path, _bad_field(written))
                ok = False
                continue
            name, spec = parsed.group(1), parsed.group(2) or ""
            if name not in scope.names:
                hint = suggest(name, sorted(scope.names))
                self.problem(
                    path, _("unknown name {name} in text{hint}", name=repr(name), hint=hint)
                )
                ok = False
                continue
            fields.append((written, name, spec))
        return Template(text, tuple(fields)) if ok else None

    def _stages(
        self, inputs: Mapping[str, AttributeSpec], groups: Mapping[str, RaterGroup]
    ) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        seen: set[str] = set()
        for i, s in enumerate(self.data.get("stages", [])):
            if s["id"] in seen:
                message = _("stage {stage} is declared twice", stage=repr(s["id"]))
                self.problem(("stages", i, "id"), message)
            stage = Stage.parse(
                s["id"], s["label"], s["requires"], s.get("after"), s.get("dialogue")
            )
            kind, what = stage.kind, stage.subject
            self._dialogue_part(i, stage, stages)
            if kind == "input" and what not in inputs:
                message = _("input {name} is not declared in inputs", name=repr(what))
                self.problem(("stages", i, "requires"), message)
            if kind == "ratings" and what not in groups:
                message = _("group {group} is not in rater_groups", group=repr(what))
                self.problem(("stages", i, "requires"), message)
            after = s.get("after")
            if after is not None and after not in seen:
                message = _("stage {stage} must be declared before this one", stage=repr(after))
                self.problem(("stages", i, "after"), message)
            seen.add(s["id"])
            stages.append(stage)
        if any(st.dialogue for st in stages) and not any(st.dialogue == "held_on" for st in stages):
            message = _("a dialogue needs the stage of its date: give one stage dialogue: held_on")
            self.problem(("stages",), message)
        return tuple(stages)

    def _dialogue_part(self, i: int, stage: Stage, before: list[Stage]) -> None:
        """A dialogue part is recorded by an input column, once per rules."""
        if stage.dialogue is None:
            return
        if stage.kind != "input":
            message = _(
                "dialogue: {part} needs requires: input:<column> (the column that records it)",
                part=stage.dialogue,
            )
            self.problem(("stages", i, "dialogue"), message)
        if any(other.dialogue == stage.dialogue for other in before):
            message = _("dialogue: {part} is given to two stages", part=stage.dialogue)
            self.problem(("stages", i, "dialogue"), message)


ADJUST = "adjust_for_rater_effects"
"""The setting of the ``rater_effects:`` section that is no threshold."""


def _thresholds(section: dict[str, Any] | None) -> dict[str, float] | None:
    """The thresholds of a ``rater_effects:`` section (every key but :data:`ADJUST`)."""
    if section is None:
        return None
    return {key: value for key, value in section.items() if key != ADJUST}


def _not_a_number(name: str, kind: str) -> str:
    """The problem of a weighted component ``name`` whose expression gives ``kind``."""
    message = _NOT_A_NUMBER.get(kind)
    if message is None:  # a kind the checker may add later: named by its code
        return _("component {name} is {kind}, not a number", name=repr(name), kind=kind)
    return _(message, name=repr(name))


def _bad_field(written: str) -> str:
    """The problem of a feedback field ``{written}`` that is not one of the three forms."""
    return _(
        "field {field} must be {plain}, {decimals} or {percent}",
        field="{" + written + "}",
        plain="{name}",
        decimals="{name:.1f}",
        percent="{name:.0%}",
    )


__all__ = [
    "BUILTIN_NAMES",
    "Aspect",
    "Component",
    "Condition",
    "Indicator",
    "RaterGroup",
    "RuleSet",
    "Stage",
    "Template",
    "load_rules",
    "schema_problems",
]
