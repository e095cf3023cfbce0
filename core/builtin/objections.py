"""Default objections (keberatan): applied with an audit trail, late ones refused."""

from __future__ import annotations

from datetime import date

from kinerja import hookimpl
from kinerja.model import AuditEntry, Dataset, Flag, Result
from kinerja.rules import RuleSet


@hookimpl(trylast=True)
def kinerja_review_batch(rules: RuleSet, results: list[Result], dataset: Dataset) -> None:
    """Apply each objection's decision, keeping the original predikat and the reason.

    An objection filed more than the rules' ``window_days`` after the result was
    received is recorded but not applied. A decision by someone other than the
    supervisor's own supervisor (when both are in the input) is flagged.
    """
    if rules.objection_window_days is None:
        return
    supervisor_of = {e.nip: e.atasan_nip for e in dataset.employees}
    for result in results:
        for objection in dataset.objections.get(result.nip, ()):
            days = (
                date.fromisoformat(objection.tanggal_ajuan)
                - date.fromisoformat(objection.tanggal_terima)
            ).days
            source = str(objection.source)
            if days > rules.objection_window_days or days < 0:
                result.audit.append(
                    AuditEntry(
                        "objection_refused",
                        result.predikat,
                        result.predikat,
                        objection.pemutus_nip,
                        objection.tanggal_ajuan,
                        f"filed {days} days after the result was received; the limit is "
                        f"{rules.objection_window_days}",
                        source,
                    )
                )
                result.flags.append(
                    Flag("objection_late", f"objection at {source} filed after {days} days")
                )
                continue
            supervisor = supervisor_of.get(result.nip)
            expected = supervisor_of.get(supervisor) if supervisor else None
            if expected and objection.pemutus_nip != expected:
                result.flags.append(
                    Flag(
                        "objection_decider",
                        f"objection at {source} was decided by {objection.pemutus_nip}, "
                        f"not the supervisor's supervisor {expected}",
                    )
                )
            before = result.predikat
            after = objection.predikat_baru if objection.keputusan == "ubah" else before
            result.audit.append(
                AuditEntry(
                    "objection_changed" if after != before else "objection_upheld_result",
                    before,
                    after,
                    objection.pemutus_nip,
                    objection.tanggal_ajuan,
                    objection.alasan,
                    source,
                )
            )
            result.predikat = after
            result.values["predikat"] = after
