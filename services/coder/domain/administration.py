"""Administration codes for the drugs and vaccines given: who gets which code.

Drugs (CPT Medicine, Hydration, Therapeutic, Prophylactic, Diagnostic Injections and
Infusions): one initial service per encounter, chosen by the hierarchy infusion > push >
hydration; the others are sequential or additional codes (96366/96367 infusion, 96375
push, 96361 hydration). An infusion of 15 minutes or less is a push; hydration of 30
minutes or less is not reported. An injection under the skin or into a muscle is 96372,
one per injection; an inhaled drug is given by the nebulizer treatment (94640).

Vaccines (CPT Immunization Administration for Vaccines/Toxoids): under age 19 with the
provider's counselling 90460 for the first component of each vaccine and 90461 for each
further component; otherwise 90471 for the first injected vaccine, 90472 for each other,
90473/90474 by mouth or nose (90474 when an injected vaccine took the first code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import Lexicon, LexiconEntry
from .procedure_units import Found, added_hours
from .results import Evidence

INJECTION, PUSH, INFUSION, INHALED = "injection", "push", "infusion", "inhaled"
# hormonal anti-neoplastics given under the skin or into a muscle (CPT 96402)
HORMONAL_ANTINEOPLASTICS = frozenset({"J9217", "J9202", "J1950", "J9226", "J9155"})
# Medicare Part B pays the flu, pneumococcal and hepatitis B vaccines' administration as
# G0008, G0009 and G0010 (MLN Medicare Part B Immunization Billing), not 90471-90474
_FLU = frozenset({"90630", "90653", "90656", "90658", "90660", "90661", "90662", "90672"})
_FLU |= frozenset({"90673", "90674", "90682", "90685", "90686", "90687", "90688", "90694"})
_PNEUMOCOCCAL = frozenset({"90670", "90671", "90677", "90684", "90732"})
_HEPATITIS_B = frozenset({"90739", "90740", "90743", "90744", "90746", "90747"})
MEDICARE_ADMIN = {code: "G0008" for code in _FLU}
MEDICARE_ADMIN |= {code: "G0009" for code in _PNEUMOCOCCAL}
MEDICARE_ADMIN |= {code: "G0010" for code in _HEPATITIS_B}


@dataclass(frozen=True, slots=True)
class Given:
    """A drug given: its route (injection, push, infusion, inhaled), minutes when an
    infusion's length is documented, and whether it is hydration fluid."""

    route: str
    evidence: Evidence
    minutes: int | None = None
    hydration: bool = False
    hormonal: bool = False  # a hormonal anti-cancer drug under the skin or into a muscle: 96402


def drug_administration(given: Sequence[Given], lexicon: Lexicon) -> list[Found]:
    """The administration lines for the drugs given (see the module docstring)."""
    out: list[Found] = []
    hormonal = [g for g in given if g.route == INJECTION and g.hormonal]
    if hormonal:
        _add(out, lexicon, "96402", hormonal[0].evidence, len(hormonal))
    injections = [g for g in given if g.route == INJECTION and not g.hormonal]
    if injections:
        _add(out, lexicon, "96372", injections[0].evidence, len(injections))
    infusions = [g for g in given if g.route == INFUSION and not g.hydration]
    pushes = [g for g in given if g.route == PUSH]
    pushes += [g for g in infusions if g.minutes is not None and g.minutes <= 15]
    infusions = [g for g in infusions if g.minutes is None or g.minutes > 15]
    hydration = [g for g in given if g.hydration and g.minutes is not None and g.minutes > 30]
    initial_taken = False
    if infusions:
        first = infusions[0]
        _add(out, lexicon, "96365", first.evidence, 1)
        hours = added_hours(first.minutes or 0)
        if hours:
            _add(out, lexicon, "96366", first.evidence, hours)
        if len(infusions) > 1:
            _add(out, lexicon, "96367", infusions[1].evidence, len(infusions) - 1)
        initial_taken = True
    if pushes:
        if initial_taken:
            _add(out, lexicon, "96375", pushes[0].evidence, len(pushes))
        else:
            _add(out, lexicon, "96374", pushes[0].evidence, 1)
            if len(pushes) > 1:
                _add(out, lexicon, "96375", pushes[1].evidence, len(pushes) - 1)
        initial_taken = True
    if hydration:
        fluid = hydration[0]
        minutes = sum(g.minutes or 0 for g in hydration)
        if initial_taken:
            # hydration after another initial service: each hour, the first past 30 minutes
            units = 1 + added_hours(minutes) if minutes > 30 else 0
            if units:
                _add(out, lexicon, "96361", fluid.evidence, units)
        else:
            _add(out, lexicon, "96360", fluid.evidence, 1)
            hours = added_hours(minutes)
            if hours:
                _add(out, lexicon, "96361", fluid.evidence, hours)
    inhaled = [g for g in given if g.route == INHALED]
    if inhaled:
        _add(out, lexicon, "94640", inhaled[0].evidence, 1)
    return out


def vaccine_administration(
    vaccines: Sequence[tuple[LexiconEntry, Evidence]],
    age: int,
    counselled: bool,
    lexicon: Lexicon,
    medicare: bool = False,
) -> list[Found]:
    """The administration lines for the vaccines given (see the module docstring)."""
    out: list[Found] = []
    if medicare:
        for entry, evidence in vaccines:
            if entry.code in MEDICARE_ADMIN:
                _add(out, lexicon, MEDICARE_ADMIN[entry.code], evidence, 1)
        vaccines = [v for v in vaccines if v[0].code not in MEDICARE_ADMIN]
    if not vaccines:
        return out
    if age < 19 and counselled:
        _add(out, lexicon, "90460", vaccines[0][1], len(vaccines))
        further = sum(entry.components - 1 for entry, _ in vaccines)
        if further:
            _add(out, lexicon, "90461", vaccines[0][1], further)
        return out
    injected = [v for v in vaccines if v[0].family != "vaccine_oral"]
    oral = [v for v in vaccines if v[0].family == "vaccine_oral"]
    if injected:
        _add(out, lexicon, "90471", injected[0][1], 1)
        if len(injected) > 1:
            _add(out, lexicon, "90472", injected[1][1], len(injected) - 1)
    if oral:
        if injected:
            _add(out, lexicon, "90474", oral[0][1], len(oral))
        else:
            _add(out, lexicon, "90473", oral[0][1], 1)
            if len(oral) > 1:
                _add(out, lexicon, "90474", oral[1][1], len(oral) - 1)
    return out


def _add(out: list[Found], lexicon: Lexicon, code: str, evidence: Evidence, units: int) -> None:
    entry = lexicon.get(code)
    if entry is not None and units > 0:
        out.append(Found(entry, evidence, "inferred", f"ADMIN-{code}", 0.8, units=units))
