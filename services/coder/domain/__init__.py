"""The coder's pure domain: coding rules with no I/O, no broker and no database.

`code_encounter` codes a closed encounter; `apply_review` codes it from a human coder's
decision. Both return `Coded` (an encounter.coded payload) or `NeedsReview` (a
coding.review-requested payload).
"""

from .coding import code_encounter
from .errors import CoderError, LexiconError, ReviewMismatchError
from .lexicon import Lexicon, default_lexicon, parse_lexicon
from .outcome import Coded, CodingOutcome, NeedsReview
from .review import apply_review

__all__ = [
    "Coded",
    "CoderError",
    "CodingOutcome",
    "Lexicon",
    "LexiconError",
    "NeedsReview",
    "ReviewMismatchError",
    "apply_review",
    "code_encounter",
    "default_lexicon",
    "parse_lexicon",
]
