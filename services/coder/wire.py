"""The one place where the coder's domain meets the wire contract (schemas/).

In: an encounter.closed payload becomes a domain `Encounter` (with its clinical notes), a
coding.review-completed payload a `ReviewDecision`. Out: `Coded` becomes an encounter.coded
payload (with the versions that coded it, and the billing pass-through block the biller
needs, carried over from encounter.closed as it came) and `NeedsReview` a
coding.review-requested payload.
"""

from __future__ import annotations

import json
from functools import lru_cache

from schemas import coding as w
from schemas.encounter import ClinicalNote as WireNote
from schemas.encounter import EncounterClosedData
from schemas.envelope import Envelope

from .domain import (
    ClinicalNote,
    Coded,
    CodedDiagnosis,
    CodingOutcome,
    DocumentedDiagnosis,
    DocumentedProcedure,
    EmChoice,
    Encounter,
    Evidence,
    NeedsReview,
    Patient,
    PrintedField,
    ReferenceData,
    ReviewDecision,
    ReviewedProcedure,
    ReviewReason,
    ServiceLine,
)

SOURCE = "medbill/coder"
ENGINE_VERSION = "medbill-coder 1.0"
"""The coding engine's version on every encounter.coded (`versions.engine`): raise it with
any change to the rules or the matching that can change what an encounter is coded as."""

# --- wire -> domain ---------------------------------------------------------------------------


def encounter(data: EncounterClosedData) -> Encounter:
    documentation = data.documentation
    return Encounter(
        encounter_id=data.encounter_id,
        encounter_type=data.encounter_type,
        patient_status=data.patient_status,
        place_of_service=data.place_of_service,
        date_of_service=data.date_of_service,
        patient=Patient(
            patient_id=data.patient.patient_id,
            birth_date=data.patient.birth_date,
            sex=data.patient.sex,
        ),
        total_time_minutes=data.total_time_minutes,
        mdm_level=data.mdm_level,
        diagnoses=tuple(
            DocumentedDiagnosis(text=d.text, code=d.code, code_system=d.code_system, rank=d.rank)
            for d in documentation.diagnoses
        ),
        procedures=tuple(
            DocumentedProcedure(
                text=p.text,
                code=p.code,
                quantity=p.quantity,
                laterality=p.laterality,
                minutes=p.minutes,
            )
            for p in documentation.procedures
        ),
        assessment_plan=documentation.assessment_plan,
        notes=tuple(map(_note, documentation.notes)) if documentation.notes else (),
        printed_demographics=tuple(printed_demographics(data)),
    )


def _note(note: WireNote) -> ClinicalNote:
    return ClinicalNote(
        note_id=note.note_id, kind=note.kind, text=note.text, title=note.title, author=note.author
    )


def printed_demographics(data: EncounterClosedData) -> list[PrintedField]:
    """The text a claim, a statement or an email prints: the patient's and the subscriber's
    details (X12 837P loops 2010BA/2010CA, the statement, the email's To: header), the
    payers', providers' and facility's names and addresses."""
    p = data.patient
    printed = [
        PrintedField("patient.patient_id", "the patient's id", p.patient_id),
        PrintedField("patient.account_number", "the patient's account number", p.account_number),
        PrintedField("patient.first_name", "the patient's first name", p.first_name),
        PrintedField("patient.last_name", "the patient's last name", p.last_name),
        PrintedField("patient.address.line1", "the patient's address", p.address.line1),
    ]
    if p.address.line2 is not None:
        printed.append(
            PrintedField("patient.address.line2", "the patient's address", p.address.line2)
        )
    printed.append(PrintedField("patient.address.city", "the patient's city", p.address.city))
    if p.email is not None:
        printed.append(PrintedField("patient.email", "the patient's email address", p.email))
    if p.phone is not None:
        printed.append(PrintedField("patient.phone", "the patient's phone number", p.phone))
    for i, coverage in enumerate(data.coverages):
        member, group, payer = _coverage_fields(i)
        printed.append(PrintedField(*member, coverage.member_id))
        if coverage.group_number is not None:
            printed.append(PrintedField(*group, coverage.group_number))
        printed.append(PrintedField(*payer, coverage.payer_name))
    # the claim's other parties (loops 2010AA, 2310B, 2310C) are printed beside the patient
    for fields, party in zip(
        _PARTY_FIELDS, (data.rendering_provider, data.billing_provider, data.facility), strict=True
    ):
        name, line1, line2, city = fields
        printed.append(PrintedField(*name, party.name))
        if party.address is not None:
            printed.append(PrintedField(*line1, party.address.line1))
            if party.address.line2 is not None:
                printed.append(PrintedField(*line2, party.address.line2))
            printed.append(PrintedField(*city, party.address.city))
    return printed


