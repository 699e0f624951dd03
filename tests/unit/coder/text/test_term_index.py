"""The edge module that builds the term index: tabular variants, synonyms, learned
confidences, and the prebuilt file the coder loads at start-up."""

from __future__ import annotations

from pathlib import Path

from services.coder.domain.guidelines import LEARNED_MIN_CONFIDENCE_DISCHARGE
from services.coder.domain.text import TermIndex
from services.coder.term_index import (
    PREBUILT,
    build_terms,
    data_path,
    read_prebuilt,
    synonym_terms,
    variants,
    write_prebuilt,
)

TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><chapter><section>
<diag><name>I10</name><desc>Essential (primary) hypertension</desc>
<includes><note>high blood pressure</note></includes></diag>
<diag><name>R50</name><desc>Fever of other and unknown origin</desc>
<diag><name>R50.9</name><desc>Fever, unspecified</desc>
<inclusionTerm><note>Pyrexia NOS</note></inclusionTerm></diag></diag>
<diag><name>R69</name><desc>Illness, unspecified</desc></diag>
</section></chapter></ICD10CM.tabular>
"""


def test_variants_drop_nonessential_words() -> None:
    assert variants("Essential (primary) hypertension") == {
        "Essential hypertension",
        "Essential primary hypertension",
    }
    assert "Fever" in variants("Fever, unspecified")
    assert "Pyrexia" in variants("Pyrexia NOS")
    assert "Crohn's disease of small intestine" in variants(
        "Crohn's disease of small intestine without complications"
    )


def built(tmp_path: Path, synonyms: str, learned: str) -> TermIndex:
    """The index `build_terms` makes of TABULAR with these synonym and learned files (their
    text, header rows included)."""
    xml = tmp_path / "tabular.xml"
    xml.write_text(TABULAR)
    (tmp_path / "syn.tsv").write_text(synonyms)
    (tmp_path / "learned.tsv").write_text(learned)
    return TermIndex.build(build_terms(xml, tmp_path / "syn.tsv", tmp_path / "learned.tsv"))


def test_tabular_synonyms_and_learned_confidences(tmp_path: Path) -> None:
    index = built(
        tmp_path,
        "# comment\nphrase\tcode\tcase\nHTN\tI10\t\nfebrile\tR50.9\t\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "fever\tR50.9\t20\t19\t0.905\n"  # calibrates the tabular phrase
        "pyrexia\tR50.9\t2\t1\t0.333\n"  # seen twice: its own confidence still counts
        "illness\tR69\t30\t0\t0.000\n"  # seen often, never coded: left out
        "febrile syndrome\tR50.9\t10\t10\t0.952\n"  # a learned phrase
        "rare phrase\tR50.9\t1\t1\t0.500\n",  # too few cases
    )
    # the tabular variant's 0.55 counts as one more annotated document
    assert [(e.code, e.rule, round(e.confidence, 4)) for e in index.lookup("fever")] == [
        ("R50.9", "tabular", round((19 + 0.55) / 21, 4))
    ]
    assert [round(e.confidence, 4) for e in index.lookup("pyrexia")] == [round((1 + 0.55) / 3, 4)]
    assert index.lookup("illness") == ()
    assert [e.rule for e in index.lookup("febrile syndrome")] == ["learned"]
    assert index.lookup("rare phrase") == ()
    assert [e.code for e in index.lookup("hypertension, essential")] == ["I10"]
    assert [e.code for e in index.lookup("high blood pressure")] == ["I10"]
    assert [e.rule for e in index.lookup("HTN")] == ["synonym"]


def test_the_shipped_synonyms_are_many_and_valid() -> None:
    terms = list(synonym_terms())
    assert len(terms) >= 2000
    assert all(t.code[0].isalpha() and t.code == t.code.upper() for t in terms)
    assert {"HTN", "T2DM", "CHF", "COPD exacerbation", "AKI", "UTI", "CKD 3a", "A-fib"} <= {
        t.phrase for t in terms
    }


def test_the_committed_prebuilt_index_is_current() -> None:
    # stale when a data file or the keying code changed: run tools/build_term_index.py
    assert read_prebuilt(data_path(PREBUILT)) is not None


def test_prebuilt_round_trip(tmp_path: Path) -> None:
    xml = tmp_path / "tabular.xml"
    xml.write_text(TABULAR)
    synonyms = tmp_path / "syn.tsv"
    synonyms.write_text("phrase\tcode\tcase\n")
    index = TermIndex.build(build_terms(xml, synonyms, tmp_path / "none.tsv"))
    path = tmp_path / "prebuilt.tsv"
    write_prebuilt(index, path)
    again = read_prebuilt(path)
    assert again is not None
    assert [(e.code, e.rule) for e in again.lookup("essential hypertension")] == [
        ("I10", "tabular")
    ]


def test_a_named_site_makes_lymphadenopathy_and_edema_localized() -> None:
    # ICD-10-CM Index: Enlargement, lymph node, localized R59.0; Edema, localized R60.0
    index = read_prebuilt(data_path(PREBUILT))
    assert index is not None
    for phrase, code in (
        ("mediastinal lymphadenopathy", "R59.0"),
        ("retroperitoneal adenopathies", "R59.0"),
        ("edema of the lower limbs", "R60.0"),
        ("pale mucous membranes", "R23.1"),
    ):
        assert code in {e.code for e in index.lookup(phrase)}, phrase


def test_a_learned_association_never_hides_another_condition_s_name(tmp_path: Path) -> None:
    index = built(
        tmp_path,
        "phrase\tcode\tcase\nhypertension\tI10\t\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "fever and hypertension\tR50.9\t20\t19\t0.927\n"  # holds I10's name: left out
        "fever up\tR50.9\t20\t19\t0.927\n",  # holds only its own category's name: kept
    )
    assert index.lookup("fever and hypertension") == ()
    assert [(e.code, e.rule) for e in index.lookup("fever up")] == [("R50.9", "learned")]


def test_a_learned_phrase_as_sure_of_two_categories_of_one_chapter_is_left_out(
    tmp_path: Path,
) -> None:
    index = built(
        tmp_path,
        "phrase\tcode\tcase\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "peritoneal irritation\tR50.9\t10\t10\t0.952\n"  # tied with R69, one chapter: out
        "peritoneal irritation\tR69\t10\t10\t0.952\n"
        "blood pressure cuff\tR50.9\t10\t10\t0.952\n"  # tied across chapters: facets, kept
        "blood pressure cuff\tI10\t10\t10\t0.952\n"
        "night sweats\tR50.9\t20\t20\t0.976\n"  # one best code: kept with its runner-up
        "night sweats\tR69\t20\t19\t0.927\n",
    )
    assert index.lookup("peritoneal irritation") == ()
    assert {e.code for e in index.lookup("blood pressure cuff")} == {"R50.9", "I10"}
    assert [e.code for e in index.lookup("night sweats")] == ["R50.9", "R69"]


def test_case_report_words_for_stones_heart_rate_and_alcohol() -> None:
    index = read_prebuilt(data_path(PREBUILT))
    assert index is not None
    for phrase, code in (
        ("renal lithiasis", "N20.0"),
        ("lithiasis of the kidney", "N20.0"),
        ("vesical lithiasis", "N21.0"),
        ("tachycardic", "R00.0"),
        ("choluria", "R82.2"),
        ("chronic enolism", "F10.20"),
        ("ischemic cardiopathy", "I25.9"),
    ):
        assert code in {e.code for e in index.lookup(phrase)}, phrase


def test_hrs_is_hepatorenal_syndrome_only_in_capitals() -> None:
    index = read_prebuilt(data_path(PREBUILT))
    assert index is not None
    assert [e.code for e in index.lookup("HRS")] == ["K76.7"]
    assert index.lookup("hrs") == ()  # "every 8 hrs": hours


def test_a_curated_synonym_says_what_its_phrase_names_in_its_category(tmp_path: Path) -> None:
    """Annotated notes that say "nausea" were often coded R11.10 (the vomiting beside it):
    the synonym's R11.0 stands, the learned R11.10 for that phrase goes; a learned code
    for another phrase stays."""
    index = built(
        tmp_path,
        "phrase\tcode\tcase\nnausea\tR11.0\t\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "nausea\tR11.10\t20\t19\t0.927\n"  # the synonym's category, another code: left out
        "nausea vomiting\tR11.2\t20\t19\t0.927\n",  # another phrase: kept
    )
    assert [e.code for e in index.lookup("nausea")] == ["R11.0"]
    assert [e.code for e in index.lookup("nausea vomiting")] == ["R11.2"]


def test_a_learned_association_below_the_guideline_rules_cut_is_not_indexed(
    tmp_path: Path,
) -> None:
    """The rules never code it (in no kind of text: the lowest cut is a discharge
    summary's), and as the longer match of its span it would hide the names inside it
    ("fever" in "painful fever")."""
    index = built(
        tmp_path,
        "phrase\tcode\tcase\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        f"painful fever\tR50.9\t10\t8\t{LEARNED_MIN_CONFIDENCE_DISCHARGE - 0.01:.3f}\n"
        f"fever spikes\tR50.9\t10\t9\t{LEARNED_MIN_CONFIDENCE_DISCHARGE + 0.01:.3f}\n",
    )
    assert index.lookup("painful fever") == ()
    assert [e.rule for e in index.lookup("fever spikes")] == ["learned"]


def test_a_synonyms_code_newer_than_the_annotations_is_not_judged_by_them(
    tmp_path: Path,
) -> None:
    """ "depression" F32.A: the annotators, whose code set had F32.9 only, never gave F32.A;
    a synonym of a code they gave but not for its words is still left out."""
    xml = tmp_path / "tabular.xml"
    xml.write_text(
        TABULAR.replace(
            "<diag><name>R69</name>",
            "<diag><name>F32</name><desc>Depressive episode</desc>"
            "<diag><name>F32.9</name><desc>Major depressive disorder, single episode</desc></diag>"
            "<diag><name>F32.A</name><desc>Depression, unspecified</desc></diag></diag>"
            "<diag><name>R69</name>",
        )
    )
    (tmp_path / "syn.tsv").write_text("phrase\tcode\tcase\nmelancholy\tF32.A\t\nillness\tR69\t\n")
    (tmp_path / "learned.tsv").write_text(
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "major depression\tF32.9\t20\t19\t0.905\n"  # their code set had F32.9 only
        "melancholy\tF32.A\t9\t0\t0.000\n"  # a code they never gave, of a category they did
        "illness\tR69\t30\t0\t0.000\n"  # seen often, never coded: still left out
        "malaise\tR69\t9\t9\t0.900\n"
    )
    index = TermIndex.build(build_terms(xml, tmp_path / "syn.tsv", tmp_path / "learned.tsv"))
    assert [e.code for e in index.lookup("melancholy")] == ["F32.A"]
    assert [e.code for e in index.lookup("illness")] == []
