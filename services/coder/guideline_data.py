"""The guideline rules' reference data, read once at start-up: the history, family-history
and chronic tables, the combination codes, the integral symptoms and the drug and allergy
status terms (services/coder/data/*.tsv), and the tabular list's tree and "code first"
notes from the `simple_icd_10_cm` package (the April 2026 FY2026 tabular list)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import simple_icd_10_cm as cm

from .domain.excludes1 import parse_excluded_ranges
from .domain.guidelines import GuidelineTables
from .domain.guidelines_combination import (
    AdditionalCode,
    CombinationTables,
    DiabetesComplication,
    PairCode,
)
from .domain.guidelines_drugs import StatusTerms, build_status_terms
from .domain.guidelines_status import StatusTables

HISTORY_FILE = "history_codes.tsv"
COMBINATION_FILE = "combination_codes.tsv"
INTEGRAL_FILE = "integral_symptoms.tsv"
STATUS_TERMS_FILE = "status_terms.tsv"


class GuidelineDataError(ValueError):
    """A guideline data file that breaks its format (named with its line)."""


def _rows(name: str, columns: int) -> list[list[str]]:
    text = resources.files("services.coder").joinpath("data", name).read_text(encoding="utf-8")
    rows: list[list[str]] = []
    header = True
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if header:  # the column names
            header = False
            continue
        fields = line.split("\t")
        if len(fields) != columns:
            raise GuidelineDataError(f"{name} line {number}: {columns} columns expected")
        rows.append(fields)
    return rows


def load_status() -> StatusTables:
    history: dict[str, str] = {}
    family: dict[str, str] = {}
    chronic: set[str] = set()
    for kind, prefix, code, _note in _rows(HISTORY_FILE, 4):
        if kind == "history":
            history[prefix] = code
        elif kind == "family":
            family[prefix] = code
        elif kind == "chronic":
            chronic.add(prefix)
        else:
            raise GuidelineDataError(f"{HISTORY_FILE}: unknown kind {kind!r}")
    return StatusTables(history=history, family=family, chronic=frozenset(chronic))


def load_combinations() -> CombinationTables:
    diabetes: list[DiabetesComplication] = []
    additional: list[AdditionalCode] = []
    pairs: list[PairCode] = []
    for kind, prefix, value, extra in _rows(COMBINATION_FILE, 4):
        if kind == "diabetes":
            if extra not in {"keep", "drop"}:
                raise GuidelineDataError(f"{COMBINATION_FILE}: keep or drop, not {extra!r}")
            diabetes.append(DiabetesComplication(prefix, value, extra == "keep"))
        elif kind == "additional":
            additional.append(AdditionalCode(prefix, value, extra))
        elif kind in {"pair", "also"}:
            pairs.append(PairCode(prefix, value, extra, also=kind == "also"))
        else:
            raise GuidelineDataError(f"{COMBINATION_FILE}: unknown kind {kind!r}")
    return CombinationTables(
        diabetes=tuple(diabetes), additional=tuple(additional), pairs=tuple(pairs)
    )


def load_integral() -> dict[str, tuple[str, ...]]:
    return {
        symptom: tuple(p.strip() for p in diagnoses.split(",") if p.strip())
        for symptom, diagnoses in _rows(INTEGRAL_FILE, 2)
    }


def load_status_terms() -> StatusTerms:
    rows = _rows(STATUS_TERMS_FILE, 3)
    for scope, _term, _code in rows:
        if scope not in {"medication", "allergy", "immunization"}:
            raise GuidelineDataError(f"{STATUS_TERMS_FILE}: unknown scope {scope!r}")
    return build_status_terms([(scope, term, code) for scope, term, code in rows])


class PackageTabular:
    """The tabular tree and "code first" notes over `simple_icd_10_cm`, answered on first
    use and kept (bounded, as SimpleIcd10Cm keeps its entries)."""

    def __init__(self, cache_size: int = 1 << 15) -> None:
        self.children = lru_cache(maxsize=cache_size)(self._children)
        self.parent = lru_cache(maxsize=cache_size)(self._parent)
        self.code_first = lru_cache(maxsize=cache_size)(self._code_first)

    @staticmethod
    def _children(code: str) -> tuple[str, ...]:
        if not cm.is_valid_item(code):
            return ()
        return tuple(cm.get_children(code))

    @staticmethod
    def _parent(code: str) -> str:
        if not cm.is_valid_item(code) or cm.is_category(code):
            return ""
        parent = cm.get_parent(code)
        return parent if cm.is_category_or_subcategory(parent) else ""

    @staticmethod
    def _code_first(code: str) -> tuple[tuple[str, str], ...]:
        if not cm.is_valid_item(code) or not cm.is_category_or_subcategory(code):
            return ()
        ranges: list[tuple[str, str]] = []
        for item in (code, *cm.get_ancestors(code)):
            if not cm.is_category_or_subcategory(item):
                continue
            note = cm.get_code_first(item)
            if note:
                ranges.extend((r.low, r.high) for r in parse_excluded_ranges(note))
        return tuple(ranges)


def load() -> GuidelineTables:
    """Everything the guideline rules read (services/coder/reference_data.py::load)."""
    return GuidelineTables(
        tabular=PackageTabular(),
        status=load_status(),
        combinations=load_combinations(),
        integral=load_integral(),
        status_terms=load_status_terms(),
    )
