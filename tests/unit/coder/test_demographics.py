"""Implausible demographics are a review reason in plain words, never a claim (issue 6, item 8)."""

from __future__ import annotations

from datetime import date

import pytest

from services.coder.domain import Coded, NeedsReview, PrintedField
from services.coder.domain.demographics import has_control_character

from .factories import DATE_OF_SERVICE, encounter, outcome_of, patient, printed


def reasons(outcome: object) -> list[tuple[str, str | None]]:
    assert isinstance(outcome, NeedsReview), outcome
    return [(r.rule, r.subject) for r in outcome.reasons]


@pytest.mark.parametrize(
    "born",
    [date(2026, 3, 11), date(2027, 1, 1), date(1900, 3, 9)],
    ids=["a day after the visit", "next year", "126 years old"],
)
def test_impossible_birth_date_goes_to_review(born: date) -> None:
    outcome = outcome_of(encounter(patient=patient(birth_date=born)))
    assert reasons(outcome) == [("DEMOGRAPHICS-BIRTH-DATE", "patient.birth_date")]
    assert isinstance(outcome, NeedsReview)
    (reason,) = outcome.reasons
    assert born.isoformat() not in reason.message and str(born.year) not in reason.message
    # the rest is still coded, for the reviewer to confirm
    assert [line.code for line in outcome.proposed_service_lines] == ["99213"]


@pytest.mark.parametrize(
    "born", [DATE_OF_SERVICE, date(1901, 3, 10)], ids=["born that day", "exactly 125"]
)
def test_plausible_edges_are_coded(born: date) -> None:
    assert isinstance(outcome_of(encounter(patient=patient(birth_date=born))), Coded)


@pytest.mark.parametrize(
    "value",
    ["Lo\x00pez", "Lopez\n", "Lo\tpez", "Lopez\x7f", "Lopez\x85", "Lo\u2028pez", "\u202eLopez"],
    ids=["NUL", "newline", "tab", "DEL", "C1 NEL", "line separator", "bidi override"],
)
def test_control_character_in_a_printed_field_goes_to_review(value: str) -> None:
    outcome = outcome_of(encounter(printed_demographics=printed(first_name="Ana", last_name=value)))
    assert reasons(outcome) == [("DEMOGRAPHICS-CONTROL-CHARACTER", "patient.last_name")]
    assert isinstance(outcome, NeedsReview)
    message = outcome.reasons[0].message
    assert "the patient's last name contains a control character" in message
    assert "Lopez" not in message and "pez" not in message


@pytest.mark.parametrize(
    "value",
    ["José Núñez-O'Brien", "Zoë", "Nguyễn", "Müller Straße 12", "Ana\u00a0Lopez", "نرگس\u200cزاده"],
)
def test_ordinary_names_are_not_flagged(value: str) -> None:
    assert not has_control_character(value)
    assert isinstance(
        outcome_of(
            encounter(printed_demographics=(PrintedField("patient.last_name", "x", value),))
        ),
        Coded,
    )


def test_every_implausible_field_is_reported() -> None:
    outcome = outcome_of(
        encounter(
            patient=patient(birth_date=date(2030, 1, 1)),
            printed_demographics=(
                *printed(first_name="A\x00na", last_name="Lopez"),
                PrintedField("coverages[0].member_id", "the member id of coverage 1", "W1\x00"),
            ),
        )
    )
    assert reasons(outcome) == [
        ("DEMOGRAPHICS-BIRTH-DATE", "patient.birth_date"),
        ("DEMOGRAPHICS-CONTROL-CHARACTER", "patient.first_name"),
        ("DEMOGRAPHICS-CONTROL-CHARACTER", "coverages[0].member_id"),
    ]
