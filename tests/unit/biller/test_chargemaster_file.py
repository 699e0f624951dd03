from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from services.biller.chargemaster_file import DEFAULT_CHARGEMASTER, load_chargemaster
from services.biller.domain import ChargemasterInvalid

HEADER = "code,code_system,unit_price,statement_label,revenue_code"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "chargemaster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_default_file_is_the_packaged_one() -> None:
    assert DEFAULT_CHARGEMASTER.name == "chargemaster.csv"
    assert DEFAULT_CHARGEMASTER.parent.name == "data"
    rows = DEFAULT_CHARGEMASTER.read_text(encoding="utf-8").strip().splitlines()[1:]
    assert len(load_chargemaster()) == len(load_chargemaster(DEFAULT_CHARGEMASTER)) == len(rows)


def test_site_file_replaces_the_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",notes",
        "99213,CPT,175,Office visit,0510,site price",
        " j1885 , hcpcs , 9.5 , Drug ,,",
    )
    chargemaster = load_chargemaster(str(path))
    assert len(chargemaster) == 2
    assert chargemaster.entry("99213").unit_price == Decimal("175.00")
    drug = chargemaster.entry("J1885")
    assert (drug.code_system, drug.unit_price, drug.statement_label) == (
        "HCPCS",
        Decimal("9.50"),
        "Drug",
    )
    assert drug.revenue_code is None


def test_revenue_code_column_is_optional(tmp_path: Path) -> None:
    path = write(tmp_path, "code,code_system,unit_price,statement_label", "99213,CPT,150.00,Visit")
    assert load_chargemaster(path).entry("99213").revenue_code is None


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER, "", "99213,CPT,150.00,Visit,", ",,,,")
    assert len(load_chargemaster(path)) == 1


@pytest.mark.parametrize(
    ("rows", "bad_row", "says"),
    [
        (["99213,CPT,150.00,Visit,", "99214,CPT,220.00,Visit,", "99213,CPT,155.00,Visit,"], 4,
         "duplicates row 2"),
        (["99213,CPT,-5.00,Visit,"], 2, "unit_price '-5.00'"),
        (["99213,CPT,0.00,Visit,"], 2, "unit_price '0.00'"),
        (["99213,CPT,150.005,Visit,"], 2, "two decimal places"),
        (["99213,CPT,12.5.0,Visit,"], 2, "unit_price '12.5.0'"),
        (["99213,CPT,,Visit,"], 2, "unit_price ''"),
        (["99213,CPT,NaN,Visit,"], 2, "unit_price 'NaN'"),
        (["99213,CPT,Infinity,Visit,"], 2, "unit_price 'Infinity'"),
        (["99213,CPT,$150,Visit,"], 2, "unit_price '$150'"),
        (["99213,ICD,150.00,Visit,"], 2, "code_system 'ICD'"),
        (["9921,CPT,150.00,Visit,"], 2, "not a valid CPT code"),
        (["J1885,CPT,12.75,Drug,"], 2, "not a valid CPT code"),
        (["99213,HCPCS,150.00,Visit,"], 2, "not a valid HCPCS code"),
        (["99213,CPT,150.00,,"], 2, "no statement_label"),
        (["99213,CPT,150.00,Visit,450"], 2, "revenue_code '450'"),
        (["99213,CPT,150.00,Visit,0510,extra"], 2, "more fields"),
        (["99213,CPT,150.00,Visit,", "", "99214,CPT,abc,Visit,"], 4, "unit_price 'abc'"),
    ],
)  # fmt: skip
def test_bad_rows_are_named(tmp_path: Path, rows: list[str], bad_row: int, says: str) -> None:
    path = write(tmp_path, HEADER, *rows)
    with pytest.raises(ChargemasterInvalid) as raised:
        load_chargemaster(path)
    assert raised.value.row == bad_row
    assert says in str(raised.value)
    assert str(raised.value).startswith(f"chargemaster.csv row {bad_row}:")


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("code,code_system,statement_label", "unit_price"),
        ("code,unit_price", "code_system, statement_label"),
        ("", "code, code_system, unit_price, statement_label"),
    ],
)
def test_missing_columns_are_named(tmp_path: Path, header: str, missing: str) -> None:
    path = write(tmp_path, header, "99213,CPT,150.00,Visit")
    with pytest.raises(ChargemasterInvalid) as raised:
        load_chargemaster(path)
    assert raised.value.row == 1
    assert f"missing required column(s): {missing}" in str(raised.value)


def test_a_file_without_prices_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ChargemasterInvalid, match="no priced codes"):
        load_chargemaster(write(tmp_path, HEADER))


def test_byte_order_mark_from_spreadsheets_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "chargemaster.csv"
    path.write_text(HEADER + "\n99213,CPT,150.00,Visit,\n", encoding="utf-8-sig")
    assert "99213" in load_chargemaster(path)
