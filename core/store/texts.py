"""Free texts a person types into the history (a reason, notes, agreed actions): checked
before they are stored, so that a history reads as it was written."""

from __future__ import annotations

import unicodedata

from kinerja.errors import RecordRefused
from kinerja.i18n import _

__all__ = ["LONGEST", "checked_text"]

LONGEST = 4000
"""The most characters a free text may have (a page of writing)."""


def checked_text(value: str | None, what: str) -> str | None:
    """``value`` stripped (None when empty).

    :param what: the option it came from, for the message (``--reason``).
    :raises RecordRefused: longer than :data:`LONGEST`, or holding a control character
        (other than a line break or a tab), which would garble what a terminal shows.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > LONGEST:
        raise RecordRefused(
            _(
                "{what} has {n} characters; at most {most} are kept, shorten it",
                what=what,
                n=str(len(text)),
                most=str(LONGEST),
            )
        )
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise RecordRefused(_("{what} holds a control character; type it as plain text", what=what))
    return text
