"""`kinerja object` and `kinerja decide`: objections (keberatan) against stored results.

The employee files an objection against their own stored result, within the region's
window from the day they received it; the supervisor's own supervisor (per the run's
supervisor chain) decides it, keeping the result (``tetap``) or changing its predikat
(``ubah``). Both are checked against the history database and refused with the reason
when they are not allowed (:mod:`kinerja.store.objections`); `kinerja history` shows
them, with the original result kept.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click
import pluggy

from kinerja import regions
from kinerja.cli.common import fail, iso_date, manager, text_or_json
from kinerja.cli.history_db import check_person, guarded, history_db_option, opened
from kinerja.errors import RulesError, UnknownRegion
from kinerja.i18n import N_, _
from kinerja.regions import region_versions
from kinerja.rules import RuleSet

if TYPE_CHECKING:
    from kinerja.store.decisions import Decision
    from kinerja.store.objections import Objection

__all__ = ["decide_command", "object_command", "past_day", "rules_of_run"]


def rules_of_run(pm: pluggy.PluginManager, run: dict) -> RuleSet | None:
    """The installed rules a stored run was made under: the version with its hash, else
    the version of its name; None when neither is installed."""
    try:
        versions = region_versions(pm, run["region"])
    except (UnknownRegion, RulesError):
        return None
    by_hash = [rules for rules in versions if rules.sha256 == run["rules_sha256"]]
    by_name = [rules for rules in versions if rules.version == run["rules_version"]]
    return (by_hash or by_name or [None])[0]


def past_day(value: str | None, option: str = "--date") -> dt.date:
    """An ISO day from :func:`iso_date`, default today; a day after today is refused."""
    now = regions.today()
    day = dt.date.fromisoformat(value) if value else now
    if day > now:
        fail(
            _(
                "{option} {day} is after today ({today}); give the day it happened",
                option=option,
                day=day.isoformat(),
                today=now.isoformat(),
            )
        )
    return day


@click.command("object")
@history_db_option
@click.option("--nip", required=True, help=N_("The NIP of the employee whose result it is."))
@click.option("--by", "filed_by", required=True, help=N_("The NIP of who files it."))
@click.option("--reason", required=True, help=N_("Why the result is wrong, in words."))
@click.option(
    "--run", "run_id", type=click.IntRange(min=1), help=N_("The stored run [default: the latest].")
)
@click.option(
    "--received",
    metavar="DATE",
    callback=iso_date,
    help=N_("The day the employee received the result [default: the day of the run]."),
)
@click.option(
    "--date",
    "filed",
    metavar="DATE",
    callback=iso_date,
    help=N_("The day it is filed [default: today]."),
)
@text_or_json
def object_command(
    db: str,
    nip: str,
    filed_by: str,
    reason: str,
    run_id: int | None,
    received: str | None,
    filed: str | None,
    form: str,
) -> None:
    """File an employee's objection (keberatan) against their stored result."""
    from kinerja.store.objections import DEFAULT_WINDOW_DAYS, file_objection, stored_latest_run

    nip, filed_by = check_person(nip, "--nip"), check_person(filed_by, "--by")
    filed_on = past_day(filed)
    received_on = past_day(received, "--received") if received else None
    with opened(db) as (url, engine):
        run = guarded(url, lambda: stored_latest_run(engine, nip, run_id))
        rules = rules_of_run(manager(), run)
        window = (rules.objection_window_days if rules else None) or DEFAULT_WINDOW_DAYS
        objection = guarded(
            url,
            lambda: file_objection(
                engine,
                nip=nip,
                filed_by=filed_by,
                reason=reason,
                filed_on=filed_on,
                window_days=window,
                received_on=received_on,
                run_id=run["id"],
            ),
        )
    if form == "json":
        click.echo(json.dumps(_filed_document(objection, window), ensure_ascii=False, indent=2))
        return
    click.echo(_filed_words(objection, window))
    if rules is None:
        click.echo(_not_installed(run, window))
    click.echo(
        _(
            "The supervisor's supervisor decides it: kinerja decide --objection {id} --by NIP "
            "--decision tetap|ubah --reason TEXT",
            id=objection.id,
        )
    )


