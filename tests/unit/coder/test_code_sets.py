# ruff: noqa: E501  (the fixtures are CMS-layout XML, one element a line)
"""The ICD-10-CM loader: CMS's tabular XML and code order file, several fiscal years side by
side chosen by date of service, on small fixtures in CMS's layouts (and the shipped set)."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coder.code_sets import (
    CodeSetError,
    files_of,
    load_applicability,
    load_code_set,
    load_code_sets,
    parse_order,
    release_of,
)
from services.coder.domain.icd10cm import CodeSets, Icd10CmEntry, fiscal_year, fiscal_year_start
from services.common.settings import Settings

from .factories import REFERENCE

_SEVENTH = """
        <sevenChrNote><note>The appropriate 7th character is to be added to each code</note></sevenChrNote>
        <sevenChrDef>
          <extension char="A">initial encounter</extension>
          <extension char="D">subsequent encounter</extension>
          <extension char="S">sequela</extension>
        </sevenChrDef>"""


def tabular(year: int, headache: str) -> str:
    """A tabular list in CMS's layout: chapters, sections, nested <diag>, notes."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <version>{year}</version>
  <chapter>
    <name>4</name>
    <desc>Endocrine, nutritional and metabolic diseases (E00-E89)</desc>
    <section id="E08-E13">
      <desc>Diabetes mellitus (E08-E13)</desc>
      <diag>
        <name>E10</name>
        <desc>Type 1 diabetes mellitus</desc>
        <excludes1><note>type 2 diabetes mellitus (E11.-)</note></excludes1>
        <diag><name>E10.9</name><desc>Type 1 diabetes mellitus without complications</desc></diag>
      </diag>
      <diag>
        <name>E11</name>
        <desc>Type 2 diabetes mellitus</desc>
        <useAdditionalCode><note>code to identify control using insulin (Z79.4)</note></useAdditionalCode>
        <excludes1><note>type 1 diabetes mellitus (E10.-)</note></excludes1>
        <diag><name>E11.9</name><desc>Type 2 diabetes mellitus without complications</desc></diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>6</name>
    <desc>Diseases of the nervous system (G00-G99)</desc>
    <section id="G60-G65">
      <desc>Polyneuropathies (G60-G65)</desc>
      <diag>
        <name>G63</name>
        <desc>Polyneuropathy in diseases classified elsewhere</desc>
        <codeFirst><note>underlying disease, such as amyloidosis (E85.-)</note></codeFirst>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>14</name>
    <desc>Diseases of the genitourinary system (N00-N99)</desc>
    <section id="N40-N53">
      <desc>Diseases of male genital organs (N40-N53)</desc>
      <diag>
        <name>N40</name>
        <desc>Benign prostatic hyperplasia</desc>
        <diag><name>N40.0</name><desc>Benign prostatic hyperplasia without lower urinary tract symptoms</desc></diag>
      </diag>
    </section>
  </chapter>
  <chapter>
    <name>18</name>
    <desc>Symptoms, signs and abnormal clinical and laboratory findings (R00-R99)</desc>
    <section id="R50-R69">
      <desc>General symptoms and signs (R50-R69)</desc>
      {headache}
    </section>
  </chapter>
  <chapter>
    <name>19</name>
    <desc>Injury, poisoning (S00-T88)</desc>
    <section id="S50-S59">
      <desc>Injuries to the elbow and forearm (S50-S59)</desc>
      <diag>
        <name>S52</name>
        <desc>Fracture of forearm</desc>{_SEVENTH}
        <diag>
          <name>S52.5</name>
          <desc>Fracture of lower end of radius</desc>
          <diag>
            <name>S52.50</name>
            <desc>Unspecified fracture of the lower end of radius</desc>
            <diag><name>S52.501</name><desc>Unspecified fracture of the lower end of right radius</desc></diag>
          </diag>
        </diag>
      </diag>
    </section>
    <section id="T15-T19">
      <desc>Effects of foreign body entering through natural orifice (T15-T19)</desc>
      <diag>
        <name>T15</name>
        <desc>Foreign body on external eye</desc>{_SEVENTH}
        <diag>
          <name>T15.0</name>
          <desc>Foreign body in cornea</desc>
          <diag><name>T15.00</name><desc>Foreign body in cornea, unspecified eye</desc></diag>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


# FY2026: R51 Headache is a code; FY2027 makes it a category of R51.0 and R51.9 (the shape of
# a real annual change), so R51 is billable in one year and not the other.
HEADACHE_2026 = "<diag><name>R51</name><desc>Headache</desc></diag>"
HEADACHE_2027 = """<diag>
        <name>R51</name>
        <desc>Headache</desc>
        <diag><name>R51.0</name><desc>Headache with orthostatic component, not elsewhere classified</desc></diag>
        <diag><name>R51.9</name><desc>Headache, unspecified</desc></diag>
      </diag>"""

