"""The policy of one rule set, as rows a policy analyst reads, each with its ``file:line``.

:func:`policy_of` reads the EFFECTIVE rules (after layering on any baseline) and gives
one :class:`Row` per policy value, section by section in the order of
:data:`SECTIONS`:

``basis``
    ``basis``, ``period`` (the appraisal cycle), ``baseline`` (the national baseline at
    the root of the ``extends`` chain; None when the rules extend none).
``inputs``
    per pegawai column the rules read: ``<name>.type``, ``.label``, ``.required``,
    ``.minimum``, ``.maximum``.
``indicators``
    ``<code>.label``, ``.kind``, ``.cap``, ``.unit``; ``weights`` (each employee's
    own, from the ``bobot`` column: the rules give none).
``aspects``
    ``<code>.label``, ``.scale``, ``.groups`` (who rates it), ``.weights`` (its own
    group weights), ``.required_level``.
``rater_groups``
    ``<group>.label``, ``.weight``, ``.min_count``, ``.when_missing``, ``.max_share``;
    ``when_group_missing`` (run-wide).
``stages``
    ``order`` (the stage ids in order); ``<id>.label``, ``.requires``, ``.after``.
``components``
    ``<name>.label``, ``<name>.expr``.
``score``
    ``label``; ``weights.<component>`` or ``expr``.
``bands``
    ``<table>.<band label>`` (a second band of the same label: ``<label>#2``).
``predikat``
    ``labels``, ``expr``.
``feedback``
    ``gap_feedback``; ``1``, ``2``... (each condition and its text, in file order).
``recommendations``
    ``1``, ``2``... (code, condition and text).
``objections``
    ``window_days``.
``publication``
    ``peer_comparison`` (the column results are published beside their peers by).
``bias_checks``
    ``leniency``, ``disagreement``, ``self_inflation``, ``identical_min``,
    ``supervisor_self_gap``.
``version``
    ``valid_from``, ``valid_to``, ``version``, ``language``, ``region``, ``title``,
    ``source``, ``description``.

A value the rules leave to kinerja's default (an indicator's cap of 120, a group's
``min_count`` of 1...) has a row too, marked ``default``, located at the entry it
belongs to. Optional settings the rules do not give (``max_share``, an objection
window...) have no row. Component descriptions and input ``sample`` ranges are
commentary, not policy, and have none.

**Departs from its national baseline.** The baseline is the shipped baseline at the
root of the rules' ``extends`` chain. A row departs when the baseline sets the same
key to another value, or when the baseline sets the part the row belongs to (its
score, its predikat, a band table, an input...) but not this key, so that the rules
replaced it. A value equal to the baseline's does not depart; nor does a part the
baseline leaves to the region, nor anything of rules that extend no baseline. The
rows of ``version`` describe the file itself and never depart.

Machine form (``Row.value``, for JSON): numbers, text, true/false, lists and mappings
as the rules give them, texts and expressions with their spaces folded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kinerja.compare import policy_words as w
from kinerja.i18n import N_, _
from kinerja.rules import RuleSet
from kinerja.rules.layering import baselines
from kinerja.rules.yamlload import LoadedYaml, Location, Path_, load_yaml

__all__ = [
    "IDENTITY",
    "SECTIONS",
    "Policy",
    "Row",
    "SideRow",
    "origin",
    "policy_of",
    "same_value",
    "side_by_side",
]

SECTIONS = (
    "basis",
    "inputs",
    "indicators",
    "aspects",
    "rater_groups",
    "stages",
    "components",
    "score",
    "bands",
    "predikat",
    "feedback",
    "recommendations",
    "objections",
    "publication",
    "bias_checks",
    "version",
)
"""The sections of a policy, in the order reports show them."""
IDENTITY = frozenset({"version"})
"""Sections that describe the rule file itself: they never depart from a baseline."""

_BASELINE = N_("baseline {name}")
"""A shipped baseline, as a location names it (the same message as ``kinerja show``)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One value of a policy."""

    section: str
    """One of :data:`SECTIONS`."""
    key: str
    """The value's key within its section (``supervisor.weight``); stable, not translated."""
    subject: str
    """What the value is about, in words (``rater group supervisor: weight``)."""
    value: Any
    """The value, as data (for JSON)."""
    words: str
    """The value as a person reads it (``0.4 (40%)``)."""
    location: Location
    """Where the value is written (a default: the entry it belongs to)."""
    default: bool = False
    """Whether the rules leave the value to kinerja's default."""
    baseline: Any = None
    """The national baseline's value for this key, as data (None: it sets none)."""
    baseline_words: str | None = None
    """The baseline's value in words (None: it sets none)."""
    departs: bool = False
    """Whether the value departs from the national baseline (module doc)."""
    scope: Path_ = field(default=(), compare=False)
    """The part of the rules the value belongs to, as layering replaces it whole."""

    @property
    def where(self) -> str:
        """``file:line`` for people: a baseline by name, else the file relative to here."""
        return origin(self.location)


