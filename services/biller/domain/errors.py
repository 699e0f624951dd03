"""The biller's domain exceptions: one base class, each subclass named after its rule.

These are for a broken site file or a programming error. A coding the biller cannot bill
(an unpriced code, a pointer out of range, ...) is not an exception: the domain returns a
Refusal."""

from __future__ import annotations


class BillerError(Exception):
    """Base class of every rule the biller's domain enforces by raising."""


class UnpricedService(BillerError):
    """Chargemaster.price was asked for a code it does not have (check `in` first)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no chargemaster price for service code {code!r}")
        self.code = code


class ChargemasterInvalid(BillerError):
    """The chargemaster file breaks its format; names the file and the row (1 = header)."""

    def __init__(self, source: str, row: int, reason: str) -> None:
        super().__init__(f"{source} row {row}: {reason}")
        self.source = source
        self.row = row
        self.reason = reason


class UnitsNotPositive(BillerError):
    """Units of service must be a whole number of at least 1 (837P SV104)."""

    def __init__(self, code: str, units: int) -> None:
        super().__init__(f"units for {code!r} must be at least 1, got {units}")
        self.code = code
        self.units = units


class StatementTermsInvalid(BillerError):
    """Statement terms out of range: discount rate outside 0..1, or negative days to pay."""


class LedgerEntryInvalid(BillerError):
    """A ledger amount must be zero or more with at most two places; the type says the sign."""


class LedgerAccountMismatch(BillerError):
    """A balance is taken over one account's entries only."""

    def __init__(self, accounts: set[str]) -> None:
        super().__init__(f"entries span {len(accounts)} accounts; a balance needs one")
        self.accounts = accounts


class ChargesAlreadyClaimed(BillerError):
    """A statement showing insurance payments bills charges already posted from their claim."""

    def __init__(self, statement_id: str) -> None:
        super().__init__(
            f"statement {statement_id} shows insurance payments; "
            "its charges were posted from the claim"
        )
        self.statement_id = statement_id
