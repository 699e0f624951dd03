"""Procedure coding: orders and notes to CPT/HCPCS service lines, then the payer edits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .administration import (
    HORMONAL_ANTINEOPLASTICS,
    INFUSION,
    INHALED,
    INJECTION,
    MEDICARE_ADMIN,
    Given,
    drug_administration,
    vaccine_administration,
)
from .demographics import age_on
from .em_notes import annual_wellness_visit
from .em_tables import EM_DESCRIPTIONS
from .encounter import ClinicalNote, DocumentedProcedure, Encounter, Laterality, ReviewedProcedure
from .joint_injection import ASPIRATED, aspirated_joint, several_joints, sized_joint
from .joint_injection import SIZED as JOINT_SIZED
from .lexicon import Dose, Lexicon, LexiconEntry
from .modifiers import laterality_modifier, repeat_modifier
from .ncci import BilledLine, NcciEdits, check_mue, check_ptp
from .procedure_bundles import global_obstetric, included_in, other_sense
from .procedure_text import (
    NOTE_CONFIDENCE,
    NoteHit,
    counselled,
    done_here,
    dose_text,
    enumerated_wounds,
    infusion_minutes,
    is_repair,
    laterality_in,
    performed,
    performed_in_notes,
    site_before,
    wound_length,
    wound_site,
)
from .procedure_title import titled_procedures
from .procedure_units import (
    Found,
    choose_in_family,
    documented_dose,
    dose_units,
    eight_minute_rule,
    lengths_cm,
    measures,
    number,
)
from .reference import ReferenceData
from .results import Edit, Evidence, ReviewReason, ServiceLine
from .wound_repair import REPAIR_CLASSES, group_of, repair_class, site_in, sum_repairs

# A keyword hit is good evidence but not the provider's own code, so it ranks below 1.
MATCH_CONFIDENCE = 0.8
ADMIN_FAMILIES = frozenset({"injection", "iv_push", "iv_infusion", "hydration"})
VACCINE_ADMIN_FAMILIES = frozenset({"vaccine_admin", "vaccine_admin_counsel", "vaccine_admin_oral"})
VACCINE_ADMIN_CODES = frozenset({"G0008", "G0009", "G0010", "90480"})
DRUG_FAMILIES = frozenset({"drug", "drug_inhaled", "fluid"})
VACCINE_FAMILIES = frozenset({"vaccine", "vaccine_oral", "vaccine_covid"})
# families that group many services (each code its own), not one service's sizes
MANY_SERVICES = DRUG_FAMILIES | VACCINE_FAMILIES | {"specimen"}
# In a hospital (emergency department, observation, inpatient) the facility bills the
# drugs, tests, imaging and treatments on its own claim; the practitioner bills the
# procedures done and the reading of an ECG (CMS Claims Processing Manual ch. 12 §20.4).
FACILITY_TYPES = frozenset({"emergency", "observation", "inpatient"})
FACILITY_PLACES = frozenset({"21", "22", "23"})
PROFESSIONAL_IN_FACILITY = frozenset(
    {"93010", "92950", "92960", "31500", "36556", "36600", "99406", "99407", "99497", "99498"}
    | {"99152", "36620"}
)
READING_ONLY = {"93000": "93010", "93005": "93010"}
SPECIMEN_CODES = frozenset({"36415", "36416", "36410", "36600", "36591"})
_DRAWN = re.compile(r"\bdrawn\b|\bdrew\b", re.I)
_SENT_OUT = re.compile(
    r"\bsent\s+(?:out|to\s+(?:the\s+|an?\s+)?(?:outside|reference|commercial|state|hospital|"
    r"quest|labcorp)\b)|\bsend[- ]out\b|\(sent(?:\s+out)?\)",
    re.I,
)
# tests read at the visit by their nature (CLIA-waived rapid and dipstick tests, a
# fingerstick glucose): their result in the note is the office's test; any other
# laboratory test needs words that it was done or run here
READ_AT_THE_VISIT = frozenset(
    {"81000", "81002", "81003", "81025", "82270", "82272", "82962", "86308", "87804"}
    | {"87807", "87811", "87426", "87428", "87880", "87210", "87502", "86580", "86318"}
)
# the practice ran the test itself: its own laboratory, a point-of-care analyzer
_RUN_HERE = re.compile(
    r"\b(?:in[- ]house|in[- ]office|office\s+lab(?:oratory)?|our\s+lab(?:oratory)?|"
    r"clinic\s+lab(?:oratory)?|run\s+(?:here|in|on|today)|resulted|point[- ]of[- ]care|poc|"
    r"analy[sz]er|bedside|i-?stat|finger\s*stick|heel\s*stick)\b",
    re.I,
)
_BY_STAFF = re.compile(
    r"\bby\s+(?:the\s+)?(?:nursing|nurses?|rn|staff|tech|technician|ortho\s+tech|"
    r"respiratory\s+therap(?:y|ist)|rt|phlebotomy|iv\s+team)\b",
    re.I,
)
_ACTINIC = re.compile(r"\bactinic\s+keratos[ie]s\b|\baks?\b", re.I)
# a benign lesion its own sentence names ("the 2 warts destroyed with cryotherapy as well")
_BENIGN_NAMED = re.compile(
    r"\b(?:warts?|verrucae?|skin\s+tags?|acrochordons?|molluscum|seborrheic\s+keratos[ie]s)\b",
    re.I,
)
_NEB_PRODUCT = re.compile(r"\bduo-?neb\b|\bxopenex\b|\bpulmicort\s+respules?\b", re.I)
_CULTURE_RESULT = re.compile(
    r"\b(?:negative|positive|grew|growing|no\s+growth|sensitive|resistant|susceptible|"
    r"colonies|cfu|final)\b",
    re.I,
)
# CPT 95117: two or more allergen injections at the visit
_SEVERAL_ALLERGENS = re.compile(
    r"\b(?:two|three|four|2|3|4)\s+(?:allergen\s+)?(?:injections|shots|vials)\b|\bvial\s*(?:#\s*)?2\b|"
    r"\bboth\s+(?:vials|arms)\b|\binjections\s+given\b",
    re.I,
)
# the title line's reading in another word order is no second service beside the note's
# own keywords for these families (a repair's class is read from its words)
TITLE_SHY_FAMILIES = frozenset({"", "repair_simple", "repair_intermediate", "repair_complex"})
INJECTION_PROCEDURES = frozenset(
    {"20550", "20551", "20552", "20553", "20600", "20605", "20610", "20611", "20612"}
    | {"11900", "11901", "64450", "64405", "62270", "64612", "64615", "64616"}
)
# a drug injected into a joint is the joint injection (CPT 20600-20611, by joint size)
JOINT_INJECTIONS = {
    "knee": "20610", "shoulder": "20610", "hip": "20610", "subacromial": "20610",
    "glenohumeral": "20610", "elbow": "20605", "wrist": "20605", "ankle": "20605",
    "finger": "20600", "toe": "20600", "scar": "11900", "keloid": "11900",
    "intralesional": "11900",
}  # fmt: skip
_JOINT = re.compile(
    r"\b(intralesional|scar|keloid|subacromial|glenohumeral|knee|shoulder|hip|elbow|wrist|ankle|"
    r"finger|toe)\b",
    re.I,
)
_GUIDED = re.compile(r"(?<!no )(?<!without )ultrasound[- ]guid|under ultrasound", re.I)
SCREENING_INSTRUMENTS = frozenset({"96127", "96110", "96160", "96161", "G0442", "G0444", "G0136"})
_SCORED = re.compile(
    r"\bscor(?:e|ed|ing)\b|\badministered\b|\bcompleted\b|\bpositive\b|\bnegative\b|"
    r"\bpass(?:ed)?\b|\bfail(?:ed)?\b|:\s*\d|=\s*\d|\d+\s*/\s*\d+",
    re.I,
)
MAX_UNITS = 999
# allergy tests billed per test (CPT 95004, 95024): the count of allergens tested
PER_TEST = frozenset({"95004", "95024", "95018", "95044"})
# (a count of positive or negative results is not the count tested: "2 positive tests of
# 40 allergens" is 40)
_TESTS_COUNTED = re.compile(
    r"\b(\d{1,3})\s+(?!positive\b|negative\b|reactive\b)(?:\w+\s+)?"
    r"(?:allergens|antigens|tests|extracts)\b",
    re.I,
)
GENERIC_FLU = "90686"
FLU_VACCINES = frozenset(code for code, admin in MEDICARE_ADMIN.items() if admin == "G0008")
PNEUMOCOCCAL_VACCINES = frozenset(c for c, admin in MEDICARE_ADMIN.items() if admin == "G0009")
# "here for her pneumonia vaccine": the words of no product, which the product named later
# in the note replaces
_GENERIC_PNEUMOCOCCAL = frozenset({"pneumonia vaccine", "pneumococcal vaccine"})
# From the 2024-2025 season every influenza vaccine sold in the US is trivalent (FDA VRBPAC,
# March 2024): a four-strain code's product is now its three-strain counterpart
TRIVALENT_SINCE = date(2024, 7, 1)
TRIVALENT = {"90686": "90656", "90688": "90658", "90694": "90653", "90682": "90673",
             "90672": "90660", "90674": "90661"}  # fmt: skip
# vaccines made in presentations by age band, each its own code: (youngest age, code),
# oldest band first. COVID-19 by maker (CPT 91318-91322), hepatitis A pediatric/adolescent
# under 19 (90633) and hepatitis B pediatric/adolescent under 20 (90744)
BY_AGE = {
    "91320": ((12, "91320"), (5, "91319"), (0, "91318")),
    "91322": ((12, "91322"), (0, "91321")),
    "90632": ((19, "90632"), (0, "90633")),
    "90633": ((19, "90632"), (0, "90633")),
    "90746": ((20, "90746"), (0, "90744")),
    "90744": ((20, "90746"), (0, "90744")),
}
# a drug made in several strengths, each its own code: the one whose strength is the dose
# given (J1040 for methylprednisolone acetate 80 mg, not J1030 x2)
STRENGTHS = {"J1030": ("J1020", "J1040"), "J2930": ("J2920",)}
# the words that make a flu vaccine a particular product (CPT 90653-90694)
FLU_PRODUCTS = (
    (re.compile(r"flucelvax|cell[- ]culture|\bcciiv", re.I), "90674"),
    (re.compile(r"high[- ]dose|enhanced antigen|increased antigen", re.I), "90662"),
    (re.compile(r"adjuvant", re.I), "90694"),
    (re.compile(r"recombinant", re.I), "90682"),
    (re.compile(r"intranasal|nasal spray|live attenuated|flumist", re.I), "90672"),
    (re.compile(r"multi-?dose vial", re.I), "90688"),
    (re.compile(r"trivalent", re.I), "90656"),
)
# the practitioner's own interpretation and report (93010); a tracing only reviewed is data
# for the MDM (AMA: independent interpretation of a test billed by another), not a reading
_READ_BY_ME = re.compile(
    r"\bmy\s+(?:read|reading|interpretation)|interpreted\s+by\s+me|i\s+(?:interpreted|read)\b|"
    r"independent(?:ly)?\s+(?:read|interpret)|personally\s+(?:read|interpreted)|interpretation:",
    re.I,
)
_NOT_READ = re.compile(r"\bnot\s+(?:interpreted|read)\s+by\s+me|by\s+the\s+\w+\s+reader", re.I)
# what can be done by telehealth (CMS list of telehealth services, counselling and screening)
REMOTE = frozenset(
    {"99406", "99407", "99408", "99409", "99401", "99402", "99497", "99498", "96127", "96160"}
    | {"96161", "96110", "G0442", "G0443", "G0444", "G0446", "G0447", "G0136", "97802", "97803"}
)
# an endocervical curettage done (not "no ECC")
_ECC = r"(?<!no )(?<!without )(?<!endocervical )(?:endocervical curettage|curettage|\bECC\b)"
# the words after an endoscopy that make it a more extensive one (CPT 43239, 45380, 45385)
EXTENDED = {
    "43235": (
        (
            re.compile(
                r"\bband\s+ligation|\bbanded\b|\bbands?\s+(?:were\s+)?placed|variceal\s+"
                r"ligation",
                re.I,
            ),
            "43244",
        ),
        (
            re.compile(
                r"\bballoon\b[^.]{0,40}\bdilat|\bdilat(?:ion|ation|ed)\s+(?:to|with|up\s+to)\s+"
                r"\d",
                re.I,
            ),
            "43249",
        ),
        (re.compile(r"biops", re.I), "43239"),
    ),
    "45378": (
        (re.compile(r"snare|polypectomy|polyp(?:s)?\s+removed", re.I), "45385"),
        (re.compile(r"biops", re.I), "45380"),
    ),
    # CPT 47563: with cholangiography; 49083: with imaging guidance; 94060: before and after
    # a bronchodilator; 10061: complicated (the descriptor's word)
    "47562": ((re.compile(r"(?<!no )(?<!without )(?<!not )cholangiogra", re.I), "47563"),),
    "49082": (
        (
            re.compile(
                r"(?<!no )(?<!without )(?:ultrasound|sonograph\w*|image|imaging|fluoroscop\w*)"
                r"[- ]guid|under\s+(?:real[- ]time\s+)?(?:ultrasound|fluoroscopy)\b",
                re.I,
            ),
            "49083",
        ),
    ),
    "94010": (
        (
            re.compile(
                r"\b(?:before\s+and\s+after|pre[- ]?\s*and\s+post[- ]?)\s*(?:\w+\s+)?"
                r"bronchodilator|\bpost[- ]?bronchodilator\b",
                re.I,
            ),
            "94060",
        ),
    ),
    "10060": ((re.compile(r"\bcomplicated\b(?!\s+by)|\bcomplex\s+abscess", re.I), "10061"),),
    "57452": (
        (re.compile(rf"(?=[\s\S]*biops)(?=[\s\S]*{_ECC})", re.I), "57454"),
        (re.compile(r"biops", re.I), "57455"),
        (re.compile(_ECC, re.I), "57456"),
    ),
}
# a transvaginal ultrasound of a pregnant patient is the obstetric one (CPT 76817): the
# pregnancy told as one (an IUP, a gestational age), not an obstetric history ("G3P3" is
# written for most gynecology patients)
OBSTETRIC = {"76830": "76817"}
_PREGNANT = re.compile(
    r"\b(?:intrauterine\s+pregnancy|iup|gestational\s+age|crown[- ]rump|fetal\s+heart|"
    r"\d{1,2}\s+weeks?\s+(?:\d\s+days?\s+)?(?:gestation|pregnant|by\s+lmp))\b",
    re.I,
)
NERVE_BLOCKS = frozenset({"64450", "64405"})
WELLNESS_ELEMENTS = frozenset({"96160", "96127"})
EXCISIONS = frozenset({"excision_benign", "excision_malignant"})
_EXCISED = re.compile(
    r"excised\s+(?:diameter|size)\s*(?:of|was|is|:)?\s*\d+(?:\.\d+)?\s*(?:cm|mm)\b", re.I
)
# a malignancy the notes name as found, not one they suspect or rule out
_MALIGNANT = re.compile(
    r"(?<!rule out )(?<!r/o )(?<!suspicious for )(?<!concerning for )(?<!possible )"
    r"(?<!rule out a )(?<!versus )(?<!vs )\b(?:basal cell carcinoma|squamous cell carcinoma|"
    r"melanoma|carcinoma|malignant|malignancy|bcc|scc)\b",
    re.I,
)
_REPEAT = ("repeat", "repeated", "second", "again", "serial")
# CPT 10061: the incision and drainage of more than one abscess ("both abscesses")
_MULTIPLE_ABSCESSES = re.compile(
    r"\b(?:both|two|three|four|several|multiple|[2-9](?![\d.]*\s*(?:cm|mm|x)\b))\s+"
    r"(?:\w+\s+){0,2}?abscess(?:es)?\b|"
    r"(?<!recurrent )(?<!prior )(?<!previous )\babscesses\b|\beach\s+abscess\b",
    re.I,
)


@dataclass
class ProcedureCoding:
    """Service lines without diagnosis pointers yet (finish() sets them)."""

    lines: list[ServiceLine] = field(default_factory=list)
    reasons: list[ReviewReason] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


@dataclass
class _Work:
    lexicon: Lexicon
    result: ProcedureCoding
    found: list[Found] = field(default_factory=list)
    repairs: list[tuple[Found, str, float | None]] = field(default_factory=list)
    no_dose: dict[str, ReviewReason] = field(default_factory=dict)


def code_procedures(encounter: Encounter, data: ReferenceData) -> ProcedureCoding:
    """Service lines for the procedures, tests and treatments documented, or why not.

    Orders: a supplied CPT/HCPCS code is billed when the site's lexicon lists it, with its
    units (documented quantity, the dose for a drug); an uncoded order is coded when its
    words name one service, sized by the measure its family needs. Notes: services the
    words say were done here (procedure_text.py), not already ordered. Then wound repairs
    are added up (wound_repair.py), administration codes found for the drugs and vaccines
    given (administration.py), timed units set by the 8-minute rule, LT/RT/50 and repeat
    modifiers added, and the NCCI PTP and MUE edits run on the lines (ncci.py): what
    fails is a review reason, never a dropped line.
    """
    if not encounter.procedures and not encounter.notes:
        return ProcedureCoding()
    work = _Work(data.lexicon, ProcedureCoding())
    for i, procedure in enumerate(encounter.procedures):
        _order(work, f"procedures[{i}]", procedure)
    if encounter.notes:
        _notes(work, encounter)
    if len(work.repairs) == 1 and encounter.notes:
        _listed_wounds(work, encounter)
    if work.repairs:
        lines, reasons, edits = sum_repairs(work.repairs, work.lexicon)
        work.found.extend(lines)
        work.result.reasons.extend(reasons)
        work.result.edits.extend(edits)
    _one_biopsy_primary(work)
    _timed_units(work)
    if encounter.notes:
        _absorbed(work, data.ncci, encounter)
    _modifiers(work)
    _claim_edits(work, data.ncci, encounter)
    return work.result


def _order(work: _Work, source: str, procedure: DocumentedProcedure) -> None:
    lexicon, result = work.lexicon, work.result
    if procedure.code is not None:
        code = "".join(procedure.code.split()).upper()
        entry = lexicon.get(code)
        if entry is None:
            result.reasons.append(_unknown(code))
            return
        found = Found(entry, Evidence(source=source, text=procedure.text), "provided",
                      "PROC-PROVIDED", 1.0, units=procedure.quantity,
                      laterality=procedure.laterality, minutes=procedure.minutes)  # fmt: skip
        if entry.units == "per_dose":
            _dose_units(found, procedure.text, procedure.quantity, result)
        work.found.append(found)
        return
    text = procedure.text
    matches = lexicon.match(text)
    entries = [m.entry for m in matches]
    families = {e.family or e.code for e in entries}
    cls = repair_class(entries)
    if cls is not None and all(e.family.startswith("repair_") for e in entries):
        hit = next(m for m in matches if m.entry.family == cls)
        evidence = Evidence(source, text[hit.start : hit.end], hit.start, hit.end)
        found = Found(hit.entry, evidence, "matched", "PROC-MATCHED", MATCH_CONFIDENCE,
                      site=site_in(text))  # fmt: skip
        lengths = lengths_cm(text)
        work.repairs.append((found, cls, sum(lengths) if lengths else None))
        return
    chosen: list[LexiconEntry] = []
    if len(families) == 1:
        family = entries[0].family
        pool = lexicon.family(family) if family else tuple(entries)
        chosen = choose_in_family(pool, measures(text), site_in(text))
        if len(chosen) > 1:
            chosen = [e for e in chosen if e in entries] or chosen
    if len(chosen) != 1:
        candidates = tuple(e.code for e in (chosen or entries))
        result.reasons.append(
            ReviewReason(
                rule="PROC-UNCODED",
                message=f"{source} has no code and the lexicon gives no single match "
                f"(candidates: {', '.join(candidates) or 'none'})",
                subject=source,
                candidates=candidates,
            )
        )
        return
    match = next((m for m in matches if m.entry.family == chosen[0].family), matches[0])
    words = text[match.start : match.end]
    result.edits.append(
        Edit(
            rule="PROC-MATCHED",
            detail=f"{source} coded {chosen[0].code} from the keyword {words!r}",
        )
    )
    found = Found(chosen[0], Evidence(source, words, match.start, match.end), "matched",
                  "PROC-MATCHED", MATCH_CONFIDENCE, units=procedure.quantity,
                  laterality=procedure.laterality, minutes=procedure.minutes)  # fmt: skip
    if chosen[0].units == "per_dose":
        _dose_units(found, text, procedure.quantity, result)
    work.found.append(found)


def _notes(work: _Work, encounter: Encounter) -> None:
    lexicon, result = work.lexicon, work.result
    ordered = {f.entry.family or f.entry.code for f in work.found}
    ordered |= {family for _, family, _ in work.repairs}
    any_admin = any(f.entry.family in ADMIN_FAMILIES for f in work.found)
    facility = (
        encounter.encounter_type in FACILITY_TYPES or encounter.place_of_service in FACILITY_PLACES
    )
    mother = encounter.patient.sex == "F" and (
        age_on(encounter.patient.birth_date, encounter.date_of_service) >= 10
    )
    remote = encounter.encounter_type == "telehealth" or encounter.place_of_service in ("02", "10")
    given: list[Given] = []
    admin_hits: list[Found] = []
    seen: set[str] = set()
    draw: NoteHit | None = None
    wounds: dict[tuple[str, str], int] = {}
    sentences: dict[tuple[str, str, str], tuple[int, NoteHit]] = {}
    vaccines: dict[tuple[str, str], list[int]] = {}  # (source, sentence) -> where each ends
    # a discharge summary tells the stay's course: its procedures were billed on their days
    summaries = {
        f"notes[{i}]" for i, note in enumerate(encounter.notes) if note.kind == "discharge_summary"
    }
    # 42 CFR 410.15: the health risk assessment and the review of depression risk are
    # elements of the annual wellness visit, not services of their own beside it
    wellness = encounter.encounter_type == "preventive" and (
        annual_wellness_visit(encounter.notes) is not None
    )
    for hit in performed_in_notes(encounter.notes, lexicon):
        if hit.evidence.source in summaries:
            continue
        cls = is_repair(hit)
        if cls is not None:
            if not any(f.startswith("repair_") for f in ordered):
                _note_repair(work, hit, cls, wounds)
            continue
        entry = _note_entry(hit, lexicon)
        if entry is not None and entry.code == "10060" and _MULTIPLE_ABSCESSES.search(hit.sentence):
            entry = lexicon.get("10061") or entry
        if entry is not None and entry.code in JOINT_SIZED:
            if _several_joints(work, hit, seen):
                continue
            at = hit.hit.start - hit.start
            entry = lexicon.get(sized_joint(entry.code, hit.sentence, at)) or entry
        if hit.hit.entries[0].family in EXCISIONS:
            entry = _excision(hit.hit.entries[0], hit, encounter, lexicon) or entry
        if entry is not None and entry.code == "90686":
            entry = _flu_product(hit, lexicon) or entry
        if entry is not None and entry.family in VACCINE_FAMILIES:
            entry = _vaccine_of_the_day(entry, encounter, lexicon)
        if entry is not None and entry.code in EXTENDED:
            entry = _extended(entry, hit, lexicon)
        if entry is not None and entry.code in OBSTETRIC and _PREGNANT.search(hit.text):
            entry = lexicon.get(OBSTETRIC[entry.code]) or entry
        if entry is not None and facility and _by_staff(hit):
            continue  # the hospital's staff did it: the facility's service
        if entry is not None and facility:
            entry = _professional(entry, lexicon, hit)
        if entry is not None and remote and entry.code not in REMOTE:
            continue  # nothing is done to a patient on a screen but talking
        if entry is not None and not _documented_enough(entry, hit, lexicon):
            continue
        if entry is not None and entry.family == "delivery" and not mother:
            continue  # a newborn's note tells how the baby was born: the mother's procedure
        if entry is not None and other_sense(entry, hit.sentence):
            continue
        if entry is not None and wellness and entry.code in WELLNESS_ELEMENTS:
            continue
        if entry is not None and entry.family == "delivery":
            package = global_obstetric(entry.code, [note.text for note in encounter.notes])
            entry = (lexicon.get(package) or entry) if package else entry
        if (
            entry is None
            or (entry.family or entry.code) in ordered
            or entry.code in EM_DESCRIPTIONS
        ):
            continue  # the E/M line is the E/M rules' (services/coder/domain/em_coding.py)
        if (
            entry.code[:1] == "8"
            and entry.code not in READ_AT_THE_VISIT
            and not _said_done_here(hit.line + " " + hit.sentence)
        ):
            continue  # "A1c 9.2 (up from 7.8)": a laboratory's result brought to the visit
        if entry.code[:1] == "7" and not _imaged_here(hit.line + " " + hit.sentence):
            continue  # "Chest X-ray: no infiltrate": a study's finding, not one taken here
        if entry.code[:3] in ("870", "871") and _CULTURE_RESULT.search(hit.sentence):
            continue  # a culture's result takes days: one told at the visit was taken before
        if entry.code[:1] == "8" and (
            _SENT_OUT.search(hit.sentence)
            or (_DRAWN.search(hit.sentence) and not _RUN_HERE.search(hit.sentence))
        ):
            # a test the sentence sends to an outside laboratory, or says was drawn without
            # saying it was run here (a practice's own lab, point of care): only the draw
            if draw is None and not facility and _DRAWN.search(hit.sentence):
                draw = hit
            continue
        if (
            entry.family == "destruction_benign"
            and _ACTINIC.search(hit.before + hit.sentence)
            and not _BENIGN_NAMED.search(hit.sentence)
        ):
            # "Actinic keratoses: 4 papules. Destroyed with liquid nitrogen": the AKs' destruction
            entry = next(iter(lexicon.family("destruction_ak")), entry)
        if entry.code == "95115" and _SEVERAL_ALLERGENS.search(hit.text):
            entry = lexicon.get("95117") or entry
        drug = entry.family in DRUG_FAMILIES
        key = entry.code if entry.family in MANY_SERVICES else entry.family or entry.code
        if entry.code in FLU_VACCINES:
            key = "flu vaccine"  # one flu shot, told as a generic and then as its product
            if key in seen:
                _flu_named(work, entry)
                continue
        if entry.code in PNEUMOCOCCAL_VACCINES:
            key = "pneumococcal vaccine"  # one a visit: a generic mention, then the product
            if key in seen:
                _pneumococcal_named(work, entry, hit)
                continue
        if drug and key in seen and _another_joint(work, entry, hit):
            continue
        if key in seen and not _repeated(hit):
            if _counted_later(work, entry, hit, sentences):
                continue
            if not _another_lesion(work, entry, hit, sentences):
                _more_specific(work, entry, hit, sentences)
            continue
        if drug:
            if _note_drug(work, entry, hit, given):
                seen.add(key)
            continue
        seen.add(key)
        if entry.family in ADMIN_FAMILIES:
            admin_hits.append(_from_note(entry, hit))
            continue
        product = (hit.evidence.source, hit.sentence)
        if entry.family in VACCINE_FAMILIES and _names_parts(hit, vaccines.get(product, ())):
            _brand_named(work, entry, hit)
            continue  # "Pediarix (DTaP-HepB-IPV)": the parts of the product named
        if entry.family in VACCINE_FAMILIES:
            vaccines.setdefault(product, []).append(hit.hit.end)
        found = _from_note(entry, hit)
        if entry.code in PER_TEST:
            tested = _TESTS_COUNTED.search(hit.sentence)
            if tested is not None:
                found.units = max(1, min(int(tested.group(1)), MAX_UNITS))
        if key in {f.entry.family or f.entry.code for f in work.found}:
            found.modifiers.append("repeat")
        work.found.append(found)
        sentences[(hit.evidence.source, hit.sentence, key)] = (len(work.found) - 1, hit)
        _counted_addon(work, entry, hit)
        if draw is None and not facility and _drawn(entry, hit):
            draw = hit
    if not any_admin:
        have = {f.entry.code for f in work.found}
        if have & INJECTION_PROCEDURES:
            # a joint, tendon or lesion injection includes giving the drug it injects
            given = [g for g in given if g.route != INJECTION]
        derived = [f for f in drug_administration(given, lexicon) if f.entry.code not in have]
        work.found.extend(derived or admin_hits)
        if derived:
            result.edits.append(
                Edit(rule="ADMIN-DRUG", detail="administration coded from the drugs given")
            )
    _titled(work, encounter, facility, remote)
    _capillary_of_tests(work, encounter)
    if not remote:
        _incised_and_drained(work, encounter)
        _foreign_body(work, encounter)
        _excised_lesions(work, encounter)
        _debrided(work, encounter)
        _aspirated(work, encounter)
        _reduced(work, encounter)
    _vaccine_admin(work, encounter)
    _supplies_and_payer(work, encounter)
    billed = {f.entry.code for f in work.found}
    result.reasons.extend(r for code, r in work.no_dose.items() if code not in billed)
    venipuncture = lexicon.get("36415")
    collected = ordered | {f.entry.code for f in work.found}
    if draw is not None and venipuncture is not None and not collected & SPECIMEN_CODES:
        work.found.append(Found(venipuncture, draw.evidence, "inferred", "PROC-DRAWN", 0.7))


def _brand_named(work: _Work, entry: LexiconEntry, hit: NoteHit) -> None:
    """A single-antigen vaccine named generically and then by its brand in parentheses
    ("Hepatitis B vaccine (Heplisav-B)"): the brand is the product given (a combination's
    parentheses spell out its parts instead)."""
    head = hit.sentence[: hit.hit.start - hit.start]
    opened = hit.start + head.rfind("(")
    for i, found in enumerate(work.found):
        outer = found.entry
        near = found.evidence.source == hit.evidence.source and found.evidence.end is not None
        if near and 0 <= opened - found.evidence.end <= 2:  # type: ignore[operator]
            if outer.code != entry.code and outer.components == 1 == entry.components:
                work.found[i] = _from_note(entry, hit)
            return


def _names_parts(hit: NoteHit, ends: Sequence[int]) -> bool:
    """A vaccine in the parentheses right after another vaccine's name spells out that
    product ("Pediarix (DTaP-HepB-IPV)"); one in parentheses after words that are no
    vaccine's name is the product of those words ("Hep A (Havrix pediatric)")."""
    if not hit.parenthetical:
        return False
    head = hit.sentence[: hit.hit.start - hit.start]
    opened = hit.start + head.rfind("(")
    return any(0 <= opened - end <= 2 for end in ends)


