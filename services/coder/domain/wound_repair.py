"""Wound repair (CPT 12001-13153): class, anatomic group and the sum of the lengths.

CPT Integumentary System guidelines, Repair (Closure): repairs are simple, intermediate
(layered closure) or complex; "when multiple wounds are repaired, add together the lengths
of those in the same classification and from all anatomic sites that are grouped together
into the same code descriptor"; the more complicated repair is reported first and the
others as distinct services (modifier 59 or XS, which the NCCI edits add when the sites
differ). A complex repair of 1 cm or less is reported as simple or intermediate; past
7.5 cm a complex repair takes its add-on code for each further 5 cm.
"""

from __future__ import annotations

from .lexicon import Lexicon, LexiconEntry, words_of
from .procedure_units import Found, added_blocks
from .results import Edit, ReviewReason

REPAIR_CLASSES = ("repair_complex", "repair_intermediate", "repair_simple")  # most complex first

# words a note uses for a site -> the canonical site the lexicon's `sites` name
SITE_WORDS: dict[str, str] = {
    "scalp": "scalp", "neck": "neck", "axilla": "axilla", "armpit": "axilla",
    "penis": "genitalia", "scrotum": "genitalia", "vulva": "genitalia", "labia": "genitalia",
    "genital": "genitalia", "genitalia": "genitalia", "perineum": "genitalia",
    "chest": "trunk", "back": "trunk", "abdomen": "trunk", "abdominal": "trunk", "flank": "trunk",
    "buttock": "trunk", "trunk": "trunk", "torso": "trunk",
    "arm": "arm", "forearm": "arm", "elbow": "arm", "wrist": "arm", "shoulder": "arm",
    "leg": "leg", "thigh": "leg", "knee": "leg", "shin": "leg", "calf": "leg", "ankle": "leg",
    "hip": "leg", "hand": "hand", "finger": "hand", "thumb": "hand", "palm": "hand",
    "knuckle": "hand", "digit": "hand", "foot": "foot", "toe": "foot", "heel": "foot",
    "sole": "foot", "face": "face", "temple": "face", "jaw": "face", "eyebrow": "face",
    "brow": "face", "forehead": "forehead", "cheek": "cheek", "chin": "chin", "mouth": "mouth",
    "perioral": "mouth", "ear": "ear", "earlobe": "ear", "eyelid": "eyelid", "lid": "eyelid",
    "nose": "nose", "nasal": "nose", "lip": "lip", "mucosa": "mucosa", "mucosal": "mucosa",
}  # fmt: skip
_SITE_KEYS = {k[0][0]: v for k, v in ((words_of(w), v) for w, v in SITE_WORDS.items())}


def site_in(text: str) -> str | None:
    """The first body site the text names, as a canonical site word."""
    for key, _, _ in words_of(text):
        site = _SITE_KEYS.get(key)
        if site is not None:
            return site
    return None


def repair_class(entries: tuple[LexiconEntry, ...] | list[LexiconEntry]) -> str | None:
    families = {e.family for e in entries}
    for name in REPAIR_CLASSES:
        if name in families:
            return name
    return None


def code_repair(
    lexicon: Lexicon, family: str, site: str | None, length: float | None
) -> tuple[list[tuple[LexiconEntry, int]], ReviewReason | None]:
    """The code(s) and units of a class of repair at a site for a total length in cm, or a
    review reason naming the candidates when the site or length is not documented."""
    entries = [e for e in lexicon.family(family) if site is None or site in e.sites]
    primaries = [e for e in entries if e.addon_to is None]
    if site is None or length is None or not primaries:
        missing = "site" if site is None else "length"
        candidates = tuple(e.code for e in primaries)
        return [], ReviewReason(
            rule="PROC-REPAIR",
            message=f"a {family.replace('_', ' ')} is documented without its {missing}; "
            "the code depends on the anatomic group and the total length",
            subject=family,
            candidates=candidates,
        )
    length = round(length, 1)
    if family == "repair_complex" and length <= 1.0:
        return code_repair(lexicon, "repair_intermediate", site, length)
    for entry in primaries:
        if entry.range is not None and entry.range.holds(length):
            return [(entry, 1)], None
    for addon in (e for e in entries if e.addon_to is not None):
        primary = lexicon.get(addon.addon_to or "")
        if addon.range is not None and addon.range.holds(length) and primary is not None:
            covered = primary.range.high if primary.range and primary.range.high else 0.0
            return [(primary, 1), (addon, added_blocks(length, covered, 5.0))], None
    return [], ReviewReason(
        rule="PROC-REPAIR",
        message=f"no {family.replace('_', ' ')} code at this site covers {length} cm",
        subject=family,
        candidates=tuple(e.code for e in primaries),
    )


def sum_repairs(
    repairs: list[tuple[Found, str, float | None]], lexicon: Lexicon
) -> tuple[list[Found], list[ReviewReason], list[Edit]]:
    """Repairs documented wound by wound (found, class, length) as claim lines: lengths
    added by class and anatomic group, the most complex class first."""
    groups: dict[tuple[str, str], list[tuple[Found, float | None]]] = {}
    reasons: list[ReviewReason] = []
    edits: list[Edit] = []
    lines: list[Found] = []
    for found, family, length in repairs:
        group = group_of(lexicon, family, found.site)
        groups.setdefault((family, group), []).append((found, length))
    for family, group in sorted(groups, key=lambda k: REPAIR_CLASSES.index(k[0])):
        wounds = groups[(family, group)]
        first = wounds[0][0]
        lengths = [length for _, length in wounds]
        total = None if any(x is None for x in lengths) else sum(x or 0.0 for x in lengths)
        coded, reason = code_repair(lexicon, family, first.site, total)
        if reason is not None:
            reasons.append(reason)
            continue
        if len(wounds) > 1:
            edits.append(
                Edit(
                    rule="REPAIR-SUM",
                    detail=f"{len(wounds)} {family.replace('_', ' ')}s in one anatomic group "
                    f"added up to {round(total or 0.0, 1)} cm",
                )
            )
        for entry, units in coded:
            lines.append(
                Found(entry, first.evidence, first.method, first.rule, first.confidence,
                      units=units, site=first.site, author=first.author)
            )  # fmt: skip
    return lines, reasons, edits


def group_of(lexicon: Lexicon, family: str, site: str | None) -> str:
    """The anatomic group (the first code of the family covering the site)."""
    for entry in lexicon.family(family):
        if site is not None and site in entry.sites:
            return min(e.code for e in lexicon.family(family) if e.sites == entry.sites)
    return site or ""
