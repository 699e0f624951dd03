"""The sex and age table of the code-set edits: which codes are meant for one sex or one age
range (services/coder/data/icd10cm_applicability.tsv, read at start-up by
services/coder/code_sets.py into each code's entry; the checks are in edits.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .icd10cm import AgeRange, normalize_icd10cm


@dataclass(frozen=True, slots=True)
class ApplicabilityRow:
    """One row of the sex and age table (services/coder/data/icd10cm_applicability.tsv):
    codes `low` to `high` (each bound covering the codes under it) apply to one sex, or to
    one age range."""

    low: str
    high: str
    sex: Literal["M", "F", "any"] | None
    ages: AgeRange | None

    def covers(self, code: str) -> bool:
        return self.low <= code and code[: len(self.high)] <= self.high


class ApplicabilityError(ValueError):
    """A sex and age table that breaks its format (named with its line at start-up)."""


def parse_applicability(text: str) -> tuple[ApplicabilityRow, ...]:
    """Read the table: `codes<TAB>edit<TAB>value<TAB>group<TAB>basis`, where codes is a code,
    a prefix ("Z85.4") or a range ("N40-N53"), edit is `sex` (value M or F) or `age` (value
    "low-high" in completed years), group names the edit (male, female, newborn, pediatric,
    maternity, adult) and basis says where the row comes from; value `any` lifts a range's
    restriction from the codes of a narrower row. '#' starts a comment line."""
    rows: list[ApplicabilityRow] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 4 or fields[0] == "codes":
            if fields[0] == "codes":
                continue
            raise ApplicabilityError(f"line {number}: expected codes, edit, value, group")
        codes, edit, value, group = (f.strip() for f in fields[:4])
        low, _, high = codes.partition("-")
        low, high = normalize_icd10cm(low), normalize_icd10cm(high or low)
        if edit == "sex" and value in ("M", "F", "any"):
            rows.append(ApplicabilityRow(low, high, value, None))  # type: ignore[arg-type]
        elif edit == "age" and value == "any":
            rows.append(ApplicabilityRow(low, high, None, AgeRange("any", 0, 999)))
        elif edit == "age":
            youngest, _, oldest = value.partition("-")
            if not (youngest.isdigit() and oldest.isdigit()) or int(youngest) > int(oldest):
                raise ApplicabilityError(f"line {number}: age {value!r} is not low-high")
            rows.append(
                ApplicabilityRow(low, high, None, AgeRange(group, int(youngest), int(oldest)))
            )
        else:
            raise ApplicabilityError(f"line {number}: unknown edit {edit!r} {value!r}")
    return tuple(rows)


def applicability(
    code: str, rows: Sequence[ApplicabilityRow]
) -> tuple[Literal["M", "F"] | None, AgeRange | None]:
    """The sex and the age range a code is for; the narrowest row wins (the longest bound),
    so that an exception can follow its range."""
    sex: Literal["M", "F"] | None = None
    ages: AgeRange | None = None
    sex_depth = age_depth = -1
    for row in rows:
        if not row.covers(code):
            continue
        depth = len(row.low) if row.low == row.high else 0
        if row.sex is not None and depth >= sex_depth:
            sex, sex_depth = (None if row.sex == "any" else row.sex), depth
        if row.ages is not None and depth >= age_depth:
            ages, age_depth = (None if row.ages.group == "any" else row.ages), depth
    return sex, ages