_BREAK = re.compile(r"\.(?!\d)|[;!?\n]")


_TAKEN = re.compile(r"\b(?:taken|interpreted|read)\b", re.I)


def _imaged_here(text: str) -> bool:
    """Words that an imaging study was taken or read at the visit (in the office, today,
    obtained, my read); a finding cited alone may be another site's study."""
    return done_here(text) or bool(_TAKEN.search(text) or _READ_BY_ME.search(text))


def _said_done_here(text: str) -> bool:
    """Words that a laboratory test was done, drawn or run at the visit."""
    return done_here(text) or bool(_RUN_HERE.search(text) or _DRAWN.search(text))


# CPT 11102-11107: incisional > punch > tangential; the primary code and its add-on
_BIOPSY_ORDER = (("11106", "11107"), ("11104", "11105"), ("11102", "11103"))


def _one_biopsy_primary(work: _Work) -> None:
    """CPT Biopsy guidelines: one primary skin biopsy code per session, the technique
    highest in the order incisional, punch, tangential; a biopsy by another technique is
    that technique's each-additional code ("shave biopsy of the nose; punch biopsy of the
    back" is 11104 + 11103)."""
    primaries = [p for p, _ in _BIOPSY_ORDER if any(f.entry.code == p for f in work.found)]
    if len(primaries) < 2:
        return
    for primary, addon in _BIOPSY_ORDER:
        if primary == primaries[0] or primary not in primaries:
            continue
        entry = work.lexicon.get(addon)
        if entry is None:
            continue
        for i, found in enumerate(work.found):
            if found.entry.code == primary:
                work.found[i] = replace(found, entry=entry)
        work.result.edits.append(
            Edit(rule="PROC-BIOPSY", detail=f"{primary} as {addon}: {primaries[0]} is primary")
        )


