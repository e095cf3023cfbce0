"""Objections (keberatan) against stored results: filed by the employee, in time.

PP 30/2019: an employee may object to their own result within the region's window
(14 days from receipt unless the rules say otherwise); :func:`file_objection` checks
exactly that against what the database holds and refuses anything else with
:class:`~kinerja.errors.RecordRefused` (nothing written). The supervisor's supervisor
decides it (:mod:`kinerja.store.decisions`). Each function is one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from kinerja.errors import RecordRefused
from kinerja.i18n import _
from kinerja.store.chain import expected_decider, stored_result
from kinerja.store.db import DatabaseSource, using
from kinerja.store.runs import utc_moment
from kinerja.store.schema import DECISIONS, OBJECTIONS, RESULTS, RUNS
from kinerja.store.texts import checked_text

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "Objection",
    "file_objection",
    "no_objection",
    "objections_of",
    "run_of_objection",
    "stored_latest_run",
    "stored_result_run",
]

DEFAULT_WINDOW_DAYS = 14
"""Days from receipt within which an objection may be filed, when the rules give none
(PP 30/2019)."""


@dataclass(frozen=True, slots=True)
class Objection:
    """A filed objection: which stored result, by whom, when, and until when it could be."""

    id: int
    run_id: int
    nip: str
    received_on: dt.date
    filed_on: dt.date
    deadline: dt.date
    """The last day it could be filed (receipt + the window)."""


# ------------------------------------------------------------------ filing


def file_objection(
    source: DatabaseSource,
    *,
    nip: str,
    filed_by: str,
    reason: str,
    filed_on: dt.date,
    window_days: int = DEFAULT_WINDOW_DAYS,
    received_on: dt.date | None = None,
    run_id: int | None = None,
    recorded_at: dt.datetime | None = None,
) -> Objection:
    """File an objection by ``filed_by`` against ``nip``'s stored result.

    :param run_id: the run whose result is objected to (default the person's latest,
        by the period appraised, then the day of the run).
    :param received_on: the day the employee received the result (default the day of
        the run).
    :raises RecordRefused: no such stored result, filed by anyone but the employee,
        without a reason, before receipt or after the window, or a second objection
        against the same result.
    """
    reason = checked_text(reason, "--reason") or ""
    if not reason:
        raise RecordRefused(_("the objection has no reason; say why the result is wrong"))
    with using(source) as engine, engine.begin() as connection:
        result = stored_result_run(connection, nip, run_id)
        if filed_by != nip:
            raise RecordRefused(
                _(
                    "only the employee may object to their own result: NIP {by} is not "
                    "NIP {nip}; the objection must be filed by NIP {nip}",
                    by=filed_by,
                    nip=nip,
                )
            )
        received = _received(result, received_on)
        deadline = _within_window(received, filed_on, window_days)
        _not_objected_yet(connection, result["id"], nip)
        _objectable(connection, result["id"], nip)
        row = {
            "run_id": result["id"],
            "nip": nip,
            "filed_by": filed_by,
            "received_on": received,
            "filed_on": filed_on,
            "reason": reason.strip(),
            "status": "filed",
            "recorded_at": utc_moment(recorded_at),
        }
        new_id = _insert(engine, connection, row)
    return Objection(new_id, result["id"], nip, received, filed_on, deadline)


def _insert(engine: sa.Engine, connection: sa.Connection, row: dict) -> int:
    """The objection's row inserted, in its own savepoint: when another process filed one
    against the same result meanwhile, theirs stands and this one is refused."""
    try:
        with connection.begin_nested():
            return connection.execute(sa.insert(OBJECTIONS).values(row)).inserted_primary_key[0]
    except sa.exc.IntegrityError:
        with engine.connect() as other:
            _not_objected_yet(other, row["run_id"], row["nip"])
        raise


def _received(run: dict, given: dt.date | None) -> dt.date:
    """The day the result was received: ``given`` (never before the run made it), else
    the day of the run."""
    made = run["run_on"]
    if given is None and made is None:
        raise RecordRefused(
            _("run {run} has no date; give the day the result was received", run=run["id"])
        )
    if given is not None and made is not None and given < made:
        raise RecordRefused(
            _(
                "the result cannot be received on {given}, before run {run} made it on "
                "{made}; give the day it was received",
                given=given.isoformat(),
                run=run["id"],
                made=made.isoformat(),
            )
        )
    return given or made


def _objectable(connection: sa.Connection, run_id: int, nip: str) -> None:
    """Refuses an objection against a result not yet final, or one that no one can
    decide (no supervisor's supervisor is known, or the chain goes round a loop)."""
    result = stored_result(connection, run_id, nip) or {}
    if result.get("status") != "final":
        raise RecordRefused(
            _(
                "the result of NIP {nip} in run {run} is provisional: a stage of its review "
                "is not done (kinerja history --nip {nip}); an objection is filed against "
                "the final result the employee received",
                nip=nip,
                run=run_id,
            )
        )
    expected_decider(connection, run_id, nip)


def stored_latest_run(source: DatabaseSource, nip: str, run_id: int | None = None) -> dict:
    """The row of the run holding ``nip``'s result: run ``run_id``, or the latest (by the
    period appraised, then the day of the run).

    :raises RecordRefused: no stored result of ``nip`` (in that run).
    """
    with using(source) as engine, engine.connect() as connection:
        return stored_result_run(connection, nip, run_id)


def run_of_objection(source: DatabaseSource, objection_id: int) -> dict:
    """The row of the run whose result objection ``objection_id`` is against.

    :raises RecordRefused: there is no such objection.
    """
    query = sa.select(RUNS).join_from(OBJECTIONS, RUNS, OBJECTIONS.c.run_id == RUNS.c.id)
    with using(source) as engine, engine.connect() as connection:
        row = connection.execute(query.where(OBJECTIONS.c.id == objection_id)).first()
    if row is None:
        raise RecordRefused(no_objection(objection_id))
    return row._asdict()


def stored_result_run(connection: sa.Connection, nip: str, run_id: int | None) -> dict:
    """The row of the run holding ``nip``'s result (run ``run_id``, else the latest),
    read on ``connection``; refused when there is none."""
    query = (
        sa.select(RUNS)
        .join_from(RESULTS, RUNS, RESULTS.c.run_id == RUNS.c.id)
        .where(RESULTS.c.nip == nip)
        .order_by(
            RUNS.c.period_from.desc().nulls_last(),
            RUNS.c.run_on.desc().nulls_last(),
            RUNS.c.created_at.desc(),
            RUNS.c.id.desc(),
        )
        .limit(1)
    )
    if run_id is not None:
        query = query.where(RUNS.c.id == run_id)
    row = connection.execute(query).first()
    if row is not None:
        return row._asdict()
    if run_id is None:
        raise RecordRefused(
            _(
                "no stored result of NIP {nip}; check the NIP, or store the run first "
                "(kinerja run --db)",
                nip=nip,
            )
        )
    raise RecordRefused(
        _(
            "run {run} has no result of NIP {nip}; kinerja history --nip {nip} lists the "
            "runs that do",
            run=run_id,
            nip=nip,
        )
    )


def _within_window(received: dt.date, filed: dt.date, window: int) -> dt.date:
    """The last day to file; refuses a filing before receipt or after that day."""
    deadline = received + dt.timedelta(days=window)
    if filed < received:
        raise RecordRefused(
            _(
                "filed on {filed}, before the result was received on {received}; check both dates",
                filed=filed.isoformat(),
                received=received.isoformat(),
            )
        )
    if filed > deadline:
        raise RecordRefused(
            _(
                "filed on {filed}, {days} days after the result was received on "
                "{received}: objections close {window} days after receipt (on {deadline})",
                filed=filed.isoformat(),
                days=str((filed - received).days),
                received=received.isoformat(),
                window=str(window),
                deadline=deadline.isoformat(),
            )
        )
    return deadline


def _not_objected_yet(connection: sa.Connection, run_id: int, nip: str) -> None:
    """Refuses a second objection against the same result."""
    query = (
        sa.select(OBJECTIONS.c.id, OBJECTIONS.c.status, OBJECTIONS.c.filed_on)
        .where(OBJECTIONS.c.run_id == run_id, OBJECTIONS.c.nip == nip)
        .order_by(OBJECTIONS.c.id)
    )
    earlier = connection.execute(query).first()
    if earlier is None:
        return
    words = {
        "filed": _(
            "the result of NIP {nip} in run {run} already has objection {id}, filed on "
            "{day} and awaiting its decision",
            nip=nip,
            run=run_id,
            id=earlier.id,
            day=earlier.filed_on.isoformat(),
        ),
    }
    raise RecordRefused(
        words.get(earlier.status)
        or _(
            "the result of NIP {nip} in run {run} was objected to already (objection {id}, "
            "decided); a result is objected to once",
            nip=nip,
            run=run_id,
            id=earlier.id,
        )
    )


# ------------------------------------------------------------------ reading


def objections_of(source: DatabaseSource, nip: str) -> list[dict]:
    """``nip``'s objections, oldest first, each with its decision (null fields when
    awaiting one): ``id``, ``run_id``, ``filed_by``, ``received_on``, ``filed_on``,
    ``reason``, ``status``, ``decided_by``, ``decided_on``, ``outcome``,
    ``new_predikat``, ``decision_reason``."""
    query = (
        sa.select(
            *(OBJECTIONS.c[n] for n in ("id", "run_id", "filed_by", "received_on", "filed_on")),
            OBJECTIONS.c.reason,
            OBJECTIONS.c.status,
            *(DECISIONS.c[n] for n in ("decided_by", "decided_on", "outcome", "new_predikat")),
            DECISIONS.c.reason.label("decision_reason"),
        )
        .join_from(OBJECTIONS, DECISIONS, DECISIONS.c.objection_id == OBJECTIONS.c.id, isouter=True)
        .where(OBJECTIONS.c.nip == nip)
        .order_by(OBJECTIONS.c.id)
    )
    with using(source) as engine, engine.connect() as connection:
        return [row._asdict() for row in connection.execute(query)]


def no_objection(objection_id: int) -> str:
    return _(
        "there is no objection {id}; kinerja history --nip NIP lists a person's objections",
        id=objection_id,
    )