@lru_cache(maxsize=16)
def _coverage_fields(i: int) -> tuple[tuple[str, str], ...]:
    """The (path, label) of coverage i's member id, group number and payer name."""
    n = i + 1
    return (
        (f"coverages[{i}].member_id", f"the member id of coverage {n}"),
        (f"coverages[{i}].group_number", f"the group number of coverage {n}"),
        (f"coverages[{i}].payer_name", f"the payer name of coverage {n}"),
    )


def _party_fields(role: str) -> tuple[tuple[str, str], ...]:
    who = role.replace("_", " ")
    return (
        (f"{role}.name", f"the {who}'s name"),
        (f"{role}.address.line1", f"the {who}'s address"),
        (f"{role}.address.line2", f"the {who}'s address"),
        (f"{role}.address.city", f"the {who}'s city"),
    )


_PARTY_FIELDS = tuple(map(_party_fields, ("rendering_provider", "billing_provider", "facility")))


def review_decision(data: w.CodingReviewCompletedData) -> ReviewDecision:
    return ReviewDecision(
        encounter_id=data.encounter_id,
        reviewer_id=data.reviewer_id,
        diagnoses=tuple(data.diagnoses),
        procedures=tuple(
            ReviewedProcedure(code=p.code, modifiers=tuple(p.modifiers), units=p.units)
            for p in data.procedures
        ),
        em_code=data.evaluation_and_management,
        note=data.note,
    )


def unstorable(*ids: str) -> str | None:
    """Why a message's ids cannot be stored (PostgreSQL text holds no NUL), or None. Such a
    message is bad (dead-lettered), not a failure of ours to retry."""
    if any("\x00" in i for i in ids):
        return "schema-invalid: an id contains a NUL character"
    return None


# --- domain -> wire ---------------------------------------------------------------------------
# Built with keywords, so that the pydantic mypy plugin names a field the model does not have.


def encounter_coded(
    coded: Coded, closed: EncounterClosedData, reference: ReferenceData | None = None
) -> w.EncounterCodedData:
    """`reference` is the data that coded it, whose file versions the event names."""
    return w.EncounterCodedData(
        encounter_id=coded.encounter_id,
        icd10cm_version=coded.code_set,
        versions=coding_versions(coded, reference),
        diagnoses=_diagnoses(coded.diagnoses),
        service_lines=_service_lines(coded.service_lines),
        evaluation_and_management=_evaluation_and_management(coded.em),
        edits=[w.EditApplied(edit=e.rule, detail=e.detail) for e in coded.edits],
        billing=billing_context(closed),
    )


def review_requested(
    needs: NeedsReview, closed: EncounterClosedData
) -> w.CodingReviewRequestedData:
    return w.CodingReviewRequestedData(
        encounter_id=needs.encounter_id,
        patient_id=closed.patient.patient_id,
        date_of_service=closed.date_of_service,
        reasons=_reasons(needs.reasons),
        proposed_diagnoses=_diagnoses(needs.proposed_diagnoses),
        proposed_service_lines=_service_lines(needs.proposed_service_lines),
    )


def outcome_event(
    outcome: CodingOutcome,
    closed: EncounterClosedData,
    cause: Envelope,
    reference: ReferenceData | None = None,
) -> w.EncounterCoded | w.CodingReviewRequested:
    """encounter.coded or coding.review-requested, caused by `cause`; `reference` is the
    reference data that coded it (its versions go on encounter.coded)."""
    if isinstance(outcome, Coded):
        return w.EncounterCoded.create(
            encounter_coded(outcome, closed, reference),
            source=SOURCE,
            correlation_id=closed.encounter_id,
            causation_id=cause.event_id,
        )
    return w.CodingReviewRequested.create(
        review_requested(outcome, closed),
        source=SOURCE,
        correlation_id=closed.encounter_id,
        causation_id=cause.event_id,
    )


