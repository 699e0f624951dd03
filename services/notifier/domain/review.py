"""The coding team's "chart needs review" email.

It goes to staff, so it may name what a coder needs to find and fix the chart: encounter id,
patient id (MRN), date of service, queue, the review reasons (rule and message) and the
proposed codes with their descriptions. Still minimum necessary (45 CFR 164.502(b)): no
patient name or birth date (the event carries neither), and no evidence text, because
evidence is quoted from the free-text record and may hold anything the record holds; the
coder reads it in the review tool.
"""

from __future__ import annotations

from html import escape

from .addresses import check_address
from .messages import OutgoingEmail, notification_id_for, one_line
from .notices import ProposedDiagnosis, ProposedServiceLine, ReviewRequest

CODING_REVIEW_REQUESTED = "coding-review-requested"


def review_request_email(
    data: ReviewRequest,
    *,
    coding_team: str,
    review_url: str | None = None,
) -> OutgoingEmail:
    """The email asking the coding team (`coding_team`, a bare address) to review a chart.

    `review_url`, when given, is the link to this encounter in the review tool, used as is.
    Event text in the subject is collapsed to one line; in the HTML body it is escaped.
    A malformed `coding_team` raises InvalidEmailAddress: it is configuration, checked at
    start-up, not a refusal of this request.
    """
    header = [
        ("Encounter", data.encounter_id),
        ("Patient id (MRN)", data.patient_id),
        ("Date of service", data.date_of_service.isoformat()),
        ("Queue", data.queue),
    ]
    sections = [
        ("Reasons", [_reason(r.rule, r.message, r.subject) for r in data.reasons]),
        ("Proposed diagnoses", [_diagnosis(d) for d in data.proposed_diagnoses]),
        ("Proposed service lines", [_service_line(s) for s in data.proposed_service_lines]),
    ]
    sections = [(title, items) for title, items in sections if items]

    text = ["A chart needs coding review.", ""]
    text += [f"{label}: {value}" for label, value in header]
    for title, items in sections:
        text += ["", f"{title}:", *(f"- {item}" for item in items)]
    if review_url:
        text += ["", f"Open the review: {review_url}"]

    html = ["<html><body>", "<p>A chart needs coding review.</p>", "<table>"]
    html += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in header]
    html.append("</table>")
    for title, items in sections:
        html += [f"<h3>{escape(title)}</h3>", "<ul>"]
        html += [f"<li>{escape(item)}</li>" for item in items]
        html.append("</ul>")
    if review_url:
        html.append(f'<p><a href="{escape(review_url)}">Open the review</a></p>')
    html += ["</body></html>", ""]

    return OutgoingEmail(
        notification_id=notification_id_for(data.event_id, CODING_REVIEW_REQUESTED, "coding_team"),
        audience="coding_team",
        template=CODING_REVIEW_REQUESTED,
        to=check_address(coding_team),
        subject=one_line(f"Coding review needed: encounter {data.encounter_id}"),
        text_body="\n".join([*text, ""]),
        html_body="\n".join(html),
        subject_event_id=data.event_id,
    )


def _reason(rule: str, message: str, subject: str | None) -> str:
    return f"{rule}: {message}" + (f" ({subject})" if subject else "")


def _diagnosis(dx: ProposedDiagnosis) -> str:
    return (
        f"{dx.sequence}. {dx.code} {dx.description} ({dx.method}, confidence {dx.confidence:.2f})"
    )


def _service_line(line: ProposedServiceLine) -> str:
    modifiers = "".join(f"-{modifier}" for modifier in line.modifiers)
    pointers = ",".join(str(p) for p in line.diagnosis_pointers)
    return (
        f"{line.line_number}. {line.code_system} {line.code}{modifiers} x{line.units} "
        f"{line.description} (diagnoses {pointers})"
    )
