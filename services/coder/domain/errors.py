"""The coder's domain exceptions: one base class, each named after the rule it enforces."""


class CoderError(Exception):
    """Base class for every error the coder's domain raises."""


class LexiconError(CoderError):
    """The procedure lexicon file breaks its format (columns, code shape, yes/no flags)."""


class ReviewMismatchError(CoderError):
    """A coding review was applied to an encounter it was not made for."""
