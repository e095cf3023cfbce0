"""The words of a policy: each section's title, what each row is about, and its value
as a policy analyst reads it (``0.4 (40%)``, ``renormalise: the other groups' weights
are rescaled``).

Every word is built when it is asked for, in the language in use; the module keeps
only the messages (:func:`~kinerja.i18n.N_`). Identifiers (group, column, stage and
component names, codes) stay as the rules write them, in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kinerja.i18n import N_, _, ngettext, number

__all__ = [
    "SECTION_TITLES",
    "after",
    "band_range",
    "baseline",
    "basis",
    "bias_check",
    "bound",
    "cap",
    "cycle",
    "default",
    "expression",
    "feedback",
    "gap_feedback",
    "group_missing",
    "indicator_kind",
    "indicator_weights",
    "input_type",
    "labels",
    "language",
    "max_share",
    "min_count",
    "no_baseline",
    "objection_window",
    "open_ended",
    "peer_comparison",
    "min_unit_size",
    "published_nip",
    "quoted",
    "recommendation",
    "required",
    "required_level",
    "requires",
    "scale",
    "score_weight",
    "share",
    "subject",
    "title",
    "weights",
]

SECTION_TITLES = {
    "basis": N_("basis"),
    "inputs": N_("inputs"),
    "indicators": N_("indicators"),
    "aspects": N_("aspects and scales"),
    "rater_groups": N_("rater groups"),
    "stages": N_("review stages"),
    "components": N_("components"),
    "score": N_("score"),
    "bands": N_("bands"),
    "predikat": N_("predikat"),
    "feedback": N_("feedback"),
    "recommendations": N_("recommendations"),
    "objections": N_("objections"),
    "publication": N_("publication"),
    "bias_checks": N_("bias checks"),
    "version": N_("version and period"),
}
"""Each section's title, by its code (the codes are :data:`kinerja.compare.policy.SECTIONS`)."""

_THINGS = {
    # i18n: what a policy row is about; {name} is the input column as the rules name it
    "input": N_("input {name}"),
    "indicator": N_("indicator {name}"),
    "aspect": N_("aspect {name}"),
    # i18n: {name} is a rater group as the rules name it (supervisor, peer...)
    "rater_group": N_("rater group {name}"),
    "stage": N_("stage {name}"),
    "component": N_("component {name}"),
    "band_table": N_("band table {name}"),
    "feedback": N_("feedback {name}"),
    "recommendation": N_("recommendation {name}"),
    "bias_check": N_("bias check {name}"),
}

_PROPERTIES = {
    "basis": N_("basis"),
    "period": N_("appraisal cycle"),
    "baseline": N_("national baseline"),
    "type": N_("type"),
    "label": N_("label"),
    "required": N_("required"),
    "minimum": N_("minimum"),
    "maximum": N_("maximum"),
    "kind": N_("kind"),
    "cap": N_("cap"),
    "unit": N_("unit"),
    "indicator_weights": N_("indicator weights"),
    "scale": N_("scale"),
    "groups": N_("rated by"),
    "weights": N_("group weights"),
    "required_level": N_("required level"),
    "weight": N_("weight"),
    "min_count": N_("minimum raters"),
    "when_missing": N_("when missing"),
    "max_share": N_("maximum share"),
    "when_group_missing": N_("when a rater group is missing"),
    "order": N_("stage order"),
    "requires": N_("done when"),
    "after": N_("after"),
    "expr": N_("expression"),
    "score_label": N_("score: label"),
    "score_expr": N_("score: expression"),
    "labels": N_("predikat: labels, best first"),
    "predikat_expr": N_("predikat: expression"),
    "gap_feedback": N_("gap feedback"),
    "window_days": N_("objection window"),
    "peer_comparison": N_("peer comparison"),
    "published_fields": N_("published fields"),
    "published_nip": N_("NIP on the site"),
    "published_flags": N_("published flags"),
    "min_unit_size": N_("smallest unit shown by person"),
    "show_change": N_("change since the last site"),
    "how_to_object": N_("how to object"),
    "valid_from": N_("valid from"),
    "valid_to": N_("valid to"),
    "version": N_("version"),
    "language": N_("language"),
    "region": N_("region"),
    "title": N_("title"),
    "source": N_("source"),
    "description": N_("description"),
}

