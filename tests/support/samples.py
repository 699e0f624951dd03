"""Synthetic encounter.closed events for tests, benchmarks and demos (not product code).

Deterministic: the same (seed, i) always gives the same event, whatever else is generated.
The tables are data files in `sample_data/`: every diagnosis code in them is a billable
ICD-10-CM leaf (April 2026 set), codes that exclude each other (Excludes1) share a group and
never appear together, and every procedure is one the coder's lexicon
(`services/coder/data/procedures.csv`) knows, with its code system and laterality from
there. A `review` encounter carries one diagnosis a coder must look at: an unbillable
category, an unknown code, or a SNOMED-CT code only. No real people: names, addresses
(555-01xx phones, example.org emails) and ids are made up.

With `notes="added"` an encounter also carries clinical notes (1-3 KB in all) that tell
the same visit in words: the problem and its history, negated symptoms, past and family
history, medications, allergies, the exam, the procedures done, the assessment and plan,
and the documented time or MDM; `notes="only"` sends the notes alone (no structured
diagnoses, procedures, plan, time or MDM). The notes draw from a random stream of their
own (`sample_data/notes.json` holds the phrases), so an encounter is otherwise exactly the
one generated without notes for the same seed.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from schemas.encounter import (
    ClinicalNote,
    Documentation,
    DocumentedDiagnosis,
    DocumentedProcedure,
    EncounterClosed,
    EncounterClosedData,
)
from schemas.parties import Address, Coverage, Facility, Patient, Provider

DATA_DIR = Path(__file__).resolve().parent / "sample_data"
CODER_LEXICON = (
    Path(__file__).resolve().parents[2] / "services" / "coder" / "data" / "procedures.csv"
)

SOURCE = "ehr/epic-adt"
KINDS = ("office", "telehealth", "emergency", "preventive", "observation")
_KIND_WEIGHTS = (55, 12, 15, 10, 8)
_POS = {"office": "11", "preventive": "11", "emergency": "23", "observation": "22"}
_FIRST_DAY, _LAST_DAY = date(2026, 10, 1), date(2026, 11, 30)
_DST_ENDS = date(2026, 11, 1)  # US Central: UTC-5 before, UTC-6 from this date


def _json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text())


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def _procedure_tables() -> tuple[dict[str, tuple[str, str, int, int | None]], frozenset[str],
                                 frozenset[str]]:  # fmt: skip
    """The documented procedures, checked against and completed from the coder's lexicon."""
    lexicon = {row["code"]: row for row in _csv(CODER_LEXICON)}
    table, remote = {}, set()
    for row in _csv(DATA_DIR / "documented_procedures.csv"):
        code = row["code"]
        if code not in lexicon:
            raise ValueError(f"sample procedure {code} is not in {CODER_LEXICON}")
        minutes = int(row["minutes"]) if row["minutes"] else None
        table[code] = (lexicon[code]["code_system"], row["text"], int(row["quantity"]), minutes)
        if row["remote"] == "yes":
            remote.add(code)
    lateral = frozenset(code for code in table if lexicon[code]["laterality"] == "yes")
    return table, lateral, frozenset(remote)


# code -> (code system, text as documented, quantity, minutes)
PROCEDURE_LEXICON, LATERAL_PROCEDURES, _REMOTE_PROCEDURES = _procedure_tables()


@dataclass(frozen=True)
class _Dx:
    code: str
    text: str
    group: str
    min_age: int = 0


def _dx(row: dict[str, Any]) -> _Dx:
    return _Dx(row["code"], row["text"], row["group"], row.get("min_age", 0))


@dataclass(frozen=True)
class _Scenario:
    name: str
    kinds: frozenset[str]
    variants: tuple[tuple[str | None, tuple[_Dx, ...]], ...]
    """(laterality, diagnoses) alternatives."""
    procedures: tuple[tuple[tuple[str, ...], str], ...]
    """(procedure codes, assessment and plan) alternatives."""
    min_age: int = 0
    max_age: int = 120
    avoid: frozenset[str] = frozenset()
    comorbid: bool = True
    mdm_levels: tuple[str, ...] = ("low",)
    """Documented MDM levels that fit the problem (AMA 2021 MDM table: problems, data, risk)."""
    flu_shot_deferred: bool = False
    """Flu vaccine is deferred during an acute febrile or infectious illness."""


