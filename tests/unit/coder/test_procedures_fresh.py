"""Procedure rules written from the fresh dev cases of src/dev/12_proc_fresh.jsonl: the same
drug into two joints told in sentences of their own, current vaccine products (three-strain
influenza, COVID-19 by maker and age, PCV21), a generic vaccine mention replaced by its
product, and a drug billed by the code of its strength."""

from __future__ import annotations

from datetime import date

from services.coder.domain import ClinicalNote, Coded, ServiceLine

from services.coder.domain.encounter import PrintedField

from .factories import encounter, outcome_of, patient


def lines_of(outcome: object) -> list[ServiceLine]:
    if isinstance(outcome, Coded):
        return list(outcome.service_lines)
    return list(outcome.proposed_service_lines)  # type: ignore[attr-defined]


def lines(text: str, kind: str = "procedure", **overrides: object) -> list[ServiceLine]:
    notes = (ClinicalNote("n1", kind, text),)
    return lines_of(outcome_of(encounter(notes=notes, **overrides)))


def coded(text: str, kind: str = "procedure", **overrides: object) -> list[str]:
    return [line.code for line in lines(text, kind, **overrides)]


def _units(got: list[ServiceLine], code: str) -> int:
    return next(line.units for line in got if line.code == code)


# --- the same drug into two joints, each told in its own sentence ---------------------------


def test_the_same_drug_into_each_knee_told_apart_is_one_bilateral_injection_and_both_doses() -> None:
    text = (
        "Right knee: prepped with chlorhexidine, superolateral approach with a 22 g needle; "
        "triamcinolone acetonide 40 mg with 4 mL 1% lidocaine injected.\n"
        "Left knee: prepped in the same way; triamcinolone acetonide 40 mg with 4 mL 1% "
        "lidocaine was injected."
    )
    got = lines(text)
    assert [(line.code, line.modifiers) for line in got if line.code == "20610"] == [
        ("20610", ("50",))
    ]
    assert _units(got, "J3301") == 8
    assert "96372" not in [line.code for line in got]


def test_the_same_drug_into_another_joint_is_that_joint_s_injection_too() -> None:
    text = (
        "Right knee: triamcinolone 40 mg injected into the joint.\n"
        "Left wrist: triamcinolone 20 mg injected into the joint."
    )
    got = lines(text)
    assert {"20610", "20605"} <= {line.code for line in got}
    assert _units(got, "J3301") == 6


def test_a_joint_injection_told_again_for_the_same_knee_is_the_same_dose() -> None:
    text = (
        "Right knee injection: triamcinolone 40 mg injected.\n"
        "Impression: right knee osteoarthritis, triamcinolone 40 mg injected into the right knee."
    )
    got = lines(text)
    assert [line.code for line in got].count("20610") == 1
    assert _units(got, "J3301") == 4


# --- vaccine products of the date of service ----------------------------------------------

_FALL = date(2026, 9, 20)


def test_a_flu_vaccine_named_by_no_product_is_the_three_strain_vaccine_since_2024() -> None:
    text = "Influenza vaccine 0.5 mL IM left deltoid given by the nurse."
    assert "90656" in coded(text, "other", date_of_service=_FALL)
    assert "90686" not in coded(text, "other", date_of_service=_FALL)
    assert "90686" in coded(text, "other", date_of_service=date(2023, 10, 2))


def test_a_cell_culture_flu_vaccine_named_before_its_parenthesis_is_its_own_code() -> None:
    text = (
        "Administered: Flucelvax (influenza vaccine, cell culture-derived, trivalent, "
        "preservative-free) 0.5 mL IM, left deltoid."
    )
    got = coded(text, "other", date_of_service=_FALL)
    assert "90674" in got and "90656" not in got and "90471" in got


def test_a_covid_vaccine_is_its_maker_s_code_for_the_age_and_its_own_administration() -> None:
    text = "Spikevax (Moderna COVID-19 vaccine, 2025-2026 formula) 0.5 mL IM right deltoid given."
    adult = coded(text, "other", date_of_service=_FALL)
    assert "91322" in adult and "90480" in adult and "90471" not in adult
    child = coded(text, "other", date_of_service=_FALL, patient=patient(birth_date=date(2019, 5, 1)))
    assert "91321" in child and "91322" not in child
    pfizer = "Comirnaty 0.3 mL IM given today."
    assert "91319" in coded(pfizer, "other", patient=patient(birth_date=date(2018, 1, 1)))


def test_a_covid_vaccine_beside_another_vaccine_leaves_the_other_its_administration() -> None:
    text = (
        "Vaccines given today: Spikevax 0.5 mL IM right deltoid; Fluarix trivalent 0.5 mL IM "
        "left deltoid."
    )
    got = coded(text, "other", date_of_service=_FALL)
    assert {"91322", "90480", "90656", "90471"} <= set(got)
    assert "90472" not in got


def test_a_generic_pneumonia_vaccine_is_the_product_the_note_names_later() -> None:
    text = (
        "71 y/o man here for his flu shot and pneumonia vaccine.\n"
        "1) Fluzone High-Dose 0.5 mL IM right deltoid.\n"
        "2) Prevnar 20 0.5 mL IM left deltoid."
    )
    medicare = (PrintedField("coverages[0].payer_name", "the payer", "Medicare Part B"),)
    got = coded(text, "other", printed_demographics=medicare, date_of_service=_FALL)
    assert "90732" not in got and "90677" in got and "90662" in got
    assert got.count("G0009") == 1 and got.count("G0008") == 1
    alone = coded("Pneumonia vaccine 0.5 mL IM given.", "other", printed_demographics=medicare)
    assert "90732" in alone


def test_a_21_valent_pneumococcal_conjugate_vaccine_is_pcv21() -> None:
    got = coded("Capvaxive 0.5 mL IM left deltoid given.", "other")
    assert "90684" in got and "90732" not in got


# --- a drug billed by the code of its strength ---------------------------------------------


def test_methylprednisolone_acetate_80_mg_is_its_80_mg_code_not_two_40s() -> None:
    text = "Right knee injected with methylprednisolone acetate 80 mg and 3 mL lidocaine."
    got = lines(text)
    assert _units(got, "J1040") == 1 and "J1030" not in [line.code for line in got]
    forty = coded("Right knee injected with methylprednisolone acetate 40 mg.")
    assert "J1030" in forty
    succinate = coded("Solu-Medrol 40 mg IV push given.", "progress")
    assert "J2920" in succinate and "J2930" not in succinate
