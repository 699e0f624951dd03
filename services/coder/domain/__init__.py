"""The coder's pure domain: coding rules on the coder's own types, with no I/O, no broker,
no database and no wire contract.

`code_encounter` codes an `Encounter`; `apply_review` codes it from a human coder's
`ReviewDecision`. Both take the `ReferenceData` loaded at start-up (the ICD-10-CM code set
and the procedure lexicon) and return `Coded` or `NeedsReview`.
"""

from .coding import code_encounter
from .encounter import (
    ClinicalNote,
    DocumentedDiagnosis,
    DocumentedProcedure,
    Encounter,
    Patient,
    PrintedField,
    ReviewDecision,
    ReviewedProcedure,
)
from .errors import CoderError, LexiconError
from .icd10cm import CodeSet, Icd10CmEntry, normalize_icd10cm
from .lexicon import Lexicon, parse_lexicon
from .reference import ReferenceData
from .results import (
    Coded,
    CodedDiagnosis,
    CodingOutcome,
    Edit,
    EmChoice,
    Evidence,
    NeedsReview,
    ReviewReason,
    ServiceLine,
)
from .review import apply_review

__all__ = [
    "ClinicalNote",
    "CodeSet",
    "Coded",
    "CodedDiagnosis",
    "CoderError",
    "CodingOutcome",
    "DocumentedDiagnosis",
    "DocumentedProcedure",
    "Edit",
    "EmChoice",
    "Encounter",
    "Evidence",
    "Icd10CmEntry",
    "Lexicon",
    "LexiconError",
    "NeedsReview",
    "Patient",
    "PrintedField",
    "ReferenceData",
    "ReviewDecision",
    "ReviewReason",
    "ReviewedProcedure",
    "ServiceLine",
    "apply_review",
    "code_encounter",
    "normalize_icd10cm",
    "parse_lexicon",
]
