"""Default rater-bias evidence: leniency, supervisor-peer disagreement, self-inflation,
identical ratings. Each finding is a flag on the results it touches, naming the rater."""

from __future__ import annotations

from collections import defaultdict
from statistics import fmean

from kinerja import hookimpl
from kinerja.model import Dataset, Flag, Rating, Result
from kinerja.rules import RuleSet


def _scaled(rules: RuleSet, rating: Rating) -> float:
    """A rating on a 0-1 scale of its aspect, so aspects with different scales compare."""
    low, high = rules.aspects[rating.aspek].scale
    return (rating.nilai - low) / (high - low)


def rater_means(rules: RuleSet, ratings: list[Rating]) -> dict[tuple[str, str], float]:
    """(group, rater) -> the rater's mean scaled rating."""
    by_rater: dict[tuple[str, str], list[float]] = defaultdict(list)
    for rating in ratings:
        if rating.penilai_nip:
            by_rater[(rating.kelompok, rating.penilai_nip)].append(_scaled(rules, rating))
    return {key: fmean(values) for key, values in by_rater.items()}


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, results: list[Result], dataset: Dataset) -> None:
    """Flag where one rater or group departs from the others, as the rules' thresholds say.

    Thresholds are in points of the aspects' scales (a 1-5 scale has 4 points).
    """
    checks = rules.bias_checks
    if not checks or not rules.aspects:
        return
    span = max(high - low for low, high in (a.scale for a in rules.aspects.values()))
    by_nip = {r.nip: r for r in results}
    all_ratings = [r for nip in by_nip for r in dataset.ratings.get(nip, ())]
    means = rater_means(rules, all_ratings)

    if "leniency" in checks:
        # Self-raters each rate only themselves, so comparing them measures the employees,
        # not the raters; self-ratings are checked by ``self_inflation`` instead.
        group_means: dict[str, list[float]] = defaultdict(list)
        for (group, _), value in means.items():
            if group != "self":
                group_means[group].append(value)
        limit = checks["leniency"] / span
        lenient = {
            key: value - fmean(group_means[key[0]])
            for key, value in means.items()
            if key[0] != "self"
            and len(group_means[key[0]]) > 1
            and value - fmean(group_means[key[0]]) > limit
        }
        for rating in all_ratings:
            key = (rating.kelompok, rating.penilai_nip)
            if key in lenient:
                _flag_once(
                    by_nip[rating.nip],
                    "bias_leniency",
                    f"{rating.kelompok} rater {rating.penilai_nip} rates "
                    f"{lenient[key] * span:.2f} points above other {rating.kelompok} raters "
                    "on average",
                )

    if "identical_min" in checks:
        given: dict[tuple[str, str], dict[str, tuple]] = defaultdict(dict)
        for rating in all_ratings:
            if rating.penilai_nip and rating.kelompok != "self":
                key = (rating.kelompok, rating.penilai_nip)
                given[key].setdefault(rating.nip, ())
                given[key][rating.nip] += ((rating.aspek, rating.nilai),)
        for (group, rater), per_employee in given.items():
            patterns = {tuple(sorted(p)) for p in per_employee.values()}
            if len(per_employee) >= checks["identical_min"] and len(patterns) == 1:
                for nip in per_employee:
                    _flag_once(
                        by_nip[nip],
                        "bias_identical",
                        f"{group} rater {rater} gave the same scores to all "
                        f"{len(per_employee)} employees they rated",
                    )

    for result in results:
        group_mean: dict[str, list[float]] = defaultdict(list)
        for rating in dataset.ratings.get(result.nip, ()):
            group_mean[rating.kelompok].append(_scaled(rules, rating))
        mean = {g: fmean(v) for g, v in group_mean.items()}
        if "disagreement" in checks and "supervisor" in mean and "peer" in mean:
            diff = (mean["supervisor"] - mean["peer"]) * span
            if abs(diff) > checks["disagreement"]:
                result.flags.append(
                    Flag(
                        "bias_disagreement",
                        f"supervisor's ratings differ from the peers' by {diff:+.2f} points",
                    )
                )
        if "supervisor_self_gap" in checks and "supervisor" in mean and "self" in mean:
            diff = (mean["supervisor"] - mean["self"]) * span
            if abs(diff) > checks["supervisor_self_gap"]:
                side = "below" if diff < 0 else "above"
                result.flags.append(
                    Flag(
                        "bias_supervisor_self_gap",
                        f"supervisor rates {abs(diff):.2f} points {side} the self-assessment; "
                        "discuss the evidence for each aspect in the feedback session",
                    )
                )
        others = [v for g, values in group_mean.items() if g != "self" for v in values]
        if "self_inflation" in checks and "self" in mean and others:
            diff = (mean["self"] - fmean(others)) * span
            if diff > checks["self_inflation"]:
                result.flags.append(
                    Flag("bias_self_inflation", f"self-rating is {diff:.2f} points above others'")
                )


def _flag_once(result: Result, code: str, message: str) -> None:
    if not any(f.code == code and f.message == message for f in result.flags):
        result.flags.append(Flag(code, message))
