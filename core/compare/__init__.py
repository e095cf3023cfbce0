"""Comparing rule sets: what can be compared, their policies, and what differs.

One pipeline stage of its own, for the central agency and for rule authors:

- :mod:`kinerja.compare.items`: an item to compare (an installed region, a dated
  version of one, or a rule file) resolved to a checked rule set with a label;
- :mod:`kinerja.compare.policy`: the policy of one rule set as rows (section, key,
  value in words and as data, ``file:line``, and whether it departs from the national
  baseline the rules extend);
- :mod:`kinerja.compare.diff`: what differs between two policies, in words.
"""

from __future__ import annotations

from kinerja.compare.diff import Change, change_words, diff_policies
from kinerja.compare.items import Item, ItemError, resolve_item, resolve_items
from kinerja.compare.policy import SECTIONS, Policy, Row, SideRow, policy_of, side_by_side

__all__ = [
    "SECTIONS",
    "Change",
    "Item",
    "ItemError",
    "Policy",
    "Row",
    "SideRow",
    "change_words",
    "diff_policies",
    "policy_of",
    "resolve_item",
    "resolve_items",
    "side_by_side",
]
