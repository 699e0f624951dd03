from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from services.biller.domain import (
    BillerError,
    Chargemaster,
    UnitsNotPositive,
    UnpricedService,
    parse_chargemaster,
)
from services.coder.domain.em_tables import EM_DESCRIPTIONS

CODER_LEXICON = (
    Path(__file__).resolve().parents[3] / "services" / "coder" / "data" / "procedures.csv"
)

EVALUATION_AND_MANAGEMENT = [
    *map(str, range(99202, 99206)),
    *map(str, range(99211, 99216)),
    *map(str, range(99281, 99286)),
    *map(str, range(99221, 99224)),
    *map(str, range(99231, 99234)),
    *map(str, range(99381, 99388)),
    *map(str, range(99391, 99398)),
]
CPT = [
    "36415", "81002", "85025", "80053", "93000", "71046", "73610", "73110", "12001", "12002",
    "10060", "11102", "17110", "20610", "29125", "90471", "90686", "96372", "94640", "87880",
    "87804", "99406", "69210",
]  # fmt: skip
HCPCS = ["J1885", "J3301", "J7613", "G0439", "G0438", "A4565"]
ALL_CODES = EVALUATION_AND_MANAGEMENT + CPT + HCPCS

# Generic, low-information words a patient-facing label may use.
LABEL_WORDS = {
    "office", "visit", "er", "hospital", "care", "checkup", "lab", "test", "x-ray",
    "procedure", "shot", "vaccine", "drug", "supply", "treatment", "counseling",
}  # fmt: skip


@pytest.mark.parametrize(
    ("code", "modifiers", "units", "expected"),
    [
        ("99213", [], 1, "150.00"),
        ("36415", [], 2, "50.00"),
        ("J7613", [], 3, "19.50"),
        ("J3301", [], 4, "33.00"),
        ("90686", ["SL"], 1, "42.50"),
        ("69210", ["50"], 1, "172.50"),  # bilateral: 150% of 115.00
        ("20610", ["50"], 1, "367.50"),
        ("20610", ["RT"], 1, "245.00"),  # laterality alone does not change the charge
        ("99213", ["25"], 1, "150.00"),
        ("12001", ["59", "50"], 1, "442.50"),
        ("20610", ["50", "50"], 1, "367.50"),  # modifier 50 applies once
        ("J1885", ["50"], 1, "19.13"),  # 19.125 rounds half up, not to even
        ("J3301", ["50"], 3, "37.13"),  # 37.125: rounded once, on the line
        ("J1885", [], 99, "1262.25"),
    ],
)
def test_line_charge(
    chargemaster: Chargemaster, code: str, modifiers: list[str], units: int, expected: str
) -> None:
    charge = chargemaster.price(code, modifiers, units)
    assert charge == Decimal(expected)
    assert charge.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("unit_price", "expected"),
    [("0.01", "0.02"), ("0.03", "0.05"), ("0.05", "0.08"), ("10.10", "15.15"), ("0.07", "0.11")],
)
def test_bilateral_rounds_half_up(unit_price: str, expected: str) -> None:
    chargemaster = parse_chargemaster(
        ["code,code_system,unit_price,statement_label", f"20610,CPT,{unit_price},Procedure"]
    )
    assert chargemaster.price("20610", ["50"], 1) == Decimal(expected)


def test_unknown_code_is_unpriced(chargemaster: Chargemaster) -> None:
    with pytest.raises(UnpricedService) as raised:
        chargemaster.price("99999")
    assert raised.value.code == "99999"
    assert isinstance(raised.value, BillerError)


@pytest.mark.parametrize("units", [0, -1])
def test_units_below_one_are_refused(chargemaster: Chargemaster, units: int) -> None:
    with pytest.raises(UnitsNotPositive):
        chargemaster.price("99213", [], units)


def test_every_listed_code_is_priced(chargemaster: Chargemaster) -> None:
    assert len(ALL_CODES) == len(set(ALL_CODES)) == 63
    unpriced = [code for code in ALL_CODES if code not in chargemaster]
    assert unpriced == []


def test_every_code_the_coder_can_emit_is_priced(chargemaster: Chargemaster) -> None:
    """The coder's procedure lexicon and its E/M codes: an unpriced one would be a
    claim.rejected for every encounter that has it."""
    with CODER_LEXICON.open(newline="") as f:
        emitted = {row["code"] for row in csv.DictReader(f)} | set(EM_DESCRIPTIONS)
    assert len(emitted) > 300
    assert sorted(code for code in emitted if code not in chargemaster) == []


def test_code_systems_match_codes(chargemaster: Chargemaster) -> None:
    for code in EVALUATION_AND_MANAGEMENT + CPT:
        assert chargemaster.entry(code).code_system == "CPT"
    for code in HCPCS:
        assert chargemaster.entry(code).code_system == "HCPCS"


def test_prices_are_positive_cents(chargemaster: Chargemaster) -> None:
    for entry in chargemaster:
        assert entry.unit_price > 0
        assert entry.unit_price.as_tuple().exponent == -2


def test_statement_labels_are_generic_words(chargemaster: Chargemaster) -> None:
    for entry in chargemaster:
        words = set(entry.statement_label.lower().split())
        assert words <= LABEL_WORDS, (entry.code, entry.statement_label)
        assert len(entry.statement_label) <= 15


def test_labels_share_no_word_with_staff_descriptions(chargemaster: Chargemaster) -> None:
    # The staff description says what was done; the label must not repeat the clinical part.
    for entry in chargemaster:
        assert entry.description
        clinical = set(entry.description.lower().replace(",", " ").split()) - LABEL_WORDS
        assert not clinical & set(entry.statement_label.lower().split()), entry.code
