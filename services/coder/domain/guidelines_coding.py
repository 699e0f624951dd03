"""The words and the supplied codes together: what is coded, and what a person must see.

ICD-10-CM Official Guidelines I.B.3 (an unspecified code only when the record supports
nothing more specific) applied to the hospital's own codes: a supplied unspecified code
where the notes name a specific one of the same category, or a supplied code that a
combination rule replaces (I.A.15, I.C.4.a, I.C.9.a), is proposed for review with the code
the words support and their evidence, never changed silently. A code found below
REVIEW_THRESHOLD goes to review with the candidates proposed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .encounter import Encounter
from .guidelines import REVIEW_THRESHOLD, GuidelineTables, apply_rules, findings_from_mentions
from .guidelines import _source_texts as source_texts
from .guidelines_bmi import bmi_code
from .guidelines_burns import burn_extent
from .guidelines_coordination import read_coordinated
from .guidelines_encounter import (
    delivery_outcome,
    newborn_record,
    pregnancy_weeks,
    routine_exam,
)
from .guidelines_findings import Finding
from .guidelines_scores import nihss_score
from .icd10cm import CodeSet
from .results import Edit, ReviewReason
from .text.mentions import Mention

_UNSPECIFIED = "unspecified"


@dataclass
class WordCoding:
    """The diagnoses in sequence (supplied and from the words), the review reasons the
    comparison raised and the edits that say what the rules did."""

    findings: list[Finding] = field(default_factory=list)
    reasons: list[ReviewReason] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


def source_kinds(encounter: Encounter) -> dict[str, str]:
    """Each evidence source's kind: `notes[i]` its note kind, `diagnoses[i]` "diagnosis",
    `assessment_plan` itself."""
    kinds = {f"notes[{i}]": note.kind for i, note in enumerate(encounter.notes)}
    kinds.update((f"diagnoses[{i}]", "diagnosis") for i in range(len(encounter.diagnoses)))
    kinds["assessment_plan"] = "assessment_plan"
    return kinds


def code_words(
    supplied: Sequence[Finding],
    mentions: Sequence[Mention],
    encounter: Encounter,
    code_set: CodeSet,
    tables: GuidelineTables,
) -> WordCoding:
    """Supplied findings (method "provided", in rank order) and the mentions' findings,
    through the guideline rules (guidelines.py) and the comparison of the module
    docstring."""
    result = WordCoding()
    found, dropped = findings_from_mentions(
        mentions, encounter, code_set, tables, source_kinds(encounter)
    )
    for item in dropped:
        result.edits.append(Edit(rule="DX-NOT-CODED", detail=f"{item.code}: {item.rule}"))
    kept_supplied: list[Finding] = []
    for given in supplied:
        specific = _more_specific(given, found, code_set)
        if specific is None:
            kept_supplied.append(given)
            continue
        result.reasons.append(
            ReviewReason(
                rule="DX-MORE-SPECIFIC",
                message=f"supplied {given.code} is unspecified; the notes support {specific.code}",
                subject=given.code,
                candidates=(specific.code, given.code),
            )
        )
        kept_supplied.append(replace(specific, rank=given.rank, position=given.position))
    # the words around each name read before the rules combine, settle and sequence them
    read = read_coordinated([*kept_supplied, *found], source_texts(encounter), code_set)
    ordered = routine_exam(encounter, apply_rules(read, code_set, tables))
    ordered = pregnancy_weeks(encounter, ordered, code_set, tables.refine)
    ordered = burn_extent(encounter, bmi_code(encounter, ordered, code_set), code_set)
    ordered = nihss_score(encounter, ordered, code_set)
    ordered = newborn_record(encounter, delivery_outcome(encounter, ordered))
    final = {f.code for f in ordered}
    for given in kept_supplied:
        if given.method == "provided" and given.code not in final:
            replacing = tuple(f.code for f in ordered if given.code in f.rule)
            result.reasons.append(
                ReviewReason(
                    rule="DX-SUPPLIED-COMBINED",
                    message=f"supplied {given.code} is replaced by the combination code the "
                    f"documentation supports ({', '.join(replacing) or 'see proposals'})",
                    subject=given.code,
                    candidates=replacing,
                )
            )
    for finding in ordered:
        if finding.method != "provided" and finding.confidence < REVIEW_THRESHOLD:
            result.reasons.append(
                ReviewReason(
                    rule="DX-LOW-CONFIDENCE",
                    message=f"{finding.code} was found with confidence "
                    f"{finding.confidence:.2f}, below {REVIEW_THRESHOLD:.2f}",
                    subject=finding.code,
                    candidates=(finding.code,),
                )
            )
    result.findings = ordered
    return result


def _more_specific(given: Finding, found: Sequence[Finding], code_set: CodeSet) -> Finding | None:
    if _UNSPECIFIED not in code_set.lookup(given.code).description.lower():
        return None
    best: Finding | None = None
    for finding in found:
        if finding.code == given.code or finding.code[:3] != given.code[:3]:
            continue
        entry = code_set.lookup(finding.code)
        if not entry.billable or _UNSPECIFIED in entry.description.lower():
            continue
        if best is None or finding.confidence > best.confidence:
            best = finding
    return best
