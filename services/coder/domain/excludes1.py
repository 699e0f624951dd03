"""Excludes1 pairs: two codes that must never be reported together."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .icd10cm import Icd10CmEntry

_PARENTHESES = re.compile(r"\(([^()]*)\)")
_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]*)?"
# "E10.-", "O24.4-", "P70.2", "O10-O11", "I63.3-I63.5-" and the odd typo "D29.2.-".
_ITEM = re.compile(rf"^({_CODE})\.?-?(?:-({_CODE})\.?-?)?$")


@dataclass(frozen=True, slots=True)
class ExcludedRange:
    """Codes from `low` to `high` inclusive, each bound also covering the codes under it."""

    low: str
    high: str
    note: str

    def covers(self, code: str) -> bool:
        # Dotted ICD-10-CM codes share one shape, so string order is code-set order and
        # truncating to the bound's length compares the code's ancestor at that level.
        return self.low <= code and code[: len(self.high)] <= self.high


@dataclass(frozen=True, slots=True)
class Excludes1Conflict:
    code: str
    excluded: str
    note: str


def parse_excluded_ranges(note: str) -> tuple[ExcludedRange, ...]:
    """Read the code ranges from an Excludes1 note such as 'type 1 diabetes (E10.-)'.

    ICD-10-CM Official Guidelines I.A.12.a. A trailing '-' is the Tabular List's mark for
    "more characters follow", so it covers every code under that prefix. Parenthesised
    text with qualifiers ('with 5th character 9') is left out: flagging its whole range
    would send unrelated codes to review.
    """
    ranges: list[ExcludedRange] = []
    for group in _PARENTHESES.findall(note):
        matches = [_ITEM.match(item.strip()) for item in group.split(",")]
        if any(match is None for match in matches):
            continue
        for match in filter(None, matches):
            low = match.group(1).rstrip(".")
            high = (match.group(2) or low).rstrip(".")
            ranges.append(ExcludedRange(low, high, note))
    return tuple(ranges)


def excludes1_conflict(first: Icd10CmEntry, second: Icd10CmEntry) -> Excludes1Conflict | None:
    """Say whether either code's Excludes1 notes name the other.

    ICD-10-CM Official Guidelines I.A.12.a: an Excludes1 note means the excluded code is
    never used at the same time as the code above the note.
    """
    if first.code == second.code:
        return None
    for owner, other in ((first, second), (second, first)):
        for excluded in owner.excludes1:
            if excluded.covers(other.code):
                return Excludes1Conflict(owner.code, other.code, excluded.note)
    return None


def excludes1_conflicts(entries: Sequence[Icd10CmEntry]) -> list[Excludes1Conflict]:
    """All Excludes1 pairs among the codes, in claim order (I.A.12.a)."""
    conflicts = []
    for i, first in enumerate(entries):
        for second in entries[i + 1 :]:
            conflict = excludes1_conflict(first, second)
            if conflict is not None:
                conflicts.append(conflict)
    return conflicts