def _capillary_of_tests(work: _Work, encounter: Encounter) -> None:
    """A finger or heel stick written with a test done here ("POC HbA1c (fingerstick)") is
    the specimen of that test, not a collection billed on its own: CMS bundles 36416
    (status B) into the service it serves. A capillary specimen for a test sent out keeps
    its line (the collection is then the practice's only service)."""
    tests = [f for f in work.found if f.entry.code[:1] == "8" and f.evidence.start is not None]
    if not tests:
        return
    keep = []
    for found in work.found:
        if (
            found.entry.code == "36416"
            and found.rule == "PROC-NOTE"
            and any(_same_sentence(encounter, found.evidence, test.evidence) for test in tests)
        ):
            work.result.edits.append(
                Edit(rule="PROC-INCLUDED", detail="36416 is the specimen of a test done here")
            )
            continue
        keep.append(found)
    work.found[:] = keep


def _same_sentence(encounter: Encounter, one: Evidence, other: Evidence) -> bool:
    if one.source != other.source or one.start is None or other.start is None:
        return False
    match = re.fullmatch(r"notes\[(\d+)\]", one.source)
    if match is None:
        return False
    text = encounter.notes[int(match.group(1))].text
    low, high = sorted((one.start, other.start))
    return _BREAK.search(text, low, high) is None


