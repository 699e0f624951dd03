"""ICD-10-CM code sets from CMS's published files, loaded once at start-up.

A release is CMS's tabular XML (`icd10cm_tabular_2027.xml`, or the `simple_icd_10_cm`
package's `icd10c-tabular-April-1-2026.xml`: descriptions, notes, Excludes1, code first, use
additional code, `<sevenChrDef>`) and, when present, the code order file
(`icd10cm_order_2027.txt`, fixed width: order number 5, blank, code 7 without the dot,
blank, 1 for a billable code and 0 for a header, blank, short description 60, blank, long
description), which then decides which codes exist and which are billable. Without it a
code is billable when it is a leaf of the tabular list, with its 7th characters when its
category has them.

The shipped set is the package's FY2026 (April 2026) release; a site adds its own
(ICD10CM_SETS: directories holding the two files, or `tabular.xml,order.txt` pairs), each
year side by side, chosen by date of service (`CodeSets`).
"""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .domain.edits import with_placeholders
from .domain.edits_table import ApplicabilityRow, applicability, parse_applicability
from .domain.errors import CoderError
from .domain.excludes1 import ExcludedRange, parse_excluded_ranges
from .domain.icd10cm import CodeKind, CodeSets, Icd10CmEntry, UncoveredPolicy, fiscal_year_start

