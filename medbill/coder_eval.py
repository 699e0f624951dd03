"""`medbill coder eval FILE.jsonl`: how well the coder codes a set of cases, with the engine
the service runs.

One case per line: `{"encounter": <encounter.closed data>, "expected": {"diagnoses": [...],
"procedures": [...]}}` (ICD-10-CM codes first-listed first; CPT/HCPCS codes of the service
lines, the E/M code included). Each encounter is read as the coder's consumer reads it, coded
by `code_encounter` with `reference_data.load()` and turned into its outgoing event by
services/coder/wire.py, as the service does. An encounter sent to review is scored on the
codes it proposes to the reviewer.

Scores are micro-averaged over all cases: exact diagnosis codes, their 3-character
categories (each category once per case), procedure codes (each line counts: a code billed
twice must be expected twice), and the share coded without review. Two checks must find
nothing: an encounter coded without review although one of its codes fails an edit, and
evidence whose text is not its source's characters start:end.

Last line: RESULT dx_f1=... dx_category_f1=... proc_f1=... automation=... n=...
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.coding import CodingReviewRequested, EncounterCoded, Evidence
from schemas.encounter import Documentation, EncounterClosed, EncounterClosedData

from .errors import CommandError

_TEXT_SOURCE = re.compile(r"^(notes|diagnoses|procedures)\[([0-9]+)\]$")


@dataclass(frozen=True)
class Case:
    line: int
    encounter: EncounterClosedData
    diagnoses: tuple[str, ...]
    procedures: tuple[str, ...]


@dataclass
class Tally:
    """Micro-averaged counts of one score."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Counter[str], expected: Counter[str]) -> None:
        hit = sum((predicted & expected).values())
        self.tp += hit
        self.fp += sum(predicted.values()) - hit
        self.fn += sum(expected.values()) - hit

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        # nothing expected and nothing predicted is a perfect score, not a division by zero
        if not (self.tp or self.fp or self.fn):
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class Scored:
    """One case as coded: the codes it got (coded or proposed) and what went wrong."""

    case: Case
    coded: bool
    diagnoses: tuple[str, ...]
    procedures: tuple[str, ...]
    review_rules: tuple[str, ...]
    edit_failures: tuple[str, ...]
    evidence_problems: tuple[str, ...]


@dataclass
class Report:
    dx: Tally = field(default_factory=Tally)
    category: Tally = field(default_factory=Tally)
    proc: Tally = field(default_factory=Tally)
    cases: list[Scored] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.cases)

    @property
    def automation(self) -> float:
        return sum(s.coded for s in self.cases) / self.n if self.n else 0.0

    @property
    def unsafe(self) -> list[Scored]:
        """Coded without review although a code fails an edit: must be none."""
        return [s for s in self.cases if s.coded and s.edit_failures]

    def result_line(self) -> str:
        return (
            f"RESULT dx_f1={self.dx.f1:.4f} dx_category_f1={self.category.f1:.4f} "
            f"proc_f1={self.proc.f1:.4f} automation={self.automation:.4f} n={self.n}"
        )


# --- reading the cases ------------------------------------------------------------------------


