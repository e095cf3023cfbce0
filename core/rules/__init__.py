"""Rule files: strict YAML, schema check, layering on baselines, the rule-set types, loading.

:func:`load_rules` (in :mod:`kinerja.rules.load`) is the one way in.
"""

from kinerja.rules.load import load_rules, schema_problems
from kinerja.rules.parts import (
    BUILTIN_NAMES,
    Aspect,
    Component,
    Condition,
    Indicator,
    Publication,
    RaterGroup,
    RuleSet,
    Stage,
    Template,
)

__all__ = [
    "BUILTIN_NAMES",
    "Aspect",
    "Component",
    "Condition",
    "Indicator",
    "Publication",
    "RaterGroup",
    "RuleSet",
    "Stage",
    "Template",
    "load_rules",
    "schema_problems",
]
