"""A code the guideline rules are working on: where it came from and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .results import CodingMethod, Evidence

AFTER_THE_DOCUMENTATION = 1 << 30  # a position no documented finding reaches


@dataclass(frozen=True, slots=True)
class Finding:
    """One candidate diagnosis code. `rank` orders the reason for the encounter first
    (0: supplied rank 1 or the assessment / discharge diagnoses, 1: the rest of the
    documentation); `position` keeps the documentation's order within a rank."""

    code: str
    evidence: Evidence
    confidence: float
    rule: str
    method: CodingMethod
    rank: int = 1
    position: tuple[int, int] = (0, 0)

    @classmethod
    def added(
        cls, code: str, evidence: Evidence, confidence: float, rule: str, slot: int
    ) -> Finding:
        """A code a rule adds from what the notes state around the conditions (the weeks
        of gestation, a BMI, a burn's extent...): inferred, placed after every documented
        finding, `slot` ordering such codes among themselves."""
        return cls(code, evidence, confidence, rule, "inferred", 1, (AFTER_THE_DOCUMENTATION, slot))

    def becoming(self, code: str, rule: str, confidence: float | None = None) -> Finding:
        """This finding as another code, the rule that made it appended to its rule."""
        return replace(
            self,
            code=code,
            rule=f"{self.rule}+{rule}",
            method="inferred",
            confidence=self.confidence if confidence is None else confidence,
        )


@dataclass(frozen=True, slots=True)
class Dropped:
    """A mention the rules did not code, and why (for the edits: no patient words)."""

    code: str
    rule: str
