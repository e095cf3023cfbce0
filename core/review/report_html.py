"""The rater-training pages of ``kinerja raters --format html``: an index and a page per rater.

Internal evidence for the rater trainer (it names raters by their NIP; it is not the
public site of :mod:`kinerja.publish`). The index shows the run, the findings table
and every rater without a finding, largest effect first; each rater's page shows the
effect with its standard error, each finding in words, the mean rating given against
what the model expects of the same employees (per aspect), and the people rated.

Pages are jinja2 templates with autoescape on (a name or a rater id is always text),
their style sheet inline and allowed by its hash in a Content-Security-Policy that
allows nothing else: no script, nothing fetched. File names come from the rater's
group and NIP digits only (:func:`rater_file`), never from a raw string. Numbers are
written as the language in use writes them (:func:`kinerja.i18n.numbers.number_column`).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from kinerja import __version__
from kinerja.frames import group_words
from kinerja.i18n import N_, _, count, current
from kinerja.i18n.numbers import number_column
from kinerja.publish.swap import atomic_folder
from kinerja.review.effects import RaterEffects
from kinerja.review.findings import KINDS
from kinerja.rules import RuleSet

__all__ = [
    "KIND_WORDS",
    "STYLE",
    "RaterReport",
    "csp",
    "rater_file",
    "report_pages",
    "write_report",
]

STYLE = resources.files("kinerja.review").joinpath("templates/report.css").read_text("utf-8")
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("kinerja.review", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
KIND_WORDS = {
    "leniency": N_("Leniency"),
    "severity": N_("Severity"),
    "supervisor_gap": N_("Supervisor far from peers and self-ratings"),
    "straight_line": N_("Straight-lining"),
    "self_inflation": N_("Self-inflation"),
    "halo": N_("Halo"),
}
"""Each finding kind (:data:`kinerja.review.findings.KINDS`) as a person reads it."""
COUNTED = ("straight_line", "halo")
"""The kinds whose value and threshold are numbers of employees, not points."""
_GROUP = re.compile(r"[a-z]{1,20}")
_DIGITS = re.compile(r"[0-9]{1,30}")
_DASH = "–"


@dataclass(frozen=True)
class RaterReport:
    """What the pages are made of: the rules, the fitted model, its findings
    (:data:`kinerja.review.findings.FINDINGS`) and the employees (``nip``, ``nama``,
    ``unit_kerja``)."""

    rules: RuleSet
    effects: RaterEffects
    findings: pl.DataFrame
    employees: pl.DataFrame


def csp() -> str:
    """The pages' Content-Security-Policy: their own style sheet, by hash; nothing else."""
    digest = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; script-src 'none'; img-src 'none'; "
        "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def rater_file(kelompok: str, penilai_nip: str) -> str:
    """The page of a rater: ``rater-<group>-<NIP>.html``, the same for the same rater in
    every run. A group or id that is not plain letters / digits (a citizen's written id)
    is replaced by a hash of it, so nothing typed in the input reaches a path."""
    group = kelompok if _GROUP.fullmatch(kelompok) else "g" + _digest(kelompok)
    rater = penilai_nip if _DIGITS.fullmatch(penilai_nip) else "x" + _digest(penilai_nip)
    return f"rater-{group}-{rater}.html"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_report(report: RaterReport, folder: Path) -> int:
    """Write :func:`report_pages` into ``folder`` whole (built beside it, then swapped
    in: :func:`kinerja.publish.swap.atomic_folder`); returns the number of pages.

    :raises kinerja.errors.PublishError: ``folder`` is a file.
    :raises OSError: a page could not be written (the previous folder is left as it was).
    """
    pages = report_pages(report)
    with atomic_folder(folder) as building:
        for name, html in pages.items():
            (building / name).write_text(html, encoding="utf-8")
    return len(pages)