@dataclass(frozen=True, slots=True)
class Policy:
    """The policy of one rule set: its rows in :data:`SECTIONS` order."""

    label: str
    """What reports call the rules (an item's label; default: the region)."""
    rules: RuleSet
    rows: tuple[Row, ...]
    baseline: str | None
    """The national baseline at the root of the rules' ``extends`` chain, by name."""

    def row(self, section: str, key: str) -> Row | None:
        """The row of ``key`` in ``section``, if the policy has one."""
        return next((r for r in self.rows if r.section == section and r.key == key), None)


@dataclass(frozen=True, slots=True)
class SideRow:
    """One key of several policies side by side: each policy's row, or None."""

    section: str
    key: str
    subject: str
    cells: tuple[Row | None, ...]


def origin(location: Location, for_people: bool = True) -> str:
    """``file:line``: a shipped baseline by name, else the file relative to the current
    folder (absolute when it lies outside it).

    :param for_people: name a baseline in the language in use (False: in English, the
        same in every language, as JSON writes it).
    """
    file = Path(location.file)
    for name, path in baselines().items():
        if file.resolve() == path.resolve():
            shown = _(_BASELINE, name=name) if for_people else _BASELINE.format(name=name)
            return f"{shown}:{location.line}"
    try:
        relative = os.path.relpath(file)
    except ValueError:  # another drive
        relative = str(file)
    shown = relative if not relative.startswith("..") else str(file.absolute())
    return f"{shown}:{location.line}"


def policy_of(rules: RuleSet, label: str | None = None) -> Policy:
    """The policy of ``rules`` (module doc), each row marked where it departs from the
    national baseline the rules extend.

    :param label: what reports call the rules (default: the region's name).
    """
    rows = _collect(rules.loaded)
    name, base = _baseline_of(rules.loaded)
    rows.insert(_after_basis(rows), _baseline_row(rules.loaded, name, base))
    if base is not None:
        rows = _departures(rows, _collect(base))
    return Policy(label or rules.region, rules, tuple(rows), name)


def side_by_side(policies: Sequence[Policy]) -> list[SideRow]:
    """Every key of ``policies``, one row each with one cell per policy, in
    :data:`SECTIONS` order, then in the order the policies give the keys."""
    first: dict[tuple[str, str], Row] = {}
    for policy in policies:
        for row in policy.rows:
            first.setdefault((row.section, row.key), row)
    order = {key: n for n, key in enumerate(first)}
    keys = sorted(first, key=lambda k: (SECTIONS.index(k[0]), order[k]))
    found = [{(r.section, r.key): r for r in p.rows} for p in policies]
    return [
        SideRow(
            section, key, first[(section, key)].subject, tuple(f.get((section, key)) for f in found)
        )
        for section, key in keys
    ]


def same_value(a: object, b: object) -> bool:
    """Whether two machine values are the same policy (``120`` and ``120.0`` are)."""
    return _canonical(a) == _canonical(b)


