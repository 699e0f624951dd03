"""Patients, providers, facilities and coverage: the people and payers on an encounter."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from .base import Model
from .values import Money, NonEmptyStr, Npi


class Address(Model):
    line1: NonEmptyStr = Field(description="Street address.", examples=["12 Elm Street"])
    line2: str | None = Field(default=None, description="Suite, apartment, floor.")
    city: NonEmptyStr = Field(examples=["Springfield"])
    state: str = Field(pattern=r"^[A-Z]{2}$", examples=["IL"])
    postal_code: str = Field(pattern=r"^[0-9]{5}([0-9]{4})?$", examples=["62704"])


class Patient(Model):
    patient_id: NonEmptyStr = Field(description="Hospital patient id (MRN).", examples=["MRN-0042"])
    account_number: NonEmptyStr = Field(
        description="Patient (guarantor) billing account; statements are keyed on it.",
        examples=["ACCT-0042"],
    )
    first_name: NonEmptyStr = Field(examples=["Ana"])
    last_name: NonEmptyStr = Field(examples=["Lopez"])
    birth_date: date = Field(examples=["1961-04-09"])
    sex: Literal["M", "F", "U"] = Field(description="Administrative sex.", examples=["F"])
    address: Address
    email: str | None = Field(
        default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["ana@example.org"]
    )
    phone: str | None = Field(default=None, examples=["+1-217-555-0100"])
    contact_preference: Literal["email", "mail", "sms", "none"] = Field(
        default="email", description="How the patient wants to hear from billing."
    )


class Provider(Model):
    npi: Npi = Field(description="National Provider Identifier (10 digits).")
    name: NonEmptyStr = Field(examples=["Jordan Reyes MD"])
    taxonomy: str = Field(
        pattern=r"^[0-9]{3}[0-9A-Z]{6}X$",
        description="NUCC taxonomy code.",
        examples=["207Q00000X"],
    )
    tin: str | None = Field(
        default=None, pattern=r"^[0-9]{9}$", description="Tax id (EIN) of a billing provider."
    )
    address: Address | None = None


class Facility(Model):
    facility_id: NonEmptyStr = Field(examples=["FAC-MAIN"])
    name: NonEmptyStr = Field(examples=["Springfield General Clinic"])
    npi: Npi | None = None
    address: Address


class Coverage(Model):
    payer_id: NonEmptyStr = Field(description="Payer id used on claims.", examples=["60054"])
    payer_name: NonEmptyStr = Field(examples=["Aetna"])
    member_id: NonEmptyStr = Field(examples=["W123456789"])
    group_number: str | None = Field(default=None, examples=["GRP-100"])
    subscriber_relationship: Literal["self", "spouse", "child", "other"] = "self"
    priority: Literal["primary", "secondary", "tertiary"] = "primary"
    copay: Money | None = Field(default=None, description="Plan copay per visit.")
    deductible_remaining: Money | None = Field(default=None)
    coinsurance_rate: Decimal | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Patient share after the deductible, 0..1.",
        examples=["0.20"],
    )