def _filed_document(objection: Objection, window: int) -> dict:
    """The JSON form of a filed objection (stable keys)."""
    return {
        "objection": objection.id,
        "run_id": objection.run_id,
        "nip": objection.nip,
        "received_on": objection.received_on.isoformat(),
        "filed_on": objection.filed_on.isoformat(),
        "deadline": objection.deadline.isoformat(),
        "window_days": window,
    }


def _filed_words(objection: Objection, window: int) -> str:
    """A filed objection in words: the result, the days, the window's last day."""
    return _(
        "Objection {id} filed against the result of NIP {nip} in run {run} (received on "
        "{received}, filed on {filed}; the window of {window} days closes on {deadline}).",
        id=objection.id,
        nip=objection.nip,
        run=objection.run_id,
        received=objection.received_on.isoformat(),
        filed=objection.filed_on.isoformat(),
        window=str(window),
        deadline=objection.deadline.isoformat(),
    )


def _not_installed(run: dict, window: int) -> str:
    return _(
        "The rules of run {run} ({region} {version}) are not installed here; the window "
        "used is {window} days (PP 30/2019).",
        run=run["id"],
        region=run["region"],
        version=run["rules_version"],
        window=str(window),
    )


@click.command("decide")
@history_db_option
@click.option(
    "--objection", "objection_id", required=True, type=click.IntRange(min=1),
    help=N_("The objection's number (kinerja object, kinerja history)."),
)  # fmt: skip
@click.option("--by", "decided_by", required=True, help=N_("The NIP of who decides it."))
@click.option(
    "--decision",
    required=True,
    type=click.Choice(["tetap", "ubah"]),
    help=N_("tetap: the result stands; ubah: its predikat changes (give --predikat)."),
)
@click.option("--predikat", help=N_("The new predikat, with --decision ubah."))
@click.option("--reason", required=True, help=N_("Why, in words."))
@click.option(
    "--date",
    "decided",
    metavar="DATE",
    callback=iso_date,
    help=N_("The day it is decided [default: today]."),
)
@text_or_json
def decide_command(
    db: str,
    objection_id: int,
    decided_by: str,
    decision: str,
    predikat: str | None,
    reason: str,
    decided: str | None,
    form: str,
) -> None:
    """Record the supervisor's supervisor's decision on an objection."""
    from kinerja.store.decisions import decide_objection
    from kinerja.store.objections import run_of_objection

    decided_on, decided_by = past_day(decided), check_person(decided_by, "--by")
    with opened(db) as (url, engine):
        run = guarded(url, lambda: run_of_objection(engine, objection_id))
        rules = rules_of_run(manager(), run)
        if rules is None and decision == "ubah":
            fail(_not_checkable(run))
        made = guarded(
            url,
            lambda: decide_objection(
                engine,
                objection_id=objection_id,
                decided_by=decided_by,
                decision=decision,
                reason=reason,
                decided_on=decided_on,
                new_predikat=predikat,
                labels=rules.predikat_labels if rules else (),
            ),
        )
    if form == "json":
        document = {
            "decision": made.id,
            "objection": made.objection_id,
            "run_id": made.run_id,
            "nip": made.nip,
            "outcome": made.decision,
            "before": made.before,
            "after": made.after,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(_decided_words(made))


def _not_checkable(run: dict) -> str:
    return _(
        "the rules of run {run} ({region} {version}) are not installed here, so the new "
        "predikat cannot be checked; decide where the region's rules are installed",
        run=run["id"],
        region=run["region"],
        version=run["rules_version"],
    )


def _decided_words(made: Decision) -> str:
    """What the decision did, in words."""
    if made.decision == "ubah":
        return _(
            "Objection {id} decided (ubah): the predikat of NIP {nip} in run {run} is now "
            "{after} (was {before}); the original is kept in the history.",
            id=made.objection_id,
            nip=made.nip,
            run=made.run_id,
            after=made.after,
            before=made.before or "–",
        )
    return _(
        "Objection {id} decided (tetap): the result of NIP {nip} in run {run} stands ({before}).",
        id=made.objection_id,
        nip=made.nip,
        run=made.run_id,
        before=made.before or "–",
    )
