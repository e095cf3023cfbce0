"""Default indicator collection: declared employee columns and outcome achievements."""

from __future__ import annotations

from kinerja import hookimpl
from kinerja.functions import DECIMALS, achievement, achievement_inverse, achievement_range
from kinerja.model import Dataset, IndicatorResult, Outcome
from kinerja.regions import Collected
from kinerja.rules import Indicator, RuleSet


def indicator_result(indicator: Indicator, outcome: Outcome) -> IndicatorResult:
    """An outcome's achievement by its indicator's kind, capped, with the gap to target."""
    if indicator.kind == "inverse":
        value = achievement_inverse(outcome.realisasi, outcome.target, indicator.cap)
    elif indicator.kind == "range" and outcome.target_maks is not None:
        value = achievement_range(
            outcome.realisasi, outcome.target, outcome.target_maks, indicator.cap
        )
    else:
        value = achievement(outcome.realisasi, outcome.target, indicator.cap)
    if indicator.kind == "range" and outcome.target_maks is not None:
        if outcome.realisasi > outcome.target_maks:
            gap = outcome.realisasi - outcome.target_maks
        elif outcome.realisasi < outcome.target:
            gap = outcome.realisasi - outcome.target
        else:
            gap = 0.0
    else:
        gap = outcome.realisasi - outcome.target
    return IndicatorResult(
        code=indicator.code,
        label=indicator.label,
        kind=indicator.kind,
        target=outcome.target,
        realised=outcome.realisasi,
        target_max=outcome.target_maks,
        achievement=round(float(value), DECIMALS),
        gap=gap,
        weight=outcome.bobot,
    )


@hookimpl(trylast=True)
def kinerja_collect_indicators(rules: RuleSet, dataset: Dataset) -> dict[str, Collected]:
    """Employee columns the rules declare, each indicator's achievement, and their mean."""
    collected: dict[str, Collected] = {}
    indicators = rules.indicators
    for employee in dataset.employees:
        values = {name: employee.attributes.get(name) for name in rules.inputs}
        details = [
            indicator_result(indicators[o.indikator], o)
            for o in dataset.outcomes.get(employee.nip, ())
            if o.indikator in indicators
        ]
        total_weight = sum(d.weight for d in details)
        for detail in details:
            values[detail.code] = detail.achievement
        # named values are tidied like every computed number: 0.3*62 + 0.7*102 is 90
        mean = sum(d.achievement * d.weight for d in details) / total_weight if details else None
        values["achievement_mean"] = None if mean is None else round(mean, DECIMALS)
        values["indicator_count"] = len(details)
        collected[employee.nip] = Collected(values, details)
    return collected
