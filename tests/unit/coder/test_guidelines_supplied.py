"""Supplied codes compared with the words (coder issue 7, item 2), and the guideline data
files themselves."""

from __future__ import annotations

import simple_icd_10_cm as cm

from services.coder import guideline_data

from .factories import diagnosis
from .test_guidelines import NOTE, coded, codes, mention, noted, rules


def test_an_unspecified_supplied_code_is_proposed_with_the_specific_one_and_its_evidence() -> None:
    visit = noted(diagnoses=[diagnosis("I50.9", "Heart failure")])
    found = mention("Acute on chronic systolic heart failure", "I50.23", section="assessment")
    result = coded([found], visit)
    (reason,) = result.reasons
    assert (reason.rule, reason.subject, reason.candidates) == (
        "DX-MORE-SPECIFIC",
        "I50.9",
        ("I50.23", "I50.9"),
    )
    assert codes(result) == ["I50.23"]
    assert result.diagnoses[0].evidence == found.evidence
    assert NOTE[found.evidence.start : found.evidence.end] == found.evidence.text  # type: ignore[misc]


def test_a_specific_supplied_code_is_kept_first_and_the_words_add_the_rest() -> None:
    visit = noted(diagnoses=[diagnosis("J18.9", "Pneumonia"), diagnosis("E78.5", "HLD", rank=2)])
    result = coded([mention("HTN", "I10"), mention("pneumonia", "J18.9")], visit)
    assert rules(result) == []
    assert codes(result) == ["J18.9", "E78.5", "I10"]
    assert [d.method for d in result.diagnoses] == ["provided", "provided", "matched"]
    assert result.diagnoses[0].evidence.source == "diagnoses[0]"


def test_a_supplied_code_a_combination_replaces_goes_to_review() -> None:
    visit = noted(diagnoses=[diagnosis("E11.9", "Type 2 diabetes")])
    result = coded([mention("CKD stage 3b", "N18.32")], visit)
    assert codes(result) == ["E11.22", "N18.32"]
    (reason,) = result.reasons
    assert (reason.rule, reason.subject, reason.candidates) == (
        "DX-SUPPLIED-COMBINED",
        "E11.9",
        ("E11.22",),
    )


def test_an_uncoded_supplied_diagnosis_is_coded_from_its_own_words() -> None:
    text = "Essential hypertension"
    visit = noted(diagnoses=[diagnosis(None, text), diagnosis(None, "Something else", rank=2)])
    found = mention(text, "I10", text=text, source="diagnoses[0]")
    result = coded([found], visit)
    assert codes(result) == ["I10"]
    assert [(r.rule, r.subject) for r in result.reasons] == [("DX-UNCODED", "diagnoses[1]")]


def test_supplied_codes_still_fail_their_checks() -> None:
    visit = noted(diagnoses=[diagnosis("E11", "Type 2 diabetes")])
    result = coded([mention("HTN", "I10")], visit)
    assert rules(result) == ["ICD10CM-NOT-BILLABLE"]
    assert codes(result) == ["I10"]


def test_excludes1_pairs_from_the_words_go_to_review() -> None:
    result = coded([mention("type 2 diabetes", "E11.9"), mention("HTN", "E10.9")])
    assert "ICD10CM-EXCLUDES1" in rules(result)


def test_without_mentions_the_supplied_path_is_todays() -> None:
    visit = noted(diagnoses=[diagnosis("I10")])
    from services.coder.domain.diagnoses import code_diagnoses

    from .test_guidelines import CODE_SET, TABLES

    today = code_diagnoses(visit.diagnoses, CODE_SET)
    assert (
        code_diagnoses(visit.diagnoses, CODE_SET, encounter=visit, mentions=(), guidelines=TABLES)
        == today
    )


# --- the data files ------------------------------------------------------------------------


def test_every_code_in_the_data_files_is_billable_and_every_prefix_exists() -> None:
    status = guideline_data.load_status()
    for prefix, code in [*status.history.items(), *status.family.items()]:
        assert cm.is_valid_item(code) and cm.is_leaf(code), code
        assert len(prefix) < 3 or cm.is_valid_item(prefix), prefix
    for prefix in status.chronic:
        assert cm.is_valid_item(prefix), prefix
    combinations = guideline_data.load_combinations()
    for row in combinations.diabetes:
        assert cm.is_valid_item(row.prefix), row
        assert cm.is_leaf(f"E11{row.suffix}"), row
    for extra in combinations.additional:
        assert cm.is_leaf(extra.default) and cm.is_valid_item(extra.needed), extra
    for symptom, diagnoses in guideline_data.load_integral().items():
        # chapter 18 symptoms, and signs coded outside it: erythema, dehydration,
        # electrolytes, hypotension
        signs = ("R", "L53.9", "E86", "E87", "I95")
        assert symptom.startswith(signs) and cm.is_valid_item(symptom), symptom
        assert all(len(p) < 3 or cm.is_valid_item(p) for p in diagnoses), symptom


def test_the_family_table_covers_each_chapter_the_brief_names() -> None:
    status = guideline_data.load_status()
    from services.coder.domain.guidelines_status import family_code, history_code

    assert family_code("C18.9", status) == "Z80.0"
    assert family_code("I21.4", status) == "Z82.49"
    assert family_code("E10.9", status) == "Z83.3"
    assert history_code("C61", status) == ("Z85.46", "GL-HISTORY")
    assert history_code("Z95.1", status) == ("Z95.1", "GL-STATUS")
    assert history_code("J02.9", status) == (None, "GL-HISTORY-RESOLVED")