ORDER_2027 = [
    ("E10", 0, "Type 1 diabetes mellitus"),
    ("E109", 1, "Type 1 diabetes mellitus without complications"),
    ("E11", 0, "Type 2 diabetes mellitus"),
    ("E119", 1, "Type 2 diabetes mellitus without complications"),
    ("G63", 1, "Polyneuropathy in diseases classified elsewhere"),
    ("N40", 0, "Benign prostatic hyperplasia"),
    ("N400", 1, "Benign prostatic hyperplasia without lower urinary tract symptoms"),
    ("R51", 0, "Headache"),
    ("R510", 1, "Headache with orthostatic component, not elsewhere classified"),
    ("R519", 1, "Headache, unspecified"),
    ("S52", 0, "Fracture of forearm"),
    ("S525", 0, "Fracture of lower end of radius"),
    ("S5250", 0, "Unspecified fracture of the lower end of radius"),
    ("S52501", 0, "Unspecified fracture of the lower end of right radius"),
    ("S52501A", 1, "Unsp fracture of the lower end of right radius, init for clos fx"),
    ("S52501D", 1, "Unsp fracture of the lower end of right radius, subs for clos fx"),
    ("S52501S", 1, "Unsp fracture of the lower end of right radius, sequela"),
    ("T15", 0, "Foreign body on external eye"),
    ("T150", 0, "Foreign body in cornea"),
    ("T1500", 0, "Foreign body in cornea, unspecified eye"),
    ("T1500XA", 1, "Foreign body in cornea, unspecified eye, initial encounter"),
    ("T1500XD", 1, "Foreign body in cornea, unspecified eye, subsequent encounter"),
    ("T1500XS", 1, "Foreign body in cornea, unspecified eye, sequela"),
]


def order_file(rows: list[tuple[str, int, str]]) -> str:
    """CMS's fixed-width order file: order 5, code 7, flag 1, short 60, long."""
    return "".join(
        f"{n:05d} {code:<7} {flag} {text[:60]:<60} {text}\n"
        for n, (code, flag, text) in enumerate(rows, 1)
    )


@pytest.fixture
def releases(tmp_path: Path) -> tuple[Path, Path]:
    fy2026 = tmp_path / "fy2026"
    fy2026.mkdir()
    (fy2026 / "icd10cm_tabular_2026.xml").write_text(tabular(2026, HEADACHE_2026))
    fy2027 = tmp_path / "fy2027"
    fy2027.mkdir()
    (fy2027 / "icd10cm_tabular_2027.xml").write_text(tabular(2027, HEADACHE_2027))
    (fy2027 / "icd10cm_order_2027.txt").write_text(order_file(ORDER_2027))
    return fy2026, fy2027


@pytest.fixture
def code_sets(releases: tuple[Path, Path]) -> CodeSets:
    rows = load_applicability()
    return CodeSets([load_code_set(files_of(str(path)), rows) for path in releases])


def test_two_fiscal_years_side_by_side(code_sets: CodeSets) -> None:
    fy2026, _ = code_sets.for_date(date(2026, 9, 30))
    fy2027, _ = code_sets.for_date(date(2026, 10, 1))
    assert (fy2026.label, fy2026.release) == ("FY2026", "October 2025")
    assert (fy2027.label, fy2027.release) == ("FY2027", "October 2026")
    # R51: a code in FY2026, a category in FY2027; R51.9 exists only in FY2027
    assert (fy2026.lookup("R51").kind, fy2026.lookup("R51").billable) == ("code", True)
    assert (fy2027.lookup("R51").kind, fy2027.lookup("R51").billable) == ("category", False)
    assert fy2026.lookup("R51.9").kind == "unknown"
    assert fy2027.lookup("R51.9").billable
    assert fy2027.lookup("R51.9").description == "Headache, unspecified"


@pytest.mark.parametrize(
    ("day", "label", "in_force", "covers"),
    [
        (date(2025, 10, 1), "FY2026", "FY2026", True),
        (date(2026, 9, 30), "FY2026", "FY2026", True),
        (date(2026, 10, 1), "FY2027", "FY2027", True),
        (date(2027, 10, 1), "FY2027", "FY2028", False),  # the latest set before it stands in
        (date(2025, 9, 30), "FY2026", "FY2025", False),  # nothing earlier: the earliest
    ],
)
def test_the_set_is_chosen_by_date_of_service(
    code_sets: CodeSets, day: date, label: str, in_force: str, covers: bool
) -> None:
    code_set, choice = code_sets.for_date(day)
    assert (code_set.label, choice.label, choice.in_force, choice.covers) == (
        label, label, in_force, covers
    )  # fmt: skip


