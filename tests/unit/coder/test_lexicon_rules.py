"""The lexicon's optional columns (units, dose, family, sites, range, add-ons, components)
and its keyword finder (whole words, longest first, offsets into the text)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.coder.domain import LexiconError, parse_lexicon
from services.coder.domain.lexicon import Dose, Range

from .factories import REFERENCE

HEADER = (
    "code,code_system,description,keywords,laterality,minor_procedure,units,dose,family,"
    "sites,range,addon_to,components\n"
)
ROWS = (
    "J0696,HCPCS,Ceftriaxone per 250 mg,ceftriaxone|rocephin,no,no,per_dose,250 mg,drug,,,,\n"
    "13101,CPT,Complex repair trunk 2.6-7.5,complex repair,no,yes,,,repair_complex,trunk,"
    "cm:2.6-7.5,,\n"
    "13102,CPT,Complex repair trunk add-on,complex repair,no,yes,added_5_cm,,repair_complex,"
    "trunk,cm:7.6-,13101,\n"
    "90707,CPT,MMR vaccine,mmr,no,no,,,vaccine,,,,3\n"
)


def test_the_optional_columns_are_read() -> None:
    lexicon = parse_lexicon(HEADER + ROWS)
    drug, addon, vaccine = lexicon.get("J0696"), lexicon.get("13102"), lexicon.get("90707")
    assert drug is not None and addon is not None and vaccine is not None
    assert (drug.units, drug.dose, drug.family) == ("per_dose", Dose(250.0, "mg"), "drug")
    assert (addon.units, addon.addon_to, addon.sites) == ("added_5_cm", "13101", {"trunk"})
    assert addon.range == Range("cm", 7.6, None)
    assert vaccine.components == 3
    assert [e.code for e in lexicon.family("repair_complex")] == ["13101", "13102"]


def test_a_lexicon_of_the_six_first_columns_still_reads() -> None:
    six = "code,code_system,description,keywords,laterality,minor_procedure\n"
    entry = parse_lexicon(six + "36415,CPT,Draw,venipuncture,no,no\n").get("36415")
    assert entry is not None and (entry.units, entry.dose, entry.components) == ("each", None, 1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("J0696,HCPCS,x,y,no,no,per_dose,,drug,,,,\n", "needs its dose"),
        ("J0696,HCPCS,x,y,no,no,per_dose,250 bananas,drug,,,,\n", "not an amount and unit"),
        ("J0696,HCPCS,x,y,no,no,per_hour,,,,,,\n", "units must be one of"),
        ("13101,CPT,x,y,no,no,,,f,,cm:big,,\n", "is not <measure>"),
        ("90707,CPT,x,y,no,no,,,,,,,zero\n", "components must be"),
    ],
)
def test_a_broken_optional_column_is_named(row: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(HEADER + row)


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(LexiconError, match="lexicon columns"):
        parse_lexicon(HEADER.replace("components", "colour") + "36415,CPT,x,y,no,no,,,,,,,\n")


def test_keywords_are_found_as_whole_words_longest_first() -> None:
    lexicon = REFERENCE.lexicon
    hits = lexicon.find("CBC without differential; then CBCs. Xcbc is not one.")
    assert [(h.entries[0].code, h.start, h.end) for h in hits] == [
        ("85027", 0, 24),
        ("85025", 31, 35),
    ]
    assert lexicon.find("I&D of abscess")[0].entries[0].code == "10060"
    assert lexicon.find("") == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["ECG", "chest x-ray", "flu vaccine", "I&D", "Toradol", "no", "left", "knee", "Ä", "İ"]
        )
        | st.text(alphabet="abcXYZ 0123-.,:\n&/éİ", max_size=12),
        max_size=12,
    )
)
def test_every_hit_is_the_text_s_own_characters(parts: list[str]) -> None:
    text = " ".join(parts)
    previous_end = 0
    for hit in REFERENCE.lexicon.find(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.start >= previous_end  # hits never overlap
        previous_end = hit.end
        words = text[hit.start : hit.end]
        assert words[0].isalnum() and words[-1].isalnum()
        assert any(
            tuple(w.lower() for w in _words(words)) == tuple(w.lower() for w in _words(k))
            or len(_words(k)) == len(_words(words))
            for e in hit.entries
            for k in e.keywords
        )


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"[A-Za-z0-9]+", text)


def test_a_lexicon_names_its_version_by_its_content() -> None:
    first, same = parse_lexicon(HEADER + ROWS), parse_lexicon(HEADER + ROWS)
    other = parse_lexicon(HEADER + ROWS.replace("Ceftriaxone", "Ceftriaxone sodium"))
    assert first.version == same.version != other.version
    assert first.version.startswith("sha256:")
