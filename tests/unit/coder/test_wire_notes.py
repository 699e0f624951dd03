"""services/coder/wire.py and the contract: clinical notes in, the versions used out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pydantic import ValidationError

from schemas.coding import EncounterCoded
from schemas.encounter import ClinicalNote, Documentation, EncounterClosed, EncounterClosedData
from services.coder import wire
from services.coder.domain import Coded

from .factories import REFERENCE, closed, outcome_of

NOTE = ClinicalNote(
    note_id="NOTE-1",
    kind="progress",
    title="Office visit",
    author="Jordan Reyes MD",
    text="Assessment: essential hypertension, well controlled. Plan: continue lisinopril.",
)


def with_notes(*notes: ClinicalNote, **overrides) -> EncounterClosedData:  # noqa: ANN003
    base = closed(**overrides)
    d = base.documentation
    documentation = Documentation(
        diagnoses=d.diagnoses, procedures=d.procedures, assessment_plan=d.assessment_plan,
        notes=list(notes),
    )  # fmt: skip
    return base.model_copy(update={"documentation": documentation})


def test_notes_become_the_domain_encounters_notes_in_order() -> None:
    second = NOTE.model_copy(
        update={"note_id": "NOTE-2", "kind": "procedure", "title": None, "author": None}
    )
    encounter = wire.encounter(with_notes(NOTE, second))
    assert [(n.note_id, n.kind, n.title, n.author) for n in encounter.notes] == [
        ("NOTE-1", "progress", "Office visit", "Jordan Reyes MD"),
        ("NOTE-2", "procedure", None, None),
    ]
    assert encounter.notes[0].text == NOTE.text


def test_an_encounter_without_notes_has_none() -> None:
    assert wire.encounter(closed()).notes == ()


def test_an_encounter_may_carry_only_notes() -> None:
    data = closed(documentation=Documentation(notes=[NOTE]))
    assert (data.documentation.diagnoses, data.documentation.procedures) == ([], [])
    encounter = wire.encounter(data)
    assert (encounter.diagnoses, encounter.procedures, len(encounter.notes)) == ((), (), 1)


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "nursing"), ("text", ""), ("note_id", "")], ids=str
)
def test_a_note_of_an_unknown_kind_or_without_text_or_id_is_refused(field, value) -> None:
    raw = NOTE.model_dump() | {field: value}
    with pytest.raises(ValidationError) as caught:
        ClinicalNote.model_validate(raw)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_every_note_kind_of_the_contract_is_accepted() -> None:
    kinds = ["progress", "history_and_physical", "consult", "emergency", "operative"]
    kinds += ["procedure", "discharge_summary", "other"]
    for kind in kinds:
        assert ClinicalNote.model_validate(NOTE.model_dump() | {"kind": kind}).kind == kind


def test_an_encounter_without_notes_is_written_as_before() -> None:
    """No empty `notes` list on the wire: a producer without notes writes the same bytes."""
    written = json.loads(closed().model_dump_json())
    assert "notes" not in written["documentation"]
    assert EncounterClosedData.model_validate(written) == closed()
    with_one = json.loads(with_notes(NOTE).model_dump_json())
    assert with_one["documentation"]["notes"] == [NOTE.model_dump()]


def test_notes_survive_the_wire_and_strict_reading() -> None:
    event = EncounterClosed.create(with_notes(NOTE), source="tests/ehr", correlation_id="ENC-1")
    raw = event.model_dump_json()
    assert EncounterClosed.model_validate_json(raw, extra="forbid") == event


def test_a_reader_ignores_what_a_later_note_may_add() -> None:
    raw = json.loads(with_notes(NOTE).model_dump_json())
    raw["documentation"]["notes"][0]["signed_at"] = "2026-11-02T15:00:00Z"
    read = EncounterClosedData.model_validate(raw)
    assert read.documentation.notes == [NOTE]


# --- versions out -----------------------------------------------------------------------------


def coded_event(reference=REFERENCE) -> EncounterCoded:  # noqa: ANN001
    data = closed()
    outcome = outcome_of(wire.encounter(data))
    assert isinstance(outcome, Coded)
    cause = EncounterClosed.create(data, source="tests/ehr", correlation_id=data.encounter_id)
    event = wire.outcome_event(outcome, data, cause, reference)
    assert isinstance(event, EncounterCoded)
    return event


def test_encounter_coded_names_the_code_set_release_and_the_engine() -> None:
    data = coded_event().data
    assert data.versions is not None
    # the year as icd10cm_version says it, with its edition
    assert data.versions.icd10cm.startswith(data.icd10cm_version)
    assert data.versions.icd10cm == "FY2026 (April 2026)"
    assert data.versions.engine == wire.ENGINE_VERSION and wire.ENGINE_VERSION


def test_encounter_coded_names_the_lexicon_ncci_and_mue_files_it_was_coded_with() -> None:
    versions = coded_event().data.versions
    assert versions is not None
    assert versions.procedure_lexicon == REFERENCE.lexicon.version
    assert (versions.procedure_lexicon or "").startswith("sha256:")
    assert (versions.ncci_ptp, versions.mue) == (
        REFERENCE.ncci.ptp_version, REFERENCE.ncci.mue_version
    )  # fmt: skip
    assert versions.ncci_ptp not in (None, "none") and versions.mue not in (None, "none")


def test_no_ncci_or_mue_file_loaded_is_no_version() -> None:
    from services.coder.domain.ncci import NO_EDITS

    versions = coded_event(reference=replace(REFERENCE, ncci=NO_EDITS)).data.versions
    assert versions is not None
    assert (versions.ncci_ptp, versions.mue) == (None, None)


def test_a_lexicon_without_a_version_label_is_no_version() -> None:
    from services.coder.domain import Lexicon

    unlabelled = Lexicon(REFERENCE.lexicon.get(c) for c in sorted(REFERENCE.lexicon.codes))
    versions = coded_event(reference=replace(REFERENCE, lexicon=unlabelled)).data.versions
    assert versions is not None and versions.procedure_lexicon is None


def test_without_the_reference_data_only_the_code_set_and_engine_are_named() -> None:
    versions = coded_event(reference=None).data.versions
    assert versions is not None
    assert (versions.procedure_lexicon, versions.ncci_ptp, versions.mue) == (None, None, None)
    assert versions.engine == wire.ENGINE_VERSION


def test_versions_survive_the_wire_and_an_older_reader_ignores_them() -> None:
    event = coded_event()
    raw = event.model_dump_json()
    assert EncounterCoded.model_validate_json(raw, extra="forbid") == event
    assert "versions" in json.loads(raw)["data"]
    older = json.loads(raw)
    del older["data"]["versions"]  # a coding stored before versions existed
    assert EncounterCoded.model_validate(older).data.versions is None


def test_the_versions_are_one_shared_object_per_combination() -> None:
    """Encounters without notes pay no more for versions than a dict lookup."""
    first, second = coded_event().data.versions, coded_event().data.versions
    assert first is second
    assert coded_event(reference=None).data.versions is not first


def test_the_coded_record_keeps_the_versions() -> None:
    stored = json.loads(wire.coding_json(coded_event().data))
    assert stored["versions"]["engine"] == wire.ENGINE_VERSION
