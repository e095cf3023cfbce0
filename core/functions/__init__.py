"""The function library that safe rule expressions may call.

Every function a rule author can type is registered in :data:`FUNCTIONS` with a
:class:`Function` descriptor (parameters, types, return type, a short doc and a
worked example). The rule checker reads these descriptors when rules load; the
documentation generator prints them.

Conventions shared by every function here:

* A missing value is ``None``. Scoring formulas (achievement, PP 46/2011, IKM,
  JPM, ...) raise :class:`FunctionError` when a value they need is missing.
  Pure transformations (``round``, ``clamp``, ``abs``, ``gap``) pass a missing
  value through as ``None``; aggregates (``mean``, ``total``, ``min``, ...)
  skip it.
* Numbers are ``int`` or ``float`` (``bool`` is not a number here; NaN and
  infinity are refused). Arithmetic is float arithmetic, fast enough for
  millions of rows, and results keep full precision. The rule compiler tidies
  numbers to :data:`DECIMALS` places where they are named (every component),
  compared, or looked up in a band, so that a hand computation
  (``0.76 x 100 = 76``) lands in the same band; :func:`band_lookup` tidies too.
* List arguments are tuples or lists, at most :data:`MAX_ITEMS` items. No
  function mutates its arguments or returns a mutable list.

:func:`band_lookup` is deliberately not registered: the rule compiler binds it
to the bands declared in each rules file.

The library is split by job; this package re-exports every public name, so
``from kinerja.functions import ...`` is the one import path:

* :mod:`~kinerja.functions.registry`: :func:`register`, :data:`FUNCTIONS`, the
  descriptors and the shared limits;
* :mod:`~kinerja.functions.arguments`: argument checks and result tidying (private);
* :mod:`~kinerja.functions.achievement`: achievement against a target;
* :mod:`~kinerja.functions.aggregates`: mean, wmean, total, count, coalesce, min, max;
* :mod:`~kinerja.functions.transforms`: clamp, round, abs, gap;
* :mod:`~kinerja.functions.regulations`: PermenPANRB 6/2022, PP 46/2011, IKM, JPM;
* :mod:`~kinerja.functions.bands`: :func:`band_lookup`.

The submodules are imported below in the order their functions are registered
(:data:`FUNCTIONS` keeps that order, and the generated docs follow it).
"""

from __future__ import annotations

# isort: off
# The order of these imports is the order of FUNCTIONS (and of docs/rules.md):
# achievement, aggregates, transforms, then the regulations' formulas.
from kinerja.functions.registry import (
    DECIMALS,
    FUNCTIONS,
    MAX_ITEMS,
    REQUIRED,
    TYPES,
    Function,
    FunctionError,
    Param,
    register,
)
from kinerja.functions.achievement import (
    achievement,
    achievement_inverse,
    achievement_range,
)
from kinerja.functions.aggregates import (
    coalesce,
    count,
    maximum,
    mean,
    minimum,
    total,
    wmean,
)
from kinerja.functions.transforms import abs_value, clamp, gap, round_half_up
from kinerja.functions.regulations import (
    ikm,
    ikm_grade,
    jpm,
    jpm_band,
    pp46_skp,
    pp46_time_cost,
    predikat_matrix,
)
from kinerja.functions.bands import band_lookup

# isort: on

__all__ = [
    "DECIMALS",
    "FUNCTIONS",
    "MAX_ITEMS",
    "REQUIRED",
    "TYPES",
    "Function",
    "FunctionError",
    "Param",
    "abs_value",
    "achievement",
    "achievement_inverse",
    "achievement_range",
    "band_lookup",
    "clamp",
    "coalesce",
    "count",
    "gap",
    "ikm",
    "ikm_grade",
    "jpm",
    "jpm_band",
    "maximum",
    "mean",
    "minimum",
    "pp46_skp",
    "pp46_time_cost",
    "predikat_matrix",
    "register",
    "round_half_up",
    "total",
    "wmean",
]