def read_cases(path: Path) -> list[Case]:
    """Every case of a JSONL file; a line that is no case is one clear error naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file", code=2) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read ({type(exc).__name__})", code=2) from None
    cases = [_case(path, number, line) for number, line in enumerate(lines, 1) if line.strip()]
    if not cases:
        raise CommandError(f"{path}: no cases", code=2)
    return cases


def _case(path: Path, number: int, line: str) -> Case:
    where = f"{path}:{number}"
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CommandError(f"{where}: not JSON ({exc.msg})", code=2) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("expected"), dict):
        raise CommandError(f'{where}: a case is {{"encounter": ..., "expected": ...}}', code=2)
    expected = raw["expected"]
    codes = {}
    for key in ("diagnoses", "procedures"):
        value = expected.get(key, [])
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise CommandError(f"{where}: expected.{key} must be a list of codes", code=2)
        codes[key] = value
    try:
        encounter = EncounterClosedData.model_validate(raw.get("encounter"))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise CommandError(f"{where}: encounter.{loc}: {first['msg']}", code=2) from None
    return Case(
        line=number,
        encounter=encounter,
        diagnoses=tuple(_dx_code(c) for c in codes["diagnoses"]),
        procedures=tuple(c.strip().upper() for c in codes["procedures"]),
    )


def _dx_code(raw: str) -> str:
    code = "".join(raw.split()).upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


# --- coding and scoring -----------------------------------------------------------------------


def evaluate(cases: Iterable[Case], reference: Any = None) -> Report:
    """Code every case with the service's engine and score it."""
    from services.coder import reference_data, wire
    from services.coder.domain import Coded, code_encounter

    reference = reference if reference is not None else reference_data.load()
    report = Report()
    for case in cases:
        closed = case.encounter
        outcome = code_encounter(wire.encounter(closed), reference)
        cause = EncounterClosed.create(
            closed, source="medbill/coder-eval", correlation_id=closed.encounter_id
        )
        event = wire.outcome_event(outcome, closed, cause, reference)
        coded = isinstance(outcome, Coded)
        rules: tuple[str, ...] = ()
        if isinstance(event, EncounterCoded):
            diagnoses, lines = event.data.diagnoses, event.data.service_lines
        else:
            assert isinstance(event, CodingReviewRequested)
            data = event.data
            diagnoses, lines = data.proposed_diagnoses, data.proposed_service_lines
            rules = tuple(r.rule for r in data.reasons)
        scored = Scored(
            case=case,
            coded=coded,
            diagnoses=tuple(_dx_code(d.code) for d in diagnoses),
            procedures=tuple(line.code for line in lines),
            review_rules=rules,
            edit_failures=tuple(edit_failures(event, closed, reference)) if coded else (),
            evidence_problems=tuple(
                evidence_problems(
                    closed.documentation,
                    [(f"diagnosis {d.code}", d.evidence) for d in diagnoses]
                    + [(f"line {line.code}", line.evidence) for line in lines],
                )
            ),
        )
        report.cases.append(scored)
        report.dx.add(Counter(set(scored.diagnoses)), Counter(set(case.diagnoses)))
        report.category.add(
            Counter({c[:3] for c in scored.diagnoses}), Counter({c[:3] for c in case.diagnoses})
        )
        report.proc.add(Counter(scored.procedures), Counter(case.procedures))
    return report


def edit_failures(
    event: EncounterCoded | CodingReviewRequested, closed: EncounterClosedData, reference: Any
) -> Iterator[str]:
    """The edits the final codes of a coded encounter fail, run afresh on what the event says
    (not on what the engine decided along the way), with the code set of the date of
    service: valid and billable, age, sex, manifestation first-listed, Excludes1
    (services/coder/domain/edits.py), the 7th character; the NCCI PTP pairs and MUEs of the
    service lines (ncci.py); and every diagnosis pointer pointing at a diagnosis. Each
    failure is named by its rule and code (never the record's words)."""
    from services.coder import wire
    from services.coder.domain.edits import code_edit_failures, seventh_character_reason
    from services.coder.domain.ncci import BilledLine, check_mue, check_ptp

    if not isinstance(event, EncounterCoded):
        return
    data, day = event.data, closed.date_of_service
    code_set = (
        reference.code_sets.for_date(day)[0]
        if reference.code_sets is not None
        else reference.code_set
    )
    entries = [code_set.lookup(d.code) for d in data.diagnoses]
    patient = wire.encounter(closed).patient
    for failure in code_edit_failures(entries, patient, day, code_set.label):
        yield f"{failure.rule} {failure.code}"
    for d in data.diagnoses:
        reason = seventh_character_reason(d.code, code_set)
        if reason is not None:
            yield f"{reason.rule} {d.code}"
    lines = [BilledLine(line.code, list(line.modifiers), line.units) for line in data.service_lines]
    for reason in [*check_ptp(lines, reference.ncci, day).reasons,
                   *check_mue(lines, reference.ncci).reasons]:  # fmt: skip
        yield f"{reason.rule} {reason.subject}"
    for line in data.service_lines:
        if any(not 1 <= p <= len(data.diagnoses) for p in line.diagnosis_pointers):
            yield f"DIAGNOSIS-POINTER line {line.line_number} {line.code}"


