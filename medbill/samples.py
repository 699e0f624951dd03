"""Synthetic encounter.closed events for demos, benchmarks and tests.

Deterministic: the same (seed, i) always gives the same event, whatever else is generated.
Every diagnosis code in the curated tables is a billable ICD-10-CM leaf (April 2026 set),
codes that exclude each other (Excludes1) share a group and never appear together, and
procedures come only from the lexicon below. A `review` encounter carries one diagnosis a
coder must look at: an unbillable category, an unknown code, or a SNOMED-CT code only.
No real people: names, addresses (555-01xx phones, example.org emails) and ids are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from schemas.encounter import (
    Documentation,
    DocumentedDiagnosis,
    DocumentedProcedure,
    EncounterClosed,
    EncounterClosedData,
)
from schemas.parties import Address, Coverage, Facility, Patient, Provider

SOURCE = "ehr/epic-adt"
KINDS = ("office", "telehealth", "emergency", "preventive", "observation")
_KIND_WEIGHTS = (55, 12, 15, 10, 8)
_POS = {"office": "11", "preventive": "11", "emergency": "23", "observation": "22"}
_FIRST_DAY, _LAST_DAY = date(2026, 10, 1), date(2026, 11, 30)
_DST_ENDS = date(2026, 11, 1)  # US Central: UTC-5 before, UTC-6 from this date

# code -> (code system, text as documented, quantity, minutes)
PROCEDURE_LEXICON: dict[str, tuple[str, str, int, int | None]] = {
    "36415": ("CPT", "Venipuncture for blood draw", 1, None),
    "81002": ("CPT", "Urine dipstick, manual, no microscopy", 1, None),
    "85025": ("CPT", "Complete blood count with automated differential", 1, None),
    "80053": ("CPT", "Comprehensive metabolic panel", 1, None),
    "93000": ("CPT", "12-lead ECG with interpretation and report", 1, None),
    "71046": ("CPT", "Chest x-ray, 2 views", 1, None),
    "73610": ("CPT", "Ankle x-ray, 3 views", 1, None),
    "73110": ("CPT", "Wrist x-ray, 3 views", 1, None),
    "12001": ("CPT", "Simple repair of hand laceration, 2.5 cm", 1, None),
    "10060": ("CPT", "Incision and drainage of abscess, simple", 1, None),
    "11102": ("CPT", "Tangential biopsy of skin, single lesion", 1, None),
    "17110": ("CPT", "Cryotherapy destruction of 4 warts", 1, None),
    "20610": ("CPT", "Arthrocentesis with injection, knee", 1, None),
    "29125": ("CPT", "Short arm splint, static", 1, None),
    "90471": ("CPT", "Immunization administration, one vaccine", 1, None),
    "90686": ("CPT", "Influenza vaccine, preservative free, 0.5 mL IM", 1, None),
    "96372": ("CPT", "Therapeutic injection, intramuscular", 1, None),
    "94640": ("CPT", "Nebulizer treatment for airway obstruction", 1, None),
    "87880": ("CPT", "Rapid strep antigen test", 1, None),
    "87804": ("CPT", "Rapid influenza antigen test", 1, None),
    "99406": ("CPT", "Tobacco cessation counseling, 8 minutes", 1, 8),
    "69210": ("CPT", "Removal of impacted cerumen with instruments", 1, None),
    "J1885": ("HCPCS", "Ketorolac 30 mg IM", 2, None),
    "J3301": ("HCPCS", "Triamcinolone acetonide 40 mg", 4, None),
    "J7613": ("HCPCS", "Albuterol 2.5 mg unit dose via nebulizer", 3, None),
    "A4565": ("HCPCS", "Arm sling", 1, None),
}
LATERAL_PROCEDURES = frozenset({"73610", "73110", "20610", "29125", "69210"})
_REMOTE_PROCEDURES = frozenset({"99406"})


@dataclass(frozen=True)
class _Dx:
    code: str
    text: str
    group: str
    min_age: int = 0


# Chronic conditions that may accompany a visit (one per group, from min_age years).
_CHRONIC = (
    _Dx("I10", "Essential hypertension", "htn", 30),
    _Dx("E11.9", "Type 2 diabetes, well controlled on metformin", "dm", 35),
    _Dx("E11.65", "Type 2 diabetes with hyperglycemia, A1c 8.9", "dm", 35),
    _Dx("R73.03", "Prediabetes", "dm", 30),
    _Dx("E78.5", "Hyperlipidemia", "lipid", 30),
    _Dx("E78.00", "Pure hypercholesterolemia", "lipid", 30),
    _Dx("E03.9", "Hypothyroidism on levothyroxine", "thyroid", 25),
    _Dx("E66.9", "Obesity", "weight", 18),
    _Dx("K21.9", "Gastroesophageal reflux disease", "gerd", 18),
    _Dx("F41.1", "Generalized anxiety disorder", "anxiety", 18),
    _Dx("F32.A", "Depression, unspecified", "depression", 18),
    _Dx("J45.909", "Mild asthma, well controlled", "asthma", 5),
    _Dx("I48.91", "Atrial fibrillation, rate controlled", "afib", 55),
    _Dx("I25.10", "Coronary artery disease, no angina", "cad", 50),
    _Dx("D64.9", "Anemia", "anemia", 18),
    _Dx("G47.33", "Obstructive sleep apnea on CPAP", "osa", 30),
    _Dx("F17.210", "Cigarette smoker, 1 pack per day", "tobacco", 18),
)
_FLU_SHOT = _Dx("Z23", "Flu vaccine given today", "immunization")


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


def _sc(name, kinds, variants, procedures, min_age=0, max_age=120, avoid=(), comorbid=True):
    kind_set, avoid_set = frozenset(kinds.split()), frozenset(avoid)
    return _Scenario(name, kind_set, tuple(variants), tuple(procedures), min_age, max_age,
                     avoid_set, comorbid)  # fmt: skip


def _one(code: str, text: str, group: str) -> tuple[tuple[None, tuple[_Dx, ...]], ...]:
    return ((None, (_Dx(code, text, group),)),)


def _sided(group: str, *sides: tuple[str, str, str]):
    return tuple((side, (_Dx(code, text, group),)) for side, code, text in sides)


# fmt: off
_SCENARIOS = (
    _sc("uri", "office telehealth", _one("J06.9", "Viral upper respiratory infection", "resp"),
        [((), "Supportive care with fluids, rest and saline rinses; return if fever lasts.")]),
    _sc("strep", "office", _one("J02.0", "Strep throat, rapid strep positive", "resp"),
        [(("87880",), "Amoxicillin 500 mg twice daily for 10 days; return if unable to swallow.")]),
    _sc("pharyngitis", "office", _one("J02.9", "Acute pharyngitis, rapid strep negative", "resp"),
        [(("87880",), "Throat culture sent. Salt water gargles and ibuprofen as needed.")]),
    _sc("influenza", "office emergency", _one("J10.1", "Influenza A with cough and fever", "resp"),
        [(("87804",), "Rapid flu A positive. Oseltamivir 75 mg twice daily for 5 days, fluids.")]),
    _sc("bronchitis", "office telehealth", _one("J20.9", "Acute bronchitis", "resp"),
        [((), "Supportive care, honey for cough, albuterol inhaler as needed for wheeze."),
         (("71046",), "Chest x-ray clear. Supportive care and albuterol inhaler as needed.")]),
    _sc("sinusitis", "office telehealth", _one("J01.90", "Acute sinusitis", "resp"),
        [((), "Amoxicillin-clavulanate for 7 days, saline irrigation, recheck if no better.")]),
    _sc("covid", "office telehealth", _one("U07.1", "COVID-19, home antigen test positive", "resp"),
        [((), "Isolation guidance given, antiviral discussed and declined, return precautions.")]),
    _sc("uti", "office telehealth emergency", _one("N39.0", "Urinary tract infection", "uti"),
        [(("81002",), "Dipstick positive for nitrites. Nitrofurantoin 100 mg twice daily, 5 days."),
         ((), "Nitrofurantoin 100 mg twice daily for 5 days; urine culture if no better.")],
        min_age=12),
    _sc("asthma", "office emergency observation",
        _one("J45.901", "Asthma exacerbation with wheezing", "asthma"),
        [(("94640", "J7613"), "Nebulized albuterol with good response. Prednisone for 5 days.")],
        min_age=5, max_age=70),
    _sc("ankle", "office emergency",
        _sided("ankle", ("right", "S93.401A", "Right ankle sprain"),
               ("left", "S93.402A", "Left ankle sprain")),
        [(("73610",), "X-ray negative for fracture. Rest, ice, compression, elevation; brace.")]),
    _sc("wrist", "emergency office",
        _sided("wrist", ("right", "S52.501A", "Closed fracture of distal right radius"),
               ("left", "S52.502A", "Closed fracture of distal left radius")),
        [(("73110", "29125", "A4565"), "Short arm splint and sling. Orthopedics in 1 week.")]),
    _sc("laceration", "emergency office",
        _sided("laceration", ("right", "S61.411A", "Laceration of right hand, 2.5 cm"),
               ("left", "S61.412A", "Laceration of left hand, 2.5 cm")),
        [(("12001",), "Wound irrigated and closed with sutures. Suture removal in 10 days.")]),
    _sc("abscess", "office emergency",
        _sided("abscess", ("right", "L02.411", "Abscess of right axilla"),
               ("left", "L02.412", "Abscess of left axilla")),
        [(("10060",), "Incision and drainage, packing placed. Warm compresses, recheck 2 days.")],
        min_age=12),
    _sc("warts", "office", _one("B07.8", "Common warts on fingers", "warts"),
        [(("17110",), "Cryotherapy to 4 lesions. Repeat in 3 weeks if needed.")]),
    _sc("lesion", "office", _one("D49.2", "Changing pigmented lesion of the back", "lesion"),
        [(("11102",), "Tangential biopsy sent to pathology; results in 1 week.")], min_age=25),
    _sc("knee", "office",
        _sided("knee", ("right", "M17.11", "Right knee osteoarthritis"),
               ("left", "M17.12", "Left knee osteoarthritis")),
        [(("20610", "J3301"), "Steroid injection of the knee. Quadriceps strengthening.")],
        min_age=45),
    _sc("back", "office emergency", _one("M54.50", "Acute low back pain after lifting", "back"),
        [(("96372", "J1885"), "Ketorolac 30 mg IM given. Heat, stretching, naproxen for 5 days."),
         ((), "Heat, stretching, naproxen for 5 days; physical therapy if no better in 4 weeks.")],
        min_age=18),
    _sc("cerumen", "office",
        _sided("cerumen", ("right", "H61.21", "Impacted cerumen, right ear"),
               ("left", "H61.22", "Impacted cerumen, left ear"),
               ("bilateral", "H61.23", "Impacted cerumen, both ears")),
        [(("69210",), "Cerumen removed with curette; canal and drum normal afterward.")]),
    _sc("tobacco", "office telehealth",
        _one("F17.210", "Cigarette smoker, 1 pack per day", "tobacco"),
        [(("99406",), "Counseled on quitting for 8 minutes; nicotine patch, quit date set.")],
        min_age=18),
    _sc("anemia", "office", _one("D64.9", "Anemia with fatigue", "anemia"),
        [(("36415", "85025"), "Blood count drawn today; iron studies next.")], min_age=18),
    _sc("afib", "office", _one("I48.91", "Atrial fibrillation, rate controlled", "afib"),
        [(("93000",), "ECG shows rate-controlled atrial fibrillation. Continue apixaban.")],
        min_age=55),
    _sc("chronic", "office telehealth", (),
        [(("36415", "80053", "85025"), "Chronic conditions stable. Labs drawn, recheck 3 months."),
         (("36415", "80053"), "Chronic conditions stable; metabolic panel today."),
         ((), "Chronic conditions stable on current medications; recheck in 3 months.")],
        min_age=35),
    _sc("chest", "emergency observation",
        ((None, (_Dx("R07.9", "Chest pain", "chest"),)),
         (None, (_Dx("R07.89", "Atypical chest pain, pleuritic", "chest"),))),
        [(("93000", "71046", "36415"),
          "ECG and troponin unremarkable, chest x-ray clear. Cardiology clinic in 1 week.")],
        min_age=30, avoid=("cad",)),
    _sc("abdomen", "emergency observation",
        ((None, (_Dx("R10.31", "Right lower quadrant abdominal pain", "abdomen"),)),
         (None, (_Dx("R10.9", "Abdominal pain", "abdomen"),))),
        [(("36415", "85025", "80053"),
          "Blood count and metabolic panel normal; appendicitis unlikely. Bland diet.")],
        min_age=5),
    _sc("syncope", "emergency observation", _one("R55", "Syncope", "syncope"),
        [(("93000", "36415", "85025"), "Orthostatic vitals positive; IV fluids. ECG normal.")],
        min_age=12),
    _sc("migraine", "emergency", _one("G43.909", "Migraine headache", "headache"),
        [(("96372", "J1885"), "Ketorolac 30 mg IM with relief. Dark room, sumatriptan.")],
        min_age=12),
    _sc("pneumonia", "emergency observation", _one("J18.9", "Community acquired pneumonia", "resp"),
        [(("71046", "36415", "85025"), "Chest x-ray with right lower lobe infiltrate. Oral "
          "antibiotics started.")], min_age=5),
    _sc("gastro", "emergency office", _one("A08.4", "Viral gastroenteritis", "gastro"),
        [((), "Oral rehydration tolerated; ondansetron for nausea. Return if unable to drink."),
         (("36415", "80053"), "Electrolytes normal. Oral rehydration tolerated; ondansetron.")]),
    _sc("dizziness", "emergency observation", _one("R42", "Dizziness", "dizziness"),
        [(("93000", "36415", "80053"), "Neuro exam nonfocal, ECG and labs normal. Vestibular "
          "exercises taught.")], min_age=18),
    _sc("adult-physical", "preventive",
        ((None, (_Dx("Z00.00", "Annual physical exam, no new findings", "preventive"),)),
         (None, (_Dx("Z00.01", "Annual physical exam with abnormal findings", "preventive"),
                 _Dx("I10", "Elevated blood pressure on repeat, new hypertension", "htn")))),
        [(("36415", "80053", "85025"), "Age-appropriate screening discussed; fasting labs drawn."),
         (("90471", "90686"), "Age-appropriate screening discussed; flu vaccine today."),
         ((), "Age-appropriate screening discussed; diet and exercise counseling.")],
        min_age=18),
    _sc("child-physical", "preventive",
        _one("Z00.129", "Well child check, growth and development normal", "preventive"),
        [(("90471", "90686"), "Anticipatory guidance given; flu vaccine today."),
         ((), "Anticipatory guidance given; vaccines up to date.")],
        max_age=17, comorbid=False),
)
# fmt: on

# Documented MDM levels that fit each problem (AMA 2021 MDM table: problems, data, risk).
# fmt: off
_MDM = {name: tuple(levels.split()) for name, levels in {
    "uri": "straightforward low", "strep": "low", "pharyngitis": "low",
    "influenza": "low moderate", "bronchitis": "low moderate", "sinusitis": "low",
    "covid": "low moderate", "uti": "low moderate", "asthma": "moderate high",
    "ankle": "low moderate", "wrist": "moderate", "laceration": "straightforward low",
    "abscess": "low moderate", "warts": "straightforward low", "lesion": "low",
    "knee": "low moderate", "back": "low moderate", "cerumen": "straightforward low",
    "tobacco": "straightforward low", "anemia": "low moderate", "afib": "moderate",
    "chronic": "low moderate high", "chest": "moderate high", "abdomen": "moderate high",
    "syncope": "moderate high", "migraine": "moderate", "pneumonia": "moderate high",
    "gastro": "low moderate", "dizziness": "moderate",
}.items()}
# Flu vaccine is deferred during an acute febrile or infectious illness.
_NO_FLU_SHOT = {"uri", "strep", "pharyngitis", "influenza", "bronchitis", "sinusitis", "covid",
                "uti", "asthma", "pneumonia", "gastro", "abscess"}
# fmt: on

# (code, code system, text, group it replaces): what makes an encounter need a human coder.
REVIEW_DIAGNOSES = (
    ("E11", "ICD-10-CM", "Type 2 diabetes mellitus", "dm"),  # category, not billable
    ("I50", "ICD-10-CM", "Heart failure", "htn"),  # category; with hypertension it is I11.0
    ("Z99.999", "ICD-10-CM", "Home oxygen dependence", "oxygen"),  # no such code
    ("38341003", "SNOMED-CT", "Hypertensive disorder", "htn"),  # no ICD-10-CM code given
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

_FEMALE = "Ana Maria Grace Olivia Sofia Emma Lena Ruth Nora Priya Mei Aisha Claire Hannah Irene"
_MALE = "Ben Jamal Luis Omar Noah Ethan Samuel Daniel Victor Hiro Kwame Mateo Felix Arjun Tomas"
_LAST = (
    "Lopez Smith Nguyen Patel Okafor Kim Garcia Johnson Brown Rossi Novak Cohen Silva Ahmed "
    "Walker Martin Young Rivera Chen Larsen Murphy Haddad Ito Kowalski Mensah Duarte Reyes Ward"
)
_STREETS = ("Elm", "Oak", "Maple", "Cedar", "Walnut", "Prairie", "Monroe", "Laurel", "Willow")
_CITIES = (
    ("Springfield", "IL", "62704"), ("Springfield", "IL", "62702"), ("Chatham", "IL", "62629"),
    ("Rochester", "IL", "62563"), ("Sherman", "IL", "62684"), ("Decatur", "IL", "62521"),
    ("Jacksonville", "IL", "62650"), ("Taylorville", "IL", "62568"), ("Lincoln", "IL", "62656"),
    ("Hannibal", "MO", "63401"), ("Terre Haute", "IN", "47802"),
)  # fmt: skip

# payer id, payer name, member id prefix, digits
_COMMERCIAL = (
    ("60054", "Aetna", "W", 9),
    ("87726", "UnitedHealthcare", "", 9),
    ("62308", "Cigna", "U", 8),
    ("00621", "Blue Cross Blue Shield of Illinois", "XOF", 9),
)
_MEDICARE = ("00431", "Medicare Part B")
_MEDIGAP = ("36273", "AARP Medicare Supplement")


def npi_with_check_digit(base9: str) -> str:
    """Append the NPI check digit: Luhn over the 9 digits prefixed with 80840 (CMS NPI rule)."""
    total = 0
    for k, ch in enumerate(reversed("80840" + base9)):
        d = int(ch) * (2 if k % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return base9 + str((10 - total % 10) % 10)


_CLINIC = Address(line1="1200 Prairie Avenue", line2="Suite 200", city="Springfield",
                  state="IL", postal_code="62704")  # fmt: skip
_HOSPITAL = Address(line1="800 Capitol Drive", city="Springfield", state="IL", postal_code="62702")


def _provider(base9: str, name: str, taxonomy: str, tin: str | None = None, address=None):
    return Provider(npi=npi_with_check_digit(base9), name=name, taxonomy=taxonomy, tin=tin,
                    address=address)  # fmt: skip


_FAMILY_DOCS = (
    _provider("124300871", "Jordan Reyes MD", "207Q00000X"),
    _provider("153209944", "Alicia Brennan DO", "207Q00000X"),
    _provider("161827350", "Marcus Oyelaran MD", "207R00000X"),
    _provider("179403218", "Dana Whitfield NP", "363LF0000X"),
)
_PEDIATRICIAN = _provider("186254407", "Helen Sato MD", "208000000X")
_ED_DOCS = (
    _provider("134902716", "Victor Lindqvist MD", "207P00000X"),
    _provider("145521093", "Rosa Delgado MD", "207P00000X"),
)
_HOSPITALIST = _provider("192036584", "Imani Carter MD", "208M00000X")
_BILLING = {
    "clinic": _provider("138876120", "Prairie Family Physicians", "261QP2300X", "371458203",
                        _CLINIC),
    "emergency": _provider("147720985", "Capitol Emergency Physicians", "207P00000X",
                           "371902644", _HOSPITAL),
    "observation": _provider("156631470", "Capitol Hospitalist Group", "208M00000X",
                             "372210953", _HOSPITAL),
}  # fmt: skip
_FACILITIES = {
    "clinic": Facility(facility_id="FAC-CLINIC", name="Prairie Family Physicians",
                       npi=npi_with_check_digit("138876120"), address=_CLINIC),
    "hospital": Facility(facility_id="FAC-CAPITOL", name="Capitol Regional Center",
                         npi=npi_with_check_digit("167740326"), address=_HOSPITAL),
}  # fmt: skip


def _patient(seed: int, p: int) -> Patient:
    rng = random.Random(f"patient:{seed}:{p}")
    sex = rng.choice("FM")
    first = rng.choice((_FEMALE if sex == "F" else _MALE).split())
    last = rng.choice(_LAST.split())
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


def _build(seed: int, i: int, kind: str | None, review: bool, self_pay: bool, occurred_at):
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
        and scenario.name not in _NO_FLU_SHOT
        and len(codes) <= 1
        and "90686" not in codes
    )
    if flu_shot_due and rng.random() < 0.25:
        codes, plan = (*codes, "90471", "90686"), plan + " Flu vaccine given."
    if "90686" in codes:
        chosen.append(_FLU_SHOT)
    if review:
        code, system, text, group = rng.choice(REVIEW_DIAGNOSES)
        chosen = [dx for dx in chosen if dx.group != group][:3]
    diagnoses = [
        DocumentedDiagnosis(text=dx.text, code=dx.code, code_system="ICD-10-CM", rank=n)
        for n, dx in enumerate(chosen, 1)
    ]
    if review:
        diagnoses.append(DocumentedDiagnosis(
            text=text, code=code, code_system=system, rank=len(diagnoses) + 1))  # fmt: skip
    status = "established" if p < i or rng.random() < 0.6 else "new"
    minutes, mdm = _documented_effort(rng, kind, status, _MDM.get(scenario.name, ("low",)))
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
) -> EncounterClosed:
    """The i-th synthetic encounter.closed event for `seed`.

    `kind` picks the encounter type (one of KINDS; random when None). `review` and
    `self_pay` force those traits; when None they are drawn with shares 5 % and 25 %.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    drawn_review, drawn_self_pay = _flags(seed, i, 0.05, 0.25)
    return _build(
        seed, i, kind,
        drawn_review if review is None else review,
        drawn_self_pay if self_pay is None else self_pay,
        occurred_at,
    )  # fmt: skip


def sample_encounters(
    n: int, *, seed: int = 0, review_share: float = 0.05, self_pay_share: float = 0.25
) -> list[EncounterClosed]:
    """n varied encounters: about `review_share` need a coder, `self_pay_share` are uninsured."""
    return [
        _build(seed, i, None, *_flags(seed, i, review_share, self_pay_share), None)
        for i in range(n)
    ]
