"""Build and check the coder's evaluation set (tests/data/coder_eval/).

The cases are written as plain-text descriptions in tests/data/coder_eval/src/{dev,holdout}/
(one file per batch, see README.md there for the format): the notes a provider wrote, the
setting, and the codes a certified coder assigns. This script wraps each description into
valid encounter.closed data (invented patient, coverage, providers, facility, times) and
writes one case per line to dev.jsonl / holdout.jsonl:

    {"encounter": <encounter.closed data>, "expected": {"diagnoses": [...], "procedures": [...]}}

A batch may also be written as whole cases, one JSON line each (src/{split}/*.jsonl, with
its own ids, patients and times); `build` appends them after the described cases.

    .venv/bin/python tools/coder_eval_cases.py build    # src -> dev.jsonl, holdout.jsonl
    .venv/bin/python tools/coder_eval_cases.py check    # validate the two .jsonl files

`check` validates every encounter against schemas.encounter.EncounterClosedData (unknown
fields forbidden), every diagnosis code against the April 2026 ICD-10-CM set of
`simple_icd_10_cm` (valid and billable), procedure code shapes, E/M families against the
setting and age, age/sex plausibility of maternity, newborn and sex-specific codes, the note
sizes, and that dev and holdout share no case, patient or note text. Patients are invented
(555-01xx phones, example.org emails); generation is deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "data" / "coder_eval"
SPLITS = ("dev", "holdout")
NOTE_KINDS = (
    "progress", "history_and_physical", "consult", "emergency", "operative", "procedure",
    "discharge_summary", "other",
)  # fmt: skip
ENCOUNTER_TYPES = ("office", "telehealth", "emergency", "observation", "inpatient", "preventive")
DEFAULT_POS = {
    "office": "11", "telehealth": "10", "emergency": "23", "observation": "22",
    "inpatient": "21", "preventive": "11",
}  # fmt: skip
# a nurse visit, a telehealth follow-up or a brief ED note is a few hundred bytes
MIN_NOTE_CHARS, MAX_NOTE_CHARS = 350, 3600
FIRST_DOS, LAST_DOS = date(2026, 4, 1), date(2026, 9, 30)  # the April 2026 code set's span

# --------------------------------------------------------------------------- parties


def npi_with_check_digit(base9: str) -> str:
    """Append the NPI check digit: Luhn over the 9 digits prefixed with 80840 (CMS NPI rule)."""
    total = 0
    for k, ch in enumerate(reversed("80840" + base9)):
        d = int(ch) * (2 if k % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return base9 + str((10 - total % 10) % 10)


CLINIC_ADDRESS = {"line1": "1200 Prairie Avenue", "line2": "Suite 200", "city": "Springfield",
                  "state": "IL", "postal_code": "62704"}  # fmt: skip
HOSPITAL_ADDRESS = {"line1": "800 Capitol Drive", "city": "Springfield", "state": "IL",
                    "postal_code": "62702"}  # fmt: skip
ASC_ADDRESS = {"line1": "45 Lakeview Court", "city": "Springfield", "state": "IL",
               "postal_code": "62711"}  # fmt: skip

# key -> (name, NUCC taxonomy, npi base, billing group key)
PROVIDERS: dict[str, tuple[str, str, str, str]] = {
    "family": ("Jordan Reyes MD", "207Q00000X", "124300871", "clinic"),
    "family2": ("Alicia Brennan DO", "207Q00000X", "153209944", "clinic"),
    "internal": ("Priya Natarajan MD", "207R00000X", "161820337", "clinic"),
    "np": ("Casey Lundgren APRN", "363LF0000X", "172045518", "clinic"),
    "peds": ("Samuel Okafor MD", "208000000X", "183390124", "clinic"),
    "ed": ("Marisol Vega MD", "207P00000X", "119274460", "ed"),
    "ed2": ("Thomas Haldane DO", "207P00000X", "128850713", "ed"),
    "hosp": ("Daniel Kowalczyk MD", "208M00000X", "137716609", "hospitalist"),
    "hosp2": ("Amara Nwosu MD", "208M00000X", "146203985", "hospitalist"),
    "surgery": ("Helen Achterberg MD", "208600000X", "155509822", "surgery"),
    "ortho": ("Victor Lindqvist MD", "207X00000X", "164487301", "surgery"),
    "obgyn": ("Renee Castellanos MD", "207V00000X", "173309446", "clinic"),
    "cardio": ("Arun Mehta MD", "207RC0000X", "182256037", "clinic"),
    "gi": ("Colette Duarte MD", "207RG0100X", "191140582", "surgery"),
    "derm": ("Ingrid Solberg MD", "207N00000X", "110398675", "clinic"),
    "ent": ("Tobias Whitlock MD", "207Y00000X", "129075334", "clinic"),
    "uro": ("Kwame Asante MD", "208800000X", "138442196", "clinic"),
    "neuro": ("Lydia Fairbanks MD", "2084N0400X", "147613820", "clinic"),
    "psych": ("Noah Brightwater MD", "2084P0800X", "156984413", "clinic"),
    "pulm": ("Esther Abernathy MD", "207RP1001X", "165220947", "clinic"),
    "endo": ("Farah Qureshi MD", "207RE0101X", "174771250", "clinic"),
    "ophth": ("Mateo Ibarra MD", "207W00000X", "183065539", "surgery"),
    "neo": ("Grace Whitfield MD", "2080N0001X", "192430776", "hospitalist"),
    "podiatry": ("Owen Farris DPM", "213E00000X", "111876904", "clinic"),
    "rheum": ("Beatrix Holloway MD", "207RR0500X", "120654318", "clinic"),
    "nephro": ("Ibrahim Sayed MD", "207RN0300X", "139512867", "clinic"),
    "id": ("Celeste Moreau MD", "207RI0200X", "148327790", "hospitalist"),
}
# key -> (name, taxonomy, npi base, tin, address)
BILLING = {
    "clinic": ("Prairie Multispecialty Physicians", "261QM1300X", "138876120", "371458203",
               CLINIC_ADDRESS),
    "ed": ("Capitol Emergency Physicians", "207P00000X", "147720985", "371902644",
           HOSPITAL_ADDRESS),
    "hospitalist": ("Capitol Hospitalist Group", "208M00000X", "156631470", "372210953",
                    HOSPITAL_ADDRESS),
    "surgery": ("Capitol Surgical Associates", "208600000X", "165533801", "372784410",
                HOSPITAL_ADDRESS),
}  # fmt: skip
FACILITIES = {
    "clinic": ("FAC-CLINIC", "Prairie Multispecialty Clinic", "138876120", CLINIC_ADDRESS),
    "hospital": ("FAC-CAPITOL", "Capitol Regional Center", "167740326", HOSPITAL_ADDRESS),
    "asc": ("FAC-LAKEVIEW-ASC", "Lakeview Surgery Center", "176602951", ASC_ADDRESS),
}
POS_FACILITY = {"11": "clinic", "02": "clinic", "10": "clinic", "24": "asc"}

FEMALE = (
    "Ana",
    "Beatriz",
    "Carla",
    "Dana",
    "Elena",
    "Fiona",
    "Greta",
    "Hana",
    "Iris",
    "June",
    "Kira",
    "Lena",
    "Mara",
    "Nadia",
    "Olive",
    "Paula",
    "Rosa",
    "Sofia",
    "Tessa",
    "Vera",
)
MALE = (
    "Aaron",
    "Boris",
    "Caleb",
    "Dmitri",
    "Emil",
    "Felix",
    "Gideon",
    "Hugo",
    "Isaac",
    "Jonah",
    "Karl",
    "Luis",
    "Milo",
    "Nils",
    "Omar",
    "Pavel",
    "Rafael",
    "Silas",
    "Theo",
    "Victor",
)
LAST = (
    "Abernethy",
    "Bergstrom",
    "Castaneda",
    "Delacroix",
    "Eklund",
    "Fairweather",
    "Galloway",
    "Hargrove",
    "Ishikawa",
    "Jankowski",
    "Kettering",
    "Lindahl",
    "Marchetti",
    "Novak",
    "Okonkwo",
    "Pemberton",
    "Quintero",
    "Rasmussen",
    "Sandoval",
    "Thorsen",
    "Underhill",
    "Valdivia",
    "Wexford",
    "Yamamoto",
    "Zielinski",
)
STREETS = ("Maple", "Cedar", "Lincoln", "Walnut", "Sangamon", "Jefferson", "Oak Ridge", "Willow")
CITIES = (("Springfield", "IL", "62704"), ("Springfield", "IL", "62702"),
          ("Chatham", "IL", "62629"), ("Rochester", "IL", "62563"),
          ("Sherman", "IL", "62684"), ("Petersburg", "IL", "62675"))  # fmt: skip
COMMERCIAL = (("60054", "Aetna", "W", 9), ("87726", "UnitedHealthcare", "", 9),
              ("62308", "Cigna", "U", 8), ("00621", "Blue Cross Blue Shield of Illinois",
                                               "XOF", 9))  # fmt: skip
MEDICARE = ("00431", "Medicare Part B")
MEDIGAP = ("36273", "AARP Medicare Supplement")
MEDICAID = ("IL-MCD", "Illinois Medicaid")

# --------------------------------------------------------------------------- parsing


@dataclass
class Note:
    kind: str
    title: str | None
    author: str | None
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip("\n")


@dataclass
class Case:
    case_id: str
    origin: str
    fields: dict[str, str] = field(default_factory=dict)
    supplied: list[tuple[str, str | None]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class CaseError(ValueError):
    pass


_HEADER_KEYS = {"type", "status", "pos", "dos", "age", "sex", "payer", "provider", "time",
                "mdm", "dx", "px", "ap", "sdx", "facility", "span"}  # fmt: skip


def parse_source(path: Path) -> list[Case]:
    """Cases in one source file: `=== ID`, `key: value` lines, then `--- kind | title` notes."""
    cases: list[Case] = []
    case: Case | None = None
    note: Note | None = None
    for n, line in enumerate(path.read_text().splitlines(), 1):
        where = f"{path.name}:{n}"
        if line.startswith("=== "):
            case, note = Case(line[4:].strip(), where), None
            cases.append(case)
        elif line.startswith("--- ") and case is not None:
            parts = [p.strip() for p in line[4:].split("|")]
            kind = parts[0]
            if kind not in NOTE_KINDS:
                raise CaseError(f"{where}: unknown note kind {kind!r}")
            note = Note(kind, parts[1] if len(parts) > 1 and parts[1] else None,
                        parts[2] if len(parts) > 2 and parts[2] else None)  # fmt: skip
            case.notes.append(note)
        elif note is not None:
            note.lines.append(line.rstrip())
        elif case is None or not line.strip() or line.startswith("#"):
            continue
        else:
            key, sep, value = line.partition(":")
            key = key.strip()
            if not sep or key not in _HEADER_KEYS:
                raise CaseError(f"{where}: expected `key: value` (one of {sorted(_HEADER_KEYS)})")
            if key == "sdx":
                text, _, code = value.partition("=")
                case.supplied.append((text.strip(), code.strip() or None))
            else:
                case.fields[key] = value.strip()
    return cases


# --------------------------------------------------------------------------- building


def _rng_int(case_id: str, salt: str, lo: int, hi: int) -> int:
    digest = hashlib.sha256(f"{salt}:{case_id}".encode()).digest()
    return lo + int.from_bytes(digest[:8], "big") % (hi - lo + 1)


def _pick(case_id: str, salt: str, seq: tuple[Any, ...]) -> Any:
    return seq[_rng_int(case_id, salt, 0, len(seq) - 1)]


def _birth_date(age: str, dos: date, case_id: str) -> date:
    """`58` years, `7m` months or `3d` days old on the date of service."""
    if age.endswith("d"):
        return dos - timedelta(days=int(age[:-1]))
    if age.endswith("m"):
        months = int(age[:-1])
        y, m = divmod(dos.month - 1 - months - 1, 12)
        return date(dos.year + y, m + 1, min(dos.day, 28))
    years = int(age)
    days_before = _rng_int(case_id, "birthday", 1, 360)
    anchor = date(dos.year - years, dos.month, min(dos.day, 28))
    return anchor - timedelta(days=days_before)


def _provider(key: str) -> dict[str, Any]:
    name, taxonomy, base, _ = PROVIDERS[key]
    return {"npi": npi_with_check_digit(base), "name": name, "taxonomy": taxonomy}


def _billing(key: str) -> dict[str, Any]:
    name, taxonomy, base, tin, address = BILLING[key]
    return {"npi": npi_with_check_digit(base), "name": name, "taxonomy": taxonomy, "tin": tin,
            "address": dict(address)}  # fmt: skip


def _facility(key: str) -> dict[str, Any]:
    fid, name, base, address = FACILITIES[key]
    return {"facility_id": fid, "name": name, "npi": npi_with_check_digit(base),
            "address": dict(address)}  # fmt: skip


def _digits(case_id: str, salt: str, n: int) -> str:
    return "".join(str(_rng_int(case_id, f"{salt}{k}", 0, 9)) for k in range(n))


def _mbi(case_id: str) -> str:
    alpha = "ACDEFGHJKMNPQRTUVWXY"
    shape = (
        "123456789",
        alpha,
        alpha + "0123456789",
        "0123456789",
        alpha,
        alpha + "0123456789",
        "0123456789",
        alpha,
        alpha,
        "0123456789",
        "0123456789",
    )
    return "".join(_pick(case_id, f"mbi{k}", tuple(c)) for k, c in enumerate(shape))


def _coverages(payer: str, case_id: str, age_years: int) -> list[dict[str, Any]]:
    if payer == "self":
        return []
    if payer.startswith("medicare"):
        primary = {"payer_id": MEDICARE[0], "payer_name": MEDICARE[1], "member_id": _mbi(case_id),
                   "subscriber_relationship": "self", "priority": "primary",
                   "deductible_remaining": "0.00", "coinsurance_rate": "0.20"}  # fmt: skip
        if payer != "medicare+supp":
            return [primary]
        return [primary, {"payer_id": MEDIGAP[0], "payer_name": MEDIGAP[1],
                          "member_id": _digits(case_id, "gap", 11), "group_number": "PLAN-G",
                          "subscriber_relationship": "self", "priority": "secondary",
                          "deductible_remaining": "0.00", "coinsurance_rate": "0"}]  # fmt: skip
    relationship = "child" if age_years < 18 else "self"
    if payer == "medicaid":
        return [{"payer_id": MEDICAID[0], "payer_name": MEDICAID[1],
                 "member_id": _digits(case_id, "mcd", 9), "subscriber_relationship": "self",
                 "priority": "primary", "copay": "0.00"}]  # fmt: skip
    payer_id, name, prefix, n = _pick(case_id, "payer", COMMERCIAL)
    return [{"payer_id": payer_id, "payer_name": name,
             "member_id": prefix + _digits(case_id, "member", n),
             "group_number": f"GRP-{_digits(case_id, 'group', 6)}",
             "subscriber_relationship": relationship, "priority": "primary",
             "copay": "30.00", "deductible_remaining": "250.00",
             "coinsurance_rate": "0.20"}]  # fmt: skip


_DOCUMENTED_TIME = re.compile(
    r"(?i)\b(?:total time|time spent|i spent|time)\b[^0-9\n]{0,80}?(\d{2,3})\s*(?:min|minutes)\b"
)


def _documented_minutes(case: Case) -> int | None:
    """The first total time a note states ("Total time 32 minutes", "I spent 48 minutes")."""
    for note in case.notes:
        match = _DOCUMENTED_TIME.search(note.text)
        if match:
            return int(match.group(1))
    return None


def _times(case: Case, kind: str, dos: date, minutes: int | None) -> tuple[str, str]:
    """Start and end in UTC on the date of service (US Central daylight time, UTC-5).

    `span: HH:MM-HH:MM` (local) sets them; an office, telehealth or preventive visit lasts the
    total time its note documents, so start/end never contradict the note.
    """
    cid = case.case_id
    if case.fields.get("span"):
        first, _, last = case.fields["span"].partition("-")
        local = int(first[:2]) * 60 + int(first[3:5])
        length = int(last[:2]) * 60 + int(last[3:5]) - local
    elif kind == "emergency":
        local, length = _rng_int(cid, "start", 28, 56) * 15, _rng_int(cid, "len", 50, 240)
    elif kind in ("inpatient", "observation"):
        local, length = _rng_int(cid, "start", 28, 60) * 15, minutes or _rng_int(cid, "len", 20, 60)
    else:
        documented = minutes or _documented_minutes(case)
        local, length = (
            _rng_int(cid, "start", 32, 64) * 15,
            documented or _rng_int(cid, "len", 15, 40),
        )
    start = datetime.combine(dos, time(local // 60, local % 60), UTC) + timedelta(hours=5)
    end = start + timedelta(minutes=length)
    return _iso(start), _iso(end)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _age_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def build_case(case: Case, split: str, number: int) -> dict[str, Any]:
    f = case.fields
    where = f"{case.origin} ({case.case_id})"
    for key in ("type", "dos", "age", "sex", "dx", "px"):
        if key not in f:
            raise CaseError(f"{where}: missing `{key}:`")
    kind = f["type"]
    if kind not in ENCOUNTER_TYPES:
        raise CaseError(f"{where}: unknown type {kind!r}")
    if not case.notes:
        raise CaseError(f"{where}: no notes")
    dos = date.fromisoformat(f["dos"])
    birth = _birth_date(f["age"], dos, case.case_id)
    age_years = _age_years(birth, dos)
    sex = f["sex"]
    minutes = int(f["time"]) if f.get("time") else None
    pos = f.get("pos", DEFAULT_POS[kind])
    provider_key = f.get("provider") or {
        "emergency": "ed", "inpatient": "hosp", "observation": "hosp",
    }.get(kind, "peds" if age_years < 18 else "family")  # fmt: skip
    if provider_key not in PROVIDERS:
        raise CaseError(f"{where}: unknown provider {provider_key!r}")
    billing_key = PROVIDERS[provider_key][3]
    if pos in ("11", "02", "10"):
        billing_key = "clinic"
    facility_key = f.get("facility") or POS_FACILITY.get(pos, "hospital")
    payer = f.get("payer") or ("medicare" if age_years >= 65 else "commercial")
    first = _pick(case.case_id, "first", FEMALE if sex == "F" else MALE)
    last = _pick(case.case_id, "last", LAST)
    city, state, postal = _pick(case.case_id, "city", CITIES)
    prefix = "DEV" if split == "dev" else "HO"
    start, end = _times(case, kind, dos, minutes)
    author = PROVIDERS[provider_key][0]
    notes = []
    for k, note in enumerate(case.notes, 1):
        entry: dict[str, Any] = {"note_id": f"{prefix}-{number:03d}-N{k}", "kind": note.kind}
        if note.title:
            entry["title"] = note.title
        entry["author"] = note.author or author
        entry["text"] = note.text
        notes.append(entry)
    documentation: dict[str, Any] = {
        "diagnoses": [
            {"text": text, **({"code": code, "code_system": "ICD-10-CM"} if code else {}),
             "rank": rank}
            for rank, (text, code) in enumerate(case.supplied, 1)
        ],
        "procedures": [],
        "assessment_plan": f.get("ap") or None,
        "notes": notes,
    }  # fmt: skip
    encounter = {
        "encounter_id": f"EVAL-{prefix}-{number:03d}",
        "encounter_type": kind,
        "patient_status": f.get("status", "established"),
        "place_of_service": pos,
        "date_of_service": dos.isoformat(),
        "start": start,
        "end": end,
        "total_time_minutes": minutes,
        "mdm_level": f.get("mdm") or None,
        "patient": {
            "patient_id": f"MRN-EV{prefix[0]}{number:05d}",
            "account_number": f"ACCT-EV{prefix[0]}{number:05d}",
            "first_name": first,
            "last_name": last,
            "birth_date": birth.isoformat(),
            "sex": sex,
            "address": {"line1": f"{_rng_int(case.case_id, 'house', 10, 4999)} "
                                 f"{_pick(case.case_id, 'street', STREETS)} Street",
                        "city": city, "state": state, "postal_code": postal},
            "email": f"{first}.{last}.{prefix}{number}@example.org".lower(),
            "phone": f"+1-217-555-01{number % 100:02d}",
            "contact_preference": "email",
        },
        "rendering_provider": _provider(provider_key),
        "billing_provider": _billing(billing_key),
        "facility": _facility(facility_key),
        "coverages": _coverages(payer, case.case_id, age_years),
        "documentation": documentation,
    }  # fmt: skip
    expected = {"diagnoses": f["dx"].split(), "procedures": f["px"].split()}
    return {"encounter": encounter, "expected": expected}


def load_sources(split: str) -> list[Case]:
    cases = []
    for path in sorted((EVAL_DIR / "src" / split).glob("*.txt")):
        cases.extend(parse_source(path))
    return cases


def load_written(split: str) -> list[dict[str, Any]]:
    """The cases written as whole cases (`src/{split}/*.jsonl`: one encounter.closed data
    and its expected codes per line, as the .jsonl holds them), in file and line order."""
    return [
        json.loads(line)
        for path in sorted((EVAL_DIR / "src" / split).glob("*.jsonl"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]


def render(split: str) -> str:
    """The .jsonl text of one split, built from its sources (what `build` writes): the
    described cases, numbered with the numbers the whole cases leave free, then those
    written as whole cases."""
    cases = load_sources(split)
    written = load_written(split)
    taken = {int(case["encounter"]["encounter_id"].rsplit("-", 1)[1]) for case in written}
    free = (n for n in itertools.count(1) if n not in taken)
    lines = [json.dumps(build_case(case, split, n), ensure_ascii=False) for n, case in
             zip(free, cases, strict=False)]  # fmt: skip
    lines += [json.dumps(case, ensure_ascii=False) for case in written]
    return "".join(line + "\n" for line in lines)


def build() -> int:
    for split in SPLITS:
        out = EVAL_DIR / f"{split}.jsonl"
        text = render(split)
        out.write_text(text)
        print(f"{out.relative_to(ROOT)}: {text.count(chr(10))} cases")
    return check()


# --------------------------------------------------------------------------- checking

_CPT = re.compile(r"^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$")
_EM_OFFICE_NEW = {"99202", "99203", "99204", "99205"}
_EM_OFFICE_EST = {"99211", "99212", "99213", "99214", "99215"}
_EM_ED = {"99281", "99282", "99283", "99284", "99285", "99291"}
_EM_HOSPITAL = {"99221", "99222", "99223", "99231", "99232", "99233", "99234", "99235",
                "99236", "99238", "99239", "99291", "99460", "99462", "99463", "99468",
                "99477"}  # fmt: skip
_EM_CONSULT = {"99242", "99243", "99244", "99245", "99252", "99253", "99254", "99255"}
_PREVENTIVE_BANDS = (  # (new, established, youngest, oldest) in years; CPT preventive families
    ("99381", "99391", 0, 0), ("99382", "99392", 1, 4), ("99383", "99393", 5, 11),
    ("99384", "99394", 12, 17), ("99385", "99395", 18, 39), ("99386", "99396", 40, 64),
    ("99387", "99397", 65, 200),
)  # fmt: skip
_PREVENTIVE = {c for band in _PREVENTIVE_BANDS for c in band[:2]} | {"G0438", "G0439"}
_ALL_EM = _EM_OFFICE_NEW | _EM_OFFICE_EST | _EM_ED | _EM_HOSPITAL | _EM_CONSULT | _PREVENTIVE
_MALE_ONLY = (
    "N40",
    "N41",
    "N42",
    "N43",
    "N44",
    "N45",
    "N46",
    "N47",
    "N48",
    "N49",
    "N50",
    "N51",
    "C60",
    "C61",
    "C62",
    "C63",
    "D29",
    "D40",
    "Z12.5",
    "Z85.46",
    "R97.2",
)
_FEMALE_ONLY = (
    "O",
    "Z3A",
    "Z34",
    "Z33",
    "Z32",
    "Z39",
    "N7",
    "N8",
    "N90",
    "N91",
    "N92",
    "N93",
    "N94",
    "N95",
    "C51",
    "C52",
    "C53",
    "C54",
    "C55",
    "C56",
    "C57",
    "D25",
    "D26",
    "D27",
    "Z12.4",
    "Z01.41",
)


def _check_codes(codes: list[str], age_days: int, sex: str, where: str, icd) -> list[str]:
    errors = []
    if len(set(codes)) != len(codes):
        errors.append(f"{where}: duplicate diagnosis codes {codes}")
    for code in codes:
        if not icd.is_valid_item(code) or not icd.is_leaf(code):
            errors.append(f"{where}: {code} is not a billable ICD-10-CM code (April 2026)")
            continue
        if code.startswith(_MALE_ONLY) and sex != "M":
            errors.append(f"{where}: {code} is for males only")
        if code.startswith(_FEMALE_ONLY) and sex != "F":
            errors.append(f"{where}: {code} is for females only")
        if code.startswith(("O", "Z3A", "Z34")) and not 12 * 365 <= age_days <= 55 * 366:
            errors.append(f"{where}: maternity code {code} outside ages 12-55")
        if code.startswith(("P", "Z38", "Z00.11")) and age_days > 365:
            errors.append(f"{where}: newborn code {code} for a patient over one year")
    if codes and _is_manifestation(codes[0], icd):
        errors.append(f"{where}: manifestation code {codes[0]} first-listed")
    for a in codes:
        for b in codes:
            if a != b and _excludes1(a, b, icd):
                errors.append(f"{where}: Excludes1 at {a} names {b}")
    return errors


def _lineage(code: str, icd) -> list[str]:
    return [code, *icd.get_ancestors(code)]


def _is_manifestation(code: str, icd) -> bool:
    """A code under a title 'in diseases classified elsewhere' (guideline I.A.13)."""
    return any("classified elsewhere" in icd.get_description(c).lower()
               for c in _lineage(code, icd) if icd.is_category_or_subcategory(c))  # fmt: skip


_RANGE = re.compile(r"\(([^()]*)\)")
_CODE = re.compile(r"([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:-([A-Z][0-9][0-9A-Z]))?")


def _excludes1(a: str, b: str, icd) -> bool:
    """Whether an Excludes1 note at `a` or one of its headings names `b` or a heading of it."""
    b_cat = b[:3]
    for c in _lineage(a, icd):
        if icd.is_chapter_or_block(c):
            continue
        for note in icd.get_excludes1(c):
            for group in _RANGE.findall(note):
                for lo, hi in _CODE.findall(group.replace(".-", "")):
                    if hi and lo[:3] <= b_cat <= hi:
                        return True
                    if not hi and (b == lo or b.startswith(lo)):
                        return True
    return False


_REPEATABLE = ("7", "8", "93")  # radiology, laboratory, ECG


def _check_procedures(case: dict[str, Any], where: str) -> list[str]:
    enc, codes = case["encounter"], case["expected"]["procedures"]
    errors = []
    # a test repeated the same day (a second ECG, X-ray or laboratory test: modifier 76/91)
    # is a second line; any other code is expected once
    repeated = {c for c in codes if codes.count(c) > 1}
    if any(not c.startswith(_REPEATABLE) for c in repeated):
        errors.append(f"{where}: duplicate procedure codes {codes}")
    for code in codes:
        if not _CPT.match(code):
            errors.append(f"{where}: {code} is not a CPT/HCPCS code shape")
    ems = [c for c in codes if c in _ALL_EM]
    kind, status = enc["encounter_type"], enc["patient_status"]
    kinds = {n["kind"] for n in enc["documentation"]["notes"]}
    surgical = bool(kinds & {"operative", "procedure"})
    if not ems and not surgical and len(codes) == 0:
        errors.append(f"{where}: no E/M code and no procedure")
    birth = date.fromisoformat(enc["patient"]["birth_date"])
    age = _age_years(birth, date.fromisoformat(enc["date_of_service"]))
    for code in ems:
        if kind in ("office", "telehealth"):
            allowed = (_EM_OFFICE_NEW if status == "new" else _EM_OFFICE_EST) | _EM_CONSULT
            allowed |= _PREVENTIVE if kind == "office" else set()
        elif kind == "preventive":
            allowed = _PREVENTIVE | _EM_OFFICE_EST | _EM_OFFICE_NEW
        elif kind == "emergency":
            allowed = _EM_ED
        else:
            allowed = _EM_HOSPITAL | _EM_CONSULT
        if code not in allowed:
            errors.append(f"{where}: E/M {code} does not fit a {status} {kind} encounter")
        for new, est, lo, hi in _PREVENTIVE_BANDS:
            if code in (new, est) and not lo <= age <= hi:
                errors.append(f"{where}: preventive {code} is for ages {lo}-{hi}, patient {age}")
            if code == new and status != "new" or code == est and status != "established":
                errors.append(f"{where}: preventive {code} does not fit a {status} patient")
    if kind == "telehealth" and enc["place_of_service"] not in ("02", "10"):
        errors.append(f"{where}: telehealth needs POS 02 or 10")
    return errors


def _validate_schema(enc: dict[str, Any], where: str) -> list[str]:
    from schemas.encounter import Documentation, EncounterClosedData

    errors = []
    data = enc
    if "notes" not in Documentation.model_fields:  # the notes field is not in the schema yet
        data = json.loads(json.dumps(enc))
        data["documentation"].pop("notes")
    try:
        EncounterClosedData.model_validate(data, extra="forbid")
    except TypeError:  # pydantic without per-call `extra`
        EncounterClosedData.model_validate(data)
    except Exception as exc:  # noqa: BLE001 - report every invalid case, not only the first
        errors.append(f"{where}: not valid encounter.closed data: {exc}")
    ids = set()
    for note in enc["documentation"].get("notes", []):
        if set(note) - {"note_id", "kind", "title", "author", "text"}:
            errors.append(f"{where}: note has unknown fields {sorted(note)}")
        if note.get("kind") not in NOTE_KINDS or not note.get("text") or not note.get("note_id"):
            errors.append(f"{where}: note needs note_id, kind and text")
        if note.get("note_id") in ids:
            errors.append(f"{where}: duplicate note_id")
        ids.add(note.get("note_id"))
    return errors


def check() -> int:
    problems = find_problems()
    for line in problems:
        print(line)
    return 1 if problems else 0


def find_problems() -> list[str]:
    """Every problem in dev.jsonl and holdout.jsonl (empty when the set is valid)."""
    import simple_icd_10_cm as icd

    sys.path.insert(0, str(ROOT))
    errors: list[str] = []
    texts: dict[str, str] = {}
    ids: set[str] = set()
    counts = {}
    for split in SPLITS:
        path = EVAL_DIR / f"{split}.jsonl"
        lines = path.read_text().splitlines()
        counts[split] = len(lines)
        for n, raw in enumerate(lines, 1):
            where = f"{path.name}:{n}"
            case = json.loads(raw)
            if set(case) != {"encounter", "expected"} or set(case["expected"]) != {
                "diagnoses",
                "procedures",
            }:
                errors.append(f"{where}: not {{encounter, expected{{diagnoses, procedures}}}}")
                continue
            enc = case["encounter"]
            where = f"{where} {enc['encounter_id']}"
            if enc["encounter_id"] in ids:
                errors.append(f"{where}: duplicate encounter id")
            ids.add(enc["encounter_id"])
            errors += _validate_schema(enc, where)
            dos = date.fromisoformat(enc["date_of_service"])
            if not enc["start"].startswith(enc["date_of_service"]) or not enc["end"].startswith(
                enc["date_of_service"]
            ):
                errors.append(f"{where}: start and end must fall on the date of service (UTC)")
            if not FIRST_DOS <= dos <= LAST_DOS:
                errors.append(f"{where}: date of service outside the April 2026 set's span")
            age_days = (dos - date.fromisoformat(enc["patient"]["birth_date"])).days
            if not 0 <= age_days <= 110 * 366:
                errors.append(f"{where}: implausible age")
            total = 0
            for note in enc["documentation"]["notes"]:
                total += len(note["text"].encode())
                key = note["text"][:400]
                if key in texts:
                    errors.append(f"{where}: note text repeats {texts[key]}")
                texts[key] = where
            if not MIN_NOTE_CHARS <= total <= MAX_NOTE_CHARS:
                errors.append(f"{where}: notes are {total} bytes (want {MIN_NOTE_CHARS}-"
                              f"{MAX_NOTE_CHARS})")  # fmt: skip
            dx = case["expected"]["diagnoses"]
            if not dx:
                errors.append(f"{where}: no expected diagnosis")
            errors += _check_codes(dx, age_days, enc["patient"]["sex"], where, icd)
            errors += _check_procedures(case, where)
    for split in SPLITS:
        if (EVAL_DIR / f"{split}.jsonl").read_text() != render(split):
            errors.append(f"{split}.jsonl differs from src/{split}/ (run `build`)")
    print(f"checked dev={counts.get('dev', 0)} holdout={counts.get('holdout', 0)}: "
          f"{len(errors)} problem(s)")  # fmt: skip
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "check"))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    return build() if args.command == "build" else check()


if __name__ == "__main__":
    sys.exit(main())
