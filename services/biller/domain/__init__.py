"""The biller's pure domain: pricing, claims, self-pay statements and the patient ledger.

Imports nothing from asyncio, asyncpg, faststream or services.common.
"""

from .chargemaster import Chargemaster, ChargemasterEntry
from .chargemaster_file import DEFAULT_CHARGEMASTER, load_chargemaster, parse_chargemaster
from .claims import MAX_CLAIM_LINES, build_claim, primary_coverage
from .errors import (
    BillerError,
    ChargemasterInvalid,
    ChargesAlreadyClaimed,
    ClaimLineLimitExceeded,
    ClaimNeedsCoverage,
    DiagnosisPointerOutOfRange,
    LedgerAccountMismatch,
    LedgerEntryInvalid,
    StatementNeedsSelfPay,
    StatementTermsInvalid,
    UnitsNotPositive,
    UnpricedService,
)
from .ids import BILLER_NAMESPACE, claim_id_for, statement_id_for
from .ledger import EntryType, LedgerEntry, balance, charge_entries
from .pricing import BILATERAL_RATE, line_charge
from .statements import SELF_PAY_DISCOUNT_RATE, build_self_pay_statement

__all__ = [
    "BILATERAL_RATE",
    "BILLER_NAMESPACE",
    "DEFAULT_CHARGEMASTER",
    "MAX_CLAIM_LINES",
    "SELF_PAY_DISCOUNT_RATE",
    "BillerError",
    "Chargemaster",
    "ChargemasterEntry",
    "ChargemasterInvalid",
    "ChargesAlreadyClaimed",
    "ClaimLineLimitExceeded",
    "ClaimNeedsCoverage",
    "DiagnosisPointerOutOfRange",
    "EntryType",
    "LedgerAccountMismatch",
    "LedgerEntry",
    "LedgerEntryInvalid",
    "StatementNeedsSelfPay",
    "StatementTermsInvalid",
    "UnitsNotPositive",
    "UnpricedService",
    "balance",
    "build_claim",
    "build_self_pay_statement",
    "charge_entries",
    "claim_id_for",
    "line_charge",
    "load_chargemaster",
    "parse_chargemaster",
    "primary_coverage",
    "statement_id_for",
]
