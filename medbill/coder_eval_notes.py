"""`medbill coder eval-notes TEXT_DIR GOLD_TSV`: how well the coder codes diagnoses from notes.

Every `*.txt` in TEXT_DIR is coded as the discharge summary of an inpatient encounter (its
file name without `.txt` is the case id) by the engine the service runs: the reference data
of `reference_data.load()`, the text engine's mentions (services/coder/domain/text/) and the
guideline rules (services/coder/domain/guidelines*.py) through `read_mentions` and
`code_words`, as `code_diagnoses` does. GOLD_TSV holds `case_id<TAB>code` lines (codes
with or without the dot, any case).

Scores are micro-averaged over every code assigned, before the 12-per-claim cut: P, R and F1
on exact codes, and F1 on 3-character categories (each category once per case).
`--predictions` writes `case_id<TAB>code` lines, most confident first within each case.

`--reading` says what is scored. `billing` (the default) is what the service bills: the
guideline rules' codes. `mentions` is an annotator's reading of a corpus such as CodiEsp,
whose annotators code every condition a text names: the rules' codes and, beside them, the
billable code of every mention strong enough to be a candidate (MIN_CANDIDATE_CONFIDENCE, a
learned association from a discharge summary's floor), whatever the rules made of it:
negated, hypothetical, past or family, a symptom integral to a diagnosis, a part of a
combination code or a less specific code beside a specific one. It measures the text
engine (what the words name), not the billing rules, and is never what the service codes.

Last line: RESULT p=... r=... f1=... cat_f1=... n_docs=...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .coder_eval import Tally
from .errors import CommandError

if TYPE_CHECKING:
    from services.coder.domain.icd10cm import CodeSet
    from services.coder.domain.text.mentions import Mention

Coder = Callable[[str], list[tuple[str, float]]]
READINGS = ("billing", "mentions")


def plain(code: str) -> str:
    """A code as the scores compare it: upper case, no dot."""
    return code.strip().upper().replace(".", "")


def read_gold(path: Path) -> dict[str, set[str]]:
    """`case_id<TAB>code` lines; blank lines and lines without a tab are skipped."""
    gold: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[0] and parts[1]:
            gold.setdefault(parts[0].strip(), set()).add(plain(parts[1]))
    return gold


def service_coder(reading: str = "billing") -> Coder:
    """The service's own engine, loaded once: the text as an inpatient's discharge summary,
    coded by the guideline rules when they are loaded, else the mentions that are present
    or possible (an inpatient's uncertain diagnosis is coded as established). `reading`
    "mentions" adds every candidate mention's billable code (module docstring)."""
    from services.coder import reference_data
    from services.coder.domain import diagnoses
    from services.coder.domain.encounter import ClinicalNote, Encounter, Patient

    data = reference_data.load()
    tables = data.guidelines
    patient = Patient(patient_id="eval", birth_date=date(1970, 1, 1), sex="U")

    def code(text: str) -> list[tuple[str, float]]:
        encounter = Encounter(
            encounter_id="eval",
            encounter_type="inpatient",
            patient_status="new",
            place_of_service="21",
            date_of_service=date(2026, 6, 1),
            patient=patient,
            notes=(ClinicalNote(note_id="1", kind="discharge_summary", text=text),),
        )
        mentions = diagnoses.read_mentions(encounter, data)
        if tables is not None:
            from services.coder.domain.guidelines_coding import code_words

            coding = code_words((), mentions, encounter, data.code_set, tables)
            found = [(f.code, f.confidence) for f in coding.findings]
            if reading == "mentions":
                found.extend(named_codes(mentions, data.code_set))
            return found
        return [(m.code, m.confidence) for m in mentions if m.assertion in ("present", "possible")]

    return code


def named_codes(mentions: Iterable[Mention], code_set: CodeSet) -> list[tuple[str, float]]:
    """The `mentions` reading's codes: each mention's own code where it is billable, the
    mention strong enough to be a candidate, whatever its assertion; of the codes one span
    names, the one the rules would choose (`one_code_per_span`: the others are
    alternatives for the same words)."""
    from services.coder.domain.guidelines import (
        LEARNED_RULE,
        MIN_CANDIDATE_CONFIDENCE,
        learned_floor,
    )
    from services.coder.domain.guidelines_statement import one_code_per_span

    floor = learned_floor("discharge_summary")
    return [
        (m.code, m.confidence)
        for m in one_code_per_span(list(mentions))[0]
        if m.confidence >= MIN_CANDIDATE_CONFIDENCE
        and (m.rule != LEARNED_RULE or m.confidence >= floor)
        and code_set.lookup(m.code).billable
    ]


def ranked(found: Iterable[tuple[str, float]]) -> list[str]:
    """Each code once, most confident first (ties: first found first)."""
    best: dict[str, float] = {}
    for code, confidence in found:
        key = plain(code)
        if confidence > best.get(key, -1.0):
            best[key] = confidence
    order = {code: i for i, code in enumerate(best)}
    return sorted(best, key=lambda c: (-best[c], order[c]))


def evaluate(
    text_dir: Path,
    gold_tsv: Path,
    predictions: Path | None = None,
    coder: Coder | None = None,
    reading: str = "billing",
) -> str:
    """Code and score every case; returns the RESULT line (the caller prints it)."""
    if not text_dir.is_dir():
        raise CommandError(f"no such directory: {text_dir}")
    if not gold_tsv.is_file():
        raise CommandError(f"no such file: {gold_tsv}")
    files = sorted(text_dir.glob("*.txt"))
    if not files:
        raise CommandError(f"no *.txt files in {text_dir}")
    gold = read_gold(gold_tsv)
    if reading not in READINGS:
        raise CommandError(f"no such reading: {reading} (one of {', '.join(READINGS)})")
    code = coder or service_coder(reading)
    exact, category = Tally(), Tally()  # micro-averaged, as medbill coder eval scores
    lines: list[str] = []
    for path in files:
        case_id = path.stem
        codes = ranked(code(path.read_text(encoding="utf-8")))
        expected = gold.get(case_id, set())
        exact.add(Counter(set(codes)), Counter(expected))
        category.add(Counter({c[:3] for c in codes}), Counter({c[:3] for c in expected}))
        lines.extend(f"{case_id}\t{c}" for c in codes)
    if predictions is not None:
        predictions.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return (
        f"RESULT p={exact.precision:.4f} r={exact.recall:.4f} f1={exact.f1:.4f} "
        f"cat_f1={category.f1:.4f} n_docs={len(files)}"
    )
