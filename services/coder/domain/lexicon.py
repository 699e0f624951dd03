"""The procedure lexicon: CPT/HCPCS codes this site bills, with plain-word keywords and the
rules that turn documentation into units.

CPT descriptors are AMA copyright, so the shipped file holds this project's own words;
a site replaces it with its licensed data. The file is read once at start-up by
services/coder/reference_data.py and parsed here; the `Lexicon` is passed in.

Columns: code, code_system, description, keywords ('|'-separated), laterality and
minor_procedure (yes/no) are required; optional columns say how a code is chosen and
counted:

- `units`: `each` (the documented quantity), `per_15_min` (timed services, the CMS
  8-minute rule), `per_dose` (drugs: the dose over the `dose` per billing unit, rounded
  up), `added_hour` (an add-on for each hour past the first, counted past 30 minutes),
  `added_5_cm` / `added_20_sqcm` (add-ons for each further 5 cm or 20 sq cm),
  `added_each` (an add-on for each further lesion or service);
- `dose`: the amount one billing unit holds ("250 mg", "1000 mcg", "5 units", "500 mL");
- `family`: codes that are one service of different sizes, times or counts (the
  `range` chooses among them), e.g. `repair_simple`;
- `sites`: the body sites (canonical words, '|'-separated) a code's descriptor covers;
- `range`: `<measure>:<low>-<high>` (`cm`, `min`, `views`, `lesions`, `sqcm`...), high
  open when empty;
- `addon_to`: the primary code an add-on code is reported with;
- `components`: the vaccine components (toxoids, antigens) a vaccine product holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from .errors import LexiconError
from .results import CodeSystem

COLUMNS = ("code", "code_system", "description", "keywords", "laterality", "minor_procedure")
OPTIONAL_COLUMNS = ("units", "dose", "family", "sites", "range", "addon_to", "components")
UnitsRule = Literal[
    "each", "per_15_min", "per_dose", "added_hour", "added_5_cm", "added_20_sqcm", "added_each"
]
UNITS_RULES: frozenset[str] = frozenset(UnitsRule.__args__)  # type: ignore[attr-defined]
_SYSTEMS: dict[str, CodeSystem] = {"CPT": "CPT", "HCPCS": "HCPCS"}
_CODE_SHAPE: dict[CodeSystem, re.Pattern[str]] = {
    "CPT": re.compile(r"^[0-9]{4}[0-9A-Z]$"),
    "HCPCS": re.compile(r"^[A-V][0-9]{4}$"),
}
_FLAGS = {"yes": True, "no": False}
_WORD = re.compile(r"[A-Za-z0-9]+")
_SPLIT = re.compile(r"([a-z0-9]+)")
# words a clinician puts inside a procedure's name without changing it: "closed reduction
# of the right distal radius fracture" is the keyword "closed reduction of distal radius
# fracture" (the side is read from the sentence, services/coder/domain/modifiers.py)
FILLER_WORDS = frozenset({"the", "left", "right", "his", "her", "their", "patient"})
_DOSE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$")
_RANGE = re.compile(r"^\s*([a-z]+):([0-9.]*)-([0-9.]*)\s*$")
# the unit of a dose as the lexicon and the documentation write it -> (base unit, factor)
DOSE_UNITS: dict[str, tuple[str, float]] = {
    "mg": ("mg", 1.0),
    "g": ("mg", 1000.0),
    "gm": ("mg", 1000.0),
    "gram": ("mg", 1000.0),
    "mcg": ("mg", 0.001),
    "ug": ("mg", 0.001),
    "microgram": ("mg", 0.001),
    "ml": ("ml", 1.0),
    "cc": ("ml", 1.0),
    "l": ("ml", 1000.0),
    "liter": ("ml", 1000.0),
    "litre": ("ml", 1000.0),
    "unit": ("unit", 1.0),
    "u": ("unit", 1.0),
    "iu": ("unit", 1.0),
}


@dataclass(frozen=True, slots=True)
class Dose:
    """An amount in a base unit (mg, ml or unit)."""

    amount: float
    unit: str


@dataclass(frozen=True, slots=True)
class Range:
    """What a code of a family covers: `measure` from `low` to `high` (None: no limit)."""

    measure: str
    low: float
    high: float | None

    def holds(self, value: float) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    code: str
    code_system: CodeSystem
    description: str
    keywords: tuple[str, ...]
    laterality: bool
    global_period: bool
    units: UnitsRule = "each"
    dose: Dose | None = None
    family: str = ""
    sites: frozenset[str] = frozenset()
    range: Range | None = None
    addon_to: str | None = None
    components: int = 1


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    entry: LexiconEntry
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """Words of a text that are a keyword of one or more entries (a family shares some)."""

    entries: tuple[LexiconEntry, ...]
    start: int
    end: int


def word_key(word: str) -> str:
    """A word as keywords and text are compared: lower case, a plain plural as singular."""
    w = word.lower()
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def words_of(text: str) -> list[tuple[str, int, int]]:
    """The words of a text as (key, start, end): runs of ASCII letters and digits."""
    return [(word_key(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


class Lexicon:
    """The entries by code, and an index of their keywords by first word, so that finding
    every keyword in a note is one pass over its words (longest keyword first)."""

    def __init__(self, entries: Iterable[LexiconEntry], version: str = "unversioned") -> None:
        # the label encounter.coded names (parse_lexicon: a digest of the file's text)
        self.version = version
        self._by_code: dict[str, LexiconEntry] = {}
        for entry in entries:
            if entry.code in self._by_code:
                raise LexiconError(f"procedure {entry.code} is listed twice")
            self._by_code[entry.code] = entry
        self._order = {code: i for i, code in enumerate(self._by_code)}
        phrases: dict[tuple[str, ...], list[LexiconEntry]] = {}
        for entry in self._by_code.values():
            for keyword in entry.keywords:
                key = tuple(k for k, _, _ in words_of(keyword) if k not in FILLER_WORDS)
                if key and entry not in phrases.setdefault(key, []):
                    phrases[key].append(entry)
        index: dict[str, list[tuple[tuple[str, ...], tuple[LexiconEntry, ...]]]] = {}
        for key, found in phrases.items():
            # keyed by the first word as written (lower case), singular and plural
            for form in {key[0], key[0] + "s"}:
                if word_key(form) == key[0]:
                    index.setdefault(form, []).append((key, tuple(found)))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self._index = index
        # the second words of each first word's keywords, as written (singular and plural)
        self._seconds: dict[str, frozenset[str]] = {
            first: frozenset(
                form
                for key, _ in candidates
                if len(key) > 1
                for form in (key[1], key[1] + "s")
                if word_key(form) == key[1]
            )
            for first, candidates in index.items()
        }
        self._families: dict[str, tuple[LexiconEntry, ...]] = {}
        self._word_sets: dict[
            frozenset[str], dict[str, tuple[tuple[int, LexiconEntry, frozenset[str]], ...]]
        ] = {}
        for entry in self._by_code.values():
            if entry.family:
                self._families[entry.family] = (*self._families.get(entry.family, ()), entry)

    def get(self, code: str) -> LexiconEntry | None:
        return self._by_code.get(code)

    def family(self, name: str) -> tuple[LexiconEntry, ...]:
        return self._families.get(name, ())

    def entries(self) -> tuple[LexiconEntry, ...]:
        """Every entry, in the file's order."""
        return tuple(self._by_code.values())

    def word_sets(
        self, leave_out: frozenset[str]
    ) -> dict[str, tuple[tuple[int, LexiconEntry, frozenset[str]], ...]]:
        """Each keyword as the set of its word keys less `leave_out`, with its entry and
        its place in the file's order, filed under the least of its words (a text holds
        all of a keyword's words only if it holds that one): read once per set of
        left-out words, then shared by every note (a reader of keywords in any order)."""
        found = self._word_sets.get(leave_out)
        if found is None:
            filed: dict[str, list[tuple[int, LexiconEntry, frozenset[str]]]] = {}
            place = 0
            for entry in self._by_code.values():
                for keyword in entry.keywords:
                    keys = frozenset(k for k, _, _ in words_of(keyword) if k not in leave_out)
                    if keys:
                        filed.setdefault(min(keys), []).append((place, entry, keys))
                    place += 1
            found = {word: tuple(items) for word, items in filed.items()}
            self._word_sets[leave_out] = found
        return found

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def find(self, text: str) -> list[KeywordHit]:
        """Every keyword in the text as whole words, left to right, the longest keyword at
        a position winning and hits never overlapping. The words are found in one pass in
        C; only those a keyword starts with are looked at, and offsets are taken only when
        a keyword is there."""
        low = text.lower()
        if len(low) != len(text):  # a rare letter whose lower case is longer: keep offsets
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        parts = _SPLIT.split(low)  # separator, word, separator, word, ..., separator
        words = parts[1::2]
        # the filler words are skipped: `at[i]` is the i-th kept word's place among all
        at = [i for i, w in enumerate(words) if w not in FILLER_WORDS]
        if len(at) != len(words):
            words = [words[i] for i in at]
        index, seconds = self._index, self._seconds
        starts = [i for i, w in enumerate(words) if w in index]
        hits: list[KeywordHit] = []
        offsets: list[int] | None = None
        after, count = 0, len(words)
        for i in starts:
            if i < after:
                continue  # inside the keyword found before
            first = words[i]
            following = words[i + 1] if i + 1 < count else ""
            for key, entries in index[first]:
                size = len(key)
                if size > 1 and (
                    i + size > count
                    or following not in seconds[first]
                    or any(word_key(words[i + j]) != key[j] for j in range(1, size))
                ):
                    continue
                first_word, last_word = at[i], at[i + size - 1]
                if size > 1 and _listed(parts, first_word, last_word, index):
                    continue  # "DTaP, IPV" is a list of two, not the DTaP-IPV product
                if offsets is None:
                    offsets = list(accumulate(map(len, parts), initial=0))
                hits.append(
                    KeywordHit(entries, offsets[2 * first_word + 1], offsets[2 * last_word + 2])
                )
                after = i + size
                break
        return hits

    def match(self, text: str) -> list[KeywordMatch]:
        """Entries with a keyword in the text, each once (its first hit), in lexicon order."""
        first: dict[str, KeywordMatch] = {}
        for hit in self.find(text):
            for entry in hit.entries:
                first.setdefault(entry.code, KeywordMatch(entry, hit.start, hit.end))
        return sorted(first.values(), key=lambda m: self._order[m.entry.code])


