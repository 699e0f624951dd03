"""Words written once for two codes, and the drug an adverse effect names.

- Coordinated kinds and sites (the Alphabetic Index reads each): "acute hypoxic and
  hypercapnic respiratory failure" is respiratory failure with hypoxia and with
  hypercapnia (J96.01 and J96.02: no code names both); "metastases to bone and brain",
  "liver and lung metastases" are a secondary neoplasm of each site (C79.51, C79.31).
- The Table of Drugs and Chemicals (I.C.19.e.5.a): an adverse effect of a drug taken as
  prescribed is coded by the drug's class, so the unspecified drug's code (T50.905-,
  T88.7) whose sentence names the drug is that class's adverse-effect code (HCTZ:
  T50.2X5-), the 7th character kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .guidelines_context import sentence_at
from .guidelines_findings import Finding
from .icd10cm import CodeSet

_FAILURE_KINDS = {"hypox": "1", "hypoxic": "1", "hypoxemic": "1", "hypoxia": "1",
                  "hypoxemia": "1", "hypercapnic": "2", "hypercarbic": "2",
                  "hypercapnia": "2", "hypercarbia": "2"}  # fmt: skip
_KIND = r"(hypox(?:ic|emic|ia|emia)|hypercap(?:nic|nia)|hypercarb(?:ic|ia))"
# "acute on chronic hypoxic and hypercapnic respiratory failure": the acuity before the
# first kind is the failure's, and the first kind is a second code
_KIND_BEFORE = re.compile(
    r"(acute[\s-]+on[\s-]+chronic|chronic|acute)?\s*" + _KIND + r"\s*(?:and|&|/|,)\s*$",
    re.IGNORECASE,
)
_ACUITY = {"acute": "0", "chronic": "1"}
_KIND_AFTER = re.compile(r"\s*(?:and|&|/|,)\s*" + _KIND + r"\b", re.IGNORECASE)

# a secondary neoplasm's sites, as a coder looks them up (Neoplasm Table, Secondary)
_SECONDARY_SITES: Mapping[str, str] = {
    **dict.fromkeys(("bone", "bones", "spine", "skeleton", "skeletal"), "C79.51"),
    **dict.fromkeys(("brain", "cerebral"), "C79.31"),
    **dict.fromkeys(("liver", "hepatic"), "C78.7"),
    **dict.fromkeys(("lung", "lungs", "pulmonary"), "C78.00"),
    **dict.fromkeys(("pleura", "pleural"), "C78.2"),
    **dict.fromkeys(("peritoneum", "peritoneal"), "C78.6"),
    **dict.fromkeys(("adrenal", "adrenals"), "C79.70"),
    **dict.fromkeys(("skin",), "C79.2"),
    **dict.fromkeys(("nodes", "lymph nodes", "nodal"), "C77.9"),
}
_SITE = (
    r"(bones?|spine|skeleton|skeletal|brain|cerebral|liver|hepatic|lungs?|pulmonary|"
    r"pleura|pleural|peritoneum|peritoneal|adrenals?|skin|lymph nodes|nodes|nodal)"
)
# "to bone, liver and brain": a comma's site counts only in a list an "and" closes
# ("liver metastases, lungs clear" names no lung metastasis)
_SITES_AFTER = re.compile(
    r"(?:\s*\([^()\n]{0,60}\))?((?:\s*,\s*" + _SITE + r"\b(?:\s*\([^()\n]{0,60}\))?)*)"
    r"\s*(?:,\s*)?(?:and|&|/)\s*" + _SITE + r"\b",
    re.IGNORECASE,
)
_SITE_WORD = re.compile(_SITE + r"\b", re.IGNORECASE)
_SITES_BEFORE = re.compile(_SITE + r"\s*(?:and|&|/)\s*$", re.IGNORECASE)

# the Table of Drugs and Chemicals, adverse effect column, for drugs notes name most
_DRUG_CLASSES: Mapping[str, str] = {
    **dict.fromkeys(("hydrochlorothiazide", "hctz", "chlorthalidone", "thiazide",
                     "thiazides", "indapamide", "metolazone", "acetazolamide"), "T50.2X5"),
    **dict.fromkeys(("spironolactone", "eplerenone"), "T50.0X5"),
    **dict.fromkeys(("furosemide", "lasix", "torsemide", "bumetanide"), "T50.1X5"),
    **dict.fromkeys(("lisinopril", "enalapril", "ramipril", "benazepril", "captopril",
                     "ace inhibitor"), "T46.4X5"),
    **dict.fromkeys(("losartan", "valsartan", "irbesartan", "olmesartan", "hydralazine",
                     "clonidine"), "T46.5X5"),
    **dict.fromkeys(("amlodipine", "diltiazem", "verapamil", "nifedipine"), "T46.1X5"),
    **dict.fromkeys(("metoprolol", "carvedilol", "atenolol", "propranolol",
                     "beta blocker"), "T44.7X5"),
    **dict.fromkeys(("warfarin", "coumadin", "heparin", "enoxaparin", "apixaban",
                     "rivaroxaban", "dabigatran", "eliquis", "xarelto"), "T45.515"),
    **dict.fromkeys(("clopidogrel", "ticagrelor", "prasugrel"), "T45.525"),
    **dict.fromkeys(("aspirin",), "T39.015"),
    **dict.fromkeys(("ibuprofen", "naproxen", "ketoprofen"), "T39.315"),  # propionic acid
    **dict.fromkeys(("meloxicam", "diclofenac", "ketorolac", "celecoxib", "nsaid",
                     "nsaids"), "T39.395"),
    **dict.fromkeys(("oxycodone", "hydrocodone", "morphine", "hydromorphone",
                     "opioid", "opioids", "opiate", "opiates"), "T40.2X5"),
    **dict.fromkeys(("tramadol",), "T40.425"),  # its own code since FY2023
    **dict.fromkeys(("amoxicillin", "penicillin", "augmentin", "ampicillin"), "T36.0X5"),
    **dict.fromkeys(("cephalexin", "cefazolin", "ceftriaxone", "cefdinir",
                     "cefuroxime"), "T36.1X5"),
    **dict.fromkeys(("sulfamethoxazole", "bactrim", "tmp smx"), "T37.0X5"),
    **dict.fromkeys(("ciprofloxacin", "levofloxacin", "vancomycin", "clindamycin"),
                    "T36.8X5"),
    **dict.fromkeys(("doxycycline", "minocycline", "tetracycline"), "T36.4X5"),
    **dict.fromkeys(("azithromycin", "clarithromycin", "erythromycin"), "T36.3X5"),
    **dict.fromkeys(("prednisone", "prednisolone", "methylprednisolone", "dexamethasone",
                     "steroid", "steroids", "corticosteroid", "corticosteroids"), "T38.0X5"),
    **dict.fromkeys(("insulin", "metformin", "glipizide", "glyburide", "glimepiride"),
                    "T38.3X5"),
    **dict.fromkeys(("sertraline", "fluoxetine", "citalopram", "escitalopram",
                     "paroxetine", "ssri"), "T43.225"),
    **dict.fromkeys(("digoxin",), "T46.0X5"),
    **dict.fromkeys(("levothyroxine",), "T38.1X5"),
    **dict.fromkeys(("atorvastatin", "simvastatin", "rosuvastatin", "pravastatin",
                     "statin"), "T46.6X5"),
    **dict.fromkeys(("chemotherapy", "methotrexate", "cisplatin", "carboplatin",
                     "tacrolimus", "cyclosporine"), "T45.1X5"),
    **dict.fromkeys(("lorazepam", "alprazolam", "diazepam", "clonazepam",
                     "benzodiazepine"), "T42.4X5"),
    **dict.fromkeys(("phenytoin",), "T42.0X5"),
}  # fmt: skip
_DRUG = re.compile(
    r"\b("
    + "|".join(sorted((re.escape(d) for d in _DRUG_CLASSES), key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_UNSPECIFIED_DRUG = ("T50.905", "T50.995", "T88.7")
# a drug's other stories are their own codes (poisoning, underdosing: I.C.19.e.5.b-c)
_NOT_AS_PRESCRIBED = re.compile(
    r"overdose|poisoning|ingest|intentional|suicid|underdos|too much|ran out|missed", re.I
)


# Z17 "use one code, as available, for each receptor": ER, PR and HER2 as written beside
# the breast cancer ("ER+/PR+/HER2-negative", "ER/PR positive", "estrogen receptor
# negative"); the combined codes (Z17.41-, Z17.42-) only where no single receptor is said
_RECEPTORS = re.compile(
    r"\b(ER\s*/\s*PR|ER and PR|ER|PR|PgR|HER2(?:/neu)?|HER-2(?:/neu)?|(?i:estrogen receptor)"
    r"|(?i:progesterone receptor))\s*(?:[-:]\s*)?((?i:\+|-|positive|negative|pos\b|neg\b))"
    r"(?![\w+])"
)
_RECEPTOR_CODES = {"er": ("Z17.0", "Z17.1"), "estrogen receptor": ("Z17.0", "Z17.1"),
                   "pr": ("Z17.21", "Z17.22"), "pgr": ("Z17.21", "Z17.22"),
                   "progesterone receptor": ("Z17.21", "Z17.22"),
                   "her2": ("Z17.31", "Z17.32")}  # fmt: skip
_NEOPLASM_WITH_RECEPTORS = ("C50", "D05", "C56")


def receptor_status(
    findings: Sequence[Finding], texts: Mapping[str, str], code_set: CodeSet
) -> list[Finding]:
    """The Z17 note (FY2026): one code for each receptor the breast (or ovarian) cancer's
    lines state, in place of a combined code those receptors say again."""
    cancer = next((f for f in findings if f.code.startswith(_NEOPLASM_WITH_RECEPTORS)), None)
    if cancer is None:
        return list(findings)
    said: dict[str, set[str]] = {}
    for text in texts.values():
        if "breast" not in text.lower() and "ovar" not in text.lower():
            continue
        for match in _RECEPTORS.finditer(text):
            name = " ".join(match.group(1).lower().replace("-", "").split())
            name = name.replace("/neu", "")
            status = 0 if match.group(2).lower() in {"+", "positive", "pos"} else 1
            both = name.startswith("er ") or name.startswith("er/")
            for one in ("er", "pr") if both else (name,):
                said.setdefault(_RECEPTOR_CODES[one][status], set()).add(one)
    if not said:
        return list(findings)
    # a receptor said both ways (a change over time) is left to the words' own codes
    codes = {c for c in said if _RECEPTOR_PAIR.get(c) not in said}
    hormone = {c for c in codes if c[:5] in {"Z17.0", "Z17.1", "Z17.2"}}
    if not hormone:
        her2 = {c for c in codes if c.startswith("Z17.3")}
        if len(her2) != 1:
            return list(findings)
        # "hormone receptor positive, HER2 negative": the combined code by the HER2 status
        digit = "0" if her2 == {"Z17.31"} else "1"
        return [
            f.becoming(f"{f.code[:6]}{digit}", "GL-RECEPTOR-STATUS")
            if f.code[:6] in {"Z17.41", "Z17.42"} and f.code[6:] != digit
            else f
            for f in findings
        ]
    have = {f.code for f in findings}
    result = [f for f in findings if not f.code.startswith("Z17.4")]
    for code in sorted(codes - have):
        if code_set.lookup(code).billable:
            result.append(replace(cancer.becoming(code, "GL-RECEPTOR-STATUS"), method="inferred"))
    return result


_RECEPTOR_PAIR = {"Z17.0": "Z17.1", "Z17.1": "Z17.0", "Z17.21": "Z17.22", "Z17.22": "Z17.21",
                  "Z17.31": "Z17.32", "Z17.32": "Z17.31"}  # fmt: skip


# a sprain named alone ("Sprain, mild, right wrist") is the sprain of the joint its
# sentence names (Index: Sprain, by site): code base, then right / left / unspecified
_SPRAIN_SITES: Mapping[str, tuple[str, str, str, str]] = {
    "wrist": ("S63.50", "1", "2", "9"), "ankle": ("S93.40", "1", "2", "9"),
    "knee": ("S83.9", "1X", "2X", "0X"), "shoulder": ("S43.40", "1", "2", "9"),
    "elbow": ("S53.40", "1", "2", "9"), "hip": ("S73.10", "1", "2", "9"),
    "foot": ("S93.60", "1", "2", "9"), "neck": ("S13.4", "XX", "XX", "XX"),
    "cervical": ("S13.4", "XX", "XX", "XX"), "lumbar": ("S33.5", "XX", "XX", "XX"),
    "thoracic": ("S23.3", "XX", "XX", "XX"),
}  # fmt: skip
_SPRAIN_SITE = re.compile(r"\b(" + "|".join(_SPRAIN_SITES) + r")\b", re.IGNORECASE)
_SIDE = re.compile(r"\b(right|left|rt|lt)\b", re.IGNORECASE)


def _sprain_of_the_sentence(
    finding: Finding, texts: Mapping[str, str], code_set: CodeSet
) -> Finding:
    words = finding.evidence.text.lower()
    if "sprain" not in words or _SPRAIN_SITE.search(words):
        return finding
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if text is None or start is None or end is None:
        return finding
    sentence = sentence_at(text, start, end)
    sites = {m.group(1).lower() for m in _SPRAIN_SITE.finditer(sentence)}
    if len(sites) != 1:
        return finding  # none named, or two joints: the words do not say which
    base, right, left, unspecified = _SPRAIN_SITES[sites.pop()]
    if finding.code[:3] == base[:3]:
        return finding  # the joint's own category: the sentence's words already chose
    sides = {m.group(1).lower()[:1] for m in _SIDE.finditer(sentence)}
    side = right if sides == {"r"} else left if sides == {"l"} else unspecified
    seventh = finding.code[-1] if finding.code[-1] in "ADS" else "A"
    code = f"{base}{side}{seventh}"
    if code == finding.code or not code_set.lookup(code).billable:
        return finding
    return finding.becoming(code, "GL-SPRAIN-SITE")


def _guess_beside_a_name(findings: Sequence[Finding], texts: Mapping[str, str]) -> list[Finding]:
    """A word the index could only guess a code for ("nondisplaced": any nondisplaced
    fracture; "puncture wounds" of any region) in the sentence of a name of the same
    chapter the words do give ("nondisplaced fracture of the 5th metatarsal", "dog bite of
    the right hand") is that name's word, not a second condition."""
    guesses = [f for f in findings if "GL-AMBIGUOUS" in f.rule and f.evidence.end is not None]
    if not guesses:
        return list(findings)
    named = [f for f in findings if "GL-AMBIGUOUS" not in f.rule and f.evidence.end is not None]

    def same_sentence(a: Finding, b: Finding) -> bool:
        text = texts.get(a.evidence.source)
        if text is None or a.evidence.source != b.evidence.source:
            return False
        first, last = sorted((a.evidence.start or 0, b.evidence.start or 0))
        return not any(ch in ".;\n" for ch in text[first:last])

    return [
        f
        for f in findings
        if f not in guesses
        or not any(n.code[:1] == f.code[:1] and same_sentence(n, f) for n in named)
    ]


# words around a name that make it no condition of the patient: the name of a test not
# (yet) positive ("pertussis PCR sent", "H. pylori biopsy: negative"), a risk a consent
# lists ("discussed risks (infection, bleeding...)")
_TEST_AFTER = re.compile(
    r"\s*(?:PCR|NAAT|swabs?|tests?|testing|cultures?|titers?|serology|antigen|antibod(?:y|ies)"
    r"|serologies|IgG|IgM|screen|panel|smear|toxin|biopsy)\b",
    re.IGNORECASE,
)
_TEST_BEFORE = re.compile(
    r"\b(?:PCR|NAAT|swab|tests?|tested|testing|cultures?|serology|titers?)\s+(?:for|of)\s+$",
    re.IGNORECASE,
)
_RESULT_POSITIVE = re.compile(r"positive|\bpos\b|detected|confirmed|\+", re.IGNORECASE)
_RESULT_NEGATIVE_AFTER = re.compile(
    r"(?:\s*[\w./-]+){0,2}\s*[:=]\s*(?:negative|neg\b|not detected|none\b|absent)",
    re.IGNORECASE,
)
_CONSENT_RISKS = re.compile(r"\brisks?\b(?:\s+(?:of|include|including|are|such as))?[^.;]*$", re.I)
_WARNING_SIGNS = re.compile(
    r"\b(?:warning signs?|red flags?|danger signs?|alarm symptoms?)\b[^.;:\n]*$", re.I
)
_WARNING_WORDS = ("warning", "flag", "danger", "alarm")
_PERMISSIVE = re.compile(r"\bpermissive\s+$", re.IGNORECASE)
_CONSENT = re.compile(r"consent|discuss|explain|review|benefits|alternatives", re.IGNORECASE)
# acute peptic ulcers (K25-K28 .0-.3) only when the words say acute: else chronic or
# unspecified (.4-.7) or unspecified (.9)
_ACUTE_ULCER = {"0": "4", "1": "5", "2": "6", "3": "9"}


def _not_the_patients(finding: Finding, texts: Mapping[str, str]) -> bool:
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if text is None or start is None or end is None or finding.code[:1] == "Z":
        return False
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)]
    if _TEST_AFTER.match(text, end) or _TEST_BEFORE.search(text, max(0, start - 24), start):
        clause = re.split(r"[.;]", rest, maxsplit=1)[0]
        if not _RESULT_POSITIVE.search(clause):
            return True
    ahead = text[end : end + 40]
    if (":" in ahead or "=" in ahead) and _RESULT_NEGATIVE_AFTER.match(text, end):
        return True
    behind = text[max(0, start - 48) : start].lower()
    if any(w in behind for w in _WARNING_WORDS) and _WARNING_SIGNS.search(behind):
        return True  # "warning signs (fever, sore throat)": what to watch for
    if "permissive" in behind and _PERMISSIVE.search(behind):
        return True  # "permissive hypertension / hypercapnia": a target, not a disease
    sentence_start = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    before = text[sentence_start:start]
    if "risk" not in before.lower():
        return False
    return bool(_CONSENT_RISKS.search(before) and _CONSENT.search(before))


