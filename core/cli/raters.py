"""`kinerja raters`: the rater-training evidence, from the rater-effects model.

Every rating of the input is fitted at once (:func:`kinerja.review.effects.fit_effects`):
each rater's effect, with its standard error and the ratings behind it, and what the
model finds (:func:`kinerja.review.findings.find_biases`): leniency, severity, a
supervisor far from the peers and self-ratings, straight-lining, self-inflation, halo.
The text report puts the findings first, then one block per rater found, with the
people they rated; ``--format json`` gives every rater's effect and every finding;
``--format html`` writes a folder of pages, an index and one per rater
(:mod:`kinerja.review.report_html`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import click
import polars as pl

from kinerja.cli.common import (
    chosen_rules,
    fail,
    input_limit_options,
    input_option,
    manager,
    rules_options,
    rules_version_options,
    write_error,
)
from kinerja.errors import InputError, PublishError
from kinerja.frames import group_word
from kinerja.i18n import N_, _, count, ngettext, number
from kinerja.input.read import read_tables
from kinerja.input.validate import build_dataset
from kinerja.output.atomic import atomic_write
from kinerja.rules import RuleSet

if TYPE_CHECKING:
    from kinerja.review.effects import RaterEffects

__all__ = ["raters_command"]

text_json_or_html = click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help=N_(
        "text for people; json for tools (stable keys); html: an index and a page per "
        "rater, written to the --output folder."
    ),
)
"""``--format text|json|html``: as :data:`kinerja.cli.common.text_or_json`, and pages."""


@click.command("raters")
@rules_options
@input_option
@text_json_or_html
@click.option("--output", "-o", type=click.Path(path_type=Path), help=N_("Write the report here."))
@rules_version_options
@input_limit_options
def raters_command(
    region: str | None,
    rules_path: Path | None,
    input_path: Path,
    form: str,
    output: Path | None,
    as_of: str | None,
    period: int | None,
) -> None:
    """Estimate each rater's leniency or severity and show the evidence for rater training."""
    if form == "html":
        _check_folder(output)
    rules = chosen_rules(manager(), region, rules_path, as_of, period)
    try:
        batch = build_dataset(read_tables(input_path), rules.input_spec())
    except InputError as exc:
        fail(str(exc))
    from kinerja.review.effects import fit_effects  # scipy: only for this command
    from kinerja.review.findings import find_biases, thresholds_of

    scales = {code: aspect.scale for code, aspect in rules.aspects.items()}
    if batch.ratings.is_empty() or not scales:
        fail(_("no ratings to estimate rater effects from in {path}", path=input_path), code=1)
    effects = fit_effects(batch.ratings, scales)
    findings = find_biases(effects, thresholds_of(rules.rater_effects))
    if form == "html":
        _write_html(rules, effects, findings, batch.employees, output)
        return
    names = batch.employees.select("nip", "nama")
    text = (
        json.dumps(_document(rules, effects, findings), ensure_ascii=False, indent=2) + "\n"
        if form == "json"
        else "\n".join(_lines(rules, effects, findings, names)) + "\n"
    )
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write(output, text.encode("utf-8"))
    click.echo(_("Wrote {path}", path=output))


def _check_folder(output: Path | None) -> None:
    """``--format html`` needs ``--output``, a folder (new or existing), or a clean exit."""
    if output is None:
        fail(_("--format html writes a folder of pages: name the folder with --output"))
    elif output.exists() and not output.is_dir():
        fail(_("{path} is a file: --format html writes a folder of pages; name a folder with "
               "--output", path=output))  # fmt: skip


def _write_html(
    rules: RuleSet,
    effects: RaterEffects,
    findings: pl.DataFrame,
    employees: pl.DataFrame,
    output: Path | None,
) -> None:
    """The pages, written whole into ``output`` (the previous folder kept on a failure)."""
    from kinerja.review.report_html import RaterReport, write_report  # jinja2: only here

    assert output is not None  # checked by _check_folder
    try:
        pages = write_report(RaterReport(rules, effects, findings, employees), output)
    except PublishError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(write_error(exc, output))
    click.echo(ngettext("Wrote {n} page to {path}", "Wrote {n} pages to {path}", pages,
                        path=output))  # fmt: skip


def _document(rules: RuleSet, effects: RaterEffects, findings: pl.DataFrame) -> dict:
    """The JSON form: ``{"region", "rules_version", "residual_sd", "raters": [...],
    "findings": [...]}``; effects and standard errors in points of the widest scale."""
    raters = effects.raters.select(
        "penilai_nip", "kelompok", "points", "se_points", "ratings", "employees"
    ).with_columns(pl.col("points", "se_points").round(9))

    def finite(rows: list[dict]) -> list[dict]:
        return [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                 for k, v in row.items()} for row in rows]  # fmt: skip

    sd = effects.residual_sd * effects.span
    return {
        "region": rules.region,
        "rules_version": rules.version,
        "residual_sd": round(sd, 9) if math.isfinite(sd) else None,
        "raters": finite(raters.to_dicts()),
        "findings": finite(findings.to_dicts()),
    }


def _lines(
    rules: RuleSet, effects: RaterEffects, findings: pl.DataFrame, names: pl.DataFrame
) -> list[str]:
    """The findings, then a block per rater found: the effect and the people rated."""
    lines = [
        _(
            "Rater effects — region {region}, rules {version}",
            region=rules.region,
            version=rules.version,
        ),  # fmt: skip
        _(
            "{raters} raters, {ratings} ratings; findings: {n}",
            raters=count(effects.raters.height),
            ratings=count(effects.ratings.height),
            n=count(findings.height),
        ),
    ]
    if findings.is_empty():
        return [*lines, _("No rater departs from the others beyond the thresholds.")]
    people = _people(effects, names)
    raters = effects.raters.select("kelompok", "penilai_nip", "points", "se_points")
    found = findings.join(raters, on=["kelompok", "penilai_nip"], how="left")
    by_rater = found.partition_by("kelompok", "penilai_nip", as_dict=True, maintain_order=True)
    for (group, rater), mine in by_rater.items():
        lines += ["", *_block(str(group), str(rater), mine, people.get((group, rater), []))]
    return lines


def _people(effects: RaterEffects, names: pl.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Each rater's people: ``NIP name`` of every employee they rated, in input order."""
    person = pl.concat_str("nip", pl.lit(" "), pl.col("nama").fill_null("")).str.strip_chars()
    rated = effects.ratings.join(names, on="nip", how="left").group_by(
        "kelompok", "penilai_nip", maintain_order=True
    )
    lists = rated.agg(person.unique(maintain_order=True).alias("people"))
    return {(k, r): v for k, r, v in lists.iter_rows()}


def _block(group: str, rater: str, found: pl.DataFrame, people: list[str]) -> list[str]:
    """One rater's findings in words, their effect, and the people they rated."""
    lines = [_("{rater} ({group})", rater=rater, group=group_word(group))]
    lines += [f"  - {words}" for words in found.get_column("words")]
    points, se = found.row(0, named=True)["points"], found.row(0, named=True)["se_points"]
    if points is not None:
        shown_se = number(se, 2) if se is not None and math.isfinite(se) else "–"
        effect = _("effect {points} points (se {se})", points=number(points, 2), se=shown_se)
        lines.append(f"  {effect}")
    lines.append("  " + _("rated: {people}", people=", ".join(people)))
    return lines
