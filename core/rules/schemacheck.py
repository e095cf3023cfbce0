"""JSON Schema violations of a loaded YAML file, located and in plain words.

Shared by rule files and case files: unknown keys point at the key with a
"did you mean", other violations at the value, with the path spelled out.
"""

from __future__ import annotations

from collections.abc import Callable

import jsonschema

from kinerja.expr.check import suggest
from kinerja.i18n import _, count
from kinerja.rules.yamlload import LoadedYaml, Path_, Problem

Reword = Callable[[jsonschema.ValidationError, Path_], str | None]
"""Gives a clearer message for a particular violation, or None to keep the default."""


def located_schema_problems(
    loaded: LoadedYaml, validator: jsonschema.Draft7Validator, reword: Reword | None = None
) -> list[Problem]:
    """Every violation of ``validator``'s schema in ``loaded``, each at its ``file:line:col``.

    Values read from a refused alias are skipped: the alias is reported already.
    """
    problems = []
    errors = sorted(validator.iter_errors(loaded.data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        path = tuple(error.absolute_path)
        if any(path[: len(a)] == a for a in loaded.aliased):
            continue
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = sorted(error.schema.get("properties", {}))
            for key in [k for k in error.instance if k not in allowed]:
                hint = suggest(key, allowed) or (
                    _(" (allowed: {names})", names=", ".join(allowed)) if allowed else ""
                )
                message = _("unknown key {key}{hint}", key=repr(key), hint=hint)
                problems.append(Problem(loaded.where_key((*path, key)), message))
            continue
        message = (reword(error, path) if reword else None) or _own_words(error)
        where = "/".join(str(p) for p in path) or _("(top level)")
        problems.append(Problem(loaded.where(path), f"{where}: {message}"))
    return problems


_REQUIRED = " is a required property"
"""How jsonschema ends the message of a missing key (after the key's ``repr``)."""


def _own_words(error: jsonschema.ValidationError) -> str:
    """The violation in kinerja's words where it has them (a missing key), else
    jsonschema's own message, shortened; jsonschema's words are English only."""
    if error.validator == "required" and error.message.endswith(_REQUIRED):
        key = error.message.removesuffix(_REQUIRED)
        return _("{key} is required here", key=key)
    return _shortened(error)


_SHOWN = 80
"""Characters of a value a message quotes; a longer value is cut, with its length."""


def _shortened(error: jsonschema.ValidationError) -> str:
    """The violation's message, quoting at most :data:`_SHOWN` characters of the value."""
    quoted = repr(error.instance)
    if len(quoted) <= _SHOWN or quoted not in error.message:
        return error.message
    cut = _(
        "{start}… ({length} characters)", start=quoted[: _SHOWN - 20], length=count(len(quoted))
    )
    return error.message.replace(quoted, cut)
