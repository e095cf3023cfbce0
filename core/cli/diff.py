"""`kinerja diff A B`: what differs between the policies of two rule sets, in words.

A and B are items (:mod:`kinerja.compare.items`): an installed region (``NAME``),
a dated version (``NAME@2025``) or a rule file (``draft/what-if.yaml``). Like
diff(1), the command exits 0 when the policies are the same, 1 when they differ and 2
when an item cannot be compared.

``--format json`` writes one document, the same in every language except ``subject``
and ``words`` (for people)::

    {
      "format": 1,
      "a": {"label", "spec", "kind", "region", "version", "sha256", "path"},
      "b": {... the same for B},
      "identical": true | false,
      "changes": [
        {
          "section": "rater_groups",          # kinerja.compare.policy.SECTIONS
          "key": "supervisor.weight",         # the key within the section
          "subject": "rater group supervisor: weight",
          "change": "added" | "removed" | "changed",
          "a": {"value": 0.4, "where": "plugins/NAME/rules.yaml:62"} | null,
          "b": {"value": 0.3, "where": "draft/what-if.yaml:40"} | null,
          "words": "rater group supervisor: weight 0.4 (40%) in NAME, ..."
        }
      ]
    }

``where`` names a shipped baseline as ``baseline NAME:LINE`` and a file by its path
relative to the current folder (absolute outside it). ``kind`` is ``region``,
``version`` or ``file``; ``value`` is the machine form of
:class:`kinerja.compare.policy.Row`.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import click
import pluggy

from kinerja import i18n
from kinerja.cli.common import fail, iso_date, manager, write_error
from kinerja.compare.diff import Change, change_words, diff_policies
from kinerja.compare.items import Item, ItemError, resolve_items
from kinerja.compare.policy import Row, SideRow, origin, policy_of, side_by_side
from kinerja.compare.policy_words import title
from kinerja.errors import UnknownRegion
from kinerja.i18n import _, ngettext
from kinerja.output.atomic import atomic_write

__all__ = ["FORMATS", "diff", "policy_table", "render_json", "render_md", "render_text"]

FORMATS = ("text", "md", "json")
JSON_FORMAT = 1
"""The version of the ``--format json`` document (module doc)."""


@click.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, md for a markdown table, json for programs.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the differences to this file instead of printing them.",
)
@click.option(
    "--as-of",
    metavar="DATE",
    callback=iso_date,
    help="Compare the rules of a region named without @ as in force on this date "
    "(YYYY-MM-DD) [default: today].",
)
def diff(a: str, b: str, fmt: str, output: Path | None, as_of: str | None) -> None:
    """Show how the policies of two rule sets differ: A and B are each an installed
    region (NAME), a dated version (NAME@2025) or a rule file
    (draft/what-if.yaml). Exits 0 when they are the same, 1 when they differ.
    """
    items = _items(manager(), [a, b], as_of)
    _speak_their_language(items)
    changes = diff_policies(*(policy_of(item.rules, item.label) for item in items))
    text = _RENDERERS[fmt](items, changes)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            atomic_write(output, text.encode("utf-8"))
        except OSError as exc:
            fail(write_error(exc, output))
        click.echo(_("Wrote {path}", path=output))
    sys.exit(1 if changes else 0)


def policy_table(items: Sequence[Item]) -> list[SideRow]:
    """The policies of ``items`` side by side: one row per key (in
    :data:`~kinerja.compare.policy.SECTIONS` order), one cell per item (None where
    the item has no such value)."""
    return side_by_side([policy_of(item.rules, item.label) for item in items])


def _items(pm: pluggy.PluginManager, texts: list[str], as_of: str | None) -> list[Item]:
    """The items named on the command line, or ``Error: ...`` and exit 2."""
    try:
        return resolve_items(pm, texts, as_of=as_of)
    except (UnknownRegion, ItemError) as exc:
        fail(str(exc))
    raise AssertionError("fail() exits")  # pragma: no cover


def _speak_their_language(items: Sequence[Item]) -> None:
    """Speak the language the rules ask for, when all of them ask for the same one."""
    languages = {item.rules.language for item in items}
    if len(languages) == 1:
        i18n.use_rules_language(languages.pop())


# ------------------------------------------------------------------ text
def render_text(items: Sequence[Item], changes: Sequence[Change]) -> str:
    """The differences for a terminal: each change in one sentence, under its section's
    title, with where each side writes it; the items first, a count last."""
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 120)
    lines = [_item_line(item) for item in items] + [""]
    section = None
    for change in changes:
        if change.section != section:
            section = change.section
            lines.append(title(section))
        lines += textwrap.wrap(
            change_words(change),
            width,
            initial_indent="  ",
            subsequent_indent="      ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += _places(change, width)
    lines += ["", _summary(items, changes)] if changes else [_summary(items, changes)]
    return "\n".join(lines) + "\n"


def _item_line(item: Item) -> str:
    rules = item.rules
    return _(
        "{label}: region {region}, version {version}, {path} (sha256 {sha256})",
        label=item.label,
        region=rules.region,
        version=rules.version,
        path=origin(rules.where()).rsplit(":", 1)[0],
        sha256=rules.sha256[:12],
    )


def _places(change: Change, width: int) -> list[str]:
    """``A file:line   B file:line`` (only the sides that have the value), on one line
    when it fits in ``width``, else one line each."""
    sides = ((change.label_a, change.a), (change.label_b, change.b))
    places = [f"{label} {row.where}" for label, row in sides if row is not None]
    line = "      " + "   ".join(places)
    return [line] if len(line) <= width else ["      " + place for place in places]


def _summary(items: Sequence[Item], changes: Sequence[Change]) -> str:
    if not changes:
        return _(
            "No differences: {a} and {b} have the same policy.",
            a=items[0].label,
            b=items[1].label,
        )
    return ngettext("{n} difference.", "{n} differences.", len(changes))


# ------------------------------------------------------------------ markdown
def render_md(items: Sequence[Item], changes: Sequence[Change]) -> str:
    """The differences as a markdown table: section, what, then each item's value with
    where it is written."""
    a, b = items[0].label, items[1].label
    lines = [
        "# " + _("Policy differences: {a} and {b}", a=_cell(a), b=_cell(b)),
        "",
        *(f"- {_cell(_item_line(item))}" for item in items),
        "",
    ]
    if changes:
        head = (_("Section"), _("What"), a, b)
        lines += ["| " + " | ".join(_cell(h) for h in head) + " |", "|---|---|---|---|"]
        for change in changes:
            what = (_cell(title(change.section)), _cell(change.subject))
            cells = (*what, _md_side(change.a), _md_side(change.b))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(_summary(items, changes))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """``text`` safe inside a markdown table cell."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _md_side(row: Row | None) -> str:
    if row is None:
        return "—"
    return f"{_cell(row.words)}<br>`{_cell(row.where)}`"


# ------------------------------------------------------------------ json
def render_json(items: Sequence[Item], changes: Sequence[Change]) -> str:
    """The differences as the JSON document of the module doc."""
    document = {
        "format": JSON_FORMAT,
        "a": _item_json(items[0]),
        "b": _item_json(items[1]),
        "identical": not changes,
        "changes": [_change_json(change) for change in changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _item_json(item: Item) -> dict[str, object]:
    rules = item.rules
    return {
        "label": item.label,
        "spec": item.spec,
        "kind": item.kind,
        "region": rules.region,
        "version": rules.version,
        "sha256": rules.sha256,
        "path": rules.path,
    }


def _change_json(change: Change) -> dict[str, object]:
    def side(row: Row | None) -> dict[str, object] | None:
        if row is None:
            return None
        return {"value": row.value, "where": origin(row.location, for_people=False)}

    return {
        "section": change.section,
        "key": change.key,
        "subject": change.subject,
        "change": change.change,
        "a": side(change.a),
        "b": side(change.b),
        "words": change_words(change),
    }


_RENDERERS: dict[str, Callable[[Sequence[Item], Sequence[Change]], str]] = {
    "text": render_text,
    "md": render_md,
    "json": render_json,
}
