"""Curated synonyms against the annotated Spanish case reports' counts: a name of two or
more words for a disease or injury keeps its own confidence, and a learned entry for the
synonym's own phrase and code gives way to it (services/coder/term_index.py)."""

from __future__ import annotations

from pathlib import Path

from .test_term_index import built


def test_a_curated_name_stays_whatever_the_annotators_coded_beside_it(tmp_path: Path) -> None:
    index = built(
        tmp_path,
        "phrase\tcode\tcase\nankle sprain\tS93.409A\t\ncough\tR05.9\t\n"
        "alcohol withdrawal\tF10.230\t\n",
        "phrase\tcode\tdocs\tboth\tprecision\n"
        "ankle sprain\tS93.409A\t9\t0\t0.000\n"  # a name: stays at 0.8
        "cough\tR05.9\t16\t0\t0.000\n"  # a one-word symptom: the annotators' count rules
        "alcohol withdrawal\tF10.230\t9\t7\t0.778\n",  # the synonym's own code: no learned copy
    )
    assert [(e.code, e.rule, e.confidence) for e in index.lookup("ankle sprain")] == [
        ("S93.409A", "synonym", 0.8)
    ]
    assert index.lookup("cough") == ()
    assert [(e.code, e.rule) for e in index.lookup("alcohol withdrawal")] == [
        ("F10.230", "synonym")
    ]
