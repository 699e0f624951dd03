"""Every evidence the coder emits shows its words where it says they are: its `text` is
exactly its source's characters `start:end` (the contract's promise on encounter.coded and
coding.review-requested), over the sample encounters with notes and the evaluation cases."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medbill.coder_eval import evaluate, evidence_problems, read_cases
from schemas.coding import EncounterCoded
from schemas.encounter import ClinicalNote, Documentation, EncounterClosed
from services.coder import wire
from services.coder.domain import code_encounter
from tests.support.samples import NOTE_MODES, sample_encounters

from .factories import REFERENCE

EVAL_FILES = sorted((Path(__file__).resolve().parents[2] / "data" / "coder_eval").glob("*.jsonl"))


def emitted(event: EncounterClosed):  # noqa: ANN201
    """(what, evidence) of every code the coder emits for the encounter, coded or proposed."""
    closed = event.data
    outcome = code_encounter(wire.encounter(closed), REFERENCE)
    out = wire.outcome_event(outcome, closed, event, REFERENCE)
    if isinstance(out, EncounterCoded):
        diagnoses, lines = out.data.diagnoses, out.data.service_lines
    else:
        diagnoses, lines = out.data.proposed_diagnoses, out.data.proposed_service_lines
    return [(f"diagnosis {d.code}", d.evidence) for d in diagnoses] + [
        (f"line {line.code}", line.evidence) for line in lines
    ]


@cache
def with_notes(mode: str) -> tuple[EncounterClosed, ...]:
    return tuple(sample_encounters(200, seed=21, notes=mode))


@pytest.mark.parametrize("mode", NOTE_MODES)
def test_evidence_on_sample_encounters_with_notes_is_their_sources_text(mode):
    problems = [
        (event.data.encounter_id, problem)
        for event in with_notes(mode)
        for problem in evidence_problems(event.data.documentation, emitted(event))
    ]
    assert not problems, problems[:5]


def test_the_coder_reads_the_notes_of_encounters_that_carry_only_notes():
    """The check above means something only if evidence does come from the notes."""
    sources = [e.source for event in with_notes("only") for _, e in emitted(event)]
    from_notes = [s for s in sources if s.startswith("notes[")]
    assert len(from_notes) >= len(with_notes("only")), "most codes should cite a note"


@pytest.mark.skipif(not EVAL_FILES, reason="no evaluation cases in tests/data/coder_eval yet")
@pytest.mark.parametrize("path", EVAL_FILES, ids=lambda p: p.name)
def test_evidence_on_the_evaluation_cases_is_their_sources_text(path: Path):
    if not path.read_text().strip():
        pytest.skip(f"{path.name} has no cases yet")
    report = evaluate(read_cases(path), REFERENCE)
    problems = [(s.case.line, s.evidence_problems) for s in report.cases if s.evidence_problems]
    assert not problems, problems[:5]


PHRASES = [
    "Essential hypertension",
    "type 2 diabetes mellitus with CKD stage 3a",
    "T2DM",
    "HTN",
    "acute on chronic systolic heart failure",
    "denies chest pain",
    "no fever",
    "history of colon cancer",
    "mother with breast cancer",
    "probable pneumonia",
    "left ankle sprain, initial encounter",
    "ECG performed",
    "CBC drawn",
    "s/p appendectomy",
    "Assessment:",
    "Plan:",
    "Past Medical History:",
    "Family History:",
    "Allergies: penicillin",
    "Total time 32 minutes.",
    "MDM moderate.",
    "rule out UTI",
    "knee injection, right",
    "İ",
    "ẞ",
    "ﬁ",
    "K\u212a",
    "\u00a0",
    "\u0301",
    "\U0001f600",
    "\t",
    "\n",
    ". ",
    ", ",
    "; ",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PHRASES) | st.text(max_size=6), min_size=1, max_size=30))
def test_evidence_is_the_notes_text_whatever_the_text(parts):
    """Clinical words among case-changing letters (İ lowercases to two characters), ligatures,
    combining marks, emoji and odd spacing: every span still points at its own characters."""
    base = sample_encounters(1, seed=21)[0]
    text = " ".join(parts).strip() or "note"
    note = ClinicalNote(note_id="N1", kind="progress", text=text)
    data = base.data.model_copy(update={"documentation": Documentation(notes=[note])})
    event = base.model_copy(update={"data": data})
    assert list(evidence_problems(data.documentation, emitted(event))) == []
