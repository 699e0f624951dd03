"""Units of service and the measures that choose a code: doses, minutes, lengths, views.

- Drugs (HCPCS Level II J-codes) are billed in units of the dose the descriptor names:
  the dose given over the dose per unit, rounded up (CMS Medicare Claims Processing Manual
  ch. 17 §70: "if the drug dose ... falls between units, round up").
- Timed services ("each 15 minutes") follow the CMS 8-minute rule (Medicare Claims
  Processing Manual ch. 5 §20.2): the day's timed minutes give the units in total, 8 to 22
  minutes one unit, 23 to 37 two, and so on; each service gets a unit for each full 15
  minutes, and the units left go to the services with the most minutes left over.
- Add-on codes count what passes their primary: "each additional hour" past 30 minutes
  beyond the hour (CPT drug administration guidelines), each further 5 cm or 20 sq cm.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .encounter import Laterality
from .lexicon import Dose, LexiconEntry, parse_dose
from .results import CodingMethod, Evidence

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "single": 1, "both": 2,
}  # fmt: skip
_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + ")"
_MEASURES: dict[str, re.Pattern[str]] = {
    "cm": re.compile(_NUM + r"\s*-?\s*(cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?)\b", re.I),
    "sqcm": re.compile(_NUM + r"\s*(?:sq\.?\s*cm|square\s+centimet(?:er|re)s?|cm2)\b", re.I),
    "min": re.compile(_NUM + r"\s*-?\s*(?:minutes?|mins?)\b", re.I),
    "views": re.compile(_NUM + r"\s*-?\s*views?\b", re.I),
    "lesions": re.compile(
        _NUM + r"\s+(?:\w+\s+){0,3}?(?:lesions?|warts?|keratos[ie]s|aks|calluse?s|corns|tags|"
        r"papules)\b|\b(?:lesions?|warts?|keratos[ie]s|aks|papules)\s*x\s*" + _NUM + r"\b",
        re.I,
    ),
    "nails": re.compile(_NUM + r"\s+(?:\w+\s+)?(?:nails?|toenails?)\b", re.I),
    "muscles": re.compile(_NUM + r"\s+(?:\w+\s+)?muscles?\b", re.I),
    "regions": re.compile(_NUM + r"\s+(?:\w+\s+)?(?:spinal\s+)?regions?\b", re.I),
}
_DOSE_TEXT = re.compile(
    r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(mg|mgs|g|gm|grams?|mcg|ug|micrograms?|ml|cc|l|liters?|"
    r"litres?|units?|u|iu)\b",
    re.I,
)


@dataclass(slots=True)
class Found:
    """A service the documentation supports, before it is a claim line: the entry, its
    evidence, how it was found, its units and what the edits read (side, site, author)."""

    entry: LexiconEntry
    evidence: Evidence
    method: CodingMethod
    rule: str
    confidence: float
    units: int = 1
    laterality: Laterality | None = None
    site: str | None = None
    author: str | None = None
    minutes: int | None = None
    modifiers: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.entry.code


def number(text: str) -> float:
    word = text.lower()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def measures(text: str, only: Iterable[str] | None = None) -> dict[str, float]:
    """The first count or size of each kind (or of the kinds `only` names) in a piece of
    text (cm from mm; lengths of several wounds are added by wound_repair, not here)."""
    found: dict[str, float] = {}
    kinds = _MEASURES if only is None else {k: _MEASURES[k] for k in only if k in _MEASURES}
    for name, pattern in kinds.items():
        hit = pattern.search(text)
        if hit is None:
            continue
        value = number(hit.group(1) if hit.group(1) is not None else hit.group(2))
        if name == "cm" and hit.group(2).lower().startswith("m"):
            value /= 10
        found[name] = value
    return found


def lengths_cm(text: str) -> list[float]:
    """Every length in the text, in cm (a wound repair adds them up)."""
    out = []
    for hit in _MEASURES["cm"].finditer(text):
        value = number(hit.group(1))
        out.append(value / 10 if hit.group(2).lower().startswith("m") else value)
    return out


def documented_dose(text: str) -> Dose | None:
    """The first dose written in the text ("30 mg", "1 g", "1,000 mcg", "40 units")."""
    hit = _DOSE_TEXT.search(text)
    return parse_dose(hit.group(1), hit.group(2)) if hit else None


def dose_units(entry: LexiconEntry, dose: Dose) -> int | None:
    """Billing units of a drug for a documented dose: dose over the unit's dose, rounded
    up (CMS); None when the units of measure differ (mg against mL)."""
    if entry.dose is None or entry.dose.unit != dose.unit:
        return None
    return max(1, math.ceil(round(dose.amount / entry.dose.amount, 6)))


def timed_units(minutes: int) -> int:
    """Units of one 15-minute service by the 8-minute rule (0 under 8 minutes)."""
    if minutes < 8:
        return 0
    return (minutes - 8) // 15 + 1


def eight_minute_rule(minutes: Sequence[int]) -> list[int]:
    """Units for each of a day's timed services by their minutes (CMS 8-minute rule):
    the total minutes give the total units; each service has its full 15s, and the units
    left go to the largest remainders (ties to the earlier service)."""
    total = timed_units(sum(minutes))
    units = [m // 15 for m in minutes]
    left = total - sum(units)
    order = sorted(range(len(minutes)), key=lambda i: (-(minutes[i] % 15), i))
    for i in order:
        if left <= 0:
            break
        if minutes[i] % 15:
            units[i] += 1
            left -= 1
    return units


def added_hours(minutes: int) -> int:
    """Units of an "each additional hour" add-on: hours past the first, the last one
    counted when more than 30 minutes (CPT drug administration guidelines)."""
    extra = minutes - 60
    if extra <= 30:
        return 0
    return extra // 60 + (1 if extra % 60 > 30 else 0)


def added_blocks(value: float, covered: float, block: float) -> int:
    """Units of an add-on for each further block (5 cm, 20 sq cm) past what the primary
    code covers."""
    return max(0, math.ceil(round((value - covered) / block, 6)))


def choose_in_family(
    entries: Sequence[LexiconEntry], values: dict[str, float], site: str | None
) -> list[LexiconEntry]:
    """The codes of a family the documented site and measure allow (ranges that hold the
    value; add-on codes are never chosen alone). All of them when nothing narrows."""
    chosen = [e for e in entries if e.addon_to is None]
    if site is not None and any(e.sites for e in chosen):
        chosen = [e for e in chosen if site in e.sites]
    measured = [e for e in chosen if e.range is not None and e.range.measure in values]
    if measured:
        chosen = [
            e for e in measured if e.range is not None and e.range.holds(values[e.range.measure])
        ]
    return chosen
