"""The patient's "statement ready" email: HIPAA minimum necessary, and plain words only.

The email may be read by anyone with access to the mailbox, or forwarded, so it carries only
what the patient needs to pay (45 CFR 164.502(b), minimum necessary): amount due, due date,
statement date, the account's last four characters, the number of services and how to pay
or ask. It never carries diagnoses, procedures, codes, service descriptions, dates of
service, names, birth dates or record numbers. Dates are written as digits, so no month name
can appear. The template's own words are plain and short: every word of seven or more
letters it uses comes from PATIENT_SAFE_LONG_WORDS, so none can be a clinical term (the unit
tests check every variant of the template).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from .addresses import is_deliverable, mask_address
from .messages import OutgoingEmail, Undeliverable, notification_id_for
from .notices import Statement

STATEMENT_READY = "statement-ready"
STATEMENT_SUBJECT = "Your billing statement is ready"

PATIENT_SAFE_LONG_WORDS: frozenset[str] = frozenset(
    {
        "patient", "statement", "balance", "insurance", "payment", "account", "provider",
        "service", "services", "billing", "medical", "hospital", "amount", "charges",
        "questions", "contact", "received", "following", "between", "because", "without",
    }
)  # fmt: skip
"""The only words of seven or more letters a patient email template may use (lower case)."""


def format_usd(amount: Decimal) -> str:
    """US dollars with thousands separators and two places: Decimal("1234.5") -> "$1,234.50"."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def format_date(day: date) -> str:
    """MM/DD/YYYY: US order, and digits only, so no month name reaches a patient email."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def mask_account(account: str) -> str:
    """All but the last four characters masked: "ACCT-0042" -> "****0042".

    The mask has a fixed width so the account's length is not revealed; an account of four
    characters or fewer is masked whole.
    """
    return "****" + (account[-4:] if len(account) > 4 else "")


def statement_email(
    notice: Statement, *, portal_url: str | None = None
) -> OutgoingEmail | Undeliverable | None:
    """The patient's "statement ready" email; None when the patient is not to be emailed;
    Undeliverable when the address given cannot receive mail.

    None when the recipient has no email address or their contact preference is not "email":
    honouring the stated preference (45 CFR 164.522(b), confidential communications), the
    biller's paper statement reaches them instead. A present but malformed address is
    reported (notification.failed) rather than silently mailed on paper.
    """
    address = (notice.email or "").strip()
    if notice.contact_preference != "email" or not address:
        return None
    notification_id = notification_id_for(notice.event_id, STATEMENT_READY, "patient")
    if not is_deliverable(address):
        return Undeliverable(
            notification_id=notification_id,
            audience="patient",
            template=STATEMENT_READY,
            recipient=mask_address(address),
            subject_event_id=notice.event_id,
            reason="undeliverable: not a bare email address",
        )

    facts = _facts(notice)
    text_pay = _how_to_pay(portal_url, notice.billing_office_phone, html=False)
    html_pay = _how_to_pay(portal_url, notice.billing_office_phone, html=True)
    text = "\n".join(
        ["Hello,", "", "Your new billing statement is ready.", "", *facts, "", *text_pay]
        + ["", "Thank you.", ""]
    )
    html = "\n".join(
        ["<html><body>", "<p>Hello,</p>", "<p>Your new billing statement is ready.</p>"]
        + ["<p>" + "<br>".join(escape(fact) for fact in facts) + "</p>"]
        + [f"<p>{line}</p>" for line in html_pay]
        + ["<p>Thank you.</p>", "</body></html>", ""]
    )
    return OutgoingEmail(
        notification_id=notification_id,
        audience="patient",
        template=STATEMENT_READY,
        to=address,
        subject=STATEMENT_SUBJECT,
        text_body=text,
        html_body=html,
        subject_event_id=notice.event_id,
    )


def _facts(notice: Statement) -> list[str]:
    services = notice.service_count
    amount_due = notice.amount_due
    facts = [f"Amount due: {format_usd(max(amount_due, Decimal(0)))}"]
    if amount_due > 0:
        facts.append(f"Due date: {format_date(notice.due_date)}")
    elif amount_due < 0:
        facts.append(f"Credit on your account: {format_usd(-amount_due)}")
    else:
        facts.append("No payment is due.")
    facts += [
        f"Statement date: {format_date(notice.statement_date)}",
        f"Account: {mask_account(notice.patient_account)}",
        f"This statement covers {services} {'service' if services == 1 else 'services'}.",
    ]
    return facts


def _how_to_pay(portal_url: str | None, phone: str | None, *, html: bool) -> list[str]:
    lines = []
    if portal_url:
        lines.append(
            f'<a href="{escape(portal_url)}">Pay online</a>'
            if html
            else f"Pay online: {portal_url}"
        )
    if phone:
        lines.append(f"Questions? Call us at {escape(phone) if html else phone}.")
    else:
        lines.append("Questions? Please contact your billing office.")
    return lines
