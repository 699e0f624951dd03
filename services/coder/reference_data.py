"""The coder's reference data, read once at start-up and passed to the domain: the procedure
lexicon (services/coder/data/procedures.csv, or a site's own file) and the ICD-10-CM code
set of the `simple_icd_10_cm` package (the April 2026 FY2026 tabular list)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import simple_icd_10_cm as cm

from . import guideline_data
from .domain import Icd10CmEntry, Lexicon, LexiconError, ReferenceData, parse_lexicon
from .domain.excludes1 import ExcludedRange, parse_excluded_ranges
from .domain.icd10cm import CodeKind

SHIPPED_LEXICON = "procedures.csv"
# "A00" to "Z99.9999": blocks ("E08-E13") and chapters ("4") are valid items but not codes
_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """A site's lexicon file (PROCEDURE_LEXICON_PATH), or the one shipped in
    services/coder/data/. A file that cannot be read or breaks the format raises
    LexiconError naming the file, at start-up rather than at the first encounter."""
    if path is None:
        source = resources.files("services.coder").joinpath("data", SHIPPED_LEXICON)
        return parse_lexicon(source.read_text(encoding="utf-8"))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise LexiconError(f"procedure lexicon {path}: {why.lower()}") from None
    try:
        return parse_lexicon(text)
    except LexiconError as exc:
        raise LexiconError(f"procedure lexicon {path}: {exc}") from None


class SimpleIcd10Cm:
    """The domain's CodeSet over `simple_icd_10_cm`. Entries are built on first use and
    kept (bounded: codes arrive from outside, and a stream of garbage must not grow memory
    forever); they are the domain's own frozen dataclasses, shared by every encounter."""

    label = "FY2026"
    release = "April 2026"

    def __init__(self, cache_size: int = 1 << 16) -> None:
        self.lookup = lru_cache(maxsize=cache_size)(self._entry)
        self._ranges = lru_cache(maxsize=cache_size)(self._own_ranges)

    def _entry(self, code: str) -> Icd10CmEntry:
        """ICD-10-CM Official Guidelines I.A.3 and I.B.2: only a leaf is billable; a block
        or a chapter is no code at all."""
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
        ranges: list[ExcludedRange] = []
        for item in (code, *cm.get_ancestors(code)):
            ranges.extend(self._ranges(item))
        return Icd10CmEntry(code, kind, billable, cm.get_description(code), tuple(ranges))

    def _own_ranges(self, item: str) -> tuple[ExcludedRange, ...]:
        return tuple(r for note in cm.get_excludes1(item) for r in parse_excluded_ranges(note))


def load(lexicon_path: str | Path | None = None) -> ReferenceData:
    """Everything the coder's domain reads, loaded once (services/coder/consumers.py)."""
    return ReferenceData(
        code_set=SimpleIcd10Cm(),
        lexicon=load_lexicon(lexicon_path),
        guidelines=guideline_data.load(),
    )
