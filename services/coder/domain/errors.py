"""The coder's domain exceptions: one base class, each named after the rule it enforces.

Only data that breaks its format raises (at start-up); a business refusal on a valid
encounter is never an exception but a review reason (results.NeedsReview)."""


class CoderError(Exception):
    """Base class for every error the coder's domain raises."""


class LexiconError(CoderError):
    """The procedure lexicon file breaks its format (columns, code shape, yes/no flags)."""