def _scenario(row: dict[str, Any]) -> _Scenario:
    return _Scenario(
        name=row["name"],
        kinds=frozenset(row["kinds"]),
        variants=tuple((v["laterality"], tuple(map(_dx, v["diagnoses"]))) for v in row["variants"]),
        procedures=tuple((tuple(p["codes"]), p["plan"]) for p in row["procedures"]),
        min_age=row.get("min_age", 0),
        max_age=row.get("max_age", 120),
        avoid=frozenset(row.get("avoid", ())),
        comorbid=row.get("comorbid", True),
        mdm_levels=tuple(row.get("mdm_levels", ("low",))),
        flu_shot_deferred=row.get("flu_shot_deferred", False),
    )


_DIAGNOSES = _json("diagnoses.json")
# Chronic conditions that may accompany a visit (one per group, from min_age years).
_CHRONIC = tuple(map(_dx, _DIAGNOSES["chronic"]))
_FLU_SHOT = _dx(_DIAGNOSES["flu_shot"])
_SCENARIOS = tuple(map(_scenario, _json("scenarios.json")))
_UNDOCUMENTED = {c for sc in _SCENARIOS for codes, _ in sc.procedures for c in codes}.difference(
    PROCEDURE_LEXICON
)
if _UNDOCUMENTED:
    raise ValueError(f"scenarios use procedures with no documented text: {sorted(_UNDOCUMENTED)}")

# (code, code system, text, group it replaces): what makes an encounter need a human coder.
REVIEW_DIAGNOSES = tuple(
    (r["code"], r["code_system"], r["text"], r["replaces_group"]) for r in _DIAGNOSES["review"]
)

DIAGNOSIS_CODES: dict[str, str] = {
    dx.code: dx.group
    for dx in (
        *_CHRONIC,
        _FLU_SHOT,
        *(dx for sc in _SCENARIOS for _, dxs in sc.variants for dx in dxs),
    )
}
"""Every billable code the generator uses, with its exclusion group."""

_PARTIES = _json("parties.json")
_FEMALE = tuple(_PARTIES["female_first_names"])
_MALE = tuple(_PARTIES["male_first_names"])
_LAST = tuple(_PARTIES["last_names"])
_STREETS = tuple(_PARTIES["streets"])
_CITIES = tuple((c["city"], c["state"], c["postal_code"]) for c in _PARTIES["cities"])
# payer id, payer name, member id prefix, digits
_COMMERCIAL = tuple(
    (p["payer_id"], p["payer_name"], p["member_id_prefix"], p["member_id_digits"])
    for p in _PARTIES["commercial_payers"]
)
_MEDICARE = (_PARTIES["medicare"]["payer_id"], _PARTIES["medicare"]["payer_name"])
_MEDIGAP = (_PARTIES["medigap"]["payer_id"], _PARTIES["medigap"]["payer_name"])


