"""NCCI procedure-to-procedure edits (modifier indicator 0/1/9) and MUEs (MAI 1/2/3), and
the readers of CMS's file layouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.coder.domain import Coded, Evidence, NeedsReview, ReferenceData, ServiceLine
from services.coder.domain.ncci import (
    BilledLine,
    Mue,
    NcciEdits,
    check_em_pairs,
    check_mue,
    check_ptp,
    distinct_modifier,
)
from services.coder.ncci_files import NcciFileError, load_ncci, parse_mue, parse_ptp

from .factories import DATE_OF_SERVICE, REFERENCE, encounter, outcome_of, procedure

DAY = date(2026, 3, 10)
CMS_PTP = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\t\t\t\t\t\t\n"
    "Column1/Column2 Edits\t\t\t\t\t\t\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\n"
    "\t\t\t\t*=no data\t1=allowed\t\n"
    "\t\t\t\t\t9=not applicable\t\n"
    "36415\t36416\t*\t19960101\t*\t1\tMutually exclusive procedures\n"
    "74178\t74176\t\t20110101\t*\t0\tMisuse of column two code with column one code\n"
    "93000\t93040\t\t20000101\t20101231\t1\tCPT Manual or CMS manual coding instruction\n"
    "96372\t99211\t\t20200101\t*\t9\tCPT Manual or CMS manual coding instruction\n"
)
CMS_MUE = (
    "CPT codes, descriptions and other data only are copyright 2025 American Medical "
    "Association.  All rights reserved.\n"
    '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\n"
    "36415,2,3 Date of Service Edit: Clinical,Clinical: Data\n"
    "69210,1,2 Date of Service Edit: Policy,Anatomic Consideration\n"
    "J1885,8,1 Line Edit,Prescribing Information\n"
)


def edits() -> NcciEdits:
    return NcciEdits(parse_ptp(CMS_PTP), parse_mue(CMS_MUE), ptp_version="t", mue_version="t")


def line(code: str, *modifiers: str, units: int = 1, site: str | None = None) -> BilledLine:
    return BilledLine(code, list(modifiers), units, site)


# --- reading CMS's layouts -------------------------------------------------------------------


def test_the_ptp_reader_skips_cms_title_lines_and_reads_every_field() -> None:
    rows = list(parse_ptp(CMS_PTP))
    assert [(r.column1, r.column2, r.indicator) for r in rows] == [
        ("36415", "36416", "1"), ("74178", "74176", "0"), ("93000", "93040", "1"),
        ("96372", "99211", "9"),
    ]  # fmt: skip
    assert rows[0].effective == date(1996, 1, 1) and rows[0].deletion is None
    assert rows[2].deletion == date(2010, 12, 31)
    assert rows[0].rationale == "Mutually exclusive procedures"


def test_the_mue_reader_takes_cms_csv_with_its_quoted_header_and_tab_text() -> None:
    mues = {m.code: m for m in parse_mue(CMS_MUE)}
    assert mues["36415"] == Mue("36415", 2, 3, "Clinical: Data")
    assert (mues["69210"].value, mues["69210"].indicator) == (1, 2)
    tabbed = CMS_MUE.replace(",", "\t").replace('"HCPCS/\nCPT Code"', "HCPCS/CPT Code")
    assert {m.code: m.value for m in parse_mue(tabbed)} == {"36415": 2, "69210": 1, "J1885": 8}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("36415\t36416\t\t1996\t*\t1\tx\n", "dates must be YYYYMMDD"),
        ("36415\t36416\t\t19960101\t*\t2\tx\n", "modifier indicator must be 0, 1 or 9"),
        ("36415\t36416\n", "not a PTP row"),
    ],
)
def test_a_broken_ptp_row_is_named_with_its_line(text: str, message: str) -> None:
    with pytest.raises(NcciFileError, match=rf"site.txt: line 1: {message}"):
        list(parse_ptp(text, name="site.txt"))


def test_a_broken_mue_row_is_refused() -> None:
    with pytest.raises(NcciFileError, match="36415"):
        list(parse_mue("36415,two,3 Date of Service Edit: Clinical,x\n"))


def test_a_site_points_at_cms_files_and_keeps_only_the_codes_it_can_emit(tmp_path: Path) -> None:
    parts = tmp_path / "ccipra-v324r0"
    parts.mkdir()
    (parts / "ccipra-v324r0-f1.txt").write_text(CMS_PTP + "0001A\t0591T\t\t20220101\t*\t1\tx\n")
    (parts / "ccipra-v324r0-f2.txt").write_text(CMS_PTP.splitlines()[0] + "\n")
    mue = tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv"
    mue.write_text(CMS_MUE)
    loaded = load_ncci(parts, mue)
    assert loaded.ptp_version == "ccipra-v324r0"
    assert loaded.mue_version == "MCR_MUE_PractitionerServices_Eff_10-01-2026"
    assert loaded.pair("36415", "36416", DAY) is not None
    assert loaded.pair("0001A", "0591T", DAY) is None  # not a code of this lexicon
    assert loaded.mue("J1885") == Mue("J1885", 8, 1, "Prescribing Information")


def test_a_missing_ncci_file_is_named_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(NcciFileError, match="missing.txt"):
        load_ncci(tmp_path / "missing.txt")


def test_the_shipped_subsets_cover_the_lexicon_and_name_their_version() -> None:
    ncci = REFERENCE.ncci
    assert ncci.ptp_version == ncci.mue_version == "2026Q4-medbill.1"
    for code in REFERENCE.lexicon.codes:
        assert ncci.mue(code) is not None, code
    assert ncci.pair("93000", "93010", DAY) is not None
    assert ncci.pair("96372", "99211", DAY) is not None
    assert ncci.pair("12002", "64450", DAY) is not None


# --- PTP -------------------------------------------------------------------------------------


def test_indicator_0_is_a_review_reason_whatever_the_modifier() -> None:
    result = check_ptp([line("74178"), line("74176", "XS")], edits(), DAY)
    (reason,) = result.reasons
    assert (reason.rule, reason.subject, reason.candidates) == (
        "NCCI-PTP-0", "74176", ("74178", "74176")
    )  # fmt: skip


def test_indicator_1_without_a_distinct_service_documented_goes_to_review() -> None:
    result = check_ptp([line("36416"), line("36415")], edits(), DAY)
    assert [(r.rule, r.subject) for r in result.reasons] == [("NCCI-PTP-1", "36416")]


def test_indicator_1_takes_xs_when_the_documentation_shows_two_sites() -> None:
    col2 = line("36416", site="hand")
    result = check_ptp([line("36415", site="arm"), col2], edits(), DAY)
    assert result.reasons == []
    assert col2.modifiers == ["XS"]
    assert [e.rule for e in result.edits] == ["MOD-XS"]


@pytest.mark.parametrize(
    ("first", "second", "bypassed"),
    [
        (["LT"], ["RT"], True),  # one side and the other
        ([], ["59"], True),
        ([], ["XU"], True),
        (["RT"], ["RT"], False),  # the same side twice is one structure
        (["RT"], [], False),  # a side on one line only says nothing
    ],
)
def test_an_ncci_associated_modifier_bypasses_indicator_1(
    first: list[str], second: list[str], bypassed: bool
) -> None:
    result = check_ptp([line("36415", *first), line("36416", *second)], edits(), DAY)
    assert (result.reasons == []) is bypassed


def test_indicator_9_and_an_edit_out_of_force_do_nothing() -> None:
    assert check_ptp([line("96372"), line("99211")], edits(), DAY).reasons == []
    # 93000/93040 was deleted at the end of 2010
    assert check_ptp([line("93000"), line("93040")], edits(), DAY).reasons == []
    assert check_ptp([line("93000"), line("93040")], edits(), date(2009, 5, 1)).reasons != []


def test_distinct_modifier_prefers_a_site_then_a_practitioner() -> None:
    assert distinct_modifier(line("a", site="arm"), line("b", site="leg")) == "XS"
    assert distinct_modifier(line("a", site="arm"), line("b", site="arm")) is None
    assert (
        distinct_modifier(
            BilledLine("a", [], 1, None, "dr-1"), BilledLine("b", [], 1, None, "dr-2")
        )
        == "XP"
    )


# --- MUE -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "rule"),
    [
        ([line("J1885", units=9)], "MUE-1"),  # one line over
        ([line("69210", units=1), line("69210", "76", units=1)], "MUE-2"),  # the day over
        ([line("36415", units=2), line("36415", units=1)], "MUE-3"),
    ],
)
def test_units_over_the_mue_are_a_review_reason_by_its_adjudication_indicator(
    lines: list[BilledLine], rule: str
) -> None:
    (reason,) = check_mue(lines, edits()).reasons
    assert reason.rule == rule


def test_a_claim_line_mue_counts_each_line_alone() -> None:
    assert check_mue([line("J1885", units=8), line("J1885", units=8)], edits()).reasons == []
    assert check_mue([line("36415", units=2)], edits()).reasons == []


# --- the edits on an encounter ----------------------------------------------------------------


def test_an_encounter_failing_an_edit_is_never_coded_without_review() -> None:
    closed = encounter(procedures=[procedure("74178", "CT A/P"), procedure("74176", "CT A/P")])
    outcome = outcome_of(closed)
    assert isinstance(outcome, NeedsReview)
    assert "NCCI-PTP-0" in [r.rule for r in outcome.reasons]
    # the line is proposed, not dropped
    assert {"74178", "74176"} <= {line.code for line in outcome.proposed_service_lines}


def test_two_sides_of_a_pair_pass_and_no_edits_means_none_apply() -> None:
    closed = encounter(
        procedures=[
            procedure("73562", "Knee x-ray 3 views", laterality="left"),
            procedure("73560", "Knee x-ray 2 views", laterality="right"),
        ]
    )
    outcome = outcome_of(closed)
    assert isinstance(outcome, Coded), outcome
    same_side = encounter(
        procedures=[
            procedure("73562", "Knee", laterality="left"),
            procedure("73560", "Knee", laterality="left"),
        ]
    )
    assert isinstance(outcome_of(same_side), NeedsReview)
    bare = ReferenceData(REFERENCE.code_set, REFERENCE.lexicon)
    assert isinstance(outcome_of(same_side, bare), Coded)
    assert DATE_OF_SERVICE == DAY


def em_line(code: str, *modifiers: str) -> ServiceLine:
    return ServiceLine(code, "CPT", "visit", Evidence("mdm_level", "x"), "inferred", "EM-MDM",
                       modifiers=modifiers)  # fmt: skip


def procedure_line(code: str) -> ServiceLine:
    return ServiceLine(
        code, "CPT", "x", Evidence("procedures[0]", "x"), "provided", "PROC-PROVIDED"
    )


def test_an_em_with_a_procedure_that_includes_it_needs_modifier_25() -> None:
    ncci = REFERENCE.ncci
    without = check_em_pairs([em_line("99211"), procedure_line("96372")], ncci, DAY)
    assert [(r.rule, r.subject) for r in without] == [("NCCI-PTP-1", "99211")]
    assert check_em_pairs([em_line("99213", "25"), procedure_line("17110")], ncci, DAY) == []
    assert check_em_pairs([em_line("99213"), procedure_line("36415")], ncci, DAY) == []


def test_a_reviewer_s_procedures_run_the_same_edits() -> None:
    from services.coder.domain.encounter import ReviewedProcedure
    from services.coder.domain.procedures import review_procedures

    chosen = [ReviewedProcedure("74178"), ReviewedProcedure("74176")]
    result = review_procedures(chosen, (), REFERENCE.lexicon, "coder-1", REFERENCE.ncci, DAY)
    assert [r.rule for r in result.reasons] == ["NCCI-PTP-0"]
    assert review_procedures(chosen, (), REFERENCE.lexicon, "coder-1").reasons == []
