"""Guideline rules: from the conditions the words name to the coded diagnoses.

The text engine (services/coder/domain/text/) finds `Mention`s; these rules decide what
each one is coded as, under the ICD-10-CM Official Guidelines for Coding and Reporting
FY2026:

- assertion (I.C.21.c, III, IV): a negated or hypothetical condition is not coded; a
  relative's condition is family history (Z80-Z84); a past one is personal history
  (Z85-Z87), an old MI I25.2, a status code as written, a chronic one as current
  (guidelines_status.py);
- uncertainty by setting: an outpatient's "possible / probable / suspected / rule out"
  diagnosis is not coded, its documented signs and symptoms are (IV.H); an inpatient's is
  coded as if established (II.H, III.C), as in a discharge summary;
- specificity (I.B.2, I.B.3, I.B.8, I.B.13, I.C.15.a.3, I.C.19.a): laterality, acuity,
  the injury's 7th character, the trimester (guidelines_specificity.py); an unspecified
  code made specific by what its sentence states, the site, type or stage
  (guidelines_context.py);
- combination codes and "use additional code" (I.A.15, I.C.4.a, I.C.9.a:
  guidelines_combination.py);
- one condition per span of words: alternatives dropped, ties proposed for review;
- the diagnostic statement (IV.D, IV.J, III.B, IV.K): where the provider wrote an
  assessment or diagnoses, symptoms, findings and plan words elsewhere are not coded;
  status and history codes are, wherever written;
- an unspecified code never beside a specific code of its category (I.B.3); an Excludes1
  pair the words gave settled where a guideline says how (I.A.12.a, I.C.15.a.1), else
  reviewed;
- signs and symptoms integral to a coded definitive diagnosis are not coded (I.B.4-5);
- counseling integral to the treatment of a coded condition is not coded (I.C.21.c.10);
- what the encounter is (guidelines_encounter.py): the routine examination of a
  preventive visit first-listed by age (I.C.21.c.13); weeks of gestation (Z3A) and the
  trimester they give (I.C.15.a.3); the outcome of delivery (Z37, I.C.15.b.5); the
  newborn's birth episode (Z38 first, no maternal codes: I.C.16.a.5, I.C.15.a.1);
- drugs, allergies and vaccines given as Z79/Z88/Z91.0/Z23 (guidelines_drugs.py,
  I.C.21.c.2-3);
- sequencing (II, IV.G, I.A.13, I.B.7): the reason for the encounter first (the supplied
  rank-1 diagnosis, else the assessment or discharge diagnoses in their order), an
  etiology before its manifestation ("code first"), a manifestation never first-listed,
  each code once.

Every finding keeps its mention's confidence, lowered where a rule guessed; the caller
sends the encounter to review when one is below REVIEW_THRESHOLD.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .encounter import Encounter
from .guidelines_combination import CombinationTables, combine
from .guidelines_context import (
    Leaves,
    influenza_by_sentence,
    injury_of_region,
    migraine_by_sentence,
    ribs_by_words,
    sentence_at,
    specific_from_sentence,
)
from .guidelines_drugs import StatusTerms
from .guidelines_findings import Dropped, Finding
from .guidelines_specificity import Refined, Tabular, refine
from .guidelines_statement import (
    IMMUNIZED_HERE,
    diabetes_of_the_documented_type,
    drop_infection_named_in_pregnancy,
    drop_integral_counseling,
    drop_integral_symptoms,
    drop_neoplasm_of_unspecified_site,
    drop_title_held_by_another,
    drop_unspecified_beside_specific,
    drop_words_within_longer_name,
    focus_on_diagnostic_statement,
    one_code_per_span,
    organism_as_the_agent,
    settle_excludes1_from_words,
)
from .guidelines_status import (
    StatusTables,
    drop_history_of_a_current_condition,
    family_code,
    history_code,
    is_status_code,
)
from .icd10cm import CodeSet
from .text.index import LEARNED
from .text.mentions import Mention

# below this a code is proposed to a human coder, never billed on its own. Chosen on the
# dev evaluation cases: of the codes found at 0.35-0.45 none was right (0 of 12), at
# 0.55-0.65 two in three were (46 of 67)
REVIEW_THRESHOLD = 0.5
# below this a match is too weak to propose at all: it is recorded as not coded (an edit)
MIN_CANDIDATE_CONFIDENCE = 0.42
# a learned association (words that co-occur with a code in annotated notes, not a name of
# the condition) stands only when this sure: on the dev cases such matches were right 3
# times in 37; from 0.7 to 0.9 they were right on none of 260 dev cases and wrong on three
# ("calorie" E46 beside a diet plan among them): words of Spanish case reports rather than
# names a US note gives (0.9 and switching them off score the same there)
LEARNED_RULE = LEARNED
LEARNED_MIN_CONFIDENCE = 0.9
# ... except in a discharge summary, the kind of text they were learned from (case reports
# of a stay): there they stand from 0.5. On a 5-fold split of the CodiEsp training cases
# (mined on 4/5, scored on 1/5, folds 0-2) F1 0.4193 at 0.9, 0.4294 at 0.8, 0.4311 at 0.7,
# 0.4239 at 0.6 with the mining's smoothing 0.5; with smoothing 3 (tools/mine_codiesp.py,
# all five folds) 0.4305 (0.5, 0.7) -> 0.4329 at 0.5, every fold up; 0.45 the same
LEARNED_MIN_CONFIDENCE_DISCHARGE = 0.5


def learned_floor(kind: str) -> float:
    """The confidence a learned association needs in a text of this kind (a note's kind,
    "assessment_plan" or "diagnosis")."""
    return (
        LEARNED_MIN_CONFIDENCE_DISCHARGE
        if kind in _INPATIENT_NOTE_KINDS
        else LEARNED_MIN_CONFIDENCE
    )


# a tabular match on a bare acronym ("PCP") of an inclusion term or a category's words
# (below a billable code's own title, services/coder/term_index.py TABULAR) is not coded
TABULAR_RULE = "tabular"
TABULAR_OWN_TITLE = 0.6
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}s?")
# I.C.20: external cause codes (V00-Y99) are reported where a state or payer mandates
# them; no national requirement, so none by default
REPORT_EXTERNAL_CAUSES = False
_EXTERNAL_CAUSE = frozenset("VWXY")
# a drug's clause saying it is not long-term: started now, a course, inpatient only, done
_NOT_LONG_TERM = re.compile(
    r"\b(?:(?:start|started|starting|initiated?|begin|began)\b(?![^,;]*\b(?:ago|since|years?)\b)"
    r"|day \d+ of \d+|x ?\d+ ?(?:more )?(?:days?|doses?)|for \d+ (?:more )?days"
    r"|burst|completed|while (?:inpatient|admitted|hospitali[sz]ed)"
    r"|discussed|deferred|declined)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"(?<!\d)\.(?!\d)|[,;\n]")
# an instruction against a condition, the risk of it
_INSTRUCTION_AFTER = re.compile(
    r"(?:[ \t]+and[ \t]+\w+)?[ \t-]*"
    r"(?:precautions?|prophylaxis|prevention|risks?|warning signs|diet|teaching|education)\b",
    re.IGNORECASE,
)
_RISK_BEFORE = re.compile(
    r"\b(?:(?:risks?|prevention) (?:of|for)|avoid|avoiding|to avoid)[ \t]+$", re.IGNORECASE
)
# a device or transplant a sentence says is still to come is no status (Z95-Z97, Z94)
_DEVICE_STATUS = ("Z94", "Z95", "Z96", "Z97")
_NOT_YET_PLACED = re.compile(
    r"\b(?:scheduled|planned|plan for|candidate for|awaiting|pending|will undergo|"
    r"before (?:elective|planned|scheduled))\b",
    re.IGNORECASE,
)
# what an encounter is for (I.C.21.c.5 screening, c.13 examinations, c.7 aftercare): coded
# when this encounter is for it, not when its sentence says it is ordered, due or to come
_SCREENING = ("Z01", "Z11", "Z12", "Z13", "Z48")
_NOT_DONE_YET = re.compile(
    r"\b(?:order|ordered|due|schedule|scheduled|referred|referral|recommended|will|"
    r"eligible|candidate|next|baseline|(?:in )?\d+(?:-\d+)? (?:days?|weeks?|months?|years?)"
    r"(?! ago))\b",
    re.IGNORECASE,
)
_RULED_OUT = re.compile(r"\bruled out\b|\bexcluded\b|\bnot confirmed\b", re.IGNORECASE)
# a condition asked about and denied: "Former smoker? No", "Home O2: none"
_ANSWERED_NO = re.compile(
    r"[ \t]*[?:][ \t]*(?:-[ \t]*)?(?:no|none|denies|denied|never|negative)\b", re.IGNORECASE
)
# the mental and behavioural disorders due to psychoactive substance use (F10-F19)
_SUBSTANCE_CATEGORIES = frozenset(f"F1{d}" for d in range(10))
# "RA" after an oxygen saturation is room air ("SpO2 91% RA", "sat 95% on RA")
_ROOM_AIR = frozenset({"ra"})
_SATURATION_BEFORE = re.compile(
    r"(?:%|\b(?:spo2|sp02|o2\s*sats?|sats?|saturation|saturating|pulse\s*ox))[ \t]*(?:on[ \t]+)?$",
    re.IGNORECASE,
)
# the disease a vaccine is named after
_VACCINE_AFTER = re.compile(
    r"[ \t-]*(?:vaccines?|vaccinations?|immunizations?|shots?|boosters?|toxoids?)\b",
    re.IGNORECASE,
)
_VACCINE_BEFORE = re.compile(
    r"\b(?:vaccines?|vaccinations?|immunizations?|immunized|vaccinated)[ \t]+(?:against|for)"
    r"[ \t]+$",
    re.IGNORECASE,
)
# a vaccine-preventable disease named for the patient's immunization, not as an illness:
# "last tetanus 2015", "tetanus status unknown", "influenza up to date", "Tetanus: Tdap
# 2023", "tetanus toxoid given"
_VACCINE_PREVENTABLE = (
    *("A35", "A36", "A37", "A39", "A80", "B01", "B02", "B05", "B06", "B15", "B16", "B26"),
    *("B18.0", "B18.1", "B19.1", "B97.7", "J09", "J10", "J11", "U07"),
    "K75.9",  # "hepatitis" of "hepatitis A #1" on a vaccine line
)
# a sentence about vaccines or their administration ("Vaccines due today: MMR, varicella,
# and hepatitis A #1", "varicella (Varivax) 0.5 mL subcut",
# "requesting shingles and pneumonia vaccines", "Immunizations: never had HPV")
_VACCINE_LINE = re.compile(
    r"\b(?:vaccin\w*|immuni[sz]\w*|boosters?|doses?|subcut\w*|subq|im|intramuscular)\b"
    r"|#[ \t]?\d",
    re.IGNORECASE,
)
# the toxoid diseases' line of a wound note gives the last dose's product or year
# ("Tetanus: Tdap 2023", "tetanus 2019"); a year after another disease dates the disease
_TOXOID_DISEASES = ("A35", "A36", "A37")
_TOXOID_DOSE_AFTER = re.compile(
    r"[ \t]*(?:[:(-][ \t]*)?(?:tdap|td|dtap|(?:19|20)\d\d)\b", re.IGNORECASE
)
_IMMUNIZATION_BEFORE = re.compile(
    r"\b(?:last|latest|prior|previous|recent|next|due for|needs?)[ \t]+$", re.IGNORECASE
)
_IMMUNIZATION_AFTER = re.compile(
    r"[ \t]*(?:[:(-][ \t]*)?(?:status|up[ \t-]to[ \t-]date|utd|unknown|current|immune|immunity"
    r"|titers?|boosters?|series|dose)\b",
    re.IGNORECASE,
)
# I.C.21.c.2: Z23 is the encounter's when a vaccine is given at it, not when the note tells
# of vaccines given before or elsewhere, or none due
_VACCINE_NOT_HERE = re.compile(
    r"\b(?:ago|last (?:week|month|year|visit)|previously|prior|earlier|none (?:are |is )?due"
    r"|not due|health department|pharmacy|elsewhere|declined|deferred|refused)\b",
    re.IGNORECASE,
)
_VACCINES_CURRENT = re.compile(r"\b(?:up[ \t-]to[ \t-]date|utd|current)\b", re.IGNORECASE)
_VACCINE_GIVEN = re.compile(
    r"\b(?:given|administered|received|injected|today|immunized|vaccinated)\b", re.IGNORECASE
)
_IMMUNIZATION_RULE = "status-term:immunization"
_VACCINE_PURPOSE = re.compile(r"\b(?:encounter|here|visit|presents?|came|comes) for\b", re.I)
# what the patient was exposed to, or another person's condition ("roommate tested positive
# for COVID-19"): not the patient's (an exposure is Z20-Z77 when the note says so)
_EXPOSED_BEFORE = re.compile(
    r"(?:\b(?:exposure|exposed|exposures)[ \t]+(?:to|with)"
    r"|\b(?:contact|contacts)[ \t]+with"
    r"|\b(?:roommate|housemate|coworker|co-worker|classmate|partner|spouse|husband|wife"
    r"|boyfriend|girlfriend|friend|teacher|child's|someone|contacts?)s?\b[^.;\n]{0,30}?"
    r"\b(?:tested positive for|positive for|diagnosed with|sick with|down with))"
    r"[ \t]+(?:[\w-]+[ \t]+){0,2}$",
    re.IGNORECASE,
)
# weight loss the plan recommends is a goal, not the symptom (R63.4 abnormal weight loss)
_WEIGHT_LOSS = "R63.4"
_RECOMMENDED_BEFORE = re.compile(
    r"\b(?:lifestyle|encourag\w*|recommend\w*|advis\w*|counsel\w*|goals?|continue|"
    r"discussed|program|plan)\b[^.;\n]{0,40}$",
    re.IGNORECASE,
)
# the condition a screening looks for ("lung cancer screening", "HIV screen"): not found
_SCREENED_FOR_AFTER = re.compile(r"[ \t-]*(?:screening|screen)\b", re.IGNORECASE)
# a relative's own condition outside the family history: a relative with, having or dead
# of it, or the words "family history"; a relative who came with the patient is none
_RELATIVE_HAS = re.compile(
    r"\b(?:family history|fh|fhx)\b|\b(?:mother|father|sister|brother|mom|dad|aunt|uncle|"
    r"grandmother|grandfather|son|daughter|sibling|parent)s?\b(?:'s)?[ \t]*(?::|with|has|had|"
    r"have|died|diagnosed|history)",
    re.IGNORECASE,
)
# a history or family code depends on the condition's category only, which a match names
# more surely than its exact code: its confidence is at least this (times the factor)
MAPPED_CODE_FLOOR = 0.75
# what a rule that guessed, or read around the words, costs in confidence
GUESSED_DEFAULT_FACTOR = 0.75  # a default character the words did not state (7th: A)
UNCERTAIN_INPATIENT_FACTOR = 0.9  # II.H: coded as established, but it was written unsure
CHRONIC_HISTORY_FACTOR = 0.85  # "history of COPD" read as current COPD
HISTORY_CODE_FACTOR = 0.95
OUTPATIENT = frozenset({"office", "telehealth", "emergency", "observation", "preventive"})
# the sections that state the reason for the encounter (IV.G, II: principal diagnosis)
REASON_SECTIONS = frozenset(
    {"assessment", "assessment_and_plan", "diagnoses", "discharge_diagnoses", "impression"}
)
REASON_SOURCE_KINDS = frozenset({"diagnosis", "assessment_plan"})
_INPATIENT_NOTE_KINDS = frozenset({"discharge_summary"})
_MANIFESTATION_WORDS = "in diseases classified elsewhere"
_REFINED_LIMIT = 1 << 16
# a diagnostic statement's title within a line, after other words
_INLINE_STATEMENT = re.compile(
    r"(?<=[^\s])[.;:\-][ \t]+(?:final[ \t]+|discharge[ \t]+|clinical[ \t]+)?"
    r"(?:diagnos[ie]s|impressions?|assessment)[ \t]*:",
    re.IGNORECASE,
)


class GuidelineTabular(Tabular, Protocol):
    """The tabular list as the rules read it: the tree, and each code's "code first"
    note as (low, high) code ranges (its own and its ancestors')."""

    def code_first(self, code: str) -> tuple[tuple[str, str], ...]: ...


@dataclass(frozen=True, slots=True)
class GuidelineTables:
    """What the rules read besides the code set, loaded at start-up
    (services/coder/guideline_data.py)."""

    tabular: GuidelineTabular
    status: StatusTables
    combinations: CombinationTables
    # symptom code prefix -> the definitive diagnosis prefixes it is integral to (I.B.5)
    integral: Mapping[str, tuple[str, ...]]
    # drugs and allergens of medication and allergy lists (guidelines_drugs.py)
    status_terms: StatusTerms | None = None
    # (code, qualifiers) -> the refined code: the same few thousand codes recur
    refined: dict[tuple[str, str, frozenset[str]], Refined] = field(default_factory=dict)
    # each category's billable codes and titles, for the sentence's specificity
    leaves: Leaves = field(default_factory=Leaves)

    def refine(self, code: str, attributes: frozenset[str], code_set: CodeSet) -> Refined:
        """guidelines_specificity.refine, remembered (bounded) per code and qualifiers.
        The code set's year is part of what is remembered."""
        key = (code_set.label, code, attributes)
        found = self.refined.get(key)
        if found is None:
            found = refine(code, attributes, code_set, self.tabular)
            if len(self.refined) < _REFINED_LIMIT:
                self.refined[key] = found
        return found


def findings_from_mentions(
    mentions: Sequence[Mention],
    encounter: Encounter,
    code_set: CodeSet,
    tables: GuidelineTables,
    source_kinds: Mapping[str, str],
) -> tuple[list[Finding], list[Dropped]]:
    """Each mention as the code the guidelines give it, or dropped with the rule that said
    so (see the module docstring). `source_kinds` names each evidence source's kind
    (`notes[0]` -> "discharge_summary") so that a discharge summary reads as inpatient."""
    findings: list[Finding] = []
    mentions, dropped = one_code_per_span(mentions)
    outpatient = encounter.encounter_type in OUTPATIENT
    texts = _source_texts(encounter)
    statements: dict[tuple[int, int], int] = {}  # (text, line start) -> where its statement is
    for order, mention in enumerate(mentions):
        kind = source_kinds.get(mention.evidence.source, "")
        code = mention.code
        confidence = mention.confidence
        rule = mention.rule
        assertion = mention.assertion
        if assertion in ("negated", "hypothetical"):
            dropped.append(Dropped(code, f"GL-{assertion.upper()}"))
            continue
        if code[:1] in _EXTERNAL_CAUSE and not REPORT_EXTERNAL_CAUSES:
            dropped.append(Dropped(code, "GL-EXTERNAL-CAUSE-VOLUNTARY"))
            continue
        if (
            mention.rule == TABULAR_RULE
            and mention.confidence < TABULAR_OWN_TITLE
            and assertion in ("present", "possible")
            and _ACRONYM.fullmatch(mention.evidence.text)
        ):
            # a bare acronym the tabular lists ("PCP", "PR", "FIT") means other things in a
            # note (primary care provider, per rectum, the stool test): the curated
            # synonyms say which acronyms name a condition
            dropped.append(Dropped(code, "GL-TABULAR-ACRONYM"))
            continue
        if (
            mention.rule == TABULAR_RULE
            and mention.confidence < TABULAR_OWN_TITLE
            and code[:3] in _SUBSTANCE_CATEGORIES
            and mention.evidence.text.isalpha()
        ):
            # a substance named alone ("caffeine", "cannabis", "cocaine": an inclusion term of
            # its category) is no use, abuse or dependence: the words must say the disorder
            dropped.append(Dropped(code, "GL-SUBSTANCE-NAME"))
            continue
        text = texts.get(mention.evidence.source)
        if text is not None and mention.evidence.end is not None:
            if code[:1] != "Z" and (
                _VACCINE_AFTER.match(text, mention.evidence.end)
                or _VACCINE_BEFORE.search(
                    text, max(0, (mention.evidence.start or 0) - 40), mention.evidence.start or 0
                )
            ):
                # "influenza vaccine", "immunization against hepatitis B": what a vaccine
                # prevents is no condition of the patient (Z23 is the encounter's)
                dropped.append(Dropped(code, "GL-VACCINE-NAME"))
                continue
            if code.startswith(_VACCINE_PREVENTABLE) and (
                _VACCINE_LINE.search(
                    sentence_at(text, mention.evidence.start or 0, mention.evidence.end)
                )
                or _IMMUNIZATION_AFTER.match(text, mention.evidence.end)
                or (
                    code.startswith(_TOXOID_DISEASES)
                    and _TOXOID_DOSE_AFTER.match(text, mention.evidence.end) is not None
                )
                or _IMMUNIZATION_BEFORE.search(
                    text, max(0, (mention.evidence.start or 0) - 20), mention.evidence.start or 0
                )
            ):
                # "last tetanus unknown", "tetanus up to date": the immunization history
                dropped.append(Dropped(code, "GL-VACCINE-NAME"))
                continue
            if code == "Z23":
                sentence = sentence_at(text, mention.evidence.start or 0, mention.evidence.end)
                given = _VACCINE_GIVEN.search(sentence)
                if (
                    _VACCINE_NOT_HERE.search(sentence)
                    or (not given and _VACCINES_CURRENT.search(sentence))
                    or not (
                        given
                        or _VACCINE_PURPOSE.search(sentence)
                        or mention.section in REASON_SECTIONS
                    )
                ):
                    # "Immunizations: up to date", "vaccines given at the health department
                    # last month": no vaccine given at this encounter
                    dropped.append(Dropped(code, "GL-NOT-IMMUNIZED-HERE"))
                    continue
            if code[:1] != "Z" and _exposed_before(text, mention.evidence.start or 0):
                # "exposure to COVID-19", "her roommate tested positive for COVID-19": an
                # exposure, not the patient's disease (I.C.21.c.1: Z20 contact or exposure)
                dropped.append(Dropped(code, "GL-EXPOSURE"))
                continue
            if code == _WEIGHT_LOSS and (
                mention.section == "plan"
                or _RECOMMENDED_BEFORE.search(
                    text, max(0, (mention.evidence.start or 0) - 60), mention.evidence.start or 0
                )
            ):
                # "Plan: quad strengthening, weight loss", "Lifestyle: weight loss": advice
                dropped.append(Dropped(code, "GL-RECOMMENDED"))
                continue
            if code[:1] != "Z" and _SCREENED_FOR_AFTER.match(text, mention.evidence.end):
                # I.C.21.c.5: a screening is testing for a disease in a person without its
                # signs; the disease it is named after is not the patient's
                dropped.append(Dropped(code, "GL-SCREENED-FOR"))
                continue
            if code[:1] != "Z" and (
                _INSTRUCTION_AFTER.match(text, mention.evidence.end)
                or _RISK_BEFORE.search(
                    text, max(0, (mention.evidence.start or 0) - 30), mention.evidence.start or 0
                )
            ):
                # "fever precautions", "DVT prophylaxis", "stroke and bleeding risk", "risk
                # of falls", "low-sodium diet": what the instruction guards against (or
                # the diet is named after) is no condition
                dropped.append(Dropped(code, "GL-GUARDED-AGAINST"))
                continue
            if code.startswith(_DEVICE_STATUS) and _NOT_YET_PLACED.search(
                sentence_at(text, mention.evidence.start or 0, mention.evidence.end)
            ):
                # "before elective right total hip arthroplasty scheduled 9/15": no hip yet
                dropped.append(Dropped(code, "GL-NOT-YET-PLACED"))
                continue
            if code.startswith(_SCREENING) and _NOT_DONE_YET.search(
                sentence_at(text, mention.evidence.start or 0, mention.evidence.end)
            ):
                # a screening, examination or aftercare only ordered, due or to come (its
                # sentence says so: "TB screening annually, due next month", "suture
                # removal in 10 days") is not this encounter's purpose
                dropped.append(Dropped(code, "GL-SCREENING-ORDERED"))
                continue
            if assertion == "possible" and _RULED_OUT.search(
                text,
                mention.evidence.end,
                _line_end(text, mention.evidence.end),
            ):
                # "pneumonia was suspected ... pneumonia ruled out" (II.H: uncertain at
                # discharge only)
                dropped.append(Dropped(code, "GL-RULED-OUT"))
                continue
            if code.startswith("Z79") and _NOT_LONG_TERM.search(
                _clause(text, mention.evidence.start or 0, mention.evidence.end)
            ):
                # I.C.21.c.3: a drug started now, for a course, only while inpatient, or
                # done, is no long-term (current) drug therapy
                dropped.append(Dropped(code, "GL-NOT-LONG-TERM"))
                continue
            if _ANSWERED_NO.match(text, mention.evidence.end):
                # "Former smoker? No - never smoked", "Home O2: none": asked and denied
                dropped.append(Dropped(code, "GL-ANSWERED-NO"))
                continue
            if mention.evidence.text == "PACS":
                # the picture archiving system ("images saved to PACS"), not premature
                # atrial contractions (written "PACs")
                dropped.append(Dropped(code, "GL-SYSTEM-ACRONYM"))
                continue
            if mention.evidence.text.lower() in _ROOM_AIR and _SATURATION_BEFORE.search(
                text, max(0, (mention.evidence.start or 0) - 24), mention.evidence.start or 0
            ):
                # "SpO2 91% RA", "sats 95% on RA": the air the saturation was read on, not
                # rheumatoid arthritis
                dropped.append(Dropped(code, "GL-ROOM-AIR"))
                continue
            if assertion in ("family", "history") and text[mention.evidence.end :][:1] == "?":
                # "FH: mother with diabetes? - borderline": a relative's or a past
                # condition the note itself questions is not documented
                dropped.append(Dropped(code, "GL-QUESTIONED"))
                continue
            if assertion == "family" and mention.section != "family_history":
                sentence = sentence_at(text, mention.evidence.start or 0, mention.evidence.end)
                if not _RELATIVE_HAS.search(sentence):
                    # "seen with son and daughter", "brought by her mother": the relative
                    # is there, the condition is the patient's
                    assertion = "present"
        if mention.section == "allergies" and assertion != "family" and not is_status_code(code):
            # a reaction listed with an allergy ("penicillin: rash") is no current condition
            dropped.append(Dropped(code, "GL-ALLERGY-REACTION"))
            continue
        if assertion == "possible":
            if outpatient and kind not in _INPATIENT_NOTE_KINDS:
                dropped.append(Dropped(code, "GL-UNCERTAIN-OUTPATIENT"))
                continue
            confidence *= UNCERTAIN_INPATIENT_FACTOR
            rule += "+GL-UNCERTAIN-INPATIENT"
        if assertion == "family":
            mapped = family_code(code, tables.status)
            if mapped is None:
                dropped.append(Dropped(code, "GL-FAMILY-UNMAPPED"))
                continue
            confidence = max(confidence, MAPPED_CODE_FLOOR) * HISTORY_CODE_FACTOR
            code, rule = mapped, rule + "+GL-FAMILY"
        elif assertion == "history" and _resolved_in_the_stay(mention, outpatient, kind, texts):
            # II, III: a condition of the stay the discharge diagnoses call resolved
            # ("acute kidney injury, prerenal, resolved with fluids") was treated in it
            assertion = "present"
        if assertion == "history":
            mapped, how = history_code(code, tables.status)
            if mapped is None:
                dropped.append(Dropped(code, how))
                continue
            if how == "GL-HISTORY-CHRONIC":
                confidence *= CHRONIC_HISTORY_FACTOR
            else:
                confidence = max(confidence, MAPPED_CODE_FLOOR) * HISTORY_CODE_FACTOR
            code, rule = mapped, f"{rule}+{how}"
        # a status written as past ("s/p left TKA") takes its laterality too
        if assertion in ("present", "possible") or rule.endswith(
            ("GL-HISTORY-CHRONIC", "GL-STATUS")
        ):
            refined = tables.refine(code, mention.attributes, code_set)
            if refined.code != code:
                rule += "+GL-SPECIFICITY"
                if refined.guessed:
                    confidence *= GUESSED_DEFAULT_FACTOR
                code = refined.code
        if assertion in ("present", "possible") and mention.evidence.start is not None:
            text = texts.get(mention.evidence.source)
            if text is not None:
                sentence = sentence_at(text, mention.evidence.start, mention.evidence.end or 0)
                specific = specific_from_sentence(
                    code, sentence, code_set, tables.leaves, tables.tabular.children
                )
                specific = injury_of_region(
                    specific, sentence, code_set, tables.leaves, tables.tabular.children
                )
                specific = migraine_by_sentence(specific, sentence, code_set)
                specific = ribs_by_words(specific, mention.evidence.text, code_set)
                if assertion == "present":
                    specific = influenza_by_sentence(specific, sentence, code_set)
                if specific != code:
                    code, rule = specific, rule + "+GL-SPECIFICITY-SENTENCE"
        if confidence < MIN_CANDIDATE_CONFIDENCE:
            dropped.append(Dropped(code, "GL-WEAK-MATCH"))
            continue
        if mention.rule == LEARNED_RULE and mention.confidence < learned_floor(kind):
            dropped.append(Dropped(code, "GL-WEAK-ASSOCIATION"))
            continue
        if code == "Z23" and outpatient and rule == _IMMUNIZATION_RULE:
            rule += IMMUNIZED_HERE
        in_reason = (
            mention.section in REASON_SECTIONS
            or kind in REASON_SOURCE_KINDS
            # a learned association is a word seen beside a code, no name the statement gives
            or (
                mention.rule != LEARNED_RULE
                and _after_inline_statement(
                    texts.get(mention.evidence.source), mention.evidence.start, statements
                )
            )
        )
        rank = 0 if in_reason else 1
        findings.append(
            Finding(
                code=code,
                evidence=mention.evidence,
                confidence=round(min(confidence, 1.0), 4),
                rule=rule,
                method="matched" if rule == mention.rule else "inferred",
                rank=rank,
                position=(order, mention.evidence.start or 0),
            )
        )
    return findings, dropped


def _after_inline_statement(
    text: str | None, start: int | None, seen: dict[tuple[int, int], int]
) -> bool:
    """The words follow a diagnostic statement's title written within a line ("MDM: low.
    Diagnoses: ...", "Dermatopathology - ... Final diagnosis: ..."): the statement the
    section titles at a line's start would mark (IV.D). `seen` keeps each line's first
    title (or none), looked for once."""
    if text is None or start is None:
        return False
    line = text.rfind("\n", 0, start) + 1
    key = (id(text), line)
    title = seen.get(key)
    if title is None:
        found = _INLINE_STATEMENT.search(text, line, _line_end(text, line))
        title = seen[key] = found.end() if found is not None else len(text) + 1
    return title <= start


_EXPOSURE_CUES = ("expos", "contact", "positive", "diagnosed", "sick", "down with")


def _exposed_before(text: str, start: int) -> bool:
    window = text[max(0, start - 80) : start]
    lowered = window.lower()
    if not any(cue in lowered for cue in _EXPOSURE_CUES):
        return False
    return _EXPOSED_BEFORE.search(window) is not None


_RESOLVED = re.compile(r"\b(?:resolved|resolving)\b", re.IGNORECASE)
_PAST_CUE = re.compile(
    r"\b(?:history|h/o|hx|prior|previous|previously|past|remote|former|s/p|status post|"
    r"years? ago|in remission)\b",
    re.IGNORECASE,
)


def _resolved_in_the_stay(
    mention: Mention, outpatient: bool, kind: str, texts: Mapping[str, str]
) -> bool:
    if outpatient and kind not in _INPATIENT_NOTE_KINDS:
        return False
    if mention.section not in REASON_SECTIONS or mention.evidence.start is None:
        return False
    text = texts.get(mention.evidence.source)
    if text is None:
        return False
    sentence = sentence_at(text, mention.evidence.start, mention.evidence.end or 0)
    return bool(_RESOLVED.search(sentence)) and not _PAST_CUE.search(sentence)


def _line_end(text: str, end: int) -> int:
    found = text.find("\n", end)
    return len(text) if found < 0 else found


def _clause(text: str, start: int, end: int) -> str:
    before = [m.end() for m in _CLAUSE_END.finditer(text, max(0, start - 120), start)]
    after = _CLAUSE_END.search(text, end)
    return text[
        before[-1] if before else max(0, start - 120) : after.start() if after else len(text)
    ]


def _source_texts(encounter: Encounter) -> dict[str, str]:
    texts = {f"notes[{i}]": note.text for i, note in enumerate(encounter.notes)}
    texts.update((f"diagnoses[{i}]", d.text) for i, d in enumerate(encounter.diagnoses))
    if encounter.assessment_plan:
        texts["assessment_plan"] = encounter.assessment_plan
    return texts


def apply_rules(
    findings: Sequence[Finding], code_set: CodeSet, tables: GuidelineTables
) -> list[Finding]:
    """Combination codes, the diagnostic statement, integral symptoms, then sequencing
    (module docstring)."""
    typed = diabetes_of_the_documented_type(findings, code_set)
    combined = focus_on_diagnostic_statement(combine(typed, tables.combinations, code_set))
    combined = drop_words_within_longer_name(
        combined, code_set, tables.tabular.code_first, named=typed
    )
    combined = drop_title_held_by_another(
        drop_unspecified_beside_specific(combined, code_set), code_set
    )
    combined = organism_as_the_agent(drop_neoplasm_of_unspecified_site(combined))
    combined = drop_infection_named_in_pregnancy(combined)
    combined = settle_excludes1_from_words(combined, code_set)
    combined = drop_integral_counseling(drop_integral_symptoms(combined, tables.integral))
    combined = drop_history_of_a_current_condition(combined, tables.status)
    return sequence(combined, code_set, tables)


def sequence(
    findings: Sequence[Finding], code_set: CodeSet, tables: GuidelineTables
) -> list[Finding]:
    """First-listed / principal diagnosis first, each code once, etiology before
    manifestation.

    IV.G and II: the reason for the encounter first (rank 0: the supplied rank-1
    diagnosis, the assessment or discharge diagnoses), then the rest in the order the
    documentation gives them. I.A.13 and the "code first" notes: a code whose note names
    another coded code follows it; a manifestation ("in diseases classified elsewhere")
    is never first-listed. A repeated code keeps its first, most confident place.
    """
    best: dict[str, Finding] = {}
    for finding in sorted(findings, key=lambda f: (f.rank, f.position)):
        held = best.get(finding.code)
        if held is None:
            best[finding.code] = finding
        elif finding.confidence > held.confidence:
            best[finding.code] = _with_place(finding, held)
    ordered = list(best.values())
    # a code with a "code first" note naming another coded code moves right after it
    for finding in list(ordered):
        ranges = tables.tabular.code_first(finding.code)
        if not ranges:
            continue
        etiologies = [
            i
            for i, other in enumerate(ordered)
            if other.code != finding.code and _within(other.code, ranges)
        ]
        here = ordered.index(finding)
        if etiologies and max(etiologies) > here:
            ordered.pop(here)
            ordered.insert(max(etiologies), finding)
    if ordered and is_manifestation(ordered[0].code, code_set):
        for i, finding in enumerate(ordered):
            if not is_manifestation(finding.code, code_set):
                ordered.insert(0, ordered.pop(i))
                break
    return ordered


def _within(code: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    # the Excludes1 range reading (excludes1.ExcludedRange.covers): a bound covers its codes
    return any(low <= code and code[: len(high)] <= high for low, high in ranges)


def _with_place(finding: Finding, place: Finding) -> Finding:
    return Finding(
        finding.code,
        finding.evidence,
        finding.confidence,
        finding.rule,
        finding.method,
        place.rank,
        place.position,
    )


def is_manifestation(code: str, code_set: CodeSet) -> bool:
    """I.A.13: codes titled "in diseases classified elsewhere" are manifestations."""
    return _MANIFESTATION_WORDS in code_set.lookup(code).description.lower()
