"""The NIH stroke scale score beside an acute ischemic stroke.

ICD-10-CM Official Guidelines FY2026 I.C.18.i: the NIHSS codes (R29.7-) are reported with
the acute stroke (I63) and may be based on any clinician's documentation; the first score
documented is the one coded ("NIHSS on arrival 8" R29.708).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .encounter import Encounter
from .guidelines_findings import Finding
from .icd10cm import CodeSet
from .results import Evidence

SCORE_CONFIDENCE = 0.8
_NIHSS = re.compile(
    r"\bNIHSS\b(?:\s+(?:score|on arrival|at arrival|initial|of|was|is|=|:))*\s*(\d{1,2})\b",
    re.IGNORECASE,
)


def nihss_score(
    encounter: Encounter, findings: Sequence[Finding], code_set: CodeSet
) -> list[Finding]:
    """The findings with R29.7- for the first NIHSS score the notes give, when an acute
    ischemic stroke (I63) is coded and no score code is there yet."""
    codes = [f.code for f in findings]
    if not any(c.startswith("I63") for c in codes) or any(c.startswith("R29.7") for c in codes):
        return list(findings)
    for i, note in enumerate(encounter.notes):
        match = _NIHSS.search(note.text)
        if match is None:
            continue
        score = int(match.group(1))
        code = f"R29.7{score:02d}"
        if score > 42 or not code_set.lookup(code).billable:
            return list(findings)
        start, end = match.span()
        return [
            *findings,
            Finding.added(
                code,
                Evidence(f"notes[{i}]", note.text[start:end], start, end),
                SCORE_CONFIDENCE,
                "GL-NIHSS",
                4,
            ),
        ]
    return list(findings)
