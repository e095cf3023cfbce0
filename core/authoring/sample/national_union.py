"""The union of what every region reads, so that one workforce serves them all.

:func:`union_rules` gives it as a :class:`~kinerja.rules.RuleSet` (region ``national``)
that the per-region generator's pieces read: the pegawai inputs, indicators, aspects and
rater groups of every region. An input or aspect two regions share is generated once,
within the bounds of both; a rater group's minimum is the largest any region asks. It is
a carrier for the generator, not rules to appraise with.

:func:`union_calendar` dates the records so that every region's stages come in its
order: a rater group rates, and a date input is filled in, on the latest day any
region's own calendar gives it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kinerja.authoring.sample.plan import _Calendar
from kinerja.errors import KinerjaError
from kinerja.i18n import _
from kinerja.input.spec import AttributeSpec
from kinerja.rules import RuleSet
from kinerja.rules.parts import Aspect, RaterGroup

REGION = "national"
"""The region name of the union rules (it seeds the random streams)."""


def _merged_input(name: str, specs: list[tuple[str, AttributeSpec]]) -> AttributeSpec:
    """One input several regions declare: the same type, within every region's bounds."""
    kinds = {spec.type for _region, spec in specs}
    if len(kinds) > 1:
        declared = ", ".join(f"{region}: {spec.type}" for region, spec in specs)
        raise KinerjaError(
            _(
                "input {name} has a different type in different regions ({declared}); "
                "one national workforce cannot serve them all",
                name=name,
                declared=declared,
            )
        )
    lows = [spec.minimum for _r, spec in specs if spec.minimum is not None]
    highs = [spec.maximum for _r, spec in specs if spec.maximum is not None]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is not None and high is not None and low > high:
        raise KinerjaError(
            _(
                "input {name} has no value every region accepts (between {low} and {high})",
                name=name,
                low=str(low),
                high=str(high),
            )
        )
    required = any(spec.required for _r, spec in specs)
    return AttributeSpec(name, specs[0][1].type, required, low, high)


def _sample(name: str, spec: AttributeSpec, regions: Mapping[str, RuleSet]) -> list[float] | None:
    """The range the regions' ``sample`` gives the input, within the merged bounds."""
    ranges = [r.data.get("inputs", {}).get(name, {}).get("sample") for r in regions.values()]
    given = [s for s in ranges if s]
    if spec.type != "number" or not given:
        return None
    low = max([s[0] for s in given] + ([spec.minimum] if spec.minimum is not None else []))
    high = min([s[1] for s in given] + ([spec.maximum] if spec.maximum is not None else []))
    return [low, high] if low <= high else None


def _inputs(regions: Mapping[str, RuleSet]) -> dict[str, AttributeSpec]:
    declared: dict[str, list[tuple[str, AttributeSpec]]] = {}
    for region, rules in regions.items():
        for name, spec in rules.inputs.items():
            declared.setdefault(name, []).append((region, spec))
    return {name: _merged_input(name, specs) for name, specs in declared.items()}


def _groups(regions: Mapping[str, RuleSet]) -> dict[str, RaterGroup]:
    groups: dict[str, RaterGroup] = {}
    for rules in regions.values():
        for name, group in rules.rater_groups.items():
            known = groups.get(name, group)
            groups[name] = dataclasses.replace(
                known, min_count=max(known.min_count, group.min_count)
            )
    return groups


def _aspects(regions: Mapping[str, RuleSet], groups: Mapping[str, RaterGroup]) -> dict[str, Aspect]:
    """Every aspect once, rated by every group that rates it in any region, on the part
    of its scale every region accepts."""
    found: dict[str, list[Aspect]] = {}
    for rules in regions.values():
        for code, aspect in rules.aspects.items():
            found.setdefault(code, []).append(aspect)
    aspects = {}
    for code, versions in found.items():
        low = max(a.scale[0] for a in versions)
        high = min(a.scale[1] for a in versions)
        if low > high:
            scales = ", ".join(f"{a.scale[0]:g}-{a.scale[1]:g}" for a in versions)
            raise KinerjaError(
                _(
                    "aspect {code} has scales with no rating in common ({scales})",
                    code=code,
                    scales=scales,
                )
            )
        rated = {g for a in versions for g in a.groups}
        order = tuple(g for g in groups if g in rated)
        aspects[code] = Aspect(code, versions[0].label, (low, high), order, None)
    return aspects


def union_rules(regions: Mapping[str, RuleSet]) -> RuleSet:
    """The union of ``regions``' needs as one rule set (see the module doc).

    :raises KinerjaError: no regions, or two regions declare an input or an aspect in
        ways no single value satisfies.
    """
    if not regions:
        raise KinerjaError(_("no regions are installed; a national workforce needs one"))
    inputs = _inputs(regions)
    groups = _groups(regions)
    samples = {name: _sample(name, spec, regions) for name, spec in inputs.items()}
    indicators = {c: i for rules in regions.values() for c, i in rules.indicators.items()}
    windows = [r.objection_window_days for r in regions.values() if r.objection_window_days]
    first = next(iter(regions.values()))
    return dataclasses.replace(
        first,
        region=REGION,
        inputs=inputs,
        indicators=indicators,
        aspects=_aspects(regions, groups),
        rater_groups=groups,
        stages=(),
        objection_window_days=min(windows) if windows else None,
        data={"inputs": {n: {"sample": s} for n, s in samples.items() if s is not None}},
    )


def union_calendar(regions: Mapping[str, RuleSet]) -> _Calendar:
    """Each group's rating day and each date input's day: the latest any region gives."""
    calendars = [_Calendar.of(rules) for rules in regions.values()]
    groups: dict[str, int] = {}
    inputs: dict[str, int] = {}
    for calendar in calendars:
        for name, day in calendar.group_day.items():
            groups[name] = max(day, groups.get(name, day))
        for name, day in calendar.input_day.items():
            inputs[name] = max(day, inputs.get(name, day))
    return _Calendar(max(c.year for c in calendars), groups, inputs)