def _ulcer_acuity(finding: Finding, texts: Mapping[str, str], code_set: CodeSet) -> Finding:
    code = finding.code
    if code[:3] not in {"K25", "K26", "K27", "K28"} or code[4:5] not in _ACUTE_ULCER:
        return finding
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if text is None or start is None or end is None:
        return finding
    if "acute" in sentence_at(text, start, end).lower():
        return finding
    unsaid = f"{code[:4]}{_ACUTE_ULCER[code[4]]}"
    return (
        finding.becoming(unsaid, "GL-ACUITY-UNSAID")
        if code_set.lookup(unsaid).billable
        else finding
    )


_SIDES = {"left": "right", "right": "left"}


def _own_side(finding: Finding, code_set: CodeSet) -> Finding:
    """The side the name itself says ("stroke, left MCA territory") over one a sentence
    gives elsewhere ("with right hemiparesis"), which the sentence's specificity read."""
    if "GL-SPECIFICITY-SENTENCE" not in finding.rule:
        return finding
    said = set(_WORD_RE.findall(finding.evidence.text.lower())) & set(_SIDES)
    if len(said) != 1:
        return finding
    side = said.pop()
    code = finding.code
    title = code_set.lookup(code).description.lower()
    words = set(_WORD_RE.findall(title))
    other = _SIDES[side]
    if other not in words or side in words:
        return finding
    wanted = re.sub(rf"\b{other}\b", side, title)
    sibling = _sibling_titled(code, wanted, code_set, encounter_only=True)
    return finding.becoming(sibling, "GL-OWN-SIDE") if sibling is not None else finding


