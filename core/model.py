"""The engine's data model: input records, per-employee results and run metadata.

Every record remembers where it came from (sheet and row), and every result keeps
its parts (indicators, rated aspects, rater groups, components, review stages) so
that a score can be explained, compared across regions, published or reviewed
later without recomputing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kinerja.i18n import N_, _

Value = float | int | str | bool | None
"""A value an expression can see: numbers, text, booleans, or None when missing."""

RATER_GROUPS = ("self", "supervisor", "peer", "subordinate", "citizen")
"""Rater groups the input may name. Rules choose which ones they use."""

RATER_GROUP_WORDS = {
    # i18n: a rater group, as in "supervisor rater 1987..." or "needs ratings from 2 peer raters"
    "self": N_("self"),
    # i18n: a rater group (the employee's supervisor, atasan)
    "supervisor": N_("supervisor"),
    # i18n: a rater group (the employee's peers, rekan kerja)
    "peer": N_("peer"),
    # i18n: a rater group (the employee's subordinates, bawahan)
    "subordinate": N_("subordinate"),
    # i18n: a rater group (members of the public, masyarakat)
    "citizen": N_("citizen"),
}
"""How a person reads each rater group in a sentence (in English, its code itself)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: the sheet (or CSV/JSON table) and the 1-based row.

    Row numbers follow the spreadsheet: the header is row 1, the first record row 2.
    """

    sheet: str
    row: int

    def __str__(self) -> str:
        return _("{sheet} row {row}", sheet=self.sheet, row=self.row)


@dataclass(frozen=True, slots=True)
class Employee:
    """One civil servant (ASN) from the employees sheet (``pegawai``)."""

    nip: str
    nama: str
    jabatan: str
    unit_kerja: str
    golongan: str
    atasan_nip: str | None
    attributes: dict[str, Value]
    """Region-declared numeric or text inputs read from extra employee columns."""
    source: Source


@dataclass(frozen=True, slots=True)
class Outcome:
    """One outcome indicator of an employee: target against realisation (``capaian``)."""

    nip: str
    indikator: str
    target: float
    realisasi: float
    target_maks: float | None
    """Upper bound for range targets; ``target`` is then the lower bound."""
    bobot: float
    """Weight of this indicator within the employee's work results (default 1)."""
    source: Source


@dataclass(frozen=True, slots=True)
class Rating:
    """One rater's score for one rated aspect of an employee (``penilaian``)."""

    nip: str
    penilai_nip: str
    kelompok: str
    """Rater group: one of :data:`RATER_GROUPS`."""
    aspek: str
    nilai: float
    tanggal: str | None
    """ISO date the rating was given, used to check the order of review stages."""
    catatan: str
    """The rater's written feedback on this aspect, shown to the employee."""
    source: Source


@dataclass(frozen=True, slots=True)
class Objection:
    """An employee's objection (keberatan) against their result, and its decision."""

    nip: str
    tanggal_terima: str
    """ISO date the employee received the result."""
    tanggal_ajuan: str
    """ISO date the objection was filed."""
    pemutus_nip: str
    """NIP of the official who decided (the supervisor's own supervisor)."""
    keputusan: Literal["tetap", "ubah"]
    """Decision: keep the result (``tetap``) or change it (``ubah``)."""
    predikat_baru: str | None
    alasan: str
    source: Source


@dataclass(frozen=True, slots=True)
class Reject:
    """An input row that could not be used, and why. Nothing is dropped silently."""

    sheet: str
    row: int
    nip: str | None
    reason: str
    column: str | None = None


@dataclass(slots=True)
class Dataset:
    """Validated input for one run: records grouped by NIP, plus every rejected row."""

    employees: list[Employee]
    outcomes: dict[str, list[Outcome]]
    ratings: dict[str, list[Rating]]
    objections: dict[str, list[Objection]]
    rejects: list[Reject]
    rows_in: dict[str, int]
    """Number of data rows read per sheet, for the reconciliation in the summary."""
    source: str = ""
    sha256: str = ""


