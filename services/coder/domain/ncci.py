"""CMS National Correct Coding Initiative edits on a day's service lines.

Procedure-to-procedure (PTP) edits: a column 1 / column 2 pair that one practitioner should
not report for one patient on one day; the modifier indicator says whether an
NCCI-associated modifier may bypass it (0 never, 1 when the documentation supports a
distinct service, 9 the edit does not apply). Medically unlikely edits (MUE): the most
units of a code one practitioner reports for one patient on one day, adjudicated per claim
line (MAI 1) or per date of service (MAI 2 absolute, by policy; MAI 3 clinical, payable on
appeal with documentation). Source: CMS, "How to Use the NCCI Tools" (MLN) and the NCCI
Policy Manual for Medicare Services, ch. I.

services/coder/ncci_files.py reads CMS's quarterly files into `NcciEdits`; the domain only
reads it. An edit that fails is a review reason, or a modifier where the rules allow one
and the documentation supports it; it never drops a line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

from .results import Edit, ReviewReason, ServiceLine

ModifierIndicator = Literal["0", "1", "9"]
MueIndicator = Literal[1, 2, 3]

# NCCI-associated modifiers (NCCI Policy Manual ch. I §E): anatomic, global surgery and
# distinct service. Modifier 25 bypasses an E/M column 2 code.
NCCI_BYPASS_MODIFIERS = frozenset(
    {"E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"}
    | {"TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT"}
    | {"LC", "LD", "LM", "RC", "RI", "24", "25", "57", "58", "78", "79", "27", "59", "91"}
    | {"XE", "XS", "XP", "XU"}
)
_NON_ANATOMIC = frozenset({"24", "25", "57", "58", "78", "79", "27", "59", "91"}) | {
    "XE",
    "XS",
    "XP",
    "XU",
}
_ANATOMIC = NCCI_BYPASS_MODIFIERS - _NON_ANATOMIC
MUE_NAMES = {1: "claim line", 2: "date of service, policy", 3: "date of service, clinical"}


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column1: str
    column2: str
    effective: date
    deletion: date | None
    indicator: ModifierIndicator
    rationale: str = ""

    def in_force(self, day: date) -> bool:
        return self.effective <= day and (self.deletion is None or day <= self.deletion)


@dataclass(frozen=True, slots=True)
class Mue:
    code: str
    value: int
    indicator: MueIndicator
    rationale: str = ""


class NcciEdits:
    """PTP pairs (by unordered pair of codes) and MUEs (by code), with the version label
    of each file (encounter.coded names them)."""

    def __init__(
        self,
        ptp: Iterable[PtpEdit] = (),
        mues: Iterable[Mue] = (),
        *,
        ptp_version: str = "none",
        mue_version: str = "none",
    ) -> None:
        self.ptp_version = ptp_version
        self.mue_version = mue_version
        self._pairs: dict[frozenset[str], list[PtpEdit]] = {}
        for edit in ptp:
            self._pairs.setdefault(frozenset((edit.column1, edit.column2)), []).append(edit)
        self._mues = {m.code: m for m in mues}
        self._size = sum(len(v) for v in self._pairs.values()) + len(self._mues)

    def __len__(self) -> int:
        return self._size

    def pair(self, a: str, b: str, day: date) -> PtpEdit | None:
        """The edit in force on `day` between two codes, in either column order."""
        for edit in self._pairs.get(frozenset((a, b)), ()):
            if edit.column1 != edit.column2 and edit.in_force(day):
                return edit
        return None

    def mue(self, code: str) -> Mue | None:
        return self._mues.get(code)


NO_EDITS = NcciEdits()


class Billable(Protocol):
    """What the edits read of a line (BilledLine, or the procedure rules' own Found)."""

    @property
    def code(self) -> str: ...

    modifiers: list[str]
    units: int
    site: str | None
    author: str | None


@dataclass(slots=True)
class BilledLine:
    """A service line as the edits see it: code, modifiers (the edits may add one), units,
    and what the documentation says that could make it distinct from another line: the
    body site it was done on (`site`, a canonical word or a side) and the practitioner
    who documented it (`author`)."""

    code: str
    modifiers: list[str]
    units: int
    site: str | None = None
    author: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class EditResult:
    reasons: list[ReviewReason] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


def distinct_modifier(first: Billable, second: Billable) -> str | None:
    """The X{EPSU} modifier the documentation supports for two lines, or None.

    CMS prefers the X modifiers to 59 (MLN1783722): XS for a separate structure or organ
    (a different body site documented for each), XP for a separate practitioner (each
    documented by a different author). XE (separate encounter) and XU (unusual
    non-overlapping service) need a coder's reading of the record, so none is guessed.
    """
    if first.site and second.site and first.site != second.site:
        return "XS"
    if first.author and second.author and first.author != second.author:
        return "XP"
    return None


def check_ptp(lines: Sequence[Billable], edits: NcciEdits, day: date) -> EditResult:
    """Every pair of lines against the PTP edits in force on the date of service.

    Indicator 9: nothing to do. A pair already bypassed by an NCCI-associated modifier on
    either line passes. Indicator 1: the column 2 line gets XS or XP when the
    documentation shows distinct sites or practitioners; otherwise review. Indicator 0: no
    modifier can bypass it; review (the column 2 code is not payable with column 1).
    """
    result = EditResult()
    for i, a in enumerate(lines):
        for b in lines[i + 1 :]:
            if a.code == b.code:
                continue
            edit = edits.pair(a.code, b.code, day)
            if edit is None or edit.indicator == "9":
                continue
            col1, col2 = (a, b) if edit.column1 == a.code else (b, a)
            pair = f"{col1.code}/{col2.code}"
            if edit.indicator == "0":
                result.reasons.append(
                    ReviewReason(
                        rule="NCCI-PTP-0",
                        message=f"NCCI edit {pair} (modifier indicator 0): {col2.code} is not "
                        f"payable with {col1.code} on the same day, whatever the modifier",
                        subject=col2.code,
                        candidates=(col1.code, col2.code),
                    )
                )
                continue
            if _bypassed(col1, col2):
                result.edits.append(
                    Edit(rule="NCCI-PTP-BYPASSED", detail=f"{pair}: distinct by modifier")
                )
                continue
            modifier = distinct_modifier(col1, col2)
            if modifier is not None:
                col2.modifiers.append(modifier)
                why = "a separate site" if modifier == "XS" else "a separate practitioner"
                result.edits.append(
                    Edit(
                        rule=f"MOD-{modifier}",
                        detail=f"{col2.code}-{modifier}: NCCI edit {pair} (modifier indicator "
                        f"1) bypassed, {why} documented",
                    )
                )
                continue
            result.reasons.append(
                ReviewReason(
                    rule="NCCI-PTP-1",
                    message=f"NCCI edit {pair} (modifier indicator 1): {col2.code} is payable "
                    f"with {col1.code} only as a distinct service (XE, XS, XP, XU or 59), "
                    "which the documentation does not show",
                    subject=col2.code,
                    candidates=(col1.code, col2.code),
                )
            )
    return result


def check_em_pairs(lines: Sequence[ServiceLine], edits: NcciEdits, day: date) -> list[ReviewReason]:
    """The PTP edits between the E/M line(s) and the day's procedures (the E/M line is
    built after the procedures: services/coder/domain/coding.py calls this on all lines).
    A procedure's global package includes the day's E/M, and 96372 includes 99211: the
    E/M is payable with modifier 25 when significant and separately identifiable (CPT
    Appendix A; NCCI Policy Manual ch. XI), which the E/M rules add; without it, review."""
    em = [line for line in lines if line.rule.startswith("EM-")]
    if not em or not len(edits):
        return []
    others = [line for line in lines if not line.rule.startswith("EM-")]
    reasons: list[ReviewReason] = []
    for visit in em:
        for line in others:
            if line.code == visit.code or edits.pair(visit.code, line.code, day) is None:
                continue  # no edit between them: nothing to read
            pair = [BilledLine(visit.code, list(visit.modifiers), visit.units)]
            pair.append(BilledLine(line.code, list(line.modifiers), line.units))
            reasons.extend(check_ptp(pair, edits, day).reasons)
    return reasons


def check_mue(lines: Sequence[Billable], edits: NcciEdits) -> EditResult:
    """Units against the MUEs: per line for MAI 1, per date of service (the encounter's
    lines of one code added up) for MAI 2 and 3. Units over the value are a review
    reason; MAI 2 says they are never payable, MAI 3 that they need the record."""
    result = EditResult()
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.code] = totals.get(line.code, 0) + line.units
    for code, total in totals.items():
        mue = edits.mue(code)
        if mue is None:
            continue
        if mue.indicator == 1:
            over = [line.units for line in lines if line.code == code and line.units > mue.value]
            if over:
                result.reasons.append(_mue_reason(code, max(over), mue, "on one line"))
        elif total > mue.value:
            result.reasons.append(_mue_reason(code, total, mue, "on the date of service"))
    return result


def _mue_reason(code: str, units: int, mue: Mue, where: str) -> ReviewReason:
    consequence = {
        1: "report further units on another line only with a modifier the record supports",
        2: "units past the MUE are not payable (an absolute, policy edit)",
        3: "units past the MUE are payable only with documentation of medical necessity",
    }[mue.indicator]
    return ReviewReason(
        rule=f"MUE-{mue.indicator}",
        message=f"{code}: {units} units {where} exceed the MUE of {mue.value} "
        f"(MAI {mue.indicator}, {MUE_NAMES[mue.indicator]}): {consequence}",
        subject=code,
        candidates=(code,),
    )


def _bypassed(a: Billable, b: Billable) -> bool:
    """A distinct-service or global-surgery modifier on either line, or different
    anatomic modifiers on the two (one knee and the other): the same side, or a side on
    one line only, is not two structures."""
    if _NON_ANATOMIC.intersection(a.modifiers) or _NON_ANATOMIC.intersection(b.modifiers):
        return True
    first, second = _ANATOMIC.intersection(a.modifiers), _ANATOMIC.intersection(b.modifiers)
    return bool(first) and bool(second) and first != second