def _listed(parts: list[str], first: int, last: int, index: Mapping[str, object]) -> bool:
    """A comma or semicolon inside a keyword's words that opens another keyword: the words
    are items of a list ("DTaP, IPV"), not one name ("rotavirus vaccine, pentavalent")."""
    for word in range(first + 1, last + 1):
        gap = parts[2 * word]
        if ("," in gap or ";" in gap) and parts[2 * word + 1] in index:
            return True
    return False


def parse_dose(amount: str, unit: str) -> Dose | None:
    """A documented or lexicon dose in its base unit; None for a unit not known here."""
    known = DOSE_UNITS.get(unit.lower().rstrip("s") or unit.lower())
    if known is None:
        known = DOSE_UNITS.get(unit.lower())
    if known is None:
        return None
    return Dose(float(amount.replace(",", "")) * known[1], known[0])


def parse_lexicon(text: str) -> Lexicon:
    """Read a lexicon CSV (see the module docstring for the columns)."""
    reader = csv.DictReader(io.StringIO(text))
    names = tuple(reader.fieldnames or ())
    if names[: len(COLUMNS)] != COLUMNS or not set(names[len(COLUMNS) :]) <= set(OPTIONAL_COLUMNS):
        raise LexiconError(
            f"lexicon columns must be {', '.join(COLUMNS)}, then any of "
            f"{', '.join(OPTIONAL_COLUMNS)}"
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Lexicon((_entry(row, reader.line_num) for row in reader), version=f"sha256:{digest}")


def _entry(row: dict[str, str], line: int) -> LexiconEntry:
    code, name = row["code"].strip().upper(), row["code_system"].strip()
    system = _SYSTEMS.get(name)
    if system is None:
        raise LexiconError(f"line {line}: code_system must be CPT or HCPCS, not {name!r}")
    if not _CODE_SHAPE[system].match(code):
        raise LexiconError(f"line {line}: {code!r} is not a {system} code")
    flags = row["laterality"].strip().lower(), row["minor_procedure"].strip().lower()
    if any(flag not in _FLAGS for flag in flags):
        raise LexiconError(f"line {line}: laterality and minor_procedure must be yes or no")
    keywords = tuple(k.strip() for k in row["keywords"].split("|") if k.strip())

    def optional(column: str) -> str:
        return (row.get(column) or "").strip()

    units = optional("units") or "each"
    if units not in UNITS_RULES:
        raise LexiconError(f"line {line}: units must be one of {', '.join(sorted(UNITS_RULES))}")
    dose = None
    if optional("dose"):
        shape = _DOSE.match(optional("dose"))
        dose = parse_dose(shape.group(1), shape.group(2)) if shape else None
        if dose is None or dose.amount <= 0:
            raise LexiconError(f"line {line}: dose {optional('dose')!r} is not an amount and unit")
    if units == "per_dose" and dose is None:
        raise LexiconError(f"line {line}: a per_dose code needs its dose per unit")
    return LexiconEntry(
        code=code,
        code_system=system,
        description=row["description"].strip(),
        keywords=keywords,
        laterality=_FLAGS[flags[0]],
        global_period=_FLAGS[flags[1]],
        units=units,  # type: ignore[arg-type]
        dose=dose,
        family=optional("family"),
        sites=frozenset(s.strip() for s in optional("sites").split("|") if s.strip()),
        range=_range(optional("range"), line),
        addon_to=optional("addon_to").upper() or None,
        components=_components(optional("components"), line),
    )


def _range(text: str, line: int) -> Range | None:
    if not text:
        return None
    shape = _RANGE.match(text)
    if shape is None or not shape.group(2):
        raise LexiconError(f"line {line}: range {text!r} is not <measure>:<low>-<high>")
    try:
        high = float(shape.group(3)) if shape.group(3) else None
        return Range(shape.group(1), float(shape.group(2)), high)
    except ValueError:
        raise LexiconError(f"line {line}: range {text!r} is not <measure>:<low>-<high>") from None


def _components(text: str, line: int) -> int:
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        raise LexiconError(f"line {line}: components must be a whole number of at least 1")
    return int(text)
