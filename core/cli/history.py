"""`kinerja history --db URL --nip NIP`: a person's results across periods, with every change."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
import polars as pl

from kinerja.cli.common import fail, text_or_json
from kinerja.cli.history_db import check_person, guarded, history_db_option, opened
from kinerja.i18n import N_, _, number
from kinerja.output.headers import status_labels

__all__ = ["history_command"]


@click.command("history")
@history_db_option
@click.option("--nip", required=True, help=N_("The employee's NIP."))
@text_or_json
def history_command(db: str, nip: str, form: str) -> None:
    """Show one employee's stored results across periods, with every change."""
    from kinerja.store import changes, history, shown_url
    from kinerja.store.objections import objections_of

    nip = check_person(nip, "--nip")
    with opened(db) as (url, engine):
        results, changed, objections = guarded(
            url, lambda: (history(engine, nip), changes(engine, nip), objections_of(engine, nip))
        )
    if form == "json":  # the document even when empty; the exit code says none was found
        document = _document(nip, results, changed, objections)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        if results.is_empty():
            sys.exit(1)
        return
    if results.is_empty():
        fail(_("no stored result of NIP {nip} in {db}", nip=nip, db=shown_url(url)), code=1)
    for line in _lines(nip, results, changed, objections):
        click.echo(line)


def _document(
    nip: str, results: pl.DataFrame, changed: pl.DataFrame, objections: list[dict]
) -> dict:
    """The JSON form: ``{"nip", "results": [...], "changes": [...], "objections": [...]}``,
    dates as ISO text."""

    def rows(frame: pl.DataFrame) -> list[dict]:
        return frame.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String)).to_dicts()

    def iso(row: dict) -> dict:
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}

    return {
        "nip": nip,
        "results": rows(results),
        "changes": rows(changed),
        "objections": [iso(row) for row in objections],
    }


def _lines(
    nip: str, results: pl.DataFrame, changed: pl.DataFrame, objections: list[dict]
) -> list[str]:
    """A line per stored result, oldest first, each followed by its objections and changes."""
    labels = status_labels()
    by_run = changed.partition_by("run_id", as_dict=True)
    lines = [_("{name} (NIP {nip})", name=results["nama"][-1] or "–", nip=nip)]
    for row in results.iter_rows(named=True):
        lines.append(_result_line(row, labels))
        for objection in (o for o in objections if o["run_id"] == row["run_id"]):
            lines.append("    " + _objection_words(objection))
        for change in by_run.get((row["run_id"],), changed.clear()).iter_rows(named=True):
            lines.append("    " + _change_words(change))
    return lines


def _objection_words(objection: dict) -> str:
    """An objection and where it stands, in words."""
    filed = _(
        "objection {id}, filed on {day} by {by}: {reason}",
        id=objection["id"],
        day=objection["filed_on"].isoformat(),
        by=objection["filed_by"],
        reason=objection["reason"],
    )
    if objection["decided_on"] is None:
        return filed + " — " + _("awaiting the decision of the supervisor's supervisor")
    return (
        filed
        + " — "
        + _(
            "decided ({outcome}) on {day} by {by}",
            outcome=objection["outcome"],
            day=objection["decided_on"].isoformat(),
            by=objection["decided_by"],
        )
    )


def _result_line(row: dict, labels: dict[str, str]) -> str:
    """One stored result: the period it appraised, the rules, the run, and the result."""
    start, end = row["period_from"], row["period_to"]
    period = "–" if start is None else f"{start}…{end or ''}"
    return _(
        "{period}  {region} {version}  run {run} of {day}: {unit}; score {score}, "
        "{predikat}, {status}",
        period=period,
        day=row["run_on"] or "–",
        region=row["region"],
        version=row["rules_version"],
        run=row["run_id"],
        unit=row["unit_kerja"] or "–",
        score="–" if row["score"] is None else number(row["score"], 2),
        predikat=row["predikat"] or "–",
        status=labels.get(row["status"] or "", row["status"] or "–"),
    )


def _change_words(change: dict) -> str:
    return _(
        "{field}: {before} → {after}, by {who} on {day} ({reason})",
        field=change["field"],
        before=change["before"] or "–",
        after=change["after"] or "–",
        who=change["changed_by"] or "–",
        day=change["changed_on"] or "–",
        reason=change["reason"] or "–",
    )
