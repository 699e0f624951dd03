"""E/M level selection: every time threshold boundary, MDM mapping, families and age bands."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.domain import ReviewReason
from services.coder.domain.em_tables import OFFICE_ESTABLISHED, OFFICE_NEW
from services.coder.domain.evaluation import EmChoice, age_on, level_by_time, select_em

from .factories import encounter, patient


def chosen(**overrides: Any) -> EmChoice:
    result = select_em(encounter(**overrides))
    assert isinstance(result, EmChoice), result
    return result


@pytest.mark.parametrize(
    ("status", "minutes", "code"),
    [
        ("new", 15, "99202"),
        ("new", 29, "99202"),
        ("new", 30, "99203"),
        ("new", 44, "99203"),
        ("new", 45, "99204"),
        ("new", 59, "99204"),
        ("new", 60, "99205"),
        ("new", 240, "99205"),
        ("established", 10, "99212"),
        ("established", 19, "99212"),
        ("established", 20, "99213"),
        ("established", 29, "99213"),
        ("established", 30, "99214"),
        ("established", 39, "99214"),
        ("established", 40, "99215"),
    ],
)
def test_office_level_by_time(status: str, minutes: int, code: str) -> None:
    em = chosen(patient_status=status, total_time_minutes=minutes, mdm_level=None)
    assert (em.code, em.basis, em.total_time_minutes) == (code, "time", minutes)
    assert em.evidence.source == "total_time_minutes"


@pytest.mark.parametrize(
    ("status", "mdm", "code"),
    [
        ("new", "straightforward", "99202"),
        ("new", "low", "99203"),
        ("new", "moderate", "99204"),
        ("new", "high", "99205"),
        ("established", "straightforward", "99212"),
        ("established", "low", "99213"),
        ("established", "moderate", "99214"),
        ("established", "high", "99215"),
    ],
)
def test_office_level_by_mdm(status: str, mdm: str, code: str) -> None:
    em = chosen(patient_status=status, mdm_level=mdm)
    assert (em.code, em.basis, em.mdm_level) == (code, "mdm", mdm)
    assert em.evidence.source == "mdm_level"


@pytest.mark.parametrize(
    ("minutes", "mdm", "code", "basis"),
    [
        (35, "low", "99214", "time"),  # time reaches higher
        (15, "moderate", "99214", "mdm"),  # MDM reaches higher
        (22, "low", "99213", "mdm"),  # a tie is reported on MDM
        (5, "low", "99213", "mdm"),  # time below the minimum, MDM still supports
    ],
)
def test_office_both_documented_takes_the_higher(
    minutes: int, mdm: str, code: str, basis: str
) -> None:
    em = chosen(total_time_minutes=minutes, mdm_level=mdm)
    assert (em.code, em.basis) == (code, basis)
    assert (em.total_time_minutes, em.mdm_level) == (minutes, mdm)


def test_telehealth_uses_office_codes() -> None:
    em = chosen(encounter_type="telehealth", place_of_service="10", mdm_level="moderate")
    assert em.code == "99214"


@pytest.mark.parametrize(
    ("status", "minutes", "subject"),
    [
        ("new", 14, "total_time_minutes"),
        ("established", 9, "total_time_minutes"),
        ("established", None, "total_time_minutes"),
    ],
)
def test_office_without_support_goes_to_review(
    status: str, minutes: int | None, subject: str
) -> None:
    result = select_em(encounter(patient_status=status, total_time_minutes=minutes, mdm_level=None))
    assert isinstance(result, ReviewReason)
    assert (result.rule, result.subject) == ("EM-UNSUPPORTED", subject)


@pytest.mark.parametrize(
    ("mdm", "code"),
    [("straightforward", "99282"), ("low", "99283"), ("moderate", "99284"), ("high", "99285")],
)
def test_emergency_by_mdm_only(mdm: str, code: str) -> None:
    em = chosen(
        encounter_type="emergency", place_of_service="23", total_time_minutes=90, mdm_level=mdm
    )
    assert (em.code, em.basis) == (code, "mdm")


def test_emergency_time_alone_is_not_enough() -> None:
    result = select_em(
        encounter(
            encounter_type="emergency", place_of_service="23", total_time_minutes=90, mdm_level=None
        )
    )
    assert isinstance(result, ReviewReason)
    assert (result.rule, result.subject) == ("EM-UNSUPPORTED", "mdm_level")


@pytest.mark.parametrize("encounter_type", ["observation", "inpatient"])
@pytest.mark.parametrize(
    ("status", "minutes", "mdm", "code", "basis"),
    [
        ("new", None, "straightforward", "99221", "mdm"),
        ("new", None, "low", "99221", "mdm"),
        ("new", None, "moderate", "99222", "mdm"),
        ("new", None, "high", "99223", "mdm"),
        ("new", 40, None, "99221", "time"),
        ("new", 54, None, "99221", "time"),
        ("new", 55, None, "99222", "time"),
        ("new", 74, None, "99222", "time"),
        ("new", 75, None, "99223", "time"),
        ("established", None, "low", "99231", "mdm"),
        ("established", None, "moderate", "99232", "mdm"),
        ("established", None, "high", "99233", "mdm"),
        ("established", 25, None, "99231", "time"),
        ("established", 34, None, "99231", "time"),
        ("established", 35, None, "99232", "time"),
        ("established", 49, None, "99232", "time"),
        ("established", 50, None, "99233", "time"),
        ("established", 50, "moderate", "99233", "time"),
    ],
)
def test_hospital_and_observation_care(
    encounter_type: str, status: str, minutes: int | None, mdm: str | None, code: str, basis: str
) -> None:
    em = chosen(
        encounter_type=encounter_type,
        place_of_service="22",
        patient_status=status,
        total_time_minutes=minutes,
        mdm_level=mdm,
    )
    assert (em.code, em.basis) == (code, basis)


@pytest.mark.parametrize(("status", "minutes"), [("new", 39), ("established", 24)])
def test_hospital_time_below_minimum_goes_to_review(status: str, minutes: int) -> None:
    result = select_em(
        encounter(encounter_type="inpatient", place_of_service="21", patient_status=status,
                  total_time_minutes=minutes, mdm_level=None)
    )  # fmt: skip
    assert isinstance(result, ReviewReason) and result.rule == "EM-UNSUPPORTED"


DOS = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("birth_date", "new_code", "established_code"),
    [
        (date(2025, 3, 11), "99381", "99391"),  # 364 days old
        (date(2025, 3, 10), "99382", "99392"),  # first birthday on the date of service
        (date(2021, 3, 11), "99382", "99392"),  # 4
        (date(2021, 3, 10), "99383", "99393"),  # 5
        (date(2014, 3, 11), "99383", "99393"),  # 11
        (date(2014, 3, 10), "99384", "99394"),  # 12
        (date(2008, 3, 11), "99384", "99394"),  # 17
        (date(2008, 3, 10), "99385", "99395"),  # 18
        (date(1986, 3, 11), "99385", "99395"),  # 39
        (date(1986, 3, 10), "99386", "99396"),  # 40
        (date(1961, 3, 11), "99386", "99396"),  # 64
        (date(1961, 3, 10), "99387", "99397"),  # 65
        (date(1930, 1, 1), "99387", "99397"),
    ],
)
def test_preventive_by_age_band(birth_date: date, new_code: str, established_code: str) -> None:
    for status, code in (("new", new_code), ("established", established_code)):
        em = chosen(
            encounter_type="preventive",
            patient_status=status,
            date_of_service=DOS,
            patient=patient(birth_date=birth_date),
            total_time_minutes=30,
            mdm_level=None,
        )
        assert (em.code, em.basis) == (code, "age")


@pytest.mark.parametrize(
    ("birth_date", "age"),
    [(date(2000, 3, 10), 26), (date(2000, 3, 11), 25), (date(2000, 2, 29), 26)],
)
def test_age_on_date_of_service(birth_date: date, age: int) -> None:
    assert age_on(birth_date, DOS) == age


@given(
    status=st.sampled_from(["new", "established"]),
    earlier=st.integers(min_value=0, max_value=1440),
    later=st.integers(min_value=0, max_value=1440),
)
def test_office_level_never_drops_as_time_grows(status: str, earlier: int, later: int) -> None:
    earlier, later = sorted((earlier, later))
    family = OFFICE_NEW if status == "new" else OFFICE_ESTABLISHED
    first, second = level_by_time(family, earlier), level_by_time(family, later)
    if first is not None:
        assert second is not None and second >= first
    codes = [select_em(encounter(patient_status=status, total_time_minutes=m, mdm_level=None))
             for m in (earlier, later)]  # fmt: skip
    if isinstance(codes[0], EmChoice):
        assert isinstance(codes[1], EmChoice) and codes[1].code >= codes[0].code
