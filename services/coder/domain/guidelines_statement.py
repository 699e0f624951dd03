"""The diagnostic statement: which of the words' codes stand together.

ICD-10-CM Official Guidelines FY2026: one condition per span of words; where the provider
wrote a diagnostic statement, the conditions come from it (IV.D, IV.J, III.B, IV.K) and the
status and history codes from anywhere; an unspecified code never beside a specific one
of its category (I.B.3); an Excludes1 pair settled where a guideline says how (I.A.12.a,
I.C.15.a.1); symptoms (I.B.4-5) and counseling (I.C.21.c.10) integral to a coded
condition not coded. guidelines.py applies them in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from .excludes1 import excludes1_conflict
from .guidelines_findings import Dropped, Finding
from .guidelines_specificity import stated_dimensions
from .guidelines_status import is_status_code
from .icd10cm import CodeSet
from .text.mentions import Mention

_WORD = re.compile(r"[a-z0-9]+")
_TYPE_2 = re.compile(r"\b(?:type\s*(?:2|ii)|t2|dm\s*2|t2dm|niddm)\b", re.IGNORECASE)
KEEP_STATUS_ANYWHERE = True
# several codes equally likely for the same words: proposed, not billed
AMBIGUOUS_CONFIDENCE = 0.45
_STATUS_RULE = "status-term"
_SUPPLIED_RULE = "DX-PROVIDED"  # a supplied code (and what a rule made of it)


def one_code_per_span(mentions: Sequence[Mention]) -> tuple[list[Mention], list[Dropped]]:
    """The same words name one condition: of several codes of one chapter matched to one
    span, the most confident is kept (the others are alternatives, recorded as not coded).
    When the best are tied across categories the words are ambiguous ("open bite" of which
    site?): the first is proposed below the review threshold. Codes of different chapters
    for one span are facets of it (an etiology and its manifestation, "diabetic CKD" E11.22
    and N18.9) and stay; status terms (a drug, an allergen) are read on their own."""
    groups: dict[tuple[str, int | None, int | None, str], list[int]] = {}
    for i, mention in enumerate(mentions):
        if not mention.rule.startswith(_STATUS_RULE):
            evidence = mention.evidence
            key = (evidence.source, evidence.start, evidence.end, mention.code[:1])
            groups.setdefault(key, []).append(i)
    if all(len(members) == 1 for members in groups.values()):
        return list(mentions), []
    replaced: dict[int, Mention | None] = {}
    dropped: list[Dropped] = []
    for members in groups.values():
        if len(members) == 1:
            continue
        best = max(members, key=lambda i: mentions[i].confidence)
        top = mentions[best].confidence
        tied = {mentions[i].code[:3] for i in members if mentions[i].confidence == top}
        for i in members:
            if i != best:
                replaced[i] = None
                dropped.append(Dropped(mentions[i].code, "GL-ALTERNATIVE"))
        if len(tied) > 1:
            chosen = mentions[best]
            replaced[best] = replace(
                chosen,
                rule=f"{chosen.rule}+GL-AMBIGUOUS",
                confidence=min(chosen.confidence, AMBIGUOUS_CONFIDENCE),
            )
    kept = [replaced.get(i, m) for i, m in enumerate(mentions)]
    return [m for m in kept if m is not None], dropped


def drop_unspecified_beside_specific(
    findings: Sequence[Finding], code_set: CodeSet
) -> list[Finding]:
    """I.B.3: an unspecified code is for when nothing more specific is documented, so it
    never stands beside a specific code of its own category ("CKD" N18.9 beside "CKD stage
    3a" N18.31, "gout" M10.9 beside "acute gout of the right foot"). A supplied code is
    compared with the words elsewhere (guidelines_coding.py), not dropped here."""
    # I.C.19.b: an injury of unspecified body region (T14.8, T14.90) beside a coded injury
    # of a region named by the same word ("laceration") is that injury without its site
    sited = [_words(f.evidence.text) for f in findings if f.code[:1] == "S"]
    if sited:
        findings = [f for f in findings if not _unsited_injury_of(f, sited)]
    by_category: dict[str, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.code[:3], []).append(finding)
    if all(len({f.code for f in group}) == 1 for group in by_category.values()):
        return list(findings)
    unspecified = {
        f.code
        for group in by_category.values()
        if len({g.code for g in group}) > 1
        for f in group
        if f.method != "provided" and _is_unspecified(f.code, code_set)
    }
    drop = {
        code
        for code in unspecified
        if any(f.code != code and f.code not in unspecified for f in by_category[code[:3]])
    }
    # a code whose site is left unspecified beside a specific one of its category on the
    # same side, or of no side ("laceration of unspecified hand" beside the right index
    # finger's; not the left breast's "unspecified site" beside a right breast quadrant)
    drop |= {
        f.code
        for f in findings
        if f.method != "provided"
        and _is_site_unspecified(f.code, code_set)
        and any(
            g.code != f.code
            and not _is_site_unspecified(g.code, code_set)
            and not _is_unspecified(g.code, code_set)
            and _side(f.code, code_set) in (None, _side(g.code, code_set))
            for g in by_category[f.code[:3]]
        )
    }
    return [f for f in findings if f.code not in drop]


def drop_words_within_longer_name(
    findings: Sequence[Finding],
    code_set: CodeSet | None = None,
    code_first: Callable[[str], tuple[tuple[str, str], ...]] | None = None,
    named: Sequence[Finding] | None = None,
) -> list[Finding]:
    """I.B.3 and one condition per name: words that are part of a longer name the
    documentation gives for a condition ("anemia" beside "acute blood loss anemia",
    "osteoarthritis" beside "osteoarthritis, right knee", "infection" beside "urinary tract
    infection", "vitamin B12 deficiency" beside "vitamin B12 deficiency anemia due to
    intrinsic factor deficiency") are that condition written shorter, not a second one:
    the shorter words' code goes. A code the longer one's tabular note pairs it with
    stays ("CKD" N18.- beside "diabetic CKD" E11.22, "COVID-19" U07.1 beside "COVID-19
    pneumonia" J12.82: "code first" / "use additional code"), and so does a drug, device or
    history code of another kind. Words overlapping a specific code's words of the same
    chapter ("Primary osteoarthritis" M19.91 and "osteoarthritis, right knee" M17.11) are
    its unspecified reading. Supplied codes are compared elsewhere (guidelines_coding.py)."""
    # `named`: every finding the words gave before codes were combined and merged, so that
    # a code also written on its own ("essential hypertension" beside "hypertensive
    # urgency") stays
    written = [(f, _words(f.evidence.text)) for f in (named or findings) if f.method != "provided"]
    present = {f.code for f in findings}
    # a longer name a combination took in still stands, as the combination's code: its
    # words are where that code's are ("cervical degenerative disc disease" M50.30 with the
    # radiculopathy is M50.10; "disc disease" inside it is no M51.9 of its own)
    spans = {span for f in findings if (span := _span(f)) is not None}
    drop: set[int] = set()
    for i, finding in enumerate(findings):
        if finding.method == "provided":
            continue
        places = [
            w for w in written if w[0].code == finding.code and w[0].rank == finding.rank
        ] or [(finding, _words(finding.evidence.text))]
        if all(_within_longer(place, written, present, spans, code_first) for place in places):
            drop.add(i)
            continue
        if code_set is not None and any(
            _overlaps_specific(finding, other, code_set)
            for other in findings
            if other is not finding
        ):
            drop.add(i)
    return [f for i, f in enumerate(findings) if i not in drop]


def _within_longer(
    place: tuple[Finding, frozenset[str]],
    written: list[tuple[Finding, frozenset[str]]],
    present: set[str],
    spans: set[tuple[str, int, int]],
    code_first: Callable[[str], tuple[tuple[str, str], ...]] | None,
) -> bool:
    short, short_words = place
    if not short_words:
        return False
    return any(
        longer.code != short.code
        and (longer.code in present or _span(longer) in spans)
        and short_words < longer_words
        and _explains(longer.code, short.code, code_first)
        for longer, longer_words in written
    )


def _explains(
    longer: str, short: str, code_first: Callable[[str], tuple[tuple[str, str], ...]] | None
) -> bool:
    if "Z" in (longer[:1], short[:1]):
        # a drug, device or history code is read on its own: "aspirin" is not part of
        # "aspirin and clopidogrel" Z79.02, but "TKA" is of "left TKA" Z96.652
        return longer[:5] == short[:5]
    if longer[:1] == short[:1] or short[:1] == "R" or short[:3] == "B99":
        return True
    if code_first is None:
        return False
    return not _paired(short, longer, code_first) and not _paired(longer, short, code_first)


def _paired(
    code: str, other: str, code_first: Callable[[str], tuple[tuple[str, str], ...]]
) -> bool:
    # a note's example code stands for its category ("code first underlying infection,
    # such as sepsis A41.9" holds sepsis due to E. coli A41.51)
    category = other[:3]
    return any(
        (low <= other and other[: len(high)] <= high) or low[:3] <= category <= high[:3]
        for low, high in code_first(code)
    )


def _overlaps_specific(short: Finding, longer: Finding, code_set: CodeSet) -> bool:
    a, b = short.evidence, longer.evidence
    if a.source != b.source or a.start is None or b.start is None or a.end is None:
        return False
    if b.end is None or not (a.start < b.end and b.start < a.end) or a == b:
        return False
    if a.start <= b.start and b.end <= a.end:
        return False  # the unspecified words hold the others ("post-COVID-19 condition")
    return (
        short.code[:1] == longer.code[:1]
        and _is_unspecified(short.code, code_set)
        and not _is_unspecified(longer.code, code_set)
    )


def _unsited_injury_of(finding: Finding, sited: list[frozenset[str]]) -> bool:
    if finding.method == "provided" or not finding.code.startswith(("T14.8", "T14.90")):
        return False
    words = _words(finding.evidence.text) - _INJURY_GENERIC
    return any(words & other for other in sited)


_INJURY_GENERIC = frozenset({"injury", "of", "the", "a", "an", "and", "with", "left", "right"})


def _span(finding: Finding) -> tuple[str, int, int] | None:
    e = finding.evidence
    return None if e.start is None or e.end is None else (e.source, e.start, e.end)


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


# a neoplasm of unspecified site and the range of the same behaviour whose site is known
_SITE_UNSPECIFIED_NEOPLASMS = {
    "C80.1": ("C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7"),
    "D36.9": ("D1", "D2", "D30", "D31", "D32", "D33", "D34", "D35", "D36.0", "D36.1", "D36.7"),
    "D48.9": ("D37", "D38", "D39", "D40", "D41", "D42", "D43", "D44", "D47", "D48.0", "D48.6"),
    "D49.9": ("D49.0", "D49.1", "D49.2", "D49.3", "D49.4", "D49.5", "D49.6", "D49.7", "D49.8"),
    # a personal history of cancer (I.C.2.d) of unspecified site or organ of a system
    "Z85.9": ("Z85.0", "Z85.1", "Z85.2", "Z85.3", "Z85.4", "Z85.5", "Z85.6", "Z85.7", "Z85.8"),
    "Z85.00": ("Z85.01", "Z85.02", "Z85.03", "Z85.04", "Z85.05", "Z85.06", "Z85.07", "Z85.09"),
    "Z85.20": ("Z85.21", "Z85.22", "Z85.23", "Z85.29"),
    "Z85.40": ("Z85.41", "Z85.42", "Z85.43", "Z85.44", "Z85.45", "Z85.46", "Z85.47", "Z85.48"),
    "Z85.50": ("Z85.51", "Z85.52", "Z85.53", "Z85.54", "Z85.59"),
}


_FOLLOW_UP, _FOLLOW_UP_CANCER = "Z09", "Z08"


def drop_neoplasm_of_unspecified_site(findings: Sequence[Finding]) -> list[Finding]:
    """I.B.3 and I.C.2: "malignant neoplasm" C80.1 or "benign neoplasm" D36.9 beside a
    neoplasm of the same behaviour whose site the words give is that neoplasm, not
    another of unknown site; so is a personal history of cancer of unspecified site
    (Z85.9, Z85.00) beside one whose site is given. I.C.21.c.8: a follow-up examination
    (Z09) after completed treatment of a cancer the note records as history (Z85) is
    Z08."""
    codes = {f.code for f in findings}
    if _FOLLOW_UP in codes and any(c.startswith("Z85") for c in codes):
        findings = [
            f.becoming(_FOLLOW_UP_CANCER, "GL-FOLLOW-UP-CANCER") if f.code == _FOLLOW_UP else f
            for f in findings
        ]
        codes = {f.code for f in findings}
    drop = {
        vague
        for vague, sited in _SITE_UNSPECIFIED_NEOPLASMS.items()
        if vague in codes and any(c != vague and c.startswith(sited) for c in codes)
    }
    return [f for f in findings if f.code not in drop or f.method == "provided"]


def drop_title_held_by_another(findings: Sequence[Finding], code_set: CodeSet) -> list[Finding]:
    """I.B.8-9: of two codes of one category the words gave, one whose title the other's
    holds ("chronic diastolic heart failure" I50.32 within "acute on chronic diastolic
    heart failure" I50.33) is part of that condition, not another."""
    words = [f for f in findings if f.method != "provided"]
    titles = {f.code: _title_words(f.code, code_set) for f in words}
    drop = {
        a.code
        for a in words
        for b in words
        if a.code != b.code and a.code[:3] == b.code[:3] and titles[a.code] < titles[b.code]
    }
    return [f for f in findings if f.code not in drop or f.method == "provided"]


def diabetes_of_the_documented_type(
    findings: Sequence[Finding], code_set: CodeSet
) -> list[Finding]:
    """I.C.4.a.2: type 2 (E11) is the default only when the type is not documented. Where
    the words say type 1 (E10), a diabetes code whose own words name no type ("DKA",
    "diabetic") is the type 1 code of the same complication."""
    if not any(f.code.startswith("E10") and f.method != "provided" for f in findings):
        return list(findings)
    if any(f.code.startswith("E11") and _TYPE_2.search(f.evidence.text) for f in findings):
        return list(findings)  # both types written: the coder's question
    result = []
    for finding in findings:
        if finding.code.startswith("E11") and finding.method != "provided":
            type_1 = "E10" + finding.code[3:]
            if code_set.lookup(type_1).billable:
                finding = finding.becoming(type_1, "GL-DM-TYPE-DOCUMENTED")
        result.append(finding)
    return result


def settle_excludes1_from_words(findings: Sequence[Finding], code_set: CodeSet) -> list[Finding]:
    """Two codes the words gave that an Excludes1 note keeps apart (I.A.12.a) are not both
    the documentation's meaning. Where a guideline says which one stands, the other goes:
    in pregnancy the chapter 15 code (I.C.15.a.1: conditions in pregnancy are coded to
    chapter 15 first), ESRD over a stage of CKD (I.C.14.a.1), else the specific code over
    an unspecified one (I.B.3). A pair no rule settles, or one with a supplied code, stays
    for the review (diagnoses.py)."""
    words = [f for f in findings if f.method != "provided"]
    if len(words) < 2:
        return list(findings)
    entries = {f.code: code_set.lookup(f.code) for f in words}
    drop: set[str] = set()
    for i, first in enumerate(words):
        for second in words[i + 1 :]:
            if first.code in drop or second.code in drop:
                continue
            if excludes1_conflict(entries[first.code], entries[second.code]) is None:
                continue
            loser = _excluded_loser(first.code, second.code, code_set)
            if loser is not None:
                drop.add(loser)
    return [f for f in findings if f.code not in drop or f.method == "provided"]


def _excluded_loser(first: str, second: str, code_set: CodeSet) -> str | None:
    if first[:3] == second[:3] == "N18" and _ESRD in (first, second):
        # I.C.14.a.1: a stage of CKD documented with ESRD is coded N18.6 only
        return second if first == _ESRD else first
    pregnancy = [code for code in (first, second) if code[:1] == "O"]
    if len(pregnancy) == 1:
        return second if pregnancy[0] == first else first
    # I.B.4-5: a sign the definitive diagnosis excludes ("wheezing NOS" under asthma) is
    # that diagnosis's; F32/F33 exclude bipolar disorder: the bipolar disorder's
    # depressive episode is its own (F31.3-F31.5), not a depression beside it
    symptoms = [code for code in (first, second) if code[:1] == "R"]
    if len(symptoms) == 1:
        return symptoms[0]
    if {first[:3], second[:3]} in ({"F31", "F32"}, {"F31", "F33"}):
        return first if first[:3] != "F31" else second
    vague = [code for code in (first, second) if _is_unspecified(code, code_set)]
    if len(vague) == 1:
        return vague[0]
    # I.B.9: a combination code's title holds the other's ("intervertebral disc disorder
    # with radiculopathy, lumbar region" M51.16 and "radiculopathy, lumbar region" M54.16)
    one, other = (_title_words(code, code_set) for code in (first, second))
    if other < one:
        return second
    if one < other:
        return first
    return None


_ESRD = "N18.6"


def _title_words(code: str, code_set: CodeSet) -> frozenset[str]:
    words = _words(code_set.lookup(code).description) - {"unspecified"}
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _is_unspecified(code: str, code_set: CodeSet) -> bool:
    # the code itself is unspecified ("Gout, unspecified", "Unspecified dementia"), not a
    # code whose range merely includes an unspecified stage ("... or unspecified CKD")
    description = code_set.lookup(code).description.lower()
    return (
        description.startswith("unspecified")
        or description.endswith("unspecified")
        or (", unspecified" in description)
    )


def _is_site_unspecified(code: str, code_set: CodeSet) -> bool:
    """A code whose site is left unspecified ("laceration ... of unspecified hand")."""
    return " of unspecified " in code_set.lookup(code).description.lower()


def _side(code: str, code_set: CodeSet) -> str | None:
    """The side a code's title states (guidelines_specificity's reading of laterality)."""
    return stated_dimensions(code_set.lookup(code).description).get("laterality")


def focus_on_diagnostic_statement(findings: Sequence[Finding]) -> list[Finding]:
    """Where the provider wrote a diagnostic statement (an assessment, the diagnoses, the
    discharge diagnoses), the conditions are coded from it (IV.D, IV.J, III.B, IV.K):
    a symptom, an exam or study finding, a word in the plan or the course of stay outside
    it is not coded unless the statement names it; a status or history code (Z79 drug
    therapy, Z88 allergy, Z95/Z96 devices, Z85-Z87 history, Z80-Z84 family history) and
    the supplied codes stay wherever they were written. The words of a supplied diagnosis
    without a code are part of the statement; documentation without one is coded from all
    of its words."""
    if not any(f.rank == 0 and not f.rule.startswith(_SUPPLIED_RULE) for f in findings):
        return list(findings)
    return [f for f in findings if f.rank == 0 or f.method == "provided" or _kept_anywhere(f)]


def _kept_anywhere(finding: Finding) -> bool:
    # a vaccine an outpatient visit gave is its immunization (Z23, I.C.21.c.2) wherever the
    # note records the administration (guidelines.py marks it)
    code = finding.code
    return KEEP_STATUS_ANYWHERE and (
        is_status_code(code)
        or code == "I25.2"
        or code.startswith(_NICOTINE_DEPENDENCE)
        or finding.rule.endswith(IMMUNIZED_HERE)
    )


# nicotine dependence, wherever the note records it: the tabular's "use additional code
# to identify ... tobacco dependence (F17.-)" under the circulatory, respiratory and
# neoplasm categories (I25, J44, C34...) asks for it beside the diagnoses
_NICOTINE_DEPENDENCE = "F17.2"


IMMUNIZED_HERE = "+GL-IMMUNIZED-HERE"


def drop_integral_counseling(findings: Sequence[Finding]) -> list[Finding]:
    """I.C.21.c.10: a counseling Z code (Z71) is not reported beside a diagnosis when the
    counseling is part of the standard treatment of that condition; it is when it is the
    encounter's only reason."""
    if not any(f.code.startswith("Z71") for f in findings):
        return list(findings)
    treated = any(f.code[:1] != "Z" for f in findings)
    return [f for f in findings if not (treated and f.code.startswith("Z71"))]


def drop_integral_symptoms(
    findings: Sequence[Finding], integral: Mapping[str, tuple[str, ...]]
) -> list[Finding]:
    """I.B.4-5: a sign or symptom routinely associated with a coded definitive diagnosis
    is not coded beside it (a cough with pneumonia); one that is not (chest pain beside
    hypertension) still is."""
    codes = [f.code for f in findings]
    kept = []
    for finding in findings:
        diagnoses = _integral_to(finding.code, integral)
        if diagnoses and any(
            c.startswith(diagnoses)
            for c in codes
            # shock and severe sepsis (R57, R65.2-) are diagnoses a sign can be integral to
            if (c[:1] != "R" or c.startswith(("R57", "R65"))) and c != finding.code
        ):
            continue
        kept.append(finding)
    return kept


def _integral_to(code: str, integral: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    # the table's symptoms: chapter 18 codes, and a sign coded elsewhere (L53.9 erythema)
    for end in range(len(code), 2, -1):
        found = integral.get(code[:end].rstrip("."))
        if found:
            return found
    return ()


# I.C.1 and A49's Excludes1: an organism beside an infection whose site is coded is the
# agent of that infection (B95-B96), not a bacterial infection of unspecified site (A49)
_AGENT_OF_SITED_INFECTION = {
    "A49.01": "B95.61",
    "A49.02": "B95.62",
    "A49.1": "B95.5",
    "A49.2": "B96.3",
}
_SITED_INFECTIONS = (
    *("H66", "J01", "J02", "J03", "J13", "J14", "J15", "J18", "J20", "J85", "J86", "K35"),
    *("K57", "K61", "K65", "L00", "L01", "L02", "L03", "L04", "L08", "M00", "M46.2", "M86"),
    *("N10", "N30", "N34", "N39.0", "N41", "N45", "N70", "N71", "N73", "T81.4"),
)


def organism_as_the_agent(findings: Sequence[Finding]) -> list[Finding]:
    """A49.01/A49.02 (MSSA/MRSA infection), A49.1 (streptococcal) or A49.2 (H.
    influenzae) of unspecified site beside a coded infection of a site (cellulitis, UTI,
    pneumonia) is that infection's agent: B95.61, B95.62, B95.5, B96.3."""
    if not any(f.code in _AGENT_OF_SITED_INFECTION for f in findings):
        return list(findings)
    if not any(f.code.startswith(_SITED_INFECTIONS) for f in findings):
        return list(findings)
    return [
        f.becoming(_AGENT_OF_SITED_INFECTION[f.code], "GL-AGENT-OF-INFECTION")
        if f.code in _AGENT_OF_SITED_INFECTION and f.method != "provided"
        else f
        for f in findings
    ]


# I.C.15.a.1: a genitourinary infection in pregnancy is coded to chapter 15, whose code
# names it; the chapter 14 code of the same infection is not added
_NAMED_BY_PREGNANCY_CODE = {
    "O23.0": ("N10",),
    "O23.1": ("N30",),
    "O23.2": ("N34",),
    "O23.4": ("N39.0",),
    "O23.9": ("N39.0",),
}


def drop_infection_named_in_pregnancy(findings: Sequence[Finding]) -> list[Finding]:
    """Acute cystitis in pregnancy is O23.1-, not O23.1- and N30.00 (I.C.15.a.1)."""
    named = tuple(
        prefix
        for code, prefixes in _NAMED_BY_PREGNANCY_CODE.items()
        if any(f.code.startswith(code) for f in findings)
        for prefix in prefixes
    )
    if not named:
        return list(findings)
    return [f for f in findings if not f.code.startswith(named) or f.method == "provided"]