def _sibling_titled(
    code: str, wanted: str, code_set: CodeSet, *, encounter_only: bool
) -> str | None:
    """The billable code one character apart from `code` (its last, or the one before an
    8-character code's 7th: only an encounter's A, D or S when `encounter_only`) whose
    title is `wanted`."""
    seventh = len(code) == 8 and (not encounter_only or code[-1] in "ADS")
    at = (len(code) - 2,) if seventh else ()
    for position in (*at, len(code) - 1):
        for digit in "0123456789":
            candidate = code[:position] + digit + code[position + 1 :]
            entry = code_set.lookup(candidate)
            if candidate != code and entry.billable and entry.description.lower() == wanted:
                return candidate
    return None


_WORD_RE = re.compile(r"[a-z]+")
_BOTH = re.compile(r"\bboth (?:eyes|ears|knees|hips|sides|legs|feet|hands|breasts)\b|\bOU\b|\bAU\b")
_UNSPECIFIED_SIDE = re.compile(r"\bunspecified (?:eye|ear|side|knee|hip|breast|foot|hand)\b")


def _both_sides(finding: Finding, texts: Mapping[str, str], code_set: CodeSet) -> Finding:
    """I.B.13: a condition its sentence says of both eyes, ears or joints ("cataracts of
    both eyes", "OU") is the bilateral code of its title, when the tabular has one."""
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if text is None or start is None or end is None:
        return finding
    if not _BOTH.search(sentence_at(text, start, end)):
        return finding
    code = finding.code
    title = code_set.lookup(code).description.lower()
    if not _UNSPECIFIED_SIDE.search(title):
        return finding
    wanted = _UNSPECIFIED_SIDE.sub("bilateral", title)
    sibling = _sibling_titled(code, wanted, code_set, encounter_only=False)
    return finding.becoming(sibling, "GL-BOTH-SIDES") if sibling is not None else finding


