"""The ``datapackage.json`` of a published table: a Frictionless Data Package descriptor.

The descriptor (https://specs.frictionlessdata.io/data-package/) tells a reader what
the downloads are and where they come from: the package's ``name`` (lowercase, ``-``,
``_`` and ``.`` only), ``title``, ``description``, ``created`` (RFC 3339, UTC),
``version``, ``sources`` (the rules and the input the results were computed from, each
with its sha256) and ``licenses`` when the region names one. Its ``resources`` are the
CSV as a tabular data resource (its Table Schema: one field per column, with the
column's code as ``name`` and its words as ``title`` and ``description``) and the
workbook and JSON as plain data resources; each resource gives its ``bytes`` and its
``hash`` as ``sha256:<hex>`` (the spec's ``{algorithm}:{hash}`` form).

:func:`descriptor` only builds the dictionary; :meth:`PackageFile.of` measures a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kinerja.i18n import _
from kinerja.publish.columns import Column

__all__ = [
    "DESCRIPTOR",
    "FORMATS",
    "PackageFile",
    "PackageMeta",
    "as_utc",
    "created_text",
    "descriptor",
    "package_name",
    "run_sources",
    "table_schema",
]

DESCRIPTOR = "datapackage.json"
"""The descriptor's file name, as the spec requires."""

FORMATS: dict[str, tuple[str, str]] = {
    ".csv": ("csv", "text/csv"),
    ".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".json": ("json", "application/json"),
}
"""Each download's suffix: its ``format`` and ``mediatype``."""

CSV_DIALECT: dict[str, Any] = {
    "header": True,
    "delimiter": ",",
    "lineTerminator": "\r\n",
    "quoteChar": '"',
    "doubleQuote": True,
}
"""How kinerja writes a CSV (:func:`~kinerja.output.write_csv.write_table_csv`); the BOM
is told by the resource's ``encoding``, ``utf-8-sig``."""

_NOT_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class PackageMeta:
    """What a data package says about itself."""

    name: str
    """Any text: :func:`package_name` makes the package's ``name`` of it."""
    title: str
    description: str
    created: dt.datetime
    """When the results were published (a naive time is taken as UTC)."""
    version: str
    sources: list[dict[str, str]]
    """Source objects (each with a ``title``), e.g. from :func:`run_sources`."""
    license: str | None = None
    """An Open Definition license id (``CC-BY-4.0``) or a license URL; None: no ``licenses``."""


@dataclass(frozen=True, slots=True)
class PackageFile:
    """One file of the package: its path inside the package folder, size and sha256."""

    path: str
    """Relative POSIX path (``hasil-2026.csv``)."""
    bytes: int
    sha256: str
    """Lowercase hex digest."""

    @classmethod
    def of(cls, file: Path, folder: Path) -> PackageFile:
        """Measure ``file``, which lies in ``folder`` (the package's top level)."""
        data = file.read_bytes()
        relative = PurePosixPath(file.resolve().relative_to(folder.resolve()).as_posix())
        return cls(str(relative), len(data), hashlib.sha256(data).hexdigest())


def package_name(text: str) -> str:
    """``text`` as a package or resource name: accents dropped, lowercase, every run of
    other characters a ``-`` (``Kota Contoh 2026`` -> ``kota-contoh-2026``);
    ``kinerja`` when nothing is left."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = _NOT_NAME.sub("-", plain.lower()).strip("-._")
    return name or "kinerja"


def as_utc(created: dt.datetime) -> dt.datetime:
    """``created`` as an aware UTC time (a naive time is taken to be UTC already)."""
    if created.tzinfo is None:
        return created.replace(tzinfo=dt.UTC)
    return created.astimezone(dt.UTC)


def created_text(created: dt.datetime) -> str:
    """``created`` in UTC as RFC 3339 to the second: ``2026-12-01T08:30:00Z``."""
    return as_utc(created).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_sources(rules_version: str, rules_sha256: str, input_sha256: str) -> list[dict[str, str]]:
    """The sources of a run's results: the region's rules (version and sha256) and the
    input the run read (sha256); titles in the language in use."""
    return [
        {
            "title": _("The region's appraisal rules"),
            "version": rules_version,
            "hash": _hash(rules_sha256),
        },
        {
            "title": _("The appraisal data the results were computed from"),
            "hash": _hash(input_sha256),
        },
    ]


def descriptor(meta: PackageMeta, columns: Sequence[Column], files: Sequence[PackageFile]) -> dict:
    """The ``datapackage.json`` of ``files`` (a ``.csv`` with ``columns``, and ``.xlsx`` and
    ``.json`` forms of the same table), ready for ``json.dumps``.

    :raises ValueError: a file's suffix is not one of :data:`FORMATS`.
    """
    out: dict[str, Any] = {
        "profile": "data-package",
        "name": package_name(meta.name),
        "title": meta.title,
        "description": meta.description,
        "created": created_text(meta.created),
        "version": meta.version,
        "sources": [dict(source) for source in meta.sources],
    }
    if meta.license:
        out["licenses"] = [_license(meta.license)]
    out["resources"] = [_resource(file, columns) for file in files]
    return out


def _resource(file: PackageFile, columns: Sequence[Column]) -> dict[str, Any]:
    """The CSV as a tabular data resource; the other forms as data resources."""
    path = PurePosixPath(file.path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"no data package format for {file.path!r}")
    fmt, mediatype = FORMATS[path.suffix.lower()]
    stem = package_name(path.stem)
    measured = {"bytes": file.bytes, "hash": _hash(file.sha256)}
    if fmt == "csv":
        return {
            "name": stem,
            "path": file.path,
            "profile": "tabular-data-resource",
            "format": fmt,
            "mediatype": mediatype,
            "encoding": "utf-8-sig",
            **measured,
            "dialect": dict(CSV_DIALECT),
            "schema": table_schema(columns),
        }
    out: dict[str, Any] = {"name": f"{stem}-{fmt}", "path": file.path, "format": fmt}
    out["mediatype"] = mediatype
    if fmt == "json":
        out["encoding"] = "utf-8"
    return out | measured


def table_schema(columns: Sequence[Column]) -> dict[str, Any]:
    """The Table Schema of the CSV: a field per column; an empty cell is missing."""
    fields = [
        {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
        for c in columns
    ]
    return {"fields": fields, "missingValues": [""]}


def _license(license: str) -> dict[str, str]:
    return {"path": license} if "://" in license else {"name": license}


def _hash(digest: str) -> str:
    digest = digest.strip().lower()
    return digest if digest.startswith("sha256:") else f"sha256:{digest}"
