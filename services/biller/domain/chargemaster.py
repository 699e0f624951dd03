"""The chargemaster: each billable code's list price and its patient-facing label."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from .errors import ChargemasterInvalid, UnitsNotPositive, UnpricedService
from .pricing import line_charge

CodeSystem = Literal["CPT", "HCPCS"]


@dataclass(frozen=True, slots=True)
class ChargemasterEntry:
    """One row of the chargemaster.

    `statement_label` is what a patient reads on a statement: generic words ("Office
    visit", "Lab test") that reveal nothing clinical. `description` is for billing staff.
    `revenue_code` is the UB-04 revenue code for a facility claim, when the site uses one.
    """

    code: str
    code_system: CodeSystem
    unit_price: Decimal
    statement_label: str
    revenue_code: str | None = None
    description: str | None = None


class Chargemaster:
    """The site's price list, keyed by CPT/HCPCS code. Immutable once built."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[ChargemasterEntry]) -> None:
        by_code: dict[str, ChargemasterEntry] = {}
        for position, entry in enumerate(entries, start=1):
            if entry.code in by_code:
                raise ChargemasterInvalid("entries", position, f"duplicate code {entry.code!r}")
            by_code[entry.code] = entry
        self._entries: Mapping[str, ChargemasterEntry] = MappingProxyType(by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def __iter__(self) -> Iterator[ChargemasterEntry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, code: str) -> ChargemasterEntry:
        """The row for `code`; a code the site does not price raises UnpricedService."""
        try:
            return self._entries[code]
        except KeyError:
            raise UnpricedService(code) from None

    def price(self, code: str, modifiers: Sequence[str] = (), units: int = 1) -> Decimal:
        """The line charge for `units` of `code` with `modifiers` (837P SV102, CMS-1500 24F).

        Unit price from this chargemaster x units, x 150% with modifier 50 (see
        pricing.BILATERAL_RATE), rounded to cents half up. Raises UnpricedService for a
        code not in the chargemaster and UnitsNotPositive for units below 1.
        """
        if units < 1:
            raise UnitsNotPositive(code, units)
        return line_charge(self.entry(code).unit_price, modifiers, units)

    def statement_label(self, code: str) -> str:
        """The patient-facing label for `code`: never the clinical description."""
        return self.entry(code).statement_label