SHIPPED_TABULAR = "icd10c-tabular-April-1-2026.xml"
APPLICABILITY_TABLE = "icd10cm_applicability.tsv"
# "A00" to "Z99.9999": blocks ("E08-E13") and chapters ("4") are valid items but not codes
_CODE_SHAPE = re.compile(r"^[A-Z][0-9A-Z][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_MONTH_IN_NAME = re.compile(rf"({'|'.join(_MONTHS)})[-_ ]?(?:\d{{1,2}}[-_ ])?(\d{{4}})", re.I)
# "in diseases classified elsewhere", "in other diseases classified elsewhere" (I.A.13)
_MANIFESTATION = re.compile(r"\bin (?:other )?diseases classified elsewhere\b", re.I)


class CodeSetError(CoderError):
    """A code-set file that cannot be read or is not in CMS's layout (named at start-up)."""


@dataclass(frozen=True, slots=True)
class _Node:
    """One `<diag>` of the tabular list: what its entry and its descendants' entries need."""

    parent: str | None
    description: str
    leaf: bool
    excludes1: tuple[str, ...]
    code_first: tuple[str, ...]
    use_additional: tuple[str, ...]
    seventh: dict[str, str] | None
    manifestation: bool


@dataclass(frozen=True, slots=True)
class Tabular:
    fiscal_year: int
    nodes: dict[str, _Node]


def parse_tabular(source: str | Path | bytes) -> Tabular:
    """Read CMS's tabular XML (`<ICD10CM.tabular>`: chapters, sections, nested `<diag>`)."""
    try:
        root = ET.fromstring(source) if isinstance(source, bytes) else ET.parse(source).getroot()
    except (OSError, ET.ParseError) as exc:
        raise CodeSetError(str(exc)) from None
    version = (root.findtext("version") or "").strip()
    if root.tag != "ICD10CM.tabular" or not version.isdigit():
        raise CodeSetError("not an ICD-10-CM tabular XML (<ICD10CM.tabular> with <version>)")
    nodes: dict[str, _Node] = {}
    for chapter in root.iter("chapter"):
        for section in chapter.iter("section"):
            for diag in section.findall("diag"):
                _walk(diag, None, False, nodes)
    return Tabular(int(version), nodes)


_NOTE_KINDS = {"excludes1": 0, "codeFirst": 1, "useAdditionalCode": 2}


def _walk(diag: ET.Element, parent: str | None, inherited: bool, nodes: dict[str, _Node]) -> None:
    name = description = ""
    children: list[ET.Element] = []
    notes: tuple[list[str], list[str], list[str]] = ([], [], [])
    seventh = None
    for child in diag:  # one pass over the element's children
        tag = child.tag
        if tag == "diag":
            children.append(child)
        elif tag == "name":
            name = (child.text or "").strip()
        elif tag == "desc":
            description = (child.text or "").strip()
        elif tag in _NOTE_KINDS:
            notes[_NOTE_KINDS[tag]].extend((n.text or "").strip() for n in child.iter("note"))
        elif tag == "sevenChrDef":
            seventh = {
                (ext.get("char") or ""): (ext.text or "").strip() for ext in child.iter("extension")
            }
    manifestation = inherited or _MANIFESTATION.search(description) is not None
    nodes[name] = _Node(
        parent=parent,
        description=description,
        leaf=not children,
        excludes1=tuple(notes[0]),
        code_first=tuple(notes[1]),
        use_additional=tuple(notes[2]),
        seventh=seventh,
        manifestation=manifestation,
    )
    for child in children:
        _walk(child, name, manifestation, nodes)


def parse_order(lines: Iterable[str]) -> dict[str, tuple[bool, str]]:
    """CMS's code order file: dotted code -> (billable, long description)."""
    codes: dict[str, tuple[bool, str]] = {}
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        bare, flag = line[6:13].strip(), line[14:15]
        if not (line[:5].strip().isdigit() and bare.isalnum() and flag in ("0", "1")):
            raise CodeSetError(f"ICD-10-CM order file line {number}: not in CMS's layout")
        code = bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"
        codes[code] = (flag == "1", line[77:].strip() or line[16:76].strip())
    return codes


class TabularCodeSet:
    """The domain's CodeSet over one parsed release. Entries are built on first use and kept
    (bounded: codes arrive from outside, and a stream of garbage must not grow memory
    forever); they are the domain's own frozen dataclasses, shared by every encounter."""

    def __init__(
        self,
        tabular: Tabular,
        order: dict[str, tuple[bool, str]] | None,
        release: str,
        applicability_rows: Sequence[ApplicabilityRow] = (),
        cache_size: int = 1 << 16,
    ) -> None:
        self.label = f"FY{tabular.fiscal_year}"
        self.release = release
        self._nodes = tabular.nodes
        self._order = order
        self._rows = tuple(applicability_rows)
        self.lookup = lru_cache(maxsize=cache_size)(self._entry)
        self._ranges = lru_cache(maxsize=cache_size)(self._own_ranges)
        children: dict[str, list[str]] = {}
        for name, node in self._nodes.items():
            if node.parent is not None:
                children.setdefault(node.parent, []).append(name)
        self._children = {name: tuple(under) for name, under in children.items()}

    def _entry(self, code: str) -> Icd10CmEntry:
        """ICD-10-CM Official Guidelines I.A.3 and I.B.2: only a complete code is billable (a
        leaf, with its 7th character where its category has them, I.A.6); a block or a
        chapter is no code at all."""
        if not _CODE_SHAPE.match(code):
            return Icd10CmEntry(code, "unknown", False, "")
        node = self._nodes.get(code)
        base, seventh = (code, None) if node is not None else self._seventh_split(code)
        if base is None:
            listed = self._order.get(code) if self._order is not None else None
            if listed is None:
                return Icd10CmEntry(code, "unknown", False, "")
            # in the order file but not in the tabular: the order file decides, without notes
            kind: CodeKind = "code" if listed[0] else "subcategory" if len(code) > 3 else "category"
            return Icd10CmEntry(code, kind, listed[0], listed[1])
        definition = self._seventh_definition(base)
        if self._order is not None:
            listed = self._order.get(code)
            if listed is None:
                return Icd10CmEntry(code, "unknown", False, "")
            billable, description = listed
        elif seventh is None:
            billable = self._nodes[base].leaf and definition is None
            description = self._nodes[base].description
        else:
            billable = True
            description = f"{self._nodes[base].description}, {definition[seventh]}"  # type: ignore[index]
        kind = "code" if billable else "category" if len(code) == 3 else "subcategory"
        lineage = [base, *self._ancestors(base)]
        excludes1: list[ExcludedRange] = []
        code_first: list[str] = []
        use_additional: list[str] = []
        for item in lineage:
            excludes1.extend(self._ranges(item))
            code_first.extend(self._nodes[item].code_first)
            use_additional.extend(self._nodes[item].use_additional)
        sex, ages = applicability(code, self._rows)
        needs = "".join(definition) if definition is not None and seventh is None else ""
        return Icd10CmEntry(
            code,
            kind,
            billable,
            description,
            tuple(excludes1),
            sex=sex,
            ages=ages,
            manifestation=self._nodes[base].manifestation,
            seventh_characters=needs if self._nodes[base].leaf else "",
            code_first=tuple(code_first),
            use_additional=tuple(use_additional),
        )

    def children(self, code: str) -> tuple[str, ...]:
        """The items directly under a code: its subdivisions, or, for a code that takes a 7th
        character, the complete codes (with placeholders, I.A.5); () for anything else."""
        node = self._nodes.get(code)
        if node is None:
            return ()
        if not node.leaf:
            return self._children.get(code, ())
        definition = self._seventh_definition(code)
        if definition is None:
            return ()
        stem = with_placeholders(code)
        found = tuple(stem + c for c in definition)
        if self._order is not None:
            found = tuple(c for c in found if c in self._order)
        return found

    def parent(self, code: str) -> str:
        """The category or subcategory a code sits under ("" for a category or unknown)."""
        node = self._nodes.get(code)
        if node is not None:
            return node.parent or ""
        base, _ = self._seventh_split(code)
        return base or ""

    def _seventh_split(self, code: str) -> tuple[str | None, str | None]:
        """'S52.501A' -> ('S52.501', 'A'); 'T15.00XA' -> ('T15.00', 'A'), when the 7th
        character is one its category defines and the placeholders fill to 6 (I.A.5)."""
        bare = code.replace(".", "")
        if len(bare) != 7:
            return None, None
        stem, seventh = code[:-1], code[-1]
        base = stem.rstrip("X").rstrip(".")
        node = self._nodes.get(base)
        definition = self._seventh_definition(base) if node is not None else None
        if node is None or not node.leaf or definition is None or seventh not in definition:
            return None, None
        padded = base.replace(".", "").ljust(6, "X")
        if f"{padded[:3]}.{padded[3:]}" != stem:
            return None, None
        return base, seventh

    def _seventh_definition(self, item: str) -> dict[str, str] | None:
        for name in (item, *self._ancestors(item)):
            definition = self._nodes[name].seventh
            if definition is not None:
                return definition
        return None

    def _ancestors(self, item: str) -> list[str]:
        found = []
        parent = self._nodes[item].parent
        while parent is not None:
            found.append(parent)
            parent = self._nodes[parent].parent
        return found

    def _own_ranges(self, item: str) -> tuple[ExcludedRange, ...]:
        notes = self._nodes[item].excludes1
        return tuple(r for note in notes for r in parse_excluded_ranges(note))


@dataclass(frozen=True, slots=True)
class CodeSetFiles:
    """Where one release comes from: its tabular XML and, optionally, its order file."""

    tabular: Path | None
    order: Path | None = None
    shipped: bool = False


def shipped_tabular_path() -> Path:
    """The package's tabular XML, found without importing the package (its import parses the
    whole file into its own structures, seconds of start-up the coder does not need)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise CodeSetError("the simple_icd_10_cm package (the shipped FY2026 set) is missing")
    return Path(next(iter(spec.submodule_search_locations)), "data", SHIPPED_TABULAR)


def shipped_files() -> CodeSetFiles:
    return CodeSetFiles(tabular=None, shipped=True)


def files_of(spec: str) -> CodeSetFiles:
    """An ICD10CM_SETS item: a directory with `*tabular*.xml` and maybe `*order*.txt`, a
    tabular XML file, or `tabular.xml,order.txt`."""
    if "," in spec:
        tabular, order = (Path(part.strip()) for part in spec.split(",", 1))
        return CodeSetFiles(tabular, order)
    path = Path(spec)
    if not path.is_dir():
        return CodeSetFiles(path)
    tabulars = sorted(path.glob("*tabular*.xml"))
    if len(tabulars) != 1:
        raise CodeSetError(
            f"ICD-10-CM set {spec}: expected one *tabular*.xml, found {len(tabulars)}"
        )
    orders = sorted(p for p in path.glob("*order*.txt") if "addenda" not in p.name.lower())
    if len(orders) > 1:
        raise CodeSetError(f"ICD-10-CM set {spec}: more than one *order*.txt")
    return CodeSetFiles(tabulars[0], orders[0] if orders else None)


def release_of(name: str, fiscal_year: int) -> tuple[str, date]:
    """A release's edition and its effective date: "April 2026" from an April update's file
    name, otherwise the October release that opens the fiscal year."""
    found = _MONTH_IN_NAME.search(name)
    if found is not None:
        month = next(i for i, m in enumerate(_MONTHS, 1) if m.lower() == found.group(1).lower())
        year = int(found.group(2))
        return f"{_MONTHS[month - 1]} {year}", date(year, month, 1)
    start = fiscal_year_start(f"FY{fiscal_year}")
    return f"October {start.year}", start


def load_code_set(
    files: CodeSetFiles, rows: Sequence[ApplicabilityRow]
) -> tuple[TabularCodeSet, date]:
    """One release and the date it took effect. A file that cannot be read or breaks CMS's
    layout raises CodeSetError naming it."""
    if files.shipped:
        tabular = parse_tabular(shipped_tabular_path())
        name = SHIPPED_TABULAR
    else:
        assert files.tabular is not None
        try:
            tabular = parse_tabular(files.tabular)
        except CodeSetError as exc:
            raise CodeSetError(f"ICD-10-CM tabular {files.tabular}: {exc}") from None
        name = files.tabular.name
    order = None
    if files.order is not None:
        try:
            raw = files.order.read_bytes()
        except OSError as exc:
            raise CodeSetError(f"ICD-10-CM order file {files.order}: {exc.strerror}") from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # CMS's older text files are Windows-1252 (é in Barré)
            text = raw.decode("cp1252", errors="replace")
        try:
            order = parse_order(text.splitlines())
        except CodeSetError as exc:
            raise CodeSetError(f"{files.order}: {exc}") from None
    release, effective = release_of(name, tabular.fiscal_year)
    return TabularCodeSet(tabular, order, release, rows), effective


def load_applicability(path: str | Path | None = None) -> tuple[ApplicabilityRow, ...]:
    if path is None:
        text = resources.files("services.coder").joinpath("data", APPLICABILITY_TABLE).read_text()
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        return parse_applicability(text)
    except ValueError as exc:
        raise CodeSetError(f"{path or APPLICABILITY_TABLE}: {exc}") from None


def load_code_sets(specs: Sequence[str] = (), uncovered: UncoveredPolicy = "flag") -> CodeSets:
    """The shipped FY2026 set and a site's (ICD10CM_SETS); a site's release of the same fiscal
    year and edition replaces the shipped one."""
    rows = load_applicability()
    loaded: dict[tuple[str, str], tuple[TabularCodeSet, date]] = {}
    for files in (shipped_files(), *(files_of(spec) for spec in specs)):
        code_set, effective = load_code_set(files, rows)
        loaded[(code_set.label, code_set.release)] = (code_set, effective)
    return CodeSets(list(loaded.values()), uncovered)
