from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from services.biller.domain import (
    MAX_CLAIM_LINES,
    MAX_DIAGNOSES,
    Chargemaster,
    Claim,
    Refusal,
    build_claim,
    claim_id_for,
    primary_coverage,
    rejection_id_for,
    statement_id_for,
)

from .factories import (
    DATE_OF_SERVICE,
    coded_encounter,
    coverage,
    diagnosis,
    lines_for,
    patient,
    self_pay_encounter,
    service_line,
)

CLAIM_ID = UUID("00000000-0000-4000-8000-000000000001")
SUBMITTED_AT = datetime(2026, 11, 2, 16, 30, tzinfo=UTC)

AETNA = coverage(payer_id="60054", payer_name="Aetna", member_id="A1", priority="primary")
CIGNA = coverage(payer_id="62308", payer_name="Cigna", member_id="C1", priority="secondary")
UHC = coverage(payer_id="87726", payer_name="UnitedHealthcare", member_id="U1", priority="tertiary")


def built(chargemaster: Chargemaster, **encounter: object) -> Claim | Refusal:
    return build_claim(
        coded_encounter(**encounter),  # type: ignore[arg-type]
        chargemaster,
        claim_id=CLAIM_ID,
        submitted_at=SUBMITTED_AT,
    )


def claim_for(chargemaster: Chargemaster, **encounter: object) -> Claim:
    claim = built(chargemaster, **encounter)
    assert isinstance(claim, Claim), claim
    return claim


def refusal_for(chargemaster: Chargemaster, **encounter: object) -> Refusal:
    refusal = built(chargemaster, **encounter)
    assert isinstance(refusal, Refusal), refusal
    assert refusal.document == "claim"
    return refusal


@pytest.mark.parametrize(
    ("coverages", "payer"),
    [
        ([AETNA], "Aetna"),
        ([CIGNA, AETNA], "Aetna"),
        ([UHC, CIGNA, AETNA], "Aetna"),
        ([CIGNA, UHC], "Cigna"),  # no primary marked: the first listed
        ([UHC], "UnitedHealthcare"),
    ],
)
def test_claim_goes_to_the_primary_coverage(
    chargemaster: Chargemaster, coverages: list, payer: str
) -> None:
    claim = claim_for(chargemaster, coverages=coverages)
    chosen = primary_coverage(coverages)
    assert chosen is not None
    assert (claim.payer_name, claim.payer_id, claim.member_id) == (
        payer,
        chosen.payer_id,
        chosen.member_id,
    )


def test_primary_coverage_of_nothing_is_none() -> None:
    assert primary_coverage([]) is None


def test_claim_carries_encounter_patient_providers_and_place(chargemaster: Chargemaster) -> None:
    claim = claim_for(chargemaster)
    assert claim.claim_id == CLAIM_ID
    assert claim.encounter_id == "ENC-100234"
    assert (claim.patient_id, claim.patient_account) == ("MRN-0042", "ACCT-0042")
    assert claim.rendering_provider_npi == "1234567893"
    assert claim.billing_provider_npi == "1245319599"
    assert claim.place_of_service == "11"
    assert claim.submitted_at == SUBMITTED_AT
    assert (claim.frequency, claim.replaces) == ("1", None)


