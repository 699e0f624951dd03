"""What a note tells that is part of another service, or another sense of a keyword.

A service a note mentions while describing another one is not its own line when the other
service's code includes it (its CPT descriptor or section guideline says so); a keyword
that names two things ("paracentesis" of the eye or the abdomen) is the lexicon's service
only when its sentence is not about the other thing; a delivery by the practice that gave
the prenatal care is the global obstetric package.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .lexicon import LexiconEntry

# a code -> the codes its descriptor includes
INCLUDED: dict[str, frozenset[str]] = {
    # control of anterior nasal hemorrhage: "limited cautery and/or packing, any method"
    "30901": frozenset({"17250"}),
    "30903": frozenset({"17250"}),
    # a wet mount for infectious agents includes KOH preparations (87220 is skin, hair, nails)
    "87210": frozenset({"87220"}),
    # removing the nail and its matrix includes avulsing the nail plate
    "11750": frozenset({"11730"}),
}
# CPT surgical package: local infiltration, metacarpal or digital block or topical
# anaesthesia is part of the procedure it is given for
LOCAL_BLOCKS = frozenset({"64450"})
# CPT drug administration guidelines: starting the IV line is part of the infusion, push,
# injection or hydration code
IV_START = "36000"
ADMINISTRATION = frozenset(
    {"96360", "96361", "96365", "96366", "96367", "96368", "96374", "96375", "96376"}
)
# CPT Musculoskeletal guidelines: the first cast, splint or strapping is part of the
# treatment of the fracture or dislocation
_FRACTURE_CARE = re.compile(r"\b(?:fracture|dislocation)\b", re.I)


def _cast_or_splint(code: str) -> bool:
    return "29000" <= code <= "29799"


def _fracture_care(entry: LexiconEntry) -> bool:
    return (
        entry.code[:1] == "2"
        and not _cast_or_splint(entry.code)
        and _FRACTURE_CARE.search(entry.description) is not None
    )


def included_in(entry: LexiconEntry, others: Collection[LexiconEntry]) -> LexiconEntry | None:
    """The other service found that includes this one, if any."""
    for other in others:
        if other.code == entry.code:
            continue
        if entry.code in INCLUDED.get(other.code, ()):
            return other
        if entry.code == IV_START and other.code in ADMINISTRATION:
            return other
        if _cast_or_splint(entry.code) and _fracture_care(other):
            return other
        if entry.code in LOCAL_BLOCKS and other.global_period:
            return other
    return None


# a keyword's other sense, told by its sentence
OTHER_SENSE: dict[str, re.Pattern[str]] = {
    # a corneal paracentesis is a step of eye surgery, not an abdominal tap
    "49082": re.compile(
        r"\b(?:cornea[l]?|capsul\w*|phaco\w*|anterior\s+chamber|viscoelastic|intraocular|"
        r"lens|eye)\b",
        re.I,
    ),
    # a scope "intubates" the ileum or a duct; an airway intubation names no bowel
    "31500": re.compile(
        r"\b(?:ileum|ileal|ileocecal|cecum|colon|duct|papilla|scope|colonoscop\w*|"
        r"endoscop\w*|cannulat\w*)\b",
        re.I,
    ),
}


# a pulse oximetry reading among the vital signs is part of the visit (CMS bundles 94760)
OTHER_SENSE["94760"] = re.compile(r"\b\d{2,3}\s*%|\bvitals?\b|\bvital\s+signs\b", re.I)
OTHER_SENSE["84443"] = re.compile(
    r"\b(?:tsh\s+receptor|receptor\s+antibod\w*|trab|tsi|thyroid[- ]stimulating\s+immunoglobulin)",
    re.I,
)


# "1 ppd", "smokes 1/2 ppd", "ppd cigarettes": packs per day, not a tuberculin skin test
OTHER_SENSE["86580"] = re.compile(
    r"(?:\b\d+(?:\.\d+)?|\b\d/\d|\bone|\btwo|\bhalf|\bhalf\s+a)\s*-?\s*ppd\b|"
    r"\bppd\s+(?:smoker|cigarettes?|tobacco|x\s*\d)|\bsmok\w*\b[^.;\n]{0,30}\bppd\b",
    re.I,
)


# "point of care hemoglobin A1c" is the A1c (83036), not a hemoglobin level
OTHER_SENSE["85018"] = re.compile(r"\b(?:hemoglobin|hgb)\s*a1c\b", re.I)
# silver nitrate in the nose controls a nosebleed (30901), not granulation tissue
OTHER_SENSE["17250"] = re.compile(
    r"\b(?:epistaxis|nosebleed|nasal|nose|septum|septal|naris)\b", re.I
)


# "paring of the toenails": nails trimmed (CPT 11719), not a corn or callus pared
_NAILS_PARED = re.compile(
    r"\bpar(?:ing|ed)\s+(?:of\s+)?(?:the\s+|all\s+|\d+\s+)?(?:\w+\s+)?(?:toe)?nails?\b|"
    r"\b(?:toe)?nails?\s+(?:were\s+)?pared\b",
    re.I,
)
for _code in ("11055", "11056", "11057"):
    OTHER_SENSE[_code] = _NAILS_PARED


def other_sense(entry: LexiconEntry, sentence: str) -> bool:
    pattern = OTHER_SENSE.get(entry.code)
    return pattern is not None and pattern.search(sentence) is not None


# CPT Maternity Care and Delivery guidelines: antepartum, delivery and postpartum care by
# the same physician or group is the global code
GLOBAL_OBSTETRIC = {"59409": "59400", "59514": "59510", "59612": "59610", "59620": "59618"}
_OUR_PRENATAL_CARE = re.compile(
    r"\b(?:(?:our|this)\s+(?:practice|group|clinic|office)\b[^.\n]{0,60}\bprenatal|"
    r"prenatal\s+care\s+(?:in|at|with|by)\s+(?:our|this|me|us)\b|"
    r"(?:all|each)\s+(?:of\s+)?(?:her\s+)?prenatal\s+(?:care|visits)\s+(?:in|at|with|by)\s+"
    r"(?:our|this|me|us)\b)",
    re.I,
)
_OTHER_PRENATAL_CARE = re.compile(
    r"\bprenatal\s+care\s+(?:was\s+)?(?:provided\s+)?(?:by|at|in|with)\s+(?:the\s+|an?\s+)?"
    r"(?!our\b|this\b|me\b|us\b)\w+|delivering\s+physician\s+only|delivery\s+only\b",
    re.I,
)


def global_obstetric(code: str, texts: Collection[str]) -> str | None:
    """The global package's code for a delivery when the notes say this practice gave the
    prenatal care (and do not say another did)."""
    package = GLOBAL_OBSTETRIC.get(code)
    if package is None:
        return None
    ours = any(_OUR_PRENATAL_CARE.search(text) for text in texts)
    theirs = any(_OTHER_PRENATAL_CARE.search(text) for text in texts)
    return package if ours and not theirs else None