def report_pages(report: RaterReport) -> dict[str, str]:
    """Every page: its file name -> its HTML (``index.html`` first, then one per rater,
    largest effect first)."""
    common = _common()
    raters = _raters(report)
    findings = _findings(report.findings, raters)
    pages = {"index.html": _index(report, raters, findings, common)}
    rated = _rated(report)
    aspects, people = _aspects(rated), _people(rated, report.employees)
    empty = {"findings": findings.clear(), "aspects": aspects.clear(), "people": people.clear()}
    parts = {
        "findings": findings.partition_by("_r", as_dict=True, maintain_order=True),
        "aspects": aspects.partition_by("_r", as_dict=True, maintain_order=True),
        "people": people.partition_by("_r", as_dict=True, maintain_order=True),
    }
    for rater in raters.iter_rows(named=True):
        mine = {name: part.get((rater["_r"],), empty[name]) for name, part in parts.items()}
        pages[rater["file"]] = _rater_page(common, rater, **mine)
    return pages


def _raters(report: RaterReport) -> pl.DataFrame:
    """Every rater with its file, group in words, numbers as text and number of
    findings, largest effect first (then group and NIP)."""
    raters = report.effects.raters
    files = [rater_file(k, r) for k, r in raters.select("kelompok", "penilai_nip").iter_rows()]
    found = report.findings.group_by("kelompok", "penilai_nip").agg(pl.len().alias("found"))
    return (
        raters.with_columns(pl.Series("file", files, pl.String))
        .join(found, on=["kelompok", "penilai_nip"], how="left", maintain_order="left")
        .with_columns(
            pl.col("found").fill_null(0),
            group_words(pl.col("kelompok")).alias("@group"),
            number_column(pl.col("points"), 2).fill_null(_DASH).alias("@points"),
            number_column(pl.col("se_points"), 2).fill_null(_DASH).alias("@se"),
            *_counts("ratings", "employees"),
        )
        .sort(
            pl.col("points").abs(),
            "kelompok",
            "penilai_nip",
            descending=[True, False, False],
            nulls_last=True,
        )
    )


def _counts(*columns: str) -> list[pl.Expr]:
    """Whole numbers as :func:`kinerja.i18n.count` writes them, as ``@<column>``."""
    return [number_column(pl.col(column), 0).alias(f"@{column}") for column in columns]


def _findings(findings: pl.DataFrame, raters: pl.DataFrame) -> pl.DataFrame:
    """The findings with their rater's code and file, kind in words and numbers as text:
    by kind, then the largest value first."""
    counted = pl.col("kind").is_in(COUNTED)

    def shown(column: str) -> pl.Expr:
        value = pl.col(column)
        text = pl.when(counted).then(number_column(value, 0)).otherwise(number_column(value, 2))
        return text.fill_null(_DASH).alias(f"@{column}")

    order = pl.DataFrame({"kind": list(KINDS), "_k": range(len(KINDS))})
    words = {kind: _(word) for kind, word in KIND_WORDS.items()}
    who = raters.select("kelompok", "penilai_nip", "_r", "file", "@group")
    return (
        findings.join(who, on=["kelompok", "penilai_nip"], how="left")
        .join(order, on="kind", how="left")
        .with_columns(
            pl.col("kind").replace(words).alias("@kind"),
            shown("value"),
            shown("se"),
            shown("threshold"),
            *_counts("ratings", "employees"),
            pl.format(_("threshold {}"), shown("threshold")).alias("@limit"),
        )
        .sort("_k", pl.col("value").abs(), "file", descending=[False, True, False])
    )


def _index(
    report: RaterReport, raters: pl.DataFrame, findings: pl.DataFrame, common: dict[str, Any]
) -> str:
    """The index: the run, the findings table, and the raters without a finding."""
    rules, effects = report.rules, report.effects
    sd = effects.residual_sd * effects.span
    residual = pl.select(number_column(pl.lit(sd, pl.Float64), 2)).item() or _DASH
    heading = _("Rater effects — region {region}, rules {version}",
                region=rules.region, version=rules.version)  # fmt: skip
    words = common["words"]
    context = dict(common, heading=heading, page_title=heading, home=None)
    context.update(
        meta=[
            (_("Region"), rules.region),
            (_("Rules version"), rules.version),
            (words["raters"], count(raters.height)),
            (words["ratings"], count(effects.ratings.height)),
            (words["employees_rated"], count(effects.employees.height)),
            (_("Residual sd (points)"), residual),
            (_("Findings"), count(report.findings.height)),
        ],
        findings=_findings_table(findings, words),
        others=_others_table(raters.filter(pl.col("found") == 0), words),
    )
    return _ENV.get_template("index.html.j2").render(context)