def _by_staff(hit: NoteHit) -> bool:
    """The words next to the service say the hospital's staff did it ("splint applied by
    nursing"), not words elsewhere in its sentence ("prepped and draped by nursing")."""
    head = hit.sentence[: hit.hit.start - hit.start]
    return _BY_STAFF.search(head[-30:] + " " + hit.after[:50]) is not None


def _titled(work: _Work, encounter: Encounter, facility: bool, remote: bool) -> None:
    """A procedure or operative note's title line that names, in another word order
    (procedure_title.py), a service none of its keywords found as written: that service
    ("debridement of 7 mycotic nails ...; paring of 2 corns" beside the paring found)."""
    if remote:
        return
    services = {f.entry.family or f.entry.code for f in work.found} | {
        family for _, family, _ in work.repairs
    }
    sources = {f.evidence.source for f in work.found} | {
        found.evidence.source for found, _, _ in work.repairs
    }
    for titled in titled_procedures(encounter.notes, work.lexicon):
        source = f"notes[{titled.note}]"
        if (titled.entry.family or titled.entry.code) in services:
            continue
        if source in sources and titled.entry.family in TITLE_SHY_FAMILIES:
            continue
        evidence = Evidence(source, titled.text, titled.start, titled.end)
        work.found.append(
            Found(
                titled.entry,
                evidence,
                "matched",
                "PROC-NOTE-TITLE",
                NOTE_CONFIDENCE,
                laterality=laterality_in(titled.text),
                site=site_in(titled.text),
                author=encounter.notes[titled.note].author,
            )  # fmt: skip
        )
        work.result.edits.append(
            Edit(
                rule="PROC-NOTE-TITLE",
                detail=f"{titled.entry.code} from the words of {source}'s procedure line",
            )
        )
        sources.add(source)
        services.add(titled.entry.family or titled.entry.code)


_INCISED_DRAINED = re.compile(
    r"\b(?:incised|lanced|opened)\b[^.;\n]{0,100}?\bdrain(?:ed|ing)\b", re.I
)


def _incised_and_drained(work: _Work, encounter: Encounter) -> None:
    """An abscess told as incised and then drained in one sentence ("incised with an 11
    blade ... and drained of pus") is an incision and drainage (10060), when no incision
    and drainage was found by its name."""
    entry = work.lexicon.get("10060")
    if entry is None or any(f.entry.family == entry.family for f in work.found):
        return
    for i, note in enumerate(encounter.notes):
        for told in _INCISED_DRAINED.finditer(note.text):
            start = note.text.rfind(".", 0, told.start()) + 1
            before = note.text[start : told.start()]
            if not performed(before, note.text[told.end() : told.end() + 60], None, told.group()):
                continue
            work.found.append(_told(entry, i, note, told))
            return


# a foreign body told removed from where it was ("Foreign body (bead) removed from the right
# ear canal", "fishhook removed from the index finger"), by the site: ear canal 69200,
# nose 30300, cornea 65222, conjunctiva 65205, skin (an incision) 10120
_FB_SITES = (
    (r"ear(?!\s*lobe)\b(?:\s+canal)?|external\s+(?:auditory\s+)?canal", "69200"),
    (r"nose|nostril|nares|naris|nasal\s+(?:cavity|vestibule)", "30300"),
    (r"cornea", "65222"),
    (r"conjunctiva|fornix", "65205"),  # an eyelid's is 67938, not in the lexicon
    (r"(?:index|middle|ring|little)?\s*finger|thumb|palm|hand|foot|sole|heel|toe|forearm|"
     r"arm|leg|knee|thigh|scalp|skin", "10120"),
)  # fmt: skip
_FB_SITE = re.compile("|".join(f"(?P<s{i}>{words})" for i, (words, _) in enumerate(_FB_SITES)))
_FB_REMOVED = re.compile(
    r"\b(?:foreign\s+bod(?:y|ies)|fb|splinters?|fish\s*hooks?|glass|bead|pebble|insect)\b"
    r"[^.;\n]{0,40}?\b(?:removed|extracted|retrieved)\b[^.;\n]{0,15}?\bfrom\s+(?:the\s+|his\s+|"
    r"her\s+)?(?:(?:left|right)\s+)?(?P<site>[a-z ]{2,30})",
    re.I,
)
_FB_FAMILIES = frozenset({"69200", "30300", "65222", "65205", "fb_skin"})
# 10120 is an incision and removal: a splinter lifted out with tweezers is the visit's
_INCISED = re.compile(
    r"\b(?<!no\s)incis(?:ed|ion)\b|\bcut\s+down\b|\badvance[- ]and[- ]cut\b|\bpush[- ]through\b",
    re.I,
)
_ELSEWHERE = re.compile(
    r"\b(?:ago|outside|urgent\s+care|yesterday|last\s+(?:week|month|year|visit)|previously|"
    r"prior|reports?|had\s+(?:a|an)|at\s+home|himself|herself|by\s+(?:ems|the\s+patient|"
    r"nursing|the\s+nurse|triage))\b",
    re.I,
)


def _foreign_body(work: _Work, encounter: Encounter) -> None:
    """A foreign body told as removed from a site in words the lexicon's keywords do not
    hold: the removal from that site, when no removal was found by its name."""
    if any((f.entry.family or f.entry.code) in _FB_FAMILIES for f in work.found):
        return
    for i, note in enumerate(encounter.notes):
        if "removed" not in note.text and "extracted" not in note.text:
            continue
        for told in _FB_REMOVED.finditer(note.text):
            site = _FB_SITE.match(told.group("site").lower())
            if site is None:
                continue
            start = max(note.text.rfind(c, 0, told.start()) for c in ".\n") + 1
            before = note.text[start : told.start()]
            after = note.text[told.end() : told.end() + 80]
            if not performed(before, after, None, told.group()) or _ELSEWHERE.search(
                before + told.group() + after.split(".")[0]
            ):
                continue
            code = _FB_SITES[int(next(k for k, v in site.groupdict().items() if v)[1:])][1]
            if code == "10120" and not _INCISED.search(before + told.group() + after):
                continue
            entry = work.lexicon.get(code)
            if entry is not None:
                work.found.append(_told(entry, i, note, told, laterality_in(told.group())))
                return


# a skin lesion told as excised with words between the excision and the lesion ("excision
# of a 1.2 cm benign-appearing cyst of the back"), which no keyword holds
_EXCISED_LESION = re.compile(
    r"\bexcision\s+of\s+(?:an?\s+|the\s+)?(?:[\w.,/-]+\s+){1,5}?(?P<lesion>cyst|lipoma|nevus|"
    r"mole|lesion|dermatofibroma|papilloma|keratosis|basal\s+cell\s+carcinoma|"
    r"squamous\s+cell\s+carcinoma|melanoma|bcc|scc)\b",
    re.I,
)
_TAGS_REMOVED = re.compile(
    r"\bremov(?:al|ed)\s+of\s+(?P<n>\d+)\s+skin\s+tags\b|\b(?P<m>\d+)\s+skin\s+tags\s+"
    r"(?:were\s+)?(?:removed|snipped|excised)\b",
    re.I,
)


# a wound debrided to the depth its words name ("debridement of a diabetic foot ulcer to
# subcutaneous tissue"): CPT 11042-11044 by the deepest tissue removed
_DEBRIDED_TO = re.compile(
    r"\bdebride(?:ment|d)\b[^.;\n]{0,60}?\b(?:to|into|down\s+to|through|including)\s+(?:the\s+)?"
    r"(?:level\s+of\s+(?:the\s+)?)?(?P<depth>subcutaneous|muscle|fascia|bone)\b",
    re.I,
)
_DEPTH_CODES = {"subcutaneous": "11042", "muscle": "11043", "fascia": "11043", "bone": "11044"}
DEBRIDEMENTS = frozenset({"debridement_subq", "debridement_muscle", "debridement_bone"})


def _debrided(work: _Work, encounter: Encounter) -> None:
    """A debridement told with the depth it reached in words no keyword holds."""
    if any(f.entry.family in DEBRIDEMENTS | {"debridement_selective"} for f in work.found):
        return
    for i, note in enumerate(encounter.notes):
        if "debrid" not in note.text.lower():
            continue
        for told in _DEBRIDED_TO.finditer(note.text):
            start = max(note.text.rfind(c, 0, told.start()) for c in ".\n") + 1
            after = note.text[told.end() : told.end() + 60]
            if not performed(note.text[start : told.start()], after, None, told.group()):
                continue
            entry = work.lexicon.get(_DEPTH_CODES[told.group("depth").lower()])
            if entry is not None:
                work.found.append(_told(entry, i, note, told))
                return


