"""The ICD-10-CM code set as the domain sees it: entries, normalisation and code-set year.

The tabular list itself is data: the domain defines `CodeSet`, and an edge module
(services/coder/reference_data.py) implements it over the loaded release, built once at
start-up and passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from .excludes1 import ExcludedRange

CodeKind = Literal["unknown", "category", "subcategory", "code"]


@dataclass(frozen=True, slots=True)
class Icd10CmEntry:
    """One code-set item: a billable code (a leaf), a category or subcategory, or unknown.

    `excludes1` holds every Excludes1 range that applies to it: its own notes and its
    ancestors' (ICD-10-CM Tabular List conventions, I.A.12)."""

    code: str
    kind: CodeKind
    billable: bool
    description: str
    excludes1: tuple[ExcludedRange, ...] = ()

    @property
    def known(self) -> bool:
        return self.kind != "unknown"


class CodeSet(Protocol):
    """An ICD-10-CM release: `label` is its fiscal year ("FY2026"), `release` its edition
    ("April 2026"); `lookup` answers for any normalised string, "unknown" when it is no
    item of the tabular list."""

    @property
    def label(self) -> str: ...

    @property
    def release(self) -> str: ...

    def lookup(self, code: str) -> Icd10CmEntry: ...


def normalize_icd10cm(raw: str) -> str:
    """Uppercase a supplied code and put the decimal point after the 3-character category.

    ICD-10-CM Official Guidelines I.A.2 (format and structure): a code is a 3-character
    category, then a decimal point and up to 4 more characters. EHRs often drop the point.
    """
    code = "".join(raw.split()).upper()
    # Only a plain run of letters and digits is a code missing its point; anything else
    # is reported to the reviewer exactly as supplied.
    if len(code) > 3 and code.isalnum():
        code = f"{code[:3]}.{code[3:]}"
    return code


def fiscal_year(date_of_service: date) -> str:
    """Label the ICD-10-CM code set in force on a date of service.

    The HIPAA code set is updated every 1 October (NCHS/CMS annual release, 45 CFR
    162.1002): a date of service from 1 October of year Y-1 to 30 September of year Y
    falls in fiscal year Y.
    """
    year = date_of_service.year + 1 if date_of_service.month >= 10 else date_of_service.year
    return f"FY{year}"