def coding_versions(coded: Coded, reference: ReferenceData | None) -> w.CodingVersions:
    """The versions encounter.coded names: the ICD-10-CM release the domain coded against
    ("FY2026 (April 2026)"), the NCCI and MUE file labels and the lexicon's (those the
    reference data has), and the engine's."""
    choice = coded.code_set_choice
    icd10cm = choice.version if choice is not None else coded.code_set
    return _versions(icd10cm, *_file_versions(reference))


def _file_versions(reference: ReferenceData | None) -> tuple[str | None, str | None, str | None]:
    if reference is None:
        return None, None, None
    ncci, lexicon = reference.ncci, reference.lexicon.version
    return (
        None if lexicon == "unversioned" else lexicon,
        None if ncci.ptp_version == "none" else ncci.ptp_version,
        None if ncci.mue_version == "none" else ncci.mue_version,
    )


@lru_cache(maxsize=64)
def _versions(
    code_set: str, lexicon: str | None, ncci: str | None, mue: str | None
) -> w.CodingVersions:
    # one frozen model per combination, shared by every encounter coded with it
    return w.CodingVersions(
        icd10cm=code_set, procedure_lexicon=lexicon, ncci_ptp=ncci, mue=mue, engine=ENGINE_VERSION
    )


def billing_context(closed: EncounterClosedData) -> w.BillingContext:
    """The pass-through state the biller needs (event-carried state transfer), as the
    hospital sent it: the coder's domain neither reads nor changes it."""
    return w.BillingContext(
        encounter_type=closed.encounter_type,
        place_of_service=closed.place_of_service,
        date_of_service=closed.date_of_service,
        patient=closed.patient,
        rendering_provider=closed.rendering_provider,
        billing_provider=closed.billing_provider,
        facility=closed.facility,
        coverages=closed.coverages,
    )


def coding_json(data: w.EncounterCodedData) -> str:
    """What the coder keeps of a coding: encounter.coded's data less its billing block
    (minimum necessary: codes and evidence, not demographics and coverage)."""
    return data.model_dump_json(exclude={"billing"})


def reasons_json(needs: NeedsReview) -> str:
    """The review reasons as stored (the CLI's coder.encounter_status view reads them)."""
    return json.dumps([reason.model_dump() for reason in _reasons(needs.reasons)])


def _evidence(e: Evidence) -> w.Evidence:
    return w.Evidence(source=e.source, text=e.text, start=e.start, end=e.end)


def _diagnoses(diagnoses: tuple[CodedDiagnosis, ...]) -> list[w.CodedDiagnosis]:
    return [
        w.CodedDiagnosis(
            sequence=sequence,
            code=d.code,
            description=d.description,
            evidence=_evidence(d.evidence),
            confidence=d.confidence,
            method=d.method,
            rule=d.rule,
        )
        for sequence, d in enumerate(diagnoses, start=1)
    ]


def _service_lines(lines: tuple[ServiceLine, ...]) -> list[w.ServiceLine]:
    return [
        w.ServiceLine(
            line_number=number,
            code=line.code,
            code_system=line.code_system,
            description=line.description,
            modifiers=list(line.modifiers),
            units=line.units,
            diagnosis_pointers=list(line.diagnosis_pointers),
            evidence=_evidence(line.evidence),
            method=line.method,
            confidence=line.confidence,
            rule=line.rule,
        )
        for number, line in enumerate(lines, start=1)
    ]


def _evaluation_and_management(em: EmChoice | None) -> w.EvaluationAndManagement | None:
    # v1's basis is time or MDM; a preventive code is set by age, which its service line
    # (rule EM-AGE) and the EM-AGE edit carry instead.
    if em is None or em.basis == "age":
        return None
    return w.EvaluationAndManagement(
        code=em.code,
        basis=em.basis,
        total_time_minutes=em.total_time_minutes,
        mdm_level=em.mdm_level,
    )


def _reasons(reasons: tuple[ReviewReason, ...]) -> list[w.ReviewReason]:
    return [
        w.ReviewReason(
            rule=r.rule, message=r.message, subject=r.subject, candidates=list(r.candidates)
        )
        for r in reasons
    ]


__all__ = [
    "ENGINE_VERSION",
    "billing_context",
    "coding_json",
    "coding_versions",
    "encounter",
    "encounter_coded",
    "outcome_event",
    "reasons_json",
    "review_decision",
    "review_requested",
    "unstorable",
]