def _excised_lesions(work: _Work, encounter: Encounter) -> None:
    """Skin lesions excised or skin tags removed in words with a size or count between
    the service's words: the excision by nature, site and excised diameter (as _excision)
    and the skin tag removal, when none was found by name."""
    families = {f.entry.family or f.entry.code for f in work.found}
    for i, note in enumerate(encounter.notes):
        text = note.text
        if "xcision" in text and not families & EXCISIONS:
            for told in _EXCISED_LESION.finditer(text):
                start = max(text.rfind(c, 0, told.start()) for c in ".\n") + 1
                end = min([e for e in (text.find(c, told.end()) for c in ".\n") if e >= 0]
                          or [len(text)])  # fmt: skip
                sentence = text[start:end]
                if not performed(text[start : told.start()], text[told.end() : end], None,
                                 sentence):  # fmt: skip
                    continue
                malignant = _MALIGNANT.search(told.group("lesion")) or any(
                    _MALIGNANT.search(n.text) for n in encounter.notes
                )
                family = "excision_malignant" if malignant else "excision_benign"
                stated = _EXCISED.search(sentence)
                values = measures(stated.group() if stated else told.group(), ("cm",))
                chosen = choose_in_family(work.lexicon.family(family), values, site_in(sentence))
                if len(chosen) == 1:
                    work.found.append(_told(chosen[0], i, note, told))
                    families.add(family)
                    break
        if "skin tag" in text and "11200" not in families:
            tags = _TAGS_REMOVED.search(text)
            entry = work.lexicon.get("11200")
            if tags is not None and entry is not None:
                start = max(text.rfind(c, 0, tags.start()) for c in ".\n") + 1
                if performed(text[start : tags.start()], text[tags.end() : tags.end() + 60],
                             None, tags.group()):  # fmt: skip
                    work.found.append(_told(entry, i, note, tags))
                    families.add("11200")


def _several_joints(work: _Work, hit: NoteHit, seen: set[str]) -> bool:
    """One sentence injecting or aspirating two different joints is one service per joint,
    each with its own side ("right knee and left shoulder injections": 20610-RT and
    20610-LT, not one bilateral 20610-50)."""
    joints = several_joints(hit.sentence)
    entries = [(work.lexicon.get(code), side) for code, side in joints]
    if not joints or any(entry is None for entry, _ in entries):
        return False
    for entry, side in entries:
        assert entry is not None
        found = _from_note(entry, hit)
        found.laterality = side  # type: ignore[assignment]
        work.found.append(found)
        seen.add(entry.code)
    return True


# a dislocation or subluxation reduced, by the joint its sentence names (CPT closed
# treatment with manipulation)
_REDUCED_JOINTS = (
    (re.compile(r"\bradial\s+head\b|\bnursemaid", re.I), "24640"),
    (re.compile(r"\bthumb\b|\bfirst\s+(?:cmc|carpometacarpal)\b", re.I), "26641"),
    (re.compile(r"\b(?:finger|pip|dip|interphalangeal|index|middle|ring|little)\b", re.I), "26770"),
    (re.compile(r"\bshoulder\b|\bglenohumeral\b", re.I), "23650"),
)
_REDUCTION = re.compile(r"\b(?:reduc(?:ed|tion)|relocat(?:ed|ion))\b", re.I)
_DISLOCATION = re.compile(r"\b(?:dislocat\w*|sublux\w*|nursemaid\w*|pulled\s+elbow)", re.I)


def _reduced(work: _Work, encounter: Encounter) -> None:
    """A dislocation or subluxation the note says was reduced, in words the keywords do
    not hold ("reduction of radial head subluxation (nursemaid's elbow)", "Shoulder
    dislocation ... closed reduction performed by me"): the closed treatment with
    manipulation of its joint, when none was found by its name."""
    codes = {code for _, code in _REDUCED_JOINTS}
    if any(f.entry.code in codes for f in work.found):
        return
    for i, note in enumerate(encounter.notes):
        for told in _REDUCTION.finditer(note.text):
            start, end = _sentence_bounds(note.text, told.start())
            sentence = note.text[start:end]
            context = note.text[max(0, start - 200) : end]
            if not _DISLOCATION.search(context):
                continue
            before, after = note.text[start : told.start()], note.text[told.end() : end]
            if not performed(before, after, None, sentence):
                continue
            code = next((c for pattern, c in _REDUCED_JOINTS if pattern.search(context)), None)
            entry = work.lexicon.get(code) if code else None
            if entry is None:
                continue
            side = laterality_in(sentence) or laterality_in(context)
            work.found.append(_told(entry, i, note, told, side))
            return


def _sentence_bounds(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at), text.rfind(";", 0, at)) + 1
    stops = [i for i in (text.find(".", at), text.find("\n", at)) if i >= 0]
    return start, min(stops) if stops else len(text)


def _told(
    entry: LexiconEntry,
    i: int,
    note: ClinicalNote,
    told: re.Match[str],
    laterality: Laterality | None = None,
) -> Found:
    """The service a note tells in words (`told`, a match in notes[i])."""
    evidence = Evidence(f"notes[{i}]", told.group(), told.start(), told.end())
    return Found(entry, evidence, "matched", "PROC-NOTE", NOTE_CONFIDENCE,
                 laterality=laterality, author=note.author)  # fmt: skip


def _aspirated(work: _Work, encounter: Encounter) -> None:
    """A joint told as aspirated with the joint after the words ("aspirated 30 mL of
    fluid from the right knee") is its arthrocentesis (CPT 20600-20611 by the joint's
    size), when no joint injection or aspiration was found by its name."""
    if any(f.entry.code in JOINT_SIZED or f.entry.code == "20611" for f in work.found):
        return
    for i, note in enumerate(encounter.notes):
        for told in ASPIRATED.finditer(note.text):
            start = note.text.rfind(".", 0, told.start()) + 1
            before = note.text[start : told.start()]
            if not performed(before, note.text[told.end() : told.end() + 60], None, told.group()):
                continue
            line_end = note.text.find("\n", told.end())
            sentence = note.text[start : line_end if line_end >= 0 else len(note.text)]
            code = sized_joint(aspirated_joint(told.group("joint")), sentence, 0)
            entry = work.lexicon.get(code)
            if entry is None:
                return
            work.found.append(_told(entry, i, note, told, laterality_in(told.group())))
            return


def _drawn(entry: LexiconEntry, hit: NoteHit) -> bool:
    """A blood test the note says was drawn here: its venipuncture is billed (36415)."""
    return (
        entry.code[:1] == "8"
        and entry.code[:3] != "810"
        and _DRAWN.search(hit.sentence) is not None
    )


def _listed_wounds(work: _Work, encounter: Encounter) -> None:
    """One repair told for wounds the note lists one by one at sites of different anatomic
    groups ("All simple closures" after "(1) left hand 2.0 cm ...; (3) chin 1.0 cm"): each
    listed wound is a repair of that class, so that the lengths add up by group (CPT
    Repair guidelines), not into the first wound's group."""
    found, cls, _ = work.repairs[0]
    source = found.evidence.source
    index = int(source[len("notes[") : -1]) if source.startswith("notes[") else None
    if index is None:
        return
    wounds = enumerated_wounds(encounter.notes[index].text)
    groups = {group_of(work.lexicon, cls, site) for site, _ in wounds}
    if len(groups) < 2:
        return
    work.repairs[:] = [
        (replace(found, site=site, modifiers=[]), cls, length) for site, length in wounds
    ]
    work.result.edits.append(
        Edit(rule="REPAIR-LISTED", detail=f"{len(wounds)} listed wounds repaired as one class")
    )


def _note_repair(work: _Work, hit: NoteHit, cls: str, wounds: dict[tuple[str, str], int]) -> None:
    """One wound per sentence, of the most complex class its words name."""
    entry = next(e for e in hit.hit.entries if e.family == cls)
    found = _from_note(entry, hit)
    found.site = wound_site(hit)
    key = (hit.evidence.source, hit.line.split(":")[0] if ":" in hit.line else hit.sentence)
    clause = _own_clause(hit)
    if clause is not None:  # "simple repair of a 2 cm ... and intermediate repair of a 4 cm"
        found.site = site_in(clause) or found.site
        key = (hit.evidence.source, clause)
        if key not in wounds:
            wounds[key] = len(work.repairs)
            work.repairs.append((found, cls, sum(lengths_cm(clause))))
        return
    if key not in wounds and wounds and not lengths_cm(hit.line + hit.after):
        # no size of its own: the closure of a wound already told ("Closed with sutures")
        key = next((k for k, i in wounds.items() if i == len(work.repairs) - 1), key)
    if key not in wounds:
        length = wound_length(hit)
        told = [
            i
            for k, i in wounds.items()
            if k[0] != key[0]
            and work.repairs[i][2] == length
            and work.repairs[i][0].site == found.site
        ]
        if told:  # the same wound in another note (the procedure note of the visit)
            wounds[key] = told[0]
            return
        wounds[key] = len(work.repairs)
        work.repairs.append((found, cls, length))
        return
    known_found, known, length = work.repairs[wounds[key]]
    length = length if length is not None else wound_length(hit)
    if REPAIR_CLASSES.index(cls) < REPAIR_CLASSES.index(known):
        work.repairs[wounds[key]] = (found, cls, length)
    else:
        work.repairs[wounds[key]] = (known_found, known, length)


_REPAIR_WORD = re.compile(r"\b(?:repair\w*|closed|closure|sutur\w*|stapl\w*)\b", re.I)
_CLAUSE_BREAK = re.compile(
    r"\band\b|,\s*(?:and\s+)?(?=(?:a|an|the)?\s*(?:simple|intermediate|layered|complex)\b)", re.I
)


def _own_clause(hit: NoteHit) -> str | None:
    """The clause of a repair in a sentence telling two repairs, each with its own length
    ("simple repair of a 2 cm laceration of the hand and intermediate repair of a 4 cm
    laceration of the thigh"); None when the sentence tells one."""
    if len(lengths_cm(hit.sentence)) < 2:
        return None
    at = hit.hit.start - hit.start
    starts = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(hit.sentence) if m.end() <= at)]
    ends = [m.start() for m in _CLAUSE_BREAK.finditer(hit.sentence) if m.start() >= at]
    clause = hit.sentence[max(starts) : min(ends) if ends else len(hit.sentence)]
    lengths = lengths_cm(clause)
    if len(lengths) != 1 or site_in(clause) is None:
        return None
    rest = hit.sentence.replace(clause, " ")
    # the other clause tells a repair of its own, with its own length and site
    if not (_REPAIR_WORD.search(rest) and lengths_cm(rest) and site_in(rest)):
        return None
    return clause


