"""The review dialogue between supervisor and employee, recorded after the run.

A region's rules may make the dialogue a stage (``dialogue: held_on``, with ``notes``
and ``agreed_actions`` as stages of their own); a result stays provisional until it is
held. When the workbook of the run did not have it, the supervisor records it later
with :func:`record_dialogue`: the dialogue is stored, its stages become done (when and
by whom kept), and a result whose every stage is then done, and that lacked nothing
else, becomes final, the change kept in ``result_changes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from kinerja.errors import RecordRefused
from kinerja.i18n import _
from kinerja.rules import Stage
from kinerja.store.chain import stored_result
from kinerja.store.db import DatabaseSource, using
from kinerja.store.objections import stored_result_run
from kinerja.store.runs import utc_moment
from kinerja.store.schema import DIALOGUES, RESULT_CHANGES, RESULT_STAGES, RESULTS
from kinerja.store.texts import checked_text

__all__ = ["Dialogue", "record_dialogue"]


@dataclass(frozen=True, slots=True)
class Dialogue:
    """A recorded dialogue: its id, the result, the stages it completed, the status."""

    id: int
    run_id: int
    nip: str
    stages: tuple[str, ...]
    """The stages it made done (none when they were done already)."""
    before: str
    after: str
    """The result's status before and after (``provisional`` or ``final``)."""


def record_dialogue(
    source: DatabaseSource,
    *,
    nip: str,
    recorded_by: str,
    held_on: dt.date,
    stages: Sequence[Stage],
    notes: str | None = None,
    agreed_actions: str | None = None,
    run_id: int | None = None,
    recorded_at: dt.datetime | None = None,
) -> Dialogue:
    """Record the dialogue the supervisor ``recorded_by`` held with ``nip`` on ``held_on``.

    :param stages: the rules' stages (those with ``dialogue`` are the dialogue's).
    :param run_id: the stored run (default the person's latest).
    :raises RecordRefused: no such stored result, rules without a dialogue, someone other
        than the supervisor, a part the rules require left empty, or a dialogue before
        the stage it follows is done.
    """
    parts = {stage.dialogue: stage for stage in stages if stage.dialogue}
    if "held_on" not in parts:
        raise RecordRefused(_("these rules have no review dialogue (no stage dialogue: held_on)"))
    given = {
        "held_on": held_on,
        "notes": checked_text(notes, "--notes"),
        "agreed_actions": checked_text(agreed_actions, "--actions"),
    }
    for part in parts:
        if given[part] is None:
            raise RecordRefused(_missing(part, parts[part]))
    with using(source) as engine, engine.begin() as connection:
        run = stored_result_run(connection, nip, run_id)
        result = stored_result(connection, run["id"], nip) or {}
        _by_the_supervisor(result, nip, recorded_by)
        states = _stage_states(connection, run["id"], nip)
        _after_done(parts.values(), states, stages)
        _held_in_time(connection, run, nip, held_on, parts.values())
        row = {"run_id": run["id"], "nip": nip, "recorded_by": recorded_by,
               "recorded_at": utc_moment(recorded_at), **given}  # fmt: skip
        new_id = connection.execute(sa.insert(DIALOGUES).values(row)).inserted_primary_key[0]
        done = _mark_done(connection, run["id"], nip, parts.values(), states, row)
        after = _status_after(connection, result, states | dict.fromkeys(done, "done"), row,
                              new_id)  # fmt: skip
    return Dialogue(new_id, run["id"], nip, done, result["status"], after)


def _missing(part: str, stage: Stage) -> str:
    option = {"held_on": "--held-on", "notes": "--notes", "agreed_actions": "--actions"}[part]
    return _(
        "the rules require the dialogue's {option} (stage {stage}: {label}); give it",
        option=option,
        stage=stage.id,
        label=stage.label,
    )


def _by_the_supervisor(result: dict, nip: str, recorded_by: str) -> None:
    """Only the employee's supervisor records the dialogue they held."""
    supervisor = result["atasan_nip"]
    if supervisor and recorded_by == supervisor:
        return
    if not supervisor:
        raise RecordRefused(
            _(
                "NIP {nip} has no atasan_nip in run {run}, so no supervisor can record their "
                "dialogue; fill in atasan_nip and store the run again",
                nip=nip,
                run=result["run_id"],
            )
        )
    raise RecordRefused(
        _(
            "only the supervisor, NIP {supervisor}, records the dialogue with NIP {nip}; "
            "NIP {by} may not",
            supervisor=supervisor,
            nip=nip,
            by=recorded_by,
        )
    )


