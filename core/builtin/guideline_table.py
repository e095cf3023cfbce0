"""The distribution guideline's table: the data, its schema check, and loading it.

The table is data, not code: ``core/rules/baselines/distribution-permenpanrb-6-2022.yaml``
(schema ``schemas/distribution.schema.json``), read by :func:`load_guideline` with the
strict, size- and depth-bounded YAML loader of the rule files; every problem is
reported at its ``file:line:col``. Checking results against it is
:mod:`kinerja.builtin.guideline`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema
import polars as pl

from kinerja.errors import RulesError
from kinerja.expr.check import suggest
from kinerja.i18n import _
from kinerja.input.texts import strip
from kinerja.rules.schemacheck import located_schema_problems
from kinerja.rules.yamlload import LoadedYaml, Location, Problem, load_yaml
from kinerja.schemas import load_schema

__all__ = [
    "GUIDELINE_FILE",
    "RULE_CODES",
    "Guideline",
    "Rule",
    "key",
    "keys",
    "load_guideline",
    "shipped_guideline",
    "shipped_path",
]

GUIDELINE_FILE = "distribution-permenpanrb-6-2022.yaml"
"""The shipped guideline table, in ``kinerja.rules.baselines``."""
RULE_CODES = ("at_most", "at_least", "at_least_one", "none")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the guideline for the staff of units of one predikat."""

    code: str
    """One of :data:`RULE_CODES`."""
    labels: tuple[str, ...]
    """The staff predikat it counts (labels of :attr:`Guideline.staff_predikat`)."""
    percent: float | None
    """The share in percent, for ``at_most`` and ``at_least``."""
    where: Location


@dataclass(frozen=True, slots=True)
class Guideline:
    """The guideline table: per unit predikat, the rules on its staff's predikat mix."""

    regulation: str
    source: str
    file: str
    staff_predikat: tuple[str, ...]
    spellings: dict[str, str]
    """Another way a staff predikat is written -> its label."""
    units: dict[str, tuple[Rule, ...]]
    """Unit predikat -> its rules (empty: not given yet; its units are not checked)."""

    @property
    def name(self) -> str:
        """The table's file name, as messages cite it."""
        return Path(self.file).name

    def staff_keys(self) -> dict[str, str]:
        """The normalised form of each staff label and spelling -> the label."""
        written = [*self.staff_predikat, *self.spellings]
        meant = [*self.staff_predikat, *self.spellings.values()]
        return dict(zip(keys(written), meant, strict=True))

    def unit_keys(self) -> dict[str, str]:
        """The normalised form of each unit predikat -> the table's label."""
        return dict(zip(keys(list(self.units)), self.units, strict=True))


def key(text: pl.Expr) -> pl.Expr:
    """How a predikat is compared: trimmed, inner spaces as one, lower case."""
    return strip(text).str.replace_all(r"\s+", " ").str.to_lowercase()


def keys(values: Sequence[str]) -> list[str]:
    """:func:`key` of each of ``values``, in order."""
    frame = pl.DataFrame({"v": list(values)}, schema={"v": pl.String})
    return frame.select(key(pl.col("v"))).to_series().to_list()


def shipped_path() -> Path:
    """The path of the shipped guideline table."""
    return Path(str(resources.files("kinerja.rules.baselines").joinpath(GUIDELINE_FILE)))


@cache
def shipped_guideline() -> Guideline:
    """The shipped guideline of PermenPANRB 6/2022 (read once per process)."""
    return load_guideline(shipped_path())