def _professional(entry: LexiconEntry, lexicon: Lexicon, hit: NoteHit) -> LexiconEntry | None:
    """What a practitioner bills of a service in a hospital: a procedure, or the reading
    of a tracing the note says this practitioner read."""
    if entry.global_period or entry.code in PROFESSIONAL_IN_FACILITY:
        return entry
    reading = READING_ONLY.get(entry.code)
    if reading is None or not _READ_BY_ME.search(hit.sentence) or _NOT_READ.search(hit.sentence):
        return None
    return lexicon.get(reading)


def _more_specific(
    work: _Work,
    entry: LexiconEntry,
    hit: NoteHit,
    sentences: dict[tuple[str, str, str], tuple[int, NoteHit]],
) -> None:
    """A second keyword of the same family in the same sentence ("spirometry ... post-
    bronchodilator"): the longer, more specific one names the service."""
    known = sentences.get((hit.evidence.source, hit.sentence, entry.family or entry.code))
    if known is None or not entry.family:
        return
    index, first = known
    longer = hit.evidence.end - hit.evidence.start > first.evidence.end - first.evidence.start  # type: ignore[operator]
    if longer and work.found[index].entry.code != entry.code:
        work.found[index] = _from_note(entry, hit)


# a lesion other than the first: "Lesion B: 4 mm punch biopsy", "#2", "second lesion"
_OTHER_LESION = re.compile(
    r"\b(?:lesion|site|specimen)\s+(?:#\s*)?(?:[b-h]|[2-9]|two|three|four)\b|"
    r"\b(?:second|third|fourth|another|additional)\s+(?:\w+\s+){0,2}?(?:lesion|site|biops)|"
    r"^\s*(?:\(?[b-h]\)|#\s*[2-9]|[2-9][.)])\s",
    re.I,
)


def _another_lesion(
    work: _Work,
    entry: LexiconEntry,
    hit: NoteHit,
    sentences: dict[tuple[str, str, str], tuple[int, NoteHit]],
) -> bool:
    """The service told again, in its own sentence, for a lesion its words name as another
    ("Lesion B: 4 mm punch biopsy"): one more unit of the family's add-on for each further
    lesion (CPT 11103, 11105, 11107, 17003)."""
    if not entry.family or (hit.evidence.source, hit.sentence, entry.family) in sentences:
        return False
    if not (_OTHER_LESION.search(hit.line) or _OTHER_LESION.search(hit.sentence)):
        return False
    primary = next((f for f in work.found if f.entry.family == entry.family), None)
    if primary is None:
        return False
    addon = next(
        (
            e
            for e in work.lexicon.family(entry.family)
            if e.addon_to == primary.entry.code and e.units == "added_each"
        ),
        None,
    )
    if addon is None:
        return False
    line = next((f for f in work.found if f.entry.code == addon.code), None)
    if line is None:
        work.found.append(_from_note(addon, hit))
    else:
        line.units += 1
    sentences[(hit.evidence.source, hit.sentence, entry.family)] = (len(work.found) - 1, hit)
    return True


def _counted_later(
    work: _Work,
    entry: LexiconEntry,
    hit: NoteHit,
    sentences: dict[tuple[str, str, str], tuple[int, NoteHit]],
) -> bool:
    """A service named first without its count ("returns for treatment of actinic
    keratoses") and counted where it is done ("all 16 actinic keratoses destroyed"): the
    count chooses the code (17004, not 17000) and its add-on."""
    family = entry.family
    if not family:
        return False
    pool = work.lexicon.family(family)
    wanted = {e.range.measure for e in pool if e.range is not None}
    values = measures(hit.sentence, wanted) if wanted else {}
    if not values:
        return False
    first = next(
        (
            (index, told)
            for (_, _, key), (index, told) in sentences.items()
            if key == family and work.found[index].entry.family == family
        ),
        None,
    )
    if first is None or measures(first[1].sentence, wanted):
        return False
    sized = [e for e in choose_in_family(pool, values, hit.site) if e.range is not None]
    if len(sized) != 1:
        return False
    if any(f.entry.family == family and f.entry.addon_to for f in work.found):
        return False
    work.found[first[0]] = _from_note(sized[0], hit)
    sentences[(hit.evidence.source, hit.sentence, family)] = (first[0], hit)
    _counted_addon(work, sized[0], hit)
    return True


def _counted_addon(work: _Work, entry: LexiconEntry, hit: NoteHit) -> None:
    """An "each additional" add-on for the further lesions counted (17003, 11103...)."""
    if entry.range is None:
        return
    count = measures(hit.sentence, (entry.range.measure,)).get(entry.range.measure)
    for addon in work.lexicon.family(entry.family):
        fits = addon.range is None or (count is not None and addon.range.holds(count))
        if addon.addon_to == entry.code and addon.units == "added_each" and count and fits:
            work.found.append(_from_note(addon, hit))
            work.found[-1].units = int(count) - 1


def medicare_primary(encounter: Encounter) -> bool:
    """The first coverage is Medicare (by the payer name the hospital sent)."""
    return any(
        f.path == "coverages[0].payer_name" and "medicare" in f.value.lower()
        for f in encounter.printed_demographics
    )


def _extended(entry: LexiconEntry, hit: NoteHit, lexicon: Lexicon) -> LexiconEntry:
    for pattern, code in EXTENDED[entry.code]:
        if pattern.search(hit.paragraph):
            return lexicon.get(code) or entry
    return entry


def _documented_enough(entry: LexiconEntry, hit: NoteHit, lexicon: Lexicon) -> bool:
    """A time-based code needs its minutes written (CPT: the time must be documented), and
    a screening instrument its administration or score."""
    family = lexicon.family(entry.family) if entry.family else (entry,)
    timed = any(e.range is not None and e.range.measure == "min" for e in family)
    if timed and "min" not in measures(hit.sentence + hit.paragraph[:400], ("min",)):
        return False
    if entry.code in SCREENING_INSTRUMENTS:
        return _SCORED.search(hit.sentence) is not None
    return True


def _excision(
    entry: LexiconEntry, hit: NoteHit, encounter: Encounter, lexicon: Lexicon
) -> LexiconEntry | None:
    """A skin excision by the lesion's nature, site and excised diameter (CPT: benign or
    malignant by the diagnosis; the size is the excised diameter, lesion plus margins):
    malignant when the notes name a malignancy that is not only suspected, the diameter
    written as such anywhere in its paragraph, the site from its words or the last lesion
    described before it."""
    family = entry.family
    if family == "excision_benign" and any(
        _MALIGNANT.search(note.text) for note in encounter.notes
    ):
        family = "excision_malignant"
    stated = _EXCISED.search(hit.sentence + hit.paragraph)
    values = measures(stated.group() if stated else hit.sentence, ("cm",))
    site = hit.site or site_before(hit)
    chosen = choose_in_family(lexicon.family(family), values, site)
    return chosen[0] if len(chosen) == 1 else None


def _vaccine_of_the_day(
    entry: LexiconEntry, encounter: Encounter, lexicon: Lexicon
) -> LexiconEntry:
    """The product a vaccine's words name on the date of service and for the patient's age:
    a four-strain flu code after the switch to three-strain vaccines, a vaccine made in
    presentations by age (COVID-19 by maker, hepatitis A and B) by the patient's band."""
    code = entry.code
    if code in TRIVALENT and encounter.date_of_service >= TRIVALENT_SINCE:
        code = TRIVALENT[code]
    if code in BY_AGE:
        age = age_on(encounter.patient.birth_date, encounter.date_of_service)
        code = next(c for youngest, c in BY_AGE[code] if age >= youngest)
    return lexicon.get(code) or entry


def _pneumococcal_named(work: _Work, entry: LexiconEntry, hit: NoteHit) -> None:
    """A pneumococcal vaccine told first in words of no product ("here for his pneumonia
    vaccine") and then by its product ("Prevnar 20"): the product is the one given."""
    if hit.evidence.text.lower() in _GENERIC_PNEUMOCOCCAL:
        return
    for i, found in enumerate(work.found):
        generic = found.evidence.text.lower() in _GENERIC_PNEUMOCOCCAL
        if found.entry.code in PNEUMOCOCCAL_VACCINES and generic and found.entry != entry:
            work.found[i] = _from_note(entry, hit)


def _flu_named(work: _Work, entry: LexiconEntry) -> None:
    """A flu vaccine told again with its product: the product's code replaces the generic."""
    generic = {GENERIC_FLU, TRIVALENT[GENERIC_FLU]}
    for i, found in enumerate(work.found):
        if found.entry.code in generic and entry.code not in generic:
            work.found[i] = Found(entry, found.evidence, found.method, found.rule, found.confidence)


def _flu_product(hit: NoteHit, lexicon: Lexicon) -> LexiconEntry | None:
    words = hit.after
    if hit.parenthetical:  # "Flucelvax (influenza vaccine, ...)": the product before it too
        head = hit.sentence[: hit.hit.start - hit.start]
        words = head[max(0, head.rfind("(") - 30) :] + words
    for pattern, code in FLU_PRODUCTS:
        if pattern.search(words):
            return lexicon.get(code)
    return None


def _note_entry(hit: NoteHit, lexicon: Lexicon) -> LexiconEntry | None:
    """The entry a hit names, sized by the measure its family is chosen by (views,
    lesions, minutes) when the sentence documents one."""
    entries = hit.hit.entries
    pool = lexicon.family(entries[0].family) if entries[0].family else entries
    wanted = {e.range.measure for e in pool if e.range is not None}
    values = measures(hit.sentence, wanted) if wanted else {}
    if len(entries) == 1:
        if not values:
            return entries[0]
        sized = [e for e in choose_in_family(pool, values, hit.site) if e.range is not None]
        measured = any(e.range is not None and e.range.measure in values for e in pool)
        return sized[0] if measured and len(sized) == 1 else entries[0]
    chosen = choose_in_family(pool, values, hit.site)
    chosen = [e for e in chosen if e in entries] or chosen
    return chosen[0] if len(chosen) == 1 else None