def _stage_states(connection: sa.Connection, run_id: int, nip: str) -> dict[str, str]:
    """Each stored stage of the result, with its status."""
    query = sa.select(RESULT_STAGES.c.stage, RESULT_STAGES.c.status).where(
        RESULT_STAGES.c.run_id == run_id, RESULT_STAGES.c.nip == nip
    )
    return {row.stage: row.status for row in connection.execute(query)}


def _after_done(parts: Sequence[Stage], states: dict[str, str], stages: Sequence[Stage]) -> None:
    """Refuses a dialogue whose stages follow one that is not done."""
    labels = {stage.id: stage.label for stage in stages}
    for stage in parts:
        if stage.after and states.get(stage.after) != "done":
            raise RecordRefused(
                _(
                    "the dialogue follows the stage {stage} ({label}), which is not done for "
                    "this result; record the dialogue once it is",
                    stage=stage.after,
                    label=labels.get(stage.after, stage.after),
                )
            )


def _held_in_time(
    connection: sa.Connection, run: dict, nip: str, held_on: dt.date, parts: Sequence[Stage]
) -> None:
    """Refuses a dialogue held before the period the run appraised began, or before the
    stage it follows was done."""
    start = run["period_from"]
    if start is not None and held_on < start:
        raise RecordRefused(
            _(
                "the dialogue was held on {day}, before the period of run {run} began on "
                "{start}; give the day it was held",
                day=held_on.isoformat(),
                run=run["id"],
                start=start.isoformat(),
            )
        )
    follows = {stage.after for stage in parts if stage.after}
    query = sa.select(RESULT_STAGES.c.stage, RESULT_STAGES.c.done_on).where(
        RESULT_STAGES.c.run_id == run["id"],
        RESULT_STAGES.c.nip == nip,
        RESULT_STAGES.c.stage.in_(follows),
    )
    for stage, done_on in connection.execute(query):
        if done_on is not None and held_on < done_on:
            raise RecordRefused(
                _(
                    "the dialogue was held on {day}, before the stage it follows, {stage}, "
                    "was done on {done}; give the day it was held",
                    day=held_on.isoformat(),
                    stage=stage,
                    done=done_on.isoformat(),
                )
            )


def _mark_done(
    connection: sa.Connection,
    run_id: int,
    nip: str,
    parts: Sequence[Stage],
    states: dict[str, str],
    row: dict,
) -> tuple[str, ...]:
    """The dialogue's stages that were not done, now done on its day by its supervisor."""
    todo = tuple(stage.id for stage in parts if states.get(stage.id, "done") != "done")
    if todo:
        key = (RESULT_STAGES.c.run_id == run_id) & (RESULT_STAGES.c.nip == nip)
        connection.execute(
            sa.update(RESULT_STAGES)
            .where(key & RESULT_STAGES.c.stage.in_(todo))
            .values(status="done", detail=None, done_on=row["held_on"], done_by=row["recorded_by"])
        )
    return todo


def _status_after(
    connection: sa.Connection, result: dict, states: dict[str, str], row: dict, dialogue_id: int
) -> str:
    """``final`` when every stage is done and the result lacked nothing else (a result
    stored before that was known stays as it was); the change kept."""
    before = result["status"]
    complete = result["incomplete"] is False and all(s == "done" for s in states.values())
    if before != "provisional" or not complete:
        return before
    key = (RESULTS.c.run_id == result["run_id"]) & (RESULTS.c.nip == result["nip"])
    connection.execute(sa.update(RESULTS).where(key).values(status="final"))
    change = {
        "run_id": result["run_id"],
        "nip": result["nip"],
        "field": "status",
        "action": "dialogue_recorded",
        "before": before,
        "after": "final",
        "changed_by": row["recorded_by"],
        "changed_on": row["held_on"],
        "reason": _("the review dialogue of {day} is recorded", day=row["held_on"].isoformat()),
        "source": f"dialogue:{dialogue_id}",
    }
    connection.execute(sa.insert(RESULT_CHANGES).values(change))
    return "final"