def _findings_table(found: pl.DataFrame, words: dict[str, str]) -> dict[str, Any]:
    headers = [
        (words["rater"], "nip"),
        (words["role"], ""),
        (_("Finding"), ""),
        (_("Value"), "num"),
        (words["se"], "num"),
        (_("Threshold"), "num"),
        (words["ratings"], "num"),
        (_("Employees"), "num"),
        (_("Evidence"), "words"),
    ]
    rows = [
        [
            (row["penilai_nip"], "nip", row["file"]),
            (row["@group"], "", None),
            (row["@kind"], "", None),
            (row["@value"], "num", None),
            (row["@se"], "num", None),
            (row["@threshold"], "num", None),
            (row["@ratings"], "num", None),
            (row["@employees"], "num", None),
            (row["words"], "words", None),
        ]
        for row in found.iter_rows(named=True)
    ]
    caption = _("Findings by kind, the largest first; each rater's page shows the evidence")
    return {"id": "t-findings", "caption": caption, "headers": headers, "rows": rows}


def _others_table(raters: pl.DataFrame, words: dict[str, str]) -> dict[str, Any]:
    headers = [
        (words["rater"], "nip"),
        (words["role"], ""),
        (_("Effect (points)"), "num"),
        (words["se"], "num"),
        (words["ratings"], "num"),
        (_("Employees"), "num"),
    ]
    rows = [
        [
            (row["penilai_nip"], "nip", row["file"]),
            (row["@group"], "", None),
            (row["@points"], "num", None),
            (row["@se"], "num", None),
            (row["@ratings"], "num", None),
            (row["@employees"], "num", None),
        ]
        for row in raters.iter_rows(named=True)
    ]
    caption = _("Raters without a finding, the largest effect first")
    return {"id": "t-others", "caption": caption, "headers": headers, "rows": rows}


def _aspects(rated: pl.DataFrame) -> pl.DataFrame:
    """Per rater and aspect (rules order), from :func:`_rated`: ratings, the mean rating
    given and the mean the model expects of the same employees from an average rater
    (their level plus the aspect's effect, on the aspect's scale), and the difference,
    as text."""
    per_aspect = (
        rated.group_by("_r", "aspek")
        .agg(
            pl.len().alias("n"),
            pl.col("nilai").mean().alias("given"),
            pl.col("_expected").mean().alias("expected"),
            pl.col("_label", "_order").first(),
        )
        .sort("_r", "_order")
    )
    return per_aspect.with_columns(
        *_counts("n"),
        number_column(pl.col("given"), 2).alias("@given"),
        number_column(pl.col("expected"), 2).alias("@expected"),
        number_column(pl.col("given") - pl.col("expected"), 2).alias("@difference"),
    )


def _rated(report: RaterReport) -> pl.DataFrame:
    """The model's ratings with the aspect's label, order and scale, and ``_expected``:
    what an average rater would give (the fitted value less the rater's effect)."""
    aspects = report.rules.aspects
    frame = pl.DataFrame(
        {
            "aspek": list(aspects),
            "_label": [a.label or code for code, a in aspects.items()],
            "_order": list(range(len(aspects))),
            "_low": [float(a.scale[0]) for a in aspects.values()],
            "_high": [float(a.scale[1]) for a in aspects.values()],
        },
        schema={
            "aspek": pl.String,
            "_label": pl.String,
            "_order": pl.Int64,
            "_low": pl.Float64,
            "_high": pl.Float64,
        },
    )
    effect = report.effects.raters.select("_r", pl.col("effect").alias("_beta"))
    expected = pl.col("_low") + (pl.col("fitted") - pl.col("_beta")) * (
        pl.col("_high") - pl.col("_low")
    )
    return (
        report.effects.ratings.join(effect, on="_r", how="left", maintain_order="left")
        .join(frame, on="aspek", how="left", maintain_order="left")
        .with_columns(expected.alias("_expected"))
    )


