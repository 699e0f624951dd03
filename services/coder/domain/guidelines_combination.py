"""Combination codes and "use additional code" (ICD-10-CM Official Guidelines I.A.15, I.B.9,
I.C.4.a, I.C.9.a).

- Diabetes "with" (I.A.15, I.C.4.a): the conditions listed under "with" in the Alphabetic
  Index are presumed caused by the diabetes, so a diabetes code and such a condition become
  the diabetes combination code (E11 + CKD -> E11.22), keeping the condition's own code
  where the tabular says "use additional code" (N18 for the stage) and dropping it where
  the combination says it all (E11 + polyneuropathy -> E11.42). The "without
  complications" code never stands beside a combination code of the same category.
- Hypertension (I.C.9.a): hypertension with heart disease (heart failure I50, or I51.4-
  I51.9) is I11, with chronic kidney disease I12, with both I13, presumed causal; the heart
  failure and the CKD stage stay as additional codes (I.C.9.a.1-3); an I51.4-I51.9 code is
  absorbed by I11/I13 (the Excludes1 note at I51).
- Insulin (I.C.4.a.3): Z79.4 is not reported with type 1 diabetes.
- Pairs (I.B.9): two conditions one code names together (calculus of the gallbladder and
  chronic cholecystitis: K80.10) are that code; an organism stays the agent of each
  condition written with it (pneumococcal sepsis and pneumonia: A40.3 and J13); "code
  also" pairs keep the second (COPD with pneumonia: J44.0 and J18.9).
- Kidney disease: "kidney disease" or diabetic nephropathy beside the coded CKD is it.
- "Use additional code" (I.A.12 conventions, I.B.9): a combination that needs a second
  code (I12.9 needs the N18 stage) gets the unspecified one when none was documented, at a
  lower confidence.

The diabetes complications and the "use additional code" pairs are data
(services/coder/data/combination_codes.tsv).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .guidelines_findings import Finding
from .icd10cm import CodeSet

DIABETES = ("E08", "E09", "E10", "E11", "E13")
# I.C.9.a.1: I51.4-I51.9 with hypertension are hypertensive heart disease
_HYPERTENSIVE_HEART = ("I51.4", "I51.5", "I51.7", "I51.81", "I51.89", "I51.9")
_HYPERTENSION = ("I10", "I11", "I12", "I13")
_ESRD_OR_STAGE_5 = ("N18.5", "N18.6")
# an unstated second code is a default, not the documentation: below the review threshold
# on its own only when the rest is weak
ADDED_CODE_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class DiabetesComplication:
    """A condition presumed linked to diabetes: its code prefix, the combination code's
    characters after the category (".22"), and whether the condition's code stays."""

    prefix: str
    suffix: str
    keep: bool


@dataclass(frozen=True, slots=True)
class AdditionalCode:
    """A code (prefix) whose tabular note says to use an additional code from `needed`
    (a prefix), and the code to add when the documentation names none."""

    prefix: str
    needed: str
    default: str


@dataclass(frozen=True, slots=True)
class PairCode:
    """Two conditions one code names together (I.B.9): a code starting with `first` and
    one starting with `second` are reported as `combined`, the two left out. With `also`
    the second stays beside the combination (its tabular note: "code also to identify the
    infection", J44.0) and a first that is more than its category's unspecified code stays
    too (J44.1 with J44.0)."""

    first: str
    second: str
    combined: str
    also: bool = False


@dataclass(frozen=True, slots=True)
class CombinationTables:
    diabetes: tuple[DiabetesComplication, ...]
    additional: tuple[AdditionalCode, ...]
    pairs: tuple[PairCode, ...] = ()
    _by_prefix: dict[str, DiabetesComplication] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self._by_prefix.update((row.prefix, row) for row in self.diabetes)

    def complication(self, code: str) -> DiabetesComplication | None:
        """The diabetes complication row of the longest prefix of `code`, if any."""
        for end in range(len(code), 2, -1):
            row = self._by_prefix.get(code[:end].rstrip("."))
            if row is not None:
                return row
        return None


def combine(
    findings: Sequence[Finding], tables: CombinationTables, code_set: CodeSet
) -> list[Finding]:
    """Apply the combination rules of the module docstring, in order."""
    result = _diabetes(list(findings), tables, code_set)
    result = _insulin_in_type_1(result)
    result = _hypertension(result, code_set)
    result = _kidney_disease_by_its_stage(_pairs(result, tables, code_set))
    added = _additional(result, tables, code_set)
    # an added code pairs too (Alzheimer's F02.80 with the agitation beside it: F02.811)
    return _pairs(added, tables, code_set) if len(added) > len(result) else added