_BASIS = {
    "competency": N_("competency: rated competencies and behaviour"),
    "outcome": N_("outcome: achievement against targets"),
    "mixed": N_("mixed: achievement against targets and rated competencies or behaviour"),
}
_CYCLE = {
    "monthly": N_("monthly"),
    "quarterly": N_("quarterly (four times a year)"),
    "semester": N_("per semester (twice a year)"),
    "annual": N_("annual (once a year)"),
}
_INPUT_TYPES = {"number": N_("a number"), "text": N_("text"), "date": N_("a date (YYYY-MM-DD)")}
_KINDS = {
    "normal": N_("normal: higher is better"),
    "inverse": N_("inverse: lower is better"),
    "range": N_("range: inside [target, target_maks] is 100"),
}
_MISSING = {
    "renormalise": N_("renormalise: the other groups' weights are rescaled"),
    "incomplete": N_("incomplete: the result stays provisional until the group's ratings are in"),
}
_LANGUAGES = {"id": N_("Indonesian"), "en": N_("English")}
_BIAS = {
    "leniency": N_("flag a rater whose mean is {value} above the mean of their group"),
    "disagreement": N_(
        "flag an employee whose supervisor's mean differs by {value} from the peers' mean"
    ),
    "self_inflation": N_("flag an employee whose self-rating is {value} above the others' mean"),
    "identical_min": N_("flag a rater who gives at least {value} employees the same scores"),
    "supervisor_self_gap": N_(
        "flag an employee whose supervisor's mean differs by {value} from their self-assessment"
    ),
}


def title(section: str) -> str:
    """The title of ``section`` in the language in use."""
    return _(SECTION_TITLES[section])


def subject(prop: str, thing: str | None = None, name: str = "") -> str:
    """What a row is about: ``rater group supervisor: weight``, or a property alone
    (``basis``), or a thing alone (``feedback 1``: ``prop`` empty)."""
    words = _(_PROPERTIES[prop]) if prop else ""
    if thing is None:
        return words
    owner = _(_THINGS[thing], name=name)
    return f"{owner}: {words}" if words else owner


def score_weight(component: str) -> str:
    """What a score weight row is about."""
    # i18n: the weight of one component in the score; {name} is the component's name
    return _("score: weight of {name}", name=component)


def _code(words: Mapping[str, str], code: object) -> str:
    """The words for ``code``, or the code as written when it has none."""
    message = words.get(str(code))
    return _(message) if message else str(code)


def basis(code: str) -> str:
    """What the appraisal rests on, in words."""
    return _code(_BASIS, code)


def cycle(code: str) -> str:
    """How often the appraisal runs, in words."""
    return _code(_CYCLE, code)


def input_type(code: str) -> str:
    """What an input column holds."""
    return _code(_INPUT_TYPES, code)


def indicator_kind(code: str) -> str:
    """How an indicator's achievement is counted."""
    return _code(_KINDS, code)


def group_missing(code: str) -> str:
    """What happens when a rater group has too few raters."""
    return _code(_MISSING, code)


def language(code: str) -> str:
    """The language the rules ask kinerja to speak."""
    return _code(_LANGUAGES, code)


def bias_check(code: str, value: float) -> str:
    """What a bias check flags, with its threshold."""
    message = _BIAS.get(code)
    return _(message, value=number(value)) if message else f"{code} {number(value)}"


def share(value: float) -> str:
    """A weight or share with its percentage: ``0.4 (40%)``."""
    return f"{number(value)} ({number(round(value * 100, 6))}%)"


def weights(by_name: Mapping[str, float]) -> str:
    """Weights by name: ``supervisor 0.625 (62.5%), peer 0.375 (37.5%)``."""
    return ", ".join(f"{name} {share(w)}" for name, w in by_name.items())


def min_count(n: int) -> str:
    """The fewest raters a group needs to count."""
    return ngettext("at least {n} rater", "at least {n} raters", n)


def required(flag: bool) -> str:
    """Whether an empty cell rejects the employee."""
    if flag:
        return _("yes: an employee whose cell is empty is rejected")
    return _("no: the cell may be empty")


