"""The code-set edits every ICD-10-CM code on an encounter must pass before it is billed.

Valid and billable in the set in force on the date of service (I.A.3, I.B.2), the 7th
character and its placeholder X (I.A.5, I.A.6), age and sex conflicts (the CMS Medicare Code
Editor's age and sex edits: newborn, pediatric, maternity, adult; male-only and female-only
codes), Excludes1 pairs (I.A.12.a, in excludes1.py) and manifestation codes never
first-listed (I.A.13). A failing edit is a `ReviewReason` naming the code and the rule;
a reviewed coding records what its reviewer kept instead (the reviewer's judgement).
Messages never quote patient data: not the age, not the birth date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .encounter import Encounter, Patient
from .excludes1 import excludes1_conflict, excludes1_conflicts
from .icd10cm import CodeSet, CodeSetChoice, Icd10CmEntry, normalize_icd10cm
from .reference import ReferenceData
from .results import CodedDiagnosis, Edit, ReviewReason

_SEX_WORDS = {"M": "male", "F": "female"}


def age_on(birth_date: date, date_of_service: date) -> int:
    """Completed years on the date of service (negative for a birth date after it)."""
    before_birthday = (date_of_service.month, date_of_service.day) < (
        birth_date.month,
        birth_date.day,
    )
    return date_of_service.year - birth_date.year - before_birthday


def seventh_character_reason(raw: str, code_set: CodeSet) -> ReviewReason | None:
    """A supplied code that lacks its 7th character, or has it without the placeholder X.

    ICD-10-CM Official Guidelines I.A.6: in a category with 7th characters the 7th is
    required; I.A.5: a code shorter than 6 characters that takes a 7th character is filled
    with the placeholder X (T15.00 + A is T15.00XA). The candidates are the complete codes.
    """
    code = normalize_icd10cm(raw)
    entry = code_set.lookup(code)
    if entry.needs_seventh:
        stem = with_placeholders(code)
        choices = ", ".join(entry.seventh_characters)
        return ReviewReason(
            rule="ICD10CM-7TH-CHARACTER",
            message=f"{code} needs a 7th character ({choices}; ICD-10-CM I.A.6)",
            subject=code,
            candidates=tuple(stem + c for c in entry.seventh_characters),
        )
    if entry.known or len(code) < 6:
        return None
    stem, seventh = code[:-1], code[-1]
    base = code_set.lookup(stem.rstrip("X").rstrip("."))
    padded = with_placeholders(base.code) + seventh
    fits = base.needs_seventh and seventh in base.seventh_characters and padded != code
    if not fits or not code_set.lookup(padded).billable:
        return None
    return ReviewReason(
        rule="ICD10CM-7TH-CHARACTER",
        message=f"{code} is not a code: the 7th character follows the placeholder X, "
        f"{padded} (ICD-10-CM I.A.5)",
        subject=code,
        candidates=(padded,),
    )


def with_placeholders(code: str) -> str:
    """The code filled with X to 6 characters, ready for its 7th (I.A.5)."""
    bare = code.replace(".", "")
    bare = bare + "X" * (6 - len(bare))
    return f"{bare[:3]}.{bare[3:]}"


@dataclass(frozen=True, slots=True)
class CodeEditFailure:
    rule: str
    code: str
    message: str


def code_edit_failures(
    entries: Sequence[Icd10CmEntry],
    patient: Patient,
    date_of_service: date,
    code_set_label: str,
) -> list[CodeEditFailure]:
    """Every edit the codes (in claim order, first-listed first) fail."""
    failures: list[CodeEditFailure] = []
    age = age_on(patient.birth_date, date_of_service) if any(e.ages for e in entries) else 0
    for position, entry in enumerate(entries):
        code = entry.code
        if not entry.known:
            failures.append(
                CodeEditFailure(
                    "ICD10CM-UNKNOWN",
                    code,
                    f"{code} is not in the ICD-10-CM {code_set_label} code set",
                )
            )
            continue
        if not entry.billable:
            failures.append(
                CodeEditFailure(
                    "ICD10CM-NOT-BILLABLE", code, f"{code} is a {entry.kind}, not a billable code"
                )
            )
        if entry.sex is not None and patient.sex in _SEX_WORDS and patient.sex != entry.sex:
            failures.append(
                CodeEditFailure(
                    "ICD10CM-SEX",
                    code,
                    f"{code} is for {_SEX_WORDS[entry.sex]} patients only; the patient's "
                    "recorded sex differs (CMS Medicare Code Editor sex edit)",
                )
            )
        if entry.ages is not None and age >= 0 and not entry.ages.admits(age):
            ages = entry.ages
            span = f"age {ages.low}" if ages.low == ages.high else f"ages {ages.low}-{ages.high}"
            failures.append(
                CodeEditFailure(
                    "ICD10CM-AGE",
                    code,
                    f"{code} is a {ages.group} code ({span}); the patient's age on the date "
                    "of service is outside it (CMS Medicare Code Editor age edit)",
                )
            )
        if position == 0 and entry.manifestation:
            failures.append(
                CodeEditFailure(
                    "ICD10CM-MANIFESTATION-FIRST",
                    code,
                    f"{code} is a manifestation code ('in diseases classified elsewhere'); it is "
                    "never first-listed: its etiology comes first (ICD-10-CM I.A.13)",
                )
            )
    if len(entries) > 1 and _any_excluded(entries):
        for conflict in excludes1_conflicts(entries):
            failures.append(
                CodeEditFailure(
                    "ICD10CM-EXCLUDES1",
                    conflict.code,
                    f"{conflict.code} has an Excludes1 note naming {conflict.excluded} "
                    f"('{conflict.note}'); they are not reported together",
                )
            )
    return failures


# Whether a pair of entries may conflict, by their identity: entries are the code set's own,
# built once and kept (CodeSet.lookup), so a pair seen once is answered by one dict look-up.
# The memo holds the entries it answers for (so their ids are not reused while it does) and
# is bounded; it only spares excludes1_conflicts its work on the common claim with none.
_PAIRS: dict[tuple[int, int], tuple[Icd10CmEntry, Icd10CmEntry, bool]] = {}
_MAX_PAIRS = 1 << 16


def _any_excluded(entries: Sequence[Icd10CmEntry]) -> bool:
    for i, first in enumerate(entries):
        for second in entries[i + 1 :]:
            key = (id(first), id(second))
            hit = _PAIRS.get(key)
            if hit is None or hit[0] is not first or hit[1] is not second:
                if len(_PAIRS) >= _MAX_PAIRS:
                    _PAIRS.clear()
                hit = (first, second, excludes1_conflict(first, second) is not None)
                _PAIRS[key] = hit
            if hit[2]:
                return True
    return False


def as_reasons(
    failures: Iterable[CodeEditFailure], already: Sequence[ReviewReason] = ()
) -> list[ReviewReason]:
    """Each failure as a review reason, less those another step already gave (same rule and
    code)."""
    seen = {(r.rule, r.subject) for r in already}
    reasons = []
    for failure in failures:
        if (failure.rule, failure.code) not in seen:
            seen.add((failure.rule, failure.code))
            reasons.append(
                ReviewReason(rule=failure.rule, message=failure.message, subject=failure.code)
            )
    return reasons


def as_kept_edits(failures: Iterable[CodeEditFailure], reviewer: str) -> list[Edit]:
    """A reviewed coding: what its reviewer kept despite an edit, on the record."""
    return [Edit(rule=f.rule, detail=f"kept by reviewer {reviewer}: {f.message}") for f in failures]


def with_code_edits(
    reasons: Sequence[ReviewReason],
    encounter: Encounter,
    choice: CodeSetChoice,
    diagnoses: Sequence[CodedDiagnosis],
    data: ReferenceData,
) -> list[ReviewReason]:
    """The automatic path's reasons with every code's edits: each failure a review reason
    (no encounter is coded without review when one of its codes fails an edit); a supplied
    code that lacks its 7th character (or its placeholder X) has that reason, with the
    complete codes, in place of the plain not-billable or unknown one; under the `review`
    policy, a date of service no loaded set covers. `data.code_set` is the release for the
    date (outcome.code_set_edits)."""
    code_set = data.code_set
    coded = {d.code for d in diagnoses}  # complete codes already: no 7th character to add
    supplied = [c for c in _supplied_codes(encounter) if c not in coded]
    combined = _with_seventh_reasons(reasons, supplied, code_set)
    if not choice.covers and data.code_sets is not None and data.code_sets.uncovered == "review":
        combined.append(
            ReviewReason(
                rule="ICD10CM-VERSION",
                message=f"the date of service falls in {choice.in_force}, which no loaded "
                f"ICD-10-CM set covers (the {choice.version} set stood in)",
                subject="date_of_service",
            )
        )
    if diagnoses:
        entries = [code_set.lookup(d.code) for d in diagnoses]
        failures = code_edit_failures(
            entries, encounter.patient, encounter.date_of_service, code_set.label
        )
        if failures:
            combined.extend(as_reasons(failures, combined))
    return combined


def with_reviewed_code_edits(
    reasons: Sequence[ReviewReason],
    encounter: Encounter,
    codes: Sequence[str],
    diagnoses: Sequence[CodedDiagnosis],
    code_set: CodeSet,
    reviewer: str,
) -> tuple[list[ReviewReason], list[Edit]]:
    """A reviewed coding runs the same edits: a code without its 7th character goes back
    (it cannot be billed), while an age, sex or manifestation conflict the reviewer kept is
    recorded as theirs (a reviewer may know the record is right; Excludes1 pairs kept are
    recorded by diagnoses.py, I.A.12.a)."""
    combined = _with_seventh_reasons(reasons, codes, code_set)
    failures = code_edit_failures(
        [code_set.lookup(d.code) for d in diagnoses],
        encounter.patient,
        encounter.date_of_service,
        code_set.label,
    )
    kept = [f for f in failures if f.rule != "ICD10CM-EXCLUDES1"]
    return combined, as_kept_edits(kept, reviewer)


def _supplied_codes(encounter: Encounter) -> list[str]:
    return [
        d.code for d in encounter.diagnoses if d.code is not None and d.code_system == "ICD-10-CM"
    ]


_PLAIN_INVALID = ("ICD10CM-NOT-BILLABLE", "ICD10CM-UNKNOWN")


def _with_seventh_reasons(
    reasons: Sequence[ReviewReason], codes: Iterable[str], code_set: CodeSet
) -> list[ReviewReason]:
    combined = list(reasons)
    for raw in codes:
        reason = seventh_character_reason(raw, code_set)
        if reason is None or any(
            r.rule == reason.rule and r.subject == reason.subject for r in combined
        ):
            continue
        plain = [
            i
            for i, r in enumerate(combined)
            if r.subject == reason.subject and r.rule in _PLAIN_INVALID
        ]
        if plain:
            combined[plain[0]] = reason
        else:
            combined.append(reason)
    return combined
