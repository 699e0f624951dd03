"""Procedure coding: documented procedures to CPT/HCPCS service lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .encounter import DocumentedProcedure, ReviewedProcedure
from .lexicon import Lexicon, LexiconEntry
from .modifiers import laterality_modifier
from .results import CodingMethod, Edit, Evidence, ReviewReason, ServiceLine

# A keyword hit is good evidence but not the provider's own code, so it ranks below 1.
MATCH_CONFIDENCE = 0.8


@dataclass
class ProcedureCoding:
    """Service lines without diagnosis pointers yet (finish() sets them)."""

    lines: list[ServiceLine] = field(default_factory=list)
    reasons: list[ReviewReason] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


def code_procedures(documented: Sequence[DocumentedProcedure], lexicon: Lexicon) -> ProcedureCoding:
    """Turn documented procedures into service lines, or say why a coder must look.

    A supplied CPT/HCPCS code is billed as given when the site's lexicon lists it, with
    units from the documented quantity and laterality modifiers where the code takes a
    side. An uncoded procedure is coded only when exactly one lexicon entry's keywords
    appear in its text; anything else goes to review rather than a guess.
    """
    result = ProcedureCoding()
    for i, procedure in enumerate(documented):
        source = f"procedures[{i}]"
        if procedure.code is not None:
            code = "".join(procedure.code.split()).upper()
            entry = lexicon.get(code)
            if entry is None:
                result.reasons.append(_unknown(code))
                continue
            evidence = Evidence(source=source, text=procedure.text)
            result.lines.append(
                _line(entry, procedure, evidence, "provided", "PROC-PROVIDED", 1.0, result)
            )
            continue
        matches = lexicon.match(procedure.text)
        if len(matches) != 1:
            candidates = tuple(m.entry.code for m in matches)
            result.reasons.append(
                ReviewReason(
                    rule="PROC-UNCODED",
                    message=f"{source} has no code and the lexicon gives no single match "
                    f"(candidates: {', '.join(candidates) or 'none'})",
                    subject=source,
                    candidates=candidates,
                )
            )
            continue
        match = matches[0]
        words = procedure.text[match.start : match.end]
        evidence = Evidence(source=source, text=words, start=match.start, end=match.end)
        result.edits.append(
            Edit(
                rule="PROC-MATCHED",
                detail=f"{source} coded {match.entry.code} from the keyword {words!r}",
            )
        )
        result.lines.append(
            _line(
                match.entry,
                procedure,
                evidence,
                "matched",
                "PROC-MATCHED",
                MATCH_CONFIDENCE,
                result,
            )
        )
    return result


def review_procedures(
    reviewed: Sequence[ReviewedProcedure],
    documented: Sequence[DocumentedProcedure],
    lexicon: Lexicon,
    reviewer: str,
) -> ProcedureCoding:
    """Service lines from a human coder's procedures: codes must be in the lexicon; the
    coder's units and modifiers are taken as decided."""
    result = ProcedureCoding()
    for procedure in reviewed:
        entry = lexicon.get(procedure.code)
        if entry is None:
            result.reasons.append(_unknown(procedure.code))
            continue
        evidence = _documented_evidence(procedure.code, documented) or Evidence(
            source="review", text=f"assigned by reviewer {reviewer}"
        )
        result.lines.append(
            ServiceLine(
                code=entry.code,
                code_system=entry.code_system,
                description=entry.description,
                modifiers=procedure.modifiers,
                units=procedure.units,
                evidence=evidence,
                method="reviewed",
                rule="PROC-REVIEWED",
                global_period=entry.global_period,
            )
        )
    return result


def _line(
    entry: LexiconEntry,
    procedure: DocumentedProcedure,
    evidence: Evidence,
    method: CodingMethod,
    rule: str,
    confidence: float,
    result: ProcedureCoding,
) -> ServiceLine:
    modifier = laterality_modifier(entry, procedure.laterality)
    if modifier is not None:
        result.edits.append(
            Edit(
                rule=f"MOD-{modifier}",
                detail=f"{entry.code}-{modifier}: {procedure.laterality} side documented",
            )
        )
    return ServiceLine(
        code=entry.code,
        code_system=entry.code_system,
        description=entry.description,
        modifiers=(modifier,) if modifier is not None else (),
        units=procedure.quantity,
        evidence=evidence,
        method=method,
        rule=rule,
        confidence=confidence,
        global_period=entry.global_period,
    )


def _documented_evidence(code: str, documented: Sequence[DocumentedProcedure]) -> Evidence | None:
    for i, procedure in enumerate(documented):
        if procedure.code is not None and "".join(procedure.code.split()).upper() == code:
            return Evidence(source=f"procedures[{i}]", text=procedure.text)
    return None


def _unknown(code: str) -> ReviewReason:
    return ReviewReason(
        rule="PROC-UNKNOWN",
        message=f"{code} is not in this site's procedure lexicon",
        subject=code,
    )