def _kidney_disease_by_its_stage(findings: list[Finding]) -> list[Finding]:
    """The kidney disease a coded chronic kidney disease names: "kidney disease" (N28.9)
    beside a CKD stage or hypertensive CKD (N18, I12, I13) is that CKD, and diabetic
    nephropathy (E11.21) beside diabetic CKD (E11.22) is the CKD (Index: Diabetes, with,
    chronic kidney disease): the unspecified name is not coded again."""
    codes = {f.code for f in findings}
    if "N28.9" not in codes and not any(
        c[:3] in DIABETES and c[3:] in {".21", ".29"} for c in codes
    ):
        return findings
    staged = any(c.startswith("N18") or c[:3] in {"I12", "I13"} for c in codes)
    diabetic_ckd = {c[:3] for c in codes if c[:3] in DIABETES and c[3:] == ".22"}
    return [
        f
        for f in findings
        if not (f.code == "N28.9" and staged)
        and not (f.code[3:] == ".21" and f.code[:3] in diabetic_ckd)
        # albuminuria beside diabetic CKD is that CKD's, no other kidney complication
        and not (f.code[3:] == ".29" and f.code[:3] in diabetic_ckd and "R80" in f.rule)
        and not (f.code.startswith("R80") and diabetic_ckd)
    ]


def _pairs(findings: list[Finding], tables: CombinationTables, code_set: CodeSet) -> list[Finding]:
    """Two conditions a combination code names (cholelithiasis and chronic cholecystitis:
    K80.10) are that code, placed where the first-placed of them sat."""
    # an organism a combination took in stays the agent of the other conditions it is
    # written with (pneumococcal sepsis and pneumonia: A40.3 and J13)
    absorbed: list[Finding] = []
    held = _prefixes(findings)  # a row whose first no code starts with is passed at once
    for row in tables.pairs:
        if row.first not in held:
            continue
        firsts = [f for f in findings if f.code.startswith(row.first)]
        if not firsts or row.also and any(f.code == row.combined for f in findings):
            continue
        seconds = [f for f in (*findings, *absorbed) if f.code.startswith(row.second)]
        if not seconds or not code_set.lookup(row.combined).billable:
            continue
        b = min(seconds, key=_place)
        if row.also:
            findings = _also(findings, firsts, b, row, code_set)
            held = _prefixes(findings)
            continue
        # every mention of the first is the combination, and no mention of the second stays
        combined = {
            id(a): _placed(
                a.becoming(
                    _with_encounter(row.combined, a.code, code_set),
                    f"GL-COMBINATION({a.code},{b.code})",
                    min(a.confidence, b.confidence),
                ),
                (a, b),
            )
            for a in firsts
        }
        second_ids = {id(f) for f in seconds}
        absorbed += [f for f in findings if id(f) in second_ids]
        findings = [combined.get(id(f), f) for f in findings if id(f) not in second_ids]
        held = _prefixes(findings)
    return findings


def _with_encounter(combined: str, first: str, code_set: CodeSet) -> str:
    """The combination code with the encounter of the code it replaces (I.C.19.a: the 7th
    character A, D or S is the encounter's): a table row names the initial encounter."""
    if len(combined) != 8 or len(first) != 8 or first[-1] not in "ADS":
        return combined
    same = combined[:-1] + first[-1]
    return same if code_set.lookup(same).billable else combined


def _prefixes(findings: list[Finding]) -> frozenset[str]:
    """Every leading part of every finding's code ("K", "K8", "K80", "K80.", "K80.1", ...)."""
    return frozenset(f.code[:end] for f in findings for end in range(1, len(f.code) + 1))


def _also(
    findings: list[Finding], firsts: list[Finding], b: Finding, row: PairCode, code_set: CodeSet
) -> list[Finding]:
    """The combination beside the second ("code also"): it replaces a first that is its
    category's unspecified code (J44.9), is added beside a more specific one (J44.1)."""
    a = min(firsts, key=_place)
    rule = f"GL-COMBINATION({a.code},{b.code})"
    code = _with_encounter(row.combined, a.code, code_set)
    combined = _placed(a.becoming(code, rule, min(a.confidence, b.confidence)), (a, b))
    unspecified = [f for f in firsts if f.code.endswith(".9")]
    if unspecified:
        replaced = {id(f) for f in unspecified}
        result = [f for f in findings if id(f) not in replaced]
        return _insert_after(result, [combined])
    return _insert_after(findings, [combined])


def _diabetes(
    findings: list[Finding], tables: CombinationTables, code_set: CodeSet
) -> list[Finding]:
    # one diabetes finding per category stands for it: the first-placed, most confident
    categories: dict[str, Finding] = {}
    for finding in findings:
        category = finding.code[:3]
        if category in DIABETES:
            held = categories.get(category)
            if held is None or _place(finding) < _place(held):
                categories[category] = finding
    if not categories:
        return findings
    complications = [
        (i, finding, row)
        for i, finding in enumerate(findings)
        if (row := tables.complication(finding.code)) is not None
        and not _shorter_name_of_another(finding, findings, tables)
    ]
    dropped: set[int] = set()
    added: list[Finding] = []
    for category, diabetes in categories.items():
        for i, finding, row in complications:
            combined = f"{category}{row.suffix}"
            if not code_set.lookup(combined).billable:
                continue
            confidence = min(diabetes.confidence, finding.confidence)
            rule = f"GL-DM-WITH({diabetes.code},{finding.code})"
            added.append(
                _placed(diabetes.becoming(combined, rule, confidence), (diabetes, finding))
            )
            if not row.keep:
                dropped.add(i)
    kept = [f for i, f in enumerate(findings) if i not in dropped]
    specific = {f.code[:3] for f in (*kept, *added) if _is_complication_code(f.code)}
    kept = [f for f in kept if not (f.code[:3] in specific and _is_uncomplicated(f.code))]
    return _insert_after(kept, added)