# --------------------------------------------------------------------- results


@dataclass(slots=True)
class IndicatorResult:
    """An outcome indicator's achievement and the gap to its target."""

    code: str
    label: str
    kind: str
    target: float
    realised: float
    target_max: float | None
    achievement: float
    gap: float
    """Realised minus target (for inverse indicators a negative gap is good)."""
    weight: float


@dataclass(slots=True)
class GroupScore:
    """One rater group's contribution to one rated aspect."""

    group: str
    count: int
    mean: float | None
    weight: float
    """Weight the rules give this group."""
    effective_weight: float
    """Weight actually used after missing groups were handled (0 when not used)."""
    status: Literal["used", "below_minimum", "absent"]


@dataclass(slots=True)
class AspectResult:
    """A rated aspect (competency or behaviour): combined score and its rater groups."""

    code: str
    label: str
    score: float | None
    groups: list[GroupScore]
    notes: list[str] = field(default_factory=list)
    """The raters' written feedback on this aspect."""
    complete: bool = True
    """False when a required rater group was missing and the rules say to flag it."""


@dataclass(slots=True)
class ComponentValue:
    """A named rule result: its value, the expression, and the inputs it used."""

    name: str
    label: str
    value: Value
    expr: str
    inputs: dict[str, Value]


@dataclass(slots=True)
class StageState:
    """Where an employee's appraisal stands in one review stage."""

    id: str
    label: str
    status: Literal["done", "pending", "out_of_order"]
    detail: str = ""
    done_on: str | None = None
    """When the records that complete the stage were made (ISO date), where they say."""
    done_by: str | None = None
    """Who made them (NIPs), where they say: a rating stage's raters."""


@dataclass(slots=True)
class Flag:
    """Something a reviewer should look at: incomplete data, rater bias, late objection."""

    code: str
    message: str
    severity: Literal["info", "warning"] = "warning"


@dataclass(slots=True)
class Recommendation:
    """A career-development recommendation: training, promotion, role model…"""

    code: str
    text: str
    reason: str | None = None
    """Why it was given, in words: the rule and the values it read."""


@dataclass(slots=True)
class AuditEntry:
    """A change to a result after it was computed, keeping the original and the reason."""

    action: str
    before: Value
    after: Value
    by: str
    date: str
    reason: str
    source: str


@dataclass(slots=True)
class Result:
    """One employee's appraisal with every part needed to explain it."""

    nip: str
    nama: str
    jabatan: str
    unit_kerja: str
    values: dict[str, Value]
    """Every named value the rules saw or computed, by name."""
    indicators: list[IndicatorResult] = field(default_factory=list)
    aspects: list[AspectResult] = field(default_factory=list)
    components: list[ComponentValue] = field(default_factory=list)
    score: float | None = None
    predikat: str | None = None
    feedback: list[str] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    stages: list[StageState] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    peer_rank: str | None = None
    """Position among peers in the same unit, e.g. ``"3/12"`` (where rules ask)."""

    @property
    def status(self) -> Literal["provisional", "final"]:
        """``final`` once every review stage is done and nothing is incomplete."""
        if any(f.code == "incomplete" for f in self.flags):
            return "provisional"
        return "final" if all(s.status == "done" for s in self.stages) else "provisional"


@dataclass(slots=True)
class RunInfo:
    """What produced a run's results: enough to reproduce and audit it."""

    region: str
    rules_version: str
    rules_sha256: str
    input: str
    input_sha256: str
    engine_version: str
    rows_in: dict[str, int]
    employees_in: int
    appraised: int
    rejected_employees: int
    rejected_rows: int
    run_on: str = ""
    """The day of the run (ISO ``YYYY-MM-DD``): what a published site gives as the date
    of its results."""


@dataclass(slots=True)
class RunOutput:
    """A whole run: metadata, one result per appraised employee, every reject."""

    info: RunInfo
    results: list[Result]
    rejects: list[Reject]
