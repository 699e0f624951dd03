"""Sample encounters with clinical notes (tests/support/samples.py, notes=...): realistic
1-3 KB notes that tell the visit in words, without changing what the default generator
produces (the pipeline benchmark compares runs over the same encounters)."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest

from schemas.encounter import EncounterClosed
from tests.support.samples import (
    NOTE_MODES,
    NOTE_SIZE,
    PROCEDURE_LEXICON,
    PROCEDURE_NOTE_CODES,
    sample_encounter,
    sample_encounters,
)

N = 300
# sha256 of the JSON of sample_encounters(200, seed=42), the pipeline benchmark's seed, as
# the generator wrote it before notes existed: the default output must never move
DEFAULT_OUTPUT_SHA256 = "c84f4c7a351bc785c22880343c52b3cf50be4a6602c730336988e949014a8167"


@cache
def plain() -> tuple[EncounterClosed, ...]:
    return tuple(sample_encounters(N, seed=8))


@cache
def noted(mode: str) -> tuple[EncounterClosed, ...]:
    return tuple(sample_encounters(N, seed=8, notes=mode))


def test_the_default_generator_writes_what_it_wrote_before_notes():
    joined = "\n".join(e.model_dump_json() for e in sample_encounters(200, seed=42))
    assert hashlib.sha256(joined.encode()).hexdigest() == DEFAULT_OUTPUT_SHA256


@pytest.mark.parametrize("mode", NOTE_MODES)
def test_notes_change_nothing_else_of_the_encounter(mode):
    for with_notes, without in zip(noted(mode), plain(), strict=True):
        assert with_notes.data.documentation.notes and not without.data.documentation.notes
        assert with_notes.event_id == without.event_id
        left = with_notes.data.model_dump(
            exclude={"documentation", "total_time_minutes", "mdm_level"}
        )
        assert left == without.data.model_dump(
            exclude={"documentation", "total_time_minutes", "mdm_level"}
        )
        if mode == "added":
            d, base = with_notes.data, without.data
            assert (d.total_time_minutes, d.mdm_level) == (base.total_time_minutes, base.mdm_level)
            assert d.documentation.model_dump(exclude={"notes"}) == base.documentation.model_dump()


def test_notes_only_encounters_carry_nothing_but_notes():
    for event in noted("only"):
        d = event.data
        assert (d.documentation.diagnoses, d.documentation.procedures) == ([], [])
        assert (d.documentation.assessment_plan, d.total_time_minutes, d.mdm_level) == (
            None, None, None
        )  # fmt: skip


@pytest.mark.parametrize("mode", NOTE_MODES)
def test_notes_are_one_to_three_kilobytes_per_encounter(mode):
    sizes = [sum(len(n.text) for n in e.data.documentation.notes) for e in noted(mode)]
    assert NOTE_SIZE == (1000, 3000)
    assert all(1000 <= size <= 3000 for size in sizes), (min(sizes), max(sizes))
    assert max(sizes) - min(sizes) > 500  # varied, not one template


def test_the_notes_tell_the_visit_in_words():
    for with_notes, without in zip(noted("only"), plain(), strict=True):
        text = "\n".join(n.text for n in with_notes.data.documentation.notes)
        d = without.data
        for dx in d.documentation.diagnoses:
            assert dx.text in text, (d.encounter_id, dx.text)
        for px in d.documentation.procedures:
            assert PROCEDURE_LEXICON[px.code][1] in text, (d.encounter_id, px.code)
            if px.laterality:
                assert f"({px.laterality})" in text
        if d.total_time_minutes is not None:
            assert f"{d.total_time_minutes} min" in text
        if d.mdm_level is not None:
            assert d.mdm_level in text
        assert d.documentation.assessment_plan in text
        # the notes say who by age and sex, never by name
        assert d.patient.first_name not in text and d.patient.last_name not in text


def test_notes_have_the_kind_of_their_setting():
    kinds = {"office": "progress", "telehealth": "progress", "preventive": "progress"}
    kinds |= {"emergency": "emergency", "observation": "history_and_physical"}
    seen = set()
    for event in noted("added"):
        notes = event.data.documentation.notes
        assert notes[0].kind == kinds[event.data.encounter_type]
        if event.data.encounter_type == "observation":
            assert notes[1].kind == "discharge_summary"
        codes = {p.code for p in event.data.documentation.procedures}
        assert ("procedure" in {n.kind for n in notes}) == bool(codes & PROCEDURE_NOTE_CODES)
        assert len({n.note_id for n in notes}) == len(notes)
        assert all(n.title and n.author == event.data.rendering_provider.name for n in notes)
        seen |= {n.kind for n in notes}
    assert seen == {
        "progress",
        "emergency",
        "history_and_physical",
        "discharge_summary",
        "procedure",
    }


def test_notes_have_negations_history_family_history_and_allergies():
    texts = ["\n".join(n.text for n in e.data.documentation.notes) for e in noted("added")]
    share = {
        word: sum(word in t for t in texts) / len(texts)
        for word in ("Denies", "negative for", "Family history:", "Allergies:", "Past medical")
    }
    assert share["Allergies:"] == 1.0 and share["Past medical"] == 1.0
    assert share["Denies"] + share["negative for"] > 0.3
    assert share["Family history:"] > 0.8


def test_notes_are_deterministic_and_strictly_valid():
    again = sample_encounters(N, seed=8, notes="added")
    assert [e.model_dump_json() for e in again] == [e.model_dump_json() for e in noted("added")]
    assert sample_encounter(5, seed=8, notes="added") == noted("added")[5]
    for event in noted("only")[:50]:
        assert EncounterClosed.model_validate_json(event.model_dump_json(), extra="forbid") == event


def test_an_unknown_notes_mode_is_refused():
    with pytest.raises(ValueError, match="notes"):
        sample_encounters(1, notes="some")
    with pytest.raises(ValueError, match="notes"):
        sample_encounter(1, notes="yes")
