"""The run-time limits of rule expressions.

The checker (:mod:`kinerja.expr.check`) refuses what it can see when rules load
(exponents and shift amounts written as constants, text formatting, text
repetition); the vectorised operators (:mod:`kinerja.functions.columnar_operators`)
refuse per row what only values reveal, with these limits: a whole-number power
that would grow past :data:`MAX_INT_BITS`, text joined past :data:`MAX_TEXT`
characters.
"""

from __future__ import annotations

__all__ = ["MAX_INT_BITS", "MAX_TEXT"]

MAX_INT_BITS = 4096
"""The most bits a whole-number power may give."""
MAX_TEXT = 10_000
"""The most characters text joined with ``+`` may have."""
