"""The biller's pure domain: pricing, claims, self-pay statements, corrections and the
patient ledger, on types of its own.

Imports nothing from schemas/, asyncio, asyncpg, faststream or services.common, and reads
no file, clock or environment: the chargemaster and `now` are passed in.
"""

from .billing import CORRECTED, Billed, Outcome, OutcomeKind, bill_encounter
from .chargemaster import Chargemaster, ChargemasterEntry
from .chargemaster_csv import parse_chargemaster
from .claims import build_claim, sequence_diagnoses
from .documents import (
    ORIGINAL,
    REPLACEMENT,
    VOID,
    Claim,
    ClaimFrequency,
    ClaimLine,
    Document,
    DocumentKind,
    Recipient,
    Refusal,
    Statement,
    StatementLine,
    StatementVoid,
)
from .encounter import Address, CodedEncounter, Coverage, Diagnosis, Patient, Service, Version
from .errors import (
    BillerError,
    ChargemasterInvalid,
    ChargesAlreadyClaimed,
    LedgerAccountMismatch,
    LedgerEntryInvalid,
    StatementTermsInvalid,
    UnitsNotPositive,
    UnpricedService,
)
from .ids import BILLER_NAMESPACE, claim_id_for, rejection_id_for, statement_id_for
from .ledger import EntryType, LedgerEntry, balance, charge_entries, reversal_entries
from .money import TWO_PLACES, to_money
from .pricing import BILATERAL_RATE, line_charge
from .scrub import MAX_CLAIM_LINES, MAX_DIAGNOSES, claim_problems, primary_coverage
from .statements import SELF_PAY_DISCOUNT_RATE, StatementTerms, build_self_pay_statement

__all__ = [
    "BILATERAL_RATE",
    "BILLER_NAMESPACE",
    "CORRECTED",
    "MAX_CLAIM_LINES",
    "MAX_DIAGNOSES",
    "ORIGINAL",
    "REPLACEMENT",
    "SELF_PAY_DISCOUNT_RATE",
    "TWO_PLACES",
    "VOID",
    "Address",
    "BillerError",
    "Billed",
    "Chargemaster",
    "ChargemasterEntry",
    "ChargemasterInvalid",
    "ChargesAlreadyClaimed",
    "Claim",
    "ClaimFrequency",
    "ClaimLine",
    "CodedEncounter",
    "Coverage",
    "Diagnosis",
    "Document",
    "DocumentKind",
    "EntryType",
    "LedgerAccountMismatch",
    "LedgerEntry",
    "LedgerEntryInvalid",
    "Outcome",
    "OutcomeKind",
    "Patient",
    "Recipient",
    "Refusal",
    "Service",
    "Statement",
    "StatementLine",
    "StatementTerms",
    "StatementTermsInvalid",
    "StatementVoid",
    "UnitsNotPositive",
    "UnpricedService",
    "Version",
    "balance",
    "bill_encounter",
    "build_claim",
    "build_self_pay_statement",
    "charge_entries",
    "claim_id_for",
    "claim_problems",
    "line_charge",
    "parse_chargemaster",
    "primary_coverage",
    "rejection_id_for",
    "reversal_entries",
    "sequence_diagnoses",
    "statement_id_for",
    "to_money",
]