# an SGLT2 inhibitor is a heart failure and kidney drug too: without a diabetes it is no
# oral hypoglycemic therapy (Z79.84 is long-term use of oral hypoglycemic drugs)
_SGLT2 = ("empagliflozin", "dapagliflozin", "canagliflozin", "ertugliflozin", "jardiance",
          "farxiga", "invokana", "steglatro")  # fmt: skip
_DIABETES = ("E08", "E09", "E10", "E11", "E13", "O24", "R73")


def _sglt2_without_diabetes(findings: Sequence[Finding]) -> list[Finding]:
    if not any(f.code == "Z79.84" for f in findings) or any(
        f.code.startswith(_DIABETES) for f in findings
    ):
        return list(findings)
    return [f for f in findings if not (f.code == "Z79.84" and f.evidence.text.lower() in _SGLT2)]


# Index: Sinusitis, <site> J32.- (chronic), acute J01.-: the acute sinusitis of the site
_ACUTE_SINUSITIS = {"J32.0": "J01.00", "J32.1": "J01.10", "J32.2": "J01.20", "J32.3": "J01.30",
                    "J32.4": "J01.40", "J32.9": "J01.90"}  # fmt: skip


def _acute_sinusitis(finding: Finding, texts: Mapping[str, str]) -> Finding:
    acute = _ACUTE_SINUSITIS.get(finding.code)
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if acute is None or text is None or start is None or end is None:
        return finding
    # "acute" written with the sinusitis ("acute left maxillary sinusitis"), not with
    # another condition of its sentence ("acute bronchitis with maxillary sinusitis")
    if not _ACUTE_BEFORE.search(text, max(0, start - 40), start):
        return finding
    if "chronic" in sentence_at(text, start, end).lower():
        return finding
    return finding.becoming(acute, "GL-ACUTE-SINUSITIS")