def _shorter_name_of_another(
    finding: Finding, findings: Sequence[Finding], tables: CombinationTables
) -> bool:
    """The finding's words lie inside the longer name of a condition that is not presumed
    diabetic ("cataract" inside "age-related nuclear cataract"): they name that condition,
    which is no complication of the diabetes."""
    e = finding.evidence
    if e.start is None or e.end is None:
        return False
    for other in findings:
        o = other.evidence
        if (
            other is not finding
            and o.source == e.source
            and o.start is not None
            and o.end is not None
            and o.start <= e.start
            and e.end <= o.end
            and o.end - o.start > e.end - e.start
            and other.code[:3] not in DIABETES
            and tables.complication(other.code) is None
        ):
            return True
    return False


def _place(finding: Finding) -> tuple[int, tuple[int, int]]:
    return (finding.rank, finding.position)


def _placed(combined: Finding, parts: Sequence[Finding]) -> Finding:
    """A combination code sits where the first-placed of its parts sat (II, IV.G: the
    combination is the condition the reason for the encounter names)."""
    first = min(parts, key=_place)
    return replace(combined, rank=first.rank, position=first.position)


def _insulin_in_type_1(findings: list[Finding]) -> list[Finding]:
    """I.C.4.a.3: insulin is inherent in type 1 diabetes, so Z79.4 is not reported with
    E10 (it is with type 2 and secondary diabetes)."""
    if not any(f.code.startswith("E10") for f in findings):
        return findings
    return [f for f in findings if f.code != "Z79.4"]


def _is_uncomplicated(code: str) -> bool:
    return code[:3] in DIABETES and code[4:5] == "9" or code in DIABETES


def _is_complication_code(code: str) -> bool:
    return code[:3] in DIABETES and len(code) > 4 and code[4:5] not in {"9", ""}


def _hypertension(findings: list[Finding], code_set: CodeSet) -> list[Finding]:
    pressure = [f for f in findings if f.code[:3] in _HYPERTENSION]
    if not pressure:
        return findings
    codes = [f.code for f in findings]
    failure = any(c.startswith("I50") for c in codes) or any(
        c in {"I11.0", "I13.0", "I13.2"} for c in codes
    )
    heart = failure or any(
        c.startswith(_HYPERTENSIVE_HEART) or c[:3] in {"I11", "I13"} for c in codes
    )
    kidney = any(c.startswith("N18") or c[:3] in {"I12", "I13"} for c in codes)
    stage_5 = any(
        c.startswith(_ESRD_OR_STAGE_5) or c in {"I12.0", "I13.11", "I13.2"} for c in codes
    )
    if heart and kidney and failure:
        target = "I13.2" if stage_5 else "I13.0"
    elif heart and kidney:
        target = "I13.11" if stage_5 else "I13.10"
    elif kidney:
        target = "I12.0" if stage_5 else "I12.9"
    elif heart:
        target = "I11.0" if failure else "I11.9"
    else:
        target = "I10"
    first = min(pressure, key=_place)
    if not code_set.lookup(target).billable:
        return findings
    combined = first
    if first.code != target:
        parts = [f for f in findings if f.code[:3] in _HYPERTENSION or _heart_or_kidney(f.code)]
        combined = _placed(first.becoming(target, f"GL-HTN-WITH({first.code})"), parts)
    result: list[Finding] = []
    for finding in findings:
        if finding.code[:3] in _HYPERTENSION:
            if finding is first:
                result.append(combined)
            continue
        if target[:3] in {"I11", "I13"} and finding.code.startswith(_HYPERTENSIVE_HEART):
            continue  # I.C.9.a.1: I51.4-I51.9 with hypertension are I11 (Excludes1 at I51)
        result.append(finding)
    return result


def _heart_or_kidney(code: str) -> bool:
    return code.startswith(("I50", "N18", *_HYPERTENSIVE_HEART))


def _additional(
    findings: list[Finding], tables: CombinationTables, code_set: CodeSet
) -> list[Finding]:
    added: list[Finding] = []
    for finding in findings:
        for row in tables.additional:
            if not finding.code.startswith(row.prefix):
                continue
            present = any(f.code.startswith(row.needed) for f in (*findings, *added))
            if present or not code_set.lookup(row.default).billable:
                continue
            confidence = min(finding.confidence, ADDED_CODE_CONFIDENCE)
            rule = f"GL-USE-ADDITIONAL({finding.code})"
            added.append(finding.becoming(row.default, rule, confidence))
    return _insert_after(findings, added)


def _insert_after(findings: list[Finding], added: list[Finding]) -> list[Finding]:
    # a combination or an added code sits where its source sat; sequencing settles the rest
    return [*findings, *added]