def test_two_releases_of_one_year_by_effective_date(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    april = tmp_path / "april"
    april.mkdir()
    (april / "icd10cm-tabular-April-1-2026.xml").write_text(tabular(2026, HEADACHE_2027))
    rows = load_applicability()
    sets = CodeSets([load_code_set(files_of(str(p)), rows) for p in (releases[0], april)])
    assert sets.for_date(date(2026, 3, 31))[1].version == "FY2026 (October 2025)"
    assert sets.for_date(date(2026, 4, 1))[1].version == "FY2026 (April 2026)"


def test_order_file_decides_what_exists_and_is_billable(code_sets: CodeSets) -> None:
    fy2027, _ = code_sets.for_date(date(2026, 11, 2))
    entry = fy2027.lookup("S52.501A")
    assert (entry.kind, entry.billable) == ("code", True)
    assert entry.description == "Unsp fracture of the lower end of right radius, init for clos fx"
    assert fy2027.lookup("S52.501B").kind == "unknown"  # not in this order file
    assert fy2027.lookup("S52.501").needs_seventh


def test_without_an_order_file_a_leaf_with_its_7th_character_is_billable(
    code_sets: CodeSets,
) -> None:
    fy2026, _ = code_sets.for_date(date(2026, 3, 2))
    assert fy2026.lookup("E11.9").billable
    assert (fy2026.lookup("E11").kind, fy2026.lookup("E11").billable) == ("category", False)
    leaf = fy2026.lookup("S52.501")
    assert (leaf.billable, leaf.needs_seventh, leaf.seventh_characters) == (False, True, "ADS")
    full = fy2026.lookup("S52.501D")
    assert (full.billable, full.description) == (
        True, "Unspecified fracture of the lower end of right radius, subsequent encounter"
    )  # fmt: skip
    assert fy2026.lookup("S52.501Z").kind == "unknown"  # not a 7th character of S52
    # placeholder X: T15.00 takes its 7th character in the 7th place only
    assert fy2026.lookup("T15.00XA").billable
    assert fy2026.lookup("T15.00A").kind == "unknown"
    assert fy2026.lookup("S52.50A").kind == "unknown"  # S52.50 has children: no 7th here


def test_entries_carry_what_the_edits_need(code_sets: CodeSets) -> None:
    fy2026, _ = code_sets.for_date(date(2026, 3, 2))
    g63 = fy2026.lookup("G63")
    assert g63.manifestation and g63.code_first == (
        "underlying disease, such as amyloidosis (E85.-)",
    )
    assert not fy2026.lookup("E11.9").manifestation
    assert fy2026.lookup("E11.9").use_additional == (
        "code to identify control using insulin (Z79.4)",
    )
    assert any(r.covers("E10.9") for r in fy2026.lookup("E11.9").excludes1)
    assert fy2026.lookup("N40.0").sex == "M"
    assert fy2026.lookup("E11.9").sex is None and fy2026.lookup("E11.9").ages is None


def test_the_tree_children_and_parents(code_sets: CodeSets) -> None:
    fy2026, _ = code_sets.for_date(date(2026, 3, 2))
    fy2027, _ = code_sets.for_date(date(2026, 11, 2))
    assert fy2026.children("S52.50") == ("S52.501",)  # type: ignore[attr-defined]
    assert fy2026.children("S52.501") == ("S52.501A", "S52.501D", "S52.501S")  # type: ignore[attr-defined]
    assert fy2026.children("T15.00") == ("T15.00XA", "T15.00XD", "T15.00XS")  # type: ignore[attr-defined]
    assert fy2027.children("R51") == ("R51.0", "R51.9")  # type: ignore[attr-defined]
    assert fy2026.children("R51") == () and fy2026.children("Q99") == ()  # type: ignore[attr-defined]
    assert fy2026.parent("S52.501A") == "S52.501"  # type: ignore[attr-defined]
    assert fy2026.parent("E11.9") == "E11" and fy2026.parent("E11") == ""  # type: ignore[attr-defined]


def test_a_site_set_loads_beside_the_shipped_one(releases: tuple[Path, Path]) -> None:
    sets = load_code_sets([str(releases[1])], uncovered="review")
    assert [(s.label, s.release) for s in sets.all()] == [
        ("FY2026", "April 2026"), ("FY2027", "October 2026")
    ]  # fmt: skip
    assert sets.uncovered == "review"
    assert sets.latest.label == "FY2027"
    assert sets.for_date(date(2026, 5, 1))[0].lookup("S52.501A").billable  # the shipped one


def test_a_file_pair_is_a_set_too(releases: tuple[Path, Path]) -> None:
    xml, order = releases[1] / "icd10cm_tabular_2027.xml", releases[1] / "icd10cm_order_2027.txt"
    assert files_of(f"{xml},{order}") == files_of(str(releases[1]))


def test_unreadable_or_malformed_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "icd10cm_tabular_2027.xml").write_text("<ICD10CM.tabular><chapter>")
    with pytest.raises(CodeSetError, match="icd10cm_tabular_2027.xml"):
        load_code_sets([str(tmp_path)])
    with pytest.raises(CodeSetError, match="missing/icd10cm_tabular_2027.xml"):
        load_code_sets([str(tmp_path / "missing" / "icd10cm_tabular_2027.xml")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CodeSetError, match="expected one"):
        files_of(str(tmp_path / "empty"))
    with pytest.raises(CodeSetError, match="line 2"):
        parse_order(["00001 A00     0 Cholera", "not an order line"])


def test_an_order_file_in_windows_1252_is_read(tmp_path: Path) -> None:
    (tmp_path / "icd10cm_tabular_2027.xml").write_text(tabular(2027, HEADACHE_2027))
    rows = [*ORDER_2027, ("G610", 1, "Guillain-Barré syndrome")]
    (tmp_path / "icd10cm_order_2027.txt").write_bytes(order_file(rows).encode("cp1252"))
    code_set, _ = load_code_set(files_of(str(tmp_path)), ())
    assert code_set.lookup("R51.9").billable


def test_release_names() -> None:
    assert release_of("icd10cm_tabular_2027.xml", 2027) == ("October 2026", date(2026, 10, 1))
    assert release_of("icd10c-tabular-April-1-2026.xml", 2026) == ("April 2026", date(2026, 4, 1))


def test_settings_take_a_json_list_and_a_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICD10CM_SETS", '["/srv/icd10cm/fy2027"]')
    monkeypatch.setenv("ICD10CM_UNCOVERED", "review")
    settings = Settings()
    assert (settings.icd10cm_sets, settings.icd10cm_uncovered) == (
        ["/srv/icd10cm/fy2027"],
        "review",
    )
    monkeypatch.delenv("ICD10CM_SETS")
    monkeypatch.delenv("ICD10CM_UNCOVERED")
    assert (Settings().icd10cm_sets, Settings().icd10cm_uncovered) == ([], "flag")


def test_the_shipped_set_has_every_code_of_the_package_code_list() -> None:
    """Billable = leaf of the XML, with its 7th characters: the same codes as the package's
    own code list (every 7th line checked, to stay fast)."""
    listing = resources.files("simple_icd_10_cm").joinpath("data", "code-list-April-2026.txt")
    items = [line.strip() for line in listing.read_text().splitlines() if line.strip()]
    codes = [i for i in items if "-" not in i and not i.isdigit()]
    prefixes = {c[:n] for c in codes for n in range(3, len(c))}
    lookup = REFERENCE.code_set.lookup
    for bare in codes[::7]:
        dotted = bare if len(bare) == 3 else f"{bare[:3]}.{bare[3:]}"
        entry = lookup(dotted)
        assert entry.known, dotted
        assert entry.billable is (bare not in prefixes), dotted


class _Release:
    """A stand-in release with only a label and an edition (the choice reads nothing else)."""

    def __init__(self, label: str, release: str) -> None:
        self.label, self.release = label, release

    def lookup(self, code: str) -> Icd10CmEntry:
        return Icd10CmEntry(code, "unknown", False, "")


@given(
    st.sets(st.integers(2020, 2035), min_size=1, max_size=5),
    st.dates(date(2015, 1, 1), date(2040, 12, 31)),
)
def test_a_date_is_covered_exactly_by_its_own_fiscal_year(years: set[int], day: date) -> None:
    releases = [_Release(f"FY{y}", f"October {y - 1}") for y in years]
    sets = CodeSets([(r, fiscal_year_start(r.label)) for r in releases])
    code_set, choice = sets.for_date(day)
    in_force = fiscal_year(day)
    assert choice.in_force == in_force and choice.label == code_set.label
    assert choice.covers is (in_force in {r.label for r in releases})
    assert choice.covers is (code_set.label == in_force)
    if not choice.covers:  # the nearest year before, else the earliest loaded
        earlier = [r.label for r in releases if r.label < in_force]
        assert code_set.label == (max(earlier) if earlier else min(r.label for r in releases))
