"""The sample encounters (tests/support/samples.py and examples/encounters) are valid and varied."""

from __future__ import annotations

import csv
import importlib
import itertools
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
import simple_icd_10_cm as cm

from schemas.encounter import EncounterClosed, EncounterClosedData
from tests.support.samples import (
    DIAGNOSIS_CODES,
    KINDS,
    LATERAL_PROCEDURES,
    PROCEDURE_LEXICON,
    REVIEW_DIAGNOSES,
    sample_encounter,
    sample_encounters,
)

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "encounters"
EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.json"))
PLACES_OF_SERVICE = {
    "office": {"11"},
    "preventive": {"11"},
    "telehealth": {"02", "10"},
    "emergency": {"23"},
    "observation": {"22"},
}
CLINICAL_FIELDS = {"text", "description", "display", "assessment", "plan", "note", "notes"}
# Words a patient email may carry beside names, addresses and payers; 7+ letters only count.
# fmt: off
EMAIL_WORDS = {
    "patient", "statement", "balance", "insurance", "payment", "account", "provider",
    "service", "services", "billing", "medical", "hospital", "amount", "charges", "questions",
    "contact", "received", "following", "between", "because", "without", "example",
    "january", "february", "march", "april", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
# fmt: on


@cache
def examples() -> dict[str, EncounterClosed]:
    return {f.name: EncounterClosed.model_validate_json(f.read_text()) for f in EXAMPLE_FILES}


@cache
def generated() -> tuple[EncounterClosed, ...]:
    return tuple(sample_encounters(500, seed=11))


# --- rules every encounter that needs no review must follow ---------------------------------


def billable(code: str | None, system: str | None) -> bool:
    return system == "ICD-10-CM" and cm.is_valid_item(code) and cm.is_leaf(code)


def needs_review(event: EncounterClosed) -> bool:
    return any(not billable(d.code, d.code_system) for d in event.data.documentation.diagnoses)


_CODE_REF = re.compile(
    r"([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:-([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?))?"
)


@cache
def excludes1_refs(code: str) -> tuple[tuple[str, str | None], ...]:
    """Code prefixes or ranges named in the Excludes1 notes of `code` and its ancestors."""
    refs = []
    for node in (code, *cm.get_ancestors(code)):
        for note in cm.get_excludes1(node):
            for group in re.findall(r"\(([^)]*)\)", note):
                refs += [(m[1], m[2]) for m in _CODE_REF.finditer(group)]
    return tuple(refs)


def excludes1(a: str, b: str) -> bool:
    target = b.replace(".", "")
    for low, high in excludes1_refs(a):
        low = low.replace(".", "")
        if high is None and target.startswith(low):
            return True
        if high is not None and low[:3] <= target[:3] <= high.replace(".", "")[:3]:
            return True
    return False


def documented_effort_ok(d: EncounterClosedData) -> bool:
    """Enough documented to pick a visit level: AMA 2021 time thresholds or an MDM level."""
    time = d.total_time_minutes or 0
    new = d.patient_status == "new"
    if d.encounter_type == "emergency":
        return d.mdm_level is not None
    if d.encounter_type == "observation":
        return d.mdm_level is not None or time >= (40 if new else 25)
    return d.mdm_level is not None or time >= (15 if new else 10)


def assert_codable(event: EncounterClosed) -> None:
    d = event.data
    codes = [dx.code for dx in d.documentation.diagnoses]
    assert all(billable(dx.code, dx.code_system) for dx in d.documentation.diagnoses), codes
    assert len(set(codes)) == len(codes) and 1 <= len(codes) <= 4
    assert not [(a, b) for a, b in itertools.permutations(codes, 2) if excludes1(a, b)]
    assert [dx.rank for dx in d.documentation.diagnoses] == list(range(1, len(codes) + 1))
    assert len(d.documentation.procedures) <= 3
    for px in d.documentation.procedures:
        assert px.code in PROCEDURE_LEXICON and px.code_system == PROCEDURE_LEXICON[px.code][0]
        assert (px.laterality is not None) == (px.code in LATERAL_PROCEDURES), px
    assert documented_effort_ok(d), (d.encounter_type, d.total_time_minutes, d.mdm_level)


def assert_consistent(event: EncounterClosed) -> None:
    d = event.data
    assert event.source == "ehr/epic-adt" and event.correlation_id == d.encounter_id
    assert d.start.date() == d.end.date() == d.date_of_service
    assert date(2026, 10, 1) <= d.date_of_service <= date(2026, 11, 30)
    if d.total_time_minutes is not None and d.encounter_type in ("office", "telehealth"):
        assert d.end - d.start == timedelta(minutes=d.total_time_minutes)
    assert d.place_of_service in PLACES_OF_SERVICE[d.encounter_type]
    for npi in filter(None, (d.rendering_provider.npi, d.billing_provider.npi, d.facility.npi)):
        assert npi_luhn_ok(npi), npi
    assert d.billing_provider.tin and re.fullmatch(r"[0-9]{9}", d.billing_provider.tin)
    assert re.fullmatch(r"[a-z]+\.[a-z]+[0-9]+@example\.org", d.patient.email or "")
    age = (d.date_of_service - d.patient.birth_date).days // 365
    for dx in d.documentation.diagnoses:
        if dx.code and dx.code.startswith("Z00.12"):
            assert age < 18
        if dx.code and dx.code.startswith("Z00.0"):
            assert age >= 18
    assert [c.priority for c in d.coverages] in ([], ["primary"], ["primary", "secondary"])


def npi_luhn_ok(npi: str) -> bool:
    total = 0
    for k, ch in enumerate(reversed("80840" + npi)):
        digit = int(ch) * (2 if k % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


# --- the curated tables -------------------------------------------------------------------


def test_luhn_check_matches_the_cms_example():
    assert npi_luhn_ok("1234567893") and not npi_luhn_ok("1234567890")


@pytest.mark.parametrize("code", sorted(DIAGNOSIS_CODES))
def test_every_curated_diagnosis_is_a_billable_leaf(code):
    assert cm.is_valid_item(code) and cm.is_leaf(code)


def test_codes_that_exclude_each_other_share_a_group():
    clashes = [
        (a, b)
        for a, b in itertools.permutations(DIAGNOSIS_CODES, 2)
        if DIAGNOSIS_CODES[a] != DIAGNOSIS_CODES[b] and excludes1(a, b)
    ]
    assert excludes1("R73.03", "E11.9")  # the parser sees ranges such as (E08-E13)
    assert not clashes


def test_review_codes_are_not_billable():
    assert all(not billable(code, system) for code, system, _, _ in REVIEW_DIAGNOSES)


# --- the committed examples ---------------------------------------------------------------


def test_every_example_is_one_encounter_closed_event_as_the_model_writes_it():
    assert len(EXAMPLE_FILES) >= 20
    for name, event in examples().items():
        text = (EXAMPLES_DIR / name).read_text()
        assert text.rstrip("\n") == event.model_dump_json(indent=2), name
        assert_consistent(event)


def test_examples_have_unique_ids():
    events = examples().values()
    assert len({e.data.encounter_id for e in events}) == len(events)
    assert len({e.event_id for e in events}) == len(events)


def test_exactly_one_example_needs_review_for_an_unbillable_category():
    review = [name for name, event in examples().items() if needs_review(event)]
    assert len(review) == 1
    (event,) = (examples()[name] for name in review)
    unbillable = [
        dx for dx in event.data.documentation.diagnoses if not billable(dx.code, "ICD-10-CM")
    ]
    assert [(dx.code_system, cm.is_category(dx.code)) for dx in unbillable] == [("ICD-10-CM", True)]


def test_every_other_example_can_be_coded_without_a_person():
    for name, event in examples().items():
        if not needs_review(event):
            try:
                assert_codable(event)
            except AssertionError as error:
                raise AssertionError(f"{name}: {error}") from error


def test_examples_are_varied():
    events = list(examples().values())
    data = [e.data for e in events]
    assert {d.encounter_type for d in data} >= set(KINDS)
    assert sum(d.self_pay for d in data) >= 6
    assert any(len(d.coverages) == 2 for d in data) and any(len(d.coverages) == 1 for d in data)
    tele = {d.place_of_service for d in data if d.encounter_type == "telehealth"}
    assert tele == {"02", "10"}
    assert len({d.mdm_level for d in data if d.encounter_type == "emergency"}) >= 3
    office = [d for d in data if d.encounter_type == "office"]
    assert {(d.patient_status, d.mdm_level is None) for d in office} >= {
        ("new", True), ("established", True), ("new", False), ("established", False)
    }  # fmt: skip
    procedures = [{p.code for p in d.documentation.procedures} for d in data]
    assert any(p.laterality for d in data for p in d.documentation.procedures)
    assert any({"96372", "J1885"} <= codes for codes in procedures)
    assert any("80053" in codes for codes in procedures)
    assert any({"90471", "90686"} <= codes for codes in procedures)


def test_clinical_text_shares_no_long_word_with_what_a_patient_email_can_say():
    """No clinical word (7+ letters) of the samples can be mistaken for what a patient email may
    carry (names, addresses, payers, facility, provider, the words of the email template), so a
    test that looks for clinical words in the emails finds them only where they leaked."""
    clinical, other = set(), set(EMAIL_WORDS)

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str):
            words = {w.lower() for w in re.findall(r"[A-Za-z]{7,}", node)}
            is_clinical = key in CLINICAL_FIELDS or key.startswith("assessment")
            (clinical if is_clinical else other).update(words)

    for f in EXAMPLE_FILES:
        walk(json.loads(f.read_text()))
    for event in generated():
        walk(event.model_dump(mode="json"))
    assert clinical and not clinical & other


# --- the generator ------------------------------------------------------------------------


def test_generation_is_deterministic_for_a_seed():
    again = sample_encounters(500, seed=11)
    assert [e.model_dump_json() for e in again] == [e.model_dump_json() for e in generated()]
    assert sample_encounters(5, seed=12)[0] != generated()[0]
    assert sample_encounter(7, seed=11) == generated()[7]


def test_generated_encounters_have_unique_ids_and_repeat_some_patients():
    events = generated()
    assert len({e.data.encounter_id for e in events}) == len(events)
    assert len({e.event_id for e in events}) == len(events)
    by_account: dict[str, set] = {}
    for e in events:
        by_account.setdefault(e.data.patient.account_number, set()).add(e.data.patient)
    assert len(by_account) < len(events) * 0.9
    assert all(len(patients) == 1 for patients in by_account.values())


def test_generated_shares_are_roughly_as_asked():
    def shares(events):
        n = len(events)
        return sum(map(needs_review, events)) / n, sum(e.data.self_pay for e in events) / n

    review, self_pay = shares(generated())
    assert 0.02 <= review <= 0.09 and 0.19 <= self_pay <= 0.31
    review, self_pay = shares(sample_encounters(500, seed=3, review_share=0.3, self_pay_share=0))
    assert 0.24 <= review <= 0.36 and self_pay == 0
    kinds = Counter(e.data.encounter_type for e in generated())
    assert kinds.most_common(1)[0][0] == "office" and set(kinds) == set(KINDS)


def test_generated_encounters_are_codable_unless_flagged_for_review():
    for event in generated():
        assert_consistent(event)
        if not needs_review(event):
            assert_codable(event)


@pytest.mark.parametrize("kind", KINDS)
def test_sample_encounter_honours_its_arguments(kind):
    when = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    event = sample_encounter(3, seed=5, kind=kind, occurred_at=when, review=True, self_pay=True)
    assert event.data.encounter_type == kind and event.occurred_at == when
    assert needs_review(event) and event.data.self_pay
    insured = sample_encounter(3, seed=5, kind=kind, review=False, self_pay=False)
    assert not needs_review(insured) and insured.data.coverages
    assert_codable(insured)
    for i in range(100):  # every kind has a fitting problem for every patient's age
        assert sample_encounter(i, seed=9, kind=kind).data.encounter_type == kind


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        sample_encounter(0, kind="inpatient")


def test_procedures_come_from_the_coders_lexicon():
    lexicon_file = Path(__file__).resolve().parents[2] / "services/coder/data/procedures.csv"
    with lexicon_file.open(newline="") as f:
        lexicon = {row["code"]: row for row in csv.DictReader(f)}
    for code, (system, _, _, _) in PROCEDURE_LEXICON.items():
        assert lexicon[code]["code_system"] == system, code
        assert (lexicon[code]["laterality"] == "yes") == (code in LATERAL_PROCEDURES), code


def test_the_generator_is_not_part_of_the_product():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("medbill.samples")