_ACUTE_BEFORE = re.compile(r"\bacute\b(?:[ \t]+(?!with\b|and\b)[\w-]+){0,3}[ \t]*$", re.I)


# Index: Dependence, nicotine: cigarettes F17.21-, chewing tobacco F17.22-, specified
# product NEC (cigars, pipe, e-cigarettes) F17.29-
_TOBACCO_PRODUCT = (
    (re.compile(r"(?<!e-)(?<!e )\bcigarettes?\b", re.I), None),
    (re.compile(r"\b(?:chew(?:ing|s)? tobacco|snuff|dip|smokeless)\b", re.I), "F17.22"),
    (re.compile(r"\b(?:cigars?|cigarillos?|pipe|hookah|vap(?:e|es|ing)|e-cigarettes?)\b", re.I),
     "F17.29"),
)  # fmt: skip


def _tobacco_product(finding: Finding, texts: Mapping[str, str], code_set: CodeSet) -> Finding:
    code = finding.code
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if not code.startswith("F17.21") or text is None or start is None or end is None:
        return finding
    sentence = sentence_at(text, start, end)
    for pattern, product in _TOBACCO_PRODUCT:
        if pattern.search(sentence):
            if product is None:
                return finding  # cigarettes said: the cigarette code stands
            other = f"{product}{code[6:]}"
            return (
                finding.becoming(other, "GL-TOBACCO-PRODUCT")
                if code_set.lookup(other).billable
                else finding
            )
    return finding