def npi_with_check_digit(base9: str) -> str:
    """Append the NPI check digit: Luhn over the 9 digits prefixed with 80840 (CMS NPI rule)."""
    total = 0
    for k, ch in enumerate(reversed("80840" + base9)):
        d = int(ch) * (2 if k % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return base9 + str((10 - total % 10) % 10)


_ADDRESSES = {name: Address(**a) for name, a in _PARTIES["addresses"].items()}


def _provider(row: dict[str, Any]) -> Provider:
    address = _ADDRESSES[row["address"]] if "address" in row else None
    return Provider(npi=npi_with_check_digit(row["npi_base"]), name=row["name"],
                    taxonomy=row["taxonomy"], tin=row.get("tin"), address=address)  # fmt: skip


_FAMILY_DOCS = tuple(map(_provider, _PARTIES["family_doctors"]))
_PEDIATRICIAN = _provider(_PARTIES["pediatrician"])
_ED_DOCS = tuple(map(_provider, _PARTIES["emergency_doctors"]))
_HOSPITALIST = _provider(_PARTIES["hospitalist"])
_BILLING = {kind: _provider(p) for kind, p in _PARTIES["billing_providers"].items()}
_FACILITIES = {
    name: Facility(facility_id=f["facility_id"], name=f["name"],
                   npi=npi_with_check_digit(f["npi_base"]), address=_ADDRESSES[f["address"]])
    for name, f in _PARTIES["facilities"].items()
}  # fmt: skip


def _patient(seed: int, p: int) -> Patient:
    rng = random.Random(f"patient:{seed}:{p}")
    sex = rng.choice("FM")
    first = rng.choice(_FEMALE if sex == "F" else _MALE)
    last = rng.choice(_LAST)
    band = rng.choices(("child", "adult", "senior"), (15, 60, 25))[0]
    age = {"child": (6, 16), "adult": (19, 63), "senior": (66, 89)}[band]
    birth = date(2026 - rng.randint(*age), rng.randint(1, 12), rng.randint(1, 28))
    city, state, zip_code = rng.choice(_CITIES)
    address = Address(
        line1=f"{rng.randint(10, 9899)} {rng.choice(_STREETS)} Street",
        line2=rng.choice((None, None, None, f"Apt {rng.randint(1, 24)}{rng.choice('ABCD')}")),
        city=city, state=state, postal_code=zip_code,
    )  # fmt: skip
    return Patient(
        patient_id=f"MRN-{seed}-{p:06d}",
        account_number=f"ACCT-{seed}-{p:06d}",
        first_name=first,
        last_name=last,
        birth_date=birth,
        sex=sex,
        address=address,
        email=f"{first}.{last}{p}@example.org".lower(),
        phone=f"+1-217-555-01{p % 100:02d}",
        contact_preference=rng.choices(("email", "mail", "sms", "none"), (85, 8, 5, 2))[0],
    )


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _mbi(rng: random.Random) -> str:
    """Medicare Beneficiary Identifier format: CAANAANAANN shape, no S L O I B Z letters."""
    alpha = "ACDEFGHJKMNPQRTUVWXY"
    shape = ("123456789", alpha, alpha + "0123456789", "0123456789", alpha, alpha + "0123456789",
             "0123456789", alpha, alpha, "0123456789", "0123456789")  # fmt: skip
    return "".join(rng.choice(chars) for chars in shape)


def _coverages(seed: int, p: int, age: int, kind: str) -> list[Coverage]:
    rng = random.Random(f"coverage:{seed}:{p}")
    dual = rng.random() < 0.3
    if age >= 65:
        primary = Coverage(
            payer_id=_MEDICARE[0], payer_name=_MEDICARE[1], member_id=_mbi(rng),
            copay=None, deductible_remaining=rng.choice((Decimal(0), Decimal(0), Decimal(120))),
            coinsurance_rate=Decimal("0.20"),
        )  # fmt: skip
        if not dual:
            return [primary]
        gap = Coverage(payer_id=_MEDIGAP[0], payer_name=_MEDIGAP[1], member_id=_digits(rng, 11),
                       group_number="PLAN-G", priority="secondary", deductible_remaining=Decimal(0),
                       coinsurance_rate=Decimal(0))  # fmt: skip
        return [primary, gap]
    relationship = "child" if age < 18 else rng.choice(("self",) * 5 + ("spouse",))
    payers = rng.sample(_COMMERCIAL, 2)
    result = []
    for priority, (payer_id, name, prefix, n) in zip(("primary", "secondary"), payers, strict=True):
        copay = rng.choice((100, 150, 250) if kind == "emergency" else (20, 25, 30, 40, 50))
        result.append(Coverage(
            payer_id=payer_id, payer_name=name, member_id=prefix + _digits(rng, n),
            group_number=f"GRP-{_digits(rng, 6)}",
            subscriber_relationship=relationship if priority == "primary" else (
                "child" if age < 18 else "spouse"),
            priority=priority,
            copay=Decimal(copay) if priority == "primary" else None,
            deductible_remaining=Decimal(rng.choice((0, 0, 250, 500, 1200, 2500))),
            coinsurance_rate=Decimal(rng.choice(("0.10", "0.20", "0.20", "0.30"))),
        ))  # fmt: skip
        if not dual:
            break
    return result


def _times(rng: random.Random, kind: str, dos: date, minutes: int | None):
    """Start and end in UTC, both on the date of service (clinic hours, US Central time)."""
    offset = timedelta(hours=5 if dos < _DST_ENDS else 6)
    if kind == "observation":
        local_start, length = rng.randint(28, 32) * 15, rng.randint(480, 540)
    elif kind == "emergency":
        local_start, length = rng.randint(28, 56) * 15, rng.randint(45, 210)
    else:
        local_start, length = rng.randint(32, 64) * 15, minutes or rng.randint(15, 40)
    start = datetime.combine(dos, time(local_start // 60, local_start % 60), UTC) + offset
    return start, start + timedelta(minutes=length)


def _documented_effort(rng: random.Random, kind: str, status: str, levels: tuple[str, ...]):
    """Total time and/or MDM level, always enough to select a visit level."""
    if kind == "preventive":
        return rng.randint(25, 45), None
    mdm = rng.choice(levels)
    if kind == "emergency":
        return None, mdm
    if kind == "observation":
        minutes = rng.randint(40, 90) if status == "new" else rng.randint(25, 60)
        return (minutes if rng.random() < 0.4 else None), mdm
    minutes = rng.randint(15, 74) if status == "new" else rng.randint(10, 54)
    basis = rng.choices(("time", "mdm", "both"), (45, 40, 15))[0]
    return (None if basis == "mdm" else minutes), (None if basis == "time" else mdm)


def _diagnoses(rng: random.Random, sc: _Scenario, dxs: tuple[_Dx, ...], age: int) -> list[_Dx]:
    taken = {dx.group for dx in dxs} | sc.avoid
    pool = [dx for dx in _CHRONIC if dx.min_age <= age and dx.group not in taken]
    wanted = rng.randint(1, 3) if not dxs else rng.choice((0, 0, 1, 1, 2))
    chosen = list(dxs)
    for dx in rng.sample(pool, len(pool)) if sc.comorbid else ():
        if len(chosen) - len(dxs) >= wanted or len(chosen) >= 3:
            break
        if dx.group not in taken:
            chosen.append(dx)
            taken.add(dx.group)
    return chosen


def _procedure(code: str, side: str | None) -> DocumentedProcedure:
    system, text, quantity, minutes = PROCEDURE_LEXICON[code]
    return DocumentedProcedure(
        text=text, code=code, code_system=system, quantity=quantity, minutes=minutes,
        laterality=side if code in LATERAL_PROCEDURES else None,
    )  # fmt: skip


def _build(seed: int, i: int, kind: str | None, review: bool, self_pay: bool, occurred_at,
           notes: str | None = None):  # fmt: skip
    rng = random.Random(f"encounter:{seed}:{i}")
    p = _patient_number(seed, i)
    patient = _patient(seed, p)
    kind = kind or rng.choices(KINDS, _KIND_WEIGHTS)[0]
    dos = _FIRST_DAY + timedelta(days=rng.randrange((_LAST_DAY - _FIRST_DAY).days + 1))
    age = _age(patient.birth_date, dos)
    scenario = rng.choice(
        [s for s in _SCENARIOS if kind in s.kinds and s.min_age <= age <= s.max_age]
    )
    side, dxs = rng.choice(scenario.variants) if scenario.variants else (None, ())
    codes, plan = rng.choice(scenario.procedures)
    if kind == "telehealth" and not set(codes) <= _REMOTE_PROCEDURES:
        codes, plan = next((c, t) for c, t in scenario.procedures if set(c) <= _REMOTE_PROCEDURES)
    chosen = _diagnoses(rng, scenario, dxs, age)
    flu_shot_due = (
        kind in ("office", "preventive")
        and not scenario.flu_shot_deferred
        and len(codes) <= 1
        and "90686" not in codes
    )
    if flu_shot_due and rng.random() < 0.25:
        codes, plan = (*codes, "90471", "90686"), plan + " Flu vaccine given."
    if "90686" in codes:
        chosen.append(_FLU_SHOT)
    review_text = None
    if review:
        code, system, text, group = rng.choice(REVIEW_DIAGNOSES)
        chosen = [dx for dx in chosen if dx.group != group][:3]
        review_text = text
    diagnoses = [
        DocumentedDiagnosis(text=dx.text, code=dx.code, code_system="ICD-10-CM", rank=n)
        for n, dx in enumerate(chosen, 1)
    ]
    if review:
        diagnoses.append(DocumentedDiagnosis(
            text=text, code=code, code_system=system, rank=len(diagnoses) + 1))  # fmt: skip
    status = "established" if p < i or rng.random() < 0.6 else "new"
    minutes, mdm = _documented_effort(rng, kind, status, scenario.mdm_levels)
    start, end = _times(rng, kind, dos, minutes)
    if kind in ("emergency", "observation"):
        rendering = rng.choice(_ED_DOCS) if kind == "emergency" else _HOSPITALIST
        billing, facility = _BILLING[kind], _FACILITIES["hospital"]
    else:
        rendering = _PEDIATRICIAN if age < 18 else rng.choice(_FAMILY_DOCS)
        billing, facility = _BILLING["clinic"], _FACILITIES["clinic"]
    encounter_id = f"ENC-{seed}-{i:06d}"
    data = EncounterClosedData(
        encounter_id=encounter_id,
        encounter_type=kind,
        patient_status=status,
        place_of_service=_POS.get(kind) or rng.choice(("02", "10")),
        date_of_service=dos,
        start=start,
        end=end,
        total_time_minutes=minutes,
        mdm_level=mdm,
        patient=patient,
        rendering_provider=rendering,
        billing_provider=billing,
        facility=facility,
        coverages=[] if self_pay else _coverages(seed, p, age, kind),
        documentation=Documentation(
            diagnoses=diagnoses,
            procedures=[_procedure(code, side) for code in codes],
            assessment_plan=plan,
        ),
    )
    if notes is not None:
        story = _Story(kind, age, patient.sex, dxs, tuple(chosen), codes, side, plan, minutes, mdm,
                       review_text)  # fmt: skip
        data = _with_notes(data, notes, story, random.Random(f"notes:{seed}:{i}"))
    return EncounterClosed.create(
        data,
        source=SOURCE,
        correlation_id=encounter_id,
        event_id=UUID(int=rng.getrandbits(128), version=4),
        occurred_at=occurred_at or end + timedelta(minutes=rng.randint(5, 90)),
    )


def _patient_number(seed: int, i: int) -> int:
    """Most encounters bring a patient seen first; about 3 in 10 an earlier one again."""
    rng = random.Random(f"visit:{seed}:{i}")
    return i if i == 0 or rng.random() < 0.7 else rng.randrange(i)


def _flags(seed: int, i: int, review_share: float, self_pay_share: float) -> tuple[bool, bool]:
    """Review is drawn per encounter; self-pay per patient, so a patient keeps it across visits."""
    review = random.Random(f"review:{seed}:{i}").random() < review_share
    p = _patient_number(seed, i)
    return review, random.Random(f"self-pay:{seed}:{p}").random() < self_pay_share


def sample_encounter(
    i: int,
    *,
    seed: int = 0,
    kind: str | None = None,
    occurred_at: datetime | None = None,
    review: bool | None = None,
    self_pay: bool | None = None,
    notes: str | None = None,
) -> EncounterClosed:
    """The i-th synthetic encounter.closed event for `seed`.

    `kind` picks the encounter type (one of KINDS; random when None). `review` and
    `self_pay` force those traits; when None they are drawn with shares 5 % and 25 %.
    `notes` ("added" or "only", see the module's docstring) adds clinical notes.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    _check_notes(notes)
    drawn_review, drawn_self_pay = _flags(seed, i, 0.05, 0.25)
    return _build(
        seed, i, kind,
        drawn_review if review is None else review,
        drawn_self_pay if self_pay is None else self_pay,
        occurred_at, notes,
    )  # fmt: skip


def sample_encounters(
    n: int,
    *,
    seed: int = 0,
    review_share: float = 0.05,
    self_pay_share: float = 0.25,
    notes: str | None = None,
) -> list[EncounterClosed]:
    """n varied encounters: about `review_share` need a coder, `self_pay_share` are uninsured;
    `notes` ("added" or "only") gives them clinical notes."""
    _check_notes(notes)
    return [
        _build(seed, i, None, *_flags(seed, i, review_share, self_pay_share), None, notes)
        for i in range(n)
    ]


def _check_notes(notes: str | None) -> None:
    if notes is not None and notes not in NOTE_MODES:
        raise ValueError(f"notes must be one of {NOTE_MODES} or None, not {notes!r}")


# --- clinical notes ---------------------------------------------------------------------------

NOTE_MODES = ("added", "only")
NOTE_SIZE = (1000, 3000)
"""Characters of note text per encounter, all notes together."""
_NOTES = _json("notes.json")
_PROCEDURE_NOTES: dict[str, str] = _NOTES["procedure_notes"]
PROCEDURE_NOTE_CODES = frozenset(_PROCEDURE_NOTES)
"""Procedures written up in a procedure note of their own."""


@dataclass(frozen=True)
class _Story:
    """What the notes tell: the visit as generated."""

    kind: str
    age: int
    sex: str
    problems: tuple[_Dx, ...]
    """The reason for the visit (the scenario's diagnoses)."""
    diagnoses: tuple[_Dx, ...]
    """Every diagnosis of the encounter, the problems first."""
    procedures: tuple[str, ...]
    side: str | None
    plan: str
    minutes: int | None
    mdm: str | None
    review_text: str | None


class _Lines:
    """A note's lines; optional ones go first when the notes are too long."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []
        self.exam_end = 0
        """Where more exam findings go."""

    def add(self, line: str, optional: bool = False) -> None:
        self.lines.append((line, optional))

    def add_exam(self, line: str) -> None:
        self.lines.insert(self.exam_end, (line, True))
        self.exam_end += 1

    def add_before_last(self, line: str) -> None:
        self.lines.insert(len(self.lines) - 1, (line, True))

    def drop_optional(self) -> bool:
        for k in range(len(self.lines) - 1, -1, -1):
            if self.lines[k][1]:
                del self.lines[k]
                return True
        return False

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)


def _who(age: int, sex: str) -> str:
    if age < 18:
        return f"{age}-year-old {'girl' if sex == 'F' else 'boy'}"
    return f"{age}-year-old {'woman' if sex == 'F' else 'man'}"


def _listing(items: list[str], last: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _with_notes(
    data: EncounterClosedData, mode: str, story: _Story, rng: random.Random
) -> EncounterClosedData:
    author = data.rendering_provider.name
    notes = [
        ClinicalNote(
            note_id=f"NOTE-{data.encounter_id}-{n}",
            kind=kind,
            title=title,
            author=author,
            text=text,
        )  # fmt: skip
        for n, (kind, title, text) in enumerate(_note_texts(story, rng), 1)
    ]
    d = data.documentation
    if mode == "only":
        return data.model_copy(
            update={
                "documentation": Documentation(notes=notes),
                "total_time_minutes": None,
                "mdm_level": None,
            }
        )
    documentation = Documentation(
        diagnoses=d.diagnoses, procedures=d.procedures, assessment_plan=d.assessment_plan,
        notes=notes,
    )  # fmt: skip
    return data.model_copy(update={"documentation": documentation})


def _note_texts(story: _Story, rng: random.Random) -> list[tuple[str, str, str]]:
    """(kind, title, text) of each note: the visit's note, a procedure note for each minor
    procedure, and for observation a discharge summary; 1-3 KB in all."""
    main, kind = _Lines(), {"emergency": "emergency", "observation": "history_and_physical"}
    notes: list[tuple[str, str, _Lines]] = [
        (kind.get(story.kind, "progress"), rng.choice(_NOTES["titles"][story.kind]), main)
    ]
    _visit_note(main, story, rng)
    if story.kind == "observation":
        notes.append(("discharge_summary", rng.choice(_NOTES["titles"]["discharge_summary"]),
                      _discharge_summary(story, rng)))  # fmt: skip
    for code in story.procedures:
        if code in _PROCEDURE_NOTES:
            lines = _Lines()
            lines.add(f"Procedure: {_procedure_words(code, story.side)}.")
            lines.add(_PROCEDURE_NOTES[code])
            notes.append(("procedure", rng.choice(_NOTES["titles"]["procedure"]), lines))
    exam = [line for line in _NOTES["exam"] if line not in main.text]
    rng.shuffle(exam)
    padding = rng.sample(_NOTES["padding"], len(_NOTES["padding"]))
    # realistic notes run from 1 KB to about 3 KB: aim for a size drawn in between
    target = rng.randint(NOTE_SIZE[0] + 100, NOTE_SIZE[1] - 600)
    while sum(len(n[2].text) for n in notes) < target and (exam or padding):
        if exam and (not padding or rng.random() < 0.5) and story.kind != "telehealth":
            main.add_exam(exam.pop())
        elif padding:
            main.add_before_last(padding.pop())
        else:
            break
    while sum(len(n[2].text) for n in notes) > NOTE_SIZE[1] and main.drop_optional():
        pass
    return [(k, title, lines.text) for k, title, lines in notes]


def _procedure_words(code: str, side: str | None) -> str:
    text = PROCEDURE_LEXICON[code][1]
    if side is not None and code in LATERAL_PROCEDURES:
        text += f" ({side})"
    return text


def _visit_note(lines: _Lines, story: _Story, rng: random.Random) -> None:
    p, who = _NOTES, _who(story.age, story.sex)
    said = " ".join(dx.text for dx in story.diagnoses).lower() + " " + story.plan.lower()
    if story.kind == "preventive":
        complaint = "annual preventive visit"
        opener = rng.choice(p["openers_preventive"]).format(who=who)
    elif story.problems:
        complaint = story.problems[0].text[0].lower() + story.problems[0].text[1:]
        opener = rng.choice(p["openers"]).format(who=who, problem=complaint)
    else:
        complaint = "chronic disease follow-up"
        opener = rng.choice(p["openers_followup"]).format(who=who)
    lines.add(f"{rng.choice(p['chief_complaint'])} {complaint}")
    if story.kind == "telehealth":
        lines.add(rng.choice(p["telehealth_consent"]))
    detail = rng.choice(p["details"] if story.problems else p["details_chronic"])
    lines.add(f"HPI: {opener} {detail.format(days=rng.randint(2, 10))}")
    negatives = [
        s for s in p["ros_negatives"] if not any(w in said for w in s.split() if len(w) > 3)
    ]
    items = rng.sample(negatives, min(len(negatives), rng.randint(3, 6)))
    lines.add(rng.choice(p["ros_leads"]).format(items=_listing(items, "or")))
    chronic = [dx for dx in story.diagnoses if dx not in story.problems and dx is not _FLU_SHOT]
    history = [dx.text for dx in chronic] + rng.sample(p["past_history"], rng.randint(0, 2))
    lines.add(f"Past medical history: {'; '.join(history)}." if history else
              "Past medical history: none significant.")  # fmt: skip
    meds = list(dict.fromkeys(p["medications"][dx.code[:3]] for dx in chronic
                              if dx.code[:3] in p["medications"]))  # fmt: skip
    lines.add(f"Medications: {'; '.join(meds)}." if meds else
              f"Medications: {rng.choice(p['no_medications'])}")  # fmt: skip
    lines.add(f"Allergies: {rng.choice(p['allergies'])}")
    lines.add(f"Family history: {' '.join(rng.sample(p['family_history'], 2))}", optional=True)
    smoker = any(dx.code.startswith("F17") for dx in story.diagnoses)
    social = ([] if smoker else [rng.choice(p["tobacco_history"])]) + rng.sample(
        p["social_history"], 1 if smoker else rng.randint(1, 2)
    )
    lines.add(f"Social history: {' '.join(social)}", optional=True)
    if story.kind == "telehealth":
        lines.add(rng.choice(p["exam_telehealth"]))
    else:
        lines.add(p["vitals"].format(
            sys=rng.randint(112, 148), dia=rng.randint(68, 92), hr=rng.randint(62, 98),
            temp=f"{rng.uniform(97.6, 99.4):.1f}", rr=rng.randint(12, 18),
            spo2=rng.randint(95, 99)))  # fmt: skip
        for line in rng.sample(p["exam"], rng.randint(4, 6)):
            lines.add(line)
    lines.exam_end = len(lines.lines)
    lines.add(rng.choice(p["data"]), optional=True)
    if story.procedures:
        done = [rng.choice(p["procedure_done"]).format(text=_procedure_words(c, story.side))
                for c in story.procedures]  # fmt: skip
        lines.add(f"{rng.choice(p['procedure_lead'])} {' '.join(_sentence(d) for d in done)}")
    if story.kind == "emergency":
        lines.add(rng.choice(p["ed_course"]))
    lines.add("Diagnoses:" if story.kind == "emergency" else "Assessment and plan:")
    n = 0
    for n, dx in enumerate(story.problems, 1):
        lines.add(f"{n}. {_sentence(dx.text)}" + (f" {story.plan}" if n == 1 else ""))
    for dx in chronic:
        n += 1
        med = p["medications"].get(dx.code[:3])
        status = rng.choice(p["stable"]).format(med=med) if med and not med.startswith("no ") \
            else rng.choice(p["stable_no_med"])  # fmt: skip
        lines.add(f"{n}. {dx.text}: {status}.")
    if _FLU_SHOT in story.diagnoses:
        lines.add(f"{n + 1}. {_sentence(_FLU_SHOT.text)}")
        n += 1
    if story.review_text:
        lines.add(f"{n + 1}. {_sentence(story.review_text)}")
    if not story.problems:
        lines.add(f"Plan: {story.plan}")
    if story.kind == "observation":
        lines.add(rng.choice(p["observation_reason"]))
    if story.mdm:
        lines.add(rng.choice(p["mdm"]).format(level=story.mdm))
    if story.minutes and story.kind != "observation":
        lines.add(rng.choice(p["time"]).format(minutes=story.minutes))
    lines.add(rng.choice(p["disposition"] if story.kind == "emergency" else p["follow_up"]))


def _discharge_summary(story: _Story, rng: random.Random) -> _Lines:
    p, lines = _NOTES, _Lines()
    names = [dx.text for dx in story.diagnoses if dx is not _FLU_SHOT]
    lines.add(f"Discharge diagnoses: {'; '.join(names)}.")
    lines.add(rng.choice(p["hospital_course"]))
    if story.procedures:
        words = [_procedure_words(c, story.side) for c in story.procedures]
        lines.add(f"Studies and procedures: {'; '.join(words)}.")
    lines.add(f"Plan at discharge: {story.plan}")
    if story.minutes:
        lines.add(rng.choice(p["time"]).format(minutes=story.minutes))
    lines.add(rng.choice(p["discharge_condition"]))
    return lines
