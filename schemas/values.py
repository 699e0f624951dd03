"""Value types shared by every event: money, codes, identifiers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer

TWO_PLACES = Decimal("0.01")


def _two_places(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Money = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2, examples=["125.00"]),
    AfterValidator(_two_places),
    PlainSerializer(lambda v: f"{v:.2f}", return_type=str, when_used="json"),
]
"""An amount in US dollars with two places; on the wire a string such as "125.00"."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC."""

Icd10CmCode = Annotated[
    str,
    Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$", examples=["E11.9", "S52.501A"]),
]
CptHcpcsCode = Annotated[
    str, Field(pattern=r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$", examples=["99213", "J1885"])
]
Modifier = Annotated[str, Field(pattern=r"^[0-9A-Z]{2}$", examples=["25", "RT", "95"])]
Npi = Annotated[str, Field(pattern=r"^[0-9]{10}$", examples=["1234567893"])]
PlaceOfService = Annotated[
    str, Field(pattern=r"^[0-9]{2}$", description="CMS place-of-service code", examples=["11"])
]
EncounterType = Literal[
    "office", "telehealth", "emergency", "observation", "inpatient", "preventive"
]
NonEmptyStr = Annotated[str, Field(min_length=1)]
