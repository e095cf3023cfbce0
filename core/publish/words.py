"""The words of a published site's pages, in the language in use (the catalogs)."""

from __future__ import annotations

from kinerja.i18n import _

__all__ = ["page_words"]


def page_words() -> dict[str, str]:
    """Every fixed text of the pages, by the name the templates use."""
    return {
        "skip": _("Skip to the content"),
        "footer": _(
            "Published with kinerja. Scores, predikat and ranks are computed by the region's "
            "rules, shown on this site; the downloads hold the same table."
        ),
        "about": _("About these results"),
        "criteria": _("The criteria"),
        "criteria_intro": _(
            "How each ASN is appraised, from the rules that computed these results: what is "
            "measured, who rates it, and how the score and predikat follow."
        ),
        "object": _("How to object"),
        "results": _("Results by work unit"),
        "results_intro": _(
            "Each unit's page shows its employees' results beside each other, with the "
            "unit's mean and median."
        ),
        "units_caption": _("Work units, their appraised employees, mean and median score"),
        "withheld": _("What is not published, and why"),
        "downloads": _("Downloads"),
        "downloads_intro": _(
            "The published table, as on the unit pages, with a description of its columns "
            "(datapackage.json, Frictionless Data)."
        ),
        "search_label": _("Filter the table"),
        "search_pattern": _("{shown} of {total} rows shown"),
        "unit_summary": _("The unit at a glance"),
        "unit_people": _("Employees beside their peers"),
        "back": _("Back to all work units"),
    }
