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
from kinerja.input.validate import AttributeSpec
from kinerja.rules.layering import load_layered
from kinerja.rules.parts import (
    BUILTIN_NAMES,
    Aspect,
    Component,
    Condition,
    Indicator,
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

_TEMPLATE_FIELD = re.compile(r"\{([^{}]*)\}")
_FIELD_SYNTAX = re.compile(r"([a-z][a-z0-9_]*)(?::(\.\d[f%]))?\Z")


def load_rules(path: str | Path) -> RuleSet:
    """Load, validate, check and compile a rule file (with any baseline it extends).

    :param path: the YAML rule file.
    :raises RulesError: listing every problem found, each with ``file:line:col``.
    """
    loaded = load_layered(path)
    if any(p.message.startswith("extends ") for p in loaded.problems):
        raise RulesError(loaded.problems)  # without its baseline the rest cannot be judged
    problems = loaded.problems + schema_problems(loaded)
    digest = hashlib.sha256()
    for _, text in loaded.layers:  # the rules and every baseline they extend
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
    if problems:
        raise RulesError(sorted(set(problems), key=lambda p: (p.location.line, p.location.col)))
    assert ruleset is not None
    return ruleset


def schema_problems(loaded: LoadedYaml) -> list[Problem]:
    """Every JSON Schema violation in a loaded rule file, located and in plain words."""
    if not isinstance(loaded.data, dict):
        return [Problem(loaded.where(()), "a rule file must be a mapping of keys to values")]
    return located_schema_problems(loaded, rules_schema_validator(), _reword)


def _reword(error: object, path: tuple) -> str | None:
    if getattr(error, "validator", None) == "oneOf" and path and path[-1] == "score":
        return "score needs exactly one of `weights` or `expr`"
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
                f"the rules have {components} components; the limit is {MAX_COMPONENTS}. "
                "Combine components, or split the policy into regions",
            )
        parts = sum(sum(1 for _ in ast.walk(e.tree)) for e in expressions)
        if parts > MAX_PARTS:
            self.problem(
                (),
                f"the rules' expressions have {parts:,} parts in all; the limit is "
                f"{MAX_PARTS:,}, since every part is computed for every employee. "
                "Simplify the expressions, or move repeated ones into a component",
            )

    def reserved(self, path: tuple, name: str) -> bool:
        """Record a problem, and say so, when ``name`` is one the rules cannot declare."""
        why = reserved_name(name)
        if why:
            self.problem(path, f"{name!r} cannot be declared: it is {why}; choose another name")
        return bool(why)

    def require_type(self, path: tuple, checked: Checked, wanted: str, what: str) -> None:
        """Record a problem when ``checked`` cannot give a ``wanted`` value."""
        if checked.type in (wanted, ANY):
            return
        word = {NUMBER: "a number", STRING: "text"}[wanted]
        got = {NUMBER: "a number", STRING: "text", BOOL: "true/false", LIST: "a list"}.get(
            checked.type, checked.type
        )
        self.problem(path, f"{what} must be {word}, but `{checked.source}` gives {got}")

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
            )
            for g, s in d.get("rater_groups", {}).items()
        }
        aspects: dict[str, Aspect] = {}
        for code, s in d.get("aspects", {}).items():
            low, high = s["scale"]
            if low >= high:
                self.problem(("aspects", code, "scale"), "scale must be [lowest, highest]")
            own_weights = {g: float(w) for g, w in s.get("weights", {}).items()}
            aspect_groups = tuple(s.get("groups", list(own_weights or groups)))
            for g in own_weights:
                if g not in aspect_groups:
                    self.problem(
                        ("aspects", code, "weights", g),
                        f"group {g!r} has a weight here but is not in this aspect's groups",
                    )
            for g in aspect_groups:
                if g not in groups:
                    self.problem(
                        ("aspects", code, "groups"),
                        f"group {g!r} is not in rater_groups; declare it with a weight",
                    )
            if not aspect_groups:
                self.problem(("aspects", code), "no rater groups rate this aspect")
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
        self._declare(names, indicators, "indicators", lambda _: NUMBER)
        self._declare(names, aspects, "aspects", lambda _: NUMBER)
        scope = Scope(names, frozenset(bands))

        components: list[Component] = []
        for i, c in enumerate(d["components"]):
            path = ("components", i, "expr")
            if self.reserved(("components", i, "name"), c["name"]):
                pass
            elif c["name"] in scope.names:
                self.problem(("components", i, "name"), f"name {c['name']!r} is already used")
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
            self.require_type(("score", "expr"), score, NUMBER, "the score")
        scope = scope.with_names({"score": NUMBER})
        predikat = self.check(("predikat", "expr"), d["predikat"]["expr"], scope)
        if predikat is not None:
            self.require_type(("predikat", "expr"), predikat, STRING, "the predikat")
        labels = tuple(d["predikat"]["labels"])
        scope = scope.with_names({"predikat": STRING})
        feedback = self._conditions("feedback", scope, bands, code_key="aspect")
        recommendations = self._conditions("recommendations", scope, bands, code_key="code")
        stages = self._stages(inputs, groups)
        if aspects and not groups:
            self.problem(("aspects",), "aspects are rated, but no rater_groups are declared")
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
                    f"name {key!r} is declared twice (inputs, indicators, aspects and built-in "
                    "names share one namespace)",
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
                            f"band {row['label']!r}: {key} {bound} is not a number up to 1e15",
                        )
                        low, high = None, None
                if low is not None and high is not None and low >= high:
                    self.problem(
                        ("bands", table, i), f"band {row['label']!r}: min must be below max"
                    )
                parsed.append((row["label"], low, high))
            bands[table] = tuple(parsed)
        return bands

    def _weights_expression(self, weights: Mapping[str, float], scope: Scope) -> Checked | None:
        for name in weights:
            if name not in {c["name"] for c in self.data["components"]}:
                hint = suggest(name, [c["name"] for c in self.data["components"]])
                self.problem(("score", "weights", name), f"unknown component {name!r}{hint}")
        for name in weights:
            kind = scope.names.get(name)
            if kind not in (None, NUMBER, ANY):
                self.problem(
                    ("score", "weights", name), f"component {name!r} is {kind}, not a number"
                )
        total = sum(weights.values())
        if abs(total - 1) > 1e-9:
            self.problem(("score", "weights"), f"weights sum to {total:g}; they must sum to 1")
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
                self.problem((section, i, "aspect"), f"unknown aspect {code!r}")
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
                self.problem(
                    path, f"field {{{written}}} must be {{name}}, {{name:.1f}} or {{name:.0%}}"
                )
                ok = False
                continue
            name, spec = parsed.group(1), parsed.group(2) or ""
            if name not in scope.names:
                self.problem(
                    path, f"unknown name {name!r} in text{suggest(name, sorted(scope.names))}"
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
                self.problem(("stages", i, "id"), f"stage {s['id']!r} is declared twice")
            stage = Stage.parse(s["id"], s["label"], s["requires"], s.get("after"))
            kind, what = stage.kind, stage.subject
            if kind == "input" and what not in inputs:
                self.problem(("stages", i, "requires"), f"input {what!r} is not declared in inputs")
            if kind == "ratings" and what not in groups:
                self.problem(("stages", i, "requires"), f"group {what!r} is not in rater_groups")
            after = s.get("after")
            if after is not None and after not in seen:
                self.problem(
                    ("stages", i, "after"), f"stage {after!r} must be declared before this one"
                )
            seen.add(s["id"])
            stages.append(stage)
        return tuple(stages)


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