def bound(kind: str, value: float) -> str:
    """An input's lowest or highest accepted value."""
    if kind == "minimum":
        return _("{value} or more; a lower value rejects the employee", value=number(value))
    return _("{value} or less; a higher value rejects the employee", value=number(value))


def cap(value: float) -> str:
    """The highest achievement an indicator counts."""
    return _("achievement counted up to {cap}%", cap=number(value))


def indicator_weights() -> str:
    """Where the indicators' weights come from."""
    return _("each employee's own, from the bobot column of capaian")


def scale(low: float, high: float) -> str:
    """A rating scale."""
    return _("{low} to {high}", low=number(low), high=number(high))


def required_level(level: float) -> str:
    """The competency level a post requires."""
    return _("level {level} required by the post", level=number(level))


def max_share(value: float) -> str:
    """The most of an aspect a rater group ever carries."""
    return _(
        "{share}: the most of an aspect this group carries in any result",
        share=share(value),
    )


def requires(kind: str, subject_name: str) -> str:
    """What marks a review stage done."""
    if kind == "outcomes":
        return _("the employee has capaian rows")
    if kind == "ratings":
        return _("rater group {group} has its minimum of raters", group=subject_name)
    return _("column {name} of pegawai is filled in", name=subject_name)


def after(stage: str) -> str:
    """The stage whose dated records must come first."""
    return _("after stage {stage}, whose dated records come first", stage=stage)


def band_range(low: float | None, high: float | None) -> str:
    """The values a band holds (``min`` inclusive, ``max`` exclusive)."""
    if low is not None and high is not None:
        return _("{low} to under {high}", low=number(low), high=number(high))
    if low is not None:
        return _("{low} and above", low=number(low))
    if high is not None:
        return _("under {high}", high=number(high))
    return _("any value")


def labels(names: Iterable[str]) -> str:
    """A list of labels as written, best first."""
    return ", ".join(names)


def expression(source: str) -> str:
    """An expression, as written (spaces folded), in backticks."""
    return f"`{' '.join(source.split())}`"


def quoted(text: str) -> str:
    """A text of the rules (a label, a feedback text), spaces folded, in quotes."""
    return f'"{" ".join(text.split())}"'


def feedback(when: str, text: str, aspect: str | None) -> str:
    """A feedback condition and its text."""
    if aspect:
        return _(
            "about {aspect}, when {when}: {text}",
            aspect=aspect,
            when=expression(when),
            text=quoted(text),
        )
    return _("when {when}: {text}", when=expression(when), text=quoted(text))


def gap_feedback(flag: bool) -> str:
    """Whether each employee is told the gap to each target."""
    if flag:
        return _("yes: each employee is told the gap to each target")
    return _("no")


def recommendation(code: str, when: str, text: str) -> str:
    """A recommendation, its condition and its text."""
    return _("{code} when {when}: {text}", code=code, when=expression(when), text=quoted(text))


def objection_window(days: int) -> str:
    """How long after receiving the result an objection may be filed."""
    return ngettext(
        "objections within {n} day of receiving the result",
        "objections within {n} days of receiving the result",
        days,
    )


def peer_comparison(column: str) -> str:
    """How results are published beside their peers'."""
    return _("each result is shown beside those of the same {column}", column=column)


def published_nip(mode: str) -> str:
    """How a published site shows NIPs."""
    if mode == "hidden":
        return _("hidden: no NIP is published")
    return _("masked: only the first and last four digits show")


def min_unit_size(n: int) -> str:
    """The smallest unit whose people are shown one by one."""
    return _("a unit of fewer than {n} appraised employees shows only its totals", n=n)


def no_baseline() -> str:
    """The words for rules that extend no national baseline."""
    return _("none: these rules extend no national baseline")


def baseline(name: str, source: str) -> str:
    """A national baseline by name, with the document it implements."""
    return f"{name}: {source}" if source else name


def open_ended() -> str:
    """A valid_to that is not set."""
    return _("open-ended")


def default(words: str) -> str:
    """A value the rules leave to kinerja's default."""
    return _("{value} (default)", value=words)
