"""Procedures and modifiers: lexicon codes, keyword matching, LT/RT/50, 95, 25, pointers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.coder.domain import Coded, DocumentedProcedure, NeedsReview, ServiceLine
from services.coder.domain.em_tables import EM_DESCRIPTIONS
from services.coder.reference_data import load_lexicon

from .factories import REFERENCE, diagnosis, encounter, outcome_of, procedure

REQUIRED_CODES = {
    "36415", "81002", "85025", "80053", "93000", "71046", "73610", "73110", "12001", "12002",
    "10060", "11102", "17110", "20610", "29125", "90471", "90686", "96372", "94640", "87880",
    "87804", "99406", "69210", "J1885", "J3301", "J7613", "G0439", "G0438", "A4565",
}  # fmt: skip
CHARGEMASTER = Path(__file__).resolve().parents[3] / "services/biller/data/chargemaster.csv"


def lines(outcome: object) -> tuple[ServiceLine, ...]:
    assert isinstance(outcome, Coded), outcome
    return outcome.service_lines


def test_the_lexicon_keeps_its_codes_and_the_chargemaster_prices_every_one() -> None:
    lexicon = load_lexicon()
    assert lexicon.codes >= REQUIRED_CODES
    assert len(lexicon.codes - set(EM_DESCRIPTIONS)) >= 300
    with CHARGEMASTER.open(newline="") as f:
        priced = {row["code"]: row for row in csv.DictReader(f)}
    for code in lexicon.codes:
        entry = lexicon.get(code)
        assert entry is not None and entry.description and entry.keywords
        assert entry.code_system == ("CPT" if code[0].isdigit() else "HCPCS")
        assert code in priced, f"{code} has no chargemaster price: the biller would reject it"
        assert priced[code]["code_system"] == entry.code_system


def test_provided_code_becomes_a_line_with_units() -> None:
    outcome = outcome_of(
        encounter(procedures=[procedure("J1885", "Ketorolac 30 mg IM", quantity=2)])
    )
    em, drug = lines(outcome)
    assert em.code == "99213"
    assert (drug.code, drug.code_system, drug.units) == ("J1885", "HCPCS", 2)
    assert (drug.method, drug.evidence.source, drug.rule) == (
        "provided",
        "procedures[0]",
        "PROC-PROVIDED",
    )
    assert drug.confidence == 1.0
    assert drug.description == "Ketorolac injection, per 15 mg"


@pytest.mark.parametrize(
    ("documented", "rule", "subject"),
    [
        (procedure("99999", "Something exotic"), "PROC-UNKNOWN", "99999"),
        (procedure("99214", "Office visit"), "PROC-UNKNOWN", "99214"),
        (procedure(None, "Sweat chloride test"), "PROC-UNCODED", "procedures[0]"),
        # Length decides 12001 versus 12002...: keywords alone cannot, so a person must.
        (procedure(None, "Simple laceration repair of forearm"), "PROC-REPAIR", "repair_simple"),
        (procedure(None, "Albuterol nebulizer treatment"), "PROC-UNCODED", "procedures[0]"),
    ],
)
def test_procedures_a_person_must_look_at(
    documented: DocumentedProcedure, rule: str, subject: str
) -> None:
    outcome = outcome_of(encounter(procedures=[documented]))
    assert isinstance(outcome, NeedsReview)
    assert [(r.rule, r.subject) for r in outcome.reasons] == [(rule, subject)]
    assert [line.code for line in outcome.proposed_service_lines] == ["99213"]


def test_the_codes_a_reviewer_may_choose_from_are_proposed() -> None:
    outcome = outcome_of(
        encounter(procedures=[procedure(None, "Simple laceration repair of forearm")])
    )
    assert isinstance(outcome, NeedsReview)
    (reason,) = outcome.reasons
    # the forearm is a limb: the simple repairs of the trunk and limbs group, by length
    assert sorted(reason.candidates) == ["12001", "12002", "12004", "12005", "12006", "12007"]


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("Rapid strep antigen test", "87880", "Rapid strep"),
        ("I&D of abscess, left thigh", "10060", "I&D"),
        ("Chest X-ray, 2 views", "71046", "Chest X-ray"),
        ("12-lead EKG", "93000", "12-lead EKG"),
        ("Removal of impacted cerumen with instruments", "69210", "impacted cerumen"),
    ],
)
def test_uncoded_procedure_matched_on_a_single_keyword(text: str, code: str, words: str) -> None:
    outcome = outcome_of(encounter(procedures=[procedure(None, text)]))
    line = lines(outcome)[1]
    assert (line.code, line.method, line.rule) == (code, "matched", "PROC-MATCHED")
    assert line.confidence < 1
    start = text.index(words)
    assert (line.evidence.text, line.evidence.start, line.evidence.end) == (
        words, start, start + len(words)
    )  # fmt: skip
    assert isinstance(outcome, Coded)
    assert any(e.rule == "PROC-MATCHED" and code in e.detail for e in outcome.edits)


def test_keywords_match_whole_words_only() -> None:
    assert REFERENCE.lexicon.match("slingshot injury") == []


@pytest.mark.parametrize(
    ("code", "laterality", "modifiers"),
    [
        ("73610", "left", ["LT"]),
        ("73610", "right", ["RT"]),
        ("69210", "bilateral", ["50"]),
        ("20610", None, []),
        ("36415", "left", []),  # a side on a code that takes none is not coded
    ],
)
def test_laterality_modifiers(code: str, laterality: str | None, modifiers: list[str]) -> None:
    outcome = outcome_of(
        encounter(procedures=[procedure(code, "documented", laterality=laterality)])
    )
    assert lines(outcome)[1].modifiers == tuple(modifiers)
    assert isinstance(outcome, Coded)
    recorded = [e.rule for e in outcome.edits if e.rule in ("MOD-LT", "MOD-RT", "MOD-50")]
    assert recorded == [f"MOD-{m}" for m in modifiers]


@pytest.mark.parametrize(
    ("encounter_type", "place", "modifiers"),
    [
        ("telehealth", "10", ["95"]),
        ("telehealth", "02", ["95"]),
        ("office", "02", ["95"]),
        ("office", "11", []),
    ],
)
def test_telehealth_modifier_on_the_em_line(
    encounter_type: str, place: str, modifiers: list[str]
) -> None:
    outcome = outcome_of(encounter(encounter_type=encounter_type, place_of_service=place))
    assert lines(outcome)[0].modifiers == tuple(modifiers)


@pytest.mark.parametrize(
    ("code", "modifier_25"),
    [("12001", True), ("10060", True), ("11102", True), ("17110", True), ("20610", True),
     ("69210", True), ("36415", False), ("93000", False), ("90471", False)],
)  # fmt: skip
def test_modifier_25_with_a_global_period_procedure(code: str, modifier_25: bool) -> None:
    outcome = outcome_of(encounter(procedures=[procedure(code, "documented")]))
    em = lines(outcome)[0]
    assert ("25" in em.modifiers) is modifier_25
    assert isinstance(outcome, Coded)
    assert any(e.rule == "MOD-25" for e in outcome.edits) is modifier_25


def test_modifier_25_and_95_together_in_that_order() -> None:
    outcome = outcome_of(
        encounter(place_of_service="02", procedures=[procedure("17110", "Wart destruction")])
    )
    assert lines(outcome)[0].modifiers == ("25", "95")


@pytest.mark.parametrize(("count", "pointers"), [(1, (1,)), (3, (1, 2, 3)), (6, (1, 2, 3, 4))])
def test_diagnosis_pointers_default_to_the_first_four(
    count: int, pointers: tuple[int, ...]
) -> None:
    codes = ["I10", "E78.5", "E03.9", "E66.9", "K21.9", "F41.1"][:count]
    outcome = outcome_of(
        encounter(
            diagnoses=[diagnosis(c, "documented", rank=n) for n, c in enumerate(codes, 1)],
            procedures=[procedure("36415", "Venipuncture")],
        )
    )
    assert [line.diagnosis_pointers for line in lines(outcome)] == [pointers, pointers]
