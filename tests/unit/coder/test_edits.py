"""The code-set edits on every code: each failing edit sends the encounter to review with a
reason naming the code and the rule; a reviewed coding records what its reviewer kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.code_sets import load_applicability
from services.coder.domain import ClinicalNote, Coded, NeedsReview, apply_review
from services.coder.domain.edits import (
    age_on,
    code_edit_failures,
    seventh_character_reason,
    with_placeholders,
)
from services.coder.domain.edits_table import ApplicabilityError, applicability, parse_applicability
from services.coder.domain.excludes1 import ExcludedRange
from services.coder.domain.icd10cm import CodeSets, Icd10CmEntry

from .factories import DATE_OF_SERVICE, REFERENCE, diagnosis, encounter, outcome_of, patient, review

lookup = REFERENCE.code_set.lookup


def born(years: int, days: int = 0) -> date:
    """A birth date `years` (and `days`) before the date of service."""
    return DATE_OF_SERVICE.replace(year=DATE_OF_SERVICE.year - years) - timedelta(days=days)


def reasons_of(outcome: object, rule: str) -> list[str]:
    assert isinstance(outcome, NeedsReview), outcome
    return [r.message for r in outcome.reasons if r.rule == rule and r.subject]


@pytest.mark.parametrize(
    ("code", "sex", "years", "rule"),
    [
        ("N40.0", "F", 64, "ICD10CM-SEX"),  # BPH: male only
        ("C61", "F", 64, "ICD10CM-SEX"),  # prostate cancer
        ("C53.9", "M", 50, "ICD10CM-SEX"),  # cervix cancer: female only
        ("N40.0", "M", 64, None),
        ("N40.0", "U", 64, None),  # an unknown sex conflicts with nothing
        ("O80", "M", 30, "ICD10CM-SEX"),  # a delivery on a male record
        ("O80", "F", 64, "ICD10CM-AGE"),  # maternity: ages 12-55
        ("O80", "F", 11, "ICD10CM-AGE"),
        ("O80", "F", 30, None),
        ("Z34.00", "F", 55, None),
        ("P07.30", "F", 30, "ICD10CM-AGE"),  # perinatal: newborn records, age 0
        ("P07.30", "F", 0, None),
        ("Z00.129", "F", 40, "ICD10CM-AGE"),  # child health exam: pediatric 0-17
        ("Z00.129", "F", 17, None),
        ("Z00.00", "F", 6, "ICD10CM-AGE"),  # adult exam: 15-124
        ("Z00.00", "F", 15, None),
    ],
)
def test_sex_and_age_conflicts(code: str, sex: str, years: int, rule: str | None) -> None:
    visit = encounter(
        diagnoses=[diagnosis(code, "as documented")],
        patient=patient(sex=sex, birth_date=born(years)),
    )
    outcome = outcome_of(visit)
    if rule is None:
        assert not isinstance(outcome, NeedsReview) or not [
            r for r in outcome.reasons if r.rule in ("ICD10CM-SEX", "ICD10CM-AGE")
        ]
    else:
        (message,) = reasons_of(outcome, rule)
        assert message.startswith(code)
        spans = message[len(code) :].replace("12-55", "").replace("0-17", "").replace("15-124", "")
        assert str(years) not in spans  # the patient's age is never quoted


def test_age_message_names_the_group_not_the_age() -> None:
    outcome = outcome_of(
        encounter(diagnoses=[diagnosis("O80", "Delivery")], patient=patient(birth_date=born(64)))
    )
    (message,) = reasons_of(outcome, "ICD10CM-AGE")
    assert "maternity code (ages 12-55)" in message and "64" not in message


def test_a_newborn_on_day_zero_is_age_zero() -> None:
    visit = encounter(
        diagnoses=[diagnosis("P07.30", "Preterm newborn")],
        patient=patient(birth_date=DATE_OF_SERVICE),
    )
    assert isinstance(outcome_of(visit), Coded)


def test_manifestation_code_first_listed_goes_to_review() -> None:
    # G63 polyneuropathy in diseases classified elsewhere: code first the amyloidosis
    first = encounter(
        diagnoses=[
            diagnosis("G63", "Polyneuropathy", rank=1),
            diagnosis("E85.4", "Amyloidosis", rank=2),
        ]
    )
    (message,) = reasons_of(outcome_of(first), "ICD10CM-MANIFESTATION-FIRST")
    assert message.startswith("G63") and "I.A.13" in message
    second = encounter(
        diagnoses=[
            diagnosis("E85.4", "Amyloidosis", rank=1),
            diagnosis("G63", "Polyneuropathy", rank=2),
        ]
    )
    assert isinstance(outcome_of(second), Coded)


@pytest.mark.parametrize(
    ("code", "manifestation"),
    [("G63", True), ("F02.80", True), ("M36.0", True), ("E11.9", False), ("I10", False)],
)
def test_manifestation_comes_from_the_code_title(code: str, manifestation: bool) -> None:
    assert lookup(code).manifestation is manifestation


def test_missing_seventh_character_proposes_the_complete_codes() -> None:
    outcome = outcome_of(encounter(diagnoses=[diagnosis("S52.501", "Distal radius fracture")]))
    assert isinstance(outcome, NeedsReview)
    (reason,) = [r for r in outcome.reasons if r.rule == "ICD10CM-7TH-CHARACTER"]
    assert reason.subject == "S52.501" and "I.A.6" in reason.message
    assert {"S52.501A", "S52.501D", "S52.501S"} <= set(reason.candidates)
    # in place of the plain "not billable" reason: one reason for the code
    assert [r.subject for r in outcome.reasons] == ["S52.501"]


def test_missing_seventh_character_with_placeholders() -> None:
    # T15.00 is 5 characters: its 7th character needs the placeholder X (T15.00XA)
    reason = seventh_character_reason("T15.00", REFERENCE.code_set)
    assert reason is not None and "T15.00XA" in reason.candidates


@pytest.mark.parametrize(
    ("supplied", "proposed"),
    [("T15.00A", "T15.00XA"), ("S02.0A", "S02.0XXA"), ("t1500a", "T15.00XA")],
)
def test_seventh_character_without_its_placeholder(supplied: str, proposed: str) -> None:
    outcome = outcome_of(encounter(diagnoses=[diagnosis(supplied, "Injury")]))
    assert isinstance(outcome, NeedsReview)
    (reason,) = [r for r in outcome.reasons if r.rule == "ICD10CM-7TH-CHARACTER"]
    assert reason.candidates == (proposed,) and "I.A.5" in reason.message
    assert "ICD10CM-UNKNOWN" not in {r.rule for r in outcome.reasons}


def test_complete_codes_need_no_seventh_character_reason() -> None:
    for code in ("S52.501A", "T15.00XA", "E11.9", "Z99.999", "E11"):
        assert seventh_character_reason(code, REFERENCE.code_set) is None


def test_placeholders_fill_to_six_characters() -> None:
    assert [with_placeholders(c) for c in ("T15.00", "S02.0", "S52.501", "O31.0")] == [
        "T15.00X", "S02.0XX", "S52.501", "O31.0XX"
    ]  # fmt: skip


def test_excludes1_pair_is_one_reason() -> None:
    outcome = outcome_of(
        encounter(diagnoses=[diagnosis("E11.9", "T2DM"), diagnosis("E10.9", "T1DM", rank=2)])
    )
    assert isinstance(outcome, NeedsReview)
    assert [r.rule for r in outcome.reasons].count("ICD10CM-EXCLUDES1") == 1


def test_each_failing_edit_is_its_own_reason() -> None:
    visit = encounter(
        diagnoses=[diagnosis("G63", "Neuropathy"), diagnosis("N40.0", "BPH", rank=2)],
        patient=patient(sex="F"),
    )
    outcome = outcome_of(visit)
    assert isinstance(outcome, NeedsReview)
    assert {(r.rule, r.subject) for r in outcome.reasons} >= {
        ("ICD10CM-MANIFESTATION-FIRST", "G63"), ("ICD10CM-SEX", "N40.0")
    }  # fmt: skip


def test_a_code_read_from_the_notes_runs_the_same_edits() -> None:
    """No encounter is coded without review when one of its codes fails an edit, wherever the
    code came from: here the words, on a record whose sex the code does not fit."""
    note = ClinicalNote(
        "n1", "progress", "Assessment: benign prostatic hyperplasia. Plan: tamsulosin."
    )
    outcome = outcome_of(encounter(diagnoses=[], notes=(note,), patient=patient(sex="F")))
    assert isinstance(outcome, NeedsReview)
    n40 = [d.code for d in outcome.proposed_diagnoses if d.code.startswith("N40")]
    assert n40 and ("ICD10CM-SEX", n40[0]) in {(r.rule, r.subject) for r in outcome.reasons}


def test_a_reviewer_keeps_a_conflict_on_the_record() -> None:
    visit = encounter(diagnoses=[diagnosis("N40.0", "BPH")], patient=patient(sex="F"))
    outcome = apply_review(visit, review(diagnoses=["N40.0"]), REFERENCE)
    assert isinstance(outcome, Coded)
    (kept,) = [e for e in outcome.edits if e.rule == "ICD10CM-SEX"]
    assert kept.detail.startswith("kept by reviewer coder-17: N40.0")


def test_a_reviewer_code_without_its_seventh_character_goes_back() -> None:
    outcome = apply_review(encounter(), review(diagnoses=["S52.501"]), REFERENCE)
    assert isinstance(outcome, NeedsReview)
    assert "ICD10CM-7TH-CHARACTER" in {r.rule for r in outcome.reasons}


# --- a date of service no loaded set covers ------------------------------------------------------

FY2027_DAY = date(2026, 11, 2)


def test_an_uncovered_date_is_flagged_and_names_the_stand_in() -> None:
    outcome = outcome_of(encounter(date_of_service=FY2027_DAY))
    assert isinstance(outcome, Coded)
    assert outcome.code_set == "FY2026"  # the set actually used, never the year in force
    choice = outcome.code_set_choice
    assert choice is not None
    assert (choice.version, choice.in_force, choice.covers) == (
        "FY2026 (April 2026)",
        "FY2027",
        False,
    )
    (note,) = [e.detail for e in outcome.edits if e.rule == "ICD10CM-VERSION"]
    assert "FY2027" in note and "FY2026 (April 2026)" in note


def test_a_covered_date_says_so() -> None:
    outcome = outcome_of(encounter())
    assert isinstance(outcome, Coded) and outcome.code_set_choice is not None
    assert (outcome.code_set_choice.in_force, outcome.code_set_choice.covers) == ("FY2026", True)
    assert not [e for e in outcome.edits if e.rule == "ICD10CM-VERSION"]


def test_the_review_policy_sends_an_uncovered_date_to_a_coder() -> None:
    sets = CodeSets([(REFERENCE.code_set, date(2026, 4, 1))], uncovered="review")
    data = replace(REFERENCE, code_sets=sets)
    outcome = outcome_of(encounter(date_of_service=FY2027_DAY), data)
    assert isinstance(outcome, NeedsReview)
    (reason,) = [r for r in outcome.reasons if r.rule == "ICD10CM-VERSION"]
    assert "FY2027" in reason.message and reason.subject == "date_of_service"
    assert outcome.code_set_choice is not None and not outcome.code_set_choice.covers
    # a covered date still codes automatically under the same policy
    assert isinstance(outcome_of(encounter(), data), Coded)
    # and the reviewer's decision is coded (against the stand-in, still flagged)
    reviewed = apply_review(encounter(date_of_service=FY2027_DAY), review(), data)
    assert isinstance(reviewed, Coded)
    assert "ICD10CM-VERSION" in {e.rule for e in reviewed.edits}


# --- the sex and age table ---------------------------------------------------------------------


def test_the_table_names_only_real_codes() -> None:
    for row in load_applicability():
        for bound in {row.low, row.high}:
            assert lookup(bound).known, bound


@pytest.mark.parametrize(
    ("code", "sex", "group"),
    [
        ("N40.1", "M", None), ("C61", "M", None), ("D07.5", "M", None), ("Z85.46", "M", None),
        ("C53.9", "F", None), ("D07.3", "F", None), ("Z85.43", "F", None), ("N95.1", "F", None),
        ("O24.419", "F", "maternity"), ("Z3A.20", "F", "maternity"), ("Z33.1", "F", "maternity"),
        ("P07.30", None, "newborn"), ("Z38.00", None, "newborn"), ("Z00.121", None, "pediatric"),
        ("Z00.01", None, "adult"), ("N39.0", None, None), ("C50.911", None, None),
        ("Z80.42", None, None),  # family history of prostate cancer: any patient
    ],
)  # fmt: skip
def test_shipped_table(code: str, sex: str | None, group: str | None) -> None:
    entry = lookup(code)
    assert (entry.sex, entry.ages.group if entry.ages else None) == (sex, group)


def test_the_narrowest_row_wins() -> None:
    rows = parse_applicability(
        "N70-N98\tsex\tF\tfemale\tblock\nN97.8\tsex\tany\tany\texception\n"
        "O00-O9A\tage\t12-55\tmaternity\tchapter\nO09.6\tage\tany\tany\texception\n"
    )
    assert applicability("N97.0", rows)[0] == "F"
    assert applicability("N97.8", rows)[0] is None
    assert applicability("O10.02", rows)[1] is not None
    assert applicability("O09.619", rows)[1] is None


@pytest.mark.parametrize(
    "line",
    ["N40\tsex\tX\tmale\t", "N40\tage\t55-12\tadult\t", "N40\tage\told\tadult\t", "N40\tsex"],
)
def test_a_broken_table_line_is_named(line: str) -> None:
    with pytest.raises(ApplicabilityError, match="line 2"):
        parse_applicability(f"# comment\n{line}\n")


def _anniversary(birth: date, years: int) -> date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year: the birthday has passed on 1 March
        return date(birth.year + years, 3, 1)


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.integers(0, 120), st.integers(0, 364))
def test_age_is_completed_years(birth: date, years: int, extra_days: int) -> None:
    day = _anniversary(birth, years) + timedelta(days=extra_days)
    expected = years if day < _anniversary(birth, years + 1) else years + 1
    assert age_on(birth, day) == expected
    assert age_on(birth, birth - timedelta(days=1)) < 0


def test_excludes1_answers_are_never_stale() -> None:
    """The pair memo answers for the very entries it saw, not for new ones at a reused id."""
    someone = patient()
    for n in range(200):
        excluding = n % 2 == 0
        ranges = (ExcludedRange("E10", "E10", "type 1 (E10.-)"),) if excluding else ()
        first = Icd10CmEntry("E11.9", "code", True, "T2DM", ranges)
        second = Icd10CmEntry("E10.9", "code", True, "T1DM")
        rules = [
            f.rule for f in code_edit_failures([first, second], someone, DATE_OF_SERVICE, "FY")
        ]
        assert ("ICD10CM-EXCLUDES1" in rules) is excluding