def read_coordinated(
    findings: Sequence[Finding], texts: Mapping[str, str], code_set: CodeSet
) -> list[Finding]:
    """The module docstring's rules over the findings of the words, before the guideline
    rules combine and sequence them: an added code follows the finding whose words it
    shares; a drug class takes the unspecified drug's place."""
    findings = _guess_beside_a_name(receptor_status(findings, texts, code_set), texts)
    findings = _sglt2_without_diabetes(findings)
    findings = [
        _acute_sinusitis(_ulcer_acuity(f, texts, code_set), texts)
        for f in findings
        if not _not_the_patients(f, texts)
    ]
    result: list[Finding] = []
    have = {f.code for f in findings}
    for finding in findings:
        code = finding.code
        if code.startswith(_UNSPECIFIED_DRUG):
            finding = _drug_of_the_sentence(finding, texts, code_set)
        elif code[:1] == "S":
            finding = _sprain_of_the_sentence(finding, texts, code_set)
        finding = _own_side(finding, code_set)
        if code[:3] == "F17":
            finding = _tobacco_product(finding, texts, code_set)
        if code[:1] in "HM":
            finding = _both_sides(finding, texts, code_set)
        if code[:3] not in {"J96", "C77", "C78", "C79"}:
            result.append(finding)
            continue
        text = texts.get(finding.evidence.source)
        start, end = finding.evidence.start, finding.evidence.end
        if text is None or start is None or end is None:
            result.append(finding)
            continue
        own, extras = _coordinated(code, text, start, end)
        if own != code and code_set.lookup(own).billable:
            finding = finding.becoming(own, "GL-COORDINATED")
            have.add(own)
        result.append(finding)
        for extra in extras:
            if extra not in have and code_set.lookup(extra).billable:
                have.add(extra)
                result.append(replace(finding.becoming(extra, "GL-COORDINATED"), method="inferred"))
    return result


