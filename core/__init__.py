"""kinerja: a plugin-based appraisal engine for Indonesian civil servants (ASN).

This module is the public API: what region plugins and library users import.
Everything else is internal and may move between releases. A region plugin
needs :data:`hookimpl` and :class:`RegionSpec`; a program that appraises a
workbook needs :func:`load_region_rules` (or :func:`load_rules`),
:func:`make_manager` and :func:`appraise_path`.
"""

from importlib.metadata import PackageNotFoundError, version

import pluggy

try:
    __version__ = version("kinerja")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
    __version__ = "0.0.0"

hookimpl = pluggy.HookimplMarker("kinerja")
"""Marker for hook implementations: decorate region-plugin functions with ``@hookimpl``."""

# The marker comes first: the modules below (and the plugins they load) import it.
from kinerja.appraisal import Appraisal  # noqa: E402
from kinerja.errors import (  # noqa: E402
    CasesError,
    EvaluationError,
    ExprError,
    FunctionError,
    InputError,
    KinerjaError,
    OutputError,
    RulesError,
    ScaffoldError,
    UnknownRegion,
)
from kinerja.frames import Batch, RunOutput, RunParts, Tally  # noqa: E402
from kinerja.input.read import read_tables  # noqa: E402
from kinerja.input.tables import Tables  # noqa: E402
from kinerja.input.validate import InputSpec, build_dataset  # noqa: E402
from kinerja.manager import make_manager  # noqa: E402
from kinerja.model import (  # noqa: E402
    AspectResult,
    AuditEntry,
    ComponentValue,
    Flag,
    GroupScore,
    IndicatorResult,
    Recommendation,
    Reject,
    Result,
    RunInfo,
    StageState,
)
from kinerja.output.views import result_of, results_of  # noqa: E402
from kinerja.pipeline import Report, appraise_path, appraise_tables, run  # noqa: E402
from kinerja.regions import (  # noqa: E402
    Collected,
    RegionSpec,
    Weighed,
    find_region,
    list_regions,
    load_region_rules,
)
from kinerja.rules import RuleSet, Stage, load_rules  # noqa: E402
from kinerja.rules.yamlload import load_yaml  # noqa: E402

__all__ = [
    "Appraisal",
    "Batch",
    "AspectResult",
    "AuditEntry",
    "CasesError",
    "Collected",
    "ComponentValue",
    "EvaluationError",
    "ExprError",
    "Flag",
    "FunctionError",
    "GroupScore",
    "IndicatorResult",
    "InputError",
    "InputSpec",
    "KinerjaError",
    "OutputError",
    "Recommendation",
    "RegionSpec",
    "Reject",
    "Report",
    "Result",
    "RuleSet",
    "RulesError",
    "RunInfo",
    "RunOutput",
    "RunParts",
    "ScaffoldError",
    "Stage",
    "StageState",
    "Tables",
    "Tally",
    "UnknownRegion",
    "Weighed",
    "__version__",
    "appraise_path",
    "appraise_tables",
    "build_dataset",
    "find_region",
    "hookimpl",
    "list_regions",
    "load_region_rules",
    "load_rules",
    "load_yaml",
    "make_manager",
    "read_tables",
    "result_of",
    "results_of",
    "run",
]
