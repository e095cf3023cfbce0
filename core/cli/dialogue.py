"""`kinerja dialogue`: the supervisor records the review dialogue held with an employee.

For rules whose stages include the dialogue (``dialogue: held_on``...), a stored result
stays provisional until it is held; recorded here after the run, its stages become done
and the result final when nothing else is missing (:mod:`kinerja.store.dialogues`).
"""

from __future__ import annotations

import json

import click

from kinerja.cli.common import fail, iso_date, manager, text_or_json
from kinerja.cli.history_db import check_person, guarded, history_db_option, opened
from kinerja.cli.objections import past_day, rules_of_run
from kinerja.i18n import N_, _
from kinerja.output.headers import status_labels

__all__ = ["dialogue_command"]


@click.command("dialogue")
@history_db_option
@click.option("--nip", required=True, help=N_("The NIP of the employee whose result it is."))
@click.option("--by", "recorded_by", required=True, help=N_("The supervisor's NIP."))
@click.option(
    "--held-on", required=True, metavar="DATE", callback=iso_date,
    help=N_("The day the dialogue was held."),
)  # fmt: skip
@click.option("--notes", help=N_("What was discussed."))
@click.option("--actions", help=N_("The actions agreed."))
@click.option(
    "--run", "run_id", type=click.IntRange(min=1), help=N_("The stored run [default: the latest].")
)
@text_or_json
def dialogue_command(
    db: str,
    nip: str,
    recorded_by: str,
    held_on: str,
    notes: str | None,
    actions: str | None,
    run_id: int | None,
    form: str,
) -> None:
    """Record the review dialogue a supervisor held with an employee."""
    from kinerja.store.dialogues import record_dialogue
    from kinerja.store.objections import stored_latest_run

    nip, day = check_person(nip, "--nip"), past_day(held_on, "--held-on")
    recorded_by = check_person(recorded_by, "--by")
    with opened(db) as (url, engine):
        run = guarded(url, lambda: stored_latest_run(engine, nip, run_id))
        rules = rules_of_run(manager(), run)
        if rules is None:
            fail(
                _(
                    "the rules of run {run} ({region} {version}) are not installed here, so "
                    "the stages of its dialogue are not known",
                    run=run["id"],
                    region=run["region"],
                    version=run["rules_version"],
                )  # fmt: skip
            )
        held = guarded(
            url,
            lambda: record_dialogue(
                engine,
                nip=nip,
                recorded_by=recorded_by,
                held_on=day,
                stages=rules.stages,
                notes=notes,
                agreed_actions=actions,
                run_id=run["id"],
            ),  # fmt: skip
        )
    if form == "json":
        document = {"dialogue": held.id, "run_id": held.run_id, "nip": held.nip,
                    "stages_done": list(held.stages), "status_before": held.before,
                    "status": held.after}  # fmt: skip
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    labels = status_labels()
    click.echo(
        _(
            "Dialogue {id} recorded for NIP {nip} in run {run}; stages done: {stages}; the "
            "result is {status}.",
            id=held.id,
            nip=held.nip,
            run=held.run_id,
            stages=", ".join(held.stages) or "–",
            status=labels.get(held.after, held.after),
        )
    )
