"""Diagnosis coding: validate, sequence and check the ICD-10-CM codes on an encounter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import get_args

from .encounter import DocumentedDiagnosis, Encounter
from .excludes1 import excludes1_conflicts
from .guidelines import GuidelineTables, learned_floor
from .guidelines_coding import code_words
from .guidelines_drugs import status_mentions
from .guidelines_findings import Finding
from .icd10cm import CodeSet, Icd10CmEntry, normalize_icd10cm
from .reference import ReferenceData
from .results import CodedDiagnosis, CodingMethod, Edit, Evidence, ReviewReason
from .text import find_mentions
from .text.mentions import Mention, SourceKind, TextSource

MAX_CLAIM_DIAGNOSES = 12


@dataclass
class DiagnosisCoding:
    diagnoses: list[CodedDiagnosis] = field(default_factory=list)
    reasons: list[ReviewReason] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Candidate:
    entry: Icd10CmEntry
    evidence: Evidence
    rule: str | None = None
    confidence: float = 1.0
    method: CodingMethod | None = None


def code_diagnoses(
    documented: Sequence[DocumentedDiagnosis],
    code_set: CodeSet,
    *,
    encounter: Encounter | None = None,
    data: ReferenceData | None = None,
    mentions: Sequence[Mention] | None = None,
    guidelines: GuidelineTables | None = None,
) -> DiagnosisCoding:
    """Code the diagnoses the hospital supplied and those the words name, or say why a
    coder must look.

    Supplied codes: sequenced by rank, first-listed first (ICD-10-CM Official Guidelines
    IV.G, II); each code must exist and be billable (I.A.3, I.B.2); a repeated code is
    reported once; no Excludes1 pair (I.A.12.a); at most 12 on a claim (X12 837P loop 2300
    HI segment). SNOMED CT codes and uncoded text go to review. With notes or an
    assessment/plan, the text engine's mentions (`mentions`, or read here with
    `data.term_index`) are coded too, through the guideline rules (guidelines.py); an
    encounter without them is coded from its supplied codes alone, exactly as before.
    """
    if encounter is not None and (encounter.notes or encounter.assessment_plan):
        tables = guidelines or (data.guidelines if data is not None else None)
        if mentions is None and data is not None and tables is not None:
            mentions = read_mentions(encounter, data)
        if tables is not None and mentions:
            return code_with_words(documented, code_set, encounter, mentions, tables)
    return _code_supplied(documented, code_set)


def read_mentions(encounter: Encounter, data: ReferenceData) -> list[Mention]:
    """What the text engine finds in the notes, the assessment/plan and the supplied
    diagnoses that carry no ICD-10-CM code (those with one are the hospital's coding)."""
    index = getattr(data, "term_index", None)
    if index is None:
        return []
    sources = [
        TextSource(f"notes[{i}]", _note_kind(note.kind), note.text, note.analysis)
        for i, note in enumerate(encounter.notes)
    ]
    if encounter.assessment_plan:
        sources.append(TextSource("assessment_plan", "assessment_plan", encounter.assessment_plan))
    for i, diagnosis in enumerate(encounter.diagnoses):
        if diagnosis.code is None or diagnosis.code_system != "ICD-10-CM":
            sources.append(TextSource(f"diagnoses[{i}]", "diagnosis", diagnosis.text))
    found = find_mentions(sources, index, learned_floor)
    terms = data.guidelines.status_terms if data.guidelines is not None else None
    if terms is not None:
        for source in sources:
            found.extend(status_mentions(source, terms))
    return found


_NOTE_KINDS: frozenset[str] = frozenset(get_args(SourceKind))


def _note_kind(kind: str) -> SourceKind:
    return kind if kind in _NOTE_KINDS else "other"  # type: ignore[return-value]


def _code_supplied(documented: Sequence[DocumentedDiagnosis], code_set: CodeSet) -> DiagnosisCoding:
    result = DiagnosisCoding()
    if not documented:
        result.reasons.append(
            ReviewReason(rule="DX-NONE", message="no diagnosis is documented", subject="diagnoses")
        )
        return result
    candidates: list[_Candidate] = []
    for i in sorted(range(len(documented)), key=lambda i: documented[i].rank):
        diagnosis = documented[i]
        source = f"diagnoses[{i}]"
        if diagnosis.code is None:
            result.reasons.append(
                ReviewReason(rule="DX-UNCODED", message=f"{source} has no code", subject=source)
            )
        elif diagnosis.code_system != "ICD-10-CM":
            result.reasons.append(
                ReviewReason(
                    rule="DX-UNCODED",
                    message=f"{source} has only {diagnosis.code_system} code {diagnosis.code}; "
                    "an ICD-10-CM code is needed",
                    subject=source,
                )
            )
        else:
            entry = code_set.lookup(normalize_icd10cm(diagnosis.code))
            reason = _invalid_reason(entry, code_set)
            if reason is not None:
                result.reasons.append(reason)
            else:
                evidence = Evidence(source=source, text=diagnosis.text)
                candidates.append(_Candidate(entry, evidence))
    _finish(result, candidates, code_set, method="provided", excludes1_blocks=True)
    return result


def code_with_words(
    documented: Sequence[DocumentedDiagnosis],
    code_set: CodeSet,
    encounter: Encounter,
    mentions: Sequence[Mention],
    guidelines: GuidelineTables,
) -> DiagnosisCoding:
    """The supplied codes checked as in code_diagnoses, then coded with the words through
    the guideline rules (guidelines.py, guidelines_coding.py). A supplied diagnosis without
    an ICD-10-CM code whose own words name a condition is coded from them; one whose words
    name none still goes to review (DX-UNCODED)."""
    result = DiagnosisCoding()
    spoken = {m.evidence.source for m in mentions if m.assertion not in ("negated", "hypothetical")}
    supplied: list[Finding] = []
    for i in sorted(range(len(documented)), key=lambda i: documented[i].rank):
        diagnosis = documented[i]
        source = f"diagnoses[{i}]"
        if diagnosis.code is None or diagnosis.code_system != "ICD-10-CM":
            if source not in spoken:
                result.reasons.append(_uncoded_reason(diagnosis, source))
            continue
        entry = code_set.lookup(normalize_icd10cm(diagnosis.code))
        reason = _invalid_reason(entry, code_set)
        if reason is not None:
            result.reasons.append(reason)
            continue
        supplied.append(
            Finding(
                code=entry.code,
                evidence=Evidence(source=source, text=diagnosis.text),
                confidence=1.0,
                rule="DX-PROVIDED",
                method="provided",
                rank=0,
                position=(-len(documented) + len(supplied), 0),
            )
        )
    words = code_words(supplied, mentions, encounter, code_set, guidelines)
    result.reasons.extend(words.reasons)
    result.edits.extend(words.edits)
    candidates: list[_Candidate] = []
    for finding in words.findings:
        entry = code_set.lookup(finding.code)
        reason = _invalid_reason(entry, code_set)
        if reason is not None:
            result.reasons.append(reason)
            continue
        candidates.append(
            _Candidate(entry, finding.evidence, finding.rule, finding.confidence, finding.method)
        )
    if not candidates and not result.reasons:
        result.reasons.append(
            ReviewReason(rule="DX-NONE", message="no diagnosis is documented", subject="diagnoses")
        )
    _finish(result, candidates, code_set, method="matched", excludes1_blocks=True)
    return result


def _uncoded_reason(diagnosis: DocumentedDiagnosis, source: str) -> ReviewReason:
    if diagnosis.code is None:
        return ReviewReason(rule="DX-UNCODED", message=f"{source} has no code", subject=source)
    return ReviewReason(
        rule="DX-UNCODED",
        message=f"{source} has only {diagnosis.code_system} code {diagnosis.code}; "
        "an ICD-10-CM code is needed",
        subject=source,
    )


def review_diagnoses(
    codes: Sequence[str],
    documented: Sequence[DocumentedDiagnosis],
    reviewer: str,
    note: str | None,
    code_set: CodeSet,
) -> DiagnosisCoding:
    """Validate the codes a human coder chose, in the coder's sequence.

    Codes must still exist and be billable (I.A.3, I.B.2). An Excludes1 pair the coder
    kept is recorded, not sent back: the guideline allows it when the conditions are
    unrelated (I.A.12.a, exception), and that judgement is the reviewer's.
    """
    result = DiagnosisCoding()
    documented_at = _documented_sources(documented)
    candidates: list[_Candidate] = []
    for raw in codes:
        entry = code_set.lookup(normalize_icd10cm(raw))
        reason = _invalid_reason(entry, code_set)
        if reason is not None:
            result.reasons.append(reason)
            continue
        found = documented_at.get(entry.code)
        if found is not None:
            evidence = Evidence(source=found[0], text=found[1])
        else:
            why = f": {note}" if note else ""
            evidence = Evidence(source="review", text=f"assigned by reviewer {reviewer}{why}")
        candidates.append(_Candidate(entry, evidence))
    _finish(result, candidates, code_set, method="reviewed", excludes1_blocks=False)
    return result


def _documented_sources(documented: Sequence[DocumentedDiagnosis]) -> dict[str, tuple[str, str]]:
    sources: dict[str, tuple[str, str]] = {}
    for i, diagnosis in enumerate(documented):
        if diagnosis.code is not None and diagnosis.code_system == "ICD-10-CM":
            code = normalize_icd10cm(diagnosis.code)
            sources.setdefault(code, (f"diagnoses[{i}]", diagnosis.text))
    return sources


def _invalid_reason(entry: Icd10CmEntry, code_set: CodeSet) -> ReviewReason | None:
    if not entry.known:
        return ReviewReason(
            rule="ICD10CM-UNKNOWN",
            message=f"{entry.code} is not in the ICD-10-CM {code_set.label} code set",
            subject=entry.code,
        )
    if not entry.billable:
        return ReviewReason(
            rule="ICD10CM-NOT-BILLABLE",
            message=f"{entry.code} is a {entry.kind}, not a billable code; "
            "it needs more characters",
            subject=entry.code,
        )
    return None


_RULES: dict[CodingMethod, str] = {
    "provided": "DX-PROVIDED",
    "reviewed": "DX-REVIEWED",
    "matched": "DX-MATCHED",
    "inferred": "DX-INFERRED",
}


def _finish(
    result: DiagnosisCoding,
    candidates: list[_Candidate],
    code_set: CodeSet,
    *,
    method: CodingMethod,
    excludes1_blocks: bool,
) -> None:
    unique: dict[str, _Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.entry.code, candidate)
    chosen = list(unique.values())
    if len(chosen) > MAX_CLAIM_DIAGNOSES:
        dropped = ", ".join(c.entry.code for c in chosen[MAX_CLAIM_DIAGNOSES:])
        result.edits.append(
            Edit(
                rule="DX-MAX-12",
                detail=f"a claim carries at most {MAX_CLAIM_DIAGNOSES} diagnoses; "
                f"left off {dropped}",
            )
        )
        chosen = chosen[:MAX_CLAIM_DIAGNOSES]
    for conflict in excludes1_conflicts([c.entry for c in chosen]):
        message = (
            f"{conflict.code} has an Excludes1 note naming {conflict.excluded} "
            f"('{conflict.note}'); they are not reported together"
        )
        if excludes1_blocks:
            result.reasons.append(
                ReviewReason(rule="ICD10CM-EXCLUDES1", message=message, subject=conflict.code)
            )
        else:
            result.edits.append(
                Edit(rule="ICD10CM-EXCLUDES1", detail=f"kept by the reviewer: {message}")
            )
    for candidate in chosen:
        entry = candidate.entry
        result.diagnoses.append(
            CodedDiagnosis(
                code=entry.code,
                description=entry.description,
                evidence=candidate.evidence,
                method=candidate.method or method,
                rule=candidate.rule or _RULES[method],
                confidence=candidate.confidence,
            )
        )
        result.edits.append(
            Edit(
                rule="ICD10CM-BILLABLE",
                detail=f"{entry.code} is a valid, billable {code_set.label} code",
            )
        )
