"""`medbill coder eval FILE.jsonl` as a user runs it, on a small fixture built here."""

from __future__ import annotations

import json
import re
from pathlib import Path

from schemas.encounter import Documentation, DocumentedDiagnosis
from tests.unit.coder.factories import closed

from .conftest import medbill

RESULT = re.compile(
    r"^RESULT dx_f1=([0-9.]+) dx_category_f1=([0-9.]+) proc_f1=([0-9.]+)"
    r" automation=([0-9.]+) n=([0-9]+)$"
)


def case(encounter_id: str, diagnoses: list[tuple[str, str]], expected: dict) -> str:
    data = closed(
        encounter_id=encounter_id,
        documentation=Documentation(
            diagnoses=[
                DocumentedDiagnosis(text=text, code=code, code_system="ICD-10-CM", rank=n)
                for n, (code, text) in enumerate(diagnoses, 1)
            ]
        ),
    )
    return json.dumps({"encounter": data.model_dump(mode="json"), "expected": expected})


def fixture(tmp_path: Path) -> Path:
    """Two cases whose scores are known: one coded exactly as expected, one sent to review
    (E11 is a category) whose proposal misses a code."""
    path = tmp_path / "cases.jsonl"
    lines = [
        case(
            "ENC-EVAL-1",
            [("I10", "Essential hypertension")],
            {"diagnoses": ["I10"], "procedures": ["99213"]},
        ),
        "",  # blank lines are allowed
        case(
            "ENC-EVAL-2",
            [("I10", "Essential hypertension"), ("E11", "Type 2 diabetes")],
            {"diagnoses": ["I10", "e119"], "procedures": ["99213"]},
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_last_line_is_the_result_with_micro_scores(tmp_path: Path):
    result = medbill("coder", "eval", str(fixture(tmp_path)))
    assert result.code == 0, result.err
    last = result.out.strip().splitlines()[-1]
    found = RESULT.match(last)
    assert found, last
    dx, category, proc, automation, n = found.groups()
    # diagnoses: 2 right, 1 missed (E11.9: the review proposal has only I10) -> 4/5
    assert (float(dx), float(category), float(proc)) == (0.8, 0.8, 1.0)
    assert (float(automation), int(n)) == (0.5, 2)
    assert "1 coded, 1 sent to review" in result.out
    assert "sent to review for: ICD10CM-NOT-BILLABLE 1" in result.out
    assert "fails an edit: 0 (must be 0)" in result.out


def test_verbose_names_each_miss_with_codes_only(tmp_path: Path):
    result = medbill("coder", "eval", "--verbose", str(fixture(tmp_path)))
    assert result.code == 0, result.err
    misses = [line for line in result.out.splitlines() if line.startswith("line ")]
    assert len(misses) == 1, result.out
    assert misses[0].startswith("line 3 ENC-EVAL-2: review (ICD10CM-")
    assert "dx missed E11.9 extra -" in misses[0]
    assert "diabetes" not in result.out.lower()  # codes, never the documentation's words


def test_a_missing_file_is_one_clear_line(tmp_path: Path):
    result = medbill("coder", "eval", str(tmp_path / "nothere.jsonl"))
    assert "no such file" in result.assert_one_clear_line()


def test_a_broken_case_is_named_by_its_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    good = case("ENC-OK", [("I10", "HTN")], {"diagnoses": ["I10"], "procedures": []})
    bad = json.loads(good)
    del bad["encounter"]["patient"]
    path.write_text("\n".join([good, json.dumps(bad), "{not json"]) + "\n")
    line = medbill("coder", "eval", str(path)).assert_one_clear_line()
    assert f"{path}:2: encounter.patient" in line
    path.write_text(good + "\n{not json\n")
    assert f"{path}:2: not JSON" in medbill("coder", "eval", str(path)).assert_one_clear_line()


def test_help_says_how_review_cases_are_scored():
    result = medbill("coder", "eval", "--help")
    assert result.code == 0
    assert "proposes" in result.out and "RESULT dx_f1=" in result.out
