"""What the text engine finds, and what the guideline rules take in.

A `TextSource` is one piece of documentation (a note, a diagnosis as the provider wrote
it, the assessment and plan). A `Mention` is a condition the words name in it: the code
the words support, exactly where they are (`Evidence` with offsets into the source's
text), how it is asserted (present, negated, possible, history, family, hypothetical) and
in which section. The guideline rules (services/coder/domain/guidelines.py) turn mentions
into coded diagnoses: a negated mention is dropped, a possible one is coded as established
for an inpatient and as its signs and symptoms for an outpatient (ICD-10-CM Official
Guidelines II.H, IV.H), history becomes a Z86/Z87 code, family history Z80–Z84...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..results import Evidence
from .analysis import Analysis

Assertion = Literal["present", "negated", "possible", "history", "family", "hypothetical"]
SourceKind = Literal[
    "progress",
    "history_and_physical",
    "consult",
    "emergency",
    "operative",
    "procedure",
    "discharge_summary",
    "other",
    "diagnosis",  # a documented diagnosis's text (the problem list)
    "assessment_plan",
]


@dataclass(frozen=True, slots=True)
class TextSource:
    """A piece of documentation to read. `source` names it the way evidence does
    (`notes[0]`, `diagnoses[2]`, `assessment_plan`); offsets are into `text`. `analysis`
    is its one reading (tokens, sections, context: analysis.py), made here unless the
    caller has it already (a note's, shared with the procedure and E/M readers)."""

    source: str
    kind: SourceKind
    text: str
    analysis: Analysis = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.analysis is None:
            object.__setattr__(self, "analysis", Analysis(self.text))
        elif self.analysis.text is not self.text and self.analysis.text != self.text:
            raise ValueError(f"{self.source}: the analysis is of another text")


@dataclass(frozen=True, slots=True)
class Mention:
    """A condition named in a source.

    `code` is the most specific ICD-10-CM code the matched words support (the guideline
    rules may make it more specific from other words: laterality, acuity, 7th character).
    `rule` says what matched (`tabular`, `synonym`, `learned`...: the evidence a coder can
    check), `confidence` how sure the match is (0 to 1), `section` the section the words sit
    in (`past_medical_history`, `family_history`, `allergies`, `assessment`,
    `discharge_diagnoses`, ... or None), and `attributes` the qualifiers found around the
    words (for example "left", "acute", "chronic", "initial", "subsequent", "sequela",
    "trimester:2")."""

    code: str
    evidence: Evidence
    rule: str
    confidence: float
    assertion: Assertion = "present"
    section: str | None = None
    attributes: frozenset[str] = frozenset()
