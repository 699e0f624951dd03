"""ICD-10-CM code-set lookups: normalisation, validity, billability and code-set year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

import simple_icd_10_cm as cm

LOADED_CODE_SET = "FY2026"
LOADED_RELEASE = "April 2026"

_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
# Bounded: codes arrive from outside, and a stream of garbage must not grow memory forever.
_CACHE_SIZE = 1 << 16

CodeKind = Literal["unknown", "category", "subcategory", "code"]


@dataclass(frozen=True, slots=True)
class Icd10CmEntry:
    code: str
    kind: CodeKind
    billable: bool
    description: str

    @property
    def known(self) -> bool:
        return self.kind != "unknown"


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


@lru_cache(maxsize=_CACHE_SIZE)
def lookup(code: str) -> Icd10CmEntry:
    """Look a normalised code up in the loaded (April 2026) ICD-10-CM tabular list.

    Only a leaf may be reported: ICD-10-CM Official Guidelines I.A.3 (categories and
    subcategories are not for reporting) and I.B.2 (a code is invalid unless coded to the
    full number of characters required, 7th character included).
    """
    if not _CODE_SHAPE.match(code) or not cm.is_valid_item(code):
        return Icd10CmEntry(code, "unknown", False, "")
    billable = cm.is_leaf(code)
    kind: CodeKind
    if billable:
        kind = "code"
    elif cm.is_category(code):
        kind = "category"
    else:
        kind = "subcategory"
    return Icd10CmEntry(code, kind, billable, cm.get_description(code))


def fiscal_year(date_of_service: date) -> str:
    """Label the ICD-10-CM code set in force on a date of service.

    The HIPAA code set is updated every 1 October (NCHS/CMS annual release, 45 CFR
    162.1002): a date of service from 1 October of year Y-1 to 30 September of year Y
    falls in fiscal year Y.
    """
    year = date_of_service.year + 1 if date_of_service.month >= 10 else date_of_service.year
    return f"FY{year}"
