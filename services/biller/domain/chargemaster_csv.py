"""Parsing and checking chargemaster CSV text (a file each site may replace with its own;
services/biller/chargemaster_file.py reads it at start-up)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from .chargemaster import Chargemaster, ChargemasterEntry, CodeSystem
from .errors import ChargemasterInvalid
from .money import TWO_PLACES

REQUIRED_COLUMNS = ("code", "code_system", "unit_price", "statement_label")
OPTIONAL_COLUMNS = ("revenue_code", "description")

_CPT = re.compile(r"^[0-9]{4}[0-9A-Z]$")
_HCPCS = re.compile(r"^[A-V][0-9]{4}$")
_REVENUE_CODE = re.compile(r"^[0-9]{4}$")
_EXTRA_FIELDS = "\0extra"


def parse_chargemaster(lines: Iterable[str], *, source: str = "chargemaster") -> Chargemaster:
    """Parse and check chargemaster CSV text; `source` names it in errors.

    Columns: code, code_system (CPT or HCPCS), unit_price, statement_label, and optionally
    revenue_code (4-digit UB-04) and description; other columns are ignored. Every row
    must have a well-formed code unique in the file, a price above zero with at most two
    decimal places, and a label. The first broken row raises ChargemasterInvalid naming
    the source and row (row 1 is the header), so a bad site file fails at start-up.
    """
    reader = csv.DictReader(lines, restkey=_EXTRA_FIELDS)
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ChargemasterInvalid(source, 1, f"missing required column(s): {', '.join(missing)}")
    reader.fieldnames = header
    entries: list[ChargemasterEntry] = []
    first_row_of: dict[str, int] = {}
    for record in reader:
        row = reader.line_num
        if _EXTRA_FIELDS in record:
            raise ChargemasterInvalid(source, row, "more fields than the header has columns")
        if not any((value or "").strip() for value in record.values()):
            continue
        entry = _entry(record, source, row)
        if entry.code in first_row_of:
            raise ChargemasterInvalid(
                source, row, f"code {entry.code} duplicates row {first_row_of[entry.code]}"
            )
        first_row_of[entry.code] = row
        entries.append(entry)
    if not entries:
        raise ChargemasterInvalid(source, 1, "no priced codes")
    return Chargemaster(entries)


def _entry(record: Mapping[str, str | None], source: str, row: int) -> ChargemasterEntry:
    def field(name: str) -> str:
        return (record.get(name) or "").strip()

    code, code_system = field("code").upper(), field("code_system").upper()
    system: CodeSystem
    if code_system == "CPT":
        system = "CPT"
    elif code_system == "HCPCS":
        system = "HCPCS"
    else:
        raise ChargemasterInvalid(source, row, f"code_system {code_system!r} is not CPT or HCPCS")
    pattern = _CPT if system == "CPT" else _HCPCS
    if not pattern.match(code):
        raise ChargemasterInvalid(source, row, f"code {code!r} is not a valid {system} code")
    label = field("statement_label")
    if not label:
        raise ChargemasterInvalid(source, row, f"code {code} has no statement_label")
    revenue_code = field("revenue_code") or None
    if revenue_code is not None and not _REVENUE_CODE.match(revenue_code):
        raise ChargemasterInvalid(
            source, row, f"code {code} revenue_code {revenue_code!r} is not 4 digits"
        )
    return ChargemasterEntry(
        code=code,
        code_system=system,
        unit_price=_price(field("unit_price"), source, row, code),
        statement_label=label,
        revenue_code=revenue_code,
        description=field("description") or None,
    )


def _price(text: str, source: str, row: int, code: str) -> Decimal:
    try:
        price = Decimal(text)
    except InvalidOperation:
        price = Decimal("NaN")
    exponent = price.as_tuple().exponent
    if not price.is_finite() or price <= 0 or not isinstance(exponent, int) or exponent < -2:
        raise ChargemasterInvalid(
            source,
            row,
            f"code {code} unit_price {text!r} is not an amount above zero with at most "
            "two decimal places",
        )
    return price.quantize(TWO_PLACES)
