"""The biller's domain exceptions: one base class, each subclass named after its rule."""

from __future__ import annotations


class BillerError(Exception):
    """Base class of every rule the biller's domain enforces."""


class UnpricedService(BillerError):
    """A coded service has no row in the chargemaster, so it cannot be charged."""

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


class ClaimNeedsCoverage(BillerError):
    """An encounter with no coverage is self-pay: it is billed by statement, not claim."""

    def __init__(self, encounter_id: str) -> None:
        super().__init__(f"encounter {encounter_id!r} has no coverage to claim against")
        self.encounter_id = encounter_id


class StatementNeedsSelfPay(BillerError):
    """An insured encounter is claimed first; a self-pay statement would bill it twice."""

    def __init__(self, encounter_id: str) -> None:
        super().__init__(f"encounter {encounter_id!r} has coverage; claim it instead")
        self.encounter_id = encounter_id


class ClaimLineLimitExceeded(BillerError):
    """An 837P claim carries at most 50 service lines (loop 2400 repeat 50)."""

    def __init__(self, encounter_id: str, lines: int, limit: int) -> None:
        super().__init__(f"encounter {encounter_id!r} has {lines} service lines; limit {limit}")
        self.encounter_id = encounter_id
        self.lines = lines
        self.limit = limit


class DiagnosisPointerOutOfRange(BillerError):
    """A service line points at a diagnosis the encounter does not have (837P SV107)."""

    def __init__(self, line_number: int, pointer: int, diagnoses: int) -> None:
        super().__init__(
            f"service line {line_number} points at diagnosis {pointer}; "
            f"the encounter has {diagnoses}"
        )
        self.line_number = line_number
        self.pointer = pointer
        self.diagnoses = diagnoses


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