def test_submitted_at_is_normalised_to_utc(chargemaster: Chargemaster) -> None:
    chicago = timezone(timedelta(hours=-6))
    claim = build_claim(
        coded_encounter(),
        chargemaster,
        claim_id=CLAIM_ID,
        submitted_at=datetime(2026, 11, 2, 10, 30, tzinfo=chicago),
    )
    assert isinstance(claim, Claim)
    assert claim.submitted_at == SUBMITTED_AT
    assert claim.submitted_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("lines", "charges", "total"),
    [
        ([("99213", 1, [])], ["150.00"], "150.00"),
        ([("99214", 1, ["25"]), ("20610", 1, ["RT"]), ("J3301", 4, [])],
         ["220.00", "245.00", "33.00"], "498.00"),
        ([("99203", 1, []), ("69210", 1, ["50"]), ("J1885", 1, ["50"])],
         ["185.00", "172.50", "19.13"], "376.63"),
        ([("36415", 1, []), ("85025", 1, []), ("80053", 1, [])],
         ["25.00", "45.00", "75.00"], "145.00"),
    ],
)  # fmt: skip
def test_lines_are_priced_in_order_and_totalled(
    chargemaster: Chargemaster,
    lines: list[tuple[str, int, list[str]]],
    charges: list[str],
    total: str,
) -> None:
    service_lines = [
        service_line(number, code, units=units, modifiers=modifiers)
        for number, (code, units, modifiers) in enumerate(lines, start=1)
    ]
    claim = claim_for(chargemaster, service_lines=service_lines)
    assert [line.code for line in claim.lines] == [code for code, _, _ in lines]
    assert [line.charge for line in claim.lines] == [Decimal(charge) for charge in charges]
    assert [line.units for line in claim.lines] == [units for _, units, _ in lines]
    assert [line.modifiers for line in claim.lines] == [tuple(m) for _, _, m in lines]
    assert [line.line_number for line in claim.lines] == list(range(1, len(lines) + 1))
    assert {line.date_of_service for line in claim.lines} == {DATE_OF_SERVICE}
    assert claim.total_charge == Decimal(total) == sum(line.charge for line in claim.lines)


def test_claim_lines_are_numbered_from_one_whatever_the_coder_numbered(
    chargemaster: Chargemaster,
) -> None:
    claim = claim_for(
        chargemaster, service_lines=[service_line(7, "99213"), service_line(9, "87880")]
    )
    assert [line.line_number for line in claim.lines] == [1, 2]


def test_diagnoses_in_sequence_with_pointers_carried(chargemaster: Chargemaster) -> None:
    diagnoses = [diagnosis(1, "J02.0"), diagnosis(2, "E11.9"), diagnosis(3, "F17.210")]
    lines = [
        service_line(1, "99214", pointers=[1, 2, 3], modifiers=["25"]),
        service_line(2, "87880", pointers=[1]),
        service_line(3, "99406", pointers=[3]),
    ]
    claim = claim_for(chargemaster, diagnoses=diagnoses, service_lines=lines)
    assert claim.diagnoses == ("J02.0", "E11.9", "F17.210")
    assert [line.diagnosis_pointers for line in claim.lines] == [(1, 2, 3), (1,), (3,)]


def test_pointers_follow_diagnoses_listed_out_of_sequence(chargemaster: Chargemaster) -> None:
    diagnoses = [diagnosis(2, "E11.9"), diagnosis(3, "F17.210"), diagnosis(1, "J02.0")]
    lines = [service_line(1, "87880", pointers=[3]), service_line(2, "99406", pointers=[2, 1])]
    claim = claim_for(chargemaster, diagnoses=diagnoses, service_lines=lines)
    assert claim.diagnoses == ("J02.0", "E11.9", "F17.210")
    pointed = [[claim.diagnoses[p - 1] for p in line.diagnosis_pointers] for line in claim.lines]
    assert pointed == [["J02.0"], ["F17.210", "E11.9"]]


def test_pointer_past_the_diagnoses_is_refused(chargemaster: Chargemaster) -> None:
    refusal = refusal_for(chargemaster, service_lines=[service_line(1, "99213", pointers=[1, 2])])
    assert refusal.reasons == ("service line 1: points at diagnosis 2; the encounter has 1",)


def test_self_pay_encounter_has_no_claim(chargemaster: Chargemaster) -> None:
    refusal = build_claim(
        self_pay_encounter(), chargemaster, claim_id=CLAIM_ID, submitted_at=SUBMITTED_AT
    )
    assert refusal == Refusal(
        "ENC-100234", "claim", ("the encounter has no coverage to claim against",)
    )


def test_unpriced_service_stops_the_claim(chargemaster: Chargemaster) -> None:
    refusal = refusal_for(chargemaster, service_lines=lines_for("99213", "99499"))
    assert refusal.reasons == ("service line 2: code 99499 has no price in the chargemaster",)


