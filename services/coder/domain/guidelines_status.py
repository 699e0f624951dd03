"""History, family history and status: what a condition that is not current is coded as.

ICD-10-CM Official Guidelines I.C.21.c.4 (history codes: personal history Z85-Z87 for a
condition that no longer exists and is not receiving treatment, family history Z80-Z84),
I.C.21.c.3 (status codes: Z79 long-term drug therapy, Z88 allergy status, Z95/Z96
devices, grafts and implants), I.C.2.d (a primary malignancy excised or eradicated, no
further treatment, no evidence of disease: Z85), I.C.9.e.4 (an old myocardial infarction
is I25.2). A chronic condition written in the past history is still a condition the
patient has (IV.J: code all documented conditions that coexist and affect care).

The tables (services/coder/data/history_codes.tsv) map a condition's code, by its longest
prefix, to the history or family-history code; they are the project's reading of the
Alphabetic Index entries "History, personal" and "History, family".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .guidelines_findings import Finding


@dataclass(frozen=True, slots=True)
class StatusTables:
    """Prefix tables: `history` and `family` map a condition code prefix to the code to
    report; `chronic` holds prefixes of conditions that persist (a "history of" one is
    coded as current)."""

    history: Mapping[str, str]
    family: Mapping[str, str]
    chronic: frozenset[str]


def longest_prefix(code: str, table: Mapping[str, str]) -> str | None:
    """The table's value for the longest prefix of `code` (dots ignored at the end)."""
    for end in range(len(code), 0, -1):
        prefix = code[:end].rstrip(".")
        found = table.get(prefix)
        if found is not None:
            return found
    return None


def is_status_code(code: str) -> bool:
    """Z77-Z99 status and history codes and Z80-Z87 history codes stand for themselves
    (I.C.21.c.3, I.C.21.c.4): a "history of CABG" matched to Z95.1 is coded as it is."""
    return code[:1] == "Z" and code[1:3].isdigit() and 77 <= int(code[1:3]) <= 99


def history_code(code: str, tables: StatusTables) -> tuple[str | None, str]:
    """What a condition written as past history is coded as, and the rule that said so.

    A status or history code is kept; a condition with a personal-history code maps to it
    (Z85 cancer, Z86/Z87 resolved conditions, I25.2 old MI); a chronic condition is coded
    as present; anything else (a resolved acute illness without a history code) is not
    coded."""
    if is_status_code(code):
        return code, "GL-STATUS"
    mapped = longest_prefix(code, tables.history)
    if mapped is not None:
        return mapped, "GL-HISTORY"
    if any(code[:end].rstrip(".") in tables.chronic for end in range(len(code), 0, -1)):
        return code, "GL-HISTORY-CHRONIC"
    return None, "GL-HISTORY-RESOLVED"


def family_code(code: str, tables: StatusTables) -> str | None:
    """The family-history code (Z80-Z84) for a relative's condition, by its chapter or
    category (I.C.21.c.4): cancer by site Z80.x, heart disease Z82.49, diabetes Z83.3..."""
    if code[:1] == "Z" and code[1:3] in {"80", "81", "82", "83", "84"}:
        return code
    return longest_prefix(code, tables.family)


def drop_history_of_a_current_condition(
    findings: Sequence[Finding], tables: StatusTables
) -> list[Finding]:
    """I.C.21.c.4: a personal history code is for a condition that no longer exists; beside
    the same condition coded as current ("last UTI 3 years ago" with today's cystitis) the
    history is not reported."""
    current = {f.code for f in findings if not _mapped_history(f) and f.code[:1] != "Z"}
    histories = {longest_prefix(code, tables.history) for code in current} - {None}
    if not histories:
        return list(findings)
    return [
        f
        for f in findings
        if not (_mapped_history(f) and f.code in histories) or f.method == "provided"
    ]


def _mapped_history(finding: Finding) -> bool:
    return f"+{_HISTORY_RULE}" in finding.rule and f"{_HISTORY_RULE}-" not in finding.rule


_HISTORY_RULE = "GL-HISTORY"
