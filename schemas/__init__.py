"""JSON Schemas shipped with kinerja: the rules format and the input tables."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema


def schema_text(name: str = "rules") -> str:
    """The text of a bundled schema: ``rules`` or ``input``."""
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text("utf-8")


@cache
def load_schema(name: str = "rules") -> dict[str, Any]:
    """A bundled schema as a dict: ``rules`` or ``input``."""
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


def rules_schema_validator() -> jsonschema.Draft7Validator:
    """A draft-07 validator for rule files."""
    return jsonschema.Draft7Validator(load_schema("rules"))


__all__ = ["load_schema", "rules_schema_validator", "schema_text"]