def _coordinated(code: str, text: str, start: int, end: int) -> tuple[str, list[str]]:
    """The finding's own code (an acuity written before a coordinated kind) and the codes
    its coordinated words add."""
    if code.startswith("J96"):
        if code[5:6] not in {"1", "2"}:
            return code, []
        before = _KIND_BEFORE.search(text, max(0, start - 48), start)
        after = _KIND_AFTER.match(text, end)
        if before is None and after is None:
            return code, []
        acuity = code[4]
        if before is not None and before.group(1):
            written = before.group(1).lower()
            acuity = "2" if "on" in written.split() or "-on-" in written else _ACUITY[written]
        kinds = [m.group(m.lastindex or 0) for m in (before, after) if m]
        extra = [
            f"J96.{acuity}{kind}"
            for word in kinds
            if (kind := _FAILURE_KINDS[word.lower()]) != code[5:6]
        ]
        return f"J96.{acuity}{code[5]}", extra
    sites: list[str] = []
    after = _SITES_AFTER.match(text, end)
    if after is not None:
        sites += [m.group(1) for m in _SITE_WORD.finditer(after.group(1))]
        sites.append(after.group(after.lastindex or 0))
    before = _SITES_BEFORE.search(text, max(0, start - 30), start)
    if before is not None:
        sites.append(before.group(1))
    return code, [_SECONDARY_SITES[s.lower()] for s in sites if s.lower() in _SECONDARY_SITES]


def _drug_of_the_sentence(finding: Finding, texts: Mapping[str, str], code_set: CodeSet) -> Finding:
    text = texts.get(finding.evidence.source)
    start, end = finding.evidence.start, finding.evidence.end
    if text is None or start is None or end is None:
        return finding
    sentence = sentence_at(text, start, end)
    drug = _DRUG.search(sentence)
    if drug is None or _NOT_AS_PRESCRIBED.search(sentence):
        return finding
    seventh = finding.code[-1] if finding.code[-1] in "ADS" else "A"
    code = f"{_DRUG_CLASSES[drug.group(1).lower()]}{seventh}"
    if not code_set.lookup(code).billable:
        return finding
    return finding.becoming(code, "GL-DRUG-TABLE")