def source_text(documentation: Documentation, source: str) -> str | None:
    """The text an evidence `source` names (`notes[0]`, `diagnoses[1]`, `procedures[0]`,
    `assessment_plan`), or None when it names no text of the documentation."""
    if source == "assessment_plan":
        return documentation.assessment_plan
    match = _TEXT_SOURCE.match(source)
    if match is None:
        return None
    items = getattr(documentation, match[1])
    index = int(match[2])
    return items[index].text if index < len(items) else None


def evidence_problems(
    documentation: Documentation, evidence: Iterable[tuple[str, Evidence]]
) -> Iterator[str]:
    """Evidence that does not show its words where it says: offsets that do not give its
    text, offsets into a source the documentation does not have, or a span of a note
    without offsets (a reader could not find it)."""
    for what, e in evidence:
        if e.start is None and e.end is None:
            if e.source.startswith("notes["):
                yield f"{what}: evidence from {e.source} has no offsets"
            continue
        text = source_text(documentation, e.source)
        if text is None:
            yield f"{what}: offsets into {e.source}, which is no text of the documentation"
        elif e.start is None or e.end is None or not 0 <= e.start <= e.end <= len(text):
            yield f"{what}: offsets {e.start}:{e.end} outside {e.source} ({len(text)} chars)"
        elif text[e.start : e.end] != e.text:
            yield f"{what}: {e.source}[{e.start}:{e.end}] is not the evidence text"


# --- the command ------------------------------------------------------------------------------


def run(path: Path, *, verbose: bool = False, say: Callable[[str], None] = print) -> int:
    report = evaluate(read_cases(path))
    for s in report.cases if verbose else ():
        for line in _misses(s):
            say(line)
    coded = sum(s.coded for s in report.cases)
    say(
        f"{report.n} case(s): {coded} coded, {report.n - coded} sent to review (scored on"
        " the codes proposed to the reviewer)"
    )
    rules = Counter(rule for s in report.cases for rule in dict.fromkeys(s.review_rules))
    if rules:
        say("sent to review for: " + ", ".join(f"{r} {n}" for r, n in rules.most_common(8)))
    for name, tally in (
        ("diagnoses", report.dx),
        ("categories", report.category),
        ("procedures", report.proc),
    ):
        say(
            f"{name:<11} p={tally.precision:.4f} r={tally.recall:.4f} f1={tally.f1:.4f}"
            f" (tp {tally.tp}, fp {tally.fp}, fn {tally.fn})"
        )
    unsafe = report.unsafe
    say(f"coded without review although a code fails an edit: {len(unsafe)} (must be 0)")
    for s in unsafe:
        say(f"  line {s.case.line} {s.case.encounter.encounter_id}: {'; '.join(s.edit_failures)}")
    bad = [s for s in report.cases if s.evidence_problems]
    say(f"evidence not its source's start:end characters: {len(bad)} case(s) (must be 0)")
    for s in bad:
        say(f"  line {s.case.line} {s.case.encounter.encounter_id}: {s.evidence_problems[0]}")
    say(report.result_line())
    return 0


def _misses(s: Scored) -> Iterator[str]:
    """One line per case that is not exactly right, naming codes only (no clinical text)."""
    dx_missed = sorted(set(s.case.diagnoses) - set(s.diagnoses))
    dx_extra = sorted(set(s.diagnoses) - set(s.case.diagnoses))
    proc_missed = sorted((Counter(s.case.procedures) - Counter(s.procedures)).elements())
    proc_extra = sorted((Counter(s.procedures) - Counter(s.case.procedures)).elements())
    if not (dx_missed or dx_extra or proc_missed or proc_extra or not s.coded):
        return
    parts = []
    if not s.coded:
        parts.append(f"review ({', '.join(dict.fromkeys(s.review_rules))})")
    if dx_missed or dx_extra:
        parts.append(f"dx missed {_codes(dx_missed)} extra {_codes(dx_extra)}")
    if proc_missed or proc_extra:
        parts.append(f"proc missed {_codes(proc_missed)} extra {_codes(proc_extra)}")
    yield f"line {s.case.line} {s.case.encounter.encounter_id}: " + "; ".join(parts)


def _codes(codes: list[str]) -> str:
    return ",".join(codes) if codes else "-"
