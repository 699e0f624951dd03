"""Reading CMS's NCCI files into the coder's `NcciEdits`, once at start-up.

Both readers take CMS's published layouts, so a site points NCCI_PTP_PATH and MUE_PATH at
the quarterly files it downloads (CMS's terms: the PTP files carry CPT codes under the
AMA's licence):

- PTP, practitioner services (`ccipra-v<version>-f1.txt` ... `f4.txt`): tab-separated,
  a few title and header lines, then `Column 1, Column 2, *=in existence prior to 1996,
  Effective Date (YYYYMMDD), Deletion Date (YYYYMMDD or *), Modifier (0/1/9), PTP Edit
  Rationale`. NCCI_PTP_PATH names one file or a folder holding the parts.
- MUE, practitioner services (`MCR_MUE_PractitionerServices_Eff_<date>.csv`, or the same
  table as tab-separated text): title lines, then `HCPCS/CPT Code, Practitioner Services
  MUE Values, MUE Adjudication Indicator ("1 Line Edit", "2 Date of Service Edit:
  Policy", "3 Date of Service Edit: Clinical"), MUE Rationale`.

Only the rows between codes the coder can emit are kept (the lexicon's and the E/M
codes): the full PTP table has millions of pairs. The version label of a file is the one
its title lines name (`version: ...`), else the file's name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from importlib import resources
from pathlib import Path

from .domain.em_tables import EM_DESCRIPTIONS
from .domain.errors import CoderError
from .domain.ncci import Mue, MueIndicator, NcciEdits, PtpEdit

SHIPPED_PTP = "ncci_ptp_practitioner.txt"
SHIPPED_MUE = "mue_practitioner.txt"
_CODE = re.compile(r"^[0-9A-Z][0-9]{3}[0-9A-Z]$")
_DAY = re.compile(r"^[0-9]{8}$")
_VERSION = re.compile(r"\bversion[:\s]+([A-Za-z0-9][\w.\-]*)", re.IGNORECASE)
_TITLE_LINES = 12


class NcciFileError(CoderError):
    """An NCCI file that cannot be read or breaks CMS's layout; named at start-up."""


def load_ncci(
    ptp_path: str | Path | None = None,
    mue_path: str | Path | None = None,
    lexicon_path: str | Path | None = None,
    *,
    codes: Iterable[str] | None = None,
) -> NcciEdits:
    """The PTP and MUE tables from a site's CMS files (NCCI_PTP_PATH, MUE_PATH), or the
    subsets shipped in services/coder/data/. From a site's files only the rows naming codes
    the coder can emit are kept: `codes`, else the lexicon's (`lexicon_path`, the shipped
    one when None) and the E/M codes."""
    wanted = frozenset(codes) if codes is not None else None
    if wanted is None and (ptp_path is not None or mue_path is not None):
        wanted = emittable_codes(lexicon_path)
    ptp_texts = _texts(ptp_path, SHIPPED_PTP)
    mue_texts = _texts(mue_path, SHIPPED_MUE)
    ptp = [edit for name, text in ptp_texts for edit in parse_ptp(text, wanted, name)]
    mues = [mue for name, text in mue_texts for mue in parse_mue(text, wanted, name)]
    return NcciEdits(
        ptp,
        mues,
        ptp_version=_version(ptp_texts),
        mue_version=_version(mue_texts),
    )


def emittable_codes(lexicon_path: str | Path | None = None) -> frozenset[str]:
    """The codes a service line can carry: the lexicon's and the E/M codes."""
    from .reference_data import load_lexicon  # reference_data imports this module

    return load_lexicon(lexicon_path).codes | frozenset(EM_DESCRIPTIONS)


def parse_ptp(
    text: str, codes: frozenset[str] | None = None, name: str = "PTP"
) -> Iterator[PtpEdit]:
    """The PTP rows of one file in CMS's layout (title and header lines skipped)."""
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("\t")
        first = fields[0].strip()
        if not _CODE.match(first):
            continue  # a title, header or blank line
        second = fields[1].strip() if len(fields) > 1 else ""
        if codes is not None and (first not in codes or second not in codes):
            continue
        if len(fields) < 6 or not _CODE.match(second):
            raise NcciFileError(
                f"{name}: line {number}: not a PTP row of 6 or 7 tab-separated fields"
            )
        effective, deletion, indicator = (f.strip() for f in fields[3:6])
        if not _DAY.match(effective) or not (deletion == "*" or _DAY.match(deletion)):
            raise NcciFileError(
                f"{name}: line {number}: dates must be YYYYMMDD (deletion * if none)"
            )
        if indicator not in ("0", "1", "9"):
            raise NcciFileError(f"{name}: line {number}: modifier indicator must be 0, 1 or 9")
        yield PtpEdit(
            column1=first,
            column2=second,
            effective=_day(effective),
            deletion=None if deletion == "*" else _day(deletion),
            indicator=indicator,  # type: ignore[arg-type]
            rationale=fields[6].strip() if len(fields) > 6 else "",
        )


def parse_mue(text: str, codes: frozenset[str] | None = None, name: str = "MUE") -> Iterator[Mue]:
    """The MUE rows of one file in CMS's layout, comma- or tab-separated."""
    head = text[:4000]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if not row or not _CODE.match(row[0].strip()):
            continue  # title and header rows (CMS's header holds a quoted line break)
        code = row[0].strip()
        if codes is not None and code not in codes:
            continue
        value = row[1].strip() if len(row) > 1 else ""
        indicator = row[2].strip()[:1] if len(row) > 2 else ""
        if not value.isdigit() or indicator not in ("1", "2", "3"):
            raise NcciFileError(
                f"{name}: code {code}: an MUE row needs a whole-number value and an "
                "adjudication indicator 1, 2 or 3"
            )
        mai: MueIndicator = int(indicator)  # type: ignore[assignment]
        yield Mue(code, int(value), mai, row[3].strip() if len(row) > 3 else "")


def _texts(path: str | Path | None, shipped: str) -> list[tuple[str, str]]:
    if path is None:
        source = resources.files("services.coder").joinpath("data", shipped)
        return [(shipped, source.read_text(encoding="utf-8"))]
    where = Path(path)
    files = (
        sorted(p for p in where.iterdir() if p.suffix.lower() in (".txt", ".csv"))
        if where.is_dir()
        else [where]
    )
    if not files:
        raise NcciFileError(f"NCCI file {path}: no .txt or .csv file in the folder")
    texts = []
    for file in files:
        try:
            # CMS writes its files in Windows-1252 (the copyright sign): read bytes as Latin-1
            texts.append((str(file), file.read_bytes().decode("latin-1")))
        except OSError as exc:
            why = (exc.strerror or type(exc).__name__).lower()
            raise NcciFileError(f"NCCI file {file}: {why}") from None
    return texts


def _version(texts: list[tuple[str, str]]) -> str:
    labels = []
    for name, text in texts:
        title = "\n".join(text.splitlines()[:_TITLE_LINES])
        found = _VERSION.search(title)
        label = found.group(1) if found else re.sub(r"-f[0-9]+$", "", Path(name).stem)
        if label not in labels:
            labels.append(label)
    return "+".join(labels)


def _day(text: str) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise NcciFileError(f"{text} is not a date") from None