def _canonical(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", float(value))
    if isinstance(value, dict):
        return ("map", tuple(sorted((k, _canonical(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_canonical(v) for v in value))
    return ("other", repr(value))


# ------------------------------------------------------------------ the baseline
def _baseline_of(loaded: LoadedYaml) -> tuple[str | None, LoadedYaml | None]:
    """The shipped baseline at the root of the rules' ``extends`` chain, loaded."""
    if len(loaded.layers) < 2:
        return None, None
    root = Path(loaded.layers[0][0]).resolve()
    for name, path in baselines().items():
        if root == path.resolve():
            return name, load_yaml(path)
    return None, None


def _baseline_row(loaded: LoadedYaml, name: str | None, base: LoadedYaml | None) -> Row:
    source = base.data.get("source", "") if base is not None and isinstance(base.data, dict) else ""
    words = w.baseline(name, " ".join(str(source).split())) if name else w.no_baseline()
    location = loaded.marks.get(("extends",), loaded.where(()))
    return Row(
        "basis", "baseline", w.subject("baseline"), name, words, location, scope=("extends",)
    )


def _after_basis(rows: list[Row]) -> int:
    return sum(1 for r in rows if r.section == "basis")


def _departures(rows: list[Row], base_rows: list[Row]) -> list[Row]:
    """``rows`` marked where they depart from the baseline's ``base_rows`` (module doc)."""
    written = {r.scope for r in base_rows if not r.default}
    base = {(r.section, r.key): r for r in base_rows if r.scope in written}
    marked = []
    for row in rows:
        if row.section in IDENTITY:
            marked.append(row)
            continue
        theirs = base.get((row.section, row.key))
        if theirs is not None:
            departs = not same_value(row.value, theirs.value)
            row = replace(row, baseline=theirs.value, baseline_words=theirs.words, departs=departs)
        elif row.scope in written:
            row = replace(row, departs=True)
        marked.append(row)
    return marked


# ------------------------------------------------------------------ collecting
Adder = Callable[..., None]


class _Rows:
    """The rows of one loaded rule file (or baseline), each located."""

    def __init__(self, loaded: LoadedYaml):
        self.loaded = loaded
        self.data: dict[str, Any] = loaded.data if isinstance(loaded.data, dict) else {}
        self.rows: list[Row] = []
        self.section = ""

    def add(
        self,
        key: str,
        subject: str,
        value: object,
        words: str,
        path: Path_,
        *,
        scope: Path_ | None = None,
        default: bool = False,
        anchor: Path_ | None = None,
    ) -> None:
        """A row of the current section; ``path`` is where its value is written (or,
        for a default, would be: the row is then located at ``anchor`` or the entry)."""
        shown = w.default(words) if default else words
        where = self._location(anchor if default and anchor else path)
        scope = path[:1] if scope is None else scope
        self.rows.append(Row(self.section, key, subject, value, shown, where, default, scope=scope))

    def entry(self, thing: str, name: str, path: Path_, scope: Path_ | None = None) -> Adder:
        """Adds the rows ``<name>.<property>`` of one entry (an indicator, a stage...)
        written at ``path``; ``scope``: the part layering replaces whole (default: the entry)."""

        def add(prop: str, value: object, words: str, default: bool = False) -> None:
            subject = w.subject(prop, thing, name)
            where = (*path, prop)
            self.add(
                f"{name}.{prop}", subject, value, words, where, scope=scope or path, default=default
            )

        return add

    def _location(self, path: Path_) -> Location:
        marks, keys = self.loaded.marks, self.loaded.keys
        if path in marks:
            return marks[path]
        while path:
            path = path[:-1]
            if path in keys:
                return keys[path]
        return self.loaded.where(())


def _collect(loaded: LoadedYaml) -> list[Row]:
    """Every row of the effective rules in ``loaded``, section by section."""
    rows = _Rows(loaded)
    for section, collect in _COLLECTORS:
        rows.section = section
        collect(rows, rows.data)
    return rows.rows


def _folded(text: object) -> str:
    return " ".join(str(text).split())


def _text(add: Adder, prop: str, text: object, default: bool = False) -> None:
    """A row whose value is a text of the rules (a label), quoted in words."""
    add(prop, _folded(text), w.quoted(str(text)), default)


def _expr(add: Adder, prop: str, source: object) -> None:
    """A row whose value is an expression, in backticks in words."""
    add(prop, _folded(source), w.expression(str(source)))


def _basis(rows: _Rows, d: dict[str, Any]) -> None:
    if "basis" in d:
        rows.add("basis", w.subject("basis"), d["basis"], w.basis(d["basis"]), ("basis",))
    if "period" in d:
        rows.add("period", w.subject("period"), d["period"], w.cycle(d["period"]), ("period",))


def _inputs(rows: _Rows, d: dict[str, Any]) -> None:
    for name, s in (d.get("inputs") or {}).items():
        add = rows.entry("input", name, ("inputs", name))
        add("type", s.get("type"), w.input_type(s.get("type", "")))
        _text(add, "label", s.get("label", ""))
        needed = bool(s.get("required", False))
        add("required", needed, w.required(needed), "required" not in s)
        for bound in ("minimum", "maximum"):
            if bound in s:
                add(bound, s[bound], w.bound(bound, s[bound]))


def _indicators(rows: _Rows, d: dict[str, Any]) -> None:
    indicators = d.get("indicators") or {}
    for code, s in indicators.items():
        add = rows.entry("indicator", code, ("indicators", code))
        _text(add, "label", s.get("label", ""))
        add("kind", s.get("kind"), w.indicator_kind(s.get("kind", "")))
        add("cap", s.get("cap", 120), w.cap(s.get("cap", 120)), "cap" not in s)
        if s.get("unit"):
            add("unit", s["unit"], s["unit"])
    if indicators:
        subject = w.subject("indicator_weights")
        rows.add("weights", subject, "bobot", w.indicator_weights(), ("indicators",))


def _aspects(rows: _Rows, d: dict[str, Any]) -> None:
    all_groups = list(d.get("rater_groups") or {})
    for code, s in (d.get("aspects") or {}).items():
        add = rows.entry("aspect", code, ("aspects", code))
        own = dict(s.get("weights") or {})
        _text(add, "label", s.get("label", ""))
        low, high = s.get("scale", [0, 0])
        add("scale", [low, high], w.scale(low, high))
        groups = list(s.get("groups", list(own) or all_groups))
        add("groups", groups, ", ".join(groups), "groups" not in s)
        if own:
            add("weights", own, w.weights(own))
        if s.get("required_level") is not None:
            add("required_level", s["required_level"], w.required_level(s["required_level"]))


def _rater_groups(rows: _Rows, d: dict[str, Any]) -> None:
    groups = d.get("rater_groups") or {}
    run_wide = d.get("when_group_missing", "renormalise")
    for name, s in groups.items():
        add = rows.entry("rater_group", name, ("rater_groups", name))
        _text(add, "label", s.get("label", name), "label" not in s)
        add("weight", s.get("weight"), w.share(s.get("weight", 0)))
        count = int(s.get("min_count", 1))
        add("min_count", count, w.min_count(count), "min_count" not in s)
        missing = s.get("when_missing", run_wide)
        add("when_missing", missing, w.group_missing(missing), "when_missing" not in s)
        if s.get("max_share") is not None:
            add("max_share", s["max_share"], w.max_share(s["max_share"]))
    if groups:
        rows.add(
            "when_group_missing",
            w.subject("when_group_missing"),
            run_wide,
            w.group_missing(run_wide),
            ("when_group_missing",),
            default="when_group_missing" not in d,
            anchor=("rater_groups",),
        )


def _stages(rows: _Rows, d: dict[str, Any]) -> None:
    stages = d.get("stages") or []
    if not stages:
        return
    ids = [str(s.get("id")) for s in stages]
    rows.add("order", w.subject("order"), ids, " → ".join(ids), ("stages",))
    for i, s in enumerate(stages):
        add = rows.entry("stage", str(s.get("id")), ("stages", i), scope=("stages",))
        _text(add, "label", s.get("label", ""))
        requires = str(s.get("requires", ""))
        kind, _colon, what = requires.partition(":")
        add("requires", requires, w.requires(kind, what))
        if s.get("after"):
            add("after", s["after"], w.after(s["after"]))


def _components(rows: _Rows, d: dict[str, Any]) -> None:
    for i, c in enumerate(d.get("components") or []):
        add = rows.entry("component", str(c.get("name")), ("components", i), ("components",))
        _text(add, "label", c.get("label", ""))
        _expr(add, "expr", c.get("expr", ""))


def _score(rows: _Rows, d: dict[str, Any]) -> None:
    score = d.get("score") or {}
    if "label" in score:
        label = score["label"]
        rows.add(
            "label", w.subject("score_label"), _folded(label), w.quoted(label), ("score", "label")
        )
    for name, weight in (score.get("weights") or {}).items():
        subject = w.score_weight(name)
        rows.add(f"weights.{name}", subject, weight, w.share(weight), ("score", "weights", name))
    if "expr" in score:
        expr = score["expr"]
        words = w.expression(expr)
        rows.add("expr", w.subject("score_expr"), _folded(expr), words, ("score", "expr"))


def _bands(rows: _Rows, d: dict[str, Any]) -> None:
    for table, bands in (d.get("bands") or {}).items():
        seen: dict[str, int] = {}
        for i, band in enumerate(bands):
            label = str(band.get("label", ""))
            seen[label] = seen.get(label, 0) + 1
            key = label if seen[label] == 1 else f"{label}#{seen[label]}"
            low, high = band.get("min"), band.get("max")
            subject = f"{w.subject('', 'band_table', table)}: {key}"
            value = {"min": low, "max": high}
            path, scope = ("bands", table, i), ("bands", table)
            rows.add(f"{table}.{key}", subject, value, w.band_range(low, high), path, scope=scope)


def _predikat(rows: _Rows, d: dict[str, Any]) -> None:
    predikat = d.get("predikat") or {}
    if "labels" in predikat:
        labels = list(predikat["labels"])
        words = w.labels(labels)
        rows.add("labels", w.subject("labels"), labels, words, ("predikat", "labels"))
    if "expr" in predikat:
        expr = predikat["expr"]
        words = w.expression(expr)
        rows.add("expr", w.subject("predikat_expr"), _folded(expr), words, ("predikat", "expr"))


def _feedback(rows: _Rows, d: dict[str, Any]) -> None:
    if "gap_feedback" in d or d.get("feedback"):
        flag = bool(d.get("gap_feedback", False))
        rows.add(
            "gap_feedback",
            w.subject("gap_feedback"),
            flag,
            w.gap_feedback(flag),
            ("gap_feedback",),
            default="gap_feedback" not in d,
            anchor=("feedback",),
        )
    for i, entry in enumerate(d.get("feedback") or []):
        value = {"when": _folded(entry.get("when", "")), "text": _folded(entry.get("text", ""))}
        if entry.get("aspect"):
            value["aspect"] = entry["aspect"]
        words = w.feedback(value["when"], value["text"], entry.get("aspect"))
        rows.add(str(i + 1), w.subject("", "feedback", str(i + 1)), value, words, ("feedback", i))


def _recommendations(rows: _Rows, d: dict[str, Any]) -> None:
    for i, entry in enumerate(d.get("recommendations") or []):
        value = {
            "code": entry.get("code"),
            "when": _folded(entry.get("when", "")),
            "text": _folded(entry.get("text", "")),
        }
        words = w.recommendation(str(value["code"]), value["when"], value["text"])
        subject = w.subject("", "recommendation", str(i + 1))
        rows.add(str(i + 1), subject, value, words, ("recommendations", i))


def _objections(rows: _Rows, d: dict[str, Any]) -> None:
    days = (d.get("objections") or {}).get("window_days")
    if days is not None:
        words = w.objection_window(days)
        path = ("objections", "window_days")
        rows.add("window_days", w.subject("window_days"), days, words, path)


def _publication(rows: _Rows, d: dict[str, Any]) -> None:
    by = (d.get("peer_comparison") or {}).get("by")
    if by is not None:
        words = w.peer_comparison(by)
        path = ("peer_comparison", "by")
        rows.add("peer_comparison", w.subject("peer_comparison"), by, words, path)
    published = d.get("publication")
    if not isinstance(published, dict):
        return
    nothing = _("none")
    settings = (
        ("fields", "published_fields", ", ".join(published.get("fields", ())) or nothing),
        ("nip", "published_nip", w.published_nip(published.get("nip", "masked"))),
        ("flags", "published_flags", ", ".join(published.get("flags", ())) or nothing),
        ("min_unit_size", "min_unit_size", w.min_unit_size(published.get("min_unit_size", 5))),
        ("show_change", "show_change", _("yes") if published.get("show_change") else _("no")),
        ("how_to_object", "how_to_object", _folded(published.get("how_to_object", "")) or nothing),
    )
    for key, prop, words in settings:
        value = published.get(key)
        rows.add(prop, w.subject(prop), value, words, ("publication", key), default=value is None)


def _bias_checks(rows: _Rows, d: dict[str, Any]) -> None:
    for code, value in (d.get("bias_checks") or {}).items():
        words = w.bias_check(code, value)
        rows.add(code, w.subject("", "bias_check", code), value, words, ("bias_checks", code))


_TEXTS = ("title", "source", "description")


def _version(rows: _Rows, d: dict[str, Any]) -> None:
    for key in ("valid_from", "valid_to", "version", "language", "region", *_TEXTS):
        given = key in d
        if key == "valid_to" and not given:  # open-ended: located beside valid_from
            rows.add(key, w.subject(key), None, w.open_ended(), ("valid_from",))
            continue
        if key == "language" and not given:
            value, words = "id", w.language("id")
        elif not given:
            continue
        elif key in _TEXTS:
            value, words = _folded(d[key]), w.quoted(str(d[key]))
        else:
            value = d[key]
            words = w.language(value) if key == "language" else str(value)
        rows.add(key, w.subject(key), value, words, (key,), default=not given)


_COLLECTORS: tuple[tuple[str, Callable[[_Rows, dict[str, Any]], None]], ...] = (
    ("basis", _basis),
    ("inputs", _inputs),
    ("indicators", _indicators),
    ("aspects", _aspects),
    ("rater_groups", _rater_groups),
    ("stages", _stages),
    ("components", _components),
    ("score", _score),
    ("bands", _bands),
    ("predikat", _predikat),
    ("feedback", _feedback),
    ("recommendations", _recommendations),
    ("objections", _objections),
    ("publication", _publication),
    ("bias_checks", _bias_checks),
    ("version", _version),
)