def load_guideline(path: str | Path | None = None) -> Guideline:
    """Read and check a guideline table (the shipped one when ``path`` is None).

    :raises RulesError: listing every problem, each at its ``file:line:col``: YAML that
        is too big, too deep or not strict; a schema violation; a rule naming a
        predikat the table does not list.
    """
    loaded = load_yaml(shipped_path() if path is None else path, keep_going=True)
    if not isinstance(loaded.data, dict):
        message = _("a guideline table must be a mapping of keys to values")
        raise RulesError([*loaded.problems, Problem(loaded.where(()), message)])
    validator = jsonschema.Draft7Validator(load_schema("distribution"))
    problems = loaded.problems + located_schema_problems(loaded, validator, _reword)
    if not problems:
        problems = _meaning_problems(loaded)
    if problems:
        raise RulesError(sorted(problems, key=lambda p: (p.location.line, p.location.col)))
    return _guideline(loaded)


def _reword(error: jsonschema.ValidationError, path: tuple) -> str | None:
    """A rule with a ``percent`` it does not take, in words."""
    if error.validator == "not":  # the schema's one "not": percent on another rule
        return _("percent is only for the rules at_most and at_least; remove it here")
    return None


def _meaning_problems(loaded: LoadedYaml) -> list[Problem]:
    """What the schema cannot see: labels written twice, rules naming unknown labels."""
    data: dict = loaded.data  # type: ignore[assignment]
    labels: list[str] = data["staff_predikat"]
    known = dict(zip(keys(labels), labels, strict=True))
    problems = _repeats(loaded, ("staff_predikat",), labels, keyed=False)
    problems += _repeats(loaded, ("units",), list(data["units"]), keyed=True)
    for other, meant in (data.get("spellings") or {}).items():
        if keys([other])[0] in known:
            message = _(
                "{other} is a staff predikat itself; a spelling names another way to write one",
                other=repr(other),
            )
            problems.append(Problem(loaded.where_key(("spellings", other)), message))
        elif keys([meant])[0] not in known:
            message = _unknown_label(meant, labels)
            problems.append(Problem(loaded.where(("spellings", other)), message))
    for unit, rules in data["units"].items():
        for i, rule in enumerate(rules):
            for j, label in enumerate(rule["labels"]):
                if keys([label])[0] not in known:
                    where = loaded.where(("units", unit, i, "labels", j))
                    problems.append(Problem(where, _unknown_label(label, labels)))
    return problems


def _unknown_label(label: str, labels: list[str]) -> str:
    return _(
        "{label} is not a staff predikat of this table{hint}; use one of staff_predikat ({labels})",
        label=repr(label),
        hint=suggest(label, labels),
        labels=", ".join(labels),
    )


def _repeats(loaded: LoadedYaml, at: tuple, names: list[str], keyed: bool) -> list[Problem]:
    """A name that reads as an earlier one (case and spaces aside), at the later one."""
    first: dict[str, str] = {}
    problems = []
    for i, (name, key) in enumerate(zip(names, keys(names), strict=True)):
        if key in first:
            where = loaded.where_key((*at, name)) if keyed else loaded.where((*at, i))
            message = _(
                "{name} is {first} again (case and spaces aside); give each predikat once",
                name=repr(name),
                first=repr(first[key]),
            )
            problems.append(Problem(where, message))
        first.setdefault(key, name)
    return problems


def _guideline(loaded: LoadedYaml) -> Guideline:
    """The checked table as a :class:`Guideline`; rule labels as the table lists them."""
    data: dict = loaded.data  # type: ignore[assignment]
    labels = tuple(data["staff_predikat"])
    known = dict(zip(keys(labels), labels, strict=True))
    units = {
        unit: tuple(
            Rule(
                rule["rule"],
                tuple(known[k] for k in keys(rule["labels"])),
                None if rule.get("percent") is None else float(rule["percent"]),
                loaded.where(("units", unit, i)),
            )
            for i, rule in enumerate(rules)
        )
        for unit, rules in data["units"].items()
    }
    spellings = {k: known[keys([v])[0]] for k, v in (data.get("spellings") or {}).items()}
    return Guideline(data["regulation"], data["source"], loaded.file, labels, spellings, units)


# --------------------------------------------------------------------- applicability
