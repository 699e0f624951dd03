"""Diagnosis coding: validate, sequence and check the ICD-10-CM codes on an encounter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .encounter import DocumentedDiagnosis
from .excludes1 import excludes1_conflicts
from .icd10cm import CodeSet, Icd10CmEntry, normalize_icd10cm
from .results import CodedDiagnosis, CodingMethod, Edit, Evidence, ReviewReason

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


def code_diagnoses(documented: Sequence[DocumentedDiagnosis], code_set: CodeSet) -> DiagnosisCoding:
    """Code the diagnoses the hospital supplied, or say why a coder must look.

    Sequenced by rank, first-listed first (ICD-10-CM Official Guidelines IV.G, II); each
    code must exist and be billable (I.A.3, I.B.2); a repeated code is reported once;
    no Excludes1 pair (I.A.12.a); at most 12 on a claim (X12 837P loop 2300 HI segment).
    SNOMED CT codes and uncoded text are not mapped here: they go to review.
    """
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
                method=method,
                rule=_RULES[method],
            )
        )
        result.edits.append(
            Edit(
                rule="ICD10CM-BILLABLE",
                detail=f"{entry.code} is a valid, billable {code_set.label} code",
            )
        )
