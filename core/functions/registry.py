"""The registry of functions rule expressions may call, and the library's shared limits.

:func:`register` puts a :class:`Function` descriptor (parameters with their
:class:`Param` types, return type, doc and worked example) into :data:`FUNCTIONS`;
the rule checker and the documentation generator read those descriptors. This
module also holds the conventions every library function follows: the
:data:`DECIMALS` results are tidied to, the :data:`MAX_ITEMS` a list may hold, the
:data:`REQUIRED` sentinel and :class:`FunctionError`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from kinerja.errors import FunctionError

__all__ = [
    "DECIMALS",
    "FUNCTIONS",
    "MAX_ITEMS",
    "REQUIRED",
    "TYPES",
    "Function",
    "FunctionError",
    "Param",
    "register",
]

DECIMALS = 9
"""Results are tidied to this many decimal places (see ``arguments._to_float``)."""

MAX_ITEMS = 10_000
"""The most items any list argument (or run of variadic values) may hold."""

TYPES = frozenset({"number", "string", "bool", "list", "any"})
"""The type names a :class:`Param` or a return type may use."""


class _Required:
    """Type of the :data:`REQUIRED` sentinel (a parameter without a default)."""

    _instance: _Required | None = None

    def __new__(cls) -> _Required:
        """Return the single instance, so ``is REQUIRED`` checks always hold."""
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        """Print as the name rule tooling and docs refer to."""
        return "REQUIRED"

    def __reduce__(self) -> str:
        """Pickle/copy as the module-level singleton."""
        return "REQUIRED"


REQUIRED = _Required()
"""Sentinel used as :attr:`Param.default` when a parameter has no default."""


@dataclass(frozen=True)
class Param:
    """One parameter of a library function, as the rule checker sees it."""

    name: str
    type: str
    default: object = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        """True when the caller must supply this parameter."""
        return self.default is REQUIRED


@dataclass(frozen=True)
class Function:
    """Descriptor of a function that rule expressions may call."""

    name: str
    impl: Callable[..., object]
    params: tuple[Param, ...]
    returns: str
    doc: str
    example: str
    example_result: object
    variadic: bool = False

    @property
    def min_args(self) -> int:
        """The fewest positional arguments a call may pass."""
        if self.variadic:
            return 0
        return sum(1 for p in self.params if p.required)

    @property
    def max_args(self) -> int | None:
        """The most arguments a call may pass (``None``: no limit, the function is variadic)."""
        return None if self.variadic else len(self.params)

    @property
    def signature(self) -> str:
        """A readable signature for generated docs, e.g. ``achievement(realised, target, cap=120)``.

        Variadic functions show as ``mean(*values)``.
        """
        if self.variadic:
            return f"{self.name}(*{self.params[0].name})"
        parts = [p.name if p.required else f"{p.name}={p.default!r}" for p in self.params]
        return f"{self.name}({', '.join(parts)})"


FUNCTIONS: dict[str, Function] = {}
"""Every function rule expressions may call, by the name rule authors type."""

_F = TypeVar("_F", bound=Callable[..., object])


def _check_signature(
    name: str, impl: Callable[..., object], params: tuple[Param, ...], variadic: bool
) -> None:
    """Make sure the descriptor matches the Python signature, so the checker never lies."""
    sig = list(inspect.signature(impl).parameters.values())
    if variadic:
        if len(params) != 1 or len(sig) != 1 or sig[0].kind is not inspect.Parameter.VAR_POSITIONAL:
            raise TypeError(f"{name}: a variadic function takes only *values and has one Param")
        return
    if [p.name for p in params] != [s.name for s in sig]:
        raise TypeError(f"{name}: Params {[p.name for p in params]} do not match the signature")
    for p, s in zip(params, sig, strict=True):
        if s.kind not in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            raise TypeError(f"{name}: parameter {s.name} must be positional")
        has_default = s.default is not inspect.Parameter.empty
        if has_default != (not p.required) or (has_default and s.default != p.default):
            raise TypeError(f"{name}: default of {p.name} does not match the signature")


def register(
    name: str,
    *,
    params: tuple[Param, ...],
    returns: str,
    doc: str,
    example: str,
    example_result: object,
    variadic: bool = False,
) -> Callable[[_F], _F]:
    """Register the decorated function in :data:`FUNCTIONS` under ``name``.

    The function itself is returned unchanged, so it stays callable from Python.
    Raises ``TypeError``/``ValueError`` at import time when the descriptor is
    inconsistent (unknown type name, duplicate name, params not matching the signature).
    """

    def decorate(impl: _F) -> _F:
        if name in FUNCTIONS:
            raise ValueError(f"function {name!r} is registered twice")
        for type_name in [returns, *(p.type for p in params)]:
            if type_name not in TYPES:
                raise ValueError(f"{name}: unknown type {type_name!r}; use one of {sorted(TYPES)}")
        _check_signature(name, impl, params, variadic)
        FUNCTIONS[name] = Function(
            name=name,
            impl=impl,
            params=params,
            returns=returns,
            doc=doc,
            example=example,
            example_result=example_result,
            variadic=variadic,
        )
        return impl

    return decorate
