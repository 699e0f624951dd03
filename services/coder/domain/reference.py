"""The reference data coding reads, loaded once at start-up and passed in."""

from __future__ import annotations

from dataclasses import dataclass

from .guidelines import GuidelineTables
from .icd10cm import CodeSet, CodeSets
from .lexicon import Lexicon
from .ncci import NO_EDITS, NcciEdits
from .text.index import TermIndex


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """The ICD-10-CM code set and the site's procedure lexicon (services/coder/reference_data.py
    loads them; tests build their own)."""

    code_set: CodeSet
    lexicon: Lexicon
    # every loaded ICD-10-CM release, chosen by date of service (code_set: the newest one);
    # None: `code_set` alone, for every date
    code_sets: CodeSets | None = None
    # the guideline rules' tables (services/coder/guideline_data.py); None: supplied codes only
    guidelines: GuidelineTables | None = None
    # CMS NCCI PTP and MUE edits (services/coder/ncci_files.py); NO_EDITS: none applied
    ncci: NcciEdits = NO_EDITS
    # the diagnosis term index the text engine matches notes against
    # (services/coder/term_index.py); None: notes are not read
    term_index: TermIndex | None = None