def _people(rated: pl.DataFrame, employees: pl.DataFrame) -> pl.DataFrame:
    """Per rater, from :func:`_rated`, each employee they rated (in input order): NIP,
    name, unit, the rating of each aspect as text (column ``@a:<aspek>``), and the mean
    given and expected."""
    nilai = pl.col("nilai")
    text = pl.when(nilai == nilai.round(0)).then(number_column(nilai, 0))
    rated = rated.with_columns(text.otherwise(number_column(nilai, 2)).alias("_shown"))
    per_person = rated.group_by("_r", "nip", maintain_order=True).agg(
        pl.col("nilai").mean().alias("given"), pl.col("_expected").mean().alias("expected")
    )
    cells = (
        rated.group_by("_r", "nip", "aspek", maintain_order=True)
        .agg(pl.col("_shown").str.join(", "))
        .with_columns(pl.concat_str(pl.lit("@a:"), "aspek").alias("aspek"))
        .pivot(on="aspek", index=["_r", "nip"], values="_shown", aggregate_function="first")
    )
    names = employees.select("nip", "nama", "unit_kerja").unique("nip", keep="first")
    return (
        per_person.join(cells, on=["_r", "nip"], how="left", maintain_order="left")
        .join(names, on="nip", how="left", maintain_order="left")
        .with_columns(
            pl.col("nama", "unit_kerja").fill_null(""),
            number_column(pl.col("given"), 2).alias("@given"),
            number_column(pl.col("expected"), 2).alias("@expected"),
        )
    )


def _rater_page(
    common: dict[str, Any],
    rater: dict[str, Any],
    findings: pl.DataFrame,
    aspects: pl.DataFrame,
    people: pl.DataFrame,
) -> str:
    """One rater's page: ``rater`` its row of :func:`_raters`, the others its rows of
    :func:`_findings`, :func:`_aspects` and :func:`_people`; ``common`` is :func:`_common`."""
    words = common["words"]
    heading = _("{rater} ({group})", rater=rater["penilai_nip"], group=rater["@group"])
    context = dict(common, heading=heading, page_title=f"{heading} — {words['title']}")
    context.update(
        home="index.html",
        meta=[
            (words["role"], rater["@group"]),
            (words["effect_label"], _points(rater["@points"], words)),
            (words["se"], _points(rater["@se"], words)),
            (words["ratings"], rater["@ratings"]),
            (words["employees_rated"], rater["@employees"]),
        ],
        found=[
            (row["@kind"], row["words"], row["@limit"]) for row in findings.iter_rows(named=True)
        ],
        aspects=_aspects_table(aspects, words),
        people=_people_table(people, aspects, words),
    )
    return _ENV.get_template("rater.html.j2").render(context)


def _points(shown: str, words: dict[str, str]) -> str:
    """``0.58 points``; a number not known stays a dash."""
    return shown if shown == _DASH else words["points"].format(points=shown)


def _aspects_table(aspects: pl.DataFrame, words: dict[str, str]) -> dict[str, Any]:
    headers = [
        (words["aspect"], ""),
        (words["ratings"], "num"),
        (words["given"], "num"),
        (words["expected"], "num"),
        (words["difference"], "num"),
    ]
    rows = [
        [
            (row["_label"], "", None),
            (row["@n"], "num", None),
            (row["@given"] or _DASH, "num", None),
            (row["@expected"] or _DASH, "num", None),
            (row["@difference"] or _DASH, "num", None),
        ]
        for row in aspects.iter_rows(named=True)
    ]
    return {"id": "t-aspects", "caption": words["aspects_caption"], "headers": headers,
            "rows": rows}  # fmt: skip


