"""Every error kinerja raises on purpose, under one base class.

Catch :class:`KinerjaError` to handle anything kinerja reports about rules, input,
regions or expressions; each subclass also keeps the built-in base it always had
(``LookupError``, ``ValueError``...), so existing ``except`` clauses still work.
Messages are written for the person running kinerja: what is wrong, where, and
how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinerja.rules.yamlload import Problem


class KinerjaError(Exception):
    """The base of every error kinerja raises on purpose."""


class RulesError(KinerjaError):
    """A rule file has problems; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class CasesError(RulesError):
    """A case file has problems; carries every problem found, each located."""


class ExprError(KinerjaError, ValueError):
    """An expression failed a check. ``offset`` is the 0-based column in the expression."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


class EvaluationError(KinerjaError, ArithmeticError):
    """An expression could not be evaluated for one employee (a guard or a function refused)."""


class FunctionError(KinerjaError, ValueError):
    """Raised by a library function when its inputs cannot give a result.

    The message says, in plain words, what is wrong and how to fix it.
    """


class InputError(KinerjaError):
    """The input file cannot be read at all. The message is meant for the person running it."""


class OutputError(KinerjaError, OSError):
    """The results could not be written (an ``OSError`` with the same errno, text and
    file names; nothing was half-written)."""

    @classmethod
    def of(cls, exc: OSError) -> OutputError:
        """The output error for the ``OSError`` that stopped a write."""
        return cls(exc.errno, exc.strerror or str(exc), exc.filename, None, exc.filename2)


class UnknownRegion(KinerjaError, LookupError):
    """No installed plugin provides the region asked for (or no single version of it)."""


class ScaffoldError(KinerjaError):
    """A region package cannot be created; the message says why and what to do instead."""


__all__ = [
    "CasesError",
    "EvaluationError",
    "ExprError",
    "FunctionError",
    "InputError",
    "OutputError",
    "PublishError",
    "KinerjaError",
    "RecordRefused",
    "RulesError",
    "ScaffoldError",
    "UnknownRegion",
]


class PublishError(KinerjaError):
    """A site cannot be published (the rules do not publish, the results cannot be read,
    they are another region's); the message says why and what to do. Nothing was
    written: the previous site, if any, is intact."""


class RecordRefused(KinerjaError):
    """The history database refuses a record (an objection filed out of time or by
    someone else, a decision by the wrong person, a result that is not stored); the
    message says why and what to do. Nothing was written."""
