"""A tumor of a named site is the neoplasm of unspecified behavior of that site (the
Index: "Tumor - see also Neoplasm, unspecified behavior, by site")."""

from __future__ import annotations

from pathlib import Path

from services.coder.domain.text import TermIndex
from services.coder.domain.text.tokens import normal
from services.coder.term_index import build_terms, unspecified_behavior_terms

TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><chapter><section>
<diag><name>C67</name><desc>Malignant neoplasm of bladder</desc>
<diag><name>C67.9</name><desc>Malignant neoplasm of bladder, unspecified</desc></diag></diag>
<diag><name>C64.1</name><desc>Malignant neoplasm of right kidney, except renal pelvis</desc></diag>
<diag><name>C64.9</name>
<desc>Malignant neoplasm of unspecified kidney, except renal pelvis</desc></diag>
<diag><name>C21.8</name>
<desc>Malignant neoplasm of overlapping sites of rectum, anus and anal canal</desc></diag>
<diag><name>D49.4</name><desc>Neoplasm of unspecified behavior of bladder</desc></diag>
</section></chapter></ICD10CM.tabular>
"""


def test_tumor_tumour_and_the_translated_neoformation_are_neoplasm() -> None:
    assert {normal(w) for w in ("tumor", "Tumours", "neoformation", "tumoration")} == {"neoplasm"}


def test_a_malignant_code_s_site_gives_its_unspecified_behavior_code() -> None:
    def terms(code: str, desc: str) -> list[tuple[str, str]]:
        return [(t.phrase, t.code) for t in unspecified_behavior_terms(code, desc)]

    assert terms("C67.9", "Malignant neoplasm of bladder, unspecified") == [
        ("neoplasm of bladder", "D49.4")
    ]
    assert terms("C64.1", "Malignant neoplasm of right kidney, except renal pelvis") == [
        ("neoplasm of right kidney", "D49.511")
    ]
    assert terms("C64.9", "Malignant neoplasm of unspecified kidney, except renal pelvis") == [
        ("neoplasm of kidney", "D49.519")
    ]
    assert terms("C50", "Malignant neoplasm of breast") == [("neoplasm of breast", "D49.3")]
    # an overlapping, other or unspecified site names no site a note calls a tumor by
    assert terms("C21.8", "Malignant neoplasm of overlapping sites of rectum, anus") == []
    assert terms("C80.1", "Malignant (primary) neoplasm, unspecified") == []


def test_a_bladder_tumour_is_d49_4_and_a_malignant_tumor_of_the_bladder_c67_9(
    tmp_path: Path,
) -> None:
    xml = tmp_path / "tabular.xml"
    xml.write_text(TABULAR)
    (tmp_path / "syn.tsv").write_text("phrase\tcode\tcase\n")
    missing = tmp_path / "none.tsv"
    index = TermIndex.build(build_terms(xml, tmp_path / "syn.tsv", missing))
    assert index.lookup("bladder tumour")[0].code == "D49.4"
    assert index.lookup("tumors of the bladder")[0].code == "D49.4"
    assert index.lookup("renal neoformation")[0].code == "D49.519"
    assert index.lookup("right renal tumor")[0].code == "D49.511"
    assert index.lookup("malignant tumor of the bladder")[0].code == "C67.9"


def test_a_bare_tumor_the_reports_rarely_coded_at_all_is_left_out(tmp_path: Path) -> None:
    """The synonym "tumor" D49.9: the annotated reports never gave D49.9, and gave another
    D49 code in under a fifth of the reports saying it, so the phrase is rarely coded at all
    (a code newer than their code set would have been given its sibling, as F32.9 for
    "depression")."""
    xml = tmp_path / "tabular.xml"
    xml.write_text(
        TABULAR.replace(
            "</section>",
            "<diag><name>D49.9</name><desc>Neoplasm of unspecified behavior of unspecified"
            " site</desc></diag><diag><name>D49.0</name><desc>Neoplasm of unspecified"
            " behavior of digestive system</desc></diag></section>",
        )
    )
    (tmp_path / "syn.tsv").write_text("phrase\tcode\tcase\ntumor\tD49.9\t\n")
    (tmp_path / "learned.tsv").write_text(
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "tumor\tD49.9\t120\t0\t0.000\n"
        "tumor\tD49.0\t120\t11\t0.089\n"
    )
    index = TermIndex.build(build_terms(xml, tmp_path / "syn.tsv", tmp_path / "learned.tsv"))
    assert "D49.9" not in {e.code for e in index.lookup("tumor")}
