"""The self-pay patient statement: what a patient with no insurance owes for a visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from .chargemaster import Chargemaster
from .documents import Recipient, Refusal, Statement, StatementLine
from .encounter import CodedEncounter, Patient
from .errors import StatementTermsInvalid
from .money import ZERO, to_money
from .scrub import pricing_problems

DEFAULT_TERMS_DAYS = 30
SELF_PAY_DISCOUNT_RATE = Decimal("0")
"""Share of each charge taken off for an uninsured patient; none unless the site sets one.

Many hospitals discount self-pay charges (often to a multiple of Medicare rates) under
their financial-assistance policy (IRS 501(r) limits what a non-profit hospital may bill
an eligible uninsured patient). The rate and its policy are the site's, so it is passed
in; it shows on each statement line as an adjustment.
"""


@dataclass(frozen=True, slots=True)
class StatementTerms:
    """The site's statement terms: days to pay, self-pay discount rate (0..1) and the
    billing office's phone printed on the statement. Checked when built, so a bad site
    setting fails at start-up."""

    days: int = DEFAULT_TERMS_DAYS
    self_pay_discount_rate: Decimal = SELF_PAY_DISCOUNT_RATE
    billing_office_phone: str | None = None

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.self_pay_discount_rate <= Decimal(1):
            raise StatementTermsInvalid(
                f"self-pay discount rate {self.self_pay_discount_rate} is not between 0 and 1"
            )
        if self.days < 0:
            raise StatementTermsInvalid(f"terms of {self.days} days are negative")


DEFAULT_TERMS = StatementTerms()


def build_self_pay_statement(
    encounter: CodedEncounter,
    chargemaster: Chargemaster,
    *,
    statement_id: UUID,
    statement_date: date,
    terms: StatementTerms = DEFAULT_TERMS,
) -> Statement | Refusal:
    """The patient statement for an encounter with no coverage, or a refusal.

    One line per service line, described by the chargemaster's statement_label only, never
    the clinical description or a diagnosis (HIPAA minimum necessary: a statement is
    mailed and emailed, and others may read it). Each line: charges = the line charge,
    insurance paid 0, adjustments = charges x the self-pay discount rate (rounded to cents
    half up), patient owes = charges - adjustments. Amount due is the sum owed; due date
    is statement_date + terms.days. The recipient is the patient, at their address and
    contact preference.

    `statement_id` comes from the caller (ids.statement_id_for). An insured encounter, or
    one with a service the chargemaster does not price, gives a Refusal: an insured
    encounter is claimed first, and a statement for part of a visit would mislead.
    """
    if not encounter.self_pay:
        return Refusal(
            encounter.encounter_id, "statement", ("the encounter has coverage; claim it instead",)
        )
    problems = pricing_problems(encounter, chargemaster)
    if problems:
        return Refusal(encounter.encounter_id, "statement", tuple(problems))
    lines = []
    for service in encounter.services:
        charges = chargemaster.price(service.code, service.modifiers, service.units)
        discount = to_money(charges * terms.self_pay_discount_rate)
        lines.append(
            StatementLine(
                date_of_service=encounter.date_of_service,
                description=chargemaster.statement_label(service.code),
                charges=charges,
                insurance_paid=ZERO,
                adjustments=discount,
                patient_owes=charges - discount,
            )
        )
    return Statement(
        statement_id=statement_id,
        patient_account=encounter.patient.account,
        patient_id=encounter.patient.patient_id,
        encounter_ids=(encounter.encounter_id,),
        recipient=recipient_for(encounter.patient),
        statement_date=statement_date,
        due_date=statement_date + timedelta(days=terms.days),
        lines=tuple(lines),
        billing_office_phone=terms.billing_office_phone,
    )


def recipient_for(patient: Patient) -> Recipient:
    """The patient as the statement's recipient ("First Last", email, address, preference).

    The patient is their own guarantor here: the event carries no separate guarantor.
    """
    return Recipient(
        name=f"{patient.first_name} {patient.last_name}",
        email=patient.email,
        address=patient.address,
        contact_preference=patient.contact_preference,
    )