def _people_table(
    people: pl.DataFrame, aspects: pl.DataFrame, words: dict[str, str]
) -> dict[str, Any]:
    """The people rated: NIP, name, unit, one column per aspect the rater rated."""
    codes = aspects.get_column("aspek").to_list()
    headers = [(words["nip"], "nip"), (words["name"], ""), (words["unit"], "")]
    headers += [(label, "num") for label in aspects.get_column("_label")]
    headers += [(words["given"], "num"), (words["expected"], "num")]
    names = ["nip", "nama", "unit_kerja", *(f"@a:{code}" for code in codes), "@given", "@expected"]
    where = [people.columns.index(name) for name in names]
    rows = []
    for row in people.iter_rows():
        cells = [(row[where[0]], "nip", None), (row[where[1]], "", None), (row[where[2]], "", None)]
        cells += [(row[k] or _DASH, "num", None) for k in where[3:]]
        rows.append(cells)
    return {"id": "t-people", "caption": words["people_caption"], "headers": headers,
            "rows": rows}  # fmt: skip


def _common() -> dict[str, Any]:
    """What every page's template needs: language, policy, style, words (made once for
    all pages)."""
    return {
        "lang": current(),
        "csp": csp(),
        "engine": __version__,
        "style": Markup(STYLE),
        "words": _page_words(),
    }


def _page_words() -> dict[str, str]:
    """Every fixed text of the pages, by the name the templates and tables use."""
    return {
        "title": _("Rater effects"),
        "rater": _("Rater"),
        "raters": _("Raters"),
        "role": _("Role"),
        "ratings": _("Ratings"),
        "employees_rated": _("Employees rated"),
        "se": _("Standard error"),
        "effect_label": _("Effect"),
        "points": _("{points} points"),
        "aspect": _("Aspect"),
        "given": _("Mean given"),
        "expected": _("Model expects"),
        "difference": _("Difference"),
        "nip": _("NIP"),
        "name": _("Name"),
        "unit": _("Work unit"),
        "aspects_caption": _(
            "Mean rating given by this rater and what the model expects, per aspect"
        ),
        "people_caption": _("The employees this rater rated, with the ratings this rater gave"),
        "skip": _("Skip to the content"),
        "nav": _("Pages of this report"),
        "back": _("Back to all raters"),
        "internal": _(
            "Internal evidence for rater training: it names raters by their NIP. Do not publish it."
        ),
        "footer": _(
            "Made with kinerja {version} from every rating of the run: a rating is the "
            "employee's level, plus the aspect's effect, plus the rater's effect, fitted by "
            "least squares.",
            version=__version__,
        ),
        "run": _("The run"),
        "model": _(
            "A rater's effect is how far, in points of the widest scale, the rater's "
            "ratings are from what the model expects of the same employees from an "
            "average rater: above 0 more generous, below 0 stricter. The standard error "
            "says how sure the estimate is; a finding needs both a large effect and a "
            "small standard error, over enough ratings."
        ),
        "findings": _("Raters with a finding"),
        "no_findings": _("No rater departs from the others beyond the thresholds."),
        "counts_note": _(
            "Values and thresholds are in points of the widest scale, except for "
            "straight-lining and halo: there they are numbers of employees."
        ),
        "others": _("Raters without a finding"),
        "no_others": _("Every rater has a finding."),
        "effect": _("The rater's effect"),
        "effect_note": _(
            "In points of the widest scale: above 0 the rater gives more than the model "
            "expects of the same employees, below 0 less."
        ),
        "evidence": _("What the model finds"),
        "no_evidence": _("No finding: this rater is within the thresholds."),
        "aspects": _("Ratings given and what the model expects"),
        "aspects_intro": _(
            "For each aspect: the mean rating this rater gave, and the mean the model "
            "expects an average rater to give the same employees."
        ),
        "people": _("The people they rated"),
    }
