"""The evaluation set stays valid and in step with its sources (tools/coder_eval_cases.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _tool():
    spec = importlib.util.spec_from_file_location(
        "coder_eval_cases", ROOT / "tools" / "coder_eval_cases.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_case_passes_the_checks_and_matches_its_source():
    assert _tool().find_problems() == []


def test_the_set_has_300_cases_and_a_holdout_of_150_or_more():
    """dev.jsonl grows with every rule written against it; the holdout, only measured,
    keeps at least 150 cases and a third of the set."""
    counts = {
        split: len(
            (ROOT / "tests" / "data" / "coder_eval" / f"{split}.jsonl").read_text().splitlines()
        )
        for split in ("dev", "holdout")
    }
    assert counts["dev"] + counts["holdout"] >= 300
    assert counts["holdout"] >= 150
    assert counts["holdout"] >= (counts["dev"] + counts["holdout"]) / 3


def test_the_checker_rejects_an_unbillable_code_and_a_wrong_preventive_age():
    tool = _tool()
    line = (ROOT / "tests" / "data" / "coder_eval" / "dev.jsonl").read_text().splitlines()[0]
    case = json.loads(line)
    case["expected"]["diagnoses"].append("E11")  # a category, not billable
    case["expected"]["procedures"].append("99381")  # preventive code for infants
    import simple_icd_10_cm as icd

    enc = case["encounter"]
    problems = tool._check_codes(case["expected"]["diagnoses"], 20000, "F", "x", icd)
    problems += tool._check_procedures(case, "x")
    assert any("E11 is not a billable" in p for p in problems)
    assert any("99381" in p for p in problems)
    assert enc["encounter_type"] == "office"
