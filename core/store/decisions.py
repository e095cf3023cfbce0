"""Decisions on objections (keberatan), with authority: the supervisor's own supervisor.

:func:`decide_objection` checks the decider against the run's supervisor chain as the
database holds it, and refuses anything else with :class:`~kinerja.errors.RecordRefused`
(nothing written). A decision that changes the predikat updates the stored result and
keeps the original in ``result_changes`` with who decided, when and why; a decision
that keeps it is recorded there too, so that a person's history shows every decision.

One transaction each; on PostgreSQL the objection being decided is locked (``SELECT ...
FOR UPDATE``), and a second decision of the same objection is refused by the database's
own unique key, so two officials deciding at once cannot both win.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from kinerja.errors import RecordRefused
from kinerja.i18n import _
from kinerja.store.chain import expected_decider, stored_result
from kinerja.store.db import DatabaseSource, using
from kinerja.store.objections import no_objection
from kinerja.store.runs import utc_moment
from kinerja.store.schema import DECISIONS, OBJECTIONS, RESULT_CHANGES, RESULTS
from kinerja.store.texts import checked_text

__all__ = ["DECISIONS_MADE", "Decision", "decide_objection"]

DECISIONS_MADE = ("tetap", "ubah")
"""A decision keeps the result (``tetap``) or changes its predikat (``ubah``), the words
of the keberatan sheet."""


@dataclass(frozen=True, slots=True)
class Decision:
    """A recorded decision: its id, the objection, and the predikat before and after."""

    id: int
    objection_id: int
    run_id: int
    nip: str
    decision: str
    before: str | None
    after: str | None


def decide_objection(
    source: DatabaseSource,
    *,
    objection_id: int,
    decided_by: str,
    decision: str,
    reason: str,
    decided_on: dt.date,
    new_predikat: str | None = None,
    labels: Sequence[str] = (),
    recorded_at: dt.datetime | None = None,
) -> Decision:
    """Record the decision of ``decided_by`` on objection ``objection_id``.

    :param decision: ``tetap`` (the result stands) or ``ubah`` (its predikat becomes
        ``new_predikat``, one of ``labels``, the region's predikat).
    :raises RecordRefused: no such objection, decided already, a decider who is not the
        supervisor's supervisor (or cannot be known), no reason, a day before the
        filing, or a predikat that is missing, unknown or unchanged.
    """
    reason = checked_text(reason, "--reason") or ""
    if not reason:
        raise RecordRefused(_("the decision has no reason; every decision needs its reason"))
    with using(source) as engine, engine.begin() as connection:
        objection = _open_objection(connection, objection_id)
        result = stored_result(connection, objection["run_id"], objection["nip"]) or {}
        _check_decider(connection, objection, decided_by)
        if decided_on < objection["filed_on"]:
            raise RecordRefused(
                _(
                    "decided on {day}, before the objection was filed on {filed}; check the date",
                    day=decided_on.isoformat(),
                    filed=objection["filed_on"].isoformat(),
                )
            )
        before = result["predikat"]
        after = _new_predikat(decision, new_predikat, before, labels)
        row = {
            "objection_id": objection_id,
            "decided_by": decided_by,
            "decided_on": decided_on,
            "outcome": decision,
            "new_predikat": after if decision == "ubah" else None,
            "reason": reason.strip(),
            "recorded_at": utc_moment(recorded_at),
        }
        try:
            new_id = connection.execute(sa.insert(DECISIONS).values(row)).inserted_primary_key[0]
        except sa.exc.IntegrityError as exc:
            raise RecordRefused(_already_decided(objection_id)) from exc
        _apply(connection, objection, row | {"id": new_id}, before, after)
    return Decision(new_id, objection_id, objection["run_id"], objection["nip"], decision,
                    before, after)  # fmt: skip


def _open_objection(connection: sa.Connection, objection_id: int) -> dict:
    """Objection ``objection_id``, locked for this transaction; refused when there is no
    such objection or it is decided."""
    query = sa.select(OBJECTIONS).where(OBJECTIONS.c.id == objection_id).with_for_update()
    row = connection.execute(query).first()
    if row is None:
        raise RecordRefused(no_objection(objection_id))
    if row.status != "filed":
        raise RecordRefused(_already_decided(objection_id))
    return row._asdict()


def _already_decided(objection_id: int) -> str:
    return _(
        "objection {id} is decided already; a decision is recorded once",
        id=objection_id,
    )


def _check_decider(connection: sa.Connection, objection: dict, decided_by: str) -> None:
    """Refuses anyone but the supervisor's own supervisor, per the run's supervisor chain."""
    run_id, nip = objection["run_id"], objection["nip"]
    decider = expected_decider(connection, run_id, nip)
    if decided_by != decider:
        supervisor = (stored_result(connection, run_id, nip) or {}).get("atasan_nip")
        raise RecordRefused(
            _(
                "only the supervisor's supervisor, NIP {decider}, may decide objection {id} "
                "(NIP {nip}'s supervisor is NIP {supervisor}); NIP {by} may not",
                decider=decider,
                id=objection["id"],
                nip=nip,
                supervisor=supervisor,
                by=decided_by,
            )
        )


def _new_predikat(
    decision: str, given: str | None, before: str | None, labels: Sequence[str]
) -> str | None:
    """The predikat after the decision: unchanged for ``tetap``; for ``ubah`` the given
    one, spelt as the rules spell it."""
    if decision not in DECISIONS_MADE:
        raise RecordRefused(
            _("the decision is {given}; it must be tetap or ubah", given=repr(decision))
        )
    if decision == "tetap":
        if given:
            raise RecordRefused(
                _("tetap keeps the result as it is; give a new predikat only with ubah")
            )
        return before
    if not given or not given.strip():
        raise RecordRefused(_("ubah changes the predikat; give the new predikat"))
    by_case = {label.casefold(): label for label in labels}
    label = by_case.get(given.strip().casefold())
    if label is None:
        near = difflib.get_close_matches(given.strip(), list(labels), n=1)
        hint = _(" (did you mean {label}?)", label=repr(near[0])) if near else ""
        raise RecordRefused(
            _(
                "{given} is not a predikat of these rules{hint}; the predikat are: {labels}",
                given=repr(given),
                hint=hint,
                labels=", ".join(labels),
            )
        )
    if label == before:
        raise RecordRefused(
            _("the predikat is {label} already; decide tetap to keep it", label=repr(label))
        )
    return label


def _apply(
    connection: sa.Connection, objection: dict, decision: dict, before: str | None, after: str
) -> None:
    """The objection decided; the result's predikat changed (``ubah``); the decision in
    ``result_changes``, original kept."""
    key = (RESULTS.c.run_id == objection["run_id"]) & (RESULTS.c.nip == objection["nip"])
    connection.execute(
        sa.update(OBJECTIONS).where(OBJECTIONS.c.id == objection["id"]).values(status="decided")
    )
    changed = decision["outcome"] == "ubah"
    if changed:
        connection.execute(sa.update(RESULTS).where(key).values(predikat=after))
    change = {
        "run_id": objection["run_id"],
        "nip": objection["nip"],
        "field": "predikat",
        "action": "objection_changed" if changed else "objection_upheld_result",
        "before": before,
        "after": after,
        "changed_by": decision["decided_by"],
        "changed_on": decision["decided_on"],
        "reason": decision["reason"],
        "source": f"objection:{objection['id']}",
        "decision_id": decision["id"],
    }
    connection.execute(sa.insert(RESULT_CHANGES).values(change))
