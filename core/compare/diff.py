"""What differs between two policies: each key added, removed or changed, in words.

:func:`diff_policies` compares the machine values of two :class:`~kinerja.compare.policy.Policy`
key by key (``120`` and ``120.0`` are the same; where a value comes from, and whether
it is a default, does not matter), and gives only what differs, in the order of
:data:`~kinerja.compare.policy.SECTIONS`, then in the order the policies give the keys.
:func:`change_words` says one change in one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinerja.compare.policy import Policy, Row, same_value, side_by_side
from kinerja.i18n import _

__all__ = ["CHANGES", "Change", "change_words", "diff_policies"]

CHANGES = ("added", "removed", "changed")
"""How a key differs: only in B (added), only in A (removed), in both with other values."""


@dataclass(frozen=True, slots=True)
class Change:
    """One key whose value differs between policy A and policy B."""

    section: str
    key: str
    subject: str
    """What the key is about, in words."""
    change: str
    """``added``, ``removed`` or ``changed`` (:data:`CHANGES`)."""
    a: Row | None
    """A's row (None: added in B)."""
    b: Row | None
    """B's row (None: removed in B)."""
    label_a: str
    label_b: str


def diff_policies(a: Policy, b: Policy) -> list[Change]:
    """Only what differs between ``a`` and ``b`` (module doc for the order)."""
    changes = []
    for row in side_by_side([a, b]):
        mine, theirs = row.cells
        if mine is not None and theirs is not None:
            if same_value(mine.value, theirs.value):
                continue
            kind = "changed"
        else:
            kind = "added" if mine is None else "removed"
        changes.append(
            Change(row.section, row.key, row.subject, kind, mine, theirs, a.label, b.label)
        )
    return changes


def change_words(change: Change) -> str:
    """The change in one sentence: ``rater group supervisor: weight 0.4 (40%) in
    NAME, 0.3 (30%) in draft``."""
    if change.a is None:
        assert change.b is not None
        return _(
            "{subject} {b} in {label_b}; absent from {label_a}",
            subject=change.subject,
            b=change.b.words,
            label_a=change.label_a,
            label_b=change.label_b,
        )
    if change.b is None:
        return _(
            "{subject} {a} in {label_a}; absent from {label_b}",
            subject=change.subject,
            a=change.a.words,
            label_a=change.label_a,
            label_b=change.label_b,
        )
    return _(
        "{subject} {a} in {label_a}, {b} in {label_b}",
        subject=change.subject,
        a=change.a.words,
        b=change.b.words,
        label_a=change.label_a,
        label_b=change.label_b,
    )
