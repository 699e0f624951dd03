"""The ICD-10-CM code set as the domain sees it: entries, normalisation and code-set year.

The tabular list itself is data: the domain defines `CodeSet`, and an edge module
(services/coder/reference_data.py) implements it over the loaded release, built once at
start-up and passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    # What the code-set edits read (services/coder/domain/edits.py); the defaults are a code
    # that applies to anyone and needs nothing more.
    sex: Literal["M", "F"] | None = None
    ages: AgeRange | None = None
    manifestation: bool = False
    seventh_characters: str = ""
    code_first: tuple[str, ...] = ()
    use_additional: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.kind != "unknown"

    @property
    def needs_seventh(self) -> bool:
        """A code of a category with a `<sevenChrDef>` that does not yet have its 7th
        character (ICD-10-CM Official Guidelines I.A.6: the 7th character is required for
        all codes in such a category)."""
        return bool(self.seventh_characters) and not self.billable


@dataclass(frozen=True, slots=True)
class AgeRange:
    """The ages (in completed years at the date of service) a code is meant for, and the
    edit group that says so (newborn, pediatric, maternity, adult: the CMS Medicare Code
    Editor's age edits)."""

    group: str
    low: int
    high: int

    def admits(self, age: int) -> bool:
        return self.low <= age <= self.high


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


def fiscal_year_start(label: str) -> date:
    """1 October before the fiscal year of `label` ("FY2027" -> 2026-10-01)."""
    return date(int(label[2:]) - 1, 10, 1)


@dataclass(frozen=True, slots=True)
class CodeSetChoice:
    """Which loaded release coded an encounter: `in_force` is the fiscal year of the date of
    service, `covers` whether the set used is that year's (False: another year's set stood
    in, and the result says so; it never passes for the year in force)."""

    label: str
    release: str
    in_force: str
    covers: bool

    @property
    def version(self) -> str:
        """The set's name as encounter.coded reports it, e.g. "FY2026 (April 2026)"."""
        return f"{self.label} ({self.release})" if self.release else self.label


UncoveredPolicy = Literal["flag", "review"]


class CodeSets:
    """Several ICD-10-CM releases side by side, chosen by date of service (45 CFR 162.1002:
    the code set in force on the date of service; a new fiscal year's set from 1 October).

    When two releases of one fiscal year are loaded (the October release and an April
    update), the latest one effective on the date is used, else the year's earliest. A date
    in a fiscal year no set covers is coded against the nearest loaded year (the latest
    before it, else the earliest after it) and the choice says `covers=False`;
    `uncovered` says what the coder does then: `flag` (an ICD10CM-VERSION edit on the
    result) or `review` (a human coder decides)."""

    def __init__(
        self,
        sets: Sequence[tuple[CodeSet, date]],
        uncovered: UncoveredPolicy = "flag",
    ) -> None:
        if not sets:
            raise ValueError("at least one ICD-10-CM code set is needed")
        self.uncovered: UncoveredPolicy = uncovered
        ordered = sorted(sets, key=lambda pair: (pair[0].label, pair[1]))
        self._by_year: dict[str, list[tuple[date, CodeSet]]] = {}
        for code_set, effective in ordered:
            self._by_year.setdefault(code_set.label, []).append((effective, code_set))
        self.years: tuple[str, ...] = tuple(sorted(self._by_year))
        # the default for readers that take one set: the newest release loaded
        self.latest: CodeSet = self._by_year[self.years[-1]][-1][1]
        self._choices: dict[tuple[str, date | None], tuple[CodeSet, CodeSetChoice]] = {}

    def all(self) -> tuple[CodeSet, ...]:
        return tuple(code_set for year in self.years for _, code_set in self._by_year[year])

    def for_date(self, date_of_service: date) -> tuple[CodeSet, CodeSetChoice]:
        """The release to code a date of service with, and what that choice means."""
        in_force = fiscal_year(date_of_service)
        releases = self._by_year.get(in_force)
        if releases is None:
            key: tuple[str, date | None] = (in_force, None)
        elif len(releases) == 1:
            key = (in_force, releases[0][0])
        else:
            effective = [e for e, _ in releases if e <= date_of_service]
            key = (in_force, effective[-1] if effective else releases[0][0])
        found = self._choices.get(key)
        if found is None:
            found = self._choose(in_force, key[1])
            if len(self._choices) < 4096:
                self._choices[key] = found
        return found

    def _choose(self, in_force: str, effective: date | None) -> tuple[CodeSet, CodeSetChoice]:
        if effective is not None:
            code_set = next(s for e, s in self._by_year[in_force] if e == effective)
            return code_set, CodeSetChoice(code_set.label, code_set.release, in_force, True)
        earlier = [year for year in self.years if year < in_force]
        year = earlier[-1] if earlier else self.years[0]
        code_set = self._by_year[year][-1][1]
        return code_set, CodeSetChoice(code_set.label, code_set.release, in_force, False)
