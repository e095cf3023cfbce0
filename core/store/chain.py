"""A stored result and its supervisor chain, as a run stored them.

The supervisor's own supervisor decides an objection (PP 30/2019).
:func:`expected_decider` finds that person through the ``atasan_nip`` of the run's
stored results. It refuses, saying why and what to do, when no one can be known: no
supervisor, a supervisor without a result or without their own supervisor, or a chain
that goes round a loop at any depth (the person is then in a loop of supervisors, or
their supervisor or that supervisor's supervisor is).
"""

from __future__ import annotations

import sqlalchemy as sa

from kinerja.errors import RecordRefused
from kinerja.i18n import _
from kinerja.store.schema import RESULTS

__all__ = ["expected_decider", "stored_result"]

MOST_HOPS = 100_000
"""More supervisors above anyone than any real chain has: a guard, not a rule."""


def stored_result(connection: sa.Connection, run_id: int, nip: str) -> dict | None:
    """Stored result (run_id, nip): ``atasan_nip``, ``predikat``, ``status``,
    ``incomplete``; None when the run has no result of ``nip``."""
    columns = (RESULTS.c.atasan_nip, RESULTS.c.predikat, RESULTS.c.status, RESULTS.c.incomplete)
    query = sa.select(*columns).where(RESULTS.c.run_id == run_id, RESULTS.c.nip == nip)
    row = connection.execute(query).first()
    return None if row is None else row._asdict() | {"run_id": run_id, "nip": nip}


def _supervisor_of(connection: sa.Connection, run_id: int, nip: str) -> str | None:
    found = stored_result(connection, run_id, nip)
    return (found or {}).get("atasan_nip") or None


def in_loop(connection: sa.Connection, run_id: int, start: str) -> bool:
    """Whether following ``atasan_nip`` up from ``start`` comes back to ``start``."""
    seen, current = {start}, _supervisor_of(connection, run_id, start)
    for _hop in range(MOST_HOPS):
        if current is None:
            return False
        if current == start:
            return True
        if current in seen:  # a loop above start, not through it
            return False
        seen.add(current)
        current = _supervisor_of(connection, run_id, current)
    return True


def expected_decider(connection: sa.Connection, run_id: int, nip: str) -> str:
    """The NIP of who decides an objection against ``nip``'s result in run ``run_id``.

    :raises RecordRefused: no one can be known to decide it (see the module doc).
    """
    supervisor = _supervisor_of(connection, run_id, nip)
    if supervisor is None:
        raise RecordRefused(
            _(
                "NIP {nip} has no atasan_nip in run {run}, so no one knows who the "
                "supervisor's supervisor is, who decides it; fill in atasan_nip, store the "
                "run again and file the objection there",
                nip=nip,
                run=run_id,
            )
        )
    above = stored_result(connection, run_id, supervisor)
    if above is None:
        raise RecordRefused(
            _(
                "the supervisor NIP {supervisor} has no result in run {run}, so no one knows "
                "who their supervisor is, who decides it; add them to the pegawai sheet with "
                "their atasan_nip and store the run again",
                supervisor=supervisor,
                run=run_id,
            )
        )
    decider = above["atasan_nip"]
    if not decider:
        raise RecordRefused(
            _(
                "the supervisor NIP {supervisor} has no atasan_nip in run {run}, so no one "
                "knows who their supervisor is, who decides it; fill in their atasan_nip and "
                "store the run again",
                supervisor=supervisor,
                run=run_id,
            )
        )
    if any(in_loop(connection, run_id, person) for person in (nip, supervisor, decider)):
        raise RecordRefused(
            _(
                "the supervisor chain of NIP {nip} in run {run} goes round a loop "
                "(atasan_nip leads back), so no supervisor's supervisor can decide it; "
                "correct atasan_nip and store the run again",
                nip=nip,
                run=run_id,
            )
        )
    return decider
