"""`medbill coder eval-notes TEXT_DIR GOLD_TSV` as a user runs it, on a fixture written here."""

from __future__ import annotations

import re
from pathlib import Path

from medbill.coder_eval_notes import evaluate, ranked, read_gold

from .conftest import ROOT, medbill

FIXTURE = ROOT / "tests" / "data" / "eval_notes"
RESULT = re.compile(
    r"^RESULT p=([0-9.]+) r=([0-9.]+) f1=([0-9.]+) cat_f1=([0-9.]+) n_docs=([0-9]+)$"
)


def test_codes_the_notes_with_the_service_engine_and_scores_them(tmp_path: Path) -> None:
    out = tmp_path / "predictions.tsv"
    done = medbill(
        "coder",
        "eval-notes",
        str(FIXTURE / "notes"),
        str(FIXTURE / "gold.tsv"),
        "--predictions",
        str(out),
        timeout=120,
    )
    assert done.code == 0, done.err
    last = done.out.strip().splitlines()[-1]
    m = RESULT.match(last)
    assert m, last
    p, r, f1, cat_f1, n_docs = (float(x) for x in m.groups())
    assert n_docs == 3
    assert p > 0.5 and r > 0.5 and f1 > 0.5 and cat_f1 >= f1
    lines = [line.split("\t") for line in out.read_text().splitlines()]
    assert {case for case, _ in lines} == {"case-1", "case-2", "case-3"}
    coded = {(case, code) for case, code in lines}
    assert ("case-1", "J189") in coded or ("case-1", "J181") in coded
    # negated and family mentions are not coded as the patient's conditions
    assert ("case-1", "I2699") not in coded
    assert ("case-2", "C50919") not in coded


def test_a_missing_folder_or_file_is_one_clear_line(tmp_path: Path) -> None:
    done = medbill("coder", "eval-notes", str(tmp_path / "nope"), str(FIXTURE / "gold.tsv"))
    assert done.code == 1
    assert "no such directory" in done.assert_one_clear_line()
    done = medbill("coder", "eval-notes", str(FIXTURE / "notes"), str(tmp_path / "gold.tsv"))
    assert done.code == 1
    assert "no such file" in done.assert_one_clear_line()


def test_every_argument_has_help() -> None:
    done = medbill("coder", "eval-notes", "--help")
    assert done.code == 0
    for word in ("TEXT_DIR", "GOLD_TSV", "--predictions", "case_id<TAB>code"):
        assert word in done.out


def test_scores_are_micro_averaged_exact_and_by_category(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("x")
    (notes / "b.txt").write_text("y")
    gold = tmp_path / "gold.tsv"
    gold.write_text("a\tI10\na\te11.9\nb\tJ18.9\n")
    answers = {"x": [("I10", 0.9), ("E11.65", 0.5)], "y": [("J18.9", 0.2), ("J18.9", 0.8)]}
    line = evaluate(notes, gold, tmp_path / "out.tsv", coder=lambda text: answers[text])
    # exact: tp 2 (I10, J189), fp 1 (E1165), fn 1 (E119); categories: all 3 right
    assert line == "RESULT p=0.6667 r=0.6667 f1=0.6667 cat_f1=1.0000 n_docs=2"
    assert (tmp_path / "out.tsv").read_text() == "a\tI10\na\tE1165\nb\tJ189\n"


def test_gold_codes_with_or_without_dot_in_any_case(tmp_path: Path) -> None:
    gold = tmp_path / "g.tsv"
    gold.write_text("c1\ts22.49xa\nc1\tS2249XA\n\nbroken line\nc2\tI10\n")
    assert read_gold(gold) == {"c1": {"S2249XA"}, "c2": {"I10"}}


def test_ranked_keeps_each_code_once_most_confident_first() -> None:
    assert ranked([("A01.1", 0.3), ("B02", 0.9), ("a011", 0.95)]) == ["A011", "B02"]


def test_the_mentions_reading_adds_what_the_text_names_beside_the_billed_codes(
    tmp_path: Path,
) -> None:
    """`--reading mentions` (an annotator's reading, CodiEsp's) scores beside the rules'
    codes every billable code a mention names: the negated pulmonary embolism and the
    mother's breast cancer, which the default billing reading leaves out."""
    coded = {}
    for reading in ("billing", "mentions"):
        out = tmp_path / f"{reading}.tsv"
        done = medbill(
            "coder",
            "eval-notes",
            str(FIXTURE / "notes"),
            str(FIXTURE / "gold.tsv"),
            "--reading",
            reading,
            "--predictions",
            str(out),
            timeout=120,
        )
        assert done.code == 0, done.err
        coded[reading] = {tuple(line.split("\t")) for line in out.read_text().splitlines()}
    assert coded["billing"] < coded["mentions"]
    assert {("case-1", "I2699"), ("case-2", "C50919")} <= coded["mentions"] - coded["billing"]


def test_an_unknown_reading_is_one_clear_line() -> None:
    done = medbill(
        "coder", "eval-notes", str(FIXTURE / "notes"), str(FIXTURE / "gold.tsv"), "--reading", "x"
    )
    assert done.code != 0
    assert "--reading" in done.err
