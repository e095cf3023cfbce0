"""Which cases `kinerja test -k PATTERN` runs: a pattern over case names, as pytest's -k."""

from __future__ import annotations

import re
from collections.abc import Callable

from kinerja.authoring.caseload import Case
from kinerja.i18n import _

__all__ = ["NamePattern"]


class NamePattern:
    """A ``-k`` expression over case names, as pytest's ``-k``.

    A word matches the names containing it (ignoring case); words combine with
    ``and``, ``or``, ``not`` and parentheses (``not`` binds tightest, then ``and``).
    An empty expression matches every name.
    """

    def __init__(self, text: str):
        self.text = text
        self._matches = _Parser(text).parse()

    def matches(self, name: str) -> bool:
        """Whether ``name`` is selected."""
        return self._matches(name.casefold())

    def __call__(self, case: Case) -> bool:
        return self.matches(case.name)


_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_Matcher = Callable[[str], bool]


class _Parser:
    """Recursive descent over a ``-k`` expression's tokens; each rule returns a matcher."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = [(m.group(), m.start() + 1) for m in _TOKEN.finditer(text)]
        self.at = 0

    def parse(self) -> _Matcher:
        if not self.tokens:
            return lambda name: True
        matcher = self.any_of()
        if self.at < len(self.tokens):
            self.unexpected()
        return matcher

    def any_of(self) -> _Matcher:
        parts = [self.all_of()]
        while self.take("or"):
            parts.append(self.all_of())
        return parts[0] if len(parts) == 1 else lambda name: any(p(name) for p in parts)

    def all_of(self) -> _Matcher:
        parts = [self.negated()]
        while self.take("and"):
            parts.append(self.negated())
        return parts[0] if len(parts) == 1 else lambda name: all(p(name) for p in parts)

    def negated(self) -> _Matcher:
        if self.take("not"):
            inner = self.negated()
            return lambda name: not inner(name)
        if self.take("("):
            inner = self.any_of()
            if not self.take(")"):
                self.unexpected()
            return inner
        if self.at >= len(self.tokens) or self.tokens[self.at][0] in ("and", "or", ")"):
            self.unexpected()
        word = self.tokens[self.at][0].casefold()
        self.at += 1
        return lambda name: word in name

    def take(self, token: str) -> bool:
        if self.at < len(self.tokens) and self.tokens[self.at][0] == token:
            self.at += 1
            return True
        return False

    def unexpected(self) -> None:
        if self.at >= len(self.tokens):
            raise ValueError(
                _(
                    "{pattern} ends too early; write words joined by and, or, not and parentheses",
                    pattern=repr(self.text),
                )
            )
        token, position = self.tokens[self.at]
        raise ValueError(
            _(
                "{pattern}: {token} at position {position} is not expected; write words "
                "joined by and, or, not and parentheses",
                pattern=repr(self.text),
                token=repr(token),
                position=position,
            )
        )
