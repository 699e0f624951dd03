"""Specificity: the most specific billable code the documented words support.

ICD-10-CM Official Guidelines I.B.2 (code to the highest number of characters available)
and I.B.3 (unspecified codes only when the record does not support a more specific one):
laterality (I.B.13), acuity (I.B.8: acute, chronic, acute on chronic), the 7th character
of injuries (I.C.19.a: A initial, D subsequent, S sequela; placeholder X, I.A.4-5; a
fracture not said to be open is closed, I.C.19.c.1) and the pregnancy trimester
(I.C.15.a.3: counted from the first day of the last menstrual period, first trimester
under 14 weeks 0 days, second 14 weeks 0 days to under 28 weeks 0 days, third from 28
weeks 0 days).

The choice reads the tabular list itself (the code's children and their descriptions), so
it works for every code the words can reach, not a hand list: among the leaves below the
code (or, for a billable code unspecified in the asked dimension, its siblings under the
same subcategory), keep those whose description says what the words said, prefer the
guideline's defaults for what they did not say, and of those the one that adds the fewest
words to the code's own description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from .icd10cm import CodeSet

_WORD = re.compile(r"[a-z0-9]+")
# the dimensions a description can state, and what each attribute asks for
_DIMENSIONS = ("laterality", "acuity", "episode", "trimester", "fracture", "healing")
# a default the guidelines give when the words are silent; True when choosing it is a guess
_DEFAULTS: dict[str, tuple[str, bool]] = {
    "episode": ("initial", True),  # I.C.19.a: active treatment is the usual case in ED/office
    "fracture": ("closed", False),  # I.C.19.c.1
    "healing": ("routine", False),  # a subsequent fracture encounter not said to heal badly
}
_MAX_CANDIDATES = 400
# words a candidate may add without saying more than the documentation did: "unspecified",
# joiners, and the dimensions' own words (those are weighed dimension by dimension)
_FREE_WORDS = frozenset(
    [
        "unspecified",
        "the",
        "of",
        "and",
        "or",
        "for",
        "without",
        "in",
        "on",
        "to",
        "encounter",
        "initial",
        "subsequent",
        "sequela",
        "closed",
        "open",
        "fracture",
        "left",
        "right",
        "bilateral",
        "side",
        "trimester",
        "first",
        "second",
        "third",
        "routine",
        "healing",
        "acute",
        "chronic",
    ]
)


class Tabular(Protocol):
    """The tabular list's tree: the direct children of an item and its parent ('' at a
    category)."""

    def children(self, code: str) -> tuple[str, ...]: ...

    def parent(self, code: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Refined:
    """The code chosen and whether a default the words did not state decided it."""

    code: str
    guessed: bool


def requested_dimensions(attributes: frozenset[str]) -> dict[str, str]:
    """What the qualifiers around the words ask for, one value per dimension.

    "acute" with "chronic" is acute on chronic (I.B.8); "weeks:N" (weeks of gestation)
    gives the trimester when "trimester:N" is not stated (I.C.15.a.3)."""
    asked: dict[str, str] = {}
    for side in ("bilateral", "left", "right"):
        if side in attributes:
            asked["laterality"] = side
            break
    if "acute on chronic" in attributes or {"acute", "chronic"} <= attributes:
        asked["acuity"] = "acute on chronic"
    elif "acute" in attributes:
        asked["acuity"] = "acute"
    elif "chronic" in attributes:
        asked["acuity"] = "chronic"
    for episode in ("initial", "subsequent", "sequela"):
        if episode in attributes:
            asked["episode"] = episode
            break
    for kind in ("open", "closed"):
        if kind in attributes:
            asked["fracture"] = kind
    for healing in ("delayed", "nonunion", "malunion"):
        if healing in attributes:
            asked["healing"] = healing
    for attribute in attributes:
        name, _, value = attribute.partition(":")
        if name == "trimester" and value in {"1", "2", "3"}:
            asked["trimester"] = value
        elif name == "weeks" and "trimester" not in asked and value.isdigit():
            asked.setdefault("trimester", trimester_of_weeks(int(value)))
    return asked


def trimester_of_weeks(weeks: int) -> str:
    """The trimester of a gestational age in completed weeks (I.C.15.a.3)."""
    if weeks < 14:
        return "1"
    if weeks < 28:
        return "2"
    return "3"


def stated_dimensions(description: str) -> dict[str, str]:
    """What a tabular description itself states in each dimension."""
    text = description.lower()
    words = set(_WORD.findall(text))
    stated: dict[str, str] = {}
    if "bilateral" in words:
        stated["laterality"] = "bilateral"
    elif "left" in words and "right" not in words:
        stated["laterality"] = "left"
    elif "right" in words and "left" not in words:
        stated["laterality"] = "right"
    if "acute on chronic" in text or ("acute" in words and "chronic" in words):
        stated["acuity"] = "acute on chronic"
    elif "acute" in words:
        stated["acuity"] = "acute"
    elif "chronic" in words:
        stated["acuity"] = "chronic"
    if "initial encounter" in text:
        stated["episode"] = "initial"
    elif "subsequent encounter" in text:
        stated["episode"] = "subsequent"
    elif "sequela" in words:
        stated["episode"] = "sequela"
    for number, name in (("1", "first"), ("2", "second"), ("3", "third")):
        if f"{name} trimester" in text:
            stated["trimester"] = number
    if "open fracture" in text:
        stated["fracture"] = "open"
    elif "closed fracture" in text:
        stated["fracture"] = "closed"
    for healing in ("routine", "delayed", "nonunion", "malunion"):
        if healing in words:
            stated["healing"] = healing
    return stated


def refine(code: str, attributes: frozenset[str], code_set: CodeSet, tabular: Tabular) -> Refined:
    """The most specific billable code for `code` given the qualifiers found (see module
    docstring). A code the words cannot make more specific is returned as it is."""
    entry = code_set.lookup(code)
    if not entry.known:
        return Refined(code, False)
    asked = requested_dimensions(attributes)
    own = stated_dimensions(entry.description)
    if entry.billable:
        if all(own.get(d) == v for d, v in asked.items()):
            return Refined(code, False)
        base = tabular.parent(code)
        # a category's leaves are different conditions, not the same one more precisely
        if len(base) <= 3 or not base:
            return Refined(code, False)
        leaves = [c for c in tabular.children(base) if code_set.lookup(c).billable]
    else:
        base = code
        leaves = _leaves(code, code_set, tabular)
    if not leaves:
        return Refined(code, False)
    return _choose(code, entry.description, own, asked, leaves, code_set)


def _leaves(code: str, code_set: CodeSet, tabular: Tabular) -> list[str]:
    found: list[str] = []
    stack = list(reversed(tabular.children(code)))
    while stack and len(found) < _MAX_CANDIDATES:
        item = stack.pop()
        if code_set.lookup(item).billable:
            found.append(item)
        else:
            stack.extend(reversed(tabular.children(item)))
    return found


def _choose(
    code: str,
    description: str,
    own: dict[str, str],
    asked: dict[str, str],
    leaves: list[str],
    code_set: CodeSet,
) -> Refined:
    original = set(_WORD.findall(description.lower()))
    stated = {leaf: stated_dimensions(code_set.lookup(leaf).description) for leaf in leaves}
    expressible = {d for values in stated.values() for d in values}
    wanted = {d: v for d, v in asked.items() if d in expressible}
    if not wanted and code_set.lookup(code).billable:
        return Refined(code, False)  # nothing asked that a sibling could say better
    best: tuple[tuple[int, int, int], str, bool] | None = None
    for order, leaf in enumerate(leaves):
        dims = stated[leaf]
        if any(dims.get(d) != v for d, v in wanted.items()):
            continue
        misses = 0
        guessed = False
        for dimension in _DIMENSIONS:
            if dimension in wanted:
                continue
            value = dims.get(dimension)
            target = own.get(dimension)
            if target is None and dimension in _DEFAULTS and value is not None:
                target, guess = _DEFAULTS[dimension]
                if value == target:
                    guessed = guessed or guess
            if value != target:
                misses += 1
        words = set(_WORD.findall(code_set.lookup(leaf).description.lower()))
        score = (misses, len(words - original - _FREE_WORDS), order)
        if best is None or score < best[0]:
            best = (score, leaf, guessed)
    if best is None:
        return Refined(code, False)
    return Refined(best[1], best[2])
