"""The procedure lexicon: CPT/HCPCS codes this site bills, with plain-word keywords.

CPT descriptors are AMA copyright, so the shipped file holds this project's own words;
a site replaces it with its licensed data. The file is read once at start-up by
services/coder/reference_data.py and parsed here; the `Lexicon` is passed in.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import LexiconError
from .results import CodeSystem

COLUMNS = ("code", "code_system", "description", "keywords", "laterality", "minor_procedure")
_SYSTEMS: dict[str, CodeSystem] = {"CPT": "CPT", "HCPCS": "HCPCS"}
_CODE_SHAPE: dict[CodeSystem, re.Pattern[str]] = {
    "CPT": re.compile(r"^[0-9]{4}[0-9A-Z]$"),
    "HCPCS": re.compile(r"^[A-V][0-9]{4}$"),
}
_FLAGS = {"yes": True, "no": False}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    code: str
    code_system: CodeSystem
    description: str
    keywords: tuple[str, ...]
    laterality: bool
    global_period: bool
    pattern: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    entry: LexiconEntry
    start: int
    end: int


class Lexicon:
    def __init__(self, entries: Iterable[LexiconEntry]) -> None:
        self._by_code: dict[str, LexiconEntry] = {}
        for entry in entries:
            if entry.code in self._by_code:
                raise LexiconError(f"procedure {entry.code} is listed twice")
            self._by_code[entry.code] = entry

    def get(self, code: str) -> LexiconEntry | None:
        return self._by_code.get(code)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._by_code)

    def match(self, text: str) -> list[KeywordMatch]:
        """Entries with a keyword in the text as whole words, case and punctuation aside."""
        found = []
        for entry in self._by_code.values():
            hit = entry.pattern.search(text) if entry.pattern is not None else None
            if hit is not None:
                found.append(KeywordMatch(entry, hit.start(), hit.end()))
        return found


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for all keywords: words in order, any punctuation or spacing between."""
    alternatives = []
    for keyword in keywords:
        words = _WORD.findall(keyword.lower())
        if words:
            alternatives.append(r"[^a-z0-9]+".join(re.escape(w) for w in words))
    if not alternatives:
        return None
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(alternatives)})(?![a-z0-9])", re.IGNORECASE)


def parse_lexicon(text: str) -> Lexicon:
    """Read a lexicon CSV (columns: code, code_system, description, keywords separated by
    '|', laterality yes/no, minor_procedure yes/no)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise LexiconError(f"lexicon columns must be {', '.join(COLUMNS)}")
    return Lexicon(_entry(row, reader.line_num) for row in reader)


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
    return LexiconEntry(
        code=code,
        code_system=system,
        description=row["description"].strip(),
        keywords=keywords,
        laterality=_FLAGS[flags[0]],
        global_period=_FLAGS[flags[1]],
        pattern=keyword_pattern(keywords),
    )
