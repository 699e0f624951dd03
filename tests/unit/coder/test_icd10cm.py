"""Code normalisation, code-set lookups (the simple_icd_10_cm code set the service loads) and
the fiscal-year label."""

from __future__ import annotations

from datetime import date

import pytest

from services.coder.domain.excludes1 import ExcludedRange, excludes1_conflict, parse_excluded_ranges
from services.coder.domain.icd10cm import fiscal_year, normalize_icd10cm

from .factories import REFERENCE

lookup = REFERENCE.code_set.lookup


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("E119", "E11.9"),
        ("e11.9", "E11.9"),
        (" E11.9 ", "E11.9"),
        ("I10", "I10"),
        ("s52501a", "S52.501A"),
        ("J45909", "J45.909"),
        ("Z00.00", "Z00.00"),
        ("E11.-", "E11.-"),
        ("NOT-A-CODE", "NOT-A-CODE"),
    ],
)
def test_normalize_inserts_the_dot_and_uppercases(raw: str, normalized: str) -> None:
    assert normalize_icd10cm(raw) == normalized


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 9, 30), "FY2025"),
        (date(2025, 10, 1), "FY2026"),
        (date(2026, 4, 1), "FY2026"),
        (date(2026, 9, 30), "FY2026"),
        (date(2026, 10, 1), "FY2027"),
        (date(2026, 12, 31), "FY2027"),
        (date(2027, 1, 1), "FY2027"),
    ],
)
def test_fiscal_year_starts_on_1_october(day: date, label: str) -> None:
    assert fiscal_year(day) == label


@pytest.mark.parametrize(
    ("code", "kind", "billable"),
    [
        ("E11.9", "code", True),
        ("S52.501A", "code", True),
        ("E11", "category", False),
        ("E11.6", "subcategory", False),
        ("S52.501", "subcategory", False),
        ("Z99.999", "unknown", False),
        ("E08-E13", "unknown", False),  # a block is not a code
        ("4", "unknown", False),  # nor is a chapter
    ],
)
def test_lookup_kind_and_billability(code: str, kind: str, billable: bool) -> None:
    entry = lookup(code)
    assert (entry.kind, entry.billable, entry.known) == (kind, billable, kind != "unknown")


def test_lookup_gives_the_official_description() -> None:
    assert lookup("E11.9").description == "Type 2 diabetes mellitus without complications"


@pytest.mark.parametrize(
    ("note", "ranges"),
    [
        ("type 1 diabetes mellitus (E10.-)", [("E10", "E10")]),
        ("gestational diabetes (O24.4-)", [("O24.4", "O24.4")]),
        ("neonatal diabetes mellitus (P70.2)", [("P70.2", "P70.2")]),
        ("hypertension in pregnancy (O10-O11, O13-O16)", [("O10", "O11"), ("O13", "O16")]),
        ("stroke (I63.3-I63.5-)", [("I63.3", "I63.5")]),
        ("a typo (D29.2.-)", [("D29.2", "D29.2")]),
        ("gout (M1A.-, M10.-)", [("M1A", "M1A"), ("M10", "M10")]),
        ("poisoning (T36-T65 with fifth or sixth character 5)", []),
        ("acute bronchitis (acute)", []),
    ],
)
def test_parse_excluded_ranges(note: str, ranges: list[tuple[str, str]]) -> None:
    assert [(r.low, r.high) for r in parse_excluded_ranges(note)] == ranges


@pytest.mark.parametrize(
    ("low", "high", "code", "covered"),
    [
        ("E10", "E10", "E10.9", True),
        ("E10", "E10", "E10", True),
        ("E10", "E10", "E11.9", False),
        ("O10", "O11", "O11.3", True),
        ("O10", "O11", "O12.00", False),
        ("O10", "O11", "O09.90", False),
        ("A04.0", "A04.4", "A04.4", True),
        ("A04.0", "A04.4", "A04.71", False),
    ],
)
def test_excluded_range_covers(low: str, high: str, code: str, covered: bool) -> None:
    assert ExcludedRange(low, high, "note").covers(code) is covered


@pytest.mark.parametrize(
    ("first", "second", "owner"),
    [
        ("E11.9", "E10.9", "E11.9"),  # E11's category note names E10.-
        ("E10.9", "E11.9", "E10.9"),
        ("I10", "O10.011", "I10"),  # a range in I10's note
        ("E11.9", "I10", None),
        ("E11.9", "E11.9", None),
    ],
)
def test_excludes1_conflict_in_either_order(first: str, second: str, owner: str | None) -> None:
    conflict = excludes1_conflict(lookup(first), lookup(second))
    assert (conflict.code if conflict else None) == owner


def test_an_entry_carries_its_ancestors_excludes1_ranges() -> None:
    # E11.9's own notes are silent on E10; the note is on category E11
    assert any(r.covers("E10.9") for r in lookup("E11.9").excludes1)
    assert lookup("Z99.999").excludes1 == ()