def _note_drug(work: _Work, entry: LexiconEntry, hit: NoteHit, given: list[Given]) -> bool:
    """The drug's line and what its administration needs; False when it was not given
    here (oral, topical, home use, no route, a combination's parts) or has no dose."""
    route = hit.route
    if route is None and entry.family == "drug_inhaled" and _NEB_PRODUCT.search(hit.evidence.text):
        route = INHALED  # a nebulizer solution's own name says how it is given
    if route is None or hit.parenthetical or hit.home_use:
        return False
    if entry.family == "fluid" and _CARRIER.search(hit.sentence[: hit.hit.start - hit.start]):
        return False  # "ceftriaxone 1 g in 50 mL normal saline": the drug's diluent
    entry = _strength(entry, hit, work.lexicon)
    found = _from_note(entry, hit)
    if entry.units == "per_dose":
        checked = ProcedureCoding()
        unit = entry.dose.unit if entry.dose is not None else None
        ok = _dose_units(found, _drug_dose_text(hit, unit), 1, checked)
        work.result.edits.extend(checked.edits)
        for reason in checked.reasons:
            if reason.rule == "PROC-DOSE":  # unless the dose is written where it is told again
                work.no_dose.setdefault(entry.code, reason)
            else:
                work.result.reasons.append(reason)
        if not ok:
            return False
        _each_side(found, hit, _drug_dose_text(hit, unit))
        if route == INHALED:
            _treatments(found, hit)
    work.found.append(found)
    joint = _joint_of(hit) if route == "injection" else None
    if joint is not None:
        code = JOINT_INJECTIONS[joint.group(1).lower()]
        if code == "20610" and _GUIDED.search(hit.sentence):
            code = "20611"
        procedure = work.lexicon.get(code)
        if procedure is not None and all(f.entry.code != code for f in work.found):
            work.found.append(_from_note(procedure, hit))
            work.found[-1].laterality = _side_of(hit)
            return True
    # a fluid runs as an infusion whatever route word comes first ("NS 1 L IV infused")
    infused = route == INFUSION or entry.family == "fluid"
    minutes = infusion_minutes(hit) if infused else None
    given.append(Given(route if entry.family != "fluid" else INFUSION, hit.evidence,
                       minutes, hydration=entry.family == "fluid",
                       hormonal=entry.code in HORMONAL_ANTINEOPLASTICS))  # fmt: skip
    return True


# a list item titled by its joint ("Right knee: prepped ...; triamcinolone 40 mg injected")
_TITLED_JOINT = re.compile(
    r"^\W*(?:(left|right|bilateral)\s+)?" + _JOINT.pattern[2:-2] + r"s?\b[^:\n]{0,30}:", re.I
)


def _joint_of(hit: NoteHit) -> re.Match[str] | None:
    """The joint a drug was injected into: named in its sentence, else in the title of
    its line."""
    joint = _JOINT.search(hit.sentence)
    if joint is not None:
        return joint
    titled = _TITLED_JOINT.match(hit.line)
    return _JOINT.search(titled.group()) if titled is not None else None


def _side_of(hit: NoteHit) -> Laterality | None:
    titled = _TITLED_JOINT.match(hit.line)
    return hit.laterality or (laterality_in(titled.group()) if titled is not None else None)


def _another_joint(work: _Work, entry: LexiconEntry, hit: NoteHit) -> bool:
    """The same drug injected again, in a sentence of its own, into another joint or the
    other side ("Right knee: ... triamcinolone 40 mg injected." then "Left knee: ...
    triamcinolone 40 mg injected."): its dose adds to the drug's units (CMS: units of the
    total amount given) and the joint's service is billed for that site too (the same
    joint on both sides once, bilateral). Told again for the same site, it is the same
    injection."""
    if hit.route != INJECTION or hit.laterality == "bilateral":
        return False
    joint = _joint_of(hit)
    drug = next((f for f in work.found if f.entry.code == entry.code), None)
    if joint is None or drug is None:
        return False
    code = JOINT_INJECTIONS[joint.group(1).lower()]
    if code == "20610" and _GUIDED.search(hit.sentence):
        code = "20611"
    earlier = [f for f in work.found if f.entry.code in JOINT_SIZED | {"20611"}]
    if not earlier or drug.evidence.start == hit.evidence.start:
        return False  # the first injection was into no joint: a tendon, a nerve, a muscle
    side = _side_of(hit)
    same = next((f for f in earlier if f.entry.code == code), None)
    if same is not None and (side is None or same.laterality in (None, side, "bilateral")):
        return False
    dose = documented_dose(_drug_dose_text(hit, entry.dose.unit if entry.dose else None))
    units = dose_units(entry, dose) if dose is not None else None
    if units is None:
        return False
    drug.units += units
    if same is not None:
        same.laterality = "bilateral"
    else:
        procedure = work.lexicon.get(code)
        if procedure is not None:
            work.found.append(_from_note(procedure, hit))
            work.found[-1].laterality = side
    work.result.edits.append(
        Edit(rule="UNITS-DOSE", detail=f"{entry.code} x{drug.units}: the doses of each site added")
    )
    return True


# the fluid a drug is diluted in: no fluid of its own (CMS bills no hydration or saline for
# the carrier of a drug infused)
_CARRIER = re.compile(
    r"\b(?:in|into|diluted\s+in|mixed\s+in)\s+\d+(?:[.,]\d+)?\s*(?:ml|cc)\s+(?:of\s+)?$", re.I
)


_TREATMENTS = re.compile(
    r"\b(?P<n>\d|two|three|four)\s+(?:back[- ]to[- ]back\s+)?(?:treatments|nebs|nebulizers|"
    r"nebulizer\s+treatments|doses)\b|\bx\s*(?P<x>[2-4])\b|\b(?P<once>repeated|repeat\s+dose)\b",
    re.I,
)


def _treatments(found: Found, hit: NoteHit) -> None:
    """A nebulized dose given more than once ("2.5 mg by nebulizer, repeated after 20
    minutes (2 treatments)"): the drug is billed by the total amount given (CMS)."""
    told = _TREATMENTS.search(hit.after)
    if told is None:
        return
    if told.group("n"):
        count = int(number(told.group("n")))
    elif told.group("x"):
        count = int(told.group("x"))
    else:
        count = 2
    entry = found.entry
    dose = documented_dose(_drug_dose_text(hit, entry.dose.unit if entry.dose else None))
    if dose is None or count < 2:
        return
    units = dose_units(entry, Dose(dose.amount * min(count, 4), dose.unit))
    if units is not None:
        found.units = units


def _drug_dose_text(hit: NoteHit, unit: str | None) -> str:
    """Where a drug's dose is written: in its own words when a strength's keyword holds it
    ("methylprednisolone acetate 80 mg"), else after or before it (dose_text)."""
    own = documented_dose(hit.evidence.text)
    if own is not None and (unit is None or own.unit == unit):
        return hit.evidence.text
    return dose_text(hit, unit)


def _strength(entry: LexiconEntry, hit: NoteHit, lexicon: Lexicon) -> LexiconEntry:
    """The code of the drug's strength that is the dose given (HCPCS: a drug with a code per
    strength is billed by the code of the amount given); else the drug's own code."""
    if entry.code not in STRENGTHS or entry.dose is None:
        return entry
    dose = documented_dose(_drug_dose_text(hit, entry.dose.unit))
    for code in STRENGTHS[entry.code]:
        other = lexicon.get(code)
        if other is not None and dose is not None and other.dose == dose:
            return other
    return entry


_EACH = re.compile(r"\beach\b|\bper\s+(?:side|knee|joint|shoulder|hip)\b", re.I)


_TOTAL_DOSE = re.compile(
    r"(\d+(?:[.,]\d+)?\s*(?:mg|mcg|g|units?|ml)\b)\s+total\b|"
    r"\btotal\s+(?:dose\s+)?(?:of\s+)?(\d+(?:[.,]\d+)?\s*(?:mg|mcg|g|units?|ml)\b)",
    re.I,
)


def _each_side(found: Found, hit: NoteHit, text: str) -> None:
    """A dose given at more than one site is billed by the total given (CMS: units of the
    amount administered): the total its sentence states ("into each knee (80 mg total)"),
    else twice a dose given on each side of a bilateral service ("40 mg into each knee")."""
    dose = documented_dose(text)
    if dose is None:
        return
    stated = _TOTAL_DOSE.search(hit.sentence)
    total = documented_dose(stated.group(1) or stated.group(2)) if stated else None
    if total is None or total.unit != dose.unit or total.amount <= dose.amount:
        if hit.laterality != "bilateral" or not _EACH.search(hit.sentence):
            return
        total = Dose(dose.amount * 2, dose.unit)
    units = dose_units(found.entry, total)
    if units is not None:
        found.units = units


def _dose_units(found: Found, text: str, quantity: int, result: ProcedureCoding) -> bool:
    """Units from the documented dose (rounded up); a quantity that disagrees goes to
    review. False when no dose in the drug's units is written."""
    dose = documented_dose(text)
    units = dose_units(found.entry, dose) if dose is not None else None
    if units is None:
        if found.method != "provided":
            result.reasons.append(
                ReviewReason(
                    rule="PROC-DOSE",
                    message=f"{found.entry.code} is billed per dose and no dose in its units "
                    "is documented",
                    subject=found.entry.code,
                    candidates=(found.entry.code,),
                )
            )
        return False
    if units != quantity and quantity != 1:
        result.reasons.append(
            ReviewReason(
                rule="PROC-UNITS",
                message=f"{found.entry.code}: the documented dose gives {units} units, the "
                f"quantity says {quantity}",
                subject=found.entry.code,
                candidates=(found.entry.code,),
            )
        )
    elif units != found.units:
        result.edits.append(
            Edit(rule="UNITS-DOSE", detail=f"{found.entry.code} x{units} from the dose documented")
        )
        found.units = units
    return True


# a device's supply billed with its insertion (HCPCS J7296-J7301, J7307): a product named
# without the insertion billed is the device the patient has, not one supplied today
SUPPLY_OF = {"J7307": "11981", "J7298": "58300", "J7297": "58300", "J7296": "58300",
             "J7301": "58300", "J7300": "58300"}  # fmt: skip
_SUPPLIED = {
    "11981": ((re.compile(r"\bnexplanon\b|\betonogestrel\b|\bimplanon\b", re.I), "J7307"),),
    "58300": (
        (re.compile(r"\bmirena\b", re.I), "J7298"),
        (re.compile(r"\bliletta\b", re.I), "J7297"),
        (re.compile(r"\bkyleena\b", re.I), "J7296"),
        (re.compile(r"\bskyla\b", re.I), "J7301"),
        (re.compile(r"\bparagard\b|\bcopper\s+(?:t\s+)?iud\b", re.I), "J7300"),
    ),
}
# CMS pays the screening Pap smear's collection and the screening pelvic and breast exam
# as Q0091 and G0101 (MLN Medicare Preventive Services); other payers include them in the
# preventive visit
MEDICARE_ONLY = frozenset({"Q0091", "G0101"})


