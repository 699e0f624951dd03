"""The lexicon CSV format, and a site's own lexicon in place of the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.coder.domain import Coded, CoderError, LexiconError, ReferenceData, parse_lexicon
from services.coder.main import build
from services.coder.reference_data import load_lexicon
from services.common.settings import Settings

from .factories import REFERENCE, encounter, outcome_of, procedure

HEADER = "code,code_system,description,keywords,laterality,minor_procedure\n"


def test_a_site_lexicon_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "site.csv").write_text(HEADER + "83036,CPT,Hemoglobin A1c test,a1c|hba1c,no,no\n")
    site = ReferenceData(REFERENCE.code_set, load_lexicon(tmp_path / "site.csv"))
    closed = encounter(procedures=[procedure(None, "Point-of-care HbA1c")])
    outcome = outcome_of(closed, site)
    assert isinstance(outcome, Coded)
    line = outcome.service_lines[1]
    assert (line.code, line.description, line.method) == ("83036", "Hemoglobin A1c test", "matched")


@pytest.mark.parametrize(
    "text",
    [
        "code,system\n99213,CPT\n",
        HEADER + "9921,CPT,too short,x,no,no\n",
        HEADER + "J1885,CPT,wrong system,x,no,no\n",
        HEADER + "J1885,HCPCS,bad flag,x,maybe,no\n",
        HEADER + "36415,CPT,twice,x,no,no\n36415,CPT,twice,y,no,no\n",
    ],
)
def test_malformed_lexicon_is_refused(text: str) -> None:
    with pytest.raises(LexiconError) as raised:
        parse_lexicon(text)
    assert isinstance(raised.value, CoderError)


def test_a_site_lexicon_that_cannot_be_read_is_named_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"procedure lexicon .*missing.csv: no such file"):
        load_lexicon(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_text(HEADER + "9921,CPT,too short,x,no,no\n")
    with pytest.raises(LexiconError, match=r"bad.csv: line 2: '9921' is not a CPT code"):
        load_lexicon(tmp_path / "bad.csv")


def test_the_service_reads_its_lexicon_when_it_is_built(tmp_path: Path) -> None:
    settings = Settings(procedure_lexicon_path=str(tmp_path / "missing.csv"))
    with pytest.raises(LexiconError):
        build(settings)
