"""The extent of burns beside the burns by site.

ICD-10-CM Official Guidelines FY2026 I.C.19.d.6: category T31 (burns classified by extent
of body surface involved) is used as an additional code with the site codes (T20-T25) when
the site is specified, to report the total body surface area involved; its fifth character
is the percentage of third-degree burns (0 when none of the coded burns is third degree).
T30 (burn of unspecified body region) is not reported beside a burn whose site is coded
(I.C.19.d.2: sequence by site; the unspecified region is for when no site is documented).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .encounter import Encounter
from .guidelines_findings import Finding
from .icd10cm import CodeSet
from .results import Evidence

EXTENT_CONFIDENCE = 0.8
_SITES = ("T20", "T21", "T22", "T23", "T24", "T25")
_EXTENT = re.compile(
    r"\b(?:(less than|under|<)\s*)?(\d{1,3}(?:\.\d+)?)\s*%\s*(?:of\s+(?:the\s+)?)?(?:total\s+)?"
    r"(?:tbsa|body surface(?: area)?)",
    re.IGNORECASE,
)


def burn_extent(
    encounter: Encounter, findings: Sequence[Finding], code_set: CodeSet
) -> list[Finding]:
    """The findings with T31 for the extent the notes document and without T30 beside a
    burn by site (module docstring)."""
    sites = [f for f in findings if f.code.startswith(_SITES)]
    if not sites:
        return list(findings)
    result = [f for f in findings if not f.code.startswith("T30")]
    if any(f.code.startswith("T31") for f in result):
        return result
    if any("third degree" in code_set.lookup(f.code).description.lower() for f in sites):
        return result  # the third-degree share is not read here: left to the coder
    for i, note in enumerate(encounter.notes):
        match = _EXTENT.search(note.text)
        if match is None:
            continue
        percent = float(match.group(2))
        if match.group(1) and percent <= 10:
            percent = min(percent, 9.9)
        tens = min(int(percent // 10), 9)
        code = "T31.0" if tens == 0 else f"T31.{tens}0"
        if not code_set.lookup(code).billable:
            return result
        start, end = match.span()
        result.append(
            Finding.added(
                code,
                Evidence(f"notes[{i}]", note.text[start:end], start, end),
                EXTENT_CONFIDENCE,
                "GL-BURN-EXTENT",
                3,
            )
        )
        break
    return result
