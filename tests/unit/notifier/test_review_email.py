"""The coding team's review email: enough to find and fix the chart, no more."""

from __future__ import annotations

import pytest

from schemas.coding import ReviewReason
from services.notifier.domain import (
    InvalidEmailAddress,
    notification_id_for,
    review_request_email,
)

from .factories import (
    EVENT_ID,
    PATIENT_BIRTH_DATE,
    PATIENT_FIRST_NAME,
    PATIENT_LAST_NAME,
    SENT_AT,
    coded_diagnosis,
    review_request,
    service_line,
)

TEAM = "coding@hospital.test"
REVIEW_URL = "https://coding.hospital.test/review/ENC-100234"


def test_renders_what_a_coder_needs() -> None:
    email = review_request_email(review_request(), coding_team=TEAM, review_url=REVIEW_URL)

    assert email.to == TEAM
    assert email.audience == "coding_team"
    assert email.template == "coding-review-requested"
    assert email.subject == "Coding review needed: encounter ENC-100234"
    assert email.subject_event_id == EVENT_ID
    assert email.notification_id == notification_id_for(
        EVENT_ID, "coding-review-requested", "coding_team"
    )
    for body in (email.text_body, email.html_body or ""):
        assert "ENC-100234" in body
        assert "MRN-0042" in body
        assert "2026-10-14" in body
        assert "ICD10CM-NOT-BILLABLE: E11 is a category, not a billable code (E11)" in body
        assert "LOW-CONFIDENCE: inferred diagnosis below 0.80" in body
        assert "E11.9 Type 2 diabetes mellitus without complications" in body
        assert "CPT 20610-RT x1 Large joint injection (diagnoses 1)" in body
        assert REVIEW_URL in body
    assert f"Open the review: {REVIEW_URL}" in email.text_body


def test_names_no_patient_birth_date_or_evidence_text() -> None:
    email = review_request_email(review_request(), coding_team=TEAM)
    text = "\n".join([email.subject, email.text_body, email.html_body or ""])

    assert PATIENT_FIRST_NAME not in text
    assert PATIENT_LAST_NAME not in text
    assert PATIENT_BIRTH_DATE.isoformat() not in text
    assert str(PATIENT_BIRTH_DATE.year) not in text
    assert "reports knee pain" not in text
    assert "injected right knee" not in text


def test_empty_sections_and_missing_link_are_left_out() -> None:
    data = review_request(proposed_diagnoses=[], proposed_service_lines=[])
    email = review_request_email(data, coding_team=TEAM)

    assert "Proposed" not in email.text_body + (email.html_body or "")
    assert "Open the review" not in email.text_body + (email.html_body or "")


def test_several_modifiers_and_pointers() -> None:
    line = service_line(modifiers=["25", "RT"], units=2, diagnosis_pointers=[1, 2])
    data = review_request(
        proposed_diagnoses=[coded_diagnosis(), coded_diagnosis(sequence=2, code="M17.11")],
        proposed_service_lines=[line],
    )

    text = review_request_email(data, coding_team=TEAM).text_body

    assert "CPT 20610-25-RT x2 Large joint injection (diagnoses 1,2)" in text


def test_event_text_cannot_break_the_subject_or_the_html() -> None:
    data = review_request(
        encounter_id="ENC-1\r\nBcc: everyone@example.org",
        reasons=[ReviewReason(rule="X", message="<script>alert(1)</script>")],
    )

    email = review_request_email(data, coding_team=TEAM)

    assert email.subject == "Coding review needed: encounter ENC-1 Bcc: everyone@example.org"
    assert "<script>" not in (email.html_body or "")
    assert "&lt;script&gt;" in (email.html_body or "")
    assert email.to_message("medbill@hospital.test", sent_at=SENT_AT)["Bcc"] is None


@pytest.mark.parametrize("team", ["", "coding", "Coding <coding@hospital.test>", "a@b.c\n"])
def test_the_team_address_must_be_a_bare_address(team: str) -> None:
    with pytest.raises(InvalidEmailAddress):
        review_request_email(review_request(), coding_team=team)