def _supplies_and_payer(work: _Work, encounter: Encounter) -> None:
    """The device inserted is supplied with its insertion (its product named in the note);
    a device's product without its insertion, and Medicare's own screening codes for
    another payer, are no lines."""
    codes = {f.entry.code for f in work.found}
    for procedure, products in _SUPPLIED.items():
        inserted = next((f for f in work.found if f.entry.code == procedure), None)
        if inserted is None or codes & {s for s, p in SUPPLY_OF.items() if p == procedure}:
            continue
        text = (
            encounter.notes[int(inserted.evidence.source[6:-1])].text
            if (inserted.evidence.source.startswith("notes["))
            else inserted.evidence.text
        )
        for pattern, code in products:
            entry = work.lexicon.get(code)
            hit = pattern.search(text)
            if entry is not None and hit is not None:
                work.found.append(Found(entry, inserted.evidence, "inferred", "PROC-SUPPLY", 0.8))
                break
    ippe_ecg = work.lexicon.get("G0403")
    if "G0402" in codes and ippe_ecg is not None:
        # the screening ECG of the initial preventive physical examination is G0403
        for i, found in enumerate(work.found):
            if found.entry.code == "93000":
                work.found[i] = Found(ippe_ecg, found.evidence, found.method, found.rule,
                                      found.confidence)  # fmt: skip
    if "G0444" in codes:
        # Medicare's yearly depression screening is the instrument's service (no 96127 too)
        work.found[:] = [f for f in work.found if f.entry.code != "96127"]
    caregiver = work.lexicon.get("96161")
    age = age_on(encounter.patient.birth_date, encounter.date_of_service)
    for i, found in enumerate(work.found):
        if found.entry.code == "96127" and age < 1 and caregiver is not None:
            # an infant's visit: the mother's depression screen is about the caregiver
            work.found[i] = Found(caregiver, found.evidence, found.method, found.rule,
                                  found.confidence)  # fmt: skip
    medicare = medicare_primary(encounter)
    work.found[:] = [
        f
        for f in work.found
        if (f.entry.code not in SUPPLY_OF or SUPPLY_OF[f.entry.code] in codes)
        and (medicare or f.entry.code not in MEDICARE_ONLY)
    ]


def _vaccine_admin(work: _Work, encounter: Encounter) -> None:
    codes = {f.entry.code for f in work.found}
    covid = [f for f in work.found if f.entry.family == "vaccine_covid"]
    given = work.lexicon.get("90480")
    if covid and "90480" not in codes and given is not None:
        # CPT 90480: each COVID-19 vaccine dose's administration, at any age, any payer
        work.found.append(Found(given, covid[0].evidence, "inferred", "ADMIN-90480", 0.8,
                                units=len(covid)))  # fmt: skip
    if (codes - {"90480"}) & VACCINE_ADMIN_CODES or any(
        f.entry.family in VACCINE_ADMIN_FAMILIES for f in work.found
    ):
        return
    vaccines = [
        (f.entry, f.evidence) for f in work.found if f.entry.family in ("vaccine", "vaccine_oral")
    ]
    if vaccines:
        age = age_on(encounter.patient.birth_date, encounter.date_of_service)
        work.found.extend(
            vaccine_administration(
                vaccines,
                age,
                counselled(encounter.notes),
                work.lexicon,
                medicare_primary(encounter),
            )
        )


def _from_note(entry: LexiconEntry, hit: NoteHit) -> Found:
    return Found(entry, hit.evidence, "matched", "PROC-NOTE", NOTE_CONFIDENCE,
                 laterality=hit.laterality, site=hit.site, author=hit.author)  # fmt: skip


def _repeated(hit: NoteHit) -> bool:
    before = hit.sentence[: len(hit.sentence) - len(hit.after)].lower()
    return any(word in before.split() for word in _REPEAT)


def _absorbed(work: _Work, ncci: NcciEdits, encounter: Encounter) -> None:
    """A note's mention that is part of another service found: a panel's component test
    (its result told with the panel) or the nerve block of a procedure (anaesthesia is in
    the surgical package, NCCI Policy Manual ch. II). The PTP pair says which includes
    which; the mention is noted as an edit, not billed."""
    codes = {f.entry.code: f for f in work.found}
    entries = [f.entry for f in work.found]
    keep = []
    for found in work.found:
        if found.rule == "PROC-NOTE" and _part_of(found, codes, ncci, encounter):
            continue
        whole = included_in(found.entry, entries) if found.method != "provided" else None
        if whole is not None:
            work.result.edits.append(
                Edit(rule="PROC-INCLUDED", detail=f"{found.entry.code} is part of {whole.code}")
            )
            continue
        keep.append(found)
    work.found[:] = keep


def _part_of(found: Found, codes: dict[str, Found], ncci: NcciEdits, encounter: Encounter) -> bool:
    code = found.entry.code
    for other, line in codes.items():
        if other == code:
            continue
        edit = ncci.pair(other, code, encounter.date_of_service)
        if edit is None or edit.column1 != other or edit.indicator == "9":
            continue
        lab_panel = code[:1] == "8" and other[:1] == "8"
        block = code in NERVE_BLOCKS and line.entry.global_period
        if lab_panel or block:
            return True
    return False


def _timed_units(work: _Work) -> None:
    """Timed services with documented minutes: units by the CMS 8-minute rule."""
    timed = [f for f in work.found if f.entry.units == "per_15_min" and f.minutes is not None]
    if not timed:
        return
    for found, units in zip(timed, eight_minute_rule([f.minutes or 0 for f in timed]), strict=True):
        found.units = units
        work.result.edits.append(
            Edit(rule="UNITS-TIME", detail=f"{found.entry.code} x{units} for {found.minutes} min")
        )
        if units == 0:
            work.result.reasons.append(
                ReviewReason(
                    rule="UNITS-TIME",
                    message=f"{found.entry.code}: {found.minutes} timed minutes earn no unit "
                    "under the 8-minute rule",
                    subject=found.entry.code,
                )
            )


def _modifiers(work: _Work) -> None:
    """LT/RT/50 by the documented side; 76/77/91 on a repeat of a code already billed."""
    seen: dict[str, Found] = {}
    for found in work.found:
        repeat = "repeat" in found.modifiers
        if repeat:
            found.modifiers.remove("repeat")
        side = laterality_modifier(found.entry, found.laterality)
        if side is not None:
            found.modifiers.append(side)
            work.result.edits.append(
                Edit(
                    rule=f"MOD-{side}",
                    detail=f"{found.entry.code}-{side}: {found.laterality} side documented",
                )
            )
        first = seen.get(found.entry.code)
        if first is not None and (repeat or found.method == "provided") and side == _side(first):
            modifier = repeat_modifier(found.entry.code, first.author, found.author)
            found.modifiers.append(modifier)
            work.result.edits.append(
                Edit(
                    rule=f"MOD-{modifier}",
                    detail=f"{found.entry.code}-{modifier}: repeated on the same day",
                )
            )
        seen.setdefault(found.entry.code, found)


def _side(found: Found) -> str | None:
    return next((m for m in found.modifiers if m in ("LT", "RT", "50")), None)


def _claim_edits(work: _Work, ncci: NcciEdits, encounter: Encounter) -> None:
    for f in work.found:
        if f.units > MAX_UNITS:  # an 837P line holds at most 999 units (SV104)
            work.result.reasons.append(
                ReviewReason(
                    rule="PROC-UNITS",
                    message=f"{f.entry.code}: {f.units} units are more than a claim line holds",
                    subject=f.entry.code,
                    candidates=(f.entry.code,),
                )
            )
            f.units = MAX_UNITS
    # a line without a unit (timed minutes under 8) is no line: UNITS-TIME says why
    work.found[:] = [f for f in work.found if f.units >= 1]
    found = work.found
    if found and len(ncci):
        checks = [check_mue(found, ncci)]
        if len(found) > 1:
            checks.append(check_ptp(found, ncci, encounter.date_of_service))
        for check in checks:
            work.result.reasons.extend(check.reasons)
            work.result.edits.extend(check.edits)
    work.result.lines.extend(
        ServiceLine(
            code=f.entry.code,
            code_system=f.entry.code_system,
            description=f.entry.description,
            modifiers=tuple(f.modifiers),
            units=f.units,
            evidence=f.evidence,
            method=f.method,
            rule=f.rule,
            confidence=f.confidence,
            global_period=f.entry.global_period,
        )
        for f in found
    )


def review_procedures(
    reviewed: Sequence[ReviewedProcedure],
    documented: Sequence[DocumentedProcedure],
    lexicon: Lexicon,
    reviewer: str,
    ncci: NcciEdits | None = None,
    day: date | None = None,
) -> ProcedureCoding:
    """Service lines from a human coder's procedures: codes must be in the lexicon; the
    coder's units and modifiers are taken as decided, and run through the same NCCI PTP
    and MUE edits as the automatic path when `ncci` and the date of service are given."""
    result = ProcedureCoding()
    if ncci is not None and day is not None and len(ncci):
        billed = [BilledLine(p.code, list(p.modifiers), p.units) for p in reviewed]
        for check in (check_ptp(billed, ncci, day), check_mue(billed, ncci)):
            result.reasons.extend(check.reasons)
            result.edits.extend(check.edits)
        reviewed = [
            ReviewedProcedure(p.code, tuple(line.modifiers), p.units)
            for p, line in zip(reviewed, billed, strict=True)
        ]
    for procedure in reviewed:
        entry = lexicon.get(procedure.code)
        if entry is None:
            result.reasons.append(_unknown(procedure.code))
            continue
        evidence = _documented_evidence(procedure.code, documented) or Evidence(
            source="review", text=f"assigned by reviewer {reviewer}"
        )
        result.lines.append(
            ServiceLine(
                code=entry.code,
                code_system=entry.code_system,
                description=entry.description,
                modifiers=procedure.modifiers,
                units=procedure.units,
                evidence=evidence,
                method="reviewed",
                rule="PROC-REVIEWED",
                global_period=entry.global_period,
            )
        )
    return result


def _documented_evidence(code: str, documented: Sequence[DocumentedProcedure]) -> Evidence | None:
    for i, procedure in enumerate(documented):
        if procedure.code is not None and "".join(procedure.code.split()).upper() == code:
            return Evidence(source=f"procedures[{i}]", text=procedure.text)
    return None


def _unknown(code: str) -> ReviewReason:
    return ReviewReason(
        rule="PROC-UNKNOWN",
        message=f"{code} is not in this site's procedure lexicon",
        subject=code,
    )
