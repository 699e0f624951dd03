"""The coder's reference data, read once at start-up and passed to the domain: the procedure
lexicon (services/coder/data/procedures.csv, or a site's own file) and the ICD-10-CM code
sets (services/coder/code_sets.py: the package's April 2026 FY2026 tabular list, and the
releases a site loads, chosen by date of service)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from . import guideline_data
from .code_sets import load_code_sets
from .domain import Lexicon, LexiconError, ReferenceData, parse_lexicon
from .domain.icd10cm import UncoveredPolicy
from .ncci_files import load_ncci
from .term_index import load_term_index

SHIPPED_LEXICON = "procedures.csv"


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


def load(
    lexicon_path: str | Path | None = None,
    *,
    icd10cm_sets: Sequence[str] = (),
    icd10cm_uncovered: UncoveredPolicy = "flag",
    ncci_ptp_path: str | Path | None = None,
    mue_path: str | Path | None = None,
) -> ReferenceData:
    """Everything the coder's domain reads, loaded once (services/coder/consumers.py).
    `icd10cm_sets` and `icd10cm_uncovered` are the ICD10CM_SETS and ICD10CM_UNCOVERED
    settings: the ICD-10-CM releases a site loads besides the shipped FY2026 one, and what
    happens to a date of service none covers."""
    code_sets = load_code_sets(icd10cm_sets, icd10cm_uncovered)
    return ReferenceData(
        code_set=code_sets.latest,
        lexicon=load_lexicon(lexicon_path),
        code_sets=code_sets,
        guidelines=guideline_data.load(),
        ncci=load_ncci(ncci_ptp_path, mue_path, lexicon_path),
        term_index=load_term_index(),
    )
