"""The self-pay patient statement: what a patient with no insurance owes for a visit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from schemas.billing import StatementIssuedData, StatementLine, StatementRecipient
from schemas.coding import EncounterCodedData
from schemas.parties import Patient

from .chargemaster import Chargemaster
from .errors import StatementNeedsSelfPay, StatementTermsInvalid
from .pricing import to_money

DEFAULT_TERMS_DAYS = 30
SELF_PAY_DISCOUNT_RATE = Decimal("0")
"""Share of each charge taken off for an uninsured patient; none unless the site sets one.

Many hospitals discount self-pay charges (often to a multiple of Medicare rates) under
their financial-assistance policy (IRS 501(r) limits what a non-profit hospital may bill
an eligible uninsured patient). The rate and its policy are the site's, so it is passed
in; it shows on each statement line as an adjustment.
"""


def build_self_pay_statement(
    coded: EncounterCodedData,
    chargemaster: Chargemaster,
    *,
    statement_id: UUID,
    statement_date: date,
    terms_days: int = DEFAULT_TERMS_DAYS,
    self_pay_discount_rate: Decimal = SELF_PAY_DISCOUNT_RATE,
    billing_office_phone: str | None = None,
) -> StatementIssuedData:
    """The patient statement for an encounter with no coverage.

    One line per service line, described by the chargemaster's statement_label only, never
    the clinical description or a diagnosis (HIPAA minimum necessary: a statement is
    mailed and emailed, and others may read it). Each line: charges = the line charge,
    insurance paid 0, adjustments = charges x self_pay_discount_rate (rounded to cents
    half up), patient owes = charges - adjustments. Amount due is the sum owed; due date
    is statement_date + terms_days. The recipient is the patient, at their address and
    contact preference.

    `statement_id` comes from the caller (statement_id_for(account, encounter_id)).
    Raises StatementNeedsSelfPay for an insured encounter, UnpricedService for a code with
    no price and StatementTermsInvalid for a rate outside 0..1 or negative terms.
    """
    if not Decimal(0) <= self_pay_discount_rate <= Decimal(1):
        raise StatementTermsInvalid(
            f"self-pay discount rate {self_pay_discount_rate} is not between 0 and 1"
        )
    if terms_days < 0:
        raise StatementTermsInvalid(f"terms of {terms_days} days are negative")
    billing = coded.billing
    if not billing.self_pay:
        raise StatementNeedsSelfPay(coded.encounter_id)
    lines = []
    for service in coded.service_lines:
        charges = chargemaster.price(service.code, service.modifiers, service.units)
        discount = to_money(charges * self_pay_discount_rate)
        lines.append(
            StatementLine(
                date_of_service=billing.date_of_service,
                description=chargemaster.statement_label(service.code),
                charges=charges,
                insurance_paid=Decimal("0.00"),
                adjustments=discount,
                patient_owes=charges - discount,
            )
        )
    return StatementIssuedData(
        statement_id=statement_id,
        patient_account=billing.patient.account_number,
        patient_id=billing.patient.patient_id,
        encounter_ids=[coded.encounter_id],
        recipient=recipient_for(billing.patient),
        statement_date=statement_date,
        due_date=statement_date + timedelta(days=terms_days),
        lines=lines,
        amount_due=sum((line.patient_owes for line in lines), Decimal("0.00")),
        billing_office_phone=billing_office_phone,
    )


def recipient_for(patient: Patient) -> StatementRecipient:
    """The patient as the statement's recipient ("First Last", email, address, preference).

    The patient is their own guarantor here: the event carries no separate guarantor.
    """
    return StatementRecipient(
        name=f"{patient.first_name} {patient.last_name}",
        email=patient.email,
        address=patient.address,
        contact_preference=patient.contact_preference,
    )