def test_more_than_fifty_lines_is_refused(chargemaster: Chargemaster) -> None:
    lines = [service_line(n, "36415") for n in range(1, MAX_CLAIM_LINES + 2)]
    assert refusal_for(chargemaster, service_lines=lines).reasons == (
        "51 service lines; a claim carries at most 50",
    )
    assert len(claim_for(chargemaster, service_lines=lines[:MAX_CLAIM_LINES]).lines) == 50


def test_more_than_twelve_diagnoses_is_refused(chargemaster: Chargemaster) -> None:
    diagnoses = [diagnosis(n, "J02.0") for n in range(1, MAX_DIAGNOSES + 2)]
    assert refusal_for(chargemaster, diagnoses=diagnoses).reasons == (
        "13 diagnoses; a claim carries at most 12",
    )


@pytest.mark.parametrize(
    ("field", "reason"),
    [("member_id", "the primary coverage has no member id"),
     ("payer_id", "the primary coverage has no payer id")],
)  # fmt: skip
def test_coverage_without_its_ids_is_refused(
    chargemaster: Chargemaster, field: str, reason: str
) -> None:
    refusal = refusal_for(chargemaster, coverages=[coverage(**{field: " "})])
    assert refusal.reasons == (reason,)


def test_every_reason_is_given_in_words_without_patient_values(
    chargemaster: Chargemaster,
) -> None:
    lines = [
        service_line(1, "99499", pointers=[3]),
        service_line(
            2, "99213", pointers=[1, 2, 3, 4, 5], modifiers=["25", "59", "XS", "RT", "LT"]
        ),
    ]
    refusal = refusal_for(
        chargemaster, service_lines=lines, patient=patient(first_name="Zebulon", account="ACCT-77")
    )
    assert refusal.reasons == (
        "service line 1: code 99499 has no price in the chargemaster",
        "service line 1: points at diagnosis 3; the encounter has 1",
        "service line 2: needs 1 to 4 diagnosis pointers",
        "service line 2: points at diagnosis 2; the encounter has 1",
        "service line 2: points at diagnosis 3; the encounter has 1",
        "service line 2: points at diagnosis 4; the encounter has 1",
        "service line 2: points at diagnosis 5; the encounter has 1",
        "service line 2: more than 4 modifiers",
    )
    text = " ".join(refusal.reasons)
    for value in ("Zebulon", "ACCT-77", "MRN-0042", "W123456789", "J02.0"):
        assert value not in text


def test_ids_are_deterministic_and_distinct() -> None:
    assert claim_id_for("ENC-1") == claim_id_for("ENC-1")
    assert claim_id_for("ENC-1") != claim_id_for("ENC-2")
    assert claim_id_for("ENC-1").version == 5
    assert statement_id_for("ACCT-1", "ENC-1") == statement_id_for("ACCT-1", "ENC-1")
    assert statement_id_for("ACCT-1", "ENC-1") != claim_id_for("ENC-1")
    # Parts stay apart: moving a separator-like character between them changes the id.
    assert statement_id_for("A:B", "C") != statement_id_for("A", "B:C")


def test_each_revision_of_an_encounter_has_its_own_ids() -> None:
    claims = {claim_id_for("ENC-1", revision) for revision in range(4)}
    statements = {statement_id_for("ACCT-1", "ENC-1", revision) for revision in range(4)}
    assert len(claims | statements) == 8
    assert claim_id_for("ENC-1", 0) == claim_id_for("ENC-1")
    first, second = UUID(int=1), UUID(int=2)
    assert rejection_id_for("ENC-1", first) == rejection_id_for("ENC-1", first)
    assert rejection_id_for("ENC-1", first) != rejection_id_for("ENC-1", second)


def test_ids_are_stable_across_releases() -> None:
    # Issued ids depend on the namespace and the name format; this pins both.
    assert claim_id_for("ENC-100234") == UUID("d24011ac-dd7c-5448-9c6e-47b68c52699f")
    assert statement_id_for("ACCT-0042", "ENC-100234") == UUID(
        "51ea6a2c-5038-53a1-8903-884c7d86300a"
    )
